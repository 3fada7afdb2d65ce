//! « Temps de trajet calculés ailleurs »: a coordinator of the whole département sends a table
//! of travel times (`code_insee,place_id,minutes`, e.g. from OSRM's table service) from the
//! page. The server checks it whole, as its command line does, and either replaces its table
//! (then every device and file uses it) or refuses it with every problem by line and field,
//! keeping the previous one. Folded: it is done once or twice a year.

use leptos::prelude::*;
use wasm_bindgen::JsCast;

use crate::coordination::Coordination;
use crate::net;

/// Problems shown on the page; the rest are counted.
const SHOWN: usize = 10;

/// What the page says of a refusal: a sentence, then the problems as lines.
fn refusal(status: u16, body: &str) -> (String, Vec<String>) {
    if status == 0 {
        return (format!("Envoi impossible : {body}."), Vec::new());
    }
    // The protocol's `TableRefused`, read as JSON values (one typed reader less in the bundle).
    let value: serde_json::Value = serde_json::from_str(body).unwrap_or_default();
    let error = &value["error"];
    let (Some(message), Some(details)) = (error["message"].as_str(), error["details"].as_array()) else {
        // Not the table's refusal (a 403, a 413…): the server's words or plain ones.
        return (format!("Tableau refusé : {}", net::refusal(status, body).trim_end_matches('.')) + ".", Vec::new());
    };
    let mut lines: Vec<String> = details
        .iter()
        .take(SHOWN)
        .map(|p| {
            let reason = p["reason"].as_str().unwrap_or_default();
            match (p["line"].as_u64().unwrap_or(0), p["field"].as_str().unwrap_or_default()) {
                (0, _) => format!("fichier : {reason}"),
                (line, "") => format!("ligne {line} : {reason}"),
                (line, field) => format!("ligne {line}, champ {field} : {reason}"),
            }
        })
        .collect();
    let total = error["total"].as_u64().unwrap_or(details.len() as u64) as usize;
    if total > lines.len() {
        lines.push(format!("et {} autres problèmes", total - lines.len()));
    }
    (format!("Tableau refusé : {}", message.trim_end_matches('.')) + ".", lines)
}

async fn file_bytes(file: &web_sys::File) -> Result<Vec<u8>, String> {
    let buffer = wasm_bindgen_futures::JsFuture::from(file.array_buffer()).await.map_err(|_| "le fichier n’a pas pu être lu".to_owned())?;
    Ok(js_sys::Uint8Array::new(&buffer).to_vec())
}

#[component]
pub fn TimesUpload() -> impl IntoView {
    let c = expect_context::<Coordination>();
    let message = RwSignal::new(None::<(String, Vec<String>)>);
    let busy = RwSignal::new(false);
    let input = NodeRef::<leptos::html::Input>::new();
    let send = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let Some(file) = input.get().and_then(|i| i.files()).and_then(|f| f.get(0)) else {
            message.set(Some(("Choisissez d’abord un fichier CSV.".to_owned(), Vec::new())));
            return;
        };
        busy.set(true);
        message.set(Some(("Envoi et vérification…".to_owned(), Vec::new())));
        leptos::task::spawn_local(async move {
            let result = match file_bytes(&file).await {
                Ok(bytes) => c.upload_times(&file.name(), &bytes).await,
                Err(e) => Err((0, e)),
            };
            busy.set(false);
            message.set(Some(match result {
                Ok(()) => {
                    ("Tableau importé : les temps de la carte et des fichiers viennent maintenant de ce tableau.".to_owned(), Vec::new())
                }
                Err((status, body)) => refusal(status, &body),
            }));
            if let Some(i) = input.get() {
                i.unchecked_ref::<web_sys::HtmlInputElement>().set_value("");
            }
        });
    };
    view! {
        <details class="filter-fold">
            <summary>"Importer des temps de trajet calculés ailleurs"</summary>
            <p class="hint">
                "Un fichier CSV à trois colonnes : code_insee, place_id (l’identifiant du lieu dans le registre), minutes. Par exemple le résultat du service « table » d’OSRM. Chaque commune doit avoir au moins une ligne. Le fichier remplace le tableau d’avant pour tout le département ; s’il a un problème, rien n’est importé."
            </p>
            <form class="filter" on:submit=send>
                <div class="field">
                    <label for="temps">"Fichier des temps (CSV)"</label>
                    <input id="temps" type="file" accept=".csv,text/csv" node_ref=input />
                </div>
                <button type="submit" class="secondary" disabled=move || busy.get()>"Importer ce tableau"</button>
            </form>
            <div role="status">
                {move || {
                    message
                        .get()
                        .map(|(sentence, lines)| {
                            view! {
                                <p class="notice">{sentence}</p>
                                {(!lines.is_empty()).then(|| view! { <ul class="problems">{lines.into_iter().map(|l| view! { <li>{l}</li> }).collect_view()}</ul> })}
                            }
                        })
                }}
            </div>
        </details>
    }
}
