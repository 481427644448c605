//! Background jobs. A job is a row in `jobs`; any number of `fazhi serve` processes poll the
//! table and claim one job at a time with a single UPDATE (on PostgreSQL with
//! `FOR UPDATE SKIP LOCKED`, so two processes never claim the same row). Periodic jobs are rows
//! in `periodic_jobs`; the process whose UPDATE moves `next_run_at` forward enqueues the run,
//! so a period yields one run however many processes are up.

use std::collections::HashMap;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

use sqlx::Row;

use crate::{Backend, Result, Store, now_ms};

pub type JobFuture = Pin<Box<dyn Future<Output = std::result::Result<(), String>> + Send>>;
pub type Handler = Arc<dyn Fn(Store, serde_json::Value) -> JobFuture + Send + Sync>;

/// How long a claimed job may run before another process may take it over (the claimer is
/// presumed dead).
const LEASE_MS: i64 = 10 * 60 * 1000;

/// A job that later modules register to run every `interval`.
#[derive(Clone)]
pub struct Periodic {
    pub name: &'static str,
    pub interval: Duration,
}

/// The handlers this process knows, by job kind, and the periodic jobs it schedules.
#[derive(Clone, Default)]
pub struct Registry {
    handlers: HashMap<String, Handler>,
    periodic: Vec<Periodic>,
}

impl Registry {
    pub fn handle<F, Fut>(&mut self, kind: &str, f: F) -> &mut Self
    where
        F: Fn(Store, serde_json::Value) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = std::result::Result<(), String>> + Send + 'static,
    {
        let handler: Handler = Arc::new(move |store, payload| Box::pin(f(store, payload)));
        self.handlers.insert(kind.to_string(), handler);
        self
    }

    /// Runs the job kind `name` (which must also be registered with `handle`) every `interval`.
    pub fn every(&mut self, name: &'static str, interval: Duration) -> &mut Self {
        self.periodic.push(Periodic { name, interval });
        self
    }

    pub fn periodic(&self) -> &[Periodic] {
        &self.periodic
    }
}

/// Enqueues a job to run at `run_at` (Unix ms), inside the caller's transaction.
pub async fn enqueue(
    conn: &mut sqlx::AnyConnection,
    kind: &str,
    payload: &serde_json::Value,
    run_at: i64,
) -> Result<i64> {
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO jobs (kind, payload, status, run_at, created_at)
         VALUES ($1, $2, 'queued', $3, $4) RETURNING id",
    )
    .bind(kind)
    .bind(payload.to_string())
    .bind(run_at)
    .bind(now_ms())
    .fetch_one(conn)
    .await?;
    Ok(id)
}

pub struct Claimed {
    pub id: i64,
    pub kind: String,
    pub payload: serde_json::Value,
    pub attempts: i64,
    pub max_attempts: i64,
}

/// One worker: claims due jobs and runs them.
#[derive(Clone)]
pub struct Runner {
    store: Store,
    registry: Arc<Registry>,
    worker: String,
}

impl Runner {
    pub fn new(store: Store, registry: Registry, worker: String) -> Runner {
        Runner {
            store,
            registry: Arc::new(registry),
            worker,
        }
    }

    /// Makes sure every periodic job has its row; existing rows keep their schedule.
    pub async fn register_periodic(&self) -> Result<()> {
        for p in self.registry.periodic() {
            let secs = i64::try_from(p.interval.as_secs()).unwrap_or(i64::MAX);
            sqlx::query(
                "INSERT INTO periodic_jobs (name, interval_secs, next_run_at) VALUES ($1, $2, $3)
                 ON CONFLICT (name) DO UPDATE SET interval_secs = excluded.interval_secs",
            )
            .bind(p.name)
            .bind(secs)
            .bind(now_ms())
            .execute(self.store.pool())
            .await?;
        }
        Ok(())
    }

    /// Enqueues the periodic jobs that are due; returns how many this process enqueued.
    pub async fn schedule_due(&self) -> Result<usize> {
        let mut enqueued = 0;
        for p in self.registry.periodic() {
            let now = now_ms();
            let interval_ms = i64::try_from(p.interval.as_millis()).unwrap_or(i64::MAX);
            let mut tx = self.store.begin().await?;
            let won = sqlx::query(
                "UPDATE periodic_jobs SET next_run_at = $1, last_run_at = $2, last_run_by = $3
                 WHERE name = $4 AND next_run_at <= $2",
            )
            .bind(now.saturating_add(interval_ms))
            .bind(now)
            .bind(&self.worker)
            .bind(p.name)
            .execute(tx.conn())
            .await?
            .rows_affected()
                == 1;
            if won {
                enqueue(tx.conn(), p.name, &serde_json::json!({}), now).await?;
                enqueued += 1;
            }
            tx.commit().await?;
        }
        Ok(enqueued)
    }

    /// Claims the next due job, if any.
    pub async fn claim(&self) -> Result<Option<Claimed>> {
        let now = now_ms();
        let lock = match self.store.backend() {
            Backend::Postgres => " FOR UPDATE SKIP LOCKED",
            Backend::Sqlite => "",
        };
        let sql = format!(
            "UPDATE jobs SET status = 'running', locked_by = $1, locked_until = $2,
                attempts = attempts + 1
             WHERE id = (SELECT id FROM jobs
                 WHERE (status = 'queued' AND run_at <= $3)
                    OR (status = 'running' AND locked_until < $3)
                 ORDER BY run_at, id LIMIT 1{lock})
             RETURNING id, kind, payload, attempts, max_attempts"
        );
        let mut tx = self.store.begin().await?;
        let row = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(&self.worker)
            .bind(now + LEASE_MS)
            .bind(now)
            .fetch_optional(tx.conn())
            .await?;
        tx.commit().await?;
        let Some(row) = row else { return Ok(None) };
        let payload: String = row.try_get("payload")?;
        Ok(Some(Claimed {
            id: row.try_get("id")?,
            kind: row.try_get("kind")?,
            payload: serde_json::from_str(&payload).unwrap_or(serde_json::Value::Null),
            attempts: row.try_get("attempts")?,
            max_attempts: row.try_get("max_attempts")?,
        }))
    }

    /// Claims and runs one job; returns whether there was one.
    pub async fn run_one(&self) -> Result<bool> {
        let Some(job) = self.claim().await? else {
            return Ok(false);
        };
        let outcome = match self.registry.handlers.get(&job.kind) {
            Some(handler) => handler(self.store.clone(), job.payload.clone()).await,
            None => Err(format!("no handler for job kind {}", job.kind)),
        };
        let now = now_ms();
        match outcome {
            Ok(()) => {
                sqlx::query(
                    "UPDATE jobs SET status = 'done', finished_at = $1, locked_until = NULL,
                        last_error = NULL WHERE id = $2 AND locked_by = $3",
                )
                .bind(now)
                .bind(job.id)
                .bind(&self.worker)
                .execute(self.store.pool())
                .await?;
            }
            Err(error) => {
                tracing::warn!(job = job.id, kind = %job.kind, %error, "job failed");
                let give_up = job.attempts >= job.max_attempts;
                // Back off 30 s, 60 s, 120 s … between attempts.
                let backoff = 30_000_i64.saturating_mul(1 << job.attempts.clamp(0, 10));
                sqlx::query(
                    "UPDATE jobs SET status = $1, run_at = $2, last_error = $3, locked_until = NULL,
                        finished_at = $4 WHERE id = $5 AND locked_by = $6",
                )
                .bind(if give_up { "failed" } else { "queued" })
                .bind(now + backoff)
                .bind(error)
                .bind(if give_up { Some(now) } else { None })
                .bind(job.id)
                .bind(&self.worker)
                .execute(self.store.pool())
                .await?;
            }
        }
        Ok(true)
    }

    /// Polls until `shutdown` resolves.
    pub async fn run(self, poll: Duration, shutdown: tokio::sync::watch::Receiver<bool>) {
        if let Err(e) = self.register_periodic().await {
            tracing::error!(error = %e, "cannot register periodic jobs");
        }
        loop {
            if *shutdown.borrow() {
                return;
            }
            if let Err(e) = self.schedule_due().await {
                tracing::warn!(error = %e, "scheduling periodic jobs failed");
            }
            loop {
                match self.run_one().await {
                    Ok(true) if !*shutdown.borrow() => continue,
                    Ok(_) => break,
                    Err(e) => {
                        tracing::warn!(error = %e, "claiming a job failed");
                        break;
                    }
                }
            }
            let mut shutdown = shutdown.clone();
            tokio::select! {
                _ = tokio::time::sleep(poll) => {}
                _ = shutdown.changed() => {}
            }
        }
    }
}
