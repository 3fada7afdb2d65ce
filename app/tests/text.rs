//! Text folding in the browser: the core's `fold` with the browser's normalizer gives what the
//! `unicode-normalization` crate gives natively (the core's own tests hold the same cases).
#![cfg(target_arch = "wasm32")]

use repere_app::text::FOLDER;
use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen_test]
fn folding_strips_accents_through_the_browser() {
    for (text, folded) in [
        ("Châtellerault", "chatellerault"),
        ("  St-Benoît ", "saint benoit"),
        ("Ste Radégonde", "sainte radegonde"),
        ("L'Isle-Jourdain", "l isle jourdain"),
        ("Œuvre", "œuvre"),
        ("Vouneuil-sous-Biard", "vouneuil sous biard"),
        ("Saint-Léger-de-Montbrillais", "saint leger de montbrillais"),
        ("Façade ÀÉÎÕÜ ç", "facade aeiou c"),
        // Already decomposed input (e + U+0301) folds the same as precomposed.
        ("Cre\u{301}teil", "creteil"),
        // Arabic: the short-vowel marks are combining marks too.
        ("مُسَاعَدَة", "مساعدة"),
    ] {
        assert_eq!(FOLDER.fold(text), folded, "{text:?}");
    }
}

/// The browser's lower case is the core's, character by character, the capital sigma included.
#[wasm_bindgen_test]
fn lower_case_through_the_browser_is_the_cores() {
    for text in ["CHÂTELLERAULT", "ΟΔΥΣΣΕΥΣ Σ", "İstanbul", "ǅemal Ǆ", "ẞtraße", "ÀÉÎÕÜ Ç Œ", "ÉCOLE DU NUMÉRIQUE", "ПОИТЬЕ", "Ⅻ Ⓐ"]
    {
        assert_eq!(repere_app::text::lower_case(text), repere_core::text::lower_case(text), "{text:?}");
    }
}
