//! `repere-seed-builder`: turns the public data in `../shared/data` into the files under
//! `seeds/` that the app bundles. Same input, same bytes out (a test checks the committed seeds).
//!
//! ```sh
//! cargo run -p repere-seed-builder -- --annees-horaires 2026 [--data ../shared/data] [--out seeds] [--version 1]
//! ```
//! It prints what it changed: places given their commune's centre, contacts dropped as
//! personal, and every merge of duplicates, so a person can review them.
//!
//! Opening hours are compiled for the years from `--annees-horaires` (that year and the next
//! two), an argument rather than today's date so that the same data and arguments give the same
//! bytes whatever the day. `make seeds` passes the current year, so a release bundles hours for its
//! own years; the reproducibility test passes the year the committed seeds record. Once a
//! registry is old, the server recompiles it for its own years and phones pull that.

mod candidates;
mod merge;
mod outlines;
mod privacy;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use repere_core::hours::Window;
use repere_core::registry::{Place, Position, Snapshot, import_csv};
use repere_core::territory::Territory;
use repere_protocol::registry::RegistryDto;

struct Args {
    data: PathBuf,
    out: PathBuf,
    version: u64,
    hours: Window,
}

fn parse_args() -> Result<Args, String> {
    let (mut data, mut out, mut version, mut hours) = (PathBuf::from("../shared/data"), PathBuf::from("seeds"), 1, None);
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let value = it.next().ok_or_else(|| format!("{flag} attend une valeur"))?;
        match flag.as_str() {
            "--data" => data = value.into(),
            "--out" => out = value.into(),
            "--version" => version = value.parse().map_err(|_| format!("--version : entier attendu, pas {value}"))?,
            "--annees-horaires" => {
                let first: i32 = value.parse().map_err(|_| format!("--annees-horaires : année attendue, pas {value}"))?;
                hours = Some(Window::new(first, first + Window::YEARS - 1).map_err(|e| format!("--annees-horaires : {e}"))?);
            }
            other => return Err(format!("option inconnue {other} (--annees-horaires, --data, --out, --version)")),
        }
    }
    let hours = hours.ok_or("--annees-horaires : première année des horaires compilés attendue (ex. 2026)")?;
    Ok(Args { data, out, version, hours })
}

fn read(path: &Path) -> Result<Vec<u8>, String> {
    std::fs::read(path).map_err(|e| format!("{}: {e}", path.display()))
}

fn write(path: &Path, bytes: &[u8]) -> Result<(), String> {
    std::fs::write(path, bytes).map_err(|e| format!("{}: {e}", path.display()))?;
    println!("écrit {} ({} octets)", path.display(), bytes.len());
    Ok(())
}

fn main() -> ExitCode {
    match parse_args().and_then(|args| build(&args)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("repere-seed-builder: {e}");
            ExitCode::FAILURE
        }
    }
}

fn build(args: &Args) -> Result<(), String> {
    let territory_dir = args.data.join("territoire");
    let communes_csv = read(&territory_dir.join("communes-86.csv"))?;
    let territory = Territory::from_csv(&communes_csv, repere_core::text::UNICODE).map_err(|errors| list("communes-86.csv", &errors))?;

    let mut places = import_csv(&read(&args.data.join("lieux/lieux-inclusion-numerique-86.csv"))?, args.hours)
        .whole()
        .map_err(|errors| list("lieux-inclusion-numerique-86.csv", &errors))?;
    println!("lu {} lieux, horaires calculés pour {}", places.len(), args.hours);
    place_at_commune_centre(&mut places, &territory)?;
    privacy::drop_personal_contacts(&mut places);
    let places = merge::merge_duplicates(places, &territory);
    for (source, count) in merge::count_by_source(&places) {
        println!("après fusion, source {source} : {count} lieux");
    }

    std::fs::create_dir_all(&args.out).map_err(|e| format!("{}: {e}", args.out.display()))?;
    write(&args.out.join("registry.json"), &RegistryDto::from(&Snapshot { version: args.version, places }).to_json())?;
    write(&args.out.join("communes-86.csv"), &communes_seed(&communes_csv)?)?;
    let libraries = read(&args.data.join("bibliotheques/bibliotheques-publiques-86.csv"))?;
    let centres = read(&args.data.join("centres-sociaux/centres-sociaux-86-2020.csv"))?;
    write(&args.out.join("candidats.csv"), &repere_core::registry::export_csv(&candidates::build(&libraries, &centres, &territory)?))?;
    write(&args.out.join("territoire-86.json"), &outlines::build(&territory_dir)?)?;
    Ok(())
}

fn list(file: &str, errors: &[repere_core::registry::ImportError]) -> String {
    let lines: Vec<String> = errors.iter().map(|e| format!("  {file} {e}")).collect();
    format!("données refusées :\n{}", lines.join("\n"))
}

/// Places published without coordinates stand at their commune's centre, marked approximate.
fn place_at_commune_centre(places: &mut [Place], territory: &Territory) -> Result<(), String> {
    let mut moved = 0;
    for place in places.iter_mut().filter(|p| p.position.is_none()) {
        let commune = place
            .code_insee
            .as_deref()
            .and_then(|code| territory.by_code(code))
            .or_else(|| territory.communes().iter().find(|c| c.nom == place.commune))
            .ok_or_else(|| format!("{} : commune « {} » introuvable", place.id, place.commune))?;
        place.position = Some(Position { lat: commune.centre.lat, lon: commune.centre.lon, approximate: true });
        moved += 1;
    }
    println!("{moved} lieux sans coordonnées placés au centre de leur commune (position approximative)");
    Ok(())
}

/// The communes with only what the app uses (the SIREN and arrondissement columns are dropped).
fn communes_seed(source: &[u8]) -> Result<Vec<u8>, String> {
    const KEEP: [&str; 8] = ["code_insee", "nom", "codes_postaux", "population", "epci_siren", "epci_nom", "latitude", "longitude"];
    let mut reader = csv::Reader::from_reader(source);
    let header = reader.headers().map_err(|e| e.to_string())?.clone();
    let columns: Vec<usize> = KEEP
        .iter()
        .map(|k| header.iter().position(|h| h == *k).ok_or_else(|| format!("communes-86.csv : colonne {k} absente")))
        .collect::<Result<_, _>>()?;
    let mut writer = csv::Writer::from_writer(vec![]);
    writer.write_record(KEEP).map_err(|e| e.to_string())?;
    for record in reader.records() {
        let record = record.map_err(|e| e.to_string())?;
        writer.write_record(columns.iter().map(|&i| &record[i])).map_err(|e| e.to_string())?;
    }
    writer.into_inner().map_err(|e| e.to_string())
}
