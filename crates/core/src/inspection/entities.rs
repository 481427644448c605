//! The register of entities subject to inspection (检查对象名录库) with their credit risk class
//! (信用风险分类 A–D), officers' recorded relations to entities (回避), and the three lists a
//! period's inspections respect: leave alone (无事不扰: class A with a clean record — no case
//! and no inspection that found anything in the last two years), key supervision (重点监管:
//! class D, or a case in those two years) and random checks (随机抽查: the rest).

use std::collections::{BTreeMap, HashMap, HashSet};

use chrono::{Months, NaiveDate};
use fazhi_kernel::ids::Uscc;
use fazhi_store::page::Capped;
use fazhi_store::scope::RECORD_COLUMNS;
use fazhi_store::{Row, Sql, Store, now_ms};
use rust_xlsxwriter::Workbook;
use serde::Serialize;
use serde_json::json;

use crate::access::{Actor, Permission};
use crate::org::rules::text;
use crate::xlsx::{ImportReport, RowError, list_cell};
use crate::{Error, Result};

/// The template's columns.
pub const HEADERS: [&str; 6] = [
    "统一社会信用代码",
    "名称",
    "所属镇乡（街道）",
    "行业",
    "信用风险分类（A/B/C/D）",
    "适用检查事项编码（以顿号分隔，空为全部）",
];

/// Credit risk classes, lowest risk first.
pub const CLASSES: [&str; 4] = ["A", "B", "C", "D"];

/// How far back a record counts against an entity for the lists.
const LOOKBACK_MONTHS: u32 = 24;

/// Rows per multi-row statement of an import.
const ROWS_PER_STATEMENT: usize = 200;

#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct Entity {
    pub uscc: String,
    pub name: String,
    pub town: String,
    pub industry: String,
    pub credit_class: String,
    /// The inspection items it falls under; empty: every item.
    pub items: Vec<String>,
}

impl Entity {
    /// Whether a draw of `items` may pick it.
    pub fn subject_to(&self, items: &[String]) -> bool {
        self.items.is_empty() || self.items.iter().any(|i| items.contains(i))
    }
}

/// Which of the three lists an entity is on.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, PartialOrd, Ord)]
pub enum List {
    LeaveAlone,
    KeySupervision,
    RandomChecks,
}

impl List {
    pub const ALL: [List; 3] = [List::LeaveAlone, List::KeySupervision, List::RandomChecks];
    pub fn code(self) -> &'static str {
        match self {
            List::LeaveAlone => "leave_alone",
            List::KeySupervision => "key",
            List::RandomChecks => "random",
        }
    }
    pub fn label_zh(self) -> &'static str {
        match self {
            List::LeaveAlone => "无事不扰清单",
            List::KeySupervision => "重点监管清单",
            List::RandomChecks => "随机抽查清单",
        }
    }
    pub fn parse(code: &str) -> Option<List> {
        List::ALL.into_iter().find(|l| l.code() == code)
    }
}

/// The list of an entity of `class`, given whether it had a case, or an inspection that found
/// something, in the last two years.
pub fn list_of(class: &str, had_case: bool, had_finding: bool) -> List {
    if class == "D" || had_case {
        List::KeySupervision
    } else if class == "A" && !had_finding {
        List::LeaveAlone
    } else {
        List::RandomChecks
    }
}

/// Imports the register (a USCC already there is updated); every row is checked first and with
/// any rejected row nothing is written. The register is the city's: a city-wide supervisor's.
pub async fn import(
    store: &Store,
    actor: &Actor,
    rows: &[(usize, Vec<String>)],
) -> Result<ImportReport> {
    actor.require(Permission::SupervisionManage)?;
    if actor.scope.kind != fazhi_store::DataScope::All {
        return Err(Error::Forbidden);
    }
    let towns: HashMap<String, i64> =
        sqlx::query("SELECT id, name FROM regions WHERE kind = 'town'")
            .fetch_all(store.pool())
            .await?
            .iter()
            .map(|r| Ok((r.try_get("name")?, r.try_get("id")?)))
            .collect::<Result<_>>()?;
    let mut report = ImportReport::default();
    let mut seen: HashMap<String, usize> = HashMap::new();
    let catalog = crate::enforcement::catalog::repo::codes(&mut *store.conn().await?).await?;
    let mut good: Vec<(String, String, i64, String, String, String)> = Vec::new();
    for (row, raw) in rows {
        let cell = |i: usize| raw.get(i).map(|s| s.trim()).unwrap_or("");
        let mut problems: Vec<String> = Vec::new();
        let uscc = match Uscc::parse(cell(0)) {
            Ok(u) => u.to_string(),
            Err(e) => {
                problems.push(format!("统一社会信用代码无效：{}", e.message_zh()));
                String::new()
            }
        };
        let name = cell(1);
        if name.is_empty() || name.chars().count() > 100 {
            problems.push("名称应为 1 至 100 个字".into());
        }
        let town = towns.get(cell(2)).copied();
        if town.is_none() {
            problems.push(format!("没有名为“{}”的镇乡（街道）", cell(2)));
        }
        let industry = cell(3);
        if industry.is_empty() || industry.chars().count() > 50 {
            problems.push("行业应为 1 至 50 个字".into());
        }
        let class = cell(4).to_uppercase();
        if !CLASSES.contains(&class.as_str()) {
            problems.push("信用风险分类应为 A、B、C 或 D".into());
        }
        let items = list_cell(cell(5));
        for i in items.iter().filter(|i| !catalog.contains(*i)) {
            problems.push(format!("事项编码 {i} 不在执法事项目录中"));
        }
        if let Some(first) = seen.get(&uscc).filter(|_| !uscc.is_empty()) {
            problems.push(format!("统一社会信用代码与第 {first} 行重复"));
        }
        match (problems.is_empty(), town) {
            (true, Some(town)) => {
                seen.insert(uscc.clone(), *row);
                good.push((
                    uscc,
                    name.to_string(),
                    town,
                    industry.to_string(),
                    class,
                    items.join(","),
                ));
            }
            _ => report.errors.push(RowError {
                row: *row,
                reason: problems.join("；"),
            }),
        }
    }
    if !report.errors.is_empty() {
        report.rejected = report.errors.len();
        return Ok(report);
    }
    let known: HashSet<String> = sqlx::query_scalar("SELECT uscc FROM inspection_entities")
        .fetch_all(store.pool())
        .await?
        .into_iter()
        .collect();
    let now = now_ms();
    let mut tx = store.begin().await?;
    for chunk in good.chunks(ROWS_PER_STATEMENT) {
        let mut sql = Sql::new(
            "INSERT INTO inspection_entities (uscc, name, region_id, industry, credit_class, items, updated_at) VALUES ",
        );
        for (n, (uscc, name, town, industry, class, items)) in chunk.iter().enumerate() {
            sql.push(if n > 0 { ", (" } else { "(" })
                .bind(uscc.as_str())
                .push(", ")
                .bind(name.as_str())
                .push(", ")
                .bind(*town)
                .push(", ")
                .bind(industry.as_str())
                .push(", ")
                .bind(class.as_str())
                .push(", ")
                .bind(items.as_str())
                .push(", ")
                .bind(now)
                .push(")");
        }
        sql.push(
            " ON CONFLICT (uscc) DO UPDATE SET name = excluded.name, region_id = excluded.region_id,
              industry = excluded.industry, credit_class = excluded.credit_class, items = excluded.items,
              updated_at = excluded.updated_at",
        );
        sql.execute(tx.conn()).await?;
    }
    report.updated = good.iter().filter(|g| known.contains(&g.0)).count();
    report.inserted = good.len() - report.updated;
    crate::audit::record(
        &mut tx,
        actor,
        "import",
        "inspection_entities",
        None,
        json!({ "inserted": report.inserted, "updated": report.updated }),
    )
    .await?;
    tx.commit().await?;
    Ok(report)
}

/// Entities of the register with their town, in USCC order; optionally of one town or
/// industry. The register is public reference data within the city.
pub async fn register(
    store: &Store,
    town: Option<i64>,
    industry: Option<&str>,
) -> Result<Vec<(Entity, i64)>> {
    let mut sql = Sql::new(
        "SELECT e.uscc, e.name, r.name AS town, e.region_id, e.industry, e.credit_class, e.items
         FROM inspection_entities e JOIN regions r ON r.id = e.region_id WHERE 1 = 1",
    );
    if let Some(t) = town {
        sql.push(" AND e.region_id = ").bind(t);
    }
    if let Some(i) = industry {
        sql.push(" AND e.industry = ").bind(i);
    }
    sql.push(" ORDER BY e.uscc");
    sql.fetch_all(&mut *store.conn().await?)
        .await?
        .iter()
        .map(|r| {
            Ok((
                Entity {
                    uscc: r.try_get("uscc")?,
                    name: r.try_get("name")?,
                    town: r.try_get("town")?,
                    industry: r.try_get("industry")?,
                    credit_class: r.try_get("credit_class")?,
                    items: list_cell(&r.try_get::<String, _>("items")?),
                },
                r.try_get("region_id")?,
            ))
        })
        .collect()
}

/// Every entity's list as of `on`, from two grouped queries (cases by party USCC, inspections
/// that found something), not one per entity.
pub async fn lists(store: &Store, entities: &[Entity], on: NaiveDate) -> Result<Vec<List>> {
    let since = on
        .checked_sub_months(Months::new(LOOKBACK_MONTHS))
        .unwrap_or(on)
        .to_string();
    let until = on.to_string();
    let cased: HashSet<String> = sqlx::query_scalar(
        "SELECT DISTINCT p.uscc FROM case_parties p JOIN cases c ON c.id = p.case_id
         WHERE p.uscc IS NOT NULL AND c.filed_on >= $1 AND c.filed_on <= $2",
    )
    .bind(&since)
    .bind(&until)
    .fetch_all(store.pool())
    .await?
    .into_iter()
    .collect();
    let found: HashSet<String> = sqlx::query_scalar(
        "SELECT DISTINCT entity_uscc FROM inspections
         WHERE outcome <> 'no_problem' AND inspected_on >= $1 AND inspected_on <= $2",
    )
    .bind(&since)
    .bind(&until)
    .fetch_all(store.pool())
    .await?
    .into_iter()
    .collect();
    Ok(entities
        .iter()
        .map(|e| {
            list_of(
                &e.credit_class,
                cased.contains(&e.uscc),
                found.contains(&e.uscc),
            )
        })
        .collect())
}

/// The three lists as of `on`: each list's entities (register order).
pub async fn three_lists(store: &Store, on: NaiveDate) -> Result<BTreeMap<List, Vec<Entity>>> {
    let all: Vec<Entity> = register(store, None, None)
        .await?
        .into_iter()
        .map(|(e, _)| e)
        .collect();
    let of = lists(store, &all, on).await?;
    let mut out: BTreeMap<List, Vec<Entity>> = List::ALL.iter().map(|l| (*l, Vec::new())).collect();
    for (e, l) in all.into_iter().zip(of) {
        out.entry(l).or_default().push(e);
    }
    Ok(out)
}

/// The register as .xlsx in the import columns (with none, the template).
pub async fn export(store: &Store) -> Result<Vec<u8>> {
    let all = register(store, None, None).await?;
    let xl = |e: rust_xlsxwriter::XlsxError| Error::invalid("xlsx", e.to_string());
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    sheet.set_name("检查对象名录库").map_err(xl)?;
    for (c, h) in (0u16..).zip(HEADERS) {
        sheet.write_string(0, c, h).map_err(xl)?;
    }
    for (r, (e, _)) in (1u32..).zip(&all) {
        let items = e.items.join("、");
        let cells = [
            &e.uscc,
            &e.name,
            &e.town,
            &e.industry,
            &e.credit_class,
            &items,
        ];
        for (c, v) in (0u16..).zip(cells) {
            sheet.write_string(r, c, v).map_err(xl)?;
        }
    }
    book.save_to_buffer().map_err(xl)
}

// ---- conflicts of interest (回避) ----

/// Records that officer `user_id` is related to entity `uscc` (kin, former employer, …), so
/// draws never send them there. The officer must be within the actor's scope.
pub async fn record_conflict(
    store: &Store,
    actor: &Actor,
    user_id: i64,
    uscc: &str,
    relation: &str,
) -> Result<i64> {
    actor.require(Permission::SupervisionManage)?;
    let uscc = Uscc::parse(uscc.trim())
        .map_err(|e| {
            Error::invalid(
                "entity_uscc",
                format!("统一社会信用代码无效：{}", e.message_zh()),
            )
        })?
        .to_string();
    let relation = text("relation", "关系", relation, 100)?;
    let holder = crate::org::service::user(store, actor, user_id)
        .await
        .map_err(Error::missing_as(
            "user_id",
            "请选择您管理范围内的执法人员。",
        ))?;
    let mut tx = store.begin().await?;
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO officer_conflicts (user_id, entity_uscc, relation, region_id, department_id, created_by, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
    )
    .bind(user_id)
    .bind(&uscc)
    .bind(&relation)
    .bind(holder.region_id)
    .bind(holder.department_id)
    .bind(actor.user_id)
    .bind(now_ms())
    .fetch_one(tx.conn())
    .await
    .map_err(|e| match fazhi_store::StoreError::from(e) {
        e if e.is_unique_violation() => Error::invalid("entity_uscc", "该执法人员与该对象的关系已登记。"),
        e => e.into(),
    })?;
    crate::audit::record(
        &mut tx,
        actor,
        "create",
        "officer_conflict",
        Some(id.to_string()),
        json!({ "user_id": user_id, "entity": uscc, "relation": relation }),
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

/// Recorded relations within the actor's scope: (officer, USCC, relation).
pub async fn conflicts(store: &Store, actor: &Actor) -> Result<Capped<(String, String, String)>> {
    actor.require(Permission::SupervisionManage)?;
    let mut sql = Sql::new(
        "SELECT u.display_name, c.entity_uscc, c.relation FROM officer_conflicts c
         JOIN users u ON u.id = c.user_id WHERE ",
    );
    sql.append(actor.scope.condition("c", RECORD_COLUMNS))
        .push(" ORDER BY c.id DESC LIMIT 501");
    sql.fetch_all(&mut *store.conn().await?)
        .await?
        .iter()
        .map(|r| {
            Ok((
                r.try_get("display_name")?,
                r.try_get("entity_uscc")?,
                r.try_get("relation")?,
            ))
        })
        .collect::<Result<Vec<_>>>()
        .map(|rows| Capped::new(rows, 500))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_lists_follow_class_and_record() {
        assert_eq!(list_of("A", false, false), List::LeaveAlone);
        assert_eq!(list_of("A", false, true), List::RandomChecks);
        assert_eq!(list_of("A", true, false), List::KeySupervision);
        assert_eq!(list_of("B", false, false), List::RandomChecks);
        assert_eq!(list_of("C", false, false), List::RandomChecks);
        assert_eq!(list_of("D", false, false), List::KeySupervision);
    }
}
