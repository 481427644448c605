//! The contracts' SQL: insert, load in scope, write a step's change with a versioned update, the
//! milestones' deadlines and the audit entry.

use chrono::NaiveDate;
use fazhi_kernel::period::Period;
use fazhi_store::audit::{self, AuditEvent};
use fazhi_store::scope::RECORD_COLUMNS;
use fazhi_store::{Row, Sql, Tx, now_ms};
use serde_json::json;

use super::transition::{AdministrativeContract, Change, Milestone, Stage};
use crate::deadlines::{self, NewDeadline};
use crate::{Actor, Ctx, Error, Result};

pub const SUBJECT: &str = "administrative_contract";
pub const MILESTONE: &str = "contract_milestone";

pub async fn load(
    conn: &mut sqlx::AnyConnection,
    actor: &Actor,
    id: i64,
) -> Result<AdministrativeContract> {
    let mut sql = Sql::new(
        "SELECT c.id, c.title, c.counterparty, c.amount_fen, c.major, c.stage, c.department_id, d.name AS department,
                c.review_id, r.opinion_number, r.conclusion, c.signed_on, c.filed_on, c.closed_on, c.close_note, c.version
         FROM administrative_contracts c JOIN departments d ON d.id = c.department_id
         LEFT JOIN legality_reviews r ON r.id = c.review_id WHERE c.id = ",
    );
    sql.bind(id)
        .push(" AND ")
        .append(actor.scope.condition("c", RECORD_COLUMNS));
    let row = sql
        .fetch_optional(&mut *conn)
        .await?
        .ok_or(Error::NotFound)?;
    let stage: String = row.try_get("stage")?;
    let number: Option<String> = row.try_get("opinion_number")?;
    let conclusion: Option<String> = row.try_get("conclusion")?;
    let milestones = sqlx::query(
        "SELECT seq, name, due_on, done_on, note FROM contract_milestones WHERE contract_id = $1 ORDER BY seq",
    )
    .bind(id)
    .fetch_all(&mut *conn)
    .await?
    .iter()
    .map(|m| {
        Ok(Milestone {
            seq: m.try_get("seq")?,
            name: m.try_get("name")?,
            due_on: m.try_get("due_on")?,
            done_on: m.try_get("done_on")?,
            note: m.try_get("note")?,
        })
    })
    .collect::<Result<Vec<_>>>()?;
    Ok(AdministrativeContract {
        id,
        title: row.try_get("title")?,
        counterparty: row.try_get("counterparty")?,
        amount_fen: row.try_get("amount_fen")?,
        major: fazhi_store::flag(row.try_get("major")?),
        stage: Stage::parse(&stage)
            .ok_or_else(|| Error::malformed(format!("contract stage {stage}")))?,
        department_id: row.try_get("department_id")?,
        department: row.try_get("department")?,
        review_id: row.try_get("review_id")?,
        review: number.zip(
            conclusion
                .as_deref()
                .and_then(crate::review::Conclusion::parse)
                .map(|c| c.label_zh().to_string()),
        ),
        signed_on: row.try_get("signed_on")?,
        filed_on: row.try_get("filed_on")?,
        closed_on: row.try_get("closed_on")?,
        close_note: row.try_get("close_note")?,
        milestones,
        version: row.try_get("version")?,
    })
}

pub async fn insert(
    tx: &mut Tx,
    actor: &Actor,
    title: &str,
    counterparty: &str,
    amount_fen: i64,
    major: bool,
    department_id: i64,
) -> Result<i64> {
    let region = crate::org::region_of(tx.conn(), department_id).await?;
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO administrative_contracts (title, counterparty, amount_fen, major, stage, region_id,
            department_id, created_by, created_at, updated_at)
         VALUES ($1, $2, $3, $4, 'drafting', $5, $6, $7, $8, $8) RETURNING id",
    )
    .bind(title)
    .bind(counterparty)
    .bind(amount_fen)
    .bind(i64::from(major))
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
            detail: json!({ "title": title, "counterparty": counterparty, "amount_fen": amount_fen, "major": major }),
        },
    )
    .await?;
    Ok(id)
}

fn days_between(from: NaiveDate, to: NaiveDate) -> u32 {
    u32::try_from((to - from).num_days()).unwrap_or(0)
}

pub async fn write(
    tx: &mut Tx,
    ctx: &Ctx<'_>,
    c: &AdministrativeContract,
    change: &Change,
) -> Result<()> {
    let (fields, detail): (Vec<(&'static str, fazhi_store::Arg)>, serde_json::Value) = match change
    {
        Change::ReviewLinked { review_id } => (
            vec![("review_id", (*review_id).into())],
            json!({ "step": "link_review", "review_id": review_id }),
        ),
        Change::Signed { on, milestones } => {
            for (i, (name, due)) in milestones.iter().enumerate() {
                let seq = i as i64 + 1;
                sqlx::query("INSERT INTO contract_milestones (contract_id, seq, name, due_on) VALUES ($1, $2, $3, $4)")
                    .bind(c.id)
                    .bind(seq)
                    .bind(name.trim())
                    .bind(due.to_string())
                    .execute(tx.conn())
                    .await?;
                // The deadline engine counts from the signing to the agreed day, in calendar days.
                deadlines::create(
                    tx,
                    ctx.actor,
                    ctx.clock.cal,
                    ctx.clock.policy,
                    &NewDeadline {
                        subject_type: MILESTONE.into(),
                        subject_id: format!("{}:{seq}", c.id),
                        purpose: format!("合同履行：{}", name.trim()),
                        law: format!("《{}》约定", c.title),
                        article: String::new(),
                        start_event: "合同签订".into(),
                        start_on: *on,
                        period: Period::CalendarDays(days_between(*on, *due)),
                        responsible_user_id: None,
                        department_id: c.department_id,
                        party_period: false,
                    },
                    ctx.clock.today,
                )
                .await?;
            }
            (
                vec![
                    ("stage", Stage::Signed.code().into()),
                    ("signed_on", on.to_string().into()),
                ],
                json!({ "step": "sign", "on": on.to_string(), "milestones": milestones.len() }),
            )
        }
        Change::Filed { on } => (
            vec![("filed_on", on.to_string().into())],
            json!({ "step": "file", "on": on.to_string() }),
        ),
        Change::MilestoneDone { seq, on, note } => {
            sqlx::query("UPDATE contract_milestones SET done_on = $1, note = $2 WHERE contract_id = $3 AND seq = $4")
                .bind(on.to_string())
                .bind(note)
                .bind(c.id)
                .bind(*seq)
                .execute(tx.conn())
                .await?;
            deadlines::meet(
                tx,
                ctx.actor,
                MILESTONE,
                &format!("{}:{seq}", c.id),
                "",
                *on,
            )
            .await?;
            (
                Vec::new(),
                json!({ "step": "milestone_done", "seq": seq, "on": on.to_string() }),
            )
        }
        Change::Closed { stage, on, note } => {
            // A terminated contract's open milestones end with it.
            for m in c.milestones.iter().filter(|m| m.done_on.is_none()) {
                deadlines::meet(
                    tx,
                    ctx.actor,
                    MILESTONE,
                    &format!("{}:{}", c.id, m.seq),
                    "",
                    *on,
                )
                .await?;
            }
            (
                vec![
                    ("stage", stage.code().into()),
                    ("closed_on", on.to_string().into()),
                    ("close_note", note.clone().into()),
                ],
                json!({ "step": stage.code(), "on": on.to_string(), "note": note }),
            )
        }
    };
    tx.versioned_update("administrative_contracts", c.id, c.version, fields)
        .await?;
    audit::append(
        tx,
        &ctx.actor.audit(),
        &AuditEvent {
            action: "update",
            object_type: SUBJECT,
            object_id: Some(c.id.to_string()),
            detail,
        },
    )
    .await?;
    Ok(())
}
