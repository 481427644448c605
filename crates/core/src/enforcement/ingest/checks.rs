//! Each record checked and prepared for writing: dates in order, references known, identifiers valid, the decision against the benchmark; what cannot be true or placed is rejected with its reason.

use std::collections::{HashMap, HashSet};

use chrono::NaiveDate;
use fazhi_kernel::money::Fen;
use fazhi_store::Arg;
use fazhi_store::{Row, Store};

use crate::Result;
use crate::access::Actor;
use crate::enforcement::benchmarks;
use crate::enforcement::cases::{NewParty, SealedParty, check_parties};
use crate::enforcement::discretion::{Benchmark, DiscretionCheck, check_discretion};
use crate::enforcement::rules::PartyKind;
use crate::vault::Keyring;

use super::*;

/// What the checks need, loaded once per batch.
pub(super) struct Context {
    /// name → (id, region id, region path, department path)
    pub(super) departments: HashMap<String, (i64, i64, String, String)>,
    /// town stat code → (id, path)
    pub(super) towns: HashMap<String, (i64, String)>,
    pub(super) items: HashSet<String>,
    pub(super) benchmarks: HashMap<String, Vec<Benchmark>>,
    pub(super) today: NaiveDate,
}

impl Context {
    pub(super) async fn load(store: &Store) -> Result<Context> {
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
        let items = crate::enforcement::catalog::repo::codes(&mut conn).await?;
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
pub(super) struct Prepared {
    pub(super) source_system: String,
    pub(super) source_id: String,
    pub(super) hash: String,
    /// Values in `COLUMNS` order.
    pub(super) values: Vec<Arg>,
    pub(super) parties: Vec<SealedParty>,
}

/// The columns an imported record sets, in the order of `Prepared::values`.
pub(super) const COLUMNS: [&str; 37] = [
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

pub(super) fn day(field: &str, value: &str, problems: &mut Vec<String>) -> Option<NaiveDate> {
    let d = fazhi_kernel::date::parse(value);
    if d.is_none() {
        problems.push(format!("{field} 的日期“{value}”应为 YYYY-MM-DD"));
    }
    d
}

pub(super) fn opt_day(
    field: &str,
    value: &Option<String>,
    problems: &mut Vec<String>,
) -> Option<NaiveDate> {
    value
        .as_deref()
        .filter(|v| !v.trim().is_empty())
        .and_then(|v| day(field, v, problems))
}

pub(super) fn bounded(field: &str, value: &str, max: usize, problems: &mut Vec<String>) {
    let n = value.trim().chars().count();
    if n == 0 {
        problems.push(format!("{field} 为空"));
    } else if n > max {
        problems.push(format!("{field} 超过 {max} 字"));
    }
}

/// The stage a record has reached: the latest step with a date.
pub(super) fn stage_of(d: &Dates) -> &'static str {
    use crate::enforcement::stage::Stage;
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

pub(super) struct Dates {
    pub(super) legal_review: Option<NaiveDate>,
    pub(super) prior_notice: Option<NaiveDate>,
    pub(super) hearing_held: Option<NaiveDate>,
    pub(super) decided: Option<NaiveDate>,
    pub(super) delivered: Option<NaiveDate>,
    pub(super) paid: Option<NaiveDate>,
    pub(super) closed: Option<NaiveDate>,
    pub(super) archived: Option<NaiveDate>,
}

pub(super) fn text(v: &str) -> Arg {
    Arg::Text(v.trim().to_string())
}

pub(super) fn opt_date(d: Option<NaiveDate>) -> Arg {
    d.map_or(Arg::Null, |d| Arg::Text(d.to_string()))
}

/// Checks one record; every problem of it, joined, on rejection.
pub(super) fn prepare(
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
        && !crate::enforcement::cases::ORIGINS.contains(&o)
    {
        p.push(format!(
            "origin“{o}”应为：{}",
            crate::enforcement::cases::ORIGINS.join("、")
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
