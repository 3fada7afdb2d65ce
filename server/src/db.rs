//! The database: opening it (SQLite file, WAL), migrating it, and reporting its state.
//!
//! Migrations live in `server/migrations` and are embedded in the binary, so a fresh file is
//! ready on first start and an old one is brought up to date before any request is served.

use std::fmt;
use std::str::FromStr;
use std::time::Duration;

use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous};

static MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("./migrations");

#[derive(Clone)]
pub struct Database {
    pub(crate) pool: SqlitePool,
}

/// Why the database could not be used; the message names the file and the cause.
#[derive(Debug)]
pub enum DbError {
    Unsupported(String),
    Open { target: String, source: sqlx::Error },
    Migrate { target: String, source: sqlx::migrate::MigrateError },
}

impl fmt::Display for DbError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DbError::Unsupported(url) => write!(f, "unsupported database URL {url:?}: give a SQLite file path"),
            DbError::Open { target, source } => write!(f, "cannot open the database {target}: {}", root_cause(source)),
            DbError::Migrate { target, source } => write!(f, "cannot migrate the database {target}: {source}"),
        }
    }
}

impl std::error::Error for DbError {}

/// sqlx wraps SQLite's own message ("unable to open database file") in layers; show the inner one.
fn root_cause(e: &sqlx::Error) -> String {
    match e {
        sqlx::Error::Database(db) => db.message().to_owned(),
        other => other.to_string(),
    }
}

/// The state of the database as `/api/v1/health` reports it.
#[derive(Debug, serde::Serialize)]
pub struct Health {
    pub backend: &'static str,
    pub ok: bool,
    /// Version of the newest migration applied.
    pub schema_version: Option<i64>,
    /// When this database was first created (RFC 3339, UTC).
    pub created_at: Option<String>,
}

impl Database {
    /// Opens (creating if missing) and migrates the database named by `target`: a file path,
    /// `sqlite::memory:` or a `sqlite:` URL.
    pub async fn open(target: &str) -> Result<Self, DbError> {
        let options = if target.starts_with("sqlite:") {
            SqliteConnectOptions::from_str(target)
        } else if target.contains("://") {
            return Err(DbError::Unsupported(target.to_owned()));
        } else {
            Ok(SqliteConnectOptions::new().filename(target))
        }
        .map_err(|source| DbError::Open { target: target.to_owned(), source })?
        .create_if_missing(true)
        // WAL lets readers proceed while a sync batch is being written.
        .journal_mode(SqliteJournalMode::Wal)
        .synchronous(SqliteSynchronous::Normal)
        .busy_timeout(Duration::from_secs(5))
        .foreign_keys(true);

        let in_memory = target.contains(":memory:");
        let pool = SqlitePoolOptions::new()
            // An in-memory database exists once per connection: keep exactly one.
            .max_connections(if in_memory { 1 } else { 8 })
            .min_connections(if in_memory { 1 } else { 0 })
            .idle_timeout(if in_memory { None } else { Some(Duration::from_secs(600)) })
            .max_lifetime(if in_memory { None } else { Some(Duration::from_secs(3600)) })
            .connect_with(options)
            .await
            .map_err(|source| DbError::Open { target: target.to_owned(), source })?;
        MIGRATIONS
            .run(&pool)
            .await
            .map_err(|source| DbError::Migrate { target: target.to_owned(), source })?;
        Ok(Database { pool })
    }

    pub async fn health(&self) -> Health {
        let row: Result<(Option<i64>, Option<String>), sqlx::Error> = sqlx::query_as(
            "SELECT (SELECT MAX(version) FROM _sqlx_migrations WHERE success), \
                    (SELECT created_at FROM instance WHERE id = 1)",
        )
        .fetch_one(&self.pool)
        .await;
        match row {
            Ok((schema_version, created_at)) => Health { backend: "sqlite", ok: true, schema_version, created_at },
            Err(e) => {
                tracing::error!(error = %e, "database health check failed");
                Health { backend: "sqlite", ok: false, schema_version: None, created_at: None }
            }
        }
    }

    /// Waits for in-flight queries and checkpoints the WAL, so the file is whole on its own.
    pub async fn close(&self) {
        self.pool.close().await;
    }
}
