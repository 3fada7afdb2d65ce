//! The registry's upkeep (`/registre/`), the coordinators' fourth bundle: the people who keep
//! the registry true moderate what residents report and mediators propose, review the places'
//! own updates, the candidate places and likely duplicates, send reminders and read the
//! consultation figures (issue #15). Same coordinators, same enrolment and token as
//! `/coordination/` (the device's `meta` key `coordinator`, see `crate::coordination`), so a
//! coordinator enrolled in one is enrolled in the other.
//!
//! One file per page: `moderation` (the queue, decisions, one publication; `audit` its history
//! with undo), `freshness` (how fresh the registry is, the places to update, with `place_link`),
//! `candidates` (candidate places and likely duplicates), `reminders` (places due, to write to or
//! to call), `consultations` (what residents looked at), `stops` (the tours of itinerant
//! places, issue #16). Answers are read as JSON values
//! (`crate::coordination::Coordination::read`), rules come from `repere_core::moderation`.

mod audit;
mod candidates;
mod consultations;
mod freshness;
mod moderation;
mod place_link;
mod reminders;
mod stops;

use leptos::prelude::*;

use super::{COORDINATION_PATH, EnrolForm, Section, frame, provide_shared, scroll_to_top};
use crate::coordination::Coordination;
use crate::registry::Registry;

/// The registry's upkeep app.
#[component]
pub fn RegistreApp() -> impl IntoView {
    provide_shared();
    provide_context(Coordination::start());
    // The registry the device holds: freshness is computed on its places.
    provide_context(Registry::load(|_| {}));
    scroll_to_top();
    frame(Signal::stored(Section::Coordination), || view! { <RegistrePage /> }.into_any())
}

#[component]
fn RegistrePage() -> impl IntoView {
    let c = expect_context::<Coordination>();
    view! {
        <h1 tabindex="-1">"Registre des lieux"</h1>
        // The coordination space's other tabs; this page is its « Registre ».
        <nav class="tabs compact" aria-label="Espace coordination">
            <a href=format!("{COORDINATION_PATH}#/")>"Chiffres"</a>
            <a href=format!("{COORDINATION_PATH}#/couverture")>"Où l’aide manque"</a>
        </nav>
        {move || match (c.ready.get(), c.account.with(Option::is_some)) {
            (false, _) => view! { <p class="registry">"Chargement…"</p> }.into_any(),
            (true, true) => view! { <Pages /> }.into_any(),
            (true, false) => view! { <Enrol /> }.into_any(),
        }}
    }
}

/// The registry's pages; the address's `#` part says which (reload and back work).
#[derive(Clone, Copy, PartialEq)]
enum Tab {
    Moderation,
    Freshness,
    Candidates,
    Reminders,
    Consultations,
    Stops,
}

impl Tab {
    const ALL: [(Tab, &'static str, &'static str); 6] = [
        (Tab::Moderation, "#/", "À modérer"),
        (Tab::Freshness, "#/fraicheur", "Fraîcheur"),
        (Tab::Candidates, "#/candidats", "Candidats"),
        (Tab::Reminders, "#/relances", "Relances"),
        (Tab::Consultations, "#/consultations", "Consultations"),
        (Tab::Stops, "#/arrets", "Arrêts"),
    ];

    fn of(hash: &str) -> Tab {
        Tab::ALL[1..].iter().find(|(_, href, _)| hash.starts_with(href)).map_or(Tab::Moderation, |(tab, _, _)| *tab)
    }
}

#[component]
fn Pages() -> impl IntoView {
    let hash = RwSignal::new(crate::route::current_hash());
    let _ = window_event_listener(leptos::ev::hashchange, move |_| hash.set(crate::route::current_hash()));
    let tab = Memo::new(move |_| Tab::of(&hash.get()));
    view! {
        <nav class="tabs compact sub" aria-label="Pages du registre">
            {Tab::ALL
                .map(|(t, href, name)| view! { <a href=href aria-current=move || (tab.get() == t).then_some("page")>{name}</a> })
                .collect_view()}
        </nav>
        {move || match tab.get() {
            Tab::Moderation => view! { <moderation::ModerationPage /> }.into_any(),
            Tab::Freshness => view! { <freshness::RegistryPage /> }.into_any(),
            Tab::Candidates => view! { <candidates::CandidatesPage /> }.into_any(),
            Tab::Reminders => view! { <reminders::RemindersPage /> }.into_any(),
            Tab::Consultations => view! { <consultations::ConsultationsPage /> }.into_any(),
            Tab::Stops => view! { <stops::StopsPage /> }.into_any(),
        }}
    }
}

#[component]
fn Enrol() -> impl IntoView {
    let c = expect_context::<Coordination>();
    view! {
        <EnrolForm
            intro="Pour tenir le registre à jour, cet appareil doit être inscrit une fois, avec le code de coordination donné par le Département. Un appareil inscrit dans l’espace coordination l’est aussi ici."
            label="Code de coordination"
            button="Inscrire cet appareil"
            enrol=move |code: String| async move { c.enrol(&code).await }
        />
    }
}

/// A string field of a JSON answer ("" when absent or not a string).
fn text<'a>(v: &'a serde_json::Value, key: &str) -> &'a str {
    v[key].as_str().unwrap_or_default()
}

/// A value of a change as shown: « (vide) » for none, a phone number as people write it.
fn shown(v: &serde_json::Value) -> String {
    match v {
        serde_json::Value::Null => "(vide)".to_owned(),
        serde_json::Value::String(s) if s.is_empty() => "(vide)".to_owned(),
        serde_json::Value::String(s) => match s.starts_with("+33").then(|| s.parse::<repere_core::phone::PhoneNumber>()) {
            // Never broken across lines.
            Some(Ok(n)) => n.to_string().replace(' ', "\u{a0}"),
            _ => repere_core::date::iso_date(s).map_or_else(|| s.clone(), repere_core::date::french_date),
        },
        other => other.to_string(),
    }
}

/// « 1 changement », « 3 changements ».
fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n > 1 { many } else { one })
}

/// The label of a field of the standard, for the history (the queue's changes carry theirs).
fn field_label(field: &str) -> &str {
    match field {
        "nom" => "Nom",
        "date_maj" => "Date de mise à jour",
        "adresse" => "Adresse",
        "complement_adresse" => "Complément d’adresse",
        "commune" => "Commune",
        "code_postal" => "Code postal",
        "telephone" => "Téléphone",
        "courriels" => "Courriels",
        "site_web" => "Site web",
        "horaires" => "Horaires",
        "presentation_resume" => "Présentation",
        "prise_rdv" => "Prise de rendez-vous",
        "services" => "Services",
        "modalites_acces" => "Modalités d’accès",
        other => other,
    }
}

/// A number field of a JSON answer, written as French does ("12 345").
fn count(v: &serde_json::Value, key: &str) -> String {
    repere_core::stats::thousands(v[key].as_u64().unwrap_or(0))
}

/// `2026-11-30T10:00:00Z` or `2026-11-30` → `30/11/2026` (the text as given when not a date).
fn day(iso: &str) -> String {
    iso.get(..10).and_then(repere_core::date::iso_date).map_or_else(|| iso.to_owned(), repere_core::date::french_date)
}

/// What an answer that is still on its way, came, or failed shows.
#[derive(Clone, PartialEq)]
enum Answer {
    Waiting,
    Came(serde_json::Value),
    Failed(String),
}

/// Reads `path` into `into` (in the background).
fn load(c: Coordination, path: String, into: RwSignal<Answer>) {
    leptos::task::spawn_local(async move {
        into.set(match c.read(&path).await {
            Ok(v) => Answer::Came(v),
            Err(e) => Answer::Failed(e),
        });
    });
}

/// « Impossible de lire … : reason. » for a failed answer, in a status line.
fn failed(what: &str, why: &str) -> String {
    format!("Impossible de lire {what} : {}.", why.trim_end_matches('.'))
}
