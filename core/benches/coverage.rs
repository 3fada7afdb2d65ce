//! Coverage benchmark on real data: the 34,868 communes of France against the 2,845 France
//! Services (the national figure: population beyond 10, 20 and 30 minutes, the State promising
//! 30), then the Vienne's 265 communes against the seed registry, per EPCI, and the planner.
//!
//! Figures, not a test: times are of one machine, the estimate's constants are assumptions
//! (see `coverage::DETOUR` and `coverage::SPEED_KMH`). Run with scripts/bench-coverage.
//!
//! It writes its inputs and its times to target/bench/ (`coverage-*.csv`, `coverage-native.txt`),
//! so that app/benches/coverage.rs times the same work in wasm in Chromium, side by side.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::hint::black_box;
use std::time::Instant;

use repere_core::coverage::*;
use repere_core::proximity::LatLon;
use repere_core::registry::read_device_rows;
use repere_core::territory::Territory;
use repere_core::text::UNICODE;

mod common;
use common::{Rng, columns, shared};

/// The communes of France; `epci` holds the département, to group by (there is no EPCI column).
fn france() -> Vec<Commune> {
    let mut reader = shared("territoire/communes-france.csv");
    let [code, dep, population, lat, lon] = columns(&mut reader, ["code_insee", "departement", "population", "latitude", "longitude"]);
    reader
        .records()
        .map(|r| {
            let r = r.unwrap();
            Commune {
                code_insee: r[code].to_owned(),
                population: r[population].parse().unwrap(),
                epci: r[dep].to_owned(),
                centre: LatLon { lat: r[lat].parse().unwrap(), lon: r[lon].parse().unwrap() },
            }
        })
        .collect()
}

/// The France Services with coordinates (those without are counted and left out).
fn france_services() -> (Vec<Help>, usize) {
    let mut reader = shared("france-services/france-services-national-20240801.csv");
    let [id, lat, lon] = columns(&mut reader, ["id_fs", "latitude", "longitude"]);
    let (mut places, mut without) = (vec![], 0);
    for r in reader.records() {
        let r = r.unwrap();
        match (r[lat].parse(), r[lon].parse()) {
            (Ok(lat), Ok(lon)) => places.push(Help { id: r[id].to_owned(), at: LatLon { lat, lon } }),
            _ => without += 1,
        }
    }
    (places, without)
}

/// The Vienne's communes (with their names) and the seed registry's places.
fn vienne() -> (Vec<repere_core::territory::Commune>, Vec<Help>) {
    let bytes = std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/../seeds/communes-86.csv")).unwrap();
    let territory = Territory::from_csv(&bytes, UNICODE).unwrap();
    let doc: serde_json::Value =
        serde_json::from_slice(&std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/../seeds/registry.json")).unwrap()).unwrap();
    let places = read_device_rows(doc["places"].as_array().unwrap()).whole().unwrap();
    (territory.communes().to_vec(), Help::from_places(&places))
}

/// target/bench/, where the wasm bench reads what this one writes.
fn bench_dir() -> String {
    let dir = format!("{}/../target/bench", env!("CARGO_MANIFEST_DIR"));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Communes as `code_insee,population,epci,lat,lon` (floats as Rust prints them: they read back
/// exactly), for the wasm bench.
fn write_communes(name: &str, communes: &[Commune]) {
    let mut out = String::from("code_insee,population,epci,lat,lon\n");
    for c in communes {
        writeln!(out, "{},{},{},{},{}", c.code_insee, c.population, c.epci, c.centre.lat, c.centre.lon).unwrap();
    }
    std::fs::write(format!("{}/coverage-{name}.csv", bench_dir()), out).unwrap();
}

/// Places as `id,lat,lon`, for the wasm bench.
fn write_places(name: &str, places: &[Help]) {
    let mut out = String::from("id,lat,lon\n");
    for p in places {
        writeln!(out, "{},{},{}", p.id, p.at.lat, p.at.lon).unwrap();
    }
    std::fs::write(format!("{}/coverage-{name}.csv", bench_dir()), out).unwrap();
}

/// The fastest of `runs` timings of `f`, in milliseconds, and its result.
fn best_ms<T>(runs: usize, mut f: impl FnMut() -> T) -> (f64, T) {
    let mut best = f64::INFINITY;
    let mut out = None;
    for _ in 0..runs {
        let start = Instant::now();
        let result = black_box(f());
        best = best.min(start.elapsed().as_secs_f64() * 1e3);
        out = Some(result);
    }
    (best, out.unwrap())
}

fn main() {
    println!("estimate: straight line × {DETOUR} (detour) at {SPEED_KMH} km/h — stated assumptions, not routed times");

    let communes = france();
    let (places, without) = france_services();
    let people: u64 = communes.iter().map(|c| u64::from(c.population)).sum();
    println!("France: {} communes, {people} people; {} France Services ({without} without coordinates)", communes.len(), places.len());
    write_communes("france", &communes);
    write_places("france-services", &places);
    // Each line: what was timed, its best time in ms, and a figure the wasm side must find too.
    let mut native = String::new();
    let (ms, (access, _)) = best_ms(15, || {
        let coverage = Coverage::new(&communes, &places, TravelTable::default());
        let access = coverage.access();
        let gaps = [10.0, 20.0, 30.0].map(|t| coverage.beyond(&access, t));
        (access, gaps)
    });
    println!("France: index + nearest France Services for every commune + beyond 10, 20, 30: {ms:.1} ms (best of 15, native)");
    let coverage = Coverage::new(&communes, &places, TravelTable::default());
    writeln!(native, "france-services {ms} {}", coverage.beyond(&access, 10.0).population).unwrap();
    for threshold in [10.0, 20.0, 30.0] {
        let gap = coverage.beyond(&access, threshold);
        println!(
            "France: beyond {threshold:>2} minutes of a France Services: {:>6} communes, {:>9} people ({:.1} %)",
            gap.communes,
            gap.population,
            100.0 * gap.population as f64 / people as f64
        );
    }

    let far = coverage.beyond_by(&access, 30.0, |c| c.epci.clone());
    let far: Vec<String> =
        far.iter().filter(|(_, g)| g.communes > 0).map(|(dep, g)| format!("{dep}: {} ({} people)", g.communes, g.population)).collect();
    println!("France: beyond 30 minutes, by département: {}", far.join(", "));

    // 18,000 places: the France Services and others drawn around them (a few km away), as dense
    // as the country's places offering help.
    let mut rng = Rng(86);
    let mut more = places.clone();
    while more.len() < 18_000 {
        let near = places[(rng.next() * places.len() as f64) as usize].at;
        let at = LatLon { lat: near.lat + 0.05 * rng.gaussian(), lon: near.lon + 0.07 * rng.gaussian() };
        more.push(Help { id: format!("generated-{}", more.len()), at });
    }
    write_places("18000", &more);
    let (ms, access) = best_ms(15, || Coverage::new(&communes, &more, TravelTable::default()).access());
    let gap = Coverage::new(&communes, &more, TravelTable::default()).beyond(&access, 10.0);
    writeln!(native, "france-18000 {ms} {}", gap.population).unwrap();
    println!(
        "France: index + nearest of 18,000 places for every commune: {ms:.1} ms (best of 15, native); beyond 10 minutes: {} people",
        gap.population
    );

    let (named, places) = vienne();
    let names: BTreeMap<&str, &str> = named.iter().map(|c| (c.epci_siren.as_str(), c.epci_nom.as_str())).collect();
    let communes: Vec<Commune> = named.iter().map(Commune::from).collect();
    write_communes("vienne", &communes);
    write_places("vienne-places", &places);
    let (ms, access) = best_ms(20, || Coverage::new(&communes, &places, TravelTable::default()).access());
    writeln!(
        native,
        "vienne {ms} {}",
        Coverage::new(&communes, &places, TravelTable::default()).beyond(&access, THRESHOLD_MINUTES).population
    )
    .unwrap();
    println!("\nVienne: {} communes, {} places of the seed registry: coverage in {ms:.2} ms (best of 20)", communes.len(), places.len());
    let coverage = Coverage::new(&communes, &places, TravelTable::default());
    let all = communes.iter().fold(BTreeMap::<&str, (usize, u64)>::new(), |mut m, c| {
        let e = m.entry(c.epci.as_str()).or_default();
        e.0 += 1;
        e.1 += u64::from(c.population);
        m
    });
    println!("Vienne: beyond {THRESHOLD_MINUTES} minutes, per EPCI (weight = indice de rupture):");
    for (siren, gap) in coverage.beyond_by(&access, THRESHOLD_MINUTES, |c| c.epci.clone()) {
        let (n, people) = all[siren.as_str()];
        let weight = RUPTURE.iter().find(|(s, _)| *s == siren).map_or(RUPTURE_VIENNE, |r| r.1);
        println!(
            "  {:<32} {siren}  weight {weight:>2}: {:>3} of {n:>3} communes, {:>6} of {people:>6} people",
            names[siren.as_str()],
            gap.communes,
            gap.population
        );
    }
    let total = coverage.beyond(&access, THRESHOLD_MINUTES);
    println!(
        "  {:<32} {:9}            {:>3} of {:>3} communes, {:>6} people",
        "Vienne",
        "",
        total.communes,
        communes.len(),
        total.population
    );

    let (ms, stops) = best_ms(20, || Planner::new(&coverage, &access, THRESHOLD_MINUTES, rupture).greedy(10));
    println!("\nVienne: planner, 10 stops weighted by the indice de rupture: {ms:.2} ms (best of 20, native)");
    writeln!(native, "planner {ms} {}", stops.iter().map(|s| s.weighted).sum::<u64>()).unwrap();
    std::fs::write(format!("{}/coverage-native.txt", bench_dir()), &native).unwrap();
    for (i, stop) in stops.iter().enumerate() {
        println!(
            "  {:>2}. stop at {:<24} +{} communes, +{} people within {THRESHOLD_MINUTES} minutes (weighted {})",
            i + 1,
            named[stop.commune].nom,
            stop.newly.len(),
            stop.people,
            stop.weighted
        );
    }
}
