//! A contact as the figures see it: the server stores exactly these values in typed columns, so
//! that its SQL and the core count the same things.

use chrono::NaiveDate;
use uuid::Uuid;

use crate::activity::{
    Contact, Genre, Lieu, Materiel, OutingKind, StatutSocial, Thematique, ThematiqueAdministrative, TrancheAge, TypeActivite,
};
use crate::label::{Label, LabelSet};

/// Where the registry's places are and which EPCI a commune belongs to: the server answers
/// from its database, the app from the registry and communes it holds.
pub trait Places {
    /// The commune (code INSEE) of a registry place, if the place is known.
    fn commune_of_place(&self, id: &str) -> Option<String>;
    /// The EPCI (SIREN) of a commune of the territory.
    fn epci_of(&self, commune: &str) -> Option<String>;
}

/// La Coop's duration bands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Duree {
    MoinsDe30,
    De30A60,
    De60A120,
    PlusDe120,
}

impl Label for Duree {
    const ALL: &'static [Self] = &[Duree::MoinsDe30, Duree::De30A60, Duree::De60A120, Duree::PlusDe120];
    const FIELD: &'static str = "duree";
    fn label(self) -> &'static str {
        match self {
            Duree::MoinsDe30 => "Moins de 30 min",
            Duree::De30A60 => "30 min à 1 h",
            Duree::De60A120 => "1 h à 2 h",
            Duree::PlusDe120 => "2 h et plus",
        }
    }
    fn index(self) -> u32 {
        self as u32
    }
}

impl Duree {
    /// A duration's band: 30 minutes is "30 min à 1 h", one hour "1 h à 2 h".
    pub fn of(minutes: u16) -> Duree {
        match minutes {
            0..30 => Duree::MoinsDe30,
            30..60 => Duree::De30A60,
            60..120 => Duree::De60A120,
            _ => Duree::PlusDe120,
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            Duree::MoinsDe30 => "moins_30",
            Duree::De30A60 => "30_60",
            Duree::De60A120 => "60_120",
            Duree::PlusDe120 => "plus_120",
        }
    }
}

/// The key of a contact's place in the breakdown "lieux" and in the filter `lieu`: a registry
/// place's id or a stop's (ids of places and stops never coincide: `tour`), `commune-86194` for
/// a commune, else the kind (`bus`, `marche_stand`, `domicile`,
/// `a_distance`) — a bus stop's commune counts under the commune breakdowns, not here.
pub fn lieu_key(lieu: &Lieu) -> String {
    match lieu {
        Lieu::Registre(id) | Lieu::Arret { id, .. } => id.clone(),
        Lieu::Commune(code) => format!("commune-{code}"),
        Lieu::Bus(_) => "bus".to_owned(),
        Lieu::MarcheStand(_) => "marche_stand".to_owned(),
        Lieu::Domicile => "domicile".to_owned(),
        Lieu::ADistance => "a_distance".to_owned(),
    }
}

/// One contact as counted.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Facts {
    pub day: NaiveDate,
    /// The structure whose device logged it.
    pub structure: i64,
    pub kind: TypeActivite,
    /// People helped: 1, or a workshop's participants.
    pub people: u32,
    pub duree: Duree,
    /// See [`lieu_key`].
    pub lieu: String,
    /// The commune where help happened: the registry place's, the commune named as the place,
    /// a bus stop's or a stand's. `None` at home, remote, or a stop with no commune: never the
    /// person's commune of residence, which the figures protect ("< 5") and an exact commune
    /// breakdown or filter would give away (found in review).
    pub commune: Option<String>,
    /// The EPCI of [`Facts::commune`], else of the commune of residence (an EPCI is large
    /// enough not to point at anyone): help at home counts in its EPCI, and EPCI coordinators
    /// see it.
    pub epci: Option<String>,
    /// Commune of residence (individual contacts only).
    pub residence: Option<String>,
    pub session: Option<Uuid>,
    /// The kind of outreach session it was logged in.
    pub sortie: Option<OutingKind>,
    pub thematiques: LabelSet<Thematique>,
    pub demarches: LabelSet<ThematiqueAdministrative>,
    pub materiel: LabelSet<Materiel>,
    /// People per age band, in [`TrancheAge::ALL`] order; each per-person array sums to `people`
    /// (what is not told is counted "Non communiqué").
    pub ages: [u32; 8],
    pub statuts: [u32; 5],
    pub genres: [u32; 3],
}

fn one_hot<T: Label, const N: usize>(value: Option<T>, otherwise: T) -> [u32; N] {
    let mut counts = [0; N];
    counts[value.unwrap_or(otherwise).index() as usize] = 1;
    counts
}

impl Facts {
    pub fn of(contact: &Contact, structure: i64, places: &impl Places) -> Facts {
        let people = match contact.type_activite {
            TypeActivite::Collectif => contact.participants.total(),
            _ => 1,
        };
        let (ages, statuts, genres) = if contact.type_activite == TypeActivite::Collectif {
            let ages = contact.participants.par_age.map(u32::from);
            let mut statuts = contact.participants.par_statut.map(u32::from);
            let told: u32 = statuts.iter().sum();
            statuts[StatutSocial::NonCommunique.index() as usize] += people - told.min(people);
            let mut genres = [0; 3];
            genres[Genre::NonCommunique.index() as usize] = people;
            (ages, statuts, genres)
        } else {
            let b = &contact.beneficiaire;
            (
                one_hot(b.tranche_age, TrancheAge::NonCommunique),
                one_hot(b.statut, StatutSocial::NonCommunique),
                one_hot(b.genre, Genre::NonCommunique),
            )
        };
        let residence = contact.beneficiaire.commune.clone();
        let commune = match &contact.lieu {
            Lieu::Registre(id) => places.commune_of_place(id),
            lieu => lieu.commune().map(str::to_owned),
        };
        let sortie = contact.session.and(match contact.lieu {
            Lieu::Bus(_) | Lieu::Arret { .. } => Some(OutingKind::Bus),
            Lieu::MarcheStand(_) => Some(OutingKind::MarcheStand),
            Lieu::Commune(_) => Some(OutingKind::Evenement),
            _ => None,
        });
        Facts {
            day: contact.debut.date(),
            structure,
            kind: contact.type_activite,
            people,
            duree: Duree::of(contact.duree_min),
            lieu: lieu_key(&contact.lieu),
            epci: commune.as_deref().or(residence.as_deref()).and_then(|c| places.epci_of(c)),
            commune,
            residence,
            session: contact.session,
            sortie,
            thematiques: contact.thematiques,
            demarches: contact.thematiques_administratives,
            materiel: contact.materiel,
            ages,
            statuts,
            genres,
        }
    }
}
