//! Administrative-to-criminal transfer (行刑衔接). An agency transfers a case suspected of a crime
//! to public security with its evidence list; public security's decision (accepted for filing, or
//! returned) is recorded against a deadline on the engine. Each enforcement item can carry a
//! criminal threshold on the illegal gains (the amount from the prosecution standards the item
//! meets); cases at or above it that were not transferred are flagged for the supervisor.

use chrono::NaiveDate;
use fazhi_kernel::money::Fen;
use fazhi_kernel::period::Period;
use fazhi_store::page::Capped;
use fazhi_store::scope::RECORD_COLUMNS;
use fazhi_store::{DbRow, Row, Sql, Store, now_ms};
use serde::Serialize;
use serde_json::json;

use crate::access::{Actor, Permission};
use crate::deadlines::{self, NewDeadline};
use crate::org::rules::{optional_paragraphs, paragraphs, text};
use crate::{Error, Result};

const SUBJECT: &str = "criminal_transfer";
/// The handler reports a suspected crime to the agency's head, who decides within 3 days of the
/// report; an approved transfer is sent within 24 hours (移送规定第五条). The record holds
/// dates, not hours, so the 24 hours are counted as the next day.
const APPROVAL_DAYS: u32 = 3;
const SENDING_DAYS: u32 = 1;
const APPROVAL_ARTICLE: &str = "第五条";
/// Public security reviews a transferred case and decides whether to file it within 3 days
/// (行政执法机关移送涉嫌犯罪案件的规定, 国务院令第310号, art. 8).
const REVIEW_DAYS: u32 = 3;
const LAW: &str = "《行政执法机关移送涉嫌犯罪案件的规定》";
const ARTICLE: &str = "第八条";
/// A suspected economic crime: reviewed within 10 days (30 with the county head's approval, 30
/// more with the next level's — extensions recorded on the deadline with their approver).
const ECONOMIC_REVIEW_DAYS: u32 = 10;
const ECONOMIC_LAW: &str = "《公安机关办理经济犯罪案件的若干规定》";
const ECONOMIC_ARTICLE: &str = "第十六条";
/// After a refusal the agency may ask public security to reconsider within 3 days of the notice
/// (移送规定第九条); after public security files the case, the agency hands over the seized
/// items and the materials within 3 days of the filing notice (第十二条).
const RECONSIDERATION_DAYS: u32 = 3;
const RECONSIDERATION_ARTICLE: &str = "第九条";
const HANDOVER_DAYS: u32 = 3;
const HANDOVER_ARTICLE: &str = "第十二条";
/// Flagged cases shown at once.
pub const FLAG_LIMIT: i64 = 200;

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        fazhi_kernel::date::parse(s).expect("date")
    }

    #[test]
    fn the_head_decides_within_three_days_and_the_case_goes_within_24_hours_art_5() {
        let cal = fazhi_kernel::calendar::Calendar::embedded();
        // Reported Monday 2024-03-04: approval due Thursday 03-07, sending the day after.
        assert!(
            approval_lateness(cal, d("2024-03-04"), d("2024-03-07"), d("2024-03-08")).is_empty()
        );
        let late = approval_lateness(cal, d("2024-03-04"), d("2024-03-08"), d("2024-03-12"));
        assert_eq!(late.len(), 2, "{late:?}");
        assert!(late[0].contains("2024-03-07") && late[0].contains("第五条"));
        // Approved on Friday: the next day is Saturday, the last day moves to Monday.
        assert!(
            approval_lateness(cal, d("2024-03-07"), d("2024-03-08"), d("2024-03-11")).is_empty()
        );
    }
}

#[derive(Clone, Debug)]
pub struct Threshold {
    pub item_code: String,
    pub item_name: String,
    pub illegal_gains: Fen,
    pub basis: String,
}

/// Sets (or replaces) an item's criminal threshold.
pub async fn set_threshold(
    store: &Store,
    actor: &Actor,
    item_code: &str,
    illegal_gains: Fen,
    basis: &str,
) -> Result<()> {
    actor.require(Permission::SupervisionManage)?;
    let basis = text("basis", "追诉标准依据", basis, 200)?;
    if illegal_gains.0 <= 0 {
        return Err(Error::invalid("illegal_gains", "追诉标准金额应大于零。"));
    }
    let code = item_code.trim().to_string();
    if crate::enforcement::catalog::repo::versions_of(&mut *store.conn().await?, &[&code])
        .await?
        .is_empty()
    {
        return Err(Error::invalid(
            "item_code",
            format!("执法事项目录中没有事项“{code}”。"),
        ));
    }
    let mut tx = store.begin().await?;
    sqlx::query("DELETE FROM criminal_thresholds WHERE item_code = $1")
        .bind(&code)
        .execute(tx.conn())
        .await?;
    sqlx::query(
        "INSERT INTO criminal_thresholds (item_code, illegal_gains_fen, basis, updated_by, updated_at)
         VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(&code)
    .bind(illegal_gains.0)
    .bind(&basis)
    .bind(actor.user_id)
    .bind(now_ms())
    .execute(tx.conn())
    .await?;
    crate::audit::record(
        &mut tx,
        actor,
        "set",
        "criminal_threshold",
        Some(code.clone()),
        json!({ "illegal_gains_fen": illegal_gains.0, "basis": basis }),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Every item's threshold (published reference data, like the catalog).
pub async fn thresholds(store: &Store) -> Result<Vec<Threshold>> {
    sqlx::query(
        "SELECT t.item_code, t.illegal_gains_fen, t.basis,
            (SELECT MAX(i.name) FROM enforcement_items i WHERE i.code = t.item_code) AS item_name
         FROM criminal_thresholds t ORDER BY t.item_code",
    )
    .fetch_all(store.pool())
    .await?
    .iter()
    .map(|r| {
        Ok(Threshold {
            item_code: r.try_get("item_code")?,
            item_name: r
                .try_get::<Option<String>, _>("item_name")?
                .unwrap_or_default(),
            illegal_gains: Fen(r.try_get("illegal_gains_fen")?),
            basis: r.try_get("basis")?,
        })
    })
    .collect()
}

/// A case at or above its item's threshold, not transferred.
#[derive(Clone, Debug)]
pub struct Flagged {
    pub case_id: i64,
    pub cause: String,
    pub department: String,
    pub illegal_gains: Fen,
    pub threshold: Fen,
}

/// Cases within the actor's scope whose illegal gains reach their item's criminal threshold
/// and that have no transfer: how many, and the first `FLAG_LIMIT` by id.
pub async fn unreferred(store: &Store, actor: &Actor) -> Result<(i64, Vec<Flagged>)> {
    actor.require(Permission::CaseRead)?;
    let from = "FROM cases c JOIN criminal_thresholds t ON t.item_code = c.item_code
         JOIN departments d ON d.id = c.department_id
         WHERE c.illegal_gains_fen >= t.illegal_gains_fen
           AND NOT EXISTS (SELECT 1 FROM criminal_transfers x WHERE x.case_id = c.id) AND ";
    let mut conn = store.conn().await?;
    let mut sql = Sql::new(&format!("SELECT COUNT(*) AS n {from}"));
    sql.append(actor.scope.condition("c", RECORD_COLUMNS));
    let count: i64 = sql
        .fetch_optional(&mut conn)
        .await?
        .map(|r| r.try_get("n"))
        .transpose()?
        .unwrap_or(0);
    let mut sql = Sql::new(&format!(
        "SELECT c.id, c.cause, d.name AS department, c.illegal_gains_fen, t.illegal_gains_fen AS threshold {from}"
    ));
    sql.append(actor.scope.condition("c", RECORD_COLUMNS))
        .push(" ORDER BY c.id LIMIT ")
        .bind(FLAG_LIMIT);
    let rows = sql
        .fetch_all(&mut conn)
        .await?
        .iter()
        .map(|r| {
            Ok(Flagged {
                case_id: r.try_get("id")?,
                cause: r.try_get("cause")?,
                department: r.try_get("department")?,
                illegal_gains: Fen(r.try_get("illegal_gains_fen")?),
                threshold: Fen(r.try_get("threshold")?),
            })
        })
        .collect::<Result<_>>()?;
    Ok((count, rows))
}

/// What the agency sends.
#[derive(Clone, Debug)]
pub struct NewTransfer {
    pub case_id: i64,
    pub on: NaiveDate,
    /// The public security organ it goes to.
    pub receiver: String,
    pub suspected_crime: String,
    /// The evidence list, one item a line.
    pub evidence: String,
    /// A suspected economic crime (its review limit is 10 days, not 3).
    pub economic: bool,
    /// The day the handler reported the case to the agency's head (art. 5).
    pub reported_on: NaiveDate,
    /// The day the head approved the transfer, and who.
    pub approved_on: NaiveDate,
    pub approver: String,
}

/// Where a transfer's dates break art. 5: the head decided more than 3 days after the report,
/// or the case was sent more than a day after the approval. Counted as the engine counts.
pub fn approval_lateness(
    cal: &fazhi_kernel::calendar::Calendar,
    reported_on: NaiveDate,
    approved_on: NaiveDate,
    sent_on: NaiveDate,
) -> Vec<String> {
    use fazhi_kernel::period::due_date;
    let mut late = Vec::new();
    let decide_by = due_date(cal, reported_on, Period::CalendarDays(APPROVAL_DAYS)).due;
    if approved_on > decide_by {
        late.push(format!(
            "负责人于 {approved_on} 批准移送，超过报告（{reported_on}）后三日的期限 {decide_by}（《行政执法机关移送涉嫌犯罪案件的规定》第五条）。"
        ));
    }
    let send_by = due_date(cal, approved_on, Period::CalendarDays(SENDING_DAYS)).due;
    if sent_on > send_by {
        late.push(format!(
            "批准后于 {sent_on} 移送，超过二十四小时的期限 {send_by}（《行政执法机关移送涉嫌犯罪案件的规定》第五条）。"
        ));
    }
    late
}

pub async fn transfer(ctx: &crate::Ctx<'_>, input: &NewTransfer) -> Result<i64> {
    let (store, actor, clock) = (ctx.store, ctx.actor, ctx.clock);
    actor.require(Permission::CaseHandle)?;
    let receiver = text("receiver", "接收的公安机关", &input.receiver, 100)?;
    let crime = text("suspected_crime", "涉嫌罪名", &input.suspected_crime, 100)?;
    let evidence = paragraphs("evidence", "移送的证据材料清单", &input.evidence, 4000)?;
    let approver = text("approver", "批准移送的负责人", &input.approver, 50)?;
    let case = crate::enforcement::cases::get(store, actor, input.case_id).await?;
    let filed = fazhi_kernel::date::parse(&case.case.filed_on);
    if input.on > clock.today || filed.is_some_and(|f| input.reported_on < f) {
        return Err(Error::invalid(
            "on",
            format!(
                "报告、批准和移送的日期应在立案日期（{}）至今天之间。",
                case.case.filed_on
            ),
        ));
    }
    if input.approved_on < input.reported_on || input.on < input.approved_on {
        return Err(Error::refused(
            "transfer_approval_order",
            "approved_on",
            "应先报告负责人，经批准后移送：报告日期 ≤ 批准日期 ≤ 移送日期（《行政执法机关移送涉嫌犯罪案件的规定》第五条）。",
        ));
    }
    let where_: DbRow = sqlx::query("SELECT region_id, department_id FROM cases WHERE id = $1")
        .bind(input.case_id)
        .fetch_one(store.pool())
        .await?;
    let department_id: i64 = where_.try_get("department_id")?;
    let mut tx = store.begin().await?;
    let now = now_ms();
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO criminal_transfers (case_id, region_id, department_id, transferred_on, receiver,
            suspected_crime, evidence, state, created_by, created_at, updated_at, economic,
            reported_on, approved_on, approver)
         VALUES ($1, $2, $3, $4, $5, $6, $7, 'transferred', $8, $9, $9, $10, $11, $12, $13) RETURNING id",
    )
    .bind(input.case_id)
    .bind(where_.try_get::<i64, _>("region_id")?)
    .bind(department_id)
    .bind(input.on.to_string())
    .bind(&receiver)
    .bind(&crime)
    .bind(&evidence)
    .bind(actor.user_id)
    .bind(now)
    .bind(i64::from(input.economic))
    .bind(input.reported_on.to_string())
    .bind(input.approved_on.to_string())
    .bind(&approver)
    .fetch_one(tx.conn())
    .await
    .map_err(|e| match fazhi_store::StoreError::from(e) {
        e if e.is_unique_violation() => Error::invalid("case_id", "该案件已移送公安机关。"),
        e => e.into(),
    })?;
    sqlx::query("INSERT INTO case_events (case_id, stage, happened_on, actor_name, note, created_at) VALUES ($1, 'transferred', $2, $3, $4, $5)")
        .bind(input.case_id)
        .bind(input.on.to_string())
        .bind(&actor.display_name)
        .bind(format!("涉嫌{crime}，移送{receiver}"))
        .bind(now)
        .execute(tx.conn())
        .await?;
    // Art. 5 on the engine: both limits started and met with the dates the record gives, so a
    // late approval or sending stays on the record as met late.
    for (purpose, start_event, start_on, days, met_on) in [
        (
            "负责人决定是否移送",
            "报告负责人",
            input.reported_on,
            APPROVAL_DAYS,
            input.approved_on,
        ),
        (
            "批准后移送公安机关",
            "负责人批准移送",
            input.approved_on,
            SENDING_DAYS,
            input.on,
        ),
    ] {
        deadlines::create(
            &mut tx,
            actor,
            clock.cal,
            clock.policy,
            &NewDeadline {
                subject_type: SUBJECT.into(),
                subject_id: id.to_string(),
                purpose: purpose.into(),
                law: LAW.into(),
                article: APPROVAL_ARTICLE.into(),
                start_event: start_event.into(),
                start_on,
                period: Period::CalendarDays(days),
                responsible_user_id: actor.user_id,
                department_id,
                party_period: false,
            },
            clock.today,
        )
        .await?;
        deadlines::meet(
            &mut tx,
            actor,
            SUBJECT,
            &id.to_string(),
            APPROVAL_ARTICLE,
            met_on,
        )
        .await?;
    }
    let deadline = NewDeadline {
        subject_type: SUBJECT.into(),
        subject_id: id.to_string(),
        purpose: format!("{receiver}审查是否立案"),
        law: if input.economic { ECONOMIC_LAW } else { LAW }.into(),
        article: if input.economic {
            ECONOMIC_ARTICLE
        } else {
            ARTICLE
        }
        .into(),
        start_event: "接受移送".into(),
        start_on: input.on,
        period: Period::CalendarDays(if input.economic {
            ECONOMIC_REVIEW_DAYS
        } else {
            REVIEW_DAYS
        }),
        responsible_user_id: actor.user_id,
        department_id,
        party_period: false,
    };
    deadlines::create(
        &mut tx,
        actor,
        clock.cal,
        clock.policy,
        &deadline,
        clock.today,
    )
    .await?;
    crate::audit::record(
        &mut tx,
        actor,
        "transfer",
        SUBJECT,
        Some(id.to_string()),
        json!({ "case_id": input.case_id, "on": input.on.to_string(), "receiver": receiver, "suspected_crime": crime,
            "reported_on": input.reported_on.to_string(), "approved_on": input.approved_on.to_string(), "approver": approver }),
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

#[derive(Clone, Debug, Serialize)]
pub struct Transfer {
    pub id: i64,
    pub case_id: i64,
    pub cause: String,
    pub department: String,
    pub transferred_on: String,
    pub receiver: String,
    pub suspected_crime: String,
    pub evidence: String,
    pub state: TransferState,
    pub decided_on: Option<String>,
    pub decision_note: Option<String>,
    pub version: i64,
    /// Art. 5's report and approval (empty on transfers recorded before they were kept).
    pub reported_on: Option<String>,
    pub approved_on: Option<String>,
    pub approver: Option<String>,
}

/// Where a transfer stands: sent and under public security's review, then filed or refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum TransferState {
    Transferred,
    Accepted,
    Returned,
}

impl TransferState {
    pub const ALL: [TransferState; 3] = [
        TransferState::Transferred,
        TransferState::Accepted,
        TransferState::Returned,
    ];

    pub fn code(self) -> &'static str {
        match self {
            TransferState::Transferred => "transferred",
            TransferState::Accepted => "accepted",
            TransferState::Returned => "returned",
        }
    }

    pub fn label_zh(self) -> &'static str {
        match self {
            TransferState::Accepted => "公安机关已立案",
            TransferState::Returned => "公安机关不予立案（退回）",
            TransferState::Transferred => "已移送，待公安机关审查",
        }
    }

    fn stored(code: &str) -> Result<TransferState> {
        TransferState::ALL
            .into_iter()
            .find(|s| s.code() == code)
            .ok_or_else(|| Error::malformed("criminal transfer state"))
    }
}

impl Transfer {
    pub fn state_label(&self) -> &'static str {
        self.state.label_zh()
    }
}

/// Public security's decision as a step on transfer `t`: the state and note to write, or why
/// it cannot be recorded. Pure; `decide` writes it.
pub fn decision_change(
    t: &Transfer,
    decision: &Decision,
    today: NaiveDate,
) -> Result<(TransferState, Option<String>)> {
    if t.state != TransferState::Transferred {
        return Err(Error::refused(
            "transfer_already_decided",
            "state",
            "公安机关的审查结果已登记。",
        ));
    }
    let note = decision.note.as_deref();
    let note = if decision.accepted {
        optional_paragraphs("note", "说明", note, 1000)?
    } else {
        Some(paragraphs(
            "note",
            "不予立案的理由",
            note.unwrap_or(""),
            1000,
        )?)
    };
    if decision.on > today || decision.on.to_string() < t.transferred_on {
        return Err(Error::invalid(
            "on",
            format!("决定日期应在移送日期（{}）至今天之间。", t.transferred_on),
        ));
    }
    let state = if decision.accepted {
        TransferState::Accepted
    } else {
        TransferState::Returned
    };
    Ok((state, note))
}

const COLUMNS: &str =
    "x.id, x.case_id, c.cause, d.name AS department, x.transferred_on, x.receiver,
    x.suspected_crime, x.evidence, x.state, x.decided_on, x.decision_note, x.version,
    x.reported_on, x.approved_on, x.approver";
const FROM: &str = "FROM criminal_transfers x JOIN cases c ON c.id = x.case_id
    JOIN departments d ON d.id = x.department_id";

fn transfer_row(r: &DbRow) -> Result<Transfer> {
    Ok(Transfer {
        id: r.try_get("id")?,
        case_id: r.try_get("case_id")?,
        cause: r.try_get("cause")?,
        department: r.try_get("department")?,
        transferred_on: r.try_get("transferred_on")?,
        receiver: r.try_get("receiver")?,
        suspected_crime: r.try_get("suspected_crime")?,
        evidence: r.try_get("evidence")?,
        state: TransferState::stored(&r.try_get::<String, _>("state")?)?,
        decided_on: r.try_get("decided_on")?,
        decision_note: r.try_get("decision_note")?,
        version: r.try_get("version")?,
        reported_on: r.try_get("reported_on")?,
        approved_on: r.try_get("approved_on")?,
        approver: r.try_get("approver")?,
    })
}

pub async fn get(store: &Store, actor: &Actor, id: i64) -> Result<Transfer> {
    actor.require(Permission::CaseRead)?;
    get_on(&mut *store.conn().await?, actor, id).await
}

/// A transfer in the actor's scope, read on `conn` (a transaction's, when it is being changed).
async fn get_on(conn: &mut sqlx::AnyConnection, actor: &Actor, id: i64) -> Result<Transfer> {
    let mut sql = Sql::new(&format!("SELECT {COLUMNS} {FROM} WHERE x.id = "));
    sql.bind(id)
        .push(" AND ")
        .append(actor.scope.condition("x", RECORD_COLUMNS));
    transfer_row(&sql.fetch_optional(conn).await?.ok_or(Error::NotFound)?)
}

/// The transfer of case `case_id`, if it was transferred and the actor sees it.
pub async fn of_case(store: &Store, actor: &Actor, case_id: i64) -> Result<Option<i64>> {
    actor.require(Permission::CaseRead)?;
    let mut sql = Sql::new("SELECT x.id FROM criminal_transfers x WHERE x.case_id = ");
    sql.bind(case_id)
        .push(" AND ")
        .append(actor.scope.condition("x", RECORD_COLUMNS));
    Ok(match sql.fetch_optional(&mut *store.conn().await?).await? {
        Some(r) => Some(r.try_get("id")?),
        None => None,
    })
}

/// Transfers within the actor's scope, newest first (at most 200).
pub async fn list(store: &Store, actor: &Actor) -> Result<Capped<Transfer>> {
    actor.require(Permission::CaseRead)?;
    let mut sql = Sql::new(&format!("SELECT {COLUMNS} {FROM} WHERE "));
    sql.append(actor.scope.condition("x", RECORD_COLUMNS))
        .push(" ORDER BY x.id DESC LIMIT 201");
    sql.fetch_all(&mut *store.conn().await?)
        .await?
        .iter()
        .map(transfer_row)
        .collect::<Result<Vec<_>>>()
        .map(|rows| Capped::new(rows, 200))
}

/// Public security's decision, as the agency receives it.
#[derive(Clone, Debug)]
pub struct Decision {
    pub on: NaiveDate,
    /// Filed as a criminal case (立案); otherwise returned (不予立案).
    pub accepted: bool,
    pub note: Option<String>,
}

/// Records the decision. Meets the review deadline.
pub async fn decide(
    ctx: &crate::Ctx<'_>,
    id: i64,
    version: i64,
    decision: &Decision,
) -> Result<()> {
    let (store, actor, clock) = (ctx.store, ctx.actor, ctx.clock);
    let Decision { on, accepted, .. } = *decision;
    let today = clock.today;
    actor.require(Permission::CaseHandle)?;
    let mut tx = store.begin().await?;
    tx.lock_row("criminal_transfers", id)
        .await?
        .ok_or(Error::NotFound)?;
    actor.require(Permission::CaseRead)?;
    let t = get_on(tx.conn(), actor, id).await?;
    if t.version != version {
        return Err(Error::Conflict);
    }
    let (state, note) = decision_change(&t, decision, today)?;
    tx.versioned_update(
        "criminal_transfers",
        id,
        version,
        vec![
            ("state", state.code().into()),
            ("decided_on", on.to_string().into()),
            ("decision_note", note.into()),
        ],
    )
    .await?;
    for article in [ARTICLE, ECONOMIC_ARTICLE] {
        deadlines::meet(&mut tx, actor, SUBJECT, &id.to_string(), article, on).await?;
    }
    // What the agency must do next, on the engine: hand over the items after a filing
    // (art. 12), or decide within 3 days whether to ask for reconsideration of a refusal
    // (art. 9) — met on the deadline's page when done.
    let (purpose, article, days) = if accepted {
        (
            "移交涉案物品及与案件有关的其他材料",
            HANDOVER_ARTICLE,
            HANDOVER_DAYS,
        )
    } else {
        (
            "提请公安机关复议不予立案决定（或建议检察院立案监督）",
            RECONSIDERATION_ARTICLE,
            RECONSIDERATION_DAYS,
        )
    };
    let department_id: i64 =
        sqlx::query_scalar("SELECT department_id FROM criminal_transfers WHERE id = $1")
            .bind(id)
            .fetch_one(tx.conn())
            .await?;
    deadlines::create(
        &mut tx,
        actor,
        clock.cal,
        clock.policy,
        &NewDeadline {
            subject_type: SUBJECT.into(),
            subject_id: id.to_string(),
            purpose: purpose.into(),
            law: LAW.into(),
            article: article.into(),
            start_event: if accepted {
                "接到立案通知书"
            } else {
                "接到不予立案通知书"
            }
            .into(),
            start_on: on,
            period: Period::CalendarDays(days),
            responsible_user_id: actor.user_id,
            department_id,
            party_period: false,
        },
        clock.today,
    )
    .await?;
    crate::audit::record(
        &mut tx,
        actor,
        "decide",
        SUBJECT,
        Some(id.to_string()),
        json!({ "state": state.code(), "on": on.to_string() }),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}
