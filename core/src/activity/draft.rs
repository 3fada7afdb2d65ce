//! The contact form's model: what the mediator has chosen so far, its rules (which fields a
//! kind of contact has, the place a session gives), and its conversion to and from a
//! [`Contact`]. The app only binds it to inputs, so the rules live once, here, tested natively.

use chrono::NaiveDateTime;
use uuid::Uuid;

use super::*;

taxonomy!(
    /// Where the contact took place, as the form offers it: the kind of [`Lieu`] before its
    /// place or commune is given. Codes are kept on the phone between contacts.
    LieuChoice, "lieu" {
    Bus => "bus", "Bus",
    MarcheStand => "marche", "Marché ou stand",
    Registre => "registre", "Un lieu de l’annuaire",
    Commune => "commune", "Dans une commune",
    Domicile => "domicile", "À domicile",
    ADistance => "distance", "À distance",
});

/// The form's state. Communes are the words typed (a name), resolved when the contact is made.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Draft {
    /// The contact being corrected (its id), or `None` for a new one.
    pub corrects: Option<Uuid>,
    /// A corrected contact's session; a new contact takes the session in progress.
    pub session: Option<Uuid>,
    pub type_activite: TypeActivite,
    pub debut: Debut,
    pub duree_min: u16,
    pub lieu: LieuChoice,
    pub lieu_place: Option<String>,
    pub lieu_commune: String,
    /// The tour's stop of a corrected contact logged there, and its commune: kept while "Bus"
    /// stays chosen with that commune.
    pub lieu_stop: Option<(String, String)>,
    pub thematiques: LabelSet<Thematique>,
    pub thematiques_administratives: LabelSet<ThematiqueAdministrative>,
    pub materiel: LabelSet<Materiel>,
    pub autonomie: Option<Autonomie>,
    pub tranche_age: Option<TrancheAge>,
    pub statut: Option<StatutSocial>,
    pub genre: Option<Genre>,
    pub residence: String,
    pub niveau_atelier: Option<NiveauAtelier>,
    pub participants: Participants,
    pub orientation: Option<StructureRedirection>,
    pub orientation_place: Option<String>,
}

/// When the contact began, as the form holds it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Debut {
    /// Not touched: the time of saving, so a form left open since the morning does not date
    /// the contact from then.
    Now,
    At(NaiveDateTime),
    /// The date field is empty or incomplete.
    Incomplete,
}

/// What stays from one contact to the next: a mediator on the bus logs many alike.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Remembered {
    pub type_activite: TypeActivite,
    pub duree_min: u16,
    pub lieu: LieuChoice,
}

impl Default for Remembered {
    fn default() -> Self {
        Remembered { type_activite: TypeActivite::Individuel, duree_min: 30, lieu: LieuChoice::Bus }
    }
}

impl Remembered {
    /// `individuel|30|bus`, as kept in the phone's `localStorage`.
    pub fn to_text(self) -> String {
        format!("{}|{}|{}", self.type_activite.code(), self.duree_min, self.lieu.code())
    }

    /// Reads [`Remembered::to_text`]; what is missing or unreadable takes its default.
    pub fn from_text(text: &str) -> Self {
        let default = Remembered::default();
        let mut parts = text.split('|');
        Remembered {
            type_activite: parts.next().and_then(TypeActivite::from_code).unwrap_or(default.type_activite),
            duree_min: parts
                .next()
                .and_then(|d| d.parse().ok())
                .filter(|d| (1..=MAX_DURATION_MIN).contains(d))
                .unwrap_or(default.duree_min),
            lieu: parts.next().and_then(LieuChoice::from_code).unwrap_or(default.lieu),
        }
    }
}

/// The form's name for a field the core reports ("thématiques : choisissez…").
pub fn field_words(field: &str) -> &str {
    match field {
        "debut" => "date et heure",
        "duree" => "durée",
        "thematiques" => "thématiques",
        "thematiques_administratives" => "domaines de démarches",
        "commune" => "commune de résidence",
        "niveau_atelier" => "niveau de l’atelier",
        other => other,
    }
}

impl Draft {
    /// A new contact, now, with the remembered choices.
    pub fn new(remembered: Remembered) -> Self {
        Draft {
            corrects: None,
            session: None,
            type_activite: remembered.type_activite,
            debut: Debut::Now,
            duree_min: remembered.duree_min,
            lieu: remembered.lieu,
            lieu_place: None,
            lieu_commune: String::new(),
            lieu_stop: None,
            thematiques: LabelSet::new(),
            thematiques_administratives: LabelSet::new(),
            materiel: LabelSet::new(),
            autonomie: None,
            tranche_age: None,
            statut: None,
            genre: None,
            residence: String::new(),
            niveau_atelier: None,
            participants: Participants::default(),
            orientation: None,
            orientation_place: None,
        }
    }

    /// The form filled with a contact to correct; `commune_name` gives a code's name.
    pub fn from_contact(c: &Contact, commune_name: impl Fn(&str) -> Option<String>) -> Self {
        let name = |code: &str| commune_name(code).unwrap_or_else(|| code.to_owned());
        let (lieu, lieu_place, lieu_commune) = match &c.lieu {
            Lieu::Registre(id) => (LieuChoice::Registre, Some(id.clone()), String::new()),
            Lieu::Commune(code) => (LieuChoice::Commune, None, name(code)),
            Lieu::Bus(code) => (LieuChoice::Bus, None, code.as_deref().map(name).unwrap_or_default()),
            // A stop is corrected as the bus in its commune, the stop kept (see `to_contact`).
            Lieu::Arret { commune, .. } => (LieuChoice::Bus, None, name(commune)),
            Lieu::MarcheStand(code) => (LieuChoice::MarcheStand, None, code.as_deref().map(name).unwrap_or_default()),
            Lieu::Domicile => (LieuChoice::Domicile, None, String::new()),
            Lieu::ADistance => (LieuChoice::ADistance, None, String::new()),
        };
        Draft {
            corrects: Some(c.id),
            session: c.session,
            type_activite: c.type_activite,
            debut: Debut::At(c.debut),
            duree_min: c.duree_min,
            lieu,
            lieu_place,
            lieu_commune,
            lieu_stop: if let Lieu::Arret { id, commune } = &c.lieu { Some((id.clone(), commune.clone())) } else { None },
            thematiques: c.thematiques,
            thematiques_administratives: c.thematiques_administratives,
            materiel: c.materiel,
            autonomie: c.autonomie,
            tranche_age: c.beneficiaire.tranche_age,
            statut: c.beneficiaire.statut,
            genre: c.beneficiaire.genre,
            residence: c.beneficiaire.commune.as_deref().map(name).unwrap_or_default(),
            niveau_atelier: c.niveau_atelier,
            participants: c.participants.clone(),
            orientation: c.orientation.as_ref().map(|o| o.structure),
            orientation_place: c.orientation.as_ref().and_then(|o| o.lieu.clone()),
        }
    }

    /// Individual and quick contacts have a beneficiary; workshops count participants.
    pub fn is_collective(&self) -> bool {
        self.type_activite == TypeActivite::Collectif
    }

    /// The administrative domains are asked only with the theme "Aide aux démarches administratives".
    pub fn asks_domains(&self) -> bool {
        self.thematiques.contains(Thematique::AideAuxDemarchesAdministratives)
    }

    /// Whether the contact takes its place from `outing`: a new contact logged during it, or a
    /// corrected one logged in it.
    pub fn follows(&self, outing: Option<&Outing>) -> bool {
        match (outing, self.corrects) {
            (Some(_), None) => true,
            (Some(o), Some(_)) => self.session == Some(o.id),
            (None, _) => false,
        }
    }

    /// The values the remembered choices take from this contact.
    pub fn remembered(&self) -> Remembered {
        Remembered { type_activite: self.type_activite, duree_min: self.duree_min, lieu: self.lieu }
    }

    /// Adds `theme` if absent, removes it otherwise (and its domains with "Aide aux démarches").
    pub fn toggle_theme(&mut self, theme: Thematique) {
        self.thematiques = toggled(self.thematiques, theme);
        if !self.asks_domains() {
            self.thematiques_administratives = LabelSet::new();
        }
    }

    /// Ready for the next person after a save: the per-person fields are emptied; the kind,
    /// duration, place, equipment and workshop level stay, and the time is the next save's.
    pub fn next(&self) -> Self {
        let mut next = Draft::new(self.remembered());
        next.lieu_place = self.lieu_place.clone();
        next.lieu_commune = self.lieu_commune.clone();
        next.materiel = self.materiel;
        next.niveau_atelier = self.niveau_atelier;
        next
    }

    /// The contact this form describes, saved at `now`, or every problem (field and reason).
    /// `fresh` is the id of a new contact; `commune_code` finds a commune's code from what was typed.
    pub fn to_contact(
        &self,
        fresh: Uuid,
        now: NaiveDateTime,
        outing: Option<&Outing>,
        commune_code: impl Fn(&str) -> Option<String>,
    ) -> Result<Contact, Vec<Problem>> {
        let mut problems = Vec::new();
        let mut problem = |field, reason: String| problems.push(Problem { field, reason });
        let mut commune = |field, typed: &str| -> Option<String> {
            let typed = typed.trim();
            if typed.is_empty() {
                return None;
            }
            let code = commune_code(typed);
            if code.is_none() {
                problem(field, format!("commune « {typed} » introuvable dans la Vienne"));
            }
            code
        };
        let lieu = match (outing.filter(|_| self.follows(outing)), self.lieu) {
            (Some(o), _) => Some(o.lieu()),
            (None, LieuChoice::Registre) => self.lieu_place.clone().map(Lieu::Registre),
            (None, LieuChoice::Commune) => commune("lieu", &self.lieu_commune).map(Lieu::Commune),
            // A bus stop's or a stand's commune is optional.
            // The stop stays only with its own commune: another commune typed moves the contact
            // off the stop, to the bus in that commune.
            (None, LieuChoice::Bus) => match (commune("lieu", &self.lieu_commune), &self.lieu_stop) {
                (Some(commune), Some((stop, at))) if commune == *at => Some(Lieu::Arret { id: stop.clone(), commune }),
                (commune, _) => Some(Lieu::Bus(commune)),
            },
            (None, LieuChoice::MarcheStand) => Some(Lieu::MarcheStand(commune("lieu", &self.lieu_commune))),
            (None, LieuChoice::Domicile) => Some(Lieu::Domicile),
            (None, LieuChoice::ADistance) => Some(Lieu::ADistance),
        };
        let collective = self.is_collective();
        let residence = if collective { None } else { commune("commune", &self.residence) };
        if lieu.is_none() && !problems.iter().any(|p| p.field == "lieu") {
            let reason = if self.lieu == LieuChoice::Registre { "choisissez le lieu dans l’annuaire" } else { "écrivez la commune" };
            problems.push(Problem { field: "lieu", reason: reason.to_owned() });
        }
        let debut = match self.debut {
            Debut::Now => now,
            Debut::At(t) => t,
            Debut::Incomplete => {
                problems.push(Problem { field: "debut", reason: "à compléter".to_owned() });
                now
            }
        };
        let contact = Contact {
            id: self.corrects.unwrap_or(fresh),
            type_activite: self.type_activite,
            debut,
            duree_min: self.duree_min,
            lieu: lieu.unwrap_or(Lieu::Bus(None)),
            thematiques: self.thematiques,
            thematiques_administratives: if self.asks_domains() { self.thematiques_administratives } else { LabelSet::new() },
            materiel: self.materiel,
            autonomie: if collective { None } else { self.autonomie },
            orientation: self.orientation.map(|structure| Orientation { structure, lieu: self.orientation_place.clone() }),
            niveau_atelier: if collective { self.niveau_atelier } else { None },
            beneficiaire: if collective {
                Beneficiaire::default()
            } else {
                Beneficiaire { tranche_age: self.tranche_age, statut: self.statut, genre: self.genre, commune: residence }
            },
            participants: if collective { self.participants.clone() } else { Participants::default() },
            session: if self.corrects.is_some() { self.session } else { outing.map(|o| o.id) },
        };
        problems.extend(contact.check());
        if problems.is_empty() { Ok(contact) } else { Err(problems) }
    }
}

/// `set` with `value` added if absent, removed otherwise.
pub fn toggled<T: Label>(set: LabelSet<T>, value: T) -> LabelSet<T> {
    if set.contains(value) { set.iter().filter(|v| *v != value).collect() } else { set.union(&std::iter::once(value).collect()) }
}

#[cfg(test)]
#[path = "draft_tests.rs"]
mod tests;
