//! The forms of a card in the moderation queue: « Modifier puis accepter » and « Refuser »,
//! and where the focus goes as a person moves between a card's choices.

use leptos::prelude::*;
use repere_core::moderation::{Decision, Problem, REASONS};
use repere_core::registry::proposal::{field_named, shown, to_standard};
use serde_json::Value;

use super::Mode;
use crate::pages::registre::text;

/// Fields a coordinator may correct on a report that proposes no value: field, label.
const REPORT_FIELDS: [(&str, &str); 4] =
    [("telephone", "Téléphone"), ("horaires", "Horaires (format OpenStreetMap)"), ("adresse", "Adresse"), ("courriels", "Courriel")];

/// Moves the focus, once drawn, to the first `selector` in the card `card_id`: after a choice
/// the keyboard and the screen reader stay where the person works, not at the page's top.
pub(super) fn focus_in(card_id: &str, selector: &str) {
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

/// A field's standard text as the person would type it (unchanged for a field the form rule
/// does not know).
fn shown_as_typed(name: &str, standard: &str) -> String {
    field_named(name).map_or_else(|| standard.to_owned(), |field| shown(field, standard))
}

/// Closes a card's form, back to its choices (the focus too).
fn back(mode: RwSignal<Mode>, card: &str) {
    mode.set(Mode::Buttons);
    focus_in(card, ".actions button");
}

/// « Modifier puis accepter »: one input per field, with the proposed value (or, for a report
/// proposing none, a few fields to fill).
#[component]
pub(super) fn Edit(key: String, changes: Vec<Value>, take: impl Fn(Decision) + Clone + 'static, mode: RwSignal<Mode>) -> impl IntoView {
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
                    // Shown as people write it (a phone as 05 49 …), turned back on saving.
                    RwSignal::new(shown_as_typed(text(ch, "field"), ch["new"].as_str().unwrap_or_default())),
                )
            })
            .collect()
    };
    let problem = RwSignal::new(None::<String>);
    let inputs = fields.clone();
    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        // A report's empty inputs are fields left alone; a proposal's emptied one clears its field.
        let typed = fields.iter().map(|(f, _, v)| (f.clone(), v.get_untracked())).filter(|(_, v)| !report || !v.trim().is_empty());
        // The mediators' form's rule (`registry::proposal::to_standard`): 05 49 … becomes +33549 ….
        let edits: Result<Vec<(String, String)>, String> = typed
            .map(|(f, v)| match field_named(&f) {
                Some(field) => to_standard(field, &v).map(|standard| (f, standard)).map_err(|e| format!("{} : {e}", field.label)),
                None => Ok((f, v)),
            })
            .collect();
        match edits {
            Ok(edits) if edits.is_empty() => problem.set(Some("Remplissez au moins un champ, ou refusez.".into())),
            Ok(edits) => take(Decision::Accept { edits }),
            Err(e) => problem.set(Some(e)),
        }
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
pub(super) fn Refuse(
    key: String,
    take: impl Fn(Decision) + Clone + 'static,
    mode: RwSignal<Mode>,
    problems: RwSignal<Vec<Problem>>,
) -> impl IntoView {
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
