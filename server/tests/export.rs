//! Exports from stored contacts, on SQLite and PostgreSQL: La Coop's columns and one row per
//! accompaniment, filters, paging past one page, the statistics file, and that a failed or
//! cancelled export leaves no file.

use std::path::Path;
use std::time::Duration;

use repere_core::export::{COLUMNS, Requester};
use repere_core::stats::{Filter, Privacy};
use repere_protocol::ContactDto;
use repere_server::db::Database;
use repere_server::export::{self, ExportError, Format, Request};
use serde_json::{Value, json};

mod common;

const PLACE: &str = "conseiller-numerique-62d7f4be9c289e06decf00a6";

fn id(n: u64) -> String {
    uuid::Builder::from_unix_timestamp_millis(1_795_000_000_000 + n, &[n as u8; 10]).into_uuid().to_string()
}

/// Individual contacts on `day`, numbered from `n`.
fn individual(n: u64, day: &str) -> Value {
    json!({
        "id": id(n), "seq": n, "type": "individuel", "debut": format!("{day}T10:30:00"), "duree_min": 30,
        "lieu": { "kind": "commune", "code": "86066" }, "thematiques": ["email"],
        "beneficiaire": { "tranche_age": "soixante_dix_plus", "statut": "retraite", "commune": "86194" }
    })
}

fn workshop(n: u64) -> Value {
    json!({
        "id": id(n), "seq": n, "type": "collectif", "debut": "2026-03-02T14:00:00", "duree_min": 120,
        "lieu": { "kind": "registre", "id": PLACE }, "thematiques": ["securite_numerique"], "niveau_atelier": "debutant",
        "participants": { "par_age": [1, 0, 0, 0, 2, 0, 0, 0] }
    })
}

fn quick(n: u64) -> Value {
    json!({
        "id": id(n), "seq": n, "type": "ponctuel", "debut": "2026-03-03T09:00:00", "duree_min": 5,
        "lieu": { "kind": "marche_stand", "commune": "86066" }, "thematiques": [], "session": id(9_999)
    })
}

async fn store(db: &Database, structure: &str, contacts: &[Value]) {
    let code = db.create_enrolment_code(structure).await.unwrap();
    let (device, _) = db.enrol(&code).await.unwrap();
    for chunk in contacts.chunks(repere_protocol::MAX_BATCH) {
        let parsed: Vec<_> = chunk
            .iter()
            .map(|v| {
                let dto: ContactDto = serde_json::from_value(v.clone()).unwrap();
                (dto.to_contact().unwrap(), dto.seq)
            })
            .collect();
        db.ingest(&device, &parsed).await.unwrap();
    }
}

/// 1,203 contacts of one structure (three pages), then a workshop of 3 and a quick contact of another.
async fn filled(db: &Database) {
    let many: Vec<Value> = (0..1203).map(|n| individual(n, if n < 1000 { "2026-01-15" } else { "2026-02-15" })).collect();
    store(db, "La Blaiserie", &many).await;
    store(db, "Itinérance 86", &[workshop(2000), quick(2001)]).await;
}

fn request(filter: Filter) -> Request {
    Request { filter, requester: Requester::Administrator, privacy: Privacy::Protected }
}

fn files(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().file_name().into_string().unwrap()).collect();
    names.sort();
    names
}

fn read_csv(path: &Path) -> (Vec<String>, Vec<Vec<String>>) {
    let mut reader = csv::Reader::from_path(path).unwrap();
    let header = reader.headers().unwrap().iter().map(str::to_owned).collect();
    let rows = reader.records().map(|r| r.unwrap().iter().map(str::to_owned).collect()).collect();
    (header, rows)
}

#[tokio::test]
async fn activities_csv_has_la_coops_columns_one_row_per_accompaniment_across_pages() {
    for db in common::databases().await {
        eprintln!("backend: {:?}", db.backend());
        filled(&db).await;
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("activites.csv");
        let rows = export::activities(&db, &request(Filter::default()), Format::Csv, &out).await.unwrap();
        assert_eq!(rows, 1203 + 3 + 1);
        assert_eq!(files(dir.path()), ["activites.csv"], "no partial file left");
        let (header, rows) = read_csv(&out);
        assert_eq!(header, COLUMNS);
        assert_eq!(rows.len(), 1207);
        let col = |name: &str| COLUMNS.iter().position(|&c| c == name).unwrap();
        let ids: Vec<&str> = rows.iter().map(|r| r[col("ID CRA")].as_str()).collect();
        assert!(ids.windows(2).all(|w| w[0] <= w[1]), "in id order, each contact once per accompaniment");
        let workshop: Vec<&Vec<String>> = rows.iter().filter(|r| r[col("ID CRA")] == id(2000)).collect();
        let cells = |name: &str| workshop.iter().map(|r| r[col(name)].as_str()).collect::<Vec<_>>();
        assert_eq!(cells("Participants"), ["1/3", "2/3", "3/3"]);
        assert_eq!(cells("Tranche d’âge du bénéficiaire"), ["70 ans et plus", "18 - 24 ans", "18 - 24 ans"]);
        assert_eq!(cells("Nom du lieu"), ["Mairie D'Adriers"; 3]);
        assert_eq!(cells("Code Insee"), ["86001"; 3]);
        assert_eq!(cells("Niveau d’autonomie (ou de l’atelier)"), ["1/3"; 3]);
        assert_eq!(cells("Structure"), ["Itinérance 86"; 3]);
        assert_eq!(cells("Date"), ["02/03/2026"; 3]);
        let quick = rows.iter().find(|r| r[col("ID CRA")] == id(2001)).unwrap();
        assert_eq!(quick[col("Tags")], "Demande ponctuelle\nMarché ou stand", "a line break within the quoted cell");
        assert_eq!(quick[col("Commune")], "Châtellerault");
    }
}

#[tokio::test]
async fn filters_narrow_the_export_and_the_statistics_count_what_is_exported() {
    for db in common::databases().await {
        eprintln!("backend: {:?}", db.backend());
        filled(&db).await;
        let dir = tempfile::tempdir().unwrap();
        let lookup = export::Lookup::load(&db).await.unwrap();
        let february = Filter::parse([("du", "2026-02-01"), ("au", "2026-02-28")], &lookup).unwrap();
        let out = dir.path().join("fevrier.csv");
        assert_eq!(export::activities(&db, &request(february.clone()), Format::Csv, &out).await.unwrap(), 203);
        let blaiserie = *lookup.structures.iter().find(|(_, name)| *name == "La Blaiserie").unwrap().0;
        let other = Filter { structure: Some(blaiserie + 1), ..Filter::default() };
        assert_eq!(export::activities(&db, &request(other), Format::Csv, &dir.path().join("autre.csv")).await.unwrap(), 4);

        let xlsx = dir.path().join("fevrier.xlsx");
        assert_eq!(export::activities(&db, &request(february.clone()), Format::Xlsx, &xlsx).await.unwrap(), 203);
        let stats = dir.path().join("statistiques.xlsx");
        export::statistics(&db, &request(february), &stats).await.unwrap();
        for file in [&xlsx, &stats] {
            let bytes = std::fs::read(file).unwrap();
            assert!(bytes.starts_with(b"PK\x03\x04"), "{}: a zip container", file.display());
        }
        assert_eq!(files(dir.path()), ["autre.csv", "fevrier.csv", "fevrier.xlsx", "statistiques.xlsx"]);
    }
}

#[tokio::test]
async fn a_contact_that_no_longer_reads_fails_the_export_and_leaves_no_file() {
    for db in common::databases().await {
        eprintln!("backend: {:?}", db.backend());
        filled(&db).await;
        // The third page holds an unreadable body: two pages were already written.
        sqlx::query("UPDATE contacts SET body = $1 WHERE id = $2").bind("{").bind(id(1100)).execute(db.pool()).await.unwrap();
        let dir = tempfile::tempdir().unwrap();
        for format in [Format::Csv, Format::Xlsx] {
            let out = dir.path().join(format!("activites.{}", format.extension()));
            let error = export::activities(&db, &request(Filter::default()), format, &out).await.unwrap_err();
            assert!(matches!(&error, ExportError::Stored(bad, _) if *bad == id(1100)), "{error}");
        }
        assert_eq!(files(dir.path()), Vec::<String>::new());
    }
}

#[tokio::test]
async fn an_export_dropped_midway_removes_its_partial_file() {
    let db = Database::open("sqlite::memory:").await.unwrap();
    filled(&db).await;
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("activites.csv");
    let request = request(Filter::default());
    let mut export = Box::pin(export::activities(&db, &request, Format::Csv, &out));
    // Step the export until its partial file exists: it cannot end before being polled again
    // (the writer renames only after the end, which the export sends).
    let mut stepped = 0;
    while files(dir.path()).is_empty() {
        assert!(tokio::time::timeout(Duration::from_millis(1), &mut export).await.is_err(), "ended before it could be dropped");
        stepped += 1;
        assert!(stepped < 5000);
    }
    assert!(files(dir.path())[0].starts_with("activites.csv.partial-"), "{:?}", files(dir.path()));
    drop(export);
    for _ in 0..500 {
        if files(dir.path()).is_empty() {
            return;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    panic!("left behind: {:?}", files(dir.path()));
}

#[tokio::test]
async fn the_command_writes_the_file_refuses_bad_flags_with_2_and_an_existing_file_with_1() {
    use common::process::{run_to_end, server};
    let dir = tempfile::tempdir().unwrap();
    let database = dir.path().join("repere.sqlite");
    let db = Database::open(database.to_str().unwrap()).await.unwrap();
    store(&db, "La Blaiserie", &[workshop(1), quick(2)]).await;
    db.close().await;
    let run = |args: &[&str]| run_to_end(server().current_dir(dir.path()).args(["--database", "repere.sqlite"]).args(args));
    let printed = |args: &[&str]| {
        let out = server().current_dir(dir.path()).args(["--database", "repere.sqlite"]).args(args).output().unwrap();
        (out.status.code(), String::from_utf8(out.stdout).unwrap())
    };

    let args = ["export", "activites", "--format", "csv", "--out", "a.csv", "--du", "2026-03-01", "--au", "2026-03-02"];
    assert_eq!(printed(&args), (Some(0), "a.csv written: 3 rows\n".to_owned()));
    assert_eq!(printed(&["export", "statistiques", "--out", "s.xlsx", "--epci", "248600413"]), (Some(0), "s.xlsx written\n".to_owned()));

    let (code, lines) = run(&["export", "activites", "--format", "xlsx", "--out", "b.xlsx", "--du", "2026-03-32", "--epci", "123"]);
    assert_eq!(code, 2, "{lines:?}");
    assert_eq!(lines.len(), 1, "{lines:?}");
    assert!(
        lines[0].starts_with("repere-server: error: --du : date attendue") && lines[0].contains("; --epci : EPCI inconnu"),
        "{lines:?}"
    );
    let (code, lines) = run(&["export", "activites", "--format", "csv", "--out", "a.csv"]);
    assert_eq!((code, lines.as_slice()), (1, &["repere-server: error: a.csv exists: give --force to replace it".to_owned()][..]));
    assert_eq!(run(&["export", "activites", "--format", "csv", "--out", "a.csv", "--force"]).0, 0);
    let mut left = files(dir.path());
    left.retain(|name| !name.starts_with("repere.sqlite"));
    assert_eq!(left, ["a.csv", "s.xlsx"]);
}
