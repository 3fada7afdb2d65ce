//! Small pieces of screen shared by pages. They display state; they decide nothing.

use leptos::prelude::*;
use repere_core::phone::HELPLINE;

use crate::pwa::Updater;

/// The département's orientation line, always one tap away.
#[component]
pub fn HelplineLink() -> impl IntoView {
    view! {
        <a class="helpline" href=HELPLINE.tel_uri()>
            <span class="helpline-label">"Un conseiller vous oriente"</span>
            <span class="helpline-number">{HELPLINE.to_string()}</span>
        </a>
    }
}

/// Says calmly when the network is gone: everything on the device still works.
#[component]
pub fn ConnectionStatus() -> impl IntoView {
    let online = RwSignal::new(web_sys::window().map(|w| w.navigator().on_line()).unwrap_or(true));
    let _ = window_event_listener(leptos::ev::online, move |_| online.set(true));
    let _ = window_event_listener(leptos::ev::offline, move |_| online.set(false));
    view! {
        <p class="connection" role="status">
            <Show when=move || !online.get()>"Hors connexion : les informations restent disponibles."</Show>
        </p>
    }
}

/// Offers the new version once it is installed; nothing changes until the person agrees.
#[component]
pub fn UpdateBanner() -> impl IntoView {
    let updater = expect_context::<Updater>();
    view! {
        <Show when=move || updater.is_ready()>
            <div class="update" role="status">
                <p>"Une nouvelle version de Repère est prête."</p>
                <button type="button" on:click=move |_| updater.apply()>"Mettre à jour"</button>
            </div>
        </Show>
    }
}
