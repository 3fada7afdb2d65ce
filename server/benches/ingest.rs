//! Server ingest throughput: contacts pushed in batches of 500 through the real router (JSON
//! parsing, checking, the insert-if-absent transaction), into a SQLite file (WAL) and, side by
//! side in the same run, into PostgreSQL when `REPERE_BENCH_POSTGRES` names a server. Prints
//! figures; run with scripts/bench-sync (which starts a throwaway PostgreSQL).

use std::time::{Duration, Instant};

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use repere_server::http::{Limits, router};
use repere_server::{State, db::Database};
use serde_json::{Value, json};
use sqlx::{Connection, Executor};
use tower::ServiceExt;

const BATCH: usize = 500;
const BATCHES: usize = 40;

fn contact(n: u64) -> Value {
    let id = uuid::Builder::from_unix_timestamp_millis(1_795_000_000_000 + n, &n.to_le_bytes()[..].repeat(2)[..10].try_into().unwrap())
        .into_uuid();
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
        let sqlite = Database::open(dir.path().join("bench.sqlite").to_str().unwrap()).await.unwrap();
        ingest("SQLite file (WAL)", sqlite, dir.path()).await;
        match std::env::var("REPERE_BENCH_POSTGRES") {
            Ok(server) => {
                let server = server.trim_end_matches('/');
                let name = format!("repere_bench_{}", std::process::id());
                let mut admin = sqlx::PgConnection::connect(&format!("{server}/postgres")).await.unwrap();
                admin.execute(format!("CREATE DATABASE {name}").as_str()).await.unwrap();
                let postgres = Database::open(&format!("{server}/{name}")).await.unwrap();
                ingest("PostgreSQL (local, default settings)", postgres, dir.path()).await;
                admin.execute(format!("DROP DATABASE {name} WITH (FORCE)").as_str()).await.unwrap();
            }
            Err(_) => {
                println!("(PostgreSQL not measured: set REPERE_BENCH_POSTGRES=postgres://user@host:port, as scripts/bench-sync does)")
            }
        }
    });
}

/// Pushes the same 40 batches of 500 through the router, then again (all duplicates).
async fn ingest(backend: &str, db: Database, dist: &std::path::Path) {
    let limits = Limits { max_body_bytes: 8 * 1024 * 1024, request_timeout: Duration::from_secs(60) };
    let app = router(State::new(db.clone()), dist, limits);
    let code = db.create_enrolment_code("Banc d'essai").await.unwrap();
    let (device, token) = db.enrol(&code).await.unwrap();
    let push = |body: &String| {
        Request::post("/api/v1/contacts")
            .header(header::CONTENT_TYPE, "application/json")
            .header(header::AUTHORIZATION, format!("Bearer {token}"))
            .body(Body::from(body.clone()))
            .unwrap()
    };

    let bodies: Vec<String> = (0..BATCHES)
        .map(|b| json!({ "contacts": (0..BATCH).map(|i| contact((b * BATCH + i) as u64)).collect::<Vec<_>>() }).to_string())
        .collect();
    let mut latencies = Vec::new();
    let started = Instant::now();
    for body in &bodies {
        let t = Instant::now();
        let response = app.clone().oneshot(push(body)).await.unwrap();
        assert_eq!(response.status(), StatusCode::OK);
        latencies.push(t.elapsed());
    }
    let total = started.elapsed();
    latencies.sort();
    let n = BATCH * BATCHES;
    println!("ingest, {backend}, {BATCHES} batches of {BATCH} through the router:");
    println!("  {n} contacts in {:.2} s = {:.0} contacts/s", total.as_secs_f64(), n as f64 / total.as_secs_f64());
    println!(
        "  per batch: p50 {:.1} ms, p99 {:.1} ms, max {:.1} ms",
        ms(percentile(&latencies, 0.5)),
        ms(percentile(&latencies, 0.99)),
        ms(*latencies.last().unwrap())
    );

    // The same batches again: every contact is a duplicate (a device retrying).
    let t = Instant::now();
    for body in &bodies {
        assert_eq!(app.clone().oneshot(push(body)).await.unwrap().status(), StatusCode::OK);
    }
    println!("  re-push of all {n} (duplicates): {:.0} contacts/s", n as f64 / t.elapsed().as_secs_f64());
    assert_eq!(db.contact_count(device.structure_id).await.unwrap(), n as i64, "each contact stored once");
    db.close().await;
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}
