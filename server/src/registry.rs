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
//!
//! Those hours are compiled for three years from the day of publication (`hours::Window`). A
//! serving instance checks every hour ([`keep_hours_current`]) that the stored places' years
//! still serve (this year and the next, `Window::serves`); when they no longer do (every other
//! New Year, or a database compiled for other years, or before hours carried their years) it
//! recompiles every current place from
//! its stored OSM text and publishes the result as the next version, which phones pull as an
//! ordinary update. Nothing to do, the usual case, costs one read and no write lock.

use std::collections::{HashMap, HashSet};
use std::time::Duration;

use chrono::NaiveDate;
use repere_core::hours::Window;
use repere_core::registry::{Place, X_STOPS, device_places, import_json};
use repere_protocol::registry::RegistryDto;
use serde_json::Value;

use crate::db::{Database, now_text};

/// How often a serving instance checks that the opening hours are compiled for this year.
pub const HOURS_CHECK: Duration = Duration::from_secs(3600);

/// The registry the app bundles; the server starts from it.
const BUNDLED: &[u8] = include_bytes!("../../seeds/registry.json");

mod refusals;
mod reverts;

use refusals::NAMES_SHOWN;
pub use refusals::{PublishError, Removals, Unconfirmed, removals_allowed};

/// What a publication did.
#[derive(Debug, PartialEq, Eq)]
pub struct Published {
    pub version: u64,
    pub added: usize,
    pub changed: usize,
    pub removed: usize,
}

impl Database {
    /// Recompiles the opening hours of every current place for the years of `today` (the
    /// server's date, an argument so tests can move time) if any is compiled for years that no
    /// longer serve (`Window::serves`: this year and the next), or for none (a database from
    /// before places carried them), and publishes them as the next version. `None` when every
    /// place was current: then nothing is written and no write lock is taken. A place whose
    /// stored text no longer imports is logged and left as it is.
    pub async fn refresh_hours(&self, today: NaiveDate) -> Result<Option<Published>, sqlx::Error> {
        let years = Window::for_date(today);
        // The places with hours, looked at without a write lock first (a few hundred rows).
        const OLD: &str = "SELECT id, body FROM registry_places WHERE body LIKE '%\"horaires\"%'";
        let old: Vec<(String, String)> = sqlx::query_as(OLD).fetch_all(&self.pool).await?;
        if !old.iter().any(|(_, body)| stale(body, today)) {
            return Ok(None);
        }
        let mut tx = self.begin_write().await?;
        let rows: Vec<(String, String)> = sqlx::query_as(OLD).fetch_all(&mut *tx).await?;
        let rows: Vec<(String, String)> = rows.into_iter().filter(|(_, body)| stale(body, today)).collect();
        // Compiling takes about 3 ms per place: off the threads that answer requests.
        let recompiled = tokio::task::spawn_blocking(move || recompile(rows, years)).await.expect("recompiling does not panic");
        if recompiled.is_empty() {
            return Ok(None);
        }
        // Another instance (PostgreSQL: no lock before writing) may have published it first.
        let Some(version) = take_next_version(&mut tx).await? else { return Ok(None) };
        for (id, body) in &recompiled {
            sqlx::query("UPDATE registry_places SET body = $1, version = $2 WHERE id = $3")
                .bind(body)
                .bind(version)
                .bind(id)
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        Ok(Some(Published { version: version as u64, added: 0, changed: recompiled.len(), removed: 0 }))
    }

    /// Publishes the bundled registry if nothing was ever published.
    pub(crate) async fn publish_bundled_registry(&self) -> Result<(), sqlx::Error> {
        if self.registry_version().await? > 0 {
            return Ok(());
        }
        let seed = RegistryDto::from_json(BUNDLED)
            .and_then(|doc| doc.checked_snapshot())
            .expect("seeds/registry.json is checked by its own tests");
        // Nothing is held yet, so nothing is removed.
        match self.publish(seed.places, Some(seed.version.max(1)), Removals::Unconfirmed, None).await {
            // Another instance starting on the same database published it first.
            Err(PublishError::Database(sqlx::Error::Database(e))) if e.is_unique_violation() => Ok(()),
            Err(PublishError::Database(e)) => Err(e),
            Err(e @ (PublishError::Removals(_) | PublishError::TakesBack { .. } | PublishError::StopTaken { .. })) => {
                unreachable!("a database with no version holds no place, no update and no stop: {e}")
            }
            Ok(_) => Ok(()),
        }
    }

    /// The newest published version (0 when none).
    pub async fn registry_version(&self) -> Result<u64, sqlx::Error> {
        let version: Option<i64> = sqlx::query_scalar("SELECT MAX(version) FROM registry_versions").fetch_one(&self.pool).await?;
        Ok(version.unwrap_or(0) as u64)
    }

    /// Publishes `places` as the next version, if they differ from the current one and remove
    /// no more places than `removals` allows (checked in the publishing transaction, so what is
    /// confirmed is what is removed).
    pub async fn publish_registry(&self, places: Vec<Place>, removals: Removals) -> Result<Published, PublishError> {
        self.publish(places, None, removals, None).await
    }

    /// [`Database::publish_registry`], taking back the values of `reverts` places that places or
    /// moderators changed since (`None`: none may be; see `reverts`).
    pub async fn publish_registry_confirming(
        &self,
        places: Vec<Place>,
        removals: Removals,
        reverts: Option<usize>,
    ) -> Result<Published, PublishError> {
        self.publish(places, None, removals, reverts).await
    }

    /// A place is published again when its body differs from the stored one: that is exactly
    /// what a device would receive anew (and a body stored by an older release always differs).
    async fn publish(
        &self,
        places: Vec<Place>,
        version: Option<u64>,
        removals: Removals,
        reverts: Option<usize>,
    ) -> Result<Published, PublishError> {
        let mut tx = self.begin_write().await?;
        let current: Option<i64> = sqlx::query_scalar("SELECT MAX(version) FROM registry_versions").fetch_one(&mut *tx).await?;
        let current = current.unwrap_or(0) as u64;
        let rows: Vec<(String, String)> =
            sqlx::query_as("SELECT id, body FROM registry_places WHERE body IS NOT NULL").fetch_all(&mut *tx).await?;
        let held: HashMap<String, String> = rows.into_iter().collect();
        let new_ids: HashSet<&str> = places.iter().map(|p| p.id.as_str()).collect();
        let changed: Vec<(&Place, String)> =
            places.iter().map(|p| (p, body(p))).filter(|(p, body)| held.get(&p.id) != Some(body)).collect();
        let mut removed: Vec<&String> = held.keys().filter(|id| !new_ids.contains(id.as_str())).collect();
        removed.sort();
        let confirmed = match removals {
            Removals::Unconfirmed if removed.len() <= removals_allowed(held.len()) => true,
            Removals::Unconfirmed => false,
            Removals::Confirmed(n) => n == removed.len(),
        };
        if !confirmed {
            let name = |id: &String| serde_json::from_str::<Value>(&held[id]).ok().and_then(|v| v["nom"].as_str().map(str::to_owned));
            return Err(PublishError::Removals(Unconfirmed {
                removed: removed.len(),
                current: held.len(),
                confirmed: match removals {
                    Removals::Confirmed(n) => Some(n),
                    Removals::Unconfirmed => None,
                },
                names: removed.iter().take(NAMES_SHOWN).map(|id| name(id).unwrap_or_else(|| (*id).clone())).collect(),
            }));
        }
        let log: Vec<(String, String)> =
            sqlx::query_as("SELECT place_id, changes FROM place_updates WHERE made_by <> 'departement' AND NOT undone ORDER BY id")
                .fetch_all(&mut *tx)
                .await?;
        let bodies: Vec<(&str, &str)> = changed.iter().map(|(p, b)| (p.id.as_str(), b.as_str())).collect();
        let taken_back = reverts::taken_back(&held, &bodies, &log);
        if !taken_back.is_empty() && reverts != Some(taken_back.len()) || taken_back.is_empty() && reverts.is_some_and(|n| n > 0) {
            let name = |id: &String| serde_json::from_str::<Value>(&held[id]).ok().and_then(|v| v["nom"].as_str().map(str::to_owned));
            let shown = taken_back
                .iter()
                .take(NAMES_SHOWN)
                .map(|(id, fields)| format!("{}: {}", name(id).unwrap_or_else(|| id.clone()), fields.join(", ")))
                .collect();
            return Err(PublishError::TakesBack { places: taken_back.len(), confirmed: reverts, shown });
        }
        let added = changed.iter().filter(|(p, _)| !held.contains_key(&p.id)).count();
        let version = version.unwrap_or(current + 1);
        let published = Published { version, added, changed: changed.len() - added, removed: removed.len() };
        if changed.is_empty() && removed.is_empty() && current > 0 {
            return Ok(Published { version: current, ..published });
        }
        let version = version as i64;
        sqlx::query("INSERT INTO registry_versions (version, published_at, places) VALUES ($1, $2, $3)")
            .bind(version)
            .bind(now_text())
            .bind(places.len() as i64)
            .execute(&mut *tx)
            .await?;
        for (place, body) in &changed {
            sqlx::query(
                "INSERT INTO registry_places (id, body, version) VALUES ($1, $2, $3) \
                 ON CONFLICT (id) DO UPDATE SET body = excluded.body, version = excluded.version",
            )
            .bind(&place.id)
            .bind(body)
            .bind(version)
            .execute(&mut *tx)
            .await?;
        }
        for (place, _) in &changed {
            if let Err((stop, owner)) = crate::stops::record(&mut tx, &place.id, &place.arrets, version).await? {
                return Err(PublishError::StopTaken { stop, owner });
            }
        }
        for id in &removed {
            sqlx::query("UPDATE registry_places SET body = NULL, version = $1 WHERE id = $2")
                .bind(version)
                .bind(id)
                .execute(&mut *tx)
                .await?;
        }
        // The département's own updates, beside the places' (the autonomy indicator compares
        // them); the first publication, the bundled seed, is no update.
        if current > 0 {
            let made = now_text();
            let updates = changed
                .iter()
                .map(|(p, body)| (p.id.as_str(), "change", field_changes(held.get(&p.id).map(String::as_str), Some(body.as_str()))))
                .chain(removed.iter().map(|id| (id.as_str(), "removal", field_changes(Some(&held[*id]), None))));
            for (id, kind, changes) in updates {
                sqlx::query(
                    "INSERT INTO place_updates (place_id, made_at, kind, made_by, changes, version, reviewed) \
                     VALUES ($1, $2, $3, 'departement', $4, $5, TRUE)",
                )
                .bind(id)
                .bind(&made)
                .bind(kind)
                .bind(changes.to_string())
                .bind(version)
                .execute(&mut *tx)
                .await?;
            }
        }
        tx.commit().await?;
        Ok(published)
    }

    /// The answer to a device holding version `since`: what changed since, or everything.
    pub async fn registry_update(&self, since: u64) -> Result<RegistryDto, sqlx::Error> {
        let version = self.registry_version().await?;
        if since == 0 || since > version {
            let rows: Vec<(String,)> =
                sqlx::query_as("SELECT body FROM registry_places WHERE body IS NOT NULL ORDER BY id").fetch_all(&self.pool).await?;
            let places = parse(rows.into_iter().map(|(b,)| b));
            return Ok(RegistryDto { from: None, places, removed: None, version });
        }
        let rows: Vec<(String, Option<String>)> = sqlx::query_as("SELECT id, body FROM registry_places WHERE version > $1 ORDER BY id")
            .bind(since as i64)
            .fetch_all(&self.pool)
            .await?;
        let (changed, removed): (Vec<_>, Vec<_>) = rows.into_iter().partition(|(_, body)| body.is_some());
        Ok(RegistryDto {
            from: Some(since),
            places: parse(changed.into_iter().filter_map(|(_, body)| body)),
            removed: Some(removed.into_iter().map(|(id, _)| id).collect()),
            version,
        })
    }
}

/// A place as stored: its object in the device format.
pub(crate) fn body(place: &Place) -> String {
    device_places(std::slice::from_ref(place))[0].to_string()
}

fn parse(bodies: impl Iterator<Item = String>) -> Vec<Value> {
    bodies.map(|b| serde_json::from_str(&b).expect("bodies are written by `body`")).collect()
}

/// Whether a stored body has opening hours compiled for years that no longer serve on `today` (or
/// for none): its own, or any of its stops' (a bus with no hours of its own has its tour's).
fn stale(body: &str, today: NaiveDate) -> bool {
    let Ok(place) = serde_json::from_str::<Value>(body) else { return false };
    let stale_hours = |object: &Value| {
        let year = |i: usize| object.pointer(&format!("/x_horaires_calcules/annees/{i}")).and_then(Value::as_i64).map(|y| y as i32);
        let compiled = year(0).zip(year(1)).and_then(|(first, last)| Window::new(first, last).ok());
        object.get("horaires").is_some_and(|h| !h.is_null()) && !compiled.is_some_and(|w| w.serves(today))
    };
    let stops = place.get(X_STOPS).and_then(Value::as_array).map(Vec::as_slice).unwrap_or_default();
    stale_hours(&place) || stops.iter().any(stale_hours)
}

/// Each place read anew from its body (the OSM text, compiled for `years`), as a new body.
fn recompile(rows: Vec<(String, String)>, years: Window) -> Vec<(String, String)> {
    rows.into_iter()
        .filter_map(|(id, old)| match import_json(format!("[{old}]").as_bytes(), years).places.first() {
            Some(place) => Some((id, body(place))),
            None => {
                tracing::error!(id, "stored place unreadable: its opening hours are left as they are");
                None
            }
        })
        .collect()
}

/// Keeps the published opening hours compiled for the current years: checks at once, then
/// every [`HOURS_CHECK`], for as long as the server runs (`serve` spawns it). The date is the
/// server's, in UTC: an hour's difference at New Year changes nothing that phones ask, since
/// the years compiled always include the current one.
pub async fn keep_hours_current(db: Database) {
    let mut every = tokio::time::interval(HOURS_CHECK);
    every.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        every.tick().await;
        let today = chrono::Utc::now().date_naive();
        match db.refresh_hours(today).await {
            Ok(Some(published)) => tracing::info!(
                version = published.version,
                places = published.changed,
                years = %Window::for_date(today),
                "opening hours recompiled for this year and published"
            ),
            Ok(None) => tracing::debug!(years = %Window::for_date(today), "opening hours are current"),
            Err(e) => tracing::error!(error = %e, "checking the opening hours failed; next check in an hour"),
        }
    }
}

/// The fields that differ between two stored bodies (the device's rows: the standard's fields in
/// its text form, and Repère's), as `{"field": {"old": …, "new": …}}`; the compiled hours are
/// left out, their text (`horaires`) says the change, and so are each stop's in `x_arrets`.
/// `None` stands for no place (new, removed).
pub(crate) fn field_changes(old: Option<&str>, new: Option<&str>) -> Value {
    let (old, new) = (logged_fields(old), logged_fields(new));
    let mut names: Vec<&String> = old.keys().chain(new.keys()).filter(|k| k.as_str() != "x_horaires_calcules").collect();
    names.sort();
    names.dedup();
    let changes: serde_json::Map<String, Value> = names
        .into_iter()
        .filter(|k| old.get(*k) != new.get(*k))
        .map(|k| (k.clone(), serde_json::json!({ "old": old.get(k), "new": new.get(k) })))
        .collect();
    Value::Object(changes)
}

/// A stored body's fields as the log writes them: the stops without their compiled hours.
fn logged_fields(body: Option<&str>) -> serde_json::Map<String, Value> {
    let mut fields: serde_json::Map<String, Value> =
        body.and_then(|b| serde_json::from_str::<Value>(b).ok()).and_then(|v| v.as_object().cloned()).unwrap_or_default();
    if let Some(Value::Array(stops)) = fields.get_mut(repere_core::registry::X_STOPS) {
        stops.iter_mut().filter_map(Value::as_object_mut).for_each(|stop| drop(stop.remove("x_horaires_calcules")));
    }
    fields
}

/// A place's stops as [`field_changes`] logs them (`None`: it has none), so an undo compares
/// and restores them as any field.
pub(crate) fn logged_stops(place: &Place) -> Option<Value> {
    logged_fields(Some(&body(place))).remove(repere_core::registry::X_STOPS)
}

/// Records the next registry version in `tx` (counting the places held now) and returns its
/// number; `None` when another publication took that number meanwhile (PostgreSQL takes no lock
/// before writing). The one-place publications (a place's own update) and the yearly hours
/// refresh both take their version so.
pub(crate) async fn take_next_version(tx: &mut sqlx::Transaction<'static, sqlx::Any>) -> Result<Option<i64>, sqlx::Error> {
    let current: Option<i64> = sqlx::query_scalar("SELECT MAX(version) FROM registry_versions").fetch_one(&mut **tx).await?;
    let version = current.unwrap_or(0) + 1;
    let places: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM registry_places WHERE body IS NOT NULL").fetch_one(&mut **tx).await?;
    let inserted = sqlx::query("INSERT INTO registry_versions (version, published_at, places) VALUES ($1, $2, $3)")
        .bind(version)
        .bind(now_text())
        .bind(places)
        .execute(&mut **tx)
        .await;
    match inserted {
        Err(sqlx::Error::Database(e)) if e.is_unique_violation() => Ok(None),
        other => other.map(|_| Some(version)),
    }
}
