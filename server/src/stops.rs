//! The tours of itinerant places (issue #16): the stops file published with the registry
//! (`publish-registry FILE --stops STOPS.csv`), the stops a publication without one carries
//! over, and table `stops`, which keeps every stop id ever published with its place.
//!
//! A stop travels inside its place's body (`x_arrets`), so publishing stops is publishing places:
//! versions, deltas and the updates' log need nothing of their own. Table `stops` is what they
//! cannot give: the stops the tour dropped since (a contact logged there offline is still
//! accepted, and the figures still name it), and the rule that a stop id belongs to one place
//! for ever, so a stop's figures never mix two places.

use std::collections::HashMap;

use chrono::NaiveDate;
use repere_core::hours::Window;
use repere_core::registry::{ImportError, Place, Stop, read_device_rows};
use repere_core::tour::{self, StopRow};
use serde_json::Value;

use crate::db::Database;
use crate::registry::{PublishError, Published, Removals};

/// Why `publish-registry` published nothing.
#[derive(Debug)]
pub enum TourError {
    /// The stops file was read and refused: every problem (line, field, reason).
    Refused(Vec<ImportError>),
    Publish(PublishError),
}

impl From<sqlx::Error> for TourError {
    fn from(e: sqlx::Error) -> Self {
        TourError::Publish(PublishError::Database(e))
    }
}

/// Today in the Vienne: the day whose visits are still to come.
pub fn paris_today() -> NaiveDate {
    repere_core::date::paris_time(chrono::Utc::now().naive_utc()).date()
}

/// The reason a stop id published for another place is refused.
pub(crate) fn taken_reason(id: &str, owner: &str) -> String {
    format!("« {id} » est déjà un arrêt du lieu « {owner} » : un arrêt garde son lieu, donnez à celui-ci un autre identifiant")
}

impl Database {
    /// Every stop id ever published → its place.
    pub(crate) async fn stop_owners(&self) -> Result<HashMap<String, String>, sqlx::Error> {
        Ok(sqlx::query_as::<_, (String, String)>("SELECT id, place_id FROM stops").fetch_all(&self.pool).await?.into_iter().collect())
    }

    /// The stops each current place has, by place id (places without stops left out).
    pub async fn current_stops(&self) -> Result<HashMap<String, Vec<Stop>>, sqlx::Error> {
        let rows: Vec<(String, String)> =
            sqlx::query_as("SELECT id, body FROM registry_places WHERE body LIKE '%\"x_arrets\"%'").fetch_all(&self.pool).await?;
        Ok(rows
            .into_iter()
            .filter_map(|(id, body)| {
                let value: Value = serde_json::from_str(&body).ok()?;
                let place = read_device_rows(&[value]).places.pop()?;
                (!place.arrets.is_empty()).then_some((id, place.arrets))
            })
            .collect())
    }

    /// `rows` read as the tour of `places` (`tour::read_rows`, for `today`), plus the one rule
    /// only the server can check: a stop id published before for another place is refused.
    pub async fn read_tour(&self, rows: &[StopRow], places: &[Place], today: NaiveDate) -> Result<Vec<(String, Stop)>, TourError> {
        let stops =
            tour::read_rows(rows, places, crate::territory::territory(), Window::for_date(today), today).map_err(TourError::Refused)?;
        let owners = self.stop_owners().await?;
        // `read_rows` gives one stop per row, in the rows' order, when it refuses none.
        let taken: Vec<ImportError> = rows
            .iter()
            .zip(&stops)
            .filter_map(|(row, (place, stop))| {
                let owner = owners.get(&stop.id).filter(|owner| *owner != place)?;
                Some(ImportError { row: row.row, field: "id", reason: taken_reason(&stop.id, owner) })
            })
            .collect();
        if taken.is_empty() { Ok(stops) } else { Err(TourError::Refused(taken)) }
    }
}

/// Publishes `places` with their tour: the stops file `tour` (the whole tour: places it does not
/// name get none), or without one the stops each place has now, so republishing the standard's
/// file (which has no stops) never erases the tour. Nothing is published if the file is refused.
pub async fn publish_with_tour(
    db: &Database,
    mut places: Vec<Place>,
    tour: Option<&[u8]>,
    today: NaiveDate,
    removals: Removals,
    reverts: Option<usize>,
) -> Result<Published, TourError> {
    match tour {
        Some(bytes) => {
            let rows = tour::csv_rows(bytes).map_err(TourError::Refused)?;
            let stops = db.read_tour(&rows, &places, today).await?;
            tour::attach(&mut places, stops);
        }
        None => {
            let mut held = db.current_stops().await?;
            for place in &mut places {
                place.arrets = held.remove(&place.id).unwrap_or_default();
            }
        }
    }
    db.publish_registry_confirming(places, removals, reverts).await.map_err(TourError::Publish)
}

/// Records `stops` of `place_id` as published at `version`, in the publishing transaction;
/// `Err(stop id, its place)` when one was published before for another place (the caller rolls
/// back: the transaction is dropped).
pub(crate) async fn record(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    place_id: &str,
    stops: &[Stop],
    version: i64,
) -> Result<Result<(), (String, String)>, sqlx::Error> {
    for stop in stops {
        let done = sqlx::query(
            "INSERT INTO stops (id, place_id, code_insee, nom, version) VALUES ($1, $2, $3, $4, $5) \
             ON CONFLICT (id) DO UPDATE SET code_insee = excluded.code_insee, nom = excluded.nom, version = excluded.version \
             WHERE stops.place_id = excluded.place_id",
        )
        .bind(&stop.id)
        .bind(place_id)
        .bind(&stop.code_insee)
        .bind(&stop.nom)
        .bind(version)
        .execute(&mut **tx)
        .await?;
        if done.rows_affected() == 0 {
            let owner: String = sqlx::query_scalar("SELECT place_id FROM stops WHERE id = $1").bind(&stop.id).fetch_one(&mut **tx).await?;
            return Ok(Err((stop.id.clone(), owner)));
        }
    }
    Ok(Ok(()))
}

/// What the figures and exports call a stop: its name, and its commune when the name does not
/// say it ("Bus connecté — Lusignan (marché)" stays as it is).
pub fn stop_label(nom: &str, code_insee: &str) -> String {
    match crate::territory::commune_name(code_insee) {
        Some(commune) if !nom.contains(commune) => format!("{nom} ({commune})"),
        _ => nom.to_owned(),
    }
}

impl Database {
    /// Every stop ever published: id → (name, commune's code INSEE).
    pub async fn stops_ever(&self) -> Result<HashMap<String, (String, String)>, sqlx::Error> {
        let rows: Vec<(String, String, String)> = sqlx::query_as("SELECT id, nom, code_insee FROM stops").fetch_all(&self.pool).await?;
        Ok(rows.into_iter().map(|(id, nom, code)| (id, (nom, code))).collect())
    }
}
