//! A coordinator's decisions on the moderation queue (issue #15), held on the phone until they
//! are published: each item accepted (as proposed, with values edited, or — for a place said
//! closed — by removing the place) or refused with a reason. All of them go in one
//! `POST /api/v1/moderation`, so the accepted changes make one new registry version; the server
//! refuses the whole batch if anything is wrong, and [`problems`] reads its answer so that each
//! problem is shown next to the item and field it names, the decisions kept (nothing is lost).
//!
//! Pure: the screens keep a [`Decisions`], ask it what to send ([`Decisions::body`]) and what is
//! wrong before sending ([`Decisions::check`]).

use serde_json::{Map, Value, json};

/// Longest reason of a refusal, in characters (as the proposals' own notes).
pub const MAX_REASON: usize = 500;

/// Reasons offered in one tap; any other can be typed.
pub const REASONS: [&str; 4] = ["Information non vérifiable", "Déjà corrigé", "Signalé deux fois", "Pas une erreur"];

/// What the coordinator decided for one item of the queue.
#[derive(Clone, Debug, PartialEq)]
pub enum Decision {
    /// Accepted; `edits` are the values the coordinator typed instead of the proposed ones
    /// (field of the standard, value; an empty value clears the field).
    Accept { edits: Vec<(String, String)> },
    /// A report that the place closed for good, accepted: the place leaves the registry.
    Remove,
    /// Refused, with the reason the proposer's side will read.
    Reject { reason: String },
}

/// A problem with one decision: the item's id, the field when one is named (`reason`, a field of
/// the standard), and why, in words a coordinator reads.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Problem {
    pub id: String,
    pub field: Option<String>,
    pub reason: String,
}

/// The decisions taken so far, in the order taken; one per item.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Decisions {
    taken: Vec<(String, Decision)>,
}

impl Decisions {
    /// Takes (or replaces) the decision on item `id`.
    pub fn decide(&mut self, id: &str, decision: Decision) {
        match self.taken.iter_mut().find(|(i, _)| i == id) {
            Some((_, d)) => *d = decision,
            None => self.taken.push((id.to_owned(), decision)),
        }
    }

    /// Goes back on the decision on item `id` (it waits again).
    pub fn undo(&mut self, id: &str) {
        self.taken.retain(|(i, _)| i != id);
    }

    pub fn get(&self, id: &str) -> Option<&Decision> {
        self.taken.iter().find(|(i, _)| i == id).map(|(_, d)| d)
    }

    pub fn len(&self) -> usize {
        self.taken.len()
    }

    pub fn is_empty(&self) -> bool {
        self.taken.is_empty()
    }

    /// Keeps only the decisions on items still in the queue (`waiting`), e.g. after the queue
    /// was read again and someone else decided some items meanwhile.
    pub fn keep_only(&mut self, waiting: impl Fn(&str) -> bool) {
        self.taken.retain(|(id, _)| waiting(id));
    }

    /// What would be refused before asking the server: a refusal without a reason, or with one
    /// longer than [`MAX_REASON`].
    pub fn check(&self) -> Vec<Problem> {
        self.taken
            .iter()
            .filter_map(|(id, d)| {
                let why = match d {
                    Decision::Reject { reason } if reason.trim().is_empty() => "dites pourquoi vous refusez",
                    Decision::Reject { reason } if reason.trim().chars().count() > MAX_REASON => "motif trop long (500 caractères au plus)",
                    _ => return None,
                };
                Some(Problem { id: id.clone(), field: Some("reason".to_owned()), reason: why.to_owned() })
            })
            .collect()
    }

    /// The body of `POST /api/v1/moderation`: `{"decisions": [...]}` in the order taken. Edited
    /// values are trimmed; an emptied one is `""`, which clears the field (the proposals' rule).
    pub fn body(&self) -> Value {
        let decisions: Vec<Value> = self
            .taken
            .iter()
            .map(|(id, d)| match d {
                Decision::Accept { edits } if edits.is_empty() => json!({"id": id, "action": "accept"}),
                Decision::Accept { edits } => {
                    let changes: Map<String, Value> =
                        edits.iter().map(|(field, value)| (field.clone(), Value::from(value.trim()))).collect();
                    json!({"id": id, "action": "accept", "changes": changes})
                }
                Decision::Remove => json!({"id": id, "action": "accept", "remove": true}),
                Decision::Reject { reason } => json!({"id": id, "action": "reject", "reason": reason.trim()}),
            })
            .collect();
        json!({ "decisions": decisions })
    }

    /// Reads back what [`Decisions::body`] wrote, as the phone keeps it between visits; a
    /// decision it cannot read is left out (the item then waits again, nothing is decided
    /// wrongly).
    pub fn from_body(body: &Value) -> Decisions {
        let mut decisions = Decisions::default();
        for d in body["decisions"].as_array().into_iter().flatten() {
            let Some(id) = d["id"].as_str() else { continue };
            let decision = match d["action"].as_str() {
                Some("reject") => Decision::Reject { reason: d["reason"].as_str().unwrap_or_default().to_owned() },
                Some("accept") if d["remove"] == true => Decision::Remove,
                Some("accept") => Decision::Accept {
                    edits: d["changes"]
                        .as_object()
                        .into_iter()
                        .flatten()
                        .map(|(field, value)| (field.clone(), value.as_str().unwrap_or_default().to_owned()))
                        .collect(),
                },
                _ => continue,
            };
            decisions.decide(id, decision);
        }
        decisions
    }

    /// How many are accepted (removals included) and refused.
    pub fn counts(&self) -> (usize, usize) {
        let rejected = self.taken.iter().filter(|(_, d)| matches!(d, Decision::Reject { .. })).count();
        (self.taken.len() - rejected, rejected)
    }
}

/// The problems a refusal of the server names (`{"error": {"details": [{"id", "field",
/// "reason"}]}}`, or a bare `details` list); a refusal naming no item gives none (the caller shows
/// its message). A field `null`, empty, `id` or `decision` names the item as a whole.
pub fn problems(answer: &Value) -> Vec<Problem> {
    let details = answer.pointer("/error/details").or_else(|| answer.get("details"));
    details
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|d| {
            let id = match &d["id"] {
                Value::String(s) => s.clone(),
                Value::Number(n) => n.to_string(),
                _ => return None,
            };
            let field = d["field"].as_str().filter(|f| !f.is_empty() && !matches!(*f, "id" | "decision")).map(str::to_owned);
            let reason = d["reason"].as_str().unwrap_or("refusé").to_owned();
            Some(Problem { id, field, reason })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn accept() -> Decision {
        Decision::Accept { edits: Vec::new() }
    }

    #[test]
    fn one_decision_per_item_in_the_order_taken() {
        let mut d = Decisions::default();
        d.decide("b", accept());
        d.decide("a", Decision::Reject { reason: "Pas une erreur".into() });
        d.decide("b", Decision::Remove);
        assert_eq!(d.len(), 2);
        assert_eq!(d.get("b"), Some(&Decision::Remove));
        assert_eq!(d.counts(), (1, 1));
        let body = d.body();
        assert_eq!(body["decisions"][0], json!({"id": "b", "action": "accept", "remove": true}));
        assert_eq!(body["decisions"][1], json!({"id": "a", "action": "reject", "reason": "Pas une erreur"}));
        d.undo("b");
        assert_eq!(d.get("b"), None);
        assert_eq!(d.counts(), (0, 1));
    }

    #[test]
    fn edited_values_are_trimmed_and_an_emptied_one_clears_the_field() {
        let mut d = Decisions::default();
        d.decide("7", Decision::Accept { edits: vec![("telephone".into(), " 05 49 00 00 00 ".into()), ("courriels".into(), "  ".into())] });
        d.decide("8", accept());
        assert_eq!(
            d.body(),
            json!({"decisions": [
                {"id": "7", "action": "accept", "changes": {"telephone": "05 49 00 00 00", "courriels": ""}},
                {"id": "8", "action": "accept"},
            ]})
        );
    }

    #[test]
    fn decisions_kept_on_the_phone_read_back_the_same() {
        let mut d = Decisions::default();
        // Edits in field order: the JSON object keeps no other.
        d.decide("a", Decision::Accept { edits: vec![("courriels".into(), String::new()), ("telephone".into(), "+33549000000".into())] });
        d.decide("b", Decision::Remove);
        d.decide("c", Decision::Reject { reason: "Déjà corrigé".into() });
        d.decide("d", accept());
        assert_eq!(Decisions::from_body(&d.body()), d);
        // What cannot be read waits again.
        let odd = json!({"decisions": [{"id": 3, "action": "accept"}, {"id": "x", "action": "maybe"}, {"id": "y", "action": "accept"}]});
        assert_eq!(Decisions::from_body(&odd).body(), json!({"decisions": [{"id": "y", "action": "accept"}]}));
        assert!(Decisions::from_body(&json!(null)).is_empty());
    }

    #[test]
    fn a_refusal_needs_a_reason_of_bounded_length() {
        let mut d = Decisions::default();
        d.decide("a", Decision::Reject { reason: "   ".into() });
        d.decide("b", Decision::Reject { reason: "x".repeat(MAX_REASON + 1) });
        d.decide("c", Decision::Reject { reason: "x".repeat(MAX_REASON) });
        d.decide("d", accept());
        let problems = d.check();
        assert_eq!(problems.iter().map(|p| p.id.as_str()).collect::<Vec<_>>(), ["a", "b"]);
        assert!(problems.iter().all(|p| p.field.as_deref() == Some("reason")));
        assert_eq!(problems[0].reason, "dites pourquoi vous refusez");
    }

    #[test]
    fn decisions_on_items_gone_from_the_queue_are_dropped() {
        let mut d = Decisions::default();
        for id in ["a", "b", "c"] {
            d.decide(id, accept());
        }
        d.keep_only(|id| id != "b");
        assert_eq!(d.body()["decisions"].as_array().map(Vec::len), Some(2));
        assert_eq!(d.get("b"), None);
    }

    #[test]
    fn the_servers_refusal_is_read_item_by_item() {
        let answer = json!({"error": {"code": "invalid_decisions", "message": "…", "details": [
            {"id": "a", "field": "telephone", "reason": "numéro invalide"},
            {"id": 12, "field": null, "reason": "inconnu"},
            {"id": "c", "field": "decision", "reason": "déjà décidé"},
            {"id": "d", "field": "id", "reason": "inconnu, déjà traité ou en double"},
            {"field": "x", "reason": "sans id"},
        ]}});
        assert_eq!(
            problems(&answer),
            [
                Problem { id: "a".into(), field: Some("telephone".into()), reason: "numéro invalide".into() },
                Problem { id: "12".into(), field: None, reason: "inconnu".into() },
                Problem { id: "c".into(), field: None, reason: "déjà décidé".into() },
                Problem { id: "d".into(), field: None, reason: "inconnu, déjà traité ou en double".into() },
            ]
        );
        assert!(problems(&json!({"error": {"code": "stale", "message": "m"}})).is_empty());
        assert_eq!(problems(&json!({"details": [{"id": "z", "reason": "r"}]})).len(), 1);
    }
}
