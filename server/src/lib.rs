//! `repere-server`: one binary that serves the built PWA and the JSON API under `/api/v1`,
//! backed by an embedded SQLite file or by PostgreSQL.
//!
//! The router is built by [`http::router`] from a [`State`], so tests drive it in memory
//! (`tower::ServiceExt::oneshot`) exactly as the binary serves it. The server keeps no state
//! between requests besides the database (and rate-limit counters, per instance), so several
//! instances may share one database.

pub mod api;
pub mod auth;
pub mod backup;
pub mod candidates;
pub mod candidates_api;
pub mod config;
pub mod consultations;
pub mod contacts;
pub mod coordinators;
pub mod coverage;
pub mod db;
pub mod downloads;
pub mod duplicates_api;
pub mod export;
pub mod facts;
pub mod figures;
pub mod http;
pub mod listen;
pub mod mail;
pub mod moderation;
pub mod moderation_api;
pub mod place_form;
pub mod place_links;
pub mod place_page;
pub mod places;
pub mod registry;
pub mod reminders;
pub mod reminders_api;
pub mod security;
pub mod stats;
pub mod stops;
pub mod stops_api;
pub mod submissions;
pub mod territory;
pub mod throttle;
pub mod updates;

pub use config::Config;

/// What every request handler may use.
#[derive(Clone)]
pub struct State {
    pub db: db::Database,
    pub throttle: std::sync::Arc<throttle::Throttle>,
}

impl State {
    pub fn new(db: db::Database) -> Self {
        State { db, throttle: Default::default() }
    }
}

/// The version reported by `/api/v1/health` and `--version`.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");
