//! The figures on the wire: `GET /api/v1/stats` answers a [`FiguresDto`], which the
//! coordinators' and mediators' spaces store for offline reading.

use std::collections::BTreeMap;

use repere_core::stats::{Breakdown, Count, Figures, Row, Section, Totals};
use serde::{Deserialize, Serialize};

/// A count: a number, or `"< 5"` where the privacy rule hides it, or `"masqué"` where it hides
/// a count so that a lone `"< 5"` cannot be worked out from the total.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
#[serde(untagged)]
pub enum CountDto {
    Exact(u64),
    Hidden(String),
}

/// What `"< 5"` is written as.
pub const HIDDEN: &str = "< 5";
/// What a count masked so that a lone "< 5" cannot be worked out is written as.
pub const MASKED: &str = "masqué";

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
pub struct RowDto {
    pub code: String,
    pub count: CountDto,
    #[serde(default)]
    pub percent: Option<u32>,
}

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
pub struct SectionDto {
    /// A [`Breakdown`] code.
    pub breakdown: String,
    pub rows: Vec<RowDto>,
}

#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq, Eq)]
pub struct TotalsDto {
    pub activites: u64,
    pub accompagnements: u64,
    pub individuels: u64,
    pub ateliers: u64,
    pub participants: u64,
    pub ponctuels: u64,
}

impl From<Totals> for TotalsDto {
    fn from(t: Totals) -> Self {
        TotalsDto {
            activites: t.activites,
            accompagnements: t.accompagnements,
            individuels: t.individuels,
            ateliers: t.ateliers,
            participants: t.participants,
            ponctuels: t.ponctuels,
        }
    }
}

impl From<&TotalsDto> for Totals {
    fn from(t: &TotalsDto) -> Self {
        Totals {
            activites: t.activites,
            accompagnements: t.accompagnements,
            individuels: t.individuels,
            ateliers: t.ateliers,
            participants: t.participants,
            ponctuels: t.ponctuels,
        }
    }
}

/// The answer to `GET /api/v1/stats`. Unknown fields are ignored (the server writes it; an
/// older app must still read a newer server's).
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
pub struct FiguresDto {
    /// When the server counted, UTC, `2026-11-30T14:05:00Z`.
    pub as_of: String,
    /// Whose figures: "Département de la Vienne", an EPCI's name, a structure's name.
    pub scope: String,
    /// The filter answered, as a query string (`du=2026-01-01&epci=…`).
    pub filter: String,
    /// Whether small counts of communes of residence are hidden (`"< 5"`).
    pub protected: bool,
    pub totals: TotalsDto,
    pub sections: Vec<SectionDto>,
    /// Names of the places, communes, EPCI and structures that the sections' codes name.
    pub names: BTreeMap<String, String>,
}

impl FiguresDto {
    pub fn new(figures: &Figures, as_of: String, scope: String, filter: String, protected: bool, names: BTreeMap<String, String>) -> Self {
        FiguresDto {
            as_of,
            scope,
            filter,
            protected,
            totals: figures.totals.into(),
            sections: figures
                .sections
                .iter()
                .map(|s| SectionDto {
                    breakdown: s.breakdown.code().to_owned(),
                    rows: s
                        .rows
                        .iter()
                        .map(|r| RowDto {
                            code: r.code.clone(),
                            count: match r.count {
                                Count::Exact(n) => CountDto::Exact(n),
                                Count::FewerThan5 => CountDto::Hidden(HIDDEN.to_owned()),
                                Count::Masked => CountDto::Hidden(MASKED.to_owned()),
                            },
                            percent: r.percent,
                        })
                        .collect(),
                })
                .collect(),
            names,
        }
    }

    /// The core's figures back; a section of a breakdown this release does not know (a newer
    /// server's) is left out, a count that is neither a number nor `"< 5"` is refused.
    pub fn figures(&self) -> Result<Figures, String> {
        let totals = Totals::from(&self.totals);
        let mut sections = Vec::new();
        for breakdown in Breakdown::ALL {
            let rows = match self.sections.iter().find(|s| s.breakdown == breakdown.code()) {
                Some(s) => s
                    .rows
                    .iter()
                    .map(|r| {
                        let count = match &r.count {
                            CountDto::Exact(n) => Count::Exact(*n),
                            CountDto::Hidden(h) if h == HIDDEN => Count::FewerThan5,
                            CountDto::Hidden(h) if h == MASKED => Count::Masked,
                            CountDto::Hidden(other) => {
                                return Err(format!("{}.{} : compte illisible « {other} »", breakdown.code(), r.code));
                            }
                        };
                        Ok(Row { code: r.code.clone(), count, percent: r.percent })
                    })
                    .collect::<Result<_, _>>()?,
                None => Vec::new(),
            };
            sections.push(Section { breakdown, rows });
        }
        Ok(Figures { totals, sections })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use repere_core::stats::{Privacy, Tally};

    #[test]
    fn figures_round_trip_with_hidden_counts() {
        let mut t = Tally::default();
        t.totals.accompagnements = 12;
        t.totals.activites = 9;
        t.add_cell(Breakdown::CommunesResidence, "86078", 3);
        t.add_cell(Breakdown::CommunesResidence, "86194", 9);
        t.add_cell(Breakdown::Thematiques, "email", 4);
        let figures = Figures::from_tally(&t, Privacy::Protected);
        let dto = FiguresDto::new(&figures, "2026-11-30T14:05:00Z".into(), "Vienne".into(), String::new(), true, BTreeMap::new());
        let json = serde_json::to_string(&dto).unwrap();
        assert!(json.contains(r#"{"code":"86078","count":"< 5","percent":null}"#), "{json}");
        let back: FiguresDto = serde_json::from_str(&json).unwrap();
        assert_eq!(back.figures().unwrap(), figures);
        let forged = json.replace(r#""count":"< 5""#, r#""count":"3""#);
        assert_eq!(
            serde_json::from_str::<FiguresDto>(&forged).unwrap().figures().unwrap_err(),
            "communes_residence.86078 : compte illisible « 3 »"
        );
    }
}
