//! Keyset pagination: pages are "the next N after this key", never OFFSET, so page 1,000 costs
//! what page 1 costs and rows inserted meanwhile do not shift what the reader sees.

use serde::Serialize;

use crate::Sql;

pub const DEFAULT_LIMIT: i64 = 50;
pub const MAX_LIMIT: i64 = 500;

/// Where a page starts: after the row with id `after` in descending id order (newest first).
#[derive(Clone, Copy, Debug, Default)]
pub struct Keyset {
    pub after: Option<i64>,
    pub limit: i64,
}

#[derive(Clone, Debug, Serialize)]
pub struct Page<T> {
    pub items: Vec<T>,
    /// The key to ask for the next page with, when there is one.
    pub next: Option<i64>,
}

impl Keyset {
    pub fn new(after: Option<i64>, limit: Option<i64>) -> Keyset {
        Keyset {
            after,
            limit: limit.unwrap_or(DEFAULT_LIMIT).clamp(1, MAX_LIMIT),
        }
    }

    /// Adds `AND <column> < $after ORDER BY <column> DESC LIMIT n+1` to a query whose WHERE
    /// clause is already open. One extra row tells whether another page follows.
    pub fn apply(&self, sql: &mut Sql, column: &str) {
        if let Some(after) = self.after {
            sql.push(" AND ").push(column).push(" < ").bind(after);
        }
        sql.push(" ORDER BY ")
            .push(column)
            .push(" DESC LIMIT ")
            .push(&(self.limit + 1).to_string());
    }

    /// Cuts the extra row and computes the next key.
    pub fn finish<T>(&self, mut items: Vec<T>, key: impl Fn(&T) -> i64) -> Page<T> {
        let limit = usize::try_from(self.limit).unwrap_or(usize::MAX);
        let next = if items.len() > limit {
            items.truncate(limit);
            items.last().map(&key)
        } else {
            None
        };
        Page { items, next }
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
}
