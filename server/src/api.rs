//! The JSON API's handlers, under `/api/v1`.
//!
//! Who may call what: `health` and `registry` are public; `devices` (enrolment) is public but
//! rate-limited per address and overall; `contacts` and `contacts/count` need an enrolled
//! mediator's token (a coordinator's is 403), and are rate-limited per device. A request's body is read only after its
//! token is accepted, so an unauthenticated upload costs the server nothing but the refusal.

use axum::Json;
use axum::body::Body;
use axum::extract::{Request, State as AxumState};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::json;

use crate::auth::{AuthError, Device};
use crate::coordinators::Account;
use crate::http::error_response;
use crate::listen::client_ip;
use crate::{State, VERSION};
use repere_protocol::{Enrolled, Enrolment, MAX_BATCH, PushError, Rejection, Role, from_json, read_push};

pub async fn health(AxumState(state): AxumState<State>) -> Response {
    let db = state.db.health().await;
    let status = if db.ok { StatusCode::OK } else { StatusCode::SERVICE_UNAVAILABLE };
    let body = json!({
        "status": if db.ok { "ok" } else { "degraded" },
        "version": VERSION,
        "database": db,
    });
    (status, Json(body)).into_response()
}

/// `POST /api/v1/devices {"code": …}`: a one-time code for a device token (shown once).
pub async fn enrol(AxumState(state): AxumState<State>, request: Request) -> Response {
    if let Err(wait) = state.throttle.enrolment(client_ip(&request)) {
        return too_many(wait, "too many enrolment attempts; wait before trying again");
    }
    let body = match read_body(request.into_body()).await {
        Ok(body) => body,
        Err(refusal) => return refusal,
    };
    let enrolment: Enrolment = match from_json(&body) {
        Ok(e) => e,
        Err(e) => return error_response(StatusCode::BAD_REQUEST, "malformed_json", &format!("expected {{\"code\": \"…\"}}: {e}")),
    };
    match state.db.enrol_account(&enrolment.code).await {
        Ok((Account::Mediator(device), token)) => {
            tracing::info!(device = %device.id, structure = %device.structure, "device enrolled");
            let answer = Enrolled { device_id: device.id, structure: device.structure, token, role: Role::Mediation, epci: Vec::new() };
            (StatusCode::CREATED, Json(answer)).into_response()
        }
        Ok((Account::Coordinator(c), token)) => {
            tracing::info!(device = %c.id, label = %c.label, epci = ?c.epci, "coordination device enrolled");
            (StatusCode::CREATED, Json(Enrolled { device_id: c.id, structure: c.label, token, role: Role::Coordination, epci: c.epci }))
                .into_response()
        }
        Err(AuthError::CodeInvalid) => error_response(StatusCode::FORBIDDEN, "enrolment_code_invalid", &AuthError::CodeInvalid.to_string()),
        Err(e) => internal(&e.to_string()),
    }
}

/// The account making this request (a mediator's or a coordinator's device), or the response
/// refusing it: 401 without a valid token, 429 past the rate limits.
/// (Takes the headers, not the request: a borrowed body, which is not `Sync`, cannot be held
/// across an await.)
pub async fn account(state: &State, headers: &HeaderMap, ip: std::net::IpAddr) -> Result<Account, Response> {
    let token =
        headers.get(header::AUTHORIZATION).and_then(|v| v.to_str().ok()).and_then(|v| v.strip_prefix("Bearer ")).ok_or_else(|| {
            error_response(StatusCode::UNAUTHORIZED, "unauthorized", "send the device token as `Authorization: Bearer …`")
        })?;
    match state.db.account_for_token(token).await {
        Ok(account) => match state.throttle.device(account.id()) {
            Ok(()) => Ok(account),
            Err(wait) => Err(too_many(wait, "too many requests from this device; wait a minute")),
        },
        Err(AuthError::TokenInvalid) => Err(match state.throttle.refusal(ip) {
            Ok(()) => error_response(StatusCode::UNAUTHORIZED, "unauthorized", &AuthError::TokenInvalid.to_string()),
            Err(wait) => too_many(wait, "too many refused tokens from this address; wait before trying again"),
        }),
        Err(e) => Err(internal(&e.to_string())),
    }
}

/// The mediator's device making this request; a coordinator's token is 403 (it reads figures,
/// it never pushes nor counts a structure's contacts).
async fn device(state: &State, headers: &HeaderMap, ip: std::net::IpAddr) -> Result<Device, Response> {
    match account(state, headers, ip).await? {
        Account::Mediator(device) => Ok(device),
        Account::Coordinator(_) => Err(forbidden("a coordination account reads figures; only a mediator's device sends contacts")),
    }
}

pub fn forbidden(message: &str) -> Response {
    error_response(StatusCode::FORBIDDEN, "forbidden", message)
}

/// `POST /api/v1/contacts {"contacts": [...], "proposals": [...]}`: idempotent batch push (see
/// `contacts` and `submissions`).
pub async fn push_contacts(AxumState(state): AxumState<State>, request: Request) -> Response {
    let device = match device(&state, request.headers(), client_ip(&request)).await {
        Ok(d) => d,
        Err(refusal) => return refusal,
    };
    let body = match read_body(request.into_body()).await {
        Ok(body) => body,
        Err(refusal) => return refusal,
    };
    let contacts = match read_push(&body) {
        Ok(c) => c,
        Err(PushError::Malformed(e)) => return error_response(StatusCode::BAD_REQUEST, "malformed_json", &e),
        Err(PushError::TooMany(n)) => {
            return error_response(
                StatusCode::PAYLOAD_TOO_LARGE,
                "batch_too_large",
                &format!("{n} contacts in one push; at most {MAX_BATCH}"),
            );
        }
        Err(PushError::Invalid { rejections, total }) => return invalid(&rejections, total),
    };
    match state.db.unknown_references(&contacts).await {
        Ok((rejections, 0)) if rejections.is_empty() => {}
        Ok((rejections, total)) => return invalid(&rejections, total),
        Err(e) => return internal(&e.to_string()),
    }
    let proposals = match crate::submissions::read_proposals(&state.db, device.structure_id, &body).await {
        Ok(p) => p,
        Err(refusal) => return refusal,
    };
    match state.db.ingest_push(&device, &contacts, &proposals).await {
        Ok(ingested) => (StatusCode::OK, Json(ingested)).into_response(),
        Err(e) => internal(&e.to_string()),
    }
}

/// 422 listing the first problems of a refused batch.
pub(crate) fn invalid(rejections: &[Rejection], total: usize) -> Response {
    let message = if total > rejections.len() {
        format!("{total} problem(s), the first {} listed; nothing was saved", rejections.len())
    } else {
        format!("{total} problem(s); nothing was saved")
    };
    let body = json!({ "error": { "code": "invalid_contacts", "message": message, "details": rejections } });
    let mut response = (StatusCode::UNPROCESSABLE_ENTITY, Json(body)).into_response();
    response.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

/// `GET /api/v1/contacts/count`: how many contacts the device's structure holds.
pub async fn contact_count(AxumState(state): AxumState<State>, request: Request) -> Response {
    let device = match device(&state, request.headers(), client_ip(&request)).await {
        Ok(d) => d,
        Err(refusal) => return refusal,
    };
    match state.db.contact_count(device.structure_id).await {
        Ok(count) => Json(json!({ "structure": device.structure, "count": count })).into_response(),
        Err(e) => internal(&e.to_string()),
    }
}

/// `GET /api/v1/registry?since=N`: what changed in the registry since version N (public: the
/// registry is published data, residents' phones pull it without an account).
pub async fn registry_update(AxumState(state): AxumState<State>, uri: axum::http::Uri) -> Response {
    let since = uri.query().unwrap_or("").split('&').find_map(|pair| pair.strip_prefix("since="));
    let since = match since.map(str::parse::<u64>) {
        None => 0,
        Some(Ok(n)) if n <= i64::MAX as u64 => n,
        Some(_) => {
            return error_response(
                StatusCode::BAD_REQUEST,
                "bad_since",
                "`since` must be the registry version the device holds (a whole number)",
            );
        }
    };
    match state.db.registry_update(since).await {
        Ok(update) => Json(update).into_response(),
        Err(e) => internal(&e.to_string()),
    }
}

/// The whole body, within the router's size limit (413 past it, 400 if the client gave up).
pub(crate) async fn read_body(body: Body) -> Result<axum::body::Bytes, Response> {
    read_body_within(body, usize::MAX).await
}

/// The whole body, within `max` bytes and the router's size limit (413 past either).
pub(crate) async fn read_body_within(body: Body, max: usize) -> Result<axum::body::Bytes, Response> {
    axum::body::to_bytes(body, max).await.map_err(|e| {
        // The limit's error arrives wrapped (an axum error around the body's): look down the chain.
        let mut cause = std::error::Error::source(&e);
        let mut too_large = false;
        while let Some(c) = cause {
            too_large |= c.is::<http_body_util::LengthLimitError>();
            cause = c.source();
        }
        if too_large {
            error_response(
                StatusCode::PAYLOAD_TOO_LARGE,
                "payload_too_large",
                "the request body is larger than this server accepts; send smaller batches",
            )
        } else {
            error_response(StatusCode::BAD_REQUEST, "body_unreadable", "the request body could not be read whole; send it again")
        }
    })
}

pub(crate) fn too_many(wait: std::time::Duration, message: &str) -> Response {
    let mut response = error_response(StatusCode::TOO_MANY_REQUESTS, "rate_limited", message);
    response.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from(wait.as_secs().max(1)));
    response
}

pub fn internal(cause: &str) -> Response {
    tracing::error!(%cause, "internal error");
    error_response(StatusCode::INTERNAL_SERVER_ERROR, "internal", "the server failed; the request can be retried")
}
