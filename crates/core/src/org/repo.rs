//! The organisation's SQL. Functions take a connection so callers decide the transaction.

use fazhi_store::scope::ScopeColumns;
use fazhi_store::{DataScope, DbRow, Row, Scope, Sql, flag};
use sqlx::AnyConnection;

use crate::access::{AdminKind, Permission};
use crate::org::model::*;
use crate::{Error, Result};

pub const DEPARTMENT_SCOPE: ScopeColumns = ScopeColumns {
    region: "region_id",
    department: "id",
    owner: "created_by",
};

pub const USER_SCOPE: ScopeColumns = ScopeColumns {
    region: "region_id",
    department: "department_id",
    owner: "created_by",
};

fn region(row: &DbRow) -> Result<Region> {
    let kind: String = row.try_get("kind")?;
    Ok(Region {
        id: row.try_get("id")?,
        parent_id: row.try_get("parent_id")?,
        kind: RegionKind::parse(&kind).unwrap_or(RegionKind::Village),
        name: row.try_get("name")?,
        division_code: row.try_get("division_code")?,
        stat_code: row.try_get("stat_code")?,
        path: row.try_get("path")?,
        version: row.try_get("version")?,
    })
}

const REGION_COLUMNS: &str = "id, parent_id, kind, name, division_code, stat_code, path, version";

pub async fn regions(conn: &mut AnyConnection) -> Result<Vec<Region>> {
    let rows = Sql::new(&format!(
        "SELECT {REGION_COLUMNS} FROM regions ORDER BY path"
    ))
    .fetch_all(conn)
    .await?;
    let mut list = rows.iter().map(region).collect::<Result<Vec<_>>>()?;
    list.sort_by_cached_key(|r| tree_order(&r.path));
    Ok(list)
}

/// A path (`/1/12/`) as numbers: sorted by it, a tree lists each node after its parent and
/// siblings in the order they were made (as text, /1/12/ came before /1/2/).
fn tree_order(path: &str) -> Vec<i64> {
    path.split('/').filter_map(|n| n.parse().ok()).collect()
}

pub async fn region_by_id(conn: &mut AnyConnection, id: i64) -> Result<Region> {
    let mut sql = Sql::new(&format!("SELECT {REGION_COLUMNS} FROM regions WHERE id = "));
    sql.bind(id);
    let row = sql.fetch_optional(conn).await?.ok_or(Error::NotFound)?;
    region(&row)
}

pub async fn region_by_stat_code(conn: &mut AnyConnection, code: &str) -> Result<Option<Region>> {
    let mut sql = Sql::new(&format!(
        "SELECT {REGION_COLUMNS} FROM regions WHERE stat_code = "
    ));
    sql.bind(code);
    sql.fetch_optional(conn)
        .await?
        .as_ref()
        .map(region)
        .transpose()
}

fn department(row: &DbRow) -> Result<Department> {
    Ok(Department {
        id: row.try_get("id")?,
        parent_id: row.try_get("parent_id")?,
        region_id: row.try_get("region_id")?,
        region_name: row.try_get("region_name")?,
        name: row.try_get("name")?,
        issuer_abbr: row.try_get("issuer_abbr")?,
        path: row.try_get("path")?,
        version: row.try_get("version")?,
    })
}

fn department_select(scope: &Scope) -> Sql {
    let mut sql = Sql::new(
        "SELECT d.id, d.parent_id, d.region_id, r.name AS region_name, d.name, d.issuer_abbr,
            d.path, d.version FROM departments d JOIN regions r ON r.id = d.region_id WHERE ",
    );
    sql.append(scope.condition("d", DEPARTMENT_SCOPE));
    sql
}

/// Department names by id, for showing records already read within a scope.
pub async fn department_names(
    conn: &mut AnyConnection,
    ids: impl IntoIterator<Item = i64>,
) -> Result<std::collections::HashMap<i64, String>> {
    let ids: Vec<i64> = ids.into_iter().collect();
    if ids.is_empty() {
        return Ok(std::collections::HashMap::new());
    }
    let mut sql = Sql::new("SELECT id, name FROM departments WHERE id IN (");
    sql.bind_list(ids);
    sql.push(")");
    sql.fetch_all(conn)
        .await?
        .iter()
        .map(|r| Ok((r.try_get("id")?, r.try_get("name")?)))
        .collect()
}

pub async fn departments(conn: &mut AnyConnection, scope: &Scope) -> Result<Vec<Department>> {
    let mut sql = department_select(scope);
    sql.push(" ORDER BY d.path");
    let rows = sql.fetch_all(conn).await?;
    let mut list = rows.iter().map(department).collect::<Result<Vec<_>>>()?;
    list.sort_by_cached_key(|d| tree_order(&d.path));
    Ok(list)
}

pub async fn department_by_id(
    conn: &mut AnyConnection,
    scope: &Scope,
    id: i64,
) -> Result<Department> {
    let mut sql = department_select(scope);
    sql.push(" AND d.id = ").bind(id);
    let row = sql.fetch_optional(conn).await?.ok_or(Error::NotFound)?;
    department(&row)
}

fn user(row: &DbRow) -> Result<User> {
    Ok(User {
        id: row.try_get("id")?,
        username: row.try_get("username")?,
        display_name: row.try_get("display_name")?,
        department_id: row.try_get("department_id")?,
        department_name: row.try_get("department_name")?,
        region_id: row.try_get("region_id")?,
        mobile_masked: row.try_get("mobile_masked")?,
        must_change_password: flag(row.try_get("must_change_password")?),
        locked_until: row.try_get("locked_until")?,
        disabled: flag(row.try_get("disabled")?),
        version: row.try_get("version")?,
        roles: Vec::new(),
    })
}

fn user_select(scope: &Scope) -> Sql {
    let mut sql = Sql::new(
        "SELECT u.id, u.username, u.display_name, u.department_id, d.name AS department_name,
            u.region_id, u.mobile_masked, u.must_change_password, u.locked_until, u.disabled, u.version
         FROM users u JOIN departments d ON d.id = u.department_id WHERE ",
    );
    sql.append(scope.condition("u", USER_SCOPE));
    sql
}

pub async fn users(
    conn: &mut AnyConnection,
    scope: &Scope,
    filter: &UserFilter,
    mobile_index: Option<String>,
    keyset: fazhi_store::page::Keyset,
) -> Result<fazhi_store::page::Page<User>> {
    let mut sql = user_select(scope);
    if let Some(index) = mobile_index {
        sql.push(" AND u.mobile_index = ").bind(index);
    }
    if let Some(q) = filter.q.as_deref().map(str::trim).filter(|q| !q.is_empty()) {
        let like = format!("%{q}%");
        sql.push(" AND (u.username LIKE ")
            .bind(like.as_str())
            .push(" OR u.display_name LIKE ")
            .bind(like)
            .push(")");
    }
    if let Some(d) = filter.department_id {
        sql.push(" AND u.department_id = ").bind(d);
    }
    keyset.apply(&mut sql, "u.id");
    let rows = sql.fetch_all(conn).await?;
    let mut items = rows.iter().map(user).collect::<Result<Vec<_>>>()?;
    attach_roles(conn, &mut items).await?;
    Ok(keyset.finish(items, |u| u.id))
}

pub async fn user_by_id(conn: &mut AnyConnection, scope: &Scope, id: i64) -> Result<User> {
    let mut sql = user_select(scope);
    sql.push(" AND u.id = ").bind(id);
    let row = sql.fetch_optional(conn).await?.ok_or(Error::NotFound)?;
    let mut items = vec![user(&row)?];
    attach_roles(conn, &mut items).await?;
    items.pop().ok_or(Error::NotFound)
}

/// Loads the roles of a page of users in one query.
async fn attach_roles(conn: &mut AnyConnection, users: &mut [User]) -> Result<()> {
    if users.is_empty() {
        return Ok(());
    }
    let mut sql = Sql::new(
        "SELECT ur.user_id, r.id, r.name, r.admin_kind FROM user_roles ur
         JOIN roles r ON r.id = ur.role_id WHERE ur.user_id IN (",
    );
    for (i, u) in users.iter().enumerate() {
        if i > 0 {
            sql.push(", ");
        }
        sql.bind(u.id);
    }
    sql.push(") ORDER BY r.id");
    for row in sql.fetch_all(conn).await? {
        let user_id: i64 = row.try_get("user_id")?;
        let kind: Option<String> = row.try_get("admin_kind")?;
        let role = RoleRef {
            id: row.try_get("id")?,
            name: row.try_get("name")?,
            admin_kind: kind.as_deref().and_then(AdminKind::parse),
        };
        if let Some(u) = users.iter_mut().find(|u| u.id == user_id) {
            u.roles.push(role);
        }
    }
    Ok(())
}

fn role(row: &DbRow, permissions: Vec<Permission>) -> Result<Role> {
    let kind: Option<String> = row.try_get("admin_kind")?;
    let scope: String = row.try_get("data_scope")?;
    Ok(Role {
        id: row.try_get("id")?,
        code: row.try_get("code")?,
        name: row.try_get("name")?,
        description: row.try_get("description")?,
        admin_kind: kind.as_deref().and_then(AdminKind::parse),
        data_scope: DataScope::parse(&scope).unwrap_or(DataScope::Own),
        permissions,
        builtin: flag(row.try_get("builtin")?),
        version: row.try_get("version")?,
    })
}

pub async fn roles(conn: &mut AnyConnection) -> Result<Vec<Role>> {
    let rows = sqlx::query(
        "SELECT id, code, name, description, admin_kind, data_scope, builtin, version
         FROM roles ORDER BY id",
    )
    .fetch_all(&mut *conn)
    .await?;
    let grants = sqlx::query("SELECT role_id, permission FROM role_permissions")
        .fetch_all(&mut *conn)
        .await?;
    rows.iter()
        .map(|row| {
            let id: i64 = row.try_get("id")?;
            let mut ps = Vec::new();
            for g in &grants {
                if g.try_get::<i64, _>("role_id")? == id
                    && let Some(p) = Permission::parse(&g.try_get::<String, _>("permission")?)
                {
                    ps.push(p);
                }
            }
            ps.sort();
            role(row, ps)
        })
        .collect()
}

pub async fn role_by_id(conn: &mut AnyConnection, id: i64) -> Result<Role> {
    roles(conn)
        .await?
        .into_iter()
        .find(|r| r.id == id)
        .ok_or(Error::NotFound)
}

pub async fn set_role_permissions(
    conn: &mut AnyConnection,
    role_id: i64,
    ps: &[Permission],
) -> Result<()> {
    sqlx::query("DELETE FROM role_permissions WHERE role_id = $1")
        .bind(role_id)
        .execute(&mut *conn)
        .await?;
    for p in ps {
        sqlx::query("INSERT INTO role_permissions (role_id, permission) VALUES ($1, $2)")
            .bind(role_id)
            .bind(p.code())
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}

/// Sets `path` of a freshly inserted tree row to its parent's path plus its own id.
pub async fn set_tree_path(
    conn: &mut AnyConnection,
    table: &'static str,
    id: i64,
    parent_path: Option<&str>,
) -> Result<String> {
    let path = format!("{}{id}/", parent_path.unwrap_or("/"));
    let mut sql = Sql::new(&format!("UPDATE {table} SET path = "));
    sql.bind(path.as_str()).push(" WHERE id = ").bind(id);
    sql.execute(conn).await?;
    Ok(path)
}

/// Moves a subtree: every path under `old` now starts with `new`.
pub async fn move_subtree(
    conn: &mut AnyConnection,
    table: &'static str,
    old: &str,
    new: &str,
) -> Result<()> {
    let mut sql = Sql::new(&format!("UPDATE {table} SET path = "));
    sql.bind(new)
        .push(" || substr(path, CAST(")
        .bind(i64::try_from(old.len() + 1).unwrap_or(i64::MAX))
        .push(" AS INTEGER)) WHERE path LIKE ")
        .bind(format!("{old}%"));
    sql.execute(conn).await?;
    Ok(())
}
