//! Export of the standard's CSV and JSON forms: the fields in the standard's order and text,
//! then Repère's extension columns when some place uses them (what `io.rs` reads back).

use serde_json::{Map, Value};

use super::io::{EXTENSIONS, FIELDS, X_APPROXIMATE, X_AT_HOME};
use super::place::Place;

/// The place's fields as the standard writes them, in [`FIELDS`] order ("" when empty).
pub(super) fn field_values(place: &Place) -> [String; 32] {
    let opt = |v: &Option<String>| v.clone().unwrap_or_default();
    let (lat, lon) = place.position.map(|p| (p.lat.to_string(), p.lon.to_string())).unwrap_or_default();
    [
        place.id.clone(),
        place.pivot.clone(),
        place.nom.clone(),
        place.commune.clone(),
        place.code_postal.clone(),
        opt(&place.code_insee),
        place.adresse.clone(),
        opt(&place.complement_adresse),
        lat,
        lon,
        place.typologie.join("|"),
        opt(&place.telephone),
        place.courriels.join("|"),
        place.site_web.join("|"),
        place.horaires.as_ref().map(|h| h.as_str().to_owned()).unwrap_or_default(),
        opt(&place.presentation_resume),
        opt(&place.presentation_detail),
        opt(&place.source),
        place.itinerance.to_string(),
        opt(&place.structure_parente),
        crate::date::write_iso_date(place.date_maj),
        place.services.to_string(),
        place.publics_specifiquement_adresses.to_string(),
        place.prise_en_charge_specifique.to_string(),
        place.frais_a_charge.to_string(),
        place.dispositif_programmes_nationaux.to_string(),
        place.formations_labels.to_string(),
        place.autres_formations_labels.join("|"),
        place.modalites_acces.to_string(),
        place.modalites_accompagnement.to_string(),
        opt(&place.fiche_acces_libre),
        opt(&place.prise_rdv),
    ]
}

fn uses_extensions(places: &[Place]) -> bool {
    places.iter().any(|p| extension_values(p).iter().any(|v| !v.is_empty()))
}

fn extension_values(place: &Place) -> [String; 3] {
    let yes = |flag: bool| if flag { "true".to_owned() } else { String::new() };
    [yes(place.position.is_some_and(|p| p.approximate)), place.merged_ids.join("|"), yes(place.at_home)]
}

/// Writes the standard's CSV: the 32 columns in order, then Repère's columns if any place uses them.
pub fn export_csv(places: &[Place]) -> Vec<u8> {
    let extensions = uses_extensions(places);
    let mut writer = csv::Writer::from_writer(vec![]);
    let write = |writer: &mut csv::Writer<Vec<u8>>, row: &[String]| writer.write_record(row).expect("writing to memory");
    let mut header: Vec<String> = FIELDS.iter().map(|s| s.to_string()).collect();
    if extensions {
        header.extend(EXTENSIONS.map(str::to_owned));
    }
    write(&mut writer, &header);
    for place in places {
        let mut row = field_values(place).to_vec();
        if extensions {
            row.extend(extension_values(place));
        }
        write(&mut writer, &row);
    }
    writer.into_inner().expect("writing to memory")
}

/// Writes the standard's JSON: one object per place, empty fields left out, coordinates as numbers.
pub fn export_json(places: &[Place]) -> Vec<u8> {
    let rows: Vec<Value> = places
        .iter()
        .map(|place| {
            let mut object = Map::new();
            let names = FIELDS.iter().copied().chain(EXTENSIONS);
            let values = field_values(place).into_iter().chain(extension_values(place));
            for (name, value) in names.zip(values).filter(|(_, v)| !v.is_empty()) {
                let json = match name {
                    "latitude" | "longitude" => value.parse::<f64>().map(Value::from).unwrap_or(Value::String(value)),
                    X_APPROXIMATE | X_AT_HOME => Value::Bool(true),
                    _ => Value::String(value),
                };
                object.insert(name.to_owned(), json);
            }
            Value::Object(object)
        })
        .collect();
    serde_json::to_vec(&rows).expect("JSON of strings and numbers")
}
