//! Import of the standard's CSV and JSON forms (their export is `write.rs`).
//!
//! Both forms go through one reader of a *record* (a field name → text lookup), so CSV and
//! JSON accept exactly the same values and report the same errors.

use std::collections::HashMap;
use std::fmt;

use serde_json::Value;

use super::checks::{check, coordinate, flag, is_digits, is_email, is_insee, is_phone, is_pivot};
use super::place::{Place, Position};
use super::stop::{X_STOPS, read_device_stops};
use crate::date::iso_date;
use crate::hours::{Schedule, Timetable, Window};
use crate::label::{Label, LabelSet};

/// The 32 fields of the standard v1.0.2, in its order (the CSV header export writes).
pub const FIELDS: [&str; 32] = [
    "id",
    "pivot",
    "nom",
    "commune",
    "code_postal",
    "code_insee",
    "adresse",
    "complement_adresse",
    "latitude",
    "longitude",
    "typologie",
    "telephone",
    "courriels",
    "site_web",
    "horaires",
    "presentation_resume",
    "presentation_detail",
    "source",
    "itinerance",
    "structure_parente",
    "date_maj",
    "services",
    "publics_specifiquement_adresses",
    "prise_en_charge_specifique",
    "frais_a_charge",
    "dispositif_programmes_nationaux",
    "formations_labels",
    "autres_formations_labels",
    "modalites_acces",
    "modalites_accompagnement",
    "fiche_acces_libre",
    "prise_rdv",
];

/// The 7 fields the standard requires.
pub const REQUIRED: [&str; 7] = ["id", "pivot", "nom", "commune", "code_postal", "adresse", "date_maj"];

/// The standard's `maxLength` for `presentation_resume`.
pub(super) const MAX_SUMMARY: usize = 280;

/// Repère's own columns, written only when used.
pub(super) const X_APPROXIMATE: &str = "x_position_approximative";
const X_MERGED: &str = "x_ids_fusionnes";
/// The structure visits people at home: the standard has no field for it, the département
/// records it (`true`), and residents can filter on it.
pub(super) const X_AT_HOME: &str = "x_se_deplace_a_domicile";
/// Repère's columns, in the order exports write them.
pub(super) const EXTENSIONS: [&str; 3] = [X_APPROXIMATE, X_MERGED, X_AT_HOME];
/// The compiled opening hours, in the registry's device format only (see [`Timetable`]).
pub(super) const X_TIMETABLE: &str = "x_horaires_calcules";

/// One problem in an imported file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ImportError {
    /// CSV: the line of the file (the header is line 1). JSON: the position in the array, from 1.
    /// 0 when the whole file is unreadable.
    pub row: usize,
    /// The field concerned, or "" for the whole row or file.
    pub field: &'static str,
    pub reason: String,
}

impl fmt::Display for ImportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.row, self.field) {
            (0, _) => write!(f, "fichier : {}", self.reason),
            (row, "") => write!(f, "ligne {row} : {}", self.reason),
            (row, field) => write!(f, "ligne {row}, champ {field} : {}", self.reason),
        }
    }
}

/// What an import kept and what it refused. A row with any error is left out whole.
#[derive(Debug, Default)]
pub struct Import {
    pub places: Vec<Place>,
    pub errors: Vec<ImportError>,
}

impl Import {
    /// All or nothing: the places if every row was good, else every problem. A registry that is
    /// published, bundled or held by a phone is whole; only a keeper's review reads a partial one.
    pub fn whole(self) -> Result<Vec<Place>, Vec<ImportError>> {
        if self.errors.is_empty() { Ok(self.places) } else { Err(self.errors) }
    }
}

/// Reads the standard's CSV (UTF-8, comma-separated, header first), compiling opening hours for
/// `years`. Unknown columns are ignored.
pub fn import_csv(bytes: &[u8], years: Window) -> Import {
    let bytes = bytes.strip_prefix("\u{feff}".as_bytes()).unwrap_or(bytes);
    let mut reader = csv::ReaderBuilder::new().has_headers(false).flexible(true).from_reader(bytes);
    let mut import = Import::default();
    let mut record = csv::ByteRecord::new();
    let header: Vec<String> = match reader.read_byte_record(&mut record) {
        Ok(true) => record.iter().map(|h| String::from_utf8_lossy(h).trim().to_owned()).collect(),
        Ok(false) => return import_file_error("le fichier est vide"),
        Err(e) => return import_file_error(&format!("CSV illisible : {e}")),
    };
    let columns: HashMap<&str, usize> = header.iter().enumerate().map(|(i, h)| (h.as_str(), i)).collect();
    if let Some(err) = missing_required(|f| columns.contains_key(f), 1) {
        return Import { places: vec![], errors: err };
    }
    let mut ids = HashMap::new();
    loop {
        let row = reader.position().line() as usize;
        match reader.read_byte_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {
                if record.len() != header.len() {
                    let reason = format!("{} champs alors que l'en-tête en a {}", record.len(), header.len());
                    import.errors.push(ImportError { row, field: "", reason });
                    continue;
                }
                let mut utf8_errors = vec![];
                let get = |field: &'static str| -> Result<Option<String>, String> {
                    let Some(&i) = columns.get(field) else { return Ok(None) };
                    match std::str::from_utf8(&record[i]) {
                        Ok(s) => Ok(Some(s.to_owned())),
                        Err(_) => Err("texte qui n'est pas de l'UTF-8".to_owned()),
                    }
                };
                let fields = |field: &'static str| match get(field) {
                    Ok(v) => v,
                    Err(reason) => {
                        utf8_errors.push(ImportError { row, field, reason });
                        None
                    }
                };
                let result = read_place(fields, |raw| parse_hours(raw, years));
                accept(&mut import, &mut ids, row, result, utf8_errors);
            }
            Err(e) => {
                // Reading bytes from memory, the only error left is a broken file: stop there.
                import.errors.push(ImportError { row, field: "", reason: format!("CSV illisible : {e}") });
                break;
            }
        }
    }
    import
}

/// Reads the standard's JSON: an array of objects keyed by the field names, values as text
/// (`latitude` and `longitude` may be numbers). Opening hours are compiled for `years` (a
/// compiled timetable in the row, as the device format has, is ignored).
pub fn import_json(bytes: &[u8], years: Window) -> Import {
    match serde_json::from_slice::<Value>(bytes) {
        Ok(Value::Array(rows)) => import_json_rows(&rows, years),
        Ok(_) => import_file_error("le JSON doit être une liste d'objets"),
        Err(e) => import_file_error(&format!("JSON illisible : {e}")),
    }
}

/// [`import_json`] on rows already parsed (a registry document's `places`): opening hours are
/// parsed from their OSM text and compiled for `years`.
pub fn import_json_rows(rows: &[Value], years: Window) -> Import {
    read_rows(rows, &|raw, _| parse_hours(raw, years))
}

/// Rows in the device format (written by [`device_places`](super::device_places)): every field
/// is checked, opening hours are taken as compiled then. This is how a phone reads a registry,
/// with no OSM parser.
pub fn read_device_rows(rows: &[Value]) -> Import {
    read_rows(rows, &compiled_hours)
}

fn read_rows(rows: &[Value], hours: HoursReader) -> Import {
    let mut import = Import::default();
    let mut ids = HashMap::new();
    for (i, value) in rows.iter().enumerate() {
        let row = i + 1;
        let Value::Object(object) = value else {
            import.errors.push(ImportError { row, field: "", reason: "un objet est attendu".to_owned() });
            continue;
        };
        if let Some(errors) = missing_required(|f| object.contains_key(f), row) {
            import.errors.extend(errors);
            continue;
        }
        let mut type_errors = vec![];
        let fields = |field: &'static str| match object.get(field) {
            None | Some(Value::Null) => None,
            Some(Value::String(s)) => Some(s.clone()),
            Some(Value::Number(n)) => Some(n.to_string()),
            Some(Value::Bool(b)) if field == X_APPROXIMATE || field == X_AT_HOME => Some(b.to_string()),
            Some(_) => {
                type_errors.push(ImportError { row, field, reason: "du texte est attendu".to_owned() });
                None
            }
        };
        let compiled = object.get(X_TIMETABLE);
        let mut result = read_place(fields, |raw| hours(raw, compiled));
        if let Some(stops) = object.get(X_STOPS).filter(|v| !v.is_null()) {
            result = match (result, read_device_stops(stops, hours)) {
                (Ok(place), Ok(arrets)) => Ok(Place { arrets, ..place }),
                (Ok(_), Err(problems)) => Err(problems),
                (Err(mut problems), stops) => {
                    problems.extend(stops.err().unwrap_or_default());
                    Err(problems)
                }
            };
        }
        accept(&mut import, &mut ids, row, result, type_errors);
    }
    import
}

fn import_file_error(reason: &str) -> Import {
    Import { places: vec![], errors: vec![ImportError { row: 0, field: "", reason: reason.to_owned() }] }
}

fn missing_required(has: impl Fn(&str) -> bool, row: usize) -> Option<Vec<ImportError>> {
    let missing: Vec<_> = REQUIRED
        .iter()
        .filter(|f| !has(f))
        .map(|&field| ImportError { row, field, reason: "champ obligatoire absent".to_owned() })
        .collect();
    (!missing.is_empty()).then_some(missing)
}

/// Keeps a place whose row had no error and whose id is new; records the errors otherwise.
fn accept(
    import: &mut Import,
    ids: &mut HashMap<String, usize>,
    row: usize,
    result: Result<Place, Vec<(&'static str, String)>>,
    mut errors: Vec<ImportError>,
) {
    match result {
        Ok(place) if errors.is_empty() => {
            if let Some(first) = ids.get(&place.id) {
                let reason = format!("identifiant « {} » déjà utilisé ligne {first}", place.id);
                import.errors.push(ImportError { row, field: "id", reason });
            } else {
                ids.insert(place.id.clone(), row);
                import.places.push(place);
            }
        }
        Ok(_) => import.errors.append(&mut errors),
        Err(problems) => {
            import.errors.append(&mut errors);
            import.errors.extend(problems.into_iter().map(|(field, reason)| ImportError { row, field, reason }));
        }
    }
}

/// Reads one record through `get` (field name → raw text). Returns the place, or every
/// problem found in the record.
/// How a record's opening hours become a [`Schedule`]: parsed and compiled from the OSM text
/// (an import, [`parse_hours`]), or read compiled from the device format, where an earlier import
/// wrote them ([`compiled_hours`]). Two functions rather than a flag, so that a phone's build,
/// which only ever reads the device format, links no OSM parser.
pub(super) type HoursReader<'a> = &'a dyn Fn(&str, Option<&Value>) -> Result<Schedule, (&'static str, String)>;

fn parse_hours(raw: &str, years: Window) -> Result<Schedule, (&'static str, String)> {
    Schedule::parse(raw, years).map_err(|e| ("horaires", format!("horaires illisibles « {raw} » : {e}")))
}

fn compiled_hours(raw: &str, compiled: Option<&Value>) -> Result<Schedule, (&'static str, String)> {
    let value = compiled.ok_or((X_TIMETABLE, "horaires calculés absents (registre d'une version antérieure)".to_owned()))?;
    Timetable::from_json(value).map(|table| Schedule::compiled(raw, table)).map_err(|e| (X_TIMETABLE, e))
}

fn read_place(
    mut get: impl FnMut(&'static str) -> Option<String>,
    hours: impl FnOnce(&str) -> Result<Schedule, (&'static str, String)>,
) -> Result<Place, Vec<(&'static str, String)>> {
    let mut problems: Vec<(&'static str, String)> = vec![];
    let mut text = |field: &'static str| get(field).map(|s| s.trim().to_owned()).filter(|s| !s.is_empty());
    let mut values: HashMap<&'static str, String> = HashMap::new();
    for field in FIELDS.iter().copied().chain(EXTENSIONS) {
        if let Some(v) = text(field) {
            values.insert(field, v);
        }
    }
    let mut take = |field: &'static str| values.remove(field);

    let required = |field: &'static str, value: Option<String>, problems: &mut Vec<_>| {
        value.unwrap_or_else(|| {
            problems.push((field, "champ obligatoire vide".to_owned()));
            String::new()
        })
    };
    let list = |value: Option<String>| -> Vec<String> {
        value.map(|v| v.split('|').map(str::trim).filter(|s| !s.is_empty()).map(str::to_owned).collect()).unwrap_or_default()
    };
    let id = required("id", take("id"), &mut problems);
    let pivot = required("pivot", take("pivot"), &mut problems);
    check(&mut problems, "pivot", &pivot, is_pivot, "9 à 14 lettres ou chiffres (SIRET ou RNA) attendus");
    let nom = required("nom", take("nom"), &mut problems);
    let commune = required("commune", take("commune"), &mut problems);
    let code_postal = required("code_postal", take("code_postal"), &mut problems);
    check(&mut problems, "code_postal", &code_postal, |s| is_digits(s, 5), "5 chiffres attendus");
    let adresse = required("adresse", take("adresse"), &mut problems);
    let code_insee = take("code_insee");
    if let Some(code) = &code_insee {
        check(&mut problems, "code_insee", code, is_insee, "code INSEE de 5 caractères attendu (ex. 86194)");
    }
    let courriels = list(take("courriels"));
    for address in &courriels {
        check(&mut problems, "courriels", address, is_email, "adresse e-mail attendue (ex. contact@mairie.fr)");
    }
    let presentation_resume = take("presentation_resume");
    if let Some(text) = &presentation_resume {
        let length = text.chars().count();
        if length > MAX_SUMMARY {
            problems.push(("presentation_resume", format!("{length} caractères : {MAX_SUMMARY} au plus")));
        }
    }
    let telephone = take("telephone");
    if let Some(tel) = &telephone {
        check(&mut problems, "telephone", tel, is_phone, "format international attendu (ex. +33549123456)");
    }

    let position = match (take("latitude"), take("longitude")) {
        (None, None) => None,
        (Some(lat), Some(lon)) => {
            let lat = coordinate(&mut problems, "latitude", &lat, 90.0);
            let lon = coordinate(&mut problems, "longitude", &lon, 180.0);
            let approximate = flag(&mut problems, X_APPROXIMATE, take(X_APPROXIMATE));
            lat.zip(lon).map(|(lat, lon)| Position { lat, lon, approximate })
        }
        (Some(_), None) => {
            problems.push(("longitude", "latitude sans longitude".to_owned()));
            None
        }
        (None, Some(_)) => {
            problems.push(("latitude", "longitude sans latitude".to_owned()));
            None
        }
    };

    let horaires = take("horaires").and_then(|raw| match hours(&raw) {
        Ok(h) => Some(h),
        Err(problem) => {
            problems.push(problem);
            None
        }
    });
    let date_maj = match take("date_maj") {
        None => {
            problems.push(("date_maj", "champ obligatoire vide".to_owned()));
            None
        }
        Some(raw) => match iso_date(&raw) {
            Some(d) => Some(d),
            None => {
                problems.push(("date_maj", format!("« {raw} » : date AAAA-MM-JJ attendue")));
                None
            }
        },
    };

    fn set<T: Label>(problems: &mut Vec<(&'static str, String)>, value: Option<String>) -> LabelSet<T> {
        LabelSet::parse(value.as_deref().unwrap_or("")).unwrap_or_else(|e| {
            problems.push((T::FIELD, e));
            LabelSet::new()
        })
    }
    let place = Place {
        itinerance: set(&mut problems, take("itinerance")),
        services: set(&mut problems, take("services")),
        publics_specifiquement_adresses: set(&mut problems, take("publics_specifiquement_adresses")),
        prise_en_charge_specifique: set(&mut problems, take("prise_en_charge_specifique")),
        frais_a_charge: set(&mut problems, take("frais_a_charge")),
        dispositif_programmes_nationaux: set(&mut problems, take("dispositif_programmes_nationaux")),
        formations_labels: set(&mut problems, take("formations_labels")),
        modalites_acces: set(&mut problems, take("modalites_acces")),
        modalites_accompagnement: set(&mut problems, take("modalites_accompagnement")),
        id,
        pivot,
        nom,
        commune,
        code_postal,
        code_insee,
        adresse,
        complement_adresse: take("complement_adresse"),
        position,
        typologie: list(take("typologie")),
        telephone,
        courriels,
        site_web: list(take("site_web")),
        horaires,
        presentation_resume,
        presentation_detail: take("presentation_detail"),
        source: take("source"),
        structure_parente: take("structure_parente"),
        date_maj: date_maj.unwrap_or_default(),
        autres_formations_labels: list(take("autres_formations_labels")),
        fiche_acces_libre: take("fiche_acces_libre"),
        prise_rdv: take("prise_rdv"),
        merged_ids: list(take(X_MERGED)),
        at_home: flag(&mut problems, X_AT_HOME, take(X_AT_HOME)),
        arrets: vec![],
    };
    if problems.is_empty() { Ok(place) } else { Err(problems) }
}
