//! The checks an imported value passes (the standard's patterns, Repère's yes/no columns,
//! coordinates), each problem recorded with its field.

/// A yes/no column of Repère's: empty or `false` is no.
pub(super) fn flag(problems: &mut Vec<(&'static str, String)>, field: &'static str, value: Option<String>) -> bool {
    match value.as_deref() {
        None | Some("false") => false,
        Some("true") => true,
        Some(other) => {
            problems.push((field, format!("« {other} » : true ou false attendu")));
            false
        }
    }
}

pub(super) fn check(problems: &mut Vec<(&'static str, String)>, field: &'static str, value: &str, ok: fn(&str) -> bool, want: &str) {
    if !value.is_empty() && !ok(value) {
        problems.push((field, format!("« {value} » : {want}")));
    }
}

pub(super) fn coordinate(problems: &mut Vec<(&'static str, String)>, field: &'static str, raw: &str, limit: f64) -> Option<f64> {
    match raw.parse::<f64>() {
        Ok(v) if v.is_finite() && v.abs() <= limit => Some(v),
        _ => {
            problems.push((field, format!("« {raw} » : nombre entre -{limit} et {limit} attendu")));
            None
        }
    }
}

pub(super) fn is_digits(s: &str, n: usize) -> bool {
    s.len() == n && s.bytes().all(|b| b.is_ascii_digit())
}

pub(super) fn is_pivot(s: &str) -> bool {
    (9..=14).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_alphanumeric())
}

/// `^([013-9]\d|2[AB1-9])\d{3}$`: metropolitan and overseas codes, Corsica as 2A/2B.
pub(super) fn is_insee(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 5
        && matches!((b[0], b[1]), (b'2', b'A' | b'B' | b'1'..=b'9') | (b'0' | b'1' | b'3'..=b'9', b'0'..=b'9'))
        && b[2..].iter().all(u8::is_ascii_digit)
}

/// One address: no space, one `@` with text before it and a domain with a dot after it. The
/// standard gives no pattern; this refuses what cannot be written to (a name, a site's address).
pub(super) fn is_email(s: &str) -> bool {
    let Some((local, domain)) = s.split_once('@') else { return false };
    let dot = domain.find('.').is_some_and(|i| i > 0 && i + 1 < domain.len());
    !local.is_empty() && dot && !domain.contains('@') && !s.contains(char::is_whitespace)
}

/// `^(\+33|\+590|\+594|\+262|\+596|\+269|\+687|\+689|\+508|\+681)(\d){6,9}$`
pub(super) fn is_phone(s: &str) -> bool {
    const PREFIXES: [&str; 10] = ["+33", "+590", "+594", "+262", "+596", "+269", "+687", "+689", "+508", "+681"];
    PREFIXES.iter().any(|p| s.strip_prefix(p).is_some_and(|rest| (6..=9).contains(&rest.len()) && rest.bytes().all(|b| b.is_ascii_digit())))
}
