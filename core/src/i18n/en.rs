//! The interface in English.

use chrono::Weekday;

use super::{Texts, When, clock, day_month, month_year};
use crate::needs::Need;
use crate::registry::{Frais, ModaliteAcces, ModaliteAccompagnement, PriseEnCharge, Public, Service};

const EN_MONTHS: [&str; 12] =
    ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"];

fn en_weekday(d: Weekday) -> &'static str {
    ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"][d.num_days_from_monday() as usize]
}

fn en_when(w: When) -> String {
    match w {
        When::Today => "today".into(),
        When::Tomorrow => "tomorrow".into(),
        When::On(d) => en_weekday(d).into(),
        When::Date(d) => format!("on {}", day_month(&EN_MONTHS, d)),
    }
}

pub static EN: Texts = Texts {
    app_title: "Repère — help with digital things in the Vienne",
    skip_to_content: "Skip to content",
    helpline_label: "An adviser will guide you",
    language: "Language",
    nav_label: "Menu",
    nav_home: "Search",
    nav_map: "Map",
    nav_mediation: "Mediators",
    offline: "Offline: the information is still available.",
    update_ready: "A new version of Repère is ready.",
    update_apply: "Update",

    home_title: "Find help with digital things, near you",
    home_intro: "Online procedures, phone, computer: in the Vienne, people can help you, often for free.",
    loading_places: "Loading places…",
    places_on_device: |n| format!("{n} places of help in the Vienne, saved on this phone."),
    places_failed: "The places could not be loaded. Call the number at the top of the screen.",
    where_title: "Where are you looking?",
    near_me: "Around me",
    locating: "Finding your position…",
    geo_failed: "Your position could not be found. No problem: type the name of your town.",
    commune_label: "Choose my town",
    commune_hint: "Name or postcode, for example Civray or 86400",
    commune_none: "No town found. Check the name, or type the postcode.",
    need_title: "What do you need?",
    need_hint: "You can choose one or more needs, or none.",
    need: |n| match n {
        Need::Demarches => "Do my paperwork online",
        Need::Apprendre => "Learn to use my phone or computer",
        Need::Equipement => "Get a computer or Internet access",
        Need::Emploi => "Find a job with digital tools",
        Need::Parents => "Parents and children",
        Need::Securite => "Stay safe online",
    },
    helpline_hint: "Not sure where to go? Call, an adviser will guide you.",

    results_near_commune: |c| format!("Places of help near {c}"),
    results_near_me: "Places of help around you",
    results_count: |n| {
        if n == 1 { "1 place".into() } else { format!("{n} places") }
    },
    filters: "Filters",
    open_now: "Open now",
    walk_in: "No appointment needed",
    free: "Free",
    at_home: "Visits you at home",
    publics: "Adapted support",
    show_more: "Show more places",
    no_results: "No place matches. Remove a filter, or call an adviser.",
    far_title: "Help is far away",
    far_minutes: |n| format!("The nearest help is about {n} minutes away by car."),
    call_departement: "Call the Département",
    no_trip_title: "They come to your home or help remotely",
    other_places: "Other places",
    call: "Call",
    see_sheet: "Details",
    itinerant: "Mobile",
    itinerant_note: "This service travels. Call to find out when it next comes near you.",
    approximate: "Exact address unknown: the point is at the centre of the town.",
    print_list: "Print the list",
    see_map: "See on the map",
    change_search: "Change search",
    km: |km| format!("{:.1} km", km),

    open_until: |w, t| match w {
        When::Today => format!("Open until {}", clock(t)),
        w => format!("Open until {} {}", en_when(w), clock(t)),
    },
    opens: |w, t| format!("Opens {} at {}", en_when(w), clock(t)),
    closed_long: "No opening planned in the coming weeks",
    hours_unknown: "Hours not published: call before you go",
    hours_to_confirm: "Hours to be confirmed: call before you go",
    hours_known_years: |y| format!("Hours known from {} to {} only: call before you go.", y.first(), y.last()),

    back: "Back",
    place_not_found: "This place is no longer in the list.",
    call_number: |n| format!("Call {n}"),
    no_phone: "No phone number published. The département’s adviser can tell you more.",
    directions: "Get there",
    open_in_maps: "Open in my map app",
    open_in_osm: "See on OpenStreetMap",
    hours_title: "Opening hours this week",
    day: "Day",
    hours: "Hours",
    weekday: |d| en_weekday(d),
    closed: "Closed",
    today: "today",
    services_title: "They can help you with",
    access_title: "How to be seen",
    labels_title: "Labels",
    contact_title: "Contact",
    website: "Website",
    book_online: "Book an appointment online",
    info_from: |d, s| format!("Information checked in {}, source {s}.", month_year(&EN_MONTHS, d)),
    stale_warning: "This information is more than a year and a half old: call before you go.",
    share: "Share",
    share_sms: "Send by text message",
    print: "Print",

    map_title: "Map of places of help",
    map_hint: "Tap a point to see the place. Drag to move, pinch to zoom.",
    map_loading: "Loading the map…",
    map_failed: "The map could not be loaded.",
    zoom_in: "Zoom in",
    zoom_out: "Zoom out",
    map_reset: "Whole Vienne",
    pan_up: "Move up",
    pan_down: "Move down",
    pan_left: "Move left",
    pan_right: "Move right",
    you_are_here: "You are here",
    map_place: |nom, commune| format!("{nom}, {commune}"),

    service: |s| match s {
        Service::DemarchesAdministratives => "Help with online procedures",
        Service::OutilsDuQuotidien => "Using everyday digital tools",
        Service::InsertionProfessionnelle => "Finding work with digital tools",
        Service::UtilisationSecurisee => "Staying safe online",
        Service::Parentalite => "Parenting and education with digital tools",
        Service::LoisirsCreations => "Digital leisure and creation",
        Service::ComprehensionDuMonde => "Understanding the digital world",
        Service::AccesInternetMateriel => "Internet access and computers",
        Service::MaterielPrixSolidaire => "Low-cost computers",
    },
    acces: |a| match a {
        ModaliteAcces::SePresenter => "Walk in",
        ModaliteAcces::Telephoner => "Phone first",
        ModaliteAcces::ContacterParMail => "E-mail first",
        ModaliteAcces::RdvEnLigne => "Book online",
        ModaliteAcces::PasDepublic => "Not open to the public",
        ModaliteAcces::FicheDePrescription => "Referral form by e-mail",
    },
    accompagnement: |a| match a {
        ModaliteAccompagnement::EnAutonomie => "On your own",
        ModaliteAccompagnement::Individuel => "One-to-one help",
        ModaliteAccompagnement::AtelierCollectif => "Group workshop",
        ModaliteAccompagnement::ADistance => "Remote help",
    },
    frais: |f| match f {
        Frais::Gratuit => "Free",
        Frais::GratuitSousCondition => "Free under conditions",
        Frais::Payant => "Paid",
    },
    public: |p| match p {
        Public::Jeunes => "Young people",
        Public::Etudiants => "Students",
        Public::FamillesEnfants => "Families and children",
        Public::Seniors => "Older people",
        Public::Femmes => "Women",
    },
    prise_en_charge: |p| match p {
        PriseEnCharge::Surdite => "Deafness",
        PriseEnCharge::HandicapsMoteurs => "Physical disabilities",
        PriseEnCharge::HandicapsMentaux => "Mental disabilities",
        PriseEnCharge::Illettrisme => "Reading difficulties",
        PriseEnCharge::LanguesAnglais => "English spoken",
        PriseEnCharge::LanguesAutres => "Other languages spoken",
        PriseEnCharge::DeficienceVisuelle => "Visual impairment",
    },
};
