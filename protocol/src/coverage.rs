//! The travel-time table on the wire: `GET /api/v1/coverage/times` answers a
//! [`TravelTimesDto`], so the coordinators' page computes coverage with the same table as the
//! server's files; `POST` (a département coordinator sending a CSV file) answers the new table,
//! or a [`TableRefused`] naming the file's problems.

use repere_core::coverage::Minutes;
use repere_core::registry::ImportError;
use serde::{Deserialize, Serialize};

use crate::MAX_REJECTIONS;

/// The imported table, or none (`rows` empty, `imported_at` and `source` null: the estimate).
/// A row is a three-element array, `["86001", "place-id", 12.5]` (commune code INSEE, registry
/// place id, minutes): about 265 × a few places rows, so the names are not repeated each time.
/// Like the registry document, written by the server: unknown fields are ignored, so an older
/// page still reads a newer server's answer.
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
pub struct TravelTimesDto {
    /// When the table was imported, RFC 3339 UTC (`2026-11-30T14:05:00Z`).
    pub imported_at: Option<String>,
    /// The imported file's name (without its folder).
    pub source: Option<String>,
    pub rows: Vec<(String, String, f64)>,
}

impl TravelTimesDto {
    pub fn new(imported_at: Option<String>, source: Option<String>, rows: &[Minutes]) -> Self {
        let rows = rows.iter().map(|m| (m.code_insee.clone(), m.place_id.clone(), m.minutes)).collect();
        TravelTimesDto { imported_at, source, rows }
    }

    /// The rows as the core's `TravelTable::new` takes them.
    pub fn minutes(&self) -> Vec<Minutes> {
        self.rows
            .iter()
            .map(|(code_insee, place_id, minutes)| Minutes {
                code_insee: code_insee.clone(),
                place_id: place_id.clone(),
                minutes: *minutes,
            })
            .collect()
    }
}

/// One problem of a refused table, as the core's `TravelTable::read_csv` found it.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
pub struct TableProblem {
    /// The file's line (the header is line 1); 0 for the whole file (empty, or a commune with no row).
    pub line: usize,
    /// `code_insee`, `place_id` or `minutes`; "" for the whole line or file.
    pub field: String,
    /// In French, with the value refused (« 99999 » : commune inconnue).
    pub reason: String,
}

/// The 422 answer to a refused upload: nothing was imported and the previous table stays. In
/// the API's error shape (`{"error": {"code", "message", "details"}}`, as a refused push of
/// contacts): `details` holds the first [`MAX_REJECTIONS`] problems, `total` counts them all.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
pub struct TableRefused {
    pub error: TableRefusal,
}

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
pub struct TableRefusal {
    /// Always [`TableRefused::ERROR`].
    pub code: String,
    /// One French sentence for the page to show above the problems.
    pub message: String,
    pub details: Vec<TableProblem>,
    pub total: usize,
}

impl TableRefused {
    pub const ERROR: &str = "invalid_table";

    pub fn new(errors: &[ImportError]) -> Self {
        let total = errors.len();
        let listed = if total > MAX_REJECTIONS { format!(", les {MAX_REJECTIONS} premiers ci-dessous") } else { String::new() };
        let message = format!("Rien n’a été importé, le tableau précédent reste en place : {total} problème(s){listed}.");
        let problems = errors
            .iter()
            .take(MAX_REJECTIONS)
            .map(|e| TableProblem { line: e.row, field: e.field.to_owned(), reason: e.reason.clone() })
            .collect();
        TableRefused { error: TableRefusal { code: Self::ERROR.to_owned(), message, details: problems, total } }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_refusal_lists_the_first_problems_and_counts_them_all() {
        let error = |row| ImportError { row, field: "code_insee", reason: "« 99999 » : commune inconnue".into() };
        let one = serde_json::to_value(TableRefused::new(&[error(3)])).unwrap();
        assert_eq!(
            one,
            serde_json::json!({ "error": {
                "code": "invalid_table",
                "message": "Rien n’a été importé, le tableau précédent reste en place : 1 problème(s).",
                "details": [{ "line": 3, "field": "code_insee", "reason": "« 99999 » : commune inconnue" }],
                "total": 1,
            } })
        );
        let many = TableRefused::new(&(2..=80).map(error).collect::<Vec<_>>()).error;
        assert_eq!((many.details.len(), many.total, many.details[49].line), (MAX_REJECTIONS, 79, 51));
        assert!(many.message.ends_with("79 problème(s), les 50 premiers ci-dessous."), "{}", many.message);
    }

    #[test]
    fn rows_travel_as_arrays_and_come_back_as_the_cores_minutes() {
        let rows = vec![Minutes { code_insee: "86001".into(), place_id: "fs-adriers".into(), minutes: 12.5 }];
        let dto = TravelTimesDto::new(Some("2026-11-30T14:05:00Z".into()), Some("temps.csv".into()), &rows);
        let json = serde_json::to_string(&dto).unwrap();
        assert_eq!(json, r#"{"imported_at":"2026-11-30T14:05:00Z","source":"temps.csv","rows":[["86001","fs-adriers",12.5]]}"#);
        let back: TravelTimesDto = serde_json::from_str(&json).unwrap();
        assert_eq!(back.minutes(), rows);
        let none: TravelTimesDto = serde_json::from_str(r#"{"imported_at":null,"source":null,"rows":[],"later":1}"#).unwrap();
        assert_eq!(none, TravelTimesDto::default());
    }
}
