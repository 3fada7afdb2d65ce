//! Likely duplicates among published places (issue #15, part 6), reviewed by coordinators:
//! `GET /api/v1/duplicates` lists the core's likely pairs (`repere_core::duplicates`, two signals
//! or more) minus those decided; `POST /api/v1/duplicates` decides one pair.
//!
//! - `merge` (`keep`: the id kept): the other place is removed as a new registry version, and
//!   its id (with those it had absorbed) recorded in the kept place's `x_ids_fusionnes`, both in
//!   that version and logged in `place_updates` as the département's update.
//! - `apart`: the pair is never flagged again.
//!
//! Both are remembered (`duplicate_decisions`) across imports: `publish-registry` drops a
//! merged-away id from its file (and says so) and records it again in the kept place
//! ([`Database::honour_merges`]); an apart pair stays unflagged whatever the file says.
//!
//! `GET` → `{"pairs": [{"a": {"id", "nom", "commune", "telephone", "adresse"}, "b": {…},
//! "signals": ["telephone", "adresse", "nom"]}]}`; `POST` `{"a", "b", "decision": "merge",
//! "keep": "…"}` or `{"a", "b", "decision": "apart"}` → `{"decision", "version"}`.

use std::collections::HashSet;

use axum::Json;
use axum::extract::{Request, State as AxumState};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use repere_core::duplicates::{Reason, pair_key, suspects};
use repere_core::registry::{Itinerance, Place, device_places};
use serde_json::{Value, json};

use crate::State;
use crate::api::internal;
use crate::candidates_api::{coordinator, json_body, unprocessable};
use crate::db::{Database, now_text};
use crate::http::error_response;
use crate::listen::client_ip;

/// A decision remembered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Remembered {
    pub a: String,
    pub b: String,
    pub decision: String,
    pub kept: Option<String>,
}

impl Remembered {
    /// The id a merge removed.
    pub fn merged_away(&self) -> Option<&str> {
        let kept = self.kept.as_deref()?;
        (self.decision == "merge").then(|| if kept == self.a { self.b.as_str() } else { self.a.as_str() })
    }
}

impl Database {
    pub async fn duplicate_decisions(&self) -> Result<Vec<Remembered>, sqlx::Error> {
        let rows: Vec<(String, String, String, Option<String>)> =
            sqlx::query_as("SELECT a, b, decision, kept FROM duplicate_decisions ORDER BY a, b").fetch_all(&self.pool).await?;
        Ok(rows.into_iter().map(|(a, b, decision, kept)| Remembered { a, b, decision, kept }).collect())
    }

    /// Records that the pair is two places.
    pub async fn keep_apart(&self, a: &str, b: &str, by: &str) -> Result<(), sqlx::Error> {
        let (a, b) = pair_key(a, b);
        sqlx::query(
            "INSERT INTO duplicate_decisions (a, b, decision, kept, decided_at, decided_by) VALUES ($1, $2, 'apart', NULL, $3, $4) \
             ON CONFLICT (a, b) DO NOTHING",
        )
        .bind(a)
        .bind(b)
        .bind(now_text())
        .bind(by)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Merges `remove` into `keep` as one new version (see the module's doc); `None` when either
    /// is no longer published as the caller read it, or another publication took the version
    /// meanwhile.
    pub async fn merge_places(&self, keep: &Place, remove: &Place, by: &str) -> Result<Option<u64>, sqlx::Error> {
        let mut kept = keep.clone();
        for id in std::iter::once(&remove.id).chain(&remove.merged_ids) {
            if !kept.merged_ids.contains(id) && *id != kept.id {
                kept.merged_ids.push(id.clone());
            }
        }
        // The removed place's tour goes with it to the kept one (same stop ids, so the figures
        // per stop go on), which then travels too.
        for stop in &remove.arrets {
            if !kept.arrets.iter().any(|s| s.id == stop.id) {
                kept.arrets.push(stop.clone());
            }
        }
        if !remove.arrets.is_empty() {
            kept.itinerance.insert(Itinerance::Itinerant);
        }
        let mut tx = self.begin_write().await?;
        let held: Vec<(String, String)> = sqlx::query_as("SELECT id, body FROM registry_places WHERE id IN ($1, $2) AND body IS NOT NULL")
            .bind(&keep.id)
            .bind(&remove.id)
            .fetch_all(&mut *tx)
            .await?;
        // Both as the coordinator saw them: a change published meanwhile (a place's own update,
        // a moderation) is never overwritten by the merge.
        let as_seen = |place: &Place| {
            held.iter().any(|(id, stored)| {
                *id == place.id
                    && serde_json::from_str::<Value>(stored).ok().as_ref() == Some(&device_places(std::slice::from_ref(place))[0])
            })
        };
        if held.len() != 2 || !as_seen(keep) || !as_seen(remove) {
            return Ok(None);
        }
        let Some(version) = crate::registry::take_next_version(&mut tx).await? else { return Ok(None) };
        let old = |id: &str| held.iter().find(|(i, _)| i == id).map(|(_, b)| b.clone()).unwrap_or_default();
        let body = device_places(std::slice::from_ref(&kept))[0].to_string();
        sqlx::query("UPDATE registry_places SET body = $1, version = $2 WHERE id = $3")
            .bind(&body)
            .bind(version)
            .bind(&kept.id)
            .execute(&mut *tx)
            .await?;
        sqlx::query("UPDATE registry_places SET body = NULL, version = $1 WHERE id = $2")
            .bind(version)
            .bind(&remove.id)
            .execute(&mut *tx)
            .await?;
        sqlx::query("UPDATE stops SET place_id = $1, version = $2 WHERE place_id = $3")
            .bind(&kept.id)
            .bind(version)
            .bind(&remove.id)
            .execute(&mut *tx)
            .await?;
        let now = now_text();
        let logs = [
            (&kept.id, "change", crate::registry::field_changes(Some(&old(&kept.id)), Some(&body))),
            (&remove.id, "removal", crate::registry::field_changes(Some(&old(&remove.id)), None)),
        ];
        for (id, kind, changes) in logs {
            sqlx::query(
                "INSERT INTO place_updates (place_id, made_at, kind, made_by, changes, version, reviewed, decided_by) \
                 VALUES ($1, $2, $3, 'departement', $4, $5, TRUE, $6)",
            )
            .bind(id)
            .bind(&now)
            .bind(kind)
            .bind(changes.to_string())
            .bind(version)
            .bind(by)
            .execute(&mut *tx)
            .await?;
        }
        let places: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM registry_places WHERE body IS NOT NULL").fetch_one(&mut *tx).await?;
        sqlx::query("UPDATE registry_versions SET places = $1 WHERE version = $2").bind(places).bind(version).execute(&mut *tx).await?;
        let (a, b) = pair_key(&kept.id, &remove.id);
        sqlx::query(
            "INSERT INTO duplicate_decisions (a, b, decision, kept, decided_at, decided_by) VALUES ($1, $2, 'merge', $3, $4, $5) \
             ON CONFLICT (a, b) DO UPDATE SET decision = 'merge', kept = excluded.kept, decided_at = excluded.decided_at, decided_by = excluded.decided_by",
        )
        .bind(a)
        .bind(b)
        .bind(&kept.id)
        .bind(&now)
        .bind(by)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(Some(version as u64))
    }

    /// A registry file as the merges decided want it: the merged-away places dropped (their ids,
    /// returned, for the command to say so) and recorded in the kept places' `x_ids_fusionnes`.
    pub async fn honour_merges(&self, places: Vec<Place>) -> Result<(Vec<Place>, Vec<String>), sqlx::Error> {
        let merges: Vec<(String, String)> =
            self.duplicate_decisions().await?.into_iter().filter_map(|d| Some((d.merged_away()?.to_owned(), d.kept.clone()?))).collect();
        let away: HashSet<&str> = merges.iter().map(|(gone, _)| gone.as_str()).collect();
        let (kept, dropped): (Vec<Place>, Vec<Place>) = places.into_iter().partition(|p| !away.contains(p.id.as_str()));
        let kept = kept
            .into_iter()
            .map(|mut place| {
                for (gone, into) in &merges {
                    if *into == place.id && !place.merged_ids.contains(gone) {
                        place.merged_ids.push(gone.clone());
                    }
                }
                place
            })
            .collect();
        Ok((kept, dropped.into_iter().map(|p| p.id).collect()))
    }
}

fn signal(reason: Reason) -> &'static str {
    match reason {
        Reason::SamePhone => "telephone",
        Reason::SameAddress => "adresse",
        Reason::AlikeNames => "nom",
    }
}

fn summary(p: &Place) -> Value {
    json!({ "id": p.id, "nom": p.nom, "commune": p.commune, "telephone": p.telephone, "adresse": p.adresse })
}

fn in_scope(place: &Place, scope: &[String]) -> bool {
    scope.is_empty() || place.code_insee.as_deref().and_then(crate::territory::epci_of).is_some_and(|e| scope.iter().any(|s| s == e))
}

pub async fn list(AxumState(state): AxumState<State>, request: Request) -> Response {
    let coordinator = match coordinator(&state, request.headers(), client_ip(&request), "likely duplicates are reviewed").await {
        Ok(c) => c,
        Err(refusal) => return refusal,
    };
    let (places, decisions) = match (state.db.current_places().await, state.db.duplicate_decisions().await) {
        (Ok((places, _)), Ok(decisions)) => (places, decisions),
        (Err(e), _) => return internal(&e),
        (_, Err(e)) => return internal(&e.to_string()),
    };
    let decided: HashSet<(String, String)> = decisions.into_iter().map(|d| (d.a, d.b)).collect();
    let pairs: Vec<Value> = suspects(&places, &repere_core::text::UNICODE, &decided)
        .into_iter()
        .filter(|s| s.likely())
        .filter(|s| in_scope(&places[s.a], &coordinator.epci) || in_scope(&places[s.b], &coordinator.epci))
        .map(|s| json!({ "a": summary(&places[s.a]), "b": summary(&places[s.b]), "signals": s.reasons.iter().map(|r| signal(*r)).collect::<Vec<_>>() }))
        .collect();
    Json(json!({ "pairs": pairs })).into_response()
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct PairDecision {
    a: String,
    b: String,
    decision: String,
    #[serde(default)]
    keep: Option<String>,
}

pub async fn decide(AxumState(state): AxumState<State>, request: Request) -> Response {
    let coordinator = match coordinator(&state, request.headers(), client_ip(&request), "likely duplicates are decided").await {
        Ok(c) => c,
        Err(refusal) => return refusal,
    };
    let d: PairDecision = match json_body(request, r#"{"a", "b", "decision": "merge"|"apart", "keep"?}"#).await {
        Ok(d) => d,
        Err(refusal) => return refusal,
    };
    let places = match state.db.current_places().await {
        Ok((places, _)) => places,
        Err(e) => return internal(&e),
    };
    let find = |id: &str| places.iter().find(|p| p.id == id);
    let mut problems = Vec::new();
    for (field, id) in [("a", &d.a), ("b", &d.b)] {
        match find(id) {
            None => problems.push(json!({ "field": field, "reason": format!("aucun lieu publié n’a l’identifiant « {id} »") })),
            Some(p) if !in_scope(p, &coordinator.epci) => {
                problems.push(json!({ "field": field, "reason": "hors de votre EPCI : le département en décide" }))
            }
            Some(_) => {}
        }
    }
    if d.a == d.b {
        problems.push(json!({ "field": "b", "reason": "un lieu n’est pas le doublon de lui-même" }));
    }
    let keep = d.keep.as_deref();
    match (d.decision.as_str(), keep) {
        ("merge", Some(k)) if k == d.a || k == d.b => {}
        ("merge", _) => problems.push(json!({ "field": "keep", "reason": "dites lequel des deux garder (a ou b)" })),
        ("apart", None) => {}
        ("apart", Some(_)) => problems.push(json!({ "field": "keep", "reason": "rien à garder : les deux lieux restent" })),
        (other, _) => problems.push(json!({ "field": "decision", "reason": format!("« {other} » : merge ou apart") })),
    }
    if !problems.is_empty() {
        return unprocessable("invalid_decision", "nothing decided: see details", json!(problems));
    }
    let by = coordinator.label.as_str();
    if d.decision == "apart" {
        return match state.db.keep_apart(&d.a, &d.b, by).await {
            Ok(()) => Json(json!({ "decision": "apart", "version": state.db.registry_version().await.unwrap_or(0) })).into_response(),
            Err(e) => internal(&e.to_string()),
        };
    }
    let (kept, other) = if keep == Some(d.a.as_str()) { (&d.a, &d.b) } else { (&d.b, &d.a) };
    let (kept, other) = (find(kept).expect("checked above"), find(other).expect("checked above"));
    match state.db.merge_places(kept, other, by).await {
        Ok(Some(version)) => {
            tracing::info!(version, kept = %kept.id, removed = %other.id, "duplicate places merged");
            Json(json!({ "decision": "merge", "version": version })).into_response()
        }
        Ok(None) => error_response(StatusCode::CONFLICT, "stale", "one of the places changed meanwhile; reload the pairs"),
        Err(e) => internal(&e.to_string()),
    }
}
