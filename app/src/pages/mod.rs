//! Screens: the frame every page shares (header with the orientation line, languages, menu),
//! then the page the address names. Changing language redraws everything in the new words.

mod home;
mod map;
mod mediation;
mod results;
mod sheet;

use leptos::prelude::*;

use crate::choices::Choices;
use crate::components::{ConnectionStatus, HelplineLink, LanguagePicker, UpdateBanner};
use crate::gazetteer::Gazetteer;
use crate::i18n::{Locale, apply_to_document, texts};
use crate::outbox::Mediation;
use crate::pwa::Updater;
use crate::session::Outreach;
use crate::registry::Registry;
use crate::route::{self, Route};

/// The whole app.
#[component]
pub fn App() -> impl IntoView {
    let updater = Updater::new();
    updater.register();
    provide_context(updater);
    let mediation = Mediation::new();
    provide_context(mediation);
    provide_context(Outreach::remembered());
    let registry = Registry::load(move |db| mediation.attach(db));
    mediation.pull_with(registry);
    provide_context(registry);
    provide_context(Gazetteer::load());
    provide_context(Choices::new());
    let locale = Locale::remembered();
    provide_context(locale);
    let route = route::follow();
    move || {
        let lang = locale.get();
        apply_to_document(lang);
        view! { <Frame route /> }
    }
}

#[component]
fn Frame(route: ReadSignal<Route>) -> impl IntoView {
    let t = texts();
    view! {
        <a class="skip" href="#contenu" on:click=|ev| { ev.prevent_default(); focus_heading(); }>{t.skip_to_content}</a>
        <header class="top">
            <a class="brand" href="#/">"Repère"</a>
            <HelplineLink />
        </header>
        <nav class="menu" aria-label=t.nav_label>
            <a href="#/" aria-current=move || matches!(route.get(), Route::Home | Route::Results(_)).then_some("page")>{t.nav_home}</a>
            <a href="#/carte" aria-current=move || (route.get() == Route::Map).then_some("page")>{t.nav_map}</a>
            <a href="#/mediation" aria-current=move || (route.get() == Route::Mediation).then_some("page")>{t.nav_mediation}</a>
            <LanguagePicker />
        </nav>
        <UpdateBanner />
        <ConnectionStatus />
        <main id="contenu">
            {move || {
                let page = match route.get() {
                    Route::Home => view! { <home::Home /> }.into_any(),
                    Route::Results(origin) => view! { <results::Results origin /> }.into_any(),
                    Route::Place(id) => view! { <sheet::Sheet id /> }.into_any(),
                    Route::Map => view! { <map::Map /> }.into_any(),
                    Route::Mediation => view! { <mediation::MediationPage /> }.into_any(),
                };
                request_animation_frame(move || {
                    if let Some(w) = web_sys::window() {
                        w.scroll_to_with_x_and_y(0.0, 0.0);
                    }
                });
                page
            }}
        </main>
    }
}

/// Moves focus to the page's heading, so a screen reader announces the new page.
pub fn focus_heading() {
    use wasm_bindgen::JsCast;
    let heading = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.query_selector("main h1").ok().flatten())
        .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok());
    if let Some(h) = heading {
        let _ = h.focus();
    }
}
