//! The figures' typed rows (`contact_facts`, one per contact): what the core's `stats::Facts`
//! says of a contact, computed by the core at ingest and written in the contact's transaction,
//! so the SQL of `stats` counts exactly what the core counts.
//!
//! Contacts stored before the table existed get their row at startup ([`Database::backfill_facts`],
//! from `contacts.body`), in batches, each its own transaction; a restart resumes where it stopped.

use std::collections::{HashMap, HashSet};

use repere_core::activity::{Contact, Lieu};
use repere_core::label::Label;
use repere_core::stats::{Facts, Places};
use repere_protocol::ContactDto;
use sqlx::AnyConnection;

use crate::db::Database;

/// The columns of `contact_facts`, in the order [`insert`] binds them.
pub const COLUMNS: &str = "contact_id, day, structure_id, kind, people, duree, lieu, commune, epci, residence, session, sortie, \
    thematiques, demarches, materiel, age_0, age_1, age_2, age_3, age_4, age_5, age_6, age_7, \
    statut_0, statut_1, statut_2, statut_3, statut_4, genre_0, genre_1, genre_2";
const WIDTH: usize = 31;

/// Rows per statement. Binding costs sqlx's SQLite driver more than linearly in a statement's
/// parameters: 20,000 contacts took 30 s at 1,000 rows (31,000 parameters) a statement, 2.3 s at
/// 100 and 0.9 s at 20 (`benches/stats.rs`); PostgreSQL is as fast at 20.
pub const ROWS_PER_INSERT: usize = 20;

/// `day` as stored: YYYYMMDD.
pub fn day_number(day: chrono::NaiveDate) -> i64 {
    use chrono::Datelike;
    i64::from(day.year()) * 10_000 + i64::from(day.month()) * 100 + i64::from(day.day())
}

/// The registry places a batch names, with their communes, and the Vienne's EPCI.
pub struct KnownPlaces(HashMap<String, String>);

impl Places for KnownPlaces {
    fn commune_of_place(&self, id: &str) -> Option<String> {
        self.0.get(id).cloned()
    }
    fn epci_of(&self, commune: &str) -> Option<String> {
        crate::territory::epci_of(commune).map(str::to_owned)
    }
}

/// The communes of the registry places among `contacts`' places (their latest stored version;
/// a place removed since has none, and its contacts count where the person lives).
pub async fn places_of(conn: &mut AnyConnection, contacts: &[&Contact]) -> Result<KnownPlaces, sqlx::Error> {
    let ids: HashSet<&str> =
        contacts.iter().filter_map(|c| if let Lieu::Registre(id) = &c.lieu { Some(id.as_str()) } else { None }).collect();
    let ids: Vec<&str> = ids.into_iter().collect();
    let mut communes = HashMap::new();
    for chunk in ids.chunks(1000) {
        let placeholders: Vec<String> = (1..=chunk.len()).map(|i| format!("${i}")).collect();
        let sql = format!("SELECT id, body FROM registry_places WHERE body IS NOT NULL AND id IN ({})", placeholders.join(", "));
        let mut select = sqlx::query_as::<_, (String, String)>(&sql);
        for id in chunk {
            select = select.bind(*id);
        }
        for (id, body) in select.fetch_all(&mut *conn).await? {
            let commune = serde_json::from_str::<serde_json::Value>(&body).ok().and_then(|v| v["code_insee"].as_str().map(str::to_owned));
            communes.extend(commune.map(|c| (id, c)));
        }
    }
    Ok(KnownPlaces(communes))
}

/// Writes the facts rows of `rows` (contact id, its facts), [`ROWS_PER_INSERT`] a statement.
pub async fn insert(conn: &mut AnyConnection, rows: &[(String, Facts)]) -> Result<(), sqlx::Error> {
    for chunk in rows.chunks(ROWS_PER_INSERT) {
        let values: Vec<String> = (0..chunk.len())
            .map(|r| format!("({})", (1..=WIDTH).map(|c| format!("${}", r * WIDTH + c)).collect::<Vec<_>>().join(", ")))
            .collect();
        let sql = format!("INSERT INTO contact_facts ({COLUMNS}) VALUES {}", values.join(", "));
        let mut insert = sqlx::query(&sql);
        for (id, f) in chunk {
            insert = insert
                .bind(id.clone())
                .bind(day_number(f.day))
                .bind(f.structure)
                .bind(i64::from(f.kind.index()))
                .bind(i64::from(f.people))
                .bind(i64::from(f.duree.index()))
                .bind(f.lieu.clone())
                .bind(f.commune.clone())
                .bind(f.epci.clone())
                .bind(f.residence.clone())
                .bind(f.session.map(|s| s.to_string()))
                .bind(f.sortie.map(|s| i64::from(s.index())))
                .bind(i64::from(f.thematiques.bits()))
                .bind(i64::from(f.demarches.bits()))
                .bind(i64::from(f.materiel.bits()));
            for n in f.ages.iter().chain(&f.statuts).chain(&f.genres) {
                insert = insert.bind(i64::from(*n));
            }
        }
        insert.execute(&mut *conn).await?;
    }
    Ok(())
}

/// Contacts read per backfill transaction.
pub const BACKFILL_BATCH: i64 = 2000;

impl Database {
    /// Writes the facts of every contact that has none (stored before `contact_facts` existed),
    /// a batch per transaction. Returns how many were filled in. A stored body that no longer
    /// reads as a contact is logged and left without facts (it is not counted).
    pub async fn backfill_facts(&self) -> Result<usize, sqlx::Error> {
        let mut filled = 0;
        let mut unreadable: HashSet<String> = HashSet::new();
        loop {
            let mut tx = self.begin_write().await?;
            let limit = BACKFILL_BATCH + unreadable.len() as i64;
            let rows: Vec<(String, i64, String)> = sqlx::query_as(
                "SELECT c.id, c.structure_id, c.body FROM contacts c LEFT JOIN contact_facts f ON f.contact_id = c.id \
                 WHERE f.contact_id IS NULL ORDER BY c.id LIMIT $1",
            )
            .bind(limit)
            .fetch_all(&mut *tx)
            .await?;
            let more = rows.len() as i64 == limit;
            let mut contacts = Vec::new();
            for (id, structure, body) in rows {
                if unreadable.contains(&id) {
                    continue;
                }
                match serde_json::from_str::<ContactDto>(&body)
                    .map_err(|e| e.to_string())
                    .and_then(|dto| dto.to_contact().map_err(|e| format!("{e:?}")))
                {
                    Ok(contact) => contacts.push((id, structure, contact)),
                    Err(reason) => {
                        tracing::warn!(contact = %id, %reason, "a stored contact no longer reads; it is left out of the figures");
                        unreadable.insert(id);
                    }
                }
            }
            if contacts.is_empty() {
                // Regression (found in review): a batch made only of unreadable contacts ended
                // the backfill with readable ones after it still missing their rows.
                if more {
                    continue;
                }
                return Ok(filled);
            }
            let places = places_of(&mut tx, &contacts.iter().map(|(_, _, c)| c).collect::<Vec<_>>()).await?;
            let rows: Vec<(String, Facts)> = contacts.iter().map(|(id, s, c)| (id.clone(), Facts::of(c, *s, &places))).collect();
            insert(&mut tx, &rows).await?;
            tx.commit().await?;
            filled += rows.len();
        }
    }
}
