//! Administrative suits defended (行政诉讼应诉): a workflow record on the case's pattern
//! (`transition`: pure steps; the SQL here: versioned writes with the answer's limit and the
//! audit entry in one transaction) and the report's figures — the first-instance appearance
//! rate, leaders' appearances, cases taken by a leader, medium- and high-risk cases resolved,
//! lost cases followed by accountability.

pub mod transition;

use chrono::NaiveDate;
use fazhi_store::audit::{self, AuditEvent};
use fazhi_store::scope::RECORD_COLUMNS;
use fazhi_store::{Row, Sql, Store, Tx, now_ms};
use serde::Serialize;
use serde_json::json;

pub use transition::{Action, Appearance, Judgment, Litigation, Risk, Stage, Step, allowed_steps};

use crate::deadlines::{self, NewDeadline};
use crate::workflow::{day, fields_json};
use crate::{Actor, Ctx, Error, Permission, Refusals, Result};

pub const SUBJECT: &str = "litigation";
const HANDLERS: [Permission; 1] = [Permission::LitigationHandle];

fn from_row(row: &sqlx::any::AnyRow) -> Result<Litigation> {
    let code = |c: &str| -> Result<Option<String>> { Ok(row.try_get(c)?) };
    let stage = code("stage")?.unwrap_or_default();
    Ok(Litigation {
        id: row.try_get("id")?,
        court: row.try_get("court")?,
        court_number: row.try_get("court_number")?,
        plaintiff: row.try_get("plaintiff")?,
        defendant_id: row.try_get("defendant_id")?,
        defendant: row.try_get("defendant")?,
        act: row.try_get("act")?,
        claim: row.try_get("claim")?,
        served_on: day(row, "served_on")?.ok_or_else(|| Error::malformed("served_on"))?,
        stage: Stage::parse(&stage).ok_or_else(|| Error::malformed(format!("stage {stage}")))?,
        answered_on: day(row, "answered_on")?,
        risk: code("risk")?.as_deref().and_then(Risk::parse),
        risk_reason: row.try_get("risk_reason")?,
        leader: row.try_get("leader")?,
        hearing_on: day(row, "hearing_on")?,
        appearance: code("appearance")?.as_deref().and_then(Appearance::parse),
        appeared_name: row.try_get("appeared_name")?,
        appeared_title: row.try_get("appeared_title")?,
        absence_reason: row.try_get("absence_reason")?,
        judged_on: day(row, "judged_on")?,
        judgment: code("judgment")?.as_deref().and_then(Judgment::parse),
        judgment_note: row.try_get("judgment_note")?,
        accountability: row.try_get("accountability")?,
        version: row.try_get("version")?,
    })
}

const SELECT: &str = "SELECT l.*, d.name AS defendant FROM litigations l
     JOIN departments d ON d.id = l.defendant_id WHERE ";

async fn load(conn: &mut sqlx::AnyConnection, actor: &Actor, id: i64) -> Result<Litigation> {
    let mut sql = Sql::new(SELECT);
    sql.push("l.id = ")
        .bind(id)
        .push(" AND ")
        .append(actor.scope.condition("l", RECORD_COLUMNS));
    from_row(&sql.fetch_optional(conn).await?.ok_or(Error::NotFound)?)
}

/// A suit as the complaint's copy arrives.
pub struct NewSuit<'a> {
    pub court: &'a str,
    pub court_number: &'a str,
    pub plaintiff: &'a str,
    pub defendant_id: Option<i64>,
    pub act: &'a str,
    pub claim: &'a str,
    pub served_on: Option<NaiveDate>,
}

/// Registers a suit and starts the answer's limit (行政诉讼法 art. 67).
pub async fn register(ctx: &Ctx<'_>, n: &NewSuit<'_>) -> Result<i64> {
    ctx.actor.require_any(&HANDLERS)?;
    let mut r = Refusals::default();
    for (field, value, what, max) in [
        ("court", n.court, "法院", 100),
        ("court_number", n.court_number, "法院案号", 100),
        ("plaintiff", n.plaintiff, "原告", 100),
        ("act", n.act, "被诉行政行为", 500),
        ("claim", n.claim, "诉讼请求", 2000),
    ] {
        let len = value.trim().chars().count();
        if len == 0 {
            r.push(Error::invalid(field, format!("请填写{what}。")));
        } else if len > max {
            r.push(Error::invalid(field, format!("{what}不超过 {max} 字。")));
        }
    }
    if n.defendant_id.is_none() {
        r.push(Error::invalid("defendant_id", "请选择被告。"));
    }
    match n.served_on {
        None => r.push(Error::invalid("served_on", "请填写收到起诉状副本的日期。")),
        Some(d) if d > ctx.clock.today => r.push(Error::invalid(
            "served_on",
            "收到起诉状副本的日期在今天之后。",
        )),
        _ => {}
    }
    r.finish()?;
    let (Some(defendant_id), Some(served_on)) = (n.defendant_id, n.served_on) else {
        return Err(Error::NotFound);
    };
    let mut tx = ctx.store.begin().await?;
    crate::org::region_of(tx.conn(), defendant_id)
        .await
        .map_err(|_| Error::invalid("defendant_id", "被告不存在。"))?;
    // The court's code is in the number (浙0681): a number is one case whichever court is typed.
    let number = transition::court_number(n.court_number);
    let taken: Option<i64> =
        sqlx::query_scalar("SELECT id FROM litigations WHERE court_number = $1")
            .bind(&number)
            .fetch_optional(tx.conn())
            .await?;
    if let Some(other) = taken {
        return Err(Error::invalid(
            "court_number",
            format!("该法院案号已登记（应诉案件 {other}）。"),
        ));
    }
    let department_id = ctx.actor.scope.department_id;
    let region = crate::org::region_of(tx.conn(), department_id).await?;
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO litigations (court, court_number, plaintiff, defendant_id, act, claim, served_on,
            stage, region_id, department_id, created_by, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, 'pending', $8, $9, $10, $11, $11) RETURNING id",
    )
    .bind(n.court.trim())
    .bind(&number)
    .bind(n.plaintiff.trim())
    .bind(defendant_id)
    .bind(n.act.trim())
    .bind(n.claim.trim())
    .bind(served_on.to_string())
    .bind(region)
    .bind(department_id)
    .bind(ctx.actor.user_id)
    .bind(now_ms())
    .fetch_one(tx.conn())
    .await?;
    deadlines::create(
        &mut tx,
        ctx.actor,
        ctx.clock.cal,
        ctx.clock.policy,
        &NewDeadline {
            subject_type: SUBJECT.into(),
            subject_id: id.to_string(),
            purpose: "提交答辩状、证据和所依据的规范性文件".into(),
            law: "《中华人民共和国行政诉讼法》".into(),
            article: transition::ART_ANSWER.into(),
            start_event: "收到起诉状副本".into(),
            start_on: served_on,
            period: transition::answer_period(),
            responsible_user_id: ctx.actor.user_id,
            department_id,
            party_period: false,
        },
        ctx.clock.today,
    )
    .await?;
    audit::append(
        &mut tx,
        &ctx.actor.audit(),
        &AuditEvent {
            action: "create",
            object_type: SUBJECT,
            object_id: Some(id.to_string()),
            detail: json!({ "court": n.court.trim(), "court_number": number,
                "defendant_id": defendant_id, "served_on": served_on.to_string() }),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

pub async fn get(store: &Store, actor: &Actor, id: i64) -> Result<Litigation> {
    actor.require_any(&HANDLERS)?;
    load(&mut *store.conn().await?, actor, id).await
}

async fn write(
    tx: &mut Tx,
    ctx: &Ctx<'_>,
    l: &Litigation,
    change: &transition::Change,
) -> Result<()> {
    if change.meets_answer {
        deadlines::meet(
            tx,
            ctx.actor,
            SUBJECT,
            &l.id.to_string(),
            transition::ART_ANSWER,
            change.on.unwrap_or(ctx.clock.today),
        )
        .await?;
    }
    tx.versioned_update("litigations", l.id, l.version, change.fields.clone())
        .await?;
    audit::append(
        tx,
        &ctx.actor.audit(),
        &AuditEvent {
            action: "update",
            object_type: SUBJECT,
            object_id: Some(l.id.to_string()),
            detail: json!({
                "fields": fields_json(&change.fields),
            }),
        },
    )
    .await?;
    Ok(())
}

pub async fn apply(ctx: &Ctx<'_>, id: i64, seen_version: i64, action: &Action) -> Result<()> {
    ctx.actor.require_any(&HANDLERS)?;
    let mut tx = ctx.store.begin().await?;
    let l = load(tx.conn(), ctx.actor, id).await?;
    crate::lock_seen(&mut tx, "litigations", id, seen_version, l.version).await?;
    let change = transition::transition(&l, action, ctx.clock.today)?;
    write(&mut tx, ctx, &l, &change).await?;
    tx.commit().await?;
    Ok(())
}

#[derive(Clone, Debug, Default)]
pub struct Filter {
    /// Heard in this year (the appearance rate's records).
    pub heard_in: Option<i32>,
    pub appearance: Option<Appearance>,
    pub judgment: Option<Judgment>,
}

fn in_year(sql: &mut Sql, column: &str, year: i32) {
    sql.push(" AND ")
        .push(column)
        .push(" >= ")
        .bind(format!("{year:04}-01-01"))
        .push(" AND ")
        .push(column)
        .push(" <= ")
        .bind(format!("{year:04}-12-31"));
}

/// The suits in the actor's scope, newest first.
pub async fn list(
    store: &Store,
    actor: &Actor,
    filter: &Filter,
    after: Option<i64>,
) -> Result<fazhi_store::page::Page<Litigation>> {
    actor.require_any(&HANDLERS)?;
    let keyset = fazhi_store::page::Keyset::new(after, Some(50));
    let mut sql = Sql::new(SELECT);
    sql.append(actor.scope.condition("l", RECORD_COLUMNS));
    if let Some(y) = filter.heard_in {
        in_year(&mut sql, "l.hearing_on", y);
    }
    if let Some(a) = filter.appearance {
        sql.push(" AND l.appearance = ").bind(a.code());
    }
    if let Some(j) = filter.judgment {
        sql.push(" AND l.judgment = ").bind(j.code());
    }
    keyset.apply(&mut sql, "l.id");
    let items = sql
        .fetch_all(&mut *store.conn().await?)
        .await?
        .iter()
        .map(from_row)
        .collect::<Result<Vec<_>>>()?;
    Ok(keyset.finish(items, |l| l.id))
}

/// A year's figures, within the actor's scope.
#[derive(Clone, Debug, Default, Serialize)]
pub struct Figures {
    /// First-instance hearings held in the year, and those the responsible person attended.
    pub hearings: i64,
    pub responsible_appeared: i64,
    /// Judgments in the year: lost, and lost followed by accountability.
    pub lost: i64,
    pub accountability: i64,
    /// Cases taken by a leader (领导包案) judged or closed in the year.
    pub leader_cases: i64,
    /// Medium- or high-risk cases closed in the year without a loss (化解).
    pub risk_resolved: i64,
}

impl Figures {
    /// 一审出庭应诉率: hearings the responsible person attended ÷ hearings held.
    pub fn appearance_rate(&self) -> Option<f64> {
        (self.hearings > 0).then(|| self.responsible_appeared as f64 / self.hearings as f64)
    }
}

pub async fn figures(store: &Store, actor: &Actor, year: i32) -> Result<Figures> {
    let (from, until) = (format!("{year:04}-01-01"), format!("{year:04}-12-31"));
    let mut sql = Sql::new("SELECT");
    let mut first = true;
    let mut count = |alias: &str, column: &str, more: &str| {
        sql.push(if first { " " } else { ", " })
            .push("CAST(SUM(CASE WHEN ")
            .push(column)
            .push(" >= ")
            .bind(from.clone())
            .push(" AND ")
            .push(column)
            .push(" <= ")
            .bind(until.clone())
            .push(more)
            .push(" THEN 1 ELSE 0 END) AS BIGINT) AS ")
            .push(alias);
        first = false;
    };
    // 一审: first-instance suits only (行初 in the court number).
    count(
        "hearings",
        "l.hearing_on",
        " AND l.court_number LIKE '%行初%'",
    );
    count(
        "responsible_appeared",
        "l.hearing_on",
        " AND l.court_number LIKE '%行初%' AND l.appearance = 'responsible'",
    );
    count("lost", "l.judged_on", " AND l.judgment = 'lost'");
    count(
        "accountability",
        "l.judged_on",
        " AND l.judgment = 'lost' AND l.accountability IS NOT NULL",
    );
    count("leader_cases", "l.judged_on", " AND l.leader IS NOT NULL");
    count(
        "risk_resolved",
        "l.judged_on",
        " AND l.risk IN ('high', 'medium') AND l.judgment <> 'lost'",
    );
    sql.push(" FROM litigations l WHERE ")
        .append(actor.scope.condition("l", RECORD_COLUMNS));
    let row = sql
        .fetch_optional(&mut *store.conn().await?)
        .await?
        .ok_or(Error::NotFound)?;
    let n = |c: &str| -> Result<i64> { Ok(row.try_get::<Option<i64>, _>(c)?.unwrap_or(0)) };
    Ok(Figures {
        hearings: n("hearings")?,
        responsible_appeared: n("responsible_appeared")?,
        lost: n("lost")?,
        accountability: n("accountability")?,
        leader_cases: n("leader_cases")?,
        risk_resolved: n("risk_resolved")?,
    })
}
