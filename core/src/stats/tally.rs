//! Exact counts, added up contact by contact ([`Tally::add`]) or cell by cell by the server's
//! SQL ([`Tally::add_cell`]); both must give equal tallies for the same contacts.

use std::collections::{BTreeMap, BTreeSet};

use chrono::Datelike;
use uuid::Uuid;

use super::{Breakdown, Facts, UNKNOWN};
use crate::activity::{Genre, Materiel, StatutSocial, Thematique, ThematiqueAdministrative, TrancheAge, TypeActivite};
use crate::label::Label;

/// La Coop's headline figures.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Totals {
    /// Logged contacts (« Nombre total d’activités »).
    pub activites: u64,
    /// People helped (« Accompagnements au total »): individual contacts, quick questions and
    /// every workshop participant.
    pub accompagnements: u64,
    pub individuels: u64,
    /// Workshops (« Ateliers collectifs ») and their participants.
    pub ateliers: u64,
    pub participants: u64,
    /// Quick questions at a stand (Repère's « Demandes ponctuelles »).
    pub ponctuels: u64,
}

impl Totals {
    /// The five headline figures as La Coop names them, in the order every screen shows them.
    pub fn headline(&self) -> [(&'static str, u64); 5] {
        [
            ("Accompagnements au total", self.accompagnements),
            ("Accompagnements individuels", self.individuels),
            ("Ateliers collectifs", self.ateliers),
            ("Participants aux ateliers", self.participants),
            ("Demandes ponctuelles", self.ponctuels),
        ]
    }

    fn merge(&mut self, other: &Totals) {
        self.activites += other.activites;
        self.accompagnements += other.accompagnements;
        self.individuels += other.individuels;
        self.ateliers += other.ateliers;
        self.participants += other.participants;
        self.ponctuels += other.ponctuels;
    }
}

/// Exact counts per breakdown. It never holds a zero cell, so two tallies of the same contacts
/// are equal however they were made.
#[derive(Clone, Debug, Default)]
pub struct Tally {
    pub totals: Totals,
    cells: BTreeMap<Breakdown, BTreeMap<String, u64>>,
    /// Sessions already counted by [`Tally::add`].
    sessions: BTreeSet<Uuid>,
}

impl PartialEq for Tally {
    fn eq(&self, other: &Tally) -> bool {
        self.totals == other.totals && self.cells == other.cells
    }
}

impl Tally {
    /// Adds `n` to a cell (nothing for 0).
    pub fn add_cell(&mut self, breakdown: Breakdown, key: &str, n: u64) {
        if n > 0 {
            *self.cells.entry(breakdown).or_default().entry(key.to_owned()).or_default() += n;
        }
    }

    /// A breakdown's cells, by key.
    pub fn cells(&self, breakdown: Breakdown) -> impl Iterator<Item = (&str, u64)> {
        self.cells.get(&breakdown).into_iter().flatten().map(|(k, &n)| (k.as_str(), n))
    }

    pub fn get(&self, breakdown: Breakdown, key: &str) -> u64 {
        self.cells.get(&breakdown).and_then(|c| c.get(key)).copied().unwrap_or(0)
    }

    pub fn add(&mut self, f: &Facts) {
        let people = u64::from(f.people);
        let t = &mut self.totals;
        t.activites += 1;
        t.accompagnements += people;
        match f.kind {
            TypeActivite::Individuel => t.individuels += 1,
            TypeActivite::Collectif => {
                t.ateliers += 1;
                t.participants += people;
            }
            TypeActivite::Ponctuel => t.ponctuels += 1,
        }
        let month = format!("{:04}-{:02}", f.day.year(), f.day.month());
        self.add_cell(Breakdown::Mois, &month, people);
        self.add_cell(Breakdown::Types, f.kind.code(), 1);
        for v in f.thematiques.iter() {
            self.add_cell(Breakdown::Thematiques, v.code(), 1);
        }
        for v in f.demarches.iter() {
            self.add_cell(Breakdown::Demarches, v.code(), 1);
        }
        for v in f.materiel.iter() {
            self.add_cell(Breakdown::Materiel, v.code(), 1);
        }
        self.add_cell(Breakdown::Durees, f.duree.code(), 1);
        for (v, &n) in TrancheAge::ALL.iter().zip(&f.ages) {
            self.add_cell(Breakdown::TranchesAge, v.code(), n.into());
        }
        for (v, &n) in StatutSocial::ALL.iter().zip(&f.statuts) {
            self.add_cell(Breakdown::Statuts, v.code(), n.into());
        }
        for (v, &n) in Genre::ALL.iter().zip(&f.genres) {
            self.add_cell(Breakdown::Genres, v.code(), n.into());
        }
        let or_unknown = |key: &Option<String>| key.clone().unwrap_or_else(|| UNKNOWN.to_owned());
        self.add_cell(Breakdown::CommunesResidence, &or_unknown(&f.residence), people);
        self.add_cell(Breakdown::Lieux, &f.lieu, 1);
        self.add_cell(Breakdown::Epci, &or_unknown(&f.epci), people);
        self.add_cell(Breakdown::Communes, &or_unknown(&f.commune), people);
        self.add_cell(Breakdown::Structures, &f.structure.to_string(), people);
        if let (Some(kind), Some(session)) = (f.sortie, f.session) {
            if self.sessions.insert(session) {
                self.add_cell(Breakdown::Sorties, kind.code(), 1);
            }
            self.add_cell(Breakdown::PersonnesSorties, kind.code(), people);
        }
    }

    /// Adds another tally's counts (a mediator's figures from the server plus his unsent
    /// contacts). A session with contacts on both sides is counted on each: the server's
    /// tally carries counts, not session ids.
    pub fn merge(&mut self, other: &Tally) {
        self.totals.merge(&other.totals);
        for (&breakdown, cells) in &other.cells {
            for (key, &n) in cells {
                self.add_cell(breakdown, key, n);
            }
        }
    }
}

/// The codes of a closed breakdown's values, in their list's order (for tables and sheets
/// that show every value).
pub(super) fn closed_codes(breakdown: Breakdown) -> Vec<&'static str> {
    fn codes<T: Label>(code: fn(T) -> &'static str) -> Vec<&'static str> {
        T::ALL.iter().map(|&v| code(v)).collect()
    }
    use crate::activity::OutingKind;
    match breakdown {
        Breakdown::Types => codes::<TypeActivite>(TypeActivite::code),
        Breakdown::Thematiques => codes::<Thematique>(Thematique::code),
        Breakdown::Demarches => codes::<ThematiqueAdministrative>(ThematiqueAdministrative::code),
        Breakdown::Materiel => codes::<Materiel>(Materiel::code),
        Breakdown::Durees => codes::<super::Duree>(super::Duree::code),
        Breakdown::TranchesAge => codes::<TrancheAge>(TrancheAge::code),
        Breakdown::Statuts => codes::<StatutSocial>(StatutSocial::code),
        Breakdown::Genres => codes::<Genre>(Genre::code),
        Breakdown::Sorties | Breakdown::PersonnesSorties => codes::<OutingKind>(OutingKind::code),
        _ => Vec::new(),
    }
}

/// The label of a closed breakdown's code (the taxonomy's French label).
pub(super) fn closed_label(breakdown: Breakdown, code: &str) -> Option<&'static str> {
    use crate::activity::OutingKind;
    match breakdown {
        Breakdown::Types => TypeActivite::from_code(code).map(Label::label),
        Breakdown::Thematiques => Thematique::from_code(code).map(Label::label),
        Breakdown::Demarches => ThematiqueAdministrative::from_code(code).map(Label::label),
        Breakdown::Materiel => Materiel::from_code(code).map(Label::label),
        Breakdown::Durees => super::Duree::ALL.iter().find(|d| d.code() == code).map(|d| d.label()),
        Breakdown::TranchesAge => TrancheAge::from_code(code).map(Label::label),
        Breakdown::Statuts => StatutSocial::from_code(code).map(Label::label),
        Breakdown::Genres => Genre::from_code(code).map(Label::label),
        Breakdown::Sorties | Breakdown::PersonnesSorties => OutingKind::from_code(code).map(Label::label),
        _ => None,
    }
}
