//! `POST /api/v1/places/{id}/link` as the coordination space calls it, on both databases: a new
//! link that opens the place's page while the previous one stops working, with the reminder's
//! text for a `mailto:`; and the reminders' bookkeeping (`due_places`, `mark_reminded`).

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use common::api::servers;
use http_body_util::BodyExt;
use tower::ServiceExt;

mod common;

const PLACE: &str = "france-services-2937";

async fn get(s: &common::api::Server, path: &str) -> StatusCode {
    s.app.clone().oneshot(Request::get(path).body(Body::empty()).unwrap()).await.unwrap().status()
}

#[tokio::test]
async fn a_coordinator_makes_a_link_with_the_reminder_text_and_the_old_link_stops_working() {
    for s in servers().await {
        let (departement, _) = s.coordinator(&[]).await;
        let old = s.db.create_place_link(PLACE).await.unwrap();
        let old_path = repere_server::place_page::address(PLACE, &old);
        assert_eq!(get(&s, &old_path).await, StatusCode::OK);

        let request = Request::post(format!("/api/v1/places/{PLACE}/link"))
            .header(header::AUTHORIZATION, format!("Bearer {departement}"))
            .header(header::ORIGIN, "https://repere.example.fr")
            .body(Body::empty())
            .unwrap();
        let response = s.app.clone().oneshot(request).await.unwrap();
        assert_eq!(response.status(), StatusCode::OK);
        let answer: serde_json::Value = serde_json::from_slice(&response.into_body().collect().await.unwrap().to_bytes()).unwrap();
        let link = answer["link"].as_str().unwrap();
        let path = link.strip_prefix("https://repere.example.fr").unwrap_or_else(|| panic!("{answer}"));
        assert!(path.starts_with(&format!("/lieu/{PLACE}/mise-a-jour?code=")), "{answer}");
        assert_eq!(answer["courriels"], serde_json::json!(["buxerolles@france-services.gouv.fr"]));
        let body = answer["body"].as_str().unwrap();
        assert!(body.contains(link) && body.contains("« Rien n'a changé »") && body.contains("Buxerolles"), "{body}");
        assert_eq!(get(&s, path).await, StatusCode::OK, "{:?}: the new link opens the page", s.db.backend());
        assert_eq!(get(&s, &old_path).await, StatusCode::FORBIDDEN, "{:?}: the old one no longer does", s.db.backend());

        // Without an Origin header (not a browser): the path alone.
        let (status, answer) = s.call("POST", &format!("/api/v1/places/{PLACE}/link"), Some(&departement), Body::empty()).await;
        assert_eq!(status, StatusCode::OK);
        assert!(answer["link"].as_str().unwrap().starts_with("/lieu/"), "{answer}");
    }
}

#[tokio::test]
async fn a_place_reminded_is_quiet_for_20_days_then_due_again() {
    for s in servers().await {
        let today: chrono::NaiveDate = "2026-12-02".parse().unwrap();
        let due = s.db.due_places(today).await.unwrap();
        assert_eq!(due.len(), 141, "{:?}: every bundled place is older than 6 months", s.db.backend());
        assert!(due.windows(2).all(|w| w[0].checked <= w[1].checked), "oldest first");
        s.db.mark_reminded(PLACE, today - chrono::Duration::days(19)).await.unwrap();
        let ids = |due: Vec<repere_server::reminders::Due>| due.into_iter().map(|d| d.id).collect::<Vec<_>>();
        assert!(!ids(s.db.due_places(today).await.unwrap()).contains(&PLACE.to_owned()), "{:?}", s.db.backend());
        s.db.mark_reminded(PLACE, today - chrono::Duration::days(20)).await.unwrap();
        let again = s.db.due_places(today).await.unwrap();
        assert_eq!(again.len(), 141, "{:?}: recorded again, due again", s.db.backend());
    }
}
