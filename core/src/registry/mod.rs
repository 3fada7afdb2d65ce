//! The registry of places: the national *Standard de données des lieux de médiation numérique*
//! v1.0.2 (32 fields, 7 required), typed, with import and export of its CSV and JSON forms.
//!
//! Import never stops at the first problem: it returns every good place and, for every bad
//! row, each problem with its row, field and reason, so a registry keeper can fix a whole file
//! in one pass. Nothing panics, whatever the bytes.
//!
//! ```
//! use repere_core::hours::Window;
//! use repere_core::registry::{import_csv, export_csv};
//!
//! let years = Window::new(2026, 2028).unwrap(); // for opening hours
//! let csv = "id,pivot,nom,commune,code_postal,adresse,date_maj,services\n\
//!            a1,00000000000000,Médiathèque,Civray,86400,1 rue X,2024-01-31,Aide aux démarches administratives\n\
//!            a2,00000000000000,Mairie,Civray,8640,2 rue Y,2024-01-31,Aide aux démarches\n";
//! let import = import_csv(csv.as_bytes(), years);
//! assert_eq!(import.places.len(), 1);
//! assert_eq!(import.errors.len(), 2); // row 3: code_postal, services
//! assert_eq!((import.errors[0].row, import.errors[0].field), (3, "code_postal"));
//! let again = import_csv(&export_csv(&import.places), years);
//! assert_eq!(again.places, import.places);
//! ```

mod checks;
pub mod edit;
mod io;
mod labels;
mod place;
pub mod proposal;
mod snapshot;
mod stop;
mod write;

/// The enumerations' trait and set, kept under this name too (`crate::label` holds them, so
/// that `activity` and `needs` need not import the registry for them).
pub use crate::label::{Label, LabelSet};
pub use io::{FIELDS, Import, ImportError, REQUIRED, import_csv, import_json, import_json_rows, read_device_rows};
pub use labels::{Dispositif, FormationLabel, Frais, Itinerance, ModaliteAcces, ModaliteAccompagnement, PriseEnCharge, Public, Service};
pub use place::{Place, Position};
pub use snapshot::{Delta, Snapshot, Update, UpdateError, device_places};
pub use stop::{Stop, X_STOPS};
pub use write::{export_csv, export_json};
