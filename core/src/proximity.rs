//! The nearest places to a point, in exact great-circle order, with filters.
//!
//! Points are stored as unit vectors in 3D in an R*-tree (`rstar`). The straight-line (chord)
//! distance between two unit vectors grows strictly with the great-circle distance, so the
//! tree's nearest-first order *is* the great-circle order — no planar approximation, no edge
//! effects at any latitude. Filters are applied lazily while walking outwards, so a query
//! touches only as many places as it needs to find `k` matches.
//!
//! ```
//! use repere_core::proximity::{Index, LatLon};
//!
//! let civray = LatLon { lat: 46.148, lon: 0.295 };
//! let poitiers = LatLon { lat: 46.580, lon: 0.340 };
//! let loudun = LatLon { lat: 47.010, lon: 0.083 };
//! let index = Index::build([(0, poitiers), (1, loudun), (2, civray)]);
//! let hits = index.nearest(LatLon { lat: 46.25, lon: 0.3 }, 2, None, |_| true);
//! assert_eq!(hits.iter().map(|h| h.slot).collect::<Vec<_>>(), vec![2, 0]);
//! assert_eq!(format!("{:.1}", hits[0].km), "11.3");
//! ```

use rstar::primitives::GeomWithData;
use rstar::{RStarInsertionStrategy, RTree, RTreeParams};

/// Node sizes for a tree that is bulk-loaded once and queried many times. Larger leaves than
/// rstar's default (6) mean fewer nodes through the priority queue per query.
struct Params;
impl RTreeParams for Params {
    const MIN_SIZE: usize = MAX_NODE / 3;
    const MAX_SIZE: usize = MAX_NODE;
    const REINSERTION_COUNT: usize = 2;
    type DefaultInsertionStrategy = RStarInsertionStrategy;
}
const MAX_NODE: usize = 16;

/// Mean Earth radius (IUGG), in km.
pub const EARTH_RADIUS_KM: f64 = 6371.0088;

/// A point in WGS84 degrees.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct LatLon {
    pub lat: f64,
    pub lon: f64,
}

/// Great-circle distance by the haversine formula, in km.
pub fn haversine_km(a: LatLon, b: LatLon) -> f64 {
    let (la1, la2) = (a.lat.to_radians(), b.lat.to_radians());
    let dlat = la2 - la1;
    let dlon = (b.lon - a.lon).to_radians();
    let h = (dlat / 2.0).sin().powi(2) + la1.cos() * la2.cos() * (dlon / 2.0).sin().powi(2);
    2.0 * EARTH_RADIUS_KM * h.sqrt().min(1.0).asin()
}

fn unit_vector(p: LatLon) -> [f64; 3] {
    let (lat, lon) = (p.lat.to_radians(), p.lon.to_radians());
    [lat.cos() * lon.cos(), lat.cos() * lon.sin(), lat.sin()]
}

fn chord_to_km(chord: f64) -> f64 {
    2.0 * EARTH_RADIUS_KM * (chord / 2.0).min(1.0).asin()
}

fn km_to_chord(km: f64) -> f64 {
    2.0 * (km / (2.0 * EARTH_RADIUS_KM)).min(std::f64::consts::FRAC_PI_2).sin()
}

/// One result: the caller's slot number and the distance from the query point.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Neighbour {
    pub slot: u32,
    pub km: f64,
}

/// A spatial index of slots (the caller's numbering, e.g. positions in a list of places).
pub struct Index {
    tree: RTree<GeomWithData<[f64; 3], u32>, Params>,
}

impl Index {
    /// Builds the index once (bulk loading); query it as often as needed.
    pub fn build(points: impl IntoIterator<Item = (u32, LatLon)>) -> Self {
        let entries = points.into_iter().map(|(slot, p)| GeomWithData::new(unit_vector(p), slot)).collect();
        Index { tree: RTree::bulk_load_with_params(entries) }
    }

    pub fn len(&self) -> usize {
        self.tree.size()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The `k` nearest slots to `from` for which `keep` is true, closest first, none farther
    /// than `max_km`. Equal distances come in no particular order.
    pub fn nearest(&self, from: LatLon, k: usize, max_km: Option<f64>, mut keep: impl FnMut(u32) -> bool) -> Vec<Neighbour> {
        let max_chord2 = max_km.map_or(f64::INFINITY, |km| km_to_chord(km).powi(2));
        self.tree
            .nearest_neighbor_iter_with_distance_2(&unit_vector(from))
            .take_while(|(_, d2)| *d2 <= max_chord2)
            .filter(|(entry, _)| keep(entry.data))
            .take(k)
            .map(|(entry, d2)| Neighbour { slot: entry.data, km: chord_to_km(d2.sqrt()) })
            .collect()
    }
}

#[cfg(test)]
mod tests {
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
            let index = Index::build(points.iter().enumerate().map(|(i, p)| (i as u32, *p)));
            let keep = |slot: u32| slot.is_multiple_of(modulus);
            let got = index.nearest(from, k, max_km, keep);
            let want = brute_force(&points, from, k, max_km, keep);
            prop_assert_eq!(got.len(), want.len());
            for (g, w) in got.iter().zip(&want) {
                prop_assert!((g.km - w.km).abs() < 1e-6, "{} vs {}", g.km, w.km);
                prop_assert!((haversine_km(from, points[g.slot as usize]) - g.km).abs() < 1e-6);
                prop_assert!(keep(g.slot));
            }
        }
    }

    #[test]
    fn antipodes_and_the_date_line() {
        let index = Index::build([(0, LatLon { lat: 0.0, lon: 179.9 }), (1, LatLon { lat: 0.0, lon: -170.0 })]);
        let hits = index.nearest(LatLon { lat: 0.0, lon: -179.9 }, 2, None, |_| true);
        assert_eq!(hits[0].slot, 0, "across the date line is nearer");
        assert!((hits[0].km - 22.24).abs() < 0.01, "{}", hits[0].km);
        // From 0°E the point at 170°W is 170° of arc away, nearer than the one at 179.9°E.
        let far = index.nearest(LatLon { lat: 0.0, lon: 0.0 }, 2, None, |_| true);
        assert_eq!(far[0].slot, 1);
        assert!((far[0].km - 170.0_f64.to_radians() * EARTH_RADIUS_KM).abs() < 1e-6, "{}", far[0].km);
        assert!((far[1].km - 179.9_f64.to_radians() * EARTH_RADIUS_KM).abs() < 1e-6, "{}", far[1].km);
    }
}
