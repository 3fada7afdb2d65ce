//! « Consultations » (fiche 1-C): what residents looked at over a period, counted on their
//! phones and sent in aggregate, with no identifier (`GET /api/v1/consultations?du&au`): the
//! totals, the places most viewed (with calls and directions asked), the searches per commune and
//! per EPCI. Tables, longest lists folded.

use std::collections::BTreeMap;

use chrono::Datelike;
use leptos::prelude::*;
use serde_json::Value;

use super::{Answer, count, failed, load, text};
use crate::coordination::Coordination;
use crate::pages::coordination::charts::{DataTable, Row};

#[component]
pub fn ConsultationsPage() -> impl IntoView {
    let c = expect_context::<Coordination>();
    let today = crate::clock::now().date();
    let du = RwSignal::new(format!("{}-01-01", today.year()));
    let au = RwSignal::new(format!("{}-{:02}-{:02}", today.year(), today.month(), today.day()));
    let answer = RwSignal::new(Answer::Waiting);
    let ask = move || load(c, format!("/api/v1/consultations?du={}&au={}", du.get_untracked(), au.get_untracked()), answer);
    ask();
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        answer.set(Answer::Waiting);
        ask();
    };
    view! {
        <h2>"Consultations"</h2>
        <p class="hint">"Ce que les habitants ont consulté, compté sur leur téléphone sans les identifier."</p>
        <form class="period" on:submit=submit>
            <div class="dates">
                <span><label for="c-du">"Du"</label><input id="c-du" type="date" prop:value=move || du.get() on:input=move |ev| du.set(event_target_value(&ev)) /></span>
                <span><label for="c-au">"Au"</label><input id="c-au" type="date" prop:value=move || au.get() on:input=move |ev| au.set(event_target_value(&ev)) /></span>
            </div>
            <button type="submit" class="secondary">"Afficher"</button>
        </form>
        {move || match answer.get() {
            Answer::Waiting => view! { <p class="registry">"Chargement…"</p> }.into_any(),
            Answer::Failed(e) => view! { <p class="notice" role="alert">{failed("les consultations", &e)}</p> }.into_any(),
            Answer::Came(v) => view! { <Figures v /> }.into_any(),
        }}
    }
}

#[component]
fn Figures(v: Value) -> impl IntoView {
    let t = &v["totaux"];
    let mut places: Vec<Value> = v["lieux"].as_array().cloned().unwrap_or_default();
    places.sort_by_key(|p| std::cmp::Reverse(p["vues"].as_u64().unwrap_or(0)));
    let viewed: Vec<Row> = places.iter().map(|p| row(p, "vues", format!("{} ({})", text(p, "nom"), text(p, "commune")))).collect();
    places.sort_by_key(|p| std::cmp::Reverse(p["appels"].as_u64().unwrap_or(0) + p["itineraires"].as_u64().unwrap_or(0)));
    let called: Vec<Row> = places
        .iter()
        .filter(|p| p["appels"].as_u64().unwrap_or(0) > 0)
        .map(|p| row(p, "appels", format!("{} ({}), {} itinéraire(s)", text(p, "nom"), text(p, "commune"), count(p, "itineraires"))))
        .collect();
    let mut communes: Vec<Value> = v["communes"].as_array().cloned().unwrap_or_default();
    communes.sort_by_key(|c| std::cmp::Reverse(c["recherches"].as_u64().unwrap_or(0)));
    let searched: Vec<Row> = communes.iter().map(|c| row(c, "recherches", text(c, "nom").to_owned())).collect();
    // Per EPCI: the communes' searches and the places' views, added up.
    let mut epci: BTreeMap<String, (u64, u64)> = BTreeMap::new();
    for c in &communes {
        epci.entry(text(c, "epci").to_owned()).or_default().0 += c["recherches"].as_u64().unwrap_or(0);
    }
    for p in &places {
        epci.entry(text(p, "epci").to_owned()).or_default().1 += p["vues"].as_u64().unwrap_or(0);
    }
    let by_epci: Vec<Row> = epci
        .into_iter()
        .map(|(name, (searches, views))| Row {
            key: name.clone(),
            label: format!("{} ({} vues)", if name.is_empty() { "EPCI inconnu" } else { &name }, repere_core::stats::thousands(views)),
            count: repere_core::stats::thousands(searches),
            share: String::new(),
            value: None,
        })
        .collect();
    view! {
        <dl class="totals" id="totaux">
            <div><dt>"Fiches vues"</dt><dd>{count(t, "vues")}</dd></div>
            <div><dt>"Appels"</dt><dd>{count(t, "appels")}</dd></div>
            <div><dt>"Itinéraires"</dt><dd>{count(t, "itineraires")}</dd></div>
            <div><dt>"Recherches"</dt><dd>{count(t, "recherches")}</dd></div>
        </dl>
        <section class="breakdown">
            <h3>"Lieux les plus vus"</h3>
            <DataTable rows=viewed first="Lieu" caption="Fiches vues par lieu".to_owned() counted="Vues".to_owned() fold=true />
        </section>
        <section class="breakdown">
            <h3>"Lieux les plus appelés"</h3>
            <DataTable rows=called first="Lieu" caption="Appels par lieu".to_owned() counted="Appels".to_owned() fold=true />
        </section>
        <section class="breakdown">
            <h3>"Recherches par commune"</h3>
            <DataTable rows=searched first="Commune" caption="Recherches par commune".to_owned() counted="Recherches".to_owned() fold=true />
        </section>
        <section class="breakdown">
            <h3>"Par EPCI"</h3>
            <DataTable rows=by_epci first="EPCI" caption="Recherches et vues par EPCI".to_owned() counted="Recherches".to_owned() />
        </section>
    }
}

fn row(v: &Value, key: &str, label: String) -> Row {
    Row { key: label.clone(), label, count: count(v, key), share: String::new(), value: None }
}
