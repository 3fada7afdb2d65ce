//! The interface in French, the first language: every other language translates these words.

use chrono::{NaiveTime, Timelike, Weekday};

use super::{Texts, When, day_month, month_year};
use crate::label::Label;
use crate::needs::Need;

const FR_MONTHS: [&str; 12] =
    ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre", "novembre", "décembre"];

fn fr_weekday(d: Weekday) -> &'static str {
    ["lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche"][d.num_days_from_monday() as usize]
}

fn fr_when(w: When) -> String {
    match w {
        When::Today => "aujourd’hui".into(),
        When::Tomorrow => "demain".into(),
        When::On(d) => fr_weekday(d).into(),
        When::Date(d) => format!("le {}", day_month(&FR_MONTHS, d)),
    }
}

fn french_time(t: NaiveTime) -> String {
    match t.minute() {
        0 => format!("{} h", t.hour()),
        m => format!("{} h {m:02}", t.hour()),
    }
}

pub static FR: Texts = Texts {
    app_title: "Repère — aide au numérique dans la Vienne",
    skip_to_content: "Aller au contenu",
    helpline_label: "Un conseiller vous oriente",
    language: "Langue",
    nav_label: "Menu",
    nav_home: "Chercher",
    nav_map: "Carte",
    nav_mediation: "Médiateurs",
    offline: "Hors connexion : les informations restent disponibles.",
    update_ready: "Une nouvelle version de Repère est prête.",
    update_apply: "Mettre à jour",

    home_title: "Trouver de l’aide pour le numérique, près de chez vous",
    home_intro: "Démarches en ligne, téléphone, ordinateur : dans la Vienne, des personnes peuvent vous aider, souvent gratuitement.",
    loading_places: "Chargement des lieux…",
    places_on_device: |n| format!("{n} lieux d’aide dans la Vienne, enregistrés sur ce téléphone."),
    places_failed: "Les lieux n’ont pas pu être chargés. Appelez le numéro en haut de l’écran.",
    where_title: "Où cherchez-vous ?",
    near_me: "Autour de moi",
    locating: "Recherche de votre position…",
    geo_failed: "Votre position n’a pas été trouvée. Ce n’est pas grave : écrivez le nom de votre commune.",
    commune_label: "Choisir ma commune",
    commune_hint: "Nom ou code postal, par exemple Civray ou 86400",
    commune_none: "Aucune commune trouvée. Vérifiez le nom, ou écrivez le code postal.",
    need_title: "De quoi avez-vous besoin ?",
    need_hint: "Vous pouvez choisir un ou plusieurs besoins, ou aucun.",
    need: |n| match n {
        Need::Demarches => "Faire mes démarches en ligne",
        Need::Apprendre => "Apprendre à utiliser mon téléphone ou mon ordinateur",
        Need::Equipement => "Avoir un ordinateur ou Internet",
        Need::Emploi => "Trouver un emploi avec le numérique",
        Need::Parents => "Parents et enfants",
        Need::Securite => "Se protéger sur Internet",
    },
    helpline_hint: "Vous ne savez pas où aller ? Appelez, un conseiller vous oriente.",

    results_near_commune: |c| format!("Lieux d’aide près de {c}"),
    results_near_me: "Lieux d’aide autour de vous",
    results_count: |n| {
        if n == 1 { "1 lieu".into() } else { format!("{n} lieux") }
    },
    filters: "Filtres",
    open_now: "Ouvert maintenant",
    walk_in: "Sans rendez-vous",
    free: "Gratuit",
    at_home: "Vient chez vous",
    publics: "Accueil adapté",
    show_more: "Voir plus de lieux",
    no_results: "Aucun lieu ne correspond. Retirez un filtre, ou appelez un conseiller.",
    far_title: "L’aide est loin",
    far_minutes: |n| format!("L’aide la plus proche est à environ {n} minutes en voiture."),
    call_departement: "Appeler le Département",
    no_trip_title: "Ils viennent chez vous ou aident à distance",
    other_places: "Les autres lieux",
    call: "Appeler",
    see_sheet: "Voir la fiche",
    itinerant: "Itinérant",
    itinerant_note: "Ce service se déplace. Appelez pour connaître ses prochains passages près de chez vous.",
    approximate: "Adresse exacte non connue : le point est au centre de la commune.",
    print_list: "Imprimer la liste",
    see_map: "Voir sur la carte",
    change_search: "Changer de recherche",
    km: |km| format!("{:.1} km", km).replace('.', ","),

    open_until: |w, t| match w {
        When::Today => format!("Ouvert jusqu’à {}", french_time(t)),
        w => format!("Ouvert jusqu’à {} {}", fr_when(w), french_time(t)),
    },
    opens: |w, t| format!("Ouvre {} à {}", fr_when(w), french_time(t)),
    closed_long: "Pas d’ouverture prévue ces prochaines semaines",
    hours_unknown: "Horaires non publiés : appelez avant de venir",
    hours_to_confirm: "Horaires à confirmer : appelez avant de venir",
    hours_known_years: |y| format!("Horaires connus de {} à {} seulement : appelez avant de venir.", y.first(), y.last()),

    back: "Retour",
    place_not_found: "Ce lieu n’est plus dans la liste.",
    call_number: |n| format!("Appeler le {n}"),
    no_phone: "Pas de numéro publié. Le conseiller du département peut vous renseigner.",
    directions: "Y aller",
    open_in_maps: "Ouvrir dans mon application de carte",
    open_in_osm: "Voir sur OpenStreetMap",
    hours_title: "Horaires de la semaine",
    day: "Jour",
    hours: "Horaires",
    weekday: |d| ["Lundi", "Mardi", "Mercredi", "Jeudi", "Vendredi", "Samedi", "Dimanche"][d.num_days_from_monday() as usize],
    closed: "Fermé",
    today: "aujourd’hui",
    services_title: "On peut vous aider pour",
    access_title: "Comment être reçu",
    labels_title: "Labels",
    contact_title: "Contact",
    website: "Site internet",
    book_online: "Prendre rendez-vous en ligne",
    info_from: |d, s| format!("Informations vérifiées en {}, source {s}.", month_year(&FR_MONTHS, d)),
    stale_warning: "Ces informations datent de plus d’un an et demi : appelez avant de vous déplacer.",
    share: "Partager",
    share_sms: "Envoyer par SMS",
    print: "Imprimer",
    report_title: "Signaler une erreur",
    report_what: "Qu’est-ce qui est faux ?",
    report_motifs: ["Fermé définitivement", "Horaires faux", "Téléphone faux", "A déménagé", "Autre"],
    report_text: "Expliquez en quelques mots (obligatoire pour « Autre »)",
    report_no_personal: "N’écrivez pas de nom ni de numéro de téléphone d’une personne.",
    report_send: "Envoyer",
    report_choose: "Choisissez ce qui est faux.",
    report_text_needed: "Écrivez en quelques mots ce qui est faux.",
    report_too_long: |n, max| format!("Texte trop long : {n} caractères. {max} au plus."),
    report_sent: "Merci. Votre message est envoyé.",
    report_queued: "Merci. Votre message sera envoyé quand le téléphone aura du réseau.",
    report_refused: "Ce lieu n’est plus dans la liste : message non envoyé.",
    report_not_saved: "Le message n’a pas pu être enregistré. Réessayez.",
    counting_note: "Repère compte les fiches vues et les recherches par commune, sans savoir qui vous êtes.",

    map_title: "Carte des lieux d’aide",
    map_hint: "Touchez un point pour voir le lieu. Faites glisser pour déplacer, pincez pour agrandir.",
    map_loading: "Chargement de la carte…",
    map_failed: "La carte n’a pas pu être chargée.",
    zoom_in: "Agrandir",
    zoom_out: "Réduire",
    map_reset: "Toute la Vienne",
    pan_up: "Vers le haut",
    pan_down: "Vers le bas",
    pan_left: "Vers la gauche",
    pan_right: "Vers la droite",
    you_are_here: "Vous êtes ici",
    map_place: |nom, commune| format!("{nom}, {commune}"),

    service: |s| s.label(),
    acces: |a| a.label(),
    accompagnement: |a| a.label(),
    frais: |f| f.label(),
    public: |p| p.label(),
    prise_en_charge: |p| p.label(),
};
