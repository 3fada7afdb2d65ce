//! Consultation figures (issue #15, part 9; fiche 1-C's « statistiques de consultation »): phones
//! count sheet views, taps on « Appeler » and « Itinéraire » per place and searches per commune,
//! per day, and send them in aggregate (`POST /api/v1/consultations`, a
//! [`ConsultationsDto`]); coordinators read the sums (`GET /api/v1/consultations?du=…&au=…`).
//!
//! Nothing that identifies a person or a phone is stored: no address (the per-address throttle
//! keeps it in memory for a minute, like enrolment's), no cookie, no device id; a batch is
//! remembered by the random id the phone made for it, only to count a resend once.
//!
//! Counts for a place the registry never held, or for a code that is no commune of the Vienne,
//! are **ignored**, not refused: a phone holding an older registry may count a place removed
//! since (those ever published are kept), and refusing its batch would make it resend forever
//! or drop its other counts; ignoring unknown ids keeps a flood of invented ids from growing the
//! tables. A batch whose shape is wrong (`ConsultationsDto::check`) is 422, nothing counted.
//!
//! `GET` → `{"du", "au", "lieux": [{"id", "nom", "commune", "epci", "vues", "appels",
//! "itineraires"}], "communes": [{"code", "nom", "epci", "recherches"}], "totaux": {"vues",
//! "appels", "itineraires", "recherches"}}`, most viewed first; an EPCI coordinator sees his
//! EPCI's places and communes only (a place by its commune, as the figures' scope does).

use std::collections::{HashMap, HashSet};

use axum::Json;
use axum::extract::{Request, State as AxumState};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use chrono::NaiveDate;
use repere_protocol::upkeep::ConsultationsDto;
use serde_json::{Value, json};

use crate::State;
use crate::api::internal;
use crate::candidates_api::{coordinator, unprocessable};
use crate::db::Database;
use crate::http::error_response;
use crate::listen::client_ip;

/// Largest body accepted: a month of a busy phone's counts is a few kilobytes; a phone with
/// more sends them in several batches.
pub const MAX_BODY_BYTES: usize = 64 * 1024;

/// Days shown when `du` is not given.
const DEFAULT_DAYS: i64 = 30;

/// One place's sums.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlaceSums {
    pub id: String,
    pub vues: i64,
    pub appels: i64,
    pub itineraires: i64,
}

/// How far back a batch's days are counted, and how long its id is remembered (a phone sends
/// what it counted since its last send: two months offline is already far more than usual).
const KEPT_DAYS: u64 = 62;

impl Database {
    /// Adds a batch's counts, once per batch id (`false`: seen before, nothing added).
    pub async fn add_consultations(&self, batch: &ConsultationsDto, today: NaiveDate) -> Result<bool, sqlx::Error> {
        let known: Vec<(String,)> = sqlx::query_as("SELECT id FROM registry_places").fetch_all(&self.pool).await?;
        let known: HashSet<String> = known.into_iter().map(|(id,)| id).collect();
        let mut tx = self.begin_write().await?;
        let new = sqlx::query("INSERT INTO consultation_batches (id, received_on) VALUES ($1, $2) ON CONFLICT (id) DO NOTHING")
            .bind(&batch.id)
            .bind(today.to_string())
            .execute(&mut *tx)
            .await?;
        if new.rows_affected() == 0 {
            return Ok(false);
        }
        // A resend comes within days; ids older than the window are forgotten.
        let oldest = today - chrono::Days::new(KEPT_DAYS);
        sqlx::query("DELETE FROM consultation_batches WHERE received_on < $1").bind(oldest.to_string()).execute(&mut *tx).await?;
        // Days are stored in one spelling (`2026-01-05`, never `2026-1-5`), so sums by date range
        // find them; days outside the window (a phone's wrong clock, a forged year) are ignored,
        // so a flood cannot spread counts over thousands of days.
        let days = batch.jours.iter().filter_map(|d| {
            let day = NaiveDate::parse_from_str(d.jour.trim(), "%Y-%m-%d")
                .ok()
                .filter(|day| *day >= oldest && *day <= today + chrono::Days::new(1))?;
            Some((day.to_string(), d))
        });
        for (jour, day) in days {
            for p in day.lieux.iter().filter(|p| known.contains(&p.id) && p.vues + p.appels + p.itineraires > 0) {
                sqlx::query(
                    "INSERT INTO consultation_places (day, place_id, vues, appels, itineraires) VALUES ($1, $2, $3, $4, $5) \
                     ON CONFLICT (day, place_id) DO UPDATE SET vues = consultation_places.vues + excluded.vues, \
                     appels = consultation_places.appels + excluded.appels, itineraires = consultation_places.itineraires + excluded.itineraires",
                )
                .bind(&jour)
                .bind(&p.id)
                .bind(i64::from(p.vues))
                .bind(i64::from(p.appels))
                .bind(i64::from(p.itineraires))
                .execute(&mut *tx)
                .await?;
            }
            for c in day.communes.iter().filter(|c| crate::territory::is_commune(&c.code) && c.recherches > 0) {
                sqlx::query(
                    "INSERT INTO consultation_communes (day, code, recherches) VALUES ($1, $2, $3) \
                     ON CONFLICT (day, code) DO UPDATE SET recherches = consultation_communes.recherches + excluded.recherches",
                )
                .bind(&jour)
                .bind(&c.code)
                .bind(i64::from(c.recherches))
                .execute(&mut *tx)
                .await?;
            }
        }
        tx.commit().await?;
        Ok(true)
    }

    /// The sums per place and per commune from `du` to `au` (days included).
    pub async fn consultation_sums(&self, du: NaiveDate, au: NaiveDate) -> Result<(Vec<PlaceSums>, Vec<(String, i64)>), sqlx::Error> {
        let (du, au) = (du.to_string(), au.to_string());
        let places: Vec<(String, i64, i64, i64)> = sqlx::query_as(
            "SELECT place_id, CAST(SUM(vues) AS BIGINT), CAST(SUM(appels) AS BIGINT), CAST(SUM(itineraires) AS BIGINT) \
             FROM consultation_places WHERE day >= $1 AND day <= $2 GROUP BY place_id",
        )
        .bind(&du)
        .bind(&au)
        .fetch_all(&self.pool)
        .await?;
        let communes: Vec<(String, i64)> = sqlx::query_as(
            "SELECT code, CAST(SUM(recherches) AS BIGINT) FROM consultation_communes WHERE day >= $1 AND day <= $2 GROUP BY code",
        )
        .bind(&du)
        .bind(&au)
        .fetch_all(&self.pool)
        .await?;
        Ok((places.into_iter().map(|(id, vues, appels, itineraires)| PlaceSums { id, vues, appels, itineraires }).collect(), communes))
    }

    /// Every place ever published: its name and commune code (the last published ones).
    async fn consultation_place_names(&self) -> Result<HashMap<String, (String, Option<String>)>, sqlx::Error> {
        let rows: Vec<(String, Option<String>)> = sqlx::query_as("SELECT id, body FROM registry_places").fetch_all(&self.pool).await?;
        Ok(rows
            .into_iter()
            .map(|(id, body)| {
                let body: Value = body.and_then(|b| serde_json::from_str(&b).ok()).unwrap_or(Value::Null);
                let text = |f: &str| body[f].as_str().map(str::to_owned);
                let nom = text("nom").unwrap_or_else(|| id.clone());
                (id, (nom, text("code_insee")))
            })
            .collect())
    }
}

/// `POST /api/v1/consultations` (public).
pub async fn receive(AxumState(state): AxumState<State>, request: Request) -> Response {
    if let Err(wait) = state.throttle.consultation(client_ip(&request)) {
        let mut refusal =
            error_response(StatusCode::TOO_MANY_REQUESTS, "rate_limited", "too many batches from this address; wait a minute");
        refusal.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from(wait.as_secs().max(1)));
        return refusal;
    }
    let Ok(body) = axum::body::to_bytes(request.into_body(), MAX_BODY_BYTES).await else {
        let message = format!("a batch of counts is at most {} KiB; send fewer days at once", MAX_BODY_BYTES / 1024);
        return error_response(StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large", &message);
    };
    let batch: ConsultationsDto = match serde_json::from_slice(&body) {
        Ok(b) => b,
        Err(e) => return error_response(StatusCode::BAD_REQUEST, "malformed_json", &format!("expected {{\"id\", \"jours\": [...]}}: {e}")),
    };
    let problems = batch.check();
    if !problems.is_empty() {
        let details: Vec<Value> = problems.into_iter().map(|(field, reason)| json!({ "field": field, "reason": reason })).collect();
        return unprocessable("invalid_consultations", "nothing counted: see details", json!(details));
    }
    match state.db.add_consultations(&batch, chrono::Utc::now().date_naive()).await {
        Ok(_) => Json(json!({ "acked": batch.id })).into_response(),
        Err(e) => internal(&e.to_string()),
    }
}

/// `GET /api/v1/consultations?du=YYYY-MM-DD&au=YYYY-MM-DD` (coordinators; `au` defaults to
/// today, `du` to 30 days before `au`).
pub async fn figures(AxumState(state): AxumState<State>, request: Request) -> Response {
    let coordinator = match coordinator(&state, request.headers(), client_ip(&request), "consultation figures are read").await {
        Ok(c) => c,
        Err(refusal) => return refusal,
    };
    let (mut du, mut au) = (None, None);
    for (name, value) in form_urlencoded::parse(request.uri().query().unwrap_or("").as_bytes()) {
        let day = || value.parse::<NaiveDate>().map_err(|_| format!("{name} : « {value} » n’est pas une date AAAA-MM-JJ"));
        let read = match name.as_ref() {
            "du" => day().map(|d| du = Some(d)),
            "au" => day().map(|d| au = Some(d)),
            other => Err(format!("{other} : paramètre inconnu ; du et au sont lus")),
        };
        if let Err(message) = read {
            return error_response(StatusCode::BAD_REQUEST, "bad_filter", &message);
        }
    }
    let au = au.unwrap_or_else(|| chrono::Utc::now().date_naive());
    let du = du.unwrap_or(au - chrono::Duration::days(DEFAULT_DAYS - 1));
    if du > au {
        return error_response(StatusCode::BAD_REQUEST, "bad_filter", "du : la période commence après sa fin (au)");
    }
    let (sums, names) = match (state.db.consultation_sums(du, au).await, state.db.consultation_place_names().await) {
        (Ok(sums), Ok(names)) => (sums, names),
        (Err(e), _) | (_, Err(e)) => return internal(&e.to_string()),
    };
    let seen = |epci: Option<&str>| coordinator.epci.is_empty() || epci.is_some_and(|e| coordinator.epci.iter().any(|c| c == e));
    let mut places: Vec<(PlaceSums, String, Option<String>)> = sums
        .0
        .into_iter()
        .map(|s| {
            let (nom, code) = names.get(&s.id).cloned().unwrap_or_else(|| (s.id.clone(), None));
            (s, nom, code)
        })
        .filter(|(_, _, code)| seen(code.as_deref().and_then(crate::territory::epci_of)))
        .collect();
    places.sort_by(|a, b| (b.0.vues, &a.1).cmp(&(a.0.vues, &b.1)));
    let mut communes: Vec<(String, i64)> = sums.1.into_iter().filter(|(code, _)| seen(crate::territory::epci_of(code))).collect();
    communes.sort_by(|a, b| (b.1, &a.0).cmp(&(a.1, &b.0)));
    let total = |f: fn(&PlaceSums) -> i64| places.iter().map(|(s, _, _)| f(s)).sum::<i64>();
    let totaux = json!({
        "vues": total(|s| s.vues), "appels": total(|s| s.appels), "itineraires": total(|s| s.itineraires),
        "recherches": communes.iter().map(|(_, n)| n).sum::<i64>(),
    });
    let lieux: Vec<Value> = places
        .iter()
        .map(|(s, nom, code)| {
            json!({
                "id": s.id, "nom": nom, "commune": code.as_deref().and_then(crate::territory::commune_name),
                "epci": code.as_deref().and_then(crate::territory::epci_of),
                "vues": s.vues, "appels": s.appels, "itineraires": s.itineraires,
            })
        })
        .collect();
    let communes: Vec<Value> = communes
        .iter()
        .map(|(code, n)| {
            json!({ "code": code, "nom": crate::territory::commune_name(code), "epci": crate::territory::epci_of(code), "recherches": n })
        })
        .collect();
    Json(json!({ "du": du.to_string(), "au": au.to_string(), "lieux": lieux, "communes": communes, "totaux": totaux })).into_response()
}
