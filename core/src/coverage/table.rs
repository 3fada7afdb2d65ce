//! Travel times computed elsewhere (by a routing engine), read from CSV, replacing the estimate
//! for the pairs they give.

use std::collections::{BTreeMap, HashMap, HashSet};

use super::{Commune, Help};
use crate::registry::ImportError;

/// Minutes from a commune's centre to a place, for the pairs a routing engine gave. Pairs are
/// positions in the communes and places the table was made for.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct TravelTable {
    minutes: BTreeMap<(usize, u32), f64>,
}

/// One row of a table as imported: what is stored, then given to each device.
#[derive(Clone, Debug, PartialEq)]
pub struct Minutes {
    pub code_insee: String,
    pub place_id: String,
    pub minutes: f64,
}

const COLUMNS: [&str; 3] = ["code_insee", "place_id", "minutes"];

/// Communes named in the error for communes without a row, at most.
const MISSING_SHOWN: usize = 10;

impl TravelTable {
    /// [`TravelTable::read_csv`], then the table for these communes and places.
    pub fn from_csv(bytes: &[u8], communes: &[Commune], places: &[Help]) -> Result<Self, Vec<ImportError>> {
        Ok(TravelTable::new(&TravelTable::read_csv(bytes, communes, places)?, communes, places))
    }

    /// The table's pairs whose commune and place are among those given (a coordinator who keeps
    /// only France Services keeps their routed times, not the others'), by position.
    pub fn new(rows: &[Minutes], communes: &[Commune], places: &[Help]) -> Self {
        let commune_at: HashMap<&str, usize> = communes.iter().enumerate().map(|(i, c)| (c.code_insee.as_str(), i)).collect();
        let place_at: HashMap<&str, u32> = places.iter().enumerate().map(|(i, p)| (p.id.as_str(), i as u32)).collect();
        let minutes = rows
            .iter()
            .filter_map(|r| Some(((*commune_at.get(r.code_insee.as_str())?, *place_at.get(r.place_id.as_str())?), r.minutes)))
            .collect();
        TravelTable { minutes }
    }

    /// Reads `code_insee,place_id,minutes` (other columns ignored), checked against the
    /// territory's communes and the registry's places: each pair once, minutes a finite number
    /// of 0 or more, every commune with at least one row. Whole or not at all: a table half
    /// read would mix routed and estimated times without saying which, so any problem refuses
    /// the file, and every problem is reported with its line and field.
    pub fn read_csv(bytes: &[u8], communes: &[Commune], places: &[Help]) -> Result<Vec<Minutes>, Vec<ImportError>> {
        let known_commune: HashMap<&str, usize> = communes.iter().enumerate().map(|(i, c)| (c.code_insee.as_str(), i)).collect();
        let known_place: HashSet<&str> = places.iter().map(|p| p.id.as_str()).collect();
        if bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes).iter().all(u8::is_ascii_whitespace) {
            let reason = "fichier vide : la première ligne doit être code_insee,place_id,minutes".to_owned();
            return Err(vec![ImportError { row: 0, field: "", reason }]);
        }
        let mut reader = csv::ReaderBuilder::new().from_reader(bytes);
        let header = reader.headers().map_err(|e| vec![unreadable(&e, None)])?.clone();
        let column: HashMap<&str, usize> = header.iter().enumerate().map(|(i, h)| (h.trim(), i)).collect();
        let missing: Vec<_> = COLUMNS
            .iter()
            .filter(|c| !column.contains_key(*c))
            .map(|&field| ImportError { row: 1, field, reason: "colonne absente".into() })
            .collect();
        if !missing.is_empty() {
            return Err(missing);
        }
        let (mut rows, mut errors) = (Vec::new(), vec![]);
        let mut first_seen: HashMap<(String, String), usize> = HashMap::new();
        let mut has_row = vec![false; communes.len()];
        // Reading stops at an unreadable line: communes after it are not missing, just unread.
        let mut broken = false;
        for record in reader.records() {
            let record = match record {
                Ok(r) => r,
                Err(e) => {
                    // The reader cannot go on past a malformed row (e.g. a wrong number of fields).
                    errors.push(unreadable(&e, Some(&header)));
                    broken = true;
                    break;
                }
            };
            let row = record.position().map_or(0, |p| p.line() as usize);
            let get = |field: &str| record.get(column[field]).unwrap_or("").trim();
            let (code, place) = (get("code_insee"), get("place_id"));
            let commune = known_commune.get(code).copied();
            if let Some(c) = commune {
                has_row[c] = true;
            } else {
                errors.push(ImportError { row, field: "code_insee", reason: format!("« {} » : commune inconnue", cut(code)) });
            }
            if !known_place.contains(place) {
                errors.push(ImportError { row, field: "place_id", reason: format!("« {} » : lieu inconnu", cut(place)) });
            }
            let minutes = match get("minutes").parse::<f64>() {
                Ok(m) if m.is_finite() && m >= 0.0 => Some(m),
                Ok(_) => {
                    let reason = format!("« {} » : durée négative ou infinie", cut(get("minutes")));
                    errors.push(ImportError { row, field: "minutes", reason });
                    None
                }
                Err(_) => {
                    let reason = format!("« {} » : nombre de minutes attendu", cut(get("minutes")));
                    errors.push(ImportError { row, field: "minutes", reason });
                    None
                }
            };
            if commune.is_some() && known_place.contains(place) {
                let first = *first_seen.entry((code.to_owned(), place.to_owned())).or_insert(row);
                if first != row {
                    errors.push(ImportError { row, field: "", reason: format!("couple commune–lieu déjà donné ligne {first}") });
                    continue;
                }
                if let Some(minutes) = minutes {
                    rows.push(Minutes { code_insee: code.to_owned(), place_id: place.to_owned(), minutes });
                }
            }
        }
        let without: Vec<&str> = communes.iter().zip(&has_row).filter(|(_, has)| !**has).map(|(c, _)| c.code_insee.as_str()).collect();
        if !without.is_empty() && !broken {
            let more = without.len().saturating_sub(MISSING_SHOWN);
            let shown = without[..without.len().min(MISSING_SHOWN)].join(", ");
            let tail = if more > 0 { format!(" et {more} autres") } else { String::new() };
            errors.push(ImportError {
                row: 0,
                field: "code_insee",
                reason: format!(
                    "{} commune(s) sans aucune ligne : {shown}{tail} (chaque commune doit avoir au moins un temps)",
                    without.len()
                ),
            });
        }
        if errors.is_empty() { Ok(rows) } else { Err(errors) }
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

/// A value as an error shows it: 40 characters at most, never a whole line of the file.
/// A line the CSV reader could not read, with its line and, for text that is not UTF-8 (a file
/// saved as « CSV » by a spreadsheet in Windows-1252), the column and what to do about it.
fn unreadable(e: &csv::Error, header: Option<&csv::StringRecord>) -> ImportError {
    let row = e.position().map_or(1, |p| p.line() as usize);
    let csv::ErrorKind::Utf8 { err, .. } = e.kind() else {
        return ImportError { row, field: "", reason: format!("ligne illisible : {e}") };
    };
    let name = header.and_then(|h| h.get(err.field())).map(str::trim);
    let field = COLUMNS.iter().copied().find(|c| Some(*c) == name).unwrap_or("");
    let column = match name {
        Some(name) if field.is_empty() => format!(" (colonne « {} »)", cut(name)),
        _ => String::new(),
    };
    let reason = format!("texte qui n’est pas en UTF-8{column} : enregistrer le fichier au format « CSV UTF-8 »");
    ImportError { row, field, reason }
}

fn cut(value: &str) -> String {
    let kept: String = value.chars().take(40).collect();
    if kept.len() < value.len() { format!("{kept}…") } else { kept }
}
