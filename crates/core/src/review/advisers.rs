//! The review centre's advisers beyond its staff (审查人员库): legal advisers, the expert pool and
//! each town's "1+3+N" review team, with the units each must stay away from (回避). Kept by the
//! centre (`normative.manage`); consulted on a request by the `consult` step, which enforces the
//! conflicts.

use fazhi_store::audit::{self, AuditEvent};
use fazhi_store::{Row, Store, now_ms};
use serde::Serialize;
use serde_json::json;

use crate::{Actor, Ctx, Error, Permission, Refusals, Result};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum AdviserKind {
    LegalAdviser,
    Expert,
    /// A member of a town's "1+3+N" legality review team: consulted on that town's requests only.
    TownTeam,
}

impl AdviserKind {
    pub const ALL: [AdviserKind; 3] = [
        AdviserKind::LegalAdviser,
        AdviserKind::Expert,
        AdviserKind::TownTeam,
    ];

    pub fn code(self) -> &'static str {
        match self {
            AdviserKind::LegalAdviser => "legal_adviser",
            AdviserKind::Expert => "expert",
            AdviserKind::TownTeam => "town_team",
        }
    }

    pub fn parse(code: &str) -> Option<AdviserKind> {
        AdviserKind::ALL.into_iter().find(|k| k.code() == code)
    }

    pub fn label_zh(self) -> &'static str {
        match self {
            AdviserKind::LegalAdviser => "法律顾问",
            AdviserKind::Expert => "专家库专家",
            AdviserKind::TownTeam => "镇乡“1+3+N”审查团队",
        }
    }
}

/// What the consult step needs of an adviser.
#[derive(Clone, Debug, Serialize)]
pub struct Adviser {
    pub id: i64,
    pub name: String,
    pub kind: AdviserKind,
    pub organisation: String,
    pub specialty: String,
    pub town_id: Option<i64>,
    pub town: Option<String>,
    pub active: bool,
    /// (unit id, unit name, reason) the adviser stays away from.
    pub conflicts: Vec<(i64, String, String)>,
}

impl Adviser {
    pub fn label(&self) -> String {
        format!(
            "{}（{}，{}{}）",
            self.name,
            self.kind.label_zh(),
            self.organisation,
            self.town
                .as_deref()
                .map(|t| format!("，{t}"))
                .unwrap_or_default()
        )
    }
}

pub struct NewAdviser<'a> {
    pub name: &'a str,
    pub kind: Option<AdviserKind>,
    pub organisation: &'a str,
    pub specialty: &'a str,
    pub town_id: Option<i64>,
}

pub async fn create(ctx: &Ctx<'_>, n: &NewAdviser<'_>) -> Result<i64> {
    ctx.actor.require(Permission::NormativeManage)?;
    let mut r = Refusals::default();
    for (field, value, what, max) in [
        ("name", n.name, "姓名", 50),
        (
            "organisation",
            n.organisation,
            "所在单位（如律师事务所、高校）",
            100,
        ),
        ("specialty", n.specialty, "专长", 100),
    ] {
        let len = value.trim().chars().count();
        if len == 0 && field != "specialty" {
            r.push(Error::invalid(field, format!("请填写{what}。")));
        } else if len > max {
            r.push(Error::invalid(field, format!("{what}不超过 {max} 字。")));
        }
    }
    match n.kind {
        None => r.push(Error::invalid("kind", "请选择类别。")),
        Some(AdviserKind::TownTeam) if n.town_id.is_none() => r.push(Error::invalid(
            "town_id",
            "“1+3+N”审查团队成员须选择所属镇乡（街道）。",
        )),
        Some(k) if k != AdviserKind::TownTeam && n.town_id.is_some() => r.push(Error::invalid(
            "town_id",
            "只有“1+3+N”审查团队成员属于某一镇乡（街道）。",
        )),
        _ => {}
    }
    r.finish()?;
    let kind = n.kind.ok_or(Error::NotFound)?;
    let mut tx = ctx.store.begin().await?;
    if let Some(town) = n.town_id {
        // A "1+3+N" team belongs to a town's or street's office, never to a city bureau.
        let kind: Option<String> = sqlx::query_scalar(
            "SELECT r.kind FROM departments d JOIN regions r ON r.id = d.region_id WHERE d.id = $1",
        )
        .bind(town)
        .fetch_optional(tx.conn())
        .await?;
        if kind.as_deref() != Some("town") {
            return Err(Error::invalid(
                "town_id",
                "“1+3+N”审查团队属于镇乡（街道），请选择镇乡（街道）。",
            ));
        }
    }
    // Kept by the centre's own unit.
    let department = ctx.actor.scope.department_id;
    let region = crate::org::region_of(tx.conn(), department).await?;
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO review_advisers (name, kind, organisation, specialty, town_id, region_id, department_id,
            created_by, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9) RETURNING id",
    )
    .bind(n.name.trim())
    .bind(kind.code())
    .bind(n.organisation.trim())
    .bind(n.specialty.trim())
    .bind(n.town_id)
    .bind(region)
    .bind(department)
    .bind(ctx.actor.user_id)
    .bind(now_ms())
    .fetch_one(tx.conn())
    .await?;
    audit::append(
        &mut tx,
        &ctx.actor.audit(),
        &AuditEvent {
            action: "create",
            object_type: "review_adviser",
            object_id: Some(id.to_string()),
            detail: json!({ "name": n.name.trim(), "kind": kind.code(), "organisation": n.organisation.trim(), "town_id": n.town_id }),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

/// Records that the adviser must stay away from a unit's matters, with why.
pub async fn add_conflict(
    ctx: &Ctx<'_>,
    adviser_id: i64,
    department_id: i64,
    reason: &str,
) -> Result<()> {
    ctx.actor.require(Permission::NormativeManage)?;
    if reason.trim().is_empty() {
        return Err(Error::invalid(
            "reason",
            "请填写回避的理由（如担任该单位法律顾问、近亲属在该单位任职）。",
        ));
    }
    let mut tx = ctx.store.begin().await?;
    get_in(tx.conn(), adviser_id).await?;
    let unit: Option<i64> = sqlx::query_scalar("SELECT id FROM departments WHERE id = $1")
        .bind(department_id)
        .fetch_optional(tx.conn())
        .await?;
    if unit.is_none() {
        return Err(Error::invalid("department_id", "请选择单位。"));
    }
    sqlx::query(
        "INSERT INTO review_adviser_conflicts (adviser_id, department_id, reason) VALUES ($1, $2, $3)
         ON CONFLICT (adviser_id, department_id) DO UPDATE SET reason = excluded.reason",
    )
    .bind(adviser_id)
    .bind(department_id)
    .bind(reason.trim())
    .execute(tx.conn())
    .await?;
    audit::append(
        &mut tx,
        &ctx.actor.audit(),
        &AuditEvent {
            action: "update",
            object_type: "review_adviser",
            object_id: Some(adviser_id.to_string()),
            detail: json!({ "conflict_with": department_id, "reason": reason.trim() }),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

const COLUMNS: &str =
    "a.id, a.name, a.kind, a.organisation, a.specialty, a.town_id, t.name AS town, a.active";

fn from_row(r: &sqlx::any::AnyRow) -> Result<Adviser> {
    let kind: String = r.try_get("kind")?;
    Ok(Adviser {
        id: r.try_get("id")?,
        name: r.try_get("name")?,
        kind: AdviserKind::parse(&kind)
            .ok_or_else(|| Error::malformed(format!("adviser kind {kind}")))?,
        organisation: r.try_get("organisation")?,
        specialty: r.try_get("specialty")?,
        town_id: r.try_get("town_id")?,
        town: r.try_get("town")?,
        active: fazhi_store::flag(r.try_get("active")?),
        conflicts: Vec::new(),
    })
}

async fn conflicts_of(conn: &mut sqlx::AnyConnection, advisers: &mut [Adviser]) -> Result<()> {
    let rows = sqlx::query(
        "SELECT c.adviser_id, c.department_id, d.name, c.reason FROM review_adviser_conflicts c
         JOIN departments d ON d.id = c.department_id ORDER BY c.adviser_id, d.path",
    )
    .fetch_all(&mut *conn)
    .await?;
    for r in rows {
        let id: i64 = r.try_get("adviser_id")?;
        if let Some(a) = advisers.iter_mut().find(|a| a.id == id) {
            a.conflicts.push((
                r.try_get("department_id")?,
                r.try_get("name")?,
                r.try_get("reason")?,
            ));
        }
    }
    Ok(())
}

async fn get_in(conn: &mut sqlx::AnyConnection, id: i64) -> Result<Adviser> {
    let row = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM review_advisers a LEFT JOIN departments t ON t.id = a.town_id WHERE a.id = $1"
    )))
    .bind(id)
    .fetch_optional(&mut *conn)
    .await?
    .ok_or_else(|| Error::invalid("adviser_id", format!("审查人员库中没有编号 {id}。")))?;
    let mut a = vec![from_row(&row)?];
    conflicts_of(conn, &mut a).await?;
    a.pop().ok_or(Error::NotFound)
}

/// The towns' and streets' offices a "1+3+N" team can belong to: (id, name).
pub async fn towns(store: &Store) -> Result<Vec<(i64, String)>> {
    Ok(crate::org::towns(&mut *store.conn().await?)
        .await?
        .into_iter()
        .map(|t| (t.department_id, t.department))
        .collect())
}

/// One adviser with their conflicts, for the consult step.
pub async fn get(store: &Store, id: i64) -> Result<Adviser> {
    get_in(&mut *store.conn().await?, id).await
}

/// The register: the centre's pool is city-wide, not scoped; the centre and the supervisors
/// read it, and requesters see whom they may be consulted by.
pub async fn list(store: &Store, actor: &Actor) -> Result<Vec<Adviser>> {
    actor.require_any(&[
        Permission::NormativeManage,
        Permission::SupervisionManage,
        Permission::CaseHandle,
    ])?;
    let mut conn = store.conn().await?;
    let mut all = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM review_advisers a LEFT JOIN departments t ON t.id = a.town_id
         ORDER BY a.kind, a.id LIMIT 2000"
    )))
    .fetch_all(&mut *conn)
    .await?
    .iter()
    .map(from_row)
    .collect::<Result<Vec<_>>>()?;
    conflicts_of(&mut conn, &mut all).await?;
    Ok(all)
}

/// Demo data: two legal advisers (one who stays away from 店口镇's matters), an expert, and a
/// member of 店口镇's "1+3+N" team. Nothing is added when any adviser is held.
pub async fn seed_demo(store: &Store) -> Result<()> {
    let held: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM review_advisers")
        .fetch_one(store.pool())
        .await?;
    if held > 0 {
        return Ok(());
    }
    let unit = |name: &'static str| async move {
        sqlx::query_as::<_, (i64, i64)>("SELECT id, region_id FROM departments WHERE name = $1")
            .bind(name)
            .fetch_optional(store.pool())
            .await
    };
    let (Some((bureau, region)), Some((town, _))) =
        (unit("诸暨市司法局").await?, unit("店口镇人民政府").await?)
    else {
        return Ok(());
    };
    let mut tx = store.begin().await?;
    let now = now_ms();
    for (name, kind, organisation, specialty, town_id) in [
        (
            "周明",
            "legal_adviser",
            "浙江诸暨某律师事务所",
            "行政法",
            None,
        ),
        (
            "陈红",
            "legal_adviser",
            "浙江某某律师事务所",
            "合同法",
            None,
        ),
        (
            "王建国",
            "expert",
            "某大学法学院",
            "行政法、规范性文件审查",
            None,
        ),
        (
            "赵立新",
            "town_team",
            "店口司法所",
            "基层法律服务",
            Some(town),
        ),
    ] {
        sqlx::query(
            "INSERT INTO review_advisers (name, kind, organisation, specialty, town_id, region_id,
                department_id, created_at, updated_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8)",
        )
        .bind(name)
        .bind(kind)
        .bind(organisation)
        .bind(specialty)
        .bind(town_id)
        .bind(region)
        .bind(bureau)
        .bind(now)
        .execute(tx.conn())
        .await?;
    }
    sqlx::query(
        "INSERT INTO review_adviser_conflicts (adviser_id, department_id, reason)
         SELECT id, $1, '担任店口镇人民政府常年法律顾问' FROM review_advisers WHERE name = '周明'",
    )
    .bind(town)
    .execute(tx.conn())
    .await?;
    audit::append(
        &mut tx,
        &fazhi_store::audit::AuditActor::system("demo"),
        &AuditEvent {
            action: "create",
            object_type: "review_adviser",
            object_id: None,
            detail: json!({ "demo": true, "advisers": 4 }),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(())
}
