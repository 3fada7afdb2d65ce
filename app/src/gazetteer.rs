//! The Vienne's communes on the device, for "Choisir ma commune" and for results measured from
//! a commune. The list is small and bundled (precached by the service worker).

use leptos::prelude::*;
use repere_core::territory::Territory;

use crate::registry::fetch_text;

pub const COMMUNES_URL: &str = "/seeds/communes-86.csv";

/// Shared through context; loads in the background at start.
#[derive(Clone, Copy)]
pub struct Gazetteer {
    ready: RwSignal<Option<Result<(), String>>>,
    territory: StoredValue<Option<Territory>, LocalStorage>,
}

impl Gazetteer {
    pub fn load() -> Self {
        let gazetteer = Gazetteer { ready: RwSignal::new(None), territory: StoredValue::new_local(None) };
        leptos::task::spawn_local(async move {
            crate::clock::next_task().await;
            let result = async {
                let text = fetch_text(COMMUNES_URL).await?;
                Territory::from_csv(text.as_bytes(), crate::text::FOLDER).map_err(|errors| crate::registry::words(&errors))
            }
            .await;
            let status = result.map(|territory| gazetteer.territory.set_value(Some(territory)));
            if let Err(e) = &status {
                web_sys::console::error_1(&format!("communes : {e}").into());
            }
            gazetteer.ready.set(Some(status));
        });
        gazetteer
    }

    /// Tracks loading; `None` while loading.
    pub fn ready(&self) -> Option<Result<(), String>> {
        self.ready.get()
    }

    /// The commune people most likely mean by `name` (code INSEE, name), once loaded.
    pub fn best(&self, name: &str) -> Option<(String, String)> {
        self.with(|t| t.search(name, 1).first().map(|c| (c.code_insee.clone(), c.nom.clone()))).flatten()
    }

    /// Runs `f` on the communes, once loaded.
    pub fn with<R>(&self, f: impl FnOnce(&Territory) -> R) -> Option<R> {
        self.territory.with_value(|t| t.as_ref().map(f))
    }
}
