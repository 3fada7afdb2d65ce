//! `repere-server place-link ID` as an operator runs it: exit 0 with the link on stdout, 1 for a
//! place the registry does not hold, 2 for bad flags; the code is nowhere in the database files.

use common::process::server;

mod common;

/// Runs the binary in `dir` on `t.sqlite`: (exit code, stdout, the stderr lines that are not logs).
fn run(dir: &std::path::Path, args: &[&str]) -> (i32, String, Vec<String>) {
    let out = server().current_dir(dir).env_remove("REPERE_BASE_URL").args(args).arg("--database=t.sqlite").output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    let lines = stderr.lines().filter(|l| l.starts_with("repere-server:") || l.starts_with("error:")).map(str::to_owned).collect();
    (out.status.code().unwrap_or(-1), String::from_utf8(out.stdout).unwrap(), lines)
}

/// Every byte of the SQLite database (its file and write-ahead log).
fn database_bytes(dir: &std::path::Path) -> Vec<u8> {
    ["t.sqlite", "t.sqlite-wal"].iter().filter_map(|name| std::fs::read(dir.join(name)).ok()).flatten().collect()
}

#[test]
fn a_link_is_printed_with_a_code_stored_only_hashed_and_bad_uses_exit_1_or_2() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let (code, out, errors) = run(d, &["place-link", "france-services-2842", "--base-url", "https://repere.example.fr/"]);
    assert_eq!((code, errors), (0, vec![]));
    let secret =
        out.trim().strip_prefix("https://repere.example.fr/lieu/france-services-2842/mise-a-jour?code=").unwrap_or_else(|| panic!("{out}"));
    assert!(secret.len() == 32 && secret.bytes().all(|b| b.is_ascii_hexdigit()), "{secret}");
    let stored = database_bytes(d);
    let found = |needle: &str| stored.windows(needle.len()).any(|w| w == needle.as_bytes());
    assert!(!found(secret), "the plain code is not in the database");
    assert!(found(&repere_server::auth::hash(secret)), "its hash is");

    // Without --base-url: the server's own address.
    let (code, out, _) = run(d, &["--addr", "127.0.0.1:9090", "place-link", "france-services-2842"]);
    assert_eq!(code, 0);
    assert!(out.starts_with("http://127.0.0.1:9090/lieu/france-services-2842/mise-a-jour?code="), "{out}");
    assert!(!out.contains(secret), "a new code each time");

    let (code, out, errors) = run(d, &["place-link", "lieu-inconnu"]);
    assert_eq!((code, out.as_str()), (1, ""));
    assert_eq!(errors, ["repere-server: error: no place \"lieu-inconnu\" in the published registry (see its `id` column)"]);

    for args in [&["place-link"][..], &["place-link", "france-services-2842", "--base-url", "repere.example.fr"], &["place-link", "a", "b"]]
    {
        let (code, out, errors) = run(d, args);
        assert_eq!((code, out.as_str()), (2, ""), "{args:?}");
        assert!(errors.iter().any(|e| e.starts_with("error:")), "{args:?}: {errors:?}");
    }
    let help = server().args(["place-link", "--help"]).output().unwrap();
    assert!(String::from_utf8(help.stdout).unwrap().contains("Example: repere-server --database data/repere.sqlite place-link"));
}
