//! The device's position, asked for kindly: a fix up to ten minutes old is good enough (the
//! places are kilometres apart), and a phone in a zone blanche gets a long time to answer.

use repere_core::proximity::LatLon;
use wasm_bindgen::JsValue;
use wasm_bindgen_futures::JsFuture;

const MAX_AGE_MS: u32 = 10 * 60 * 1000;
const TIMEOUT_MS: u32 = 30 * 1000;

/// The position, or why not (refused, unavailable, too slow) for the console; the person is
/// told the same kind words whatever the reason, and offered the commune search.
pub async fn locate() -> Result<LatLon, String> {
    let geolocation = web_sys::window().ok_or("pas de fenêtre")?.navigator().geolocation().map_err(|e| format!("{e:?}"))?;
    let options = web_sys::PositionOptions::new();
    options.set_maximum_age(MAX_AGE_MS);
    options.set_timeout(TIMEOUT_MS);
    options.set_enable_high_accuracy(false);
    let promise = js_sys::Promise::new(&mut |resolve, reject| {
        if let Err(e) = geolocation.get_current_position_with_error_callback_and_options(&resolve, Some(&reject), &options) {
            let _ = reject.call1(&JsValue::NULL, &e);
        }
    });
    let position = JsFuture::from(promise).await.map_err(|e| text(&e, "message").unwrap_or_else(|| format!("{e:?}")))?;
    // GeolocationPosition is still an "unstable" type in web-sys; its fields are plain numbers.
    let coords = get(&position, "coords").ok_or("position sans coordonnées")?;
    match (get(&coords, "latitude").and_then(|v| v.as_f64()), get(&coords, "longitude").and_then(|v| v.as_f64())) {
        (Some(lat), Some(lon)) => Ok(LatLon { lat, lon }),
        _ => Err("coordonnées illisibles".into()),
    }
}

fn get(object: &JsValue, key: &str) -> Option<JsValue> {
    js_sys::Reflect::get(object, &key.into()).ok().filter(|v| !v.is_undefined())
}

fn text(object: &JsValue, key: &str) -> Option<String> {
    get(object, key)?.as_string()
}
