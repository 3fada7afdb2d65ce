//! Screens. For now the home page: what Repère is, and the orientation line.

use leptos::prelude::*;

use crate::components::{ConnectionStatus, HelplineLink, UpdateBanner};
use crate::pwa::Updater;
use crate::registry::Registry;

/// The whole app: header with the orientation line, then the current page.
#[component]
pub fn App() -> impl IntoView {
    let updater = Updater::new();
    updater.register();
    provide_context(updater);
    provide_context(Registry::load());
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
        <RegistryStatus />
        <p>"Vous ne savez pas où aller ? Appelez, un conseiller vous oriente."</p>
        <HelplineLink />
    }
}

/// How many places this device knows, which also shows that they are there without network.
#[component]
fn RegistryStatus() -> impl IntoView {
    let registry = expect_context::<Registry>();
    move || match registry.status() {
        None => view! { <p class="registry">"Chargement des lieux…"</p> }.into_any(),
        Some(Ok(loaded)) => {
            let text = format!("{} lieux d’aide dans la Vienne, enregistrés sur ce téléphone.", loaded.places);
            view! { <p class="registry">{text}</p> }.into_any()
        }
        Some(Err(_)) => view! { <p class="registry">"Les lieux n’ont pas pu être chargés. Appelez le numéro ci-dessous."</p> }.into_any(),
    }
}
