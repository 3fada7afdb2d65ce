//! The interface in Arabic (written right to left: `Lang::Ar.dir()` is `rtl`).

use chrono::{Datelike, Weekday};

use super::{Texts, When, clock, day_month, month_year, visit_end};
use crate::needs::Need;
use crate::registry::{Frais, ModaliteAcces, ModaliteAccompagnement, PriseEnCharge, Public, Service};

const AR_MONTHS: [&str; 12] =
    ["يناير", "فبراير", "مارس", "أبريل", "مايو", "يونيو", "يوليو", "أغسطس", "سبتمبر", "أكتوبر", "نوفمبر", "ديسمبر"];

fn ar_weekday(d: Weekday) -> &'static str {
    ["الاثنين", "الثلاثاء", "الأربعاء", "الخميس", "الجمعة", "السبت", "الأحد"][d.num_days_from_monday() as usize]
}

fn ar_when(w: When) -> String {
    match w {
        When::Today => "اليوم".into(),
        When::Tomorrow => "غدًا".into(),
        When::On(d) => format!("يوم {}", ar_weekday(d)),
        When::Date(d) => format!("في {}", day_month(&AR_MONTHS, d)),
    }
}

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
    // Far is beyond 10 minutes: n ≥ 11, where Arabic counts with the singular « دقيقة ».
    far_title: "المساعدة بعيدة",
    far_minutes: |n| format!("أقرب مساعدة على بعد حوالي {n} دقيقة بالسيارة."),
    call_departement: "اتصل بمجلس المقاطعة",
    no_trip_title: "يأتون إلى منزلك أو يساعدون عن بُعد",
    other_places: "أماكن أخرى",
    call: "اتصال",
    see_sheet: "التفاصيل",
    itinerant: "متنقل",
    itinerant_note: "هذه الخدمة تتنقل. اتصل لمعرفة موعد مرورها القادم قربك.",
    approximate: "العنوان الدقيق غير معروف: النقطة في وسط البلدة.",
    print_list: "طباعة القائمة",
    see_map: "عرض على الخريطة",
    change_search: "تغيير البحث",
    km: |km| format!("{:.1} كم", km),
    visit: |start, end, today| {
        let day = match (start.date() - today).num_days() {
            0 => "اليوم".to_owned(),
            1 => "غدًا".to_owned(),
            _ => format!("{} {}", ar_weekday(start.weekday()), day_month(&AR_MONTHS, start.date())),
        };
        // The hours isolated left to right, as the phone number: read « 9:00 – 12:00 », not reversed.
        format!("{day}، \u{2066}{} – {}\u{2069}", clock(start.time()), clock(visit_end(start, end)))
    },
    next_visit: |visit| format!("المرور القادم: {visit}"),
    no_visit: "لا يوجد مرور مقرر خلال الثلاثين يومًا القادمة.",
    stop_word: "محطة",
    next_visits: "المرورات القادمة",
    stops_title: "أين ومتى يمر",
    passages_title: "المرورات القادمة قربي",
    passages_within: "على مسافة أقل من",
    passages_none: |km| format!("لا يوجد مرور مقرر على مسافة أقل من {km} كم خلال الثلاثين يومًا القادمة."),
    add_to_calendar: "إضافة إلى مفكرتي",
    stop_not_found: "هذه المحطة لم تعد مبرمجة.",

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
    // The number isolated left to right (U+2066 … U+2069): in a right-to-left line its groups of
    // digits would otherwise be shown in reverse order (« 95 96 58 49 05 »).
    call_number: |n| format!("اتصل بالرقم \u{2066}{n}\u{2069}"),
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
    info_from: |d, s| format!("معلومات تم التحقق منها في {}، المصدر {s}.", month_year(&AR_MONTHS, d)),
    stale_warning: "تعود هذه المعلومات إلى أكثر من عام ونصف: اتصل قبل الذهاب.",
    share: "مشاركة",
    share_sms: "إرسال برسالة نصية",
    print: "طباعة",
    report_title: "الإبلاغ عن خطأ",
    report_what: "ما هو الخطأ؟",
    report_motifs: ["مغلق نهائيًا", "ساعات العمل خاطئة", "رقم الهاتف خاطئ", "انتقل إلى مكان آخر", "شيء آخر"],
    report_text: "اشرح ببضع كلمات (إلزامي لـ«شيء آخر»)",
    report_no_personal: "لا تكتب اسم أي شخص ولا رقم هاتفه.",
    report_send: "إرسال",
    report_choose: "اختر ما هو خاطئ.",
    report_text_needed: "اكتب ببضع كلمات ما هو الخطأ.",
    report_too_long: |n, max| format!("النص طويل جدًا: {n} حرفًا. الحد الأقصى {max}."),
    report_sent: "شكرًا. تم إرسال رسالتك.",
    report_queued: "شكرًا. سيتم إرسال رسالتك عندما تتوفر الشبكة في الهاتف.",
    report_refused: "هذا المكان لم يعد في القائمة: لم تُرسل الرسالة.",
    report_not_saved: "تعذر حفظ الرسالة. حاول مرة أخرى.",
    counting_note: "يحصي Repère الصفحات المعروضة وعمليات البحث حسب البلدية، دون أن يعرف من أنت.",

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
    map_stop: |nom, commune| format!("محطة: {nom}، {commune}"),
    map_legend_place: "مكان للمساعدة",
    map_legend_stop: "محطة الحافلة أو مكتب مساعدة متنقل",
    poster_link: "طباعة ملصق",
    poster_scan: "امسح هذا الرمز لرؤية هذه الصفحة على هاتفك",

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
