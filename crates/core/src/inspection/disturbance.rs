//! Inspections that only disturb (高频无效检查) and the joint-inspection figures of FIGURES
//! 一(二)3, counted from the inspection records within the actor's scope:
//!
//! - entities inspected more than a threshold number of times in a period, by two or more
//!   departments, with nothing ever found;
//! - departments whose inspections (at least `MIN_FOR_RATE` in the period) find something less
//!   than `QUIET_RATE` of the time;
//! - joint visits: one entity's joint inspections on one day make one visit; the visits saved are
//!   Σ over visits of (departments in the visit − 1); the joint share is joint inspections over
//!   all inspections (the province's target: ≥ 60 %).

use chrono::NaiveDate;
use fazhi_store::page::Capped;
use fazhi_store::scope::RECORD_COLUMNS;
use fazhi_store::{Row, Sql, Store};
use serde::Serialize;

use crate::access::{Actor, Permission};
use crate::{Error, Result};

/// Departments need at least this many inspections in the period to be judged on their rate.
pub const MIN_FOR_RATE: i64 = 10;
/// A department finding something in less than this share of its inspections is listed.
pub const QUIET_RATE: f64 = 0.05;

#[derive(Clone, Debug, Serialize)]
pub struct DisturbedEntity {
    pub uscc: String,
    pub name: String,
    pub inspections: i64,
    pub departments: i64,
}

#[derive(Clone, Debug, Serialize)]
pub struct QuietDepartment {
    pub department: String,
    pub inspections: i64,
    pub findings: i64,
}

#[derive(Clone, Debug, Default, Serialize)]
pub struct Disturbance {
    /// At most 500, the most visited first; `Capped::more` says when others were left out.
    pub entities: Capped<DisturbedEntity>,
    pub departments: Vec<QuietDepartment>,
}

fn period(sql: &mut Sql, actor: &Actor, from: NaiveDate, until: NaiveDate) {
    sql.push(" i.inspected_on >= ")
        .bind(from.to_string())
        .push(" AND i.inspected_on <= ")
        .bind(until.to_string())
        .push(" AND ")
        .append(actor.scope.condition("i", RECORD_COLUMNS));
}

/// The inspections in the period that only disturbed.
pub async fn only_disturb(
    store: &Store,
    actor: &Actor,
    from: NaiveDate,
    until: NaiveDate,
    more_than: i64,
) -> Result<Disturbance> {
    actor.require(Permission::CaseRead)?;
    if until < from {
        return Err(Error::invalid("until", "期间止不能早于起。"));
    }
    if !(1..=100).contains(&more_than) {
        return Err(Error::invalid("more_than", "次数应为 1 至 100。"));
    }
    let mut conn = store.conn().await?;
    let mut sql = Sql::new(
        "SELECT i.entity_uscc, MIN(i.entity_name) AS name, COUNT(*) AS n,
            COUNT(DISTINCT i.department_id) AS departments
         FROM inspections i WHERE",
    );
    period(&mut sql, actor, from, until);
    sql.push(" GROUP BY i.entity_uscc HAVING COUNT(*) > ")
        .bind(more_than)
        .push(" AND COUNT(DISTINCT i.department_id) >= 2")
        .push(" AND SUM(CASE WHEN i.outcome <> 'no_problem' THEN 1 ELSE 0 END) = 0")
        .push(" ORDER BY COUNT(*) DESC, i.entity_uscc LIMIT 501");
    let entities = sql
        .fetch_all(&mut conn)
        .await?
        .iter()
        .map(|r| {
            Ok(DisturbedEntity {
                uscc: r.try_get("entity_uscc")?,
                name: r.try_get("name")?,
                inspections: r.try_get("n")?,
                departments: r.try_get("departments")?,
            })
        })
        .collect::<Result<Vec<_>>>()
        .map(|rows| Capped::new(rows, 500))?;
    let mut sql = Sql::new(
        "SELECT d.name AS department, COUNT(*) AS n,
            SUM(CASE WHEN i.outcome <> 'no_problem' THEN 1 ELSE 0 END) AS found
         FROM inspections i JOIN departments d ON d.id = i.department_id WHERE",
    );
    period(&mut sql, actor, from, until);
    sql.push(" GROUP BY d.name HAVING COUNT(*) >= ")
        .bind(MIN_FOR_RATE)
        .push(" ORDER BY d.name");
    let mut departments = Vec::new();
    for r in sql.fetch_all(&mut conn).await? {
        let (n, found): (i64, i64) = (r.try_get("n")?, r.try_get("found")?);
        if (found as f64) < QUIET_RATE * n as f64 {
            departments.push(QuietDepartment {
                department: r.try_get("department")?,
                inspections: n,
                findings: found,
            });
        }
    }
    Ok(Disturbance {
        entities,
        departments,
    })
}

/// Inspections of one item a year that each credit class calls for by default (A, B, C, D):
/// the lower the risk, the fewer; the supervisor's page can set others.
pub const DEFAULT_PER_YEAR: [u32; 4] = [1, 2, 3, 4];

/// An entity inspected on one item more often than its credit class calls for.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct BeyondClass {
    pub uscc: String,
    pub name: String,
    pub credit_class: String,
    pub item: String,
    pub inspections: usize,
    /// What the class allows in the period: per year × the period's share of a year, at least 1
    /// (none when the class calls for none).
    pub allowed: usize,
}

/// What `per_year` allows over a period of `days`.
pub fn allowance(per_year: u32, days: i64) -> usize {
    if per_year == 0 {
        return 0;
    }
    ((f64::from(per_year) * days.max(1) as f64 / 365.0).ceil() as usize).max(1)
}

/// Entities of the register inspected on an item more often than their credit class calls for
/// (`per_year` for A–D), within the actor's scope, most excessive first.
pub async fn beyond_class(
    store: &Store,
    actor: &Actor,
    from: NaiveDate,
    until: NaiveDate,
    per_year: [u32; 4],
) -> Result<Vec<BeyondClass>> {
    actor.require(Permission::CaseRead)?;
    if until < from {
        return Err(Error::invalid("until", "期间止不能早于起。"));
    }
    if per_year.iter().any(|n| *n > 365) {
        return Err(Error::invalid("per_year", "每年应检查次数为 0 至 365。"));
    }
    // A year from a day to the same day next year is 365 days, one allowance.
    let days = (until - from).num_days();
    let mut sql = Sql::new(
        "SELECT i.entity_uscc, e.name, e.credit_class, i.items FROM inspections i
         JOIN inspection_entities e ON e.uscc = i.entity_uscc WHERE",
    );
    period(&mut sql, actor, from, until);
    let mut counts: std::collections::BTreeMap<(String, String), (String, String, usize)> =
        std::collections::BTreeMap::new();
    for r in sql.fetch_all(&mut *store.conn().await?).await? {
        let uscc: String = r.try_get("entity_uscc")?;
        let name: String = r.try_get("name")?;
        let class: String = r.try_get("credit_class")?;
        for item in r
            .try_get::<String, _>("items")?
            .split(',')
            .filter(|s| !s.is_empty())
        {
            counts
                .entry((uscc.clone(), item.to_string()))
                .or_insert_with(|| (name.clone(), class.clone(), 0))
                .2 += 1;
        }
    }
    let mut out: Vec<BeyondClass> = counts
        .into_iter()
        .filter_map(|((uscc, item), (name, class, n))| {
            let at = super::entities::CLASSES.iter().position(|c| *c == class)?;
            let allowed = allowance(per_year[at], days);
            (n > allowed).then_some(BeyondClass {
                uscc,
                name,
                credit_class: class,
                item,
                inspections: n,
                allowed,
            })
        })
        .collect();
    out.sort_by(|a, b| {
        (b.inspections * a.allowed.max(1))
            .cmp(&(a.inspections * b.allowed.max(1)))
            .then(a.uscc.cmp(&b.uscc))
    });
    out.truncate(500);
    Ok(out)
}

/// FIGURES 一(二)3 for a period.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct JointFigures {
    pub inspections: i64,
    pub joint_inspections: i64,
    /// Joint visits (entity × day with joint inspections).
    pub visits: i64,
    /// Σ over joint visits of (departments in the visit − 1): 减少扰企户次.
    pub visits_saved: i64,
    /// Departments that took part in joint visits.
    pub departments: i64,
    /// Inspections in the same period a year earlier.
    pub previous_inspections: i64,
}

impl JointFigures {
    /// Joint inspections ÷ inspections (target ≥ 60 %).
    pub fn joint_share(&self) -> Option<f64> {
        (self.inspections > 0).then(|| self.joint_inspections as f64 / self.inspections as f64)
    }

    /// How far on-site inspections fell against the year before (negative: rose); the
    /// province's target is a fall of 25 %. None without inspections the year before.
    pub fn year_on_year_fall(&self) -> Option<f64> {
        (self.previous_inspections > 0).then(|| {
            (self.previous_inspections - self.inspections) as f64 / self.previous_inspections as f64
        })
    }
}

pub async fn joint_figures(
    store: &Store,
    actor: &Actor,
    from: NaiveDate,
    until: NaiveDate,
) -> Result<JointFigures> {
    actor.require(Permission::CaseRead)?;
    let mut conn = store.conn().await?;
    let mut sql = Sql::new(
        "SELECT COUNT(*) AS n, COALESCE(SUM(CASE WHEN i.joint = 1 THEN 1 ELSE 0 END), 0) AS joint,
            COUNT(DISTINCT CASE WHEN i.joint = 1 THEN i.department_id END) AS departments
         FROM inspections i WHERE",
    );
    period(&mut sql, actor, from, until);
    let totals = sql
        .fetch_optional(&mut conn)
        .await?
        .ok_or(Error::NotFound)?;
    let mut sql = Sql::new(
        "SELECT COUNT(DISTINCT i.department_id) AS departments FROM inspections i WHERE i.joint = 1 AND",
    );
    period(&mut sql, actor, from, until);
    sql.push(" GROUP BY i.entity_uscc, i.inspected_on");
    let visits: Vec<i64> = sql
        .fetch_all(&mut conn)
        .await?
        .iter()
        .map(|r| r.try_get("departments"))
        .collect::<std::result::Result<_, _>>()?;
    let year_before = |d: NaiveDate| d.checked_sub_months(chrono::Months::new(12)).unwrap_or(d);
    let mut sql = Sql::new("SELECT COUNT(*) AS n FROM inspections i WHERE");
    period(&mut sql, actor, year_before(from), year_before(until));
    let previous: i64 = sql
        .fetch_optional(&mut conn)
        .await?
        .map(|r| r.try_get("n"))
        .transpose()?
        .unwrap_or(0);
    Ok(JointFigures {
        previous_inspections: previous,
        inspections: totals.try_get("n")?,
        joint_inspections: totals.try_get::<i64, _>("joint")?,
        visits: visits.len() as i64,
        visits_saved: visits.iter().map(|d| d - 1).sum(),
        departments: totals.try_get("departments")?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_allowance_scales_with_the_period() {
        assert_eq!(allowance(1, 365), 1);
        assert_eq!(allowance(4, 365), 4);
        assert_eq!(allowance(4, 91), 1);
        assert_eq!(allowance(4, 92), 2);
        assert_eq!(allowance(0, 365), 0);
    }
}
