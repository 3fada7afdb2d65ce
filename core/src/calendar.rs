//! A visit of the bus as a calendar file (issue #16): the resident taps « Ajouter à mon agenda »
//! and the phone's calendar gets the event, offline. One standard iCalendar event (RFC 5545),
//! written by hand: a few lines, no time-zone database. Times are written in UTC (`…Z`), so no
//! `VTIMEZONE` is needed; the local time of the visit is turned into UTC with France's rule
//! ([`crate::date::paris_to_utc`]).

use chrono::{Datelike, NaiveDateTime, Timelike};

use crate::date::paris_to_utc;
use crate::phone::PhoneNumber;
use crate::registry::{Place, Stop};

/// Longest line in octets, line break excluded (RFC 5545, 3.1).
const LINE_OCTETS: usize = 75;

/// The calendar file of one visit of `stop` (its place's), from `start` to `end` in local time;
/// `stamp` is the UTC time the file is made (`DTSTAMP`). The `UID` is the stop's id and the
/// visit's start, so adding the same visit twice updates one event instead of making two.
pub fn visit_event(place: &Place, stop: &Stop, start: NaiveDateTime, end: NaiveDateTime, stamp: NaiveDateTime) -> String {
    let phone = place.telephone.as_deref().and_then(|n| n.parse::<PhoneNumber>().ok()).map(|n| format!("\n{n}")).unwrap_or_default();
    let lines = [
        "BEGIN:VCALENDAR".to_owned(),
        "VERSION:2.0".to_owned(),
        "PRODID:-//Departement de la Vienne//Repere//FR".to_owned(),
        "BEGIN:VEVENT".to_owned(),
        format!("UID:{}-{}@repere", stop.id, basic(start)),
        format!("DTSTAMP:{}Z", basic(stamp)),
        format!("DTSTART:{}Z", basic(paris_to_utc(start))),
        format!("DTEND:{}Z", basic(paris_to_utc(end))),
        format!("SUMMARY:{}", text(&stop.nom)),
        format!("LOCATION:{}", text(&format!("{}, {}", stop.nom, stop.commune))),
        format!("GEO:{:.6};{:.6}", stop.position.lat, stop.position.lon),
        format!("DESCRIPTION:{}", text(&format!("{}{phone}", place.nom))),
        "END:VEVENT".to_owned(),
        "END:VCALENDAR".to_owned(),
    ];
    lines.iter().map(|line| fold(line)).collect()
}

/// The file's name: `repere-<stop id>-<AAAA-MM-JJ>.ics`.
pub fn file_name(stop: &Stop, start: NaiveDateTime) -> String {
    format!("repere-{}-{}.ics", stop.id, crate::date::write_iso_date(start.date()))
}

/// `AAAAMMJJTHHMMSS` (RFC 5545's basic form), by hand as `date.rs` writes dates.
fn basic(t: NaiveDateTime) -> String {
    format!("{:04}{:02}{:02}T{:02}{:02}{:02}", t.year(), t.month(), t.day(), t.hour(), t.minute(), t.second())
}

/// A TEXT value: backslash, semicolon, comma and line breaks escaped (RFC 5545, 3.3.11).
fn text(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for c in value.chars() {
        match c {
            '\\' | ';' | ',' => {
                out.push('\\');
                out.push(c);
            }
            '\n' => out.push_str("\\n"),
            '\r' => {}
            c => out.push(c),
        }
    }
    out
}

/// A content line folded at 75 octets, never inside a character: each further part starts with
/// a space (which counts), every line ends with CRLF (RFC 5545, 3.1).
fn fold(line: &str) -> String {
    let mut out = String::with_capacity(line.len() + 8);
    let mut octets = 0;
    for c in line.chars() {
        if octets + c.len_utf8() > LINE_OCTETS {
            out.push_str("\r\n ");
            octets = 1;
        }
        out.push(c);
        octets += c.len_utf8();
    }
    out.push_str("\r\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::hours::{Schedule, Window};
    use crate::registry::Position;
    use chrono::NaiveDate;

    fn at(m: u32, d: u32, h: u32, min: u32) -> NaiveDateTime {
        NaiveDate::from_ymd_opt(2026, m, d).unwrap().and_hms_opt(h, min, 0).unwrap()
    }

    fn bus() -> (Place, Stop) {
        let csv = "id,pivot,nom,commune,code_postal,adresse,date_maj,telephone\n\
                   bus,00000000000000,\"Bus connecté; La Blaiserie, Poitiers\",Poitiers,86000,1 rue X,2026-01-31,+33549000000\n";
        let place = crate::registry::import_csv(csv.as_bytes(), Window::new(2026, 2028).unwrap()).places.remove(0);
        let stop = Stop {
            id: "bus-lusignan".into(),
            nom: "Bus connecté — Lusignan (marché), place du Bail où l’on se gare derrière l’église".into(),
            code_insee: "86139".into(),
            commune: "Lusignan".into(),
            position: Position { lat: 46.43695, lon: 0.11405, approximate: true },
            horaires: Schedule::parse("Tu[2] 09:00-12:00", Window::new(2026, 2028).unwrap()).unwrap(),
        };
        (place, stop)
    }

    /// The file read back as a calendar client would: lines split at CRLF, folded lines joined
    /// (a line starting with a space continues the previous one), values unescaped.
    fn unfold(file: &str) -> Vec<(String, String)> {
        assert!(file.ends_with("\r\n"));
        let mut lines: Vec<String> = vec![];
        for raw in file.strip_suffix("\r\n").unwrap().split("\r\n") {
            assert!(!raw.contains('\n') && !raw.contains('\r'), "bare line break in {raw:?}");
            assert!(raw.len() <= LINE_OCTETS, "{} octets: {raw:?}", raw.len());
            match raw.strip_prefix(' ') {
                Some(rest) => lines.last_mut().unwrap().push_str(rest),
                None => lines.push(raw.to_owned()),
            }
        }
        let unescape = |v: &str| v.replace("\\n", "\n").replace("\\,", ",").replace("\\;", ";").replace("\\\\", "\\");
        lines.iter().map(|l| l.split_once(':').map(|(k, v)| (k.to_owned(), unescape(v))).unwrap()).collect()
    }

    fn field<'a>(fields: &'a [(String, String)], name: &str) -> &'a str {
        fields.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str()).unwrap_or_else(|| panic!("no {name}"))
    }

    #[test]
    fn a_visit_reads_back_with_utc_times_and_its_texts() {
        let (place, stop) = bus();
        let file = visit_event(&place, &stop, at(12, 8, 9, 0), at(12, 8, 12, 0), at(12, 1, 10, 15));
        let fields = unfold(&file);
        let names: Vec<&str> = fields.iter().map(|(k, _)| k.as_str()).collect();
        assert_eq!(
            names,
            [
                "BEGIN",
                "VERSION",
                "PRODID",
                "BEGIN",
                "UID",
                "DTSTAMP",
                "DTSTART",
                "DTEND",
                "SUMMARY",
                "LOCATION",
                "GEO",
                "DESCRIPTION",
                "END",
                "END"
            ]
        );
        assert_eq!((field(&fields, "VERSION"), field(&fields, "UID")), ("2.0", "bus-lusignan-20261208T090000@repere"));
        // December: Paris is UTC+1.
        assert_eq!((field(&fields, "DTSTART"), field(&fields, "DTEND")), ("20261208T080000Z", "20261208T110000Z"));
        assert_eq!(field(&fields, "DTSTAMP"), "20261201T101500Z");
        assert_eq!(field(&fields, "SUMMARY"), stop.nom);
        assert_eq!(field(&fields, "LOCATION"), format!("{}, Lusignan", stop.nom));
        assert_eq!(field(&fields, "GEO"), "46.436950;0.114050");
        assert_eq!(field(&fields, "DESCRIPTION"), "Bus connecté; La Blaiserie, Poitiers\n05 49 00 00 00");
        assert!(file.contains("Bus connecté\\; La Blaiserie\\, Poitiers\\n05 49"), "escaped as written");
        assert!(file.contains("\r\n "), "the long name is folded");
        assert_eq!(file_name(&stop, at(12, 8, 9, 0)), "repere-bus-lusignan-2026-12-08.ics");
    }

    #[test]
    fn summer_visits_are_two_hours_ahead_of_utc() {
        let (place, stop) = bus();
        let fields = unfold(&visit_event(&place, &stop, at(6, 9, 9, 30), at(6, 9, 12, 0), at(6, 1, 0, 0)));
        assert_eq!((field(&fields, "DTSTART"), field(&fields, "DTEND")), ("20260609T073000Z", "20260609T100000Z"));
    }

    #[test]
    fn folding_never_splits_a_character_and_keeps_every_octet() {
        for line in ["x".repeat(75), "x".repeat(76), "é".repeat(80), format!("{}€", "a".repeat(73)), "عربي ".repeat(30)] {
            let folded = fold(&line);
            let parts: Vec<&str> = folded.strip_suffix("\r\n").unwrap().split("\r\n").collect();
            assert!(parts.iter().all(|p| p.len() <= LINE_OCTETS), "{parts:?}");
            assert!(parts[1..].iter().all(|p| p.starts_with(' ')));
            let joined: String = parts.iter().enumerate().map(|(i, p)| if i == 0 { *p } else { &p[1..] }).collect();
            assert_eq!(joined, line);
        }
        assert_eq!(fold(&"x".repeat(75)), format!("{}\r\n", "x".repeat(75)), "75 octets fit");
    }

    #[test]
    fn a_place_without_phone_has_only_its_name() {
        let (mut place, stop) = bus();
        place.telephone = None;
        let fields = unfold(&visit_event(&place, &stop, at(12, 8, 9, 0), at(12, 8, 12, 0), at(12, 1, 0, 0)));
        assert_eq!(field(&fields, "DESCRIPTION"), "Bus connecté; La Blaiserie, Poitiers");
    }
}
