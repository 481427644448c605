//! Violation leads (线索): models over the records that turn up what a supervisor should look
//! at — limits passed or near, decisions outside the benchmark, files failing veto items, cases
//! reaching a criminal threshold untransferred, repeated offenders, agencies with the same
//! problem again and again, notices unanswered, self-inspections not done. Each model routes its
//! leads to a track: 普通 (normal supervision), 简易 (a reminder to the agency) or 预警 (a
//! warning). A run keeps one lead per model and record: new ones are added, open ones no longer
//! found are marked resolved, handled or dismissed ones stay as they were.

use std::collections::{BTreeMap, HashMap, HashSet};

use chrono::{Days, NaiveDate};
use fazhi_store::page::{Page, SortColumn, Sorted};
use fazhi_store::scope::RECORD_COLUMNS;
use fazhi_store::{DbRow, Row, Sql, Store, now_ms};
use serde::Serialize;
use serde_json::json;

use crate::access::{Actor, Permission};
use crate::listing::{self, Narrowing, Workbook};
use crate::org::rules::{optional_paragraphs, paragraphs};
use crate::{Error, Result};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum Track {
    /// 普通程序: the supervisor looks into it (a notice may follow).
    Normal,
    /// 简易程序: a reminder to the agency is enough.
    Summary,
    /// 预警: a warning before it becomes a problem.
    Alert,
}

impl Track {
    pub fn code(self) -> &'static str {
        match self {
            Track::Normal => "normal",
            Track::Summary => "simplified",
            Track::Alert => "warning",
        }
    }
    pub fn label_zh(self) -> &'static str {
        match self {
            Track::Normal => "普通",
            Track::Summary => "简易",
            Track::Alert => "预警",
        }
    }
}

/// What a model's query is given as `$1`.
#[derive(Clone, Copy, Debug)]
enum Param {
    None,
    /// The day of the run (YYYY-MM-DD).
    Today,
    /// The day a year before the run.
    YearAgo,
}

/// A lead model. Its query yields `subject_type`, `subject_id` (text), `department_id`,
/// `region_id` and `detail`.
pub struct Model {
    pub code: &'static str,
    pub name: &'static str,
    pub track: Track,
    param: Param,
    sql: &'static str,
}

/// A case with a finding of `rule` (the automatic evaluation's), as a lead.
macro_rules! finding {
    ($rule:literal) => {
        concat!(
            "SELECT 'case' AS subject_type, CAST(c.id AS TEXT) AS subject_id, c.department_id, c.region_id,
                c.cause || '：' || f.detail AS detail
             FROM case_findings f JOIN cases c ON c.id = f.case_id WHERE f.rule_code = '",
            $rule,
            "'"
        )
    };
}

/// An open deadline of a case under `article` past its due day, as a lead.
macro_rules! overdue {
    ($subject:literal, $article:literal) => {
        concat!(
            "SELECT '",
            $subject,
            "' AS subject_type, d.subject_id, d.department_id, d.region_id,
                d.purpose || '：' || d.due_on || ' 到期，尚未完成' AS detail
             FROM deadlines d WHERE d.subject_type = '",
            $subject,
            "' AND d.article = '",
            $article,
            "' AND d.state NOT IN ('met', 'suspended') AND d.due_on < $1"
        )
    };
}

/// The models. Codes are stable: leads and reports refer to them.
pub static MODELS: &[Model] = &[
    Model {
        code: "L01",
        name: "立案后九十日内未作出处罚决定",
        track: Track::Normal,
        param: Param::Today,
        sql: overdue!("case", "第六十条"),
    },
    Model {
        code: "L02",
        name: "作出处罚决定的期限临近（黄灯）",
        track: Track::Alert,
        param: Param::Today,
        sql: "SELECT 'case' AS subject_type, d.subject_id, d.department_id, d.region_id,
                d.purpose || '：' || d.due_on || ' 到期' AS detail
             FROM deadlines d WHERE d.subject_type = 'case' AND d.article = '第六十条'
               AND d.state NOT IN ('met', 'suspended') AND d.yellow_on <= $1 AND d.due_on >= $1",
    },
    Model {
        code: "L03",
        name: "处罚决定书逾期未送达",
        track: Track::Summary,
        param: Param::Today,
        sql: overdue!("case", "第六十一条"),
    },
    Model {
        code: "L04",
        name: "罚款逾期未缴纳",
        track: Track::Summary,
        param: Param::Today,
        sql: overdue!("case", "第六十七条"),
    },
    Model {
        code: "L05",
        name: "行政处罚决定逾期未公开",
        track: Track::Summary,
        param: Param::Today,
        sql: overdue!("case", "第四十八条"),
    },
    Model {
        code: "L06",
        name: "已公开的决定被变更、撤销后逾期未撤回",
        track: Track::Normal,
        param: Param::Today,
        sql: overdue!("case", "第四十八条第二款"),
    },
    Model {
        code: "L07",
        name: "听证通知逾期",
        track: Track::Summary,
        param: Param::Today,
        sql: overdue!("case", "第六十四条"),
    },
    Model {
        code: "L08",
        name: "处罚超出裁量基准且未说明理由",
        track: Track::Normal,
        param: Param::None,
        sql: finding!("E01"),
    },
    Model {
        code: "L09",
        name: "处罚超出裁量基准（已说明理由，待复核）",
        track: Track::Summary,
        param: Param::None,
        sql: "SELECT 'case' AS subject_type, CAST(c.id AS TEXT) AS subject_id, c.department_id, c.region_id,
                c.cause || '：理由为' || c.deviation_reason AS detail
             FROM cases c WHERE c.discretion = 'outside' AND c.deviation_reason IS NOT NULL
               AND TRIM(c.deviation_reason) <> ''",
    },
    Model {
        code: "L10",
        name: "罚款未执行完毕即结案",
        track: Track::Normal,
        param: Param::None,
        sql: finding!("G03"),
    },
    Model {
        code: "L11",
        name: "逾期缴纳罚款未依法加处罚款",
        track: Track::Summary,
        param: Param::None,
        sql: finding!("G01"),
    },
    Model {
        code: "L12",
        name: "简易程序超出法定限额",
        track: Track::Normal,
        param: Param::None,
        sql: finding!("D09"),
    },
    Model {
        code: "L13",
        name: "应当法制审核而未审核即作出决定",
        track: Track::Normal,
        param: Param::None,
        sql: finding!("D06"),
    },
    Model {
        code: "L14",
        name: "未送达事先告知书即作出处罚决定",
        track: Track::Normal,
        param: Param::None,
        sql: finding!("D02"),
    },
    Model {
        code: "L15",
        name: "当事人要求听证而未听证即作出决定",
        track: Track::Normal,
        param: Param::None,
        sql: finding!("D04"),
    },
    Model {
        code: "L16",
        name: "超过追责时效立案",
        track: Track::Normal,
        param: Param::None,
        sql: finding!("C01"),
    },
    Model {
        code: "L17",
        name: "镇街办理未赋权的事项",
        track: Track::Normal,
        param: Param::None,
        sql: finding!("A02"),
    },
    Model {
        code: "L18",
        name: "违法所得达到追诉标准而未移送公安机关",
        track: Track::Normal,
        param: Param::None,
        sql: "SELECT 'case' AS subject_type, CAST(c.id AS TEXT) AS subject_id, c.department_id, c.region_id,
                c.cause || '：违法所得 ' || CAST(c.illegal_gains_fen AS TEXT) || ' 分，追诉标准 '
                    || CAST(t.illegal_gains_fen AS TEXT) || ' 分' AS detail
             FROM cases c JOIN criminal_thresholds t ON t.item_code = c.item_code
             WHERE c.illegal_gains_fen >= t.illegal_gains_fen
               AND NOT EXISTS (SELECT 1 FROM criminal_transfers x WHERE x.case_id = c.id)",
    },
    Model {
        code: "L19",
        name: "同一单位当事人一年内三次以上被立案",
        track: Track::Alert,
        param: Param::None,
        sql: "SELECT 'party' AS subject_type, p.uscc || '@' || SUBSTR(c.filed_on, 1, 4) AS subject_id,
                MIN(c.department_id) AS department_id, MIN(c.region_id) AS region_id,
                MIN(p.name) || '（' || p.uscc || '）' || SUBSTR(c.filed_on, 1, 4) || ' 年被立案 '
                    || CAST(COUNT(DISTINCT c.id) AS TEXT) || ' 件' AS detail
             FROM case_parties p JOIN cases c ON c.id = p.case_id WHERE p.uscc IS NOT NULL
             GROUP BY p.uscc, SUBSTR(c.filed_on, 1, 4) HAVING COUNT(DISTINCT c.id) >= 3",
    },
    Model {
        code: "L20",
        name: "同一执法单位一年内反复出现同类问题（五件以上）",
        track: Track::Summary,
        param: Param::None,
        sql: "SELECT 'department' AS subject_type,
                CAST(c.department_id AS TEXT) || ':' || f.rule_code || '@' || SUBSTR(c.filed_on, 1, 4) AS subject_id,
                c.department_id, MIN(c.region_id) AS region_id,
                SUBSTR(c.filed_on, 1, 4) || ' 年立案的案卷中评查项 ' || f.rule_code || ' 发现问题 '
                    || CAST(COUNT(*) AS TEXT) || ' 件' AS detail
             FROM case_findings f JOIN cases c ON c.id = f.case_id
             GROUP BY c.department_id, f.rule_code, SUBSTR(c.filed_on, 1, 4) HAVING COUNT(*) >= 5",
    },
    Model {
        code: "L21",
        name: "普通程序案件立案一年以上仍未办结",
        track: Track::Normal,
        param: Param::YearAgo,
        sql: "SELECT 'case' AS subject_type, CAST(c.id AS TEXT) AS subject_id, c.department_id, c.region_id,
                c.cause || '：' || c.filed_on || ' 立案，至今未结案' AS detail
             FROM cases c WHERE c.procedure = 'general' AND c.closed_on IS NULL
               AND c.archived_on IS NULL AND c.filed_on < $1",
    },
    Model {
        code: "L22",
        name: "不予处罚占比异常（一年十件以上、过半不予处罚）",
        track: Track::Alert,
        param: Param::None,
        sql: "SELECT 'department' AS subject_type,
                CAST(c.department_id AS TEXT) || ':no_penalty@' || SUBSTR(c.decided_on, 1, 4) AS subject_id,
                c.department_id, MIN(c.region_id) AS region_id,
                SUBSTR(c.decided_on, 1, 4) || ' 年作出决定 ' || CAST(COUNT(*) AS TEXT) || ' 件，其中不予处罚 '
                    || CAST(SUM(CASE WHEN c.outcome = 'no_penalty' THEN 1 ELSE 0 END) AS TEXT) || ' 件' AS detail
             FROM cases c WHERE c.decided_on IS NOT NULL
             GROUP BY c.department_id, SUBSTR(c.decided_on, 1, 4)
             HAVING COUNT(*) >= 10 AND 2 * SUM(CASE WHEN c.outcome = 'no_penalty' THEN 1 ELSE 0 END) > COUNT(*)",
    },
    Model {
        code: "L23",
        name: "执法监督通知书逾期未回复",
        track: Track::Normal,
        param: Param::Today,
        sql: overdue!("supervision_notice", "整改期限"),
    },
    Model {
        code: "L24",
        name: "执法监督通知书两次以上被退回",
        track: Track::Normal,
        param: Param::None,
        sql: "SELECT 'supervision_notice' AS subject_type, CAST(n.id AS TEXT) AS subject_id, n.department_id,
                n.region_id, n.number || ' 已退回 ' || CAST(n.returns AS TEXT) || ' 次' AS detail
             FROM supervision_notices n WHERE n.returns >= 2 AND n.state <> 'accepted'",
    },
    Model {
        code: "L25",
        name: "部门自查逾期未完成",
        track: Track::Summary,
        param: Param::Today,
        sql: "SELECT 'self_inspection' AS subject_type, CAST(s.id AS TEXT) AS subject_id, s.department_id,
                s.region_id, s.period || ' 部门自查 ' || s.due_on || ' 到期，尚未登记' AS detail
             FROM self_inspections s WHERE s.kind = 'self' AND s.state = 'open' AND s.due_on < $1",
    },
    Model {
        code: "L26",
        name: "移送公安机关后逾期未获立案决定",
        track: Track::Summary,
        param: Param::Today,
        sql: overdue!("criminal_transfer", "第八条"),
    },
];

pub fn model(code: &str) -> Option<&'static Model> {
    MODELS.iter().find(|m| m.code == code)
}

/// Where a lead's record opens.
pub fn link(subject_type: &str, subject_id: &str) -> Option<String> {
    match subject_type {
        "case" => Some(format!("/enforcement/cases/{subject_id}")),
        "supervision_notice" => Some(format!("/supervision/notices/{subject_id}")),
        "self_inspection" => Some(format!("/supervision/self-inspections/{subject_id}")),
        "criminal_transfer" => Some(format!("/supervision/transfers/{subject_id}")),
        "department" => {
            let rule = subject_id.split(':').nth(1)?.split('@').next()?;
            super::sheet::rule(rule).map(|r| format!("/enforcement/cases?finding={}", r.code))
        }
        _ => None,
    }
}

#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct LeadReport {
    /// Open leads per model after the run.
    pub open: BTreeMap<String, usize>,
    pub new: usize,
    pub resolved: usize,
}

/// Runs every model. Only the console and the periodic job run it (it reads every record).
pub async fn run(store: &Store, actor: &Actor, today: NaiveDate) -> Result<LeadReport> {
    actor.require(Permission::SupervisionManage)?;
    if actor.user_id.is_some() {
        return Err(Error::invalid(
            "actor",
            "线索模型只能由系统任务或服务器控制台运行。",
        ));
    }
    let year_ago = today.checked_sub_days(Days::new(365)).unwrap_or(today);
    let mut report = LeadReport::default();
    let mut tx = store.begin().await?;
    for m in MODELS {
        let mut q = sqlx::query(m.sql);
        match m.param {
            Param::None => {}
            Param::Today => q = q.bind(today.to_string()),
            Param::YearAgo => q = q.bind(year_ago.to_string()),
        }
        let found: Vec<DbRow> = q.fetch_all(tx.conn()).await?;
        let mut keys: HashMap<(String, String), &DbRow> = HashMap::new();
        for r in &found {
            keys.insert((r.try_get("subject_type")?, r.try_get("subject_id")?), r);
        }
        let mut known: HashMap<(String, String), (i64, String)> = HashMap::new();
        for r in
            sqlx::query("SELECT id, subject_type, subject_id, state FROM leads WHERE model = $1")
                .bind(m.code)
                .fetch_all(tx.conn())
                .await?
        {
            known.insert(
                (r.try_get("subject_type")?, r.try_get("subject_id")?),
                (r.try_get("id")?, r.try_get("state")?),
            );
        }
        let gone: Vec<i64> = known
            .iter()
            .filter(|(k, (_, state))| state == "open" && !keys.contains_key(*k))
            .map(|(_, (id, _))| *id)
            .collect();
        let fresh: Vec<&DbRow> = keys
            .iter()
            .filter(|(k, _)| !known.contains_key(*k))
            .map(|(_, r)| *r)
            .collect();
        // Leads closed earlier and found again reopen: the problem is back.
        let back: Vec<i64> = known
            .iter()
            .filter(|(k, (_, state))| state == "resolved" && keys.contains_key(*k))
            .map(|(_, (id, _))| *id)
            .collect();
        for (ids, state) in [(&gone, "resolved"), (&back, "open")] {
            for chunk in ids.chunks(500) {
                let mut sql = Sql::new("UPDATE leads SET state = ");
                sql.bind(state)
                    .push(", updated_at = ")
                    .bind(now_ms())
                    .push(" WHERE id IN (");
                sql.bind_list(chunk.iter().copied());
                sql.push(")");
                sql.execute(tx.conn()).await?;
            }
        }
        for chunk in fresh.chunks(200) {
            let mut sql = Sql::new(
                "INSERT INTO leads (model, track, subject_type, subject_id, department_id, region_id, detail,
                    state, found_on, created_at, updated_at) VALUES ",
            );
            let now = now_ms();
            for (n, r) in chunk.iter().enumerate() {
                sql.push(if n > 0 { ", (" } else { "(" })
                    .bind(m.code)
                    .push(", ")
                    .bind(m.track.code())
                    .push(", ")
                    .bind(r.try_get::<String, _>("subject_type")?)
                    .push(", ")
                    .bind(r.try_get::<String, _>("subject_id")?)
                    .push(", ")
                    .bind(r.try_get::<i64, _>("department_id")?)
                    .push(", ")
                    .bind(r.try_get::<i64, _>("region_id")?)
                    .push(", ")
                    .bind(
                        r.try_get::<Option<String>, _>("detail")?
                            .unwrap_or_default(),
                    )
                    .push(", 'open', ")
                    .bind(today.to_string())
                    .push(", ")
                    .bind(now)
                    .push(", ")
                    .bind(now)
                    .push(")");
            }
            sql.execute(tx.conn()).await?;
        }
        report.new += fresh.len();
        report.resolved += gone.len();
        let still_open = known
            .iter()
            .filter(|(k, (_, state))| state == "open" && keys.contains_key(*k))
            .count();
        report
            .open
            .insert(m.code.to_string(), still_open + fresh.len() + back.len());
    }
    crate::audit::record(
        &mut tx,
        actor,
        "run",
        "leads",
        None,
        json!({ "new": report.new, "resolved": report.resolved, "open": report.open }),
    )
    .await?;
    tx.commit().await?;
    Ok(report)
}

#[derive(Clone, Debug, Serialize)]
pub struct Lead {
    pub id: i64,
    pub model: String,
    pub track: String,
    pub subject_type: String,
    pub subject_id: String,
    pub department: String,
    pub detail: String,
    pub state: String,
    pub found_on: String,
    pub note: Option<String>,
}

/// Per model, the open leads within the actor's scope.
pub async fn desk(store: &Store, actor: &Actor) -> Result<Vec<(&'static Model, i64)>> {
    actor.require(Permission::CaseRead)?;
    let mut sql =
        Sql::new("SELECT l.model, COUNT(*) AS n FROM leads l WHERE l.state = 'open' AND ");
    sql.append(actor.scope.condition("l", RECORD_COLUMNS))
        .push(" GROUP BY l.model");
    let mut counts: HashMap<String, i64> = HashMap::new();
    for r in sql.fetch_all(&mut *store.conn().await?).await? {
        counts.insert(r.try_get("model")?, r.try_get("n")?);
    }
    Ok(MODELS
        .iter()
        .map(|m| (m, counts.get(m.code).copied().unwrap_or(0)))
        .collect())
}

/// The columns a model's list of leads sorts by.
pub const SORTS: &[SortColumn] = &[
    SortColumn {
        code: "found_on",
        expr: "l.found_on",
        numeric: false,
    },
    SortColumn {
        code: "department",
        expr: "d.name",
        numeric: false,
    },
];

/// A model's open leads in scope, filtered (words in the lead or its unit; a range of days
/// found), up to where the order is added.
fn of_model_query(actor: &Actor, code: &str, narrowing: &Narrowing, select: &str) -> Result<Sql> {
    actor.require(Permission::CaseRead)?;
    let m =
        model(code).ok_or_else(|| Error::invalid("model", format!("没有线索模型“{code}”。")))?;
    let mut sql = Sql::new(&format!(
        "SELECT {select} FROM leads l JOIN departments d ON d.id = l.department_id
         WHERE l.state = 'open' AND l.model = "
    ));
    sql.bind(m.code)
        .push(" AND ")
        .append(actor.scope.condition("l", RECORD_COLUMNS));
    narrowing.apply(&mut sql, &["l.detail", "d.name"], "l.found_on")?;
    Ok(sql)
}

/// A model's open leads in scope, in `order` (newest first by default).
pub async fn of_model(
    store: &Store,
    actor: &Actor,
    code: &str,
    narrowing: &Narrowing,
    order: Sorted,
) -> Result<Page<Lead, String>> {
    let mut sql = of_model_query(
        actor,
        code,
        narrowing,
        &format!(
            "l.id, l.model, l.track, l.subject_type, l.subject_id, d.name AS department, l.detail,
            l.state, l.found_on, l.note{}",
            order.key_column()
        ),
    )?;
    order.apply(&mut sql, "l.id");
    let rows = sql.fetch_all(&mut *store.conn().await?).await?;
    order.finish(rows, |r| {
        Ok(Lead {
            id: r.try_get("id")?,
            model: r.try_get("model")?,
            track: r.try_get("track")?,
            subject_type: r.try_get("subject_type")?,
            subject_id: r.try_get("subject_id")?,
            department: r.try_get("department")?,
            detail: r.try_get("detail")?,
            state: r.try_get("state")?,
            found_on: r.try_get("found_on")?,
            note: r.try_get("note")?,
        })
    })
}

/// The total of a model's list (capped, `listing::COUNT_CAP`).
pub async fn count_of_model(
    store: &Store,
    actor: &Actor,
    code: &str,
    narrowing: &Narrowing,
) -> Result<(i64, bool)> {
    listing::count(store, of_model_query(actor, code, narrowing, "1")?).await
}

/// Exactly a model's list as the page shows it, in its order, as .xlsx; audited as an export.
pub async fn export_of_model(
    store: &Store,
    actor: &Actor,
    code: &str,
    narrowing: &Narrowing,
    order: &Sorted,
    progress: &(dyn Fn(usize) + Sync),
) -> Result<(Vec<u8>, usize)> {
    let mut book = Workbook::new("监督线索", &["模型", "线索", "单位", "发现日期", "状态"])?;
    listing::export_pages(
        order,
        |k| of_model(store, actor, code, narrowing, k),
        &mut book,
        |l: &Lead| {
            vec![
                l.model.as_str().into(),
                l.detail.as_str().into(),
                l.department.as_str().into(),
                l.found_on.as_str().into(),
                "待处理".into(),
            ]
        },
        progress,
    )
    .await?;
    let (bytes, rows) = book.finish()?;
    listing::audit_export(
        store,
        actor,
        "leads",
        rows,
        json!({ "model": code, "q": narrowing.text, "from": narrowing.from, "until": narrowing.until }),
    )
    .await?;
    Ok((bytes, rows))
}

/// Closes an open lead: handled (with what was done, optional) or dismissed (with why).
pub async fn close(
    store: &Store,
    actor: &Actor,
    id: i64,
    handled: bool,
    note: Option<&str>,
    today: NaiveDate,
) -> Result<()> {
    actor.require(Permission::SupervisionManage)?;
    let note = if handled {
        optional_paragraphs("note", "处理情况", note, 1000)?
    } else {
        Some(paragraphs(
            "note",
            "不予处理的理由",
            note.unwrap_or(""),
            1000,
        )?)
    };
    let mut tx = store.begin().await?;
    let mut sql = Sql::new("SELECT l.id FROM leads l WHERE l.state = 'open' AND l.id = ");
    sql.bind(id)
        .push(" AND ")
        .append(actor.scope.condition("l", RECORD_COLUMNS));
    if sql.fetch_optional(tx.conn()).await?.is_none() {
        return Err(Error::NotFound);
    }
    let state = if handled { "handled" } else { "dismissed" };
    sqlx::query(
        "UPDATE leads SET state = $1, note = $2, handled_on = $3, handled_by = $4, updated_at = $5 WHERE id = $6",
    )
    .bind(state)
    .bind(&note)
    .bind(today.to_string())
    .bind(actor.user_id)
    .bind(now_ms())
    .bind(id)
    .execute(tx.conn())
    .await?;
    crate::audit::record(
        &mut tx,
        actor,
        state,
        "lead",
        Some(id.to_string()),
        json!({ "note": note }),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Every model has a distinct code and a query naming the columns a run reads.
pub fn check_models() -> std::result::Result<(), String> {
    let mut codes = HashSet::new();
    for m in MODELS {
        if !codes.insert(m.code) {
            return Err(format!("duplicate model {}", m.code));
        }
        for col in [
            "subject_type",
            "subject_id",
            "department_id",
            "region_id",
            "detail",
        ] {
            if !m.sql.contains(col) {
                return Err(format!("{} does not select {col}", m.code));
            }
        }
        let dollar = m.sql.contains("$1");
        if dollar == matches!(m.param, Param::None) {
            return Err(format!("{}: $1 and its parameter disagree", m.code));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn at_least_22_models_each_well_formed() {
        assert!(MODELS.len() >= 22);
        check_models().unwrap();
        for m in MODELS {
            assert!(m.sql.trim_start().starts_with("SELECT"), "{}", m.code);
        }
    }
}
