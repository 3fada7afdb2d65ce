//! Candidate places on both databases: `seeds/candidats.csv` imported (twice: nothing changes),
//! listed to coordinators by scope and never to residents, decided all or nothing, the accepted
//! ones published as one version that a phone pulls as a delta; and the département's
//! indicators on the seeds once every candidate is accepted.

use axum::body::Body;
use axum::http::StatusCode;
use common::api::{Server, servers};
use repere_core::hours::Window;
use repere_core::quality::Review;
use repere_core::registry::Service;
use repere_server::candidates::{Imported, read_file};
use serde_json::{Value, json};

mod common;

const CANDIDATES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../seeds/candidats.csv");
/// CC du Civraisien en Poitou.
const CIVRAISIEN: &str = "200070035";

async fn imported(s: &Server) -> Imported {
    repere_server::candidates::import_file(&s.db, std::path::Path::new(CANDIDATES)).await.unwrap()
}

async fn registry_ids(s: &Server, since: u64) -> (Vec<String>, Vec<String>) {
    let (status, registry) = s.call("GET", &format!("/api/v1/registry?since={since}"), None, Body::empty()).await;
    assert_eq!(status, StatusCode::OK);
    let ids = |v: &Value| {
        v.as_array()
            .map(|a| a.iter().map(|p| p["id"].as_str().unwrap_or(p.as_str().unwrap_or("")).to_owned()).collect())
            .unwrap_or_default()
    };
    (ids(&registry["places"]), ids(&registry["removed"]))
}

#[tokio::test]
async fn candidates_are_imported_once_and_never_reach_residents() {
    for s in servers().await {
        let first = imported(&s).await;
        assert_eq!(first, Imported { added: 213, ..Imported::default() }, "{:?}", s.db.backend());
        assert_eq!(imported(&s).await, Imported { unchanged: 213, ..Imported::default() }, "a second import changes nothing");

        let (departement, _) = s.coordinator(&[]).await;
        let (status, list) = s.call("GET", "/api/v1/candidates", Some(&departement), Body::empty()).await;
        assert_eq!(status, StatusCode::OK, "{list}");
        let candidates = list["candidates"].as_array().unwrap();
        assert_eq!(list["counts"], json!({ "pending": 213, "accepted": 0, "rejected": 0 }));
        let by_source = |src: &str| candidates.iter().filter(|c| c["source"] == src).count();
        assert_eq!((by_source("bibliotheques"), by_source("centres_sociaux")), (188, 25));
        let centre = candidates.iter().find(|c| c["id"] == "centre-social-523").unwrap();
        assert_eq!(centre["a_completer"], json!(["adresse"]), "{centre}");
        assert_eq!(centre["commune"], "Poitiers");

        let (places, _) = registry_ids(&s, 0).await;
        assert_eq!(places.len(), 141, "no candidate in the published registry");
        assert!(places.iter().all(|id| !id.starts_with("bibliotheque-") && !id.starts_with("centre-social-")));

        let (civraisien, _) = s.coordinator(&[CIVRAISIEN]).await;
        let (_, mine) = s.call("GET", "/api/v1/candidates", Some(&civraisien), Body::empty()).await;
        let mine = mine["candidates"].as_array().unwrap();
        assert!(!mine.is_empty() && mine.len() < 213, "{}", mine.len());
        assert!(mine.iter().all(|c| repere_server::territory::epci_of(c["code_insee"].as_str().unwrap()) == Some(CIVRAISIEN)));
        let mediator = s.device("La Blaiserie").await;
        assert_eq!(s.call("GET", "/api/v1/candidates", Some(&mediator), Body::empty()).await.0, StatusCode::FORBIDDEN);
        assert_eq!(s.call("GET", "/api/v1/candidates", None, Body::empty()).await.0, StatusCode::UNAUTHORIZED);
    }
}

async fn decide(s: &Server, token: &str, decisions: Value) -> (StatusCode, Value) {
    s.call("POST", "/api/v1/candidates", Some(token), json!({ "decisions": decisions }).to_string()).await
}

#[tokio::test]
async fn decisions_are_checked_whole_then_published_as_one_version() {
    for s in servers().await {
        imported(&s).await;
        let (departement, _) = s.coordinator(&[]).await;
        let before = s.db.registry_version().await.unwrap();
        // A centre social without the address it lacks, an unknown id, a bad phone: all named, nothing written.
        let (status, refused) = decide(
            &s,
            &departement,
            json!([
                { "id": "bibliotheque-3882", "action": "accept" },
                { "id": "centre-social-523", "action": "accept" },
                { "id": "bibliotheque-0", "action": "reject" },
                { "id": "bibliotheque-10846", "action": "accept", "changes": { "telephone": "12" } },
            ]),
        )
        .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{refused}");
        let fields: Vec<(&str, &str)> = refused["error"]["details"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| (d["id"].as_str().unwrap(), d["field"].as_str().unwrap()))
            .collect();
        assert_eq!(fields, [("centre-social-523", "adresse"), ("bibliotheque-0", "id"), ("bibliotheque-10846", "telephone")]);
        assert_eq!(s.db.registry_version().await.unwrap(), before, "{:?}: nothing published", s.db.backend());

        let (status, done) = decide(
            &s,
            &departement,
            json!([
                { "id": "bibliotheque-3882", "action": "accept", "changes": { "services": "Accès internet et matériel informatique" } },
                { "id": "centre-social-523", "action": "accept", "changes": { "adresse": "37 rue de la Blaiserie" } },
                { "id": "bibliotheque-10846", "action": "reject", "reason": "fermée depuis 2023" },
            ]),
        )
        .await;
        assert_eq!(status, StatusCode::OK, "{done}");
        assert_eq!(done, json!({ "version": before + 1, "accepted": 2, "rejected": 1 }));
        let (changed, removed) = registry_ids(&s, before).await;
        assert_eq!((changed, removed), (vec!["bibliotheque-3882".to_owned(), "centre-social-523".to_owned()], vec![]));
        let current = s.db.current_place("bibliotheque-3882").await.unwrap().unwrap();
        assert_eq!(current.place.date_maj, chrono::Utc::now().date_naive(), "dated the day it was verified");
        assert!(current.place.services.contains(Service::AccesInternetMateriel));
        let updates = s.db.recent_place_updates(12).await.unwrap();
        assert_eq!(updates.iter().filter(|u| u.version == before + 1 && u.made_by == "departement").count(), 2);

        let (status, again) = decide(&s, &departement, json!([{ "id": "bibliotheque-10846", "action": "accept" }])).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(again["error"]["details"][0]["reason"], "déjà refusé");
        let (_, list) = s.call("GET", "/api/v1/candidates", Some(&departement), Body::empty()).await;
        assert_eq!(list["counts"], json!({ "pending": 210, "accepted": 2, "rejected": 1 }));

        // An EPCI coordinator decides only his EPCI's candidates.
        let (civraisien, _) = s.coordinator(&[CIVRAISIEN]).await;
        let body = json!({ "decisions": [{ "id": "bibliotheque-3894", "action": "reject" }] }).to_string();
        let (status, outside) = s.call("POST", "/api/v1/candidates", Some(&civraisien), body).await;
        assert_eq!((status, outside["error"]["details"][0]["field"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("id")));
    }
}

#[test]
fn a_bad_row_is_named_by_line_and_field_and_nothing_is_kept() {
    let good = std::fs::read_to_string(CANDIDATES).unwrap();
    let mut lines: Vec<String> = good.lines().map(str::to_owned).collect();
    lines[2] = lines[2].replace(",86490,", ",8649,");
    lines.push(lines[1].clone());
    let errors = read_file(lines.join("\n").as_bytes(), Window::for_date("2026-11-30".parse().unwrap())).unwrap_err();
    let named: Vec<String> = errors.iter().map(ToString::to_string).collect();
    assert_eq!(named.len(), 2, "{named:?}");
    assert!(named[0].starts_with("ligne 3, champ code_postal"), "{named:?}");
    assert_eq!(named[1], "ligne 215, champ id : « bibliotheque-3882 » figure déjà plus haut");
}

/// The measure: the indicators on the seeds once every candidate is accepted as it
/// stands (the centres sociaux given an address, since they cannot be accepted without one).
#[tokio::test]
async fn indicators_after_accepting_every_candidate() {
    let s = servers().await.remove(0);
    imported(&s).await;
    let today = chrono::Utc::now().date_naive();
    let internet =
        |places: &[repere_core::registry::Place]| places.iter().filter(|p| p.services.contains(Service::AccesInternetMateriel)).count();
    let (before, _) = s.db.current_places().await.unwrap();
    let reliability_before = Review::new(&before, today, |_| None).reliability();

    let (departement, _) = s.coordinator(&[]).await;
    let (_, list) = s.call("GET", "/api/v1/candidates", Some(&departement), Body::empty()).await;
    let decisions: Vec<Value> = list["candidates"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| match c["a_completer"].as_array().unwrap().is_empty() {
            true => json!({ "id": c["id"], "action": "accept" }),
            false => json!({ "id": c["id"], "action": "accept", "changes": { "adresse": "adresse vérifiée" } }),
        })
        .collect();
    let (status, done) = s.call("POST", "/api/v1/candidates", Some(&departement), json!({ "decisions": decisions }).to_string()).await;
    assert_eq!((status, &done["accepted"]), (StatusCode::OK, &json!(213)), "{done}");
    let (after, _) = s.db.current_places().await.unwrap();
    let reliability = Review::new(&after, today, |_| None).reliability();
    assert_eq!(after.len(), 141 + 213);
    assert_eq!(
        reliability,
        repere_core::quality::Share { part: 213, total: 354 },
        "the verified candidates are « À jour », the seeds are not"
    );
    assert_eq!(internet(&after), internet(&before), "no source says a library offers internet access: not invented");
    eprintln!(
        "FIGURES before: {} places, reliability {:?} %, internet {}; after: {} places, reliability {:?} %, internet {}",
        before.len(),
        reliability_before.percent(),
        internet(&before),
        after.len(),
        reliability.percent(),
        internet(&after)
    );
    // The accepted places read back as the registry's import reads them.
    let (_, registry) = s.call("GET", "/api/v1/registry?since=0", None, Body::empty()).await;
    let rows = registry["places"].as_array().unwrap();
    assert_eq!(repere_core::registry::read_device_rows(rows).errors.len(), 0);
}

#[tokio::test]
async fn the_registry_download_with_candidates() {
    use http_body_util::BodyExt;
    use tower::ServiceExt;
    for s in servers().await {
        imported(&s).await;
        let (departement, _) = s.coordinator(&[]).await;
        let get = |query: &'static str| {
            let request = axum::http::Request::get(format!("/api/v1/export/registre.csv{query}"))
                .header(axum::http::header::AUTHORIZATION, format!("Bearer {departement}"))
                .body(Body::empty())
                .unwrap();
            s.app.clone().oneshot(request)
        };
        let rows = |bytes: &[u8]| csv::Reader::from_reader(bytes).records().count();
        let with = get("?candidats=1").await.unwrap();
        assert_eq!(with.status(), StatusCode::OK);
        assert!(with.headers()[axum::http::header::CONTENT_DISPOSITION].to_str().unwrap().contains("repere_registre_avec_candidats_"));
        assert_eq!(
            rows(&with.into_body().collect().await.unwrap().to_bytes()),
            141 + 188,
            "{:?}: without the 25 lacking an address",
            s.db.backend()
        );
        let without = get("").await.unwrap();
        assert_eq!(rows(&without.into_body().collect().await.unwrap().to_bytes()), 141);
        assert_eq!(get("?candidats=oui").await.unwrap().status(), StatusCode::BAD_REQUEST);
    }
}
