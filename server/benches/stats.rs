//! Dashboard queries at scale (not a timed test): `REPERE_BENCH_CONTACTS` (default 1,000,000)
//! generated contacts — 5 years, 60 structures, all 265 communes weighted by population,
//! workshops, outings in sessions — written straight into `contacts` and `contact_facts` in
//! bulk transactions (facts from the core's `Facts::of`), then every breakdown's query timed,
//! best of 5, on a SQLite file and on PostgreSQL side by side, for the whole département and
//! for one EPCI over one year. Run with scripts/bench-stats (which starts a throwaway PostgreSQL).

use std::collections::HashMap;
use std::time::{Duration, Instant};

use repere_core::stats::{Breakdown, Facts, Filter, Places, Tally};
use repere_server::db::Database;
use repere_server::stats::Scope;
use sqlx::{Connection, Executor};

#[path = "../tests/common/generate.rs"]
mod generate;
use generate::{Rng, Structure, World, next_contacts};

const STRUCTURES: usize = 60;
const ROWS_PER_TRANSACTION: usize = 20_000;

struct Seeds(HashMap<String, String>);

impl Places for Seeds {
    fn commune_of_place(&self, id: &str) -> Option<String> {
        self.0.get(id).cloned()
    }
    fn epci_of(&self, commune: &str) -> Option<String> {
        repere_server::territory::epci_of(commune).map(str::to_owned)
    }
}

fn seeds() -> Seeds {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../seeds");
    let registry: serde_json::Value = serde_json::from_slice(&std::fs::read(root.join("registry.json")).unwrap()).unwrap();
    let places = registry["places"].as_array().unwrap().iter();
    Seeds(places.map(|p| (p["id"].as_str().unwrap().to_owned(), p["code_insee"].as_str().unwrap().to_owned())).collect())
}

fn main() {
    let count: usize = std::env::var("REPERE_BENCH_CONTACTS").ok().and_then(|n| n.parse().ok()).unwrap_or(1_000_000);
    let runtime = tokio::runtime::Runtime::new().unwrap();
    runtime.block_on(async {
        let dir = tempfile::tempdir().unwrap();
        // REPERE_BENCH_SQLITE=FILE keeps the SQLite database (and PostgreSQL's is then not
        // made): a second run on the same FILE measures again without loading (to try a query).
        let kept = std::env::var("REPERE_BENCH_SQLITE").ok();
        let path = kept.clone().unwrap_or_else(|| dir.path().join("bench.sqlite").to_str().unwrap().to_owned());
        let loaded = kept.is_some() && std::path::Path::new(&path).exists();
        let mut backends = vec![("SQLite", Database::open(&path).await.unwrap())];
        let mut admin = None;
        if let Some(server) = std::env::var("REPERE_BENCH_POSTGRES").ok().filter(|_| kept.is_none()) {
            let server = server.trim_end_matches('/').to_owned();
            let name = format!("repere_bench_stats_{}", std::process::id());
            let mut conn = sqlx::PgConnection::connect(&format!("{server}/postgres")).await.unwrap();
            conn.execute(format!("CREATE DATABASE {name}").as_str()).await.unwrap();
            backends.push(("PostgreSQL", Database::open(&format!("{server}/{name}")).await.unwrap()));
            admin = Some((conn, name));
        } else {
            println!("(PostgreSQL not measured: set REPERE_BENCH_POSTGRES=postgres://user@host:port, as scripts/bench-stats does)");
        }
        // Generated and loaded a transaction's worth at a time, so memory stays small.
        let mut source = Source::new();
        let mut spent = vec![Duration::ZERO; backends.len()];
        for (i, (_, db)) in backends.iter().enumerate() {
            let started = Instant::now();
            if loaded {
                continue;
            }
            structures(db).await;
            spent[i] += started.elapsed();
        }
        let mut made = if loaded { count } else { 0 };
        while made < count {
            let rows = source.next(ROWS_PER_TRANSACTION.min(count - made));
            made += rows.len();
            for (i, (_, db)) in backends.iter().enumerate() {
                let started = Instant::now();
                load(db, &rows).await;
                spent[i] += started.elapsed();
            }
        }
        for (i, (name, db)) in backends.iter().enumerate() {
            let started = Instant::now();
            // Statistics for the planner, as a database in service has them.
            sqlx::query("ANALYZE").execute(db.pool()).await.unwrap();
            spent[i] += started.elapsed();
            println!("{name}: {count} contacts loaded in {:.1} s", spent[i].as_secs_f64());
        }
        let epci = "200069854".to_owned();
        let cases = [
            ("département, all time", Filter::default(), Scope::Departement),
            (
                "Grand Poitiers, 2025",
                Filter { du: "2025-01-01".parse().ok(), au: "2025-12-31".parse().ok(), ..Filter::default() },
                Scope::Epci(vec![epci]),
            ),
            ("one structure, all time", Filter::default(), Scope::Structure(1)),
        ];
        for (case, filter, scope) in &cases {
            println!("\n{case} (best of 5, ms)");
            println!("{:<20} {}", "breakdown", backends.iter().map(|(n, _)| format!("{n:>11}")).collect::<String>());
            let mut total = vec![Duration::ZERO; backends.len()];
            for breakdown in std::iter::once(None).chain(Breakdown::ALL.map(Some)) {
                let mut line = format!("{:<20}", breakdown.map_or("totals", Breakdown::code));
                for (i, (_, db)) in backends.iter().enumerate() {
                    let best = best_of_5(db, breakdown, filter, scope).await;
                    total[i] += best;
                    line += &format!(" {:>10.1}", best.as_secs_f64() * 1000.0);
                }
                println!("{line}");
            }
            println!("{:<20}{}", "all (sum)", total.iter().map(|t| format!(" {:>10.1}", t.as_secs_f64() * 1000.0)).collect::<String>());
        }
        for (_, db) in backends {
            db.close().await;
        }
        if let Some((mut conn, name)) = admin {
            conn.execute(format!("DROP DATABASE {name} WITH (FORCE)").as_str()).await.unwrap();
        }
    });
}

async fn best_of_5(db: &Database, breakdown: Option<Breakdown>, filter: &Filter, scope: &Scope) -> Duration {
    let mut best = Duration::MAX;
    for _ in 0..5 {
        let mut tally = Tally::default();
        let started = Instant::now();
        match breakdown {
            None => db.tally_totals(filter, scope, &mut tally).await.unwrap(),
            Some(b) => db.tally_breakdown(b, filter, scope, &mut tally).await.unwrap(),
        }
        best = best.min(started.elapsed());
    }
    best
}

/// One contact as loaded: its id, structure (1-based, as inserted), body and facts.
struct Generated {
    id: String,
    structure: i64,
    body: String,
    facts: Facts,
}

/// The generator's state between chunks.
struct Source {
    world: World,
    structures: Vec<Structure>,
    rng: Rng,
    seeds: Seeds,
    made: u64,
}

impl Source {
    fn new() -> Source {
        let world = World::vienne();
        let mut rng = Rng::new(86);
        let structures = (0..STRUCTURES).map(|_| Structure::new(&world, &mut rng)).collect();
        Source { world, structures, rng, seeds: seeds(), made: 0 }
    }

    /// The next `n` contacts (an outing's people may run one over `n`: they stay together).
    fn next(&mut self, n: usize) -> Vec<Generated> {
        let mut rows = Vec::with_capacity(n + 12);
        while rows.len() < n {
            for (s, value) in next_contacts(&self.world, &self.structures, &mut self.rng, self.made + 1, 5 * 365) {
                self.made += 1;
                let dto: repere_protocol::ContactDto = serde_json::from_value(value).unwrap();
                let contact = dto.to_contact().unwrap();
                let structure = s as i64 + 1;
                let facts = Facts::of(&contact, structure, &self.seeds);
                rows.push(Generated { id: dto.id.clone(), structure, body: serde_json::to_string(&dto).unwrap(), facts });
            }
        }
        rows
    }
}

/// The structures, and a device each.
async fn structures(db: &Database) {
    let pool = db.pool();
    for s in 1..=STRUCTURES {
        sqlx::query("INSERT INTO structures (id, name, created_at) VALUES ($1, $2, '2022-01-01T00:00:00Z')")
            .bind(s as i64)
            .bind(format!("Structure {s}"))
            .execute(pool)
            .await
            .unwrap();
        sqlx::query("INSERT INTO devices (id, structure_id, token_hash, created_at) VALUES ($1, $2, $1, '2022-01-01T00:00:00Z')")
            .bind(format!("device-{s}"))
            .bind(s as i64)
            .execute(pool)
            .await
            .unwrap();
    }
}

/// Contacts and their facts, in one transaction.
async fn load(db: &Database, chunk: &[Generated]) {
    let pool = db.pool();
    {
        let mut tx = pool.begin().await.unwrap();
        for part in chunk.chunks(20) {
            let values: Vec<String> = (0..part.len())
                .map(|i| {
                    format!("(${}, ${}, ${}, ${}, ${}, '2026-01-01T00:00:00Z')", 5 * i + 1, 5 * i + 2, 5 * i + 3, 5 * i + 4, 5 * i + 5)
                })
                .collect();
            let sql =
                format!("INSERT INTO contacts (id, structure_id, device_id, device_seq, body, received_at) VALUES {}", values.join(", "));
            let mut insert = sqlx::query(&sql);
            for (i, g) in part.iter().enumerate() {
                insert = insert.bind(&g.id).bind(g.structure).bind(format!("device-{}", g.structure)).bind(i as i64).bind(&g.body);
            }
            insert.execute(&mut *tx).await.unwrap();
        }
        let facts: Vec<(String, Facts)> = chunk.iter().map(|g| (g.id.clone(), g.facts.clone())).collect();
        repere_server::facts::insert(&mut tx, &facts).await.unwrap();
        tx.commit().await.unwrap();
    }
}
