//! The activities export in La Coop de la médiation numérique's columns and value labels, so a
//! structure or the département can take its data into La Coop's tools or any spreadsheet, and
//! stack it with La Coop's own exports column for column.
//!
//! Read from `apps/web/src/features/activites/use-cases/list/export/buildAccompagnementsWorksheet.ts`
//! of `inclusion-numerique/coop-mediation-numerique` at commit
//! 46aa33bdf21c42c2d5bbb2913f5c453cca5a9542 (and the label files it imports). Repère's exports
//! are read by a structure or a coordinator, never by "the mediator himself", so the columns are
//! those of La Coop's export for someone else (`isSelfExport = false`: the mediator's name,
//! role and Conum id, no beneficiary name or notes), without `Source de la donnée` (La Coop's V1
//! data only), and one column added at the end, `Structure`, the structure that logged the
//! activity. Repère stores no mediator or beneficiary identity and no free text, so those
//! columns stay empty; [`about`] says so in the file.
//!
//! One row per accompaniment, as La Coop: a workshop of N participants gives N rows, numbered
//! "i/N" in `Participants` (a lone accompaniment writes the number 1), each taking its age band
//! and status from the workshop's counts in order. A Repère "demande ponctuelle" is, as national
//! reporting counts it, an `Accompagnement individuel`, tagged `Demande ponctuelle`; contacts on
//! the bus or at a stand are tagged with that place (`Tags` is La Coop's column for labels of
//! one's own).

use chrono::{NaiveDate, NaiveDateTime};

use crate::activity::{Autonomie, Contact, LieuChoice, NiveauAtelier, StatutSocial, TrancheAge, TypeActivite};
use crate::activity::{Genre, Lieu};
use crate::date::{french_date, hour_minute, paris_time};
use crate::label::Label;
use crate::territory::Territory;

mod about;
pub mod statistics;
pub use about::{About, Line, Requester, about, period_label};

/// The header row, verbatim (typographic apostrophes as La Coop writes them).
pub const COLUMNS: [&str; 32] = [
    "Date",
    "Enregistré le",
    "Dernière modification le",
    "Prénom du médiateur",
    "Nom du médiateur",
    "Rôle",
    "ID - Conum",
    "Type",
    "Participants",
    "Canaux d’accompagnement",
    "Nom du lieu",
    "Adresse",
    "Commune",
    "Code postal",
    "Code Insee",
    "Durée (min)",
    "Nom de l’atelier",
    "Matériel numérique utilisé",
    "Thématique(s) d’accompagnement",
    "Tags",
    "Nom de la démarche administrative",
    "Niveau d’autonomie (ou de l’atelier)",
    "Bénéficiaire réorienté",
    "Structure de redirection",
    "Commune du bénéficiaire",
    "Code postal du bénéficiaire",
    "Code Insee du bénéficiaire",
    "Genre du bénéficiaire",
    "Tranche d’âge du bénéficiaire",
    "Statut du bénéficiaire",
    "ID CRA",
    "Structure",
];

/// Columns by name, so that a row is filled by meaning and a moved column is one change.
mod col {
    pub const DATE: usize = 0;
    pub const ENREGISTRE: usize = 1;
    pub const TYPE: usize = 7;
    pub const PARTICIPANTS: usize = 8;
    pub const CANAL: usize = 9;
    pub const LIEU: usize = 10;
    pub const DUREE: usize = 15;
    pub const MATERIEL: usize = 17;
    pub const THEMATIQUES: usize = 18;
    pub const TAGS: usize = 19;
    pub const AUTONOMIE: usize = 21;
    pub const REORIENTE: usize = 22;
    pub const REDIRECTION: usize = 23;
    pub const COMMUNE_BENEFICIAIRE: usize = 24;
    pub const GENRE: usize = 27;
    pub const TRANCHE: usize = 28;
    pub const STATUT: usize = 29;
    pub const ID: usize = 30;
    pub const STRUCTURE: usize = 31;
}

/// La Coop joins the values of a multi-valued cell with a line break.
pub const IN_CELL_SEPARATOR: &str = "\n";

/// One cell: the writers give each kind its spreadsheet type (a date cell, a number).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Cell {
    Empty,
    Text(String),
    Number(u64),
    /// A day, shown `JJ/MM/AAAA`.
    Date(NaiveDate),
    /// A share in whole percent, shown `12 %`.
    Percent(u32),
    /// A number with one decimal, given in tenths (23 is 2.3): distances and times.
    Tenths(u64),
}

impl Cell {
    fn text(s: &str) -> Cell {
        if s.is_empty() { Cell::Empty } else { Cell::Text(s.to_owned()) }
    }

    /// The cell as CSV text: a date `JJ/MM/AAAA`, as the spreadsheet shows it.
    pub fn to_text(&self) -> std::borrow::Cow<'_, str> {
        match self {
            Cell::Empty => "".into(),
            Cell::Text(s) => s.as_str().into(),
            Cell::Number(n) => n.to_string().into(),
            Cell::Date(d) => french_date(*d).into(),
            Cell::Percent(p) => format!("{p} %").into(),
            // A point, as a CSV for programs writes it (the spreadsheet shows its own format).
            Cell::Tenths(t) => format!("{}.{}", t / 10, t % 10).into(),
        }
    }
}

/// What the export writes of a registry place.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PlaceAddress {
    pub nom: String,
    pub adresse: String,
    pub commune: String,
    pub code_postal: String,
    pub code_insee: String,
}

/// The registry places a contact may name (the server answers from its registry; a place
/// removed since is unknown, and its columns stay empty), and the tours' stops by their id (the
/// stop's name and commune; the server answers from every stop ever published).
pub trait Places {
    fn address(&self, id: &str) -> Option<&PlaceAddress>;
}

/// What the rows need besides the contact.
pub struct Context<'a, P: Places> {
    pub places: &'a P,
    pub territory: &'a Territory,
    /// Communes of residence left empty, for a reader outside the structures: those with fewer
    /// than 5 people in the export ([`crate::stats::Figures::hidden`]), as the figures show them "< 5".
    pub hidden: &'a std::collections::BTreeSet<String>,
}

/// A contact as the server holds it.
pub struct Stored<'a> {
    pub contact: &'a Contact,
    /// When the server received it, UTC (`Enregistré le` is written in French local time).
    pub received_at: NaiveDateTime,
    /// The name of the structure that logged it.
    pub structure: &'a str,
}

/// How many rows a contact gives: one per accompaniment.
pub fn accompaniments(contact: &Contact) -> u32 {
    if contact.type_activite == TypeActivite::Collectif { contact.participants.total().max(1) } else { 1 }
}

/// The contact's rows, one per accompaniment, each of [`COLUMNS`]`.len()` cells.
pub fn rows<'a, P: Places>(stored: &Stored<'a>, context: &Context<'a, P>) -> impl Iterator<Item = Vec<Cell>> + use<'a, P> {
    let contact = stored.contact;
    let common = common_cells(stored, context);
    let n = accompaniments(contact);
    let collectif = contact.type_activite == TypeActivite::Collectif;
    let ages = expand(&contact.participants.par_age.map(u32::from), TrancheAge::ALL);
    let statuts = expand(&contact.participants.par_statut.map(u32::from), StatutSocial::ALL);
    let beneficiaire = contact.beneficiaire.clone();
    let residence = (beneficiaire.commune.as_ref())
        .filter(|code| !context.hidden.contains(*code))
        .and_then(|code| context.territory.by_code(code))
        .cloned();
    (0..n).map(move |i| {
        let mut row = common.clone();
        row[col::PARTICIPANTS] = if n == 1 { Cell::Number(1) } else { Cell::Text(format!("{}/{n}", i + 1)) };
        let (genre, tranche, statut) = if collectif {
            (None, ages.get(i as usize).copied(), statuts.get(i as usize).copied())
        } else {
            (beneficiaire.genre, beneficiaire.tranche_age, beneficiaire.statut)
        };
        row[col::GENRE] = Cell::text(genre.unwrap_or(Genre::NonCommunique).label());
        row[col::TRANCHE] = Cell::text(tranche.unwrap_or(TrancheAge::NonCommunique).label());
        row[col::STATUT] = Cell::text(statut.unwrap_or(StatutSocial::NonCommunique).label());
        if let Some(commune) = &residence {
            row[col::COMMUNE_BENEFICIAIRE] = Cell::text(&commune.nom);
            row[col::COMMUNE_BENEFICIAIRE + 1] = Cell::text(commune.codes_postaux.first().map_or("", String::as_str));
            row[col::COMMUNE_BENEFICIAIRE + 2] = Cell::text(&commune.code_insee);
        }
        row
    })
}

/// Counts per value (in `values` order) as one value per person.
fn expand<T: Copy>(counts: &[u32], values: &[T]) -> Vec<T> {
    counts.iter().zip(values).flat_map(|(&n, &v)| std::iter::repeat_n(v, n as usize)).collect()
}

/// The cells every row of the contact shares.
fn common_cells<P: Places>(stored: &Stored, context: &Context<P>) -> Vec<Cell> {
    let c = stored.contact;
    let mut row = vec![Cell::Empty; COLUMNS.len()];
    let received = paris_time(stored.received_at);
    row[col::DATE] = Cell::Date(c.debut.date());
    row[col::ENREGISTRE] = Cell::Text(format!("{} à {}", french_date(received.date()), hour_minute(received)));
    // `Dernière modification le` stays empty: a stored contact is never modified (La Coop
    // writes nothing when the modification is the creation).
    row[col::TYPE] = Cell::text(match c.type_activite {
        TypeActivite::Collectif => TypeActivite::Collectif.label(),
        TypeActivite::Individuel | TypeActivite::Ponctuel => TypeActivite::Individuel.label(),
    });
    row[col::CANAL] = Cell::text(c.lieu.type_lieu().label());
    let commune = |lieu: &Lieu| {
        lieu.commune().and_then(|code| context.territory.by_code(code)).map(|commune| PlaceAddress {
            commune: commune.nom.clone(),
            code_postal: commune.codes_postaux.first().cloned().unwrap_or_default(),
            code_insee: commune.code_insee.clone(),
            ..PlaceAddress::default()
        })
    };
    let place = match &c.lieu {
        Lieu::Registre(id) => context.places.address(id).cloned(),
        // A stop is named as the tour named it, in the commune the contact recorded (a stop moved
        // since does not move the contacts logged there); unknown here, by that commune alone.
        lieu @ Lieu::Arret { id, .. } => commune(lieu)
            .map(|recorded| PlaceAddress { nom: context.places.address(id).map(|s| s.nom.clone()).unwrap_or_default(), ..recorded }),
        lieu => commune(lieu),
    };
    if let Some(p) = place {
        for (offset, value) in [p.nom, p.adresse, p.commune, p.code_postal, p.code_insee].into_iter().enumerate() {
            row[col::LIEU + offset] = Cell::text(&value);
        }
    }
    row[col::DUREE] = Cell::Number(c.duree_min.into());
    row[col::MATERIEL] = joined(c.materiel.iter().map(|m| m.label()));
    // La Coop keeps the administrative themes among the themes (one `thematiques` list).
    row[col::THEMATIQUES] = joined(c.thematiques.iter().map(|t| t.label()).chain(c.thematiques_administratives.iter().map(|t| t.label())));
    let ponctuel = (c.type_activite == TypeActivite::Ponctuel).then(|| TypeActivite::Ponctuel.label());
    let on_the_move = match c.lieu {
        Lieu::Bus(_) | Lieu::Arret { .. } => Some(LieuChoice::Bus.label()),
        Lieu::MarcheStand(_) => Some(LieuChoice::MarcheStand.label()),
        _ => None,
    };
    row[col::TAGS] = joined(ponctuel.into_iter().chain(on_the_move));
    row[col::AUTONOMIE] = match (c.autonomie, c.niveau_atelier) {
        (Some(a), _) => Cell::Text(format!("{}/3", autonomy_stars(a))),
        (None, Some(n)) => Cell::Text(format!("{}/3", level_stars(n))),
        (None, None) => Cell::Empty,
    };
    // The form's orientation defaults to "Aucune": for an individual contact, none is "Non".
    // La Coop asks nothing of a workshop, and writes nothing.
    row[col::REORIENTE] = match (&c.orientation, c.type_activite) {
        (Some(_), _) => Cell::text("Oui"),
        (None, TypeActivite::Collectif) => Cell::Empty,
        (None, _) => Cell::text("Non"),
    };
    if let Some(o) = &c.orientation {
        row[col::REDIRECTION] = Cell::text(o.structure.label());
    }
    row[col::ID] = Cell::Text(c.id.to_string());
    row[col::STRUCTURE] = Cell::text(stored.structure);
    row
}

fn joined<'s>(labels: impl Iterator<Item = &'s str>) -> Cell {
    Cell::text(&labels.collect::<Vec<_>>().join(IN_CELL_SEPARATOR))
}

/// La Coop's `autonomieStars`.
fn autonomy_stars(a: Autonomie) -> u8 {
    match a {
        Autonomie::EntierementAccompagne => 1,
        Autonomie::PartiellementAutonome => 2,
        Autonomie::Autonome => 3,
    }
}

/// La Coop's `niveauAtelierStars`.
fn level_stars(n: NiveauAtelier) -> u8 {
    match n {
        NiveauAtelier::Debutant => 1,
        NiveauAtelier::Intermediaire => 2,
        NiveauAtelier::Avance => 3,
    }
}

#[cfg(test)]
mod tests;
