//! The Vienne coloured by a count, per EPCI or per commune, from the offline map's outlines
//! (`seeds/territoire-86.json`, precached for every device): five shades from the largest count
//! down, "< 5" in the lightest, none in white; a legend, and the data table under it.

use std::cell::RefCell;
use std::collections::HashMap;
use std::fmt::Write;
use std::rc::Rc;

use leptos::prelude::*;
use repere_core::map::{Outline, Outlines, Projection};

use super::charts::{DataTable, Row, escape};
use crate::pages::map::OUTLINES_URL;
use crate::registry::fetch_text;

/// Shades of the scale (CSS classes `s1` … `s5`; `s0` is no count).
pub const SHADES: u32 = 5;

thread_local! {
    static OUTLINES: RefCell<Option<Rc<(Outlines, Projection)>>> = const { RefCell::new(None) };
}

/// The outlines and their projection, read once per app start.
pub async fn outlines() -> Result<Rc<(Outlines, Projection)>, String> {
    if let Some(o) = OUTLINES.with_borrow(|o| o.clone()) {
        return Ok(o);
    }
    let outlines = Outlines::from_json(fetch_text(OUTLINES_URL).await?.as_bytes())?;
    let projection = outlines.projection();
    let loaded = Rc::new((outlines, projection));
    OUTLINES.with_borrow_mut(|o| *o = Some(loaded.clone()));
    Ok(loaded)
}

/// The shade of a count: 0 for none, 1 for "< 5", else its fifth of the way to `max`.
pub fn shade(value: Option<u32>, max: u32) -> u32 {
    match value {
        None => 1,
        Some(0) => 0,
        Some(v) => (u64::from(v) * u64::from(SHADES)).div_ceil(u64::from(max.max(1))).clamp(1, u64::from(SHADES)) as u32,
    }
}

/// The counts each shade stands for (shade, "1 à 20"), from the lightest; shades no count can
/// take are left out.
pub fn legend(max: u32) -> Vec<(u32, String)> {
    let bound = |k: u32| (u64::from(max) * u64::from(k) / u64::from(SHADES)) as u32;
    (1..=SHADES)
        .filter_map(|k| {
            let (low, high) = (bound(k - 1) + 1, bound(k));
            (low <= high).then(|| (k, if low == high { low.to_string() } else { format!("{low} à {high}") }))
        })
        .collect()
}

/// One `<path>` per area, its shade as a class and its name and count as a tooltip.
pub fn markup(areas: &[Outline], projection: &Projection, rows: &[Row], name: impl Fn(&Outline) -> String) -> String {
    let by_code: HashMap<&str, &Row> = rows.iter().map(|r| (r.key.as_str(), r)).collect();
    let max = rows.iter().filter_map(|r| r.value).max().unwrap_or(0);
    let mut out = String::new();
    for area in areas {
        let row = by_code.get(area.code.as_str());
        let (class, count) = match row {
            Some(r) => (shade(r.value, max), r.count.as_str()),
            None => (0, "0"),
        };
        let _ = write!(
            out,
            r#"<path class="s{class}" d="{}"><title>{} : {}</title></path>"#,
            area.path(projection),
            escape(&name(area)),
            escape(count)
        );
    }
    out
}

/// Which areas a map colours.
#[derive(Clone, Copy, PartialEq)]
pub enum Level {
    Epci,
    Commune,
}

/// The map, its legend and its table. `rows` are keyed by SIREN (EPCI) or code INSEE (commune).
#[component]
pub fn Choropleth(title: String, id: &'static str, level: Level, rows: Vec<Row>) -> impl IntoView {
    let state = RwSignal::new_local(None::<Result<Rc<(Outlines, Projection)>, String>>);
    leptos::task::spawn_local(async move { state.set(Some(outlines().await)) });
    let max = rows.iter().filter_map(|r| r.value).max().unwrap_or(0);
    let names: HashMap<String, String> = rows.iter().map(|r| (r.key.clone(), r.label.clone())).collect();
    let drawn = {
        let rows = rows.clone();
        move || {
            state.get().map(|loaded| match loaded {
                Ok(loaded) => {
                    let (outlines, projection) = &*loaded;
                    let areas = match level {
                        Level::Epci => &outlines.epci,
                        Level::Commune => &outlines.communes,
                    };
                    let name = |a: &Outline| match level {
                        Level::Epci => a.label.clone(),
                        Level::Commune => names.get(&a.code).cloned().unwrap_or_else(|| a.code.clone()),
                    };
                    let inner = markup(areas, projection, &rows, name);
                    let view_box = format!("0 0 {} {:.0}", repere_core::map::WIDTH, projection.height);
                    view! {
                        <svg class="choropleth" viewBox=view_box role="img" aria-labelledby=id preserveAspectRatio="xMidYMid meet">
                            <g inner_html=inner />
                        </svg>
                    }
                    .into_any()
                }
                Err(e) => {
                    web_sys::console::error_1(&format!("carte : {e}").into());
                    view! { <p class="notice">"La carte n’a pas pu être affichée ; les chiffres sont dans le tableau."</p> }.into_any()
                }
            })
        }
    };
    let summary = format!("Tableau des données — {title}");
    let first = match level {
        Level::Epci => "EPCI",
        Level::Commune => "Commune",
    };
    view! {
        <figure class="chart" aria-labelledby=id>
            <h3 id=id>{title}</h3>
            {drawn}
            <ul class="legend" aria-label="Légende" role="list">
                <li><span class="swatch s0" aria-hidden="true"></span>"aucun"</li>
                {(max > 0 && rows.iter().any(|r| r.value.is_none())).then(|| view! { <li><span class="swatch s1" aria-hidden="true"></span>"< 5"</li> })}
                {legend(max)
                    .into_iter()
                    .map(|(k, words)| view! { <li><span class=format!("swatch s{k}") aria-hidden="true"></span>{words}</li> })
                    .collect_view()}
            </ul>
            <details class="data">
                <summary>{summary}</summary>
                <DataTable rows first />
            </details>
        </figure>
    }
}
