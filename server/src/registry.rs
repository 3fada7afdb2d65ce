//! The published registry of places, by version, and the updates devices pull.
//!
//! The département publishes a new registry file (`repere-server publish-registry FILE`): it is
//! checked whole by the core's import, compared with the current version, and only if something
//! changed, stored as the next version in one transaction (changed rows, tombstones for removed
//! places, the version row). A device asks `GET /api/v1/registry?since=N` and gets the places
//! changed and the ids removed since N, or the whole registry when N is 0 or unknown here.
//!
//! A fresh database starts with the registry bundled in the app (`seeds/registry.json`) at that
//! file's version, so devices installed from the same build are already up to date.
//!
//! Places are stored in the registry's device format, with their compiled opening hours (see
//! `repere_core::hours`), so an update is served without parsing anything.

use std::collections::HashSet;

use repere_core::registry::{Place, Snapshot, device_places, import_json};
use serde_json::{Value, json};

use crate::db::{Database, now_text};

/// The registry the app bundles; the server starts from it.
const BUNDLED: &[u8] = include_bytes!("../../seeds/registry.json");

/// What a publication did.
#[derive(Debug, PartialEq, Eq)]
pub struct Published {
    pub version: u64,
    pub added: usize,
    pub changed: usize,
    pub removed: usize,
}

impl Database {
    /// Places stored before they carried compiled opening hours get them: devices only read
    /// compiled hours. Runs at every open; finds nothing to do after the first.
    pub(crate) async fn compile_stored_hours(&self) -> Result<(), sqlx::Error> {
        const OLD: &str =
            "SELECT id, body FROM registry_places WHERE body LIKE '%\"horaires\"%' AND body NOT LIKE '%\"x_horaires_calcules\"%'";
        // Looked for without a write lock first: an up-to-date database (every open but one) takes none.
        let old: Vec<(String, String)> = sqlx::query_as(OLD).fetch_all(&self.pool).await?;
        if old.is_empty() {
            return Ok(());
        }
        let mut tx = self.begin_write().await?;
        let rows: Vec<(String, String)> = sqlx::query_as(OLD).fetch_all(&mut *tx).await?;
        for (id, old) in rows {
            match import_json(format!("[{old}]").as_bytes()).places.first() {
                Some(place) => {
                    sqlx::query("UPDATE registry_places SET body = $1 WHERE id = $2").bind(body(place)).bind(&id).execute(&mut *tx).await?;
                }
                None => tracing::error!(id, "stored place unreadable: left as it is"),
            }
        }
        tx.commit().await
    }

    /// Publishes the bundled registry if nothing was ever published.
    pub(crate) async fn publish_bundled_registry(&self) -> Result<(), sqlx::Error> {
        if self.registry_version().await? > 0 {
            return Ok(());
        }
        let seed = Snapshot::from_checked_json(BUNDLED).expect("seeds/registry.json is checked by its own tests");
        match self.publish(seed.places, Some(seed.version.max(1))).await {
            // Another instance starting on the same database published it first.
            Err(sqlx::Error::Database(e)) if e.is_unique_violation() => Ok(()),
            done => done.map(drop),
        }
    }

    /// The newest published version (0 when none).
    pub async fn registry_version(&self) -> Result<u64, sqlx::Error> {
        let version: Option<i64> = sqlx::query_scalar("SELECT MAX(version) FROM registry_versions").fetch_one(&self.pool).await?;
        Ok(version.unwrap_or(0) as u64)
    }

    /// Publishes `places` as the next version, if they differ from the current one.
    pub async fn publish_registry(&self, places: Vec<Place>) -> Result<Published, sqlx::Error> {
        self.publish(places, None).await
    }

    async fn publish(&self, places: Vec<Place>, version: Option<u64>) -> Result<Published, sqlx::Error> {
        let mut tx = self.begin_write().await?;
        let current: Option<i64> = sqlx::query_scalar("SELECT MAX(version) FROM registry_versions").fetch_one(&mut *tx).await?;
        let current = current.unwrap_or(0) as u64;
        let rows: Vec<(String,)> = sqlx::query_as("SELECT body FROM registry_places WHERE body IS NOT NULL").fetch_all(&mut *tx).await?;
        let held = snapshot(current, rows.into_iter().map(|(body,)| body));
        let newer = Snapshot { version: version.unwrap_or(current + 1), places };
        let delta = held.diff(&newer);
        let held_ids: HashSet<&str> = held.places.iter().map(|p| p.id.as_str()).collect();
        let added = delta.places.iter().filter(|p| !held_ids.contains(p.id.as_str())).count();
        let published = Published { version: newer.version, added, changed: delta.places.len() - added, removed: delta.removed.len() };
        if delta.is_empty() && current > 0 {
            return Ok(Published { version: current, ..published });
        }
        let version = newer.version as i64;
        sqlx::query("INSERT INTO registry_versions (version, published_at, places) VALUES ($1, $2, $3)")
            .bind(version)
            .bind(now_text())
            .bind(newer.places.len() as i64)
            .execute(&mut *tx)
            .await?;
        for place in &delta.places {
            sqlx::query(
                "INSERT INTO registry_places (id, body, version) VALUES ($1, $2, $3) \
                 ON CONFLICT (id) DO UPDATE SET body = excluded.body, version = excluded.version",
            )
            .bind(&place.id)
            .bind(body(place))
            .bind(version)
            .execute(&mut *tx)
            .await?;
        }
        for id in &delta.removed {
            sqlx::query("UPDATE registry_places SET body = NULL, version = $1 WHERE id = $2")
                .bind(version)
                .bind(id)
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        Ok(published)
    }

    /// The answer to a device holding version `since`: what changed since, or everything.
    pub async fn registry_update(&self, since: u64) -> Result<Value, sqlx::Error> {
        let version = self.registry_version().await?;
        if since == 0 || since > version {
            let rows: Vec<(String,)> =
                sqlx::query_as("SELECT body FROM registry_places WHERE body IS NOT NULL ORDER BY id").fetch_all(&self.pool).await?;
            return Ok(json!({ "version": version, "places": parse(rows.into_iter().map(|(b,)| b)) }));
        }
        let rows: Vec<(String, Option<String>)> = sqlx::query_as("SELECT id, body FROM registry_places WHERE version > $1 ORDER BY id")
            .bind(since as i64)
            .fetch_all(&self.pool)
            .await?;
        let (changed, removed): (Vec<_>, Vec<_>) = rows.into_iter().partition(|(_, body)| body.is_some());
        Ok(json!({
            "from": since,
            "version": version,
            "places": parse(changed.into_iter().filter_map(|(_, body)| body)),
            "removed": removed.into_iter().map(|(id, _)| id).collect::<Vec<_>>(),
        }))
    }
}

/// A place as stored: its object in the device format.
fn body(place: &Place) -> String {
    device_places(std::slice::from_ref(place))[0].to_string()
}

fn parse(bodies: impl Iterator<Item = String>) -> Vec<Value> {
    bodies.map(|b| serde_json::from_str(&b).expect("bodies are written by `body`")).collect()
}

/// The registry held at `version`, from stored bodies (checked when they were published).
fn snapshot(version: u64, bodies: impl Iterator<Item = String>) -> Snapshot {
    let doc = json!({ "version": version, "places": parse(bodies) });
    Snapshot::from_checked_json(doc.to_string().as_bytes()).expect("bodies were checked when published")
}
