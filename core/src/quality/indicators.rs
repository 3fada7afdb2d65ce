//! Fiche 1-C's indicators over the whole registry: **reliability** — the share of places « À jour »
//! or « À surveiller », target 95 % or more — and **autonomy** — the share of the last 12 months'
//! updates made by the place itself, target 50 %. `Review` grades and scores every place once, for
//! the coordinators' page and the tests on the seeds.
//!
//! Autonomy needs to know who made each update; the server records no provenance yet (a
//! registry version is published from a file), so callers pass the updates they know — today none,
//! and the indicator says "no update recorded" rather than 0 %.

use std::collections::BTreeMap;

use chrono::{Months, NaiveDate};

use super::{Freshness, Quality, checked_on};
use crate::registry::Place;

/// Fiche 1-C's target for reliability.
pub const RELIABILITY_TARGET: f64 = 0.95;
/// Fiche 1-C's target for updates made by the places themselves.
pub const AUTONOMY_TARGET: f64 = 0.5;

/// `part` out of `total`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub struct Share {
    pub part: usize,
    pub total: usize,
}

impl Share {
    /// The share, none when there is nothing to count.
    pub fn ratio(self) -> Option<f64> {
        (self.total > 0).then(|| self.part as f64 / self.total as f64)
    }

    /// Whole percent, rounded down so that "95 %" is only shown once the target is reached.
    pub fn percent(self) -> Option<usize> {
        (self.total > 0).then(|| self.part * 100 / self.total)
    }

    pub fn meets(self, target: f64) -> bool {
        self.ratio().is_some_and(|r| r >= target)
    }
}

/// One update of a place: when, and whether the place made it itself.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Update {
    pub date: NaiveDate,
    pub by_place: bool,
}

/// Among updates of the last 12 calendar months (after the same day a year ago, up to today),
/// those made by the places themselves.
pub fn autonomy(updates: &[Update], today: NaiveDate) -> Share {
    let since = today.checked_sub_months(Months::new(12)).unwrap_or(NaiveDate::MIN);
    let recent = updates.iter().filter(|u| u.date > since && u.date <= today);
    let (mut share, mut total) = (0, 0);
    for u in recent {
        total += 1;
        share += usize::from(u.by_place);
    }
    Share { part: share, total }
}

/// One place, graded and scored.
#[derive(Clone, Debug)]
pub struct Reviewed<'a> {
    pub place: &'a Place,
    /// Its `date_maj`, or a later confirmation.
    pub checked: NaiveDate,
    pub freshness: Freshness,
    pub quality: Quality,
}

/// Every place of a registry, graded and scored on one day.
#[derive(Clone, Debug)]
pub struct Review<'a> {
    pub places: Vec<Reviewed<'a>>,
}

impl<'a> Review<'a> {
    /// `confirmed` gives a place's last "rien n'a changé", when one is known.
    pub fn new(places: &'a [Place], today: NaiveDate, confirmed: impl Fn(&Place) -> Option<NaiveDate>) -> Review<'a> {
        let places = places
            .iter()
            .map(|place| {
                let confirmed = confirmed(place);
                let checked = checked_on(place, confirmed);
                Reviewed { place, checked, freshness: Freshness::of(Some(checked), today), quality: Quality::of(place, confirmed, today) }
            })
            .collect();
        Review { places }
    }

    /// Places per grade, in [`Freshness::ALL`]'s order.
    pub fn counts(&self) -> [usize; 4] {
        let mut counts = [0; 4];
        for r in &self.places {
            counts[r.freshness as usize] += 1;
        }
        counts
    }

    /// Places per grade for each key (an EPCI, say), keys in order.
    pub fn counts_by<K: Ord>(&self, key: impl Fn(&Place) -> K) -> BTreeMap<K, [usize; 4]> {
        let mut by = BTreeMap::<K, [usize; 4]>::new();
        for r in &self.places {
            by.entry(key(r.place)).or_default()[r.freshness as usize] += 1;
        }
        by
    }

    /// Places « À jour » or « À surveiller » among all.
    pub fn reliability(&self) -> Share {
        Share { part: self.places.iter().filter(|r| r.freshness.reliable()).count(), total: self.places.len() }
    }

    /// The mean completeness score (0 to 1), none for an empty registry.
    pub fn mean_score(&self) -> Option<f64> {
        (!self.places.is_empty()).then(|| self.places.iter().map(|r| r.quality.score).sum::<f64>() / self.places.len() as f64)
    }

    /// Places to update first: « À actualiser » then « À vérifier », the oldest first, then by name.
    pub fn to_update(&self) -> Vec<&Reviewed<'a>> {
        let mut due: Vec<&Reviewed> = self.places.iter().filter(|r| !r.freshness.reliable()).collect();
        due.sort_by(|a, b| b.freshness.cmp(&a.freshness).then(a.checked.cmp(&b.checked)).then_with(|| a.place.nom.cmp(&b.place.nom)));
        due
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn autonomy_counts_the_last_twelve_calendar_months_only() {
        let today = day("2026-11-30");
        let u = |d: &str, by_place| Update { date: day(d), by_place };
        assert_eq!(autonomy(&[], today), Share { part: 0, total: 0 });
        assert_eq!(autonomy(&[], today).percent(), None);
        let updates = [
            u("2025-11-30", true),  // a year ago to the day: out
            u("2025-12-01", true),  // in
            u("2026-06-15", false), // in
            u("2026-11-30", false), // today: in
            u("2026-12-01", true),  // tomorrow: out
        ];
        let share = autonomy(&updates, today);
        assert_eq!(share, Share { part: 1, total: 3 });
        assert_eq!(share.percent(), Some(33));
        assert!(!share.meets(AUTONOMY_TARGET));
        assert!(autonomy(&updates[..2], today).meets(AUTONOMY_TARGET));
    }

    #[test]
    fn reliability_and_the_list_to_update_come_from_the_grades() {
        let template = super::super::score::tests::place();
        let dated = |id: &str, nom: &str, d: &str| Place { id: id.into(), nom: nom.into(), date_maj: day(d), ..template.clone() };
        let places = [
            dated("a", "Anne", "2026-10-01"),     // À jour
            dated("b", "Brux", "2026-01-01"),     // À surveiller
            dated("c", "Civray", "2025-09-01"),   // À vérifier
            dated("d", "Dangé", "2024-08-01"),    // À actualiser
            dated("e", "Availles", "2022-06-17"), // À actualiser, older
            dated("f", "Beaumont", "2022-06-17"), // same day: by name
        ];
        let today = day("2026-11-30");
        let review = Review::new(&places, today, |_| None);
        assert_eq!(review.counts(), [1, 1, 1, 3]);
        assert_eq!(review.reliability(), Share { part: 2, total: 6 });
        let order: Vec<&str> = review.to_update().iter().map(|r| r.place.id.as_str()).collect();
        assert_eq!(order, ["e", "f", "d", "c"]);
        // A confirmation "rien n'a changé" last month makes a place « À jour ».
        let confirmed = Review::new(&places, today, |p| (p.id == "d").then(|| day("2026-11-02")));
        assert_eq!(confirmed.counts(), [2, 1, 1, 2]);
        let by_letter = review.counts_by(|p| p.nom.starts_with('A'));
        assert_eq!(by_letter[&true], [1, 0, 0, 1]);
        assert_eq!(Review::new(&[], today, |_| None).mean_score(), None);
    }
}
