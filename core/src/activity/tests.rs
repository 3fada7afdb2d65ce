//! The contact record's rules, and its taxonomy checked against the national one.

use super::*;
use serde_json::Value;

fn taxonomy() -> Value {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../shared/data/taxonomies/coop-mediation-numerique-cra.json");
    serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap()
}

/// Each list of ours equals the national one: same codes, same labels, same order.
fn same<T: Label>(key: &str, code: fn(T) -> &'static str, ours: &[T]) {
    let theirs: Vec<(String, String)> = taxonomy()[key]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            let code = e.get("api_value").or_else(|| e.get("db_value")).unwrap().as_str().unwrap();
            (code.to_owned(), e["label"].as_str().unwrap().to_owned())
        })
        .collect();
    let ours: Vec<(String, String)> = ours.iter().map(|v| (code(*v).to_owned(), v.label().to_owned())).collect();
    assert_eq!(ours, theirs, "{key}");
}

#[test]
fn values_and_labels_are_the_national_ones_verbatim() {
    same("type_activite", TypeActivite::code, &TypeActivite::ALL[..2]);
    same("thematiques_non_administratives", Thematique::code, Thematique::ALL);
    same("thematiques_administratives", ThematiqueAdministrative::code, ThematiqueAdministrative::ALL);
    same("materiel", Materiel::code, Materiel::ALL);
    same("type_lieu", TypeLieu::code, TypeLieu::ALL);
    same("autonomie", Autonomie::code, Autonomie::ALL);
    same("structures_redirection", StructureRedirection::code, StructureRedirection::ALL);
    same("niveau_atelier", NiveauAtelier::code, NiveauAtelier::ALL);
    same("genre", Genre::code, Genre::ALL);
    same("tranche_age", TrancheAge::code, TrancheAge::ALL);
    same("statut_social", StatutSocial::code, StatutSocial::ALL);
    let presets: Vec<u64> =
        taxonomy()["duree_accompagnement_choix"].as_array().unwrap().iter().filter_map(|e| e["minutes"].as_u64()).collect();
    assert_eq!(presets, DURATION_PRESETS.map(u64::from));
}

pub(crate) fn individual() -> Contact {
    Contact {
        id: uuid::Builder::from_unix_timestamp_millis(1_795_000_000_000, &[7; 10]).into_uuid(),
        type_activite: TypeActivite::Individuel,
        debut: chrono::NaiveDate::from_ymd_opt(2026, 11, 28).unwrap().and_hms_opt(10, 30, 0).unwrap(),
        duree_min: 30,
        lieu: Lieu::Bus(None),
        thematiques: [Thematique::AideAuxDemarchesAdministratives].into_iter().collect(),
        thematiques_administratives: [ThematiqueAdministrative::SocialSante].into_iter().collect(),
        materiel: [Materiel::Telephone].into_iter().collect(),
        autonomie: Some(Autonomie::EntierementAccompagne),
        orientation: None,
        niveau_atelier: None,
        beneficiaire: Beneficiaire {
            tranche_age: Some(TrancheAge::SoixanteDixPlus),
            statut: Some(StatutSocial::Retraite),
            genre: None,
            commune: Some("86078".into()),
        },
        participants: Participants::default(),
        session: None,
    }
}

#[test]
fn a_quick_count_at_a_stand_needs_no_theme() {
    let mut quick = individual();
    quick.type_activite = TypeActivite::Ponctuel;
    quick.thematiques = LabelSet::new();
    quick.thematiques_administratives = LabelSet::new();
    assert_eq!(quick.check(), vec![]);
}

#[test]
fn a_typical_contact_is_valid() {
    assert_eq!(individual().check(), vec![]);
    assert_eq!(individual().lieu.type_lieu(), TypeLieu::Autre);
}

#[test]
fn each_problem_names_its_field() {
    let fields = |c: Contact| c.check().into_iter().map(|p| p.field).collect::<Vec<_>>();
    let mut c = individual();
    c.duree_min = 0;
    c.thematiques = LabelSet::new();
    assert_eq!(fields(c), ["duree", "thematiques", "thematiques_administratives"]);
    let mut c = individual();
    c.beneficiaire.commune = Some("Civray".into());
    c.participants.par_age[0] = 3;
    assert_eq!(fields(c), ["commune", "participants"]);
    let mut workshop = individual();
    workshop.type_activite = TypeActivite::Collectif;
    assert_eq!(fields(workshop.clone()), ["participants", "beneficiaire", "autonomie"]);
    workshop.beneficiaire = Beneficiaire::default();
    workshop.autonomie = None;
    workshop.participants.par_age = [4, 2, 0, 0, 0, 0, 0, 0];
    workshop.participants.par_statut = [5, 0, 0, 0, 0];
    assert_eq!(fields(workshop.clone()), ["participants"], "6 by age, 5 by status");
    workshop.participants.par_statut = [5, 1, 0, 0, 0];
    assert_eq!(workshop.check(), vec![]);
    let mut c = individual();
    c.id = uuid::Uuid::nil();
    assert_eq!(c.check()[0].to_string(), "id : identifiant UUIDv7 attendu");
}

/// Regression: a year-0 date, and a name, phone and e-mail written as a place id, were
/// accepted and stored word for word.
#[test]
fn dates_are_plausible_and_place_ids_cannot_hold_free_text() {
    let fields = |c: Contact| c.check().into_iter().map(|p| p.field).collect::<Vec<_>>();
    let mut c = individual();
    c.debut = chrono::NaiveDate::from_ymd_opt(0, 1, 1).unwrap().and_hms_opt(10, 0, 0).unwrap();
    assert_eq!(fields(c), ["debut"]);
    for free_text in ["Jean Dupont 06 12 34 56 78", "jean@example.fr", "", &"a".repeat(MAX_PLACE_ID_LEN + 1)] {
        let mut c = individual();
        c.lieu = Lieu::Registre(free_text.to_owned());
        c.orientation = Some(Orientation { structure: StructureRedirection::Autre, lieu: Some(free_text.to_owned()) });
        assert_eq!(fields(c), ["lieu", "orientation"], "{free_text:?}");
    }
    let mut c = individual();
    c.lieu = Lieu::Registre("aidants-connect-b88e5f1a-e136-4ecf-9b90-8cdd4f49f1b9".into());
    assert_eq!(c.check(), vec![]);
}

struct Known;
impl References for Known {
    fn is_place(&self, id: &str) -> bool {
        id == "france-services-2842"
    }
    fn is_stop(&self, id: &str) -> bool {
        id == "bus-lusignan"
    }
    fn is_commune(&self, code: &str) -> bool {
        code.starts_with("86")
    }
}

#[test]
fn references_must_name_a_known_place_and_a_commune_of_the_territory() {
    let fields = |c: &Contact| c.check_references(&Known).into_iter().map(|p| p.field).collect::<Vec<_>>();
    let mut c = individual();
    assert_eq!(fields(&c), Vec::<&str>::new());
    c.lieu = Lieu::Registre("france-services-9999".into());
    c.orientation = Some(Orientation { structure: StructureRedirection::Autre, lieu: Some("france-services-2842".into()) });
    c.beneficiaire.commune = Some("75056".into());
    assert_eq!(fields(&c), ["lieu", "commune"]);
    c.lieu = Lieu::Commune("79191".into());
    c.orientation.as_mut().unwrap().lieu = Some("nowhere".into());
    c.beneficiaire.commune = Some("86194".into());
    assert_eq!(fields(&c), ["lieu", "orientation"]);
}
