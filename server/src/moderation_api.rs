//! The moderation endpoints, for coordinators only (a mediator's token is 403):
//! `GET /api/v1/moderation` (the queue), `POST /api/v1/moderation` (decisions),
//! `GET /api/v1/moderation/audit?limit=N` and `POST /api/v1/moderation/undo {"id": N}`.
//! The rules are in `moderation`.

use axum::Json;
use axum::extract::{Request, State as AxumState};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use serde_json::json;

use crate::State;
use crate::api::{forbidden, internal};
use crate::candidates_api::{coordinator, json_body};
use crate::http::error_response;
use crate::listen::client_ip;
use crate::moderation::decide::{DecideError, Decisions, Detail, MAX_DECISIONS};
use crate::moderation::undo::UndoError;

/// Audit lines answered when `limit` is not given, and at most.
const AUDIT_DEFAULT: usize = 100;
const AUDIT_MAX: usize = 1_000;

/// Why a mediator's device is refused here.
const MODERATED: &str = "the registry is moderated";

fn invalid(code: &str, details: &[Detail]) -> Response {
    let message = format!("{} problem(s); nothing was written", details.len());
    (StatusCode::UNPROCESSABLE_ENTITY, Json(json!({ "error": { "code": code, "message": message, "details": details } }))).into_response()
}

fn conflict() -> Response {
    error_response(
        StatusCode::CONFLICT,
        "conflict",
        "the registry or the queue changed meanwhile; nothing was written: reload and decide again",
    )
}

/// `GET /api/v1/moderation`: `{"version", "items": [...]}`.
pub async fn queue(AxumState(state): AxumState<State>, request: Request) -> Response {
    let coordinator = match coordinator(&state, request.headers(), client_ip(&request), MODERATED).await {
        Ok(c) => c,
        Err(refusal) => return refusal,
    };
    match state.db.moderation_queue(&coordinator).await {
        Ok((version, items)) => Json(json!({ "version": version, "items": items })).into_response(),
        Err(e) => internal(&e.to_string()),
    }
}

/// `POST /api/v1/moderation {"decisions": [...]}`: `{"version", "accepted", "rejected"}`.
pub async fn decide(AxumState(state): AxumState<State>, request: Request) -> Response {
    let coordinator = match coordinator(&state, request.headers(), client_ip(&request), MODERATED).await {
        Ok(c) => c,
        Err(refusal) => return refusal,
    };
    let decisions: Decisions = match json_body(request, r#"{"decisions": [{"id", "action", "changes"?, "remove"?, "reason"?}]}"#).await {
        Ok(d) => d,
        Err(refusal) => return refusal,
    };
    if decisions.decisions.len() > MAX_DECISIONS {
        let message = format!("{} decisions in one request; at most {MAX_DECISIONS}", decisions.decisions.len());
        return error_response(StatusCode::PAYLOAD_TOO_LARGE, "batch_too_large", &message);
    }
    match state.db.moderate(&coordinator, &decisions.decisions).await {
        Ok(decided) => {
            tracing::info!(by = %coordinator.label, version = decided.version, accepted = decided.accepted, rejected = decided.rejected, "moderated");
            Json(decided).into_response()
        }
        Err(DecideError::Invalid(details)) => invalid("invalid_decisions", &details),
        Err(DecideError::Conflict) => conflict(),
        Err(DecideError::Database(e)) => internal(&e.to_string()),
    }
}

/// `GET /api/v1/moderation/audit?limit=N`: `{"entries": [...]}`, newest first.
pub async fn audit(AxumState(state): AxumState<State>, request: Request) -> Response {
    let coordinator = match coordinator(&state, request.headers(), client_ip(&request), MODERATED).await {
        Ok(c) => c,
        Err(refusal) => return refusal,
    };
    let limit = request.uri().query().unwrap_or("").split('&').find_map(|pair| pair.strip_prefix("limit="));
    let limit = match limit.map(str::parse::<usize>) {
        None => AUDIT_DEFAULT,
        Some(Ok(n)) if (1..=AUDIT_MAX).contains(&n) => n,
        Some(_) => {
            return error_response(StatusCode::BAD_REQUEST, "bad_limit", &format!("`limit` must be a whole number from 1 to {AUDIT_MAX}"));
        }
    };
    match state.db.moderation_audit(&coordinator, limit).await {
        Ok(entries) => Json(json!({ "entries": entries })).into_response(),
        Err(e) => internal(&e.to_string()),
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Undo {
    id: i64,
}

/// `POST /api/v1/moderation/undo {"id": N}`: `{"version"}`.
pub async fn undo(AxumState(state): AxumState<State>, request: Request) -> Response {
    let coordinator = match coordinator(&state, request.headers(), client_ip(&request), MODERATED).await {
        Ok(c) => c,
        Err(refusal) => return refusal,
    };
    let undo: Undo = match json_body(request, r#"{"id": N}"#).await {
        Ok(u) => u,
        Err(refusal) => return refusal,
    };
    match state.db.undo_update(&coordinator, undo.id).await {
        Ok(version) => Json(json!({ "version": version })).into_response(),
        Err(UndoError::NotFound) => error_response(StatusCode::NOT_FOUND, "not_found", &format!("no update {} in the log", undo.id)),
        Err(UndoError::AlreadyUndone) => error_response(StatusCode::CONFLICT, "already_undone", "this update was undone already"),
        Err(UndoError::OutOfScope) => forbidden("this place is outside your EPCI"),
        Err(UndoError::Stale(problems)) => {
            let details: Vec<Detail> =
                problems.into_iter().map(|p| Detail { id: undo.id.to_string(), field: p.field, reason: p.reason }).collect();
            let body = json!({ "error": { "code": "stale", "message": "the place changed since this update; nothing was written", "details": details } });
            (StatusCode::CONFLICT, Json(body)).into_response()
        }
        Err(UndoError::Conflict) => conflict(),
        Err(UndoError::Database(e)) => internal(&e.to_string()),
    }
}
