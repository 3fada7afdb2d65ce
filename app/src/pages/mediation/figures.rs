//! « Mes chiffres »: the structure's figures of the year, offline too — what the server last sent
//! (kept on the phone with its date) plus the contacts this phone still holds unsent, added by
//! the core's `stats::Tally` (a mediator reads his own structure: exact counts, no "< 5").

use chrono::Datelike;
use leptos::prelude::*;
use repere_core::stats::{Breakdown, Facts, Figures, Places, Privacy, Tally, thousands};
use repere_core::sync::State;
use repere_protocol::stats::FiguresDto;

use crate::coordination::{Received, fetch_figures};
use crate::gazetteer::Gazetteer;
use crate::outbox::{Mediation, Record};
use crate::pages::coordination::charts::{DataTable, Row};
use crate::pages::coordination::filter::Asked;
use crate::registry::Registry;
use crate::store;

/// Key in `meta` of the structure's figures last received.
const FIGURES_KEY: &str = "mediation_figures";

/// Registry places and communes as this phone holds them.
struct Held {
    registry: Registry,
    gazetteer: Gazetteer,
}

impl Places for Held {
    fn commune_of_place(&self, id: &str) -> Option<String> {
        self.registry.finder()?.place(id)?.code_insee.clone()
    }
    fn epci_of(&self, commune: &str) -> Option<String> {
        self.gazetteer.with(|t| t.by_code(commune).map(|c| c.epci_siren.clone())).flatten()
    }
}

#[component]
pub fn MyFigures() -> impl IntoView {
    let m = expect_context::<Mediation>();
    let held = Held { registry: expect_context::<Registry>(), gazetteer: expect_context::<Gazetteer>() };
    let today = crate::clock::now().date();
    let query = Asked::this_year(today).query();
    let received = RwSignal::new(None::<Received>);
    let problem = RwSignal::new(None::<String>);
    // Kept figures first, then fresh ones; again after each successful sync, when what left the
    // phone is counted by the server.
    Effect::new(move |_| {
        m.last_sync.track();
        let (query, token) = (query.clone(), m.device.with(|d| d.as_ref().map(|d| d.token.clone())));
        leptos::task::spawn_local(async move {
            let Some(db) = m.database() else { return };
            if received.get_untracked().is_none() {
                received.set(store::get_meta(&db, FIGURES_KEY).await.ok().flatten());
            }
            let Some(token) = token else { return };
            match fetch_figures(&db, FIGURES_KEY, &token, query).await {
                Ok(r) => {
                    problem.set(None);
                    received.set(Some(r));
                }
                Err(e) => problem.set(Some(e)),
            }
        });
    });
    let shown = move || {
        let server = received.with(|r| r.as_ref().and_then(|r| serde_json::from_str::<FiguresDto>(&r.body).ok()?.figures().ok()));
        let mut tally = server.as_ref().and_then(Figures::to_tally).unwrap_or_default();
        // The structure's own key, as the server counts it.
        let structure = server.as_ref().and_then(|f| f.section(Breakdown::Structures).rows.first()?.code.parse().ok()).unwrap_or(0);
        let mut unsent = Tally::default();
        for (_, _, state, record) in m.entries(usize::MAX) {
            let Record::Contact(contact) = record else { continue };
            let day = contact.debut.date();
            if state == State::Waiting && day.year() == today.year() && day <= today {
                unsent.add(&Facts::of(&contact, structure, &held));
            }
        }
        tally.merge(&unsent);
        (Figures::from_tally(&tally, Privacy::Exact), unsent.totals.activites)
    };
    view! {
        <section class="my-figures" aria-labelledby="mes-chiffres">
            <h2 id="mes-chiffres">"Mes chiffres"</h2>
            <p class="hint">{move || {
                let dated = received.with(|r| r.as_ref().map(Received::dated)).unwrap_or_else(|| "Pas encore de chiffres du serveur".into());
                format!("Depuis le 1er janvier, pour votre structure. {dated}.")
            }}</p>
            <p class="notice" role="status">{move || problem.get().map(|p| format!("Chiffres du serveur non mis à jour ({p})."))}</p>
            {move || {
                let (figures, unsent) = shown();
                let t = figures.totals;
                let rows = t.headline()
                .map(|(label, n)| Row { key: String::new(), label: label.into(), count: thousands(n), share: String::new(), value: None })
                .to_vec();
                view! {
                    <DataTable rows first="Indicateur" caption="Mes chiffres de l’année".to_owned() />
                    <p class="hint">{match unsent {
                        0 => "Tous vos contacts sont comptés par le serveur.".to_owned(),
                        1 => "Dont 1 contact pas encore envoyé, compté sur ce téléphone.".to_owned(),
                        n => format!("Dont {n} contacts pas encore envoyés, comptés sur ce téléphone."),
                    }}</p>
                }
            }}
        </section>
    }
}
