//! Outreach sessions (market day, bus stop, event): the session in progress, its "+1 personne
//! renseignée" tally and the contacts logged in it. The contacts themselves go through the outbox
//! like any other (each carries the session id); the tally kept here is only for the summary.

use leptos::prelude::*;
use repere_core::activity::{Beneficiaire, Contact, Lieu, Participants, TypeActivite};
use repere_core::registry::LabelSet;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::clock;
use crate::outbox::{Mediation, new_id};

const KEY: &str = "repere.session";
/// A quick count is a short exchange.
const QUICK_MINUTES: u16 = 5;

/// Kinds of outing, with their words.
pub const KINDS: [(&str, &str); 3] = [("marche", "Marché ou stand"), ("bus", "Arrêt du bus"), ("evenement", "Événement")];

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Outing {
    pub id: Uuid,
    pub kind: String,
    /// Commune where it happens (code INSEE, name), when given.
    pub commune: Option<(String, String)>,
    /// Local time it started, `AAAA-MM-JJTHH:MM:SS`.
    pub started: String,
    pub quick: u32,
    pub logged: u32,
}

impl Outing {
    /// Where contacts of this session took place.
    pub fn lieu(&self) -> Lieu {
        match (self.kind.as_str(), &self.commune) {
            ("bus", _) => Lieu::Bus,
            ("evenement", Some((code, _))) => Lieu::Commune(code.clone()),
            _ => Lieu::MarcheStand,
        }
    }

    pub fn title(&self) -> String {
        let kind = KINDS.iter().find(|(k, _)| *k == self.kind).map_or("Session", |(_, label)| label);
        match &self.commune {
            Some((_, nom)) => format!("{kind}, {nom}"),
            None => kind.to_owned(),
        }
    }
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
    /// The session in progress survives a reload (the phone may restart at the stand).
    pub fn remembered() -> Self {
        let current = storage().and_then(|s| s.get_item(KEY).ok().flatten()).and_then(|t| serde_json::from_str(&t).ok());
        Outreach { current: RwSignal::new(current), ended: RwSignal::new(None) }
    }

    fn keep(&self, outing: Option<Outing>) {
        if let Some(s) = storage() {
            let _ = match &outing {
                Some(o) => s.set_item(KEY, &serde_json::to_string(o).expect("serialisable")),
                None => s.remove_item(KEY),
            };
        }
        self.current.set(outing);
    }

    pub fn start(&self, kind: &str, commune: Option<(String, String)>) {
        let started = repere_protocol::write_local_time(clock::now());
        self.ended.set(None);
        self.keep(Some(Outing { id: new_id(), kind: kind.to_owned(), commune, started, quick: 0, logged: 0 }));
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
        let contact = Contact {
            id: new_id(),
            type_activite: TypeActivite::Ponctuel,
            debut: clock::now(),
            duree_min: QUICK_MINUTES,
            lieu: outing.lieu(),
            thematiques: LabelSet::new(),
            thematiques_administratives: LabelSet::new(),
            materiel: LabelSet::new(),
            autonomie: None,
            orientation: None,
            niveau_atelier: None,
            beneficiaire: Beneficiaire::default(),
            participants: Participants::default(),
            session: Some(outing.id),
        };
        m.save(contact).await?;
        outing.quick += 1;
        self.keep(Some(outing));
        Ok(())
    }
}
