//! « Créer le lien de mise à jour », on each place of the « Registre » tab's list to update: the
//! server makes the place's new link (`POST /api/v1/places/{id}/link`; the old one stops working)
//! and the item shows it with « Copier le lien » and, when the place publishes an e-mail address,
//! « Écrire au lieu », a `mailto:` with the reminder's words — for a département without an SMTP
//! server, or a coordinator on the phone with the place.
//!
//! The list is one markup string (see `freshness::DueList`), so one click handler on the list
//! serves every button, found by its `data-lieu` / `data-copie` attribute.

use wasm_bindgen::JsCast;
use web_sys::{Element, MouseEvent};

use crate::coordination::Coordination;
use crate::pages::coordination::charts::escape;

const MAKE: &str = "Créer le lien de mise à jour";

/// The list's click handler.
pub fn on_click(c: Coordination) -> impl Fn(MouseEvent) + 'static {
    move |ev: MouseEvent| {
        let Some(target) = ev.target().and_then(|t| t.dyn_into::<Element>().ok()) else { return };
        if let Ok(Some(copy)) = target.closest("button[data-copie]") {
            let link = copy.get_attribute("data-copie").unwrap_or_default();
            if let Some(window) = web_sys::window() {
                let _ = window.navigator().clipboard().write_text(&link);
                copy.set_text_content(Some("Lien copié"));
            }
            return;
        }
        let Ok(Some(button)) = target.closest("button[data-lieu]:not([disabled])") else { return };
        let Some(id) = button.get_attribute("data-lieu") else { return };
        let _ = button.set_attribute("disabled", "");
        button.set_text_content(Some("Création du lien…"));
        leptos::task::spawn_local(async move {
            match c.place_link(&id).await {
                Ok(made) => button.set_outer_html(&made_markup(&made)),
                Err(problem) => {
                    let _ = button.remove_attribute("disabled");
                    button.set_text_content(Some(MAKE));
                    let _ = button
                        .insert_adjacent_html("afterend", &format!("<span class=\"notice\" role=\"alert\">{}</span>", escape(&problem)));
                }
            }
        });
    }
}

/// The link made (`PlaceLinkDto` as JSON), to copy or send.
fn made_markup(made: &serde_json::Value) -> String {
    let text = |key: &str| made[key].as_str().unwrap_or_default();
    let courriels: Vec<&str> = made["courriels"].as_array().map(|a| a.iter().filter_map(|c| c.as_str()).collect()).unwrap_or_default();
    let link = escape(text("link"));
    let send = if courriels.is_empty() {
        "<span class=\"hint\">Pas d’e-mail publié : donnez le lien au téléphone.</span>".to_owned()
    } else {
        let encode = |text: &str| String::from(js_sys::encode_uri_component(text));
        let href = format!("mailto:{}?subject={}&body={}", courriels.join(","), encode(text("subject")), encode(text("body")));
        format!("<a class=\"button\" href=\"{}\">Écrire au lieu</a>", escape(&href))
    };
    format!(
        "<span class=\"made\" role=\"status\">Nouveau lien (l’ancien ne marche plus) :<br>\
         <input readonly value=\"{link}\" aria-label=\"Lien de mise à jour\"><br>\
         <button type=\"button\" class=\"secondary\" data-copie=\"{link}\">Copier le lien</button> {send}</span>"
    )
}
