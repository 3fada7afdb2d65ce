//! `repere-server candidates import` and `export-registry --with-candidates` as an operator runs
//! them: exit 0 done (twice: nothing changes), 1 a refused file (each problem by line and
//! field, nothing imported), 2 a usage error; the global options before or after the command.

use common::process::server;

mod common;

const CANDIDATES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../seeds/candidats.csv");

fn run(dir: &std::path::Path, args: &[&str]) -> (i32, String, Vec<String>) {
    let out = server().current_dir(dir).args(args).arg("--database=t.sqlite").output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    let lines = stderr.lines().filter(|l| l.starts_with("repere-server:") || l.starts_with("error:")).map(str::to_owned).collect();
    (out.status.code().unwrap_or(-1), String::from_utf8(out.stdout).unwrap(), lines)
}

#[test]
fn candidates_import_is_idempotent_and_names_bad_rows() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let (code, out, errors) = run(d, &["candidates", "import", CANDIDATES]);
    assert_eq!((code, errors), (0, vec![]), "{out}");
    assert!(out.contains(": 213 candidate(s) added, 0 updated, 0 unchanged"), "{out}");
    let (code, out, _) = run(d, &["candidates", "import", CANDIDATES]);
    assert!(code == 0 && out.contains(": 0 candidate(s) added, 0 updated, 213 unchanged"), "{out}");

    let bad = d.join("bad.csv");
    let text = std::fs::read_to_string(CANDIDATES).unwrap();
    std::fs::write(&bad, text.replacen("2020-11-26", "26/11/2020", 1)).unwrap();
    let (code, _, errors) = run(d, &["candidates", "import", "bad.csv"]);
    assert_eq!(code, 1);
    assert_eq!(errors[0], "repere-server: error: bad.csv: nothing imported, 1 problem(s):");
    assert!(errors[1].starts_with("repere-server: bad.csv: ligne 2, champ date_maj : "), "{errors:?}");

    let (code, out, _) = run(d, &["export-registry", "--format", "csv", "--with-candidates", "--out", "avec.csv"]);
    assert_eq!(code, 0);
    assert!(out.starts_with("avec.csv written: 329 places, version 1"), "{out}");
    assert!(out.contains("188 of them pending candidates (not published), 25 candidates left out until their address is given"), "{out}");
    let rows = csv::Reader::from_path(d.join("avec.csv")).unwrap().records().count();
    assert_eq!(rows, 141 + 188);

    // Global options after the command as before it; usage errors exit 2 and help has an example.
    let out = server().current_dir(d).args(["--database=t.sqlite", "candidates", "import", CANDIDATES]).output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    let out = server().current_dir(d).args(["candidates", "import"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let help = server().args(["candidates", "import", "--help"]).output().unwrap();
    assert!(
        String::from_utf8_lossy(&help.stdout)
            .contains("Example: repere-server --database data/repere.sqlite candidates import seeds/candidats.csv")
    );
}

/// `publish-registry` after a merge: the merged-away place in the file is left out, said so, and
/// nothing comes back.
#[tokio::test]
async fn publish_registry_keeps_a_merge() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let (code, _, _) = run(d, &["export-registry", "--format", "csv", "--out", "lieux.csv"]);
    assert_eq!(code, 0);
    let db = repere_server::db::Database::open(d.join("t.sqlite").to_str().unwrap()).await.unwrap();
    let (places, _) = db.current_places().await.unwrap();
    let (keep, gone) = (&places[0], &places[1]);
    assert_eq!(db.merge_places(keep, gone, "test").await.unwrap(), Some(2));
    db.close().await;
    let (code, out, errors) = run(d, &["publish-registry", "lieux.csv"]);
    assert_eq!((code, errors), (0, vec![]));
    assert_eq!(
        out,
        format!("1 place(s) left out, merged into another by a coordinator: {}\nno change: the registry stays at version 2\n", gone.id)
    );
}
