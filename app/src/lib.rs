//! `repere-app`: the Repère PWA, Leptos client-side rendering, wasm32 only.
//!
//! Rooms: [`store`] keeps data on the device (IndexedDB), [`registry`] and [`gazetteer`] load
//! the places and communes into the core's search, [`pwa`] talks to the service worker (offline
//! shell, "a new version is ready"), [`route`] maps the address to a page, [`i18n`] holds the
//! chosen language, [`choices`] what the resident chose, [`geo`] and [`clock`] the device's
//! position and time. [`pages`] and [`components`] draw the screens and hold no business
//! logic — that lives in `repere-core`.
#![cfg(target_arch = "wasm32")]

pub mod choices;
pub mod clock;
pub mod components;
pub mod gazetteer;
pub mod geo;
pub mod i18n;
pub mod pages;
pub mod pwa;
pub mod registry;
pub mod route;
pub mod store;

/// Mounts the app on the page; the app loads the registry in the background.
pub fn start() {
    console_error_panic_hook_lite();
    leptos::mount::mount_to_body(pages::App);
}

/// Panics in wasm are otherwise a bare "unreachable"; log their message instead.
fn console_error_panic_hook_lite() {
    std::panic::set_hook(Box::new(|info| {
        web_sys::console::error_1(&info.to_string().into());
    }));
}
