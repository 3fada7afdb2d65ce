//! Coverage and the stop planner on the Vienne: the 265 communes of the seed, the seed registry.

use repere_core::coverage::*;
use repere_core::proximity::haversine_km;
use repere_core::registry::read_device_rows;
use repere_core::territory::Territory;
use repere_core::text::UNICODE;

fn vienne() -> (Vec<Commune>, Vec<Help>) {
    let communes = std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/../seeds/communes-86.csv")).unwrap();
    let communes = Territory::from_csv(&communes, UNICODE).unwrap().communes().iter().map(Commune::from).collect();
    let doc: serde_json::Value =
        serde_json::from_slice(&std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/../seeds/registry.json")).unwrap()).unwrap();
    let places = read_device_rows(doc["places"].as_array().unwrap()).whole().unwrap();
    (communes, Help::from_places(&places))
}

#[test]
fn every_commune_gets_the_place_brute_force_finds() {
    let (communes, places) = vienne();
    assert_eq!(communes.len(), 265);
    let coverage = Coverage::new(&communes, &places, TravelTable::default());
    for (commune, access) in communes.iter().zip(coverage.access()) {
        let nearest = places.iter().map(|p| haversine_km(commune.centre, p.at)).fold(f64::INFINITY, f64::min);
        assert!((access.km - nearest).abs() < 1e-6, "{}: {} km, brute force {nearest} km", commune.code_insee, access.km);
        // The index measures by chord, haversine by angle: equal to well under a millimetre.
        assert!((access.km - haversine_km(commune.centre, places[access.place.unwrap() as usize].at)).abs() < 1e-6);
    }
}

#[test]
fn the_epcis_gaps_add_up_to_the_vienne_and_shrink_as_the_threshold_grows() {
    let (communes, places) = vienne();
    let coverage = Coverage::new(&communes, &places, TravelTable::default());
    let access = coverage.access();
    let by_epci = coverage.beyond_by(&access, THRESHOLD_MINUTES, |c| c.epci.clone());
    assert_eq!(by_epci.len(), 7);
    let total = coverage.beyond(&access, THRESHOLD_MINUTES);
    assert_eq!(by_epci.values().map(|g| g.communes).sum::<usize>(), total.communes);
    assert_eq!(by_epci.values().map(|g| g.population).sum::<u64>(), total.population);
    let by_hand: u64 =
        communes.iter().zip(&access).filter(|(_, a)| a.minutes > THRESHOLD_MINUTES).map(|(c, _)| u64::from(c.population)).sum();
    assert_eq!(total.population, by_hand);
    assert!(total.communes > 0, "the seed registry leaves communes beyond 10 minutes");
    assert!(coverage.beyond(&access, 20.0).population < total.population);
}

#[test]
fn closing_a_place_loses_exactly_what_removing_it_from_the_registry_loses() {
    let (communes, places) = vienne();
    let coverage = Coverage::new(&communes, &places, TravelTable::default());
    let access = coverage.access();
    let before = coverage.beyond(&access, THRESHOLD_MINUTES).population;
    let mut lost_somewhere = false;
    for slot in (0..places.len()).step_by(7) {
        let mut fewer = places.clone();
        fewer.remove(slot);
        let without = Coverage::new(&communes, &fewer, TravelTable::default());
        let after = without.beyond(&without.access(), THRESHOLD_MINUTES).population;
        let closing = coverage.closing(&access, slot as u32, THRESHOLD_MINUTES);
        assert_eq!(closing.population, after - before, "closing {}", places[slot].id);
        lost_somewhere |= closing.population > 0;
    }
    assert!(lost_somewhere, "some place is the only one within 10 minutes of someone");
}

/// The best weighted population any `k` stops bring within the threshold, by trying every set
/// of candidates that reach someone (bitsets over the communes beyond the threshold).
fn exhaustive(planner: &Planner, n: usize, k: usize, weight: &[u64]) -> u64 {
    let masks: Vec<Vec<u64>> = (0..n)
        .map(|c| {
            let mut mask = vec![0u64; n.div_ceil(64)];
            for &j in planner.reach(c) {
                mask[j / 64] |= 1 << (j % 64);
            }
            mask
        })
        .filter(|m| m.iter().any(|w| *w != 0))
        .collect();
    let value = |mask: &[u64]| -> u64 {
        let mut total = 0;
        for (w, word) in mask.iter().enumerate() {
            let mut bits = *word;
            while bits != 0 {
                total += weight[w * 64 + bits.trailing_zeros() as usize];
                bits &= bits - 1;
            }
        }
        total
    };
    let or = |a: &[u64], b: &[u64]| a.iter().zip(b).map(|(x, y)| x | y).collect::<Vec<u64>>();
    let mut best = 0;
    for a in 0..masks.len() {
        best = best.max(value(&masks[a]));
        if k < 2 {
            continue;
        }
        for b in a + 1..masks.len() {
            let ab = or(&masks[a], &masks[b]);
            best = best.max(value(&ab));
            if k < 3 {
                continue;
            }
            for c in masks.iter().skip(b + 1) {
                best = best.max(value(&or(&ab, c)));
            }
        }
    }
    best
}

#[test]
fn on_the_vienne_greedy_equals_exhaustive_search_up_to_3_stops() {
    let (communes, places) = vienne();
    let coverage = Coverage::new(&communes, &places, TravelTable::default());
    let access = coverage.access();
    let planner = Planner::new(&coverage, &access, THRESHOLD_MINUTES, rupture);
    let weight: Vec<u64> = communes
        .iter()
        .zip(&access)
        .map(|(c, a)| if a.minutes > THRESHOLD_MINUTES { u64::from(c.population) * u64::from(rupture(c)) } else { 0 })
        .collect();
    let stops = planner.greedy(3);
    assert_eq!(stops.len(), 3);
    for k in 1..=3 {
        let greedy: u64 = stops[..k].iter().map(|s| s.weighted).sum();
        assert_eq!(greedy, exhaustive(&planner, communes.len(), k, &weight), "k = {k}");
    }
    // Each stop's people are those of the communes it newly brings within 10 minutes.
    for stop in &stops {
        assert_eq!(stop.people, stop.newly.iter().map(|&j| u64::from(communes[j].population)).sum::<u64>());
        assert!(stop.newly.iter().all(|&j| access[j].minutes > THRESHOLD_MINUTES));
    }
}

fn seed_places() -> Vec<repere_core::registry::Place> {
    let doc: serde_json::Value =
        serde_json::from_slice(&std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/../seeds/registry.json")).unwrap()).unwrap();
    read_device_rows(doc["places"].as_array().unwrap()).whole().unwrap()
}

#[test]
fn a_selection_keeps_the_places_of_its_programme_need_and_weekly_hours() {
    use chrono::NaiveDate;
    use repere_core::hours::{Schedule, Window};
    use repere_core::registry::Dispositif;
    let places = seed_places();
    let day = NaiveDate::from_ymd_opt(2026, 11, 30).unwrap();
    let fs = Selection { dispositif: Some(Dispositif::FranceServices), ..Selection::default() };
    let kept = fs.places(&places, day);
    let expected = places.iter().filter(|p| p.dispositif_programmes_nationaux.contains(Dispositif::FranceServices) && p.position.is_some());
    assert_eq!(kept.len(), expected.count());
    assert!(!kept.is_empty() && kept.len() < places.len());
    // Hours: 30 h a week Monday to Friday; a place open to midnight counts its last hour.
    let mut place = places[0].clone();
    let years = Window::for_date(day);
    place.horaires = Some(Schedule::parse("Mo-Fr 09:00-12:00,14:00-17:00", years).unwrap());
    assert_eq!(weekly_hours(&place, day), Some(30.0));
    let at_least = |h| Selection { min_hours: Some(h), ..Selection::default() };
    assert!(at_least(30).retains(&place, day) && !at_least(31).retains(&place, day));
    place.horaires = Some(Schedule::parse("Sa 20:00-24:00", years).unwrap());
    assert_eq!(weekly_hours(&place, day), Some(4.0));
    place.horaires = None;
    assert!(!at_least(1).retains(&place, day), "unknown hours are not known to be open");
    assert!(Selection::default().retains(&place, day));
}

struct Codes;

impl Names for Codes {
    fn commune(&self, code: &str) -> String {
        format!("commune {code}")
    }
    fn epci(&self, siren: &str) -> String {
        format!("EPCI {siren}")
    }
    fn place(&self, id: &str) -> String {
        format!("lieu {id}")
    }
}

#[test]
fn the_files_rows_repeat_the_figures_per_commune_and_per_epci() {
    use repere_core::export::Cell;
    let (communes, places) = vienne();
    let coverage = Coverage::new(&communes, &places, TravelTable::default());
    let access = coverage.access();
    let rows = commune_rows(&coverage, &access, 10.0, &Codes);
    assert_eq!(rows.len(), 265);
    assert!(rows.iter().all(|r| r.len() == COMMUNE_COLUMNS.len()));
    let beyond = rows.iter().filter(|r| r[9] == Cell::Text("oui".into())).count();
    assert_eq!(beyond, coverage.beyond(&access, 10.0).communes);
    let epcis = epci_rows(&coverage, &access, 10.0, &Codes);
    let vienne = epcis.last().unwrap();
    assert_eq!(vienne[0], Cell::Text("Vienne".into()));
    assert_eq!(vienne[3], Cell::Number(265));
    assert_eq!(vienne[6], Cell::Number(coverage.beyond(&access, 10.0).population));
    let weights: Vec<u64> = epcis[..epcis.len() - 1].iter().map(|r| if let Cell::Number(n) = r[7] { n } else { 0 }).collect();
    assert_eq!(vienne[7], Cell::Number(weights.iter().sum()));
    assert_eq!(weights.len(), 7);
    assert!(weights.windows(2).all(|w| w[0] >= w[1]), "where help is missing most first: {weights:?}");
}
