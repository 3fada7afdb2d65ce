//! The tours' stops editor for coordinators (issue #16; the `/registre/` bundle calls it).
//!
//! `GET /api/v1/stops` → `{"places": [{"id", "nom", "commune", "code_insee"}], "stops": [{"id",
//! "lieu", "nom", "code_insee", "commune", "latitude", "longitude", "approximate", "horaires"}],
//! "version"}`: the itinerant places the coordinator may edit (the département: all; an EPCI
//! coordinator: those whose commune is in his EPCI) and their current stops.
//!
//! `PUT /api/v1/stops` `{"lieu": PLACE_ID, "version": N, "stops": [[id, lieu, nom, code_insee,
//! latitude, longitude, horaires], …]}` (rows in `tour::COLUMNS` order, numbered from 1):
//! replaces that place's whole list, checked as the stops file is (`Database::read_tour`), and
//! publishes it as ONE new version, logged in `place_updates` (`x_arrets`, decided by the
//! coordinator) → `{"version", "changed"}`. 422 `invalid_stops` with `details: [{"row", "field",
//! "reason"}]` and nothing written; 409 when the registry moved past `version`; 403 for mediators
//! and outside an EPCI coordinator's EPCI; 404 for a place not published.

use axum::Json;
use axum::extract::{Request, State as AxumState};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use repere_core::registry::{ImportError, Place};
use repere_core::tour::{COLUMNS, StopRow};
use serde::Deserialize;
use serde_json::{Value, json};

use crate::State;
use crate::api::{forbidden, internal};
use crate::candidates_api::{coordinator, json_body, unprocessable};
use crate::coordinators::Coordinator;
use crate::db::now_text;
use crate::http::error_response;
use crate::listen::client_ip;
use crate::moderation::in_scope;
use crate::registry::{body, field_changes, take_next_version};
use crate::stops::{TourError, paris_today, taken_reason};

/// Why a mediator's device is refused here.
const EDITED: &str = "the tours' stops are edited";
/// `made_by` of the log's line: the coordination's own change.
const BY_COORDINATION: &str = "coordination";
/// Most stops in one place's list (a weekly tour of every commune of an EPCI fits).
const MAX_STOPS: usize = 500;

fn may_edit(coordinator: &Coordinator, place: &Place) -> bool {
    in_scope(coordinator, place.code_insee.as_deref())
}

pub async fn list(AxumState(state): AxumState<State>, request: Request) -> Response {
    let coordinator = match coordinator(&state, request.headers(), client_ip(&request), EDITED).await {
        Ok(c) => c,
        Err(refusal) => return refusal,
    };
    let (places, version) = match state.db.current_places().await {
        Ok(held) => held,
        Err(e) => return internal(&e),
    };
    let editable: Vec<&Place> = places.iter().filter(|p| p.is_itinerant() && may_edit(&coordinator, p)).collect();
    let stops: Vec<Value> = editable
        .iter()
        .flat_map(|place| {
            place.arrets.iter().map(|stop| {
                json!({
                    "id": stop.id, "lieu": place.id, "nom": stop.nom, "code_insee": stop.code_insee, "commune": stop.commune,
                    "latitude": stop.position.lat, "longitude": stop.position.lon, "approximate": stop.position.approximate,
                    "horaires": stop.horaires.as_str(),
                })
            })
        })
        .collect();
    let places: Vec<Value> =
        editable.iter().map(|p| json!({ "id": p.id, "nom": p.nom, "commune": p.commune, "code_insee": p.code_insee })).collect();
    Json(json!({ "places": places, "stops": stops, "version": version })).into_response()
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Replace {
    lieu: String,
    version: u64,
    stops: Vec<Vec<String>>,
}

fn invalid(errors: &[ImportError]) -> Response {
    let details: Vec<Value> = errors.iter().map(|e| json!({ "row": e.row, "field": e.field, "reason": e.reason })).collect();
    unprocessable("invalid_stops", &format!("{} problem(s); nothing was written", details.len()), Value::Array(details))
}

fn conflict() -> Response {
    error_response(StatusCode::CONFLICT, "conflict", "the registry changed meanwhile; nothing was written: reload and edit again")
}

pub async fn replace(AxumState(state): AxumState<State>, request: Request) -> Response {
    let coordinator = match coordinator(&state, request.headers(), client_ip(&request), EDITED).await {
        Ok(c) => c,
        Err(refusal) => return refusal,
    };
    let expected = r#"{"lieu": PLACE_ID, "version": N, "stops": [[id, lieu, nom, code_insee, latitude, longitude, horaires]]}"#;
    let replace: Replace = match json_body(request, expected).await {
        Ok(r) => r,
        Err(refusal) => return refusal,
    };
    if replace.stops.len() > MAX_STOPS {
        let message = format!("{} stops for one place; at most {MAX_STOPS}", replace.stops.len());
        return error_response(StatusCode::PAYLOAD_TOO_LARGE, "batch_too_large", &message);
    }
    let (places, version) = match state.db.current_places().await {
        Ok(held) => held,
        Err(e) => return internal(&e),
    };
    if replace.version != version {
        return conflict();
    }
    let Some(place) = places.iter().find(|p| p.id == replace.lieu) else {
        return error_response(StatusCode::NOT_FOUND, "not_found", &format!("no published place has the id {:?}", replace.lieu));
    };
    if !may_edit(&coordinator, place) {
        return forbidden("this place is outside your EPCI");
    }
    let mut errors = vec![];
    let mut rows = vec![];
    for (i, values) in replace.stops.iter().enumerate() {
        let Ok(values) = <[String; 7]>::try_from(values.clone()) else {
            let reason = format!("{} valeurs alors qu'il en faut {} : {}", values.len(), COLUMNS.len(), COLUMNS.join(", "));
            errors.push(ImportError { row: i + 1, field: "", reason });
            continue;
        };
        let row = StopRow::new(i + 1, values.each_ref().map(String::as_str));
        let lieu = &row.values[1];
        if lieu != &place.id {
            errors.push(ImportError {
                row: row.row,
                field: "lieu",
                reason: format!("« {lieu} » : cette liste est celle de « {} »", place.id),
            });
        }
        rows.push(row);
    }
    if !errors.is_empty() {
        return invalid(&errors);
    }
    let stops = match state.db.read_tour(&rows, &places, paris_today()).await {
        Ok(stops) => stops,
        Err(TourError::Refused(errors)) => return invalid(&errors),
        Err(TourError::Publish(e)) => return internal(&e.to_string()),
    };
    let mut edited = place.clone();
    edited.arrets = stops.into_iter().map(|(_, stop)| stop).collect();
    let (old, new) = (body(place), body(&edited));
    if old == new {
        return Json(json!({ "version": version, "changed": false })).into_response();
    }
    match publish(&state, &coordinator, &edited, &old, &new, version, &rows).await {
        Ok(Ok(published)) => {
            tracing::info!(by = %coordinator.label, place = %edited.id, stops = edited.arrets.len(), version = published, "stops replaced");
            Json(json!({ "version": published, "changed": true })).into_response()
        }
        Ok(Err(response)) => response,
        Err(e) => internal(&e.to_string()),
    }
}

/// The edited place published as the next version, if the registry is still at `read`.
async fn publish(
    state: &State,
    coordinator: &Coordinator,
    edited: &Place,
    old: &str,
    new: &str,
    read: u64,
    rows: &[StopRow],
) -> Result<Result<u64, Response>, sqlx::Error> {
    let mut tx = state.db.begin_write().await?;
    let current: Option<i64> = sqlx::query_scalar("SELECT MAX(version) FROM registry_versions").fetch_one(&mut *tx).await?;
    if current.unwrap_or(0) as u64 != read {
        return Ok(Err(conflict()));
    }
    let Some(version) = take_next_version(&mut tx).await? else { return Ok(Err(conflict())) };
    // The registry still at `read` (checked above, in this transaction): the place is as read.
    let written = sqlx::query("UPDATE registry_places SET body = $1, version = $2 WHERE id = $3 AND body IS NOT NULL")
        .bind(new)
        .bind(version)
        .bind(&edited.id)
        .execute(&mut *tx)
        .await?;
    if written.rows_affected() != 1 {
        return Ok(Err(conflict()));
    }
    if let Err((stop, owner)) = crate::stops::record(&mut tx, &edited.id, &edited.arrets, version).await? {
        // Published for another place between the check and this transaction.
        let row = rows.iter().find(|r| r.values[0] == stop).map_or(0, |r| r.row);
        return Ok(Err(invalid(&[ImportError { row, field: "id", reason: taken_reason(&stop, &owner) }])));
    }
    sqlx::query(
        "INSERT INTO place_updates (place_id, made_at, kind, made_by, changes, version, reviewed, decided_by) \
         VALUES ($1, $2, 'change', $3, $4, $5, TRUE, $6)",
    )
    .bind(&edited.id)
    .bind(now_text())
    .bind(BY_COORDINATION)
    .bind(field_changes(Some(old), Some(new)).to_string())
    .bind(version)
    .bind(&coordinator.label)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(Ok(version as u64))
}
