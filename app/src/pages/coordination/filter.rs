//! The period and territory asked: du / au, EPCI, commune, and folded under « Plus de filtres »
//! the rarer structure and lieu. The query string uses the server's names (`du`, `au`, `epci`,
//! `commune`, `structure`, `lieu`), which the core's `stats::Filter::parse` reads and checks.

use chrono::Datelike;
use leptos::prelude::*;

use crate::coordination::Coordination;
use crate::gazetteer::Gazetteer;

/// What the form holds; an empty field is no condition.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Asked {
    pub du: String,
    pub au: String,
    pub epci: String,
    pub commune: String,
    pub structure: String,
    pub lieu: String,
}

impl Asked {
    /// From the 1st of January to today: what a coordinator opens first.
    pub fn this_year(today: chrono::NaiveDate) -> Asked {
        Asked {
            du: format!("{:04}-01-01", today.year()),
            au: format!("{:04}-{:02}-{:02}", today.year(), today.month(), today.day()),
            ..Asked::default()
        }
    }

    fn fields(&self) -> [(&'static str, &String); 6] {
        [
            ("du", &self.du),
            ("au", &self.au),
            ("epci", &self.epci),
            ("commune", &self.commune),
            ("structure", &self.structure),
            ("lieu", &self.lieu),
        ]
    }

    /// `du=2026-01-01&au=2026-06-30&epci=…`, empty fields left out.
    pub fn query(&self) -> String {
        self.fields()
            .into_iter()
            .filter(|(_, v)| !v.trim().is_empty())
            .map(|(k, v)| format!("{k}={}", String::from(js_sys::encode_uri_component(v.trim()))))
            .collect::<Vec<_>>()
            .join("&")
    }

    /// The form of a query written by [`Asked::query`] (the figures kept on the device say which
    /// filter they answer).
    pub fn from_query(query: &str) -> Asked {
        let mut asked = Asked::default();
        for pair in query.split('&') {
            let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
            let value = js_sys::decode_uri_component(value).map(String::from).unwrap_or_else(|_| value.to_owned());
            match key {
                "du" => asked.du = value,
                "au" => asked.au = value,
                "epci" => asked.epci = value,
                "commune" => asked.commune = value,
                "structure" => asked.structure = value,
                "lieu" => asked.lieu = value,
                _ => {}
            }
        }
        asked
    }
}

/// The form; `choices` are the structures and lieux (code, name) the last figures name, since
/// the server knows them and the device does not.
#[component]
pub fn FilterForm(
    asked: RwSignal<Asked>,
    structures: Signal<Vec<(String, String)>>,
    lieux: Signal<Vec<(String, String)>>,
) -> impl IntoView {
    let c = expect_context::<Coordination>();
    let gazetteer = expect_context::<Gazetteer>();
    let scope = move || c.account.with(|a| a.as_ref().map(|a| a.epci.clone()).unwrap_or_default());
    // EPCI of the account's scope (all of the Vienne's when it has none), by name.
    let epcis = move || {
        gazetteer.ready();
        let scope = scope();
        let mut list: Vec<(String, String)> = gazetteer
            .with(|t| {
                t.communes()
                    .iter()
                    .filter(|c| scope.is_empty() || scope.contains(&c.epci_siren))
                    .map(|c| (c.epci_siren.clone(), c.epci_nom.clone()))
                    .collect()
            })
            .unwrap_or_default();
        list.sort_by(|a, b| a.1.cmp(&b.1));
        list.dedup();
        list
    };
    // Communes of the chosen EPCI, else of the scope, by name.
    let communes = move || {
        gazetteer.ready();
        let (scope, chosen) = (scope(), asked.with(|a| a.epci.clone()));
        let mut list: Vec<(String, String)> = gazetteer
            .with(|t| {
                t.communes()
                    .iter()
                    .filter(|c| if chosen.is_empty() { scope.is_empty() || scope.contains(&c.epci_siren) } else { c.epci_siren == chosen })
                    .map(|c| (c.code_insee.clone(), c.nom.clone()))
                    .collect()
            })
            .unwrap_or_default();
        list.sort_by(|a, b| a.1.cmp(&b.1));
        list
    };
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let query = asked.get_untracked().query();
        leptos::task::spawn_local(async move { c.refresh(query).await });
    };
    let field = |set: fn(&mut Asked, String)| move |ev| asked.update(|a| set(a, event_target_value(&ev)));
    let rare_chosen = move || asked.with(|a| !a.structure.is_empty() || !a.lieu.is_empty());
    view! {
        <form class="filter" on:submit=submit aria-labelledby="filtre-titre">
            <h2 id="filtre-titre">"Période et territoire"</h2>
            <div class="period">
                <p class="field">
                    <label for="du">"Du"</label>
                    <input id="du" type="date" prop:value=move || asked.with(|a| a.du.clone()) on:change=field(|a, v| a.du = v) />
                </p>
                <p class="field">
                    <label for="au">"Au"</label>
                    <input id="au" type="date" prop:value=move || asked.with(|a| a.au.clone()) on:change=field(|a, v| a.au = v) />
                </p>
            </div>
            <p class="field">
                <label for="epci">"EPCI"</label>
                <select id="epci" on:change=field(|a, v| { a.epci = v; a.commune.clear(); })>
                    <option value="" selected=move || asked.with(|a| a.epci.is_empty())>
                        {move || if scope().is_empty() { "Toute la Vienne" } else { "Tout votre territoire" }}
                    </option>
                    {move || options(epcis(), asked.with(|a| a.epci.clone()))}
                </select>
            </p>
            <p class="field">
                <label for="commune">"Commune"</label>
                <select id="commune" on:change=field(|a, v| a.commune = v)>
                    <option value="" selected=move || asked.with(|a| a.commune.is_empty())>"Toutes les communes"</option>
                    {move || options(communes(), asked.with(|a| a.commune.clone()))}
                </select>
            </p>
            <details class="more" prop:open=rare_chosen>
                <summary>"Plus de filtres"<span class="hint">" (structure, lieu)"</span></summary>
                <p class="field">
                    <label for="structure">"Structure"</label>
                    <select id="structure" on:change=field(|a, v| a.structure = v)>
                        <option value="" selected=move || asked.with(|a| a.structure.is_empty())>"Toutes les structures"</option>
                        {move || options(structures.get(), asked.with(|a| a.structure.clone()))}
                    </select>
                </p>
                <p class="field">
                    <label for="lieu">"Lieu"</label>
                    <select id="lieu" on:change=field(|a, v| a.lieu = v)>
                        <option value="" selected=move || asked.with(|a| a.lieu.is_empty())>"Tous les lieux"</option>
                        {move || options(lieux.get(), asked.with(|a| a.lieu.clone()))}
                    </select>
                </p>
            </details>
            <button type="submit" class="big" disabled=move || c.loading.get()>
                {move || if c.loading.get() { "Chargement…" } else { "Afficher les chiffres" }}
            </button>
        </form>
    }
}

fn options(list: Vec<(String, String)>, chosen: String) -> impl IntoView {
    list.into_iter()
        .map(|(code, name)| {
            let selected = code == chosen;
            view! { <option value=code selected=selected>{name}</option> }
        })
        .collect_view()
}
