//! The outreach session in progress (the core's `activity::Outing`), kept in `localStorage` so
//! it survives a reload (the phone may restart at the stand), and its "+1 personne renseignée".
//! The contacts themselves go through the outbox like any other (each carries the session id);
//! the tally kept here is only for the summary.

use leptos::prelude::*;
use repere_core::activity::{Outing, OutingKind};
use repere_core::registry::Stop;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::clock;
use crate::outbox::{Mediation, new_id};

const KEY: &str = "repere.session";

/// An `Outing` as stored: the kind's code and the local time as text, as phones already hold it.
#[derive(Serialize, Deserialize)]
struct Stored {
    id: Uuid,
    kind: String,
    commune: Option<(String, String)>,
    /// The tour's stop (id, name); absent from sessions stored before stops existed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    stop: Option<(String, String)>,
    started: String,
    quick: u32,
    logged: u32,
}

fn read(text: &str) -> Option<Outing> {
    let s: Stored = serde_json::from_str(text).ok()?;
    let started = repere_protocol::local_time(&s.started)?;
    let kind = OutingKind::from_code(&s.kind)?;
    Some(Outing { id: s.id, kind, commune: s.commune, stop: s.stop, started, quick: s.quick, logged: s.logged })
}

fn write(o: &Outing) -> String {
    let stored = Stored {
        id: o.id,
        kind: o.kind.code().to_owned(),
        commune: o.commune.clone(),
        stop: o.stop.clone(),
        started: repere_protocol::write_local_time(o.started),
        quick: o.quick,
        logged: o.logged,
    };
    serde_json::to_string(&stored).expect("serialisable")
}

#[derive(Clone, Copy)]
pub struct Outreach {
    pub current: RwSignal<Option<Outing>>,
    /// The session just ended, for its summary.
    pub ended: RwSignal<Option<Outing>>,
}

fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok().flatten()
}

impl Outreach {
    pub fn remembered() -> Self {
        let current = storage().and_then(|s| s.get_item(KEY).ok().flatten()).and_then(|t| read(&t));
        Outreach { current: RwSignal::new(current), ended: RwSignal::new(None) }
    }

    fn keep(&self, outing: Option<Outing>) {
        if let Some(s) = storage() {
            let _ = match &outing {
                Some(o) => s.set_item(KEY, &write(o)),
                None => s.remove_item(KEY),
            };
        }
        self.current.set(outing);
    }

    /// Starts a session, or says why not.
    pub fn start(&self, kind: OutingKind, commune: Option<(String, String)>) -> Result<(), String> {
        let outing = Outing::start(new_id(), kind, commune, clock::now()).map_err(|p| p.reason)?;
        self.ended.set(None);
        self.keep(Some(outing));
        Ok(())
    }

    /// Starts a bus session at a stop of the tour.
    pub fn start_at(&self, stop: &Stop) {
        self.ended.set(None);
        self.keep(Some(Outing::at_stop(new_id(), stop, clock::now())));
    }

    pub fn end(&self) {
        self.ended.set(self.current.get_untracked());
        self.keep(None);
    }

    /// Counts a contact logged with the form during the session.
    pub fn count_logged(&self) {
        if let Some(mut o) = self.current.get_untracked() {
            o.logged += 1;
            self.keep(Some(o));
        }
    }

    /// "+1 personne renseignée": a quick contact, saved like any other.
    pub async fn plus_one(&self, m: Mediation) -> Result<(), String> {
        let Some(mut outing) = self.current.get_untracked() else { return Err("aucune session en cours".into()) };
        m.save(outing.quick_contact(new_id(), clock::now())).await?;
        outing.quick += 1;
        self.keep(Some(outing));
        Ok(())
    }
}
