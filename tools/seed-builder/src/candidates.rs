//! Candidate places (issue #15, part 6): the public libraries and the centres sociaux of the
//! Vienne, in the standard's CSV form (`seeds/candidats.csv`), for coordinators to verify before
//! anything reaches a resident (`repere-server candidates import`).
//!
//! What the sources say, and so what a candidate holds:
//! - Libraries (Ministère de la Culture, « Adresses des bibliothèques publiques », 2020): a name
//!   (`Libelle1`, completed by `Libelle2`), an address (`voie`, else `Localisation`; a `BP`/`CS`
//!   box is a mail address, not a door, and is dropped), postcode, commune (`code_insee_2026`) and
//!   coordinates. No phone, no e-mail, no opening hours (only a weekly amplitude), **no service**:
//!   the file lists libraries, not what they offer, so `services` stays empty and the coordinator
//!   fills it in when verifying (the decision's `changes`). `typologie` is `BIB`, the standard's
//!   code for « Bibliothèque / Médiathèque », which the source does say.
//! - Centres sociaux (a 2020 directory: name, truncated town, postcode): a name and a commune
//!   found by postcode and the town's first letters; **no address**, which the coordinator must
//!   give before accepting; `typologie` `CS` (centre social), the list's subject.
//!
//! Every candidate stands at its coordinates, else at its commune's centre (approximate), and
//! carries the source's date as `date_maj`: the day of its acceptance replaces it. The sources
//! hold no person's contact; the privacy rule of the registry is applied all the same.

use repere_core::date::iso_date;
use repere_core::label::LabelSet;
use repere_core::registry::{Place, Position};
use repere_core::territory::{Commune, Territory};
use repere_core::text::UNICODE;

use crate::privacy;

/// The date of each source's snapshot (PROVENANCE.md, section 5).
const LIBRARIES_DATE: &str = "2020-11-26";
const CENTRES_DATE: &str = "2020-12-05";
const UNKNOWN_PIVOT: &str = "00000000000000";

/// A candidate with only what every source gives; the rest empty.
fn blank(id: String, nom: String, commune: &Commune, code_postal: String, source: &str, day: &str) -> Place {
    Place {
        id,
        pivot: UNKNOWN_PIVOT.to_owned(),
        nom,
        commune: commune.nom.clone(),
        code_postal,
        code_insee: Some(commune.code_insee.clone()),
        adresse: String::new(),
        complement_adresse: None,
        position: Some(Position { lat: commune.centre.lat, lon: commune.centre.lon, approximate: true }),
        typologie: Vec::new(),
        telephone: None,
        courriels: Vec::new(),
        site_web: Vec::new(),
        horaires: None,
        presentation_resume: None,
        presentation_detail: None,
        source: Some(source.to_owned()),
        itinerance: LabelSet::new(),
        structure_parente: None,
        date_maj: iso_date(day).expect("the sources' dates are real dates"),
        services: LabelSet::new(),
        publics_specifiquement_adresses: LabelSet::new(),
        prise_en_charge_specifique: LabelSet::new(),
        frais_a_charge: LabelSet::new(),
        dispositif_programmes_nationaux: LabelSet::new(),
        formations_labels: LabelSet::new(),
        autres_formations_labels: Vec::new(),
        modalites_acces: LabelSet::new(),
        modalites_accompagnement: LabelSet::new(),
        fiche_acces_libre: None,
        prise_rdv: None,
        merged_ids: Vec::new(),
        at_home: false,
        arrets: vec![],
    }
}

/// The source's postcode if it is one of the commune's, else the commune's first (a CEDEX code,
/// a typo such as `860000`), said on stdout.
fn postcode(id: &str, given: &str, commune: &Commune) -> String {
    if commune.codes_postaux.iter().any(|c| c == given) {
        return given.to_owned();
    }
    let code = commune.codes_postaux.first().cloned().unwrap_or_default();
    println!("{id} : code postal « {given} » remplacé par {code}, celui de {}", commune.nom);
    code
}

fn clean(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn is_mail_box(text: &str) -> bool {
    let t = text.trim().to_ascii_uppercase();
    t.starts_with("BP ") || t.starts_with("CS ")
}

/// The libraries, in the source's order.
pub fn libraries(csv_bytes: &[u8], territory: &Territory) -> Result<Vec<Place>, String> {
    let mut reader = csv::Reader::from_reader(csv_bytes);
    let header = reader.headers().map_err(|e| format!("bibliothèques : {e}"))?.clone();
    let column = |name: &str| header.iter().position(|h| h == name).ok_or(format!("bibliothèques : colonne {name} absente"));
    let [l1, l2, loc, voie, cp, ville, insee, code_bib, ban, lat, lon] = [
        "Libelle1",
        "Libelle2",
        "Localisation",
        "voie",
        "CP",
        "Ville",
        "code_insee_2026",
        "code_bib",
        "coordonnees_ban",
        "latitude",
        "longitude",
    ]
    .map(column);
    let (l1, l2, loc, voie, cp, ville, insee, code_bib, ban, lat, lon) =
        (l1?, l2?, loc?, voie?, cp?, ville?, insee?, code_bib?, ban?, lat?, lon?);
    let mut places = Vec::new();
    for (n, record) in reader.records().enumerate() {
        let line = n + 2;
        let record = record.map_err(|e| format!("bibliothèques ligne {line} : {e}"))?;
        let bib = record[code_bib].trim().trim_end_matches(".0");
        let id = format!("bibliotheque-{bib}");
        let coded =
            territory.by_code(record[insee].trim()).ok_or(format!("bibliothèques ligne {line} : commune {} inconnue", &record[insee]))?;
        // The INSEE code and the town disagree once (« Ludotrot », Jaunay-Marigny, coded Poitiers):
        // the town whose postcode is the one given wins.
        let mut moved = false;
        let commune = match commune_of(&record[ville], record[cp].trim(), territory) {
            Some(named) if named.code_insee != coded.code_insee && named.codes_postaux.iter().any(|p| p == record[cp].trim()) => {
                println!(
                    "{id} : commune {} (code {}) remplacée par {}, la ville et le code postal donnés",
                    coded.nom, coded.code_insee, named.nom
                );
                moved = true;
                named
            }
            _ => coded,
        };
        let mut nom = clean(&record[l1]);
        let folded = UNICODE.fold(&nom);
        if !folded.contains("biblio") && !folded.contains("media") {
            // « Mairie », « Ludotheque », « Espace culturel … »: the source lists a library housed there.
            nom = format!("Bibliothèque – {nom}");
        }
        if !record[l2].trim().is_empty() {
            nom = format!("{nom} – {}", clean(&record[l2]));
        }
        let mut place = blank(id.clone(), nom, commune, postcode(&id, record[cp].trim(), commune), SOURCE_LIBRARIES, LIBRARIES_DATE);
        let location = clean(&record[loc]);
        let street = clean(&record[voie]);
        let location = (!location.is_empty() && !is_mail_box(&location)).then_some(location);
        (place.adresse, place.complement_adresse) = match (street.is_empty(), location) {
            (false, location) => (street, location),
            (true, Some(location)) => (location, None),
            (true, None) => (String::new(), None),
        };
        // Coordinates without a geocoded address (`coordonnees_ban`) are the commune's centroid:
        // approximate; those of a commune replaced above are another commune's: not used.
        if let (Ok(lat), Ok(lon), false) = (record[lat].trim().parse::<f64>(), record[lon].trim().parse::<f64>(), moved) {
            place.position = Some(Position { lat, lon, approximate: record[ban].trim().is_empty() });
        }
        place.typologie = vec!["BIB".to_owned()];
        places.push(place);
    }
    Ok(places)
}

/// The centres sociaux, in the source's order.
pub fn centres_sociaux(csv_bytes: &[u8], territory: &Territory) -> Result<Vec<Place>, String> {
    let mut reader = csv::Reader::from_reader(csv_bytes);
    let mut places = Vec::new();
    for (n, record) in reader.records().enumerate() {
        let line = n + 2;
        let record = record.map_err(|e| format!("centres sociaux ligne {line} : {e}"))?;
        let [id, nom, ville, cp] = [0, 1, 2, 3].map(|i| record.get(i).unwrap_or("").trim().to_owned());
        let id = format!("centre-social-{id}");
        let commune =
            commune_of(&ville, &cp, territory).ok_or(format!("centres sociaux ligne {line} : commune « {ville} » ({cp}) introuvable"))?;
        let mut place = blank(id.clone(), clean(&nom), commune, postcode(&id, &cp, commune), SOURCE_CENTRES, CENTRES_DATE);
        place.typologie = vec!["CS".to_owned()];
        places.push(place);
    }
    Ok(places)
}

/// The commune whose folded name starts with the (often truncated) town's, preferring those
/// with the postcode given (its first four digits when it has six, as `860000`).
fn commune_of<'t>(ville: &str, cp: &str, territory: &'t Territory) -> Option<&'t Commune> {
    let town = UNICODE.fold(ville);
    let exact: Vec<&Commune> = territory.communes().iter().filter(|c| UNICODE.fold(&c.nom) == town).collect();
    let named: Vec<&Commune> = if exact.is_empty() {
        territory.communes().iter().filter(|c| UNICODE.fold(&c.nom).split([' ', '-', '\'']).any(|w| w == town)).collect()
    } else {
        exact
    };
    let prefix = &cp[..cp.len().min(4)];
    named
        .iter()
        .find(|c| c.codes_postaux.iter().any(|p| p == cp))
        .or_else(|| named.iter().find(|c| c.codes_postaux.iter().any(|p| p.starts_with(prefix))))
        .or_else(|| if named.len() == 1 { named.first() } else { None })
        .copied()
}

pub const SOURCE_LIBRARIES: &str = "Ministère de la Culture, adresses des bibliothèques publiques (2020)";
pub const SOURCE_CENTRES: &str = "Annuaire des centres sociaux (2020, via dataforgoodfr/batch8_mednum)";

/// Both lists, with the registry's privacy rule applied and what was done printed.
pub fn build(libraries_csv: &[u8], centres_csv: &[u8], territory: &Territory) -> Result<Vec<Place>, String> {
    let mut places = libraries(libraries_csv, territory)?;
    let libraries = places.len();
    places.extend(centres_sociaux(centres_csv, territory)?);
    privacy::drop_personal_contacts(&mut places);
    let no_address: Vec<&str> = places.iter().filter(|p| p.adresse.is_empty()).map(|p| p.id.as_str()).collect();
    let approximate = places.iter().filter(|p| p.position.is_some_and(|q| q.approximate)).count();
    println!(
        "candidats : {libraries} bibliothèques, {} centres sociaux ; {approximate} au centre de leur commune ; sans adresse (à compléter) : {}",
        places.len() - libraries,
        no_address.len()
    );
    Ok(places)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn territory() -> Territory {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/data/territoire/communes-86.csv");
        Territory::from_csv(&std::fs::read(path).unwrap(), UNICODE).unwrap()
    }

    #[test]
    fn truncated_towns_find_their_commune_and_an_exact_name_wins() {
        let t = territory();
        let name = |ville: &str, cp: &str| commune_of(ville, cp, &t).map(|c| c.nom.as_str());
        assert_eq!(name("Roche", "86270"), Some("La Roche-Posay"));
        assert_eq!(name("Roches", "86340"), Some("Roches-Prémarie-Andillé"));
        assert_eq!(name("Isle", "86150"), Some("L'Isle-Jourdain"));
        assert_eq!(name("Poitiers", "860000"), Some("Poitiers"));
        assert_eq!(name("USSEAU", "86230"), Some("Usseau"), "not Leigné-sur-Usseau, which shares the postcode");
        assert_eq!(name("Atlantide", "86000"), None);
    }

    #[test]
    fn a_library_keeps_what_its_row_says_and_nothing_more() {
        let header = "Libelle1,Libelle2,Localisation,voie,CP,CEDEXB,Ville,DEPT,INSEE,coordonnees_ban,coordonnees_insee,coordonnees_finales,code_bib,code_ua,Code region,Statut,surface,type_adresse,amplitude_horaire,pop_com,code_insee_2026,latitude,longitude";
        let rows = [
            "Mairie,,,11 RUE DU SALLERON,86310,,Béthines,86,86025,\"46.5, 0.9\",,,3897.0,,75,Bibliothèque municipale,,Bibliothèque ouverte au public,,,86025,46.548301,0.965",
            "Mediatheque Francois-Mitterrand,,CS 70619,4 RUE DE L'UNIVERSITE,86022,CEDEX,POITIERS,86,86194,,,,3918.0,,75,Bibliothèque municipale classée,,Bibliothèque ouverte au public,,,86194,46.58,0.35",
        ];
        let csv = format!("{header}\n{}\n", rows.join("\n"));
        let places = libraries(csv.as_bytes(), &territory()).unwrap();
        assert_eq!(places[0].nom, "Bibliothèque – Mairie");
        assert_eq!((places[0].id.as_str(), places[0].position.unwrap().approximate), ("bibliotheque-3897", false));
        assert_eq!((places[1].code_postal.as_str(), places[1].complement_adresse.as_deref()), ("86000", None), "CEDEX and CS box dropped");
        assert!(places[1].position.unwrap().approximate, "no geocoded address: the commune's centroid");
        assert!(places.iter().all(|p| p.services.is_empty() && p.telephone.is_none() && p.typologie == ["BIB"]));
    }
}
