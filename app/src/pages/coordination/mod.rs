//! The coordinators' space, its own page and bundle (`/coordination/`): the département's
//! inclusion team and the EPCI coordinators enrol a device once, then read what is done on their
//! territory — totals, month series, themes, the Vienne coloured by EPCI and commune — and
//! download the exports. The last figures received stay readable offline. Professional staff use
//! it; its words are French, as the mediators' space's. Two pages: the figures (`#/`) and where
//! help is missing (`#/couverture`); the third tab, « Registre », opens the registry's upkeep, a
//! bundle of its own at `/registre/` (`pages::registre`). One file per
//! part: `filter` (the period and territory asked), `dashboard` (the figures), `charts` (columns
//! and bars with their tables), `choropleth` (the coloured map), `exports` (the downloads),
//! `coverage` (communes beyond the threshold), `gaps` (the map of time to help), `planner` (new
//! stops, closings), `times` (a travel-time table sent from the page).

pub mod charts;
pub mod choropleth;
mod coverage;
mod dashboard;
mod exports;
pub mod filter;
mod gaps;
mod planner;
mod times;

use leptos::prelude::*;

use super::{EnrolForm, Section, frame, provide_shared, scroll_to_top};
use crate::coordination::Coordination;
use crate::registry::Registry;

/// The coordinators' app.
#[component]
pub fn CoordinatorApp() -> impl IntoView {
    provide_shared();
    provide_context(Coordination::start());
    // The registry the device holds: coverage measures time to its places.
    provide_context(Registry::load(|_| {}));
    // Folded tables are unfolded to print: the printed page carries every figure.
    let _ = window_event_listener(leptos::ev::beforeprint, |_| unfold_all());
    scroll_to_top();
    frame(Signal::stored(Section::Coordination), || view! { <CoordinationPage /> }.into_any())
}

#[component]
fn CoordinationPage() -> impl IntoView {
    let c = expect_context::<Coordination>();
    view! {
        <h1 tabindex="-1">"Espace coordination"</h1>
        {move || match (c.ready.get(), c.account.with(Option::is_some)) {
            (false, _) => view! { <p class="registry">"Chargement…"</p> }.into_any(),
            (true, true) => view! { <Pages /> }.into_any(),
            (true, false) => view! { <Enrol /> }.into_any(),
        }}
    }
}

/// The pages, one link apart; the address's `#` part says which (reload and back work).
#[derive(Clone, Copy, PartialEq)]
enum Tab {
    Figures,
    Coverage,
}

impl Tab {
    const ALL: [(Tab, &'static str, &'static str); 2] =
        [(Tab::Figures, "#/", "Chiffres"), (Tab::Coverage, "#/couverture", "Où l’aide manque")];

    fn of(hash: &str) -> Tab {
        if hash.starts_with("#/registre") {
            // An address from before the registry's pages had their own bundle.
            if let Some(w) = web_sys::window() {
                let _ = w.location().replace(&format!("{}#/fraicheur", crate::pages::REGISTRE_PATH));
            }
        }
        if hash.starts_with("#/couverture") { Tab::Coverage } else { Tab::Figures }
    }
}

#[component]
fn Pages() -> impl IntoView {
    let hash = RwSignal::new(crate::route::current_hash());
    let _ = window_event_listener(leptos::ev::hashchange, move |_| hash.set(crate::route::current_hash()));
    let tab = Memo::new(move |_| Tab::of(&hash.get()));
    view! {
        <nav class="tabs" aria-label="Pages de l’espace coordination">
            {Tab::ALL
                .map(|(t, href, name)| view! { <a href=href aria-current=move || (tab.get() == t).then_some("page")>{name}</a> })
                .collect_view()}
            <a href=crate::pages::REGISTRE_PATH>"Registre"</a>
        </nav>
        {move || match tab.get() {
            Tab::Figures => view! { <dashboard::Dashboard /> }.into_any(),
            Tab::Coverage => view! { <coverage::CoveragePage /> }.into_any(),
        }}
    }
}

#[component]
fn Enrol() -> impl IntoView {
    let c = expect_context::<Coordination>();
    view! {
        <EnrolForm
            intro="Pour lire les chiffres de votre territoire, cet appareil doit être inscrit une fois, avec le code de coordination donné par le Département."
            label="Code de coordination"
            button="Inscrire cet appareil"
            enrol=move |code: String| async move { c.enrol(&code).await }
        />
    }
}

fn unfold_all() {
    let Some(document) = web_sys::window().and_then(|w| w.document()) else { return };
    if let Ok(list) = document.query_selector_all("main details") {
        for i in 0..list.length() {
            if let Some(node) = list.item(i) {
                let _ = js_sys::Reflect::set(&node, &"open".into(), &true.into());
            }
        }
    }
}
