//! Screens. For now the home page: what Repère is, and the orientation line.

use leptos::prelude::*;

use crate::components::{ConnectionStatus, HelplineLink, UpdateBanner};
use crate::pwa::Updater;

/// The whole app: header with the orientation line, then the current page.
#[component]
pub fn App() -> impl IntoView {
    let updater = Updater::new();
    updater.register();
    provide_context(updater);
    view! {
        <header class="top">
            <p class="brand">"Repère"</p>
            <HelplineLink />
        </header>
        <UpdateBanner />
        <ConnectionStatus />
        <main id="contenu">
            <Home />
        </main>
    }
}

#[component]
fn Home() -> impl IntoView {
    view! {
        <h1>"Trouver de l’aide pour le numérique, près de chez vous"</h1>
        <p>
            "Démarches en ligne, téléphone, ordinateur : dans la Vienne, des personnes peuvent vous aider, "
            "souvent gratuitement."
        </p>
        <p>"Vous ne savez pas où aller ? Appelez, un conseiller vous oriente."</p>
        <HelplineLink />
    }
}
