//! « Prochains passages près de chez moi » (issue #16): when the bus comes near the resident in
//! the coming days, one line per visit, soonest first.

use chrono::NaiveDateTime;

use super::Finder;
use crate::proximity::{LatLon, haversine_km};
use crate::registry::{Place, Stop};

/// The residents' horizon for visits: a month, so a stop visited monthly shows at least once.
pub const PASSAGES_DAYS: u32 = 30;

/// One visit of a stop: from `start` to `end` (local time), `km` from the point asked about.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Visit<'a> {
    pub place: &'a Place,
    pub stop: &'a Stop,
    pub start: NaiveDateTime,
    pub end: NaiveDateTime,
    pub km: f64,
}

impl Finder {
    /// Every visit of a stop within `max_km` of `from` that ends after `now` and starts within
    /// `days` days of it (a visit under way starts at `now`, as [`Stop::visits`] cuts it), by
    /// start, then distance (ties in the tours' order). A stop visited four times gives four lines.
    ///
    /// The stops are read one by one rather than through the index: a département's tours
    /// hold tens of stops, and every one within the distance is wanted, not the `k` nearest.
    /// Each visit is inserted in its place rather than the list sorted: a few dozen lines, and
    /// the standard sort's code would weigh about 2.5 KiB more on every resident's phone.
    pub fn visits_near(&self, from: LatLon, max_km: f64, now: NaiveDateTime, days: u32) -> Vec<Visit<'_>> {
        let mut visits: Vec<Visit<'_>> = Vec::new();
        for &(place, stop) in &self.stops {
            let place = &self.places[place as usize];
            let stop = &place.arrets[stop as usize];
            let km = haversine_km(from, LatLon { lat: stop.position.lat, lon: stop.position.lon });
            if km > max_km {
                continue;
            }
            for (start, end) in stop.visits(now, days) {
                let at = visits.partition_point(|v| (v.start, v.km) <= (start, km));
                visits.insert(at, Visit { place, stop, start, end, km });
            }
        }
        visits
    }
}
