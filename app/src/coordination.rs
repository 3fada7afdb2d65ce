//! The coordinator's side: the device's enrolment (a one-time code exchanged for a token kept in
//! IndexedDB `meta`), the figures asked of the server for a filter, and the last figures received,
//! kept on the device with their time so they stay readable offline ("Données du 30/11/2026 à
//! 14:05"). Downloads of the exports go through here too: they need the token in a header, which
//! a plain link cannot send.

use chrono::{Datelike, Timelike};
use indexed_db_futures::database::Database;
use leptos::prelude::*;
use repere_protocol::Enrolment;
use serde::{Deserialize, Serialize};
use wasm_bindgen::JsCast;

use crate::net;
use crate::store;

/// Key in `meta` of the coordinator's enrolment (the mediators' is `device`: one phone may be both).
const ACCOUNT_KEY: &str = "coordinator";
/// Key in `meta` of the last figures received.
const FIGURES_KEY: &str = "coordination_figures";
/// Key in `meta` of the travel-time table last received (see [`Coordination::refresh_times`]).
const TIMES_KEY: &str = "coordination_times";
/// Key in `meta` of the registry's updates last received (see [`Coordination::refresh_updates`]).
const UPDATES_KEY: &str = "coordination_updates";
/// Key in `meta` of the moderation decisions not yet published (`pages::registre::moderation`).
pub const DECISIONS_KEY: &str = "registre_decisions";
/// Key in `meta` of a mediator's enrolment (see `outbox`).
const MEDIATOR_KEY: &str = "device";

/// The server's answer to a coordination code, as kept on the device.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct Account {
    pub device_id: String,
    /// The account's label ("Département de la Vienne", or the one given at enrolment).
    pub structure: String,
    pub token: String,
    /// `coordination` or `mediation` (an older server, which knows only mediators, says nothing).
    #[serde(default = "mediation")]
    pub role: String,
    /// The EPCI (SIREN) the account may read; empty for the whole département.
    #[serde(default)]
    pub epci: Vec<String>,
}

fn mediation() -> String {
    "mediation".to_owned()
}

/// Figures as received: the query they answer, when they came (local time, as people read it),
/// and the server's JSON (`FiguresDto`), kept whole so a newer release can read it again.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct Received {
    pub query: String,
    pub at: String,
    pub body: String,
}

impl Received {
    /// « Données du 30/11/2026 à 14:05 ».
    pub fn dated(&self) -> String {
        match repere_protocol::local_time(&self.at) {
            Some(t) => format!("Données du {:02}/{:02}/{} à {:02}:{:02}", t.day(), t.month(), t.year(), t.hour(), t.minute()),
            None => "Données d’une date inconnue".to_owned(),
        }
    }
}

/// Shared through context: what the coordinator's screens show and do.
#[derive(Clone, Copy)]
pub struct Coordination {
    db: StoredValue<Option<Database>, LocalStorage>,
    pub account: RwSignal<Option<Account>>,
    /// True once the enrolment and the stored figures are read from the device.
    pub ready: RwSignal<bool>,
    /// The figures on screen: the last received, fresh or not.
    pub figures: RwSignal<Option<Received>>,
    /// True while figures are asked.
    pub loading: RwSignal<bool>,
    /// Why the figures on screen are not those just asked ("pas de réseau", the server's refusal).
    pub problem: RwSignal<Option<String>>,
    /// The travel-time table the Département imported on the server (`TravelTimesDto` as
    /// received), kept on the device for the coverage map offline; `None` until one is received.
    pub times: RwSignal<Option<String>>,
    /// Who updated the registry in the last 12 months (`UpdatesDto` as received), kept for
    /// the autonomy indicator offline; `None` until received.
    pub updates: RwSignal<Option<String>>,
}

impl Coordination {
    /// Opens the database and reads what the device holds, in the background.
    pub fn start() -> Self {
        let c = Coordination {
            db: StoredValue::new_local(None),
            account: RwSignal::new(None),
            ready: RwSignal::new(false),
            figures: RwSignal::new(None),
            loading: RwSignal::new(false),
            problem: RwSignal::new(None),
            times: RwSignal::new(None),
            updates: RwSignal::new(None),
        };
        leptos::task::spawn_local(async move {
            if let Err(e) = c.open().await {
                web_sys::console::error_1(&format!("espace coordination : {e}").into());
                c.problem.set(Some(e));
            }
            c.ready.set(true);
        });
        c
    }

    async fn open(&self) -> Result<(), String> {
        let db = store::open(store::DB_NAME).await?;
        store::remember_persistence(&db).await;
        let account: Option<String> = store::get_meta(&db, ACCOUNT_KEY).await?;
        let figures: Option<Received> = store::get_meta(&db, FIGURES_KEY).await?;
        self.account.set(account.and_then(|a| serde_json::from_str(&a).ok()));
        self.figures.set(figures);
        self.times.set(store::get_meta(&db, TIMES_KEY).await?);
        self.updates.set(store::get_meta(&db, UPDATES_KEY).await?);
        self.db.set_value(Some(db));
        Ok(())
    }

    fn db(&self) -> Result<Database, String> {
        self.db.get_value().ok_or_else(|| "la base n’est pas encore ouverte".to_owned())
    }

    /// Exchanges a coordination code for this device's token, and remembers it. A mediator's
    /// code is refused here; it enrols the phone in the mediators' space if the phone has none
    /// there yet, since the server has used it up.
    pub async fn enrol(&self, code: &str) -> Result<(), String> {
        let body = serde_json::to_string(&Enrolment { code: code.to_owned() }).expect("serialisable");
        let (status, text) = net::post("/api/v1/devices", None, &body).await?;
        if status != 201 {
            return Err(net::enrolment_refusal(status, &text));
        }
        let account: Account = serde_json::from_str(&text).map_err(|e| e.to_string())?;
        let db = self.db()?;
        if account.role != "coordination" {
            let kept = store::get_meta::<String>(&db, MEDIATOR_KEY).await?.is_none();
            if kept {
                store::put_meta(&db, MEDIATOR_KEY, &text).await?;
            }
            return Err(if kept {
                "c’est un code de médiateur : ce téléphone est maintenant inscrit dans l’espace médiateur. \
                 Pour les chiffres du territoire, demandez un code de coordination au Département."
            } else {
                "c’est un code de médiateur. Pour les chiffres du territoire, demandez un code de coordination au Département."
            }
            .to_owned());
        }
        keep_account(&db, &text).await?;
        self.account.set(Some(account));
        Ok(())
    }

    /// Asks the figures for `query` (`du=…&au=…`); kept on the device once received. On failure
    /// the figures on screen stay, with the reason.
    pub async fn refresh(&self, query: String) {
        let Some(account) = self.account.get_untracked() else { return };
        if self.loading.get_untracked() {
            return;
        }
        self.loading.set(true);
        let result = match self.db() {
            Ok(db) => fetch_figures(&db, FIGURES_KEY, &account.token, query).await,
            Err(e) => Err(e),
        };
        self.loading.set(false);
        match result {
            Ok(received) => {
                self.problem.set(None);
                self.figures.set(Some(received));
            }
            Err(e) => self.problem.set(Some(e)),
        }
    }

    /// Asks the travel-time table (`/api/v1/coverage/times`); kept on the device once received.
    /// Without network the one kept stays (or the estimate, when there is none): coverage is
    /// still computed.
    pub async fn refresh_times(&self) -> Result<(), String> {
        let account = self.account.get_untracked().ok_or("ce téléphone n’est pas inscrit")?;
        let response = net::get("/api/v1/coverage/times", &account.token).await?;
        let status = response.status();
        let body = response.text().await.map_err(|_| "réponse interrompue".to_owned())?;
        if status != 200 {
            return Err(net::refusal(status, &body));
        }
        store::put_meta(&self.db()?, TIMES_KEY, &body).await?;
        self.times.set(Some(body));
        Ok(())
    }

    /// Asks who updated the registry (`/api/v1/registry/updates`); kept on the device once
    /// received. Without network the one kept stays.
    pub async fn refresh_updates(&self) -> Result<(), String> {
        let account = self.account.get_untracked().ok_or("ce téléphone n’est pas inscrit")?;
        let response = net::get("/api/v1/registry/updates", &account.token).await?;
        let status = response.status();
        let body = response.text().await.map_err(|_| "réponse interrompue".to_owned())?;
        if status != 200 {
            return Err(net::refusal(status, &body));
        }
        store::put_meta(&self.db()?, UPDATES_KEY, &body).await?;
        self.updates.set(Some(body));
        Ok(())
    }

    /// Sends a travel-time table (a CSV's bytes) to the server, which checks it whole against
    /// the communes and the registry and, if it is right, replaces its table; kept here at once.
    /// A refusal is the server's answer, read by `pages::coordination::times`.
    pub async fn upload_times(&self, name: &str, bytes: &[u8]) -> Result<(), (u16, String)> {
        let account = self.account.get_untracked().ok_or((0, "ce téléphone n’est pas inscrit".to_owned()))?;
        let url = format!("/api/v1/coverage/times?fichier={}", String::from(js_sys::encode_uri_component(name)));
        let (status, body) = net::post_file(&url, &account.token, "text/csv", bytes).await.map_err(|e| (0, e))?;
        if status != 200 {
            return Err((status, body));
        }
        store::put_meta(&self.db().map_err(|e| (0, e))?, TIMES_KEY, &body).await.map_err(|e| (0, e))?;
        self.times.set(Some(body));
        Ok(())
    }

    /// Makes a place's new update link on the server (the previous one stops working), with the
    /// reminder's words for an e-mail written from this phone (`PlaceLinkDto`, read as values).
    pub async fn place_link(&self, id: &str) -> Result<serde_json::Value, String> {
        let url = format!("/api/v1/places/{}/link", String::from(js_sys::encode_uri_component(id)));
        self.send(&url, "{}").await.map_err(refused)
    }

    /// `GET path` with the coordinator's token, its JSON answer as values: the registry's screens
    /// read their answers this way rather than through typed readers, which would weigh on the
    /// bundle.
    pub async fn read(&self, path: &str) -> Result<serde_json::Value, String> {
        let account = self.account.get_untracked().ok_or("ce téléphone n’est pas inscrit")?;
        let response = net::get(path, &account.token).await?;
        let status = response.status();
        let body = response.text().await.map_err(|_| "réponse interrompue".to_owned())?;
        if status != 200 {
            return Err(net::refusal(status, &body));
        }
        serde_json::from_str(&body).map_err(|_| "réponse illisible".to_owned())
    }

    /// `POST path` with a JSON `body` and the coordinator's token: the answer as values, or the
    /// status and body of a refusal (status 0: no answer, the body says why), which the caller
    /// reads for the items and fields it names.
    pub async fn send(&self, path: &str, body: &str) -> Result<serde_json::Value, (u16, String)> {
        answer(net::post(path, Some(&self.token()?), body).await)
    }

    /// [`Coordination::send`] as a `PUT` (a whole list replaced: a tour's stops).
    pub async fn replace(&self, path: &str, body: &str) -> Result<serde_json::Value, (u16, String)> {
        answer(net::put(path, Some(&self.token()?), body).await)
    }

    fn token(&self) -> Result<String, (u16, String)> {
        self.account.get_untracked().map(|a| a.token).ok_or((0, "ce téléphone n’est pas inscrit".to_owned()))
    }

    /// Keeps `value` in `meta` under `key` (the registry's pages keep their drafts this way).
    pub async fn keep(&self, key: &str, value: &String) -> Result<(), String> {
        store::put_meta(&self.db()?, key, value).await
    }

    /// What [`Coordination::keep`] kept under `key`.
    pub async fn kept(&self, key: &str) -> Option<String> {
        store::get_meta(&self.db().ok()?, key).await.ok().flatten()
    }

    /// Downloads an export (`/api/v1/export/…?query`) as a file, under the name the server gives.
    pub async fn download(&self, path: &str, query: &str, fallback_name: &str) -> Result<(), String> {
        let account = self.account.get_untracked().ok_or("ce téléphone n’est pas inscrit")?;
        let response = net::get(&format!("{path}?{query}"), &account.token).await?;
        let status = response.status();
        if status != 200 {
            let body = response.text().await.unwrap_or_default();
            return Err(net::refusal(status, &body));
        }
        let name =
            response.headers().get("content-disposition").and_then(|d| attachment_name(&d)).unwrap_or_else(|| fallback_name.to_owned());
        let bytes = response.binary().await.map_err(|_| "téléchargement interrompu".to_owned())?;
        save_file(&bytes, &name, response.headers().get("content-type").as_deref().unwrap_or("application/octet-stream"))
    }

    /// Forgets the coordinator's enrolment and the figures kept (the phone changes hands).
    pub async fn sign_out(&self) -> Result<(), String> {
        let db = self.db()?;
        store::forget_meta(&db, &[ACCOUNT_KEY, FIGURES_KEY, TIMES_KEY, UPDATES_KEY, DECISIONS_KEY]).await?;
        self.account.set(None);
        self.figures.set(None);
        self.times.set(None);
        self.problem.set(None);
        Ok(())
    }
}

/// An answer of [`Coordination::send`]: its values, or the status and body of a refusal.
fn answer(sent: Result<(u16, String), String>) -> Result<serde_json::Value, (u16, String)> {
    let (status, text) = sent.map_err(|e| (0, e))?;
    if !(200..300).contains(&status) {
        return Err((status, text));
    }
    Ok(serde_json::from_str(&text).unwrap_or_default())
}

/// A refusal of [`Coordination::send`] in words: why no answer came, the problems the server
/// names (`details`, in French: « months : 30 mois ; de 1 à 24 »), or its message.
pub fn refused((status, body): (u16, String)) -> String {
    if status == 0 {
        return body;
    }
    let answer: serde_json::Value = serde_json::from_str(&body).unwrap_or_default();
    let details: Vec<String> = answer["error"]["details"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|d| {
            let reason = d["reason"].as_str()?;
            Some(match d["field"].as_str() {
                Some(field) if !field.is_empty() => format!("{field} : {reason}"),
                _ => reason.to_owned(),
            })
        })
        .collect();
    if details.is_empty() { net::refusal(status, &body) } else { details.join(" ; ") }
}

/// Whether a server's answer to an enrolment code is a coordinator's.
pub fn is_coordination(answer: &str) -> bool {
    serde_json::from_str::<Account>(answer).is_ok_and(|a| a.role == "coordination")
}

/// Keeps a coordinator's enrolment (the server's answer) for the coordinators' space.
pub async fn keep_account(db: &Database, answer: &str) -> Result<(), String> {
    store::put_meta(db, ACCOUNT_KEY, &answer.to_owned()).await
}

/// Asks `GET /api/v1/stats?{query}` with `token`; once received, the figures are kept in `meta`
/// under `key` (with the time) before they are returned. Both spaces keep theirs this way.
pub async fn fetch_figures(db: &Database, key: &str, token: &str, query: String) -> Result<Received, String> {
    let response = net::get(&format!("/api/v1/stats?{query}"), token).await?;
    let status = response.status();
    let body = response.text().await.map_err(|_| "réponse interrompue".to_owned())?;
    if status != 200 {
        return Err(net::refusal(status, &body));
    }
    let received = Received { query, at: repere_protocol::write_local_time(crate::clock::now()), body };
    store::put_meta(db, key, &received).await?;
    Ok(received)
}

/// The file name of `attachment; filename="repere_activites_2026-11-30.xlsx"`.
pub fn attachment_name(disposition: &str) -> Option<String> {
    let start = disposition.find("filename=\"")? + "filename=\"".len();
    let name = &disposition[start..];
    let name = &name[..name.find('"')?];
    // Only a plain name: never a path the browser would have to clean.
    (!name.is_empty() && !name.contains(['/', '\\'])).then(|| name.to_owned())
}

/// Hands `bytes` to the browser as a downloaded file.
fn save_file(bytes: &[u8], name: &str, content_type: &str) -> Result<(), String> {
    let fail = |e: wasm_bindgen::JsValue| format!("{e:?}");
    let parts = js_sys::Array::of1(&js_sys::Uint8Array::from(bytes));
    let options = web_sys::BlobPropertyBag::new();
    options.set_type(content_type);
    let blob = web_sys::Blob::new_with_u8_array_sequence_and_options(&parts, &options).map_err(fail)?;
    let url = web_sys::Url::create_object_url_with_blob(&blob).map_err(fail)?;
    let document = web_sys::window().and_then(|w| w.document()).ok_or("pas de document")?;
    let link: web_sys::HtmlAnchorElement = document.create_element("a").map_err(fail)?.unchecked_into();
    link.set_href(&url);
    link.set_download(name);
    document.body().ok_or("pas de page")?.append_child(&link).map_err(fail)?;
    link.click();
    link.remove();
    // The browser has started reading it; the address can go once this turn ends.
    let _ = gloo_timers::callback::Timeout::new(0, move || {
        let _ = web_sys::Url::revoke_object_url(&url);
    })
    .forget();
    Ok(())
}
