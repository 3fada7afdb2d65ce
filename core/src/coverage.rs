//! Where help is missing: for each commune, the nearest place offering help and how long it
//! takes to get there; how many people are beyond a threshold, per EPCI; and where new stops
//! would bring the most people within it ([`planner`]).
//!
//! Pure functions over plain structs, so the browser (the coordinators' map) and the server
//! compute the same figures. Which places count (one need, one dispositif, open N hours a week)
//! is the caller's choice: it passes the places it retained.
//!
//! Travel time is estimated from the straight line ([`estimate_minutes`]) unless a table
//! computed elsewhere (e.g. by OSRM's table service, as INSEE's metric.osrm does) gives it for a
//! pair ([`TravelTable`]): then the table's minutes replace the estimate for that pair.
//!
//! ```
//! use repere_core::coverage::{Commune, Coverage, Help, TravelTable};
//! use repere_core::proximity::LatLon;
//!
//! let communes = vec![
//!     Commune { code_insee: "86066".into(), population: 31_000, epci: "248600413".into(), centre: LatLon { lat: 46.8156, lon: 0.5521 } },
//!     Commune { code_insee: "86070".into(), population: 2_800, epci: "200070035".into(), centre: LatLon { lat: 46.1483, lon: 0.2953 } },
//! ];
//! let places = vec![Help { id: "fs-chatellerault".into(), at: LatLon { lat: 46.817, lon: 0.546 } }];
//! let coverage = Coverage::new(&communes, &places, TravelTable::default());
//! let access = coverage.access();
//! assert!(access[0].minutes < 1.0); // Châtellerault has its place
//! assert!(access[1].minutes > 60.0); // Civray is about 76 km away in a straight line
//! assert_eq!(coverage.beyond(&access, 10.0).population, 2_800);
//! ```

mod planner;
mod report;
mod selection;
mod table;
mod tour;

use std::collections::BTreeMap;

pub use planner::{Closing, Planner, RUPTURE, RUPTURE_VIENNE, Stop, rupture};
pub use report::{BANDS, COMMUNE_COLUMNS, EPCI_COLUMNS, Names, band, band_label, commune_rows, epci_rows, estimate_method};
pub use selection::{Selection, weekly_hours};
pub use table::{Minutes, TravelTable};
pub use tour::{REGULAR_RULE, REGULAR_VISIT_DAYS, REGULAR_WINDOW_DAYS, visited_regularly};

use crate::proximity::{Index, LatLon, haversine_km};

/// How much longer the road is than the straight line (circuity). A stated assumption, not a
/// measurement of the Vienne: circuity factors commonly used for road networks lie around 1.2
/// to 1.4 (e.g. Ballou, Rahardja & Sakai 2002, across countries), short trips on a rural
/// network towards the high end; 1.3 is the middle. Import a travel-time table to replace it
/// with routed times.
pub const DETOUR: f64 = 1.3;

/// Average driving speed, in km/h. A stated assumption: 80 km/h is the limit on departmental
/// roads, and 60 km/h on average leaves room for villages (50), junctions and the start and
/// end of a trip.
pub const SPEED_KMH: f64 = 60.0;

/// The roadmap's promise: help 10 minutes away at most.
pub const THRESHOLD_MINUTES: f64 = 10.0;

/// Estimated minutes by road for a straight-line distance: `km × DETOUR / SPEED_KMH` hours.
pub fn estimate_minutes(km: f64) -> f64 {
    km * DETOUR / SPEED_KMH * 60.0
}

/// The straight-line distance an estimate of `minutes` stands for (the inverse of
/// [`estimate_minutes`]), to bound spatial searches.
pub fn estimate_km(minutes: f64) -> f64 {
    minutes * SPEED_KMH / 60.0 / DETOUR
}

/// A commune as coverage needs it. `epci` is the EPCI's SIREN, the key totals group by.
#[derive(Clone, Debug, PartialEq)]
pub struct Commune {
    pub code_insee: String,
    pub population: u32,
    pub epci: String,
    pub centre: LatLon,
}

impl From<&crate::territory::Commune> for Commune {
    fn from(c: &crate::territory::Commune) -> Self {
        Commune { code_insee: c.code_insee.clone(), population: c.population, epci: c.epci_siren.clone(), centre: c.centre }
    }
}

/// A place offering help, where it is.
#[derive(Clone, Debug, PartialEq)]
pub struct Help {
    pub id: String,
    pub at: LatLon,
}

impl Help {
    /// The registry's places that have a position (a place without one cannot be measured to).
    pub fn from_places(places: &[crate::registry::Place]) -> Vec<Help> {
        places.iter().filter_map(Help::of).collect()
    }

    /// The places with new ones at the centres of the `communes` given (positions in
    /// `all`): the "after" of a plan. The places keep their positions, so a travel table made
    /// for them still applies; a new stop is measured by the estimate.
    pub fn with_stops(places: &[Help], all: &[Commune], communes: impl IntoIterator<Item = usize>) -> Vec<Help> {
        let stops = communes.into_iter().map(|c| Help { id: format!("nouveau-{}", all[c].code_insee), at: all[c].centre });
        places.iter().cloned().chain(stops).collect()
    }

    /// A registry place, if it has a position.
    pub fn of(place: &crate::registry::Place) -> Option<Help> {
        place.position.map(|at| Help { id: place.id.clone(), at: LatLon { lat: at.lat, lon: at.lon } })
    }
}

/// One commune's access to help: the nearest place by travel time (its position in the
/// places given), the straight-line distance to it, and the minutes (the table's, or the
/// estimate; `routed` says which). `place` is `None` when there is no place at all: then both
/// are infinite.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Access {
    pub place: Option<u32>,
    pub km: f64,
    pub minutes: f64,
    pub routed: bool,
}

impl Access {
    const NONE: Access = Access { place: None, km: f64::INFINITY, minutes: f64::INFINITY, routed: false };
}

/// Communes and people beyond a threshold.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Gap {
    pub communes: usize,
    pub population: u64,
}

/// Communes, places, their spatial index and the travel-time table: everything the figures
/// are computed from.
pub struct Coverage<'a> {
    communes: &'a [Commune],
    places: &'a [Help],
    index: Index,
    table: TravelTable,
}

impl<'a> Coverage<'a> {
    /// `table` must have been read against these communes and places (its pairs are positions
    /// in them); `TravelTable::default()` when there is none.
    pub fn new(communes: &'a [Commune], places: &'a [Help], table: TravelTable) -> Self {
        let index = Index::build(places.iter().enumerate().map(|(i, p)| (i as u32, p.at, 0)));
        Coverage { communes, places, index, table }
    }

    pub fn communes(&self) -> &'a [Commune] {
        self.communes
    }

    pub fn places(&self) -> &'a [Help] {
        self.places
    }

    /// Every commune's access, in the communes' order.
    pub fn access(&self) -> Vec<Access> {
        (0..self.communes.len()).map(|c| self.access_of(c, None)).collect()
    }

    /// Commune `c`'s access, as if place `closed` (if any) did not exist.
    ///
    /// The fastest place is either one the table gives for this commune, or the nearest by
    /// estimate among the places the table does not give: the estimate grows with distance, so
    /// the index's nearest untabled place is the fastest untabled one.
    pub fn access_of(&self, c: usize, closed: Option<u32>) -> Access {
        let commune = &self.communes[c];
        let untabled =
            self.index.nearest(commune.centre, 1, None, &[], |slot| Some(slot) != closed && self.table.minutes(c, slot).is_none());
        let mut best = untabled.first().map_or(Access::NONE, |n| Access {
            place: Some(n.slot),
            km: n.km,
            minutes: estimate_minutes(n.km),
            routed: false,
        });
        for (slot, minutes) in self.table.of_commune(c) {
            if Some(slot) != closed && minutes < best.minutes {
                let km = haversine_km(commune.centre, self.places[slot as usize].at);
                best = Access { place: Some(slot), km, minutes, routed: true };
            }
        }
        best
    }

    /// Communes and people whose access is beyond `threshold` minutes.
    pub fn beyond(&self, access: &[Access], threshold: f64) -> Gap {
        self.beyond_by(access, threshold, |_| ()).remove(&()).unwrap_or_default()
    }

    /// [`Coverage::beyond`] per group (e.g. `|c| c.epci.clone()`); every group with a commune
    /// appears, with zeros when all of it is within the threshold.
    pub fn beyond_by<K: Ord>(&self, access: &[Access], threshold: f64, key: impl Fn(&Commune) -> K) -> BTreeMap<K, Gap> {
        let mut groups = BTreeMap::new();
        for (commune, a) in self.communes.iter().zip(access) {
            let gap: &mut Gap = groups.entry(key(commune)).or_default();
            if a.minutes > threshold {
                gap.communes += 1;
                gap.population += u64::from(commune.population);
            }
        }
        groups
    }
}

#[cfg(test)]
mod tests;
