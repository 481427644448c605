//! The decisions' SQL: insert, load in scope, write a step's change with a versioned update and
//! its audit entry in the same transaction.

use fazhi_store::audit::{self, AuditEvent};
use fazhi_store::scope::RECORD_COLUMNS;
use fazhi_store::{Row, Sql, Tx, now_ms};
use serde_json::json;

use super::transition::{Change, Consultation, MajorDecision, RiskLevel, Stage};
use crate::{Actor, Ctx, Error, Result};

pub const SUBJECT: &str = "major_decision";

pub async fn load(conn: &mut sqlx::AnyConnection, actor: &Actor, id: i64) -> Result<MajorDecision> {
    let mut sql = Sql::new(
        "SELECT m.*, d.name AS department, r.opinion_number, r.conclusion, r.signed_on AS review_signed_on
         FROM major_decisions m JOIN departments d ON d.id = m.department_id
         LEFT JOIN legality_reviews r ON r.id = m.review_id WHERE m.id = ",
    );
    sql.bind(id)
        .push(" AND ")
        .append(actor.scope.condition("m", RECORD_COLUMNS));
    let row = sql
        .fetch_optional(&mut *conn)
        .await?
        .ok_or(Error::NotFound)?;
    let consultation = consultation(conn, id).await?;
    from_row(&row, consultation)
}

async fn consultation(conn: &mut sqlx::AnyConnection, id: i64) -> Result<Option<Consultation>> {
    let Some(c) = sqlx::query(
        "SELECT c.draft, c.opens_on, c.closes_on, c.short_reason, c.closed_on,
                (SELECT COUNT(*) FROM decision_comments m WHERE m.decision_id = c.decision_id) AS comments,
                (SELECT COUNT(*) FROM decision_comments m WHERE m.decision_id = c.decision_id
                    AND m.disposition IS NULL) AS undisposed
         FROM decision_consultations c WHERE c.decision_id = $1",
    )
    .bind(id)
    .fetch_optional(&mut *conn)
    .await?
    else {
        return Ok(None);
    };
    Ok(Some(Consultation {
        draft: c.try_get("draft")?,
        opens_on: c.try_get("opens_on")?,
        closes_on: c.try_get("closes_on")?,
        short_reason: c.try_get("short_reason")?,
        closed_on: c.try_get("closed_on")?,
        comments: c.try_get("comments")?,
        undisposed: c.try_get("undisposed")?,
    }))
}

fn from_row(row: &sqlx::any::AnyRow, consultation: Option<Consultation>) -> Result<MajorDecision> {
    let stage: String = row.try_get("stage")?;
    let risk: Option<String> = row.try_get("risk_level")?;
    let number: Option<String> = row.try_get("opinion_number")?;
    let conclusion: Option<String> = row.try_get("conclusion")?;
    Ok(MajorDecision {
        id: row.try_get("id")?,
        year: row.try_get("year")?,
        title: row.try_get("title")?,
        summary: row.try_get("summary")?,
        stage: Stage::parse(&stage)
            .ok_or_else(|| Error::malformed(format!("decision stage {stage}")))?,
        department_id: row.try_get("department_id")?,
        department: row.try_get("department")?,
        registered_on: crate::audit::china_time(row.try_get("created_at")?)
            .chars()
            .take(10)
            .collect(),
        participation_exempt: row.try_get("participation_exempt")?,
        expert_exempt: row.try_get("expert_exempt")?,
        risk_exempt: row.try_get("risk_exempt")?,
        consultation,
        expert_on: row.try_get("expert_on")?,
        expert_note: row.try_get("expert_note")?,
        risk_on: row.try_get("risk_on")?,
        risk_level: risk.as_deref().and_then(RiskLevel::parse),
        risk_note: row.try_get("risk_note")?,
        review_id: row.try_get("review_id")?,
        review: number.zip(
            conclusion
                .as_deref()
                .and_then(crate::review::Conclusion::parse)
                .map(|c| c.label_zh().to_string()),
        ),
        review_signed_on: row.try_get("review_signed_on")?,
        decided_on: row.try_get("decided_on")?,
        meeting: row.try_get("meeting")?,
        published_on: row.try_get("published_on")?,
        archived_on: row.try_get("archived_on")?,
        close_note: row.try_get("close_note")?,
        evaluation_started_on: row.try_get("evaluation_started_on")?,
        evaluation_reason: row.try_get("evaluation_reason")?,
        evaluated_on: row.try_get("evaluated_on")?,
        evaluation_report: row.try_get("evaluation_report")?,
        evaluation_follow_up: row.try_get("evaluation_follow_up")?,
        version: row.try_get("version")?,
    })
}

pub struct NewDecision<'a> {
    pub year: i64,
    pub title: &'a str,
    pub summary: &'a str,
    pub participation_exempt: Option<String>,
    pub expert_exempt: Option<String>,
    pub risk_exempt: Option<String>,
}

pub async fn insert(tx: &mut Tx, actor: &Actor, n: &NewDecision<'_>) -> Result<i64> {
    let department_id = actor.scope.department_id;
    let region = crate::org::region_of(tx.conn(), department_id).await?;
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO major_decisions (year, title, summary, stage, participation_exempt, expert_exempt,
            risk_exempt, region_id, department_id, created_by, created_at, updated_at)
         VALUES ($1, $2, $3, 'drafting', $4, $5, $6, $7, $8, $9, $10, $10) RETURNING id",
    )
    .bind(n.year)
    .bind(n.title)
    .bind(n.summary)
    .bind(n.participation_exempt.clone())
    .bind(n.expert_exempt.clone())
    .bind(n.risk_exempt.clone())
    .bind(region)
    .bind(department_id)
    .bind(actor.user_id)
    .bind(now_ms())
    .fetch_one(tx.conn())
    .await?;
    audit::append(
        tx,
        &actor.audit(),
        &AuditEvent {
            action: "create",
            object_type: SUBJECT,
            object_id: Some(id.to_string()),
            detail: json!({
                "title": n.title, "year": n.year,
                "participation_exempt": n.participation_exempt,
                "expert_exempt": n.expert_exempt, "risk_exempt": n.risk_exempt,
            }),
        },
    )
    .await?;
    Ok(id)
}

pub async fn write(tx: &mut Tx, ctx: &Ctx<'_>, d: &MajorDecision, change: &Change) -> Result<()> {
    let (fields, detail): (Vec<(&'static str, fazhi_store::Arg)>, serde_json::Value) = match change
    {
        Change::ConsultationOpened {
            draft,
            opens_on,
            closes_on,
            short_reason,
        } => {
            sqlx::query(
                "INSERT INTO decision_consultations (decision_id, draft, opens_on, closes_on, short_reason)
                 VALUES ($1, $2, $3, $4, $5)",
            )
            .bind(d.id)
            .bind(draft)
            .bind(opens_on.to_string())
            .bind(closes_on.to_string())
            .bind(short_reason.clone())
            .execute(tx.conn())
            .await?;
            (
                Vec::new(),
                json!({ "step": "open_consultation", "opens_on": opens_on.to_string(),
                        "closes_on": closes_on.to_string(), "short_reason": short_reason }),
            )
        }
        Change::ConsultationClosed { on } => {
            // The count the rule saw is checked again under the row lock: a disposition cannot
            // be withdrawn, but a late comment could have arrived.
            let undisposed: i64 = sqlx::query_scalar(
                "SELECT COUNT(*) FROM decision_comments WHERE decision_id = $1 AND disposition IS NULL",
            )
            .bind(d.id)
            .fetch_one(tx.conn())
            .await?;
            if undisposed > 0 {
                return Err(Error::Conflict);
            }
            sqlx::query("UPDATE decision_consultations SET closed_on = $1 WHERE decision_id = $2")
                .bind(on.to_string())
                .bind(d.id)
                .execute(tx.conn())
                .await?;
            (
                Vec::new(),
                json!({ "step": "close_consultation", "on": on.to_string() }),
            )
        }
        Change::ReviewLinked { review_id } => (
            vec![("review_id", (*review_id).into())],
            json!({ "step": "link_review", "review_id": review_id }),
        ),
        Change::Set { step, fields } => (
            fields.iter().map(|(c, v)| (*c, v.clone().into())).collect(),
            json!({
                "step": step.code(),
                "fields": fields.iter().map(|(c, v)| (c.to_string(), json!(v))).collect::<serde_json::Map<_, _>>(),
            }),
        ),
    };
    tx.versioned_update("major_decisions", d.id, d.version, fields)
        .await?;
    audit::append(
        tx,
        &ctx.actor.audit(),
        &AuditEvent {
            action: "update",
            object_type: SUBJECT,
            object_id: Some(d.id.to_string()),
            detail,
        },
    )
    .await?;
    Ok(())
}
