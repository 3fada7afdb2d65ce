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

/// A phone stores the held document merged with a delta's rows (`RegistryDto::merged`), not
/// the core's places written again: it must be exactly the JSON of the updated registry, on the
/// bundled seed with a changed place, a new place with a stop (`x_arrets`), stops added to a
/// place, and removals; a whole registry is stored as received.
#[test]
fn a_delta_merged_into_the_held_document_is_the_updated_registry_written() {
    let seed = std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/../seeds/registry.json")).unwrap();
    let held_doc = RegistryDto::from_json(&seed).unwrap();
    let held = held_doc.checked_snapshot().unwrap();
    let stop = |id: &str, lat: f64, approximate: bool| Stop {
        id: id.to_owned(),
        nom: "Marché de Lusignan".to_owned(),
        code_insee: "86139".to_owned(),
        commune: "Lusignan".to_owned(),
        position: Position { lat, lon: 0.123457, approximate },
        horaires: repere_core::hours::Schedule::parse("Tu 09:00-12:00", years()).unwrap(),
    };
    let mut places = held.places.clone();
    places[3].nom.push_str(" (nouveau nom)");
    places[7].arrets = vec![stop("arret-1", 46.436512, false)];
    let mut bus = places[5].clone();
    bus.id = "zz-bus-connecte".to_owned();
    bus.arrets = vec![stop("arret-2", 46.4, true), stop("arret-3", -0.000001, false)];
    places.push(bus);
    let gone = [places[0].id.clone(), places[20].id.clone()];
    places.retain(|p| !gone.contains(&p.id));
    places.sort_by(|a, b| a.id.cmp(&b.id));
    let newer = Snapshot { version: held.version + 1, places };
    let delta = held.diff(&newer);
    assert_eq!((delta.places.len(), delta.removed.len()), (3, 2));

    let wire = RegistryDto::from(&delta).to_json();
    let update = RegistryDto::from_json(&wire).unwrap();
    let applied = held.apply(update.checked_update().unwrap()).unwrap();
    let merged = RegistryDto::from_json(&seed).unwrap().merged(update, &applied).to_json();
    let expected = json(&applied);
    assert_eq!(String::from_utf8(merged).unwrap(), String::from_utf8(expected).unwrap());
    assert!(String::from_utf8_lossy(&json(&newer)).contains("\"x_arrets\":[{"));

    let full = RegistryDto::from_json(&json(&newer)).unwrap();
    assert_eq!(held_doc.merged(full, &newer).to_json(), json(&newer));
}
