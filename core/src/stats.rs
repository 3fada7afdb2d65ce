//! Figures of what is done, for the département, the EPCI and each structure (fiches 1-E and
//! 3-D of the Vienne's roadmap), with the indicators named as La Coop de la médiation numérique
//! names them, so people recognise them.
//!
//! One contact is first seen as [`Facts`] (its day, territory, counts per person…), which is
//! what the server stores in typed columns; [`Tally`] adds facts up exactly (the server's SQL
//! must produce an equal tally for the same contacts, a server test holds both); [`Figures`] is
//! what is shown, with the privacy rule applied; [`Filter`] is the period and territory asked.
//!
//! Units follow La Coop: themes, material, durations, places and types count *activities*
//! (a logged contact: one workshop is one activity); age bands, statuses, genders, communes of
//! residence and territories count *accompagnements* (people: a workshop of 8 counts 8).

mod facts;
mod figures;
mod filter;
mod tally;

pub use facts::{Duree, Facts, Places, lieu_key};
pub use figures::{Count, Figures, Privacy, Row, Section, month_label, thousands};
pub use filter::{Filter, Known};
pub use tally::{Tally, Totals};

/// The key of a territory, place or commune of residence that is not known (a workshop's
/// participants have no commune of residence; a remote contact may have no commune at all).
pub const UNKNOWN: &str = "non_renseigne";

/// What is counted in a [`Section`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Unit {
    /// Logged contacts (a workshop is one).
    Activites,
    /// People helped (a workshop counts its participants).
    Accompagnements,
    /// Outreach sessions (a market morning, a bus stop).
    Sessions,
}

impl Unit {
    pub fn label(self) -> &'static str {
        match self {
            Unit::Activites => "activités",
            Unit::Accompagnements => "accompagnements",
            Unit::Sessions => "sessions",
        }
    }
}

/// One way of cutting the figures: a chart, a table, a sheet of the statistics file.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Breakdown {
    /// Accompagnements per month, `AAAA-MM`.
    Mois,
    Types,
    Thematiques,
    Demarches,
    Materiel,
    Durees,
    TranchesAge,
    Statuts,
    Genres,
    /// Commune of residence of the people helped: counts of 1 to 4 are shown as "< 5" outside
    /// the structure that logged them ([`Privacy::Protected`]).
    CommunesResidence,
    Lieux,
    Epci,
    /// Commune where help happened (see [`Facts::commune`]).
    Communes,
    Structures,
    /// Outreach sessions per kind (fiche 1-E).
    Sorties,
    /// People met in outreach sessions, per kind.
    PersonnesSorties,
}

impl Breakdown {
    pub const ALL: [Breakdown; 16] = [
        Breakdown::Mois,
        Breakdown::Types,
        Breakdown::Thematiques,
        Breakdown::Demarches,
        Breakdown::Materiel,
        Breakdown::Durees,
        Breakdown::TranchesAge,
        Breakdown::Statuts,
        Breakdown::Genres,
        Breakdown::CommunesResidence,
        Breakdown::Lieux,
        Breakdown::Epci,
        Breakdown::Communes,
        Breakdown::Structures,
        Breakdown::Sorties,
        Breakdown::PersonnesSorties,
    ];

    /// Its code on the wire and in query strings.
    pub fn code(self) -> &'static str {
        match self {
            Breakdown::Mois => "mois",
            Breakdown::Types => "types",
            Breakdown::Thematiques => "thematiques",
            Breakdown::Demarches => "demarches",
            Breakdown::Materiel => "materiel",
            Breakdown::Durees => "durees",
            Breakdown::TranchesAge => "tranches_age",
            Breakdown::Statuts => "statuts",
            Breakdown::Genres => "genres",
            Breakdown::CommunesResidence => "communes_residence",
            Breakdown::Lieux => "lieux",
            Breakdown::Epci => "epci",
            Breakdown::Communes => "communes",
            Breakdown::Structures => "structures",
            Breakdown::Sorties => "sorties",
            Breakdown::PersonnesSorties => "personnes_sorties",
        }
    }

    pub fn from_code(code: &str) -> Option<Breakdown> {
        Breakdown::ALL.into_iter().find(|b| b.code() == code)
    }

    /// Its title, La Coop's words where La Coop has the figure.
    pub fn title(self) -> &'static str {
        match self {
            Breakdown::Mois => "Accompagnements par mois",
            Breakdown::Types => "Types d’activités",
            Breakdown::Thematiques => "Thématiques Médiation numérique",
            Breakdown::Demarches => "Thématiques Démarches administratives",
            Breakdown::Materiel => "Matériel utilisés",
            Breakdown::Durees => "Durées des activités",
            Breakdown::TranchesAge => "Tranches d’âge",
            Breakdown::Statuts => "Statuts",
            Breakdown::Genres => "Genre",
            Breakdown::CommunesResidence => "Commune de résidence des bénéficiaires",
            Breakdown::Lieux => "Nombre d’activités par lieux",
            Breakdown::Epci => "Accompagnements par EPCI",
            Breakdown::Communes => "Accompagnements par commune",
            Breakdown::Structures => "Accompagnements par structure",
            Breakdown::Sorties => "Sorties (marchés, arrêts du bus, événements)",
            Breakdown::PersonnesSorties => "Personnes rencontrées en sortie",
        }
    }

    pub fn unit(self) -> Unit {
        match self {
            Breakdown::Types
            | Breakdown::Thematiques
            | Breakdown::Demarches
            | Breakdown::Materiel
            | Breakdown::Durees
            | Breakdown::Lieux => Unit::Activites,
            Breakdown::Sorties => Unit::Sessions,
            _ => Unit::Accompagnements,
        }
    }

    /// Whether its rows are a closed list (every value shown, zeros too, in the taxonomy's
    /// order) rather than open keys (communes, places…: biggest first, zeros left out).
    pub fn is_closed(self) -> bool {
        !matches!(
            self,
            Breakdown::Mois
                | Breakdown::CommunesResidence
                | Breakdown::Lieux
                | Breakdown::Epci
                | Breakdown::Communes
                | Breakdown::Structures
        )
    }
}

#[cfg(test)]
mod tests;
