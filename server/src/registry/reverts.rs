//! Publications that would take back what places and moderators changed since.
//!
//! Once places update themselves and coordinators moderate, the server holds the registry's
//! newest values; the département's own file (a spreadsheet kept beside it) is older. Published
//! as it is, it would silently put back each old phone number and opening hours, with nothing
//! but a count in the command's output. So a field whose value in the file is exactly what a
//! later update replaced (the log's `old`), while the server still holds that update's `new`,
//! is a take-back; a file with any is refused unless their number is confirmed, as removals are.
//! The way out the refusal names is to start from `export-registry`.

use std::collections::{BTreeMap, HashMap};

use serde_json::Value;

use super::field_changes;

/// The fields of each place that a file would take back, by place id (fields in name order).
pub(crate) fn taken_back(
    held: &HashMap<String, String>,
    changed: &[(&str, &str)],
    log: &[(String, String)],
) -> BTreeMap<String, Vec<String>> {
    let mut by_place: HashMap<&str, Vec<Value>> = HashMap::new();
    for (place_id, changes) in log {
        if let Ok(changes) = serde_json::from_str::<Value>(changes) {
            by_place.entry(place_id.as_str()).or_default().push(changes);
        }
    }
    let mut found = BTreeMap::new();
    for (id, body) in changed {
        let (Some(stored), Some(updates)) = (held.get(*id), by_place.get(id)) else { continue };
        let diff = field_changes(Some(stored), Some(body));
        let Some(diff) = diff.as_object() else { continue };
        let mut fields: Vec<String> = diff
            .iter()
            .filter(|(field, change)| {
                // The latest update that touched the field decides.
                updates
                    .iter()
                    .rev()
                    .find_map(|u| u.get(field.as_str()))
                    .is_some_and(|logged| logged.get("new") == change.get("old") && logged.get("old") == change.get("new"))
            })
            .map(|(field, _)| field.clone())
            .collect();
        fields.sort();
        if !fields.is_empty() {
            found.insert((*id).to_owned(), fields);
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn only_a_value_an_update_replaced_counts_as_taken_back() {
        let held: HashMap<String, String> = [
            ("a".to_owned(), json!({"telephone": "+33549000002", "nom": "A"}).to_string()),
            ("b".to_owned(), json!({"telephone": "+33549000009", "nom": "B"}).to_string()),
        ]
        .into();
        let log = vec![
            ("a".to_owned(), json!({"telephone": {"old": "+33549000001", "new": "+33549000002"}}).to_string()),
            ("b".to_owned(), json!({"telephone": {"old": "+33549000001", "new": "+33549000009"}}).to_string()),
        ];
        // a: the file has the phone the place replaced; b: a third value, the département's own edit.
        let file_a = json!({"telephone": "+33549000001", "nom": "A"}).to_string();
        let file_b = json!({"telephone": "+33549000005", "nom": "B"}).to_string();
        let found = taken_back(&held, &[("a", &file_a), ("b", &file_b)], &log);
        assert_eq!(found, BTreeMap::from([("a".to_owned(), vec!["telephone".to_owned()])]));
    }

    #[test]
    fn an_update_changed_again_since_is_not_the_one_taken_back() {
        let held: HashMap<String, String> = [("a".to_owned(), json!({"telephone": "+33549000003"}).to_string())].into();
        let log = vec![
            ("a".to_owned(), json!({"telephone": {"old": "+33549000001", "new": "+33549000002"}}).to_string()),
            ("a".to_owned(), json!({"telephone": {"old": "+33549000002", "new": "+33549000003"}}).to_string()),
        ];
        let file = json!({"telephone": "+33549000001"}).to_string();
        assert!(taken_back(&held, &[("a", &file)], &log).is_empty(), "the latest update replaced …02, not …01");
        let file = json!({"telephone": "+33549000002"}).to_string();
        assert_eq!(taken_back(&held, &[("a", &file)], &log).len(), 1);
    }
}
