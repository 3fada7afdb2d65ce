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
use axum::extract::DefaultBodyLimit;
use axum::http::{HeaderValue, Request, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{any, get, post};
use serde_json::json;
use tower::ServiceBuilder;
use tower::limit::GlobalConcurrencyLimitLayer;
use tower_http::compression::CompressionLayer;
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::services::{ServeDir, ServeFile};
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::TraceLayer;

use crate::{
    State, api, candidates_api, consultations, coverage, downloads, duplicates_api, figures, moderation_api, place_links, place_page,
    reminders_api, security, stops_api, submissions, updates,
};

/// Limits applied to every request.
#[derive(Clone, Copy, Debug)]
pub struct Limits {
    pub max_body_bytes: usize,
    pub request_timeout: Duration,
}

/// Requests with a body (enrolment, pushes, a travel-time table) handled at once; more wait their turn (until the
/// request timeout). Bodies are read only inside, so the bodies held in memory stay under this
/// × `max_body_bytes` (64 MiB with the default 2 MiB). Reads (health, registry) do not wait.
pub const MAX_API_REQUESTS_AT_ONCE: usize = 32;

/// Exports made at once (each reads the whole selection and writes a file).
pub const MAX_EXPORTS_AT_ONCE: usize = 2;

/// Longest path segment or path served: a file name over 255 bytes cannot exist, and asking
/// the file system for one was answered 500.
const MAX_SEGMENT: usize = 255;
const MAX_PATH: usize = 2048;

/// The whole application: API, static PWA, and the layers around both.
pub fn router(state: State, dist: &Path, limits: Limits) -> Router {
    let with_bodies = Router::new()
        .route("/devices", post(api::enrol))
        .route("/contacts", post(api::push_contacts))
        .route("/coverage/times", post(coverage::upload).delete(coverage::clear))
        .route("/places/{id}/link", post(place_links::create))
        .merge(upkeep_routes())
        .route("/reports", post(submissions::post_reports))
        .route("/moderation", get(moderation_api::queue).post(moderation_api::decide))
        .route("/moderation/undo", post(moderation_api::undo))
        .layer(GlobalConcurrencyLimitLayer::new(MAX_API_REQUESTS_AT_ONCE));
    // Exports read the whole selection: two at a time, the others wait.
    let exports = Router::new()
        .route("/export/activites.csv", get(downloads::activities_csv))
        .route("/export/activites.xlsx", get(downloads::activities_xlsx))
        .route("/export/statistiques.xlsx", get(downloads::statistics_xlsx))
        .route("/export/couverture.csv", get(downloads::coverage_csv))
        .route("/export/couverture.xlsx", get(downloads::coverage_xlsx))
        .route("/export/registre.csv", get(downloads::registry_csv))
        .route("/export/registre.json", get(downloads::registry_json))
        .route("/export/arrets.csv", get(downloads::stops_csv))
        .route("/export/relances.csv", get(reminders_api::csv))
        .layer(GlobalConcurrencyLimitLayer::new(MAX_EXPORTS_AT_ONCE));
    let api = Router::new()
        .route("/health", get(api::health))
        .route("/contacts/count", get(api::contact_count))
        .route("/registry", get(api::registry_update))
        .route("/registry/updates", get(updates::recent))
        .route("/moderation/audit", get(moderation_api::audit))
        .route("/stats", get(figures::stats))
        .route("/coordination/choices", get(figures::choices))
        .route("/coverage/times", get(coverage::times))
        .merge(exports)
        .merge(with_bodies)
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

    let mut app = Router::new()
        .nest("/api/v1", api)
        .route("/api", any(api_not_found))
        .route("/api/", any(api_not_found))
        .route("/api/{*rest}", any(api_not_found))
        .merge(place_page::routes())
        .fallback_service(
            ServiceBuilder::new().layer(middleware::from_fn(path_length)).layer(middleware::from_fn(cache_policy)).service(pwa),
        )
        .with_state(state)
        // Each `layer` wraps everything added before it: compression is innermost, logs outermost.
        .layer(CompressionLayer::new())
        .layer(RequestBodyLimitLayer::new(limits.max_body_bytes))
        // The body limit above is the one that applies (axum's own default of 2 MiB would cap it).
        .layer(DefaultBodyLimit::disable())
        .layer(TimeoutLayer::with_status_code(StatusCode::REQUEST_TIMEOUT, limits.request_timeout))
        .layer(middleware::from_fn(json_errors_for_api));
    for (name, value) in security::headers() {
        app = app.layer(SetResponseHeaderLayer::if_not_present(name, value));
    }
    let policy = security::Policy::new(dist);
    app.layer(middleware::map_response(move |mut response: Response| {
        let value = policy.current();
        async move {
            response.headers_mut().entry(header::CONTENT_SECURITY_POLICY).or_insert(value);
            response
        }
    }))
    .layer(TraceLayer::new_for_http())
}

/// The registry's upkeep by coordinators (issue #15: candidates, duplicates, reminders; issue
/// #16: the tours' stops) and the phones' consultation counts.
fn upkeep_routes() -> Router<State> {
    Router::new()
        .route("/candidates", get(candidates_api::list).post(candidates_api::decide))
        .route("/duplicates", get(duplicates_api::list).post(duplicates_api::decide))
        .route("/consultations", get(consultations::figures).post(consultations::receive))
        .route("/reminders", get(reminders_api::list))
        .route("/reminders/frequency", post(reminders_api::set_frequency))
        .route("/stops", get(stops_api::list).put(stops_api::replace))
}

async fn api_not_found(req: Request<Body>) -> Response {
    let message = format!("no API route for {} {}", req.method(), shorten(req.uri().path()));
    error_response(StatusCode::NOT_FOUND, "not_found", &message)
}

/// A path as an answer may quote it: long ones cut.
fn shorten(path: &str) -> &str {
    let cut = (0..=path.len().min(200)).rev().find(|&i| path.is_char_boundary(i)).unwrap_or(0);
    &path[..cut]
}

/// Paths that no file can have are 404 before the file system is asked.
async fn path_length(req: Request<Body>, next: Next) -> Response {
    let path = req.uri().path();
    if path.len() > MAX_PATH || path.split('/').any(|segment| segment.len() > MAX_SEGMENT) {
        return StatusCode::NOT_FOUND.into_response();
    }
    next.run(req).await
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
    let method = req.method().clone();
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
        StatusCode::METHOD_NOT_ALLOWED => {
            let allow = response.headers().get(header::ALLOW).cloned();
            let allowed = allow.as_ref().and_then(|v| v.to_str().ok()).unwrap_or("another method").to_owned();
            let mut json = error_response(
                StatusCode::METHOD_NOT_ALLOWED,
                "method_not_allowed",
                &format!("{method} is not accepted here; use {allowed}"),
            );
            if let Some(allow) = allow {
                json.headers_mut().insert(header::ALLOW, allow);
            }
            json
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
