//! A place's sheet: everything needed to go there or call, in plain words, printable and
//! shareable (Web Share where the phone has it, a text message otherwise).

use chrono::{Datelike, Duration, NaiveTime, Timelike, Weekday};
use leptos::prelude::*;
use repere_core::consultation::Event;
use repere_core::i18n::{Texts, source_name};
use repere_core::quality::Freshness;
use repere_core::registry::{Label, Place};

use crate::clock;
use crate::components::{Badges, HelplineLink, phone_of};
use crate::i18n::texts;
use crate::pages::report::ReportForm;
use crate::pages::results::{OpenStatus, print};
use crate::pages::tour::{stop_sheet, stops_markup};
use crate::registry::Registry;
use crate::upkeep::Upkeep;

/// A place's sheet, or a tour's stop's when `stop` (`pages::tour::stop_sheet`: one component
/// for both, less code on the phone).
#[component]
pub fn Sheet(id: String, stop: bool) -> impl IntoView {
    let t = texts();
    let registry = expect_context::<Registry>();
    move || match registry.finder() {
        None => view! { <p class="registry">{t.loading_places}</p> }.into_any(),
        Some(finder) => match (finder.place(&id).filter(|_| !stop), finder.stop(&id).filter(|_| stop)) {
            (Some(place), _) => view! { <PlaceSheet place /> }.into_any(),
            (_, Some((place, s))) => {
                view! { <article class="sheet" inner_html=stop_sheet(t, place, s, clock::now())></article> }.into_any()
            }
            _ => view! {
                <h1 tabindex="-1">{if stop { t.stop_not_found } else { t.place_not_found }}</h1>
                <p><a href="#/">{t.change_search}</a></p>
                <HelplineLink />
            }
            .into_any(),
        },
    }
}

#[component]
fn PlaceSheet(place: &'static Place) -> impl IntoView {
    let t = texts();
    let now = clock::now();
    let phone = phone_of(place);
    let upkeep = expect_context::<Upkeep>();
    upkeep.sheet_shown(&place.id);
    let count = move |event: fn(&'static str) -> Event<'static>| {
        move |_| {
            upkeep.count(event(&place.id));
        }
    };
    view! {
        <p class="back no-print"><button type="button" class="link" on:click=|_| back()>{t.back}</button></p>
        <article class="sheet">
            <h1 tabindex="-1">{place.nom.clone()}</h1>
            <Badges place />
            <OpenStatus place now />
            // Mon Inclusion Numérique's « À actualiser » (18 months or more): a call first.
            {(Freshness::of_place(place, None, now.date()) == Freshness::Update)
                .then(|| view! { <p class="notice stale">{t.stale_warning}</p> })}
            <p class="address">
                {place.adresse.clone()}
                {place.complement_adresse.clone().map(|c| view! { <br /> {c} })}
                <br />
                {format!("{} {}", place.code_postal, place.commune)}
            </p>
            {place.position.filter(|p| p.approximate).map(|_| view! { <p class="hint">{t.approximate}</p> })}
            {(place.is_itinerant() && place.arrets.is_empty()).then(|| view! { <p class="hint">{t.itinerant_note}</p> })}
            {(!place.arrets.is_empty()).then(|| view! { <div inner_html=stops_markup(t, place, now)></div> })}
            {match phone {
                Some(n) => view! {
                    <p><a class="button call" href=n.tel_uri() on:click=count(Event::Call)>{(t.call_number)(&n.to_string())}</a></p>
                }.into_any(),
                None => view! { <p class="hint">{t.no_phone}</p> <HelplineLink /> }.into_any(),
            }}
            {place.position.map(|p| {
                let geo = format!("geo:{:.6},{:.6}?q={:.6},{:.6}", p.lat, p.lon, p.lat, p.lon);
                let osm = format!("https://www.openstreetmap.org/?mlat={:.6}&mlon={:.6}#map=17/{:.6}/{:.6}", p.lat, p.lon, p.lat, p.lon);
                view! {
                    <h2>{t.directions}</h2>
                    <p class="card-actions no-print">
                        <a class="button secondary" href=geo on:click=count(Event::Directions)>{t.open_in_maps}</a>
                        <a class="button secondary" href=osm on:click=count(Event::Directions)>{t.open_in_osm}</a>
                    </p>
                }
            })}
            <h2>{t.hours_title}</h2>
            <HoursTable place now />
            {titled_list(t.services_title, place.services.iter().map(t.service).map(str::to_owned).collect())}
            {titled_list(t.access_title, access(t, place))}
            {titled_list(t.labels_title, labels(place))}
            <Contact t place />
            {place.presentation_resume.clone().map(|text| view! { <p class="presentation">{text}</p> })}
            <p class="source">{(t.info_from)(place.date_maj, source_name(place.source.as_deref().unwrap_or("")))}</p>
            <p class="card-actions no-print">
                <ShareButton t place />
                <a class="button secondary" href=sms_link(t, place, now)>{t.share_sms}</a>
                <button type="button" class="secondary" on:click=|_| print()>{t.print}</button>
                <a class="button secondary" href=place_poster(t, place, now)>{t.poster_link}</a>
            </p>
            <ReportForm place />
        </article>
    }
}

/// This week's hours, Monday first, today marked in words (not only by colour); or, for a week
/// the registry's timetable cannot answer for (see `repere_core::hours`), the years it knows and
/// to call.
#[component]
fn HoursTable(place: &'static Place, now: chrono::NaiveDateTime) -> impl IntoView {
    let t = texts();
    let Some(schedule) = &place.horaires else {
        return view! { <p>{t.hours_unknown}</p> }.into_any();
    };
    let today = now.date();
    let Some(week) = schedule.week(today) else {
        let years = schedule.timetable().years();
        return view! { <p>{(t.hours_known_years)(years)}</p> }.into_any();
    };
    let monday = today - Duration::days(today.weekday().num_days_from_monday().into());
    let rows = week
        .into_iter()
        .enumerate()
        .map(|(i, periods)| {
            let day = monday + Duration::days(i as i64);
            let is_today = day == today;
            let name = (t.weekday)(weekday(i));
            let hours = if periods.is_empty() {
                t.closed.to_owned()
            } else {
                periods.iter().map(|(a, b)| format!("{} – {}", hhmm(*a), hhmm(*b))).collect::<Vec<_>>().join(", ")
            };
            view! {
                <tr class:today=is_today aria-current=is_today.then_some("date")>
                    <th scope="row">{name} {is_today.then(|| format!(" ({})", t.today))}</th>
                    <td dir="ltr">{hours}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <table class="hours">
            <thead><tr><th scope="col">{t.day}</th><th scope="col">{t.hours}</th></tr></thead>
            <tbody>{rows}</tbody>
        </table>
    }
    .into_any()
}

fn weekday(i: usize) -> Weekday {
    [Weekday::Mon, Weekday::Tue, Weekday::Wed, Weekday::Thu, Weekday::Fri, Weekday::Sat, Weekday::Sun][i]
}

/// "09:00": written by hand, chrono's `format` would bring its whole formatting engine to the wasm.
fn hhmm(t: NaiveTime) -> String {
    format!("{:02}:{:02}", t.hour(), t.minute())
}

/// A heading and its list, or nothing when the list is empty.
fn titled_list(title: &'static str, items: Vec<String>) -> Option<impl IntoView> {
    (!items.is_empty()).then(|| {
        view! {
            <h2>{title}</h2>
            <ul>{items.into_iter().map(|i| view! { <li>{i}</li> }).collect_view()}</ul>
        }
    })
}

/// How to be received: access (and home visits), accompaniment, cost, publics, specific support.
fn access(t: &Texts, place: &Place) -> Vec<String> {
    place
        .modalites_acces
        .iter()
        .map(t.acces)
        .chain(place.at_home.then_some(t.at_home))
        .chain(place.modalites_accompagnement.iter().map(t.accompagnement))
        .chain(place.frais_a_charge.iter().map(t.frais))
        .chain(place.publics_specifiquement_adresses.iter().map(t.public))
        .chain(place.prise_en_charge_specifique.iter().map(t.prise_en_charge))
        .map(str::to_owned)
        .collect()
}

/// Programmes and labels, as published (proper nouns).
fn labels(place: &Place) -> Vec<String> {
    place
        .dispositif_programmes_nationaux
        .iter()
        .map(|d| d.label().to_owned())
        .chain(place.formations_labels.iter().map(|f| f.label().to_owned()))
        .chain(place.autres_formations_labels.iter().cloned())
        .collect()
}

#[component]
fn Contact(t: &'static Texts, place: &'static Place) -> impl IntoView {
    let links: Vec<(String, &str)> = place
        .site_web
        .iter()
        .map(|url| (url.clone(), t.website))
        .chain(place.prise_rdv.iter().map(|url| (url.clone(), t.book_online)))
        .chain(place.courriels.iter().map(|mail| (format!("mailto:{mail}"), "")))
        .collect();
    (!links.is_empty()).then(|| {
        view! {
            <h2>{t.contact_title}</h2>
            <ul class="links">
                {links.into_iter().map(|(href, label)| {
                    let text = if label.is_empty() { href.trim_start_matches("mailto:").to_owned() } else { label.to_owned() };
                    view! { <li><a href=href>{text}</a></li> }
                }).collect_view()}
            </ul>
        }
    })
}

/// A short text for a text message: name, address, number, opening.
pub fn share_text(t: &Texts, place: &Place, now: chrono::NaiveDateTime) -> String {
    let phone = phone_of(place).map(|n| format!(" Tél. {n}.")).unwrap_or_default();
    let open = place.horaires.as_ref().map(|s| format!(" {}.", t.status(s.status(now), now))).unwrap_or_default();
    format!("{}, {}, {} {}.{phone}{open}", place.nom, place.adresse, place.code_postal, place.commune)
}

/// The place's poster: name, address, this week's hours, phone, and its sheet as a QR code.
fn place_poster(t: &Texts, place: &Place, now: chrono::NaiveDateTime) -> String {
    let mut lines = vec![place.adresse.clone(), format!("{} {}", place.code_postal, place.commune)];
    lines.extend(place.horaires.as_ref().map(|s| crate::poster::week_lines(t, s, now.date())).unwrap_or_default());
    let phone = phone_of(place).map(|n| n.to_string());
    crate::poster::href(t, &place.nom, "", lines, phone, &crate::route::Route::Place(place.id.clone()))
}

fn sms_link(t: &Texts, place: &Place, now: chrono::NaiveDateTime) -> String {
    format!("sms:?&body={}", js_sys::encode_uri_component(&share_text(t, place, now)))
}

/// The Web Share button, only on phones that can share.
#[component]
fn ShareButton(t: &'static Texts, place: &'static Place) -> impl IntoView {
    let navigator = web_sys::window().map(|w| w.navigator());
    let can_share = navigator.as_ref().is_some_and(|n| js_sys::Reflect::has(n, &"share".into()).unwrap_or(false));
    let share = move |_| {
        let Some(navigator) = web_sys::window().map(|w| w.navigator()) else {
            return;
        };
        let data = web_sys::ShareData::new();
        data.set_title(&place.nom);
        data.set_text(&share_text(t, place, clock::now()));
        if let Ok(href) = web_sys::window().unwrap().location().href() {
            data.set_url(&href);
        }
        // The promise rejects when the person closes the share sheet: nothing to do then.
        let _ = navigator.share_with_data(&data);
    };
    can_share.then(|| view! { <button type="button" class="secondary" on:click=share>{t.share}</button> })
}

/// Back to where the person came from, or home when the sheet was opened directly.
fn back() {
    let Some(w) = web_sys::window() else { return };
    match w.history() {
        Ok(h) if h.length().unwrap_or(0) > 1 => {
            let _ = h.back();
        }
        _ => crate::route::go(&crate::route::Route::Home),
    }
}
