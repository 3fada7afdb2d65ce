//! An outreach session (market day, bus stop, event): where it is, the place its contacts
//! take, and its "+1 personne renseignée" quick contacts. The app keeps the session in progress
//! on the phone; the contacts go through the outbox like any other, each with the session's id.

use chrono::{NaiveDateTime, Timelike};
use uuid::Uuid;

use super::*;
use crate::registry::Stop;

taxonomy!(
    /// Where the mediator is for the session (codes kept on the phone with the session).
    OutingKind, "session" {
    MarcheStand => "marche", "Marché ou stand",
    Bus => "bus", "Arrêt du bus",
    Evenement => "evenement", "Événement",
});

/// A quick count is a short exchange.
pub const QUICK_MINUTES: u16 = 5;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Outing {
    pub id: Uuid,
    pub kind: OutingKind,
    /// Commune where it happens (code INSEE, name), when given; a stop's commune at a stop.
    pub commune: Option<(String, String)>,
    /// The tour's stop the bus is at (its id and name), when the mediator said so.
    pub stop: Option<(String, String)>,
    /// Local time it started.
    pub started: NaiveDateTime,
    /// "+1 personne renseignée" so far.
    pub quick: u32,
    /// Contacts logged with the form during the session.
    pub logged: u32,
}

impl Outing {
    /// A session starting at `started`; an event happens somewhere, so it needs its commune.
    pub fn start(id: Uuid, kind: OutingKind, commune: Option<(String, String)>, started: NaiveDateTime) -> Result<Outing, Problem> {
        if kind == OutingKind::Evenement && commune.is_none() {
            return Err(Problem { field: "commune", reason: "pour un événement, écrivez la commune".to_owned() });
        }
        Ok(Outing { id, kind, commune, stop: None, started, quick: 0, logged: 0 })
    }

    /// A bus session at a stop of the tour: its contacts count under the stop and its commune.
    pub fn at_stop(id: Uuid, stop: &Stop, started: NaiveDateTime) -> Outing {
        Outing {
            id,
            kind: OutingKind::Bus,
            commune: Some((stop.code_insee.clone(), stop.commune.clone())),
            stop: Some((stop.id.clone(), stop.nom.clone())),
            started,
            quick: 0,
            logged: 0,
        }
    }

    /// Where contacts of this session took place.
    pub fn lieu(&self) -> Lieu {
        match (self.kind, &self.commune, &self.stop) {
            (OutingKind::Bus, Some((code, _)), Some((id, _))) => Lieu::Arret { id: id.clone(), commune: code.clone() },
            (OutingKind::Bus, commune, _) => Lieu::Bus(commune.as_ref().map(|(code, _)| code.clone())),
            (OutingKind::Evenement, Some((code, _)), _) => Lieu::Commune(code.clone()),
            (_, commune, _) => Lieu::MarcheStand(commune.as_ref().map(|(code, _)| code.clone())),
        }
    }

    /// "Marché ou stand, Civray"; at a stop, the stop's name ("Bus connecté — Vouillé").
    pub fn title(&self) -> String {
        match (&self.stop, &self.commune) {
            (Some((_, nom)), _) => nom.clone(),
            (None, Some((_, nom))) => format!("{}, {nom}", self.kind.label()),
            (None, None) => self.kind.label().to_owned(),
        }
    }

    /// "Marché ou stand, Civray — depuis 09:05".
    pub fn since(&self) -> String {
        format!("{} — depuis {:02}:{:02}", self.title(), self.started.hour(), self.started.minute())
    }

    /// "+1 personne renseignée": a quick contact (no theme) in this session, at `now`.
    pub fn quick_contact(&self, id: Uuid, now: NaiveDateTime) -> Contact {
        Contact {
            id,
            type_activite: TypeActivite::Ponctuel,
            debut: now,
            duree_min: QUICK_MINUTES,
            lieu: self.lieu(),
            thematiques: LabelSet::new(),
            thematiques_administratives: LabelSet::new(),
            materiel: LabelSet::new(),
            autonomie: None,
            orientation: None,
            niveau_atelier: None,
            beneficiaire: Beneficiaire::default(),
            participants: Participants::default(),
            session: Some(self.id),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(h: u32, m: u32) -> NaiveDateTime {
        chrono::NaiveDate::from_ymd_opt(2026, 11, 28).unwrap().and_hms_opt(h, m, 0).unwrap()
    }

    fn v7() -> Uuid {
        uuid::Builder::from_unix_timestamp_millis(1_764_000_000_000, &[7; 10]).into_uuid()
    }

    fn civray() -> Option<(String, String)> {
        Some(("86078".into(), "Civray".into()))
    }

    #[test]
    fn an_event_needs_its_commune_and_gives_it_as_the_place() {
        let refused = Outing::start(v7(), OutingKind::Evenement, None, at(9, 5)).unwrap_err();
        assert_eq!(refused.to_string(), "commune : pour un événement, écrivez la commune");
        let event = Outing::start(v7(), OutingKind::Evenement, civray(), at(9, 5)).unwrap();
        assert_eq!(event.lieu(), Lieu::Commune("86078".into()));
        assert_eq!(event.since(), "Événement, Civray — depuis 09:05");
    }

    #[test]
    fn a_market_or_a_bus_stop_is_their_own_kind_of_place_in_the_commune_given() {
        let market = Outing::start(v7(), OutingKind::MarcheStand, civray(), at(14, 30)).unwrap();
        assert_eq!((market.lieu(), market.title().as_str()), (Lieu::MarcheStand(Some("86078".into())), "Marché ou stand, Civray"));
        let bus = Outing::start(v7(), OutingKind::Bus, None, at(14, 30)).unwrap();
        assert_eq!((bus.lieu(), bus.title().as_str()), (Lieu::Bus(None), "Arrêt du bus"));
    }

    #[test]
    fn a_quick_contact_is_valid_without_a_theme_and_belongs_to_the_session() {
        let bus = Outing::start(v7(), OutingKind::Bus, None, at(14, 30)).unwrap();
        let quick = bus.quick_contact(v7(), at(14, 42));
        assert_eq!(quick.check(), vec![]);
        assert_eq!((quick.session, quick.type_activite, quick.duree_min), (Some(bus.id), TypeActivite::Ponctuel, QUICK_MINUTES));
    }

    #[test]
    fn kinds_keep_the_codes_phones_already_store() {
        let codes: Vec<_> = OutingKind::ALL.iter().map(|k| k.code()).collect();
        assert_eq!(codes, ["marche", "bus", "evenement"]);
        assert_eq!(OutingKind::from_code("evenement"), Some(OutingKind::Evenement));
    }
}
