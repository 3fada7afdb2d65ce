//! When the nearest help is far (issue #14): the boundary of the coordinators' threshold, the
//! places needing no trip first, no place at all; and, on the real seed registry, which
//! communes are told so (the end-to-end test picks Chatain and Poitiers from here).

use repere_core::coverage::{self, Commune, Coverage, Help, THRESHOLD_MINUTES, TravelTable, estimate_km};
use repere_core::hours::Window;
use repere_core::proximity::LatLon;
use repere_core::registry::*;
use repere_core::search::{Filters, Finder, NO_TRIP_FIRST, no_trip};
use repere_core::territory::Territory;
use repere_core::text::UNICODE;

const ORIGIN: LatLon = LatLon { lat: 46.3, lon: 0.5 };

/// Degrees of latitude per km on the core's sphere (radius 6,371.0088 km).
fn north(km: f64) -> LatLon {
    LatLon { lat: ORIGIN.lat + km / (6371.0088 * std::f64::consts::PI / 180.0), lon: ORIGIN.lon }
}

/// Places `(id, km north of ORIGIN, at_home, modalites_accompagnement)`, through the CSV import.
fn places(rows: &[(&str, f64, bool, &str)]) -> Vec<Place> {
    let mut csv = String::from(
        "id,pivot,nom,commune,code_postal,adresse,date_maj,latitude,longitude,services,modalites_accompagnement,x_se_deplace_a_domicile\n",
    );
    for (id, km, home, how) in rows {
        let at = north(*km);
        csv += &format!(
            "{id},00000000000000,Lieu {id},Civray,86400,1 rue A,2024-01-31,{},{},Aide aux démarches administratives,{how},{}\n",
            at.lat,
            at.lon,
            if *home { "true" } else { "" }
        );
    }
    let import = import_csv(csv.as_bytes(), Window::new(2026, 2028).unwrap());
    assert!(import.errors.is_empty(), "{:?}", import.errors);
    import.places
}

fn ids(found: &[repere_core::search::Found]) -> Vec<String> {
    found.iter().map(|f| f.place.id.clone()).collect()
}

#[test]
fn help_is_far_just_beyond_the_threshold_and_near_just_within() {
    let edge = estimate_km(THRESHOLD_MINUTES);
    for (km, far) in [(edge * 0.999, false), (edge * 1.001, true)] {
        let finder = Finder::new(places(&[("a", km, false, ""), ("home", 30.0, true, "")]), UNICODE);
        let results = finder.results(ORIGIN, 10, &Filters::default());
        assert_eq!(results.far(), far, "{km} km");
        let minutes = results.minutes.unwrap();
        assert!((minutes - coverage::estimate_minutes(km)).abs() < 1e-6, "the coordinators' estimate: {minutes}");
        assert_eq!(results.whole_minutes(), Some(if far { 11 } else { 10 }));
        if far {
            assert_eq!((ids(&results.first), ids(&results.rest)), (vec!["home".into()], vec!["a".into()]));
        } else {
            assert_eq!((ids(&results.first), ids(&results.rest)), (vec![], vec!["a".into(), "home".into()]), "near: nothing changes");
        }
    }
}

#[test]
fn when_far_home_visits_and_remote_help_come_first_nearest_first_and_only_once() {
    let rows = [
        ("near", 12.0, false, ""),
        ("remote", 40.0, false, "À distance"),
        ("home", 25.0, true, ""),
        ("individual", 14.0, false, "Accompagnement individuel"),
        ("home-far", 60.0, true, "Accompagnement individuel"),
        ("remote-too", 50.0, false, "Accompagnement individuel|À distance"),
    ];
    let finder = Finder::new(places(&rows), UNICODE);
    let results = finder.results(ORIGIN, 10, &Filters::default());
    assert!(results.far());
    assert_eq!(results.whole_minutes(), Some(coverage::estimate_minutes(12.0).ceil() as u32));
    assert_eq!(ids(&results.first), ["home", "remote", "remote-too"], "{NO_TRIP_FIRST} nearest first");
    assert_eq!(ids(&results.rest), ["near", "individual", "home-far"], "the rest as usual, none twice");
    assert!(!results.more);
    assert!(results.first.iter().all(|f| no_trip(f.place)) && !no_trip(results.rest[0].place));

    // Filters still apply to the places put first: a free-only search keeps none of them.
    let mut free = Filters::default();
    free.frais.insert(Frais::Gratuit);
    assert!(finder.results(ORIGIN, 10, &free).minutes.is_none());

    // A page of k: "more" when k places came back, and the first group within k.
    let page = finder.results(ORIGIN, 2, &Filters::default());
    assert_eq!(
        (ids(&page.first), ids(&page.rest), page.more),
        (vec!["home".into(), "remote".into()], vec!["near".into(), "individual".into()], true)
    );
}

/// Phone calls are how to reach a place, not help given over the phone.
#[test]
fn a_place_taking_calls_is_not_remote_help() {
    let mut place = places(&[("a", 1.0, false, "")]).remove(0);
    place.modalites_acces.insert(ModaliteAcces::Telephoner);
    place.telephone = Some("+33549000000".into());
    assert!(!no_trip(&place));
    place.modalites_accompagnement.insert(ModaliteAccompagnement::ADistance);
    assert!(no_trip(&place));
}

#[test]
fn no_place_at_all_is_neither_far_nor_near_and_lists_nothing() {
    let finder = Finder::new(Vec::new(), UNICODE);
    let results = finder.results(ORIGIN, 10, &Filters::default());
    assert_eq!((results.minutes, results.whole_minutes(), results.far()), (None, None, false));
    assert!(results.first.is_empty() && results.rest.is_empty() && !results.more);
}

/// The residents' notice and the coordinators' coverage say the same of every commune of the
/// Vienne: told "far" exactly where the coverage counts the commune beyond the threshold.
#[test]
fn on_the_seed_registry_residents_are_told_far_exactly_where_coordinators_see_a_gap() {
    let read = |file: &str| std::fs::read(format!("{}/../seeds/{file}", env!("CARGO_MANIFEST_DIR"))).unwrap();
    let territory = Territory::from_csv(&read("communes-86.csv"), UNICODE).unwrap();
    let doc: serde_json::Value = serde_json::from_slice(&read("registry.json")).unwrap();
    let places = read_device_rows(doc["places"].as_array().unwrap()).whole().unwrap();
    let communes: Vec<Commune> = territory.communes().iter().map(Commune::from).collect();
    let help = Help::from_places(&places);
    let coverage = Coverage::new(&communes, &help, TravelTable::default());
    let access = coverage.access();
    let finder = Finder::new(places, UNICODE);
    let mut far = Vec::new();
    for (commune, a) in territory.communes().iter().zip(&access) {
        let results = finder.results(commune.centre, 10, &Filters::default());
        assert!((results.minutes.unwrap() - a.minutes).abs() < 1e-9, "{}", commune.nom);
        assert_eq!(results.far(), a.minutes > THRESHOLD_MINUTES, "{}", commune.nom);
        if results.far() {
            far.push((commune.nom.as_str(), results.whole_minutes().unwrap()));
        }
    }
    assert_eq!(far.len(), coverage.beyond(&access, THRESHOLD_MINUTES).communes);
    // The end-to-end test's two communes: Chatain, the farthest from help, and Poitiers.
    assert!(far.contains(&("Chatain", 18)), "{far:?}");
    assert!(far.iter().all(|(nom, _)| *nom != "Poitiers"));
}

/// A stop of a tour is help near you like a place (the list shows it first, with its next
/// visit), but never among the places needing no trip: going to the bus is a trip.
#[test]
fn a_stop_within_the_threshold_makes_help_near_and_is_never_put_first() {
    let edge = estimate_km(THRESHOLD_MINUTES);
    let mut rows = places(&[("base", edge * 3.0, true, ""), ("home", 30.0, true, "")]);
    let at = north(edge * 0.5);
    let hours = repere_core::hours::Schedule::parse("Mo 09:00-12:00", Window::new(2026, 2028).unwrap()).unwrap();
    let stop = Stop {
        id: "base-stop".into(),
        nom: "Arrêt".into(),
        code_insee: "86078".into(),
        commune: "Civray".into(),
        position: Position { lat: at.lat, lon: at.lon, approximate: false },
        horaires: hours,
    };
    let without = Finder::new(rows.clone(), UNICODE);
    let far = without.results(ORIGIN, 10, &Filters::default());
    assert!(far.far() && far.first.iter().all(|f| f.stop.is_none()));
    rows[0].arrets.push(stop);
    let with = Finder::new(rows, UNICODE);
    let near = with.results(ORIGIN, 10, &Filters::default());
    assert!(!near.far() && near.first.is_empty(), "{:?}", near.minutes);
    assert_eq!(near.rest[0].stop.map(|s| s.id.as_str()), Some("base-stop"));
    assert_eq!(near.rest.iter().filter(|f| f.place.id == "base").count(), 2, "the stop and its place's base");
}
