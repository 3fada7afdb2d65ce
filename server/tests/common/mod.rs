//! The databases every storage test runs against: SQLite in memory, and a fresh PostgreSQL
//! database when `REPERE_TEST_POSTGRES` names a server (`make test` starts one; see
//! scripts/postgres). In CI a missing PostgreSQL is an error, not a skipped half.

// Each test binary includes this module and uses only part of it.
#![allow(dead_code)]

pub mod api;
pub mod generate;
pub mod process;

use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

use repere_server::db::Database;
use sqlx::{Connection, Executor};

/// `postgres://user@host:port`, without a database name: each test gets its own database.
pub const POSTGRES_VAR: &str = "REPERE_TEST_POSTGRES";

/// A new, empty PostgreSQL database's URL, or None when no server is given (outside CI).
pub async fn fresh_postgres_url() -> Option<String> {
    let Ok(server) = std::env::var(POSTGRES_VAR) else {
        assert!(
            std::env::var_os("CI").is_none(),
            "{POSTGRES_VAR} is not set: run the tests with `make test` (scripts/test starts PostgreSQL)"
        );
        eprintln!("note: {POSTGRES_VAR} is not set, PostgreSQL is not tested (`make test` sets it)");
        return None;
    };
    static NEXT: AtomicU32 = AtomicU32::new(0);
    let nanos = SystemTime::now().duration_since(UNIX_EPOCH).unwrap().subsec_nanos();
    let name = format!("repere_test_{}_{}_{nanos}", std::process::id(), NEXT.fetch_add(1, Ordering::Relaxed));
    let server = server.trim_end_matches('/');
    let mut admin =
        sqlx::PgConnection::connect(&format!("{server}/postgres")).await.unwrap_or_else(|e| panic!("{POSTGRES_VAR}={server}: {e}"));
    admin.execute(format!("CREATE DATABASE {name}").as_str()).await.unwrap();
    admin.close().await.unwrap();
    Some(format!("{server}/{name}"))
}

/// SQLite in memory, then a fresh PostgreSQL database if there is a server.
pub async fn databases() -> Vec<Database> {
    let mut all = vec![Database::open("sqlite::memory:").await.expect("in-memory SQLite")];
    if let Some(url) = fresh_postgres_url().await {
        all.push(Database::open(&url).await.unwrap_or_else(|e| panic!("{e}")));
    }
    all
}

/// A valid contact with a UUIDv7 id built from `n` (distinct for every `n`).
pub fn contact(n: u64) -> serde_json::Value {
    let id = uuid::Builder::from_unix_timestamp_millis(1_795_000_000_000 + n, &[n as u8; 10]).into_uuid();
    serde_json::json!({
        "id": id.to_string(), "seq": n, "type": "individuel", "debut": "2026-11-28T10:30:00", "duree_min": 30,
        "lieu": { "kind": "bus" }, "thematiques": ["aide_aux_demarches_administratives"],
        "thematiques_administratives": ["social_sante"], "materiel": ["telephone"], "autonomie": "entierement_accompagne",
        "beneficiaire": { "tranche_age": "soixante_dix_plus", "statut": "retraite", "commune": "86078" }
    })
}
