//! 综合查一次 pages: departments submit pending inspection tasks; a supervisor plans a period
//! with each department's capacity (and the stored scenarios), inspects the plan per entity and
//! per department-day, and publishes it to the departments.

use std::collections::HashMap;

use axum::extract::{Multipart, Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use chrono::{Days, NaiveDate};
use fazhi_core::inspection::joint_plans;
use fazhi_core::{Error, Permission};
use serde::Deserialize;

use super::enforcement::{import_result, read_xlsx_upload, xlsx_response};
use super::{layout, refused, require};
use crate::AppState;
use crate::error::PageError;
use crate::form::FormData;
use crate::session::Signed;
use crate::view::*;

pub async fn plans_page(State(state): State<AppState>, s: Signed) -> Result<Response, PageError> {
    require(&s, Permission::CaseRead)?;
    let all = joint_plans::list(&state.store, &s.actor).await?;
    let mut actions = Vec::new();
    if s.actor.can(Permission::CaseHandle) {
        actions.push(link("/inspection/tasks/import", "上报本部门待检查任务"));
    }
    if s.actor.can(Permission::SupervisionManage) {
        actions.push(link("/inspection/joint-plans/new", "编制综合查一次计划"));
    }
    actions.push(link("/inspection/scenarios", "综合查一次清单"));
    Ok(ListPage {
        prev: None,
        layout: layout(&s),
        title: "综合查一次计划".into(),
        intro: "各部门上报待检查任务（对象、事项、可检查的日期范围、所需人数）；编制计划时为每个任务定一个工作日，同一对象同一天的任务合并为一次联合检查，在各部门每个工作日可派人数之内使户次尽可能少。".into(),
        actions,
        filters: Vec::new(),
        error: None,
        count_text: super::counted(&all, "份计划"),
        hidden: Vec::new(),
        headers: plain(&["计划期间", "任务", "户次", "减少扰企户次", "发布"]),
        rows: all
            .items
            .iter()
            .map(|(id, period, tasks, visits, saved, published)| {
                vec![
                    cell_link(period.clone(), format!("/inspection/joint-plans/{id}")),
                    cell(tasks.to_string()),
                    cell(visits.to_string()),
                    cell(saved.to_string()),
                    cell(published.clone().map_or("未发布".into(), |p| format!("{p} 已发布"))),
                ]
            })
            .collect(),
        next: None,
    }
    .into_response())
}

fn tasks_upload(s: &Signed, error: Option<String>) -> FormPage {
    let mut page = FormPage::upload(
        layout(s),
        "上报待检查任务",
        "/inspection/tasks/import",
        "本部门的待检查任务，每行一个：被检查对象统一社会信用代码和名称、检查事项编码（以顿号分隔）、最早和最晚检查日期（其间至少一个工作日）、所需执法人员数（不少于 2）。先检查全部行，有误则整批不写入。",
        error,
    );
    page.links = vec![
        link("/inspection/tasks/template.xlsx", "下载模板"),
        link("/inspection/joint-plans", "返回"),
    ];
    page
}

pub async fn tasks_import_page(s: Signed) -> Result<Response, PageError> {
    require(&s, Permission::CaseHandle)?;
    Ok(tasks_upload(&s, None).into_response())
}

pub async fn tasks_import(
    State(state): State<AppState>,
    s: Signed,
    multipart: Multipart,
) -> Result<Response, PageError> {
    require(&s, Permission::CaseHandle)?;
    let rows = match read_xlsx_upload(
        (&state, &s, "inspection_tasks"),
        multipart,
        &joint_plans::HEADERS,
        |e| tasks_upload(&s, Some(e)),
    )
    .await
    {
        Ok(rows) => rows,
        Err(r) => return Ok(r),
    };
    let in_force = state.in_force().await?;
    let cal = &in_force.0;
    let department = s.actor.scope.department_id;
    let report = joint_plans::submit(&state.store, &s.actor, cal, department, &rows).await?;
    import_result(
        (&state, &s, "inspection_tasks"),
        &report,
        "/inspection/tasks/import",
        link("/inspection/joint-plans", "返回综合查一次计划"),
    )
    .await
}

pub async fn tasks_template(s: Signed) -> Result<Response, PageError> {
    require(&s, Permission::CaseHandle)?;
    let bytes = joint_plans::template()?;
    Ok(xlsx_response(bytes, "inspection-tasks.xlsx"))
}

#[derive(Deserialize)]
pub struct PeriodQuery {
    from: Option<String>,
    to: Option<String>,
}

fn period(from: Option<&str>, to: Option<&str>) -> (NaiveDate, NaiveDate) {
    let today = fazhi_core::deadlines::china_today();
    let parse = |v: Option<&str>| v.and_then(fazhi_kernel::date::parse);
    let from = parse(from).unwrap_or(today);
    let to = parse(to).unwrap_or(from + Days::new(90));
    (from, to)
}

async fn plan_form(
    state: &AppState,
    s: &Signed,
    from: NaiveDate,
    to: NaiveDate,
    form: Option<&FormData>,
    error: Option<String>,
) -> Result<FormPage, PageError> {
    let departments = joint_plans::pending_departments(&state.store, &s.actor, from, to).await?;
    let mut page = FormPage::new(layout(s), "编制综合查一次计划", "/inspection/joint-plans");
    page.intro = format!(
        "{from} 至 {to} 之间待编排的任务来自 {} 个部门，共 {} 个。请填写各部门每个工作日可派的执法人员数；选择按清单编排时，只有同一张综合查一次清单上的部门才合并检查。更换期间：",
        departments.len(),
        departments.iter().map(|d| d.2).sum::<usize>()
    );
    page.error = error;
    page.hidden = vec![("from", from.to_string()), ("to", to.to_string())];
    let pick =
        |name: &str, default: &str| form.map_or(default.to_string(), |f| f.get(name).to_string());
    page.fields = departments
        .iter()
        .map(|(id, name, n)| {
            Field::text(
                format!("cap_{id}"),
                format!("{name}（{n} 个任务）每个工作日可派执法人员"),
                pick(&format!("cap_{id}"), "4"),
                4,
            )
        })
        .collect();
    page.fields.push(Field::checkboxes(
        "with_scenarios",
        "按综合查一次清单编排",
        vec![("1".into(), "只合并同一清单上的部门".into())],
        &form.map(|f| f.all("with_scenarios")).unwrap_or_default(),
    ));
    page.submit = "编排";
    let next = to + Days::new(1);
    page.links = vec![
        link(
            format!(
                "/inspection/joint-plans/new?from={next}&to={}",
                next + Days::new(90)
            ),
            "下一期间",
        ),
        link("/inspection/joint-plans", "返回"),
    ];
    Ok(page)
}

pub async fn plan_new(
    State(state): State<AppState>,
    s: Signed,
    Query(q): Query<PeriodQuery>,
) -> Result<Response, PageError> {
    require(&s, Permission::SupervisionManage)?;
    let (from, to) = period(q.from.as_deref(), q.to.as_deref());
    Ok(plan_form(&state, &s, from, to, None, None)
        .await?
        .into_response())
}

pub async fn plan_create(
    State(state): State<AppState>,
    s: Signed,
    f: FormData,
) -> Result<Response, PageError> {
    require(&s, Permission::SupervisionManage)?;
    let (from, to) = period(Some(f.get("from")), Some(f.get("to")));
    let departments = joint_plans::pending_departments(&state.store, &s.actor, from, to).await?;
    let mut capacity: HashMap<i64, u32> = HashMap::new();
    let mut bad = None;
    for (id, name, _) in &departments {
        match f.get(&format!("cap_{id}")).trim().parse::<u32>() {
            Ok(n) if n <= 10_000 => {
                capacity.insert(*id, n);
            }
            _ => {
                bad = Some(format!(
                    "{name}每个工作日可派执法人员应为 0 至 10000 的整数。"
                ))
            }
        }
    }
    let result = match bad {
        Some(message) => Err(Error::invalid("capacity", message)),
        None => {
            let in_force = state.in_force().await?;
            let cal = &in_force.0;
            joint_plans::make(
                &state.store,
                &s.actor,
                cal,
                from,
                to,
                &capacity,
                f.get("with_scenarios") == "1",
            )
            .await
        }
    };
    match result {
        Ok(id) => Ok(Redirect::to(&format!("/inspection/joint-plans/{id}")).into_response()),
        Err(e) => {
            let (status, message) = refused(e)?;
            Ok((
                status,
                plan_form(&state, &s, from, to, Some(&f), Some(message)).await?,
            )
                .into_response())
        }
    }
}

async fn plan_view(
    state: &AppState,
    s: &Signed,
    id: i64,
    error: Option<String>,
) -> Result<SectionsPage, PageError> {
    let p = joint_plans::get(&state.store, &s.actor, id).await?;
    let mut details = vec![
        (
            "计划".to_string(),
            format!(
                "{} 个任务，{} 户次（每户最少日数之和即下限 {}），减少扰企 {} 户次；{}",
                p.tasks,
                p.visits,
                p.lower_bound,
                p.visits_saved,
                if p.with_scenarios {
                    "按综合查一次清单合并"
                } else {
                    "不限清单合并"
                }
            ),
        ),
        (
            "发布".into(),
            p.published_on
                .clone()
                .map_or("未发布".into(), |d| format!("{d} 已发布至各部门")),
        ),
    ];
    for (uscc, name, department) in &p.left_alone {
        details.push((
            format!("无事不扰 {name}（{uscc}）"),
            format!("{department}的任务未排入：该对象在无事不扰清单上，不作日常检查"),
        ));
    }
    for (entity, visits, fewest, why) in &p.unmerged {
        details.push((
            format!("未能合并 {entity}"),
            format!("{visits} 户次（最少 {fewest}）：{why}"),
        ));
    }
    for e in &p.entities {
        details.push((
            format!("{}（{}）", e.name, e.uscc),
            e.visits
                .iter()
                .map(|(date, deps)| format!("{date} {}", deps.join("、")))
                .collect::<Vec<_>>()
                .join("；"),
        ));
    }
    for d in &p.days {
        details.push((
            format!("{} {}", d.date, d.department),
            format!(
                "{} 个任务，执法人员 {} / {} 名",
                d.tasks, d.officers, d.capacity
            ),
        ));
    }
    let codes = fazhi_core::inspection::acts::of_plan(&state.store, id).await?;
    let codes_note = codes.note_zh();
    let mut links: Vec<Link> = codes
        .items
        .into_iter()
        .map(|(entity, date, department, code)| {
            link(
                format!("/public/acts/{code}"),
                format!("{date} {department} 检查 {entity} 的行政行为码"),
            )
        })
        .collect();
    links.push(link("/inspection/joint-plans", "返回"));
    let mut sections = Vec::new();
    if s.actor.can(Permission::SupervisionManage) && p.published_on.is_none() {
        sections.push(FormSection {
            title: "发布计划（通知各部门的执法人员）".into(),
            action: format!("/inspection/joint-plans/{id}/publish"),
            hidden: Vec::new(),
            fields: Vec::new(),
            submit: "发布",
        });
    }
    Ok(SectionsPage {
        notice: None,
        warnings: Vec::new(),
        table: None,
        layout: layout(s),
        title: format!("综合查一次计划 {} 至 {}", p.period_from, p.period_to),
        intro: format!(
            "按对象：每次联合检查的日期和部门；按部门和日期：任务数和派出的执法人员（不超过该部门每个工作日的能力）。{}",
            codes_note
                .map(|n| format!("行政行为码{n}"))
                .unwrap_or_default()
        ),
        error,
        details,
        sections,
        links,
    })
}

pub async fn plan_show(
    State(state): State<AppState>,
    s: Signed,
    Path(id): Path<i64>,
) -> Result<Response, PageError> {
    Ok(plan_view(&state, &s, id, None).await?.into_response())
}

pub async fn plan_publish(
    State(state): State<AppState>,
    s: Signed,
    Path(id): Path<i64>,
) -> Result<Response, PageError> {
    require(&s, Permission::SupervisionManage)?;
    let today = fazhi_core::deadlines::china_today();
    match joint_plans::publish(&state.store, &s.actor, &state.keyring, today, id).await {
        Ok(()) => Ok(Redirect::to(&format!("/inspection/joint-plans/{id}")).into_response()),
        Err(e) => {
            let (status, message) = refused(e)?;
            Ok((status, plan_view(&state, &s, id, Some(message)).await?).into_response())
        }
    }
}
