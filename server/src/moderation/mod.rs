//! Moderation of the registry (issue #15): the queue of residents' reports, mediators' proposals
//! and the places' own updates, shown field by field against the current version; decisions
//! ([`decide`]), published together as one registry version; the audit of every update, and undo.
//!
//! A proposal is made from the registry version the phone held. A field changed since (the
//! updates' log holds a change to it at a later version, `registry::edit::stale_fields`) is
//! *stale*: it is shown with the value the mediator saw, the proposed one and the current one,
//! and is accepted only with a value the moderator gives, so newer data is never overwritten
//! unseen. A place's own update is already published (DORA's rule): accepting it marks it
//! reviewed, rejecting it republishes the previous values.
//!
//! An EPCI coordinator sees and decides only the items whose place lies in its EPCI (by the
//! place's `code_insee`; for a new place, the proposed `code_insee`; a new place without one is
//! the département's).

pub mod decide;
pub mod undo;

use std::collections::{BTreeMap, BTreeSet, HashMap};

use repere_core::registry::edit::{Logged, field_label, stale_fields, standard_text};
use repere_core::registry::{Place, read_device_rows};
use repere_protocol::upkeep::{Motif, ProposalDto, ReportDto};
use serde::Serialize;
use serde_json::Value;
use sqlx::AnyConnection;

use crate::coordinators::Coordinator;
use crate::db::Database;

/// `made_by` of a place's own update (through its link).
pub const BY_PLACE: &str = "place";
/// Who the queue says a place's own update comes from.
const FROM_PLACE: &str = "Le lieu lui-même";

/// One field of an item, in the standard's text form (`None`: empty).
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct ChangeDto {
    pub field: String,
    pub label: String,
    /// The value when the item was made (what the proposer saw).
    pub old: Option<String>,
    pub new: Option<String>,
    /// The value published now.
    pub current: Option<String>,
    /// Changed since the item was made: accepted only with a value the moderator gives.
    pub stale: bool,
}

/// An item of the queue (`GET /api/v1/moderation`).
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct ItemDto {
    /// The submission's UUID, or a place's own update's number as text.
    pub id: String,
    /// `report`, `proposal`, `new_place` or `place_update`.
    pub kind: &'static str,
    pub place_id: Option<String>,
    pub place_name: String,
    pub commune: String,
    pub received_at: String,
    pub from: String,
    pub motif: Option<Motif>,
    pub texte: Option<String>,
    pub note: Option<String>,
    /// Already published (a place's own update), to review.
    pub published: bool,
    pub changes: Vec<ChangeDto>,
}

/// What a pending item is.
#[derive(Clone, Debug)]
pub(crate) enum Pending {
    Report(ReportDto),
    Proposal(ProposalDto),
    /// A place's own update: its log line's number and its changes.
    PlaceUpdate {
        update_id: i64,
        changes: Value,
    },
}

/// A pending item as stored.
#[derive(Clone, Debug)]
pub(crate) struct Stored {
    pub id: String,
    pub pending: Pending,
    pub place_id: Option<String>,
    /// The registry version it was made from (for a place's update: the one it produced).
    pub version: u64,
    pub received_at: String,
    pub from: String,
}

impl Stored {
    pub(crate) fn kind(&self) -> &'static str {
        match &self.pending {
            Pending::Report(_) => "report",
            Pending::Proposal(p) if p.place_id.is_none() => "new_place",
            Pending::Proposal(_) => "proposal",
            Pending::PlaceUpdate { .. } => "place_update",
        }
    }
}

/// A log value (the standard's text, or a device body's number or flag) as text.
pub(crate) fn text(value: Option<&Value>) -> Option<String> {
    match value? {
        Value::Null => None,
        Value::String(s) if s.is_empty() => None,
        Value::String(s) => Some(s.clone()),
        other => Some(other.to_string()),
    }
}

/// Every pending item, oldest first.
pub(crate) async fn pending(conn: &mut AnyConnection) -> Result<Vec<Stored>, sqlx::Error> {
    type Row = (String, String, Option<String>, i64, String, String, String);
    let rows: Vec<Row> = sqlx::query_as(
        "SELECT id, kind, place_id, version, body, sent_by, received_at FROM submissions WHERE status = 'pending' ORDER BY received_at, id",
    )
    .fetch_all(&mut *conn)
    .await?;
    let mut items: Vec<Stored> = rows
        .into_iter()
        .filter_map(|(id, kind, place_id, version, body, from, received_at)| {
            let pending = if kind == "report" {
                Pending::Report(serde_json::from_str(&body).ok()?)
            } else {
                Pending::Proposal(serde_json::from_str(&body).ok()?)
            };
            Some(Stored { id, pending, place_id, version: version as u64, received_at, from })
        })
        .collect();
    let updates: Vec<(i64, String, String, String, i64)> = sqlx::query_as(
        "SELECT id, place_id, made_at, changes, version FROM place_updates \
         WHERE made_by = $1 AND kind = 'change' AND NOT reviewed ORDER BY made_at, id",
    )
    .bind(BY_PLACE)
    .fetch_all(&mut *conn)
    .await?;
    items.extend(updates.into_iter().map(|(update_id, place_id, made_at, changes, version)| Stored {
        id: update_id.to_string(),
        pending: Pending::PlaceUpdate { update_id, changes: serde_json::from_str(&changes).unwrap_or(Value::Null) },
        place_id: Some(place_id),
        version: version as u64,
        received_at: made_at,
        from: FROM_PLACE.to_owned(),
    }));
    items.sort_by(|a, b| a.received_at.cmp(&b.received_at));
    Ok(items)
}

/// A place as published now (`None` when removed or unknown), with the version that last changed it.
pub(crate) async fn current(conn: &mut AnyConnection, place_id: &str) -> Result<Option<(Place, i64)>, sqlx::Error> {
    let row: Option<(Option<String>, i64)> =
        sqlx::query_as("SELECT body, version FROM registry_places WHERE id = $1").bind(place_id).fetch_optional(&mut *conn).await?;
    Ok(row.and_then(|(body, version)| {
        let value: Value = serde_json::from_str(&body?).ok()?;
        Some((read_device_rows(&[value]).places.pop()?, version))
    }))
}

/// A place's updates' log: each line's version and fields changed, with the changes themselves.
pub(crate) type Log = Vec<(Logged, Value)>;

/// The updates' log of a place, oldest first.
pub(crate) async fn log(conn: &mut AnyConnection, place_id: &str) -> Result<Log, sqlx::Error> {
    let rows: Vec<(i64, String)> = sqlx::query_as("SELECT version, changes FROM place_updates WHERE place_id = $1 ORDER BY version, id")
        .bind(place_id)
        .fetch_all(&mut *conn)
        .await?;
    Ok(rows
        .into_iter()
        .map(|(version, changes)| {
            let changes: Value = serde_json::from_str(&changes).unwrap_or(Value::Null);
            let fields = changes.as_object().map(|o| o.keys().cloned().collect()).unwrap_or_default();
            (Logged { version: version as u64, fields }, changes)
        })
        .collect())
}

/// Whether `coordinator` may see and decide an item about `place` (or a new place at `code_insee`).
pub(crate) fn in_scope(coordinator: &Coordinator, code_insee: Option<&str>) -> bool {
    coordinator.epci.is_empty()
        || code_insee.and_then(crate::territory::epci_of).is_some_and(|epci| coordinator.epci.iter().any(|c| c == epci))
}

/// The item as the queue shows it, against the current place and its log.
pub(crate) fn item(stored: &Stored, current: Option<&Place>, log: &[(Logged, Value)]) -> ItemDto {
    let now = current.map(standard_text).unwrap_or_default();
    let change = |field: &str, old: Option<String>, new: Option<String>, stale: bool| ChangeDto {
        field: field.to_owned(),
        label: field_label(field).unwrap_or(field).to_owned(),
        old,
        new,
        current: now.get(field).cloned(),
        stale,
    };
    let (mut motif, mut texte, mut note, mut changes) = (None, None, None, Vec::new());
    match &stored.pending {
        Pending::Report(r) => {
            motif = Some(r.motif);
            texte = Some(r.texte.clone()).filter(|t| !t.is_empty());
        }
        Pending::Proposal(p) => {
            note = Some(p.note.clone()).filter(|n| !n.is_empty());
            let logged: Vec<Logged> = log.iter().map(|(l, _)| l.clone()).collect();
            let stale =
                if current.is_some() { stale_fields(p.changes.keys().map(String::as_str), p.version, &logged) } else { BTreeSet::new() };
            for (field, value) in &p.changes {
                // What the proposer saw: the value before the first change after its version.
                let seen =
                    log.iter().find(|(l, _)| l.version > p.version && l.fields.contains(field)).map(|(_, c)| text(c[field].get("old")));
                let old = if current.is_some() { seen.unwrap_or_else(|| now.get(field).cloned()) } else { None };
                let new = Some(value.trim().to_owned()).filter(|v| !v.is_empty());
                changes.push(change(field, old, new, stale.contains(field)));
            }
        }
        Pending::PlaceUpdate { changes: logged, .. } => {
            for (field, c) in logged.as_object().into_iter().flatten() {
                let new = text(c.get("new"));
                let stale = now.get(field) != new.as_ref();
                changes.push(change(field, text(c.get("old")), new, stale));
            }
        }
    }
    let proposed = |f: &str| match &stored.pending {
        Pending::Proposal(p) => p.changes.get(f).cloned().unwrap_or_default(),
        _ => String::new(),
    };
    ItemDto {
        id: stored.id.clone(),
        kind: stored.kind(),
        place_id: stored.place_id.clone(),
        place_name: current.map_or_else(|| proposed("nom"), |p| p.nom.clone()),
        commune: current.map_or_else(|| proposed("commune"), |p| p.commune.clone()),
        received_at: stored.received_at.clone(),
        from: stored.from.clone(),
        motif,
        texte,
        note,
        published: matches!(stored.pending, Pending::PlaceUpdate { .. }),
        changes,
    }
}

/// The EPCI code of an item: its place's, or the new place's proposed `code_insee`.
pub(crate) fn code_insee_of(stored: &Stored, current: Option<&Place>) -> Option<String> {
    match (&stored.pending, current) {
        (_, Some(place)) => place.code_insee.clone(),
        (Pending::Proposal(p), None) => p.changes.get("code_insee").cloned(),
        _ => None,
    }
}

impl Database {
    /// The queue `coordinator` sees: pending items in its scope, oldest first, and the registry
    /// version they are shown against.
    pub async fn moderation_queue(&self, coordinator: &Coordinator) -> Result<(u64, Vec<ItemDto>), sqlx::Error> {
        let mut conn = self.pool.acquire().await?;
        let items = pending(&mut conn).await?;
        let mut places: HashMap<String, (Option<Place>, Log)> = HashMap::new();
        let mut shown = Vec::new();
        for stored in &items {
            if let Some(id) = &stored.place_id
                && !places.contains_key(id)
            {
                let place = current(&mut conn, id).await?.map(|(p, _)| p);
                places.insert(id.clone(), (place, log(&mut conn, id).await?));
            }
            let (place, log) = stored.place_id.as_ref().map(|id| &places[id]).map_or((None, &[][..]), |(p, l)| (p.as_ref(), &l[..]));
            if in_scope(coordinator, code_insee_of(stored, place).as_deref()) {
                shown.push(item(stored, place, log));
            }
        }
        drop(conn);
        Ok((self.registry_version().await?, shown))
    }
}

/// An audit line (`GET /api/v1/moderation/audit`).
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct AuditDto {
    pub id: i64,
    pub place_id: String,
    pub place_name: String,
    pub made_at: String,
    pub kind: String,
    pub made_by: String,
    pub decided_by: Option<String>,
    pub submission_id: Option<String>,
    pub changes: Value,
    pub version: u64,
    pub reviewed: bool,
    pub undone: bool,
    pub reason: Option<String>,
}

/// Lines read for an EPCI coordinator's audit, before keeping those of its EPCI.
const AUDIT_SCAN: i64 = 5_000;

impl Database {
    /// The newest `limit` lines of the updates' log that `coordinator` may see, newest first.
    pub async fn moderation_audit(&self, coordinator: &Coordinator, limit: usize) -> Result<Vec<AuditDto>, sqlx::Error> {
        type Row = (i64, String, String, String, String, Option<String>, Option<String>, String, i64, String, String, Option<String>);
        let scan = if coordinator.epci.is_empty() { limit as i64 } else { AUDIT_SCAN };
        let rows: Vec<Row> = sqlx::query_as(
            "SELECT id, place_id, made_at, kind, made_by, decided_by, submission_id, changes, version, \
             CASE WHEN reviewed THEN 'yes' ELSE 'no' END, CASE WHEN undone THEN 'yes' ELSE 'no' END, reason \
             FROM place_updates ORDER BY id DESC LIMIT $1",
        )
        .bind(scan)
        .fetch_all(&self.pool)
        .await?;
        let mut conn = self.pool.acquire().await?;
        let mut places: BTreeMap<String, Option<Place>> = BTreeMap::new();
        let mut lines = Vec::new();
        for (id, place_id, made_at, kind, made_by, decided_by, submission_id, changes, version, reviewed, undone, reason) in rows {
            if lines.len() == limit {
                break;
            }
            if !places.contains_key(&place_id) {
                places.insert(place_id.clone(), current(&mut conn, &place_id).await?.map(|(p, _)| p));
            }
            let changes: Value = serde_json::from_str(&changes).unwrap_or(Value::Null);
            let place = places[&place_id].as_ref();
            // A removed place is named and placed by its last values, which the removal logged.
            let logged = |field: &str| {
                text(changes.get(field).and_then(|c| c.get("old"))).or_else(|| text(changes.get(field).and_then(|c| c.get("new"))))
            };
            let code_insee = place.and_then(|p| p.code_insee.clone()).or_else(|| logged("code_insee"));
            if !in_scope(coordinator, code_insee.as_deref()) {
                continue;
            }
            let place_name = place.map(|p| p.nom.clone()).or_else(|| logged("nom")).unwrap_or_else(|| place_id.clone());
            lines.push(AuditDto {
                id,
                place_id,
                place_name,
                made_at,
                kind,
                made_by,
                decided_by,
                submission_id,
                changes,
                version: version as u64,
                reviewed: reviewed == "yes",
                undone: undone == "yes",
                reason,
            });
        }
        Ok(lines)
    }
}
