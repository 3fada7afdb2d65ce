use super::*;
use proptest::prelude::*;

fn brute_force(points: &[LatLon], from: LatLon, k: usize, max_km: Option<f64>, keep: impl Fn(u32) -> bool) -> Vec<Neighbour> {
    let mut all: Vec<_> = points
        .iter()
        .enumerate()
        .map(|(i, p)| Neighbour { slot: i as u32, km: haversine_km(from, *p) })
        .filter(|n| keep(n.slot) && max_km.is_none_or(|m| n.km <= m))
        .collect();
    all.sort_by(|a, b| a.km.total_cmp(&b.km));
    all.truncate(k);
    all
}

fn point() -> impl Strategy<Value = LatLon> {
    (-89.9f64..89.9, -180.0f64..180.0).prop_map(|(lat, lon)| LatLon { lat, lon })
}

/// Points crowded into a few small clusters, so that leaves are full and many distances nearly tie.
fn clustered() -> impl Strategy<Value = Vec<LatLon>> {
    (proptest::collection::vec(point(), 1..6), proptest::collection::vec((0usize..6, -0.05f64..0.05, -0.05f64..0.05), 0..400)).prop_map(
        |(centres, offsets)| {
            offsets
                .into_iter()
                .map(|(c, dlat, dlon)| LatLon { lat: centres[c % centres.len()].lat + dlat, lon: centres[c % centres.len()].lon + dlon })
                .collect()
        },
    )
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 500, ..ProptestConfig::default() })]

    /// Same distances, in the same order, as sorting every place by haversine — over the
    /// whole globe, with a filter and a distance cap.
    #[test]
    fn agrees_with_brute_force_haversine(
        points in proptest::collection::vec(point(), 0..300),
        from in point(),
        k in 1usize..20,
        modulus in 1u32..4,
        max_km in proptest::option::of(10.0f64..5000.0),
    ) {
        let index = Index::build(points.iter().enumerate().map(|(i, p)| (i as u32, *p, 0)));
        let keep = |slot: u32| slot.is_multiple_of(modulus);
        let got = index.nearest(from, k, max_km, &[], keep);
        let want = brute_force(&points, from, k, max_km, keep);
        prop_assert_eq!(got.len(), want.len());
        for (g, w) in got.iter().zip(&want) {
            prop_assert!((g.km - w.km).abs() < 1e-6, "{} vs {}", g.km, w.km);
            prop_assert!((haversine_km(from, points[g.slot as usize]) - g.km).abs() < 1e-6);
            prop_assert!(keep(g.slot));
        }
    }

    /// Skipping subtrees by their categories never loses a match: the answer is the brute-force
    /// one over the points whose categories meet every wanted group, on clustered points (full
    /// leaves, near ties) with sparse random categories (many subtrees to skip).
    #[test]
    fn category_summaries_never_drop_a_match(
        points in clustered(),
        categories in proptest::collection::vec(0u64..16, 400),
        wanted in proptest::collection::vec(1u64..16, 0..3),
        from_cluster in any::<proptest::sample::Index>(),
        k in 1usize..40,
        max_km in proptest::option::of(0.5f64..20.0),
    ) {
        // Each point has one category bit in four, or none; slots are spread past u16.
        let bits = |i: usize| if categories[i] < 4 { 1u64 << categories[i] } else { 0 };
        let slot = |i: usize| (i as u32) * 1000;
        let index = Index::build(points.iter().enumerate().map(|(i, p)| (slot(i), *p, bits(i))));
        let from = if points.is_empty() { LatLon { lat: 0.0, lon: 0.0 } } else { points[from_cluster.index(points.len())] };
        let matches = |i: usize| wanted.iter().all(|g| bits(i) & g != 0);
        let got = index.nearest(from, k, max_km, &wanted, |slot| matches((slot / 1000) as usize));
        let want = brute_force(&points, from, k, max_km, |i| matches(i as usize));
        prop_assert_eq!(got.len(), want.len());
        for (g, w) in got.iter().zip(&want) {
            prop_assert!((g.km - w.km).abs() < 1e-6, "{} vs {}", g.km, w.km);
            prop_assert!(matches((g.slot / 1000) as usize));
        }
    }
}

#[test]
fn antipodes_and_the_date_line() {
    let index = Index::build([(0, LatLon { lat: 0.0, lon: 179.9 }, 0), (1, LatLon { lat: 0.0, lon: -170.0 }, 0)]);
    let hits = index.nearest(LatLon { lat: 0.0, lon: -179.9 }, 2, None, &[], |_| true);
    assert_eq!(hits[0].slot, 0, "across the date line is nearer");
    assert!((hits[0].km - 22.24).abs() < 0.01, "{}", hits[0].km);
    // From 0°E the point at 170°W is 170° of arc away, nearer than the one at 179.9°E.
    let far = index.nearest(LatLon { lat: 0.0, lon: 0.0 }, 2, None, &[], |_| true);
    assert_eq!(far[0].slot, 1);
    assert!((far[0].km - 170.0_f64.to_radians() * EARTH_RADIUS_KM).abs() < 1e-6, "{}", far[0].km);
    assert!((far[1].km - 179.9_f64.to_radians() * EARTH_RADIUS_KM).abs() < 1e-6, "{}", far[1].km);
}

#[test]
fn the_predicate_is_asked_only_about_points_that_could_be_in_the_answer() {
    // 1,000 points along a meridian, 1.1 km apart; the nearest 3 to the first point.
    let points: Vec<LatLon> = (0..1000).map(|i| LatLon { lat: 46.0 + f64::from(i) * 0.01, lon: 0.3 }).collect();
    let index = Index::build(points.iter().enumerate().map(|(i, p)| (i as u32, *p, 0)));
    let mut asked = 0;
    let hits = index.nearest(points[0], 3, None, &[], |_| {
        asked += 1;
        true
    });
    assert_eq!(hits.iter().map(|h| h.slot).collect::<Vec<_>>(), vec![0, 1, 2]);
    assert!(asked <= LEAF, "asked about {asked} points, more than one leaf");
}

#[test]
fn a_subtree_without_the_wanted_category_is_not_read() {
    // Two clusters, 300 km apart; only the far one has category 0b10.
    let near: Vec<LatLon> =
        (0..200).map(|i| LatLon { lat: 46.0 + f64::from(i % 20) * 0.001, lon: 0.3 + f64::from(i / 20) * 0.001 }).collect();
    let far: Vec<LatLon> = near.iter().map(|p| LatLon { lat: p.lat + 2.7, lon: p.lon }).collect();
    let index = Index::build(near.iter().map(|p| (0, *p, 0b01)).chain(far.iter().map(|p| (1, *p, 0b10))));
    let mut asked_near = 0;
    let hits = index.nearest(near[0], 5, None, &[0b10], |slot| {
        asked_near += usize::from(slot == 0);
        true
    });
    assert_eq!(hits.len(), 5);
    assert!(hits.iter().all(|h| h.slot == 1 && h.km > 290.0), "{hits:?}");
    assert_eq!(asked_near, 0, "the near cluster was read");
}

#[test]
fn slots_too_large_for_two_bytes_are_kept_whole() {
    let index = Index::build([(70_000, LatLon { lat: 46.0, lon: 0.3 }, 0), (u32::MAX, LatLon { lat: 46.1, lon: 0.3 }, 0)]);
    let hits = index.nearest(LatLon { lat: 46.2, lon: 0.3 }, 5, None, &[], |_| true);
    assert_eq!(hits.iter().map(|h| h.slot).collect::<Vec<_>>(), vec![u32::MAX, 70_000]);
    assert!(Index::build([]).nearest(LatLon { lat: 46.2, lon: 0.3 }, 5, None, &[], |_| true).is_empty());
    assert!(index.nearest(LatLon { lat: 46.2, lon: 0.3 }, 0, None, &[], |_| true).is_empty());
}
