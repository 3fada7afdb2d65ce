//! The registry on the device. On first run the bundled seed (`/seeds/registry.json`, precached
//! by the service worker, so this works offline) is read, stored in IndexedDB with its
//! version, then indexed; later runs read IndexedDB and do not touch the seed again (unless what
//! the device holds can no longer be read: an older release's form, or damage).
//!
//! When online (at start, on the `online` event, and with each mediator's sync) the device pulls
//! what changed since its version (`/api/v1/registry?since=N`); the core applies it, and the new
//! registry and its version are stored in one IndexedDB transaction before the app searches it.

use gloo_net::http::Request;
use indexed_db_futures::database::Database;
use leptos::prelude::*;
use repere_core::registry::{ImportError, Snapshot};
use repere_core::search::Finder;
use repere_protocol::registry::RegistryDto;

use crate::store;

/// Where the build puts the bundled registry (Trunk copies `seeds/`).
pub const SEED_URL: &str = "/seeds/registry.json";

/// What the device holds, once loaded: a summary for the screens, derived from [`Held`].
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Loaded {
    pub version: u64,
    pub places: usize,
}

/// The registry the device holds: its version and the search index, which owns its places
/// (the one copy of them in memory). A pull applies the server's update to these places.
pub struct Held {
    pub version: u64,
    pub finder: Finder,
}

impl Held {
    fn new(snapshot: Snapshot) -> Self {
        Held { version: snapshot.version, finder: Finder::new(snapshot.places, crate::text::FOLDER) }
    }

    /// Leaked once per registry version: screens borrow its places for as long as they show
    /// them (`&'static Place` in their views), and a new version comes a few times a year, so
    /// leaving an older one in memory costs less than counting who still borrows it.
    fn keep(self) -> &'static Held {
        Box::leak(Box::new(self))
    }
}

/// The places the app searches, shared through context; `state` is `None` while loading, then
/// the registry held, or why there is none.
#[derive(Clone, Copy)]
pub struct Registry {
    state: RwSignal<Option<Result<&'static Held, String>>>,
    db: StoredValue<Option<Database>, LocalStorage>,
    pulling: StoredValue<bool>,
}

impl Registry {
    /// Starts loading in the background; `then` receives the opened database, for the other
    /// rooms that keep data on the device (one opening per app start).
    pub fn load(then: impl FnOnce(Database) + 'static) -> Self {
        let registry = Registry { state: RwSignal::new(None), db: StoredValue::new_local(None), pulling: StoredValue::new(false) };
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
            if let Err(e) = &result {
                web_sys::console::error_1(&format!("registre : {e}").into());
            }
            registry.state.set(Some(result.map(Held::keep)));
            registry.pull().await;
        });
        let _ = window_event_listener(leptos::ev::online, move |_| leptos::task::spawn_local(registry.pull()));
        registry
    }

    /// Brings the registry up to the server's version, if online and anything changed. On any
    /// failure the device keeps the registry it holds, and tries again at the next occasion.
    pub async fn pull(self) {
        let online = web_sys::window().is_some_and(|w| w.navigator().on_line());
        let (Some(db), Some(Ok(held))) = (self.db.get_value(), self.state.get_untracked()) else {
            return;
        };
        if !online || self.pulling.get_value() {
            return;
        }
        self.pulling.set_value(true);
        match pull_since(&db, held).await {
            Ok(Some(newer)) => self.state.set(Some(Ok(newer.keep()))),
            Ok(None) => {}
            Err(e) => web_sys::console::warn_1(&format!("registre : mise à jour impossible : {e}").into()),
        }
        self.pulling.set_value(false);
    }

    /// `None` while loading.
    pub fn status(&self) -> Option<Result<Loaded, String>> {
        self.state.get().map(|held| held.map(|h| Loaded { version: h.version, places: h.finder.places().len() }))
    }

    /// The version held, once loaded, without tracking (read when a report is made).
    pub fn version_untracked(&self) -> Option<u64> {
        self.state.with_untracked(|state| state.as_ref().and_then(|h| h.as_ref().ok()).map(|h| h.version))
    }

    /// The search index, once loaded (tracks loading and updates).
    pub fn finder(&self) -> Option<&'static Finder> {
        self.state.with(|state| match state {
            Some(Ok(held)) => Some(&held.finder),
            _ => None,
        })
    }
}

/// The server's changes applied to the registry held, stored (the new places and their version
/// in one transaction, once the core applied the whole update); None when nothing changed (the
/// usual answer). A version names one registry, so an update to the version held changes nothing.
///
/// What is stored is the server's JSON: a whole registry as received, a delta's rows merged into
/// the stored document's ([`RegistryDto::merged`]), so the core's writer stays out of the bundle.
/// If the stored document is no longer the held version (another tab stored a newer one), the
/// merge would mix versions: the pull is refused and the next start reads what is stored.
async fn pull_since(db: &Database, held: &Held) -> Result<Option<Held>, String> {
    let text = fetch_text(&format!("/api/v1/registry?since={}", held.version)).await?;
    let doc = RegistryDto::from_json(text.as_bytes()).map_err(|errors| words(&errors))?;
    let update = doc.checked_update().map_err(|errors| words(&errors))?;
    let newer = update.applied_to(held.version, held.finder.places()).map_err(|e| e.to_string())?;
    if newer.version == held.version {
        return Ok(None);
    }
    if doc.from.is_none() {
        store::put_registry(db, newer.version, &text).await?;
        return Ok(Some(Held::new(newer)));
    }
    let stored = store::get_registry(db).await?.ok_or("registre stocké absent")?;
    let stored = RegistryDto::from_json(stored.as_bytes()).map_err(|errors| words(&errors))?;
    if stored.version != held.version {
        return Err(format!("le registre stocké est en version {}, pas {}", stored.version, held.version));
    }
    let json = String::from_utf8(stored.merged(doc, &newer).to_json()).map_err(|e| e.to_string())?;
    store::put_registry(db, newer.version, &json).await?;
    Ok(Some(Held::new(newer)))
}

/// The registry this device holds, or on first run the one bundled with the app, stored. Each
/// step runs in its own turn of the event loop (JSON, places, storing, index), so that none
/// freezes the first screen for long on a slow phone.
async fn read_or_install(db: &Database) -> Result<Held, String> {
    if let Some(text) = store::get_registry(db).await? {
        match read(&text).await {
            Ok(snapshot) => return Ok(index(snapshot).await),
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
    Ok(index(snapshot).await)
}

/// A registry in the device format, read by the core: the JSON, then (next turn) the places.
async fn read(text: &str) -> Result<Snapshot, String> {
    let doc = RegistryDto::from_json(text.as_bytes()).map_err(|errors| words(&errors))?;
    crate::clock::next_task().await;
    doc.checked_snapshot().map_err(|errors| words(&errors))
}

async fn index(snapshot: Snapshot) -> Held {
    crate::clock::next_task().await;
    Held::new(snapshot)
}

/// Import problems on one line, for the console.
pub(crate) fn words(errors: &[ImportError]) -> String {
    errors.iter().map(ToString::to_string).collect::<Vec<_>>().join("; ")
}

/// The text at `url` (from the service worker's cache when offline).
pub(crate) async fn fetch_text(url: &str) -> Result<String, String> {
    let response = Request::get(url).send().await.map_err(|e| format!("{url} : {e}"))?;
    if !response.ok() {
        return Err(format!("{url} : HTTP {}", response.status()));
    }
    response.text().await.map_err(|e| format!("{url} : {e}"))
}
