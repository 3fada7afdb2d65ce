//! Text folding for search: lower case, no accents, words separated by one space, "st"/"ste"
//! spelled out — so "  St-Benoît " and "saint benoit" meet.
//!
//! Stripping accents is Unicode's canonical decomposition (NFD) followed by dropping combining
//! marks, and who folds says how: a [`Folder`] holds that function, and whatever searches text
//! (`search::Finder`, `territory::Territory`) is given one. Native builds (server, seed builder,
//! tests) use [`UNICODE`], the `unicode-normalization` crate (feature `unicode-tables`, on by
//! default). The phone's build leaves that crate's tables out (about 25 KiB of the app's code,
//! compressed) and gives the browser's own normalizer — the same Unicode algorithm, through
//! `String.prototype.normalize` (`app/src/text.rs`).
//!
//! ```
//! use repere_core::text::{Folder, UNICODE};
//!
//! assert_eq!(UNICODE.fold("  St-Benoît "), "saint benoit");
//! // Any stripper will do; this one leaves accents in place.
//! let keep_accents = Folder::new(str::to_owned);
//! assert_eq!(keep_accents.fold("Ste Radégonde"), "sainte radégonde");
//! ```

/// Folds text, with a given way of stripping accents (and of lowering case).
#[derive(Clone, Copy)]
pub struct Folder {
    /// NFD, then without combining marks (General Category M): "Châtellerault" → "Chatellerault".
    strip_marks: fn(&str) -> String,
    /// Each character's lower case ([`lower_case`]).
    lower: fn(&str) -> String,
}

impl Folder {
    pub const fn new(strip_marks: fn(&str) -> String) -> Self {
        Folder { strip_marks, lower: lower_case }
    }

    /// With another way of lowering case, giving what [`lower_case`] gives: the phone's build
    /// asks the browser, leaving out the standard library's case table (about 11 KiB raw).
    pub const fn with_lower(strip_marks: fn(&str) -> String, lower: fn(&str) -> String) -> Self {
        Folder { strip_marks, lower }
    }

    /// Lower case, no accents, words separated by one space, "st"/"ste" spelled out.
    pub fn fold(&self, text: &str) -> String {
        let plain: String = (self.lower)(&(self.strip_marks)(text)).chars().map(|c| if c.is_alphanumeric() { c } else { ' ' }).collect();
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
}

/// Each character's lower case, one by one (`char::to_lowercase`: "Σ" is always "σ", never the
/// final "ς" that lowering a whole string may give).
pub fn lower_case(text: &str) -> String {
    text.chars().flat_map(char::to_lowercase).collect()
}

impl std::fmt::Debug for Folder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Folder")
    }
}

/// Folding with the `unicode-normalization` crate's tables (native builds).
#[cfg(feature = "unicode-tables")]
pub const UNICODE: Folder = Folder::new(strip_marks);

#[cfg(feature = "unicode-tables")]
fn strip_marks(text: &str) -> String {
    use unicode_normalization::UnicodeNormalization;
    use unicode_normalization::char::is_combining_mark;
    text.nfd().filter(|c| !is_combining_mark(*c)).collect()
}

#[cfg(all(test, feature = "unicode-tables"))]
mod tests {
    use super::UNICODE;

    #[test]
    fn folding_ignores_case_accents_hyphens_and_spells_out_saint() {
        assert_eq!(UNICODE.fold("Châtellerault"), "chatellerault");
        assert_eq!(UNICODE.fold("  St-Benoît "), "saint benoit");
        assert_eq!(UNICODE.fold("Ste Radégonde"), "sainte radegonde");
        assert_eq!(UNICODE.fold("L'Isle-Jourdain"), "l isle jourdain");
        assert_eq!(UNICODE.fold("Œuvre"), "œuvre");
    }
}
