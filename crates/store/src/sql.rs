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
impl<T: Into<Arg>> From<Option<T>> for Arg {
    fn from(v: Option<T>) -> Self {
        v.map_or(Arg::Null, Into::into)
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

    fn query(&self) -> Query<'static, Any, AnyArguments> {
        let mut q = sqlx::query(AssertSqlSafe(self.text.clone()));
        for arg in &self.args {
            q = match arg {
                Arg::Int(v) => q.bind(*v),
                Arg::Text(v) => q.bind(v.clone()),
                Arg::Null => q.bind(Option::<String>::None),
            };
        }
        q
    }

    pub async fn fetch_all(&self, conn: &mut AnyConnection) -> Result<Vec<DbRow>> {
        Ok(self.query().fetch_all(conn).await?)
    }

    pub async fn fetch_optional(&self, conn: &mut AnyConnection) -> Result<Option<DbRow>> {
        Ok(self.query().fetch_optional(conn).await?)
    }

    pub async fn execute(&self, conn: &mut AnyConnection) -> Result<u64> {
        Ok(self.query().execute(conn).await?.rows_affected())
    }
}

#[cfg(test)]
mod tests {
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
