//! The mediators' proposal form's rules (`registry::proposal`): every proposable field, values
//! shown and typed, what a correction and a new place send, and that the server's edit rule
//! (`registry::edit`) accepts it.

use std::collections::BTreeMap;

use repere_core::hours::Window;
use repere_core::registry::proposal::*;
use repere_core::registry::{Place, import_json_rows};
use serde_json::json;
use uuid::Uuid;

fn place() -> Place {
    let row = json!({"id": "p1", "pivot": "00000000000000", "nom": "Mairie", "commune": "Civray", "code_postal": "86400",
                     "adresse": "1 rue A", "date_maj": "2022-05-01", "telephone": "+33549000000", "frais_a_charge": "Gratuit",
                     "courriels": "a@civray.fr|b@civray.fr", "horaires": "Mo-Fr 09:00-12:00",
                     "latitude": 46.1512345678, "longitude": 0.29});
    import_json_rows(&[row], Window::new(2026, 2028).unwrap()).whole().unwrap().pop().unwrap()
}

/// The form as it opens for `place` (empty for a new one), then `pairs` typed over it.
fn typed_over(place: Option<&Place>, pairs: &[(&'static str, &str)]) -> Vec<String> {
    let current = place.map(standard_values).unwrap_or_else(|| vec![String::new(); FIELDS.len()]);
    let mut form: Vec<String> = FIELDS.iter().zip(current).map(|(f, v)| shown(f, &v)).collect();
    for (name, text) in pairs {
        form[FIELDS.iter().position(|f| f.name == *name).unwrap()] = text.to_string();
    }
    form
}

fn value<'a>(values: &'a [String], name: &str) -> &'a str {
    &values[FIELDS.iter().position(|f| f.name == name).unwrap()]
}

fn id() -> Uuid {
    Uuid::from_u128(7)
}

#[test]
fn every_field_an_edit_may_set_is_proposable_once() {
    let mut names: Vec<&str> = FIELDS.iter().map(|f| f.name).collect();
    names.sort_unstable();
    let mut standard: Vec<&str> =
        repere_core::registry::FIELDS.iter().copied().filter(|f| repere_core::registry::edit::is_editable(f)).collect();
    standard.sort_unstable();
    assert_eq!(names, standard);
    let common: Vec<&str> = FIELDS.iter().take_while(|f| f.common).map(|f| f.name).collect();
    assert_eq!(common.len(), FIELDS.iter().filter(|f| f.common).count(), "the common fields come first");
    assert!(common.contains(&"telephone") && common.contains(&"horaires") && !common.contains(&"pivot"));
}

#[test]
fn the_form_shows_every_value_so_that_it_comes_back_unchanged() {
    let place = place();
    let values = standard_values(&place);
    assert_eq!((value(&values, "telephone"), value(&values, "latitude")), ("+33549000000", "46.1512345678"));
    let shown = typed_over(Some(&place), &[]);
    assert_eq!((value(&shown, "telephone"), value(&shown, "courriels")), ("05 49 00 00 00", "a@civray.fr b@civray.fr"));
    for (i, f) in FIELDS.iter().enumerate() {
        assert_eq!(to_standard(f, &shown[i]).as_deref(), Ok(values[i].as_str()), "{}", f.name);
    }
    let refused = propose(id(), Some(&place), 3, &shown, "").unwrap_err();
    assert_eq!(refused, [("", "aucun changement : modifiez au moins un champ".to_owned())]);
}

#[test]
fn a_correction_sends_only_what_changed_in_the_standards_text() {
    let place = place();
    let form = typed_over(Some(&place), &[("telephone", "05.49.11.22.33"), ("site_web", "www.civray.fr"), ("frais_a_charge", "Gratuit")]);
    let p = propose(id(), Some(&place), 3, &form, "  vu sur la porte ").unwrap();
    assert_eq!((p.place_id.as_deref(), p.version, p.note.as_str()), (Some("p1"), 3, "vu sur la porte"));
    let expected = [("site_web", "https://www.civray.fr"), ("telephone", "+33549112233")];
    assert_eq!(p.changes, expected.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect::<BTreeMap<_, _>>());
    assert_eq!(p.labels(), ["Site internet", "Téléphone"]);
    let emptied = propose(id(), Some(&place), 3, &typed_over(Some(&place), &[("telephone", "")]), "").unwrap();
    assert_eq!(emptied.changes["telephone"], "", "\"\" empties a field");
}

#[test]
fn what_a_proposal_sends_the_servers_edit_rule_accepts_but_hours_it_could_not_check() {
    use repere_core::registry::edit::{create, edit};
    let today = chrono::NaiveDate::from_ymd_opt(2026, 11, 30).unwrap();
    let place = place();
    let form = typed_over(
        Some(&place),
        &[("telephone", "05 49 11 22 33"), ("services", "Aide aux démarches administratives"), ("latitude", "46,2")],
    );
    let p = propose(id(), Some(&place), 3, &form, "").unwrap();
    let edited = edit(&place, &p.changes, today).unwrap();
    assert_eq!(edited.changes.keys().collect::<Vec<_>>(), ["latitude", "services", "telephone"]);
    let new = typed_over(
        None,
        &[("nom", "Médiathèque"), ("adresse", "2 rue B"), ("commune", "Civray"), ("code_postal", "86400"), ("courriels", "a@b.fr c@d.fr")],
    );
    assert!(create("nouveau", &propose(id(), None, 3, &new, "").unwrap().changes, today).is_ok());
    let hours = propose(id(), Some(&place), 3, &typed_over(Some(&place), &[("horaires", "lundi matin")]), "").unwrap();
    assert_eq!(edit(&place, &hours.changes, today).unwrap_err()[0].field, "horaires", "the server names it; the phone sets it aside");
}

#[test]
fn choices_are_written_in_the_standards_order_and_unknown_ones_named() {
    let services = field_named("services").unwrap();
    let Input::Choices(all) = services.input else { panic!("services is a closed list") };
    let (a, b) = (all()[0], all()[1]);
    assert_eq!(to_standard(services, &format!("{b}|{a}")), Ok(format!("{a}|{b}")));
    let every = all().join("|");
    assert_eq!(
        to_standard(services, &every),
        Ok(repere_core::registry::LabelSet::<repere_core::registry::Service>::parse(&every).unwrap().to_string())
    );
    let err = to_standard(services, "Réparer des vélos").unwrap_err();
    assert!(err.contains("valeur inconnue « Réparer des vélos »"), "{err}");
}

#[test]
fn a_new_place_needs_the_required_fields_and_gets_an_unknown_pivot() {
    let missing = propose(id(), None, 3, &typed_over(None, &[("nom", "Médiathèque"), ("telephone", "05 49 12 34 56")]), "").unwrap_err();
    let fields: Vec<&str> = missing.iter().map(|(f, _)| *f).collect();
    assert_eq!(fields, ["adresse", "commune", "code_postal"]);
    assert!(missing.iter().all(|(_, r)| r == "champ obligatoire vide"));
    let form = typed_over(None, &[("nom", "Médiathèque"), ("adresse", "2 rue B"), ("commune", "Civray"), ("code_postal", "86400")]);
    let p = propose(id(), None, 3, &form, "").unwrap();
    assert_eq!(p.place_id, None);
    let sent: Vec<&str> = p.changes.keys().map(String::as_str).collect();
    assert_eq!(sent, ["adresse", "code_postal", "commune", "nom", "pivot"], "empty fields are not sent");
    assert_eq!(p.changes["pivot"], UNKNOWN_PIVOT);
}

#[test]
fn every_bad_value_is_named_with_its_reason() {
    let form = typed_over(
        Some(&place()),
        &[
            ("telephone", "05 49"),
            ("courriels", "accueil.civray.fr"),
            ("code_postal", "8640"),
            ("latitude", "91"),
            ("presentation_resume", &"é".repeat(281)),
            ("adresse", " "),
        ],
    );
    let problems = propose(id(), Some(&place()), 3, &form, &"x".repeat(MAX_NOTE + 1)).unwrap_err();
    let fields: Vec<&str> = problems.iter().map(|(f, _)| *f).collect();
    assert_eq!(fields, ["adresse", "code_postal", "telephone", "courriels", "presentation_resume", "latitude", "note"], "{problems:?}");
    assert_eq!(problems[0].1, "champ obligatoire vide");
    assert!(problems[2].1.contains("10 chiffres"), "{problems:?}");
    assert_eq!(problems[4].1, "281 caractères : 280 au plus");
    assert_eq!(to_standard(field_named("latitude").unwrap(), "46,43"), Ok("46.43".into()), "a French decimal comma");
    assert_eq!(to_standard(field_named("telephone").unwrap(), "+590590123456"), Ok("+590590123456".into()), "overseas");
}
