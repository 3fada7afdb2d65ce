//! The registry against real data (../shared/data) and against bad input.

use proptest::prelude::*;
use repere_core::hours::Window;
use repere_core::registry::*;

/// The years imports compile opening hours for in these tests.
fn years() -> Window {
    Window::new(2026, 2028).unwrap()
}

fn shared(path: &str) -> Vec<u8> {
    let full = format!("{}/../../shared/data/{path}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read(&full).unwrap_or_else(|e| panic!("{full}: {e}"))
}

/// The Vienne's places, imported once for all tests (an import compiles every opening hours).
fn vienne() -> &'static Import {
    static IMPORT: std::sync::OnceLock<Import> = std::sync::OnceLock::new();
    IMPORT.get_or_init(|| import_csv(&shared("lieux/lieux-inclusion-numerique-86.csv"), years()))
}

#[test]
fn every_vienne_place_imports_and_every_hour_string_parses() {
    let import = vienne();
    assert_eq!(import.errors, vec![], "errors in the real file");
    assert_eq!(import.places.len(), 157);
    assert_eq!(import.places.iter().filter(|p| p.horaires.is_some()).count(), 87);
    assert_eq!(import.places.iter().filter(|p| p.position.is_some()).count(), 108);
    let bus: Vec<_> = import.places.iter().filter(|p| p.is_itinerant()).collect();
    assert_eq!(bus.len(), 1);
    assert!(bus[0].nom.contains("Blaiserie"), "{}", bus[0].nom);
}

#[test]
fn the_standards_own_example_imports() {
    let import = import_csv(&shared("schema/standard-mediation-num-exemple-valide.csv"), years());
    assert_eq!(import.errors, vec![]);
    assert_eq!(import.places.len(), 1);
}

#[test]
fn csv_and_json_exports_round_trip() {
    let places = vienne().places.clone();
    let csv = export_csv(&places);
    let from_csv = import_csv(&csv, years());
    assert_eq!(from_csv.errors, vec![]);
    assert_eq!(from_csv.places, places);

    let json = export_json(&places);
    let from_json = import_json(&json, years());
    assert_eq!(from_json.errors, vec![]);
    assert_eq!(from_json.places, places);
    assert_eq!(export_csv(&from_json.places), csv, "CSV → JSON → CSV is byte-identical");
}

#[test]
fn extension_columns_survive_a_round_trip() {
    let mut places = vienne().places.clone();
    places[0].merged_ids = vec!["aidants-connect-x".into(), "france-services-1".into()];
    places[0].position.as_mut().unwrap().approximate = true;
    places[1].at_home = true;
    assert_eq!(import_csv(&export_csv(&places), years()).places, places);
    assert_eq!(import_json(&export_json(&places), years()).places, places);
}

#[test]
fn a_home_visit_flag_is_true_false_or_empty() {
    let csv = |value: &str| {
        format!(
            "id,pivot,nom,commune,code_postal,adresse,date_maj,x_se_deplace_a_domicile\na,00000000000000,M,Civray,86400,1 rue A,2024-01-31,{value}\n"
        )
    };
    assert!(import_csv(csv("true").as_bytes(), years()).places[0].at_home);
    assert!(!import_csv(csv("").as_bytes(), years()).places[0].at_home);
    let import = import_csv(csv("oui").as_bytes(), years());
    let error = &import.errors[0];
    assert_eq!((error.row, error.field, error.reason.as_str()), (2, "x_se_deplace_a_domicile", "« oui » : true ou false attendu"));
    let json = br#"[{"id":"a","pivot":"00000000000000","nom":"M","commune":"C","code_postal":"86400","adresse":"A","date_maj":"2024-01-01","x_se_deplace_a_domicile":true}]"#;
    assert!(import_json(json, years()).places[0].at_home);
}

const HEADER: &str = "id,pivot,nom,commune,code_postal,adresse,date_maj,latitude,longitude,horaires,services";

fn errors_of(csv: &str) -> (usize, Vec<(usize, &'static str, String)>) {
    let import = import_csv(csv.as_bytes(), years());
    (import.places.len(), import.errors.into_iter().map(|e| (e.row, e.field, e.reason)).collect())
}

#[test]
fn every_problem_is_reported_with_row_field_and_reason_and_good_rows_are_kept() {
    let csv = format!(
        "{HEADER}\n\
         ok1,00000000000000,Mairie,Civray,86400,1 rue A,2024-01-31,46.14,0.29,Mo 09:00-12:00,Aide aux démarches administratives\n\
         bad-enum,00000000000000,Mairie,Civray,86400,1 rue A,2024-01-31,,,,Aide aux démarche\n\
         bad-coord,00000000000000,Mairie,Civray,86400,1 rue A,2024-01-31,146.1,0.29,,\n\
         bad-hours,00000000000000,Mairie,Civray,86400,1 rue A,2024-01-31,,,Lundi 9h-12h,\n\
         ,00000000000000,Mairie,Civray,86400,,2024-01-31,,,,\n\
         ok1,00000000000000,Autre,Civray,86400,1 rue A,2024-01-31,,,,\n\
         short,row\n\
         half,00000000000000,Mairie,Civray,86400,1 rue A,31/01/2024,46.1,,,\n\
         ok2,123456789,Mairie,Loudun,86200,2 rue B,2023-05-02,,,,\n"
    );
    let (kept, errors) = errors_of(&csv);
    assert_eq!(kept, 2);
    let located: Vec<_> = errors.iter().map(|(row, field, _)| (*row, *field)).collect();
    assert_eq!(
        located,
        vec![
            (3, "services"),
            (4, "latitude"),
            (5, "horaires"),
            (6, "id"),
            (6, "adresse"),
            (7, "id"),
            (8, ""),
            (9, "longitude"),
            (9, "date_maj"),
        ]
    );
    let reason = |row: usize, field: &str| &errors.iter().find(|e| e.0 == row && e.1 == field).unwrap().2;
    assert!(reason(3, "services").contains("« Aide aux démarche »"));
    assert!(reason(4, "latitude").contains("entre -90 et 90"));
    assert!(reason(5, "horaires").contains("Lundi 9h-12h"));
    assert_eq!(reason(6, "id"), "champ obligatoire vide");
    assert!(reason(7, "id").contains("déjà utilisé ligne 2"));
    assert!(reason(8, "").contains("2 champs alors que l'en-tête en a 11"));
    assert!(reason(9, "date_maj").contains("AAAA-MM-JJ"));
}

#[test]
fn a_header_without_required_columns_is_refused_as_a_whole() {
    let (kept, errors) = errors_of("id,nom,commune\na,b,c\n");
    assert_eq!(kept, 0);
    let fields: Vec<_> = errors.iter().map(|e| (e.0, e.1)).collect();
    assert_eq!(fields, vec![(1, "pivot"), (1, "code_postal"), (1, "adresse"), (1, "date_maj")]);
}

#[test]
fn invalid_utf8_and_bad_json_are_errors_not_panics() {
    let mut bytes = format!("{HEADER}\n").into_bytes();
    bytes.extend_from_slice(b"x,00000000000000,Mairie \xff,Civray,86400,1 rue A,2024-01-31,,,,\n");
    let import = import_csv(&bytes, years());
    assert_eq!(import.places.len(), 0);
    assert_eq!((import.errors[0].row, import.errors[0].field), (2, "nom"));

    for (json, reason) in [("{", "JSON illisible"), ("{}", "une liste d'objets"), ("[1]", "un objet est attendu")] {
        let import = import_json(json.as_bytes(), years());
        assert!(import.errors[0].reason.contains(reason), "{json}: {:?}", import.errors);
    }
    let import = import_json(
        br#"[{"id":"a","pivot":"00000000000000","nom":["x"],"commune":"C","code_postal":"86400","adresse":"A","date_maj":"2024-01-01"}]"#,
        years(),
    );
    assert_eq!((import.errors[0].row, import.errors[0].field), (1, "nom"));
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2000, ..ProptestConfig::default() })]

    #[test]
    fn no_bytes_make_an_import_panic(bytes in proptest::collection::vec(any::<u8>(), 0..2048)) {
        let _ = import_csv(&bytes, years());
        let _ = import_json(&bytes, years());
    }
}

proptest! {
    // Each kept row compiles its opening hours for three years: fewer cases than the byte fuzz.
    #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

    /// Bytes of any kind behind a valid header (of every column): rows are read, not refused
    /// at the header, and whatever is kept is a good registry (it exports and reads back).
    #[test]
    fn any_bytes_behind_a_valid_header_are_read_without_panic(
        tail in proptest::collection::vec(prop_oneof![
            4 => proptest::sample::select(b",,\"\n\r0123456789-.:|;abc ".to_vec()),
            1 => any::<u8>(),
        ], 0..1024),
    ) {
        let mut bytes = format!("{}\n", full_header().join(",")).into_bytes();
        bytes.extend_from_slice(&tail);
        let import = import_csv(&bytes, years());
        prop_assert!(import.errors.iter().all(|e| e.row >= 2), "{:?}", import.errors);
        prop_assert_eq!(import_csv(&export_csv(&import.places), years()).places, import.places);
    }

    /// Rows of plausible values, each field right most of the time and wrong in its own ways
    /// otherwise, behind a valid header: every row is either kept or reported (by row), what is
    /// kept reads back the same, and the JSON form keeps and refuses exactly the same.
    #[test]
    fn plausible_rows_are_kept_or_reported_the_same_in_csv_and_json(rows in proptest::collection::vec(row(), 1..6)) {
        let header = full_header();
        let mut writer = csv::Writer::from_writer(vec![]);
        writer.write_record(&header).unwrap();
        for row in &rows {
            writer.write_record(row).unwrap();
        }
        let import = import_csv(&writer.into_inner().unwrap(), years());
        let reported: std::collections::BTreeSet<usize> = import.errors.iter().map(|e| e.row - 1).collect();
        prop_assert_eq!(import.places.len() + reported.len(), rows.len(), "{:?}", import.errors);
        prop_assert!(reported.iter().all(|r| (1..=rows.len()).contains(r)));
        prop_assert_eq!(&import_csv(&export_csv(&import.places), years()).places, &import.places);

        let objects: Vec<serde_json::Value> = rows
            .iter()
            .map(|row| header.iter().zip(row).map(|(h, v)| (h.to_string(), serde_json::Value::from(v.as_str()))).collect())
            .collect();
        let json = import_json(&serde_json::to_vec(&objects).unwrap(), years());
        prop_assert_eq!(&json.places, &import.places);
        let fields = |errors: &[ImportError]| errors.iter().map(|e| (e.row, e.field)).collect::<Vec<_>>();
        prop_assert_eq!(fields(&json.errors), fields(&import.errors).into_iter().map(|(r, f)| (r - 1, f)).collect::<Vec<_>>());
    }
}

/// Values the standard's own words refuse (issue #15: a place's update goes through this import):
/// an e-mail address that cannot be written to, a short description over its 280 characters.
#[test]
fn an_email_without_at_and_a_summary_over_280_characters_are_refused_by_field() {
    let row = |courriels: &str, resume: &str| {
        format!(
            "id,pivot,nom,commune,code_postal,adresse,date_maj,courriels,presentation_resume\n\
                 a,00000000000000,Mairie,Civray,86400,1 rue A,2024-01-31,{courriels},{resume}\n"
        )
    };
    let (kept, errors) = errors_of(&row("accueil@civray.fr|mairie@civray.fr", &"é".repeat(280)));
    assert_eq!((kept, errors), (1, vec![]));
    for bad in ["mairie.civray.fr", "accueil@civray", "@civray.fr", "accueil @civray.fr", "a@b@civray.fr", "ok@civray.fr|civray.fr"] {
        let (kept, errors) = errors_of(&row(bad, ""));
        assert_eq!((kept, errors.len(), errors[0].1), (0, 1, "courriels"), "{bad}");
        assert!(errors[0].2.contains("adresse e-mail attendue"), "{:?}", errors[0]);
    }
    let (kept, errors) = errors_of(&row("", &"é".repeat(281)));
    assert_eq!((kept, errors), (0, vec![(2, "presentation_resume", "281 caractères : 280 au plus".to_owned())]));
}

/// Only whole registries are published, bundled or pulled: one bad row refuses the import.
#[test]
fn a_whole_import_is_refused_when_one_row_is_bad() {
    let good = vienne().places.clone();
    let csv = String::from_utf8(export_csv(&good)).unwrap();
    assert_eq!(import_csv(csv.as_bytes(), years()).whole().unwrap(), good);
    let bad = csv.replacen(",86", ",6", 1);
    let errors = import_csv(bad.as_bytes(), years()).whole().unwrap_err();
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert_eq!(errors[0].field, "code_postal");
}

/// The device format (rows with their compiled hours) reads back as the same places, with no
/// OSM parsing; the same rows imported again compile their hours for the years asked.
#[test]
fn device_rows_read_back_with_their_compiled_years() {
    let places = vienne().places.clone();
    let rows = device_places(&places);
    assert_eq!(read_device_rows(&rows).whole().unwrap(), places);
    let later = Window::new(2027, 2029).unwrap();
    let moved = import_json_rows(&rows, later).whole().unwrap();
    let years_of = |ps: &[Place]| ps.iter().filter_map(|p| p.horaires.as_ref().map(|h| h.timetable().years())).collect::<Vec<_>>();
    assert_eq!(years_of(&moved).len(), 87);
    assert!(years_of(&moved).iter().all(|y| *y == later));
    // Hours missing their compiled timetable (an older device format) are refused, by field.
    let mut old = rows.clone();
    let hours = old.iter_mut().find_map(|r| r.as_object_mut().filter(|o| o.contains_key("x_horaires_calcules"))).unwrap();
    hours.remove("x_horaires_calcules");
    assert_eq!(read_device_rows(&old).whole().unwrap_err()[0].field, "x_horaires_calcules");
}

/// Two versions of the Vienne's registry: version 2 drops places of `removed`, renames those
/// of `renamed`, and adds the places `added` (taken from the end of the file, absent from v1).
fn versions(removed: &[usize], renamed: &[usize], added: usize) -> (Snapshot, Snapshot) {
    let all = vienne().places.clone();
    let (base, extra) = all.split_at(all.len() - added);
    let mut newer: Vec<Place> = base.iter().enumerate().filter(|(i, _)| !removed.contains(i)).map(|(_, p)| p.clone()).collect();
    for (i, place) in newer.iter_mut().enumerate() {
        if renamed.contains(&i) {
            place.nom.push_str(" (nouveau nom)");
        }
    }
    newer.extend(extra.iter().cloned());
    newer.reverse(); // order must not matter
    (Snapshot { version: 1, places: base.to_vec() }, Snapshot { version: 2, places: newer })
}

fn by_id(mut snapshot: Snapshot) -> Snapshot {
    snapshot.places.sort_by(|a, b| a.id.cmp(&b.id));
    snapshot
}

#[test]
fn a_delta_carries_only_the_changes_and_brings_a_device_to_the_servers_registry() {
    let (v1, v2) = versions(&[0, 5], &[10], 3);
    let delta = v1.diff(&v2);
    assert_eq!((delta.from, delta.version, delta.places.len(), delta.removed.len()), (1, 2, 4, 2));
    assert!(delta.removed.contains(&v1.places[0].id) && delta.removed.contains(&v1.places[5].id));
    // Applied: exactly version 2, in id order.
    assert_eq!(v1.apply(Update::Delta(delta)).unwrap(), by_id(v2));
    assert!(v1.diff(&v1).is_empty());
}

#[test]
fn an_update_that_does_not_fit_the_held_version_is_refused() {
    let (v1, v2) = versions(&[1], &[], 1);
    let delta = v1.diff(&v2);
    let v2 = by_id(v2);
    // Held v2 already: a delta from v1 is refused, so is an older full registry.
    assert_eq!(v2.apply(Update::Delta(delta.clone())), Err(UpdateError::WrongBase { held: 2, from: 1 }));
    assert_eq!(v2.apply(Update::Full(Snapshot { version: 1, places: v1.places.clone() })), Err(UpdateError::Older { held: 2, got: 1 }));
    // A full registry replaces whatever was held.
    assert_eq!(v1.apply(Update::Full(Snapshot { version: 2, places: v2.places.clone() })).unwrap(), v2);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]
    #[test]
    fn any_edit_of_the_registry_round_trips_through_a_delta(
        removed in proptest::collection::vec(0usize..130, 0..20),
        renamed in proptest::collection::vec(0usize..110, 0..20),
        added in 0usize..10,
    ) {
        let (v1, v2) = versions(&removed, &renamed, added);
        prop_assert_eq!(v1.apply(Update::Delta(v1.diff(&v2))).unwrap(), by_id(v2));
    }
}

/// The standard's 32 fields and Repère's extension columns.
fn full_header() -> Vec<&'static str> {
    FIELDS.iter().copied().chain(["x_position_approximative", "x_ids_fusionnes", "x_se_deplace_a_domicile"]).collect()
}

/// One of a few good values, or now and then one of a few bad ones or any short text (no line
/// breaks, so that CSV lines and JSON positions number rows alike). Good values are the rule,
/// so that about half the rows are whole (200 rows drawn: 102 kept, errors on every checked
/// field) and the checks behind a first error run too.
fn cell(good: &'static [&'static str], bad: &'static [&'static str]) -> BoxedStrategy<String> {
    prop_oneof![
        60 => proptest::sample::select(good).prop_map(str::to_owned),
        1 => proptest::sample::select(bad).prop_map(str::to_owned),
        1 => "[^\r\n]{0,12}",
    ]
    .boxed()
}

/// Some of an enumeration's labels, `|`-separated; now and then with a label that is not one.
fn labels<T: Label>() -> BoxedStrategy<String> {
    let some = proptest::sample::subsequence(T::ALL, 0..=T::ALL.len().min(3));
    (some, proptest::option::weighted(0.03, Just("Autre chose")))
        .prop_map(|(values, wrong)| values.iter().map(|v| v.label()).chain(wrong).collect::<Vec<_>>().join("|"))
        .boxed()
}

/// A row for [`full_header`], field by field.
fn row() -> impl Strategy<Value = Vec<String>> {
    let text = || cell(&["Médiathèque", "Mairie de Civray", ""], &["   "]);
    let mut fields: Vec<BoxedStrategy<String>> = FIELDS
        .iter()
        .map(|field| match *field {
            "id" => cell(&["a", "b", "c", "lieu-86-1"], &["", " "]),
            "pivot" => cell(&["00000000000000", "21860062400017"], &["123", "", "2186006240001X"]),
            "nom" | "commune" | "adresse" => cell(&["Médiathèque", "Mairie de Civray"], &["", "   "]),
            "code_postal" => cell(&["86400", "86000"], &["8640", "86 400", ""]),
            "code_insee" => cell(&["86078", "2A004", ""], &["8607", "ABCDE"]),
            // Paired below, so that a position is whole or absent.
            "latitude" | "longitude" => Just(String::new()).boxed(),
            "telephone" => cell(&["+33549000000", ""], &["12", "05 49 00 00 00"]),
            "courriels" => cell(&["contact@mairie.fr", "a@b.fr|c@d.fr", ""], &["mairie.fr", "a@", "a b@c.fr"]),
            "horaires" => cell(
                &["Mo-Fr 09:00-12:00,14:00-17:00", "Tu 10:00-12:00; PH off", "2027 Dec 25 off; Mo 09:00-12:00", ""],
                &["Mo 25:00-26:00", "lundi matin", "Mo-Fr 09:00-"],
            ),
            "date_maj" => cell(&["2024-01-31", "2025-12-01"], &["2024-02-30", "31/01/2024", ""]),
            "itinerance" => labels::<Itinerance>(),
            "services" => labels::<Service>(),
            "publics_specifiquement_adresses" => labels::<Public>(),
            "prise_en_charge_specifique" => labels::<PriseEnCharge>(),
            "frais_a_charge" => labels::<Frais>(),
            "dispositif_programmes_nationaux" => labels::<Dispositif>(),
            "formations_labels" => labels::<FormationLabel>(),
            "modalites_acces" => labels::<ModaliteAcces>(),
            "modalites_accompagnement" => labels::<ModaliteAccompagnement>(),
            _ => text(),
        })
        .collect();
    fields.push(cell(&["true", "false", ""], &["oui", "1"]));
    fields.push(cell(&["x|y", ""], &["|"]));
    fields.push(cell(&["true", "false", ""], &["vrai"]));
    let position = prop_oneof![
        30 => proptest::sample::select(&[("46.14", "0.29"), ("-12.5", "179.9"), ("", "")][..]),
        1 => proptest::sample::select(&[("146.1", "0.29"), ("abc", "1"), ("NaN", "inf"), ("46.1", ""), ("", "0.3"), ("1", "-181")][..]),
    ];
    let at = |name: &str| FIELDS.iter().position(|f| *f == name).unwrap();
    let (lat, lon) = (at("latitude"), at("longitude"));
    (fields, position).prop_map(move |(mut row, (la, lo))| {
        row[lat] = la.to_owned();
        row[lon] = lo.to_owned();
        row
    })
}

/// Likely duplicates in the bundled registry (issue #15): the Gençay case the issue names — a
/// France Services and two "Mairie Annexe de Gençay" records, one placed in
/// Saint-Maurice-la-Clouère — is flagged as likely, pair by pair.
#[test]
fn the_seed_registrys_likely_duplicates_include_gencay() {
    use repere_core::duplicates::{Reason, suspects};
    let doc: serde_json::Value =
        serde_json::from_slice(&std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/../seeds/registry.json")).unwrap()).unwrap();
    let places = read_device_rows(doc["places"].as_array().unwrap()).whole().unwrap();
    let found = suspects(&places, &repere_core::text::UNICODE, &Default::default());
    let likely: Vec<_> = found.iter().filter(|s| s.likely()).collect();
    println!("seed registry: {} places, {} suspect pairs, {} likely", places.len(), found.len(), likely.len());
    for s in &likely {
        println!("  {} | {} : {:?}", places[s.a].nom, places[s.b].nom, s.reasons);
    }
    let reasons = |a: &str, b: &str| {
        let found = likely.iter().find(|s| [&places[s.a].id, &places[s.b].id].iter().all(|id| id.starts_with(a) || id.starts_with(b)));
        found.map(|s| s.reasons.clone())
    };
    assert_eq!(reasons("france-services-2104", "conseiller-numerique-627b56dead"), Some(vec![Reason::SamePhone, Reason::SameAddress]));
    assert_eq!(reasons("conseiller-numerique-627b56dead", "aidants-connect-db8b4161"), Some(vec![Reason::SameAddress, Reason::AlikeNames]));
}
