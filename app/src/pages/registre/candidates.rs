//! « Candidats et doublons » : candidate places (public libraries, centres sociaux) awaiting
//! verification, never shown to residents before a coordinator accepts them
//! (`GET/POST /api/v1/candidates`: the accepted ones make one new registry version); and the
//! likely duplicates among published places (`GET/POST /api/v1/duplicates`): « Fusionner »,
//! choosing the record to keep, or « Garder séparés », both remembered across imports.

use leptos::prelude::*;
use repere_core::phone::PhoneNumber;
use serde_json::{Value, json};

use super::{Answer, count, failed, load, plural, shown, text};

/// Candidates shown before « Voir les N autres ».
const SHOWN: usize = 20;
use crate::coordination::{Coordination, refused};

#[component]
pub fn CandidatesPage() -> impl IntoView {
    view! {
        <h2>"Lieux candidats"</h2>
        <Candidates />
        <details class="history" id="doublons-probables">
            <summary>"Doublons probables"</summary>
            <Duplicates />
        </details>
    }
}

#[component]
fn Candidates() -> impl IntoView {
    let c = expect_context::<Coordination>();
    let answer = RwSignal::new(Answer::Waiting);
    load(c, "/api/v1/candidates".into(), answer);
    view! {
        <p class="hint">"Bibliothèques et centres sociaux à vérifier avant qu’ils n’apparaissent aux habitants. Appelez-les si besoin."</p>
        {move || match answer.get() {
            Answer::Waiting => view! { <p class="registry">"Chargement…"</p> }.into_any(),
            Answer::Failed(e) => view! { <p class="notice" role="alert">{failed("les lieux candidats", &e)}</p> }.into_any(),
            Answer::Came(v) => {
                let counts = &v["counts"];
                let summary = format!(
                    "{} à vérifier, {} acceptés, {} refusés.",
                    count(counts, "pending"),
                    count(counts, "accepted"),
                    count(counts, "rejected")
                );
                let mut pending: Vec<Value> =
                    v["candidates"].as_array().into_iter().flatten().filter(|p| text(p, "status") == "pending").cloned().collect();
                // A work list, not a catalogue: the first ones shown, the rest one tap away.
                let rest = if pending.len() > SHOWN { pending.split_off(SHOWN) } else { Vec::new() };
                let more = (!rest.is_empty()).then(|| {
                    view! {
                        <details class="history">
                            <summary>{format!("Voir les {} autres", rest.len())}</summary>
                            <ol class="queue">{rest.into_iter().map(|p| view! { <li><Candidate p answer /></li> }).collect_view()}</ol>
                        </details>
                    }
                });
                view! {
                    <p id="candidats-compte">{summary}</p>
                    <ol class="queue">{pending.into_iter().map(|p| view! { <li><Candidate p answer /></li> }).collect_view()}</ol>
                    {more}
                }
                .into_any()
            }
        }}
    }
}

#[component]
fn Candidate(p: Value, answer: RwSignal<Answer>) -> impl IntoView {
    let c = expect_context::<Coordination>();
    let id = p["id"].clone();
    let message = RwSignal::new(None::<String>);
    let source = if text(&p, "source") == "bibliotheques" { "Bibliothèque" } else { "Centre social" };
    let phone = text(&p, "telephone").to_owned();
    let missing = match &p["a_completer"] {
        Value::Array(a) => a.iter().filter_map(Value::as_str).collect::<Vec<_>>().join(", "),
        Value::String(s) => s.clone(),
        _ => String::new(),
    };
    let decide = move |action: &'static str| {
        let mut decision = json!({"id": id.clone(), "action": action});
        if action == "reject" {
            decision["reason"] = "Ne propose pas d’aide au numérique".into();
        }
        let body = json!({ "decisions": [decision] }).to_string();
        message.set(Some("Envoi…".into()));
        leptos::task::spawn_local(async move {
            match c.send("/api/v1/candidates", &body).await {
                Ok(_) => {
                    message.set(Some(if action == "accept" { "Accepté : publié." } else { "Refusé." }.into()));
                    load(c, "/api/v1/candidates".into(), answer);
                }
                Err(refusal) => message.set(Some(format!("Non enregistré : {}", refused(refusal)))),
            }
        });
    };
    let decide2 = decide.clone();
    view! {
        <article class="item">
            <h3>{format!("{} ({})", text(&p, "nom"), text(&p, "commune"))}</h3>
            <p class="hint">{format!("{source} · {}", text(&p, "adresse"))}</p>
            {(!missing.is_empty()).then(|| view! { <p class="hint">{format!("À compléter : {missing}")}</p> })}
            {phone.parse::<PhoneNumber>().ok().map(|n| view! { <p><a href=n.tel_uri()>{format!("Appeler le {n}")}</a></p> })}
            <div class="actions">
                <button type="button" on:click=move |_| decide("accept")>"Accepter"</button>
                <button type="button" class="secondary" on:click=move |_| decide2("reject")>"Refuser"</button>
            </div>
            <p class="notice" role="status">{move || message.get()}</p>
        </article>
    }
}

#[component]
fn Duplicates() -> impl IntoView {
    let c = expect_context::<Coordination>();
    let answer = RwSignal::new(Answer::Waiting);
    load(c, "/api/v1/duplicates".into(), answer);
    view! {
        <p class="hint">"Deux fiches pour un même lieu ? Les habitants le verraient deux fois. Votre choix est gardé aux prochains imports."</p>
        {move || match answer.get() {
            Answer::Waiting => view! { <p class="registry">"Chargement…"</p> }.into_any(),
            Answer::Failed(e) => view! { <p class="notice" role="alert">{failed("les doublons", &e)}</p> }.into_any(),
            Answer::Came(v) => {
                let pairs = v["pairs"].as_array().cloned().unwrap_or_default();
                view! {
                    <p>{format!("{} à examiner.", plural(pairs.len(), "paire", "paires"))}</p>
                    <ol class="queue">{pairs.into_iter().map(|pair| view! { <li><Pair pair answer /></li> }).collect_view()}</ol>
                }
                .into_any()
            }
        }}
    }
}

#[component]
fn Pair(pair: Value, answer: RwSignal<Answer>) -> impl IntoView {
    let c = expect_context::<Coordination>();
    let message = RwSignal::new(None::<String>);
    let (a, b) = (pair["a"].clone(), pair["b"].clone());
    let signals = pair["signals"].as_array().into_iter().flatten().filter_map(Value::as_str).map(signal).collect::<Vec<_>>().join(", ");
    let send = move |body: Value| {
        message.set(Some("Envoi…".into()));
        leptos::task::spawn_local(async move {
            match c.send("/api/v1/duplicates", &body.to_string()).await {
                Ok(_) => load(c, "/api/v1/duplicates".into(), answer),
                Err(refusal) => message.set(Some(format!("Non enregistré : {}", refused(refusal)))),
            }
        });
    };
    let (ia, ib) = (a["id"].clone(), b["id"].clone());
    let keep = |kept: &Value| {
        let (send, ia, ib, kept) = (send, ia.clone(), ib.clone(), kept["id"].clone());
        move |_| send(json!({"a": ia, "b": ib, "decision": "merge", "keep": kept}))
    };
    let apart = {
        let (ia, ib) = (ia.clone(), ib.clone());
        move |_| send(json!({"a": ia, "b": ib, "decision": "apart"}))
    };
    let place = |p: &Value| format!("{} ({}) · {} · {}", text(p, "nom"), text(p, "commune"), text(p, "adresse"), shown(&p["telephone"]));
    view! {
        <article class="item">
            <p><strong>"A : "</strong>{place(&a)}</p>
            <p><strong>"B : "</strong>{place(&b)}</p>
            <p class="hint">{format!("En commun : {signals}")}</p>
            <div class="actions">
                <button type="button" on:click=keep(&a)>"Fusionner, garder A"</button>
                <button type="button" on:click=keep(&b)>"Fusionner, garder B"</button>
                <button type="button" class="secondary" on:click=apart>"Garder séparés"</button>
            </div>
            <p class="notice" role="status">{move || message.get()}</p>
        </article>
    }
}

fn signal(s: &str) -> &str {
    match s {
        "telephone" => "même téléphone",
        "adresse" => "même adresse",
        "nom" => "noms proches",
        other => other,
    }
}
