//! The database: opening it (a SQLite file in WAL mode, or PostgreSQL), migrating it, and
//! reporting its state.
//!
//! Both backends go through sqlx's `Any` driver, so every query is written once, in the SQL the
//! two share: `$1` placeholders, `ON CONFLICT … DO NOTHING`, `RETURNING`, times as RFC 3339 UTC
//! text computed by the server (never `now()` or `strftime` in a query). Only the schema differs,
//! so each backend has its migrations (`server/migrations/{sqlite,postgres}`), embedded in the
//! binary: a fresh database is ready on first start and an old one is brought up to date before
//! any request is served.

use std::fmt;
use std::str::FromStr;
use std::time::Duration;

use percent_encoding::{AsciiSet, CONTROLS, utf8_percent_encode};
use sqlx::AnyPool;
use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::{AnyConnection, Connection, Executor, migrate::Migrator};

static SQLITE_MIGRATIONS: Migrator = sqlx::migrate!("./migrations/sqlite");
static POSTGRES_MIGRATIONS: Migrator = sqlx::migrate!("./migrations/postgres");

/// Which engine holds the data.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    /// The engine a `--database` value names, without connecting: a `postgres://` (or
    /// `postgresql://`) URL, or else SQLite — a file path, `sqlite::memory:` or a `sqlite:` URL.
    pub fn of(target: &str) -> Result<Backend, DbError> {
        if target.starts_with("postgres://") || target.starts_with("postgresql://") {
            Ok(Backend::Postgres)
        } else if target.starts_with("sqlite:") || !target.contains("://") {
            Ok(Backend::Sqlite)
        } else {
            Err(DbError::Unsupported(target.to_owned()))
        }
    }
}

#[derive(Clone)]
pub struct Database {
    pub(crate) pool: AnyPool,
    backend: Backend,
}

/// Why the database could not be used; the message names the database and the cause.
#[derive(Debug)]
pub enum DbError {
    Unsupported(String),
    Open { target: String, source: sqlx::Error },
    Migrate { target: String, source: sqlx::migrate::MigrateError },
}

impl fmt::Display for DbError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DbError::Unsupported(url) => {
                write!(f, "unsupported database URL {:?}: give a SQLite file path or a postgres:// URL", redact(url))
            }
            DbError::Open { target, source } => write!(f, "cannot open the database {}: {}", redact(target), root_cause(source)),
            DbError::Migrate { target, source } => write!(f, "cannot migrate the database {}: {source}", redact(target)),
        }
    }
}

impl std::error::Error for DbError {}

/// sqlx wraps the engine's own message ("unable to open database file") in layers; show the inner one.
pub(crate) fn root_cause(e: &sqlx::Error) -> String {
    match e {
        sqlx::Error::Database(db) => db.message().to_owned(),
        other => other.to_string(),
    }
}

/// A database name fit for logs and error messages: a URL's password is replaced by `***`.
pub fn redact(target: &str) -> String {
    let Some((scheme, rest)) = target.split_once("://") else { return target.to_owned() };
    let (authority, path) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
    match authority.rsplit_once('@') {
        Some((credentials, host)) if credentials.contains(':') => {
            let user = credentials.split(':').next().unwrap_or("");
            format!("{scheme}://{user}:***@{host}{path}")
        }
        _ => target.to_owned(),
    }
}

/// The state of the database as `/api/v1/health` reports it.
#[derive(Debug, serde::Serialize)]
pub struct Health {
    pub backend: Backend,
    pub ok: bool,
    /// Version of the newest migration applied.
    pub schema_version: Option<i64>,
    /// When this database was first created (RFC 3339, UTC).
    pub created_at: Option<String>,
}

/// The `sqlite:` URL sqlx's `Any` driver opens for a file path or a `sqlite:` URL; a file is
/// created if missing (`mode=rwc`) unless the URL sets its own mode.
pub(crate) fn sqlite_url(target: &str) -> String {
    /// A path may hold `?`, `#`, `%` or spaces: percent-encode them (sqlx decodes them back).
    const PATH: &AsciiSet = &CONTROLS.add(b' ').add(b'"').add(b'#').add(b'%').add(b'?').add(b'`');
    let url = match target.strip_prefix("sqlite:") {
        Some(_) => target.to_owned(),
        None => format!("sqlite:{}", utf8_percent_encode(target, PATH)),
    };
    if url.contains(":memory:") || url.contains("mode=") {
        url
    } else {
        format!("{url}{}mode=rwc", if url.contains('?') { '&' } else { '?' })
    }
}

/// Now, as every table stores times: RFC 3339 UTC to the second, which sorts as text.
pub(crate) fn now_text() -> String {
    chrono::Utc::now().format("%Y-%m-%dT%H:%M:%SZ").to_string()
}

impl Database {
    /// Opens and migrates the database named by `target` (see [`Backend::of`]); a SQLite file is
    /// created if missing.
    pub async fn open(target: &str) -> Result<Self, DbError> {
        sqlx::any::install_default_drivers();
        let open_error = |source| DbError::Open { target: target.to_owned(), source };
        let backend = Backend::of(target)?;
        let url = match backend {
            Backend::Postgres => target.to_owned(),
            Backend::Sqlite => sqlite_url(target),
        };
        let options = AnyConnectOptions::from_str(&url).map_err(open_error)?;
        // One connection first, so a wrong host, password or database name is reported at once
        // with the server's own words (the pool would retry for 30 s, then only say it timed out).
        AnyConnection::connect_with(&options).await.map_err(open_error)?.close().await.map_err(open_error)?;

        let in_memory = backend == Backend::Sqlite && (url.contains(":memory:") || url.contains("mode=memory"));
        let pool = AnyPoolOptions::new()
            // An in-memory database exists once per connection: keep exactly one.
            .max_connections(if in_memory { 1 } else { 8 })
            .min_connections(if in_memory { 1 } else { 0 })
            .idle_timeout(if in_memory { None } else { Some(Duration::from_secs(600)) })
            .max_lifetime(if in_memory { None } else { Some(Duration::from_secs(3600)) })
            .after_connect(move |conn, _| {
                Box::pin(async move {
                    if backend == Backend::Sqlite {
                        // WAL lets readers proceed while a sync batch is being written; NORMAL
                        // sync in WAL loses nothing on a crash of the process.
                        conn.execute(
                            "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA busy_timeout = 5000; PRAGMA foreign_keys = ON",
                        )
                        .await?;
                    }
                    Ok(())
                })
            })
            .connect_with(options)
            .await
            .map_err(open_error)?;
        let migrator = match backend {
            Backend::Sqlite => &SQLITE_MIGRATIONS,
            Backend::Postgres => &POSTGRES_MIGRATIONS,
        };
        // Two processes opening a new SQLite file at once (the server starting while an
        // administrator runs `enrol`) both see no migration applied, and the later one's
        // `CREATE TABLE` fails. Run again, it sees what the first applied. (sqlx locks
        // PostgreSQL's migrations itself.)
        let mut tries = 0;
        while let Err(source) = migrator.run(&pool).await {
            tries += 1;
            if backend == Backend::Postgres || tries == 4 {
                return Err(DbError::Migrate { target: target.to_owned(), source });
            }
            tokio::time::sleep(Duration::from_millis(100 * tries)).await;
        }
        let db = Database { pool, backend };
        db.publish_bundled_registry().await.map_err(open_error)?;
        let filled = db.backfill_facts().await.map_err(open_error)?;
        if filled > 0 {
            tracing::info!(contacts = filled, "figures' rows written for contacts stored before them");
        }
        Ok(db)
    }

    /// A transaction that will write. SQLite takes its write lock at once (`BEGIN IMMEDIATE`):
    /// a transaction that read first would otherwise fail, not wait, when another wrote
    /// meanwhile. PostgreSQL's row locks and `ON CONFLICT` need nothing more.
    pub(crate) async fn begin_write(&self) -> Result<sqlx::Transaction<'static, sqlx::Any>, sqlx::Error> {
        match self.backend {
            Backend::Sqlite => self.pool.begin_with("BEGIN IMMEDIATE").await,
            Backend::Postgres => self.pool.begin().await,
        }
    }

    /// Keeps SQLite's query-planner statistics current, so that the figures' queries choose
    /// their indices as `scripts/bench-stats` measured them (it analyses its database too).
    /// `analysis_limit` bounds each index's sample, so this takes milliseconds whatever the
    /// size (`PRAGMA optimize` was tried: it skips a table never analysed, which is the case
    /// that matters). PostgreSQL's autovacuum keeps its own statistics.
    pub async fn optimize(&self) -> Result<(), sqlx::Error> {
        if self.backend == Backend::Sqlite {
            let mut conn = self.pool.acquire().await?;
            sqlx::query("PRAGMA analysis_limit = 1000").execute(&mut *conn).await?;
            sqlx::query("ANALYZE").execute(&mut *conn).await?;
        }
        Ok(())
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// The connection pool, for tests that look at what was stored.
    pub fn pool(&self) -> &AnyPool {
        &self.pool
    }

    pub async fn health(&self) -> Health {
        let row: Result<(Option<i64>, Option<String>), sqlx::Error> = sqlx::query_as(
            "SELECT (SELECT MAX(version) FROM _sqlx_migrations WHERE success), \
                    (SELECT created_at FROM instance WHERE id = 1)",
        )
        .fetch_one(&self.pool)
        .await;
        match row {
            Ok((schema_version, created_at)) => Health { backend: self.backend, ok: true, schema_version, created_at },
            Err(e) => {
                tracing::error!(error = %e, "database health check failed");
                Health { backend: self.backend, ok: false, schema_version: None, created_at: None }
            }
        }
    }

    /// Waits for in-flight queries; SQLite then checkpoints the WAL, so the file is whole on its own.
    pub async fn close(&self) {
        self.pool.close().await;
    }
}

#[cfg(test)]
mod tests {
    use super::{redact, sqlite_url};

    #[test]
    fn sqlite_paths_become_urls_that_create_the_file() {
        assert_eq!(sqlite_url("data/repere.sqlite"), "sqlite:data/repere.sqlite?mode=rwc");
        assert_eq!(sqlite_url("/tmp/a b/100%?#.sqlite"), "sqlite:/tmp/a%20b/100%25%3F%23.sqlite?mode=rwc");
        assert_eq!(sqlite_url("sqlite::memory:"), "sqlite::memory:");
        assert_eq!(sqlite_url("sqlite:x.db?mode=ro"), "sqlite:x.db?mode=ro");
    }

    #[tokio::test]
    async fn a_sqlite_file_is_created_in_wal_mode_with_foreign_keys() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("new dir? no: a file #1.sqlite");
        let db = super::Database::open(path.to_str().unwrap()).await.unwrap();
        assert!(path.is_file(), "created under its own name");
        let (journal,): (String,) = sqlx::query_as("PRAGMA journal_mode").fetch_one(&db.pool).await.unwrap();
        let (foreign_keys,): (i64,) = sqlx::query_as("PRAGMA foreign_keys").fetch_one(&db.pool).await.unwrap();
        assert_eq!((journal.as_str(), foreign_keys), ("wal", 1));
        db.close().await;
    }

    #[test]
    fn passwords_never_reach_logs() {
        assert_eq!(redact("postgres://repere:s3cret@db.example:5432/repere"), "postgres://repere:***@db.example:5432/repere");
        assert_eq!(redact("postgres://repere@localhost/repere"), "postgres://repere@localhost/repere");
        assert_eq!(redact("data/repere.sqlite"), "data/repere.sqlite");
    }
}
