//! Who updates the registry (issue #15's autonomy indicator): a publication by the département
//! logs each place it adds, changes or removes, with the fields old → new; a place's own
//! confirmation through its link is logged as the place's; coordinators read the last 12
//! months at `GET /api/v1/registry/updates` — on each backend.

use axum::http::StatusCode;
use repere_protocol::registry::UpdatesDto;
use repere_server::places::{Kind, Published as PlacePublished};
use repere_server::registry::Removals;
use serde_json::json;

mod common;

use common::api::servers;

#[tokio::test]
async fn the_departements_publications_and_the_places_own_updates_are_told_apart() {
    for server in servers().await {
        let backend = server.db.backend();
        let db = &server.db;
        let (seeds, _) = db.current_places().await.unwrap();
        assert!(db.recent_place_updates(12).await.unwrap().is_empty(), "{backend:?}: the bundled seed is no update");

        // The département renames one place and removes another.
        let mut places = seeds.clone();
        places[3].nom = "Nouveau nom".into();
        let removed = places.remove(7);
        db.publish_registry(places.clone(), Removals::Unconfirmed).await.unwrap();
        let log = db.recent_place_updates(12).await.unwrap();
        let by = |id: &str| log.iter().find(|u| u.place_id == id).unwrap();
        let renamed = by(&seeds[3].id);
        assert_eq!((renamed.kind.as_str(), renamed.made_by.as_str(), renamed.reviewed), ("change", "departement", true));
        assert_eq!(renamed.changes, json!({ "nom": { "old": seeds[3].nom, "new": "Nouveau nom" } }), "{backend:?}");
        let gone = by(&removed.id);
        assert_eq!((gone.kind.as_str(), gone.changes["nom"]["old"].as_str()), ("removal", Some(removed.nom.as_str())));
        assert_eq!(log.len(), 2, "{backend:?}: only what changed");

        // A place confirms through its link: the place's own update.
        let current = db.current_place(&seeds[0].id).await.unwrap().unwrap();
        let mut confirmed = current.place.clone();
        confirmed.date_maj = chrono::Utc::now().date_naive();
        let done = db.publish_place_update(&confirmed, current.version, Kind::Confirmation, "place").await.unwrap();
        assert!(matches!(done, PlacePublished::Done { .. }));

        // Coordinators read it; one update of three is the places' own.
        let (token, _) = server.coordinator(&[]).await;
        let (status, body) = server.call("GET", "/api/v1/registry/updates", Some(&token), "").await;
        assert_eq!(status, StatusCode::OK, "{body}");
        let dto: UpdatesDto = serde_json::from_value(body.clone()).unwrap();
        assert_eq!(dto.updates.iter().map(|u| u.made_by.as_str()).collect::<Vec<_>>(), ["departement", "departement", "place"]);
        let share = repere_core::quality::autonomy(&UpdatesDto::for_autonomy(&body), chrono::Utc::now().date_naive());
        assert_eq!((share.part, share.total), (1, 3), "{backend:?}");
    }
}

/// The département's older file published after places updated themselves: refused, naming the
/// places and fields it would take back, until their number is confirmed; its own edits of
/// other fields are no take-back.
#[tokio::test]
async fn a_file_that_puts_back_what_places_changed_since_is_refused_unless_confirmed() {
    use repere_server::registry::PublishError;
    for server in servers().await {
        let backend = server.db.backend();
        let db = &server.db;
        let (seeds, _) = db.current_places().await.unwrap();
        for place in &seeds[..2] {
            let current = db.current_place(&place.id).await.unwrap().unwrap();
            let updated = repere_core::registry::Place { telephone: Some("+33549998877".into()), ..current.place.clone() };
            db.publish_place_update(&updated, current.version, Kind::Change, "place").await.unwrap();
        }
        // The keeper's file, from before: the old phones, and a name changed by the keeper.
        let mut file = seeds.clone();
        file[2].nom = "Nom corrigé par le Département".into();
        let version = db.registry_version().await.unwrap();
        match db.publish_registry(file.clone(), Removals::Unconfirmed).await {
            Err(e @ PublishError::TakesBack { places: 2, confirmed: None, .. }) => {
                let told = e.to_string();
                assert!(told.contains("telephone") && told.contains("--confirm-reverts 2"), "{told}");
            }
            other => panic!("{backend:?}: {other:?}"),
        }
        assert!(db.publish_registry_confirming(file.clone(), Removals::Unconfirmed, Some(1)).await.is_err(), "a wrong count refuses");
        assert_eq!(db.registry_version().await.unwrap(), version, "{backend:?}: nothing published");
        // Started from the server's own export (the places' phones kept), it goes through.
        let mut fresh = db.current_places().await.unwrap().0;
        fresh[2].nom = "Nom corrigé par le Département".into();
        assert_eq!(db.publish_registry(fresh, Removals::Unconfirmed).await.unwrap().changed, 1);
        let published = db.publish_registry_confirming(file, Removals::Unconfirmed, Some(2)).await.unwrap();
        assert_eq!(published.changed, 2, "{backend:?}: confirmed, the old phones are back");
    }
}
