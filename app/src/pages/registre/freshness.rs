//! « Registre » : how true the registry the device holds still is (fiche 1-C) — reliability
//! against its 95 % target, autonomy against 50 %, places per freshness grade (all and per EPCI),
//! the mean completeness score, the places to update first with their phone, and the likely
//! duplicates. Computed on the device by `repere_core::quality` and `repere_core::duplicates`
//! from the registry and the bundled communes, offline too.

use leptos::prelude::*;
use repere_core::date::french_date;
use repere_core::duplicates::{Reason, Suspect, suspects};
use repere_core::phone::PhoneNumber;
use repere_core::quality::{AUTONOMY_TARGET, Criterion, Freshness, RELIABILITY_TARGET, Review, Reviewed, Share, Update, autonomy};
use repere_core::registry::Place;
use repere_core::territory::Territory;
use repere_protocol::registry::UpdatesDto;

use crate::coordination::Coordination;
use crate::gazetteer::Gazetteer;
use crate::pages::coordination::charts::{DataTable, Row, SHOWN, escape};
use crate::registry::Registry;

/// The page's figures, computed once from the places (a millisecond for the Vienne).
#[derive(Clone, PartialEq)]
struct Computed {
    total: usize,
    reliability: Share,
    autonomy: Share,
    counts: [usize; 4],
    /// EPCI name, places, reliable places; EPCI in name order.
    by_epci: Vec<(String, usize, usize)>,
    mean_percent: Option<u32>,
    /// What is missing, with the number of places it is missing from; most frequent first.
    missing: Vec<(Criterion, usize)>,
    due: Vec<Due>,
    /// Likely duplicates (two signals or more): both places, and why.
    duplicates: Vec<(String, String, String)>,
    /// Pairs with one signal only.
    possible: usize,
}

/// A place to update: its name, commune, grade, date, what is missing, phone.
#[derive(Clone, PartialEq)]
struct Due {
    id: String,
    name: String,
    freshness: Freshness,
    checked: String,
    missing: String,
    phone: Option<PhoneNumber>,
}

fn compute(places: &[Place], territory: &Territory, updates: &[Update]) -> Computed {
    let today = crate::clock::now().date();
    let review = Review::new(places, today, |_| None);
    let epci = |p: &Place| {
        p.code_insee.as_deref().and_then(|c| territory.by_code(c)).map_or_else(|| "Hors Vienne".to_owned(), |c| c.epci_nom.clone())
    };
    let by_epci = review.counts_by(epci).into_iter().map(|(name, counts)| (name, counts.iter().sum(), counts[0] + counts[1])).collect();
    let mut missing: Vec<(Criterion, usize)> = Vec::new();
    for r in &review.places {
        for c in r.quality.missing() {
            match missing.iter_mut().find(|(m, _)| *m == c) {
                Some((_, n)) => *n += 1,
                None => missing.push((c, 1)),
            }
        }
    }
    missing.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    let suspects = suspects(places, &crate::text::FOLDER, &Default::default());
    let likely: Vec<&Suspect> = suspects.iter().filter(|s| s.likely()).collect();
    Computed {
        total: places.len(),
        reliability: review.reliability(),
        autonomy: autonomy(updates, today),
        counts: review.counts(),
        by_epci,
        mean_percent: review.mean_score().map(|m| (m * 100.0).round() as u32),
        missing,
        due: review.to_update().into_iter().map(due).collect(),
        duplicates: likely.iter().map(|s| (named(&places[s.a]), named(&places[s.b]), reasons(&s.reasons))).collect(),
        possible: suspects.len() - likely.len(),
    }
}

fn named(p: &Place) -> String {
    format!("{} ({})", p.nom, p.commune)
}

fn reasons(reasons: &[Reason]) -> String {
    reasons.iter().map(|r| r.label()).collect::<Vec<_>>().join(", ")
}

fn due(r: &Reviewed) -> Due {
    Due {
        id: r.place.id.clone(),
        name: format!("{} ({})", r.place.nom, r.place.commune),
        freshness: r.freshness,
        checked: french_date(r.checked),
        missing: r.quality.missing().filter(|c| *c != Criterion::RecentUpdate).map(Criterion::missing).collect::<Vec<_>>().join(", "),
        phone: r.place.telephone.as_deref().and_then(|t| t.parse().ok()),
    }
}

fn percent(share: Share) -> String {
    share.percent().map_or_else(|| "—".to_owned(), |p| format!("{p} %"))
}

#[component]
pub fn RegistryPage() -> impl IntoView {
    let gazetteer = expect_context::<Gazetteer>();
    let registry = expect_context::<Registry>();
    let c = expect_context::<Coordination>();
    let problem = RwSignal::new(None::<String>);
    leptos::task::spawn_local(async move { problem.set(c.refresh_updates().await.err()) });
    let computed = Memo::new(move |_| {
        gazetteer.ready()?.ok()?;
        registry.status()?.ok()?;
        let finder = registry.finder()?;
        let answer: serde_json::Value = c.updates.with(|u| u.as_deref().and_then(|b| serde_json::from_str(b).ok())).unwrap_or_default();
        gazetteer.with(|t| compute(finder.places(), t, &UpdatesDto::for_autonomy(&answer)))
    });
    view! {
        <h2>"Fraîcheur du registre"</h2>
        <p class="hint">"Calculé sur cet appareil, avec les lieux qu’il a reçus, à la date du jour."</p>
        <p class="notice" role="status">{move || problem.get().map(|p| format!("Mises à jour non relues ({}).", p.trim_end_matches('.')))}</p>
        {move || match computed.get() {
            None => view! { <p class="registry">"Calcul…"</p> }.into_any(),
            Some(c) => view! { <Figures c /> }.into_any(),
        }}
    }
}

#[component]
fn Figures(c: Computed) -> impl IntoView {
    let target = |t: f64| format!("{} %", (t * 100.0).round());
    let reliable = format!(
        "Fiabilité : {} des {} lieux sont « À jour » ou « À surveiller » (objectif : {} ou plus).",
        percent(c.reliability),
        c.total,
        target(RELIABILITY_TARGET)
    );
    let autonomy = match c.autonomy.percent() {
        Some(p) => format!(
            "Mises à jour faites par les lieux eux-mêmes : {p} % sur 12 mois, {} sur {} (objectif : {}).",
            c.autonomy.part,
            c.autonomy.total,
            target(AUTONOMY_TARGET)
        ),
        None => format!(
            "Mises à jour faites par les lieux eux-mêmes : pas encore mesuré, aucune mise à jour depuis 12 mois (objectif : {}).",
            target(AUTONOMY_TARGET)
        ),
    };
    let grades: Vec<Row> = Freshness::ALL
        .iter()
        .zip(c.counts)
        .map(|(f, n)| Row {
            key: f.label().to_owned(),
            label: format!("{} ({})", f.label(), f.ages()),
            count: n.to_string(),
            share: percent(Share { part: n, total: c.total }),
            value: None,
        })
        .collect();
    let missing: Vec<Row> = c
        .missing
        .iter()
        .map(|&(m, n)| Row {
            key: format!("{m:?}"),
            label: m.missing().to_owned(),
            count: n.to_string(),
            share: percent(Share { part: n, total: c.total }),
            value: None,
        })
        .collect();
    let epci: Vec<Row> = c
        .by_epci
        .iter()
        .map(|(name, total, reliable)| Row {
            key: name.clone(),
            label: name.clone(),
            count: total.to_string(),
            share: percent(Share { part: *reliable, total: *total }),
            value: None,
        })
        .collect();
    let score = c.mean_percent.map_or_else(|| "—".to_owned(), |m| format!("{m} / 100"));
    view! {
        <p class="headline" id="fiabilite" data-percent=c.reliability.percent().map(|p| p.to_string())>{reliable}</p>
        <p id="autonomie">{autonomy}</p>
        <p class="hint">"Un lieu met sa fiche à jour avec son lien personnel (commande place-link) ; le Département, en publiant le registre."</p>
        <section class="breakdown">
            <h3 id="fraicheur">"Lieux par fraîcheur"</h3>
            <DataTable rows=grades first="Fraîcheur" caption="Lieux par fraîcheur".to_owned() counted="Lieux".to_owned() />
        </section>
        <section class="breakdown">
            <h3 id="fraicheur-epci">"Par EPCI"</h3>
            <DataTable rows=epci first="EPCI" caption="Lieux par EPCI".to_owned() counted="Lieux".to_owned() />
            <p class="hint">"% : part des lieux « À jour » ou « À surveiller »."</p>
        </section>
        <section class="breakdown">
            <h3>"Complétude des fiches"</h3>
            <p id="completude">{format!("Complétude moyenne : {score}, selon les critères de data·inclusion.")}</p>
            <DataTable rows=missing first="Ce qui manque" caption="Ce qui manque le plus".to_owned() counted="Lieux".to_owned() />
        </section>
        <DueList due=c.due />
        <Duplicates pairs=c.duplicates possible=c.possible />
        <details class="data">
            <summary>"Comment lire ces chiffres"</summary>
            <ul class="legend-words">
                <li>"La fraîcheur suit l’échelle de Mon Inclusion Numérique : la date de dernière mise à jour de la fiche, un mois comptant 30,44 jours."</li>
                <li>"La complétude suit le score de qualité de data·inclusion : adresse, modalités d’accès, publics, services, un moyen de contact, téléphone et courriel quand l’accès passe par eux, frais, description, mise à jour récente. Chaque critère compte autant."</li>
            </ul>
        </details>
    }
}

/// « À actualiser » then « À vérifier », oldest first; the first ten shown, the rest folded. Each
/// list is one markup string (141 items of a few lines: lighter in the bundle than a view each).
#[component]
fn DueList(due: Vec<Due>) -> impl IntoView {
    let count = due.len();
    let mut shown = due;
    let rest = if shown.len() > SHOWN + 2 { shown.split_off(SHOWN) } else { Vec::new() };
    let more = (!rest.is_empty()).then(|| {
        view! {
            <details class="rest">
                <summary>{format!("Voir les {} autres", rest.len())}</summary>
                <ol class="due" start=SHOWN + 1 inner_html=markup(&rest) />
            </details>
        }
    });
    view! {
        <section class="breakdown" on:click=super::place_link::on_click(expect_context::<Coordination>())>
            <h3 id="a-mettre-a-jour">{format!("À mettre à jour d’abord ({count} {})", if count > 1 { "lieux" } else { "lieu" })}</h3>
            {(count == 0).then(|| view! { <p>"Aucun lieu « À vérifier » ou « À actualiser »."</p> })}
            <ol class="due" inner_html=markup(&shown) />
            {more}
        </section>
    }
}

/// Two records for one structure? The pairs with two signals (same phone, same address, alike
/// names nearby), for the coordinator to check; those with one are only counted.
#[component]
fn Duplicates(pairs: Vec<(String, String, String)>, possible: usize) -> impl IntoView {
    let items: String = pairs
        .iter()
        .map(|(a, b, why)| {
            format!(
                "<li><strong>{}</strong><br>et <strong>{}</strong><br><span class=\"hint\">{}</span></li>",
                escape(a),
                escape(b),
                escape(why)
            )
        })
        .collect();
    view! {
        <section class="breakdown">
            <h3 id="doublons">{format!("Doublons probables ({})", pairs.len())}</h3>
            <p class="hint">"Deux fiches pour un même lieu ? Les habitants verraient le lieu deux fois. À vérifier, puis corriger le registre."</p>
            <ol class="due pairs" inner_html=items />
            <p class="hint">{format!("{possible} autres paires n’ont qu’un signe en commun (souvent deux services dans un même bâtiment).")}</p>
        </section>
    }
}

/// The items of a list of places to update.
fn markup(due: &[Due]) -> String {
    due.iter()
        .map(|d| {
            let missing =
                if d.missing.is_empty() { String::new() } else { format!("<br><span class=\"hint\">À compléter : {}</span>", d.missing) };
            let phone = match &d.phone {
                Some(n) => format!("<a href=\"{}\">Appeler le {n}</a>", n.tel_uri()),
                None => "<span class=\"hint\">Pas de téléphone publié</span>".to_owned(),
            };
            format!(
                "<li><strong>{}</strong><br>{} : mise à jour du {}{missing}<br>{phone}<br>\
                 <button type=\"button\" class=\"secondary\" data-lieu=\"{}\">Créer le lien de mise à jour</button></li>",
                escape(&d.name),
                d.freshness.label(),
                d.checked,
                escape(&d.id),
            )
        })
        .collect()
}
