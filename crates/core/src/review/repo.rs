//! The legality review's SQL: insert a request, load one in scope, write a step's change with
//! a versioned update, its deadline and its audit entry.

use chrono::NaiveDate;
use fazhi_store::audit::{self, AuditEvent};
use fazhi_store::scope::RECORD_COLUMNS;
use fazhi_store::{Row, Sql, Tx, now_ms};
use serde_json::json;

use super::advisers::AdviserKind;
use super::procedure::Procedure;
use super::transition::{Change, Conclusion, Consulted, LegalityReview, State};
use crate::deadlines::{self, NewDeadline};
use crate::{Actor, Ctx, Error, Result};

pub const SUBJECT: &str = "legality_review";

pub async fn load(
    conn: &mut sqlx::AnyConnection,
    actor: &Actor,
    id: i64,
) -> Result<LegalityReview> {
    let mut sql = Sql::new(
        "SELECT r.id, r.kind, r.title, r.draft, r.department_id, d.name AS department, r.stage_index, r.state,
                r.returns, r.return_reason, r.submitted_on, r.accepted_on, r.reviewer_id, r.reviewer_name,
                r.conclusion, r.opinion, r.opinion_number, r.signed_by, r.signed_on, r.version, r.case_id
         FROM legality_reviews r JOIN departments d ON d.id = r.department_id WHERE r.id = ",
    );
    sql.bind(id)
        .push(" AND (")
        .append(actor.scope.condition("r", RECORD_COLUMNS));
    // The reviewer named reads the request wherever it comes from.
    if let Some(user) = actor.user_id {
        sql.push(" OR r.reviewer_id = ").bind(user);
    }
    sql.push(")");
    let row = sql
        .fetch_optional(&mut *conn)
        .await?
        .ok_or(Error::NotFound)?;
    let state: String = row.try_get("state")?;
    let conclusion: Option<String> = row.try_get("conclusion")?;
    let provided =
        sqlx::query("SELECT stage, material FROM legality_review_materials WHERE review_id = $1")
            .bind(id)
            .fetch_all(&mut *conn)
            .await?
            .iter()
            .map(|m| Ok((m.try_get("stage")?, m.try_get("material")?)))
            .collect::<Result<Vec<(String, String)>>>()?;
    let consulted = sqlx::query(
        "SELECT c.adviser_id, a.name, a.kind, c.opinion, c.on_date FROM legality_review_advisers c
         JOIN review_advisers a ON a.id = c.adviser_id WHERE c.review_id = $1 ORDER BY c.on_date, a.id",
    )
    .bind(id)
    .fetch_all(&mut *conn)
    .await?
    .iter()
    .map(|c| {
        let kind: String = c.try_get("kind")?;
        Ok(Consulted {
            adviser_id: c.try_get("adviser_id")?,
            name: c.try_get("name")?,
            kind: AdviserKind::parse(&kind).map_or(kind, |k| k.label_zh().to_string()),
            opinion: c.try_get("opinion")?,
            on: c.try_get("on_date")?,
        })
    })
    .collect::<Result<Vec<_>>>()?;
    let index: i64 = row.try_get("stage_index")?;
    Ok(LegalityReview {
        id,
        kind: row.try_get("kind")?,
        title: row.try_get("title")?,
        draft: row.try_get("draft")?,
        department_id: row.try_get("department_id")?,
        department: row.try_get("department")?,
        stage_index: usize::try_from(index).map_err(|_| Error::malformed("stage_index"))?,
        state: State::parse(&state).ok_or_else(|| Error::malformed(format!("state {state}")))?,
        returns: row.try_get("returns")?,
        return_reason: row.try_get("return_reason")?,
        submitted_on: row.try_get("submitted_on")?,
        accepted_on: row.try_get("accepted_on")?,
        reviewer_id: row.try_get("reviewer_id")?,
        reviewer_name: row.try_get("reviewer_name")?,
        conclusion: match conclusion {
            None => None,
            Some(c) => Some(
                Conclusion::parse(&c).ok_or_else(|| Error::malformed(format!("conclusion {c}")))?,
            ),
        },
        opinion: row.try_get("opinion")?,
        opinion_number: row.try_get("opinion_number")?,
        signed_by: row.try_get("signed_by")?,
        signed_on: row.try_get("signed_on")?,
        provided,
        consulted,
        case_id: row.try_get("case_id")?,
        version: row.try_get("version")?,
    })
}

/// A request as submitted: of `department_id`, for `case_id` when it is a case's legal review.
pub struct NewRequest<'a> {
    pub kind: &'a str,
    pub title: &'a str,
    pub draft: &'a str,
    pub department_id: i64,
    pub case_id: Option<i64>,
}

pub async fn insert(
    tx: &mut Tx,
    actor: &Actor,
    n: &NewRequest<'_>,
    today: NaiveDate,
) -> Result<i64> {
    let NewRequest {
        kind,
        title,
        draft,
        department_id,
        case_id,
    } = *n;
    let region: i64 = sqlx::query_scalar("SELECT region_id FROM departments WHERE id = $1")
        .bind(department_id)
        .fetch_optional(tx.conn())
        .await?
        .ok_or(Error::NotFound)?;
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO legality_reviews (kind, title, draft, stage_index, state, submitted_on, region_id,
            department_id, created_by, created_at, updated_at, case_id)
         VALUES ($1, $2, $3, 0, 'open', $4, $5, $6, $7, $8, $8, $9) RETURNING id",
    )
    .bind(kind)
    .bind(title)
    .bind(draft)
    .bind(today.to_string())
    .bind(region)
    .bind(department_id)
    .bind(actor.user_id)
    .bind(now_ms())
    .bind(case_id)
    .fetch_one(tx.conn())
    .await?;
    audit::append(
        tx,
        &actor.audit(),
        &AuditEvent {
            action: "create",
            object_type: SUBJECT,
            object_id: Some(id.to_string()),
            detail: json!({ "kind": kind, "title": title, "department_id": department_id, "case_id": case_id }),
        },
    )
    .await?;
    Ok(id)
}

pub async fn write(
    tx: &mut Tx,
    ctx: &Ctx<'_>,
    r: &LegalityReview,
    p: &Procedure,
    change: &Change,
) -> Result<()> {
    let today = ctx.clock.today;
    let (fields, detail): (Vec<(&'static str, fazhi_store::Arg)>, serde_json::Value) = match change
    {
        Change::Provided {
            stage,
            material,
            note,
        } => {
            sqlx::query(
                "INSERT INTO legality_review_materials (review_id, stage, material, note, by_name, on_date)
                 VALUES ($1, $2, $3, $4, $5, $6)
                 ON CONFLICT (review_id, stage, material) DO UPDATE SET note = excluded.note,
                    by_name = excluded.by_name, on_date = excluded.on_date",
            )
            .bind(r.id)
            .bind(stage)
            .bind(material)
            .bind(note)
            .bind(&ctx.actor.display_name)
            .bind(today.to_string())
            .execute(tx.conn())
            .await?;
            (
                Vec::new(),
                json!({ "step": "provide", "stage": stage, "material": material, "note": note }),
            )
        }
        Change::Advanced {
            stage_index,
            accepted,
            concluded,
        } => {
            let mut f: Vec<(&'static str, fazhi_store::Arg)> =
                vec![("stage_index", (*stage_index as i64).into())];
            if *concluded {
                f = vec![("state", State::Concluded.code().into())];
            }
            if *accepted {
                f.push(("accepted_on", today.to_string().into()));
                deadlines::create(
                    tx,
                    ctx.actor,
                    ctx.clock.cal,
                    ctx.clock.policy,
                    &NewDeadline {
                        subject_type: SUBJECT.into(),
                        subject_id: r.id.to_string(),
                        purpose: format!("{}合法性审查", p.name),
                        law: p.limit_source.clone(),
                        article: String::new(),
                        start_event: "受理".into(),
                        start_on: today,
                        period: p.limit(),
                        responsible_user_id: r.reviewer_id,
                        department_id: r.department_id,
                        party_period: false,
                    },
                    today,
                )
                .await?;
            }
            (
                f,
                json!({ "step": "advance", "to": stage_index, "accepted": accepted, "concluded": concluded }),
            )
        }
        Change::Assigned {
            reviewer_id,
            reviewer_name,
        } => (
            vec![
                ("reviewer_id", (*reviewer_id).into()),
                ("reviewer_name", reviewer_name.clone().into()),
            ],
            json!({ "step": "assign", "reviewer_id": reviewer_id, "reviewer": reviewer_name, "no_conflict_declared": true }),
        ),
        Change::Consulted {
            adviser_id,
            opinion,
        } => {
            sqlx::query(
                "INSERT INTO legality_review_advisers (review_id, adviser_id, opinion, by_name, on_date)
                 VALUES ($1, $2, $3, $4, $5)",
            )
            .bind(r.id)
            .bind(*adviser_id)
            .bind(opinion)
            .bind(&ctx.actor.display_name)
            .bind(today.to_string())
            .execute(tx.conn())
            .await?;
            (
                Vec::new(),
                json!({ "step": "consult", "adviser_id": adviser_id, "no_conflict_declared": true }),
            )
        }
        Change::Returned { reason } => {
            // This round's limit ends with the return; the resubmission's acceptance starts the next.
            deadlines::meet(tx, ctx.actor, SUBJECT, &r.id.to_string(), "", today).await?;
            (
                vec![
                    ("state", State::Returned.code().into()),
                    ("return_reason", reason.clone().into()),
                    ("returns", (r.returns + 1).into()),
                ],
                json!({ "step": "return", "reason": reason }),
            )
        }
        Change::Resubmitted { draft } => {
            // A new round: the materials are provided again for the revised draft.
            sqlx::query("DELETE FROM legality_review_materials WHERE review_id = $1")
                .bind(r.id)
                .execute(tx.conn())
                .await?;
            (
                vec![
                    ("state", State::Open.code().into()),
                    ("stage_index", 0i64.into()),
                    ("draft", draft.clone().into()),
                ],
                json!({ "step": "resubmit", "round": r.returns + 1 }),
            )
        }
        Change::Opinion {
            conclusion,
            text,
            stage_index,
            concluded,
        } => {
            let number = format!("诸司审〔{}〕{}号", &today.to_string()[..4], r.id);
            deadlines::meet(tx, ctx.actor, SUBJECT, &r.id.to_string(), "", today).await?;
            let mut f: Vec<(&'static str, fazhi_store::Arg)> = vec![
                ("conclusion", conclusion.code().into()),
                ("opinion", text.clone().into()),
                ("opinion_number", number.clone().into()),
                ("signed_by", ctx.actor.display_name.clone().into()),
                ("signed_on", today.to_string().into()),
            ];
            if *concluded {
                f.push(("state", State::Concluded.code().into()));
            } else {
                f.push(("stage_index", (*stage_index as i64).into()));
            }
            (
                f,
                json!({ "step": "opinion", "conclusion": conclusion.code(), "number": number }),
            )
        }
    };
    tx.versioned_update("legality_reviews", r.id, r.version, fields)
        .await?;
    audit::append(
        tx,
        &ctx.actor.audit(),
        &AuditEvent {
            action: "update",
            object_type: SUBJECT,
            object_id: Some(r.id.to_string()),
            detail,
        },
    )
    .await?;
    Ok(())
}
