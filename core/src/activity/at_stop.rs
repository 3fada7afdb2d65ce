//! Which stop of the tour is the bus at? When a mediator starts a bus session, the phone
//! proposes the stops whose visit is under way or about to start (the team sets up before the
//! announced time), the nearest first when the phone knows where it is — else the soonest —,
//! so contacts count per stop in one tap; the whole tour by name stays one tap away, for a
//! visit moved or a stop added since the phone's last update.

use chrono::{NaiveDateTime, Timelike};

use crate::proximity::{LatLon, haversine_km};
use crate::registry::{Place, Stop};

/// A visit starting within this many minutes is proposed: the bus arrives and sets up before
/// the time announced to residents.
pub const SOON_MINUTES: u16 = 60;

/// A stop's visit today under way or about to start (minutes from midnight, as timetables
/// hold them), and how far the phone is from the stop.
#[derive(Clone, Debug, PartialEq)]
pub struct Visit<'a> {
    pub stop: &'a Stop,
    pub start: u16,
    pub end: u16,
    /// Straight-line kilometres from the phone, when its position is known.
    pub km: Option<f64>,
}

impl Visit<'_> {
    /// "passage 9 h – 12 h": the whole visit, as announced, not only what is left of it.
    pub fn passage(&self) -> String {
        format!("passage {} – {}", clock(self.start), clock(self.end))
    }
}

/// "9 h", "9 h 30", "24 h" for a visit to midnight.
fn clock(minutes: u16) -> String {
    match minutes % 60 {
        0 => format!("{} h", minutes / 60),
        m => format!("{} h {m:02}", minutes / 60),
    }
}

/// The stops of `places` with a visit today under way at `now` or starting within
/// [`SOON_MINUTES`]: nearest `position` first when it is known (ties and unknown position:
/// soonest first, then by name). Read from the day's timetable directly, not `Stop::visits`:
/// the mediators' bundle then needs no date arithmetic (about 5 KiB less).
pub fn stops_now(places: &[Place], now: NaiveDateTime, position: Option<LatLon>) -> Vec<Visit<'_>> {
    let minute = (now.hour() * 60 + now.minute()) as u16;
    let mut visits: Vec<Visit> = places
        .iter()
        .flat_map(|p| &p.arrets)
        .filter_map(|stop| {
            let today = stop.horaires.timetable().day(now.date())?;
            let &(start, end) = today.iter().find(|&&(start, end)| end > minute && start <= minute + SOON_MINUTES)?;
            let km = position.map(|at| haversine_km(at, LatLon { lat: stop.position.lat, lon: stop.position.lon }));
            Some(Visit { stop, start, end, km })
        })
        .collect();
    sort(&mut visits, |a, b| {
        let (ka, kb) = (a.km.unwrap_or(0.0), b.km.unwrap_or(0.0));
        ka.total_cmp(&kb).then(a.start.cmp(&b.start)).then_with(|| a.stop.nom.cmp(&b.stop.nom))
    });
    visits
}

/// Every stop of `places`, by name: the fallback list.
pub fn stops_by_name(places: &[Place]) -> Vec<&Stop> {
    let mut stops: Vec<&Stop> = places.iter().flat_map(|p| &p.arrets).collect();
    sort(&mut stops, |a, b| a.nom.cmp(&b.nom).then_with(|| a.id.cmp(&b.id)));
    stops
}

/// Insertion sort: a tour has tens of stops, and the standard library's sorts would add a few
/// KiB to the mediators' bundle for each list (its 300 KiB budget is spent).
fn sort<T>(items: &mut [T], order: impl Fn(&T, &T) -> std::cmp::Ordering) {
    for i in 1..items.len() {
        let mut j = i;
        while j > 0 && order(&items[j - 1], &items[j]).is_gt() {
            items.swap(j - 1, j);
            j -= 1;
        }
    }
}
