//! The reminders in the coordination space on both databases: the places due (those to e-mail
//! and those to call), the same as a CSV file, and a place's update frequency, which decides when
//! a place « À surveiller » is due (`due_places`, which `remind` uses).

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use common::api::servers;
use http_body_util::BodyExt;
use serde_json::json;
use tower::ServiceExt;

mod common;

/// France services de Buxerolles, dated 2024-08-01 in the seeds, with an e-mail address.
const PLACE: &str = "france-services-2937";
const GRAND_POITIERS: &str = "200069854";

#[tokio::test]
async fn the_due_list_splits_mail_and_calls_and_matches_its_csv() {
    for s in servers().await {
        let (departement, _) = s.coordinator(&[]).await;
        let (status, answer) = s.call("GET", "/api/v1/reminders", Some(&departement), Body::empty()).await;
        assert_eq!(status, StatusCode::OK, "{answer}");
        let due = answer["due"].as_array().unwrap();
        let expected = s.db.due_places(chrono::Utc::now().date_naive()).await.unwrap();
        assert_eq!(due.len(), expected.len(), "{:?}", s.db.backend());
        let to_call = due.iter().filter(|d| d["courriel"].is_null()).count();
        assert_eq!(to_call, expected.iter().filter(|d| d.courriels.is_empty()).count());
        let buxerolles = due.iter().find(|d| d["place_id"] == PLACE).unwrap();
        assert_eq!(buxerolles["courriel"], "buxerolles@france-services.gouv.fr");
        assert_eq!((buxerolles["frequency_months"].as_u64(), buxerolles["last_reminded"].is_null()), (Some(6), true));

        let request = Request::get("/api/v1/export/relances.csv").header(header::AUTHORIZATION, format!("Bearer {departement}"));
        let response = s.app.clone().oneshot(request.body(Body::empty()).unwrap()).await.unwrap();
        assert_eq!(response.status(), StatusCode::OK);
        assert!(response.headers()[header::CONTENT_DISPOSITION].to_str().unwrap().contains("repere_relances_"));
        let bytes = response.into_body().collect().await.unwrap().to_bytes();
        let text = std::str::from_utf8(bytes.strip_prefix("\u{feff}".as_bytes()).expect("a byte-order mark")).unwrap();
        let mut reader = csv::Reader::from_reader(text.as_bytes());
        let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
        assert_eq!(rows.len(), due.len());
        let row = rows.iter().find(|r| &r[0] == PLACE).unwrap();
        assert_eq!(&row[5], "05 49 38 38 58", "the phone as a person dials it");

        let (poitiers, _) = s.coordinator(&[GRAND_POITIERS]).await;
        let (_, mine) = s.call("GET", "/api/v1/reminders", Some(&poitiers), Body::empty()).await;
        let mine = mine["due"].as_array().unwrap();
        assert!(!mine.is_empty() && mine.len() < due.len());
        let mediator = s.device("La Blaiserie").await;
        assert_eq!(s.call("GET", "/api/v1/reminders", Some(&mediator), Body::empty()).await.0, StatusCode::FORBIDDEN);
    }
}

#[tokio::test]
async fn a_place_frequency_decides_when_it_is_due() {
    for s in servers().await {
        let (departement, _) = s.coordinator(&[]).await;
        let set = |months: i64| json!({ "place_id": PLACE, "months": months }).to_string();
        // Seven months after its date (2024-08-01): « À surveiller », due at the default 6 months.
        let day: chrono::NaiveDate = "2025-03-05".parse().unwrap();
        let due = |list: Vec<repere_server::reminders::Due>| list.into_iter().any(|d| d.id == PLACE);
        assert!(due(s.db.due_places(day).await.unwrap()), "{:?}", s.db.backend());

        let (status, answer) = s.call("POST", "/api/v1/reminders/frequency", Some(&departement), set(12)).await;
        assert_eq!((status, answer), (StatusCode::OK, json!({ "place_id": PLACE, "frequency_months": 12 })));
        assert!(!due(s.db.due_places(day).await.unwrap()), "every 12 months: not yet");
        let listed = s.db.due_places("2026-12-02".parse().unwrap()).await.unwrap();
        assert_eq!(
            listed.iter().find(|d| d.id == PLACE).map(|d| d.frequency_months),
            Some(12),
            "« À actualiser » is due whatever the frequency"
        );

        s.call("POST", "/api/v1/reminders/frequency", Some(&departement), set(3)).await;
        assert!(due(s.db.due_places("2024-11-05".parse().unwrap()).await.unwrap()), "every 3 months: due after 3");

        for (body, field) in
            [(set(0), "months"), (set(25), "months"), (json!({ "place_id": "inconnu", "months": 6 }).to_string(), "place_id")]
        {
            let (status, refused) = s.call("POST", "/api/v1/reminders/frequency", Some(&departement), body).await;
            assert_eq!((status, refused["error"]["details"][0]["field"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some(field)));
        }
        let (civraisien, _) = s.coordinator(&["200070035"]).await;
        let (status, _) = s.call("POST", "/api/v1/reminders/frequency", Some(&civraisien), set(6)).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "outside his EPCI");
    }
}
