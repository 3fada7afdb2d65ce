//! Queries on the real seed registry with the example bus tour's 12 stops: filters, opening
//! times, distance cap, against brute force over places and stops; the next visits near a point.

use chrono::{Duration, NaiveDate, NaiveDateTime, NaiveTime};
use proptest::prelude::*;
use repere_core::hours::Timetable;
use repere_core::hours::Window;
use repere_core::proximity::LatLon;
use repere_core::registry::*;
use repere_core::search::{Filters, Finder, Found, Opening, PASSAGES_DAYS, format_km};
use repere_core::territory::Territory;
use repere_core::text::UNICODE;
use repere_core::tour;

/// The seed registry, La Blaiserie's bus (`france-services-2102`) with the example tour.
fn finder() -> Finder {
    static FINDER: std::sync::OnceLock<Vec<Place>> = std::sync::OnceLock::new();
    let places = FINDER.get_or_init(|| {
        let read = |file: &str| std::fs::read(format!("{}/../{file}", env!("CARGO_MANIFEST_DIR"))).unwrap();
        let doc: serde_json::Value = serde_json::from_slice(&read("seeds/registry.json")).unwrap();
        let mut places = read_device_rows(doc["places"].as_array().unwrap()).whole().unwrap();
        let territory = Territory::from_csv(&read("seeds/communes-86.csv"), UNICODE).unwrap();
        let today = NaiveDate::from_ymd_opt(2026, 12, 1).unwrap();
        let stops = tour::read_csv(&read("tests/fixtures/tournee-bus.csv"), &places, &territory, Window::new(2026, 2028).unwrap(), today);
        tour::attach(&mut places, stops.unwrap());
        places
    });
    Finder::new(places.clone(), UNICODE)
}

/// The hours that say when help is there, read apart from `Found::hours`.
fn hours_of<'a>(place: &'a Place, stop: Option<&'a Stop>) -> Option<&'a repere_core::hours::Schedule> {
    match stop {
        Some(stop) => Some(&stop.horaires),
        None => place.horaires.as_ref(),
    }
}

const MONTMORILLON: LatLon = LatLon { lat: 46.4264, lon: 0.8706 };

/// Whether `place` (or its `stop`) passes `filters`, written apart from `Filters::accepts`
/// (which it checks): set by set through the values' list, opening times read straight from the
/// timetable's days (the stop's when it is a stop).
fn passes(filters: &Filters, place: &Place, stop: Option<&Stop>) -> bool {
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
            hours_of(place, stop).is_some_and(|h| open_between(h.timetable(), from, to))
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

/// Every place and stop that passes, sorted by distance: what `nearest` must return, in order.
fn brute_force(finder: &Finder, from: LatLon, k: usize, filters: &Filters) -> Vec<(String, f64)> {
    let places = finder.places().iter().filter(|p| passes(filters, p, None)).filter_map(|p| p.position.map(|pos| (p.id.clone(), pos)));
    let stops =
        finder.places().iter().flat_map(|p| p.arrets.iter().filter(|s| passes(filters, p, Some(s))).map(|s| (s.id.clone(), s.position)));
    let mut all: Vec<(String, f64)> = places
        .chain(stops)
        .map(|(id, pos)| (id, km_between(from, LatLon { lat: pos.lat, lon: pos.lon })))
        .filter(|(_, km)| filters.max_km.is_none_or(|m| *km <= m))
        .collect();
    all.sort_by(|a, b| a.1.total_cmp(&b.1));
    all.truncate(k);
    all
}

fn check(finder: &Finder, filters: &Filters) -> usize {
    check_from(finder, MONTMORILLON, filters)
}

fn id(found: &Found) -> String {
    found.stop.map_or(&found.place.id, |s| &s.id).clone()
}

/// `nearest` and the brute force agree: same distances in order, every place or stop found
/// passes, a stop with its own place.
fn check_from(finder: &Finder, from: LatLon, filters: &Filters) -> usize {
    let found = finder.nearest(from, 10, filters);
    let want = brute_force(finder, from, 10, filters);
    assert_eq!(found.len(), want.len(), "{filters:?}");
    for (f, w) in found.iter().zip(&want) {
        assert!((f.km - w.1).abs() < 1e-6, "{filters:?}: {} at {} km vs {w:?}", id(f), f.km);
        assert!(passes(filters, f.place, f.stop), "{filters:?}: {} does not pass", id(f));
        assert!(f.stop.is_none_or(|s| f.place.arrets.contains(s)), "{} is a stop of {}", id(f), f.place.id);
        assert_eq!(f.hours(), hours_of(f.place, f.stop));
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
    assert!(n_open > 0 && finder.nearest(MONTMORILLON, 10, &open).iter().all(|x| x.hours().unwrap().is_open(tuesday)));
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

fn december(day: u32, hour: u32) -> NaiveDateTime {
    NaiveDate::from_ymd_opt(2026, 12, day).unwrap().and_hms_opt(hour, 0, 0).unwrap()
}

/// Near Lusignan's centre, where the stop « Lusignan (marché) » stands (approximately).
const LUSIGNAN: LatLon = LatLon { lat: 46.437, lon: 0.114 };

#[test]
fn stops_come_among_places_with_their_place_and_their_own_hours() {
    let finder = finder();
    let found = finder.nearest(LUSIGNAN, 10, &Filters::default());
    let first = found[0];
    assert_eq!((first.stop.map(|s| s.id.as_str()), first.place.id.as_str()), (Some("bus-lusignan"), "france-services-2102"));
    assert!(first.km < 0.1, "{}", first.km);
    assert!(found[1..].iter().any(|f| f.stop.is_none() && f.place.commune == "Lusignan"), "places and stops in one list");
    // The bus's base stays a result of its own, at La Blaiserie.
    let bus = finder.nearest(LUSIGNAN, 200, &Filters::default());
    assert_eq!(bus.iter().filter(|f| f.place.id == "france-services-2102").count(), 13, "its base and its 12 stops");
    assert!(bus.iter().any(|f| f.place.id == "france-services-2102" && f.stop.is_none()));

    // Tuesday 8 December 2026 at 10:00, the bus is at Lusignan (Tu[2] 09:00-12:00); a week
    // later it is not, whatever its place's own hours say.
    let open = |at| finder.nearest(LUSIGNAN, 5, &Filters { opening: Some(Opening::At(at)), max_km: Some(3.0), ..Filters::default() });
    assert!(open(december(8, 10)).iter().any(|f| f.stop.is_some_and(|s| s.id == "bus-lusignan")));
    assert!(!open(december(15, 10)).iter().any(|f| f.stop.is_some()));
    let within = Filters { opening: Some(Opening::Within(december(1, 10), 6)), max_km: Some(3.0), ..Filters::default() };
    assert!(finder.nearest(LUSIGNAN, 5, &within).iter().all(|f| f.stop.is_none()), "the 8th is 7 days away");
    // The place's needs still filter its stops: the bus offers no "Payant" help.
    let mut paid = Filters::default();
    paid.frais.insert(Frais::Payant);
    assert!(finder.nearest(LUSIGNAN, 50, &paid).iter().all(|f| f.stop.is_none() && f.place.frais_a_charge.contains(Frais::Payant)));
    assert_eq!(
        finder.stop("bus-lusignan").map(|(p, s)| (p.id.as_str(), s.nom.as_str())),
        Some(("france-services-2102", first.stop.unwrap().nom.as_str()))
    );
    assert!(finder.stop("france-services-2102").is_none(), "a place is not a stop");
}

#[test]
fn the_next_visits_near_a_point_are_each_visit_within_the_distance_by_start_then_distance() {
    let finder = finder();
    let now = december(1, 10);
    for max_km in [5.0, 20.0, 40.0] {
        let visits = finder.visits_near(LUSIGNAN, max_km, now, PASSAGES_DAYS);
        // Independently: every stop within the distance, each of its periods in 30 days.
        let mut want: Vec<(NaiveDateTime, String)> = finder
            .places()
            .iter()
            .flat_map(|p| &p.arrets)
            .filter(|s| km_between(LUSIGNAN, LatLon { lat: s.position.lat, lon: s.position.lon }) <= max_km)
            .flat_map(|s| s.horaires.periods(now, PASSAGES_DAYS).into_iter().map(|(start, _)| (start, s.id.clone())))
            .collect();
        want.sort();
        let mut got: Vec<(NaiveDateTime, String)> = visits.iter().map(|v| (v.start, v.stop.id.clone())).collect();
        got.sort();
        assert_eq!(got, want, "{max_km} km");
        assert!(visits.windows(2).all(|w| (w[0].start, w[0].km) <= (w[1].start, w[1].km)), "by start, then distance");
        assert!(visits.iter().all(|v| v.km <= max_km && v.start < v.end && v.end > now && v.place.arrets.contains(v.stop)));
    }
    // Lusignan alone within 5 km: its one visit, the second Tuesday.
    let near = finder.visits_near(LUSIGNAN, 5.0, now, PASSAGES_DAYS);
    assert_eq!(
        near.iter().map(|v| (v.stop.id.as_str(), v.start, v.end)).collect::<Vec<_>>(),
        [("bus-lusignan", december(8, 9), december(8, 12))]
    );
    // Within 40 km, the weekly Couronneries stop (Mondays) comes four or five times in 30 days.
    let wide = finder.visits_near(LUSIGNAN, 40.0, now, PASSAGES_DAYS);
    assert!(wide.iter().filter(|v| v.stop.id == "bus-couronneries").count() >= 4);
    assert!(finder.visits_near(LUSIGNAN, 40.0, now, 0).is_empty());
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

    /// Any filters, from anywhere in the Vienne (half the time around Poitiers, among the
    /// bus's stops), on the seed registry where some places visit people at home: `nearest` is
    /// the brute force's answer, places and stops together.
    #[test]
    fn any_filters_agree_with_an_independent_brute_force(
        filters in filters(),
        (lat, lon) in prop_oneof![(46.05f64..47.2, -0.1f64..1.2), (46.4f64..46.7, 0.0f64..0.5)],
        at_home in proptest::collection::vec(any::<bool>(), 141),
    ) {
        let mut places = finder().places().to_vec();
        assert_eq!(places.iter().map(|p| p.arrets.len()).sum::<usize>(), 12, "the bus's stops are searched too");
        for (place, home) in places.iter_mut().zip(at_home) {
            place.at_home = home;
        }
        check_from(&Finder::new(places, UNICODE), LatLon { lat, lon }, &filters);
    }
}
