//! Units' annual catalogs (目录): of major decisions (《重大行政决策程序暂行条例》art. 3: the
//! decision organ fixes and publishes its catalog each year) and a town's catalog of the
//! matters that need a legality review (合法性审查事项目录). The supervisor names which units
//! must issue one in a year; each unit records its issue, publication and filing with the city.
//! The report's rates (一(一)2 制发率/公示率; 一(三)3 制发率/备案率/数字应用率) are counted over
//! the units so named.

use chrono::NaiveDate;
use fazhi_store::audit::{self, AuditEvent};
use fazhi_store::scope::RECORD_COLUMNS;
use fazhi_store::{Row, Sql, Store, now_ms};
use serde::Serialize;
use serde_json::json;

use crate::{Actor, Ctx, Error, Permission, Refusals, Result};

/// Who names the units that must issue a catalog.
const SUPERVISORS: [Permission; 2] = [Permission::SupervisionManage, Permission::NormativeManage];

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CatalogKind {
    MajorDecision,
    LegalityReview,
}

impl CatalogKind {
    pub fn code(self) -> &'static str {
        match self {
            CatalogKind::MajorDecision => "major_decision",
            CatalogKind::LegalityReview => "legality_review",
        }
    }

    pub fn parse(code: &str) -> Option<CatalogKind> {
        [CatalogKind::MajorDecision, CatalogKind::LegalityReview]
            .into_iter()
            .find(|k| k.code() == code)
    }

    pub fn label_zh(self) -> &'static str {
        match self {
            CatalogKind::MajorDecision => "重大行政决策事项目录",
            CatalogKind::LegalityReview => "合法性审查事项目录",
        }
    }
}

#[derive(Clone, Debug, Serialize)]
pub struct Catalog {
    pub id: i64,
    pub kind: CatalogKind,
    pub year: i64,
    pub department_id: i64,
    pub department: String,
    pub issued_on: Option<String>,
    pub published_on: Option<String>,
    pub filed_on: Option<String>,
    pub items: String,
    /// Legality reviews the unit submitted in fazhi in the year (数字应用).
    pub reviews: i64,
    pub version: i64,
}

/// Sets the units that must issue a catalog of `kind` for `year` to `department_ids`: units
/// not yet named are added, and a named unit left out is removed — unless it has recorded its
/// catalog, which is then refused with its name. Returns how many were added.
pub async fn require(
    ctx: &Ctx<'_>,
    kind: CatalogKind,
    year: i64,
    department_ids: &[i64],
) -> Result<usize> {
    ctx.actor.require_any(&SUPERVISORS)?;
    if !(2000..=2100).contains(&year) {
        return Err(Error::invalid("year", "年度应在 2000 至 2100 之间。"));
    }
    if department_ids.is_empty() {
        return Err(Error::invalid("department_id", "请选择至少一个单位。"));
    }
    let mut tx = ctx.store.begin().await?;
    let named = in_year_conn(tx.conn(), ctx.actor, kind, year).await?;
    let dropped: Vec<&Catalog> = named
        .iter()
        .filter(|c| !department_ids.contains(&c.department_id))
        .collect();
    let kept: Vec<&str> = dropped
        .iter()
        .filter(|c| c.issued_on.is_some() || c.published_on.is_some() || c.filed_on.is_some())
        .map(|c| c.department.as_str())
        .collect();
    if !kept.is_empty() {
        return Err(Error::invalid(
            "department_id",
            format!("{}已填写目录，不能取消。", kept.join("、")),
        ));
    }
    for c in &dropped {
        sqlx::query("DELETE FROM unit_catalogs WHERE id = $1")
            .bind(c.id)
            .execute(tx.conn())
            .await?;
    }
    let removed: Vec<i64> = dropped.iter().map(|c| c.department_id).collect();
    let mut added = Vec::new();
    for id in department_ids {
        // Only a unit within the supervisor's own scope.
        let mut sql = Sql::new("SELECT d.region_id FROM departments d WHERE d.id = ");
        sql.bind(*id).push(" AND ").append(
            ctx.actor
                .scope
                .condition("d", crate::org::repo::DEPARTMENT_SCOPE),
        );
        let region: i64 = sql
            .fetch_optional(tx.conn())
            .await?
            .ok_or_else(|| {
                Error::invalid("department_id", format!("单位 {id} 不在您的管理范围内。"))
            })?
            .try_get("region_id")?;
        let inserted: Option<i64> = sqlx::query_scalar(
            "INSERT INTO unit_catalogs (kind, year, department_id, region_id, created_by, created_at, updated_at)
             VALUES ($1, $2, $3, $4, $5, $6, $6) ON CONFLICT DO NOTHING RETURNING id",
        )
        .bind(kind.code())
        .bind(year)
        .bind(*id)
        .bind(region)
        .bind(ctx.actor.user_id)
        .bind(now_ms())
        .fetch_optional(tx.conn())
        .await?;
        if inserted.is_some() {
            added.push(*id);
        }
    }
    audit::append(
        &mut tx,
        &ctx.actor.audit(),
        &AuditEvent {
            action: "create",
            object_type: "unit_catalog",
            object_id: None,
            detail: json!({ "kind": kind.code(), "year": year, "added": added, "removed": removed }),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(added.len())
}

/// What a unit records of its catalog.
pub struct Record<'a> {
    pub issued_on: Option<NaiveDate>,
    pub published_on: Option<NaiveDate>,
    pub filed_on: Option<NaiveDate>,
    pub items: &'a str,
}

pub async fn record(ctx: &Ctx<'_>, id: i64, seen_version: i64, r: &Record<'_>) -> Result<()> {
    ctx.actor.require_any(&[
        Permission::CaseHandle,
        Permission::SupervisionManage,
        Permission::NormativeManage,
    ])?;
    let mut tx = ctx.store.begin().await?;
    let c = load(tx.conn(), ctx.actor, id).await?;
    // The unit keeps its own catalog; the supervisor who counts the rates reads it.
    if c.department_id != ctx.actor.scope.department_id {
        return Err(Error::Forbidden);
    }
    let mut refusals = Refusals::default();
    if let Some(issued) = r.issued_on {
        let year = i64::from(chrono::Datelike::year(&issued));
        if year < c.year - 1 || year > c.year {
            refusals.push(Error::invalid(
                "issued_on",
                format!(
                    "{} 年度的目录，印发日期应在 {} 年或 {} 年内。",
                    c.year,
                    c.year - 1,
                    c.year
                ),
            ));
        }
    }
    let today = ctx.clock.today;
    for (field, on) in [
        ("issued_on", r.issued_on),
        ("published_on", r.published_on),
        ("filed_on", r.filed_on),
    ] {
        if on.is_some_and(|d| d > today) {
            refusals.push(Error::invalid(field, "日期在今天之后。"));
        }
    }
    match r.issued_on {
        None if r.published_on.is_some() || r.filed_on.is_some() => {
            refusals.push(Error::invalid(
                "issued_on",
                "目录印发后才能公布或备案：请先填写印发日期。",
            ));
        }
        Some(issued) => {
            if r.items.trim().is_empty() {
                refusals.push(Error::invalid(
                    "items",
                    "已印发的目录，请填写目录所列事项。",
                ));
            }
            for (field, on, what) in [
                ("published_on", r.published_on, "公布"),
                ("filed_on", r.filed_on, "备案"),
            ] {
                if on.is_some_and(|d| d < issued) {
                    refusals.push(Error::invalid(field, format!("{what}日期早于印发日期。")));
                }
            }
        }
        None => {}
    }
    if c.kind == CatalogKind::MajorDecision && r.filed_on.is_some() {
        refusals.push(Error::invalid(
            "filed_on",
            "重大行政决策事项目录按规定公布，不需报送备案。",
        ));
    }
    refusals.finish()?;
    crate::lock_seen(&mut tx, "unit_catalogs", id, seen_version, c.version).await?;
    let day = |d: Option<NaiveDate>| d.map(|d| d.to_string());
    tx.versioned_update(
        "unit_catalogs",
        id,
        c.version,
        vec![
            ("issued_on", day(r.issued_on).into()),
            ("published_on", day(r.published_on).into()),
            ("filed_on", day(r.filed_on).into()),
            ("items", r.items.trim().into()),
        ],
    )
    .await?;
    audit::append(
        &mut tx,
        &ctx.actor.audit(),
        &AuditEvent {
            action: "update",
            object_type: "unit_catalog",
            object_id: Some(id.to_string()),
            detail: json!({
                "issued_on": day(r.issued_on), "published_on": day(r.published_on),
                "filed_on": day(r.filed_on),
            }),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

const COLUMNS: &str = "c.id, c.kind, c.year, c.department_id, d.name AS department, c.issued_on,
    c.published_on, c.filed_on, c.items, c.version,
    (SELECT COUNT(*) FROM legality_reviews r WHERE r.department_id = c.department_id
        AND r.submitted_on >= c.year || '-01-01' AND r.submitted_on <= c.year || '-12-31') AS reviews";

fn from_row(r: &sqlx::any::AnyRow) -> Result<Catalog> {
    let kind: String = r.try_get("kind")?;
    Ok(Catalog {
        id: r.try_get("id")?,
        kind: CatalogKind::parse(&kind)
            .ok_or_else(|| Error::malformed(format!("catalog kind {kind}")))?,
        year: r.try_get("year")?,
        department_id: r.try_get("department_id")?,
        department: r.try_get("department")?,
        issued_on: r.try_get("issued_on")?,
        published_on: r.try_get("published_on")?,
        filed_on: r.try_get("filed_on")?,
        items: r.try_get("items")?,
        reviews: r.try_get("reviews")?,
        version: r.try_get("version")?,
    })
}

pub async fn get(store: &Store, actor: &Actor, id: i64) -> Result<Catalog> {
    actor.require_any(&[
        Permission::CaseHandle,
        Permission::SupervisionManage,
        Permission::NormativeManage,
    ])?;
    load(&mut *store.conn().await?, actor, id).await
}

async fn load(conn: &mut sqlx::AnyConnection, actor: &Actor, id: i64) -> Result<Catalog> {
    let mut sql = Sql::new(&format!(
        "SELECT {COLUMNS} FROM unit_catalogs c JOIN departments d ON d.id = c.department_id WHERE c.id = "
    ));
    sql.bind(id)
        .push(" AND ")
        .append(actor.scope.condition("c", RECORD_COLUMNS));
    from_row(&sql.fetch_optional(conn).await?.ok_or(Error::NotFound)?)
}

/// The catalogs of `kind` and `year` in the actor's scope, by unit. A year has one row per
/// unit named, so the list is short and not paged.
pub async fn list(
    store: &Store,
    actor: &Actor,
    kind: CatalogKind,
    year: i64,
) -> Result<Vec<Catalog>> {
    actor.require_any(&[
        Permission::CaseHandle,
        Permission::SupervisionManage,
        Permission::NormativeManage,
    ])?;
    in_year(store, actor, kind, year).await
}

/// `list` without its permission check, for the annual figures, which count within the
/// actor's scope whatever the actor may open.
pub async fn in_year(
    store: &Store,
    actor: &Actor,
    kind: CatalogKind,
    year: i64,
) -> Result<Vec<Catalog>> {
    in_year_conn(&mut *store.conn().await?, actor, kind, year).await
}

async fn in_year_conn(
    conn: &mut sqlx::AnyConnection,
    actor: &Actor,
    kind: CatalogKind,
    year: i64,
) -> Result<Vec<Catalog>> {
    let mut sql = Sql::new(&format!(
        "SELECT {COLUMNS} FROM unit_catalogs c JOIN departments d ON d.id = c.department_id WHERE c.kind = "
    ));
    sql.bind(kind.code())
        .push(" AND c.year = ")
        .bind(year)
        .push(" AND ")
        .append(actor.scope.condition("c", RECORD_COLUMNS))
        .push(" ORDER BY d.path, d.id");
    sql.fetch_all(conn).await?.iter().map(from_row).collect()
}

/// The counts behind the rates, over the units named for the year.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Counts {
    pub required: i64,
    pub issued: i64,
    pub published: i64,
    pub filed: i64,
    /// Units that ran at least one legality review in fazhi in the year.
    pub digital: i64,
}

impl Counts {
    pub fn of(catalogs: &[Catalog]) -> Counts {
        let n = |f: &dyn Fn(&Catalog) -> bool| catalogs.iter().filter(|c| f(c)).count() as i64;
        Counts {
            required: catalogs.len() as i64,
            issued: n(&|c| c.issued_on.is_some()),
            published: n(&|c| c.published_on.is_some()),
            filed: n(&|c| c.filed_on.is_some()),
            digital: n(&|c| c.reviews > 0),
        }
    }

    /// `part` over the units required; none over none is no rate.
    pub fn rate(&self, part: i64) -> Option<f64> {
        (self.required > 0).then(|| part as f64 / self.required as f64)
    }
}
