//! Who may call what, on both databases: every endpoint with no token, a revoked one, a
//! mediator of structure A, a mediator of B, a coordinator of the département and one limited
//! to one EPCI; then what each reads in the figures (scope, "< 5", refused filters).

use axum::body::Body;
use axum::http::StatusCode;
use common::api::{Server, servers};
use common::contact;
use repere_server::coverage::communes;
use serde_json::{Value, json};

mod common;

/// Grand Poitiers (Poitiers 86194, Buxerolles 86041) and Vienne et Gartempe (Adriers 86001).
const POITIERS: &str = "200069854";
const GARTEMPE: &str = "200070043";

/// A contact given at a commune by someone living in `residence`.
fn at(n: u64, commune: &str, residence: &str) -> Value {
    let mut c = contact(n);
    c["lieu"] = json!({ "kind": "commune", "code": commune });
    c["beneficiaire"]["commune"] = json!(residence);
    c
}

struct Tokens {
    revoked: String,
    a: String,
    b: String,
    departement: String,
    poitiers: String,
    revoked_coordinator: String,
}

async fn setup(s: &Server) -> Tokens {
    let a = s.device("Structure A").await;
    let b = s.device("Structure B").await;
    // A: 6 people of Poitiers and 2 of Buxerolles helped in Poitiers; B: 3 in Adriers.
    let mut pushed = (1..=6).map(|n| at(n, "86194", "86194")).collect::<Vec<_>>();
    pushed.extend([at(7, "86194", "86041"), at(8, "86194", "86041")]);
    assert_eq!(s.push(&a, pushed).await.0, StatusCode::OK);
    assert_eq!(s.push(&b, (11..=13).map(|n| at(n, "86001", "86001")).collect()).await.0, StatusCode::OK);
    let (revoked, id) = s.enrolled("Structure A").await;
    s.db.revoke(&id).await.unwrap();
    let (revoked_coordinator, id) = s.coordinator(&[]).await;
    s.db.revoke(&id).await.unwrap();
    Tokens { revoked, a, b, departement: s.coordinator(&[]).await.0, poitiers: s.coordinator(&[POITIERS]).await.0, revoked_coordinator }
}

#[tokio::test]
async fn every_endpoint_answers_each_role_and_scope_as_it_should() {
    for s in servers().await {
        eprintln!("backend: {:?}", s.db.backend());
        let t = setup(&s).await;
        let push = json!({ "contacts": [contact(99)] }).to_string();
        let roles = roles(&t);
        // (method, path, body, expected status per role in the order above)
        let u = StatusCode::UNAUTHORIZED;
        let (ok, forbidden) = (StatusCode::OK, StatusCode::FORBIDDEN);
        // Enrolment is public (a token is not looked at) and rate-limited per address: tried once.
        let (status, answer) = s.call("POST", "/api/v1/devices", Some(&t.departement), r#"{"code": "AAAAA-AAAA-AAAA"}"#).await;
        assert_eq!((status, answer["error"]["code"].as_str()), (StatusCode::FORBIDDEN, Some("enrolment_code_invalid")));
        let gartempe_only = format!("/api/v1/export/activites.csv?epci={GARTEMPE}");
        let coordinators = [u, u, u, forbidden, forbidden, ok, ok];
        // A table the département's coordination may send (every commune to the first place).
        let (places, _) = s.db.current_places().await.unwrap();
        let first = &repere_core::coverage::Help::from_places(&places)[0].id;
        let times =
            communes().iter().fold("code_insee,place_id,minutes\n".to_owned(), |csv, c| csv + &format!("{},{first},9\n", c.code_insee));
        let departement_only = [u, u, u, forbidden, forbidden, ok, forbidden];
        // A place in Buxerolles (Grand Poitiers) and one in Adriers (Vienne et Gartempe).
        let (in_poitiers, in_gartempe) =
            ("/api/v1/places/france-services-2937/link", "/api/v1/places/conseiller-numerique-62d7f4be9c289e06decf00a6/link");
        let not_found = StatusCode::NOT_FOUND;
        let matrix: [Row; 22] = [
            ("GET", "/api/v1/health", "", [ok; 7]),
            ("GET", "/api/v1/registry?since=0", "", [ok; 7]),
            ("POST", "/api/v1/contacts", &push, [u, u, u, ok, ok, forbidden, forbidden]),
            ("GET", "/api/v1/contacts/count", "", [u, u, u, ok, ok, forbidden, forbidden]),
            ("GET", "/api/v1/stats", "", [u, u, u, ok, ok, ok, ok]),
            ("GET", "/api/v1/stats?du=2026-01-01&au=2026-12-31", "", [u, u, u, ok, ok, ok, ok]),
            ("GET", "/api/v1/coordination/choices", "", [u, u, u, ok, ok, ok, ok]),
            ("GET", "/api/v1/export/activites.csv", "", [u, u, u, ok, ok, ok, ok]),
            ("GET", "/api/v1/export/activites.xlsx", "", [u, u, u, ok, ok, ok, ok]),
            ("GET", "/api/v1/export/statistiques.xlsx?du=2026-01-01", "", [u, u, u, ok, ok, ok, ok]),
            ("GET", &gartempe_only, "", [u, u, u, forbidden, forbidden, ok, forbidden]),
            ("GET", "/api/v1/coverage/times", "", coordinators),
            ("GET", "/api/v1/registry/updates", "", coordinators),
            ("GET", "/api/v1/export/couverture.csv?seuil=15", "", coordinators),
            ("GET", "/api/v1/export/couverture.xlsx", "", coordinators),
            ("GET", "/api/v1/export/registre.csv", "", coordinators),
            ("GET", "/api/v1/export/registre.json?forme=standard", "", coordinators),
            ("POST", "/api/v1/coverage/times?fichier=temps.csv", &times, departement_only),
            ("DELETE", "/api/v1/coverage/times", "", departement_only),
            ("POST", in_poitiers, "", coordinators),
            ("POST", in_gartempe, "", departement_only),
            ("POST", "/api/v1/places/lieu-inconnu/link", "", [u, u, u, forbidden, forbidden, not_found, not_found]),
        ];
        check(&s, &roles, &matrix).await;
    }
}

/// An endpoint, its body, and the status each role of [`roles`] must get.
type Row<'a> = (&'a str, &'a str, &'a str, [StatusCode; 7]);

/// The seven callers, in the order of a row's statuses.
fn roles(t: &Tokens) -> [(&'static str, Option<&str>); 7] {
    [
        ("none", None),
        ("revoked", Some(&t.revoked)),
        ("revoked coordinator", Some(&t.revoked_coordinator)),
        ("mediator A", Some(&t.a)),
        ("mediator B", Some(&t.b)),
        ("département", Some(&t.departement)),
        ("EPCI", Some(&t.poitiers)),
    ]
}

/// Calls every row as every role. A server refuses 60 bad tokens a minute per address, so a
/// matrix of more than 30 rows with tokens is split across servers.
async fn check(s: &Server, roles: &[(&str, Option<&str>); 7], rows: &[Row<'_>]) {
    let forbidden = StatusCode::FORBIDDEN;
    for (method, path, body, expected) in rows.iter().copied() {
        for ((role, token), want) in roles.iter().zip(expected) {
            let (status, answer) = if method == "POST" && path.starts_with("/api/v1/coverage/") {
                s.call_as("text/csv", method, path, *token, Body::from(body.to_owned())).await
            } else {
                s.call(method, path, *token, Body::from(body.to_owned())).await
            };
            if status.is_success() && path.starts_with("/api/v1/export/") {
                continue; // a file, not JSON: what it holds is checked below
            }
            assert_eq!(status, want, "{:?} {role}: {method} {path}: {answer}", s.db.backend());
            if !status.is_success() {
                assert!(answer["error"]["code"].is_string(), "{role} {path}: JSON error {answer}");
            }
            if want == forbidden
                && (path.starts_with("/api/v1/contacts")
                    || path.contains("couverture")
                    || path.contains("coverage")
                    || path.contains("registre")
                    || path.starts_with("/api/v1/places/")
                    || path.starts_with("/api/v1/moderation")
                    || path.contains("stops")
                    || path.contains("arrets"))
            {
                assert_eq!(answer["error"]["code"], "forbidden", "{role} {path}");
            }
        }
    }
}

/// Issue #15's upkeep endpoints, on servers of their own (see [`check`]).
#[tokio::test]
async fn the_registry_upkeep_answers_each_role_and_scope_as_it_should() {
    for s in servers().await {
        eprintln!("backend: {:?}", s.db.backend());
        let t = setup(&s).await;
        let roles = roles(&t);
        let u = StatusCode::UNAUTHORIZED;
        let (ok, forbidden, not_found) = (StatusCode::OK, StatusCode::FORBIDDEN, StatusCode::NOT_FOUND);
        let coordinators = [u, u, u, forbidden, forbidden, ok, ok];
        // Issue #15's upkeep: coordinators read; a decision on an unknown candidate is named (422).
        let unknown = json!({ "decisions": [{ "id": "inconnu", "action": "reject" }] }).to_string();
        let counts = json!({ "id": "6f1c1a52-5f0e-4f4e-9a43-0d8b8d4b9c11", "jours": [] }).to_string();
        let named = StatusCode::UNPROCESSABLE_ENTITY;
        let report = json!({"reports": [{"id": "6f1c1a52-5f0e-4f4e-9a43-0d8b8d4b9c11", "place_id": "france-services-2937", "version": 1,
                                         "motif": "ferme", "jour": "2026-11-30"}]})
        .to_string();
        // Issue #16's stops editor: an unchanged list is answered 200 (no new version); a place
        // of Vienne et Gartempe is outside Grand Poitiers' coordinator's EPCI.
        let version = s.db.registry_version().await.unwrap();
        let stops_of = |lieu: &str| json!({ "lieu": lieu, "version": version, "stops": [] }).to_string();
        let (bus, gartempe, unknown_place) =
            (stops_of("france-services-2102"), stops_of("conseiller-numerique-62d7f4be9c289e06decf00a6"), stops_of("lieu-inconnu"));
        let matrix: [Row; 19] = [
            ("GET", "/api/v1/stops", "", coordinators),
            ("PUT", "/api/v1/stops", &bus, coordinators),
            ("PUT", "/api/v1/stops", &gartempe, [u, u, u, forbidden, forbidden, ok, forbidden]),
            ("PUT", "/api/v1/stops", &unknown_place, [u, u, u, forbidden, forbidden, not_found, not_found]),
            ("GET", "/api/v1/export/arrets.csv", "", coordinators),
            ("GET", "/api/v1/candidates", "", coordinators),
            ("POST", "/api/v1/candidates", &unknown, [u, u, u, forbidden, forbidden, named, named]),
            ("GET", "/api/v1/duplicates", "", coordinators),
            ("GET", "/api/v1/reminders", "", coordinators),
            (
                "POST",
                "/api/v1/reminders/frequency",
                r#"{"place_id": "lieu-inconnu", "months": 6}"#,
                [u, u, u, forbidden, forbidden, named, named],
            ),
            (
                "POST",
                "/api/v1/duplicates",
                r#"{"a": "lieu-inconnu", "b": "autre", "decision": "apart"}"#,
                [u, u, u, forbidden, forbidden, named, named],
            ),
            ("GET", "/api/v1/export/relances.csv", "", coordinators),
            ("GET", "/api/v1/consultations", "", coordinators),
            ("POST", "/api/v1/consultations", &counts, [ok; 7]),
            // Residents report without an account: a token, even a revoked one, is not looked at.
            ("POST", "/api/v1/reports", &report, [ok; 7]),
            ("GET", "/api/v1/moderation", "", coordinators),
            ("POST", "/api/v1/moderation", r#"{"decisions": []}"#, coordinators),
            ("GET", "/api/v1/moderation/audit?limit=5", "", coordinators),
            ("POST", "/api/v1/moderation/undo", r#"{"id": 999999}"#, [u, u, u, forbidden, forbidden, not_found, not_found]),
        ];
        check(&s, &roles, &matrix).await;
    }
}

async fn stats(s: &Server, token: &str, query: &str) -> (StatusCode, Value) {
    s.call("GET", &format!("/api/v1/stats{query}"), Some(token), Body::empty()).await
}

/// A row's count in a section of a FiguresDto.
fn count(figures: &Value, breakdown: &str, code: &str) -> Value {
    let section = figures["sections"].as_array().unwrap().iter().find(|s| s["breakdown"] == breakdown).unwrap();
    section["rows"].as_array().unwrap().iter().find(|r| r["code"] == code).map_or(Value::Null, |r| r["count"].clone())
}

#[tokio::test]
async fn each_reader_sees_its_scope_and_small_counts_are_hidden_from_coordinators_only() {
    for s in servers().await {
        eprintln!("backend: {:?}", s.db.backend());
        let t = setup(&s).await;
        let (_, a) = stats(&s, &t.a, "").await;
        assert_eq!(
            (a["totals"]["accompagnements"].as_u64(), a["scope"].as_str(), &a["protected"]),
            (Some(8), Some("Structure A"), &json!(false))
        );
        assert_eq!(count(&a, "communes_residence", "86041"), json!(2), "his own structure's counts are exact");
        assert_eq!(a["names"]["86041"], "Buxerolles");
        let (_, b) = stats(&s, &t.b, "").await;
        assert_eq!(b["totals"]["accompagnements"].as_u64(), Some(3));

        let (_, all) = stats(&s, &t.departement, "").await;
        assert_eq!((all["totals"]["accompagnements"].as_u64(), all["scope"].as_str()), (Some(11), Some("Département de la Vienne")));
        assert_eq!(
            (count(&all, "communes_residence", "86041"), count(&all, "communes_residence", "86194")),
            (json!("< 5"), json!("masqué"))
        );
        assert_eq!((count(&all, "epci", POITIERS), count(&all, "epci", GARTEMPE)), (json!(8), json!(3)));
        let (_, poitiers) = stats(&s, &t.poitiers, "").await;
        assert_eq!((poitiers["totals"]["accompagnements"].as_u64(), poitiers["scope"].as_str()), (Some(8), Some("CU du Grand Poitiers")));
        assert_eq!(count(&poitiers, "epci", GARTEMPE), Value::Null, "another EPCI's contacts are not counted");
        assert_eq!(
            (count(&poitiers, "communes_residence", "86041"), count(&poitiers, "communes_residence", "86194")),
            (json!("< 5"), json!("masqué")),
            "a lone '< 5' is not left to subtraction from the total"
        );
        let (_, within) = stats(&s, &t.poitiers, "?commune=86194&epci=200069854").await;
        assert_eq!(within["totals"]["accompagnements"].as_u64(), Some(8));

        let structure_b = s.db.structure_names().await.unwrap().into_iter().find(|(_, n)| n == "Structure B").unwrap().0;
        for (token, query, field) in [
            (&t.a, format!("?structure={structure_b}"), "structure"),
            (&t.a, format!("?epci={POITIERS}"), "epci"),
            (&t.poitiers, format!("?epci={GARTEMPE}"), "epci"),
            (&t.poitiers, "?commune=86001".to_owned(), "commune"),
            (&t.poitiers, "?lieu=commune-86001".to_owned(), "lieu"),
        ] {
            let (status, answer) = stats(&s, token, &query).await;
            assert_eq!((status, answer["error"]["code"].as_str()), (StatusCode::FORBIDDEN, Some("forbidden")), "{query}: {answer}");
            assert!(answer["error"]["message"].as_str().unwrap().starts_with(field), "{query}: {answer}");
        }
        let (_, whole) = stats(&s, &t.departement, &format!("?structure={structure_b}")).await;
        assert_eq!(whole["totals"]["accompagnements"].as_u64(), Some(3), "the département filters by any structure");

        for (query, field) in [
            ("?du=2026-05-01&au=2026-04-01", "au"),
            ("?du=2026-13-01", "du"),
            ("?epci=123", "epci"),
            ("?commune=75056", "commune"),
            ("?structure=99999", "structure"),
            ("?lieu=nulle-part", "lieu"),
            ("?nom=Dupont", "filtre"),
        ] {
            let (status, answer) = stats(&s, &t.departement, query).await;
            assert_eq!((status, answer["error"]["code"].as_str()), (StatusCode::BAD_REQUEST, Some("bad_filter")), "{query}: {answer}");
            assert!(answer["error"]["message"].as_str().unwrap().starts_with(field), "{query}: {answer}");
        }

        let choices = |token: String| {
            let s = &s;
            async move { s.call("GET", "/api/v1/coordination/choices", Some(&token), Body::empty()).await.1 }
        };
        let names = |v: &Value, list: &str, field: &str| v[list].as_array().unwrap().iter().map(|x| x[field].clone()).collect::<Vec<_>>();
        let mine = choices(t.a.clone()).await;
        assert_eq!((names(&mine, "structures", "name"), names(&mine, "epci", "siren")), (vec![json!("Structure A")], vec![]));
        let poitiers = choices(t.poitiers.clone()).await;
        assert_eq!(
            (names(&poitiers, "structures", "name"), names(&poitiers, "epci", "siren")),
            (vec![json!("Structure A")], vec![json!(POITIERS)])
        );
        let all = choices(t.departement.clone()).await;
        assert_eq!((names(&all, "structures", "name").len(), names(&all, "epci", "siren").len()), (2, 7));
    }
}

/// An export as a browser downloads it: status, `Content-Disposition`, body.
async fn download(s: &Server, token: &str, path: &str) -> (StatusCode, String, Vec<u8>) {
    use http_body_util::BodyExt;
    use tower::ServiceExt;
    let request = axum::http::Request::get(path).header("authorization", format!("Bearer {token}")).body(Body::empty()).unwrap();
    let response = s.app.clone().oneshot(request).await.unwrap();
    let disposition = response.headers().get("content-disposition").map(|v| v.to_str().unwrap().to_owned()).unwrap_or_default();
    (response.status(), disposition, response.into_body().collect().await.unwrap().to_bytes().to_vec())
}

#[tokio::test]
async fn each_reader_downloads_only_its_scope() {
    for s in servers().await {
        let t = setup(&s).await;
        // One record per person helped (header first; a cell may hold line breaks); the
        // structure is the last column.
        let lines = |csv: &[u8]| {
            csv::Reader::from_reader(csv).records().map(|r| r.unwrap().iter().collect::<Vec<_>>().join(",")).collect::<Vec<_>>()
        };
        let (status, disposition, csv) = download(&s, &t.departement, "/api/v1/export/activites.csv").await;
        assert_eq!(status, StatusCode::OK);
        assert!(disposition.starts_with("attachment; filename=\"repere_activites_") && disposition.ends_with(".csv\""), "{disposition}");
        assert!(csv.starts_with(b"Date,"), "La Coop's header first");
        assert_eq!(lines(&csv).len(), 11);
        let (_, _, mine) = download(&s, &t.a, "/api/v1/export/activites.csv").await;
        assert_eq!(lines(&mine).len(), 8);
        assert!(lines(&mine).iter().all(|l| l.ends_with("Structure A")), "a mediator exports his structure only");
        let (_, _, poitiers) = download(&s, &t.poitiers, "/api/v1/export/activites.csv").await;
        assert_eq!(lines(&poitiers).len(), 8, "an EPCI coordinator exports his EPCI only");
        assert!(lines(&poitiers).iter().all(|l| l.contains("86194")));
        // Buxerolles (2 people) is "< 5" in the figures: its rows keep everything but the commune.
        let buxerolles = |csv: &[u8]| lines(csv).iter().filter(|l| l.contains("86041")).count();
        assert_eq!((buxerolles(&mine), buxerolles(&poitiers)), (2, 0), "exact for its structure, hidden from coordinators");
        let (_, _, period) = download(&s, &t.departement, "/api/v1/export/activites.csv?du=2030-01-01").await;
        assert_eq!(lines(&period).len(), 0, "the filter applies");
        let (status, disposition, xlsx) = download(&s, &t.poitiers, "/api/v1/export/statistiques.xlsx").await;
        assert_eq!(status, StatusCode::OK);
        assert!(disposition.contains("repere_statistiques_") && xlsx.starts_with(b"PK"), "{disposition}");
        let (status, _, refused) = download(&s, &t.poitiers, "/api/v1/export/activites.xlsx?du=2026-13-01").await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
        assert!(String::from_utf8_lossy(&refused).contains("du : date attendue"));
    }
}
