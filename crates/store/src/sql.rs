//! Dynamic SQL with numbered placeholders (`$1`, `$2`, …), which both SQLite and PostgreSQL
//! accept. sqlx's `QueryBuilder` writes `?` for the Any driver, which PostgreSQL rejects.

use sqlx::AnyConnection;
use sqlx::any::AnyArguments;
use sqlx::query::Query;
use sqlx::{Any, AssertSqlSafe};

use crate::{DbRow, Result};

#[derive(Clone, Debug, PartialEq)]
pub enum Arg {
    Int(i64),
    Text(String),
    Null,
    NullInt,
}

impl From<i64> for Arg {
    fn from(v: i64) -> Self {
        Arg::Int(v)
    }
}
impl From<&str> for Arg {
    fn from(v: &str) -> Self {
        Arg::Text(v.to_string())
    }
}
impl From<String> for Arg {
    fn from(v: String) -> Self {
        Arg::Text(v)
    }
}
impl From<Option<String>> for Arg {
    fn from(v: Option<String>) -> Self {
        v.map_or(Arg::Null, Arg::Text)
    }
}
impl From<Option<&str>> for Arg {
    fn from(v: Option<&str>) -> Self {
        v.map_or(Arg::Null, Into::into)
    }
}
/// A missing number is a NULL typed as a number: PostgreSQL will not put a text NULL into a
/// BIGINT column of a multi-row VALUES list.
impl From<Option<i64>> for Arg {
    fn from(v: Option<i64>) -> Self {
        v.map_or(Arg::NullInt, Arg::Int)
    }
}

#[derive(Clone, Debug, Default)]
pub struct Sql {
    text: String,
    args: Vec<Arg>,
}

impl Sql {
    pub fn new(text: &str) -> Sql {
        Sql {
            text: text.to_string(),
            args: Vec::new(),
        }
    }

    pub fn push(&mut self, text: &str) -> &mut Self {
        self.text.push_str(text);
        self
    }

    /// Appends a placeholder for `value`.
    pub fn bind(&mut self, value: impl Into<Arg>) -> &mut Self {
        self.args.push(value.into());
        self.text.push('$');
        self.text.push_str(&self.args.len().to_string());
        self
    }

    /// Appends one placeholder per value, separated by commas (the inside of an `IN (…)`).
    pub fn bind_list<T: Into<Arg>>(&mut self, values: impl IntoIterator<Item = T>) -> &mut Self {
        for (n, v) in values.into_iter().enumerate() {
            if n > 0 {
                self.text.push_str(", ");
            }
            self.bind(v);
        }
        self
    }

    /// Appends another fragment, renumbering its placeholders after ours.
    pub fn append(&mut self, other: Sql) -> &mut Self {
        let offset = self.args.len();
        let mut rest = other.text.as_str();
        while let Some(pos) = rest.find('$') {
            self.text.push_str(&rest[..pos]);
            let digits: String = rest[pos + 1..]
                .chars()
                .take_while(char::is_ascii_digit)
                .collect();
            if let Ok(n) = digits.parse::<usize>() {
                self.text.push('$');
                self.text.push_str(&(n + offset).to_string());
            } else {
                self.text.push('$');
            }
            rest = &rest[pos + 1 + digits.len()..];
        }
        self.text.push_str(rest);
        self.args.extend(other.args);
        self
    }

    pub fn text(&self) -> &str {
        &self.text
    }

    fn query(&self, conn: &AnyConnection) -> Query<'static, Any, AnyArguments> {
        self.clone().into_query(conn.backend_name() == "SQLite")
    }

    /// The statement ready to run, its arguments moved rather than copied (bulk writes bind
    /// thousands of them).
    pub(crate) fn into_query(self, sqlite: bool) -> Query<'static, Any, AnyArguments> {
        let text = match sqlite {
            true => positional(&self.text).unwrap_or(self.text),
            false => self.text,
        };
        let mut q = sqlx::query(AssertSqlSafe(text));
        for arg in self.args {
            q = match arg {
                Arg::Int(v) => q.bind(v),
                Arg::Text(v) => q.bind(v),
                Arg::Null => q.bind(Option::<String>::None),
                Arg::NullInt => q.bind(Option::<i64>::None),
            };
        }
        q
    }

    pub async fn fetch_all(&self, conn: &mut AnyConnection) -> Result<Vec<DbRow>> {
        Ok(self.query(conn).fetch_all(conn).await?)
    }

    pub async fn fetch_optional(&self, conn: &mut AnyConnection) -> Result<Option<DbRow>> {
        Ok(self.query(conn).fetch_optional(conn).await?)
    }

    pub async fn execute(&self, conn: &mut AnyConnection) -> Result<u64> {
        Ok(self.query(conn).execute(conn).await?.rows_affected())
    }
}

/// `$1 … $n` in order → `?`; None when they are not in order (a number reused or skipped).
/// SQLite resolves a named parameter (`$7`) by a linear search, so a statement with many of them
/// costs quadratically to bind; when the placeholders run `$1, $2, …` in order, as `bind` writes
/// them, SQLite gets anonymous `?` instead.
fn positional(text: &str) -> Option<String> {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    let mut expected = 1usize;
    while let Some(pos) = rest.find('$') {
        let digits = rest[pos + 1..]
            .bytes()
            .take_while(u8::is_ascii_digit)
            .count();
        match rest[pos + 1..pos + 1 + digits].parse::<usize>() {
            Ok(n) if n == expected => {
                out.push_str(&rest[..pos]);
                out.push('?');
                expected += 1;
            }
            Ok(_) => return None,
            Err(_) => out.push_str(&rest[..=pos]),
        }
        rest = &rest[pos + 1 + digits..];
    }
    out.push_str(rest);
    Some(out)
}

#[cfg(test)]
mod tests {
    #[test]
    fn placeholders_in_order_become_anonymous() {
        assert_eq!(
            super::positional("a = $1 AND b IN ($2, $3) AND c = '$'").as_deref(),
            Some("a = ? AND b IN (?, ?) AND c = '$'")
        );
        assert_eq!(super::positional("a = $1 OR b = $1"), None);
        assert_eq!(super::positional("a = $2"), None);
    }

    use super::*;

    #[test]
    fn append_renumbers_placeholders() {
        let mut a = Sql::new("SELECT * FROM t WHERE a = ");
        a.bind(1);
        let mut b = Sql::new("b = ");
        b.bind("x").push(" AND c = ").bind(3);
        a.push(" AND ").append(b);
        assert_eq!(
            a.text(),
            "SELECT * FROM t WHERE a = $1 AND b = $2 AND c = $3"
        );
        assert_eq!(a.args.len(), 3);
        assert_eq!(a.args[1], Arg::Text("x".into()));
    }
}
