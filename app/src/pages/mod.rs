//! Screens: the frame every page shares (header with the orientation line, menu, languages),
//! then the page. Residents' pages ([`App`]), the mediators' space ([`mediation::MediatorApp`]),
//! the coordinators' space ([`coordination::CoordinatorApp`]) and the registry's upkeep
//! ([`registre::RegistreApp`]) are four bundles, four entry points (`src/main.rs`,
//! `src/bin/repere-mediation.rs`, `src/bin/repere-coordination.rs`, `src/bin/repere-registre.rs`):
//! a resident's phone never downloads the other screens. Changing language redraws everything in the new
//! words.

pub mod coordination;
mod home;
mod map;
pub mod mediation;
pub mod registre;
mod report;
mod results;
mod sheet;
mod tour;

pub use report::report_of;

use leptos::prelude::*;

use crate::choices::Choices;
use crate::components::{ConnectionStatus, HelplineLink, LanguagePicker, UpdateBanner};
use crate::gazetteer::Gazetteer;
use crate::i18n::{Locale, apply_to_document, texts};
use crate::pwa::Updater;
use crate::registry::Registry;
use crate::route::{self, Route};
use crate::upkeep::Upkeep;

/// Where the mediators' space is served (its own page and bundle; see `mediation.html`).
pub const MEDIATION_PATH: &str = "/mediation/";
/// Where the coordinators' space and the registry's upkeep are served (two pages and bundles,
/// one enrolment: see `coordination.html`, `registre.html`).
pub const COORDINATION_PATH: &str = "/coordination/";
pub const REGISTRE_PATH: &str = "/registre/";

/// The residents' app: search, results, sheets, map.
#[component]
pub fn App() -> impl IntoView {
    provide_shared();
    let upkeep = Upkeep::start();
    let registry = Registry::load(move |db| upkeep.attach(db));
    provide_context(registry);
    provide_context(upkeep);
    provide_context(Choices::default());
    let route = route::follow();
    let section = Signal::derive(move || match route.get() {
        Route::Map => Section::Map,
        _ => Section::Find,
    });
    frame(section, move || {
        let route = route.get();
        // Another page than a sheet: the next sheet drawn is a new visit (see `sheet_shown`).
        if !matches!(route, Route::Place(_)) {
            upkeep.sheet_left();
        }
        let page = match route {
            Route::Home => view! { <home::Home /> }.into_any(),
            Route::Results(origin) => view! { <results::Results origin /> }.into_any(),
            Route::Place(id) => view! { <sheet::Sheet id stop=false /> }.into_any(),
            Route::Stop(id) => view! { <sheet::Sheet id stop=true /> }.into_any(),
            Route::Passages(origin, km) => view! { <tour::Passages origin km /> }.into_any(),
            Route::Map => view! { <map::Map /> }.into_any(),
            Route::Mediation => {
                // An address from before the mediators' space had its own page.
                if let Some(w) = web_sys::window() {
                    let _ = w.location().replace(MEDIATION_PATH);
                }
                ().into_any()
            }
        };
        scroll_to_top();
        page
    })
}

/// What both bundles provide: the service worker's updates, the communes, the language.
pub(crate) fn provide_shared() {
    let updater = Updater::new();
    updater.register();
    provide_context(updater);
    provide_context(Gazetteer::load());
    provide_context(Locale::remembered());
}

/// The menu entry the page belongs to.
#[derive(Clone, Copy, PartialEq)]
pub(crate) enum Section {
    Find,
    Map,
    Mediation,
    /// The coordinators' space: no entry of the menu (residents and mediators need none).
    Coordination,
}

/// The frame around `page` (a view that follows its own signals), redrawn whole when the
/// language changes.
pub(crate) fn frame(section: Signal<Section>, page: impl Fn() -> AnyView + Clone + Send + Sync + 'static) -> impl IntoView {
    let locale = expect_context::<Locale>();
    move || {
        apply_to_document(locale.get());
        framed(section, page.clone())
    }
}

fn framed(section: Signal<Section>, page: impl Fn() -> AnyView + Send + Sync + 'static) -> impl IntoView {
    let t = texts();
    let current = move |s: Section| (section.get() == s).then_some("page");
    // Menu links are absolute: the mediators' space is another page, under /mediation/.
    view! {
        <a class="skip" href="#contenu" on:click=|ev| { ev.prevent_default(); focus_heading(); }>{t.skip_to_content}</a>
        <header class="top">
            <a class="brand" href="/#/">"Repère"</a>
            <HelplineLink />
        </header>
        <nav class="menu" aria-label=t.nav_label>
            <a href="/#/" aria-current=move || current(Section::Find)>{t.nav_home}</a>
            <a href="/#/carte" aria-current=move || current(Section::Map)>{t.nav_map}</a>
            <a href=MEDIATION_PATH aria-current=move || current(Section::Mediation)>{t.nav_mediation}</a>
            <LanguagePicker />
        </nav>
        <UpdateBanner />
        <ConnectionStatus />
        <main id="contenu">{page}</main>
    }
}

fn scroll_to_top() {
    request_animation_frame(move || {
        if let Some(w) = web_sys::window() {
            w.scroll_to_with_x_and_y(0.0, 0.0);
        }
    });
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

/// A device's enrolment with a one-time code, as both spaces ask it: `enrol` exchanges the code
/// (the space's context holds what follows); a refusal is said in the status line.
#[component]
pub fn EnrolForm<F, Fut>(intro: &'static str, label: &'static str, button: &'static str, enrol: F) -> impl IntoView
where
    F: Fn(String) -> Fut + Copy + 'static,
    Fut: std::future::Future<Output = Result<(), String>> + 'static,
{
    let code = RwSignal::new(String::new());
    let message = RwSignal::new(None::<String>);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        leptos::task::spawn_local(async move {
            message.set(Some("Vérification…".into()));
            match enrol(code.get_untracked().trim().to_owned()).await {
                Ok(()) => message.set(None),
                Err(e) => message.set(Some(format!("Code refusé : {e}"))),
            }
        });
    };
    view! {
        <p>{intro}</p>
        <form class="commune" on:submit=submit>
            <label for="code">{label}</label>
            <input id="code" type="text" autocomplete="off" prop:value=move || code.get() on:input=move |ev| code.set(event_target_value(&ev)) />
            <p class="notice" role="status">{move || message.get()}</p>
            <button type="submit" class="big">{button}</button>
        </form>
    }
}
