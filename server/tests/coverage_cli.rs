//! `repere-server coverage import-times | clear-times` and `export couverture` as an operator
//! runs them: exit 0 done, 1 a refused file (one line per problem, at most 20 and how many
//! more) or a failure, 2 a usage error; a refused file leaves the previous table in use.

use common::process::server;

mod common;

/// Runs the binary in `dir` on `t.sqlite`: (exit code, stdout, the stderr lines that are not logs).
fn run(dir: &std::path::Path, args: &[&str]) -> (i32, String, Vec<String>) {
    let out = server().current_dir(dir).args(args).arg("--database=t.sqlite").output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    let lines = stderr.lines().filter(|l| l.starts_with("repere-server:") || l.starts_with("error:")).map(str::to_owned).collect();
    (out.status.code().unwrap_or(-1), String::from_utf8(out.stdout).unwrap(), lines)
}

/// The communes' CSV rows written by `export couverture`.
fn exported(dir: &std::path::Path, name: &str) -> Vec<Vec<String>> {
    let (code, _, errors) = run(dir, &["export", "couverture", "--format", "csv", "--force", "--out", name]);
    assert_eq!((code, errors), (0, vec![]));
    csv::Reader::from_path(dir.join(name)).unwrap().records().map(|r| r.unwrap().iter().map(str::to_owned).collect()).collect()
}

#[test]
fn an_import_exits_0_a_refused_file_1_with_each_problem_and_bad_flags_2() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    // Each commune's nearest place by the estimate, routed twice as fast: a complete table.
    let estimated = exported(d, "estimate.csv");
    assert_eq!(estimated.len(), 265);
    let mut table = String::from("code_insee,place_id,minutes\n");
    for row in &estimated {
        table.push_str(&format!("{},{},{}\n", row[0], row[5], row[7].parse::<f64>().unwrap() / 2.0));
    }
    std::fs::write(d.join("osrm.csv"), &table).unwrap();
    let (code, out, errors) = run(d, &["coverage", "import-times", "osrm.csv"]);
    assert_eq!((code, out.as_str(), errors), (0, "osrm.csv: 265 travel times imported; they replace the previous table\n", vec![]));
    let routed = exported(d, "routed.csv");
    // (A place at the commune's centre is as fast estimated: a tie keeps the estimate.)
    let faster = routed.iter().zip(&estimated).filter(|(_, e)| e[7] != "0.0");
    assert!(faster.clone().count() > 100 && faster.clone().all(|(r, _)| r[8] == "tableau de temps importé"), "the table's times are used");

    // 25 rows of unknown communes: 25 problems, 20 shown, and how many more.
    let bad: String = (0..25).map(|i| format!("{},{},3\n", 99000 + i, estimated[0][5])).collect();
    std::fs::write(d.join("bad.csv"), format!("{table}{bad}")).unwrap();
    let (code, _, errors) = run(d, &["coverage", "import-times", "bad.csv"]);
    assert_eq!(code, 1, "{errors:?}");
    assert_eq!(errors[0], "repere-server: error: bad.csv: nothing imported, the previous table stays; 25 problem(s):");
    assert_eq!(errors[1], "repere-server: bad.csv: ligne 267, champ code_insee : « 99000 » : commune inconnue");
    assert_eq!((errors.len(), errors[21].as_str()), (22, "repere-server: bad.csv: et 5 autres problèmes"));
    assert_eq!(exported(d, "still.csv"), routed, "the previous table is still used");

    let (code, _, errors) = run(d, &["coverage", "import-times", "missing.csv"]);
    assert_eq!(code, 1);
    assert!(errors.len() == 1 && errors[0].starts_with("repere-server: error: cannot read missing.csv: "), "{errors:?}");

    for (args, says) in [
        (&["coverage", "import-times"][..], "<FILE>"),
        (&["coverage"][..], "Usage: repere-server coverage"),
        (
            &["export", "couverture", "--out", "x.csv", "--format", "csv", "--seuil", "0", "--besoin", "manger"][..],
            "--seuil : nombre entier",
        ),
    ] {
        let out = server().current_dir(d).args(args).arg("--database=t.sqlite").output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
        assert!(stderr.contains(says), "{args:?}: {stderr}");
    }
    assert!(!d.join("x.csv").exists());

    let (code, out, _) = run(d, &["coverage", "clear-times"]);
    assert_eq!((code, out.as_str()), (0, "travel-time table cleared: times are estimated again\n"));
    assert_eq!(exported(d, "again.csv"), estimated, "back to the estimate");
    let (code, out, _) = run(d, &["coverage", "clear-times"]);
    assert_eq!((code, out.as_str()), (0, "no travel-time table was imported: times are estimated\n"));

    for args in [["coverage", "import-times"], ["coverage", "clear-times"], ["export", "couverture"]] {
        let out = server().args(args).arg("--help").output().unwrap();
        let text = String::from_utf8(out.stdout).unwrap();
        assert!(text.contains(&format!("Example: repere-server --database data/repere.sqlite {}", args.join(" "))), "{args:?}: {text}");
    }
}
