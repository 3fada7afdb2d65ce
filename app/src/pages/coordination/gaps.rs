//! The Vienne's communes coloured by time to the nearest help, in five bands around the
//! threshold (`coverage::band`), today or with the stops a plan adds (drawn as numbered points):
//! before and after on the same map, one switch apart; the tour's stops that count are small
//! diamonds, apart from the plan's. The communes beyond are listed in a table below the map, so
//! nothing is said by colour alone.

use std::collections::HashMap;
use std::fmt::Write;

use leptos::prelude::*;
use repere_core::coverage::{Access, BANDS, band, band_label};
use repere_core::map::{Outline, Projection};

use super::charts::escape;
use super::choropleth::outlines;
use super::coverage::Computed;
use super::planner::{Plan, PlanView};

/// One `<path>` per commune, its band as a class (`t1` … `t5`) and its time as a tooltip; then
/// the stops, numbered in the planner's order.
fn markup(areas: &[Outline], projection: &Projection, computed: &Computed, access: &[Access], stops: &[usize]) -> String {
    let at: HashMap<&str, usize> = computed.communes.iter().enumerate().map(|(i, c)| (c.code_insee.as_str(), i)).collect();
    let mut out = String::new();
    for area in areas {
        let Some(&i) = at.get(area.code.as_str()) else { continue };
        let minutes = access[i].minutes;
        let time = if minutes.is_finite() { format!("{minutes:.0} min") } else { "aucun lieu".to_owned() };
        let _ = write!(
            out,
            r#"<path class="t{}" d="{}"><title>{} : {time}</title></path>"#,
            band(minutes, computed.threshold),
            area.path(projection),
            escape(&computed.commune_names[i]),
        );
    }
    for (stop, name) in computed.places[computed.fixed..].iter().zip(&computed.place_names[computed.fixed..]) {
        let (x, y) = projection.point(stop.at);
        let _ = write!(
            out,
            r#"<g class="tour"><rect x="{:.1}" y="{:.1}" width="16" height="16" transform="rotate(45 {x:.1} {y:.1})"/><title>Arrêt du bus : {}</title></g>"#,
            x - 8.0,
            y - 8.0,
            escape(name),
        );
    }
    for (n, &c) in stops.iter().enumerate() {
        let (x, y) = projection.point(computed.communes[c].centre);
        let _ = write!(
            out,
            r#"<g class="stop"><circle cx="{x:.1}" cy="{y:.1}" r="24"/><text x="{x:.1}" y="{:.1}" text-anchor="middle">{}</text><title>Arrêt {} : {}</title></g>"#,
            y + 9.0,
            n + 1,
            n + 1,
            escape(&computed.commune_names[c]),
        );
    }
    out
}

#[component]
pub fn GapsMap(computed: Computed, plan: RwSignal<Option<Plan>>, shown: RwSignal<PlanView>) -> impl IntoView {
    let loaded = RwSignal::new_local(None);
    leptos::task::spawn_local(async move { loaded.set(Some(outlines().await)) });
    let threshold = computed.threshold;
    let title = format!("Temps jusqu’à l’aide la plus proche (seuil : {threshold} min)");
    let drawn = {
        let computed = computed.clone();
        move || {
            let after = plan.with(|p| p.as_ref().filter(|_| shown.get() == PlanView::After).map(|p| (p.after.clone(), p.communes())));
            loaded.get().map(|result| match result {
                Ok(o) => {
                    let (outlines, projection) = &*o;
                    let inner = match &after {
                        Some((access, stops)) => markup(&outlines.communes, projection, &computed, access, stops),
                        None => markup(&outlines.communes, projection, &computed, &computed.access, &[]),
                    };
                    let view_box = format!("0 0 {} {:.0}", repere_core::map::WIDTH, projection.height);
                    view! {
                        <svg class="choropleth gaps" viewBox=view_box role="img" aria-labelledby="carte-temps" preserveAspectRatio="xMidYMid meet">
                            <g inner_html=inner />
                        </svg>
                    }
                    .into_any()
                }
                Err(e) => {
                    web_sys::console::error_1(&format!("carte : {e}").into());
                    view! { <p class="notice">"La carte n’a pas pu être affichée ; les communes au-delà du seuil sont dans le tableau."</p> }
                        .into_any()
                }
            })
        }
    };
    let choice = move || {
        plan.with(|p| p.as_ref().map(|p| p.stops.len())).map(|n| {
            view! {
                <fieldset class="switch">
                    <legend>"Carte"</legend>
                    <label>
                        <input type="radio" name="carte-vue" prop:checked=move || shown.get() == PlanView::Today on:change=move |_| shown.set(PlanView::Today) />
                        "Aujourd’hui"
                    </label>
                    <label>
                        <input type="radio" name="carte-vue" prop:checked=move || shown.get() == PlanView::After on:change=move |_| shown.set(PlanView::After) />
                        {if n == 1 { "Avec l’arrêt proposé".to_owned() } else { format!("Avec les {n} arrêts proposés") }}
                    </label>
                </fieldset>
            }
        })
    };
    view! {
        <figure class="chart" aria-labelledby="carte-temps">
            <h3 id="carte-temps">{title}</h3>
            {choice}
            {drawn}
            <ul class="legend" aria-label="Légende" role="list">
                {(1..=BANDS)
                    .map(|b| view! { <li><span class=format!("swatch t{b}") aria-hidden="true"></span>{band_label(b, threshold)}</li> })
                    .collect_view()}
                {(computed.places.len() > computed.fixed).then(|| view! { <li><span class="swatch tour-swatch" aria-hidden="true"></span>"arrêt du bus (au moins deux fois par mois)"</li> })}
                {move || plan.with(Option::is_some).then(|| view! { <li><span class="swatch stop-swatch" aria-hidden="true"></span>"arrêt proposé"</li> })}
            </ul>
        </figure>
    }
}
