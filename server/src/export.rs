//! Exports: the activities in La Coop's columns (CSV or XLSX) and the statistics file (XLSX),
//! from the command line (`repere-server export …`) and, through [`to_temp_file`], for the
//! HTTP downloads.
//!
//! Memory stays constant whatever the number of contacts: contacts are read a page at a time
//! (keyset on the id, [`PAGE`] per query) and handed through a small bounded channel to a
//! writer thread that writes each row as it comes (CSV through a buffer; XLSX with
//! `rust_xlsxwriter`'s constant-memory worksheets, which flush every row to a temporary file
//! beside the target). A file is written under `NAME.partial-PID` beside its target and renamed
//! only when whole: an export that fails, or whose future is dropped (Ctrl-C, a download
//! abandoned), removes its partial file and leaves nothing.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use chrono::NaiveDateTime;
use repere_core::activity::Contact;
use repere_core::export::{About, Cell, PlaceAddress, Requester};
use repere_core::stats::{Breakdown, Figures, Filter, Privacy, Tally};
use repere_core::territory::Territory;
use repere_protocol::ContactDto;
use tokio::sync::mpsc;

use crate::db::Database;
use crate::stats::Scope;

pub mod command;
pub mod coverage;
pub mod registry;
mod sheets;
pub use sheets::{activities_csv, activities_xlsx, statistics_xlsx};

/// Contacts read per query.
pub const PAGE: i64 = 500;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Csv,
    Xlsx,
}

impl Format {
    pub fn extension(self) -> &'static str {
        match self {
            Format::Csv => "csv",
            Format::Xlsx => "xlsx",
        }
    }
}

/// What is exported, for whom: the filter already narrowed to what the requester may read (a
/// mediator's structure, a coordinator's EPCI), and whether small counts are hidden.
#[derive(Clone, Debug)]
pub struct Request {
    pub filter: Filter,
    pub requester: Requester,
    pub privacy: Privacy,
}

impl Request {
    /// The information block's content, now (its total is filled in as the rows are written).
    fn about(&self, lookup: &Lookup) -> About {
        About {
            requester: self.requester.clone(),
            total: None,
            at: chrono::Utc::now().naive_utc(),
            filters: filters(&self.filter, lookup),
            protected: self.privacy == Privacy::Protected,
        }
    }
}

/// Why an export did not complete (its partial file is gone).
#[derive(Debug)]
pub enum ExportError {
    Database(sqlx::Error),
    Io(std::io::Error),
    Xlsx(rust_xlsxwriter::XlsxError),
    /// A stored contact that no longer reads (its id, why).
    Stored(String, String),
    /// The stored registry does not read (why).
    Registry(String),
    /// More rows than an XLSX sheet holds.
    TooManyRows,
    Cancelled,
}

impl std::fmt::Display for ExportError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ExportError::Database(e) => write!(f, "database: {}", crate::db::root_cause(e)),
            ExportError::Io(e) => write!(f, "{e}"),
            ExportError::Xlsx(e) => write!(f, "writing the XLSX file: {e}"),
            ExportError::Stored(id, why) => write!(f, "stored contact {id} does not read: {why}"),
            ExportError::Registry(why) => f.write_str(why),
            ExportError::TooManyRows => f.write_str("more rows than an XLSX sheet holds (1,048,575): export as CSV, or a shorter period"),
            ExportError::Cancelled => f.write_str("cancelled: no file written"),
        }
    }
}

impl std::error::Error for ExportError {}

impl From<sqlx::Error> for ExportError {
    fn from(e: sqlx::Error) -> Self {
        ExportError::Database(e)
    }
}
impl From<std::io::Error> for ExportError {
    fn from(e: std::io::Error) -> Self {
        ExportError::Io(e)
    }
}
impl From<rust_xlsxwriter::XlsxError> for ExportError {
    fn from(e: rust_xlsxwriter::XlsxError) -> Self {
        ExportError::Xlsx(e)
    }
}

/// What an export reads besides contacts, once per export: the registry's places and the
/// structures (as many as the registry and the structures hold, whatever the contacts).
pub struct Lookup {
    places: HashMap<String, PlaceAddress>,
    /// Every id some version of the registry held (removed places too), and every stop's.
    ever: HashSet<String>,
    /// The stops' names as the figures show them (`stops::stop_label`), by id.
    stops: BTreeMap<String, String>,
    pub structures: BTreeMap<i64, String>,
    /// Communes of residence left empty in the rows (see `repere_core::export::Context`).
    pub hidden: BTreeSet<String>,
}

impl Lookup {
    pub async fn load(db: &Database) -> Result<Lookup, sqlx::Error> {
        let rows: Vec<(String, Option<String>)> = sqlx::query_as("SELECT id, body FROM registry_places").fetch_all(db.pool()).await?;
        let mut places = HashMap::new();
        let mut ever = HashSet::new();
        for (id, body) in rows {
            if let Some(v) = body.and_then(|b| serde_json::from_str::<serde_json::Value>(&b).ok()) {
                let field = |name: &str| v[name].as_str().unwrap_or_default().to_owned();
                let address = PlaceAddress {
                    nom: field("nom"),
                    adresse: field("adresse"),
                    commune: field("commune"),
                    code_postal: field("code_postal"),
                    code_insee: field("code_insee"),
                };
                places.insert(id.clone(), address);
            }
            ever.insert(id);
        }
        // The tours' stops, every one ever published, named as the tour named them (a contact at a
        // stop keeps the commune it recorded: the core's export writes that one).
        let mut stops = BTreeMap::new();
        for (id, (nom, code_insee)) in db.stops_ever().await? {
            stops.insert(id.clone(), crate::stops::stop_label(&nom, &code_insee));
            places.insert(id.clone(), PlaceAddress { nom, ..PlaceAddress::default() });
            ever.insert(id);
        }
        let structures = sqlx::query_as::<_, (i64, String)>("SELECT id, name FROM structures").fetch_all(db.pool()).await?;
        Ok(Lookup { places, ever, stops, structures: structures.into_iter().collect(), hidden: BTreeSet::new() })
    }

    pub fn territory(&self) -> &'static Territory {
        crate::territory::territory()
    }

    /// The names the statistics show for places (stops with their commune: `stops::stop_label`),
    /// communes, EPCI and structures.
    pub fn names(&self) -> BTreeMap<String, String> {
        let mut names: BTreeMap<String, String> = self.places.iter().map(|(id, p)| (id.clone(), p.nom.clone())).collect();
        names.extend(self.stops.iter().map(|(id, label)| (id.clone(), label.clone())));
        for c in crate::territory::territory().communes() {
            names.insert(c.code_insee.clone(), c.nom.clone());
            names.insert(format!("commune-{}", c.code_insee), c.nom.clone());
            names.insert(c.epci_siren.clone(), c.epci_nom.clone());
        }
        names.extend(self.structures.iter().map(|(id, name)| (id.to_string(), name.clone())));
        names
    }
}

impl repere_core::export::Places for Lookup {
    fn address(&self, id: &str) -> Option<&PlaceAddress> {
        self.places.get(id)
    }
}

impl repere_core::stats::Known for Lookup {
    fn is_epci(&self, siren: &str) -> bool {
        crate::territory::epcis().contains_key(siren)
    }
    fn is_commune(&self, code: &str) -> bool {
        crate::territory::is_commune(code)
    }
    fn is_structure(&self, id: i64) -> bool {
        self.structures.contains_key(&id)
    }
    fn is_place(&self, id: &str) -> bool {
        self.ever.contains(id)
    }
}

/// A stored contact the filter accepted.
pub struct Held {
    pub contact: Contact,
    pub structure: i64,
    /// UTC.
    pub received_at: NaiveDateTime,
}

/// The contacts a filter selects, a page of [`PAGE`] at a time in id order (UUIDv7: the order
/// they were logged in), filtered in SQL by the figures' own conditions
/// ([`Database::selected_contacts`]), so the export and the figures count the same contacts.
struct Pages<'a> {
    db: &'a Database,
    filter: &'a Filter,
    /// The last id read; `None` once the selection is exhausted.
    after: Option<String>,
}

impl<'a> Pages<'a> {
    fn new(db: &'a Database, filter: &'a Filter) -> Self {
        Pages { db, filter, after: Some(String::new()) }
    }

    async fn next(&mut self) -> Result<Option<Vec<Held>>, ExportError> {
        let Some(after) = self.after.take() else { return Ok(None) };
        let rows = self.db.selected_contacts(self.filter, &after, PAGE).await?;
        let Some((last, ..)) = rows.last() else { return Ok(None) };
        self.after = Some(last.clone());
        let mut held = Vec::with_capacity(rows.len());
        for (id, structure, body, received_at) in rows {
            let contact = serde_json::from_str::<ContactDto>(&body)
                .map_err(|e| e.to_string())
                .and_then(|dto| dto.to_contact().map_err(|problems| format!("{problems:?}")))
                .map_err(|why| ExportError::Stored(id.clone(), why))?;
            let received_at = NaiveDateTime::parse_from_str(&received_at, "%Y-%m-%dT%H:%M:%SZ")
                .map_err(|e| ExportError::Stored(id.clone(), format!("received_at: {e}")))?;
            held.push(Held { contact, structure, received_at });
        }
        Ok(Some(held))
    }
}

/// The partial file beside `target` and, while armed, the flag a dropped export raises so
/// the writer thread removes what it wrote instead of renaming it.
struct Partial {
    path: PathBuf,
    cancelled: Arc<AtomicBool>,
    armed: bool,
}

impl Partial {
    fn beside(target: &Path) -> Partial {
        let name = target.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        let path = target.with_file_name(format!("{name}.partial-{}", std::process::id()));
        Partial { path, cancelled: Arc::default(), armed: true }
    }
}

impl Drop for Partial {
    fn drop(&mut self) {
        if self.armed {
            self.cancelled.store(true, Ordering::SeqCst);
            let _ = std::fs::remove_file(&self.path);
        }
    }
}

/// Runs `write` (on a blocking thread) to the partial file, then renames it to `target`;
/// whatever fails or is cancelled, the partial file is removed.
fn finish(partial: PathBuf, target: PathBuf, cancelled: Arc<AtomicBool>, written: Result<(), ExportError>) -> Result<(), ExportError> {
    let done = written.and_then(|()| {
        std::fs::File::open(&partial)?.sync_all()?;
        if cancelled.load(Ordering::SeqCst) {
            return Err(ExportError::Cancelled);
        }
        std::fs::rename(&partial, &target)?;
        // Cancelled between the check and the rename (found in review): the caller has already
        // let go of the target, so the whole file would be left behind.
        if cancelled.load(Ordering::SeqCst) {
            let _ = std::fs::remove_file(&target);
            return Err(ExportError::Cancelled);
        }
        Ok(())
    });
    if done.is_err() {
        let _ = std::fs::remove_file(&partial);
    }
    done
}

/// What the writer thread receives: pages of rows' sources, then the end.
enum Message {
    Page(Vec<Held>),
    End,
}

/// Writes the activities the request selects to `target`; returns the number of rows.
pub async fn activities(db: &Database, request: &Request, format: Format, target: &Path) -> Result<u64, ExportError> {
    let mut lookup = Lookup::load(db).await?;
    // A reader outside the structures sees no commune of residence the figures show "< 5".
    if request.privacy == Privacy::Protected {
        let mut tally = Tally::default();
        db.tally_breakdown(Breakdown::CommunesResidence, &request.filter, &Scope::Departement, &mut tally).await?;
        lookup.hidden = Figures::from_tally(&tally, request.privacy).hidden(Breakdown::CommunesResidence);
    }
    let lookup = Arc::new(lookup);
    let mut partial = Partial::beside(target);
    let (tx, mut rx) = mpsc::channel::<Message>(2);
    let about = request.about(&lookup);
    let writer = {
        let (lookup, path, target, cancelled) = (lookup.clone(), partial.path.clone(), target.to_owned(), partial.cancelled.clone());
        tokio::task::spawn_blocking(move || {
            let mut count = 0;
            let rows = sheets::rows_of(std::iter::from_fn(|| rx.blocking_recv()), &lookup, &cancelled);
            let written = match format {
                Format::Csv => std::fs::File::create(&path).map_err(ExportError::from).and_then(|file| activities_csv(rows, file)),
                Format::Xlsx => activities_xlsx(about, rows, &path),
            }
            .map(|n| count = n);
            finish(path, target, cancelled, written).map(|()| count)
        })
    };
    let mut pages = Pages::new(db, &request.filter);
    let fed = async {
        while let Some(page) = pages.next().await? {
            if tx.send(Message::Page(page)).await.is_err() {
                break;
            }
        }
        Ok::<(), ExportError>(())
    }
    .await;
    if fed.is_ok() {
        let _ = tx.send(Message::End).await;
    }
    drop(tx);
    let written = writer.await.map_err(|e| ExportError::Io(std::io::Error::other(e)))?;
    partial.armed = false;
    fed.and(written)
}

/// Writes the statistics file of what the request selects to `target`.
pub async fn statistics(db: &Database, request: &Request, target: &Path) -> Result<(), ExportError> {
    let lookup = Lookup::load(db).await?;
    // The filter is already narrowed to what the requester may read.
    let tally = db.tally(&request.filter, &Scope::Departement).await?;
    let figures = Figures::from_tally(&tally, request.privacy);
    let about = request.about(&lookup);
    let mut partial = Partial::beside(target);
    let (path, target, cancelled, names) = (partial.path.clone(), target.to_owned(), partial.cancelled.clone(), lookup.names());
    let written = tokio::task::spawn_blocking(move || {
        let written = statistics_xlsx(&about, &figures, &names, &path);
        finish(path, target, cancelled, written)
    })
    .await
    .map_err(|e| ExportError::Io(std::io::Error::other(e)))?;
    partial.armed = false;
    written
}

/// Writes an export into a new temporary file of `dir` and returns it (removed when dropped):
/// what an HTTP download streams. Dropping the future (the client went away) cancels it.
pub async fn to_temp_file(db: &Database, request: &Request, what: Export, dir: &Path) -> Result<tempfile::TempPath, ExportError> {
    let extension = match what {
        Export::Activities(format) => format.extension(),
        Export::Statistics => "xlsx",
    };
    let temp = temp_file(dir, extension)?;
    match what {
        Export::Activities(format) => activities(db, request, format, &temp).await.map(drop)?,
        Export::Statistics => statistics(db, request, &temp).await?,
    }
    Ok(temp)
}

/// A new empty temporary file of `dir`, `repere-export-….EXTENSION`, removed when dropped.
pub fn temp_file(dir: &Path, extension: &str) -> Result<tempfile::TempPath, ExportError> {
    Ok(tempfile::Builder::new().prefix("repere-export-").suffix(&format!(".{extension}")).tempfile_in(dir)?.into_temp_path())
}

/// Which file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Export {
    Activities(Format),
    Statistics,
}

/// The filter as the "Filtres" block shows it: La Coop's labels, then Repère's.
fn filters(filter: &Filter, lookup: &Lookup) -> Vec<(&'static str, String)> {
    let names = lookup.names();
    let name = |key: &str| names.get(key).cloned().unwrap_or_else(|| key.to_owned());
    let day = |d: chrono::NaiveDate| repere_core::date::french_date(d).replace('/', ".");
    let periode = match (filter.du, filter.au) {
        (Some(du), Some(au)) => repere_core::export::period_label(du, au),
        (Some(du), None) => format!("depuis le {}", day(du)),
        (None, Some(au)) => format!("jusqu’au {}", day(au)),
        (None, None) => String::new(),
    };
    vec![
        ("Période", periode),
        ("Lieux d’accompagnement", filter.lieu.as_deref().map(name).unwrap_or_default()),
        ("Communes", filter.commune.as_deref().map(name).unwrap_or_default()),
        ("EPCI", filter.epci.iter().map(|e| name(e)).collect::<Vec<_>>().join(", ")),
        ("Structures", filter.structure.map(|s| name(&s.to_string())).unwrap_or_default()),
    ]
}

/// Cells of the rows, for the writers (one page's rows at a time).
pub(crate) type Rows<'a> = Box<dyn Iterator<Item = Result<Vec<Cell>, ExportError>> + 'a>;
