//! Double-random draws (双随机一公开, 优化营商环境条例 art. 54): entities drawn at random from the
//! register — filtered by town and industry, the leave-alone list left out, each credit class
//! at its own sampling rate — and officers drawn from the certified roster of the departments
//! involved, never one with a recorded relation to the entity, at least two per inspection.
//! The inputs, the seed and the snapshots drawn from are stored and published, so anyone can
//! draw again and get the same result (`run`, documented step by step); the results are
//! published within the configured limit (default 20 working days after the inspections end),
//! a deadline on the engine.
//!
//! Long because the documented draw, its stored inputs, verification and rates belong to one record; `run` is the part to read first.

use std::collections::{BTreeSet, HashSet};

use chrono::NaiveDate;
use fazhi_kernel::period::{Period, due_date};
use fazhi_store::page::{Page, SortColumn, Sorted};
use fazhi_store::scope::RECORD_COLUMNS;
use fazhi_store::{DbRow, Row, Sql, Store, now_ms, sm3_hex};
use rand::SeedableRng;
use rand::rngs::Xoshiro256PlusPlus;
use serde::Serialize;
use serde_json::json;

use super::entities::{self, CLASSES, List};
use crate::access::{Actor, Permission};
use crate::deadlines::{self, NewDeadline};
use crate::listing::{self, Narrowing, Workbook};
use crate::org::rules::text;
use crate::supervision::sampling::shuffle_prefix;
use crate::{Error, Result};

const SUBJECT: &str = "random_draw";
const LAW: &str = "《优化营商环境条例》";
const ARTICLE: &str = "第五十四条";
/// The default limit for publishing results after the inspections end (LAW.md).
pub const DEFAULT_PUBLICATION_DAYS: u32 = 20;

/// An officer of the roster: certified for the whole window.
#[derive(Clone, Debug, PartialEq)]
pub struct Officer {
    pub certificate: String,
    pub user_id: i64,
    pub department_id: i64,
    /// USCCs of the pool the officer has a recorded relation to (回避).
    pub conflicts: BTreeSet<String>,
}

/// One drawn inspection: the entity (index into the pool) and its officers (indices into the
/// roster); no officers when the roster could not staff it.
#[derive(Clone, Debug, PartialEq)]
pub struct Drawn {
    pub entity: usize,
    pub officers: Vec<usize>,
}

/// The draw. `pool` is (USCC, class) in ascending USCC order; `rates` are percentages for
/// A, B, C, D; `roster` is in ascending certificate-number order; `departments` ascending.
///
/// 1. One xoshiro256++ generator, seeded with `seed` through SplitMix64 (`seed_from_u64`).
/// 2. For class A, then B, C, D: the pool's entities of that class (in pool order), n of
///    them; k = ⌈n × rate ÷ 100⌉ are drawn by the Fisher–Yates steps of
///    `sampling::shuffle_prefix` (step i swaps place i with i + next_u64 mod (n − i)).
/// 3. For each drawn entity, in the order drawn, and each department in ascending id order:
///    that department's officers (roster order) go through the same steps over all of them,
///    and the first that have no relation to the entity are taken — two when the draw has
///    one department, one from each when it has several.
pub fn run(
    pool: &[(String, String)],
    rates: &[u32; 4],
    roster: &[Officer],
    departments: &[i64],
    seed: u64,
) -> Vec<Drawn> {
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(seed);
    let mut drawn: Vec<usize> = Vec::new();
    for (class, rate) in CLASSES.iter().zip(rates) {
        let mut members: Vec<usize> = (0..pool.len()).filter(|&i| pool[i].1 == *class).collect();
        let k = (members.len() * *rate as usize).div_ceil(100);
        shuffle_prefix(&mut members, k, &mut rng);
        drawn.extend(members);
    }
    let per_department = if departments.len() == 1 { 2 } else { 1 };
    drawn
        .into_iter()
        .map(|entity| {
            let uscc = &pool[entity].0;
            let mut officers: Vec<usize> = Vec::new();
            for d in departments {
                let mut theirs: Vec<usize> = (0..roster.len())
                    .filter(|&i| roster[i].department_id == *d)
                    .collect();
                let n = theirs.len();
                shuffle_prefix(&mut theirs, n, &mut rng);
                let free: Vec<usize> = theirs
                    .into_iter()
                    .filter(|&i| !roster[i].conflicts.contains(uscc))
                    .take(per_department)
                    .collect();
                if free.len() < per_department {
                    officers.clear();
                    break;
                }
                officers.extend(free);
            }
            Drawn { entity, officers }
        })
        .collect()
}

/// What the supervisor asks for.
#[derive(Clone, Debug)]
pub struct NewDraw {
    pub title: String,
    pub items: Vec<String>,
    pub town_id: Option<i64>,
    pub industry: Option<String>,
    pub rates: [u32; 4],
    pub departments: Vec<i64>,
    pub inspect_from: NaiveDate,
    pub inspect_until: NaiveDate,
    pub publication_days: u32,
    /// None: one is chosen (from the clock) and recorded.
    pub seed: Option<u64>,
}

/// The snapshots as stored: the pool one entity a line (`USCC CLASS NAME`), the roster one
/// officer a line (`CERTIFICATE USER DEPARTMENT CONFLICTS`, the last comma-separated).
fn pool_text(pool: &[(String, String, String)]) -> String {
    pool.iter()
        .map(|(u, c, n)| format!("{u} {c} {n}\n"))
        .collect()
}

fn roster_text(roster: &[Officer]) -> String {
    roster
        .iter()
        .map(|o| {
            let conflicts: Vec<&str> = o.conflicts.iter().map(String::as_str).collect();
            format!(
                "{} {} {} {}\n",
                o.certificate,
                o.user_id,
                o.department_id,
                conflicts.join(",")
            )
        })
        .collect()
}

fn parse_pool(text: &str) -> Vec<(String, String)> {
    text.lines()
        .filter_map(|l| {
            let mut p = l.splitn(3, ' ');
            Some((p.next()?.to_string(), p.next()?.to_string()))
        })
        .collect()
}

fn parse_roster(text: &str) -> Vec<Officer> {
    text.lines()
        .filter_map(|l| {
            let mut p = l.splitn(4, ' ');
            Some(Officer {
                certificate: p.next()?.to_string(),
                user_id: p.next()?.parse().ok()?,
                department_id: p.next()?.parse().ok()?,
                conflicts: p
                    .next()
                    .unwrap_or("")
                    .split(',')
                    .filter(|s| !s.is_empty())
                    .map(str::to_string)
                    .collect(),
            })
        })
        .collect()
}

fn ids(text: &str) -> Vec<i64> {
    text.split(',')
        .filter_map(|s| s.trim().parse().ok())
        .collect()
}

/// Makes the draw: checks the inputs, takes the snapshots, draws, and stores the draw, its
/// tasks, the publication deadline and the audit entry in one transaction.
pub async fn create(ctx: &crate::Ctx<'_>, input: &NewDraw) -> Result<i64> {
    let (store, actor, keyring, clock) = (ctx.store, ctx.actor, ctx.keyring, ctx.clock);
    actor.require(Permission::SupervisionManage)?;
    let title = text("title", "抽查任务名称", &input.title, 100)?;
    let items = super::records::catalog_items(store, &input.items).await?;
    if input.rates.iter().any(|r| *r > 100) || input.rates.iter().all(|r| *r == 0) {
        return Err(Error::invalid(
            "rates",
            "各信用风险分类的抽查比例应为 0 至 100（%），且至少一类大于 0。",
        ));
    }
    let mut departments = input.departments.clone();
    departments.sort_unstable();
    departments.dedup();
    if departments.is_empty() {
        return Err(Error::invalid("departments", "请选择参与抽查的部门。"));
    }
    for d in &departments {
        crate::org::service::department(store, actor, *d)
            .await
            .map_err(Error::missing_as(
                "departments",
                "请选择您所在范围内的部门。",
            ))?;
    }
    if input.inspect_until < input.inspect_from
        || (input.inspect_until - input.inspect_from).num_days() > 366
        || input.inspect_from < clock.today
    {
        return Err(Error::invalid(
            "inspect_until",
            "检查期间应从今天或以后开始，止日不早于起日，且不超过一年。",
        ));
    }
    if !(1..=60).contains(&input.publication_days) {
        return Err(Error::invalid(
            "publication_days",
            "结果公开时限应为 1 至 60 个工作日。",
        ));
    }
    let industry = input
        .industry
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty());
    if let Some(t) = input.town_id {
        let kind: Option<String> = sqlx::query_scalar("SELECT kind FROM regions WHERE id = $1")
            .bind(t)
            .fetch_optional(store.pool())
            .await?;
        if kind.as_deref() != Some("town") {
            return Err(Error::invalid("town_id", "请选择镇乡（街道）。"));
        }
    }

    // The pool: the register filtered by town, industry and item, without the leave-alone list
    // as of the first day.
    let register: Vec<entities::Entity> = entities::register(store, input.town_id, industry)
        .await?
        .into_iter()
        .map(|(e, _)| e)
        .filter(|e| e.subject_to(&items))
        .collect();
    let lists = entities::lists(store, &register, input.inspect_from).await?;
    let left_alone = lists.iter().filter(|l| **l == List::LeaveAlone).count();
    let pool: Vec<(String, String, String)> = register
        .into_iter()
        .zip(lists)
        .filter(|(_, l)| *l != List::LeaveAlone)
        .map(|(e, _)| (e.uscc, e.credit_class, e.name))
        .collect();
    if pool.is_empty() {
        return Err(Error::invalid(
            "town_id",
            "按所选条件，名录库中没有可抽取的检查对象（无事不扰清单上的对象不参与抽取）。",
        ));
    }

    // The roster: one certificate per officer, valid throughout the window.
    let mut sql = Sql::new(
        "SELECT MIN(c.number) AS number, c.user_id, c.department_id FROM enforcement_certificates c
         WHERE c.valid_from <= ",
    );
    sql.bind(input.inspect_from.to_string())
        .push(" AND c.valid_until >= ")
        .bind(input.inspect_until.to_string())
        .push(" AND (c.revoked_on IS NULL OR c.revoked_on > ")
        .bind(input.inspect_until.to_string())
        .push(") AND c.department_id IN (");
    sql.bind_list(departments.iter().copied());
    sql.push(") GROUP BY c.user_id, c.department_id");
    let mut conn = store.conn().await?;
    let mut roster: Vec<Officer> = sql
        .fetch_all(&mut conn)
        .await?
        .iter()
        .map(|r| {
            Ok(Officer {
                certificate: r.try_get("number")?,
                user_id: r.try_get("user_id")?,
                department_id: r.try_get("department_id")?,
                conflicts: BTreeSet::new(),
            })
        })
        .collect::<Result<_>>()?;
    roster.sort_by(|a, b| a.certificate.cmp(&b.certificate));
    if !roster.is_empty() {
        let in_pool: HashSet<&str> = pool.iter().map(|p| p.0.as_str()).collect();
        let mut sql =
            Sql::new("SELECT user_id, entity_uscc FROM officer_conflicts WHERE user_id IN (");
        sql.bind_list(roster.iter().map(|o| o.user_id));
        sql.push(")");
        for r in sql.fetch_all(&mut conn).await? {
            let user: i64 = r.try_get("user_id")?;
            let uscc: String = r.try_get("entity_uscc")?;
            if in_pool.contains(uscc.as_str()) {
                for o in roster.iter_mut().filter(|o| o.user_id == user) {
                    o.conflicts.insert(uscc.clone());
                }
            }
        }
    }
    drop(conn);

    let seed = input.seed.unwrap_or_else(|| now_ms().unsigned_abs());
    let keys: Vec<(String, String)> = pool
        .iter()
        .map(|(u, c, _)| (u.clone(), c.clone()))
        .collect();
    let drawn = run(&keys, &input.rates, &roster, &departments, seed);
    if drawn.is_empty() {
        return Err(Error::invalid(
            "rates",
            "按所选比例没有抽中任何对象，请提高抽查比例。",
        ));
    }
    if let Some(n) = drawn.iter().position(|d| d.officers.is_empty()) {
        return Err(Error::invalid(
            "departments",
            format!(
                "执法人员不足：第 {} 个抽中的对象（{}）无法从参与部门持证且无回避关系的执法人员中配齐{}。未作抽取，请先为参与部门登记执法证。",
                n + 1,
                pool[drawn[n].entity].0,
                if departments.len() == 1 {
                    "两名执法人员"
                } else {
                    "每个部门一名执法人员"
                }
            ),
        ));
    }
    let names: std::collections::HashMap<i64, String> = {
        let mut sql = Sql::new("SELECT id, display_name FROM users WHERE id IN (");
        sql.bind_list(roster.iter().map(|o| o.user_id));
        sql.push(")");
        sql.fetch_all(&mut *store.conn().await?)
            .await?
            .iter()
            .map(|r| Ok((r.try_get("id")?, r.try_get("display_name")?)))
            .collect::<Result<_>>()?
    };

    let period = Period::WorkingDays(input.publication_days);
    let due = due_date(clock.cal, input.inspect_until, period).due;
    let pool_text = pool_text(&pool);
    let region: i64 = sqlx::query_scalar("SELECT region_id FROM departments WHERE id = $1")
        .bind(actor.scope.department_id)
        .fetch_one(store.pool())
        .await?;
    let rates = input.rates.map(|r| r.to_string()).join(",");
    let department_list = departments
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join(",");
    let mut tx = store.begin().await?;
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO random_draws (title, region_id, department_id, items, town_id, industry, rates,
            departments, seed, inspect_from, inspect_until, publication_days, results_due, pool,
            pool_sm3, roster, left_alone, created_by, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19)
         RETURNING id",
    )
    .bind(&title)
    .bind(region)
    .bind(actor.scope.department_id)
    .bind(items.join(","))
    .bind(input.town_id)
    .bind(industry)
    .bind(&rates)
    .bind(&department_list)
    .bind(seed.to_string())
    .bind(input.inspect_from.to_string())
    .bind(input.inspect_until.to_string())
    .bind(i64::from(input.publication_days))
    .bind(due.to_string())
    .bind(&pool_text)
    .bind(sm3_hex(pool_text.as_bytes()))
    .bind(roster_text(&roster))
    .bind(left_alone as i64)
    .bind(actor.user_id)
    .bind(now_ms())
    .fetch_one(tx.conn())
    .await?;
    for (chunk_no, chunk) in drawn.chunks(200).enumerate() {
        let mut sql = Sql::new(
            "INSERT INTO random_draw_tasks (draw_id, ordinal, entity_uscc, entity_name, credit_class, officers) VALUES ",
        );
        for (n, d) in chunk.iter().enumerate() {
            let (uscc, class, name) = &pool[d.entity];
            let officers: Vec<String> = d
                .officers
                .iter()
                .map(|&o| {
                    let who = names.get(&roster[o].user_id).cloned().unwrap_or_default();
                    format!("{}:{}:{}", roster[o].user_id, roster[o].certificate, who)
                })
                .collect();
            sql.push(if n > 0 { ", (" } else { "(" })
                .bind(id)
                .push(", ")
                .bind((chunk_no * 200 + n + 1) as i64)
                .push(", ")
                .bind(uscc.as_str())
                .push(", ")
                .bind(name.as_str())
                .push(", ")
                .bind(class.as_str())
                .push(", ")
                .bind(officers.join(";"))
                .push(")");
        }
        sql.execute(tx.conn()).await?;
    }
    // Each task's act code (行政行为码), on the notice the entity receives.
    let task_ids: Vec<i64> =
        sqlx::query_scalar("SELECT id FROM random_draw_tasks WHERE draw_id = $1 ORDER BY ordinal")
            .bind(id)
            .fetch_all(tx.conn())
            .await?;
    let acts: Vec<super::acts::NewAct> = drawn
        .iter()
        .zip(&task_ids)
        .map(|(d, task)| {
            let (uscc, _, name) = &pool[d.entity];
            super::acts::NewAct {
                entity_uscc: uscc.clone(),
                entity_name: name.clone(),
                department_id: roster[d.officers[0]].department_id,
                region_id: region,
                items: items.clone(),
                officers: d
                    .officers
                    .iter()
                    .map(|&o| {
                        (
                            names.get(&roster[o].user_id).cloned().unwrap_or_default(),
                            roster[o].certificate.clone(),
                        )
                    })
                    .collect(),
                issued_on: clock.today,
                draw_task_id: Some(*task),
                plan_task_id: None,
                inspection_id: None,
            }
        })
        .collect();
    super::acts::issue(&mut tx, &super::acts::signing_key(keyring)?, actor, &acts).await?;
    deadlines::create(
        &mut tx,
        actor,
        clock.cal,
        clock.policy,
        &NewDeadline {
            subject_type: SUBJECT.into(),
            subject_id: id.to_string(),
            purpose: format!("公开“{title}”的抽查结果"),
            law: LAW.into(),
            article: ARTICLE.into(),
            start_event: "抽查检查结束".into(),
            start_on: input.inspect_until,
            period,
            responsible_user_id: actor.user_id,
            department_id: actor.scope.department_id,
            party_period: false,
        },
        clock.today,
    )
    .await?;
    crate::audit::record(
        &mut tx,
        actor,
        "draw",
        SUBJECT,
        Some(id.to_string()),
        json!({ "seed": seed.to_string(), "items": items, "rates": rates, "departments": departments,
                "town_id": input.town_id, "industry": industry, "pool": pool.len(),
                "left_alone": left_alone, "drawn": drawn.len(), "results_due": due.to_string() }),
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

/// A drawn inspection as published.
#[derive(Clone, Debug, Serialize)]
pub struct TaskView {
    pub ordinal: i64,
    pub entity_uscc: String,
    pub entity_name: String,
    pub credit_class: String,
    /// (name, certificate number)
    pub officers: Vec<(String, String)>,
    /// The result, once the inspection is recorded (shown publicly once published).
    pub outcome: Option<String>,
    pub inspected_on: Option<String>,
}

#[derive(Clone, Debug, Serialize)]
pub struct DrawView {
    pub id: i64,
    pub title: String,
    pub organiser: String,
    pub items: Vec<String>,
    pub town: Option<String>,
    pub industry: Option<String>,
    pub rates: Vec<u32>,
    pub departments: Vec<String>,
    pub seed: String,
    pub inspect_from: String,
    pub inspect_until: String,
    pub publication_days: i64,
    pub results_due: String,
    pub results_published_on: Option<String>,
    /// Pool size per class A–D, and the entities left alone.
    pub pool_by_class: Vec<usize>,
    pub pool_sm3: String,
    pub left_alone: i64,
    pub tasks: Vec<TaskView>,
}

const DRAW_COLUMNS: &str =
    "d.id, d.title, dep.name AS organiser, d.items, t.name AS town, d.industry, d.rates,
    d.departments, d.seed, d.inspect_from, d.inspect_until, d.publication_days, d.results_due,
    d.results_published_on, d.pool, d.pool_sm3, d.roster, d.left_alone";

async fn load(store: &Store, actor: Option<&Actor>, id: i64) -> Result<(DrawView, DbRow)> {
    let mut sql = Sql::new(&format!(
        "SELECT {DRAW_COLUMNS} FROM random_draws d JOIN departments dep ON dep.id = d.department_id
         LEFT JOIN regions t ON t.id = d.town_id WHERE d.id = "
    ));
    sql.bind(id);
    if let Some(a) = actor {
        sql.push(" AND ")
            .append(a.scope.condition("d", RECORD_COLUMNS));
    }
    let mut conn = store.conn().await?;
    let r = sql
        .fetch_optional(&mut conn)
        .await?
        .ok_or(Error::NotFound)?;
    let department_ids = ids(&r.try_get::<String, _>("departments")?);
    let names =
        crate::org::repo::department_names(&mut conn, department_ids.iter().copied()).await?;
    // In the draw's order (ascending id), as `run` takes them.
    let departments: Vec<String> = department_ids
        .iter()
        .filter_map(|d| names.get(d).cloned())
        .collect();
    let tasks = sqlx::query(
        "SELECT t.ordinal, t.entity_uscc, t.entity_name, t.credit_class, t.officers, i.outcome, i.inspected_on
         FROM random_draw_tasks t LEFT JOIN inspections i ON i.id = t.inspection_id
         WHERE t.draw_id = $1 ORDER BY t.ordinal",
    )
    .bind(id)
    .fetch_all(&mut *conn)
    .await?
    .iter()
    .map(|t| {
        Ok(TaskView {
            ordinal: t.try_get("ordinal")?,
            entity_uscc: t.try_get("entity_uscc")?,
            entity_name: t.try_get("entity_name")?,
            credit_class: t.try_get("credit_class")?,
            officers: t
                .try_get::<String, _>("officers")?
                .split(';')
                .filter_map(|o| {
                    let mut p = o.splitn(3, ':');
                    p.next()?;
                    let cert = p.next()?.to_string();
                    Some((p.next().unwrap_or("").to_string(), cert))
                })
                .collect(),
            outcome: t
                .try_get::<Option<String>, _>("outcome")?
                .and_then(|o| super::records::InspectionResult::parse(&o))
                .map(|o| o.label_zh().to_string()),
            inspected_on: t.try_get("inspected_on")?,
        })
    })
    .collect::<Result<Vec<_>>>()?;
    let pool = parse_pool(&r.try_get::<String, _>("pool")?);
    let view = DrawView {
        id,
        title: r.try_get("title")?,
        organiser: r.try_get("organiser")?,
        items: r
            .try_get::<String, _>("items")?
            .split(',')
            .map(str::to_string)
            .collect(),
        town: r.try_get("town")?,
        industry: r.try_get("industry")?,
        rates: r
            .try_get::<String, _>("rates")?
            .split(',')
            .filter_map(|s| s.parse().ok())
            .collect(),
        departments,
        seed: r.try_get("seed")?,
        inspect_from: r.try_get("inspect_from")?,
        inspect_until: r.try_get("inspect_until")?,
        publication_days: r.try_get("publication_days")?,
        results_due: r.try_get("results_due")?,
        results_published_on: r.try_get("results_published_on")?,
        pool_by_class: CLASSES
            .iter()
            .map(|c| pool.iter().filter(|p| p.1 == *c).count())
            .collect(),
        pool_sm3: r.try_get("pool_sm3")?,
        left_alone: r.try_get("left_alone")?,
        tasks,
    };
    Ok((view, r))
}

/// A draw within the actor's scope, with the inspections' results.
pub async fn get(store: &Store, actor: &Actor, id: i64) -> Result<DrawView> {
    actor.require(Permission::CaseRead)?;
    Ok(load(store, Some(actor), id).await?.0)
}

/// A draw as the public portal shows it: results only once published.
pub async fn public(store: &Store, id: i64) -> Result<DrawView> {
    let (mut view, _) = load(store, None, id).await?;
    if view.results_published_on.is_none() {
        for t in &mut view.tasks {
            t.outcome = None;
            t.inspected_on = None;
        }
    }
    Ok(view)
}

/// The pool a draw drew from, as stored (public: the register's names and classes).
pub async fn pool(store: &Store, id: i64) -> Result<String> {
    sqlx::query_scalar("SELECT pool FROM random_draws WHERE id = $1")
        .bind(id)
        .fetch_optional(store.pool())
        .await?
        .ok_or(Error::NotFound)
}

/// The roster a draw drew officers from, as published: one `CERTIFICATE DEPARTMENT` line per
/// officer in roster order. Officers' relations to entities (回避) are personal and stay out:
/// anyone can re-run the entity draw from the pool and seed, and the officer draw wherever no
/// relation was skipped; `verify` re-runs all of it on the server.
pub async fn roster(store: &Store, id: i64) -> Result<String> {
    let text: String = sqlx::query_scalar("SELECT roster FROM random_draws WHERE id = $1")
        .bind(id)
        .fetch_optional(store.pool())
        .await?
        .ok_or(Error::NotFound)?;
    Ok(parse_roster(&text)
        .iter()
        .map(|o| format!("{} {}\n", o.certificate, o.department_id))
        .collect())
}

/// Draws again from the stored inputs, seed and snapshots and compares with the stored tasks.
pub async fn verify(store: &Store, id: i64) -> Result<bool> {
    let r = sqlx::query(
        "SELECT rates, departments, seed, pool, roster FROM random_draws WHERE id = $1",
    )
    .bind(id)
    .fetch_optional(store.pool())
    .await?
    .ok_or(Error::NotFound)?;
    let rates: Vec<u32> = r
        .try_get::<String, _>("rates")?
        .split(',')
        .filter_map(|s| s.parse().ok())
        .collect();
    let Ok(rates) = <[u32; 4]>::try_from(rates) else {
        return Ok(false);
    };
    let seed: u64 = r.try_get::<String, _>("seed")?.parse().unwrap_or_default();
    let pool = parse_pool(&r.try_get::<String, _>("pool")?);
    let roster = parse_roster(&r.try_get::<String, _>("roster")?);
    let departments = ids(&r.try_get::<String, _>("departments")?);
    let again: Vec<(String, Vec<i64>)> = run(&pool, &rates, &roster, &departments, seed)
        .into_iter()
        .map(|d| {
            (
                pool[d.entity].0.clone(),
                d.officers.iter().map(|&o| roster[o].user_id).collect(),
            )
        })
        .collect();
    let stored: Vec<(String, Vec<i64>)> = sqlx::query(
        "SELECT entity_uscc, officers FROM random_draw_tasks WHERE draw_id = $1 ORDER BY ordinal",
    )
    .bind(id)
    .fetch_all(store.pool())
    .await?
    .iter()
    .map(|t| {
        Ok((
            t.try_get("entity_uscc")?,
            t.try_get::<String, _>("officers")?
                .split(';')
                .filter_map(|o| o.split(':').next()?.parse().ok())
                .collect(),
        ))
    })
    .collect::<Result<_>>()?;
    Ok(again == stored)
}

/// Publishes the draw's results (meeting the publication deadline); the inspection window must
/// be over. Inspections not recorded are published as not carried out.
pub async fn publish_results(
    store: &Store,
    actor: &Actor,
    today: NaiveDate,
    id: i64,
) -> Result<()> {
    actor.require(Permission::SupervisionManage)?;
    let view = get(store, actor, id).await?;
    if view.results_published_on.is_some() {
        return Err(Error::refused(
            "draw_results_published",
            "id",
            "该抽查结果已经公开。",
        ));
    }
    if view.inspect_until.as_str() >= today.to_string().as_str() {
        return Err(Error::invalid(
            "id",
            format!(
                "检查期间至 {} 结束，结束后方可公开结果。",
                view.inspect_until
            ),
        ));
    }
    let mut tx = store.begin().await?;
    // Locked and checked again inside the transaction: two requests publish once.
    let version = tx
        .lock_row("random_draws", id)
        .await?
        .ok_or(Error::NotFound)?;
    let published: Option<String> =
        sqlx::query_scalar("SELECT results_published_on FROM random_draws WHERE id = $1")
            .bind(id)
            .fetch_one(tx.conn())
            .await?;
    if published.is_some() {
        return Err(Error::refused(
            "draw_results_published",
            "id",
            "该抽查结果已经公开。",
        ));
    }
    tx.versioned_update(
        "random_draws",
        id,
        version,
        vec![("results_published_on", today.to_string().into())],
    )
    .await?;
    deadlines::meet(&mut tx, actor, SUBJECT, &id.to_string(), ARTICLE, today).await?;
    let done = view.tasks.iter().filter(|t| t.outcome.is_some()).count();
    crate::audit::record(
        &mut tx,
        actor,
        "publish",
        SUBJECT,
        Some(id.to_string()),
        json!({ "on": today.to_string(), "tasks": view.tasks.len(), "inspected": done }),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Links a random-draw inspection to the open task of its entity whose window holds its day.
pub async fn link_inspection(
    tx: &mut fazhi_store::Tx,
    inspection_id: i64,
    uscc: &str,
    on: NaiveDate,
) -> Result<()> {
    sqlx::query(
        "UPDATE random_draw_tasks SET inspection_id = $1 WHERE id = (
            SELECT t.id FROM random_draw_tasks t JOIN random_draws d ON d.id = t.draw_id
            WHERE t.entity_uscc = $2 AND t.inspection_id IS NULL
              AND d.inspect_from <= $3 AND d.inspect_until >= $3
            ORDER BY t.id LIMIT 1)",
    )
    .bind(inspection_id)
    .bind(uscc)
    .bind(on.to_string())
    .execute(tx.conn())
    .await?;
    Ok(())
}

#[derive(Clone, Debug, Serialize)]
pub struct DrawSummary {
    pub id: i64,
    pub title: String,
    pub organiser: String,
    pub inspect_from: String,
    pub inspect_until: String,
    pub results_due: String,
    pub results_published_on: Option<String>,
    pub tasks: i64,
    pub inspected: i64,
}

/// The columns the list of draws sorts by.
pub const SORTS: &[SortColumn] = &[
    SortColumn {
        code: "inspect_from",
        expr: "d.inspect_from",
        numeric: false,
    },
    SortColumn {
        code: "title",
        expr: "d.title",
        numeric: false,
    },
];

/// Draws in the actor's scope (every draw on the public portal), narrowed: words in the title
/// or the organiser; a range of days the inspections start.
fn list_query(actor: Option<&Actor>, narrowing: &Narrowing, select: &str) -> Result<Sql> {
    let mut sql = Sql::new(&format!(
        "SELECT {select} FROM random_draws d JOIN departments dep ON dep.id = d.department_id WHERE "
    ));
    match actor {
        Some(a) => {
            a.require(Permission::CaseRead)?;
            sql.append(a.scope.condition("d", RECORD_COLUMNS));
        }
        None => {
            sql.push("1 = 1");
        }
    }
    narrowing.apply(&mut sql, &["d.title", "dep.name"], "d.inspect_from")?;
    Ok(sql)
}

/// Draws in `order` (newest first by default); `None` for the public portal's list.
pub async fn list(
    store: &Store,
    actor: Option<&Actor>,
    narrowing: &Narrowing,
    order: Sorted,
) -> Result<Page<DrawSummary, String>> {
    let mut sql = list_query(
        actor,
        narrowing,
        &format!(
            "d.id, d.title, dep.name AS organiser, d.inspect_from, d.inspect_until, d.results_due,
            d.results_published_on,
            (SELECT COUNT(*) FROM random_draw_tasks t WHERE t.draw_id = d.id) AS tasks,
            (SELECT COUNT(*) FROM random_draw_tasks t WHERE t.draw_id = d.id AND t.inspection_id IS NOT NULL) AS inspected{}",
            order.key_column()
        ),
    )?;
    order.apply(&mut sql, "d.id");
    let rows = sql.fetch_all(&mut *store.conn().await?).await?;
    order.finish(rows, |r| {
        Ok(DrawSummary {
            id: r.try_get("id")?,
            title: r.try_get("title")?,
            organiser: r.try_get("organiser")?,
            inspect_from: r.try_get("inspect_from")?,
            inspect_until: r.try_get("inspect_until")?,
            results_due: r.try_get("results_due")?,
            results_published_on: r.try_get("results_published_on")?,
            tasks: r.try_get("tasks")?,
            inspected: r.try_get("inspected")?,
        })
    })
}

/// The list's total (capped, `listing::COUNT_CAP`).
pub async fn count(
    store: &Store,
    actor: Option<&Actor>,
    narrowing: &Narrowing,
) -> Result<(i64, bool)> {
    listing::count(store, list_query(actor, narrowing, "1")?).await
}

/// Exactly the draws the list shows, in its order, as .xlsx; audited as an export.
pub async fn export(
    store: &Store,
    actor: &Actor,
    narrowing: &Narrowing,
    order: &Sorted,
    progress: &(dyn Fn(usize) + Sync),
) -> Result<(Vec<u8>, usize)> {
    let mut book = Workbook::new(
        "双随机抽查",
        &[
            "抽查任务",
            "组织部门",
            "检查开始",
            "检查结束",
            "结果公开期限",
            "结果公开日",
            "抽中",
            "已检查",
        ],
    )?;
    listing::export_pages(
        order,
        |k| list(store, Some(actor), narrowing, k),
        &mut book,
        |d: &DrawSummary| {
            vec![
                d.title.as_str().into(),
                d.organiser.as_str().into(),
                d.inspect_from.as_str().into(),
                d.inspect_until.as_str().into(),
                d.results_due.as_str().into(),
                d.results_published_on.clone().into(),
                d.tasks.into(),
                d.inspected.into(),
            ]
        },
        progress,
    )
    .await?;
    let (bytes, rows) = book.finish()?;
    listing::audit_export(
        store,
        actor,
        "random_draws",
        rows,
        json!({ "q": narrowing.text, "from": narrowing.from, "until": narrowing.until }),
    )
    .await?;
    Ok((bytes, rows))
}

/// The province's targets for the year, from the records (each 100 %): plan rate — departments
/// that took part in a draw ÷ departments that recorded inspections; completion — drawn
/// inspections carried out ÷ drawn, over draws whose window ended by `today`; publication —
/// draws whose results were published by their due day ÷ draws due by `today`.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct Rates {
    pub planning: (usize, usize),
    pub completion: (i64, i64),
    pub publication: (usize, usize),
}

pub async fn rates(store: &Store, actor: &Actor, year: i32, today: NaiveDate) -> Result<Rates> {
    actor.require(Permission::CaseRead)?;
    let (from, until) = (format!("{year}-01-01"), format!("{year}-12-31"));
    let mut sql = Sql::new(
        "SELECT d.id, d.departments, d.inspect_until, d.results_due, d.results_published_on,
            (SELECT COUNT(*) FROM random_draw_tasks t WHERE t.draw_id = d.id) AS tasks,
            (SELECT COUNT(*) FROM random_draw_tasks t WHERE t.draw_id = d.id AND t.inspection_id IS NOT NULL) AS inspected
         FROM random_draws d WHERE d.inspect_until >= ",
    );
    sql.bind(from.as_str())
        .push(" AND d.inspect_until <= ")
        .bind(until.as_str())
        .push(" AND ")
        .append(actor.scope.condition("d", RECORD_COLUMNS));
    let mut conn = store.conn().await?;
    let draws = sql.fetch_all(&mut conn).await?;
    let mut sql =
        Sql::new("SELECT DISTINCT i.department_id FROM inspections i WHERE i.inspected_on >= ");
    sql.bind(from.as_str())
        .push(" AND i.inspected_on <= ")
        .bind(until.as_str())
        .push(" AND ")
        .append(actor.scope.condition("i", RECORD_COLUMNS));
    let inspecting: BTreeSet<i64> = sql
        .fetch_all(&mut conn)
        .await?
        .iter()
        .map(|r| r.try_get("department_id"))
        .collect::<std::result::Result<_, _>>()?;
    let today = today.to_string();
    let mut drawing: BTreeSet<i64> = BTreeSet::new();
    let mut completion = (0i64, 0i64);
    let mut publication = (0usize, 0usize);
    for d in &draws {
        drawing.extend(ids(&d.try_get::<String, _>("departments")?));
        let until: String = d.try_get("inspect_until")?;
        if until < today {
            completion.0 += d.try_get::<i64, _>("inspected")?;
            completion.1 += d.try_get::<i64, _>("tasks")?;
        }
        let due: String = d.try_get("results_due")?;
        let published: Option<String> = d.try_get("results_published_on")?;
        if publication_counted(&due, &today, published.as_deref()) {
            publication.1 += 1;
            if published.is_some_and(|p| p <= due) {
                publication.0 += 1;
            }
        }
    }
    let planning = (
        inspecting.iter().filter(|d| drawing.contains(d)).count(),
        inspecting.len(),
    );
    Ok(Rates {
        planning,
        completion,
        publication,
    })
}

/// Whether a draw counts in the publication rate on `today` (dates as ISO text): once its
/// results are published, or once the day they were due has passed — a draw due today is not
/// yet missed (《优化营商环境条例》第五十四条: results published within the limit, which
/// includes its last day).
fn publication_counted(due: &str, today: &str, published: Option<&str>) -> bool {
    published.is_some() || due < today
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_draw_due_today_is_not_yet_missed() {
        assert!(!super::publication_counted(
            "2026-12-03",
            "2026-12-03",
            None
        ));
        assert!(super::publication_counted("2026-12-02", "2026-12-03", None));
        assert!(super::publication_counted(
            "2026-12-09",
            "2026-12-03",
            Some("2026-12-01")
        ));
    }

    use super::*;

    fn pool(n: usize) -> Vec<(String, String)> {
        (0..n)
            .map(|i| (format!("E{i:05}"), CLASSES[i % 4].to_string()))
            .collect()
    }

    fn roster(departments: &[i64], each: usize) -> Vec<Officer> {
        let mut r: Vec<Officer> = departments
            .iter()
            .flat_map(|d| {
                (0..each).map(move |i| Officer {
                    certificate: format!("Z{d}-{i:03}"),
                    user_id: d * 100 + i as i64,
                    department_id: *d,
                    conflicts: BTreeSet::new(),
                })
            })
            .collect();
        r.sort_by(|a, b| a.certificate.cmp(&b.certificate));
        r
    }

    #[test]
    fn each_class_is_drawn_at_its_rate_and_the_same_seed_draws_the_same() {
        let p = pool(400); // 100 per class
        let r = roster(&[7], 6);
        let drawn = run(&p, &[5, 10, 20, 50], &r, &[7], 42);
        let per_class: Vec<usize> = CLASSES
            .iter()
            .map(|c| drawn.iter().filter(|d| p[d.entity].1 == *c).count())
            .collect();
        assert_eq!(per_class, vec![5, 10, 20, 50]);
        // No entity twice, two distinct officers each.
        let entities: HashSet<usize> = drawn.iter().map(|d| d.entity).collect();
        assert_eq!(entities.len(), drawn.len());
        assert!(
            drawn
                .iter()
                .all(|d| d.officers.len() == 2 && d.officers[0] != d.officers[1])
        );
        assert_eq!(run(&p, &[5, 10, 20, 50], &r, &[7], 42), drawn);
        assert_ne!(run(&p, &[5, 10, 20, 50], &r, &[7], 43), drawn);
        // A rate rounds up: one of three is ⌈0.3⌉ = 1.
        assert_eq!(run(&pool(12), &[10, 0, 0, 0], &r, &[7], 1).len(), 1);
    }

    #[test]
    fn an_officer_never_inspects_an_entity_related_to_them_and_joint_draws_take_one_per_department()
    {
        let p = pool(40);
        let mut r = roster(&[3, 5], 3);
        // Every officer of department 3 but one is related to every entity.
        for o in r
            .iter_mut()
            .filter(|o| o.department_id == 3 && o.user_id != 301)
        {
            o.conflicts = p.iter().map(|e| e.0.clone()).collect();
        }
        let drawn = run(&p, &[100, 100, 100, 100], &r, &[3, 5], 9);
        assert_eq!(drawn.len(), 40);
        for d in &drawn {
            let depts: Vec<i64> = d.officers.iter().map(|&o| r[o].department_id).collect();
            assert_eq!(depts, vec![3, 5]);
            assert_eq!(r[d.officers[0]].user_id, 301);
        }
        // With the one free officer related too, no inspection can be staffed.
        for o in r.iter_mut().filter(|o| o.user_id == 301) {
            o.conflicts.insert(p[0].0.clone());
        }
        let drawn = run(&p, &[100, 100, 100, 100], &r, &[3, 5], 9);
        assert!(drawn.iter().any(|d| d.entity == 0 && d.officers.is_empty()));
    }

    #[test]
    fn the_snapshots_read_back() {
        let mut r = roster(&[3], 2);
        r[0].conflicts.insert("E00001".into());
        assert_eq!(parse_roster(&roster_text(&r)), r);
        let p = vec![("E1".to_string(), "A".to_string(), "某 公司".to_string())];
        assert_eq!(parse_pool(&pool_text(&p)), vec![("E1".into(), "A".into())]);
    }
}
