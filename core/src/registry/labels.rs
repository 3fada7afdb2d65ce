//! The enumerations of the national standard, as Rust enums carrying their exact French labels,
//! and [`LabelSet`], a set of them stored as bits (multi-valued fields are `|`-separated).
//!
//! Labels are the standard's own strings, verbatim (accents, « », parentheses): they are what
//! import reads and export writes, so a round trip is lossless.

use std::fmt;
use std::marker::PhantomData;

/// An enumeration of the standard: a closed list of labels, each with a small index.
pub trait Label: Copy + Eq + fmt::Debug + 'static {
    /// Every value, in the standard's order.
    const ALL: &'static [Self];
    /// The field's name in the standard, for error messages.
    const FIELD: &'static str;
    fn label(self) -> &'static str;
    fn index(self) -> u32;
    fn from_label(label: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|v| v.label() == label)
    }
}

macro_rules! labels {
    ($(#[$doc:meta])* $name:ident, $field:literal { $($variant:ident => $label:literal),+ $(,)? }) => {
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
    };
}

labels!(
    /// `itinerance`: whether the help comes to people (bus, rotating permanences).
    Itinerance, "itinerance" {
    Itinerant => "Itinérant",
    Fixe => "Fixe",
});

labels!(
    /// `services`: what people can get help with.
    Service, "services" {
    DemarchesAdministratives => "Aide aux démarches administratives",
    OutilsDuQuotidien => "Maîtrise des outils numériques du quotidien",
    InsertionProfessionnelle => "Insertion professionnelle via le numérique",
    UtilisationSecurisee => "Utilisation sécurisée du numérique",
    Parentalite => "Parentalité et éducation avec le numérique",
    LoisirsCreations => "Loisirs et créations numériques",
    ComprehensionDuMonde => "Compréhension du monde numérique",
    AccesInternetMateriel => "Accès internet et matériel informatique",
    MaterielPrixSolidaire => "Acquisition de matériel informatique à prix solidaire",
});

labels!(
    /// `publics_specifiquement_adresses`: people a place especially welcomes.
    Public, "publics_specifiquement_adresses" {
    Jeunes => "Jeunes",
    Etudiants => "Étudiants",
    FamillesEnfants => "Familles et/ou enfants",
    Seniors => "Seniors",
    Femmes => "Femmes",
});

labels!(
    /// `prise_en_charge_specifique`: specific support a place offers.
    PriseEnCharge, "prise_en_charge_specifique" {
    Surdite => "Surdité",
    HandicapsMoteurs => "Handicaps moteurs",
    HandicapsMentaux => "Handicaps mentaux",
    Illettrisme => "Illettrisme",
    LanguesAnglais => "Langues étrangères (anglais)",
    LanguesAutres => "Langues étrangères (autres)",
    DeficienceVisuelle => "Déficience visuelle",
});

labels!(
    /// `frais_a_charge`: what it costs.
    Frais, "frais_a_charge" {
    Gratuit => "Gratuit",
    GratuitSousCondition => "Gratuit sous condition",
    Payant => "Payant",
});

labels!(
    /// `dispositif_programmes_nationaux`: national programmes a place belongs to.
    Dispositif, "dispositif_programmes_nationaux" {
    AidantsConnect => "Aidants Connect",
    BibliothequesNumeriqueReference => "Bibliothèques numérique de référence",
    CertificationPix => "Certification PIX",
    ConseillersNumeriques => "Conseillers numériques",
    EmmausConnect => "Emmaüs Connect",
    FranceServices => "France Services",
    GrandeEcoleNumerique => "Grande école du numérique",
    CroixRouge => "La Croix Rouge",
    PointAccesNumeriqueCaf => "Point d'accès numérique CAF",
    PromeneursDuNet => "Promeneurs du net",
    RelaisNumeriqueEmmaus => "Relais numérique (Emmaüs Connect)",
});

labels!(
    /// `formations_labels`: trainings and labels of the staff.
    FormationLabel, "formations_labels" {
    MonEspaceSante => "Formé à « Mon Espace Santé »",
    Duplex => "Formé à « DUPLEX » (illettrisme)",
    ArniaMednumBfc => "Arnia/MedNum BFC (Bourgogne-Franche-Comté)",
    CollectifReemploiNormandie => "Collectif ressources et acteurs réemploi (Normandie)",
    EtapesNumeriques => "Étapes numériques(La Poste)",
    FabriquesDeTerritoire => "Fabriques de Territoire",
    EclaireursDrome => "Les Éclaireurs du numérique (Drôme)",
    MesPapiersLyon => "Mes Papiers (Métropole de Lyon)",
    Ordi3 => "ORDI 3.0",
    SudLabs => "SUD LABS (PACA)",
});

labels!(
    /// `modalites_acces`: how to get in.
    ModaliteAcces, "modalites_acces" {
    SePresenter => "Se présenter",
    Telephoner => "Téléphoner",
    ContacterParMail => "Contacter par mail",
    RdvEnLigne => "Prendre un RDV en ligne",
    PasDepublic => "Ce lieu n'accueille pas de public",
    FicheDePrescription => "Envoyer un mail avec une fiche de prescription",
});

labels!(
    /// `modalites_accompagnement`: how help is given.
    ModaliteAccompagnement, "modalites_accompagnement" {
    EnAutonomie => "En autonomie",
    Individuel => "Accompagnement individuel",
    AtelierCollectif => "Dans un atelier collectif",
    ADistance => "À distance",
});

/// A set of values of one enumeration, one bit each: cheap to copy and to test, which the
/// proximity filters do for every candidate place.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct LabelSet<T: Label> {
    bits: u32,
    kind: PhantomData<T>,
}

impl<T: Label> Default for LabelSet<T> {
    fn default() -> Self {
        LabelSet { bits: 0, kind: PhantomData }
    }
}

impl<T: Label> LabelSet<T> {
    pub fn new() -> Self {
        Self::default()
    }
    pub fn insert(&mut self, value: T) {
        self.bits |= 1 << value.index();
    }
    pub fn contains(&self, value: T) -> bool {
        self.bits & (1 << value.index()) != 0
    }
    pub fn is_empty(&self) -> bool {
        self.bits == 0
    }
    /// True if the two sets share at least one value.
    pub fn intersects(&self, other: &Self) -> bool {
        self.bits & other.bits != 0
    }
    /// One bit per value, bit `index()`: for summaries such as the proximity index's categories.
    pub fn bits(&self) -> u32 {
        self.bits
    }
    pub fn union(&self, other: &Self) -> Self {
        LabelSet { bits: self.bits | other.bits, kind: PhantomData }
    }
    /// The values in the standard's order.
    pub fn iter(&self) -> impl Iterator<Item = T> + '_ {
        T::ALL.iter().copied().filter(|v| self.contains(*v))
    }

    /// Reads a `|`-separated field; an unknown value is named in the error with the values
    /// that are allowed.
    pub fn parse(text: &str) -> Result<Self, String> {
        let mut set = Self::new();
        for part in text.split('|').map(str::trim).filter(|p| !p.is_empty()) {
            match T::from_label(part) {
                Some(v) => set.insert(v),
                None => {
                    let allowed: Vec<_> = T::ALL.iter().map(|v| v.label()).collect();
                    return Err(format!("valeur inconnue « {part} » (valeurs permises : {})", allowed.join(" | ")));
                }
            }
        }
        Ok(set)
    }
}

impl<T: Label> FromIterator<T> for LabelSet<T> {
    fn from_iter<I: IntoIterator<Item = T>>(iter: I) -> Self {
        let mut set = Self::new();
        iter.into_iter().for_each(|v| set.insert(v));
        set
    }
}

/// Writes the standard's `|`-separated form.
impl<T: Label> fmt::Display for LabelSet<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, v) in self.iter().enumerate() {
            if i > 0 {
                f.write_str("|")?;
            }
            f.write_str(v.label())?;
        }
        Ok(())
    }
}

impl<T: Label> fmt::Debug for LabelSet<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_set().entries(self.iter()).finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_label_reads_back_to_its_value() {
        fn check<T: Label>() {
            assert!(T::ALL.len() <= 32, "{} fits in the bit set", T::FIELD);
            for v in T::ALL {
                assert_eq!(T::from_label(v.label()), Some(*v));
            }
        }
        check::<Itinerance>();
        check::<Service>();
        check::<Public>();
        check::<PriseEnCharge>();
        check::<Frais>();
        check::<Dispositif>();
        check::<FormationLabel>();
        check::<ModaliteAcces>();
        check::<ModaliteAccompagnement>();
    }

    #[test]
    fn sets_parse_and_print_the_standard_form() {
        let set = LabelSet::<ModaliteAcces>::parse("Téléphoner|Contacter par mail").unwrap();
        assert!(set.contains(ModaliteAcces::Telephoner) && set.contains(ModaliteAcces::ContacterParMail));
        assert_eq!(set.to_string(), "Téléphoner|Contacter par mail");
        assert!(LabelSet::<Frais>::parse("").unwrap().is_empty());
        let err = LabelSet::<Frais>::parse("Gratuit|gratuit").unwrap_err();
        assert!(err.starts_with("valeur inconnue « gratuit »"), "{err}");
        assert!(err.contains("Gratuit sous condition"), "{err}");
    }
}
