//! A versioned registry: what the server publishes and a device stores, as one JSON document
//! `{"version": N, "places": [...]}` whose places use the standard's JSON form plus their
//! compiled opening hours (`x_horaires_calcules`, see [`crate::hours::Timetable`]); and the update
//! a device pulls to reach the server's version — a [`Delta`] from its own version
//! (`{"from": N, "version": M, "places": [changed or new], "removed": [ids]}`), or the whole
//! snapshot when the server cannot give one.
//!
//! Places are kept in the order of their ids, so the device's registry at version M is the
//! server's, place for place (invariant 2 of the design).

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{Value, json};

use super::io::{HoursReader, ImportError, X_TIMETABLE, compiled_hours, export_json, import_json_rows, parse_hours};
use super::place::Place;
use crate::hours::Window;

/// The registry as of one version. Versions only grow; a device records the version it holds.
#[derive(Debug, PartialEq)]
pub struct Snapshot {
    pub version: u64,
    pub places: Vec<Place>,
}

impl Snapshot {
    pub fn to_json(&self) -> Vec<u8> {
        serde_json::to_vec(&json!({ "version": self.version, "places": device_places(&self.places) })).expect("JSON values")
    }

    /// Reads a snapshot, parsing its opening hours anew and compiling them for `years` (an
    /// import); a snapshot is all or nothing, so any bad place refuses the whole.
    pub fn from_json(bytes: &[u8], years: Window) -> Result<Self, Vec<ImportError>> {
        Self::read(bytes, &|raw, _| parse_hours(raw, years))
    }

    /// Reads a snapshot written by [`Snapshot::to_json`] (the seed builder's, the server's, the
    /// device's own): every field is checked, opening hours are taken as compiled then. This is
    /// how a phone reads a registry, with no OSM parser.
    pub fn from_checked_json(bytes: &[u8]) -> Result<Self, Vec<ImportError>> {
        Self::read(bytes, &compiled_hours)
    }

    /// [`Snapshot::from_checked_json`] on a document already parsed: a phone parses the JSON and
    /// reads the places in two turns of its event loop, neither long enough to freeze the screen.
    pub fn from_checked_value(doc: &Value) -> Result<Self, Vec<ImportError>> {
        match Update::read_value(doc, &compiled_hours)? {
            Update::Full(snapshot) => Ok(snapshot),
            Update::Delta(_) => Err(file_error("un instantané complet est attendu, pas une mise à jour (« from »)")),
        }
    }

    fn read(bytes: &[u8], hours: HoursReader) -> Result<Self, Vec<ImportError>> {
        match Update::read(bytes, hours)? {
            Update::Full(snapshot) => Ok(snapshot),
            Update::Delta(_) => Err(file_error("un instantané complet est attendu, pas une mise à jour (« from »)")),
        }
    }

    /// What changed from `self` to `newer`: the places added or changed, and the ids removed.
    pub fn diff(&self, newer: &Snapshot) -> Delta {
        let old: BTreeMap<&str, &Place> = self.places.iter().map(|p| (p.id.as_str(), p)).collect();
        let new_ids: BTreeSet<&str> = newer.places.iter().map(|p| p.id.as_str()).collect();
        let mut places: Vec<Place> = newer.places.iter().filter(|p| old.get(p.id.as_str()) != Some(p)).cloned().collect();
        places.sort_by(|a, b| a.id.cmp(&b.id));
        let removed = old.keys().filter(|id| !new_ids.contains(*id)).map(|id| id.to_string()).collect();
        Delta { from: self.version, version: newer.version, places, removed }
    }

    /// This registry brought to the update's version. A delta applies only to the version it
    /// starts from; anything else is refused and the registry is left as it was.
    pub fn apply(&self, update: Update) -> Result<Snapshot, UpdateError> {
        let mut snapshot = match update {
            Update::Full(snapshot) if snapshot.version >= self.version => snapshot,
            Update::Full(snapshot) => return Err(UpdateError::Older { held: self.version, got: snapshot.version }),
            Update::Delta(delta) if delta.from != self.version => {
                return Err(UpdateError::WrongBase { held: self.version, from: delta.from });
            }
            Update::Delta(delta) if delta.version < delta.from => {
                return Err(UpdateError::Older { held: self.version, got: delta.version });
            }
            Update::Delta(delta) => {
                let removed: BTreeSet<&str> = delta.removed.iter().map(String::as_str).collect();
                let mut places: BTreeMap<String, Place> =
                    self.places.iter().filter(|p| !removed.contains(p.id.as_str())).map(|p| (p.id.clone(), p.clone())).collect();
                places.extend(delta.places.into_iter().map(|p| (p.id.clone(), p)));
                Snapshot { version: delta.version, places: places.into_values().collect() }
            }
        };
        snapshot.places.sort_by(|a, b| a.id.cmp(&b.id));
        Ok(snapshot)
    }
}

/// The changes between two versions of the registry.
#[derive(Clone, Debug, PartialEq)]
pub struct Delta {
    pub from: u64,
    pub version: u64,
    /// Places new or changed since `from`, whole.
    pub places: Vec<Place>,
    /// Ids of places removed since `from`.
    pub removed: Vec<String>,
}

impl Delta {
    pub fn is_empty(&self) -> bool {
        self.places.is_empty() && self.removed.is_empty()
    }

    pub fn to_json(&self) -> Vec<u8> {
        let places = device_places(&self.places);
        serde_json::to_vec(&json!({ "from": self.from, "version": self.version, "places": places, "removed": self.removed }))
            .expect("JSON values")
    }
}

/// What a device pulls: a delta from its version, or the whole registry.
#[derive(Debug, PartialEq)]
pub enum Update {
    Delta(Delta),
    Full(Snapshot),
}

impl Update {
    /// Reads a pull's answer, parsing opening hours anew and compiling them for `years`; like a
    /// snapshot, it is all or nothing.
    pub fn from_json(bytes: &[u8], years: Window) -> Result<Self, Vec<ImportError>> {
        Self::read(bytes, &|raw, _| parse_hours(raw, years))
    }

    /// Reads a pull's answer with the opening hours the server compiled (a phone's way).
    pub fn from_checked_json(bytes: &[u8]) -> Result<Self, Vec<ImportError>> {
        Self::read(bytes, &compiled_hours)
    }

    fn read(bytes: &[u8], hours: HoursReader) -> Result<Self, Vec<ImportError>> {
        let doc: Value = serde_json::from_slice(bytes).map_err(|e| file_error(&format!("JSON illisible : {e}")))?;
        Self::read_value(&doc, hours)
    }

    fn read_value(doc: &Value, hours: HoursReader) -> Result<Self, Vec<ImportError>> {
        let version = doc.get("version").and_then(Value::as_u64).ok_or_else(|| file_error("« version » entière attendue"))?;
        let places = doc.get("places").ok_or_else(|| file_error("« places » attendu"))?;
        let import = import_json_rows(places, hours);
        if !import.errors.is_empty() {
            return Err(import.errors);
        }
        let Some(from) = doc.get("from") else { return Ok(Update::Full(Snapshot { version, places: import.places })) };
        let from = from.as_u64().ok_or_else(|| file_error("« from » entière attendue"))?;
        let removed = match doc.get("removed") {
            Some(Value::Array(ids)) => ids.iter().map(|id| id.as_str().map(str::to_owned)).collect::<Option<Vec<_>>>(),
            _ => None,
        }
        .ok_or_else(|| file_error("« removed » : liste d'identifiants attendue"))?;
        Ok(Update::Delta(Delta { from, version, places: import.places, removed }))
    }
}

/// Why an update was not applied.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum UpdateError {
    /// The delta starts from another version than the one held.
    WrongBase { held: u64, from: u64 },
    /// The update would go back to an older version.
    Older { held: u64, got: u64 },
}

impl std::fmt::Display for UpdateError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            UpdateError::WrongBase { held, from } => write!(f, "mise à jour depuis la version {from}, or l'appareil a la version {held}"),
            UpdateError::Older { held, got } => write!(f, "version {got} plus ancienne que la version {held} de l'appareil"),
        }
    }
}

impl std::error::Error for UpdateError {}

/// Places in the device format: the standard's JSON objects, with each place's compiled hours.
pub fn device_places(places: &[Place]) -> Value {
    let mut rows: Vec<Value> = serde_json::from_slice(&export_json(places)).expect("export writes valid JSON");
    for (row, place) in rows.iter_mut().zip(places) {
        if let (Value::Object(object), Some(hours)) = (row, &place.horaires) {
            object.insert(X_TIMETABLE.to_owned(), hours.timetable().to_json());
        }
    }
    Value::Array(rows)
}

fn file_error(reason: &str) -> Vec<ImportError> {
    vec![ImportError { row: 0, field: "", reason: reason.to_owned() }]
}
