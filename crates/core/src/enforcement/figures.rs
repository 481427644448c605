//! The enforcement figures of the annual report, section 一(三)1 (FIGURES.md), computed from the
//! records for a year, never typed in: templates in use, the three lists' entries in force,
//! general-procedure cases that towns filed on items delegated to them (and the distinct items
//! among them), and the delegated-item implementation rate per town with its mean over towns.
//! Each figure names the records behind it so the page can open them.

use chrono::NaiveDate;
use fazhi_store::scope::RECORD_COLUMNS;
use fazhi_store::{Row, Sql, Store};
use serde::Serialize;

use super::discretion::ListKind;
use crate::access::{Actor, Permission};
use crate::{Error, Result};

/// One town's delegated items and how many of them its own cases used.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct TownRate {
    pub town_id: i64,
    pub town: String,
    /// Items delegated to the town at some time in the year.
    pub delegated: i64,
    /// Of those, items with at least one general-procedure case the town filed while it held them.
    pub implemented: i64,
    pub cases: i64,
}

impl TownRate {
    pub fn rate(&self) -> Option<f64> {
        (self.delegated > 0).then(|| self.implemented as f64 / self.delegated as f64)
    }
}

#[derive(Clone, Debug)]
pub struct EnforcementFigures {
    pub year: i32,
    /// 执法办案模板: document templates in use.
    pub templates: i64,
    /// The three lists' entries in force at the end of the year.
    pub lists: Vec<(ListKind, usize)>,
    /// 赋权镇乡普通程序案件.
    pub town_cases: i64,
    /// 覆盖事项: distinct items among them.
    pub town_items: i64,
    /// Those items, each with its number of those cases, by code.
    pub items: Vec<(String, i64)>,
    pub towns: Vec<TownRate>,
}

impl EnforcementFigures {
    /// 赋权事项实施率(平均): the mean over towns that hold delegated items of each town's rate;
    /// None over no such town.
    pub fn mean_rate(&self) -> Option<f64> {
        let rates: Vec<f64> = self.towns.iter().filter_map(TownRate::rate).collect();
        (!rates.is_empty()).then(|| rates.iter().sum::<f64>() / rates.len() as f64)
    }
}

/// A rate as the report prints it: two decimals of a percent, half up (34.49%); "—" over an
/// empty set.
pub fn percent(rate: Option<f64>) -> String {
    match rate {
        Some(r) => {
            let hundredths = (r * 10_000.0 + 0.5 + 1e-9).floor() as i64;
            format!("{}.{:02}%", hundredths / 100, hundredths % 100)
        }
        None => "—".into(),
    }
}

/// The condition "a general-procedure case filed in the year by a town office on an item
/// delegated to that town on the filing day", on `cases c` joined to `departments d` and
/// `regions r`, within the actor's scope.
fn town_cases(actor: &Actor, from: &str, until: &str, select: &str) -> Sql {
    let mut sql = Sql::new(select);
    sql.push(
        " FROM cases c JOIN departments d ON d.id = c.department_id JOIN regions r ON r.id = d.region_id
          WHERE c.procedure = 'general' AND c.filed_on >= ",
    )
    .bind(from)
    .push(" AND c.filed_on <= ")
    .bind(until)
    .push(" AND ")
    .push(super::cases::DELEGATED_TO_FILING_TOWN)
    .push(" AND ");
    sql.append(actor.scope.condition("c", RECORD_COLUMNS));
    sql
}

pub async fn enforcement(store: &Store, actor: &Actor, year: i32) -> Result<EnforcementFigures> {
    actor.require(Permission::CaseRead)?;
    let (Some(first), Some(last)) = (
        NaiveDate::from_ymd_opt(year, 1, 1),
        NaiveDate::from_ymd_opt(year, 12, 31),
    ) else {
        return Err(Error::invalid("year", "年份无效。"));
    };
    let (from, until) = (first.to_string(), last.to_string());
    let mut conn = store.conn().await?;
    let templates: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM document_templates")
        .fetch_one(&mut *conn)
        .await?;
    let totals = town_cases(
        actor,
        &from,
        &until,
        "SELECT COUNT(*) AS n, COUNT(DISTINCT c.item_code) AS items",
    )
    .fetch_optional(&mut conn)
    .await?;
    let (town_cases_n, town_items) = match totals {
        Some(r) => (r.try_get("n")?, r.try_get("items")?),
        None => (0, 0),
    };
    let mut per_item = town_cases(actor, &from, &until, "SELECT c.item_code, COUNT(*) AS n");
    per_item.push(" GROUP BY c.item_code ORDER BY c.item_code");
    let items = per_item
        .fetch_all(&mut conn)
        .await?
        .iter()
        .map(|r| Ok((r.try_get("item_code")?, r.try_get("n")?)))
        .collect::<Result<_>>()?;
    let mut per_town = town_cases(
        actor,
        &from,
        &until,
        "SELECT r.id AS town_id, COUNT(*) AS n, COUNT(DISTINCT c.item_code) AS items",
    );
    per_town.push(" GROUP BY r.id");
    let used: Vec<(i64, i64, i64)> = per_town
        .fetch_all(&mut conn)
        .await?
        .iter()
        .map(|r| Ok((r.try_get("town_id")?, r.try_get("n")?, r.try_get("items")?)))
        .collect::<Result<_>>()?;
    let towns = sqlx::query(
        "SELECT r.id, r.name, COUNT(DISTINCT g.item_code) AS delegated FROM regions r
         LEFT JOIN delegations g ON g.town_id = r.id AND g.effective_from <= $2
              AND (g.effective_until IS NULL OR g.effective_until >= $1)
         WHERE r.kind = 'town' GROUP BY r.id, r.name ORDER BY r.id",
    )
    .bind(&from)
    .bind(&until)
    .fetch_all(&mut *conn)
    .await?
    .iter()
    .map(|r| {
        let id: i64 = r.try_get("id")?;
        let (cases, implemented) = used
            .iter()
            .find(|u| u.0 == id)
            .map_or((0, 0), |u| (u.1, u.2));
        Ok(TownRate {
            town_id: id,
            town: r.try_get("name")?,
            delegated: r.try_get("delegated")?,
            implemented,
            cases,
        })
    })
    .collect::<Result<Vec<_>>>()?;
    drop(conn);
    let lists = super::benchmarks::list_counts(store, last).await?;
    Ok(EnforcementFigures {
        year,
        templates,
        lists,
        town_cases: town_cases_n,
        town_items,
        items,
        towns,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percent_rounds_half_up_and_shows_a_dash_over_nothing() {
        assert_eq!(percent(Some(119.0 / 345.0)), "34.49%");
        assert_eq!(percent(Some(0.73785)), "73.79%");
        assert_eq!(percent(Some(1.0)), "100.00%");
        assert_eq!(percent(None), "—");
    }

    #[test]
    fn the_mean_is_over_towns_that_hold_delegated_items() {
        let town = |delegated, implemented| TownRate {
            town_id: 1,
            town: "t".into(),
            delegated,
            implemented,
            cases: implemented,
        };
        let f = EnforcementFigures {
            year: 2024,
            templates: 7,
            lists: vec![],
            town_cases: 0,
            town_items: 0,
            items: vec![],
            towns: vec![town(4, 3), town(4, 2), town(0, 0)],
        };
        assert_eq!(percent(f.mean_rate()), "62.50%");
        let none = EnforcementFigures {
            towns: vec![town(0, 0)],
            ..f
        };
        assert_eq!(none.mean_rate(), None);
    }
}
