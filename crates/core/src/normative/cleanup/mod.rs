//! Cleanups of normative documents (规范性文件清理): a campaign over the register's documents
//! issued in a range, a verdict per document (保留, 已废止, 拟废止, 拟修改) with its reason and
//! reviewer, the verdicts applied to the register when the review ends, and each verdict to
//! repeal or revise followed until it is carried out. Built on the case's workflow pattern:
//! `model` (typed stages), `transition` (pure: the open steps, the next first, and the change a
//! step makes), `repo` (load, and write with a versioned update), `apply` here.

pub mod model;
mod repo;
pub mod transition;

use chrono::NaiveDate;
use fazhi_store::Store;
use fazhi_store::scope::RECORD_COLUMNS;
use fazhi_store::{Row, Sql};
use serde::Serialize;

pub use model::{Cleanup, Item, Stage, Summary, Verdict};
pub use transition::{Action, Step, allowed_steps};

use crate::{Actor, Ctx, Error, Permission, Refusals, Result};

const KEEPERS: [Permission; 1] = [Permission::NormativeManage];
const READERS: [Permission; 2] = [Permission::NormativeManage, Permission::SupervisionManage];

/// What starts a campaign.
#[derive(Clone, Debug, Default)]
pub struct NewCleanup {
    pub title: String,
    pub issued_from: String,
    pub issued_until: String,
    pub issuer: Option<String>,
}

/// Starts a campaign over the documents still applied that were issued in the range (and by the
/// issuer, when named), within the actor's scope. Refused when the range holds none.
pub async fn start(ctx: &Ctx<'_>, input: &NewCleanup) -> Result<i64> {
    ctx.actor.require_any(&KEEPERS)?;
    let mut r = Refusals::default();
    let title = input.title.trim();
    if title.is_empty() {
        r.push(Error::invalid(
            "title",
            "请填写清理名称，例如：2023年度行政规范性文件清理。",
        ));
    } else if title.chars().count() > 100 {
        r.push(Error::invalid("title", "清理名称不超过 100 字。"));
    }
    let (from, until) = r
        .take(crate::listing::range(
            ("issued_from", Some(&input.issued_from)),
            ("issued_until", Some(&input.issued_until)),
        ))?
        .unwrap_or((None, None));
    if input.issued_from.trim().is_empty() {
        r.push(Error::invalid("issued_from", "请填写印发日期的起点。"));
    }
    if input.issued_until.trim().is_empty() {
        r.push(Error::invalid("issued_until", "请填写印发日期的终点。"));
    }
    r.finish()?;
    let parse = |s: Option<String>| s.as_deref().and_then(fazhi_kernel::date::parse);
    let (Some(from), Some(until)) = (parse(from), parse(until)) else {
        return Err(Error::malformed("cleanup range"));
    };
    let issuer = input
        .issuer
        .as_deref()
        .map(str::trim)
        .filter(|i| !i.is_empty());
    let mut tx = ctx.store.begin().await?;
    let (id, documents) = repo::insert(
        &mut tx,
        ctx.actor,
        title,
        from,
        until,
        issuer,
        ctx.clock.today,
        ctx.actor.scope.department_id,
    )
    .await?;
    if documents == 0 {
        // Dropped with the transaction: nothing is written.
        return Err(Error::refused(
            "cleanup_empty",
            "issued_from",
            format!(
                "{from} 至 {until}{} 印发的文件中没有现行有效、拟修改或拟废止的，无需清理。",
                issuer.map(|i| format!(" {i}")).unwrap_or_default()
            ),
        ));
    }
    tx.commit().await?;
    Ok(id)
}

/// One campaign in the actor's scope.
pub async fn get(store: &Store, actor: &Actor, id: i64) -> Result<Cleanup> {
    actor.require_any(&READERS)?;
    repo::load(&mut *store.conn().await?, actor, id).await
}

/// One step: lock the campaign, check the version the actor saw, work the change out (pure),
/// write it — in one transaction.
pub async fn apply(ctx: &Ctx<'_>, id: i64, seen_version: i64, action: &Action) -> Result<()> {
    ctx.actor.require_any(&KEEPERS)?;
    let mut tx = ctx.store.begin().await?;
    // In scope first: a campaign outside it is not found, whatever its version.
    let c = repo::load(tx.conn(), ctx.actor, id).await?;
    crate::lock_seen(&mut tx, "normative_cleanups", id, seen_version, c.version).await?;
    let change = transition::transition(&c, action, ctx.clock.today)?;
    repo::write(&mut tx, ctx.actor, &c, &change, ctx.clock.today).await?;
    tx.commit().await?;
    Ok(())
}

/// A campaign as the list shows it.
#[derive(Clone, Debug, Serialize)]
pub struct Listed {
    pub id: i64,
    pub title: String,
    pub issued_from: String,
    pub issued_until: String,
    pub stage: Stage,
    pub started_on: String,
    pub summary: Summary,
}

/// The campaigns in the actor's scope, newest first, with their summaries (counted in SQL).
pub async fn list(store: &Store, actor: &Actor) -> Result<Vec<Listed>> {
    actor.require_any(&READERS)?;
    let mut sql = Sql::new(&format!(
        "SELECT c.id, c.title, c.issued_from, c.issued_until, c.stage, c.started_on, {COUNTS}
         FROM normative_cleanups c LEFT JOIN normative_cleanup_items i ON i.cleanup_id = c.id WHERE "
    ));
    sql.append(actor.scope.condition("c", RECORD_COLUMNS)).push(
        " GROUP BY c.id, c.title, c.issued_from, c.issued_until, c.stage, c.started_on ORDER BY c.id DESC LIMIT 200",
    );
    sql.fetch_all(&mut *store.conn().await?)
        .await?
        .iter()
        .map(|r| {
            let stage: String = r.try_get("stage")?;
            Ok(Listed {
                id: r.try_get("id")?,
                title: r.try_get("title")?,
                issued_from: r.try_get("issued_from")?,
                issued_until: r.try_get("issued_until")?,
                stage: Stage::parse(&stage)
                    .ok_or_else(|| Error::malformed(format!("stage {stage}")))?,
                started_on: r.try_get("started_on")?,
                summary: counts(r)?,
            })
        })
        .collect()
}

/// The summary columns over `normative_cleanup_items i`.
const COUNTS: &str = "COUNT(i.document_id) AS reviewed,
    COALESCE(SUM(CASE WHEN i.verdict = 'retain' THEN 1 ELSE 0 END), 0) AS retain,
    COALESCE(SUM(CASE WHEN i.verdict = 'repealed' THEN 1 ELSE 0 END), 0) AS repealed,
    COALESCE(SUM(CASE WHEN i.verdict = 'to_repeal' THEN 1 ELSE 0 END), 0) AS to_repeal,
    COALESCE(SUM(CASE WHEN i.verdict = 'to_revise' THEN 1 ELSE 0 END), 0) AS to_revise,
    COALESCE(SUM(CASE WHEN i.document_id IS NOT NULL AND i.verdict IS NULL THEN 1 ELSE 0 END), 0) AS undecided,
    COALESCE(SUM(CASE WHEN i.done_on IS NOT NULL THEN 1 ELSE 0 END), 0) AS done";

fn counts(r: &fazhi_store::DbRow) -> Result<Summary> {
    Ok(Summary {
        reviewed: r.try_get("reviewed")?,
        retain: r.try_get("retain")?,
        repealed: r.try_get("repealed")?,
        to_repeal: r.try_get("to_repeal")?,
        to_revise: r.try_get("to_revise")?,
        undecided: r.try_get("undecided")?,
        done: r.try_get("done")?,
    })
}

/// The report's figures for a year: every document of the campaigns whose review ended that
/// year, by verdict (FIGURES.md 一(一)2: 345 / 226 / 14 / 95 / 10 → 34.49%).
pub async fn figures(store: &Store, actor: &Actor, year: i32) -> Result<Summary> {
    let (Some(from), Some(until)) = (
        NaiveDate::from_ymd_opt(year, 1, 1),
        NaiveDate::from_ymd_opt(year, 12, 31),
    ) else {
        return Err(Error::invalid("year", "年度超出范围。"));
    };
    let mut sql = Sql::new(&format!(
        "SELECT {COUNTS} FROM normative_cleanups c JOIN normative_cleanup_items i ON i.cleanup_id = c.id
         WHERE c.review_ended_on >= "
    ));
    sql.bind(from.to_string())
        .push(" AND c.review_ended_on <= ")
        .bind(until.to_string())
        .push(" AND ")
        .append(actor.scope.condition("c", RECORD_COLUMNS));
    let row = sql
        .fetch_optional(&mut *store.conn().await?)
        .await?
        .ok_or_else(|| Error::malformed("cleanup figures"))?;
    counts(&row)
}
