//! Self-inspection (部门自查) and supervisory inspection (执法检查). Every month each agency gets
//! a self-inspection task due at the month's end, on the deadline engine; the agency records the
//! files it checked, the problems it found and those it rectified itself. The supervisor records
//! each quarter's supervisory inspections of agencies the same way. The year's counts are the
//! report's 部门自查 and 自行整改问题 (FIGURES 一(三)2).

use chrono::{Datelike, NaiveDate};
use fazhi_kernel::period::Period;
use fazhi_store::page::{Keyset, Page};
use fazhi_store::scope::RECORD_COLUMNS;
use fazhi_store::{DbRow, Row, Sql, Store, now_ms};
use serde::Serialize;
use serde_json::json;

use super::notices::repliers;
use crate::access::{Actor, Permission};
use crate::deadlines::{self, Clock, NewDeadline};
use crate::messages::{self, NewMessage};
use crate::org::rules::paragraphs;
use crate::{Error, Result};

const SUBJECT: &str = "self_inspection";

/// Who reads self-inspections: the supervisor who plans them and the agency that records them.
const READERS: [Permission; 2] = [Permission::SupervisionManage, Permission::SupervisionReply];
/// Who reads the year's counts (the figures page opens to case readers too).
const FIGURE_READERS: [Permission; 3] = [
    Permission::SupervisionManage,
    Permission::SupervisionReply,
    Permission::CaseRead,
];
const DEADLINE_ARTICLE: &str = "自查期限";
/// The most files or problems one inspection records (a typing slip, not an agency, goes past).
const MAX_COUNT: i64 = 100_000;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum Kind {
    /// 部门自查 (monthly, by the agency)
    SelfInspection,
    /// 执法检查 (quarterly, by the supervisor)
    Supervisory,
}

impl Kind {
    pub fn code(self) -> &'static str {
        match self {
            Kind::SelfInspection => "self",
            Kind::Supervisory => "supervisory",
        }
    }
    pub fn label_zh(self) -> &'static str {
        match self {
            Kind::SelfInspection => "部门自查",
            Kind::Supervisory => "执法检查",
        }
    }
    fn parse(code: &str) -> Kind {
        if code == "supervisory" {
            Kind::Supervisory
        } else {
            Kind::SelfInspection
        }
    }
}

/// What an inspection found.
#[derive(Clone, Debug, Default)]
pub struct SelfInspectionResult {
    pub on: NaiveDate,
    pub files_checked: i64,
    pub problems_found: i64,
    pub problems_rectified: i64,
    pub summary: String,
}

#[derive(Clone, Debug, Serialize)]
pub struct Inspection {
    pub id: i64,
    pub kind: Kind,
    pub department_id: i64,
    pub department: String,
    /// 2024-03 for a month, 2024-Q1 for a quarter.
    pub period: String,
    pub due_on: String,
    pub done: bool,
    pub done_on: Option<String>,
    pub files_checked: i64,
    pub problems_found: i64,
    pub problems_rectified: i64,
    pub summary: Option<String>,
    pub version: i64,
}

const COLUMNS: &str =
    "s.id, s.kind, s.department_id, d.name AS department, s.period, s.due_on, s.state,
    s.done_on, s.files_checked, s.problems_found, s.problems_rectified, s.summary, s.version";

fn inspection(r: &DbRow) -> Result<Inspection> {
    Ok(Inspection {
        id: r.try_get("id")?,
        kind: Kind::parse(&r.try_get::<String, _>("kind")?),
        department_id: r.try_get("department_id")?,
        department: r.try_get("department")?,
        period: r.try_get("period")?,
        due_on: r.try_get("due_on")?,
        done: r.try_get::<String, _>("state")? == "done",
        done_on: r.try_get("done_on")?,
        files_checked: r.try_get("files_checked")?,
        problems_found: r.try_get("problems_found")?,
        problems_rectified: r.try_get("problems_rectified")?,
        summary: r.try_get("summary")?,
        version: r.try_get("version")?,
    })
}

fn checked(o: &SelfInspectionResult) -> Result<String> {
    for (field, label, n) in [
        ("files_checked", "检查案卷数", o.files_checked),
        ("problems_found", "发现问题数", o.problems_found),
        ("problems_rectified", "整改问题数", o.problems_rectified),
    ] {
        if !(0..=MAX_COUNT).contains(&n) {
            return Err(Error::invalid(
                field,
                format!("{label}应为 0 至 {MAX_COUNT} 之间的整数。"),
            ));
        }
    }
    if o.problems_rectified > o.problems_found {
        return Err(Error::invalid(
            "problems_rectified",
            "整改问题数不能多于发现问题数。",
        ));
    }
    paragraphs("summary", "检查情况", &o.summary, 2000)
}

/// The agencies within the actor's scope: departments that hold cases or have people who
/// handle them.
pub(crate) async fn agencies(store: &Store, actor: &Actor) -> Result<Vec<(i64, i64)>> {
    let rows = sqlx::query(
        "SELECT d.id, d.region_id, d.path, r.path AS region_path FROM departments d
         JOIN regions r ON r.id = d.region_id
         WHERE EXISTS (SELECT 1 FROM cases c WHERE c.department_id = d.id)
            OR EXISTS (SELECT 1 FROM users u JOIN user_roles ur ON ur.user_id = u.id
                JOIN role_permissions rp ON rp.role_id = ur.role_id
                WHERE u.department_id = d.id AND rp.permission = $1)
         ORDER BY d.id",
    )
    .bind(Permission::CaseHandle.code())
    .fetch_all(store.pool())
    .await?;
    let mut out = Vec::new();
    for r in &rows {
        let (id, region_path, path): (i64, String, String) = (
            r.try_get("id")?,
            r.try_get("region_path")?,
            r.try_get("path")?,
        );
        if actor.scope.covers(&region_path, id, &path) {
            out.push((id, r.try_get("region_id")?));
        }
    }
    Ok(out)
}

/// Gives every agency its self-inspection task for the month of `day`, once (a second run
/// finds them there). Returns how many were created.
pub async fn plan_month(
    store: &Store,
    actor: &Actor,
    clock: Clock<'_>,
    day: NaiveDate,
) -> Result<usize> {
    actor.require(Permission::SupervisionManage)?;
    let first = day.with_day(1).ok_or(Error::NotFound)?;
    let next = first
        .checked_add_months(chrono::Months::new(1))
        .ok_or(Error::NotFound)?;
    let last = next.pred_opt().ok_or(Error::NotFound)?;
    let period = format!("{:04}-{:02}", first.year(), first.month());
    let agencies = agencies(store, actor).await?;
    let mut tx = store.begin().await?;
    let have: Vec<i64> = sqlx::query_scalar(
        "SELECT department_id FROM self_inspections WHERE kind = 'self' AND period = $1",
    )
    .bind(&period)
    .fetch_all(tx.conn())
    .await?;
    let mut created = Vec::new();
    for (department_id, region_id) in agencies.into_iter().filter(|(d, _)| !have.contains(d)) {
        let now = now_ms();
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO self_inspections (kind, department_id, region_id, period, due_on, state,
                created_by, created_at, updated_at)
             VALUES ('self', $1, $2, $3, $4, 'open', $5, $6, $6) RETURNING id",
        )
        .bind(department_id)
        .bind(region_id)
        .bind(&period)
        .bind(last.to_string())
        .bind(actor.user_id)
        .bind(now)
        .fetch_one(tx.conn())
        .await?;
        let input = NewDeadline {
            subject_type: SUBJECT.into(),
            subject_id: id.to_string(),
            purpose: format!("{period} 部门自查"),
            law: "行政执法监督".into(),
            article: DEADLINE_ARTICLE.into(),
            start_event: "自查月份开始".into(),
            start_on: first,
            period: Period::CalendarDays(u32::try_from((last - first).num_days()).unwrap_or(0)),
            responsible_user_id: None,
            department_id,
            party_period: false,
        };
        let deadline =
            deadlines::create(&mut tx, actor, clock.cal, clock.policy, &input, clock.today).await?;
        // The engine's due day (a month ending on a rest day runs to the next working day).
        sqlx::query(
            "UPDATE self_inspections SET due_on = (SELECT due_on FROM deadlines WHERE id = $1) WHERE id = $2",
        )
        .bind(deadline)
        .bind(id)
        .execute(tx.conn())
        .await?;
        let told: Vec<NewMessage> = repliers(&mut tx, department_id)
            .await?
            .into_iter()
            .map(|user_id| NewMessage {
                user_id,
                title: format!("{period} 部门自查"),
                body: format!("请于 {last} 前完成本月执法案卷自查，登记发现和整改的问题。"),
                link: Some(format!("/supervision/self-inspections/{id}")),
            })
            .collect();
        messages::send_many(&mut tx, &told).await?;
        created.push(id);
    }
    if !created.is_empty() {
        crate::audit::record(
            &mut tx,
            actor,
            "plan",
            SUBJECT,
            None,
            json!({ "period": period, "created": created.len() }),
        )
        .await?;
    }
    tx.commit().await?;
    Ok(created.len())
}

/// The agency records its month's self-inspection. Meets the task's deadline.
pub async fn record(
    store: &Store,
    actor: &Actor,
    today: NaiveDate,
    id: i64,
    version: i64,
    outcome: &SelfInspectionResult,
) -> Result<()> {
    actor.require(Permission::SupervisionReply)?;
    let summary = checked(outcome)?;
    let mut tx = store.begin().await?;
    tx.lock_row("self_inspections", id)
        .await?
        .ok_or(Error::NotFound)?;
    let s = inspection(
        &scoped(actor, id)
            .fetch_optional(tx.conn())
            .await?
            .ok_or(Error::NotFound)?,
    )?;
    if s.version != version {
        return Err(Error::Conflict);
    }
    if s.done {
        return Err(Error::refused(
            "self_inspection_recorded",
            "state",
            "本次自查已登记。",
        ));
    }
    let start = fazhi_kernel::date::parse(&format!("{}-01", s.period));
    if outcome.on > today || start.is_some_and(|st| outcome.on < st) {
        return Err(Error::invalid(
            "on",
            format!("完成日期应在 {}-01 至今天之间。", s.period),
        ));
    }
    done(&mut tx, id, outcome, &summary, actor).await?;
    tx.bump_version("self_inspections", id, version).await?;
    deadlines::meet(
        &mut tx,
        actor,
        SUBJECT,
        &id.to_string(),
        DEADLINE_ARTICLE,
        outcome.on,
    )
    .await?;
    crate::audit::record(
        &mut tx,
        actor,
        "record",
        SUBJECT,
        Some(id.to_string()),
        json!({ "on": outcome.on.to_string(), "files_checked": outcome.files_checked,
                "problems_found": outcome.problems_found, "problems_rectified": outcome.problems_rectified }),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

async fn done(
    tx: &mut fazhi_store::Tx,
    id: i64,
    o: &SelfInspectionResult,
    summary: &str,
    actor: &Actor,
) -> Result<()> {
    sqlx::query(
        "UPDATE self_inspections SET state = 'done', done_on = $1, files_checked = $2, problems_found = $3,
            problems_rectified = $4, summary = $5, done_by = $6, updated_at = $7
         WHERE id = $8",
    )
    .bind(o.on.to_string())
    .bind(o.files_checked)
    .bind(o.problems_found)
    .bind(o.problems_rectified)
    .bind(summary)
    .bind(actor.user_id)
    .bind(now_ms())
    .bind(id)
    .execute(tx.conn())
    .await?;
    Ok(())
}

/// The supervisor records a quarter's supervisory inspection of an agency in scope.
pub async fn record_supervisory(
    store: &Store,
    actor: &Actor,
    today: NaiveDate,
    department_id: i64,
    outcome: &SelfInspectionResult,
) -> Result<i64> {
    actor.require(Permission::SupervisionManage)?;
    let summary = checked(outcome)?;
    if outcome.on > today {
        return Err(Error::invalid("on", "检查日期不能晚于今天。"));
    }
    let region = crate::org::service::department(store, actor, department_id)
        .await
        .map_err(Error::missing_as(
            "department_id",
            "请选择您监督范围内的执法部门。",
        ))?
        .region_id;
    let period = format!("{:04}-Q{}", outcome.on.year(), outcome.on.month0() / 3 + 1);
    let mut tx = store.begin().await?;
    let now = now_ms();
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO self_inspections (kind, department_id, region_id, period, due_on, state,
            created_by, created_at, updated_at)
         VALUES ('supervisory', $1, $2, $3, $4, 'open', $5, $6, $6) RETURNING id",
    )
    .bind(department_id)
    .bind(region)
    .bind(&period)
    .bind(outcome.on.to_string())
    .bind(actor.user_id)
    .bind(now)
    .fetch_one(tx.conn())
    .await?;
    done(&mut tx, id, outcome, &summary, actor).await?;
    crate::audit::record(
        &mut tx,
        actor,
        "record",
        SUBJECT,
        Some(id.to_string()),
        json!({ "kind": "supervisory", "department_id": department_id, "period": period,
                "problems_found": outcome.problems_found, "problems_rectified": outcome.problems_rectified }),
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

/// One inspection within the actor's scope.
fn scoped(actor: &Actor, id: i64) -> Sql {
    let mut sql = Sql::new(&format!(
        "SELECT {COLUMNS} FROM self_inspections s JOIN departments d ON d.id = s.department_id WHERE s.id = "
    ));
    sql.bind(id)
        .push(" AND ")
        .append(actor.scope.condition("s", RECORD_COLUMNS));
    sql
}

pub async fn get(store: &Store, actor: &Actor, id: i64) -> Result<Inspection> {
    actor.require_any(&READERS)?;
    inspection(
        &scoped(actor, id)
            .fetch_optional(&mut *store.conn().await?)
            .await?
            .ok_or(Error::NotFound)?,
    )
}

/// Inspections within the actor's scope whose period falls in the year, newest first.
pub async fn list(
    store: &Store,
    actor: &Actor,
    year: i32,
    keyset: Keyset,
) -> Result<Page<Inspection>> {
    actor.require_any(&READERS)?;
    let mut sql = Sql::new(&format!(
        "SELECT {COLUMNS} FROM self_inspections s JOIN departments d ON d.id = s.department_id WHERE s.period LIKE "
    ));
    sql.bind(format!("{year:04}-%"))
        .push(" AND ")
        .append(actor.scope.condition("s", RECORD_COLUMNS));
    keyset.apply(&mut sql, "s.id");
    let items = sql
        .fetch_all(&mut *store.conn().await?)
        .await?
        .iter()
        .map(inspection)
        .collect::<Result<Vec<_>>>()?;
    Ok(keyset.finish(items, |s| s.id))
}

/// A year's inspections done within the scope, by kind: (done, problems found, rectified).
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct InspectionFigures {
    pub self_done: i64,
    pub self_open: i64,
    pub self_found: i64,
    pub self_rectified: i64,
    pub supervisory_done: i64,
    pub supervisory_found: i64,
}

pub async fn figures(store: &Store, actor: &Actor, year: i32) -> Result<InspectionFigures> {
    actor.require_any(&FIGURE_READERS)?;
    let mut sql = Sql::new(
        "SELECT s.kind, s.state, COUNT(*) AS n, CAST(COALESCE(SUM(s.problems_found), 0) AS BIGINT) AS found,
            CAST(COALESCE(SUM(s.problems_rectified), 0) AS BIGINT) AS rectified
         FROM self_inspections s WHERE s.period LIKE ",
    );
    sql.bind(format!("{year:04}-%"))
        .push(" AND ")
        .append(actor.scope.condition("s", RECORD_COLUMNS))
        .push(" GROUP BY s.kind, s.state");
    let mut f = InspectionFigures::default();
    for r in sql.fetch_all(&mut *store.conn().await?).await? {
        let (kind, state): (String, String) = (r.try_get("kind")?, r.try_get("state")?);
        let (n, found, rectified): (i64, i64, i64) = (
            r.try_get("n")?,
            r.try_get("found")?,
            r.try_get("rectified")?,
        );
        match (kind.as_str(), state.as_str()) {
            ("self", "done") => {
                f.self_done = n;
                f.self_found = found;
                f.self_rectified = rectified;
            }
            ("self", _) => f.self_open = n,
            (_, "done") => {
                f.supervisory_done = n;
                f.supervisory_found = found;
            }
            _ => {}
        }
    }
    Ok(f)
}
