//! The coverage files (`couverture.csv`, `couverture.xlsx`): for a selection of places and a
//! threshold, each commune's nearest help and time (the core's `commune_rows`) and each EPCI's
//! gaps (`epci_rows`), computed by the core from the registry's current places and the stored
//! travel-time table, as the coordinators' page computes them.

use std::io::Write;
use std::path::Path;

use chrono::NaiveDateTime;
use repere_core::coverage::{COMMUNE_COLUMNS, Coverage, EPCI_COLUMNS, Selection, TravelTable, commune_rows, epci_rows, estimate_method};
use repere_core::export::{Cell, Line};
use rust_xlsxwriter::Format as XlsxFormat;

use super::sheets::{workbook, write_cell, write_lines};
use super::{ExportError, Format, Partial, finish};
use crate::coverage::{Imported, Inputs, communes};
use crate::db::Database;

/// The computed tables and what the information sheet says.
pub struct Tables {
    pub communes: Vec<Vec<Cell>>,
    pub epci: Vec<Vec<Cell>>,
    pub about: Vec<Line>,
}

/// Computes the tables for `selection` at `now` (UTC: the day whose week `heures` counts, in
/// Paris, and the time the information sheet gives).
pub fn tables(inputs: &Inputs, selection: &Selection, now: NaiveDateTime) -> Tables {
    let local = repere_core::date::paris_time(now);
    let places = selection.places(&inputs.places, local.date());
    let table = TravelTable::new(&inputs.times.rows, communes(), &places);
    let coverage = Coverage::new(communes(), &places, table);
    let access = coverage.access();
    let threshold = f64::from(selection.threshold);
    let gap = coverage.beyond(&access, threshold);
    let about = vec![
        Line::Title("Couverture : temps d’accès à l’aide numérique, par commune"),
        Line::Pair("Seuil", Cell::Text(format!("{} minutes", selection.threshold))),
        Line::Pair("Lieux retenus", Cell::Text(format!("{} ({} lieux)", retained(selection, local), places.len()))),
        Line::Pair("Temps obtenus par", Cell::Text(method(inputs.times.import.as_ref().filter(|_| !inputs.times.rows.is_empty())))),
        Line::Pair("Communes au-delà du seuil", Cell::Number(gap.communes as u64)),
        Line::Pair("Population au-delà du seuil", Cell::Number(gap.population)),
        Line::Pair("Version du registre", Cell::Number(inputs.registry_version)),
        Line::Pair("Exporté le", Cell::Text(format!("{} à {}", repere_core::date::french_date(local.date()), local.format("%H:%M")))),
        Line::Blank,
        Line::Pair("Population", Cell::Text("INSEE, populations légales (seeds/communes-86.csv)".into())),
        Line::Pair("Indice de rupture", Cell::Text("feuille de route de la Vienne, par EPCI (Vienne : 12)".into())),
    ];
    Tables { communes: commune_rows(&coverage, &access, threshold, inputs), epci: epci_rows(&coverage, &access, threshold, inputs), about }
}

/// The places retained, in words.
fn retained(selection: &Selection, local: NaiveDateTime) -> String {
    let mut conditions = Vec::new();
    if let Some(need) = selection.need {
        conditions.push(format!("offrant de l’aide pour « {} »", (repere_core::i18n::FR.need)(need)));
    }
    if let Some(d) = selection.dispositif {
        use repere_core::label::Label;
        conditions.push(format!("du dispositif « {} »", d.label()));
    }
    if let Some(hours) = selection.min_hours {
        let day = repere_core::date::french_date(local.date());
        conditions.push(format!("ouverts au moins {hours} h dans la semaine du {day}"));
    }
    if conditions.is_empty() {
        "tous les lieux du registre ayant une position".to_owned()
    } else {
        format!("lieux du registre ayant une position, {}", conditions.join(", "))
    }
}

/// How the times were obtained, in words.
fn method(import: Option<&Imported>) -> String {
    match import {
        None => estimate_method(),
        Some(i) => {
            let at = NaiveDateTime::parse_from_str(&i.at, "%Y-%m-%dT%H:%M:%SZ").map(repere_core::date::paris_time);
            let at = at.map_or_else(|_| i.at.clone(), |t| format!("{} à {}", repere_core::date::french_date(t.date()), t.format("%H:%M")));
            format!(
                "tableau importé le {at} (fichier {}, {} lignes) ; pour les couples absents du tableau, {}",
                i.source,
                i.rows,
                estimate_method()
            )
        }
    }
}

/// The communes' table as CSV (RFC 4180 as the activities': comma, double quotes, CRLF).
pub fn coverage_csv(tables: &Tables, out: impl Write) -> Result<(), ExportError> {
    let mut csv = csv::WriterBuilder::new().terminator(csv::Terminator::CRLF).from_writer(std::io::BufWriter::new(out));
    let csv_error = |e: csv::Error| ExportError::Io(e.into());
    csv.write_record(COMMUNE_COLUMNS).map_err(csv_error)?;
    for row in &tables.communes {
        csv.write_record(row.iter().map(|c| c.to_text().into_owned())).map_err(csv_error)?;
    }
    csv.into_inner().map_err(|e| ExportError::Io(e.into_error()))?.flush()?;
    Ok(())
}

/// The XLSX: « Communes » and « EPCI » (header bold, frozen, with filters), « Informations ».
pub fn coverage_xlsx(tables: &Tables, path: &Path) -> Result<(), ExportError> {
    let mut workbook = workbook(path)?;
    let bold = XlsxFormat::new().set_bold();
    let none = XlsxFormat::new();
    for (name, header, rows) in [("Communes", &COMMUNE_COLUMNS[..], &tables.communes), ("EPCI", &EPCI_COLUMNS[..], &tables.epci)] {
        let sheet = workbook.add_worksheet();
        sheet.set_name(name)?;
        for (col, title) in header.iter().enumerate() {
            sheet.set_column_width(col as u16, if col == 0 || col == 4 { 30.0 } else { 16.0 })?;
            sheet.write_string_with_format(0, col as u16, *title, &bold)?;
        }
        for (i, cells) in rows.iter().enumerate() {
            for (col, cell) in cells.iter().enumerate() {
                write_cell(sheet, 1 + i as u32, col as u16, cell, &none)?;
            }
        }
        sheet.autofilter(0, 0, rows.len().max(1) as u32, header.len() as u16 - 1)?;
        sheet.set_freeze_panes(1, 0)?;
    }
    let sheet = workbook.add_worksheet();
    sheet.set_name("Informations")?;
    write_lines(sheet, &tables.about, 0)?;
    workbook.save(path)?;
    Ok(())
}

/// Writes the coverage file of `selection` to `target`, whole or not at all.
pub async fn coverage(db: &Database, selection: &Selection, format: Format, target: &Path) -> Result<(), ExportError> {
    let inputs = Inputs::load(db).await.map_err(ExportError::Registry)?;
    let mut partial = Partial::beside(target);
    let (path, target, cancelled, selection) = (partial.path.clone(), target.to_owned(), partial.cancelled.clone(), selection.clone());
    let written = tokio::task::spawn_blocking(move || {
        let tables = tables(&inputs, &selection, chrono::Utc::now().naive_utc());
        let written = match format {
            Format::Csv => std::fs::File::create(&path).map_err(ExportError::from).and_then(|file| coverage_csv(&tables, file)),
            Format::Xlsx => coverage_xlsx(&tables, &path),
        };
        finish(path, target, cancelled, written)
    })
    .await
    .map_err(|e| ExportError::Io(std::io::Error::other(e)))?;
    partial.armed = false;
    written
}
