//! The reconsiderations' SQL: insert an application with its acceptance limit, load one in
//! scope, write a step's change — columns, limits started, met and extended, audit entry — in
//! the caller's transaction.

use chrono::NaiveDate;
use fazhi_store::audit::{self, AuditEvent};
use fazhi_store::scope::RECORD_COLUMNS;
use fazhi_store::{Row, Sql, Tx, now_ms};
use serde_json::json;

use super::transition::{
    Change, Channel, Limit, Outcome, Procedure, Reconsideration, SimplifiedGround, Stage,
};
use crate::deadlines::{self, NewDeadline};
use crate::workflow::{day, fields_json, required_day};
use crate::{Actor, Ctx, Error, Result};

pub const SUBJECT: &str = "reconsideration";

pub async fn load(
    conn: &mut sqlx::AnyConnection,
    actor: &Actor,
    id: i64,
) -> Result<Reconsideration> {
    let mut sql = Sql::new(
        "SELECT r.*, d.name AS respondent FROM reconsiderations r
         JOIN departments d ON d.id = r.respondent_id WHERE r.id = ",
    );
    sql.bind(id)
        .push(" AND ")
        .append(actor.scope.condition("r", RECORD_COLUMNS));
    let row = sql.fetch_optional(conn).await?.ok_or(Error::NotFound)?;
    from_row(&row)
}

pub fn from_row(row: &sqlx::any::AnyRow) -> Result<Reconsideration> {
    let code = |column: &str| -> Result<Option<String>> { Ok(row.try_get(column)?) };
    let stage = code("stage")?.unwrap_or_default();
    let channel = code("channel")?.unwrap_or_default();
    Ok(Reconsideration {
        id: row.try_get("id")?,
        law: row.try_get("law")?,
        channel: Channel::parse(&channel)
            .ok_or_else(|| Error::malformed(format!("channel {channel}")))?,
        applicant: row.try_get("applicant")?,
        respondent_id: row.try_get("respondent_id")?,
        respondent: row.try_get("respondent")?,
        act: row.try_get("act")?,
        case_id: row.try_get("case_id")?,
        request: row.try_get("request")?,
        known_on: required_day(row, "known_on")?,
        right_explained: fazhi_store::flag(row.try_get("right_explained")?),
        received_on: required_day(row, "received_on")?,
        stage: Stage::parse(&stage).ok_or_else(|| Error::malformed(format!("stage {stage}")))?,
        completion_requested_on: day(row, "completion_requested_on")?,
        completion_items: row.try_get("completion_items")?,
        completed_on: day(row, "completed_on")?,
        accepted_on: day(row, "accepted_on")?,
        number: row.try_get("number")?,
        delay_reason: row.try_get("delay_reason")?,
        procedure: code("procedure")?.as_deref().and_then(Procedure::parse),
        simplified_ground: code("simplified_ground")?
            .as_deref()
            .and_then(SimplifiedGround::parse),
        copy_sent_on: day(row, "copy_sent_on")?,
        answered_on: day(row, "answered_on")?,
        hearing_notice_on: day(row, "hearing_notice_on")?,
        hearing_on: day(row, "hearing_on")?,
        heard_on: day(row, "heard_on")?,
        extended_on: day(row, "extended_on")?,
        extension_days: row.try_get("extension_days")?,
        extension_reason: row.try_get("extension_reason")?,
        closed_on: day(row, "closed_on")?,
        outcome: code("outcome")?.as_deref().and_then(Outcome::parse),
        decision_text: row.try_get("decision_text")?,
        close_note: row.try_get("close_note")?,
        version: row.try_get("version")?,
    })
}

/// An application as registered at the window, online or by post.
pub struct NewApplication<'a> {
    pub channel: Channel,
    pub applicant: &'a str,
    pub respondent_id: i64,
    pub act: &'a str,
    pub case_id: Option<i64>,
    pub request: &'a str,
    pub known_on: NaiveDate,
    pub right_explained: bool,
    pub received_on: NaiveDate,
}

async fn start(
    tx: &mut Tx,
    ctx: &Ctx<'_>,
    (id, department_id): (i64, i64),
    law: &str,
    l: &Limit,
) -> Result<()> {
    deadlines::create(
        tx,
        ctx.actor,
        ctx.clock.cal,
        ctx.clock.policy,
        &NewDeadline {
            subject_type: SUBJECT.into(),
            subject_id: id.to_string(),
            purpose: l.purpose.into(),
            law: super::transition::articles(law).law.into(),
            article: l.article.into(),
            start_event: l.start_event.into(),
            start_on: l.on,
            period: l.period,
            responsible_user_id: ctx.actor.user_id,
            department_id,
            party_period: l.article == super::transition::articles(law).complete,
        },
        ctx.clock.today,
    )
    .await?;
    Ok(())
}

pub async fn insert(tx: &mut Tx, ctx: &Ctx<'_>, n: &NewApplication<'_>) -> Result<i64> {
    let department_id = ctx.actor.scope.department_id;
    let region = crate::org::region_of(tx.conn(), department_id).await?;
    let law = super::transition::law_for(n.received_on);
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO reconsiderations (law, channel, applicant, respondent_id, act, case_id, request,
            known_on, right_explained, received_on, stage, region_id, department_id, created_by,
            created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 'received', $11, $12, $13, $14, $14)
         RETURNING id",
    )
    .bind(law)
    .bind(n.channel.code())
    .bind(n.applicant)
    .bind(n.respondent_id)
    .bind(n.act)
    .bind(n.case_id)
    .bind(n.request)
    .bind(n.known_on.to_string())
    .bind(i64::from(n.right_explained))
    .bind(n.received_on.to_string())
    .bind(region)
    .bind(department_id)
    .bind(ctx.actor.user_id)
    .bind(now_ms())
    .fetch_one(tx.conn())
    .await?;
    start(
        tx,
        ctx,
        (id, department_id),
        law,
        &super::transition::acceptance_limit(law, n.received_on, "收到行政复议申请"),
    )
    .await?;
    audit::append(
        tx,
        &ctx.actor.audit(),
        &AuditEvent {
            action: "create",
            object_type: SUBJECT,
            object_id: Some(id.to_string()),
            detail: json!({ "law": law, "channel": n.channel.code(), "respondent_id": n.respondent_id,
                "case_id": n.case_id, "received_on": n.received_on.to_string() }),
        },
    )
    .await?;
    Ok(id)
}

/// The department the reconsideration body's limits answer to: its own record's.
async fn department_of(tx: &mut Tx, id: i64) -> Result<i64> {
    Ok(
        sqlx::query_scalar("SELECT department_id FROM reconsiderations WHERE id = $1")
            .bind(id)
            .fetch_one(tx.conn())
            .await?,
    )
}

pub async fn write(tx: &mut Tx, ctx: &Ctx<'_>, r: &Reconsideration, change: &Change) -> Result<()> {
    let department_id = department_of(tx, r.id).await?;
    let met_on = change.on.unwrap_or(ctx.clock.today);
    for article in &change.meets {
        deadlines::meet(tx, ctx.actor, SUBJECT, &r.id.to_string(), article, met_on).await?;
    }
    for l in &change.starts {
        start(tx, ctx, (r.id, department_id), &r.law, l).await?;
    }
    if let Some((days, reason)) = &change.extends {
        deadlines::extend_in(
            tx,
            ctx.actor,
            ctx.clock,
            SUBJECT,
            &r.id.to_string(),
            super::transition::articles(&r.law).decide,
            fazhi_kernel::period::Period::CalendarDays(*days),
            (met_on, reason),
        )
        .await?;
    }
    let fields = change.fields.clone();
    tx.versioned_update("reconsiderations", r.id, r.version, fields)
        .await?;
    audit::append(
        tx,
        &ctx.actor.audit(),
        &AuditEvent {
            action: "update",
            object_type: SUBJECT,
            object_id: Some(r.id.to_string()),
            detail: json!({
                "fields": fields_json(&change.fields),
                "limits_started": change.starts.iter().map(|l| l.article).collect::<Vec<_>>(),
                "limits_met": change.meets,
            }),
        },
    )
    .await?;
    Ok(())
}
