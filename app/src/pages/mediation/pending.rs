//! "Contacts et propositions sur ce téléphone": the outbox as a list (correct a contact or delete
//! what has not left; a refused proposal says why), the outbox saved as a file, and signing out
//! (refused while records are unsent and not exported).

use chrono::{Datelike, Timelike};
use leptos::prelude::*;
use repere_core::registry::Label;
use repere_core::sync::State;

use crate::outbox::{Mediation, Record};
use crate::registry::Registry;

/// Contacts listed on screen; the count says how many more wait.
const SHOWN: usize = 30;

#[component]
pub fn Pending() -> impl IntoView {
    let m = expect_context::<Mediation>();
    let registry = expect_context::<Registry>();
    let place_name =
        move |id: &str| registry.finder().and_then(|f| f.place(id)).map_or_else(|| id.to_owned(), |p| format!("{}, {}", p.nom, p.commune));
    // The file is made when asked (the link's address is set just before the browser follows it).
    let export = move |ev: leptos::ev::MouseEvent| {
        use wasm_bindgen::JsCast;
        let href = format!("data:application/json;charset=utf-8,{}", js_sys::encode_uri_component(&m.export()));
        if let Some(a) = ev.current_target().and_then(|t| t.dyn_into::<web_sys::Element>().ok()) {
            let _ = a.set_attribute("href", &href);
        }
        leptos::task::spawn_local(async move { m.mark_exported().await });
    };
    let sign_out = RwSignal::new(None::<String>);
    let leave = move |_| {
        leptos::task::spawn_local(async move {
            match m.sign_out().await {
                Ok(()) => sign_out.set(None),
                Err(e) if e == "unsent" => sign_out.set(Some(
                    "Des contacts ne sont pas encore envoyés. Synchronisez, ou enregistrez d’abord le fichier de la boîte d’envoi.".into(),
                )),
                Err(e) => sign_out.set(Some(e)),
            }
        });
    };
    view! {
        <section aria-labelledby="attente">
            <h2 id="attente">"Contacts et propositions sur ce téléphone"</h2>
            <ul class="outbox">
                {move || m.entries(SHOWN).into_iter().map(|(id, _, state, record)| {
                    let status = match (state, m.refusal(&id)) {
                        (State::Waiting, _) => "en attente".to_owned(),
                        (State::Sent, _) => "envoyé, confirmation attendue".to_owned(),
                        (State::Conflict, Some(reason)) => format!("refusée par le serveur ({reason}) : à exporter"),
                        (State::Conflict, None) => "refusé par le serveur (conflit) : à exporter".to_owned(),
                    };
                    let (text, contact) = match record {
                        Record::Contact(c) => (format!("{} · {} · {} min · {}", format_args!("{:02}/{:02} {:02}:{:02}", c.debut.day(), c.debut.month(), c.debut.hour(), c.debut.minute()), c.type_activite.label(), c.duree_min, status), Some(c)),
                        Record::Proposal(p) => {
                            let what = match &p.place_id {
                                Some(place) => format!("Correction · {} · {}", place_name(place), p.labels().join(", ")),
                                None => format!("Nouveau lieu · {}, {}", p.changes.get("nom").map_or("", String::as_str), p.changes.get("commune").map_or("", String::as_str)),
                            };
                            (format!("{what} · {status}"), None)
                        }
                    };
                    view! {
                        <li>
                            {text}
                            <Show when=move || state == State::Waiting>
                                {contact.clone().map(|c| view! {
                                    <button type="button" class="secondary" on:click=move |_| m.editing.set(Some(c.clone()))>"Corriger"</button>
                                })}
                                <button type="button" class="secondary" on:click=move |_| leptos::task::spawn_local(async move { let _ = m.delete(id).await; })>"Supprimer"</button>
                            </Show>
                        </li>
                    }
                }).collect_view()}
            </ul>
            {move || (m.pending() > SHOWN).then(|| view! { <p class="hint">{format!("… et {} autres.", m.pending() - SHOWN)}</p> })}
            <p class="card-actions">
                <a class="button secondary" href="#/mediation" download="repere-boite-envoi.json" on:click=export>
                    "Enregistrer la boîte d’envoi (fichier)"
                </a>
                <button type="button" class="secondary" on:click=leave>"Se déconnecter"</button>
            </p>
            <p class="notice" role="alert">{move || sign_out.get()}</p>
        </section>
    }
}
