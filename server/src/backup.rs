//! `repere-server backup FILE`: a consistent copy of the SQLite database, taken while the server
//! keeps serving and writing.
//!
//! SQLite's `VACUUM INTO` reads the database in one read transaction, so the copy is the database
//! as it stood at one instant; in WAL mode writers carry on meanwhile (they append to the WAL,
//! which the reader does not see). The copy is written under a temporary name beside `FILE`,
//! checked (`PRAGMA integrity_check`, then counted), flushed to disk (`VACUUM INTO` does not
//! fsync), and only then given its name: an interrupted backup never leaves a half file under
//! `FILE`. PostgreSQL has its own tool for this, `pg_dump`.

use std::fmt;
use std::fs::File;
use std::io;
use std::path::{Path, PathBuf};

use sqlx::sqlite::SqliteConnectOptions;
use sqlx::{Connection, SqliteConnection};

use crate::db::{Backend, Database, root_cause};

/// What a backup file holds, counted in the file itself once written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Copied {
    pub bytes: u64,
    pub structures: i64,
    pub devices: i64,
    pub contacts: i64,
    pub registry_version: i64,
}

impl fmt::Display for Copied {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let Copied { bytes, structures, devices, contacts, registry_version } = self;
        let megabytes = *bytes as f64 / 1e6;
        write!(
            f,
            "{megabytes:.1} MB ({bytes} bytes): {contacts} contacts, {structures} structures, {devices} devices, \
             registry version {registry_version}; integrity check ok"
        )
    }
}

/// Why no backup was written; each message says what to do.
#[derive(Debug)]
pub enum BackupError {
    /// The database is PostgreSQL: its own tools copy it.
    Postgres,
    /// `--database` names a SQLite file that does not exist.
    NoDatabase(String),
    /// `FILE` exists and `--force` was not given.
    Exists(PathBuf),
    /// The folder meant to hold `FILE` does not exist.
    NoFolder(PathBuf),
    /// Writing, flushing or naming the copy failed.
    Io { file: PathBuf, source: io::Error },
    /// SQLite could not make or read the copy.
    Sqlite { file: PathBuf, source: sqlx::Error },
    /// The copy does not pass `PRAGMA integrity_check` (its first complaint).
    Corrupt { file: PathBuf, problem: String },
}

impl fmt::Display for BackupError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            BackupError::Postgres => write!(
                f,
                "backup copies a SQLite database; for PostgreSQL use `pg_dump -Fc -f repere.dump DATABASE_URL` (restore with pg_restore, see README)"
            ),
            BackupError::NoDatabase(path) => {
                write!(f, "there is no database at {path}: give the server's database with --database")
            }
            BackupError::Exists(file) => write!(f, "{} exists: choose another file, or pass --force to replace it", file.display()),
            BackupError::NoFolder(folder) => {
                write!(f, "the folder {} does not exist: create it, or choose another place", folder.display())
            }
            BackupError::Io { file, source } => {
                write!(f, "cannot write the backup {}: {source} (check the folder exists and is writable)", file.display())
            }
            BackupError::Sqlite { file, source } => {
                write!(f, "cannot make the backup {}: {} (is there room on its disk?)", file.display(), root_cause(source))
            }
            BackupError::Corrupt { file, problem } => {
                write!(
                    f,
                    "the copy for {} failed its integrity check ({problem}); nothing was written: check the database and disk",
                    file.display()
                )
            }
        }
    }
}

impl std::error::Error for BackupError {}

/// Refuses, before anything is opened, what `backup` cannot copy: a PostgreSQL database (the
/// answer should not depend on reaching it), or a SQLite file that does not exist (opening it
/// would create an empty database, and back that up).
pub fn check_source(database: &str) -> Result<(), String> {
    match Backend::of(database).map_err(|e| e.to_string())? {
        Backend::Postgres => Err(BackupError::Postgres.to_string()),
        Backend::Sqlite if !database.starts_with("sqlite:") && !Path::new(database).is_file() => {
            Err(BackupError::NoDatabase(database.to_owned()).to_string())
        }
        Backend::Sqlite => Ok(()),
    }
}

impl Database {
    /// Copies the database to `file` while it keeps serving; `force` replaces an existing `file`.
    /// Returns what the copy holds.
    pub async fn backup(&self, file: &Path, force: bool) -> Result<Copied, BackupError> {
        if self.backend() == Backend::Postgres {
            return Err(BackupError::Postgres);
        }
        if !force && file.exists() {
            return Err(BackupError::Exists(file.to_owned()));
        }
        // An absolute path, so SQLite never reads it as a `file:` URI.
        let file = std::path::absolute(file).map_err(|source| BackupError::Io { file: file.to_owned(), source })?;
        let folder = file.parent().unwrap_or(Path::new("/"));
        if !folder.is_dir() {
            return Err(BackupError::NoFolder(folder.to_owned()));
        }
        let partial = partial_name(&file);
        let result = self.write_checked(&file, &partial, force).await;
        if result.is_err() {
            // Nothing of a failed backup stays behind (the copy may not even have started).
            let _ = std::fs::remove_file(&partial);
        }
        result
    }

    async fn write_checked(&self, file: &Path, partial: &Path, force: bool) -> Result<Copied, BackupError> {
        let io_error = |source| BackupError::Io { file: file.to_owned(), source };
        let sqlite_error = |source| BackupError::Sqlite { file: file.to_owned(), source };
        // `VACUUM INTO` refuses an existing file: one left under this name (by a killed backup
        // whose process id is ours again) goes first.
        match std::fs::remove_file(partial) {
            Err(e) if e.kind() != io::ErrorKind::NotFound => return Err(io_error(e)),
            _ => {}
        }
        let target = partial.to_str().ok_or_else(|| io_error(io::Error::other("the path is not UTF-8")))?;
        sqlx::query("VACUUM INTO $1").bind(target).execute(&self.pool).await.map_err(sqlite_error)?;
        let mut copied = check(partial).await.map_err(|e| match e {
            Checked::Sqlite(source) => sqlite_error(source),
            Checked::Corrupt(problem) => BackupError::Corrupt { file: file.to_owned(), problem },
        })?;
        let written = File::open(partial).map_err(io_error)?;
        written.sync_all().map_err(io_error)?;
        copied.bytes = written.metadata().map_err(io_error)?.len();
        give_name(partial, file, force)?;
        // The new name is durable once its folder is flushed.
        let folder = file.parent().unwrap_or(Path::new("/"));
        File::open(folder).and_then(|f| f.sync_all()).map_err(io_error)?;
        Ok(copied)
    }
}

/// `FILE.partial-<pid>`, beside `FILE` (so the final rename stays on one file system); the
/// process id keeps two backups to the same name apart.
fn partial_name(file: &Path) -> PathBuf {
    let mut name = file.file_name().unwrap_or_default().to_owned();
    name.push(format!(".partial-{}", std::process::id()));
    file.with_file_name(name)
}

/// Renames `partial` to `file`. Without `force`, a hard link names it only if `file` is still
/// absent (a rename would silently replace a file that appeared during the backup); a file
/// system without hard links falls back to checking, then renaming.
fn give_name(partial: &Path, file: &Path, force: bool) -> Result<(), BackupError> {
    let io_error = |source| BackupError::Io { file: file.to_owned(), source };
    if !force {
        match std::fs::hard_link(partial, file) {
            Ok(()) => return std::fs::remove_file(partial).map_err(io_error),
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => return Err(BackupError::Exists(file.to_owned())),
            Err(_) if file.exists() => return Err(BackupError::Exists(file.to_owned())),
            Err(_) => {}
        }
    }
    std::fs::rename(partial, file).map_err(io_error)
}

enum Checked {
    Sqlite(sqlx::Error),
    Corrupt(String),
}

/// Opens the copy read-only, checks it whole and counts what it holds (all but its size).
async fn check(copy: &Path) -> Result<Copied, Checked> {
    let options = SqliteConnectOptions::new().filename(copy).read_only(true);
    let mut conn = SqliteConnection::connect_with(&options).await.map_err(Checked::Sqlite)?;
    let problems: Vec<String> = sqlx::query_scalar("PRAGMA integrity_check").fetch_all(&mut conn).await.map_err(Checked::Sqlite)?;
    if problems != ["ok"] {
        return Err(Checked::Corrupt(problems.into_iter().next().unwrap_or_default()));
    }
    let (structures, devices, contacts, registry_version): (i64, i64, i64, i64) = sqlx::query_as(
        "SELECT (SELECT COUNT(*) FROM structures), (SELECT COUNT(*) FROM devices), (SELECT COUNT(*) FROM contacts), \
                (SELECT COALESCE(MAX(version), 0) FROM registry_versions)",
    )
    .fetch_one(&mut conn)
    .await
    .map_err(Checked::Sqlite)?;
    conn.close().await.map_err(Checked::Sqlite)?;
    Ok(Copied { bytes: 0, structures, devices, contacts, registry_version })
}
