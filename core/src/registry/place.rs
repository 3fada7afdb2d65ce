//! One place of the standard, typed.

use chrono::NaiveDate;

use super::labels::*;
use super::stop::Stop;
use crate::hours::Schedule;
use crate::label::LabelSet;

/// A point in WGS84 degrees.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Position {
    pub lat: f64,
    pub lon: f64,
    /// True when the source had no coordinates and the commune's centre stands in: the app
    /// says so rather than pretending to know the door.
    pub approximate: bool,
}

/// A place of the standard. Field names follow the standard's (in English where Rust idiom
/// wants it); optional text is `None` when empty, multi-valued enumerations are [`LabelSet`]s.
#[derive(Clone, Debug, PartialEq)]
pub struct Place {
    pub id: String,
    /// SIRET or RNA of the structure (`00000000000000` when unknown, as ANCT does).
    pub pivot: String,
    pub nom: String,
    pub commune: String,
    pub code_postal: String,
    pub code_insee: Option<String>,
    pub adresse: String,
    pub complement_adresse: Option<String>,
    pub position: Option<Position>,
    /// Typology codes (e.g. `RFS`, `MUNI`); the standard gives no closed list.
    pub typologie: Vec<String>,
    /// International form, as the standard's pattern requires (`+33549…`).
    pub telephone: Option<String>,
    pub courriels: Vec<String>,
    pub site_web: Vec<String>,
    pub horaires: Option<Schedule>,
    pub presentation_resume: Option<String>,
    pub presentation_detail: Option<String>,
    pub source: Option<String>,
    pub itinerance: LabelSet<Itinerance>,
    pub structure_parente: Option<String>,
    pub date_maj: NaiveDate,
    pub services: LabelSet<Service>,
    pub publics_specifiquement_adresses: LabelSet<Public>,
    pub prise_en_charge_specifique: LabelSet<PriseEnCharge>,
    pub frais_a_charge: LabelSet<Frais>,
    pub dispositif_programmes_nationaux: LabelSet<Dispositif>,
    pub formations_labels: LabelSet<FormationLabel>,
    pub autres_formations_labels: Vec<String>,
    pub modalites_acces: LabelSet<ModaliteAcces>,
    pub modalites_accompagnement: LabelSet<ModaliteAccompagnement>,
    pub fiche_acces_libre: Option<String>,
    pub prise_rdv: Option<String>,
    /// Ids of other records merged into this one (Repère extension, column `x_ids_fusionnes`).
    pub merged_ids: Vec<String>,
    /// The structure visits people at home (Repère extension, column `x_se_deplace_a_domicile`:
    /// the standard has no field for it).
    pub at_home: bool,
    /// Where and when an itinerant place comes (Repère extension, issue #16: published from the
    /// département's stops file; in the device format only, column `x_arrets`).
    pub arrets: Vec<Stop>,
}

impl Place {
    pub fn is_itinerant(&self) -> bool {
        self.itinerance.contains(Itinerance::Itinerant)
    }
}
