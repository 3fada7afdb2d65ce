//! `repere-server export …` and `export-registry`: the filter read from flags by the core's
//! rules, the file written whole or not at all, Ctrl-C or SIGTERM cancelling it.

use repere_core::coverage::Selection;
use repere_core::export::Requester;
use repere_core::stats::{Filter, Privacy};

use super::{ExportError, Format, Lookup, Request};
use crate::config::{Export, ExportFormat, FilterArgs, RegistryFormat, SelectionArgs, Target};
use crate::db::Database;

/// Why the command did not write its file.
#[derive(Debug, PartialEq, Eq)]
pub enum Failure {
    /// Bad flags (exit 2): every problem, each naming its flag.
    Usage(String),
    /// The export failed or was interrupted (exit 1).
    Failed(String),
}

/// Runs the command; returns what to print on success.
pub async fn run(db: &Database, command: Export) -> Result<String, Failure> {
    match command {
        Export::Activites { format, target, filter } => contacts(db, Some(format), &target, &filter).await,
        Export::Statistiques { target, filter } => contacts(db, None, &target, &filter).await,
        Export::Couverture { format, target, selection } => coverage(db, format, &target, &selection).await,
    }
}

/// `export activites` (a format given) or `export statistiques`.
async fn contacts(db: &Database, activities: Option<ExportFormat>, target: &Target, filter: &FilterArgs) -> Result<String, Failure> {
    let request = Request { filter: filter_of(db, filter).await?, requester: Requester::Administrator, privacy: Privacy::Protected };
    let Target { out, force } = target;
    if out.exists() && !force {
        return Err(Failure::Failed(format!("{} exists: give --force to replace it", out.display())));
    }
    let done = interruptible(async {
        match activities {
            Some(format) => {
                let format = if format == ExportFormat::Csv { Format::Csv } else { Format::Xlsx };
                super::activities(db, &request, format, out).await.map(|rows| format!("{} written: {rows} rows", out.display()))
            }
            None => super::statistics(db, &request, out).await.map(|()| format!("{} written", out.display())),
        }
    })
    .await;
    done.map_err(|e| Failure::Failed(format!("{}: {e}", out.display())))
}

/// `export couverture`: the selection read as the download's query is.
async fn coverage(db: &Database, format: ExportFormat, target: &Target, selection: &SelectionArgs) -> Result<String, Failure> {
    let selection = Selection::parse(selection.pairs())
        .map_err(|problems| Failure::Usage(problems.iter().map(|p| format!("--{p}")).collect::<Vec<_>>().join("; ")))?;
    let Target { out, force } = target;
    if out.exists() && !force {
        return Err(Failure::Failed(format!("{} exists: give --force to replace it", out.display())));
    }
    let format = if format == ExportFormat::Csv { Format::Csv } else { Format::Xlsx };
    interruptible(super::coverage::coverage(db, &selection, format, out))
        .await
        .map(|()| format!("{} written", out.display()))
        .map_err(|e| Failure::Failed(format!("{}: {e}", out.display())))
}

/// `export-registry`: the current version, in the full form or the standard's columns only.
pub async fn registry(db: &Database, format: RegistryFormat, standard: bool, candidates: bool, target: &Target) -> Result<String, Failure> {
    if format == RegistryFormat::Arrets && (standard || candidates) {
        return Err(Failure::Usage(
            "--format arrets writes the stops file: --standard and --with-candidates are for the places' files".into(),
        ));
    }
    let Target { out, force } = target;
    if out.exists() && !force {
        return Err(Failure::Failed(format!("{} exists: give --force to replace it", out.display())));
    }
    if format == RegistryFormat::Arrets {
        return interruptible(super::registry::registry_with(db, format, false, false, out))
            .await
            .map(|(w, _)| format!("{} written: {} stops, version {}", out.display(), w.places, w.version))
            .map_err(|e| Failure::Failed(format!("{}: {e}", out.display())));
    }
    let form = if standard { "the standard's columns only" } else { "with Repère's columns" };
    interruptible(super::registry::registry_with(db, format, standard, candidates, out))
        .await
        .map(|(w, with)| {
            let written = format!("{} written: {} places, version {}, {form}", out.display(), w.places, w.version);
            match candidates {
                false => written,
                true => format!(
                    "{written}; {} of them pending candidates (not published), {} candidates left out until their address is given",
                    with.written, with.left_out
                ),
            }
        })
        .map_err(|e| Failure::Failed(format!("{}: {e}", out.display())))
}

/// The flags read as the API's query parameters are.
async fn filter_of(db: &Database, args: &FilterArgs) -> Result<Filter, Failure> {
    let lookup = Lookup::load(db).await.map_err(|e| Failure::Failed(ExportError::from(e).to_string()))?;
    Filter::parse(args.pairs(), &lookup)
        .map_err(|problems| Failure::Usage(problems.iter().map(|p| format!("--{p}")).collect::<Vec<_>>().join("; ")))
}

/// Runs `export` until it ends or SIGINT/SIGTERM arrives; then it is dropped, which removes
/// its partial file (see `Partial`).
async fn interruptible<T>(export: impl Future<Output = Result<T, ExportError>>) -> Result<T, ExportError> {
    use tokio::signal::unix::{SignalKind, signal};
    let (Ok(mut term), Ok(mut interrupt)) = (signal(SignalKind::terminate()), signal(SignalKind::interrupt())) else {
        return export.await;
    };
    tokio::select! {
        done = export => done,
        _ = term.recv() => Err(ExportError::Cancelled),
        _ = interrupt.recv() => Err(ExportError::Cancelled),
    }
}
