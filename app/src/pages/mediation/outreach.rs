//! "Session sur le terrain": a market day, a bus stop, an event: a big tally for people simply
//! informed, and the contacts logged meanwhile attached to the session (core `activity::Outing`).

use leptos::prelude::*;
use repere_core::activity::OutingKind;
use repere_core::registry::Label;

use super::inputs::chips_one;
use super::stop::{StopChoice, tour_held};
use crate::gazetteer::Gazetteer;
use crate::outbox::Mediation;
use crate::registry::Registry;
use crate::session::Outreach;

#[component]
pub fn OutreachSession() -> impl IntoView {
    let m = expect_context::<Mediation>();
    let outreach = expect_context::<Outreach>();
    let gazetteer = expect_context::<Gazetteer>();
    let registry = expect_context::<Registry>();
    let kind = RwSignal::new(OutingKind::MarcheStand);
    let commune = RwSignal::new(String::new());
    // « Aucun de ces arrêts »: the bus in a commune, as before stops existed.
    let no_stop = RwSignal::new(false);
    let position = RwSignal::new(None);
    let at_stop = move || kind.get() == OutingKind::Bus && !no_stop.get() && tour_held(registry);
    let problem = RwSignal::new(None::<String>);
    let start = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let name = commune.get_untracked();
        let found = if name.trim().is_empty() {
            None
        } else {
            match gazetteer.best(&name) {
                Some(c) => Some(c),
                None => return problem.set(Some(format!("Commune « {name} » introuvable dans la Vienne."))),
            }
        };
        problem.set(outreach.start(kind.get_untracked(), found).err().map(|reason| sentence(&reason)));
    };
    let plus_one = move |_| {
        leptos::task::spawn_local(async move {
            match outreach.plus_one(m).await {
                Ok(()) => problem.set(None),
                Err(e) => problem.set(Some(format!("Non compté : {e}"))),
            }
        })
    };
    view! {
        <section class="outreach" aria-labelledby="session">
            <h2 id="session">"Session sur le terrain"</h2>
            {move || match outreach.current.get() {
                None => view! {
                    <form on:submit=start>
                        {chips_one("Où êtes-vous ?", "session-kind", OutingKind::ALL, move || Some(kind.get()), move |k| {
                            kind.set(k);
                            no_stop.set(false);
                        })}
                        {move || if at_stop() {
                            view! { <StopChoice none=no_stop position /> }.into_any()
                        } else {
                            view! {
                                <label class="field" for="session-commune">"Commune"</label>
                                <input id="session-commune" type="text" prop:value=move || commune.get() on:input=move |ev| commune.set(event_target_value(&ev)) />
                                <button type="submit" class="secondary">"Commencer la session"</button>
                            }.into_any()
                        }}
                    </form>
                    {move || outreach.ended.get().map(|o| view! {
                        <p class="notice" role="status">{format!(
                            "Session terminée — {} : {} personne(s) renseignée(s), {} contact(s) noté(s).", o.title(), o.quick, o.logged
                        )}</p>
                    })}
                }.into_any(),
                Some(o) => view! {
                    <p>{o.since()}</p>
                    <button type="button" class="big tally" on:click=plus_one>
                        "+1 personne renseignée"
                    </button>
                    <p role="status" class="pending">{format!("{} personne(s) renseignée(s), {} contact(s) noté(s) dans cette session", o.quick, o.logged)}</p>
                    <button type="button" class="secondary" on:click=move |_| outreach.end()>"Terminer la session"</button>
                }.into_any(),
            }}
            <p class="notice" role="alert">{move || problem.get()}</p>
        </section>
    }
}

/// "pour un événement, écrivez la commune" → "Pour un événement, écrivez la commune."
fn sentence(reason: &str) -> String {
    let mut chars = reason.chars();
    chars.next().map(|first| first.to_uppercase().chain(chars).collect::<String>() + ".").unwrap_or_default()
}
