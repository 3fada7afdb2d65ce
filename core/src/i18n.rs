//! The one translation table: every word the app shows, in French (first), English and Arabic.
//!
//! [`Texts`] is a struct, so a language that misses a message does not compile. Place data
//! (names, addresses, presentations) is never translated: it stays as published. The
//! standard's enumerations (services, access…) are UI words and are translated here.

use chrono::{Datelike, NaiveDate, NaiveDateTime, NaiveTime, Timelike, Weekday};

use crate::hours::{Status, Window};
use crate::needs::Need;
use crate::registry::{Frais, Label, ModaliteAcces, ModaliteAccompagnement, PriseEnCharge, Public, Service};

/// A language of the interface.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Lang {
    Fr,
    En,
    Ar,
}

impl Lang {
    pub const ALL: [Lang; 3] = [Lang::Fr, Lang::En, Lang::Ar];

    /// BCP 47 code, for `<html lang>` and for remembering the choice.
    pub fn code(self) -> &'static str {
        match self {
            Lang::Fr => "fr",
            Lang::En => "en",
            Lang::Ar => "ar",
        }
    }

    pub fn from_code(code: &str) -> Option<Lang> {
        Lang::ALL.into_iter().find(|l| l.code() == code)
    }

    /// Text direction, for `<html dir>`.
    pub fn dir(self) -> &'static str {
        if self == Lang::Ar { "rtl" } else { "ltr" }
    }

    /// The language's name in itself, as language pickers show it.
    pub fn autonym(self) -> &'static str {
        match self {
            Lang::Fr => "Français",
            Lang::En => "English",
            Lang::Ar => "العربية",
        }
    }

    pub fn texts(self) -> &'static Texts {
        match self {
            Lang::Fr => &FR,
            Lang::En => &EN,
            Lang::Ar => &AR,
        }
    }
}

/// When something happens, relative to now, as people say it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum When {
    Today,
    Tomorrow,
    /// Within the coming week.
    On(Weekday),
    /// Later.
    Date(NaiveDate),
}

impl When {
    pub fn of(day: NaiveDate, today: NaiveDate) -> When {
        match (day - today).num_days() {
            0 => When::Today,
            1 => When::Tomorrow,
            2..=6 => When::On(day.weekday()),
            _ => When::Date(day),
        }
    }
}

/// Every message of the interface in one language.
pub struct Texts {
    pub app_title: &'static str,
    pub skip_to_content: &'static str,
    pub helpline_label: &'static str,
    pub language: &'static str,
    pub nav_label: &'static str,
    pub nav_home: &'static str,
    pub nav_map: &'static str,
    pub nav_mediation: &'static str,
    pub offline: &'static str,
    pub update_ready: &'static str,
    pub update_apply: &'static str,

    pub home_title: &'static str,
    pub home_intro: &'static str,
    pub loading_places: &'static str,
    pub places_on_device: fn(usize) -> String,
    pub places_failed: &'static str,
    pub where_title: &'static str,
    pub near_me: &'static str,
    pub locating: &'static str,
    pub geo_failed: &'static str,
    pub commune_label: &'static str,
    pub commune_hint: &'static str,
    pub commune_none: &'static str,
    pub need_title: &'static str,
    pub need_hint: &'static str,
    pub need: fn(Need) -> &'static str,
    pub helpline_hint: &'static str,

    pub results_near_commune: fn(&str) -> String,
    pub results_near_me: &'static str,
    pub results_count: fn(usize) -> String,
    pub filters: &'static str,
    pub open_now: &'static str,
    pub walk_in: &'static str,
    pub free: &'static str,
    /// The filter, and the line of a sheet, for structures that visit people at home.
    pub at_home: &'static str,
    pub publics: &'static str,
    pub show_more: &'static str,
    pub no_results: &'static str,
    pub call: &'static str,
    pub see_sheet: &'static str,
    pub itinerant: &'static str,
    pub itinerant_note: &'static str,
    pub approximate: &'static str,
    pub print_list: &'static str,
    pub see_map: &'static str,
    pub change_search: &'static str,
    pub km: fn(f64) -> String,

    pub open_until: fn(When, NaiveTime) -> String,
    pub opens: fn(When, NaiveTime) -> String,
    pub closed_long: &'static str,
    pub hours_unknown: &'static str,
    /// The status of a place whose hours are not known for the day asked (see `hours::Status::ToConfirm`).
    pub hours_to_confirm: &'static str,
    /// On a sheet, in place of a week's table the timetable cannot answer for: the years it knows.
    pub hours_known_years: fn(Window) -> String,

    pub back: &'static str,
    pub place_not_found: &'static str,
    pub call_number: fn(&str) -> String,
    pub no_phone: &'static str,
    pub directions: &'static str,
    pub open_in_maps: &'static str,
    pub open_in_osm: &'static str,
    pub hours_title: &'static str,
    pub day: &'static str,
    pub hours: &'static str,
    pub weekday: fn(Weekday) -> &'static str,
    pub closed: &'static str,
    pub today: &'static str,
    pub services_title: &'static str,
    pub access_title: &'static str,
    pub labels_title: &'static str,
    pub contact_title: &'static str,
    pub website: &'static str,
    pub book_online: &'static str,
    pub info_from: fn(NaiveDate, &str) -> String,
    pub share: &'static str,
    pub share_sms: &'static str,
    pub print: &'static str,

    pub map_title: &'static str,
    pub map_hint: &'static str,
    pub map_loading: &'static str,
    pub map_failed: &'static str,
    pub zoom_in: &'static str,
    pub zoom_out: &'static str,
    pub map_reset: &'static str,
    pub pan_up: &'static str,
    pub pan_down: &'static str,
    pub pan_left: &'static str,
    pub pan_right: &'static str,
    pub you_are_here: &'static str,
    pub map_place: fn(&str, &str) -> String,

    pub service: fn(Service) -> &'static str,
    pub acces: fn(ModaliteAcces) -> &'static str,
    pub accompagnement: fn(ModaliteAccompagnement) -> &'static str,
    pub frais: fn(Frais) -> &'static str,
    pub public: fn(Public) -> &'static str,
    pub prise_en_charge: fn(PriseEnCharge) -> &'static str,
}

impl Texts {
    /// "Ouvert jusqu'à 17 h", "Ouvre mardi à 9 h"…, from a schedule's status at `now`.
    pub fn status(&self, status: Status, now: NaiveDateTime) -> String {
        match status {
            Status::OpenUntil(end) => (self.open_until)(When::of(end.date(), now.date()), end.time()),
            Status::Opens(start) => (self.opens)(When::of(start.date(), now.date()), start.time()),
            Status::Closed => self.closed_long.to_owned(),
            Status::ToConfirm => self.hours_to_confirm.to_owned(),
        }
    }
}

/// A source code of the seed as people know it (programme names are proper nouns).
pub fn source_name(code: &str) -> &str {
    match code {
        "conseiller-numerique" => "Conseillers numériques",
        "france-services" => "France Services",
        "aidants-connect" => "Aidants Connect",
        "siao" => "SIAO 86",
        other => other,
    }
}

fn french_time(t: NaiveTime) -> String {
    match t.minute() {
        0 => format!("{} h", t.hour()),
        m => format!("{} h {m:02}", t.hour()),
    }
}

fn clock(t: NaiveTime) -> String {
    format!("{}:{:02}", t.hour(), t.minute())
}

const FR_MONTHS: [&str; 12] =
    ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre", "novembre", "décembre"];
const EN_MONTHS: [&str; 12] =
    ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"];
const AR_MONTHS: [&str; 12] =
    ["يناير", "فبراير", "مارس", "أبريل", "مايو", "يونيو", "يوليو", "أغسطس", "سبتمبر", "أكتوبر", "نوفمبر", "ديسمبر"];

fn date_in(months: &[&str; 12], d: NaiveDate) -> String {
    format!("{} {} {}", d.day(), months[d.month0() as usize], d.year())
}

fn day_month(months: &[&str; 12], d: NaiveDate) -> String {
    format!("{} {}", d.day(), months[d.month0() as usize])
}

fn fr_weekday(d: Weekday) -> &'static str {
    ["lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche"][d.num_days_from_monday() as usize]
}

fn en_weekday(d: Weekday) -> &'static str {
    ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"][d.num_days_from_monday() as usize]
}

fn ar_weekday(d: Weekday) -> &'static str {
    ["الاثنين", "الثلاثاء", "الأربعاء", "الخميس", "الجمعة", "السبت", "الأحد"][d.num_days_from_monday() as usize]
}

fn fr_when(w: When) -> String {
    match w {
        When::Today => "aujourd’hui".into(),
        When::Tomorrow => "demain".into(),
        When::On(d) => fr_weekday(d).into(),
        When::Date(d) => format!("le {}", day_month(&FR_MONTHS, d)),
    }
}

fn en_when(w: When) -> String {
    match w {
        When::Today => "today".into(),
        When::Tomorrow => "tomorrow".into(),
        When::On(d) => en_weekday(d).into(),
        When::Date(d) => format!("on {}", day_month(&EN_MONTHS, d)),
    }
}

fn ar_when(w: When) -> String {
    match w {
        When::Today => "اليوم".into(),
        When::Tomorrow => "غدًا".into(),
        When::On(d) => format!("يوم {}", ar_weekday(d)),
        When::Date(d) => format!("في {}", day_month(&AR_MONTHS, d)),
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
    info_from: |d, s| format!("Informations du {}, source {s}.", date_in(&FR_MONTHS, d)),
    share: "Partager",
    share_sms: "Envoyer par SMS",
    print: "Imprimer",

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
    info_from: |d, s| format!("Information from {}, source {s}.", date_in(&EN_MONTHS, d)),
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

pub static AR: Texts = Texts {
    app_title: "Repère — مساعدة في الأمور الرقمية في فيين",
    skip_to_content: "الانتقال إلى المحتوى",
    helpline_label: "مستشار يرشدك",
    language: "اللغة",
    nav_label: "القائمة",
    nav_home: "بحث",
    nav_map: "الخريطة",
    nav_mediation: "الوسطاء",
    offline: "بدون اتصال: المعلومات لا تزال متاحة.",
    update_ready: "نسخة جديدة من Repère جاهزة.",
    update_apply: "تحديث",

    home_title: "ابحث عن مساعدة في الأمور الرقمية قريبًا منك",
    home_intro: "الإجراءات عبر الإنترنت، الهاتف، الحاسوب: في فيين، يمكن لأشخاص مساعدتك، وغالبًا مجانًا.",
    loading_places: "جارٍ تحميل الأماكن…",
    places_on_device: |n| format!("{n} مكان مساعدة في فيين، محفوظة على هذا الهاتف."),
    places_failed: "تعذّر تحميل الأماكن. اتصل بالرقم في أعلى الشاشة.",
    where_title: "أين تبحث؟",
    near_me: "حولي",
    locating: "جارٍ تحديد موقعك…",
    geo_failed: "لم يتم العثور على موقعك. لا بأس: اكتب اسم بلدتك.",
    commune_label: "اختر بلدتي",
    commune_hint: "الاسم أو الرمز البريدي، مثل Civray أو 86400",
    commune_none: "لم يتم العثور على أي بلدة. تحقق من الاسم، أو اكتب الرمز البريدي.",
    need_title: "ماذا تحتاج؟",
    need_hint: "يمكنك اختيار حاجة أو أكثر، أو لا شيء.",
    need: |n| match n {
        Need::Demarches => "إنجاز معاملاتي عبر الإنترنت",
        Need::Apprendre => "تعلّم استخدام هاتفي أو حاسوبي",
        Need::Equipement => "الحصول على حاسوب أو إنترنت",
        Need::Emploi => "إيجاد عمل بالأدوات الرقمية",
        Need::Parents => "الآباء والأطفال",
        Need::Securite => "الحماية على الإنترنت",
    },
    helpline_hint: "لا تعرف إلى أين تذهب؟ اتصل، مستشار يرشدك.",

    results_near_commune: |c| format!("أماكن المساعدة قرب {c}"),
    results_near_me: "أماكن المساعدة حولك",
    results_count: |n| {
        if n == 1 { "مكان واحد".into() } else { format!("{n} أماكن") }
    },
    filters: "عوامل التصفية",
    open_now: "مفتوح الآن",
    walk_in: "بدون موعد",
    free: "مجاني",
    at_home: "يأتي إلى منزلك",
    publics: "استقبال ملائم",
    show_more: "عرض أماكن أخرى",
    no_results: "لا يوجد مكان مطابق. أزل عامل تصفية، أو اتصل بمستشار.",
    call: "اتصال",
    see_sheet: "التفاصيل",
    itinerant: "متنقل",
    itinerant_note: "هذه الخدمة تتنقل. اتصل لمعرفة موعد مرورها القادم قربك.",
    approximate: "العنوان الدقيق غير معروف: النقطة في وسط البلدة.",
    print_list: "طباعة القائمة",
    see_map: "عرض على الخريطة",
    change_search: "تغيير البحث",
    km: |km| format!("{:.1} كم", km),

    open_until: |w, t| match w {
        When::Today => format!("مفتوح حتى الساعة {}", clock(t)),
        w => format!("مفتوح حتى {} الساعة {}", ar_when(w), clock(t)),
    },
    opens: |w, t| format!("يفتح {} الساعة {}", ar_when(w), clock(t)),
    closed_long: "لا يوجد افتتاح مقرر في الأسابيع القادمة",
    hours_unknown: "ساعات العمل غير منشورة: اتصل قبل الذهاب",
    hours_to_confirm: "ساعات العمل بحاجة إلى تأكيد: اتصل قبل الذهاب",
    hours_known_years: |y| format!("ساعات العمل معروفة من {} إلى {} فقط: اتصل قبل الذهاب.", y.first(), y.last()),

    back: "رجوع",
    place_not_found: "هذا المكان لم يعد في القائمة.",
    call_number: |n| format!("اتصل بالرقم {n}"),
    no_phone: "لا يوجد رقم منشور. يمكن لمستشار المقاطعة إرشادك.",
    directions: "الذهاب إلى هناك",
    open_in_maps: "فتح في تطبيق الخرائط",
    open_in_osm: "عرض على OpenStreetMap",
    hours_title: "ساعات العمل هذا الأسبوع",
    day: "اليوم",
    hours: "الساعات",
    weekday: |d| ar_weekday(d),
    closed: "مغلق",
    today: "اليوم",
    services_title: "يمكنهم مساعدتك في",
    access_title: "كيف يتم استقبالك",
    labels_title: "العلامات",
    contact_title: "الاتصال",
    website: "الموقع الإلكتروني",
    book_online: "حجز موعد عبر الإنترنت",
    info_from: |d, s| format!("معلومات بتاريخ {}، المصدر {s}.", date_in(&AR_MONTHS, d)),
    share: "مشاركة",
    share_sms: "إرسال برسالة نصية",
    print: "طباعة",

    map_title: "خريطة أماكن المساعدة",
    map_hint: "المس نقطة لرؤية المكان. اسحب للتحريك، واقرص للتكبير.",
    map_loading: "جارٍ تحميل الخريطة…",
    map_failed: "تعذّر تحميل الخريطة.",
    zoom_in: "تكبير",
    zoom_out: "تصغير",
    map_reset: "كل فيين",
    pan_up: "إلى الأعلى",
    pan_down: "إلى الأسفل",
    pan_left: "إلى اليسار",
    pan_right: "إلى اليمين",
    you_are_here: "أنت هنا",
    map_place: |nom, commune| format!("{nom}، {commune}"),

    service: |s| match s {
        Service::DemarchesAdministratives => "المساعدة في الإجراءات الإدارية",
        Service::OutilsDuQuotidien => "استخدام الأدوات الرقمية اليومية",
        Service::InsertionProfessionnelle => "الإدماج المهني عبر الرقمي",
        Service::UtilisationSecurisee => "الاستخدام الآمن للرقمي",
        Service::Parentalite => "التربية والتعليم مع الرقمي",
        Service::LoisirsCreations => "الترفيه والإبداع الرقمي",
        Service::ComprehensionDuMonde => "فهم العالم الرقمي",
        Service::AccesInternetMateriel => "الوصول إلى الإنترنت والأجهزة",
        Service::MaterielPrixSolidaire => "أجهزة حاسوب بأسعار تضامنية",
    },
    acces: |a| match a {
        ModaliteAcces::SePresenter => "الحضور مباشرة",
        ModaliteAcces::Telephoner => "الاتصال هاتفيًا أولًا",
        ModaliteAcces::ContacterParMail => "المراسلة بالبريد الإلكتروني أولًا",
        ModaliteAcces::RdvEnLigne => "حجز موعد عبر الإنترنت",
        ModaliteAcces::PasDepublic => "لا يستقبل الجمهور",
        ModaliteAcces::FicheDePrescription => "استمارة توجيه بالبريد الإلكتروني",
    },
    accompagnement: |a| match a {
        ModaliteAccompagnement::EnAutonomie => "باستقلالية",
        ModaliteAccompagnement::Individuel => "مرافقة فردية",
        ModaliteAccompagnement::AtelierCollectif => "ورشة جماعية",
        ModaliteAccompagnement::ADistance => "عن بعد",
    },
    frais: |f| match f {
        Frais::Gratuit => "مجاني",
        Frais::GratuitSousCondition => "مجاني بشروط",
        Frais::Payant => "مدفوع",
    },
    public: |p| match p {
        Public::Jeunes => "الشباب",
        Public::Etudiants => "الطلاب",
        Public::FamillesEnfants => "العائلات والأطفال",
        Public::Seniors => "كبار السن",
        Public::Femmes => "النساء",
    },
    prise_en_charge: |p| match p {
        PriseEnCharge::Surdite => "الصمم",
        PriseEnCharge::HandicapsMoteurs => "الإعاقات الحركية",
        PriseEnCharge::HandicapsMentaux => "الإعاقات الذهنية",
        PriseEnCharge::Illettrisme => "صعوبات القراءة",
        PriseEnCharge::LanguesAnglais => "يتحدثون الإنجليزية",
        PriseEnCharge::LanguesAutres => "يتحدثون لغات أخرى",
        PriseEnCharge::DeficienceVisuelle => "الإعاقة البصرية",
    },
};

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;

    fn at(d: u32, h: u32, m: u32) -> NaiveDateTime {
        NaiveDate::from_ymd_opt(2026, 11, d).unwrap().and_hms_opt(h, m, 0).unwrap()
    }

    #[test]
    fn opening_in_words_in_each_language() {
        // Friday 27 November 2026, 10:00.
        let now = at(27, 10, 0);
        let cases = [
            (Status::OpenUntil(at(27, 17, 0)), ["Ouvert jusqu’à 17 h", "Open until 17:00", "مفتوح حتى الساعة 17:00"]),
            (Status::Opens(at(27, 13, 30)), ["Ouvre aujourd’hui à 13 h 30", "Opens today at 13:30", "يفتح اليوم الساعة 13:30"]),
            (Status::Opens(at(28, 9, 0)), ["Ouvre demain à 9 h", "Opens tomorrow at 9:00", "يفتح غدًا الساعة 9:00"]),
            (Status::Opens(at(30, 9, 0)), ["Ouvre lundi à 9 h", "Opens Monday at 9:00", "يفتح يوم الاثنين الساعة 9:00"]),
            (
                Status::Opens(NaiveDate::from_ymd_opt(2026, 12, 8).unwrap().and_hms_opt(14, 0, 0).unwrap()),
                ["Ouvre le 8 décembre à 14 h", "Opens on 8 December at 14:00", "يفتح في 8 ديسمبر الساعة 14:00"],
            ),
            (
                Status::ToConfirm,
                [
                    "Horaires à confirmer : appelez avant de venir",
                    "Hours to be confirmed: call before you go",
                    "ساعات العمل بحاجة إلى تأكيد: اتصل قبل الذهاب",
                ],
            ),
        ];
        for (status, expected) in cases {
            for (lang, text) in Lang::ALL.into_iter().zip(expected) {
                assert_eq!(lang.texts().status(status, now), text, "{lang:?}");
            }
        }
    }

    #[test]
    fn distances_follow_each_language() {
        assert_eq!((FR.km)(2.345), "2,3 km");
        assert_eq!((EN.km)(2.345), "2.3 km");
        assert_eq!((AR.km)(12.0), "12.0 كم");
    }

    #[test]
    fn languages_have_codes_and_directions() {
        for lang in Lang::ALL {
            assert_eq!(Lang::from_code(lang.code()), Some(lang));
        }
        assert_eq!(Lang::Ar.dir(), "rtl");
        assert_eq!(Lang::Fr.dir(), "ltr");
        assert_eq!(Lang::from_code("de"), None);
    }

    /// A forgotten translation shows as a copy of the French text.
    #[test]
    fn other_languages_do_not_copy_french() {
        for texts in [&EN, &AR] {
            for need in Need::ALL {
                assert_ne!((texts.need)(need), (FR.need)(need));
            }
            for service in Service::ALL {
                assert_ne!((texts.service)(*service), (FR.service)(*service));
            }
            assert_ne!(texts.offline, FR.offline);
            assert_ne!(texts.hours_to_confirm, FR.hours_to_confirm);
            let years = Window::new(2026, 2028).unwrap();
            assert_ne!((texts.hours_known_years)(years), (FR.hours_known_years)(years));
            assert!((texts.hours_known_years)(years).contains("2026") && (texts.hours_known_years)(years).contains("2028"));
            assert_ne!(texts.home_title, FR.home_title);
        }
    }

    #[test]
    fn information_date_and_source() {
        let d = NaiveDate::from_ymd_opt(2022, 8, 30).unwrap();
        assert_eq!((FR.info_from)(d, source_name("conseiller-numerique")), "Informations du 30 août 2022, source Conseillers numériques.");
    }
}
