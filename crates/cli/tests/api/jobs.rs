use std::collections::HashSet;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use fazhi_store::jobs::{Registry, Runner, enqueue};
use fazhi_store::{Store, now_ms};

use crate::helpers::*;

/// Two workers on two connection pools, as two `fazhi serve` processes would be, share one
/// queue: every job runs exactly once.
#[tokio::test]
async fn two_processes_share_the_jobs_without_doing_one_twice() {
    for db in backends() {
        let app = spawn_app(db).await;
        let seen: Arc<Mutex<Vec<i64>>> = Arc::default();
        let registry = |seen: Arc<Mutex<Vec<i64>>>| {
            let mut r = Registry::default();
            r.handle(
                "test.record",
                move |_store: Store, payload: serde_json::Value| {
                    let seen = seen.clone();
                    async move {
                        tokio::time::sleep(Duration::from_millis(2)).await;
                        seen.lock()
                            .unwrap()
                            .push(payload["n"].as_i64().unwrap_or(-1));
                        Ok(())
                    }
                },
            );
            r.every("test.record", Duration::from_secs(3600));
            r
        };
        const JOBS: i64 = 120;
        {
            let mut tx = app.store.begin().await.unwrap();
            for n in 0..JOBS {
                enqueue(
                    tx.conn(),
                    "test.record",
                    &serde_json::json!({ "n": n }),
                    now_ms(),
                )
                .await
                .unwrap();
            }
            tx.commit().await.unwrap();
        }
        let url_store = match app.db {
            Db::Sqlite => Store::open_data_dir(std::path::Path::new(&app.cli_db[1]))
                .await
                .unwrap(),
            Db::Postgres => Store::connect(&app.cli_db[1]).await.unwrap(),
        };
        let a = Runner::new(app.store.clone(), registry(seen.clone()), "worker-a".into());
        let b = Runner::new(url_store, registry(seen.clone()), "worker-b".into());
        a.register_periodic().await.unwrap();
        b.register_periodic().await.unwrap();
        // Both try to schedule the periodic job at once: one run is enqueued, not two.
        let (sa, sb) = tokio::join!(a.schedule_due(), b.schedule_due());
        assert_eq!(sa.unwrap() + sb.unwrap(), 1);
        let drain = |r: Runner| async move {
            let mut ran = 0;
            while r.run_one().await.unwrap() {
                ran += 1;
            }
            ran
        };
        let (ra, rb) = tokio::join!(drain(a), drain(b));
        let seen = seen.lock().unwrap().clone();
        assert_eq!(
            seen.len() as i64,
            JOBS + 1,
            "{db:?}: a ran {ra}, b ran {rb}"
        );
        let distinct: HashSet<i64> = seen.iter().copied().filter(|n| *n >= 0).collect();
        assert_eq!(distinct.len() as i64, JOBS);
        assert!(ra > 0 && rb > 0, "both workers took part: {ra} / {rb}");
        assert_eq!(
            app.count("SELECT COUNT(*) FROM jobs WHERE status = 'done' AND attempts = 1")
                .await,
            JOBS + 1
        );
    }
}

#[tokio::test]
async fn a_failing_job_is_retried_later_and_then_given_up() {
    let app = spawn_app(Db::Sqlite).await;
    let mut r = Registry::default();
    r.handle("test.fail", |_s: Store, _p: serde_json::Value| async {
        Err::<(), _>("boom".to_string())
    });
    let runner = Runner::new(app.store.clone(), r, "w".into());
    let mut tx = app.store.begin().await.unwrap();
    enqueue(tx.conn(), "test.fail", &serde_json::json!({}), now_ms())
        .await
        .unwrap();
    tx.commit().await.unwrap();
    assert!(runner.run_one().await.unwrap());
    // Backed off: not due again right away.
    assert!(!runner.run_one().await.unwrap());
    let (status, error): (String, String) = sqlx::query_as("SELECT status, last_error FROM jobs")
        .fetch_one(app.store.pool())
        .await
        .unwrap();
    assert_eq!((status.as_str(), error.as_str()), ("queued", "boom"));
}
