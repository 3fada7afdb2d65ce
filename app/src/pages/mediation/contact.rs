//! The contact form: the core's `activity::Draft` bound to inputs. The usual contact (type,
//! duration, theme, age band, status) comes first; the rarely used fields are folded under
//! "Plus de détails"; "Enregistrer" stays at the bottom of the screen (sticky).

use leptos::prelude::*;
use repere_core::activity::*;
use repere_core::registry::Label;

use super::inputs::{chips_many, chips_one, counts, durations};
use super::place::PlacePicker;
use crate::clock;
use crate::gazetteer::Gazetteer;
use crate::outbox::{Mediation, new_id};
use crate::session::Outreach;

/// Remembered between contacts (`activity::Remembered`): a mediator on the bus logs many alike.
const DEFAULTS_KEY: &str = "repere.contact";

fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok().flatten()
}

fn remembered() -> Remembered {
    Remembered::from_text(&storage().and_then(|s| s.get_item(DEFAULTS_KEY).ok().flatten()).unwrap_or_default())
}

fn remember(r: Remembered) {
    if let Some(s) = storage() {
        let _ = s.set_item(DEFAULTS_KEY, &r.to_text());
    }
}

/// The `datetime-local` input's value.
fn local_input(t: chrono::NaiveDateTime) -> String {
    repere_protocol::write_local_time(t)[..16].to_owned()
}

#[component]
pub fn ContactForm() -> impl IntoView {
    let m = expect_context::<Mediation>();
    let gazetteer = expect_context::<Gazetteer>();
    let outreach = expect_context::<Outreach>();
    let draft = RwSignal::new(Draft::new(remembered()));
    let problems = RwSignal::new(Vec::<String>::new());
    let saved = RwSignal::new(None::<String>);
    // "Plus de détails" opens for a correction and for a problem in a folded field.
    let more = RwSignal::new(false);
    let read = move |f: fn(&Draft) -> bool| draft.with(f);
    let follows = move || draft.with(|d| d.follows(outreach.current.get().as_ref()));
    let commune_name = move |code: &str| gazetteer.with(|t| t.by_code(code).map(|c| c.nom.clone())).flatten();

    // "Corriger" in the list fills the form with that contact; saving replaces it.
    Effect::new(move |_| {
        let Some(c) = m.editing.get() else { return };
        draft.set(Draft::from_contact(&c, commune_name));
        saved.set(None);
        problems.set(Vec::new());
        more.set(true);
        if let Some(form) = web_sys::window().and_then(|w| w.document()).and_then(|d| d.get_element_by_id("nouveau")) {
            form.scroll_into_view();
        }
    });
    let cancel = move |_| {
        m.editing.set(None);
        draft.set(Draft::new(remembered()));
        problems.set(Vec::new());
    };

    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        saved.set(None);
        let outing = outreach.current.get_untracked();
        let made = draft
            .with_untracked(|d| d.to_contact(new_id(), clock::now(), outing.as_ref(), |name| gazetteer.best(name).map(|(code, _)| code)));
        let contact = match made {
            Ok(contact) => contact,
            Err(found) => {
                if found.iter().any(|p| ["debut", "lieu", "materiel", "autonomie", "commune", "orientation"].contains(&p.field)) {
                    more.set(true);
                }
                return problems.set(found.iter().map(|p| format!("{} : {}", field_words(p.field), p.reason)).collect());
            }
        };
        problems.set(Vec::new());
        let performance = web_sys::window().and_then(|w| w.performance());
        if let Some(p) = &performance {
            let _ = p.mark("repere:save:start");
        }
        leptos::task::spawn_local(async move {
            let corrected = draft.with_untracked(|d| d.corrects.is_some());
            let result = if corrected { m.correct(contact).await } else { m.save(contact).await };
            // User Timing entry "repere:save" (check to stored on disk), read by scripts/bench-sync.
            if let Some(p) = &performance {
                let _ = p.measure_with_start_mark("repere:save", "repere:save:start");
            }
            match result {
                Ok(()) => {
                    if corrected {
                        m.editing.set(None);
                    } else {
                        remember(draft.with_untracked(Draft::remembered));
                        outreach.count_logged();
                    }
                    saved.set(Some(if corrected { "Contact corrigé." } else { "Contact enregistré sur ce téléphone." }.into()));
                    draft.update(|d| *d = d.next());
                }
                Err(e) => problems.set(vec![format!("Non enregistré : {e}")]),
            }
        });
    };

    let editing = move || m.editing.get().is_some();
    view! {
        <form class="contact" on:submit=submit aria-labelledby="nouveau">
            <h2 id="nouveau">{move || if editing() { "Corriger le contact" } else { "Nouveau contact" }}</h2>
            {chips_one("Type", "type", TypeActivite::ALL, move || Some(draft.with(|d| d.type_activite)), move |v| draft.update(|d| d.type_activite = v))}
            {durations(move || draft.with(|d| d.duree_min), move |v| draft.update(|d| d.duree_min = v))}
            {chips_many("Thématiques", Thematique::ALL, move |v| draft.with(|d| d.thematiques.contains(v)), move |v| draft.update(|d| d.toggle_theme(v)))}
            <Show when=move || read(Draft::asks_domains)>
                {chips_many(
                    "Démarches : domaines",
                    ThematiqueAdministrative::ALL,
                    move |v| draft.with(|d| d.thematiques_administratives.contains(v)),
                    move |v| draft.update(|d| d.thematiques_administratives = toggled(d.thematiques_administratives, v)),
                )}
            </Show>
            <Show when=move || !read(Draft::is_collective) fallback=move || view! {
                {chips_one("Niveau de l’atelier", "niveau", NiveauAtelier::ALL, move || draft.with(|d| d.niveau_atelier), move |v| draft.update(|d| d.niveau_atelier = Some(v)))}
                {counts("Participants par tranche d’âge", "age", TrancheAge::ALL, move |i| draft.with(|d| d.participants.par_age[i]), move |i, n| draft.update(|d| d.participants.par_age[i] = n))}
                {counts("Participants par statut", "statut", StatutSocial::ALL, move |i| draft.with(|d| d.participants.par_statut[i]), move |i, n| draft.update(|d| d.participants.par_statut[i] = n))}
            }>
                {chips_one("Tranche d’âge", "age", TrancheAge::ALL, move || draft.with(|d| d.tranche_age), move |v| draft.update(|d| d.tranche_age = Some(v)))}
                {chips_one("Statut", "statut", StatutSocial::ALL, move || draft.with(|d| d.statut), move |v| draft.update(|d| d.statut = Some(v)))}
            </Show>
            <details class="more" prop:open=move || more.get()>
                <summary>
                    <span>"Plus de détails"</span>
                    <span class="hint">{move || {
                        let follows = follows();
                        draft.with(|d| details_words(d, follows))
                    }}</span>
                </summary>
                <Details draft follows />
            </details>
            <p class="hint">"Ne notez jamais le nom, le téléphone, l’adresse e-mail ou la date de naissance de la personne."</p>
            <div class="save">
                <div role="alert">
                    <ul class="problems">{move || problems.get().into_iter().map(|p| view! { <li>{p}</li> }).collect_view()}</ul>
                </div>
                <p class="notice" role="status">{move || saved.get()}</p>
                <button type="submit" class="big">{move || if editing() { "Enregistrer la correction" } else { "Enregistrer le contact" }}</button>
                <Show when=editing>
                    <button type="button" class="secondary" on:click=cancel>"Annuler la correction"</button>
                </Show>
            </div>
        </form>
    }
}

/// "Bus · maintenant": what the folded fields hold, so they need not be opened to be checked.
fn details_words(d: &Draft, follows: bool) -> String {
    let lieu = if follows { "lieu de la session" } else { d.lieu.label() };
    let quand = match d.debut {
        Debut::Now => "maintenant".to_owned(),
        Debut::At(t) => format!("le {}", repere_protocol::write_local_time(t)[..16].replace('T', " à ")),
        Debut::Incomplete => "date à compléter".to_owned(),
    };
    format!("{lieu} · {quand}")
}

/// The rarely used fields: date and time, place, equipment, autonomy, gender, residence, orientation.
#[component]
fn Details(draft: RwSignal<Draft>, follows: impl Fn() -> bool + Copy + Send + Sync + 'static) -> impl IntoView {
    let outreach = expect_context::<Outreach>();
    let individual = move || !draft.with(Draft::is_collective);
    let lieu_is = move |choice| !follows() && draft.with(|d| d.lieu == choice);
    let lieu_place = Signal::derive(move || draft.with(|d| d.lieu_place.clone()));
    let choose_lieu = Callback::new(move |id| draft.update(|d| d.lieu_place = id));
    let orientation_place = Signal::derive(move || draft.with(|d| d.orientation_place.clone()));
    let choose_orientation = Callback::new(move |id| draft.update(|d| d.orientation_place = id));
    let date = move || match draft.with(|d| d.debut) {
        Debut::Now => local_input(clock::now()),
        Debut::At(t) => local_input(t),
        Debut::Incomplete => String::new(),
    };
    let set_date = move |text: String| {
        let at = repere_protocol::local_time(&format!("{text}:00"));
        draft.update(|d| d.debut = at.map_or(Debut::Incomplete, Debut::At));
    };
    view! {
        <label class="field" for="quand">"Date et heure"</label>
        <input id="quand" type="datetime-local" prop:value=date on:input=move |ev| set_date(event_target_value(&ev)) />
        <Show when=move || !follows() fallback=move || view! {
            <p class="hint">{move || outreach.current.get().map(|o| format!("Lieu : celui de la session ({})", o.title()))}</p>
        }>
            {chips_one("Lieu", "lieu", LieuChoice::ALL, move || Some(draft.with(|d| d.lieu)), move |v| draft.update(|d| d.lieu = v))}
        </Show>
        <Show when=move || lieu_is(LieuChoice::Registre)>
            <PlacePicker label="Lieu de l’annuaire" id="lieu-annuaire" chosen=lieu_place choose=choose_lieu />
        </Show>
        <Show when=move || lieu_is(LieuChoice::Commune) || lieu_is(LieuChoice::Bus) || lieu_is(LieuChoice::MarcheStand)>
            <label class="field" for="lieu-commune">
                {move || if lieu_is(LieuChoice::Commune) { "Commune du lieu" } else { "Commune (facultatif)" }}
            </label>
            <input id="lieu-commune" type="text" prop:value=move || draft.with(|d| d.lieu_commune.clone())
                on:input=move |ev| draft.update(|d| d.lieu_commune = event_target_value(&ev)) />
        </Show>
        {chips_many("Matériel utilisé", Materiel::ALL, move |v| draft.with(|d| d.materiel.contains(v)), move |v| draft.update(|d| d.materiel = toggled(d.materiel, v)))}
        <Show when=individual>
            {chips_one("Autonomie", "autonomie", Autonomie::ALL, move || draft.with(|d| d.autonomie), move |v| draft.update(|d| d.autonomie = Some(v)))}
            {chips_one("Genre (facultatif)", "genre", Genre::ALL, move || draft.with(|d| d.genre), move |v| draft.update(|d| d.genre = Some(v)))}
            <label class="field" for="residence">"Commune de résidence (facultatif)"</label>
            <input id="residence" type="text" prop:value=move || draft.with(|d| d.residence.clone())
                on:input=move |ev| draft.update(|d| d.residence = event_target_value(&ev)) />
        </Show>
        <label class="field" for="orientation">"Orientation vers (facultatif)"</label>
        <select id="orientation" on:change=move |ev| draft.update(|d| d.orientation = StructureRedirection::from_code(&event_target_value(&ev)))>
            <option value="" prop:selected=move || draft.with(|d| d.orientation.is_none())>"Aucune"</option>
            {StructureRedirection::ALL.iter().map(|s| view! {
                <option value=s.code() prop:selected=move || draft.with(|d| d.orientation == Some(*s))>{s.label()}</option>
            }).collect_view()}
        </select>
        <Show when=move || draft.with(|d| d.orientation.is_some())>
            <PlacePicker label="Lieu d’orientation dans l’annuaire (facultatif)" id="orientation-annuaire" chosen=orientation_place choose=choose_orientation />
        </Show>
    }
}
