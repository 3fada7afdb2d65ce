//! « Relances » : the places due for an update (`GET /api/v1/reminders`, DORA's rule: their
//! grade, or their own frequency, 6 months by default), to write to (`mailto:` with a new
//! update link made by « Créer le lien ») or, without an e-mail address, to call (`tel:`); the
//! same list as a CSV file; and each place's frequency (`POST /api/v1/reminders/frequency`).
//! For a département without an SMTP server, this page is how reminders go out.

use leptos::prelude::*;
use repere_core::phone::PhoneNumber;
use serde_json::{Value, json};

use super::{Answer, day, failed, load, text};
use crate::coordination::{Coordination, refused};
use crate::pages::coordination::charts::escape;

#[component]
pub fn RemindersPage() -> impl IntoView {
    let c = expect_context::<Coordination>();
    let answer = RwSignal::new(Answer::Waiting);
    let download = RwSignal::new(None::<String>);
    load(c, "/api/v1/reminders".into(), answer);
    let csv = move |_| {
        leptos::task::spawn_local(async move {
            download.set(c.download("/api/v1/export/relances.csv", "", "relances.csv").await.err());
        });
    };
    view! {
        <h2>"Relances"</h2>
        <p class="hint">"Les lieux à relancer : fiche trop ancienne ou délai de relance passé. Écrivez-leur avec leur lien de mise à jour, ou appelez ceux qui n’ont pas d’e-mail."</p>
        <button type="button" class="secondary" on:click=csv>"Télécharger la liste (CSV)"</button>
        <p class="notice" role="status">{move || download.get()}</p>
        {move || match answer.get() {
            Answer::Waiting => view! { <p class="registry">"Chargement…"</p> }.into_any(),
            Answer::Failed(e) => view! { <p class="notice" role="alert">{failed("les relances", &e)}</p> }.into_any(),
            Answer::Came(v) => {
                let due = v["due"].as_array().cloned().unwrap_or_default();
                let (mail, call): (Vec<Value>, Vec<Value>) = due.into_iter().partition(|p| !text(p, "courriel").is_empty());
                view! {
                    <section class="breakdown">
                        <h3 id="a-ecrire">{format!("À écrire ({})", mail.len())}</h3>
                        <ol class="due" on:click=super::place_link::on_click(c) inner_html=markup(&mail) />
                    </section>
                    <section class="breakdown">
                        <h3 id="a-appeler">{format!("À appeler ({})", call.len())}</h3>
                        <ol class="due" on:click=super::place_link::on_click(c) inner_html=markup(&call) />
                    </section>
                    <details class="history">
                        <summary>"Fréquence de relance par lieu"</summary>
                        <Frequencies places=mail.into_iter().chain(call).collect() />
                    </details>
                }
                .into_any()
            }
        }}
    }
}

/// The items of a list of places due: name, grade, last reminder, the phone as a `tel:` link and
/// « Créer le lien de mise à jour » (its `mailto:` follows once made, see `place_link`).
fn markup(places: &[Value]) -> String {
    places
        .iter()
        .map(|p| {
            let last = match text(p, "last_reminded") {
                "" => "jamais relancé".to_owned(),
                d => format!("relancé le {}", day(d)),
            };
            let phone = match text(p, "telephone").parse::<PhoneNumber>() {
                Ok(n) => format!("<br><a href=\"{}\">Appeler le {n}</a>", n.tel_uri()),
                Err(_) => String::new(),
            };
            format!(
                "<li><strong>{} ({})</strong><br>{} · {last}{phone}<br>\
                 <button type=\"button\" class=\"secondary\" data-lieu=\"{}\">Créer le lien de mise à jour</button></li>",
                escape(text(p, "nom")),
                escape(text(p, "commune")),
                escape(text(p, "grade")),
                escape(text(p, "place_id")),
            )
        })
        .collect()
}

/// Each place's reminder frequency, 1 to 24 months.
#[component]
fn Frequencies(places: Vec<Value>) -> impl IntoView {
    view! {
        <ul class="frequencies">
            {places.into_iter().map(|p| view! { <li><Frequency p /></li> }).collect_view()}
        </ul>
    }
}

#[component]
fn Frequency(p: Value) -> impl IntoView {
    let c = expect_context::<Coordination>();
    let id = text(&p, "place_id").to_owned();
    let months = RwSignal::new(p["frequency_months"].as_u64().unwrap_or(6).to_string());
    let message = RwSignal::new(None::<String>);
    let input_id = format!("f-{id}");
    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let n: u32 = match months.get_untracked().trim().parse() {
            Ok(n) if (1..=24).contains(&n) => n,
            _ => return message.set(Some("Entre 1 et 24 mois.".into())),
        };
        let body = json!({"place_id": id.clone(), "months": n}).to_string();
        leptos::task::spawn_local(async move {
            message.set(Some(match c.send("/api/v1/reminders/frequency", &body).await {
                Ok(_) => format!("Enregistré : tous les {n} mois."),
                Err(refusal) => format!("Non enregistré : {}", refused(refusal)),
            }));
        });
    };
    view! {
        <form class="frequency" novalidate on:submit=save>
            <label for=input_id.clone()>{format!("{} ({}), en mois", text(&p, "nom"), text(&p, "commune"))}</label>
            <input id=input_id type="number" min="1" max="24" inputmode="numeric" prop:value=move || months.get() on:input=move |ev| months.set(event_target_value(&ev)) />
            <button type="submit" class="secondary">"Enregistrer"</button>
            <p class="notice" role="status">{move || message.get()}</p>
        </form>
    }
}
