//! Deadlines (时限) stored for the records of every module, on the kernel's one `Deadline`
//! type: created with the record, changed by suspension, resumption, extension and being met
//! (each change keeps its reason and approver), and scanned in bulk for warning lights. Each
//! warning is raised once and recorded, so "warnings raised this year" is a count of records.
//!
//! Long because it is the one writer of the `deadlines` tables for every module: create,
//! change, meet, pause, the scan and the recomputation share its row mapping and its rebuild
//! of the kernel's `Deadline`; splitting them would spread that one mapping over files.

use chrono::NaiveDate;
use fazhi_kernel::calendar::Calendar;
use fazhi_kernel::deadline::{
    Deadline, DeadlineState, Extension, Suspension, Warning, WarningPolicy,
};
use fazhi_kernel::period::Period;
use fazhi_store::audit::{self, AuditEvent};
use fazhi_store::scope::RECORD_COLUMNS;
use fazhi_store::{DbRow, Row, Sql, Store, Tx, now_ms};
use serde::Serialize;
use serde_json::json;

use crate::access::{Actor, Permission};
use crate::messages::{self, NewMessage};
use crate::{Error, Result};

/// A deadline a module starts with its record.
#[derive(Clone, Debug)]
pub struct NewDeadline {
    pub subject_type: String,
    pub subject_id: String,
    pub purpose: String,
    pub law: String,
    pub article: String,
    pub start_event: String,
    pub start_on: NaiveDate,
    pub period: Period,
    pub responsible_user_id: Option<i64>,
    pub department_id: i64,
    /// The party's period, not the agency's duty: no warnings; it ends when it passes.
    pub party_period: bool,
}

#[derive(Clone, Debug, Serialize)]
pub struct DeadlineRecord {
    pub id: i64,
    pub subject_type: String,
    pub subject_id: String,
    pub purpose: String,
    pub law: String,
    pub article: String,
    pub start_event: String,
    pub start_on: String,
    pub period: String,
    pub due_on: String,
    pub yellow_on: String,
    pub rule: String,
    pub confirmed: bool,
    pub state: String,
    pub warning: String,
    pub met_on: Option<String>,
    pub responsible_user_id: Option<i64>,
    pub version: i64,
    pub party_period: bool,
}

impl DeadlineRecord {
    /// The state as the pages say it; a party's period runs and ends, it is never overdue.
    pub fn state_zh(&self) -> &'static str {
        match (self.party_period, self.state.as_str()) {
            (true, "running") => "当事人期间内",
            (true, "met") => "当事人期间已结束",
            (true, "suspended") => "已中止计时",
            (_, "running") => "计时中",
            (_, "suspended") => "已中止计时",
            (_, "met")
                if self
                    .met_on
                    .as_deref()
                    .is_some_and(|m| m > self.due_on.as_str()) =>
            {
                "逾期完成"
            }
            (_, "met") => "已完成",
            (_, "overdue") => "已超期",
            _ => "未知",
        }
    }
}

fn date(field: &'static str, s: &str) -> Result<NaiveDate> {
    fazhi_kernel::date::parse(s)
        .ok_or_else(|| Error::invalid(field, format!("日期“{s}”格式应为 YYYY-MM-DD。")))
}

fn state_code(s: DeadlineState) -> &'static str {
    match s {
        DeadlineState::Running => "running",
        DeadlineState::Suspended => "suspended",
        DeadlineState::Met => "met",
        DeadlineState::Overdue => "overdue",
    }
}

const COLUMNS: &str = "d.id, d.subject_type, d.subject_id, d.purpose, d.law, d.article, d.start_event, \
    d.start_on, d.period, d.due_on, d.yellow_on, d.rule, d.confirmed, d.state, d.warning, d.met_on, \
    d.responsible_user_id, d.version, d.party_period";

fn record(row: &DbRow) -> Result<DeadlineRecord> {
    Ok(DeadlineRecord {
        id: row.try_get("id")?,
        subject_type: row.try_get("subject_type")?,
        subject_id: row.try_get("subject_id")?,
        purpose: row.try_get("purpose")?,
        law: row.try_get("law")?,
        article: row.try_get("article")?,
        start_event: row.try_get("start_event")?,
        start_on: row.try_get("start_on")?,
        period: row.try_get("period")?,
        due_on: row.try_get("due_on")?,
        yellow_on: row.try_get("yellow_on")?,
        rule: row.try_get("rule")?,
        confirmed: fazhi_store::flag(row.try_get("confirmed")?),
        state: row.try_get("state")?,
        warning: row.try_get("warning")?,
        met_on: row.try_get("met_on")?,
        responsible_user_id: row.try_get("responsible_user_id")?,
        version: row.try_get("version")?,
        party_period: fazhi_store::flag(row.try_get("party_period")?),
    })
}

/// Rebuilds the kernel's deadline from the stored row and its changes.
async fn model(conn: &mut sqlx::AnyConnection, r: &DeadlineRecord) -> Result<Deadline> {
    let period: Period = r
        .period
        .parse()
        .map_err(|_| Error::malformed(format!("deadline period {}", r.period)))?;
    let mut d = Deadline::new(
        &r.purpose,
        &r.law,
        &r.article,
        &r.start_event,
        date("start_on", &r.start_on)?,
        period,
    );
    let changes = sqlx::query(
        "SELECT kind, on_date, period, reason, approver FROM deadline_changes WHERE deadline_id = $1 ORDER BY id",
    )
    .bind(r.id)
    .fetch_all(conn)
    .await?;
    for c in changes {
        let kind: String = c.try_get("kind")?;
        let on = date("on_date", &c.try_get::<String, _>("on_date")?)?;
        let reason: String = c.try_get("reason")?;
        let approver: String = c.try_get("approver")?;
        match kind.as_str() {
            "suspend" => d.suspensions.push(Suspension {
                from: on,
                until: None,
                reason,
                approver,
            }),
            "resume" => {
                if let Some(open) = d.suspensions.iter_mut().rev().find(|s| s.until.is_none()) {
                    // The clock runs again from `on`: the last day stopped is the day before.
                    open.until = on
                        .pred_opt()
                        .filter(|u| *u >= open.from)
                        .or(Some(open.from));
                }
            }
            "extend" => {
                let p: Option<String> = c.try_get("period")?;
                let period = p
                    .as_deref()
                    .unwrap_or("")
                    .parse()
                    .map_err(|_| Error::malformed("deadline extension period"))?;
                d.extensions.push(Extension {
                    period,
                    reason,
                    approver,
                    approved_on: on,
                });
            }
            "met" => d.met_on = Some(on),
            _ => {}
        }
    }
    Ok(d)
}

/// Writes the computed due date, yellow day and state of `d` to row `id`.
async fn store_computed(
    conn: &mut sqlx::AnyConnection,
    id: i64,
    d: &Deadline,
    cal: &Calendar,
    policy: WarningPolicy,
    today: NaiveDate,
) -> Result<()> {
    let due = d.due(cal, today);
    let yellow = d.yellow_from(cal, policy);
    sqlx::query(
        "UPDATE deadlines SET due_on = $1, yellow_on = $2, rule = $3, confirmed = $4, state = $5, met_on = $6,
            updated_at = $7, version = version + 1 WHERE id = $8",
    )
    .bind(due.due.to_string())
    .bind(yellow.to_string())
    .bind(&due.rule)
    .bind(i64::from(due.confirmed))
    .bind(state_code(d.state(cal, today)))
    .bind(d.met_on.map(|m| m.to_string()))
    .bind(now_ms())
    .bind(id)
    .execute(conn)
    .await?;
    Ok(())
}

/// Starts a deadline inside the caller's transaction (the module's record is written in it too).
pub async fn create(
    tx: &mut Tx,
    actor: &Actor,
    cal: &Calendar,
    policy: WarningPolicy,
    input: &NewDeadline,
    today: NaiveDate,
) -> Result<i64> {
    let region: Option<i64> = sqlx::query_scalar("SELECT region_id FROM departments WHERE id = $1")
        .bind(input.department_id)
        .fetch_optional(tx.conn())
        .await?;
    let region = region.ok_or_else(|| Error::invalid("department_id", "所属部门不存在。"))?;
    let d = Deadline::new(
        &input.purpose,
        &input.law,
        &input.article,
        &input.start_event,
        input.start_on,
        input.period,
    );
    let due = d.due(cal, today);
    let now = now_ms();
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO deadlines (subject_type, subject_id, purpose, law, article, start_event, start_on, period,
            due_on, yellow_on, rule, confirmed, state, responsible_user_id, region_id, department_id, created_by,
            created_at, updated_at, party_period)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $18, $19) RETURNING id",
    )
    .bind(&input.subject_type)
    .bind(&input.subject_id)
    .bind(&input.purpose)
    .bind(&input.law)
    .bind(&input.article)
    .bind(&input.start_event)
    .bind(input.start_on.to_string())
    .bind(input.period.to_string())
    .bind(due.due.to_string())
    .bind(d.yellow_from(cal, policy).to_string())
    .bind(&due.rule)
    .bind(i64::from(due.confirmed))
    .bind(match (input.party_period, d.state(cal, today)) {
        // A party's period already past when recorded has simply ended.
        (true, DeadlineState::Overdue) => "met",
        (_, state) => state_code(state),
    })
    .bind(input.responsible_user_id)
    .bind(region)
    .bind(input.department_id)
    .bind(actor.user_id)
    .bind(now)
    .bind(i64::from(input.party_period))
    .fetch_one(tx.conn())
    .await?;
    audit::append(
        tx,
        &actor.audit(),
        &AuditEvent {
            action: "create",
            object_type: "deadline",
            object_id: Some(id.to_string()),
            detail: json!({ "subject": format!("{}:{}", input.subject_type, input.subject_id), "purpose": input.purpose,
                "period": input.period.to_string(), "start_on": input.start_on.to_string(), "due_on": due.due.to_string() }),
        },
    )
    .await?;
    Ok(id)
}

/// Who may read a deadline and who may change it (suspend, resume, extend, mark met), by the
/// kind of record it runs for: the people who read or handle that record. The three
/// administrators hold none of these, so they neither see nor move a legal time limit.
fn permissions_for(subject_type: &str) -> (&'static [Permission], &'static [Permission]) {
    match subject_type {
        "case" => (&[Permission::CaseRead], &[Permission::CaseHandle]),
        "supervision_notice" | "self_inspection" => (
            &[Permission::SupervisionManage, Permission::SupervisionReply],
            &[Permission::SupervisionManage],
        ),
        "criminal_transfer" => (
            &[Permission::SupervisionManage, Permission::CaseHandle],
            &[Permission::SupervisionManage],
        ),
        "normative_document" => (
            &[Permission::NormativeManage, Permission::SupervisionManage],
            &[Permission::NormativeManage],
        ),
        // Their limits change only through the record's own steps (an extension is a step of
        // the reconsideration with its statutory bounds), never through the deadline's form.
        "litigation" => (&[Permission::LitigationHandle], &[]),
        "reconsideration" => (&[Permission::ReconsiderationHandle], &[]),
        "dispute" => (&[Permission::DisputeHandle], &[]),
        "random_draw" => (
            &[Permission::SupervisionManage],
            &[Permission::SupervisionManage],
        ),
        // Any other kind (a module that has not named its own): the business people who read
        // records see it, those who handle them change it — never an administrator.
        _ => (
            &[
                Permission::CaseRead,
                Permission::SupervisionManage,
                Permission::SupervisionReply,
            ],
            &[Permission::CaseHandle],
        ),
    }
}

/// Whether the actor may change this deadline (the page shows its forms only then).
pub fn may_change(actor: &Actor, d: &DeadlineRecord) -> bool {
    permissions_for(&d.subject_type)
        .1
        .iter()
        .any(|p| actor.can(*p))
}

/// A deadline the actor may see: in their data scope and of a record they may read.
pub async fn get(store: &Store, actor: &Actor, id: i64) -> Result<DeadlineRecord> {
    let d = get_unchecked(store, actor, id).await?;
    actor.require_any(permissions_for(&d.subject_type).0)?;
    Ok(d)
}

async fn get_unchecked(store: &Store, actor: &Actor, id: i64) -> Result<DeadlineRecord> {
    let mut sql = Sql::new(&format!("SELECT {COLUMNS} FROM deadlines d WHERE d.id = "));
    sql.bind(id)
        .push(" AND ")
        .append(actor.scope.condition("d", RECORD_COLUMNS));
    let row = sql
        .fetch_optional(&mut *store.conn().await?)
        .await?
        .ok_or(Error::NotFound)?;
    record(&row)
}

/// What a computation of deadlines depends on: the calendar in force, the warning policy and
/// the day it is (in China).
#[derive(Clone, Copy)]
pub struct Clock<'a> {
    pub cal: &'a Calendar,
    pub policy: WarningPolicy,
    pub today: NaiveDate,
}

/// The deadlines of one record that the actor may see, oldest first.
pub async fn for_subject(
    store: &Store,
    actor: &Actor,
    subject_type: &str,
    subject_id: &str,
) -> Result<Vec<DeadlineRecord>> {
    actor.require_any(permissions_for(subject_type).0)?;
    let mut sql = Sql::new(&format!(
        "SELECT {COLUMNS} FROM deadlines d WHERE d.subject_type = "
    ));
    sql.bind(subject_type)
        .push(" AND d.subject_id = ")
        .bind(subject_id)
        .push(" AND ")
        .append(actor.scope.condition("d", RECORD_COLUMNS))
        .push(" ORDER BY d.id");
    sql.fetch_all(&mut *store.conn().await?)
        .await?
        .iter()
        .map(record)
        .collect()
}

/// A change to a deadline: the clock stops, runs again, is extended, or the act is done.
#[derive(Clone, Debug)]
pub enum Change {
    Suspend {
        from: NaiveDate,
    },
    Resume {
        on: NaiveDate,
    },
    Extend {
        period: Period,
        approved_on: NaiveDate,
    },
    Met {
        on: NaiveDate,
    },
}

/// Records a change with its reason and approver and recomputes the due date.
pub async fn change(
    ctx: &crate::Ctx<'_>,
    id: i64,
    change: &Change,
    reason: &str,
    approver: &str,
) -> Result<DeadlineRecord> {
    let (store, actor, clock) = (ctx.store, ctx.actor, ctx.clock);
    let Clock { cal, policy, today } = clock;
    let before = get(store, actor, id).await?;
    if !may_change(actor, &before) {
        return Err(Error::Forbidden);
    }
    let reason = crate::org::rules::text("reason", "理由", reason, 200)?;
    let approver = crate::org::rules::text("approver", "批准人", approver, 32)?;
    let mut tx = store.begin().await?;
    let current = model(tx.conn(), &before).await?;
    let open = current.suspensions.iter().any(|s| s.until.is_none());
    let (kind, on, period) = match change {
        Change::Suspend { from } if !open && current.met_on.is_none() => ("suspend", *from, None),
        Change::Resume { on } if open => ("resume", *on, None),
        Change::Extend {
            period,
            approved_on,
        } if current.met_on.is_none() => ("extend", *approved_on, Some(period.to_string())),
        Change::Met { on } if current.met_on.is_none() => ("met", *on, None),
        _ => {
            return Err(Error::invalid(
                "change",
                "该期限当前状态下不能进行此操作（如未中止不能恢复，已中止不能再次中止，已完成不能变更）。",
            ));
        }
    };
    sqlx::query(
        "INSERT INTO deadline_changes (deadline_id, kind, on_date, period, reason, approver, created_by, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(id)
    .bind(kind)
    .bind(on.to_string())
    .bind(&period)
    .bind(&reason)
    .bind(&approver)
    .bind(actor.user_id)
    .bind(now_ms())
    .execute(tx.conn())
    .await?;
    let updated = model(tx.conn(), &before).await?;
    store_computed(tx.conn(), id, &updated, cal, policy, today).await?;
    crate::audit::record(&mut tx, actor, "update", "deadline", Some(id.to_string()), json!({ "change": kind, "on": on.to_string(), "period": period, "reason": reason,
                "approver": approver, "due_before": before.due_on, "due_after": updated.due(cal, today).due.to_string() })).await?;
    tx.commit().await?;
    get(store, actor, id).await
}

/// Extends, inside the caller's transaction, the open deadline a record's step runs under
/// (`article`): a step that lengthens its own limit with approval — a reconsideration's art. 62
/// extension — writes the extension with the step. The audit entry is the step's.
#[allow(clippy::too_many_arguments)]
pub async fn extend_in(
    tx: &mut Tx,
    actor: &Actor,
    clock: Clock<'_>,
    subject_type: &str,
    subject_id: &str,
    article: &str,
    period: Period,
    approved: (NaiveDate, &str),
) -> Result<()> {
    let (on, reason) = approved;
    let row = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM deadlines d WHERE d.subject_type = $1 AND d.subject_id = $2
         AND d.article = $3 AND d.state <> 'met'"
    )))
    .bind(subject_type)
    .bind(subject_id)
    .bind(article)
    .fetch_optional(tx.conn())
    .await?;
    let Some(row) = row else {
        return Ok(());
    };
    let rec = record(&row)?;
    sqlx::query(
        "INSERT INTO deadline_changes (deadline_id, kind, on_date, period, reason, approver, created_by, created_at)
         VALUES ($1, 'extend', $2, $3, $4, $5, $6, $7)",
    )
    .bind(rec.id)
    .bind(on.to_string())
    .bind(period.to_string())
    .bind(reason)
    .bind(&actor.display_name)
    .bind(actor.user_id)
    .bind(now_ms())
    .execute(tx.conn())
    .await?;
    let updated = model(tx.conn(), &rec).await?;
    store_computed(
        tx.conn(),
        rec.id,
        &updated,
        clock.cal,
        clock.policy,
        clock.today,
    )
    .await
}

/// The running and overdue deadlines a user answers for, soonest first (the workbench's to-dos).
pub async fn for_user(store: &Store, user_id: i64, limit: i64) -> Result<Vec<DeadlineRecord>> {
    let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM deadlines d WHERE d.responsible_user_id = $1 AND d.state IN ('running', 'overdue', 'suspended')
         ORDER BY d.due_on, d.id LIMIT $2"
    )))
    .bind(user_id)
    .bind(limit)
    .fetch_all(store.pool())
    .await?;
    rows.iter().map(record).collect()
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct ScanReport {
    pub yellow: u64,
    pub red: u64,
}

const SCAN_BATCH: i64 = 1_000;

/// Raises the warnings due on `today`: yellow for running deadlines past their yellow day, red
/// for those past their due date. Reads by index in batches, writes each batch with one
/// statement per table, and never raises the same warning twice.
pub async fn scan(store: &Store, today: NaiveDate) -> Result<ScanReport> {
    let mut report = ScanReport::default();
    let day = today.to_string();
    // A party's period past its day has ended: no light, the agency may proceed.
    sqlx::query(
        "UPDATE deadlines SET state = 'met', met_on = due_on
         WHERE party_period = 1 AND state = 'running' AND due_on < $1",
    )
    .bind(&day)
    .execute(store.pool())
    .await?;
    for level in [Warning::Red, Warning::Yellow] {
        let (level_code, condition) = match level {
            Warning::Red => (
                "red",
                "d.party_period = 0 AND d.state IN ('running', 'overdue') AND d.warning <> 'red' AND d.due_on < $1",
            ),
            Warning::Yellow => (
                "yellow",
                "d.party_period = 0 AND d.state = 'running' AND d.warning = 'none' AND d.yellow_on <= $1",
            ),
        };
        let mut after = 0_i64;
        loop {
            let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
                "SELECT d.id, d.purpose, d.due_on, d.responsible_user_id, d.subject_type, d.subject_id
                 FROM deadlines d WHERE {condition} AND d.id > $2 ORDER BY d.id LIMIT $3"
            )))
            .bind(&day)
            .bind(after)
            .bind(SCAN_BATCH)
            .fetch_all(store.pool())
            .await?;
            let Some(last) = rows.last() else { break };
            after = last.try_get("id")?;
            let mut ids = Vec::with_capacity(rows.len());
            let mut notes = Vec::new();
            for r in &rows {
                let id: i64 = r.try_get("id")?;
                ids.push(id);
                if let Some(user) = r.try_get::<Option<i64>, _>("responsible_user_id")? {
                    let purpose: String = r.try_get("purpose")?;
                    let due: String = r.try_get("due_on")?;
                    let (title, body) = match level {
                        Warning::Red => (
                            format!("红灯：{purpose}已超期"),
                            format!("期限届满日为 {due}，已超期，请立即处理。"),
                        ),
                        Warning::Yellow => (
                            format!("黄灯：{purpose}即将到期"),
                            format!("期限届满日为 {due}，请抓紧办理。"),
                        ),
                    };
                    notes.push(NewMessage {
                        user_id: user,
                        title,
                        body,
                        link: Some(format!("/deadlines/{id}")),
                    });
                }
            }
            let mut tx = store.begin().await?;
            let mut insert = Sql::new(
                "INSERT INTO deadline_warnings (deadline_id, level, raised_on, raised_at) VALUES ",
            );
            let now = now_ms();
            for (i, id) in ids.iter().enumerate() {
                if i > 0 {
                    insert.push(", ");
                }
                insert
                    .push("(")
                    .bind(*id)
                    .push(", ")
                    .bind(level_code)
                    .push(", ")
                    .bind(day.as_str())
                    .push(", ")
                    .bind(now)
                    .push(")");
            }
            insert.push(" ON CONFLICT (deadline_id, level) DO NOTHING");
            let raised = insert.execute(tx.conn()).await?;
            let mut update = Sql::new("UPDATE deadlines SET warning = ");
            update.bind(level_code);
            if level == Warning::Red {
                update.push(", state = 'overdue'");
            }
            update.push(" WHERE id IN (");
            update.bind_list(ids.iter().copied());
            update.push(")");
            update.execute(tx.conn()).await?;
            messages::send_many(&mut tx, &notes).await?;
            tx.commit().await?;
            match level {
                Warning::Red => report.red += raised,
                Warning::Yellow => report.yellow += raised,
            }
        }
    }
    Ok(report)
}

/// Warnings raised in a year (the seed's 累计预警超期办件 counts these records).
pub async fn warnings_raised(store: &Store, year: i32) -> Result<i64> {
    Ok(sqlx::query_scalar(
        "SELECT COUNT(*) FROM deadline_warnings WHERE raised_on >= $1 AND raised_on <= $2",
    )
    .bind(format!("{year:04}-01-01"))
    .bind(format!("{year:04}-12-31"))
    .fetch_one(store.pool())
    .await?)
}

/// Today in China (Asia/Shanghai, UTC+8 all year), the date legal periods count in.
/// The working-day calendar (with local rest days and imported years) and the warning policy
/// that new deadlines are computed with.
pub async fn in_force(store: &Store) -> Result<(Calendar, WarningPolicy)> {
    let cal = crate::calendar::load(store).await?;
    let (policy, _) = crate::settings::warning_policy(store).await?;
    Ok((cal, policy))
}

/// How long a kept calendar serves before it is read again. A change made through this process
/// is seen at once (`InForce::forget`); one made elsewhere (the console, another server of a
/// cluster) within this time.
pub const IN_FORCE_TTL: std::time::Duration = std::time::Duration::from_secs(60);

/// The calendar and the warning policy that deadlines are computed with.
pub type CalendarInForce = std::sync::Arc<(Calendar, WarningPolicy)>;

/// The calendar and warning policy in force, kept in the application state so a request does
/// not read and parse every imported year again.
#[derive(Default)]
pub struct InForce {
    kept: std::sync::Mutex<Option<(std::time::Instant, CalendarInForce)>>,
}

impl InForce {
    pub async fn get(&self, store: &Store) -> Result<CalendarInForce> {
        let kept = self.kept.lock().ok().and_then(|k| k.clone());
        if let Some((at, value)) = kept
            && at.elapsed() < IN_FORCE_TTL
        {
            return Ok(value);
        }
        let fresh = std::sync::Arc::new(in_force(store).await?);
        if let Ok(mut k) = self.kept.lock() {
            *k = Some((std::time::Instant::now(), fresh.clone()));
        }
        Ok(fresh)
    }

    /// After the calendar or the warning policy changed: the next `get` reads them again.
    pub fn forget(&self) {
        if let Ok(mut k) = self.kept.lock() {
            *k = None;
        }
    }
}

pub fn china_today() -> NaiveDate {
    (chrono::Utc::now() + chrono::Duration::hours(8)).date_naive()
}

/// Recomputes every open deadline against `cal` (after a new year's arrangement or a local
/// non-working day changes which days count). Returns how many due dates moved.
pub async fn recompute_open(
    store: &Store,
    cal: &Calendar,
    policy: WarningPolicy,
    today: NaiveDate,
) -> Result<u64> {
    let mut after = 0_i64;
    let mut moved = 0;
    loop {
        let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {COLUMNS} FROM deadlines d WHERE d.state IN ('running', 'suspended', 'overdue') AND d.id > $1
             ORDER BY d.id LIMIT $2"
        )))
        .bind(after)
        .bind(SCAN_BATCH)
        .fetch_all(store.pool())
        .await?;
        let Some(last) = rows.last() else { break };
        after = last.try_get("id")?;
        let mut tx = store.begin().await?;
        for row in &rows {
            let r = record(row)?;
            let d = model(tx.conn(), &r).await?;
            if d.due(cal, today).due.to_string() != r.due_on {
                moved += 1;
            }
            store_computed(tx.conn(), r.id, &d, cal, policy, today).await?;
        }
        tx.commit().await?;
    }
    Ok(moved)
}

/// The changes of a deadline, oldest first: (kind, date, period, reason, approver).
pub async fn history(
    store: &Store,
    actor: &Actor,
    id: i64,
) -> Result<Vec<(String, String, Option<String>, String, String)>> {
    get(store, actor, id).await?;
    let rows = sqlx::query("SELECT kind, on_date, period, reason, approver FROM deadline_changes WHERE deadline_id = $1 ORDER BY id")
        .bind(id)
        .fetch_all(store.pool())
        .await?;
    rows.iter()
        .map(|r| {
            Ok((
                r.try_get("kind")?,
                r.try_get("on_date")?,
                r.try_get("period")?,
                r.try_get("reason")?,
                r.try_get("approver")?,
            ))
        })
        .collect()
}

/// Marks a record's open deadlines under `article` met on `on`, inside the caller's transaction
/// (the stage that meets them is written in it too). Returns how many.
/// Stops (`stop = true`, from `on`) or restarts (on `on`) the clock of a record's running
/// deadlines under `article`, inside the caller's transaction, and recomputes them — for a
/// module whose own step suspends a limit by law (e.g. 行政处罚法第七十三条第三款).
#[allow(clippy::too_many_arguments)]
pub async fn pause(
    tx: &mut Tx,
    actor: &Actor,
    clock: Clock<'_>,
    subject_type: &str,
    subject_id: &str,
    article: &str,
    on: NaiveDate,
    stop: bool,
    reason: &str,
) -> Result<u64> {
    let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM deadlines d WHERE d.subject_type = $1 AND d.subject_id = $2 AND d.article = $3 AND d.state <> 'met'"
    )))
    .bind(subject_type)
    .bind(subject_id)
    .bind(article)
    .fetch_all(tx.conn())
    .await?;
    for row in &rows {
        let r = record(row)?;
        sqlx::query(
            "INSERT INTO deadline_changes (deadline_id, kind, on_date, reason, approver, created_by, created_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(r.id)
        .bind(if stop { "suspend" } else { "resume" })
        .bind(on.to_string())
        .bind(reason)
        .bind(&actor.display_name)
        .bind(actor.user_id)
        .bind(now_ms())
        .execute(tx.conn())
        .await?;
        let d = model(tx.conn(), &r).await?;
        store_computed(tx.conn(), r.id, &d, clock.cal, clock.policy, clock.today).await?;
    }
    Ok(rows.len() as u64)
}

pub async fn meet(
    tx: &mut Tx,
    actor: &Actor,
    subject_type: &str,
    subject_id: &str,
    article: &str,
    on: NaiveDate,
) -> Result<u64> {
    let ids: Vec<i64> = sqlx::query_scalar(
        "SELECT id FROM deadlines WHERE subject_type = $1 AND subject_id = $2 AND article = $3 AND state <> 'met'",
    )
    .bind(subject_type)
    .bind(subject_id)
    .bind(article)
    .fetch_all(tx.conn())
    .await?;
    for id in &ids {
        sqlx::query(
            "INSERT INTO deadline_changes (deadline_id, kind, on_date, reason, approver, created_by, created_at)
             VALUES ($1, 'met', $2, '办理完成', $3, $4, $5)",
        )
        .bind(*id)
        .bind(on.to_string())
        .bind(&actor.display_name)
        .bind(actor.user_id)
        .bind(now_ms())
        .execute(tx.conn())
        .await?;
        sqlx::query("UPDATE deadlines SET state = 'met', met_on = $1, version = version + 1, updated_at = $2 WHERE id = $3")
            .bind(on.to_string())
            .bind(now_ms())
            .bind(*id)
            .execute(tx.conn())
            .await?;
    }
    Ok(ids.len() as u64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn the_kept_calendar_serves_until_forgotten_then_the_stored_one_is_read_again() {
        let store = Store::connect("sqlite:file:in_force_test?mode=memory&cache=shared")
            .await
            .unwrap();
        fazhi_store::migrate::run(&store).await.unwrap();
        let kept = InForce::default();
        let day = NaiveDate::from_ymd_opt(2099, 1, 5).unwrap();
        let first = kept.get(&store).await.unwrap();
        assert!(!first.0.day(day).confirmed);
        sqlx::query("INSERT INTO calendar_years (year, source, body, imported_by, imported_at) VALUES (2099, 'test', $1, 'test', 0)")
            .bind("[2099] 通知\nrest 2099-01-05\n")
            .execute(store.pool())
            .await
            .unwrap();
        // Within the minute, the same calendar: no query, no parse.
        assert!(std::sync::Arc::ptr_eq(
            &first,
            &kept.get(&store).await.unwrap()
        ));
        kept.forget();
        let again = kept.get(&store).await.unwrap();
        assert!(!std::sync::Arc::ptr_eq(&first, &again));
        assert!(again.0.day(day).confirmed && !again.0.is_workday(day));
    }
}
