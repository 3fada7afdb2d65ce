//! The offline map: commune and EPCI outlines (bundled, no tile server) projected to SVG
//! coordinates, and the pan/zoom state of the view.
//!
//! The projection is equirectangular around the département's middle latitude: at the scale
//! of the Vienne (about 130 km) it is indistinguishable from a proper conformal projection,
//! and it is a multiplication per point.
//!
//! ```
//! use repere_core::map::{Outlines, View};
//! use repere_core::proximity::LatLon;
//!
//! let json = br#"{"communes":[{"code":"86001","epci":"200070043","rings":[[[0.0,46.0],[1.0,46.0],[1.0,47.0],[0.0,46.0]]]}],"epci":[]}"#;
//! let outlines = Outlines::from_json(json).unwrap();
//! let projection = outlines.projection();
//! assert_eq!(projection.point(LatLon { lat: 47.0, lon: 0.0 }), (0.0, 0.0));
//! assert_eq!(projection.point(LatLon { lat: 47.0, lon: 1.0 }), (1000.0, 0.0));
//! assert_eq!(outlines.communes[0].path(&projection), "M0 1452.7L1000 1452.7L1000 0L0 1452.7Z");
//! let view = View::whole(&projection).zoomed(2.0, None);
//! assert_eq!(view.scale, 2.0);
//! ```

use std::fmt::Write;

use serde_json::Value;

use crate::proximity::LatLon;

/// Width of the map in SVG units; the height follows the département's shape.
pub const WIDTH: f64 = 1000.0;
/// Zoom limits: the whole département, and about one commune.
pub const MAX_SCALE: f64 = 16.0;

/// One outlined area: a commune (code INSEE) or an EPCI (SIREN).
#[derive(Clone, Debug, PartialEq)]
pub struct Outline {
    pub code: String,
    /// The commune's EPCI, or the EPCI's name.
    pub label: String,
    /// Closed rings of (lat, lon) points; several for areas in pieces.
    pub rings: Vec<Vec<LatLon>>,
}

/// The département's outlines, as the seed builder writes them (`seeds/territoire-86.json`).
#[derive(Clone, Debug, PartialEq)]
pub struct Outlines {
    pub communes: Vec<Outline>,
    pub epci: Vec<Outline>,
}

/// Maps (lat, lon) to SVG (x, y), y downwards, the bounding box filling `WIDTH`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Projection {
    west: f64,
    north: f64,
    /// SVG units per degree of longitude; latitude is stretched by 1 / cos(middle latitude).
    unit: f64,
    stretch: f64,
    pub height: f64,
}

impl Projection {
    /// Fits the box spanned by `points`.
    pub fn fit(points: impl IntoIterator<Item = LatLon>) -> Projection {
        let (mut west, mut east, mut south, mut north) = (f64::MAX, f64::MIN, f64::MAX, f64::MIN);
        for p in points {
            west = west.min(p.lon);
            east = east.max(p.lon);
            south = south.min(p.lat);
            north = north.max(p.lat);
        }
        if west > east {
            (west, east, south, north) = (0.0, 1.0, 0.0, 1.0);
        }
        let stretch = 1.0 / ((south + north) / 2.0).to_radians().cos();
        let unit = WIDTH / (east - west).max(1e-9);
        Projection { west, north, unit, stretch, height: (north - south) * unit * stretch }
    }

    pub fn point(&self, p: LatLon) -> (f64, f64) {
        ((p.lon - self.west) * self.unit, (self.north - p.lat) * self.unit * self.stretch)
    }
}

impl Outline {
    /// SVG path data, one decimal (a tenth of a unit is a few metres at full zoom).
    pub fn path(&self, projection: &Projection) -> String {
        let mut d = String::new();
        for ring in &self.rings {
            for (i, p) in ring.iter().enumerate() {
                let (x, y) = projection.point(*p);
                let _ = write!(d, "{}{}", if i == 0 { "M" } else { "L" }, round(x));
                let _ = write!(d, " {}", round(y));
            }
            d.push('Z');
        }
        d
    }
}

fn round(v: f64) -> f64 {
    (v * 10.0).round() / 10.0
}

impl Outlines {
    /// Reads the outlines; the error names the area and what is wrong with it.
    pub fn from_json(bytes: &[u8]) -> Result<Outlines, String> {
        let root: Value = serde_json::from_slice(bytes).map_err(|e| format!("outlines: {e}"))?;
        Ok(Outlines { communes: areas(&root, "communes", "code", "epci")?, epci: areas(&root, "epci", "siren", "nom")? })
    }

    /// The projection that fits every commune.
    pub fn projection(&self) -> Projection {
        Projection::fit(self.communes.iter().flat_map(|c| c.rings.iter().flatten().copied()))
    }
}

fn areas(root: &Value, list: &str, code: &str, label: &str) -> Result<Vec<Outline>, String> {
    let items = root.get(list).and_then(Value::as_array).ok_or_else(|| format!("outlines: no list `{list}`"))?;
    items
        .iter()
        .enumerate()
        .map(|(i, item)| {
            let text = |key: &str| {
                item.get(key).and_then(Value::as_str).map(str::to_owned).ok_or_else(|| format!("outlines: {list}[{i}]: no text `{key}`"))
            };
            let rings = item
                .get("rings")
                .and_then(Value::as_array)
                .ok_or_else(|| format!("outlines: {list}[{i}]: no `rings`"))?
                .iter()
                .map(|ring| ring.as_array().and_then(|points| points.iter().map(lat_lon).collect::<Option<Vec<_>>>()))
                .collect::<Option<Vec<_>>>()
                .ok_or_else(|| format!("outlines: {list}[{i}]: a ring is not a list of [lon, lat]"))?;
            Ok(Outline { code: text(code)?, label: text(label)?, rings })
        })
        .collect()
}

fn lat_lon(point: &Value) -> Option<LatLon> {
    match point.as_array()?.as_slice() {
        [lon, lat] => Some(LatLon { lat: lat.as_f64()?, lon: lon.as_f64()? }),
        _ => None,
    }
}

/// What part of the map is shown: a centre in SVG units and a zoom factor (1 = everything).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct View {
    pub cx: f64,
    pub cy: f64,
    pub scale: f64,
    width: f64,
    height: f64,
}

impl View {
    pub fn whole(projection: &Projection) -> View {
        View { cx: WIDTH / 2.0, cy: projection.height / 2.0, scale: 1.0, width: WIDTH, height: projection.height }
    }

    /// Zooms by `factor`, keeping `around` (an SVG point) where it is on screen, or the centre.
    pub fn zoomed(self, factor: f64, around: Option<(f64, f64)>) -> View {
        let scale = (self.scale * factor).clamp(1.0, MAX_SCALE);
        let f = scale / self.scale;
        let (ax, ay) = around.unwrap_or((self.cx, self.cy));
        View { cx: ax + (self.cx - ax) / f, cy: ay + (self.cy - ay) / f, scale, ..self }.clamped()
    }

    /// Moves by a fraction of the visible width and height (0.25 = a quarter of the screen).
    pub fn panned(self, fx: f64, fy: f64) -> View {
        self.moved(fx * self.width / self.scale, fy * self.height / self.scale)
    }

    /// Moves by SVG units.
    pub fn moved(self, dx: f64, dy: f64) -> View {
        View { cx: self.cx + dx, cy: self.cy + dy, ..self }.clamped()
    }

    /// Centres on a point, zoomed at least to `scale`.
    pub fn centred(self, (x, y): (f64, f64), scale: f64) -> View {
        View { cx: x, cy: y, scale: scale.clamp(1.0, MAX_SCALE).max(self.scale), ..self }.clamped()
    }

    /// The centre stays over the département.
    fn clamped(self) -> View {
        View { cx: self.cx.clamp(0.0, self.width), cy: self.cy.clamp(0.0, self.height), ..self }
    }

    /// The SVG `viewBox` attribute.
    pub fn view_box(&self) -> String {
        let (w, h) = (self.width / self.scale, self.height / self.scale);
        format!("{:.1} {:.1} {:.1} {:.1}", self.cx - w / 2.0, self.cy - h / 2.0, w, h)
    }

    /// SVG units per screen pixel when the map is `pixels` wide, to turn finger moves into map moves.
    pub fn units_per_pixel(&self, pixels: f64) -> f64 {
        self.width / self.scale / pixels.max(1.0)
    }
}

/// The population of the smallest town named on the whole map: a few thousand people, about
/// twenty towns in the Vienne; a quarter of it at twice the zoom, and so on.
pub const TOWN_POPULATION: f64 = 3000.0;

/// Width of a label per character, in font sizes: a generous average for a sans-serif.
const CHAR_WIDTH: f64 = 0.62;

/// The towns to name on the map at one zoom: `towns` are (name, population, SVG point), `font`
/// the labels' height in SVG units at this zoom, `scale` the zoom (1 = the whole département).
/// Towns of at least [`TOWN_POPULATION`] / scale² people, the most populated first, each kept
/// only where its label (centred above its point, with a margin of a font around it) overlaps none
/// kept before: at the whole département a phone shows the main towns (Poitiers, Châtellerault,
/// Loudun…), and zooming in names the smaller ones, so that a person finds themself on a map
/// without tiles. Returns the indices kept, most populated first.
pub fn town_labels(towns: &[(&str, u32, (f64, f64))], font: f64, scale: f64) -> Vec<usize> {
    let least = TOWN_POPULATION / scale.max(1.0).powi(2);
    let mut order: Vec<usize> = (0..towns.len()).filter(|&i| f64::from(towns[i].1) >= least).collect();
    crate::order::sort_by(&mut order, |&a, &b| towns[b].1.cmp(&towns[a].1));
    let boxes: Vec<[f64; 4]> = towns
        .iter()
        .map(|(name, _, (x, y))| {
            let half = (name.chars().count() as f64 * CHAR_WIDTH * font) / 2.0 + font;
            [x - half, y - 1.9 * font, x + half, y + 0.4 * font]
        })
        .collect();
    let mut kept: Vec<usize> = vec![];
    for i in order {
        let [a0, a1, a2, a3] = boxes[i];
        if kept.iter().all(|&k| {
            let [b0, b1, b2, b3] = boxes[k];
            a2 <= b0 || b2 <= a0 || a3 <= b1 || b3 <= a1
        }) {
            kept.push(i);
        }
    }
    kept
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bundled_outlines_read_and_project_inside_the_frame() {
        let bytes = std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/../seeds/territoire-86.json")).unwrap();
        let outlines = Outlines::from_json(&bytes).unwrap();
        assert_eq!((outlines.communes.len(), outlines.epci.len()), (265, 7));
        let projection = outlines.projection();
        // The Vienne is taller than wide once latitude is stretched.
        assert!(projection.height > WIDTH && projection.height < 1.6 * WIDTH, "{}", projection.height);
        // Poitiers lies inside the frame, in its middle third.
        let (x, y) = projection.point(LatLon { lat: 46.58, lon: 0.34 });
        assert!((0.0..WIDTH).contains(&x) && (0.0..projection.height).contains(&y));
        assert!(y > projection.height / 3.0 && y < 2.0 * projection.height / 3.0, "{y}");
    }

    #[test]
    fn bad_outlines_say_where() {
        let err = Outlines::from_json(br#"{"communes":[{"code":"1","epci":"2","rings":[[[0,1,2]]]}],"epci":[]}"#).unwrap_err();
        assert_eq!(err, "outlines: communes[0]: a ring is not a list of [lon, lat]");
        assert_eq!(Outlines::from_json(br#"{"communes":[]}"#).unwrap_err(), "outlines: no list `epci`");
    }

    #[test]
    fn zoom_keeps_the_point_under_the_finger_and_stays_in_bounds() {
        let projection = Projection::fit([LatLon { lat: 46.0, lon: 0.0 }, LatLon { lat: 47.0, lon: 1.0 }]);
        let whole = View::whole(&projection);
        let zoomed = whole.zoomed(2.0, Some((250.0, 250.0)));
        assert_eq!((zoomed.cx, zoomed.cy, zoomed.scale), (375.0, 250.0 + (whole.cy - 250.0) / 2.0, 2.0));
        assert_eq!(whole.zoomed(0.5, None), whole, "never smaller than the whole département");
        assert_eq!(whole.zoomed(100.0, None).scale, MAX_SCALE);
        let far = whole.panned(10.0, -10.0);
        assert_eq!((far.cx, far.cy), (WIDTH, 0.0));
        assert_eq!(whole.view_box(), format!("0.0 0.0 1000.0 {:.1}", projection.height));
    }

    #[test]
    fn town_labels_name_the_biggest_towns_first_never_overlap_and_more_when_zoomed() {
        let territory = crate::territory::Territory::from_csv(
            &std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/../seeds/communes-86.csv")).unwrap(),
            crate::text::UNICODE,
        )
        .unwrap();
        let bytes = std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/../seeds/territoire-86.json")).unwrap();
        let projection = Outlines::from_json(&bytes).unwrap().projection();
        let towns: Vec<(&str, u32, (f64, f64))> =
            territory.communes().iter().map(|c| (c.nom.as_str(), c.population, projection.point(c.centre))).collect();
        // A 390-pixel phone showing the whole map: 1,000 units over 390 pixels, labels of 12 pixels.
        let whole = town_labels(&towns, 12.0 * WIDTH / 390.0, 1.0);
        let names: Vec<&str> = whole.iter().map(|&i| towns[i].0).collect();
        assert_eq!(&names[..2], ["Poitiers", "Châtellerault"]);
        assert!(names.contains(&"Loudun") && names.contains(&"Montmorillon"), "{names:?}");
        assert!((6..=20).contains(&names.len()), "{names:?}");
        assert!(whole.iter().all(|&i| f64::from(towns[i].1) >= TOWN_POPULATION));
        // No two kept labels overlap: checked against a brute force of the boxes.
        let font = 12.0 * WIDTH / 390.0;
        for (n, &i) in whole.iter().enumerate() {
            for &j in &whole[..n] {
                let (wi, wj) = (towns[i].0.chars().count() as f64, towns[j].0.chars().count() as f64);
                let dx = (towns[i].2.0 - towns[j].2.0).abs();
                let dy = (towns[i].2.1 - towns[j].2.1).abs();
                let apart_x = dx >= (wi + wj) * CHAR_WIDTH * font / 2.0 + 2.0 * font;
                assert!(apart_x || dy >= 2.3 * font, "{} and {}", towns[i].0, towns[j].0);
            }
        }
        // Zoomed 4 times, labels are 4 times smaller in map units: more towns are named.
        let zoomed = town_labels(&towns, font / 4.0, 4.0);
        assert!(zoomed.len() > 3 * whole.len(), "{} vs {}", zoomed.len(), whole.len());
    }
}
