//! A versioned registry: what the server publishes and a device stores, as one JSON document
//! `{"version": N, "places": [...]}` whose places use the standard's JSON form.

use serde_json::Value;

use super::io::{Hours, ImportError, export_json, import_json_rows};
use super::place::Place;

/// The registry as of one version. Versions only grow; a device records the version it holds.
#[derive(Debug, PartialEq)]
pub struct Snapshot {
    pub version: u64,
    pub places: Vec<Place>,
}

impl Snapshot {
    pub fn to_json(&self) -> Vec<u8> {
        let places: Value = serde_json::from_slice(&export_json(&self.places)).expect("export writes valid JSON");
        serde_json::to_vec(&serde_json::json!({ "version": self.version, "places": places })).expect("JSON values")
    }

    /// Reads a snapshot; a snapshot is all or nothing, so any bad place refuses the whole.
    pub fn from_json(bytes: &[u8]) -> Result<Self, Vec<ImportError>> {
        Self::read(bytes, Hours::Check)
    }

    /// Reads a snapshot whose opening hours were all parsed by an earlier import (the seed
    /// builder's, the server's): every other field is still checked, hours are parsed on first
    /// use. This is how a phone opens the registry it holds without a long pause.
    pub fn from_checked_json(bytes: &[u8]) -> Result<Self, Vec<ImportError>> {
        Self::read(bytes, Hours::AlreadyChecked)
    }

    fn read(bytes: &[u8], hours: Hours) -> Result<Self, Vec<ImportError>> {
        let error = |reason: &str| vec![ImportError { row: 0, field: "", reason: reason.to_owned() }];
        let doc: Value = serde_json::from_slice(bytes).map_err(|e| error(&format!("JSON illisible : {e}")))?;
        let version = doc.get("version").and_then(Value::as_u64).ok_or_else(|| error("« version » entière attendue"))?;
        let places = doc.get("places").ok_or_else(|| error("« places » attendu"))?;
        let import = import_json_rows(places, hours);
        if import.errors.is_empty() { Ok(Snapshot { version, places: import.places }) } else { Err(import.errors) }
    }
}
