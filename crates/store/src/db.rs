use std::path::Path;
use std::time::Duration;

use sqlx::AnyConnection;
use sqlx::any::AnyPoolOptions;
use sqlx::{Any, AnyPool, AssertSqlSafe, Executor};

use crate::{Result, Sql, StoreError};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// A handle on the database, cheap to clone.
#[derive(Clone, Debug)]
pub struct Store {
    pool: AnyPool,
    backend: Backend,
}

/// A transaction. SQLite transactions start with `BEGIN IMMEDIATE`, so two writers queue on the
/// busy timeout instead of failing when a read lock would have to be upgraded.
pub struct Tx {
    inner: sqlx::Transaction<'static, Any>,
    backend: Backend,
}

impl Tx {
    pub fn conn(&mut self) -> &mut AnyConnection {
        &mut self.inner
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// Serialises this transaction against every other that takes the same lock, until commit.
    /// SQLite needs nothing: `BEGIN IMMEDIATE` already admits one writer at a time.
    pub async fn lock(&mut self, key: i64) -> Result<()> {
        if self.backend == Backend::Postgres {
            sqlx::query("SELECT pg_advisory_xact_lock($1)")
                .bind(key)
                .execute(self.conn())
                .await?;
        }
        Ok(())
    }

    /// The workflow primitive's first half: the row `id` of `table` locked for this transaction
    /// (PostgreSQL `SELECT … FOR UPDATE`; SQLite's `BEGIN IMMEDIATE` already admits one writer)
    /// and its `version`, read before the next step is worked out — so two requests for the
    /// same step cannot both see the record as it was. `None` when there is no such row.
    /// `table` is a name from the code, never input.
    pub async fn lock_row(&mut self, table: &'static str, id: i64) -> Result<Option<i64>> {
        let lock = match self.backend {
            Backend::Postgres => " FOR UPDATE",
            Backend::Sqlite => "",
        };
        let sql = format!("SELECT version FROM {table} WHERE id = $1{lock}");
        Ok(sqlx::query_scalar(sqlx::AssertSqlSafe(sql))
            .bind(id)
            .fetch_optional(self.conn())
            .await?)
    }

    /// The second half: the row's `version` moved on from `expected`, or `Conflict` (HTTP 409)
    /// when someone else moved it first. Every state change of a workflow record ends here, in
    /// the transaction that wrote the change.
    pub async fn bump_version(
        &mut self,
        table: &'static str,
        id: i64,
        expected: i64,
    ) -> Result<()> {
        self.versioned_update(table, id, expected, Vec::new()).await
    }

    /// A workflow record's change in one statement: `fields` set, `version` moved on from
    /// `expected` and `updated_at` stamped — or nothing written and `Conflict` when the row is
    /// no longer at `expected`. Column names are the caller's constants, never input.
    pub async fn versioned_update(
        &mut self,
        table: &'static str,
        id: i64,
        expected: i64,
        fields: Vec<(&'static str, crate::Arg)>,
    ) -> Result<()> {
        let mut sql = crate::Sql::new(&format!("UPDATE {table} SET "));
        for (column, value) in fields {
            sql.push(column).push(" = ").bind(value).push(", ");
        }
        sql.push("version = version + 1, updated_at = ")
            .bind(crate::now_ms())
            .push(" WHERE id = ")
            .bind(id)
            .push(" AND version = ")
            .bind(expected);
        let rows = sql.execute(self.conn()).await?;
        crate::expect_one_row(rows, table, id)
    }

    /// Readies this transaction for a bulk write whose every reference the caller has already
    /// checked. SQLite: 256 MiB of page cache on this connection instead of 2 (a batch touches
    /// index pages all over; a million parties' identifier indexes alone outgrow 64 MiB).
    /// PostgreSQL, when the role may: no per-row foreign-key triggers until commit
    /// (`session_replication_role = replica`, as `pg_restore --disable-triggers` does) — they
    /// took a third of a million-case import. Safe only because fazhi never deletes the rows
    /// such a batch refers to (departments, regions) and the rest are written in the same
    /// transaction.
    pub async fn bulk(&mut self) -> Result<()> {
        match self.backend {
            Backend::Sqlite => {
                sqlx::query("PRAGMA cache_size = -262144")
                    .execute(self.conn())
                    .await?;
            }
            Backend::Postgres => {
                let may: bool = sqlx::query_scalar(
                    "SELECT rolsuper FROM pg_roles WHERE rolname = current_user",
                )
                .fetch_optional(self.conn())
                .await?
                .unwrap_or(false);
                if may {
                    sqlx::query("SET LOCAL session_replication_role = replica")
                        .execute(self.conn())
                        .await?;
                }
            }
        }
        Ok(())
    }

    /// SQLite: the id the next row of `table` may take, for a bulk write that gives its rows
    /// their ids itself — `BEGIN IMMEDIATE` made this transaction the only writer, and
    /// AUTOINCREMENT moves its counter past ids given explicitly. Parties then refer to their
    /// cases by id instead of a second index lookup each, and no row comes back through sqlx's
    /// worker thread one message at a time. PostgreSQL: None — ids come from the sequence, read
    /// back with `RETURNING` in the reply.
    pub async fn next_free_id(&mut self, table: &str) -> Result<Option<i64>> {
        if self.backend == Backend::Postgres {
            return Ok(None);
        }
        // `table` is one of the caller's own table names, never input.
        let last: i64 = sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
            "SELECT COALESCE(MAX(n), 0) FROM (SELECT MAX(id) AS n FROM {table}
             UNION ALL SELECT seq AS n FROM sqlite_sequence WHERE name = $1) AS t"
        )))
        .bind(table)
        .fetch_one(self.conn())
        .await?;
        Ok(Some(last + 1))
    }

    /// Runs `statements` in order. They are built (the iterator's work, and turning each into
    /// sqlx's query) on a blocking thread while this one hands the previous to the database:
    /// SQLite runs on sqlx's worker thread and PostgreSQL in its server, so a bulk write keeps
    /// the builder, this thread and the database busy at once instead of taking turns.
    pub async fn execute_all(
        &mut self,
        statements: impl Iterator<Item = Sql> + Send + 'static,
    ) -> Result<u64> {
        let sqlite = self.backend == Backend::Sqlite;
        let (built, mut ready) = tokio::sync::mpsc::channel(2);
        let builder = tokio::task::spawn_blocking(move || {
            for s in statements {
                // A closed channel: the writer stopped on an error, which it reports.
                if built.blocking_send(s.into_query(sqlite)).is_err() {
                    break;
                }
            }
        });
        let mut affected = 0;
        while let Some(query) = ready.recv().await {
            affected += query.execute(&mut *self.inner).await?.rows_affected();
        }
        builder.await.map_err(|e| StoreError::Task(e.to_string()))?;
        Ok(affected)
    }

    pub async fn commit(self) -> Result<()> {
        self.inner.commit().await?;
        Ok(())
    }
}

impl Store {
    /// Opens (creating it if needed) the embedded SQLite database `fazhi.db` inside `dir`.
    ///
    /// The directory is made (or tightened to) `0700` and the database file `0600`, before
    /// SQLite opens it — SQLite gives its -wal and -shm files the database file's permissions —
    /// so other accounts on the server read none of it.
    pub async fn open_data_dir(dir: &Path) -> Result<Store> {
        let failed = |source| StoreError::DataDir {
            path: dir.display().to_string(),
            source,
        };
        let file = dir.join("fazhi.db");
        private_files(dir, &file).map_err(failed)?;
        Store::connect(&format!("sqlite://{}?mode=rwc", file.display())).await
    }

    /// Connects to `sqlite://…` or `postgres://…`.
    pub async fn connect(url: &str) -> Result<Store> {
        sqlx::any::install_default_drivers();
        let backend = if url.starts_with("sqlite:") {
            Backend::Sqlite
        } else if url.starts_with("postgres:") || url.starts_with("postgresql:") {
            Backend::Postgres
        } else {
            return Err(StoreError::Url(
                "expected a URL starting with sqlite:// or postgres://".into(),
            ));
        };
        if backend == Backend::Sqlite {
            crate::sqlite_memory::configure();
        }
        let options = AnyPoolOptions::new()
            .max_connections(if backend == Backend::Sqlite { 8 } else { 16 })
            .acquire_timeout(Duration::from_secs(10));
        let options = match backend {
            Backend::Sqlite => options.after_connect(|conn, _meta| {
                Box::pin(async move {
                    // foreign_keys=ON and a 5 s busy timeout are sqlx's defaults; WAL lets
                    // readers run beside the one writer. Statement journals in memory: a
                    // multi-row INSERT inside a long transaction otherwise writes one to disk.
                    conn.execute(
                        "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA temp_store = MEMORY;",
                    )
                    .await?;
                    Ok(())
                })
            }),
            Backend::Postgres => options.after_connect(|conn, _meta| {
                Box::pin(async move {
                    // sqlx prepares every statement, and after five runs PostgreSQL plans it
                    // once for any parameters: a list filtered by one town's office was then
                    // planned as if the department held an average share (p99 119 ms with a
                    // million cases, 9 ms planned for the actual values). Planning costs well
                    // under a millisecond here.
                    conn.execute("SET plan_cache_mode = force_custom_plan")
                        .await?;
                    Ok(())
                })
            }),
        };
        let pool = options.connect(url).await?;
        Ok(Store { pool, backend })
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    pub fn pool(&self) -> &AnyPool {
        &self.pool
    }

    pub async fn begin(&self) -> Result<Tx> {
        let inner = match self.backend {
            Backend::Sqlite => self.pool.begin_with("BEGIN IMMEDIATE").await?,
            Backend::Postgres => self.pool.begin().await?,
        };
        Ok(Tx {
            inner,
            backend: self.backend,
        })
    }

    /// Refreshes the planner's statistics of `tables` (fixed names, never input). On SQLite the
    /// indexes of those tables are also marked `noskipscan`: lists page by keyset, and given
    /// statistics SQLite paged on by skip-scanning an index led by a column of few values (a
    /// town) and sorting (0.15 s) instead of walking an index in key order.
    pub async fn analyze(&self, tables: &[&str]) -> Result<()> {
        let mut conn = self.conn().await?;
        for table in tables {
            sqlx::query(AssertSqlSafe(format!("ANALYZE {table}")))
                .execute(&mut *conn)
                .await?;
        }
        if self.backend == Backend::Sqlite {
            for table in tables {
                sqlx::query(
                    "UPDATE sqlite_stat1 SET stat = stat || ' noskipscan'
                     WHERE tbl = $1 AND stat NOT LIKE '%noskipscan%'",
                )
                .bind(*table)
                .execute(&mut *conn)
                .await?;
            }
            // Reloads the statistics just written.
            sqlx::query("ANALYZE sqlite_schema")
                .execute(&mut *conn)
                .await?;
        }
        Ok(())
    }

    /// Answers whether the database responds (for `/healthz`).
    pub async fn ping(&self) -> Result<()> {
        sqlx::query("SELECT 1").execute(&self.pool).await?;
        Ok(())
    }

    pub async fn close(&self) {
        self.pool.close().await;
    }
}

impl Store {
    /// A pooled connection for reads outside a transaction.
    pub async fn conn(&self) -> Result<sqlx::pool::PoolConnection<Any>> {
        Ok(self.pool.acquire().await?)
    }
}

/// The data directory `0700` and the database file and its companions `0600` (made if missing).
#[cfg(unix)]
fn private_files(dir: &Path, file: &Path) -> std::io::Result<()> {
    use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt, PermissionsExt};
    std::fs::DirBuilder::new()
        .recursive(true)
        .mode(0o700)
        .create(dir)?;
    std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700))?;
    std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .mode(0o600)
        .open(file)?;
    for suffix in ["", "-wal", "-shm"] {
        let f = std::path::PathBuf::from(format!("{}{suffix}", file.display()));
        if f.exists() {
            std::fs::set_permissions(&f, std::fs::Permissions::from_mode(0o600))?;
        }
    }
    Ok(())
}

#[cfg(not(unix))]
fn private_files(dir: &Path, _file: &Path) -> std::io::Result<()> {
    std::fs::create_dir_all(dir)
}
