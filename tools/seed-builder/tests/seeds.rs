//! The committed seeds are exactly what the builder makes from ../shared/data today.

/// The first year the committed registry's opening hours were compiled for: the builder's
/// `--annees-horaires`, recorded in every timetable (`make seeds` passes the year it runs in).
fn committed_hours_year(root: &str) -> String {
    let registry: serde_json::Value = serde_json::from_slice(&std::fs::read(format!("{root}/seeds/registry.json")).unwrap()).unwrap();
    let years: Vec<&serde_json::Value> =
        registry["places"].as_array().unwrap().iter().filter_map(|p| p["x_horaires_calcules"].get("annees")).collect();
    assert!(!years.is_empty() && years.iter().all(|y| *y == years[0]), "one window for the whole registry");
    years[0][0].to_string()
}

use std::process::Command;

#[test]
fn committed_seeds_are_reproduced_byte_for_byte() {
    let root = concat!(env!("CARGO_MANIFEST_DIR"), "/../..");
    let out = tempfile_dir();
    let status = Command::new(env!("CARGO_BIN_EXE_repere-seed-builder"))
        .args(["--data", &format!("{root}/../shared/data"), "--out", out.to_str().unwrap()])
        .args(["--annees-horaires", &committed_hours_year(root)])
        .stdout(std::process::Stdio::null())
        .status()
        .unwrap();
    assert!(status.success());
    for file in ["registry.json", "communes-86.csv", "territoire-86.json", "candidats.csv"] {
        let built = std::fs::read(out.join(file)).unwrap();
        let committed = std::fs::read(format!("{root}/seeds/{file}")).unwrap();
        assert!(built == committed, "seeds/{file} is stale: run `make seeds` and commit");
    }
    std::fs::remove_dir_all(out).unwrap();
}

#[test]
fn bad_arguments_are_explained() {
    let out = Command::new(env!("CARGO_BIN_EXE_repere-seed-builder"))
        .args(["--data", "/nonexistent", "--annees-horaires", "2026"])
        .output()
        .unwrap();
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("/nonexistent/territoire/communes-86.csv"), "{stderr}");
    let out = Command::new(env!("CARGO_BIN_EXE_repere-seed-builder")).args(["--version", "deux"]).output().unwrap();
    assert!(String::from_utf8_lossy(&out.stderr).contains("--version : entier attendu"));
    let out = Command::new(env!("CARGO_BIN_EXE_repere-seed-builder")).args(["--data", "/nonexistent"]).output().unwrap();
    assert!(String::from_utf8_lossy(&out.stderr).contains("--annees-horaires : première année"), "the years are never today's by default");
    let out = Command::new(env!("CARGO_BIN_EXE_repere-seed-builder")).args(["--annees-horaires", "l'an prochain"]).output().unwrap();
    assert!(String::from_utf8_lossy(&out.stderr).contains("--annees-horaires : année attendue"));
}

fn tempfile_dir() -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("repere-seeds-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}
