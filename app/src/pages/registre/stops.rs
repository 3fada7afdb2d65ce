//! « Arrêts » : the tours of itinerant places (issue #16) — the connected bus, rotating
//! permanences, market stands — edited here and published as a new registry version, which
//! every phone pulls with the rest. The server checks the rows with the same rule as the stops
//! file of `publish-registry --stops` (`repere_core::tour`); its refusals are shown next to
//! the stop and field they name, nothing published.

use leptos::prelude::*;
use serde_json::{Value, json};

use super::{Answer, failed, load, text};
use crate::coordination::{Coordination, refused};
use crate::gazetteer::Gazetteer;
use repere_core::territory::MatchKind;

/// One stop as typed: what the form holds until it is published.
#[derive(Clone, Default, PartialEq)]
struct Row {
    /// Published already: its id never changes (the figures count per stop id).
    published: bool,
    id: String,
    nom: String,
    /// The commune as typed (a name; the code INSEE is found in the gazetteer when sending).
    commune: String,
    latitude: String,
    longitude: String,
    horaires: String,
}

#[component]
pub fn StopsPage() -> impl IntoView {
    let c = expect_context::<Coordination>();
    let answer = RwSignal::new(Answer::Waiting);
    load(c, "/api/v1/stops".into(), answer);
    // Kept across the reading again that follows a publication: the place edited, what happened.
    let page = Page { chosen: RwSignal::new(None), status: RwSignal::new(None), reload: move || load(c, "/api/v1/stops".into(), answer) };
    let download = RwSignal::new(None::<String>);
    let csv = move |_| {
        leptos::task::spawn_local(async move {
            download.set(c.download("/api/v1/export/arrets.csv", "", "arrets.csv").await.err());
        });
    };
    view! {
        <h2>"Arrêts des lieux itinérants"</h2>
        <p class="hint">"Où et quand passent le bus connecté et les permanences itinérantes. Les habitants voient le prochain passage près de chez eux, même sans réseau."</p>
        <button type="button" class="secondary" on:click=csv>"Télécharger tous les arrêts (CSV)"</button>
        <p class="notice" role="status">{move || download.get()}</p>
        {move || match answer.get() {
            Answer::Waiting => view! { <p class="registry">"Chargement…"</p> }.into_any(),
            Answer::Failed(e) => view! { <p class="notice" role="alert">{failed("les arrêts", &e)}</p> }.into_any(),
            Answer::Came(v) => view! { <Tours answer=v page /> }.into_any(),
        }}
    }
}

/// What the page keeps while the tours are read again.
#[derive(Clone, Copy)]
struct Page<F: Fn() + Copy + Send + Sync + 'static> {
    chosen: RwSignal<Option<String>>,
    status: RwSignal<Option<String>>,
    reload: F,
}

#[component]
fn Tours<F: Fn() + Copy + Send + Sync + 'static>(answer: Value, page: Page<F>) -> impl IntoView {
    let places = answer["places"].as_array().cloned().unwrap_or_default();
    if places.is_empty() {
        return view! { <p>"Aucun lieu itinérant : indiquez « Itinérant » dans la fiche d’un lieu pour lui donner des arrêts."</p> }
            .into_any();
    }
    let first = text(&places[0], "id").to_owned();
    let chosen = move || page.chosen.get().unwrap_or_else(|| first.clone());
    let options = places
        .iter()
        .map(|p| {
            let id = text(p, "id").to_owned();
            let selected = page.chosen.get_untracked().as_deref() == Some(id.as_str());
            view! { <option value=id selected=selected>{format!("{} ({})", text(p, "nom"), text(p, "commune"))}</option> }
        })
        .collect_view();
    let version = answer["version"].as_u64().unwrap_or(0);
    view! {
        <label for="arrets-lieu">"Lieu"</label>
        <select id="arrets-lieu" on:change=move |ev| page.chosen.set(Some(event_target_value(&ev)))>{options}</select>
        {move || {
            let place = chosen();
            let rows: Vec<Row> = answer["stops"]
                .as_array()
                .into_iter()
                .flatten()
                .filter(|s| text(s, "lieu") == place)
                .map(|s| Row {
                    published: true,
                    id: text(s, "id").to_owned(),
                    nom: text(s, "nom").to_owned(),
                    commune: text(s, "commune").to_owned(),
                    latitude: coordinate(s, "latitude"),
                    longitude: coordinate(s, "longitude"),
                    horaires: text(s, "horaires").to_owned(),
                })
                .collect();
            view! { <Tour place rows version page /> }
        }}
    }
    .into_any()
}

/// A stop's coordinate as typed, empty when it is only its commune's centre.
fn coordinate(stop: &Value, key: &str) -> String {
    if stop["approximate"] == true { String::new() } else { stop[key].as_f64().map(|v| v.to_string()).unwrap_or_default() }
}

#[component]
fn Tour<F: Fn() + Copy + Send + Sync + 'static>(place: String, rows: Vec<Row>, version: u64, page: Page<F>) -> impl IntoView {
    let c = expect_context::<Coordination>();
    let gazetteer = expect_context::<Gazetteer>();
    let rows = RwSignal::new(rows);
    // The server's problems: (row from 1, field) → reason; row 0 for the whole tour.
    let problems = RwSignal::new(Vec::<(usize, String, String)>::new());
    let status = page.status;
    let place_for_send = place.clone();
    let place_for_ids = place.clone();
    let publish = move |_| {
        let mut missing = vec![];
        let values: Vec<Value> = rows
            .get_untracked()
            .iter()
            .enumerate()
            .map(|(i, r)| {
                let code = commune_code(gazetteer, &r.commune).unwrap_or_default();
                if code.is_empty() && !r.commune.trim().is_empty() {
                    let reason =
                        format!("commune « {} » introuvable dans la Vienne : écrivez son nom exact ou son code INSEE", r.commune.trim());
                    missing.push((i + 1, "code_insee".to_owned(), reason));
                }
                json!([r.id, place_for_send, r.nom, code, r.latitude, r.longitude, r.horaires])
            })
            .collect();
        if !missing.is_empty() {
            problems.set(missing);
            return status.set(Some("Rien n’est publié : corrigez les arrêts signalés.".into()));
        }
        let body = json!({"lieu": place_for_send, "version": version, "stops": values}).to_string();
        status.set(Some("Publication…".into()));
        leptos::task::spawn_local(async move {
            match c.replace("/api/v1/stops", &body).await {
                Ok(v) if v["changed"] == false => {
                    problems.set(vec![]);
                    status.set(Some("Rien n’a changé : la tournée publiée est déjà celle-ci.".into()));
                }
                Err((409, _)) => status.set(Some(
                    "Rien n’est publié : le registre a changé entre-temps. Rechargez la page et refaites la modification.".into(),
                )),
                Ok(v) => {
                    problems.set(vec![]);
                    status.set(Some(format!(
                        "Publié : version {} du registre. Les téléphones la recevront à leur prochaine connexion.",
                        v["version"]
                    )));
                    // Read again: the new version, the stops as published (their ids now fixed).
                    (page.reload)();
                }
                Err((status_code, body)) => {
                    let answer: Value = serde_json::from_str(&body).unwrap_or_default();
                    let found: Vec<(usize, String, String)> = answer["error"]["details"]
                        .as_array()
                        .into_iter()
                        .flatten()
                        .map(|d| (d["row"].as_u64().unwrap_or(0) as usize, text(d, "field").to_owned(), text(d, "reason").to_owned()))
                        .collect();
                    let whole = if found.is_empty() { refused((status_code, body)) } else { "corrigez les arrêts signalés".to_owned() };
                    problems.set(found);
                    status.set(Some(format!("Rien n’est publié : {whole}.")));
                }
            }
        });
    };
    let add = move |_| rows.update(|r| r.push(Row::default()));
    view! {
        <p class="hint">"Horaires au format OpenStreetMap : « Tu[2] 09:00-12:00 » (2e mardi du mois), « We 14:00-17:00 » (chaque mercredi), « 2026 Dec 08 09:00-12:00 » (une date). Sans position, l’arrêt est placé au centre de la commune."</p>
        {move || problems.with(|p| p.iter().filter(|(row, _, _)| *row == 0).map(|(_, _, reason)| view! { <p class="notice" role="alert">{reason.clone()}</p> }).collect_view())}
        <ol class="stops">
            {move || (0..rows.with(Vec::len)).map(|i| view! { <li><StopForm i place=place_for_ids.clone() rows problems /></li> }).collect_view()}
        </ol>
        <p><button type="button" class="secondary" on:click=add>"Ajouter un arrêt"</button></p>
        <div class="publish">
            <p class="notice" role="status">{move || status.get()}</p>
            <button type="button" on:click=publish>{move || format!("Publier {}", super::plural(rows.with(Vec::len), "arrêt", "arrêts"))}</button>
        </div>
    }
}

#[component]
fn StopForm(i: usize, place: String, rows: RwSignal<Vec<Row>>, problems: RwSignal<Vec<(usize, String, String)>>) -> impl IntoView {
    let place = StoredValue::new(place);
    let get = move |f: fn(&Row) -> &String| move || rows.with(|r| r.get(i).map(|row| f(row).clone()).unwrap_or_default());
    let set = move |s: fn(&mut Row) -> &mut String, renames: bool| {
        move |ev: leptos::ev::Event| {
            let value = event_target_value(&ev);
            rows.update(|r| {
                let Some(row) = r.get_mut(i) else { return };
                *s(row) = value;
                // A stop not published yet takes its id from its name.
                if renames && !row.published {
                    row.id.clear();
                }
                place.with_value(|place| name_new(r, i, place));
            });
        }
    };
    let problem = move |field: &'static str| {
        move || {
            problems.with(|p| {
                p.iter()
                    .filter(|(row, f, _)| *row == i + 1 && (f == field || (field == "nom" && f.is_empty())))
                    .map(|(_, _, reason)| reason.clone())
                    .collect::<Vec<_>>()
                    .join(" ; ")
            })
        }
    };
    let field = move |key: &'static str, label: &'static str, f: fn(&Row) -> &String, s: fn(&mut Row) -> &mut String| {
        let id = format!("arret-{i}-{key}");
        // The field's problem is read with it by a screen reader, not only announced once.
        let why = format!("{id}-probleme");
        view! {
            <label for=id.clone()>{label}</label>
            <input id=id type="text" aria-describedby=why.clone() prop:value=get(f) on:change=set(s, key == "nom") />
            <p id=why class="problem" role="alert">{problem(key)}</p>
        }
    };
    let remove = move |_| {
        rows.update(|r| {
            r.remove(i);
        })
    };
    view! {
        <fieldset class="stop">
            <legend>{move || rows.with(|r| r.get(i).map(|row| if row.nom.is_empty() { format!("Arrêt {}", i + 1) } else { row.nom.clone() }).unwrap_or_default())}</legend>
            {field("nom", "Nom (ex. Marché de Lusignan)", |r| &r.nom, |r| &mut r.nom)}
            {field("code_insee", "Commune", |r| &r.commune, |r| &mut r.commune)}
            {field("horaires", "Horaires", |r| &r.horaires, |r| &mut r.horaires)}
            <details>
                <summary>"Position précise (facultatif)"</summary>
                {field("latitude", "Latitude (ex. 46.4369)", |r| &r.latitude, |r| &mut r.latitude)}
                {field("longitude", "Longitude (ex. 0.1214)", |r| &r.longitude, |r| &mut r.longitude)}
            </details>
            <p class="hint">{move || rows.with(|r| r.get(i).map(|row| format!("Identifiant : {}", row.id)).unwrap_or_default())}</p>
            <p class="problem" role="alert">{problem("id")}</p>
            <button type="button" class="secondary" on:click=remove>"Retirer cet arrêt"</button>
        </fieldset>
    }
}

/// The code INSEE of a commune typed by its exact name (case, accents, hyphens aside) or its
/// code: the search's near matches would put a stop in another commune without a word.
fn commune_code(gazetteer: Gazetteer, typed: &str) -> Option<String> {
    let typed = typed.trim();
    gazetteer
        .with(|t| {
            let exact = t.ranked(typed).into_iter().find(|(kind, _)| *kind == MatchKind::Exact).map(|(_, c)| c.code_insee.clone());
            exact.or_else(|| t.by_code(typed).map(|c| c.code_insee.clone()))
        })
        .flatten()
}

/// Gives row `i`, if new and named, the id `<place id>-<name folded>` (unique across the tours:
/// a stop id is never another place's stop's), with `-2`, `-3`… if another
/// row has it (the server refuses ids used twice; published ids never change, for the figures).
fn name_new(rows: &mut [Row], i: usize, place: &str) {
    if !rows.get(i).is_some_and(|r| r.id.is_empty() && !r.nom.trim().is_empty()) {
        return;
    }
    let folded = crate::text::FOLDER.fold(&rows[i].nom);
    let slug: String = folded.split(|c: char| !c.is_ascii_alphanumeric()).filter(|w| !w.is_empty()).collect::<Vec<_>>().join("-");
    let base: String = format!("{place}-{slug}").chars().take(95).collect();
    let mut id = base.clone();
    let mut n = 1;
    while rows.iter().enumerate().any(|(j, r)| j != i && r.id == id) {
        n += 1;
        id = format!("{base}-{n}");
    }
    rows[i].id = id;
}
