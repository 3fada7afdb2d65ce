//! The service worker, seen from the page: registration and the update flow.
//!
//! A new release installs in the background and then *waits*. The page shows "a new version is
//! ready" and only when the person taps "Mettre à jour" does the waiting worker take over, after
//! which the page reloads once. So a page never runs with half old, half new assets.

use gloo_events::EventListener;
use leptos::prelude::*;
use leptos::task::spawn_local;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::{ServiceWorkerContainer, ServiceWorkerRegistration, ServiceWorkerState};

/// Message the worker in `assets/sw.js` understands as "activate now".
const SKIP_WAITING: &str = "skip-waiting";

/// Whether a new version waits, and the means to switch to it. Cheap to copy into components.
#[derive(Clone, Copy)]
pub struct Updater {
    ready: RwSignal<bool>,
    registration: StoredValue<Option<ServiceWorkerRegistration>, LocalStorage>,
}

impl Updater {
    pub fn new() -> Self {
        Updater { ready: RwSignal::new(false), registration: StoredValue::new_local(None) }
    }

    /// True once a new version is installed and waiting for the person's consent.
    pub fn is_ready(&self) -> bool {
        self.ready.get()
    }

    /// Registers `/sw.js` and watches for new versions.
    pub fn register(self) {
        let Some(container) = container() else {
            // No service worker (old browser, or a non-secure origin): the app works online only.
            return;
        };
        spawn_local(async move {
            let registration: ServiceWorkerRegistration = match JsFuture::from(container.register("/sw.js")).await {
                Ok(r) => r.unchecked_into(),
                Err(e) => {
                    web_sys::console::warn_1(&e);
                    return;
                }
            };
            self.registration.set_value(Some(registration.clone()));
            // A worker already waiting from an earlier visit, while this page is controlled.
            if registration.waiting().is_some() && container.controller().is_some() {
                self.ready.set(true);
            }
            // Listeners live as long as the page: the registration and its workers do.
            let watched = registration.clone();
            EventListener::new(&registration, "updatefound", move |_| {
                let Some(installing) = watched.installing() else { return };
                let worker = installing.clone();
                let container = container.clone();
                let ready = self.ready;
                EventListener::new(&installing, "statechange", move |_| {
                    // With no controller this is the first install, not an update: nothing to say.
                    if worker.state() == ServiceWorkerState::Installed && container.controller().is_some() {
                        ready.set(true);
                    }
                })
                .forget();
            })
            .forget();
        });
    }

    /// Lets the waiting worker take over, then reloads once it controls the page.
    pub fn apply(self) {
        let (Some(container), Some(waiting)) = (container(), self.registration.get_value().and_then(|r| r.waiting())) else {
            return;
        };
        EventListener::once(&container, "controllerchange", |_| {
            if let Some(window) = web_sys::window() {
                let _ = window.location().reload();
            }
        })
        .forget();
        let _ = waiting.post_message(&SKIP_WAITING.into());
    }
}

impl Default for Updater {
    fn default() -> Self {
        Self::new()
    }
}

/// `navigator.serviceWorker`, absent in non-secure contexts.
fn container() -> Option<ServiceWorkerContainer> {
    let navigator = web_sys::window()?.navigator();
    let present = js_sys::Reflect::has(&navigator, &"serviceWorker".into()).unwrap_or(false);
    present.then(|| navigator.service_worker())
}
