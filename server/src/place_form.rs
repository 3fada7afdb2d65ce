//! The fields a place updates itself (the ones it knows best), read from its form and checked by
//! the registry's own import, so a place can publish nothing that `publish-registry` would refuse.
//!
//! The form shows values as people write them (a phone as `05 49 12 34 56`) and turns them into
//! the standard's form (`+33549123456`) before the import checks them; each problem comes back
//! with its field, to be shown next to it.

use std::collections::{BTreeMap, HashMap};

use chrono::NaiveDate;
use repere_core::phone::PhoneNumber;
use repere_core::registry::edit::{changes_json, edit, standard_text};
use repere_core::registry::{Frais, Label, ModaliteAcces, Place};
use serde_json::Value;

/// How a field is entered.
#[derive(Clone, Copy, Debug)]
pub enum Input {
    Text,
    Tel,
    Email,
    Url,
    /// Several lines.
    Area,
    /// Some of a closed list: the standard's labels, `|`-separated once chosen.
    Choices(fn() -> Vec<&'static str>),
}

/// A field of the form: the standard's name, its label and help in plain French.
#[derive(Clone, Copy, Debug)]
pub struct Field {
    pub name: &'static str,
    pub label: &'static str,
    pub help: Option<&'static str>,
    pub input: Input,
}

fn labels<T: Label>() -> Vec<&'static str> {
    T::ALL.iter().map(|v| v.label()).collect()
}

/// The fields, in the order the form shows them.
pub const FIELDS: [Field; 10] = [
    Field {
        name: "horaires",
        label: "Horaires d’ouverture",
        help: Some(
            "Comme dans cet exemple : Mo-Fr 09:00-12:00,14:00-17:00; Sa 09:00-12:00. \
             Mo lundi, Tu mardi, We mercredi, Th jeudi, Fr vendredi, Sa samedi, Su dimanche.",
        ),
        input: Input::Area,
    },
    Field { name: "telephone", label: "Téléphone", help: Some("Par exemple : 05 49 12 34 56"), input: Input::Tel },
    Field { name: "courriels", label: "Adresse e-mail", help: Some("Par exemple : accueil@mairie.fr"), input: Input::Email },
    Field { name: "site_web", label: "Site internet", help: None, input: Input::Url },
    Field { name: "adresse", label: "Adresse", help: Some("Numéro et rue"), input: Input::Text },
    Field {
        name: "complement_adresse", label: "Complément d’adresse", help: Some("Par exemple : 1er étage, porte B"), input: Input::Text
    },
    Field { name: "modalites_acces", label: "Comment venir vous voir", help: None, input: Input::Choices(labels::<ModaliteAcces>) },
    Field {
        name: "prise_rdv",
        label: "Prendre rendez-vous sur internet",
        help: Some("L’adresse du site, s’il y en a un"),
        input: Input::Url,
    },
    Field {
        name: "presentation_resume",
        label: "Ce que vous proposez, en quelques mots",
        help: Some("280 caractères au plus"),
        input: Input::Area,
    },
    Field { name: "frais_a_charge", label: "Est-ce payant ?", help: None, input: Input::Choices(labels::<Frais>) },
];

/// What the person asked for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Action {
    /// « Rien n’a changé ».
    Confirm,
    /// « Enregistrer ».
    Save,
}

/// A posted form: the action, the registry version the form was made from, and each field's
/// text as typed (choices `|`-separated).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Submission {
    pub action: Action,
    pub version: u64,
    pub values: HashMap<&'static str, String>,
}

impl Submission {
    /// Reads an `application/x-www-form-urlencoded` body; `None` when it is not one of this form.
    pub fn parse(body: &[u8]) -> Option<Submission> {
        let mut action = None;
        let mut version = None;
        let mut values: HashMap<&'static str, String> = HashMap::new();
        for (key, value) in form_urlencoded::parse(body) {
            match key.as_ref() {
                "action" => action = Some(if value == "rien" { Action::Confirm } else { Action::Save }),
                "version" => version = value.parse().ok(),
                name => {
                    let Some(field) = FIELDS.iter().find(|f| f.name == name) else { continue };
                    let text = values.entry(field.name).or_default();
                    if matches!(field.input, Input::Choices(_)) && !text.is_empty() {
                        text.push('|');
                    }
                    text.push_str(value.trim());
                }
            }
        }
        Some(Submission { action: action?, version: version?, values })
    }
}

/// Each field's value as the form shows it.
pub fn shown(place: &Place) -> HashMap<&'static str, String> {
    let standard = standard_text(place);
    FIELDS
        .iter()
        .map(|f| {
            let text = standard.get(f.name).cloned().unwrap_or_default();
            let shown = match f.input {
                Input::Tel => text.parse::<PhoneNumber>().map(|p| p.to_string()).unwrap_or(text),
                Input::Email | Input::Url => text.replace('|', " "),
                _ => text,
            };
            (f.name, shown)
        })
        .collect()
}

/// A typed value in the standard's form, or the reason it cannot be one.
fn to_standard(field: &Field, typed: &str) -> Result<String, String> {
    let words = || typed.split(|c: char| c.is_whitespace() || matches!(c, ',' | ';' | '|')).filter(|w| !w.is_empty());
    match field.input {
        Input::Tel if typed.is_empty() => Ok(String::new()),
        Input::Tel => typed
            .parse::<PhoneNumber>()
            .map(|p| p.tel_uri().trim_start_matches("tel:").to_owned())
            .map_err(|e| format!("« {typed} » : {e} (par exemple 05 49 12 34 56)")),
        Input::Email => Ok(words().collect::<Vec<_>>().join("|")),
        Input::Url => Ok(words()
            .map(|w| if w.starts_with("http://") || w.starts_with("https://") { w.to_owned() } else { format!("https://{w}") })
            .collect::<Vec<_>>()
            .join("|")),
        _ => Ok(typed.to_owned()),
    }
}

/// The problems of a refused form, by field (`""` for the whole place).
pub type Problems = Vec<(&'static str, String)>;

/// The place with the form's values and `date_maj` = `today`, checked by the registry's import
/// (`registry::edit`, the rule proposals and moderation use too), and the fields changed as
/// `{"field": {"old": …, "new": …}}` in the standard's text; or every problem, by field.
pub fn apply(current: &Place, values: &HashMap<&'static str, String>, today: NaiveDate) -> Result<(Place, Value), Problems> {
    let mut standard = BTreeMap::new();
    let mut problems = Problems::new();
    for field in &FIELDS {
        let typed = values.get(field.name).map_or("", String::as_str);
        match to_standard(field, typed) {
            Ok(text) => {
                standard.insert(field.name.to_owned(), text);
            }
            // The field keeps its value; the import checks the others.
            Err(reason) => problems.push((field.name, reason)),
        }
    }
    match edit(current, &standard, today) {
        Ok(edited) if problems.is_empty() => Ok((edited.place, changes_json(&edited.changes))),
        Ok(_) => Err(problems),
        Err(more) => {
            for problem in more {
                let field = FIELDS.iter().find(|f| f.name == problem.field).map_or("", |f| f.name);
                if !problems.iter().any(|(f, _)| *f == field && !field.is_empty()) {
                    problems.push((field, problem.reason));
                }
            }
            Err(problems)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use repere_core::hours::Window;
    use repere_core::registry::import_json_rows;
    use serde_json::json;

    fn place() -> Place {
        let row = json!({"id": "p1", "pivot": "00000000000000", "nom": "Mairie", "commune": "Civray", "code_postal": "86400",
                         "adresse": "1 rue A", "date_maj": "2022-05-01", "telephone": "+33549000000", "frais_a_charge": "Gratuit"});
        import_json_rows(&[row], Window::new(2026, 2028).unwrap()).whole().unwrap().pop().unwrap()
    }

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 30).unwrap()
    }

    #[test]
    fn a_form_is_read_with_its_choices_joined_and_unknown_keys_ignored() {
        let body = b"version=7&action=enregistrer&telephone=05+49+11+22+33&modalites_acces=Se+pr%C3%A9senter&modalites_acces=T%C3%A9l%C3%A9phoner&x=1";
        let s = Submission::parse(body).unwrap();
        assert_eq!((s.action, s.version), (Action::Save, 7));
        assert_eq!(s.values["modalites_acces"], "Se présenter|Téléphoner");
        assert_eq!(s.values["telephone"], "05 49 11 22 33");
        assert_eq!(Submission::parse(b"action=rien").map(|s| s.action), None, "no version: not this form");
    }

    #[test]
    fn values_shown_as_written_come_back_unchanged_and_changes_are_old_and_new() {
        let place = place();
        let shown = shown(&place);
        assert_eq!(shown["telephone"], "05 49 00 00 00");
        let (same, changes) = apply(&place, &shown, today()).unwrap();
        assert_eq!((same.date_maj, changes), (today(), json!({})));
        let mut typed = shown.clone();
        typed.insert("telephone", "05.49.11.22.33".into());
        typed.insert("site_web", "www.civray.fr".into());
        let (changed, changes) = apply(&place, &typed, today()).unwrap();
        assert_eq!(changed.telephone.as_deref(), Some("+33549112233"));
        assert_eq!(
            changes,
            json!({"telephone": {"old": "+33549000000", "new": "+33549112233"}, "site_web": {"old": null, "new": "https://www.civray.fr"}})
        );
    }

    #[test]
    fn every_bad_field_is_named_with_its_reason() {
        let mut typed = shown(&place());
        typed.insert("telephone", "05 49".into());
        typed.insert("courriels", "accueil.civray.fr".into());
        typed.insert("horaires", "lundi matin".into());
        typed.insert("adresse", "".into());
        let problems = apply(&place(), &typed, today()).unwrap_err();
        let fields: Vec<&str> = problems.iter().map(|(f, _)| *f).collect();
        assert_eq!(fields, ["telephone", "adresse", "courriels", "horaires"], "{problems:?}");
        assert!(problems[0].1.contains("10 chiffres"), "{problems:?}");
        assert_eq!(problems[1].1, "champ obligatoire vide");
        assert!(problems[2].1.contains("adresse e-mail attendue"), "{problems:?}");
    }
}
