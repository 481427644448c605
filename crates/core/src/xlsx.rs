//! Reading the field's working format: .xlsx sheets with a template's header row.

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

/// Reads the first sheet: checks the header row against `headers` and returns the data rows
/// (cell texts) with their Excel row numbers, skipping empty rows.
pub fn read(bytes: &[u8], headers: &[&str]) -> Result<Vec<(usize, Vec<String>)>> {
    read_columns(bytes, headers, headers.len())
}

/// As `read`, where only the first `required` headers must be there: a sheet made from an
/// older template, without the columns added to its end since, still reads.
///
/// The file is read by `fazhi_upload` within its limits (size, declared range, rows, columns,
/// cell length, inflated size and ratio), so a hostile upload is refused before it is expanded.
pub fn read_columns(
    bytes: &[u8],
    headers: &[&str],
    required: usize,
) -> Result<Vec<(usize, Vec<String>)>> {
    let mut rows =
        fazhi_upload::read_first_sheet(bytes, headers.len(), &fazhi_upload::Limits::default())?
            .into_iter();
    // The header row is the sheet's first non-empty one.
    let header = rows.next().map(|(_, h)| h).unwrap_or_default();
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
    Ok(rows.collect())
}

/// At most this many uploads are read at once, whatever the number of requests: each may hold
/// up to the reader's limits in memory, and reading is CPU work.
const READING_AT_ONCE: usize = 2;

fn readers() -> &'static tokio::sync::Semaphore {
    static READERS: std::sync::OnceLock<tokio::sync::Semaphore> = std::sync::OnceLock::new();
    READERS.get_or_init(|| tokio::sync::Semaphore::new(READING_AT_ONCE))
}

/// `read_columns` for an uploaded file: on a blocking thread (parsing must not stall the async
/// workers that answer everyone else), at most `READING_AT_ONCE` at a time, and a panic in the
/// reader (a library bug on a malformed file) answered as an unreadable file, never a dropped
/// connection.
pub async fn read_upload(
    bytes: Vec<u8>,
    headers: &'static [&'static str],
    required: usize,
) -> Result<Vec<(usize, Vec<String>)>> {
    let _turn = readers()
        .acquire()
        .await
        .map_err(|_| Error::from(fazhi_upload::Refusal::NotXlsx))?;
    let read = tokio::task::spawn_blocking(move || {
        std::panic::catch_unwind(|| read_columns(&bytes, headers, required))
    })
    .await;
    match read {
        Ok(Ok(rows)) => rows,
        Ok(Err(_)) | Err(_) => Err(fazhi_upload::Refusal::Sheet("文件内容无法解析".into()).into()),
    }
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
