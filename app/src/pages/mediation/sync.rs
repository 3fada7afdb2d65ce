//! "Envoi": what waits on the phone, the last sync, a failure said once and the countdown to the
//! next try (outside any live region), and the "Synchroniser" button.

use chrono::{Datelike, Timelike};
use leptos::prelude::*;

use crate::outbox::Mediation;

#[component]
pub fn SyncStatus() -> impl IntoView {
    let m = expect_context::<Mediation>();
    let sync = move |_| leptos::task::spawn_local(async move { m.sync_now().await });
    view! {
        <section class="sync" aria-labelledby="envoi">
            <h2 id="envoi">"Envoi"</h2>
            <p role="status" class="pending">{move || pending_words(m.pending() - m.proposals(), m.proposals())}</p>
            <p class="hint">{move || m.last_sync.get().map(|t| last_sync_words(&t)).unwrap_or_else(|| "Aucun envoi pour l’instant.".into())}</p>
            // Said once when it changes (a live region); the countdown below is not live, so a
            // screen reader does not read it out every second.
            <p class="notice" role="status">{move || m.problem.get().map(|p| format!("Envoi impossible pour l’instant ({p}). Les contacts restent sur ce téléphone ; nouvel essai automatique."))}</p>
            <p class="hint retry">{move || retry_words(m)}</p>
            <button type="button" class="secondary" on:click=sync disabled=move || m.syncing.get()>
                {move || if m.syncing.get() { "Envoi en cours…" } else { "Synchroniser" }}
            </button>
        </section>
    }
}

/// "2 contacts et 1 proposition en attente d’envoi".
fn pending_words(contacts: usize, proposals: usize) -> String {
    let plural = |n: usize, word: &str| format!("{n} {word}{}", if n > 1 { "s" } else { "" });
    match (contacts, proposals) {
        (0, 0) => "Tout est envoyé.".to_owned(),
        (c, 0) => format!("{} en attente d’envoi", plural(c, "contact")),
        (0, p) => format!("{} en attente d’envoi", plural(p, "proposition")),
        (c, p) => format!("{} et {} en attente d’envoi", plural(c, "contact"), plural(p, "proposition")),
    }
}

/// "Nouvel essai dans 40 s." while a try is scheduled; after a failure offline, when it will be.
fn retry_words(m: Mediation) -> Option<String> {
    if m.syncing.get() || m.pending() == 0 {
        return None;
    }
    match m.retry_in() {
        Some(s) => Some(format!("Nouvel essai dans {s} s.")),
        None => m.problem.with(Option::is_some).then(|| "Nouvel essai au retour du réseau.".to_owned()),
    }
}

/// "Dernier envoi réussi : 28/11 à 21 h 11" from a stored local time.
fn last_sync_words(stored: &str) -> String {
    match repere_protocol::local_time(stored) {
        Some(t) => format!("Dernier envoi réussi : {:02}/{:02} à {} h {:02}.", t.day(), t.month(), t.hour(), t.minute()),
        None => "Dernier envoi réussi : date inconnue.".to_owned(),
    }
}
