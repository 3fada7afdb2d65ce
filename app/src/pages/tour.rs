//! A tour's stops for residents (issue #16): a stop's sheet (`#/arret/<id>`: where, its visits
//! in the coming 30 days, each to add to the phone's calendar, its place's phone) and
//! « Prochains passages près de chez moi » (`#/passages`): every visit near a point in the
//! coming 30 days, soonest first. All offline, from the registry held on the phone.

use chrono::NaiveDateTime;
use leptos::prelude::*;
use repere_core::calendar;
use repere_core::date::paris_to_utc;
use repere_core::i18n::Texts;
use repere_core::registry::{Place, Stop};
use repere_core::search::PASSAGES_DAYS;

use crate::clock;
use crate::components::{HelplineLink, phone_of};
use crate::gazetteer::Gazetteer;
use crate::i18n::texts;
use crate::pages::results::resolve;
use crate::registry::Registry;
use crate::route::{Origin, Route};

/// The distances offered for the visits near the resident, in km; the second is chosen first
/// (10 km: the coordinators' threshold of 10 minutes by road, about).
const DISTANCES: [u32; 4] = [5, 10, 20, 50];

/// « Prochain passage : mardi 8 décembre, 9 h – 12 h », or that none comes within 30 days.
pub fn next_visit(t: &Texts, stop: &Stop, now: NaiveDateTime) -> String {
    match stop.visits(now, PASSAGES_DAYS).first() {
        Some(&(start, end)) => (t.next_visit)(&(t.visit)(start, end, now.date())),
        None => t.no_visit.to_owned(),
    }
}

/// « France services … · arrêt », its place's name linking to the place's sheet.
fn stop_of(t: &Texts, place: &Place) -> impl IntoView {
    view! { <p class="stop-of"><a href=Route::Place(place.id.clone()).href()>{place.nom.clone()}</a>{format!(" · {}", t.stop_word)}</p> }
}

#[component]
pub fn StopSheet(id: String) -> impl IntoView {
    let t = texts();
    let registry = expect_context::<Registry>();
    move || match registry.finder().map(|f| f.stop(&id)) {
        None => view! { <p class="registry">{t.loading_places}</p> }.into_any(),
        Some(Some((place, stop))) => stop_sheet(t, place, stop).into_any(),
        Some(None) => view! {
            <h1 tabindex="-1">{t.stop_not_found}</h1>
            <p><a href="#/">{t.change_search}</a></p>
            <HelplineLink />
        }
        .into_any(),
    }
}

fn stop_sheet(t: &'static Texts, place: &'static Place, stop: &'static Stop) -> impl IntoView {
    let now = clock::now();
    let visits = stop.visits(now, PASSAGES_DAYS);
    let p = stop.position;
    let phone = phone_of(place);
    let sms = format!("{}, {}. {}", stop.nom, stop.commune, next_visit(t, stop, now));
    let sms = format!("sms:?&body={}", js_sys::encode_uri_component(&phone.map_or(sms.clone(), |n| format!("{sms} Tél. {n}."))));
    let visits = if visits.is_empty() {
        view! { <p>{t.no_visit}</p> }.into_any()
    } else {
        // Each visit a calendar file, made on the phone: a `data:` link, no script to download it.
        let stamp = paris_to_utc(now);
        let item = move |(start, end)| {
            let ics = calendar::visit_event(place, stop, start, end, stamp);
            let href = format!("data:text/calendar;charset=utf-8,{}", js_sys::encode_uri_component(&ics));
            view! {
                <li>
                    {(t.visit)(start, end, now.date())}
                    <br />
                    <a class="button secondary" href=href download=calendar::file_name(stop, start)>{t.add_to_calendar}</a>
                </li>
            }
        };
        view! { <ul class="visits">{visits.into_iter().map(item).collect_view()}</ul> }.into_any()
    };
    view! {
        <article class="sheet">
            <h1 tabindex="-1">{stop.nom.clone()}</h1>
            {stop_of(t, place)}
            <p class="address">{stop.commune.clone()}</p>
            {p.approximate.then(|| view! { <p class="hint">{t.approximate}</p> })}
            <h2>{t.next_visits}</h2>
            {visits}
            {match phone {
                Some(n) => view! { <p><a class="button call" href=n.tel_uri()>{(t.call_number)(&n.to_string())}</a></p> }.into_any(),
                None => view! { <p class="hint">{t.no_phone}</p> <HelplineLink /> }.into_any(),
            }}
            <h2>{t.directions}</h2>
            <p class="card-actions no-print">
                <a class="button secondary" href=format!("geo:{:.6},{:.6}?q={:.6},{:.6}", p.lat, p.lon, p.lat, p.lon)>{t.open_in_maps}</a>
                <a class="button secondary" href=sms>{t.share_sms}</a>
            </p>
            // The printable poster of the stop (its QR code leads here) is linked from this spot.
        </article>
    }
}

#[component]
pub fn Passages(origin: Origin) -> impl IntoView {
    let t = texts();
    let registry = expect_context::<Registry>();
    let gazetteer = expect_context::<Gazetteer>();
    let km = RwSignal::new(DISTANCES[1]);
    let from = Memo::new(move |_| resolve(&origin, gazetteer));
    let list = move || {
        let (Some(finder), Some((point, _))) = (registry.finder(), from.get()) else {
            return view! { <p class="registry">{t.loading_places}</p> }.into_any();
        };
        let now = clock::now();
        let visits = finder.visits_near(point, km.get().into(), now, PASSAGES_DAYS);
        if visits.is_empty() {
            return view! { <p class="notice" role="status">{(t.passages_none)(km.get())}</p> }.into_any();
        }
        let cards = visits.into_iter().map(|v| {
            view! {
                <li class="card">
                    <h2><a href=Route::Stop(v.stop.id.clone()).href()>{v.stop.nom.clone()}</a></h2>
                    <p class="open-status">{(t.visit)(v.start, v.end, now.date())}</p>
                    <p class="where"><span class="km">{(t.km)(v.km)}</span>{format!(" · {}", v.stop.commune)}</p>
                    {stop_of(t, v.place)}
                </li>
            }
        });
        view! { <ol class="results" role="list">{cards.collect_view()}</ol> }.into_any()
    };
    view! {
        <p class="back no-print"><a href="#/">{t.change_search}</a></p>
        <h1 tabindex="-1">{t.passages_title}</h1>
        <p>
            {move || match from.get() {
                Some((_, Some(nom))) => (t.results_near_commune)(&nom),
                _ => t.results_near_me.to_owned(),
            }}
        </p>
        <fieldset class="distance">
            <legend>{t.passages_within}</legend>
            {DISTANCES
                .map(|d| view! {
                    <label class="check">
                        <input type="radio" name="km" prop:checked=move || km.get() == d on:change=move |_| km.set(d) />
                        {format!("{d} km")}
                    </label>
                })
                .collect_view()}
        </fieldset>
        {list}
    }
}
