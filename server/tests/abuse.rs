//! What an outside probe found (commit 78f82a2), one regression test each, on SQLite and
//! PostgreSQL where storage is involved. Every refusal is a JSON 4xx; none is a 5xx.
//! `scripts/probe` replays the same attacks against the real binary over the network.

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{Request, StatusCode, header};
use common::api::{Server, servers};
use common::contact;
use http_body_util::BodyExt;
use repere_server::http::{Limits, router};
use repere_server::{State, db::Database};
use serde_json::{Value, json};
use tower::ServiceExt;

mod common;

/// A registry id of the bundled registry (every fresh database publishes it).
async fn some_place(s: &Server) -> String {
    let (_, registry) = s.call("GET", "/api/v1/registry?since=0", None, Body::empty()).await;
    registry["places"][0]["id"].as_str().unwrap().to_owned()
}

fn fields(answer: &Value) -> Vec<&str> {
    answer["error"]["details"].as_array().map(|d| d.iter().map(|p| p["field"].as_str().unwrap()).collect()).unwrap_or_default()
}

/// Regression: `lieu.registre.id` and `orientation.lieu` accepted any string, and a helped
/// person's name, phone and e-mail were stored word for word; `{"kind": "bus", "nom": …}` was
/// accepted with the name dropped.
#[tokio::test]
async fn identifiers_must_name_a_place_or_commune_and_carry_no_free_text() {
    for s in servers().await {
        eprintln!("backend: {:?}", s.db.backend());
        let token = s.device("La Blaiserie").await;
        let place = some_place(&s).await;
        let at = |n: u64, lieu: Value| {
            let mut c = contact(n);
            c["lieu"] = lieu;
            c
        };
        let person = "Jean Dupont 06 12 34 56 78 jean.dupont@example.fr";
        let mut oriented = at(3, json!({ "kind": "registre", "id": place }));
        oriented["orientation"] = json!({ "structure": "autre", "lieu": person });
        let mut elsewhere = contact(4);
        elsewhere["beneficiaire"]["commune"] = json!("75056");
        let cases = [
            (at(1, json!({ "kind": "registre", "id": "france-services-0000000" })), vec!["lieu"]),
            (at(2, json!({ "kind": "registre", "id": person })), vec!["lieu"]),
            (oriented, vec!["orientation"]),
            (elsewhere, vec!["commune"]),
            (at(5, json!({ "kind": "commune", "code": "79191" })), vec!["lieu"]),
        ];
        for (c, expected) in cases {
            let (status, answer) = s.push(&token, vec![c]).await;
            assert_eq!((status, fields(&answer)), (StatusCode::UNPROCESSABLE_ENTITY, expected), "{answer}");
            assert!(!answer.to_string().contains("Jean"), "never echoed: {answer}");
        }
        let (status, answer) = s.push(&token, vec![at(6, json!({ "kind": "bus", "nom": "Jean Dupont" }))]).await;
        assert_eq!((status, answer["error"]["code"].as_str()), (StatusCode::BAD_REQUEST, Some("malformed_json")), "{answer}");

        let long = "x".repeat(100_000);
        let (status, answer) = s.push(&token, vec![at(7, json!({ "kind": "registre", "id": long }))]).await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
        assert!(answer.to_string().len() < 1024, "{answer}");

        let valid = vec![at(8, json!({ "kind": "registre", "id": place })), at(9, json!({ "kind": "commune", "code": "86194" }))];
        let (status, answer) = s.push(&token, valid).await;
        assert_eq!((status, answer["stored"].as_u64()), (StatusCode::OK, Some(2)), "{answer}");
        assert_eq!(s.count(&token).await, 2, "only the valid ones");
    }
}

/// Regression: a 1.6 MB push with a 400,000-item `materiel` array got a 51 MB answer.
#[tokio::test]
async fn a_huge_list_is_refused_while_read_with_a_short_answer() {
    let s = servers().await.remove(0);
    let token = s.device("La Blaiserie").await;
    let mut c = contact(1);
    c["materiel"] = json!(vec!["telephone"; 400_000]);
    let body = json!({ "contacts": [c] }).to_string();
    assert!(body.len() > 1_000_000);
    let request =
        Request::post("/api/v1/contacts").header(header::AUTHORIZATION, format!("Bearer {token}")).body(Body::from(body)).unwrap();
    let response = big_server(&s.db, 8 << 20).oneshot(request).await.unwrap();
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    let answer = response.into_body().collect().await.unwrap().to_bytes();
    assert!(answer.len() < 1024 && String::from_utf8_lossy(&answer).contains("more than 32 codes"), "{answer:?}");
}

/// A router on `db` accepting bodies up to `max_body_bytes`.
fn big_server(db: &Database, max_body_bytes: usize) -> axum::Router {
    let dist = tempfile::tempdir().unwrap();
    std::fs::write(dist.path().join("index.html"), "<!doctype html>").unwrap();
    router(State::new(db.clone()), dist.path(), Limits { max_body_bytes, request_timeout: Duration::from_secs(10) })
}

fn from(ip: [u8; 4], mut request: Request<Body>) -> Request<Body> {
    request.extensions_mut().insert(ConnectInfo(SocketAddr::from((ip, 40000))));
    request
}

/// Regression: about 141,000 wrong enrolment codes a minute were answered, each taking the
/// database's write lock.
#[tokio::test]
async fn enrolment_guessing_is_rate_limited_per_address() {
    for s in servers().await {
        eprintln!("backend: {:?}", s.db.backend());
        let guess = || Request::post("/api/v1/devices").body(Body::from(json!({ "code": "AAAAA-BBBB-CCCC" }).to_string())).unwrap();
        let mut statuses = Vec::new();
        for _ in 0..30 {
            let response = s.app.clone().oneshot(from([203, 0, 113, 7], guess())).await.unwrap();
            if response.status() == StatusCode::TOO_MANY_REQUESTS {
                assert!(response.headers()[header::RETRY_AFTER].to_str().unwrap().parse::<u64>().unwrap() >= 1);
            }
            statuses.push(response.status().as_u16());
        }
        assert_eq!(statuses.iter().filter(|&&s| s == 403).count(), 10, "{statuses:?}");
        assert_eq!(statuses.iter().filter(|&&s| s == 429).count(), 20, "{statuses:?}");
        let code = s.db.create_enrolment_code("La Blaiserie").await.unwrap();
        let real = Request::post("/api/v1/devices").body(Body::from(json!({ "code": code }).to_string())).unwrap();
        let response = s.app.clone().oneshot(from([203, 0, 113, 8], real)).await.unwrap();
        assert_eq!(response.status(), StatusCode::CREATED, "another address is not punished");
    }
}

/// Regression: on PostgreSQL an empty batch was a 500 (`IN ()`); SQLite answered 200.
#[tokio::test]
async fn an_empty_batch_is_answered_on_both_backends() {
    for s in servers().await {
        let token = s.device("La Blaiserie").await;
        let (status, answer) = s.push(&token, vec![]).await;
        assert_eq!((status, answer), (StatusCode::OK, json!({ "acked": [], "conflicts": [], "stored": 0 })), "{:?}", s.db.backend());
    }
}

/// Regression: a 256-byte path segment was answered 500 with an ERROR log line.
#[tokio::test]
async fn impossible_file_names_are_404() {
    let s = servers().await.remove(0);
    for path in [format!("/{}", "a".repeat(256)), format!("/{}.js", "a".repeat(300)), format!("/x/{}", "b/".repeat(1500))] {
        let response = s.app.clone().oneshot(Request::get(&path).body(Body::empty()).unwrap()).await.unwrap();
        assert_eq!(response.status(), StatusCode::NOT_FOUND, "{} bytes", path.len());
    }
}

/// Regression: bodies were read before the token was checked (300 unauthenticated 2 MB uploads
/// took 250 MiB). The refusal now comes without reading a byte of the body.
#[tokio::test]
async fn an_unauthenticated_body_is_never_read() {
    let s = servers().await.remove(0);
    for token in [None, Some("forged")] {
        let polled = Arc::new(AtomicBool::new(false));
        let body = Body::new(Unread(Arc::clone(&polled)));
        let mut request = Request::post("/api/v1/contacts");
        if let Some(t) = token {
            request = request.header(header::AUTHORIZATION, format!("Bearer {t}"));
        }
        let response = s.app.clone().oneshot(request.body(body).unwrap()).await.unwrap();
        assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
        assert!(!polled.load(Ordering::SeqCst), "the body was read");
    }
}

/// A request body that notes when it is first read, and never ends.
struct Unread(Arc<AtomicBool>);

impl http_body::Body for Unread {
    type Data = axum::body::Bytes;
    type Error = std::io::Error;
    fn poll_frame(
        self: std::pin::Pin<&mut Self>,
        _: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Option<Result<http_body::Frame<Self::Data>, Self::Error>>> {
        self.0.store(true, Ordering::SeqCst);
        std::task::Poll::Pending
    }
}

/// Regression: the rate limiter kept a counter for any token string; 60,000 random tokens cut a
/// client's rate by five.
#[tokio::test]
async fn random_tokens_leave_no_counters() {
    let s = servers().await.remove(0);
    let dist = tempfile::tempdir().unwrap();
    std::fs::write(dist.path().join("index.html"), "<!doctype html>").unwrap();
    let state = State::new(s.db.clone());
    let app = router(state.clone(), dist.path(), Limits { max_body_bytes: 1024, request_timeout: Duration::from_secs(5) });
    let mut refused = (0, 0);
    for n in 0..2000 {
        let request =
            Request::get("/api/v1/contacts/count").header(header::AUTHORIZATION, format!("Bearer random-{n}")).body(Body::empty());
        match app.clone().oneshot(from([198, 51, 100, 1], request.unwrap())).await.unwrap().status() {
            StatusCode::UNAUTHORIZED => refused.0 += 1,
            StatusCode::TOO_MANY_REQUESTS => refused.1 += 1,
            other => panic!("{other}"),
        }
    }
    // 401 until the address's allowance (60, refilling one a second) is spent, then 429.
    assert!((60..70).contains(&refused.0) && refused.0 + refused.1 == 2000, "{refused:?}");
    assert_eq!(state.throttle.tracked(), 1, "one counter: the address");
}

/// Regression: wrong methods were answered 405 with an empty body, and `GET /api/` with the app.
#[tokio::test]
async fn wrong_methods_and_api_roots_are_json() {
    let s = servers().await.remove(0);
    for (method, path, allow) in
        [("GET", "/api/v1/contacts", "POST"), ("POST", "/api/v1/health", "GET,HEAD"), ("DELETE", "/api/v1/registry", "GET,HEAD")]
    {
        let response = s.app.clone().oneshot(Request::builder().method(method).uri(path).body(Body::empty()).unwrap()).await.unwrap();
        assert_eq!(response.status(), StatusCode::METHOD_NOT_ALLOWED, "{method} {path}");
        assert_eq!(response.headers()[header::ALLOW], allow);
        let body: Value = serde_json::from_slice(&response.into_body().collect().await.unwrap().to_bytes()).unwrap();
        assert_eq!(body["error"]["code"], "method_not_allowed", "{method} {path}");
    }
    for path in ["/api/", "/api"] {
        let (status, body) = s.call("GET", path, None, Body::empty()).await;
        assert_eq!((status, body["error"]["code"].as_str()), (StatusCode::NOT_FOUND, Some("not_found")), "{path}");
    }
}

/// Regression: `--max-body-bytes` above 2 MiB had no effect (axum's own limit applied).
#[tokio::test]
async fn the_body_limit_is_the_configured_one() {
    let s = servers().await.remove(0);
    let token = s.device("La Blaiserie").await;
    let app = big_server(&s.db, 8 << 20);
    let padded = |size: usize| {
        let mut body = json!({ "contacts": [contact(1)] }).to_string().into_bytes();
        body.resize(size, b' ');
        Request::post("/api/v1/contacts").header(header::AUTHORIZATION, format!("Bearer {token}")).body(Body::from(body)).unwrap()
    };
    assert_eq!(app.clone().oneshot(padded(5 << 20)).await.unwrap().status(), StatusCode::OK);
    assert_eq!(app.oneshot(padded(9 << 20)).await.unwrap().status(), StatusCode::PAYLOAD_TOO_LARGE);
}

/// Regression: year-0 dates were accepted, and a `seq` of 2^64 − 1 was stored as −1. The
/// largest accepted `seq` is stored and read back exactly.
#[tokio::test]
async fn dates_and_sequence_numbers_stay_in_range() {
    for s in servers().await {
        eprintln!("backend: {:?}", s.db.backend());
        let token = s.device("La Blaiserie").await;
        let mut year_zero = contact(1);
        year_zero["debut"] = json!("0000-01-01T10:00:00");
        let mut huge = contact(2);
        huge["seq"] = json!(u64::MAX);
        let (status, answer) = s.push(&token, vec![year_zero, huge]).await;
        assert_eq!((status, fields(&answer)), (StatusCode::UNPROCESSABLE_ENTITY, vec!["debut", "seq"]), "{answer}");
        let mut largest = contact(3);
        largest["seq"] = json!((1u64 << 53) - 1);
        assert_eq!(s.push(&token, vec![largest.clone()]).await.0, StatusCode::OK);
        let (again, answer) = s.push(&token, vec![largest]).await;
        assert_eq!((again, answer["stored"].as_u64()), (StatusCode::OK, Some(0)), "read back equal: a duplicate");
        let seq: i64 = sqlx::query_scalar("SELECT device_seq FROM contacts").fetch_one(s.db.pool()).await.unwrap();
        assert_eq!(seq, (1i64 << 53) - 1);
    }
}

/// Regression: no security headers at all.
#[tokio::test]
async fn every_answer_carries_the_security_headers() {
    let s = servers().await.remove(0);
    for path in ["/", "/api/v1/health", "/api/nope"] {
        let response = s.app.clone().oneshot(Request::get(path).body(Body::empty()).unwrap()).await.unwrap();
        let h = response.headers();
        let csp = h[header::CONTENT_SECURITY_POLICY].to_str().unwrap();
        assert!(csp.contains("frame-ancestors 'none'") && csp.contains("script-src 'self'") && !csp.contains("unsafe-inline"), "{csp}");
        assert_eq!(h[header::X_CONTENT_TYPE_OPTIONS], "nosniff", "{path}");
        assert_eq!(h[header::REFERRER_POLICY], "no-referrer", "{path}");
    }
}

/// One request over a fresh connection from `source`, with a deadline; the status line.
async fn status_line_from(source: [u8; 4], addr: SocketAddr, path: &str) -> String {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let socket = tokio::net::TcpSocket::new_v4().unwrap();
    socket.bind(SocketAddr::from((source, 0))).unwrap();
    let mut stream = socket.connect(addr).await.unwrap();
    stream.write_all(format!("GET {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").as_bytes()).await.unwrap();
    let mut answer = Vec::new();
    tokio::time::timeout(Duration::from_secs(1), stream.read_to_end(&mut answer)).await.expect("answered within 1 s").unwrap();
    String::from_utf8_lossy(&answer).lines().next().unwrap_or_default().to_owned()
}

/// Regression: slow clients were never dropped; 1,100 connections sending a header line every
/// few seconds (or nothing) exhausted the open files and `/api/v1/health` stopped answering.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn slow_clients_are_dropped_and_cannot_starve_another_address() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let s = servers().await.remove(0);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let caps = repere_server::listen::Connections { header_timeout: Duration::from_secs(1), max: 1000, max_per_address: 20 };
    tokio::spawn(repere_server::listen::serve(listener, s.app.clone(), caps, std::future::pending()));

    let mut slow = Vec::new();
    for n in 0..60 {
        let mut stream = tokio::net::TcpStream::connect(addr).await.unwrap();
        if n % 2 == 0 {
            stream.write_all(b"GET /api/v1/health HTTP/1.1\r\nX-Slow: 1\r\n").await.unwrap();
        }
        slow.push(stream);
    }
    assert_eq!(status_line_from([127, 0, 0, 2], addr, "/api/v1/health").await, "HTTP/1.1 200 OK", "another address is served at once");
    tokio::time::sleep(Duration::from_millis(1500)).await;
    for (n, stream) in slow.iter_mut().enumerate() {
        let mut byte = [0; 1];
        let read = tokio::time::timeout(Duration::from_secs(1), stream.read(&mut byte)).await;
        assert!(matches!(read, Ok(Ok(0)) | Ok(Err(_))), "slow connection {n} still open: {read:?}");
    }
    assert_eq!(status_line_from([127, 0, 0, 1], addr, "/api/v1/health").await, "HTTP/1.1 200 OK", "the slow address is served again");
}
