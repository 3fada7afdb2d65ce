//! « À modérer » : the queue of residents' reports, mediators' proposals and the places' own
//! updates (`GET /api/v1/moderation`), oldest first, each a card with its changes field by field
//! (old → new, and the current value when the field changed since the proposal). Per item:
//! « Accepter », « Modifier puis accepter » (the proposed values in inputs), « Refuser » (a
//! reason, one tap for the usual ones). Decisions wait on the phone in a
//! `repere_core::moderation::Decisions` until « Publier N changements » sends them all in one
//! `POST /api/v1/moderation` — one new registry version. Until then they are kept on the phone
//! (`meta`), so a reload loses none. A refusal of the batch keeps every decision and shows each
//! problem next to the item and field it names. The history with undo
//! is folded below (`audit`).

use leptos::prelude::*;
use repere_core::moderation::{Decision, Decisions, Problem, REASONS, problems};
use serde_json::Value;

use super::{Answer, day, failed, load, plural, shown, text};
use crate::coordination::{Coordination, DECISIONS_KEY, refused};

/// Fields a coordinator may correct on a report that proposes no value: field, label.
const REPORT_FIELDS: [(&str, &str); 4] =
    [("telephone", "Téléphone"), ("horaires", "Horaires (format OpenStreetMap)"), ("adresse", "Adresse"), ("courriels", "Courriel")];

/// What the page shares with its cards.
#[derive(Clone, Copy)]
struct Queue {
    decisions: RwSignal<Decisions>,
    problems: RwSignal<Vec<Problem>>,
}

#[component]
pub fn ModerationPage() -> impl IntoView {
    let c = expect_context::<Coordination>();
    let answer = RwSignal::new(Answer::Waiting);
    let queue = Queue { decisions: RwSignal::new(Decisions::default()), problems: RwSignal::new(Vec::new()) };
    let message = RwSignal::new(None::<String>);
    let sending = RwSignal::new(false);
    // Decisions not yet published are kept on the phone (a reload, a dead battery lose none):
    // read back first, then the queue, which drops those someone else took meanwhile.
    let restored = RwSignal::new(false);
    leptos::task::spawn_local(async move {
        if let Some(kept) = c.kept(DECISIONS_KEY).await {
            queue.decisions.set(Decisions::from_body(&serde_json::from_str(&kept).unwrap_or_default()));
        }
        restored.set(true);
        load(c, "/api/v1/moderation".into(), answer);
    });
    Effect::new(move |_| {
        let body = queue.decisions.with(Decisions::body).to_string();
        if restored.get() {
            leptos::task::spawn_local(async move {
                if let Err(e) = c.keep(DECISIONS_KEY, &body).await {
                    web_sys::console::error_1(&format!("décisions non gardées : {e}").into());
                }
            });
        }
    });
    // Decisions on items someone else decided meanwhile go when the queue is read again.
    Effect::new(move |_| {
        if let Answer::Came(v) = answer.get() {
            let ids: Vec<String> = items(&v).iter().map(id).collect();
            queue.decisions.update(|d| d.keep_only(|i| ids.iter().any(|x| x == i)));
        }
    });
    let publish = move |_| {
        let checked = queue.decisions.with_untracked(Decisions::check);
        if !checked.is_empty() {
            message.set(Some(format!("Rien n’a été publié : {} à compléter (voir les fiches marquées).", checked.len())));
            queue.problems.set(checked);
            return;
        }
        let body = queue.decisions.with_untracked(Decisions::body).to_string();
        sending.set(true);
        message.set(Some("Publication…".into()));
        leptos::task::spawn_local(async move {
            match c.send("/api/v1/moderation", &body).await {
                Ok(done) => {
                    let n = |key: &str| done[key].as_u64().unwrap_or(0) as usize;
                    message.set(Some(format!(
                        "Publié : version {} du registre ({}, {}).",
                        done["version"],
                        plural(n("accepted"), "accepté", "acceptés"),
                        plural(n("rejected"), "refusé", "refusés")
                    )));
                    queue.problems.set(Vec::new());
                    queue.decisions.set(Decisions::default());
                    load(c, "/api/v1/moderation".into(), answer);
                }
                Err((status, body)) => {
                    let named = serde_json::from_str::<Value>(&body).map(|v| problems(&v)).unwrap_or_default();
                    message.set(Some(if named.is_empty() {
                        format!("Rien n’a été publié : {}. Vos décisions sont gardées.", refused((status, body)).trim_end_matches('.'))
                    } else {
                        format!(
                            "Rien n’a été publié : {}, voir les fiches marquées. Vos décisions sont gardées.",
                            plural(named.len(), "problème", "problèmes")
                        )
                    }));
                    queue.problems.set(named);
                }
            }
            sending.set(false);
        });
    };
    let n = move || queue.decisions.with(Decisions::len);
    view! {
        <h2>"À modérer"</h2>
        {move || match answer.get() {
            Answer::Waiting => view! { <p class="registry">"Chargement…"</p> }.into_any(),
            Answer::Failed(e) => view! { <p class="notice" role="alert">{failed("la file", &e)}</p> }.into_any(),
            Answer::Came(v) => {
                let list = items(&v);
                if list.is_empty() {
                    view! { <p id="file-vide">"Rien à modérer. Merci !"</p> <p class="hint">"Ici arrivent les signalements des habitants, les propositions des médiateurs et les mises à jour faites par les lieux."</p> }.into_any()
                } else {
                    view! {
                        <p id="en-attente">{format!("{} en attente, les plus anciens d’abord.", list.len())}</p>
                        <ol class="queue">{list.into_iter().map(|item| view! { <li><Card item queue /></li> }).collect_view()}</ol>
                    }
                    .into_any()
                }
            }
        }}
        <div class="publish" class:idle=move || n() == 0>
            <p class="notice" role="status">{move || message.get()}</p>
            <button type="button" class="big" disabled=move || n() == 0 || sending.get() on:click=publish>
                {move || match n() {
                    0 => "Rien à publier".to_owned(),
                    n => format!("Publier {}", plural(n, "changement", "changements")),
                }}
            </button>
        </div>
        <super::audit::History />
    }
}

fn items(v: &Value) -> Vec<Value> {
    v["items"].as_array().cloned().unwrap_or_default()
}

fn id(item: &Value) -> String {
    match &item["id"] {
        Value::Number(n) => n.to_string(),
        other => other.as_str().unwrap_or_default().to_owned(),
    }
}

fn kind(item: &Value) -> &'static str {
    match text(item, "kind") {
        "report" => "Signalement d’un habitant",
        "proposal" => "Correction proposée",
        "new_place" => "Nouveau lieu proposé",
        "place_update" => "Mise à jour faite par le lieu",
        _ => "Proposition",
    }
}

fn motif(m: &str) -> Option<&'static str> {
    Some(match m {
        "ferme" => "Fermé définitivement",
        "horaires" => "Horaires faux",
        "telephone" => "Téléphone faux",
        "demenage" => "A déménagé",
        "autre" => "Autre chose",
        _ => return None,
    })
}

/// What the card shows below its facts: the buttons, one form, or the decision taken.
#[derive(Clone, Copy, PartialEq)]
enum Mode {
    Buttons,
    Editing,
    Refusing,
}

#[component]
fn Card(item: Value, queue: Queue) -> impl IntoView {
    let key = id(&item);
    let changes = item["changes"].as_array().cloned().unwrap_or_default();
    let closed = text(&item, "motif") == "ferme" && !text(&item, "place_id").is_empty();
    let heading = format!("{} ({})", text(&item, "place_name"), text(&item, "commune"));
    let origin = format!("{} · {} · reçu le {}", kind(&item), text(&item, "from"), day(text(&item, "received_at")));
    let mode = RwSignal::new(Mode::Buttons);
    let mine = {
        let key = key.clone();
        move || queue.problems.with(|ps| ps.iter().filter(|p| p.id == key).cloned().collect::<Vec<_>>())
    };
    // Problems naming no field shown in the diff (none, the reason…) are said under it.
    let fields: Vec<String> = changes.iter().map(|ch| text(ch, "field").to_owned()).collect();
    let general = {
        let mine = mine.clone();
        move || {
            mine()
                .into_iter()
                .filter(|p| p.field.as_ref().is_none_or(|f| !fields.contains(f)))
                .map(|p| p.reason)
                .collect::<Vec<_>>()
                .join(" ; ")
        }
    };
    let decided = {
        let key = key.clone();
        move || queue.decisions.with(|d| d.get(&key).cloned())
    };
    let rows: Vec<_> = changes
        .iter()
        .map(|ch| {
            let field = text(ch, "field").to_owned();
            let stale = ch["stale"].as_bool().unwrap_or(false);
            let current = stale.then(|| shown(&ch["current"]));
            let mine = mine.clone();
            let problem = move || mine().into_iter().find(|p| p.field.as_deref() == Some(field.as_str())).map(|p| p.reason);
            view! {
                <dt>{text(ch, "label").to_owned()}</dt>
                <dd class:stale=stale>
                    <del>{shown(&ch["old"])}</del>" → "<ins>{shown(&ch["new"])}</ins>
                    {current.map(|cur| view! { <br /><strong class="warn">"A changé depuis : valeur actuelle "{cur}</strong> })}
                    {move || problem().map(|p| view! { <br /><strong class="warn" role="alert">{format!("Refusé par le serveur : {p}")}</strong> })}
                </dd>
            }
        })
        .collect();
    let facts = [
        motif(text(&item, "motif")).map(|m| ("Motif", m.to_owned())),
        (!text(&item, "texte").is_empty()).then(|| ("Texte", text(&item, "texte").to_owned())),
        (!text(&item, "note").is_empty()).then(|| ("Note", text(&item, "note").to_owned())),
    ];
    let published = item["published"].as_bool().unwrap_or(false);
    let has_changes = !changes.is_empty();
    let card_id = format!("c-{key}");
    let take = {
        let (key, card_id) = (key.clone(), card_id.clone());
        move |d: Decision| {
            queue.decisions.update(|ds| ds.decide(&key, d));
            queue.problems.update(|ps| ps.retain(|p| p.id != key));
            mode.set(Mode::Buttons);
            focus_in(&card_id, ".decided button");
        }
    };
    let undo = {
        let (key, card_id) = (key.clone(), card_id.clone());
        move |_| {
            queue.decisions.update(|ds| ds.undo(&key));
            focus_in(&card_id, ".actions button");
        }
    };
    let open = {
        let card_id = card_id.clone();
        move |m: Mode| {
            mode.set(m);
            focus_in(&card_id, "form input, form button");
        }
    };
    let heading_id = format!("m-{key}");
    let heading_id2 = heading_id.clone();
    let take2 = take.clone();
    let take3 = take.clone();
    let edit_changes = changes.clone();
    view! {
        <article id=card_id class="item" class:problem=move || !mine().is_empty() aria-labelledby=heading_id.clone()>
            <h3 id=heading_id2>{heading}</h3>
            <p class="hint">{origin}</p>
            {published.then(|| view! { <p class="hint">"Déjà publié : à relire. Refuser remet les valeurs d’avant."</p> })}
            <dl class="diff">
                {facts.into_iter().flatten().map(|(k, v)| view! { <dt>{k}</dt><dd>{v}</dd> }).collect_view()}
                {rows}
            </dl>
            <p class="warn" role="alert">{general}</p>
            {move || match (decided(), mode.get()) {
                (Some(d), _) => view! {
                    <p class="decided" role="status">
                        <strong>{match &d {
                            Decision::Accept { edits } if edits.is_empty() => "Accepté".to_owned(),
                            Decision::Accept { .. } => "Accepté avec vos modifications".to_owned(),
                            Decision::Remove => "Accepté : le lieu sera retiré".to_owned(),
                            Decision::Reject { reason } => format!("Refusé : {reason}"),
                        }}</strong>" "
                        <button type="button" class="secondary" on:click=undo.clone()>"Changer"</button>
                    </p>
                }.into_any(),
                (None, Mode::Buttons) => {
                    let take = take.clone();
                    view! {
                        <div class="actions">
                            {(has_changes || published).then(|| { let take = take.clone(); view! { <button type="button" on:click=move |_| take(Decision::Accept { edits: Vec::new() })>"Accepter"</button> } })}
                            {closed.then(|| { let take = take.clone(); view! { <button type="button" on:click=move |_| take(Decision::Remove)>"Retirer le lieu"</button> } })}
                            {(!published).then(|| { let open = open.clone(); view! { <button type="button" class="secondary" on:click=move |_| open(Mode::Editing)>"Modifier puis accepter"</button> } })}
                            {let open = open.clone(); view! { <button type="button" class="secondary" on:click=move |_| open(Mode::Refusing)>"Refuser"</button> }}
                        </div>
                    }.into_any()
                }
                (None, Mode::Editing) => view! { <Edit key=key.clone() changes=edit_changes.clone() take=take2.clone() mode /> }.into_any(),
                (None, Mode::Refusing) => view! { <Refuse key=key.clone() take=take3.clone() mode problems=queue.problems /> }.into_any(),
            }}
        </article>
    }
}

/// Moves the focus, once drawn, to the first `selector` in the card `card_id`: after a choice
/// the keyboard and the screen reader stay where the person works, not at the page's top.
fn focus_in(card_id: &str, selector: &str) {
    let (card_id, selector) = (card_id.to_owned(), selector.to_owned());
    request_animation_frame(move || {
        use wasm_bindgen::JsCast;
        let found = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.get_element_by_id(&card_id))
            .and_then(|card| card.query_selector(&selector).ok().flatten())
            .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok());
        if let Some(e) = found {
            let _ = e.focus();
        }
    });
}

/// Closes a card's form, back to its choices (the focus too).
fn back(mode: RwSignal<Mode>, card: &str) {
    mode.set(Mode::Buttons);
    focus_in(card, ".actions button");
}

/// « Modifier puis accepter »: one input per field, with the proposed value (or, for a report
/// proposing none, a few fields to fill).
#[component]
fn Edit(key: String, changes: Vec<Value>, take: impl Fn(Decision) + Clone + 'static, mode: RwSignal<Mode>) -> impl IntoView {
    let card = format!("c-{key}");
    let report = changes.is_empty();
    let fields: Vec<(String, String, RwSignal<String>)> = if report {
        REPORT_FIELDS.iter().map(|(f, l)| (f.to_string(), l.to_string(), RwSignal::new(String::new()))).collect()
    } else {
        changes
            .iter()
            .map(|ch| {
                (
                    text(ch, "field").to_owned(),
                    text(ch, "label").to_owned(),
                    RwSignal::new(ch["new"].as_str().unwrap_or_default().to_owned()),
                )
            })
            .collect()
    };
    let problem = RwSignal::new(None::<&'static str>);
    let inputs = fields.clone();
    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        // A report's empty inputs are fields left alone; a proposal's emptied one clears its field.
        let edits: Vec<(String, String)> =
            fields.iter().map(|(f, _, v)| (f.clone(), v.get_untracked())).filter(|(_, v)| !report || !v.trim().is_empty()).collect();
        if edits.is_empty() {
            problem.set(Some("Remplissez au moins un champ, ou refusez."));
            return;
        }
        take(Decision::Accept { edits });
    };
    view! {
        <form class="edit" on:submit=save>
            {inputs
                .into_iter()
                .map(|(f, label, value)| {
                    let input_id = format!("e-{key}-{f}");
                    view! {
                        <label for=input_id.clone()>{label}</label>
                        <input id=input_id type="text" prop:value=move || value.get() on:input=move |ev| value.set(event_target_value(&ev)) />
                    }
                })
                .collect_view()}
            {report.then(|| view! { <p class="hint">"Les champs laissés vides ne changent pas."</p> })}
            <p class="warn" role="alert">{move || problem.get()}</p>
            <button type="submit">"Accepter avec ces valeurs"</button>" "
            <button type="button" class="secondary" on:click=move |_| back(mode, &card)>"Annuler"</button>
        </form>
    }
}

/// « Refuser »: a reason in one tap, or typed.
#[component]
fn Refuse(key: String, take: impl Fn(Decision) + Clone + 'static, mode: RwSignal<Mode>, problems: RwSignal<Vec<Problem>>) -> impl IntoView {
    let card = format!("c-{key}");
    let reason = RwSignal::new(String::new());
    let missing = RwSignal::new(false);
    let input_id = format!("r-{key}");
    let typed = {
        let take = take.clone();
        move |ev: leptos::ev::SubmitEvent| {
            ev.prevent_default();
            let r = reason.get_untracked();
            if r.trim().is_empty() {
                missing.set(true);
            } else {
                take(Decision::Reject { reason: r });
            }
        }
    };
    let from_server =
        move || problems.with(|ps| ps.iter().find(|p| p.id == key && p.field.as_deref() == Some("reason")).map(|p| p.reason.clone()));
    view! {
        <form class="refuse" on:submit=typed>
            <p>"Motif du refus :"</p>
            <div class="actions">
                {REASONS
                    .iter()
                    .map(|r| {
                        let take = take.clone();
                        view! { <button type="button" class="secondary" on:click=move |_| take(Decision::Reject { reason: (*r).to_owned() })>{*r}</button> }
                    })
                    .collect_view()}
            </div>
            <label for=input_id.clone()>"Autre motif"</label>
            <input id=input_id type="text" maxlength="500" prop:value=move || reason.get() on:input=move |ev| reason.set(event_target_value(&ev)) />
            <p class="warn" role="alert">{move || missing.get().then_some("Dites pourquoi vous refusez.").map(str::to_owned).or_else(from_server.clone())}</p>
            <button type="submit">"Refuser avec ce motif"</button>" "
            <button type="button" class="secondary" on:click=move |_| back(mode, &card)>"Annuler"</button>
        </form>
    }
}
