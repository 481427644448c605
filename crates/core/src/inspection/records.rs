//! Inspection records (行政检查记录) and the enforcement certificates (执法证) of the officers who
//! carry them out. An inspection names the entity (by its USCC), the department, the items
//! inspected, at least two officers each holding a certificate valid that day (行政处罚法 art.
//! 42), the result — no problem, rectification ordered, or a case filed (linked to the case) —
//! and whether it was part of a joint visit or a random draw.

use chrono::NaiveDate;
use fazhi_kernel::ids::Uscc;
use fazhi_store::page::Capped;
use fazhi_store::page::{Page, SortColumn, Sorted};
use fazhi_store::scope::RECORD_COLUMNS;
use fazhi_store::{DbRow, Row, Sql, Store, now_ms};
use serde::Serialize;
use serde_json::json;

use crate::access::{Actor, Permission};
use crate::listing::{self, Narrowing, Workbook};
use crate::org::rules::{optional_text, text};
use crate::{Error, Result};

// ---- certificates (执法证) ----

#[derive(Clone, Debug)]
pub struct NewCertificate {
    pub user_id: i64,
    pub number: String,
    pub valid_from: NaiveDate,
    pub valid_until: NaiveDate,
}

#[derive(Clone, Debug, Serialize)]
pub struct Certificate {
    pub id: i64,
    pub user_id: i64,
    pub holder: String,
    pub department: String,
    pub number: String,
    pub valid_from: String,
    pub valid_until: String,
    pub revoked_on: Option<String>,
}

fn certificate_number(value: &str) -> Result<String> {
    let v = value.trim().to_uppercase();
    let ok = (4..=32).contains(&v.chars().count())
        && v.chars().all(|c| c.is_ascii_alphanumeric() || c == '-');
    if ok {
        Ok(v)
    } else {
        Err(Error::invalid(
            "number",
            "执法证号应为 4 至 32 位字母、数字或连字符。",
        ))
    }
}

/// Registers an officer's certificate (the holder must be within the actor's scope).
pub async fn issue_certificate(
    store: &Store,
    actor: &Actor,
    input: &NewCertificate,
) -> Result<i64> {
    actor.require(Permission::SupervisionManage)?;
    let number = certificate_number(&input.number)?;
    if input.valid_until <= input.valid_from {
        return Err(Error::invalid("valid_until", "有效期止应晚于有效期起。"));
    }
    let holder = crate::org::service::user(store, actor, input.user_id)
        .await
        .map_err(Error::missing_as(
            "user_id",
            "请选择您管理范围内的执法人员。",
        ))?;
    // The three administrators run the system; they are not enforcement officers.
    if holder.roles.iter().any(|r| r.admin_kind.is_some()) {
        return Err(Error::invalid(
            "user_id",
            "管理员不是执法人员，不能登记执法证（三员分立）。",
        ));
    }
    let mut tx = store.begin().await?;
    let now = now_ms();
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO enforcement_certificates (user_id, number, valid_from, valid_until, region_id,
            department_id, created_by, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8) RETURNING id",
    )
    .bind(input.user_id)
    .bind(&number)
    .bind(input.valid_from.to_string())
    .bind(input.valid_until.to_string())
    .bind(holder.region_id)
    .bind(holder.department_id)
    .bind(actor.user_id)
    .bind(now)
    .fetch_one(tx.conn())
    .await
    .map_err(|e| match fazhi_store::StoreError::from(e) {
        e if e.is_unique_violation() => Error::invalid("number", "该执法证号已登记。"),
        e => e.into(),
    })?;
    crate::audit::record(
        &mut tx,
        actor,
        "create",
        "enforcement_certificate",
        Some(id.to_string()),
        json!({ "user_id": input.user_id, "number": number, "valid_from": input.valid_from.to_string(),
                "valid_until": input.valid_until.to_string() }),
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

/// Certificates within the actor's scope, by holder.
pub async fn certificates(store: &Store, actor: &Actor) -> Result<Capped<Certificate>> {
    actor.require(Permission::CaseRead)?;
    let mut sql = Sql::new(
        "SELECT c.id, c.user_id, u.display_name, d.name AS department, c.number, c.valid_from,
            c.valid_until, c.revoked_on
         FROM enforcement_certificates c JOIN users u ON u.id = c.user_id
         JOIN departments d ON d.id = c.department_id WHERE ",
    );
    sql.append(actor.scope.condition("c", RECORD_COLUMNS))
        .push(" ORDER BY d.name, u.display_name, c.id LIMIT 1001");
    sql.fetch_all(&mut *store.conn().await?)
        .await?
        .iter()
        .map(|r| {
            Ok(Certificate {
                id: r.try_get("id")?,
                user_id: r.try_get("user_id")?,
                holder: r.try_get("display_name")?,
                department: r.try_get("department")?,
                number: r.try_get("number")?,
                valid_from: r.try_get("valid_from")?,
                valid_until: r.try_get("valid_until")?,
                revoked_on: r.try_get("revoked_on")?,
            })
        })
        .collect::<Result<Vec<_>>>()
        .map(|rows| Capped::new(rows, 1000))
}

// ---- inspections (检查记录) ----

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum InspectionResult {
    /// 未发现问题
    NoProblem,
    /// 责令整改
    Rectification,
    /// 立案查处 (linked to the case)
    CaseFiled,
}

impl InspectionResult {
    pub const ALL: [InspectionResult; 3] = [
        InspectionResult::NoProblem,
        InspectionResult::Rectification,
        InspectionResult::CaseFiled,
    ];
    pub fn code(self) -> &'static str {
        match self {
            InspectionResult::NoProblem => "no_problem",
            InspectionResult::Rectification => "rectification",
            InspectionResult::CaseFiled => "case_filed",
        }
    }
    pub fn label_zh(self) -> &'static str {
        match self {
            InspectionResult::NoProblem => "未发现问题",
            InspectionResult::Rectification => "责令整改",
            InspectionResult::CaseFiled => "立案查处",
        }
    }
    pub fn parse(code: &str) -> Option<InspectionResult> {
        InspectionResult::ALL.into_iter().find(|o| o.code() == code)
    }
}

#[derive(Clone, Debug)]
pub struct NewInspection {
    pub entity_uscc: String,
    pub entity_name: String,
    pub department_id: i64,
    pub on: NaiveDate,
    pub items: Vec<String>,
    pub officers: Vec<i64>,
    pub outcome: InspectionResult,
    pub case_id: Option<i64>,
    pub note: Option<String>,
    pub joint: bool,
    pub random_draw: bool,
}

#[derive(Clone, Debug, Serialize)]
pub struct Inspection {
    pub id: i64,
    pub entity_uscc: String,
    pub entity_name: String,
    pub department: String,
    pub inspected_on: String,
    pub items: Vec<String>,
    /// (name, certificate number)
    pub officers: Vec<(String, String)>,
    pub outcome: InspectionResult,
    pub case_id: Option<i64>,
    pub note: Option<String>,
    pub joint: bool,
    pub random_draw: bool,
}

/// The items inspected: trimmed, sorted, each a code of the catalog, at least one.
pub(super) async fn catalog_items(store: &Store, items: &[String]) -> Result<Vec<String>> {
    let mut items: Vec<String> = items
        .iter()
        .map(|i| i.trim().to_string())
        .filter(|i| !i.is_empty())
        .collect();
    items.sort();
    items.dedup();
    if items.is_empty() {
        return Err(Error::invalid("items", "请填写检查事项（执法事项编码）。"));
    }
    let codes: Vec<&str> = items.iter().map(String::as_str).collect();
    let known =
        crate::enforcement::catalog::repo::versions_of(&mut *store.conn().await?, &codes).await?;
    if let Some(code) = items.iter().find(|c| !known.iter().any(|v| &v.code == *c)) {
        return Err(Error::invalid(
            "items",
            format!("执法事项目录中没有事项“{code}”。"),
        ));
    }
    Ok(items)
}

/// Records an inspection after checking the entity, items, officers and result.
pub async fn record(
    store: &Store,
    actor: &Actor,
    keyring: &crate::vault::Keyring,
    today: NaiveDate,
    input: &NewInspection,
) -> Result<i64> {
    actor.require(Permission::CaseHandle)?;
    let uscc = Uscc::parse(input.entity_uscc.trim()).map_err(|e| {
        Error::invalid(
            "entity_uscc",
            format!("被检查对象的统一社会信用代码无效：{}", e.message_zh()),
        )
    })?;
    let uscc = uscc.to_string();
    let name = text("entity_name", "被检查对象名称", &input.entity_name, 100)?;
    let note = optional_text("note", "检查情况", input.note.as_deref(), 1000)?;
    if input.on > today {
        return Err(Error::invalid("on", "检查日期不能晚于今天。"));
    }
    let region = crate::org::service::department(store, actor, input.department_id)
        .await
        .map_err(Error::missing_as(
            "department_id",
            "请选择您所在范围内的检查部门。",
        ))?
        .region_id;
    let items = catalog_items(store, &input.items).await?;
    let mut officers = input.officers.clone();
    officers.sort_unstable();
    officers.dedup();
    if officers.len() < 2 {
        return Err(Error::invalid(
            "officers",
            "检查应由两名以上持有执法证的执法人员进行（行政处罚法第四十二条）。",
        ));
    }
    let mut certificates: Vec<(i64, i64)> = Vec::new();
    for user in &officers {
        let row = sqlx::query(
            "SELECT u.display_name,
                (SELECT MIN(c.id) FROM enforcement_certificates c WHERE c.user_id = u.id
                   AND c.valid_from <= $2 AND c.valid_until >= $2
                   AND (c.revoked_on IS NULL OR c.revoked_on > $2)) AS certificate
             FROM users u WHERE u.id = $1",
        )
        .bind(*user)
        .bind(input.on.to_string())
        .fetch_optional(store.pool())
        .await?
        .ok_or_else(|| Error::invalid("officers", "执法人员不存在。"))?;
        let holder: String = row.try_get("display_name")?;
        let certificate: Option<i64> = row.try_get("certificate")?;
        let certificate = certificate.ok_or_else(|| {
            Error::invalid(
                "officers",
                format!("{holder} 在 {} 没有有效的执法证，不能参与检查。", input.on),
            )
        })?;
        certificates.push((*user, certificate));
    }
    let case_id = match (input.outcome, input.case_id) {
        (InspectionResult::CaseFiled, None) => {
            return Err(Error::invalid("case_id", "结果为立案查处的，请关联案件。"));
        }
        (InspectionResult::CaseFiled, Some(id)) => {
            crate::enforcement::cases::get(store, actor, id)
                .await
                .map_err(Error::missing_as(
                    "case_id",
                    "关联的案件不存在或不在您的范围内。",
                ))?;
            let party: Option<i64> = sqlx::query_scalar(
                "SELECT case_id FROM case_parties WHERE case_id = $1 AND uscc = $2 LIMIT 1",
            )
            .bind(id)
            .bind(&uscc)
            .fetch_optional(store.pool())
            .await?;
            if party.is_none() {
                return Err(Error::invalid(
                    "case_id",
                    "关联案件的当事人不是被检查对象。",
                ));
            }
            Some(id)
        }
        (_, Some(_)) => {
            return Err(Error::invalid("case_id", "只有立案查处的检查才关联案件。"));
        }
        (_, None) => None,
    };
    let mut tx = store.begin().await?;
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO inspections (entity_uscc, entity_name, department_id, region_id, inspected_on, items,
            outcome, case_id, note, joint, random_draw, created_by, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) RETURNING id",
    )
    .bind(&uscc)
    .bind(&name)
    .bind(input.department_id)
    .bind(region)
    .bind(input.on.to_string())
    .bind(items.join(","))
    .bind(input.outcome.code())
    .bind(case_id)
    .bind(&note)
    .bind(i64::from(input.joint))
    .bind(i64::from(input.random_draw))
    .bind(actor.user_id)
    .bind(now_ms())
    .fetch_one(tx.conn())
    .await?;
    let mut sql = Sql::new(
        "INSERT INTO inspection_officers (inspection_id, user_id, certificate_id) VALUES ",
    );
    for (n, (user, certificate)) in certificates.iter().enumerate() {
        sql.push(if n > 0 { ", (" } else { "(" })
            .bind(id)
            .push(", ")
            .bind(*user)
            .push(", ")
            .bind(*certificate)
            .push(")");
    }
    sql.execute(tx.conn()).await?;
    if input.random_draw {
        super::draws::link_inspection(&mut tx, id, &uscc, input.on).await?;
    }
    // The task's act code (drawn, or a published plan's) follows it into the inspection;
    // otherwise the inspection gets its own.
    let signed_by: Vec<(String, String)> = sqlx::query(
        "SELECT u.display_name, c.number FROM inspection_officers o JOIN users u ON u.id = o.user_id
         JOIN enforcement_certificates c ON c.id = o.certificate_id WHERE o.inspection_id = $1 ORDER BY u.id",
    )
    .bind(id)
    .fetch_all(tx.conn())
    .await?
    .iter()
    .map(|r| Ok((r.try_get("display_name")?, r.try_get("number")?)))
    .collect::<Result<_>>()?;
    if !super::acts::attach_inspection(&mut tx, id, &signed_by).await? {
        super::acts::issue(
            &mut tx,
            &super::acts::signing_key(keyring)?,
            actor,
            &[super::acts::NewAct {
                entity_uscc: uscc.clone(),
                entity_name: name.clone(),
                department_id: input.department_id,
                region_id: region,
                items: items.clone(),
                officers: signed_by,
                issued_on: input.on,
                draw_task_id: None,
                plan_task_id: None,
                inspection_id: Some(id),
            }],
        )
        .await?;
    }
    crate::audit::record(
        &mut tx,
        actor,
        "create",
        "inspection",
        Some(id.to_string()),
        json!({ "entity": uscc, "department_id": input.department_id, "on": input.on.to_string(),
                "items": items, "officers": officers, "outcome": input.outcome.code(), "case_id": case_id }),
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

const COLUMNS: &str =
    "i.id, i.entity_uscc, i.entity_name, d.name AS department, i.inspected_on, i.items,
    i.outcome, i.case_id, i.note, i.joint, i.random_draw";

fn inspection(r: &DbRow) -> Result<Inspection> {
    Ok(Inspection {
        id: r.try_get("id")?,
        entity_uscc: r.try_get("entity_uscc")?,
        entity_name: r.try_get("entity_name")?,
        department: r.try_get("department")?,
        inspected_on: r.try_get("inspected_on")?,
        items: r
            .try_get::<String, _>("items")?
            .split(',')
            .map(str::to_string)
            .collect(),
        officers: Vec::new(),
        outcome: InspectionResult::parse(&r.try_get::<String, _>("outcome")?)
            .unwrap_or(InspectionResult::NoProblem),
        case_id: r.try_get("case_id")?,
        note: r.try_get("note")?,
        joint: fazhi_store::flag(r.try_get("joint")?),
        random_draw: fazhi_store::flag(r.try_get("random_draw")?),
    })
}

pub async fn get(store: &Store, actor: &Actor, id: i64) -> Result<Inspection> {
    actor.require(Permission::CaseRead)?;
    let mut sql = Sql::new(&format!(
        "SELECT {COLUMNS} FROM inspections i JOIN departments d ON d.id = i.department_id WHERE i.id = "
    ));
    sql.bind(id)
        .push(" AND ")
        .append(actor.scope.condition("i", RECORD_COLUMNS));
    let mut conn = store.conn().await?;
    let mut i = inspection(
        &sql.fetch_optional(&mut conn)
            .await?
            .ok_or(Error::NotFound)?,
    )?;
    i.officers = sqlx::query(
        "SELECT u.display_name, c.number FROM inspection_officers o JOIN users u ON u.id = o.user_id
         JOIN enforcement_certificates c ON c.id = o.certificate_id WHERE o.inspection_id = $1 ORDER BY u.id",
    )
    .bind(id)
    .fetch_all(&mut *conn)
    .await?
    .iter()
    .map(|r| Ok((r.try_get("display_name")?, r.try_get("number")?)))
    .collect::<Result<_>>()?;
    Ok(i)
}

/// The columns the list of inspections sorts by.
pub const SORTS: &[SortColumn] = &[
    SortColumn {
        code: "inspected_on",
        expr: "i.inspected_on",
        numeric: false,
    },
    SortColumn {
        code: "entity",
        expr: "i.entity_name",
        numeric: false,
    },
];

/// Inspections in scope, optionally of one entity, narrowed (words in the entity's name or
/// code or the department; a range of inspection days), up to where the order is added.
fn list_query(
    actor: &Actor,
    entity: Option<&str>,
    narrowing: &Narrowing,
    select: &str,
) -> Result<Sql> {
    actor.require(Permission::CaseRead)?;
    let mut sql = Sql::new(&format!(
        "SELECT {select} FROM inspections i JOIN departments d ON d.id = i.department_id WHERE "
    ));
    sql.append(actor.scope.condition("i", RECORD_COLUMNS));
    if let Some(e) = entity.map(str::trim).filter(|e| !e.is_empty()) {
        sql.push(" AND i.entity_uscc = ").bind(e.to_uppercase());
    }
    narrowing.apply(
        &mut sql,
        &["i.entity_name", "i.entity_uscc", "d.name"],
        "i.inspected_on",
    )?;
    Ok(sql)
}

/// Inspections within the actor's scope in `order` (newest first by default); optionally of
/// one entity.
pub async fn list(
    store: &Store,
    actor: &Actor,
    entity: Option<&str>,
    narrowing: &Narrowing,
    order: Sorted,
) -> Result<Page<Inspection, String>> {
    let mut sql = list_query(
        actor,
        entity,
        narrowing,
        &format!("{COLUMNS}{}", order.key_column()),
    )?;
    order.apply(&mut sql, "i.id");
    let rows = sql.fetch_all(&mut *store.conn().await?).await?;
    order.finish(rows, inspection)
}

/// The list's total (capped, `listing::COUNT_CAP`).
pub async fn count(
    store: &Store,
    actor: &Actor,
    entity: Option<&str>,
    narrowing: &Narrowing,
) -> Result<(i64, bool)> {
    listing::count(store, list_query(actor, entity, narrowing, "1")?).await
}

/// Exactly the inspections the list shows, in its order, as .xlsx; audited as an export.
pub async fn export(
    store: &Store,
    actor: &Actor,
    entity: Option<&str>,
    narrowing: &Narrowing,
    order: &Sorted,
    progress: &(dyn Fn(usize) + Sync),
) -> Result<(Vec<u8>, usize)> {
    let mut book = Workbook::new(
        "行政检查记录",
        &[
            "被检查对象",
            "统一社会信用代码",
            "检查部门",
            "日期",
            "事项",
            "结果",
            "联合检查",
            "双随机",
        ],
    )?;
    let yes = |b: bool| if b { "是" } else { "否" };
    listing::export_pages(
        order,
        |k| list(store, actor, entity, narrowing, k),
        &mut book,
        |i: &Inspection| {
            vec![
                i.entity_name.as_str().into(),
                i.entity_uscc.as_str().into(),
                i.department.as_str().into(),
                i.inspected_on.as_str().into(),
                i.items.join("、").into(),
                i.outcome.label_zh().into(),
                yes(i.joint).into(),
                yes(i.random_draw).into(),
            ]
        },
        progress,
    )
    .await?;
    let (bytes, rows) = book.finish()?;
    listing::audit_export(
        store,
        actor,
        "inspections",
        rows,
        serde_json::json!({ "entity": entity, "q": narrowing.text, "from": narrowing.from, "until": narrowing.until }),
    )
    .await?;
    Ok((bytes, rows))
}
