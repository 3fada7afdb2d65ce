//! The outreach session kept in `localStorage` (headless Chromium): a session stored before the
//! tour's stops existed still reads, and a session at a stop comes back with its stop.
#![cfg(target_arch = "wasm32")]

use leptos::prelude::GetUntracked;
use repere_app::session::Outreach;
use repere_core::activity::{Lieu, OutingKind};
use repere_core::hours::{Schedule, Window};
use repere_core::registry::{Position, Stop};
use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};

wasm_bindgen_test_configure!(run_in_browser);

const KEY: &str = "repere.session";

fn storage() -> web_sys::Storage {
    web_sys::window().unwrap().local_storage().unwrap().unwrap()
}

#[wasm_bindgen_test]
fn a_session_stored_before_stops_still_reads() {
    let before = r#"{"id":"0192d4e8-7b1c-7000-8000-000000000001","kind":"bus","commune":["86294","Vouillé"],"started":"2026-11-28T14:30:00","quick":3,"logged":1}"#;
    storage().set_item(KEY, before).unwrap();
    let outing = Outreach::remembered().current.get_untracked().expect("the stored session");
    assert_eq!((outing.kind, outing.quick, outing.logged, &outing.stop), (OutingKind::Bus, 3, 1, &None));
    assert_eq!(outing.lieu(), Lieu::Bus(Some("86294".into())));
    storage().remove_item(KEY).unwrap();
}

#[wasm_bindgen_test]
fn a_session_at_a_stop_comes_back_with_its_stop() {
    let years = Window::new(2026, 2028).unwrap();
    let stop = Stop {
        id: "bus-vouille".into(),
        nom: "Bus connecté — Vouillé".into(),
        code_insee: "86294".into(),
        commune: "Vouillé".into(),
        position: Position { lat: 46.64, lon: 0.165, approximate: true },
        horaires: Schedule::parse("Th[2] 14:00-17:00", years).unwrap(),
    };
    Outreach::remembered().start_at(&stop);
    let outing = Outreach::remembered().current.get_untracked().expect("the stored session");
    assert_eq!(outing.lieu(), Lieu::Arret { id: "bus-vouille".into(), commune: "86294".into() });
    assert_eq!(outing.title(), "Bus connecté — Vouillé");
    storage().remove_item(KEY).unwrap();
}
