//! The mediator's space, its own page and bundle (`/mediation/`): enrol this device once, then
//! log contacts in seconds, offline, and see them leave. Professional staff use it; its words
//! are French. One file per part of the page: `sync` (Envoi), `outreach` (session sur le
//! terrain; `stop`: at which stop of the tour, on the bus), `contact` (the form, bound to the core's `activity::Draft`), `place` (the place
//! picker), `proposal` (« Proposer une correction », « Proposer un nouveau lieu »: changes to the
//! registry, saved in the outbox beside contacts), `pending` (the list on the phone), `inputs` (chips, segmented control, counts), `figures`
//! (« Mes chiffres »: the server's figures of the structure plus what the phone holds unsent).

mod contact;
mod figures;
mod inputs;
mod outreach;
mod pending;
mod place;
mod proposal;
mod stop;
mod sync;

use leptos::prelude::*;

use super::{EnrolForm, Section, frame, provide_shared, scroll_to_top};
use crate::outbox::Mediation;
use crate::registry::Registry;
use crate::session::Outreach;

/// The mediators' app. While it is open the outbox syncs by itself (at start, when back online,
/// and again after a failure); each successful sync also pulls registry updates.
#[component]
pub fn MediatorApp() -> impl IntoView {
    provide_shared();
    let mediation = Mediation::start();
    provide_context(mediation);
    provide_context(Outreach::remembered());
    let registry = Registry::load(move |db| mediation.attach(db));
    mediation.pull_with(registry);
    provide_context(registry);
    scroll_to_top();
    frame(Signal::stored(Section::Mediation), || view! { <MediationPage /> }.into_any())
}

#[component]
fn MediationPage() -> impl IntoView {
    let m = expect_context::<Mediation>();
    view! {
        <h1 tabindex="-1">"Espace médiateur"</h1>
        {move || match (m.ready.get(), m.device.get().is_some()) {
            (false, _) => view! { <p class="registry">"Chargement…"</p> }.into_any(),
            (true, true) => view! { <Logbook /> }.into_any(),
            (true, false) => view! { <Enrol /> }.into_any(),
        }}
    }
}

#[component]
fn Enrol() -> impl IntoView {
    let m = expect_context::<Mediation>();
    view! {
        <EnrolForm
            intro="Pour noter vos accompagnements, ce téléphone doit être inscrit une fois, avec le code donné par le Département."
            label="Code d’inscription"
            button="Inscrire ce téléphone"
            enrol=move |code: String| async move { m.enrol(&code).await }
        />
    }
}

#[component]
fn Logbook() -> impl IntoView {
    let m = expect_context::<Mediation>();
    let structure = move || m.device.get().map(|d| d.structure).unwrap_or_default();
    view! {
        <p>{move || format!("Structure : {}", structure())}</p>
        <sync::SyncStatus />
        <outreach::OutreachSession />
        <contact::ContactForm />
        <proposal::Proposals />
        <pending::Pending />
        <figures::MyFigures />
    }
}
