//! What a push may carry, checked while it is read: regressions from the outside probe of the
//! server (commit 78f82a2), at the protocol's level (the server's own tests replay them over HTTP).
//! Also: the enrolment answer an older app reads.

use repere_protocol::{Enrolled, MAX_REJECTIONS, MAX_SEQ, PushError, Role, read_push};

fn contact() -> serde_json::Value {
    serde_json::json!({
        "id": "019ac9a0-7a2b-7c00-8000-000000000001", "seq": 1, "type": "individuel",
        "debut": "2026-11-28T10:30:00", "duree_min": 30, "lieu": { "kind": "bus" },
        "thematiques": ["email"], "materiel": ["telephone"],
    })
}

fn push(contacts: Vec<serde_json::Value>) -> Vec<u8> {
    serde_json::json!({ "contacts": contacts }).to_string().into_bytes()
}

fn refusal(body: &[u8]) -> PushError {
    read_push(body).map(drop).expect_err("refused")
}

#[test]
fn a_valid_contact_is_read() {
    assert_eq!(read_push(&push(vec![contact()])).unwrap().len(), 1);
    assert_eq!(read_push(&push(vec![])).unwrap().len(), 0);
}

/// Regression: `{"kind": "bus", "nom": …}` was accepted and the name silently dropped.
#[test]
fn places_without_fields_refuse_unknown_ones() {
    let mut c = contact();
    c["lieu"] = serde_json::json!({ "kind": "bus", "nom": "Jean Dupont" });
    let PushError::Malformed(message) = refusal(&push(vec![c])) else { panic!("malformed expected") };
    assert!(message.starts_with("contacts[0].lieu") && message.contains("unknown field `nom`"), "{message}");
}

/// Regression: a 100,000-character place id was accepted, and an error echoed any string.
#[test]
fn every_string_is_bounded_and_never_echoed_whole() {
    let long = "x".repeat(100_000);
    let mut c = contact();
    c["lieu"] = serde_json::json!({ "kind": "registre", "id": long });
    let PushError::Malformed(message) = refusal(&push(vec![c])) else { panic!("malformed expected") };
    assert!(message.starts_with("contacts[0].lieu: invalid length 100000") && message.len() < 300, "{message}");
    let mut c = contact();
    c[long.as_str()] = serde_json::json!(1);
    let PushError::Malformed(message) = refusal(&push(vec![c])) else { panic!("malformed expected") };
    assert!(message.len() <= 304, "{} bytes", message.len());
}

/// Regression: a 400,000-item `materiel` list got a 51 MB answer, one problem per item.
#[test]
fn lists_are_bounded_while_read_and_problems_capped() {
    let mut c = contact();
    c["materiel"] = serde_json::json!(vec!["nope"; 400_000]);
    let PushError::Malformed(message) = refusal(&push(vec![c])) else { panic!("malformed expected") };
    assert!(message.contains("more than 32 codes"), "{message}");

    let mut c = contact();
    c["materiel"] = serde_json::json!(vec!["nope"; 32]);
    let PushError::Invalid { rejections, total } = refusal(&push(vec![c; 10])) else { panic!("invalid expected") };
    assert_eq!((rejections.len(), total), (MAX_REJECTIONS, 320));
}

/// Regression: a `seq` of 2^64 − 1 was stored as −1, and a year-0 date was accepted.
#[test]
fn seq_stays_a_javascript_safe_integer_and_dates_plausible() {
    for seq in [u64::MAX, MAX_SEQ + 1] {
        let mut c = contact();
        c["seq"] = serde_json::json!(seq);
        let PushError::Invalid { rejections, .. } = refusal(&push(vec![c])) else { panic!("invalid expected") };
        assert_eq!(rejections.iter().map(|r| r.field.as_str()).collect::<Vec<_>>(), ["seq"]);
    }
    let mut c = contact();
    c["seq"] = serde_json::json!(MAX_SEQ);
    assert!(read_push(&push(vec![c])).is_ok());
    let mut c = contact();
    c["debut"] = serde_json::json!("0000-01-01T10:00:00");
    let PushError::Invalid { rejections, .. } = refusal(&push(vec![c])) else { panic!("invalid expected") };
    assert_eq!(rejections[0].field, "debut");
}

#[test]
fn an_enrolment_answer_from_before_roles_reads_as_a_mediators() {
    let old: Enrolled = serde_json::from_str(r#"{"device_id": "d", "structure": "La Blaiserie", "token": "t"}"#).unwrap();
    assert_eq!((old.role, old.epci.as_slice()), (Role::Mediation, &[][..]));
    let new = Enrolled { role: Role::Coordination, epci: vec!["200069854".into()], ..old };
    let json = serde_json::to_value(&new).unwrap();
    assert_eq!((&json["role"], &json["epci"]), (&serde_json::json!("coordination"), &serde_json::json!(["200069854"])));
    assert_eq!(serde_json::from_value::<Enrolled>(json).unwrap(), new);
}

/// A contact at a stop of a tour (issue #16) names the stop and its commune, both required,
/// and reads back as the core's `Lieu::Arret`; a stop id of a bad shape is refused by field.
#[test]
fn a_contact_at_a_stop_names_it_and_its_commune() {
    let mut c = contact();
    c["lieu"] = serde_json::json!({ "kind": "arret", "id": "bus-lusignan", "commune": "86139" });
    let read = read_push(&push(vec![c.clone()])).unwrap();
    let lieu = repere_core::activity::Lieu::Arret { id: "bus-lusignan".into(), commune: "86139".into() };
    assert_eq!(read[0].0.lieu, lieu);
    c["lieu"] = serde_json::json!({ "kind": "arret", "id": "bus-lusignan" });
    assert!(matches!(refusal(&push(vec![c.clone()])), PushError::Malformed(m) if m.contains("commune")));
    c["lieu"] = serde_json::json!({ "kind": "arret", "id": "Jean Dupont 06 12 34 56 78", "commune": "86139" });
    let PushError::Invalid { rejections, .. } = refusal(&push(vec![c])) else { panic!("invalid expected") };
    assert_eq!(rejections[0].field, "lieu");
}
