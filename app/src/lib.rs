//! `repere-app`: the Repère PWA, Leptos client-side rendering, wasm32 only.
//!
//! Rooms: [`store`] keeps data on the device (IndexedDB), [`registry`] and [`gazetteer`] load
//! the places and communes into the core's search, [`pwa`] talks to the service worker (offline
//! shell, "a new version is ready"), [`route`] maps the address to a page, [`i18n`] holds the
//! chosen language, [`choices`] what the resident chose, [`geo`] and [`clock`] the device's
//! position and time, [`outbox`] the mediators' enrolment, outbox and sync, [`session`] their outreach sessions. [`pages`] and [`components`] draw the screens and hold no business
//! logic — that lives in `repere-core`.
#![cfg(target_arch = "wasm32")]

pub mod choices;
pub mod clock;
pub mod components;
pub mod gazetteer;
pub mod geo;
pub mod i18n;
pub mod outbox;
pub mod pages;
pub mod pwa;
pub mod registry;
pub mod route;
pub mod session;
pub mod store;

/// Mounts the app in place of the static shell of `index.html` once that shell is on screen
/// (two animation frames: the first frame's paint is then done), so a slow phone shows the title
/// and the orientation line as early as possible. The app loads the registry in the background.
pub fn start() {
    console_error_panic_hook_lite();
    leptos::prelude::request_animation_frame(|| leptos::prelude::request_animation_frame(mount));
}

fn mount() {
    use wasm_bindgen::JsCast;
    let root = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.get_element_by_id("app"))
        .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok());
    match root {
        Some(root) => {
            root.set_inner_html("");
            leptos::mount::mount_to(root, pages::App).forget();
        }
        None => leptos::mount::mount_to_body(pages::App),
    }
}

/// Panics in wasm are otherwise a bare "unreachable"; log their message instead.
fn console_error_panic_hook_lite() {
    std::panic::set_hook(Box::new(|info| {
        web_sys::console::error_1(&info.to_string().into());
    }));
}
