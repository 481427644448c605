//! Keyset pagination: pages are "the next N after this key", never OFFSET, so page 1,000 costs
//! what page 1 costs and rows inserted meanwhile do not shift what the reader sees.

use serde::Serialize;

use crate::Sql;

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
pub struct Page<T> {
    pub items: Vec<T>,
    /// The key to ask for the next page with (`after`), when there is one.
    pub next: Option<i64>,
    /// The key to ask for the previous page with (`before`), when this is not the first.
    pub prev: Option<i64>,
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
