//! HTTP to Repère's API, for both spaces: every request gives up after [`REQUEST_TIMEOUT_MS`],
//! says whether the phone or the server is missing, and reads the API's JSON error message.

use gloo_net::http::{Request, RequestBuilder, Response};
use gloo_timers::callback::Timeout;

/// Longest wait for a request's answer. A stalled connection (common on rural mobile networks)
/// would otherwise hold the try under way for good, and no other try would start until the app
/// reopened. Long enough for a batch of 500 contacts over 2G.
const REQUEST_TIMEOUT_MS: u32 = 120_000;

/// POSTs JSON; (status, body text), or "serveur injoignable" / "pas de réseau" when the request
/// could not be made or got no answer in time.
pub async fn post(url: &str, token: Option<&str>, body: &str) -> Result<(u16, String), String> {
    json(Request::post(url), token, body).await
}

/// PUTs JSON (a whole list replaced, e.g. a tour's stops); as [`post`].
pub async fn put(url: &str, token: Option<&str>, body: &str) -> Result<(u16, String), String> {
    json(Request::put(url), token, body).await
}

async fn json(request: RequestBuilder, token: Option<&str>, body: &str) -> Result<(u16, String), String> {
    let response = send(request.header("Content-Type", "application/json"), token, Some(body.into())).await?;
    let text = response.text().await.map_err(|_| "réponse interrompue".to_owned())?;
    Ok((response.status(), text))
}

/// POSTs a file's bytes as `content_type` with the device's token; (status, body text).
pub async fn post_file(url: &str, token: &str, content_type: &str, bytes: &[u8]) -> Result<(u16, String), String> {
    let body = js_sys::Uint8Array::from(bytes);
    let response = send(Request::post(url).header("Content-Type", content_type), Some(token), Some(body.into())).await?;
    let text = response.text().await.map_err(|_| "réponse interrompue".to_owned())?;
    Ok((response.status(), text))
}

/// GETs `url` with the device's token; the response whatever its status (the caller reads it).
pub async fn get(url: &str, token: &str) -> Result<Response, String> {
    send(Request::get(url), Some(token), None).await
}

async fn send(request: RequestBuilder, token: Option<&str>, body: Option<wasm_bindgen::JsValue>) -> Result<Response, String> {
    // An AbortController and a timer rather than `AbortSignal.timeout`, which older phones lack.
    let controller = web_sys::AbortController::new().ok();
    let signal = controller.as_ref().map(web_sys::AbortController::signal);
    let _deadline = controller.map(|c| Timeout::new(REQUEST_TIMEOUT_MS, move || c.abort()));
    let mut request = request.abort_signal(signal.as_ref());
    if let Some(t) = token {
        request = request.header("Authorization", &format!("Bearer {t}"));
    }
    let request = match body {
        Some(body) => request.body(body),
        None => request.build(),
    }
    .map_err(|e| e.to_string())?;
    // The phone may have network while the server does not answer: say which.
    request.send().await.map_err(|_| if online() { "serveur injoignable" } else { "pas de réseau" }.to_owned())
}

/// The message of an API error body (`{"error": {"code", "message"}}`).
pub fn error_message(text: &str) -> Option<String> {
    let v: serde_json::Value = serde_json::from_str(text).ok()?;
    v["error"]["message"].as_str().map(str::to_owned)
}

/// Why an enrolment code was refused, in the person's words (the server's messages are for
/// operators, in English).
pub fn enrolment_refusal(status: u16, text: &str) -> String {
    let code: Option<String> =
        serde_json::from_str::<serde_json::Value>(text).ok().and_then(|v| v["error"]["code"].as_str().map(str::to_owned));
    match (status, code.as_deref()) {
        (429, _) => "trop d’essais depuis ce réseau. Attendez une minute, puis réessayez.".to_owned(),
        (_, Some("enrolment_code_invalid")) => {
            "ce code est inconnu, déjà utilisé ou expiré. Vérifiez-le, ou demandez-en un nouveau.".to_owned()
        }
        _ => format!("le serveur a refusé ({status}). Réessayez plus tard."),
    }
}

/// Why a read (figures, an export) was refused, in the person's words: the server's own
/// message when it is written for them (a filter's field, a scope), plain words otherwise.
pub fn refusal(status: u16, text: &str) -> String {
    match status {
        401 => "cet appareil n’est plus inscrit, ou son accès a été retiré : demandez un nouveau code.".to_owned(),
        429 => "trop de demandes : attendez une minute, puis réessayez.".to_owned(),
        400 | 403 | 422 => error_message(text).unwrap_or_else(|| format!("refusé ({status})")),
        _ => format!("le serveur n’a pas pu répondre ({status}). Réessayez plus tard."),
    }
}

/// What the browser believes; false means a request cannot leave.
pub fn online() -> bool {
    web_sys::window().is_none_or(|w| w.navigator().on_line())
}
