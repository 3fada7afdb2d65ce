//! The connected bus's tour at work (issue #16, parts 3 and 4), on the seed registry with the
//! example tour of `tests/fixtures/tournee-bus.csv`: the stop a bus session proposes, contacts
//! counted per stop, and the stops that count for coverage — each figure checked against a
//! computation of its own (brute force over the communes, hours asked day by day).

use chrono::{Datelike, Duration, NaiveDate, NaiveDateTime};
use repere_core::activity::{Lieu, Outing, OutingKind, SOON_MINUTES, stops_by_name, stops_now};
use repere_core::coverage::{
    Commune, Coverage, Help, REGULAR_VISIT_DAYS, REGULAR_WINDOW_DAYS, Selection, THRESHOLD_MINUTES, TravelTable, estimate_minutes,
    visited_regularly,
};
use repere_core::hours::{Schedule, Window};
use repere_core::proximity::{LatLon, haversine_km};
use repere_core::registry::*;
use repere_core::territory::Territory;
use repere_core::text::UNICODE;
use repere_core::tour;

const TOUR: &[u8] = include_bytes!("../../tests/fixtures/tournee-bus.csv");

fn read(name: &str) -> Vec<u8> {
    std::fs::read(format!("{}/../seeds/{name}", env!("CARGO_MANIFEST_DIR"))).unwrap()
}

fn years() -> Window {
    Window::new(2026, 2028).unwrap()
}

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 12, 1).unwrap()
}

fn at(day: u32, hour: u32, minute: u32) -> NaiveDateTime {
    NaiveDate::from_ymd_opt(2026, 12, day).unwrap().and_hms_opt(hour, minute, 0).unwrap()
}

/// The seed registry with the example tour attached to its bus, and the Vienne's communes.
fn seeds() -> (Vec<Place>, Territory) {
    let doc: serde_json::Value = serde_json::from_slice(&read("registry.json")).unwrap();
    let mut places = read_device_rows(doc["places"].as_array().unwrap()).whole().unwrap();
    let territory = Territory::from_csv(&read("communes-86.csv"), UNICODE).unwrap();
    let stops = tour::read_csv(TOUR, &places, &territory, years(), today()).unwrap();
    tour::attach(&mut places, stops);
    (places, territory)
}

fn stop<'a>(places: &'a [Place], id: &str) -> &'a Stop {
    places.iter().flat_map(|p| &p.arrets).find(|s| s.id == id).unwrap()
}

fn ids(visits: &[repere_core::activity::Visit]) -> Vec<String> {
    visits.iter().map(|v| v.stop.id.clone()).collect()
}

#[test]
fn a_session_proposes_the_stops_visited_now_or_within_the_hour() {
    let (places, _) = seeds();
    // Tuesday 8 December: Lusignan (Tu[2] 09:00-12:00) is under way, shown whole.
    let now = stops_now(&places, at(8, 10, 0), None);
    assert_eq!(ids(&now), ["bus-lusignan"]);
    assert_eq!(now[0].passage(), "passage 9 h – 12 h");
    // 13:10: Saint-Éloi (Tu 14:00-17:00) starts within the hour; Lusignan is over.
    assert_eq!(ids(&stops_now(&places, at(8, 13, 10), None)), ["bus-saint-eloi"]);
    // 12:30: nothing under way, Saint-Éloi further than SOON_MINUTES away.
    assert!(at(8, 14, 0) - at(8, 12, 30) > Duration::minutes(SOON_MINUTES.into()));
    assert!(stops_now(&places, at(8, 12, 30), None).is_empty());
    // A visit to midnight ends at "24 h".
    let mut night = places.clone();
    let bus = night.iter_mut().find(|p| !p.arrets.is_empty()).unwrap();
    bus.arrets[0].horaires = Schedule::parse("Mo-Su 18:00-24:00", years()).unwrap();
    assert_eq!(stops_now(&night, at(8, 20, 0), None)[0].passage(), "passage 18 h – 24 h");
    // Tuesday 1 December: Lusignan's visit is the second Tuesday, not this one.
    assert!(stops_now(&places, at(1, 10, 0), None).is_empty());
}

#[test]
fn the_nearest_stop_comes_first_when_the_phone_knows_where_it_is_else_the_soonest() {
    let (mut places, _) = seeds();
    // A second stop the same Friday morning, from 08:30, at Montamisé's stop's position.
    let montamise = stop(&places, "bus-montamise").clone();
    let early = Stop {
        id: "bus-test".into(),
        nom: "Bus connecté — essai".into(),
        horaires: Schedule::parse("Fr 08:30-12:00", years()).unwrap(),
        ..montamise
    };
    let bus = places.iter_mut().find(|p| !p.arrets.is_empty()).unwrap();
    bus.arrets.push(early.clone());
    // Friday 4 December is the first Friday: Vouneuil (Fr[1] 09:00-12:00).
    let now = at(4, 10, 0);
    assert_eq!(ids(&stops_now(&places, now, None)), ["bus-test", "bus-vouneuil"]);
    let vouneuil = stop(&places, "bus-vouneuil").position;
    let near = |p: Position| LatLon { lat: p.lat + 0.001, lon: p.lon };
    let visits = stops_now(&places, now, Some(near(vouneuil)));
    assert_eq!(ids(&visits), ["bus-vouneuil", "bus-test"]);
    let km = haversine_km(near(vouneuil), LatLon { lat: early.position.lat, lon: early.position.lon });
    assert!((visits[1].km.unwrap() - km).abs() < 1e-9);
    assert_eq!(ids(&stops_now(&places, now, Some(near(early.position)))), ["bus-test", "bus-vouneuil"]);
}

#[test]
fn the_fallback_is_every_stop_by_name() {
    let (places, _) = seeds();
    let all: Vec<&str> = stops_by_name(&places).iter().map(|s| s.nom.as_str()).collect();
    let mut expected: Vec<&str> = places.iter().flat_map(|p| &p.arrets).map(|s| s.nom.as_str()).collect();
    expected.sort();
    assert_eq!((all.len(), all), (12, expected));
}

#[test]
fn a_session_at_a_stop_counts_its_contacts_under_the_stop_and_its_commune() {
    let (places, _) = seeds();
    let vouille = stop(&places, "bus-vouille");
    let id = uuid::Uuid::from_u128(7);
    let outing = Outing::at_stop(id, vouille, at(10, 14, 5));
    assert_eq!(outing.kind, OutingKind::Bus);
    assert_eq!(outing.lieu(), Lieu::Arret { id: "bus-vouille".into(), commune: "86294".into() });
    assert_eq!(outing.since(), "Bus connecté — Vouillé — depuis 14:05");
    let quick = outing.quick_contact(uuid::Uuid::from_u128(8), at(10, 14, 20));
    assert_eq!((quick.lieu, quick.session), (outing.lieu(), Some(id)));
    // « Aucun de ces arrêts »: the bus in a commune, as before.
    let elsewhere = Outing::start(id, OutingKind::Bus, Some(("86294".into(), "Vouillé".into())), at(10, 14, 5)).unwrap();
    assert_eq!(elsewhere.lieu(), Lieu::Bus(Some("86294".into())));
}

/// Visit days in the rule's window, asked day by day of the schedule itself (every visit of
/// the example tour spans 10:00 or 15:00).
fn visit_days(stop: &Stop, from: NaiveDate) -> usize {
    from.iter_days()
        .take(REGULAR_WINDOW_DAYS as usize)
        .filter(|d| [10, 15].iter().any(|&h| stop.horaires.is_open(d.and_hms_opt(h, 0, 0).unwrap())))
        .count()
}

#[test]
fn a_stop_counts_for_coverage_when_the_bus_comes_at_least_twice_a_month() {
    let (places, _) = seeds();
    let counted: Vec<&str> = Selection::default().tour(&places, today()).iter().map(|s| s.id.as_str()).collect();
    let expected: Vec<&str> =
        places.iter().flat_map(|p| &p.arrets).filter(|s| visit_days(s, today()) >= REGULAR_VISIT_DAYS).map(|s| s.id.as_str()).collect();
    assert_eq!(counted, expected);
    // Weekly and twice-monthly stops count; the monthly ones (Tu[2], Fr[2], Mo[2], Fr[4]) do not.
    assert_eq!(counted.len(), 8);
    for monthly in ["bus-lusignan", "bus-fontaine", "bus-chasseneuil", "bus-montamise"] {
        assert!(!counted.contains(&monthly), "{monthly}");
    }
}

#[test]
fn the_rule_holds_whatever_the_day_it_is_asked() {
    let (places, _) = seeds();
    let (twice, monthly, weekly) = (stop(&places, "bus-migne"), stop(&places, "bus-lusignan"), stop(&places, "bus-bel-air"));
    // Every day of 2027 (the window then runs into 2028, still compiled).
    for day in NaiveDate::from_ymd_opt(2027, 1, 1).unwrap().iter_days().take_while(|d| d.year() == 2027) {
        assert!(visited_regularly(twice, day), "We[1],We[3] from {day}: {} days", visit_days(twice, day));
        assert!(visited_regularly(weekly, day), "weekly from {day}");
        assert!(!visited_regularly(monthly, day), "Tu[2] from {day}: {} days", visit_days(monthly, day));
    }
}

#[test]
fn the_regular_stops_bring_the_communes_near_them_within_the_threshold() {
    let (places, territory) = seeds();
    let communes: Vec<Commune> = territory.communes().iter().map(Commune::from).collect();
    // Around Poitiers every commune has some place within 10 minutes; France Services are fewer.
    let selection = Selection { dispositif: Some(Dispositif::FranceServices), ..Selection::default() };
    let fixed: Vec<Help> = places.iter().filter(|p| selection.retains(p, today())).filter_map(Help::of).collect();
    let with_tour = selection.places(&places, today());
    assert_eq!(with_tour[..fixed.len()], fixed[..], "the places first, so a travel table keyed by their ids still applies");
    let before = Coverage::new(&communes, &fixed, TravelTable::default()).access();
    let after = Coverage::new(&communes, &with_tour, TravelTable::default()).access();
    // Brute force: a commune's time is the estimate to its nearest help of all.
    let nearest =
        |helps: &[Help], c: &Commune| helps.iter().map(|h| estimate_minutes(haversine_km(c.centre, h.at))).fold(f64::INFINITY, f64::min);
    let stops: Vec<Help> = selection.tour(&places, today()).into_iter().map(Help::of_stop).collect();
    let mut newly = vec![];
    for (i, c) in communes.iter().enumerate() {
        let minutes = nearest(&fixed, c).min(nearest(&stops, c));
        assert!((after[i].minutes - minutes).abs() < 1e-9, "{}", c.code_insee);
        if before[i].minutes > THRESHOLD_MINUTES && after[i].minutes <= THRESHOLD_MINUTES {
            newly.push(c.code_insee.as_str());
        }
    }
    let expected: Vec<&str> = communes
        .iter()
        .filter(|c| nearest(&fixed, c) > THRESHOLD_MINUTES && nearest(&stops, c) <= THRESHOLD_MINUTES)
        .map(|c| c.code_insee.as_str())
        .collect();
    assert_eq!(newly, expected);
    assert!(!newly.is_empty(), "the tour covers some commune the places did not");
    // A monthly stop alone adds nothing: Lusignan's bus is no help in Lusignan.
    let lusignan = communes.iter().position(|c| c.code_insee == "86139").unwrap();
    assert!(!with_tour.iter().any(|h| h.id == "bus-lusignan"));
    assert_eq!(after[lusignan], before[lusignan]);
}
