//! The travel-time table on the wire: `GET /api/v1/coverage/times` answers a
//! [`TravelTimesDto`], so the coordinators' page computes coverage with the same table as the
//! server's files.

use repere_core::coverage::Minutes;
use serde::{Deserialize, Serialize};

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

#[cfg(test)]
mod tests {
    use super::*;

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
