//! Small pieces of screen shared by pages. They display state; they decide nothing.

use leptos::prelude::*;
use repere_core::i18n::Lang;
use repere_core::needs::Need;
use repere_core::phone::{HELPLINE, PhoneNumber};
use repere_core::registry::{Dispositif, Place};

use crate::choices::{Choices, toggle};
use crate::i18n::{Locale, texts};
use crate::pwa::Updater;

/// The département's orientation line, always one tap away.
#[component]
pub fn HelplineLink() -> impl IntoView {
    let t = texts();
    view! {
        <a class="helpline" href=HELPLINE.tel_uri()>
            <span class="helpline-label">{t.helpline_label}</span>
            <span class="helpline-number" dir="ltr">{HELPLINE.to_string()}</span>
        </a>
    }
}

/// Says calmly when the network is gone: everything on the device still works.
#[component]
pub fn ConnectionStatus() -> impl IntoView {
    let t = texts();
    let online = RwSignal::new(web_sys::window().map(|w| w.navigator().on_line()).unwrap_or(true));
    let _ = window_event_listener(leptos::ev::online, move |_| online.set(true));
    let _ = window_event_listener(leptos::ev::offline, move |_| online.set(false));
    view! {
        <p class="connection" role="status">
            <Show when=move || !online.get()>{t.offline}</Show>
        </p>
    }
}

/// Offers the new version once it is installed; nothing changes until the person agrees.
#[component]
pub fn UpdateBanner() -> impl IntoView {
    let t = texts();
    let updater = expect_context::<Updater>();
    view! {
        <Show when=move || updater.is_ready()>
            <div class="update" role="status">
                <p>{t.update_ready}</p>
                <button type="button" on:click=move |_| updater.apply()>{t.update_apply}</button>
            </div>
        </Show>
    }
}

/// Three buttons, each language named in itself, so anyone finds theirs.
#[component]
pub fn LanguagePicker() -> impl IntoView {
    let locale = expect_context::<Locale>();
    let current = locale.get();
    view! {
        <nav class="languages" aria-label=texts().language>
            {Lang::ALL
                .into_iter()
                .map(|lang| {
                    view! {
                        <button
                            type="button"
                            lang=lang.code()
                            aria-pressed=(lang == current).to_string()
                            on:click=move |_| locale.choose(lang)
                        >
                            {lang.autonym()}
                        </button>
                    }
                })
                .collect_view()}
        </nav>
    }
}

/// The needs as large toggle buttons; none chosen shows every place.
#[component]
pub fn NeedPicker() -> impl IntoView {
    let t = texts();
    let needs = expect_context::<Choices>().needs;
    view! {
        <ul class="needs" role="list">
            {Need::ALL
                .into_iter()
                .map(|need| {
                    view! {
                        <li>
                            <button
                                type="button"
                                class="need"
                                aria-pressed=move || needs.with(|n| n.contains(&need)).to_string()
                                on:click=move |_| toggle(needs, need)
                            >
                                {(t.need)(need)}
                            </button>
                        </li>
                    }
                })
                .collect_view()}
        </ul>
    }
}

/// The programmes a place belongs to, as residents recognise them, and "itinérant".
#[component]
pub fn Badges(place: &'static Place) -> impl IntoView {
    let t = texts();
    let programmes = [
        (Dispositif::FranceServices, "France Services", "fs"),
        (Dispositif::ConseillersNumeriques, "Conseiller numérique", "cn"),
        (Dispositif::AidantsConnect, "Aidants Connect", "ac"),
    ];
    let mut badges: Vec<_> = programmes
        .into_iter()
        .filter(|(d, _, _)| place.dispositif_programmes_nationaux.contains(*d))
        .map(|(_, name, class)| view! { <li class=format!("badge badge-{class}")>{name}</li> })
        .collect();
    if place.is_itinerant() {
        badges.push(view! { <li class="badge badge-itinerant".to_owned()>{t.itinerant}</li> });
    }
    view! { <ul class="badges" role="list">{badges}</ul> }
}

/// The place's number, as a call button, when it published a valid one.
pub fn phone_of(place: &Place) -> Option<PhoneNumber> {
    place.telephone.as_deref()?.parse().ok()
}
