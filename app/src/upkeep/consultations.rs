//! Consultation counts on the device (the core's [`Tally`]), sent added up to
//! `POST /api/v1/consultations` when online.
//!
//! Exactly once by batch id: a batch is taken out of the tally and written to disk with its
//! id, together with the tally's rest, in one transaction, before it leaves; it is resent, the
//! same counts under the same id, until the server acknowledges that id (a lost answer counts
//! once); only then is the next one taken. Counts made meanwhile go to the tally.

use indexed_db_futures::database::Database;
use leptos::prelude::*;
use repere_core::consultation::{Bounds, Counts, Event, Tally};
use repere_protocol::upkeep::{
    CommuneCounts, ConsultationsDto, DayCounts, MAX_COMMUNES_A_DAY, MAX_COUNT, MAX_DAYS, MAX_PLACES_A_DAY, PlaceCounts,
};

use crate::net::{online, post};
use crate::store;

/// Keys in `meta`: the counts not yet in a batch, and the batch being sent (with its id).
pub const TALLY_KEY: &str = "consultations";
pub const BATCH_KEY: &str = "consultations_batch";
const URL: &str = "/api/v1/consultations";

/// The wire's bounds of one batch, for the core's [`Tally::take_batch`].
pub const BOUNDS: Bounds = Bounds { days: MAX_DAYS, places_a_day: MAX_PLACES_A_DAY, communes_a_day: MAX_COMMUNES_A_DAY, count: MAX_COUNT };

/// A tally in the wire's form (also how it is kept on the device).
pub fn to_days(tally: &Tally) -> Vec<DayCounts> {
    tally
        .days()
        .map(|(day, counts)| DayCounts {
            jour: super::iso_day(day),
            lieux: counts
                .places
                .iter()
                .map(|(id, c)| PlaceCounts { id: id.clone(), vues: c.vues, appels: c.appels, itineraires: c.itineraires })
                .collect(),
            communes: counts.communes.iter().map(|(code, n)| CommuneCounts { code: code.clone(), recherches: *n }).collect(),
        })
        .collect()
}

/// A tally read back from the wire's form (a day that is not a date is skipped).
pub fn from_days(days: &[DayCounts]) -> Tally {
    let mut tally = Tally::default();
    for d in days {
        let Some(day) = repere_core::date::iso_date(&d.jour) else { continue };
        for p in &d.lieux {
            tally.add_counts(day, &p.id, Counts { vues: p.vues, appels: p.appels, itineraires: p.itineraires });
        }
        for c in &d.communes {
            tally.add_searches(day, &c.code, c.recherches);
        }
    }
    tally
}

/// Whether an answer acknowledges the batch `id`: 200 `{"acked": id}`.
pub fn acknowledges(status: u16, body: &str, id: &str) -> bool {
    status == 200 && serde_json::from_str::<serde_json::Value>(body).is_ok_and(|v| v["acked"].as_str() == Some(id))
}

/// The counts, shared through context (in [`super::Upkeep`]).
#[derive(Clone, Copy)]
pub struct Consultations {
    db: StoredValue<Option<Database>, LocalStorage>,
    tally: StoredValue<Tally>,
    batch: StoredValue<Option<ConsultationsDto>>,
    sending: StoredValue<bool>,
}

impl Default for Consultations {
    fn default() -> Self {
        Consultations {
            db: StoredValue::new_local(None),
            tally: StoredValue::new(Tally::default()),
            batch: StoredValue::new(None),
            sending: StoredValue::new(false),
        }
    }
}

impl Consultations {
    /// Reads what the device kept, adding the counts made before the database was open.
    pub async fn open(&self, db: Database) -> Result<(), String> {
        let kept: Option<String> = store::get_meta(&db, TALLY_KEY).await?;
        let batch: Option<String> = store::get_meta(&db, BATCH_KEY).await?;
        if let Some(text) = kept {
            let days: Vec<DayCounts> = serde_json::from_str(&text).map_err(|e| format!("comptes illisibles : {e}"))?;
            self.tally.update_value(|t| t.merge(&from_days(&days)));
        }
        let batch = batch.map(|b| serde_json::from_str::<ConsultationsDto>(&b)).transpose().map_err(|e| format!("lot illisible : {e}"))?;
        self.batch.set_value(batch);
        self.db.set_value(Some(db));
        self.persist(false).await
    }

    /// Counts `event` today (the phone's local day) and keeps the tally on the device.
    pub fn count(self, event: Event) {
        self.tally.update_value(|t| t.add(crate::clock::now().date(), event));
        wasm_bindgen_futures::spawn_local(async move {
            if let Err(e) = self.persist(false).await {
                web_sys::console::warn_1(&format!("consultations : {e}").into());
            }
        });
    }

    /// The counts not yet in a batch.
    pub fn tally(&self) -> Tally {
        self.tally.get_value()
    }

    /// Writes the tally (and the batch, with `with_batch`) as they are now; nothing before the
    /// database is open (the counts wait in memory, [`Consultations::open`] adds them).
    async fn persist(&self, with_batch: bool) -> Result<(), String> {
        let Some(db) = self.db.get_value() else { return Ok(()) };
        let mut values = vec![(TALLY_KEY, self.tally.with_value(|t| serde_json::to_string(&to_days(t)).expect("serialisable")))];
        if with_batch {
            values.push((BATCH_KEY, self.batch.with_value(|b| serde_json::to_string(b).expect("serialisable"))));
        }
        store::put_metas(&db, &values).await
    }

    /// Sends the batch under way, then new ones, while the server acknowledges them.
    pub async fn send(&self) {
        if self.sending.get_value() || self.db.with_value(Option::is_none) {
            return;
        }
        self.sending.set_value(true);
        while online() {
            if self.batch.with_value(Option::is_none) {
                let Some(taken) = self.tally.try_update_value(|t| t.take_batch(&BOUNDS)).flatten() else { break };
                self.batch.set_value(Some(ConsultationsDto { id: super::random_id(), jours: to_days(&taken) }));
                if let Err(e) = self.persist(true).await {
                    // Not on disk: put the counts back rather than send a batch the device may forget.
                    web_sys::console::error_1(&format!("consultations : {e}").into());
                    self.tally.update_value(|t| t.merge(&taken));
                    self.batch.set_value(None);
                    break;
                }
            }
            let Some(batch) = self.batch.get_value() else { break };
            let body = serde_json::to_string(&batch).expect("serialisable");
            match post(URL, None, &body).await {
                Ok((status, text)) if acknowledges(status, &text, &batch.id) => {}
                // Refused for its content: the same batch would be refused at every resend and
                // hold every later count behind it; figures lose one batch rather than all.
                Ok((422, text)) => web_sys::console::warn_1(&format!("consultations refusées : {text}").into()),
                _ => break,
            }
            self.batch.set_value(None);
            if let Err(e) = self.persist(true).await {
                web_sys::console::error_1(&format!("consultations : {e}").into());
                break;
            }
        }
        self.sending.set_value(false);
    }
}
