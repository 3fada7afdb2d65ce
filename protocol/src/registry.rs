//! The registry as one JSON document: what `GET /api/v1/registry?since=N` answers, what the app
//! bundles (`seeds/registry.json`) and what a phone stores. A whole registry is
//! `{"places": [...], "version": N}`; a delta adds where it starts and what went:
//! `{"from": N, "places": [changed or new], "removed": [ids], "version": M}`. Places are in the
//! core's device format (`repere_core::registry::device_places`), read back by the core.
//!
//! ```
//! use repere_core::registry::Snapshot;
//! use repere_protocol::registry::RegistryDto;
//!
//! let empty = Snapshot { version: 3, places: vec![] };
//! let json = RegistryDto::from(&empty).to_json();
//! assert_eq!(json, br#"{"places":[],"version":3}"#);
//! assert_eq!(RegistryDto::from_json(&json).and_then(|doc| doc.checked_snapshot()), Ok(empty));
//! ```

use repere_core::hours::Window;
use repere_core::registry::{Delta, Import, ImportError, Snapshot, Update, device_places, import_json_rows, read_device_rows};
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// The registry document. Unlike the sync's records, unknown fields are ignored: the server
/// writes it and phones read it, so a field a newer server adds must not make older phones
/// refuse every update. Fields are declared in the order they are written (by name), the order
/// the committed seeds have.
#[derive(Debug, Serialize, Deserialize, PartialEq)]
pub struct RegistryDto {
    /// The version a delta starts from; absent for a whole registry.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from: Option<u64>,
    pub places: Vec<Value>,
    /// Ids removed since `from` (a delta's only, and required there).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub removed: Option<Vec<String>>,
    pub version: u64,
}

impl From<&Snapshot> for RegistryDto {
    fn from(snapshot: &Snapshot) -> Self {
        RegistryDto { from: None, places: device_places(&snapshot.places), removed: None, version: snapshot.version }
    }
}

impl From<&Delta> for RegistryDto {
    fn from(delta: &Delta) -> Self {
        RegistryDto {
            from: Some(delta.from),
            places: device_places(&delta.places),
            removed: Some(delta.removed.clone()),
            version: delta.version,
        }
    }
}

impl RegistryDto {
    pub fn to_json(&self) -> Vec<u8> {
        serde_json::to_vec(self).expect("JSON values serialise")
    }

    /// The document, its places not read yet (a phone reads them in a later turn of its event
    /// loop, so that neither step freezes the screen). Errors say line and column, not the
    /// field's path as the sync's do: the path reader (`serde_path_to_error`) would add 3 KiB
    /// (brotli) to the residents' bundle, for a message only a console or an operator reads.
    pub fn from_json(bytes: &[u8]) -> Result<Self, Vec<ImportError>> {
        serde_json::from_slice(bytes).map_err(|e| file_error(&format!("JSON illisible : {e}")))
    }

    /// The update, opening hours parsed from their OSM text and compiled for `years` (an import:
    /// the server's `publish-registry`). All or nothing: any bad place refuses the whole.
    pub fn update(&self, years: Window) -> Result<Update, Vec<ImportError>> {
        self.read(import_json_rows(&self.places, years))
    }

    /// The update, opening hours as the server compiled them: how a phone reads it, with no OSM
    /// parser. Every other field is checked. All or nothing.
    pub fn checked_update(&self) -> Result<Update, Vec<ImportError>> {
        self.read(read_device_rows(&self.places))
    }

    /// [`RegistryDto::update`] where a whole registry is expected.
    pub fn snapshot(&self, years: Window) -> Result<Snapshot, Vec<ImportError>> {
        self.refuse_delta()?;
        Ok(Snapshot { version: self.version, places: import_json_rows(&self.places, years).whole()? })
    }

    /// [`RegistryDto::checked_update`] where a whole registry is expected.
    pub fn checked_snapshot(&self) -> Result<Snapshot, Vec<ImportError>> {
        self.refuse_delta()?;
        Ok(Snapshot { version: self.version, places: read_device_rows(&self.places).whole()? })
    }

    /// The document a device stores once the core applied `update` to this one (the document
    /// it holds), giving `applied`: a whole registry as received; for a delta, the held rows and
    /// the delta's (which replace them by id) that `applied` keeps, in its order (by id; a seed
    /// may come in another). Each row finds its slot by its id's place among `applied`'s, so
    /// no sort and no map is needed (their code would weigh on the phone's bundle). The rows are
    /// the server's JSON, not written again from the core's places: the same text (a test
    /// proves it), without the writer's code.
    pub fn merged(self, update: RegistryDto, applied: &Snapshot) -> RegistryDto {
        if update.from.is_none() {
            return update;
        }
        let mut slots: Vec<Option<Value>> = applied.places.iter().map(|_| None).collect();
        for row in self.places.into_iter().chain(update.places) {
            if let Ok(at) = applied.places.binary_search_by(|p| p.id.as_str().cmp(row_id(&row))) {
                slots[at] = Some(row);
            }
        }
        RegistryDto { from: None, places: slots.into_iter().flatten().collect(), removed: None, version: applied.version }
    }

    fn refuse_delta(&self) -> Result<(), Vec<ImportError>> {
        match self.from {
            None => Ok(()),
            Some(_) => Err(file_error("un instantané complet est attendu, pas une mise à jour (« from »)")),
        }
    }

    fn read(&self, import: Import) -> Result<Update, Vec<ImportError>> {
        let places = import.whole()?;
        let Some(from) = self.from else { return Ok(Update::Full(Snapshot { version: self.version, places })) };
        let removed = self.removed.clone().ok_or_else(|| file_error("« removed » : liste d'identifiants attendue"))?;
        Ok(Update::Delta(Delta { from, version: self.version, places, removed }))
    }
}

/// A registry row's id (checked by the core before any merge).
fn row_id(row: &Value) -> &str {
    row["id"].as_str().unwrap_or_default()
}

fn file_error(reason: &str) -> Vec<ImportError> {
    vec![ImportError { row: 0, field: "", reason: reason.to_owned() }]
}

/// `GET /api/v1/registry/updates`: the registry's updates of the last 12 months, who made each
/// (`place` through its link, `departement` by a publication), for the autonomy indicator
/// (fiche 1-C: half of the updates made by the places themselves).
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
pub struct UpdatesDto {
    pub updates: Vec<UpdateDto>,
}

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct UpdateDto {
    pub place_id: String,
    /// RFC 3339 UTC.
    pub made_at: String,
    /// `confirmation`, `change` or `removal`.
    pub kind: String,
    pub made_by: String,
}

impl UpdatesDto {
    /// The updates as the core's autonomy indicator counts them (a day each, by the place or
    /// not), read from the answer as JSON values: the coordinators' page does so, keeping a
    /// typed reader out of its bundle.
    pub fn for_autonomy(answer: &Value) -> Vec<repere_core::quality::Update> {
        let updates = answer["updates"].as_array().map(Vec::as_slice).unwrap_or_default();
        updates
            .iter()
            .filter_map(|u| {
                let date = repere_core::date::iso_date(u["made_at"].as_str()?.get(0..10)?)?;
                Some(repere_core::quality::Update { date, by_place: u["made_by"] == "place" })
            })
            .collect()
    }
}

/// `POST /api/v1/places/{id}/link`: a place's new update link (the previous one stops working),
/// and the reminder e-mail's subject and text with it, for a coordinator's `mailto:`.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct PlaceLinkDto {
    /// The full address when the request said its origin, else the path (`/lieu/ID/mise-a-jour?code=…`).
    pub link: String,
    /// The place's e-mail addresses (none: call it).
    pub courriels: Vec<String>,
    pub telephone: Option<String>,
    pub subject: String,
    pub body: String,
}
