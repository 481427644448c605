//! Reading the field's working format: .xlsx sheets with a template's header row.

use std::io::Cursor;

use calamine::{Data, Reader, Xlsx};

use serde::Serialize;

use crate::{Error, Result};

/// One rejected row of an import.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct RowError {
    pub row: usize,
    pub reason: String,
}

/// What an import did. Imports check every row first; with any rejected row nothing is written.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct ImportReport {
    pub inserted: usize,
    pub updated: usize,
    pub unchanged: usize,
    pub rejected: usize,
    pub errors: Vec<RowError>,
}

fn cell_text(d: &Data) -> String {
    match d {
        Data::Empty => String::new(),
        Data::String(s) => s.trim().to_string(),
        // Codes typed as numbers come back as floats: 330217001000, not 330217001000.0.
        Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", *f as i64),
        Data::Float(f) => f.to_string(),
        Data::Int(i) => i.to_string(),
        Data::Bool(b) => b.to_string(),
        // Excel's 1900 date system counts days from 1899-12-30.
        Data::DateTime(dt) => chrono::NaiveDate::from_ymd_opt(1899, 12, 30)
            .and_then(|base| base.checked_add_days(chrono::Days::new(dt.as_f64().max(0.0) as u64)))
            .map_or_else(|| dt.to_string(), |d| d.to_string()),
        Data::DateTimeIso(s) => s.get(..10).unwrap_or(s).to_string(),
        Data::DurationIso(s) => s.clone(),
        Data::Error(e) => format!("#{e:?}"),
    }
}

/// Reads the first sheet: checks the header row against `headers` and returns the data rows
/// (cell texts) with their Excel row numbers, skipping empty rows.
pub fn read(bytes: &[u8], headers: &[&str]) -> Result<Vec<(usize, Vec<String>)>> {
    read_columns(bytes, headers, headers.len())
}

/// As `read`, where only the first `required` headers must be there: a sheet made from an
/// older template, without the columns added to its end since, still reads.
pub fn read_columns(
    bytes: &[u8],
    headers: &[&str],
    required: usize,
) -> Result<Vec<(usize, Vec<String>)>> {
    let mut book: Xlsx<_> = Xlsx::new(Cursor::new(bytes))
        .map_err(|_| Error::invalid("file", "无法读取该文件：请上传 .xlsx 格式的 Excel 文件。"))?;
    let sheet = book
        .worksheet_range_at(0)
        .ok_or_else(|| Error::invalid("file", "文件中没有工作表。"))?
        .map_err(|e| Error::invalid("file", format!("无法读取工作表：{e}")))?;
    let mut rows = sheet.rows();
    let header: Vec<String> = rows
        .next()
        .map(|r| r.iter().map(cell_text).collect())
        .unwrap_or_default();
    for (i, expected) in headers.iter().enumerate() {
        let found = header.get(i).map(String::as_str).filter(|h| !h.is_empty());
        if found != Some(*expected) && (i < required || found.is_some()) {
            return Err(Error::invalid(
                "file",
                format!(
                    "第 1 行第 {} 列应为“{expected}”（请使用下载的模板）。",
                    i + 1
                ),
            ));
        }
    }
    let start = sheet.start().map_or(0, |(r, _)| r as usize);
    Ok(rows
        .enumerate()
        .map(|(i, r)| {
            (
                start + i + 2,
                r.iter().map(cell_text).collect::<Vec<String>>(),
            )
        })
        .filter(|(_, r)| r.iter().any(|c| !c.is_empty()))
        .collect())
}

/// A cell holding a list (codes, names): split at 、 , ， ; ；, trimmed, blanks dropped, sorted
/// and without repeats.
pub fn list_cell(cell: &str) -> Vec<String> {
    cell.split(['、', ',', '，', ';', '；'])
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .collect()
}
