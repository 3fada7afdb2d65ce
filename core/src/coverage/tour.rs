//! The tour's stops as help (issue #16): a commune where the connected bus stops often enough
//! has help as surely as one with a permanence, so coverage counts such stops like places. A
//! stop visited once a month does not: the promise is help within reach when it is needed, and
//! waiting up to a month is not that.
//!
//! A stop is measured by the straight-line estimate: the travel-time table is keyed by place id
//! and knows no stop (a stop's id is never a place's).

use chrono::{NaiveDate, NaiveTime};

use super::Help;
use crate::proximity::LatLon;
use crate::registry::Stop;

/// The look-ahead of the rule, in days: three months (13 weeks).
pub const REGULAR_WINDOW_DAYS: u32 = 91;

/// Visit days a stop needs within [`REGULAR_WINDOW_DAYS`] from today to count: twice a month
/// is 6 in three months, less one that a public holiday may cancel (`PH off`); a monthly stop
/// has at most 4 (13 weeks hold no more than 4 of the same n-th weekday), a weekly one 12 or 13.
pub const REGULAR_VISIT_DAYS: usize = 5;

/// The one line the coordinators' page states the rule with.
pub const REGULAR_RULE: &str =
    "Un arrêt du bus compte s’il passe au moins deux fois par mois (5 jours de passage ou plus dans les 3 prochains mois).";

/// Whether `stop` counts as help: at least [`REGULAR_VISIT_DAYS`] days with a visit in the
/// [`REGULAR_WINDOW_DAYS`] days from `today` (days the timetable cannot answer for count as
/// none: a visit that may not happen is not promised).
pub fn visited_regularly(stop: &Stop, today: NaiveDate) -> bool {
    let mut days: Vec<NaiveDate> =
        stop.visits(today.and_time(NaiveTime::MIN), REGULAR_WINDOW_DAYS).iter().map(|(start, _)| start.date()).collect();
    days.dedup();
    days.len() >= REGULAR_VISIT_DAYS
}

impl Help {
    /// A stop of a tour, where it is (its own id: never a place's).
    pub fn of_stop(stop: &Stop) -> Help {
        Help { id: stop.id.clone(), at: LatLon { lat: stop.position.lat, lon: stop.position.lon } }
    }
}
