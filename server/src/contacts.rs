//! Contacts pushed by devices: the JSON wire form, its checking, and the idempotent ingest.
//!
//! A batch is all or nothing at the checking stage: one bad record (unknown field — a name
//! smuggled in —, wrong code, invalid contact) refuses the whole batch with every problem listed,
//! and nothing is written. A valid batch is ingested in one transaction by the core's
//! insert-if-absent rule (`repere_core::sync::decide`): stored, duplicate (acknowledged again),
//! or conflict (reported, never overwritten). Records are scoped to the device's structure: an id
//! held by another structure is a conflict, and its content is never revealed.

use chrono::NaiveDateTime;
use repere_core::activity::*;
use repere_core::registry::{Label, LabelSet};
use repere_core::sync::{Outcome, decide};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::auth::Device;
use crate::db::Database;

/// Most records in one push; the app sends 500 at a time.
pub const MAX_BATCH: usize = 500;

/// A contact on the wire. Codes are the national taxonomy's (`api_value`).
#[derive(Debug, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct ContactDto {
    pub id: String,
    pub seq: u64,
    #[serde(rename = "type")]
    pub type_activite: String,
    /// Local time, `2026-11-28T10:30:00`.
    pub debut: String,
    pub duree_min: u16,
    pub lieu: LieuDto,
    pub thematiques: Vec<String>,
    #[serde(default)]
    pub thematiques_administratives: Vec<String>,
    #[serde(default)]
    pub materiel: Vec<String>,
    #[serde(default)]
    pub autonomie: Option<String>,
    #[serde(default)]
    pub orientation: Option<OrientationDto>,
    #[serde(default)]
    pub niveau_atelier: Option<String>,
    #[serde(default)]
    pub beneficiaire: BeneficiaireDto,
    #[serde(default)]
    pub participants: ParticipantsDto,
    #[serde(default)]
    pub session: Option<String>,
}

#[derive(Debug, Serialize, Deserialize, PartialEq)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum LieuDto {
    Registre { id: String },
    Commune { code: String },
    Bus,
    MarcheStand,
    Domicile,
    ADistance,
}

#[derive(Debug, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct OrientationDto {
    pub structure: String,
    #[serde(default)]
    pub lieu: Option<String>,
}

#[derive(Debug, Default, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct BeneficiaireDto {
    #[serde(default)]
    pub tranche_age: Option<String>,
    #[serde(default)]
    pub statut: Option<String>,
    #[serde(default)]
    pub genre: Option<String>,
    #[serde(default)]
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
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Push {
    pub contacts: Vec<ContactDto>,
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

fn codes<T: Label>(from: fn(&str) -> Option<T>, field: &'static str, values: &[String], problems: &mut Vec<(String, String)>) -> LabelSet<T> {
    values.iter().filter_map(|v| code(from, field, v, problems)).collect()
}

impl ContactDto {
    /// The core's contact, or every problem with its field.
    pub fn to_contact(&self) -> Result<Contact, Vec<(String, String)>> {
        let mut p = Vec::new();
        let id = Uuid::parse_str(&self.id).map_err(|e| p.push(("id".to_owned(), format!("UUID illisible : {e}")))).ok();
        let debut = NaiveDateTime::parse_from_str(&self.debut, "%Y-%m-%dT%H:%M:%S")
            .map_err(|_| p.push(("debut".to_owned(), format!("« {} » : date et heure AAAA-MM-JJTHH:MM:SS attendues", self.debut))))
            .ok();
        let type_activite = code(TypeActivite::from_code, "type_activite", &self.type_activite, &mut p);
        let lieu = match &self.lieu {
            LieuDto::Registre { id } => Lieu::Registre(id.clone()),
            LieuDto::Commune { code } => Lieu::Commune(code.clone()),
            LieuDto::Bus => Lieu::Bus,
            LieuDto::MarcheStand => Lieu::MarcheStand,
            LieuDto::Domicile => Lieu::Domicile,
            LieuDto::ADistance => Lieu::ADistance,
        };
        let mut contact = Contact {
            id: id.unwrap_or_default(),
            type_activite: type_activite.unwrap_or(TypeActivite::Individuel),
            debut: debut.unwrap_or_default(),
            duree_min: self.duree_min,
            lieu,
            thematiques: codes(Thematique::from_code, "thematiques", &self.thematiques, &mut p),
            thematiques_administratives: codes(ThematiqueAdministrative::from_code, "thematiques_administratives", &self.thematiques_administratives, &mut p),
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
            debut: contact.debut.format("%Y-%m-%dT%H:%M:%S").to_string(),
            duree_min: contact.duree_min,
            lieu: match &contact.lieu {
                Lieu::Registre(id) => LieuDto::Registre { id: id.clone() },
                Lieu::Commune(code) => LieuDto::Commune { code: code.clone() },
                Lieu::Bus => LieuDto::Bus,
                Lieu::MarcheStand => LieuDto::MarcheStand,
                Lieu::Domicile => LieuDto::Domicile,
                Lieu::ADistance => LieuDto::ADistance,
            },
            thematiques: list(contact.thematiques.iter().map(Thematique::code).collect()),
            thematiques_administratives: list(contact.thematiques_administratives.iter().map(ThematiqueAdministrative::code).collect()),
            materiel: list(contact.materiel.iter().map(Materiel::code).collect()),
            autonomie: contact.autonomie.map(|a| a.code().to_owned()),
            orientation: contact.orientation.as_ref().map(|o| OrientationDto { structure: o.structure.code().to_owned(), lieu: o.lieu.clone() }),
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
    let push: Push = serde_json::from_slice(body).map_err(|e| PushError::Malformed(e.to_string()))?;
    if push.contacts.len() > MAX_BATCH {
        return Err(PushError::TooMany(push.contacts.len()));
    }
    let mut rejections = Vec::new();
    let mut contacts = Vec::new();
    for (index, dto) in push.contacts.iter().enumerate() {
        match dto.to_contact() {
            Ok(c) => contacts.push((c, dto.seq)),
            Err(problems) => rejections.extend(problems.into_iter().map(|(field, reason)| Rejection { index, id: dto.id.clone(), field, reason })),
        }
    }
    if rejections.is_empty() { Ok(contacts) } else { Err(PushError::Invalid(rejections)) }
}

#[derive(Debug)]
pub enum PushError {
    Malformed(String),
    TooMany(usize),
    Invalid(Vec<Rejection>),
}

/// What the server did with a batch: ids it holds with this content, and conflicting ids.
#[derive(Debug, Default, Serialize, PartialEq, Eq)]
pub struct Ingested {
    pub acked: Vec<String>,
    pub conflicts: Vec<String>,
    /// How many were new (the rest were duplicates of earlier pushes).
    pub stored: usize,
}

impl Database {
    /// Inserts-if-absent every contact of the batch, in one transaction.
    pub async fn ingest(&self, device: &Device, contacts: &[(Contact, u64)]) -> Result<Ingested, sqlx::Error> {
        let mut tx = self.pool.begin().await?;
        let mut out = Ingested::default();
        for (contact, seq) in contacts {
            let id = contact.id.to_string();
            let body = serde_json::to_string(&ContactDto::from_contact(contact, *seq)).expect("serialisable");
            let mut outcome = decide(held(&mut tx, &id, device.structure_id).await?.as_ref(), &body);
            if outcome == Outcome::Stored {
                let inserted = sqlx::query(
                    "INSERT INTO contacts (id, structure_id, device_id, device_seq, body) VALUES (?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING",
                )
                .bind(&id)
                .bind(device.structure_id)
                .bind(&device.id)
                .bind(*seq as i64)
                .bind(&body)
                .execute(&mut *tx)
                .await?;
                if inserted.rows_affected() == 0 {
                    // Another request stored it meanwhile: decide again against what it stored.
                    outcome = decide(held(&mut tx, &id, device.structure_id).await?.as_ref(), &body);
                } else {
                    out.stored += 1;
                }
            }
            match outcome {
                Outcome::Stored | Outcome::Duplicate => out.acked.push(id),
                Outcome::Conflict => out.conflicts.push(id),
            }
        }
        tx.commit().await?;
        Ok(out)
    }

    /// How many contacts the structure holds.
    pub async fn contact_count(&self, structure_id: i64) -> Result<i64, sqlx::Error> {
        sqlx::query_scalar("SELECT COUNT(*) FROM contacts WHERE structure_id = ?").bind(structure_id).fetch_one(&self.pool).await
    }
}

/// The stored body under `id`; an id held by another structure reads as a different content,
/// so it is a conflict and its content is not revealed.
async fn held(tx: &mut sqlx::SqliteConnection, id: &str, structure_id: i64) -> Result<Option<String>, sqlx::Error> {
    let row: Option<(i64, String)> = sqlx::query_as("SELECT structure_id, body FROM contacts WHERE id = ?").bind(id).fetch_optional(&mut *tx).await?;
    Ok(row.map(|(owner, body)| if owner == structure_id { body } else { String::from("\u{0}another structure") }))
}
