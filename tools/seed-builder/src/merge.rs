//! Probable duplicates across sources become one place that keeps every source id.
//!
//! The same structure often appears once per programme (a Conseiller numérique permanence, an
//! Aidants Connect structure, a France Services). Two records of *different* sources in the
//! *same commune* are merged when their names are alike (the same words once the commune's
//! name and small words are set aside, or one name's words contained in the other's), unless
//! both have real coordinates 60 m or more apart; or when they stand less than 60 m apart and
//! their names share a distinctive word ("Centre social d'Ozon" ~ "France services Plaine
//! d'Ozon"). Sharing a point alone is not enough: geocoding puts distinct services of one
//! building, or of one street, on the same point.

use std::collections::{BTreeMap, BTreeSet};

use repere_core::proximity::{LatLon, haversine_km};
use repere_core::registry::{Place, Position};
use repere_core::territory::Territory;
use repere_core::text::UNICODE;

const SMALL_WORDS: [&str; 14] = ["de", "du", "des", "la", "le", "les", "l", "d", "et", "en", "a", "au", "aux", "s"];
/// Words too common in names to say two records are the same place.
const GENERIC_WORDS: [&str; 14] = [
    "france",
    "services",
    "service",
    "espace",
    "espaces",
    "mairie",
    "maison",
    "centre",
    "social",
    "sociale",
    "communaute",
    "communes",
    "commune",
    "association",
];
const NEAR_KM: f64 = 0.060;

/// Which record of a group is kept as the base: the richest sources first.
fn rank(source: Option<&str>) -> u8 {
    match source {
        Some("france-services") => 0,
        Some("conseiller-numerique") => 1,
        Some("siao") => 2,
        _ => 3,
    }
}

fn name_words(place: &Place, territory: &Territory) -> BTreeSet<String> {
    let commune = place.code_insee.as_deref().and_then(|c| territory.by_code(c)).map_or(place.commune.as_str(), |c| &c.nom);
    let commune_words: BTreeSet<String> = UNICODE.fold(commune).split(' ').map(str::to_owned).collect();
    UNICODE.fold(&place.nom).split(' ').filter(|w| !SMALL_WORDS.contains(w) && !commune_words.contains(*w)).map(str::to_owned).collect()
}

/// Alike: same words, or the smaller set inside the larger one when it says enough (two words
/// or more, or the larger name's first word: "ACLÉ" ~ "ACLÉ (Association Communiquer…)").
fn names_alike(a: &[String], sa: &BTreeSet<String>, b: &[String], sb: &BTreeSet<String>) -> bool {
    let (small, small_set, large, large_set) = if sa.len() <= sb.len() { (a, sa, b, sb) } else { (b, sb, a, sa) };
    if small_set.is_empty() || !small_set.is_subset(large_set) {
        return false;
    }
    small_set.len() >= 2 || small_set == large_set || large.first() == small.first()
}

fn exact(p: &Place) -> Option<LatLon> {
    p.position.filter(|pos| !pos.approximate).map(|pos| LatLon { lat: pos.lat, lon: pos.lon })
}

fn find(parent: &mut [usize], i: usize) -> usize {
    let mut root = i;
    while parent[root] != root {
        root = parent[root];
    }
    parent[i] = root;
    root
}

pub fn merge_duplicates(places: Vec<Place>, territory: &Territory) -> Vec<Place> {
    let words: Vec<(Vec<String>, BTreeSet<String>)> = places
        .iter()
        .map(|p| {
            let set = name_words(p, territory);
            let ordered = UNICODE.fold(&p.nom).split(' ').filter(|w| set.contains(*w)).map(str::to_owned).collect();
            (ordered, set)
        })
        .collect();
    let mut parent: Vec<usize> = (0..places.len()).collect();
    for i in 0..places.len() {
        for j in i + 1..places.len() {
            let (a, b) = (&places[i], &places[j]);
            if a.source == b.source || a.code_insee.is_none() || a.code_insee != b.code_insee {
                continue;
            }
            let alike = names_alike(&words[i].0, &words[i].1, &words[j].0, &words[j].1);
            let shared_word = words[i].1.intersection(&words[j].1).any(|w| !GENERIC_WORDS.contains(&w.as_str()));
            let km = exact(a).zip(exact(b)).map(|(x, y)| haversine_km(x, y));
            let near = km.is_some_and(|km| km < NEAR_KM);
            let why = match (alike, km) {
                (true, None) => "noms semblables".to_owned(),
                (true, Some(km)) if near => format!("noms semblables, {:.0} m", km * 1000.0),
                (false, Some(km)) if near && shared_word => format!("{:.0} m, mot commun", km * 1000.0),
                _ => continue,
            };
            println!("fusion ({why}) : {} « {} » + {} « {} »", a.id, a.nom, b.id, b.nom);
            let (ri, rj) = (find(&mut parent, i), find(&mut parent, j));
            parent[ri.max(rj)] = ri.min(rj);
        }
    }
    let mut groups: BTreeMap<usize, Vec<Place>> = BTreeMap::new();
    for (i, place) in places.into_iter().enumerate() {
        let root = find(&mut parent, i);
        groups.entry(root).or_default().push(place);
    }
    groups.into_values().map(combine).collect()
}

/// One place from a group: the best-ranked record, completed by the others.
fn combine(mut group: Vec<Place>) -> Place {
    group.sort_by_key(|p| rank(p.source.as_deref()));
    let mut others = group.split_off(1);
    let mut base = group.pop().expect("groups are never empty");
    for other in &mut others {
        base.merged_ids.push(std::mem::take(&mut other.id));
        base.merged_ids.append(&mut other.merged_ids);
        let better_position = matches!(
            (base.position, other.position),
            (Some(Position { approximate: true, .. }), Some(Position { approximate: false, .. }))
        );
        if base.position.is_none() || better_position {
            base.position = other.position;
        }
        base.horaires = base.horaires.take().or_else(|| other.horaires.take());
        base.telephone = base.telephone.take().or_else(|| other.telephone.take());
        base.code_insee = base.code_insee.take().or_else(|| other.code_insee.take());
        base.prise_rdv = base.prise_rdv.take().or_else(|| other.prise_rdv.take());
        for list in
            [(&mut base.courriels, &other.courriels), (&mut base.site_web, &other.site_web), (&mut base.typologie, &other.typologie)]
        {
            for item in list.1 {
                if !list.0.contains(item) {
                    list.0.push(item.clone());
                }
            }
        }
        base.services = base.services.union(&other.services);
        base.dispositif_programmes_nationaux = base.dispositif_programmes_nationaux.union(&other.dispositif_programmes_nationaux);
        base.modalites_acces = base.modalites_acces.union(&other.modalites_acces);
        base.modalites_accompagnement = base.modalites_accompagnement.union(&other.modalites_accompagnement);
        base.publics_specifiquement_adresses = base.publics_specifiquement_adresses.union(&other.publics_specifiquement_adresses);
        base.prise_en_charge_specifique = base.prise_en_charge_specifique.union(&other.prise_en_charge_specifique);
        if base.frais_a_charge.is_empty() {
            base.frais_a_charge = other.frais_a_charge;
        }
        base.date_maj = base.date_maj.max(other.date_maj);
    }
    base.merged_ids.sort();
    base
}

/// Places per source of their base record, for the build report.
pub fn count_by_source(places: &[Place]) -> BTreeMap<String, usize> {
    let mut counts = BTreeMap::new();
    for p in places {
        *counts.entry(p.source.clone().unwrap_or_default()).or_insert(0) += 1;
    }
    counts
}

#[cfg(test)]
mod tests {
    use super::*;
    use repere_core::registry::import_csv;

    fn territory() -> Territory {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/data/territoire/communes-86.csv");
        Territory::from_csv(&std::fs::read(path).unwrap(), UNICODE).unwrap()
    }

    /// Places from rows of `id,source,nom,code_insee,latitude,longitude,dispositif`.
    fn places(rows: &[&str]) -> Vec<Place> {
        let mut csv = String::from(
            "id,pivot,nom,commune,code_postal,adresse,date_maj,source,code_insee,latitude,longitude,dispositif_programmes_nationaux\n",
        );
        for row in rows {
            let f: Vec<&str> = row.split(',').collect();
            csv += &format!("{},00000000000000,{},X,86000,A,2024-01-01,{},{},{},{},{}\n", f[0], f[2], f[1], f[3], f[4], f[5], f[6]);
        }
        let import = import_csv(csv.as_bytes(), repere_core::hours::Window::new(2026, 2028).unwrap());
        assert!(import.errors.is_empty(), "{:?}", import.errors);
        import.places
    }

    #[test]
    fn alike_names_across_sources_merge_keeping_ids_and_dispositifs() {
        let merged = merge_duplicates(
            places(&[
                "a,aidants-connect,Mission Locale du Nord Vienne,86066,,,Aidants Connect",
                "b,conseiller-numerique,MISSION LOCALE DU NORD VIENNE,86066,46.81,0.54,Conseillers numériques",
            ]),
            &territory(),
        );
        assert_eq!(merged.len(), 1);
        assert_eq!(merged[0].id, "b", "the conseiller-numerique record, which has coordinates, is the base");
        assert_eq!(merged[0].merged_ids, vec!["a"]);
        assert_eq!(merged[0].dispositif_programmes_nationaux.to_string(), "Aidants Connect|Conseillers numériques");
    }

    #[test]
    fn same_source_other_commune_or_a_shared_point_alone_do_not_merge() {
        let t = territory();
        let same_source = places(&["a,aidants-connect,Mairie de Gençay,86106,,,", "b,aidants-connect,Mairie de Gençay,86106,,,"]);
        assert_eq!(merge_duplicates(same_source, &t).len(), 2);
        let other_commune = places(&["a,aidants-connect,Mairie,86106,,,", "b,conseiller-numerique,Mairie,86194,46.58,0.34,"]);
        assert_eq!(merge_duplicates(other_commune, &t).len(), 2);
        let same_point = places(&[
            "a,france-services,France services Chauvigny,86070,46.5681,0.6454,",
            "b,conseiller-numerique,Maison départementale des Solidarités,86070,46.5681,0.6454,",
        ]);
        assert_eq!(merge_duplicates(same_point, &t).len(), 2);
        let alike_but_far = places(&[
            "a,france-services,France services Mairie,86070,46.5681,0.6454,",
            "b,conseiller-numerique,Mairie,86070,46.5781,0.6454,",
        ]);
        assert_eq!(merge_duplicates(alike_but_far, &t).len(), 2);
    }

    #[test]
    fn near_with_a_distinctive_shared_word_merges() {
        let merged = merge_duplicates(
            places(&[
                "a,conseiller-numerique,Centre social culturel d'Ozon,86066,46.8060,0.5400,",
                "b,france-services,France services Châtellerault - Plaine d'Ozon,86066,46.8062,0.5401,",
            ]),
            &territory(),
        );
        assert_eq!(merged.len(), 1);
        assert_eq!((merged[0].id.as_str(), merged[0].merged_ids.as_slice()), ("b", &["a".to_owned()][..]));
    }
}
