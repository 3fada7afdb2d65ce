//! The stops file (issue #16) against the seed registry and the Vienne's communes: the example
//! tour of `tests/fixtures/tournee-bus.csv` read whole; each kind of bad row named by its line
//! and field, nothing kept; stops carried in the device format and by the delta.

use chrono::{NaiveDate, NaiveDateTime};
use repere_core::hours::Window;
use repere_core::registry::*;
use repere_core::territory::Territory;
use repere_core::text::UNICODE;
use repere_core::tour::{self, StopRow};

const TOUR: &[u8] = include_bytes!("../../tests/fixtures/tournee-bus.csv");
const BUS: &str = "france-services-2102";

fn read(name: &str) -> Vec<u8> {
    std::fs::read(format!("{}/../seeds/{name}", env!("CARGO_MANIFEST_DIR"))).unwrap()
}

fn seeds() -> (Vec<Place>, Territory) {
    let doc: serde_json::Value = serde_json::from_slice(&read("registry.json")).unwrap();
    let places = read_device_rows(doc["places"].as_array().unwrap()).whole().unwrap();
    (places, Territory::from_csv(&read("communes-86.csv"), UNICODE).unwrap())
}

fn years() -> Window {
    Window::new(2026, 2028).unwrap()
}

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 12, 1).unwrap()
}

fn at(day: u32, hour: u32) -> NaiveDateTime {
    NaiveDate::from_ymd_opt(2026, 12, day).unwrap().and_hms_opt(hour, 0, 0).unwrap()
}

#[test]
fn the_example_tour_is_read_whole() {
    let (places, territory) = seeds();
    let stops = tour::read_csv(TOUR, &places, &territory, years(), today()).unwrap();
    assert_eq!(stops.len(), 12);
    assert!(stops.iter().all(|(place, _)| place == BUS));
    let lusignan = &stops.iter().find(|(_, s)| s.id == "bus-lusignan").unwrap().1;
    assert_eq!((lusignan.commune.as_str(), lusignan.position.approximate), ("Lusignan", true));
    let centre = territory.by_code("86139").unwrap().centre;
    assert_eq!((lusignan.position.lat, lusignan.position.lon), (centre.lat, centre.lon));
    // Tu[2]: the second Tuesday of December 2026 is the 8th.
    assert_eq!(lusignan.visits(at(1, 10), 30), vec![(at(8, 9), at(8, 12))]);
    // Regression: a visit under way was cut to start "now" (10 h 37 on the sheet, a new calendar
    // event at each look); it keeps its start, and one that ended is gone.
    let during = NaiveDate::from_ymd_opt(2026, 12, 8).unwrap().and_hms_opt(10, 37, 0).unwrap();
    assert_eq!(lusignan.visits(during, 30)[0], (at(8, 9), at(8, 12)));
    assert!(lusignan.visits(at(8, 12), 30).iter().all(|(start, _)| *start > at(8, 12)));
    let couronneries = &stops.iter().find(|(_, s)| s.id == "bus-couronneries").unwrap().1;
    assert!(!couronneries.position.approximate);
}

#[test]
fn every_bad_row_is_named_and_nothing_is_kept() {
    let (places, territory) = seeds();
    let rows = [
        StopRow::new(2, ["a1", "inconnu", "Arrêt", "86194", "", "", "Mo 09:00-12:00"]),
        StopRow::new(3, ["a2", BUS, "Arrêt", "75056", "", "", "Mo 09:00-12:00"]),
        StopRow::new(4, ["a3", BUS, "Arrêt", "86194", "", "", "lundi matin"]),
        StopRow::new(5, ["a4", BUS, "Arrêt", "86194", "", "", "2026 Nov 03 09:00-12:00"]),
        StopRow::new(6, ["a5", BUS, "Arrêt", "86139", "", "", "Tu[2] 09:00-12:00"]),
        StopRow::new(7, ["a6", BUS, "Arrêt bis", "86139", "", "", "Tu[2]  09:00-12:00"]),
        StopRow::new(8, ["a5", BUS, "Arrêt", "86027", "", "", "We 09:00-12:00"]),
        StopRow::new(9, ["a7", BUS, "Arrêt", "86194", "0.36", "46.58", "Th 09:00-12:00"]),
        StopRow::new(10, ["a8", "mairie-2115", "Arrêt", "86194", "", "", "Fr 09:00-12:00"]),
        StopRow::new(11, ["a 9", BUS, "", "86194", "46.58", "", "Sa 09:00-12:00"]),
        StopRow::new(12, [BUS, BUS, "Arrêt", "86194", "", "", "Su 09:00-12:00"]),
    ];
    let mut places = places;
    places[0].id = "mairie-2115".into(); // a place that is not itinerant
    let errors = tour::read_rows(&rows, &places, &territory, years(), today()).unwrap_err();
    let found: Vec<(usize, &str)> = errors.iter().map(|e| (e.row, e.field)).collect();
    for expected in [
        (2, "lieu"),
        (3, "code_insee"),
        (4, "horaires"),
        (5, "horaires"),
        (7, ""),
        (8, "id"),
        (9, "latitude"),
        (10, "lieu"),
        (11, "id"),
        (11, "nom"),
        (11, "longitude"),
        (12, "id"),
    ] {
        assert!(found.contains(&expected), "{expected:?} missing from {errors:#?}");
    }
    assert!(!found.iter().any(|(row, _)| *row == 6), "{errors:#?}");
    let past = errors.iter().find(|e| e.row == 5).unwrap();
    assert!(past.reason.contains("aucun passage à venir"), "{}", past.reason);
    let twice = errors.iter().find(|e| e.row == 7).unwrap();
    assert!(twice.reason.contains("ligne 6"), "{}", twice.reason);
}

#[test]
fn a_file_missing_a_column_or_not_utf8_is_refused_by_name() {
    let errors = tour::csv_rows(b"id,lieu,nom,horaires\n").unwrap_err();
    let missing: Vec<&str> = errors.iter().map(|e| e.field).collect();
    assert_eq!(missing, ["code_insee", "latitude", "longitude"]);
    let latin1 = b"id,lieu,nom,code_insee,latitude,longitude,horaires\na,b,Arr\xeat,86194,,,Mo 09:00-10:00\n";
    let errors = tour::csv_rows(latin1).unwrap_err();
    assert!(errors[0].reason.contains("ligne 2") && errors[0].reason.contains("CSV UTF-8"), "{errors:?}");
}

#[test]
fn stops_travel_in_the_device_format_and_the_delta() {
    let (mut places, territory) = seeds();
    places.sort_by(|a, b| a.id.cmp(&b.id));
    let before = Snapshot { version: 1, places: places.clone() };
    let stops = tour::read_csv(TOUR, &places, &territory, years(), today()).unwrap();
    tour::attach(&mut places, stops);
    let bus = places.iter().find(|p| p.id == BUS).unwrap();
    assert_eq!(bus.arrets.len(), 12);
    let back = read_device_rows(&device_places(&places)).whole().unwrap();
    assert!(back == places);
    let after = Snapshot { version: 2, places };
    let delta = before.diff(&after);
    assert_eq!(delta.places.iter().map(|p| p.id.as_str()).collect::<Vec<_>>(), [BUS]);
    assert!(before.apply(Update::Delta(delta)).unwrap() == after);
    // The standard's files never carry them; the stops file does, and reads back the same.
    assert!(!String::from_utf8(export_csv(&after.places)).unwrap().contains("bus-lusignan"));
    let again = tour::read_csv(&tour::export_csv(&after.places), &after.places, &territory, years(), today()).unwrap();
    let mut places = after.places.clone();
    tour::attach(&mut places, again);
    assert!(places == after.places);
}

#[test]
fn a_damaged_stop_refuses_its_place_on_a_phone() {
    let (mut places, territory) = seeds();
    let stops = tour::read_csv(TOUR, &places, &territory, years(), today()).unwrap();
    tour::attach(&mut places, stops);
    let mut rows = device_places(&places);
    let bus = rows.iter_mut().find(|r| r["id"] == BUS).unwrap();
    bus["x_arrets"][3]["latitude"] = serde_json::json!("nord");
    let errors = read_device_rows(&rows).errors;
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert_eq!(errors[0].field, X_STOPS);
    assert!(errors[0].reason.contains("arrêt 4") && errors[0].reason.contains("latitude"), "{}", errors[0].reason);
}

/// Regression: an edit of a place (its own form, a proposal, a moderator's decision) re-reads
/// the standard's fields only, and dropped the place's stops.
#[test]
fn editing_a_place_keeps_its_stops() {
    let (mut places, territory) = seeds();
    let stops = tour::read_csv(TOUR, &places, &territory, years(), today()).unwrap();
    tour::attach(&mut places, stops);
    let bus = places.iter().find(|p| p.id == BUS).unwrap();
    let values = [("telephone".to_owned(), "+33549000000".to_owned())].into();
    let edited = repere_core::registry::edit::edit(bus, &values, today()).unwrap();
    assert_eq!(edited.place.arrets, bus.arrets);
    assert_eq!(edited.changes.keys().collect::<Vec<_>>(), ["telephone"]);
}

/// The server recompiles hours from the stored rows (`import_json_rows`): the stops' hours too.
#[test]
fn stops_hours_are_compiled_again_from_their_text() {
    let (mut places, territory) = seeds();
    let stops = tour::read_csv(TOUR, &places, &territory, years(), today()).unwrap();
    tour::attach(&mut places, stops);
    let later = Window::new(2028, 2030).unwrap();
    let again = import_json_rows(&device_places(&places), later).whole().unwrap();
    let bus = again.iter().find(|p| p.id == BUS).unwrap();
    assert!(bus.arrets.iter().all(|s| s.horaires.timetable().years() == later));
}
