//! « Historique » : the registry's changes, newest first (`GET /api/v1/moderation/audit`): who
//! made each one, who decided it, when, which fields (old → new), which version; « Annuler ce
//! changement » republishes the old values as a new version (`POST /api/v1/moderation/undo`),
//! refused when a field changed since (never overwriting newer data). Folded under the queue:
//! it is read now and then, not every day.

use leptos::prelude::*;
use serde_json::Value;

use super::{Answer, day, failed, field_label, load, shown, text};
use crate::coordination::{Coordination, refused};

const PATH: &str = "/api/v1/moderation/audit?limit=100";

#[component]
pub fn History() -> impl IntoView {
    let c = expect_context::<Coordination>();
    let answer = RwSignal::new(Answer::Waiting);
    let asked = RwSignal::new(false);
    // An undo's success is said here: the list it reloads redraws every entry.
    let done = RwSignal::new(None::<String>);
    // Read when first unfolded: most visits never open it.
    let toggle = move |_| {
        if !asked.get_untracked() {
            asked.set(true);
            load(c, PATH.into(), answer);
        }
    };
    view! {
        <details class="history" on:toggle=toggle>
            <summary>"Historique des changements"</summary>
            <p class="notice" role="status" id="annulation">{move || done.get()}</p>
            {move || match answer.get() {
                Answer::Waiting => view! { <p class="registry">"Chargement…"</p> }.into_any(),
                Answer::Failed(e) => view! { <p class="notice" role="alert">{failed("l’historique", &e)}</p> }.into_any(),
                Answer::Came(v) => {
                    let entries = v["entries"].as_array().cloned().unwrap_or_default();
                    if entries.is_empty() {
                        view! { <p>"Aucun changement enregistré."</p> }.into_any()
                    } else {
                        view! { <ol class="queue">{entries.into_iter().map(|e| view! { <li><Entry e answer done /></li> }).collect_view()}</ol> }.into_any()
                    }
                }
            }}
        </details>
    }
}

#[component]
fn Entry(e: Value, answer: RwSignal<Answer>, done: RwSignal<Option<String>>) -> impl IntoView {
    let c = expect_context::<Coordination>();
    let id = e["id"].clone();
    let made_by = match text(&e, "made_by") {
        "mediation" => "proposé par un médiateur",
        "place" => "fait par le lieu",
        "coordination" => "fait par la coordination",
        "report" | "habitant" => "signalé par un habitant",
        other => other,
    };
    let who = match text(&e, "decided_by") {
        "" => made_by.to_owned(),
        by => format!("{made_by}, décidé par {by}"),
    };
    let facts = format!("{} · {} · version {}", day(text(&e, "made_at")), who, e["version"]);
    let changes: Vec<(String, String, String)> = e["changes"]
        .as_object()
        .map(|m| m.iter().map(|(f, ch)| (field_label(f).to_owned(), shown(&ch["old"]), shown(&ch["new"]))).collect())
        .unwrap_or_default();
    let undone = e["undone"].as_bool().unwrap_or(false);
    let message = RwSignal::new(None::<String>);
    let undo = move |_| {
        let body = serde_json::json!({ "id": id }).to_string();
        message.set(Some("Annulation…".into()));
        leptos::task::spawn_local(async move {
            match c.send("/api/v1/moderation/undo", &body).await {
                Ok(v) => {
                    done.set(Some(format!("Annulé : version {} du registre.", v["version"])));
                    load(c, PATH.into(), answer);
                }
                Err((409, _)) => message.set(Some("Impossible : un de ces champs a changé depuis. Rien n’a été écrasé.".into())),
                Err(refusal) => message.set(Some(format!("Pas annulé : {}", refused(refusal)))),
            }
        });
    };
    view! {
        <article class="item">
            <h3>{text(&e, "place_name").to_owned()}</h3>
            <p class="hint">{facts}</p>
            <dl class="diff">
                {changes.into_iter().map(|(f, old, new)| view! { <dt>{f}</dt><dd><del>{old}</del>" → "<ins>{new}</ins></dd> }).collect_view()}
            </dl>
            {if undone {
                view! { <p><strong>"Annulé"</strong></p> }.into_any()
            } else {
                view! { <button type="button" class="secondary" on:click=undo>"Annuler ce changement"</button> }.into_any()
            }}
            <p class="notice" role="status">{move || message.get()}</p>
        </article>
    }
}
