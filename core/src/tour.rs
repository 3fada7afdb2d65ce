//! The département's stops file (issue #16): where and when itinerant help comes — the
//! connected bus, rotating permanences, market-day stands. No source publishes them, so the
//! département writes them in a CSV beside the registry's file (`publish-registry FILE --stops
//! STOPS`), or edits them in `/registre/`; both are read here, row by row, against the places
//! published with them and the Vienne's communes, and refused whole if any row is wrong, every
//! problem with its line and field. The stops are then attached to their places
//! ([`attach`]) and published with them (`registry::Stop`).
//!
//! ```
//! use chrono::NaiveDate;
//! use repere_core::hours::Window;
//! use repere_core::tour::{StopRow, read_rows};
//! # use repere_core::registry::{import_csv, Place};
//! # use repere_core::territory::Territory;
//! # let years = Window::new(2026, 2028).unwrap();
//! # let csv = "id,pivot,nom,commune,code_postal,adresse,date_maj,itinerance\n\
//! #            bus,00000000000000,Bus connecté,Poitiers,86000,1 rue X,2026-01-31,Itinérant\n";
//! # let places = import_csv(csv.as_bytes(), years).places;
//! # let communes = "code_insee,nom,codes_postaux,population,epci_siren,epci_nom,latitude,longitude\n\
//! #                 86135,Lusignan,86600,2600,200069391,CU de Grand Poitiers,46.436,0.121\n";
//! # let territory = Territory::from_csv(communes.as_bytes(), repere_core::text::UNICODE).unwrap();
//! let today = NaiveDate::from_ymd_opt(2026, 12, 1).unwrap();
//! let row = |horaires: &str| StopRow::new(2, ["bus-lusignan", "bus", "Marché de Lusignan", "86135", "", "", horaires]);
//! let stops = read_rows(&[row("Tu 09:00-12:00")], &places, &territory, years, today).unwrap();
//! assert!(stops[0].1.position.approximate); // no position: the commune's centre
//! let past = read_rows(&[row("2026 Nov 03 09:00-12:00")], &places, &territory, years, today).unwrap_err();
//! assert_eq!((past[0].row, past[0].field), (2, "horaires"));
//! ```

use std::collections::HashMap;

use chrono::NaiveDate;

use crate::activity::is_place_id;
use crate::hours::{Schedule, Window};
use crate::proximity::{LatLon, haversine_km};
use crate::registry::{ImportError, Place, Position, Stop};
use crate::territory::Territory;

/// The stops file's columns, in order. `latitude` and `longitude` may be empty (the commune's
/// centre stands in, marked approximate); the others are required.
pub const COLUMNS: [&str; 7] = ["id", "lieu", "nom", "code_insee", "latitude", "longitude", "horaires"];

/// How far from its commune's centre a stop may be: a commune of the Vienne spans at most about
/// 15 km, so farther is a typing slip (latitude and longitude swapped, another commune's code).
pub const MAX_KM_FROM_COMMUNE: f64 = 20.0;

/// Longest stop name, as the sync's bounded texts.
const MAX_NAME: usize = 100;

/// One row of a stops file or of the editor, its values in [`COLUMNS`] order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StopRow {
    /// The line of the file (the header is line 1), or the row's position in the editor from 1.
    pub row: usize,
    pub values: [String; 7],
}

impl StopRow {
    pub fn new(row: usize, values: [&str; 7]) -> StopRow {
        StopRow { row, values: values.map(|v| v.trim().to_owned()) }
    }

    fn get(&self, field: &str) -> &str {
        COLUMNS.iter().position(|c| *c == field).map_or("", |i| self.values[i].as_str())
    }
}

/// Reads a stops file in CSV (UTF-8, comma-separated, header first, columns in any order; a
/// missing column is named). See [`read_rows`] for what each row must be.
pub fn read_csv(
    bytes: &[u8],
    places: &[Place],
    territory: &Territory,
    years: Window,
    today: NaiveDate,
) -> Result<Vec<(String, Stop)>, Vec<ImportError>> {
    read_rows(&csv_rows(bytes)?, places, territory, years, today)
}

/// The rows of a stops file, unchecked: an unreadable file, a missing column or a row of the
/// wrong length is refused here.
pub fn csv_rows(bytes: &[u8]) -> Result<Vec<StopRow>, Vec<ImportError>> {
    let file = |reason: String| vec![ImportError { row: 0, field: "", reason }];
    let bytes = bytes.strip_prefix("\u{feff}".as_bytes()).unwrap_or(bytes);
    let text = std::str::from_utf8(bytes).map_err(|e| {
        let line = bytes[..e.valid_up_to()].iter().filter(|b| **b == b'\n').count() + 1;
        file(format!("ligne {line} : texte qui n'est pas de l'UTF-8 (enregistrez en « CSV UTF-8 »)"))
    })?;
    let mut reader = csv::ReaderBuilder::new().has_headers(false).flexible(true).from_reader(text.as_bytes());
    let mut records = reader.records();
    let header: Vec<String> = match records.next() {
        None => return Err(file("le fichier est vide".to_owned())),
        Some(Err(e)) => return Err(file(format!("CSV illisible : {e}"))),
        Some(Ok(header)) => header.iter().map(|h| h.trim().to_owned()).collect(),
    };
    let at: Vec<Option<usize>> = COLUMNS.iter().map(|c| header.iter().position(|h| h == c)).collect();
    let missing: Vec<ImportError> = COLUMNS
        .iter()
        .zip(&at)
        .filter(|(_, i)| i.is_none())
        .map(|(&field, _)| ImportError { row: 1, field, reason: "colonne absente de l'en-tête".to_owned() })
        .collect();
    if !missing.is_empty() {
        return Err(missing);
    }
    let mut rows = vec![];
    let mut errors = vec![];
    for record in records {
        let record = record.map_err(|e| file(format!("CSV illisible : {e}")))?;
        let row = record.position().map_or(0, |p| p.line() as usize);
        if record.len() != header.len() {
            errors.push(ImportError {
                row,
                field: "",
                reason: format!("{} champs alors que l'en-tête en a {}", record.len(), header.len()),
            });
            continue;
        }
        if record.iter().all(|v| v.trim().is_empty()) {
            continue;
        }
        let values = std::array::from_fn(|i| at[i].map_or("", |j| &record[j]));
        rows.push(StopRow::new(row, values));
    }
    if errors.is_empty() { Ok(rows) } else { Err(errors) }
}

/// The stops of `rows`, each with its place's id, in the rows' order; or every problem, with its
/// row and field. A row must name a stop id of its own (`activity::is_place_id`'s shape, no
/// place's id), an itinerant place of `places`, a name, a commune of `territory`, a position
/// within [`MAX_KM_FROM_COMMUNE`] of it if any, and hours in OSM syntax (compiled for `years`)
/// with some visit from `today` on. Two rows for the same place, commune and hours are one stop
/// written twice.
pub fn read_rows(
    rows: &[StopRow],
    places: &[Place],
    territory: &Territory,
    years: Window,
    today: NaiveDate,
) -> Result<Vec<(String, Stop)>, Vec<ImportError>> {
    let places: HashMap<&str, &Place> = places.iter().map(|p| (p.id.as_str(), p)).collect();
    let mut ids: HashMap<&str, usize> = HashMap::new();
    let mut same: HashMap<(&str, &str, String), usize> = HashMap::new();
    let mut stops = vec![];
    let mut errors = vec![];
    for row in rows {
        let mut problem = |field: &'static str, reason: String| errors.push(ImportError { row: row.row, field, reason });
        let mut required = |field: &'static str| {
            let value = row.get(field);
            if value.is_empty() {
                problem(field, "champ obligatoire vide".to_owned());
            }
            value
        };
        let (id, lieu, nom, code) = (required("id"), required("lieu"), required("nom"), required("code_insee"));
        // Spaces as people type them (two, a tab) are one for the parser and the duplicates.
        let horaires = required("horaires").split_whitespace().collect::<Vec<_>>().join(" ");
        let horaires = horaires.as_str();
        let mut problem = |field: &'static str, reason: String| errors.push(ImportError { row: row.row, field, reason });
        if !id.is_empty() {
            if !is_place_id(id) {
                problem("id", format!("« {id} » : lettres, chiffres et - _ . : seulement (100 au plus)"));
            } else if let Some(first) = ids.get(id) {
                problem("id", format!("identifiant « {id} » déjà utilisé ligne {first}"));
            } else if places.contains_key(id) {
                problem("id", format!("« {id} » est l'identifiant d'un lieu : donnez à l'arrêt le sien"));
            } else {
                ids.insert(id, row.row);
            }
        }
        let place = places.get(lieu).copied();
        match place {
            None if !lieu.is_empty() => problem("lieu", format!("« {lieu} » : aucun lieu publié n'a cet identifiant")),
            Some(place) if !place.is_itinerant() => {
                problem("lieu", format!("« {} » n'est pas itinérant : ajoutez « Itinérant » à son champ itinerance", place.nom))
            }
            _ => {}
        }
        if nom.chars().count() > MAX_NAME {
            problem("nom", format!("{} caractères : {MAX_NAME} au plus", nom.chars().count()));
        }
        let commune = territory.by_code(code);
        if commune.is_none() && !code.is_empty() {
            problem("code_insee", format!("« {code} » : aucune commune de la Vienne n'a ce code"));
        }
        let position = position(row, commune.map(|c| (c.centre, c.nom.as_str())), &mut problem);
        let schedule = (!horaires.is_empty()).then(|| Schedule::parse(horaires, years)).and_then(|parsed| match parsed {
            Ok(schedule) if schedule.opens_from(today) => Some(schedule),
            Ok(_) => {
                problem("horaires", format!("« {horaires} » : aucun passage à venir (toutes les dates sont passées)"));
                None
            }
            Err(e) => {
                problem("horaires", format!("horaires illisibles « {horaires} » : {e}"));
                None
            }
        });
        if !lieu.is_empty() && !code.is_empty() && !horaires.is_empty() {
            let key = (lieu, code, horaires.to_owned());
            if let Some(first) = same.get(&key) {
                problem("", format!("même lieu, commune et horaires que la ligne {first} : un arrêt écrit deux fois"));
            } else {
                same.insert(key, row.row);
            }
        }
        if let (Some(place), Some(commune), Some(position), Some(horaires)) = (place, commune, position, schedule) {
            let stop = Stop {
                id: id.to_owned(),
                nom: nom.to_owned(),
                code_insee: code.to_owned(),
                commune: commune.nom.clone(),
                position,
                horaires,
            };
            stops.push((place.id.clone(), stop));
        }
    }
    if errors.is_empty() { Ok(stops) } else { Err(errors) }
}

/// The row's position, or its commune's centre (approximate); `None` after a problem.
fn position(row: &StopRow, commune: Option<(LatLon, &str)>, problem: &mut impl FnMut(&'static str, String)) -> Option<Position> {
    let number = |field: &'static str, limit: f64, problem: &mut dyn FnMut(&'static str, String)| {
        let raw = row.get(field).replace(',', ".");
        match raw.parse::<f64>() {
            Ok(v) if v.is_finite() && v.abs() <= limit => Some(v),
            _ => {
                problem(field, format!("« {} » : nombre entre -{limit} et {limit} attendu", row.get(field)));
                None
            }
        }
    };
    match (row.get("latitude").is_empty(), row.get("longitude").is_empty()) {
        (true, true) => commune.map(|(centre, _)| Position { lat: centre.lat, lon: centre.lon, approximate: true }),
        (false, true) => {
            problem("longitude", "latitude sans longitude".to_owned());
            None
        }
        (true, false) => {
            problem("latitude", "longitude sans latitude".to_owned());
            None
        }
        (false, false) => {
            let (lat, lon) = (number("latitude", 90.0, problem)?, number("longitude", 180.0, problem)?);
            let (centre, name) = commune?;
            let km = haversine_km(centre, LatLon { lat, lon });
            if km > MAX_KM_FROM_COMMUNE {
                problem("latitude", format!("à {km:.0} km du centre de {name} : latitude et longitude inversées, ou une autre commune ?"));
                return None;
            }
            Some(Position { lat, lon, approximate: false })
        }
    }
}

/// Gives each place the stops read for it, in the file's order; places the file does not name
/// have none (the file is the whole tour).
pub fn attach(places: &mut [Place], stops: Vec<(String, Stop)>) {
    let mut by_place: HashMap<String, Vec<Stop>> = HashMap::new();
    for (place, stop) in stops {
        by_place.entry(place).or_default().push(stop);
    }
    for place in places {
        place.arrets = by_place.remove(&place.id).unwrap_or_default();
    }
}

/// The stops of `places` as a stops file ([`COLUMNS`]; an approximate position left empty, as
/// it was given), which [`read_csv`] reads back.
pub fn export_csv(places: &[Place]) -> Vec<u8> {
    let mut writer = csv::Writer::from_writer(vec![]);
    writer.write_record(COLUMNS).expect("writing to memory");
    for place in places {
        for stop in &place.arrets {
            let (lat, lon) = match stop.position {
                Position { approximate: true, .. } => (String::new(), String::new()),
                Position { lat, lon, .. } => (lat.to_string(), lon.to_string()),
            };
            let row = [&stop.id, &place.id, &stop.nom, &stop.code_insee, &lat, &lon, &stop.horaires.as_str().to_owned()];
            writer.write_record(row).expect("writing to memory");
        }
    }
    writer.into_inner().expect("writing to memory")
}
