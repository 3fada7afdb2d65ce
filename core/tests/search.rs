//! Queries on the real seed registry: filters, opening times, distance cap, against brute force.

use chrono::NaiveDate;
use repere_core::proximity::{LatLon, haversine_km};
use repere_core::registry::{Dispositif, Frais, ModaliteAcces, Service, read_device_rows};
use repere_core::search::{Filters, Finder, Opening, format_km};
use repere_core::text::UNICODE;

fn finder() -> Finder {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../seeds/registry.json");
    let doc: serde_json::Value = serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap();
    Finder::new(read_device_rows(doc["places"].as_array().unwrap()).whole().unwrap(), UNICODE)
}

const MONTMORILLON: LatLon = LatLon { lat: 46.4264, lon: 0.8706 };

/// Every place that passes, sorted by haversine: what `nearest` must return, in order.
fn brute_force(finder: &Finder, from: LatLon, k: usize, filters: &Filters) -> Vec<(String, f64)> {
    let mut all: Vec<(String, f64)> = finder
        .places()
        .iter()
        .filter(|p| filters.accepts(p))
        .filter_map(|p| p.position.map(|pos| (p.id.clone(), haversine_km(from, LatLon { lat: pos.lat, lon: pos.lon }))))
        .filter(|(_, km)| filters.max_km.is_none_or(|m| *km <= m))
        .collect();
    all.sort_by(|a, b| a.1.total_cmp(&b.1));
    all.truncate(k);
    all
}

fn check(finder: &Finder, filters: &Filters) -> usize {
    let got: Vec<(String, f64)> = finder.nearest(MONTMORILLON, 10, filters).iter().map(|f| (f.place.id.clone(), f.km)).collect();
    let want = brute_force(finder, MONTMORILLON, 10, filters);
    assert_eq!(got.len(), want.len(), "{filters:?}");
    for (g, w) in got.iter().zip(&want) {
        assert!((g.1 - w.1).abs() < 1e-9, "{filters:?}: {g:?} vs {w:?}");
    }
    got.len()
}

#[test]
fn every_filter_agrees_with_brute_force_on_the_seed_registry() {
    let finder = finder();
    assert_eq!(finder.places().len(), 141);
    // A Tuesday morning, and a Sunday evening.
    let tuesday = NaiveDate::from_ymd_opt(2026, 12, 1).unwrap().and_hms_opt(10, 0, 0).unwrap();
    let sunday = NaiveDate::from_ymd_opt(2026, 11, 29).unwrap().and_hms_opt(20, 0, 0).unwrap();

    assert_eq!(check(&finder, &Filters::default()), 10);
    let mut f = Filters::default();
    f.services.insert(Service::DemarchesAdministratives);
    assert_eq!(check(&finder, &f), 10);
    f.dispositifs.insert(Dispositif::FranceServices);
    let fs = finder.nearest(MONTMORILLON, 10, &f);
    assert!(fs.iter().all(|x| x.place.dispositif_programmes_nationaux.contains(Dispositif::FranceServices)));
    assert!(fs[0].place.nom.contains("Montmorillon"), "{}", fs[0].place.nom);

    let mut open = Filters { opening: Some(Opening::At(tuesday)), ..Filters::default() };
    let n_open = check(&finder, &open);
    assert!(n_open > 0 && finder.nearest(MONTMORILLON, 10, &open).iter().all(|x| x.place.horaires.as_ref().unwrap().is_open(tuesday)));
    open.opening = Some(Opening::At(sunday));
    assert_eq!(check(&finder, &open), 0, "nothing is open on Sunday evening");
    open.opening = Some(Opening::Within(sunday, 2));
    assert!(check(&finder, &open) > 0);

    let capped = Filters { max_km: Some(15.0), ..Filters::default() };
    let n = check(&finder, &capped);
    assert!(n > 0 && finder.nearest(MONTMORILLON, 10, &capped).iter().all(|x| x.km <= 15.0));

    let mut rare = Filters::default();
    rare.frais.insert(Frais::Payant);
    rare.acces.insert(ModaliteAcces::FicheDePrescription);
    assert_eq!(check(&finder, &rare), 0);
}

#[test]
fn the_at_home_filter_keeps_only_structures_that_visit_people_at_home() {
    let mut places = finder().places().to_vec();
    assert!(places.iter().all(|p| !p.at_home), "no source publishes home visits yet");
    let at = |commune: &str| places.iter().position(|p| p.commune == commune).unwrap();
    let (near, far) = (at("Montmorillon"), at("Loudun"));
    places[near].at_home = true;
    places[far].at_home = true;
    let finder = Finder::new(places.clone(), UNICODE);
    let found = finder.nearest(MONTMORILLON, 10, &Filters { at_home: true, ..Filters::default() });
    let ids: Vec<&str> = found.iter().map(|f| f.place.id.as_str()).collect();
    assert_eq!(ids, [places[near].id.as_str(), places[far].id.as_str()]);
    assert_eq!(check(&finder, &Filters { at_home: true, ..Filters::default() }), 2);
}

#[test]
fn distances_read_in_km_with_one_decimal() {
    assert_eq!(format_km(0.04), "0,0 km");
    assert_eq!(format_km(2.349), "2,3 km");
    assert_eq!(format_km(12.96), "13,0 km");
}

#[test]
fn a_place_is_found_by_words_of_its_name_and_commune() {
    let finder = finder();
    let found: Vec<&str> = finder.by_name("blaiserie poitiers", 5).iter().map(|p| p.nom.as_str()).collect();
    assert!(found.contains(&"France services de Poitiers - La Blaiserie"), "{found:?}");
    assert!(found.iter().all(|n| n.to_lowercase().contains("blaiserie")), "{found:?}");
    assert_eq!(finder.by_name("France services civray", 5).len(), 1);
    assert!(finder.by_name("   ", 5).is_empty());
    assert_eq!(finder.by_name("mairie", 3).len(), 3);
}
