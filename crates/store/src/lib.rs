//! The store: one connection type over SQLite and PostgreSQL, migrations, transactions, the
//! audit chain, the background-job queue and the shared query helpers (dynamic SQL, keyset
//! pages, optimistic concurrency, data scopes).
//!
//! Architecture invariant: every difference between SQLite and PostgreSQL lives in this crate;
//! the store knows no domain.

pub mod audit;
mod db;
mod error;
pub mod jobs;
pub mod migrate;
pub mod page;
pub mod scope;
mod sql;
mod sqlite_memory;

pub use db::{Backend, Store, Tx};
pub use error::StoreError;
pub use scope::{DataScope, Scope};
pub use sql::{Arg, Sql};
pub use sqlx::Row;

/// The row type every query returns.
pub type DbRow = sqlx::any::AnyRow;

pub type Result<T, E = StoreError> = std::result::Result<T, E>;

/// Milliseconds since the Unix epoch: the one representation of an instant in the database.
pub fn now_ms() -> i64 {
    chrono::Utc::now().timestamp_millis()
}

/// SM3 digest of `bytes` as lower-case hex.
pub fn sm3_hex(bytes: &[u8]) -> String {
    use sm3::Digest;
    hex::encode(sm3::Sm3::digest(bytes))
}

/// Flags are stored as 0/1 because SQLite hands every integer back as a 64-bit number.
pub fn flag(value: i64) -> bool {
    value != 0
}

/// Checks the outcome of an `UPDATE … WHERE id = $ AND version = $`: zero rows means somebody
/// else saved the record first (or it is gone), which must never pass silently.
pub fn expect_one_row(rows_affected: u64, what: &'static str, id: i64) -> Result<()> {
    if rows_affected == 1 {
        Ok(())
    } else {
        Err(StoreError::Conflict { what, id })
    }
}
