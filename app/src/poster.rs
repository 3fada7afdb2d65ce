//! « Imprimer une affiche »: the address of a place's or a stop's poster (`/affiche/`, its own
//! small bundle), its text in the reader's language carried in the fragment
//! (`repere_core::poster`). The QR code is made by the poster page, on the phone.

use chrono::{Datelike, Duration, NaiveDate, Timelike};
use repere_core::hours::Schedule;
use repere_core::i18n::Texts;
use repere_core::poster::Poster;

use crate::route::Route;

/// The poster page's address for a sheet at `route`.
pub fn href(t: &Texts, title: &str, subtitle: &str, lines: Vec<String>, phone: Option<String>, route: &Route) -> String {
    let window = web_sys::window().expect("a browser window");
    let origin = window.location().origin().unwrap_or_default();
    let lang = expect_lang();
    let poster = Poster {
        lang: lang.to_owned(),
        title: title.to_owned(),
        subtitle: subtitle.to_owned(),
        lines,
        phone,
        link: format!("{origin}/{}", route.href()),
        scan: t.poster_scan.to_owned(),
        print: t.print.to_owned(),
    };
    format!("/affiche/{}", poster.fragment_with(|v| js_sys::encode_uri_component(v).into()))
}

fn expect_lang() -> &'static str {
    leptos::prelude::use_context::<crate::i18n::Locale>().map_or("fr", |l| l.get().code())
}

/// A place's week in words, one line per open day (« lundi : 09:00 – 12:00, 14:00 – 17:00 »), as
/// the sheet's table shows it; nothing when the week cannot be answered for.
pub fn week_lines(t: &Texts, schedule: &Schedule, today: NaiveDate) -> Vec<String> {
    let Some(week) = schedule.week(today) else { return vec![] };
    let monday = today - Duration::days(today.weekday().num_days_from_monday().into());
    week.iter()
        .enumerate()
        .filter(|(_, periods)| !periods.is_empty())
        .map(|(i, periods)| {
            let day = (monday + Duration::days(i as i64)).weekday();
            let hours: Vec<String> =
                periods.iter().map(|(a, b)| format!("{:02}:{:02} – {:02}:{:02}", a.hour(), a.minute(), b.hour(), b.minute())).collect();
            format!("{} : {}", (t.weekday)(day), hours.join(", "))
        })
        .collect()
}
