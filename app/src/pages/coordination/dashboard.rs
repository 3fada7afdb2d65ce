//! The figures of the period and territory asked: La Coop's five totals and the downloads, the
//! month series, the themes as bars, the Vienne coloured by EPCI and by commune, then every
//! breakdown as a table. Whatever was last received is shown — offline too — with its date when it
//! is not fresh (« Données du 30/11/2026 à 14:05 »).

use std::collections::BTreeMap;

use leptos::prelude::*;
use repere_core::stats::{Breakdown, Count, Figures, Section, thousands};
use repere_protocol::stats::FiguresDto;

use super::charts::{DataTable, Picture, Row, bars, columns};
use super::choropleth::{Choropleth, Level};
use super::exports::{Exports, FIGURES_FILES};
use super::filter::{Asked, FilterForm};
use crate::coordination::{Coordination, Received};

/// Breakdowns drawn as pictures above; the others are tables below.
const PICTURED: [Breakdown; 4] = [Breakdown::Mois, Breakdown::Thematiques, Breakdown::Epci, Breakdown::Communes];

/// What a body from the server says, read for the screen.
#[derive(Clone, PartialEq)]
struct Shown {
    figures: Figures,
    names: BTreeMap<String, String>,
    scope: String,
    /// The filter the server answered, as a query string.
    filter: String,
}

fn read(received: &Received) -> Result<Shown, String> {
    let dto: FiguresDto = serde_json::from_str(&received.body).map_err(|e| format!("réponse illisible : {e}"))?;
    let figures = dto.figures().map_err(|e| format!("réponse illisible : {e}"))?;
    Ok(Shown { figures, names: dto.names, scope: dto.scope, filter: dto.filter })
}

/// A section's rows as the charts and tables show them.
fn rows(section: &Section, names: &BTreeMap<String, String>) -> Vec<Row> {
    section
        .rows
        .iter()
        .map(|r| Row {
            key: r.code.clone(),
            label: section.label(&r.code, names).into_owned(),
            count: r.count.to_string(),
            share: r.percent.map(|p| format!("{p} %")).unwrap_or_default(),
            value: match r.count {
                Count::Exact(n) => Some(u32::try_from(n).unwrap_or(u32::MAX)),
                Count::FewerThan5 | Count::Masked => None,
            },
        })
        .collect()
}

#[component]
pub fn Dashboard() -> impl IntoView {
    let c = expect_context::<Coordination>();
    let kept = c.figures.get_untracked();
    let asked = RwSignal::new(kept.as_ref().map_or_else(|| Asked::this_year(crate::clock::now().date()), |r| Asked::from_query(&r.query)));
    // Fresh figures at each opening when there is network; what is kept meanwhile.
    let query = asked.get_untracked().query();
    leptos::task::spawn_local(async move { c.refresh(query).await });
    let shown = Memo::new(move |_| c.figures.with(|f| f.as_ref().map(read)));
    let choices = move |b: Breakdown| {
        Signal::derive(move || match shown.get() {
            Some(Ok(s)) => rows(s.figures.section(b), &s.names).into_iter().map(|r| (r.key, r.label)).collect(),
            _ => Vec::new(),
        })
    };
    let received_query = Signal::derive(move || c.figures.with(|f| f.as_ref().map(|r| r.query.clone()).unwrap_or_default()));
    let account = move || c.account.with(|a| a.as_ref().map(|a| a.structure.clone()).unwrap_or_default());
    let sign_out = move |_| {
        leptos::task::spawn_local(async move {
            let _ = c.sign_out().await;
        })
    };
    view! {
        <p>{move || format!("Compte : {}", account())}</p>
        <Freshness />
        // Folded once figures are on the phone, so that they (and their date, offline) come
        // first on a small screen; open when there is nothing to read yet.
        <details class="filter-fold" prop:open=move || c.figures.with(Option::is_none)>
            <summary>"Changer la période ou le territoire"</summary>
            <FilterForm asked structures=choices(Breakdown::Structures) lieux=choices(Breakdown::Lieux) />
        </details>
        {move || match shown.get() {
            None => (!c.loading.get()).then(|| view! { <p class="hint">"Aucun chiffre sur cet appareil pour l’instant : il faut du réseau la première fois."</p> }).into_any(),
            Some(Err(e)) => view! { <p class="notice">{e}</p> }.into_any(),
            Some(Ok(s)) => view! { <FiguresView shown=s query=received_query /> }.into_any(),
        }}
        <p><button type="button" class="link" on:click=sign_out>"Désinscrire cet appareil"</button></p>
    }
}

/// When the figures on screen were received, and why they are not newer, once something failed.
#[component]
fn Freshness() -> impl IntoView {
    let c = expect_context::<Coordination>();
    view! {
        <p class="notice" role="status">
            {move || c.problem.get().map(|p| format!("Chiffres non mis à jour ({p})."))}
        </p>
        <p class="hint dated">{move || c.figures.with(|f| f.as_ref().map(Received::dated))}</p>
    }
}

#[component]
/// The downloads follow the totals, within the first two screens of a phone, not after the
/// ten tables.
fn FiguresView(shown: Shown, query: Signal<String>) -> impl IntoView {
    let Shown { figures, names, scope, filter } = shown;
    let section = |b: Breakdown| rows(figures.section(b), &names);
    let t = figures.totals;
    let totals = t.headline();
    let months = section(Breakdown::Mois);
    // Under the columns, "03/26": the table below says "mars 2026".
    let short: Vec<Row> = months.iter().map(|r| Row { label: month_short(&r.key), ..r.clone() }).collect();
    let themes = section(Breakdown::Thematiques);
    let tables = Breakdown::ALL
        .into_iter()
        .filter(|b| !PICTURED.contains(b))
        .map(|b| {
            let rows = section(b);
            let empty = rows.is_empty();
            view! {
                            <section class="breakdown">
                                <h3>{b.title()}</h3>
                                {if empty {
                                    view! { <p class="hint">"Aucun pour cette période."</p> }.into_any()
                                } else {
            view! {
                                        <p class="hint">{format!("En {}.", b.unit().label())}</p>
                                        <DataTable rows first="Catégorie" caption=b.title().to_owned() fold=true />
                                    }
                                    .into_any()
                                }}
                            </section>
                        }
        })
        .collect_view();
    view! {
        <section aria-labelledby="chiffres-titre">
            <h2 id="chiffres-titre">"Chiffres"</h2>
            <p class="hint">{format!("Territoire : {scope}. {}", period(&Asked::from_query(&filter)))}</p>
            <dl class="totals">
                {totals.into_iter().map(|(label, n)| view! { <div><dt>{label}</dt><dd>{thousands(n)}</dd></div> }).collect_view()}
            </dl>
            <Exports query files=FIGURES_FILES hint="Pour la période et le territoire des chiffres affichés. Il faut du réseau." />
            <Picture title=Breakdown::Mois.title().to_owned() id="graphique-mois" svg=columns(&short) rows=months first="Mois" />
            <Picture title=Breakdown::Thematiques.title().to_owned() id="graphique-thematiques" svg=bars(&themes) rows=themes first="Thématique" />
            <Choropleth title=Breakdown::Epci.title().to_owned() id="carte-epci" level=Level::Epci rows=section(Breakdown::Epci) />
            <Choropleth title=Breakdown::Communes.title().to_owned() id="carte-communes" level=Level::Commune rows=section(Breakdown::Communes) />
            {tables}
        </section>
    }
}

/// « Période : du 01/01/2026 au 30/11/2026. » (said on screen and on paper, where the form is not).
fn period(asked: &Asked) -> String {
    let day = |iso: &str| match (iso.get(0..4), iso.get(5..7), iso.get(8..10)) {
        (Some(y), Some(m), Some(d)) => format!("{d}/{m}/{y}"),
        _ => iso.to_owned(),
    };
    match (asked.du.as_str(), asked.au.as_str()) {
        ("", "") => "Toute la période.".to_owned(),
        (du, "") => format!("Période : depuis le {}.", day(du)),
        ("", au) => format!("Période : jusqu’au {}.", day(au)),
        (du, au) => format!("Période : du {} au {}.", day(du), day(au)),
    }
}

/// "2026-03" → "03/26".
fn month_short(code: &str) -> String {
    match (code.get(2..4), code.get(5..7)) {
        (Some(year), Some(month)) => format!("{month}/{year}"),
        _ => code.to_owned(),
    }
}
