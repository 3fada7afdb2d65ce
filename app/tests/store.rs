//! IndexedDB in a real browser (headless Chromium through wasm-bindgen-test-runner).
#![cfg(target_arch = "wasm32")]

use repere_app::store::{get_meta, open, put_meta};
use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};

wasm_bindgen_test_configure!(run_in_browser);

/// A database name no other test run uses, so runs never see each other's data.
fn fresh_name() -> String {
    format!("repere-test-{}", js_sys::Math::random())
}

#[wasm_bindgen_test]
async fn meta_values_are_written_committed_and_read_back_after_reopening() {
    let name = fresh_name();
    let db = open(&name).await.expect("open");
    assert_eq!(get_meta::<bool>(&db, "granted").await.unwrap(), None);
    put_meta(&db, "granted", &true).await.unwrap();
    put_meta(&db, "list", &vec!["Civray".to_owned(), "Loudun".to_owned()]).await.unwrap();
    put_meta(&db, "granted", &false).await.unwrap();
    db.close();

    let db = open(&name).await.expect("reopen");
    assert_eq!(get_meta::<bool>(&db, "granted").await.unwrap(), Some(false));
    assert_eq!(get_meta::<Vec<String>>(&db, "list").await.unwrap(), Some(vec!["Civray".into(), "Loudun".into()]));
    assert_eq!(get_meta::<bool>(&db, "absent").await.unwrap(), None);
}

#[wasm_bindgen_test]
async fn a_value_of_the_wrong_shape_is_an_error_not_a_panic() {
    let db = open(&fresh_name()).await.expect("open");
    put_meta(&db, "n", &42u32).await.unwrap();
    assert!(get_meta::<Vec<String>>(&db, "n").await.is_err());
}

#[wasm_bindgen_test]
async fn the_registry_and_its_version_are_stored_together() {
    use repere_app::store::{REGISTRY_VERSION_KEY, get_registry, put_registry};
    let db = open(&fresh_name()).await.expect("open");
    assert_eq!(get_registry(&db).await.unwrap(), None);
    assert_eq!(get_meta::<u64>(&db, REGISTRY_VERSION_KEY).await.unwrap(), None);
    put_registry(&db, 3, r#"{"version":3,"places":[]}"#).await.unwrap();
    assert_eq!(get_registry(&db).await.unwrap().as_deref(), Some(r#"{"version":3,"places":[]}"#));
    assert_eq!(get_meta::<u64>(&db, REGISTRY_VERSION_KEY).await.unwrap(), Some(3));
}
