//! The command line's rules: global options before or after the command, an example in every
//! command's help, exit 0 on success, 1 on a failure (one line saying what to do), 2 on a usage
//! error (clap's message).

use clap::CommandFactory;
use common::process::{run_to_end, server};
use repere_server::Config;

mod common;

#[test]
fn the_definition_passes_clap_checks() {
    Config::command().debug_assert();
}

#[test]
fn database_is_taken_before_or_after_the_command() {
    let dir = tempfile::tempdir().unwrap();
    let orders: [&[&str]; 3] = [
        &["--database", "before.sqlite", "enrol", "--structure", "La Blaiserie"],
        &["enrol", "--structure", "La Blaiserie", "--database", "after.sqlite"],
        &["enrol", "--log-format", "json", "--database", "after.sqlite", "--structure", "Itinérance 86"],
    ];
    for args in orders {
        let out = server().current_dir(dir.path()).args(args).output().unwrap();
        assert_eq!(out.status.code(), Some(0), "{args:?}: {}", String::from_utf8_lossy(&out.stderr));
        assert_eq!(String::from_utf8(out.stdout).unwrap().trim().len(), 15, "{args:?}: one code (ABCDE-FGHJ-KMNP)");
    }
    // (A process's last connection may leave `-wal` and `-shm` files beside a database.)
    let mut files: Vec<_> = std::fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().file_name().into_string().unwrap()).collect();
    files.retain(|name| !name.ends_with("-wal") && !name.ends_with("-shm"));
    files.sort();
    assert_eq!(files, ["after.sqlite", "before.sqlite"], "each where it was told, none at the default data/repere.sqlite");

    // The environment variable still applies to commands.
    let out = server().current_dir(dir.path()).env("REPERE_DATABASE", "env.sqlite").args(["enrol", "--structure", "X"]).output().unwrap();
    assert!(out.status.success() && dir.path().join("env.sqlite").is_file());
}

#[test]
fn usage_errors_exit_2_with_clap_message_and_failures_exit_1_with_one_line() {
    let dir = tempfile::tempdir().unwrap();
    for (args, says) in [
        (&["enrol"][..], "--structure <STRUCTURE>"),
        (&["backup"][..], "<FILE>"),
        (&["enrol", "--structure", "X", "--addr", "127.0.0.1:9"][..], "unexpected argument '--addr'"),
        (&["--log-format", "yaml", "enrol", "--structure", "X"][..], "invalid value 'yaml'"),
    ] {
        let out = server().current_dir(dir.path()).args(args).output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
        assert!(stderr.starts_with("error: ") && stderr.contains(says), "{args:?}: {stderr}");
    }
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0, "a usage error touches nothing");

    std::fs::write(dir.path().join("taken.sqlite"), "").unwrap();
    let (code, lines) = run_to_end(server().current_dir(dir.path()).args(["backup", "taken.sqlite", "--database", "missing.sqlite"]));
    assert_eq!(
        (code, lines.as_slice()),
        (1, &["repere-server: error: there is no database at missing.sqlite: give the server's database with --database".to_owned()][..])
    );
    assert!(!dir.path().join("missing.sqlite").exists(), "not created by a backup");
}

#[test]
fn every_command_help_shows_an_example() {
    let top = server().arg("--help").output().unwrap();
    assert!(top.status.success());
    assert!(String::from_utf8(top.stdout).unwrap().contains("Examples:\n  repere-server --database"));
    let commands: Vec<String> = Config::command().get_subcommands().map(|c| c.get_name().to_owned()).collect();
    assert!(commands.len() >= 5 && commands.contains(&String::from("backup")), "{commands:?}");
    for name in commands {
        for help in ["--help", "-h"] {
            let out = server().args([name.as_str(), help]).output().unwrap();
            assert!(out.status.success(), "{name} {help}");
            let text = String::from_utf8(out.stdout).unwrap();
            assert!(text.contains(&format!("Example: repere-server --database data/repere.sqlite {name} ")), "{name} {help}: {text}");
            assert!(text.contains("--database <DATABASE>"), "{name} {help}: the global option is listed");
        }
    }
}

#[test]
fn coordination_codes_name_epci_of_the_vienne_and_no_structure() {
    let dir = tempfile::tempdir().unwrap();
    for args in
        [&["enrol", "--role", "coordination"][..], &["enrol", "--role", "coordination", "--epci", "200069854", "--label", "Grand Poitiers"]]
    {
        let out = server().current_dir(dir.path()).args(args).arg("--database=x.sqlite").output().unwrap();
        assert_eq!(out.status.code(), Some(0), "{args:?}: {}", String::from_utf8_lossy(&out.stderr));
        assert_eq!(String::from_utf8(out.stdout).unwrap().trim().len(), 15, "{args:?}: one code");
    }
    for (args, says) in [
        (
            &["enrol", "--role", "coordination", "--epci", "200069854", "--epci", "123456789"][..],
            "\"123456789\" is not the SIREN of an EPCI",
        ),
        (&["enrol", "--role", "coordination", "--structure", "X"], "--structure is for mediators"),
        (&["enrol", "--structure", "X", "--epci", "200069854"], "cannot be used with '--epci <SIREN>'"),
        (&["enrol", "--role", "mediation"], "--structure <STRUCTURE>"),
    ] {
        let out = server().current_dir(dir.path()).args(args).arg("--database=y.sqlite").output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
        assert!(stderr.starts_with("error: ") && stderr.contains(says), "{args:?}: {stderr}");
    }
    assert!(!dir.path().join("y.sqlite").exists(), "a usage error touches nothing");
}
