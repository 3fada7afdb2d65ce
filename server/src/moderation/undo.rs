//! Undo: a line of the updates' log taken back as a new registry version (`POST
//! /api/v1/moderation/undo`), and the same for a place's own update that a moderator rejects.

use chrono::NaiveDate;
use repere_core::hours::Window;
use repere_core::registry::edit::{Problem, standard_text};
use repere_core::registry::{Place, X_STOPS, import_json_rows};
use serde_json::{Map, Value};

use super::decide::{BY_COORDINATION, DecideError, body, write_place};
use super::{current, in_scope, text};
use crate::coordinators::Coordinator;
use crate::db::{Database, now_text};
use crate::registry::{field_changes, logged_stops, take_next_version};

/// The place with a log line's changes taken back: each field's old value, if every field still
/// holds the value the line wrote (else the fields changed since, with their current value).
/// `Ok(None)` when the line added the place (taking it back removes it).
pub(crate) fn restore(current: Option<&Place>, changes: &Value, today: NaiveDate) -> Result<Option<Place>, Vec<Problem>> {
    let mut now = current.map(standard_text).unwrap_or_default();
    // The standard's text has no stops: they are compared and restored as the log writes them,
    // so a place keeps its tour, and a line of the stops editor is undone as any other.
    if let Some(stops) = current.and_then(logged_stops) {
        now.insert(X_STOPS.to_owned(), stops.to_string());
    }
    let changes = changes.as_object().cloned().unwrap_or_default();
    let stale: Vec<Problem> = changes
        .iter()
        .filter(|(field, c)| now.get(*field) != text(c.get("new")).as_ref())
        .map(|(field, _)| {
            let shown = now.get(field).map_or("vide".to_owned(), |v| format!("« {v} »"));
            Problem { field: field.clone(), reason: format!("modifié depuis (valeur actuelle : {shown})") }
        })
        .collect();
    if !stale.is_empty() {
        return Err(stale);
    }
    if changes.values().all(|c| text(c.get("old")).is_none()) {
        return Ok(None);
    }
    let mut row: Map<String, Value> = now.into_iter().map(|(k, v)| (k, Value::String(v))).collect();
    for (field, c) in &changes {
        match text(c.get("old")) {
            Some(old) => row.insert(field.clone(), Value::String(old)),
            None => row.remove(field),
        };
    }
    if let Some(Value::String(stops)) = row.get(X_STOPS) {
        let stops = serde_json::from_str(stops).unwrap_or(Value::Null);
        row.insert(X_STOPS.to_owned(), stops);
    }
    let mut import = import_json_rows(&[Value::Object(row)], Window::for_date(today));
    let errors = import.errors.into_iter().map(|e| Problem { field: e.field.to_owned(), reason: e.reason }).collect::<Vec<_>>();
    import.places.pop().map(Some).ok_or(errors)
}

impl Database {
    /// Takes back the changes of the log's line `id` as a new version (see [`restore`]).
    pub async fn undo_update(&self, coordinator: &Coordinator, id: i64) -> Result<u64, UndoError> {
        let today = chrono::Utc::now().date_naive();
        let mut tx = self.begin_write().await?;
        let line: Option<(String, String, String)> =
            sqlx::query_as("SELECT place_id, changes, CASE WHEN undone THEN 'yes' ELSE 'no' END FROM place_updates WHERE id = $1")
                .bind(id)
                .fetch_optional(&mut *tx)
                .await?;
        let Some((place_id, changes, undone)) = line else { return Err(UndoError::NotFound) };
        if undone == "yes" {
            return Err(UndoError::AlreadyUndone);
        }
        let changes: Value = serde_json::from_str(&changes).unwrap_or(Value::Null);
        let read = current(&mut tx, &place_id).await?;
        let code_insee = read.as_ref().and_then(|(p, _)| p.code_insee.clone()).or_else(|| text(changes.pointer("/code_insee/old")));
        if !in_scope(coordinator, code_insee.as_deref()) {
            return Err(UndoError::OutOfScope);
        }
        let stored_version: Option<i64> =
            sqlx::query_scalar("SELECT version FROM registry_places WHERE id = $1").bind(&place_id).fetch_optional(&mut *tx).await?;
        let before = read.as_ref().map(|(p, _)| body(p));
        let restored = restore(read.as_ref().map(|(p, _)| p), &changes, today).map_err(UndoError::Stale)?;
        let after = restored.as_ref().map(body);
        let version = take_next_version(&mut tx).await?.ok_or(UndoError::Conflict)?;
        write_place(&mut tx, &place_id, after.as_deref(), stored_version, version).await.map_err(|e| match e {
            DecideError::Conflict => UndoError::Conflict,
            DecideError::Database(e) => UndoError::Database(e),
            DecideError::Invalid(_) => unreachable!("writing a place is never invalid"),
        })?;
        sqlx::query(
            "INSERT INTO place_updates (place_id, made_at, kind, made_by, changes, version, reviewed, decided_by) \
             VALUES ($1, $2, $3, $4, $5, $6, TRUE, $7)",
        )
        .bind(&place_id)
        .bind(now_text())
        .bind(if after.is_some() { "change" } else { "removal" })
        .bind(BY_COORDINATION)
        .bind(field_changes(before.as_deref(), after.as_deref()).to_string())
        .bind(version)
        .bind(&coordinator.label)
        .execute(&mut *tx)
        .await?;
        sqlx::query("UPDATE place_updates SET undone = TRUE, reviewed = TRUE, decided_by = COALESCE(decided_by, $1) WHERE id = $2")
            .bind(&coordinator.label)
            .bind(id)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(version as u64)
    }
}

/// Why an undo did nothing.
#[derive(Debug)]
pub enum UndoError {
    NotFound,
    AlreadyUndone,
    OutOfScope,
    /// Fields changed since the line (each with its current value); or the values no longer import.
    Stale(Vec<Problem>),
    Conflict,
    Database(sqlx::Error),
}

impl From<sqlx::Error> for UndoError {
    fn from(e: sqlx::Error) -> Self {
        UndoError::Database(e)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn place(phone: &str) -> Place {
        let row = json!({"id": "p1", "pivot": "00000000000000", "nom": "Mairie", "commune": "Civray", "code_postal": "86400",
                         "adresse": "1 rue A", "date_maj": "2026-11-30", "telephone": phone});
        import_json_rows(&[row], Window::new(2026, 2028).unwrap()).whole().unwrap().pop().unwrap()
    }

    #[test]
    fn a_line_is_taken_back_only_while_its_values_are_the_current_ones() {
        let today = NaiveDate::from_ymd_opt(2026, 11, 30).unwrap();
        let line =
            json!({"telephone": {"old": "+33549000000", "new": "+33549111111"}, "date_maj": {"old": "2022-05-01", "new": "2026-11-30"}});
        let back = restore(Some(&place("+33549111111")), &line, today).unwrap().unwrap();
        assert_eq!((back.telephone.as_deref(), back.date_maj.to_string().as_str()), (Some("+33549000000"), "2022-05-01"));
        let stale = restore(Some(&place("+33549222222")), &line, today).unwrap_err();
        assert_eq!(stale.len(), 1);
        assert_eq!(stale[0].field, "telephone");
        assert!(stale[0].reason.contains("+33549222222"), "{stale:?}");
        let added = json!({"nom": {"old": null, "new": "Mairie"}, "telephone": {"old": null, "new": "+33549111111"}});
        assert_eq!(restore(Some(&place("+33549111111")), &json!({"telephone": added["telephone"]}), today).unwrap(), None);
        assert!(restore(None, &added, today).is_err(), "a place removed since: its fields changed");
    }
}
