use super::*;

fn at(h: u32, m: u32) -> NaiveDateTime {
    chrono::NaiveDate::from_ymd_opt(2026, 11, 28).unwrap().and_hms_opt(h, m, 0).unwrap()
}

fn v7(n: u8) -> Uuid {
    uuid::Builder::from_unix_timestamp_millis(1_764_000_000_000, &[n; 10]).into_uuid()
}

/// The Vienne as far as these tests go.
fn code(name: &str) -> Option<String> {
    match name.to_lowercase().as_str() {
        "civray" => Some("86078".into()),
        "poitiers" => Some("86194".into()),
        _ => None,
    }
}

fn name(code: &str) -> Option<String> {
    match code {
        "86078" => Some("Civray".into()),
        "86194" => Some("Poitiers".into()),
        _ => None,
    }
}

/// A typical contact: one theme, an age band and a status.
fn typical() -> Draft {
    let mut d = Draft::new(Remembered::default());
    d.toggle_theme(Thematique::AideAuxDemarchesAdministratives);
    d.tranche_age = Some(TrancheAge::SoixanteDixPlus);
    d.statut = Some(StatutSocial::Retraite);
    d
}

fn fields(result: Result<Contact, Vec<Problem>>) -> Vec<String> {
    result.unwrap_err().iter().map(|p| format!("{} : {}", field_words(p.field), p.reason)).collect()
}

#[test]
fn a_typical_contact_is_made_with_the_remembered_choices() {
    let c = typical().to_contact(v7(1), at(10, 0), None, code).unwrap();
    assert_eq!(
        (c.id, c.type_activite, c.duree_min, c.lieu.clone(), c.debut),
        (v7(1), TypeActivite::Individuel, 30, Lieu::Bus(None), at(10, 0))
    );
    assert_eq!(c.beneficiaire.tranche_age, Some(TrancheAge::SoixanteDixPlus));
    assert_eq!(c.session, None);
}

#[test]
fn remembered_choices_read_back_and_fall_back_field_by_field() {
    let r = Remembered { type_activite: TypeActivite::Collectif, duree_min: 90, lieu: LieuChoice::Domicile };
    assert_eq!(r.to_text(), "collectif|90|domicile");
    assert_eq!(Remembered::from_text(&r.to_text()), r);
    let default = Remembered::default();
    assert_eq!(Remembered::from_text(""), default);
    assert_eq!(Remembered::from_text("collectif|0|lune"), Remembered { type_activite: TypeActivite::Collectif, ..default });
    assert_eq!(Remembered::from_text("?|45|marche"), Remembered { duree_min: 45, lieu: LieuChoice::MarcheStand, ..default });
}

#[test]
fn fields_of_the_other_kind_of_contact_are_left_out() {
    // Chosen as a workshop, then switched to an individual contact: the counts do not follow.
    let mut d = typical();
    d.type_activite = TypeActivite::Collectif;
    d.niveau_atelier = Some(NiveauAtelier::Debutant);
    d.participants.par_age = [3, 2, 0, 0, 0, 0, 0, 0];
    d.type_activite = TypeActivite::Individuel;
    d.autonomie = Some(Autonomie::Autonome);
    let c = d.to_contact(v7(1), at(10, 0), None, code).unwrap();
    assert_eq!((c.participants, c.niveau_atelier, c.autonomie), (Participants::default(), None, Some(Autonomie::Autonome)));
    // And the other way: a workshop keeps no beneficiary, not even a commune typed that is unknown.
    d.type_activite = TypeActivite::Collectif;
    d.residence = "Atlantide".into();
    let c = d.to_contact(v7(1), at(10, 0), None, code).unwrap();
    assert_eq!((c.beneficiaire, c.autonomie, c.niveau_atelier), (Beneficiaire::default(), None, Some(NiveauAtelier::Debutant)));
    assert_eq!(c.participants.total(), 5);
}

#[test]
fn administrative_domains_go_with_their_theme_only() {
    let mut d = typical();
    d.thematiques_administratives.insert(ThematiqueAdministrative::Logement);
    assert!(d.asks_domains());
    assert_eq!(
        d.to_contact(v7(1), at(10, 0), None, code).unwrap().thematiques_administratives.iter().collect::<Vec<_>>(),
        [ThematiqueAdministrative::Logement]
    );
    d.toggle_theme(Thematique::Email);
    d.toggle_theme(Thematique::AideAuxDemarchesAdministratives);
    assert!(!d.asks_domains() && d.thematiques_administratives.is_empty(), "unticking the theme drops its domains");
    assert_eq!(d.thematiques.iter().collect::<Vec<_>>(), [Thematique::Email]);
}

#[test]
fn each_problem_says_its_field_in_the_forms_words() {
    let empty = Draft::new(Remembered::default());
    assert_eq!(fields(empty.to_contact(v7(1), at(10, 0), None, code)), ["thématiques : choisissez au moins une thématique"]);
    let mut d = typical();
    d.lieu = LieuChoice::Registre;
    d.debut = Debut::Incomplete;
    d.residence = "Atlantide".into();
    assert_eq!(
        fields(d.to_contact(v7(1), at(10, 0), None, code)),
        [
            "commune de résidence : commune « Atlantide » introuvable dans la Vienne",
            "lieu : choisissez le lieu dans l’annuaire",
            "date et heure : à compléter"
        ]
    );
    d.debut = Debut::At(at(10, 0));
    d.residence = " poitiers ".into();
    d.lieu = LieuChoice::Commune;
    assert_eq!(fields(d.to_contact(v7(1), at(10, 0), None, code)), ["lieu : écrivez la commune"]);
    d.lieu_commune = "Niort".into();
    assert_eq!(fields(d.to_contact(v7(1), at(10, 0), None, code)), ["lieu : commune « Niort » introuvable dans la Vienne"]);
    d.lieu_commune = "Civray".into();
    let c = d.to_contact(v7(1), at(10, 0), None, code).unwrap();
    assert_eq!((c.lieu, c.beneficiaire.commune), (Lieu::Commune("86078".into()), Some("86194".into())));
}

#[test]
fn a_bus_stop_or_a_stand_may_name_its_commune() {
    let mut d = typical();
    d.lieu = LieuChoice::Bus;
    assert_eq!(d.to_contact(v7(1), at(10, 0), None, code).unwrap().lieu, Lieu::Bus(None));
    d.lieu_commune = "Civray".into();
    assert_eq!(d.to_contact(v7(1), at(10, 0), None, code).unwrap().lieu, Lieu::Bus(Some("86078".into())));
    d.lieu = LieuChoice::MarcheStand;
    let c = d.to_contact(v7(1), at(10, 0), None, code).unwrap();
    assert_eq!(c.lieu, Lieu::MarcheStand(Some("86078".into())));
    assert_eq!(Draft::from_contact(&c, name).to_contact(v7(2), at(11, 0), None, code), Ok(c));
    d.lieu_commune = "Niort".into();
    assert_eq!(fields(d.to_contact(v7(1), at(10, 0), None, code)), ["lieu : commune « Niort » introuvable dans la Vienne"]);
}

#[test]
fn a_contact_logged_during_a_session_takes_its_place_and_id() {
    let market = Outing::start(v7(9), OutingKind::MarcheStand, Some(("86078".into(), "Civray".into())), at(9, 0)).unwrap();
    let mut d = typical();
    d.lieu = LieuChoice::Registre; // hidden while the session runs: not asked
    assert!(d.follows(Some(&market)));
    let c = d.to_contact(v7(1), at(10, 0), Some(&market), code).unwrap();
    assert_eq!((c.lieu.clone(), c.session), (Lieu::MarcheStand(Some("86078".into())), Some(market.id)));

    // Corrected later, in another session or none: it keeps its own session and place.
    let bus = Outing::start(v7(8), OutingKind::Bus, None, at(15, 0)).unwrap();
    for now in [Some(&bus), None] {
        let again = Draft::from_contact(&c, name);
        assert!(!again.follows(now));
        assert_eq!(again.to_contact(v7(2), at(10, 0), now, code), Ok(c.clone()));
    }
    // Corrected while its own session still runs: the session's place still holds.
    assert!(Draft::from_contact(&c, name).follows(Some(&market)));
}

#[test]
fn a_corrected_contact_reads_back_as_it_was() {
    let mut d = typical();
    d.lieu = LieuChoice::Commune;
    d.lieu_commune = "Civray".into();
    d.genre = Some(Genre::Feminin);
    d.residence = "Poitiers".into();
    d.materiel.insert(Materiel::Telephone);
    d.orientation = Some(StructureRedirection::AideSociale);
    d.orientation_place = Some("france-services-2842".into());
    let individual = d.to_contact(v7(1), at(10, 0), None, code).unwrap();
    let mut w = Draft::new(Remembered { type_activite: TypeActivite::Collectif, duree_min: 120, lieu: LieuChoice::Registre });
    w.lieu_place = Some("france-services-2842".into());
    w.toggle_theme(Thematique::Bureautique);
    w.niveau_atelier = Some(NiveauAtelier::Avance);
    w.participants.par_age = [0, 4, 2, 0, 0, 0, 0, 0];
    let workshop = w.to_contact(v7(3), at(10, 0), None, code).unwrap();
    for contact in [individual, workshop] {
        let again = Draft::from_contact(&contact, name);
        assert_eq!(again.corrects, Some(contact.id));
        assert_eq!(again.to_contact(v7(2), at(10, 0), None, code), Ok(contact.clone()), "the id is the contact's, not a fresh one");
    }
}

#[test]
fn the_next_contact_keeps_the_setting_and_forgets_the_person() {
    let mut d = typical();
    d.corrects = Some(v7(5));
    d.session = Some(v7(6));
    d.duree_min = 45;
    d.lieu = LieuChoice::Registre;
    d.lieu_place = Some("france-services-2842".into());
    d.materiel.insert(Materiel::Ordinateur);
    d.genre = Some(Genre::Masculin);
    d.residence = "Civray".into();
    d.orientation = Some(StructureRedirection::Autre);
    d.debut = Debut::At(at(9, 0));
    let next = d.next();
    assert_eq!((next.corrects, next.session, next.debut), (None, None, Debut::Now));
    assert_eq!(next.remembered(), d.remembered());
    assert_eq!((next.lieu_place.as_deref(), next.materiel), (Some("france-services-2842"), d.materiel));
    assert_eq!(next.thematiques, LabelSet::new());
    assert_eq!((next.tranche_age, next.statut, next.genre, next.residence.as_str(), next.orientation), (None, None, None, "", None));
}

/// Regression: the form took its time when it was drawn, so a contact saved long after the
/// page was opened (or after the previous save) was dated from then.
#[test]
fn an_untouched_time_is_the_time_of_saving() {
    let d = typical();
    assert_eq!(d.to_contact(v7(1), at(16, 45), None, code).unwrap().debut, at(16, 45));
    let mut earlier = typical();
    earlier.debut = Debut::At(at(8, 30));
    assert_eq!(earlier.to_contact(v7(1), at(16, 45), None, code).unwrap().debut, at(8, 30));
    assert_eq!(Draft::from_contact(&earlier.to_contact(v7(1), at(16, 45), None, code).unwrap(), name).debut, Debut::At(at(8, 30)));
}

/// Regression (review): a contact logged at a tour's stop, corrected with another commune, kept
/// the stop — counted at one stop and in another commune, and never movable off it.
#[test]
fn a_corrected_contact_keeps_its_stop_only_in_the_stop_s_commune() {
    let mut d = typical();
    d.lieu = LieuChoice::Bus;
    d.lieu_commune = "Civray".into();
    let mut logged = d.to_contact(v7(1), at(10, 0), None, code).unwrap();
    logged.lieu = Lieu::Arret { id: "bus-civray".into(), commune: "86078".into() };
    let corrected = Draft::from_contact(&logged, name);
    assert_eq!(corrected.to_contact(v7(2), at(11, 0), None, code).unwrap().lieu, logged.lieu);
    let mut moved = corrected.clone();
    moved.lieu_commune = "Poitiers".into();
    assert_eq!(moved.to_contact(v7(2), at(11, 0), None, code).unwrap().lieu, Lieu::Bus(Some("86194".into())));
    let mut elsewhere = corrected;
    elsewhere.lieu = LieuChoice::MarcheStand;
    assert_eq!(elsewhere.to_contact(v7(2), at(11, 0), None, code).unwrap().lieu, Lieu::MarcheStand(Some("86078".into())));
}
