//! « Où l’aide manque » : for the places a coordinator chooses (all, one need, one programme, open
//! N hours a week) and a threshold (10 minutes, the roadmap's promise), the communes and people
//! beyond it per EPCI, the Vienne coloured by time to help, the planner of new stops, and the
//! downloads. Computed on the device by `repere-core::coverage` from the bundled communes, the
//! registry the device holds and the travel-time table last received — offline too; the server's
//! files are computed by the same code.

use std::sync::Arc;

use leptos::prelude::*;
use repere_core::coverage::{
    Access, BANDS, Commune, Coverage, DETOUR, EPCI_COLUMNS, Help, Minutes, Names, REGULAR_RULE, SPEED_KMH, Selection, THRESHOLD_MINUTES,
    TravelTable, band_label, epci_rows,
};
use repere_core::export::Cell;
use repere_core::label::Label;
use repere_core::needs::Need;
use repere_core::registry::Dispositif;
use repere_core::stats::thousands;
use repere_core::territory::Territory;
use repere_protocol::coverage::TravelTimesDto;

use super::exports::Exports;
use super::gaps::GapsMap;
use super::planner::{Closing, Plan, PlanView};
use crate::coordination::Coordination;
use crate::gazetteer::Gazetteer;
use crate::registry::Registry;

/// Everything the page shows, computed once per selection (a few milliseconds for the Vienne).
#[derive(Clone, PartialEq)]
pub struct Computed {
    pub communes: Arc<Vec<Commune>>,
    /// Names of the communes (same order) and of the EPCI (by SIREN).
    pub commune_names: Arc<Vec<String>>,
    pub epci_names: Arc<Vec<(String, String)>>,
    /// The places retained, then the tour's stops that count (`Selection::tour`): `places[..fixed]`
    /// are places, the rest stops.
    pub places: Arc<Vec<Help>>,
    pub fixed: usize,
    pub place_names: Arc<Vec<String>>,
    pub rows: Arc<Vec<Minutes>>,
    pub access: Vec<Access>,
    pub threshold: f64,
}

impl Computed {
    /// The coverage these figures come from, rebuilt (cheap) for the planner and closings.
    pub fn coverage(&self) -> Coverage<'_> {
        Coverage::new(&self.communes, &self.places, TravelTable::new(&self.rows, &self.communes, &self.places))
    }

    pub fn epci_name(&self, siren: &str) -> String {
        self.epci_names.iter().find(|(s, _)| s == siren).map_or_else(|| siren.to_owned(), |(_, n)| n.clone())
    }
}

impl Names for Computed {
    fn commune(&self, code: &str) -> String {
        let at = self.communes.iter().position(|c| c.code_insee == code);
        at.map_or_else(|| code.to_owned(), |i| self.commune_names[i].clone())
    }
    fn epci(&self, siren: &str) -> String {
        self.epci_name(siren)
    }
    fn place(&self, id: &str) -> String {
        let at = self.places.iter().position(|p| p.id == id);
        at.map_or_else(|| id.to_owned(), |i| self.place_names[i].clone())
    }
}

/// The table last received from the server; none when nothing was imported, or the body kept
/// cannot be read (then the estimate stands in, and the page says how times are obtained).
fn received(body: Option<&str>) -> TravelTimesDto {
    body.and_then(|b| serde_json::from_str(b).ok()).unwrap_or_default()
}

fn compute(territory: &Territory, registry: &[repere_core::registry::Place], rows: Vec<Minutes>, selection: &Selection) -> Computed {
    let communes: Vec<Commune> = territory.communes().iter().map(Commune::from).collect();
    let commune_names = territory.communes().iter().map(|c| c.nom.clone()).collect();
    let mut epci_names: Vec<(String, String)> = territory.communes().iter().map(|c| (c.epci_siren.clone(), c.epci_nom.clone())).collect();
    epci_names.sort();
    epci_names.dedup();
    let today = crate::clock::now().date();
    let kept: Vec<&repere_core::registry::Place> =
        registry.iter().filter(|p| p.position.is_some() && selection.retains(p, today)).collect();
    let mut places: Vec<Help> = kept.iter().filter_map(|p| Help::of(p)).collect();
    let mut place_names: Vec<String> = kept.iter().map(|p| format!("{} ({})", p.nom, p.commune)).collect();
    let fixed = places.len();
    let tour = selection.tour(registry, today);
    places.extend(tour.iter().map(|s| Help::of_stop(s)));
    place_names.extend(tour.iter().map(|s| format!("{} ({})", s.nom, s.commune)));
    let mut computed = Computed {
        communes: Arc::new(communes),
        commune_names: Arc::new(commune_names),
        epci_names: Arc::new(epci_names),
        places: Arc::new(places),
        fixed,
        place_names: Arc::new(place_names),
        rows: Arc::new(rows),
        access: Vec::new(),
        threshold: f64::from(selection.threshold),
    };
    computed.access = computed.coverage().access();
    computed
}

#[component]
pub fn CoveragePage() -> impl IntoView {
    let c = expect_context::<Coordination>();
    let gazetteer = expect_context::<Gazetteer>();
    let registry = expect_context::<Registry>();
    let times_problem = RwSignal::new(None::<String>);
    leptos::task::spawn_local(async move {
        if let Err(e) = c.refresh_times().await {
            times_problem.set(Some(e));
        }
    });
    let selection = RwSignal::new(Selection::default());
    // `None` while the communes and places load; why not, if one cannot be read.
    let computed = Memo::new(move |_| {
        if let Err(e) = gazetteer.ready()? {
            return Some(Err(format!("les communes n’ont pas pu être lues ({e})")));
        }
        if let Err(e) = registry.status()? {
            return Some(Err(format!("les lieux n’ont pas pu être lus ({e})")));
        }
        let finder = registry.finder()?;
        let rows = c.times.with(|t| received(t.as_deref())).minutes();
        gazetteer.with(|t| selection.with(|s| Ok(compute(t, finder.places(), rows, s))))
    });
    let plan = RwSignal::new(None::<Plan>);
    // A new selection makes the plan on screen stale.
    Effect::new(move |_| {
        selection.track();
        plan.set(None);
    });
    let query = Signal::derive(move || selection.with(query_of));
    view! {
        <h2 id="couverture-titre">"Où l’aide manque"</h2>
        <p class="hint">{move || method(&c.times.with(|t| received(t.as_deref())), times_problem.get())}</p>
        <details class="filter-fold">
            <summary>"Changer le seuil ou les lieux comptés"</summary>
            <SelectionForm selection />
        </details>
        // The table serves the whole département: only its coordinators send one.
        {move || c.account.with(|a| a.as_ref().is_some_and(|a| a.epci.is_empty())).then(|| view! { <super::times::TimesUpload /> })}
        {move || match computed.get() {
            None => view! { <p class="registry">"Calcul…"</p> }.into_any(),
            Some(Err(e)) => view! { <p class="notice">{format!("Calcul impossible : {e}.")}</p> }.into_any(),
            Some(Ok(computed)) => view! { <Figures computed plan query /> }.into_any(),
        }}
    }
}

/// How times are obtained, said once at the top.
fn method(table: &TravelTimesDto, problem: Option<String>) -> String {
    let estimate = format!("distance à vol d’oiseau × {} à {SPEED_KMH} km/h", DETOUR.to_string().replace('.', ","));
    let how = if !table.rows.is_empty() {
        // RFC 3339 UTC on the wire; the day as people in the Vienne read it.
        let utc = table.imported_at.as_deref().and_then(|t| t.get(0..19)).and_then(repere_protocol::local_time);
        let day = utc.map(|t| format!(" le {}", repere_core::date::french_date(repere_core::date::paris_time(t).date())));
        format!(
            "Temps en voiture : ceux du tableau importé par le Département{} ({} temps), sinon estimés ({estimate}).",
            day.unwrap_or_default(),
            thousands(table.rows.len() as u64)
        )
    } else {
        format!("Temps en voiture estimés : {estimate}.")
    };
    match problem {
        Some(p) => format!("{how} Tableau des temps non mis à jour : {}.", p.trim_end_matches('.')),
        None => how,
    }
}

/// « 1 commune », « 0 habitant », « 21 881 habitants » (French: singular below 2).
pub fn plural(n: u64, word: &str) -> String {
    if n > 1 { format!("{} {word}s", thousands(n)) } else { format!("{n} {word}") }
}

fn query_of(selection: &Selection) -> String {
    selection.to_pairs().iter().map(|(k, v)| format!("{k}={}", String::from(js_sys::encode_uri_component(v)))).collect::<Vec<_>>().join("&")
}

#[component]
fn Figures(computed: Computed, plan: RwSignal<Option<Plan>>, query: Signal<String>) -> impl IntoView {
    let coverage = computed.coverage();
    let threshold = computed.threshold;
    let gap = coverage.beyond(&computed.access, threshold);
    let total: u64 = computed.communes.iter().map(|c| u64::from(c.population)).sum();
    let epci = epci_rows(&coverage, &computed.access, threshold, &computed);
    drop(coverage);
    let minutes = format!("{threshold} min");
    let headline = format!(
        "{} et {} sont à plus de {minutes} d’un lieu d’aide ({} % des habitants).",
        plural(gap.communes as u64, "commune"),
        plural(gap.population, "habitant"),
        (gap.population * 100).checked_div(total).unwrap_or(0)
    );
    let stops = computed.places.len() - computed.fixed;
    let counted = format!(
        "Comptés : {} et {}. {REGULAR_RULE}",
        if computed.fixed > 1 { format!("{} lieux", thousands(computed.fixed as u64)) } else { format!("{} lieu", computed.fixed) },
        if stops > 1 { format!("{stops} arrêts du bus") } else { format!("{stops} arrêt du bus") }
    );
    let shown = RwSignal::new(PlanView::Today);
    view! {
        <p class="headline" role="status">{headline}</p>
        <p class="hint">{counted}</p>
        <Exports query files=FILES hint="Le tableau des communes et des EPCI, pour ce seuil et ces lieux. Il faut du réseau." />
        <GapsMap computed=computed.clone() plan shown />
        <super::planner::Planner computed=computed.clone() plan shown />
        <Closing computed=computed.clone() />
        <EpciTable rows=epci />
        <BeyondTable computed />
        <details class="data">
            <summary>"Comment lire ces chiffres"</summary>
            <ul class="legend-words">
                {(1..=BANDS).map(|b| view! { <li>{format!("Teinte {b} : {}", band_label(b, threshold))}</li> }).collect_view()}
                <li>"Le temps va du centre de la commune au lieu le plus proche. Une commune entière compte d’un bloc."</li>
                <li>"Un arrêt du bus est mesuré à vol d’oiseau : le tableau des temps ne connaît que les lieux."</li>
                <li>"L’indice de rupture face au numérique vient de la feuille de route départementale (Vienne : 12)."</li>
            </ul>
        </details>
    }
}

/// The coverage downloads (the server computes them with the same code).
const FILES: [(&str, &str, &str); 2] = [
    ("/api/v1/export/couverture.xlsx", "Couverture (tableur XLSX)", "repere_couverture.xlsx"),
    ("/api/v1/export/couverture.csv", "Couverture des communes (CSV)", "repere_couverture.csv"),
];

/// Communes and people beyond the threshold per EPCI, with the roadmap's weight.
#[component]
fn EpciTable(rows: Vec<Vec<Cell>>) -> impl IntoView {
    // EPCI (with its index), communes and people beyond: the files' columns, with headings
    // short enough for a phone; the rows come in the order of the weighted people, which the
    // files give.
    const SHOWN_COLUMNS: [(usize, &str); 3] = [(0, "EPCI"), (5, "Communes"), (6, "Habitants")];
    let text = |cell: &Cell| match cell {
        Cell::Number(n) => thousands(*n),
        other => other.to_text().into_owned(),
    };
    view! {
        <section class="breakdown">
            <h3 id="epci-couverture">"Au-delà du seuil, par EPCI"</h3>
            <div class="scroll" tabindex="0" role="region" aria-labelledby="epci-couverture">
                <table class="figures" aria-labelledby="epci-couverture">
                    <thead>
                        <tr>
                            {SHOWN_COLUMNS
                                .iter()
                                .map(|&(i, heading)| view! { <th scope="col" class=(i > 0).then_some("n") title=EPCI_COLUMNS[i]>{heading}</th> })
                                .collect_view()}
                        </tr>
                    </thead>
                    <tbody>
                        {rows
                            .into_iter()
                            .map(|row| {
                                view! {
                                    <tr>
                                        <th scope="row">{format!("{} ({})", text(&row[0]), text(&row[2]))}</th>
                                        {SHOWN_COLUMNS[1..].iter().map(|&(i, _)| view! { <td class="n">{text(&row[i])}</td> }).collect_view()}
                                    </tr>
                                }
                            })
                            .collect_view()}
                    </tbody>
                </table>
            </div>
            <p class="hint">"Communes et habitants au-delà du seuil. Entre parenthèses : l’indice de rupture face au numérique de l’EPCI (feuille de route départementale). Les EPCI viennent dans l’ordre des habitants au-delà multipliés par l’indice (colonne « Population au-delà × indice » des fichiers)."</p>
        </section>
    }
}

/// The communes beyond the threshold, farthest first.
#[component]
fn BeyondTable(computed: Computed) -> impl IntoView {
    let mut beyond: Vec<usize> = (0..computed.communes.len()).filter(|&i| computed.access[i].minutes > computed.threshold).collect();
    beyond.sort_by(|&a, &b| computed.access[b].minutes.total_cmp(&computed.access[a].minutes));
    let count = beyond.len();
    let rows = beyond
        .into_iter()
        .map(|i| {
            let (commune, access) = (&computed.communes[i], computed.access[i]);
            let place = access.place.map_or_else(|| "aucun lieu".to_owned(), |p| computed.place_names[p as usize].clone());
            let minutes = if access.minutes.is_finite() { format!("{:.0}", access.minutes) } else { "—".to_owned() };
            view! {
                <tr>
                    <th scope="row">{computed.commune_names[i].clone()}</th>
                    <td class="n">{thousands(commune.population.into())}</td>
                    <td class="n">{minutes}</td>
                    <td>{place}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <details class="data">
            <summary>{format!("Les {count} communes au-delà du seuil")}</summary>
            <div class="scroll" tabindex="0" role="region" aria-label="Communes au-delà du seuil">
                <table class="figures">
                    <thead>
                        <tr>
                            <th scope="col">"Commune"</th>
                            <th scope="col" class="n">"Habitants"</th>
                            <th scope="col" class="n">"Minutes"</th>
                            <th scope="col">"Lieu le plus proche"</th>
                        </tr>
                    </thead>
                    <tbody>{rows}</tbody>
                </table>
            </div>
        </details>
    }
}

/// The threshold and which places count. Each change recomputes at once (milliseconds).
#[component]
fn SelectionForm(selection: RwSignal<Selection>) -> impl IntoView {
    let number = |value: String, range: std::ops::RangeInclusive<u32>| value.trim().parse::<u32>().ok().filter(|n| range.contains(n));
    let need_options = Need::ALL.map(|n| (n.code(), (repere_core::i18n::FR.need)(n)));
    view! {
        <form class="filter" on:submit=|ev| ev.prevent_default()>
            <div class="field">
                <label for="seuil">"Seuil, en minutes de trajet"</label>
                <input id="seuil" type="number" inputmode="numeric" min="1" max="120"
                    prop:value=move || selection.with(|s| s.threshold.to_string())
                    on:change=move |ev| {
                        let minutes = number(event_target_value(&ev), 1..=120).unwrap_or(THRESHOLD_MINUTES as u32);
                        selection.update(|s| s.threshold = minutes);
                    } />
            </div>
            <div class="field">
                <label for="besoin">"Lieux qui aident pour"</label>
                <select id="besoin" on:change=move |ev| {
                    let need = Need::from_code(&event_target_value(&ev));
                    selection.update(|s| s.need = need);
                }>
                    <option value="">"Tous les besoins"</option>
                    {need_options.into_iter().map(|(code, label)| view! { <option value=code>{label}</option> }).collect_view()}
                </select>
            </div>
            <div class="field">
                <label for="dispositif">"Dispositif"</label>
                <select id="dispositif" on:change=move |ev| {
                    let d = Dispositif::from_label(&event_target_value(&ev));
                    selection.update(|s| s.dispositif = d);
                }>
                    <option value="">"Tous les lieux"</option>
                    {Dispositif::ALL.iter().map(|d| view! { <option value=d.label()>{d.label()}</option> }).collect_view()}
                </select>
            </div>
            <div class="field">
                <label for="heures">"Ouverts au moins (heures par semaine)"</label>
                <input id="heures" type="number" inputmode="numeric" min="1" max="168" placeholder="sans minimum"
                    on:change=move |ev| {
                        let hours = number(event_target_value(&ev), 1..=168);
                        selection.update(|s| s.min_hours = hours);
                    } />
            </div>
        </form>
    }
}
