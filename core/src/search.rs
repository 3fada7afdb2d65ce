//! The resident's question: which places near me help with what I need, and are open?
//!
//! [`Finder`] holds the registry's places and their spatial index, built once; [`Filters`] says
//! what a place must offer. A set filter keeps places offering *any* of its values (asking for
//! "démarches" or "téléphone" shows both); an empty set filters nothing.
//!
//! ```
//! use repere_core::hours::Window;
//! use repere_core::registry::{import_csv, Service};
//! use repere_core::search::{Filters, Finder, format_km};
//! use repere_core::proximity::LatLon;
//!
//! let csv = "id,pivot,nom,commune,code_postal,adresse,date_maj,latitude,longitude,services\n\
//!            a,00000000000000,Mairie,Civray,86400,1 rue A,2024-01-31,46.148,0.295,Aide aux démarches administratives\n\
//!            b,00000000000000,Médiathèque,Civray,86400,2 rue B,2024-01-31,46.150,0.300,Loisirs et créations numériques\n";
//! let finder = Finder::new(import_csv(csv.as_bytes(), Window::new(2026, 2028).unwrap()).places, repere_core::text::UNICODE);
//! let mut filters = Filters::default();
//! filters.services.insert(Service::DemarchesAdministratives);
//! let found = finder.nearest(LatLon { lat: 46.16, lon: 0.30 }, 5, &filters);
//! assert_eq!(found.len(), 1);
//! assert_eq!((found[0].place.nom.as_str(), format_km(found[0].km).as_str()), ("Mairie", "1,4 km"));
//! ```

use chrono::NaiveDateTime;

use crate::hours::Schedule;
use crate::proximity::{Index, LatLon};
use crate::registry::*;
use crate::text::Folder;

mod far;
mod visits;

pub use far::{NO_TRIP_FIRST, Results, no_trip};
pub use visits::{PASSAGES_DAYS, Visit};

/// When the place must be open.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Opening {
    /// Open at this moment (local time).
    At(NaiveDateTime),
    /// Open at some moment from this time and within this many days.
    Within(NaiveDateTime, u32),
}

/// What a place must offer. Places without published hours never pass an opening filter, nor
/// places whose hours are not known for the days asked (see [`crate::hours::Status::ToConfirm`]).
/// A stop of a place's tour offers what its place offers, but opens when the bus is there: the
/// opening filter reads the stop's hours ([`Filters::accepts_stop`]).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Filters {
    pub services: LabelSet<Service>,
    pub publics: LabelSet<Public>,
    pub prise_en_charge: LabelSet<PriseEnCharge>,
    pub acces: LabelSet<ModaliteAcces>,
    pub accompagnement: LabelSet<ModaliteAccompagnement>,
    pub frais: LabelSet<Frais>,
    pub dispositifs: LabelSet<Dispositif>,
    pub opening: Option<Opening>,
    /// Only structures that visit people at home.
    pub at_home: bool,
    /// Farther places are left out.
    pub max_km: Option<f64>,
}

fn any_of<T: Label>(wanted: &LabelSet<T>, offered: &LabelSet<T>) -> bool {
    wanted.is_empty() || wanted.intersects(offered)
}

impl Filters {
    pub fn accepts(&self, place: &Place) -> bool {
        self.accepts_with(place, place.horaires.as_ref())
    }

    /// A stop of `place`: the place's services, publics, access…, the stop's own hours.
    pub fn accepts_stop(&self, place: &Place, stop: &Stop) -> bool {
        self.accepts_with(place, Some(&stop.horaires))
    }

    fn accepts_with(&self, place: &Place, hours: Option<&Schedule>) -> bool {
        any_of(&self.services, &place.services)
            && any_of(&self.publics, &place.publics_specifiquement_adresses)
            && any_of(&self.prise_en_charge, &place.prise_en_charge_specifique)
            && any_of(&self.acces, &place.modalites_acces)
            && any_of(&self.accompagnement, &place.modalites_accompagnement)
            && any_of(&self.frais, &place.frais_a_charge)
            && any_of(&self.dispositifs, &place.dispositif_programmes_nationaux)
            && (!self.at_home || place.at_home)
            && match (self.opening, hours) {
                (None, _) => true,
                (Some(_), None) => false,
                (Some(Opening::At(t)), Some(h)) => h.is_open(t),
                (Some(Opening::Within(t, days)), Some(h)) => h.opens_within(t, days),
            }
    }
}

/// Where each condition of [`Filters::accepts`] sits in a place's category bits (see
/// [`Filters::categories`]): one bit per value of each set, then home visits and published hours.
mod bit {
    use crate::registry::*;
    const fn after<T: Label>(start: u32) -> u32 {
        start + T::ALL.len() as u32
    }
    pub const SERVICES: u32 = 0;
    pub const PUBLICS: u32 = after::<Service>(SERVICES);
    pub const PRISE_EN_CHARGE: u32 = after::<Public>(PUBLICS);
    pub const ACCES: u32 = after::<PriseEnCharge>(PRISE_EN_CHARGE);
    pub const ACCOMPAGNEMENT: u32 = after::<ModaliteAcces>(ACCES);
    pub const FRAIS: u32 = after::<ModaliteAccompagnement>(ACCOMPAGNEMENT);
    pub const DISPOSITIFS: u32 = after::<Frais>(FRAIS);
    pub const AT_HOME: u32 = after::<Dispositif>(DISPOSITIFS);
    pub const HOURS: u32 = AT_HOME + 1;
    const _: () = assert!(HOURS < 64, "the categories fit in a u64");
}

fn shifted<T: Label>(set: &LabelSet<T>, start: u32) -> u64 {
    u64::from(set.bits()) << start
}

impl Filters {
    /// What the proximity index summarises of a place, so that a search skips whole regions
    /// where no place can pass: one bit per value of each set the filters test, one for home
    /// visits, one for published hours.
    pub fn categories(place: &Place) -> u64 {
        shifted(&place.services, bit::SERVICES)
            | shifted(&place.publics_specifiquement_adresses, bit::PUBLICS)
            | shifted(&place.prise_en_charge_specifique, bit::PRISE_EN_CHARGE)
            | shifted(&place.modalites_acces, bit::ACCES)
            | shifted(&place.modalites_accompagnement, bit::ACCOMPAGNEMENT)
            | shifted(&place.frais_a_charge, bit::FRAIS)
            | shifted(&place.dispositif_programmes_nationaux, bit::DISPOSITIFS)
            | u64::from(place.at_home) << bit::AT_HOME
            | u64::from(place.horaires.is_some()) << bit::HOURS
    }

    /// The groups of [`Filters::categories`] bits a place must each meet (share a bit with) to
    /// pass: exactly the set and home-visit conditions of [`Filters::accepts`], and "has hours"
    /// for an opening filter, whose time only `accepts` can check.
    pub fn wanted(&self) -> Vec<u64> {
        [
            shifted(&self.services, bit::SERVICES),
            shifted(&self.publics, bit::PUBLICS),
            shifted(&self.prise_en_charge, bit::PRISE_EN_CHARGE),
            shifted(&self.acces, bit::ACCES),
            shifted(&self.accompagnement, bit::ACCOMPAGNEMENT),
            shifted(&self.frais, bit::FRAIS),
            shifted(&self.dispositifs, bit::DISPOSITIFS),
            u64::from(self.at_home) << bit::AT_HOME,
            u64::from(self.opening.is_some()) << bit::HOURS,
        ]
        .into_iter()
        .filter(|group| *group != 0)
        .collect()
    }
}

/// A place found, or a stop of its tour (`stop`), with its distance from the point asked about.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Found<'a> {
    pub place: &'a Place,
    pub stop: Option<&'a Stop>,
    pub km: f64,
}

impl<'a> Found<'a> {
    /// The hours that say when help is there: the stop's when it is a stop.
    pub fn hours(&self) -> Option<&'a Schedule> {
        self.stop.map_or(self.place.horaires.as_ref(), |s| Some(&s.horaires))
    }
}

/// The registry's places and their stops, indexed once for many queries.
pub struct Finder {
    places: Vec<Place>,
    /// Slot `places.len() + i` of the index is the stop `stops[i]`: (its place's position in
    /// `places`, its position in that place's `arrets`). Stops are points of their own, so
    /// places and stops come nearest first together, in one search.
    stops: Vec<(u32, u32)>,
    index: Index,
    /// Each place's name and commune, folded, for [`Finder::by_name`]: made on its first call
    /// (only mediators pick places by name), then reused at every keystroke.
    folded_names: std::sync::OnceLock<Vec<String>>,
    folder: Folder,
}

impl Finder {
    /// Indexes every place that has a position (approximate ones included) and every stop of
    /// their tours (an itinerant place stays a point at its base too); names are folded with
    /// `folder` for [`Finder::by_name`].
    pub fn new(places: Vec<Place>, folder: Folder) -> Self {
        let stops: Vec<(u32, u32)> =
            places.iter().enumerate().flat_map(|(i, p)| (0..p.arrets.len()).map(move |j| (i as u32, j as u32))).collect();
        let first_stop = places.len() as u32;
        let place_points = places
            .iter()
            .enumerate()
            .filter_map(|(i, p)| p.position.map(|pos| (i as u32, LatLon { lat: pos.lat, lon: pos.lon }, Filters::categories(p))));
        let stop_points = stops.iter().enumerate().map(|(slot, &(i, j))| {
            let (place, stop) = (&places[i as usize], &places[i as usize].arrets[j as usize]);
            let at = LatLon { lat: stop.position.lat, lon: stop.position.lon };
            (first_stop + slot as u32, at, Filters::categories(place) | 1 << bit::HOURS)
        });
        let index = Index::build(place_points.chain(stop_points));
        Finder { places, stops, index, folded_names: std::sync::OnceLock::new(), folder }
    }

    /// The place or stop at an index slot.
    fn found(&self, slot: u32, km: f64) -> Found<'_> {
        match (slot as usize).checked_sub(self.places.len()) {
            None => Found { place: &self.places[slot as usize], stop: None, km },
            Some(i) => {
                let (place, stop) = self.stops[i];
                let place = &self.places[place as usize];
                Found { place, stop: Some(&place.arrets[stop as usize]), km }
            }
        }
    }

    /// Whether the place or stop at an index slot passes `filters`.
    fn passes(&self, slot: u32, filters: &Filters) -> bool {
        let found = self.found(slot, 0.0);
        match found.stop {
            None => filters.accepts(found.place),
            Some(stop) => filters.accepts_stop(found.place, stop),
        }
    }

    /// The stop with this id, and its place.
    pub fn stop(&self, id: &str) -> Option<(&Place, &Stop)> {
        self.places.iter().find_map(|p| p.arrets.iter().find(|s| s.id == id).map(|s| (p, s)))
    }

    pub fn places(&self) -> &[Place] {
        &self.places
    }

    /// The place with this id (or that absorbed a record with this id when merged).
    pub fn place(&self, id: &str) -> Option<&Place> {
        self.places.iter().find(|p| p.id == id || p.merged_ids.iter().any(|m| m == id))
    }

    /// Places whose name and commune contain every word of `query`, ignoring case and accents
    /// ("blaiserie poitiers"), by name; for a mediator picking a place in a form.
    pub fn by_name(&self, query: &str, limit: usize) -> Vec<&Place> {
        let words: Vec<String> = self.folder.fold(query).split(' ').filter(|w| !w.is_empty()).map(str::to_owned).collect();
        if words.is_empty() {
            return Vec::new();
        }
        let fold = |p: &Place| self.folder.fold(&format!("{} {}", p.nom, p.commune));
        let names = self.folded_names.get_or_init(|| self.places.iter().map(fold).collect());
        let mut found: Vec<&Place> =
            self.places.iter().zip(names).filter(|(_, name)| words.iter().all(|w| name.contains(w.as_str()))).map(|(p, _)| p).collect();
        found.sort_by(|a, b| a.nom.cmp(&b.nom).then(a.commune.cmp(&b.commune)));
        found.truncate(limit);
        found
    }

    /// The `k` nearest places and stops to `from` that pass `filters`, closest first.
    pub fn nearest(&self, from: LatLon, k: usize, filters: &Filters) -> Vec<Found<'_>> {
        self.index
            .nearest(from, k, filters.max_km, &filters.wanted(), |slot| self.passes(slot, filters))
            .into_iter()
            .map(|n| self.found(n.slot, n.km))
            .collect()
    }
}

/// A distance as residents read it: kilometres with one decimal, French decimal comma.
pub fn format_km(km: f64) -> String {
    format!("{:.1} km", km).replace('.', ",")
}
