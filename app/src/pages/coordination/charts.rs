//! Pictures of figures, generic over simple rows (label, count as written, share): columns for a
//! month series, horizontal bars for a breakdown, each with its data table (for screen readers,
//! and printed with the page). SVG markup strings, as the map's: text in SVG must be made in the
//! SVG namespace, and one string is cheaper than a component per bar. The figures themselves
//! (counts, "< 5", shares, order, labels) come made from the core; nothing is computed here but
//! lengths on screen.

use std::fmt::Write;

use leptos::prelude::*;

/// One line of a breakdown as shown.
#[derive(Clone, Debug, PartialEq)]
pub struct Row {
    /// The code on the wire (month `2026-03`, EPCI SIREN, commune INSEE, theme code…).
    pub key: String,
    pub label: String,
    /// The count as written: "12", or "< 5".
    pub count: String,
    /// Its share as written: "12 %" (empty where a share means nothing).
    pub share: String,
    /// The exact count, to size its bar; `None` for "< 5" (drawn as a stub, never as a number).
    pub value: Option<u32>,
}

/// Width of a chart in SVG units (scaled to the screen's width).
const WIDTH: f64 = 360.0;
/// Height of one bar's line, and of the month series' plot.
const LINE: f64 = 28.0;
const PLOT: f64 = 160.0;
/// Share of the width kept for a bar's label, and for its count.
const LABEL_WIDTH: f64 = 150.0;
const COUNT_WIDTH: f64 = 44.0;
/// Width given to a "< 5" (a few units: something, but no number).
const STUB: f64 = 3.0;

fn largest(rows: &[Row]) -> f64 {
    rows.iter().filter_map(|r| r.value).max().unwrap_or(0).max(1) as f64
}

/// Horizontal bars, one per row, label on the left and count on the right: a `viewBox` and
/// the markup inside the `<svg>`.
pub fn bars(rows: &[Row]) -> (String, String) {
    let max = largest(rows);
    let room = WIDTH - LABEL_WIDTH - COUNT_WIDTH;
    let mut markup = String::new();
    for (i, row) in rows.iter().enumerate() {
        let y = i as f64 * LINE;
        let length = row.value.map_or(STUB, |v| (v as f64 / max * room).max(if v > 0 { 1.0 } else { 0.0 }));
        let _ = write!(
            markup,
            r#"<text class="label" x="{x:.1}" y="{t:.1}" text-anchor="end">{label}</text><rect class="bar" x="{LABEL_WIDTH:.1}" y="{b:.1}" width="{length:.1}" height="{h:.1}"/><text class="count" x="{c:.1}" y="{t:.1}">{count}</text>"#,
            x = LABEL_WIDTH - 6.0,
            t = y + LINE * 0.68,
            label = escape(&shorten(&row.label, 21)),
            b = y + 4.0,
            h = LINE - 8.0,
            c = LABEL_WIDTH + length + 4.0,
            count = escape(&row.count),
        );
    }
    (format!("0 0 {WIDTH} {:.0}", rows.len().max(1) as f64 * LINE), markup)
}

/// Columns, one per row in order (a month series), the count above each and the label below.
pub fn columns(rows: &[Row]) -> (String, String) {
    let max = largest(rows);
    let step = WIDTH / rows.len().max(1) as f64;
    let width = (step * 0.7).max(1.0);
    let top = 16.0;
    let every = rows.len().div_ceil(12).max(1);
    let mut markup = String::new();
    for (i, row) in rows.iter().enumerate() {
        let height = row.value.map_or(STUB, |v| v as f64 / max * PLOT);
        let x = i as f64 * step + (step - width) / 2.0;
        let middle = x + width / 2.0;
        let _ =
            write!(markup, r#"<rect class="bar" x="{x:.1}" y="{y:.1}" width="{width:.1}" height="{height:.1}"/>"#, y = top + PLOT - height);
        // Up to 12 labels side by side; beyond, every other one (or every third…).
        if i % every == 0 {
            let _ = write!(
                markup,
                r#"<text class="label" x="{middle:.1}" y="{:.1}" text-anchor="middle">{}</text>"#,
                top + PLOT + 14.0,
                escape(&shorten(&row.label, if rows.len() > 6 { 5 } else { 10 })),
            );
        }
        // Counts above the columns only while they fit side by side; the table has them all.
        if rows.len() <= 12 {
            let _ = write!(
                markup,
                r#"<text class="count" x="{middle:.1}" y="{:.1}" text-anchor="middle">{}</text>"#,
                top + PLOT - height - 3.0,
                escape(&row.count)
            );
        }
    }
    (format!("0 0 {WIDTH} {:.0}", top + PLOT + 20.0), markup)
}

/// A picture and its data table: the SVG is one image with a title for screen readers, the
/// table (folded on screen, unfolded to print) says every figure.
#[component]
pub fn Picture(
    /// The picture's title, its heading.
    title: String,
    /// Id for the heading, unique on the page.
    id: &'static str,
    /// `viewBox` and markup, from [`bars`] or [`columns`].
    svg: (String, String),
    rows: Vec<Row>,
    /// What the first column holds ("Mois", "Thématique").
    first: &'static str,
) -> impl IntoView {
    let (view_box, markup) = svg;
    let summary = format!("Tableau des données — {title}");
    view! {
        <figure class="chart" aria-labelledby=id>
            <h3 id=id>{title}</h3>
            <svg viewBox=view_box role="img" aria-labelledby=id preserveAspectRatio="xMinYMin meet">
                <g inner_html=markup />
            </svg>
            <details class="data">
                <summary>{summary}</summary>
                <DataTable rows first />
            </details>
        </figure>
    }
}

/// Label / count / % for each row; "< 5" shown as written.
#[component]
pub fn DataTable(
    rows: Vec<Row>,
    first: &'static str,
    #[prop(optional)] caption: Option<String>,
    /// The count column's heading ("Nombre d’activités"); "Nombre" by default.
    #[prop(optional)]
    counted: Option<String>,
    /// Long lists (communes, places, structures) show their first [`SHOWN`] rows and fold the
    /// rest under « Voir les N autres », so the page stays readable on a phone.
    #[prop(optional)]
    fold: bool,
) -> impl IntoView {
    let shares = rows.iter().any(|r| !r.share.is_empty());
    let counted = counted.unwrap_or_else(|| "Nombre".to_owned());
    let mut rows = rows;
    let rest = if fold && rows.len() > SHOWN + 2 { rows.split_off(SHOWN) } else { Vec::new() };
    let table = move |rows: Vec<Row>, caption: Option<String>| {
        let counted = counted.clone();
        view! {
            <table class="figures">
                {caption.map(|c| view! { <caption>{c}</caption> })}
                <thead>
                    <tr>
                        <th scope="col">{first}</th>
                        <th scope="col" class="n">{counted}</th>
                        {shares.then(|| view! { <th scope="col" class="n">"%"</th> })}
                    </tr>
                </thead>
                <tbody>
                    {rows
                        .into_iter()
                        .map(|r| {
                            view! {
                                <tr>
                                    <th scope="row">{r.label}</th>
                                    <td class="n">{r.count}</td>
                                    {shares.then(|| view! { <td class="n">{r.share}</td> })}
                                </tr>
                            }
                        })
                        .collect_view()}
                </tbody>
            </table>
        }
    };
    let more = (!rest.is_empty()).then(|| {
        let summary = format!("Voir les {} autres", rest.len());
        let caption = caption.as_ref().map(|c| format!("{c} (suite)"));
        view! {
            <details class="rest">
                <summary>{summary}</summary>
                {table.clone()(rest, caption)}
            </details>
        }
    });
    view! {
        {table(rows, caption)}
        {more}
    }
}

/// Rows a folded table shows before « Voir les N autres ».
pub const SHOWN: usize = 10;

/// At most `max` characters, with "…" when cut (the table has the whole label).
fn shorten(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_owned();
    }
    let mut short: String = text.chars().take(max.saturating_sub(1)).collect();
    short.push('…');
    short
}

/// Text made safe inside SVG markup, in an element or a double-quoted attribute.
pub fn escape(text: &str) -> String {
    text.replace('&', "&amp;").replace('"', "&quot;").replace('<', "&lt;").replace('>', "&gt;")
}
