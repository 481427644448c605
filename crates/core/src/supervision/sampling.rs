//! Manual case-file evaluation on a drawn sample (人工评查抽样). A supervisor draws evaluated
//! files at random — the inputs and the seed recorded, so anyone can draw again from the same
//! files and get the same sample — and scores each on the sheet pre-filled with the automatic
//! findings: confirming each, removing it with a reason, or adding what the machine missed.
//! How often the reviewer's grade matches the machine's is the sheet's measured accuracy.

use chrono::NaiveDate;
use fazhi_store::page::Capped;
use fazhi_store::scope::RECORD_COLUMNS;
use fazhi_store::{Row, Sql, Store, now_ms};
use rand::rngs::Xoshiro256PlusPlus;
use rand::{Rng, SeedableRng};
use serde::Serialize;
use serde_json::json;

use super::evaluation;
use super::sheet::{self, Finding, Grade};
use crate::access::{Actor, Permission};
use crate::org::rules::paragraphs;
use crate::{Error, Result};

/// The most files one sample holds.
pub const MAX_SAMPLE: usize = 500;

/// The sample: `size` of `candidates` (case ids in ascending order), by a Fisher–Yates shuffle
/// stopped after `size` steps, driven by xoshiro256++ seeded with `seed` through SplitMix64
/// (`seed_from_u64`): step i swaps position i with i + (next_u64 mod (n − i)). Written out so
/// that anyone can re-implement it and check a published sample.
pub fn pick(candidates: &[i64], size: usize, seed: u64) -> Vec<i64> {
    let mut ids = candidates.to_vec();
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(seed);
    shuffle_prefix(&mut ids, size, &mut rng);
    ids
}

/// The Fisher–Yates steps of `pick` on `items` with a generator already running: the first
/// `size` places are filled at random and the rest dropped. Other public draws (双随机) chain
/// several of these on one generator.
pub fn shuffle_prefix<T>(items: &mut Vec<T>, size: usize, rng: &mut Xoshiro256PlusPlus) {
    let n = items.len();
    let size = size.min(n);
    for i in 0..size {
        let span = (n - i) as u64;
        let j = i + (rng.next_u64() % span) as usize;
        items.swap(i, j);
    }
    items.truncate(size);
}

/// What to draw from: the evaluated files within the actor's scope filed in the period,
/// optionally of one department.
#[derive(Clone, Debug)]
pub struct Draw {
    pub department_id: Option<i64>,
    pub filed_from: NaiveDate,
    pub filed_until: NaiveDate,
    pub size: usize,
    /// None: one is chosen (from the clock) and recorded.
    pub seed: Option<u64>,
}

pub async fn draw(store: &Store, actor: &Actor, input: &Draw, today: NaiveDate) -> Result<i64> {
    actor.require(Permission::SupervisionManage)?;
    if !(1..=MAX_SAMPLE).contains(&input.size) {
        return Err(Error::invalid(
            "size",
            format!("抽取数量应为 1 至 {MAX_SAMPLE} 件。"),
        ));
    }
    if input.filed_until < input.filed_from {
        return Err(Error::invalid("filed_until", "立案日期止不能早于起。"));
    }
    let seed = input.seed.unwrap_or_else(|| now_ms().unsigned_abs());
    let mut sql = Sql::new(
        "SELECT c.id FROM cases c JOIN case_evaluations e ON e.case_id = c.id WHERE c.filed_on >= ",
    );
    sql.bind(input.filed_from.to_string())
        .push(" AND c.filed_on <= ")
        .bind(input.filed_until.to_string());
    if let Some(d) = input.department_id {
        sql.push(" AND c.department_id = ").bind(d);
    }
    sql.push(" AND ")
        .append(actor.scope.condition("c", RECORD_COLUMNS))
        .push(" ORDER BY c.id");
    let mut conn = store.conn().await?;
    let candidates: Vec<i64> = sql
        .fetch_all(&mut conn)
        .await?
        .iter()
        .map(|r| r.try_get("id"))
        .collect::<std::result::Result<_, _>>()?;
    drop(conn);
    if candidates.is_empty() {
        return Err(Error::invalid(
            "filed_from",
            "该期间没有可抽取的已评查案卷（案卷须先经自动评查）。",
        ));
    }
    let picked = pick(&candidates, input.size, seed);
    let region: i64 = sqlx::query_scalar("SELECT region_id FROM departments WHERE id = $1")
        .bind(actor.scope.department_id)
        .fetch_one(store.pool())
        .await?;
    let mut tx = store.begin().await?;
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO evaluation_samples (drawn_on, seed, department_filter, filed_from, filed_until,
            requested, candidates, region_id, department_id, created_by, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id",
    )
    .bind(today.to_string())
    // Stored as the same 64 bits; shown and entered as the unsigned number.
    .bind(seed as i64)
    .bind(input.department_id)
    .bind(input.filed_from.to_string())
    .bind(input.filed_until.to_string())
    .bind(input.size as i64)
    .bind(candidates.len() as i64)
    .bind(region)
    .bind(actor.scope.department_id)
    .bind(actor.user_id)
    .bind(now_ms())
    .fetch_one(tx.conn())
    .await?;
    let mut sql = Sql::new(
        "INSERT INTO evaluation_sample_cases (sample_id, case_id, ordinal, auto_score, auto_grade)
         SELECT v.column1, v.column2, v.column3, e.score, e.grade FROM (VALUES ",
    );
    for (n, case_id) in picked.iter().enumerate() {
        sql.push(if n > 0 { ", (" } else { "(" })
            .bind(id)
            .push(", ")
            .bind(*case_id)
            .push(", ")
            .bind(n as i64 + 1)
            .push(")");
    }
    sql.push(") AS v JOIN case_evaluations e ON e.case_id = v.column2");
    sql.execute(tx.conn()).await?;
    crate::audit::record(
        &mut tx,
        actor,
        "draw",
        "evaluation_sample",
        Some(id.to_string()),
        json!({ "seed": seed.to_string(), "department_id": input.department_id,
                "filed_from": input.filed_from.to_string(), "filed_until": input.filed_until.to_string(),
                "requested": input.size, "candidates": candidates.len(), "cases": picked }),
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

#[derive(Clone, Debug, Serialize)]
pub struct SampleCase {
    pub case_id: i64,
    pub ordinal: i64,
    pub cause: String,
    pub auto_score: i64,
    pub auto_grade: Grade,
    pub score: Option<i64>,
    pub grade: Option<Grade>,
}

#[derive(Clone, Debug, Serialize)]
pub struct Sample {
    pub id: i64,
    pub drawn_on: String,
    pub seed: u64,
    pub department: Option<String>,
    pub filed_from: String,
    pub filed_until: String,
    pub requested: i64,
    pub candidates: i64,
    pub cases: Vec<SampleCase>,
}

impl Sample {
    /// Files reviewed, and of those the files whose manual grade matches the automatic one.
    pub fn agreement(&self) -> (usize, usize) {
        let reviewed: Vec<&SampleCase> = self.cases.iter().filter(|c| c.grade.is_some()).collect();
        let same = reviewed
            .iter()
            .filter(|c| c.grade == Some(c.auto_grade))
            .count();
        (reviewed.len(), same)
    }
}

fn grade_of(code: &str) -> Grade {
    Grade::parse(code).unwrap_or(Grade::Fail)
}

pub async fn get(store: &Store, actor: &Actor, id: i64) -> Result<Sample> {
    actor.require(Permission::SupervisionManage)?;
    let mut sql = Sql::new(
        "SELECT s.id, s.drawn_on, s.seed, d.name AS department, s.filed_from, s.filed_until,
            s.requested, s.candidates
         FROM evaluation_samples s LEFT JOIN departments d ON d.id = s.department_filter WHERE s.id = ",
    );
    sql.bind(id)
        .push(" AND ")
        .append(actor.scope.condition("s", RECORD_COLUMNS));
    let mut conn = store.conn().await?;
    let r = sql
        .fetch_optional(&mut conn)
        .await?
        .ok_or(Error::NotFound)?;
    let cases = sqlx::query(
        "SELECT sc.case_id, sc.ordinal, c.cause, sc.auto_score, sc.auto_grade, sc.score, sc.grade
         FROM evaluation_sample_cases sc JOIN cases c ON c.id = sc.case_id
         WHERE sc.sample_id = $1 ORDER BY sc.ordinal",
    )
    .bind(id)
    .fetch_all(&mut *conn)
    .await?
    .iter()
    .map(|c| {
        Ok(SampleCase {
            case_id: c.try_get("case_id")?,
            ordinal: c.try_get("ordinal")?,
            cause: c.try_get("cause")?,
            auto_score: c.try_get("auto_score")?,
            auto_grade: grade_of(&c.try_get::<String, _>("auto_grade")?),
            score: c.try_get("score")?,
            grade: c
                .try_get::<Option<String>, _>("grade")?
                .map(|g| grade_of(&g)),
        })
    })
    .collect::<Result<_>>()?;
    Ok(Sample {
        id,
        drawn_on: r.try_get("drawn_on")?,
        seed: r.try_get::<i64, _>("seed")? as u64,
        department: r.try_get("department")?,
        filed_from: r.try_get("filed_from")?,
        filed_until: r.try_get("filed_until")?,
        requested: r.try_get("requested")?,
        candidates: r.try_get("candidates")?,
        cases,
    })
}

/// Samples drawn within the actor's scope, newest first (the latest 100).
pub async fn list(store: &Store, actor: &Actor) -> Result<Capped<(i64, String, u64, i64, i64)>> {
    actor.require(Permission::SupervisionManage)?;
    let mut sql = Sql::new(
        "SELECT s.id, s.drawn_on, s.seed, s.candidates,
            (SELECT COUNT(*) FROM evaluation_sample_cases sc WHERE sc.sample_id = s.id) AS files
         FROM evaluation_samples s WHERE ",
    );
    sql.append(actor.scope.condition("s", RECORD_COLUMNS))
        .push(" ORDER BY s.id DESC LIMIT 101");
    sql.fetch_all(&mut *store.conn().await?)
        .await?
        .iter()
        .map(|r| {
            Ok((
                r.try_get("id")?,
                r.try_get("drawn_on")?,
                r.try_get::<i64, _>("seed")? as u64,
                r.try_get("candidates")?,
                r.try_get("files")?,
            ))
        })
        .collect::<Result<Vec<_>>>()
        .map(|rows| Capped::new(rows, 100))
}

/// The reviewer's verdict on one rule of the sheet for one file.
#[derive(Clone, Debug, PartialEq)]
pub enum Mark {
    /// The automatic finding stands.
    Confirm,
    /// The automatic finding does not: why.
    Remove { reason: String },
    /// A problem the machine did not find: what it is.
    Add { detail: String },
}

/// The sheet of one sampled file: every automatic finding, and the reviewer's marks so far.
pub struct SheetView {
    pub case_id: i64,
    pub cause: String,
    pub auto: Vec<(&'static sheet::Rule, String)>,
    /// rule code → (verdict, detail, reason)
    pub marks: Vec<(String, String, String, Option<String>)>,
    pub score: Option<i64>,
}

/// The cause of a case drawn in a sample the actor may see.
async fn sampled(store: &Store, actor: &Actor, sample: i64, case_id: i64) -> Result<String> {
    actor.require(Permission::SupervisionManage)?;
    let mut sql = Sql::new(
        "SELECT c.cause FROM evaluation_sample_cases sc JOIN evaluation_samples s ON s.id = sc.sample_id
         JOIN cases c ON c.id = sc.case_id WHERE sc.sample_id = ",
    );
    sql.bind(sample)
        .push(" AND sc.case_id = ")
        .bind(case_id)
        .push(" AND ")
        .append(actor.scope.condition("s", RECORD_COLUMNS));
    let row = sql
        .fetch_optional(&mut *store.conn().await?)
        .await?
        .ok_or(Error::NotFound)?;
    Ok(row.try_get("cause")?)
}

pub async fn sheet_of(
    store: &Store,
    actor: &Actor,
    sample: i64,
    case_id: i64,
) -> Result<SheetView> {
    let cause = sampled(store, actor, sample, case_id).await?;
    let auto = evaluation::of_case(store, actor, case_id)
        .await?
        .map(|(_, _, f)| f)
        .unwrap_or_default();
    let marks = sqlx::query(
        "SELECT rule_code, verdict, detail, reason FROM evaluation_sample_findings
         WHERE sample_id = $1 AND case_id = $2 ORDER BY rule_code",
    )
    .bind(sample)
    .bind(case_id)
    .fetch_all(store.pool())
    .await?
    .iter()
    .map(|r| {
        Ok((
            r.try_get("rule_code")?,
            r.try_get("verdict")?,
            r.try_get("detail")?,
            r.try_get("reason")?,
        ))
    })
    .collect::<Result<_>>()?;
    let score = sqlx::query_scalar(
        "SELECT score FROM evaluation_sample_cases WHERE sample_id = $1 AND case_id = $2",
    )
    .bind(sample)
    .bind(case_id)
    .fetch_one(store.pool())
    .await?;
    Ok(SheetView {
        case_id,
        cause,
        auto,
        marks,
        score,
    })
}

/// Scores one sampled file: each automatic finding confirmed or removed with a reason, any
/// other rule added with what was found. Replaces an earlier scoring of the same file.
pub async fn score(
    store: &Store,
    actor: &Actor,
    sample: i64,
    case_id: i64,
    marks: &[(String, Mark)],
) -> Result<(u32, Grade)> {
    let view = sheet_of(store, actor, sample, case_id).await?;
    let mut rows: Vec<(&'static sheet::Rule, &'static str, String, Option<String>)> = Vec::new();
    for (rule, detail) in &view.auto {
        match marks
            .iter()
            .find(|(code, _)| code == rule.code)
            .map(|(_, m)| m)
        {
            Some(Mark::Confirm) => rows.push((rule, "confirmed", detail.clone(), None)),
            Some(Mark::Remove { reason }) => {
                let reason = paragraphs(
                    "reason",
                    &format!("{} 不成立的理由", rule.code),
                    reason,
                    500,
                )?;
                rows.push((rule, "removed", detail.clone(), Some(reason)));
            }
            _ => {
                return Err(Error::invalid(
                    "marks",
                    format!("请对系统发现的 {} 确认或说明不成立的理由。", rule.code),
                ));
            }
        }
    }
    for (code, mark) in marks {
        if view.auto.iter().any(|(r, _)| r.code == code) {
            continue;
        }
        let rule = sheet::rule(code)
            .ok_or_else(|| Error::invalid("marks", format!("评查表中没有评查项 {code}。")))?;
        match mark {
            Mark::Add { detail } => {
                let detail = paragraphs("detail", &format!("{code} 发现的问题"), detail, 500)?;
                rows.push((rule, "added", detail, None));
            }
            _ => {
                return Err(Error::invalid(
                    "marks",
                    format!("系统未发现 {code} 的问题，只能新增。"),
                ));
            }
        }
    }
    // Scored on the sheet as configured today, like the automatic evaluation.
    let (_, settings) =
        super::sheet_settings::in_force(store, crate::deadlines::china_today()).await?;
    let mut counted: Vec<Finding> = Vec::new();
    for (rule, verdict, detail, _) in rows.iter().filter(|r| r.1 != "removed") {
        let deduction = match (settings.deduction(rule), *verdict) {
            (Some(d), _) => d,
            (None, "added") => {
                return Err(Error::invalid(
                    "marks",
                    format!("评查项 {} 已停用，不能新增。", rule.code),
                ));
            }
            (None, _) => rule.deduction,
        };
        counted.push(Finding {
            rule: rule.code,
            deduction,
            veto: rule.veto,
            detail: detail.clone(),
        });
    }
    let (points, grade) = sheet::grade(&counted, settings.thresholds);
    let mut tx = store.begin().await?;
    sqlx::query("DELETE FROM evaluation_sample_findings WHERE sample_id = $1 AND case_id = $2")
        .bind(sample)
        .bind(case_id)
        .execute(tx.conn())
        .await?;
    if !rows.is_empty() {
        let mut sql = Sql::new(
            "INSERT INTO evaluation_sample_findings (sample_id, case_id, rule_code, verdict, detail, reason) VALUES ",
        );
        for (n, (rule, verdict, detail, reason)) in rows.iter().enumerate() {
            sql.push(if n > 0 { ", (" } else { "(" })
                .bind(sample)
                .push(", ")
                .bind(case_id)
                .push(", ")
                .bind(rule.code)
                .push(", ")
                .bind(*verdict)
                .push(", ")
                .bind(detail.as_str())
                .push(", ")
                .bind(reason.clone())
                .push(")");
        }
        sql.execute(tx.conn()).await?;
    }
    sqlx::query(
        "UPDATE evaluation_sample_cases SET score = $1, grade = $2, reviewed_by = $3, reviewed_at = $4
         WHERE sample_id = $5 AND case_id = $6",
    )
    .bind(i64::from(points))
    .bind(grade.code())
    .bind(actor.user_id)
    .bind(now_ms())
    .bind(sample)
    .bind(case_id)
    .execute(tx.conn())
    .await?;
    crate::audit::record(
        &mut tx,
        actor,
        "score",
        "evaluation_sample",
        Some(sample.to_string()),
        json!({ "case_id": case_id, "score": points, "grade": grade.code(),
                "marks": rows.iter().map(|(r, v, _, _)| format!("{}:{v}", r.code)).collect::<Vec<_>>() }),
    )
    .await?;
    tx.commit().await?;
    Ok((points, grade))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sample_is_the_same_for_the_same_seed_and_holds_distinct_candidates() {
        let candidates: Vec<i64> = (1..=1000).map(|n| n * 3).collect();
        let a = pick(&candidates, 50, 7);
        assert_eq!(a, pick(&candidates, 50, 7));
        assert_ne!(a, pick(&candidates, 50, 8));
        let mut sorted = a.clone();
        sorted.sort_unstable();
        sorted.dedup();
        assert_eq!(sorted.len(), 50);
        assert!(a.iter().all(|id| candidates.contains(id)));
        // Asking for more than there is takes every candidate once.
        let mut all = pick(&candidates[..10], 50, 7);
        all.sort_unstable();
        assert_eq!(all, candidates[..10]);
    }

    #[test]
    fn every_candidate_can_be_drawn() {
        // Over many seeds each of ten candidates is drawn as the single file about as often.
        let candidates: Vec<i64> = (1..=10).collect();
        let mut hits = [0u32; 10];
        for seed in 0..10_000 {
            hits[(pick(&candidates, 1, seed)[0] - 1) as usize] += 1;
        }
        assert!(hits.iter().all(|h| (850..=1150).contains(h)), "{hits:?}");
    }
}
