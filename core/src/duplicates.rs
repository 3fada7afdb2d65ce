//! Likely duplicates among published places, for a coordinator to review: the same structure
//! often comes from two sources (a France Services and the conseiller numérique working there, a
//! "COMMUNE DE …" and a "MAIRIE DE …"), and a resident then sees one office twice, or two
//! numbers for it. Three signals, as the roadmap's registry work names them: the same phone, the
//! same address, alike names in neighbouring communes. Two signals make a pair *likely*; one
//! makes it worth a look. Places a coordinator kept apart are never flagged again, whatever
//! later imports bring (the caller passes those decisions).
//!
//! Phones and addresses are grouped by exact key, and names are compared only with the places
//! within [`NEIGHBOURHOOD_KM`] (by the proximity index), so the work grows with the places, not
//! with their pairs.

use std::collections::{BTreeMap, HashMap, HashSet};

use crate::proximity::{Index, LatLon};
use crate::registry::Place;
use crate::text::Folder;

/// "Neighbouring communes": a commune of the Vienne is about 6 km across on average (265
/// communes, 7,000 km²), so 15 km reaches the communes around a place and the ring after.
pub const NEIGHBOURHOOD_KM: f64 = 15.0;

/// Places compared by name around each place, at most (the nearest first).
const NEAR: usize = 40;

/// Names at least this similar are alike (folded, small words dropped): the share of common
/// words (Jaccard), or the whole names' normalised Damerau–Levenshtein similarity, which
/// catches typos ("Mairie de Latillé" / "mairie de latille").
const ALIKE: f64 = 0.8;

/// Words that tell nothing of which structure it is.
const SMALL_WORDS: [&str; 12] = ["de", "d", "du", "des", "la", "le", "les", "l", "et", "a", "au", "aux"];

/// Why two places look like one.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Reason {
    SamePhone,
    SameAddress,
    AlikeNames,
}

/// Two places (positions in the slice given) and why they look like one.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Suspect {
    pub a: usize,
    pub b: usize,
    pub reasons: Vec<Reason>,
}

impl Suspect {
    /// Two signals or more.
    pub fn likely(&self) -> bool {
        self.reasons.len() >= 2
    }
}

/// The pair of ids a decision is remembered by (in order, so either way round is the same).
pub fn pair_key(a: &str, b: &str) -> (String, String) {
    if a <= b { (a.to_owned(), b.to_owned()) } else { (b.to_owned(), a.to_owned()) }
}

/// The suspect pairs among `places`, most signals first (then in the places' order), leaving out
/// the pairs in `kept_apart` (by [`pair_key`] of their ids).
pub fn suspects(places: &[Place], folder: &Folder, kept_apart: &HashSet<(String, String)>) -> Vec<Suspect> {
    let mut found: BTreeMap<(usize, usize), Vec<Reason>> = BTreeMap::new();
    let mut add = |i: usize, j: usize, reason: Reason| {
        let key = (i.min(j), i.max(j));
        let reasons = found.entry(key).or_default();
        if !reasons.contains(&reason) {
            reasons.push(reason);
        }
    };
    let phone = |p: &Place| p.telephone.clone();
    for group in groups(places, phone) {
        pairs(&group, |i, j| add(i, j, Reason::SamePhone));
    }
    let address = |p: &Place| street(&folder.fold(&p.adresse)).map(|street| format!("{street} {}", p.code_postal));
    for group in groups(places, address) {
        pairs(&group, |i, j| add(i, j, Reason::SameAddress));
    }
    let names: Vec<Vec<String>> = places.iter().map(|p| words(&folder.fold(&p.nom))).collect();
    let at = |p: &Place| p.position.map(|q| LatLon { lat: q.lat, lon: q.lon });
    let index = Index::build(places.iter().enumerate().filter_map(|(i, p)| Some((i as u32, at(p)?, 0))));
    for (i, place) in places.iter().enumerate() {
        let Some(from) = at(place) else { continue };
        for near in index.nearest(from, NEAR, Some(NEIGHBOURHOOD_KM), &[], |j| j as usize > i) {
            let j = near.slot as usize;
            if alike(&names[i], &names[j]) {
                add(i, j, Reason::AlikeNames);
            }
        }
    }
    let mut suspects: Vec<Suspect> = found
        .into_iter()
        .filter(|((a, b), _)| !kept_apart.contains(&pair_key(&places[*a].id, &places[*b].id)))
        .map(|((a, b), mut reasons)| {
            reasons.sort();
            Suspect { a, b, reasons }
        })
        .collect();
    suspects.sort_by_key(|s| std::cmp::Reverse(s.reasons.len()));
    suspects
}

/// Positions of the places sharing each key, for the keys two places or more share.
fn groups(places: &[Place], key: impl Fn(&Place) -> Option<String>) -> Vec<Vec<usize>> {
    let mut by: HashMap<String, Vec<usize>> = HashMap::new();
    for (i, p) in places.iter().enumerate() {
        if let Some(k) = key(p) {
            by.entry(k).or_default().push(i);
        }
    }
    by.into_values().filter(|g| g.len() > 1).collect()
}

fn pairs(group: &[usize], mut f: impl FnMut(usize, usize)) {
    for (n, &i) in group.iter().enumerate() {
        for &j in &group[n + 1..] {
            f(i, j);
        }
    }
}

/// A folded address without its number: sources disagree on it for one door ("1 place du
/// Champ de Foire", "Place du champ de foire"). `None` when nothing is left.
fn street(folded: &str) -> Option<String> {
    let words: Vec<&str> = folded.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()).collect();
    let number = |w: &&str| w.chars().all(|c| c.is_ascii_digit()) || ["bis", "ter"].contains(w);
    let rest: Vec<&str> = words.into_iter().skip_while(number).collect();
    (!rest.is_empty()).then(|| rest.join(" "))
}

/// A folded name's telling words.
fn words(folded: &str) -> Vec<String> {
    folded.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty() && !SMALL_WORDS.contains(w)).map(str::to_owned).collect()
}

fn alike(a: &[String], b: &[String]) -> bool {
    if a.is_empty() || b.is_empty() {
        return false;
    }
    let (sa, sb): (HashSet<&String>, HashSet<&String>) = (a.iter().collect(), b.iter().collect());
    let jaccard = sa.intersection(&sb).count() as f64 / sa.union(&sb).count() as f64;
    jaccard >= ALIKE || strsim::normalized_damerau_levenshtein(&a.join(" "), &b.join(" ")) >= ALIKE
}

#[cfg(test)]
mod tests;
