//! The figures' endpoints: `GET /api/v1/stats?…` and `GET /api/v1/coordination/choices`.
//!
//! Who reads what: a coordinator of the département reads every contact; one limited to some
//! EPCI only contacts whose territory commune lies in them, and a filter naming another EPCI
//! or a commune outside them is 403; both see counts of 1 to 4 people of a commune of residence
//! as "< 5". A mediator reads his own structure's figures, exact; a filter naming another
//! structure, or an EPCI, is 403. The filter is the core's (`stats::Filter::parse`): any
//! problem is 400 `bad_filter`, the message starting with the field.

use std::collections::{BTreeMap, HashSet};
use std::net::IpAddr;

use axum::Json;
use axum::extract::{Request, State as AxumState};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use repere_core::stats::{Breakdown, Figures, Filter, Known, Privacy};
use repere_protocol::stats::FiguresDto;
use serde_json::json;

use crate::api::{account, forbidden, internal};
use crate::coordinators::Account;
use crate::db::{Database, now_text};
use crate::http::error_response;
use crate::listen::client_ip;
use crate::stats::Scope;
use crate::{State, territory};

/// What a reader may count, and how its small counts are shown.
pub struct Reader {
    pub scope: Scope,
    pub privacy: Privacy,
    /// Whose figures, as the answer says: a structure's name or a coordinator's label.
    pub name: String,
}

impl Reader {
    pub fn of(account: &Account) -> Reader {
        match account {
            Account::Mediator(d) => Reader { scope: Scope::Structure(d.structure_id), privacy: Privacy::Exact, name: d.structure.clone() },
            Account::Coordinator(c) if c.epci.is_empty() => {
                Reader { scope: Scope::Departement, privacy: Privacy::Protected, name: c.label.clone() }
            }
            Account::Coordinator(c) => Reader { scope: Scope::Epci(c.epci.clone()), privacy: Privacy::Protected, name: c.label.clone() },
        }
    }

    /// The first part of `filter` outside this reader's scope, as (field, why).
    pub fn refuses(&self, filter: &Filter) -> Option<(&'static str, String)> {
        match &self.scope {
            Scope::Departement => None,
            Scope::Structure(own) => {
                if filter.structure.is_some_and(|s| s != *own) {
                    Some(("structure", "un médiateur ne lit que les chiffres de sa structure".to_owned()))
                } else if !filter.epci.is_empty() {
                    Some(("epci", "un médiateur ne lit que les chiffres de sa structure, sans filtre par EPCI".to_owned()))
                } else {
                    None
                }
            }
            Scope::Epci(mine) => {
                let outside = |commune: &str| territory::epci_of(commune).is_none_or(|e| !mine.iter().any(|m| m == e));
                if let Some(other) = filter.epci.iter().find(|e| !mine.contains(e)) {
                    Some(("epci", format!("l’EPCI {other} n’est pas dans votre territoire")))
                } else if let Some(commune) = filter.commune.as_deref().filter(|c| outside(c)) {
                    Some(("commune", format!("la commune {commune} n’est pas dans votre territoire")))
                } else if let Some(commune) = filter.lieu.as_deref().and_then(|l| l.strip_prefix("commune-")).filter(|c| outside(c)) {
                    Some(("lieu", format!("la commune {commune} n’est pas dans votre territoire")))
                } else {
                    None
                }
            }
        }
    }
}

/// The codes a filter may name, looked up once per request: the structures and registry places
/// its query names.
struct KnownHere {
    structures: HashSet<i64>,
    places: HashSet<String>,
}

impl Known for KnownHere {
    fn is_epci(&self, siren: &str) -> bool {
        territory::epcis().contains_key(siren)
    }
    fn is_commune(&self, code: &str) -> bool {
        territory::is_commune(code)
    }
    fn is_structure(&self, id: i64) -> bool {
        self.structures.contains(&id)
    }
    fn is_place(&self, id: &str) -> bool {
        self.places.contains(id)
    }
}

/// The query's filter, or the 400 naming every bad field. (The export endpoints and the CLI
/// read their filter the same way.)
pub async fn read_filter(db: &Database, query: &str) -> Result<Filter, Response> {
    let pairs: Vec<(String, String)> = form_urlencoded::parse(query.as_bytes()).into_owned().collect();
    let named = |field: &'static str| pairs.iter().filter(move |(k, _)| k == field).map(|(_, v)| v.trim());
    let structures: Vec<i64> = named("structure").filter_map(|v| v.parse().ok()).collect();
    let places: Vec<&str> = named("lieu").collect();
    let known = KnownHere {
        structures: db
            .structure_names()
            .await
            .map_err(|e| internal(&e.to_string()))?
            .into_keys()
            .filter(|id| structures.contains(id))
            .collect(),
        places: {
            // A `lieu` is a registry place's id, or a tour's stop's.
            let places = places.into_iter().collect();
            let mut known = db.registry_ids_among(&places).await.map_err(|e| internal(&e.to_string()))?;
            known.extend(db.stop_ids_among(&places).await.map_err(|e| internal(&e.to_string()))?);
            known
        },
    };
    Filter::parse(pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())), &known).map_err(|problems| {
        let message: Vec<String> = problems.iter().map(ToString::to_string).collect();
        error_response(StatusCode::BAD_REQUEST, "bad_filter", &message.join(" ; "))
    })
}

/// The reader making this request and its filter, or the refusal (401, 400, 403).
/// (Takes the request's parts, not the request: its body is not `Sync`, so it cannot be held
/// across an await.)
pub async fn reader_and_filter(state: &State, headers: &HeaderMap, ip: IpAddr, query: &str) -> Result<(Reader, Filter), Response> {
    let account = account(state, headers, ip).await?;
    let reader = Reader::of(&account);
    let filter = read_filter(&state.db, query).await?;
    if let Some((field, why)) = reader.refuses(&filter) {
        return Err(forbidden(&format!("{field} : {why}")));
    }
    Ok((reader, filter))
}

/// `GET /api/v1/stats?du=…&au=…&epci=…&commune=…&structure=…&lieu=…`: the figures.
pub async fn stats(AxumState(state): AxumState<State>, request: Request) -> Response {
    let query = request.uri().query().unwrap_or("").to_owned();
    let (reader, filter) = match reader_and_filter(&state, request.headers(), client_ip(&request), &query).await {
        Ok(r) => r,
        Err(refusal) => return refusal,
    };
    let tally = match state.db.tally(&filter, &reader.scope).await {
        Ok(t) => t,
        Err(e) => return internal(&e.to_string()),
    };
    let figures = Figures::from_tally(&tally, reader.privacy);
    let names = match names(&state.db, &figures).await {
        Ok(n) => n,
        Err(e) => return internal(&e.to_string()),
    };
    let query = form_urlencoded::Serializer::new(String::new()).extend_pairs(filter.pairs()).finish();
    let protected = reader.privacy == Privacy::Protected;
    Json(FiguresDto::new(&figures, now_text(), reader.name, query, protected, names)).into_response()
}

/// The names of the places, communes, EPCI and structures the figures' rows name.
async fn names(db: &Database, figures: &Figures) -> Result<BTreeMap<String, String>, sqlx::Error> {
    let codes =
        |b: Breakdown| figures.sections.iter().filter(move |s| s.breakdown == b).flat_map(|s| s.rows.iter().map(|r| r.code.as_str()));
    let mut names = BTreeMap::new();
    for code in codes(Breakdown::Communes).chain(codes(Breakdown::CommunesResidence)) {
        names.extend(territory::commune_name(code).map(|n| (code.to_owned(), n.to_owned())));
    }
    for code in codes(Breakdown::Epci) {
        names.extend(territory::epcis().get(code).map(|n| (code.to_owned(), n.clone())));
    }
    let structures = db.structure_names().await?;
    for code in codes(Breakdown::Structures) {
        names.extend(code.parse().ok().and_then(|id: i64| structures.get(&id)).map(|n| (code.to_owned(), n.clone())));
    }
    let places: Vec<&str> = codes(Breakdown::Lieux).collect();
    for code in &places {
        if let Some(name) = code.strip_prefix("commune-").and_then(territory::commune_name) {
            names.insert((*code).to_owned(), name.to_owned());
        }
    }
    names.extend(db.place_names(&places).await?);
    Ok(names)
}

/// `GET /api/v1/coordination/choices`: the structures and EPCI a reader's filter form offers.
pub async fn choices(AxumState(state): AxumState<State>, request: Request) -> Response {
    let account = match account(&state, request.headers(), client_ip(&request)).await {
        Ok(a) => a,
        Err(refusal) => return refusal,
    };
    let reader = Reader::of(&account);
    let structures = match state.db.structures_in(&reader.scope).await {
        Ok(s) => s,
        Err(e) => return internal(&e.to_string()),
    };
    let epci: Vec<_> = territory::epcis()
        .iter()
        .filter(|(siren, _)| match &reader.scope {
            Scope::Departement => true,
            Scope::Epci(mine) => mine.contains(siren),
            Scope::Structure(_) => false,
        })
        .map(|(siren, name)| json!({ "siren": siren, "name": name }))
        .collect();
    let structures: Vec<_> = structures.into_iter().map(|(id, name)| json!({ "id": id, "name": name })).collect();
    Json(json!({ "scope": reader.name, "structures": structures, "epci": epci })).into_response()
}
