//! The exports as downloads: `GET /api/v1/export/activites.csv`, `activites.xlsx` and
//! `statistiques.xlsx`, with the figures' query (`du`, `au`, `epci`, …) and the same rules of
//! who reads what as `GET /api/v1/stats` ([`crate::figures::reader_and_filter`]); and
//! `couverture.csv`, `couverture.xlsx` for coordinators, with the coverage's selection
//! (`seuil`, `besoin`, `dispositif`, `heures`: the core's `coverage::Selection`); and the
//! registry's current version, `registre.csv`, `registre.json`, for coordinators (`?forme=standard`:
//! the standard's columns only, for data.gouv.fr; see [`export::registry`]).
//!
//! The file is made whole in a temporary file first ([`export::to_temp_file`]), so an export
//! that fails is an error answer, never a truncated download; the file is then opened and its
//! name unlinked, the open handle streaming it. A client that goes away while the file is being
//! made drops the request's future, which cancels the export and removes its partial file.

use axum::body::Body;
use axum::extract::{Request, State as AxumState};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use repere_core::coverage::Selection;
use repere_core::export::Requester;
use tower::ServiceExt;
use tower_http::services::ServeFile;

use crate::State;
use crate::api::{account, forbidden, internal};
use crate::config::RegistryFormat;
use crate::coordinators::Account;
use crate::export::{self, Export, ExportError, Format};
use crate::figures::reader_and_filter;
use crate::http::error_response;
use crate::listen::client_ip;
use crate::stats::Scope;

pub async fn activities_csv(state: AxumState<State>, request: Request) -> Response {
    download(state, request, Export::Activities(Format::Csv)).await
}

pub async fn activities_xlsx(state: AxumState<State>, request: Request) -> Response {
    download(state, request, Export::Activities(Format::Xlsx)).await
}

pub async fn statistics_xlsx(state: AxumState<State>, request: Request) -> Response {
    download(state, request, Export::Statistics).await
}

pub async fn coverage_csv(state: AxumState<State>, request: Request) -> Response {
    coverage(state, request, Format::Csv).await
}

pub async fn coverage_xlsx(state: AxumState<State>, request: Request) -> Response {
    coverage(state, request, Format::Xlsx).await
}

pub async fn registry_csv(state: AxumState<State>, request: Request) -> Response {
    registry(state, request, RegistryFormat::Csv).await
}

pub async fn registry_json(state: AxumState<State>, request: Request) -> Response {
    registry(state, request, RegistryFormat::Json).await
}

/// `GET /api/v1/export/arrets.csv`: the itinerant places' stops as a stops file (what
/// `publish-registry --stops` takes back), for coordinators; no parameter.
pub async fn stops_csv(AxumState(state): AxumState<State>, request: Request) -> Response {
    match account(&state, request.headers(), client_ip(&request)).await {
        Ok(Account::Coordinator(_)) => {}
        Ok(Account::Mediator(_)) => return forbidden("the registry's files are downloaded in the coordination space"),
        Err(refusal) => return refusal,
    }
    if let Some(query) = request.uri().query().filter(|q| !q.is_empty()) {
        return bad_filter(&format!("{} : ce fichier ne prend aucun paramètre", shorten_query(query)));
    }
    let made = async {
        let temp = export::temp_file(&std::env::temp_dir(), "csv")?;
        export::registry::registry_with(&state.db, RegistryFormat::Arrets, false, false, &temp).await.map(|_| temp)
    };
    match made.await {
        Ok(temp) => serve(temp, &format!("repere_arrets_{}.csv", crate::stops::paris_today())).await,
        Err(e) => internal(&e.to_string()),
    }
}

/// A query as an answer may quote it.
fn shorten_query(query: &str) -> &str {
    let cut = (0..=query.len().min(100)).rev().find(|&i| query.is_char_boundary(i)).unwrap_or(0);
    &query[..cut]
}

/// The file's name as the browser saves it: `repere_activites_2026-11-30.xlsx`.
fn file_name(what: Export) -> String {
    let today = chrono::Utc::now().date_naive();
    match what {
        Export::Activities(format) => format!("repere_activites_{today}.{}", format.extension()),
        Export::Statistics => format!("repere_statistiques_{today}.xlsx"),
    }
}

async fn download(AxumState(state): AxumState<State>, request: Request, what: Export) -> Response {
    let query = request.uri().query().unwrap_or("").to_owned();
    let (reader, mut filter) = match reader_and_filter(&state, request.headers(), client_ip(&request), &query).await {
        Ok(r) => r,
        Err(refusal) => return refusal,
    };
    // The filter narrowed to what the reader may read (the export reads the filter only).
    let requester = match &reader.scope {
        Scope::Departement => Requester::Coordinator(reader.name),
        Scope::Epci(mine) => {
            if filter.epci.is_empty() {
                filter.epci = mine.clone();
            }
            Requester::Coordinator(reader.name)
        }
        Scope::Structure(own) => {
            filter.structure = Some(*own);
            Requester::Mediator(reader.name)
        }
    };
    let order = export::Request { filter, requester, privacy: reader.privacy };
    let temp = match export::to_temp_file(&state.db, &order, what, &std::env::temp_dir()).await {
        Ok(temp) => temp,
        Err(ExportError::TooManyRows) => {
            return error_response(
                StatusCode::UNPROCESSABLE_ENTITY,
                "too_many_rows",
                "plus de lignes qu’une feuille XLSX n’en contient (1 048 575) : choisissez le CSV ou une période plus courte",
            );
        }
        Err(e) => return internal(&e.to_string()),
    };
    serve(temp, &file_name(what)).await
}

/// The coverage file of the query's selection, for a coordinator (the same for all: it holds
/// no contact); a bad parameter is 400 `bad_filter`, the message starting with its name.
async fn coverage(AxumState(state): AxumState<State>, request: Request, format: Format) -> Response {
    if let Err(refusal) = crate::coverage::coordinator(&state, request.headers(), client_ip(&request)).await {
        return refusal;
    }
    let pairs: Vec<(String, String)> = form_urlencoded::parse(request.uri().query().unwrap_or("").as_bytes()).into_owned().collect();
    let selection = match Selection::parse(pairs.iter().map(|(k, v)| (k.as_str(), v.as_str()))) {
        Ok(s) => s,
        Err(problems) => {
            let message: Vec<String> = problems.iter().map(ToString::to_string).collect();
            return error_response(StatusCode::BAD_REQUEST, "bad_filter", &message.join(" ; "));
        }
    };
    let made = async {
        let temp = export::temp_file(&std::env::temp_dir(), format.extension())?;
        export::coverage::coverage(&state.db, &selection, format, &temp).await.map(|()| temp)
    };
    match made.await {
        Ok(temp) => serve(temp, &format!("repere_couverture_{}.{}", chrono::Utc::now().date_naive(), format.extension())).await,
        Err(e) => internal(&e.to_string()),
    }
}

/// The registry's current version for a coordinator (the same for all: it is public data; the
/// coordination space is where the département's keepers work). `forme` = `complete` (default:
/// with Repère's columns, what `publish-registry` takes back) or `standard`; anything else is 400
/// `bad_filter` naming it.
async fn registry(AxumState(state): AxumState<State>, request: Request, format: RegistryFormat) -> Response {
    match account(&state, request.headers(), client_ip(&request)).await {
        Ok(Account::Coordinator(_)) => {}
        Ok(Account::Mediator(_)) => return forbidden("the registry's files are downloaded in the coordination space"),
        Err(refusal) => return refusal,
    }
    let (mut standard, mut candidates) = (false, false);
    for (name, value) in form_urlencoded::parse(request.uri().query().unwrap_or("").as_bytes()) {
        match (name.as_ref(), value.as_ref()) {
            ("candidats", "1") => candidates = true,
            ("candidats", "0") => candidates = false,
            ("candidats", other) => return bad_filter(&format!("candidats : « {other} » ; 1 (avec les lieux candidats) ou 0")),
            ("forme", "standard") => standard = true,
            ("forme", "complete") => standard = false,
            ("forme", other) => return bad_filter(&format!("forme : « {other} » n’est pas une forme ; choisir standard ou complete")),
            (other, _) => {
                return bad_filter(&format!("{other} : paramètre inconnu ; forme (standard ou complete) et candidats (1 ou 0) sont lus"));
            }
        }
    }
    let made = async {
        let temp = export::temp_file(&std::env::temp_dir(), format.extension())?;
        export::registry::registry_with(&state.db, format, standard, candidates, &temp).await.map(|_| temp)
    };
    let form = match (standard, candidates) {
        (true, true) => "_standard_avec_candidats",
        (true, false) => "_standard",
        (false, true) => "_avec_candidats",
        (false, false) => "",
    };
    match made.await {
        Ok(temp) => serve(temp, &format!("repere_registre{form}_{}.{}", chrono::Utc::now().date_naive(), format.extension())).await,
        Err(e) => internal(&e.to_string()),
    }
}

fn bad_filter(message: &str) -> Response {
    error_response(StatusCode::BAD_REQUEST, "bad_filter", message)
}

/// Streams a file made whole, under the name the browser saves it as.
async fn serve(temp: tempfile::TempPath, name: &str) -> Response {
    // ServeFile opens the file before answering; the name can go once it is open.
    let served = ServeFile::new(&temp).oneshot(axum::http::Request::new(Body::empty())).await;
    drop(temp);
    match served {
        Ok(response) if response.status() == StatusCode::OK => {
            let mut response = response.into_response();
            let disposition = format!("attachment; filename=\"{name}\"");
            response.headers_mut().insert(header::CONTENT_DISPOSITION, HeaderValue::from_str(&disposition).expect("an ASCII name"));
            response
        }
        Ok(response) => internal(&format!("the export's file answered {}", response.status())),
        Err(e) => internal(&e.to_string()),
    }
}
