//! The writers: rows of cells (the core's `export`) to CSV and XLSX, one row at a time.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};

use repere_core::export::statistics::{SECTION_HEADER, SUMMARY_SHEET, section_rows, section_title, sheet_name, summary};
use repere_core::export::{About, COLUMNS, Cell, Context, Line, Stored, about as about_lines, rows};
use repere_core::stats::Figures;
use rust_xlsxwriter::{ExcelDateTime, Format, Workbook, Worksheet};

use super::{ExportError, Lookup, Message, Rows};

/// Excel's last row (0-based), header included.
const MAX_ROW: u32 = 1_048_575;

/// The rows of the contacts the writer thread receives, until the end; the channel closing
/// before the end (the export's future dropped) or the cancelled flag raised is `Cancelled`.
pub(super) fn rows_of<'a>(messages: impl Iterator<Item = Message> + 'a, lookup: &'a Lookup, cancelled: &'a AtomicBool) -> Rows<'a> {
    let mut messages = messages.map(Some).chain(std::iter::once(None));
    let mut ended = false;
    let pages = std::iter::from_fn(move || {
        if ended {
            return None;
        }
        match messages.next().flatten() {
            Some(Message::Page(page)) if !cancelled.load(Ordering::SeqCst) => Some(Ok(page)),
            Some(Message::End) => {
                ended = true;
                None
            }
            _ => {
                ended = true;
                Some(Err(ExportError::Cancelled))
            }
        }
    });
    Box::new(pages.flat_map(move |page| -> Box<dyn Iterator<Item = Result<Vec<Cell>, ExportError>>> {
        match page {
            Err(e) => Box::new(std::iter::once(Err(e))),
            Ok(page) => Box::new(
                page.into_iter()
                    .flat_map(|held| {
                        let structure = lookup.structures.get(&held.structure).map_or("", String::as_str);
                        let stored = Stored { contact: &held.contact, received_at: held.received_at, structure };
                        rows(&stored, &Context { places: lookup, territory: lookup.territory(), hidden: &lookup.hidden })
                            .collect::<Vec<_>>()
                    })
                    .map(Ok),
            ),
        }
    }))
}

/// The activities as CSV (RFC 4180: comma, double quotes, CRLF; UTF-8): the header row, then
/// the rows. No information block, so any CSV reader takes the file as a table.
pub fn activities_csv(rows: Rows, out: impl Write) -> Result<u64, ExportError> {
    let mut csv = csv::WriterBuilder::new().terminator(csv::Terminator::CRLF).from_writer(std::io::BufWriter::new(out));
    let csv_error = |e: csv::Error| ExportError::Io(e.into());
    csv.write_record(COLUMNS).map_err(csv_error)?;
    let mut count = 0;
    for row in rows {
        csv.write_record(row?.iter().map(|c| c.to_text().into_owned())).map_err(csv_error)?;
        count += 1;
    }
    csv.into_inner().map_err(|e| ExportError::Io(e.into_error()))?.flush()?;
    Ok(count)
}

/// The activities as XLSX: a sheet "Activités" (header in row 1 with filters, frozen; dates as
/// dates; La Coop's line breaks within cells wrapped), written in constant memory, and first a
/// sheet "Informations export" (requester, total, time, filters, notes on the columns), filled
/// in last since the total is known only then. La Coop writes the block above its table;
/// here the table starts at A1 so that a spreadsheet or an import reads it directly.
pub fn activities_xlsx(mut about: About, rows: Rows, path: &Path) -> Result<u64, ExportError> {
    let mut workbook = workbook(path)?;
    workbook.add_worksheet().set_name("Informations export")?;
    let bold = Format::new().set_bold();
    let date = Format::new().set_num_format("dd/mm/yyyy").set_align(rust_xlsxwriter::FormatAlign::Top);
    let wrap = Format::new().set_text_wrap().set_align(rust_xlsxwriter::FormatAlign::Top);
    let sheet = workbook.add_worksheet_with_constant_memory()?;
    sheet.set_name("Activités")?;
    for (col, name) in COLUMNS.iter().enumerate() {
        sheet.set_column_width(col as u16, if col == 30 { 38.0 } else { 18.0 })?;
        sheet.write_string_with_format(0, col as u16, *name, &bold)?;
    }
    let mut row = 0u32;
    for cells in rows {
        let cells = cells?;
        if row == MAX_ROW {
            return Err(ExportError::TooManyRows);
        }
        row += 1;
        for (col, cell) in cells.iter().enumerate() {
            let col = col as u16;
            match cell {
                Cell::Text(s) if s.contains('\n') => drop(sheet.write_string_with_format(row, col, s, &wrap)?),
                Cell::Date(d) => {
                    use chrono::Datelike;
                    let day = ExcelDateTime::from_ymd(d.year() as u16, d.month() as u8, d.day() as u8)?;
                    sheet.write_datetime_with_format(row, col, &day, &date)?;
                }
                other => write_cell(sheet, row, col, other, &wrap)?,
            }
        }
    }
    sheet.autofilter(0, 0, row.max(1), COLUMNS.len() as u16 - 1)?;
    sheet.set_freeze_panes(1, 0)?;
    sheet.set_active(true);
    about.total = Some(row);
    write_lines(workbook.worksheet_from_index(0)?, &about_lines(&about), 0)?;
    workbook.save(path)?;
    Ok(u64::from(row))
}

/// The statistics file: the summary sheet (information block, La Coop's headline figures),
/// then one sheet per breakdown: its title, then label / count / %.
pub fn statistics_xlsx(about: &About, figures: &Figures, names: &BTreeMap<String, String>, path: &Path) -> Result<(), ExportError> {
    let mut workbook = workbook(path)?;
    let bold = Format::new().set_bold();
    let percent = Format::new().set_num_format("0\" %\"");
    let sheet = workbook.add_worksheet();
    sheet.set_name(SUMMARY_SHEET)?;
    sheet.set_column_width(0, 44.0)?;
    let lines = about_lines(about);
    let next = write_lines(sheet, &lines, 0)?;
    for (i, (line, share)) in summary(figures).iter().enumerate() {
        let row = next + i as u32;
        write_lines(sheet, std::slice::from_ref(line), row)?;
        write_cell(sheet, row, 2, share, &percent)?;
    }
    for section in &figures.sections {
        let sheet = workbook.add_worksheet();
        sheet.set_name(sheet_name(section.breakdown))?;
        sheet.set_column_width(0, 44.0)?;
        sheet.write_string_with_format(0, 0, section_title(section.breakdown), &bold)?;
        for (col, name) in SECTION_HEADER.iter().enumerate() {
            sheet.write_string_with_format(1, col as u16, *name, &bold)?;
        }
        for (i, cells) in section_rows(section, names).iter().enumerate() {
            for (col, cell) in cells.iter().enumerate() {
                write_cell(sheet, 2 + i as u32, col as u16, cell, &percent)?;
            }
        }
    }
    workbook.save(path)?;
    Ok(())
}

/// A workbook whose constant-memory sheets keep their rows in temporary files beside the
/// target (not in a `/tmp` that may be memory), made by Repère.
pub(super) fn workbook(path: &Path) -> Result<Workbook, ExportError> {
    let mut workbook = Workbook::new();
    let dir = path.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(Path::new("."));
    workbook.set_tempdir(dir)?;
    workbook.set_properties(&rust_xlsxwriter::DocProperties::new().set_author("Repère").set_title("Repère — export"));
    Ok(workbook)
}

/// Writes an information block from `first`; returns the next free row.
pub(super) fn write_lines(sheet: &mut Worksheet, lines: &[Line], first: u32) -> Result<u32, ExportError> {
    let bold = Format::new().set_bold();
    let percent = Format::new().set_num_format("0\" %\"");
    if first == 0 {
        sheet.set_column_width(0, 28.0)?;
        sheet.set_column_width(1, 60.0)?;
    }
    for (i, line) in lines.iter().enumerate() {
        let row = first + i as u32;
        match line {
            Line::Title(title) => drop(sheet.write_string_with_format(row, 0, *title, &bold)?),
            Line::Pair(label, cell) => {
                sheet.write_string(row, 0, *label)?;
                write_cell(sheet, row, 1, cell, &percent)?;
            }
            Line::Blank => {}
        }
    }
    Ok(first + lines.len() as u32)
}

pub(super) fn write_cell(sheet: &mut Worksheet, row: u32, col: u16, cell: &Cell, percent: &Format) -> Result<(), ExportError> {
    match cell {
        Cell::Empty => {}
        Cell::Number(n) => drop(sheet.write_number(row, col, *n as f64)?),
        Cell::Percent(p) => drop(sheet.write_number_with_format(row, col, f64::from(*p), percent)?),
        Cell::Tenths(t) => drop(sheet.write_number_with_format(row, col, *t as f64 / 10.0, &Format::new().set_num_format("0.0"))?),
        other => drop(sheet.write_string(row, col, other.to_text())?),
    }
    Ok(())
}
