//! The registry on the device. On first run the bundled seed (`/seeds/registry.json`, precached
//! by the service worker, so this works offline) is checked, stored in IndexedDB with its
//! version, then indexed; later runs read IndexedDB and never touch the seed again.

use indexed_db_futures::database::Database;
use leptos::prelude::*;
use repere_core::registry::Snapshot;
use repere_core::search::Finder;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

use crate::store;

/// Where the build puts the bundled registry (Trunk copies `seeds/`).
pub const SEED_URL: &str = "/seeds/registry.json";

/// What the device holds, once loaded.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Loaded {
    pub version: u64,
    pub places: usize,
}

/// The places the app searches, shared through context. The index is built once per start and
/// lives as long as the app (so screens can borrow places for good); `status` says how loading went.
#[derive(Clone, Copy)]
pub struct Registry {
    status: RwSignal<Option<Result<Loaded, String>>>,
    finder: StoredValue<Option<&'static Finder>, LocalStorage>,
}

impl Registry {
    /// Starts loading in the background; `then` receives the opened database, for the other
    /// rooms that keep data on the device (one opening per app start).
    pub fn load(then: impl FnOnce(Database) + 'static) -> Self {
        let registry = Registry { status: RwSignal::new(None), finder: StoredValue::new_local(None) };
        leptos::task::spawn_local(async move {
            crate::clock::next_task().await;
            let result = open_and_read(then).await.map(|(version, finder)| {
                let places = finder.places().len();
                registry.finder.set_value(Some(Box::leak(Box::new(finder))));
                Loaded { version, places }
            });
            if let Err(e) = &result {
                web_sys::console::error_1(&format!("registre : {e}").into());
            }
            registry.status.set(Some(result));
        });
        registry
    }

    /// `None` while loading.
    pub fn status(&self) -> Option<Result<Loaded, String>> {
        self.status.get()
    }

    /// The search index, once loaded (tracks loading).
    pub fn finder(&self) -> Option<&'static Finder> {
        self.status.track();
        self.finder.get_value()
    }
}

/// The one database opening of an app start: the registry, then the persistent-storage request
/// (worth asking once the device holds data).
async fn open_and_read(then: impl FnOnce(Database)) -> Result<(u64, Finder), String> {
    let db = store::open(store::DB_NAME).await?;
    let loaded = read_or_install(&db).await;
    store::remember_persistence(&db).await;
    then(db);
    loaded
}

async fn read_or_install(db: &Database) -> Result<(u64, Finder), String> {
    let (text, first_run) = match store::get_registry(db).await? {
        Some(text) => (text, false),
        None => (fetch_text(SEED_URL).await?, true),
    };
    let snapshot =
        Snapshot::from_json(text.as_bytes()).map_err(|errors| errors.iter().map(ToString::to_string).collect::<Vec<_>>().join("; "))?;
    if first_run {
        store::put_registry(db, snapshot.version, &text).await?;
    }
    Ok((snapshot.version, Finder::new(snapshot.places)))
}

/// The text at `url` (from the service worker's cache when offline).
pub(crate) async fn fetch_text(url: &str) -> Result<String, String> {
    let window = web_sys::window().ok_or("pas de fenêtre")?;
    let response: web_sys::Response =
        JsFuture::from(window.fetch_with_str(url)).await.map_err(|e| format!("{url} : {e:?}"))?.unchecked_into();
    if !response.ok() {
        return Err(format!("{url} : HTTP {}", response.status()));
    }
    let text = JsFuture::from(response.text().map_err(|e| format!("{e:?}"))?).await.map_err(|e| format!("{e:?}"))?;
    text.as_string().ok_or_else(|| format!("{url} : pas du texte"))
}
