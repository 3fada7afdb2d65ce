//! Home: what do you need, and where — around me (geolocation) or a commune typed as people
//! type it. Both lead to the results.

use leptos::prelude::*;
use repere_core::consultation::Event;

use crate::choices::Choices;
use crate::components::{HelplineLink, NeedPicker};
use crate::gazetteer::Gazetteer;
use crate::geo;
use crate::i18n::texts;
use crate::registry::Registry;
use crate::route::{self, Origin, Route};
use crate::upkeep::Upkeep;

/// How many communes are suggested while typing.
const SUGGESTIONS: usize = 6;

#[component]
pub fn Home() -> impl IntoView {
    let t = texts();
    view! {
        <h1 tabindex="-1">{t.home_title}</h1>
        <p>{t.home_intro}</p>
        <section aria-labelledby="ou">
            <h2 id="ou">{t.where_title}</h2>
            <NearMe />
            <CommuneSearch />
        </section>
        <section aria-labelledby="besoin">
            <h2 id="besoin">{t.need_title}</h2>
            <p class="hint">{t.need_hint}</p>
            <NeedPicker />
        </section>
        <Passages />
        <RegistryStatus />
        <p>{t.helpline_hint}</p>
        <HelplineLink />
        <p class="hint">{t.counting_note}</p>
    }
}

/// What asking for the position looks like to the person.
#[derive(Clone, Copy, PartialEq)]
enum Locating {
    Idle,
    Busy,
    Failed,
}

#[component]
fn NearMe() -> impl IntoView {
    let t = texts();
    let state = RwSignal::new(Locating::Idle);
    let choices = expect_context::<Choices>();
    let locate = move |_| {
        state.set(Locating::Busy);
        leptos::task::spawn_local(async move {
            match geo::locate().await {
                Ok(point) => {
                    choices.origin.set(Some(Origin::Point(point)));
                    route::go(&Route::Results(Origin::Point(point)));
                }
                Err(e) => {
                    web_sys::console::warn_1(&format!("position : {e}").into());
                    state.set(Locating::Failed);
                    focus_commune_input();
                }
            }
        });
    };
    view! {
        <button type="button" class="big" on:click=locate disabled=move || state.get() == Locating::Busy>
            <span aria-hidden="true" class="icon">"◎"</span>
            {t.near_me}
        </button>
        <p class="notice" role="status">
            {move || match state.get() {
                Locating::Idle => "",
                Locating::Busy => t.locating,
                Locating::Failed => t.geo_failed,
            }}
        </p>
    }
}

fn focus_commune_input() {
    use wasm_bindgen::JsCast;
    if let Some(input) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.get_element_by_id("commune"))
        .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok())
    {
        let _ = input.focus();
    }
}

/// A text field with suggestions as real buttons below it: simple for touch, keyboard and
/// screen readers alike. Enter takes the first suggestion.
#[component]
fn CommuneSearch() -> impl IntoView {
    let t = texts();
    let gazetteer = expect_context::<Gazetteer>();
    let choices = expect_context::<Choices>();
    let query = RwSignal::new(String::new());
    let suggestions = Memo::new(move |_| {
        gazetteer.ready();
        let q = query.get();
        if q.trim().is_empty() {
            return Vec::new();
        }
        gazetteer
            .with(|territory| {
                territory
                    .search(&q, SUGGESTIONS)
                    .into_iter()
                    .map(|c| (c.code_insee.clone(), c.nom.clone(), c.codes_postaux.join(", ")))
                    .collect()
            })
            .unwrap_or_default()
    });
    let upkeep = expect_context::<Upkeep>();
    let pick = move |code: String| {
        // A search for a commune counts for it; « Autour de moi » names none (see `consultation`).
        upkeep.count(Event::Search(&code));
        let origin = Origin::Commune(code);
        choices.origin.set(Some(origin.clone()));
        route::go(&Route::Results(origin));
    };
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if let Some((code, _, _)) = suggestions.get_untracked().into_iter().next() {
            pick(code);
        }
    };
    view! {
        <form class="commune" role="search" on:submit=submit>
            <label for="commune">{t.commune_label}</label>
            <p class="hint" id="commune-aide">{t.commune_hint}</p>
            <input
                id="commune"
                type="text"
                autocomplete="address-level2"
                aria-describedby="commune-aide"
                prop:value=move || query.get()
                on:input=move |ev| query.set(event_target_value(&ev))
            />
            <p class="notice" role="status">
                {move || (!query.get().trim().is_empty() && gazetteer.ready().is_some() && suggestions.with(Vec::is_empty)).then_some(t.commune_none)}
            </p>
            <ul class="suggestions" role="list">
                <For each=move || suggestions.get() key=|(code, _, _)| code.clone() let:((code, nom, postcodes))>
                    <li>
                        <button type="button" on:click=move |_| pick(code.clone())>
                            <span class="suggestion-name">{nom}</span>
                            " "
                            <span class="suggestion-postcode">{postcodes}</span>
                        </button>
                    </li>
                </For>
            </ul>
        </form>
    }
}

/// « Prochains passages près de chez moi », once a commune or the position was chosen (this
/// visit of the app) and some place has a tour. Read once, not followed: home is drawn anew at
/// each visit, and a commune is chosen only after the registry is there.
#[component]
fn Passages() -> impl IntoView {
    let t = texts();
    let (choices, registry) = (expect_context::<Choices>(), expect_context::<Registry>());
    let tours = untrack(|| registry.finder()).is_some_and(|f| f.places().iter().any(|p| !p.arrets.is_empty()));
    let origin = choices.origin.get_untracked().filter(|_| tours)?;
    Some(view! { <p><a class="button secondary" href=Route::Passages(origin, 10).href()>{t.passages_title}</a></p> })
}

/// How many places this device knows, which also shows that they are there without network.
#[component]
fn RegistryStatus() -> impl IntoView {
    let t = texts();
    let registry = expect_context::<Registry>();
    view! {
        <p class="registry">
            {move || match registry.status() {
                None => t.loading_places.to_owned(),
                Some(Ok(loaded)) => (t.places_on_device)(loaded.places),
                Some(Err(_)) => t.places_failed.to_owned(),
            }}
        </p>
    }
}
