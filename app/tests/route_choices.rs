//! The app's pure parts that need the browser: reading the address (`Route::parse`, which
//! decodes with the browser's `decodeURIComponent`) and the resident's choices as the core's
//! search filters (`Choices::filters`, read from signals).
#![cfg(target_arch = "wasm32")]

use leptos::prelude::*;
use repere_app::choices::{Adapted, Choices};
use repere_app::route::{Origin, Route};
use repere_core::needs::{Need, services_for};
use repere_core::proximity::LatLon;
use repere_core::registry::{Frais, LabelSet, ModaliteAcces, PriseEnCharge, Public};
use repere_core::search::{Filters, Opening};
use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen_test]
fn addresses_read_as_their_page() {
    for (hash, route) in [
        ("", Route::Home),
        ("#/", Route::Home),
        ("#/carte", Route::Map),
        ("#/carte/", Route::Map),
        ("#/mediation", Route::Mediation),
        ("#/resultats?commune=86078", Route::Results(Origin::Commune("86078".into()))),
        ("#/resultats?lat=46.4&lon=0.87", Route::Results(Origin::Point(LatLon { lat: 46.4, lon: 0.87 }))),
        ("#/resultats?lon=0.87&lat=46.4", Route::Results(Origin::Point(LatLon { lat: 46.4, lon: 0.87 }))),
        ("#/lieu/france-services-2842", Route::Place("france-services-2842".into())),
        ("#/lieu/caf%20de%20la%20vienne", Route::Place("caf de la vienne".into())),
        ("#/arret/bus-lusignan", Route::Stop("bus-lusignan".into())),
        ("#/passages?commune=86139", Route::Passages(Origin::Commune("86139".into()), 10)),
        ("#/passages?commune=86139&km=20", Route::Passages(Origin::Commune("86139".into()), 20)),
        ("#/passages?lat=46.4&lon=0.12&km=5", Route::Passages(Origin::Point(LatLon { lat: 46.4, lon: 0.12 }), 5)),
        ("#/passages", Route::Home),
        ("#/arret/", Route::Home),
        // Incomplete or unknown addresses go home rather than to an empty page.
        ("#/resultats", Route::Home),
        ("#/resultats?lat=46.4", Route::Home),
        ("#/resultats?lat=nord&lon=0.87", Route::Home),
        ("#/lieu/", Route::Home),
        ("#/ailleurs", Route::Home),
        // A malformed escape is kept as written.
        ("#/lieu/100%", Route::Place("100%".into())),
    ] {
        assert_eq!(Route::parse(hash), route, "{hash:?}");
    }
}

#[wasm_bindgen_test]
fn every_page_reads_back_from_its_own_address() {
    for route in [
        Route::Home,
        Route::Map,
        Route::Mediation,
        Route::Results(Origin::Commune("86194".into())),
        Route::Results(Origin::Point(LatLon { lat: 46.58022, lon: 0.34038 })),
        Route::Place("aidants-connect-b88e5f1a/é?&#".into()),
        Route::Stop("bus-lusignan/é?&#".into()),
        Route::Passages(Origin::Commune("86139".into()), 50),
        Route::Passages(Origin::Point(LatLon { lat: 46.43695, lon: 0.11405 }), 5),
    ] {
        assert_eq!(Route::parse(&route.href()), route, "{}", route.href());
    }
}

fn one<T: repere_core::registry::Label>(value: T) -> LabelSet<T> {
    std::iter::once(value).collect()
}

#[wasm_bindgen_test]
fn nothing_chosen_filters_nothing() {
    let _owner = Owner::new();
    let now = chrono::NaiveDate::from_ymd_opt(2026, 11, 30).unwrap().and_hms_opt(10, 0, 0).unwrap();
    assert_eq!(Choices::default().filters(now), Filters::default());
}

#[wasm_bindgen_test]
fn each_choice_becomes_its_filter() {
    let _owner = Owner::new();
    let now = chrono::NaiveDate::from_ymd_opt(2026, 11, 30).unwrap().and_hms_opt(10, 0, 0).unwrap();
    let choices = Choices::default();
    choices.needs.set(vec![Need::Demarches, Need::Emploi]);
    choices.open_now.set(true);
    choices.walk_in.set(true);
    choices.free.set(true);
    choices.at_home.set(true);
    choices.adapted.set(vec![Adapted::Public(Public::Jeunes), Adapted::Care(PriseEnCharge::Surdite)]);
    let expected = Filters {
        services: services_for(&[Need::Demarches, Need::Emploi]),
        publics: one(Public::Jeunes),
        prise_en_charge: one(PriseEnCharge::Surdite),
        acces: one(ModaliteAcces::SePresenter),
        frais: one(Frais::Gratuit),
        opening: Some(Opening::At(now)),
        at_home: true,
        ..Filters::default()
    };
    assert_eq!(choices.filters(now), expected);
    assert!(!expected.services.is_empty() && expected.accompagnement == LabelSet::new());
}
