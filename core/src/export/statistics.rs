//! The statistics file, after La Coop's (`apps/web/src/worksheet/statistiques/buildStatistiquesWorksheet.ts`,
//! same commit as the activities): a summary sheet with La Coop's headline figures, then one
//! sheet per breakdown (label / count / %), so each can be sorted, charted or pasted alone.

use std::collections::BTreeMap;

use super::Cell;
use super::about::Line;
use crate::stats::{Breakdown, Count, Figures, Section};

/// A sheet's name for a breakdown: Excel allows 31 characters, and several of La Coop's
/// titles are longer (the full title heads the sheet).
pub fn sheet_name(breakdown: Breakdown) -> &'static str {
    match breakdown {
        Breakdown::Mois => "Par mois",
        Breakdown::Types => "Types d’activités",
        Breakdown::Thematiques => "Thématiques",
        Breakdown::Demarches => "Démarches administratives",
        Breakdown::Materiel => "Matériel",
        Breakdown::Durees => "Durées",
        Breakdown::TranchesAge => "Tranches d’âge",
        Breakdown::Statuts => "Statuts",
        Breakdown::Genres => "Genre",
        Breakdown::CommunesResidence => "Communes de résidence",
        Breakdown::Lieux => "Lieux",
        Breakdown::Epci => "EPCI",
        Breakdown::Communes => "Communes",
        Breakdown::Structures => "Structures",
        Breakdown::Sorties => "Sorties",
        Breakdown::PersonnesSorties => "Personnes en sortie",
    }
}

/// The summary sheet's name.
pub const SUMMARY_SHEET: &str = "Statistiques";

/// The header of every breakdown's table.
pub const SECTION_HEADER: [&str; 3] = ["Libellé", "Nombre", "%"];

fn share(n: u64, of: u64) -> Cell {
    if of == 0 { Cell::Empty } else { Cell::Percent(((n * 200 + of) / (2 * of)) as u32) }
}

/// La Coop's "Statistiques générales" and "Statistiques sur vos accompagnements", with
/// Repère's quick questions; the figures that need a beneficiary's identity (new, followed,
/// anonymous beneficiaries) have no counterpart in Repère and are left out.
pub fn summary(figures: &Figures) -> Vec<(Line, Cell)> {
    let t = figures.totals;
    let pair = |label, n: u64, percent: Cell| (Line::Pair(label, Cell::Number(n)), percent);
    vec![
        (Line::Title("Statistiques générales"), Cell::Empty),
        pair("Accompagnements au total", t.accompagnements, Cell::Empty),
        (Line::Blank, Cell::Empty),
        (Line::Title("Statistiques sur vos accompagnements"), Cell::Empty),
        pair("Accompagnements individuels", t.individuels, share(t.individuels, t.activites)),
        pair("Ateliers collectifs", t.ateliers, share(t.ateliers, t.activites)),
        pair("Demandes ponctuelles", t.ponctuels, share(t.ponctuels, t.activites)),
        pair("Nombre total de participants aux ateliers", t.participants, Cell::Empty),
        pair("Nombre total d’activités", t.activites, Cell::Empty),
    ]
}

/// A breakdown's rows: label, count ("< 5" when hidden), share.
pub fn section_rows(section: &Section, names: &BTreeMap<String, String>) -> Vec<[Cell; 3]> {
    section
        .rows
        .iter()
        .map(|row| {
            let count = match row.count {
                Count::Exact(n) => Cell::Number(n),
                hidden => Cell::Text(hidden.to_string()),
            };
            [Cell::Text(section.label(&row.code, names).into_owned()), count, row.percent.map_or(Cell::Empty, Cell::Percent)]
        })
        .collect()
}

/// The title above a breakdown's table: La Coop's, and what is counted.
pub fn section_title(breakdown: Breakdown) -> String {
    format!("{} (en {})", breakdown.title(), breakdown.unit().label())
}
