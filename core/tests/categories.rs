//! The category bits the proximity index summarises (`Filters::categories`, `Filters::wanted`)
//! against the rule they stand for, `Filters::accepts`: a search that skips a region by its
//! summary must never skip a place the filters accept.

use chrono::NaiveDate;
use proptest::prelude::*;
use repere_core::registry::{Label, LabelSet, Place, read_device_rows};
use repere_core::search::{Filters, Opening};

fn seed_places() -> &'static [Place] {
    static PLACES: std::sync::OnceLock<Vec<Place>> = std::sync::OnceLock::new();
    PLACES.get_or_init(|| {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../seeds/registry.json");
        let doc: serde_json::Value = serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap();
        read_device_rows(doc["places"].as_array().unwrap()).whole().unwrap()
    })
}

/// The values of `T` whose index is set in `mask`.
fn set<T: Label>(mask: u32) -> LabelSet<T> {
    T::ALL.iter().copied().filter(|v| mask & (1 << v.index()) != 0).collect()
}

/// A mask that is empty half the time (a filter left alone) and otherwise has one or two bits.
fn sparse() -> impl Strategy<Value = u32> {
    prop_oneof![Just(0u32), (0u32..11).prop_map(|b| 1 << b), (0u32..11, 0u32..11).prop_map(|(a, b)| (1 << a) | (1 << b))]
}

fn meets(categories: u64, wanted: &[u64]) -> bool {
    wanted.iter().all(|group| categories & group != 0)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    /// Without an opening filter the bits say exactly what `accepts` says; with one, every place
    /// `accepts` keeps still meets them (only the time is left to `accepts`).
    #[test]
    fn the_bits_never_drop_a_place_the_filters_accept(
        which in any::<proptest::sample::Index>(),
        offered in proptest::collection::vec(any::<u32>(), 7),
        at_home in any::<bool>(),
        without_hours in any::<bool>(),
        asked in proptest::collection::vec(sparse(), 7),
        asked_at_home in any::<bool>(),
        opening in proptest::option::of((0u32..28, 0u32..24, 0u32..4)),
    ) {
        let mut place = seed_places()[which.index(seed_places().len())].clone();
        place.services = set(offered[0]);
        place.publics_specifiquement_adresses = set(offered[1]);
        place.prise_en_charge_specifique = set(offered[2]);
        place.modalites_acces = set(offered[3]);
        place.modalites_accompagnement = set(offered[4]);
        place.frais_a_charge = set(offered[5]);
        place.dispositif_programmes_nationaux = set(offered[6]);
        place.at_home = at_home;
        if without_hours {
            place.horaires = None;
        }
        let filters = Filters {
            services: set(asked[0]),
            publics: set(asked[1]),
            prise_en_charge: set(asked[2]),
            acces: set(asked[3]),
            accompagnement: set(asked[4]),
            frais: set(asked[5]),
            dispositifs: set(asked[6]),
            at_home: asked_at_home,
            opening: opening.map(|(day, hour, within)| {
                let t = NaiveDate::from_ymd_opt(2026, 11, 1 + day).unwrap().and_hms_opt(hour, 0, 0).unwrap();
                if within == 0 { Opening::At(t) } else { Opening::Within(t, within) }
            }),
            ..Filters::default()
        };
        let by_bits = meets(Filters::categories(&place), &filters.wanted());
        if filters.opening.is_none() {
            prop_assert_eq!(by_bits, filters.accepts(&place), "{:?}", filters);
        } else {
            prop_assert!(by_bits || !filters.accepts(&place), "{:?}", filters);
        }
    }
}

#[test]
fn each_filter_wants_one_group_of_its_own_bits() {
    assert!(Filters::default().wanted().is_empty());
    assert!(meets(Filters::categories(&seed_places()[0]), &Filters::default().wanted()));
    let every = Filters {
        services: set(u32::MAX),
        publics: set(u32::MAX),
        prise_en_charge: set(u32::MAX),
        acces: set(u32::MAX),
        accompagnement: set(u32::MAX),
        frais: set(u32::MAX),
        dispositifs: set(u32::MAX),
        at_home: true,
        opening: Some(Opening::At(NaiveDate::from_ymd_opt(2026, 12, 1).unwrap().and_hms_opt(10, 0, 0).unwrap())),
        ..Filters::default()
    };
    let groups = every.wanted();
    // services 9, publics 5, prise en charge 7, access 6, accompaniment 4, cost 3, programmes 11,
    // home visits, hours: a value of one field never stands for a value of another.
    assert_eq!(groups.iter().map(|g| g.count_ones()).collect::<Vec<_>>(), vec![9, 5, 7, 6, 4, 3, 11, 1, 1]);
    assert!(groups.iter().enumerate().all(|(i, a)| groups[i + 1..].iter().all(|b| a & b == 0)));
}
