//! Joint-inspection scenarios (综合查一次清单, e.g. 大型商超, 道路运输): the kinds of entity a
//! scenario applies to, the items inspected and the departments that inspect together. Kept as
//! data, imported and exported as .xlsx, published on a public list; their counts are the
//! report's "40余张清单、304项事项、18家执法单位" (FIGURES 一(二)3).

use std::collections::{BTreeMap, BTreeSet, HashMap};

use fazhi_store::{Row, Store, now_ms};
use rust_xlsxwriter::{Workbook, XlsxError};
use serde::Serialize;
use serde_json::json;

use crate::access::{Actor, Permission};
use crate::xlsx::{ImportReport, RowError, list_cell};
use crate::{Error, Result};

/// The template's columns.
pub const HEADERS: [&str; 4] = [
    "清单名称",
    "适用对象类型",
    "检查事项编码（以顿号分隔）",
    "参与执法单位（以顿号分隔）",
];

#[derive(Clone, Debug, Serialize)]
pub struct Scenario {
    pub id: i64,
    pub name: String,
    pub entity_kinds: String,
    pub items: Vec<String>,
    pub departments: Vec<String>,
}

/// Imports scenarios by name (a name already there is replaced); every row is checked first
/// and with any rejected row nothing is written.
pub async fn import(
    store: &Store,
    actor: &Actor,
    rows: &[(usize, Vec<String>)],
) -> Result<ImportReport> {
    actor.require(Permission::CatalogManage)?;
    let items = crate::enforcement::catalog::repo::codes(&mut *store.conn().await?).await?;
    let departments: HashMap<String, i64> = sqlx::query("SELECT id, name FROM departments")
        .fetch_all(store.pool())
        .await?
        .iter()
        .map(|r| Ok((r.try_get("name")?, r.try_get("id")?)))
        .collect::<Result<_>>()?;
    let mut report = ImportReport::default();
    let mut scenarios: BTreeMap<String, (usize, String, Vec<String>, Vec<i64>)> = BTreeMap::new();
    for (row, raw) in rows {
        let cell = |i: usize| raw.get(i).map(|s| s.trim()).unwrap_or("");
        let mut problems: Vec<String> = Vec::new();
        let name = cell(0).to_string();
        if name.is_empty() || name.chars().count() > 100 {
            problems.push("清单名称应为 1 至 100 个字".into());
        }
        let kinds = cell(1).to_string();
        if kinds.chars().count() > 200 {
            problems.push("适用对象类型不超过 200 字".into());
        }
        let codes = list_cell(cell(2));
        if codes.is_empty() {
            problems.push("请填写检查事项编码".into());
        }
        for c in codes.iter().filter(|c| !items.contains(*c)) {
            problems.push(format!("事项编码 {c} 不在执法事项目录中"));
        }
        let names = list_cell(cell(3));
        let mut ids = Vec::new();
        for n in &names {
            match departments.get(n) {
                Some(id) => ids.push(*id),
                None => problems.push(format!("没有名为“{n}”的部门")),
            }
        }
        if names.len() < 2 {
            problems.push("联合检查至少需要两家执法单位".into());
        }
        if let Some((first, ..)) = scenarios.get(&name) {
            problems.push(format!("清单名称与第 {first} 行重复"));
        }
        if problems.is_empty() {
            scenarios.insert(name, (*row, kinds, codes, ids));
        } else {
            report.errors.push(RowError {
                row: *row,
                reason: problems.join("；"),
            });
        }
    }
    if !report.errors.is_empty() {
        report.rejected = report.errors.len();
        return Ok(report);
    }
    let mut tx = store.begin().await?;
    for (name, (_, kinds, codes, ids)) in &scenarios {
        let existing: Option<i64> =
            sqlx::query_scalar("SELECT id FROM joint_scenarios WHERE name = $1")
                .bind(name)
                .fetch_optional(tx.conn())
                .await?;
        let id = match existing {
            Some(id) => {
                sqlx::query(
                    "UPDATE joint_scenarios SET entity_kinds = $1, items = $2, updated_at = $3 WHERE id = $4",
                )
                .bind(kinds)
                .bind(codes.join("、"))
                .bind(now_ms())
                .bind(id)
                .execute(tx.conn())
                .await?;
                sqlx::query("DELETE FROM joint_scenario_departments WHERE scenario_id = $1")
                    .bind(id)
                    .execute(tx.conn())
                    .await?;
                report.updated += 1;
                id
            }
            None => {
                report.inserted += 1;
                sqlx::query_scalar(
                    "INSERT INTO joint_scenarios (name, entity_kinds, items, updated_at) VALUES ($1, $2, $3, $4) RETURNING id",
                )
                .bind(name)
                .bind(kinds)
                .bind(codes.join("、"))
                .bind(now_ms())
                .fetch_one(tx.conn())
                .await?
            }
        };
        for d in ids {
            sqlx::query(
                "INSERT INTO joint_scenario_departments (scenario_id, department_id) VALUES ($1, $2)",
            )
            .bind(id)
            .bind(*d)
            .execute(tx.conn())
            .await?;
        }
    }
    crate::audit::record(
        &mut tx,
        actor,
        "import",
        "joint_scenarios",
        None,
        json!({ "inserted": report.inserted, "updated": report.updated }),
    )
    .await?;
    tx.commit().await?;
    Ok(report)
}

/// Every scenario (published reference data: no sign-in, no scope), by name.
pub async fn list(store: &Store) -> Result<Vec<Scenario>> {
    let mut conn = store.conn().await?;
    let mut by: BTreeMap<i64, Scenario> = BTreeMap::new();
    for r in sqlx::query("SELECT id, name, entity_kinds, items FROM joint_scenarios")
        .fetch_all(&mut *conn)
        .await?
    {
        let id: i64 = r.try_get("id")?;
        by.insert(
            id,
            Scenario {
                id,
                name: r.try_get("name")?,
                entity_kinds: r.try_get("entity_kinds")?,
                items: list_cell(&r.try_get::<String, _>("items")?),
                departments: Vec::new(),
            },
        );
    }
    for r in sqlx::query(
        "SELECT sd.scenario_id, d.name FROM joint_scenario_departments sd
         JOIN departments d ON d.id = sd.department_id",
    )
    .fetch_all(&mut *conn)
    .await?
    {
        if let Some(s) = by.get_mut(&r.try_get::<i64, _>("scenario_id")?) {
            s.departments.push(r.try_get("name")?);
        }
    }
    let mut all: Vec<Scenario> = by.into_values().collect();
    // Sorted here, not by the database: PostgreSQL's collation would order Chinese differently.
    for s in &mut all {
        s.departments.sort();
    }
    all.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(all)
}

/// (scenarios, distinct items, distinct departments): 清单、事项、执法单位.
pub fn counts(all: &[Scenario]) -> (usize, usize, usize) {
    let items: BTreeSet<&String> = all.iter().flat_map(|s| &s.items).collect();
    let departments: BTreeSet<&String> = all.iter().flat_map(|s| &s.departments).collect();
    (all.len(), items.len(), departments.len())
}

fn xl(e: XlsxError) -> Error {
    Error::invalid("xlsx", e.to_string())
}

/// Every scenario in the import columns (with none, the template).
pub async fn export(store: &Store) -> Result<Vec<u8>> {
    let all = list(store).await?;
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    sheet.set_name("综合查一次清单").map_err(xl)?;
    for (c, h) in (0u16..).zip(HEADERS) {
        sheet.write_string(0, c, h).map_err(xl)?;
    }
    for (r, s) in (1u32..).zip(&all) {
        let cells = [
            s.name.clone(),
            s.entity_kinds.clone(),
            s.items.join("、"),
            s.departments.join("、"),
        ];
        for (c, v) in (0u16..).zip(cells) {
            sheet.write_string(r, c, v).map_err(xl)?;
        }
    }
    book.save_to_buffer().map_err(xl)
}
