//! Moderation as the coordination space drives it, on both databases: accepted changes published
//! as one registry version that the delta sync carries, stale proposals shown and refused unless
//! edited, a place's own update reviewed or undone, undo, the audit, and EPCI scoping.

use axum::body::Body;
use axum::http::StatusCode;
use common::api::Server;
use repere_core::registry::edit::edit;
use repere_server::places::Kind;
use serde_json::{Value, json};

mod common;

const BUXEROLLES: &str = "france-services-2937";
const BONNEUIL: &str = "france-services-2842";
const ADRIERS: &str = "conseiller-numerique-62d7f4be9c289e06decf00a6";
const BRIGUEIL: &str = "conseiller-numerique-62eb7e1e9e670c06de838175";
/// CU du Grand Poitiers (Buxerolles is in it, Adriers is not).
const GRAND_POITIERS: &str = "200069854";

fn uuid(n: u32) -> String {
    format!("6f1c1a52-5f0e-4f4e-9a43-{n:012}")
}

fn proposal(n: u32, place: Option<&str>, version: u64, changes: Value) -> Value {
    json!({"id": uuid(n), "seq": n, "place_id": place, "version": version, "changes": changes, "note": ""})
}

async fn propose(s: &Server, token: &str, proposals: Vec<Value>) {
    let (status, answer) =
        s.call("POST", "/api/v1/contacts", Some(token), json!({"contacts": [], "proposals": proposals}).to_string()).await;
    assert_eq!(status, StatusCode::OK, "{answer}");
}

async fn queue(s: &Server, token: &str) -> Value {
    let (status, body) = s.call("GET", "/api/v1/moderation", Some(token), Body::empty()).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    body
}

async fn decide(s: &Server, token: &str, decisions: Value) -> (StatusCode, Value) {
    s.call("POST", "/api/v1/moderation", Some(token), json!({ "decisions": decisions }).to_string()).await
}

async fn delta(s: &Server, since: u64) -> Value {
    let (status, body) = s.call("GET", &format!("/api/v1/registry?since={since}"), None, Body::empty()).await;
    assert_eq!(status, StatusCode::OK);
    body
}

fn place<'a>(delta: &'a Value, id: &str) -> &'a Value {
    delta["places"].as_array().unwrap().iter().find(|p| p["id"] == id).unwrap_or_else(|| panic!("{id} not in {delta}"))
}

#[tokio::test]
async fn three_accepted_and_one_rejected_publish_one_version_carried_by_the_delta_and_undo_republishes() {
    for s in common::api::servers().await {
        let backend = s.db.backend();
        let (departement, _) = s.coordinator(&[]).await;
        let mediator = s.device("Centre social").await;
        let v = queue(&s, &departement).await["version"].as_u64().unwrap();
        propose(
            &s,
            &mediator,
            vec![
                proposal(1, Some(BUXEROLLES), v, json!({"telephone": "+33549000001"})),
                proposal(2, Some(BONNEUIL), v, json!({"horaires": "Mo-Fr 09:00-12:00", "site_web": "https://bonneuil.fr"})),
                proposal(
                    3,
                    None,
                    v,
                    json!({"nom": "Médiathèque de Gençay", "commune": "Gençay", "code_postal": "86160",
                                            "code_insee": "86103", "adresse": "2 place du Marché"}),
                ),
                proposal(4, Some(ADRIERS), v, json!({"nom": "Mairie"})),
            ],
        )
        .await;
        let items = queue(&s, &departement).await["items"].as_array().unwrap().clone();
        let kinds: Vec<&str> = items.iter().map(|i| i["kind"].as_str().unwrap()).collect();
        assert_eq!(kinds, ["proposal", "proposal", "new_place", "proposal"], "{backend:?}");

        // A body of the wrong shape: 400, saying where and what was expected.
        let (status, refused) = decide(&s, &departement, json!([{"id": uuid(1), "action": "publier"}])).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{refused}");
        let message = refused["error"]["message"].as_str().unwrap();
        assert!(message.starts_with("expected {\"decisions\"") && message.contains("decisions[0].action"), "{message}");

        // One bad decision refuses them all, every problem named.
        let (status, refused) = decide(
            &s,
            &departement,
            json!([{"id": uuid(1), "action": "accept", "changes": {"telephone": "05 49"}}, {"id": uuid(4), "action": "reject"},
                   {"id": "nope", "action": "accept"}]),
        )
        .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{refused}");
        assert_eq!(refused["error"]["code"], "invalid_decisions");
        let fields: Vec<(&str, &str)> = refused["error"]["details"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| (d["id"].as_str().unwrap(), d["field"].as_str().unwrap()))
            .collect();
        assert_eq!(fields, [(&*uuid(1), "telephone"), (&*uuid(4), "reason"), ("nope", "id")], "{refused}");
        assert_eq!(queue(&s, &departement).await["version"], v, "{backend:?}: nothing published");
        assert_eq!(queue(&s, &departement).await["items"].as_array().unwrap().len(), 4, "nothing decided");

        let (status, decided) = decide(
            &s,
            &departement,
            json!([{"id": uuid(1), "action": "accept"}, {"id": uuid(2), "action": "accept", "changes": {"site_web": "https://www.bonneuil-matours.fr"}},
                   {"id": uuid(3), "action": "accept"}, {"id": uuid(4), "action": "reject", "reason": "Le nom était juste"}]),
        )
        .await;
        assert_eq!(status, StatusCode::OK, "{decided}");
        assert_eq!(decided, json!({"version": v + 1, "accepted": 3, "rejected": 1}), "{backend:?}");
        let update = delta(&s, v).await;
        assert_eq!((update["version"].as_u64(), update["places"].as_array().unwrap().len()), (Some(v + 1), 3), "{backend:?}: {update}");
        assert_eq!(update["removed"], json!([]));
        assert_eq!(place(&update, BUXEROLLES)["telephone"], "+33549000001");
        assert_eq!(place(&update, BONNEUIL)["site_web"], "https://www.bonneuil-matours.fr", "the moderator's edit wins");
        assert_eq!(place(&update, BONNEUIL)["horaires"], "Mo-Fr 09:00-12:00");
        let new_id = format!("repere-{}", uuid(3));
        assert_eq!(place(&update, &new_id)["nom"], "Médiathèque de Gençay");
        let today = chrono::Utc::now().date_naive().format("%Y-%m-%d").to_string();
        assert_eq!(place(&update, BUXEROLLES)["date_maj"], json!(today));
        assert!(queue(&s, &departement).await["items"].as_array().unwrap().is_empty(), "{backend:?}: decided items leave the queue");

        let (status, audit) = s.call("GET", "/api/v1/moderation/audit?limit=3", Some(&departement), Body::empty()).await;
        assert_eq!(status, StatusCode::OK, "{audit}");
        let entries = audit["entries"].as_array().unwrap();
        assert_eq!(entries.len(), 3);
        let buxerolles = entries.iter().find(|e| e["place_id"] == BUXEROLLES).unwrap();
        assert_eq!(
            (
                &buxerolles["decided_by"],
                &buxerolles["submission_id"],
                &buxerolles["made_by"],
                &buxerolles["version"],
                &buxerolles["undone"]
            ),
            (&json!("Département de la Vienne"), &json!(uuid(1)), &json!("mediation"), &json!(v + 1), &json!(false)),
            "{buxerolles}"
        );
        assert_eq!(buxerolles["changes"]["telephone"], json!({"old": "+33549383858", "new": "+33549000001"}));
        assert_eq!(buxerolles["place_name"], "France services de Buxerolles");

        let id = buxerolles["id"].as_i64().unwrap();
        let (status, undone) = s.call("POST", "/api/v1/moderation/undo", Some(&departement), json!({ "id": id }).to_string()).await;
        assert_eq!((status, &undone), (StatusCode::OK, &json!({"version": v + 2})), "{backend:?}");
        let back = delta(&s, v + 1).await;
        assert_eq!(back["places"].as_array().unwrap().len(), 1);
        assert_eq!(place(&back, BUXEROLLES)["telephone"], "+33549383858", "{backend:?}: the old value republished");
        assert_eq!(place(&back, BUXEROLLES)["date_maj"], "2024-08-01", "and its old date");
        let (status, twice) = s.call("POST", "/api/v1/moderation/undo", Some(&departement), json!({ "id": id }).to_string()).await;
        assert_eq!((status, &twice["error"]["code"]), (StatusCode::CONFLICT, &json!("already_undone")));
        let (_, audit) = s.call("GET", "/api/v1/moderation/audit?limit=1", Some(&departement), Body::empty()).await;
        assert_eq!((&audit["entries"][0]["made_by"], &audit["entries"][0]["version"]), (&json!("coordination"), &json!(v + 2)));

        // Undoing the new place's addition removes it from every phone.
        let added = entries.iter().find(|e| e["place_id"] == new_id).unwrap()["id"].as_i64().unwrap();
        let (status, _) = s.call("POST", "/api/v1/moderation/undo", Some(&departement), json!({ "id": added }).to_string()).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(delta(&s, v + 2).await["removed"], json!([new_id]), "{backend:?}");
    }
}

#[tokio::test]
async fn a_stale_proposal_is_shown_stale_and_refused_unless_the_moderator_gives_the_value() {
    for s in common::api::servers().await {
        let backend = s.db.backend();
        let (departement, _) = s.coordinator(&[]).await;
        let mediator = s.device("Centre social").await;
        let v = queue(&s, &departement).await["version"].as_u64().unwrap();
        propose(&s, &mediator, vec![proposal(1, Some(BRIGUEIL), v, json!({"telephone": "+33549000001"}))]).await;
        propose(&s, &mediator, vec![proposal(2, Some(BRIGUEIL), v, json!({"telephone": "+33549000002", "adresse": "3 rue Neuve"}))]).await;
        let (status, body) = decide(&s, &departement, json!([{"id": uuid(1), "action": "accept"}])).await;
        assert_eq!(status, StatusCode::OK, "{body}");

        let items = queue(&s, &departement).await["items"].as_array().unwrap().clone();
        let changes = &items[0]["changes"];
        assert_eq!(
            changes[1],
            json!({"field": "telephone", "label": "Téléphone", "old": "+33549917016", "new": "+33549000002", "current": "+33549000001", "stale": true}),
            "{backend:?}: what the mediator saw, what it proposes, what is published now"
        );
        assert_eq!(changes[0]["stale"], false, "the address did not change");

        let (status, refused) = decide(&s, &departement, json!([{"id": uuid(2), "action": "accept"}])).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{refused}");
        assert_eq!(refused["error"]["details"][0]["field"], "telephone");
        assert!(refused["error"]["details"][0]["reason"].as_str().unwrap().contains("+33549000001"), "{refused}");

        let (status, decided) =
            decide(&s, &departement, json!([{"id": uuid(2), "action": "accept", "changes": {"telephone": "+33549000002"}}])).await;
        assert_eq!(status, StatusCode::OK, "{decided}");
        let update = delta(&s, v + 1).await;
        assert_eq!(
            (&place(&update, BRIGUEIL)["telephone"], &place(&update, BRIGUEIL)["adresse"]),
            (&json!("+33549000002"), &json!("3 rue Neuve"))
        );
    }
}

#[tokio::test]
async fn a_place_s_own_update_is_reviewed_or_rejected_and_epci_coordinators_see_only_theirs() {
    for s in common::api::servers().await {
        let backend = s.db.backend();
        let (departement, _) = s.coordinator(&[]).await;
        let (poitiers, _) = s.coordinator(&[GRAND_POITIERS]).await;
        let mediator = s.device("Centre social").await;
        let today = chrono::Utc::now().date_naive();
        for (id, phone) in [(BUXEROLLES, "+33549111111"), (ADRIERS, "+33549222222")] {
            let current = s.db.current_place(id).await.unwrap().unwrap();
            let edited = edit(&current.place, &[("telephone".to_owned(), phone.to_owned())].into(), today).unwrap();
            s.db.publish_place_update(&edited.place, current.version, Kind::Change, "place").await.unwrap();
        }
        let v = queue(&s, &departement).await["version"].as_u64().unwrap();
        propose(&s, &mediator, vec![proposal(9, Some(ADRIERS), v, json!({"nom": "Mairie d’Adriers"}))]).await;

        let all = queue(&s, &departement).await["items"].as_array().unwrap().clone();
        assert_eq!(all.len(), 3, "{backend:?}: {all:?}");
        let own = all.iter().find(|i| i["place_id"] == BUXEROLLES).unwrap();
        assert_eq!((&own["kind"], &own["from"], &own["published"]), (&json!("place_update"), &json!("Le lieu lui-même"), &json!(true)));
        assert_eq!(own["changes"][0]["current"], own["changes"][0]["new"], "published already");

        let theirs = queue(&s, &poitiers).await["items"].as_array().unwrap().clone();
        let places: Vec<&str> = theirs.iter().map(|i| i["place_id"].as_str().unwrap()).collect();
        assert_eq!(places, [BUXEROLLES], "{backend:?}: Grand Poitiers sees Buxerolles only");
        let adriers_update = all.iter().find(|i| i["place_id"] == ADRIERS && i["kind"] == "place_update").unwrap()["id"].clone();
        let (status, refused) = decide(&s, &poitiers, json!([{"id": adriers_update, "action": "accept"}])).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{refused}");
        assert_eq!(refused["error"]["details"][0]["reason"], "hors de votre territoire");
        // Regression: values given with a place's own update were dropped while the answer said 200.
        let (status, refused) =
            decide(&s, &poitiers, json!([{"id": theirs[0]["id"], "action": "accept", "changes": {"telephone": "+33549000009"}}])).await;
        assert_eq!((status, &refused["error"]["details"][0]["field"]), (StatusCode::UNPROCESSABLE_ENTITY, &json!("changes")));
        // Regression: the scope was checked where the place was, not where the decision put it.
        propose(&s, &mediator, vec![proposal(10, Some(BUXEROLLES), v, json!({"code_insee": "86078"}))]).await;
        let (status, refused) = decide(&s, &poitiers, json!([{"id": uuid(10), "action": "accept"}])).await;
        assert_eq!(
            (status, &refused["error"]["details"][0]["field"]),
            (StatusCode::UNPROCESSABLE_ENTITY, &json!("code_insee")),
            "{refused}"
        );

        let (status, decided) =
            decide(&s, &poitiers, json!([{"id": theirs[0]["id"], "action": "reject", "reason": "numéro personnel"}])).await;
        assert_eq!((status, &decided), (StatusCode::OK, &json!({"version": v + 1, "accepted": 0, "rejected": 1})), "{backend:?}");
        let pulled = delta(&s, v).await;
        let undone = place(&pulled, BUXEROLLES);
        assert_eq!(undone["telephone"], "+33549383858", "{backend:?}: the place's update undone");
        assert_eq!(undone["date_maj"], "2024-08-01", "{backend:?}: and its date: a refused update leaves the place as old as it was");
        let (status, decided) = decide(&s, &departement, json!([{"id": adriers_update, "action": "accept"}])).await;
        assert_eq!(
            (status, &decided),
            (StatusCode::OK, &json!({"version": v + 1, "accepted": 1, "rejected": 0})),
            "reviewed, nothing published"
        );
        let (_, audit) = s.call("GET", "/api/v1/moderation/audit", Some(&poitiers), Body::empty()).await;
        let seen: Vec<&str> = audit["entries"].as_array().unwrap().iter().map(|e| e["place_id"].as_str().unwrap()).collect();
        assert!(!seen.is_empty() && seen.iter().all(|p| *p == BUXEROLLES), "{backend:?}: {seen:?}");
        let reviewed = audit["entries"].as_array().unwrap().iter().find(|e| e["made_by"] == "place").unwrap();
        assert_eq!(
            (&reviewed["undone"], &reviewed["reason"], &reviewed["decided_by"]),
            (&json!(true), &json!("numéro personnel"), &json!("CU du Grand Poitiers"))
        );
        assert_eq!(queue(&s, &departement).await["items"].as_array().unwrap().len(), 2, "the proposals for Adriers and the move wait");
    }
}
