//! « Télécharger »: the activities (CSV, XLSX, La Coop's columns) and the statistics (XLSX, one
//! sheet per breakdown) for the filter of the figures on screen, or the coverage table for the
//! threshold and places on screen. Fetched with the device's token (a plain link cannot send
//! it), then handed to the browser as a file.

use leptos::prelude::*;

use crate::coordination::Coordination;

/// The figures' files: (address, button, name when the server gives none).
pub const FIGURES_FILES: [(&str, &str, &str); 3] = [
    ("/api/v1/export/activites.csv", "Activités (CSV)", "repere_activites.csv"),
    ("/api/v1/export/activites.xlsx", "Activités (tableur XLSX)", "repere_activites.xlsx"),
    ("/api/v1/export/statistiques.xlsx", "Statistiques (tableur XLSX)", "repere_statistiques.xlsx"),
];

#[component]
pub fn Exports<const N: usize>(
    query: Signal<String>,
    files: [(&'static str, &'static str, &'static str); N],
    /// What the files hold, under the heading.
    hint: &'static str,
) -> impl IntoView {
    let c = expect_context::<Coordination>();
    let message = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let download = move |path: &'static str, fallback: &'static str| {
        busy.set(true);
        message.set(Some("Téléchargement…".into()));
        leptos::task::spawn_local(async move {
            let result = c.download(path, &query.get_untracked(), fallback).await;
            busy.set(false);
            message.set(result.err().map(|e| format!("Téléchargement impossible : {e}.")));
        });
    };
    view! {
        <section class="exports" aria-labelledby="exports-titre">
            <h2 id="exports-titre">"Télécharger"</h2>
            <p class="hint">{hint}</p>
            <div class="actions">
                {files
                    .into_iter()
                    .map(|(path, label, fallback)| {
                        view! { <button type="button" class="secondary" disabled=move || busy.get() on:click=move |_| download(path, fallback)>{label}</button> }
                    })
                    .collect_view()}
            </div>
            <p class="notice" role="status">{move || message.get()}</p>
        </section>
    }
}
