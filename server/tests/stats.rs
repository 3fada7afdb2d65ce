//! The figures computed by SQL equal the core's, on both databases: thousands of varied contacts
//! pushed by devices of several structures, then for several filters and scopes the server's
//! `tally` against `Facts::of` + `Tally::add` over the same contacts; and the backfill of
//! contacts stored before their figures' rows.

use std::collections::HashMap;

use common::generate::{Rng, Structure, World, next_contacts};
use repere_core::activity::Contact;
use repere_core::stats::{Facts, Filter, Places, Tally};
use repere_server::stats::Scope;
use serde_json::json;

mod common;

/// The registry's places' communes and the Vienne's EPCI, as the server knows them.
struct Seeds(HashMap<String, String>, HashMap<String, String>);

impl Places for Seeds {
    fn commune_of_place(&self, id: &str) -> Option<String> {
        self.0.get(id).cloned()
    }
    fn epci_of(&self, commune: &str) -> Option<String> {
        self.1.get(commune).cloned()
    }
}

fn seeds() -> Seeds {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../seeds");
    let registry: serde_json::Value = serde_json::from_slice(&std::fs::read(root.join("registry.json")).unwrap()).unwrap();
    let places =
        registry["places"].as_array().unwrap().iter().map(|p| (p["id"].as_str().unwrap().into(), p["code_insee"].as_str().unwrap().into()));
    let csv = std::fs::read_to_string(root.join("communes-86.csv")).unwrap();
    let epci = csv.lines().skip(1).map(|l| {
        let f: Vec<&str> = l.split(',').collect();
        (f[0].to_owned(), f[4].to_owned())
    });
    Seeds(places.collect(), epci.collect())
}

fn day(text: &str) -> Option<chrono::NaiveDate> {
    Some(text.parse().unwrap())
}

#[tokio::test]
async fn the_sql_tally_equals_the_cores_for_every_filter_and_scope() {
    let world = World::vienne();
    let mut rng = Rng::new(13);
    let structures: Vec<Structure> = (0..6).map(|_| Structure::new(&world, &mut rng)).collect();
    let mut generated = Vec::new();
    while generated.len() < 3000 {
        let first = generated.len() as u64 + 1;
        generated.extend(next_contacts(&world, &structures, &mut rng, first, 3 * 365));
    }
    let seeds = seeds();
    for db in common::databases().await {
        eprintln!("backend: {:?}", db.backend());
        // One device per structure; every contact pushed through the ingest path, in batches.
        let mut devices = Vec::new();
        for s in 0..structures.len() {
            let code = db.create_enrolment_code(&format!("Structure {s}")).await.unwrap();
            devices.push(db.enrol(&code).await.unwrap().0);
        }
        let mut facts: Vec<Facts> = Vec::new();
        for (s, device) in devices.iter().enumerate() {
            let mine: Vec<&serde_json::Value> = generated.iter().filter(|(owner, _)| *owner == s).map(|(_, c)| c).collect();
            for chunk in mine.chunks(500) {
                let contacts = repere_protocol::read_push(json!({ "contacts": chunk }).to_string().as_bytes()).unwrap();
                let (rejections, total) = db.unknown_references(&contacts).await.unwrap();
                assert_eq!(total, 0, "{rejections:?}");
                let ingested = db.ingest(device, &contacts).await.unwrap();
                assert_eq!(ingested.stored, contacts.len());
                facts.extend(contacts.iter().map(|(c, _): &(Contact, u64)| Facts::of(c, device.structure_id, &seeds)));
            }
        }
        let busiest_commune = most_common(facts.iter().filter_map(|f| f.commune.clone()));
        let busiest_epci = most_common(facts.iter().filter_map(|f| f.epci.clone()));
        let busiest_lieu = most_common(facts.iter().map(|f| f.lieu.clone()));
        let filters = [
            Filter::default(),
            Filter { du: day("2023-03-15"), au: day("2024-02-10"), ..Filter::default() },
            Filter { epci: vec![busiest_epci.clone()], ..Filter::default() },
            Filter { commune: Some(busiest_commune.clone()), du: day("2022-06-01"), ..Filter::default() },
            Filter { structure: Some(devices[2].structure_id), au: day("2023-12-31"), ..Filter::default() },
            Filter { lieu: Some(busiest_lieu), ..Filter::default() },
            Filter { lieu: Some("bus".into()), ..Filter::default() },
            Filter { du: day("2030-01-01"), ..Filter::default() },
        ];
        let scopes = [Scope::Departement, Scope::Epci(vec![busiest_epci.clone()]), Scope::Structure(devices[0].structure_id)];
        for filter in &filters {
            for scope in &scopes {
                let expected = core_tally(&facts, filter, scope);
                let got = db.tally(filter, scope).await.unwrap();
                assert_eq!(got, expected, "{:?} {filter:?} {scope:?}", db.backend());
                if *filter == Filter::default() && *scope == Scope::Departement {
                    assert_eq!(got.totals.activites, 3000.max(generated.len() as u64));
                    assert!(got.cells(repere_core::stats::Breakdown::Sorties).count() == 3, "every kind of outing was generated");
                }
            }
        }
    }
}

fn core_tally(facts: &[Facts], filter: &Filter, scope: &Scope) -> Tally {
    let mut tally = Tally::default();
    let in_scope = |f: &Facts| match scope {
        Scope::Departement => true,
        Scope::Epci(list) => f.epci.as_ref().is_some_and(|e| list.contains(e)),
        Scope::Structure(id) => f.structure == *id,
    };
    for f in facts.iter().filter(|f| filter.accepts(f) && in_scope(f)) {
        tally.add(f);
    }
    tally
}

fn most_common(keys: impl Iterator<Item = String>) -> String {
    let mut counts: HashMap<String, usize> = HashMap::new();
    for k in keys {
        *counts.entry(k).or_default() += 1;
    }
    counts.into_iter().max_by_key(|(k, n)| (*n, k.clone())).unwrap().0
}

#[tokio::test]
async fn contacts_stored_before_the_facts_table_get_their_rows_at_startup() {
    let world = World::vienne();
    let mut rng = Rng::new(7);
    let structures: Vec<Structure> = (0..2).map(|_| Structure::new(&world, &mut rng)).collect();
    let mut generated = Vec::new();
    while generated.len() < 300 {
        let first = generated.len() as u64 + 1;
        generated.extend(next_contacts(&world, &structures, &mut rng, first, 365));
    }
    for db in common::databases().await {
        eprintln!("backend: {:?}", db.backend());
        let code = db.create_enrolment_code("La Blaiserie").await.unwrap();
        let device = db.enrol(&code).await.unwrap().0;
        let values: Vec<&serde_json::Value> = generated.iter().map(|(_, c)| c).collect();
        let contacts = repere_protocol::read_push(json!({ "contacts": values }).to_string().as_bytes()).unwrap();
        db.ingest(&device, &contacts).await.unwrap();
        let whole = db.tally(&Filter::default(), &Scope::Departement).await.unwrap();
        assert_eq!(whole.totals.activites, generated.len() as u64);
        // As a database migrated from before the table: contacts without their rows.
        sqlx::query("DELETE FROM contact_facts").execute(db.pool()).await.unwrap();
        assert_eq!(db.tally(&Filter::default(), &Scope::Departement).await.unwrap().totals.activites, 0);
        assert_eq!(db.backfill_facts().await.unwrap(), generated.len());
        assert_eq!(db.tally(&Filter::default(), &Scope::Departement).await.unwrap(), whole);
        assert_eq!(db.backfill_facts().await.unwrap(), 0, "nothing left to do");

        // Regression (found in review): a whole batch of contacts that no longer read (sorted
        // first) ended the backfill, leaving the readable ones after them without rows.
        let mut tx = db.pool().begin().await.unwrap();
        for i in 0..repere_server::facts::BACKFILL_BATCH {
            sqlx::query("INSERT INTO contacts (id, structure_id, device_id, device_seq, body, received_at) VALUES ($1, $2, $3, $4, '{}', '2026-01-01T00:00:00Z')")
                .bind(format!("00000000-unreadable-{i:05}"))
                .bind(device.structure_id)
                .bind(&device.id)
                .bind(100_000 + i)
                .execute(&mut *tx)
                .await
                .unwrap();
        }
        tx.commit().await.unwrap();
        sqlx::query("DELETE FROM contact_facts").execute(db.pool()).await.unwrap();
        assert_eq!(db.backfill_facts().await.unwrap(), generated.len(), "the readable ones after a batch of unreadable ones");
        assert_eq!(db.tally(&Filter::default(), &Scope::Departement).await.unwrap(), whole);
    }
}

/// The figures' queries choose their indices from the planner's statistics: SQLite has none
/// until analysed, and `optimize` (at start, then hourly) gives them.
#[tokio::test]
async fn sqlite_gets_planner_statistics_for_the_figures() {
    let world = World::vienne();
    let mut rng = Rng::new(11);
    let structures: Vec<Structure> = (0..2).map(|_| Structure::new(&world, &mut rng)).collect();
    let generated = next_contacts(&world, &structures, &mut rng, 1, 365);
    let db = common::databases().await.into_iter().next().unwrap();
    assert_eq!(db.backend(), repere_server::db::Backend::Sqlite);
    let code = db.create_enrolment_code("La Blaiserie").await.unwrap();
    let device = db.enrol(&code).await.unwrap().0;
    let values: Vec<&serde_json::Value> = generated.iter().map(|(_, c)| c).collect();
    db.ingest(&device, &repere_protocol::read_push(json!({ "contacts": values }).to_string().as_bytes()).unwrap()).await.unwrap();
    let analysed = async || -> i64 {
        let has_table: i64 =
            sqlx::query_scalar("SELECT COUNT(*) FROM sqlite_master WHERE name = 'sqlite_stat1'").fetch_one(db.pool()).await.unwrap();
        if has_table == 0 {
            return 0;
        }
        sqlx::query_scalar("SELECT COUNT(*) FROM sqlite_stat1 WHERE tbl = 'contact_facts'").fetch_one(db.pool()).await.unwrap()
    };
    assert_eq!(analysed().await, 0);
    db.optimize().await.unwrap();
    assert!(analysed().await >= 6, "one row per index of contact_facts");
}
