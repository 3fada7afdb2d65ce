//! HTTP: the JSON API under `/api/v1` and the built PWA, with caching, compression, limits.
//!
//! Caching rule (the service worker depends on it): files whose name carries a content hash
//! (`repere-app-<16 hex>.js`) never change, so they are `immutable`; everything else —
//! `index.html`, `sw.js`, the manifest, icons — is revalidated on every load (`no-cache`), so a
//! new release is seen at once and old and new assets are never mixed.

use std::path::Path;
use std::time::Duration;

use axum::Json;
use axum::Router;
use axum::body::Body;
use axum::extract::State as AxumState;
use axum::http::{HeaderValue, Request, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde_json::json;
use tower::ServiceBuilder;
use tower_http::compression::CompressionLayer;
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::services::{ServeDir, ServeFile};
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::TraceLayer;

use crate::auth::{AuthError, Device};
use crate::{State, VERSION};
use repere_protocol::{Enrolled, Enrolment, MAX_BATCH, PushError, read_push};

/// Limits applied to every request.
#[derive(Clone, Copy, Debug)]
pub struct Limits {
    pub max_body_bytes: usize,
    pub request_timeout: Duration,
}

/// The whole application: API, static PWA, and the layers around both.
pub fn router(state: State, dist: &Path, limits: Limits) -> Router {
    let api = Router::new()
        .route("/health", get(health))
        .route("/devices", post(enrol))
        .route("/contacts", post(push_contacts))
        .route("/contacts/count", get(contact_count))
        .route("/registry", get(registry_update))
        .fallback(api_not_found)
        .layer(middleware::map_response(no_store));

    // Unknown paths without a file extension are app routes: serve the shell and let it route.
    // A missing file (`/missing.js`) stays a 404 so a broken precache list is noticed.
    let shell = ServeFile::new(dist.join("index.html"));
    let pwa = ServeDir::new(dist).fallback(tower::service_fn(move |req: Request<Body>| {
        let shell = shell.clone();
        async move {
            let last = req.uri().path().rsplit('/').next().unwrap_or("");
            if last.contains('.') {
                Ok(StatusCode::NOT_FOUND.into_response())
            } else {
                let mut shell = shell;
                tower::Service::call(&mut shell, req).await.map(IntoResponse::into_response)
            }
        }
    }));

    Router::new()
        .nest("/api/v1", api)
        .route("/api", axum::routing::any(api_not_found))
        .route("/api/{*rest}", axum::routing::any(api_not_found))
        .fallback_service(ServiceBuilder::new().layer(middleware::from_fn(cache_policy)).service(pwa))
        .with_state(state)
        // Each `layer` wraps everything added before it: compression is innermost, logs outermost.
        .layer(CompressionLayer::new())
        .layer(RequestBodyLimitLayer::new(limits.max_body_bytes))
        .layer(TimeoutLayer::with_status_code(StatusCode::REQUEST_TIMEOUT, limits.request_timeout))
        .layer(middleware::from_fn(json_errors_for_api))
        .layer(TraceLayer::new_for_http())
}

async fn health(AxumState(state): AxumState<State>) -> Response {
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
async fn enrol(AxumState(state): AxumState<State>, body: axum::body::Bytes) -> Response {
    let enrolment: Enrolment = match serde_json::from_slice(&body) {
        Ok(e) => e,
        Err(e) => return error_response(StatusCode::BAD_REQUEST, "malformed_json", &format!("expected {{\"code\": \"…\"}}: {e}")),
    };
    match state.db.enrol(&enrolment.code).await {
        Ok((device, token)) => {
            tracing::info!(device = %device.id, structure = %device.structure, "device enrolled");
            (StatusCode::CREATED, Json(Enrolled { device_id: device.id, structure: device.structure, token })).into_response()
        }
        Err(AuthError::CodeInvalid) => error_response(StatusCode::FORBIDDEN, "enrolment_code_invalid", &AuthError::CodeInvalid.to_string()),
        Err(e) => internal(&e.to_string()),
    }
}

/// The enrolled device making this request, or the response refusing it.
async fn device(state: &State, headers: &axum::http::HeaderMap) -> Result<Device, Response> {
    let token =
        headers.get(header::AUTHORIZATION).and_then(|v| v.to_str().ok()).and_then(|v| v.strip_prefix("Bearer ")).ok_or_else(|| {
            error_response(StatusCode::UNAUTHORIZED, "unauthorized", "send the device token as `Authorization: Bearer …`")
        })?;
    if !state.limiter.allow(&crate::auth::hash(token), std::time::Instant::now()) {
        return Err(error_response(StatusCode::TOO_MANY_REQUESTS, "rate_limited", "too many requests from this device; wait a minute"));
    }
    match state.db.device_for_token(token).await {
        Ok(device) => Ok(device),
        Err(AuthError::TokenInvalid) => Err(error_response(StatusCode::UNAUTHORIZED, "unauthorized", &AuthError::TokenInvalid.to_string())),
        Err(e) => Err(internal(&e.to_string())),
    }
}

/// `POST /api/v1/contacts {"contacts": [...]}`: idempotent batch push (see `contacts`).
async fn push_contacts(AxumState(state): AxumState<State>, headers: axum::http::HeaderMap, body: axum::body::Bytes) -> Response {
    let device = match device(&state, &headers).await {
        Ok(d) => d,
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
        Err(PushError::Invalid(rejections)) => {
            let message = format!("{} problem(s); nothing was saved", rejections.len());
            let mut response = error_response(StatusCode::UNPROCESSABLE_ENTITY, "invalid_contacts", &message);
            *response.body_mut() =
                Body::from(json!({ "error": { "code": "invalid_contacts", "message": message, "details": rejections } }).to_string());
            return response;
        }
    };
    match state.db.ingest(&device, &contacts).await {
        Ok(ingested) => (StatusCode::OK, Json(ingested)).into_response(),
        Err(e) => internal(&e.to_string()),
    }
}

/// `GET /api/v1/contacts/count`: how many contacts the device's structure holds.
async fn contact_count(AxumState(state): AxumState<State>, headers: axum::http::HeaderMap) -> Response {
    let device = match device(&state, &headers).await {
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
async fn registry_update(AxumState(state): AxumState<State>, uri: axum::http::Uri) -> Response {
    let since = uri.query().unwrap_or("").split('&').find_map(|pair| pair.strip_prefix("since="));
    let since = match since.map(str::parse::<u64>) {
        None => 0,
        Some(Ok(n)) => n,
        Some(Err(_)) => {
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

fn internal(cause: &str) -> Response {
    tracing::error!(%cause, "internal error");
    error_response(StatusCode::INTERNAL_SERVER_ERROR, "internal", "the server failed; the request can be retried")
}

async fn api_not_found(req: Request<Body>) -> Response {
    let message = format!("no API route for {} {}", req.method(), req.uri().path());
    error_response(StatusCode::NOT_FOUND, "not_found", &message)
}

/// The one shape of every API error: `{"error": {"code": …, "message": …}}`.
pub fn error_response(status: StatusCode, code: &str, message: &str) -> Response {
    let mut response = (status, Json(json!({ "error": { "code": code, "message": message } }))).into_response();
    response.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

async fn no_store(mut response: Response) -> Response {
    response.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

/// Limits are enforced by tower layers that answer in plain text; API clients get JSON instead.
async fn json_errors_for_api(req: Request<Body>, next: Next) -> Response {
    let is_api = req.uri().path().starts_with("/api/");
    let response = next.run(req).await;
    let is_json = response.headers().get(header::CONTENT_TYPE).is_some_and(|v| v.as_bytes().starts_with(b"application/json"));
    if !is_api || is_json {
        return response;
    }
    match response.status() {
        StatusCode::PAYLOAD_TOO_LARGE => error_response(
            StatusCode::PAYLOAD_TOO_LARGE,
            "payload_too_large",
            "the request body is larger than this server accepts; send smaller batches",
        ),
        StatusCode::REQUEST_TIMEOUT => {
            error_response(StatusCode::REQUEST_TIMEOUT, "timeout", "the request took too long and was abandoned")
        }
        _ => response,
    }
}

/// Sets `Cache-Control` by the caching rule. Unhashed files are never answered 304 by date:
/// `Last-Modified` has one-second resolution, so a release deployed within the second of the
/// previous one would look unchanged, and browsers would never see the new `sw.js`.
async fn cache_policy(mut req: Request<Body>, next: Next) -> Response {
    let hashed = is_content_hashed(req.uri().path());
    if !hashed {
        req.headers_mut().remove(header::IF_MODIFIED_SINCE);
    }
    let mut response = next.run(req).await;
    let value = if response.status().is_success() && hashed {
        "public, max-age=31536000, immutable"
    } else {
        response.headers_mut().remove(header::LAST_MODIFIED);
        "no-cache"
    };
    response.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static(value));
    response
}

/// True for names like `repere-app-0123456789abcdef_bg.wasm` or `style-0123456789abcdef.css`:
/// a dash, 16 lowercase hex digits, then `.` or `_`.
pub fn is_content_hashed(path: &str) -> bool {
    let name = path.rsplit('/').next().unwrap_or("");
    name.match_indices('-').any(|(i, _)| {
        let rest = &name[i + 1..];
        rest.len() > 17
            && rest.as_bytes()[..16].iter().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(b))
            && matches!(rest.as_bytes()[16], b'.' | b'_')
    })
}

#[cfg(test)]
mod tests {
    use super::is_content_hashed;

    #[test]
    fn content_hash_is_recognised_only_in_its_exact_shape() {
        assert!(is_content_hashed("/repere-app-0123456789abcdef_bg.wasm"));
        assert!(is_content_hashed("/repere-app-0123456789abcdef.js"));
        assert!(is_content_hashed("/assets/style-fedcba9876543210.css"));
        assert!(!is_content_hashed("/index.html"));
        assert!(!is_content_hashed("/sw.js"));
        assert!(!is_content_hashed("/icons/icon-192.png"));
        assert!(!is_content_hashed("/repere-app-0123456789ABCDEF.js"));
        assert!(!is_content_hashed("/repere-app-0123456789abcde.js"));
    }
}
