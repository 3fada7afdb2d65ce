//! Updates by the places themselves (issue #15): each place's secret update link, the
//! publication of one place's update as the next registry version, and the log of updates.
//!
//! A link's code is 128 random bits from the operating system, shown once and stored as its
//! SHA-256 only (like enrolment codes and device tokens: a copy of the database lets nobody
//! update a place); one link per place, and a new one replaces the old, whose code then fails.
//!
//! A place's own update is published at once, as DORA does, and reviewed afterwards: it is the
//! next registry version, holding only that place, so every phone learns it through the usual
//! delta (`GET /api/v1/registry?since=N`). An update is applied only to the version of the place
//! it was made from; if the place changed meanwhile, nothing is written and the caller shows the
//! newer values ([`Published::Conflict`]): newer data is never overwritten.

use repere_core::registry::{Place, device_places, read_device_rows};
use serde_json::Value;

use crate::auth::{hash, random_bytes};
use crate::db::{Database, now_text};

/// Random bytes in a link's code: 128 bits, written as 32 hexadecimal digits.
pub const LINK_CODE_BYTES: usize = 16;

/// Why a link could not be made.
#[derive(Debug)]
pub enum LinkError {
    /// No current place has this id (removed places have none either).
    UnknownPlace(String),
    Database(sqlx::Error),
}

impl std::fmt::Display for LinkError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            LinkError::UnknownPlace(id) => write!(f, "no place {id:?} in the published registry (see its `id` column)"),
            LinkError::Database(e) => write!(f, "database: {e}"),
        }
    }
}

impl From<sqlx::Error> for LinkError {
    fn from(e: sqlx::Error) -> Self {
        LinkError::Database(e)
    }
}

/// A place as published now, and the registry version that last changed it (what an update
/// form carries, to tell a stale form from a current one).
#[derive(Clone, Debug)]
pub struct Current {
    pub place: Place,
    pub version: u64,
}

/// What an update is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// « Rien n'a changé »: only the date of the place's information moves to today.
    Confirmation,
    /// Some fields changed (and the date).
    Change,
}

impl Kind {
    fn as_str(self) -> &'static str {
        match self {
            Kind::Confirmation => "confirmation",
            Kind::Change => "change",
        }
    }
}

/// What publishing an update did.
#[derive(Debug, PartialEq)]
pub enum Published {
    /// Published as this registry version (or, for a confirmation already made today, logged
    /// against the version that holds it: nothing new to send to phones).
    Done { version: u64 },
    /// The place changed since the form was made (or was removed): nothing written.
    Conflict,
}

/// One line of the updates' log.
#[derive(Clone, Debug, PartialEq)]
pub struct PlaceUpdate {
    pub place_id: String,
    /// RFC 3339 UTC.
    pub made_at: String,
    pub kind: String,
    /// `place` (through its link), later `coordination` …
    pub made_by: String,
    /// `{"field": {"old": "…", "new": "…"}}`, the standard's text of each field changed.
    pub changes: Value,
    pub version: u64,
    pub reviewed: bool,
}

impl Database {
    /// Makes (or renews) the update link's code of a current place; returns the code, shown once.
    pub async fn create_place_link(&self, place_id: &str) -> Result<String, LinkError> {
        if self.current_place(place_id).await?.is_none() {
            return Err(LinkError::UnknownPlace(place_id.to_owned()));
        }
        let code = hex::encode(random_bytes::<LINK_CODE_BYTES>());
        sqlx::query(
            "INSERT INTO place_links (place_id, code_hash, created_at) VALUES ($1, $2, $3) \
             ON CONFLICT (place_id) DO UPDATE SET code_hash = excluded.code_hash, created_at = excluded.created_at",
        )
        .bind(place_id)
        .bind(hash(&code))
        .bind(now_text())
        .execute(&self.pool)
        .await?;
        Ok(code)
    }

    /// The place a link opens, if `code` is its current code and the place is still published.
    /// A read only: guesses never take the write lock.
    pub async fn place_for_link(&self, place_id: &str, code: &str) -> Result<Option<Current>, sqlx::Error> {
        let linked: Option<String> = sqlx::query_scalar("SELECT place_id FROM place_links WHERE code_hash = $1")
            .bind(hash(code.trim()))
            .fetch_optional(&self.pool)
            .await?;
        if linked.as_deref() != Some(place_id) {
            return Ok(None);
        }
        self.current_place(place_id).await
    }

    /// A place as published now, with the version that last changed it.
    pub async fn current_place(&self, place_id: &str) -> Result<Option<Current>, sqlx::Error> {
        let row: Option<(String, i64)> = sqlx::query_as("SELECT body, version FROM registry_places WHERE id = $1 AND body IS NOT NULL")
            .bind(place_id)
            .fetch_optional(&self.pool)
            .await?;
        Ok(row.and_then(|(body, version)| {
            let value: Value = serde_json::from_str(&body).ok()?;
            let place = read_device_rows(&[value]).places.pop()?;
            Some(Current { place, version: version as u64 })
        }))
    }

    /// Publishes `place` (checked by the caller with the registry's import) as the next version,
    /// if the stored place is still at `from_version`, and logs the update in the same
    /// transaction. A confirmation that changes nothing stored (already confirmed today) is
    /// logged against the current version without publishing.
    pub async fn publish_place_update(
        &self,
        place: &Place,
        from_version: u64,
        kind: Kind,
        made_by: &str,
    ) -> Result<Published, sqlx::Error> {
        let body = device_places(std::slice::from_ref(place))[0].to_string();
        let mut tx = self.begin_write().await?;
        let stored: Option<(Option<String>, i64)> =
            sqlx::query_as("SELECT body, version FROM registry_places WHERE id = $1").bind(&place.id).fetch_optional(&mut *tx).await?;
        let Some((Some(stored_body), stored_version)) = stored else { return Ok(Published::Conflict) };
        if stored_version as u64 != from_version {
            return Ok(Published::Conflict);
        }
        let version = if stored_body == body {
            stored_version
        } else {
            let Some(version) = crate::registry::take_next_version(&mut tx).await? else { return Ok(Published::Conflict) };
            // Written only if still at the version the form was made from (PostgreSQL takes no
            // lock before writing).
            let updated = sqlx::query("UPDATE registry_places SET body = $1, version = $2 WHERE id = $3 AND version = $4")
                .bind(&body)
                .bind(version)
                .bind(&place.id)
                .bind(from_version as i64)
                .execute(&mut *tx)
                .await?;
            if updated.rows_affected() != 1 {
                return Ok(Published::Conflict);
            }
            version
        };
        sqlx::query("INSERT INTO place_updates (place_id, made_at, kind, made_by, changes, version) VALUES ($1, $2, $3, $4, $5, $6)")
            .bind(&place.id)
            .bind(now_text())
            .bind(kind.as_str())
            .bind(made_by)
            // What changed in the stored place, its date included: a moderator who rejects the
            // update republishes the old values *and* the old date, so a refused change does not
            // leave the place « À jour ».
            .bind(crate::registry::field_changes(Some(&stored_body), Some(&body)).to_string())
            .bind(version)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(Published::Done { version: version as u64 })
    }

    /// The updates of the last `months` months (12 for the autonomy indicator), oldest first.
    pub async fn recent_place_updates(&self, months: u32) -> Result<Vec<PlaceUpdate>, sqlx::Error> {
        let now = chrono::Utc::now();
        let since = now.checked_sub_months(chrono::Months::new(months)).unwrap_or(now).format("%Y-%m-%dT%H:%M:%SZ").to_string();
        let rows: Vec<(String, String, String, String, String, i64, String)> = sqlx::query_as(
            "SELECT place_id, made_at, kind, made_by, changes, version, CASE WHEN reviewed THEN 'yes' ELSE 'no' END \
             FROM place_updates WHERE made_at >= $1 ORDER BY made_at, id",
        )
        .bind(&since)
        .fetch_all(&self.pool)
        .await?;
        Ok(rows
            .into_iter()
            .map(|(place_id, made_at, kind, made_by, changes, version, reviewed)| PlaceUpdate {
                place_id,
                made_at,
                kind,
                made_by,
                changes: serde_json::from_str(&changes).unwrap_or(Value::Null),
                version: version as u64,
                reviewed: reviewed == "yes",
            })
            .collect())
    }
}
