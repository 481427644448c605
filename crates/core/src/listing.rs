//! What every list shares: words to search for, a date range, a capped total and an Excel export
//! of exactly what is filtered, read page by page in the list's own order. Each list keeps its
//! own query and filters; this module adds the common conditions to it.

use std::future::Future;

use fazhi_store::page::{Page, Sorted, count_capped};
use fazhi_store::{Sql, Store};
use serde_json::Value;

use crate::{Actor, Error, Result};

/// Counted exactly up to this many: a total over a province's millions would cost a scan on
/// every page view; past it the list says "more than".
pub const COUNT_CAP: i64 = 10_000;

/// Rows an export reads at a time: the workbook grows row by row, the query never holds more.
pub const EXPORT_BATCH: i64 = 500;

/// Longest search text, in characters.
const TEXT_MAX: usize = 100;

/// The conditions every list offers: words (matched anywhere in the list's text columns) and a
/// date range (inclusive) on the list's date column.
#[derive(Clone, Debug, Default)]
pub struct Narrowing {
    pub text: Option<String>,
    pub from: Option<String>,
    pub until: Option<String>,
}

impl Narrowing {
    /// Appends the conditions to a query whose WHERE clause is open. A malformed day or a range
    /// that ends before it starts is refused: either would silently match nothing.
    pub fn apply(&self, sql: &mut Sql, text_columns: &[&str], date_column: &str) -> Result<()> {
        if let Some(t) = self
            .text
            .as_deref()
            .map(str::trim)
            .filter(|t| !t.is_empty())
        {
            if t.chars().count() > TEXT_MAX {
                return Err(Error::invalid("q", format!("查询词不超过 {TEXT_MAX} 字。")));
            }
            let pattern = like(t);
            sql.push(" AND (");
            for (i, col) in text_columns.iter().enumerate() {
                if i > 0 {
                    sql.push(" OR ");
                }
                sql.push(col)
                    .push(" LIKE ")
                    .bind(pattern.clone())
                    .push(" ESCAPE '\\'");
            }
            sql.push(")");
        }
        let (from, until) = range(
            ("from", self.from.as_deref()),
            ("until", self.until.as_deref()),
        )?;
        if let Some(d) = from {
            sql.push(" AND ").push(date_column).push(" >= ").bind(d);
        }
        if let Some(d) = until {
            sql.push(" AND ").push(date_column).push(" <= ").bind(d);
        }
        Ok(())
    }
}

/// `LIKE` text with its wildcards taken literally (escaped with `\`).
pub fn like(text: &str) -> String {
    let mut out = String::from("%");
    for c in text.chars() {
        if matches!(c, '%' | '_' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out.push('%');
    out
}

/// A filter's day, checked: lists compare the text, so a malformed day would match nothing.
pub fn day(field: &'static str, value: Option<&str>) -> Result<Option<String>> {
    match value.map(str::trim).filter(|v| !v.is_empty()) {
        None => Ok(None),
        Some(v) => fazhi_kernel::date::parse(v)
            .map(|d| Some(d.to_string()))
            .ok_or_else(|| {
                Error::invalid(
                    field,
                    format!("日期“{v}”应为 YYYY-MM-DD，例如 2024-01-31。"),
                )
            }),
    }
}

/// Both days of a range, checked, and refused when the range ends before it starts.
pub fn range(
    from: (&'static str, Option<&str>),
    until: (&'static str, Option<&str>),
) -> Result<(Option<String>, Option<String>)> {
    let a = day(from.0, from.1)?;
    let b = day(until.0, until.1)?;
    if let (Some(a), Some(b)) = (&a, &b)
        && a > b
    {
        return Err(Error::invalid(
            until.0,
            format!("截止日期 {b} 早于起始日期 {a}，请对调或改正。"),
        ));
    }
    Ok((a, b))
}

/// The order a list can afford: sorting by a column sorts every matching row, so past
/// `COUNT_CAP` of them (`more`, from `count`) the list keeps its newest-first order, which its
/// indexes serve, and says why (the note for the page).
pub fn affordable(order: Sorted, more: bool) -> (Sorted, Option<String>) {
    if order.by.is_none() || !more {
        return (order, None);
    }
    // The cursors stay: each page of such a list is served in id order, so they are ids.
    (
        Sorted {
            by: None,
            desc: true,
            ..order
        },
        Some(format!(
            "符合条件的记录超过 {COUNT_CAP} 条，按最新排列；请先缩小筛选范围再按列排序。"
        )),
    )
}

/// The total of a list: `inner` is its `SELECT 1 FROM … WHERE …` with every filter applied.
pub async fn count(store: &Store, inner: Sql) -> Result<(i64, bool)> {
    Ok(count_capped(&mut *store.conn().await?, inner, COUNT_CAP).await?)
}

/// One cell of an exported row.
pub enum Cell {
    Text(String),
    Number(f64),
    Empty,
}

impl From<String> for Cell {
    fn from(s: String) -> Self {
        Cell::Text(s)
    }
}
impl From<&str> for Cell {
    fn from(s: &str) -> Self {
        Cell::Text(s.to_string())
    }
}
impl From<Option<String>> for Cell {
    fn from(s: Option<String>) -> Self {
        s.map_or(Cell::Empty, Cell::Text)
    }
}
impl From<i64> for Cell {
    fn from(n: i64) -> Self {
        Cell::Number(n as f64)
    }
}
impl From<Option<i64>> for Cell {
    fn from(n: Option<i64>) -> Self {
        n.map_or(Cell::Empty, Into::into)
    }
}

/// An .xlsx workbook of one sheet written row by row in constant memory.
pub struct Workbook {
    book: rust_xlsxwriter::Workbook,
    rows: u32,
}

fn xl(e: rust_xlsxwriter::XlsxError) -> Error {
    Error::invalid("xlsx", e.to_string())
}

impl Workbook {
    pub fn new(sheet_name: &str, headers: &[&str]) -> Result<Workbook> {
        let mut book = rust_xlsxwriter::Workbook::new();
        let sheet = book.add_worksheet_with_constant_memory().map_err(xl)?;
        sheet.set_name(sheet_name).map_err(xl)?;
        for (c, h) in headers.iter().enumerate() {
            sheet.write_string(0, c as u16, *h).map_err(xl)?;
        }
        Ok(Workbook { book, rows: 0 })
    }

    pub fn row(&mut self, cells: Vec<Cell>) -> Result<()> {
        let sheet = self.book.worksheet_from_index(0).map_err(xl)?;
        let r = self.rows + 1;
        for (c, cell) in cells.into_iter().enumerate() {
            match cell {
                Cell::Text(t) => sheet.write_string(r, c as u16, t).map(|_| ()),
                Cell::Number(n) => sheet.write_number(r, c as u16, n).map(|_| ()),
                Cell::Empty => Ok(()),
            }
            .map_err(xl)?;
        }
        self.rows = r;
        Ok(())
    }

    pub fn rows(&self) -> usize {
        self.rows as usize
    }

    pub fn finish(mut self) -> Result<(Vec<u8>, usize)> {
        let rows = self.rows();
        Ok((self.book.save_to_buffer().map_err(xl)?, rows))
    }
}

/// Writes every page of a list into `book`, from its first row in the list's order, telling
/// `progress` the rows written after each page.
pub async fn export_pages<T, F, Fut>(
    order: &Sorted,
    mut page: F,
    book: &mut Workbook,
    row: impl Fn(&T) -> Vec<Cell>,
    progress: &(dyn Fn(usize) + Sync),
) -> Result<()>
where
    F: FnMut(Sorted) -> Fut,
    Fut: Future<Output = Result<Page<T, String>>>,
{
    let mut keys = order.first(EXPORT_BATCH);
    loop {
        let p = page(keys.clone()).await?;
        for item in &p.items {
            book.row(row(item))?;
        }
        progress(book.rows());
        match p.next {
            Some(next) => keys.after = fazhi_store::page::Cursor::decode(&next),
            None => return Ok(()),
        }
    }
}

/// The audit entry of an export: who took which rows out, under which filter.
pub async fn audit_export(
    store: &Store,
    actor: &Actor,
    object_type: &str,
    rows: usize,
    mut filter: Value,
) -> Result<()> {
    if let Value::Object(m) = &mut filter {
        m.insert("rows".into(), rows.into());
    }
    let mut tx = store.begin().await?;
    crate::audit::record(&mut tx, actor, "export", object_type, None, filter).await?;
    tx.commit().await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_reversed_or_malformed_range_is_refused_with_the_field() {
        let e = range(("from", Some("2024-05-01")), ("until", Some("2024-04-01"))).unwrap_err();
        assert!(matches!(e, Error::Invalid { field: "until", .. }));
        assert!(e.message_zh().contains("早于"));
        assert!(range(("from", Some("2024-13-01")), ("until", None)).is_err());
        assert_eq!(
            range(
                ("from", Some(" 2024-04-01 ")),
                ("until", Some("2024-04-01"))
            )
            .unwrap(),
            (Some("2024-04-01".into()), Some("2024-04-01".into()))
        );
    }

    #[test]
    fn a_sort_is_kept_only_while_the_rows_to_sort_are_few() {
        let cols = [fazhi_store::page::SortColumn {
            code: "filed_on",
            expr: "c.filed_on",
            numeric: false,
        }];
        let asked = Sorted::new(&cols, Some("filed_on"), Some("asc"), Some("7~"), None, None);
        let (kept, note) = affordable(asked.clone(), false);
        assert_eq!((kept.by, kept.desc, note), (asked.by, false, None));
        let (dropped, note) = affordable(asked, true);
        assert!(dropped.by.is_none() && dropped.desc);
        assert_eq!(dropped.after.map(|c| c.id), Some(7));
        assert!(note.is_some_and(|n| n.contains("超过 10000 条")));
    }

    #[test]
    fn like_takes_wildcards_literally() {
        assert_eq!(like("50%_a\\"), "%50\\%\\_a\\\\%");
    }
}
