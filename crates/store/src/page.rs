//! Keyset pagination: pages are "the next N after this key", never OFFSET, so page 1,000 costs
//! what page 1 costs and rows inserted meanwhile do not shift what the reader sees.

use serde::Serialize;
use sqlx::Row;

use crate::{DbRow, Sql};

pub const DEFAULT_LIMIT: i64 = 50;
pub const MAX_LIMIT: i64 = 500;

/// Where a page starts: after the row with id `after` in descending id order (newest first),
/// or — going back — just before the row with id `before`.
#[derive(Clone, Copy, Debug, Default)]
pub struct Keyset {
    pub after: Option<i64>,
    pub before: Option<i64>,
    pub limit: i64,
}

#[derive(Clone, Debug, Serialize)]
pub struct Page<T, K = i64> {
    pub items: Vec<T>,
    /// The key to ask for the next page with (`after`), when there is one.
    pub next: Option<K>,
    /// The key to ask for the previous page with (`before`), when this is not the first.
    pub prev: Option<K>,
}

impl Keyset {
    pub fn new(after: Option<i64>, limit: Option<i64>) -> Keyset {
        Keyset {
            after,
            before: None,
            limit: limit.unwrap_or(DEFAULT_LIMIT).clamp(1, MAX_LIMIT),
        }
    }

    /// The page before the row with id `before` (`after` is ignored then).
    pub fn back(self, before: Option<i64>) -> Keyset {
        Keyset { before, ..self }
    }

    /// Adds `AND <column> < $after ORDER BY <column> DESC LIMIT n+1` to a query whose WHERE
    /// clause is already open (going back: `> $before … ASC`). One extra row tells whether
    /// another page follows.
    pub fn apply(&self, sql: &mut Sql, column: &str) {
        let order = match (self.before, self.after) {
            (Some(before), _) => {
                sql.push(" AND ").push(column).push(" > ").bind(before);
                " ASC"
            }
            (None, Some(after)) => {
                sql.push(" AND ").push(column).push(" < ").bind(after);
                " DESC"
            }
            (None, None) => " DESC",
        };
        sql.push(" ORDER BY ")
            .push(column)
            .push(order)
            .push(" LIMIT ")
            .push(&(self.limit + 1).to_string());
    }

    /// Cuts the extra row and computes the keys of the pages either side.
    pub fn finish<T>(&self, mut items: Vec<T>, key: impl Fn(&T) -> i64) -> Page<T> {
        let limit = usize::try_from(self.limit).unwrap_or(usize::MAX);
        let more = items.len() > limit;
        items.truncate(limit);
        if self.before.is_some() {
            // Read oldest first going back; shown newest first like every page.
            items.reverse();
            return Page {
                next: items.last().map(&key),
                prev: if more { items.first().map(&key) } else { None },
                items,
            };
        }
        Page {
            next: if more { items.last().map(&key) } else { None },
            prev: self.after.and(items.first().map(&key)),
            items,
        }
    }
}

/// A column a list may be sorted by: the code a URL names it by and its SQL expression. The
/// expression must never be NULL (COALESCE it): a NULL compares as unknown and its rows would
/// fall out of every page.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SortColumn {
    pub code: &'static str,
    pub expr: &'static str,
    /// Compared as a number (bound as an integer), else as text.
    pub numeric: bool,
}

/// Where a sorted page starts: the (sort value, id) of the row it follows. In a URL as
/// `id~value`; the id goes first so the value may hold any character.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Cursor {
    pub id: i64,
    pub value: String,
}

impl Cursor {
    pub fn encode(&self) -> String {
        format!("{}~{}", self.id, self.value)
    }

    /// `None` for text that is not a cursor: the list then starts at its first page.
    pub fn decode(text: &str) -> Option<Cursor> {
        let (id, value) = text.split_once('~')?;
        Some(Cursor {
            id: id.parse().ok()?,
            value: value.to_string(),
        })
    }
}

/// Keyset pages in any sort order: the next N after a (sort value, id) pair, so sorting by a
/// column costs what sorting by id costs and page 1,000 costs what page 1 costs. Ties in the
/// sort column are broken by id, in the same direction.
#[derive(Clone, Debug)]
pub struct Sorted {
    /// `None`: by id (newest first unless `desc` is false).
    pub by: Option<SortColumn>,
    pub desc: bool,
    pub after: Option<Cursor>,
    pub before: Option<Cursor>,
    pub limit: i64,
}

impl Sorted {
    /// From a list's query string: `sort` among `columns` (anything else: by id), `dir` "asc"
    /// or descending, the cursors, and the page size (clamped like `Keyset`).
    pub fn new(
        columns: &[SortColumn],
        sort: Option<&str>,
        dir: Option<&str>,
        after: Option<&str>,
        before: Option<&str>,
        limit: Option<i64>,
    ) -> Sorted {
        Sorted {
            by: sort.and_then(|code| columns.iter().find(|c| c.code == code).copied()),
            desc: dir != Some("asc"),
            after: after.and_then(Cursor::decode),
            before: before.and_then(Cursor::decode),
            limit: limit.unwrap_or(DEFAULT_LIMIT).clamp(1, MAX_LIMIT),
        }
    }

    /// The same order from its first row: an export reads every page of it.
    pub fn first(&self, limit: i64) -> Sorted {
        Sorted {
            after: None,
            before: None,
            limit,
            ..self.clone()
        }
    }

    /// `, <expr> AS sort_key` for the SELECT list: `finish` reads each row's cursor from it.
    pub fn key_column(&self) -> String {
        match self.by {
            Some(c) => format!(", {} AS sort_key", c.expr),
            None => String::new(),
        }
    }

    /// Adds the cursor's condition, `ORDER BY <expr>, <id>` and `LIMIT n+1` to a query whose
    /// WHERE clause is open. Going back reads the other way and `finish` turns the rows round.
    pub fn apply(&self, sql: &mut Sql, id: &str) {
        let cursor = self.before.as_ref().or(self.after.as_ref());
        let smaller = self.reads_smaller();
        if let Some(c) = cursor {
            let op = if smaller { " < " } else { " > " };
            match self.by {
                Some(col) => {
                    sql.push(" AND (")
                        .push(col.expr)
                        .push(", ")
                        .push(id)
                        .push(")");
                    sql.push(op).push("(");
                    if col.numeric {
                        sql.bind(c.value.parse::<i64>().unwrap_or(0));
                    } else {
                        sql.bind(c.value.clone());
                    }
                    sql.push(", ").bind(c.id).push(")");
                }
                None => {
                    sql.push(" AND ").push(id).push(op).bind(c.id);
                }
            }
        }
        sql.push(&self.order_by(self.by.map(|c| c.expr), id))
            .push(" LIMIT ")
            .push(&(self.limit + 1).to_string());
    }

    /// Descending and forward read smaller keys; either one flipped (ascending, or going back)
    /// reads larger ones.
    fn reads_smaller(&self) -> bool {
        let forward = self.before.is_none();
        self.desc == forward
    }

    /// ` ORDER BY <key>, <id>` in the order `apply` reads: for a query around an inner one
    /// that `apply` limited (the inner picks the page's rows; the outer adds the columns that
    /// cost per row), ordering by the inner's `sort_key` and id.
    pub fn order_by(&self, key: Option<&str>, id: &str) -> String {
        let dir = if self.reads_smaller() {
            " DESC"
        } else {
            " ASC"
        };
        match (self.by, key) {
            (Some(_), Some(key)) => format!(" ORDER BY {key}{dir}, {id}{dir}"),
            _ => format!(" ORDER BY {id}{dir}"),
        }
    }

    /// The page from the rows `apply`'s query returned (with `key_column` and an `id` column):
    /// the extra row cut, rows mapped, and the cursors of the pages either side.
    pub fn finish<T, E: From<crate::StoreError>>(
        &self,
        rows: Vec<DbRow>,
        map: impl Fn(&DbRow) -> std::result::Result<T, E>,
    ) -> std::result::Result<Page<T, String>, E> {
        let limit = usize::try_from(self.limit).unwrap_or(usize::MAX);
        let more = rows.len() > limit;
        let mut keyed = Vec::with_capacity(rows.len().min(limit));
        for row in rows.iter().take(limit) {
            let id: i64 = row.try_get("id").map_err(crate::StoreError::from)?;
            let value = match self.by {
                Some(c) if c.numeric => row
                    .try_get::<Option<i64>, _>("sort_key")
                    .map_err(crate::StoreError::from)?
                    .unwrap_or(0)
                    .to_string(),
                Some(_) => row
                    .try_get::<Option<String>, _>("sort_key")
                    .map_err(crate::StoreError::from)?
                    .unwrap_or_default(),
                None => String::new(),
            };
            keyed.push((map(row)?, Cursor { id, value }.encode()));
        }
        let back = self.before.is_some();
        if back {
            keyed.reverse();
        }
        let first = keyed.first().map(|(_, k)| k.clone());
        let last = keyed.last().map(|(_, k)| k.clone());
        let (next, prev) = if back {
            (last, if more { first } else { None })
        } else {
            (
                if more { last } else { None },
                self.after.as_ref().and(first),
            )
        };
        Ok(Page {
            items: keyed.into_iter().map(|(t, _)| t).collect(),
            next,
            prev,
        })
    }
}

/// A list paged by id (the API's `after`/`before` numbers) read through the sorted list.
impl From<Keyset> for Sorted {
    fn from(k: Keyset) -> Sorted {
        let at = |id: i64| Cursor {
            id,
            value: String::new(),
        };
        Sorted {
            by: None,
            desc: true,
            after: k.after.map(at),
            before: k.before.map(at),
            limit: k.limit,
        }
    }
}

impl<T> Page<T, String> {
    /// The page with its cursors as bare ids, for a list read `From<Keyset>`.
    pub fn ids(self) -> Page<T> {
        let id = |k: Option<String>| k.as_deref().and_then(Cursor::decode).map(|c| c.id);
        Page {
            items: self.items,
            next: id(self.next),
            prev: id(self.prev),
        }
    }
}

/// How many rows the query `inner` (a `SELECT 1 FROM … WHERE …`) yields, counted up to `cap`:
/// a list's total costs at most `cap` rows however large the table; `true` when there are more.
pub async fn count_capped(
    conn: &mut sqlx::AnyConnection,
    mut inner: Sql,
    cap: i64,
) -> crate::Result<(i64, bool)> {
    let mut sql = Sql::new("SELECT COUNT(*) AS n FROM (");
    inner.push(" LIMIT ").push(&(cap + 1).to_string());
    sql.append(inner).push(") t");
    let n: i64 = match sql.fetch_optional(conn).await? {
        Some(row) => row.try_get("n").map_err(crate::StoreError::from)?,
        None => 0,
    };
    Ok((n.min(cap), n > cap))
}

/// A list shown whole up to `cap` rows (a desk, a register's conflicts): never cut silently —
/// `more` says rows were left out and the page says so (`note_zh`).
#[derive(Clone, Debug, Serialize)]
pub struct Capped<T> {
    pub items: Vec<T>,
    pub more: bool,
    pub cap: usize,
}

impl<T> Default for Capped<T> {
    fn default() -> Self {
        Capped {
            items: Vec::new(),
            more: false,
            cap: 0,
        }
    }
}

impl<T> Capped<T> {
    /// `LIMIT cap + 1`, for the query: one row more tells whether any were left out.
    pub fn limit_sql(cap: usize) -> String {
        format!(" LIMIT {}", cap + 1)
    }

    /// The rows a `limit_sql(cap)` query returned, the extra one cut.
    pub fn new(mut items: Vec<T>, cap: usize) -> Capped<T> {
        let more = items.len() > cap;
        items.truncate(cap);
        Capped { items, more, cap }
    }

    /// What the page says when rows were left out.
    pub fn note_zh(&self) -> Option<String> {
        self.more.then(|| {
            format!(
                "仅列出前 {} 条，其余未显示；请缩小筛选范围或导出后查看全部。",
                self.cap
            )
        })
    }

    pub fn map<U>(self, f: impl FnMut(T) -> U) -> Capped<U> {
        Capped {
            items: self.items.into_iter().map(f).collect(),
            more: self.more,
            cap: self.cap,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_capped_list_says_when_rows_were_left_out() {
        let full = Capped::new(vec![1, 2, 3], 2);
        assert_eq!((full.items.clone(), full.more), (vec![1, 2], true));
        assert!(full.note_zh().is_some_and(|n| n.contains("前 2 条")));
        let whole = Capped::new(vec![1, 2], 2);
        assert!(!whole.more && whole.note_zh().is_none());
        assert_eq!(Capped::<()>::limit_sql(200), " LIMIT 201");
    }

    #[test]
    fn finish_reports_next_key_only_when_more_rows_exist() {
        let k = Keyset::new(None, Some(2));
        assert_eq!(k.finish(vec![9, 8, 7], |x| *x).next, Some(8));
        assert_eq!(k.finish(vec![9, 8], |x| *x).next, None);
        assert_eq!(Keyset::new(None, Some(100_000)).limit, MAX_LIMIT);
        assert_eq!(Keyset::new(None, Some(-3)).limit, 1);
    }

    #[test]
    fn going_back_reads_the_rows_after_the_key_and_shows_them_newest_first() {
        // Ids 10…1, pages of 3: page 2 is 7 6 5; back from it (before 7) is 10 9 8.
        let k = Keyset::new(Some(8), Some(3));
        let page = k.finish(vec![7, 6, 5, 4], |x| *x);
        assert_eq!(
            (page.items, page.next, page.prev),
            (vec![7, 6, 5], Some(5), Some(7))
        );
        let back = Keyset::new(None, Some(3)).back(Some(7));
        let page = back.finish(vec![8, 9, 10], |x| *x);
        assert_eq!(
            (page.items, page.next, page.prev),
            (vec![10, 9, 8], Some(8), None)
        );
        let back = Keyset::new(None, Some(2)).back(Some(7));
        let page = back.finish(vec![8, 9, 10], |x| *x);
        assert_eq!((page.items, page.prev), (vec![9, 8], Some(9)));
        let mut sql = Sql::new("SELECT id FROM t WHERE 1 = 1");
        back.apply(&mut sql, "id");
        assert!(
            sql.text().ends_with("AND id > $1 ORDER BY id ASC LIMIT 3"),
            "{}",
            sql.text()
        );
    }
}
