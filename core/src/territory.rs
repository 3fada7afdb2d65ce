//! The Vienne's communes and EPCI, and a gazetteer that finds a commune the way people type
//! it: without accents or hyphens, "st" for "saint", a postcode, a typo or two.
//!
//! Ranking: exact name or postcode, then names that start with the query, then names with a
//! word that starts with it, then near misses by edit distance; the larger population first
//! within a rank (the town people most likely mean).
//!
//! ```
//! use repere_core::territory::Territory;
//! use repere_core::text::UNICODE;
//!
//! let csv = "code_insee,nom,codes_postaux,population,epci_siren,epci_nom,latitude,longitude\n\
//!            86066,Châtellerault,86100,31003,200070985,CA Grand Châtellerault,46.8156,0.5521\n\
//!            86214,Saint-Benoît,86280,7416,248600106,CU du Grand Poitiers,46.5466,0.3487\n";
//! let territory = Territory::from_csv(csv.as_bytes(), UNICODE).unwrap();
//! assert_eq!(territory.search("chatelleraut", 5)[0].nom, "Châtellerault");
//! assert_eq!(territory.search("st benoit", 5)[0].nom, "Saint-Benoît");
//! ```

use std::collections::HashMap;

use crate::proximity::LatLon;
use crate::registry::ImportError;
use crate::text::Folder;

/// A commune (2026 code officiel géographique).
#[derive(Clone, Debug, PartialEq)]
pub struct Commune {
    pub code_insee: String,
    pub nom: String,
    pub codes_postaux: Vec<String>,
    pub population: u32,
    pub epci_siren: String,
    pub epci_nom: String,
    /// Centroid (or an interior point when the centroid falls outside).
    pub centre: LatLon,
}

/// How well a commune matched a query; lower is better.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum MatchKind {
    Exact,
    Prefix,
    WordPrefix,
    /// Within this many edits (Damerau–Levenshtein) of the name or of its start.
    Fuzzy(usize),
}

/// Communes, searchable.
pub struct Territory {
    communes: Vec<Commune>,
    /// Folded names, and the folded name without its article ("l isle jourdain" → "isle jourdain").
    keys: Vec<Vec<String>>,
    /// How names and queries are folded.
    folder: Folder,
}

const ARTICLES: [&str; 4] = ["l ", "le ", "la ", "les "];

impl Territory {
    pub fn new(communes: Vec<Commune>, folder: Folder) -> Self {
        let keys = communes
            .iter()
            .map(|c| {
                let name = folder.fold(&c.nom);
                let bare = ARTICLES.iter().find_map(|a| name.strip_prefix(a)).map(str::to_owned);
                std::iter::once(name).chain(bare).collect()
            })
            .collect();
        Territory { communes, keys, folder }
    }

    /// Reads the communes CSV (columns as in `seeds/communes-86.csv`); every bad row is reported.
    pub fn from_csv(bytes: &[u8], folder: Folder) -> Result<Self, Vec<ImportError>> {
        const COLUMNS: [&str; 8] = ["code_insee", "nom", "codes_postaux", "population", "epci_siren", "epci_nom", "latitude", "longitude"];
        let mut reader = csv::ReaderBuilder::new().from_reader(bytes);
        let header = reader.headers().map_err(|e| vec![file_error(&e.to_string())])?.clone();
        let index: HashMap<&str, usize> = header.iter().enumerate().map(|(i, h)| (h, i)).collect();
        let missing: Vec<_> = COLUMNS
            .iter()
            .filter(|c| !index.contains_key(*c))
            .map(|&field| ImportError { row: 1, field, reason: "colonne absente".into() })
            .collect();
        if !missing.is_empty() {
            return Err(missing);
        }
        let (mut communes, mut errors) = (vec![], vec![]);
        for record in reader.records() {
            let record = match record {
                Ok(r) => r,
                Err(e) => {
                    errors.push(file_error(&e.to_string()));
                    break;
                }
            };
            let row = record.position().map_or(0, |p| p.line() as usize);
            let get = |field: &str| record.get(index[field]).unwrap_or("").trim();
            let mut number = |field: &'static str| -> f64 {
                get(field).parse::<f64>().unwrap_or_else(|_| {
                    errors.push(ImportError { row, field, reason: format!("« {} » : nombre attendu", get(field)) });
                    f64::NAN
                })
            };
            let (population, lat, lon) = (number("population"), number("latitude"), number("longitude"));
            if [population, lat, lon].iter().all(|v| v.is_finite()) {
                communes.push(Commune {
                    code_insee: get("code_insee").to_owned(),
                    nom: get("nom").to_owned(),
                    codes_postaux: get("codes_postaux").split('|').map(str::to_owned).collect(),
                    population: population as u32,
                    epci_siren: get("epci_siren").to_owned(),
                    epci_nom: get("epci_nom").to_owned(),
                    centre: LatLon { lat, lon },
                });
            }
        }
        if errors.is_empty() { Ok(Territory::new(communes, folder)) } else { Err(errors) }
    }

    pub fn communes(&self) -> &[Commune] {
        &self.communes
    }

    pub fn by_code(&self, code_insee: &str) -> Option<&Commune> {
        self.communes.iter().find(|c| c.code_insee == code_insee)
    }

    /// The best `limit` communes for what was typed, best first.
    pub fn search(&self, query: &str, limit: usize) -> Vec<&Commune> {
        self.ranked(query).into_iter().take(limit).map(|(_, c)| c).collect()
    }

    /// Every commune that matches at all, with how, best first.
    pub fn ranked(&self, query: &str) -> Vec<(MatchKind, &Commune)> {
        let q = self.folder.fold(query);
        if q.is_empty() {
            return vec![];
        }
        let mut hits: Vec<(MatchKind, &Commune)> = self
            .communes
            .iter()
            .zip(&self.keys)
            .filter_map(|(commune, keys)| {
                let kind = if q.bytes().all(|b| b.is_ascii_digit()) {
                    postcode_match(&q, commune)
                } else {
                    keys.iter().filter_map(|key| name_match(&q, key)).min()
                };
                kind.map(|k| (k, commune))
            })
            .collect();
        crate::order::sort_by(&mut hits, |a, b| a.0.cmp(&b.0).then(b.1.population.cmp(&a.1.population)));
        hits
    }
}

fn file_error(reason: &str) -> ImportError {
    ImportError { row: 0, field: "", reason: reason.to_owned() }
}

fn postcode_match(q: &str, commune: &Commune) -> Option<MatchKind> {
    commune
        .codes_postaux
        .iter()
        .filter_map(|cp| {
            if cp == q {
                Some(MatchKind::Exact)
            } else if cp.starts_with(q) {
                Some(MatchKind::Prefix)
            } else {
                None
            }
        })
        .min()
}

fn name_match(q: &str, key: &str) -> Option<MatchKind> {
    if key == q {
        return Some(MatchKind::Exact);
    }
    if key.starts_with(q) {
        return Some(MatchKind::Prefix);
    }
    if q.len() >= 3 && key.split(' ').any(|w| w.starts_with(q)) {
        return Some(MatchKind::WordPrefix);
    }
    // One typo in a short word, two in a longer one; compared with the whole name and with
    // its start (the person may still be typing).
    let allowed = match q.chars().count() {
        0..=3 => return None,
        4..=7 => 1,
        _ => 2,
    };
    let start: String = key.chars().take(q.chars().count()).collect();
    let distance = strsim::damerau_levenshtein(q, key).min(strsim::damerau_levenshtein(q, &start) + 1);
    (distance <= allowed).then_some(MatchKind::Fuzzy(distance))
}
