//! The one translation table: every word the app shows, in French (first), English and Arabic.
//!
//! [`Texts`] is a struct, so a language that misses a message does not compile; each language
//! is one file ([`FR`] in `fr.rs`, [`EN`] in `en.rs`, [`AR`] in `ar.rs`), the words they share
//! (the struct, [`Lang`], [`When`], dates and clock times, programme names) are here. Place data
//! (names, addresses, presentations) is never translated: it stays as published. The
//! standard's enumerations (services, access…) are UI words and are translated here.

use chrono::{Datelike, NaiveDate, NaiveDateTime, NaiveTime, Timelike, Weekday};

use crate::hours::{Status, Window};
use crate::needs::Need;
use crate::registry::{Frais, ModaliteAcces, ModaliteAccompagnement, PriseEnCharge, Public, Service};

mod ar;
mod en;
mod fr;

pub use ar::AR;
pub use en::EN;
pub use fr::FR;

/// A language of the interface.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Lang {
    Fr,
    En,
    Ar,
}

impl Lang {
    pub const ALL: [Lang; 3] = [Lang::Fr, Lang::En, Lang::Ar];

    /// BCP 47 code, for `<html lang>` and for remembering the choice.
    pub fn code(self) -> &'static str {
        match self {
            Lang::Fr => "fr",
            Lang::En => "en",
            Lang::Ar => "ar",
        }
    }

    pub fn from_code(code: &str) -> Option<Lang> {
        Lang::ALL.into_iter().find(|l| l.code() == code)
    }

    /// Text direction, for `<html dir>`.
    pub fn dir(self) -> &'static str {
        if self == Lang::Ar { "rtl" } else { "ltr" }
    }

    /// The language's name in itself, as language pickers show it.
    pub fn autonym(self) -> &'static str {
        match self {
            Lang::Fr => "Français",
            Lang::En => "English",
            Lang::Ar => "العربية",
        }
    }

    pub fn texts(self) -> &'static Texts {
        match self {
            Lang::Fr => &FR,
            Lang::En => &EN,
            Lang::Ar => &AR,
        }
    }
}

/// When something happens, relative to now, as people say it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum When {
    Today,
    Tomorrow,
    /// Within the coming week.
    On(Weekday),
    /// Later.
    Date(NaiveDate),
}

impl When {
    pub fn of(day: NaiveDate, today: NaiveDate) -> When {
        match (day - today).num_days() {
            0 => When::Today,
            1 => When::Tomorrow,
            2..=6 => When::On(day.weekday()),
            _ => When::Date(day),
        }
    }
}

/// Every message of the interface in one language.
pub struct Texts {
    pub app_title: &'static str,
    pub skip_to_content: &'static str,
    pub helpline_label: &'static str,
    pub language: &'static str,
    pub nav_label: &'static str,
    pub nav_home: &'static str,
    pub nav_map: &'static str,
    pub nav_mediation: &'static str,
    pub offline: &'static str,
    pub update_ready: &'static str,
    pub update_apply: &'static str,

    pub home_title: &'static str,
    pub home_intro: &'static str,
    pub loading_places: &'static str,
    pub places_on_device: fn(usize) -> String,
    pub places_failed: &'static str,
    pub where_title: &'static str,
    pub near_me: &'static str,
    pub locating: &'static str,
    pub geo_failed: &'static str,
    pub commune_label: &'static str,
    pub commune_hint: &'static str,
    pub commune_none: &'static str,
    pub need_title: &'static str,
    pub need_hint: &'static str,
    pub need: fn(Need) -> &'static str,
    pub helpline_hint: &'static str,

    pub results_near_commune: fn(&str) -> String,
    pub results_near_me: &'static str,
    pub results_count: fn(usize) -> String,
    pub filters: &'static str,
    pub open_now: &'static str,
    pub walk_in: &'static str,
    pub free: &'static str,
    /// The filter, and the line of a sheet, for structures that visit people at home.
    pub at_home: &'static str,
    pub publics: &'static str,
    pub show_more: &'static str,
    pub no_results: &'static str,
    /// When the nearest help is beyond the coordinators' threshold (`search::Results::far`):
    /// a heading, the estimate in whole minutes, the Département's call button, and the
    /// headings of the places needing no trip and of the others.
    pub far_title: &'static str,
    pub far_minutes: fn(u32) -> String,
    pub call_departement: &'static str,
    pub no_trip_title: &'static str,
    pub other_places: &'static str,
    pub call: &'static str,
    pub see_sheet: &'static str,
    pub itinerant: &'static str,
    pub itinerant_note: &'static str,
    pub approximate: &'static str,
    pub print_list: &'static str,
    pub see_map: &'static str,
    pub change_search: &'static str,
    pub km: fn(f64) -> String,
    /// A tour's stop (issue #16): a visit in words from its start and end (« mardi 8 décembre,
    /// 9 h – 12 h », « aujourd’hui » and « demain » when so, `today` being the phone's day),
    /// the result line's « Prochain passage : … », no visit in the horizon, the word a stop's
    /// marker adds to its place's name (« Bus connecté · arrêt »), the headings of a stop's
    /// visits and a place's stops, the page of visits near the resident (its distance choice,
    /// its empty list), the calendar button, a stop no longer published.
    pub visit: fn(NaiveDateTime, NaiveDateTime, NaiveDate) -> String,
    pub next_visit: fn(&str) -> String,
    pub no_visit: &'static str,
    pub stop_word: &'static str,
    pub next_visits: &'static str,
    pub stops_title: &'static str,
    pub passages_title: &'static str,
    pub passages_within: &'static str,
    pub passages_none: fn(u32) -> String,
    pub add_to_calendar: &'static str,
    pub stop_not_found: &'static str,

    pub open_until: fn(When, NaiveTime) -> String,
    pub opens: fn(When, NaiveTime) -> String,
    pub closed_long: &'static str,
    pub hours_unknown: &'static str,
    /// The status of a place whose hours are not known for the day asked (see `hours::Status::ToConfirm`).
    pub hours_to_confirm: &'static str,
    /// On a sheet, in place of a week's table the timetable cannot answer for: the years it knows.
    pub hours_known_years: fn(Window) -> String,

    pub back: &'static str,
    pub place_not_found: &'static str,
    pub call_number: fn(&str) -> String,
    pub no_phone: &'static str,
    pub directions: &'static str,
    pub open_in_maps: &'static str,
    pub open_in_osm: &'static str,
    pub hours_title: &'static str,
    pub day: &'static str,
    pub hours: &'static str,
    pub weekday: fn(Weekday) -> &'static str,
    pub closed: &'static str,
    pub today: &'static str,
    pub services_title: &'static str,
    pub access_title: &'static str,
    pub labels_title: &'static str,
    pub contact_title: &'static str,
    pub website: &'static str,
    pub book_online: &'static str,
    /// "Informations vérifiées en mars 2026, source …": the month and year of `date_maj`.
    pub info_from: fn(NaiveDate, &str) -> String,
    /// On a sheet whose information is « À actualiser » (18 months or more, see `quality`).
    pub stale_warning: &'static str,
    pub share: &'static str,
    pub share_sms: &'static str,
    pub print: &'static str,
    /// « Signaler une erreur » on a sheet (issue #15): the folded form's title, what is wrong
    /// (in the order of the wire's `Motif`: closed for good, hours, phone, moved, other), the
    /// text's label, the warning about personal data, the button, its refusals, then what
    /// became of the report. Few words: they weigh on every bundle.
    pub report_title: &'static str,
    pub report_what: &'static str,
    pub report_motifs: [&'static str; 5],
    pub report_text: &'static str,
    pub report_no_personal: &'static str,
    pub report_send: &'static str,
    pub report_choose: &'static str,
    pub report_text_needed: &'static str,
    pub report_too_long: fn(usize, usize) -> String,
    pub report_sent: &'static str,
    pub report_queued: &'static str,
    pub report_refused: &'static str,
    pub report_not_saved: &'static str,
    /// What the phone counts for the consultation figures, said where residents look (home).
    pub counting_note: &'static str,

    pub map_title: &'static str,
    pub map_hint: &'static str,
    pub map_loading: &'static str,
    pub map_failed: &'static str,
    pub zoom_in: &'static str,
    pub zoom_out: &'static str,
    pub map_reset: &'static str,
    pub pan_up: &'static str,
    pub pan_down: &'static str,
    pub pan_left: &'static str,
    pub pan_right: &'static str,
    pub you_are_here: &'static str,
    pub map_place: fn(&str, &str) -> String,
    /// A stop of the bus or of an itinerant permanence on the map: its name and commune.
    pub map_stop: fn(&str, &str) -> String,
    pub map_legend_place: &'static str,
    pub map_legend_stop: &'static str,
    /// The sheet's link to its poster (`/affiche/`), and the caption under the poster's QR code.
    pub poster_link: &'static str,
    pub poster_scan: &'static str,

    pub service: fn(Service) -> &'static str,
    pub acces: fn(ModaliteAcces) -> &'static str,
    pub accompagnement: fn(ModaliteAccompagnement) -> &'static str,
    pub frais: fn(Frais) -> &'static str,
    pub public: fn(Public) -> &'static str,
    pub prise_en_charge: fn(PriseEnCharge) -> &'static str,
}

impl Texts {
    /// "Ouvert jusqu'à 17 h", "Ouvre mardi à 9 h"…, from a schedule's status at `now`.
    pub fn status(&self, status: Status, now: NaiveDateTime) -> String {
        match status {
            Status::OpenUntil(end) => (self.open_until)(When::of(end.date(), now.date()), end.time()),
            Status::Opens(start) => (self.opens)(When::of(start.date(), now.date()), start.time()),
            Status::Closed => self.closed_long.to_owned(),
            Status::ToConfirm => self.hours_to_confirm.to_owned(),
        }
    }
}

/// A source code of the seed as people know it (programme names are proper nouns).
pub fn source_name(code: &str) -> &str {
    match code {
        "conseiller-numerique" => "Conseillers numériques",
        "france-services" => "France Services",
        "aidants-connect" => "Aidants Connect",
        "siao" => "SIAO 86",
        other => other,
    }
}

fn clock(t: NaiveTime) -> String {
    format!("{}:{:02}", t.hour(), t.minute())
}

/// A visit's end as its clock time: one until midnight ends at 23:59 (as a sheet's week shows
/// it), not at « 0 h », which would read as before it starts.
fn visit_end(start: NaiveDateTime, end: NaiveDateTime) -> NaiveTime {
    if end.date() > start.date() && end.time() == NaiveTime::MIN { NaiveTime::from_hms_opt(23, 59, 0).expect("a time") } else { end.time() }
}

fn month_year(months: &[&str; 12], d: NaiveDate) -> String {
    format!("{} {}", months[d.month0() as usize], d.year())
}

fn day_month(months: &[&str; 12], d: NaiveDate) -> String {
    format!("{} {}", d.day(), months[d.month0() as usize])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::label::Label;

    fn at(d: u32, h: u32, m: u32) -> NaiveDateTime {
        NaiveDate::from_ymd_opt(2026, 11, d).unwrap().and_hms_opt(h, m, 0).unwrap()
    }

    /// Regression: in Arabic the call button showed the number's groups in reverse order
    /// (« 95 96 58 49 05 »), a right-to-left line reordering each group of digits.
    #[test]
    fn a_number_in_an_arabic_sentence_is_isolated_left_to_right() {
        let words = (AR.call_number)("05 49 58 96 95");
        assert!(words.ends_with("\u{2066}05 49 58 96 95\u{2069}"), "{words:?}");
        assert_eq!((FR.call_number)("05 49 58 96 95"), "Appeler le 05 49 58 96 95");
    }

    #[test]
    fn opening_in_words_in_each_language() {
        // Friday 27 November 2026, 10:00.
        let now = at(27, 10, 0);
        let cases = [
            (Status::OpenUntil(at(27, 17, 0)), ["Ouvert jusqu’à 17 h", "Open until 17:00", "مفتوح حتى الساعة 17:00"]),
            (Status::Opens(at(27, 13, 30)), ["Ouvre aujourd’hui à 13 h 30", "Opens today at 13:30", "يفتح اليوم الساعة 13:30"]),
            (Status::Opens(at(28, 9, 0)), ["Ouvre demain à 9 h", "Opens tomorrow at 9:00", "يفتح غدًا الساعة 9:00"]),
            (Status::Opens(at(30, 9, 0)), ["Ouvre lundi à 9 h", "Opens Monday at 9:00", "يفتح يوم الاثنين الساعة 9:00"]),
            (
                Status::Opens(NaiveDate::from_ymd_opt(2026, 12, 8).unwrap().and_hms_opt(14, 0, 0).unwrap()),
                ["Ouvre le 8 décembre à 14 h", "Opens on 8 December at 14:00", "يفتح في 8 ديسمبر الساعة 14:00"],
            ),
            (
                Status::ToConfirm,
                [
                    "Horaires à confirmer : appelez avant de venir",
                    "Hours to be confirmed: call before you go",
                    "ساعات العمل بحاجة إلى تأكيد: اتصل قبل الذهاب",
                ],
            ),
        ];
        for (status, expected) in cases {
            for (lang, text) in Lang::ALL.into_iter().zip(expected) {
                assert_eq!(lang.texts().status(status, now), text, "{lang:?}");
            }
        }
    }

    #[test]
    fn distances_follow_each_language() {
        assert_eq!((FR.km)(2.345), "2,3 km");
        assert_eq!((EN.km)(2.345), "2.3 km");
        assert_eq!((AR.km)(12.0), "12.0 كم");
    }

    #[test]
    fn languages_have_codes_and_directions() {
        for lang in Lang::ALL {
            assert_eq!(Lang::from_code(lang.code()), Some(lang));
        }
        assert_eq!(Lang::Ar.dir(), "rtl");
        assert_eq!(Lang::Fr.dir(), "ltr");
        assert_eq!(Lang::from_code("de"), None);
    }

    /// A forgotten translation shows as a copy of the French text.
    #[test]
    fn other_languages_do_not_copy_french() {
        for texts in [&EN, &AR] {
            for need in Need::ALL {
                assert_ne!((texts.need)(need), (FR.need)(need));
            }
            for service in Service::ALL {
                assert_ne!((texts.service)(*service), (FR.service)(*service));
            }
            assert_ne!(texts.offline, FR.offline);
            assert_ne!(texts.hours_to_confirm, FR.hours_to_confirm);
            assert_ne!(texts.stale_warning, FR.stale_warning);
            for (other, french) in texts.report_motifs.iter().zip(FR.report_motifs) {
                assert_ne!(*other, french);
            }
            assert_ne!(texts.report_queued, FR.report_queued);
            assert_ne!(texts.report_no_personal, FR.report_no_personal);
            assert_ne!(texts.counting_note, FR.counting_note);
            assert!((texts.report_too_long)(512, 500).contains("512") && (texts.report_too_long)(512, 500).contains("500"));
            let d = NaiveDate::from_ymd_opt(2026, 3, 9).unwrap();
            assert_ne!((texts.info_from)(d, "x"), (FR.info_from)(d, "x"));
            assert!((texts.info_from)(d, "x").contains("2026"));
            let years = Window::new(2026, 2028).unwrap();
            assert_ne!((texts.hours_known_years)(years), (FR.hours_known_years)(years));
            assert!((texts.hours_known_years)(years).contains("2026") && (texts.hours_known_years)(years).contains("2028"));
            assert_ne!(texts.home_title, FR.home_title);
            assert_ne!((texts.far_minutes)(18), (FR.far_minutes)(18));
            assert!((texts.far_minutes)(18).contains("18"));
            for (other, french) in [
                (texts.far_title, FR.far_title),
                (texts.call_departement, FR.call_departement),
                (texts.no_trip_title, FR.no_trip_title),
                (texts.other_places, FR.other_places),
            ] {
                assert_ne!(other, french);
            }
        }
    }

    #[test]
    fn information_date_and_source() {
        let d = NaiveDate::from_ymd_opt(2022, 8, 30).unwrap();
        assert_eq!(
            (FR.info_from)(d, source_name("conseiller-numerique")),
            "Informations vérifiées en août 2022, source Conseillers numériques."
        );
        assert_eq!((EN.info_from)(d, "SIAO 86"), "Information checked in August 2022, source SIAO 86.");
    }
}
