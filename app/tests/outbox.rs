//! The mediators' outbox rows in a real browser: contacts and proposals side by side in IndexedDB
//! (rows from before proposals still read), the push that carries both, and a refusal that names
//! proposals only.
#![cfg(target_arch = "wasm32")]

use std::collections::BTreeMap;

use repere_app::outbox::Record;
use repere_app::outbox::record::{Row, proposal_dto, push_of, refused_proposals};
use repere_app::store::{OutboxChange, change_outbox, open, outbox_rows};
use repere_core::registry::proposal::{self, Proposal};
use repere_core::sync::State;
use repere_protocol::upkeep;
use uuid::Uuid;
use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};

wasm_bindgen_test_configure!(run_in_browser);

const CONTACT_ID: &str = "018f0000-0000-7000-8000-000000000001";
const PROPOSAL_ID: &str = "018f0000-0000-7000-8000-000000000002";

/// A row as the app wrote it before proposals existed.
fn old_contact_row() -> String {
    format!(
        r#"{{"seq":1,"state":"sent","contact":{{"id":"{CONTACT_ID}","seq":1,"type":"individuel","debut":"2026-11-28T10:30:00","duree_min":30,"lieu":{{"kind":"domicile"}},"thematiques":["email"]}}}}"#
    )
}

fn proposal() -> Proposal {
    Proposal {
        id: Uuid::parse_str(PROPOSAL_ID).unwrap(),
        place_id: Some("p1".into()),
        version: 4,
        changes: BTreeMap::from([("telephone".to_owned(), "+33549112233".to_owned())]),
        note: "vu sur la porte".into(),
    }
}

#[wasm_bindgen_test]
async fn contacts_and_proposals_are_stored_side_by_side_and_old_rows_still_read() {
    let db = open(&format!("repere-test-{}", js_sys::Math::random())).await.expect("open");
    let refused = Row::new(2, State::Conflict, &Record::Proposal(proposal()), Some("horaires : illisibles".into()));
    let put = vec![(CONTACT_ID.to_owned(), old_contact_row()), (PROPOSAL_ID.to_owned(), serde_json::to_string(&refused).unwrap())];
    change_outbox(&db, OutboxChange { put, ..Default::default() }).await.unwrap();
    let mut read = Vec::new();
    for text in outbox_rows(&db).await.unwrap() {
        let row: Row = serde_json::from_str(&text).unwrap();
        let reason = row.refused.clone();
        read.push((row.read().unwrap(), reason));
    }
    read.sort_by_key(|((_, seq, _, _), _)| *seq);
    let [((cid, 1, State::Sent, Record::Contact(c)), None), ((pid, 2, State::Conflict, Record::Proposal(p)), Some(reason))] = &read[..]
    else {
        panic!("read back: {read:?}")
    };
    assert_eq!((cid.to_string(), c.duree_min), (CONTACT_ID.to_owned(), 30));
    assert_eq!((pid, p, reason.as_str()), (&proposal().id, &proposal(), "horaires : illisibles"));
}

#[wasm_bindgen_test]
fn one_push_carries_both_kinds_in_the_wires_shape() {
    let row: Row = serde_json::from_str(&old_contact_row()).unwrap();
    let (_, _, _, contact) = row.read().unwrap();
    let records = [contact, Record::Proposal(proposal())];
    let push = push_of(records.iter().enumerate().map(|(i, r)| (i as u64 + 1, r)));
    let json = serde_json::to_string(&push).unwrap();
    let read: repere_protocol::Push = repere_protocol::from_json(json.as_bytes()).unwrap();
    assert_eq!((read.contacts.len(), read.proposals.len()), (1, 1));
    assert_eq!(read.proposals[0], proposal_dto(&proposal(), 2));
    assert!(read.proposals[0].check().is_empty());
}

#[wasm_bindgen_test]
fn the_cores_bounds_are_the_wires() {
    assert_eq!((proposal::MAX_NOTE, proposal::MAX_VALUE), (upkeep::MAX_NOTE, upkeep::MAX_VALUE));
    let longest = Proposal { note: "é".repeat(proposal::MAX_NOTE), ..proposal() };
    assert!(proposal_dto(&longest, 1).check().is_empty());
}

#[wasm_bindgen_test]
fn a_refusal_sets_aside_only_proposals_it_names() {
    let contact = Uuid::parse_str(CONTACT_ID).unwrap();
    let row: Row = serde_json::from_str(&old_contact_row()).unwrap();
    let (_, _, _, c) = row.read().unwrap();
    let batch = vec![(contact, 1, c), (proposal().id, 2, Record::Proposal(proposal()))];
    let answer = |id: &str| {
        format!(
            r#"{{"error":{{"code":"invalid_contacts","message":"…","details":[{{"index":0,"id":"{id}","field":"horaires","reason":"illisibles"}}]}}}}"#
        )
    };
    assert_eq!(refused_proposals(&answer(PROPOSAL_ID), &batch), Some(vec![(proposal().id, "horaires : illisibles".to_owned())]));
    assert_eq!(refused_proposals(&answer(CONTACT_ID), &batch), None, "a contact's refusal is the whole push's");
    assert_eq!(refused_proposals(r#"{"error":{"code":"invalid_contacts","message":"…"}}"#, &batch), None);
}
