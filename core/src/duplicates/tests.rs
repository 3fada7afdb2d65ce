use super::*;
use crate::hours::Window;
use crate::registry::import_csv;
use crate::text::UNICODE;

/// Places `(id, name, address, postcode, phone, lat)` at longitude 0.5, through the CSV import.
fn places(rows: &[(&str, &str, &str, &str, &str, f64)]) -> Vec<Place> {
    let mut csv = String::from("id,pivot,nom,commune,code_postal,adresse,telephone,date_maj,latitude,longitude\n");
    for (id, name, address, postcode, phone, lat) in rows {
        csv += &format!("{id},00000000000000,\"{name}\",Civray,{postcode},\"{address}\",{phone},2024-01-31,{lat},0.5\n");
    }
    let import = import_csv(csv.as_bytes(), Window::new(2026, 2028).unwrap());
    assert!(import.errors.is_empty(), "{:?}", import.errors);
    import.places
}

fn found(places: &[Place], kept_apart: &HashSet<(String, String)>) -> Vec<(String, String, Vec<Reason>)> {
    suspects(places, &UNICODE, kept_apart).into_iter().map(|s| (places[s.a].id.clone(), places[s.b].id.clone(), s.reasons)).collect()
}

#[test]
fn phone_address_and_alike_names_nearby_are_the_signals_most_first() {
    let places = places(&[
        ("fs", "France services de Gençay", "Place du Champ de Foire", "86160", "+33516838086", 46.37),
        ("annexe", "Mairie Annexe de Gençay", "1 place du champ de foire", "86160", "+33516838086", 46.38),
        ("latille-1", "Mairie de Latillé", "7 rue Docteur Roux", "86190", "", 46.60),
        ("latille-2", "mairie de latille", "7 rue docteur roux", "86190", "", 46.60),
        // Alike names 3 km apart, nothing else shared: worth a look, not likely.
        ("ml-a", "Mission locale rurale", "1 rue A", "86400", "", 46.10),
        ("ml-b", "MISSION LOCALE RURALE", "2 rue B", "86400", "", 46.127),
        // The same name 100 km away is another place.
        ("ml-far", "Mission locale rurale", "3 rue C", "86400", "", 47.0),
    ]);
    let all = found(&places, &HashSet::new());
    assert_eq!(
        all,
        [
            ("fs".into(), "annexe".into(), vec![Reason::SamePhone, Reason::SameAddress]),
            ("latille-1".into(), "latille-2".into(), vec![Reason::SameAddress, Reason::AlikeNames]),
            ("ml-a".into(), "ml-b".into(), vec![Reason::AlikeNames]),
        ]
    );
    // A decision to keep two apart is remembered, whichever way round it was taken.
    let kept = HashSet::from([pair_key("annexe", "fs")]);
    assert!(found(&places, &kept).iter().all(|(a, _, _)| a != "fs"));
}

#[test]
fn an_address_is_its_street_whatever_the_number() {
    assert_eq!(street(&UNICODE.fold("1 bis, Place du Champ-de-Foire")), Some("place du champ de foire".into()));
    assert_eq!(street("12"), None);
}

#[test]
fn names_alike_by_their_words_or_by_a_typo_and_small_words_do_not_count() {
    let w = |s: &str| words(&UNICODE.fold(s));
    assert!(alike(&w("Centre Communal d'Action Sociale"), &w("CENTRE COMMUNAL D’ACTION SOCIALE")));
    assert!(alike(&w("Médiathèque François Mitterrand"), &w("Mediatheque Francois Miterrand")));
    assert!(!alike(&w("Mairie de Fleix"), &w("Mairie de Gouex")));
    assert!(!alike(&w("de la"), &w("de la")), "no telling word, no likeness");
}
