//! Consultation figures counted on the phone (issue #15, fiche 1-C): per local day, per place,
//! sheets opened, taps on « Appeler » and on « Itinéraire »; per commune, searches for it.
//!
//! Counts are kept on the device in a [`Tally`] and leave it only added up, a day at a time, in
//! batches: no event, no time of day, no identifier of the person or the phone. A search made
//! « autour de moi » names no commune and is not counted: the phone's position never leaves it,
//! not even as its commune.
//!
//! Sending is exactly once by batch id (the app keeps one batch, with its id, until the server
//! acknowledges it, and counts made meanwhile go to the tally, never into that batch):
//! [`Tally::take_batch`] moves at most one batch's worth out of the tally, within the wire's
//! [`Bounds`], which the caller passes from `repere-protocol` so the bounds are written once.
//!
//! ```
//! use chrono::NaiveDate;
//! use repere_core::consultation::{Bounds, Event, Subject, Tally};
//!
//! let day = NaiveDate::from_ymd_opt(2026, 11, 30).unwrap();
//! let mut tally = Tally::default();
//! tally.add(day, Event::View("p1"));
//! tally.add(day, Event::Call("p1"));
//! tally.add(day, Event::Search("86062"));
//! let bounds = Bounds { days: 31, places_a_day: 300, communes_a_day: 300, count: 500 };
//! let batch = tally.take_batch(&bounds).unwrap();
//! assert!(tally.is_empty());
//! assert_eq!(batch.get(day, Subject::Place, "p1").appels, 1);
//! ```

use chrono::NaiveDate;

/// Something a resident did that the figures count.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Event<'a> {
    /// A place's sheet was opened (its id).
    View(&'a str),
    /// « Appeler » was tapped for a place.
    Call(&'a str),
    /// « Itinéraire » (a map application or OpenStreetMap) was tapped for a place.
    Directions(&'a str),
    /// A search was made for a commune (its INSEE code).
    Search(&'a str),
}

/// What a cell counts: a place (its id) or a commune (its INSEE code).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Subject {
    Place,
    Commune,
}

/// One cell's counts: a place's views, calls and directions, or a commune's searches.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Counts {
    pub vues: u32,
    pub appels: u32,
    pub itineraires: u32,
    pub recherches: u32,
}

impl Counts {
    fn add(&mut self, other: Counts) {
        self.vues = self.vues.saturating_add(other.vues);
        self.appels = self.appels.saturating_add(other.appels);
        self.itineraires = self.itineraires.saturating_add(other.itineraires);
        self.recherches = self.recherches.saturating_add(other.recherches);
    }

    fn capped(self, cap: u32) -> Counts {
        Counts {
            vues: self.vues.min(cap),
            appels: self.appels.min(cap),
            itineraires: self.itineraires.min(cap),
            recherches: self.recherches.min(cap),
        }
    }
}

/// The counts of one place or commune on one day.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Cell {
    pub day: NaiveDate,
    pub subject: Subject,
    pub id: String,
    pub counts: Counts,
}

/// The bounds of one batch on the wire (`repere_protocol::upkeep`'s `MAX_DAYS`,
/// `MAX_PLACES_A_DAY`, `MAX_COMMUNES_A_DAY`, `MAX_COUNT`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Bounds {
    pub days: usize,
    pub places_a_day: usize,
    pub communes_a_day: usize,
    /// The largest count of one cell in one day: more is not a person using the app.
    pub count: u32,
}

/// Counts per local day: cells in (day, subject, id) order, no zero cell, so two tallies of the
/// same events compare equal however they were made. A sorted list rather than maps: a phone
/// holds a few hundred cells at most, and the phone downloads less code for it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Tally {
    cells: Vec<Cell>,
}

impl Tally {
    /// Counts one event on `day` (the phone's local day, passed in: the core reads no clock).
    pub fn add(&mut self, day: NaiveDate, event: Event) {
        let one = Counts::default();
        let (subject, id, counts) = match event {
            Event::View(id) => (Subject::Place, id, Counts { vues: 1, ..one }),
            Event::Call(id) => (Subject::Place, id, Counts { appels: 1, ..one }),
            Event::Directions(id) => (Subject::Place, id, Counts { itineraires: 1, ..one }),
            Event::Search(code) => (Subject::Commune, code, Counts { recherches: 1, ..one }),
        };
        self.add_counts(day, subject, id, counts);
    }

    /// Adds a cell's counts (reading a stored tally back, merging); counts add up, saturating.
    pub fn add_counts(&mut self, day: NaiveDate, subject: Subject, id: &str, counts: Counts) {
        if counts == Counts::default() {
            return;
        }
        match self.cells.binary_search_by(|c| (c.day, c.subject, c.id.as_str()).cmp(&(day, subject, id))) {
            Ok(i) => self.cells[i].counts.add(counts),
            Err(i) => self.cells.insert(i, Cell { day, subject, id: id.to_owned(), counts }),
        }
    }

    /// Adds every count of `other` to this tally.
    pub fn merge(&mut self, other: &Tally) {
        for c in &other.cells {
            self.add_counts(c.day, c.subject, &c.id, c.counts);
        }
    }

    pub fn is_empty(&self) -> bool {
        self.cells.is_empty()
    }

    /// Every cell, oldest day first, places before communes, ids in order.
    pub fn cells(&self) -> &[Cell] {
        &self.cells
    }

    /// One cell's counts (zero when nothing was counted).
    pub fn get(&self, day: NaiveDate, subject: Subject, id: &str) -> Counts {
        self.cells.iter().find(|c| c.day == day && c.subject == subject && c.id == id).map(|c| c.counts).unwrap_or_default()
    }

    /// Moves the oldest counts out of the tally, as one batch within `bounds`: at most
    /// `bounds.days` days, and per day at most `bounds.places_a_day` places and
    /// `bounds.communes_a_day` communes (ids in order); a day with more is split, its rest left
    /// in the tally for the next batch. Each cell is capped at `bounds.count` and the excess
    /// dropped, not carried over: it is not a person using the app, and a batch over the
    /// server's bounds would be refused whole. `None` when there is nothing to send.
    pub fn take_batch(&mut self, bounds: &Bounds) -> Option<Tally> {
        let (mut batch, mut kept) = (Vec::new(), Vec::new());
        let (mut day, mut days, mut places, mut communes) = (None, 0, 0, 0);
        for cell in std::mem::take(&mut self.cells) {
            if day != Some(cell.day) {
                if days >= bounds.days.max(1) {
                    kept.push(cell);
                    continue;
                }
                (day, days, places, communes) = (Some(cell.day), days + 1, 0, 0);
            }
            let (taken, limit) = match cell.subject {
                Subject::Place => (&mut places, bounds.places_a_day),
                Subject::Commune => (&mut communes, bounds.communes_a_day),
            };
            if *taken < limit.max(1) {
                *taken += 1;
                batch.push(Cell { counts: cell.counts.capped(bounds.count), ..cell });
            } else {
                kept.push(cell);
            }
        }
        self.cells = kept;
        (!batch.is_empty()).then_some(Tally { cells: batch })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, d).unwrap()
    }

    const WIRE: Bounds = Bounds { days: 31, places_a_day: 300, communes_a_day: 300, count: 500 };

    /// The distinct days of a tally, in its order.
    fn days(t: &Tally) -> Vec<NaiveDate> {
        let mut d: Vec<NaiveDate> = t.cells().iter().map(|c| c.day).collect();
        d.dedup();
        d
    }

    fn place(vues: u32, appels: u32, itineraires: u32) -> Counts {
        Counts { vues, appels, itineraires, recherches: 0 }
    }

    #[test]
    fn events_add_up_per_day_place_and_commune() {
        let mut t = Tally::default();
        for event in [Event::Search("86062"), Event::View("p1"), Event::View("p1"), Event::Call("p1"), Event::Directions("p2")] {
            t.add(day(30), event);
        }
        t.add(day(29), Event::Search("86062"));
        assert_eq!(t.get(day(30), Subject::Place, "p1"), place(2, 1, 0));
        assert_eq!(t.get(day(30), Subject::Place, "p2"), place(0, 0, 1));
        assert_eq!(t.get(day(30), Subject::Commune, "86062").recherches, 1);
        assert_eq!(t.get(day(29), Subject::Commune, "86062").recherches, 1);
        assert_eq!(t.get(day(29), Subject::Place, "p1"), Counts::default());
        let order: Vec<_> = t.cells().iter().map(|c| (c.day, c.subject, c.id.as_str())).collect();
        assert_eq!(
            order,
            [
                (day(29), Subject::Commune, "86062"),
                (day(30), Subject::Place, "p1"),
                (day(30), Subject::Place, "p2"),
                (day(30), Subject::Commune, "86062")
            ],
            "oldest day first, places before communes"
        );
    }

    #[test]
    fn merging_equals_counting_everything_in_one_tally() {
        let events =
            [(29, Event::View("a")), (30, Event::Call("a")), (30, Event::Search("86194")), (30, Event::View("b")), (29, Event::View("a"))];
        let mut whole = Tally::default();
        let (mut first, mut second) = (Tally::default(), Tally::default());
        for (i, (d, e)) in events.iter().enumerate() {
            whole.add(day(*d), *e);
            if i % 2 == 0 { &mut first } else { &mut second }.add(day(*d), *e);
        }
        first.merge(&second);
        assert_eq!(first, whole);
        // Zero counts leave no cell, so a tally read back with them equals the one without.
        first.add_counts(day(1), Subject::Place, "z", Counts::default());
        assert_eq!(first, whole);
    }

    #[test]
    fn a_batch_takes_everything_within_bounds_and_empties_the_tally() {
        let mut t = Tally::default();
        t.add(day(30), Event::View("p1"));
        t.add(day(30), Event::Search("86062"));
        let before = t.clone();
        let batch = t.take_batch(&WIRE).unwrap();
        assert_eq!(batch, before);
        assert!(t.is_empty());
        assert_eq!(t.take_batch(&WIRE), None, "nothing to send, no empty batch");
    }

    #[test]
    fn more_days_than_a_batch_holds_go_in_the_next_batches_oldest_first() {
        let mut t = Tally::default();
        let first = NaiveDate::from_ymd_opt(2026, 10, 1).unwrap();
        for i in 0..40 {
            t.add(first + chrono::Duration::days(i), Event::View("p1"));
        }
        let a = t.take_batch(&WIRE).unwrap();
        let b = t.take_batch(&WIRE).unwrap();
        assert_eq!(t.take_batch(&WIRE), None);
        assert_eq!((days(&a).len(), days(&b).len()), (31, 9));
        assert_eq!(days(&a)[0], first);
        assert!(days(&a)[30] < days(&b)[0]);
    }

    #[test]
    fn a_day_over_the_bounds_is_split_and_nothing_is_lost() {
        let bounds = Bounds { days: 31, places_a_day: 2, communes_a_day: 1, count: 500 };
        let mut t = Tally::default();
        for id in ["a", "b", "c", "d", "e"] {
            t.add(day(29), Event::View(id));
        }
        t.add(day(29), Event::Search("86001"));
        t.add(day(29), Event::Search("86002"));
        t.add(day(30), Event::Call("a"));
        let whole = t.clone();
        let mut batches = Vec::new();
        while let Some(b) = t.take_batch(&bounds) {
            for d in days(&b) {
                let count = |s: Subject| b.cells().iter().filter(|c| c.day == d && c.subject == s).count();
                assert!(count(Subject::Place) <= 2 && count(Subject::Commune) <= 1);
            }
            batches.push(b);
        }
        // a, b, 86001 and day 30 | c, d, 86002 | e.
        let ids = |b: &Tally| b.cells().iter().map(|c| c.id.clone()).collect::<Vec<_>>();
        assert_eq!(batches.iter().map(ids).collect::<Vec<_>>(), [vec!["a", "b", "86001", "a"], vec!["c", "d", "86002"], vec!["e"]]);
        let mut back = Tally::default();
        batches.iter().for_each(|b| back.merge(b));
        assert_eq!(back, whole);
    }

    #[test]
    fn a_cell_over_the_cap_is_capped_not_carried_over() {
        let bounds = Bounds { count: 3, ..WIRE };
        let mut t = Tally::default();
        for _ in 0..5 {
            t.add(day(30), Event::Call("p1"));
            t.add(day(30), Event::Search("86062"));
        }
        t.add(day(30), Event::View("p1"));
        let batch = t.take_batch(&bounds).unwrap();
        assert_eq!(batch.get(day(30), Subject::Place, "p1"), place(1, 3, 0));
        assert_eq!(batch.get(day(30), Subject::Commune, "86062").recherches, 3);
        assert!(t.is_empty());
    }

    #[test]
    fn counts_saturate_instead_of_wrapping() {
        let mut t = Tally::default();
        t.add_counts(day(30), Subject::Commune, "86062", Counts { recherches: u32::MAX, ..Counts::default() });
        t.add(day(30), Event::Search("86062"));
        assert_eq!(t.get(day(30), Subject::Commune, "86062").recherches, u32::MAX);
    }

    proptest::proptest! {
        /// However the counts and bounds fall, the batches respect the bounds and add up to the
        /// tally (no cell reaches the cap here), oldest days first.
        #[test]
        fn batches_add_up_to_the_tally(
            events in proptest::collection::vec((0u32..40, 0u8..4, 0u8..12), 0..300),
            max_days in 1usize..5, places in 1usize..5, communes in 1usize..5,
        ) {
            let first = NaiveDate::from_ymd_opt(2026, 10, 1).unwrap();
            let ids: Vec<String> = (0..12).map(|i| format!("x{i}")).collect();
            let mut t = Tally::default();
            for (d, kind, id) in &events {
                let id = ids[*id as usize].as_str();
                let event = [Event::View(id), Event::Call(id), Event::Directions(id), Event::Search(id)][*kind as usize];
                t.add(first + chrono::Duration::days(i64::from(*d)), event);
            }
            let whole = t.clone();
            let bounds = Bounds { days: max_days, places_a_day: places, communes_a_day: communes, count: 1_000 };
            let mut back = Tally::default();
            let mut last_start = None;
            while let Some(batch) = t.take_batch(&bounds) {
                let batch_days = days(&batch);
                proptest::prop_assert!(batch_days.len() <= max_days);
                for d in &batch_days {
                    let count = |s: Subject| batch.cells().iter().filter(|c| c.day == *d && c.subject == s).count();
                    proptest::prop_assert!(count(Subject::Place) <= places && count(Subject::Commune) <= communes);
                }
                proptest::prop_assert!(last_start.is_none_or(|l| l <= batch_days[0]));
                last_start = Some(batch_days[0]);
                back.merge(&batch);
            }
            proptest::prop_assert_eq!(back, whole);
        }
    }
}
