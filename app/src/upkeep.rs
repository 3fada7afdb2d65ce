//! The residents' part in keeping the registry true (issue #15): their reports (« Signaler une
//! erreur », [`reports`]) and the consultation counts ([`consultations`]), both kept on the
//! phone and sent when it has network — at start, on the browser's `online` event, and after a
//! report. Neither carries an account, a cookie or any identifier of the person or the phone:
//! each report and each batch has an id of its own, made at random for it alone (UUIDv4, not v7:
//! a v7 id would carry the time to the millisecond).
//!
//! Both live in the `meta` store (keys [`reports::QUEUE_KEY`], [`consultations::TALLY_KEY`],
//! [`consultations::BATCH_KEY`]) rather than stores of their own: a phone holds a few reports and
//! a few days of counts, each written whole in one transaction, and no database upgrade is needed.

pub mod consultations;
pub mod reports;

use indexed_db_futures::database::Database;
use leptos::prelude::*;

pub use consultations::Consultations;
pub use reports::ReportQueue;

/// Both rooms, shared through the residents' app's context.
#[derive(Clone, Copy)]
pub struct Upkeep {
    pub reports: ReportQueue,
    pub consultations: Consultations,
}

impl Upkeep {
    /// Empty until [`Upkeep::attach`]; sends whatever waits when the phone comes back online.
    pub fn start() -> Self {
        let upkeep = Upkeep { reports: ReportQueue::default(), consultations: Consultations::default() };
        let _ = window_event_listener(leptos::ev::online, move |_| upkeep.send());
        upkeep
    }

    /// Reads what waits on the device, then sends it (app start).
    pub fn attach(self, db: Database) {
        leptos::task::spawn_local(async move {
            if let Err(e) = self.reports.open(db.clone()).await {
                web_sys::console::error_1(&format!("signalements : {e}").into());
            }
            if let Err(e) = self.consultations.open(db).await {
                web_sys::console::error_1(&format!("consultations : {e}").into());
            }
            self.send();
        });
    }

    /// Sends the reports waiting, then the counts, in the background.
    pub fn send(self) {
        leptos::task::spawn_local(async move {
            self.reports.send().await;
            self.consultations.send().await;
        });
    }
}

/// `2026-11-30`, as the wire writes a day (by hand: chrono's formatter would weigh on the wasm).
pub fn iso_day(day: chrono::NaiveDate) -> String {
    use chrono::Datelike;
    format!("{:04}-{:02}-{:02}", day.year(), day.month(), day.day())
}

/// A UUIDv4 from the browser's random source (`Math.random` where it has none, so two ids
/// never coincide by being all zeros).
pub fn random_id() -> String {
    let mut random = [0u8; 16];
    let filled = web_sys::window().and_then(|w| w.crypto().ok()).is_some_and(|c| c.get_random_values_with_u8_array(&mut random).is_ok());
    if !filled {
        random.iter_mut().for_each(|b| *b = (js_sys::Math::random() * 256.0) as u8);
    }
    uuid::Builder::from_random_bytes(random).into_uuid().to_string()
}
