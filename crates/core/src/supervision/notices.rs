//! Supervision notices (行政执法监督通知书): the justice bureau tells an agency what supervision
//! found — in its own words and, optionally, the evaluated case files that failed — with a
//! rectification period on the deadline engine. The agency replies with what it rectified and
//! the evidence; the supervisor accepts the rectification or returns it with a reason and a new
//! period. The rectification rate (监督回复整改率) is accepted notices over notices issued.
//!
//! Long because a notice's issue, reply, review, figures and .docx are one record's life.

use chrono::{Datelike, NaiveDate};
use fazhi_kernel::period::Period;
use fazhi_store::page::{Page, SortColumn, Sorted};
use fazhi_store::scope::RECORD_COLUMNS;
use fazhi_store::{DbRow, Row, Sql, Store, Tx, now_ms};
use serde::Serialize;
use serde_json::json;

use crate::access::{Actor, Permission};
use crate::deadlines::{self, Clock, NewDeadline};
use crate::enforcement::documents::Block;
use crate::enforcement::rules::next_number;
use crate::listing::{self, Narrowing, Workbook};
use crate::messages::{self, NewMessage};
use crate::org::rules::{optional_paragraphs, paragraphs, text};
use crate::{Error, Result};

/// The deadline's subject type and the "article" its rows are met by.
const SUBJECT: &str = "supervision_notice";

/// Who reads notices: the supervisor who issues them and the agency that replies.
const READERS: [Permission; 2] = [Permission::SupervisionManage, Permission::SupervisionReply];
/// Who reads the notice figures (the year's figures pages and the performance evaluation, which
/// a case reader opens too).
const FIGURE_READERS: [Permission; 3] = [
    Permission::SupervisionManage,
    Permission::SupervisionReply,
    Permission::CaseRead,
];
const DEADLINE_ARTICLE: &str = "整改期限";
/// The longest rectification period a notice may give, in calendar days.
pub const MAX_RECTIFY_DAYS: i64 = 180;
/// A notice names at most this many case files; a wider sample is a bulletin's job.
pub const MAX_CASES: usize = 200;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum NoticeState {
    /// 待回复
    Issued,
    /// 已回复，待验收
    Replied,
    /// 退回重新整改
    Returned,
    /// 整改验收通过
    Accepted,
}

impl NoticeState {
    pub const ALL: [NoticeState; 4] = [
        NoticeState::Issued,
        NoticeState::Replied,
        NoticeState::Returned,
        NoticeState::Accepted,
    ];

    pub fn code(self) -> &'static str {
        match self {
            NoticeState::Issued => "issued",
            NoticeState::Replied => "replied",
            NoticeState::Returned => "returned",
            NoticeState::Accepted => "accepted",
        }
    }

    pub fn label_zh(self) -> &'static str {
        match self {
            NoticeState::Issued => "待回复",
            NoticeState::Replied => "已回复待验收",
            NoticeState::Returned => "退回重新整改",
            NoticeState::Accepted => "整改已验收",
        }
    }

    pub fn parse(code: &str) -> Option<NoticeState> {
        NoticeState::ALL.into_iter().find(|s| s.code() == code)
    }
}

/// What the supervisor fills in.
#[derive(Clone, Debug, Default)]
pub struct NewNotice {
    pub department_id: i64,
    pub issued_on: NaiveDate,
    pub subject: String,
    pub problems: String,
    pub rectify_days: i64,
    /// Attach the department's evaluated case files with findings filed in this period.
    pub cases_filed: Option<(NaiveDate, NaiveDate)>,
}

/// A case file a notice names, with its findings as they stood at issue.
#[derive(Clone, Debug, Serialize)]
pub struct NoticeCase {
    pub case_id: i64,
    pub cause: String,
    pub decision_number: Option<String>,
    pub filed_on: String,
    pub findings: String,
}

#[derive(Clone, Debug, Serialize)]
pub struct Notice {
    pub id: i64,
    pub number: String,
    pub issuer: String,
    pub department_id: i64,
    pub department: String,
    pub issued_on: String,
    pub subject: String,
    pub problems: String,
    /// The period the notice gave, in calendar days.
    pub rectify_days: i64,
    /// When the current period ends (a return starts a new one).
    pub rectify_by: String,
    pub state: NoticeState,
    pub reply: Option<String>,
    pub evidence: Option<String>,
    pub replied_on: Option<String>,
    pub review_note: Option<String>,
    pub reviewed_on: Option<String>,
    pub returns: i64,
    pub version: i64,
    pub cases: Vec<NoticeCase>,
}

const COLUMNS: &str = "n.id, n.number, i.name AS issuer, n.department_id, d.name AS department,
    n.issued_on, n.subject, n.problems, n.rectify_days, n.rectify_by, n.state, n.reply, n.evidence,
    n.replied_on, n.review_note, n.reviewed_on, n.returns, n.version";
const FROM: &str = "FROM supervision_notices n JOIN departments d ON d.id = n.department_id
    JOIN departments i ON i.id = n.issuer_department_id";

fn notice(r: &DbRow) -> Result<Notice> {
    let state: String = r.try_get("state")?;
    Ok(Notice {
        id: r.try_get("id")?,
        number: r.try_get("number")?,
        issuer: r.try_get("issuer")?,
        department_id: r.try_get("department_id")?,
        department: r.try_get("department")?,
        issued_on: r.try_get("issued_on")?,
        subject: r.try_get("subject")?,
        problems: r.try_get("problems")?,
        rectify_days: r.try_get("rectify_days")?,
        rectify_by: r.try_get("rectify_by")?,
        state: NoticeState::parse(&state).ok_or(Error::NotFound)?,
        reply: r.try_get("reply")?,
        evidence: r.try_get("evidence")?,
        replied_on: r.try_get("replied_on")?,
        review_note: r.try_get("review_note")?,
        reviewed_on: r.try_get("reviewed_on")?,
        returns: r.try_get("returns")?,
        version: r.try_get("version")?,
        cases: Vec::new(),
    })
}

fn rectify_days(days: i64) -> Result<i64> {
    if (1..=MAX_RECTIFY_DAYS).contains(&days) {
        Ok(days)
    } else {
        Err(Error::invalid(
            "rectify_days",
            format!("整改期限应为 1 至 {MAX_RECTIFY_DAYS} 日。"),
        ))
    }
}

/// A day of the notice's life: not in the future, not before `earliest`.
fn day_between(
    field: &'static str,
    label: &str,
    on: NaiveDate,
    earliest: Option<NaiveDate>,
    today: NaiveDate,
) -> Result<NaiveDate> {
    if on > today {
        return Err(Error::invalid(
            field,
            format!("{label}不能晚于今天（{today}）。"),
        ));
    }
    if let Some(e) = earliest.filter(|e| on < *e) {
        return Err(Error::invalid(field, format!("{label}不能早于 {e}。")));
    }
    Ok(on)
}

fn date(s: &str) -> Option<NaiveDate> {
    fazhi_kernel::date::parse(s)
}

/// The notice a rectification period is started for.
struct Addressed<'a> {
    id: i64,
    department_id: i64,
    number: &'a str,
}

/// Starts the rectification period, and tells the agency's people who reply.
async fn start_period(
    tx: &mut Tx,
    actor: &Actor,
    clock: Clock<'_>,
    notice: Addressed<'_>,
    from: NaiveDate,
    days: i64,
) -> Result<NaiveDate> {
    let Addressed {
        id,
        department_id,
        number,
    } = notice;
    let input = NewDeadline {
        subject_type: SUBJECT.into(),
        subject_id: id.to_string(),
        purpose: format!("按{number}整改并书面回复"),
        law: "行政执法监督通知书".into(),
        article: DEADLINE_ARTICLE.into(),
        start_event: "通知书发出".into(),
        start_on: from,
        period: Period::CalendarDays(u32::try_from(days).unwrap_or(u32::MAX)),
        responsible_user_id: None,
        department_id,
        party_period: false,
    };
    let deadline =
        deadlines::create(tx, actor, clock.cal, clock.policy, &input, clock.today).await?;
    let due: String = sqlx::query_scalar("SELECT due_on FROM deadlines WHERE id = $1")
        .bind(deadline)
        .fetch_one(tx.conn())
        .await?;
    let due = date(&due).ok_or(Error::NotFound)?;
    let repliers = repliers(tx, department_id).await?;
    let notices: Vec<NewMessage> = repliers
        .into_iter()
        .map(|user_id| NewMessage {
            user_id,
            title: format!("执法监督通知书 {number}"),
            body: format!("请于 {due} 前整改并书面回复。"),
            link: Some(format!("/supervision/notices/{id}")),
        })
        .collect();
    messages::send_many(tx, &notices).await?;
    Ok(due)
}

/// The users of a department who reply for it (hold `supervision.reply` through a role).
pub(super) async fn repliers(tx: &mut Tx, department_id: i64) -> Result<Vec<i64>> {
    Ok(sqlx::query_scalar(
        "SELECT DISTINCT u.id FROM users u JOIN user_roles ur ON ur.user_id = u.id
         JOIN role_permissions rp ON rp.role_id = ur.role_id
         WHERE u.department_id = $1 AND rp.permission = $2",
    )
    .bind(department_id)
    .bind(Permission::SupervisionReply.code())
    .fetch_all(tx.conn())
    .await?)
}

/// Issues a notice to an agency within the actor's scope.
pub async fn issue(ctx: &crate::Ctx<'_>, input: &NewNotice) -> Result<i64> {
    let (store, actor, clock) = (ctx.store, ctx.actor, ctx.clock);
    actor.require(Permission::SupervisionManage)?;
    let subject = text("subject", "标题", &input.subject, 100)?;
    let problems = paragraphs("problems", "发现的问题", &input.problems, 4000)?;
    let days = rectify_days(input.rectify_days)?;
    let issued_on = day_between(
        "issued_on",
        "发出日期",
        input.issued_on,
        NaiveDate::from_ymd_opt(2000, 1, 1),
        clock.today,
    )?;
    let region = crate::org::service::department(store, actor, input.department_id)
        .await
        .map_err(Error::missing_as(
            "department_id",
            "请选择您监督范围内的执法部门。",
        ))?
        .region_id;
    let issuer = actor.scope.department_id;
    let abbr: Option<String> =
        sqlx::query_scalar("SELECT issuer_abbr FROM departments WHERE id = $1")
            .bind(issuer)
            .fetch_optional(store.pool())
            .await?
            .flatten();
    let abbr = abbr.ok_or_else(|| {
        Error::invalid(
            "issuer",
            "本部门尚未设置文号简称（部门管理中填写），无法为通知书编号。",
        )
    })?;
    let cases = match input.cases_filed {
        Some((from, until)) => failed_cases(store, input.department_id, from, until).await?,
        None => Vec::new(),
    };

    let mut tx = store.begin().await?;
    let number = next_number(&mut tx, &format!("{abbr}监通"), issued_on.year())
        .await?
        .to_string();
    let now = now_ms();
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO supervision_notices (number, issuer_department_id, department_id, region_id,
            issued_on, subject, problems, rectify_days, rectify_by, state, created_by, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, '', 'issued', $9, $10, $10) RETURNING id",
    )
    .bind(&number)
    .bind(issuer)
    .bind(input.department_id)
    .bind(region)
    .bind(issued_on.to_string())
    .bind(&subject)
    .bind(&problems)
    .bind(days)
    .bind(actor.user_id)
    .bind(now)
    .fetch_one(tx.conn())
    .await?;
    if !cases.is_empty() {
        let mut sql =
            Sql::new("INSERT INTO supervision_notice_cases (notice_id, case_id, findings) VALUES ");
        for (n, c) in cases.iter().enumerate() {
            sql.push(if n > 0 { ", (" } else { "(" })
                .bind(id)
                .push(", ")
                .bind(c.case_id)
                .push(", ")
                .bind(c.findings.as_str())
                .push(")");
        }
        sql.execute(tx.conn()).await?;
    }
    let addressed = Addressed {
        id,
        department_id: input.department_id,
        number: &number,
    };
    let due = start_period(&mut tx, actor, clock, addressed, issued_on, days).await?;
    sqlx::query("UPDATE supervision_notices SET rectify_by = $1 WHERE id = $2")
        .bind(due.to_string())
        .bind(id)
        .execute(tx.conn())
        .await?;
    crate::audit::record(
        &mut tx,
        actor,
        "issue",
        SUBJECT,
        Some(id.to_string()),
        json!({ "number": number, "department_id": input.department_id, "issued_on": issued_on.to_string(),
                "rectify_by": due.to_string(), "cases": cases.iter().map(|c| c.case_id).collect::<Vec<_>>() }),
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

/// The department's case files filed in the period whose latest evaluation found problems.
async fn failed_cases(
    store: &Store,
    department_id: i64,
    from: NaiveDate,
    until: NaiveDate,
) -> Result<Vec<NoticeCase>> {
    if until < from {
        return Err(Error::invalid(
            "cases_until",
            "附案卷的立案日期止不能早于起。",
        ));
    }
    let rows = sqlx::query(
        "SELECT c.id, c.cause, c.decision_number, c.filed_on, f.rule_code, f.detail
         FROM cases c JOIN case_findings f ON f.case_id = c.id
         WHERE c.department_id = $1 AND c.filed_on >= $2 AND c.filed_on <= $3
         ORDER BY c.id, f.rule_code, f.id",
    )
    .bind(department_id)
    .bind(from.to_string())
    .bind(until.to_string())
    .fetch_all(store.pool())
    .await?;
    let mut cases: Vec<NoticeCase> = Vec::new();
    for r in &rows {
        let id: i64 = r.try_get("id")?;
        let finding = format!(
            "{} {}",
            r.try_get::<String, _>("rule_code")?,
            r.try_get::<String, _>("detail")?
        );
        match cases.last_mut() {
            Some(c) if c.case_id == id => {
                c.findings.push('；');
                c.findings.push_str(&finding);
            }
            _ => {
                if cases.len() == MAX_CASES {
                    return Err(Error::invalid(
                        "cases_until",
                        format!("该期间发现问题的案卷超过 {MAX_CASES} 件，请缩小立案日期范围。"),
                    ));
                }
                cases.push(NoticeCase {
                    case_id: id,
                    cause: r.try_get("cause")?,
                    decision_number: r.try_get("decision_number")?,
                    filed_on: r.try_get("filed_on")?,
                    findings: finding,
                });
            }
        }
    }
    if cases.is_empty() {
        return Err(Error::invalid(
            "cases_until",
            "该部门在此期间立案的案卷未发现问题，无可附的案卷。",
        ));
    }
    Ok(cases)
}

/// A notice within the actor's scope, with the case files it names.
pub async fn get(store: &Store, actor: &Actor, id: i64) -> Result<Notice> {
    actor.require_any(&READERS)?;
    let mut sql = Sql::new(&format!("SELECT {COLUMNS} {FROM} WHERE n.id = "));
    sql.bind(id)
        .push(" AND ")
        .append(actor.scope.condition("n", RECORD_COLUMNS));
    let mut conn = store.conn().await?;
    let row = sql
        .fetch_optional(&mut conn)
        .await?
        .ok_or(Error::NotFound)?;
    let mut n = notice(&row)?;
    n.cases = sqlx::query(
        "SELECT nc.case_id, c.cause, c.decision_number, c.filed_on, nc.findings
         FROM supervision_notice_cases nc JOIN cases c ON c.id = nc.case_id
         WHERE nc.notice_id = $1 ORDER BY nc.case_id",
    )
    .bind(id)
    .fetch_all(&mut *conn)
    .await?
    .iter()
    .map(|r| {
        Ok(NoticeCase {
            case_id: r.try_get("case_id")?,
            cause: r.try_get("cause")?,
            decision_number: r.try_get("decision_number")?,
            filed_on: r.try_get("filed_on")?,
            findings: r.try_get("findings")?,
        })
    })
    .collect::<Result<_>>()?;
    Ok(n)
}

#[derive(Clone, Debug, Default)]
pub struct NoticeFilter {
    pub state: Option<NoticeState>,
    pub year: Option<i32>,
    /// Words in the number, subject or supervised department; a range of issue dates.
    pub narrowing: Narrowing,
}

/// The columns the list sorts by.
pub const SORTS: &[SortColumn] = &[
    SortColumn {
        code: "issued_on",
        expr: "n.issued_on",
        numeric: false,
    },
    SortColumn {
        code: "rectify_by",
        expr: "n.rectify_by",
        numeric: false,
    },
    SortColumn {
        code: "number",
        expr: "n.number",
        numeric: false,
    },
];

/// The list's query, in scope and filtered, up to where its order is added.
fn filtered(actor: &Actor, filter: &NoticeFilter, select: &str) -> Result<Sql> {
    actor.require_any(&READERS)?;
    let mut sql = Sql::new(&format!("SELECT {select} {FROM} WHERE "));
    sql.append(actor.scope.condition("n", RECORD_COLUMNS));
    if let Some(s) = filter.state {
        sql.push(" AND n.state = ").bind(s.code());
    }
    if let Some(y) = filter.year {
        sql.push(" AND n.issued_on >= ")
            .bind(format!("{y:04}-01-01"))
            .push(" AND n.issued_on <= ")
            .bind(format!("{y:04}-12-31"));
    }
    filter.narrowing.apply(
        &mut sql,
        &["n.number", "n.subject", "d.name"],
        "n.issued_on",
    )?;
    Ok(sql)
}

/// Notices within the actor's scope, in `order` (newest first by default).
pub async fn list(
    store: &Store,
    actor: &Actor,
    filter: &NoticeFilter,
    order: Sorted,
) -> Result<Page<Notice, String>> {
    let mut sql = filtered(actor, filter, &format!("{COLUMNS}{}", order.key_column()))?;
    order.apply(&mut sql, "n.id");
    let rows = sql.fetch_all(&mut *store.conn().await?).await?;
    order.finish(rows, notice)
}

/// The list's total under `filter` (capped, `listing::COUNT_CAP`).
pub async fn count(store: &Store, actor: &Actor, filter: &NoticeFilter) -> Result<(i64, bool)> {
    listing::count(store, filtered(actor, filter, "1")?).await
}

/// Exactly the notices the list shows, in its order, as .xlsx; audited as an export.
pub async fn export(
    store: &Store,
    actor: &Actor,
    filter: &NoticeFilter,
    order: &Sorted,
    progress: &(dyn Fn(usize) + Sync),
) -> Result<(Vec<u8>, usize)> {
    let mut book = Workbook::new(
        "执法监督通知",
        &[
            "文号",
            "发出单位",
            "被监督单位",
            "标题",
            "发出日期",
            "整改期限",
            "状态",
            "回复日期",
        ],
    )?;
    listing::export_pages(
        order,
        |k| list(store, actor, filter, k),
        &mut book,
        |n: &Notice| {
            vec![
                n.number.as_str().into(),
                n.issuer.as_str().into(),
                n.department.as_str().into(),
                n.subject.as_str().into(),
                n.issued_on.as_str().into(),
                n.rectify_by.as_str().into(),
                n.state.label_zh().into(),
                n.replied_on.clone().into(),
            ]
        },
        progress,
    )
    .await?;
    let (bytes, rows) = book.finish()?;
    listing::audit_export(
        store,
        actor,
        "supervision_notices",
        rows,
        json!({ "state": filter.state.map(|s| s.code()), "year": filter.year,
                "q": filter.narrowing.text, "from": filter.narrowing.from, "until": filter.narrowing.until }),
    )
    .await?;
    Ok((bytes, rows))
}

/// The notice locked for a change: in scope, at the version the actor saw, in a state that
/// allows the change.
async fn for_change(
    tx: &mut Tx,
    actor: &Actor,
    id: i64,
    version: i64,
    allowed: &[NoticeState],
    otherwise: &str,
) -> Result<Notice> {
    // Locked before the state is judged (workflow primitive, `store::Tx::lock_row`).
    tx.lock_row("supervision_notices", id)
        .await?
        .ok_or(Error::NotFound)?;
    let mut sql = Sql::new(&format!("SELECT {COLUMNS} {FROM} WHERE n.id = "));
    sql.bind(id)
        .push(" AND ")
        .append(actor.scope.condition("n", RECORD_COLUMNS));
    let n = notice(
        &sql.fetch_optional(tx.conn())
            .await?
            .ok_or(Error::NotFound)?,
    )?;
    if n.version != version {
        return Err(Error::Conflict);
    }
    if !allowed.contains(&n.state) {
        return Err(Error::refused("notice_step_not_open", "state", otherwise));
    }
    Ok(n)
}

async fn tell_issuer(tx: &mut Tx, id: i64, title: String, body: String) -> Result<()> {
    let issuer: Option<i64> =
        sqlx::query_scalar("SELECT created_by FROM supervision_notices WHERE id = $1")
            .bind(id)
            .fetch_one(tx.conn())
            .await?;
    if let Some(user_id) = issuer {
        messages::send_many(
            tx,
            &[NewMessage {
                user_id,
                title,
                body,
                link: Some(format!("/supervision/notices/{id}")),
            }],
        )
        .await?;
    }
    Ok(())
}

/// The agency's reply: what it rectified, the evidence, and the day it replied.
#[derive(Clone, Debug)]
pub struct Reply {
    pub on: NaiveDate,
    pub reply: String,
    pub evidence: Option<String>,
}

/// Records the agency's reply. Meets the rectification period.
pub async fn reply(
    store: &Store,
    actor: &Actor,
    today: NaiveDate,
    id: i64,
    version: i64,
    input: &Reply,
) -> Result<()> {
    actor.require(Permission::SupervisionReply)?;
    let reply = paragraphs("reply", "整改情况", &input.reply, 4000)?;
    let evidence = optional_paragraphs("evidence", "整改材料", input.evidence.as_deref(), 2000)?;
    let mut tx = store.begin().await?;
    let n = for_change(
        &mut tx,
        actor,
        id,
        version,
        &[NoticeState::Issued, NoticeState::Returned],
        "该通知书已回复，待监督机关验收，或已验收。",
    )
    .await?;
    let earliest = date(if n.state == NoticeState::Returned {
        n.reviewed_on.as_deref().unwrap_or(&n.issued_on)
    } else {
        &n.issued_on
    });
    let on = day_between("on", "回复日期", input.on, earliest, today)?;
    tx.versioned_update(
        "supervision_notices",
        id,
        version,
        vec![
            ("state", NoticeState::Replied.code().into()),
            ("reply", reply.clone().into()),
            ("evidence", evidence.clone().into()),
            ("replied_on", on.to_string().into()),
            ("replied_by", actor.user_id.into()),
        ],
    )
    .await?;
    deadlines::meet(
        &mut tx,
        actor,
        SUBJECT,
        &id.to_string(),
        DEADLINE_ARTICLE,
        on,
    )
    .await?;
    tell_issuer(
        &mut tx,
        id,
        format!("{} 已回复", n.number),
        format!("{}于 {on} 回复整改情况，请验收。", n.department),
    )
    .await?;
    crate::audit::record(
        &mut tx,
        actor,
        "reply",
        SUBJECT,
        Some(id.to_string()),
        json!({ "on": on.to_string(), "late": on.to_string() > n.rectify_by }),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// The supervisor's verdict on a reply.
#[derive(Clone, Debug)]
pub enum Review {
    /// 验收通过, with an optional note.
    Accept { note: Option<String> },
    /// 退回, with the reason and a new rectification period.
    Return { reason: String, rectify_days: i64 },
}

pub async fn review(
    ctx: &crate::Ctx<'_>,
    id: i64,
    version: i64,
    on: NaiveDate,
    verdict: Review,
) -> Result<()> {
    let (store, actor, clock) = (ctx.store, ctx.actor, ctx.clock);
    actor.require(Permission::SupervisionManage)?;
    let mut tx = store.begin().await?;
    let n = for_change(
        &mut tx,
        actor,
        id,
        version,
        &[NoticeState::Replied],
        "只能验收已回复的通知书。",
    )
    .await?;
    let on = day_between(
        "on",
        "验收日期",
        on,
        n.replied_on.as_deref().and_then(date),
        clock.today,
    )?;
    let (state, note, detail) = match verdict {
        Review::Accept { note } => {
            let note = optional_paragraphs("note", "验收意见", note.as_deref(), 2000)?;
            (NoticeState::Accepted, note, json!({ "verdict": "accept" }))
        }
        Review::Return {
            reason,
            rectify_days: days,
        } => {
            let reason = paragraphs("reason", "退回理由", &reason, 2000)?;
            let days = rectify_days(days)?;
            let addressed = Addressed {
                id,
                department_id: n.department_id,
                number: &n.number,
            };
            let due = start_period(&mut tx, actor, clock, addressed, on, days).await?;
            sqlx::query(
                "UPDATE supervision_notices SET rectify_by = $1, returns = returns + 1 WHERE id = $2",
            )
            .bind(due.to_string())
            .bind(id)
            .execute(tx.conn())
            .await?;
            (
                NoticeState::Returned,
                Some(reason),
                json!({ "verdict": "return", "rectify_by": due.to_string() }),
            )
        }
    };
    tx.versioned_update(
        "supervision_notices",
        id,
        version,
        vec![
            ("state", state.code().into()),
            ("review_note", note.clone().into()),
            ("reviewed_on", on.to_string().into()),
            ("reviewed_by", actor.user_id.into()),
        ],
    )
    .await?;
    crate::audit::record(
        &mut tx,
        actor,
        "review",
        SUBJECT,
        Some(id.to_string()),
        detail,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// A year's notices within the actor's scope: 监督回复整改率 = accepted ÷ issued.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct NoticeFigures {
    pub issued: i64,
    pub replied: i64,
    pub replied_late: i64,
    pub accepted: i64,
}

impl NoticeFigures {
    pub fn rectification_rate(&self) -> Option<f64> {
        (self.issued > 0).then(|| self.accepted as f64 / self.issued as f64)
    }
}

pub async fn figures(store: &Store, actor: &Actor, year: i32) -> Result<NoticeFigures> {
    let (Some(from), Some(until)) = (
        NaiveDate::from_ymd_opt(year, 1, 1),
        NaiveDate::from_ymd_opt(year, 12, 31),
    ) else {
        return Err(Error::invalid("year", "年度超出范围。"));
    };
    figures_between(store, actor, from, until).await
}

/// Notices issued from `from` to `until` within the actor's scope.
pub async fn figures_between(
    store: &Store,
    actor: &Actor,
    from: NaiveDate,
    until: NaiveDate,
) -> Result<NoticeFigures> {
    actor.require_any(&FIGURE_READERS)?;
    let mut sql = Sql::new(
        "SELECT COUNT(*) AS issued,
            COALESCE(SUM(CASE WHEN n.replied_on IS NOT NULL THEN 1 ELSE 0 END), 0) AS replied,
            COALESCE(SUM(CASE WHEN n.replied_on > n.rectify_by THEN 1 ELSE 0 END), 0) AS late,
            COALESCE(SUM(CASE WHEN n.state = 'accepted' THEN 1 ELSE 0 END), 0) AS accepted
         FROM supervision_notices n WHERE n.issued_on >= ",
    );
    sql.bind(from.to_string())
        .push(" AND n.issued_on <= ")
        .bind(until.to_string())
        .push(" AND ")
        .append(actor.scope.condition("n", RECORD_COLUMNS));
    let r = sql
        .fetch_optional(&mut *store.conn().await?)
        .await?
        .ok_or(Error::NotFound)?;
    Ok(NoticeFigures {
        issued: r.try_get("issued")?,
        replied: r.try_get("replied")?,
        replied_late: r.try_get("late")?,
        accepted: r.try_get("accepted")?,
    })
}

/// The notice as an official document (GB/T 9704 layout, through the documents module).
pub fn document(n: &Notice) -> Result<Vec<u8>> {
    let mut blocks = vec![
        Block::Title(format!("{}行政执法监督通知书", n.issuer)),
        Block::Right(n.number.clone()),
        Block::Plain(format!("{}：", n.department)),
        Block::Paragraph(format!("{}。", n.subject.trim_end_matches('。'))),
        Block::Paragraph("经行政执法监督，发现你单位存在以下问题：".into()),
    ];
    blocks.extend(
        n.problems
            .lines()
            .filter(|l| !l.trim().is_empty())
            .map(|l| Block::Paragraph(l.trim().to_string())),
    );
    if !n.cases.is_empty() {
        blocks.push(Block::Paragraph(format!(
            "经案卷评查，下列 {} 件案卷存在问题：",
            n.cases.len()
        )));
        for (k, c) in n.cases.iter().enumerate() {
            blocks.push(Block::Paragraph(format!(
                "{}. {}（{}，{} 立案）：{}",
                k + 1,
                c.cause,
                c.decision_number.as_deref().unwrap_or("未作出决定"),
                c.filed_on,
                c.findings
            )));
        }
    }
    blocks.push(Block::Paragraph(format!(
        "请你单位自收到本通知书之日起 {} 日内完成整改，并将整改情况及相关材料书面报送本机关。",
        n.rectify_days
    )));
    blocks.push(Block::Right(n.issuer.clone()));
    blocks.push(Block::Right(n.issued_on.clone()));
    crate::enforcement::documents::docx(&blocks)
}
