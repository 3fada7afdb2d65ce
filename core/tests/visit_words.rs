//! A tour's visit in words (issue #16), in each language of the translation table: the day
//! (« aujourd’hui », « demain », else the weekday and date), the hours, a visit until midnight.
//! In Arabic the hours are isolated left to right (U+2066 … U+2069): a right-to-left line showed
//! « 12:00 – 9:00 » (regression).

use chrono::NaiveDate;
use repere_core::i18n::{AR, EN, FR, Lang};

#[test]
fn a_visit_in_words_in_each_language() {
    // Tuesday 1 December 2026.
    let today = NaiveDate::from_ymd_opt(2026, 12, 1).unwrap();
    let on = |d: u32, h: u32, m: u32| NaiveDate::from_ymd_opt(2026, 12, d).unwrap().and_hms_opt(h, m, 0).unwrap();
    let cases = [
        (
            (on(8, 9, 0), on(8, 12, 0)),
            ["mardi 8 décembre, 9 h – 12 h", "Tuesday 8 December, 9:00 – 12:00", "الثلاثاء 8 ديسمبر، \u{2066}9:00 – 12:00\u{2069}"],
        ),
        ((on(1, 9, 30), on(1, 12, 0)), ["aujourd’hui, 9 h 30 – 12 h", "today, 9:30 – 12:00", "اليوم، \u{2066}9:30 – 12:00\u{2069}"]),
        ((on(2, 14, 0), on(2, 17, 15)), ["demain, 14 h – 17 h 15", "tomorrow, 14:00 – 17:15", "غدًا، \u{2066}14:00 – 17:15\u{2069}"]),
        (
            (on(5, 20, 0), on(6, 0, 0)),
            ["samedi 5 décembre, 20 h – 23 h 59", "Saturday 5 December, 20:00 – 23:59", "السبت 5 ديسمبر، \u{2066}20:00 – 23:59\u{2069}"],
        ),
    ];
    for ((start, end), expected) in cases {
        for (lang, text) in Lang::ALL.into_iter().zip(expected) {
            assert_eq!((lang.texts().visit)(start, end, today), text, "{lang:?}");
        }
    }
    assert_eq!((FR.next_visit)(&(FR.visit)(on(8, 9, 0), on(8, 12, 0), today)), "Prochain passage : mardi 8 décembre, 9 h – 12 h");
    for texts in [&EN, &AR] {
        assert_ne!(texts.no_visit, FR.no_visit);
        assert_ne!((texts.passages_none)(10), (FR.passages_none)(10));
        assert!((texts.passages_none)(10).contains("10"));
        assert_ne!(texts.passages_title, FR.passages_title);
    }
}
