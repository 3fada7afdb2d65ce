//! The coverage table as files give it: one row per commune (its nearest help, distance, time,
//! how the time was obtained, whether it is beyond the threshold) and one row per EPCI (communes
//! and people beyond, the roadmap's weight), the same rows on screen, in CSV and in XLSX.

use super::{Access, Coverage, DETOUR, Gap, SPEED_KMH, rupture};
use crate::export::Cell;

/// The communes' table.
pub const COMMUNE_COLUMNS: [&str; 10] = [
    "Code INSEE",
    "Commune",
    "EPCI",
    "Population",
    "Lieu d’aide le plus proche",
    "Identifiant du lieu",
    "Distance à vol d’oiseau (km)",
    "Temps (min)",
    "Temps obtenu par",
    "Au-delà du seuil",
];

/// The EPCI's table; its last row is the Vienne's (its weighted population is the EPCI's sum).
pub const EPCI_COLUMNS: [&str; 8] = [
    "EPCI",
    "SIREN",
    "Indice de rupture",
    "Communes",
    "Population",
    "Communes au-delà du seuil",
    "Population au-delà du seuil",
    "Population au-delà × indice",
];

/// Bands of time the map colours communes by, from the nearest; the second ends at the
/// threshold, so "beyond" is always the darker three.
pub const BANDS: u32 = 5;

/// The band of `minutes` (1 to [`BANDS`]): up to half the threshold, up to it, up to one and a
/// half times it, up to twice it, beyond (or no place at all).
pub fn band(minutes: f64, threshold: f64) -> u32 {
    [0.5, 1.0, 1.5, 2.0].iter().position(|&f| minutes <= threshold * f).map_or(BANDS, |i| i as u32 + 1)
}

/// The words of a band for the legend: « 5 min ou moins », « 5 à 10 min », … « plus de 20 min ».
pub fn band_label(band: u32, threshold: f64) -> String {
    let bound = |f: f64| decimal((threshold * f * 10.0).round() / 10.0);
    match band {
        1 => format!("{} min ou moins", bound(0.5)),
        2..=4 => format!("{} à {} min", bound(0.5 * f64::from(band - 1)), bound(0.5 * f64::from(band))),
        _ => format!("plus de {} min, ou aucun lieu", bound(2.0)),
    }
}

/// The names files show for codes (the territory's and the registry's).
pub trait Names {
    fn commune(&self, code_insee: &str) -> String;
    fn epci(&self, siren: &str) -> String;
    fn place(&self, id: &str) -> String;
}

/// How an estimated time was obtained, in words.
pub fn estimate_method() -> String {
    format!("estimation : vol d’oiseau × {} à {} km/h", decimal(DETOUR), SPEED_KMH)
}

/// One row per commune, in the communes' order.
pub fn commune_rows(coverage: &Coverage, access: &[Access], threshold: f64, names: &impl Names) -> Vec<Vec<Cell>> {
    coverage
        .communes()
        .iter()
        .zip(access)
        .map(|(c, a)| {
            let place = a.place.map(|slot| &coverage.places()[slot as usize]);
            vec![
                Cell::Text(c.code_insee.clone()),
                Cell::Text(names.commune(&c.code_insee)),
                Cell::Text(names.epci(&c.epci)),
                Cell::Number(c.population.into()),
                place.map_or(Cell::Text("aucun lieu".into()), |p| Cell::Text(names.place(&p.id))),
                place.map_or(Cell::Empty, |p| Cell::Text(p.id.clone())),
                tenths(a.km),
                tenths(a.minutes),
                match (a.place, a.routed) {
                    (None, _) => Cell::Empty,
                    (Some(_), true) => Cell::Text("tableau de temps importé".into()),
                    (Some(_), false) => Cell::Text(estimate_method()),
                },
                Cell::Text(if a.minutes > threshold { "oui" } else { "non" }.into()),
            ]
        })
        .collect()
}

/// One row per EPCI, the most weighted population beyond first (ties in SIREN order), then
/// the Vienne's.
pub fn epci_rows(coverage: &Coverage, access: &[Access], threshold: f64, names: &impl Names) -> Vec<Vec<Cell>> {
    let beyond = coverage.beyond_by(access, threshold, |c| c.epci.clone());
    let all = coverage.beyond_by(access, f64::NEG_INFINITY, |c| c.epci.clone());
    let weight = |siren: &str| coverage.communes().iter().find(|c| c.epci == siren).map_or(super::RUPTURE_VIENNE, rupture);
    let row = |name: String, siren: &str, w: u32, gap: Gap, all: Gap, weighted: u64| {
        vec![
            Cell::Text(name),
            if siren.is_empty() { Cell::Empty } else { Cell::Text(siren.to_owned()) },
            Cell::Number(w.into()),
            Cell::Number(all.communes as u64),
            Cell::Number(all.population),
            Cell::Number(gap.communes as u64),
            Cell::Number(gap.population),
            Cell::Number(weighted),
        ]
    };
    let mut rows: Vec<Vec<Cell>> = beyond
        .iter()
        .map(|(siren, gap)| row(names.epci(siren), siren, weight(siren), *gap, all[siren], gap.population * u64::from(weight(siren))))
        .collect();
    // Where help is missing most first: by weighted population beyond, then by SIREN.
    rows.sort_by_key(|r| std::cmp::Reverse(if let Cell::Number(n) = r[7] { n } else { 0 }));
    let weighted = beyond.iter().map(|(siren, gap)| gap.population * u64::from(weight(siren))).sum();
    let total = |groups: &std::collections::BTreeMap<String, Gap>| {
        groups.values().fold(Gap::default(), |t, g| Gap { communes: t.communes + g.communes, population: t.population + g.population })
    };
    rows.push(row("Vienne".into(), "", super::RUPTURE_VIENNE, total(&beyond), total(&all), weighted));
    rows
}

/// A distance or a time with one decimal, as a number (empty when there is no place).
fn tenths(value: f64) -> Cell {
    if value.is_finite() { Cell::Tenths((value * 10.0).round() as u64) } else { Cell::Empty }
}

fn decimal(value: f64) -> String {
    value.to_string().replace('.', ",")
}
