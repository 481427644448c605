//! The working-day calendar in force: the arrangements shipped with fazhi, plus the years
//! imported since (a new State Council notice needs no rebuild) and the city's own
//! non-working days.

use chrono::NaiveDate;
use fazhi_kernel::calendar::{self, Calendar};

use fazhi_store::{Row, Store, now_ms};
use serde_json::json;

use crate::access::{Actor, Permission};
use crate::{Error, Result};

/// The calendar in force: embedded years, then imported years (which replace an embedded year
/// of the same number), then local non-working days.
pub async fn load(store: &Store) -> Result<Calendar> {
    let mut cal = Calendar::embedded().clone();
    let rows = sqlx::query("SELECT body FROM calendar_years ORDER BY year")
        .fetch_all(store.pool())
        .await?;
    for row in rows {
        let body: String = row.try_get("body")?;
        // Bodies were validated on import; a row that no longer parses is skipped, not guessed.
        for y in calendar::parse(&body).unwrap_or_default() {
            cal.set_year(y);
        }
    }
    for day in local_rest_days(store).await? {
        cal.add_local_rest_day(day.0);
    }
    Ok(cal)
}

/// Imports one or more years in the calendar file format. Returns the years imported.
pub async fn import(store: &Store, actor: &Actor, text: &str) -> Result<Vec<i32>> {
    actor.require(Permission::OrgManage)?;
    let years = calendar::parse(text)
        .map_err(|e| Error::invalid("calendar", format!("节假日安排格式错误：{e}")))?;
    if years.is_empty() {
        return Err(Error::invalid(
            "calendar",
            "文件中没有任何年度安排（应以“[年份] 通知名称”开头）。",
        ));
    }
    let mut tx = store.begin().await?;
    let mut imported = Vec::new();
    for y in &years {
        let body = format!(
            "[{}] {}\nrest {}\nwork {}\n",
            y.year,
            y.source,
            y.rest
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join(" "),
            y.work
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join(" ")
        );
        sqlx::query(
            "INSERT INTO calendar_years (year, source, body, imported_by, imported_at) VALUES ($1, $2, $3, $4, $5)
             ON CONFLICT (year) DO UPDATE SET source = excluded.source, body = excluded.body,
                imported_by = excluded.imported_by, imported_at = excluded.imported_at",
        )
        .bind(i64::from(y.year))
        .bind(&y.source)
        .bind(&body)
        .bind(&actor.name)
        .bind(now_ms())
        .execute(tx.conn())
        .await?;
        crate::audit::record(&mut tx, actor, "import", "calendar_year", Some(y.year.to_string()), json!({ "source": y.source, "rest_days": y.rest.len(), "make_up_workdays": y.work.len() })).await?;
        imported.push(y.year);
    }
    tx.commit().await?;
    recompute(store).await?;
    Ok(imported)
}

pub async fn local_rest_days(store: &Store) -> Result<Vec<(NaiveDate, String)>> {
    let rows = sqlx::query("SELECT day, reason FROM local_rest_days ORDER BY day")
        .fetch_all(store.pool())
        .await?;
    rows.iter()
        .map(|r| {
            let day: String = r.try_get("day")?;
            let date = fazhi_kernel::date::parse(&day)
                .ok_or_else(|| Error::malformed(format!("calendar day {day}")))?;
            Ok((date, r.try_get("reason")?))
        })
        .collect()
}

pub async fn add_local_rest_day(
    store: &Store,
    actor: &Actor,
    day: &str,
    reason: &str,
) -> Result<()> {
    actor.require(Permission::OrgManage)?;
    let date = fazhi_kernel::date::parse(day)
        .ok_or_else(|| Error::invalid("day", format!("日期“{day}”格式应为 YYYY-MM-DD。")))?;
    let reason = crate::org::rules::text("reason", "原因", reason, 100)?;
    let mut tx = store.begin().await?;
    sqlx::query(
        "INSERT INTO local_rest_days (day, reason, created_by, created_at) VALUES ($1, $2, $3, $4)",
    )
    .bind(date.to_string())
    .bind(&reason)
    .bind(actor.user_id)
    .bind(now_ms())
    .execute(tx.conn())
    .await
    .map_err(|e| Error::on_write("该日期")(e.into()))?;
    crate::audit::record(
        &mut tx,
        actor,
        "create",
        "local_rest_day",
        Some(date.to_string()),
        json!({ "reason": reason }),
    )
    .await?;
    tx.commit().await?;
    recompute(store).await?;
    Ok(())
}

/// Open deadlines follow the calendar: recompute them after it changes.
async fn recompute(store: &Store) -> Result<u64> {
    let cal = load(store).await?;
    let (policy, _) = crate::settings::warning_policy(store).await?;
    crate::deadlines::recompute_open(store, &cal, policy, crate::deadlines::china_today()).await
}
