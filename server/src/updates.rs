//! `GET /api/v1/registry/updates`: who updated the registry in the last 12 months — the places
//! themselves (through their link) or the département (by a publication) — for the coordinators'
//! autonomy indicator. Read from `place_updates`, written in the same transactions as the versions.

use axum::Json;
use axum::extract::{Request, State as AxumState};
use axum::response::{IntoResponse, Response};
use repere_protocol::registry::{UpdateDto, UpdatesDto};

use crate::State;
use crate::api::{account, forbidden, internal};
use crate::coordinators::Account;
use crate::listen::client_ip;

/// The indicator's window, in months.
const MONTHS: u32 = 12;

pub async fn recent(AxumState(state): AxumState<State>, request: Request) -> Response {
    match account(&state, request.headers(), client_ip(&request)).await {
        Ok(Account::Coordinator(_)) => {}
        Ok(Account::Mediator(_)) => return forbidden("the registry's updates are read in the coordination space"),
        Err(refusal) => return refusal,
    }
    match state.db.recent_place_updates(MONTHS).await {
        Ok(updates) => Json(UpdatesDto {
            updates: updates
                .into_iter()
                .map(|u| UpdateDto { place_id: u.place_id, made_at: u.made_at, kind: u.kind, made_by: u.made_by })
                .collect(),
        })
        .into_response(),
        Err(e) => internal(&e.to_string()),
    }
}
