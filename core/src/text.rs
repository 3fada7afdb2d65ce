//! Text folding for search: lower case, no accents, words separated by one space, "st"/"ste"
//! spelled out — so "  St-Benoît " and "saint benoit" meet.
//!
//! Stripping accents is Unicode's canonical decomposition (NFD) followed by dropping combining
//! marks. Native builds (server, seed builder, tests) use the `unicode-normalization` crate
//! (feature `unicode-tables`, on by default). The phone's build leaves that crate's tables out
//! (about 25 KiB of the app's code, compressed) and passes the browser's own normalizer — the
//! same Unicode algorithm, through `String.prototype.normalize` — with [`use_mark_stripper`].

/// Lower case, no accents, words separated by one space, "st"/"ste" spelled out.
pub fn fold(text: &str) -> String {
    let plain: String = strip_marks(text).chars().flat_map(char::to_lowercase).map(|c| if c.is_alphanumeric() { c } else { ' ' }).collect();
    plain
        .split_whitespace()
        .map(|word| match word {
            "st" => "saint",
            "ste" => "sainte",
            other => other,
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// NFD, then without combining marks (General Category M): "Châtellerault" → "Chatellerault".
#[cfg(feature = "unicode-tables")]
fn strip_marks(text: &str) -> String {
    use unicode_normalization::UnicodeNormalization;
    use unicode_normalization::char::is_combining_mark;
    text.nfd().filter(|c| !is_combining_mark(*c)).collect()
}

#[cfg(not(feature = "unicode-tables"))]
static MARK_STRIPPER: std::sync::OnceLock<fn(&str) -> String> = std::sync::OnceLock::new();

/// Gives the build without `unicode-tables` its way to strip accents (NFD, then no combining
/// marks). Call it once, before any search; later calls are ignored.
#[cfg(not(feature = "unicode-tables"))]
pub fn use_mark_stripper(strip: fn(&str) -> String) {
    let _ = MARK_STRIPPER.set(strip);
}

#[cfg(not(feature = "unicode-tables"))]
fn strip_marks(text: &str) -> String {
    let strip = MARK_STRIPPER.get().expect("repere_core::text::use_mark_stripper is called at start");
    strip(text)
}

#[cfg(all(test, feature = "unicode-tables"))]
mod tests {
    use super::fold;

    #[test]
    fn folding_ignores_case_accents_hyphens_and_spells_out_saint() {
        assert_eq!(fold("Châtellerault"), "chatellerault");
        assert_eq!(fold("  St-Benoît "), "saint benoit");
        assert_eq!(fold("Ste Radégonde"), "sainte radegonde");
        assert_eq!(fold("L'Isle-Jourdain"), "l isle jourdain");
        assert_eq!(fold("Œuvre"), "œuvre");
    }
}
