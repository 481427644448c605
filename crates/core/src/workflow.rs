//! What every workflow record's steps share (reconsideration, litigation, disputes): the checks
//! of a step's text and date, a date column read back, and a change's columns as the audit
//! entry records them.

use chrono::NaiveDate;
use fazhi_store::{Arg, Row};

use crate::{Error, Result};

/// A step's text, trimmed: required, at most `max` characters.
pub fn text(field: &'static str, value: &str, what: &str, max: usize) -> Result<String> {
    let v = value.trim();
    let n = v.chars().count();
    if n == 0 {
        return Err(Error::invalid(field, format!("请填写{what}。")));
    }
    if n > max {
        return Err(Error::invalid(
            field,
            format!("{what}不超过 {max} 字，现为 {n} 字。"),
        ));
    }
    Ok(v.to_string())
}

/// A step's date: not after today, nor before any of the record's earlier days (named).
pub fn dated(on: NaiveDate, today: NaiveDate, after: &[(Option<NaiveDate>, &str)]) -> Result<()> {
    if on > today {
        return Err(Error::invalid("on", format!("日期 {on} 在今天之后。")));
    }
    for (day, what) in after {
        if let Some(d) = day
            && on < *d
        {
            return Err(Error::invalid(
                "on",
                format!("日期 {on} 早于{what}（{d}）。"),
            ));
        }
    }
    Ok(())
}

/// A date column (YYYY-MM-DD text) read back; a value that does not read is a malformed row.
pub fn day(row: &sqlx::any::AnyRow, column: &str) -> Result<Option<NaiveDate>> {
    let v: Option<String> = row.try_get(column)?;
    v.map(|s| {
        fazhi_kernel::date::parse(&s).ok_or_else(|| Error::malformed(format!("{column} {s}")))
    })
    .transpose()
}

pub fn required_day(row: &sqlx::any::AnyRow, column: &str) -> Result<NaiveDate> {
    day(row, column)?.ok_or_else(|| Error::malformed(column.to_string()))
}

/// A change's columns as the audit entry's detail records them.
pub fn fields_json(fields: &[(&'static str, Arg)]) -> serde_json::Value {
    fields
        .iter()
        .map(|(c, v)| {
            let value = match v {
                Arg::Int(n) => serde_json::json!(n),
                Arg::Text(t) => serde_json::json!(t),
                Arg::Null | Arg::NullInt => serde_json::Value::Null,
            };
            (c.to_string(), value)
        })
        .collect::<serde_json::Map<_, _>>()
        .into()
}
