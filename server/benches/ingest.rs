//! Server ingest throughput: contacts pushed in batches of 500 into a SQLite file (WAL), through
//! the real router (JSON parsing, checking, the insert-if-absent transaction). Prints figures;
//! run with `cargo bench -p repere-server --bench ingest` (or scripts/bench-sync).

use std::time::{Duration, Instant};

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use repere_server::http::{Limits, router};
use repere_server::{State, db::Database};
use serde_json::{Value, json};
use tower::ServiceExt;

const BATCH: usize = 500;
const BATCHES: usize = 40;

fn contact(n: u64) -> Value {
    let id = uuid::Builder::from_unix_timestamp_millis(1_795_000_000_000 + n, &n.to_le_bytes()[..].repeat(2)[..10].try_into().unwrap()).into_uuid();
    json!({
        "id": id.to_string(), "seq": n, "type": "individuel", "debut": "2026-11-28T10:30:00", "duree_min": 30,
        "lieu": { "kind": "bus" }, "thematiques": ["aide_aux_demarches_administratives", "email"],
        "thematiques_administratives": ["social_sante"], "materiel": ["telephone"], "autonomie": "entierement_accompagne",
        "beneficiaire": { "tranche_age": "soixante_dix_plus", "statut": "retraite", "commune": "86078" }
    })
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    sorted[((sorted.len() as f64 - 1.0) * p).round() as usize]
}

fn main() {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    runtime.block_on(async {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("index.html"), "<!doctype html>").unwrap();
        let db = Database::open(dir.path().join("bench.sqlite").to_str().unwrap()).await.unwrap();
        let limits = Limits { max_body_bytes: 8 * 1024 * 1024, request_timeout: Duration::from_secs(60) };
        let app = router(State::new(db.clone()), dir.path(), limits);
        let code = db.create_enrolment_code("Banc d'essai").await.unwrap();
        let (_, token) = db.enrol(&code).await.unwrap();

        let bodies: Vec<String> = (0..BATCHES)
            .map(|b| json!({ "contacts": (0..BATCH).map(|i| contact((b * BATCH + i) as u64)).collect::<Vec<_>>() }).to_string())
            .collect();
        let mut latencies = Vec::new();
        let started = Instant::now();
        for body in &bodies {
            let t = Instant::now();
            let request = Request::post("/api/v1/contacts")
                .header(header::CONTENT_TYPE, "application/json")
                .header(header::AUTHORIZATION, format!("Bearer {token}"))
                .body(Body::from(body.clone()))
                .unwrap();
            let response = app.clone().oneshot(request).await.unwrap();
            assert_eq!(response.status(), StatusCode::OK);
            latencies.push(t.elapsed());
        }
        let total = started.elapsed();
        latencies.sort();
        let n = BATCH * BATCHES;
        println!("ingest, SQLite file, {BATCHES} batches of {BATCH} through the router:");
        println!("  {n} contacts in {:.2} s = {:.0} contacts/s", total.as_secs_f64(), n as f64 / total.as_secs_f64());
        println!("  per batch: p50 {:.1} ms, p99 {:.1} ms, max {:.1} ms", ms(percentile(&latencies, 0.5)), ms(percentile(&latencies, 0.99)), ms(*latencies.last().unwrap()));

        // The same batches again: every contact is a duplicate (a device retrying).
        let t = Instant::now();
        for body in &bodies {
            let request = Request::post("/api/v1/contacts")
                .header(header::CONTENT_TYPE, "application/json")
                .header(header::AUTHORIZATION, format!("Bearer {token}"))
                .body(Body::from(body.clone()))
                .unwrap();
            assert_eq!(app.clone().oneshot(request).await.unwrap().status(), StatusCode::OK);
        }
        println!("  re-push of all {n} (duplicates): {:.0} contacts/s", n as f64 / t.elapsed().as_secs_f64());
        db.close().await;
    });
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}
