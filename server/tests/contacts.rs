//! Mediators' devices and contacts through the router, as the binary serves them: enrolment,
//! idempotent pushes, conflicts, structure scoping, revocation, and bad payloads that write nothing.

use axum::body::Body;
use axum::http::StatusCode;
use common::api::servers;
use common::contact;
use repere_server::db::Database;
use serde_json::{Value, json};

mod common;

#[tokio::test]
async fn a_push_is_idempotent_and_a_changed_record_is_a_conflict_never_an_overwrite() {
    for s in servers().await {
        eprintln!("backend: {:?}", s.db.backend());
        let token = s.device("La Blaiserie").await;
        let batch = vec![contact(1), contact(2)];
        let (status, first) = s.push(&token, batch.clone()).await;
        assert_eq!(status, StatusCode::OK, "{first}");
        assert_eq!((first["acked"].as_array().unwrap().len(), first["stored"].as_u64()), (2, Some(2)));
        // The answer was lost; the device pushes the same batch again.
        let (_, again) = s.push(&token, batch).await;
        assert_eq!((&again["acked"], again["stored"].as_u64()), (&first["acked"], Some(0)));
        assert_eq!(s.count(&token).await, 2);

        let mut changed = contact(1);
        changed["duree_min"] = json!(45);
        let (status, answer) = s.push(&token, vec![changed, contact(3)]).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(answer["conflicts"], json!([contact(1)["id"]]));
        assert_eq!(answer["acked"], json!([contact(3)["id"]]));
        assert_eq!(s.count(&token).await, 3);
        let (_, original) = s.push(&token, vec![contact(1)]).await;
        assert_eq!(original["acked"], json!([contact(1)["id"]]), "the first version is still the one held");

        // One batch carrying a new record twice, then changed: stored once, the change a conflict.
        let mut changed = contact(4);
        changed["duree_min"] = json!(45);
        let (_, answer) = s.push(&token, vec![contact(4), contact(4), changed]).await;
        assert_eq!((answer["stored"].as_u64(), &answer["conflicts"]), (Some(1), &json!([contact(4)["id"]])), "{answer}");
        assert_eq!(answer["acked"], json!([contact(4)["id"], contact(4)["id"]]));
        assert_eq!(s.count(&token).await, 4);
    }
}

#[tokio::test]
async fn a_device_cannot_read_or_write_another_structures_records() {
    for s in servers().await {
        eprintln!("backend: {:?}", s.db.backend());
        let a = s.device("La Blaiserie").await;
        let b = s.device("Mairie de Civray").await;
        s.push(&a, vec![contact(1)]).await;
        let (status, answer) = s.push(&b, vec![contact(1)]).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!((answer["acked"].clone(), answer["conflicts"].clone()), (json!([]), json!([contact(1)["id"]])));
        assert_eq!((s.count(&a).await, s.count(&b).await), (1, 0));
    }
}

#[tokio::test]
async fn codes_are_single_use_and_revoked_or_unknown_tokens_are_refused() {
    for s in servers().await {
        eprintln!("backend: {:?}", s.db.backend());
        let code = s.db.create_enrolment_code("La Blaiserie").await.unwrap();
        let (status, _) = s.call("POST", "/api/v1/devices", None, json!({ "code": code }).to_string()).await;
        assert_eq!(status, StatusCode::CREATED);
        let (status, body) = s.call("POST", "/api/v1/devices", None, json!({ "code": code }).to_string()).await;
        assert_eq!((status, body["error"]["code"].as_str()), (StatusCode::FORBIDDEN, Some("enrolment_code_invalid")));

        let (token, device_id) = s.enrolled("La Blaiserie").await;
        assert_eq!(s.count(&token).await, 0);
        s.db.revoke(&device_id).await.unwrap();
        for t in [Some(token.as_str()), Some("not-a-token"), None] {
            let (status, body) = s.call("POST", "/api/v1/contacts", t, json!({ "contacts": [contact(1)] }).to_string()).await;
            assert_eq!((status, body["error"]["code"].as_str()), (StatusCode::UNAUTHORIZED, Some("unauthorized")), "{t:?}");
        }
    }
}

#[tokio::test]
async fn bad_payloads_get_a_reason_and_write_nothing() {
    for s in servers().await {
        eprintln!("backend: {:?}", s.db.backend());
        let token = s.device("La Blaiserie").await;
        let mut named = contact(1);
        named["beneficiaire"]["nom"] = json!("Dupont");
        let mut phone = contact(2);
        phone["telephone"] = json!("0612345678");
        let mut wrong_code = contact(3);
        wrong_code["thematiques"] = json!(["cuisine"]);
        let mut invalid = contact(4);
        invalid["duree_min"] = json!(0);
        let cases: Vec<(Body, StatusCode, &str, &str)> = vec![
            (
                json!({ "contacts": [contact(5), named] }).to_string().into(),
                StatusCode::BAD_REQUEST,
                "malformed_json",
                "unknown field `nom`",
            ),
            (json!({ "contacts": [phone] }).to_string().into(), StatusCode::BAD_REQUEST, "malformed_json", "unknown field `telephone`"),
            (
                json!({ "contacts": [contact(5), wrong_code] }).to_string().into(),
                StatusCode::UNPROCESSABLE_ENTITY,
                "invalid_contacts",
                "1 problem",
            ),
            (
                json!({ "contacts": [invalid] }).to_string().into(),
                StatusCode::UNPROCESSABLE_ENTITY,
                "invalid_contacts",
                "nothing was saved",
            ),
            ("{\"contacts\": [".into(), StatusCode::BAD_REQUEST, "malformed_json", "EOF"),
            (
                json!({ "contacts": (0..501).map(contact).collect::<Vec<_>>() }).to_string().into(),
                StatusCode::PAYLOAD_TOO_LARGE,
                "batch_too_large",
                "at most 500",
            ),
            (vec![b' '; 600 * 1024].into(), StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large", "smaller batches"),
        ];
        for (body, status, code, says) in cases {
            let (got, answer) = s.call("POST", "/api/v1/contacts", Some(&token), body).await;
            assert_eq!((got, answer["error"]["code"].as_str()), (status, Some(code)), "{answer}");
            assert!(answer["error"]["message"].as_str().unwrap().contains(says), "{answer}");
        }
        // Which record and which field: the wrong theme is record 1's `thematiques`.
        let mut wrong_code = contact(3);
        wrong_code["thematiques"] = json!(["cuisine"]);
        let (_, answer) = s.push(&token, vec![contact(5), wrong_code]).await;
        assert_eq!(answer["error"]["details"][0]["index"], 1);
        assert_eq!(answer["error"]["details"][0]["field"], "thematiques");
        assert_eq!(answer["error"]["details"][0]["reason"], "« cuisine » n’est pas une valeur de thematiques");
        assert_eq!(s.count(&token).await, 0, "nothing was written");
    }
}

#[tokio::test]
async fn an_exported_outbox_imports_once_and_a_bad_file_imports_nothing() {
    for s in servers().await {
        eprintln!("backend: {:?}", s.db.backend());
        let (token, device_id) = s.enrolled("La Blaiserie").await;
        s.push(&token, vec![contact(1)]).await;
        let file = json!({ "contacts": (1..=600).map(contact).collect::<Vec<_>>() }).to_string();
        assert_eq!(s.db.import_outbox(&device_id, file.as_bytes()).await, Ok((599, 1, 0)), "longer than a push, contact 1 already held");
        assert_eq!(s.db.import_outbox(&device_id, file.as_bytes()).await, Ok((0, 600, 0)), "importing twice changes nothing");
        let mut bad = contact(700);
        bad["duree_min"] = json!(0);
        let file = json!({ "contacts": [contact(701), bad] }).to_string();
        let err = s.db.import_outbox(&device_id, file.as_bytes()).await.unwrap_err();
        assert!(err.starts_with("nothing imported: contact 2 (") && err.ends_with("): duree: entre 1 minute et 8 heures"), "{err}");
        assert_eq!(s.count(&token).await, 600);

        // The file holds the phone's proposals too (one outbox): imported once with the contacts,
        // and a proposal the standard refuses refuses the whole file.
        let proposal = json!({"id": "5a0e0c1d-0000-4000-8000-000000000b01", "seq": 900, "place_id": "france-services-2937",
                              "version": 1, "changes": {"telephone": "+33549000001"}});
        let file = json!({ "contacts": [contact(800)], "proposals": [proposal.clone()] }).to_string();
        assert_eq!(s.db.import_outbox(&device_id, file.as_bytes()).await, Ok((2, 0, 0)), "a contact and a proposal");
        assert_eq!(s.db.import_outbox(&device_id, file.as_bytes()).await, Ok((0, 2, 0)), "once");
        let only = json!({ "contacts": [], "proposals": [proposal] }).to_string();
        assert_eq!(s.db.import_outbox(&device_id, only.as_bytes()).await, Ok((0, 1, 0)), "a file of proposals only");
        let mut wrong = json!({"id": "5a0e0c1d-0000-4000-8000-000000000b02", "seq": 901, "place_id": "france-services-2937",
                               "version": 1, "changes": {"telephone": "05 49"}});
        let file = json!({ "contacts": [contact(801)], "proposals": [wrong.take()] }).to_string();
        let err = s.db.import_outbox(&device_id, file.as_bytes()).await.unwrap_err();
        assert!(err.starts_with("nothing imported: proposal 1 (5a0e0c1d-0000-4000-8000-000000000b02): telephone:"), "{err}");
        assert_eq!(s.count(&token).await, 601, "the contact beside it not imported either");
    }
}

/// Devices of one structure pushing overlapping batches at the same time, on a SQLite file (so
/// several connections) and on PostgreSQL: every push succeeds, each contact is stored once.
#[tokio::test]
async fn concurrent_overlapping_pushes_store_each_contact_once() {
    let dir = tempfile::tempdir().unwrap();
    let mut databases = vec![Database::open(dir.path().join("r.sqlite").to_str().unwrap()).await.unwrap()];
    if let Some(url) = common::fresh_postgres_url().await {
        databases.push(Database::open(&url).await.unwrap());
    }
    for db in databases {
        eprintln!("backend: {:?}", db.backend());
        let mut devices = Vec::new();
        for _ in 0..4 {
            let code = db.create_enrolment_code("La Blaiserie").await.unwrap();
            devices.push(db.enrol(&code).await.unwrap().0);
        }
        let structure = devices[0].structure_id;
        // Device k pushes contacts 100k .. 100k+300: each overlaps the next by 200.
        let pushes = devices.into_iter().enumerate().map(|(k, device)| {
            let db = db.clone();
            tokio::spawn(async move {
                let contacts: Vec<Value> = (100 * k as u64..100 * k as u64 + 300).map(contact).collect();
                let batch = repere_protocol::read_push(json!({ "contacts": contacts }).to_string().as_bytes()).unwrap();
                db.ingest(&device, &batch).await.unwrap()
            })
        });
        let mut stored = 0;
        for push in pushes.collect::<Vec<_>>() {
            let answer = push.await.unwrap();
            assert_eq!((answer.acked.len(), answer.conflicts.len()), (300, 0));
            stored += answer.stored;
        }
        assert_eq!(stored, 600, "contacts 0..600, each counted as stored by exactly one push");
        assert_eq!(db.contact_count(structure).await.unwrap(), 600);
    }
}
