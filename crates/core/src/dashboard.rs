//! The dashboard (驾驶舱): a year's cases by month and by town, evaluation grades, the rules
//! that found most, open leads by model and deadlines by light — each a count the page draws
//! and links to the records behind it, all within the actor's data scope.

use std::collections::HashMap;

use fazhi_store::scope::RECORD_COLUMNS;
use fazhi_store::{Row, Sql, Store};

use crate::access::{Actor, Permission};
use crate::{Error, Result};

#[derive(Clone, Debug, Default)]
pub struct Dashboard {
    pub year: i32,
    /// Cases filed in each month (January first).
    pub by_month: [i64; 12],
    /// (region id, name, cases filed in the year), most first.
    pub by_region: Vec<(i64, String, i64)>,
    /// (grade code, cases filed in the year): excellent, pass, fail, none (not evaluated).
    pub grades: Vec<(&'static str, i64)>,
    /// (rule code, cases filed in the year it found), most first, at most ten.
    pub findings: Vec<(String, i64)>,
    /// (lead model code, name, open leads); empty for someone who reads no leads.
    pub leads: Vec<(&'static str, &'static str, i64)>,
    /// Open deadlines lit red (overdue) and yellow (due soon).
    pub red: i64,
    pub yellow: i64,
}

/// How many regions the town chart shows.
const REGIONS: i64 = 12;

pub async fn load(store: &Store, actor: &Actor, year: i32) -> Result<Dashboard> {
    actor.require(Permission::CaseRead)?;
    if !(2000..=2100).contains(&year) {
        return Err(Error::invalid("year", "年度超出范围。"));
    }
    let (from, until) = (format!("{year:04}-01-01"), format!("{year:04}-12-31"));
    let mut conn = store.conn().await?;
    let in_year = |select: &str| {
        let mut sql = Sql::new(select);
        sql.push(" WHERE c.filed_on >= ")
            .bind(from.clone())
            .push(" AND c.filed_on <= ")
            .bind(until.clone())
            .push(" AND ");
        sql.append(actor.scope.condition("c", RECORD_COLUMNS));
        sql
    };
    let mut d = Dashboard {
        year,
        ..Dashboard::default()
    };
    let mut sql = in_year("SELECT SUBSTR(c.filed_on, 6, 2) AS m, COUNT(*) AS n FROM cases c");
    sql.push(" GROUP BY SUBSTR(c.filed_on, 6, 2)");
    for r in sql.fetch_all(&mut conn).await? {
        let m: String = r.try_get("m")?;
        if let Some(slot) = m
            .parse::<usize>()
            .ok()
            .and_then(|m| d.by_month.get_mut(m.wrapping_sub(1)))
        {
            *slot = r.try_get("n")?;
        }
    }
    let mut sql = in_year(
        "SELECT r.id, r.name, COUNT(*) AS n FROM cases c JOIN regions r ON r.id = c.region_id",
    );
    sql.push(" GROUP BY r.id, r.name ORDER BY COUNT(*) DESC, r.id LIMIT ")
        .push(&REGIONS.to_string());
    for r in sql.fetch_all(&mut conn).await? {
        d.by_region
            .push((r.try_get("id")?, r.try_get("name")?, r.try_get("n")?));
    }
    let mut sql = in_year(
        "SELECT COALESCE(e.grade, 'none') AS g, COUNT(*) AS n FROM cases c LEFT JOIN case_evaluations e ON e.case_id = c.id",
    );
    sql.push(" GROUP BY COALESCE(e.grade, 'none')");
    let mut grades: HashMap<String, i64> = HashMap::new();
    for r in sql.fetch_all(&mut conn).await? {
        grades.insert(r.try_get("g")?, r.try_get("n")?);
    }
    d.grades = ["excellent", "pass", "fail", "none"]
        .into_iter()
        .map(|g| (g, grades.get(g).copied().unwrap_or(0)))
        .collect();
    let mut sql = in_year(
        "SELECT f.rule_code, COUNT(DISTINCT f.case_id) AS n FROM case_findings f JOIN cases c ON c.id = f.case_id",
    );
    sql.push(" GROUP BY f.rule_code ORDER BY COUNT(DISTINCT f.case_id) DESC, f.rule_code LIMIT 10");
    for r in sql.fetch_all(&mut conn).await? {
        d.findings.push((r.try_get("rule_code")?, r.try_get("n")?));
    }
    drop(conn);
    if actor.can(Permission::SupervisionManage) || actor.can(Permission::SupervisionReply) {
        d.leads = crate::supervision::leads::desk(store, actor)
            .await?
            .into_iter()
            .map(|(m, n)| (m.code, m.name, n))
            .collect();
    }
    let mut sql = Sql::new(
        "SELECT d.warning, COUNT(*) AS n FROM deadlines d WHERE d.state IN ('running', 'overdue') AND d.warning IN ('red', 'yellow') AND ",
    );
    sql.append(actor.scope.condition("d", RECORD_COLUMNS))
        .push(" GROUP BY d.warning");
    for r in sql.fetch_all(&mut *store.conn().await?).await? {
        let n: i64 = r.try_get("n")?;
        match r.try_get::<String, _>("warning")?.as_str() {
            "red" => d.red = n,
            _ => d.yellow = n,
        }
    }
    Ok(d)
}
