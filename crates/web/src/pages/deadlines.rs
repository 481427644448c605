//! A deadline's page (its rule, history and the changes the law allows) and the message centre.

use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use fazhi_core::Error;
use fazhi_core::deadlines::{self, Change};
use fazhi_core::messages;
use fazhi_kernel::period::Period;
use fazhi_store::page::Keyset;
use serde::Deserialize;

use super::layout;
use crate::AppState;
use crate::error::{PageError, status_of};
use crate::form::FormData;
use crate::session::Signed;
use crate::view::*;

fn change_label(kind: &str) -> &'static str {
    match kind {
        "suspend" => "中止计时",
        "resume" => "恢复计时",
        "extend" => "延长期限",
        "met" => "办结",
        _ => "变更",
    }
}

async fn page(
    state: &AppState,
    s: &Signed,
    id: i64,
    form: Option<&FormData>,
    error: Option<String>,
) -> Result<SectionsPage, PageError> {
    let d = deadlines::get(&state.store, &s.actor, id).await?;
    let history = deadlines::history(&state.store, &s.actor, id).await?;
    let mut details = vec![
        ("依据".into(), format!("{}{}", d.law, d.article)),
        (
            "起算事件".into(),
            format!("{}（{}）", d.start_event, d.start_on),
        ),
        (
            "期间".into(),
            d.period
                .parse::<Period>()
                .map(|p| p.label_zh())
                .unwrap_or(d.period.clone()),
        ),
        ("届满日".into(), d.due_on.clone()),
        ("计算规则".into(), d.rule.clone()),
        ("状态".into(), d.state_zh().to_string()),
        ("黄灯起始日".into(), d.yellow_on.clone()),
    ];
    if !d.confirmed {
        details.push((
            "注意".into(),
            "计算所涉年度尚未公布节假日安排，按周末推算，待公布后系统自动重算。".into(),
        ));
    }
    let suspended = history.iter().filter(|h| h.0 == "suspend").count()
        > history.iter().filter(|h| h.0 == "resume").count();
    for (kind, on, period, reason, approver) in history {
        details.push((
            format!("{} {on}", change_label(&kind)),
            format!(
                "{}{reason}（批准人：{approver}）",
                period.map(|p| format!("{p}；")).unwrap_or_default()
            ),
        ));
    }
    // Re-show what was typed in the form that failed, and only there.
    let typed = |kind: &str, name: &str| {
        form.filter(|f| f.get("kind") == kind)
            .map(|f| f.get(name).to_string())
            .unwrap_or_default()
    };
    let section = |kind: &'static str, date_label: &'static str, with_period: bool| {
        let mut fields = vec![Field::date("on", date_label, typed(kind, "on"))];
        if with_period {
            fields.push(
                Field::text("period", "延长的期间", typed(kind, "period"), 32)
                    .required()
                    .hint("如“30日”“10个工作日”“1个月”。"),
            );
        }
        fields.push(Field::text("reason", "理由", typed(kind, "reason"), 200).required());
        fields.push(Field::text("approver", "批准人", typed(kind, "approver"), 32).required());
        FormSection {
            title: change_label(kind).to_string(),
            action: format!("/deadlines/{id}"),
            hidden: vec![("kind", kind.to_string())],
            fields,
            submit: change_label(kind),
        }
    };
    let sections = match (d.state.as_str(), suspended) {
        _ if !deadlines::may_change(&s.actor, &d) => Vec::new(),
        ("met", _) => Vec::new(),
        (_, true) => vec![section("resume", "重新计算的首日", false)],
        _ => vec![
            section(
                "suspend",
                "停止计算的首日（听证、检验、鉴定、专家评审等）",
                false,
            ),
            section("extend", "批准日", true),
            section("met", "办结日", false),
        ],
    };
    Ok(SectionsPage {
        notice: None,
        warnings: Vec::new(),
        table: None,
        layout: layout(s),
        title: format!("期限：{}", d.purpose),
        intro: String::new(),
        error,
        details,
        sections,
        links: Vec::new(),
    })
}

pub async fn show(
    State(state): State<AppState>,
    s: Signed,
    Path(id): Path<i64>,
) -> Result<Response, PageError> {
    Ok(page(&state, &s, id, None, None).await?.into_response())
}

fn parse_change(f: &FormData) -> Result<Change, Error> {
    let on = fazhi_kernel::date::parse(f.get("on"))
        .ok_or_else(|| Error::invalid("on", "请填写日期（YYYY-MM-DD）。"))?;
    match f.get("kind") {
        "suspend" => Ok(Change::Suspend { from: on }),
        "resume" => Ok(Change::Resume { on }),
        "met" => Ok(Change::Met { on }),
        "extend" => {
            let period = f.get("period").parse().map_err(|_| {
                Error::invalid("period", "延长的期间应写成“30日”“10个工作日”“1个月”等。")
            })?;
            Ok(Change::Extend {
                period,
                approved_on: on,
            })
        }
        _ => Err(Error::invalid("kind", "请选择操作。")),
    }
}

pub async fn update(
    State(state): State<AppState>,
    s: Signed,
    Path(id): Path<i64>,
    f: FormData,
) -> Result<Response, PageError> {
    let result = match parse_change(&f) {
        Ok(change) => {
            let in_force = state.in_force().await?;
            deadlines::change(
                &state.ctx(&s.actor, &in_force),
                id,
                &change,
                f.get("reason"),
                f.get("approver"),
            )
            .await
        }
        Err(e) => Err(e),
    };
    match result {
        Ok(_) => Ok(Redirect::to(&format!("/deadlines/{id}")).into_response()),
        Err(Error::Store(e)) => Err(PageError(Error::Store(e))),
        Err(e) => Ok((
            status_of(&e),
            page(&state, &s, id, Some(&f), Some(e.message_zh())).await?,
        )
            .into_response()),
    }
}

#[derive(Deserialize)]
pub struct InboxQuery {
    after: Option<i64>,
}

pub async fn inbox(
    State(state): State<AppState>,
    s: Signed,
    Query(q): Query<InboxQuery>,
) -> Result<Response, PageError> {
    let page = messages::inbox(&state.store, &s.actor, Keyset::new(q.after, None)).await?;
    let rows = page
        .items
        .iter()
        .map(|m| {
            vec![
                cell(if m.read { "已读" } else { "未读" }),
                cell(fazhi_core::audit::china_time(m.created_at)),
                match &m.link {
                    Some(l) => cell_link(&m.title, l),
                    None => cell(&m.title),
                },
                cell(&m.body),
            ]
        })
        .collect::<Vec<_>>();
    let unread = messages::unread(&state.store, &s.actor).await?;
    Ok(ListPage {
        prev: None,
        layout: layout(&s),
        title: "消息".into(),
        intro: format!("未读 {unread} 条。期限预警、监督通知等会发到这里。"),
        actions: if unread > 0 {
            vec![link("/messages/read", "全部标为已读")]
        } else {
            Vec::new()
        },
        filters: Vec::new(),
        error: None,
        count_text: format!("本页 {} 条", rows.len()),
        hidden: Vec::new(),
        headers: plain(&["状态", "时间", "标题", "内容"]),
        rows,
        next: page.next.map(|n| format!("/messages?after={n}")),
    }
    .into_response())
}

/// Marking read is a plain link for people without JavaScript: GET shows a confirm form.
pub async fn read_page(s: Signed) -> Response {
    let mut page = FormPage::new(layout(&s), "全部标为已读", "/messages/read");
    page.fields = Vec::new();
    page.buttons = vec![link("/messages/read", "确认全部标为已读")];
    page.into_response()
}

pub async fn mark_read(State(state): State<AppState>, s: Signed) -> Result<Response, PageError> {
    messages::mark_read(&state.store, &s.actor, None).await?;
    Ok(Redirect::to("/messages").into_response())
}
