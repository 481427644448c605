//! The disputes' SQL: insert one with its parties, its first routing and its level's limit;
//! load one in scope; write a step's change — columns, routing, limits met and started, audit
//! entry — in the caller's transaction.

use chrono::NaiveDate;
use fazhi_kernel::period::Period;
use fazhi_store::audit::{self, AuditEvent};
use fazhi_store::scope::RECORD_COLUMNS;
use fazhi_store::{Arg, Row, Sql, Tx, now_ms};
use serde_json::json;

use super::routing::Rules;
use super::transition::{
    ART_CONFIRM, CONFIRM_DAYS, Cause, Change, Channel, Dispute, Handler, Kind, LAW, Party,
    Satisfaction, Stage, Start, Target, Track,
};
use crate::deadlines::{self, NewDeadline};
use crate::workflow::{day, fields_json, required_day};
use crate::{Actor, Ctx, Error, Result};

pub const SUBJECT: &str = "dispute";

pub const COLUMNS: &str = "d.*, t.name AS town_department, r.name AS town";
pub const FROM: &str = "FROM disputes d JOIN departments t ON t.id = d.town_id
    JOIN regions r ON r.id = t.region_id";

fn code<T>(row: &sqlx::any::AnyRow, column: &str, parse: fn(&str) -> Option<T>) -> Result<T> {
    let v: String = row.try_get(column)?;
    parse(&v).ok_or_else(|| Error::malformed(format!("{column} {v}")))
}

pub fn from_row(row: &sqlx::any::AnyRow) -> Result<Dispute> {
    let satisfaction: Option<String> = row.try_get("satisfaction")?;
    Ok(Dispute {
        id: row.try_get("id")?,
        channel: code(row, "channel", Channel::parse)?,
        hotline_ref: row.try_get("hotline_ref")?,
        kind: code(row, "kind", Kind::parse)?,
        town_id: row.try_get("town_id")?,
        town: row.try_get("town")?,
        village: row.try_get("village")?,
        description: row.try_get("description")?,
        amount: row.try_get("amount")?,
        party_count: row.try_get("party_count")?,
        received_on: required_day(row, "received_on")?,
        track: code(row, "track", Track::parse)?,
        handler: code(row, "handler", Handler::parse)?,
        handler_name: row.try_get("handler_name")?,
        department_id: row.try_get("department_id")?,
        level_since: required_day(row, "level_since")?,
        stage: code(row, "stage", Stage::parse)?,
        escalations: row.try_get("escalations")?,
        closed_on: day(row, "closed_on")?,
        agreement: row.try_get("agreement")?,
        oral_agreement: row
            .try_get::<Option<i64>, _>("oral_agreement")?
            .is_some_and(|v| v != 0),
        confirm_applied_on: day(row, "confirm_applied_on")?,
        confirmed_on: day(row, "confirmed_on")?,
        confirm_court_ref: row.try_get("confirm_court_ref")?,
        referred_to: row.try_get("referred_to")?,
        close_note: row.try_get("close_note")?,
        followed_up_on: day(row, "followed_up_on")?,
        satisfaction: satisfaction.as_deref().and_then(Satisfaction::parse),
        follow_up_note: row.try_get("follow_up_note")?,
        version: row.try_get("version")?,
    })
}

pub async fn load(conn: &mut sqlx::AnyConnection, actor: &Actor, id: i64) -> Result<Dispute> {
    let mut sql = Sql::new(&format!("SELECT {COLUMNS} {FROM} WHERE d.id = "));
    sql.bind(id)
        .push(" AND ")
        .append(actor.scope.condition("d", RECORD_COLUMNS));
    let row = sql.fetch_optional(conn).await?.ok_or(Error::NotFound)?;
    from_row(&row)
}

pub async fn parties(conn: &mut sqlx::AnyConnection, id: i64) -> Result<Vec<Party>> {
    let rows: Vec<(String, String, Option<String>)> = sqlx::query_as(
        "SELECT side, name, phone_masked FROM dispute_parties WHERE dispute_id = $1 ORDER BY id",
    )
    .bind(id)
    .fetch_all(conn)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(side, name, phone)| Party {
            side,
            name,
            phone: phone.unwrap_or_default(),
        })
        .collect())
}

/// One routing of a dispute as recorded.
#[derive(Clone, Debug)]
pub struct Routing {
    pub routed_on: String,
    pub cause: Cause,
    pub handler_name: String,
    pub track: Track,
    pub explanation: String,
    pub reason: Option<String>,
}

pub async fn routings(conn: &mut sqlx::AnyConnection, id: i64) -> Result<Vec<Routing>> {
    let rows = sqlx::query(
        "SELECT routed_on, cause, handler_name, track, explanation, reason FROM dispute_routings
         WHERE dispute_id = $1 ORDER BY id",
    )
    .bind(id)
    .fetch_all(conn)
    .await?;
    rows.iter()
        .map(|row| {
            Ok(Routing {
                routed_on: row.try_get("routed_on")?,
                cause: code(row, "cause", Cause::parse)?,
                handler_name: row.try_get("handler_name")?,
                track: code(row, "track", Track::parse)?,
                explanation: row.try_get("explanation")?,
                reason: row.try_get("reason")?,
            })
        })
        .collect()
}

/// A party as typed, its phone already checked.
pub struct NewParty {
    pub side: &'static str,
    pub name: String,
    pub phone: Option<fazhi_kernel::ids::contact::Mobile>,
}

pub struct NewDispute<'a> {
    pub channel: Channel,
    pub hotline_ref: Option<&'a str>,
    pub kind: Kind,
    pub town_id: i64,
    pub village: &'a str,
    pub description: &'a str,
    pub amount: Option<i64>,
    pub party_count: i64,
    pub applicant_index: Option<&'a str>,
    pub received_on: NaiveDate,
    pub parties: &'a [NewParty],
}

async fn record_routing(
    tx: &mut Tx,
    actor: &Actor,
    id: i64,
    on: NaiveDate,
    (cause, to, reason): (Cause, &Target, Option<&str>),
) -> Result<()> {
    sqlx::query(
        "INSERT INTO dispute_routings (dispute_id, routed_on, cause, handler, handler_name,
            department_id, track, rule_no, explanation, reason, created_by, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
    )
    .bind(id)
    .bind(on.to_string())
    .bind(cause.code())
    .bind(to.handler.code())
    .bind(&to.name)
    .bind(to.department_id)
    .bind(to.track.code())
    .bind(to.rule_no.map(i64::from))
    .bind(&to.explanation)
    .bind(reason)
    .bind(actor.user_id)
    .bind(now_ms())
    .execute(tx.conn())
    .await?;
    Ok(())
}

/// The level's limit (or the handling's, at a department) from the rules, by the track.
async fn start_level(
    tx: &mut Tx,
    ctx: &Ctx<'_>,
    rules: &Rules,
    id: i64,
    on: NaiveDate,
    to: &Target,
) -> Result<()> {
    let (days, law, article) = rules
        .limit(to.handler, to.track)
        .ok_or_else(|| Error::malformed(format!("dispute limit {}", to.track.code())))?;
    let purpose = match to.handler.level() {
        Some(level) => format!("{}调解（{}）", level.label_zh(), to.track.label_zh()),
        None => format!(
            "移交{}办理（{}）",
            to.handler.label_zh(),
            to.track.label_zh()
        ),
    };
    deadlines::create(
        tx,
        ctx.actor,
        ctx.clock.cal,
        ctx.clock.policy,
        &NewDeadline {
            subject_type: SUBJECT.into(),
            subject_id: id.to_string(),
            purpose,
            law: law.into(),
            article: article.into(),
            start_event: format!("{}受理", to.name),
            start_on: on,
            period: Period::CalendarDays(days),
            responsible_user_id: ctx
                .actor
                .user_id
                .filter(|_| ctx.actor.scope.department_id == to.department_id),
            department_id: to.department_id,
            party_period: false,
        },
        ctx.clock.today,
    )
    .await?;
    Ok(())
}

pub async fn insert(
    tx: &mut Tx,
    ctx: &Ctx<'_>,
    rules: &Rules,
    n: &NewDispute<'_>,
    to: &Target,
) -> Result<i64> {
    let region = crate::org::region_of(tx.conn(), to.department_id).await?;
    let now = now_ms();
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO disputes (channel, hotline_ref, kind, town_id, village, description, amount,
            party_count, applicant_index, received_on, track, handler, handler_name, level_since,
            stage, region_id, department_id, created_by, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $10, 'open', $14, $15,
            $16, $17, $17)
         RETURNING id",
    )
    .bind(n.channel.code())
    .bind(n.hotline_ref)
    .bind(n.kind.code())
    .bind(n.town_id)
    .bind(n.village)
    .bind(n.description)
    .bind(n.amount)
    .bind(n.party_count)
    .bind(n.applicant_index)
    .bind(n.received_on.to_string())
    .bind(to.track.code())
    .bind(to.handler.code())
    .bind(&to.name)
    .bind(region)
    .bind(to.department_id)
    .bind(ctx.actor.user_id)
    .bind(now)
    .fetch_one(tx.conn())
    .await?;
    for p in n.parties {
        sqlx::query(
            "INSERT INTO dispute_parties (dispute_id, side, name, phone_sealed, phone_masked)
             VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(id)
        .bind(p.side)
        .bind(&p.name)
        .bind(
            p.phone
                .as_ref()
                .map(|m| ctx.keyring.seal("dispute-party-phone", m.as_str()))
                .transpose()?,
        )
        .bind(p.phone.as_ref().map(|m| m.masked()))
        .execute(tx.conn())
        .await?;
    }
    record_routing(tx, ctx.actor, id, n.received_on, (Cause::Rules, to, None)).await?;
    start_level(tx, ctx, rules, id, n.received_on, to).await?;
    audit::append(
        tx,
        &ctx.actor.audit(),
        &AuditEvent {
            action: "create",
            object_type: SUBJECT,
            object_id: Some(id.to_string()),
            detail: json!({ "channel": n.channel.code(), "kind": n.kind.code(),
                "hotline_ref": n.hotline_ref, "handler": to.handler.code(),
                "department_id": to.department_id, "rule_no": to.rule_no,
                "received_on": n.received_on.to_string() }),
        },
    )
    .await?;
    Ok(id)
}

/// The dispute's open limits other than the parties' confirmation window: the level's.
async fn open_level_articles(tx: &mut Tx, id: i64) -> Result<Vec<String>> {
    Ok(sqlx::query_scalar(
        "SELECT article FROM deadlines WHERE subject_type = $1 AND subject_id = $2
           AND state <> 'met' AND article <> $3",
    )
    .bind(SUBJECT)
    .bind(id.to_string())
    .bind(ART_CONFIRM)
    .fetch_all(tx.conn())
    .await?)
}

pub async fn write(
    tx: &mut Tx,
    ctx: &Ctx<'_>,
    rules: &Rules,
    d: &Dispute,
    change: &Change,
) -> Result<()> {
    let on = change.on.unwrap_or(ctx.clock.today);
    let subject = d.id.to_string();
    if change.meets_level {
        for article in open_level_articles(tx, d.id).await? {
            deadlines::meet(tx, ctx.actor, SUBJECT, &subject, &article, on).await?;
        }
    }
    if change.meets_confirmation {
        deadlines::meet(tx, ctx.actor, SUBJECT, &subject, ART_CONFIRM, on).await?;
    }
    let mut fields = change.fields.clone();
    if let Some((cause, to, reason)) = &change.routing {
        let region = crate::org::region_of(tx.conn(), to.department_id).await?;
        fields.push(("region_id", Arg::Int(region)));
        record_routing(tx, ctx.actor, d.id, on, (*cause, to, Some(reason))).await?;
    }
    for s in &change.starts {
        match s {
            Start::Level(to) => start_level(tx, ctx, rules, d.id, on, to).await?,
            Start::Confirmation(agreed) => {
                deadlines::create(
                    tx,
                    ctx.actor,
                    ctx.clock.cal,
                    ctx.clock.policy,
                    &NewDeadline {
                        subject_type: SUBJECT.into(),
                        subject_id: subject.clone(),
                        purpose: "当事人共同申请司法确认".into(),
                        law: LAW.into(),
                        article: ART_CONFIRM.into(),
                        start_event: "调解协议生效".into(),
                        start_on: *agreed,
                        period: Period::CalendarDays(CONFIRM_DAYS),
                        responsible_user_id: None,
                        department_id: d.department_id,
                        party_period: true,
                    },
                    ctx.clock.today,
                )
                .await?;
            }
        }
    }
    tx.versioned_update("disputes", d.id, d.version, fields.clone())
        .await?;
    audit::append(
        tx,
        &ctx.actor.audit(),
        &AuditEvent {
            action: "update",
            object_type: SUBJECT,
            object_id: Some(subject),
            detail: json!({
                "fields": fields_json(&fields),
                "routing": change.routing.as_ref().map(|(c, t, r)| json!({
                    "cause": c.code(), "handler": t.handler.code(), "department_id": t.department_id,
                    "rule_no": t.rule_no, "reason": r })),
            }),
        },
    )
    .await?;
    Ok(())
}
