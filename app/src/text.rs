//! Accent stripping by the browser, for the core's text folding (`repere_core::text`): the
//! platform already carries Unicode's normalization and case tables, so the app does not ship its own.

use std::cell::OnceCell;

use repere_core::text::Folder;

thread_local! {
    /// Every combining mark (General Category M), e.g. the acute accent left by NFD of "é".
    static MARKS: OnceCell<js_sys::RegExp> = const { OnceCell::new() };
}

/// Unicode NFD, then without combining marks: "Châtellerault" → "Chatellerault".
pub fn strip_marks(text: &str) -> String {
    let decomposed = js_sys::JsString::from(text).normalize("NFD");
    MARKS.with(|marks| String::from(decomposed.replace_by_pattern(marks.get_or_init(|| js_sys::RegExp::new(r"\p{M}", "gu")), "")))
}

/// The browser's lower case (`String.prototype.toLowerCase`, not locale-dependent): the same
/// Unicode mapping as the core's [`repere_core::text::lower_case`], whose table the app then
/// does not ship. Only a capital sigma differs: the browser lowers it to the final "ς" at a word's
/// end, the core always to "σ", so it is lowered here first.
pub fn lower_case(text: &str) -> String {
    String::from(js_sys::JsString::from(text.replace('Σ', "σ")).to_lower_case())
}

/// The core's folding with [`strip_marks`] and [`lower_case`], for everything the app searches.
pub const FOLDER: Folder = Folder::with_lower(strip_marks, lower_case);
