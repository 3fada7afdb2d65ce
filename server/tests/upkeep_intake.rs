//! Residents' reports (`POST /api/v1/reports`) and mediators' proposals (in `POST /api/v1/contacts`)
//! as phones send them, on both databases: stored exactly once under resends, conflicts never
//! overwritten, floods, oversized bodies, unknown places and bad values refused with the field.

use axum::body::Body;
use axum::http::StatusCode;
use common::api::{Server, servers};
use repere_protocol::upkeep::MAX_REPORTS;
use repere_server::submissions::MAX_PENDING_REPORTS;
use serde_json::{Value, json};

mod common;

const BUXEROLLES: &str = "france-services-2937";

fn uuid(n: u32) -> String {
    format!("6f1c1a52-5f0e-4f4e-9a43-{n:012}")
}

fn report(n: u32, place: &str) -> Value {
    json!({"id": uuid(n), "place_id": place, "version": 1, "motif": "telephone", "texte": "Le numéro ne répond plus", "jour": "2026-11-30"})
}

pub fn proposal(n: u32, place: Option<&str>, changes: Value) -> Value {
    json!({"id": uuid(n), "seq": n, "place_id": place, "version": 1, "changes": changes, "note": "vu sur place"})
}

async fn reports(s: &Server, list: Vec<Value>) -> (StatusCode, Value) {
    s.call("POST", "/api/v1/reports", None, json!({ "reports": list }).to_string()).await
}

async fn queue(s: &Server, token: &str) -> Vec<Value> {
    let (status, body) = s.call("GET", "/api/v1/moderation", Some(token), Body::empty()).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    body["items"].as_array().unwrap().clone()
}

#[tokio::test]
async fn a_report_is_stored_once_under_resends_and_a_flood_an_oversize_and_an_unknown_place_are_refused() {
    for s in servers().await {
        let backend = s.db.backend();
        let (departement, _) = s.coordinator(&[]).await;
        let (status, answer) = reports(&s, vec![report(1, BUXEROLLES)]).await;
        assert_eq!(status, StatusCode::OK, "{answer}");
        assert_eq!(answer, json!({"acked": [uuid(1)], "conflicts": [], "stored": 1}), "{backend:?}");
        let (_, again) = reports(&s, vec![report(1, BUXEROLLES)]).await;
        assert_eq!(again, json!({"acked": [uuid(1)], "conflicts": [], "stored": 0}), "{backend:?}: a resend is acked, stored once");
        let mut other = report(1, BUXEROLLES);
        other["texte"] = json!("autre chose");
        let (_, conflict) = reports(&s, vec![other]).await;
        assert_eq!(conflict, json!({"acked": [], "conflicts": [uuid(1)], "stored": 0}), "{backend:?}");

        let (status, refused) = reports(&s, vec![report(2, BUXEROLLES), report(3, "nulle-part")]).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{refused}");
        assert_eq!(refused["error"]["code"], "invalid_reports");
        let detail = &refused["error"]["details"][0];
        assert_eq!((&detail["index"], &detail["id"], &detail["field"]), (&json!(1), &json!(uuid(3)), &json!("place_id")), "{refused}");

        let items = queue(&s, &departement).await;
        assert_eq!(items.len(), 1, "{backend:?}: one report held, none of the refused batch: {items:?}");
        assert_eq!(
            (&items[0]["kind"], &items[0]["from"], &items[0]["motif"], &items[0]["place_name"]),
            (&json!("report"), &json!("Un habitant"), &json!("telephone"), &json!("France services de Buxerolles"))
        );

        let long = report(4, &"x".repeat(49 * 1024));
        assert_eq!(reports(&s, vec![long]).await.0, StatusCode::PAYLOAD_TOO_LARGE, "{backend:?}: over 48 KiB");
        let many: Vec<Value> = (10..11 + MAX_REPORTS as u32).map(|n| report(n, BUXEROLLES)).collect();
        assert_eq!(reports(&s, many).await.0, StatusCode::PAYLOAD_TOO_LARGE, "{backend:?}: over MAX_REPORTS");

        // Six requests so far from this address; the burst allows ten.
        let mut passed = 0;
        loop {
            let (status, body) = reports(&s, vec![report(1, BUXEROLLES)]).await;
            if status == StatusCode::TOO_MANY_REQUESTS {
                assert_eq!(body["error"]["code"], "rate_limited");
                break;
            }
            assert_eq!(status, StatusCode::OK, "{body}");
            passed += 1;
            assert!(passed <= 10, "{backend:?}: the flood was never refused");
        }
        assert_eq!(passed, 4, "{backend:?}: ten requests in the burst, then 429");
    }
}

#[tokio::test]
async fn reports_stop_at_the_queue_s_cap_with_a_retry_after_and_nothing_stored() {
    for s in servers().await {
        let backend = s.db.backend();
        // The queue filled to its cap (as many addresses flooding would), in one statement.
        let fill = format!(
            "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {MAX_PENDING_REPORTS}) \
             INSERT INTO submissions (id, kind, place_id, version, body, sent_by, received_at) \
             SELECT 'filler-' || CAST(i AS TEXT), 'report', '{BUXEROLLES}', 1, '{{}}', 'Un habitant', '2026-11-30T00:00:00Z' FROM n"
        );
        sqlx::query(&fill).execute(s.db.pool()).await.unwrap();
        let (status, refused) = reports(&s, vec![report(1, BUXEROLLES)]).await;
        assert_eq!((status, &refused["error"]["code"]), (StatusCode::SERVICE_UNAVAILABLE, &json!("queue_full")), "{backend:?}");
        let held: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM submissions").fetch_one(s.db.pool()).await.unwrap();
        assert_eq!(held, MAX_PENDING_REPORTS, "{backend:?}: nothing more stored");
    }
}

#[tokio::test]
async fn a_proposal_pushed_with_contacts_is_acked_exactly_once_and_a_bad_value_is_refused_by_field() {
    for s in servers().await {
        let backend = s.db.backend();
        let (departement, _) = s.coordinator(&[]).await;
        let token = s.device("Centre social de Buxerolles").await;
        let contact = common::contact(1);
        let p1 = proposal(1, Some(BUXEROLLES), json!({"telephone": "+33549000001"}));
        let push = json!({"contacts": [contact], "proposals": [p1]}).to_string();
        let (status, answer) = s.call("POST", "/api/v1/contacts", Some(&token), push.clone()).await;
        assert_eq!(status, StatusCode::OK, "{answer}");
        assert_eq!(answer["stored"], 2, "{backend:?}: {answer}");
        assert_eq!(answer["acked"].as_array().unwrap().len(), 2);
        assert!(answer["acked"].as_array().unwrap().contains(&json!(uuid(1))));
        let (_, again) = s.call("POST", "/api/v1/contacts", Some(&token), push).await;
        assert_eq!((&again["stored"], again["acked"].as_array().unwrap().len()), (&json!(0), 2), "{backend:?}: {again}");

        // The same id from another structure, or with other values: a conflict, never overwritten.
        let other = s.device("Mairie de Civray").await;
        let (_, stolen) =
            s.call("POST", "/api/v1/contacts", Some(&other), json!({"contacts": [], "proposals": [p1_changed()]}).to_string()).await;
        assert_eq!(stolen, json!({"acked": [], "conflicts": [uuid(1)], "stored": 0}), "{backend:?}");

        let items = queue(&s, &departement).await;
        assert_eq!(items.len(), 1, "{backend:?}: {items:?}");
        let item = &items[0];
        assert_eq!(
            (&item["kind"], &item["from"], &item["note"]),
            (&json!("proposal"), &json!("Centre social de Buxerolles"), &json!("vu sur place"))
        );
        assert_eq!(
            item["changes"],
            json!([{"field": "telephone", "label": "Téléphone", "old": "+33549383858", "new": "+33549000001", "current": "+33549383858", "stale": false}])
        );

        let bad = json!({"contacts": [common::contact(2)], "proposals": [
            proposal(2, Some(BUXEROLLES), json!({"telephone": "05 49", "nom": "Espace numérique"})),
            proposal(3, None, json!({"nom": "Médiathèque de Gençay", "courriels": "gencay"})),
        ]});
        let (status, refused) = s.call("POST", "/api/v1/contacts", Some(&token), bad.to_string()).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{refused}");
        let fields: Vec<(&str, &str)> = refused["error"]["details"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| (d["id"].as_str().unwrap(), d["field"].as_str().unwrap()))
            .collect();
        let (two, three) = (uuid(2), uuid(3));
        assert_eq!(
            fields,
            [(&*two, "telephone"), (&*three, "commune"), (&*three, "code_postal"), (&*three, "adresse"), (&*three, "courriels")],
            "{refused}"
        );
        assert_eq!(s.count(&token).await, 1, "{backend:?}: the contact of a refused push is not stored either");
        assert_eq!(queue(&s, &departement).await.len(), 1);

        // A version the registry never had would make the proposal never stale: refused by field.
        let mut future = proposal(4, Some(BUXEROLLES), json!({"nom": "Espace numérique"}));
        future["version"] = json!(999);
        let (status, refused) =
            s.call("POST", "/api/v1/contacts", Some(&token), json!({"contacts": [], "proposals": [future]}).to_string()).await;
        assert_eq!((status, &refused["error"]["details"][0]["field"]), (StatusCode::UNPROCESSABLE_ENTITY, &json!("version")), "{refused}");
        let (status, _) = s.call("GET", "/api/v1/moderation", Some(&token), Body::empty()).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "a mediator does not moderate");
    }
}

fn p1_changed() -> Value {
    proposal(1, Some(BUXEROLLES), json!({"telephone": "+33549000002"}))
}
