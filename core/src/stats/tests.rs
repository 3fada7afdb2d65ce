//! The figures' rules, on generated contacts and on hand-counted ones.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use uuid::Uuid;

use super::*;
use crate::activity::*;
use crate::label::{Label, LabelSet};

/// Three communes in two EPCI, and two registry places.
struct Vienne;

impl Places for Vienne {
    fn commune_of_place(&self, id: &str) -> Option<String> {
        match id {
            "fs-civray" => Some("86078".into()),
            "cn-poitiers" => Some("86194".into()),
            _ => None,
        }
    }
    fn epci_of(&self, commune: &str) -> Option<String> {
        match commune {
            "86078" | "86001" => Some("200069755".into()),
            "86194" => Some("248600413".into()),
            _ => None,
        }
    }
}

impl Known for Vienne {
    fn is_epci(&self, siren: &str) -> bool {
        ["200069755", "248600413"].contains(&siren)
    }
    fn is_commune(&self, code: &str) -> bool {
        Vienne.epci_of(code).is_some()
    }
    fn is_structure(&self, id: i64) -> bool {
        (1..=3).contains(&id)
    }
    fn is_place(&self, id: &str) -> bool {
        Vienne.commune_of_place(id).is_some()
    }
}

fn pick<T: Label>(rng: &mut ChaCha8Rng) -> T {
    T::ALL[rng.gen_range(0..T::ALL.len())]
}

fn some<T: Label>(rng: &mut ChaCha8Rng) -> Option<T> {
    rng.gen_bool(0.8).then(|| pick(rng))
}

fn set<T: Label>(rng: &mut ChaCha8Rng) -> LabelSet<T> {
    (0..rng.gen_range(1..3)).map(|_| pick::<T>(rng)).collect()
}

/// A valid contact of any kind, in 2025–2026, at any kind of place.
fn contact(rng: &mut ChaCha8Rng) -> Contact {
    let communes = ["86078", "86001", "86194"];
    let commune = |rng: &mut ChaCha8Rng| communes[rng.gen_range(0..3)].to_owned();
    let type_activite = pick::<TypeActivite>(rng);
    let lieu = match rng.gen_range(0..7) {
        0 => Lieu::Registre("fs-civray".into()),
        1 => Lieu::Registre("cn-poitiers".into()),
        2 => Lieu::Commune(commune(rng)),
        3 => Lieu::Bus(rng.gen_bool(0.5).then(|| commune(rng))),
        4 => Lieu::MarcheStand(rng.gen_bool(0.5).then(|| commune(rng))),
        5 => Lieu::Domicile,
        _ => Lieu::ADistance,
    };
    let day = NaiveDate::from_ymd_opt(2025, 1, 1).unwrap() + chrono::Days::new(rng.gen_range(0..700));
    let mut c = Contact {
        id: uuid::Builder::from_unix_timestamp_millis(1_764_000_000_000, &rng.r#gen::<[u8; 10]>()).into_uuid(),
        type_activite,
        debut: day.and_hms_opt(rng.gen_range(8..18), 0, 0).unwrap(),
        duree_min: [5, 15, 30, 45, 60, 90, 120, 180][rng.gen_range(0..8)],
        session: matches!(lieu, Lieu::Bus(_) | Lieu::MarcheStand(_) | Lieu::Commune(_))
            .then(|| Uuid::from_u128(rng.gen_range(0..6)))
            .filter(|_| rng.gen_bool(0.5)),
        lieu,
        thematiques: if type_activite == TypeActivite::Ponctuel && rng.gen_bool(0.5) { LabelSet::new() } else { set(rng) },
        thematiques_administratives: LabelSet::new(),
        materiel: if rng.gen_bool(0.3) { LabelSet::new() } else { set(rng) },
        autonomie: None,
        orientation: None,
        niveau_atelier: None,
        beneficiaire: Beneficiaire::default(),
        participants: Participants::default(),
    };
    if c.thematiques.contains(Thematique::AideAuxDemarchesAdministratives) {
        c.thematiques_administratives = set(rng);
    }
    if type_activite == TypeActivite::Collectif {
        for _ in 0..rng.gen_range(1..12) {
            c.participants.par_age[rng.gen_range(0..8)] += 1;
        }
        if rng.gen_bool(0.5) {
            let total = c.participants.total() as u16;
            c.participants.par_statut[rng.gen_range(0..5)] = total;
        }
    } else {
        c.beneficiaire =
            Beneficiaire { tranche_age: some(rng), statut: some(rng), genre: some(rng), commune: rng.gen_bool(0.7).then(|| commune(rng)) };
    }
    assert_eq!(c.check(), vec![], "{c:?}");
    c
}

fn facts(seed: u64, n: usize) -> Vec<Facts> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    (0..n).map(|i| Facts::of(&contact(&mut rng), 1 + (i % 3) as i64, &Vienne)).collect()
}

fn tally<'a>(facts: impl IntoIterator<Item = &'a Facts>) -> Tally {
    let mut t = Tally::default();
    facts.into_iter().for_each(|f| t.add(f));
    t
}

fn sum(t: &Tally, b: Breakdown) -> u64 {
    t.cells(b).map(|(_, n)| n).sum()
}

#[test]
fn every_person_is_counted_once_in_each_breakdown_of_people_and_every_activity_once_in_each_of_activities() {
    for seed in 0..20 {
        let t = tally(&facts(seed, 300));
        assert_eq!(t.totals.activites, 300);
        assert_eq!(t.totals.accompagnements, t.totals.individuels + t.totals.ponctuels + t.totals.participants);
        assert_eq!(t.totals.activites, t.totals.individuels + t.totals.ponctuels + t.totals.ateliers);
        for b in Breakdown::ALL {
            match b.unit() {
                Unit::Accompagnements if b != Breakdown::PersonnesSorties => assert_eq!(sum(&t, b), t.totals.accompagnements, "{b:?}"),
                Unit::Activites if !matches!(b, Breakdown::Thematiques | Breakdown::Demarches | Breakdown::Materiel) => {
                    assert_eq!(sum(&t, b), t.totals.activites, "{b:?}")
                }
                _ => {}
            }
        }
        assert!(sum(&t, Breakdown::PersonnesSorties) <= t.totals.accompagnements);
    }
}

#[test]
fn a_workshop_counts_one_activity_and_each_participant() {
    let mut rng = ChaCha8Rng::seed_from_u64(1);
    let mut c = contact(&mut rng);
    c.type_activite = TypeActivite::Collectif;
    c.beneficiaire = Beneficiaire::default();
    c.lieu = Lieu::Registre("fs-civray".into());
    c.participants = Participants { par_age: [5, 3, 0, 0, 0, 0, 0, 0], par_statut: [5, 0, 0, 0, 0] };
    c.duree_min = 90;
    let t = tally([&Facts::of(&c, 2, &Vienne)]);
    assert_eq!((t.totals.activites, t.totals.ateliers, t.totals.participants, t.totals.accompagnements), (1, 1, 8, 8));
    assert_eq!(t.get(Breakdown::TranchesAge, "soixante_dix_plus"), 5);
    assert_eq!(t.get(Breakdown::Statuts, "retraite"), 5);
    assert_eq!(t.get(Breakdown::Statuts, "non_communique"), 3, "statuses not told");
    assert_eq!(t.get(Breakdown::Genres, "non_communique"), 8);
    assert_eq!(t.get(Breakdown::CommunesResidence, UNKNOWN), 8);
    assert_eq!((t.get(Breakdown::Communes, "86078"), t.get(Breakdown::Epci, "200069755")), (8, 8));
    assert_eq!((t.get(Breakdown::Lieux, "fs-civray"), t.get(Breakdown::Durees, "60_120"), t.get(Breakdown::Structures, "2")), (1, 1, 8));
}

/// Regression (found in review): help at home took the person's commune as the commune of
/// help, so the exact commune breakdown gave away what the residence breakdown shows "< 5".
#[test]
fn help_happens_where_the_place_is_and_never_names_where_the_person_lives() {
    let mut rng = ChaCha8Rng::seed_from_u64(2);
    let mut c = contact(&mut rng);
    c.type_activite = TypeActivite::Individuel;
    c.participants = Participants::default();
    c.beneficiaire.commune = Some("86194".into());
    let facts = |c: &Contact| {
        let f = Facts::of(c, 1, &Vienne);
        (f.commune, f.epci)
    };
    c.lieu = Lieu::Registre("fs-civray".into());
    assert_eq!(facts(&c), (Some("86078".into()), Some("200069755".into())));
    c.lieu = Lieu::MarcheStand(Some("86001".into()));
    assert_eq!(facts(&c), (Some("86001".into()), Some("200069755".into())));
    for lieu in [Lieu::Domicile, Lieu::ADistance, Lieu::Bus(None), Lieu::Registre("unknown-place".into())] {
        c.lieu = lieu;
        assert_eq!(facts(&c), (None, Some("248600413".into())), "no commune; the EPCI of where the person lives");
    }
    c.beneficiaire.commune = None;
    assert_eq!(facts(&c), (None, None));
}

#[test]
fn durations_fall_in_la_coops_bands() {
    let bands: Vec<_> = [1, 29, 30, 59, 60, 119, 120, 480].map(|m| Duree::of(m).label()).into();
    assert_eq!(
        bands,
        ["Moins de 30 min", "Moins de 30 min", "30 min à 1 h", "30 min à 1 h", "1 h à 2 h", "1 h à 2 h", "2 h et plus", "2 h et plus"]
    );
}

#[test]
fn a_session_is_counted_once_with_all_the_people_met() {
    let mut rng = ChaCha8Rng::seed_from_u64(3);
    let session = Uuid::from_u128(42);
    let outing = Outing {
        id: session,
        kind: OutingKind::MarcheStand,
        commune: Some(("86078".into(), "Civray".into())),
        stop: None,
        started: NaiveDate::from_ymd_opt(2026, 3, 7).unwrap().and_hms_opt(9, 0, 0).unwrap(),
        quick: 0,
        logged: 0,
    };
    let quick: Vec<Facts> = (0..4).map(|i| Facts::of(&outing.quick_contact(Uuid::from_u128(i), outing.started), 1, &Vienne)).collect();
    let mut t = tally(&quick);
    assert_eq!((t.get(Breakdown::Sorties, "marche"), t.get(Breakdown::PersonnesSorties, "marche")), (1, 4));
    assert_eq!(t.get(Breakdown::Epci, "200069755"), 4, "people met on a stand count in its EPCI");
    let mut other = contact(&mut rng);
    other.session = None;
    t.add(&Facts::of(&other, 1, &Vienne));
    assert_eq!(sum(&t, Breakdown::Sorties), 1);
}

#[test]
fn tallies_add_up_whatever_the_split() {
    let all = facts(4, 500);
    let (a, b) = all.split_at(200);
    let mut merged = tally(a);
    merged.merge(&tally(b));
    // Sessions seen on both sides count twice in a merge (documented), so compare the rest.
    let whole = tally(&all);
    assert_eq!(merged.totals, whole.totals);
    for breakdown in Breakdown::ALL.into_iter().filter(|&b| b != Breakdown::Sorties) {
        assert_eq!(merged.cells(breakdown).collect::<Vec<_>>(), whole.cells(breakdown).collect::<Vec<_>>(), "{breakdown:?}");
    }
    let figures = Figures::from_tally(&whole, Privacy::Exact);
    assert_eq!(figures.to_tally(), Some(whole));
}

#[test]
fn small_counts_of_a_commune_of_residence_are_hidden_from_others_only() {
    let mut t = Tally::default();
    t.totals.accompagnements = 20;
    for (code, n) in [("86078", 4), ("86194", 5), ("86001", 1), (UNKNOWN, 10)] {
        t.add_cell(Breakdown::CommunesResidence, code, n);
    }
    let rows = |privacy| {
        Figures::from_tally(&t, privacy)
            .section(Breakdown::CommunesResidence)
            .rows
            .iter()
            .map(|r| format!("{} {} {:?}", r.code, r.count, r.percent))
            .collect::<Vec<_>>()
    };
    // No commune of 6 or more: "not told" is masked; the hidden rows come last, in code order.
    assert_eq!(rows(Privacy::Protected), ["86194 5 Some(25)", "86001 < 5 None", "86078 < 5 None", "non_renseigne masqué None"]);
    assert_eq!(rows(Privacy::Exact), ["86194 5 Some(25)", "86078 4 Some(20)", "86001 1 Some(5)", "non_renseigne 10 Some(50)"]);
    assert_eq!(Figures::from_tally(&t, Privacy::Protected).to_tally(), None);
    // Only that breakdown: a structure of one person is still counted.
    let mut one = Tally::default();
    one.add_cell(Breakdown::Structures, "3", 1);
    assert_eq!(Figures::from_tally(&one, Privacy::Protected).section(Breakdown::Structures).rows[0].count, Count::Exact(1));
}

/// Regression (found in review): with one "< 5" alone, total minus the other rows gave it back;
/// two summing to 2 were each 1; a masked count's place in the list told its size.
#[test]
fn a_lone_small_count_is_not_left_to_subtraction() {
    let shown = |cells: &[(&str, u64)]| {
        let mut t = Tally::default();
        t.totals.accompagnements = cells.iter().map(|c| c.1).sum();
        for (code, n) in cells {
            t.add_cell(Breakdown::CommunesResidence, code, *n);
        }
        let f = Figures::from_tally(&t, Privacy::Protected);
        (
            f.section(Breakdown::CommunesResidence).rows.iter().map(|r| format!("{} {}", r.code, r.count)).collect::<Vec<_>>(),
            f.hidden(Breakdown::CommunesResidence),
        )
    };
    let (rows, hidden) = shown(&[("86194", 6), ("86078", 9), ("86041", 2), (UNKNOWN, 1)]);
    assert_eq!(rows, ["86078 9", "86041 < 5", "86194 masqué", "non_renseigne 1"], "the hidden rows' order tells nothing");
    assert_eq!(hidden.into_iter().collect::<Vec<_>>(), ["86041", "86194"], "the rows of an export leave both empty");
    // No other commune: "not told" is masked instead.
    assert_eq!(shown(&[("86041", 2), (UNKNOWN, 7)]).0, ["86041 < 5", "non_renseigne masqué"]);
    // Two small ones summing to 2 would each be 1: one more is masked whenever any is hidden.
    assert_eq!(shown(&[("86194", 6), ("86041", 1), ("86001", 1)]).0, ["86001 < 5", "86041 < 5", "86194 masqué"]);
    // The masked one is of 6 or more, so hidden and masked split in several ways.
    assert_eq!(shown(&[("86194", 10), ("86001", 6), ("86002", 5), ("86078", 3)]).0, ["86194 10", "86002 5", "86001 masqué", "86078 < 5"]);
    assert_eq!(shown(&[("86194", 6), ("86078", 5)]).0, ["86194 6", "86078 5"]);
}

#[test]
fn closed_lists_show_every_value_and_months_have_no_gap() {
    let mut t = Tally::default();
    t.totals.activites = 3;
    t.totals.accompagnements = 3;
    t.add_cell(Breakdown::Thematiques, "email", 2);
    t.add_cell(Breakdown::Mois, "2025-11", 1);
    t.add_cell(Breakdown::Mois, "2026-02", 2);
    let f = Figures::from_tally(&t, Privacy::Exact);
    let themes = f.section(Breakdown::Thematiques);
    assert_eq!(themes.rows.len(), Thematique::ALL.len());
    let email = themes.rows.iter().find(|r| r.code == "email").unwrap();
    assert_eq!((email.count, email.percent, themes.label("email", &BTreeMap::new()).as_ref()), (Count::Exact(2), Some(67), "E-mail"));
    let months = f.section(Breakdown::Mois);
    let shown: Vec<_> = months.rows.iter().map(|r| format!("{} {}", months.label(&r.code, &BTreeMap::new()), r.count)).collect();
    assert_eq!(shown, ["novembre 2025 1", "décembre 2025 0", "janvier 2026 0", "février 2026 2"]);
}

#[test]
fn counts_are_written_the_french_way() {
    let shown: Vec<String> = [0, 5, 999, 1000, 2606, 1_234_567].map(|n| Count::Exact(n).to_string()).into();
    assert_eq!(shown, ["0", "5", "999", "1\u{202F}000", "2\u{202F}606", "1\u{202F}234\u{202F}567"]);
    assert_eq!(Count::FewerThan5.to_string(), "< 5");
}

#[test]
fn places_and_territories_are_labelled_from_the_names_given() {
    let names = BTreeMap::from([("fs-civray".to_owned(), "France Services de Civray".to_owned())]);
    let lieux = Section { breakdown: Breakdown::Lieux, rows: Vec::new() };
    assert_eq!(lieux.label("fs-civray", &names), "France Services de Civray");
    assert_eq!(lieux.label("marche_stand", &names), "Marché ou stand");
    assert_eq!(lieux.label("autre-lieu", &names), "autre-lieu");
    assert_eq!(lieux.label(UNKNOWN, &names), "Non renseigné");
}

fn parse(query: &[(&str, &str)]) -> Result<Filter, Vec<String>> {
    Filter::parse(query.iter().copied(), &Vienne).map_err(|ps| ps.iter().map(ToString::to_string).collect())
}

#[test]
fn a_filter_names_every_bad_field() {
    let ok = parse(&[("du", "2026-01-01"), ("au", "2026-06-30"), ("epci", "200069755"), ("epci", "248600413"), ("lieu", "commune-86078")])
        .unwrap();
    assert_eq!(ok.epci.len(), 2);
    assert_eq!(parse(&[("epci", "200069755"), ("epci", "200069755")]).unwrap().epci, ["200069755"], "each EPCI once");
    assert_eq!(parse(&ok.pairs().iter().map(|(k, v)| (*k, v.as_str())).collect::<Vec<_>>()), Ok(ok));
    assert_eq!(
        parse(&[
            ("du", "2026-13-01"),
            ("au", "31/01/2026"),
            ("epci", "123"),
            ("commune", "79191"),
            ("structure", "x"),
            ("lieu", "commune-79191"),
            ("nom", "Dupont")
        ])
        .unwrap_err(),
        [
            "du : date attendue au format AAAA-MM-JJ, par exemple 2026-01-31 (reçu « 2026-13-01 »)",
            "au : date attendue au format AAAA-MM-JJ, par exemple 2026-01-31 (reçu « 31/01/2026 »)",
            "epci : EPCI inconnu dans la Vienne (SIREN à 9 chiffres attendu, reçu « 123 »)",
            "commune : commune inconnue dans la Vienne (code INSEE attendu, reçu « 79191 »)",
            "structure : structure inconnue (numéro attendu, reçu « x »)",
            "lieu : lieu inconnu (identifiant du registre, commune-CODE, bus, marche_stand, domicile ou a_distance ; reçu « commune-79191 »)",
            "filtre : paramètre inconnu « nom » (permis : du, au, epci, commune, structure, lieu)",
        ]
    );
    assert_eq!(
        parse(&[("du", "2026-05-01"), ("au", "2026-04-30")]).unwrap_err(),
        ["au : la fin de la période (2026-04-30) est avant son début (2026-05-01)"]
    );
    assert_eq!(parse(&[("structure", "9"), ("du", "2026-01-01"), ("du", "2026-01-02")]).unwrap_err().len(), 2);
    let long = "x".repeat(5000);
    assert!(parse(&[("lieu", &long)]).unwrap_err()[0].len() < 200, "the input is not echoed whole");
}

#[test]
fn a_filter_counts_what_it_says() {
    let all = facts(5, 600);
    let filter = parse(&[("du", "2025-06-01"), ("au", "2025-12-31"), ("epci", "200069755")]).unwrap();
    let kept: Vec<&Facts> = all.iter().filter(|f| filter.accepts(f)).collect();
    assert!(!kept.is_empty() && kept.len() < all.len());
    let t = tally(kept);
    assert_eq!(t.cells(Breakdown::Epci).map(|(k, _)| k).collect::<Vec<_>>(), ["200069755"]);
    assert!(t.cells(Breakdown::Mois).all(|(m, _)| ("2025-06".."2026-01").contains(&m)));
    let by_structure = parse(&[("structure", "2"), ("lieu", "bus")]).unwrap();
    assert!(all.iter().filter(|f| by_structure.accepts(f)).all(|f| f.structure == 2 && f.lieu == "bus"));
}
