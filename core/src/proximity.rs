//! The nearest places to a point, in exact great-circle order, with filters.
//!
//! Points are stored as unit vectors in 3D. The straight-line (chord) distance between two unit
//! vectors grows strictly with the great-circle distance, so nearest by chord *is* nearest by
//! great circle — no planar approximation, no edge effects at any latitude or across the date line.
//!
//! The index is built once and only read (a registry changes a few times a year; a new one is a
//! new index), so it is a static k-d tree laid out flat rather than a dynamic R-tree. A packed
//! R-tree would store a box per node (six numbers); a k-d tree stores one split per node and
//! bounds each half by the splits above it, which with leaves of tens of points prunes about as
//! well for half the memory of the nodes:
//! - **One array of points, in tree order.** The tree is perfect: every leaf sits at the same
//!   depth and holds at most [`LEAF`] points, and a node's points are the two halves of its
//!   parent's, so which points a node holds follows from halving. An inner node stores its split
//!   axis (the widest spread of its points) and position (its middle point's coordinate); every
//!   node stores its category summary. A leaf's points are contiguous: one run of memory.
//! - **Per-node summaries of the caller's categories.** Each point may carry up to 64 yes/no
//!   categories (the registry's services, publics, cost… one bit per value); every node keeps the
//!   union of its points'. A query names groups of bits of which a place must have at least one
//!   each, and a subtree whose union misses a group is skipped whole, without reading a point.
//!   Points themselves keep no categories (eight more bytes per point): inside a leaf the caller's
//!   predicate decides, as before.
//! - **Compact storage.** 24 bytes of coordinates per point (`f64`: the distances reported are
//!   exact to the millimetre, as the brute-force property test demands; `f32` would be off by up
//!   to half a metre), the slot as `u16` when every slot fits (the Vienne's registry) or `u32`,
//!   and 17 bytes per inner node and 8 per leaf of up to [`LEAF`] points: about 1.45 times a
//!   `kdbush` index of the same points (two `f64` degrees and a slot per point).
//!
//! A query walks depth first, nearer half first, keeping the `k` best accepted points so far; a
//! half is entered only if the box that bounds it (clipped by the splits above) may hold a point
//! closer than the current `k`-th, so the walk stops as soon as the answer is known. Bounds and
//! distances use the same float operations, and a bound's coordinate differences are never larger
//! than a point's: a subtree holding a point at the current `k`-th distance is never skipped, so
//! the order is exact, not approximately so. The predicate is lazy: it is asked only about points
//! that would enter the current best `k`, after the categories have ruled out whole subtrees.
//!
//! ```
//! use repere_core::proximity::{Index, LatLon};
//!
//! let civray = LatLon { lat: 46.148, lon: 0.295 };
//! let poitiers = LatLon { lat: 46.580, lon: 0.340 };
//! let loudun = LatLon { lat: 47.010, lon: 0.083 };
//! // Category bit 0: "helps with paperwork".
//! let paperwork = [true, true, false];
//! let bit = |slot: usize| u64::from(paperwork[slot]);
//! let index = Index::build([(0, poitiers, bit(0)), (1, loudun, bit(1)), (2, civray, bit(2))]);
//! let from = LatLon { lat: 46.25, lon: 0.3 };
//! let hits = index.nearest(from, 2, None, &[], |_| true);
//! assert_eq!(hits.iter().map(|h| h.slot).collect::<Vec<_>>(), vec![2, 0]);
//! assert_eq!(format!("{:.1}", hits[0].km), "11.3");
//! // The bit lets the index skip regions without paperwork help; the predicate judges each place.
//! let hits = index.nearest(from, 2, None, &[0b1], |slot| paperwork[slot as usize]);
//! assert_eq!(hits.iter().map(|h| h.slot).collect::<Vec<_>>(), vec![0, 1]);
//! ```

use std::collections::BinaryHeap;
use std::ops::Range;

/// At most this many points per leaf (leaves hold between half and all of it). Larger leaves
/// mean fewer nodes (less memory, fewer bounds) but more distances per leaf; from 16 to 64 the
/// queries ran within the machine's noise of each other, and from 48 up the nodes keep the whole
/// index under 1.5 times kdbush's memory at every size benchmarked (157, 2,845, 100,000 points).
pub const LEAF: usize = 48;

/// Mean Earth radius (IUGG), in km.
pub const EARTH_RADIUS_KM: f64 = 6371.0088;

/// A point in WGS84 degrees.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct LatLon {
    pub lat: f64,
    pub lon: f64,
}

/// Great-circle distance by the haversine formula, in km.
pub fn haversine_km(a: LatLon, b: LatLon) -> f64 {
    let (la1, la2) = (a.lat.to_radians(), b.lat.to_radians());
    let dlat = la2 - la1;
    let dlon = (b.lon - a.lon).to_radians();
    let h = (dlat / 2.0).sin().powi(2) + la1.cos() * la2.cos() * (dlon / 2.0).sin().powi(2);
    2.0 * EARTH_RADIUS_KM * h.sqrt().min(1.0).asin()
}

fn unit_vector(p: LatLon) -> [f64; 3] {
    let (lat, lon) = (p.lat.to_radians(), p.lon.to_radians());
    [lat.cos() * lon.cos(), lat.cos() * lon.sin(), lat.sin()]
}

fn chord_to_km(chord: f64) -> f64 {
    2.0 * EARTH_RADIUS_KM * (chord / 2.0).min(1.0).asin()
}

fn km_to_chord(km: f64) -> f64 {
    2.0 * (km / (2.0 * EARTH_RADIUS_KM)).min(std::f64::consts::FRAC_PI_2).sin()
}

/// Squared length, summed in one fixed order: bounds and distances must round alike.
fn norm2(d: [f64; 3]) -> f64 {
    d[0] * d[0] + d[1] * d[1] + d[2] * d[2]
}

/// True if `categories` has at least one bit of every group.
fn meets(categories: u64, wanted: &[u64]) -> bool {
    wanted.iter().all(|group| categories & group != 0)
}

/// One result: the caller's slot number and the distance from the query point.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Neighbour {
    pub slot: u32,
    pub km: f64,
}

/// The caller's slots in tree order, two bytes each when they all fit.
enum Slots {
    Narrow(Box<[u16]>),
    Wide(Box<[u32]>),
}

impl Slots {
    fn get(&self, i: usize) -> u32 {
        match self {
            Slots::Narrow(s) => u32::from(s[i]),
            Slots::Wide(s) => s[i],
        }
    }
}

/// A spatial index of slots (the caller's numbering, e.g. positions in a list of places).
pub struct Index {
    /// Unit vectors in tree order: node `i` at depth `d` holds the `i`-th run of halving.
    points: Box<[[f64; 3]]>,
    slots: Slots,
    /// Split axis and position of each inner node: its lower half's points are at most the
    /// position along the axis, the upper half's at least. Nodes are numbered as in a binary
    /// heap: the root is 0, the children of `i` are `2i + 1` (lower half) and `2i + 2`; inner
    /// nodes come first.
    axes: Box<[u8]>,
    splits: Box<[f64]>,
    /// Union of the categories of every point below each node, inner nodes then leaves.
    summaries: Box<[u64]>,
    /// Depth of every leaf (0: the root is the only leaf).
    depth: u32,
}

type Entry = ([f64; 3], u32, u64);

impl Index {
    /// Builds the index once; query it as often as needed. Each point is the caller's slot, its
    /// position and its categories (bits the queries' `wanted` groups refer to; 0 if unused).
    pub fn build(points: impl IntoIterator<Item = (u32, LatLon, u64)>) -> Self {
        let mut entries: Vec<Entry> = points.into_iter().map(|(slot, p, categories)| (unit_vector(p), slot, categories)).collect();
        let mut depth = 0;
        while entries.len().div_ceil(1 << depth) > LEAF {
            depth += 1;
        }
        let inner = (1usize << depth) - 1;
        let mut tree = Tree { axes: vec![0; inner].into(), splits: vec![0.0; inner].into(), summaries: vec![0; 2 * inner + 1].into() };
        tree.split(&mut entries, 0, depth);
        let slots = if entries.iter().all(|e| e.1 <= u32::from(u16::MAX)) {
            Slots::Narrow(entries.iter().map(|e| e.1 as u16).collect())
        } else {
            Slots::Wide(entries.iter().map(|e| e.1).collect())
        };
        Index {
            points: entries.iter().map(|e| e.0).collect(),
            slots,
            axes: tree.axes,
            splits: tree.splits,
            summaries: tree.summaries,
            depth,
        }
    }

    pub fn len(&self) -> usize {
        self.points.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The `k` nearest slots to `from` for which `keep` is true, closest first, none farther
    /// than `max_km`. Equal distances come in no particular order.
    ///
    /// `wanted` lets whole regions be skipped: groups of category bits that every slot `keep`
    /// accepts has at least one of (empty: no such knowledge). A subtree whose summary misses a
    /// group is not read; inside the others `keep` decides, and is asked only about points that
    /// would be among the best `k` found so far.
    pub fn nearest(&self, from: LatLon, k: usize, max_km: Option<f64>, wanted: &[u64], keep: impl FnMut(u32) -> bool) -> Vec<Neighbour> {
        if k == 0 {
            return Vec::new();
        }
        let mut search = Search {
            index: self,
            from: unit_vector(from),
            wanted,
            keep,
            k,
            best: BinaryHeap::with_capacity(k.min(self.len()) + 1),
            radius2: max_km.map_or(f64::INFINITY, |km| km_to_chord(km).powi(2)),
        };
        search.visit(0, self.depth, 0..self.len(), [0.0; 3]);
        search.best.into_sorted_vec().into_iter().map(|c| Neighbour { slot: c.slot, km: chord_to_km(c.d2.sqrt()) }).collect()
    }
}

/// The nodes being built.
struct Tree {
    axes: Box<[u8]>,
    splits: Box<[f64]>,
    summaries: Box<[u64]>,
}

impl Tree {
    /// Orders `entries` as the subtree of `node` with `levels` levels below it, and returns the
    /// union of their categories.
    fn split(&mut self, entries: &mut [Entry], node: usize, levels: u32) -> u64 {
        let summary = if levels == 0 {
            entries.iter().fold(0, |union, e| union | e.2)
        } else {
            let spread = |axis: usize| {
                let (lo, hi) =
                    entries.iter().fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), e| (lo.min(e.0[axis]), hi.max(e.0[axis])));
                hi - lo
            };
            let axis = (0..3).max_by(|a, b| spread(*a).total_cmp(&spread(*b))).unwrap_or(0);
            let mid = entries.len() / 2;
            entries.select_nth_unstable_by(mid, |a, b| a.0[axis].total_cmp(&b.0[axis]));
            // Read now: building the upper half reorders it.
            self.axes[node] = axis as u8;
            self.splits[node] = entries[mid].0[axis];
            let (lower, upper) = entries.split_at_mut(mid);
            self.split(lower, 2 * node + 1, levels - 1) | self.split(upper, 2 * node + 2, levels - 1)
        };
        self.summaries[node] = summary;
        summary
    }
}

/// A point among the best found so far; the heap's top is the farthest of them.
struct Candidate {
    d2: f64,
    slot: u32,
}

impl PartialEq for Candidate {
    fn eq(&self, other: &Self) -> bool {
        self.d2.total_cmp(&other.d2).is_eq()
    }
}
impl Eq for Candidate {}
impl PartialOrd for Candidate {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Candidate {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.d2.total_cmp(&other.d2)
    }
}

struct Search<'a, F> {
    index: &'a Index,
    from: [f64; 3],
    wanted: &'a [u64],
    keep: F,
    k: usize,
    best: BinaryHeap<Candidate>,
    /// Squared chord within which a point may still enter `best`: the cap, then the `k`-th.
    radius2: f64,
}

impl<F: FnMut(u32) -> bool> Search<'_, F> {
    /// Visits `node` (holding `points[range]`, `levels` above its leaves), whose box is
    /// `offset` away from the query point along each axis and no farther than `radius2`.
    fn visit(&mut self, node: usize, levels: u32, range: Range<usize>, mut offset: [f64; 3]) {
        let index = self.index;
        if !meets(index.summaries[node], self.wanted) {
            return;
        }
        if levels == 0 {
            for i in range {
                let p = index.points[i];
                let d2 = norm2([self.from[0] - p[0], self.from[1] - p[1], self.from[2] - p[2]]);
                if d2 <= self.radius2 && (self.keep)(index.slots.get(i)) {
                    self.best.push(Candidate { d2, slot: index.slots.get(i) });
                    if self.best.len() > self.k {
                        self.best.pop();
                    }
                    if self.best.len() == self.k {
                        self.radius2 = self.best.peek().map_or(self.radius2, |c| c.d2);
                    }
                }
            }
            return;
        }
        let axis = usize::from(index.axes[node]);
        let mid = range.start + range.len() / 2;
        let beyond = self.from[axis] - index.splits[node];
        let (lower, upper) = ((2 * node + 1, range.start..mid), (2 * node + 2, mid..range.end));
        let (near, far) = if beyond < 0.0 { (lower, upper) } else { (upper, lower) };
        self.visit(near.0, levels - 1, near.1, offset);
        offset[axis] = beyond;
        if norm2(offset) <= self.radius2 {
            self.visit(far.0, levels - 1, far.1, offset);
        }
    }
}

#[cfg(test)]
mod tests;
