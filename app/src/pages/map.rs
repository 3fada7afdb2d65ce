//! The offline map: the Vienne's communes and EPCI drawn from the bundled outlines, the main
//! towns named (more as one zooms in: `repere_core::map::town_labels`), the places as round
//! markers and the tours' stops as diamonds, each opening its sheet, and the person's position
//! or commune. No tile server: everything is on the phone. Pan and zoom with a finger, two
//! fingers, the wheel or buttons.

use std::cell::RefCell;
use std::collections::HashMap;
use std::fmt::Write;
use std::rc::Rc;

use leptos::prelude::*;
use repere_core::map::{Outlines, Projection, View, town_labels};
use repere_core::proximity::LatLon;

use crate::choices::Choices;
use crate::gazetteer::Gazetteer;
use crate::i18n::texts;
use crate::pages::results::resolve;
use crate::pages::tour::escape;
use crate::registry::{Registry, fetch_text};
use crate::route::Route;

pub const OUTLINES_URL: &str = "/seeds/territoire-86.json";

/// Zoom when centred on the person: a few communes around them.
const ZOOM_ON_ORIGIN: f64 = 4.0;
/// A finger moving less than this many pixels is a tap, not a drag.
const TAP_SLOP_PX: f64 = 8.0;
/// Height of a town's name on screen, in pixels.
const TOWN_FONT_PX: f64 = 13.0;

/// Outlines turned into SVG markup (`<path>`s) once per app start.
struct Drawn {
    projection: Projection,
    communes: String,
    epci: String,
}

thread_local! {
    static DRAWN: RefCell<Option<Rc<Drawn>>> = const { RefCell::new(None) };
}

async fn drawn() -> Result<Rc<Drawn>, String> {
    if let Some(d) = DRAWN.with_borrow(|d| d.clone()) {
        return Ok(d);
    }
    let outlines = Outlines::from_json(fetch_text(OUTLINES_URL).await?.as_bytes())?;
    let projection = outlines.projection();
    let drawn = Rc::new(Drawn { projection, communes: paths(&outlines.communes, &projection), epci: paths(&outlines.epci, &projection) });
    DRAWN.with_borrow_mut(|d| *d = Some(drawn.clone()));
    Ok(drawn)
}

#[component]
pub fn Map() -> impl IntoView {
    let t = texts();
    let state = RwSignal::new_local(None::<Result<Rc<Drawn>, String>>);
    leptos::task::spawn_local(async move { state.set(Some(drawn().await)) });
    view! {
        <h1 tabindex="-1" id="carte-titre">{t.map_title}</h1>
        <p class="hint" id="carte-aide">{t.map_hint}</p>
        {move || match state.get() {
            None => view! { <p class="registry">{t.map_loading}</p> }.into_any(),
            Some(Err(e)) => {
                web_sys::console::error_1(&format!("carte : {e}").into());
                view! { <p class="notice">{t.map_failed}</p> }.into_any()
            }
            Some(Ok(drawn)) => view! { <MapView drawn /> }.into_any(),
        }}
    }
}

#[component]
fn MapView(drawn: Rc<Drawn>) -> impl IntoView {
    let t = texts();
    let registry = expect_context::<Registry>();
    let gazetteer = expect_context::<Gazetteer>();
    let choices = expect_context::<Choices>();
    let projection = drawn.projection;
    let whole = View::whole(&projection);
    let origin = Memo::new(move |_| choices.origin.get().and_then(|o| resolve(&o, gazetteer)).map(|(p, _)| projection.point(p)));
    let view_state = RwSignal::new(origin.get_untracked().map_or(whole, |p| whole.centred(p, ZOOM_ON_ORIGIN)));
    let svg_ref = NodeRef::<leptos::svg::Svg>::new();

    // Pointers down on the map (id → last position), and whether this gesture moved.
    let pointers = StoredValue::new_local(HashMap::<i32, (f64, f64)>::new());
    let dragged = StoredValue::new(false);
    let units_per_px = move || {
        let width = svg_ref.get_untracked().map(|s| s.client_width() as f64).unwrap_or(1.0);
        view_state.get_untracked().units_per_pixel(width)
    };
    let on_down = move |ev: leptos::ev::PointerEvent| {
        pointers.update_value(|p| {
            p.insert(ev.pointer_id(), (ev.client_x() as f64, ev.client_y() as f64));
        });
        if pointers.with_value(HashMap::len) == 1 {
            dragged.set_value(false);
        }
    };
    let on_move = move |ev: leptos::ev::PointerEvent| {
        let id = ev.pointer_id();
        let now = (ev.client_x() as f64, ev.client_y() as f64);
        let Some(before) = pointers.with_value(|p| p.get(&id).copied()) else {
            return;
        };
        let others: Vec<(f64, f64)> = pointers.with_value(|p| p.iter().filter(|(k, _)| **k != id).map(|(_, v)| *v).collect());
        pointers.update_value(|p| {
            p.insert(id, now);
        });
        let (dx, dy) = (now.0 - before.0, now.1 - before.1);
        if dx.hypot(dy) > 0.0 && (dragged.get_value() || dx.hypot(dy) > TAP_SLOP_PX) {
            dragged.set_value(true);
        }
        match others.as_slice() {
            [] => {
                let u = units_per_px();
                view_state.update(|v| *v = v.moved(-dx * u, -dy * u));
            }
            [other] => {
                let (d0, d1) = (dist(before, *other), dist(now, *other));
                if d0 > 1.0 {
                    view_state.update(|v| *v = v.zoomed(d1 / d0, None));
                }
            }
            _ => {}
        }
    };
    let on_up = move |ev: leptos::ev::PointerEvent| {
        pointers.update_value(|p| {
            p.remove(&ev.pointer_id());
        });
    };
    // A drag that ends on a marker is not a tap on it.
    let on_click = move |ev: leptos::ev::MouseEvent| {
        if dragged.get_value() {
            ev.prevent_default();
            dragged.set_value(false);
        }
    };
    let on_wheel = move |ev: leptos::ev::WheelEvent| {
        ev.prevent_default();
        view_state.update(|v| *v = v.zoomed(if ev.delta_y() < 0.0 { 1.25 } else { 0.8 }, None));
    };

    // Markers are SVG markup set at once: an SVG `<a>` must be created in the SVG namespace
    // (the view macro would make an HTML one), and one string is cheaper than 141 components.
    let markers = move || {
        registry.finder().map(|finder| {
            let mut markup = String::new();
            for place in finder.places() {
                let Some(pos) = place.position else { continue };
                let (x, y) = projection.point(LatLon { lat: pos.lat, lon: pos.lon });
                let _ = write!(
                    markup,
                    r#"<a class="marker" href="{}" aria-label="{}"><circle class="hit" cx="{x:.1}" cy="{y:.1}"/><circle class="dot" cx="{x:.1}" cy="{y:.1}"/></a>"#,
                    escape(&Route::Place(place.id.clone()).href()),
                    escape(&(t.map_place)(&place.nom, &place.commune)),
                );
            }
            // Stops after places, so they are drawn over the base of their bus.
            for stop in finder.places().iter().flat_map(|p| &p.arrets) {
                let (x, y) = projection.point(LatLon { lat: stop.position.lat, lon: stop.position.lon });
                let _ = write!(
                    markup,
                    r#"<a class="marker stop" href="{}" aria-label="{}"><circle class="hit" cx="{x:.1}" cy="{y:.1}"/><rect class="dot" transform="translate({x:.1} {y:.1}) rotate(45)"/></a>"#,
                    escape(&Route::Stop(stop.id.clone()).href()),
                    escape(&(t.map_stop)(&stop.nom, &stop.commune)),
                );
            }
            markup
        })
    };
    let has_stops = move || registry.finder().is_some_and(|f| f.places().iter().any(|p| !p.arrets.is_empty()));
    // Town names for the zoom shown (panning keeps them): recomputed when the zoom changes.
    let scale = Memo::new(move |_| view_state.get().scale);
    let towns = move || {
        // Tracked: the communes may arrive after the map is drawn.
        gazetteer.ready();
        let scale = scale.get();
        let width = svg_ref.get().map(|s| s.client_width() as f64).filter(|w| *w > 0.0).unwrap_or(390.0);
        let font = TOWN_FONT_PX * View::whole(&projection).zoomed(scale, None).units_per_pixel(width);
        gazetteer.with(|territory| {
            let towns: Vec<(&str, u32, (f64, f64))> =
                territory.communes().iter().map(|c| (c.nom.as_str(), c.population, projection.point(c.centre))).collect();
            let mut markup = String::new();
            for i in town_labels(&towns, font, scale) {
                let (name, _, (x, y)) = towns[i];
                let _ = write!(markup, r#"<text x="{x:.1}" y="{:.1}" font-size="{font:.1}">{}</text>"#, y - 0.4 * font, escape(name));
            }
            markup
        })
    };
    let button = move |label: &'static str, symbol: &'static str, action: fn(View) -> View| {
        view! {
            <button type="button" aria-label=label title=label on:click=move |_| view_state.update(|v| *v = action(*v))>
                <span aria-hidden="true">{symbol}</span>
            </button>
        }
    };
    view! {
        <div class="map-wrap">
            <svg
                node_ref=svg_ref
                class="map"
                viewBox=move || view_state.get().view_box()
                // A CSS property, not a `style` attribute: the page's CSP allows no inline style.
                style=move || ("--r", format!("{:.2}px", 16.0 / view_state.get().scale))
                preserveAspectRatio="xMidYMid meet"
                aria-labelledby="carte-titre carte-aide"
                on:pointerdown=on_down
                on:pointermove=on_move
                on:pointerup=on_up
                on:pointercancel=on_up
                on:pointerleave=on_up
                on:click=on_click
                on:wheel=on_wheel
            >
                <g class="communes" aria-hidden="true" inner_html=drawn.communes.clone() />
                <g class="epci" aria-hidden="true" inner_html=drawn.epci.clone() />
                <g class="places" inner_html=markers />
                // Over the markers, with a halo: a name must stay readable where help clusters.
                <g class="towns" aria-hidden="true" inner_html=towns />
                {move || origin.get().map(|(x, y)| view! {
                    <g class="you" role="img" aria-label=t.you_are_here>
                        <circle class="you-area" cx=x cy=y />
                        <circle class="you-centre" cx=x cy=y />
                    </g>
                })}
            </svg>
            <div class="map-controls">
                {button(t.zoom_in, "+", |v| v.zoomed(1.5, None))}
                {button(t.zoom_out, "−", |v| v.zoomed(1.0 / 1.5, None))}
                {button(t.pan_up, "↑", |v| v.panned(0.0, -0.25))}
                {button(t.pan_down, "↓", |v| v.panned(0.0, 0.25))}
                {button(t.pan_left, "←", |v| v.panned(-0.25, 0.0))}
                {button(t.pan_right, "→", |v| v.panned(0.25, 0.0))}
                <button type="button" class="reset" on:click=move |_| view_state.set(whole)>{t.map_reset}</button>
            </div>
            <p class="map-legend" aria-hidden="true">
                <span class="legend-place">{t.map_legend_place}</span>
                {move || has_stops().then(|| view! { <span class="legend-stop">{t.map_legend_stop}</span> })}
            </p>
        </div>
    }
}

fn paths(areas: &[repere_core::map::Outline], projection: &Projection) -> String {
    areas.iter().map(|a| format!(r#"<path d="{}"/>"#, a.path(projection))).collect()
}

fn dist(a: (f64, f64), b: (f64, f64)) -> f64 {
    (a.0 - b.0).hypot(a.1 - b.1)
}
