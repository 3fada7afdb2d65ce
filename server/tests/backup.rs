//! `repere-server backup`: a consistent copy of a SQLite database that keeps taking writes, and
//! the documented restore (start a server on the copy) that gives the mediators' contacts back.

use std::path::Path;
use std::process::Stdio;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use common::contact;
use common::process::{dist, http, serve, server, stop};
use repere_server::backup::BackupError;
use repere_server::db::Database;
use serde_json::json;
use sqlx::{Connection, SqliteConnection};

mod common;

/// Contacts per push: a copy holding part of a batch would not be a multiple of it.
const BATCH: u64 = 100;

fn batch(b: u64) -> String {
    json!({ "contacts": (b * BATCH..(b + 1) * BATCH).map(contact).collect::<Vec<_>>() }).to_string()
}

/// `PRAGMA integrity_check` and the contact ids, read from the file itself.
async fn read_copy(path: &Path) -> (Vec<String>, Vec<String>) {
    let mut conn = SqliteConnection::connect(&format!("sqlite:{}?mode=ro", path.display())).await.unwrap();
    let check = sqlx::query_scalar("PRAGMA integrity_check").fetch_all(&mut conn).await.unwrap();
    let ids = sqlx::query_scalar("SELECT id FROM contacts ORDER BY id").fetch_all(&mut conn).await.unwrap();
    conn.close().await.unwrap();
    (check, ids)
}

/// The ids of the first `n` batches, as the copy lists them (UUIDv7 text sorts by `n`).
fn ids_of_batches(n: u64) -> Vec<String> {
    (0..n * BATCH).map(|i| contact(i)["id"].as_str().unwrap().to_owned()).collect()
}

/// Temporary copies left in `dir`.
fn leftovers(dir: &Path) -> Vec<String> {
    let names = std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().file_name().into_string().unwrap());
    names.filter(|n| n.contains(".partial-")).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_copy_taken_during_writes_holds_whole_batches_and_passes_its_check() {
    let dir = tempfile::tempdir().unwrap();
    let db = Database::open(dir.path().join("live.sqlite").to_str().unwrap()).await.unwrap();
    let code = db.create_enrolment_code("La Blaiserie").await.unwrap();
    let (device, _) = db.enrol(&code).await.unwrap();
    let push = |b| repere_protocol::read_push(batch(b).as_bytes()).unwrap();
    for b in 0..30 {
        db.ingest(&device, &push(b)).await.unwrap();
    }
    let done = Arc::new(AtomicU64::new(30));
    let stop = Arc::new(AtomicBool::new(false));
    let writer = tokio::spawn({
        let (db, done, stop) = (db.clone(), done.clone(), stop.clone());
        async move {
            while !stop.load(Ordering::SeqCst) {
                let b = done.load(Ordering::SeqCst);
                db.ingest(&device, &push(b)).await.unwrap();
                done.store(b + 1, Ordering::SeqCst);
            }
        }
    });
    let before = done.load(Ordering::SeqCst);
    let copied = db.backup(&dir.path().join("copy.sqlite"), false).await.unwrap();
    let after = done.load(Ordering::SeqCst);
    stop.store(true, Ordering::SeqCst);
    writer.await.unwrap();
    eprintln!("batches acknowledged: {before} when the backup began, {after} when it ended; the copy holds {}", copied.contacts);

    assert!(copied.contacts as u64 >= before * BATCH && copied.contacts as u64 <= after * BATCH, "{copied:?}");
    let (check, ids) = read_copy(&dir.path().join("copy.sqlite")).await;
    assert_eq!(check, ["ok"]);
    assert_eq!(ids, ids_of_batches(copied.contacts as u64 / BATCH), "whole batches, the first ones, nothing else");
    assert_eq!((copied.structures, copied.devices, copied.registry_version), (1, 1, 1));
    assert_eq!(copied.bytes, std::fs::metadata(dir.path().join("copy.sqlite")).unwrap().len());
    assert_eq!(leftovers(dir.path()), Vec::<String>::new());
    db.close().await;
}

#[tokio::test]
async fn an_existing_file_is_kept_unless_forced_and_a_failed_copy_leaves_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let db = Database::open(dir.path().join("live.sqlite").to_str().unwrap()).await.unwrap();
    let file = dir.path().join("copy.sqlite");
    std::fs::write(&file, "an older backup").unwrap();
    let refused = db.backup(&file, false).await.unwrap_err();
    assert!(matches!(refused, BackupError::Exists(_)), "{refused}");
    assert!(refused.to_string().ends_with("copy.sqlite exists: choose another file, or pass --force to replace it"), "{refused}");
    assert_eq!(std::fs::read(&file).unwrap(), b"an older backup");

    db.create_enrolment_code("La Blaiserie").await.unwrap();
    let copied = db.backup(&file, true).await.unwrap();
    assert_eq!(copied.structures, 1);
    assert_eq!(read_copy(&file).await.0, ["ok"], "replaced by a whole copy");

    let missing = dir.path().join("no such folder").join("copy.sqlite");
    let failed = db.backup(&missing, false).await.unwrap_err();
    assert_eq!(
        failed.to_string(),
        format!("the folder {} does not exist: create it, or choose another place", missing.parent().unwrap().display())
    );
    let unwritable = Path::new("/proc/self/copy.sqlite");
    let failed = db.backup(unwritable, false).await.unwrap_err();
    assert!(failed.to_string().starts_with("cannot make the backup /proc/self/copy.sqlite: unable to open"), "{failed}");
    assert_eq!(leftovers(dir.path()), Vec::<String>::new());
    db.close().await;
}

#[tokio::test]
async fn postgres_is_refused_with_the_way_to_copy_it() {
    let refused = repere_server::backup::check_source("postgres://repere:s3cret@127.0.0.1:1/repere").unwrap_err();
    assert!(refused.contains("for PostgreSQL use `pg_dump -Fc"), "{refused}");
    let missing = repere_server::backup::check_source("/no/such/repere.sqlite").unwrap_err();
    assert_eq!(missing, "there is no database at /no/such/repere.sqlite: give the server's database with --database");
    if let Some(url) = common::fresh_postgres_url().await {
        let db = Database::open(&url).await.unwrap();
        let dir = tempfile::tempdir().unwrap();
        assert!(matches!(db.backup(&dir.path().join("x.sqlite"), false).await, Err(BackupError::Postgres)));
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
        db.close().await;
    }
}

/// The "done when": a backup taken while a server ingests pushes, restored into a fresh
/// server as the README says, gives back every contact acknowledged before the backup began.
#[test]
fn a_backup_taken_while_serving_restores_into_a_fresh_server_with_the_contacts() {
    const PRELOAD: u64 = 80;
    let dist = dist();
    let dir = tempfile::tempdir().unwrap();
    let live = dir.path().join("repere.sqlite");
    let copy = dir.path().join("backup.sqlite");
    let (serving, addr) = serve(&live, dist.path());
    // Several devices of one structure: the rate limit is per token.
    let tokens: Vec<String> = (0..4)
        .map(|_| {
            let out = server().args(["enrol", "--structure", "La Blaiserie", "--database"]).arg(&live).output().unwrap();
            assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
            let code = String::from_utf8(out.stdout).unwrap();
            let (status, body) = http(&addr, "POST", "/api/v1/devices", None, &json!({ "code": code.trim() }).to_string());
            assert_eq!(status, 201, "{body}");
            body["token"].as_str().unwrap().to_owned()
        })
        .collect();

    let acked = Arc::new(AtomicU64::new(0));
    let stopping = Arc::new(AtomicBool::new(false));
    let pusher = std::thread::spawn({
        let (addr, tokens, acked, stopping) = (addr.clone(), tokens.clone(), acked.clone(), stopping.clone());
        move || {
            let mut acknowledged_at = Vec::new();
            for b in 0.. {
                if stopping.load(Ordering::SeqCst) {
                    break;
                }
                let token = &tokens[b as usize % tokens.len()];
                let (status, body) = http(&addr, "POST", "/api/v1/contacts", Some(token), &batch(b));
                assert_eq!((status, body["stored"].as_u64()), (200, Some(BATCH)), "batch {b}: {body}");
                acked.store(b + 1, Ordering::SeqCst);
                acknowledged_at.push(Instant::now());
                if b >= PRELOAD {
                    std::thread::sleep(Duration::from_millis(5));
                }
            }
            acknowledged_at
        }
    });
    let wait_for = |batches: u64| {
        let deadline = Instant::now() + Duration::from_secs(120);
        while acked.load(Ordering::SeqCst) < batches {
            assert!(Instant::now() < deadline, "pushes stalled at {} batches", acked.load(Ordering::SeqCst));
            std::thread::sleep(Duration::from_millis(5));
        }
    };
    wait_for(PRELOAD);

    // The global option after the command, as an operator may type it.
    let (began, before) = (Instant::now(), acked.load(Ordering::SeqCst));
    let out = server().arg("backup").arg(&copy).arg("--database").arg(&live).stderr(Stdio::inherit()).output().unwrap();
    let (ended, at_end) = (Instant::now(), acked.load(Ordering::SeqCst));
    assert!(out.status.success());
    let said = String::from_utf8(out.stdout).unwrap();
    let contacts: u64 = said.split(": ").nth(1).and_then(|rest| rest.split(' ').next()).and_then(|n| n.parse().ok()).unwrap();
    assert!(said.starts_with(&format!("{} written, ", copy.display())) && said.contains("integrity check ok"), "{said}");
    wait_for(at_end + 5);
    stopping.store(true, Ordering::SeqCst);
    let acknowledged_at = pusher.join().unwrap();
    let during = acknowledged_at.iter().filter(|t| (began..ended).contains(t)).count();
    eprintln!(
        "batches of {BATCH}: {before} acknowledged before the backup, {during} during it ({:?}), {} in all; the copy holds {contacts}",
        ended - began,
        acknowledged_at.len()
    );
    assert!(during >= 1, "pushes went on while the backup ran");
    assert_eq!(stop(serving), Some(0));

    // Restore as the README says: the copy in place of a fresh server's database, then start.
    let fresh = tempfile::tempdir().unwrap();
    let restored = fresh.path().join("repere.sqlite");
    std::fs::copy(&copy, &restored).unwrap();
    let (serving, addr) = serve(&restored, dist.path());
    let (status, body) = http(&addr, "GET", "/api/v1/contacts/count", Some(&tokens[0]), "");
    assert_eq!(status, 200, "{body}");
    let count = body["count"].as_u64().unwrap();
    assert_eq!(count, contacts, "what the backup said it copied");
    assert!(count >= before * BATCH && count <= at_end * BATCH && count % BATCH == 0, "{count}: whole batches, all those before");
    // The contents, not only a count: the first batch pushed again is held already, identical.
    let (status, body) = http(&addr, "POST", "/api/v1/contacts", Some(&tokens[1]), &batch(0));
    assert_eq!((status, body["stored"].as_u64(), body["conflicts"].clone()), (200, Some(0), json!([])), "{body}");
    assert_eq!(body["acked"].as_array().map(Vec::len), Some(BATCH as usize));
    assert_eq!(stop(serving), Some(0));
    let (check, ids) = tokio::runtime::Runtime::new().unwrap().block_on(read_copy(&copy));
    assert_eq!((check, ids.len() as u64), (vec![String::from("ok")], count));
}
