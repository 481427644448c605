//! Catalog operations: reading the lists in force on a day, importing versions, delegating
//! items to towns. The catalog is public reference data: every signed-in user reads it; changing
//! it needs `catalog.manage`, and every change is on the audit log.

use std::collections::HashMap;

use chrono::NaiveDate;

use fazhi_store::{Row, Store, now_ms};
use serde_json::json;

use super::repo::{self, CatalogFilter};
use super::rules::{RawRow, check_row};
use super::{CatalogKind, Delegation, EnforcementItem, ImportReport, ItemVersion, RowError};
use crate::access::{Actor, Permission};
use crate::{Error, Result};

pub const PAGE: i64 = 50;

/// One page of the list `filter` in force on `on`, by code; the next page starts after the
/// returned code.
pub async fn list(
    store: &Store,
    filter: &CatalogFilter,
    on: NaiveDate,
    after: Option<&str>,
) -> Result<(Vec<EnforcementItem>, Option<String>)> {
    let mut items = repo::in_force(&mut *store.conn().await?, filter, on, after, PAGE + 1).await?;
    let next = if items.len() as i64 > PAGE {
        items.truncate(PAGE as usize);
        items.last().map(|i| i.code.clone())
    } else {
        None
    };
    Ok((items, next))
}

/// Everything in force on `on`, for an export (bounded by the catalog's size, thousands).
pub async fn all_in_force(
    store: &Store,
    filter: &CatalogFilter,
    on: NaiveDate,
) -> Result<Vec<EnforcementItem>> {
    repo::in_force(&mut *store.conn().await?, filter, on, None, 1_000_000).await
}

/// The items department `department_id` may act on on `on`: a town's office those delegated
/// to its town that day, any other department its own items — what the filing form offers.
pub async fn items_for_office(
    store: &Store,
    department_id: i64,
    on: NaiveDate,
) -> Result<Vec<EnforcementItem>> {
    let mut conn = store.conn().await?;
    let town: Option<i64> = sqlx::query_scalar(
        "SELECT r.id FROM departments d JOIN regions r ON r.id = d.region_id WHERE d.id = $1 AND r.kind = 'town'",
    )
    .bind(department_id)
    .fetch_optional(&mut *conn)
    .await?;
    let filter = match town {
        Some(town) => CatalogFilter {
            list: Some(CatalogKind::Town),
            town_id: Some(town),
            ..CatalogFilter::default()
        },
        None => CatalogFilter {
            department_id: Some(department_id),
            ..CatalogFilter::default()
        },
    };
    repo::in_force(&mut conn, &filter, on, None, 5_000).await
}

/// The code of the item a person typed in the filing form's picker: a code; a code followed by
/// its name (as the picker's list shows it); or the exact name of an item this office may
/// handle on `on`. Anything else comes back as typed, for the catalog check to refuse.
pub async fn resolve_code(
    store: &Store,
    department_id: i64,
    typed: &str,
    on: NaiveDate,
) -> Result<String> {
    let typed = typed.trim();
    let first = typed.split_whitespace().next().unwrap_or("");
    let known: Option<i64> =
        sqlx::query_scalar("SELECT 1 FROM enforcement_items WHERE code = $1 LIMIT 1")
            .bind(first)
            .fetch_optional(store.pool())
            .await?;
    if known.is_some() {
        return Ok(first.to_string());
    }
    let named: Vec<String> = items_for_office(store, department_id, on)
        .await?
        .into_iter()
        .filter(|i| i.name == typed)
        .map(|i| i.code)
        .collect();
    match named.as_slice() {
        [one] => Ok(one.clone()),
        [] => Ok(typed.to_string()),
        several => Err(Error::invalid(
            "item_code",
            format!(
                "名称为“{typed}”的事项有 {} 项（{}），请选择其中一项的编码。",
                several.len(),
                several.join("、")
            ),
        )),
    }
}

/// An item's versions (oldest first), the one in force on `on`, and its delegations.
pub async fn item(
    store: &Store,
    code: &str,
    on: NaiveDate,
) -> Result<(
    Vec<EnforcementItem>,
    Option<EnforcementItem>,
    Vec<Delegation>,
)> {
    let mut conn = store.conn().await?;
    let versions = repo::versions(&mut conn, code).await?;
    if versions.is_empty() {
        return Err(Error::NotFound);
    }
    let day = on.to_string();
    let current = versions
        .iter()
        .rev()
        .find(|v| v.effective_from <= day)
        .filter(|v| !v.repealed)
        .cloned();
    let delegations = repo::delegations(&mut conn, code).await?;
    Ok((versions, current, delegations))
}

fn differs(old: &EnforcementItem, new: &ItemVersion) -> bool {
    old.name != new.name
        || old.kind != new.kind
        || old.catalog != new.catalog
        || old.law != new.law
        || old.article != new.article
        || old.basis_text != new.basis_text
        || old.department_id != new.department_id
        || old.repealed != new.repealed
}

/// Imports item versions. Every row is checked first; if any is bad, nothing is written and
/// every bad row is reported with its row number and reason. A row whose code and effective
/// date exist already corrects that version (or is unchanged); any other row adds a version.
pub async fn import(
    store: &Store,
    actor: &Actor,
    rows: &[(usize, RawRow)],
) -> Result<ImportReport> {
    actor.require(Permission::CatalogManage)?;
    let departments: HashMap<String, (i64, i64)> =
        sqlx::query("SELECT id, name, region_id FROM departments")
            .fetch_all(store.pool())
            .await?
            .iter()
            .map(|r| {
                Ok((
                    r.try_get::<String, _>("name")?,
                    (r.try_get("id")?, r.try_get("region_id")?),
                ))
            })
            .collect::<Result<_>>()?;
    let mut report = ImportReport::default();
    let mut valid: Vec<ItemVersion> = Vec::new();
    let mut seen: HashMap<(String, NaiveDate), usize> = HashMap::new();
    for (row, raw) in rows {
        match check_row(raw, |name| departments.get(name).map(|d| d.0)) {
            Ok(v) => {
                if let Some(first) = seen.insert((v.code.clone(), v.effective_from), *row) {
                    report.errors.push(RowError {
                        row: *row,
                        reason: format!(
                            "事项编码 {} 与第 {first} 行的生效日期相同，同一版本只能出现一次",
                            v.code
                        ),
                    });
                } else {
                    valid.push(v);
                }
            }
            Err(reason) => report.errors.push(RowError { row: *row, reason }),
        }
    }
    if !report.errors.is_empty() {
        report.rejected = report.errors.len();
        return Ok(report);
    }
    let region_of: HashMap<i64, i64> = departments
        .values()
        .map(|(id, region)| (*id, *region))
        .collect();
    let mut tx = store.begin().await?;
    let codes: Vec<&str> = valid.iter().map(|v| v.code.as_str()).collect();
    let existing: HashMap<(String, String), EnforcementItem> = repo::versions_of(tx.conn(), &codes)
        .await?
        .into_iter()
        .map(|i| ((i.code.clone(), i.effective_from.clone()), i))
        .collect();
    let mut changed = Vec::new();
    for v in &valid {
        let region = region_of.get(&v.department_id).copied().unwrap_or_default();
        match existing.get(&(v.code.clone(), v.effective_from.to_string())) {
            Some(old) if !differs(old, v) => report.unchanged += 1,
            Some(old) => {
                repo::update(tx.conn(), old.id, v, region).await?;
                report.updated += 1;
                changed.push(format!("{}@{}", v.code, v.effective_from));
            }
            None => {
                repo::insert(tx.conn(), v, region, actor.user_id).await?;
                report.inserted += 1;
                changed.push(format!("{}@{}", v.code, v.effective_from));
            }
        }
    }
    if report.inserted + report.updated > 0 {
        crate::audit::record(
            &mut tx,
            actor,
            "import",
            "enforcement_catalog",
            None,
            json!({ "inserted": report.inserted, "updated": report.updated,
                    "unchanged": report.unchanged, "versions": changed }),
        )
        .await?;
    }
    tx.commit().await?;
    Ok(report)
}

/// Delegates an item to towns from a date (赋权). Towns that already hold it from that date are
/// left as they are. Returns how many delegations were added.
pub async fn delegate(
    store: &Store,
    actor: &Actor,
    code: &str,
    towns: &[i64],
    from: NaiveDate,
) -> Result<usize> {
    actor.require(Permission::CatalogManage)?;
    let (_, current, _) = item(store, code, from).await?;
    if current.is_none() {
        return Err(Error::invalid(
            "effective_from",
            format!("事项 {code} 在 {from} 不在目录中（未生效或已废止），不能赋权。"),
        ));
    }
    if towns.is_empty() {
        return Err(Error::invalid("towns", "请至少选择一个镇乡（街道）。"));
    }
    let mut tx = store.begin().await?;
    let mut added = 0;
    for town in towns {
        let kind: Option<String> = sqlx::query_scalar("SELECT kind FROM regions WHERE id = $1")
            .bind(*town)
            .fetch_optional(tx.conn())
            .await?;
        if kind.as_deref() != Some("town") {
            return Err(Error::invalid(
                "towns",
                format!("区域 {town} 不是镇乡（街道）。"),
            ));
        }
        let rows = sqlx::query(
            "INSERT INTO delegations (item_code, town_id, effective_from, created_by, created_at) VALUES ($1, $2, $3, $4, $5)
             ON CONFLICT (item_code, town_id, effective_from) DO NOTHING",
        )
        .bind(code)
        .bind(*town)
        .bind(from.to_string())
        .bind(actor.user_id)
        .bind(now_ms())
        .execute(tx.conn())
        .await?
        .rows_affected();
        added += rows as usize;
    }
    crate::audit::record(
        &mut tx,
        actor,
        "create",
        "delegation",
        Some(code.to_string()),
        json!({ "towns": towns, "effective_from": from.to_string(), "added": added }),
    )
    .await?;
    tx.commit().await?;
    Ok(added)
}

/// Ends a delegation: the town no longer holds the item after `until`.
pub async fn end_delegation(store: &Store, actor: &Actor, id: i64, until: NaiveDate) -> Result<()> {
    actor.require(Permission::CatalogManage)?;
    let mut tx = store.begin().await?;
    let from: Option<String> = sqlx::query_scalar(
        "SELECT effective_from FROM delegations WHERE id = $1 AND effective_until IS NULL",
    )
    .bind(id)
    .fetch_optional(tx.conn())
    .await?;
    let from = from.ok_or(Error::NotFound)?;
    if until.to_string() < from {
        return Err(Error::invalid("until", "终止日期不能早于赋权生效日期。"));
    }
    sqlx::query("UPDATE delegations SET effective_until = $1 WHERE id = $2")
        .bind(until.to_string())
        .bind(id)
        .execute(tx.conn())
        .await?;
    crate::audit::record(
        &mut tx,
        actor,
        "update",
        "delegation",
        Some(id.to_string()),
        json!({ "effective_until": until.to_string() }),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// The list `filter` in force on `on` as .xlsx, in the import template's columns. Audited.
pub async fn export(
    store: &Store,
    actor: &Actor,
    filter: &CatalogFilter,
    on: NaiveDate,
) -> Result<Vec<u8>> {
    let items = all_in_force(store, filter, on).await?;
    let bytes = super::xlsx::export(&items)?;
    let mut tx = store.begin().await?;
    crate::audit::record(
        &mut tx,
        actor,
        "export",
        "enforcement_catalog",
        None,
        json!({ "rows": items.len(), "on": on.to_string(), "list": filter.list.map(|l| l.code()),
                "department_id": filter.department_id, "town_id": filter.town_id, "q": filter.q }),
    )
    .await?;
    tx.commit().await?;
    Ok(bytes)
}
