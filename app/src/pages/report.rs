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

#[component]
pub fn ReportForm(place: &'static Place) -> impl IntoView {
    let t = texts();
    let motif = RwSignal::new(None::<Motif>);
    let text = RwSignal::new(String::new());
    let message = RwSignal::new(None::<String>);
    let invalid = RwSignal::new(false);
    let busy = RwSignal::new(false);
    let (upkeep, registry) = (expect_context::<Upkeep>(), expect_context::<Registry>());
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let version = registry.version_untracked().unwrap_or(0);
        let report = report_of(t, &place.id, version, motif.get_untracked(), &text.get_untracked(), crate::clock::now().date());
        let report = match report {
            Ok(r) => r,
            Err(e) => {
                invalid.set(motif.get_untracked().is_some());
                message.set(Some(e));
                return;
            }
        };
        invalid.set(false);
        busy.set(true);
        leptos::task::spawn_local(async move {
            let said = match upkeep.reports.report(report).await {
                Ok(Outcome::Sent) => t.report_sent,
                Ok(Outcome::Queued) => t.report_queued,
                Ok(Outcome::Refused) => t.report_refused,
                Err(e) => {
                    web_sys::console::error_1(&format!("signalement : {e}").into());
                    busy.set(false);
                    message.set(Some(t.report_not_saved.to_owned()));
                    return;
                }
            };
            motif.set(None);
            text.set(String::new());
            busy.set(false);
            message.set(Some(said.to_owned()));
        });
    };
    let radios = MOTIFS
        .into_iter()
        .zip(t.report_motifs)
        .map(|(m, label)| {
            view! {
                <label class="check">
                    <input
                        type="radio"
                        name="motif"
                        prop:checked=move || motif.get() == Some(m)
                        on:change=move |_| motif.set(Some(m))
                    />
                    {label}
                </label>
            }
        })
        .collect_view();
    view! {
        <details class="report no-print">
            <summary>{t.report_title}</summary>
            <form on:submit=submit novalidate>
                <p>{t.report_intro}</p>
                <fieldset>
                    <legend>{t.report_what}</legend>
                    {radios}
                </fieldset>
                <label for="report-text">{t.report_text}</label>
                <p class="hint" id="report-hint">{t.report_text_hint}</p>
                <p class="warning" id="report-warning">{t.report_no_personal}</p>
                <textarea
                    id="report-text"
                    rows="3"
                    maxlength=MAX_NOTE
                    aria-describedby="report-hint report-warning"
                    aria-invalid=move || invalid.get().to_string()
                    prop:value=move || text.get()
                    on:input=move |ev| text.set(event_target_value(&ev))
                ></textarea>
                <p class="notice" role="status">{move || message.get()}</p>
                <button type="submit" class="big" disabled=move || busy.get()>{t.report_send}</button>
            </form>
        </details>
    }
}
