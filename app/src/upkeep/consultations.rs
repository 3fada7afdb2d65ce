//! Consultation counts on the device (the core's [`Tally`]), sent added up to
//! `POST /api/v1/consultations` when online.
//!
//! Exactly once by batch id: a batch is taken out of the tally and written to disk with its
//! id, together with the tally's rest, in one transaction, before it leaves; it is resent, the
//! same counts under the same id, until the server acknowledges that id (a lost answer counts
//! once); only then is the next one taken. Counts made meanwhile go to the tally.

use std::cell::RefCell;
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;

use indexed_db_futures::database::Database;
use leptos::prelude::*;
use repere_core::consultation::{Bounds, Counts, Event, Subject, Tally};
use repere_protocol::upkeep::{
    CommuneCounts, ConsultationsDto, DayCounts, MAX_COMMUNES_A_DAY, MAX_COUNT, MAX_DAYS, MAX_PLACES_A_DAY, PlaceCounts,
};
use serde_json::Value;

use crate::net::{online, post};
use crate::store;

/// Keys in `meta`: the counts not yet in a batch (the wire's list of days), and the batch being
/// sent (its JSON text, the body sent again as it is).
pub const TALLY_KEY: &str = "consultations";
pub const BATCH_KEY: &str = "consultations_batch";
const URL: &str = "/api/v1/consultations";

/// The wire's bounds of one batch, for the core's [`Tally::take_batch`].
pub const BOUNDS: Bounds = Bounds { days: MAX_DAYS, places_a_day: MAX_PLACES_A_DAY, communes_a_day: MAX_COMMUNES_A_DAY, count: MAX_COUNT };

/// A tally in the wire's form (also how it is kept on the device).
pub fn to_days(tally: &Tally) -> Vec<DayCounts> {
    let mut days: Vec<DayCounts> = Vec::new();
    for cell in tally.cells() {
        let jour = super::iso_day(cell.day);
        if days.last().is_none_or(|d| d.jour != jour) {
            days.push(DayCounts { jour, ..DayCounts::default() });
        }
        let day = days.last_mut().expect("pushed");
        let Counts { vues, appels, itineraires, recherches } = cell.counts;
        match cell.subject {
            Subject::Place => day.lieux.push(PlaceCounts { id: cell.id.clone(), vues, appels, itineraires }),
            Subject::Commune => day.communes.push(CommuneCounts { code: cell.id.clone(), recherches }),
        }
    }
    days
}

/// A tally read back from the wire's form (read as a `serde_json::Value`, which the app already
/// reads the registry with, rather than by a reader of its own: less code to download; a day
/// that is not a date and counts that are not numbers are skipped).
pub fn from_days(days: &Value) -> Tally {
    let mut tally = Tally::default();
    let n = |v: &Value| v.as_u64().unwrap_or(0).min(u64::from(u32::MAX)) as u32;
    for d in days.as_array().into_iter().flatten() {
        let Some(day) = d["jour"].as_str().and_then(repere_core::date::iso_date) else { continue };
        for p in d["lieux"].as_array().into_iter().flatten() {
            let counts = Counts { vues: n(&p["vues"]), appels: n(&p["appels"]), itineraires: n(&p["itineraires"]), recherches: 0 };
            tally.add_counts(day, Subject::Place, p["id"].as_str().unwrap_or_default(), counts);
        }
        for c in d["communes"].as_array().into_iter().flatten() {
            let counts = Counts { recherches: n(&c["recherches"]), ..Counts::default() };
            tally.add_counts(day, Subject::Commune, c["code"].as_str().unwrap_or_default(), counts);
        }
    }
    tally
}

/// Whether an answer acknowledges the batch `id`: 200 `{"acked": id}`.
pub fn acknowledges(status: u16, body: &str, id: &str) -> bool {
    status == 200 && serde_json::from_slice::<Value>(body.as_bytes()).is_ok_and(|v| v["acked"].as_str() == Some(id))
}

/// A batch under way: its id and the body sent.
#[derive(Clone, Debug, PartialEq)]
pub struct Batch {
    pub id: String,
    pub body: String,
}

impl Batch {
    fn new(taken: &Tally) -> Batch {
        let dto = ConsultationsDto { id: super::random_id(), jours: to_days(taken) };
        Batch { body: serde_json::to_string(&dto).expect("serialisable"), id: dto.id }
    }

    /// The batch kept on the device, read back.
    pub fn read(body: &str) -> Option<Batch> {
        let id = serde_json::from_slice::<Value>(body.as_bytes()).ok()?["id"].as_str()?.to_owned();
        Some(Batch { id, body: body.to_owned() })
    }
}

/// What the counts hold in memory.
#[derive(Default)]
struct State {
    db: Option<Database>,
    tally: Tally,
    batch: Option<Batch>,
    sending: bool,
}

/// The counts, shared through context (in [`super::Upkeep`]); one `RefCell`, never borrowed
/// across an `await`, as the reports' queue.
#[derive(Clone, Copy)]
pub struct Consultations(StoredValue<Rc<RefCell<State>>, LocalStorage>);

impl Default for Consultations {
    fn default() -> Self {
        Consultations(StoredValue::new_local(Rc::default()))
    }
}

impl Consultations {
    fn state(&self) -> Rc<RefCell<State>> {
        self.0.get_value()
    }

    /// Reads what the device kept, adding the counts made before the database was open.
    pub async fn open(&self, db: Database) -> Result<(), String> {
        let kept: Option<String> = store::get_meta(&db, TALLY_KEY).await?;
        let batch: Option<String> = store::get_meta(&db, BATCH_KEY).await?;
        {
            let state = self.state();
            let mut state = state.borrow_mut();
            if let Some(text) = kept {
                let days: Value = serde_json::from_slice(text.as_bytes()).map_err(|e| format!("comptes illisibles : {e}"))?;
                state.tally.merge(&from_days(&days));
            }
            state.batch = batch.as_deref().and_then(Batch::read);
            state.db = Some(db);
        }
        self.persist(false).await
    }

    /// Counts `event` today (the phone's local day) and keeps the tally on the device.
    pub fn count(self, event: Event) {
        self.state().borrow_mut().tally.add(crate::clock::now().date(), event);
        wasm_bindgen_futures::spawn_local(async move {
            if let Err(e) = self.persist(false).await {
                web_sys::console::warn_1(&format!("consultations : {e}").into());
            }
        });
    }

    /// The counts not yet in a batch.
    pub fn tally(&self) -> Tally {
        self.state().borrow().tally.clone()
    }

    /// Writes the tally (and the batch, with `with_batch`) as they are now; nothing before the
    /// database is open (the counts wait in memory, [`Consultations::open`] adds them).
    async fn persist(&self, with_batch: bool) -> Result<(), String> {
        let (db, values) = {
            let state = self.state();
            let state = state.borrow();
            let mut values = vec![(TALLY_KEY, serde_json::to_string(&to_days(&state.tally)).expect("serialisable"))];
            if with_batch {
                // No batch: an empty text, which reads back as none.
                values.push((BATCH_KEY, state.batch.as_ref().map(|b| b.body.clone()).unwrap_or_default()));
            }
            (state.db.clone(), values)
        };
        let Some(db) = db else { return Ok(()) };
        store::put_metas(&db, &values).await
    }

    /// Sends the batch under way, then new ones, while the server acknowledges them. Boxed: its
    /// callers share one copy of it in the wasm.
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
                let taken = {
                    let mut s = state.borrow_mut();
                    if s.batch.is_some() {
                        None
                    } else {
                        let Some(taken) = s.tally.take_batch(&BOUNDS) else { break };
                        s.batch = Some(Batch::new(&taken));
                        Some(taken)
                    }
                };
                if let Some(taken) = taken
                    && let Err(e) = self.persist(true).await
                {
                    // Not on disk: put the counts back rather than send a batch the device may forget.
                    web_sys::console::error_1(&format!("consultations : {e}").into());
                    let mut s = state.borrow_mut();
                    s.tally.merge(&taken);
                    s.batch = None;
                    break;
                }
                let Some(batch) = state.borrow().batch.clone() else { break };
                match post(URL, None, &batch.body).await {
                    Ok((status, text)) if acknowledges(status, &text, &batch.id) => {}
                    // Refused for its content: the same batch would be refused at every resend and
                    // hold every later count behind it; the figures lose one batch rather than all.
                    Ok((422, text)) => web_sys::console::warn_1(&format!("consultations refusées : {text}").into()),
                    _ => break,
                }
                state.borrow_mut().batch = None;
                if let Err(e) = self.persist(true).await {
                    web_sys::console::error_1(&format!("consultations : {e}").into());
                    break;
                }
            }
            state.borrow_mut().sending = false;
        })
    }
}
