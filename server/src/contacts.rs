//! Contacts pushed by devices, ingested idempotently.
//!
//! A batch is all or nothing at the checking stage ([`repere_protocol::read_push`]): one bad
//! record refuses the whole batch with every problem listed, and nothing is written. A valid
//! batch is ingested in one transaction by the core's insert-if-absent rule
//! (`repere_core::sync::ingest`, the rule the sync simulator checks): stored, duplicate
//! (acknowledged again), or conflict (reported, never overwritten). Records are scoped to the
//! device's structure: an id held by another structure is a conflict, and its content is never
//! revealed.

use std::collections::{HashMap, HashSet};

use repere_core::activity::{Contact, Lieu, References};
use repere_core::stats::Facts;
use repere_core::sync::{Ledger, Outcome, Pushed, decide, ingest};
use repere_protocol::{ContactDto, Ingested, MAX_BATCH, MAX_REJECTIONS, PushError, Rejection, read_export};
use uuid::Uuid;

use crate::auth::Device;
use crate::db::{Database, now_text};
use crate::facts;

impl Database {
    /// Inserts-if-absent every contact of the batch, in one transaction of three statements
    /// whatever its size: read what is held under the batch's ids, apply the core's rule
    /// ([`repere_core::sync::ingest`]) in memory, insert the new records in one statement.
    pub async fn ingest(&self, device: &Device, contacts: &[(Contact, u64)]) -> Result<Ingested, sqlx::Error> {
        self.ingest_push(device, contacts, &[]).await
    }

    /// [`Database::ingest`] with the push's proposals (`submissions`), stored by the same rule in
    /// the same transaction and acknowledged in the same answer.
    pub(crate) async fn ingest_push(
        &self,
        device: &Device,
        contacts: &[(Contact, u64)],
        proposals: &[crate::submissions::Incoming],
    ) -> Result<Ingested, sqlx::Error> {
        if contacts.is_empty() && proposals.is_empty() {
            return Ok(Ingested::default());
        }
        let batch: Vec<Pushed<String>> = contacts
            .iter()
            .map(|(contact, seq)| {
                (contact.id, *seq, serde_json::to_string(&ContactDto::from_contact(contact, *seq)).expect("serialisable"))
            })
            .collect();
        let ids: Vec<Uuid> = batch.iter().map(|(id, _, _)| *id).collect();
        let mut tx = self.begin_write().await?;
        // Regression: PostgreSQL refused the `IN ()` of an empty batch (a 500).
        let before = if ids.is_empty() { HashMap::new() } else { held(&mut tx, &ids, device.structure_id).await? };
        let mut ledger = Batch { held: before, new: Vec::new() };
        let answer = ingest(&mut ledger, &batch);

        let mut stored: HashSet<Uuid> = ledger.new.iter().map(|(id, _)| *id).collect();
        let mut raced_conflicts = HashSet::new();
        if !ledger.new.is_empty() {
            let seq: HashMap<Uuid, u64> = batch.iter().map(|(id, seq, _)| (*id, *seq)).collect();
            let values: Vec<String> =
                (0..ledger.new.len()).map(|i| format!("(${}, $1, $2, ${}, ${}, $3)", 4 + 3 * i, 5 + 3 * i, 6 + 3 * i)).collect();
            let sql = format!(
                "INSERT INTO contacts (id, structure_id, device_id, device_seq, body, received_at) VALUES {} ON CONFLICT (id) DO NOTHING RETURNING id",
                values.join(", ")
            );
            let mut insert = sqlx::query_scalar::<_, String>(&sql).bind(device.structure_id).bind(&device.id).bind(now_text());
            for (id, body) in &ledger.new {
                insert = insert.bind(id.to_string()).bind(seq[id] as i64).bind(body);
            }
            let inserted: HashSet<String> = insert.fetch_all(&mut *tx).await?.into_iter().collect();
            // The figures' row of each contact stored, in the same transaction: a contact is
            // counted exactly when it is held.
            // The first of a batch's records under an id is the one stored (`sync::ingest`).
            let mut first = HashSet::new();
            let new: Vec<&Contact> =
                contacts.iter().map(|(c, _)| c).filter(|c| inserted.contains(&c.id.to_string()) && first.insert(c.id)).collect();
            let places = facts::places_of(&mut tx, &new).await?;
            let rows: Vec<(String, Facts)> =
                new.into_iter().map(|c| (c.id.to_string(), Facts::of(c, device.structure_id, &places))).collect();
            facts::insert(&mut tx, &rows).await?;
            // Ids not inserted were stored by a concurrent request meanwhile: decide again
            // against what it stored (same content: a duplicate; other content: a conflict).
            let raced: Vec<(Uuid, String)> = ledger.new.into_iter().filter(|(id, _)| !inserted.contains(&id.to_string())).collect();
            if !raced.is_empty() {
                let now_held = held(&mut tx, &raced.iter().map(|(id, _)| *id).collect::<Vec<_>>(), device.structure_id).await?;
                for (id, body) in raced {
                    stored.remove(&id);
                    if decide(now_held.get(&id), &body) == Outcome::Conflict {
                        raced_conflicts.insert(id);
                    }
                }
            }
        }
        let sender =
            crate::submissions::Sender { name: &device.structure, structure_id: Some(device.structure_id), device_id: Some(&device.id) };
        let proposed = crate::submissions::store(&mut tx, proposals, &sender).await?;
        tx.commit().await?;
        let (acked, raced): (Vec<Uuid>, Vec<Uuid>) = answer.acked.into_iter().partition(|id| !raced_conflicts.contains(id));
        let conflicts = answer.conflicts.into_iter().chain(raced);
        Ok(Ingested {
            acked: acked.iter().map(Uuid::to_string).chain(proposed.acked).collect(),
            conflicts: conflicts.map(|id| id.to_string()).chain(proposed.conflicts).collect(),
            stored: stored.len() + proposed.stored,
        })
    }

    /// Imports a device's exported outbox file as if the device had pushed it. The whole file is
    /// checked first: one bad contact and nothing is imported. Returns (stored, already held,
    /// conflicts).
    pub async fn import_outbox(&self, device_id: &str, file: &[u8]) -> Result<(usize, usize, usize), String> {
        let device = self.device_by_id(device_id).await.map_err(|e| e.to_string())?;
        let listed = |rejections: Vec<Rejection>, total: usize| {
            let list: Vec<String> =
                rejections.iter().map(|r| format!("contact {} ({}): {}: {}", r.index + 1, r.id, r.field, r.reason)).collect();
            let more = if total > list.len() { format!(" (and {} more)", total - list.len()) } else { String::new() };
            format!("nothing imported: {}{more}", list.join("; "))
        };
        let contacts = read_export(file).map_err(|e| match e {
            PushError::Malformed(m) => format!("not an exported outbox: {m}"),
            PushError::TooMany(n) => format!("{n} contacts"),
            PushError::Invalid { rejections, total } => listed(rejections, total),
        })?;
        let (rejections, total) = self.unknown_references(&contacts).await.map_err(|e| format!("database: {e}"))?;
        if total > 0 {
            return Err(listed(rejections, total));
        }
        // The file holds the device's proposals beside its contacts (one outbox): checked as a
        // push's are, and stored with the first batch.
        let proposals = crate::submissions::file_proposals(self, device.structure_id, file).await.map_err(|problems| {
            let list: Vec<String> =
                problems.iter().map(|r| format!("proposal {} ({}): {}: {}", r.index + 1, r.id, r.field, r.reason)).collect();
            format!("nothing imported: {}", list.join("; "))
        })?;
        let mut totals = (0, 0, 0);
        let mut proposals = Some(proposals);
        for chunk in contacts.chunks(MAX_BATCH).chain(contacts.is_empty().then_some(&[][..])) {
            let with = proposals.take().unwrap_or_default();
            let done = self.ingest_push(&device, chunk, &with).await.map_err(|e| format!("database: {e}"))?;
            totals = (totals.0 + done.stored, totals.1 + done.acked.len() - done.stored, totals.2 + done.conflicts.len());
        }
        Ok(totals)
    }

    /// The first problems, and their number, of contacts naming a place that no version of the
    /// registry held or a commune outside the Vienne (`Contact::check_references`): an id is
    /// checked against what it names, so it can never carry free text.
    pub async fn unknown_references(&self, contacts: &[(Contact, u64)]) -> Result<(Vec<Rejection>, usize), sqlx::Error> {
        let named: HashSet<&str> = contacts
            .iter()
            .flat_map(|(c, _)| {
                let lieu = if let Lieu::Registre(id) = &c.lieu { Some(id.as_str()) } else { None };
                lieu.into_iter().chain(c.orientation.as_ref().and_then(|o| o.lieu.as_deref()))
            })
            .collect();
        let stops: HashSet<&str> =
            contacts.iter().filter_map(|(c, _)| if let Lieu::Arret { id, .. } = &c.lieu { Some(id.as_str()) } else { None }).collect();
        let known = Known { places: self.registry_ids_among(&named).await?, stops: self.stop_ids_among(&stops).await? };
        let mut rejections = Vec::new();
        let mut total = 0;
        for (index, (contact, _)) in contacts.iter().enumerate() {
            for problem in contact.check_references(&known) {
                total += 1;
                if rejections.len() < MAX_REJECTIONS {
                    rejections.push(Rejection {
                        index,
                        id: contact.id.to_string(),
                        field: problem.field.to_owned(),
                        reason: problem.reason,
                    });
                }
            }
        }
        Ok((rejections, total))
    }

    /// Which of `ids` some version of the registry held (removed places included: a contact
    /// logged there before the removal stays valid).
    pub(crate) async fn registry_ids_among(&self, ids: &HashSet<&str>) -> Result<HashSet<String>, sqlx::Error> {
        self.ids_among("registry_places", ids).await
    }

    /// Which of `ids` were ever published as stops (a stop the tour dropped since included).
    pub(crate) async fn stop_ids_among(&self, ids: &HashSet<&str>) -> Result<HashSet<String>, sqlx::Error> {
        self.ids_among("stops", ids).await
    }

    async fn ids_among(&self, table: &str, ids: &HashSet<&str>) -> Result<HashSet<String>, sqlx::Error> {
        let ids: Vec<&str> = ids.iter().copied().collect();
        let mut known = HashSet::new();
        // A push names at most 1,000; an imported outbox file may name more than a statement
        // can bind (32,766 in SQLite).
        for chunk in ids.chunks(1000) {
            let placeholders: Vec<String> = (1..=chunk.len()).map(|i| format!("${i}")).collect();
            let sql = format!("SELECT id FROM {table} WHERE id IN ({})", placeholders.join(", "));
            let mut select = sqlx::query_scalar::<_, String>(&sql);
            for id in chunk {
                select = select.bind(*id);
            }
            known.extend(select.fetch_all(&self.pool).await?);
        }
        Ok(known)
    }

    /// How many contacts the structure holds.
    pub async fn contact_count(&self, structure_id: i64) -> Result<i64, sqlx::Error> {
        sqlx::query_scalar("SELECT COUNT(*) FROM contacts WHERE structure_id = $1").bind(structure_id).fetch_one(&self.pool).await
    }
}

/// What a batch's identifiers may name: the registry's places it names that exist, and the communes.
struct Known {
    places: HashSet<String>,
    stops: HashSet<String>,
}

impl References for Known {
    fn is_place(&self, id: &str) -> bool {
        self.places.contains(id)
    }
    fn is_stop(&self, id: &str) -> bool {
        self.stops.contains(id)
    }
    fn is_commune(&self, code_insee: &str) -> bool {
        crate::territory::is_commune(code_insee)
    }
}

/// The batch's view of the server's records: what the database held when the batch began, and
/// the records the batch adds (in order), to be inserted at the end.
struct Batch {
    held: HashMap<Uuid, String>,
    new: Vec<(Uuid, String)>,
}

impl Ledger<String> for Batch {
    fn held(&self, id: &Uuid) -> Option<&String> {
        self.held.get(id)
    }
    fn store(&mut self, id: Uuid, record: String) {
        self.held.insert(id, record.clone());
        self.new.push((id, record));
    }
}

/// The stored bodies under `ids`, in one query. An id held by another structure reads as a
/// different content, so it is a conflict and its content is not revealed.
async fn held(tx: &mut sqlx::AnyConnection, ids: &[Uuid], structure_id: i64) -> Result<HashMap<Uuid, String>, sqlx::Error> {
    let placeholders: Vec<String> = (1..=ids.len()).map(|i| format!("${i}")).collect();
    let sql = format!("SELECT id, structure_id, body FROM contacts WHERE id IN ({})", placeholders.join(", "));
    let mut select = sqlx::query_as::<_, (String, i64, String)>(&sql);
    for id in ids {
        select = select.bind(id.to_string());
    }
    let rows = select.fetch_all(&mut *tx).await?;
    Ok(rows
        .into_iter()
        .map(|(id, owner, body)| {
            let body = if owner == structure_id { body } else { String::from("\u{0}another structure") };
            (Uuid::parse_str(&id).expect("selected by a UUID's text"), body)
        })
        .collect())
}
