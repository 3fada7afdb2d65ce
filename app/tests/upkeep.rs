//! The residents' reports and consultation counts in a real browser (headless Chromium): the
//! form's rules against the wire's, what an answer removes from the queue, and what is kept in
//! IndexedDB when the server does not acknowledge.
#![cfg(target_arch = "wasm32")]

use chrono::NaiveDate;
use repere_app::store;
use repere_app::upkeep::consultations::{Batch, acknowledges, days_json, from_days};
use repere_app::upkeep::reports::{Answer, Outcome, Queued, body, settle};
use repere_app::upkeep::{BATCH_KEY, QUEUE_KEY, Upkeep, quoted};
use repere_core::consultation::{Event, Subject, Tally};
use repere_core::i18n::FR;
use repere_protocol::Ingested;
use repere_protocol::upkeep::{ConsultationsDto, DayCounts, MAX_NOTE, Motif, ReportDto, Reports};
use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};

wasm_bindgen_test_configure!(run_in_browser);

fn fresh_name() -> String {
    format!("repere-test-{}", js_sys::Math::random())
}

fn day() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 30).unwrap()
}

fn report(id: &str) -> Queued {
    Queued::new(&dto(id))
}

fn dto(id: &str) -> ReportDto {
    ReportDto {
        id: id.into(),
        place_id: "lieu-1".into(),
        version: 3,
        motif: Motif::Telephone,
        texte: String::new(),
        jour: "2026-11-30".into(),
    }
}

#[wasm_bindgen_test]
fn the_form_accepts_exactly_what_the_wire_accepts() {
    let texts = [String::new(), "   ".into(), "Le numéro sonne dans le vide".into(), "é".repeat(MAX_NOTE), "é".repeat(MAX_NOTE + 1)];
    for motif in [Motif::Ferme, Motif::Horaires, Motif::Telephone, Motif::Demenage, Motif::Autre] {
        for text in &texts {
            let made = repere_app::pages::report_of(&FR, "lieu-1", 7, Some(motif), text, day());
            let wire = ReportDto {
                id: "6f1c1a52-5f0e-4f4e-9a43-0d8b8d4b9c11".into(),
                place_id: "lieu-1".into(),
                version: 7,
                motif,
                texte: text.trim().to_owned(),
                jour: "2026-11-30".into(),
            };
            assert_eq!(made.is_ok(), wire.check().is_empty(), "{motif:?} with {} characters", text.chars().count());
            if let Ok(r) = made {
                assert!(r.check().is_empty(), "its own id and day are valid: {:?}", r.check());
                assert_eq!((r.version, r.jour.as_str(), r.place_id.as_str()), (7, "2026-11-30", "lieu-1"));
            }
        }
    }
    let none = repere_app::pages::report_of(&FR, "lieu-1", 7, None, "x", day());
    assert_eq!(none.unwrap_err(), FR.report_choose);
    let long = repere_app::pages::report_of(&FR, "lieu-1", 7, Some(Motif::Autre), &"a".repeat(501), day());
    assert_eq!(long.unwrap_err(), "Texte trop long : 501 caractères. 500 au plus.");
    let a = repere_app::pages::report_of(&FR, "lieu-1", 7, Some(Motif::Ferme), "", day()).unwrap();
    let b = repere_app::pages::report_of(&FR, "lieu-1", 7, Some(Motif::Ferme), "", day()).unwrap();
    assert_ne!(a.id, b.id, "each report has an id of its own");
    let id = uuid::Uuid::parse_str(&a.id).unwrap();
    assert_eq!((id.get_version_num(), id.get_variant()), (4, uuid::Variant::RFC4122), "random, no time in it");
}

#[wasm_bindgen_test]
fn texts_are_written_as_json_strings_and_reports_as_the_wire_reads_them() {
    for text in ["", "Fermé depuis mars", "« guillemets » \"doubles\" et \\ barre", "ligne\nautre\ttab\u{1}", "مرحبا 👋"] {
        assert_eq!(serde_json::from_str::<String>(&quoted(text)).unwrap(), text);
    }
    for motif in [Motif::Ferme, Motif::Horaires, Motif::Telephone, Motif::Demenage, Motif::Autre] {
        let wire = ReportDto { motif, texte: "Le \"bon\" numéro\nest ailleurs".into(), ..dto("6f1c1a52-5f0e-4f4e-9a43-0d8b8d4b9c11") };
        let queued = Queued::new(&wire);
        assert_eq!(serde_json::from_str::<ReportDto>(&queued.json).expect("the wire's report"), wire);
        assert_eq!(queued.id, wire.id);
    }
}

#[wasm_bindgen_test]
fn an_answer_removes_what_it_acknowledges_and_nothing_else() {
    let sent = vec![report("a"), report("b"), report("c")];
    let wire: Reports = serde_json::from_str(&body(&sent)).expect("the body is the wire's `Reports`");
    assert_eq!(wire.reports, [dto("a"), dto("b"), dto("c")]);
    let mut queue = sent.clone();
    queue.push(report("d"));
    let ingested = Answer::read(200, r#"{"acked":["a","c"],"conflicts":["b"],"stored":1}"#, &sent);
    assert_eq!(ingested, Answer::Ingested(Ingested { acked: vec!["a".into(), "c".into()], conflicts: vec!["b".into()], stored: 1 }));
    assert_eq!(settle(&mut queue, &ingested), 3);
    assert_eq!(queue, [report("d")], "a report the answer does not name stays");

    for failed in [(500, "{}"), (413, ""), (429, "{}"), (200, "not json")] {
        let mut queue = sent.clone();
        assert_eq!(settle(&mut queue, &Answer::read(failed.0, failed.1, &sent)), 0, "{failed:?}");
        assert_eq!(queue, sent);
    }
}

/// A 422 names the reports it refuses (by id, or by index when it gives none): exactly those
/// leave, the others are sent again; a 422 naming none keeps everything.
#[wasm_bindgen_test]
fn a_refusal_drops_the_named_reports_only() {
    let sent = vec![report("a"), report("b"), report("c")];
    let body = r#"{"error":{"code":"invalid_reports","message":"…","details":[
        {"index":1,"id":"b","field":"place_id","reason":"lieu inconnu"},
        {"index":2,"field":"place_id","reason":"lieu inconnu"},
        {"index":9,"id":"zz","field":"place_id","reason":"pas envoyé"}]}}"#;
    let answer = Answer::read(422, body, &sent);
    assert_eq!(answer, Answer::Refused(vec!["b".into(), "c".into()]));
    let mut queue = sent.clone();
    settle(&mut queue, &answer);
    assert_eq!(queue, [report("a")]);
    let mut queue = sent.clone();
    assert_eq!(settle(&mut queue, &Answer::read(422, r#"{"error":{"code":"x","message":"y"}}"#, &sent)), 0);
    assert_eq!(queue, sent);
}

/// The test server answers 404 to the API: a report is kept, on disk, and said « sera envoyé ».
#[wasm_bindgen_test]
async fn a_report_the_server_does_not_take_stays_on_the_device() {
    let name = fresh_name();
    let db = store::open(&name).await.unwrap();
    let queue = Upkeep::default();
    queue.open(db.clone()).await.unwrap();
    let made = repere_app::pages::report_of(&FR, "lieu-1", 3, Some(Motif::Telephone), "", day()).unwrap();
    assert_eq!(queue.report(made.clone()).await.unwrap(), Outcome::Queued);
    db.close();

    let db = store::open(&name).await.unwrap();
    let kept: String = store::get_meta(&db, QUEUE_KEY).await.unwrap().expect("queue on disk");
    let texts: Vec<String> = serde_json::from_str(&kept).unwrap();
    assert_eq!(texts.iter().map(|t| serde_json::from_str::<ReportDto>(t).unwrap()).collect::<Vec<_>>(), [made]);
    let reopened = Upkeep::default();
    reopened.open(db).await.unwrap();
    assert_eq!(reopened.reports_waiting(), 1);
}

#[wasm_bindgen_test]
fn a_tally_travels_in_the_wire_form_and_back() {
    let mut tally = Tally::default();
    tally.add(day(), Event::View("lieu-1"));
    tally.add(day(), Event::Directions("lieu-1"));
    tally.add(day().pred_opt().unwrap(), Event::Search("86062"));
    tally.add(day(), Event::Call("lieu \"2\""));
    let text = days_json(&tally);
    let days: Vec<DayCounts> = serde_json::from_str(&text).expect("the wire's days, no field it does not know");
    assert_eq!(days[0].jour, "2026-11-29");
    assert_eq!((days[0].lieux.len(), days[0].communes[0].code.as_str(), days[0].communes[0].recherches), (0, "86062", 1));
    assert_eq!(days[1].lieux[0].id, "lieu \"2\"");
    assert_eq!((days[1].lieux[1].vues, days[1].lieux[1].itineraires, days[1].lieux[1].appels), (1, 1, 0));
    assert_eq!(from_days(&serde_json::from_str(&text).unwrap()), tally);
    assert_eq!(days_json(&Tally::default()), "[]");
    let made = Batch::new(&tally);
    let batch: ConsultationsDto = serde_json::from_str(&made.body).expect("the wire's batch");
    assert_eq!((batch.id.as_str(), batch.jours.as_slice()), (made.id.as_str(), days.as_slice()));
    assert!(batch.check().is_empty(), "{:?}", batch.check());
    assert!(acknowledges(200, &format!(r#"{{"acked":"{}"}}"#, batch.id), &batch.id));
    assert!(!acknowledges(200, r#"{"acked":"another"}"#, &batch.id));
    assert!(!acknowledges(500, &format!(r#"{{"acked":"{}"}}"#, batch.id), &batch.id));
}

/// A batch not acknowledged stays on the device with its id, and the counts made before the
/// database opened are added to those it kept.
#[wasm_bindgen_test]
async fn a_batch_not_acknowledged_is_kept_with_its_id() {
    let name = fresh_name();
    let db = store::open(&name).await.unwrap();
    let first = Upkeep::default();
    first.open(db.clone()).await.unwrap();
    first.count(Event::View("lieu-1"));
    first.count(Event::Call("lieu-1"));
    repere_app::clock::next_task().await;
    first.send().await;
    assert!(first.tally().is_empty(), "taken into the batch");
    let kept: String = store::get_meta(&db, BATCH_KEY).await.unwrap().expect("batch on disk");
    let batch: ConsultationsDto = serde_json::from_str(&kept).expect("the wire's batch");
    assert!(batch.check().is_empty());
    assert_eq!(Batch::read(&kept).unwrap().id, batch.id);
    assert_eq!((batch.jours[0].lieux[0].vues, batch.jours[0].lieux[0].appels), (1, 1));

    let second = Upkeep::default();
    second.count(Event::Search("86062"));
    second.open(db.clone()).await.unwrap();
    let today = repere_app::clock::now().date();
    assert_eq!(second.tally().get(today, Subject::Commune, "86062").recherches, 1, "counted before the base opened, kept");
    second.send().await;
    let again: ConsultationsDto = serde_json::from_str(&store::get_meta::<String>(&db, BATCH_KEY).await.unwrap().unwrap()).unwrap();
    assert_eq!(again, batch, "the same batch, the same id, until acknowledged");
    assert_eq!(second.tally().cells().len(), 1, "new counts wait in the tally, not in the batch");
}
