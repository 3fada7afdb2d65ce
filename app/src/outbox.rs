//! The mediator's side of sync: the device's enrolment, the outbox of contacts and proposals
//! (`record`: one outbox of both kinds, and why; the core's `sync::Outbox` rules, each change
//! written to IndexedDB with durability "strict" before it is reported), and pushing to the
//! server with retries (`push`: the batches and what their answers do).
//!
//! Order that keeps "exactly once": records are marked sent *and persisted* before a push leaves;
//! only ids the server acknowledges are removed. Retries: after a failure, by the core's rule
//! (`sync::retry`: never more than a minute away, so a phone that stayed online sees the server
//! again soon after it returns); from the shortest wait again on the browser's `online` event, at
//! app start and on the "Synchroniser" button. Never while the browser says it is offline.

use gloo_timers::callback::{Interval, Timeout};
use indexed_db_futures::database::Database;
use leptos::prelude::*;
use repere_core::activity::Contact;
use repere_core::sync::retry::Backoff;
use repere_core::sync::{self, Refused, State};
use repere_protocol::{Enrolled, Enrolment};
use std::collections::BTreeMap;
use uuid::Uuid;

mod push;
pub mod record;

pub use record::Record;
use record::{Row, push_of};

use crate::net::{self, online, post};
use crate::registry::Registry;
use crate::store::{self, OutboxChange};

const DEVICE_KEY: &str = "device";
const LAST_SYNC_KEY: &str = "last_sync";
const EXPORTED_KEY: &str = "outbox_exported";
/// The next contact's sequence number, written with each contact: the outbox empties as the
/// server acknowledges, and numbering must not restart at 1 when the app reopens.
const NEXT_SEQ_KEY: &str = "outbox_next_seq";

/// Shared through context: what the mediator's screens show and do.
#[derive(Clone, Copy)]
pub struct Mediation {
    db: StoredValue<Option<Database>, LocalStorage>,
    outbox: StoredValue<sync::Outbox<Record>, LocalStorage>,
    /// Why the server refused a proposal (kept aside as a conflict), by id.
    refusals: StoredValue<BTreeMap<Uuid, String>, LocalStorage>,
    /// The contact being corrected in the form, if any.
    pub editing: RwSignal<Option<Contact>>,
    /// Bumped after each change of the outbox, so screens redraw.
    pub version: RwSignal<u64>,
    pub device: RwSignal<Option<Enrolled>>,
    pub last_sync: RwSignal<Option<String>>,
    pub syncing: RwSignal<bool>,
    /// The last sync problem, for the person ("serveur injoignable", "refusé : …").
    pub problem: RwSignal<Option<String>>,
    pub exported: RwSignal<bool>,
    /// True once the enrolment and outbox are read from the device.
    pub ready: RwSignal<bool>,
    /// Failed tries in a row and when the next is due (the countdown reads it).
    backoff: RwSignal<Backoff>,
    /// The time of the countdown's last tick, in ms since the epoch.
    tick: RwSignal<u64>,
    /// The scheduled try and the countdown's ticker, while a try is due: dropping them stops both.
    timers: StoredValue<Option<(Timeout, Interval)>, LocalStorage>,
    /// Pulled after each successful push: one exchange brings the registry up to date too.
    registry: StoredValue<Option<Registry>>,
}

impl Mediation {
    /// Empty until [`Mediation::attach`] gives it the database; from now on it syncs when the
    /// phone comes back online (not a `Default`: it listens to the window).
    pub fn start() -> Self {
        let m = Mediation {
            db: StoredValue::new_local(None),
            outbox: StoredValue::new_local(sync::Outbox::default()),
            refusals: StoredValue::new_local(BTreeMap::new()),
            editing: RwSignal::new(None),
            version: RwSignal::new(0),
            device: RwSignal::new(None),
            last_sync: RwSignal::new(None),
            syncing: RwSignal::new(false),
            problem: RwSignal::new(None),
            exported: RwSignal::new(false),
            ready: RwSignal::new(false),
            backoff: RwSignal::new(Backoff::default()),
            tick: RwSignal::new(0),
            timers: StoredValue::new_local(None),
            registry: StoredValue::new(None),
        };
        let _ = window_event_listener(leptos::ev::online, move |_| leptos::task::spawn_local(async move { m.sync_now().await }));
        // No try can be made offline: the countdown would promise one; the `online` event brings it.
        let _ = window_event_listener(leptos::ev::offline, move |_| m.unschedule());
        m
    }

    /// The registry to bring up to date at each sync.
    pub fn pull_with(&self, registry: Registry) {
        self.registry.set_value(Some(registry));
    }

    /// Loads the enrolment and the outbox from the app's database, then syncs once (app open).
    pub fn attach(self, db: Database) {
        leptos::task::spawn_local(async move {
            if let Err(e) = self.open(db).await {
                web_sys::console::error_1(&format!("boîte d’envoi : {e}").into());
                return;
            }
            if self.device.get_untracked().is_some() {
                self.sync_now().await;
            }
        });
    }

    async fn open(&self, db: Database) -> Result<(), String> {
        let device: Option<String> = store::get_meta(&db, DEVICE_KEY).await?;
        let last_sync: Option<String> = store::get_meta(&db, LAST_SYNC_KEY).await?;
        let exported: Option<String> = store::get_meta(&db, EXPORTED_KEY).await?;
        let next_seq: Option<String> = store::get_meta(&db, NEXT_SEQ_KEY).await?;
        let mut outbox = sync::Outbox::default();
        let mut refusals = BTreeMap::new();
        for text in store::outbox_rows(&db).await? {
            let row: Row = serde_json::from_str(&text).map_err(|e| format!("ligne illisible : {e}"))?;
            let refused = row.refused.clone();
            let (id, seq, state, record) = row.read()?;
            if let Some(reason) = refused {
                refusals.insert(id, reason);
            }
            outbox.restore(id, seq, record, state);
        }
        outbox.resume_from(next_seq.and_then(|n| n.parse().ok()).unwrap_or(1));
        self.outbox.set_value(outbox);
        self.refusals.set_value(refusals);
        self.device.set(device.and_then(|d| serde_json::from_str(&d).ok()));
        self.last_sync.set(last_sync);
        self.exported.set(exported.as_deref() == Some("oui"));
        self.db.set_value(Some(db));
        self.version.update(|v| *v += 1);
        self.ready.set(true);
        Ok(())
    }

    /// The app's database, once opened (other parts of the space keep their data beside the outbox).
    pub fn database(&self) -> Option<Database> {
        self.db.get_value()
    }

    fn db(&self) -> Result<Database, String> {
        self.db.get_value().ok_or_else(|| "la base n’est pas encore ouverte".to_owned())
    }

    /// The first `max` pending records, oldest first: (id, seq, state, record).
    pub fn entries(&self, max: usize) -> Vec<(Uuid, u64, State, Record)> {
        self.version.track();
        self.outbox.with_value(|o| {
            let mut v: Vec<_> = o.entries().map(|(id, e)| (*id, e.seq, e.state, &e.record)).collect();
            v.sort_by_key(|e| e.1);
            v.into_iter().take(max).map(|(id, seq, state, c)| (id, seq, state, c.clone())).collect()
        })
    }

    pub fn pending(&self) -> usize {
        self.version.track();
        self.outbox.with_value(sync::Outbox::len)
    }

    /// How many of the pending records are proposals.
    pub fn proposals(&self) -> usize {
        self.version.track();
        self.outbox.with_value(|o| o.entries().filter(|(_, e)| matches!(e.record, Record::Proposal(_))).count())
    }

    /// Why the server refused this proposal, if it did.
    pub fn refusal(&self, id: &Uuid) -> Option<String> {
        self.refusals.with_value(|r| r.get(id).cloned())
    }

    fn row(id: &Uuid, seq: u64, state: State, record: &Record) -> (String, String) {
        (id.to_string(), serde_json::to_string(&Row::new(seq, state, record, None)).expect("serialisable"))
    }

    /// Saves a new contact or proposal: on disk (strict) before this returns Ok.
    pub async fn save(&self, record: impl Into<Record>) -> Result<(), String> {
        let record = record.into();
        let db = self.db()?;
        let id = record.id();
        let seq = self.outbox.with_value(|o| o.peek_seq(id)).map_err(|e| format!("{e:?}"))?;
        // A new record is in no export yet.
        let change = OutboxChange {
            put: vec![Self::row(&id, seq, State::Waiting, &record)],
            meta: vec![(EXPORTED_KEY, "non".to_owned()), (NEXT_SEQ_KEY, (seq + 1).to_string())],
            ..Default::default()
        };
        store::change_outbox(&db, change).await?;
        self.outbox.update_value(|o| {
            o.add(id, record).expect("checked by peek_seq");
        });
        self.exported.set(false);
        self.version.update(|v| *v += 1);
        // Sent at once when there is network (a form save, a "+1" tally alike). During an outage
        // this is one more failed try: the waits keep growing, up to the cap.
        let me = *self;
        leptos::task::spawn_local(async move { me.attempt().await });
        Ok(())
    }

    /// Replaces a contact not yet sent (same id, same sequence number).
    pub async fn correct(&self, contact: Contact) -> Result<(), String> {
        let db = self.db()?;
        let id = contact.id;
        let contact = Record::Contact(contact);
        let seq = self
            .outbox
            .with_value(|o| o.entry(&id).filter(|e| e.state == State::Waiting).map(|e| e.seq))
            .ok_or("ce contact est déjà parti : il ne peut plus être corrigé")?;
        store::change_outbox(&db, OutboxChange { put: vec![Self::row(&id, seq, State::Waiting, &contact)], ..Default::default() }).await?;
        self.outbox.update_value(|o| {
            let _ = o.correct(id, contact);
        });
        self.version.update(|v| *v += 1);
        Ok(())
    }

    /// Deletes a record not yet sent.
    pub async fn delete(&self, id: Uuid) -> Result<(), Refused> {
        let db = self.db().map_err(|_| Refused::Unknown)?;
        self.outbox.try_update_value(|o| o.delete(id)).unwrap_or(Err(Refused::Unknown))?;
        // Deleted in memory first: if the write fails, the contact reappears at the next start.
        store::change_outbox(&db, OutboxChange { delete: vec![id.to_string()], ..Default::default() })
            .await
            .map_err(|_| Refused::Unknown)?;
        self.version.update(|v| *v += 1);
        if self.outbox.with_value(sync::Outbox::is_empty) {
            self.stop_retrying();
        }
        Ok(())
    }

    /// Exchanges an enrolment code for this device's token, and remembers it.
    pub async fn enrol(&self, code: &str) -> Result<(), String> {
        let body = serde_json::to_string(&Enrolment { code: code.to_owned() }).expect("serialisable");
        let (status, text) = post("/api/v1/devices", None, &body).await?;
        if status != 201 {
            return Err(net::enrolment_refusal(status, &text));
        }
        let enrolled: Enrolled = serde_json::from_str(&text).map_err(|e| e.to_string())?;
        if crate::coordination::is_coordination(&text) {
            // The server used the code up: keep it for the coordinators' space of this phone.
            crate::coordination::keep_account(&self.db()?, &text).await?;
            return Err("c’est un code de coordination : ouvrez l’espace coordination (/coordination/) sur cet appareil".into());
        }
        store::put_meta(&self.db()?, DEVICE_KEY, &text).await?;
        self.device.set(Some(enrolled));
        Ok(())
    }

    /// Forgets the enrolment and the outbox. Refused while unsent contacts were not exported.
    pub async fn sign_out(&self) -> Result<(), String> {
        if self.pending() > 0 && !self.exported.get_untracked() {
            return Err("unsent".into());
        }
        store::forget_device(&self.db()?, &[DEVICE_KEY, LAST_SYNC_KEY, EXPORTED_KEY]).await?;
        self.outbox.set_value(sync::Outbox::default());
        self.stop_retrying();
        self.device.set(None);
        self.last_sync.set(None);
        self.exported.set(false);
        self.version.update(|v| *v += 1);
        Ok(())
    }

    /// The whole queue as JSON (the escape hatch: a file the server can import). Written compact,
    /// as pushes are: a pretty form would compile every record's serializer a second time
    /// (about 1 KiB of the mediators' bundle) for a file no one reads by eye.
    pub fn export(&self) -> String {
        let entries = self.entries(usize::MAX);
        serde_json::to_string(&push_of(entries.iter().map(|(_, seq, _, r)| (*seq, r)))).expect("serialisable")
    }

    pub async fn mark_exported(&self) {
        if let Ok(db) = self.db() {
            let _ = store::put_meta(&db, EXPORTED_KEY, &"oui".to_owned()).await;
            self.exported.set(true);
        }
    }

    /// Tries now, and from the shortest wait again if it fails: app open, the `online` event, the
    /// "Synchroniser" button.
    pub async fn sync_now(&self) {
        self.backoff.update(Backoff::reset);
        self.attempt().await
    }

    /// Whole seconds until the next automatic try ("Nouvel essai dans 40 s"), if one is scheduled.
    pub fn retry_in(&self) -> Option<u64> {
        self.backoff.with(|b| b.seconds_left(self.tick.get()))
    }

    /// One try: pushes everything pending, batch after batch; on failure, schedules the next try.
    async fn attempt(&self) {
        let Some(device) = self.device.get_untracked() else { return };
        if self.syncing.get_untracked() {
            return;
        }
        // This try replaces the scheduled one. Offline, a push would fail and freeze the records
        // as sent: nothing is scheduled, the `online` event tries again.
        self.unschedule();
        if !online() {
            return;
        }
        self.syncing.set(true);
        let result = self.push_all(&device.token).await;
        self.syncing.set(false);
        match result {
            Ok(()) => {
                self.backoff.update(Backoff::reset);
                self.problem.set(None);
                if let Some(registry) = self.registry.get_value() {
                    registry.pull().await;
                }
            }
            Err(e) => {
                // Set only when it changes: the problem is said once in a live region.
                if self.problem.with_untracked(|p| p.as_ref() != Some(&e)) {
                    self.problem.set(Some(e));
                }
                if online() {
                    self.schedule();
                }
            }
        }
    }

    /// After a failed try: the next one, by the core's rule, and a countdown ticking each second
    /// until then (the status shows it; nothing ticks while no try is due).
    fn schedule(&self) {
        let now = now_ms();
        let wait = self.backoff.try_update(|b| b.failed(now, js_sys::Math::random())).expect("the backoff lives as long as the app");
        self.tick.set(now);
        let me = *self;
        let retry = Timeout::new(wait.as_millis() as u32, move || leptos::task::spawn_local(async move { me.attempt().await }));
        let ticker = Interval::new(1_000, move || me.tick.set(now_ms()));
        self.timers.set_value(Some((retry, ticker)));
    }

    /// Nothing due: a try under way, or offline. Failures in a row still count.
    fn unschedule(&self) {
        self.timers.set_value(None);
        self.backoff.update(Backoff::cancel);
    }

    /// Nothing left to send (or no device any more): no try, no countdown.
    fn stop_retrying(&self) {
        self.timers.set_value(None);
        self.backoff.update(Backoff::reset);
    }
}

fn now_ms() -> u64 {
    js_sys::Date::now() as u64
}

/// A new contact id: UUIDv7 from the clock and the browser's random source.
pub fn new_id() -> Uuid {
    let mut random = [0u8; 10];
    if let Some(crypto) = web_sys::window().and_then(|w| w.crypto().ok()) {
        let _ = crypto.get_random_values_with_u8_array(&mut random);
    }
    uuid::Builder::from_unix_timestamp_millis(js_sys::Date::now() as u64, &random).into_uuid()
}
