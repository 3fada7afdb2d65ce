//! The coordinators' space's pictures and filter, in the browser: bars and columns sized from
//! the counts ("< 5" a stub, never a length that tells), the map's shades and legend on a small
//! fixture of outlines, the filter's query string both ways, and the name of a downloaded file.
#![cfg(target_arch = "wasm32")]

use repere_app::coordination::attachment_name;
use repere_app::pages::coordination::charts::{Row, bars, columns};
use repere_app::pages::coordination::choropleth::{legend, markup, shade};
use repere_app::pages::coordination::filter::Asked;
use repere_core::map::Outlines;
use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};

wasm_bindgen_test_configure!(run_in_browser);

fn row(key: &str, value: Option<u32>) -> Row {
    Row {
        key: key.into(),
        label: format!("Libellé {key}"),
        count: value.map_or("< 5".into(), |v| v.to_string()),
        share: String::new(),
        value,
    }
}

/// The `width` (or `height`) attributes of the `<rect>`s, in order.
fn sizes(markup: &str, attribute: &str) -> Vec<f64> {
    let needle = format!(r#" {attribute}=""#);
    markup
        .split("<rect")
        .skip(1)
        .map(|r| {
            let start = r.find(&needle).expect("attribute") + needle.len();
            r[start..start + r[start..].find('"').unwrap()].parse().unwrap()
        })
        .collect()
}

#[wasm_bindgen_test]
fn bars_are_proportional_and_a_hidden_count_is_a_stub() {
    let (view_box, svg) = bars(&[row("a", Some(40)), row("b", Some(10)), row("c", None), row("d", Some(0))]);
    assert_eq!(view_box, "0 0 360 112", "four lines of 28 units");
    let widths = sizes(&svg, "width");
    assert_eq!(widths.len(), 4);
    assert!((widths[0] / widths[1] - 4.0).abs() < 0.01, "{widths:?}");
    assert_eq!(widths[2], 3.0, "« < 5 » is drawn as a stub: {widths:?}");
    assert_eq!(widths[3], 0.0);
    assert!(svg.contains(">&lt; 5</text>"), "the count is written as it is: {svg}");
}

#[wasm_bindgen_test]
fn columns_follow_the_series_and_escape_labels() {
    let mut rows = vec![row("2026-01", Some(5)), row("2026-02", Some(20)), row("2026-03", Some(0))];
    rows[0].label = "<b>&".into();
    let (_, svg) = columns(&rows);
    let heights = sizes(&svg, "height");
    assert_eq!(heights, [40.0, 160.0, 0.0]);
    assert!(svg.contains("&lt;b&gt;&amp;") && !svg.contains("<b>"), "{svg}");
    // Two years of months: every column drawn, every other month named, no count on top.
    let months: Vec<Row> = (0..24).map(|i| row(&format!("m{i}"), Some(i))).collect();
    let (_, svg) = columns(&months);
    assert_eq!(svg.matches("<rect").count(), 24);
    assert_eq!(svg.matches(r#"class="label""#).count(), 12);
    assert_eq!(svg.matches(r#"class="count""#).count(), 0);
}

#[wasm_bindgen_test]
fn shades_split_the_largest_count_in_fifths() {
    assert_eq!(shade(Some(0), 100), 0);
    assert_eq!(shade(None, 100), 1, "« < 5 » is the lightest shade");
    assert_eq!([1, 20, 21, 40, 41, 99, 100].map(|v| shade(Some(v), 100)), [1, 1, 2, 2, 3, 5, 5]);
    assert_eq!(shade(Some(7), 7), 5);
    assert_eq!(
        legend(100),
        [(1, "1 à 20".into()), (2, "21 à 40".into()), (3, "41 à 60".into()), (4, "61 à 80".into()), (5, "81 à 100".into())]
    );
    // Shades no whole count falls in are not in the legend; each count's shade is.
    let small = legend(3);
    assert_eq!(small, [(2, "1".into()), (4, "2".into()), (5, "3".into())]);
    for (k, words) in small {
        assert_eq!(shade(Some(words.parse().unwrap()), 3), k);
    }
}

#[wasm_bindgen_test]
fn the_map_shades_each_area_by_its_code() {
    let json = br#"{"communes":[
        {"code":"86001","epci":"e1","rings":[[[0.0,46.0],[1.0,46.0],[1.0,47.0],[0.0,46.0]]]},
        {"code":"86002","epci":"e1","rings":[[[1.0,46.0],[2.0,46.0],[2.0,47.0],[1.0,46.0]]]},
        {"code":"86003","epci":"e1","rings":[[[2.0,46.0],[3.0,46.0],[3.0,47.0],[2.0,46.0]]]}],"epci":[]}"#;
    let outlines = Outlines::from_json(json).unwrap();
    let projection = outlines.projection();
    let rows = [row("86001", Some(50)), row("86003", None)];
    let svg = markup(&outlines.communes, &projection, &rows, |a| format!("Commune {}", a.code));
    let classes: Vec<&str> = svg.split(r#"<path class=""#).skip(1).map(|p| &p[..p.find('"').unwrap()]).collect();
    assert_eq!(classes, ["s5", "s0", "s1"]);
    assert!(svg.contains("<title>Commune 86002 : 0</title>") && svg.contains("<title>Commune 86003 : &lt; 5</title>"), "{svg}");
}

#[wasm_bindgen_test]
fn the_filter_reads_back_from_its_query() {
    let asked = Asked {
        du: "2026-01-01".into(),
        au: "2026-06-30".into(),
        commune: "86194".into(),
        lieu: "commune-86194 &x".into(),
        ..Asked::default()
    };
    let query = asked.query();
    assert_eq!(query, "du=2026-01-01&au=2026-06-30&commune=86194&lieu=commune-86194%20%26x");
    assert_eq!(Asked::from_query(&query), asked);
    assert_eq!(Asked::default().query(), "");
    let today = chrono::NaiveDate::from_ymd_opt(2026, 11, 30).unwrap();
    assert_eq!(Asked::this_year(today).query(), "du=2026-01-01&au=2026-11-30");
}

#[wasm_bindgen_test]
fn a_download_keeps_the_servers_file_name_but_never_a_path() {
    assert_eq!(
        attachment_name(r#"attachment; filename="repere_activites_2026-11-30.xlsx""#).as_deref(),
        Some("repere_activites_2026-11-30.xlsx")
    );
    assert_eq!(attachment_name(r#"attachment; filename="../../etc/x""#), None);
    assert_eq!(attachment_name("attachment"), None);
    assert_eq!(attachment_name(r#"attachment; filename="""#), None);
}
