//! Long jobs' pages: starting one from a list or an upload form, and the page that shows its
//! progress (refreshing itself, no script) until the file or the report is there. A job done
//! within `WebConfig::long_job_wait` needs no progress page: an export goes straight to its file.

use std::future::Future;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use fazhi_core::long_jobs::{self, JobKind, JobState, LongJob, Outcome};
use fazhi_store::{Store, now_ms};

use super::layout;
use crate::AppState;
use crate::error::PageError;
use crate::session::Signed;
use crate::view::Layout;

/// How the work tells the rows done and the errors so far.
pub type Progress = Arc<dyn Fn(usize, usize) + Send + Sync>;

/// How often the progress is written while the job runs; at least every `HEARTBEAT` ticks even
/// when unchanged, so a live job is never taken for a dead one.
const TICK: Duration = Duration::from_millis(500);
const HEARTBEAT: u32 = 20;

/// What a job is to the user who starts it.
pub struct JobSpec<'a> {
    pub kind: JobKind,
    pub title: &'a str,
    pub file_name: Option<&'a str>,
    pub return_to: &'a str,
}

/// Starts `work` as a long job of the signed-in user and answers with its result when it is
/// done within `WebConfig::long_job_wait`, else with its progress page.
pub async fn start<F, Fut>(
    state: &AppState,
    s: &Signed,
    spec: JobSpec<'_>,
    work: F,
) -> Result<Response, PageError>
where
    F: FnOnce(Store, Progress) -> Fut + Send + 'static,
    Fut: Future<Output = fazhi_core::Result<Outcome>> + Send + 'static,
{
    let id = long_jobs::start(
        &state.store,
        &s.actor,
        spec.kind,
        spec.title,
        spec.file_name,
        spec.return_to,
    )
    .await?;
    let counters: Counters = Arc::new((AtomicUsize::new(0), AtomicUsize::new(0)));
    if let Ok(mut map) = live().lock() {
        map.insert(id, counters.clone());
    }
    let progress: Progress = {
        let c = counters.clone();
        Arc::new(move |rows, errors| {
            c.0.store(rows, Ordering::Relaxed);
            c.1.store(errors, Ordering::Relaxed);
        })
    };
    let store = state.store.clone();
    let (done_tx, done_rx) = tokio::sync::oneshot::channel::<()>();
    tokio::spawn(async move {
        let work = work(store.clone(), progress);
        tokio::pin!(work);
        let mut tick = tokio::time::interval(TICK);
        let mut reported = (0, 0);
        let mut quiet = 0u32;
        let outcome = loop {
            tokio::select! {
                out = &mut work => break out,
                _ = tick.tick() => {
                    let now = (counters.0.load(Ordering::Relaxed), counters.1.load(Ordering::Relaxed));
                    quiet += 1;
                    if now != reported || quiet >= HEARTBEAT {
                        if let Err(e) = long_jobs::progress(&store, id, now.0, now.1).await {
                            tracing::warn!(job = id, error = %e, "progress not recorded");
                        }
                        reported = now;
                        quiet = 0;
                    }
                }
            }
        };
        if let Err(e) = long_jobs::finish(&store, id, outcome).await {
            tracing::error!(job = id, error = %e, "long job's end not recorded");
        }
        if let Ok(mut map) = live().lock() {
            map.remove(&id);
        }
        let _ = done_tx.send(());
    });
    let wait = state.config.long_job_wait;
    // Zero waits not at all, not even for a job already done: the progress page is shown.
    let done = !wait.is_zero() && tokio::time::timeout(wait, done_rx).await.is_ok();
    let to = match (done, spec.kind) {
        (true, JobKind::Export) => {
            let job = long_jobs::get(&state.store, &s.actor, id).await?;
            if job.state == JobState::Done {
                format!("/jobs/{id}/file")
            } else {
                format!("/jobs/{id}")
            }
        }
        _ => format!("/jobs/{id}"),
    };
    Ok(Redirect::to(&to).into_response())
}

type Counters = Arc<(AtomicUsize, AtomicUsize)>;

/// The counters of the jobs this process runs. The job's page reads them here first: on
/// SQLite an import holds the only write transaction, so its progress cannot be written to
/// its row until it ends (another process's page shows the row).
fn live() -> &'static std::sync::Mutex<std::collections::HashMap<i64, Counters>> {
    static LIVE: std::sync::OnceLock<std::sync::Mutex<std::collections::HashMap<i64, Counters>>> =
        std::sync::OnceLock::new();
    LIVE.get_or_init(Default::default)
}

fn live_counts(id: i64) -> Option<(usize, usize)> {
    let map = live().lock().ok()?;
    map.get(&id)
        .map(|c| (c.0.load(Ordering::Relaxed), c.1.load(Ordering::Relaxed)))
}

/// How an export tells the rows written so far.
pub type Rows = Arc<dyn Fn(usize) + Send + Sync>;

/// Starts a list's export (`work` writes the workbook and returns it with its row count) as a
/// long job; `file_name` is what the download is called, `return_to` the list.
pub async fn export<F, Fut>(
    state: &AppState,
    s: &Signed,
    title: &str,
    file_name: &str,
    return_to: &str,
    work: F,
) -> Result<Response, PageError>
where
    F: FnOnce(Store, Rows) -> Fut + Send + 'static,
    Fut: Future<Output = fazhi_core::Result<(Vec<u8>, usize)>> + Send + 'static,
{
    let spec = JobSpec {
        kind: JobKind::Export,
        title,
        file_name: Some(file_name),
        return_to,
    };
    start(state, s, spec, move |store, progress| async move {
        let rows: Rows = Arc::new(move |n| progress(n, 0));
        let (bytes, rows) = work(store, rows).await?;
        Ok(Outcome::File { bytes, rows })
    })
    .await
}

#[derive(Template, WebTemplate)]
#[template(path = "long_job.html")]
struct JobPage {
    layout: Layout,
    job: LongJob,
    running: bool,
    failed: bool,
    status: String,
    elapsed: String,
    summary: String,
    errors: Vec<(String, String)>,
    download: Option<String>,
}

pub async fn show(
    State(state): State<AppState>,
    s: Signed,
    Path(id): Path<i64>,
) -> Result<Response, PageError> {
    let mut job = long_jobs::get(&state.store, &s.actor, id).await?;
    if job.state == JobState::Running
        && let Some((rows, errors)) = live_counts(id)
    {
        job.rows_done = i64::try_from(rows).unwrap_or(i64::MAX);
        job.errors_so_far = i64::try_from(errors).unwrap_or(i64::MAX);
        // Alive in this process, whatever its row says.
        job.updated_at = now_ms();
    }
    let now = now_ms();
    let stalled = job.stalled(now);
    let status = match job.state {
        JobState::Running if stalled => {
            "任务已中断（处理它的服务进程已停止），请返回重新发起。".to_string()
        }
        JobState::Running => "正在处理，本页每秒自动刷新……".to_string(),
        JobState::Done => match job.kind {
            JobKind::Export => format!("导出完成，共 {} 行。", job.rows_done),
            JobKind::Import => "导入完成。".to_string(),
        },
        JobState::Failed => format!(
            "任务失败：{}",
            job.error.as_deref().unwrap_or("原因未记录。")
        ),
    };
    let seconds = (job.finished_at.unwrap_or(now) - job.started_at).max(0) / 1000;
    let report = job.report.clone().unwrap_or_default();
    let errors = report["errors"]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|e| {
                    (
                        e["line"].to_string(),
                        e["reason"].as_str().unwrap_or_default().to_string(),
                    )
                })
                .collect()
        })
        .unwrap_or_default();
    Ok(JobPage {
        layout: layout(&s),
        running: job.state == JobState::Running && !stalled,
        failed: job.state == JobState::Failed || stalled,
        status,
        elapsed: format!("{seconds} 秒"),
        summary: report["summary"].as_str().unwrap_or_default().to_string(),
        errors,
        download: (job.kind == JobKind::Export && job.state == JobState::Done)
            .then(|| format!("/jobs/{id}/file")),
        job,
    }
    .into_response())
}

pub async fn file(
    State(state): State<AppState>,
    s: Signed,
    Path(id): Path<i64>,
) -> Result<Response, PageError> {
    let (name, bytes) = long_jobs::file(&state.store, &s.actor, id).await?;
    Ok(super::enforcement::xlsx_response(bytes, &name))
}
