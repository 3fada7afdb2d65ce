//! The Vienne's communes and EPCI, from the gazetteer the app bundles: what contacts may name
//! (`contacts`), which EPCI a coordinator may be limited to (`coordinators`), and which EPCI a
//! commune's contacts count in (`facts`).

use std::collections::{BTreeMap, HashMap};
use std::sync::LazyLock;

use repere_core::territory::Territory;

/// The label of a coordinator who sees the whole département.
pub const DEPARTEMENT: &str = "Département de la Vienne";

struct Gazetteer {
    territory: Territory,
    /// Commune (code INSEE) → its name.
    names: HashMap<String, String>,
    /// Commune (code INSEE) → its EPCI's SIREN.
    epci_of: HashMap<String, String>,
    /// EPCI SIREN → its name, in SIREN order.
    epci_names: BTreeMap<String, String>,
}

static GAZETTEER: LazyLock<Gazetteer> = LazyLock::new(|| {
    let territory = Territory::from_csv(include_bytes!("../../seeds/communes-86.csv"), repere_core::text::UNICODE)
        .expect("seeds/communes-86.csv is checked by its own tests");
    let communes = territory.communes();
    Gazetteer {
        names: communes.iter().map(|c| (c.code_insee.clone(), c.nom.clone())).collect(),
        epci_of: communes.iter().map(|c| (c.code_insee.clone(), c.epci_siren.clone())).collect(),
        epci_names: communes.iter().map(|c| (c.epci_siren.clone(), c.epci_nom.clone())).collect(),
        territory,
    }
});

pub fn is_commune(code_insee: &str) -> bool {
    GAZETTEER.epci_of.contains_key(code_insee)
}

/// A commune's name.
pub fn commune_name(code_insee: &str) -> Option<&'static str> {
    GAZETTEER.names.get(code_insee).map(String::as_str)
}

/// The EPCI (SIREN) a commune of the Vienne belongs to.
pub fn epci_of(code_insee: &str) -> Option<&'static str> {
    GAZETTEER.epci_of.get(code_insee).map(String::as_str)
}

/// The communes themselves (names, postcodes), for the exports' columns.
pub fn territory() -> &'static Territory {
    &GAZETTEER.territory
}

/// The Vienne's EPCI: SIREN → name, in SIREN order.
pub fn epcis() -> &'static BTreeMap<String, String> {
    &GAZETTEER.epci_names
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_commune_has_an_epci_of_the_vienne() {
        assert_eq!(GAZETTEER.epci_of.len(), 265);
        assert!(GAZETTEER.epci_of.values().all(|siren| epcis().contains_key(siren)));
        assert_eq!(epci_of("86194").map(|s| epcis()[s].as_str()), Some("CU du Grand Poitiers"));
        assert!(!is_commune("75056"));
    }
}
