//! The mediator's space, its own page and bundle (`/mediation/`): enrol this device once, then
//! log contacts in seconds, offline, and see them leave. Professional staff use it; its words
//! are French.

use chrono::{Datelike, NaiveDateTime, Timelike};
use leptos::prelude::*;
use repere_core::activity::*;
use repere_core::registry::{Label, LabelSet};
use repere_core::sync::State;

use super::{Section, frame, provide_shared, scroll_to_top};
use crate::clock;
use crate::gazetteer::Gazetteer;
use crate::outbox::{Mediation, new_id};
use crate::registry::Registry;
use crate::session::{KINDS, Outreach};

/// The mediators' app. While it is open the outbox syncs by itself (at start, when back online,
/// and again after a failure); each successful sync also pulls registry updates.
#[component]
pub fn MediatorApp() -> impl IntoView {
    provide_shared();
    let mediation = Mediation::start();
    provide_context(mediation);
    provide_context(Outreach::remembered());
    let registry = Registry::load(move |db| mediation.attach(db));
    mediation.pull_with(registry);
    provide_context(registry);
    scroll_to_top();
    frame(Signal::stored(Section::Mediation), || view! { <MediationPage /> }.into_any())
}

#[component]
fn MediationPage() -> impl IntoView {
    let m = expect_context::<Mediation>();
    view! {
        <h1 tabindex="-1">"Espace médiateur"</h1>
        {move || match (m.ready.get(), m.device.get().is_some()) {
            (false, _) => view! { <p class="registry">"Chargement…"</p> }.into_any(),
            (true, true) => view! { <Logbook /> }.into_any(),
            (true, false) => view! { <Enrol /> }.into_any(),
        }}
    }
}

#[component]
fn Enrol() -> impl IntoView {
    let m = expect_context::<Mediation>();
    let code = RwSignal::new(String::new());
    let message = RwSignal::new(None::<String>);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        leptos::task::spawn_local(async move {
            message.set(Some("Vérification…".into()));
            match m.enrol(code.get_untracked().trim()).await {
                Ok(()) => message.set(None),
                Err(e) => message.set(Some(format!("Code refusé : {e}"))),
            }
        });
    };
    view! {
        <p>"Pour noter vos accompagnements, ce téléphone doit être inscrit une fois, avec le code donné par le Département."</p>
        <form class="commune" on:submit=submit>
            <label for="code">"Code d’inscription"</label>
            <input id="code" type="text" autocomplete="off" prop:value=move || code.get() on:input=move |ev| code.set(event_target_value(&ev)) />
            <p class="notice" role="status">{move || message.get()}</p>
            <button type="submit" class="big">"Inscrire ce téléphone"</button>
        </form>
    }
}

#[component]
fn Logbook() -> impl IntoView {
    let m = expect_context::<Mediation>();
    let structure = move || m.device.get().map(|d| d.structure).unwrap_or_default();
    view! {
        <p>{move || format!("Structure : {}", structure())}</p>
        <SyncStatus />
        <OutreachSession />
        <ContactForm />
        <Pending />
    }
}

#[component]
fn SyncStatus() -> impl IntoView {
    let m = expect_context::<Mediation>();
    let sync = move |_| leptos::task::spawn_local(async move { m.sync_now().await });
    view! {
        <section class="sync" aria-labelledby="envoi">
            <h2 id="envoi">"Envoi"</h2>
            <p role="status" class="pending">{move || match m.pending() {
                0 => "Tout est envoyé.".to_owned(),
                1 => "1 contact en attente d’envoi".to_owned(),
                n => format!("{n} contacts en attente d’envoi"),
            }}</p>
            <p class="hint">{move || m.last_sync.get().map(|t| last_sync_words(&t)).unwrap_or_else(|| "Aucun envoi pour l’instant.".into())}</p>
            // Said once when it changes (a live region); the countdown below is not live, so a
            // screen reader does not read it out every second.
            <p class="notice" role="status">{move || m.problem.get().map(|p| format!("Envoi impossible pour l’instant ({p}). Les contacts restent sur ce téléphone ; nouvel essai automatique."))}</p>
            <p class="hint retry">{move || retry_words(m)}</p>
            <button type="button" class="secondary" on:click=sync disabled=move || m.syncing.get()>
                {move || if m.syncing.get() { "Envoi en cours…" } else { "Synchroniser" }}
            </button>
        </section>
    }
}

/// "Nouvel essai dans 40 s." while a try is scheduled; after a failure offline, when it will be.
fn retry_words(m: Mediation) -> Option<String> {
    if m.syncing.get() || m.pending() == 0 {
        return None;
    }
    match m.retry_in() {
        Some(s) => Some(format!("Nouvel essai dans {s} s.")),
        None => m.problem.with(Option::is_some).then(|| "Nouvel essai au retour du réseau.".to_owned()),
    }
}

/// A market day, a bus stop, an event: a big tally for people simply informed, and the
/// contacts logged meanwhile attached to the session.
#[component]
fn OutreachSession() -> impl IntoView {
    let m = expect_context::<Mediation>();
    let outreach = expect_context::<Outreach>();
    let gazetteer = expect_context::<Gazetteer>();
    let kind = RwSignal::new("marche".to_owned());
    let commune = RwSignal::new(String::new());
    let problem = RwSignal::new(None::<String>);
    let start = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let name = commune.get_untracked();
        let found = if name.trim().is_empty() {
            None
        } else {
            match gazetteer.best(&name) {
                Some(c) => Some(c),
                None => return problem.set(Some(format!("Commune « {name} » introuvable dans la Vienne."))),
            }
        };
        if kind.get_untracked() == "evenement" && found.is_none() {
            return problem.set(Some("Pour un événement, écrivez la commune.".into()));
        }
        problem.set(None);
        outreach.start(&kind.get_untracked(), found);
    };
    let plus_one = move |_| {
        leptos::task::spawn_local(async move {
            match outreach.plus_one(m).await {
                Ok(()) => problem.set(None),
                Err(e) => problem.set(Some(format!("Non compté : {e}"))),
            }
        })
    };
    view! {
        <section class="outreach" aria-labelledby="session">
            <h2 id="session">"Session sur le terrain"</h2>
            {move || match outreach.current.get() {
                None => view! {
                    <form on:submit=start>
                        <fieldset class="choices">
                            <legend>"Où êtes-vous ?"</legend>
                            {KINDS.into_iter().map(|(code, label)| view! {
                                <label class="choice"><input type="radio" name="session-kind" prop:checked=move || kind.get() == code on:change=move |_| kind.set(code.to_owned()) />{label}</label>
                            }).collect_view()}
                        </fieldset>
                        <label class="field" for="session-commune">"Commune"</label>
                        <input id="session-commune" type="text" prop:value=move || commune.get() on:input=move |ev| commune.set(event_target_value(&ev)) />
                        <button type="submit" class="secondary">"Commencer la session"</button>
                    </form>
                    {move || outreach.ended.get().map(|o| view! {
                        <p class="notice" role="status">{format!(
                            "Session terminée — {} : {} personne(s) renseignée(s), {} contact(s) noté(s).", o.title(), o.quick, o.logged
                        )}</p>
                    })}
                }.into_any(),
                Some(o) => view! {
                    <p>{format!("{} — depuis {}", o.title(), o.started.get(11..16).unwrap_or(""))}</p>
                    <button type="button" class="big tally" on:click=plus_one>
                        "+1 personne renseignée"
                    </button>
                    <p role="status" class="pending">{format!("{} personne(s) renseignée(s), {} contact(s) noté(s) dans cette session", o.quick, o.logged)}</p>
                    <button type="button" class="secondary" on:click=move |_| outreach.end()>"Terminer la session"</button>
                }.into_any(),
            }}
            <p class="notice" role="alert">{move || problem.get()}</p>
        </section>
    }
}

/// Picks a place of the registry by typing words of its name or commune; suggestions are buttons.
#[component]
fn PlacePicker(label: &'static str, id: &'static str, chosen: RwSignal<Option<String>>) -> impl IntoView {
    let registry = expect_context::<crate::registry::Registry>();
    let query = RwSignal::new(String::new());
    let name_of = move |place_id: &str| {
        registry
            .finder()
            .and_then(|f| f.place(place_id).map(|p| format!("{}, {}", p.nom, p.commune)))
            .unwrap_or_else(|| place_id.to_owned())
    };
    let suggestions = move || {
        let q = query.get();
        if q.trim().chars().count() < 2 {
            return Vec::new();
        }
        registry
            .finder()
            .map(|f| f.by_name(&q, 5).into_iter().map(|p| (p.id.clone(), format!("{}, {}", p.nom, p.commune))).collect())
            .unwrap_or_default()
    };
    view! {
        {move || match chosen.get() {
            Some(place_id) => view! {
                <p class="field">{label}</p>
                <p>{format!("Choisi : {}", name_of(&place_id))} " "
                    <button type="button" class="secondary" on:click=move |_| chosen.set(None)>"Changer"</button>
                </p>
            }.into_any(),
            None => view! {
                <label class="field" for=id>{label}</label>
                <input id=id type="text" prop:value=move || query.get() on:input=move |ev| query.set(event_target_value(&ev)) />
                <ul class="suggestions" role="list">
                    {move || suggestions().into_iter().map(|(place_id, text)| view! {
                        <li><button type="button" on:click=move |_| chosen.set(Some(place_id.clone()))>{text}</button></li>
                    }).collect_view()}
                </ul>
            }.into_any(),
        }}
    }
}

/// "Dernier envoi réussi : 28/11 à 21 h 11" from a stored local time.
fn last_sync_words(stored: &str) -> String {
    match repere_protocol::local_time(stored) {
        Some(t) => format!("Dernier envoi réussi : {:02}/{:02} à {} h {:02}.", t.day(), t.month(), t.hour(), t.minute()),
        None => "Dernier envoi réussi : date inconnue.".to_owned(),
    }
}

/// Remembered between contacts: a mediator on the bus logs many alike.
const DEFAULTS_KEY: &str = "repere.contact";

fn remembered() -> (TypeActivite, u16, String) {
    let saved = web_sys::window()
        .and_then(|w| w.local_storage().ok().flatten())
        .and_then(|s| s.get_item(DEFAULTS_KEY).ok().flatten())
        .unwrap_or_default();
    let mut parts = saved.split('|');
    let kind = parts.next().and_then(TypeActivite::from_code).unwrap_or(TypeActivite::Individuel);
    let duree = parts.next().and_then(|d| d.parse().ok()).unwrap_or(30);
    let lieu = parts.next().unwrap_or("bus").to_owned();
    (kind, duree, lieu)
}

fn remember(kind: TypeActivite, duree: u16, lieu: &str) {
    if let Some(s) = web_sys::window().and_then(|w| w.local_storage().ok().flatten()) {
        let _ = s.set_item(DEFAULTS_KEY, &format!("{}|{duree}|{lieu}", kind.code()));
    }
}

const LIEUX: [(&str, &str); 6] = [
    ("bus", "Bus"),
    ("marche", "Marché ou stand"),
    ("registre", "Un lieu de l’annuaire"),
    ("commune", "Dans une commune"),
    ("domicile", "À domicile"),
    ("distance", "À distance"),
];

fn local_input(t: NaiveDateTime) -> String {
    repere_protocol::write_local_time(t)[..16].to_owned()
}

#[component]
fn ContactForm() -> impl IntoView {
    let m = expect_context::<Mediation>();
    let gazetteer = expect_context::<Gazetteer>();
    let outreach = expect_context::<Outreach>();
    let (kind0, duree0, lieu0) = remembered();
    let kind = RwSignal::new(Some(kind0));
    let quand = RwSignal::new(local_input(clock::now()));
    let duree = RwSignal::new(duree0);
    let lieu = RwSignal::new(lieu0);
    let lieu_commune = RwSignal::new(String::new());
    let lieu_place = RwSignal::new(None::<String>);
    let orientation_place = RwSignal::new(None::<String>);
    let themes = RwSignal::new(LabelSet::<Thematique>::new());
    let admin = RwSignal::new(LabelSet::<ThematiqueAdministrative>::new());
    let materiel = RwSignal::new(LabelSet::<Materiel>::new());
    let autonomie = RwSignal::new(None::<Autonomie>);
    let age = RwSignal::new(None::<TrancheAge>);
    let statut = RwSignal::new(None::<StatutSocial>);
    let genre = RwSignal::new(None::<Genre>);
    let residence = RwSignal::new(String::new());
    let niveau = RwSignal::new(None::<NiveauAtelier>);
    let par_age = RwSignal::new([0u16; 8]);
    let par_statut = RwSignal::new([0u16; 5]);
    let orientation = RwSignal::new(None::<StructureRedirection>);
    let problems = RwSignal::new(Vec::<String>::new());
    let saved = RwSignal::new(None::<String>);
    let collective = move || kind.get() == Some(TypeActivite::Collectif);

    // "Corriger" in the list fills the form with that contact; saving replaces it.
    Effect::new(move |_| {
        let Some(c) = m.editing.get() else { return };
        kind.set(Some(c.type_activite));
        quand.set(local_input(c.debut));
        duree.set(c.duree_min);
        lieu.set(
            match c.lieu {
                Lieu::MarcheStand => "marche",
                Lieu::Domicile => "domicile",
                Lieu::ADistance => "distance",
                Lieu::Registre(_) => "registre",
                Lieu::Commune(_) => "commune",
                Lieu::Bus => "bus",
            }
            .to_owned(),
        );
        lieu_place.set(match &c.lieu {
            Lieu::Registre(id) => Some(id.clone()),
            _ => None,
        });
        orientation_place.set(c.orientation.as_ref().and_then(|o| o.lieu.clone()));
        if let Lieu::Commune(code) = &c.lieu {
            lieu_commune.set(gazetteer.with(|t| t.by_code(code).map(|c| c.nom.clone())).flatten().unwrap_or_default());
        }
        themes.set(c.thematiques);
        admin.set(c.thematiques_administratives);
        materiel.set(c.materiel);
        autonomie.set(c.autonomie);
        age.set(c.beneficiaire.tranche_age);
        statut.set(c.beneficiaire.statut);
        genre.set(c.beneficiaire.genre);
        residence.set(
            c.beneficiaire
                .commune
                .as_deref()
                .and_then(|code| gazetteer.with(|t| t.by_code(code).map(|c| c.nom.clone())).flatten())
                .unwrap_or_default(),
        );
        niveau.set(c.niveau_atelier);
        par_age.set(c.participants.par_age);
        par_statut.set(c.participants.par_statut);
        orientation.set(c.orientation.map(|o| o.structure));
        saved.set(None);
        if let Some(form) = web_sys::window().and_then(|w| w.document()).and_then(|d| d.get_element_by_id("nouveau")) {
            form.scroll_into_view();
        }
    });

    let commune_code = move |name: &str| -> Result<Option<String>, String> {
        if name.trim().is_empty() {
            return Ok(None);
        }
        gazetteer.best(name).map(|(code, _)| Some(code)).ok_or_else(|| format!("commune « {name} » introuvable dans la Vienne"))
    };

    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        saved.set(None);
        let mut errors = Vec::new();
        let outing = outreach.current.get_untracked();
        let lieu_value = match lieu.get_untracked().as_str() {
            _ if outing.is_some() => outing.as_ref().expect("checked").lieu(),
            "marche" => Lieu::MarcheStand,
            "domicile" => Lieu::Domicile,
            "distance" => Lieu::ADistance,
            "registre" => match lieu_place.get_untracked() {
                Some(id) => Lieu::Registre(id),
                None => {
                    errors.push("lieu : choisissez le lieu dans l’annuaire".to_owned());
                    Lieu::Bus
                }
            },
            "commune" => match commune_code(&lieu_commune.get_untracked()) {
                Ok(Some(code)) => Lieu::Commune(code),
                Ok(None) => {
                    errors.push("lieu : écrivez la commune".to_owned());
                    Lieu::Bus
                }
                Err(e) => {
                    errors.push(format!("lieu : {e}"));
                    Lieu::Bus
                }
            },
            _ => Lieu::Bus,
        };
        let commune = commune_code(&residence.get_untracked()).unwrap_or_else(|e| {
            errors.push(format!("commune de résidence : {e}"));
            None
        });
        let debut = repere_protocol::local_time(&format!("{}:00", quand.get_untracked())).unwrap_or_else(|| {
            errors.push("date et heure : à compléter".to_owned());
            clock::now()
        });
        let Some(type_activite) = kind.get_untracked() else { return };
        let individual = type_activite != TypeActivite::Collectif;
        let editing = m.editing.get_untracked();
        let contact = Contact {
            id: editing.as_ref().map_or_else(new_id, |c| c.id),
            type_activite,
            debut,
            duree_min: duree.get_untracked(),
            lieu: lieu_value,
            thematiques: themes.get_untracked(),
            thematiques_administratives: if themes.get_untracked().contains(Thematique::AideAuxDemarchesAdministratives) {
                admin.get_untracked()
            } else {
                LabelSet::new()
            },
            materiel: materiel.get_untracked(),
            autonomie: if individual { autonomie.get_untracked() } else { None },
            orientation: orientation.get_untracked().map(|structure| Orientation { structure, lieu: orientation_place.get_untracked() }),
            niveau_atelier: if individual { None } else { niveau.get_untracked() },
            beneficiaire: if individual {
                Beneficiaire { tranche_age: age.get_untracked(), statut: statut.get_untracked(), genre: genre.get_untracked(), commune }
            } else {
                Beneficiaire::default()
            },
            participants: if individual {
                Participants::default()
            } else {
                Participants { par_age: par_age.get_untracked(), par_statut: par_statut.get_untracked() }
            },
            session: editing.as_ref().map_or(outing.as_ref().map(|o| o.id), |c| c.session),
        };
        errors.extend(contact.check().iter().map(|p| format!("{} : {}", field_name(p.field), p.reason)));
        problems.set(errors.clone());
        if !errors.is_empty() {
            return;
        }
        let performance = web_sys::window().and_then(|w| w.performance());
        if let Some(p) = &performance {
            let _ = p.mark("repere:save:start");
        }
        leptos::task::spawn_local(async move {
            let corrected = editing.is_some();
            let result = if corrected { m.correct(contact).await } else { m.save(contact).await };
            // User Timing entry "repere:save" (check to stored on disk), read by scripts/bench-sync.
            if let Some(p) = &performance {
                let _ = p.measure_with_start_mark("repere:save", "repere:save:start");
            }
            match result {
                Ok(()) => {
                    if corrected {
                        m.editing.set(None);
                    } else {
                        remember(type_activite, duree.get_untracked(), &lieu.get_untracked());
                        outreach.count_logged();
                    }
                    saved.set(Some(if corrected { "Contact corrigé." } else { "Contact enregistré sur ce téléphone." }.into()));
                    themes.set(LabelSet::new());
                    admin.set(LabelSet::new());
                    autonomie.set(None);
                    age.set(None);
                    statut.set(None);
                    genre.set(None);
                    residence.set(String::new());
                    par_age.set([0; 8]);
                    par_statut.set([0; 5]);
                    orientation.set(None);
                    orientation_place.set(None);
                    quand.set(local_input(clock::now()));
                }
                Err(e) => problems.set(vec![format!("Non enregistré : {e}")]),
            }
        });
    };

    view! {
        <form class="contact" on:submit=submit aria-labelledby="nouveau">
            <h2 id="nouveau">{move || if m.editing.get().is_some() { "Corriger le contact" } else { "Nouveau contact" }}</h2>
            {radios("Type", "type", TypeActivite::ALL, kind)}
            <label class="field" for="quand">"Date et heure"</label>
            <input id="quand" type="datetime-local" prop:value=move || quand.get() on:input=move |ev| quand.set(event_target_value(&ev)) />
            <fieldset class="choices">
                <legend>"Durée"</legend>
                {DURATION_PRESETS.into_iter().map(|d| view! {
                    <label class="choice"><input type="radio" name="duree" prop:checked=move || duree.get() == d on:change=move |_| duree.set(d) />{duration_label(d)}</label>
                }).collect_view()}
            </fieldset>
            <Show when=move || outreach.current.get().is_none() fallback=move || view! {
                <p class="hint">{move || outreach.current.get().map(|o| format!("Lieu : celui de la session ({})", o.title()))}</p>
            }>
            <fieldset class="choices">
                <legend>"Lieu"</legend>
                {LIEUX.into_iter().map(|(code, label)| view! {
                    <label class="choice"><input type="radio" name="lieu" prop:checked=move || lieu.get() == code on:change=move |_| lieu.set(code.to_owned()) />{label}</label>
                }).collect_view()}
            </fieldset>
            <Show when=move || lieu.get() == "registre">
                <PlacePicker label="Lieu de l’annuaire" id="lieu-annuaire" chosen=lieu_place />
            </Show>
            <Show when=move || lieu.get() == "commune">
                <label class="field" for="lieu-commune">"Commune du lieu"</label>
                <input id="lieu-commune" type="text" prop:value=move || lieu_commune.get() on:input=move |ev| lieu_commune.set(event_target_value(&ev)) />
            </Show>
            </Show>
            {checks("Thématiques", Thematique::ALL, themes)}
            <Show when=move || themes.get().contains(Thematique::AideAuxDemarchesAdministratives)>
                {checks("Démarches : domaines", ThematiqueAdministrative::ALL, admin)}
            </Show>
            {checks("Matériel utilisé", Materiel::ALL, materiel)}
            <Show when=move || !collective() fallback=move || view! {
                {radios("Niveau de l’atelier", "niveau", NiveauAtelier::ALL, niveau)}
                {counts("Participants par tranche d’âge", "age", TrancheAge::ALL, par_age)}
                {counts("Participants par statut", "statut", StatutSocial::ALL, par_statut)}
            }>
                {radios("Autonomie", "autonomie", Autonomie::ALL, autonomie)}
                {radios("Tranche d’âge", "age", TrancheAge::ALL, age)}
                {radios("Statut", "statut", StatutSocial::ALL, statut)}
                {radios("Genre (facultatif)", "genre", Genre::ALL, genre)}
                <label class="field" for="residence">"Commune de résidence (facultatif)"</label>
                <input id="residence" type="text" prop:value=move || residence.get() on:input=move |ev| residence.set(event_target_value(&ev)) />
            </Show>
            <label class="field" for="orientation">"Orientation vers (facultatif)"</label>
            <select id="orientation" on:change=move |ev| orientation.set(StructureRedirection::from_code(&event_target_value(&ev)))>
                <option value="" prop:selected=move || orientation.get().is_none()>"Aucune"</option>
                {StructureRedirection::ALL.iter().map(|s| view! { <option value=s.code() prop:selected=move || orientation.get() == Some(*s)>{s.label()}</option> }).collect_view()}
            </select>
            <Show when=move || orientation.get().is_some()>
                <PlacePicker label="Lieu d’orientation dans l’annuaire (facultatif)" id="orientation-annuaire" chosen=orientation_place />
            </Show>
            <p class="hint">"Ne notez jamais le nom, le téléphone, l’adresse e-mail ou la date de naissance de la personne."</p>
            <div role="alert">
                <ul class="problems">{move || problems.get().into_iter().map(|p| view! { <li>{p}</li> }).collect_view()}</ul>
            </div>
            <p class="notice" role="status">{move || saved.get()}</p>
            <button type="submit" class="big">{move || if m.editing.get().is_some() { "Enregistrer la correction" } else { "Enregistrer le contact" }}</button>
            <Show when=move || m.editing.get().is_some()>
                <button type="button" class="secondary" on:click=move |_| m.editing.set(None)>"Annuler la correction"</button>
            </Show>
        </form>
    }
}

fn duration_label(minutes: u16) -> String {
    match (minutes / 60, minutes % 60) {
        (0, m) => format!("{m} min"),
        (h, 0) => format!("{h} h"),
        (h, m) => format!("{h} h {m}"),
    }
}

/// The form's name for a field the core reports.
fn field_name(field: &str) -> &str {
    match field {
        "duree" => "durée",
        "thematiques" => "thématiques",
        "thematiques_administratives" => "domaines de démarches",
        "participants" => "participants",
        "commune" => "commune de résidence",
        other => other,
    }
}

/// One choice among values of the taxonomy, as large radio buttons.
fn radios<T: Label + Send + Sync>(
    legend: &'static str,
    name: &'static str,
    values: &'static [T],
    signal: RwSignal<Option<T>>,
) -> impl IntoView {
    view! {
        <fieldset class="choices">
            <legend>{legend}</legend>
            {values.iter().map(|v| {
                let v = *v;
                view! {
                    <label class="choice">
                        <input type="radio" name=name prop:checked=move || signal.get() == Some(v) on:change=move |_| signal.set(Some(v)) />
                        {v.label()}
                    </label>
                }
            }).collect_view()}
        </fieldset>
    }
}

/// Several values of the taxonomy, as large checkboxes.
fn checks<T: Label + Send + Sync>(legend: &'static str, values: &'static [T], signal: RwSignal<LabelSet<T>>) -> impl IntoView {
    view! {
        <fieldset class="choices">
            <legend>{legend}</legend>
            {values.iter().map(|v| {
                let v = *v;
                view! {
                    <label class="choice">
                        <input
                            type="checkbox"
                            prop:checked=move || signal.get().contains(v)
                            on:change=move |_| signal.update(|set| if set.contains(v) { *set = set.iter().filter(|x| *x != v).collect() } else { set.insert(v) })
                        />
                        {v.label()}
                    </label>
                }
            }).collect_view()}
        </fieldset>
    }
}

/// A count per value (workshop participants).
fn counts<T: Label + Send + Sync, const N: usize>(
    legend: &'static str,
    prefix: &'static str,
    values: &'static [T],
    signal: RwSignal<[u16; N]>,
) -> impl IntoView {
    view! {
        <fieldset class="choices">
            <legend>{legend}</legend>
            {values.iter().enumerate().map(|(i, v)| {
                let id = format!("{prefix}-{i}");
                view! {
                    <label class="count" for=id.clone()>{v.label()}</label>
                    <input id=id type="number" min="0" inputmode="numeric" prop:value=move || signal.get()[i].to_string()
                        on:input=move |ev| signal.update(|a| a[i] = event_target_value(&ev).parse().unwrap_or(0)) />
                }
            }).collect_view()}
        </fieldset>
    }
}

/// Contacts listed on screen; the count says how many more wait.
const SHOWN: usize = 30;

#[component]
fn Pending() -> impl IntoView {
    let m = expect_context::<Mediation>();
    // The file is made when asked (the link's address is set just before the browser follows it).
    let export = move |ev: leptos::ev::MouseEvent| {
        use wasm_bindgen::JsCast;
        let href = format!("data:application/json;charset=utf-8,{}", js_sys::encode_uri_component(&m.export()));
        if let Some(a) = ev.current_target().and_then(|t| t.dyn_into::<web_sys::Element>().ok()) {
            let _ = a.set_attribute("href", &href);
        }
        leptos::task::spawn_local(async move { m.mark_exported().await });
    };
    let sign_out = RwSignal::new(None::<String>);
    let leave = move |_| {
        leptos::task::spawn_local(async move {
            match m.sign_out().await {
                Ok(()) => sign_out.set(None),
                Err(e) if e == "unsent" => sign_out.set(Some(
                    "Des contacts ne sont pas encore envoyés. Synchronisez, ou enregistrez d’abord le fichier de la boîte d’envoi.".into(),
                )),
                Err(e) => sign_out.set(Some(e)),
            }
        });
    };
    view! {
        <section aria-labelledby="attente">
            <h2 id="attente">"Contacts sur ce téléphone"</h2>
            <ul class="outbox">
                {move || m.entries(SHOWN).into_iter().map(|(id, _, state, c)| {
                    let status = match state {
                        State::Waiting => "en attente",
                        State::Sent => "envoyé, confirmation attendue",
                        State::Conflict => "refusé par le serveur (conflit) : à exporter",
                    };
                    let text = format!("{} · {} · {} min · {}", format_args!("{:02}/{:02} {:02}:{:02}", c.debut.day(), c.debut.month(), c.debut.hour(), c.debut.minute()), c.type_activite.label(), c.duree_min, status);
                    view! {
                        <li>
                            {text}
                            <Show when=move || state == State::Waiting>
                                <button type="button" class="secondary" on:click={
                                    let c = c.clone();
                                    move |_| m.editing.set(Some(c.clone()))
                                }>"Corriger"</button>
                                <button type="button" class="secondary" on:click=move |_| leptos::task::spawn_local(async move { let _ = m.delete(id).await; })>"Supprimer"</button>
                            </Show>
                        </li>
                    }
                }).collect_view()}
            </ul>
            {move || (m.pending() > SHOWN).then(|| view! { <p class="hint">{format!("… et {} autres.", m.pending() - SHOWN)}</p> })}
            <p class="card-actions">
                <a class="button secondary" href="#/mediation" download="repere-boite-envoi.json" on:click=export>
                    "Enregistrer la boîte d’envoi (fichier)"
                </a>
                <button type="button" class="secondary" on:click=leave>"Se déconnecter"</button>
            </p>
            <p class="notice" role="alert">{move || sign_out.get()}</p>
        </section>
    }
}
