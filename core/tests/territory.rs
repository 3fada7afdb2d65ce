//! The gazetteer on the 265 real communes of the Vienne.

use repere_core::territory::{MatchKind, Territory};
use repere_core::text::UNICODE;

fn vienne() -> Territory {
    let path = format!("{}/../../shared/data/territoire/communes-86.csv", env!("CARGO_MANIFEST_DIR"));
    Territory::from_csv(&std::fs::read(&path).unwrap(), UNICODE).unwrap()
}

#[test]
fn all_265_communes_load() {
    let t = vienne();
    assert_eq!(t.communes().len(), 265);
    assert_eq!(t.communes().iter().map(|c| u64::from(c.population)).sum::<u64>(), 438_897);
}

#[test]
fn what_people_type_finds_the_commune_they_mean() {
    let t = vienne();
    for (typed, expected) in [
        ("chatelleraut", "Châtellerault"),
        ("poitier", "Poitiers"),
        ("86100", "Châtellerault"),
        ("st benoit", "Saint-Benoît"),
        ("isle jourdain", "L'Isle-Jourdain"),
        ("valence en poitou", "Valence-en-Poitou"),
        ("civrai", "Civray"),
        ("CIVRAY", "Civray"),
        ("montmorilon", "Montmorillon"),
        ("loudum", "Loudun"),
        ("86", "Poitiers"),
    ] {
        let found = t.search(typed, 5);
        assert_eq!(
            found.first().map(|c| c.nom.as_str()),
            Some(expected),
            "{typed:?} → {:?}",
            found.iter().map(|c| &c.nom).collect::<Vec<_>>()
        );
    }
}

#[test]
fn exact_beats_prefix_beats_fuzzy_and_population_breaks_ties() {
    let t = vienne();
    let ranked = t.ranked("poitiers");
    assert_eq!((ranked[0].0, ranked[0].1.nom.as_str()), (MatchKind::Exact, "Poitiers"));
    assert!(ranked.windows(2).all(|w| w[0].0 < w[1].0 || (w[0].0 == w[1].0 && w[0].1.population >= w[1].1.population)));
    // Every commune whose postcode is 86100, largest first.
    let by_postcode: Vec<_> = t.ranked("86100").into_iter().map(|(k, c)| (k, c.nom.as_str())).collect();
    assert_eq!(by_postcode[0], (MatchKind::Exact, "Châtellerault"));
    assert!(by_postcode.iter().all(|(k, _)| *k == MatchKind::Exact));
    assert!(by_postcode.len() >= 3, "{by_postcode:?}");
}

#[test]
fn nonsense_and_empty_queries_find_nothing() {
    let t = vienne();
    assert!(t.search("", 5).is_empty());
    assert!(t.search("   -- ", 5).is_empty());
    assert!(t.search("zzzzzzzzzz", 5).is_empty());
    assert!(t.search("75001", 5).is_empty());
}

#[test]
fn a_bad_communes_file_names_row_and_field() {
    let csv = "code_insee,nom,codes_postaux,population,epci_siren,epci_nom,latitude,longitude\n\
               86001,Adriers,86430,698,200070043,CC Vienne et Gartempe,46.26452,x\n";
    let errors = Territory::from_csv(csv.as_bytes(), UNICODE).err().unwrap();
    assert_eq!((errors[0].row, errors[0].field), (2, "longitude"));
    let errors = Territory::from_csv(b"code_insee,nom\n", UNICODE).err().unwrap();
    assert_eq!(errors.len(), 6);
}
