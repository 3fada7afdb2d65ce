//! `repere-server export …`: the filter read from flags by the core's rules, the file written
//! whole or not at all, Ctrl-C or SIGTERM cancelling it.

use repere_core::export::Requester;
use repere_core::stats::{Filter, Privacy};

use super::{ExportError, Format, Lookup, Request};
use crate::config::{Export, ExportFormat, FilterArgs, Target};
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
    let (target, filter) = match &command {
        Export::Activites { target, filter, .. } | Export::Statistiques { target, filter } => (target, filter),
    };
    let request = Request { filter: filter_of(db, filter).await?, requester: Requester::Administrator, privacy: Privacy::Protected };
    let Target { out, force } = target;
    if out.exists() && !force {
        return Err(Failure::Failed(format!("{} exists: give --force to replace it", out.display())));
    }
    let done = interruptible(async {
        match command {
            Export::Activites { format, .. } => {
                let format = if format == ExportFormat::Csv { Format::Csv } else { Format::Xlsx };
                super::activities(db, &request, format, out).await.map(|rows| format!("{} written: {rows} rows", out.display()))
            }
            Export::Statistiques { .. } => super::statistics(db, &request, out).await.map(|()| format!("{} written", out.display())),
        }
    })
    .await;
    done.map_err(|e| Failure::Failed(format!("{}: {e}", out.display())))
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
