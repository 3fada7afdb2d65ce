//! The committed seeds are exactly what the builder makes from ../shared/data today.

use std::process::Command;

#[test]
fn committed_seeds_are_reproduced_byte_for_byte() {
    let root = concat!(env!("CARGO_MANIFEST_DIR"), "/../..");
    let out = tempfile_dir();
    let status = Command::new(env!("CARGO_BIN_EXE_repere-seed-builder"))
        .args(["--data", &format!("{root}/../shared/data"), "--out", out.to_str().unwrap()])
        .stdout(std::process::Stdio::null())
        .status()
        .unwrap();
    assert!(status.success());
    for file in ["registry.json", "communes-86.csv", "territoire-86.json"] {
        let built = std::fs::read(out.join(file)).unwrap();
        let committed = std::fs::read(format!("{root}/seeds/{file}")).unwrap();
        assert!(built == committed, "seeds/{file} is stale: run `make seeds` and commit");
    }
    std::fs::remove_dir_all(out).unwrap();
}

#[test]
fn bad_arguments_are_explained() {
    let out = Command::new(env!("CARGO_BIN_EXE_repere-seed-builder")).args(["--data", "/nonexistent"]).output().unwrap();
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("/nonexistent/territoire/communes-86.csv"), "{stderr}");
    let out = Command::new(env!("CARGO_BIN_EXE_repere-seed-builder")).args(["--version", "deux"]).output().unwrap();
    assert!(String::from_utf8_lossy(&out.stderr).contains("--version : entier attendu"));
}

fn tempfile_dir() -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("repere-seeds-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}
