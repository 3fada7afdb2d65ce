//! The registry's current version as a file in the national standard (`export-registry`, and
//! the coordinators' downloads `registre.csv`, `registre.json`), written by the core's
//! `export_csv` / `export_json`, whole or not at all; or its stops file (`--format arrets`,
//! `arrets.csv`: `tour::export_csv`, what `publish-registry --stops` reads back).
//!
//! Two forms. The *full* one keeps Repère's extension columns (`x_position_approximative`,
//! `x_ids_fusionnes`, `x_se_deplace_a_domicile`) when a place uses them, so `publish-registry`
//! takes the file back without losing home visits or merged ids: the form a registry keeper edits.
//! The *standard* one is exactly the standard's 32 columns, for data.gouv.fr: the official Table
//! Schema names no other column, and its validators (validata, frictionless) refuse a file with
//! extra ones. In that form a position that is only the commune's centre (the source gave none)
//! is left out too: without the column saying so, a reader would take it for the door.

use std::path::Path;

use repere_core::registry::{Place, export_csv, export_json};

use super::{ExportError, Partial, finish};
use crate::config::RegistryFormat;
use crate::db::Database;

impl RegistryFormat {
    pub fn extension(self) -> &'static str {
        match self {
            RegistryFormat::Csv | RegistryFormat::Arrets => "csv",
            RegistryFormat::Json => "json",
        }
    }
}

/// What was written.
#[derive(Debug, PartialEq, Eq)]
pub struct Written {
    pub version: u64,
    /// Places written, or stops for the stops file.
    pub places: usize,
}

/// `places` in the standard's fields only (see the module's doc).
pub fn standard(places: &[Place]) -> Vec<Place> {
    places
        .iter()
        .map(|place| Place {
            position: place.position.filter(|p| !p.approximate),
            merged_ids: Vec::new(),
            at_home: false,
            arrets: Vec::new(),
            ..place.clone()
        })
        .collect()
}

/// The file's bytes: the full form, or with `standard` the standard's columns only.
pub fn file(places: &[Place], format: RegistryFormat, standard_only: bool) -> Vec<u8> {
    let standard_places;
    let places = if standard_only {
        standard_places = standard(places);
        &standard_places
    } else {
        places
    };
    match format {
        RegistryFormat::Csv => export_csv(places),
        RegistryFormat::Json => export_json(places),
        RegistryFormat::Arrets => repere_core::tour::export_csv(places),
    }
}

/// Pending candidates written with the published places, and those left out.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct WithCandidates {
    pub written: usize,
    /// Rows not yet a valid place (a centre social without its address).
    pub left_out: usize,
}

/// Writes the current version to `target` (beside it first, renamed when whole), with
/// `candidates` the pending candidate places after the published ones (the
/// issue's « with or without candidates »: a file to review them in a spreadsheet, or to send
/// to the places; never one `publish-registry` should take as the registry, since it would
/// publish them unverified).
pub async fn registry_with(
    db: &Database,
    format: RegistryFormat,
    standard_only: bool,
    candidates: bool,
    target: &Path,
) -> Result<(Written, WithCandidates), ExportError> {
    let (mut places, version) = db.current_places().await.map_err(ExportError::Registry)?;
    let mut with = WithCandidates::default();
    if candidates {
        let (pending, left_out) = db.pending_candidate_places().await.map_err(|e| ExportError::Registry(e.to_string()))?;
        with = WithCandidates { written: pending.len(), left_out };
        places.extend(pending);
    }
    let mut partial = Partial::beside(target);
    let (path, target, cancelled) = (partial.path.clone(), target.to_owned(), partial.cancelled.clone());
    let count = match format {
        RegistryFormat::Arrets => places.iter().map(|p| p.arrets.len()).sum(),
        RegistryFormat::Csv | RegistryFormat::Json => places.len(),
    };
    let written = tokio::task::spawn_blocking(move || {
        let written = std::fs::write(&path, file(&places, format, standard_only)).map_err(ExportError::from);
        finish(path, target, cancelled, written)
    })
    .await
    .map_err(|e| ExportError::Io(std::io::Error::other(e)))?;
    partial.armed = false;
    written.map(|()| (Written { version, places: count }, with))
}
