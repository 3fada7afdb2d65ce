//! Stable sorting through one copy of the standard library's sort. `slice::sort_by` is
//! compiled again for every element type and comparator (about 4 KiB each in the phone's
//! bundle); these sort indices with a comparator behind `dyn`, so every caller shares one.
//! Equal elements keep their order, as with `sort_by`.
//!
//! ```
//! let mut words = vec!["pré", "bus", "car", "axe"];
//! repere_core::order::sort_by(&mut words, |a, b| a.len().cmp(&b.len()).then(a.as_bytes()[0].cmp(&b.as_bytes()[0])));
//! assert_eq!(words, ["axe", "bus", "car", "pré"]);
//! ```

use std::cmp::Ordering;

/// The indices `0..len`, stably sorted by `cmp` on them.
pub fn sorted_indices(len: usize, cmp: &dyn Fn(usize, usize) -> Ordering) -> Vec<usize> {
    let mut order: Vec<usize> = (0..len).collect();
    order.sort_by(|&a, &b| cmp(a, b));
    order
}

/// `items.sort_by(cmp)`, through [`sorted_indices`].
pub fn sort_by<T>(items: &mut Vec<T>, cmp: impl Fn(&T, &T) -> Ordering) {
    let order = sorted_indices(items.len(), &|a, b| cmp(&items[a], &items[b]));
    let mut slots: Vec<Option<T>> = std::mem::take(items).into_iter().map(Some).collect();
    items.extend(order.into_iter().map(|i| slots[i].take().expect("each index once")));
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    proptest! {
        /// The same order as the standard sort, equal keys included (stability).
        #[test]
        fn sorts_as_the_standard_sort(pairs in proptest::collection::vec((0u8..5, any::<u16>()), 0..60)) {
            let mut ours = pairs.clone();
            super::sort_by(&mut ours, |a, b| a.0.cmp(&b.0));
            let mut std = pairs;
            std.sort_by_key(|p| p.0);
            prop_assert_eq!(ours, std);
        }
    }
}
