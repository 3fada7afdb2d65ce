//! Which places count as help for a coverage question, and the threshold: the coordinator asks
//! "beyond 10 minutes of a France Services", "of a place helping with administrative
//! procedures", "of a place open at least 20 hours a week". The same parameters are read from
//! the coordinators' page and from the export's address, so the file is the table on screen.

use chrono::{NaiveDate, NaiveTime, Timelike};

use super::{Help, THRESHOLD_MINUTES};
use crate::activity::Problem;
use crate::label::Label;
use crate::needs::Need;
use crate::registry::{Dispositif, Place, Stop};

const LAST_SECOND: NaiveTime = NaiveTime::from_hms_opt(23, 59, 59).expect("a time");

/// The parameters, as they appear in addresses.
pub const PARAMETERS: [&str; 4] = ["seuil", "besoin", "dispositif", "heures"];

/// The threshold's bounds, in minutes: below one minute every commune is "beyond"; two hours
/// is farther than any two points of the Vienne by road.
const THRESHOLD_RANGE: std::ops::RangeInclusive<u32> = 1..=120;

/// A week has 168 hours.
const HOURS_RANGE: std::ops::RangeInclusive<u32> = 1..=168;

/// The places retained and the threshold.
#[derive(Clone, Debug, PartialEq)]
pub struct Selection {
    /// Minutes: a commune whose help is farther is "beyond".
    pub threshold: u32,
    /// Only places offering a service of this need.
    pub need: Option<Need>,
    /// Only places of this national programme.
    pub dispositif: Option<Dispositif>,
    /// Only places open at least this many hours in the week of the day asked.
    pub min_hours: Option<u32>,
}

impl Default for Selection {
    fn default() -> Self {
        Selection { threshold: THRESHOLD_MINUTES as u32, need: None, dispositif: None, min_hours: None }
    }
}

impl Selection {
    /// Reads `seuil` (whole minutes), `besoin` (a need's code), `dispositif` (a programme's
    /// label, as the standard writes it) and `heures` (hours a week). Empty values are absent.
    /// Every problem is returned, each naming its field; a value is never echoed whole.
    pub fn parse<'a>(pairs: impl IntoIterator<Item = (&'a str, &'a str)>) -> Result<Selection, Vec<Problem>> {
        let mut selection = Selection::default();
        let mut problems = Vec::new();
        let mut seen = Vec::new();
        for (name, value) in pairs {
            let value = value.trim();
            let Some(&field) = PARAMETERS.iter().find(|&&p| p == name) else {
                problems.push(Problem {
                    field: "couverture",
                    reason: format!("paramètre inconnu {} (permis : {})", shown(name), PARAMETERS.join(", ")),
                });
                continue;
            };
            if seen.contains(&field) {
                problems.push(Problem { field, reason: "donné deux fois".into() });
                continue;
            }
            seen.push(field);
            if value.is_empty() {
                continue;
            }
            let whole = |range: std::ops::RangeInclusive<u32>| value.parse::<u32>().ok().filter(|n| range.contains(n));
            match field {
                "seuil" => match whole(THRESHOLD_RANGE) {
                    Some(minutes) => selection.threshold = minutes,
                    None => problems
                        .push(Problem { field, reason: format!("nombre entier de minutes de 1 à 120 attendu (reçu {})", shown(value)) }),
                },
                "besoin" => match Need::from_code(value) {
                    Some(need) => selection.need = Some(need),
                    None => {
                        let codes: Vec<_> = Need::ALL.iter().map(|n| n.code()).collect();
                        problems.push(Problem { field, reason: format!("besoin inconnu {} (permis : {})", shown(value), codes.join(", ")) })
                    }
                },
                "dispositif" => match Dispositif::from_label(value) {
                    Some(d) => selection.dispositif = Some(d),
                    None => problems
                        .push(Problem {
                            field, reason: format!("dispositif inconnu {} (par exemple « France Services »)", shown(value))
                        }),
                },
                _ => match whole(HOURS_RANGE) {
                    Some(hours) => selection.min_hours = Some(hours),
                    None => problems.push(Problem {
                        field,
                        reason: format!("nombre entier d’heures par semaine de 1 à 168 attendu (reçu {})", shown(value)),
                    }),
                },
            }
        }
        if problems.is_empty() { Ok(selection) } else { Err(problems) }
    }

    /// The parameters that differ from the default, as `name=value` pairs (not encoded).
    pub fn to_pairs(&self) -> Vec<(&'static str, String)> {
        let mut pairs = Vec::new();
        if self.threshold != THRESHOLD_MINUTES as u32 {
            pairs.push(("seuil", self.threshold.to_string()));
        }
        if let Some(need) = self.need {
            pairs.push(("besoin", need.code().to_owned()));
        }
        if let Some(d) = self.dispositif {
            pairs.push(("dispositif", d.label().to_owned()));
        }
        if let Some(h) = self.min_hours {
            pairs.push(("heures", h.to_string()));
        }
        pairs
    }

    /// Whether `place` counts as help. With `min_hours`, a place whose hours are unknown, or
    /// cannot be answered for in the week of `day`, does not count: the coordinator asked for
    /// places known to be open that long.
    pub fn retains(&self, place: &Place, day: NaiveDate) -> bool {
        self.need.is_none_or(|n| n.services().intersects(&place.services))
            && self.dispositif.is_none_or(|d| place.dispositif_programmes_nationaux.contains(d))
            && self.min_hours.is_none_or(|h| weekly_hours(place, day).is_some_and(|open| open >= f64::from(h)))
    }

    /// The places retained that have a position, as coverage measures them, then their tour's
    /// stops that count ([`Selection::tour`]).
    pub fn places(&self, places: &[Place], day: NaiveDate) -> Vec<Help> {
        let fixed = places.iter().filter(|p| self.retains(p, day)).filter_map(Help::of);
        fixed.chain(self.tour(places, day).into_iter().map(Help::of_stop)).collect()
    }

    /// The stops that count as help on `day`: those of a retained place (a stop offers its
    /// place's services, so the need and the dispositif are its place's) visited at least twice
    /// a month ([`super::visited_regularly`]).
    pub fn tour<'a>(&self, places: &'a [Place], day: NaiveDate) -> Vec<&'a Stop> {
        let retained = places.iter().filter(|p| !p.arrets.is_empty() && self.retains(p, day));
        retained.flat_map(|p| &p.arrets).filter(|s| super::visited_regularly(s, day)).collect()
    }
}

/// Hours a place is open in the week (Monday to Sunday) that contains `day`; `None` when its
/// hours are unknown or that week cannot be answered for.
pub fn weekly_hours(place: &Place, day: NaiveDate) -> Option<f64> {
    let week = place.horaires.as_ref()?.week(day)?;
    let seconds: u32 = week
        .iter()
        .flatten()
        // A period that runs to midnight is shown ending at 23:59:59.
        .map(|(start, end)| end.num_seconds_from_midnight() + u32::from(*end == LAST_SECOND) - start.num_seconds_from_midnight())
        .sum();
    Some(f64::from(seconds) / 3600.0)
}

fn shown(value: &str) -> String {
    let cut: String = value.chars().take(40).collect();
    if cut.len() < value.len() { format!("« {cut}… »") } else { format!("« {cut} »") }
}
