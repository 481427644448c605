//! 综合查一次 in fazhi: departments submit their pending inspection tasks (.xlsx, one task a
//! row); a supervisor plans the tasks of a period with each department's officers per working
//! day and, optionally, the stored joint-inspection scenarios (`inspection::scenarios`), through
//! the same planner as `fazhi plan joint-visits`; the plan shows each entity's visits and each
//! department-day's load, and is published to the departments.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use chrono::NaiveDate;
use fazhi_kernel::calendar::Calendar;
use fazhi_store::page::Capped;
use fazhi_store::scope::RECORD_COLUMNS;
use fazhi_store::{Row, Sql, Store, now_ms};
use serde::Serialize;
use serde_json::json;

use super::planner::{self, Scenario, Task, TaskLine};
use crate::access::{Actor, Permission};
use crate::messages::{self, NewMessage};
use crate::xlsx::{ImportReport, RowError};
use crate::{Error, Result};

/// The submission template's columns.
pub const HEADERS: [&str; 6] = [
    "被检查对象统一社会信用代码",
    "被检查对象名称",
    "检查事项编码（以顿号分隔）",
    "最早检查日期",
    "最晚检查日期",
    "所需执法人员数",
];

/// The most tasks one plan takes from the pages (the CLI plans any number).
const MAX_TASKS: usize = 50_000;

/// Submits department `department_id`'s pending tasks; every row is checked first (entity,
/// items in the catalog, a window with a working day, at least two officers) and with any
/// rejected row nothing is written.
pub async fn submit(
    store: &Store,
    actor: &Actor,
    calendar: &Calendar,
    department_id: i64,
    rows: &[(usize, Vec<String>)],
) -> Result<ImportReport> {
    actor.require(Permission::CaseHandle)?;
    let department = crate::org::service::department(store, actor, department_id)
        .await
        .map_err(Error::missing_as(
            "department_id",
            "请选择您所在范围内的部门。",
        ))?;
    let known = crate::enforcement::catalog::repo::codes(&mut *store.conn().await?).await?;
    // The planner's own checks, with the department's capacity left to the planning step.
    let capacity: HashMap<String, u32> = HashMap::from([(department_id.to_string(), u32::MAX)]);
    let mut report = ImportReport::default();
    let mut good: Vec<(Task, String)> = Vec::new();
    for (row, raw) in rows {
        let cell = |i: usize| raw.get(i).map(|s| s.trim()).unwrap_or("");
        let items = crate::xlsx::list_cell(cell(2));
        let mut problems: Vec<String> = items
            .iter()
            .filter(|i| !known.contains(*i))
            .map(|i| format!("事项编码 {i} 不在执法事项目录中"))
            .collect();
        let name = cell(1);
        if name.is_empty() || name.chars().count() > 100 {
            problems.push("被检查对象名称应为 1 至 100 个字".into());
        }
        let officers = cell(5).parse::<u32>().unwrap_or(0);
        let line = TaskLine {
            id: row.to_string(),
            entity: cell(0).to_uppercase(),
            department: department_id.to_string(),
            items,
            from: cell(3).to_string(),
            to: cell(4).to_string(),
            officers,
        };
        match planner::check(line, &capacity, calendar) {
            Ok(task) if problems.is_empty() => good.push((task, name.to_string())),
            Ok(_) => {}
            Err(reason) => problems.insert(0, reason),
        }
        if !problems.is_empty() {
            report.errors.push(RowError {
                row: *row,
                reason: problems.join("；"),
            });
        }
    }
    if !report.errors.is_empty() {
        report.rejected = report.errors.len();
        return Ok(report);
    }
    let now = now_ms();
    let mut tx = store.begin().await?;
    for chunk in good.chunks(200) {
        let mut sql = Sql::new(
            "INSERT INTO inspection_tasks (entity_uscc, entity_name, department_id, region_id, items,
                window_from, window_to, officers, created_by, created_at) VALUES ",
        );
        for (n, (t, name)) in chunk.iter().enumerate() {
            sql.push(if n > 0 { ", (" } else { "(" })
                .bind(t.entity.as_str())
                .push(", ")
                .bind(name.as_str())
                .push(", ")
                .bind(department_id)
                .push(", ")
                .bind(department.region_id)
                .push(", ")
                .bind(t.items.join(","))
                .push(", ")
                .bind(t.from.to_string())
                .push(", ")
                .bind(t.to.to_string())
                .push(", ")
                .bind(i64::from(t.officers))
                .push(", ")
                .bind(actor.user_id)
                .push(", ")
                .bind(now)
                .push(")");
        }
        sql.execute(tx.conn()).await?;
    }
    report.inserted = good.len();
    crate::audit::record(
        &mut tx,
        actor,
        "submit",
        "inspection_tasks",
        None,
        json!({ "department_id": department_id, "tasks": good.len() }),
    )
    .await?;
    tx.commit().await?;
    Ok(report)
}

/// The submission template (.xlsx with the header row).
pub fn template() -> Result<Vec<u8>> {
    let xl = |e: rust_xlsxwriter::XlsxError| Error::invalid("xlsx", e.to_string());
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    sheet.set_name("待检查任务").map_err(xl)?;
    for (c, h) in (0u16..).zip(HEADERS) {
        sheet.write_string(0, c, h).map_err(xl)?;
    }
    book.save_to_buffer().map_err(xl)
}

/// Pending tasks within the actor's scope whose windows lie in the period: (id, task, entity
/// name), the task's department as its id.
async fn pending(
    store: &Store,
    actor: &Actor,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Vec<(i64, Task, String)>> {
    let mut sql = Sql::new(
        "SELECT t.id, t.entity_uscc, t.entity_name, t.department_id, t.items, t.window_from, t.window_to, t.officers
         FROM inspection_tasks t WHERE t.plan_id IS NULL AND t.window_from >= ",
    );
    sql.bind(from.to_string())
        .push(" AND t.window_to <= ")
        .bind(to.to_string())
        .push(" AND ")
        .append(actor.scope.condition("t", RECORD_COLUMNS))
        .push(" ORDER BY t.id");
    sql.fetch_all(&mut *store.conn().await?)
        .await?
        .iter()
        .map(|r| {
            let day = |c: &str| -> Result<NaiveDate> {
                fazhi_kernel::date::parse(&r.try_get::<String, _>(c)?)
                    .ok_or_else(|| Error::invalid("window_from", "任务日期无效。"))
            };
            let id: i64 = r.try_get("id")?;
            Ok((
                id,
                Task {
                    id: id.to_string(),
                    entity: r.try_get("entity_uscc")?,
                    department: r.try_get::<i64, _>("department_id")?.to_string(),
                    items: r
                        .try_get::<String, _>("items")?
                        .split(',')
                        .map(str::to_string)
                        .collect(),
                    from: day("window_from")?,
                    to: day("window_to")?,
                    officers: u32::try_from(r.try_get::<i64, _>("officers")?).unwrap_or(2),
                },
                r.try_get("entity_name")?,
            ))
        })
        .collect()
}

/// The departments with pending tasks in the period (id, name, tasks), for the capacity form.
pub async fn pending_departments(
    store: &Store,
    actor: &Actor,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Vec<(i64, String, usize)>> {
    actor.require(Permission::SupervisionManage)?;
    let tasks = pending(store, actor, from, to).await?;
    let mut by: BTreeMap<i64, usize> = BTreeMap::new();
    for (_, t, _) in &tasks {
        *by.entry(t.department.parse().unwrap_or_default())
            .or_default() += 1;
    }
    let names =
        crate::org::repo::department_names(&mut *store.conn().await?, by.keys().copied()).await?;
    Ok(by
        .into_iter()
        .map(|(id, n)| (id, names.get(&id).cloned().unwrap_or_default(), n))
        .collect())
}

/// The stored scenarios as the planner reads them: departments by id.
async fn stored_scenarios(store: &Store) -> Result<Vec<Scenario>> {
    let mut by: BTreeMap<i64, Vec<String>> = BTreeMap::new();
    for r in sqlx::query("SELECT scenario_id, department_id FROM joint_scenario_departments")
        .fetch_all(store.pool())
        .await?
    {
        by.entry(r.try_get("scenario_id")?)
            .or_default()
            .push(r.try_get::<i64, _>("department_id")?.to_string());
    }
    Ok(by
        .into_iter()
        .map(|(id, departments)| Scenario {
            code: id.to_string(),
            name: String::new(),
            departments,
        })
        .collect())
}

/// Plans the period's pending tasks; each department with tasks needs its officers per
/// working day in `capacity`. The tasks get their dates and the plan its figures, in one
/// transaction.
pub async fn make(
    store: &Store,
    actor: &Actor,
    calendar: &Calendar,
    from: NaiveDate,
    to: NaiveDate,
    capacity: &HashMap<i64, u32>,
    with_scenarios: bool,
) -> Result<i64> {
    actor.require(Permission::SupervisionManage)?;
    if to < from || (to - from).num_days() > 366 {
        return Err(Error::invalid(
            "to",
            "计划期间止日不早于起日，且不超过一年。",
        ));
    }
    let mut tasks = pending(store, actor, from, to).await?;
    if tasks.is_empty() {
        return Err(Error::invalid("from", "该期间没有待编排的检查任务。"));
    }
    // Entities on the leave-alone list (无事不扰) as of the first day are not inspected
    // routinely: their tasks stay out of the plan, and the plan says so.
    let register: Vec<super::entities::Entity> = super::entities::register(store, None, None)
        .await?
        .into_iter()
        .map(|(e, _)| e)
        .collect();
    let lists = super::entities::lists(store, &register, from).await?;
    let alone: BTreeSet<String> = register
        .into_iter()
        .zip(lists)
        .filter(|(_, l)| *l == super::entities::List::LeaveAlone)
        .map(|(e, _)| e.uscc)
        .collect();
    let (left_alone, kept): (Vec<_>, Vec<_>) = tasks
        .drain(..)
        .partition(|(_, t, _)| alone.contains(&t.entity));
    let tasks = kept;
    if tasks.len() > MAX_TASKS {
        return Err(Error::invalid(
            "from",
            format!(
                "该期间有 {} 个任务，页面一次最多编排 {MAX_TASKS} 个；请缩短期间或使用 fazhi plan joint-visits。",
                tasks.len()
            ),
        ));
    }
    let names = crate::org::repo::department_names(
        &mut *store.conn().await?,
        tasks
            .iter()
            .map(|(_, t, _)| t.department.parse().unwrap_or_default()),
    )
    .await?;
    let mut caps: HashMap<String, u32> = HashMap::new();
    for (_, t, _) in &tasks {
        let id: i64 = t.department.parse().unwrap_or_default();
        let name = names.get(&id).cloned().unwrap_or_default();
        let cap = capacity.get(&id).copied().unwrap_or(0);
        if cap < t.officers {
            return Err(Error::invalid(
                "capacity",
                format!(
                    "{name}每个工作日可派执法人员应不少于其任务所需的 {} 名。",
                    t.officers
                ),
            ));
        }
        caps.insert(t.department.clone(), cap);
    }
    let scenarios = if with_scenarios {
        Some(stored_scenarios(store).await?)
    } else {
        None
    };
    let only: Vec<Task> = tasks.iter().map(|(_, t, _)| t.clone()).collect();
    let plan = planner::plan(&only, &caps, scenarios.as_deref(), calendar);
    let considered = tasks.len() + left_alone.len();
    let capacity_json: BTreeMap<String, u32> = caps.clone().into_iter().collect();
    let region: i64 = sqlx::query_scalar("SELECT region_id FROM departments WHERE id = $1")
        .bind(actor.scope.department_id)
        .fetch_one(store.pool())
        .await?;
    let mut tx = store.begin().await?;
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO joint_plans (period_from, period_to, capacity, with_scenarios, tasks, visits,
            lower_bound, visits_saved, unmerged, region_id, department_id, created_by, created_at, left_alone)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14) RETURNING id",
    )
    .bind(from.to_string())
    .bind(to.to_string())
    .bind(json!(capacity_json).to_string())
    .bind(i64::from(with_scenarios))
    .bind(considered as i64)
    .bind(plan.visits as i64)
    .bind(plan.lower_bound as i64)
    .bind(plan.visits_saved as i64)
    .bind(json!(plan.unmerged).to_string())
    .bind(region)
    .bind(actor.scope.department_id)
    .bind(actor.user_id)
    .bind(now_ms())
    .bind(left_alone.len() as i64)
    .fetch_one(tx.conn())
    .await?;
    // Left out: in the plan, without a date.
    for chunk in left_alone.chunks(500) {
        let mut sql = Sql::new("UPDATE inspection_tasks SET plan_id = ");
        sql.bind(id).push(" WHERE id IN (");
        sql.bind_list(chunk.iter().map(|(task, _, _)| *task));
        sql.push(")");
        sql.execute(tx.conn()).await?;
    }
    for chunk in tasks
        .iter()
        .zip(&plan.dates)
        .collect::<Vec<_>>()
        .chunks(200)
    {
        let mut sql = Sql::new("UPDATE inspection_tasks SET plan_id = ");
        sql.bind(id).push(", planned_on = CASE id");
        for ((task, _, _), date) in chunk {
            sql.push(" WHEN ")
                .bind(*task)
                .push(" THEN ")
                .bind(date.to_string());
        }
        sql.push(" END WHERE id IN (");
        sql.bind_list(chunk.iter().map(|((task, _, _), _)| *task));
        sql.push(")");
        sql.execute(tx.conn()).await?;
    }
    crate::audit::record(
        &mut tx,
        actor,
        "plan",
        "joint_plan",
        Some(id.to_string()),
        json!({ "from": from.to_string(), "to": to.to_string(), "tasks": considered, "left_alone": left_alone.len(), "visits": plan.visits,
                "lower_bound": plan.lower_bound, "visits_saved": plan.visits_saved, "with_scenarios": with_scenarios }),
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

/// One entity's visits in a plan: (date, departments) per visit.
#[derive(Clone, Debug, Serialize)]
pub struct EntityVisits {
    pub uscc: String,
    pub name: String,
    pub visits: Vec<(String, Vec<String>)>,
}

/// One department-day of a plan: tasks, officers planned and the capacity given.
#[derive(Clone, Debug, Serialize)]
pub struct DepartmentDay {
    pub department: String,
    pub date: String,
    pub tasks: usize,
    pub officers: i64,
    pub capacity: i64,
}

#[derive(Clone, Debug, Serialize)]
pub struct PlanView {
    pub id: i64,
    pub period_from: String,
    pub period_to: String,
    pub with_scenarios: bool,
    pub tasks: i64,
    pub visits: i64,
    pub lower_bound: i64,
    pub visits_saved: i64,
    pub published_on: Option<String>,
    /// Tasks left out because their entity is on the leave-alone list: (USCC, name, department).
    pub left_alone: Vec<(String, String, String)>,
    pub entities: Vec<EntityVisits>,
    pub days: Vec<DepartmentDay>,
    /// (entity, visits, fewest, why)
    pub unmerged: Vec<(String, i64, i64, String)>,
}

/// Plans the actor sees: within its scope, or — once published — with a task of a department
/// in its scope (the departments the plan was published to).
fn visible(actor: &Actor) -> Sql {
    let mut sql = Sql::new("(");
    sql.append(actor.scope.condition("p", RECORD_COLUMNS))
        .push(" OR (p.published_on IS NOT NULL AND EXISTS (SELECT 1 FROM inspection_tasks t WHERE t.plan_id = p.id AND ")
        .append(actor.scope.condition("t", RECORD_COLUMNS))
        .push(")))");
    sql
}

/// A plan within the actor's scope (or published with a task of the actor's scope), per
/// entity and per department-day.
pub async fn get(store: &Store, actor: &Actor, id: i64) -> Result<PlanView> {
    actor.require(Permission::CaseRead)?;
    let mut sql = Sql::new(
        "SELECT id, period_from, period_to, capacity, with_scenarios, tasks, visits, lower_bound,
            visits_saved, unmerged, published_on FROM joint_plans p WHERE p.id = ",
    );
    sql.bind(id).push(" AND ").append(visible(actor));
    let mut conn = store.conn().await?;
    let p = sql
        .fetch_optional(&mut conn)
        .await?
        .ok_or(Error::NotFound)?;
    let capacity: HashMap<String, i64> =
        serde_json::from_str(&p.try_get::<String, _>("capacity")?).unwrap_or_default();
    let rows = sqlx::query(
        "SELECT t.entity_uscc, t.entity_name, t.planned_on, t.officers, d.id AS department_id, d.name AS department
         FROM inspection_tasks t JOIN departments d ON d.id = t.department_id
         WHERE t.plan_id = $1 ORDER BY t.entity_uscc, t.planned_on, d.id",
    )
    .bind(id)
    .fetch_all(&mut *conn)
    .await?;
    let mut entities: BTreeMap<String, EntityVisits> = BTreeMap::new();
    let mut days: BTreeMap<(String, String), DepartmentDay> = BTreeMap::new();
    let mut left_alone = Vec::new();
    for r in &rows {
        let uscc: String = r.try_get("entity_uscc")?;
        let Some(date) = r.try_get::<Option<String>, _>("planned_on")? else {
            left_alone.push((uscc, r.try_get("entity_name")?, r.try_get("department")?));
            continue;
        };
        let department: String = r.try_get("department")?;
        let department_id: i64 = r.try_get("department_id")?;
        let e = entities
            .entry(uscc.clone())
            .or_insert_with(|| EntityVisits {
                uscc,
                name: r.try_get("entity_name").unwrap_or_default(),
                visits: Vec::new(),
            });
        match e.visits.last_mut() {
            Some((d, deps)) if *d == date => {
                if !deps.contains(&department) {
                    deps.push(department.clone());
                }
            }
            _ => e.visits.push((date.clone(), vec![department.clone()])),
        }
        let day = days
            .entry((department.clone(), date.clone()))
            .or_insert_with(|| DepartmentDay {
                department,
                date,
                tasks: 0,
                officers: 0,
                capacity: capacity
                    .get(&department_id.to_string())
                    .copied()
                    .unwrap_or(0),
            });
        day.tasks += 1;
        day.officers += r.try_get::<i64, _>("officers")?;
    }
    let unmerged: Vec<serde_json::Value> =
        serde_json::from_str(&p.try_get::<String, _>("unmerged")?).unwrap_or_default();
    Ok(PlanView {
        id,
        period_from: p.try_get("period_from")?,
        period_to: p.try_get("period_to")?,
        with_scenarios: fazhi_store::flag(p.try_get("with_scenarios")?),
        tasks: p.try_get("tasks")?,
        visits: p.try_get("visits")?,
        lower_bound: p.try_get("lower_bound")?,
        visits_saved: p.try_get("visits_saved")?,
        published_on: p.try_get("published_on")?,
        left_alone,
        entities: entities.into_values().collect(),
        days: days.into_values().collect(),
        unmerged: unmerged
            .iter()
            .map(|u| {
                (
                    u["entity"].as_str().unwrap_or("").to_string(),
                    u["visits"].as_i64().unwrap_or(0),
                    u["fewest"].as_i64().unwrap_or(0),
                    u["reason"].as_str().unwrap_or("").to_string(),
                )
            })
            .collect(),
    })
}

/// Plans within the actor's scope, newest first: (id, period, tasks, visits, saved, published).
#[allow(clippy::type_complexity)]
pub async fn list(
    store: &Store,
    actor: &Actor,
) -> Result<Capped<(i64, String, i64, i64, i64, Option<String>)>> {
    actor.require(Permission::CaseRead)?;
    let mut sql = Sql::new(
        "SELECT id, period_from, period_to, tasks, visits, visits_saved, published_on FROM joint_plans p WHERE ",
    );
    sql.append(visible(actor))
        .push(" ORDER BY id DESC LIMIT 201");
    sql.fetch_all(&mut *store.conn().await?)
        .await?
        .iter()
        .map(|r| {
            Ok((
                r.try_get("id")?,
                format!(
                    "{} 至 {}",
                    r.try_get::<String, _>("period_from")?,
                    r.try_get::<String, _>("period_to")?
                ),
                r.try_get("tasks")?,
                r.try_get("visits")?,
                r.try_get("visits_saved")?,
                r.try_get("published_on")?,
            ))
        })
        .collect::<Result<Vec<_>>>()
        .map(|rows| Capped::new(rows, 200))
}

/// Publishes the plan: each planned task gets its act code (行政行为码, for the notice to the
/// entity), and each department's users who handle cases are told their dates.
pub async fn publish(
    store: &Store,
    actor: &Actor,
    keyring: &crate::vault::Keyring,
    today: NaiveDate,
    id: i64,
) -> Result<()> {
    actor.require(Permission::SupervisionManage)?;
    let plan = get(store, actor, id).await?;
    if plan.published_on.is_some() {
        return Err(Error::refused(
            "joint_plan_published",
            "id",
            "该计划已经发布。",
        ));
    }
    let users: Vec<i64> = sqlx::query_scalar(
        "SELECT DISTINCT u.id FROM users u
         JOIN user_roles ur ON ur.user_id = u.id
         JOIN role_permissions rp ON rp.role_id = ur.role_id AND rp.permission = 'case.handle'
         WHERE u.department_id IN (SELECT department_id FROM inspection_tasks WHERE plan_id = $1)",
    )
    .bind(id)
    .fetch_all(store.pool())
    .await?;
    let notices: Vec<NewMessage> = users
        .into_iter()
        .map(|user_id| NewMessage {
            user_id,
            title: format!(
                "综合查一次计划（{} 至 {}）已发布",
                plan.period_from, plan.period_to
            ),
            body: format!(
                "{} 个检查任务合并为 {} 户次联合检查，请按计划日期检查。",
                plan.tasks, plan.visits
            ),
            link: Some(format!("/inspection/joint-plans/{id}")),
        })
        .collect();
    let acts: Vec<super::acts::NewAct> = sqlx::query(
        "SELECT id, entity_uscc, entity_name, department_id, region_id, items, planned_on
         FROM inspection_tasks WHERE plan_id = $1 AND planned_on IS NOT NULL ORDER BY id",
    )
    .bind(id)
    .fetch_all(store.pool())
    .await?
    .iter()
    .map(|r| {
        Ok(super::acts::NewAct {
            entity_uscc: r.try_get("entity_uscc")?,
            entity_name: r.try_get("entity_name")?,
            department_id: r.try_get("department_id")?,
            region_id: r.try_get("region_id")?,
            items: r
                .try_get::<String, _>("items")?
                .split(',')
                .map(str::to_string)
                .collect(),
            officers: Vec::new(),
            issued_on: today,
            draw_task_id: None,
            plan_task_id: Some(r.try_get("id")?),
            inspection_id: None,
        })
    })
    .collect::<Result<_>>()?;
    let key = super::acts::signing_key(keyring)?;
    let mut tx = store.begin().await?;
    // Locked and checked again inside the transaction: two requests publish (and issue act
    // codes, and tell the departments) once.
    let version = tx
        .lock_row("joint_plans", id)
        .await?
        .ok_or(Error::NotFound)?;
    let published: Option<String> =
        sqlx::query_scalar("SELECT published_on FROM joint_plans WHERE id = $1")
            .bind(id)
            .fetch_one(tx.conn())
            .await?;
    if published.is_some() {
        return Err(Error::refused(
            "joint_plan_published",
            "id",
            "该计划已经发布。",
        ));
    }
    super::acts::issue(&mut tx, &key, actor, &acts).await?;
    tx.versioned_update(
        "joint_plans",
        id,
        version,
        vec![("published_on", today.to_string().into())],
    )
    .await?;
    messages::send_many(&mut tx, &notices).await?;
    crate::audit::record(
        &mut tx,
        actor,
        "publish",
        "joint_plan",
        Some(id.to_string()),
        json!({ "on": today.to_string(), "told": notices.len(), "act_codes": acts.len() }),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}
