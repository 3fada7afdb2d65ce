//! `repere-protocol`: the JSON of the sync API, shared by the app and the server so that both
//! always speak the same wire format. Pure data and conversions to the core's types; no IO.
//!
//! A contact travels as [`ContactDto`] (codes of the national taxonomy, `api_value`); every
//! struct refuses unknown fields, so a name or phone number smuggled into a record is refused
//! rather than silently dropped. [`read_push`] checks a whole batch and lists every problem.
//! The registry a phone pulls travels as [`registry::RegistryDto`].

use chrono::{NaiveDate, NaiveDateTime};
use repere_core::activity::*;
use repere_core::registry::{Label, LabelSet};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

pub mod bounded;
pub mod coverage;
pub mod registry;
pub mod stats;
pub mod upkeep;

/// Most records in one push; the app sends 500 at a time.
pub const MAX_BATCH: usize = 500;

/// A contact on the wire. Codes are the national taxonomy's (`api_value`).
#[derive(Debug, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct ContactDto {
    #[serde(deserialize_with = "bounded::text")]
    pub id: String,
    /// The device's counter; below 2^53 ([`MAX_SEQ`]), as JavaScript counts exactly.
    pub seq: u64,
    #[serde(rename = "type", deserialize_with = "bounded::text")]
    pub type_activite: String,
    /// Local time, `2026-11-28T10:30:00`.
    #[serde(deserialize_with = "bounded::text")]
    pub debut: String,
    pub duree_min: u16,
    pub lieu: LieuDto,
    #[serde(deserialize_with = "bounded::texts")]
    pub thematiques: Vec<String>,
    #[serde(default, deserialize_with = "bounded::texts")]
    pub thematiques_administratives: Vec<String>,
    #[serde(default, deserialize_with = "bounded::texts")]
    pub materiel: Vec<String>,
    #[serde(default, deserialize_with = "bounded::optional_text")]
    pub autonomie: Option<String>,
    #[serde(default)]
    pub orientation: Option<OrientationDto>,
    #[serde(default, deserialize_with = "bounded::optional_text")]
    pub niveau_atelier: Option<String>,
    #[serde(default)]
    pub beneficiaire: BeneficiaireDto,
    #[serde(default)]
    pub participants: ParticipantsDto,
    #[serde(default, deserialize_with = "bounded::optional_text")]
    pub session: Option<String>,
}

/// Largest `seq`: 2^53 − 1, the largest integer a JavaScript number holds exactly (and far
/// inside the database's signed 64 bits; 2^64 − 1 was once stored as −1).
pub const MAX_SEQ: u64 = (1 << 53) - 1;

#[derive(Debug, Serialize, Deserialize, PartialEq)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum LieuDto {
    Registre {
        #[serde(deserialize_with = "bounded::text")]
        id: String,
    },
    Commune {
        #[serde(deserialize_with = "bounded::text")]
        code: String,
    },
    /// A bus stop or a stand, in a commune when the mediator said which (older apps send none).
    Bus {
        #[serde(default, skip_serializing_if = "Option::is_none", deserialize_with = "bounded::optional_text")]
        commune: Option<String>,
    },
    MarcheStand {
        #[serde(default, skip_serializing_if = "Option::is_none", deserialize_with = "bounded::optional_text")]
        commune: Option<String>,
    },
    /// A stop of an itinerant place's tour, and its commune (issue #16).
    Arret {
        #[serde(deserialize_with = "bounded::text")]
        id: String,
        #[serde(deserialize_with = "bounded::text")]
        commune: String,
    },
    // Kinds without fields are written as empty structs: serde ignores any field beside the
    // tag of a unit variant, so `{"kind": "domicile", "nom": …}` was accepted and the name dropped.
    Domicile {},
    ADistance {},
}

#[derive(Debug, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct OrientationDto {
    #[serde(deserialize_with = "bounded::text")]
    pub structure: String,
    #[serde(default, deserialize_with = "bounded::optional_text")]
    pub lieu: Option<String>,
}

#[derive(Debug, Default, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct BeneficiaireDto {
    #[serde(default, deserialize_with = "bounded::optional_text")]
    pub tranche_age: Option<String>,
    #[serde(default, deserialize_with = "bounded::optional_text")]
    pub statut: Option<String>,
    #[serde(default, deserialize_with = "bounded::optional_text")]
    pub genre: Option<String>,
    #[serde(default, deserialize_with = "bounded::optional_text")]
    pub commune: Option<String>,
}

#[derive(Debug, Default, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct ParticipantsDto {
    #[serde(default)]
    pub par_age: [u16; 8],
    #[serde(default)]
    pub par_statut: [u16; 5],
}

/// The body of `POST /api/v1/contacts`.
#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Push {
    pub contacts: Vec<ContactDto>,
    /// Mediators' proposals to change the registry ([`upkeep::ProposalDto`]), through the same
    /// outbox and acknowledgement as contacts; absent from older apps' pushes.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub proposals: Vec<upkeep::ProposalDto>,
}

/// One problem of a refused batch.
#[derive(Debug, Serialize, PartialEq, Eq)]
pub struct Rejection {
    pub index: usize,
    pub id: String,
    pub field: String,
    pub reason: String,
}

fn code<T: Copy>(from: fn(&str) -> Option<T>, field: &'static str, value: &str, problems: &mut Vec<(String, String)>) -> Option<T> {
    let found = from(value);
    if found.is_none() {
        problems.push((field.to_owned(), format!("« {value} » n’est pas une valeur de {field}")));
    }
    found
}

fn codes<T: Label>(
    from: fn(&str) -> Option<T>,
    field: &'static str,
    values: &[String],
    problems: &mut Vec<(String, String)>,
) -> LabelSet<T> {
    values.iter().filter_map(|v| code(from, field, v, problems)).collect()
}

impl ContactDto {
    /// The core's contact, or every problem with its field.
    pub fn to_contact(&self) -> Result<Contact, Vec<(String, String)>> {
        let mut p = Vec::new();
        let id = Uuid::parse_str(&self.id).map_err(|e| p.push(("id".to_owned(), format!("UUID illisible : {e}")))).ok();
        let debut = local_time(&self.debut);
        if debut.is_none() {
            p.push(("debut".to_owned(), format!("« {} » : date et heure AAAA-MM-JJTHH:MM:SS attendues", self.debut)));
        }
        let type_activite = code(TypeActivite::from_code, "type_activite", &self.type_activite, &mut p);
        let lieu = match &self.lieu {
            LieuDto::Registre { id } => Lieu::Registre(id.clone()),
            LieuDto::Commune { code } => Lieu::Commune(code.clone()),
            LieuDto::Bus { commune } => Lieu::Bus(commune.clone()),
            LieuDto::MarcheStand { commune } => Lieu::MarcheStand(commune.clone()),
            LieuDto::Arret { id, commune } => Lieu::Arret { id: id.clone(), commune: commune.clone() },
            LieuDto::Domicile {} => Lieu::Domicile,
            LieuDto::ADistance {} => Lieu::ADistance,
        };
        let mut contact = Contact {
            id: id.unwrap_or_default(),
            type_activite: type_activite.unwrap_or(TypeActivite::Individuel),
            debut: debut.unwrap_or_default(),
            duree_min: self.duree_min,
            lieu,
            thematiques: codes(Thematique::from_code, "thematiques", &self.thematiques, &mut p),
            thematiques_administratives: codes(
                ThematiqueAdministrative::from_code,
                "thematiques_administratives",
                &self.thematiques_administratives,
                &mut p,
            ),
            materiel: codes(Materiel::from_code, "materiel", &self.materiel, &mut p),
            autonomie: self.autonomie.as_deref().and_then(|v| code(Autonomie::from_code, "autonomie", v, &mut p)),
            orientation: None,
            niveau_atelier: self.niveau_atelier.as_deref().and_then(|v| code(NiveauAtelier::from_code, "niveau_atelier", v, &mut p)),
            beneficiaire: Beneficiaire {
                tranche_age: self.beneficiaire.tranche_age.as_deref().and_then(|v| code(TrancheAge::from_code, "tranche_age", v, &mut p)),
                statut: self.beneficiaire.statut.as_deref().and_then(|v| code(StatutSocial::from_code, "statut_social", v, &mut p)),
                genre: self.beneficiaire.genre.as_deref().and_then(|v| code(Genre::from_code, "genre", v, &mut p)),
                commune: self.beneficiaire.commune.clone(),
            },
            participants: Participants { par_age: self.participants.par_age, par_statut: self.participants.par_statut },
            session: None,
        };
        if let Some(o) = &self.orientation {
            contact.orientation = code(StructureRedirection::from_code, "structures_redirection", &o.structure, &mut p)
                .map(|structure| Orientation { structure, lieu: o.lieu.clone() });
        }
        if let Some(s) = &self.session {
            contact.session = Uuid::parse_str(s).map_err(|e| p.push(("session".to_owned(), format!("UUID illisible : {e}")))).ok();
        }
        if p.is_empty() {
            p.extend(contact.check().into_iter().map(|problem| (problem.field.to_owned(), problem.reason)));
        }
        if p.is_empty() { Ok(contact) } else { Err(p) }
    }

    /// The canonical wire form of a contact: what is stored, and what duplicates are compared on.
    pub fn from_contact(contact: &Contact, seq: u64) -> ContactDto {
        let list = |codes: Vec<&str>| codes.into_iter().map(str::to_owned).collect::<Vec<_>>();
        ContactDto {
            id: contact.id.to_string(),
            seq,
            type_activite: contact.type_activite.code().to_owned(),
            debut: write_local_time(contact.debut),
            duree_min: contact.duree_min,
            lieu: match &contact.lieu {
                Lieu::Registre(id) => LieuDto::Registre { id: id.clone() },
                Lieu::Commune(code) => LieuDto::Commune { code: code.clone() },
                Lieu::Bus(commune) => LieuDto::Bus { commune: commune.clone() },
                Lieu::MarcheStand(commune) => LieuDto::MarcheStand { commune: commune.clone() },
                Lieu::Arret { id, commune } => LieuDto::Arret { id: id.clone(), commune: commune.clone() },
                Lieu::Domicile => LieuDto::Domicile {},
                Lieu::ADistance => LieuDto::ADistance {},
            },
            thematiques: list(contact.thematiques.iter().map(Thematique::code).collect()),
            thematiques_administratives: list(contact.thematiques_administratives.iter().map(ThematiqueAdministrative::code).collect()),
            materiel: list(contact.materiel.iter().map(Materiel::code).collect()),
            autonomie: contact.autonomie.map(|a| a.code().to_owned()),
            orientation: contact
                .orientation
                .as_ref()
                .map(|o| OrientationDto { structure: o.structure.code().to_owned(), lieu: o.lieu.clone() }),
            niveau_atelier: contact.niveau_atelier.map(|n| n.code().to_owned()),
            beneficiaire: BeneficiaireDto {
                tranche_age: contact.beneficiaire.tranche_age.map(|v| v.code().to_owned()),
                statut: contact.beneficiaire.statut.map(|v| v.code().to_owned()),
                genre: contact.beneficiaire.genre.map(|v| v.code().to_owned()),
                commune: contact.beneficiaire.commune.clone(),
            },
            participants: ParticipantsDto { par_age: contact.participants.par_age, par_statut: contact.participants.par_statut },
            session: contact.session.map(|s| s.to_string()),
        }
    }
}

/// Reads and checks a push body; on any problem, every problem (nothing is written).
pub fn read_push(body: &[u8]) -> Result<Vec<(Contact, u64)>, PushError> {
    read(body, MAX_BATCH)
}

/// Reads and checks an exported outbox file (the same JSON as a push, of any length).
pub fn read_export(body: &[u8]) -> Result<Vec<(Contact, u64)>, PushError> {
    read(body, usize::MAX)
}

fn read(body: &[u8], max: usize) -> Result<Vec<(Contact, u64)>, PushError> {
    let push: Push = from_json(body).map_err(PushError::Malformed)?;
    if push.contacts.len() > max {
        return Err(PushError::TooMany(push.contacts.len()));
    }
    let mut rejections = Vec::new();
    let mut total = 0;
    let mut contacts = Vec::new();
    for (index, dto) in push.contacts.iter().enumerate() {
        let mut problems = match dto.to_contact() {
            Ok(c) => {
                contacts.push((c, dto.seq));
                Vec::new()
            }
            Err(problems) => problems,
        };
        if dto.seq > MAX_SEQ {
            problems.push(("seq".to_owned(), format!("numéro d’envoi au plus {MAX_SEQ}")));
        }
        total += problems.len();
        let room = MAX_REJECTIONS.saturating_sub(rejections.len());
        rejections.extend(problems.into_iter().take(room).map(|(field, reason)| Rejection { index, id: dto.id.clone(), field, reason }));
    }
    if total == 0 { Ok(contacts) } else { Err(PushError::Invalid { rejections, total }) }
}

/// Reads JSON into `T`, or says where it went wrong (`contacts[3].lieu.id: …`), in a message
/// short enough to answer with whatever the input was.
pub fn from_json<'a, T: Deserialize<'a>>(body: &'a [u8]) -> Result<T, String> {
    serde_path_to_error::deserialize(&mut serde_json::Deserializer::from_slice(body)).map_err(|e| {
        let message = if e.path().iter().next().is_some() { format!("{}: {}", e.path(), e.inner()) } else { e.inner().to_string() };
        shorten(&message, 300)
    })
}

/// `text` cut to at most `max` bytes at a character boundary, with an ellipsis when cut.
fn shorten(text: &str, max: usize) -> String {
    if text.len() <= max {
        return text.to_owned();
    }
    let cut = (0..=max).rev().find(|&i| text.is_char_boundary(i)).unwrap_or(0);
    format!("{}…", &text[..cut])
}

/// Most problems listed in a refusal: each is a line of the answer, and one forged batch could
/// otherwise make an answer many times its own size.
pub const MAX_REJECTIONS: usize = 50;

#[derive(Debug)]
pub enum PushError {
    Malformed(String),
    TooMany(usize),
    /// The first [`MAX_REJECTIONS`] problems, and how many there are in all.
    Invalid {
        rejections: Vec<Rejection>,
        total: usize,
    },
}

/// `AAAA-MM-JJTHH:MM:SS`, strictly, by hand: chrono's format engine would weigh on the app.
pub fn local_time(text: &str) -> Option<NaiveDateTime> {
    let b = text.as_bytes();
    let digits = |r: std::ops::Range<usize>| -> Option<u32> {
        let s = text.get(r)?;
        s.bytes().all(|c| c.is_ascii_digit()).then(|| s.parse().ok())?
    };
    if b.len() != 19 || b[4] != b'-' || b[7] != b'-' || b[10] != b'T' || b[13] != b':' || b[16] != b':' {
        return None;
    }
    NaiveDate::from_ymd_opt(digits(0..4)? as i32, digits(5..7)?, digits(8..10)?)?.and_hms_opt(
        digits(11..13)?,
        digits(14..16)?,
        digits(17..19)?,
    )
}

pub fn write_local_time(t: NaiveDateTime) -> String {
    use chrono::{Datelike, Timelike};
    format!("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}", t.year(), t.month(), t.day(), t.hour(), t.minute(), t.second())
}

/// `POST /api/v1/devices`.
#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Enrolment {
    #[serde(deserialize_with = "bounded::text")]
    pub code: String,
}

/// The answer to an enrolment: the token is shown this once.
///
/// `role` and `epci` came with coordination accounts; their defaults (a mediator, no EPCI) are
/// what an answer or a stored enrolment from before them means, so both still read.
#[derive(Debug, Serialize, Deserialize, Clone, PartialEq, Eq)]
pub struct Enrolled {
    pub device_id: String,
    /// A mediator's structure, or a coordinator's label ("Département de la Vienne").
    pub structure: String,
    pub token: String,
    #[serde(default)]
    pub role: Role,
    /// A coordinator's EPCI (SIRENs); empty for a mediator, or a coordinator of the whole département.
    #[serde(default)]
    pub epci: Vec<String>,
}

/// What an enrolled device may do: push contacts (`mediation`) or read figures (`coordination`).
#[derive(Debug, Default, Serialize, Deserialize, Clone, Copy, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    #[default]
    Mediation,
    Coordination,
}

/// What the server did with a batch: ids it holds with this content, and conflicting ids.
#[derive(Debug, Default, Serialize, Deserialize, PartialEq, Eq)]
pub struct Ingested {
    pub acked: Vec<String>,
    pub conflicts: Vec<String>,
    /// How many were new (the rest were duplicates of earlier pushes).
    pub stored: usize,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn local_times_are_strict_and_round_trip() {
        let t = local_time("2026-11-28T10:30:05").unwrap();
        assert_eq!(write_local_time(t), "2026-11-28T10:30:05");
        for bad in ["2026-11-28 10:30:05", "2026-11-28T10:30", "2026-02-30T10:30:05", "2026-11-28T24:00:00", "+026-11-28T10:30:05"] {
            assert_eq!(local_time(bad), None, "{bad}");
        }
    }
}
