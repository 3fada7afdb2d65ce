//! `repere-app`: the Repère PWA, Leptos client-side rendering, wasm32 only.
//!
//! Rooms: [`store`] keeps data on the device (IndexedDB), [`registry`] and [`gazetteer`] load
//! the places and communes into the core's search, [`pwa`] talks to the service worker (offline
//! shell, "a new version is ready"), [`route`] maps the address to a page, [`i18n`] holds the
//! chosen language, [`choices`] what the resident chose, [`geo`] and [`clock`] the device's
//! position and time, [`outbox`] the mediators' enrolment, outbox and sync, [`session`] their
//! outreach sessions, [`coordination`] the coordinators' enrolment, figures and downloads,
//! [`net`] the API's HTTP for both spaces, [`text`] the browser's accent stripping for the core's search,
//! [`upkeep`] the residents' reports and consultation counts. [`pages`]
//! and [`components`] draw the screens and hold no business logic — that lives in `repere-core`.
#![cfg(target_arch = "wasm32")]

pub mod choices;
pub mod clock;
pub mod components;
pub mod coordination;
pub mod gazetteer;
pub mod geo;
pub mod i18n;
pub mod net;
pub mod outbox;
pub mod pages;
pub mod poster;
pub mod pwa;
pub mod registry;
pub mod route;
pub mod session;
pub mod store;
pub mod text;
pub mod upkeep;

/// Mounts `app` (the root of one of the three bundles, see [`pages`]) in place of the static shell
/// of its HTML page once that shell is on screen (two animation frames: the first frame's paint
/// is then done), so a slow phone shows the title and the orientation line as early as possible.
/// The app loads the registry in the background.
pub fn start<V: leptos::IntoView + 'static>(app: fn() -> V) {
    console_error_panic_hook_lite();
    leptos::prelude::request_animation_frame(move || leptos::prelude::request_animation_frame(move || mount(app)));
}

fn mount<V: leptos::IntoView + 'static>(app: fn() -> V) {
    use wasm_bindgen::JsCast;
    let root = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.get_element_by_id("app"))
        .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok());
    match root {
        Some(root) => {
            root.set_inner_html("");
            leptos::mount::mount_to(root, app).forget();
        }
        None => leptos::mount::mount_to_body(app),
    }
}

/// Panics in wasm are otherwise a bare "unreachable"; log their message instead.
fn console_error_panic_hook_lite() {
    std::panic::set_hook(Box::new(|info| {
        web_sys::console::error_1(&info.to_string().into());
    }));
}
