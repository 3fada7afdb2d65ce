//! What is shown: a tally's counts in sections, with percentages and the privacy rule.

use std::collections::BTreeMap;

use super::tally::{closed_codes, closed_label};
use super::{Breakdown, Tally, Totals, UNKNOWN, Unit};
use crate::date::iso_date;

/// Whether small counts of the communes of residence are hidden.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Privacy {
    /// A structure reading its own contacts: every count as it is.
    Exact,
    /// Anyone else (coordinators): 1 to 4 people of a commune of residence shown as "< 5", so
    /// that nobody in a small commune can be recognised.
    Protected,
}

/// A count as shown.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Count {
    Exact(u64),
    FewerThan5,
    /// Hidden although 5 or more, so that a lone "< 5" cannot be found by subtracting the
    /// others from the total (complementary suppression).
    Masked,
}

/// "12 345": digits grouped by three with a narrow no-break space, as French writes numbers
/// (and so a count never breaks across lines).
pub fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3 * 3);
    for (i, d) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push('\u{202F}');
        }
        out.push(d);
    }
    out
}

/// "12 345" (see [`thousands`]), or "< 5".
impl std::fmt::Display for Count {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Count::Exact(n) => f.write_str(&thousands(*n)),
            Count::FewerThan5 => f.write_str("< 5"),
            Count::Masked => f.write_str("masqué"),
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Row {
    pub code: String,
    pub count: Count,
    /// Share of the section's unit total, rounded to a whole percent; none for "< 5".
    pub percent: Option<u32>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Section {
    pub breakdown: Breakdown,
    pub rows: Vec<Row>,
}

impl Section {
    /// A row's label: the taxonomy's for closed lists, "janvier 2026" for a month, else the
    /// name given in `names` (places, communes, EPCI, structures), the code if none.
    pub fn label<'a>(&self, code: &'a str, names: &'a BTreeMap<String, String>) -> std::borrow::Cow<'a, str> {
        if let Some(label) = closed_label(self.breakdown, code) {
            return label.into();
        }
        if self.breakdown == Breakdown::Mois {
            return month_label(code).map_or(code.into(), Into::into);
        }
        if code == UNKNOWN {
            return "Non renseigné".into();
        }
        let kind = match code {
            "bus" => Some("Bus"),
            "marche_stand" => Some("Marché ou stand"),
            "domicile" => Some("À domicile"),
            "a_distance" => Some("À distance"),
            _ => None,
        };
        match (kind, names.get(code)) {
            (_, Some(name)) => name.as_str().into(),
            (Some(kind), None) => kind.into(),
            (None, None) => code.into(),
        }
    }
}

const MONTHS: [&str; 12] =
    ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre", "novembre", "décembre"];

/// "2026-01" → "janvier 2026".
pub fn month_label(code: &str) -> Option<String> {
    let date = iso_date(&format!("{code}-01"))?;
    use chrono::Datelike;
    Some(format!("{} {}", MONTHS[date.month0() as usize], date.year()))
}

/// The figures of a period and territory, as every screen, file and export shows them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Figures {
    pub totals: Totals,
    /// One per [`Breakdown`], in [`Breakdown::ALL`] order.
    pub sections: Vec<Section>,
}

fn percent(n: u64, of: u64) -> Option<u32> {
    (of > 0).then(|| ((n * 200 + of) / (2 * of)) as u32)
}

/// Months from the first to the last, with the empty ones between, so a series has no gap.
fn month_codes(tally: &Tally) -> Vec<String> {
    use chrono::Datelike;
    let months: Vec<_> = tally.cells(Breakdown::Mois).filter_map(|(code, _)| iso_date(&format!("{code}-01"))).collect();
    let (Some(first), Some(last)) = (months.iter().min(), months.iter().max()) else { return Vec::new() };
    let mut codes = Vec::new();
    let mut m = *first;
    while m <= *last {
        codes.push(format!("{:04}-{:02}", m.year(), m.month()));
        m = m.checked_add_months(chrono::Months::new(1)).expect("a month within chrono's range");
    }
    codes
}

/// Hidden counts could be worked out from the total and the counts shown (8 − 6 = 2, or two
/// "< 5" summing to 2): when any count is "< 5", one more is masked — the smallest commune of
/// 6 or more (so the hidden and masked counts split in several ways), else "not told", else the
/// largest commune — and the hidden rows go after the others in code order, since a place in
/// a list sorted by size would tell a masked count's size (found in review).
fn mask_a_complement(rows: &mut Vec<Row>) {
    if !rows.iter().any(|r| r.count == Count::FewerThan5) {
        return;
    }
    let exact = |r: &Row| match r.count {
        Count::Exact(n) => Some(n),
        _ => None,
    };
    let communes = || rows.iter().enumerate().filter(|(_, r)| r.code != UNKNOWN).filter_map(|(i, r)| Some((i, exact(r)?)));
    let chosen = communes()
        .filter(|&(_, n)| n >= 6)
        .min_by_key(|&(_, n)| n)
        .or_else(|| rows.iter().position(|r| r.code == UNKNOWN && exact(r).is_some_and(|n| n > 0)).map(|i| (i, 0)))
        .or_else(|| communes().max_by_key(|&(_, n)| n));
    if let Some((i, _)) = chosen {
        rows[i].count = Count::Masked;
        rows[i].percent = None;
    }
    let (mut shown, mut hidden): (Vec<Row>, Vec<Row>) = rows.drain(..).partition(|r| r.code == UNKNOWN || exact(r).is_some());
    hidden.sort_by(|a, b| a.code.cmp(&b.code));
    let unknown = shown.iter().position(|r| r.code == UNKNOWN).map(|i| shown.remove(i));
    rows.extend(shown);
    rows.extend(hidden);
    rows.extend(unknown);
}

impl Figures {
    pub fn from_tally(tally: &Tally, privacy: Privacy) -> Figures {
        let sections = Breakdown::ALL
            .into_iter()
            .map(|breakdown| {
                let of = match breakdown.unit() {
                    Unit::Activites => tally.totals.activites,
                    Unit::Accompagnements => tally.totals.accompagnements,
                    Unit::Sessions => tally.cells(Breakdown::Sorties).map(|(_, n)| n).sum(),
                };
                let mut cells: Vec<(String, u64)> = if breakdown == Breakdown::Mois {
                    month_codes(tally)
                        .into_iter()
                        .map(|m| {
                            let n = tally.get(breakdown, &m);
                            (m, n)
                        })
                        .collect()
                } else if breakdown.is_closed() {
                    closed_codes(breakdown).into_iter().map(|c| (c.to_owned(), tally.get(breakdown, c))).collect()
                } else {
                    tally.cells(breakdown).map(|(k, n)| (k.to_owned(), n)).collect()
                };
                if !breakdown.is_closed() && breakdown != Breakdown::Mois {
                    // Biggest first; "not told" last.
                    cells.sort_by(|a, b| (a.0 == UNKNOWN).cmp(&(b.0 == UNKNOWN)).then(b.1.cmp(&a.1)).then(a.0.cmp(&b.0)));
                }
                let hide = |n: u64| privacy == Privacy::Protected && breakdown == Breakdown::CommunesResidence && (1..5).contains(&n);
                let mut rows: Vec<Row> = cells
                    .into_iter()
                    .map(|(code, n)| {
                        if hide(n) && code != UNKNOWN {
                            Row { code, count: Count::FewerThan5, percent: None }
                        } else {
                            Row { code, count: Count::Exact(n), percent: percent(n, of) }
                        }
                    })
                    .collect();
                mask_a_complement(&mut rows);
                Section { breakdown, rows }
            })
            .collect();
        Figures { totals: tally.totals, sections }
    }

    /// The exact counts back, when none is hidden: a mediator's figures from the server, to
    /// which his unsent contacts are added ([`Tally::merge`]).
    pub fn to_tally(&self) -> Option<Tally> {
        let mut tally = Tally::default();
        tally.totals = self.totals;
        for section in &self.sections {
            for row in &section.rows {
                match row.count {
                    Count::Exact(n) => tally.add_cell(section.breakdown, &row.code, n),
                    Count::FewerThan5 | Count::Masked => return None,
                }
            }
        }
        Some(tally)
    }

    /// The codes a breakdown hides ("< 5", masked): what a row-by-row export must not reveal either.
    pub fn hidden(&self, breakdown: Breakdown) -> std::collections::BTreeSet<String> {
        self.section(breakdown).rows.iter().filter(|r| !matches!(r.count, Count::Exact(_))).map(|r| r.code.clone()).collect()
    }

    pub fn section(&self, breakdown: Breakdown) -> &Section {
        &self.sections[Breakdown::ALL.iter().position(|&b| b == breakdown).expect("every breakdown has its section")]
    }
}
