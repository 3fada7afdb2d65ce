//! The `repere-server` binary: parse configuration, open the database, serve until SIGTERM.
//!
//! Every startup failure is one line on stderr naming what is wrong and how to fix it, with a
//! non-zero exit code, so an operator (or `make run`) sees the cause without a backtrace.

use std::process::ExitCode;

use clap::Parser;
use repere_server::config::{Command, CoverageCommand};
use repere_server::http::{self, Limits};
use repere_server::{Config, State, db::Database};
use tracing_subscriber::EnvFilter;

fn main() -> ExitCode {
    let config = Config::parse();
    if let Err(usage) = config.check() {
        usage.exit();
    }
    init_logs(&config.log_format);
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(rt) => rt,
        Err(e) => return fail(&format!("cannot start the async runtime: {e}")),
    };
    let result = match config.command.clone() {
        None => runtime.block_on(serve(config)),
        Some(Command::Export(export)) => {
            return runtime.block_on(export_command(&config.database, async |db| repere_server::export::command::run(db, export).await));
        }
        Some(Command::ExportRegistry { format, standard, with_candidates, target }) => {
            use repere_server::export::command::registry;
            return runtime
                .block_on(export_command(&config.database, async |db| registry(db, format, standard, with_candidates, &target).await));
        }
        Some(Command::Candidates(command)) => return runtime.block_on(repere_server::candidates::command(&config.database, command)),
        Some(Command::Coverage(coverage)) => return runtime.block_on(coverage_command(&config.database, coverage)),
        Some(Command::PlaceLink { id }) => runtime.block_on(place_link(&config.database, &id, &config.base())),
        Some(Command::Remind { dry_run }) => runtime.block_on(remind(&config, dry_run)),
        Some(command) => runtime.block_on(administer(&config.database, command)),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => fail(&message),
    }
}

fn fail(message: &str) -> ExitCode {
    eprintln!("repere-server: error: {message}");
    ExitCode::FAILURE
}

fn init_logs(format: &str) {
    let filter = EnvFilter::try_from_env("REPERE_LOG").unwrap_or_else(|_| EnvFilter::new("info,tower_http=info"));
    let builder = tracing_subscriber::fmt().with_env_filter(filter).with_writer(std::io::stderr);
    if format == "json" {
        builder.json().init();
    } else {
        builder.init();
    }
}

/// Runs an administration command and prints its result on stdout.
async fn administer(database: &str, command: Command) -> Result<(), String> {
    if matches!(command, Command::Backup { .. }) {
        repere_server::backup::check_source(database)?;
    }
    let db = Database::open(database).await.map_err(|e| e.to_string())?;
    let result = match command {
        Command::Enrol { structure: Some(structure), .. } => db
            .create_enrolment_code(&structure)
            .await
            .map(|code| {
                println!("{code}");
                eprintln!("enrolment code for {:?}, valid {} days, usable once", structure.trim(), repere_server::auth::CODE_VALIDITY_DAYS);
            })
            .map_err(|e| e.to_string()),
        Command::Enrol { structure: None, epci, label, .. } => db
            .create_coordination_code(&epci, label.as_deref())
            .await
            .map(|code| {
                println!("{code}");
                let scope = if epci.is_empty() { String::from("the whole département") } else { format!("EPCI {}", epci.join(", ")) };
                eprintln!("coordination code for {scope}, valid {} days, usable once", repere_server::auth::CODE_VALIDITY_DAYS);
            })
            .map_err(|e| e.to_string()),
        Command::Revoke { device } => db.revoke(&device).await.map(|()| eprintln!("device {device} revoked")).map_err(|e| e.to_string()),
        Command::ImportOutbox { device, file } => import_outbox(&db, &device, &file).await,
        Command::PublishRegistry { file, stops, confirm_removals, confirm_reverts } => {
            publish_registry(&db, &file, stops.as_deref(), confirm_removals, confirm_reverts).await
        }
        Command::Export(_)
        | Command::ExportRegistry { .. }
        | Command::Coverage(_)
        | Command::Candidates(_)
        | Command::PlaceLink { .. }
        | Command::Remind { .. } => {
            unreachable!("these run on their own")
        }
        Command::Backup { file, force } => {
            db.backup(&file, force).await.map(|copied| println!("{} written, {copied}", file.display())).map_err(|e| e.to_string())
        }
    };
    db.close().await;
    result
}

/// `export …`, `export-registry`: exit 0 written, 1 failed or interrupted (no file left), 2 bad
/// flags. Leaving `main` drops the runtime, which waits for the writer thread to remove a partial file.
async fn export_command(
    database: &str,
    run: impl AsyncFnOnce(&Database) -> Result<String, repere_server::export::command::Failure>,
) -> ExitCode {
    use repere_server::export::command::Failure;
    let db = match Database::open(database).await {
        Ok(db) => db,
        Err(e) => return fail(&e.to_string()),
    };
    let result = run(&db).await;
    db.close().await;
    match result {
        Ok(done) => {
            println!("{done}");
            ExitCode::SUCCESS
        }
        Err(Failure::Failed(message)) => fail(&message),
        Err(Failure::Usage(message)) => {
            eprintln!("repere-server: error: {message}");
            ExitCode::from(2)
        }
    }
}

/// `coverage …`: exit 0 done, 1 a failure or a refused file (each problem on its own line, at
/// most [`PROBLEMS_SHOWN`](repere_server::coverage::PROBLEMS_SHOWN) and how many more).
async fn coverage_command(database: &str, command: CoverageCommand) -> ExitCode {
    use repere_server::coverage::{ImportFailure, import_file, problem_lines};
    let db = match Database::open(database).await {
        Ok(db) => db,
        Err(e) => return fail(&e.to_string()),
    };
    // What went wrong, one line each: "error: …" first.
    let result: Result<String, Vec<String>> = match &command {
        CoverageCommand::ImportTimes { file } => match import_file(&db, file).await {
            Ok(imported) => Ok(format!("{}: {} travel times imported; they replace the previous table", file.display(), imported.rows)),
            Err(ImportFailure::Failed(message)) => Err(vec![format!("error: {message}")]),
            Err(ImportFailure::Refused(errors)) => {
                let file = file.display();
                let head = format!("error: {file}: nothing imported, the previous table stays; {} problem(s):", errors.len());
                Err(std::iter::once(head).chain(problem_lines(&errors).into_iter().map(|line| format!("{file}: {line}"))).collect())
            }
        },
        CoverageCommand::ClearTimes => match db.clear_travel_times().await {
            Ok(true) => Ok("travel-time table cleared: times are estimated again".to_owned()),
            Ok(false) => Ok("no travel-time table was imported: times are estimated".to_owned()),
            Err(e) => Err(vec![format!("error: database: {e}")]),
        },
    };
    db.close().await;
    match result {
        Ok(done) => {
            println!("{done}");
            ExitCode::SUCCESS
        }
        Err(lines) => {
            for line in lines {
                eprintln!("repere-server: {line}");
            }
            ExitCode::FAILURE
        }
    }
}

/// `place-link ID`: the link on stdout, what it is for on stderr.
async fn place_link(database: &str, id: &str, base: &str) -> Result<(), String> {
    let db = Database::open(database).await.map_err(|e| e.to_string())?;
    let made = db.create_place_link(id).await;
    db.close().await;
    let code = made.map_err(|e| e.to_string())?;
    println!("{base}{}", repere_server::place_page::address(id, &code));
    eprintln!("update link for place {id:?}: send it to the place; it replaces any earlier link, which stops working");
    Ok(())
}

/// `remind [--dry-run]`: who was e-mailed, then who to call (with their phone), on stdout.
async fn remind(config: &Config, dry_run: bool) -> Result<(), String> {
    let mailer = match (&config.mail.smtp_url, &config.mail.mail_from) {
        (Some(url), Some(from)) if !dry_run => Some(repere_server::mail::Mailer::new(url, from.clone())?),
        _ => None,
    };
    let db = Database::open(&config.database).await.map_err(|e| e.to_string())?;
    let today = chrono::Utc::now().date_naive();
    let run = repere_server::reminders::remind(&db, mailer.as_ref(), &config.base(), today).await;
    db.close().await;
    let run = run?;
    let verb = if dry_run { "would be e-mailed" } else { "e-mailed" };
    println!("{} place(s) {verb}:", run.mailed.len());
    for place in &run.mailed {
        println!("  {}\t{}\t{}\t{}", place.id, place.nom, place.grade.label(), place.courriels.join(", "));
    }
    println!("{} place(s) to call (no e-mail address):", run.to_call.len());
    for place in &run.to_call {
        let phone = place.telephone.as_deref().unwrap_or("pas de téléphone");
        println!("  {}\t{}\t{}\t{phone}", place.id, place.nom, place.grade.label());
    }
    Ok(())
}

async fn import_outbox(db: &Database, device: &str, file: &std::path::Path) -> Result<(), String> {
    let bytes = std::fs::read(file).map_err(|e| format!("cannot read {}: {e}", file.display()))?;
    let (stored, held, conflicts) = db.import_outbox(device, &bytes).await.map_err(|e| format!("{}: {e}", file.display()))?;
    println!("{stored} stored, {held} already held, {conflicts} conflicts");
    Ok(())
}

/// `publish-registry FILE [--stops STOPS] [--confirm-removals N]`: the file (and the stops
/// file) checked whole, then published unless it removes more places than allowed unconfirmed
/// (`registry::removals_allowed`).
async fn publish_registry(
    db: &Database,
    file: &std::path::Path,
    stops: Option<&std::path::Path>,
    confirm_removals: Option<usize>,
    confirm_reverts: Option<usize>,
) -> Result<(), String> {
    use repere_core::registry::{import_csv, import_json};
    use repere_protocol::registry::RegistryDto;
    use repere_server::coverage::problem_lines;
    use repere_server::registry::Removals;
    use repere_server::stops::TourError;
    let bytes = std::fs::read(file).map_err(|e| format!("cannot read {}: {e}", file.display()))?;
    let tour = stops.map(|path| std::fs::read(path).map_err(|e| format!("cannot read {}: {e}", path.display()))).transpose()?;
    let is_csv = file.extension().is_some_and(|e| e.eq_ignore_ascii_case("csv"));
    // Opening hours compiled for the years a serving instance keeps them at (see `registry`).
    let today = repere_server::stops::paris_today();
    let years = repere_core::hours::Window::for_date(today);
    // All or nothing, whatever the form: a registry is never published in part.
    let places = if is_csv {
        import_csv(&bytes, years).whole()
    } else if bytes.trim_ascii_start().starts_with(b"{") {
        RegistryDto::from_json(&bytes).and_then(|doc| doc.snapshot(years)).map(|s| s.places)
    } else {
        import_json(&bytes, years).whole()
    }
    .map_err(|errors| {
        let list: Vec<String> = errors.iter().map(ToString::to_string).collect();
        format!("{}: nothing published, {} problem(s): {}", file.display(), list.len(), list.join("; "))
    })?;
    // Places a coordinator merged into another stay merged (`duplicates_api`).
    let (places, merged_away) = db.honour_merges(places).await.map_err(|e| format!("database: {e}"))?;
    if !merged_away.is_empty() {
        println!("{} place(s) left out, merged into another by a coordinator: {}", merged_away.len(), merged_away.join(", "));
    }
    let removals = confirm_removals.map_or(Removals::Unconfirmed, Removals::Confirmed);
    let published = match repere_server::stops::publish_with_tour(db, places, tour.as_deref(), today, removals, confirm_reverts).await {
        Ok(published) => published,
        Err(TourError::Publish(e)) => return Err(format!("{}: {e}", file.display())),
        Err(TourError::Refused(errors)) => {
            let stops = stops.expect("only a stops file is refused by row").display();
            // One line per problem, as `coverage import-times` prints them.
            let lines: Vec<String> = problem_lines(&errors).into_iter().map(|line| format!("repere-server: {stops}: {line}")).collect();
            return Err(format!("{stops}: nothing published, {} problem(s):\n{}", errors.len(), lines.join("\n")));
        }
    };
    let repere_server::registry::Published { version, added, changed, removed } = published;
    if added + changed + removed == 0 {
        println!("no change: the registry stays at version {version}");
    } else {
        println!("version {version} published: {added} added, {changed} changed, {removed} removed");
    }
    Ok(())
}

/// The planner's statistics refreshed at start and hourly ([`Database::optimize`]).
async fn keep_statistics_current(db: Database) {
    let mut every = tokio::time::interval(std::time::Duration::from_secs(3600));
    loop {
        every.tick().await;
        if let Err(e) = db.optimize().await {
            tracing::warn!(error = %e, "refreshing the query planner's statistics failed; next try in an hour");
        }
    }
}

async fn serve(config: Config) -> Result<(), String> {
    // Listen for SIGTERM/SIGINT before saying "serving": a signal that arrived between the two
    // would otherwise kill the process without a clean stop (seen in CI).
    let shutdown = shutdown_signal().map_err(|e| format!("cannot listen for SIGTERM/SIGINT: {e}"))?;
    if !config.dist.join("index.html").is_file() {
        return Err(format!("the PWA is not built: {} has no index.html (run `make run`, or pass --dist)", config.dist.display()));
    }
    let db = Database::open(&config.database).await.map_err(|e| e.to_string())?;
    tokio::spawn(repere_server::registry::keep_hours_current(db.clone()));
    tokio::spawn(keep_statistics_current(db.clone()));
    if let (Some(url), Some(from)) = (&config.mail.smtp_url, &config.mail.mail_from) {
        let mailer = repere_server::mail::Mailer::new(url, from.clone())?;
        let (schedule, hour) = (config.mail.remind_day, config.mail.remind_hour);
        tokio::spawn(repere_server::reminders::keep_reminding(db.clone(), mailer, config.base(), schedule, hour));
    }
    let listener = repere_server::listen::bind(config.addr)
        .map_err(|e| format!("cannot listen on {}: {e} (is another server running? choose another with --addr)", config.addr))?;
    let limits = Limits { max_body_bytes: config.max_body_bytes, request_timeout: config.request_timeout() };
    let app = http::router(State::new(db.clone()), &config.dist, limits);
    tracing::info!(addr = %config.addr, database = %repere_server::db::redact(&config.database), dist = %config.dist.display(), version = repere_server::VERSION, "serving");
    repere_server::listen::serve(listener, app, config.connections(), shutdown).await;
    db.close().await;
    tracing::info!("stopped cleanly");
    Ok(())
}

/// Registers the handlers now; the returned future resolves on SIGTERM (service managers,
/// `kill`) or SIGINT (Ctrl-C), after which in-flight requests finish.
fn shutdown_signal() -> std::io::Result<impl Future<Output = ()>> {
    use tokio::signal::unix::{SignalKind, signal};
    let mut term = signal(SignalKind::terminate())?;
    let mut interrupt = signal(SignalKind::interrupt())?;
    Ok(async move {
        tokio::select! { _ = term.recv() => {}, _ = interrupt.recv() => {} }
        tracing::info!("shutdown requested");
    })
}
