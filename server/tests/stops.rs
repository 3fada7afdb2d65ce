//! The tours of itinerant places (issue #16), on both databases: the stops file published with
//! the registry (every bad row named, nothing published), carried over by a publication
//! without one, table `stops`; the coordinators' stops editor (`GET`/`PUT /api/v1/stops`);
//! contacts at a stop, counted and named under it, still accepted after the tour drops it.

use axum::body::Body;
use axum::http::StatusCode;
use common::api::{Server, servers};
use common::{contact, databases};
use repere_core::registry::Place;
use repere_server::db::Database;
use repere_server::registry::{PublishError, Published, Removals};
use repere_server::stops::{TourError, paris_today, publish_with_tour};
use serde_json::{Value, json};

mod common;

const TOUR: &[u8] = include_bytes!("../../tests/fixtures/tournee-bus.csv");
/// La Blaiserie's connected bus, the seeds' only itinerant place (Poitiers, Grand Poitiers).
const BUS: &str = "france-services-2102";
/// A place of Adriers (Vienne et Gartempe), not itinerant.
const ADRIERS: &str = "conseiller-numerique-62d7f4be9c289e06decf00a6";
const GARTEMPE: &str = "200070043";
const HEADER: &str = "id,lieu,nom,code_insee,latitude,longitude,horaires\n";

async fn places(db: &Database) -> Vec<Place> {
    db.current_places().await.unwrap().0
}

async fn publish(db: &Database, places: Vec<Place>, tour: Option<&[u8]>) -> Result<Published, TourError> {
    publish_with_tour(db, places, tour, paris_today(), Removals::Unconfirmed, None).await
}

/// A 422's problems as (row, field).
fn row_fields(body: &Value) -> Vec<(u64, &str)> {
    let details = body["error"]["details"].as_array().unwrap();
    details.iter().map(|d| (d["row"].as_u64().unwrap(), d["field"].as_str().unwrap())).collect()
}

async fn stops_held(db: &Database) -> Vec<(String, String)> {
    sqlx::query_as("SELECT id, place_id FROM stops ORDER BY id").fetch_all(db.pool()).await.unwrap()
}

/// The tour without the rows whose id is in `dropped`.
fn tour_without(dropped: &[&str]) -> Vec<u8> {
    let text = std::str::from_utf8(TOUR).unwrap();
    text.lines().filter(|l| !dropped.iter().any(|d| l.starts_with(&format!("{d},")))).map(|l| format!("{l}\n")).collect::<String>().into()
}

#[tokio::test]
async fn the_fixture_tour_is_published_as_the_bus_place_alone_and_kept_by_later_publications() {
    for db in databases().await {
        let before = db.registry_version().await.unwrap();
        let published = publish(&db, places(&db).await, Some(TOUR)).await.unwrap();
        assert_eq!(published, Published { version: before + 1, added: 0, changed: 1, removed: 0 }, "{:?}", db.backend());
        let delta = db.registry_update(before).await.unwrap();
        assert_eq!(delta.places.len(), 1, "only the bus place changed");
        assert_eq!(delta.places[0]["id"], BUS);
        let stops = delta.places[0]["x_arrets"].as_array().unwrap();
        assert_eq!(stops.len(), 12);
        assert_eq!((&stops[8]["id"], &stops[8]["commune"]), (&json!("bus-lusignan"), &json!("Lusignan")));
        let held = stops_held(&db).await;
        assert_eq!(held.len(), 12);
        assert!(held.iter().all(|(_, place)| place == BUS));

        // The standard's file has no stops: republishing it keeps them (nothing changes).
        let again = publish(&db, places(&db).await.into_iter().map(|p| Place { arrets: vec![], ..p }).collect(), None).await.unwrap();
        assert_eq!(again.version, before + 1, "no new version");
        let bus = places(&db).await.into_iter().find(|p| p.id == BUS).unwrap();
        assert_eq!(bus.arrets.len(), 12);
        // The tour as exported, published again: no new version.
        let exported = repere_core::tour::export_csv(&places(&db).await);
        assert_eq!(exported, TOUR, "the export writes the file as it was given");
        assert_eq!(publish(&db, places(&db).await, Some(&exported)).await.unwrap().version, before + 1);
    }
}

#[tokio::test]
async fn a_bad_stops_file_names_every_row_and_field_and_publishes_nothing() {
    for db in databases().await {
        let before = db.registry_version().await.unwrap();
        let bad = format!(
            "{HEADER}\
             s-1,lieu-inconnu,Arrêt,86139,,,Tu 09:00-12:00\n\
             s-2,{BUS},Arrêt,99999,,,Tu 09:00-12:00\n\
             s-3,{BUS},Arrêt,86139,,,mardi matin\n\
             s-4,{BUS},Arrêt,86139,,,2020 Jan 07 09:00-12:00\n\
             s-5,{BUS},Arrêt,86139,,,We 09:00-12:00\n\
             s-5,{BUS},Autre,86027,,,Th 09:00-12:00\n\
             s-7,{ADRIERS},Arrêt,86001,,,Fr 09:00-12:00\n"
        );
        let Err(TourError::Refused(errors)) = publish(&db, places(&db).await, Some(bad.as_bytes())).await else { panic!("refused") };
        let named: Vec<(usize, &str)> = errors.iter().map(|e| (e.row, e.field)).collect();
        assert_eq!(named, [(2, "lieu"), (3, "code_insee"), (4, "horaires"), (5, "horaires"), (7, "id"), (8, "lieu")], "{errors:?}");
        assert!(errors[5].reason.contains("n'est pas itinérant"), "{}", errors[5]);
        assert_eq!(db.registry_version().await.unwrap(), before, "{:?}: nothing published", db.backend());
        assert!(stops_held(&db).await.is_empty());
    }
}

#[tokio::test]
async fn a_stop_id_published_for_another_place_is_refused_by_row() {
    for db in databases().await {
        publish(&db, places(&db).await, Some(TOUR)).await.unwrap();
        let version = db.registry_version().await.unwrap();
        // Adriers's place becomes itinerant, and a new tour gives it the bus's Lusignan stop.
        let mut all = places(&db).await;
        all.iter_mut().find(|p| p.id == ADRIERS).unwrap().itinerance.insert(repere_core::registry::Itinerance::Itinerant);
        let tour =
            format!("{HEADER}bus-migne,{BUS},Migné,86158,,,We 09:00-12:00\nbus-lusignan,{ADRIERS},Lusignan,86139,,,Tu 09:00-12:00\n");
        let Err(TourError::Refused(errors)) = publish(&db, all.clone(), Some(tour.as_bytes())).await else { panic!("refused") };
        assert_eq!(errors.iter().map(|e| (e.row, e.field)).collect::<Vec<_>>(), [(3, "id")]);
        assert!(errors[0].reason.contains(BUS), "{}", errors[0]);
        assert_eq!(db.registry_version().await.unwrap(), version);
        // The publication itself refuses it too (a file read before another publication).
        for place in all.iter_mut().filter(|p| p.id == ADRIERS) {
            place.arrets = places(&db).await.into_iter().find(|p| p.id == BUS).unwrap().arrets;
        }
        let refused = db.publish_registry(all, Removals::Unconfirmed).await;
        assert!(matches!(refused, Err(PublishError::StopTaken { ref owner, .. }) if owner == BUS), "{refused:?}");
        assert_eq!(db.registry_version().await.unwrap(), version);
    }
}

async fn get_stops(s: &Server, token: &str) -> Value {
    let (status, body) = s.call("GET", "/api/v1/stops", Some(token), Body::empty()).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    body
}

async fn put(s: &Server, token: &str, lieu: &str, version: u64, rows: Value) -> (StatusCode, Value) {
    let body = json!({ "lieu": lieu, "version": version, "stops": rows }).to_string();
    s.call("PUT", "/api/v1/stops", Some(token), body).await
}

#[tokio::test]
async fn the_editor_replaces_one_place_s_stops_as_one_version_logged_or_names_every_bad_row() {
    for s in servers().await {
        publish(&s.db, places(&s.db).await, Some(TOUR)).await.unwrap();
        let (departement, poitiers) = (s.coordinator(&[]).await.0, s.coordinator(&["200069854"]).await.0);
        let gartempe = s.coordinator(&[GARTEMPE]).await.0;
        let listed = get_stops(&s, &departement).await;
        let version = listed["version"].as_u64().unwrap();
        assert_eq!(listed["places"].as_array().unwrap().iter().map(|p| &p["id"]).collect::<Vec<_>>(), [BUS]);
        assert_eq!(listed["stops"].as_array().unwrap().len(), 12);
        assert_eq!(listed["stops"][3]["approximate"], true, "Migné: the commune's centre");
        assert_eq!(get_stops(&s, &gartempe).await["places"], json!([]), "La Blaiserie is in Grand Poitiers");

        // Two bad rows: every problem named by row and field, nothing written.
        let bad = json!([
            ["bus-a", "autre-lieu", "A", "86139", "", "", "Tu 09:00-12:00"],
            ["bus-b", BUS, "B", "99999", "", "", "Tu 09:00-12:00"],
            ["bus-c", BUS, "C"],
        ]);
        let (status, body) = put(&s, &poitiers, BUS, version, bad).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        assert_eq!(body["error"]["code"], "invalid_stops");
        let details = row_fields(&body);
        assert_eq!(details, [(1, "lieu"), (3, "")]);
        let bad =
            json!([["bus-b", BUS, "B", "99999", "", "", "Tu 09:00-12:00"], ["bus-couronneries", BUS, "C", "86194", "", "", "jamais"]]);
        let (status, body) = put(&s, &poitiers, BUS, version, bad).await;
        let details = row_fields(&body);
        assert_eq!((status, details), (StatusCode::UNPROCESSABLE_ENTITY, vec![(1, "code_insee"), (2, "horaires")]));
        assert_eq!(s.db.registry_version().await.unwrap(), version);

        // Refusals: outside the EPCI, a mediator, an unknown place.
        let two = json!([
            ["bus-lusignan", BUS, "Bus connecté — Lusignan (marché)", "86139", "", "", "Tu[2] 09:00-12:00; PH off"],
            ["bus-vivonne", BUS, "Bus connecté — Vivonne", "86293", "46.4258", "0.2625", "Sa 09:00-12:00"],
        ]);
        assert_eq!(put(&s, &gartempe, BUS, version, two.clone()).await.0, StatusCode::FORBIDDEN);
        let mediator = s.device("Structure A").await;
        assert_eq!(put(&s, &mediator, BUS, version, two.clone()).await.0, StatusCode::FORBIDDEN);
        assert_eq!(put(&s, &departement, "lieu-inconnu", version, json!([])).await.0, StatusCode::NOT_FOUND);

        // Replaced: one version, carrying that place alone, logged by the coordinator.
        let (status, body) = put(&s, &poitiers, BUS, version, two.clone()).await;
        assert_eq!((status, &body), (StatusCode::OK, &json!({ "version": version + 1, "changed": true })));
        let delta = s.db.registry_update(version).await.unwrap();
        assert_eq!(delta.places.len(), 1);
        let ids: Vec<&str> = delta.places[0]["x_arrets"].as_array().unwrap().iter().map(|s| s["id"].as_str().unwrap()).collect();
        assert_eq!(ids, ["bus-lusignan", "bus-vivonne"]);
        let logged: Vec<(String, Option<String>, String, i64)> =
            sqlx::query_as("SELECT made_by, decided_by, changes, version FROM place_updates WHERE place_id = $1 ORDER BY id")
                .bind(BUS)
                .fetch_all(s.db.pool())
                .await
                .unwrap();
        let (made_by, decided_by, changes, at) = logged.last().unwrap();
        assert_eq!((made_by.as_str(), decided_by.as_deref(), *at as u64), ("coordination", Some("CU du Grand Poitiers"), version + 1));
        let changes: Value = serde_json::from_str(changes).unwrap();
        assert_eq!(changes.as_object().unwrap().keys().collect::<Vec<_>>(), ["x_arrets"]);
        assert_eq!(changes["x_arrets"]["old"].as_array().unwrap().len(), 12);
        assert!(changes["x_arrets"]["new"][1].get("x_horaires_calcules").is_none(), "the log keeps the hours' text only");
        // Every stop ever published stays known: 12 + Vivonne.
        assert_eq!(stops_held(&s.db).await.len(), 13);
        // The same list again changes nothing; an old version is 409.
        assert_eq!(put(&s, &departement, BUS, version + 1, two.clone()).await.1, json!({ "version": version + 1, "changed": false }));
        let (status, body) = put(&s, &departement, BUS, version, json!([])).await;
        assert_eq!((status, body["error"]["code"].as_str()), (StatusCode::CONFLICT, Some("conflict")));
        assert_eq!(s.db.registry_version().await.unwrap(), version + 1);
    }
}

/// A contact logged at a stop.
fn at_stop(n: u64, stop: &str) -> Value {
    let mut c = contact(n);
    c["lieu"] = json!({ "kind": "arret", "id": stop, "commune": "86139" });
    c
}

#[tokio::test]
async fn contacts_at_a_stop_are_counted_and_named_under_it_even_after_the_tour_drops_it() {
    for s in servers().await {
        publish(&s.db, places(&s.db).await, Some(TOUR)).await.unwrap();
        let mediator = s.device("La Blaiserie").await;
        let (status, body) = s.push(&mediator, vec![at_stop(1, "bus-lusignan")]).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        // The tour drops Lusignan; a contact logged there offline before is still accepted.
        publish(&s.db, places(&s.db).await, Some(&tour_without(&["bus-lusignan"]))).await.unwrap();
        assert!(places(&s.db).await.iter().find(|p| p.id == BUS).unwrap().arrets.iter().all(|s| s.id != "bus-lusignan"));
        let (status, body) = s.push(&mediator, vec![at_stop(2, "bus-lusignan")]).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        let (status, body) = s.push(&mediator, vec![at_stop(3, "bus-nulle-part")]).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        assert!(body.to_string().contains("\"field\":\"lieu\""), "{body}");

        let departement = s.coordinator(&[]).await.0;
        let (status, figures) = s.call("GET", "/api/v1/stats?lieu=bus-lusignan", Some(&departement), Body::empty()).await;
        assert_eq!(status, StatusCode::OK, "{figures}");
        let section = |name: &str| {
            let section = figures["sections"].as_array().unwrap().iter().find(|s| s["breakdown"] == name).unwrap();
            section["rows"]
                .as_array()
                .unwrap()
                .iter()
                .map(|r| (r["code"].as_str().unwrap().to_owned(), r["count"].clone()))
                .collect::<Vec<_>>()
        };
        assert_eq!(section("lieux"), [("bus-lusignan".to_owned(), json!(2))]);
        assert_eq!(section("communes"), [("86139".to_owned(), json!(2))]);
        assert_eq!(figures["names"]["bus-lusignan"], "Bus connecté — Lusignan (marché)");

        // The activities' export names the stop and its commune.
        let (status, _) = s.call("GET", "/api/v1/export/activites.csv?lieu=bus-lusignan", Some(&departement), Body::empty()).await;
        assert_eq!(status, StatusCode::OK);
        let lookup = repere_server::export::Lookup::load(&s.db).await.unwrap();
        // The stop's name from the tour; its commune is the one each contact recorded (the core's
        // export writes it: `a_contact_at_a_stop_keeps_the_commune_it_recorded`).
        let address = repere_core::export::Places::address(&lookup, "bus-lusignan").unwrap();
        assert_eq!(address.nom, "Bus connecté — Lusignan (marché)");
        assert_eq!(lookup.names()["bus-couronneries"], "Bus connecté — Les Couronneries (Poitiers)");
    }
}

#[tokio::test]
async fn the_stops_file_is_downloaded_by_coordinators_as_publish_registry_reads_it() {
    for s in servers().await {
        publish(&s.db, places(&s.db).await, Some(TOUR)).await.unwrap();
        let departement = s.coordinator(&[]).await.0;
        let request = axum::http::Request::get("/api/v1/export/arrets.csv")
            .header("authorization", format!("Bearer {departement}"))
            .body(Body::empty())
            .unwrap();
        let response = tower::ServiceExt::oneshot(s.app.clone(), request).await.unwrap();
        assert_eq!(response.status(), StatusCode::OK);
        let disposition = response.headers()["content-disposition"].to_str().unwrap().to_owned();
        assert_eq!(disposition, format!("attachment; filename=\"repere_arrets_{}.csv\"", paris_today()));
        let bytes = http_body_util::BodyExt::collect(response.into_body()).await.unwrap().to_bytes();
        assert_eq!(&bytes[..], TOUR);
        let (status, body) = s.call("GET", "/api/v1/export/arrets.csv?forme=standard", Some(&departement), Body::empty()).await;
        assert_eq!((status, body["error"]["code"].as_str()), (StatusCode::BAD_REQUEST, Some("bad_filter")));
    }
}

/// Regression: undoing a change of an itinerant place (its phone) republished it from the
/// standard's text alone, which has no stops: the tour vanished from every phone.
#[tokio::test]
async fn undoing_a_change_of_an_itinerant_place_keeps_its_stops() {
    for s in servers().await {
        publish(&s.db, places(&s.db).await, Some(TOUR)).await.unwrap();
        let mut all = places(&s.db).await;
        all.iter_mut().find(|p| p.id == BUS).unwrap().telephone = Some("+33549000000".into());
        let version = publish(&s.db, all, None).await.unwrap().version;
        let line: i64 =
            sqlx::query_scalar("SELECT MAX(id) FROM place_updates WHERE place_id = $1").bind(BUS).fetch_one(s.db.pool()).await.unwrap();
        let departement = s.coordinator(&[]).await.0;
        let (status, body) = s.call("POST", "/api/v1/moderation/undo", Some(&departement), json!({ "id": line }).to_string()).await;
        assert_eq!((status, &body), (StatusCode::OK, &json!({ "version": version + 1 })));
        let bus = places(&s.db).await.into_iter().find(|p| p.id == BUS).unwrap();
        assert_ne!(bus.telephone.as_deref(), Some("+33549000000"), "the phone taken back");
        assert_eq!(bus.arrets.len(), 12, "{:?}: the stops kept", s.db.backend());

        // A line of the stops editor is undone as any other: the 12 stops come back.
        let one = json!([["bus-lusignan", BUS, "Lusignan", "86139", "", "", "Tu 09:00-12:00"]]);
        assert_eq!(put(&s, &departement, BUS, version + 1, one).await.0, StatusCode::OK);
        assert_eq!(places(&s.db).await.into_iter().find(|p| p.id == BUS).unwrap().arrets.len(), 1);
        let line: i64 =
            sqlx::query_scalar("SELECT MAX(id) FROM place_updates WHERE place_id = $1").bind(BUS).fetch_one(s.db.pool()).await.unwrap();
        let (status, body) = s.call("POST", "/api/v1/moderation/undo", Some(&departement), json!({ "id": line }).to_string()).await;
        assert_eq!((status, &body), (StatusCode::OK, &json!({ "version": version + 3 })));
        let bus = places(&s.db).await.into_iter().find(|p| p.id == BUS).unwrap();
        assert_eq!(repere_core::tour::export_csv(&[bus]), TOUR, "the tour as it was");
    }
}

/// Regression (review): a place with no hours of its own was never recompiled, so its tour's
/// timetables expired with their years and phones stopped showing any visit; its stops' hours
/// now roll forward with the rest.
#[tokio::test]
async fn a_tour_whose_place_has_no_hours_rolls_forward_at_new_year() {
    for db in databases().await {
        let without_hours = places(&db).await.into_iter().map(|p| if p.id == BUS { Place { horaires: None, ..p } } else { p }).collect();
        publish(&db, without_hours, Some(TOUR)).await.unwrap();
        let bus = |places: Vec<Place>| places.into_iter().find(|p| p.id == BUS).unwrap();
        let held = bus(places(&db).await);
        assert!(held.horaires.is_none());
        let years = held.arrets[0].horaires.timetable().years();
        let next = chrono::NaiveDate::from_ymd_opt(years.last(), 1, 1).unwrap();
        let published = db.refresh_hours(next).await.unwrap().expect("the tour's hours recompiled");
        assert!(published.changed >= 1, "{published:?}");
        let rolled = bus(places(&db).await);
        assert_eq!(rolled.arrets.len(), 12);
        let moved = repere_core::hours::Window::for_date(next);
        assert!(rolled.arrets.iter().all(|s| s.horaires.timetable().years() == moved), "{:?}", db.backend());
        assert_eq!(db.refresh_hours(next).await.unwrap(), None, "nothing left to do");
    }
}

/// Regression (review): merging a place with a tour into another dropped its stops, and their
/// ids stayed tied to the removed place, so no tour could publish them again.
#[tokio::test]
async fn a_merge_moves_the_removed_place_s_tour_to_the_kept_one() {
    for db in databases().await {
        publish(&db, places(&db).await, Some(TOUR)).await.unwrap();
        let held = places(&db).await;
        let bus = held.iter().find(|p| p.id == BUS).unwrap().clone();
        let keep = held.iter().find(|p| p.id == ADRIERS).unwrap().clone();
        db.merge_places(&keep, &bus, "test").await.unwrap().expect("merged");
        let after = places(&db).await;
        assert!(after.iter().all(|p| p.id != BUS));
        let kept = after.iter().find(|p| p.id == ADRIERS).unwrap();
        assert_eq!(kept.arrets, bus.arrets);
        assert!(kept.is_itinerant());
        let held = stops_held(&db).await;
        assert_eq!(held.len(), 12);
        assert!(held.iter().all(|(_, place)| place == ADRIERS), "{:?}", db.backend());
        // The tour published again for the kept place: accepted, nothing new.
        let version = db.registry_version().await.unwrap();
        let tour = std::str::from_utf8(TOUR).unwrap().replace(BUS, ADRIERS);
        assert_eq!(publish(&db, places(&db).await, Some(tour.as_bytes())).await.unwrap().version, version);
    }
}
