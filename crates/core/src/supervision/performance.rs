//! Performance evaluation (效能评价) of the agencies and towns that enforce: four dimensions
//! computed from the records of a year, each a rate from 0 to 1, and a score out of 100 that
//! averages the dimensions that apply (a dimension with nothing to count — no notice received,
//! say — is left out rather than counted as full or empty marks):
//!
//! - 执法人员 (staff): people holding `case.handle` in the agency, against the two the law asks
//!   for at every inspection and investigation (行政处罚法 art. 42): min(staff, 2) ÷ 2;
//! - 工作机制 (mechanisms): monthly self-inspections done by their deadline ÷ those done or past
//!   their deadline;
//! - 协同配合 (coordination): supervision notices replied to by their deadline ÷ notices received;
//! - 执法规范 (conformity): case files filed in the year and evaluated that did not fail ÷ files
//!   evaluated.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use fazhi_store::scope::RECORD_COLUMNS;
use fazhi_store::{Row, Sql, Store};
use serde::Serialize;

use crate::Result;
use crate::access::{Actor, Permission};

/// The formula as the page prints it.
pub const FORMULA: &str = "得分 = 100 × 适用维度得分率的平均值；执法人员 = min(持证办案人员数, 2) ÷ 2（行政处罚法第四十二条：执法人员不得少于两人）；工作机制 = 按期完成的部门自查 ÷ 已完成或已到期的部门自查；协同配合 = 按期回复的执法监督通知书 ÷ 收到的通知书；执法规范 = 当年立案且经评查未被评为不合格的案卷 ÷ 评查的案卷。某维度无可计数的记录时不计入平均。";

/// (done, of) for a rate; None when there is nothing to count.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize)]
pub struct Ratio {
    pub done: i64,
    pub of: i64,
}

impl Ratio {
    pub fn rate(self) -> Option<f64> {
        (self.of > 0).then(|| self.done as f64 / self.of as f64)
    }
}

#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct AgencyScore {
    pub department_id: i64,
    pub department: String,
    pub staff: i64,
    pub self_inspections: Ratio,
    pub notices: Ratio,
    pub files: Ratio,
}

impl AgencyScore {
    pub fn staff_rate(&self) -> f64 {
        self.staff.min(2) as f64 / 2.0
    }

    /// 100 × the mean of the dimensions that apply (staff always does).
    pub fn score(&self) -> f64 {
        let rates: Vec<f64> = std::iter::once(Some(self.staff_rate()))
            .chain([
                self.self_inspections.rate(),
                self.notices.rate(),
                self.files.rate(),
            ])
            .flatten()
            .collect();
        100.0 * rates.iter().sum::<f64>() / rates.len() as f64
    }
}

fn year_bounds(year: i32) -> (String, String) {
    (format!("{year:04}-01-01"), format!("{year:04}-12-31"))
}

/// Every agency within the actor's scope (departments holding cases or people who handle
/// them), scored for the year, best first.
pub async fn evaluate(
    store: &Store,
    actor: &Actor,
    year: i32,
    today: NaiveDate,
) -> Result<Vec<AgencyScore>> {
    actor.require(Permission::CaseRead)?;
    let (from, until) = year_bounds(year);
    let mut conn = store.conn().await?;
    let mut by: BTreeMap<i64, AgencyScore> = BTreeMap::new();

    // The agencies are self-inspection's: departments holding cases or people who handle them.
    let agencies = super::self_inspection::agencies(store, actor).await?;
    if agencies.is_empty() {
        return Ok(Vec::new());
    }
    let mut sql = Sql::new(
        "SELECT d.id, d.name, (SELECT COUNT(DISTINCT u.id) FROM users u JOIN user_roles ur ON ur.user_id = u.id
            JOIN role_permissions rp ON rp.role_id = ur.role_id
            WHERE u.department_id = d.id AND rp.permission = ",
    );
    sql.bind(Permission::CaseHandle.code())
        .push(") AS staff FROM departments d WHERE d.id IN (");
    sql.bind_list(agencies.iter().map(|(id, _)| *id));
    sql.push(")");
    for r in sql.fetch_all(&mut conn).await? {
        let id: i64 = r.try_get("id")?;
        by.insert(
            id,
            AgencyScore {
                department_id: id,
                department: r.try_get("name")?,
                staff: r.try_get("staff")?,
                ..AgencyScore::default()
            },
        );
    }

    // Self-inspections of the year that are done or past due: done on time, of those.
    let mut sql = Sql::new(
        "SELECT s.department_id, COUNT(*) AS due,
            COALESCE(SUM(CASE WHEN s.state = 'done' AND s.done_on <= s.due_on THEN 1 ELSE 0 END), 0) AS done
         FROM self_inspections s WHERE s.kind = 'self' AND (s.state = 'done' OR s.due_on < ",
    );
    sql.bind(today.to_string())
        .push(") AND s.period LIKE ")
        .bind(format!("{year:04}-%"))
        .push(" AND ")
        .append(actor.scope.condition("s", RECORD_COLUMNS))
        .push(" GROUP BY s.department_id");
    for r in sql.fetch_all(&mut conn).await? {
        if let Some(a) = by.get_mut(&r.try_get::<i64, _>("department_id")?) {
            a.self_inspections = Ratio {
                done: r.try_get("done")?,
                of: r.try_get("due")?,
            };
        }
    }

    // Notices received in the year: replied to by the end of their period, of received.
    let mut sql = Sql::new(
        "SELECT n.department_id, COUNT(*) AS received,
            COALESCE(SUM(CASE WHEN n.replied_on IS NOT NULL AND n.replied_on <= n.rectify_by THEN 1 ELSE 0 END), 0) AS on_time
         FROM supervision_notices n WHERE n.issued_on >= ",
    );
    sql.bind(from.as_str())
        .push(" AND n.issued_on <= ")
        .bind(until.as_str())
        .push(" AND ")
        .append(actor.scope.condition("n", RECORD_COLUMNS))
        .push(" GROUP BY n.department_id");
    for r in sql.fetch_all(&mut conn).await? {
        if let Some(a) = by.get_mut(&r.try_get::<i64, _>("department_id")?) {
            a.notices = Ratio {
                done: r.try_get("on_time")?,
                of: r.try_get("received")?,
            };
        }
    }

    // Files filed in the year and evaluated: not failed, of evaluated.
    let mut sql = Sql::new(
        "SELECT c.department_id, COUNT(*) AS files,
            COALESCE(SUM(CASE WHEN e.grade <> 'fail' THEN 1 ELSE 0 END), 0) AS passed
         FROM cases c JOIN case_evaluations e ON e.case_id = c.id WHERE c.filed_on >= ",
    );
    sql.bind(from.as_str())
        .push(" AND c.filed_on <= ")
        .bind(until.as_str())
        .push(" AND ")
        .append(actor.scope.condition("c", RECORD_COLUMNS))
        .push(" GROUP BY c.department_id");
    for r in sql.fetch_all(&mut conn).await? {
        if let Some(a) = by.get_mut(&r.try_get::<i64, _>("department_id")?) {
            a.files = Ratio {
                done: r.try_get("passed")?,
                of: r.try_get("files")?,
            };
        }
    }

    let mut scores: Vec<AgencyScore> = by.into_values().collect();
    scores.sort_by(|a, b| {
        b.score()
            .total_cmp(&a.score())
            .then(a.department_id.cmp(&b.department_id))
    });
    Ok(scores)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_score_averages_the_dimensions_that_apply() {
        let a = AgencyScore {
            staff: 1,
            self_inspections: Ratio { done: 3, of: 4 },
            notices: Ratio::default(),
            files: Ratio { done: 9, of: 10 },
            ..AgencyScore::default()
        };
        // (0.5 + 0.75 + 0.9) / 3 × 100
        assert!((a.score() - 71.666_666).abs() < 1e-3);
        let none = AgencyScore::default();
        assert_eq!(none.score(), 0.0);
        let full = AgencyScore {
            staff: 5,
            ..AgencyScore::default()
        };
        assert_eq!(full.score(), 100.0);
    }
}
