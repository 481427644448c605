//! A cleanup's SQL: start one over a range of the register, load it, write a step's change.

use chrono::NaiveDate;
use fazhi_store::audit::{self, AuditEvent};
use fazhi_store::scope::RECORD_COLUMNS;
use fazhi_store::{DbRow, Row, Sql, Tx, now_ms};
use serde_json::json;

use super::model::{Cleanup, Item, Stage, Verdict};
use super::transition::Change;
use crate::normative::Status;
use crate::normative::repo::next_revision;
use crate::{Actor, Error, Result};

pub const SUBJECT: &str = "normative_cleanup";

fn item(row: &DbRow) -> Result<Item> {
    let status: String = row.try_get("status")?;
    let verdict: Option<String> = row.try_get("verdict")?;
    Ok(Item {
        document_id: row.try_get("document_id")?,
        number: row.try_get("number")?,
        title: row.try_get("title")?,
        status: Status::parse(&status)
            .ok_or_else(|| Error::malformed(format!("document status {status}")))?,
        current_version: row.try_get("current_version")?,
        verdict: match verdict {
            None => None,
            Some(v) => {
                Some(Verdict::parse(&v).ok_or_else(|| Error::malformed(format!("verdict {v}")))?)
            }
        },
        reason: row.try_get("reason")?,
        reviewer: row.try_get("reviewer")?,
        decided_on: row.try_get("decided_on")?,
        judged_version: row.try_get("judged_version")?,
        done_on: row.try_get("done_on")?,
        done_note: row.try_get("done_note")?,
    })
}

/// The campaign in the actor's scope with its documents in number order.
pub async fn load(conn: &mut sqlx::AnyConnection, actor: &Actor, id: i64) -> Result<Cleanup> {
    let mut sql = Sql::new(
        "SELECT c.id, c.title, c.issued_from, c.issued_until, c.issuer, c.stage, c.started_on,
                c.review_ended_on, c.closed_on, c.version
         FROM normative_cleanups c WHERE c.id = ",
    );
    sql.bind(id)
        .push(" AND ")
        .append(actor.scope.condition("c", RECORD_COLUMNS));
    let row = sql
        .fetch_optional(&mut *conn)
        .await?
        .ok_or(Error::NotFound)?;
    let stage: String = row.try_get("stage")?;
    let started: String = row.try_get("started_on")?;
    let items = sqlx::query(
        "SELECT i.document_id, d.number, d.title, d.status, d.current_version, i.verdict, i.reason,
                i.reviewer, i.decided_on, i.judged_version, i.done_on, i.done_note
         FROM normative_cleanup_items i JOIN normative_documents d ON d.id = i.document_id
         WHERE i.cleanup_id = $1 ORDER BY d.issued_on, d.number",
    )
    .bind(id)
    .fetch_all(&mut *conn)
    .await?
    .iter()
    .map(item)
    .collect::<Result<Vec<_>>>()?;
    Ok(Cleanup {
        id,
        title: row.try_get("title")?,
        issued_from: row.try_get("issued_from")?,
        issued_until: row.try_get("issued_until")?,
        issuer: row.try_get("issuer")?,
        stage: Stage::parse(&stage).ok_or_else(|| Error::malformed(format!("stage {stage}")))?,
        started_on: fazhi_kernel::date::parse(&started)
            .ok_or_else(|| Error::malformed(format!("started_on {started}")))?,
        review_ended_on: row.try_get("review_ended_on")?,
        closed_on: row.try_get("closed_on")?,
        version: row.try_get("version")?,
        items,
    })
}

/// Inserts the campaign and, in one statement, an item for every document of the range still
/// applied (in force, to revise, to repeal). Returns its id and the number of documents.
#[allow(clippy::too_many_arguments)]
pub async fn insert(
    tx: &mut Tx,
    actor: &Actor,
    title: &str,
    from: NaiveDate,
    until: NaiveDate,
    issuer: Option<&str>,
    today: NaiveDate,
    department_id: i64,
) -> Result<(i64, i64)> {
    let region: i64 = sqlx::query_scalar("SELECT region_id FROM departments WHERE id = $1")
        .bind(department_id)
        .fetch_optional(tx.conn())
        .await?
        .ok_or(Error::NotFound)?;
    let now = now_ms();
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO normative_cleanups (title, issued_from, issued_until, issuer, stage, started_on,
            region_id, department_id, created_by, created_at, updated_at)
         VALUES ($1, $2, $3, $4, 'reviewing', $5, $6, $7, $8, $9, $9) RETURNING id",
    )
    .bind(title)
    .bind(from.to_string())
    .bind(until.to_string())
    .bind(issuer.map(str::to_string))
    .bind(today.to_string())
    .bind(region)
    .bind(department_id)
    .bind(actor.user_id)
    .bind(now)
    .fetch_one(tx.conn())
    .await?;
    let mut sql = Sql::new("INSERT INTO normative_cleanup_items (cleanup_id, document_id) SELECT ");
    sql.bind(id)
        .push(", d.id FROM normative_documents d WHERE d.issued_on >= ")
        .bind(from.to_string())
        .push(" AND d.issued_on <= ")
        .bind(until.to_string())
        .push(" AND d.status IN ('in_force', 'to_revise', 'to_repeal') AND ")
        .append(actor.scope.condition("d", RECORD_COLUMNS));
    if let Some(i) = issuer {
        sql.push(" AND d.issuer = ").bind(i.to_string());
    }
    let documents = sql.execute(tx.conn()).await? as i64;
    audit::append(
        tx,
        &actor.audit(),
        &AuditEvent {
            action: "create",
            object_type: SUBJECT,
            object_id: Some(id.to_string()),
            detail: json!({ "title": title, "issued_from": from.to_string(), "issued_until": until.to_string(),
                "issuer": issuer, "documents": documents }),
        },
    )
    .await?;
    Ok((id, documents))
}

/// A document's status set by a cleanup; the register's revision moves so the library follows.
async fn set_status(tx: &mut Tx, document_id: i64, status: Status) -> Result<()> {
    let rev = next_revision(tx).await?;
    sqlx::query(
        "UPDATE normative_documents SET status = $1, revision = $2, version = version + 1, updated_at = $3 WHERE id = $4",
    )
    .bind(status.code())
    .bind(rev)
    .bind(now_ms())
    .bind(document_id)
    .execute(tx.conn())
    .await?;
    Ok(())
}

/// Applies a step's change with a versioned update of the campaign, and its audit entry.
pub async fn write(
    tx: &mut Tx,
    actor: &Actor,
    c: &Cleanup,
    change: &Change,
    today: NaiveDate,
) -> Result<()> {
    let detail = match change {
        Change::Judged {
            document_id,
            verdict,
            reason,
            judged_version,
        } => {
            sqlx::query(
                "UPDATE normative_cleanup_items SET verdict = $1, reason = $2, reviewer = $3, decided_on = $4,
                    judged_version = $5 WHERE cleanup_id = $6 AND document_id = $7",
            )
            .bind(verdict.code())
            .bind(reason)
            .bind(&actor.display_name)
            .bind(today.to_string())
            .bind(*judged_version)
            .bind(c.id)
            .bind(*document_id)
            .execute(tx.conn())
            .await?;
            tx.bump_version("normative_cleanups", c.id, c.version)
                .await?;
            json!({ "step": "judge", "document_id": document_id, "verdict": verdict.code(), "reason": reason })
        }
        Change::ReviewEnded { statuses } => {
            for (document_id, status) in statuses {
                set_status(tx, *document_id, *status).await?;
            }
            tx.versioned_update(
                "normative_cleanups",
                c.id,
                c.version,
                vec![
                    ("stage", Stage::Following.code().into()),
                    ("review_ended_on", today.to_string().into()),
                ],
            )
            .await?;
            json!({ "step": "end_review", "statuses": statuses.iter().map(|(id, s)| json!([id, s.code()])).collect::<Vec<_>>() })
        }
        Change::Done {
            document_id,
            on,
            note,
            status,
        } => {
            sqlx::query(
                "UPDATE normative_cleanup_items SET done_on = $1, done_note = $2 WHERE cleanup_id = $3 AND document_id = $4",
            )
            .bind(on.to_string())
            .bind(note)
            .bind(c.id)
            .bind(*document_id)
            .execute(tx.conn())
            .await?;
            set_status(tx, *document_id, *status).await?;
            tx.bump_version("normative_cleanups", c.id, c.version)
                .await?;
            json!({ "step": "done", "document_id": document_id, "on": on.to_string(), "note": note, "status": status.code() })
        }
        Change::Closed => {
            tx.versioned_update(
                "normative_cleanups",
                c.id,
                c.version,
                vec![
                    ("stage", Stage::Closed.code().into()),
                    ("closed_on", today.to_string().into()),
                ],
            )
            .await?;
            json!({ "step": "close" })
        }
    };
    audit::append(
        tx,
        &actor.audit(),
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
