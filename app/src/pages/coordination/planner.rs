//! « Où faire passer le bus ? »: k new stops (or permanences) that bring the most people within
//! the threshold, weighted by the roadmap's "indice de rupture" of their EPCI (the core's lazy
//! greedy, within (1 − 1/e) of the best), each with the people it adds; the map then shows the
//! Vienne after them. And « Si un lieu fermait »: the communes that would fall beyond.

use leptos::prelude::*;
use repere_core::coverage::{Access, Coverage, Gap, Help, Planner as Greedy, Stop, TravelTable, rupture};

use super::coverage::{Computed, plural};

/// The most stops asked at once: a bus's week, or a year's new permanences.
const MAX_STOPS: usize = 10;

/// Which map is shown.
#[derive(Clone, Copy, PartialEq)]
pub enum PlanView {
    Today,
    After,
}

/// Stops proposed, and every commune's access with them.
#[derive(Clone, PartialEq)]
pub struct Plan {
    pub stops: Vec<Stop>,
    pub after: Vec<Access>,
    /// The EPCI planned for (its SIREN), or the whole Vienne.
    pub scope: Option<String>,
}

impl Plan {
    /// The stops' communes, in order.
    pub fn communes(&self) -> Vec<usize> {
        self.stops.iter().map(|s| s.commune).collect()
    }

    fn propose(computed: &Computed, k: usize, scope: Option<String>) -> Plan {
        let coverage = computed.coverage();
        let in_scope = |epci: &str| scope.as_deref().is_none_or(|s| s == epci);
        let weight = |c: &repere_core::coverage::Commune| if in_scope(&c.epci) { rupture(c) } else { 0 };
        let stops = Greedy::new(&coverage, &computed.access, computed.threshold, weight).greedy(k);
        let places = Help::with_stops(&computed.places, &computed.communes, stops.iter().map(|s| s.commune));
        let table = TravelTable::new(&computed.rows, &computed.communes, &places);
        let after = Coverage::new(&computed.communes, &places, table).access();
        Plan { stops, after, scope }
    }
}

/// Communes and people beyond the threshold within the scope.
fn beyond(computed: &Computed, access: &[Access], scope: Option<&str>) -> Gap {
    let coverage = computed.coverage();
    let groups = coverage.beyond_by(access, computed.threshold, |c| scope.is_none_or(|s| s == c.epci));
    groups.get(&true).copied().unwrap_or_default()
}

#[component]
pub fn Planner(computed: Computed, plan: RwSignal<Option<Plan>>, shown: RwSignal<PlanView>) -> impl IntoView {
    let c = expect_context::<crate::coordination::Coordination>();
    // An EPCI's coordinator plans for his EPCI first.
    let own = c.account.with_untracked(|a| a.as_ref().and_then(|a| (a.epci.len() == 1).then(|| a.epci[0].clone())));
    let k = RwSignal::new(5_usize);
    let scope = RwSignal::new(own);
    let propose = {
        let computed = computed.clone();
        move |ev: leptos::ev::SubmitEvent| {
            ev.prevent_default();
            plan.set(Some(Plan::propose(&computed, k.get_untracked(), scope.get_untracked())));
            shown.set(PlanView::After);
        }
    };
    let epcis = computed.epci_names.clone();
    let threshold = computed.threshold;
    let result = move || plan.get().map(|p| view! { <PlanResult computed=computed.clone() plan=p /> });
    view! {
        <section class="planner" aria-labelledby="planner-titre">
            <h2 id="planner-titre">"Où faire passer le bus ?"</h2>
            <p class="hint">
                {format!("Propose des arrêts du bus, ou de nouvelles permanences, qui mettent le plus d’habitants à moins de {threshold} min d’une aide, en plus des lieux et des arrêts du bus déjà comptés. Les EPCI les plus en rupture comptent plus.")}
            </p>
            <form class="filter" on:submit=propose>
                <div class="period">
                    <div class="field">
                        <label for="arrets">"Nombre d’arrêts"</label>
                        <select id="arrets" on:change=move |ev| k.set(event_target_value(&ev).parse().unwrap_or(5))>
                            {(1..=MAX_STOPS).map(|n| view! { <option value=n.to_string() selected=n == k.get_untracked()>{n.to_string()}</option> }).collect_view()}
                        </select>
                    </div>
                    <div class="field">
                        <label for="territoire">"Territoire"</label>
                        <select id="territoire" on:change=move |ev| scope.set(Some(event_target_value(&ev)).filter(|s| !s.is_empty()))>
                            <option value="">"Toute la Vienne"</option>
                            {epcis
                                .iter()
                                .map(|(siren, name)| {
                                    let selected = scope.get_untracked().as_deref() == Some(siren.as_str());
                                    view! { <option value=siren.clone() selected=selected>{name.clone()}</option> }
                                })
                                .collect_view()}
                        </select>
                    </div>
                </div>
                <button type="submit" class="big">"Proposer les arrêts"</button>
            </form>
            {result}
        </section>
    }
}

#[component]
fn PlanResult(computed: Computed, plan: Plan) -> impl IntoView {
    let scope = plan.scope.as_deref();
    let (before, after) = (beyond(&computed, &computed.access, scope), beyond(&computed, &plan.after, scope));
    let t = computed.threshold;
    if plan.stops.is_empty() {
        return view! { <p class="notice" role="status">{format!("Aucun arrêt ne rapprocherait quelqu’un : tout ce territoire est à moins de {t} min d’une aide.")}</p> }
            .into_any();
    }
    let gained: u64 = plan.stops.iter().map(|s| s.people).sum();
    let stops = plan
        .stops
        .iter()
        .map(|s| {
            let commune = &computed.communes[s.commune];
            let reached: Vec<String> = s.newly.iter().map(|&j| computed.commune_names[j].clone()).collect();
            view! {
                <li>
                    <strong>{format!("{} ({})", computed.commune_names[s.commune], computed.epci_name(&commune.epci))}</strong>
                    {format!(" : {} de plus à moins de {t} min.", plural(s.people, "habitant"))}
                    <br />
                    <span class="hint">{format!("{} : {}", plural(reached.len() as u64, "commune"), reached.join(", "))}</span>
                </li>
            }
        })
        .collect_view();
    view! {
        <div role="status">
            <p class="headline">
                {format!(
                    "{} : {} de plus à moins de {t} min. Au-delà : {} ({}) aujourd’hui, {} ({}) après.",
                    if plan.stops.len() == 1 { "Avec cet arrêt".to_owned() } else { format!("Avec ces {} arrêts", plan.stops.len()) },
                    plural(gained, "habitant"),
                    plural(before.population, "habitant"),
                    plural(before.communes as u64, "commune"),
                    plural(after.population, "habitant"),
                    plural(after.communes as u64, "commune"),
                )}
            </p>
        </div>
        <ol class="stops">{stops}</ol>
        <p>
            <button type="button" class="secondary" on:click=|_| show_map()>"Voir la carte avant et après"</button>
        </p>
    }
    .into_any()
}

/// Scrolls back to the map (a link to `#carte-temps` would change the page's address).
fn show_map() {
    let map = web_sys::window().and_then(|w| w.document()).and_then(|d| d.get_element_by_id("carte-temps"));
    if let Some(map) = map {
        map.scroll_into_view();
    }
}

/// What closing one place would cost: the communes it alone keeps within the threshold.
#[component]
pub fn Closing(computed: Computed) -> impl IntoView {
    // The places that are some commune's nearest within the threshold: closing any other
    // changes nothing here. The tour's stops are not places that close.
    let fixed = computed.fixed as u32;
    let mut candidates: Vec<u32> = computed
        .access
        .iter()
        .filter(|a| a.minutes <= computed.threshold)
        .filter_map(|a| a.place)
        .filter(|&slot| slot < fixed)
        .collect::<Vec<_>>();
    candidates.sort_unstable();
    candidates.dedup();
    candidates.sort_by(|a, b| computed.place_names[*a as usize].cmp(&computed.place_names[*b as usize]));
    let chosen = RwSignal::new(None::<u32>);
    let t = computed.threshold;
    let options = candidates
        .iter()
        .map(|&slot| view! { <option value=slot.to_string()>{computed.place_names[slot as usize].clone()}</option> })
        .collect_view();
    let answer = move || {
        chosen.get().map(|slot| {
            let coverage = computed.coverage();
            let lost = coverage.closing(&computed.access, slot, t);
            let name = &computed.place_names[slot as usize];
            if lost.communes.is_empty() {
                format!("Si {name} fermait, aucune commune ne passerait au-delà de {t} min : un autre lieu est assez près.")
            } else {
                let names: Vec<&str> = lost.communes.iter().map(|&c| computed.commune_names[c].as_str()).collect();
                format!(
                    "Si {name} fermait, {} et {} passeraient au-delà de {t} min : {}.",
                    plural(lost.communes.len() as u64, "commune"),
                    plural(lost.population, "habitant"),
                    names.join(", ")
                )
            }
        })
    };
    view! {
        <section class="closing" aria-labelledby="fermeture-titre">
            <h3 id="fermeture-titre">"Si un lieu fermait"</h3>
            <div class="filter">
                <div class="field">
                    <label for="fermeture">"Lieu"</label>
                    <select id="fermeture" on:change=move |ev| chosen.set(event_target_value(&ev).parse().ok())>
                        <option value="">"Choisir un lieu"</option>
                        {options}
                    </select>
                </div>
            </div>
            <p role="status">{answer}</p>
        </section>
    }
}
