//! A server driven through its router, as the binary serves it, on each backend.

use std::time::Duration;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use http_body_util::BodyExt;
use repere_server::http::{Limits, router};
use repere_server::{State, db::Database};
use serde_json::{Value, json};
use tower::ServiceExt;

pub struct Server {
    pub app: axum::Router,
    pub db: Database,
    _dist: tempfile::TempDir,
}

/// The same server on each backend (SQLite, and PostgreSQL when there is one).
pub async fn servers() -> Vec<Server> {
    let mut all = Vec::new();
    for db in super::databases().await {
        let dist = tempfile::tempdir().unwrap();
        std::fs::write(dist.path().join("index.html"), "<!doctype html>").unwrap();
        let limits = Limits { max_body_bytes: 512 * 1024, request_timeout: Duration::from_secs(10) };
        all.push(Server { app: router(State::new(db.clone()), dist.path(), limits), db, _dist: dist });
    }
    all
}

impl Server {
    pub async fn call(&self, method: &str, uri: &str, token: Option<&str>, body: impl Into<Body>) -> (StatusCode, Value) {
        self.call_as("application/json", method, uri, token, body).await
    }

    /// [`Server::call`] with a body of another type (a CSV file).
    pub async fn call_as(
        &self,
        content_type: &str,
        method: &str,
        uri: &str,
        token: Option<&str>,
        body: impl Into<Body>,
    ) -> (StatusCode, Value) {
        let mut request = Request::builder().method(method).uri(uri).header(header::CONTENT_TYPE, content_type);
        if let Some(t) = token {
            request = request.header(header::AUTHORIZATION, format!("Bearer {t}"));
        }
        let response = self.app.clone().oneshot(request.body(body.into()).unwrap()).await.unwrap();
        let status = response.status();
        let bytes = response.into_body().collect().await.unwrap().to_bytes();
        (status, serde_json::from_slice(&bytes).unwrap_or(Value::Null))
    }

    /// A new device of `structure`, through a one-time code; its token.
    pub async fn device(&self, structure: &str) -> String {
        self.enrolled(structure).await.0
    }

    /// A new device's token and id.
    pub async fn enrolled(&self, structure: &str) -> (String, String) {
        let code = self.db.create_enrolment_code(structure).await.unwrap();
        let (status, body) = self.call("POST", "/api/v1/devices", None, json!({ "code": code.to_lowercase() }).to_string()).await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        assert_eq!(body["structure"], structure);
        let token = body["token"].as_str().unwrap().to_owned();
        assert!(token.len() >= 32, "at least 128 bits");
        (token, body["device_id"].as_str().unwrap().to_owned())
    }

    /// A new coordination device for `epci` (none: the département): its token and id.
    pub async fn coordinator(&self, epci: &[&str]) -> (String, String) {
        let epci: Vec<String> = epci.iter().map(|&e| e.to_owned()).collect();
        let code = self.db.create_coordination_code(&epci, None).await.unwrap();
        let (status, body) = self.call("POST", "/api/v1/devices", None, json!({ "code": code }).to_string()).await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        assert_eq!((&body["role"], &body["epci"]), (&json!("coordination"), &json!(epci)));
        (body["token"].as_str().unwrap().to_owned(), body["device_id"].as_str().unwrap().to_owned())
    }

    pub async fn push(&self, token: &str, contacts: Vec<Value>) -> (StatusCode, Value) {
        self.call("POST", "/api/v1/contacts", Some(token), json!({ "contacts": contacts }).to_string()).await
    }

    pub async fn count(&self, token: &str) -> i64 {
        let (status, body) = self.call("GET", "/api/v1/contacts/count", Some(token), Body::empty()).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        body["count"].as_i64().unwrap()
    }
}
