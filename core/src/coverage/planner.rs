//! Where a bus should stop, or a permanence open: k new stops that bring the most people within
//! the threshold, weighted by how cut off from digital services their EPCI is; and what closing
//! a place would cost.
//!
//! Choosing k stops that cover the most weighted population is maximum coverage: NP-hard, but
//! the coverage of a set of stops is monotone and submodular, so adding each time the stop that
//! covers the most still uncovered weight reaches at least (1 − 1/e) ≈ 63 % of the optimum
//! (Nemhauser, Wolsey & Fisher 1978), and no polynomial method does better in general (Feige
//! 1998). Gains only shrink as stops are added, so a stop's last computed gain bounds its
//! current one: the lazy greedy (Minoux 1978) recomputes only the stop on top of the heap.

use std::cmp::Reverse;
use std::collections::BinaryHeap;

use super::{Access, Commune, Coverage, estimate_km, estimate_minutes};
use crate::proximity::Index;

/// The roadmap's "indice de rupture face au numérique" per EPCI of the Vienne, keyed by the
/// EPCI's SIREN (as in `seeds/communes-86.csv`): the higher, the more people there are cut off
/// from digital services, so the more a person there counts when choosing stops. Data, not
/// code: the planner takes any weight; this is the département's table.
pub const RUPTURE: [(&str, u32); 7] = [
    ("200070035", 14), // CC du Civraisien en Poitou
    ("248600413", 13), // CA Grand Châtellerault
    ("200069854", 11), // CU du Grand Poitiers
    ("200069763", 7),  // CC du Haut-Poitou
    ("248600447", 13), // CC du Pays Loudunais
    ("200043628", 7),  // CC des Vallées du Clain
    ("200070043", 14), // CC Vienne et Gartempe
];

/// The roadmap's index for the Vienne as a whole: the weight of an EPCI the table lacks.
pub const RUPTURE_VIENNE: u32 = 12;

/// The roadmap's weight of a commune's EPCI ([`RUPTURE`], else [`RUPTURE_VIENNE`]).
pub fn rupture(commune: &Commune) -> u32 {
    RUPTURE.iter().find(|(siren, _)| *siren == commune.epci).map_or(RUPTURE_VIENNE, |&(_, w)| w)
}

/// One stop the planner added, with what it brings on top of the stops before it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Stop {
    /// The commune where the stop is (its position in the communes).
    pub commune: usize,
    /// The communes it brings within the threshold that no earlier stop did.
    pub newly: Vec<usize>,
    /// Their population.
    pub people: u64,
    /// Their population, each weighted by its EPCI's weight.
    pub weighted: u64,
}

/// The communes that would fall beyond the threshold if a place closed, and their population.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Closing {
    pub communes: Vec<usize>,
    pub population: u64,
}

/// The communes beyond the threshold, and which of them a stop at each commune would bring
/// within it (by the estimate: a new stop is in no routed table).
pub struct Planner {
    reach: Vec<Vec<usize>>,
    /// Population × weight of each commune beyond the threshold, 0 for those within it.
    weight: Vec<u64>,
    population: Vec<u64>,
}

impl Planner {
    /// `access` is the communes' current access ([`Coverage::access`]); `weight` gives each
    /// commune's weight (e.g. [`rupture`], or `|_| 1` for plain people).
    pub fn new(coverage: &Coverage, access: &[Access], threshold: f64, weight: impl Fn(&Commune) -> u32) -> Self {
        let communes = coverage.communes();
        let beyond: Vec<bool> = access.iter().map(|a| a.minutes > threshold).collect();
        let uncovered = beyond.iter().filter(|b| **b).count();
        let index = Index::build(communes.iter().enumerate().map(|(i, c)| (i as u32, c.centre, 0)));
        let max_km = estimate_km(threshold);
        let reach = communes
            .iter()
            .map(|c| {
                let near = index.nearest(c.centre, uncovered, Some(max_km), &[], |j| beyond[j as usize]);
                let mut within: Vec<usize> = near.iter().filter(|n| estimate_minutes(n.km) <= threshold).map(|n| n.slot as usize).collect();
                within.sort_unstable();
                within
            })
            .collect();
        let population: Vec<u64> = communes.iter().map(|c| u64::from(c.population)).collect();
        let weight =
            communes.iter().zip(&beyond).map(|(c, &b)| if b { u64::from(c.population) * u64::from(weight(c)) } else { 0 }).collect();
        Planner { reach, weight, population }
    }

    /// The communes now beyond the threshold that a stop at commune `candidate` would bring within it.
    pub fn reach(&self, candidate: usize) -> &[usize] {
        &self.reach[candidate]
    }

    /// The weighted population a set of stops would bring within the threshold (a commune
    /// reached by several stops counts once): how the planner scores any set, a hand-picked one too.
    pub fn value(&self, stops: &[usize]) -> u64 {
        let mut seen = vec![false; self.weight.len()];
        let mut total = 0;
        for &j in stops.iter().flat_map(|&s| &self.reach[s]) {
            if !std::mem::replace(&mut seen[j], true) {
                total += self.weight[j];
            }
        }
        total
    }

    /// Up to `k` stops, each the one that adds the most weighted population (ties: the commune
    /// listed first); fewer when no further stop would bring anyone within the threshold.
    pub fn greedy(&self, k: usize) -> Vec<Stop> {
        let mut covered = vec![false; self.weight.len()];
        let gain = |c: usize, covered: &[bool]| self.reach[c].iter().filter(|&&j| !covered[j]).map(|&j| self.weight[j]).sum::<u64>();
        let mut heap: BinaryHeap<(u64, Reverse<usize>)> = (0..self.reach.len()).map(|c| (gain(c, &covered), Reverse(c))).collect();
        let mut stops = Vec::with_capacity(k);
        while stops.len() < k {
            let Some((bound, Reverse(c))) = heap.pop() else { break };
            if bound == 0 {
                break;
            }
            let now = gain(c, &covered);
            if now < bound {
                heap.push((now, Reverse(c)));
                continue;
            }
            let newly: Vec<usize> = self.reach[c].iter().copied().filter(|&j| !covered[j]).collect();
            for &j in &newly {
                covered[j] = true;
            }
            let people = newly.iter().map(|&j| self.population[j]).sum();
            stops.push(Stop { commune: c, people, weighted: now, newly });
        }
        stops
    }
}

impl Coverage<'_> {
    /// The communes now within `threshold` that would be beyond it if place `slot` closed
    /// (their next place being too far), and their population.
    pub fn closing(&self, access: &[Access], slot: u32, threshold: f64) -> Closing {
        let mut closing = Closing::default();
        for (c, a) in access.iter().enumerate() {
            if a.place == Some(slot) && a.minutes <= threshold && self.access_of(c, Some(slot)).minutes > threshold {
                closing.communes.push(c);
                closing.population += u64::from(self.communes()[c].population);
            }
        }
        closing
    }
}
