//! Travel times computed elsewhere (by a routing engine), read from CSV, replacing the estimate
//! for the pairs they give.

use std::collections::{BTreeMap, HashMap};

use super::{Commune, Help};
use crate::registry::ImportError;

/// Minutes from a commune's centre to a place, for the pairs a routing engine gave. Pairs are
/// positions in the communes and places the table was read against.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct TravelTable {
    minutes: BTreeMap<(usize, u32), f64>,
}

const COLUMNS: [&str; 3] = ["code_insee", "place_id", "minutes"];

impl TravelTable {
    /// Reads `code_insee,place_id,minutes` (other columns ignored). Whole or not at all: a
    /// table half read would mix routed and estimated times without saying which, so any
    /// problem refuses the file, and every problem is reported with its line and field.
    pub fn from_csv(bytes: &[u8], communes: &[Commune], places: &[Help]) -> Result<Self, Vec<ImportError>> {
        let commune_at: HashMap<&str, usize> = communes.iter().enumerate().map(|(i, c)| (c.code_insee.as_str(), i)).collect();
        let place_at: HashMap<&str, u32> = places.iter().enumerate().map(|(i, p)| (p.id.as_str(), i as u32)).collect();
        let mut reader = csv::ReaderBuilder::new().from_reader(bytes);
        let header = reader.headers().map_err(|e| vec![ImportError { row: 0, field: "", reason: e.to_string() }])?.clone();
        let column: HashMap<&str, usize> = header.iter().enumerate().map(|(i, h)| (h.trim(), i)).collect();
        let missing: Vec<_> = COLUMNS
            .iter()
            .filter(|c| !column.contains_key(*c))
            .map(|&field| ImportError { row: 1, field, reason: "colonne absente".into() })
            .collect();
        if !missing.is_empty() {
            return Err(missing);
        }
        let (mut table, mut errors) = (TravelTable::default(), vec![]);
        let mut first_seen: HashMap<(usize, u32), usize> = HashMap::new();
        for record in reader.records() {
            let record = match record {
                Ok(r) => r,
                Err(e) => {
                    // The reader cannot go on past a malformed row (e.g. a wrong number of fields).
                    let row = e.position().map_or(0, |p| p.line() as usize);
                    errors.push(ImportError { row, field: "", reason: format!("ligne illisible : {e}") });
                    break;
                }
            };
            let row = record.position().map_or(0, |p| p.line() as usize);
            let get = |field: &str| record.get(column[field]).unwrap_or("").trim();
            let commune = commune_at.get(get("code_insee")).copied();
            if commune.is_none() {
                errors.push(ImportError { row, field: "code_insee", reason: format!("« {} » : commune inconnue", get("code_insee")) });
            }
            let place = place_at.get(get("place_id")).copied();
            if place.is_none() {
                errors.push(ImportError { row, field: "place_id", reason: format!("« {} » : lieu inconnu", get("place_id")) });
            }
            let minutes = match get("minutes").parse::<f64>() {
                Ok(m) if m.is_finite() && m >= 0.0 => Some(m),
                Ok(_) => {
                    errors.push(ImportError {
                        row,
                        field: "minutes",
                        reason: format!("« {} » : durée négative ou infinie", get("minutes")),
                    });
                    None
                }
                Err(_) => {
                    errors.push(ImportError {
                        row,
                        field: "minutes",
                        reason: format!("« {} » : nombre de minutes attendu", get("minutes")),
                    });
                    None
                }
            };
            if let (Some(c), Some(p)) = (commune, place) {
                let first = *first_seen.entry((c, p)).or_insert(row);
                if first != row {
                    errors.push(ImportError { row, field: "", reason: format!("couple commune–lieu déjà donné ligne {first}") });
                    continue;
                }
                if let Some(m) = minutes {
                    table.minutes.insert((c, p), m);
                }
            }
        }
        if errors.is_empty() { Ok(table) } else { Err(errors) }
    }

    pub fn len(&self) -> usize {
        self.minutes.len()
    }

    pub fn is_empty(&self) -> bool {
        self.minutes.is_empty()
    }

    /// The table's minutes from commune `c` to place `slot`, if it gives them.
    pub fn minutes(&self, c: usize, slot: u32) -> Option<f64> {
        self.minutes.get(&(c, slot)).copied()
    }

    /// Every place the table gives for commune `c`, with its minutes.
    pub fn of_commune(&self, c: usize) -> impl Iterator<Item = (u32, f64)> + '_ {
        self.minutes.range((c, 0)..=(c, u32::MAX)).map(|(&(_, slot), &m)| (slot, m))
    }
}
