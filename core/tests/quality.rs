//! Freshness and completeness of the seed registry (issue #15's measure): by Mon Inclusion
//! Numérique's scale, on 30 November 2026, every bundled place is « À actualiser ».

use chrono::NaiveDate;
use repere_core::quality::{Freshness, Review, Share};
use repere_core::registry::{Place, read_device_rows};

fn seeds() -> Vec<Place> {
    let doc: serde_json::Value =
        serde_json::from_slice(&std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/../seeds/registry.json")).unwrap()).unwrap();
    read_device_rows(doc["places"].as_array().unwrap()).whole().unwrap()
}

#[test]
fn the_seed_registry_is_zero_percent_reliable_on_30_november_2026() {
    let places = seeds();
    let today = NaiveDate::from_ymd_opt(2026, 11, 30).unwrap();
    let by_year = |y: i32| places.iter().filter(|p| chrono::Datelike::year(&p.date_maj) == y).count();
    // The issue says "2022 (76) or August 2024 (65)": 2024's are 39 of February and 26 of August.
    assert_eq!((places.len(), by_year(2022), by_year(2024)), (141, 76, 65));
    let review = Review::new(&places, today, |_| None);
    let counts = review.counts();
    let mean = review.mean_score().unwrap();
    println!("grades {:?}: {counts:?}; reliability {:?}; mean score {mean:.3}", Freshness::ALL.map(Freshness::label), review.reliability());
    assert_eq!(counts, [0, 0, 0, 141]);
    assert_eq!(review.reliability(), Share { part: 0, total: 141 });
    assert_eq!(review.reliability().percent(), Some(0));
    // Each score is a mean of 0 and 1 values to 2 decimals: the mean lies strictly between.
    assert!(mean > 0.0 && mean < 1.0, "{mean}");
    assert_eq!(review.to_update().len(), 141);
    // No seed place names its publics, and none is recent: both are missing everywhere.
    use repere_core::quality::Criterion;
    for criterion in [Criterion::Publics, Criterion::RecentUpdate] {
        assert!(review.places.iter().all(|r| r.quality.missing().any(|c| c == criterion)), "{criterion:?}");
    }
    // The oldest first.
    let dates: Vec<NaiveDate> = review.to_update().iter().map(|r| r.checked).collect();
    assert!(dates.windows(2).all(|w| w[0] <= w[1]));
    // A year and a half earlier the August 2024 places were « À jour » and February's « À surveiller ».
    let earlier = Review::new(&places, NaiveDate::from_ymd_opt(2024, 12, 1).unwrap(), |_| None);
    assert_eq!(earlier.counts(), [26, 39, 0, 76]);
    assert_eq!(earlier.reliability().percent(), Some(46));
}
