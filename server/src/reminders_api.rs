//! The reminders in the coordination space (issue #15, part 7), for a département without an
//! SMTP server or with places to call: `GET /api/v1/reminders` (the places due today, as
//! `repere-server remind` would take them), `GET /api/v1/export/relances.csv` (the same as a
//! file), and `POST /api/v1/reminders/frequency` (a place's update frequency, DORA's per-service
//! setting, which `remind` and `serve`'s schedule honour). An EPCI coordinator sees and sets his
//! EPCI's places only.
//!
//! `GET` → `{"due": [{"place_id", "nom", "commune", "grade", "courriel": "a@b.fr; c@d.fr" | null,
//! "telephone": "+33…" | null, "last_reminded": "2026-11-04" | null, "frequency_months": 6}]}`:
//! those without e-mail are the « to call » list. `POST` `{"place_id", "months": 1–24}` →
//! `{"place_id", "frequency_months"}`; a bad value 422 naming the field.

use axum::Json;
use axum::extract::{Request, State as AxumState};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use repere_core::phone::PhoneNumber;
use serde_json::{Value, json};

use crate::State;
use crate::api::internal;
use crate::candidates_api::{coordinator, json_body, unprocessable};
use crate::coordinators::Coordinator;
use crate::listen::client_ip;
use crate::reminders::Due;

/// The frequencies a département may set, in months.
pub const FREQUENCIES: std::ops::RangeInclusive<u32> = 1..=24;

/// The CSV's columns, in French like the other downloads.
const COLUMNS: [&str; 8] = ["id", "nom", "commune", "etat", "courriel", "telephone", "derniere_relance", "frequence_mois"];

async fn due_for(state: &State, coordinator: &Coordinator) -> Result<Vec<Due>, Response> {
    let places = state.db.due_places(chrono::Utc::now().date_naive()).await.map_err(|e| internal(&e.to_string()))?;
    if coordinator.epci.is_empty() {
        return Ok(places);
    }
    let (current, _) = state.db.current_places().await.map_err(|e| internal(&e))?;
    let mine = |id: &str| {
        current
            .iter()
            .find(|p| p.id == id)
            .and_then(|p| p.code_insee.as_deref())
            .and_then(crate::territory::epci_of)
            .is_some_and(|e| coordinator.epci.iter().any(|c| c == e))
    };
    Ok(places.into_iter().filter(|d| mine(&d.id)).collect())
}

fn courriel(d: &Due) -> Option<String> {
    (!d.courriels.is_empty()).then(|| d.courriels.join("; "))
}

pub async fn list(AxumState(state): AxumState<State>, request: Request) -> Response {
    let coordinator = match coordinator(&state, request.headers(), client_ip(&request), "reminders are read").await {
        Ok(c) => c,
        Err(refusal) => return refusal,
    };
    match due_for(&state, &coordinator).await {
        Ok(due) => {
            let due: Vec<Value> = due
                .iter()
                .map(|d| {
                    json!({
                        "place_id": d.id, "nom": d.nom, "commune": d.commune, "grade": d.grade.label(), "courriel": courriel(d),
                        "telephone": d.telephone, "last_reminded": d.last_reminded.map(|day| day.to_string()),
                        "frequency_months": d.frequency_months,
                    })
                })
                .collect();
            Json(json!({ "due": due })).into_response()
        }
        Err(refusal) => refusal,
    }
}

/// `relances.csv`: one row per place due, UTF-8 with a byte-order mark (so a spreadsheet opened
/// by a double click reads the accents).
pub async fn csv(AxumState(state): AxumState<State>, request: Request) -> Response {
    let coordinator = match coordinator(&state, request.headers(), client_ip(&request), "reminders are downloaded").await {
        Ok(c) => c,
        Err(refusal) => return refusal,
    };
    let due = match due_for(&state, &coordinator).await {
        Ok(due) => due,
        Err(refusal) => return refusal,
    };
    let mut writer = csv::Writer::from_writer(b"\xEF\xBB\xBF".to_vec());
    let mut rows = vec![COLUMNS.map(str::to_owned).to_vec()];
    rows.extend(due.iter().map(|d| {
        vec![
            d.id.clone(),
            d.nom.clone(),
            d.commune.clone(),
            d.grade.label().to_owned(),
            courriel(d).unwrap_or_default(),
            // As a person dials it: « 05 49 … ».
            d.telephone.as_deref().map(|t| t.parse::<PhoneNumber>().map_or_else(|_| t.to_owned(), |n| n.to_string())).unwrap_or_default(),
            d.last_reminded.map(|day| day.to_string()).unwrap_or_default(),
            d.frequency_months.to_string(),
        ]
    }));
    for row in rows {
        if let Err(e) = writer.write_record(&row) {
            return internal(&e.to_string());
        }
    }
    let bytes = match writer.into_inner() {
        Ok(bytes) => bytes,
        Err(e) => return internal(&e.to_string()),
    };
    let name = format!("attachment; filename=\"repere_relances_{}.csv\"", chrono::Utc::now().date_naive());
    let mut response = (StatusCode::OK, bytes).into_response();
    response.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("text/csv; charset=utf-8"));
    response.headers_mut().insert(header::CONTENT_DISPOSITION, HeaderValue::from_str(&name).expect("an ASCII name"));
    response
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct Frequency {
    place_id: String,
    months: i64,
}

pub async fn set_frequency(AxumState(state): AxumState<State>, request: Request) -> Response {
    let coordinator = match coordinator(&state, request.headers(), client_ip(&request), "update frequencies are set").await {
        Ok(c) => c,
        Err(refusal) => return refusal,
    };
    let f: Frequency = match json_body(request, r#"{"place_id": "…", "months": 1–24}"#).await {
        Ok(f) => f,
        Err(refusal) => return refusal,
    };
    let place = match state.db.current_place(&f.place_id).await {
        Ok(place) => place,
        Err(e) => return internal(&e.to_string()),
    };
    let mut problems = Vec::new();
    match &place {
        None => problems.push(json!({ "field": "place_id", "reason": format!("aucun lieu publié n’a l’identifiant « {} »", f.place_id) })),
        Some(current) => {
            let epci = current.place.code_insee.as_deref().and_then(crate::territory::epci_of);
            if !coordinator.epci.is_empty() && !epci.is_some_and(|e| coordinator.epci.iter().any(|c| c == e)) {
                problems.push(json!({ "field": "place_id", "reason": "hors de votre EPCI : le département le règle" }));
            }
        }
    }
    let months = u32::try_from(f.months).ok().filter(|m| FREQUENCIES.contains(m));
    if months.is_none() {
        problems.push(json!({ "field": "months", "reason": format!("{} mois ; de 1 à 24", f.months) }));
    }
    let (Some(months), true) = (months, problems.is_empty()) else {
        return unprocessable("invalid_frequency", "nothing set: see details", json!(problems));
    };
    match state.db.set_frequency(&f.place_id, months).await {
        Ok(()) => Json(json!({ "place_id": f.place_id, "frequency_months": months })).into_response(),
        Err(e) => internal(&e.to_string()),
    }
}
