//! What a fresh database starts with: the built-in roles (always) and, on first start, the demo
//! organisation of Zhuji (诸暨市): the city, its 23 towns and streets with their statistical
//! codes, the city's departments with their issuer abbreviations, one office per town, and the
//! three administrators with one-time passwords.

use fazhi_store::audit::{self, AuditActor, AuditEvent};
use fazhi_store::{DataScope, Store, Tx, now_ms};
use serde_json::json;

use crate::access::{AdminKind, Permission};
use crate::auth::password;
use crate::org::repo;
use crate::{Error, Result};

const SEED_LOCK: i64 = 0x0066_617a_6869_0003;

/// Departments of the Zhuji demo: name and issuer abbreviation. Abbreviations follow the
/// pattern of the city's published decision numbers (诸市监罚〔2023〕…) and are demo data that
/// an administrator corrects on the departments page.
pub(crate) const CITY_DEPARTMENTS: &[(&str, &str)] = &[
    ("诸暨市司法局", "诸司"),
    ("诸暨市市场监督管理局", "诸市监"),
    ("诸暨市综合行政执法局", "诸综执"),
    ("诸暨市公安局", "诸公"),
    ("诸暨市自然资源和规划局", "诸自然资规"),
    ("诸暨市住房和城乡建设局", "诸建"),
    ("诸暨市交通运输局", "诸交"),
    ("诸暨市应急管理局", "诸应急"),
    ("诸暨市卫生健康局", "诸卫健"),
    ("诸暨市教育体育局", "诸教体"),
    ("诸暨市文化广电旅游局", "诸文广旅"),
    ("诸暨市农业农村局", "诸农"),
    ("诸暨市水利水电局", "诸水"),
    ("诸暨市人力资源和社会保障局", "诸人社"),
    ("诸暨市商务局", "诸商"),
    ("绍兴市生态环境局诸暨分局", "绍环诸"),
];

pub struct BuiltinRole {
    pub code: &'static str,
    pub name: &'static str,
    pub description: &'static str,
    pub admin_kind: Option<AdminKind>,
    pub scope: DataScope,
    pub permissions: Vec<Permission>,
}

pub fn builtin_roles() -> Vec<BuiltinRole> {
    let mut roles: Vec<BuiltinRole> = AdminKind::ALL
        .into_iter()
        .map(|k| BuiltinRole {
            code: match k {
                AdminKind::System => "system_admin",
                AdminKind::Security => "security_admin",
                AdminKind::Audit => "audit_admin",
            },
            name: k.label_zh(),
            description: match k {
                AdminKind::System => "管理区域、部门、用户账号和系统对接令牌。",
                AdminKind::Security => "管理角色、权限、数据权限和密码策略。",
                AdminKind::Audit => "查阅和导出审计日志，不能修改任何业务或系统数据。",
            },
            admin_kind: Some(k),
            scope: DataScope::All,
            permissions: k.permissions(),
        })
        .collect();
    roles.push(BuiltinRole {
        code: "supervisor",
        name: "司法局监督人员",
        description: "全市范围查看各部门、镇街的数据，维护执法事项目录，发出执法监督通知书并验收整改。",
        admin_kind: None,
        scope: DataScope::All,
        permissions: vec![
            Permission::OrgRead,
            Permission::CatalogManage,
            Permission::CaseRead,
            Permission::SupervisionManage,
            Permission::NormativeManage,
            Permission::ReconsiderationHandle,
            Permission::LitigationHandle,
            Permission::DisputeHandle,
            Permission::DisputeManage,
        ],
    });
    roles.push(BuiltinRole {
        code: "town_clerk",
        name: "镇街经办人员",
        description: "只看本镇乡（街道）及下辖村（社区）的数据。",
        admin_kind: None,
        scope: DataScope::Region,
        permissions: vec![
            Permission::OrgRead,
            Permission::CaseRead,
            Permission::CaseHandle,
            Permission::SupervisionReply,
            Permission::DisputeHandle,
        ],
    });
    roles.push(BuiltinRole {
        code: "department_clerk",
        name: "部门经办人员",
        description: "只看本部门及下级机构的数据。",
        admin_kind: None,
        scope: DataScope::DepartmentTree,
        permissions: vec![
            Permission::OrgRead,
            Permission::CaseRead,
            Permission::CaseHandle,
            Permission::SupervisionReply,
        ],
    });
    roles
}

/// Inserts the built-in roles that are missing. Runs at every start.
pub async fn ensure_builtin_roles(store: &Store) -> Result<()> {
    let mut tx = store.begin().await?;
    tx.lock(SEED_LOCK).await?;
    for r in builtin_roles() {
        let exists: Option<i64> = sqlx::query_scalar("SELECT id FROM roles WHERE code = $1")
            .bind(r.code)
            .fetch_optional(tx.conn())
            .await?;
        if exists.is_some() {
            continue;
        }
        let now = now_ms();
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO roles (code, name, description, admin_kind, data_scope, builtin,
                created_at, updated_at) VALUES ($1, $2, $3, $4, $5, 1, $6, $6) RETURNING id",
        )
        .bind(r.code)
        .bind(r.name)
        .bind(r.description)
        .bind(r.admin_kind.map(AdminKind::code))
        .bind(r.scope.code())
        .bind(now)
        .fetch_one(tx.conn())
        .await?;
        repo::set_role_permissions(tx.conn(), id, &r.permissions).await?;
        audit::append(
            &mut tx,
            &AuditActor::system("system:seed"),
            &AuditEvent {
                action: "create",
                object_type: "role",
                object_id: Some(id.to_string()),
                detail: json!({ "code": r.code, "permissions": r.permissions, "data_scope": r.scope.code() }),
            },
        )
        .await?;
    }
    tx.commit().await?;
    Ok(())
}

/// The office of a town in the demo: 街道办事处 for a street, 人民政府 for a town.
pub(crate) fn town_office(town: &str) -> String {
    if town.ends_with("街道") {
        format!("{town}办事处")
    } else {
        format!("{town}人民政府")
    }
}

/// An administrator created on first start.
pub struct Credential {
    pub username: String,
    pub role: &'static str,
    pub one_time_password: String,
}

const ADMINS: [(&str, &str, &str); 3] = [
    ("sysadmin", "系统管理员", "system_admin"),
    ("secadmin", "安全管理员", "security_admin"),
    ("auditadmin", "审计管理员", "audit_admin"),
];

/// Demo business users, so that a new user can walk the day of a town clerk and of a
/// supervisor right after the first start: (username, display name, role, department).
const DEMO_USERS: [(&str, &str, &str, &str); 4] = [
    (
        "dk_clerk",
        "店口镇办案员（演示）",
        "town_clerk",
        "店口镇人民政府",
    ),
    // A second person of the town: approves what the clerk prepared (a decision's publication).
    (
        "dk_reviewer",
        "店口镇审核人员（演示）",
        "town_clerk",
        "店口镇人民政府",
    ),
    (
        "sfj_supervisor",
        "司法局执法监督科（演示）",
        "supervisor",
        "诸暨市司法局",
    ),
    (
        "sj_clerk",
        "市场监管局办案员（演示）",
        "department_clerk",
        "诸暨市市场监督管理局",
    ),
];

async fn insert_region(
    tx: &mut Tx,
    parent: Option<(i64, &str)>,
    kind: &str,
    name: &str,
    stat_code: &str,
) -> Result<(i64, String)> {
    let now = now_ms();
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO regions (parent_id, kind, name, division_code, stat_code, path, created_at,
            updated_at) VALUES ($1, $2, $3, '330681', $4, '', $5, $5) RETURNING id",
    )
    .bind(parent.map(|p| p.0))
    .bind(kind)
    .bind(name)
    .bind(stat_code)
    .bind(now)
    .fetch_one(tx.conn())
    .await?;
    let path = repo::set_tree_path(tx.conn(), "regions", id, parent.map(|p| p.1)).await?;
    Ok((id, path))
}

async fn insert_department(
    tx: &mut Tx,
    parent: Option<(i64, &str)>,
    region: i64,
    name: &str,
    abbr: &str,
) -> Result<(i64, String)> {
    let now = now_ms();
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO departments (parent_id, region_id, name, issuer_abbr, path, created_at,
            updated_at) VALUES ($1, $2, $3, $4, '', $5, $5) RETURNING id",
    )
    .bind(parent.map(|p| p.0))
    .bind(region)
    .bind(name)
    .bind(abbr)
    .bind(now)
    .fetch_one(tx.conn())
    .await?;
    let path = repo::set_tree_path(tx.conn(), "departments", id, parent.map(|p| p.1)).await?;
    Ok((id, path))
}

/// Loads the demo organisation when the database has no region yet. Returns the administrators'
/// one-time passwords, or None when the database was already set up.
pub async fn seed_if_empty(store: &Store) -> Result<Option<Vec<Credential>>> {
    let mut tx = store.begin().await?;
    tx.lock(SEED_LOCK).await?;
    let regions: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM regions")
        .fetch_one(tx.conn())
        .await?;
    if regions > 0 {
        return Ok(None);
    }
    let (city, city_path) = insert_region(&mut tx, None, "city", "诸暨市", "330681000000").await?;
    let (gov, gov_path) = insert_department(&mut tx, None, city, "诸暨市人民政府", "诸政").await?;
    let mut bureau = None;
    for (name, abbr) in CITY_DEPARTMENTS {
        let d = insert_department(&mut tx, Some((gov, &gov_path)), city, name, abbr).await?;
        if *name == "诸暨市司法局" {
            bureau = Some(d.0);
        }
    }
    // NBS statistical division codes, cut-off 2023-06-30 (shared/data/divisions).
    let towns = fazhi_kernel::ids::division::zhuji_towns();
    for (code, name) in &towns {
        let (town, _) =
            insert_region(&mut tx, Some((city, &city_path)), "town", name, code).await?;
        insert_department(&mut tx, None, town, &town_office(name), name).await?;
    }
    let bureau = bureau.ok_or(Error::NotFound)?;
    let mut creds = Vec::new();
    for (username, display, role_code) in ADMINS {
        creds.push(insert_user(&mut tx, username, display, role_code, bureau, city).await?);
    }
    audit::append(
        &mut tx,
        &AuditActor::system("system:seed"),
        &AuditEvent {
            action: "seed",
            object_type: "organisation",
            object_id: None,
            detail: json!({
                "city": "诸暨市", "towns": towns.len(),
                "departments": CITY_DEPARTMENTS.len() + 1 + towns.len(),
                "administrators": ADMINS.iter().map(|a| a.0).collect::<Vec<_>>(),
            }),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(Some(creds))
}

/// The demo business users (`DEMO_USERS`) with one-time passwords, beside a freshly seeded demo
/// organisation (`fazhi serve` and `fazhi import` on an empty database, not the test harness).
pub async fn seed_demo_users(store: &Store) -> Result<Vec<Credential>> {
    let mut tx = store.begin().await?;
    let mut creds = Vec::new();
    for (username, display, role, department) in DEMO_USERS {
        let (id, region): (i64, i64) =
            sqlx::query_as("SELECT id, region_id FROM departments WHERE name = $1")
                .bind(department)
                .fetch_one(tx.conn())
                .await?;
        creds.push(insert_user(&mut tx, username, display, role, id, region).await?);
    }
    audit::append(
        &mut tx,
        &AuditActor::system("system:seed"),
        &AuditEvent {
            action: "seed",
            object_type: "user",
            object_id: None,
            detail: json!({ "demo_users": DEMO_USERS.iter().map(|a| a.0).collect::<Vec<_>>() }),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(creds)
}

/// A user who must change the one-time password returned at first sign-in.
async fn insert_user(
    tx: &mut Tx,
    username: &str,
    display: &'static str,
    role_code: &str,
    department: i64,
    region: i64,
) -> Result<Credential> {
    let otp = password::one_time_password();
    let now = now_ms();
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO users (username, display_name, department_id, region_id, password_hash,
            must_change_password, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, 1, $6, $6) RETURNING id",
    )
    .bind(username)
    .bind(display)
    .bind(department)
    .bind(region)
    .bind(password::hash(&otp)?)
    .bind(now)
    .fetch_one(tx.conn())
    .await?;
    sqlx::query(
        "INSERT INTO user_roles (user_id, role_id) SELECT $1, id FROM roles WHERE code = $2",
    )
    .bind(id)
    .bind(role_code)
    .execute(tx.conn())
    .await?;
    Ok(Credential {
        username: username.to_string(),
        role: display,
        one_time_password: otp,
    })
}

pub(crate) const DEMO_CATALOG: &str = include_str!("../data/demo_catalog.tsv");
pub(crate) const DEMO_BENCHMARKS: &str = include_str!("../data/demo_benchmarks.tsv");

/// Tab-separated rows of a demo file, numbered by line, comments and blank lines skipped.
pub(crate) fn tsv(text: &str) -> impl Iterator<Item = (usize, Vec<String>)> + '_ {
    text.lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty() && !l.starts_with('#'))
        .map(|(n, l)| (n + 1, l.split('\t').map(str::to_string).collect()))
}

fn demo_import_failed(what: &str, report: &crate::xlsx::ImportReport) -> Error {
    Error::invalid(
        "demo",
        format!(
            "demo {what} rejected: {}",
            report
                .errors
                .iter()
                .map(|e| format!("line {}: {}", e.row, e.reason))
                .collect::<Vec<_>>()
                .join("; ")
        ),
    )
}

/// Loads the demo catalog (real provisions, demo codes; see data/demo_catalog.tsv), its
/// delegations to every town and its discretion benchmarks, through the same checks as an
/// .xlsx import, when the catalog is empty. Synthetic cases (`fazhi generate cases`) refer to it.
pub async fn seed_catalog_if_empty(store: &Store) -> Result<bool> {
    let items: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM enforcement_items")
        .fetch_one(store.pool())
        .await?;
    if items > 0 {
        return Ok(false);
    }
    let mut actor = crate::access::Actor::operator();
    actor.name = "system:seed".into();
    actor.display_name = "系统初始化".into();
    let (rows, delegations): (Vec<_>, Vec<_>) =
        tsv(DEMO_CATALOG).partition(|(_, cells)| cells[0] != "delegate");
    let report = crate::enforcement::catalog::service::import(store, &actor, &rows).await?;
    if !report.errors.is_empty() {
        return Err(demo_import_failed("catalog", &report));
    }
    let towns: Vec<i64> =
        sqlx::query_scalar("SELECT id FROM regions WHERE kind = 'town' ORDER BY id")
            .fetch_all(store.pool())
            .await?;
    for (_, cells) in delegations {
        let from = cells
            .get(2)
            .and_then(|d| fazhi_kernel::date::parse(d))
            .ok_or_else(|| Error::invalid("demo", "demo delegation date malformed"))?;
        crate::enforcement::catalog::service::delegate(store, &actor, &cells[1], &towns, from)
            .await?;
    }
    let rows: Vec<_> = tsv(DEMO_BENCHMARKS).collect();
    let report = crate::enforcement::benchmarks::import(store, &actor, &rows).await?;
    if !report.errors.is_empty() {
        return Err(demo_import_failed("benchmarks", &report));
    }
    Ok(true)
}
