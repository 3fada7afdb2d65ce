//! A mediator's contact, in the national activity taxonomy of the Coop de la médiation numérique
//! (values, labels and codes verbatim; a test compares them with ../shared/data/taxonomies).
//!
//! Beneficiaries are anonymous: a contact has an age band, a social status, optionally a gender
//! and a commune of residence — never a name, phone number, e-mail or birth date. The type has
//! no field for them, so they cannot be stored.
//!
//! [`Contact::check`] says every problem with the field and why, in French, for the form and for
//! the server's 4xx answers. The form's model ([`Draft`]) and outreach sessions ([`Outing`]) are
//! in `activity/draft.rs` and `activity/outing.rs`.

use chrono::{Datelike, NaiveDateTime};
use uuid::Uuid;

use crate::label::{Label, LabelSet};

/// An enumeration of the taxonomy: variant, code (`api_value`/`db_value`), French label.
macro_rules! taxonomy {
    ($(#[$doc:meta])* $name:ident, $field:literal { $($variant:ident => $code:literal, $label:literal),+ $(,)? }) => {
        $(#[$doc])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum $name { $($variant),+ }

        impl Label for $name {
            const ALL: &'static [Self] = &[$($name::$variant),+];
            const FIELD: &'static str = $field;
            fn label(self) -> &'static str {
                match self { $($name::$variant => $label),+ }
            }
            fn index(self) -> u32 {
                self as u32
            }
        }

        impl $name {
            /// The taxonomy's code, as the national API and database write it.
            pub fn code(self) -> &'static str {
                match self { $($name::$variant => $code),+ }
            }

            pub fn from_code(code: &str) -> Option<Self> {
                Self::ALL.iter().copied().find(|v| v.code() == code)
            }
        }
    };
}

taxonomy!(
    /// `type_activite`, plus Repère's "demande ponctuelle" (a quick question at a stand), which
    /// national reporting counts as an individual accompaniment.
    TypeActivite, "type_activite" {
    Individuel => "individuel", "Accompagnement individuel",
    Collectif => "collectif", "Atelier collectif",
    Ponctuel => "ponctuel", "Demande ponctuelle",
});

taxonomy!(Thematique, "thematiques" {
    DiagnosticNumerique => "diagnostic_numerique", "Diagnostic numérique",
    PrendreEnMainDuMateriel => "prendre_en_main_du_materiel", "Prendre en main du matériel",
    MaintenanceDeMateriel => "maintenance_de_materiel", "Maintenance de matériel",
    GereSesContenusNumeriques => "gere_ses_contenus_numeriques", "Gérer ses contenus numériques",
    NavigationSurInternet => "navigation_sur_internet", "Navigation sur internet",
    Email => "email", "E-mail",
    Bureautique => "bureautique", "Bureautique",
    ReseauxSociaux => "reseaux_sociaux", "Réseaux sociaux communication",
    Sante => "sante", "Santé",
    BanqueEtAchatsEnLigne => "banque_et_achats_en_ligne", "Banque et achats en ligne",
    Entrepreneuriat => "entrepreneuriat", "Accompagner un professionnel",
    InsertionProfessionnelle => "insertion_professionnelle", "Insertion professionnelle",
    SecuriteNumerique => "securite_numerique", "Prévention en sécurité numérique",
    Parentalite => "parentalite", "Parentalité",
    ScolariteEtNumerique => "scolarite_et_numerique", "Scolarité et numérique",
    CreerAvecLeNumerique => "creer_avec_le_numerique", "Créer avec le numérique",
    CultureNumerique => "culture_numerique", "Culture numérique",
    IntelligenceArtificielle => "intelligence_artificielle", "Intelligence artificielle (IA)",
    AideAuxDemarchesAdministratives => "aide_aux_demarches_administratives", "Aide aux démarches administratives",
});

taxonomy!(
    /// The themes of an administrative procedure, when the theme is "Aide aux démarches administratives".
    ThematiqueAdministrative, "thematiques_administratives" {
    PapiersElectionsCitoyennete => "papiers_elections_citoyennete", "Papiers - Élections - Citoyenneté",
    FamilleScolarite => "famille_scolarite", "Famille - Scolarité",
    SocialSante => "social_sante", "Social - Santé",
    TravailFormation => "travail_formation", "Travail - Formation - Entreprise",
    Logement => "logement", "Logement",
    TransportsMobilite => "transports_mobilite", "Transports - Mobilité",
    ArgentImpots => "argent_impots", "Argent - Impôts",
    Justice => "justice", "Justice",
    EtrangersEurope => "etrangers_europe", "Étrangers - Europe",
    LoisirsSportsCulture => "loisirs_sports_culture", "Loisirs - Sports - Culture",
    Associations => "associations", "Associations",
});

taxonomy!(Materiel, "materiel" {
    Ordinateur => "ordinateur", "Ordinateur",
    Telephone => "telephone", "Téléphone",
    Tablette => "tablette", "Tablette",
    Autre => "autre", "Autre",
    Aucun => "aucun", "Pas de matériel",
});

taxonomy!(TypeLieu, "type_lieu" {
    LieuActivite => "lieu_activite", "Lieu d’activité",
    Autre => "autre", "Autre lieu",
    Domicile => "domicile", "À domicile",
    ADistance => "a_distance", "À distance",
});

taxonomy!(Autonomie, "autonomie" {
    EntierementAccompagne => "entierement_accompagne", "Avec guidage",
    PartiellementAutonome => "partiellement_autonome", "Autonome avec guidage en cas de besoin",
    Autonome => "autonome", "Autonome",
});

taxonomy!(StructureRedirection, "structures_redirection" {
    Administration => "administration", "Administration (mairie, préfecture…)",
    MediationNumerique => "mediation_numerique", "Autre structure de médiation numérique",
    OperateurOuOrganismeEnCharge => "operateur_ou_organisme_en_charge", "Opérateur ou organisme en charge de la démarche administrative",
    AideSociale => "aide_sociale", "Structure d’aide sociale (maison des solidarités, centre social…)",
    InsertionProfessionnelle => "insertion_professionnelle", "Structure d’insertion professionnelle (France Travail, mission locale, chambre de commerce…)",
    AideAuxDemarchesAdministratives => "aide_aux_demarches_administratives", "Structure d’aide aux démarches administratives (France Services…)",
    Autre => "autre", "Autre",
});

taxonomy!(NiveauAtelier, "niveau_atelier" {
    Debutant => "debutant", "Débutant",
    Intermediaire => "intermediaire", "Intermédiaire",
    Avance => "avance", "Avancé",
});

taxonomy!(Genre, "genre" {
    Masculin => "masculin", "Masculin",
    Feminin => "feminin", "Féminin",
    NonCommunique => "non_communique", "Non communiqué",
});

taxonomy!(TrancheAge, "tranche_age" {
    SoixanteDixPlus => "soixante_dix_plus", "70 ans et plus",
    SoixanteSoixanteNeuf => "soixante_soixante_neuf", "60 - 69 ans",
    QuaranteCinquanteNeuf => "quarante_cinquante_neuf", "40 - 59 ans",
    VingtCinqTrenteNeuf => "vingt_cinq_trente_neuf", "25 - 39 ans",
    DixHuitVingtQuatre => "dix_huit_vingt_quatre", "18 - 24 ans",
    DouzeDixHuit => "douze_dix_huit", "12 - 17 ans",
    MoinsDeDouze => "moins_de_douze", "Moins de 12 ans",
    NonCommunique => "non_communique", "Non communiqué",
});

taxonomy!(StatutSocial, "statut_social" {
    Retraite => "retraite", "Retraité",
    SansEmploi => "sans_emploi", "Sans emploi",
    EnEmploi => "en_emploi", "En emploi",
    Scolarise => "scolarise", "Scolarisé",
    NonCommunique => "non_communique", "Non communiqué ou hétérogène",
});

mod at_stop;
mod draft;
mod outing;
pub use at_stop::{SOON_MINUTES, Visit, stops_by_name, stops_now};
pub use draft::{Debut, Draft, LieuChoice, Remembered, field_words, toggled};
pub use outing::{Outing, OutingKind, QUICK_MINUTES};

/// Duration presets of the national form, in minutes (any other duration is "personnaliser").
pub const DURATION_PRESETS: [u16; 6] = [15, 30, 45, 60, 90, 120];
/// Longest plausible contact: a whole day's workshop.
pub const MAX_DURATION_MIN: u16 = 8 * 60;

/// Where the contact took place, as a mediator on the move says it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Lieu {
    /// A place of the registry (its id).
    Registre(String),
    /// A commune (code INSEE), e.g. a town hall permanence not in the registry.
    Commune(String),
    /// The connected bus, at a stop in a commune (code INSEE) when the mediator said which.
    Bus(Option<String>),
    /// A market day or a stand, in a commune (code INSEE) when said: fiche 1-E counts the
    /// people met on stands per territory.
    MarcheStand(Option<String>),
    /// A stop of an itinerant place's tour (issue #16): its id (`registry::Stop`), and its
    /// commune as the phone held it, so the contact counts there even if the stop moves or goes.
    Arret {
        id: String,
        commune: String,
    },
    Domicile,
    ADistance,
}

impl Lieu {
    /// The commune named by the place itself (not the registry's places: their commune is the
    /// registry's).
    pub fn commune(&self) -> Option<&str> {
        match self {
            Lieu::Commune(code) | Lieu::Bus(Some(code)) | Lieu::MarcheStand(Some(code)) | Lieu::Arret { commune: code, .. } => Some(code),
            _ => None,
        }
    }

    /// The national `type_lieu`.
    pub fn type_lieu(&self) -> TypeLieu {
        match self {
            Lieu::Registre(_) => TypeLieu::LieuActivite,
            Lieu::Commune(_) | Lieu::Bus(_) | Lieu::MarcheStand(_) | Lieu::Arret { .. } => TypeLieu::Autre,
            Lieu::Domicile => TypeLieu::Domicile,
            Lieu::ADistance => TypeLieu::ADistance,
        }
    }
}

/// Who was helped, anonymously, in an individual contact.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Beneficiaire {
    pub tranche_age: Option<TrancheAge>,
    pub statut: Option<StatutSocial>,
    pub genre: Option<Genre>,
    /// Commune of residence, code INSEE.
    pub commune: Option<String>,
}

/// Who came to a workshop: counts only.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Participants {
    /// Count per age band, in [`TrancheAge::ALL`] order.
    pub par_age: [u16; 8],
    /// Count per status, in [`StatutSocial::ALL`] order.
    pub par_statut: [u16; 5],
}

impl Participants {
    pub fn total(&self) -> u32 {
        self.par_age.iter().map(|&n| u32::from(n)).sum()
    }
}

/// Where the person was sent next.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Orientation {
    pub structure: StructureRedirection,
    /// The registry place they were sent to, when it is one.
    pub lieu: Option<String>,
}

/// One contact, as a mediator logs it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Contact {
    /// Made on the device (UUIDv7), so a retried push is recognised.
    pub id: Uuid,
    pub type_activite: TypeActivite,
    /// Local date and time.
    pub debut: NaiveDateTime,
    pub duree_min: u16,
    pub lieu: Lieu,
    pub thematiques: LabelSet<Thematique>,
    pub thematiques_administratives: LabelSet<ThematiqueAdministrative>,
    pub materiel: LabelSet<Materiel>,
    pub autonomie: Option<Autonomie>,
    pub orientation: Option<Orientation>,
    pub niveau_atelier: Option<NiveauAtelier>,
    /// Individual and quick contacts.
    pub beneficiaire: Beneficiaire,
    /// Workshops.
    pub participants: Participants,
    /// The outreach session (market day, bus stop) this contact was logged in, if any.
    pub session: Option<Uuid>,
}

/// A problem with one field of a contact.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Problem {
    pub field: &'static str,
    pub reason: String,
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} : {}", self.field, self.reason)
    }
}

fn is_insee(code: &str) -> bool {
    code.len() == 5 && code.bytes().all(|b| b.is_ascii_alphanumeric())
}

/// Longest id of a registry place (the standard's ids are like `france-services-2842` or
/// `aidants-connect-<uuid>`, under 60 characters).
pub const MAX_PLACE_ID_LEN: usize = 100;

/// The shape of a registry place's id: letters, digits and `-_.:`, so that no name, phone
/// number or e-mail address can be written where a place is named.
pub fn is_place_id(id: &str) -> bool {
    (1..=MAX_PLACE_ID_LEN).contains(&id.len()) && id.bytes().all(|b| b.is_ascii_alphanumeric() || b"-_.:".contains(&b))
}

/// Years a contact's date may fall in: Repère started in 2026, and a date outside this range
/// is a device's clock gone wrong or a forged record (year 0 was accepted once).
pub const CONTACT_YEARS: std::ops::RangeInclusive<i32> = 2020..=2100;

/// What the identifiers of a contact must name: a place of the registry (in some version), a
/// stop of a tour (ever published) and a commune of the territory. The server answers from its
/// database, the app from what it holds.
pub trait References {
    fn is_place(&self, id: &str) -> bool;
    fn is_stop(&self, id: &str) -> bool;
    fn is_commune(&self, code_insee: &str) -> bool;
}

impl Contact {
    /// Every problem, with the field and why; empty when the contact can be saved.
    pub fn check(&self) -> Vec<Problem> {
        let mut problems = Vec::new();
        let mut problem = |field, reason: &str| problems.push(Problem { field, reason: reason.to_owned() });
        if self.id.get_version_num() != 7 {
            problem("id", "identifiant UUIDv7 attendu");
        }
        if self.duree_min == 0 || self.duree_min > MAX_DURATION_MIN {
            problem("duree", "entre 1 minute et 8 heures");
        }
        // A quick "+1 personne renseignée" at a stand has no theme; everything else has one.
        if self.thematiques.is_empty() && self.type_activite != TypeActivite::Ponctuel {
            problem("thematiques", "choisissez au moins une thématique");
        }
        if !self.thematiques_administratives.is_empty() && !self.thematiques.contains(Thematique::AideAuxDemarchesAdministratives) {
            problem("thematiques_administratives", "seulement avec la thématique « Aide aux démarches administratives »");
        }
        if !CONTACT_YEARS.contains(&self.debut.year()) {
            problem("debut", "date entre 2020 et 2100 attendue");
        }
        match &self.lieu {
            Lieu::Registre(id) if !is_place_id(id) => problem("lieu", "identifiant de lieu du registre attendu"),
            Lieu::Arret { id, .. } if !is_place_id(id) => problem("lieu", "identifiant d’arrêt du registre attendu"),
            lieu if lieu.commune().is_some_and(|code| !is_insee(code)) => problem("lieu", "code INSEE de commune attendu (5 caractères)"),
            _ => {}
        }
        if let Some(code) = &self.beneficiaire.commune
            && !is_insee(code)
        {
            problem("commune", "code INSEE de commune attendu (5 caractères)");
        }
        if self.orientation.as_ref().and_then(|o| o.lieu.as_ref()).is_some_and(|id| !is_place_id(id)) {
            problem("orientation", "identifiant de lieu du registre attendu");
        }
        let individual = self.type_activite != TypeActivite::Collectif;
        if individual {
            if self.participants != Participants::default() {
                problem("participants", "seulement pour un atelier collectif");
            }
            if self.niveau_atelier.is_some() {
                problem("niveau_atelier", "seulement pour un atelier collectif");
            }
        } else {
            if self.participants.total() == 0 {
                problem("participants", "indiquez au moins un participant par tranche d’âge");
            }
            let by_status: u32 = self.participants.par_statut.iter().map(|&n| u32::from(n)).sum();
            if by_status != 0 && by_status != self.participants.total() {
                problem("participants", "le total par statut doit égaler le total par âge");
            }
            if self.beneficiaire != Beneficiaire::default() {
                problem("beneficiaire", "pour un atelier, comptez les participants");
            }
            if self.autonomie.is_some() {
                problem("autonomie", "seulement pour un accompagnement individuel");
            }
        }
        problems
    }

    /// Every identifier that does not name what it should: the place (`lieu`, `orientation`)
    /// unknown to the registry, the commune (`lieu`, `commune`) not of the territory. Run after
    /// [`Contact::check`], on a contact whose ids have the right shape.
    pub fn check_references(&self, known: &impl References) -> Vec<Problem> {
        let mut problems = Vec::new();
        let mut problem = |field, reason: &str| problems.push(Problem { field, reason: reason.to_owned() });
        match &self.lieu {
            Lieu::Registre(id) if !known.is_place(id) => problem("lieu", "ce lieu n’est pas dans le registre"),
            Lieu::Arret { id, .. } if !known.is_stop(id) => problem("lieu", "cet arrêt n’a jamais été publié"),
            lieu if lieu.commune().is_some_and(|code| !known.is_commune(code)) => problem("lieu", "cette commune n’est pas de la Vienne"),
            _ => {}
        }
        if self.orientation.as_ref().and_then(|o| o.lieu.as_deref()).is_some_and(|id| !known.is_place(id)) {
            problem("orientation", "ce lieu n’est pas dans le registre");
        }
        if self.beneficiaire.commune.as_deref().is_some_and(|code| !known.is_commune(code)) {
            problem("commune", "cette commune n’est pas de la Vienne");
        }
        problems
    }
}

#[cfg(test)]
mod tests;
