//! Decisions on the queue: every decision of a request in one transaction, the places
//! they change published as ONE registry version (phones get it through the usual delta), each
//! decision logged in `place_updates` with who decided and which submission it came from.
//! Any problem refuses the whole request with every problem, and nothing is written.

use std::collections::{BTreeMap, HashMap, HashSet};

use repere_core::registry::edit::{Problem, create, edit, stale_fields, standard_text};
use repere_core::registry::{Place, device_places};
use serde::{Deserialize, Serialize};
use sqlx::AnyConnection;

use super::undo::restore;
use super::{Pending, Stored, code_insee_of, current, in_scope, log, pending};
use crate::coordinators::Coordinator;
use crate::db::{Database, now_text};
use crate::registry::{field_changes, take_next_version};

/// Most decisions in one request (a long session's queue).
pub const MAX_DECISIONS: usize = 200;
/// `made_by` of a change the coordination made (a report acted on, an undo).
pub(super) const BY_COORDINATION: &str = "coordination";
/// `made_by` of a mediator's proposal once accepted.
const BY_MEDIATION: &str = "mediation";

#[derive(Clone, Copy, Debug, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum Action {
    Accept,
    Reject,
}

/// One decision of `POST /api/v1/moderation`.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Decision {
    pub id: String,
    pub action: Action,
    /// Values the moderator gives (edited, or for a report), over the proposal's.
    #[serde(default)]
    pub changes: BTreeMap<String, String>,
    /// Accept a closure: the place is removed.
    #[serde(default)]
    pub remove: bool,
    #[serde(default)]
    pub reason: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Decisions {
    pub decisions: Vec<Decision>,
}

/// A refused decision's problem.
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct Detail {
    pub id: String,
    pub field: String,
    pub reason: String,
}

#[derive(Debug, Serialize, PartialEq, Eq)]
pub struct Decided {
    pub version: u64,
    pub accepted: usize,
    pub rejected: usize,
}

#[derive(Debug)]
pub enum DecideError {
    /// Every problem; nothing written.
    Invalid(Vec<Detail>),
    /// A place changed, or an item was decided, by another request meanwhile: nothing written.
    Conflict,
    Database(sqlx::Error),
}

impl From<sqlx::Error> for DecideError {
    fn from(e: sqlx::Error) -> Self {
        DecideError::Database(e)
    }
}

/// The id the registry gives a new place: made from its proposal's UUID, so it is unique and the
/// same however often the decision is retried.
pub fn new_place_id(submission: &str) -> String {
    format!("repere-{submission}")
}

/// A place as the request's decisions leave it.
struct Working {
    /// The stored version when read (`None`: a new place), to write only over that version.
    read_version: Option<i64>,
    place: Option<Place>,
    /// Fields set by earlier decisions of the request: a later one may not overwrite them unseen.
    touched: HashSet<String>,
}

/// One line of the log to write: a decision that changed a place.
struct Step {
    place_id: String,
    kind: &'static str,
    made_by: &'static str,
    submission_id: Option<String>,
    before: Option<String>,
    after: Option<String>,
}

pub(super) fn body(place: &Place) -> String {
    device_places(std::slice::from_ref(place))[0].to_string()
}

fn detail(id: &str, field: &str, reason: impl Into<String>) -> Detail {
    Detail { id: id.to_owned(), field: field.to_owned(), reason: reason.into() }
}

fn problems(id: &str, problems: Vec<Problem>) -> impl Iterator<Item = Detail> + '_ {
    problems.into_iter().map(move |p| detail(id, &p.field, p.reason))
}

impl Database {
    /// Applies `decisions` by `coordinator`, all or nothing (see the module).
    pub async fn moderate(&self, coordinator: &Coordinator, decisions: &[Decision]) -> Result<Decided, DecideError> {
        let today = chrono::Utc::now().date_naive();
        let mut tx = self.begin_write().await?;
        let items: HashMap<String, Stored> = pending(&mut tx).await?.into_iter().map(|s| (s.id.clone(), s)).collect();
        let mut places: HashMap<String, Working> = HashMap::new();
        let mut details = Vec::new();
        let mut steps = Vec::new();
        // (submission id, status, reason, published)
        let mut settled: Vec<(String, &'static str, Option<String>, bool)> = Vec::new();
        // (update id, undone, reason)
        let mut reviewed: Vec<(i64, bool, Option<String>)> = Vec::new();
        let mut seen = HashSet::new();
        for decision in decisions {
            let id = decision.id.as_str();
            let Some(stored) = items.get(id).filter(|_| seen.insert(id)) else {
                details.push(detail(id, "id", "inconnu, déjà traité ou en double"));
                continue;
            };
            let reason = decision.reason.as_deref().map(str::trim).filter(|r| !r.is_empty()).map(str::to_owned);
            if decision.action == Action::Reject && reason.is_none() {
                details.push(detail(id, "reason", "donnez le motif du refus"));
                continue;
            }
            let place_id = match &stored.pending {
                Pending::Proposal(p) if p.place_id.is_none() => new_place_id(id),
                _ => stored.place_id.clone().unwrap_or_default(),
            };
            if !places.contains_key(&place_id) {
                let read = current(&mut tx, &place_id).await?;
                let working =
                    Working { read_version: read.as_ref().map(|(_, v)| *v), place: read.map(|(p, _)| p), touched: HashSet::new() };
                places.insert(place_id.clone(), working);
            }
            let working = places.get_mut(&place_id).expect("inserted above");
            if !in_scope(coordinator, code_insee_of(stored, working.place.as_ref()).as_deref()) {
                details.push(detail(id, "id", "hors de votre territoire"));
                continue;
            }
            let before = working.place.as_ref().map(body);
            match (&stored.pending, decision.action) {
                // Already published: accepted as it is, or taken back; values or a removal given
                // with it would be silently dropped, so they are refused.
                (Pending::PlaceUpdate { .. }, _) if !decision.changes.is_empty() || decision.remove => {
                    details.push(detail(
                        id,
                        "changes",
                        "déjà publié par le lieu : acceptez-le tel quel ou refusez-le, puis proposez votre correction",
                    ));
                }
                (Pending::PlaceUpdate { update_id, .. }, Action::Accept) => reviewed.push((*update_id, false, None)),
                (Pending::PlaceUpdate { update_id, changes }, Action::Reject) => match restore(working.place.as_ref(), changes, today) {
                    Ok(place) => {
                        let kind = if place.is_some() { "change" } else { "removal" };
                        working.place = place;
                        let after = working.place.as_ref().map(body);
                        steps.push(Step { place_id, kind, made_by: BY_COORDINATION, submission_id: None, before, after });
                        reviewed.push((*update_id, true, reason));
                    }
                    Err(p) => details.extend(problems(id, p)),
                },
                (_, Action::Reject) => settled.push((id.to_owned(), "rejected", reason, false)),
                (pending, Action::Accept) => {
                    let proposed = match pending {
                        Pending::Proposal(p) => p.changes.clone(),
                        _ => BTreeMap::new(),
                    };
                    let made_by = if matches!(pending, Pending::Proposal(_)) { BY_MEDIATION } else { BY_COORDINATION };
                    let mut values = proposed.clone();
                    values.extend(decision.changes.clone());
                    if let Some(place) = &working.place {
                        let log = log(&mut tx, &place_id).await?;
                        let logged: Vec<_> = log.into_iter().map(|(l, _)| l).collect();
                        let unseen = proposed.keys().filter(|f| !decision.changes.contains_key(*f)).map(String::as_str);
                        let mut stale = stale_fields(unseen.clone(), stored.version, &logged);
                        stale.extend(unseen.filter(|f| working.touched.contains(*f)).map(str::to_owned));
                        let now = standard_text(place);
                        for field in &stale {
                            let shown = now.get(field).map_or("vide".to_owned(), |v| format!("« {v} »"));
                            details.push(detail(
                                id,
                                field,
                                format!("modifié depuis la proposition (valeur actuelle : {shown}) : donnez la valeur à garder"),
                            ));
                        }
                        if !stale.is_empty() {
                            continue;
                        }
                    }
                    let edited = match (&working.place, decision.remove) {
                        (Some(_), true) => Ok(None),
                        (Some(place), false) if values.is_empty() => Ok(Some(place.clone())),
                        (Some(place), false) => edit(place, &values, today).map(|e| Some(e.place)),
                        (None, _) if stored.kind() == "new_place" && !decision.remove => {
                            create(&place_id, &values, today).map(|e| Some(e.place))
                        }
                        (None, _) => Err(vec![Problem { field: "place_id".into(), reason: "lieu retiré du registre".into() }]),
                    };
                    // The scope holds for where the place ends up too: an EPCI coordinator
                    // cannot move a place, or create one, outside his EPCI.
                    let edited = edited.and_then(|place| match place.as_ref().map(|p| p.code_insee.as_deref()) {
                        Some(code) if !in_scope(coordinator, code) => {
                            Err(vec![Problem { field: "code_insee".into(), reason: "hors de votre territoire".into() }])
                        }
                        _ => Ok(place),
                    });
                    match edited {
                        Ok(place) => {
                            working.touched.extend(values.keys().cloned());
                            working.place = place;
                            let after = working.place.as_ref().map(body);
                            let published = after != before;
                            if published {
                                let kind = if after.is_some() { "change" } else { "removal" };
                                steps.push(Step { place_id, kind, made_by, submission_id: Some(id.to_owned()), before, after });
                            }
                            settled.push((id.to_owned(), "accepted", None, published));
                        }
                        Err(p) => details.extend(problems(id, p)),
                    }
                }
            }
        }
        if !details.is_empty() {
            return Err(DecideError::Invalid(details));
        }
        let mut version = self.registry_version_in(&mut tx).await?;
        if !steps.is_empty() {
            version = take_next_version(&mut tx).await?.ok_or(DecideError::Conflict)?;
            for (place_id, working) in &places {
                let before_any = steps.iter().find(|s| &s.place_id == place_id).and_then(|s| s.before.clone());
                let after = working.place.as_ref().map(body);
                if !steps.iter().any(|s| &s.place_id == place_id) || before_any == after && working.read_version.is_some() {
                    continue;
                }
                write_place(&mut tx, place_id, after.as_deref(), working.read_version, version).await?;
            }
            let made_at = now_text();
            for step in &steps {
                sqlx::query(
                    "INSERT INTO place_updates (place_id, made_at, kind, made_by, changes, version, reviewed, decided_by, submission_id) \
                     VALUES ($1, $2, $3, $4, $5, $6, TRUE, $7, $8)",
                )
                .bind(&step.place_id)
                .bind(&made_at)
                .bind(step.kind)
                .bind(step.made_by)
                .bind(field_changes(step.before.as_deref(), step.after.as_deref()).to_string())
                .bind(version)
                .bind(&coordinator.label)
                .bind(&step.submission_id)
                .execute(&mut *tx)
                .await?;
            }
            sqlx::query(
                "UPDATE registry_versions SET places = (SELECT COUNT(*) FROM registry_places WHERE body IS NOT NULL) WHERE version = $1",
            )
            .bind(version)
            .execute(&mut *tx)
            .await?;
        }
        let decided_at = now_text();
        for (id, status, reason, published) in &settled {
            let done = sqlx::query(
                "UPDATE submissions SET status = $1, decided_by = $2, decided_at = $3, reason = $4, published_version = $5 \
                 WHERE id = $6 AND status = 'pending'",
            )
            .bind(*status)
            .bind(&coordinator.label)
            .bind(&decided_at)
            .bind(reason)
            .bind(published.then_some(version))
            .bind(id)
            .execute(&mut *tx)
            .await?;
            if done.rows_affected() != 1 {
                return Err(DecideError::Conflict);
            }
        }
        for (update_id, undone, reason) in &reviewed {
            let done = sqlx::query(
                "UPDATE place_updates SET reviewed = TRUE, undone = $1, decided_by = $2, reason = $3 WHERE id = $4 AND NOT reviewed",
            )
            .bind(*undone)
            .bind(&coordinator.label)
            .bind(reason)
            .bind(update_id)
            .execute(&mut *tx)
            .await?;
            if done.rows_affected() != 1 {
                return Err(DecideError::Conflict);
            }
        }
        tx.commit().await?;
        let accepted = settled.iter().filter(|s| s.1 == "accepted").count() + reviewed.iter().filter(|r| !r.1).count();
        Ok(Decided { version: version as u64, accepted, rejected: decisions.len() - accepted })
    }

    async fn registry_version_in(&self, conn: &mut AnyConnection) -> Result<i64, sqlx::Error> {
        let version: Option<i64> = sqlx::query_scalar("SELECT MAX(version) FROM registry_versions").fetch_one(&mut *conn).await?;
        Ok(version.unwrap_or(0))
    }
}

/// Writes a place's new body (`None`: removed) as `version`, only over the version it was read
/// at (PostgreSQL takes no lock before writing): anything else is a conflict.
pub(super) async fn write_place(
    tx: &mut AnyConnection,
    id: &str,
    body: Option<&str>,
    read: Option<i64>,
    version: i64,
) -> Result<(), DecideError> {
    let done = match read {
        Some(read) => {
            sqlx::query("UPDATE registry_places SET body = $1, version = $2 WHERE id = $3 AND version = $4")
                .bind(body)
                .bind(version)
                .bind(id)
                .bind(read)
                .execute(&mut *tx)
                .await?
        }
        None => {
            sqlx::query("INSERT INTO registry_places (id, body, version) VALUES ($1, $2, $3) ON CONFLICT (id) DO NOTHING")
                .bind(id)
                .bind(body)
                .bind(version)
                .execute(&mut *tx)
                .await?
        }
    };
    if done.rows_affected() == 1 { Ok(()) } else { Err(DecideError::Conflict) }
}
