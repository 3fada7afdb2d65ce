//! The registry on the device. On first run the bundled seed (`/seeds/registry.json`, precached
//! by the service worker, so this works offline) is read, stored in IndexedDB with its
//! version, then indexed; later runs read IndexedDB and do not touch the seed again (unless what
//! the device holds can no longer be read: an older release's form, or damage).
//!
//! When online (at start, on the `online` event, and with each mediator's sync) the device pulls
//! what changed since its version (`/api/v1/registry?since=N`); the core applies it, and the new
//! registry and its version are stored in one IndexedDB transaction before the app searches it.

use indexed_db_futures::database::Database;
use leptos::prelude::*;
use repere_core::registry::{ImportError, Snapshot, Update};
use repere_core::search::Finder;
use repere_protocol::registry::RegistryDto;
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
    db: StoredValue<Option<Database>, LocalStorage>,
    pulling: StoredValue<bool>,
}

impl Registry {
    /// Starts loading in the background; `then` receives the opened database, for the other
    /// rooms that keep data on the device (one opening per app start).
    pub fn load(then: impl FnOnce(Database) + 'static) -> Self {
        let registry = Registry {
            status: RwSignal::new(None),
            finder: StoredValue::new_local(None),
            db: StoredValue::new_local(None),
            pulling: StoredValue::new(false),
        };
        leptos::task::spawn_local(async move {
            crate::clock::next_task().await;
            let result = match store::open(store::DB_NAME).await {
                Ok(db) => {
                    let loaded = read_or_install(&db).await;
                    store::remember_persistence(&db).await;
                    registry.db.set_value(Some(db.clone()));
                    then(db);
                    loaded
                }
                Err(e) => Err(e),
            };
            match result {
                Ok((version, finder)) => registry.show(version, finder),
                Err(e) => {
                    web_sys::console::error_1(&format!("registre : {e}").into());
                    registry.status.set(Some(Err(e)));
                }
            }
            registry.pull().await;
        });
        let _ = window_event_listener(leptos::ev::online, move |_| leptos::task::spawn_local(registry.pull()));
        registry
    }

    /// Searches `finder` from now on. The index lives as long as the app, since screens borrow
    /// its places; a registry update (rare: a few a year) leaves the older one in memory.
    fn show(&self, version: u64, finder: Finder) {
        let places = finder.places().len();
        self.finder.set_value(Some(Box::leak(Box::new(finder))));
        self.status.set(Some(Ok(Loaded { version, places })));
    }

    /// Brings the registry up to the server's version, if online and anything changed. On any
    /// failure the device keeps the registry it holds, and tries again at the next occasion.
    pub async fn pull(self) {
        let online = web_sys::window().is_some_and(|w| w.navigator().on_line());
        let (Some(db), Some(Ok(loaded)), Some(finder)) = (self.db.get_value(), self.status.get_untracked(), self.finder.get_value()) else {
            return;
        };
        if !online || self.pulling.get_value() {
            return;
        }
        self.pulling.set_value(true);
        match pull_since(&db, loaded.version, finder).await {
            Ok(Some(newer)) => self.show(newer.version, Finder::new(newer.places, crate::text::FOLDER)),
            Ok(None) => {}
            Err(e) => web_sys::console::warn_1(&format!("registre : mise à jour impossible : {e}").into()),
        }
        self.pulling.set_value(false);
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

/// The server's changes applied to the registry held (`version`, searched by `finder`), stored;
/// None when nothing changed (the usual answer: the places are copied only when needed).
async fn pull_since(db: &Database, version: u64, finder: &Finder) -> Result<Option<Snapshot>, String> {
    let text = fetch_text(&format!("/api/v1/registry?since={version}")).await?;
    let update = RegistryDto::from_json(text.as_bytes()).and_then(|doc| doc.checked_update()).map_err(|errors| words(&errors))?;
    if matches!(&update, Update::Delta(d) if d.is_empty()) {
        return Ok(None);
    }
    let held = Snapshot { version, places: finder.places().to_vec() };
    let newer = held.apply(update).map_err(|e| e.to_string())?;
    let json = String::from_utf8(RegistryDto::from(&newer).to_json()).map_err(|e| e.to_string())?;
    store::put_registry(db, newer.version, &json).await?;
    Ok(Some(newer))
}

/// The registry this device holds, or on first run the one bundled with the app, stored. Each
/// step runs in its own turn of the event loop (JSON, places, storing, index), so that none
/// freezes the first screen for long on a slow phone.
async fn read_or_install(db: &Database) -> Result<(u64, Finder), String> {
    if let Some(text) = store::get_registry(db).await? {
        match read(&text).await {
            Ok(snapshot) => return Ok((snapshot.version, index(snapshot.places).await)),
            // Stored by an older release in a form this one no longer reads (or damaged): start
            // again from the bundled registry; the pull that follows brings the server's.
            Err(e) => web_sys::console::warn_1(&format!("registre : stocké illisible, réinstallé : {e}").into()),
        }
    }
    // Checked whole by the seed builder (and its tests); its opening hours come compiled.
    let text = fetch_text(SEED_URL).await?;
    let snapshot = read(&text).await?;
    crate::clock::next_task().await;
    store::put_registry(db, snapshot.version, &text).await?;
    Ok((snapshot.version, index(snapshot.places).await))
}

/// A registry in the device format, read by the core: the JSON, then (next turn) the places.
async fn read(text: &str) -> Result<Snapshot, String> {
    let doc = RegistryDto::from_json(text.as_bytes()).map_err(|errors| words(&errors))?;
    crate::clock::next_task().await;
    doc.checked_snapshot().map_err(|errors| words(&errors))
}

async fn index(places: Vec<repere_core::registry::Place>) -> Finder {
    crate::clock::next_task().await;
    Finder::new(places, crate::text::FOLDER)
}

/// Import problems on one line, for the console.
pub(crate) fn words(errors: &[ImportError]) -> String {
    errors.iter().map(ToString::to_string).collect::<Vec<_>>().join("; ")
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
