//! A tour's stops for residents (issue #16): a stop's sheet (`#/arret/<id>`: where, its visits
//! in the coming 30 days, each to add to the phone's calendar, its place's phone) and
//! « Prochains passages près de chez moi » (`#/passages`): every visit near a point in the
//! coming 30 days, soonest first. All offline, from the registry held on the phone.
//!
//! Both pages are markup strings (as the report form and the map's markers): static once drawn,
//! and far less code on every resident's phone than a component per element. Place data goes
//! in escaped ([`escape`]).

use chrono::{NaiveDate, NaiveDateTime};
use leptos::prelude::*;
use repere_core::calendar;
use repere_core::date::paris_to_utc;
use repere_core::i18n::Texts;
use repere_core::proximity::LatLon;
use repere_core::registry::{Place, Stop};
use repere_core::search::{Finder, PASSAGES_DAYS};

use crate::clock;
use crate::components::phone_of;
use crate::gazetteer::Gazetteer;
use crate::i18n::texts;
use crate::pages::results::resolve;
use crate::registry::Registry;
use crate::route::{Origin, Route};

/// The distances offered for the visits near the resident, in km; links go with 10 first
/// (about the coordinators' threshold of 10 minutes by road).
const DISTANCES: [u32; 4] = [5, 10, 20, 50];

/// « Prochain passage : mardi 8 décembre, 9 h – 12 h », or that none comes within 30 days;
/// « aujourd’hui », « demain » when `today` is given.
pub fn next_visit(t: &Texts, stop: &Stop, now: NaiveDateTime, today: NaiveDate) -> String {
    match stop.visits(now, PASSAGES_DAYS).first() {
        Some(&(start, end)) => (t.next_visit)(&(t.visit)(start, end, today)),
        None => t.no_visit.to_owned(),
    }
}

/// The `today` of words read later (a poster on a wall, a text message): never a visit's day,
/// so the date is always written out, not « aujourd’hui » or « demain ».
const LATER: NaiveDate = NaiveDate::MIN;

/// Text for markup: the characters HTML gives a meaning, escaped.
pub(crate) fn escape(text: &str) -> String {
    text.replace('&', "&amp;").replace('"', "&quot;").replace('<', "&lt;").replace('>', "&gt;")
}

/// A link, its text escaped.
fn link(href: &str, text: &str) -> String {
    format!(r#"<a href="{}">{}</a>"#, escape(href), escape(text))
}

/// « France services … · arrêt », the place's name linking to its sheet.
fn stop_of(t: &Texts, place: &Place) -> String {
    format!(r#"<p class="stop-of">{} · {}</p>"#, link(&Route::Place(place.id.clone()).href(), &place.nom), t.stop_word)
}

/// A place's stops on its sheet, each with its next visit, linking to the stop's sheet.
pub fn stops_markup(t: &Texts, place: &Place, now: NaiveDateTime) -> String {
    let items: String = place
        .arrets
        .iter()
        .map(|s| format!("<li>{}<br>{}</li>", link(&Route::Stop(s.id.clone()).href(), &s.nom), next_visit(t, s, now, now.date())))
        .collect();
    format!(r#"<h2>{}</h2><ul class="links">{items}</ul>"#, t.stops_title)
}

/// A stop's sheet: name, whose stop, commune (approximate or not), each visit with its calendar
/// file (made on the phone, a `data:` link: no script to download it), call, directions, SMS.
pub fn stop_sheet(t: &Texts, place: &Place, stop: &Stop, now: NaiveDateTime) -> String {
    let stamp = paris_to_utc(now);
    let visits: String = stop
        .visits(now, PASSAGES_DAYS)
        .into_iter()
        .map(|(start, end)| {
            let ics = js_sys::encode_uri_component(&calendar::visit_event(place, stop, start, end, stamp));
            let words = (t.visit)(start, end, now.date());
            // Named with its visit: a screen reader lists several « Ajouter à mon agenda ».
            format!(
                r#"<li>{words}<br><a class="button secondary" href="data:text/calendar;charset=utf-8,{ics}" download="{}" aria-label="{} : {words}">{}</a></li>"#,
                escape(&calendar::file_name(stop, start)),
                t.add_to_calendar,
                t.add_to_calendar
            )
        })
        .collect();
    let visits = if visits.is_empty() { format!("<p>{}</p>", t.no_visit) } else { format!(r#"<ul class="visits">{visits}</ul>"#) };
    let phone = phone_of(place);
    let call = match phone {
        Some(n) => format!(r#"<p><a class="button call" href="{}">{}</a></p>"#, n.tel_uri(), (t.call_number)(&n.to_string())),
        None => format!(r#"<p class="hint">{}</p>"#, t.no_phone),
    };
    let sms = format!("{}, {}. {}", stop.nom, stop.commune, next_visit(t, stop, now, LATER));
    let sms = js_sys::encode_uri_component(&phone.map_or(sms.clone(), |n| format!("{sms} Tél. {n}.")));
    let p = stop.position;
    format!(
        r#"<h1 tabindex="-1">{}</h1>{}<p class="address">{}</p>{}<h2>{}</h2>{visits}{call}<h2>{}</h2><p class="card-actions no-print"><a class="button secondary" href="geo:{lat:.6},{lon:.6}?q={lat:.6},{lon:.6}">{}</a><a class="button secondary" href="sms:?&amp;body={sms}">{}</a><a class="button secondary" href="{}">{}</a></p>"#,
        escape(&stop.nom),
        stop_of(t, place),
        escape(&stop.commune),
        if p.approximate { format!(r#"<p class="hint">{}</p>"#, t.approximate) } else { String::new() },
        t.next_visits,
        t.directions,
        t.open_in_maps,
        t.share_sms,
        escape(&poster(t, place, stop, now)),
        t.poster_link,
        lat = p.lat,
        lon = p.lon,
    )
}

/// The stop's poster: its name, whose stop, its commune and next visits, the phone, and a QR
/// code of this sheet.
fn poster(t: &Texts, place: &Place, stop: &Stop, now: NaiveDateTime) -> String {
    let mut lines = vec![stop.commune.clone()];
    lines.extend(stop.visits(now, PASSAGES_DAYS).into_iter().take(4).map(|(start, end)| (t.visit)(start, end, LATER)));
    let phone = phone_of(place).map(|n| n.to_string());
    crate::poster::href(t, &stop.nom, &place.nom, lines, phone, &Route::Stop(stop.id.clone()))
}

/// « Prochains passages près de chez moi » within `km` of `origin`: one markup string, drawn
/// again only when the registry or the communes arrive; the distances are links to the same
/// page (the address keeps the choice, so "back" returns to the previous one).
#[component]
pub fn Passages(origin: Origin, km: u32) -> impl IntoView {
    let t = texts();
    let (registry, gazetteer) = (expect_context::<Registry>(), expect_context::<Gazetteer>());
    view! { <div inner_html=move || passages(t, registry.finder(), resolve(&origin, gazetteer), &origin, km)></div> }
}

fn passages(t: &Texts, finder: Option<&Finder>, from: Option<(LatLon, Option<String>)>, origin: &Origin, km: u32) -> String {
    let distances: String = DISTANCES
        .iter()
        .map(|&d| {
            let current = if d == km { r#" aria-current="true""# } else { "" };
            format!(r#"<a class="button secondary" href="{}"{current}>{d} km</a>"#, escape(&Route::Passages(origin.clone(), d).href()))
        })
        .collect();
    let (near, list) = match (finder, from) {
        (Some(finder), Some((point, nom))) => {
            let now = clock::now();
            let cards: String = finder
                .visits_near(point, km.into(), now, PASSAGES_DAYS)
                .into_iter()
                .map(|v| {
                    format!(
                        r#"<li class="card"><h2>{}</h2><p class="open-status">{}</p><p class="where"><span class="km">{}</span> · {}</p>{}</li>"#,
                        link(&Route::Stop(v.stop.id.clone()).href(), &v.stop.nom),
                        (t.visit)(v.start, v.end, now.date()),
                        (t.km)(v.km),
                        escape(&v.stop.commune),
                        stop_of(t, v.place)
                    )
                })
                .collect();
            let list = if cards.is_empty() {
                format!(r#"<p class="notice">{}</p>"#, (t.passages_none)(km))
            } else {
                format!(r#"<ol class="results" role="list">{cards}</ol>"#)
            };
            (nom.map_or(t.results_near_me.to_owned(), |nom| (t.results_near_commune)(&escape(&nom))), list)
        }
        _ => (String::new(), format!(r#"<p class="registry">{}</p>"#, t.loading_places)),
    };
    format!(
        r##"<p class="back no-print"><a href="#/">{}</a></p><h1 tabindex="-1">{}</h1><p>{near}</p><h2>{}</h2><p class="card-actions distances">{distances}</p>{list}"##,
        t.change_search, t.passages_title, t.passages_within
    )
}
