//! `repere-server export-registry` and `publish-registry`'s guard as an operator runs them: exit
//! 0 done, 1 a failure or a refused file (one line saying what to do), 2 a usage error.

use common::process::server;

mod common;

const EXAMPLE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../shared/data/schema/standard-mediation-num-exemple-valide.csv");

/// Runs the binary in `dir` on `t.sqlite`: (exit code, stdout, the stderr lines that are not logs).
fn run(dir: &std::path::Path, args: &[&str]) -> (i32, String, Vec<String>) {
    let out = server().current_dir(dir).args(args).arg("--database=t.sqlite").output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    let lines = stderr.lines().filter(|l| l.starts_with("repere-server:") || l.starts_with("error:")).map(str::to_owned).collect();
    (out.status.code().unwrap_or(-1), String::from_utf8(out.stdout).unwrap(), lines)
}

/// The files in `dir` besides the database.
fn files(dir: &std::path::Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().file_name().into_string().unwrap()).collect();
    names.retain(|n| !n.starts_with("t.sqlite"));
    names.sort();
    names
}

#[test]
fn export_registry_writes_the_file_whole_and_exits_0_1_or_2() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let (code, out, errors) = run(d, &["export-registry", "--format", "csv", "--out", "lieux.csv"]);
    assert_eq!((code, out.as_str(), errors), (0, "lieux.csv written: 141 places, version 1, with Repère's columns\n", vec![]));
    let (code, out, _) = run(d, &["export-registry", "--format", "json", "--standard", "--out", "lieux.json"]);
    assert_eq!((code, out.as_str()), (0, "lieux.json written: 141 places, version 1, the standard's columns only\n"));
    assert_eq!(files(d), ["lieux.csv", "lieux.json"], "no partial file left");
    let json: serde_json::Value = serde_json::from_slice(&std::fs::read(d.join("lieux.json")).unwrap()).unwrap();
    assert_eq!(json.as_array().unwrap().len(), 141);
    assert!(json.as_array().unwrap().iter().all(|p| p.as_object().unwrap().keys().all(|k| !k.starts_with("x_"))), "no extension");

    let before = std::fs::read(d.join("lieux.csv")).unwrap();
    let (code, _, errors) = run(d, &["export-registry", "--format", "csv", "--standard", "--out", "lieux.csv"]);
    assert_eq!((code, errors), (1, vec!["repere-server: error: lieux.csv exists: give --force to replace it".to_owned()]));
    assert_eq!(std::fs::read(d.join("lieux.csv")).unwrap(), before, "left as it was");
    let (code, _, _) = run(d, &["export-registry", "--format", "csv", "--standard", "--force", "--out", "lieux.csv"]);
    assert_eq!(code, 0);
    assert_ne!(std::fs::read(d.join("lieux.csv")).unwrap(), before, "replaced by the standard form");

    let (code, _, errors) = run(d, &["export-registry", "--format", "csv", "--out", "missing/lieux.csv"]);
    assert_eq!(code, 1);
    assert!(errors.len() == 1 && errors[0].starts_with("repere-server: error: missing/lieux.csv: "), "{errors:?}");
    for (args, says) in [
        (&["export-registry", "--format", "xml", "--out", "x"][..], "invalid value 'xml' for '--format <FORMAT>'"),
        (&["export-registry", "--format", "csv"][..], "--out <OUT>"),
        (&["export-registry", "--out", "x.csv"][..], "--format <FORMAT>"),
    ] {
        let out = server().current_dir(d).args(args).arg("--database=t.sqlite").output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert!(stderr.contains(says), "{args:?}: {stderr}");
    }
    let help = server().args(["export-registry", "--help"]).output().unwrap();
    let help = String::from_utf8(help.stdout).unwrap();
    assert!(help.contains("Example: repere-server --database data/repere.sqlite export-registry --format csv --standard"), "{help}");
}

/// Regression: publishing the standard's one-row example file removed all 141 places from every
/// phone, with one line of output (issue #15, "Bad input").
#[test]
fn publishing_the_standards_example_is_refused_until_its_141_removals_are_confirmed() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::copy(EXAMPLE, d.join("exemple.csv")).expect("the standard's example file in ../shared/data/schema");
    let (code, out, errors) = run(d, &["publish-registry", "exemple.csv"]);
    assert_eq!((code, out.as_str(), errors.len()), (1, "", 1), "{errors:?}");
    assert!(errors[0].starts_with("repere-server: error: exemple.csv: nothing published: this file removes 141 of the 141 places ("));
    assert!(
        errors[0].ends_with(" and 138 more) and more than 10 need confirming; if that is meant, run again with --confirm-removals 141")
    );
    let (code, _, errors) = run(d, &["publish-registry", "exemple.csv", "--confirm-removals", "140"]);
    assert_eq!(code, 1);
    assert!(
        errors[0].contains("and --confirm-removals 140 was given; if that is meant, run again with --confirm-removals 141"),
        "{errors:?}"
    );
    let (code, out, _) = run(d, &["export-registry", "--format", "csv", "--out", "still.csv"]);
    assert_eq!((code, out.as_str()), (0, "still.csv written: 141 places, version 1, with Repère's columns\n"), "nothing published");

    let (code, _, errors) = run(d, &["publish-registry", "exemple.csv", "--confirm-removals", "-1"]);
    assert_eq!(code, 2, "{errors:?}");
    let (code, out, errors) = run(d, &["publish-registry", "--confirm-removals", "141", "exemple.csv"]);
    assert_eq!((code, out.as_str(), errors), (0, "version 2 published: 1 added, 0 changed, 141 removed\n", vec![]));
    // The file the département kept goes back as it was: one removal, no confirmation needed.
    let (code, out, errors) = run(d, &["publish-registry", "still.csv"]);
    assert_eq!((code, out.as_str(), errors), (0, "version 3 published: 141 added, 0 changed, 1 removed\n", vec![]));
}

const TOUR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../tests/fixtures/tournee-bus.csv");

#[test]
fn publish_registry_with_stops_exits_0_or_1_naming_every_row_and_the_stops_export_goes_back_unchanged() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::copy(TOUR, d.join("arrets.csv")).unwrap();
    run(d, &["export-registry", "--format", "csv", "--out", "lieux.csv"]);
    let (code, out, errors) = run(d, &["publish-registry", "lieux.csv", "--stops", "arrets.csv"]);
    assert_eq!((code, out.as_str(), errors), (0, "version 2 published: 0 added, 1 changed, 0 removed\n", vec![]));
    // Without --stops the places keep theirs.
    let (code, out, _) = run(d, &["publish-registry", "lieux.csv"]);
    assert_eq!((code, out.as_str()), (0, "no change: the registry stays at version 2\n"));
    let (code, out, _) = run(d, &["export-registry", "--format", "arrets", "--out", "export.csv"]);
    assert_eq!((code, out.as_str()), (0, "export.csv written: 12 stops, version 2\n"));
    assert_eq!(std::fs::read(d.join("export.csv")).unwrap(), std::fs::read(TOUR).unwrap());
    let (code, out, _) = run(d, &["publish-registry", "--stops", "export.csv", "lieux.csv"]);
    assert_eq!((code, out.as_str()), (0, "no change: the registry stays at version 2\n"), "the round trip publishes nothing");

    // 25 bad rows: 20 shown, then how many more; nothing published.
    let bad: String = (1..=25).map(|n| format!("s-{n},france-services-2102,Arrêt,99999,,,Tu 09:00-10:{n:02}\n")).collect();
    std::fs::write(d.join("bad.csv"), format!("id,lieu,nom,code_insee,latitude,longitude,horaires\n{bad}")).unwrap();
    let (code, out, errors) = run(d, &["publish-registry", "lieux.csv", "--stops", "bad.csv"]);
    assert_eq!((code, out.as_str(), errors.len()), (1, "", 22), "{errors:?}");
    assert_eq!(errors[0], "repere-server: error: bad.csv: nothing published, 25 problem(s):");
    assert_eq!(errors[1], "repere-server: bad.csv: ligne 2, champ code_insee : « 99999 » : aucune commune de la Vienne n'a ce code");
    assert_eq!(errors[21], "repere-server: bad.csv: et 5 autres problèmes");
    let (code, _, errors) = run(d, &["publish-registry", "lieux.csv", "--stops", "absent.csv"]);
    assert_eq!(code, 1);
    assert!(errors[0].starts_with("repere-server: error: cannot read absent.csv: "), "{errors:?}");
    let (code, out, _) = run(d, &["export-registry", "--format", "arrets", "--force", "--out", "export.csv"]);
    assert_eq!((code, out.as_str()), (0, "export.csv written: 12 stops, version 2\n"), "nothing published");

    let (code, _, errors) = run(d, &["export-registry", "--format", "arrets", "--standard", "--out", "x.csv"]);
    assert_eq!(code, 2, "{errors:?}");
    assert!(errors[0].contains("--format arrets writes the stops file"), "{errors:?}");
    let help = server().args(["publish-registry", "--help"]).output().unwrap();
    let help = String::from_utf8(help.stdout).unwrap();
    assert!(help.contains("publish-registry lieux-86.csv --stops arrets-86.csv"), "{help}");
}
