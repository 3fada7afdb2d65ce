//! Data kept on the device, in IndexedDB.
//!
//! One database, `repere`, whose object stores are created by version upgrades in [`open`]:
//! - version 1, `meta`: small settings and facts keyed by name (e.g. whether the browser
//!   granted persistent storage, the registry version held; a resident's unsent reports and
//!   consultation counts, see [`crate::upkeep`]);
//! - version 2, `registry`: the registry snapshot (JSON text) under the key `snapshot`;
//! - version 3, `outbox`: contacts waiting for the server, one row per contact id (JSON text of
//!   [`crate::outbox::Row`]), written with durability "strict" (on disk before success).
//!
//! Transactions in indexed_db_futures roll back unless committed, so every write here ends
//! with an explicit `commit`.

use indexed_db_futures::database::Database;
use indexed_db_futures::prelude::*;
use indexed_db_futures::transaction::{TransactionDurability, TransactionMode, TransactionOptions};
use serde::Serialize;
use serde::de::DeserializeOwned;

/// The app's database name.
pub const DB_NAME: &str = "repere";
const DB_VERSION: u32 = 3;
const META: &str = "meta";
const REGISTRY: &str = "registry";
const OUTBOX: &str = "outbox";
const SNAPSHOT_KEY: &str = "snapshot";

/// Key in `meta` of the registry version the device holds.
pub const REGISTRY_VERSION_KEY: &str = "registry_version";

/// Key of the remembered answer to `navigator.storage.persist()`.
pub const PERSISTENCE_KEY: &str = "storage_persisted";

pub type StoreResult<T> = Result<T, String>;

/// Opens (creating or upgrading) the database called `name`.
pub async fn open(name: &str) -> StoreResult<Database> {
    Database::open(name)
        .with_version(DB_VERSION)
        .with_on_upgrade_needed(|event, db| {
            if event.old_version() < 1.0 {
                db.create_object_store(META).build()?;
            }
            if event.old_version() < 2.0 {
                db.create_object_store(REGISTRY).build()?;
            }
            if event.old_version() < 3.0 {
                db.create_object_store(OUTBOX).build()?;
            }
            Ok(())
        })
        .await
        .map_err(|e| format!("ouverture de la base {name} : {e}"))
}

/// Writes `value` under `key` in `meta`, committed before returning.
pub async fn put_meta<T: Serialize>(db: &Database, key: &str, value: &T) -> StoreResult<()> {
    let tx = db.transaction(META).with_mode(TransactionMode::Readwrite).build().map_err(|e| e.to_string())?;
    let store = tx.object_store(META).map_err(|e| e.to_string())?;
    store.put(value).with_key(key.to_owned()).serde().map_err(|e| e.to_string())?.await.map_err(|e| e.to_string())?;
    tx.commit().await.map_err(|e| e.to_string())
}

/// Writes several `meta` values in one transaction with durability "strict": a resident's
/// report or a consultations batch said kept is on disk, and values that move together (a
/// batch taken out of the tally) are written together or not at all.
pub async fn put_metas(db: &Database, values: &[(&str, String)]) -> StoreResult<()> {
    let mut options = TransactionOptions::new();
    options.set_durability(TransactionDurability::Strict);
    let tx = db.transaction(META).with_mode(TransactionMode::Readwrite).with_options(options).build().map_err(|e| e.to_string())?;
    let store = tx.object_store(META).map_err(|e| e.to_string())?;
    for (key, value) in values {
        store.put(value).with_key((*key).to_owned()).serde().map_err(|e| e.to_string())?;
    }
    tx.commit().await.map_err(|e| e.to_string())
}

/// Reads the value under `key` in `meta`, if any.
pub async fn get_meta<T: DeserializeOwned>(db: &Database, key: &str) -> StoreResult<Option<T>> {
    let tx = db.transaction(META).build().map_err(|e| e.to_string())?;
    let store = tx.object_store(META).map_err(|e| e.to_string())?;
    store.get(key.to_owned()).serde().map_err(|e| e.to_string())?.await.map_err(|e| e.to_string())
}

/// Stores a registry snapshot and records its version in one transaction, so the version the
/// device records is always that of the registry it holds.
pub async fn put_registry(db: &Database, version: u64, snapshot_json: &str) -> StoreResult<()> {
    let tx = db.transaction([META, REGISTRY]).with_mode(TransactionMode::Readwrite).build().map_err(|e| e.to_string())?;
    let registry = tx.object_store(REGISTRY).map_err(|e| e.to_string())?;
    registry.put(snapshot_json).with_key(SNAPSHOT_KEY.to_owned()).serde().map_err(|e| e.to_string())?;
    let meta = tx.object_store(META).map_err(|e| e.to_string())?;
    meta.put(&version).with_key(REGISTRY_VERSION_KEY.to_owned()).serde().map_err(|e| e.to_string())?;
    tx.commit().await.map_err(|e| e.to_string())
}

/// The registry snapshot the device holds (JSON text), if any.
pub async fn get_registry(db: &Database) -> StoreResult<Option<String>> {
    let tx = db.transaction(REGISTRY).build().map_err(|e| e.to_string())?;
    let store = tx.object_store(REGISTRY).map_err(|e| e.to_string())?;
    store.get(SNAPSHOT_KEY.to_owned()).serde().map_err(|e| e.to_string())?.await.map_err(|e| e.to_string())
}

/// Asks once for persistent storage, so the browser does not evict the registry and unsent
/// contacts under storage pressure, and remembers the answer so the next starts do not ask.
pub async fn remember_persistence(db: &Database) {
    let result: StoreResult<()> = async {
        if get_meta::<bool>(db, PERSISTENCE_KEY).await?.is_some() {
            return Ok(());
        }
        let storage = web_sys::window().ok_or("pas de fenêtre")?.navigator().storage();
        let promise = storage.persist().map_err(|e| format!("{e:?}"))?;
        let granted = wasm_bindgen_futures::JsFuture::from(promise).await.map_err(|e| format!("{e:?}"))?;
        put_meta(db, PERSISTENCE_KEY, &granted.as_bool().unwrap_or(false)).await
    }
    .await;
    if let Err(e) = result {
        web_sys::console::warn_1(&format!("stockage persistant : {e}").into());
    }
}

/// One change of the outbox: rows to write (id → JSON text), ids to delete, and meta values,
/// applied in one transaction with durability "strict", so a contact reported saved is on disk.
#[derive(Default)]
pub struct OutboxChange {
    pub put: Vec<(String, String)>,
    pub delete: Vec<String>,
    pub meta: Vec<(&'static str, String)>,
}

pub async fn change_outbox(db: &Database, change: OutboxChange) -> StoreResult<()> {
    let mut options = TransactionOptions::new();
    options.set_durability(TransactionDurability::Strict);
    let tx =
        db.transaction([META, OUTBOX]).with_mode(TransactionMode::Readwrite).with_options(options).build().map_err(|e| e.to_string())?;
    let outbox = tx.object_store(OUTBOX).map_err(|e| e.to_string())?;
    for (id, row) in &change.put {
        outbox.put(row).with_key(id.clone()).serde().map_err(|e| e.to_string())?;
    }
    for id in &change.delete {
        outbox.delete(id.clone()).primitive().map_err(|e| e.to_string())?;
    }
    let meta = tx.object_store(META).map_err(|e| e.to_string())?;
    for (key, value) in &change.meta {
        meta.put(value).with_key((*key).to_owned()).serde().map_err(|e| e.to_string())?;
    }
    tx.commit().await.map_err(|e| e.to_string())
}

/// Every outbox row (JSON text).
pub async fn outbox_rows(db: &Database) -> StoreResult<Vec<String>> {
    let tx = db.transaction(OUTBOX).build().map_err(|e| e.to_string())?;
    let store = tx.object_store(OUTBOX).map_err(|e| e.to_string())?;
    let rows = store.get_all::<String>().serde().map_err(|e| e.to_string())?.await.map_err(|e| e.to_string())?;
    rows.collect::<Result<Vec<_>, _>>().map_err(|e| e.to_string())
}

/// Removes the device's enrolment and every outbox row, in one transaction.
pub async fn forget_device(db: &Database, meta_keys: &[&str]) -> StoreResult<()> {
    let tx = db.transaction([META, OUTBOX]).with_mode(TransactionMode::Readwrite).build().map_err(|e| e.to_string())?;
    tx.object_store(OUTBOX).map_err(|e| e.to_string())?.clear().map_err(|e| e.to_string())?;
    let meta = tx.object_store(META).map_err(|e| e.to_string())?;
    for key in meta_keys {
        meta.delete((*key).to_owned()).primitive().map_err(|e| e.to_string())?;
    }
    tx.commit().await.map_err(|e| e.to_string())
}

/// Removes `keys` from `meta`, in one transaction.
pub async fn forget_meta(db: &Database, keys: &[&str]) -> StoreResult<()> {
    let tx = db.transaction(META).with_mode(TransactionMode::Readwrite).build().map_err(|e| e.to_string())?;
    let meta = tx.object_store(META).map_err(|e| e.to_string())?;
    for key in keys {
        meta.delete((*key).to_owned()).primitive().map_err(|e| e.to_string())?;
    }
    tx.commit().await.map_err(|e| e.to_string())
}
