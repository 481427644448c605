//! Bulletins (工作通报): a period's supervision written up from the records — the case files
//! filed in the period and what their evaluation found, rule by rule and agency by agency, the
//! supervision notices and their rectification, the manual samples — plus the supervisor's own
//! requirements. A bulletin is a snapshot: numbered, stored as issued, shown as a page and a .docx.

use chrono::{Datelike, NaiveDate};
use fazhi_store::page::Capped;
use fazhi_store::scope::RECORD_COLUMNS;
use fazhi_store::{Row, Sql, Store, now_ms};
use serde::Serialize;
use serde_json::json;

use super::notices;
use super::sheet;
use crate::access::{Actor, Permission};
use crate::enforcement::documents::{self, Block};
use crate::enforcement::figures::percent;
use crate::enforcement::rules::next_number;
use crate::org::rules::{optional_paragraphs, text};
use crate::{Error, Result};

/// How many rules and agencies a bulletin names (the rest are counted, not listed).
const TOP: usize = 10;

#[derive(Clone, Debug)]
pub struct NewBulletin {
    pub title: String,
    pub from: NaiveDate,
    pub until: NaiveDate,
    /// 下步工作要求, in the supervisor's words (optional).
    pub requirements: Option<String>,
}

/// What the records say about a period, within a scope.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct PeriodFigures {
    /// Case files filed in the period that have been evaluated.
    pub files: i64,
    /// Of those, files with at least one finding, and files graded 不合格.
    pub files_with_findings: i64,
    pub failed: i64,
    /// Findings (one per rule per file).
    pub findings: i64,
    /// (rule code, files) for the rules that found most, most first.
    pub by_rule: Vec<(String, i64)>,
    /// (agency, files, files with findings, findings), most findings first.
    pub by_department: Vec<(String, i64, i64, i64)>,
    pub notices: notices::NoticeFigures,
}

/// Counts the period's records within the actor's scope.
pub async fn figures(
    store: &Store,
    actor: &Actor,
    from: NaiveDate,
    until: NaiveDate,
) -> Result<PeriodFigures> {
    let mut conn = store.conn().await?;
    let period = |sql: &mut Sql| {
        sql.push(" c.filed_on >= ")
            .bind(from.to_string())
            .push(" AND c.filed_on <= ")
            .bind(until.to_string())
            .push(" AND ")
            .append(actor.scope.condition("c", RECORD_COLUMNS));
    };
    let mut sql = Sql::new(
        "SELECT d.name AS department, COUNT(*) AS files,
            COALESCE(SUM(CASE WHEN e.findings > 0 THEN 1 ELSE 0 END), 0) AS with_findings,
            COALESCE(SUM(CASE WHEN e.grade = 'fail' THEN 1 ELSE 0 END), 0) AS failed,
            CAST(COALESCE(SUM(e.findings), 0) AS BIGINT) AS findings
         FROM cases c JOIN case_evaluations e ON e.case_id = c.id
         JOIN departments d ON d.id = c.department_id WHERE",
    );
    period(&mut sql);
    sql.push(" GROUP BY d.name");
    let mut f = PeriodFigures::default();
    for r in sql.fetch_all(&mut conn).await? {
        let (files, with, failed, findings): (i64, i64, i64, i64) = (
            r.try_get("files")?,
            r.try_get("with_findings")?,
            r.try_get("failed")?,
            r.try_get("findings")?,
        );
        f.files += files;
        f.files_with_findings += with;
        f.failed += failed;
        f.findings += findings;
        if with > 0 {
            f.by_department
                .push((r.try_get("department")?, files, with, findings));
        }
    }
    f.by_department
        .sort_by(|a, b| b.3.cmp(&a.3).then(b.2.cmp(&a.2)).then(a.0.cmp(&b.0)));
    let mut sql = Sql::new(
        "SELECT f.rule_code, COUNT(*) AS n FROM case_findings f JOIN cases c ON c.id = f.case_id WHERE",
    );
    period(&mut sql);
    sql.push(" GROUP BY f.rule_code");
    let mut by_rule: Vec<(String, i64)> = sql
        .fetch_all(&mut conn)
        .await?
        .iter()
        .map(|r| Ok((r.try_get("rule_code")?, r.try_get("n")?)))
        .collect::<Result<_>>()?;
    by_rule.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    f.by_rule = by_rule;
    drop(conn);
    f.notices = notices::figures_between(store, actor, from, until).await?;
    Ok(f)
}

/// The bulletin's text, in the documents module's line format (`# ` title, `>> ` right).
fn write(
    issuer: &str,
    number: &str,
    input: &NewBulletin,
    requirements: Option<&str>,
    f: &PeriodFigures,
) -> String {
    let mut out: Vec<String> = vec![
        format!("# {}", input.title),
        format!(">> {number}"),
        format!(
            "- 通报期间：{} 至 {}（按立案日期）",
            input.from, input.until
        ),
        "- 一、总体情况".into(),
    ];
    let pass_rate = (f.files > 0).then(|| (f.files - f.failed) as f64 / f.files as f64);
    out.push(format!(
        "本期立案的行政处罚案卷经系统自动评查 {} 件，其中发现问题的 {} 件，评定为不合格的 {} 件，合格率 {}；共发现问题 {} 个。",
        f.files,
        f.files_with_findings,
        f.failed,
        percent(pass_rate),
        f.findings
    ));
    out.push("- 二、发现的主要问题".into());
    if f.by_rule.is_empty() {
        out.push("本期评查未发现问题。".into());
    }
    for (k, (code, n)) in f.by_rule.iter().take(TOP).enumerate() {
        let (description, basis) = sheet::rule(code)
            .map(|r| (r.description, r.basis))
            .unwrap_or(("（评查项已停用）", ""));
        out.push(format!(
            "（{}）{description}：{n} 件（评查项 {code}，依据 {basis}）。",
            k + 1
        ));
    }
    if f.by_rule.len() > TOP {
        out.push(format!(
            "另有 {} 个评查项发现问题，详见案卷评查台账。",
            f.by_rule.len() - TOP
        ));
    }
    out.push("- 三、各单位情况".into());
    if f.by_department.is_empty() {
        out.push("本期各单位案卷均未发现问题。".into());
    }
    for (name, files, with, findings) in f.by_department.iter().take(TOP) {
        out.push(format!(
            "{name}：评查案卷 {files} 件，发现问题的 {with} 件，问题 {findings} 个。"
        ));
    }
    if f.by_department.len() > TOP {
        out.push(format!(
            "另有 {} 个单位的案卷发现问题。",
            f.by_department.len() - TOP
        ));
    }
    let n = &f.notices;
    out.push("- 四、监督通知与整改".into());
    out.push(format!(
        "本期发出行政执法监督通知书 {} 份，已回复 {} 份（逾期回复 {} 份），整改验收通过 {} 份，监督回复整改率 {}。",
        n.issued,
        n.replied,
        n.replied_late,
        n.accepted,
        percent(n.rectification_rate())
    ));
    if let Some(r) = requirements {
        out.push("- 五、下步工作要求".into());
        out.extend(r.lines().map(str::to_string));
    }
    out.push(format!(">> {issuer}"));
    out.into_iter()
        .map(|l| l.replace('\r', ""))
        .collect::<Vec<_>>()
        .join("\n")
}

/// Writes up and stores a bulletin for the period within the actor's scope.
pub async fn issue(
    store: &Store,
    actor: &Actor,
    input: &NewBulletin,
    today: NaiveDate,
) -> Result<i64> {
    actor.require(Permission::SupervisionManage)?;
    let title = text("title", "标题", &input.title, 100)?;
    let requirements = optional_paragraphs(
        "requirements",
        "下步工作要求",
        input.requirements.as_deref(),
        4000,
    )?;
    if input.until < input.from {
        return Err(Error::invalid("until", "通报期间止不能早于起。"));
    }
    if input.until > today {
        return Err(Error::invalid(
            "until",
            format!("通报期间不能晚于今天（{today}）。"),
        ));
    }
    let issuer =
        sqlx::query("SELECT d.name, d.issuer_abbr, d.region_id FROM departments d WHERE d.id = $1")
            .bind(actor.scope.department_id)
            .fetch_one(store.pool())
            .await?;
    let abbr: String = issuer
        .try_get::<Option<String>, _>("issuer_abbr")?
        .ok_or_else(|| {
            Error::invalid(
                "issuer",
                "本部门尚未设置文号简称（部门管理中填写），无法为通报编号。",
            )
        })?;
    let name: String = issuer.try_get("name")?;
    let f = figures(store, actor, input.from, input.until).await?;
    let input = NewBulletin {
        title,
        ..input.clone()
    };
    let mut tx = store.begin().await?;
    let number = next_number(&mut tx, &format!("{abbr}执通"), today.year())
        .await?
        .to_string();
    let body = write(&name, &number, &input, requirements.as_deref(), &f);
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO bulletins (number, title, period_from, period_until, issued_on, body, figures,
            region_id, department_id, created_by, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id",
    )
    .bind(&number)
    .bind(&input.title)
    .bind(input.from.to_string())
    .bind(input.until.to_string())
    .bind(today.to_string())
    .bind(&body)
    .bind(serde_json::to_string(&f).unwrap_or_default())
    .bind(issuer.try_get::<i64, _>("region_id")?)
    .bind(actor.scope.department_id)
    .bind(actor.user_id)
    .bind(now_ms())
    .fetch_one(tx.conn())
    .await?;
    crate::audit::record(
        &mut tx,
        actor,
        "issue",
        "bulletin",
        Some(id.to_string()),
        json!({ "number": number, "from": input.from.to_string(), "until": input.until.to_string(),
                "files": f.files, "findings": f.findings }),
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

#[derive(Clone, Debug, Serialize)]
pub struct Bulletin {
    pub id: i64,
    pub number: String,
    pub title: String,
    pub period_from: String,
    pub period_until: String,
    pub issued_on: String,
    pub body: String,
}

impl Bulletin {
    pub fn blocks(&self) -> Vec<Block> {
        documents::blocks(&self.body)
    }

    pub fn docx(&self) -> Result<Vec<u8>> {
        documents::docx(&self.blocks())
    }
}

fn bulletin(r: &fazhi_store::DbRow) -> Result<Bulletin> {
    Ok(Bulletin {
        id: r.try_get("id")?,
        number: r.try_get("number")?,
        title: r.try_get("title")?,
        period_from: r.try_get("period_from")?,
        period_until: r.try_get("period_until")?,
        issued_on: r.try_get("issued_on")?,
        body: r.try_get("body")?,
    })
}

const COLUMNS: &str = "b.id, b.number, b.title, b.period_from, b.period_until, b.issued_on, b.body";

/// Bulletins issued within the actor's scope, in a year or all, newest first (at most 200).
pub async fn list(store: &Store, actor: &Actor, year: Option<i32>) -> Result<Capped<Bulletin>> {
    actor.require(Permission::CaseRead)?;
    let mut sql = Sql::new(&format!("SELECT {COLUMNS} FROM bulletins b WHERE "));
    sql.append(actor.scope.condition("b", RECORD_COLUMNS));
    if let Some(y) = year {
        sql.push(" AND b.issued_on >= ")
            .bind(format!("{y:04}-01-01"))
            .push(" AND b.issued_on <= ")
            .bind(format!("{y:04}-12-31"));
    }
    sql.push(" ORDER BY b.id DESC LIMIT 201");
    sql.fetch_all(&mut *store.conn().await?)
        .await?
        .iter()
        .map(bulletin)
        .collect::<Result<Vec<_>>>()
        .map(|rows| Capped::new(rows, 200))
}

pub async fn get(store: &Store, actor: &Actor, id: i64) -> Result<Bulletin> {
    actor.require(Permission::CaseRead)?;
    let mut sql = Sql::new(&format!("SELECT {COLUMNS} FROM bulletins b WHERE b.id = "));
    sql.bind(id)
        .push(" AND ")
        .append(actor.scope.condition("b", RECORD_COLUMNS));
    bulletin(
        &sql.fetch_optional(&mut *store.conn().await?)
            .await?
            .ok_or(Error::NotFound)?,
    )
}

/// How many bulletins were issued in the year within the scope (FIGURES 一(三)2).
pub async fn count_in_year(store: &Store, actor: &Actor, year: i32) -> Result<i64> {
    let mut sql = Sql::new("SELECT COUNT(*) AS n FROM bulletins b WHERE b.issued_on >= ");
    sql.bind(format!("{year:04}-01-01"))
        .push(" AND b.issued_on <= ")
        .bind(format!("{year:04}-12-31"))
        .push(" AND ")
        .append(actor.scope.condition("b", RECORD_COLUMNS));
    let r = sql
        .fetch_optional(&mut *store.conn().await?)
        .await?
        .ok_or(Error::NotFound)?;
    Ok(r.try_get("n")?)
}
