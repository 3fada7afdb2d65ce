//! The binary as an operator meets it: clear one-line errors on bad configuration, a clean
//! stop on SIGTERM, and a database that is created and migrated on first start.

use std::net::TcpListener;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::process::{dist, free_port, run_to_end, server, wait_until_serving};

mod common;

#[test]
fn port_in_use_is_one_clear_line_and_failure() {
    let taken = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = taken.local_addr().unwrap().to_string();
    let dist = dist();
    let db = tempfile::tempdir().unwrap();
    let (code, lines) =
        run_to_end(server().args(["--addr", &addr, "--dist"]).arg(dist.path()).arg("--database").arg(db.path().join("r.sqlite")));
    assert_ne!(code, 0);
    assert_eq!(lines.len(), 1, "{lines:?}");
    assert!(lines[0].contains(&format!("cannot listen on {addr}")), "{}", lines[0]);
}

#[test]
fn unwritable_database_path_is_one_clear_line_and_failure() {
    let dist = dist();
    let addr = format!("127.0.0.1:{}", free_port());
    let (code, lines) =
        run_to_end(server().args(["--addr", &addr, "--database", "/proc/no-such-dir/repere.sqlite", "--dist"]).arg(dist.path()));
    assert_ne!(code, 0);
    assert_eq!(lines.len(), 1, "{lines:?}");
    assert!(lines[0].contains("cannot open the database /proc/no-such-dir/repere.sqlite"), "{}", lines[0]);
}

#[test]
fn missing_build_and_unsupported_url_are_explained() {
    let empty = tempfile::tempdir().unwrap();
    let (code, lines) = run_to_end(server().arg("--dist").arg(empty.path()));
    assert_ne!(code, 0);
    assert!(lines[0].contains("the PWA is not built"), "{lines:?}");

    let dist = dist();
    let (code, lines) = run_to_end(server().args(["--database", "mysql://x/y", "--dist"]).arg(dist.path()));
    assert_ne!(code, 0);
    assert!(lines[0].contains("unsupported database URL"), "{lines:?}");
}

/// Regression: SIGTERM sent right after "serving" used to kill the process (exit by signal)
/// because the handler was installed later, when the shutdown future was first polled.
#[test]
fn sigterm_stops_cleanly_and_database_is_created_then_reopened() {
    let dist = dist();
    let dir = tempfile::tempdir().unwrap();
    let db_path = dir.path().join("repere.sqlite");
    let addr = format!("127.0.0.1:{}", free_port());
    for round in 0..2 {
        let mut child = server()
            .args(["--addr", &addr, "--dist"])
            .arg(dist.path())
            .arg("--database")
            .arg(&db_path)
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        wait_until_serving(&mut child);
        assert!(db_path.is_file(), "round {round}: database file exists");
        let kill = Command::new("kill").args(["-TERM", &child.id().to_string()]).status().unwrap();
        assert!(kill.success());
        let deadline = Instant::now() + Duration::from_secs(10);
        let exit = loop {
            if let Some(exit) = child.try_wait().unwrap() {
                break exit;
            }
            assert!(Instant::now() < deadline, "round {round}: still running 10 s after SIGTERM");
            std::thread::sleep(Duration::from_millis(50));
        };
        assert_eq!(exit.code(), Some(0), "round {round}");
    }
}

#[test]
fn enrol_prints_a_one_time_code_and_revoking_an_unknown_device_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let sqlite = dir.path().join("repere.sqlite").to_str().unwrap().to_owned();
    let postgres = tokio::runtime::Runtime::new().unwrap().block_on(common::fresh_postgres_url());
    for database in [Some(sqlite), postgres].into_iter().flatten() {
        let out = server().args(["--database", &database, "enrol", "--structure", "La Blaiserie"]).output().unwrap();
        assert!(out.status.success(), "{database}: {}", String::from_utf8_lossy(&out.stderr));
        let code = String::from_utf8(out.stdout).unwrap();
        let code = code.trim();
        assert!(code.len() == 15 && code.as_bytes()[5] == b'-' && code.as_bytes()[10] == b'-', "{code:?}");
        assert!(String::from_utf8_lossy(&out.stderr).contains("\"La Blaiserie\", valid 7 days, usable once"));

        let (code, lines) = run_to_end(server().args(["--database", &database, "revoke", "--device", "no-such-device"]));
        assert_eq!(code, 1);
        assert_eq!(lines, ["repere-server: error: this device is not enrolled, or was revoked"], "{database}");
    }
}

#[test]
fn an_unreachable_postgres_is_one_line_at_once_without_its_password() {
    let dist = dist();
    let started = Instant::now();
    let url = format!("postgres://repere:s3cret@127.0.0.1:{}/repere", free_port());
    let (code, lines) = run_to_end(server().args(["--database", &url, "--dist"]).arg(dist.path()));
    assert_eq!(code, 1);
    assert_eq!(lines.len(), 1, "{lines:?}");
    assert!(lines[0].starts_with("repere-server: error: cannot open the database postgres://repere:***@127.0.0.1:"), "{lines:?}");
    assert!(lines[0].contains("Connection refused") && !lines[0].contains("s3cret"), "{lines:?}");
    assert!(started.elapsed() < Duration::from_secs(10), "no 30 s pool timeout");
}

#[test]
fn publishing_a_registry_file_with_a_bad_row_publishes_nothing_and_names_the_row() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("repere.sqlite");
    let db = db.to_str().unwrap();
    let header = "id,pivot,nom,commune,code_postal,adresse,date_maj,services";
    let good = "a1,00000000000000,Médiathèque,Civray,86400,1 rue X,2026-11-01,Aide aux démarches administratives";
    let bad = "a2,00000000000000,Mairie,Civray,8640,2 rue Y,2026-11-01,Aide aux démarches administratives";
    let file = dir.path().join("lieux.csv");
    std::fs::write(&file, format!("{header}\n{good}\n{bad}\n")).unwrap();
    let (code, lines) = run_to_end(server().args(["--database", db, "publish-registry"]).arg(&file));
    assert_eq!(code, 1);
    assert!(lines[0].contains("nothing published, 1 problem(s): ligne 3, champ code_postal"), "{lines:?}");

    std::fs::write(&file, format!("{header}\n{good}\n")).unwrap();
    // Version 1 is the bundled registry (141 places); this file replaces it whole, once confirmed.
    let out = server().args(["--database", db, "publish-registry", "--confirm-removals", "141"]).arg(&file).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(String::from_utf8(out.stdout).unwrap(), "version 2 published: 1 added, 0 changed, 141 removed\n");
    let out = server().args(["--database", db, "publish-registry"]).arg(&file).output().unwrap();
    assert_eq!(String::from_utf8(out.stdout).unwrap(), "no change: the registry stays at version 2\n");
}
