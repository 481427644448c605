//! Self-inspection (部门自查) and supervisory inspection (执法检查).

use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use chrono::Datelike;
use fazhi_core::deadlines::Clock;
use fazhi_core::org;
use fazhi_core::supervision::self_inspection::{self, SelfInspectionResult};
use fazhi_core::{Error, Permission};
use fazhi_store::page::Keyset;

use super::{layout, require};
use crate::AppState;
use crate::error::PageError;
use crate::form::FormData;
use crate::session::Signed;
use crate::view::*;

use super::*;

fn may_see_inspections(s: &Signed) -> Result<(), PageError> {
    if s.actor.can(Permission::SupervisionManage) || s.actor.can(Permission::SupervisionReply) {
        Ok(())
    } else {
        Err(PageError(Error::Forbidden))
    }
}

pub async fn self_inspections_page(
    State(state): State<AppState>,
    s: Signed,
    Query(q): Query<NoticesQuery>,
) -> Result<Response, PageError> {
    may_see_inspections(&s)?;
    let year = q
        .year
        .as_deref()
        .and_then(|y| y.trim().parse().ok())
        .unwrap_or_else(|| fazhi_core::deadlines::china_today().year());
    let page = self_inspection::list(
        &state.store,
        &s.actor,
        year,
        Keyset::new(q.list.after.as_deref().and_then(|a| a.parse().ok()), None),
    )
    .await?;
    let f = self_inspection::figures(&state.store, &s.actor, year).await?;
    let rows = page
        .items
        .iter()
        .map(|i| {
            vec![
                cell_link(
                    format!("{} {}", i.period, i.kind.label_zh()),
                    format!("/supervision/self-inspections/{}", i.id),
                ),
                cell(i.department.clone()),
                cell(i.due_on.clone()),
                cell(match &i.done_on {
                    Some(d) => format!("{d} 完成"),
                    None => "待完成".into(),
                }),
                cell(format!(
                    "检查 {} 件，发现 {} 个，整改 {} 个",
                    i.files_checked, i.problems_found, i.problems_rectified
                )),
            ]
        })
        .collect();
    let mut actions = Vec::new();
    if s.actor.can(Permission::SupervisionManage) {
        actions.push(link(
            "/supervision/self-inspections/plan",
            "生成本月自查任务",
        ));
        actions.push(link(
            "/supervision/self-inspections/supervisory",
            "登记执法检查",
        ));
    }
    let next = page
        .next
        .map(|after| format!("/supervision/self-inspections?year={year}&after={after}"));
    Ok(ListPage {
        prev: None,
        layout: layout(&s),
        title: "部门自查与执法检查".into(),
        intro: format!(
            "{year} 年：部门自查完成 {} 次（待完成 {} 次），自查发现问题 {} 个、自行整改 {} 个；执法检查 {} 次，发现问题 {} 个。每月初系统为每个执法单位生成当月自查任务，月底到期。",
            f.self_done, f.self_open, f.self_found, f.self_rectified, f.supervisory_done, f.supervisory_found
        ),
        actions,
        filters: vec![Field::text("year", "年度", year.to_string(), 4)],
        error: None,
        count_text: format!("本页 {} 条", page.items.len()),
        hidden: Vec::new(),
        headers: plain(&["任务", "单位", "期限", "状态", "结果"]),
        rows,
        next,
    }
    .into_response())
}

pub async fn self_inspection_plan_page(s: Signed) -> Result<Response, PageError> {
    require(&s, Permission::SupervisionManage)?;
    let mut page = FormPage::new(
        layout(&s),
        "生成本月自查任务",
        "/supervision/self-inspections/plan",
    );
    page.intro = "为每个执法单位（办理过案件或有办案人员的部门）生成本月的部门自查任务，已有的不重复生成；系统每月初也会自动生成。".into();
    page.submit = "生成";
    page.links = vec![link("/supervision/self-inspections", "返回")];
    Ok(page.into_response())
}

pub async fn self_inspection_plan(
    State(state): State<AppState>,
    s: Signed,
) -> Result<Response, PageError> {
    require(&s, Permission::SupervisionManage)?;
    let in_force = state.in_force().await?;
    let (cal, policy) = (&in_force.0, in_force.1);
    let today = fazhi_core::deadlines::china_today();
    let clock = Clock { cal, policy, today };
    self_inspection::plan_month(&state.store, &s.actor, clock, today).await?;
    Ok(Redirect::to("/supervision/self-inspections").into_response())
}

fn outcome_fields(form: Option<&FormData>) -> Vec<Field> {
    let pick = |name: &str, default: String| form.map_or(default, |f| f.get(name).to_string());
    vec![
        Field::date(
            "on",
            "完成日期",
            pick("on", fazhi_core::deadlines::china_today().to_string()),
        ),
        Field::text(
            "files_checked",
            "检查案卷数",
            pick("files_checked", String::new()),
            6,
        )
        .required(),
        Field::text(
            "problems_found",
            "发现问题数",
            pick("problems_found", String::new()),
            6,
        )
        .required(),
        Field::text(
            "problems_rectified",
            "已整改问题数",
            pick("problems_rectified", String::new()),
            6,
        )
        .required(),
        Field::textarea("summary", "检查情况", pick("summary", String::new())).required(),
    ]
}

fn outcome_of(f: &FormData) -> Result<SelfInspectionResult, Error> {
    Ok(SelfInspectionResult {
        on: form_day(f, "on", "完成日期")?.ok_or_else(|| Error::invalid("on", "请填写日期。"))?,
        files_checked: f.int("files_checked", "检查案卷数")?,
        problems_found: f.int("problems_found", "发现问题数")?,
        problems_rectified: f.int("problems_rectified", "已整改问题数")?,
        summary: f.get("summary").to_string(),
    })
}

async fn supervisory_form(
    state: &AppState,
    s: &Signed,
    form: Option<&FormData>,
    error: Option<String>,
) -> Result<FormPage, PageError> {
    let depts = org::service::departments(&state.store, &s.actor).await?;
    let mut page = FormPage::new(
        layout(s),
        "登记执法检查",
        "/supervision/self-inspections/supervisory",
    );
    page.error = error;
    page.fields = vec![
        Field::select(
            "department_id",
            "被检查单位",
            depts
                .iter()
                .map(|d| (d.id.to_string(), d.name.clone()))
                .collect(),
            form.map_or("", |f| f.get("department_id")),
        )
        .required(),
    ];
    page.fields.extend(outcome_fields(form));
    page.submit = "登记";
    page.links = vec![link("/supervision/self-inspections", "返回")];
    Ok(page)
}

pub async fn supervisory_new(
    State(state): State<AppState>,
    s: Signed,
) -> Result<Response, PageError> {
    require(&s, Permission::SupervisionManage)?;
    Ok(supervisory_form(&state, &s, None, None)
        .await?
        .into_response())
}

pub async fn supervisory_create(
    State(state): State<AppState>,
    s: Signed,
    f: FormData,
) -> Result<Response, PageError> {
    require(&s, Permission::SupervisionManage)?;
    let today = fazhi_core::deadlines::china_today();
    let result = match (f.int("department_id", "被检查单位"), outcome_of(&f)) {
        (Ok(d), Ok(o)) => {
            self_inspection::record_supervisory(&state.store, &s.actor, today, d, &o).await
        }
        (Err(e), _) | (_, Err(e)) => Err(e),
    };
    match result {
        Ok(id) => Ok(Redirect::to(&format!("/supervision/self-inspections/{id}")).into_response()),
        Err(e) => {
            let (status, message) = super::super::refused(e)?;
            Ok((
                status,
                supervisory_form(&state, &s, Some(&f), Some(message)).await?,
            )
                .into_response())
        }
    }
}

async fn self_inspection_view(
    state: &AppState,
    s: &Signed,
    id: i64,
    form: Option<&FormData>,
    error: Option<String>,
) -> Result<SectionsPage, PageError> {
    let i = self_inspection::get(&state.store, &s.actor, id).await?;
    let mut details = vec![
        ("类别".to_string(), i.kind.label_zh().to_string()),
        ("单位".into(), i.department.clone()),
        ("期间".into(), i.period.clone()),
        ("期限".into(), i.due_on.clone()),
    ];
    if i.done {
        details.push(("完成日期".into(), i.done_on.clone().unwrap_or_default()));
        details.push(("检查案卷数".into(), i.files_checked.to_string()));
        details.push(("发现问题数".into(), i.problems_found.to_string()));
        details.push(("已整改问题数".into(), i.problems_rectified.to_string()));
        details.push(("检查情况".into(), i.summary.clone().unwrap_or_default()));
    }
    let mut sections = Vec::new();
    if !i.done && s.actor.can(Permission::SupervisionReply) {
        sections.push(FormSection {
            title: "登记自查结果".into(),
            action: format!("/supervision/self-inspections/{id}"),
            hidden: vec![("version", i.version.to_string())],
            fields: outcome_fields(form),
            submit: "登记",
        });
    }
    Ok(SectionsPage {
        notice: None,
        warnings: Vec::new(),
        table: None,
        layout: layout(s),
        title: format!("{} {}", i.period, i.kind.label_zh()),
        intro: String::new(),
        error,
        details,
        sections,
        links: vec![link("/supervision/self-inspections", "返回列表")],
    })
}

pub async fn self_inspection_show(
    State(state): State<AppState>,
    s: Signed,
    Path(id): Path<i64>,
) -> Result<Response, PageError> {
    Ok(self_inspection_view(&state, &s, id, None, None)
        .await?
        .into_response())
}

pub async fn self_inspection_record(
    State(state): State<AppState>,
    s: Signed,
    Path(id): Path<i64>,
    f: FormData,
) -> Result<Response, PageError> {
    let today = fazhi_core::deadlines::china_today();
    let result = match (f.int("version", "版本"), outcome_of(&f)) {
        (Ok(v), Ok(o)) => self_inspection::record(&state.store, &s.actor, today, id, v, &o).await,
        (Err(e), _) | (_, Err(e)) => Err(e),
    };
    match result {
        Ok(()) => Ok(Redirect::to(&format!("/supervision/self-inspections/{id}")).into_response()),
        Err(e) => {
            let (status, message) = super::super::refused(e)?;
            Ok((
                status,
                self_inspection_view(&state, &s, id, Some(&f), Some(message)).await?,
            )
                .into_response())
        }
    }
}
