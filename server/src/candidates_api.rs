//! `GET/POST /api/v1/candidates`: the coordination space's list of candidate places and the
//! decisions on them (see `candidates`). A département coordinator sees and decides all; an EPCI
//! coordinator those whose commune is in his EPCI; mediators none.
//!
//! `GET` → `{"candidates": [{"id", "source", "nom", "commune", "code_insee", "adresse",
//! "telephone", "courriel", "status": "pending", "a_completer": ["adresse"]}], "counts":
//! {"pending", "accepted", "rejected"}}` (pending ones only in the list; `a_completer`: the
//! required fields still empty, to give in the decision's `changes`).
//!
//! `POST` `{"decisions": [{"id", "action": "accept"|"reject", "reason"?, "changes"?: {"adresse":
//! "…", "services": "Accès internet et matériel informatique"}}]}` → `{"version", "accepted",
//! "rejected"}`; any problem → 422 `invalid_decisions` with `details: [{"id", "field",
//! "reason"}]`, nothing written.

use axum::Json;
use axum::extract::{Request, State as AxumState};
use std::collections::HashSet;
use std::net::IpAddr;

use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use chrono::NaiveDate;
use repere_core::hours::Window;
use repere_core::registry::Place;
use serde_json::{Value, json};

use crate::State;
use crate::api::{account, forbidden, internal, read_body};
use crate::candidates::{Action, Candidate, Decision, Problem, known_field, place_of};
use crate::coordinators::{Account, Coordinator};
use crate::http::error_response;
use crate::listen::client_ip;

/// Most decisions in one request (the whole list of candidates fits).
pub const MAX_DECISIONS: usize = 500;

/// The coordinator making this request, or the refusal (mediators: 403 saying `what`).
/// (Takes the headers, not the request: a borrowed body, which is not `Sync`, cannot be held
/// across an await.)
pub(crate) async fn coordinator(state: &State, headers: &HeaderMap, ip: IpAddr, what: &str) -> Result<Coordinator, Response> {
    match account(state, headers, ip).await? {
        Account::Coordinator(c) => Ok(c),
        Account::Mediator(_) => Err(forbidden(&format!("{what} in the coordination space"))),
    }
}

/// The JSON body of a coordinator's request, or 400 naming what was expected.
pub(crate) async fn json_body<T: serde::de::DeserializeOwned>(request: Request, expected: &str) -> Result<T, Response> {
    let body = read_body(request.into_body()).await?;
    // The protocol's reader names where the JSON went wrong (`decisions[3].action: …`).
    repere_protocol::from_json(&body)
        .map_err(|e| error_response(StatusCode::BAD_REQUEST, "malformed_json", &format!("expected {expected}: {e}")))
}

/// A 422 whose `details` list each problem.
pub(crate) fn unprocessable(code: &str, message: &str, details: Value) -> Response {
    (StatusCode::UNPROCESSABLE_ENTITY, Json(json!({ "error": { "code": code, "message": message, "details": details } }))).into_response()
}

pub async fn list(AxumState(state): AxumState<State>, request: Request) -> Response {
    let coordinator = match coordinator(&state, request.headers(), client_ip(&request), "candidate places are reviewed").await {
        Ok(c) => c,
        Err(refusal) => return refusal,
    };
    let all = match state.db.candidates().await {
        Ok(all) => all,
        Err(e) => return internal(&e.to_string()),
    };
    let seen: Vec<_> = all.iter().filter(|c| in_scope(c, &coordinator.epci)).collect();
    let count = |status: &str| seen.iter().filter(|c| c.status == status).count();
    let candidates: Vec<Value> = seen
        .iter()
        .filter(|c| c.status == "pending")
        .map(|c| {
            json!({
                "id": c.id, "source": c.source, "nom": c.text("nom"), "commune": c.text("commune"),
                "code_insee": c.text("code_insee"), "adresse": c.text("adresse"), "telephone": c.text("telephone"),
                "courriel": c.text("courriels"), "status": c.status, "a_completer": c.missing(),
            })
        })
        .collect();
    Json(json!({ "candidates": candidates, "counts": { "pending": count("pending"), "accepted": count("accepted"), "rejected": count("rejected") } }))
        .into_response()
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct Decisions {
    decisions: Vec<Decision>,
}

pub async fn decide(AxumState(state): AxumState<State>, request: Request) -> Response {
    let coordinator = match coordinator(&state, request.headers(), client_ip(&request), "candidate places are decided").await {
        Ok(c) => c,
        Err(refusal) => return refusal,
    };
    let Decisions { decisions } =
        match json_body(request, r#"{"decisions": [{"id", "action": "accept"|"reject", "reason"?, "changes"?}]}"#).await {
            Ok(d) => d,
            Err(refusal) => return refusal,
        };
    if decisions.is_empty() || decisions.len() > MAX_DECISIONS {
        let reason = format!("{} décisions ; de 1 à {MAX_DECISIONS}", decisions.len());
        return unprocessable("invalid_decisions", "nothing decided", json!([{ "id": null, "field": "decisions", "reason": reason }]));
    }
    let today = chrono::Utc::now().date_naive();
    // A concurrent publication may take the version first: read again and retry once.
    for _ in 0..2 {
        let candidates = match state.db.candidates().await {
            Ok(c) => c,
            Err(e) => return internal(&e.to_string()),
        };
        let (accepted, rejected) = match check(&decisions, &candidates, &coordinator.epci, today) {
            Ok(checked) => checked,
            Err(problems) => return unprocessable("invalid_decisions", "nothing decided: see details", json!(problems)),
        };
        match state.db.decide_candidates(&accepted, &rejected, &coordinator.label).await {
            Ok(Some(done)) => {
                tracing::info!(version = done.version, accepted = done.accepted, rejected = done.rejected, "candidate places decided");
                return Json(json!({ "version": done.version, "accepted": done.accepted, "rejected": done.rejected })).into_response();
            }
            Ok(None) => continue,
            Err(e) => return internal(&e.to_string()),
        }
    }
    error_response(StatusCode::CONFLICT, "busy", "another publication was being made; send the decisions again")
}

/// A candidate refused, with the reason given if any.
pub type Rejection = (String, Option<String>);

/// Checks `decisions` against the pending candidates (`scope`: the EPCI a coordinator sees,
/// empty for all): the places to publish and the rejections, or every problem.
pub fn check(
    decisions: &[Decision],
    candidates: &[Candidate],
    scope: &[String],
    today: NaiveDate,
) -> Result<(Vec<Place>, Vec<Rejection>), Vec<Problem>> {
    let years = Window::for_date(today);
    let (mut accepted, mut rejected, mut problems, mut seen) = (Vec::new(), Vec::new(), Vec::new(), HashSet::new());
    let mut problem = |id: &str, field: &str, reason: String| problems.push(Problem { id: id.to_owned(), field: field.to_owned(), reason });
    for d in decisions {
        let Some(candidate) = candidates.iter().find(|c| c.id == d.id) else {
            problem(&d.id, "id", "aucun lieu candidat n’a cet identifiant".into());
            continue;
        };
        if !seen.insert(d.id.as_str()) {
            problem(&d.id, "id", "décidé deux fois dans la même demande".into());
            continue;
        }
        if candidate.status != "pending" {
            let done = if candidate.status == "accepted" { "déjà accepté" } else { "déjà refusé" };
            problem(&d.id, "id", done.into());
            continue;
        }
        if !in_scope(candidate, scope) {
            problem(&d.id, "id", "hors de votre EPCI : le département en décide".into());
            continue;
        }
        match d.action {
            Action::Reject => rejected.push((d.id.clone(), d.reason.as_ref().map(|r| r.trim().to_owned()).filter(|r| !r.is_empty()))),
            Action::Accept => {
                if let Some(field) = d.changes.keys().find(|f| !known_field(f) || *f == "id") {
                    problem(&d.id, field, "champ que l’on ne peut pas changer ici".into());
                    continue;
                }
                match place_of(&candidate.row, &d.changes, Some(today), years) {
                    // Where the place ends up counts too: an EPCI coordinator cannot move it out.
                    Ok(place)
                        if !scope.is_empty()
                            && !place
                                .code_insee
                                .as_deref()
                                .and_then(crate::territory::epci_of)
                                .is_some_and(|e| scope.iter().any(|s| s == e)) =>
                    {
                        problem(&d.id, "code_insee", "hors de votre EPCI : le département en décide".into());
                    }
                    Ok(place) => accepted.push(place),
                    Err(errors) => {
                        for e in errors {
                            let reason =
                                if e.field == "adresse" { format!("{} : donnez l’adresse vérifiée", e.reason) } else { e.reason };
                            problem(&d.id, e.field, reason);
                        }
                    }
                }
            }
        }
    }
    if problems.is_empty() { Ok((accepted, rejected)) } else { Err(problems) }
}

/// Whether a coordinator seeing `scope` (EPCI SIRENs; empty: all) sees this candidate.
pub fn in_scope(candidate: &Candidate, scope: &[String]) -> bool {
    scope.is_empty() || candidate.text("code_insee").and_then(crate::territory::epci_of).is_some_and(|e| scope.iter().any(|s| s == e))
}
