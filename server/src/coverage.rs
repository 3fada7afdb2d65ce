//! Coverage on the server: the travel-time table an administrator imports
//! (`repere-server coverage import-times FILE`, migration 0006), the table as the coordinators'
//! page reads it (`GET /api/v1/coverage/times`), and what the coverage files are computed from
//! ([`Inputs`]: the territory's communes, the registry's current places, the stored table) —
//! with the core's `coverage`, so the files and the page give the same figures. A coordinator
//! of the whole département may also send or clear the table from the page (`upload`).
//!
//! An import is whole or nothing: the file is checked by the core (`TravelTable::read_csv`)
//! against the 265 communes and the registry's current places, and only a file without any
//! problem replaces the stored table, in one transaction; a refused file leaves the old one.

use std::collections::HashMap;
use std::path::Path;
use std::sync::LazyLock;

use axum::Json;
use axum::extract::{Request, State as AxumState};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use repere_core::coverage::{Commune, Help, Minutes, TravelTable};
use repere_core::registry::{ImportError, Place};
use repere_protocol::coverage::TravelTimesDto;

use crate::api::{account, forbidden, internal};
use crate::coordinators::{Account, Coordinator};
use crate::db::{Database, now_text};
use crate::listen::client_ip;
use crate::{State, territory};

mod upload;
pub use upload::{clear, upload};

/// Rows inserted per statement (3 parameters each: far below SQLite's and PostgreSQL's limits).
const BATCH: usize = 300;

/// Problems an import prints at most; the rest are counted.
pub const PROBLEMS_SHOWN: usize = 20;

/// The Vienne's communes as coverage needs them, in the gazetteer's order.
pub fn communes() -> &'static [Commune] {
    static COMMUNES: LazyLock<Vec<Commune>> = LazyLock::new(|| territory::territory().communes().iter().map(Commune::from).collect());
    &COMMUNES
}

/// The table's last import.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Imported {
    /// RFC 3339 UTC.
    pub at: String,
    /// The file's name, without its folder.
    pub source: String,
    pub rows: u64,
}

/// The stored table: its rows and where they come from (`None`: no table, the estimate).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Times {
    pub import: Option<Imported>,
    pub rows: Vec<Minutes>,
}

impl Database {
    /// Replaces the stored table by `rows` (already checked), in one transaction.
    pub async fn replace_travel_times(&self, rows: &[Minutes], source: &str) -> Result<Imported, sqlx::Error> {
        let imported = Imported { at: now_text(), source: source.to_owned(), rows: rows.len() as u64 };
        let mut tx = self.begin_write().await?;
        sqlx::query("DELETE FROM travel_times").execute(&mut *tx).await?;
        sqlx::query("DELETE FROM travel_times_import").execute(&mut *tx).await?;
        for batch in rows.chunks(BATCH) {
            let values: Vec<String> = (0..batch.len()).map(|i| format!("(${}, ${}, ${})", 3 * i + 1, 3 * i + 2, 3 * i + 3)).collect();
            let sql = format!("INSERT INTO travel_times (code_insee, place_id, minutes) VALUES {}", values.join(", "));
            let mut insert = sqlx::query(&sql);
            for row in batch {
                insert = insert.bind(&row.code_insee).bind(&row.place_id).bind(row.minutes);
            }
            insert.execute(&mut *tx).await?;
        }
        sqlx::query("INSERT INTO travel_times_import (id, imported_at, source, row_count) VALUES (1, $1, $2, $3)")
            .bind(&imported.at)
            .bind(&imported.source)
            .bind(imported.rows as i64)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(imported)
    }

    /// Empties the stored table (coverage goes back to the estimate); whether there was one.
    pub async fn clear_travel_times(&self) -> Result<bool, sqlx::Error> {
        let mut tx = self.begin_write().await?;
        sqlx::query("DELETE FROM travel_times").execute(&mut *tx).await?;
        let held = sqlx::query("DELETE FROM travel_times_import").execute(&mut *tx).await?.rows_affected() > 0;
        tx.commit().await?;
        Ok(held)
    }

    /// The stored table, in (commune, place) order.
    pub async fn travel_times(&self) -> Result<Times, sqlx::Error> {
        let import: Option<(String, String, i64)> =
            sqlx::query_as("SELECT imported_at, source, row_count FROM travel_times_import WHERE id = 1")
                .fetch_optional(&self.pool)
                .await?;
        let rows: Vec<(String, String, f64)> =
            sqlx::query_as("SELECT code_insee, place_id, minutes FROM travel_times ORDER BY code_insee, place_id")
                .fetch_all(&self.pool)
                .await?;
        Ok(Times {
            import: import.map(|(at, source, rows)| Imported { at, source, rows: rows as u64 }),
            rows: rows.into_iter().map(|(code_insee, place_id, minutes)| Minutes { code_insee, place_id, minutes }).collect(),
        })
    }

    /// The registry's current places (with their compiled hours) and its version.
    pub async fn current_places(&self) -> Result<(Vec<Place>, u64), String> {
        let registry = self.registry_update(0).await.map_err(|e| format!("database: {}", crate::db::root_cause(&e)))?;
        let snapshot = registry.checked_snapshot().map_err(|errors| {
            let first = errors.first().map(ToString::to_string).unwrap_or_default();
            format!("the stored registry does not read ({} problem(s); first: {first})", errors.len())
        })?;
        Ok((snapshot.places, snapshot.version))
    }
}

/// Why `import-times` imported nothing.
#[derive(Debug)]
pub enum ImportFailure {
    /// The file was read and refused: every problem (line, field, reason).
    Refused(Vec<ImportError>),
    /// The file or the database could not be used.
    Failed(String),
}

/// `coverage import-times FILE`: [`import_bytes`] of the file, under its name.
pub async fn import_file(db: &Database, file: &Path) -> Result<Imported, ImportFailure> {
    let bytes = std::fs::read(file).map_err(|e| ImportFailure::Failed(format!("cannot read {}: {e}", file.display())))?;
    let source = file.file_name().map_or_else(|| file.display().to_string(), |n| n.to_string_lossy().into_owned());
    import_bytes(db, &bytes, &source).await
}

/// A table's bytes checked against the communes and the registry's current places with a
/// position, then stored whole in place of the old table: the command line's import and the
/// coordinators' upload (`upload`) are this one function.
pub async fn import_bytes(db: &Database, bytes: &[u8], source: &str) -> Result<Imported, ImportFailure> {
    let (places, _) = db.current_places().await.map_err(ImportFailure::Failed)?;
    let rows = TravelTable::read_csv(bytes, communes(), &Help::from_places(&places)).map_err(ImportFailure::Refused)?;
    db.replace_travel_times(&rows, source).await.map_err(|e| ImportFailure::Failed(format!("database: {}", crate::db::root_cause(&e))))
}

/// A refusal's lines: the first [`PROBLEMS_SHOWN`] problems, then how many more.
pub fn problem_lines(errors: &[ImportError]) -> Vec<String> {
    let mut lines: Vec<String> = errors.iter().take(PROBLEMS_SHOWN).map(ToString::to_string).collect();
    if errors.len() > PROBLEMS_SHOWN {
        lines.push(format!("et {} autres problèmes", errors.len() - PROBLEMS_SHOWN));
    }
    lines
}

/// Everything a coverage file is computed from, read once.
pub struct Inputs {
    /// The registry's current places.
    pub places: Vec<Place>,
    pub registry_version: u64,
    pub times: Times,
    /// Place id → its name; a tour's stop id → « Arrêt du bus : its name » (the coverage counts
    /// regular stops as help).
    names: HashMap<String, String>,
}

impl Inputs {
    pub async fn load(db: &Database) -> Result<Inputs, String> {
        let (places, registry_version) = db.current_places().await?;
        let times = db.travel_times().await.map_err(|e| format!("database: {}", crate::db::root_cause(&e)))?;
        let stops = places.iter().flat_map(|p| &p.arrets).map(|s| (s.id.clone(), format!("Arrêt du bus : {}", s.nom)));
        let names = places.iter().map(|p| (p.id.clone(), p.nom.clone())).chain(stops).collect();
        Ok(Inputs { places, registry_version, times, names })
    }
}

impl repere_core::coverage::Names for Inputs {
    fn commune(&self, code_insee: &str) -> String {
        territory::commune_name(code_insee).unwrap_or(code_insee).to_owned()
    }
    fn epci(&self, siren: &str) -> String {
        territory::epcis().get(siren).cloned().unwrap_or_else(|| siren.to_owned())
    }
    fn place(&self, id: &str) -> String {
        self.names.get(id).cloned().unwrap_or_else(|| id.to_owned())
    }
}

/// The coordinator making this request: coverage is the coordination space's (a mediator's
/// token is 403, none 401).
pub async fn coordinator(state: &State, headers: &HeaderMap, ip: std::net::IpAddr) -> Result<Coordinator, Response> {
    match account(state, headers, ip).await? {
        Account::Coordinator(c) => Ok(c),
        Account::Mediator(_) => Err(forbidden("coverage is read in the coordination space; a mediator's device does not read it")),
    }
}

/// `GET /api/v1/coverage/times`: the imported table, for the page to compute with it.
pub async fn times(AxumState(state): AxumState<State>, request: Request) -> Response {
    if let Err(refusal) = coordinator(&state, request.headers(), client_ip(&request)).await {
        return refusal;
    }
    stored_table(&state.db).await
}

/// The stored table as `GET` answers it (also the answer to a successful upload).
async fn stored_table(db: &Database) -> Response {
    match db.travel_times().await {
        Ok(Times { import, rows }) => {
            let (at, source) = import.map(|i| (i.at, i.source)).unzip();
            Json(TravelTimesDto::new(at, source, &rows)).into_response()
        }
        Err(e) => internal(&e.to_string()),
    }
}
