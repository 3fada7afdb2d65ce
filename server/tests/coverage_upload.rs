//! The travel-time table sent from the coordinators' page, on both databases: a good file stored
//! and answered as `GET` answers it, each kind of bad file refused naming line and field with the
//! previous table intact, who may send or clear it, and the limits on what is sent.

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use common::api::{Server, servers};
use http_body_util::BodyExt;
use repere_core::coverage::{Help, Minutes};
use repere_server::coverage::communes;
use serde_json::{Value, json};
use tower::ServiceExt;

mod common;

const TIMES: &str = "/api/v1/coverage/times";

/// A request to the router with this content type; the answer's status and JSON.
async fn send(s: &Server, method: &str, uri: &str, token: &str, content_type: &str, body: impl Into<Body>) -> (StatusCode, Value) {
    let request = Request::builder()
        .method(method)
        .uri(uri)
        .header(header::AUTHORIZATION, format!("Bearer {token}"))
        .header(header::CONTENT_TYPE, content_type)
        .body(body.into())
        .unwrap();
    let response = s.app.clone().oneshot(request).await.unwrap();
    let status = response.status();
    let bytes = response.into_body().collect().await.unwrap().to_bytes();
    (status, serde_json::from_slice(&bytes).unwrap_or_else(|_| panic!("{status}: not JSON: {}", String::from_utf8_lossy(&bytes))))
}

/// Every commune with a time to one place (a different one from commune to commune).
async fn good_rows(s: &Server) -> Vec<Minutes> {
    let (places, _) = s.db.current_places().await.unwrap();
    let helps = Help::from_places(&places);
    let at = |i: usize| helps[i * 7 % helps.len()].id.clone();
    communes()
        .iter()
        .enumerate()
        .map(|(i, c)| Minutes { code_insee: c.code_insee.clone(), place_id: at(i), minutes: i as f64 / 4.0 })
        .collect()
}

fn csv_of(rows: &[Minutes]) -> String {
    rows.iter()
        .fold(String::from("code_insee,place_id,minutes\n"), |text, r| text + &format!("{},{},{}\n", r.code_insee, r.place_id, r.minutes))
}

/// A refusal's problems as (line, field).
type Problems = Vec<(u64, &'static str)>;

/// A refusal's problems as (line, field), after checking its shape.
fn problems(answer: &Value) -> Vec<(u64, String)> {
    assert_eq!(answer["error"]["code"], "invalid_table", "{answer}");
    let message = answer["error"]["message"].as_str().unwrap();
    assert!(message.starts_with("Rien n’a été importé, le tableau précédent reste en place"), "{message}");
    let listed = answer["error"]["details"].as_array().unwrap();
    assert_eq!(answer["error"]["total"].as_u64(), Some(listed.len() as u64), "all listed below 50");
    listed.iter().map(|p| (p["line"].as_u64().unwrap(), p["field"].as_str().unwrap().to_owned())).collect()
}

#[tokio::test]
async fn a_good_table_is_stored_and_every_bad_one_refused_by_line_and_field_leaving_the_previous() {
    for s in servers().await {
        let backend = s.db.backend();
        let coordinator = s.coordinator(&[]).await.0;
        let rows = good_rows(&s).await;
        let (status, answer) =
            send(&s, "POST", &format!("{TIMES}?fichier=temps%20osrm.csv"), &coordinator, "text/csv", csv_of(&rows)).await;
        assert_eq!(status, StatusCode::OK, "{backend:?}: {answer}");
        let (_, read) = send(&s, "GET", TIMES, &coordinator, "text/csv", Body::empty()).await;
        assert_eq!(answer, read, "{backend:?}: the answer is the table as GET reads it");
        assert_eq!((answer["source"].as_str(), answer["rows"].as_array().unwrap().len()), (Some("temps osrm.csv"), 265));
        let held = s.db.travel_times().await.unwrap();
        assert_eq!(held.rows.len(), 265);
        assert!(held.rows.iter().all(|r| rows.contains(r)), "stored as sent");

        let (first, second) = (&rows[0], &rows[1]);
        let good = csv_of(&rows);
        let last = rows.len() as u64 + 2; // the line after the last row (the header is line 1)
        let cases: Vec<(&str, Vec<u8>, Problems)> = vec![
            (
                "unknown commune",
                good.replacen(&format!("{},", second.code_insee), "99999,", 1).into(),
                vec![(3, "code_insee"), (0, "code_insee")],
            ),
            ("unknown place", good.replacen(&first.place_id, "nulle-part", 1).into(), vec![(2, "place_id")]),
            ("duplicate pair", format!("{good}{},{},3\n", first.code_insee, first.place_id).into(), vec![(last, "")]),
            ("negative minutes", format!("{good}{},{},-1\n", first.code_insee, second.place_id).into(), vec![(last, "minutes")]),
            ("a commune missing", csv_of(&rows[1..]).into(), vec![(0, "code_insee")]),
            ("not UTF-8", [format!("{good}{},caf", first.code_insee).as_bytes(), b"\xE9,3\n"].concat(), vec![(last, "place_id")]),
            ("empty", Vec::new(), vec![(0, "")]),
        ];
        for (what, body, expected) in cases {
            let (status, answer) = send(&s, "POST", &format!("{TIMES}?fichier=mauvais.csv"), &coordinator, "text/csv", body).await;
            assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{backend:?} {what}: {answer}");
            let expected: Vec<(u64, String)> = expected.into_iter().map(|(line, field)| (line, field.to_owned())).collect();
            assert_eq!(problems(&answer), expected, "{backend:?} {what}: {answer}");
            assert_eq!(s.db.travel_times().await.unwrap(), held, "{backend:?} {what}: the previous table is intact");
        }
        let (_, answer) = send(&s, "POST", TIMES, &coordinator, "text/csv", "").await;
        assert_eq!(answer["error"]["details"][0]["reason"], "fichier vide : la première ligne doit être code_insee,place_id,minutes");

        // Past 50 problems, the first 50 are listed and all counted.
        let wrong: Vec<Minutes> = rows.iter().map(|r| Minutes { minutes: -1.0, ..r.clone() }).collect();
        let (status, answer) = send(&s, "POST", TIMES, &coordinator, "application/octet-stream", csv_of(&wrong)).await;
        assert_eq!(
            (status, answer["error"]["total"].as_u64(), answer["error"]["details"].as_array().map(Vec::len)),
            (StatusCode::UNPROCESSABLE_ENTITY, Some(265), Some(50))
        );
        assert!(answer["error"]["message"].as_str().unwrap().ends_with("265 problème(s), les 50 premiers ci-dessous."), "{answer}");

        // Raw bytes are accepted too, unnamed; clearing answers the empty table.
        let (status, answer) = send(&s, "POST", TIMES, &coordinator, "application/octet-stream", good.clone()).await;
        assert_eq!((status, answer["source"].as_str()), (StatusCode::OK, Some("fichier envoyé depuis la page")));
        let (status, answer) = send(&s, "DELETE", TIMES, &coordinator, "text/csv", Body::empty()).await;
        assert_eq!((status, answer), (StatusCode::OK, json!({ "imported_at": null, "source": null, "rows": [] })), "{backend:?}");
        assert_eq!(s.db.travel_times().await.unwrap(), Default::default());
    }
}

#[tokio::test]
async fn only_the_departements_coordination_sends_a_table_and_only_as_a_csv_within_the_limit() {
    for s in servers().await {
        let backend = s.db.backend();
        let departement = s.coordinator(&[]).await.0;
        let good = csv_of(&good_rows(&s).await);
        assert_eq!(send(&s, "POST", TIMES, &departement, "text/csv", good.clone()).await.0, StatusCode::OK);
        let held = s.db.travel_times().await.unwrap();
        let epci = s.coordinator(&["200069854"]).await.0;
        let mediator = s.device("Structure A").await;
        for (who, token) in [("EPCI", &epci), ("mediator", &mediator)] {
            for method in ["POST", "DELETE"] {
                let (status, answer) = send(&s, method, TIMES, token, "text/csv", good.clone()).await;
                assert_eq!(
                    (status, answer["error"]["code"].as_str()),
                    (StatusCode::FORBIDDEN, Some("forbidden")),
                    "{backend:?} {who} {method}"
                );
            }
        }
        let (_, answer) = send(&s, "POST", TIMES, &epci, "text/csv", good.clone()).await;
        assert!(answer["error"]["message"].as_str().unwrap().starts_with("Le tableau des temps de trajet sert à tout le département"));
        let (status, answer) = send(&s, "POST", TIMES, &departement, "application/json", good.clone()).await;
        assert_eq!((status, answer["error"]["code"].as_str()), (StatusCode::UNSUPPORTED_MEDIA_TYPE, Some("unsupported_media_type")));
        // The test server takes 512 KiB: a bigger file is the usual 413, in JSON.
        let big = good.repeat(512 * 1024 / good.len() + 1);
        let (status, answer) = send(&s, "POST", TIMES, &departement, "text/csv", big).await;
        assert_eq!((status, answer["error"]["code"].as_str()), (StatusCode::PAYLOAD_TOO_LARGE, Some("payload_too_large")), "{backend:?}");
        assert_eq!(s.db.travel_times().await.unwrap(), held, "{backend:?}: nothing refused touched the table");
    }
}
