//! The router as the binary serves it, driven in memory against a temporary built PWA.

use std::path::Path;
use std::time::Duration;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use http_body_util::BodyExt;
use repere_server::http::{Limits, router};
use repere_server::{State, db::Database};
use tower::ServiceExt;

mod common;

const WASM_NAME: &str = "repere-app-0123456789abcdef_bg.wasm";

fn fake_dist(dir: &Path) {
    std::fs::write(dir.join("index.html"), "<!doctype html><title>Repère</title>").unwrap();
    std::fs::write(dir.join("sw.js"), "self.addEventListener('fetch', () => {});").unwrap();
    // Large and repetitive, so compression clearly applies.
    std::fs::write(dir.join(WASM_NAME), vec![b'a'; 64 * 1024]).unwrap();
}

async fn app(dist: &Path) -> axum::Router {
    let db = Database::open("sqlite::memory:").await.expect("in-memory database");
    let limits = Limits { max_body_bytes: 1024, request_timeout: Duration::from_secs(5) };
    router(State::new(db), dist, limits)
}

async fn body_json(response: axum::response::Response) -> serde_json::Value {
    let bytes = response.into_body().collect().await.unwrap().to_bytes();
    serde_json::from_slice(&bytes).unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(&bytes)))
}

fn get(uri: &str) -> Request<Body> {
    Request::get(uri).body(Body::empty()).unwrap()
}

#[tokio::test]
async fn health_reports_version_and_migrated_database_on_each_backend() {
    // Both backends have the same migrations, numbered 0001, 0002, …: the newest is their count.
    let names = |backend: &str| {
        let mut names: Vec<_> = std::fs::read_dir(format!("{}/migrations/{backend}", env!("CARGO_MANIFEST_DIR")))
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .collect();
        names.sort();
        names
    };
    let migrations = names("sqlite");
    assert_eq!(migrations, names("postgres"), "every migration exists for both backends");

    let dist = tempfile::tempdir().unwrap();
    fake_dist(dist.path());
    for db in common::databases().await {
        let backend = db.backend();
        let limits = Limits { max_body_bytes: 1024, request_timeout: Duration::from_secs(5) };
        let response = router(State::new(db), dist.path(), limits).oneshot(get("/api/v1/health")).await.unwrap();
        assert_eq!(response.status(), StatusCode::OK);
        assert_eq!(response.headers()[header::CACHE_CONTROL], "no-store");
        let body = body_json(response).await;
        assert_eq!(body["status"], "ok");
        assert_eq!(body["version"], env!("CARGO_PKG_VERSION"));
        assert_eq!(body["database"]["backend"], serde_json::to_value(backend).unwrap());
        assert_eq!(body["database"]["ok"], true);
        // The newest migration's number (numbers are reserved per change, so one may be absent
        // on a branch until another is merged).
        let newest = migrations.iter().filter_map(|n| n.split('_').next()?.parse::<u64>().ok()).max();
        assert_eq!(body["database"]["schema_version"].as_u64(), newest, "{backend:?}");
        let created = body["database"]["created_at"].as_str().unwrap_or_default();
        assert!(created.len() == 20 && created.ends_with('Z') && created.as_bytes()[10] == b'T', "{backend:?}: {body}");
    }
}

#[tokio::test]
async fn shell_and_worker_are_revalidated_hashed_assets_are_immutable() {
    let dist = tempfile::tempdir().unwrap();
    fake_dist(dist.path());
    let app = app(dist.path()).await;
    for path in ["/", "/index.html", "/sw.js"] {
        let response = app.clone().oneshot(get(path)).await.unwrap();
        assert_eq!(response.status(), StatusCode::OK, "{path}");
        assert_eq!(response.headers()[header::CACHE_CONTROL], "no-cache", "{path}");
    }
    let response = app.clone().oneshot(get(&format!("/{WASM_NAME}"))).await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers()[header::CACHE_CONTROL], "public, max-age=31536000, immutable");
    assert_eq!(response.headers()[header::CONTENT_TYPE], "application/wasm");
}

#[tokio::test]
async fn app_routes_get_the_shell_missing_files_get_404() {
    let dist = tempfile::tempdir().unwrap();
    fake_dist(dist.path());
    let app = app(dist.path()).await;
    let response = app.clone().oneshot(get("/lieu/abc")).await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let html = response.into_body().collect().await.unwrap().to_bytes();
    assert!(html.starts_with(b"<!doctype html>"));
    let response = app.oneshot(get("/repere-app-ffffffffffffffff.js")).await.unwrap();
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn responses_are_compressed_with_brotli_or_gzip_as_asked() {
    let dist = tempfile::tempdir().unwrap();
    fake_dist(dist.path());
    let app = app(dist.path()).await;
    for (accept, expected) in [("br", "br"), ("gzip", "gzip"), ("gzip, deflate, br", "br")] {
        let request = Request::get(format!("/{WASM_NAME}")).header(header::ACCEPT_ENCODING, accept).body(Body::empty()).unwrap();
        let response = app.clone().oneshot(request).await.unwrap();
        assert_eq!(response.headers()[header::CONTENT_ENCODING], expected, "Accept-Encoding: {accept}");
        let compressed = response.into_body().collect().await.unwrap().to_bytes();
        assert!(compressed.len() < 64 * 1024 / 10, "{expected}: {} bytes", compressed.len());
    }
    let plain = app.oneshot(get(&format!("/{WASM_NAME}"))).await.unwrap();
    assert!(plain.headers().get(header::CONTENT_ENCODING).is_none());
}

#[tokio::test]
async fn oversized_body_gets_413_json_and_unknown_api_route_404_json() {
    let dist = tempfile::tempdir().unwrap();
    fake_dist(dist.path());
    let app = app(dist.path()).await;
    let request = Request::post("/api/v1/health")
        .header(header::CONTENT_TYPE, "application/json")
        .header(header::CONTENT_LENGTH, 4096)
        .body(Body::from(vec![b' '; 4096]))
        .unwrap();
    let response = app.clone().oneshot(request).await.unwrap();
    assert_eq!(response.status(), StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(body_json(response).await["error"]["code"], "payload_too_large");

    for path in ["/api/v1/nope", "/api/v2/health", "/api"] {
        let response = app.clone().oneshot(get(path)).await.unwrap();
        assert_eq!(response.status(), StatusCode::NOT_FOUND, "{path}");
        let body = body_json(response).await;
        assert_eq!(body["error"]["code"], "not_found", "{path}");
        assert!(body["error"]["message"].as_str().unwrap().contains(path), "{body}");
    }
}

/// Regression: a `sw.js` rewritten within the same second as the previous one was answered
/// 304 by date, so browsers never installed the new release (seen as a flaky update e2e test).
#[tokio::test]
async fn unhashed_files_are_never_304_by_date_hashed_ones_may_be() {
    let dist = tempfile::tempdir().unwrap();
    fake_dist(dist.path());
    let app = app(dist.path()).await;
    let first = app.clone().oneshot(get("/sw.js")).await.unwrap();
    assert!(first.headers().get(header::LAST_MODIFIED).is_none());
    let far_future = "Fri, 01 Jan 2100 00:00:00 GMT";
    let request = Request::get("/sw.js").header(header::IF_MODIFIED_SINCE, far_future).body(Body::empty()).unwrap();
    assert_eq!(app.clone().oneshot(request).await.unwrap().status(), StatusCode::OK);

    let hashed = format!("/{WASM_NAME}");
    let request = Request::get(&hashed).header(header::IF_MODIFIED_SINCE, far_future).body(Body::empty()).unwrap();
    assert_eq!(app.oneshot(request).await.unwrap().status(), StatusCode::NOT_MODIFIED);
}
