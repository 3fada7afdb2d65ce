//! Queries on the real seed registry: filters, opening times, distance cap, against brute force.

use chrono::{Duration, NaiveDate, NaiveDateTime, NaiveTime};
use proptest::prelude::*;
use repere_core::hours::Timetable;
use repere_core::proximity::LatLon;
use repere_core::registry::*;
use repere_core::search::{Filters, Finder, Opening, format_km};
use repere_core::text::UNICODE;

fn finder() -> Finder {
    static FINDER: std::sync::OnceLock<Vec<Place>> = std::sync::OnceLock::new();
    let places = FINDER.get_or_init(|| {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../seeds/registry.json");
        let doc: serde_json::Value = serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap();
        read_device_rows(doc["places"].as_array().unwrap()).whole().unwrap()
    });
    Finder::new(places.clone(), UNICODE)
}

const MONTMORILLON: LatLon = LatLon { lat: 46.4264, lon: 0.8706 };

/// Whether `place` passes `filters`, written apart from `Filters::accepts` (which it checks):
/// set by set through the values' list, opening times read straight from the timetable's days.
fn passes(filters: &Filters, place: &Place) -> bool {
    fn offers<T: Label>(wanted: &LabelSet<T>, offered: &LabelSet<T>) -> bool {
        wanted.is_empty() || T::ALL.iter().any(|v| wanted.contains(*v) && offered.contains(*v))
    }
    let sets = offers(&filters.services, &place.services)
        && offers(&filters.publics, &place.publics_specifiquement_adresses)
        && offers(&filters.prise_en_charge, &place.prise_en_charge_specifique)
        && offers(&filters.acces, &place.modalites_acces)
        && offers(&filters.accompagnement, &place.modalites_accompagnement)
        && offers(&filters.frais, &place.frais_a_charge)
        && offers(&filters.dispositifs, &place.dispositif_programmes_nationaux);
    let home = !filters.at_home || place.at_home;
    let open = match filters.opening {
        None => true,
        Some(opening) => {
            let (from, to) = match opening {
                Opening::At(t) => (t, t + Duration::minutes(1)),
                Opening::Within(t, days) => (t, t + Duration::days(days.into())),
            };
            place.horaires.as_ref().is_some_and(|h| open_between(h.timetable(), from, to))
        }
    };
    sets && home && open
}

/// Some period of the timetable's days overlaps [from, to) (times on whole minutes; an empty
/// interval, `Within(t, 0)`, overlaps nothing).
fn open_between(table: &Timetable, from: NaiveDateTime, to: NaiveDateTime) -> bool {
    from.date().iter_days().take_while(|d| d.and_time(NaiveTime::MIN) < to).any(|day| {
        let minutes = |m: u16| day.and_time(NaiveTime::MIN) + Duration::minutes(m.into());
        table.day(day).is_some_and(|periods| periods.iter().any(|&(start, end)| minutes(start).max(from) < minutes(end).min(to)))
    })
}

/// Great-circle distance, written here rather than taken from the index's own module.
fn km_between(a: LatLon, b: LatLon) -> f64 {
    let (la, lb) = (a.lat.to_radians(), b.lat.to_radians());
    let h = ((lb - la) / 2.0).sin().powi(2) + la.cos() * lb.cos() * ((b.lon - a.lon).to_radians() / 2.0).sin().powi(2);
    2.0 * 6371.0088 * h.sqrt().asin()
}

/// Every place that passes, sorted by distance: what `nearest` must return, in order.
fn brute_force(finder: &Finder, from: LatLon, k: usize, filters: &Filters) -> Vec<(String, f64)> {
    let mut all: Vec<(String, f64)> = finder
        .places()
        .iter()
        .filter(|p| passes(filters, p))
        .filter_map(|p| p.position.map(|pos| (p.id.clone(), km_between(from, LatLon { lat: pos.lat, lon: pos.lon }))))
        .filter(|(_, km)| filters.max_km.is_none_or(|m| *km <= m))
        .collect();
    all.sort_by(|a, b| a.1.total_cmp(&b.1));
    all.truncate(k);
    all
}

fn check(finder: &Finder, filters: &Filters) -> usize {
    check_from(finder, MONTMORILLON, filters)
}

/// `nearest` and the brute force agree: same distances in order, every place found passes.
fn check_from(finder: &Finder, from: LatLon, filters: &Filters) -> usize {
    let found = finder.nearest(from, 10, filters);
    let want = brute_force(finder, from, 10, filters);
    assert_eq!(found.len(), want.len(), "{filters:?}");
    for (f, w) in found.iter().zip(&want) {
        assert!((f.km - w.1).abs() < 1e-6, "{filters:?}: {} at {} km vs {w:?}", f.place.id, f.km);
        assert!(passes(filters, f.place), "{filters:?}: {} does not pass", f.place.id);
    }
    found.len()
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

/// Any set of values of one enumeration (empty half of the time: most filters are unset).
fn set<T: Label>() -> impl Strategy<Value = LabelSet<T>> {
    prop_oneof![Just(LabelSet::new()), proptest::sample::subsequence(T::ALL, 0..=T::ALL.len()).prop_map(LabelSet::from_iter)]
}

fn filters() -> impl Strategy<Value = Filters> {
    // Any minute of 2026 and 2027, within the seed's compiled years.
    let moment = (0i64..2 * 365 * 24 * 60)
        .prop_map(|m| NaiveDate::from_ymd_opt(2026, 1, 1).unwrap().and_time(NaiveTime::MIN) + Duration::minutes(m));
    let opening = prop_oneof![
        Just(None),
        moment.clone().prop_map(|t| Some(Opening::At(t))),
        (moment, 0u32..=7).prop_map(|(t, days)| Some(Opening::Within(t, days))),
    ];
    let sets = (set::<Service>(), set::<Public>(), set::<PriseEnCharge>(), set::<ModaliteAcces>());
    let more = (set::<ModaliteAccompagnement>(), set::<Frais>(), set::<Dispositif>());
    (sets, more, opening, any::<bool>(), proptest::option::of(1.0f64..80.0)).prop_map(
        |((services, publics, prise_en_charge, acces), (accompagnement, frais, dispositifs), opening, at_home, max_km)| Filters {
            services,
            publics,
            prise_en_charge,
            acces,
            accompagnement,
            frais,
            dispositifs,
            opening,
            at_home,
            max_km,
        },
    )
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 400, ..ProptestConfig::default() })]

    /// Any filters, from anywhere in the Vienne, on the seed registry where some places visit
    /// people at home: `nearest` is the brute force's answer.
    #[test]
    fn any_filters_agree_with_an_independent_brute_force(
        filters in filters(),
        lat in 46.05f64..47.2,
        lon in -0.1f64..1.2,
        at_home in proptest::collection::vec(any::<bool>(), 141),
    ) {
        let mut places = finder().places().to_vec();
        for (place, home) in places.iter_mut().zip(at_home) {
            place.at_home = home;
        }
        check_from(&Finder::new(places, UNICODE), LatLon { lat, lon }, &filters);
    }
}
