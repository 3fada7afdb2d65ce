//! Contacts pushed by devices, ingested idempotently.
//!
//! A batch is all or nothing at the checking stage ([`repere_protocol::read_push`]): one bad
//! record refuses the whole batch with every problem listed, and nothing is written. A valid
//! batch is ingested in one transaction by the core's insert-if-absent rule
//! (`repere_core::sync::decide`): stored, duplicate (acknowledged again), or conflict (reported,
//! never overwritten). Records are scoped to the device's structure: an id held by another
//! structure is a conflict, and its content is never revealed.

use repere_core::activity::Contact;
use repere_core::sync::{Outcome, decide};
use repere_protocol::{ContactDto, Ingested, MAX_BATCH, PushError, read_export};

use crate::auth::Device;
use crate::db::Database;

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

    /// Imports a device's exported outbox file as if the device had pushed it. The whole file is
    /// checked first: one bad contact and nothing is imported. Returns (stored, already held,
    /// conflicts).
    pub async fn import_outbox(&self, device_id: &str, file: &[u8]) -> Result<(usize, usize, usize), String> {
        let device = self.device_by_id(device_id).await.map_err(|e| e.to_string())?;
        let contacts = read_export(file).map_err(|e| match e {
            PushError::Malformed(m) => format!("not an exported outbox: {m}"),
            PushError::TooMany(n) => format!("{n} contacts"),
            PushError::Invalid(rejections) => {
                let list: Vec<String> = rejections.iter().map(|r| format!("contact {} ({}): {}: {}", r.index + 1, r.id, r.field, r.reason)).collect();
                format!("nothing imported: {}", list.join("; "))
            }
        })?;
        let mut totals = (0, 0, 0);
        for chunk in contacts.chunks(MAX_BATCH) {
            let done = self.ingest(&device, chunk).await.map_err(|e| format!("database: {e}"))?;
            totals = (totals.0 + done.stored, totals.1 + done.acked.len() - done.stored, totals.2 + done.conflicts.len());
        }
        Ok(totals)
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
