use thiserror::Error;

#[derive(Debug, Error)]
pub enum StoreError {
    #[error("database error: {0}")]
    Db(#[from] sqlx::Error),
    #[error("{what} {id} was changed by someone else")]
    Conflict { what: &'static str, id: i64 },
    #[error("migration {version} failed: {message}")]
    Migration { version: i64, message: String },
    #[error("invalid database url: {0}")]
    Url(String),
    #[error("cannot prepare the data directory {path}: {source}")]
    DataDir {
        path: String,
        source: std::io::Error,
    },
    #[error("stored data is malformed: {0}")]
    Malformed(String),
    #[error("a bulk write's statement builder failed: {0}")]
    Task(String),
}

impl StoreError {
    /// True when the database rejected a write for a uniqueness constraint, which callers turn
    /// into a user-facing "already exists" rather than an internal error.
    pub fn is_unique_violation(&self) -> bool {
        match self {
            StoreError::Db(sqlx::Error::Database(e)) => {
                e.is_unique_violation() || e.message().contains("UNIQUE constraint failed")
            }
            _ => false,
        }
    }

    /// True when the database could not be had in the time allowed: SQLite's busy or locked
    /// (another writer past the busy timeout), or no pooled connection free in time.
    pub fn is_busy(&self) -> bool {
        match self {
            StoreError::Db(sqlx::Error::PoolTimedOut) => true,
            StoreError::Db(sqlx::Error::Database(e)) => {
                matches!(e.code().as_deref(), Some("5" | "6" | "517" | "261" | "262"))
                    || e.message().contains("database is locked")
                    || e.message().contains("database is busy")
            }
            _ => false,
        }
    }

    pub fn is_foreign_key_violation(&self) -> bool {
        match self {
            StoreError::Db(sqlx::Error::Database(e)) => {
                e.is_foreign_key_violation()
                    || e.message().contains("FOREIGN KEY constraint failed")
            }
            _ => false,
        }
    }
}
