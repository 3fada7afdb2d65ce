//! The registry as files in the national standard (`export-registry`, `registre.csv`,
//! `registre.json`) read back by the core's import, and the guard against a file that removes
//! many places at once — on each backend.

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use common::api::{Server, servers};
use http_body_util::BodyExt;
use repere_core::hours::Window;
use repere_core::registry::{FIELDS, Place, import_csv, import_json};
use repere_server::config::RegistryFormat;
use repere_server::db::Database;
use repere_server::export::registry::{Written, registry_with, standard};
use repere_server::registry::{PublishError, Published, Removals, Unconfirmed, removals_allowed};
use tower::ServiceExt;

mod common;

/// The standard's own example file: one place, in Reims.
const EXAMPLE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../shared/data/schema/standard-mediation-num-exemple-valide.csv");

/// The years the stored places' hours are compiled for, so places read back compare equal.
fn years(places: &[Place]) -> Window {
    places.iter().find_map(|p| p.horaires.as_ref()).expect("some place has hours").timetable().years()
}

fn read(bytes: &[u8], format: RegistryFormat, years: Window) -> Vec<Place> {
    let import = match format {
        RegistryFormat::Csv => import_csv(bytes, years),
        RegistryFormat::Json => import_json(bytes, years),
        RegistryFormat::Arrets => unreachable!("the stops file is read back in tests/stops.rs"),
    };
    import.whole().unwrap_or_else(|errors| panic!("{format:?} does not read back: {errors:?}"))
}

async fn exported(db: &Database, format: RegistryFormat, standard_only: bool) -> (Written, Vec<u8>) {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join(format!("registre.{}", format.extension()));
    let (written, _) = registry_with(db, format, standard_only, false, &out).await.unwrap();
    let names: Vec<_> = std::fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().file_name()).collect();
    assert_eq!(names.len(), 1, "no partial file left beside it: {names:?}");
    (written, std::fs::read(&out).unwrap())
}

fn header(csv: &[u8]) -> Vec<String> {
    csv::Reader::from_reader(csv).headers().unwrap().iter().map(str::to_owned).collect()
}

#[tokio::test]
async fn the_exported_registry_reads_back_as_the_places_published() {
    for db in common::databases().await {
        let backend = db.backend();
        let (seeds, version) = db.current_places().await.unwrap();
        assert_eq!(seeds.len(), 141);
        let years = years(&seeds);
        for format in [RegistryFormat::Csv, RegistryFormat::Json] {
            let (written, bytes) = exported(&db, format, false).await;
            assert_eq!(written, Written { version, places: 141 });
            assert_eq!(read(&bytes, format, years), seeds, "{backend:?} {format:?}: the full form is the registry");
            let (_, bytes) = exported(&db, format, true).await;
            assert_eq!(read(&bytes, format, years), standard(&seeds), "{backend:?} {format:?}: the standard form");
        }
        // The standard form: exactly the standard's columns, no position that is only a commune's centre.
        let (_, full) = exported(&db, RegistryFormat::Csv, false).await;
        let (_, strict) = exported(&db, RegistryFormat::Csv, true).await;
        assert_eq!(header(&strict), FIELDS);
        assert_eq!(header(&full)[32..], ["x_position_approximative", "x_ids_fusionnes", "x_se_deplace_a_domicile"]);
        let strict = read(&strict, RegistryFormat::Csv, years);
        let exact = seeds.iter().filter(|p| p.position.is_some_and(|p| !p.approximate)).count();
        assert!(exact < 141 && exact > 0, "the seeds hold both kinds: {exact}");
        assert_eq!(strict.iter().filter(|p| p.position.is_some()).count(), exact);
        assert!(strict.iter().all(|p| p.merged_ids.is_empty() && !p.at_home));
        assert!(seeds.iter().any(|p| !p.merged_ids.is_empty()), "the seeds merge some records");

        // A new version: the file follows it; a place visiting people at home keeps its column in the full form only.
        let mut places = seeds.clone();
        places[5].at_home = true;
        places[6].nom.push_str(" (nouveau nom)");
        let published = db.publish_registry(places.clone(), Removals::Unconfirmed).await.unwrap();
        assert_eq!(published, Published { version: version + 1, added: 0, changed: 2, removed: 0 });
        let (written, full) = exported(&db, RegistryFormat::Json, false).await;
        assert_eq!((written.version, read(&full, RegistryFormat::Json, years)), (version + 1, places.clone()));
        let (_, strict) = exported(&db, RegistryFormat::Json, true).await;
        assert!(!read(&strict, RegistryFormat::Json, years)[5].at_home);
    }
}

/// GET `uri` as the holder of `token`: status, headers, body.
async fn download(s: &Server, uri: &str, token: &str) -> (StatusCode, axum::http::HeaderMap, Vec<u8>) {
    let request = Request::get(uri).header(header::AUTHORIZATION, format!("Bearer {token}")).body(Body::empty()).unwrap();
    let response = s.app.clone().oneshot(request).await.unwrap();
    let (status, headers) = (response.status(), response.headers().clone());
    (status, headers, response.into_body().collect().await.unwrap().to_bytes().to_vec())
}

#[tokio::test]
async fn coordinators_download_the_registry_in_both_forms() {
    for s in servers().await {
        let (places, _) = s.db.current_places().await.unwrap();
        let years = years(&places);
        let coordinator = s.coordinator(&["200069854"]).await.0;
        let today = chrono::Utc::now().date_naive();
        let (status, headers, body) = download(&s, "/api/v1/export/registre.csv", &coordinator).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(headers[header::CONTENT_DISPOSITION], format!("attachment; filename=\"repere_registre_{today}.csv\"").as_str());
        assert!(headers[header::CONTENT_TYPE].to_str().unwrap().starts_with("text/csv"), "{headers:?}");
        assert_eq!(read(&body, RegistryFormat::Csv, years), places, "an EPCI's coordinator gets the whole registry: it is public");
        let (status, headers, body) = download(&s, "/api/v1/export/registre.json?forme=standard", &coordinator).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(
            headers[header::CONTENT_DISPOSITION],
            format!("attachment; filename=\"repere_registre_standard_{today}.json\"").as_str()
        );
        assert_eq!(read(&body, RegistryFormat::Json, years), standard(&places));
        let (_, _, body) = download(&s, "/api/v1/export/registre.csv?forme=complete", &coordinator).await;
        assert_eq!(read(&body, RegistryFormat::Csv, years), places);

        for (query, starts) in [("?forme=officielle", "forme : « officielle »"), ("?standard=1", "standard : paramètre inconnu")] {
            let (status, answer) = s.call("GET", &format!("/api/v1/export/registre.csv{query}"), Some(&coordinator), Body::empty()).await;
            assert_eq!((status, &answer["error"]["code"]), (StatusCode::BAD_REQUEST, &serde_json::json!("bad_filter")), "{query}");
            assert!(answer["error"]["message"].as_str().unwrap().starts_with(starts), "{answer}");
        }
        let mediator = s.device("La Blaiserie").await;
        let (status, answer) = s.call("GET", "/api/v1/export/registre.json", Some(&mediator), Body::empty()).await;
        assert_eq!((status, &answer["error"]["code"]), (StatusCode::FORBIDDEN, &serde_json::json!("forbidden")));
    }
}

#[test]
fn removals_allowed_unconfirmed_are_a_tenth_at_least_one_at_most_ten() {
    let allowed: Vec<usize> = [0, 1, 9, 20, 99, 141, 1000].into_iter().map(removals_allowed).collect();
    assert_eq!(allowed, [1, 1, 1, 2, 9, 10, 10]);
}

#[tokio::test]
async fn a_file_removing_many_places_is_refused_unless_its_removals_are_confirmed() {
    let example = std::fs::read(EXAMPLE).expect("the standard's example file in ../shared/data/schema");
    for db in common::databases().await {
        let backend = db.backend();
        let (seeds, v1) = db.current_places().await.unwrap();
        let example = import_csv(&example, years(&seeds)).whole().expect("the standard's example is valid");
        assert_eq!(example.len(), 1);

        // The everyday edit: up to 10 of 141 places go unconfirmed; 11 need confirming.
        let refused = db.publish_registry(seeds[11..].to_vec(), Removals::Unconfirmed).await;
        let Err(PublishError::Removals(Unconfirmed { removed: 11, current: 141, confirmed: None, names })) = refused else {
            panic!("{backend:?}: {refused:?}")
        };
        let mut first = seeds[..11].to_vec();
        first.sort_by(|a, b| a.id.cmp(&b.id));
        assert_eq!(names, first[..3].iter().map(|p| p.nom.clone()).collect::<Vec<_>>(), "the first three removed, by id");
        let published = db.publish_registry(seeds[10..].to_vec(), Removals::Unconfirmed).await.unwrap();
        assert_eq!(published, Published { version: v1 + 1, added: 0, changed: 0, removed: 10 });

        // The standard's one-row example would empty every phone: refused, nothing published.
        let refused = db.publish_registry(example.clone(), Removals::Unconfirmed).await.unwrap_err();
        let said = refused.to_string();
        assert!(said.starts_with("nothing published: this file removes 131 of the 131 places ("), "{said}");
        assert!(
            said.contains(" and 128 more) and more than 10 need confirming; if that is meant, run again with --confirm-removals 131"),
            "{said}"
        );
        // A number that is not the file's is refused too: a wrong file is not confirmed out of habit.
        for wrong in [130, 132, 141] {
            let refused = db.publish_registry(example.clone(), Removals::Confirmed(wrong)).await.unwrap_err();
            assert!(matches!(&refused, PublishError::Removals(u) if u.removed == 131 && u.confirmed == Some(wrong)), "{refused:?}");
            assert!(refused.to_string().contains(&format!("and --confirm-removals {wrong} was given;")), "{refused}");
        }
        assert_eq!(db.registry_version().await.unwrap(), v1 + 1, "{backend:?}: nothing published");
        assert_eq!(db.current_places().await.unwrap().0, seeds[10..].to_vec());

        let published = db.publish_registry(example.clone(), Removals::Confirmed(131)).await.unwrap();
        assert_eq!(published, Published { version: v1 + 2, added: 1, changed: 0, removed: 131 });
        assert_eq!(db.current_places().await.unwrap().0, example);

        // Back to the seeds: one removal of one place, allowed; a confirmation that does not match is not.
        let refused = db.publish_registry(seeds.clone(), Removals::Confirmed(2)).await.unwrap_err();
        assert!(matches!(refused, PublishError::Removals(Unconfirmed { removed: 1, current: 1, confirmed: Some(2), .. })));
        let published = db.publish_registry(seeds.clone(), Removals::Unconfirmed).await.unwrap();
        assert_eq!(published, Published { version: v1 + 3, added: 141, changed: 0, removed: 1 });
    }
}
