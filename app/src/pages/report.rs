//! « Signaler une erreur » on a place's sheet: folded until asked, then what is wrong as five
//! large radio buttons, a short text (required for « Autre ») under a visible warning not to
//! write anyone's name or number, and « Envoyer ». The report is kept on the phone first
//! ([`crate::upkeep::reports`]); the person is told whether it left or will leave when the
//! phone has network.

use leptos::prelude::*;
use repere_core::i18n::Texts;
use repere_core::registry::Place;
use repere_protocol::upkeep::{MAX_NOTE, Motif, ReportDto};

use crate::i18n::texts;
use crate::registry::Registry;
use crate::upkeep::reports::Outcome;
use crate::upkeep::{Upkeep, iso_day, random_id};

/// The wire's reasons, in the order of the translation table's `report_motifs`.
const MOTIFS: [Motif; 5] = [Motif::Ferme, Motif::Horaires, Motif::Telephone, Motif::Demenage, Motif::Autre];

/// The report the form describes, or what the person must change, in their words: the two
/// rules of `ReportDto::check` a person can break (a text for « Autre », at most [`MAX_NOTE`]
/// characters); the id and the day are made right here. Not `check` itself, whose date
/// parsing would bring chrono's parser to every resident's phone (+20 KiB); `app/tests/upkeep.rs`
/// holds this to `check` on every motif and length around the bound.
pub fn report_of(
    t: &Texts,
    place_id: &str,
    version: u64,
    motif: Option<Motif>,
    text: &str,
    day: chrono::NaiveDate,
) -> Result<ReportDto, String> {
    let motif = motif.ok_or(t.report_choose)?;
    let report =
        ReportDto { id: random_id(), place_id: place_id.to_owned(), version, motif, texte: text.trim().to_owned(), jour: iso_day(day) };
    let n = report.texte.chars().count();
    if n > MAX_NOTE {
        Err((t.report_too_long)(n, MAX_NOTE))
    } else if motif == Motif::Autre && n == 0 {
        Err(t.report_text_needed.to_owned())
    } else {
        Ok(report)
    }
}

/// The folded form as markup, one string (as the map's markers): plain HTML a screen reader
/// reads as any form, and far less code on the phone than a component per element. Only the
/// translation table's words go in it, never anything typed.
fn markup(t: &Texts) -> String {
    let radios: String = t
        .report_motifs
        .iter()
        .enumerate()
        .map(|(i, label)| format!(r#"<label class="check"><input type="radio" name="motif" value="{i}">{label}</label>"#))
        .collect();
    format!(
        r#"<details><summary>{}</summary><form novalidate><fieldset><legend>{}</legend>{radios}</fieldset><label for="report-text">{}</label><p class="warning" id="report-warning">{}</p><textarea id="report-text" rows="3" maxlength="{MAX_NOTE}" aria-describedby="report-warning"></textarea><p class="notice" role="status"></p><button type="submit" class="big">{}</button></form></details>"#,
        t.report_title, t.report_what, t.report_text, t.report_no_personal, t.report_send
    )
}

/// The form's elements, found when it is sent: the reason chosen, the text, the status line.
fn find(selector: &str) -> Option<web_sys::Element> {
    web_sys::window()?.document()?.query_selector(selector).ok().flatten()
}

/// Says `message` in the form's status line (a live region: screen readers read it out).
fn say(message: &str) {
    if let Some(status) = find(".report [role=status]") {
        status.set_text_content(Some(message));
    }
}

/// « Signaler une erreur »: the markup above, and one handler for its `submit` (which bubbles
/// up to this element).
#[component]
pub fn ReportForm(place: &'static Place) -> impl IntoView {
    let t = texts();
    let busy = StoredValue::new(false);
    let (upkeep, registry) = (expect_context::<Upkeep>(), expect_context::<Registry>());
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if busy.get_value() {
            return;
        }
        let (chosen, text) = (find(".report input[name=motif]:checked"), find("#report-text"));
        let motif = chosen.as_ref().and_then(|c| c.get_attribute("value")?.parse::<usize>().ok()).and_then(|i| MOTIFS.get(i).copied());
        let typed = text.as_ref().and_then(|e| js_sys::Reflect::get(e, &"value".into()).ok()?.as_string()).unwrap_or_default();
        let version = registry.version_untracked().unwrap_or(0);
        let report = match report_of(t, &place.id, version, motif, &typed, crate::clock::now().date()) {
            Ok(r) => r,
            Err(e) => return say(&e),
        };
        busy.set_value(true);
        leptos::task::spawn_local(async move {
            let said = match upkeep.report(report).await {
                Ok(Outcome::Sent) => t.report_sent,
                Ok(Outcome::Queued) => t.report_queued,
                Ok(Outcome::Refused) => t.report_refused,
                Err(e) => {
                    web_sys::console::error_1(&format!("signalement : {e}").into());
                    t.report_not_saved
                }
            };
            if said != t.report_not_saved {
                for (element, property, empty) in [(chosen, "checked", false.into()), (text, "value", "".into())] {
                    if let Some(e) = element {
                        let _ = js_sys::Reflect::set(&e, &property.into(), &empty);
                    }
                }
            }
            busy.set_value(false);
            say(said);
        });
    };
    // A message from an earlier try goes as soon as the person changes the form, so it never
    // sits under a form that no longer has that problem.
    let changed = |_| say("");
    view! { <div class="report no-print" on:submit=submit on:input=changed inner_html=markup(t)></div> }
}
