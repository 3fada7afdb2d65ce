//! Results: the nearest places for the chosen needs, each with its distance, whether it is
//! open (in words), its programmes, and a call button; filters; a printable list. When the
//! nearest help is far, the Département's number and the places needing no trip come first.

use leptos::prelude::*;
use repere_core::consultation::Event;
use repere_core::hours::Status;
use repere_core::i18n::Texts;
use repere_core::phone::HELPLINE;
use repere_core::proximity::LatLon;
use repere_core::registry::{Place, Stop};
use repere_core::search::Found;

use crate::choices::{Adapted, Choices, adapted_on_offer, toggle};
use crate::clock;
use crate::components::{Badges, NeedPicker, phone_of};
use crate::gazetteer::Gazetteer;
use crate::i18n::texts;
use crate::pages::tour::next_visit;
use crate::registry::Registry;
use crate::route::{Origin, Route};
use crate::upkeep::Upkeep;

/// Places shown at first, and added by "Voir plus".
const PAGE: usize = 10;

/// Where results are measured from: a point and what to call it (`None`: "autour de vous").
/// `None` while the communes are loading, or for an unknown commune.
pub(crate) fn resolve(origin: &Origin, gazetteer: Gazetteer) -> Option<(LatLon, Option<String>)> {
    match origin {
        Origin::Point(p) => Some((*p, None)),
        Origin::Commune(code) => {
            gazetteer.ready();
            gazetteer.with(|t| t.by_code(code).map(|c| (c.centre, Some(c.nom.clone())))).flatten()
        }
    }
}

#[component]
pub fn Results(origin: Origin) -> impl IntoView {
    let t = texts();
    let registry = expect_context::<Registry>();
    let gazetteer = expect_context::<Gazetteer>();
    let choices = expect_context::<Choices>();
    choices.origin.set(Some(origin.clone()));
    let shown = RwSignal::new(PAGE);
    let from = {
        let origin = origin.clone();
        Memo::new(move |_| resolve(&origin, gazetteer))
    };
    let heading = move || match from.get() {
        Some((_, Some(nom))) => (t.results_near_commune)(&nom),
        _ => t.results_near_me.to_owned(),
    };
    let found = Memo::new(move |_| {
        let (Some(finder), Some((point, _))) = (registry.finder(), from.get()) else {
            return None;
        };
        let now = clock::now();
        let filters = choices.filters(now);
        Some((finder.results(point, shown.get(), &filters), now))
    });
    let far_minutes = move || found.with(|f| f.as_ref().filter(|(r, _)| r.far()).and_then(|(r, _)| r.whole_minutes()));
    view! {
        <p class="back no-print"><a href="#/">{t.change_search}</a></p>
        <h1 tabindex="-1">{heading}</h1>
        // First, before needs and filters: on a phone the call button is on the first screen.
        {move || far_minutes().map(|minutes| view! { <FarNotice minutes /> })}
        <details class="needs-box">
            <summary>{t.need_title}</summary>
            <NeedPicker />
        </details>
        <Filters />
        {move || match found.get() {
            None => view! { <p class="registry">{t.loading_places}</p> }.into_any(),
            // Nothing passes the filters: the message says to call, so the call is one tap away.
            Some((found, _)) if found.minutes.is_none() => view! {
                <p class="notice">{t.no_results}</p>
                <CallDepartement />
            }
            .into_any(),
            Some((found, now)) => {
                let count = found.first.len() + found.rest.len();
                let stops = found.rest.iter().any(|f| f.stop.is_some());
                let full = found.more;
                let cards = |places: Vec<Found<'static>>, level: u8| {
                    places.into_iter().map(|Found { place, stop, km }| view! { <ResultCard place stop km now level /> }).collect_view()
                };
                let list = if found.first.is_empty() {
                    view! { <ol class="results" role="list">{cards(found.rest, 2)}</ol> }.into_any()
                } else {
                    view! {
                        <h2>{t.no_trip_title}</h2>
                        <ol class="results" role="list">{cards(found.first, 3)}</ol>
                        <h2>{t.other_places}</h2>
                        <ol class="results" role="list">{cards(found.rest, 3)}</ol>
                    }
                    .into_any()
                };
                view! {
                    <p class="count" role="status">{(t.results_count)(count)}</p>
                    {stops.then(|| view! { <p><a class="button secondary" href=Route::Passages(origin.clone(), 10).href()>{t.passages_title}</a></p> })}
                    {list}
                    <Show when=move || full>
                        <button type="button" class="secondary" on:click=move |_| shown.update(|n| *n += PAGE)>{t.show_more}</button>
                    </Show>
                }
                .into_any()
            }
        }}
        <p class="actions no-print">
            <button type="button" class="secondary" on:click=|_| print()>{t.print_list}</button>
            <a class="button secondary" href=Route::Map.href()>{t.see_map}</a>
        </p>
    }
}

/// When the nearest help is beyond the threshold: said plainly, with the Département's number
/// as a large call button before any place (issue #14). Static text, so no live region.
#[component]
fn FarNotice(minutes: u32) -> impl IntoView {
    let t = texts();
    view! {
        <section class="far" aria-labelledby="far-title">
            <h2 id="far-title">{t.far_title}</h2>
            <p>{(t.far_minutes)(minutes)}</p>
            <CallDepartement />
        </section>
    }
}

/// The Département's number as a large call button.
#[component]
fn CallDepartement() -> impl IntoView {
    let t = texts();
    view! {
        <a class="button call big" href=HELPLINE.tel_uri()>
            <span>{t.call_departement}</span>
            <span dir="ltr">{HELPLINE.to_string()}</span>
        </a>
    }
}

/// One place in the list, or a stop of a place's tour: enough to decide and to call, and,
/// printed, to go there. Its name is a heading of `level` (3 under the far notice's group
/// headings, else 2). A stop says whose it is and its next visit instead of an address and hours.
#[component]
fn ResultCard(place: &'static Place, stop: Option<&'static Stop>, km: f64, now: chrono::NaiveDateTime, level: u8) -> impl IntoView {
    let t = texts();
    let sheet = stop.map_or_else(|| Route::Place(place.id.clone()), |s| Route::Stop(s.id.clone())).href();
    let phone = phone_of(place);
    let upkeep = expect_context::<Upkeep>();
    let call = move |_| {
        upkeep.count(Event::Call(&place.id));
    };
    let name = view! { <a href=sheet.clone()>{stop.map_or(&place.nom, |s| &s.nom).clone()}</a> };
    let (status, open) = match stop {
        Some(stop) => (next_visit(t, stop, now, now.date()), stop.horaires.is_open(now)),
        None => open_status(t, place, now),
    };
    view! {
        <li class="card">
            {if level == 3 { view! { <h3>{name}</h3> }.into_any() } else { view! { <h2>{name}</h2> }.into_any() }}
            <p class="where">
                <span class="km">{(t.km)(km)}</span>
                " · "
                {stop.map_or_else(|| format!("{}, {} {}", place.adresse, place.code_postal, place.commune), |s| s.commune.clone())}
            </p>
            <p class="open-status" class:open=open>{status}</p>
            {stop.map(|_| view! { <p class="stop-of">{format!("{} · {}", place.nom, t.stop_word)}</p> })}
            <Badges place />
            {(place.is_itinerant() && place.arrets.is_empty()).then(|| view! { <p class="hint">{t.itinerant_note}</p> })}
            <p class="card-actions">
                {phone.map(|n| view! {
                    <a class="button call" href=n.tel_uri() on:click=call>
                        {t.call} " " <span dir="ltr">{n.to_string()}</span>
                    </a>
                })}
                <a class="button secondary no-print" href=sheet>{t.see_sheet}</a>
            </p>
        </li>
    }
}

/// "Ouvert jusqu'à 17 h" (highlighted), "Ouvre mardi à 9 h", or that hours are not published.
#[component]
pub fn OpenStatus(place: &'static Place, now: chrono::NaiveDateTime) -> impl IntoView {
    let (text, open) = open_status(texts(), place, now);
    view! { <p class="open-status" class:open=open>{text}</p> }
}

/// The status in words, and whether the place is open now.
fn open_status(t: &Texts, place: &Place, now: chrono::NaiveDateTime) -> (String, bool) {
    match &place.horaires {
        Some(schedule) => {
            let status = schedule.status(now);
            (t.status(status, now), matches!(status, Status::OpenUntil(_)))
        }
        None => (t.hours_unknown.to_owned(), false),
    }
}

/// Filters, folded away: open now, walk in, free, and home visits and the adapted welcomes when
/// some place of the registry offers them (no source publishes home visits yet: the département
/// records them in its registry, column `x_se_deplace_a_domicile`).
#[component]
fn Filters() -> impl IntoView {
    let t = texts();
    let choices = expect_context::<Choices>();
    let registry = expect_context::<Registry>();
    let adapted = move || registry.finder().map(|f| adapted_on_offer(f.places())).unwrap_or_default();
    let home_visits = move || registry.finder().is_some_and(|f| f.places().iter().any(|p| p.at_home));
    let check = move |label: &'static str, signal: RwSignal<bool>| {
        view! {
            <label class="check">
                <input type="checkbox" prop:checked=move || signal.get() on:change=move |_| signal.update(|v| *v = !*v) />
                {label}
            </label>
        }
    };
    view! {
        <details class="filters no-print">
            <summary>{t.filters}</summary>
            <fieldset>
                <legend class="visually-hidden">{t.filters}</legend>
                {check(t.open_now, choices.open_now)}
                {check(t.walk_in, choices.walk_in)}
                {check(t.free, choices.free)}
                {move || home_visits().then(|| check(t.at_home, choices.at_home))}
            </fieldset>
            {move || {
                let offered = adapted();
                (!offered.is_empty()).then(|| view! {
                    <fieldset>
                        <legend>{t.publics}</legend>
                        {offered.into_iter().map(|a| {
                            let label = match a {
                                Adapted::Public(p) => (t.public)(p),
                                Adapted::Care(c) => (t.prise_en_charge)(c),
                            };
                            view! {
                                <label class="check">
                                    <input
                                        type="checkbox"
                                        prop:checked=move || choices.adapted.with(|l| l.contains(&a))
                                        on:change=move |_| toggle(choices.adapted, a)
                                    />
                                    {label}
                                </label>
                            }
                        }).collect_view()}
                    </fieldset>
                })
            }}
        </details>
    }
}

/// Opens the browser's print dialog (the print stylesheet keeps the list and drops the rest).
pub fn print() {
    if let Some(w) = web_sys::window() {
        let _ = w.print();
    }
}
