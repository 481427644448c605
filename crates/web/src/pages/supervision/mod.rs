//! The supervision pages, one file per module: the evaluation overview here, then notices,
//! samples, bulletins and figures, self-inspections, the sheet's settings, criminal transfers,
//! leads and performance. The router reaches every handler through this module.

use axum::extract::State;
use axum::response::{IntoResponse, Response};
use chrono::{Datelike, NaiveDate};
use fazhi_core::enforcement::figures::percent;
use fazhi_core::supervision::evaluation;
use fazhi_core::{Error, Permission};
use serde::Deserialize;

use super::{layout, require};
use crate::AppState;
use crate::error::PageError;
use crate::form::FormData;
use crate::session::Signed;
use crate::view::*;

mod bulletins;
mod leads;
mod notices;
mod performance;
mod samples;
mod self_inspection;
mod sheet_settings;
mod transfers;
pub use bulletins::*;
pub use leads::*;
pub use notices::*;
pub use performance::*;
pub use samples::*;
pub use self_inspection::*;
pub use sheet_settings::*;
pub use transfers::*;

pub(super) fn form_day(
    f: &FormData,
    name: &'static str,
    label: &str,
) -> Result<Option<NaiveDate>, Error> {
    match f.get(name).trim() {
        "" => Ok(None),
        v => fazhi_kernel::date::parse(v)
            .map(Some)
            .ok_or_else(|| Error::invalid(name, format!("{label}应为日期（YYYY-MM-DD）。"))),
    }
}

#[derive(Clone, Default, Deserialize)]
pub struct YearQuery {
    pub(super) year: Option<String>,
}

pub(super) fn year_of(q: &YearQuery, default: i32) -> i32 {
    q.year
        .as_deref()
        .and_then(|y| y.trim().parse().ok())
        .filter(|y| (2000..=2100).contains(y))
        .unwrap_or(default)
}

pub async fn evaluation_page(
    State(state): State<AppState>,
    s: Signed,
) -> Result<Response, PageError> {
    let summary = evaluation::summary(&state.store, &s.actor).await?;
    let year = fazhi_core::deadlines::china_today().year();
    let problems: i64 = summary.by_rule.iter().map(|(_, n)| n).sum();
    let mut actions = Vec::new();
    let mut notice_line = String::new();
    if s.actor.can(Permission::SupervisionManage) || s.actor.can(Permission::SupervisionReply) {
        let f = fazhi_core::supervision::notices::figures(&state.store, &s.actor, year).await?;
        notice_line = format!(
            "{year} 年发出执法监督通知书 {} 份，监督回复整改率 {}。",
            f.issued,
            percent(f.rectification_rate())
        );
        actions.push(link("/supervision/notices", "执法监督通知"));
    }
    if s.actor.can(Permission::SupervisionManage) {
        actions.push(link("/supervision/notices/new", "发出监督通知书"));
        actions.push(link("/supervision/samples", "人工评查抽样"));
    }
    // The evaluated cases are the case list by grade and score: its search, total, pages,
    // sort and export serve the evaluation desk too.
    actions.insert(
        0,
        link(
            "/enforcement/cases?grade=evaluated&sort=score&dir=asc",
            "评查结果（按得分排序）",
        ),
    );
    actions.insert(
        1,
        link(
            "/enforcement/cases/export.xlsx?grade=evaluated&sort=score&dir=asc",
            "导出评查结果 Excel",
        ),
    );
    actions.push(link("/supervision/evaluation/settings", "评查表配置"));
    let grades: Vec<String> = summary
        .by_grade
        .iter()
        .map(|(g, n)| format!("{} {n} 件", g.name()))
        .collect();
    let rows = summary
        .by_rule
        .iter()
        .map(|(r, n)| {
            vec![
                cell(r.code),
                cell(r.section.name()),
                cell(r.description),
                cell(r.basis),
                cell(if r.veto {
                    "一票否决".to_string()
                } else {
                    format!("{} 分", r.deduction)
                }),
                if *n > 0 {
                    cell_link(
                        format!("{n} 件"),
                        format!("/enforcement/cases?finding={}", r.code),
                    )
                } else {
                    cell("0 件")
                },
            ]
        })
        .collect();
    Ok(ListPage {
        prev: None,
        layout: layout(&s),
        title: "案卷评查".into(),
        intro: format!(
            "每件案卷由系统按评查表自动评查（案卷变化后十分钟内重新评查；控制台 fazhi evaluate）。评查发现问题 {problems} 个（每件案卷每个评查项计一个）。{notice_line}您可查看的范围：{}。",
            s.actor.scope.kind.label_zh()
        ),
        actions,
        filters: Vec::new(),
        error: None,
        count_text: format!("{}；其余已评查的案卷为优秀。", grades.join("，")),
        hidden: Vec::new(),
        headers: plain(&["评查项", "部分", "内容", "依据", "扣分", "发现问题的案卷"]),
        rows,
        next: None,
    }
    .into_response())
}
