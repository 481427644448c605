//! Violation leads (线索): the models' findings and their handling.

use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use fazhi_core::supervision::leads;
use fazhi_core::{Error, Permission};
use serde::{Deserialize, Serialize};

use super::{layout, require};
use crate::AppState;
use crate::error::PageError;
use crate::form::FormData;
use crate::listing::{ListParams, ListUrl, no_rows, status, total_or_refusal, total_text};
use crate::session::Signed;
use crate::view::*;

use super::*;

#[derive(Clone, Default, Deserialize, Serialize)]
pub struct LeadsQuery {
    #[serde(skip_serializing_if = "Option::is_none")]
    model: Option<String>,
    #[serde(flatten)]
    list: ListParams,
}

/// Exactly a model's list as shown, as .xlsx, as a long job.
pub async fn leads_export(
    State(state): State<AppState>,
    s: Signed,
    Query(q): Query<LeadsQuery>,
) -> Result<Response, PageError> {
    let code = q.model.clone().unwrap_or_default();
    let narrowing = q.list.narrowing();
    let counted = leads::count_of_model(&state.store, &s.actor, &code, &narrowing).await?;
    let (order, _, _) = q.list.afford(leads::SORTS, counted);
    let actor = s.actor.clone();
    crate::pages::long_jobs::export(
        &state,
        &s,
        "导出监督线索",
        "leads.xlsx",
        &format!("/supervision/leads?model={code}"),
        move |store, rows| async move {
            leads::export_of_model(&store, &actor, &code, &narrowing, &order, &*rows).await
        },
    )
    .await
}

pub async fn leads_page(
    State(state): State<AppState>,
    s: Signed,
    Query(q): Query<LeadsQuery>,
) -> Result<Response, PageError> {
    if let Some(code) = q.model.as_deref().filter(|c| !c.is_empty()) {
        let model = leads::model(code)
            .ok_or_else(|| PageError(Error::invalid("model", format!("没有线索模型“{code}”。"))))?;
        let narrowing = q.list.narrowing();
        let (counted, refused) = total_or_refusal(
            leads::count_of_model(&state.store, &s.actor, code, &narrowing).await,
        )?;
        let (order, shown, sort_note) = q.list.afford(leads::SORTS, counted);
        let page = match refused {
            None => leads::of_model(&state.store, &s.actor, code, &narrowing, order).await?,
            Some(_) => no_rows(),
        };
        let total = total_text(counted, "条");
        let url = ListUrl::new("/supervision/leads", &q, &shown);
        let (prev, next) = url.pager(&page);
        let rows = page
            .items
            .iter()
            .map(|l| {
                vec![
                    match leads::link(&l.subject_type, &l.subject_id) {
                        Some(href) => cell_link(l.detail.clone(), href),
                        None => cell(l.detail.clone()),
                    },
                    cell(l.department.clone()),
                    cell(l.found_on.clone()),
                    cell_link("处理", format!("/supervision/leads/{}", l.id)),
                ]
            })
            .collect();
        return Ok((
            status(&refused),
            ListPage {
                prev,
                layout: layout(&s),
                title: format!("{} {}", model.code, model.name),
                intro: format!(
                    "{}程序处理。系统每小时运行一次线索模型。",
                    model.track.label_zh()
                ),
                actions: vec![
                    link(
                        url.at("/supervision/leads/export.xlsx"),
                        format!("导出 Excel（当前筛选的 {total}）"),
                    ),
                    link("/supervision/leads", "返回线索"),
                ],
                filters: q
                    .list
                    .search_fields("线索内容或单位", "发现日期")
                    .into_iter()
                    .chain([q.list.size_field()])
                    .collect(),
                error: refused,
                count_text: format!(
                    "共 {total}，本页 {} 条{}",
                    page.items.len(),
                    sort_note.map(|n| format!("。{n}")).unwrap_or_default()
                ),
                hidden: [("model", code.to_string())]
                    .into_iter()
                    .chain(shown.hidden())
                    .collect(),
                headers: url.headers(&[
                    ("线索", None),
                    ("单位", Some("department")),
                    ("发现日期", Some("found_on")),
                    ("", None),
                ]),
                rows,
                next,
            },
        )
            .into_response());
    }
    let desk = leads::desk(&state.store, &s.actor).await?;
    let total: i64 = desk.iter().map(|(_, n)| n).sum();
    let rows = desk
        .iter()
        .map(|(m, n)| {
            vec![
                cell(m.code),
                cell(m.name),
                cell(m.track.label_zh()),
                if *n > 0 {
                    cell_link(
                        format!("{n} 条"),
                        format!("/supervision/leads?model={}", m.code),
                    )
                } else {
                    cell("0 条")
                },
            ]
        })
        .collect();
    Ok(ListPage {
        prev: None,
        layout: layout(&s),
        title: "违法线索".into(),
        intro: format!(
            "{} 个线索模型每小时检查全部记录（控制台 fazhi leads），按普通、简易、预警三种程序分派；待处理线索 {total} 条。您可查看的范围：{}。",
            leads::MODELS.len(),
            s.actor.scope.kind.label_zh()
        ),
        actions: Vec::new(),
        filters: Vec::new(),
        error: None,
        count_text: String::new(),
        hidden: Vec::new(),
        headers: plain(&["模型", "线索", "程序", "待处理"]),
        rows,
        next: None,
    }
    .into_response())
}

pub async fn lead_page(s: Signed, Path(id): Path<i64>) -> Result<Response, PageError> {
    require(&s, Permission::SupervisionManage)?;
    Ok(lead_form(&s, id, None).into_response())
}

fn lead_form(s: &Signed, id: i64, error: Option<String>) -> SectionsPage {
    let form = |action: &'static str, title: &str, label: &'static str, submit: &'static str| {
        FormSection {
            title: title.to_string(),
            action: format!("/supervision/leads/{id}"),
            hidden: vec![("action", action.to_string())],
            fields: vec![Field::textarea("note", label, "")],
            submit,
        }
    };
    SectionsPage {
        notice: None,
        warnings: Vec::new(),
        table: None,
        layout: layout(s),
        title: "处理线索".into(),
        intro: String::new(),
        error,
        details: Vec::new(),
        sections: vec![
            form("handled", "已处理", "处理情况", "已处理"),
            form("dismissed", "不予处理", "不予处理的理由", "不予处理"),
        ],
        links: vec![link("/supervision/leads", "返回线索")],
    }
}

pub async fn lead_close(
    State(state): State<AppState>,
    s: Signed,
    Path(id): Path<i64>,
    f: FormData,
) -> Result<Response, PageError> {
    require(&s, Permission::SupervisionManage)?;
    let today = fazhi_core::deadlines::china_today();
    let handled = f.get("action") == "handled";
    let note = f.opt("note");
    match leads::close(&state.store, &s.actor, id, handled, note.as_deref(), today).await {
        Ok(()) => Ok(Redirect::to("/supervision/leads").into_response()),
        Err(e) => {
            let (status, message) = super::super::refused(e)?;
            Ok((status, lead_form(&s, id, Some(message))).into_response())
        }
    }
}
