//! The only code that writes the `cases` table (a test below holds every other file to it):
//! the filing's insert, the import's batch statements, a step's `Change` as one versioned
//! update, and the version moved when the file's contents change. Reads of a case for a step go
//! through `load`, after the row is locked.

use chrono::{Datelike, NaiveDate};
use fazhi_kernel::money::Fen;
use fazhi_store::{Arg, Row, Sql, Tx, flag, now_ms};
use serde_json::json;

use super::model::Procedure;
use super::model::{Case, Decision, stored_date};
use super::transition::{Change, Filed, NUMBER, party_kind, triggers_parse};
use crate::access::Actor;
use crate::deadlines::{self, Clock, NewDeadline};
use crate::enforcement::rules::next_number;
use crate::enforcement::stage::Stage;
use crate::{Error, Result};

/// Case `id` as its steps see it. A step locks the row first (`Tx::lock_row`).
pub async fn load(conn: &mut sqlx::AnyConnection, id: i64) -> Result<Case> {
    let r = sqlx::query(
        "SELECT c.version, c.stage, c.procedure, c.item_code, c.filed_on, c.act_ended_on, c.illegal_gains_fen,
            c.department_id, d.issuer_abbr, c.cause, c.evidence, c.investigated_on, c.prior_notice_on, c.hearing_right, c.waived,
            c.waived_on, c.hearing_requested, c.hearing_held_on, c.hearing_notice_on, c.review_triggers,
            c.legal_review_on, c.outcome, c.fine_fen, c.rectification_number, c.dispute_on, c.dispute_concluded_on,
            c.decided_on, c.delivered_on, c.paid_on, c.closed_on, c.proposed_outcome, c.proposed_fine_fen,
            c.stated_on, c.decision_number
         FROM cases c JOIN departments d ON d.id = c.department_id WHERE c.id = $1",
    )
    .bind(id)
    .fetch_optional(&mut *conn)
    .await?
    .ok_or(Error::NotFound)?;
    let first_party: Option<String> = sqlx::query_scalar(
        "SELECT kind FROM case_parties WHERE case_id = $1 ORDER BY ordinal LIMIT 1",
    )
    .bind(id)
    .fetch_optional(&mut *conn)
    .await?;
    let payment_due: Option<String> = sqlx::query_scalar(
        "SELECT due_on FROM deadlines WHERE subject_type = 'case' AND subject_id = $1 AND article = $2 ORDER BY id DESC LIMIT 1",
    )
    .bind(id.to_string())
    .bind(super::transition::PAYMENT_ARTICLE)
    .fetch_optional(&mut *conn)
    .await?;
    let d = |column: &str| -> Result<Option<NaiveDate>> {
        stored_date(&format!("cases.{column}"), r.try_get(column)?)
    };
    let procedure: String = r.try_get("procedure")?;
    let decision: Option<String> = r.try_get("outcome")?;
    Ok(Case {
        id,
        version: r.try_get("version")?,
        stage: Stage::stored(&r.try_get::<String, _>("stage")?)?,
        procedure: if procedure == Procedure::Summary.code() {
            Procedure::Summary
        } else {
            Procedure::General
        },
        item_code: r.try_get("item_code")?,
        cause: r.try_get("cause")?,
        department_id: r.try_get("department_id")?,
        issuer_abbr: r.try_get("issuer_abbr")?,
        filed_on: d("filed_on")?,
        act_ended_on: d("act_ended_on")?,
        illegal_gains: Fen(r.try_get("illegal_gains_fen")?),
        first_party: first_party.as_deref().map(party_kind),
        evidence: r
            .try_get::<Option<String>, _>("evidence")?
            .unwrap_or_default()
            .lines()
            .filter(|l| !l.is_empty())
            .map(str::to_string)
            .collect(),
        investigated_on: d("investigated_on")?,
        prior_notice_on: d("prior_notice_on")?,
        hearing_right: flag(r.try_get("hearing_right")?),
        triggers: triggers_parse(&r.try_get::<String, _>("review_triggers")?),
        waived: flag(r.try_get("waived")?),
        waived_on: d("waived_on")?,
        hearing_requested: flag(r.try_get("hearing_requested")?),
        hearing_notice_on: d("hearing_notice_on")?,
        hearing_held_on: d("hearing_held_on")?,
        legal_review_on: d("legal_review_on")?,
        proposed: match r.try_get::<Option<String>, _>("proposed_outcome")? {
            None => None,
            Some(code) => Some(Decision::parse(&code).ok_or_else(|| {
                Error::from(fazhi_store::StoreError::Malformed(format!(
                    "case proposed outcome {code:?}"
                )))
            })?),
        },
        proposed_fine: Fen(r
            .try_get::<Option<i64>, _>("proposed_fine_fen")?
            .unwrap_or(0)),
        stated_on: d("stated_on")?,
        decision_number: r.try_get("decision_number")?,
        decision: match decision {
            None => None,
            Some(code) => Some(Decision::parse(&code).ok_or_else(|| {
                Error::from(fazhi_store::StoreError::Malformed(format!(
                    "case outcome {code:?}"
                )))
            })?),
        },
        fine: Fen(r.try_get("fine_fen")?),
        rectification_number: r.try_get("rectification_number")?,
        dispute_on: d("dispute_on")?,
        dispute_concluded_on: d("dispute_concluded_on")?,
        payment_due: stored_date("deadlines.due_on", payment_due)?,
        decided_on: d("decided_on")?,
        delivered_on: d("delivered_on")?,
        paid_on: d("paid_on")?,
        closed_on: d("closed_on")?,
    })
}

/// Case `id` within `actor`'s data scope, or `NotFound` — a case outside it is not there.
pub async fn in_scope(conn: &mut sqlx::AnyConnection, actor: &Actor, id: i64) -> Result<()> {
    let mut sql = Sql::new("SELECT c.id FROM cases c WHERE c.id = ");
    sql.bind(id).push(" AND ").append(
        actor
            .scope
            .condition("c", fazhi_store::scope::RECORD_COLUMNS),
    );
    sql.fetch_optional(conn).await?.ok_or(Error::NotFound)?;
    Ok(())
}

/// A document's number from its issuer's sequence of `word` for the year of `on`.
async fn document_number(tx: &mut Tx, case: &Case, word: &str, on: NaiveDate) -> Result<String> {
    let abbr = case.issuer_abbr.as_deref().ok_or_else(|| {
        Error::invalid(
            "department_id",
            "办案部门未设置发文机关简称，无法编制文号。",
        )
    })?;
    Ok(next_number(tx, &format!("{abbr}{word}"), on.year())
        .await?
        .to_string())
}

/// Applies `change` to `case` in `tx`: the number taken, the fields and stage written with the
/// version the case was loaded at (else `Conflict`), the limits met, started and paused, the
/// timeline's event and the audit entry — all or nothing with the transaction.
pub async fn write(
    tx: &mut Tx,
    actor: &Actor,
    clock: Clock<'_>,
    case: &Case,
    mut change: Change,
) -> Result<()> {
    let mut taken = None;
    if let Some(n) = change.number.take() {
        let number = document_number(tx, case, n.word, change.on).await?;
        change.note = change.note.replace(NUMBER, &number);
        change.fields.push((n.column, Arg::Text(number.clone())));
        taken = Some(number);
    }
    let mut fields = std::mem::take(&mut change.fields);
    fields.push(("stage", Arg::from(change.stage.code())));
    tx.versioned_update("cases", case.id, case.version, fields)
        .await?;
    let subject = case.id.to_string();
    for article in &change.meets {
        deadlines::meet(tx, actor, "case", &subject, article, change.on).await?;
    }
    for limit in &change.starts {
        deadlines::create(
            tx,
            actor,
            clock.cal,
            clock.policy,
            &NewDeadline {
                subject_type: "case".into(),
                subject_id: subject.clone(),
                purpose: format!("{}：{}", limit.purpose, case.cause),
                law: "《中华人民共和国行政处罚法》".into(),
                article: limit.article.into(),
                start_event: limit.start_event.into(),
                start_on: limit.on,
                period: limit.period,
                responsible_user_id: actor.user_id,
                department_id: case.department_id,
                party_period: limit.party,
            },
            clock.today,
        )
        .await?;
    }
    if let Some(p) = &change.pause {
        deadlines::pause(
            tx, actor, clock, "case", &subject, p.article, p.on, p.stop, &p.reason,
        )
        .await?;
    }
    file_documents(
        tx,
        actor,
        case.id,
        change.step.map(|s| s.code()),
        &change.files,
        taken.as_deref(),
    )
    .await?;
    // The timeline names what happened: the stage reached, or — a step that leaves the stage
    // as it was (a dispute, a waiver, a hearing) — the step itself.
    let event = match change.step {
        Some(step) if change.stage == case.stage => step.code(),
        _ => change.stage.code(),
    };
    sqlx::query("INSERT INTO case_events (case_id, stage, happened_on, actor_name, note, created_at) VALUES ($1, $2, $3, $4, $5, $6)")
        .bind(case.id)
        .bind(event)
        .bind(change.on.to_string())
        .bind(&actor.display_name)
        .bind(&change.note)
        .bind(now_ms())
        .execute(tx.conn())
        .await?;
    crate::audit::record(
        tx,
        actor,
        "update",
        "case",
        Some(subject),
        json!({ "stage": change.stage.code(), "on": change.on.to_string(), "note": change.note }),
    )
    .await?;
    Ok(())
}

/// The documents the step made, into the case file in one statement: named for the case's
/// first party, numbered as the step numbered them, marked with the step that filed them.
pub(crate) async fn file_documents(
    tx: &mut Tx,
    actor: &Actor,
    case_id: i64,
    step: Option<&str>,
    files: &[Filed],
    taken: Option<&str>,
) -> Result<()> {
    if files.is_empty() {
        return Ok(());
    }
    let party: Option<String> = sqlx::query_scalar(
        "SELECT name FROM case_parties WHERE case_id = $1 ORDER BY ordinal LIMIT 1",
    )
    .bind(case_id)
    .fetch_optional(tx.conn())
    .await?;
    let mut sql = Sql::new(
        "INSERT INTO case_file_documents (case_id, kind, number, dated_on, party_name, amount_fen, step, created_by, created_at) VALUES ",
    );
    for (n, f) in files.iter().enumerate() {
        let number = if f.takes_number {
            taken.map(str::to_string)
        } else {
            f.number.clone()
        };
        sql.push(if n > 0 { ", (" } else { "(" })
            .bind(case_id)
            .push(", ")
            .bind(f.kind.code())
            .push(", ")
            .bind(number)
            .push(", ")
            .bind(f.on.to_string())
            .push(", ")
            .bind(party.clone())
            .push(", ")
            .bind(f.amount.map(|a| a.0))
            .push(", ")
            .bind(step)
            .push(", ")
            .bind(actor.user_id)
            .push(", ")
            .bind(now_ms())
            .push(")");
    }
    sql.execute(tx.conn()).await?;
    Ok(())
}

/// A case filed in fazhi (立案), at the filed stage; its id.
pub(crate) struct Filing<'a> {
    pub source_id: &'a str,
    pub item_code: &'a str,
    pub cause: &'a str,
    pub department_id: i64,
    pub region_id: i64,
    pub act_ended_on: NaiveDate,
    pub discovered_on: NaiveDate,
    pub filed_on: &'a str,
    pub grave: bool,
    pub created_by: Option<i64>,
    pub origin: Option<&'a str>,
    pub summary: Option<&'a str>,
    pub filing_approver: Option<&'a str>,
}

pub(crate) async fn insert_filed(tx: &mut Tx, f: &Filing<'_>) -> Result<i64> {
    let now = now_ms();
    sqlx::query_scalar(
        "INSERT INTO cases (source_system, source_id, procedure, stage, item_code, cause, department_id, region_id,
            act_ended_on, discovered_on, filed_on, grave, created_by, created_at, updated_at, origin, summary, filing_approver)
         VALUES ('fazhi', $1, 'general', 'filed', $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11, $12, $13, $14) RETURNING id",
    )
    .bind(f.source_id)
    .bind(f.item_code)
    .bind(f.cause)
    .bind(f.department_id)
    .bind(f.region_id)
    .bind(f.act_ended_on.to_string())
    .bind(f.discovered_on.to_string())
    .bind(f.filed_on)
    .bind(i64::from(f.grave))
    .bind(f.created_by)
    .bind(now)
    .bind(f.origin)
    .bind(f.summary)
    .bind(f.filing_approver)
    .fetch_one(tx.conn())
    .await
    .map_err(|e| Error::on_write("案件")(e.into()))
}

/// The case's version moved on because something it is evaluated on changed (its file's
/// contents), so the evaluation runs again.
pub(crate) async fn touch(tx: &mut Tx, case_id: i64) -> Result<()> {
    sqlx::query("UPDATE cases SET updated_at = $1, version = version + 1 WHERE id = $2")
        .bind(now_ms())
        .bind(case_id)
        .execute(tx.conn())
        .await?;
    Ok(())
}

/// An imported case's stored columns replaced by a newer export of it.
pub(crate) fn update_imported(id: i64, columns: &[&str], values: Vec<Arg>, now: i64) -> Sql {
    let mut sql = Sql::new("UPDATE cases SET ");
    for (n, (col, v)) in columns.iter().zip(values).enumerate() {
        if n > 0 {
            sql.push(", ");
        }
        sql.push(col).push(" = ").bind(v);
    }
    sql.push(", updated_at = ").bind(now);
    sql.push(", version = version + 1 WHERE id = ").bind(id);
    sql
}

/// One multi-row INSERT of imported cases; with `first_id`, the ids are given in order from it.
pub(crate) fn insert_imported(
    columns: &[&str],
    rows: impl IntoIterator<Item = Vec<Arg>>,
    first_id: Option<i64>,
    user: Option<i64>,
    now: i64,
) -> Sql {
    let mut sql = Sql::new("INSERT INTO cases (");
    if first_id.is_some() {
        sql.push("id, ");
    }
    sql.push(&columns.join(", "))
        .push(", created_by, created_at, updated_at) VALUES ");
    for (n, values) in rows.into_iter().enumerate() {
        sql.push(if n > 0 { ", (" } else { "(" });
        if let Some(first) = first_id {
            sql.bind(first + n as i64).push(", ");
        }
        for v in values {
            sql.bind(v).push(", ");
        }
        sql.bind(user)
            .push(", ")
            .bind(now)
            .push(", ")
            .bind(now)
            .push(")");
    }
    sql
}

#[cfg(test)]
mod tests {
    /// "Only `enforcement::case` writes `cases`": no other source file in the workspace holds
    /// an INSERT into, UPDATE of or DELETE from the table.
    #[test]
    fn only_the_case_repository_writes_cases() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        let mut offenders = Vec::new();
        let mut stack = vec![root];
        while let Some(dir) = stack.pop() {
            for entry in std::fs::read_dir(&dir).expect("read dir").flatten() {
                let path = entry.path();
                if path.is_dir() {
                    if !path.ends_with("tests") && !path.ends_with("target") {
                        stack.push(path);
                    }
                    continue;
                }
                if path.extension().is_none_or(|e| e != "rs") || path.ends_with("case/repo.rs") {
                    continue;
                }
                let text = std::fs::read_to_string(&path).expect("read source");
                let text = text.split("#[cfg(test)]").next().unwrap_or("");
                for needle in ["INTO cases (", "UPDATE cases SET", "DELETE FROM cases"] {
                    if text.contains(needle) {
                        offenders.push(format!("{}: {needle}", path.display()));
                    }
                }
            }
        }
        assert!(offenders.is_empty(), "{offenders:#?}");
    }
}
