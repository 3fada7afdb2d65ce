use proptest::prelude::*;

use super::*;

/// A commune on the equator at `lon` degrees (one degree of longitude ≈ 111.2 km there).
fn commune(code: &str, population: u32, epci: &str, lon: f64) -> Commune {
    Commune { code_insee: code.into(), population, epci: epci.into(), centre: LatLon { lat: 0.0, lon } }
}

fn help(id: &str, lon: f64) -> Help {
    Help { id: id.into(), at: LatLon { lat: 0.0, lon } }
}

#[test]
fn the_estimate_is_distance_times_detour_at_rural_speed() {
    // 10 km by the straight line is 13 km of road, 13 minutes at 60 km/h.
    assert!((estimate_minutes(10.0) - 13.0).abs() < 1e-9);
    assert!((estimate_km(estimate_minutes(7.5)) - 7.5).abs() < 1e-9);
}

#[test]
fn each_commune_gets_its_nearest_place_and_the_gaps_add_up_per_epci() {
    let communes = [commune("A", 100, "e1", 0.0), commune("B", 20, "e1", 0.2), commune("C", 7, "e2", 1.0), commune("D", 3, "e2", 0.95)];
    let places = [help("far", 1.0), help("near", 0.01)];
    let coverage = Coverage::new(&communes, &places, TravelTable::default());
    let access = coverage.access();
    assert_eq!(access.iter().map(|a| a.place).collect::<Vec<_>>(), [Some(1), Some(1), Some(0), Some(0)]);
    let km = haversine_km(communes[1].centre, places[1].at);
    assert!((access[1].km - km).abs() < 1e-6);
    assert!((access[1].minutes - estimate_minutes(km)).abs() < 1e-9);
    // B is 21 km from "near" (27 minutes), D 5.6 km from "far" (7 minutes).
    assert_eq!(coverage.beyond(&access, 10.0), Gap { communes: 1, population: 20 });
    let by_epci = coverage.beyond_by(&access, 10.0, |c| c.epci.clone());
    assert_eq!(by_epci["e1"], Gap { communes: 1, population: 20 });
    assert_eq!(by_epci["e2"], Gap::default());
    assert_eq!(coverage.beyond(&access, 30.0), Gap::default());
}

#[test]
fn without_places_every_commune_is_beyond_any_threshold() {
    let communes = [commune("A", 5, "e", 0.0)];
    let coverage = Coverage::new(&communes, &[], TravelTable::default());
    let access = coverage.access();
    assert_eq!(access[0].place, None);
    assert_eq!(coverage.beyond(&access, 1e9), Gap { communes: 1, population: 5 });
}

#[test]
fn a_routed_time_replaces_the_estimate_for_its_pair_only() {
    let communes = [commune("A", 1, "e", 0.0), commune("B", 1, "e", 0.5)];
    let places = [help("p", 0.05), help("q", 0.3)];
    // A–p is 5.6 km (7 minutes estimated) but a river makes it 60; q (33 km, 43 minutes) wins.
    let row = |c: &str, p: &str, minutes| Minutes { code_insee: c.into(), place_id: p.into(), minutes };
    let table = TravelTable::new(&[row("A", "p", 60.0)], &communes, &places);
    let coverage = Coverage::new(&communes, &places, table);
    let access = coverage.access();
    assert_eq!(access[0].place, Some(1));
    assert!((access[0].minutes - estimate_minutes(haversine_km(communes[0].centre, places[1].at))).abs() < 1e-9);
    // A routed time shorter than every estimate wins and keeps its own minutes.
    let table = TravelTable::new(&[row("B", "p", 4.5)], &communes, &places);
    let access = Coverage::new(&communes, &places, table).access();
    assert_eq!((access[1].place, access[1].minutes), (Some(0), 4.5));
    assert_eq!(access[1].km, haversine_km(communes[1].centre, places[0].at));
}

#[test]
fn a_bad_table_is_refused_whole_with_every_problem_by_line_and_field() {
    let communes = [commune("86001", 1, "e", 0.0)];
    let places = [help("p", 0.0)];
    let csv = "code_insee,place_id,minutes\n86001,p,3\n99999,p,3\n86001,zz,3\n86001,p,-1\n86001,p,abc\n86001,p,4\n";
    let errors = TravelTable::from_csv(csv.as_bytes(), &communes, &places).unwrap_err();
    let found: Vec<(usize, &str)> = errors.iter().map(|e| (e.row, e.field)).collect();
    assert_eq!(found, [(3, "code_insee"), (4, "place_id"), (5, "minutes"), (5, ""), (6, "minutes"), (6, ""), (7, "")]);
    assert_eq!(errors[0].to_string(), "ligne 3, champ code_insee : « 99999 » : commune inconnue");
    assert_eq!(errors[6].to_string(), "ligne 7 : couple commune–lieu déjà donné ligne 2");
    let errors = TravelTable::from_csv(b"code_insee,minutes\n86001,3\n", &communes, &places).unwrap_err();
    assert_eq!(errors.iter().map(|e| (e.row, e.field)).collect::<Vec<_>>(), [(1, "place_id")]);
    let errors = TravelTable::from_csv(b"code_insee,place_id,minutes\n86001,p\n", &communes, &places).unwrap_err();
    assert_eq!((errors[0].row, errors.len()), (2, 1));
}

#[test]
fn closing_a_place_counts_those_left_beyond_the_threshold() {
    let communes = [commune("A", 100, "e", 0.0), commune("B", 30, "e", 0.04), commune("C", 8, "e", 0.5)];
    let places = [help("a", 0.0), help("b", 0.045), help("c", 0.5)];
    let coverage = Coverage::new(&communes, &places, TravelTable::default());
    let access = coverage.access();
    // A falls back on b (5 km, 6.5 minutes): nobody lost; C has no other place within 10 minutes.
    assert_eq!(coverage.closing(&access, 0, 10.0), Closing::default());
    assert_eq!(coverage.closing(&access, 2, 10.0), Closing { communes: vec![2], population: 8 });
    // With a 5-minute threshold, A is lost when a closes (b is 6.5 minutes away).
    assert_eq!(coverage.closing(&access, 0, 5.0), Closing { communes: vec![0], population: 100 });
}

#[test]
fn the_planner_weights_people_by_their_epci_and_reports_what_each_stop_adds() {
    // Two clusters beyond any place; the smaller one is in a more cut-off EPCI.
    let communes = [
        commune("A", 100, "200069763", 1.0), // weight 7: 700
        commune("B", 100, "200069763", 1.03),
        commune("C", 120, "200070035", 2.0), // weight 14: 1680
        commune("D", 5, "other", 3.0),       // weight 12: 60
    ];
    let places = [help("p", -1.0)];
    let coverage = Coverage::new(&communes, &places, TravelTable::default());
    let access = coverage.access();
    let planner = Planner::new(&coverage, &access, 10.0, rupture);
    assert_eq!(planner.reach(0), [0, 1]);
    let stops = planner.greedy(5);
    assert_eq!(stops.iter().map(|s| (s.commune, s.people, s.weighted)).collect::<Vec<_>>(), [(2, 120, 1680), (0, 200, 1400), (3, 5, 60)]);
    assert_eq!(stops[1].newly, [0, 1]);
    assert_eq!(planner.value(&[0, 1, 2]), 1400 + 1680);
    // Plain people: the pair comes first.
    assert_eq!(Planner::new(&coverage, &access, 10.0, |_| 1).greedy(1)[0].commune, 0);
}

/// The best value of any `k` stops, by trying every set.
fn exhaustive(planner: &Planner, n: usize, k: usize) -> u64 {
    fn go(planner: &Planner, n: usize, k: usize, from: usize, chosen: &mut Vec<usize>) -> u64 {
        let mut best = planner.value(chosen);
        if chosen.len() < k {
            for c in from..n {
                chosen.push(c);
                best = best.max(go(planner, n, k, c + 1, chosen));
                chosen.pop();
            }
        }
        best
    }
    go(planner, n, k, 0, &mut vec![])
}

proptest! {
    #[test]
    fn greedy_reaches_at_least_1_minus_1_over_e_of_the_optimum(
        towns in proptest::collection::vec((0.0..0.4f64, 0.0..0.4f64, 1u32..1000, 0usize..3), 1..12),
        places in proptest::collection::vec((0.0..0.4f64, 0.0..0.4f64), 0..3),
        k in 1usize..4,
    ) {
        let sirens = ["200069763", "200070035", "x"];
        let communes: Vec<Commune> = towns.iter().enumerate()
            .map(|(i, &(lat, lon, population, e))| Commune { code_insee: i.to_string(), population, epci: sirens[e].into(), centre: LatLon { lat, lon } })
            .collect();
        let places: Vec<Help> = places.iter().enumerate().map(|(i, &(lat, lon))| Help { id: i.to_string(), at: LatLon { lat, lon } }).collect();
        let coverage = Coverage::new(&communes, &places, TravelTable::default());
        let access = coverage.access();
        let planner = Planner::new(&coverage, &access, 10.0, rupture);
        let stops = planner.greedy(k);
        let total: u64 = stops.iter().map(|s| s.weighted).sum();
        let chosen: Vec<usize> = stops.iter().map(|s| s.commune).collect();
        prop_assert_eq!(total, planner.value(&chosen));
        let optimum = exhaustive(&planner, communes.len(), k);
        prop_assert!(total as f64 >= (1.0 - 1.0 / std::f64::consts::E) * optimum as f64, "greedy {} optimum {}", total, optimum);
        if k == 1 {
            prop_assert_eq!(total, optimum);
        }
    }

    #[test]
    fn no_bytes_make_the_table_import_panic(bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
        let communes = [commune("86001", 1, "e", 0.0)];
        let places = [help("p", 0.0)];
        let _ = TravelTable::from_csv(&bytes, &communes, &places);
    }

    #[test]
    fn tables_of_good_rows_are_read_whole(mut rows in proptest::collection::btree_map((0usize..3, 0usize..2), 0.0..500f64, 0..6)) {
        let communes = [commune("a", 1, "e", 0.0), commune("b", 1, "e", 0.1), commune("c", 1, "e", 0.2)];
        let places = [help("p", 0.0), help("q", 0.3)];
        for c in 0..communes.len() {
            if !rows.keys().any(|&(rc, _)| rc == c) {
                rows.insert((c, 1), 1.0);
            }
        }
        let mut csv = String::from("code_insee,place_id,minutes\n");
        for (&(c, p), m) in &rows {
            csv += &format!("{},{},{m}\n", communes[c].code_insee, places[p].id);
        }
        let table = TravelTable::from_csv(csv.as_bytes(), &communes, &places).unwrap();
        prop_assert_eq!(table.len(), rows.len());
        for (&(c, p), &m) in &rows {
            prop_assert_eq!(table.minutes(c, p as u32), Some(m));
        }
    }
}

#[test]
fn a_table_must_give_every_commune_a_time_and_is_kept_for_the_places_retained() {
    let communes = [commune("86001", 1, "e", 0.0), commune("86002", 1, "e", 0.1), commune("86003", 1, "e", 0.2)];
    let places = [help("p", 0.0), help("q", 0.3)];
    let errors = TravelTable::read_csv(b"code_insee,place_id,minutes\n86001,p,3\n", &communes, &places).unwrap_err();
    assert_eq!(
        errors.iter().map(ToString::to_string).collect::<Vec<_>>(),
        ["fichier : 2 commune(s) sans aucune ligne : 86002, 86003 (chaque commune doit avoir au moins un temps)"]
    );
    // A commune whose only row is bad is not "missing" on top: the row's own error says it.
    let errors =
        TravelTable::read_csv(b"code_insee,place_id,minutes\n86001,p,3\n86002,p,-2\n86003,zz,1\n", &communes, &places).unwrap_err();
    assert_eq!(errors.iter().map(|e| (e.row, e.field)).collect::<Vec<_>>(), [(3, "minutes"), (4, "place_id")]);
    let rows =
        TravelTable::read_csv(b"code_insee,place_id,minutes\n86001,p,3\n86002,q,4\n86003,q,5\n86003,p,9\n", &communes, &places).unwrap();
    assert_eq!(rows.len(), 4);
    // Keeping only q: the pairs of p are dropped and q's positions follow the places given.
    let only_q = [places[1].clone()];
    let table = TravelTable::new(&rows, &communes, &only_q);
    assert_eq!((table.len(), table.minutes(1, 0), table.minutes(2, 0)), (2, Some(4.0), Some(5.0)));
}

#[test]
fn an_empty_file_or_one_not_in_utf8_is_refused_with_its_line_and_what_to_do() {
    let communes = [commune("86001", 1, "e", 0.0)];
    let places = [help("p", 0.0)];
    let said = |bytes: &[u8]| -> Vec<String> {
        TravelTable::read_csv(bytes, &communes, &places).unwrap_err().iter().map(ToString::to_string).collect()
    };
    let empty = ["fichier : fichier vide : la première ligne doit être code_insee,place_id,minutes"];
    assert_eq!(said(b""), empty);
    assert_eq!(said(b"\xEF\xBB\xBF \r\n"), empty);
    // « Châtellerault » in Windows-1252, in a column the import ignores, then in place_id.
    let latin = b"code_insee,nom,place_id,minutes\n86001,Ch\xE2tellerault,p,3\n";
    assert_eq!(said(latin), ["ligne 2 : texte qui n’est pas en UTF-8 (colonne « nom ») : enregistrer le fichier au format « CSV UTF-8 »"]);
    assert_eq!(
        said(b"code_insee,place_id,minutes\n86001,p,3\n86001,\xE9,3\n"),
        ["ligne 3, champ place_id : texte qui n’est pas en UTF-8 : enregistrer le fichier au format « CSV UTF-8 »"]
    );
    assert_eq!(
        said(b"code_\xE9insee,place_id,minutes\n")[0],
        "ligne 1 : texte qui n’est pas en UTF-8 : enregistrer le fichier au format « CSV UTF-8 »"
    );
    // A spreadsheet's byte-order mark is not part of the first column's name.
    assert_eq!(TravelTable::read_csv(b"\xEF\xBB\xBFcode_insee,place_id,minutes\n86001,p,3\n", &communes, &places).unwrap().len(), 1);
}

#[test]
fn the_threshold_and_the_places_retained_are_read_with_every_problem_named() {
    let s = Selection::parse([("seuil", "15"), ("besoin", "demarches"), ("dispositif", "France Services"), ("heures", "20")]).unwrap();
    assert_eq!((s.threshold, s.need.map(|n| n.code()), s.min_hours), (15, Some("demarches"), Some(20)));
    assert_eq!(Selection::parse(s.to_pairs().iter().map(|(k, v)| (*k, v.as_str()))).unwrap(), s);
    assert_eq!(Selection::parse([("seuil", ""), ("heures", " ")]).unwrap(), Selection::default());
    let problems =
        Selection::parse([("seuil", "0"), ("besoin", "x"), ("dispositif", "Poste"), ("heures", "200"), ("seuil", "5"), ("zone", "1")])
            .unwrap_err();
    let fields: Vec<&str> = problems.iter().map(|p| p.field).collect();
    assert_eq!(fields, ["seuil", "besoin", "dispositif", "heures", "seuil", "couverture"]);
    assert_eq!(problems[0].to_string(), "seuil : nombre entier de minutes de 1 à 120 attendu (reçu « 0 »)");
    assert_eq!(problems[4].reason, "donné deux fois");
}

#[test]
fn the_map_bands_split_at_half_the_threshold_the_threshold_and_beyond() {
    let bands: Vec<u32> = [0.0, 5.0, 5.1, 10.0, 10.1, 15.0, 20.0, 20.1, f64::INFINITY].iter().map(|&m| band(m, 10.0)).collect();
    assert_eq!(bands, [1, 1, 2, 2, 3, 3, 4, 5, 5]);
    let words: Vec<String> = (1..=BANDS).map(|b| band_label(b, 15.0)).collect();
    assert_eq!(words, ["7,5 min ou moins", "7,5 à 15 min", "15 à 22,5 min", "22,5 à 30 min", "plus de 30 min, ou aucun lieu"]);
}

#[test]
fn a_plans_after_keeps_the_places_and_adds_its_stops_at_commune_centres() {
    let communes = [commune("A", 100, "e", 0.0), commune("B", 50, "e", 1.0)];
    let places = [help("p", 0.0)];
    let after = Help::with_stops(&places, &communes, [1]);
    assert_eq!(after.iter().map(|h| h.id.as_str()).collect::<Vec<_>>(), ["p", "nouveau-B"]);
    let coverage = Coverage::new(&communes, &after, TravelTable::default());
    assert_eq!(coverage.beyond(&coverage.access(), 10.0), Gap::default());
}
