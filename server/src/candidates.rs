//! Candidate places (issue #15, part 6): places from other lists (the public libraries and the
//! centres sociaux of `seeds/candidats.csv`) awaiting a coordinator's verification. They live in
//! their own table, so nothing of them reaches the published registry, its delta or a resident's
//! phone until accepted; accepting publishes them, all of one decision as ONE new registry
//! version, logged in `place_updates` as the département's update, dated the day of the
//! verification (the coordinator has just checked them).
//!
//! `repere-server candidates import FILE` reads the standard's CSV: each row is checked by the
//! registry's import (row, field, reason), all or nothing, with one allowance: an empty
//! `adresse` (the centres sociaux's list has none) is kept, to be given when accepting. A second
//! import of the same file changes nothing; a row already decided is left as decided; an id
//! already published is not a candidate.

use std::collections::{BTreeMap, HashSet};
use std::path::Path;

use chrono::NaiveDate;
use repere_core::hours::Window;
use repere_core::registry::{FIELDS, ImportError, Place, REQUIRED, device_places, import_json_rows};
use serde_json::{Map, Value};

use crate::db::{Database, now_text};

/// A field's problem in a decision: which candidate, which field, why.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Problem {
    pub id: String,
    pub field: String,
    pub reason: String,
}

/// What an import did.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Imported {
    pub added: usize,
    pub updated: usize,
    pub unchanged: usize,
    /// Accepted or rejected before: left as decided.
    pub decided: usize,
    /// Ids already in the published registry: not candidates.
    pub published: usize,
}

/// A candidate as the coordination space lists it.
#[derive(Debug, Clone, PartialEq)]
pub struct Candidate {
    pub id: String,
    pub source: String,
    pub status: String,
    pub row: Map<String, Value>,
}

impl Candidate {
    pub fn text(&self, field: &str) -> Option<&str> {
        self.row.get(field).and_then(Value::as_str).filter(|v| !v.trim().is_empty())
    }

    /// Required fields still empty (the centres sociaux's address), to give when accepting.
    pub fn missing(&self) -> Vec<&'static str> {
        REQUIRED.into_iter().filter(|f| self.text(f).is_none()).collect()
    }
}

/// The list a candidate comes from, by its id (as the seed builder names them).
pub fn source_of(id: &str) -> &'static str {
    if id.starts_with("bibliotheque-") {
        "bibliotheques"
    } else if id.starts_with("centre-social-") {
        "centres_sociaux"
    } else {
        "autre"
    }
}

/// The fields a row may hold: the standard's and Repère's extensions (the others are ignored by
/// the registry's import, and refused in a decision's changes).
pub fn known_field(field: &str) -> bool {
    FIELDS.contains(&field) || ["x_position_approximative", "x_ids_fusionnes", "x_se_deplace_a_domicile"].contains(&field)
}

/// The place a candidate row makes, with `changes` applied and, when accepted, dated `dated`.
pub fn place_of(
    row: &Map<String, Value>,
    changes: &BTreeMap<String, String>,
    dated: Option<NaiveDate>,
    years: Window,
) -> Result<Place, Vec<ImportError>> {
    let mut row = row.clone();
    for (field, value) in changes {
        row.insert(field.clone(), Value::String(value.clone()));
    }
    if let Some(day) = dated {
        row.insert("date_maj".into(), Value::String(day.to_string()));
    }
    let mut import = import_json_rows(&[Value::Object(row)], years);
    match import.places.pop() {
        Some(place) if import.errors.is_empty() => Ok(place),
        _ => Err(import.errors),
    }
}

/// The rows of a candidates file, each checked (see the module's doc); every problem by line and field.
pub fn read_file(bytes: &[u8], years: Window) -> Result<Vec<Map<String, Value>>, Vec<ImportError>> {
    let bytes = bytes.strip_prefix("\u{feff}".as_bytes()).unwrap_or(bytes);
    let mut reader = csv::ReaderBuilder::new().flexible(true).from_reader(bytes);
    let file_error = |reason: String| vec![ImportError { row: 0, field: "", reason }];
    let header: Vec<String> = match reader.headers() {
        Ok(h) if !h.is_empty() => h.iter().map(|h| h.trim().to_owned()).collect(),
        Ok(_) => return Err(file_error("le fichier est vide".into())),
        Err(e) => return Err(file_error(format!("CSV illisible : {e}"))),
    };
    if let Some(missing) = REQUIRED.iter().find(|f| !header.iter().any(|h| h == *f)) {
        return Err(vec![ImportError { row: 1, field: missing, reason: "colonne obligatoire absente".into() }]);
    }
    let (mut rows, mut errors, mut ids) = (Vec::new(), Vec::new(), HashSet::new());
    for record in reader.records() {
        let record = match record {
            Ok(r) => r,
            Err(e) => {
                let row = e.position().map_or(0, |p| p.line() as usize);
                errors.push(ImportError { row, field: "", reason: format!("CSV illisible : {e}") });
                continue;
            }
        };
        let line = record.position().map_or(0, |p| p.line() as usize);
        if record.len() != header.len() {
            errors.push(ImportError {
                row: line,
                field: "",
                reason: format!("{} champs alors que l'en-tête en a {}", record.len(), header.len()),
            });
            continue;
        }
        let row: Map<String, Value> = header
            .iter()
            .zip(record.iter())
            .filter(|(h, _)| known_field(h))
            .map(|(h, v)| (h.clone(), Value::String(v.to_owned())))
            .collect();
        // The address may be given at acceptance: checked with a stand-in, kept empty.
        let mut stand_in = BTreeMap::new();
        if row.get("adresse").and_then(Value::as_str).is_none_or(|a| a.trim().is_empty()) {
            stand_in.insert("adresse".to_owned(), "à compléter".to_owned());
        }
        match place_of(&row, &stand_in, None, years) {
            Ok(place) if !ids.insert(place.id.clone()) => {
                errors.push(ImportError { row: line, field: "id", reason: format!("« {} » figure déjà plus haut", place.id) })
            }
            Ok(_) => rows.push(row),
            Err(problems) => errors.extend(problems.into_iter().map(|e| ImportError { row: line, ..e })),
        }
    }
    if errors.is_empty() { Ok(rows) } else { Err(errors) }
}

/// Why `candidates import` imported nothing.
#[derive(Debug)]
pub enum ImportFailure {
    Refused(Vec<ImportError>),
    Failed(String),
}

/// `candidates import FILE`: the file read whole, then stored (see [`Database::import_candidates`]).
pub async fn import_file(db: &Database, file: &Path) -> Result<Imported, ImportFailure> {
    let bytes = std::fs::read(file).map_err(|e| ImportFailure::Failed(format!("cannot read {}: {e}", file.display())))?;
    let rows = read_file(&bytes, Window::for_date(chrono::Utc::now().date_naive())).map_err(ImportFailure::Refused)?;
    db.import_candidates(&rows).await.map_err(|e| ImportFailure::Failed(format!("database: {}", crate::db::root_cause(&e))))
}

/// `candidates import FILE`: exit 0 imported (what was done on stdout), 1 a refused file (each
/// problem by line and field on stderr, nothing imported) or a failure; clap's 2 for bad flags.
pub async fn command(database: &str, command: crate::config::CandidatesCommand) -> std::process::ExitCode {
    let crate::config::CandidatesCommand::Import { file } = command;
    let db = match Database::open(database).await {
        Ok(db) => db,
        Err(e) => {
            eprintln!("repere-server: error: {e}");
            return std::process::ExitCode::FAILURE;
        }
    };
    let result = import_file(&db, &file).await;
    db.close().await;
    let name = file.display();
    match result {
        Ok(Imported { added, updated, unchanged, decided, published }) => {
            println!(
                "{name}: {added} candidate(s) added, {updated} updated, {unchanged} unchanged, {decided} already decided (left as they are), \
                 {published} already published (not candidates); none is shown to residents until accepted"
            );
            std::process::ExitCode::SUCCESS
        }
        Err(ImportFailure::Failed(message)) => {
            eprintln!("repere-server: error: {message}");
            std::process::ExitCode::FAILURE
        }
        Err(ImportFailure::Refused(errors)) => {
            eprintln!("repere-server: error: {name}: nothing imported, {} problem(s):", errors.len());
            for line in crate::coverage::problem_lines(&errors) {
                eprintln!("repere-server: {name}: {line}");
            }
            std::process::ExitCode::FAILURE
        }
    }
}

/// One decision of `POST /api/v1/candidates`.
#[derive(Debug, Clone, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Decision {
    pub id: String,
    pub action: Action,
    #[serde(default)]
    pub reason: Option<String>,
    /// Values the coordinator verified or completed (the standard's text form): the address a
    /// centre social lacks, the services the place offers.
    #[serde(default)]
    pub changes: BTreeMap<String, String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Action {
    Accept,
    Reject,
}

/// What a set of decisions did.
#[derive(Debug, PartialEq, Eq)]
pub struct Decided {
    pub version: u64,
    pub accepted: usize,
    pub rejected: usize,
}

impl Database {
    /// Stores checked rows as candidates, in one transaction (see the module's doc).
    pub async fn import_candidates(&self, rows: &[Map<String, Value>]) -> Result<Imported, sqlx::Error> {
        let mut tx = self.begin_write().await?;
        let mut done = Imported::default();
        let now = now_text();
        for row in rows {
            let id = row.get("id").and_then(Value::as_str).unwrap_or_default().trim().to_owned();
            let published: Option<String> = sqlx::query_scalar("SELECT id FROM registry_places WHERE id = $1 AND body IS NOT NULL")
                .bind(&id)
                .fetch_optional(&mut *tx)
                .await?;
            if published.is_some() {
                done.published += 1;
                continue;
            }
            let body = Value::Object(row.clone()).to_string();
            let held: Option<(String, String)> =
                sqlx::query_as("SELECT body, status FROM candidates WHERE id = $1").bind(&id).fetch_optional(&mut *tx).await?;
            match held {
                Some((_, status)) if status != "pending" => done.decided += 1,
                Some((old, _)) if old == body => done.unchanged += 1,
                Some(_) => {
                    sqlx::query("UPDATE candidates SET body = $1 WHERE id = $2").bind(&body).bind(&id).execute(&mut *tx).await?;
                    done.updated += 1;
                }
                None => {
                    sqlx::query("INSERT INTO candidates (id, source, body, imported_at) VALUES ($1, $2, $3, $4)")
                        .bind(&id)
                        .bind(source_of(&id))
                        .bind(&body)
                        .bind(&now)
                        .execute(&mut *tx)
                        .await?;
                    done.added += 1;
                }
            }
        }
        tx.commit().await?;
        Ok(done)
    }

    /// The pending candidates that are valid places as they stand (their source's date), and
    /// how many are not yet (an address to give).
    pub async fn pending_candidate_places(&self) -> Result<(Vec<Place>, usize), sqlx::Error> {
        let years = Window::for_date(chrono::Utc::now().date_naive());
        let (mut places, mut left_out) = (Vec::new(), 0);
        for candidate in self.candidates().await?.into_iter().filter(|c| c.status == "pending") {
            match place_of(&candidate.row, &BTreeMap::new(), None, years) {
                Ok(place) => places.push(place),
                Err(_) => left_out += 1,
            }
        }
        Ok((places, left_out))
    }

    /// Every candidate, by id (pending ones with `pending`, the decided ones for the counts).
    pub async fn candidates(&self) -> Result<Vec<Candidate>, sqlx::Error> {
        let rows: Vec<(String, String, String, String)> =
            sqlx::query_as("SELECT id, source, status, body FROM candidates ORDER BY id").fetch_all(&self.pool).await?;
        Ok(rows
            .into_iter()
            .map(|(id, source, status, body)| Candidate {
                id,
                source,
                status,
                row: serde_json::from_str::<Value>(&body).ok().and_then(|v| v.as_object().cloned()).unwrap_or_default(),
            })
            .collect())
    }

    /// Applies `decisions` (already checked by the caller: every accepted one makes a place) in
    /// one transaction: the accepted places published as one new version, each logged as the
    /// département's update; `None` when another publication took the version meanwhile (retry).
    pub async fn decide_candidates(
        &self,
        accepted: &[Place],
        rejected: &[(String, Option<String>)],
        by: &str,
    ) -> Result<Option<Decided>, sqlx::Error> {
        let mut tx = self.begin_write().await?;
        let now = now_text();
        let version = if accepted.is_empty() {
            let current: Option<i64> = sqlx::query_scalar("SELECT MAX(version) FROM registry_versions").fetch_one(&mut *tx).await?;
            current.unwrap_or(0)
        } else {
            let Some(version) = crate::registry::take_next_version(&mut tx).await? else { return Ok(None) };
            version
        };
        for place in accepted {
            let body = device_places(std::slice::from_ref(place))[0].to_string();
            let inserted = sqlx::query(
                "INSERT INTO registry_places (id, body, version) VALUES ($1, $2, $3) \
                 ON CONFLICT (id) DO UPDATE SET body = excluded.body, version = excluded.version WHERE registry_places.body IS NULL",
            )
            .bind(&place.id)
            .bind(&body)
            .bind(version)
            .execute(&mut *tx)
            .await?;
            // A place published under this id meanwhile is never overwritten: the whole decision
            // is taken back and the caller asks to send it again (the check then says why).
            if inserted.rows_affected() != 1 {
                return Ok(None);
            }
            sqlx::query(
                "INSERT INTO place_updates (place_id, made_at, kind, made_by, changes, version, reviewed, decided_by) \
                 VALUES ($1, $2, 'change', 'departement', $3, $4, TRUE, $5)",
            )
            .bind(&place.id)
            .bind(&now)
            .bind(crate::registry::field_changes(None, Some(&body)).to_string())
            .bind(version)
            .bind(by)
            .execute(&mut *tx)
            .await?;
            let decided = sqlx::query(
                "UPDATE candidates SET status = 'accepted', decided_at = $1, decided_by = $2, version = $3 WHERE id = $4 AND status = 'pending'",
            )
            .bind(&now)
            .bind(by)
            .bind(version)
            .bind(&place.id)
            .execute(&mut *tx)
            .await?;
            if decided.rows_affected() != 1 {
                return Ok(None);
            }
        }
        // The version count recorded by take_next_version counted the places before these.
        if !accepted.is_empty() {
            let places: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM registry_places WHERE body IS NOT NULL").fetch_one(&mut *tx).await?;
            sqlx::query("UPDATE registry_versions SET places = $1 WHERE version = $2").bind(places).bind(version).execute(&mut *tx).await?;
        }
        for (id, reason) in rejected {
            let decided = sqlx::query(
                "UPDATE candidates SET status = 'rejected', decided_at = $1, decided_by = $2, reason = $3 WHERE id = $4 AND status = 'pending'",
            )
            .bind(&now)
            .bind(by)
            .bind(reason)
            .bind(id)
            .execute(&mut *tx)
            .await?;
            // Decided by someone else since the check (a double tap, two coordinators): nothing
            // of this request is kept; sent again, the check names it « déjà … ».
            if decided.rows_affected() != 1 {
                return Ok(None);
            }
        }
        tx.commit().await?;
        Ok(Some(Decided { version: version as u64, accepted: accepted.len(), rejected: rejected.len() }))
    }
}
