//! What `export` writes and the filters it takes, as flags (the same parameters the API's
//! downloads read, parsed by repere-core).

use std::path::PathBuf;

use clap::Subcommand;

/// What `export` writes.
#[derive(Subcommand, Debug, Clone)]
pub enum Export {
    /// The activities, one row per accompaniment, in La Coop de la médiation numérique's columns.
    #[command(
        after_help = "Example: repere-server --database data/repere.sqlite export activites --format csv --out activites.csv --epci 200069854"
    )]
    Activites {
        #[arg(long, value_enum)]
        format: ExportFormat,
        #[command(flatten)]
        target: Target,
        #[command(flatten)]
        filter: FilterArgs,
    },
    /// The statistics, one sheet per breakdown (counts of 1 to 4 per commune of residence shown "< 5").
    #[command(
        after_help = "Example: repere-server --database data/repere.sqlite export statistiques --out statistiques.xlsx --du 2026-01-01"
    )]
    Statistiques {
        #[command(flatten)]
        target: Target,
        #[command(flatten)]
        filter: FilterArgs,
    },
    /// Coverage: each commune's nearest help and travel time, and the gaps per EPCI (CSV: the
    /// communes; XLSX: communes, EPCI, information). The registry's current places, the imported
    /// travel-time table if any.
    #[command(
        after_help = "Example: repere-server --database data/repere.sqlite export couverture --format xlsx --out couverture.xlsx --seuil 15 --dispositif \"France Services\""
    )]
    Couverture {
        #[arg(long, value_enum)]
        format: ExportFormat,
        #[command(flatten)]
        target: Target,
        #[command(flatten)]
        selection: SelectionArgs,
    },
}

/// The selection of `GET /api/v1/export/couverture.*`, as flags (read by repere-core's
/// `coverage::Selection::parse`).
#[derive(clap::Args, Debug, Clone, Default)]
pub struct SelectionArgs {
    /// Minutes beyond which a commune lacks help (1 to 120; default 10).
    #[arg(long)]
    pub seuil: Option<String>,
    /// Only places helping with this need: demarches, apprendre, equipement, emploi, parents, securite.
    #[arg(long)]
    pub besoin: Option<String>,
    /// Only places of this national programme, as the standard writes it (e.g. "France Services").
    #[arg(long)]
    pub dispositif: Option<String>,
    /// Only places open at least this many hours this week (1 to 168).
    #[arg(long)]
    pub heures: Option<String>,
}

impl SelectionArgs {
    /// The flags as the query parameters they stand for.
    pub fn pairs(&self) -> Vec<(&'static str, &str)> {
        [("seuil", &self.seuil), ("besoin", &self.besoin), ("dispositif", &self.dispositif), ("heures", &self.heures)]
            .into_iter()
            .filter_map(|(name, value)| value.as_deref().map(|v| (name, v)))
            .collect()
    }
}

/// The registry's two forms in the standard, and its stops file.
#[derive(clap::ValueEnum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum RegistryFormat {
    Csv,
    Json,
    /// The itinerant places' stops (CSV, `repere_core::tour::COLUMNS`).
    Arrets,
}

#[derive(clap::ValueEnum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExportFormat {
    Csv,
    Xlsx,
}

/// Where an export goes.
#[derive(clap::Args, Debug, Clone)]
pub struct Target {
    /// The file to write (refused if it exists, unless --force).
    #[arg(long)]
    pub out: PathBuf,
    /// Replace the file if it exists.
    #[arg(long)]
    pub force: bool,
}

/// The filter of `GET /api/v1/stats`, as flags (read by repere-core's `stats::Filter::parse`).
#[derive(clap::Args, Debug, Clone, Default)]
pub struct FilterArgs {
    /// First day, YYYY-MM-DD.
    #[arg(long)]
    pub du: Option<String>,
    /// Last day, YYYY-MM-DD (inclusive).
    #[arg(long)]
    pub au: Option<String>,
    /// An EPCI of the Vienne (SIREN); repeat for several.
    #[arg(long)]
    pub epci: Vec<String>,
    /// A commune of the Vienne where help happened (code INSEE).
    #[arg(long)]
    pub commune: Option<String>,
    /// A structure (its number).
    #[arg(long)]
    pub structure: Option<String>,
    /// A place: a registry id, commune-INSEE, bus, marche_stand, domicile or a_distance.
    #[arg(long)]
    pub lieu: Option<String>,
}

impl FilterArgs {
    /// The flags as the query parameters they stand for.
    pub fn pairs(&self) -> Vec<(&'static str, &str)> {
        let mut pairs = Vec::new();
        pairs.extend(self.du.as_deref().map(|v| ("du", v)));
        pairs.extend(self.au.as_deref().map(|v| ("au", v)));
        pairs.extend(self.epci.iter().map(|e| ("epci", e.as_str())));
        pairs.extend(self.commune.as_deref().map(|v| ("commune", v)));
        pairs.extend(self.structure.as_deref().map(|v| ("structure", v)));
        pairs.extend(self.lieu.as_deref().map(|v| ("lieu", v)));
        pairs
    }
}
