//! Penalty cases (行政处罚案件) handled in fazhi: filing (立案) with the checks the law makes at
//! that moment — the item is in the catalog, a town acts only on items delegated to it, the
//! limitation of art. 36 has not run, the parties' identifiers are valid — and the 90-day
//! decision deadline of art. 60 started on the deadline engine. Lists and records go through the
//! data scope. Later stages build on the same record.
//!
//! Long because the case's filing, its scoped list (with its sorts, search and export) and the
//! context its documents are filled from all read the same columns and party rows; the steps
//! after filing live in `case`.
//!
//! Long because filing (with its parties' checks and sealing), the scoped list with its filters
//! and the documents' context all read the case as filed; the steps after filing are in `case`.

use chrono::NaiveDate;
use fazhi_kernel::ids::{ResidentId, Uscc};
use fazhi_kernel::period::Period;
use fazhi_store::page::{Page, SortColumn, Sorted};
use fazhi_store::scope::RECORD_COLUMNS;
use fazhi_store::{DbRow, Row, Sql, Store, flag, now_ms};
use serde::Serialize;
use serde_json::json;

use super::rules::{PartyKind, limitation};
use crate::access::{Actor, Permission};
use crate::deadlines::{self, DeadlineRecord, NewDeadline};
use crate::listing::{self, Workbook};
use crate::vault::Keyring;
use crate::{Error, Refusals, Result};

pub const RESIDENT_ID: &str = "case_parties.resident_id";

pub use super::case::model::Procedure;

/// The label of a timeline event (流程记录): the stage it left the case at, or the other
/// events the timeline records beside the stages (a transfer to public security).
pub fn event_label(code: &str) -> &'static str {
    match code {
        "transferred" => "移送公安机关",
        other => match (
            super::stage::Stage::parse(other),
            super::case::Step::parse(other),
        ) {
            (None, Some(step)) => step.label_zh(),
            _ => stage_label(other),
        },
    }
}

/// The Chinese label of a stored stage code (`stage::Stage`); the database admits no other
/// codes, so the fallback marks data changed behind fazhi's back.
pub fn stage_label(code: &str) -> &'static str {
    super::stage::Stage::parse(code).map_or("（阶段数据有误）", super::stage::Stage::label_zh)
}

#[derive(Clone, Debug)]
pub struct NewParty {
    pub kind: PartyKind,
    pub name: String,
    pub resident_id: Option<String>,
    pub uscc: Option<String>,
    /// 住所 (organisation) or 住址 (person).
    pub address: Option<String>,
    pub phone: Option<String>,
    /// 法定代表人: organisations only.
    pub legal_representative: Option<String>,
}

#[derive(Clone, Debug)]
pub struct NewCase {
    pub item_code: String,
    pub cause: String,
    pub department_id: i64,
    /// The town where the case belongs; the department's region when not given.
    pub town_id: Option<i64>,
    /// `None` when the form's day was missing or malformed (refused with the others).
    pub act_ended_on: Option<NaiveDate>,
    pub discovered_on: Option<NaiveDate>,
    pub filed_on: Option<NaiveDate>,
    /// Life, health or financial safety with harmful consequences (5-year limitation).
    pub grave: bool,
    pub parties: Vec<NewParty>,
    /// 案件来源: one of `ORIGINS`.
    pub origin: Option<String>,
    /// 简要案情, for the filing approval.
    pub summary: Option<String>,
    /// The responsible person who approved the filing (立案审批人).
    pub approver: Option<String>,
}

/// How a case may come to an agency (案件来源).
pub const ORIGINS: [&str; 5] = [
    "监督检查",
    "投诉举报",
    "其他机关移送",
    "上级机关交办",
    "其他",
];

#[derive(Clone, Debug, Serialize)]
pub struct PartyView {
    pub kind: String,
    pub name: String,
    /// 330681********1234: the number itself stays sealed.
    pub resident_id_masked: Option<String>,
    pub uscc: Option<String>,
    pub legal_representative: Option<String>,
    /// 138****5678; the number and the address stay sealed (documents open them).
    pub phone_masked: Option<String>,
}

#[derive(Clone, Debug, Serialize)]
pub struct CaseSummary {
    pub id: i64,
    pub source_system: String,
    pub stage: String,
    pub procedure: String,
    pub item_code: String,
    pub cause: String,
    pub department_name: String,
    pub region_name: String,
    pub act_ended_on: String,
    pub discovered_on: String,
    pub filed_on: String,
    pub grave: bool,
    pub decision_number: Option<String>,
    /// The first party's name (an organisation's in full; a person's as registered — the list
    /// is for those who handle or supervise the case).
    pub party_name: Option<String>,
    /// The latest evaluation's score and grade code, once evaluated.
    pub score: Option<i64>,
    pub grade: Option<String>,
    /// A reconsideration (`reconsideration`) or suit (`litigation`) the party brought against
    /// the decision and still pending.
    pub disputing: Option<String>,
}

impl CaseSummary {
    /// The stage as people say it: a delivered decision the party disputes is 复议中 / 诉讼中,
    /// not merely 已送达 (the stored stage stays: the steps after it are the same).
    pub fn stage_shown(&self) -> String {
        match self.disputing.as_deref() {
            Some("litigation") => format!("{}（行政诉讼中）", stage_label(&self.stage)),
            Some(_) => format!("{}（行政复议中）", stage_label(&self.stage)),
            None => stage_label(&self.stage).to_string(),
        }
    }
}

/// The stage filter's value for cases whose decision the party disputes, pending.
pub const DISPUTING: &str = "disputing";

#[derive(Clone, Debug, Serialize)]
pub struct CaseEvent {
    pub stage: String,
    pub happened_on: String,
    pub actor_name: String,
    pub note: String,
}

#[derive(Clone, Debug, Serialize)]
pub struct CaseDetail {
    pub case: CaseSummary,
    pub parties: Vec<PartyView>,
    pub events: Vec<CaseEvent>,
    pub deadlines: Vec<DeadlineRecord>,
}

pub(super) struct SealedParty {
    pub kind: &'static str,
    pub name: String,
    pub sealed: Option<String>,
    pub index: Option<String>,
    pub masked: Option<String>,
    pub uscc: Option<String>,
    pub address_sealed: Option<String>,
    pub phone_sealed: Option<String>,
    pub phone_masked: Option<String>,
    pub legal_representative: Option<String>,
}

/// A party's columns after its case and ordinal, in the order `SealedParty::bind_values` binds.
pub(super) const PARTY_COLUMNS: &str = "kind, name, resident_id_sealed, resident_id_index, resident_id_masked, uscc, address_sealed, phone_sealed, phone_masked, legal_representative";

impl SealedParty {
    /// `, value` for each of `PARTY_COLUMNS`.
    pub(super) fn bind_values(self, sql: &mut Sql) {
        sql.push(", ").bind(self.kind).push(", ").bind(self.name);
        for v in [
            self.sealed,
            self.index,
            self.masked,
            self.uscc,
            self.address_sealed,
            self.phone_sealed,
            self.phone_masked,
            self.legal_representative,
        ] {
            sql.push(", ").bind(v);
        }
    }
}

/// Column purposes (the associated data of the seal) of a party's address and telephone.
pub const ADDRESS: &str = "case_parties.address";
pub const PHONE: &str = "case_parties.phone";

/// A telephone as the documents print it: a mobile number (checked like any other) or a
/// landline of digits with an optional area-code hyphen.
fn check_phone(name: &str, raw: &str) -> Result<(String, String)> {
    let phone = raw.trim();
    let digits = phone.chars().filter(char::is_ascii_digit).count();
    let landline =
        phone.chars().all(|c| c.is_ascii_digit() || c == '-') && (7..=13).contains(&digits);
    if digits == 11 && phone.starts_with('1') {
        let m = fazhi_kernel::ids::Mobile::parse(phone).map_err(|e| {
            Error::invalid(
                "phone",
                format!("当事人 {name} 的联系电话无效：{}", e.message_zh()),
            )
        })?;
        Ok((m.as_str().to_string(), m.masked()))
    } else if landline {
        let keep = phone.len().saturating_sub(4);
        Ok((
            phone.to_string(),
            format!("{}{}", "*".repeat(keep), &phone[keep..]),
        ))
    } else {
        Err(Error::invalid(
            "phone",
            format!(
                "当事人 {name} 的联系电话“{phone}”应为 11 位手机号或带区号的固定电话（如 0575-87012345）。"
            ),
        ))
    }
}

/// The details a document names besides the identifier, checked and sealed.
struct Details {
    address_sealed: Option<String>,
    phone_sealed: Option<String>,
    phone_masked: Option<String>,
    legal_representative: Option<String>,
}

fn check_details(keyring: &Keyring, name: &str, p: &NewParty) -> Result<Details> {
    use crate::org::rules::optional_text;
    let mut refused = Refusals::default();
    let address = refused
        .take(optional_text(
            "address",
            "住所（住址）",
            p.address.as_deref(),
            200,
        ))?
        .flatten();
    let legal_representative = refused
        .take(optional_text(
            "legal_representative",
            "法定代表人",
            p.legal_representative.as_deref(),
            50,
        ))?
        .flatten();
    if legal_representative.is_some() && p.kind == PartyKind::Person {
        refused.push(Error::invalid(
            "legal_representative",
            format!("当事人 {name} 是自然人，没有法定代表人。"),
        ));
    }
    let phone = refused
        .take(
            optional_text("phone", "联系电话", p.phone.as_deref(), 30)?
                .map(|v| check_phone(name, &v))
                .transpose(),
        )?
        .flatten();
    refused.finish()?;
    Ok(Details {
        address_sealed: address.map(|a| keyring.seal(ADDRESS, &a)).transpose()?,
        phone_sealed: phone
            .as_ref()
            .map(|(v, _)| keyring.seal(PHONE, v))
            .transpose()?,
        phone_masked: phone.map(|(_, m)| m),
        legal_representative,
    })
}

pub(super) fn check_parties(
    keyring: &Keyring,
    parties: &[NewParty],
    filed_on: NaiveDate,
) -> Result<Vec<SealedParty>> {
    if parties.is_empty() {
        return Err(Error::invalid("parties", "请填写当事人。"));
    }
    parties
        .iter()
        .map(|p| {
            // A party's own faults are reported together.
            let mut refused = Refusals::default();
            let name = refused
                .take(crate::org::rules::text(
                    "party_name",
                    "当事人名称",
                    &p.name,
                    100,
                ))?
                .unwrap_or_default();
            let d = refused.take(check_details(keyring, &name, p))?;
            let missing = |what: &str, field: &'static str| {
                Error::invalid(field, format!("请填写当事人 {name} 的{what}。"))
            };
            let code = match p.kind {
                PartyKind::Person => p.resident_id.as_deref(),
                PartyKind::Organisation => p.uscc.as_deref(),
            }
            .map(str::trim)
            .unwrap_or("");
            match p.kind {
                PartyKind::Person if code.is_empty() => {
                    refused.push(missing("公民身份号码", "resident_id"))
                }
                PartyKind::Organisation if code.is_empty() => {
                    refused.push(missing("统一社会信用代码", "uscc"))
                }
                _ => {}
            }
            refused.finish()?;
            // `finish` passed: the details were accepted.
            let Some(d) = d else {
                return Err(Error::invalid("parties", "当事人信息有误。"));
            };
            match p.kind {
                PartyKind::Person => {
                    let raw = p.resident_id.as_deref().unwrap_or("");
                    let id = ResidentId::parse_on(raw, filed_on).map_err(|e| {
                        Error::invalid(
                            "resident_id",
                            format!("当事人 {name} 的公民身份号码无效：{}", e.message_zh()),
                        )
                    })?;
                    Ok(SealedParty {
                        kind: "person",
                        name,
                        sealed: Some(keyring.seal(RESIDENT_ID, id.as_str())?),
                        index: Some(keyring.blind_index(RESIDENT_ID, id.as_str())),
                        masked: Some(id.masked()),
                        uscc: None,
                        address_sealed: d.address_sealed,
                        phone_sealed: d.phone_sealed,
                        phone_masked: d.phone_masked,
                        legal_representative: d.legal_representative,
                    })
                }
                PartyKind::Organisation => {
                    let raw = p.uscc.as_deref().unwrap_or("");
                    let u = Uscc::parse(raw).map_err(|e| {
                        Error::invalid(
                            "uscc",
                            format!("当事人 {name} 的统一社会信用代码无效：{}", e.message_zh()),
                        )
                    })?;
                    Ok(SealedParty {
                        kind: "organisation",
                        name,
                        sealed: None,
                        index: None,
                        masked: None,
                        uscc: Some(u.as_str().to_string()),
                        address_sealed: d.address_sealed,
                        phone_sealed: d.phone_sealed,
                        phone_masked: d.phone_masked,
                        legal_representative: d.legal_representative,
                    })
                }
            }
        })
        .collect()
}

/// The item a filing names (a code, "编码 名称" or its name), in force on `on`: its code, the
/// version in force and its delegations.
async fn find_item(
    store: &Store,
    department_id: i64,
    typed: &str,
    on: NaiveDate,
) -> Result<(
    String,
    super::catalog::EnforcementItem,
    Vec<super::catalog::Delegation>,
)> {
    if typed.trim().is_empty() {
        return Err(Error::invalid(
            "item_code",
            "请输入执法事项的编码或名称，从列表中选择。",
        ));
    }
    let code = super::catalog::service::resolve_code(store, department_id, typed, on).await?;
    let (_, current, delegations) = super::catalog::service::item(store, &code, on)
        .await
        .map_err(|_| {
            Error::invalid(
                "item_code",
                format!("事项“{code}”不在执法事项目录中：请输入事项编码或名称，从列表中选择。"),
            )
        })?;
    let item = current.ok_or_else(|| {
        Error::invalid("item_code", format!("事项 {code} 在 {on} 未生效或已废止。"))
    })?;
    Ok((code, item, delegations))
}

/// Files a case (立案) and starts its decision deadline (art. 60: 90 calendar days).
pub async fn file(ctx: &crate::Ctx<'_>, input: &NewCase) -> Result<i64> {
    let (store, actor, keyring) = (ctx.store, ctx.actor, ctx.keyring);
    let (cal, policy) = (ctx.clock.cal, ctx.clock.policy);
    actor.require(Permission::CaseHandle)?;
    let today = crate::deadlines::china_today();
    // The form's own checks all run, so every refused field is shown at once.
    let mut refused = Refusals::default();
    let cause = refused.take(crate::org::rules::text("cause", "案由", &input.cause, 200))?;
    let day = |v: Option<NaiveDate>, field: &'static str, label: &str| {
        v.ok_or_else(|| Error::invalid(field, format!("请填写{label}（YYYY-MM-DD）。")))
    };
    let act_ended_on = refused.take(day(input.act_ended_on, "act_ended_on", "违法行为终了日"))?;
    let discovered_on = refused.take(day(input.discovered_on, "discovered_on", "发现日"))?;
    let filed_on = refused.take(day(input.filed_on, "filed_on", "立案日"))?;
    if let (Some(act), Some(found), Some(filed)) = (act_ended_on, discovered_on, filed_on) {
        if !(act <= found && found <= filed) {
            refused.push(Error::invalid(
                "filed_on",
                "日期顺序应为：违法行为终了日 ≤ 发现日 ≤ 立案日。",
            ));
        }
        if filed > today {
            refused.push(Error::invalid("filed_on", "立案日期不能晚于今天。"));
        }
        refused.take(
            limitation(cal, act, found, input.grave).map_err(|m| Error::invalid("act_ended_on", m)),
        )?;
    }
    let parties = refused.take(check_parties(
        keyring,
        &input.parties,
        filed_on.unwrap_or(today),
    ))?;
    let origin = refused.take(
        match input
            .origin
            .as_deref()
            .map(str::trim)
            .filter(|o| !o.is_empty())
        {
            None => Err(Error::refused(
                "case_origin_required",
                "origin",
                format!(
                    "请选择案件来源（{}；《行政处罚法》第五十四条）。",
                    ORIGINS.join("、")
                ),
            )),
            Some(o) if ORIGINS.contains(&o) => Ok(o.to_string()),
            Some(o) => Err(Error::invalid(
                "origin",
                format!("案件来源“{o}”应为：{}。", ORIGINS.join("、")),
            )),
        },
    )?;
    // The filing form states the case's source and summary and is approved by the organ's head
    // (行政处罚法 art. 54 ¶2); the sheet checks them (F07, F09), so the form asks for them.
    let summary = refused.take(
        crate::org::rules::optional_text("summary", "简要案情", input.summary.as_deref(), 1000)
            .and_then(|s| {
                s.ok_or_else(|| {
                    Error::refused("case_summary_required", "summary", "请填写简要案情。")
                })
            }),
    )?;
    let approver = refused.take(
        crate::org::rules::optional_text("approver", "立案审批人", input.approver.as_deref(), 50)
            .and_then(|a| {
                a.ok_or_else(|| {
                    Error::refused(
                        "case_filing_approver_required",
                        "approver",
                        "普通程序立案须经行政机关负责人批准，请填写立案审批人。",
                    )
                })
            }),
    )?;
    // The department and the item are refused with the rest (an empty item is said at once).
    let dept = refused.take(
        crate::org::service::department(store, actor, input.department_id)
            .await
            .map_err(Error::missing_as(
                "department_id",
                "办案部门不存在或不在您的权限范围内。",
            )),
    )?;
    let item_day = filed_on.unwrap_or(today);
    let found = match &dept {
        Some(dept) => refused.take(find_item(store, dept.id, &input.item_code, item_day).await)?,
        None => None,
    };
    refused.finish()?;
    // `finish` passed, so every check above gave its value.
    let (
        Some(cause),
        Some(parties),
        Some(origin),
        Some(summary),
        Some(approver),
        Some(act_ended_on),
        Some(discovered_on),
        Some(filed_on),
    ) = (
        cause,
        parties,
        origin,
        summary,
        approver,
        act_ended_on,
        discovered_on,
        filed_on,
    )
    else {
        return Err(Error::invalid("form", "表单有误。"));
    };
    let origin = Some(origin);
    let (Some(dept), Some((_, item, delegations))) = (dept, found) else {
        return Err(Error::invalid("form", "表单有误。"));
    };
    // A town office acts only on items delegated to its town (赋权) on the filing day.
    let dept_region_kind: String = sqlx::query_scalar("SELECT kind FROM regions WHERE id = $1")
        .bind(dept.region_id)
        .fetch_one(store.pool())
        .await?;
    let day = filed_on.to_string();
    if dept_region_kind == "town" {
        let delegated = delegations.iter().any(|d| {
            d.town_id == dept.region_id
                && d.effective_from <= day
                && d.effective_until
                    .as_deref()
                    .is_none_or(|u| u >= day.as_str())
        });
        if !delegated {
            return Err(Error::invalid(
                "item_code",
                format!(
                    "事项“{}”未赋权给{}，镇乡（街道）不能立案办理。",
                    item.name, dept.region_name
                ),
            ));
        }
    }
    let region_id = input.town_id.unwrap_or(dept.region_id);
    let now = now_ms();
    let source_id = format!("F{}", crate::auth::password::random_hex(8));
    let mut tx = store.begin().await?;
    let id = super::case::repo::insert_filed(
        &mut tx,
        &super::case::repo::Filing {
            source_id: &source_id,
            item_code: &item.code,
            cause: &cause,
            department_id: dept.id,
            region_id,
            act_ended_on,
            discovered_on,
            filed_on: &day,
            grave: input.grave,
            created_by: actor.user_id,
            origin: origin.as_deref(),
            summary: Some(&summary),
            filing_approver: Some(&approver),
        },
    )
    .await?;
    let mut insert = Sql::new(&format!(
        "INSERT INTO case_parties (case_id, ordinal, {PARTY_COLUMNS}) VALUES "
    ));
    let party_count = parties.len();
    for (n, p) in parties.into_iter().enumerate() {
        if n > 0 {
            insert.push(", ");
        }
        insert.push("(").bind(id).push(", ").bind(n as i64);
        p.bind_values(&mut insert);
        insert.push(")");
    }
    insert.execute(tx.conn()).await?;
    // The filing's approval form (立案审批表) enters the file with the case.
    super::case::repo::file_documents(
        &mut tx,
        actor,
        id,
        Some("file"),
        &[super::case::transition::Filed {
            kind: super::file_contents::DocKind::FilingApproval,
            on: filed_on,
            takes_number: false,
            number: None,
            amount: None,
        }],
        None,
    )
    .await?;
    sqlx::query("INSERT INTO case_events (case_id, stage, happened_on, actor_name, note, created_at) VALUES ($1, 'filed', $2, $3, $4, $5)")
        .bind(id)
        .bind(&day)
        .bind(&actor.display_name)
        .bind(format!("立案：{cause}"))
        .bind(now)
        .execute(tx.conn())
        .await?;
    deadlines::create(
        &mut tx,
        actor,
        cal,
        policy,
        &NewDeadline {
            subject_type: "case".into(),
            subject_id: id.to_string(),
            purpose: format!("作出处罚决定：{cause}"),
            law: "《中华人民共和国行政处罚法》".into(),
            article: "第六十条".into(),
            start_event: "立案".into(),
            start_on: filed_on,
            period: Period::CalendarDays(90),
            responsible_user_id: actor.user_id,
            department_id: dept.id,
            party_period: false,
        },
        today,
    )
    .await?;
    crate::audit::record(&mut tx, actor, "create", "case", Some(id.to_string()), json!({ "cause": cause, "item_code": item.code, "department_id": dept.id, "filed_on": day, "parties": party_count })).await?;
    tx.commit().await?;
    Ok(id)
}

fn summary(row: &DbRow) -> Result<CaseSummary> {
    Ok(CaseSummary {
        id: row.try_get("id")?,
        source_system: row.try_get("source_system")?,
        stage: row.try_get("stage")?,
        procedure: row.try_get("procedure")?,
        item_code: row.try_get("item_code")?,
        cause: row.try_get("cause")?,
        department_name: row.try_get("department_name")?,
        region_name: row.try_get("region_name")?,
        act_ended_on: row.try_get("act_ended_on")?,
        discovered_on: row.try_get("discovered_on")?,
        filed_on: row.try_get("filed_on")?,
        grave: flag(row.try_get("grave")?),
        decision_number: row.try_get("decision_number")?,
        party_name: row.try_get("party_name")?,
        score: row.try_get("score")?,
        grade: row.try_get("grade")?,
        disputing: row.try_get("disputing")?,
    })
}

/// A case summary's columns (`summary`), over `cases c` with `SUMMARY_JOINS`.
const SUMMARY_COLUMNS: &str = "c.id, c.source_system, c.stage, c.procedure, c.item_code, c.cause,
    d.name AS department_name, r.name AS region_name, c.act_ended_on, c.discovered_on, c.filed_on,
    c.grave, c.decision_number,
    (SELECT p.name FROM case_parties p WHERE p.case_id = c.id ORDER BY p.ordinal LIMIT 1) AS party_name,
    e.score, e.grade,
    CASE WHEN c.dispute_on IS NOT NULL AND c.dispute_concluded_on IS NULL THEN c.dispute_kind END AS disputing";
const SUMMARY_JOINS: &str = "JOIN departments d ON d.id = c.department_id
    JOIN regions r ON r.id = c.region_id LEFT JOIN case_evaluations e ON e.case_id = c.id";

/// One case's summary query up to its open WHERE clause, in scope.
fn select(actor: &Actor) -> Sql {
    let mut sql = Sql::new(&format!(
        "SELECT {SUMMARY_COLUMNS} FROM cases c {SUMMARY_JOINS} WHERE "
    ));
    sql.append(actor.scope.condition("c", RECORD_COLUMNS));
    sql
}

#[derive(Clone, Debug, Default)]
pub struct CaseFilter {
    pub region_id: Option<i64>,
    pub item_code: Option<String>,
    pub stage: Option<String>,
    /// `general` or `summary`.
    pub procedure: Option<String>,
    /// Filed on or after / on or before (YYYY-MM-DD).
    pub filed_from: Option<String>,
    pub filed_until: Option<String>,
    /// Only cases a town's department filed on an item delegated to that town on the filing
    /// day (the report's 赋权镇乡案件).
    pub delegated: bool,
    /// Only cases filed by a department of this town (region id).
    pub filing_town: Option<i64>,
    /// Only cases whose latest evaluation found this rule of the sheet (案卷评查).
    pub finding: Option<String>,
    /// Words in the decision number, the cause or a party's name (案号、案由、当事人).
    pub text: Option<String>,
    pub department_id: Option<i64>,
    /// The latest evaluation's grade (`excellent` / `pass` / `fail`), or `none` for not yet
    /// evaluated.
    pub grade: Option<String>,
}

/// On `cases c`: filed by a department of a town, on an item delegated to that town on the
/// filing day. The figures count by it and their links list by it, so the two agree.
pub const DELEGATED_TO_FILING_TOWN: &str = "EXISTS (SELECT 1 FROM departments fd
    JOIN regions ft ON ft.id = fd.region_id
    JOIN delegations g ON g.town_id = ft.id AND g.item_code = c.item_code
    WHERE fd.id = c.department_id AND ft.kind = 'town' AND g.effective_from <= c.filed_on
      AND (g.effective_until IS NULL OR g.effective_until >= c.filed_on))";

/// How many cases the actor may see match `filter` (the list's total), counted up to
/// `listing::COUNT_CAP`; `true` when there are more.
pub async fn count(store: &Store, actor: &Actor, filter: &CaseFilter) -> Result<(i64, bool)> {
    actor.require(Permission::CaseRead)?;
    let mut sql = Sql::new("SELECT 1 FROM cases c WHERE ");
    sql.append(actor.scope.condition("c", RECORD_COLUMNS));
    filtered(&mut sql, filter)?;
    listing::count(store, sql).await
}

/// The columns the case list sorts by (each never NULL).
pub const SORTS: &[SortColumn] = &[
    SortColumn {
        code: "filed_on",
        expr: "c.filed_on",
        numeric: false,
    },
    SortColumn {
        code: "number",
        expr: "COALESCE(c.decision_number, '')",
        numeric: false,
    },
    SortColumn {
        code: "score",
        expr: "COALESCE(e.score, -1)",
        numeric: true,
    },
];

/// The filter's conditions, appended to a query on `cases c` whose WHERE clause is open.
fn filtered(sql: &mut Sql, filter: &CaseFilter) -> Result<()> {
    if let Some(r) = filter.region_id {
        sql.push(" AND c.region_id = ").bind(r);
    }
    if let Some(i) = filter.item_code.as_deref().filter(|s| !s.is_empty()) {
        sql.push(" AND c.item_code = ").bind(i);
    }
    match filter.stage.as_deref().filter(|s| !s.is_empty()) {
        None => {}
        Some(DISPUTING) => {
            sql.push(" AND c.dispute_on IS NOT NULL AND c.dispute_concluded_on IS NULL");
        }
        Some(s) => {
            sql.push(" AND c.stage = ").bind(s);
        }
    }
    match filter.procedure.as_deref().filter(|s| !s.is_empty()) {
        None => {}
        Some(p @ ("general" | "summary")) => {
            sql.push(" AND c.procedure = ").bind(p);
        }
        Some(other) => {
            return Err(Error::invalid(
                "procedure",
                format!("程序“{other}”应为 general（普通程序）或 summary（简易程序）。"),
            ));
        }
    }
    let (from, until) = listing::range(
        ("filed_from", filter.filed_from.as_deref()),
        ("filed_until", filter.filed_until.as_deref()),
    )?;
    if let Some(d) = from {
        sql.push(" AND c.filed_on >= ").bind(d);
    }
    if let Some(d) = until {
        sql.push(" AND c.filed_on <= ").bind(d);
    }
    if filter.delegated {
        sql.push(" AND ").push(DELEGATED_TO_FILING_TOWN);
    }
    if let Some(town) = filter.filing_town {
        sql.push(" AND (SELECT fd.region_id FROM departments fd WHERE fd.id = c.department_id) = ")
            .bind(town);
    }
    match filter
        .finding
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        None => {}
        Some(code) if crate::supervision::sheet::rule(code).is_some() => {
            sql.push(" AND c.id IN (SELECT f.case_id FROM case_findings f WHERE f.rule_code = ")
                .bind(code)
                .push(")");
        }
        Some(other) => {
            return Err(Error::invalid(
                "finding",
                format!("评查项“{other}”不在评查表中。"),
            ));
        }
    }
    if let Some(t) = filter
        .text
        .as_deref()
        .map(str::trim)
        .filter(|t| !t.is_empty())
    {
        if t.chars().count() > 100 {
            return Err(Error::invalid("q", "查询词不超过 100 字。"));
        }
        let pattern = listing::like(t);
        // One set of matching ids, joined as a semi-join: the cases and their parties are each
        // read once. A correlated EXISTS per case cost seconds for a rare word at a million
        // cases; an IN inside an OR is rerun per row on PostgreSQL once the set outgrows its
        // memory (minutes for a common one).
        sql.push(" AND c.id IN (SELECT w.id FROM cases w WHERE w.decision_number LIKE ")
            .bind(pattern.clone())
            .push(" ESCAPE '\\' OR w.cause LIKE ")
            .bind(pattern.clone())
            .push(" ESCAPE '\\' UNION ALL SELECT p.case_id FROM case_parties p WHERE p.name LIKE ")
            .bind(pattern)
            .push(" ESCAPE '\\')");
    }
    if let Some(d) = filter.department_id {
        sql.push(" AND c.department_id = ").bind(d);
    }
    match filter.grade.as_deref().filter(|g| !g.is_empty()) {
        None => {}
        Some("none") => {
            sql.push(" AND NOT EXISTS (SELECT 1 FROM case_evaluations ge WHERE ge.case_id = c.id)");
        }
        Some("evaluated") => {
            sql.push(" AND EXISTS (SELECT 1 FROM case_evaluations ge WHERE ge.case_id = c.id)");
        }
        Some(g @ ("excellent" | "pass" | "fail")) => {
            sql.push(" AND EXISTS (SELECT 1 FROM case_evaluations ge WHERE ge.case_id = c.id AND ge.grade = ")
                .bind(g)
                .push(")");
        }
        Some(other) => {
            return Err(Error::invalid(
                "grade",
                format!("评查等次“{other}”应为优秀、合格、不合格或未评查。"),
            ));
        }
    }
    Ok(())
}

/// Exactly the cases `list` shows under `filter`, in its order (every page of it), as an .xlsx
/// workbook written row by row in constant memory, and how many; audited as an export with
/// the filter. `progress` hears the rows written after each page.
pub async fn export(
    store: &Store,
    actor: &Actor,
    filter: &CaseFilter,
    order: &Sorted,
    progress: &(dyn Fn(usize) + Sync),
) -> Result<(Vec<u8>, usize)> {
    actor.require(Permission::CaseRead)?;
    let mut book = Workbook::new(
        "行政处罚案件",
        &[
            "案号",
            "当事人",
            "案由",
            "办案部门",
            "所在区域",
            "事项编码",
            "阶段",
            "程序",
            "违法行为终了日",
            "发现日",
            "立案日",
            "评查得分",
            "评查等次",
        ],
    )?;
    listing::export_pages(
        order,
        |k| list(store, actor, filter, k),
        &mut book,
        |c: &CaseSummary| {
            vec![
                c.decision_number.clone().into(),
                c.party_name.clone().into(),
                c.cause.as_str().into(),
                c.department_name.as_str().into(),
                c.region_name.as_str().into(),
                c.item_code.as_str().into(),
                c.stage_shown().into(),
                if c.procedure == "summary" {
                    "简易程序"
                } else {
                    "普通程序"
                }
                .into(),
                c.act_ended_on.as_str().into(),
                c.discovered_on.as_str().into(),
                c.filed_on.as_str().into(),
                c.score.into(),
                match c.grade.as_deref() {
                    Some("excellent") => "优秀",
                    Some("pass") => "合格",
                    Some("fail") => "不合格",
                    _ => "未评查",
                }
                .into(),
            ]
        },
        progress,
    )
    .await?;
    let (bytes, rows) = book.finish()?;
    listing::audit_export(
        store,
        actor,
        "cases",
        rows,
        json!({
            "q": filter.text, "department_id": filter.department_id, "region_id": filter.region_id,
            "item_code": filter.item_code, "stage": filter.stage, "procedure": filter.procedure,
            "filed_from": filter.filed_from, "filed_until": filter.filed_until, "grade": filter.grade,
            "finding": filter.finding, "delegated": filter.delegated, "filing_town": filter.filing_town,
            "sort": order.by.map(|c| c.code), "desc": order.desc,
        }),
    )
    .await?;
    Ok((bytes, rows))
}

/// Cases the actor may see in `order` (newest first by default), keyset-paged.
pub async fn list(
    store: &Store,
    actor: &Actor,
    filter: &CaseFilter,
    order: Sorted,
) -> Result<Page<CaseSummary, String>> {
    actor.require(Permission::CaseRead)?;
    // The page's rows are chosen first, by the filter and order alone; only those get the
    // columns that cost per row (the party, the names, the score). Choosing with them made a
    // town's item list (thousands of rows, sorted) ten times slower at a million cases.
    let mut inner = Sql::new(&format!(
        "SELECT c.id{} FROM cases c LEFT JOIN case_evaluations e ON e.case_id = c.id WHERE ",
        order.key_column()
    ));
    inner.append(actor.scope.condition("c", RECORD_COLUMNS));
    filtered(&mut inner, filter)?;
    order.apply(&mut inner, "c.id");
    let key = order.by.map(|_| "k.sort_key");
    let mut sql = Sql::new(&format!(
        "SELECT {SUMMARY_COLUMNS}{} FROM (",
        key.map_or(String::new(), |k| format!(", {k}"))
    ));
    sql.append(inner)
        .push(&format!(") k JOIN cases c ON c.id = k.id {SUMMARY_JOINS}"))
        .push(&order.order_by(key, "c.id"));
    let rows = sql.fetch_all(&mut *store.conn().await?).await?;
    order.finish(rows, summary)
}

/// One case with its parties (masked), timeline and deadlines; not found outside the scope.
pub async fn get(store: &Store, actor: &Actor, id: i64) -> Result<CaseDetail> {
    actor.require(Permission::CaseRead)?;
    let mut sql = select(actor);
    sql.push(" AND c.id = ").bind(id);
    let mut conn = store.conn().await?;
    let case = summary(
        &sql.fetch_optional(&mut conn)
            .await?
            .ok_or(Error::NotFound)?,
    )?;
    let parties = sqlx::query("SELECT kind, name, resident_id_masked, uscc, legal_representative, phone_masked FROM case_parties WHERE case_id = $1 ORDER BY ordinal")
        .bind(id)
        .fetch_all(&mut *conn)
        .await?
        .iter()
        .map(|r| Ok(PartyView { kind: r.try_get("kind")?, name: r.try_get("name")?, resident_id_masked: r.try_get("resident_id_masked")?, uscc: r.try_get("uscc")?, legal_representative: r.try_get("legal_representative")?, phone_masked: r.try_get("phone_masked")? }))
        .collect::<Result<Vec<_>>>()?;
    let events = sqlx::query("SELECT stage, happened_on, actor_name, note FROM case_events WHERE case_id = $1 ORDER BY id")
        .bind(id)
        .fetch_all(&mut *conn)
        .await?
        .iter()
        .map(|r| Ok(CaseEvent { stage: r.try_get("stage")?, happened_on: r.try_get("happened_on")?, actor_name: r.try_get("actor_name")?, note: r.try_get("note")? }))
        .collect::<Result<Vec<_>>>()?;
    drop(conn);
    // The case's own deadlines: shown to whoever may see the case.
    let list = deadlines::for_subject(store, actor, "case", &id.to_string()).await?;
    Ok(CaseDetail {
        case,
        parties,
        events,
        deadlines: list,
    })
}

/// The discretion check of a decided case: verdict, recommendation and the written reason for
/// a departure. Read after `get`, which applies the data scope.
pub async fn discretion_of(
    store: &Store,
    id: i64,
) -> Result<(
    super::discretion::DiscretionCheck,
    Option<String>,
    Option<String>,
)> {
    let r =
        sqlx::query("SELECT discretion, recommendation, deviation_reason FROM cases WHERE id = $1")
            .bind(id)
            .fetch_one(store.pool())
            .await?;
    Ok((
        super::discretion::DiscretionCheck::from_code(&r.try_get::<String, _>("discretion")?),
        r.try_get("recommendation")?,
        r.try_get("deviation_reason")?,
    ))
}

/// 2024-03-05 → 2024年3月5日, the way documents write dates.
pub(crate) fn date_zh(iso: Option<&str>) -> String {
    match iso.and_then(fazhi_kernel::date::parse) {
        Some(d) => {
            use chrono::Datelike;
            format!("{}年{}月{}日", d.year(), d.month(), d.day())
        }
        None => TO_FILL.into(),
    }
}

/// 17 of 店口镇罚告〔2024〕17号.
fn seq_of(number: Option<&str>) -> String {
    number
        .and_then(|n| n.rsplit_once('〕'))
        .map(|(_, rest)| rest.trim_end_matches('号').to_string())
        .unwrap_or_else(|| TO_FILL.into())
}

/// The facts as a clause after "经查，": without a leading 经查 and the closing punctuation the
/// template adds.
fn facts_clause(text: &str) -> String {
    let t = text.trim();
    let t = ["经查，", "经查,", "经查："]
        .iter()
        .find_map(|p| t.strip_prefix(p))
        .unwrap_or(t);
    t.trim_end_matches(['。', '.', '；', ';', '，', ','])
        .trim()
        .to_string()
}

/// What a document shows where the case record does not hold the fact yet.
pub const TO_FILL: &str = "（待填写）";

/// Fills document template `code` from case `id` as .docx. The party's full ID number is opened
/// for the document, so the actor must handle cases, and the export is audited.
pub async fn document(
    store: &Store,
    actor: &Actor,
    keyring: &Keyring,
    id: i64,
    code: &str,
) -> Result<Vec<u8>> {
    let template = super::documents::get(store, code).await?;
    let ctx = document_context(store, actor, keyring, id, code, &template.name).await?;
    // A document is made from the step that makes it: none for a step the case has not reached.
    let case = super::case::repo::load(&mut *store.conn().await?, id).await?;
    if !super::documents::offered(code, &case.progress(crate::deadlines::china_today())) {
        return Err(Error::refused(
            "document_step_not_reached",
            "file",
            "本案尚未进行到制作该文书的步骤。",
        ));
    }
    let bytes = super::documents::docx(&super::documents::render(&template.body, &ctx)?)?;
    let mut tx = store.begin().await?;
    crate::audit::record(
        &mut tx,
        actor,
        "export",
        "case_document",
        Some(id.to_string()),
        // A document prints the party's ID number, address and phone in full.
        json!({ "template": code, "personal_data_in_clear": ctx["party"]["resident_id"].as_str().is_some_and(|s| !s.is_empty()) }),
    )
    .await?;
    tx.commit().await?;
    Ok(bytes)
}

/// The facts of case `id` in the shape the document templates use.
pub async fn document_context(
    store: &Store,
    actor: &Actor,
    keyring: &Keyring,
    id: i64,
    code: &str,
    document_name: &str,
) -> Result<serde_json::Value> {
    actor.require(Permission::CaseRead)?;
    // Who handles the case prints the party's sealed details whole; a supervisor reading the
    // file gets them masked, as on the case page.
    let handles = actor.can(Permission::CaseHandle);
    let detail = get(store, actor, id).await?;
    let r = sqlx::query(
        "SELECT d.issuer_abbr, c.department_id, c.origin, c.summary, c.decided_on, c.prior_notice_on, c.closed_on, c.outcome, c.fine_fen, c.hearing_right, c.facts_found, c.evidence,
            c.waived, c.hearing_requested, c.paid_on, c.surcharge_fen, c.delivery_method, c.delivery_place, c.no_penalty_reason,
            c.prior_notice_number, c.rectification_number, c.rectification_on, c.rectify_by,
            c.filing_approver, c.closure_approver, c.proposed_outcome, c.proposed_fine_fen, c.stated_on,
            c.hearing_notice_on, c.hearing_on, c.hearing_held_on, c.delivered_on
         FROM cases c JOIN departments d ON d.id = c.department_id WHERE c.id = $1",
    )
    .bind(id)
    .fetch_one(store.pool())
    .await?;
    let party = sqlx::query("SELECT kind, name, resident_id_sealed, uscc, address_sealed, phone_sealed, legal_representative FROM case_parties WHERE case_id = $1 ORDER BY ordinal LIMIT 1")
        .bind(id)
        .fetch_one(store.pool())
        .await?;
    let settings = super::documents::settings(store, r.try_get("department_id")?).await?;
    // The settings are written into sentences ("向{body}申请行政复议"): no closing stop.
    let clause = |v: Option<String>| {
        v.map(|t| {
            t.trim()
                .trim_end_matches(['。', '.', '；', ';'])
                .to_string()
        })
        .filter(|t| !t.is_empty())
    };
    // The decision states how the benchmark was applied (and why it was departed from).
    let discretion_text = match discretion_of(store, id).await? {
        (_, None, _) => String::new(),
        (_, Some(recommendation), reason) => {
            let mut t = format!("对照本机关的行政处罚裁量基准：{recommendation}。");
            if let Some(reason) = reason {
                t.push_str(&format!(
                    "本决定未按该基准作出，理由是：{}。",
                    reason.trim_end_matches(['。', '.', '；', ';'])
                ));
            }
            t
        }
    };
    let opened = |column: &str, purpose: &str| -> Result<Option<String>> {
        let sealed: Option<String> = party.try_get(column)?;
        Ok(sealed
            .map(|s| keyring.open(purpose, &s))
            .transpose()?
            .map(|text| match (handles, purpose) {
                (true, _) => text,
                // An address has no pattern to mask by: its town and road stay, the rest goes.
                (false, ADDRESS) => text.chars().take(8).chain("****".chars()).collect(),
                (false, _) => fazhi_kernel::personal::mask(&text),
            }))
    };
    let (address, phone) = (
        opened("address_sealed", ADDRESS)?,
        opened("phone_sealed", PHONE)?,
    );
    let resident_id = opened("resident_id_sealed", RESIDENT_ID)?.unwrap_or_default();
    // An item no longer in the catalog prints as to be filled; a database failure is an error,
    // never （待填写） in a legal document.
    let item = match super::catalog::service::item(
        store,
        &detail.case.item_code,
        crate::deadlines::china_today(),
    )
    .await
    {
        Ok((versions, current, _)) => current.or_else(|| versions.last().cloned()),
        Err(Error::NotFound) => None,
        Err(e) => return Err(e),
    };
    let c = &detail.case;
    let decided: Option<String> = r.try_get("decided_on")?;
    let year = decided
        .as_deref()
        .or(Some(c.filed_on.as_str()))
        .and_then(|d| d.get(..4))
        .unwrap_or("")
        .to_string();
    let fine = fazhi_kernel::money::Fen(r.try_get("fine_fen")?);
    let outcome: Option<String> = r.try_get("outcome")?;
    let describe = |outcome: Option<&str>, fine: fazhi_kernel::money::Fen| match outcome {
        Some("fine") => format!("罚款人民币{}元（大写：{}）", fine.yuan(), fine.capital_zh()),
        Some("warning") => "警告".to_string(),
        Some("no_penalty") => "不予行政处罚".to_string(),
        _ => TO_FILL.to_string(),
    };
    let description = describe(outcome.as_deref(), fine);
    // The prior notice states the penalty proposed; the decision may be lighter, not heavier.
    let proposed = describe(
        r.try_get::<Option<String>, _>("proposed_outcome")?
            .as_deref(),
        fazhi_kernel::money::Fen(
            r.try_get::<Option<i64>, _>("proposed_fine_fen")?
                .unwrap_or(0),
        ),
    );
    let decided_document = if outcome.as_deref() == Some("no_penalty") {
        "不予行政处罚决定书"
    } else {
        "行政处罚决定书"
    };
    let defence = if flag(r.try_get("waived")?) {
        "当事人书面放弃陈述、申辩和听证的权利。"
    } else if flag(r.try_get("hearing_requested")?) {
        "当事人要求听证，本机关依法举行了听证。"
    } else {
        "当事人在法定期限内未提出陈述、申辩，也未要求听证。"
    };
    let paid: Option<String> = r.try_get("paid_on")?;
    let execution = match paid.as_deref() {
        Some(p) => format!(
            "当事人已于{}缴纳罚款，加处罚款{}。",
            date_zh(Some(p)),
            fazhi_kernel::money::Fen(r.try_get("surcharge_fen")?)
        ),
        None => TO_FILL.to_string(),
    };
    let mut evidence: Vec<String> = r
        .try_get::<Option<String>, _>("evidence")?
        .unwrap_or_default()
        .lines()
        .map(str::to_string)
        .collect();
    if evidence.is_empty() {
        evidence.push(TO_FILL.to_string());
    }
    let prior: Option<String> = r.try_get("prior_notice_on")?;
    let notice_number: Option<String> = r.try_get("prior_notice_number")?;
    let rectification_number: Option<String> = r.try_get("rectification_number")?;
    let closed: Option<String> = r.try_get("closed_on")?;
    let dates = json!({
        "proposed": date_zh(Some(&c.filed_on)), "filed": date_zh(Some(&c.filed_on)),
        "rectification": date_zh(r.try_get::<Option<String>, _>("rectification_on")?.as_deref()),
        "rectify_by": date_zh(r.try_get::<Option<String>, _>("rectify_by")?.as_deref()),
        "notice": date_zh(prior.as_deref()), "decided": date_zh(decided.as_deref()), "closed": date_zh(closed.as_deref()),
        "stated": date_zh(r.try_get::<Option<String>, _>("stated_on")?.as_deref()),
        "hearing_notice": date_zh(r.try_get::<Option<String>, _>("hearing_notice_on")?.as_deref()),
        "hearing": date_zh(r.try_get::<Option<String>, _>("hearing_on")?.as_deref()),
        "hearing_held": date_zh(r.try_get::<Option<String>, _>("hearing_held_on")?.as_deref()),
        "delivered": date_zh(r.try_get::<Option<String>, _>("delivered_on")?.as_deref()),
        "today": date_zh(Some(&crate::deadlines::china_today().to_string())),
    });
    let ctx = json!({
        "department": c.department_name,
        "issuer": r.try_get::<Option<String>, _>("issuer_abbr")?.unwrap_or_default(),
        "year": year,
        "case_number": c.decision_number.clone().unwrap_or_else(|| TO_FILL.into()),
        // The file's own number (立案审批表), which the case has from its filing.
        "file_number": format!("{}-{}", c.filed_on.get(..4).unwrap_or(""), c.id),
        "notice_number": notice_number.clone().unwrap_or_else(|| TO_FILL.into()),
        "rectification_number": rectification_number.clone().unwrap_or_else(|| TO_FILL.into()),
        // Templates saved before the numbers were kept print only the sequence part.
        "notice_seq": seq_of(notice_number.as_deref()),
        "rectification_seq": seq_of(rectification_number.as_deref()),
        "cause": c.cause,
        "source": r.try_get::<Option<String>, _>("origin")?.unwrap_or_else(|| TO_FILL.into()),
        "summary": r.try_get::<Option<String>, _>("summary")?.unwrap_or_else(|| TO_FILL.into()),
        "party": {
            "kind": party.try_get::<String, _>("kind")?,
            "name": party.try_get::<String, _>("name")?,
            "uscc": party.try_get::<Option<String>, _>("uscc")?.unwrap_or_default(),
            "legal_representative": party.try_get::<Option<String>, _>("legal_representative")?.unwrap_or_else(|| TO_FILL.into()),
            "resident_id": resident_id,
            "address": address.unwrap_or_else(|| TO_FILL.into()),
            "mobile": phone.unwrap_or_default(),
        },
        // The templates write "经查，{facts}。": the handler's own 经查 and full stop are not
        // doubled.
        "facts": r.try_get::<Option<String>, _>("facts_found")?
            .map(|t| facts_clause(&t))
            .filter(|t| !t.is_empty())
            .unwrap_or_else(|| TO_FILL.into()),
        "evidence": evidence,
        "item": {
            "code": c.item_code,
            "name": item.as_ref().map_or(TO_FILL.to_string(), |i| i.name.clone()),
            "law": item.as_ref().map_or(TO_FILL.to_string(), |i| i.law.clone()),
            "article": item.as_ref().map_or(String::new(), |i| i.article.clone()),
            "penalty_basis": item.as_ref().map_or(TO_FILL.to_string(), |i| format!("{}{}", i.law, i.article)),
        },
        "hearing_right": flag(r.try_get("hearing_right")?),
        "defence": defence,
        "discretion": discretion_text,
        // The template writes "……的规定，但{reason}。": a reason typed with its own full stop keeps one.
        "no_penalty_reason": r.try_get::<Option<String>, _>("no_penalty_reason")?
            .map(|t| t.trim_end_matches(['。', '.']).to_string())
            .unwrap_or_else(|| TO_FILL.into()),
        "penalty": { "fine": outcome.as_deref() == Some("fine"), "description": description },
        "proposed": { "description": proposed },
        "payment": {
            "bank": settings.payment_bank.unwrap_or_else(|| TO_FILL.into()),
            "account": settings.payment_account.unwrap_or_else(|| TO_FILL.into()),
        },
        "reconsideration_body": clause(settings.reconsideration_body).unwrap_or_else(|| TO_FILL.into()),
        "court": clause(settings.court).unwrap_or_else(|| TO_FILL.into()),
        "contact": {
            "name": actor.display_name,
            "phone": settings.contact_phone.clone().unwrap_or_else(|| TO_FILL.into()),
            "address": settings.contact_address.clone().unwrap_or_else(|| TO_FILL.into()),
        },
        "handlers": [actor.display_name],
        // One key for both approval forms: the closure's approver on the closure approval.
        "approver": r.try_get::<Option<String>, _>(if code == "closure_approval" { "closure_approver" } else { "filing_approver" })?
            .unwrap_or_else(|| TO_FILL.into()),
        "delivery": {
            // The receipt names the decision it delivers, not itself.
            "document": if code == "delivery_receipt" { decided_document } else { document_name },
            "place": r.try_get::<Option<String>, _>("delivery_place")?.unwrap_or_else(|| TO_FILL.into()),
            "method": r.try_get::<Option<String>, _>("delivery_method")?
                .as_deref()
                .and_then(super::case::delivery_method_name)
                .unwrap_or(TO_FILL),
        },
        "execution": execution,
        "dates": dates,
    });
    Ok(ctx)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_handler_s_own_jingcha_and_full_stop_are_not_doubled() {
        assert_eq!(
            facts_clause("经查，当事人在店铺门前油烟直排。"),
            "当事人在店铺门前油烟直排"
        );
        assert_eq!(facts_clause("当事人占道经营"), "当事人占道经营");
    }

    #[test]
    fn a_number_s_sequence_part_serves_templates_saved_before_numbers_were_kept() {
        assert_eq!(seq_of(Some("店口镇罚告〔2024〕17号")), "17");
        assert_eq!(seq_of(None), TO_FILL);
        assert_eq!(seq_of(Some("无文号")), TO_FILL);
    }
}
