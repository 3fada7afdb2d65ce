//! A versioned registry: what the server publishes and a device stores; and the update a device
//! pulls to reach the server's version — a [`Delta`] from its own version (places changed or
//! new, ids removed), or the whole snapshot when the server cannot give one. Places travel and
//! are stored in the *device format* ([`device_places`]: the standard's JSON form plus their
//! compiled opening hours, `x_horaires_calcules`, see [`crate::hours::Timetable`]); the document
//! around them is the wire type `repere_protocol::registry::RegistryDto`.
//!
//! Places are kept in the order of their ids, so the device's registry at version M is the
//! server's, place for place (invariant 2 of the design).

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use super::io::X_TIMETABLE;
use super::place::Place;
use super::stop::{X_STOPS, device_stop};
use super::write::export_json;

/// The registry as of one version. Versions only grow; a device records the version it holds.
#[derive(Debug, PartialEq)]
pub struct Snapshot {
    pub version: u64,
    pub places: Vec<Place>,
}

impl Snapshot {
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
        update.applied_to(self.version, &self.places)
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
}

/// What a device pulls: a delta from its version, or the whole registry.
#[derive(Debug, PartialEq)]
pub enum Update {
    Delta(Delta),
    Full(Snapshot),
}

impl Update {
    /// The registry at `version` with `places` brought to this update's version, as
    /// [`Snapshot::apply`]: for a holder that keeps its places elsewhere than in a [`Snapshot`]
    /// (the app's search index owns them), so they are not copied into one first.
    pub fn applied_to(self, version: u64, places: &[Place]) -> Result<Snapshot, UpdateError> {
        let mut snapshot = match self {
            Update::Full(snapshot) if snapshot.version >= version => snapshot,
            Update::Full(snapshot) => return Err(UpdateError::Older { held: version, got: snapshot.version }),
            Update::Delta(delta) if delta.from != version => return Err(UpdateError::WrongBase { held: version, from: delta.from }),
            Update::Delta(delta) if delta.version < delta.from => return Err(UpdateError::Older { held: version, got: delta.version }),
            // Lists rather than id-keyed maps: collecting into a `BTreeMap`/`BTreeSet` sorts its
            // input with code of its own per type (about 4 KiB each in the phone's bundle), and a
            // delta is a handful of places; the one sort below orders the result.
            Update::Delta(delta) => {
                let gone = |p: &Place| delta.removed.contains(&p.id) || delta.places.iter().any(|d| d.id == p.id);
                let mut kept: Vec<Place> = places.iter().filter(|p| !gone(p)).cloned().collect();
                kept.extend(delta.places);
                Snapshot { version: delta.version, places: kept }
            }
        };
        crate::order::sort_by(&mut snapshot.places, |a, b| a.id.cmp(&b.id));
        Ok(snapshot)
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
pub fn device_places(places: &[Place]) -> Vec<Value> {
    let mut rows: Vec<Value> = serde_json::from_slice(&export_json(places)).expect("export writes valid JSON");
    for (row, place) in rows.iter_mut().zip(places) {
        let Value::Object(object) = row else { continue };
        if let Some(hours) = &place.horaires {
            object.insert(X_TIMETABLE.to_owned(), hours.timetable().to_json());
        }
        if !place.arrets.is_empty() {
            object.insert(X_STOPS.to_owned(), Value::Array(place.arrets.iter().map(device_stop).collect()));
        }
    }
    rows
}
