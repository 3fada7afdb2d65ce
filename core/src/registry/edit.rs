//! Edits of a place by field (issue #15): a place's own form, a mediator's proposal, a
//! coordinator's decision. New values come in the standard's text form (what `export_json`
//! writes: `+33549…` for a phone, `|` between the values of a list, `""` to empty a field); they
//! are laid over the place's current row and the whole row is read again by the registry's own
//! import, so an edit can publish nothing that `publish-registry` would refuse, and every bad
//! value is named by its field as in the import.
//!
//! ```
//! use std::collections::BTreeMap;
//! use chrono::NaiveDate;
//! use repere_core::registry::edit::{create, edit};
//!
//! let today = NaiveDate::from_ymd_opt(2026, 11, 30).unwrap();
//! let values = BTreeMap::from([("nom".to_string(), "Mairie".to_string()), ("commune".to_string(), "Civray".to_string()),
//!     ("code_postal".to_string(), "86400".to_string()), ("adresse".to_string(), "1 rue A".to_string())]);
//! let new = create("repere-1", &values, today).unwrap();
//! let phone = BTreeMap::from([("telephone".to_string(), "+33549000000".to_string())]);
//! let edited = edit(&new.place, &phone, today).unwrap();
//! assert_eq!(edited.changes["telephone"].new.as_deref(), Some("+33549000000"));
//! let bad = BTreeMap::from([("telephone".to_string(), "05 49".to_string())]);
//! assert_eq!(edit(&new.place, &bad, today).unwrap_err()[0].field, "telephone");
//! ```

use std::collections::{BTreeMap, BTreeSet};

use chrono::NaiveDate;
use serde_json::{Map, Value, json};

use super::io::{FIELDS, REQUIRED, import_json_rows};
use super::place::Place;
use super::write::export_json;
use crate::hours::Window;

/// Fields no edit sets: `id` is the registry's key (the server gives a new place its id),
/// `date_maj` is the day of the edit's publication, `source` says who publishes the record.
pub const NOT_EDITABLE: [&str; 3] = ["id", "date_maj", "source"];

/// The pivot of a new place whose SIRET or RNA the proposer does not know, as ANCT writes it.
pub const UNKNOWN_PIVOT: &str = "00000000000000";

/// A field's name in plain French, for the moderation screens; `None` for a name that is not
/// one of the standard's fields.
pub fn field_label(field: &str) -> Option<&'static str> {
    Some(match field {
        "id" => "Identifiant",
        "pivot" => "SIRET ou RNA",
        "nom" => "Nom",
        "commune" => "Commune",
        "code_postal" => "Code postal",
        "code_insee" => "Code INSEE",
        "adresse" => "Adresse",
        "complement_adresse" => "Complément d’adresse",
        "latitude" => "Latitude",
        "longitude" => "Longitude",
        "typologie" => "Typologie",
        "telephone" => "Téléphone",
        "courriels" => "Adresse e-mail",
        "site_web" => "Site internet",
        "horaires" => "Horaires d’ouverture",
        "presentation_resume" => "Présentation courte",
        "presentation_detail" => "Présentation détaillée",
        "source" => "Source",
        "itinerance" => "Itinérance",
        "structure_parente" => "Structure parente",
        "date_maj" => "Date de mise à jour",
        "services" => "Services",
        "publics_specifiquement_adresses" => "Publics accueillis",
        "prise_en_charge_specifique" => "Prise en charge spécifique",
        "frais_a_charge" => "Frais",
        "dispositif_programmes_nationaux" => "Dispositifs nationaux",
        "formations_labels" => "Labels de formation",
        "autres_formations_labels" => "Autres labels",
        "modalites_acces" => "Modalités d’accès",
        "modalites_accompagnement" => "Modalités d’accompagnement",
        "fiche_acces_libre" => "Fiche Accès libre",
        "prise_rdv" => "Prise de rendez-vous",
        _ => return None,
    })
}

/// Whether an edit may set `field`: one of the standard's fields, but not [`NOT_EDITABLE`].
pub fn is_editable(field: &str) -> bool {
    FIELDS.contains(&field) && !NOT_EDITABLE.contains(&field)
}

/// One field's change, in the standard's text form; `None` for an empty field.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FieldChange {
    pub old: Option<String>,
    pub new: Option<String>,
}

/// The fields an edit changed, by name.
pub type Changes = BTreeMap<String, FieldChange>;

/// `{"field": {"old": …, "new": …}}`, the form the updates' log keeps.
pub fn changes_json(changes: &Changes) -> Value {
    Value::Object(changes.iter().map(|(f, c)| (f.clone(), json!({ "old": c.old, "new": c.new }))).collect())
}

/// A refused value: its field (`""` for the whole place) and why, in French.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Problem {
    pub field: String,
    pub reason: String,
}

/// An edit that the import accepted: the place as it will be published, and what changed
/// (`date_maj` left out: every publication moves it to the day).
#[derive(Clone, Debug, PartialEq)]
pub struct Edited {
    pub place: Place,
    pub changes: Changes,
}

/// The place's fields in the standard's text form, Repère's columns included (empty ones absent).
pub fn standard_text(place: &Place) -> BTreeMap<String, String> {
    let rows: Value = serde_json::from_slice(&export_json(std::slice::from_ref(place))).expect("the core writes JSON");
    let Value::Array(mut rows) = rows else { unreachable!("export_json writes a list") };
    let Some(Value::Object(row)) = rows.pop() else { unreachable!("one place, one row") };
    row.into_iter().map(|(k, v)| (k, v.as_str().map_or_else(|| v.to_string(), str::to_owned))).collect()
}

/// `current` with `values` laid over it and `date_maj` = `today`, read again by the import; or
/// every problem, by field (a field that is not editable is one).
pub fn edit(current: &Place, values: &BTreeMap<String, String>, today: NaiveDate) -> Result<Edited, Vec<Problem>> {
    let before = standard_text(current);
    // The stops are not fields of the standard: they stay as the tour published them.
    reimport(&before, values, today).map(|edited| Edited { place: Place { arrets: current.arrets.clone(), ..edited.place }, ..edited })
}

/// A new place with the id `id` (given by the server: ids are the registry's keys, unique across
/// the département and the same on every phone, which a phone offline cannot promise) from
/// `values`, dated `today`. The standard's required fields must be given, except `pivot`, which
/// is [`UNKNOWN_PIVOT`] when not known.
pub fn create(id: &str, values: &BTreeMap<String, String>, today: NaiveDate) -> Result<Edited, Vec<Problem>> {
    let mut problems: Vec<Problem> = REQUIRED
        .iter()
        .filter(|f| !NOT_EDITABLE.contains(f) && **f != "pivot")
        .filter(|f| values.get(**f).is_none_or(|v| v.trim().is_empty()))
        .map(|f| Problem { field: (*f).to_owned(), reason: "champ obligatoire pour un nouveau lieu".to_owned() })
        .collect();
    let before = BTreeMap::from([("id".to_owned(), id.to_owned()), ("pivot".to_owned(), UNKNOWN_PIVOT.to_owned())]);
    // Missing required fields given empty, so that the import checks every other value too.
    let mut values = values.clone();
    for p in &problems {
        values.entry(p.field.clone()).or_default();
    }
    match reimport(&before, &values, today) {
        Ok(mut edited) if problems.is_empty() => {
            // The pivot and id were set here, not proposed: shown as new like the rest.
            for field in ["id", "pivot"] {
                let new = standard_text(&edited.place).remove(field);
                edited.changes.insert(field.to_owned(), FieldChange { old: None, new });
            }
            Ok(edited)
        }
        Ok(_) => Err(problems),
        Err(more) => {
            problems.extend(more.into_iter().filter(|p| !problems.iter().any(|q| q.field == p.field)).collect::<Vec<_>>());
            Err(problems)
        }
    }
}

fn reimport(before: &BTreeMap<String, String>, values: &BTreeMap<String, String>, today: NaiveDate) -> Result<Edited, Vec<Problem>> {
    let mut problems = Vec::new();
    let mut row: Map<String, Value> = before.iter().map(|(k, v)| (k.clone(), Value::String(v.clone()))).collect();
    for (field, value) in values {
        let value = value.trim();
        if !is_editable(field) {
            let reason = if FIELDS.contains(&field.as_str()) { "champ non modifiable" } else { "champ inconnu du standard" };
            problems.push(Problem { field: field.clone(), reason: reason.to_owned() });
        } else if value.is_empty() && !REQUIRED.contains(&field.as_str()) {
            row.remove(field);
            // Coordinates go in pairs, and a place placed by hand is no longer approximate.
            if field == "latitude" || field == "longitude" {
                row.remove("x_position_approximative");
            }
        } else {
            // A required field emptied stays, empty: the import names it with the others.
            row.insert(field.clone(), Value::String(value.to_owned()));
            if field == "latitude" || field == "longitude" {
                row.remove("x_position_approximative");
            }
        }
    }
    row.insert("date_maj".to_owned(), Value::String(today.format("%Y-%m-%d").to_string()));
    let mut import = import_json_rows(&[Value::Object(row)], Window::for_date(today));
    for error in import.errors {
        if !problems.iter().any(|p| p.field == error.field && !error.field.is_empty()) {
            problems.push(Problem { field: error.field.to_owned(), reason: error.reason });
        }
    }
    let Some(place) = import.places.pop().filter(|_| problems.is_empty()) else { return Err(problems) };
    let after = standard_text(&place);
    let names: BTreeSet<&String> = before.keys().chain(after.keys()).filter(|f| f.as_str() != "date_maj").collect();
    let changes = names
        .into_iter()
        .filter(|f| before.get(*f) != after.get(*f))
        .map(|f| (f.clone(), FieldChange { old: before.get(f).cloned(), new: after.get(f).cloned() }))
        .collect();
    Ok(Edited { place, changes })
}

/// One entry of a place's updates' log: the registry version it produced and the fields it changed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Logged {
    pub version: u64,
    pub fields: BTreeSet<String>,
}

/// The fields of `proposed` that are stale for an edit made from registry version `since`: the
/// place's log holds a change to them at a later version. A stale field is never written over
/// unseen: the moderator sees the newer value and gives the value to keep.
pub fn stale_fields<'a>(proposed: impl IntoIterator<Item = &'a str>, since: u64, log: &[Logged]) -> BTreeSet<String> {
    let changed: BTreeSet<&str> = log.iter().filter(|l| l.version > since).flat_map(|l| l.fields.iter().map(String::as_str)).collect();
    proposed.into_iter().filter(|f| changed.contains(f)).map(str::to_owned).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn values(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
    }

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 30).unwrap()
    }

    fn place() -> Place {
        let row = json!({"id": "p1", "pivot": "00000000000000", "nom": "Mairie", "commune": "Civray", "code_postal": "86400",
                         "adresse": "1 rue A", "date_maj": "2022-05-01", "telephone": "+33549000000", "latitude": 46.14,
                         "longitude": 0.29, "x_position_approximative": true, "horaires": "Mo 09:00-12:00"});
        import_json_rows(&[row], Window::new(2026, 2028).unwrap()).whole().unwrap().pop().unwrap()
    }

    #[test]
    fn an_edit_changes_only_the_fields_given_and_dates_the_place() {
        let edited = edit(&place(), &values(&[("telephone", "+33549112233"), ("site_web", "https://civray.fr")]), today()).unwrap();
        assert_eq!(edited.place.date_maj, today());
        assert_eq!(edited.place.horaires, place().horaires, "untouched fields stay");
        let expected = Changes::from([
            ("site_web".to_owned(), FieldChange { old: None, new: Some("https://civray.fr".into()) }),
            ("telephone".to_owned(), FieldChange { old: Some("+33549000000".into()), new: Some("+33549112233".into()) }),
        ]);
        assert_eq!(edited.changes, expected);
        assert_eq!(changes_json(&edited.changes)["site_web"], json!({"old": null, "new": "https://civray.fr"}));
        let same = edit(&place(), &values(&[("telephone", "+33549000000")]), today()).unwrap();
        assert!(same.changes.is_empty(), "{:?}", same.changes);
    }

    #[test]
    fn emptying_a_field_removes_it_and_moving_the_place_makes_it_exact() {
        let edited = edit(&place(), &values(&[("telephone", ""), ("latitude", "46.15")]), today()).unwrap();
        assert_eq!(edited.place.telephone, None);
        assert!(!edited.place.position.unwrap().approximate);
        assert_eq!(edited.changes["telephone"].new, None);
        assert_eq!(edited.changes["x_position_approximative"].old.as_deref(), Some("true"));
    }

    #[test]
    fn every_bad_value_is_named_by_its_field() {
        let bad = values(&[
            ("telephone", "05 49"),
            ("adresse", ""),
            ("id", "autre"),
            ("couleur", "bleu"),
            ("horaires", "lundi matin"),
            ("code_postal", "8640"),
        ]);
        let problems = edit(&place(), &bad, today()).unwrap_err();
        let fields: BTreeSet<&str> = problems.iter().map(|p| p.field.as_str()).collect();
        assert_eq!(fields, BTreeSet::from(["telephone", "adresse", "id", "couleur", "horaires", "code_postal"]), "{problems:?}");
        let reason = |f: &str| problems.iter().find(|p| p.field == f).unwrap().reason.clone();
        assert_eq!(reason("id"), "champ non modifiable");
        assert_eq!(reason("couleur"), "champ inconnu du standard");
        assert_eq!(reason("adresse"), "champ obligatoire vide");
        assert!(reason("telephone").contains("+33549123456"), "{problems:?}");
    }

    #[test]
    fn a_new_place_needs_its_required_fields_and_gets_its_id_and_an_unknown_pivot() {
        let given = values(&[("nom", "Médiathèque"), ("commune", "Gençay"), ("code_postal", "86160"), ("adresse", "2 place du Marché")]);
        let new = create("repere-x", &given, today()).unwrap();
        assert_eq!((new.place.id.as_str(), new.place.pivot.as_str(), new.place.date_maj), ("repere-x", UNKNOWN_PIVOT, today()));
        assert_eq!(new.changes["nom"], FieldChange { old: None, new: Some("Médiathèque".into()) });
        assert_eq!(new.changes["id"].new.as_deref(), Some("repere-x"));
        let missing = create("repere-y", &values(&[("nom", "Médiathèque"), ("telephone", "0549")]), today()).unwrap_err();
        let fields: Vec<&str> = missing.iter().map(|p| p.field.as_str()).collect();
        assert_eq!(fields, ["commune", "code_postal", "adresse", "telephone"], "{missing:?}");
    }

    #[test]
    fn a_field_is_stale_when_the_log_changed_it_after_the_proposal_s_version() {
        let log = [
            Logged { version: 4, fields: BTreeSet::from(["horaires".to_owned()]) },
            Logged { version: 7, fields: BTreeSet::from(["telephone".to_owned(), "date_maj".to_owned()]) },
        ];
        assert_eq!(stale_fields(["telephone", "horaires", "adresse"], 5, &log), BTreeSet::from(["telephone".to_owned()]));
        assert!(stale_fields(["telephone"], 7, &log).is_empty(), "made from the version that holds the change");
        assert_eq!(stale_fields(["horaires", "telephone"], 3, &log).len(), 2);
    }

    #[test]
    fn every_bundled_place_edited_with_nothing_changes_nothing() {
        let seed: Value = serde_json::from_slice(include_bytes!("../../../seeds/registry.json")).unwrap();
        let import = super::super::read_device_rows(seed["places"].as_array().unwrap());
        assert!(import.places.len() > 100);
        for place in &import.places {
            let edited = edit(place, &BTreeMap::new(), today()).unwrap_or_else(|e| panic!("{}: {e:?}", place.id));
            assert!(edited.changes.is_empty(), "{}: {:?}", place.id, edited.changes);
        }
    }
}
