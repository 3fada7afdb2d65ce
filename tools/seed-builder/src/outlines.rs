//! Commune and EPCI outlines for the offline map, simplified (Ramer–Douglas–Peucker, ~100 m)
//! and rounded to 4 decimals (~10 m): small enough to bundle, fine enough to recognise.

use std::path::Path;

use geo::{Coord, LineString, Simplify};
use serde_json::{Value, json};

const TOLERANCE_DEG: f64 = 0.001;

fn simplify_ring(ring: &Value) -> Option<Value> {
    let coords: Vec<Coord> =
        ring.as_array()?.iter().filter_map(|p| Some(Coord { x: p.get(0)?.as_f64()?, y: p.get(1)?.as_f64()? })).collect();
    let simplified = LineString::new(coords).simplify(TOLERANCE_DEG);
    let round = |v: f64| (v * 1e4).round() / 1e4;
    Some(Value::Array(simplified.0.iter().map(|c| json!([round(c.x), round(c.y)])).collect()))
}

/// Every outer and inner ring of a Polygon or MultiPolygon, simplified.
fn rings(geometry: &Value) -> Vec<Value> {
    let polygons: Vec<&Value> = match geometry["type"].as_str() {
        Some("Polygon") => vec![&geometry["coordinates"]],
        Some("MultiPolygon") => geometry["coordinates"].as_array().map(|a| a.iter().collect()).unwrap_or_default(),
        _ => vec![],
    };
    polygons.into_iter().flat_map(|p| p.as_array().cloned().unwrap_or_default()).filter_map(|r| simplify_ring(&r)).collect()
}

fn features(path: &Path) -> Result<Vec<Value>, String> {
    let bytes = std::fs::read(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let doc: Value = serde_json::from_slice(&bytes).map_err(|e| format!("{}: {e}", path.display()))?;
    doc["features"].as_array().cloned().ok_or_else(|| format!("{}: pas de features", path.display()))
}

pub fn build(territory_dir: &Path) -> Result<Vec<u8>, String> {
    let communes: Vec<Value> = features(&territory_dir.join("communes-86.geojson"))?
        .iter()
        .map(|f| json!({ "code": f["properties"]["code_insee"], "epci": f["properties"]["epci_siren"], "rings": rings(&f["geometry"]) }))
        .collect();
    let epci: Vec<Value> = features(&territory_dir.join("epci-86.geojson"))?
        .iter()
        .map(|f| json!({ "siren": f["properties"]["epci_siren"], "nom": f["properties"]["epci_nom"], "rings": rings(&f["geometry"]) }))
        .collect();
    Ok(serde_json::to_vec(&json!({ "communes": communes, "epci": epci })).expect("JSON values"))
}
