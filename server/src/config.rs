//! Command line and environment: every setting has a flag and a `REPERE_*` variable.
//!
//! The options an administration command also needs (`--database`, `--log-format`) are global:
//! accepted before or after the command's name, as an operator types them. Every command's help
//! ends with an example; a usage error exits with status 2 (clap), a failure with 1.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use clap::{Parser, Subcommand};

mod exports;
pub use exports::{Export, ExportFormat, FilterArgs, RegistryFormat, SelectionArgs, Target};

/// Serve the Repère PWA and its API (without a command), or administer it: devices, registry, backups.
#[derive(Parser, Debug, Clone)]
#[command(
    name = "repere-server",
    version,
    about,
    after_help = "Examples:\n  repere-server --database data/repere.sqlite --addr 127.0.0.1:8080 --dist dist\n  \
                  repere-server --database data/repere.sqlite enrol --structure \"La Blaiserie\""
)]
pub struct Config {
    /// Address to listen on.
    #[arg(long, env = "REPERE_ADDR", default_value = "127.0.0.1:8080")]
    pub addr: SocketAddr,

    /// Database: a SQLite file path (created and migrated on first start), a `sqlite:` URL, or a
    /// `postgres://user:password@host/name` URL (the database must exist; it is migrated).
    #[arg(long, env = "REPERE_DATABASE", default_value = "data/repere.sqlite", global = true)]
    pub database: String,

    /// Folder holding the built PWA (`index.html`, `sw.js`, hashed assets).
    #[arg(long, env = "REPERE_DIST", default_value = "dist")]
    pub dist: PathBuf,

    /// Largest request body accepted, in bytes (larger ones get 413).
    #[arg(long, env = "REPERE_MAX_BODY_BYTES", default_value_t = 2 * 1024 * 1024)]
    pub max_body_bytes: usize,

    /// Time a request may take before it is answered 408, in seconds.
    #[arg(long, env = "REPERE_REQUEST_TIMEOUT_SECS", default_value_t = 30)]
    pub request_timeout_secs: u64,

    /// Time a client has to send a request's headers, in seconds; slower connections are closed.
    #[arg(long, env = "REPERE_HEADER_TIMEOUT_SECS", default_value_t = 10)]
    pub header_timeout_secs: u64,

    /// Open connections at most, all clients together (kept below the open-files limit).
    #[arg(long, env = "REPERE_MAX_CONNECTIONS", default_value_t = 1024)]
    pub max_connections: usize,

    /// Open connections at most from one client address (a browser opens about six).
    #[arg(long, env = "REPERE_MAX_CONNECTIONS_PER_IP", default_value_t = 64)]
    pub max_connections_per_ip: usize,

    /// Log format: `text` for people, `json` for log collectors.
    #[arg(long, env = "REPERE_LOG_FORMAT", default_value = "text", value_parser = ["text", "json"], global = true)]
    pub log_format: String,

    /// The server's public address, as places reach it, for their update links (default:
    /// http:// and --addr).
    #[arg(long, env = "REPERE_BASE_URL", value_name = "URL", value_parser = base_url, global = true)]
    pub base_url: Option<String>,

    #[command(flatten)]
    pub mail: crate::mail::MailArgs,

    #[command(subcommand)]
    pub command: Option<Command>,
}

/// Administration, on the database given by `--database`.
#[derive(Subcommand, Debug, Clone)]
pub enum Command {
    /// Print a one-time enrolment code, valid 7 days: for a mediator's device of a structure
    /// (created if new), or with `--role coordination` for a coordinator's, who reads the figures
    /// of the whole département or of the EPCI given.
    #[command(after_help = "Example: repere-server --database data/repere.sqlite enrol --structure \"La Blaiserie\"\n         \
                            repere-server --database data/repere.sqlite enrol --role coordination --epci 200069854 --label \"Grand Poitiers\"")]
    Enrol {
        /// Who the device is for: a mediator (pushes contacts) or a coordinator (reads figures).
        #[arg(long, value_enum, default_value_t = Role::Mediation)]
        role: Role,
        /// The structure's name, e.g. "La Blaiserie" (mediators).
        #[arg(long, required_unless_present = "role", required_if_eq("role", "mediation"), conflicts_with_all = ["epci", "label"])]
        structure: Option<String>,
        /// An EPCI of the Vienne the coordinator sees (its SIREN, as in seeds/communes-86.csv);
        /// repeat for several; none = the whole département.
        #[arg(long, value_name = "SIREN", value_parser = epci_siren)]
        epci: Vec<String>,
        /// The coordinator's name as the app shows it (default: the département, or the EPCI's names).
        #[arg(long, value_name = "TEXT")]
        label: Option<String>,
    },
    /// Revoke an enrolled device: its token stops working at once; its contacts stay.
    #[command(after_help = "Example: repere-server --database data/repere.sqlite revoke --device 5f0c3a52-9d1e-4c7b-8a61-2f4e9b7d0c13")]
    Revoke {
        /// The device id (shown in the server log when it enrolled).
        #[arg(long)]
        device: String,
    },
    /// Publish a new version of the registry of places from a file in the national standard
    /// (CSV, or JSON: a list of places or a `{"version", "places"}` snapshot). The whole file is
    /// checked first: one bad row and nothing is published. A file that removes more than 10 %
    /// of the places (at most 10) is refused unless --confirm-removals gives their exact number;
    /// one that puts back values the places or moderators changed since (start from
    /// export-registry's file) unless --confirm-reverts gives the number of places. With
    /// --stops, the tour of the itinerant places is published with it (the whole tour: places
    /// it does not name get no stops; one bad row and nothing is published); without, every
    /// place keeps the stops it has. Devices pull the changes.
    #[command(after_help = "Example: repere-server --database data/repere.sqlite publish-registry lieux-86.csv\n         \
                            repere-server --database data/repere.sqlite publish-registry lieux-86.csv --confirm-removals 24\n         \
                            repere-server --database data/repere.sqlite publish-registry lieux-86.csv --stops arrets-86.csv")]
    PublishRegistry {
        /// The registry file.
        file: std::path::PathBuf,
        /// The stops file (CSV: id,lieu,nom,code_insee,latitude,longitude,horaires), the whole
        /// tour of the itinerant places (export-registry --format arrets writes the current one).
        #[arg(long, value_name = "STOPS.csv")]
        stops: Option<std::path::PathBuf>,
        /// The number of places the file removes, as the refusal said: publishes them (any
        /// other number refuses the file).
        #[arg(long, value_name = "N")]
        confirm_removals: Option<usize>,
        /// The number of places whose newer values (from the places themselves or moderation)
        /// the file puts back, as the refusal said: publishes it (any other number refuses it).
        #[arg(long, value_name = "N")]
        confirm_reverts: Option<usize>,
    },
    /// Write the registry's current version in the national standard (CSV or JSON). Repère's
    /// extension columns (`x_…`: approximate position, merged ids, home visits) are kept, so
    /// `publish-registry` takes the file back as it was; `--standard` leaves them out, for
    /// data.gouv.fr, whose validator refuses columns its Table Schema does not name. The file
    /// is written under a temporary name and renamed when whole. `--format arrets` writes the
    /// itinerant places' stops instead, the file `publish-registry --stops` takes.
    #[command(
        after_help = "Example: repere-server --database data/repere.sqlite export-registry --format csv --standard --out lieux-mediation-numerique-86.csv\n         \
                      repere-server --database data/repere.sqlite export-registry --format arrets --out arrets-86.csv"
    )]
    ExportRegistry {
        #[arg(long, value_enum)]
        format: RegistryFormat,
        /// Only the standard's 32 columns (to publish on data.gouv.fr).
        #[arg(long)]
        standard: bool,
        /// Also write the candidate places awaiting verification (never published), after the registry's.
        #[arg(long)]
        with_candidates: bool,
        #[command(flatten)]
        target: Target,
    },
    /// Print a place's secret update link (/lieu/ID/mise-a-jour?code=…), to send to the place: it
    /// opens a short form where the place confirms or corrects its information, published at
    /// once. A new link replaces the place's previous one, which stops working.
    #[command(
        after_help = "Example: repere-server --database data/repere.sqlite place-link lieu-86-0042 --base-url https://repere.lavienne86.fr"
    )]
    PlaceLink {
        /// The place's id in the registry (its `id` column).
        id: String,
    },
    /// E-mail each place due to check its information (« À vérifier », « À actualiser », or 6
    /// months old, and not reminded in the last 20 days) a new update link, and list the places
    /// due without an e-mail address, to call. `serve` does the same on --remind-day.
    #[command(after_help = "Example: repere-server --database data/repere.sqlite remind --smtp-url smtp://127.0.0.1:25 \\\n           \
                  --mail-from \"Département de la Vienne <repere@lavienne86.fr>\" --base-url https://repere.lavienne86.fr\n         \
                  repere-server --database data/repere.sqlite remind --dry-run")]
    Remind {
        /// Print who would be e-mailed or called; make no link, send nothing, record nothing.
        #[arg(long)]
        dry_run: bool,
    },
    /// Import a device's exported outbox file (the app's "Enregistrer la boîte d'envoi"), as if
    /// the device had pushed it: contacts already held are counted once.
    #[command(
        after_help = "Example: repere-server --database data/repere.sqlite import-outbox --device 5f0c3a52-9d1e-4c7b-8a61-2f4e9b7d0c13 repere-boite-envoi.json"
    )]
    ImportOutbox {
        /// The device the file comes from (its contacts belong to the device's structure).
        #[arg(long)]
        device: String,
        /// The exported JSON file.
        file: std::path::PathBuf,
    },
    /// Copy the SQLite database to FILE while the server keeps running (PostgreSQL: use pg_dump).
    ///
    /// The copy is the database at one instant, checked, written under a temporary name and
    /// renamed when whole. To restore it, stop the server and start it with `--database FILE`
    /// (README, "Backups").
    #[command(after_help = "Example: repere-server --database data/repere.sqlite backup backups/repere-2026-11-28.sqlite")]
    Backup {
        /// Where to write the copy (refused if it exists, unless --force).
        file: PathBuf,
        /// Replace FILE if it exists.
        #[arg(long)]
        force: bool,
    },
    /// Export the activities (La Coop's columns, CSV or XLSX) or the statistics (XLSX), for a
    /// period and territory. The file is written under a temporary name and renamed when whole:
    /// an error or Ctrl-C leaves no file.
    #[command(
        subcommand,
        after_help = "Example: repere-server --database data/repere.sqlite export activites --format xlsx --out activites.xlsx --du 2026-01-01 --au 2026-06-30"
    )]
    Export(Export),
    /// Coverage's travel-time table: import one computed elsewhere (e.g. by OSRM's table
    /// service), or clear it to go back to the straight-line estimate.
    #[command(subcommand, after_help = "Example: repere-server --database data/repere.sqlite coverage import-times temps-osrm.csv")]
    Coverage(CoverageCommand),
    /// Candidate places awaiting a coordinator's verification (never shown to residents before).
    #[command(subcommand, after_help = "Example: repere-server --database data/repere.sqlite candidates import seeds/candidats.csv")]
    Candidates(CandidatesCommand),
}

#[derive(Subcommand, Debug, Clone)]
pub enum CandidatesCommand {
    /// Imports candidate places from a CSV file in the standard's columns (all rows or none;
    /// again with the same file: nothing changes; decided candidates stay decided).
    #[command(after_help = "Example: repere-server --database data/repere.sqlite candidates import seeds/candidats.csv")]
    Import { file: PathBuf },
}

/// What `coverage` does.
#[derive(Subcommand, Debug, Clone)]
pub enum CoverageCommand {
    /// Import a travel-time table: CSV with the columns code_insee,place_id,minutes (minutes from
    /// the commune's centre to the registry place by road). Checked whole against the 265
    /// communes and the registry's current places: every commune needs a row, each pair once,
    /// minutes of 0 or more. One problem and nothing is imported (the previous table stays);
    /// otherwise the file replaces the previous table at once.
    #[command(after_help = "Example: repere-server --database data/repere.sqlite coverage import-times temps-osrm.csv")]
    ImportTimes {
        /// The CSV file.
        file: PathBuf,
    },
    /// Forget the imported table: times are estimated again from the straight line.
    #[command(after_help = "Example: repere-server --database data/repere.sqlite coverage clear-times")]
    ClearTimes,
}

/// Who an enrolment code is for.
#[derive(clap::ValueEnum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    Mediation,
    Coordination,
}

/// A public address: http(s), a host, no query or fragment; written without its trailing `/`.
pub(crate) fn base_url(value: &str) -> Result<String, String> {
    let url = value.trim().trim_end_matches('/');
    let host = url.strip_prefix("https://").or_else(|| url.strip_prefix("http://")).unwrap_or("");
    if host.is_empty() || host.starts_with('/') || url.contains(['?', '#', ' ']) {
        return Err(format!("{value:?} is not a web address like https://repere.example.fr"));
    }
    Ok(url.to_owned())
}

/// An EPCI of the Vienne, by SIREN: any other is a usage error naming it.
fn epci_siren(value: &str) -> Result<String, String> {
    let siren = value.trim();
    if crate::territory::epcis().contains_key(siren) {
        Ok(siren.to_owned())
    } else {
        let known: Vec<String> = crate::territory::epcis().iter().map(|(siren, name)| format!("{siren} ({name})")).collect();
        Err(format!("{siren:?} is not the SIREN of an EPCI of the Vienne; they are: {}", known.join(", ")))
    }
}

impl Config {
    /// The rules clap's attributes cannot say: a coordinator's code names no structure.
    pub fn check(&self) -> Result<(), clap::Error> {
        use clap::CommandFactory;
        if let Some(Command::Enrol { role: Role::Coordination, structure: Some(_), .. }) = &self.command {
            let mut command = Config::command();
            let enrol = command.find_subcommand_mut("enrol").expect("declared above").clone();
            return Err(enrol.bin_name("repere-server enrol").error(
                clap::error::ErrorKind::ArgumentConflict,
                "--structure is for mediators; a coordinator sees the département or the EPCI given with --epci",
            ));
        }
        let sends = match &self.command {
            Some(Command::Remind { dry_run }) => !dry_run,
            None => self.mail.smtp_url.is_some(),
            Some(_) => false,
        };
        if sends && (self.mail.smtp_url.is_none() || self.mail.mail_from.is_none()) {
            return Err(Config::command().error(
                clap::error::ErrorKind::MissingRequiredArgument,
                "sending reminders needs --smtp-url smtp://host:port and --mail-from ADDRESS (or remind --dry-run)",
            ));
        }
        Ok(())
    }

    /// The public address update links start with.
    pub fn base(&self) -> String {
        self.base_url.clone().unwrap_or_else(|| format!("http://{}", self.addr))
    }

    pub fn request_timeout(&self) -> Duration {
        Duration::from_secs(self.request_timeout_secs)
    }

    pub fn connections(&self) -> crate::listen::Connections {
        crate::listen::Connections {
            header_timeout: Duration::from_secs(self.header_timeout_secs),
            max: self.max_connections,
            max_per_address: self.max_connections_per_ip,
        }
    }
}
