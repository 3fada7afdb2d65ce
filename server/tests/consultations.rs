//! Consultation counts on both databases: a batch counted once however often it is sent,
//! unknown places and communes ignored, bad batches refused whole, sums per place and commune by
//! period and by the coordinator's scope; the per-address limit and the body's size.

use axum::body::Body;
use axum::http::StatusCode;
use common::api::{Server, servers};
use serde_json::{Value, json};

mod common;

const BLAISERIE_FS: &str = "france-services-2937";
/// Buxerolles (Grand Poitiers) and Civray (Civraisien).
const BUXEROLLES: &str = "86041";
const CIVRAY: &str = "86078";
const GRAND_POITIERS: &str = "200069854";

/// A day `n` days before today, as phones write it.
fn ago(n: u64) -> String {
    (chrono::Utc::now().date_naive() - chrono::Days::new(n)).to_string()
}

/// The last 20 days, today included.
fn recent() -> String {
    format!("?du={}&au={}", ago(20), ago(0))
}

fn batch(id: &str) -> Value {
    json!({ "id": id, "jours": [
        { "jour": ago(2), "lieux": [{ "id": BLAISERIE_FS, "vues": 3, "appels": 1 }, { "id": "jamais-publie", "vues": 9 }],
          "communes": [{ "code": BUXEROLLES, "recherches": 2 }, { "code": CIVRAY, "recherches": 1 }, { "code": "75056", "recherches": 5 }] },
        { "jour": ago(1), "lieux": [{ "id": BLAISERIE_FS, "vues": 1, "itineraires": 1 }] },
    ]})
}

async fn figures(s: &Server, token: &str, query: &str) -> Value {
    let (status, answer) = s.call("GET", &format!("/api/v1/consultations{query}"), Some(token), Body::empty()).await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    answer
}

#[tokio::test]
async fn a_batch_counts_once_and_coordinators_read_the_sums_in_their_scope() {
    for s in servers().await {
        let id = "6f1c1a52-5f0e-4f4e-9a43-0d8b8d4b9c11";
        for _ in 0..2 {
            let (status, acked) = s.call("POST", "/api/v1/consultations", None, batch(id).to_string()).await;
            assert_eq!((status, acked), (StatusCode::OK, json!({ "acked": id })), "{:?}", s.db.backend());
        }
        let (departement, _) = s.coordinator(&[]).await;
        let all = figures(&s, &departement, &recent()).await;
        assert_eq!(all["totaux"], json!({ "vues": 4, "appels": 1, "itineraires": 1, "recherches": 3 }), "{:?}: {all}", s.db.backend());
        assert_eq!(all["lieux"][0]["id"], BLAISERIE_FS);
        assert_eq!(all["lieux"][0]["epci"], GRAND_POITIERS);
        assert_eq!(all["lieux"].as_array().unwrap().len(), 1, "a place never published is not counted");
        assert_eq!(all["communes"].as_array().unwrap().len(), 2, "Paris is no commune of the Vienne");
        assert_eq!(figures(&s, &departement, &format!("?du={0}&au={0}", ago(1))).await["totaux"]["vues"], 1);

        let (poitiers, _) = s.coordinator(&[GRAND_POITIERS]).await;
        let mine = figures(&s, &poitiers, &recent()).await;
        assert_eq!(mine["communes"], json!([{ "code": BUXEROLLES, "nom": "Buxerolles", "epci": GRAND_POITIERS, "recherches": 2 }]));
        assert_eq!(mine["totaux"]["recherches"], 2);

        // Another batch adds up.
        let (status, _) = s.call("POST", "/api/v1/consultations", None, batch("0f1c1a52-5f0e-4f4e-9a43-0d8b8d4b9c12").to_string()).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(figures(&s, &departement, &recent()).await["totaux"]["vues"], 8);

        // Refused whole: a bad id, a count beyond the cap; a bad period; a mediator.
        let mut bad = batch("pas-un-uuid");
        bad["jours"][0]["lieux"][0]["vues"] = json!(501);
        let (status, refused) = s.call("POST", "/api/v1/consultations", None, bad.to_string()).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{refused}");
        assert_eq!(refused["error"]["details"].as_array().unwrap().len(), 2);
        let (status, _) = s.call("GET", "/api/v1/consultations?du=2026-13-01", Some(&departement), Body::empty()).await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
        let mediator = s.device("La Blaiserie").await;
        assert_eq!(s.call("GET", "/api/v1/consultations", Some(&mediator), Body::empty()).await.0, StatusCode::FORBIDDEN);
        assert_eq!(figures(&s, &departement, &recent()).await["totaux"]["vues"], 8, "nothing counted by refusals");

        // Regression: a day written without its zeros was stored as sent and fell outside every
        // period; a far-off year spread counts over days nobody reads.
        let yesterday = chrono::Utc::now().date_naive() - chrono::Days::new(1);
        let odd = json!({ "id": "1f1c1a52-5f0e-4f4e-9a43-0d8b8d4b9c13", "jours": [
            { "jour": yesterday.format("%Y-%-m-%-d").to_string(), "lieux": [{ "id": BLAISERIE_FS, "vues": 2 }] },
            { "jour": "9999-01-01", "lieux": [{ "id": BLAISERIE_FS, "vues": 7 }] },
        ]});
        let (status, _) = s.call("POST", "/api/v1/consultations", None, odd.to_string()).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(figures(&s, &departement, &recent()).await["totaux"]["vues"], 10, "{:?}: yesterday's 2 counted", s.db.backend());
        assert_eq!(figures(&s, &departement, "?du=9999-01-01&au=9999-01-01").await["totaux"]["vues"], 0, "the year 9999 ignored");
    }
}

#[tokio::test]
async fn a_flood_is_limited_per_address_and_a_big_body_refused() {
    let s = servers().await.remove(0);
    let big = json!({ "id": "6f1c1a52-5f0e-4f4e-9a43-0d8b8d4b9c11", "texte": "x".repeat(70 * 1024) });
    let (status, _) = s.call("POST", "/api/v1/consultations", None, big.to_string()).await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
    let statuses: Vec<StatusCode> = {
        let mut all = Vec::new();
        for n in 0..40u32 {
            let id = format!("6f1c1a52-5f0e-4f4e-9a43-{n:012}");
            all.push(s.call("POST", "/api/v1/consultations", None, batch(&id).to_string()).await.0);
        }
        all
    };
    let passed = statuses.iter().filter(|s| **s == StatusCode::OK).count();
    assert_eq!(passed, repere_server::throttle::CONSULTATIONS_PER_ADDRESS_PER_MINUTE as usize - 1, "the big body took one");
    assert!(statuses[passed..].iter().all(|s| *s == StatusCode::TOO_MANY_REQUESTS));
}
