//! `repere-core` holds everything Repère computes, with no IO: the same code runs in the
//! browser (wasm32) and natively in tests, the simulator and the server.
//!
//! Time, identifiers and randomness are inputs, never read from the environment, so every
//! result is reproducible. This crate must not depend on browser, storage, HTTP or SQL crates
//! (see ARCHITECTURE.md, "Architecture invariant").
//!
//! ```
//! use repere_core::phone::{PhoneNumber, HELPLINE};
//!
//! let n: PhoneNumber = "05 67 80 22 22".parse().unwrap();
//! assert_eq!(n, HELPLINE);
//! assert_eq!(n.tel_uri(), "tel:+33567802222");
//! ```

pub mod activity;
pub mod calendar;
pub mod consultation;
pub mod coverage;
pub mod date;
pub mod duplicates;
pub mod export;
pub mod hours;
pub mod i18n;
pub mod label;
pub mod map;
pub mod moderation;
pub mod needs;
pub mod order;
pub mod phone;
pub mod poster;
pub mod proximity;
pub mod quality;
pub mod registry;
pub mod search;
pub mod stats;
pub mod sync;
pub mod territory;
pub mod text;
pub mod tour;
