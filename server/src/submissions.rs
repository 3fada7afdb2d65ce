//! Residents' reports and mediators' proposals, received for moderation (issue #15).
//!
//! - `POST /api/v1/reports` (public, no account): at most [`MAX_REPORTS`] reports in a body of
//!   at most [`MAX_REPORTS_BODY`] bytes, counted per address by the throttle; no address is
//!   stored, the sender is « Un habitant ».
//! - Proposals travel in a mediator's push beside its contacts (`POST /api/v1/contacts`) and are
//!   stored in the contacts' transaction ([`Database::ingest_push`]): one acknowledgement covers
//!   both, so the phone's outbox treats them alike.
//!
//! Both are stored by the contacts' exactly-once rule (`repere_core::sync::decide`): an id seen
//! with the same content is acknowledged again and stored once; other content under the id is a
//! conflict, never overwritten. A proposal's values are checked when it arrives, by the rule
//! moderation publishes with (`repere_core::registry::edit`): a value the standard refuses is
//! refused at once, with its field, while the mediator can still correct it.

use std::collections::{HashMap, HashSet};

use axum::Json;
use axum::extract::{Request, State as AxumState};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use repere_core::registry::edit::{create, edit};
use repere_core::sync::{Outcome, decide};
use repere_protocol::upkeep::{MAX_REPORTS, ProposalDto, Reports};
use repere_protocol::{Ingested, MAX_BATCH, MAX_REJECTIONS, Push, Rejection, from_json};
use serde_json::json;
use uuid::Uuid;

use crate::State;
use crate::api::{internal, read_body_within, too_many};
use crate::db::{Database, now_text};
use crate::http::error_response;
use crate::listen::client_ip;

/// Largest body of `POST /api/v1/reports`: 20 reports of 500 characters fit even when every
/// character takes 4 bytes in UTF-8 (40 KB), with their fields.
pub const MAX_REPORTS_BODY: usize = 48 * 1024;
// A full batch of the longest reports (500 characters of 4 bytes each, and their fields) fits:
// a phone's valid queue is never refused for its size, which it could never shrink.
const _: () = assert!(MAX_REPORTS * (repere_protocol::upkeep::MAX_NOTE * 4 + 400) <= MAX_REPORTS_BODY);

/// Who a report comes from: nobody in particular.
pub const FROM_RESIDENT: &str = "Un habitant";

/// A record to store under its phone-made id.
pub(crate) struct Incoming {
    pub id: Uuid,
    /// `report` or `proposal`.
    pub kind: &'static str,
    pub place_id: Option<String>,
    pub version: u64,
    /// The record as received, in the protocol's JSON (what "the same content" compares).
    pub body: String,
}

/// Who sent a batch: « Un habitant », or a mediator's structure and device.
pub(crate) struct Sender<'a> {
    pub name: &'a str,
    pub structure_id: Option<i64>,
    pub device_id: Option<&'a str>,
}

impl Incoming {
    fn proposal(dto: &ProposalDto) -> Incoming {
        Incoming {
            id: Uuid::parse_str(&dto.id).expect("checked by ProposalDto::check"),
            kind: "proposal",
            place_id: dto.place_id.clone(),
            version: dto.version,
            body: serde_json::to_string(dto).expect("serialisable"),
        }
    }
}

/// What "the same content" means: the same kind, sender's structure and record. A record held
/// for another structure thus reads as other content (a conflict), and is never revealed.
fn content(kind: &str, structure_id: Option<i64>, body: &str) -> String {
    format!("{kind}\n{structure_id:?}\n{body}")
}

/// Inserts-if-absent `records` in `tx` (the caller's transaction); what was acknowledged.
pub(crate) async fn store(tx: &mut sqlx::AnyConnection, records: &[Incoming], sender: &Sender<'_>) -> Result<Ingested, sqlx::Error> {
    let mut answer = Ingested::default();
    if records.is_empty() {
        return Ok(answer);
    }
    let ids: Vec<String> = records.iter().map(|r| r.id.to_string()).collect();
    let mut held = held(&mut *tx, &ids).await?;
    let received = now_text();
    for record in records {
        let pushed = content(record.kind, sender.structure_id, &record.body);
        let mut outcome = decide(held.get(&record.id), &pushed);
        if outcome == Outcome::Stored {
            let inserted = sqlx::query(
                "INSERT INTO submissions (id, kind, place_id, version, body, sent_by, structure_id, device_id, received_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT (id) DO NOTHING",
            )
            .bind(record.id.to_string())
            .bind(record.kind)
            .bind(&record.place_id)
            .bind(record.version as i64)
            .bind(&record.body)
            .bind(sender.name)
            .bind(sender.structure_id)
            .bind(sender.device_id)
            .bind(&received)
            .execute(&mut *tx)
            .await?;
            if inserted.rows_affected() == 1 {
                answer.stored += 1;
            } else {
                // Stored by a concurrent request meanwhile: decide again against what it stored.
                held.extend(self::held(&mut *tx, &[record.id.to_string()]).await?);
                outcome = decide(held.get(&record.id), &pushed);
            }
            held.insert(record.id, pushed);
        }
        let id = record.id.to_string();
        if outcome == Outcome::Conflict { answer.conflicts.push(id) } else { answer.acked.push(id) }
    }
    Ok(answer)
}

/// The content held under `ids` (see [`content`]).
async fn held(tx: &mut sqlx::AnyConnection, ids: &[String]) -> Result<HashMap<Uuid, String>, sqlx::Error> {
    let placeholders: Vec<String> = (1..=ids.len()).map(|i| format!("${i}")).collect();
    let sql = format!("SELECT id, kind, structure_id, body FROM submissions WHERE id IN ({})", placeholders.join(", "));
    let mut select = sqlx::query_as::<_, (String, String, Option<i64>, String)>(&sql);
    for id in ids {
        select = select.bind(id);
    }
    Ok(select
        .fetch_all(&mut *tx)
        .await?
        .into_iter()
        .filter_map(|(id, kind, structure_id, body)| Some((Uuid::parse_str(&id).ok()?, content(&kind, structure_id, &body))))
        .collect())
}

/// Most residents' reports waiting for moderation, all addresses together: the per-address
/// throttle alone lets many addresses fill the queue faster than coordinators read it.
pub const MAX_PENDING_REPORTS: i64 = 2_000;

impl Database {
    /// How many residents' reports wait for moderation.
    pub(crate) async fn pending_reports(&self) -> Result<i64, sqlx::Error> {
        sqlx::query_scalar("SELECT COUNT(*) FROM submissions WHERE kind = 'report' AND status = 'pending'").fetch_one(&self.pool).await
    }

    /// Stores residents' reports (checked by the caller) exactly once.
    pub(crate) async fn ingest_reports(&self, records: &[Incoming]) -> Result<Ingested, sqlx::Error> {
        let mut tx = self.begin_write().await?;
        let answer = store(&mut tx, records, &Sender { name: FROM_RESIDENT, structure_id: None, device_id: None }).await?;
        tx.commit().await?;
        Ok(answer)
    }

    /// The problems of a push's proposals: their shape, an unknown place, and each value the
    /// standard refuses once laid over the place's current row (or, for a new place, the
    /// required fields). A proposal already held with the same content is not checked again:
    /// a resend after a lost answer is acknowledged even if the place changed meanwhile.
    pub(crate) async fn proposal_problems(&self, structure_id: i64, proposals: &[ProposalDto]) -> Result<Vec<Rejection>, sqlx::Error> {
        let mut rejections = Vec::new();
        let ids: Vec<String> = proposals.iter().filter(|p| Uuid::parse_str(&p.id).is_ok()).map(|p| p.id.clone()).collect();
        let held = if ids.is_empty() { HashMap::new() } else { held(&mut *self.pool.acquire().await?, &ids).await? };
        let today = chrono::Utc::now().date_naive();
        let registry_version = self.registry_version().await?;
        let named: HashSet<&str> = proposals.iter().filter_map(|p| p.place_id.as_deref()).collect();
        let ever_published = self.registry_ids_among(&named).await?;
        for (index, proposal) in proposals.iter().enumerate() {
            let mut problems = proposal.check();
            // Staleness is judged from the version the proposal was made at: one from the
            // future would never be stale and could overwrite newer data unseen.
            if proposal.version > registry_version {
                problems.push((
                    "version".into(),
                    format!("version {} inconnue : le registre en est à la {registry_version}", proposal.version),
                ));
            }
            let same = Uuid::parse_str(&proposal.id)
                .ok()
                .and_then(|id| held.get(&id))
                .is_some_and(|h| *h == content("proposal", Some(structure_id), &Incoming::proposal(proposal).body));
            if problems.is_empty() && !same {
                let checked = match &proposal.place_id {
                    Some(place_id) => match self.current_place(place_id).await? {
                        Some(current) => edit(&current.place, &proposal.changes, today).map(|_| ()),
                        // Removed since the mediator made it offline: stored all the same (the
                        // moderator sees « lieu retiré »); refusing it would hold back every
                        // contact of the push until the mediator found it.
                        None if ever_published.contains(place_id) => Ok(()),
                        None => {
                            problems.push(("place_id".into(), format!("« {place_id} » n’est pas un lieu du registre")));
                            Ok(())
                        }
                    },
                    None => create("nouveau-lieu", &proposal.changes, today).map(|_| ()),
                };
                problems.extend(checked.err().unwrap_or_default().into_iter().map(|p| (p.field, p.reason)));
            }
            for (field, reason) in problems {
                rejections.push(Rejection { index, id: proposal.id.clone(), field, reason });
            }
        }
        Ok(rejections)
    }
}

/// A push's proposals, read from its body (contacts are read by `read_push`), as records to store;
/// or the refusal to answer.
pub(crate) async fn read_proposals(db: &Database, structure_id: i64, body: &[u8]) -> Result<Vec<Incoming>, Response> {
    let push: Push = from_json(body).map_err(|e| error_response(StatusCode::BAD_REQUEST, "malformed_json", &e))?;
    if push.proposals.len() > MAX_BATCH {
        let message = format!("{} proposals in one push; at most {MAX_BATCH}", push.proposals.len());
        return Err(error_response(StatusCode::PAYLOAD_TOO_LARGE, "batch_too_large", &message));
    }
    let rejections = db.proposal_problems(structure_id, &push.proposals).await.map_err(|e| internal(&e.to_string()))?;
    if !rejections.is_empty() {
        let total = rejections.len();
        return Err(crate::api::invalid(&rejections.into_iter().take(MAX_REJECTIONS).collect::<Vec<_>>(), total));
    }
    Ok(push.proposals.iter().map(Incoming::proposal).collect())
}

/// An exported outbox file's proposals, checked as a push's are (`import-outbox`), or every
/// problem (the file holds at most what the phone held, so no batch limit applies).
pub(crate) async fn file_proposals(db: &Database, structure_id: i64, file: &[u8]) -> Result<Vec<Incoming>, Vec<Rejection>> {
    let push: Push = from_json(file).map_err(|e| vec![Rejection { index: 0, id: String::new(), field: "proposals".into(), reason: e }])?;
    let rejections = db
        .proposal_problems(structure_id, &push.proposals)
        .await
        .map_err(|e| vec![Rejection { index: 0, id: String::new(), field: "database".into(), reason: e.to_string() }])?;
    if rejections.is_empty() { Ok(push.proposals.iter().map(Incoming::proposal).collect()) } else { Err(rejections) }
}

/// `POST /api/v1/reports {"reports": [ReportDto]}`: answers [`Ingested`].
pub async fn post_reports(AxumState(state): AxumState<State>, request: Request) -> Response {
    if let Err(wait) = state.throttle.reports(client_ip(&request)) {
        return too_many(wait, "too many reports from this address; wait a few minutes");
    }
    let body = match read_body_within(request.into_body(), MAX_REPORTS_BODY).await {
        Ok(body) => body,
        Err(refusal) => return refusal,
    };
    let reports: Reports = match from_json(&body) {
        Ok(r) => r,
        Err(e) => return error_response(StatusCode::BAD_REQUEST, "malformed_json", &e),
    };
    if reports.reports.len() > MAX_REPORTS {
        let message = format!("{} reports in one request; at most {MAX_REPORTS}", reports.reports.len());
        return error_response(StatusCode::PAYLOAD_TOO_LARGE, "batch_too_large", &message);
    }
    let named: HashSet<&str> = reports.reports.iter().map(|r| r.place_id.as_str()).collect();
    let known = match state.db.registry_ids_among(&named).await {
        Ok(known) => known,
        Err(e) => return internal(&e.to_string()),
    };
    let mut rejections = Vec::new();
    for (index, report) in reports.reports.iter().enumerate() {
        let mut problems = report.check();
        if !report.place_id.trim().is_empty() && !known.contains(&report.place_id) {
            problems.push(("place_id".into(), format!("« {} » n’est pas un lieu du registre", report.place_id)));
        }
        rejections.extend(problems.into_iter().map(|(field, reason)| Rejection { index, id: report.id.clone(), field, reason }));
    }
    if !rejections.is_empty() {
        let body = json!({ "error": { "code": "invalid_reports", "message": format!("{} problem(s); nothing was saved", rejections.len()),
                                      "details": rejections } });
        return (StatusCode::UNPROCESSABLE_ENTITY, Json(body)).into_response();
    }
    let records: Vec<Incoming> = reports
        .reports
        .iter()
        .map(|r| Incoming {
            id: Uuid::parse_str(&r.id).expect("checked by ReportDto::check"),
            kind: "report",
            place_id: Some(r.place_id.clone()),
            version: r.version,
            body: serde_json::to_string(r).expect("serialisable"),
        })
        .collect();
    match state.db.pending_reports().await {
        Ok(n) if n >= MAX_PENDING_REPORTS => {
            // The phone keeps its reports and sends them again later (Retry-After).
            let mut refusal = error_response(
                StatusCode::SERVICE_UNAVAILABLE,
                "queue_full",
                &format!("{n} reports wait for moderation; send again in an hour"),
            );
            refusal.headers_mut().insert(axum::http::header::RETRY_AFTER, axum::http::HeaderValue::from(3600));
            return refusal;
        }
        Ok(_) => {}
        Err(e) => return internal(&e.to_string()),
    }
    match state.db.ingest_reports(&records).await {
        Ok(ingested) => Json(ingested).into_response(),
        Err(e) => internal(&e.to_string()),
    }
}
