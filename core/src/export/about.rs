//! The "Informations export" block La Coop writes before its tables (`addExportMetadata`,
//! `addFilters`): who exported, how many rows, when, with which filters; plus what Repère's file
//! leaves empty or adds, so nobody reads an empty column as "none".

use chrono::{NaiveDate, NaiveDateTime};

use super::Cell;
use crate::date::{french_date, hour_minute, paris_time};

/// Who asked for the file (La Coop's `getUserRoleLabel` words).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Requester {
    /// A mediator's device: its structure's name.
    Mediator(String),
    /// A coordinator's device: its label.
    Coordinator(String),
    /// The command line on the server.
    Administrator,
}

/// What the block says.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct About {
    pub requester: Requester,
    /// Rows of the activities table; none for the statistics file (La Coop writes none there).
    pub total: Option<u32>,
    /// When the file was made, UTC (written in French local time).
    pub at: NaiveDateTime,
    /// The filters as (La Coop's label or Repère's, value), in the order to show; a filter not
    /// set is shown "-".
    pub filters: Vec<(&'static str, String)>,
    /// Whether small counts are hidden (a reader outside the structures): said in the block.
    pub protected: bool,
}

/// A line of the block.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Line {
    /// A section's title, in bold.
    Title(&'static str),
    Pair(&'static str, Cell),
    Blank,
}

/// La Coop's period label: `JJ.MM.AAAA - JJ.MM.AAAA`.
pub fn period_label(du: NaiveDate, au: NaiveDate) -> String {
    let dotted = |d: NaiveDate| french_date(d).replace('/', ".");
    format!("{} - {}", dotted(du), dotted(au))
}

const EMPTY_COLUMNS: &str = "Prénom du médiateur, Nom du médiateur, Rôle, ID - Conum, Nom de l’atelier, Nom de la démarche \
                             administrative, Dernière modification le : Repère n’enregistre ni le nom des personnes ni de texte \
                             libre, et une activité enregistrée n’est jamais modifiée.";
const TAGS: &str = "« Demande ponctuelle » : une question rapide, comptée comme accompagnement individuel. « Bus », « Marché ou \
                    stand » : le lieu de la rencontre.";
const PARTICIPANTS: &str = "Un atelier donne une ligne par participant (1/N … N/N) ; tranche d’âge et statut suivent les nombres \
                            saisis pour l’atelier, dans l’ordre.";
const SMALL_COMMUNES: &str = "Laissée vide quand moins de 5 personnes de la commune sont dans l’export (les chiffres l’écrivent « < 5 »), pour que personne ne soit reconnu.";
const STRUCTURE: &str = "Colonne ajoutée par Repère : la structure qui a enregistré l’activité.";

/// The block's lines: "Informations export", "Filtres", then Repère's notes on the columns
/// (activities file only: `total` is set).
pub fn about(a: &About) -> Vec<Line> {
    let local = paris_time(a.at);
    let (name, role) = match &a.requester {
        Requester::Mediator(structure) => (structure.as_str(), "Médiateur"),
        Requester::Coordinator(label) => (label.as_str(), "Coordinateur"),
        Requester::Administrator => ("-", "Administrateur"),
    };
    let text = |s: &str| Cell::Text(s.to_owned());
    let mut lines = vec![Line::Title("Informations export"), Line::Pair("Nom", text(name)), Line::Pair("Prénom", text("-"))];
    lines.push(Line::Pair("Rôle", text(role)));
    if let Some(total) = a.total {
        lines.push(Line::Pair("Total", Cell::Number(total.into())));
    }
    // La Coop writes these two labels with a straight apostrophe.
    lines.push(Line::Pair("Date d'export", text(&french_date(local.date()))));
    lines.push(Line::Pair("Heure d'export", text(&hour_minute(local))));
    lines.push(Line::Blank);
    lines.push(Line::Title("Filtres"));
    for (label, value) in &a.filters {
        lines.push(Line::Pair(label, text(if value.is_empty() { "-" } else { value })));
    }
    lines.push(Line::Blank);
    if a.total.is_some() {
        lines.push(Line::Title("Colonnes"));
        lines.push(Line::Pair("Colonnes vides", text(EMPTY_COLUMNS)));
        lines.push(Line::Pair("Tags", text(TAGS)));
        lines.push(Line::Pair("Participants", text(PARTICIPANTS)));
        lines.push(Line::Pair("Structure", text(STRUCTURE)));
        if a.protected {
            lines.push(Line::Pair("Commune du bénéficiaire", text(SMALL_COMMUNES)));
        }
    }
    lines
}
