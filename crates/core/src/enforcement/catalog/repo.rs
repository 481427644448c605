//! The catalog's SQL.

use chrono::NaiveDate;
use fazhi_store::{DbRow, Row, Sql, flag, now_ms};
use sqlx::AnyConnection;

use super::{CatalogKind, Delegation, EnforcementItem, ItemKind, ItemVersion};
use crate::Result;

const COLUMNS: &str = "i.id, i.code, i.name, i.kind, i.catalog, i.law, i.article, i.basis_text, \
    i.department_id, d.name AS department_name, i.effective_from, i.repealed";

fn item(row: &DbRow) -> Result<EnforcementItem> {
    let kind: String = row.try_get("kind")?;
    let catalog: String = row.try_get("catalog")?;
    Ok(EnforcementItem {
        id: row.try_get("id")?,
        code: row.try_get("code")?,
        name: row.try_get("name")?,
        kind: ItemKind::parse(&kind).unwrap_or(ItemKind::Other),
        catalog: CatalogKind::parse(&catalog).unwrap_or(CatalogKind::Professional),
        law: row.try_get("law")?,
        article: row.try_get("article")?,
        basis_text: row.try_get("basis_text")?,
        department_id: row.try_get("department_id")?,
        department_name: row.try_get("department_name")?,
        effective_from: row.try_get("effective_from")?,
        repealed: flag(row.try_get("repealed")?),
    })
}

#[derive(Clone, Debug, Default)]
pub struct CatalogFilter {
    pub list: Option<CatalogKind>,
    pub department_id: Option<i64>,
    /// For the town list: one town (else any town).
    pub town_id: Option<i64>,
    /// Part of the code or the name.
    pub q: Option<String>,
}

/// Items in force on `on` (the latest version that took effect on or before it, unless that
/// version repeals the item), ordered by code, after `after`.
pub async fn in_force(
    conn: &mut AnyConnection,
    filter: &CatalogFilter,
    on: NaiveDate,
    after: Option<&str>,
    limit: i64,
) -> Result<Vec<EnforcementItem>> {
    let day = on.to_string();
    let mut sql = Sql::new(&format!(
        "SELECT {COLUMNS} FROM enforcement_items i JOIN departments d ON d.id = i.department_id
         WHERE i.repealed = 0 AND i.effective_from <= "
    ));
    sql.bind(day.as_str())
        .push(" AND NOT EXISTS (SELECT 1 FROM enforcement_items j WHERE j.code = i.code AND j.effective_from > i.effective_from AND j.effective_from <= ")
        .bind(day.as_str())
        .push(")");
    match filter.list {
        Some(CatalogKind::Comprehensive) => {
            sql.push(" AND i.catalog = 'comprehensive'");
        }
        Some(CatalogKind::Professional) => {
            sql.push(" AND i.catalog = 'professional'");
        }
        Some(CatalogKind::Town) => {
            sql.push(" AND EXISTS (SELECT 1 FROM delegations g WHERE g.item_code = i.code AND g.effective_from <= ")
                .bind(day.as_str())
                .push(" AND (g.effective_until IS NULL OR g.effective_until >= ")
                .bind(day.as_str())
                .push(")");
            if let Some(town) = filter.town_id {
                sql.push(" AND g.town_id = ").bind(town);
            }
            sql.push(")");
        }
        Some(CatalogKind::Master) | None => {}
    }
    if let Some(dept) = filter.department_id {
        sql.push(" AND i.department_id = ").bind(dept);
    }
    if let Some(q) = filter.q.as_deref().map(str::trim).filter(|q| !q.is_empty()) {
        let like = format!("%{q}%");
        sql.push(" AND (i.code LIKE ")
            .bind(like.as_str())
            .push(" OR i.name LIKE ")
            .bind(like)
            .push(")");
    }
    if let Some(after) = after {
        sql.push(" AND i.code > ").bind(after);
    }
    sql.push(" ORDER BY i.code LIMIT ").push(&limit.to_string());
    sql.fetch_all(conn).await?.iter().map(item).collect()
}

/// The code of every item in the catalog (any version), for checking imported rows against.
pub async fn codes(conn: &mut AnyConnection) -> Result<std::collections::HashSet<String>> {
    Ok(
        sqlx::query_scalar::<_, String>("SELECT DISTINCT code FROM enforcement_items")
            .fetch_all(conn)
            .await?
            .into_iter()
            .collect(),
    )
}

/// Every version of one item, oldest first.
pub async fn versions(conn: &mut AnyConnection, code: &str) -> Result<Vec<EnforcementItem>> {
    let mut sql = Sql::new(&format!(
        "SELECT {COLUMNS} FROM enforcement_items i JOIN departments d ON d.id = i.department_id WHERE i.code = "
    ));
    sql.bind(code).push(" ORDER BY i.effective_from");
    sql.fetch_all(conn).await?.iter().map(item).collect()
}

/// The existing versions with the given codes, for comparing an import against.
pub async fn versions_of(conn: &mut AnyConnection, codes: &[&str]) -> Result<Vec<EnforcementItem>> {
    let mut out = Vec::new();
    for chunk in codes.chunks(500) {
        let mut sql = Sql::new(&format!(
            "SELECT {COLUMNS} FROM enforcement_items i JOIN departments d ON d.id = i.department_id WHERE i.code IN ("
        ));
        sql.bind_list(chunk.iter().copied());
        sql.push(")");
        for row in sql.fetch_all(conn).await? {
            out.push(item(&row)?);
        }
    }
    Ok(out)
}

pub async fn insert(
    conn: &mut AnyConnection,
    v: &ItemVersion,
    region_id: i64,
    actor: Option<i64>,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO enforcement_items (code, name, kind, catalog, law, article, basis_text, department_id,
            region_id, effective_from, repealed, created_by, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)",
    )
    .bind(&v.code)
    .bind(&v.name)
    .bind(v.kind.code())
    .bind(v.catalog.code())
    .bind(&v.law)
    .bind(&v.article)
    .bind(&v.basis_text)
    .bind(v.department_id)
    .bind(region_id)
    .bind(v.effective_from.to_string())
    .bind(i64::from(v.repealed))
    .bind(actor)
    .bind(now_ms())
    .execute(conn)
    .await?;
    Ok(())
}

pub async fn update(
    conn: &mut AnyConnection,
    id: i64,
    v: &ItemVersion,
    region_id: i64,
) -> Result<()> {
    sqlx::query(
        "UPDATE enforcement_items SET name = $1, kind = $2, catalog = $3, law = $4, article = $5, basis_text = $6,
            department_id = $7, region_id = $8, repealed = $9, version = version + 1 WHERE id = $10",
    )
    .bind(&v.name)
    .bind(v.kind.code())
    .bind(v.catalog.code())
    .bind(&v.law)
    .bind(&v.article)
    .bind(&v.basis_text)
    .bind(v.department_id)
    .bind(region_id)
    .bind(i64::from(v.repealed))
    .bind(id)
    .execute(conn)
    .await?;
    Ok(())
}

pub async fn delegations(conn: &mut AnyConnection, code: &str) -> Result<Vec<Delegation>> {
    let rows = sqlx::query(
        "SELECT g.id, g.item_code, g.town_id, r.name AS town_name, g.effective_from, g.effective_until
         FROM delegations g JOIN regions r ON r.id = g.town_id WHERE g.item_code = $1 ORDER BY r.stat_code, g.effective_from",
    )
    .bind(code)
    .fetch_all(conn)
    .await?;
    rows.iter()
        .map(|r| {
            Ok(Delegation {
                id: r.try_get("id")?,
                item_code: r.try_get("item_code")?,
                town_id: r.try_get("town_id")?,
                town_name: r.try_get("town_name")?,
                effective_from: r.try_get("effective_from")?,
                effective_until: r.try_get("effective_until")?,
            })
        })
        .collect()
}
