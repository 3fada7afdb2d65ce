//! Likely duplicates on both databases: the core's likely pairs listed, a pair kept apart never
//! listed again, a merge published as one version (the other place removed, its id in the kept
//! one's `x_ids_fusionnes`), and both remembered when the registry is published again.

use std::collections::HashSet;

use axum::body::Body;
use axum::http::StatusCode;
use common::api::{Server, servers};
use repere_core::duplicates::suspects;
use repere_core::registry::Place;
use repere_server::registry::Removals;
use serde_json::{Value, json};

mod common;

async fn pairs(s: &Server, token: &str) -> Vec<Value> {
    let (status, answer) = s.call("GET", "/api/v1/duplicates", Some(token), Body::empty()).await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    answer["pairs"].as_array().unwrap().clone()
}

fn ids(pair: &Value) -> (String, String) {
    (pair["a"]["id"].as_str().unwrap().to_owned(), pair["b"]["id"].as_str().unwrap().to_owned())
}

async fn decide(s: &Server, token: &str, body: Value) -> (StatusCode, Value) {
    s.call("POST", "/api/v1/duplicates", Some(token), body.to_string()).await
}

/// The bundled registry, as a keeper would publish it again.
async fn bundled() -> Vec<Place> {
    let db = repere_server::db::Database::open("sqlite::memory:").await.unwrap();
    db.current_places().await.unwrap().0
}

#[tokio::test]
async fn pairs_are_merged_or_kept_apart_and_stay_so_across_publications() {
    for s in servers().await {
        let (departement, _) = s.coordinator(&[]).await;
        let listed = pairs(&s, &departement).await;
        let (places, _) = s.db.current_places().await.unwrap();
        let likely = suspects(&places, &repere_core::text::UNICODE, &HashSet::new()).into_iter().filter(|p| p.likely()).count();
        assert_eq!(listed.len(), likely, "{:?}: the core's likely pairs", s.db.backend());
        let gencay = listed.iter().find(|p| p["a"]["telephone"] == "+33516838086").unwrap_or_else(|| panic!("{listed:?}"));
        assert!(gencay["signals"].as_array().unwrap().contains(&json!("telephone")), "{gencay}");

        // Bad decisions are named, nothing is written.
        let (a, b) = ids(&listed[0]);
        let (status, refused) = decide(&s, &departement, json!({ "a": a, "b": b, "decision": "merge", "keep": "ailleurs" })).await;
        assert_eq!((status, refused["error"]["details"][0]["field"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("keep")));
        let (status, _) = decide(&s, &departement, json!({ "a": a, "b": "inconnu", "decision": "apart" })).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);

        // Apart: never listed again.
        let (status, _) = decide(&s, &departement, json!({ "a": a, "b": b, "decision": "apart" })).await;
        assert_eq!(status, StatusCode::OK);
        let after_apart = pairs(&s, &departement).await;
        assert_eq!(after_apart.len(), listed.len() - 1);
        assert!(!after_apart.iter().any(|p| ids(p) == (a.clone(), b.clone())));

        // Merge: one version, the other removed, its id recorded in the kept one.
        let (keep, gone) = ids(&after_apart[0]);
        let before = s.db.registry_version().await.unwrap();
        let (status, merged) = decide(&s, &departement, json!({ "a": keep, "b": gone, "decision": "merge", "keep": keep })).await;
        assert_eq!((status, merged), (StatusCode::OK, json!({ "decision": "merge", "version": before + 1 })));
        let (_, delta) = s.call("GET", &format!("/api/v1/registry?since={before}"), None, Body::empty()).await;
        assert_eq!(delta["removed"], json!([gone]));
        assert_eq!(delta["places"].as_array().unwrap().len(), 1);
        let kept = s.db.current_place(&keep).await.unwrap().unwrap().place;
        assert!(kept.merged_ids.contains(&gone), "{:?}", kept.merged_ids);

        // The bundled file published again: the merged-away place stays away, the apart pair unlisted.
        let (file, dropped) = s.db.honour_merges(bundled().await).await.unwrap();
        assert_eq!(dropped, vec![gone.clone()]);
        let published = s.db.publish_registry(file, Removals::Unconfirmed).await.unwrap();
        assert_eq!((published.added, published.removed), (0, 0), "{:?}: {published:?}", s.db.backend());
        assert!(s.db.current_place(&gone).await.unwrap().is_none());
        assert!(s.db.current_place(&keep).await.unwrap().unwrap().place.merged_ids.contains(&gone), "recorded again from the decision");
        let now = pairs(&s, &departement).await;
        assert_eq!(now.len(), listed.len() - 2, "{:?}", now.iter().map(ids).collect::<Vec<_>>());

        let mediator = s.device("La Blaiserie").await;
        assert_eq!(s.call("GET", "/api/v1/duplicates", Some(&mediator), Body::empty()).await.0, StatusCode::FORBIDDEN);
    }
}

/// Regression: a merge wrote the kept place as the coordinator had read it, over a change
/// published meanwhile (here, the place's own update through its link).
#[tokio::test]
async fn a_merge_never_overwrites_a_change_published_since_the_pair_was_read() {
    for s in servers().await {
        let places = s.db.current_places().await.unwrap().0;
        let (keep, remove) = (places[0].clone(), places[1].clone());
        let current = s.db.current_place(&keep.id).await.unwrap().unwrap();
        let renamed = Place { nom: "Nom changé par le lieu".into(), ..current.place.clone() };
        s.db.publish_place_update(&renamed, current.version, repere_server::places::Kind::Change, "place").await.unwrap();
        let merged = s.db.merge_places(&keep, &remove, "Département").await.unwrap();
        assert_eq!(merged, None, "{:?}: stale, nothing written", s.db.backend());
        assert_eq!(s.db.current_place(&keep.id).await.unwrap().unwrap().place.nom, "Nom changé par le lieu");
        assert!(s.db.current_place(&remove.id).await.unwrap().is_some(), "the other place still published");
    }
}
