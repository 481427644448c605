//! Long jobs (长任务): a web import or export of more than a few seconds must not hang the
//! request. The page starts one (`start`), the work runs beside the request and reports the
//! rows done and the errors so far (`progress`), and the page the user is sent to shows them
//! until the result is there (`get`; an export's file through `file`). Only the user who
//! started a job sees it: it holds what their scope showed them.

use fazhi_store::{Row, Store, now_ms};
use serde::Serialize;

use crate::{Actor, Error, Result};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum JobKind {
    Export,
    Import,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum JobState {
    Running,
    Done,
    Failed,
}

#[derive(Clone, Debug, Serialize)]
pub struct LongJob {
    pub id: i64,
    pub kind: JobKind,
    pub title: String,
    pub file_name: Option<String>,
    /// The page the job was started from.
    pub return_to: String,
    pub state: JobState,
    pub rows_done: i64,
    pub errors_so_far: i64,
    /// Why it failed, in Chinese.
    pub error: Option<String>,
    /// An import's report (JSON), once done.
    pub report: Option<serde_json::Value>,
    pub started_at: i64,
    pub updated_at: i64,
    pub finished_at: Option<i64>,
}

/// A job still running this long after its last report died with its process (progress is
/// reported at least every page of 500 rows, well within it).
pub const STALLED_MS: i64 = 5 * 60 * 1000;

impl LongJob {
    /// Running but silent past `STALLED_MS`: the process that ran it is gone.
    pub fn stalled(&self, now: i64) -> bool {
        self.state == JobState::Running && now - self.updated_at > STALLED_MS
    }
}

fn requester(actor: &Actor) -> Result<i64> {
    actor.user_id.ok_or(Error::Forbidden)
}

/// Records a running job for the signed-in user and returns its id.
pub async fn start(
    store: &Store,
    actor: &Actor,
    kind: JobKind,
    title: &str,
    file_name: Option<&str>,
    return_to: &str,
) -> Result<i64> {
    let user = requester(actor)?;
    let now = now_ms();
    let mut tx = store.begin().await?;
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO long_jobs (kind, title, file_name, return_to, requested_by, state, started_at,
            updated_at)
         VALUES ($1, $2, $3, $4, $5, 'running', $6, $6) RETURNING id",
    )
    .bind(match kind {
        JobKind::Export => "export",
        JobKind::Import => "import",
    })
    .bind(title)
    .bind(file_name)
    .bind(return_to)
    .bind(user)
    .bind(now)
    .fetch_one(tx.conn())
    .await?;
    tx.commit().await?;
    Ok(id)
}

fn count(n: usize) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

/// The rows done and the errors found so far.
pub async fn progress(store: &Store, id: i64, rows: usize, errors: usize) -> Result<()> {
    sqlx::query(
        "UPDATE long_jobs SET rows_done = $1, errors_so_far = $2, updated_at = $3
         WHERE id = $4 AND state = 'running'",
    )
    .bind(count(rows))
    .bind(count(errors))
    .bind(now_ms())
    .bind(id)
    .execute(store.pool())
    .await?;
    Ok(())
}

/// What a finished job leaves: an export's file or an import's report.
pub enum Outcome {
    File {
        bytes: Vec<u8>,
        rows: usize,
    },
    Report {
        report: serde_json::Value,
        rows: usize,
        errors: usize,
    },
}

/// How often, and how long apart, a job's end is tried again while the database is busy: a
/// job whose end is not recorded would show "running" for ever.
const FINISH_TRIES: u32 = 20;
const FINISH_PAUSE: std::time::Duration = std::time::Duration::from_millis(500);

/// The job's end: its outcome, or why it failed (in Chinese, for the page). Tried again while
/// SQLite's writer is held by someone else (`Busy`).
pub async fn finish(store: &Store, id: i64, outcome: Result<Outcome>) -> Result<()> {
    if let Err(e @ Error::Store(_)) = &outcome {
        tracing::error!(job = id, error = %e, "long job failed");
    }
    // The failure's words are kept: the error itself is used up by the first try.
    let outcome = outcome.map_err(|e| e.message_zh());
    let mut tries = 0;
    loop {
        let now = now_ms();
        let q = match &outcome {
            Ok(Outcome::File { bytes, rows }) => sqlx::query(
                "UPDATE long_jobs SET state = 'done', content = $1, rows_done = $2, updated_at = $3,
                 finished_at = $3 WHERE id = $4",
            )
            .bind(bytes.clone())
            .bind(count(*rows)),
            Ok(Outcome::Report {
                report,
                rows,
                errors,
            }) => sqlx::query(
                "UPDATE long_jobs SET state = 'done', report = $1, rows_done = $2, errors_so_far = $3,
                 updated_at = $4, finished_at = $4 WHERE id = $5",
            )
            .bind(report.to_string())
            .bind(count(*rows))
            .bind(count(*errors)),
            Err(message) => sqlx::query(
                "UPDATE long_jobs SET state = 'failed', error = $1, updated_at = $2,
                 finished_at = $2 WHERE id = $3",
            )
            .bind(message.clone()),
        };
        match q
            .bind(now)
            .bind(id)
            .execute(store.pool())
            .await
            .map_err(Error::from)
        {
            Ok(_) => return Ok(()),
            Err(Error::Busy) if tries < FINISH_TRIES => {
                tries += 1;
                tokio::time::sleep(FINISH_PAUSE).await;
            }
            Err(e) => return Err(e),
        }
    }
}

/// The actor's own job; anyone else's is not found.
pub async fn get(store: &Store, actor: &Actor, id: i64) -> Result<LongJob> {
    let user = requester(actor)?;
    let r = sqlx::query(
        "SELECT id, kind, title, file_name, return_to, state, rows_done, errors_so_far, error, report,
            started_at, updated_at, finished_at
         FROM long_jobs WHERE id = $1 AND requested_by = $2",
    )
    .bind(id)
    .bind(user)
    .fetch_optional(store.pool())
    .await?
    .ok_or(Error::NotFound)?;
    let report: Option<String> = r.try_get("report")?;
    Ok(LongJob {
        id: r.try_get("id")?,
        kind: match r.try_get::<String, _>("kind")?.as_str() {
            "import" => JobKind::Import,
            _ => JobKind::Export,
        },
        title: r.try_get("title")?,
        file_name: r.try_get("file_name")?,
        return_to: r.try_get("return_to")?,
        state: match r.try_get::<String, _>("state")?.as_str() {
            "done" => JobState::Done,
            "failed" => JobState::Failed,
            _ => JobState::Running,
        },
        rows_done: r.try_get("rows_done")?,
        errors_so_far: r.try_get("errors_so_far")?,
        error: r.try_get("error")?,
        report: report.and_then(|t| serde_json::from_str(&t).ok()),
        started_at: r.try_get("started_at")?,
        updated_at: r.try_get("updated_at")?,
        finished_at: r.try_get("finished_at")?,
    })
}

/// The finished file of the actor's own export: (file name, bytes).
pub async fn file(store: &Store, actor: &Actor, id: i64) -> Result<(String, Vec<u8>)> {
    let user = requester(actor)?;
    let r = sqlx::query(
        "SELECT file_name, content FROM long_jobs
         WHERE id = $1 AND requested_by = $2 AND kind = 'export' AND state = 'done'",
    )
    .bind(id)
    .bind(user)
    .fetch_optional(store.pool())
    .await?
    .ok_or(Error::NotFound)?;
    Ok((
        r.try_get::<Option<String>, _>("file_name")?
            .unwrap_or_else(|| "export.xlsx".into()),
        r.try_get::<Option<Vec<u8>>, _>("content")?
            .unwrap_or_default(),
    ))
}
