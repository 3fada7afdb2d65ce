//! `POST /api/v1/places/{id}/link`: a coordinator makes a place's update link from the coordination
//! space (« Créer le lien de mise à jour »), to send it by their own e-mail when the server has no
//! SMTP server, or to read it out on the phone.
//!
//! A département coordinator may make any place's link; an EPCI coordinator only the links of
//! places in its EPCI (by the place's `code_insee`), since a new link breaks the place's previous
//! one; mediators none. The answer carries the reminder's text (`mail::body`), the same words as
//! `remind` sends, so the département's message is written once.

use axum::Json;
use axum::extract::{Path, Request, State as AxumState};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use repere_core::quality::Freshness;
use repere_protocol::registry::PlaceLinkDto;

use crate::State;
use crate::api::{account, forbidden, internal};
use crate::coordinators::Account;
use crate::http::error_response;
use crate::listen::client_ip;
use crate::reminders::Due;

pub async fn create(AxumState(state): AxumState<State>, Path(id): Path<String>, request: Request) -> Response {
    let coordinator = match account(&state, request.headers(), client_ip(&request)).await {
        Ok(Account::Coordinator(c)) => c,
        Ok(Account::Mediator(_)) => return forbidden("places' update links are made in the coordination space"),
        Err(refusal) => return refusal,
    };
    let current = match state.db.current_place(&id).await {
        Ok(Some(current)) => current,
        Ok(None) => return error_response(StatusCode::NOT_FOUND, "not_found", &format!("no place {id:?} in the published registry")),
        Err(e) => return internal(&e.to_string()),
    };
    let place = current.place;
    let epci = place.code_insee.as_deref().and_then(crate::territory::epci_of);
    if !coordinator.epci.is_empty() && !epci.is_some_and(|e| coordinator.epci.iter().any(|c| c == e)) {
        return forbidden("this place is outside your EPCI: its link is made by the département");
    }
    let code = match state.db.create_place_link(&id).await {
        Ok(code) => code,
        Err(e) => return internal(&e.to_string()),
    };
    let path = crate::place_page::address(&id, &code);
    let origin = request.headers().get(header::ORIGIN).and_then(|o| o.to_str().ok()).and_then(|o| crate::config::base_url(o).ok());
    let link = format!("{}{path}", origin.unwrap_or_default());
    let today = chrono::Utc::now().date_naive();
    let due = Due {
        id: place.id,
        nom: place.nom,
        commune: place.commune,
        grade: Freshness::of(Some(place.date_maj), today),
        checked: place.date_maj,
        courriels: place.courriels,
        telephone: place.telephone,
        last_reminded: None,
        frequency_months: repere_core::quality::reminders::DEFAULT_FREQUENCY_MONTHS,
    };
    let body = crate::mail::body(&due, &link);
    Json(PlaceLinkDto { link, courriels: due.courriels, telephone: due.telephone, subject: crate::mail::SUBJECT.to_owned(), body })
        .into_response()
}
