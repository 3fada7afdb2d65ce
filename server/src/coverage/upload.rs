//! The travel-time table sent from the coordinators' page: `POST /api/v1/coverage/times` with
//! the CSV file as the body (`Content-Type: text/csv`, or `application/octet-stream`;
//! `?fichier=NAME` recorded as its source), `DELETE` to go back to the estimate.
//!
//! Only a coordinator of the whole département may: the table serves every EPCI's figures, so
//! an EPCI coordinator's token is 403 like a mediator's. The file is checked exactly as the
//! command line checks it ([`import_bytes`]) and stored whole or not at all: 200 with the new
//! table, or 422 [`TableRefused`] (nothing imported, the previous table stays). A file, however
//! bad, is the client's problem: never a 5xx nor an error in the log.

use axum::Json;
use axum::extract::{Request, State as AxumState};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use repere_protocol::coverage::{TableRefused, TravelTimesDto};

use super::{ImportFailure, coordinator, import_bytes, stored_table};
use crate::State;
use crate::api::{forbidden, internal, read_body};
use crate::coordinators::Coordinator;
use crate::http::error_response;
use crate::listen::client_ip;

/// The longest source name kept, in characters.
const MAX_NAME: usize = 100;

/// The source recorded when the page names no file.
const UNNAMED: &str = "fichier envoyé depuis la page";

/// `POST /api/v1/coverage/times`: the body is the table, replacing the stored one if it has no problem.
pub async fn upload(AxumState(state): AxumState<State>, request: Request) -> Response {
    let who = match departement_coordinator(&state, request.headers(), client_ip(&request)).await {
        Ok(c) => c,
        Err(refusal) => return refusal,
    };
    if !is_csv(request.headers()) {
        return error_response(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_media_type",
            "envoyer le fichier CSV tel quel, avec `Content-Type: text/csv`",
        );
    }
    let source = source_name(request.uri().query());
    let body = match read_body(request.into_body()).await {
        Ok(body) => body,
        Err(refusal) => return refusal,
    };
    match import_bytes(&state.db, &body, &source).await {
        Ok(imported) => {
            tracing::info!(device = %who.id, source = %imported.source, rows = imported.rows, "travel-time table imported from the page");
            stored_table(&state.db).await
        }
        Err(ImportFailure::Refused(errors)) => {
            tracing::info!(device = %who.id, %source, problems = errors.len(), "travel-time table refused");
            (StatusCode::UNPROCESSABLE_ENTITY, Json(TableRefused::new(&errors))).into_response()
        }
        Err(ImportFailure::Failed(cause)) => internal(&cause),
    }
}

/// `DELETE /api/v1/coverage/times`: no table any more, times are estimated again.
pub async fn clear(AxumState(state): AxumState<State>, request: Request) -> Response {
    let who = match departement_coordinator(&state, request.headers(), client_ip(&request)).await {
        Ok(c) => c,
        Err(refusal) => return refusal,
    };
    match state.db.clear_travel_times().await {
        Ok(held) => {
            tracing::info!(device = %who.id, held, "travel-time table cleared from the page");
            Json(TravelTimesDto::default()).into_response()
        }
        Err(e) => internal(&e.to_string()),
    }
}

/// A coordinator of the whole département (none: 401; a mediator's or an EPCI coordinator's token: 403).
async fn departement_coordinator(state: &State, headers: &HeaderMap, ip: std::net::IpAddr) -> Result<Coordinator, Response> {
    let coordinator = coordinator(state, headers, ip).await?;
    if !coordinator.epci.is_empty() {
        return Err(forbidden(
            "Le tableau des temps de trajet sert à tout le département : seule une coordination départementale peut le remplacer.",
        ));
    }
    Ok(coordinator)
}

/// `text/csv` or `application/octet-stream`, whatever its parameters (`; charset=utf-8`).
fn is_csv(headers: &HeaderMap) -> bool {
    let Some(value) = headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()) else { return false };
    let essence = value.split(';').next().unwrap_or("").trim();
    essence.eq_ignore_ascii_case("text/csv") || essence.eq_ignore_ascii_case("application/octet-stream")
}

/// `?fichier=NAME` as a plain name: its last path component, without control or direction
/// characters (a name is shown on the page and in the files), at most [`MAX_NAME`] characters.
fn source_name(query: Option<&str>) -> String {
    let given = query
        .into_iter()
        .flat_map(|q| form_urlencoded::parse(q.as_bytes()))
        .find(|(key, _)| key == "fichier")
        .map(|(_, value)| value.into_owned())
        .unwrap_or_default();
    let last = given.rsplit(['/', '\\']).next().unwrap_or("");
    let shown = |c: &char| {
        !c.is_control() && !matches!(c, '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{FEFF}')
    };
    let kept: String = last.chars().filter(shown).collect();
    let name: String = kept.trim().chars().take(MAX_NAME).collect();
    match name.trim() {
        "" | "." | ".." => UNNAMED.to_owned(),
        name => name.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_source_is_a_plain_short_name() {
        let name = |q: &str| source_name(Some(q));
        assert_eq!(name("fichier=temps-osrm.csv"), "temps-osrm.csv");
        assert_eq!(name("fichier=temps%20trajets%20%C3%A9t%C3%A9.csv"), "temps trajets été.csv");
        assert_eq!(name("fichier=..%2F..%2Fetc%2Fpasswd"), "passwd");
        assert_eq!(name("fichier=C%3A%5CUsers%5Cmarie%5Ctemps.csv"), "temps.csv");
        assert_eq!(name("fichier=a%0Ab%E2%80%AEc.csv"), "abc.csv");
        assert_eq!(name(&format!("fichier={}", "é".repeat(150))), "é".repeat(100));
        for unnamed in ["fichier=", "fichier=..", "fichier=%2F", "autre=x.csv", "fichier=%0A%20"] {
            assert_eq!(name(unnamed), UNNAMED, "{unnamed}");
        }
        assert_eq!(source_name(None), UNNAMED);
    }

    #[test]
    fn csv_or_raw_bytes_are_accepted_nothing_else() {
        let with = |value: &str| {
            let mut headers = HeaderMap::new();
            headers.insert(header::CONTENT_TYPE, value.parse().unwrap());
            is_csv(&headers)
        };
        assert!(with("text/csv") && with("Text/CSV; charset=utf-8") && with("application/octet-stream"));
        assert!(!with("application/json") && !with("multipart/form-data; boundary=x") && !is_csv(&HeaderMap::new()));
    }
}
