//! The enumerations of the national standard, as Rust enums carrying their exact French labels
//! ([`Label`]; a set of them is a [`LabelSet`], and multi-valued fields are `|`-separated).
//!
//! Labels are the standard's own strings, verbatim (accents, « », parentheses): they are what
//! import reads and export writes, so a round trip is lossless.

use crate::label::Label;

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
}
