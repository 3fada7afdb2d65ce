//! The stops of an itinerant place (issue #16): the connected bus, a rotating permanence, a
//! market-day stand. The national standard only has an `itinerance` flag, and no source
//! publishes where and when such help comes, so the département publishes the stops itself
//! (`crate::tour` reads its stops file). A stop belongs to its place: it travels inside the
//! place's row of the registry's device format (`x_arrets`), so a changed stop is a changed
//! place, versioned and carried to phones by the same delta sync, and a removed place takes its
//! stops with it.
//!
//! A stop's services, publics and phone are its place's; what is its own is where (a commune,
//! a position or else the commune's centre, marked approximate) and when (OSM hours, compiled to
//! the timetable the phone reads like any other hours: `Tu[2] 09:00-12:00`,
//! `2026 Dec 08 09:00-12:00`).

use chrono::NaiveDateTime;
use serde_json::{Map, Value};

use super::checks::{coordinate, flag, is_insee};
use super::io::{HoursReader, X_APPROXIMATE, X_TIMETABLE};
use super::place::Position;
use crate::hours::Schedule;

/// The device format's column of a place's stops.
pub const X_STOPS: &str = "x_arrets";

/// One stop of a place's tour.
#[derive(Clone, Debug, PartialEq)]
pub struct Stop {
    /// Unique among stops and places (`activity::is_place_id`'s shape): a contact logged at the
    /// stop names it, so the figures count per stop.
    pub id: String,
    /// "Marché de Lusignan".
    pub nom: String,
    pub code_insee: String,
    /// The commune's name, kept with the stop so a phone shows it without the gazetteer.
    pub commune: String,
    /// Where the bus parks, or the commune's centre (`approximate`).
    pub position: Position,
    pub horaires: Schedule,
}

impl Stop {
    /// Its visits from `at` for `days` days: [`Schedule::periods`].
    pub fn visits(&self, at: NaiveDateTime, days: u32) -> Vec<(NaiveDateTime, NaiveDateTime)> {
        self.horaires.periods(at, days)
    }
}

/// A stop in the device format: its fields as text, the position as numbers, the compiled hours.
pub(super) fn device_stop(stop: &Stop) -> Value {
    let mut object = Map::new();
    for (name, value) in [("id", &stop.id), ("nom", &stop.nom), ("code_insee", &stop.code_insee), ("commune", &stop.commune)] {
        object.insert(name.to_owned(), Value::String(value.clone()));
    }
    object.insert("latitude".to_owned(), Value::from(stop.position.lat));
    object.insert("longitude".to_owned(), Value::from(stop.position.lon));
    if stop.position.approximate {
        object.insert(X_APPROXIMATE.to_owned(), Value::Bool(true));
    }
    object.insert("horaires".to_owned(), Value::String(stop.horaires.as_str().to_owned()));
    object.insert(X_TIMETABLE.to_owned(), stop.horaires.timetable().to_json());
    Value::Object(object)
}

/// A place's `x_arrets` read back: every stop, or every problem as `x_arrets` with the stop's
/// position in the list and its field (a phone refuses the place, and so the update, whole).
pub(super) fn read_device_stops(value: &Value, hours: HoursReader) -> Result<Vec<Stop>, Vec<(&'static str, String)>> {
    let Value::Array(rows) = value else { return Err(vec![(X_STOPS, "une liste d'arrêts est attendue".to_owned())]) };
    let mut stops = vec![];
    let mut problems = vec![];
    for (i, row) in rows.iter().enumerate() {
        match read_device_stop(row, hours) {
            Ok(stop) => stops.push(stop),
            Err(found) => {
                problems.extend(found.into_iter().map(|(field, reason)| (X_STOPS, format!("arrêt {} : {field} : {reason}", i + 1))))
            }
        }
    }
    if problems.is_empty() { Ok(stops) } else { Err(problems) }
}

fn read_device_stop(row: &Value, hours: HoursReader) -> Result<Stop, Vec<(&'static str, String)>> {
    let mut problems = vec![];
    let text = |field: &'static str, problems: &mut Vec<(&'static str, String)>| match row.get(field) {
        Some(Value::String(s)) if !s.trim().is_empty() => s.trim().to_owned(),
        Some(Value::Number(n)) => n.to_string(),
        _ => {
            problems.push((field, "champ obligatoire vide".to_owned()));
            String::new()
        }
    };
    let id = text("id", &mut problems);
    let nom = text("nom", &mut problems);
    let code_insee = text("code_insee", &mut problems);
    if !code_insee.is_empty() && !is_insee(&code_insee) {
        problems.push(("code_insee", format!("« {code_insee} » : code INSEE de 5 caractères attendu")));
    }
    let commune = text("commune", &mut problems);
    let lat = text("latitude", &mut problems);
    let lon = text("longitude", &mut problems);
    let lat = coordinate(&mut problems, "latitude", &lat, 90.0);
    let lon = coordinate(&mut problems, "longitude", &lon, 180.0);
    let approximate = match row.get(X_APPROXIMATE) {
        None | Some(Value::Null) => false,
        Some(Value::Bool(b)) => *b,
        Some(other) => flag(&mut problems, X_APPROXIMATE, Some(other.to_string())),
    };
    let raw = text("horaires", &mut problems);
    let horaires = hours(&raw, row.get(X_TIMETABLE)).map_err(|problem| problems.push(problem)).ok();
    match (lat.zip(lon), horaires) {
        (Some((lat, lon)), Some(horaires)) if problems.is_empty() => {
            Ok(Stop { id, nom, code_insee, commune, position: Position { lat, lon, approximate }, horaires })
        }
        _ => Err(problems),
    }
}
