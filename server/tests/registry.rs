//! The registry a device pulls: the bundled seed at first start, new versions published from a
//! file, and `GET /api/v1/registry?since=N` answering exactly what changed — on each backend.

use std::time::Duration;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use chrono::NaiveDate;
use http_body_util::BodyExt;
use repere_core::hours::Window;
use repere_core::registry::{ImportError, Snapshot, Update};
use repere_protocol::registry::RegistryDto;
use repere_server::State;
use repere_server::db::Database;
use repere_server::http::{Limits, router};
use repere_server::registry::{Published, Removals};
use serde_json::Value;
use sqlx::Connection;
use tower::ServiceExt;

mod common;

const SEED: &[u8] = include_bytes!("../../seeds/registry.json");

async fn pull(app: &axum::Router, query: &str) -> (StatusCode, Value) {
    let response = app.clone().oneshot(Request::get(format!("/api/v1/registry{query}")).body(Body::empty()).unwrap()).await.unwrap();
    let status = response.status();
    let bytes = response.into_body().collect().await.unwrap().to_bytes();
    (status, serde_json::from_slice(&bytes).unwrap())
}

/// The answer read as a phone reads it: opening hours only as the server compiled them.
fn update(answer: &Value) -> Update {
    RegistryDto::from_json(answer.to_string().as_bytes()).and_then(|doc| doc.checked_update()).unwrap()
}

/// A whole registry read as a phone reads it.
fn checked(bytes: &[u8]) -> Result<Snapshot, Vec<ImportError>> {
    RegistryDto::from_json(bytes)?.checked_snapshot()
}

#[tokio::test]
async fn a_device_at_any_version_pulls_exactly_what_changed() {
    let seed = checked(SEED).unwrap();
    let dist = tempfile::tempdir().unwrap();
    std::fs::write(dist.path().join("index.html"), "<!doctype html>").unwrap();
    for db in common::databases().await {
        eprintln!("backend: {:?}", db.backend());
        let app = router(State::new(db.clone()), dist.path(), Limits { max_body_bytes: 1024, request_timeout: Duration::from_secs(5) });
        // A fresh server holds the bundled registry, at its version: a new phone is up to date.
        assert_eq!(db.registry_version().await.unwrap(), seed.version);
        let (status, full) = pull(&app, "").await;
        assert_eq!(status, StatusCode::OK);
        let at_seed = checked(full.to_string().as_bytes()).unwrap();
        assert_eq!(at_seed, Snapshot { version: seed.version, places: sorted(seed.places.clone()) });
        let (_, same) = pull(&app, &format!("?since={}", seed.version)).await;
        assert!(matches!(update(&same), Update::Delta(d) if d.is_empty() && d.version == seed.version), "{same}");

        // The département publishes: one place renamed, one removed, one new.
        let mut places = seed.places.clone();
        let gone = places.remove(3);
        places[0].nom.push_str(" (nouveau nom)");
        let mut new = places[1].clone();
        new.id = String::from("repere-test-nouveau-lieu");
        places.push(new);
        let published = db.publish_registry(places.clone(), Removals::Unconfirmed).await.unwrap();
        assert_eq!(published, Published { version: seed.version + 1, added: 1, changed: 1, removed: 1 });
        assert_eq!(
            db.publish_registry(places.clone(), Removals::Unconfirmed).await.unwrap().version,
            seed.version + 1,
            "nothing changed: no new version"
        );

        let (_, answer) = pull(&app, &format!("?since={}", seed.version)).await;
        let Update::Delta(delta) = update(&answer) else { panic!("a delta: {answer}") };
        assert_eq!((delta.places.len(), delta.removed.clone()), (2, vec![gone.id.clone()]));
        let pulled = at_seed.apply(Update::Delta(delta)).unwrap();
        let (_, full) = pull(&app, "?since=0").await;
        assert_eq!(pulled, checked(full.to_string().as_bytes()).unwrap(), "delta and full registry agree");
        assert_eq!(pulled, Snapshot { version: seed.version + 1, places: sorted(places) });

        // A version this server never had (a reset database) gets the whole registry.
        let (_, ahead) = pull(&app, "?since=99").await;
        assert!(matches!(update(&ahead), Update::Full(s) if s == pulled));
        let (status, bad) = pull(&app, "?since=-1").await;
        assert_eq!((status, bad["error"]["code"].as_str()), (StatusCode::BAD_REQUEST, Some("bad_since")));
    }
}

fn sorted(mut places: Vec<repere_core::registry::Place>) -> Vec<repere_core::registry::Place> {
    places.sort_by(|a, b| a.id.cmp(&b.id));
    places
}

/// Two instances starting at once on a new database: both start, the bundled registry is
/// published once.
#[tokio::test]
async fn instances_starting_together_publish_the_bundled_registry_once() {
    let dir = tempfile::tempdir().unwrap();
    let sqlite = dir.path().join("r.sqlite").to_str().unwrap().to_owned();
    for target in [Some(sqlite), common::fresh_postgres_url().await].into_iter().flatten() {
        let (a, b) = tokio::join!(repere_server::db::Database::open(&target), repere_server::db::Database::open(&target));
        let (a, b) = (a.unwrap_or_else(|e| panic!("{e}")), b.unwrap_or_else(|e| panic!("{e}")));
        let seed = checked(SEED).unwrap().version;
        assert_eq!((a.registry_version().await.unwrap(), b.registry_version().await.unwrap()), (seed, seed), "{target}");
    }
}

/// The years the bundled registry's hours were compiled for (the seed builder's argument).
fn seed_years(seed: &Snapshot) -> Window {
    let years: Vec<Window> = seed.places.iter().filter_map(|p| p.horaires.as_ref().map(|h| h.timetable().years())).collect();
    assert!(years.len() > 50 && years.iter().all(|y| *y == years[0]));
    years[0]
}

fn with_hours(s: &Snapshot) -> Vec<(String, Window)> {
    s.places.iter().filter_map(|p| Some((p.id.clone(), p.horaires.as_ref()?.timetable().years()))).collect()
}

/// Stored places compiled for the bundled years serve through the year after; checked once
/// they cover less than a year ahead, every place with hours is recompiled for that year and
/// the next two and published as one new version, which a phone pulls as an ordinary delta;
/// checked again, nothing more is published.
#[tokio::test]
async fn hours_roll_forward_when_a_new_year_begins() {
    let seed = checked(SEED).unwrap();
    let years = seed_years(&seed);
    let dist = tempfile::tempdir().unwrap();
    std::fs::write(dist.path().join("index.html"), "<!doctype html>").unwrap();
    let in_year = |y: i32, m: u32| NaiveDate::from_ymd_opt(y, m, 1).unwrap();
    for db in common::databases().await {
        eprintln!("backend: {:?}", db.backend());
        let app = router(State::new(db.clone()), dist.path(), Limits { max_body_bytes: 1024, request_timeout: Duration::from_secs(5) });
        for still in [in_year(years.first(), 12), in_year(years.first() + 1, 12)] {
            assert_eq!(db.refresh_hours(still).await.unwrap(), None, "{still}: a year ahead is covered, nothing to do");
        }
        assert_eq!(db.registry_version().await.unwrap(), seed.version);

        let next = in_year(years.first() + 2, 1);
        let published = db.refresh_hours(next).await.unwrap();
        let n = with_hours(&seed).len();
        assert_eq!(published, Some(Published { version: seed.version + 1, added: 0, changed: n, removed: 0 }));
        let (_, answer) = pull(&app, &format!("?since={}", seed.version)).await;
        let Update::Delta(delta) = update(&answer) else { panic!("a delta: {answer}") };
        assert_eq!(delta.places.len(), n, "exactly the places with hours");
        let pulled = seed.apply(Update::Delta(delta)).unwrap();
        let moved = Window::for_date(next);
        assert_eq!((moved.first(), moved.last()), (years.first() + 2, years.last() + 2));
        assert!(with_hours(&pulled).iter().all(|(_, y)| *y == moved));
        let (_, full) = pull(&app, "?since=0").await;
        assert_eq!(pulled, checked(full.to_string().as_bytes()).unwrap(), "delta and full registry agree");
        // The same rules, compiled anew for those years, are what the phone now holds.
        let fresh = RegistryDto::from_json(SEED).unwrap().snapshot(moved).unwrap();
        assert_eq!(pulled.places, sorted(fresh.places.clone()));

        for later in [next, in_year(years.first() + 3, 12)] {
            assert_eq!(db.refresh_hours(later).await.unwrap(), None, "{later}: nothing new");
        }
        assert_eq!(db.registry_version().await.unwrap(), seed.version + 1);
        // A publication that same year compiles for the same years: only real changes count.
        let mut places = fresh.places.clone();
        places[0].nom.push_str(" (nouveau nom)");
        assert_eq!(
            db.publish_registry(places, Removals::Unconfirmed).await.unwrap(),
            Published { version: seed.version + 2, added: 0, changed: 1, removed: 0 }
        );
    }
}

/// A database from an older release: places without compiled hours (before they were compiled),
/// or compiled without their years (before they rolled). A publication still works on it, and
/// the first check brings every place to the current form; opened again, nothing is published.
#[tokio::test]
async fn places_stored_by_older_releases_are_recompiled_once() {
    let seed = checked(SEED).unwrap();
    let years = seed_years(&seed);
    let today = NaiveDate::from_ymd_opt(years.first(), 6, 1).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("old.sqlite");
    let sqlite = (path.to_str().unwrap().to_owned(), format!("sqlite://{}", path.display()));
    let postgres = common::fresh_postgres_url().await.map(|url| (url.clone(), url));
    for (target, url) in [Some(sqlite), postgres].into_iter().flatten() {
        for (old_form, publish_first) in [("no compiled hours", false), ("hours without their years", true)] {
            let db = Database::open(&target).await.unwrap();
            let version = db.registry_version().await.unwrap();
            db.close().await;
            let mut old = sqlx::AnyConnection::connect(&url).await.unwrap();
            let rows: Vec<(String, String)> =
                sqlx::query_as("SELECT id, body FROM registry_places WHERE body IS NOT NULL").fetch_all(&mut old).await.unwrap();
            for (id, body) in rows {
                let mut place: Value = serde_json::from_str(&body).unwrap();
                let object = place.as_object_mut().unwrap();
                match object.get_mut("x_horaires_calcules").and_then(Value::as_object_mut) {
                    Some(_) if old_form == "no compiled hours" => drop(object.remove("x_horaires_calcules")),
                    Some(hours) => hours.retain(|k, _| k != "annees" && k != "hebdomadaire"),
                    None => continue,
                }
                sqlx::query("UPDATE registry_places SET body = $1 WHERE id = $2")
                    .bind(place.to_string())
                    .bind(id)
                    .execute(&mut old)
                    .await
                    .unwrap();
            }
            old.close().await.unwrap();

            let db = Database::open(&target).await.unwrap();
            let n = with_hours(&seed).len();
            let expected = if publish_first {
                // publish-registry run before the server: the old bodies differ, so they go out again.
                let published = db.publish_registry(seed.places.clone(), Removals::Unconfirmed).await.unwrap();
                assert_eq!(published, Published { version: version + 1, added: 0, changed: n, removed: 0 }, "{target}, {old_form}");
                None
            } else {
                Some(Published { version: version + 1, added: 0, changed: n, removed: 0 })
            };
            assert_eq!(db.refresh_hours(today).await.unwrap(), expected, "{target}, {old_form}");
            let answer = db.registry_update(0).await.unwrap();
            let read = answer.checked_snapshot().unwrap_or_else(|e| panic!("{target}: {e:?}"));
            assert_eq!(read.places, sorted(seed.places.clone()), "{target}, {old_form}: the same hours as the seed builder compiled");
            db.close().await;
            let again = Database::open(&target).await.unwrap();
            assert_eq!(again.refresh_hours(today).await.unwrap(), None, "{target}, {old_form}: opened again");
            assert_eq!(again.registry_version().await.unwrap(), version + 1);
            again.close().await;
        }
    }
}
