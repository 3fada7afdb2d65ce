//! Dates as the registry and the compiled opening hours write them. A module of its own so that
//! `registry` (its `date_maj` field) and `hours` (a timetable's exceptions) share it without
//! importing each other.

use chrono::NaiveDate;

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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_are_strict_iso() {
        assert_eq!(iso_date("2024-02-29"), NaiveDate::from_ymd_opt(2024, 2, 29));
        for bad in ["2023-02-29", "2024-2-01", "24-02-01", "2024-02-01 ", "2024/02/01", "2024-02-01-", "", "+024-02-01"] {
            assert_eq!(iso_date(bad), None, "{bad:?}");
        }
    }
}
