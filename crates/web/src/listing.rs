//! What every list page shares: the query words, date range, sort, page size and cursors in the
//! URL; the column headers that sort; the links to the pages either side and to the export.
//! A list's own filters travel beside these in the same query string.

use fazhi_core::listing::Narrowing;
use fazhi_store::page::{Page, SortColumn, Sorted};
use serde::{Deserialize, Serialize};

use crate::view::{Field, Header};

/// The page sizes offered; anything else is the default.
const SIZES: [i64; 3] = [20, 50, 100];
const DEFAULT_SIZE: i64 = 50;

/// The common part of a list's query string.
#[derive(Clone, Debug, Default, Deserialize, Serialize)]
pub struct ListParams {
    /// Words to find in the list's text columns.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub q: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub from: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub until: Option<String>,
    /// A sort column's code; `dir` "asc" for ascending.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sort: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dir: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub size: Option<String>,
    #[serde(skip_serializing)]
    pub after: Option<String>,
    #[serde(skip_serializing)]
    pub before: Option<String>,
}

impl ListParams {
    pub fn size(&self) -> i64 {
        self.size
            .as_deref()
            .and_then(|s| s.parse().ok())
            .filter(|n| SIZES.contains(n))
            .unwrap_or(DEFAULT_SIZE)
    }

    pub fn order(&self, columns: &[SortColumn]) -> Sorted {
        Sorted::new(
            columns,
            self.sort.as_deref(),
            self.dir.as_deref(),
            self.after.as_deref(),
            self.before.as_deref(),
            Some(self.size()),
        )
    }

    /// The order the list can afford under its total (`listing::affordable`): the order, the
    /// parameters as applied (no sort when it was dropped, so the headers and pages say so)
    /// and the note for the page.
    pub fn afford(
        &self,
        columns: &[SortColumn],
        (_, more): (i64, bool),
    ) -> (Sorted, ListParams, Option<String>) {
        let (order, note) = fazhi_core::listing::affordable(self.order(columns), more);
        let mut shown = self.clone();
        if note.is_some() {
            shown.sort = None;
            shown.dir = None;
        }
        (order, shown, note)
    }

    pub fn narrowing(&self) -> Narrowing {
        Narrowing {
            text: self.q.clone(),
            from: self.from.clone(),
            until: self.until.clone(),
        }
    }

    /// The filter fields for words and a date range, labelled for this list.
    pub fn search_fields(&self, words: &'static str, dates: &str) -> Vec<Field> {
        vec![
            Field::text("q", words, self.q.clone().unwrap_or_default(), 100),
            Field::date(
                "from",
                format!("{dates}自"),
                self.from.clone().unwrap_or_default(),
            ),
            Field::date(
                "until",
                format!("{dates}至"),
                self.until.clone().unwrap_or_default(),
            ),
        ]
    }

    /// The page-size select.
    pub fn size_field(&self) -> Field {
        Field::select(
            "size",
            "每页",
            SIZES
                .iter()
                .map(|n| (n.to_string(), format!("{n} 条")))
                .collect(),
            &self.size().to_string(),
        )
    }

    /// What the filter form carries besides its fields: the sort, kept when filtering.
    pub fn hidden(&self) -> Vec<(&'static str, String)> {
        let mut h = Vec::new();
        if let Some(s) = &self.sort {
            h.push(("sort", s.clone()));
        }
        if let Some(d) = &self.dir {
            h.push(("dir", d.clone()));
        }
        h
    }
}

/// A list's URL state: its path and its full query string without cursors (the list's own
/// filters and the `ListParams`), serialized once.
pub struct ListUrl {
    pub path: String,
    /// The query string without `sort`, `dir` and cursors.
    unsorted: String,
    params: ListParams,
}

impl ListUrl {
    /// `filters` is the list's whole query (its own fields and, flattened, the `ListParams`).
    pub fn new(path: &str, filters: &impl Serialize, params: &ListParams) -> ListUrl {
        let all = serde_urlencoded::to_string(filters).unwrap_or_default();
        let unsorted = all
            .split('&')
            .filter(|kv| !kv.is_empty() && !kv.starts_with("sort=") && !kv.starts_with("dir="))
            .collect::<Vec<_>>()
            .join("&");
        ListUrl {
            path: path.to_string(),
            unsorted,
            params: params.clone(),
        }
    }

    fn with(&self, extra: &[(&str, &str)]) -> String {
        let mut q = self.unsorted.clone();
        for (k, v) in extra {
            if !q.is_empty() {
                q.push('&');
            }
            q.push_str(&serde_urlencoded::to_string([(k, v)]).unwrap_or_default());
        }
        if q.is_empty() {
            self.path.clone()
        } else {
            format!("{}?{q}", self.path)
        }
    }

    fn sort_pairs(&self) -> Vec<(&'static str, String)> {
        self.params.hidden()
    }

    /// The same list under the same filters and sort, at another path (the export).
    pub fn at(&self, path: &str) -> String {
        let pairs = self.sort_pairs();
        let extra: Vec<(&str, &str)> = pairs.iter().map(|(k, v)| (*k, v.as_str())).collect();
        ListUrl {
            path: path.to_string(),
            unsorted: self.unsorted.clone(),
            params: self.params.clone(),
        }
        .with(&extra)
    }

    /// The links to the pages either side of `page`.
    pub fn pager<T>(&self, page: &Page<T, String>) -> (Option<String>, Option<String>) {
        let pairs = self.sort_pairs();
        let link = |key: &str, cursor: &String| {
            let mut extra: Vec<(&str, &str)> =
                pairs.iter().map(|(k, v)| (*k, v.as_str())).collect();
            extra.push((key, cursor.as_str()));
            self.with(&extra)
        };
        (
            page.prev.as_ref().map(|c| link("before", c)),
            page.next.as_ref().map(|c| link("after", c)),
        )
    }

    /// Column headers: `(label, sort code)`; a sortable one links to the list sorted by it
    /// (descending first, then the other way) and says how the list is sorted now.
    pub fn headers(&self, columns: &[(&'static str, Option<&'static str>)]) -> Vec<Header> {
        columns
            .iter()
            .map(|(label, code)| {
                let Some(code) = code else {
                    return Header::from(*label);
                };
                let current = self.params.sort.as_deref() == Some(code);
                let asc_now = current && self.params.dir.as_deref() == Some("asc");
                let next_dir = if current && !asc_now { "asc" } else { "desc" };
                Header {
                    label,
                    href: Some(self.with(&[("sort", code), ("dir", next_dir)])),
                    sort: match (current, asc_now) {
                        (false, _) => "none",
                        (true, true) => "ascending",
                        (true, false) => "descending",
                    },
                }
            })
            .collect()
    }
}

/// A list query's result with a refused filter split off: the refusal becomes the message the
/// page shows above an empty list, its filters kept as typed (not a page of its own); anything
/// else stays an error.
pub fn filter_refusal<T>(
    r: fazhi_core::Result<T>,
) -> Result<Result<T, String>, crate::error::PageError> {
    use fazhi_core::Error;
    match r {
        Ok(v) => Ok(Ok(v)),
        Err(e @ (Error::Invalid { .. } | Error::Several(_))) => Ok(Err(e.message_zh())),
        Err(e) => Err(crate::error::PageError(e)),
    }
}

/// A list's total, or — its filter refused — none and the refusal (`filter_refusal`).
pub fn total_or_refusal(
    r: fazhi_core::Result<(i64, bool)>,
) -> Result<((i64, bool), Option<String>), crate::error::PageError> {
    Ok(match filter_refusal(r)? {
        Ok(total) => (total, None),
        Err(why) => ((0, false), Some(why)),
    })
}

/// The page of a list whose filter was refused.
pub fn no_rows<T>() -> Page<T, String> {
    Page {
        items: Vec::new(),
        next: None,
        prev: None,
    }
}

/// 200, or 422 when the filter was refused.
pub fn status(refused: &Option<String>) -> axum::http::StatusCode {
    if refused.is_some() {
        axum::http::StatusCode::UNPROCESSABLE_ENTITY
    } else {
        axum::http::StatusCode::OK
    }
}

/// "N 件" or "超过 N 件" for a capped total.
pub fn total_text((n, more): (i64, bool), unit: &str) -> String {
    if more {
        format!("超过 {n} {unit}")
    } else {
        format!("{n} {unit}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Serialize)]
    struct Q {
        state: Option<String>,
        #[serde(flatten)]
        list: ListParams,
    }

    #[test]
    fn sort_links_keep_the_filters_and_turn_the_order_round() {
        let params = ListParams {
            q: Some("油烟 a&b".into()),
            sort: Some("issued_on".into()),
            dir: Some("desc".into()),
            after: Some("5~2024-01-01".into()),
            ..Default::default()
        };
        let q = Q {
            state: Some("open".into()),
            list: params.clone(),
        };
        let url = ListUrl::new("/x", &q, &params);
        let h = url.headers(&[("日期", Some("issued_on")), ("名称", None)]);
        assert_eq!(h[0].sort, "descending");
        let href = h[0].href.clone().unwrap();
        assert!(
            href.contains("state=open") && href.contains("dir=asc"),
            "{href}"
        );
        assert!(href.contains("q=%E6%B2%B9%E7%83%9F+a%26b"), "{href}");
        assert!(
            !href.contains("after="),
            "a new sort starts at the first page: {href}"
        );
        assert!(h[1].href.is_none());
        let page: Page<(), String> = Page {
            items: vec![],
            next: Some("9~2023-12-31".into()),
            prev: None,
        };
        let (prev, next) = url.pager(&page);
        assert!(prev.is_none());
        let next = next.unwrap();
        assert!(next.contains("sort=issued_on") && next.contains("after=9%7E2023-12-31"));
    }
}
