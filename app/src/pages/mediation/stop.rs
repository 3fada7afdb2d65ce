//! « Arrêt du bus »: which stop of the tour the bus is at (core `activity::stops_now`), asked in
//! one tap — « Vous êtes à : … ? » Oui —, another stop of the short list, or none (then the
//! commune, as before stops existed). The phone's position is asked once (a recent fix is
//! enough); without it the stops are proposed by their hours only.

use leptos::prelude::*;
use repere_core::activity::{stops_by_name, stops_now};
use repere_core::proximity::LatLon;

use crate::registry::Registry;
use crate::session::Outreach;

/// Stops shown besides the first proposed: a short list, the whole tour is in the menu below.
const OTHERS: usize = 3;

/// Whether the phone holds a tour to choose from.
pub fn tour_held(registry: Registry) -> bool {
    registry.finder().is_some_and(|f| f.places().iter().any(|p| !p.arrets.is_empty()))
}

/// Asks the phone's position into `position`, once: a bus session started again on the same
/// page reuses it.
pub fn locate_once(position: RwSignal<Option<Option<LatLon>>>) {
    if position.get_untracked().is_some() {
        return;
    }
    position.set(Some(None));
    leptos::task::spawn_local(async move {
        match crate::geo::locate().await {
            Ok(at) => position.set(Some(Some(at))),
            Err(e) => web_sys::console::info_1(&format!("position : {e}").into()),
        }
    });
}

/// The choice of a stop; `none` is set when the mediator says the bus is at none of them.
/// `position`: `None` not asked yet, `Some(None)` asked (or refused), `Some(Some(_))` known.
#[component]
pub fn StopChoice(none: RwSignal<bool>, position: RwSignal<Option<Option<LatLon>>>) -> impl IntoView {
    let outreach = expect_context::<Outreach>();
    let registry = expect_context::<Registry>();
    locate_once(position);
    let chosen = RwSignal::new(String::new());
    let start = move |id: &str| {
        let places = registry.finder().map(|f| f.places()).unwrap_or_default();
        if let Some(stop) = places.iter().flat_map(|p| &p.arrets).find(|s| s.id == id) {
            outreach.start_at(stop);
        }
    };
    move || {
        let places = registry.finder().map(|f| f.places()).unwrap_or_default();
        let all = stops_by_name(places);
        let visits = stops_now(places, crate::clock::now(), position.get().flatten());
        let first = visits.first().map(|v| {
            let id = v.stop.id.clone();
            view! {
                <p class="question">{format!("Vous êtes à : {} ({}) ?", v.stop.nom, v.passage())}</p>
                <button type="button" class="big" on:click=move |_| start(&id)>"Oui"</button>
            }
        });
        let others = visits
            .iter()
            .skip(1)
            .take(OTHERS)
            .map(|v| {
                let id = v.stop.id.clone();
                view! { <li><button type="button" class="secondary" on:click=move |_| start(&id)>{format!("{} ({})", v.stop.nom, v.passage())}</button></li> }
            })
            .collect_view();
        let options =
            all.iter().map(|s| view! { <option value=s.id.clone()>{format!("{} ({})", s.nom, s.commune)}</option> }).collect_view();
        view! {
            <div class="stop-choice" role="group" aria-label="Arrêt du bus">
                {first}
                <ul class="stops" role="list">{others}</ul>
                <label class="field" for="session-stop">{if visits.is_empty() { "Arrêt" } else { "Un autre arrêt" }}</label>
                <select id="session-stop" on:change=move |ev| chosen.set(event_target_value(&ev))>
                    <option value="">"Choisir un arrêt"</option>
                    {options}
                </select>
                <button type="button" class="secondary" on:click=move |_| start(&chosen.get_untracked())>"Commencer à cet arrêt"</button>
                <button type="button" class="link" on:click=move |_| none.set(true)>"Aucun de ces arrêts"</button>
            </div>
        }
    }
}
