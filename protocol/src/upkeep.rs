//! The registry's upkeep on the wire (issue #15): residents' reports (« Signaler une erreur »),
//! mediators' proposals, and the consultation counts phones send in aggregate.
//!
//! Each record carries an id made on the device for that record only, so a resend after a lost
//! answer is stored once (the contacts' rule); none carries anything that identifies a person or a
//! device. Free text is bounded ([`MAX_NOTE`] characters) and counts are capped, so a flood
//! cannot grow the database faster than the server's rate limits allow.
//!
//! - `POST /api/v1/reports` `{"reports": [ReportDto]}` (public; at most [`MAX_REPORTS`]) answers
//!   the contacts' [`crate::Ingested`].
//! - Proposals travel with contacts: `POST /api/v1/contacts` `{"contacts": [...], "proposals":
//!   [ProposalDto]}`, acknowledged in the same answer.
//! - `POST /api/v1/consultations` [`ConsultationsDto`] (public) answers `{"acked": id}`.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::bounded;

/// Longest free text of a report or a proposal, in characters (a few sentences; the form warns
/// not to write anyone's name or number).
pub const MAX_NOTE: usize = 500;
/// Most reports in one request (a phone's queue; more wait for the next send).
pub const MAX_REPORTS: usize = 20;
/// Longest value proposed for a field, in bytes (opening hours can be long).
pub const MAX_VALUE: usize = 2_000;
/// Most fields changed by one proposal (the standard has 32).
pub const MAX_FIELDS: usize = 32;
/// Most days in one consultations batch, places per day, communes per day.
pub const MAX_DAYS: usize = 31;
pub const MAX_PLACES_A_DAY: usize = 300;
pub const MAX_COMMUNES_A_DAY: usize = 300;
/// Largest count of one cell from one phone in one day: more is not a person using the app.
pub const MAX_COUNT: u32 = 500;

/// What a resident says is wrong.
#[derive(Clone, Copy, Debug, Serialize, Deserialize, PartialEq, Eq, Hash)]
#[serde(rename_all = "snake_case")]
pub enum Motif {
    /// Fermé définitivement.
    Ferme,
    /// Horaires faux.
    Horaires,
    /// Téléphone faux.
    Telephone,
    /// A déménagé.
    Demenage,
    /// Autre chose (said in the text).
    Autre,
}

/// A resident's report about a place. No account, no identifier of the person or the phone.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct ReportDto {
    /// A UUID made for this report only.
    #[serde(deserialize_with = "bounded::text")]
    pub id: String,
    #[serde(deserialize_with = "bounded::text")]
    pub place_id: String,
    /// The registry version the phone held: the moderator sees what the resident saw.
    pub version: u64,
    pub motif: Motif,
    /// What is wrong, in the person's words; at most [`MAX_NOTE`] characters.
    #[serde(default)]
    pub texte: String,
    /// The day the report was made (`2026-11-30`), which may be days before it is sent.
    #[serde(deserialize_with = "bounded::text")]
    pub jour: String,
}

/// The body of `POST /api/v1/reports`.
#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Reports {
    pub reports: Vec<ReportDto>,
}

/// A mediator's proposal: new values for some of a place's fields, or a new place when
/// `place_id` is absent. Values are in the standard's text form (what `export-registry` writes:
/// `+33549…` for a phone, `|` between the values of a list); `""` empties a field.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct ProposalDto {
    /// A UUID made on the device; the outbox's key.
    #[serde(deserialize_with = "bounded::text")]
    pub id: String,
    /// The device's counter, as for contacts.
    pub seq: u64,
    #[serde(default, deserialize_with = "bounded::optional_text")]
    pub place_id: Option<String>,
    /// The registry version the proposal was made from: a field changed since is a conflict
    /// shown to the moderator, never overwritten.
    pub version: u64,
    /// The standard's field name → the proposed value; at most [`MAX_FIELDS`] fields of at most
    /// [`MAX_VALUE`] bytes.
    pub changes: BTreeMap<String, String>,
    /// Why, for the moderator; at most [`MAX_NOTE`] characters.
    #[serde(default)]
    pub note: String,
}

/// Counts of one place on one day.
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct PlaceCounts {
    #[serde(deserialize_with = "bounded::text")]
    pub id: String,
    /// Sheets opened.
    #[serde(default)]
    pub vues: u32,
    /// Taps on « Appeler ».
    #[serde(default)]
    pub appels: u32,
    /// Taps on « Itinéraire ».
    #[serde(default)]
    pub itineraires: u32,
}

/// Searches made for one commune on one day.
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct CommuneCounts {
    /// INSEE code.
    #[serde(deserialize_with = "bounded::text")]
    pub code: String,
    pub recherches: u32,
}

/// One day's counts.
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct DayCounts {
    /// `2026-11-30`, the phone's local day.
    #[serde(deserialize_with = "bounded::text")]
    pub jour: String,
    #[serde(default)]
    pub lieux: Vec<PlaceCounts>,
    #[serde(default)]
    pub communes: Vec<CommuneCounts>,
}

/// The body of `POST /api/v1/consultations`: a phone's counts since its last send. The batch id
/// (a UUID made for this batch) makes a resend count once.
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct ConsultationsDto {
    #[serde(deserialize_with = "bounded::text")]
    pub id: String,
    pub jours: Vec<DayCounts>,
}

/// One problem of a refused record: which field, and why, in French.
pub type Problem = (String, String);

impl ReportDto {
    /// Every problem of the report's shape (the place's existence is the server's to check).
    pub fn check(&self) -> Vec<Problem> {
        let mut p = Vec::new();
        uuid_field("id", &self.id, &mut p);
        date_field("jour", &self.jour, &mut p);
        note_field("texte", &self.texte, &mut p);
        if self.place_id.trim().is_empty() {
            p.push(("place_id".into(), "lieu manquant".into()));
        }
        if self.motif == Motif::Autre && self.texte.trim().is_empty() {
            p.push(("texte".into(), "dites ce qui ne va pas en quelques mots".into()));
        }
        p
    }
}

impl ProposalDto {
    /// Every problem of the proposal's shape; the values themselves are checked against the
    /// standard by the registry's import, with the place they change.
    pub fn check(&self) -> Vec<Problem> {
        let mut p = Vec::new();
        uuid_field("id", &self.id, &mut p);
        note_field("note", &self.note, &mut p);
        if self.changes.is_empty() {
            p.push(("changes".into(), "aucun changement proposé".into()));
        }
        if self.changes.len() > MAX_FIELDS {
            p.push(("changes".into(), format!("{} champs ; {MAX_FIELDS} au plus", self.changes.len())));
        }
        for (field, value) in &self.changes {
            if field.len() > bounded::MAX_TEXT {
                p.push(("changes".into(), "nom de champ trop long".into()));
            } else if value.len() > MAX_VALUE {
                p.push((field.clone(), format!("{} octets ; {MAX_VALUE} au plus", value.len())));
            }
        }
        p
    }
}

impl ConsultationsDto {
    /// Every problem of the batch's shape and bounds.
    pub fn check(&self) -> Vec<Problem> {
        let mut p = Vec::new();
        uuid_field("id", &self.id, &mut p);
        if self.jours.len() > MAX_DAYS {
            p.push(("jours".into(), format!("{} jours ; {MAX_DAYS} au plus", self.jours.len())));
        }
        for day in &self.jours {
            date_field("jour", &day.jour, &mut p);
            if day.lieux.len() > MAX_PLACES_A_DAY || day.communes.len() > MAX_COMMUNES_A_DAY {
                p.push((format!("jours[{}]", day.jour), "trop de lignes pour un jour".into()));
            }
            let counts = day.lieux.iter().flat_map(|l| [l.vues, l.appels, l.itineraires]).chain(day.communes.iter().map(|c| c.recherches));
            if counts.into_iter().any(|n| n > MAX_COUNT) {
                p.push((format!("jours[{}]", day.jour), format!("un compte dépasse {MAX_COUNT} en un jour")));
            }
        }
        p
    }
}

fn uuid_field(field: &str, value: &str, p: &mut Vec<Problem>) {
    if uuid::Uuid::parse_str(value).is_err() {
        p.push((field.into(), format!("« {value} » n’est pas un UUID")));
    }
}

fn date_field(field: &str, value: &str, p: &mut Vec<Problem>) {
    if chrono::NaiveDate::parse_from_str(value, "%Y-%m-%d").is_err() {
        p.push((field.into(), format!("« {value} » n’est pas une date AAAA-MM-JJ")));
    }
}

fn note_field(field: &str, value: &str, p: &mut Vec<Problem>) {
    let n = value.chars().count();
    if n > MAX_NOTE {
        p.push((field.into(), format!("{n} caractères ; {MAX_NOTE} au plus")));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn report() -> ReportDto {
        ReportDto {
            id: "6f1c1a52-5f0e-4f4e-9a43-0d8b8d4b9c11".into(),
            place_id: "p1".into(),
            version: 3,
            motif: Motif::Telephone,
            texte: String::new(),
            jour: "2026-11-30".into(),
        }
    }

    #[test]
    fn a_report_reads_with_its_motif_and_refuses_extra_fields() {
        let json = r#"{"id":"6f1c1a52-5f0e-4f4e-9a43-0d8b8d4b9c11","place_id":"p1","version":3,"motif":"telephone","jour":"2026-11-30"}"#;
        let read: ReportDto = serde_json::from_str(json).unwrap();
        assert_eq!(read, report());
        assert!(read.check().is_empty());
        let smuggled = json.replace(r#""jour""#, r#""nom":"Mme X","jour""#);
        assert!(serde_json::from_str::<ReportDto>(&smuggled).is_err(), "a name field is refused, not dropped");
    }

    #[test]
    fn every_problem_of_a_report_is_named() {
        let bad = ReportDto { id: "x".into(), motif: Motif::Autre, jour: "30/11/2026".into(), ..report() };
        let fields: Vec<String> = bad.check().into_iter().map(|(f, _)| f).collect();
        assert_eq!(fields, ["id", "jour", "texte"]);
        let long = ReportDto { texte: "é".repeat(MAX_NOTE + 1), ..report() };
        assert_eq!(long.check(), [("texte".to_string(), format!("{} caractères ; 500 au plus", MAX_NOTE + 1))]);
    }

    #[test]
    fn a_proposal_needs_a_change_within_bounds() {
        let empty = ProposalDto {
            id: "6f1c1a52-5f0e-4f4e-9a43-0d8b8d4b9c11".into(),
            seq: 1,
            place_id: Some("p1".into()),
            version: 3,
            changes: BTreeMap::new(),
            note: String::new(),
        };
        assert_eq!(empty.check(), [("changes".to_string(), "aucun changement proposé".to_string())]);
        let mut big = empty.clone();
        big.changes.insert("horaires".into(), "x".repeat(MAX_VALUE + 1));
        assert_eq!(big.check()[0].0, "horaires");
    }

    #[test]
    fn consultation_counts_are_capped_per_cell() {
        let mut batch = ConsultationsDto { id: "6f1c1a52-5f0e-4f4e-9a43-0d8b8d4b9c11".into(), jours: vec![DayCounts::default()] };
        batch.jours[0].jour = "2026-11-30".into();
        batch.jours[0].lieux.push(PlaceCounts { id: "p1".into(), vues: 3, appels: 1, itineraires: 0 });
        assert!(batch.check().is_empty());
        batch.jours[0].communes.push(CommuneCounts { code: "86062".into(), recherches: MAX_COUNT + 1 });
        assert_eq!(batch.check().len(), 1);
    }
}
