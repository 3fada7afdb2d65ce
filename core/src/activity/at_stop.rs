//! Which stop of the tour is the bus at? When a mediator starts a bus session, the phone
//! proposes the stops whose visit is under way or about to start (the team sets up before the
//! announced time), the nearest first when the phone knows where it is — else the soonest —,
//! so contacts count per stop in one tap; the whole tour by name stays one tap away, for a
//! visit moved or a stop added since the phone's last update.

use chrono::{Duration, NaiveDateTime, NaiveTime};

use crate::proximity::{LatLon, haversine_km};
use crate::registry::{Place, Stop};

/// A visit starting within this many minutes is proposed: the bus arrives and sets up before
/// the time announced to residents.
pub const SOON_MINUTES: i64 = 60;

/// A stop's visit under way or about to start, and how far the phone is from the stop.
#[derive(Clone, Debug, PartialEq)]
pub struct Visit<'a> {
    pub stop: &'a Stop,
    pub start: NaiveDateTime,
    pub end: NaiveDateTime,
    /// Straight-line kilometres from the phone, when its position is known.
    pub km: Option<f64>,
}

impl Visit<'_> {
    /// "passage 9 h – 12 h": the whole visit, as announced, not only what is left of it; a
    /// visit to midnight ends at "24 h", as hours are written.
    pub fn passage(&self) -> String {
        let midnight = self.end.date() > self.start.date() && self.end.time() == NaiveTime::MIN;
        let end = if midnight { "24 h".to_owned() } else { crate::i18n::french_time(self.end.time()) };
        format!("passage {} – {end}", crate::i18n::french_time(self.start.time()))
    }
}

/// The stops of `places` with a visit under way at `now` or starting within [`SOON_MINUTES`]:
/// nearest `position` first when it is known (ties and unknown position: soonest first, then by
/// name).
pub fn stops_now(places: &[Place], now: NaiveDateTime, position: Option<LatLon>) -> Vec<Visit<'_>> {
    // From midnight, so a visit under way is seen whole (`Stop::visits` cuts the first at its start).
    let midnight = now.date().and_time(NaiveTime::MIN);
    let soon = now + Duration::minutes(SOON_MINUTES);
    let mut visits: Vec<Visit> = places
        .iter()
        .flat_map(|p| &p.arrets)
        .filter_map(|stop| {
            let (start, end) = stop.visits(midnight, 2).into_iter().find(|&(start, end)| end > now && start <= soon)?;
            let km = position.map(|at| haversine_km(at, LatLon { lat: stop.position.lat, lon: stop.position.lon }));
            Some(Visit { stop, start, end, km })
        })
        .collect();
    visits.sort_by(|a, b| {
        let (ka, kb) = (a.km.unwrap_or(0.0), b.km.unwrap_or(0.0));
        ka.total_cmp(&kb).then(a.start.cmp(&b.start)).then_with(|| a.stop.nom.cmp(&b.stop.nom))
    });
    visits
}

/// Every stop of `places`, by name: the fallback list.
pub fn stops_by_name(places: &[Place]) -> Vec<&Stop> {
    let mut stops: Vec<&Stop> = places.iter().flat_map(|p| &p.arrets).collect();
    stops.sort_by(|a, b| a.nom.cmp(&b.nom).then_with(|| a.id.cmp(&b.id)));
    stops
}
