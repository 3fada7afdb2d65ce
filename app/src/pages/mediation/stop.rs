//! « Arrêt du bus »: which stop of the tour the bus is at (core `activity::stops_now`), asked in
//! one tap — « Vous êtes à : … ? » Oui —, another stop of the short list, or none (then the
//! commune, as before stops existed). The phone's position is asked once (a recent fix is
//! enough); without it the stops are proposed by their hours only.

use leptos::prelude::*;
use repere_core::activity::{stops_by_name, stops_now};
use repere_core::proximity::LatLon;
use repere_core::registry::Stop;

use crate::registry::Registry;
use crate::session::Outreach;

/// Stops shown besides the first proposed: a short list, the whole tour is folded below.
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
    let registry = expect_context::<Registry>();
    let at = At { registry, outreach: expect_context::<Outreach>() };
    locate_once(position);
    move || {
        let places = registry.finder().map(|f| f.places()).unwrap_or_default();
        let visits = stops_now(places, crate::clock::now(), position.get().flatten());
        let first = visits.first().map(|v| {
            let id = v.stop.id.clone();
            view! {
                <p class="question">{format!("Vous êtes à : {} ({}) ?", v.stop.nom, v.passage())}</p>
                <button type="button" class="big" on:click=move |_| at.start(&id)>"Oui"</button>
            }
        });
        let others: Vec<_> = visits.iter().skip(1).take(OTHERS).map(|v| stop_button(at, v.stop, v.passage())).collect();
        let all: Vec<_> = stops_by_name(places).into_iter().map(|s| stop_button(at, s, s.commune.clone())).collect();
        view! {
            <div class="stop-choice" role="group" aria-label="Arrêt du bus">
                {first}
                <ul class="stops" role="list">{others}</ul>
                <details class="more">
                    <summary>{if visits.is_empty() { "Choisir l’arrêt" } else { "Un autre arrêt" }}</summary>
                    <ul class="stops" role="list">{all}</ul>
                </details>
                <button type="button" class="secondary" on:click=move |_| none.set(true)>"Aucun de ces arrêts"</button>
            </div>
        }
    }
}

/// One stop to tap: its name and, in brackets, its visit or its commune. One function for both
/// lists, so the bundle holds one copy of the view.
fn stop_button(at: At, stop: &Stop, detail: String) -> impl IntoView + use<> {
    let id = stop.id.clone();
    view! { <li><button type="button" class="secondary" on:click=move |_| at.start(&id)>{format!("{} ({detail})", stop.nom)}</button></li> }
}

/// What starting at a stop needs, copied into each button's handler.
#[derive(Clone, Copy)]
struct At {
    registry: Registry,
    outreach: Outreach,
}

impl At {
    /// Starts the session at the stop `id` of the tour held.
    fn start(self, id: &str) {
        let places = self.registry.finder().map(|f| f.places()).unwrap_or_default();
        if let Some(stop) = places.iter().flat_map(|p| &p.arrets).find(|s| s.id == id) {
            self.outreach.start_at(stop);
        }
    }
}
