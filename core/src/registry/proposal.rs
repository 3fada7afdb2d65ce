//! A mediator's proposal (issue #15): new values for some fields of a place of the registry, or a
//! new place. The form's rules live here, so the phone and the tests share them: which fields can
//! be proposed and which the form shows first ([`FIELDS`]), how a value typed as people write it
//! becomes the standard's text ([`to_standard`]: `05 49 12 34 56` → `+33549123456`), how a stored
//! value is shown back ([`shown`]), what a new place requires, and what changed ([`propose`]: only
//! the fields whose standard text differs from the place's are sent).
//!
//! Every check here is the registry import's own (`checks.rs`), with one exception: opening
//! hours are sent as typed, since the phone links no OSM parser (see `io.rs`); the server checks
//! them when the proposal arrives. The place's own form (`server/src/place_form.rs`) converts
//! the same way for its ten fields.

use std::collections::BTreeMap;

use uuid::Uuid;

use super::checks::{is_digits, is_email, is_insee, is_phone, is_pivot};
pub use super::edit::UNKNOWN_PIVOT;
use super::io::{MAX_SUMMARY, REQUIRED};
use super::labels::{Dispositif, FormationLabel, Frais, Itinerance, ModaliteAcces, ModaliteAccompagnement, PriseEnCharge, Public, Service};
use super::place::Place;
use super::write::field_values;
use crate::label::Label;
use crate::phone::PhoneNumber;

/// Longest note for the moderator, in characters (the wire's `MAX_NOTE`).
pub const MAX_NOTE: usize = 500;
/// Longest value of one field, in bytes (the wire's `MAX_VALUE`).
pub const MAX_VALUE: usize = 2_000;

/// How a field is typed.
#[derive(Clone, Copy, Debug)]
pub enum Input {
    Text,
    /// Several lines.
    Area,
    Tel,
    /// One or more addresses, separated by spaces, commas or `|`.
    Email,
    /// One or more web addresses; `https://` is added when missing.
    Url,
    /// Words of an open list (typology codes, other labels), `|`-separated once saved.
    List,
    /// Latitude or longitude, in degrees.
    Degrees(f64),
    /// Some of a closed list of the standard: its labels, in the standard's order.
    Choices(fn() -> Vec<&'static str>),
}

/// A field a proposal can change: the standard's name, its label in plain French, how it is
/// typed, and whether the form shows it at once (`common`) or folded under « Autres champs ».
#[derive(Clone, Copy, Debug)]
pub struct Field {
    pub name: &'static str,
    pub label: &'static str,
    pub input: Input,
    pub common: bool,
}

fn labels<T: Label>() -> Vec<&'static str> {
    T::ALL.iter().map(|v| v.label()).collect()
}

/// A `|`-joined choice among `allowed`, written in the list's order (as [`crate::label::LabelSet`] writes it);
/// an unknown value is named with the values allowed, as `LabelSet::parse` does. One function
/// for every list, not one per enumeration: 2 KiB less in the mediators' bundle.
fn choice(allowed: &[&'static str], text: &str) -> Result<String, String> {
    let chosen: Vec<&str> = text.split('|').map(str::trim).filter(|p| !p.is_empty()).collect();
    if let Some(unknown) = chosen.iter().find(|c| !allowed.contains(c)) {
        return Err(format!("valeur inconnue « {unknown} » (valeurs permises : {})", allowed.join(" | ")));
    }
    Ok(allowed.iter().filter(|a| chosen.contains(a)).copied().collect::<Vec<_>>().join("|"))
}

const fn field(name: &'static str, label: &'static str, input: Input, common: bool) -> Field {
    Field { name, label, input, common }
}

macro_rules! choices {
    ($t:ty) => {
        Input::Choices(labels::<$t>)
    };
}

/// Every field an edit may set (`edit::is_editable`: not `id`, `date_maj`, `source`), the common
/// ones first, in the order the form shows them.
pub const FIELDS: [Field; 29] = [
    field("nom", "Nom du lieu", Input::Text, true),
    field("adresse", "Adresse (numéro et rue)", Input::Text, true),
    field("commune", "Commune", Input::Text, true),
    field("code_postal", "Code postal", Input::Text, true),
    field("telephone", "Téléphone", Input::Tel, true),
    field("courriels", "Adresse e-mail", Input::Email, true),
    field("site_web", "Site internet", Input::Url, true),
    field("horaires", "Horaires (format OpenStreetMap, ex. Mo-Fr 09:00-12:00)", Input::Area, true),
    field("services", "Services", choices!(Service), true),
    field("modalites_acces", "Modalités d’accès", choices!(ModaliteAcces), true),
    field("frais_a_charge", "Frais", choices!(Frais), true),
    field("presentation_resume", "Présentation (280 caractères au plus)", Input::Area, true),
    field("complement_adresse", "Complément d’adresse", Input::Text, false),
    field("pivot", "SIRET ou RNA", Input::Text, false),
    field("code_insee", "Code INSEE de la commune", Input::Text, false),
    field("latitude", "Latitude", Input::Degrees(90.0), false),
    field("longitude", "Longitude", Input::Degrees(180.0), false),
    field("typologie", "Typologie (codes, ex. MUNI)", Input::List, false),
    field("presentation_detail", "Présentation détaillée", Input::Area, false),
    field("itinerance", "Itinérance", choices!(Itinerance), false),
    field("structure_parente", "Structure parente", Input::Text, false),
    field("publics_specifiquement_adresses", "Publics", choices!(Public), false),
    field("prise_en_charge_specifique", "Prise en charge spécifique", choices!(PriseEnCharge), false),
    field("dispositif_programmes_nationaux", "Dispositifs nationaux", choices!(Dispositif), false),
    field("formations_labels", "Formations et labels", choices!(FormationLabel), false),
    field("autres_formations_labels", "Autres formations et labels", Input::List, false),
    field("modalites_accompagnement", "Modalités d’accompagnement", choices!(ModaliteAccompagnement), false),
    field("fiche_acces_libre", "Fiche Acceslibre (adresse)", Input::Url, false),
    field("prise_rdv", "Prise de rendez-vous (adresse)", Input::Url, false),
];

/// The field of that name, if a proposal can change it.
pub fn field_named(name: &str) -> Option<&'static Field> {
    FIELDS.iter().find(|f| f.name == name)
}

/// Whether a new place must have the field (the standard's required ones the server does not give).
pub fn required(name: &str) -> bool {
    REQUIRED.contains(&name)
}

/// The place's values in the standard's text, one per field of [`FIELDS`] in its order ("" when
/// empty). A list, not a map by name: the form holds its values so, and one kind of map less is
/// 2 KiB less in the mediators' bundle.
pub fn standard_values(place: &Place) -> Vec<String> {
    let all: Vec<(&str, String)> = super::io::FIELDS.iter().copied().zip(field_values(place)).collect();
    FIELDS.iter().map(|f| all.iter().find(|(name, _)| *name == f.name).map(|(_, v)| v.clone()).unwrap_or_default()).collect()
}

/// A value in the standard's text as the form shows it: a phone as people read it, lists of
/// addresses separated by spaces; choices stay `|`-joined (the form ticks each).
pub fn shown(field: &Field, standard: &str) -> String {
    match field.input {
        Input::Tel => standard.parse::<PhoneNumber>().map_or_else(|_| standard.to_owned(), |p| p.to_string()),
        Input::Email | Input::Url => standard.replace('|', " "),
        Input::List => standard.replace('|', ", "),
        _ => standard.to_owned(),
    }
}

/// A typed value in the standard's text ("" empties the field), or why it cannot be one.
pub fn to_standard(field: &Field, typed: &str) -> Result<String, String> {
    let typed = typed.trim();
    let words = || typed.split(|c: char| c.is_whitespace() || matches!(c, ',' | ';' | '|')).filter(|w| !w.is_empty());
    let standard = match field.input {
        _ if typed.is_empty() => String::new(),
        Input::Tel => match typed.parse::<PhoneNumber>() {
            Ok(phone) => phone.tel_uri().trim_start_matches("tel:").to_owned(),
            Err(_) if is_phone(typed) => typed.to_owned(),
            Err(e) => return Err(format!("« {typed} » : {e} (par exemple 05 49 12 34 56)")),
        },
        Input::Email => {
            let addresses: Vec<&str> = words().collect();
            if let Some(bad) = addresses.iter().find(|a| !is_email(a)) {
                return Err(format!("« {bad} » : adresse e-mail attendue (ex. contact@mairie.fr)"));
            }
            addresses.join("|")
        }
        Input::Url => words()
            .map(|w| if w.starts_with("http://") || w.starts_with("https://") { w.to_owned() } else { format!("https://{w}") })
            .collect::<Vec<_>>()
            .join("|"),
        Input::List => typed.split(['|', ',', ';']).map(str::trim).filter(|w| !w.is_empty()).collect::<Vec<_>>().join("|"),
        Input::Degrees(limit) => match typed.replace(',', ".").parse::<f64>() {
            Ok(v) if v.is_finite() && v.abs() <= limit => v.to_string(),
            _ => return Err(format!("« {typed} » : nombre entre -{limit} et {limit} attendu")),
        },
        Input::Choices(all) => choice(&all(), typed)?,
        Input::Text | Input::Area => typed.to_owned(),
    };
    let ok = match field.name {
        "code_postal" => is_digits(&standard, 5) || standard.is_empty(),
        "code_insee" => is_insee(&standard) || standard.is_empty(),
        "pivot" => is_pivot(&standard) || standard.is_empty(),
        _ => true,
    };
    if !ok {
        let want = match field.name {
            "code_postal" => "5 chiffres attendus",
            "code_insee" => "code INSEE de 5 caractères attendu (ex. 86194)",
            _ => "9 à 14 lettres ou chiffres (SIRET ou RNA) attendus",
        };
        return Err(format!("« {typed} » : {want}"));
    }
    let length = standard.chars().count();
    if field.name == "presentation_resume" && length > MAX_SUMMARY {
        return Err(format!("{length} caractères : {MAX_SUMMARY} au plus"));
    }
    if standard.len() > MAX_VALUE {
        return Err(format!("{} octets : {MAX_VALUE} au plus", standard.len()));
    }
    Ok(standard)
}

/// A proposal as the device keeps it: changes in the standard's text, for a place (`place_id`)
/// or a new one (`None`), made from the registry `version` the phone held.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Proposal {
    pub id: Uuid,
    pub place_id: Option<String>,
    pub version: u64,
    pub changes: BTreeMap<String, String>,
    pub note: String,
}

/// The problems of a refused form, by field (`""` for the whole form), in French.
pub type Problems = Vec<(&'static str, String)>;

/// The proposal of the form's `typed` values (the text as typed, one per field of [`FIELDS`] in
/// its order; fields past the end are left as they are), for `place` or, without one, a new
/// place; or every problem by field.
///
/// A correction sends only the fields whose standard text differs from the place's, and may not
/// empty a required one. A new place needs every required field (its `pivot`, when not typed,
/// is [`UNKNOWN_PIVOT`]) and sends the fields that are not empty.
pub fn propose(id: Uuid, place: Option<&Place>, version: u64, typed: &[String], note: &str) -> Result<Proposal, Problems> {
    let current = place.map(standard_values).unwrap_or_default();
    let mut problems = Problems::new();
    let mut changes = BTreeMap::new();
    for (i, field) in FIELDS.iter().enumerate() {
        let value = match typed.get(i) {
            Some(text) => match to_standard(field, text) {
                Ok(value) => value,
                Err(reason) => {
                    problems.push((field.name, reason));
                    continue;
                }
            },
            None if place.is_some() => continue,
            None if field.name == "pivot" => UNKNOWN_PIVOT.to_owned(),
            None => String::new(),
        };
        let value = if place.is_none() && field.name == "pivot" && value.is_empty() { UNKNOWN_PIVOT.to_owned() } else { value };
        if value.is_empty() && required(field.name) {
            problems.push((field.name, "champ obligatoire vide".to_owned()));
        } else if current.get(i).map_or("", String::as_str) != value {
            changes.insert(field.name.to_owned(), value);
        }
    }
    let length = note.trim().chars().count();
    if length > MAX_NOTE {
        problems.push(("note", format!("{length} caractères : {MAX_NOTE} au plus")));
    }
    if problems.is_empty() && changes.is_empty() {
        problems.push(("", "aucun changement : modifiez au moins un champ".to_owned()));
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    Ok(Proposal { id, place_id: place.map(|p| p.id.clone()), version, changes, note: note.trim().to_owned() })
}

impl Proposal {
    /// The changed fields' labels, for the list of what waits on the phone.
    pub fn labels(&self) -> Vec<&'static str> {
        self.changes.keys().filter_map(|name| field_named(name)).map(|f| f.label.split(" (").next().unwrap_or(f.label)).collect()
    }
}
