//! The residents' part in keeping the registry true (issue #15): their reports (« Signaler une
//! erreur », [`reports`]) and the consultation counts ([`consultations`]), both kept on the
//! phone and sent when it has network — at start, on the browser's `online` event, and after a
//! report. Neither carries an account, a cookie or any identifier of the person or the phone:
//! each report and each batch has an id of its own, made at random for it alone (UUIDv4, not v7:
//! a v7 id would carry the time to the millisecond).
//!
//! Both live in the `meta` store (keys [`QUEUE_KEY`], [`TALLY_KEY`], [`BATCH_KEY`]), written
//! together in one transaction with durability "strict", rather than in stores of their own: a
//! phone holds a few reports and a few days of counts, and no database upgrade is needed. One
//! state and one send loop serve both (reports first: a person may be waiting for them), so
//! the phone downloads that code once.

pub mod consultations;
pub mod reports;

use std::cell::RefCell;
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;

use indexed_db_futures::database::Database;
use leptos::prelude::*;
use repere_core::consultation::{Event, Tally};
use repere_protocol::upkeep::{MAX_REPORTS, ReportDto};
use serde_json::Value;

use crate::net::{online, post};
use crate::store;
use consultations::{BOUNDS, Batch};
use reports::{Answer, Outcome, Queued};

/// Keys in `meta`: the reports waiting (a JSON list of each report's JSON text, oldest first),
/// the counts not yet in a batch (the wire's list of days), and the batch being sent (its JSON
/// text, sent again as it is; empty when none).
pub const QUEUE_KEY: &str = "reports";
pub const TALLY_KEY: &str = "consultations";
pub const BATCH_KEY: &str = "consultations_batch";

/// What waits on the device, in memory.
#[derive(Default)]
struct State {
    db: Option<Database>,
    reports: Vec<Queued>,
    /// Ids refused by the server since the app opened, to tell the person.
    refused: Vec<String>,
    tally: Tally,
    batch: Option<Batch>,
    sending: bool,
    /// The place whose sheet is on screen, its view counted.
    sheet: Option<String>,
}

/// One request of the send loop.
enum Request {
    Reports(Vec<Queued>),
    Counts(Batch),
}

/// Reports and counts, shared through the residents' app's context. Its state is one
/// `RefCell`, never borrowed across an `await`, rather than a reactive value per field:
/// nothing on screen follows it, and each reactive value costs the phone code to download.
#[derive(Clone, Copy)]
pub struct Upkeep(StoredValue<Rc<RefCell<State>>, LocalStorage>);

impl Default for Upkeep {
    fn default() -> Self {
        Upkeep(StoredValue::new_local(Rc::default()))
    }
}

impl Upkeep {
    /// Empty until [`Upkeep::attach`]; sends whatever waits when the phone comes back online.
    pub fn start() -> Self {
        let upkeep = Upkeep::default();
        let _ = window_event_listener(leptos::ev::online, move |_| leptos::task::spawn_local(upkeep.send()));
        upkeep
    }

    fn state(&self) -> Rc<RefCell<State>> {
        self.0.get_value()
    }

    /// Reads what waits on the device, then sends it (app start).
    pub fn attach(self, db: Database) {
        leptos::task::spawn_local(async move {
            match self.open(db).await {
                Ok(()) => self.send().await,
                Err(e) => web_sys::console::error_1(&format!("signalements et consultations : {e}").into()),
            }
        });
    }

    /// Reads what the device kept, adding the counts made before the database was open.
    pub async fn open(&self, db: Database) -> Result<(), String> {
        let mut kept = Vec::new();
        for key in [QUEUE_KEY, TALLY_KEY, BATCH_KEY] {
            kept.push(store::get_meta::<String>(&db, key).await?.unwrap_or_default());
        }
        let json = |text: &str| serde_json::from_slice::<Value>(text.as_bytes()).unwrap_or_default();
        {
            let state = self.state();
            let mut state = state.borrow_mut();
            state.reports = json(&kept[0]).as_array().into_iter().flatten().filter_map(|j| Queued::read(j.as_str()?)).collect();
            state.tally.merge(&consultations::from_days(&json(&kept[1])));
            state.batch = Batch::read(&kept[2]);
            state.db = Some(db);
        }
        self.persist().await
    }

    /// Writes what waits, as it is now, in one transaction; nothing before the database is open
    /// (counts wait in memory, [`Upkeep::open`] adds them).
    async fn persist(&self) -> Result<(), String> {
        let (db, values) = {
            let state = self.state();
            let state = state.borrow();
            let reports: Vec<String> = state.reports.iter().map(|r| quoted(&r.json)).collect();
            let values = [
                (QUEUE_KEY, format!("[{}]", reports.join(","))),
                (TALLY_KEY, consultations::days_json(&state.tally)),
                (BATCH_KEY, state.batch.as_ref().map(|b| b.body.clone()).unwrap_or_default()),
            ];
            (state.db.clone(), values)
        };
        let Some(db) = db else { return Ok(()) };
        store::put_metas(&db, &values).await
    }

    /// Keeps `report` on the device (on disk before this returns), then sends what waits if
    /// online; what became of it. The report is made by the form (`pages::report_of`, the wire's
    /// rules).
    pub async fn report(&self, report: ReportDto) -> Result<Outcome, String> {
        let queued = Queued::new(&report);
        let id = queued.id.clone();
        let state = self.state();
        if state.borrow().db.is_none() {
            return Err("la base n’est pas encore ouverte".into());
        }
        state.borrow_mut().reports.push(queued);
        if let Err(e) = self.persist().await {
            state.borrow_mut().reports.retain(|r| r.id != id);
            return Err(e);
        }
        self.send().await;
        let state = state.borrow();
        Ok(if state.reports.iter().any(|r| r.id == id) {
            Outcome::Queued
        } else if state.refused.contains(&id) {
            Outcome::Refused
        } else {
            Outcome::Sent
        })
    }

    /// How many reports wait.
    pub fn reports_waiting(&self) -> usize {
        self.state().borrow().reports.len()
    }

    /// Counts `event` today (the phone's local day) and keeps the tally on the device.
    #[inline(never)]
    pub fn count(self, event: Event) {
        self.state().borrow_mut().tally.add(crate::clock::now().date(), event);
        wasm_bindgen_futures::spawn_local(async move {
            if let Err(e) = self.persist().await {
                web_sys::console::warn_1(&format!("consultations : {e}").into());
            }
        });
    }

    /// A place's sheet drawn: a view, once per visit. A sheet is drawn again when the language
    /// changes or a new registry version arrives; that is the same visit, not another view.
    pub fn sheet_shown(self, id: &str) {
        let new = self.state().borrow_mut().sheet.replace(id.to_owned()).as_deref() != Some(id);
        if new {
            self.count(Event::View(id));
        }
    }

    /// Another page drawn: the next sheet drawn is a new visit.
    pub fn sheet_left(self) {
        self.state().borrow_mut().sheet = None;
    }

    /// The counts not yet in a batch.
    pub fn tally(&self) -> Tally {
        self.state().borrow().tally.clone()
    }

    /// Sends what waits while the server settles something: the reports, [`MAX_REPORTS`] at a
    /// time, then the batch under way — taken out of the tally and written to disk with its id
    /// before it first leaves, resent with the same id until acknowledged, only then the next.
    /// Never while the browser is offline, never two loops at once. Boxed: its callers share one
    /// copy of it in the wasm.
    pub fn send(self) -> Pin<Box<dyn Future<Output = ()>>> {
        Box::pin(async move {
            let state = self.state();
            {
                let mut s = state.borrow_mut();
                if s.sending || s.db.is_none() {
                    return;
                }
                s.sending = true;
            }
            while online() {
                let request = {
                    let mut s = state.borrow_mut();
                    if !s.reports.is_empty() {
                        Some(Request::Reports(s.reports.iter().take(MAX_REPORTS).cloned().collect()))
                    } else if let Some(batch) = &s.batch {
                        Some(Request::Counts(batch.clone()))
                    } else {
                        s.tally
                            .take_batch(&BOUNDS)
                            .map(|taken| Batch::new(&taken))
                            .inspect(|b| s.batch = Some(b.clone()))
                            .map(Request::Counts)
                    }
                };
                let Some(request) = request else { break };
                // A new batch is on disk before it leaves (the tally's rest with it); written
                // again when already there, which costs a small write.
                if let Err(e) = self.persist().await {
                    web_sys::console::error_1(&format!("consultations : {e}").into());
                    break;
                }
                let (url, body) = match &request {
                    Request::Reports(sent) => (reports::URL, reports::body(sent)),
                    Request::Counts(batch) => (consultations::URL, batch.body.clone()),
                };
                let answer = post(url, None, &body).await.ok();
                let settled = {
                    let mut s = state.borrow_mut();
                    match (request, answer) {
                        (Request::Reports(sent), Some((status, text))) => {
                            let answer = Answer::read(status, &text, &sent);
                            if let Answer::Refused(ids) = &answer {
                                web_sys::console::warn_1(&format!("signalements refusés : {}", ids.join(", ")).into());
                                s.refused.extend(ids.iter().cloned());
                            }
                            reports::settle(&mut s.reports, &answer) > 0
                        }
                        // Refused for its content (422): the same batch would be refused at every
                        // resend and hold every later count behind it; the figures lose one batch
                        // rather than all.
                        (Request::Counts(batch), Some((status, text)))
                            if status == 422 || consultations::acknowledges(status, &text, &batch.id) =>
                        {
                            s.batch = None;
                            true
                        }
                        _ => false,
                    }
                };
                if !settled {
                    break;
                }
                if let Err(e) = self.persist().await {
                    web_sys::console::error_1(&format!("signalements et consultations : {e}").into());
                    break;
                }
            }
            state.borrow_mut().sending = false;
        })
    }
}

/// `text` as a JSON string. The few records the phone sends are written by hand rather than by
/// serde's writer for each wire type: the residents' bundle has a size budget, and the tests
/// read every such text back with the protocol's own readers.
pub fn quoted(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if c < ' ' => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
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
    // Version 4 and the RFC 4122 variant in their bits, written by hand (uuid's writer costs more).
    let n = u128::from_be_bytes(random) & !(0xF000_u128 << 64 | 0xC000_u128 << 48) | (0x4000_u128 << 64 | 0x8000_u128 << 48);
    format!(
        "{:08x}-{:04x}-{:04x}-{:04x}-{:012x}",
        n >> 96,
        (n >> 80) & 0xFFFF,
        (n >> 64) & 0xFFFF,
        (n >> 48) & 0xFFFF,
        n & 0xFFFF_FFFF_FFFF
    )
}
