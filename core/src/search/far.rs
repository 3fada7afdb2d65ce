//! When the nearest help is far: the resident is told so plainly, and the places that need no
//! trip come first (issue #14).
//!
//! "Far" is the coordinators' rule, so both spaces agree: the nearest place found, its
//! straight-line distance turned into minutes by road by [`coverage::estimate_minutes`], beyond
//! [`coverage::THRESHOLD_MINUTES`]. From a commune the app measures from its centre, as the
//! coordinators' coverage does.
//!
//! A stop of a tour counts as help near you like a place: the nearest result may be a stop (the
//! list shows it first, with its next visit), and saying "help is far" above a stop a few
//! kilometres away would contradict the line below it. The coordinators' coverage counts only
//! stops visited at least twice a month, so near a stop the bus visits monthly the two spaces
//! may differ; on the registry without stops they agree commune by commune (`core/tests/far.rs`).
//! The places put first never include stops: a stop is a trip.

use super::{Filters, Finder, Found, bit, shifted};
use crate::coverage::{THRESHOLD_MINUTES, estimate_minutes};
use crate::proximity::LatLon;
use crate::registry::{LabelSet, ModaliteAccompagnement, Place};

/// How many places that need no trip go first when help is far: a few, nearest first. The
/// person needs one that answers, not a second list to read before the usual one.
pub const NO_TRIP_FIRST: usize = 3;

/// Whether a place helps without the person making the trip: it visits people at home
/// (`at_home`), or it helps remotely (`modalites_accompagnement` holds "À distance": by phone
/// or video, the standard's value for help given from afar).
///
/// Taking phone calls is not enough: `modalites_acces` "Téléphoner" says how to *reach* a place
/// (call to book), not that it helps over the phone, and most places publish a number; counting
/// it would put nearly every place "first" and the words « ils aident à distance » would be false.
pub fn no_trip(place: &Place) -> bool {
    place.at_home || place.modalites_accompagnement.contains(ModaliteAccompagnement::ADistance)
}

/// The residents' results: how far the nearest help is, and the places in the order shown.
#[derive(Clone, Debug, PartialEq)]
pub struct Results<'a> {
    /// Estimated minutes by road to the nearest place found; `None` when no place passes.
    pub minutes: Option<f64>,
    /// When help is far: up to [`NO_TRIP_FIRST`] places that need no trip ([`no_trip`]),
    /// nearest first, wherever they are. Empty when help is near.
    pub first: Vec<Found<'a>>,
    /// The usual nearest places, without those already in `first`.
    pub rest: Vec<Found<'a>>,
    /// The search returned as many places as asked: there may be more ("Voir plus").
    pub more: bool,
}

impl Results<'_> {
    /// The nearest help is beyond the threshold (and there is some).
    pub fn far(&self) -> bool {
        self.minutes.is_some_and(|m| m > THRESHOLD_MINUTES)
    }

    /// The estimate as people read it, whole minutes rounded up: a place 10.3 minutes away is
    /// beyond 10, so it is never said to be "about 10 minutes" away.
    pub fn whole_minutes(&self) -> Option<u32> {
        self.minutes.map(|m| m.ceil() as u32)
    }
}

impl Finder {
    /// The `k` nearest places to `from` that pass `filters`, and, when the nearest is beyond
    /// [`THRESHOLD_MINUTES`], the nearest places that need no trip put before them.
    pub fn results(&self, from: LatLon, k: usize, filters: &Filters) -> Results<'_> {
        let nearest = self.nearest(from, k, filters);
        let minutes = nearest.first().map(|f| estimate_minutes(f.km));
        let more = nearest.len() == k;
        let far = minutes.is_some_and(|m| m > THRESHOLD_MINUTES);
        let first = if far { self.nearest_no_trip(from, NO_TRIP_FIRST.min(k), filters) } else { Vec::new() };
        let rest = nearest.into_iter().filter(|f| f.stop.is_some() || !first.iter().any(|g| std::ptr::eq(g.place, f.place))).collect();
        Results { minutes, first, rest, more }
    }

    /// The `k` nearest places passing `filters` that need no trip, stops left out; the index
    /// skips regions holding none (one more wanted group: home visits or remote help).
    fn nearest_no_trip(&self, from: LatLon, k: usize, filters: &Filters) -> Vec<Found<'_>> {
        let mut wanted = filters.wanted();
        let remote = LabelSet::from_iter([ModaliteAccompagnement::ADistance]);
        wanted.push(1 << bit::AT_HOME | shifted(&remote, bit::ACCOMPAGNEMENT));
        self.index
            .nearest(from, k, filters.max_km, &wanted, |slot| {
                self.places.get(slot as usize).is_some_and(|place| no_trip(place) && filters.accepts(place))
            })
            .into_iter()
            .map(|n| self.found(n.slot, n.km))
            .collect()
    }
}
