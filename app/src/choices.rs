//! What the resident has chosen so far — needs, filters, and where from — kept while they move
//! between the results, a sheet and the map, so "back" finds the list as they left it.

use leptos::prelude::*;
use repere_core::needs::{Need, services_for};
use repere_core::registry::{Frais, LabelSet, ModaliteAcces, PriseEnCharge, Public};
use repere_core::search::{Filters, Opening};

use crate::route::Origin;

/// A kind of adapted welcome a place can offer: a public it addresses, or a specific support.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Adapted {
    Public(Public),
    Care(PriseEnCharge),
}

#[derive(Clone, Copy)]
pub struct Choices {
    pub needs: RwSignal<Vec<Need>>,
    pub open_now: RwSignal<bool>,
    pub walk_in: RwSignal<bool>,
    pub free: RwSignal<bool>,
    pub at_home: RwSignal<bool>,
    pub adapted: RwSignal<Vec<Adapted>>,
    /// The last place results were measured from, shown on the map.
    pub origin: RwSignal<Option<Origin>>,
}

/// Nothing chosen yet.
impl Default for Choices {
    fn default() -> Self {
        Choices {
            needs: RwSignal::new(Vec::new()),
            open_now: RwSignal::new(false),
            walk_in: RwSignal::new(false),
            free: RwSignal::new(false),
            at_home: RwSignal::new(false),
            adapted: RwSignal::new(Vec::new()),
            origin: RwSignal::new(None),
        }
    }
}

impl Choices {
    /// The core's filters for these choices at local time `now` (tracks every choice).
    pub fn filters(&self, now: chrono::NaiveDateTime) -> Filters {
        let mut filters = Filters { services: services_for(&self.needs.get()), at_home: self.at_home.get(), ..Filters::default() };
        if self.open_now.get() {
            filters.opening = Some(Opening::At(now));
        }
        if self.walk_in.get() {
            filters.acces.insert(ModaliteAcces::SePresenter);
        }
        if self.free.get() {
            filters.frais.insert(Frais::Gratuit);
        }
        for adapted in self.adapted.get() {
            match adapted {
                Adapted::Public(p) => filters.publics.insert(p),
                Adapted::Care(c) => filters.prise_en_charge.insert(c),
            }
        }
        filters
    }
}

/// Toggles `value` in a list signal.
pub fn toggle<T: PartialEq + Send + Sync + 'static>(list: RwSignal<Vec<T>>, value: T) {
    list.update(|l| match l.iter().position(|v| *v == value) {
        Some(i) => {
            l.remove(i);
        }
        None => l.push(value),
    });
}

/// The adapted welcomes some place of the registry offers: only those are worth a filter.
pub fn adapted_on_offer<'a>(places: impl IntoIterator<Item = &'a repere_core::registry::Place>) -> Vec<Adapted> {
    let (mut publics, mut care) = (LabelSet::<Public>::new(), LabelSet::<PriseEnCharge>::new());
    for p in places {
        publics = publics.union(&p.publics_specifiquement_adresses);
        care = care.union(&p.prise_en_charge_specifique);
    }
    publics.iter().map(Adapted::Public).chain(care.iter().map(Adapted::Care)).collect()
}
