//! Evaluating case files in bulk (`fazhi evaluate`): every case whose record changed since its
//! last evaluation (its `version` differs from the one evaluated), or every case, read in
//! keyset batches. Each batch's evaluations, findings and audit entry are written in one
//! transaction, so an interrupted run leaves whole batches and the next run picks up the rest.

use std::collections::{BTreeMap, HashMap, HashSet};

use chrono::NaiveDate;
use fazhi_kernel::money::Fen;
use fazhi_store::{Arg, Row, Sql, Store, now_ms};
use serde::Serialize;
use serde_json::json;
use sqlx::any::AnyRow;

use super::sheet::{self, CaseFile, Evaluation};
use crate::access::{Actor, Permission};
use crate::enforcement::rules::PartyKind;
use crate::{Error, Result};

/// Cases read, evaluated and written together.
const BATCH: i64 = 2000;
/// Serialises the batch writes of concurrent runs (PostgreSQL advisory lock key).
const EVALUATION_LOCK: i64 = 0x0066_617a_6869_0002;
/// Runs that evaluate at least this many files refresh the statistics afterwards.
const ANALYZE_AFTER: usize = 10_000;
/// Rows per multi-row statement.
const ROWS_PER_STATEMENT: usize = 250;

#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct EvaluateReport {
    pub evaluated: usize,
    pub findings: usize,
    pub by_rule: BTreeMap<String, usize>,
}

fn day(r: &AnyRow, column: &str) -> Result<Option<NaiveDate>> {
    Ok(r.try_get::<Option<String>, _>(column)?
        .and_then(|s| fazhi_kernel::date::parse(&s)))
}

/// The days a reconsideration or suit was pending, both ends counted (as the deadline engine
/// stops the payment limit from the application day through the conclusion day).
fn dispute_days(from: Option<NaiveDate>, until: Option<NaiveDate>) -> u64 {
    match (from, until) {
        (Some(from), Some(until)) if until >= from => (until - from).num_days().unsigned_abs() + 1,
        _ => 0,
    }
}

fn flag(r: &AnyRow, column: &str) -> Result<bool> {
    Ok(fazhi_store::flag(r.try_get(column)?))
}

const SELECT: &str =
    "SELECT c.id, c.version, c.created_by, c.department_id, c.source_system, c.procedure, c.item_code, c.decision_number,
    c.act_ended_on, c.discovered_on, c.filed_on, c.grave, c.review_triggers, c.legal_review_on,
    c.prior_notice_on, c.hearing_right, c.waived, c.hearing_requested, c.hearing_notice_on,
    c.hearing_on, c.hearing_held_on, c.decided_on, c.outcome, c.fine_fen, c.delivered_on,
    c.paid_on, c.paid_fen, c.surcharge_fen, c.closed_on, c.archived_on, c.discretion,
    c.deviation_reason, c.illegal_gains_fen, c.confiscated_fen, c.prior_notice_number,
    c.rectification_on, c.rectify_by, c.delivery_method, c.dispute_on, c.dispute_concluded_on,
    CASE WHEN c.filing_approver IS NULL OR TRIM(c.filing_approver) = '' THEN 0 ELSE 1 END AS has_filing_approver,
    CASE WHEN c.closure_approver IS NULL OR TRIM(c.closure_approver) = '' THEN 0 ELSE 1 END AS has_closure_approver,
    CASE WHEN c.origin IS NULL OR TRIM(c.origin) = '' THEN 0 ELSE 1 END AS has_origin,
    CASE WHEN c.summary IS NULL OR TRIM(c.summary) = '' THEN 0 ELSE 1 END AS has_summary,
    CASE WHEN c.delivery_place IS NULL OR TRIM(c.delivery_place) = '' THEN 0 ELSE 1 END AS has_delivery_place,
    CASE WHEN c.no_penalty_reason IS NULL OR TRIM(c.no_penalty_reason) = '' THEN 0 ELSE 1 END AS has_no_penalty_reason,
    CASE WHEN c.facts_found IS NULL OR TRIM(c.facts_found) = '' THEN 0 ELSE 1 END AS has_facts,
    CASE WHEN c.evidence IS NULL OR TRIM(c.evidence) = '' THEN 0 ELSE 1 END AS has_evidence
    FROM cases c LEFT JOIN case_evaluations e ON e.case_id = c.id WHERE c.id > ";

/// A delegation's period: from, and until (open-ended when None).
type Period = (NaiveDate, Option<NaiveDate>);

/// What the authority and law rules compare a case with, loaded once per run.
struct Catalog {
    /// item code → the day its first version took effect
    items: HashMap<String, NaiveDate>,
    /// department id → its town (region id), for town offices
    town_of: HashMap<i64, i64>,
    /// (item code, town) → delegation periods (from, until)
    delegations: HashMap<(String, i64), Vec<Period>>,
    /// department id → its document abbreviation (诸市监), where set
    abbreviations: HashMap<i64, String>,
}

impl Catalog {
    /// Everything, or (`only`) what one case on item × department is compared with.
    async fn load(store: &Store, only: Option<(&str, i64)>) -> Result<Catalog> {
        let mut conn = store.conn().await?;
        let mut items: HashMap<String, NaiveDate> = HashMap::new();
        let mut sql = Sql::new("SELECT code, effective_from FROM enforcement_items");
        if let Some((item, _)) = only {
            sql.push(" WHERE code = ").bind(item);
        }
        for r in sql.fetch_all(&mut conn).await? {
            if let Some(d) = day(&r, "effective_from")? {
                let e = items.entry(r.try_get("code")?).or_insert(d);
                *e = (*e).min(d);
            }
        }
        let mut town_of = HashMap::new();
        let mut sql = Sql::new(
            "SELECT d.id, r.id AS town FROM departments d JOIN regions r ON r.id = d.region_id WHERE r.kind = 'town'",
        );
        if let Some((_, department)) = only {
            sql.push(" AND d.id = ").bind(department);
        }
        for r in sql.fetch_all(&mut conn).await? {
            town_of.insert(r.try_get::<i64, _>("id")?, r.try_get::<i64, _>("town")?);
        }
        let mut delegations: HashMap<(String, i64), Vec<Period>> = HashMap::new();
        let mut sql =
            Sql::new("SELECT item_code, town_id, effective_from, effective_until FROM delegations");
        if let Some((item, _)) = only {
            sql.push(" WHERE item_code = ").bind(item);
        }
        for r in sql.fetch_all(&mut conn).await? {
            if let Some(from) = day(&r, "effective_from")? {
                delegations
                    .entry((r.try_get("item_code")?, r.try_get("town_id")?))
                    .or_default()
                    .push((from, day(&r, "effective_until")?));
            }
        }
        let mut abbreviations = HashMap::new();
        let mut sql =
            Sql::new("SELECT id, issuer_abbr FROM departments WHERE issuer_abbr IS NOT NULL");
        if let Some((_, department)) = only {
            sql.push(" AND id = ").bind(department);
        }
        for r in sql.fetch_all(&mut conn).await? {
            abbreviations.insert(
                r.try_get::<i64, _>("id")?,
                r.try_get::<String, _>("issuer_abbr")?,
            );
        }
        Ok(Catalog {
            items,
            town_of,
            delegations,
            abbreviations,
        })
    }

    /// Whether a town office's case on `item` filed on `filed` lacks a delegation that day.
    fn town_without_delegation(
        &self,
        department: i64,
        item: &str,
        filed: Option<NaiveDate>,
    ) -> bool {
        let (Some(town), Some(filed)) = (self.town_of.get(&department), filed) else {
            return false;
        };
        !self
            .delegations
            .get(&(item.to_string(), *town))
            .is_some_and(|periods| {
                periods
                    .iter()
                    .any(|(from, until)| *from <= filed && until.is_none_or(|u| filed <= u))
            })
    }
}

/// One case row as the sheet sees it (parties and the decision limit added after).
fn case_file(r: &AnyRow, catalog: &Catalog) -> Result<CaseFile> {
    let item: String = r.try_get("item_code")?;
    let act_ended_on = day(r, "act_ended_on")?;
    let filed_on = day(r, "filed_on")?;
    let first_version = catalog.items.get(&item).copied();
    Ok(CaseFile {
        id: r.try_get("id")?,
        own: r.try_get::<String, _>("source_system")? == crate::enforcement::ingest::OWN_SYSTEM,
        general: r.try_get::<String, _>("procedure")? == "general",
        item_known: first_version.is_some(),
        item_not_in_force_at_act: matches!((first_version, act_ended_on), (Some(v), Some(a)) if a < v),
        town_without_delegation: catalog.town_without_delegation(
            r.try_get("department_id")?,
            &item,
            filed_on,
        ),
        decision_number: r.try_get("decision_number")?,
        act_ended_on,
        discovered_on: day(r, "discovered_on")?,
        filed_on,
        grave: flag(r, "grave")?,
        review_triggers: crate::enforcement::case::transition::triggers_parse(
            &r.try_get::<Option<String>, _>("review_triggers")?
                .unwrap_or_default(),
        ),
        legal_review_on: day(r, "legal_review_on")?,
        prior_notice_on: day(r, "prior_notice_on")?,
        hearing_right: flag(r, "hearing_right")?,
        waived: flag(r, "waived")?,
        hearing_requested: flag(r, "hearing_requested")?,
        hearing_notice_on: day(r, "hearing_notice_on")?,
        hearing_on: day(r, "hearing_on")?,
        hearing_held_on: day(r, "hearing_held_on")?,
        decided_on: day(r, "decided_on")?,
        outcome: r
            .try_get::<Option<String>, _>("outcome")?
            .map(|code| {
                crate::enforcement::case::Decision::parse(&code)
                    .ok_or_else(|| Error::malformed("case outcome"))
            })
            .transpose()?,
        fine: Fen(r.try_get("fine_fen")?),
        delivered_on: day(r, "delivered_on")?,
        paid_on: day(r, "paid_on")?,
        dispute_days: dispute_days(
            day(r, "dispute_on")?,
            day(r, "dispute_concluded_on")?.or(day(r, "paid_on")?),
        ),
        paid: Fen(r.try_get("paid_fen")?),
        surcharge: Fen(r.try_get("surcharge_fen")?),
        closed_on: day(r, "closed_on")?,
        archived_on: day(r, "archived_on")?,
        discretion: r.try_get("discretion")?,
        deviation_reason: r.try_get("deviation_reason")?,
        facts_found: flag(r, "has_facts")?,
        evidence: flag(r, "has_evidence")?,
        handler: r.try_get("created_by")?,
        illegal_gains: Fen(r.try_get("illegal_gains_fen")?),
        confiscated: Fen(r.try_get("confiscated_fen")?),
        department_abbr: catalog
            .abbreviations
            .get(&r.try_get::<i64, _>("department_id")?)
            .cloned(),
        prior_notice_number: r.try_get("prior_notice_number")?,
        rectification_on: day(r, "rectification_on")?,
        rectify_by: day(r, "rectify_by")?,
        filing_approver: flag(r, "has_filing_approver")?,
        closure_approver: flag(r, "has_closure_approver")?,
        origin: flag(r, "has_origin")?,
        summary: flag(r, "has_summary")?,
        delivery_method: r
            .try_get::<Option<String>, _>("delivery_method")?
            .map(|code| {
                crate::enforcement::case::DeliveryMethod::parse(&code)
                    .ok_or_else(|| Error::malformed("case delivery method"))
            })
            .transpose()?,
        delivery_place: flag(r, "has_delivery_place")?,
        no_penalty_reason: flag(r, "has_no_penalty_reason")?,
        ..CaseFile::default()
    })
}

/// Evaluates every changed case (every case with `all`); `progress` hears the cases done.
pub async fn run(
    store: &Store,
    actor: &Actor,
    all: bool,
    progress: &(dyn Fn(u64) + Sync),
) -> Result<EvaluateReport> {
    actor.require(Permission::CaseRead)?;
    if actor.user_id.is_some() {
        // Evaluating every case of the city is a console job, not a signed-in user's.
        return Err(Error::invalid(
            "actor",
            "全量案卷评查只能在服务器控制台运行（fazhi evaluate）。",
        ));
    }
    let catalog = Catalog::load(store, None).await?;
    let calendar = crate::calendar::load(store).await?;
    let started = now_ms();
    // The sheet as configured today; a version the last run did not use re-evaluates every file.
    let (settings_id, settings) =
        super::sheet_settings::in_force(store, crate::deadlines::china_today()).await?;
    let last_settings: Option<i64> =
        sqlx::query_scalar("SELECT settings_id FROM evaluation_runs ORDER BY id DESC LIMIT 1")
            .fetch_optional(store.pool())
            .await?;
    let all = all || last_settings.is_some_and(|last| last != settings_id);
    // Without --all, the cases whose version differs from the one evaluated, found in one
    // pass over a narrow index and read in batches by id.
    let candidates: Option<Vec<i64>> = if all {
        None
    } else {
        Some(
            sqlx::query_scalar(
                "SELECT c.id FROM cases c LEFT JOIN case_evaluations e ON e.case_id = c.id
                 WHERE e.case_id IS NULL OR e.case_version <> c.version ORDER BY c.id",
            )
            .fetch_all(store.pool())
            .await?,
        )
    };
    let mut report = EvaluateReport::default();
    let mut after = 0i64;
    let mut next = 0usize;
    loop {
        let mut sql = Sql::new(SELECT);
        sql.bind(after);
        if let Some(ids) = &candidates {
            let batch = &ids[next.min(ids.len())..(next + BATCH as usize).min(ids.len())];
            if batch.is_empty() {
                break;
            }
            next += batch.len();
            sql.push(" AND c.id IN (");
            sql.bind_list(batch.iter().copied());
            sql.push(")");
        }
        if !all {
            sql.push(" AND (e.case_id IS NULL OR e.case_version <> c.version)");
        }
        sql.push(" ORDER BY c.id LIMIT ").bind(BATCH);
        let rows = sql.fetch_all(&mut *store.conn().await?).await?;
        let Some(last) = rows.last() else {
            if candidates.is_some() {
                // This slice of candidates had nothing changed; the next may.
                continue;
            }
            break;
        };
        after = last.try_get("id")?;
        let first: i64 = rows[0].try_get("id")?;
        let mut files = Vec::with_capacity(rows.len());
        let mut versions = Vec::with_capacity(rows.len());
        for r in &rows {
            let file = case_file(r, &catalog)?;
            versions.push(r.try_get::<i64, _>("version")?);
            files.push(file);
        }
        add_parties(store, &mut files, first, after).await?;
        add_decision_limits(store, &mut files).await?;
        add_contents(store, &mut files).await?;
        let evaluations: Vec<Evaluation> = files
            .iter()
            .map(|f| sheet::evaluate_with(f, &calendar, &settings))
            .collect();
        write(store, actor, &files, &versions, &evaluations).await?;
        for e in &evaluations {
            report.findings += e.findings.len();
            for f in &e.findings {
                *report.by_rule.entry(f.rule.to_string()).or_default() += 1;
            }
        }
        report.evaluated += files.len();
        progress(report.evaluated as u64);
    }
    if report.evaluated == 0 && !all {
        // The periodic job finds nothing changed most of the time; that is not worth a record.
        return Ok(report);
    }
    if report.evaluated >= ANALYZE_AFTER {
        // The desk's counts are planned on these statistics (by grade, by rule).
        store
            .analyze(&["case_evaluations", "case_findings"])
            .await?;
    }
    let mut tx = store.begin().await?;
    sqlx::query("INSERT INTO evaluation_runs (started_at, finished_at, every_case, evaluated, findings, settings_id) VALUES ($1, $2, $3, $4, $5, $6)")
        .bind(started)
        .bind(now_ms())
        .bind(i64::from(all))
        .bind(report.evaluated as i64)
        .bind(report.findings as i64)
        .bind(settings_id)
        .execute(tx.conn())
        .await?;
    crate::audit::record(
        &mut tx,
        actor,
        "evaluate_run",
        "case_files",
        None,
        json!({ "all": all, "evaluated": report.evaluated, "findings": report.findings, "settings_id": settings_id }),
    )
    .await?;
    tx.commit().await?;
    Ok(report)
}

/// Case `id`'s file as the sheet reads it, with the sheet in force today. Not found outside the
/// actor's scope.
async fn one_file(
    store: &Store,
    actor: &Actor,
    id: i64,
) -> Result<(CaseFile, i64, sheet::Settings, i64)> {
    crate::enforcement::cases::get(store, actor, id).await?;
    let mut sql = Sql::new(SELECT);
    sql.bind(id - 1).push(" AND c.id = ").bind(id);
    let row = sql
        .fetch_optional(&mut *store.conn().await?)
        .await?
        .ok_or(Error::NotFound)?;
    let item: String = row.try_get("item_code")?;
    let catalog = Catalog::load(store, Some((&item, row.try_get("department_id")?))).await?;
    let mut files = vec![case_file(&row, &catalog)?];
    add_parties(store, &mut files, id, id).await?;
    add_decision_limits(store, &mut files).await?;
    add_contents(store, &mut files).await?;
    let (settings_id, settings) =
        super::sheet_settings::in_force(store, crate::deadlines::china_today()).await?;
    let file = files.pop().ok_or(Error::NotFound)?;
    Ok((file, row.try_get("version")?, settings, settings_id))
}

/// Evaluates case `id` now, as the periodic run would (办案中预警): called after every change
/// to the case, so its findings are on its page at once and its handler is told of new ones.
pub async fn evaluate_case(store: &Store, actor: &Actor, id: i64) -> Result<Evaluation> {
    let (file, version, settings, _) = one_file(store, actor, id).await?;
    let calendar = crate::calendar::load(store).await?;
    let evaluation = sheet::evaluate_with(&file, &calendar, &settings);
    write(
        store,
        actor,
        std::slice::from_ref(&file),
        &[version],
        std::slice::from_ref(&evaluation),
    )
    .await?;
    Ok(evaluation)
}

/// What the sheet will find once `step` is taken on `today` that it does not find now — the
/// documents and paper details the file lacks for that step (办案中预警: "送达前：卷内缺少…").
/// The step's own documents are assumed made, signed and sealed; only what must come before
/// it is reported. Each finding with its rule.
pub async fn before_step(
    store: &Store,
    actor: &Actor,
    id: i64,
    step: crate::enforcement::case::Step,
    today: NaiveDate,
) -> Result<Vec<(&'static sheet::Rule, String)>> {
    let (file, _, settings, _) = one_file(store, actor, id).await?;
    let calendar = crate::calendar::load(store).await?;
    let now: HashSet<&str> = sheet::evaluate_with(&file, &calendar, &settings)
        .findings
        .iter()
        .map(|f| f.rule)
        .collect();
    let Some(then) = sheet::projected(&file, step, today) else {
        return Ok(Vec::new());
    };
    Ok(sheet::evaluate_with(&then, &calendar, &settings)
        .findings
        .into_iter()
        .filter(|f| !now.contains(f.rule))
        .filter_map(|f| {
            let rule = sheet::rule(f.rule)?;
            (rule.section == sheet::Section::Documents).then_some((rule, f.detail))
        })
        .collect())
}

/// A message to the handler of each open case fazhi handles, for each finding its previous
/// evaluation did not have: told while the defect can still be put right, and told once.
async fn handler_warnings(
    tx: &mut fazhi_store::Tx,
    files: &[CaseFile],
    evaluations: &[Evaluation],
) -> Result<Vec<crate::messages::NewMessage>> {
    let open: Vec<usize> = (0..files.len())
        .filter(|&i| {
            let f = &files[i];
            f.own
                && f.handler.is_some()
                && f.closed_on.is_none()
                && f.archived_on.is_none()
                && !evaluations[i].findings.is_empty()
        })
        .collect();
    if open.is_empty() {
        return Ok(Vec::new());
    }
    let mut sql = Sql::new("SELECT case_id, rule_code FROM case_findings WHERE case_id IN (");
    sql.bind_list(open.iter().map(|&i| files[i].id));
    sql.push(")");
    let mut known: HashSet<(i64, String)> = HashSet::new();
    for r in sql.fetch_all(tx.conn()).await? {
        known.insert((r.try_get("case_id")?, r.try_get("rule_code")?));
    }
    let mut out = Vec::new();
    for i in open {
        let (f, Some(user)) = (&files[i], files[i].handler) else {
            continue;
        };
        for finding in &evaluations[i].findings {
            if known.contains(&(f.id, finding.rule.to_string()))
                || sheet::PAPER_RULES.contains(&finding.rule)
            {
                continue;
            }
            let description = sheet::rule(finding.rule).map_or("", |r| r.description);
            out.push(crate::messages::NewMessage {
                user_id: user,
                title: format!("案卷评查提示：{} {description}", finding.rule),
                body: format!(
                    "案件 {}：{}。案件尚未结案，请在结案前纠正或补正。",
                    f.decision_number
                        .clone()
                        .unwrap_or_else(|| format!("（编号 {}）", f.id)),
                    finding.detail
                ),
                link: Some(format!("/enforcement/cases/{}", f.id)),
            });
        }
    }
    Ok(out)
}

/// Each file's parties: by the batch's id range when its cases are most of that range (a full
/// run), else by their ids (a few changed cases spread over many).
async fn add_parties(store: &Store, files: &mut [CaseFile], first: i64, last: i64) -> Result<()> {
    let at: HashMap<i64, usize> = files.iter().enumerate().map(|(i, f)| (f.id, i)).collect();
    let mut sql = Sql::new(
        "SELECT case_id, kind, name, legal_representative,
            CASE WHEN resident_id_index IS NULL THEN 0 ELSE 1 END AS has_id,
            CASE WHEN uscc IS NULL OR TRIM(uscc) = '' THEN 0 ELSE 1 END AS has_uscc,
            CASE WHEN address_sealed IS NULL THEN 0 ELSE 1 END AS has_address
         FROM case_parties WHERE ",
    );
    if last - first < 2 * files.len() as i64 {
        sql.push("case_id >= ")
            .bind(first)
            .push(" AND case_id <= ")
            .bind(last);
    } else {
        sql.push("case_id IN (");
        sql.bind_list(files.iter().map(|f| f.id));
        sql.push(")");
    }
    let rows = sql.fetch_all(&mut *store.conn().await?).await?;
    for r in rows {
        let Some(&i) = at.get(&r.try_get::<i64, _>("case_id")?) else {
            continue;
        };
        let organisation = r.try_get::<String, _>("kind")? == "organisation";
        files[i].party_names.push(r.try_get("name")?);
        files[i].parties.push(if organisation {
            PartyKind::Organisation
        } else {
            PartyKind::Person
        });
        if organisation
            && r.try_get::<Option<String>, _>("legal_representative")?
                .is_none_or(|s| s.trim().is_empty())
        {
            files[i].organisations_without_representative += 1;
        }
        if organisation && !flag(&r, "has_uscc")? {
            files[i].organisations_without_uscc += 1;
        }
        if !organisation && !flag(&r, "has_id")? {
            files[i].persons_without_id += 1;
        }
        if !flag(&r, "has_address")? {
            files[i].parties_without_address += 1;
        }
    }
    Ok(())
}

/// The registered contents of fazhi's own case files (imported files are kept at their source).
async fn add_contents(store: &Store, files: &mut [CaseFile]) -> Result<()> {
    let at: HashMap<i64, usize> = (0..files.len())
        .filter(|&i| files[i].own)
        .map(|i| (files[i].id, i))
        .collect();
    if at.is_empty() {
        return Ok(());
    }
    let mut sql = Sql::new(
        "SELECT case_id, kind, number, dated_on, party_name, amount_fen, officers, certified,
            party_signed, sealed FROM case_file_documents WHERE case_id IN (",
    );
    sql.bind_list(at.keys().copied());
    sql.push(") ORDER BY id");
    for r in sql.fetch_all(&mut *store.conn().await?).await? {
        if let Some((case_id, doc)) = crate::enforcement::file_contents::from_row(&r)?
            && let Some(&i) = at.get(&case_id)
        {
            files[i].contents.get_or_insert_with(Vec::new).push(doc);
        }
    }
    Ok(())
}

/// The art. 60 limit as the deadline engine holds it (extensions included), for fazhi's own
/// cases; imported cases have none there.
async fn add_decision_limits(store: &Store, files: &mut [CaseFile]) -> Result<()> {
    let own: Vec<usize> = (0..files.len()).filter(|&i| files[i].own).collect();
    if own.is_empty() {
        return Ok(());
    }
    let mut sql = Sql::new(
        "SELECT subject_id, due_on FROM deadlines WHERE subject_type = 'case' AND article = '第六十条' AND subject_id IN (",
    );
    sql.bind_list(own.iter().map(|&i| files[i].id.to_string()));
    sql.push(")");
    let mut due: HashMap<String, NaiveDate> = HashMap::new();
    for r in sql.fetch_all(&mut *store.conn().await?).await? {
        if let Some(d) = day(&r, "due_on")? {
            let id: String = r.try_get("subject_id")?;
            // The latest limit counts (an extension moves it later).
            let e = due.entry(id).or_insert(d);
            *e = (*e).max(d);
        }
    }
    for i in own {
        files[i].decision_due = due.get(&files[i].id.to_string()).copied();
    }
    Ok(())
}

async fn write(
    store: &Store,
    actor: &Actor,
    files: &[CaseFile],
    versions: &[i64],
    evaluations: &[Evaluation],
) -> Result<()> {
    let now = now_ms();
    let mut tx = store.begin().await?;
    // Two runs at once (the periodic job and the console) write one batch after the other,
    // and each replaces whatever findings the cases have by then.
    tx.lock(EVALUATION_LOCK).await?;
    let ids: Vec<i64> = files.iter().map(|f| f.id).collect();
    let warnings = handler_warnings(&mut tx, files, evaluations).await?;
    let mut statements: Vec<Sql> = Vec::new();
    for group in ids.chunks(ROWS_PER_STATEMENT * 4) {
        let mut sql = Sql::new("DELETE FROM case_findings WHERE case_id IN (");
        sql.bind_list(group.iter().copied());
        sql.push(")");
        statements.push(sql);
    }
    let rows: Vec<usize> = (0..files.len()).collect();
    for group in rows.chunks(ROWS_PER_STATEMENT) {
        let mut sql = Sql::new(
            "INSERT INTO case_evaluations (case_id, case_version, score, grade, veto, findings, evaluated_at) VALUES ",
        );
        for (n, &i) in group.iter().enumerate() {
            let e = &evaluations[i];
            sql.push(if n > 0 { ", (" } else { "(" })
                .bind(files[i].id)
                .push(", ")
                .bind(versions[i])
                .push(", ")
                .bind(i64::from(e.score))
                .push(", ")
                .bind(e.grade.code())
                .push(", ")
                .bind(i64::from(e.veto))
                .push(", ")
                .bind(e.findings.len() as i64)
                .push(", ")
                .bind(now)
                .push(")");
        }
        sql.push(
            " ON CONFLICT (case_id) DO UPDATE SET case_version = excluded.case_version, score = excluded.score,
              grade = excluded.grade, veto = excluded.veto, findings = excluded.findings,
              evaluated_at = excluded.evaluated_at",
        );
        statements.push(sql);
    }
    let found: Vec<(i64, &sheet::Finding)> = files
        .iter()
        .zip(evaluations)
        .flat_map(|(f, e)| e.findings.iter().map(move |x| (f.id, x)))
        .collect();
    for group in found.chunks(ROWS_PER_STATEMENT) {
        let mut sql = Sql::new(
            "INSERT INTO case_findings (case_id, rule_code, deduction, veto, detail) VALUES ",
        );
        for (n, (id, f)) in group.iter().enumerate() {
            sql.push(if n > 0 { ", (" } else { "(" })
                .bind(*id)
                .push(", ")
                .bind(f.rule)
                .push(", ")
                .bind(i64::from(f.deduction))
                .push(", ")
                .bind(i64::from(f.veto))
                .push(", ")
                .bind(Arg::Text(f.detail.clone()))
                .push(")");
        }
        statements.push(sql);
    }
    tx.execute_all(statements.into_iter()).await?;
    crate::messages::send_many(&mut tx, &warnings).await?;
    crate::audit::record(
        &mut tx,
        actor,
        "evaluate",
        "case_files",
        None,
        json!({
            "cases": files.len(),
            "first_case": files.first().map(|f| f.id),
            "last_case": files.last().map(|f| f.id),
            "findings": found.len(),
            "handlers_told": warnings.len(),
        }),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// How the case files in the actor's scope fared: the files graded below 优秀, per grade, and
/// files per rule. (优秀 is most files; counting them would read every evaluation.)
#[derive(Default)]
pub struct Summary {
    pub by_grade: Vec<(sheet::Grade, i64)>,
    /// Every rule of the sheet, with the files it found (0 for none).
    pub by_rule: Vec<(&'static sheet::Rule, i64)>,
}

pub async fn summary(store: &Store, actor: &Actor) -> Result<Summary> {
    use fazhi_store::scope::RECORD_COLUMNS;
    actor.require(Permission::CaseRead)?;
    let mut conn = store.conn().await?;
    let mut sql = Sql::new(
        "SELECT e.grade, COUNT(*) AS n FROM case_evaluations e JOIN cases c ON c.id = e.case_id WHERE e.grade IN ('pass', 'fail') AND ",
    );
    sql.append(actor.scope.condition("c", RECORD_COLUMNS));
    sql.push(" GROUP BY e.grade");
    let mut grades: HashMap<String, i64> = HashMap::new();
    for r in sql.fetch_all(&mut conn).await? {
        grades.insert(r.try_get("grade")?, r.try_get("n")?);
    }
    let mut sql = Sql::new(
        "SELECT f.rule_code, COUNT(DISTINCT f.case_id) AS n FROM case_findings f JOIN cases c ON c.id = f.case_id WHERE ",
    );
    sql.append(actor.scope.condition("c", RECORD_COLUMNS));
    sql.push(" GROUP BY f.rule_code");
    let mut rules: HashMap<String, i64> = HashMap::new();
    for r in sql.fetch_all(&mut conn).await? {
        rules.insert(r.try_get("rule_code")?, r.try_get("n")?);
    }
    let by_grade: Vec<(sheet::Grade, i64)> = [sheet::Grade::Fail, sheet::Grade::Pass]
        .into_iter()
        .map(|g| (g, grades.get(g.code()).copied().unwrap_or(0)))
        .collect();
    Ok(Summary {
        by_grade,
        by_rule: sheet::rules()
            .filter(|r| r.machine())
            .map(|r| (r, rules.get(r.code).copied().unwrap_or(0)))
            .collect(),
    })
}

/// One case's latest evaluation: (score, grade, its findings with their rules); None before
/// the first. Not found outside the actor's scope.
pub async fn of_case(
    store: &Store,
    actor: &Actor,
    id: i64,
) -> Result<Option<(i64, sheet::Grade, Vec<(&'static sheet::Rule, String)>)>> {
    crate::enforcement::cases::get(store, actor, id).await?;
    let Some(e) = sqlx::query("SELECT score, grade FROM case_evaluations WHERE case_id = $1")
        .bind(id)
        .fetch_optional(store.pool())
        .await?
    else {
        return Ok(None);
    };
    let grade = match e.try_get::<String, _>("grade")?.as_str() {
        "excellent" => sheet::Grade::Excellent,
        "pass" => sheet::Grade::Pass,
        _ => sheet::Grade::Fail,
    };
    let findings = sqlx::query(
        "SELECT rule_code, detail FROM case_findings WHERE case_id = $1 ORDER BY rule_code",
    )
    .bind(id)
    .fetch_all(store.pool())
    .await?
    .iter()
    .filter_map(|r| {
        let code: String = r.try_get("rule_code").ok()?;
        Some((sheet::rule(&code)?, r.try_get("detail").ok()?))
    })
    .collect();
    Ok(Some((e.try_get("score")?, grade, findings)))
}
