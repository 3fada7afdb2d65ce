//! The interface language: chosen once, remembered on the device, applied to `<html lang dir>`.
//! The words themselves are in `repere_core::i18n`, the one translation table.

use leptos::prelude::*;
use repere_core::i18n::{Lang, Texts};

/// `localStorage` key of the chosen language. Synchronous storage, so the first paint is already
/// in the right language and direction.
const KEY: &str = "repere.langue";

/// The current language, shared through context. Changing it redraws the app.
#[derive(Clone, Copy)]
pub struct Locale(RwSignal<Lang>);

impl Locale {
    /// The language chosen on an earlier visit, or French.
    pub fn remembered() -> Self {
        let saved = storage().and_then(|s| s.get_item(KEY).ok().flatten());
        let lang = saved.as_deref().and_then(Lang::from_code).unwrap_or(Lang::Fr);
        Locale(RwSignal::new(lang))
    }

    pub fn get(self) -> Lang {
        self.0.get()
    }

    pub fn choose(self, lang: Lang) {
        if let Some(s) = storage() {
            let _ = s.set_item(KEY, lang.code());
        }
        self.0.set(lang);
    }
}

/// The words of the current language, for a component being drawn (the app redraws on change).
pub fn texts() -> &'static Texts {
    expect_context::<Locale>().0.get_untracked().texts()
}

/// Sets the document's language, direction and title, for screen readers and right-to-left layout.
pub fn apply_to_document(lang: Lang) {
    let Some(document) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    if let Some(html) = document.document_element() {
        let _ = html.set_attribute("lang", lang.code());
        let _ = html.set_attribute("dir", lang.dir());
    }
    document.set_title(lang.texts().app_title);
}

fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok().flatten()
}
