//! « Proposer une correction » for any place of the registry, « Proposer un nouveau lieu » (issue
//! #15): the core's `registry::proposal` bound to inputs. The common fields first, prefilled with
//! the place's values as people write them; the rest of the standard folded under « Autres
//! champs ». Saved offline in the outbox, beside contacts, and sent with them; the core keeps only
//! the fields that changed, in the standard's text.

use leptos::prelude::*;
use repere_core::registry::Place;
use repere_core::registry::proposal::{FIELDS, Field, Input, propose, required, shown, standard_values};

use super::place::PlacePicker;
use crate::outbox::{Mediation, new_id};
use crate::registry::Registry;

#[derive(Clone, Copy, PartialEq, Eq)]
enum Mode {
    Correct,
    New,
}

/// Problems by field name (`""` the whole form), in French.
type Problems = Vec<(String, String)>;

#[component]
pub fn Proposals() -> impl IntoView {
    let m = expect_context::<Mediation>();
    let registry = expect_context::<Registry>();
    let mode = RwSignal::new(None::<Mode>);
    let place_id = RwSignal::new(None::<String>);
    // Each field's text as typed, in `FIELDS` order (choices `|`-joined); a correction starts from
    // the place's values.
    let values = RwSignal::new(vec![String::new(); FIELDS.len()]);
    let note = RwSignal::new(String::new());
    let problems = RwSignal::new(Problems::new());
    let saved = RwSignal::new(None::<&'static str>);
    let more = RwSignal::new(false);
    let place = move || -> Option<&'static Place> { place_id.with(|id| registry.finder()?.place(id.as_deref()?)) };

    let open = move |to: Mode| {
        mode.set(Some(to));
        place_id.set(None);
        values.set(vec![String::new(); FIELDS.len()]);
        note.set(String::new());
        problems.set(Problems::new());
        saved.set(None);
        more.set(false);
    };
    let choose = Callback::new(move |id: Option<String>| {
        place_id.set(id);
        let current = place().map(standard_values).unwrap_or_else(|| vec![String::new(); FIELDS.len()]);
        values.set(FIELDS.iter().zip(current).map(|(f, v)| shown(f, &v)).collect());
        problems.set(Problems::new());
    });
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        saved.set(None);
        let target = place();
        if mode.get_untracked() == Some(Mode::Correct) && target.is_none() {
            return problems.set(vec![("lieu".into(), "choisissez d’abord le lieu".into())]);
        }
        let version = registry.status().and_then(Result::ok).map_or(0, |l| l.version);
        // The core's bounds are the wire's (`app/tests/outbox.rs`), so what is saved is what the server reads.
        let made = values.with_untracked(|v| propose(new_id(), target, version, v, &note.get_untracked()));
        let proposal = match made.map_err(|p| p.into_iter().map(|(f, r)| (f.to_owned(), r)).collect::<Problems>()) {
            Ok(p) => p,
            Err(found) => {
                if found.iter().any(|(f, _)| FIELDS.iter().any(|x| x.name == f && !x.common)) {
                    more.set(true);
                }
                return problems.set(found);
            }
        };
        problems.set(Problems::new());
        leptos::task::spawn_local(async move {
            match m.save(proposal).await {
                Ok(()) => {
                    mode.set(None);
                    saved.set(Some("Proposition enregistrée sur ce téléphone. Elle partira avec les contacts."));
                }
                Err(e) => problems.set(vec![(String::new(), format!("Non enregistrée : {e}"))]),
            }
        });
    };
    let problem_of = move |name: &'static str| problems.with(|p| p.iter().find(|(f, _)| f == name).map(|(_, r)| r.clone()));
    let fields = move |common: bool| {
        let new_place = mode.get_untracked() == Some(Mode::New);
        FIELDS
            .iter()
            .enumerate()
            .filter(move |(_, f)| f.common == common)
            .map(move |(i, f)| field_input(i, f, values, problem_of, new_place))
            .collect_view()
    };
    let heading = move || match mode.get() {
        Some(Mode::New) => "Proposer un nouveau lieu",
        _ => "Proposer une correction",
    };
    view! {
        <section class="proposals" aria-labelledby="registre-propositions">
            <h2 id="registre-propositions">"Lieux de l’annuaire"</h2>
            <p class="hint">"Un lieu a changé, ou manque ? Proposez-le : le Département vérifie avant de publier."</p>
            <p class="card-actions">
                <button type="button" class="secondary" on:click=move |_| open(Mode::Correct)>"Proposer une correction"</button>
                <button type="button" class="secondary" on:click=move |_| open(Mode::New)>"Proposer un nouveau lieu"</button>
            </p>
            <p class="notice" role="status">{move || saved.get()}</p>
            {move || mode.get().map(|current| view! {
                <form class="proposal" on:submit=submit aria-labelledby="proposition">
                    <h3 id="proposition" tabindex="-1">{heading}</h3>
                    {(current == Mode::Correct).then(|| view! {
                        <PlacePicker label="Lieu à corriger (nom ou commune)" id="proposition-lieu" chosen=place_id choose />
                        <p class="notice" role="alert">{move || problem_of("lieu")}</p>
                    })}
                    <Show when=move || current == Mode::New || place_id.with(Option::is_some)>
                        {(current == Mode::New).then(|| view! { <p class="hint">"Les champs marqués * sont obligatoires."</p> })}
                        {fields(true)}
                        <details class="more" prop:open=move || more.get()>
                            <summary>"Autres champs du standard"</summary>
                            {fields(false)}
                        </details>
                        <label class="field" for="proposition-note">"Pourquoi ce changement ? (facultatif)"</label>
                        <textarea id="proposition-note" rows="2" prop:value=move || note.get() on:input=move |ev| note.set(event_target_value(&ev))></textarea>
                        <p class="hint">"N’écrivez le nom ni le numéro de personne."</p>
                        <div class="save">
                            <div role="alert">
                                <ul class="problems">{move || problems.get().into_iter().map(|(f, r)| {
                                    let label = FIELDS.iter().find(|x| x.name == f).map_or("Proposition", |x| x.label);
                                    view! { <li>{format!("{label} : {r}")}</li> }
                                }).collect_view()}</ul>
                            </div>
                            <button type="submit" class="big">"Enregistrer la proposition"</button>
                            <button type="button" class="secondary" on:click=move |_| mode.set(None)>"Annuler"</button>
                        </div>
                    </Show>
                </form>
            })}
        </section>
    }
}

/// One field's input (the `i`th of `FIELDS`): text, phone, addresses, several lines, or the
/// standard's choices as chips. A refused one is marked invalid; the reasons are listed above
/// the button, as in the contact form.
fn field_input(
    i: usize,
    f: &'static Field,
    values: RwSignal<Vec<String>>,
    problem_of: impl Fn(&'static str) -> Option<String> + Copy + Send + Sync + 'static,
    new_place: bool,
) -> AnyView {
    let id = format!("proposition-{}", f.name);
    let label = if new_place && required(f.name) && f.name != "pivot" { format!("{} *", f.label) } else { f.label.to_owned() };
    let get = move || values.with(|v| v[i].clone());
    let set = move |text: String| values.update(|v| v[i] = text);
    let invalid = move || problem_of(f.name).is_some().then_some("true");
    let (kind, mode) = match f.input {
        Input::Tel => ("tel", "tel"),
        Input::Email => ("text", "email"),
        Input::Url => ("text", "url"),
        Input::Degrees(_) => ("text", "decimal"),
        _ => ("text", "text"),
    };
    match f.input {
        Input::Choices(all) => {
            let has = move |choice: &str| values.with(|v| v[i].split('|').any(|x| x.trim() == choice));
            let toggle = move |choice: &'static str| {
                values.update(|v| {
                    let text = &mut v[i];
                    let mut chosen: Vec<&str> = text.split('|').map(str::trim).filter(|x| !x.is_empty()).collect();
                    match chosen.iter().position(|x| *x == choice) {
                        Some(i) => _ = chosen.remove(i),
                        None => chosen.push(choice),
                    }
                    *text = chosen.join("|");
                })
            };
            view! {
                <fieldset class="chips" aria-invalid=invalid>
                    <legend>{label}</legend>
                    <div class="grid">
                        {all().into_iter().map(|choice| view! {
                            <label class="chip">
                                <input type="checkbox" prop:checked=move || has(choice) on:change=move |_| toggle(choice) />
                                <span>{choice}</span>
                            </label>
                        }).collect_view()}
                    </div>
                </fieldset>
            }
            .into_any()
        }
        Input::Area => view! {
            <label class="field" for=id.clone()>{label}</label>
            <textarea id=id rows="3" aria-invalid=invalid prop:value=get on:input=move |ev| set(event_target_value(&ev))></textarea>
        }
        .into_any(),
        _ => view! {
            <label class="field" for=id.clone()>{label}</label>
            <input id=id type=kind inputmode=mode aria-invalid=invalid prop:value=get on:input=move |ev| set(event_target_value(&ev)) />
        }
        .into_any(),
    }
}
