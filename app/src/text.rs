//! Accent stripping by the browser, for the core's text folding (`repere_core::text`): the
//! platform already carries Unicode's normalization tables, so the app does not ship its own.

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

/// The core's folding with [`strip_marks`], for everything the app searches.
pub const FOLDER: Folder = Folder::new(strip_marks);
