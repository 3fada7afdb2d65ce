//! Dates as the registry and the compiled opening hours write them. A module of its own so that
//! `registry` (its `date_maj` field) and `hours` (a timetable's exceptions) share it without
//! importing each other; and the local time of France, which exports write.

use chrono::{Datelike, Duration, NaiveDate, NaiveDateTime};

/// `AAAA-MM-JJ`, strictly. Read by hand: chrono's `parse_from_str` links its whole format
/// engine into the app (about 14 KiB of wasm) for this one form.
pub fn iso_date(raw: &str) -> Option<NaiveDate> {
    let (y, rest) = raw.split_once('-')?;
    let (m, d) = rest.split_once('-')?;
    let digits = |s: &str, n: usize| s.len() == n && s.bytes().all(|b| b.is_ascii_digit());
    if !(digits(y, 4) && digits(m, 2) && digits(d, 2)) {
        return None;
    }
    NaiveDate::from_ymd_opt(y.parse().ok()?, m.parse().ok()?, d.parse().ok()?)
}

/// `AAAA-MM-JJ`, written by hand for the same reason as [`iso_date`] (a mediator's proposal
/// form shows a place's fields, `date_maj` among them: 7 KiB of brotli in the mediators' bundle).
pub fn write_iso_date(date: NaiveDate) -> String {
    format!("{:04}-{:02}-{:02}", date.year(), date.month(), date.day())
}

/// Local time in metropolitan France of a UTC time: UTC+2 from the last Sunday of March at
/// 01:00 UTC to the last Sunday of October at 01:00 UTC, UTC+1 otherwise (the EU rule, in force
/// since 1996). Written out so the core needs no time-zone database for the one zone it serves.
pub fn paris_time(utc: NaiveDateTime) -> NaiveDateTime {
    let last_sunday = |month: u32| {
        let first_of_next = NaiveDate::from_ymd_opt(utc.year(), month + 1, 1).expect("March and October have a next month");
        let last = first_of_next.pred_opt().expect("not the first day of the calendar");
        let back = last.weekday().num_days_from_sunday();
        (last - Duration::days(back.into())).and_hms_opt(1, 0, 0).expect("01:00 exists")
    };
    let summer = (last_sunday(3)..last_sunday(10)).contains(&utc);
    utc + Duration::hours(if summer { 2 } else { 1 })
}

/// The UTC time of a local time in metropolitan France ([`paris_time`] the other way). In the
/// hour repeated in October, the first (summer) one; in the hour skipped in March, as if winter
/// time still held (02:30 → 01:30 UTC, which is 03:30 local): a visit is never set there.
pub fn paris_to_utc(local: NaiveDateTime) -> NaiveDateTime {
    [2, 1].into_iter().map(|h| local - Duration::hours(h)).find(|utc| paris_time(*utc) == local).unwrap_or(local - Duration::hours(1))
}

/// `JJ/MM/AAAA`, as French spreadsheets write a date.
pub fn french_date(date: NaiveDate) -> String {
    format!("{:02}/{:02}/{}", date.day(), date.month(), date.year())
}

/// `HH:MM` (by hand, like [`iso_date`]: no format engine in the app).
pub fn hour_minute(time: NaiveDateTime) -> String {
    use chrono::Timelike;
    format!("{:02}:{:02}", time.hour(), time.minute())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(y: i32, m: u32, d: u32, h: u32, min: u32) -> NaiveDateTime {
        NaiveDate::from_ymd_opt(y, m, d).unwrap().and_hms_opt(h, min, 0).unwrap()
    }

    #[test]
    fn paris_time_changes_on_the_last_sundays_of_march_and_october_at_one_utc() {
        // 2026: 29 March and 25 October.
        assert_eq!(paris_time(at(2026, 3, 29, 0, 59)), at(2026, 3, 29, 1, 59));
        assert_eq!(paris_time(at(2026, 3, 29, 1, 0)), at(2026, 3, 29, 3, 0));
        assert_eq!(paris_time(at(2026, 10, 25, 0, 59)), at(2026, 10, 25, 2, 59));
        assert_eq!(paris_time(at(2026, 10, 25, 1, 0)), at(2026, 10, 25, 2, 0));
        assert_eq!(paris_time(at(2026, 1, 15, 12, 0)), at(2026, 1, 15, 13, 0));
        assert_eq!(paris_time(at(2026, 7, 14, 22, 30)), at(2026, 7, 15, 0, 30));
        // 2027: 28 March (a month whose 31st is a Wednesday) and 31 October (a Sunday itself).
        assert_eq!(paris_time(at(2027, 3, 28, 1, 0)), at(2027, 3, 28, 3, 0));
        assert_eq!(paris_time(at(2027, 10, 31, 0, 0)), at(2027, 10, 31, 2, 0));
        assert_eq!(paris_time(at(2027, 10, 31, 1, 0)), at(2027, 10, 31, 2, 0));
    }

    #[test]
    fn local_times_go_back_to_utc_across_both_changes() {
        for utc in [at(2026, 1, 15, 12, 0), at(2026, 7, 14, 22, 30), at(2026, 3, 29, 0, 59), at(2026, 3, 29, 1, 0), at(2026, 10, 25, 0, 59)]
        {
            assert_eq!(paris_to_utc(paris_time(utc)), utc, "{utc}");
        }
        // 25 October 2026, 02:30 happens twice: the summer one first.
        assert_eq!(paris_to_utc(at(2026, 10, 25, 2, 30)), at(2026, 10, 25, 0, 30));
        assert_eq!(paris_to_utc(at(2026, 10, 25, 3, 0)), at(2026, 10, 25, 2, 0));
        // 29 March 2026, 02:30 does not exist.
        assert_eq!(paris_to_utc(at(2026, 3, 29, 2, 30)), at(2026, 3, 29, 1, 30));
        assert_eq!(paris_to_utc(at(2026, 12, 8, 9, 0)), at(2026, 12, 8, 8, 0));
        assert_eq!(paris_to_utc(at(2026, 6, 9, 9, 0)), at(2026, 6, 9, 7, 0));
    }

    #[test]
    fn french_dates_are_day_month_year() {
        assert_eq!(french_date(NaiveDate::from_ymd_opt(2026, 3, 7).unwrap()), "07/03/2026");
    }

    #[test]
    fn iso_dates_are_written_as_chronos_format_writes_them() {
        for (y, m, d) in [(2026, 3, 7), (2024, 12, 31), (999, 1, 1)] {
            let date = NaiveDate::from_ymd_opt(y, m, d).unwrap();
            assert_eq!(write_iso_date(date), date.format("%Y-%m-%d").to_string());
            assert_eq!(iso_date(&write_iso_date(date)), Some(date));
        }
    }

    #[test]
    fn dates_are_strict_iso() {
        assert_eq!(iso_date("2024-02-29"), NaiveDate::from_ymd_opt(2024, 2, 29));
        for bad in ["2023-02-29", "2024-2-01", "24-02-01", "2024-02-01 ", "2024/02/01", "2024-02-01-", "", "+024-02-01"] {
            assert_eq!(iso_date(bad), None, "{bad:?}");
        }
    }
}
