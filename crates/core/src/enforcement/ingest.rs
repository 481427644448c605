//! Cases from other systems (归集): the justice bureau sees every penalty case of the city in one
//! place, whichever system handled it. A batch of case records (JSON Lines, or the rows of a
//! hand-kept .xlsx ledger) is read record by record and never held whole; every record is
//! checked and each rejection reported with its line and reason. Valid records are written in
//! multi-row statements of `CHUNK` records inside one transaction, so a batch that fails
//! part-way (a database error, a dropped connection) leaves nothing behind. Records are keyed by
//! (source system, source case id) and carry a content hash: importing the same record again
//! changes nothing, a changed record updates its case. Each decision is checked against the
//! discretion benchmark as it comes in. The format is documented in docs/case-import.md.
//!
//! Legal defects (a late decision, a missing legal review, a fine outside the benchmark) are
//! not rejections: they are what supervision looks for, so such records are kept and flagged.
//! Rejected are records that cannot be true or cannot be placed: malformed JSON, unknown items
//! or departments, impossible date orders, invalid identity numbers.
//!
//! Long because the wire format, its checks, the writer and the pipeline are still one file; issue 15 splits them along those seams.

use std::collections::{HashMap, HashSet};

use chrono::NaiveDate;
use fazhi_kernel::money::Fen;
use fazhi_store::Arg;
use fazhi_store::{Row, Sql, Store, Tx, now_ms};
use serde::{Deserialize, Serialize};
use serde_json::json;

use super::benchmarks;
use super::cases::{NewParty, SealedParty, check_parties};
use super::discretion::{Benchmark, DiscretionCheck, Facts, check_discretion};
use super::rules::PartyKind;
use crate::access::{Actor, Permission};
use crate::vault::Keyring;
use crate::{Error, Result};

/// Records looked up and written together.
const CHUNK: usize = 2000;

/// Rows per INSERT statement: long enough to spare round trips and driver calls, short enough
/// for SQLite's limit on bound parameters (38 × 200 of 32,766).
const ROWS_PER_STATEMENT: usize = 200;

/// Batches that write at least this many cases refresh the statistics afterwards.
const ANALYZE_AFTER: usize = 10_000;

/// The source system name fazhi gives its own cases; imports may not use it.
pub const OWN_SYSTEM: &str = "fazhi";

/// One case as another system reports it. Field names are the stable import format.
#[derive(Clone, Debug, Default, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct CaseRecord {
    pub source_system: String,
    pub source_id: String,
    #[serde(default = "general")]
    pub procedure: String,
    pub item_code: String,
    pub cause: String,
    /// The department's name as in fazhi's organisation (诸暨市市场监督管理局).
    pub department: String,
    /// The town's 9-digit statistical code; the department's own region when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub town: Option<String>,
    pub act_ended_on: String,
    pub discovered_on: String,
    pub filed_on: String,
    #[serde(default)]
    pub grave: bool,
    pub parties: Vec<PartyRecord>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub facts: Option<FactsRecord>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub legal_review_on: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub prior_notice_on: Option<String>,
    #[serde(default)]
    pub hearing_right: bool,
    #[serde(default)]
    pub waived: bool,
    #[serde(default)]
    pub hearing_requested: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hearing_held_on: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub decided_on: Option<String>,
    /// fine | warning | no_penalty
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub outcome: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub decision_number: Option<String>,
    #[serde(default)]
    pub fine_fen: i64,
    #[serde(default)]
    pub illegal_gains_fen: i64,
    #[serde(default)]
    pub confiscated_fen: i64,
    /// Why the decision departs from the benchmark, when it does.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deviation_reason: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub delivered_on: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub paid_on: Option<String>,
    #[serde(default)]
    pub paid_fen: i64,
    #[serde(default)]
    pub surcharge_fen: i64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub closed_on: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub archived_on: Option<String>,
    /// 案件来源: one of `cases::ORIGINS`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub origin: Option<String>,
    /// 简要案情, as the filing approval prints it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub summary: Option<String>,
}

fn general() -> String {
    "general".into()
}

#[derive(Clone, Debug, Default, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct PartyRecord {
    /// person | organisation
    pub kind: String,
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resident_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub uscc: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub address: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub legal_representative: Option<String>,
}

/// The facts the discretion engine looks at (see `discretion::Facts`).
#[derive(Clone, Debug, Default, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct FactsRecord {
    /// minor | ordinary | serious | grave (or 轻微/一般/较重/严重)
    pub severity: String,
    #[serde(default)]
    pub first_offence: bool,
    #[serde(default)]
    pub corrected_in_time: bool,
    #[serde(default)]
    pub no_harm: bool,
    #[serde(default)]
    pub slight_harm: bool,
    #[serde(default)]
    pub mitigating_listed: bool,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub lighter: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub heavier: Vec<String>,
}

impl FactsRecord {
    pub fn to_facts(&self, gains: Fen, act_on: NaiveDate, decide_on: NaiveDate) -> Option<Facts> {
        Some(Facts {
            severity: benchmarks::parse_severity(&self.severity)?,
            first_offence: self.first_offence,
            corrected_in_time: self.corrected_in_time,
            no_harm: self.no_harm,
            slight_harm: self.slight_harm,
            mitigating_listed: self.mitigating_listed,
            lighter: self.lighter.clone(),
            heavier: self.heavier.clone(),
            illegal_gains: gains,
            act_on,
            decide_on,
        })
    }
}

/// One rejected record: its line in the file (or row in the sheet) and why.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct LineError {
    pub line: usize,
    pub reason: String,
}

/// The stable result of an import (`fazhi import cases --json`, `POST /api/v1/cases/import`).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct IngestReport {
    pub inserted: usize,
    pub updated: usize,
    pub unchanged: usize,
    pub rejected: usize,
    /// The first `REPORTED_ERRORS` rejected lines with their reasons; `rejected` counts all.
    pub errors: Vec<LineError>,
}

/// How many rejected lines a report lists: a file of a million bad lines must not answer with
/// a million reasons (`rejected` still counts them all).
pub const REPORTED_ERRORS: usize = 1_000;

/// serde's messages, said in Chinese where they are the usual ones.
pub fn json_problem(e: &serde_json::Error) -> String {
    let m = e.to_string();
    let field = |prefix: &str| {
        m.strip_prefix(prefix)
            .and_then(|r| r.split('`').next())
            .map(str::to_string)
    };
    if let Some(f) = field("missing field `") {
        format!("缺少字段 {f}")
    } else if let Some(f) = field("unknown field `") {
        format!("未知字段 {f}（字段名见 docs/case-import.md）")
    } else if e.is_syntax() || e.is_eof() {
        format!("不是有效的 JSON（第 {} 列）", e.column())
    } else {
        format!("字段类型不对：{m}")
    }
}

/// What the checks need, loaded once per batch.
struct Context {
    /// name → (id, region id, region path, department path)
    departments: HashMap<String, (i64, i64, String, String)>,
    /// town stat code → (id, path)
    towns: HashMap<String, (i64, String)>,
    items: HashSet<String>,
    benchmarks: HashMap<String, Vec<Benchmark>>,
    today: NaiveDate,
}

impl Context {
    async fn load(store: &Store) -> Result<Context> {
        let mut conn = store.conn().await?;
        let regions = sqlx::query("SELECT id, kind, stat_code, path FROM regions")
            .fetch_all(&mut *conn)
            .await?;
        let mut towns = HashMap::new();
        let mut region_paths = HashMap::new();
        for r in &regions {
            let id: i64 = r.try_get("id")?;
            let path: String = r.try_get("path")?;
            if r.try_get::<String, _>("kind")? == "town"
                && let Some(code) = r.try_get::<Option<String>, _>("stat_code")?
            {
                towns.insert(code, (id, path.clone()));
            }
            region_paths.insert(id, path);
        }
        let mut departments = HashMap::new();
        for r in sqlx::query("SELECT id, name, region_id, path FROM departments")
            .fetch_all(&mut *conn)
            .await?
        {
            let region: i64 = r.try_get("region_id")?;
            departments.insert(
                r.try_get::<String, _>("name")?,
                (
                    r.try_get("id")?,
                    region,
                    region_paths.get(&region).cloned().unwrap_or_default(),
                    r.try_get::<String, _>("path")?,
                ),
            );
        }
        let items = super::catalog::repo::codes(&mut conn).await?;
        let with_benchmarks: Vec<String> =
            sqlx::query_scalar("SELECT DISTINCT item_code FROM discretion_benchmarks")
                .fetch_all(&mut *conn)
                .await?;
        drop(conn);
        let mut benchmarks = HashMap::new();
        for code in with_benchmarks {
            let vs = benchmarks::versions(store, &code).await?;
            benchmarks.insert(code, vs);
        }
        Ok(Context {
            departments,
            towns,
            items,
            benchmarks,
            today: crate::deadlines::china_today(),
        })
    }
}

/// A record that passed the checks, ready to write.
struct Prepared {
    source_system: String,
    source_id: String,
    hash: String,
    /// Values in `COLUMNS` order.
    values: Vec<Arg>,
    parties: Vec<SealedParty>,
}

/// The columns an imported record sets, in the order of `Prepared::values`.
const COLUMNS: [&str; 37] = [
    "source_system",
    "source_id",
    "procedure",
    "stage",
    "item_code",
    "cause",
    "department_id",
    "region_id",
    "decision_number",
    "act_ended_on",
    "discovered_on",
    "filed_on",
    "grave",
    "legal_review_on",
    "prior_notice_on",
    "hearing_right",
    "waived",
    "hearing_requested",
    "hearing_held_on",
    "decided_on",
    "outcome",
    "fine_fen",
    "illegal_gains_fen",
    "confiscated_fen",
    "delivered_on",
    "paid_on",
    "paid_fen",
    "surcharge_fen",
    "closed_on",
    "archived_on",
    "content_hash",
    "facts",
    "discretion",
    "recommendation",
    "deviation_reason",
    "origin",
    "summary",
];

fn day(field: &str, value: &str, problems: &mut Vec<String>) -> Option<NaiveDate> {
    let d = fazhi_kernel::date::parse(value);
    if d.is_none() {
        problems.push(format!("{field} 的日期“{value}”应为 YYYY-MM-DD"));
    }
    d
}

fn opt_day(field: &str, value: &Option<String>, problems: &mut Vec<String>) -> Option<NaiveDate> {
    value
        .as_deref()
        .filter(|v| !v.trim().is_empty())
        .and_then(|v| day(field, v, problems))
}

fn bounded(field: &str, value: &str, max: usize, problems: &mut Vec<String>) {
    let n = value.trim().chars().count();
    if n == 0 {
        problems.push(format!("{field} 为空"));
    } else if n > max {
        problems.push(format!("{field} 超过 {max} 字"));
    }
}

/// The stage a record has reached: the latest step with a date.
fn stage_of(d: &Dates) -> &'static str {
    use super::stage::Stage;
    let stage = if d.archived.is_some() {
        Stage::Archived
    } else if d.closed.is_some() {
        Stage::Closed
    } else if d.paid.is_some() {
        Stage::Executed
    } else if d.delivered.is_some() {
        Stage::Delivered
    } else if d.decided.is_some() {
        Stage::Decided
    } else if d.prior_notice.is_some() {
        Stage::PriorNotice
    } else if d.legal_review.is_some() {
        Stage::LegalReview
    } else {
        Stage::Filed
    };
    stage.code()
}

struct Dates {
    legal_review: Option<NaiveDate>,
    prior_notice: Option<NaiveDate>,
    hearing_held: Option<NaiveDate>,
    decided: Option<NaiveDate>,
    delivered: Option<NaiveDate>,
    paid: Option<NaiveDate>,
    closed: Option<NaiveDate>,
    archived: Option<NaiveDate>,
}

fn text(v: &str) -> Arg {
    Arg::Text(v.trim().to_string())
}

fn opt_date(d: Option<NaiveDate>) -> Arg {
    d.map_or(Arg::Null, |d| Arg::Text(d.to_string()))
}

/// Checks one record; every problem of it, joined, on rejection.
fn prepare(
    ctx: &Context,
    actor: &Actor,
    keyring: &Keyring,
    r: &CaseRecord,
    raw: Option<&[u8]>,
) -> std::result::Result<Prepared, String> {
    let mut p = Vec::new();
    bounded("source_system", &r.source_system, 64, &mut p);
    bounded("source_id", &r.source_id, 128, &mut p);
    if r.source_system.trim() == OWN_SYSTEM {
        p.push(format!(
            "source_system 不能为 {OWN_SYSTEM}（fazhi 自办案件的保留名）"
        ));
    }
    if !matches!(r.procedure.as_str(), "general" | "summary") {
        p.push(format!("procedure“{}”应为 general 或 summary", r.procedure));
    }
    if !ctx.items.contains(r.item_code.trim()) {
        p.push(format!("事项编码 {} 不在执法事项目录中", r.item_code));
    }
    bounded("cause", &r.cause, 200, &mut p);
    let dept = ctx.departments.get(r.department.trim());
    if dept.is_none() {
        p.push(format!(
            "办案部门“{}”不存在（应与组织机构中的部门名称一致）",
            r.department
        ));
    }
    let town = match r.town.as_deref().map(str::trim).filter(|t| !t.is_empty()) {
        Some(code) => match ctx.towns.get(code) {
            Some((id, path)) => Some((*id, path.clone())),
            None => {
                p.push(format!("镇乡（街道）统计代码 {code} 不存在"));
                None
            }
        },
        None => dept.map(|d| (d.1, d.2.clone())),
    };
    if let Some(d) = dept
        && !actor.scope.covers(&d.2, d.0, &d.3)
    {
        p.push(format!("办案部门“{}”不在您的数据权限范围内", r.department));
    }
    let act = day("act_ended_on", &r.act_ended_on, &mut p);
    let discovered = day("discovered_on", &r.discovered_on, &mut p);
    let filed = day("filed_on", &r.filed_on, &mut p);
    let d = Dates {
        legal_review: opt_day("legal_review_on", &r.legal_review_on, &mut p),
        prior_notice: opt_day("prior_notice_on", &r.prior_notice_on, &mut p),
        hearing_held: opt_day("hearing_held_on", &r.hearing_held_on, &mut p),
        decided: opt_day("decided_on", &r.decided_on, &mut p),
        delivered: opt_day("delivered_on", &r.delivered_on, &mut p),
        paid: opt_day("paid_on", &r.paid_on, &mut p),
        closed: opt_day("closed_on", &r.closed_on, &mut p),
        archived: opt_day("archived_on", &r.archived_on, &mut p),
    };
    if let (Some(a), Some(disc), Some(f)) = (act, discovered, filed) {
        if !(a <= disc && disc <= f) {
            p.push("日期顺序应为：act_ended_on ≤ discovered_on ≤ filed_on".into());
        }
        let after_filing = [
            ("legal_review_on", d.legal_review),
            ("prior_notice_on", d.prior_notice),
            ("hearing_held_on", d.hearing_held),
            ("decided_on", d.decided),
            ("closed_on", d.closed),
        ];
        for (name, v) in after_filing {
            if v.is_some_and(|v| v < f) {
                p.push(format!("{name} 早于立案日 filed_on"));
            }
        }
    }
    for (name, v) in [
        ("filed_on", filed),
        ("decided_on", d.decided),
        ("delivered_on", d.delivered),
        ("paid_on", d.paid),
        ("closed_on", d.closed),
        ("archived_on", d.archived),
    ] {
        if v.is_some_and(|v| v > ctx.today) {
            p.push(format!("{name} 晚于今天"));
        }
    }
    match d.decided {
        Some(dec) => {
            for (name, v) in [("delivered_on", d.delivered), ("paid_on", d.paid)] {
                if v.is_some_and(|v| v < dec) {
                    p.push(format!("{name} 早于决定日 decided_on"));
                }
            }
        }
        None => {
            if d.delivered.is_some() || d.paid.is_some() {
                p.push("有送达或缴款日期，却没有决定日期 decided_on".into());
            }
        }
    }
    if let (Some(c), Some(a)) = (d.closed, d.archived)
        && a < c
    {
        p.push("archived_on 早于结案日 closed_on".into());
    }
    if d.archived.is_some() && d.closed.is_none() {
        p.push("有归档日期，却没有结案日期 closed_on".into());
    }
    let outcome = r
        .outcome
        .as_deref()
        .map(str::trim)
        .filter(|o| !o.is_empty());
    match (outcome, d.decided) {
        (None, Some(_)) => p.push("有决定日期，却没有处理结果 outcome".into()),
        (Some(_), None) => p.push("有处理结果 outcome，却没有决定日期 decided_on".into()),
        (Some(o), Some(_)) if !matches!(o, "fine" | "warning" | "no_penalty") => {
            p.push(format!("outcome“{o}”应为 fine、warning 或 no_penalty"))
        }
        (Some("fine"), _) if r.fine_fen <= 0 => {
            p.push("outcome 为 fine 时 fine_fen 应大于 0".into())
        }
        (Some(o), _) if o != "fine" && r.fine_fen != 0 => {
            p.push("只有 outcome 为 fine 时才能有罚款金额 fine_fen".into())
        }
        _ => {}
    }
    for (name, v) in [
        ("fine_fen", r.fine_fen),
        ("illegal_gains_fen", r.illegal_gains_fen),
        ("confiscated_fen", r.confiscated_fen),
        ("paid_fen", r.paid_fen),
        ("surcharge_fen", r.surcharge_fen),
    ] {
        if v < 0 {
            p.push(format!("{name} 不能为负数"));
        }
    }
    if r.surcharge_fen > r.fine_fen {
        p.push("加处罚款 surcharge_fen 不能超过罚款数额（行政处罚法第七十二条）".into());
    }
    if r.deviation_reason
        .as_deref()
        .is_some_and(|s| s.chars().count() > 2000)
    {
        p.push("deviation_reason 超过 2000 字".into());
    }
    if let Some(o) = r.origin.as_deref().map(str::trim)
        && !super::cases::ORIGINS.contains(&o)
    {
        p.push(format!(
            "origin“{o}”应为：{}",
            super::cases::ORIGINS.join("、")
        ));
    }
    if r.summary
        .as_deref()
        .is_some_and(|s| s.chars().count() > 1000)
    {
        p.push("summary 超过 1000 字".into());
    }
    if r.parties.len() > 50 {
        p.push("当事人超过 50 个".into());
    }
    let facts = match &r.facts {
        Some(f) if benchmarks::parse_severity(&f.severity).is_none() => {
            p.push(format!(
                "facts.severity“{}”应为 minor、ordinary、serious 或 grave",
                f.severity
            ));
            None
        }
        other => other.as_ref(),
    };
    let mut parties = Vec::new();
    for (n, party) in r.parties.iter().enumerate() {
        let kind = match party.kind.as_str() {
            "person" => PartyKind::Person,
            "organisation" => PartyKind::Organisation,
            other => {
                p.push(format!(
                    "parties[{n}].kind“{other}”应为 person 或 organisation"
                ));
                continue;
            }
        };
        parties.push(NewParty {
            kind,
            name: party.name.clone(),
            resident_id: party.resident_id.clone(),
            uscc: party.uscc.clone(),
            address: party.address.clone(),
            phone: party.phone.clone(),
            legal_representative: party.legal_representative.clone(),
        });
    }
    let sealed = match filed {
        Some(f) if p.is_empty() => match check_parties(keyring, &parties, f) {
            Ok(s) => Some(s),
            Err(e) => {
                p.push(e.message_zh());
                None
            }
        },
        _ => None,
    };
    let (Some(dept), Some((region_id, _)), Some(act), Some(discovered), Some(filed), Some(sealed)) =
        (dept, town, act, discovered, filed, sealed)
    else {
        return Err(p.join("；"));
    };
    if !p.is_empty() {
        return Err(p.join("；"));
    }
    let (verdict, recommendation) = match (facts, d.decided, outcome) {
        (Some(f), Some(dec), Some(o)) => {
            let versions = ctx
                .benchmarks
                .get(r.item_code.trim())
                .map_or(&[][..], Vec::as_slice);
            match f.to_facts(Fen(r.illegal_gains_fen), act, dec) {
                Some(facts) => {
                    let (v, why) = check_discretion(versions, &facts, o, Fen(r.fine_fen));
                    (v, Some(why))
                }
                None => (DiscretionCheck::Unchecked, None),
            }
        }
        _ => (DiscretionCheck::Unchecked, None),
    };
    // Change detection, not security: a fast portable 64-bit hash of the record as sent.
    let hash = match raw {
        Some(bytes) => rapidhash::v3::rapidhash_v3(bytes),
        None => rapidhash::v3::rapidhash_v3(&serde_json::to_vec(r).map_err(|e| e.to_string())?),
    };
    let hash = format!("{hash:016x}");
    let values = vec![
        text(&r.source_system),
        text(&r.source_id),
        text(&r.procedure),
        Arg::Text(stage_of(&d).into()),
        text(&r.item_code),
        text(&r.cause),
        Arg::Int(dept.0),
        Arg::Int(region_id),
        r.decision_number.as_deref().map_or(Arg::Null, text),
        Arg::Text(act.to_string()),
        Arg::Text(discovered.to_string()),
        Arg::Text(filed.to_string()),
        Arg::Int(i64::from(r.grave)),
        opt_date(d.legal_review),
        opt_date(d.prior_notice),
        Arg::Int(i64::from(r.hearing_right)),
        Arg::Int(i64::from(r.waived)),
        Arg::Int(i64::from(r.hearing_requested)),
        opt_date(d.hearing_held),
        opt_date(d.decided),
        outcome.map_or(Arg::Null, text),
        Arg::Int(r.fine_fen),
        Arg::Int(r.illegal_gains_fen),
        Arg::Int(r.confiscated_fen),
        opt_date(d.delivered),
        opt_date(d.paid),
        Arg::Int(r.paid_fen),
        Arg::Int(r.surcharge_fen),
        opt_date(d.closed),
        opt_date(d.archived),
        Arg::Text(hash.clone()),
        match facts {
            Some(f) => Arg::Text(serde_json::to_string(f).map_err(|e| e.to_string())?),
            None => Arg::Null,
        },
        Arg::Text(verdict.code().into()),
        recommendation.map_or(Arg::Null, Arg::Text),
        r.deviation_reason.as_deref().map_or(Arg::Null, text),
        r.origin.as_deref().map_or(Arg::Null, text),
        r.summary.as_deref().map_or(Arg::Null, text),
    ];
    Ok(Prepared {
        source_system: r.source_system.trim().to_string(),
        source_id: r.source_id.trim().to_string(),
        hash,
        values,
        parties: sealed,
    })
}

/// One batch being imported. Feed it records with `push`, then `finish` to commit.
pub struct Ingest<'a> {
    store: Store,
    actor: &'a Actor,
    keyring: &'a Keyring,
    ctx: std::sync::Arc<Context>,
    tx: Tx,
    chunk: Vec<Prepared>,
    keys: HashSet<(String, String)>,
    report: IngestReport,
    systems: HashSet<String>,
}

impl<'a> Ingest<'a> {
    pub async fn begin(
        store: &Store,
        actor: &'a Actor,
        keyring: &'a Keyring,
    ) -> Result<Ingest<'a>> {
        actor.require(Permission::CaseHandle)?;
        let ctx = std::sync::Arc::new(Context::load(store).await?);
        let mut tx = store.begin().await?;
        tx.bulk().await?;
        Ok(Ingest {
            store: store.clone(),
            actor,
            keyring,
            ctx,
            tx,
            chunk: Vec::with_capacity(CHUNK),
            keys: HashSet::new(),
            report: IngestReport::default(),
            systems: HashSet::new(),
        })
    }

    /// Rejects a line (or sheet row) with its reason.
    pub fn reject_line(&mut self, line: usize, reason: String) {
        self.report.rejected += 1;
        if self.report.errors.len() < REPORTED_ERRORS {
            self.report.errors.push(LineError { line, reason });
        }
    }

    /// One JSON Lines line (blank lines are skipped).
    pub async fn push_line(&mut self, line: usize, text: &str) -> Result<()> {
        match check_line(&self.ctx, self.actor, self.keyring, text) {
            Some(r) => self.accept(line, r).await,
            None => Ok(()),
        }
    }

    /// One record, from line (or sheet row) `line`.
    pub async fn push(&mut self, line: usize, record: &CaseRecord) -> Result<()> {
        self.push_raw(line, record, None).await
    }

    /// One record and, when it came as text, that text (its hash tells a re-sent record).
    async fn push_raw(
        &mut self,
        line: usize,
        record: &CaseRecord,
        raw: Option<&[u8]>,
    ) -> Result<()> {
        let prepared = prepare(&self.ctx, self.actor, self.keyring, record, raw);
        self.accept(line, prepared).await
    }

    /// A checked record (or its rejection) into the batch.
    async fn accept(
        &mut self,
        line: usize,
        prepared: std::result::Result<Prepared, String>,
    ) -> Result<()> {
        match prepared {
            Err(reason) => self.reject_line(line, reason),
            Ok(p) => {
                let key = (p.source_system.clone(), p.source_id.clone());
                // A second record for the same case in one chunk: write the first, so the
                // second updates it, as it would from a later chunk.
                if self.keys.contains(&key) {
                    self.flush().await?;
                }
                self.keys.insert(key);
                self.chunk.push(p);
                if self.chunk.len() >= CHUNK {
                    self.flush().await?;
                }
            }
        }
        Ok(())
    }

    async fn flush(&mut self) -> Result<()> {
        if self.chunk.is_empty() {
            return Ok(());
        }
        let chunk = std::mem::take(&mut self.chunk);
        self.keys.clear();
        // What the database holds already for these keys, per source system.
        let mut existing: HashMap<(String, String), (i64, Option<String>)> = HashMap::new();
        let mut by_system: HashMap<&str, Vec<&str>> = HashMap::new();
        for p in &chunk {
            by_system
                .entry(p.source_system.as_str())
                .or_default()
                .push(p.source_id.as_str());
        }
        for (system, ids) in by_system {
            self.systems.insert(system.to_string());
            // The source id leads the key's index: a long IN list on it stays an index scan
            // whatever the statistics say (one system may hold every case).
            let mut sql = Sql::new(
                "SELECT c.id, c.source_id, c.content_hash FROM cases c WHERE c.source_id IN (",
            );
            sql.bind_list(ids.iter().copied());
            sql.push(") AND c.source_system = ").bind(system);
            for r in sql.fetch_all(self.tx.conn()).await? {
                existing.insert(
                    (system.to_string(), r.try_get("source_id")?),
                    (r.try_get("id")?, r.try_get("content_hash")?),
                );
            }
        }
        let now = now_ms();
        // Records are moved into their statements, never copied: this thread builds statement
        // k+1 while the database runs k, and copying a million records' strings made it the
        // slower of the two.
        let mut fresh: Vec<Prepared> = Vec::new();
        // Parties with their case's id.
        let mut parties: Vec<(i64, Vec<SealedParty>)> = Vec::new();
        let mut changed: Vec<i64> = Vec::new();
        for p in chunk {
            match existing.get(&(p.source_system.clone(), p.source_id.clone())) {
                Some((_, Some(h))) if *h == p.hash => self.report.unchanged += 1,
                Some((id, _)) => {
                    let sql = super::case::repo::update_imported(*id, &COLUMNS, p.values, now);
                    sql.execute(self.tx.conn()).await?;
                    changed.push(*id);
                    parties.push((*id, p.parties));
                    self.report.updated += 1;
                }
                None => fresh.push(p),
            }
        }
        if !changed.is_empty() {
            let mut sql = Sql::new("DELETE FROM case_parties WHERE case_id IN (");
            sql.bind_list(changed.iter().copied());
            sql.push(")");
            sql.execute(self.tx.conn()).await?;
        }
        self.report.inserted += fresh.len();
        let user = self.actor.user_id;
        // SQLite: ids given here, statements built while the previous one runs. PostgreSQL:
        // ids read back from each statement before the parties can refer to them.
        let mut groups: Vec<(i64, Vec<Prepared>)> = Vec::new();
        if let Some(first) = self.tx.next_free_id("cases").await? {
            for (id, p) in (first..).zip(fresh.iter_mut()) {
                parties.push((id, std::mem::take(&mut p.parties)));
            }
            let mut records = fresh.into_iter().peekable();
            while records.peek().is_some() {
                let id = first + (groups.len() * ROWS_PER_STATEMENT) as i64;
                groups.push((id, records.by_ref().take(ROWS_PER_STATEMENT).collect()));
            }
        } else {
            let mut records = fresh.into_iter().peekable();
            while records.peek().is_some() {
                let mut group: Vec<Prepared> = records.by_ref().take(ROWS_PER_STATEMENT).collect();
                let keyed: Vec<(String, Vec<SealedParty>)> = group
                    .iter_mut()
                    .map(|p| (p.source_id.clone(), std::mem::take(&mut p.parties)))
                    .collect();
                let mut sql = insert_cases(group, None, user, now);
                sql.push(" RETURNING id, source_id");
                let ids: HashMap<String, i64> = sql
                    .fetch_all(self.tx.conn())
                    .await?
                    .iter()
                    .map(|r| Ok((r.try_get("source_id")?, r.try_get("id")?)))
                    .collect::<Result<_>>()?;
                for (source_id, of_case) in keyed {
                    let id = ids.get(&source_id).copied().ok_or(Error::NotFound)?;
                    parties.push((id, of_case));
                }
            }
        }
        let cases = groups
            .into_iter()
            .map(move |(first, group)| insert_cases(group, Some(first), user, now));
        let mut party_groups: Vec<Vec<(i64, Vec<SealedParty>)>> = Vec::new();
        let mut rest = parties.into_iter().peekable();
        while rest.peek().is_some() {
            party_groups.push(rest.by_ref().take(ROWS_PER_STATEMENT).collect());
        }
        let parties = party_groups.into_iter().filter_map(insert_parties);
        self.tx.execute_all(cases.chain(parties)).await?;
        Ok(())
    }

    /// Writes what is pending, records the batch in the audit chain and commits it.
    pub async fn finish(mut self) -> Result<IngestReport> {
        self.flush().await?;
        if self.report.inserted + self.report.updated + self.report.rejected > 0 {
            let mut systems: Vec<&String> = self.systems.iter().collect();
            systems.sort();
            crate::audit::record(
                &mut self.tx,
                self.actor,
                "import",
                "cases",
                None,
                json!({ "inserted": self.report.inserted, "updated": self.report.updated,
                        "unchanged": self.report.unchanged, "rejected": self.report.rejected,
                        "source_systems": systems }),
            )
            .await?;
        }
        self.tx.commit().await?;
        // After a large batch the planner's statistics are stale (PostgreSQL: until autovacuum
        // comes round) or missing: case lists planned without them read far more than a page
        // (PostgreSQL p99 0.45 s instead of 13 ms after a million cases; SQLite, not knowing a
        // department holds few cases, walks a town's 43,000).
        if self.report.inserted + self.report.updated >= ANALYZE_AFTER {
            self.store.analyze(&["cases", "case_parties"]).await?;
        }
        Ok(self.report)
    }
}

/// One multi-row INSERT of new cases; with `first_id`, the ids are given in order from it.
fn insert_cases(group: Vec<Prepared>, first_id: Option<i64>, user: Option<i64>, now: i64) -> Sql {
    super::case::repo::insert_imported(
        &COLUMNS,
        group.into_iter().map(|p| p.values),
        first_id,
        user,
        now,
    )
}

/// One multi-row INSERT of parties of cases whose ids are known; None when the group has no
/// parties.
fn insert_parties(group: Vec<(i64, Vec<SealedParty>)>) -> Option<Sql> {
    use super::cases::PARTY_COLUMNS;
    let mut sql = Sql::new(&format!(
        "INSERT INTO case_parties (case_id, ordinal, {PARTY_COLUMNS}) VALUES "
    ));
    let mut first = true;
    for (id, of_case) in group {
        for (n, s) in of_case.into_iter().enumerate() {
            sql.push(if first { "(" } else { ", (" });
            first = false;
            sql.bind(id).push(", ").bind(n as i64);
            s.bind_values(&mut sql);
            sql.push(")");
        }
    }
    (!first).then_some(sql)
}

/// One line of JSON Lines checked: None for a blank line.
fn check_line(
    ctx: &Context,
    actor: &Actor,
    keyring: &Keyring,
    text: &str,
) -> Option<std::result::Result<Prepared, String>> {
    if text.trim().is_empty() {
        return None;
    }
    Some(match serde_json::from_str::<CaseRecord>(text) {
        Ok(r) => prepare(ctx, actor, keyring, &r, Some(text.as_bytes())),
        Err(e) => Err(json_problem(&e)),
    })
}

/// Imports JSON Lines from `input`, streamed; `progress` is told each line number. Three
/// stages overlap: reading, checking (parsing, validation, sealing, hashing: a blocking
/// thread) and writing, handing each other batches of `CHUNK` lines through bounded channels,
/// so memory stays bounded whatever the input's size. If any stage fails, the others stop and
/// the transaction is rolled back.
pub async fn json_lines<R: tokio::io::AsyncBufRead + Unpin>(
    store: &Store,
    actor: &Actor,
    keyring: &Keyring,
    input: R,
    progress: &(dyn Fn(u64) + Sync),
) -> Result<IngestReport> {
    use tokio::io::AsyncBufReadExt;
    use tokio::sync::mpsc;
    type Checked = Vec<(usize, std::result::Result<Prepared, String>)>;
    let mut ingest = Ingest::begin(store, actor, keyring).await?;
    let (raw_tx, mut raw_rx) = mpsc::channel::<Vec<(usize, String)>>(4);
    let (checked_tx, mut checked_rx) = mpsc::channel::<Checked>(4);
    let (ctx, checker_actor, checker_keyring) =
        (ingest.ctx.clone(), actor.clone(), keyring.clone());
    let checker = tokio::task::spawn_blocking(move || {
        while let Some(batch) = raw_rx.blocking_recv() {
            let out: Checked = batch
                .into_iter()
                .filter_map(|(n, text)| {
                    check_line(&ctx, &checker_actor, &checker_keyring, &text).map(|r| (n, r))
                })
                .collect();
            if checked_tx.blocking_send(out).is_err() {
                break;
            }
        }
    });
    let read = async move {
        let mut lines = input.lines();
        let mut n = 0usize;
        let mut batch = Vec::with_capacity(CHUNK);
        loop {
            match lines.next_line().await {
                Ok(Some(l)) => {
                    n += 1;
                    batch.push((n, l));
                    if batch.len() == CHUNK {
                        if raw_tx.send(std::mem::take(&mut batch)).await.is_err() {
                            break;
                        }
                        progress(n as u64);
                    }
                }
                Ok(None) => break,
                Err(e) => {
                    return Err(Error::invalid(
                        "file",
                        format!(
                            "第 {} 行读取失败（文件应为 UTF-8 编码的 JSON Lines）：{e}",
                            n + 1
                        ),
                    ));
                }
            }
        }
        if !batch.is_empty() {
            let _ = raw_tx.send(batch).await;
        }
        progress(n as u64);
        Ok(())
    };
    let writer = &mut ingest;
    // Owns the receiver: when writing fails, dropping it stops the checker, which stops the reader.
    let write = async move {
        while let Some(batch) = checked_rx.recv().await {
            for (n, r) in batch {
                writer.accept(n, r).await?;
            }
        }
        Ok::<(), Error>(())
    };
    let (read, write) = tokio::join!(read, write);
    let _ = checker.await;
    read?;
    write?;
    ingest.finish().await
}
