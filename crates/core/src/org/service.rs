//! Organisation operations. Each checks the actor's permission, reads through its data scope,
//! and writes its audit entry in the same transaction as the change.
//!
//! Long because regions, departments, users, roles and tokens share the scope and audit helpers here.

use fazhi_kernel::ids::Mobile;

use fazhi_store::page::{Keyset, Page};
use fazhi_store::{Store, expect_one_row, now_ms, sm3_hex};
use serde_json::json;

use crate::access::{Actor, AdminKind, Permission};
use crate::auth::password;
use crate::org::model::*;
use crate::org::{repo, rules};
use crate::vault::Keyring;
use crate::{Error, Result};

async fn record(
    tx: &mut fazhi_store::Tx,
    actor: &Actor,
    action: &str,
    object_type: &str,
    id: i64,
    detail: serde_json::Value,
) -> Result<()> {
    crate::audit::record(tx, actor, action, object_type, Some(id.to_string()), detail).await
}

// ---- regions: public reference data (division codes), readable by anyone with OrgRead ----

pub async fn regions(store: &Store, actor: &Actor) -> Result<Vec<Region>> {
    actor.require(Permission::OrgRead)?;
    repo::regions(&mut *store.conn().await?).await
}

/// The regions whose records the actor may see: a filter offers these, not the whole city
/// (a town's clerk sees the town and its villages).
pub async fn regions_in_scope(store: &Store, actor: &Actor) -> Result<Vec<Region>> {
    let all = regions(store, actor).await?;
    if actor.scope.kind == fazhi_store::DataScope::All {
        return Ok(all);
    }
    let root = actor.scope.region_path.as_str();
    Ok(all
        .into_iter()
        .filter(|r| r.path.starts_with(root))
        .collect())
}

pub async fn region(store: &Store, actor: &Actor, id: i64) -> Result<Region> {
    actor.require(Permission::OrgRead)?;
    repo::region_by_id(&mut *store.conn().await?, id).await
}

struct CleanRegion {
    kind: RegionKind,
    name: String,
    division_code: String,
    stat_code: Option<String>,
}

fn clean_region(input: &RegionInput) -> Result<CleanRegion> {
    let kind = rules::region_kind(&input.kind)?;
    let name = rules::text("name", "区域名称", &input.name, 64)?;
    let division_code = rules::division_code(&input.division_code)?;
    let stat_code = rules::stat_code(input.stat_code.as_deref(), kind, &division_code)?;
    Ok(CleanRegion {
        kind,
        name,
        division_code,
        stat_code,
    })
}

async fn check_region_parent(
    conn: &mut sqlx::AnyConnection,
    kind: RegionKind,
    parent_id: Option<i64>,
) -> Result<Option<Region>> {
    let parent = match parent_id {
        Some(p) => Some(
            repo::region_by_id(conn, p)
                .await
                .map_err(Error::missing_as("parent_id", "上级区域不存在。"))?,
        ),
        None => None,
    };
    if parent.as_ref().map(|p| p.kind) != kind.parent_kind() {
        let msg = match kind.parent_kind() {
            None => "市（县、区）不能有上级区域。".to_string(),
            Some(k) => format!("{}的上级区域应为{}。", kind.label_zh(), k.label_zh()),
        };
        return Err(Error::invalid("parent_id", msg));
    }
    Ok(parent)
}

pub async fn create_region(store: &Store, actor: &Actor, input: &RegionInput) -> Result<Region> {
    actor.require(Permission::OrgManage)?;
    let c = clean_region(input)?;
    let mut tx = store.begin().await?;
    let parent = check_region_parent(tx.conn(), c.kind, input.parent_id).await?;
    let now = now_ms();
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO regions (parent_id, kind, name, division_code, stat_code, path, created_by,
            created_at, updated_at) VALUES ($1, $2, $3, $4, $5, '', $6, $7, $7) RETURNING id",
    )
    .bind(input.parent_id)
    .bind(c.kind.code())
    .bind(&c.name)
    .bind(&c.division_code)
    .bind(&c.stat_code)
    .bind(actor.user_id)
    .bind(now)
    .fetch_one(tx.conn())
    .await
    .map_err(|e| Error::on_write("统计用区划代码")(e.into()))?;
    repo::set_tree_path(
        tx.conn(),
        "regions",
        id,
        parent.as_ref().map(|p| p.path.as_str()),
    )
    .await?;
    let region = repo::region_by_id(tx.conn(), id).await?;
    record(
        &mut tx,
        actor,
        "create",
        "region",
        id,
        json!({ "after": &region }),
    )
    .await?;
    tx.commit().await?;
    Ok(region)
}

pub async fn update_region(
    store: &Store,
    actor: &Actor,
    id: i64,
    version: i64,
    input: &RegionInput,
) -> Result<Region> {
    actor.require(Permission::OrgManage)?;
    let c = clean_region(input)?;
    let mut tx = store.begin().await?;
    let before = repo::region_by_id(tx.conn(), id).await?;
    let parent = check_region_parent(tx.conn(), c.kind, input.parent_id).await?;
    if let Some(p) = &parent
        && p.path.starts_with(&before.path)
    {
        return Err(Error::invalid(
            "parent_id",
            "不能把区域移到它自己的下级之下。",
        ));
    }
    let rows = sqlx::query(
        "UPDATE regions SET parent_id = $1, kind = $2, name = $3, division_code = $4,
            stat_code = $5, updated_at = $6, version = version + 1
         WHERE id = $7 AND version = $8",
    )
    .bind(input.parent_id)
    .bind(c.kind.code())
    .bind(&c.name)
    .bind(&c.division_code)
    .bind(&c.stat_code)
    .bind(now_ms())
    .bind(id)
    .bind(version)
    .execute(tx.conn())
    .await
    .map_err(|e| Error::on_write("统计用区划代码")(e.into()))?
    .rows_affected();
    expect_one_row(rows, "region", id)?;
    if before.parent_id != input.parent_id {
        let new_path = format!("{}{id}/", parent.as_ref().map_or("/", |p| p.path.as_str()));
        repo::move_subtree(tx.conn(), "regions", &before.path, &new_path).await?;
    }
    let after = repo::region_by_id(tx.conn(), id).await?;
    record(
        &mut tx,
        actor,
        "update",
        "region",
        id,
        json!({ "before": &before, "after": &after }),
    )
    .await?;
    tx.commit().await?;
    Ok(after)
}

// ---- departments: scoped ----

pub async fn departments(store: &Store, actor: &Actor) -> Result<Vec<Department>> {
    actor.require(Permission::OrgRead)?;
    repo::departments(&mut *store.conn().await?, &actor.scope).await
}

pub async fn department(store: &Store, actor: &Actor, id: i64) -> Result<Department> {
    actor.require(Permission::OrgRead)?;
    repo::department_by_id(&mut *store.conn().await?, &actor.scope, id).await
}

/// Checks the department's region exists and returns its parent (which the actor must see).
async fn department_parent(
    conn: &mut sqlx::AnyConnection,
    actor: &Actor,
    input: &DepartmentInput,
) -> Result<Option<Department>> {
    repo::region_by_id(conn, input.region_id)
        .await
        .map_err(Error::missing_as("region_id", "所属区域不存在。"))?;
    match input.parent_id {
        Some(p) => Ok(Some(
            repo::department_by_id(conn, &actor.scope, p)
                .await
                .map_err(Error::missing_as("parent_id", "上级部门不存在。"))?,
        )),
        None => Ok(None),
    }
}

pub async fn create_department(
    store: &Store,
    actor: &Actor,
    input: &DepartmentInput,
) -> Result<Department> {
    actor.require(Permission::OrgManage)?;
    let name = rules::text("name", "部门名称", &input.name, 64)?;
    let abbr = rules::issuer_abbr(input.issuer_abbr.as_deref())?;
    let mut tx = store.begin().await?;
    let parent = department_parent(tx.conn(), actor, input).await?;
    let now = now_ms();
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO departments (parent_id, region_id, name, issuer_abbr, path, created_by,
            created_at, updated_at) VALUES ($1, $2, $3, $4, '', $5, $6, $6) RETURNING id",
    )
    .bind(input.parent_id)
    .bind(input.region_id)
    .bind(&name)
    .bind(&abbr)
    .bind(actor.user_id)
    .bind(now)
    .fetch_one(tx.conn())
    .await
    .map_err(|e| Error::on_write("同一区域内同名部门")(e.into()))?;
    repo::set_tree_path(
        tx.conn(),
        "departments",
        id,
        parent.as_ref().map(|p| p.path.as_str()),
    )
    .await?;
    let dept = repo::department_by_id(tx.conn(), &actor.scope, id).await?;
    record(
        &mut tx,
        actor,
        "create",
        "department",
        id,
        json!({ "after": &dept }),
    )
    .await?;
    tx.commit().await?;
    Ok(dept)
}

pub async fn update_department(
    store: &Store,
    actor: &Actor,
    id: i64,
    version: i64,
    input: &DepartmentInput,
) -> Result<Department> {
    actor.require(Permission::OrgManage)?;
    let name = rules::text("name", "部门名称", &input.name, 64)?;
    let abbr = rules::issuer_abbr(input.issuer_abbr.as_deref())?;
    let mut tx = store.begin().await?;
    let before = repo::department_by_id(tx.conn(), &actor.scope, id).await?;
    let parent = department_parent(tx.conn(), actor, input).await?;
    if let Some(p) = &parent
        && p.path.starts_with(&before.path)
    {
        return Err(Error::invalid(
            "parent_id",
            "不能把部门移到它自己的下级之下。",
        ));
    }
    let rows = sqlx::query(
        "UPDATE departments SET parent_id = $1, region_id = $2, name = $3, issuer_abbr = $4,
            updated_at = $5, version = version + 1 WHERE id = $6 AND version = $7",
    )
    .bind(input.parent_id)
    .bind(input.region_id)
    .bind(&name)
    .bind(&abbr)
    .bind(now_ms())
    .bind(id)
    .bind(version)
    .execute(tx.conn())
    .await
    .map_err(|e| Error::on_write("同一区域内同名部门")(e.into()))?
    .rows_affected();
    expect_one_row(rows, "department", id)?;
    if before.parent_id != input.parent_id {
        let new_path = format!("{}{id}/", parent.as_ref().map_or("/", |p| p.path.as_str()));
        repo::move_subtree(tx.conn(), "departments", &before.path, &new_path).await?;
    }
    // A user's region follows their department's, for the region data scope.
    sqlx::query("UPDATE users SET region_id = $1 WHERE department_id = $2")
        .bind(input.region_id)
        .bind(id)
        .execute(tx.conn())
        .await?;
    let after = repo::department_by_id(tx.conn(), &actor.scope, id).await?;
    record(
        &mut tx,
        actor,
        "update",
        "department",
        id,
        json!({ "before": &before, "after": &after }),
    )
    .await?;
    tx.commit().await?;
    Ok(after)
}

// ---- users ----

pub const MOBILE: &str = "users.mobile";

pub async fn users(
    store: &Store,
    actor: &Actor,
    keyring: &Keyring,
    filter: &UserFilter,
    keyset: Keyset,
) -> Result<Page<User>> {
    actor.require(Permission::OrgRead)?;
    let index = match filter
        .mobile
        .as_deref()
        .map(str::trim)
        .filter(|m| !m.is_empty())
    {
        Some(m) => {
            let m = Mobile::parse(m).map_err(|e| {
                Error::invalid("mobile", format!("手机号码无效：{}", e.message_zh()))
            })?;
            Some(keyring.blind_index(MOBILE, m.as_str()))
        }
        None => None,
    };
    repo::users(
        &mut *store.conn().await?,
        &actor.scope,
        filter,
        index,
        keyset,
    )
    .await
}

/// A mobile number sealed for storage: (sealed, blind index, display mask).
type SealedMobile = (Option<String>, Option<String>, Option<String>);

fn seal_mobile(keyring: &Keyring, mobile: Option<&str>) -> Result<SealedMobile> {
    match mobile.map(str::trim).filter(|m| !m.is_empty()) {
        None => Ok((None, None, None)),
        Some(m) => {
            let m = Mobile::parse(m).map_err(|e| {
                Error::invalid("mobile", format!("手机号码无效：{}", e.message_zh()))
            })?;
            Ok((
                Some(keyring.seal(MOBILE, m.as_str())?),
                Some(keyring.blind_index(MOBILE, m.as_str())),
                Some(m.masked()),
            ))
        }
    }
}

/// The full mobile number, for the account manager's edit form.
pub async fn user_mobile(
    store: &Store,
    actor: &Actor,
    keyring: &Keyring,
    id: i64,
) -> Result<Option<String>> {
    actor.require(Permission::UserManage)?;
    repo::user_by_id(&mut *store.conn().await?, &actor.scope, id).await?;
    let sealed: Option<String> =
        sqlx::query_scalar("SELECT mobile_sealed FROM users WHERE id = $1")
            .bind(id)
            .fetch_one(store.pool())
            .await?;
    let Some(sealed) = sealed else {
        return Ok(None);
    };
    let mobile = keyring.open(MOBILE, &sealed)?;
    crate::audit::read(store, actor, "user_mobile", Some(id.to_string()), json!({})).await?;
    Ok(Some(mobile))
}

pub async fn user(store: &Store, actor: &Actor, id: i64) -> Result<User> {
    actor.require(Permission::OrgRead)?;
    repo::user_by_id(&mut *store.conn().await?, &actor.scope, id).await
}

/// Finds a user by user name, within the actor's scope.
pub async fn user_by_username(store: &Store, actor: &Actor, username: &str) -> Result<User> {
    actor.require(Permission::OrgRead)?;
    let id: Option<i64> = sqlx::query_scalar("SELECT id FROM users WHERE username = $1")
        .bind(username.trim())
        .fetch_optional(store.pool())
        .await?;
    repo::user_by_id(
        &mut *store.conn().await?,
        &actor.scope,
        id.ok_or(Error::NotFound)?,
    )
    .await
}

/// Creates a user with a one-time password, which is returned once and never stored in clear.
pub async fn create_user(
    store: &Store,
    actor: &Actor,
    keyring: &Keyring,
    input: &UserInput,
) -> Result<(User, String)> {
    actor.require(Permission::UserManage)?;
    let username = rules::username(&input.username)?;
    let display_name = rules::text("display_name", "姓名", &input.display_name, 32)?;
    let (sealed, index, masked) = seal_mobile(keyring, input.mobile.as_deref())?;
    let otp = password::one_time_password();
    let hash = password::hash(&otp)?;
    let mut tx = store.begin().await?;
    let dept = repo::department_by_id(tx.conn(), &actor.scope, input.department_id)
        .await
        .map_err(Error::missing_as("department_id", "所属部门不存在。"))?;
    let now = now_ms();
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO users (username, display_name, department_id, region_id, password_hash,
            must_change_password, created_by, created_at, updated_at, mobile_sealed, mobile_index,
            mobile_masked)
         VALUES ($1, $2, $3, $4, $5, 1, $6, $7, $7, $8, $9, $10) RETURNING id",
    )
    .bind(&username)
    .bind(&display_name)
    .bind(dept.id)
    .bind(dept.region_id)
    .bind(&hash)
    .bind(actor.user_id)
    .bind(now)
    .bind(&sealed)
    .bind(&index)
    .bind(&masked)
    .fetch_one(tx.conn())
    .await
    .map_err(|e| Error::on_write("用户名")(e.into()))?;
    let user = repo::user_by_id(tx.conn(), &actor.scope, id).await?;
    record(
        &mut tx,
        actor,
        "create",
        "user",
        id,
        json!({ "after": &user }),
    )
    .await?;
    tx.commit().await?;
    Ok((user, otp))
}

pub async fn update_user(
    store: &Store,
    actor: &Actor,
    keyring: &Keyring,
    id: i64,
    version: i64,
    input: &UserUpdate,
) -> Result<User> {
    actor.require(Permission::UserManage)?;
    let display_name = rules::text("display_name", "姓名", &input.display_name, 32)?;
    let (sealed, index, masked) = seal_mobile(keyring, input.mobile.as_deref())?;
    let mut tx = store.begin().await?;
    let before = repo::user_by_id(tx.conn(), &actor.scope, id).await?;
    if input.disabled && actor.user_id == Some(id) {
        return Err(Error::invalid("disabled", "不能停用自己的账号。"));
    }
    // An administrator's account (name, department, mobile, disabling) is theirs and the
    // console's to change, not another administrator's.
    if actor.user_id != Some(id) {
        administrator_only_at_console(actor, &before)?;
    }
    let dept = repo::department_by_id(tx.conn(), &actor.scope, input.department_id)
        .await
        .map_err(Error::missing_as("department_id", "所属部门不存在。"))?;
    let rows = sqlx::query(
        "UPDATE users SET display_name = $1, department_id = $2, region_id = $3, disabled = $4,
            updated_at = $5, version = version + 1, mobile_sealed = $8, mobile_index = $9,
            mobile_masked = $10 WHERE id = $6 AND version = $7",
    )
    .bind(&display_name)
    .bind(dept.id)
    .bind(dept.region_id)
    .bind(i64::from(input.disabled))
    .bind(now_ms())
    .bind(id)
    .bind(version)
    .bind(&sealed)
    .bind(&index)
    .bind(&masked)
    .execute(tx.conn())
    .await?
    .rows_affected();
    expect_one_row(rows, "user", id)?;
    if input.disabled {
        sqlx::query("DELETE FROM sessions WHERE user_id = $1")
            .bind(id)
            .execute(tx.conn())
            .await?;
    }
    let after = repo::user_by_id(tx.conn(), &actor.scope, id).await?;
    record(
        &mut tx,
        actor,
        "update",
        "user",
        id,
        json!({ "before": &before, "after": &after }),
    )
    .await?;
    tx.commit().await?;
    Ok(after)
}

/// 三员分立 from inside: an administrator's account (any of the three) is reset, locked,
/// unlocked or disabled only at the server's console (`fazhi user …`), audited as such — never
/// by another administrator through the web, where one of them could take over another's
/// powers.
fn administrator_only_at_console(actor: &Actor, user: &User) -> Result<()> {
    if user.roles.iter().any(|r| r.admin_kind.is_some()) && !actor.is_console() {
        return Err(Error::NotAllowed {
            code: "administrator_account_console_only",
            message: "管理员账号只能在服务器控制台用 fazhi user reset-password / lock / unlock 等命令处理，不能在网页上由其他管理员操作。".into(),
        });
    }
    Ok(())
}

/// Gives the user a new one-time password (returned once) and signs them out everywhere.
pub async fn reset_password(store: &Store, actor: &Actor, id: i64) -> Result<String> {
    actor.require(Permission::UserManage)?;
    let otp = password::one_time_password();
    let hash = password::hash_off_thread(otp.clone()).await?;
    let mut tx = store.begin().await?;
    let user = repo::user_by_id(tx.conn(), &actor.scope, id).await?;
    administrator_only_at_console(actor, &user)?;
    sqlx::query(
        "UPDATE users SET password_hash = $1, must_change_password = 1, failed_attempts = 0,
            locked_until = NULL, updated_at = $2, version = version + 1 WHERE id = $3",
    )
    .bind(&hash)
    .bind(now_ms())
    .bind(id)
    .execute(tx.conn())
    .await?;
    sqlx::query("DELETE FROM sessions WHERE user_id = $1")
        .bind(id)
        .execute(tx.conn())
        .await?;
    record(
        &mut tx,
        actor,
        "reset_password",
        "user",
        id,
        json!({ "username": user.username }),
    )
    .await?;
    tx.commit().await?;
    Ok(otp)
}

/// Locks (`minutes` = Some) or unlocks (None) an account.
pub async fn set_lock(store: &Store, actor: &Actor, id: i64, lock: bool) -> Result<()> {
    actor.require(Permission::UserManage)?;
    if lock && actor.user_id == Some(id) {
        return Err(Error::invalid("id", "不能锁定自己的账号。"));
    }
    let mut tx = store.begin().await?;
    let user = repo::user_by_id(tx.conn(), &actor.scope, id).await?;
    administrator_only_at_console(actor, &user)?;
    if !lock {
        crate::auth::throttle::clear_account(tx.conn(), &user.username).await?;
    }
    // A manual lock lasts until an administrator unlocks it.
    let until = lock.then_some(i64::MAX);
    sqlx::query(
        "UPDATE users SET locked_until = $1, failed_attempts = 0, updated_at = $2,
            version = version + 1 WHERE id = $3",
    )
    .bind(until)
    .bind(now_ms())
    .bind(id)
    .execute(tx.conn())
    .await?;
    if lock {
        sqlx::query("DELETE FROM sessions WHERE user_id = $1")
            .bind(id)
            .execute(tx.conn())
            .await?;
    }
    let action = if lock { "lock" } else { "unlock" };
    record(
        &mut tx,
        actor,
        action,
        "user",
        id,
        json!({ "username": user.username }),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Grants roles to a user (the security administrator's power). Nobody changes their own roles.
pub async fn set_user_roles(
    store: &Store,
    actor: &Actor,
    id: i64,
    role_ids: &[i64],
) -> Result<User> {
    actor.require(Permission::RoleManage)?;
    if actor.user_id == Some(id) {
        return Err(Error::invalid("roles", "不能修改自己的角色。"));
    }
    let mut tx = store.begin().await?;
    let before = repo::user_by_id(tx.conn(), &actor.scope, id).await?;
    let all = repo::roles(tx.conn()).await?;
    let mut chosen = Vec::new();
    for rid in role_ids {
        let role = all
            .iter()
            .find(|r| r.id == *rid)
            .ok_or_else(|| Error::invalid("roles", format!("角色 {rid} 不存在。")))?;
        if !chosen.iter().any(|r: &&Role| r.id == role.id) {
            chosen.push(role);
        }
    }
    let kinds: Vec<Option<AdminKind>> = chosen.iter().map(|r| r.admin_kind).collect();
    rules::role_assignment(&kinds)?;
    // Who is an administrator is settled at the console: from the web the security
    // administrator neither takes an administrator's role away (a step towards another
    // administrator resetting that account) nor gives one (a second system administrator).
    if !actor.is_console()
        && (kinds.iter().any(Option::is_some)
            || before.roles.iter().any(|r| r.admin_kind.is_some()))
    {
        return Err(Error::NotAllowed {
            code: "administrator_roles_console_only",
            message: "三员分立：管理员角色只能在服务器控制台授予或收回（fazhi user …），网页上不能授予管理员角色，也不能改动管理员账号的角色。".into(),
        });
    }
    sqlx::query("DELETE FROM user_roles WHERE user_id = $1")
        .bind(id)
        .execute(tx.conn())
        .await?;
    for r in &chosen {
        sqlx::query("INSERT INTO user_roles (user_id, role_id) VALUES ($1, $2)")
            .bind(id)
            .bind(r.id)
            .execute(tx.conn())
            .await?;
    }
    sqlx::query("UPDATE users SET version = version + 1, updated_at = $1 WHERE id = $2")
        .bind(now_ms())
        .bind(id)
        .execute(tx.conn())
        .await?;
    let after = repo::user_by_id(tx.conn(), &actor.scope, id).await?;
    record(
        &mut tx,
        actor,
        "grant_roles",
        "user",
        id,
        json!({ "before": before.roles, "after": after.roles }),
    )
    .await?;
    tx.commit().await?;
    Ok(after)
}

// ---- roles ----

pub async fn roles(store: &Store, actor: &Actor) -> Result<Vec<Role>> {
    actor.require(Permission::RoleManage)?;
    repo::roles(&mut *store.conn().await?).await
}

pub async fn role(store: &Store, actor: &Actor, id: i64) -> Result<Role> {
    actor.require(Permission::RoleManage)?;
    repo::role_by_id(&mut *store.conn().await?, id).await
}

pub async fn create_role(store: &Store, actor: &Actor, input: &RoleInput) -> Result<Role> {
    actor.require(Permission::RoleManage)?;
    let code = rules::role_code(&input.code)?;
    let name = rules::text("name", "角色名称", &input.name, 32)?;
    let description = rules::optional_text("description", "说明", Some(&input.description), 200)?;
    let scope = rules::data_scope(&input.data_scope)?;
    let perms = rules::business_permissions(&input.permissions)?;
    let mut tx = store.begin().await?;
    let now = now_ms();
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO roles (code, name, description, data_scope, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $5) RETURNING id",
    )
    .bind(&code)
    .bind(&name)
    .bind(description.unwrap_or_default())
    .bind(scope.code())
    .bind(now)
    .fetch_one(tx.conn())
    .await
    .map_err(|e| Error::on_write("角色代码")(e.into()))?;
    repo::set_role_permissions(tx.conn(), id, &perms).await?;
    let role = repo::role_by_id(tx.conn(), id).await?;
    record(
        &mut tx,
        actor,
        "create",
        "role",
        id,
        json!({ "after": &role }),
    )
    .await?;
    tx.commit().await?;
    Ok(role)
}

pub async fn update_role(
    store: &Store,
    actor: &Actor,
    id: i64,
    version: i64,
    input: &RoleInput,
) -> Result<Role> {
    actor.require(Permission::RoleManage)?;
    let name = rules::text("name", "角色名称", &input.name, 32)?;
    let description = rules::optional_text("description", "说明", Some(&input.description), 200)?;
    let scope = rules::data_scope(&input.data_scope)?;
    let perms = rules::business_permissions(&input.permissions)?;
    let mut tx = store.begin().await?;
    let before = repo::role_by_id(tx.conn(), id).await?;
    if before.admin_kind.is_some() {
        return Err(Error::invalid("id", "三员角色的权限由系统固定，不能修改。"));
    }
    let rows = sqlx::query(
        "UPDATE roles SET name = $1, description = $2, data_scope = $3, updated_at = $4,
            version = version + 1 WHERE id = $5 AND version = $6",
    )
    .bind(&name)
    .bind(description.unwrap_or_default())
    .bind(scope.code())
    .bind(now_ms())
    .bind(id)
    .bind(version)
    .execute(tx.conn())
    .await?
    .rows_affected();
    expect_one_row(rows, "role", id)?;
    repo::set_role_permissions(tx.conn(), id, &perms).await?;
    let after = repo::role_by_id(tx.conn(), id).await?;
    record(
        &mut tx,
        actor,
        "permission_change",
        "role",
        id,
        json!({ "before": &before, "after": &after }),
    )
    .await?;
    tx.commit().await?;
    Ok(after)
}

// ---- API tokens ----

pub const TOKEN_PREFIX: &str = "fz_";

pub async fn tokens(store: &Store, actor: &Actor) -> Result<Vec<ApiToken>> {
    actor.require(Permission::TokenManage)?;
    tokens_where(store, None).await
}

/// Tokens, of one holder or all.
async fn tokens_where(store: &Store, holder: Option<i64>) -> Result<Vec<ApiToken>> {
    let rows = sqlx::query(
        "SELECT t.id, t.name, t.prefix, t.department_id, d.name AS department_name, t.permissions,
            t.created_at, t.revoked_at, t.last_used_at, u.username AS holder
         FROM api_tokens t JOIN departments d ON d.id = t.department_id
         LEFT JOIN users u ON u.id = t.holder_user_id
         WHERE $1 IS NULL OR t.holder_user_id = $1 ORDER BY t.id DESC",
    )
    .bind(holder)
    .fetch_all(store.pool())
    .await?;
    rows.iter()
        .map(|row| {
            use fazhi_store::Row;
            let perms: String = row.try_get("permissions")?;
            Ok(ApiToken {
                id: row.try_get("id")?,
                name: row.try_get("name")?,
                prefix: row.try_get("prefix")?,
                department_id: row.try_get("department_id")?,
                department_name: row.try_get("department_name")?,
                holder: row.try_get("holder")?,
                permissions: perms.split(',').filter_map(Permission::parse).collect(),
                created_at: row.try_get("created_at")?,
                revoked_at: row.try_get("revoked_at")?,
                last_used_at: row.try_get("last_used_at")?,
            })
        })
        .collect()
}

/// Issues a token that acts for a holder: a business user, with at most the holder's
/// permissions as they stand — checked here and again on every use. A holder issues their own
/// tokens (the secret is shown to them alone); no administrator issues one for anybody, so no
/// administrator gains business powers through a token. Only the console names another holder.
/// The token is returned once; only its SM3 digest is kept.
pub async fn create_token(
    store: &Store,
    actor: &Actor,
    input: &ApiTokenInput,
) -> Result<(i64, String)> {
    if !actor.is_console() && (actor.admin_kind.is_some() || actor.user_id.is_none()) {
        return Err(Error::NotAllowed {
            code: "token_for_administrator",
            message: "对接令牌由持有人本人（业务用户）签发；管理员不能为任何人（包括自己）签发令牌，只能查看和吊销。".into(),
        });
    }
    let name = rules::text("name", "令牌名称", &input.name, 64)?;
    let perms = rules::business_permissions(&input.permissions)?;
    if perms.is_empty() {
        return Err(Error::invalid("permissions", "请至少选择一项权限。"));
    }
    let holder_id = if actor.is_console() {
        user_by_username(store, actor, &input.holder)
            .await
            .map_err(Error::missing_as(
                "holder",
                "持有人不存在（请填写其用户名）。",
            ))?
            .id
    } else {
        match (actor.admin_kind, actor.user_id) {
            (None, Some(me)) => me,
            _ => {
                return Err(Error::NotAllowed {
                    code: "token_for_administrator",
                    message: "对接令牌由持有人本人（业务用户）签发；管理员不能为任何人（包括自己）签发令牌，只能查看和吊销。".into(),
                });
            }
        }
    };
    let holder = repo::user_by_id(
        &mut *store.conn().await?,
        &Actor::operator().scope,
        holder_id,
    )
    .await?;
    if holder.roles.iter().any(|r| r.admin_kind.is_some()) {
        return Err(Error::NotAllowed {
            code: "token_for_administrator",
            message: "令牌的持有人须是业务用户，不能是管理员。".into(),
        });
    }
    let holds = crate::auth::actor_for_user(store, holder.id, None)
        .await
        .map_err(Error::missing_as("holder", "持有人账号已停用或锁定。"))?;
    let beyond: Vec<&str> = perms
        .iter()
        .filter(|p| !holds.can(**p))
        .map(|p| p.label_zh())
        .collect();
    if !beyond.is_empty() {
        return Err(Error::invalid(
            "permissions",
            format!(
                "令牌的权限不能超出持有人本人的权限：持有人没有“{}”。",
                beyond.join("、")
            ),
        ));
    }
    let secret = format!("{TOKEN_PREFIX}{}", password::random_hex(24));
    let prefix: String = secret.chars().take(10).collect();
    let mut tx = store.begin().await?;
    let codes: Vec<&str> = perms.iter().map(|p| p.code()).collect();
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO api_tokens (name, token_hash, prefix, department_id, region_id, permissions,
            created_by, created_at, holder_user_id) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
    )
    .bind(&name)
    .bind(sm3_hex(secret.as_bytes()))
    .bind(&prefix)
    .bind(holder.department_id)
    .bind(holder.region_id)
    .bind(codes.join(","))
    .bind(actor.user_id)
    .bind(now_ms())
    .bind(holder.id)
    .fetch_one(tx.conn())
    .await?;
    record(
        &mut tx,
        actor,
        "create",
        "api_token",
        id,
        json!({ "name": name, "holder": holder.username, "permissions": codes, "prefix": prefix }),
    )
    .await?;
    tx.commit().await?;
    Ok((id, secret))
}

/// The tokens a user holds (their own page), newest first.
pub async fn own_tokens(store: &Store, actor: &Actor) -> Result<Vec<ApiToken>> {
    let me = actor
        .user_id
        .filter(|_| actor.admin_kind.is_none())
        .ok_or(Error::Forbidden)?;
    tokens_where(store, Some(me)).await
}

/// Revokes a token: the system administrator any, a holder their own.
pub async fn revoke_token(store: &Store, actor: &Actor, id: i64) -> Result<()> {
    let mut tx = store.begin().await?;
    let holder: Option<Option<i64>> =
        sqlx::query_scalar("SELECT holder_user_id FROM api_tokens WHERE id = $1")
            .bind(id)
            .fetch_optional(tx.conn())
            .await?;
    let Some(holder) = holder else {
        return Err(Error::NotFound);
    };
    let own = holder.is_some_and(|h| actor.user_id == Some(h));
    if !own {
        actor.require(Permission::TokenManage)?;
    }
    let rows =
        sqlx::query("UPDATE api_tokens SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL")
            .bind(now_ms())
            .bind(id)
            .execute(tx.conn())
            .await?
            .rows_affected();
    if rows != 1 {
        return Err(Error::NotFound);
    }
    record(&mut tx, actor, "revoke", "api_token", id, json!({})).await?;
    tx.commit().await?;
    Ok(())
}
