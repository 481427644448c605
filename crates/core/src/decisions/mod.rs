//! Major administrative decisions (重大行政决策): a workflow record on the case's pattern
//! (`transition`: pure steps, the next first; `repo`: versioned writes, each with its audit
//! entry) through the procedures of 《重大行政决策程序暂行条例》; the public consultation with a
//! disposition for every comment (`consultation`); units' annual catalogs and their rates
//! (`catalogs`); and the post-implementation evaluations the report counts.

pub mod catalogs;
pub mod consultation;
mod demo;
mod repo;
pub mod transition;

use fazhi_store::scope::RECORD_COLUMNS;
use fazhi_store::{Row, Sql, Store};
use serde::Serialize;

pub use demo::seed_demo;
pub use transition::{Action, MajorDecision, Owed, RiskLevel, Stage, Step, allowed_steps};

use crate::{Actor, Ctx, Error, Permission, Refusals, Result};

/// The unit's handlers carry their decisions; the supervisors read every unit's.
pub(crate) const KEEPERS: [Permission; 1] = [Permission::CaseHandle];
pub(crate) const READERS: [Permission; 3] = [
    Permission::CaseHandle,
    Permission::SupervisionManage,
    Permission::NormativeManage,
];

/// A decision as the unit registers it from its catalog. A chapter-2 procedure that does not
/// apply says why: public participation only where the law keeps the matter from the public
/// (art. 14), expert review only where the matter is not specialised (art. 19), risk
/// assessment only where nothing threatens social stability or public safety (art. 22).
pub struct New<'a> {
    pub year: &'a str,
    pub title: &'a str,
    pub summary: &'a str,
    pub participation_exempt: &'a str,
    pub expert_exempt: &'a str,
    pub risk_exempt: &'a str,
}

/// Longest reason a procedure does not apply, in characters.
pub const EXEMPT_MAX: usize = 500;

pub async fn create(ctx: &Ctx<'_>, n: &New<'_>) -> Result<i64> {
    ctx.actor.require_any(&KEEPERS)?;
    let mut r = Refusals::default();
    let year = match n.year.trim().parse::<i64>() {
        Ok(y) if (2000..=2100).contains(&y) => y,
        _ => {
            r.push(Error::invalid("year", "请填写决策所属年度，例如 2024。"));
            0
        }
    };
    if n.title.trim().is_empty() {
        r.push(Error::invalid("title", "请填写决策事项名称。"));
    } else if n.title.trim().chars().count() > 200 {
        r.push(Error::invalid("title", "决策事项名称不超过 200 字。"));
    }
    if n.summary.trim().is_empty() {
        r.push(Error::invalid("summary", "请填写决策事项的简要说明。"));
    } else if n.summary.trim().chars().count() > transition::NOTE_MAX {
        r.push(Error::invalid(
            "summary",
            format!("简要说明不超过 {} 字。", transition::NOTE_MAX),
        ));
    }
    for (field, text) in [
        ("participation_exempt", n.participation_exempt),
        ("expert_exempt", n.expert_exempt),
        ("risk_exempt", n.risk_exempt),
    ] {
        if text.trim().chars().count() > EXEMPT_MAX {
            r.push(Error::invalid(
                field,
                format!("理由不超过 {EXEMPT_MAX} 字。"),
            ));
        }
    }
    r.finish()?;
    let reason = |s: &str| Some(s.trim().to_string()).filter(|s| !s.is_empty());
    let mut tx = ctx.store.begin().await?;
    let id = repo::insert(
        &mut tx,
        ctx.actor,
        &repo::NewDecision {
            year,
            title: n.title.trim(),
            summary: n.summary.trim(),
            participation_exempt: reason(n.participation_exempt),
            expert_exempt: reason(n.expert_exempt),
            risk_exempt: reason(n.risk_exempt),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

pub async fn get(store: &Store, actor: &Actor, id: i64) -> Result<MajorDecision> {
    actor.require_any(&READERS)?;
    repo::load(&mut *store.conn().await?, actor, id).await
}

pub async fn apply(ctx: &Ctx<'_>, id: i64, seen_version: i64, action: &Action) -> Result<()> {
    ctx.actor.require_any(&KEEPERS)?;
    let mut tx = ctx.store.begin().await?;
    let d = repo::load(tx.conn(), ctx.actor, id).await?;
    crate::lock_seen(&mut tx, "major_decisions", id, seen_version, d.version).await?;
    let change = transition::transition(&d, action, ctx.clock.today)?;
    repo::write(&mut tx, ctx, &d, &change).await?;
    tx.commit().await?;
    Ok(())
}

#[derive(Clone, Debug, Serialize)]
pub struct Listed {
    pub id: i64,
    pub year: i64,
    pub title: String,
    pub department: String,
    pub stage: Stage,
    pub consultation: Option<(String, String)>,
    pub undisposed: i64,
    pub evaluated_on: Option<String>,
}

#[derive(Clone, Debug, Default)]
pub struct Filter {
    pub year: Option<i64>,
    pub stage: Option<Stage>,
    /// Decisions whose post-evaluation was completed in this year (the report's figure).
    pub evaluated: Option<i64>,
}

/// The decisions in the actor's scope, newest first.
pub async fn list(
    store: &Store,
    actor: &Actor,
    filter: &Filter,
    after: Option<i64>,
) -> Result<fazhi_store::page::Page<Listed>> {
    actor.require_any(&READERS)?;
    let keyset = fazhi_store::page::Keyset::new(after, Some(50));
    let mut sql = Sql::new(
        "SELECT m.id, m.year, m.title, d.name AS department, m.stage, c.opens_on, c.closes_on,
                m.evaluated_on,
                (SELECT COUNT(*) FROM decision_comments k WHERE k.decision_id = m.id
                    AND k.disposition IS NULL) AS undisposed
         FROM major_decisions m JOIN departments d ON d.id = m.department_id
         LEFT JOIN decision_consultations c ON c.decision_id = m.id WHERE ",
    );
    sql.append(actor.scope.condition("m", RECORD_COLUMNS));
    if let Some(y) = filter.year {
        sql.push(" AND m.year = ").bind(y);
    }
    if let Some(s) = filter.stage {
        sql.push(" AND m.stage = ").bind(s.code());
    }
    if let Some(y) = filter.evaluated {
        sql.push(" AND m.evaluated_on >= ")
            .bind(format!("{y}-01-01"))
            .push(" AND m.evaluated_on <= ")
            .bind(format!("{y}-12-31"));
    }
    keyset.apply(&mut sql, "m.id");
    let items = sql
        .fetch_all(&mut *store.conn().await?)
        .await?
        .iter()
        .map(|r| {
            let stage: String = r.try_get("stage")?;
            let opens: Option<String> = r.try_get("opens_on")?;
            let closes: Option<String> = r.try_get("closes_on")?;
            Ok(Listed {
                id: r.try_get("id")?,
                year: r.try_get("year")?,
                title: r.try_get("title")?,
                department: r.try_get("department")?,
                stage: Stage::parse(&stage)
                    .ok_or_else(|| Error::malformed(format!("decision stage {stage}")))?,
                consultation: opens.zip(closes),
                undisposed: r.try_get("undisposed")?,
                evaluated_on: r.try_get("evaluated_on")?,
            })
        })
        .collect::<Result<Vec<_>>>()?;
    Ok(keyset.finish(items, |l| l.id))
}

/// Post-implementation evaluations completed in `year` (the report's 后评估 figure).
pub async fn evaluations_in_year(store: &Store, actor: &Actor, year: i32) -> Result<i64> {
    let mut sql = Sql::new("SELECT COUNT(*) AS n FROM major_decisions m WHERE ");
    sql.append(actor.scope.condition("m", RECORD_COLUMNS))
        .push(" AND m.evaluated_on >= ")
        .bind(format!("{year}-01-01"))
        .push(" AND m.evaluated_on <= ")
        .bind(format!("{year}-12-31"));
    let row = sql
        .fetch_optional(&mut *store.conn().await?)
        .await?
        .ok_or(Error::NotFound)?;
    Ok(row.try_get("n")?)
}
