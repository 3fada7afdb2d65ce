//! The registry document (`RegistryDto`) against the Vienne's real places: what the server
//! answers and the app bundles reads back as it was written, whole or not at all.

use repere_core::hours::Window;
use repere_core::registry::*;
use repere_protocol::registry::RegistryDto;

/// The years imports compile opening hours for in these tests.
fn years() -> Window {
    Window::new(2026, 2028).unwrap()
}

/// The Vienne's places, imported once for all tests (an import compiles every opening hours).
fn vienne() -> &'static [Place] {
    static PLACES: std::sync::OnceLock<Vec<Place>> = std::sync::OnceLock::new();
    PLACES.get_or_init(|| {
        let path = format!("{}/../../shared/data/lieux/lieux-inclusion-numerique-86.csv", env!("CARGO_MANIFEST_DIR"));
        import_csv(&std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}")), years()).whole().unwrap()
    })
}

fn json(snapshot: &Snapshot) -> Vec<u8> {
    RegistryDto::from(snapshot).to_json()
}

fn read(bytes: &[u8], years: Window) -> Result<Snapshot, Vec<ImportError>> {
    RegistryDto::from_json(bytes)?.snapshot(years)
}

fn read_checked(bytes: &[u8]) -> Result<Snapshot, Vec<ImportError>> {
    RegistryDto::from_json(bytes)?.checked_snapshot()
}

fn read_update(bytes: &[u8]) -> Result<Update, Vec<ImportError>> {
    RegistryDto::from_json(bytes)?.update(years())
}

#[test]
fn a_snapshot_round_trips_and_is_refused_whole_when_one_place_is_bad() {
    let snapshot = Snapshot { version: 7, places: vienne().to_vec() };
    assert_eq!(read(&json(&snapshot), years()).unwrap(), snapshot);

    let bad = String::from_utf8(json(&snapshot)).unwrap().replacen("\"code_postal\":\"86", "\"code_postal\":\"6", 1);
    let errors = read(bad.as_bytes(), years()).unwrap_err();
    assert_eq!((errors[0].row, errors[0].field), (1, "code_postal"));
    assert!(read(br#"{"places": []}"#, years()).unwrap_err()[0].reason.contains("version"));
    let errors = read(br#"{"version": 1, "places": {}}"#, years()).unwrap_err();
    assert!(errors[0].reason.starts_with("JSON illisible") && errors[0].reason.contains("expected a sequence"), "{errors:?}");
    // A field a newer server adds does not make an older phone refuse the registry.
    assert_eq!(read_checked(br#"{"version": 2, "places": [], "signature": "x"}"#).unwrap(), Snapshot { version: 2, places: vec![] });
}

#[test]
fn a_checked_snapshot_reads_the_same_places_and_still_checks_other_fields() {
    let snapshot = Snapshot { version: 7, places: vienne().to_vec() };
    let checked = read_checked(&json(&snapshot)).unwrap();
    assert_eq!(checked, snapshot);
    let tuesday_10h = chrono::NaiveDate::from_ymd_opt(2026, 12, 1).unwrap().and_hms_opt(10, 0, 0).unwrap();
    let open = |s: &Snapshot| s.places.iter().filter(|p| p.horaires.as_ref().is_some_and(|h| h.is_open(tuesday_10h))).count();
    assert!(open(&snapshot) > 0);
    assert_eq!(open(&checked), open(&snapshot));
    let bad = String::from_utf8(json(&snapshot)).unwrap().replacen("\"code_postal\":\"86", "\"code_postal\":\"6", 1);
    assert_eq!(read_checked(bad.as_bytes()).unwrap_err()[0].field, "code_postal");
    // Hours missing their compiled timetable (an older device format) are refused, by field.
    let old = String::from_utf8(json(&snapshot)).unwrap().replacen("\"x_horaires_calcules\"", "\"x_autre\"", 1);
    assert_eq!(read_checked(old.as_bytes()).unwrap_err()[0].field, "x_horaires_calcules");
}

/// The device format carries the years each timetable was compiled for, and a phone reads them
/// back; the same text compiled for other years is a changed place (so the server publishes it).
#[test]
fn the_compiled_years_travel_in_the_device_format() {
    let snapshot = Snapshot { version: 3, places: vienne().to_vec() };
    let bytes = json(&snapshot);
    assert!(String::from_utf8_lossy(&bytes).contains("\"annees\":[2026,2028]"));
    let read_back = read_checked(&bytes).unwrap();
    let hours = |s: &Snapshot| s.places.iter().filter_map(|p| p.horaires.as_ref().map(|h| h.timetable().years())).collect::<Vec<_>>();
    assert_eq!(hours(&read_back).len(), 87);
    assert!(hours(&read_back).iter().all(|y| *y == years()));

    let later = Window::new(2027, 2029).unwrap();
    let moved = read(&bytes, later).unwrap();
    assert!(hours(&moved).iter().all(|y| *y == later));
    let delta = read_back.diff(&Snapshot { version: 4, places: moved.places });
    assert_eq!(delta.places.len(), 87, "every place with hours changed, no other");
    assert!(delta.removed.is_empty());
}

#[test]
fn a_delta_travels_whole_and_is_told_from_a_full_registry() {
    let all = vienne();
    let v1 = Snapshot { version: 1, places: all[..100].to_vec() };
    let mut newer = all[2..103].to_vec();
    newer[0].nom.push_str(" (nouveau nom)");
    newer.sort_by(|a, b| a.id.cmp(&b.id));
    let v2 = Snapshot { version: 2, places: newer };
    let delta = v1.diff(&v2);
    let bytes = RegistryDto::from(&delta).to_json();
    // Over the wire and back, then applied: exactly version 2.
    let update = read_update(&bytes).unwrap();
    assert_eq!(update, Update::Delta(delta.clone()));
    assert_eq!(v1.apply(update).unwrap(), v2);
    assert!(matches!(read_update(&json(&v2)), Ok(Update::Full(_))));
    // A delta is refused where a whole registry is expected; so is a delta without its removals.
    assert!(read(&bytes, years()).unwrap_err()[0].reason.contains("from"));
    let bad = String::from_utf8(bytes.clone()).unwrap().replace("\"removed\":[", "\"removed\":[3,");
    let errors = read_update(bad.as_bytes()).unwrap_err();
    assert!(errors[0].reason.contains("expected a string") && errors[0].row == 0, "{errors:?}");
    let without = br#"{"from": 1, "version": 2, "places": []}"#;
    assert!(read_update(without).unwrap_err()[0].reason.contains("removed"));
}

/// The JSON is the one the committed seeds were written in: keys by name, nothing else added.
#[test]
fn the_document_is_written_with_its_keys_in_order() {
    let delta = Delta { from: 4, version: 5, places: vec![], removed: vec!["a".into()] };
    assert_eq!(RegistryDto::from(&delta).to_json(), br#"{"from":4,"places":[],"removed":["a"],"version":5}"#);
    assert_eq!(json(&Snapshot { version: 5, places: vec![] }), br#"{"places":[],"version":5}"#);
}
