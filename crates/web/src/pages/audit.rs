//! The audit administrator's search and export of the audit log.

use axum::extract::{Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use chrono::{FixedOffset, TimeZone};
use fazhi_core::audit::{action_label, china_time, export_xlsx, object_label, search};
use fazhi_core::{Error, Permission};
use fazhi_store::audit::AuditFilter;
use fazhi_store::page::Keyset;
use serde::{Deserialize, Serialize};

use super::{layout, require};
use crate::AppState;
use crate::error::PageError;
use crate::session::Signed;
use crate::view::*;

#[derive(Clone, Default, Deserialize, Serialize)]
pub struct AuditQuery {
    pub actor: Option<String>,
    pub action: Option<String>,
    pub object_type: Option<String>,
    pub from: Option<String>,
    pub until: Option<String>,
    pub after: Option<i64>,
    /// Page size (API only; pages use the default).
    #[serde(skip_serializing)]
    pub limit: Option<i64>,
}

/// Midnight China time of an ISO date, as Unix ms.
fn day_start(field: &'static str, value: &str) -> Result<i64, Error> {
    let date = fazhi_kernel::date::parse(value)
        .ok_or_else(|| Error::invalid(field, format!("日期“{value}”格式应为 YYYY-MM-DD。")))?;
    let china = FixedOffset::east_opt(8 * 3600).ok_or_else(|| Error::invalid(field, "时区错误"))?;
    china
        .from_local_datetime(&date.and_time(chrono::NaiveTime::MIN))
        .single()
        .map(|t| t.timestamp_millis())
        .ok_or_else(|| Error::invalid(field, "日期无效。"))
}

fn clean(v: &Option<String>) -> Option<String> {
    v.as_deref()
        .map(str::trim)
        .filter(|v| !v.is_empty())
        .map(str::to_string)
}

impl AuditQuery {
    pub fn filter(&self) -> Result<AuditFilter, Error> {
        Ok(AuditFilter {
            actor: clean(&self.actor),
            action: clean(&self.action),
            object_type: clean(&self.object_type),
            object_id: None,
            from: clean(&self.from)
                .map(|d| day_start("from", &d))
                .transpose()?,
            // The "until" day is included: the bound is the next midnight.
            until: clean(&self.until)
                .map(|d| day_start("until", &d).map(|t| t + 86_400_000))
                .transpose()?,
        })
    }
}

pub async fn page(
    State(state): State<AppState>,
    s: Signed,
    Query(q): Query<AuditQuery>,
) -> Result<Response, PageError> {
    require(&s, Permission::AuditRead)?;
    let filter = q.filter()?;
    let page = search(&state.store, &s.actor, &filter, Keyset::new(q.after, None)).await?;
    let actions = fazhi_store::audit::actions(&state.store).await?;
    let rows = page
        .items
        .iter()
        .map(|e| {
            vec![
                cell(e.seq.to_string()),
                cell(china_time(e.at)),
                cell(&e.actor_name),
                cell(e.ip.clone().unwrap_or_default()),
                cell(action_label(&e.action)),
                cell(format!(
                    "{} {}",
                    object_label(&e.object_type),
                    e.object_id.clone().unwrap_or_default()
                )),
                cell(if e.detail == "{}" {
                    String::new()
                } else {
                    e.detail.chars().take(200).collect::<String>()
                }),
            ]
        })
        .collect::<Vec<_>>();
    let without_after = AuditQuery {
        after: None,
        ..q.clone()
    };
    let qs = serde_urlencoded::to_string(&without_after).unwrap_or_default();
    let next = page.next.map(|n| format!("/audit?{qs}&after={n}"));
    let mut action_opts = vec![(String::new(), "全部".to_string())];
    action_opts.extend(
        actions
            .iter()
            .map(|a| (a.clone(), action_label(a).to_string())),
    );
    let mut actions_links = Vec::new();
    if s.actor.can(Permission::AuditExport) {
        actions_links.push(link(
            format!("/audit/export.xlsx?{qs}"),
            "导出 Excel（按当前筛选）",
        ));
    }
    Ok(ListPage {
        prev: None,
        layout: layout(&s),
        title: "审计日志".into(),
        intro: "系统中的每次登录、退出、新增、修改、删除、导出和权限变更。日志以 SM3 哈希链相连，任何改动、删除或调换都可由 fazhi audit verify 检出。".into(),
        actions: actions_links,
        filters: vec![
            Field::text("actor", "操作人", q.actor.clone().unwrap_or_default(), 64),
            Field::select("action", "操作", action_opts, q.action.as_deref().unwrap_or("")),
            Field::text("object_type", "对象类型", q.object_type.clone().unwrap_or_default(), 32),
            Field::date("from", "起始日期", q.from.clone().unwrap_or_default()),
            Field::date("until", "截止日期", q.until.clone().unwrap_or_default()),
        ],
        error: None,
        count_text: format!("本页 {} 条", rows.len()),
        hidden: Vec::new(),
        headers: plain(&["序号", "时间", "操作人", "来源地址", "操作", "对象", "详情"]),
        rows,
        next,
    }
    .into_response())
}

pub async fn export(
    State(state): State<AppState>,
    s: Signed,
    Query(q): Query<AuditQuery>,
) -> Result<Response, PageError> {
    require(&s, Permission::AuditExport)?;
    let bytes = export_xlsx(&state.store, &s.actor, &q.filter()?).await?;
    Ok((
        [
            (
                header::CONTENT_TYPE,
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            ),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"audit-log.xlsx\"",
            ),
        ],
        bytes,
    )
        .into_response())
}
