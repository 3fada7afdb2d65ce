//! The export's rows against rows computed by hand from La Coop's rules.

use std::collections::HashMap;

use chrono::NaiveDate;
use uuid::Uuid;

use super::*;
use crate::activity::{
    Beneficiaire, Materiel, Orientation, Participants, StructureRedirection, Thematique, ThematiqueAdministrative, TypeActivite,
};
use crate::label::LabelSet;

struct Registry(HashMap<String, PlaceAddress>);

impl Places for Registry {
    fn address(&self, id: &str) -> Option<&PlaceAddress> {
        self.0.get(id)
    }
}

fn registry() -> Registry {
    let blaiserie = PlaceAddress {
        nom: "La Blaiserie".into(),
        adresse: "1 rue de la Blaiserie".into(),
        commune: "Poitiers".into(),
        code_postal: "86000".into(),
        code_insee: "86194".into(),
    };
    let lusignan = PlaceAddress {
        nom: "Bus connecté — Lusignan (marché)".into(),
        commune: "Lusignan".into(),
        code_postal: "86600".into(),
        code_insee: "86139".into(),
        ..PlaceAddress::default()
    };
    Registry(HashMap::from([("fs-blaiserie".to_owned(), blaiserie), ("bus-lusignan".to_owned(), lusignan)]))
}

fn territory() -> Territory {
    Territory::from_csv(include_bytes!("../../../seeds/communes-86.csv"), crate::text::UNICODE).unwrap()
}

fn at(y: i32, m: u32, d: u32, h: u32, min: u32) -> chrono::NaiveDateTime {
    NaiveDate::from_ymd_opt(y, m, d).unwrap().and_hms_opt(h, min, 0).unwrap()
}

fn contact(type_activite: TypeActivite, lieu: Lieu) -> Contact {
    Contact {
        id: uuid::Builder::from_unix_timestamp_millis(1_795_000_000_000, &[7; 10]).into_uuid(),
        type_activite,
        debut: at(2026, 3, 2, 9, 0),
        duree_min: 45,
        lieu,
        thematiques: LabelSet::new(),
        thematiques_administratives: LabelSet::new(),
        materiel: LabelSet::new(),
        autonomie: None,
        orientation: None,
        niveau_atelier: None,
        beneficiaire: Beneficiaire::default(),
        participants: Participants::default(),
        session: None,
    }
}

fn export(c: &Contact) -> Vec<Vec<Cell>> {
    export_hiding(c, &[])
}

fn export_hiding(c: &Contact, hidden: &[&str]) -> Vec<Vec<Cell>> {
    let (places, territory) = (registry(), territory());
    let hidden = hidden.iter().map(|c| c.to_string()).collect();
    let context = Context { places: &places, territory: &territory, hidden: &hidden };
    // 08:15 UTC on 2 March is 09:15 in Poitiers (winter time).
    rows(&Stored { contact: c, received_at: at(2026, 3, 2, 8, 15), structure: "Centre social des Trois Cités" }, &context).collect()
}

/// A row from (column, value) pairs; every other cell empty.
fn row(cells: &[(&str, Cell)]) -> Vec<Cell> {
    let mut row = vec![Cell::Empty; COLUMNS.len()];
    for (name, cell) in cells {
        let i = COLUMNS.iter().position(|c| c == name).unwrap_or_else(|| panic!("no column {name}"));
        row[i] = cell.clone();
    }
    row
}

fn t(s: &str) -> Cell {
    Cell::Text(s.to_owned())
}

fn id(c: &Contact) -> Cell {
    Cell::Text(c.id.to_string())
}

#[test]
fn columns_are_la_coops_for_someone_elses_export_then_structure() {
    assert_eq!(COLUMNS.len(), 32);
    assert_eq!(COLUMNS[..3], ["Date", "Enregistré le", "Dernière modification le"]);
    assert_eq!(COLUMNS[30..], ["ID CRA", "Structure"]);
    // Apostrophes are La Coop's typographic one, never the straight one.
    assert!(COLUMNS.iter().all(|c| !c.contains('\'')));
    let with_apostrophe: Vec<_> = COLUMNS.iter().filter(|c| c.contains('’')).collect();
    assert_eq!(with_apostrophe.len(), 5, "{with_apostrophe:?}");
    let mut unique = COLUMNS.to_vec();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), COLUMNS.len());
}

#[test]
fn a_workshop_gives_one_row_per_participant_with_bands_and_statuses_in_order() {
    let mut c = contact(TypeActivite::Collectif, Lieu::Registre("fs-blaiserie".into()));
    c.thematiques = [Thematique::SecuriteNumerique].into_iter().collect();
    c.materiel = [Materiel::Tablette].into_iter().collect();
    c.niveau_atelier = Some(NiveauAtelier::Intermediaire);
    // One of 60 - 69 ans, two of 25 - 39 ans; one retired, two employed.
    c.participants = Participants { par_age: [0, 1, 0, 2, 0, 0, 0, 0], par_statut: [1, 0, 2, 0, 0] };
    let shared = |i: &str, tranche: &str, statut: &str| {
        row(&[
            ("Date", Cell::Date(NaiveDate::from_ymd_opt(2026, 3, 2).unwrap())),
            ("Enregistré le", t("02/03/2026 à 09:15")),
            ("Type", t("Atelier collectif")),
            ("Participants", t(i)),
            ("Canaux d’accompagnement", t("Lieu d’activité")),
            ("Nom du lieu", t("La Blaiserie")),
            ("Adresse", t("1 rue de la Blaiserie")),
            ("Commune", t("Poitiers")),
            ("Code postal", t("86000")),
            ("Code Insee", t("86194")),
            ("Durée (min)", Cell::Number(45)),
            ("Matériel numérique utilisé", t("Tablette")),
            ("Thématique(s) d’accompagnement", t("Prévention en sécurité numérique")),
            ("Niveau d’autonomie (ou de l’atelier)", t("2/3")),
            ("Genre du bénéficiaire", t("Non communiqué")),
            ("Tranche d’âge du bénéficiaire", t(tranche)),
            ("Statut du bénéficiaire", t(statut)),
            ("ID CRA", id(&c)),
            ("Structure", t("Centre social des Trois Cités")),
        ])
    };
    assert_eq!(
        export(&c),
        vec![
            shared("1/3", "60 - 69 ans", "Retraité"),
            shared("2/3", "25 - 39 ans", "En emploi"),
            shared("3/3", "25 - 39 ans", "En emploi")
        ]
    );

    // Statuses not given: every participant's is "not communicated".
    c.participants.par_statut = [0; 5];
    let rows = export(&c);
    let statut = COLUMNS.iter().position(|&n| n == "Statut du bénéficiaire").unwrap();
    assert!(rows.iter().all(|r| r[statut] == t("Non communiqué ou hétérogène")));
    assert_eq!(accompaniments(&c), 3);
}

#[test]
fn an_individual_contact_with_everything_fills_every_column_repere_holds() {
    let mut c = contact(TypeActivite::Individuel, Lieu::Commune("86066".into()));
    c.thematiques = [Thematique::Email, Thematique::AideAuxDemarchesAdministratives].into_iter().collect();
    c.thematiques_administratives = [ThematiqueAdministrative::Logement].into_iter().collect();
    c.materiel = [Materiel::Ordinateur, Materiel::Telephone].into_iter().collect();
    c.autonomie = Some(Autonomie::PartiellementAutonome);
    c.orientation = Some(Orientation { structure: StructureRedirection::AideSociale, lieu: Some("fs-blaiserie".into()) });
    c.beneficiaire = Beneficiaire {
        tranche_age: Some(TrancheAge::VingtCinqTrenteNeuf),
        statut: Some(StatutSocial::EnEmploi),
        genre: Some(Genre::Feminin),
        commune: Some("86214".into()),
    };
    assert_eq!(
        export(&c),
        vec![row(&[
            ("Date", Cell::Date(NaiveDate::from_ymd_opt(2026, 3, 2).unwrap())),
            ("Enregistré le", t("02/03/2026 à 09:15")),
            ("Type", t("Accompagnement individuel")),
            ("Participants", Cell::Number(1)),
            ("Canaux d’accompagnement", t("Autre lieu")),
            ("Commune", t("Châtellerault")),
            ("Code postal", t("86100")),
            ("Code Insee", t("86066")),
            ("Durée (min)", Cell::Number(45)),
            ("Matériel numérique utilisé", t("Ordinateur\nTéléphone")),
            ("Thématique(s) d’accompagnement", t("E-mail\nAide aux démarches administratives\nLogement")),
            ("Niveau d’autonomie (ou de l’atelier)", t("2/3")),
            ("Bénéficiaire réorienté", t("Oui")),
            ("Structure de redirection", t("Structure d’aide sociale (maison des solidarités, centre social…)")),
            ("Commune du bénéficiaire", t("Saint-Benoît")),
            ("Code postal du bénéficiaire", t("86280")),
            ("Code Insee du bénéficiaire", t("86214")),
            ("Genre du bénéficiaire", t("Féminin")),
            ("Tranche d’âge du bénéficiaire", t("25 - 39 ans")),
            ("Statut du bénéficiaire", t("En emploi")),
            ("ID CRA", id(&c)),
            ("Structure", t("Centre social des Trois Cités")),
        ])]
    );
}

#[test]
fn a_quick_contact_at_a_stand_is_an_individual_accompaniment_tagged_as_such() {
    let mut c = contact(TypeActivite::Ponctuel, Lieu::MarcheStand(Some("86066".into())));
    c.duree_min = 5;
    c.session = Some(Uuid::nil());
    assert_eq!(
        export(&c),
        vec![row(&[
            ("Date", Cell::Date(NaiveDate::from_ymd_opt(2026, 3, 2).unwrap())),
            ("Enregistré le", t("02/03/2026 à 09:15")),
            ("Type", t("Accompagnement individuel")),
            ("Participants", Cell::Number(1)),
            ("Canaux d’accompagnement", t("Autre lieu")),
            ("Commune", t("Châtellerault")),
            ("Code postal", t("86100")),
            ("Code Insee", t("86066")),
            ("Durée (min)", Cell::Number(5)),
            ("Tags", t("Demande ponctuelle\nMarché ou stand")),
            ("Bénéficiaire réorienté", t("Non")),
            ("Genre du bénéficiaire", t("Non communiqué")),
            ("Tranche d’âge du bénéficiaire", t("Non communiqué")),
            ("Statut du bénéficiaire", t("Non communiqué ou hétérogène")),
            ("ID CRA", id(&c)),
            ("Structure", t("Centre social des Trois Cités")),
        ])]
    );
}

#[test]
fn a_bus_stop_without_commune_has_no_address_but_its_tag() {
    let rows = export(&contact(TypeActivite::Individuel, Lieu::Bus(None)));
    let at = |name: &str| rows[0][COLUMNS.iter().position(|&n| n == name).unwrap()].clone();
    assert_eq!((at("Commune"), at("Tags"), at("Canaux d’accompagnement")), (Cell::Empty, t("Bus"), t("Autre lieu")));
}

#[test]
fn a_contact_at_a_stop_of_a_tour_names_the_stop_and_its_commune() {
    let at_stop = |id: &str| {
        let rows = export(&contact(TypeActivite::Individuel, Lieu::Arret { id: id.into(), commune: "86139".into() }));
        let at = |name: &str| rows[0][COLUMNS.iter().position(|&n| n == name).unwrap()].clone();
        [at("Nom du lieu"), at("Commune"), at("Code Insee"), at("Tags")]
    };
    assert_eq!(at_stop("bus-lusignan"), [t("Bus connecté — Lusignan (marché)"), t("Lusignan"), t("86139"), t("Bus")]);
    // A stop the lookup does not know: its commune, as a bus's.
    assert_eq!(at_stop("bus-ailleurs"), [Cell::Empty, t("Lusignan"), t("86139"), t("Bus")]);
}

/// Regression (review): a contact at a stop took the commune the stop has today (the server's
/// lookup), so moving a stop moved every contact logged there; it keeps the one it recorded.
#[test]
fn a_contact_at_a_stop_keeps_the_commune_it_recorded() {
    let rows = export(&contact(TypeActivite::Individuel, Lieu::Arret { id: "bus-lusignan".into(), commune: "86066".into() }));
    let at = |name: &str| rows[0][COLUMNS.iter().position(|&n| n == name).unwrap()].clone();
    assert_eq!(
        [at("Nom du lieu"), at("Commune"), at("Code Insee")],
        [t("Bus connecté — Lusignan (marché)"), t("Châtellerault"), t("86066")]
    );
}

#[test]
fn a_place_removed_from_the_registry_leaves_its_columns_empty() {
    let c = contact(TypeActivite::Individuel, Lieu::Registre("gone".into()));
    let rows = export(&c);
    let lieu = COLUMNS.iter().position(|&n| n == "Nom du lieu").unwrap();
    assert!(rows[0][lieu..lieu + 5].iter().all(|cell| *cell == Cell::Empty));
    assert_eq!(rows[0][lieu - 1], t("Lieu d’activité"));
}

#[test]
fn cells_read_as_csv_text() {
    assert_eq!(Cell::Date(NaiveDate::from_ymd_opt(2026, 3, 2).unwrap()).to_text(), "02/03/2026");
    assert_eq!(Cell::Number(45).to_text(), "45");
    assert_eq!(Cell::Empty.to_text(), "");
}

#[test]
fn the_information_block_names_requester_total_time_filters_and_empty_columns() {
    let a = About {
        requester: Requester::Coordinator("CC du Civraisien en Poitou".into()),
        total: Some(12),
        at: at(2026, 7, 14, 22, 30),
        filters: vec![
            ("Période", period_label(NaiveDate::from_ymd_opt(2026, 1, 1).unwrap(), at(2026, 6, 30, 0, 0).date())),
            ("Communes", "".into()),
        ],
        protected: true,
    };
    let lines = about(&a);
    let pair = |label: &str| {
        lines.iter().find_map(|l| match l {
            Line::Pair(l, cell) if *l == label => Some(cell.to_text().into_owned()),
            _ => None,
        })
    };
    assert_eq!(lines[0], Line::Title("Informations export"));
    assert_eq!(pair("Nom").as_deref(), Some("CC du Civraisien en Poitou"));
    assert_eq!(pair("Rôle").as_deref(), Some("Coordinateur"));
    assert_eq!(pair("Total").as_deref(), Some("12"));
    // 22:30 UTC in July is 00:30 the next day in France.
    assert_eq!(pair("Date d'export").as_deref(), Some("15/07/2026"));
    assert_eq!(pair("Heure d'export").as_deref(), Some("00:30"));
    assert_eq!(pair("Période").as_deref(), Some("01.01.2026 - 30.06.2026"));
    assert_eq!(pair("Communes").as_deref(), Some("-"));
    assert!(pair("Colonnes vides").unwrap().contains("Nom du médiateur"));
    assert!(pair("Commune du bénéficiaire").unwrap().contains("moins de 5 personnes"), "a coordinator is told why some are empty");
    assert_eq!(
        about(&About { protected: false, ..a.clone() }).iter().filter(|l| matches!(l, Line::Pair("Commune du bénéficiaire", _))).count(),
        0
    );

    // The statistics file: no total, no notes on columns.
    let stats = about(&About { total: None, requester: Requester::Administrator, ..a });
    assert!(!stats.iter().any(|l| matches!(l, Line::Pair("Total" | "Colonnes vides", _))));
    assert!(stats.contains(&Line::Pair("Rôle", t("Administrateur"))));
}

#[test]
fn statistics_sheet_names_fit_excel() {
    use crate::stats::Breakdown;
    let names: Vec<&str> = Breakdown::ALL.iter().map(|&b| statistics::sheet_name(b)).chain([statistics::SUMMARY_SHEET]).collect();
    for name in &names {
        assert!(name.chars().count() <= 31 && !name.contains(['[', ']', ':', '*', '?', '/', '\\']), "{name}");
    }
    let mut unique = names.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), names.len());
}

#[test]
fn statistics_summary_and_rows_show_la_coops_figures_and_hidden_counts() {
    use crate::stats::{Breakdown, Figures, Privacy, Tally};
    use std::collections::BTreeMap;
    let mut tally = Tally::default();
    tally.totals.activites = 4;
    tally.totals.individuels = 3;
    tally.totals.ateliers = 1;
    tally.totals.participants = 5;
    tally.totals.accompagnements = 8;
    tally.add_cell(Breakdown::CommunesResidence, "86194", 6);
    tally.add_cell(Breakdown::CommunesResidence, "86066", 2);
    let figures = Figures::from_tally(&tally, Privacy::Protected);
    let summary = statistics::summary(&figures);
    let find = |label: &str| {
        summary.iter().find_map(|(line, share)| match line {
            Line::Pair(l, n) if *l == label => Some((n.clone(), share.clone())),
            _ => None,
        })
    };
    assert_eq!(find("Accompagnements au total"), Some((Cell::Number(8), Cell::Empty)));
    assert_eq!(find("Accompagnements individuels"), Some((Cell::Number(3), Cell::Percent(75))));
    assert_eq!(find("Ateliers collectifs"), Some((Cell::Number(1), Cell::Percent(25))));
    assert_eq!(find("Demandes ponctuelles"), Some((Cell::Number(0), Cell::Percent(0))));
    assert_eq!(find("Nombre total d’activités"), Some((Cell::Number(4), Cell::Empty)));

    let names = BTreeMap::from([("86194".to_owned(), "Poitiers".to_owned()), ("86066".to_owned(), "Châtellerault".to_owned())]);
    let rows = statistics::section_rows(figures.section(Breakdown::CommunesResidence), &names);
    // A lone "< 5" would be 8 − 6: Poitiers is masked with it (hidden rows in code order).
    assert_eq!(rows, vec![[t("Châtellerault"), t("< 5"), Cell::Empty], [t("Poitiers"), t("masqué"), Cell::Empty]]);
    assert_eq!(Cell::Percent(75).to_text(), "75 %");
    assert_eq!(statistics::section_title(Breakdown::Thematiques), "Thématiques Médiation numérique (en activités)");
}

#[test]
fn a_commune_of_residence_hidden_from_the_figures_is_left_empty_in_the_rows() {
    let mut c = contact(TypeActivite::Individuel, Lieu::Commune("86066".into()));
    c.beneficiaire.commune = Some("86214".into());
    c.beneficiaire.tranche_age = Some(TrancheAge::SoixanteDixPlus);
    let shown = export(&c);
    let commune = shown[0][col::COMMUNE_BENEFICIAIRE + 2].to_text().into_owned();
    assert!(!commune.is_empty(), "the contact has a commune of residence");
    let hidden = export_hiding(&c, &[&commune]);
    for i in 0..3 {
        assert_eq!(hidden[0][col::COMMUNE_BENEFICIAIRE + i], Cell::Empty);
    }
    assert_eq!(hidden[0][col::TRANCHE], shown[0][col::TRANCHE], "the rest of the row stays");
}
