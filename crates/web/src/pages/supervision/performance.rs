//! Performance evaluation (效能评价).

use axum::extract::{Query, State};
use axum::response::{IntoResponse, Response};
use chrono::Datelike;
use fazhi_core::enforcement::figures::percent;
use fazhi_core::supervision::performance;

use super::layout;
use crate::AppState;
use crate::error::PageError;
use crate::session::Signed;
use crate::view::*;

use super::*;

fn ratio(r: performance::Ratio) -> String {
    match r.rate() {
        Some(rate) => format!("{} / {}（{}）", r.done, r.of, percent(Some(rate))),
        None => "—（不计入）".into(),
    }
}

pub async fn performance_page(
    State(state): State<AppState>,
    s: Signed,
    Query(q): Query<YearQuery>,
) -> Result<Response, PageError> {
    let today = fazhi_core::deadlines::china_today();
    let year = year_of(&q, today.year());
    let scores = performance::evaluate(&state.store, &s.actor, year, today).await?;
    let rows = scores
        .iter()
        .map(|a| {
            let score = (a.score() * 100.0 + 0.5).floor() / 100.0;
            vec![
                cell(a.department.clone()),
                cell(format!("{} 人", a.staff)),
                cell_link(
                    ratio(a.self_inspections),
                    format!("/supervision/self-inspections?year={year}"),
                ),
                cell_link(
                    ratio(a.notices),
                    format!("/supervision/notices?year={year}"),
                ),
                cell(ratio(a.files)),
                cell(format!("{score:.2}")),
            ]
        })
        .collect();
    Ok(ListPage {
        prev: None,
        layout: layout(&s),
        title: format!("{year} 年执法效能评价"),
        intro: performance::FORMULA.into(),
        actions: Vec::new(),
        filters: vec![Field::text("year", "年度", year.to_string(), 4)],
        error: None,
        count_text: format!("{} 个执法单位", scores.len()),
        hidden: Vec::new(),
        headers: plain(&[
            "单位",
            "执法人员",
            "工作机制（部门自查按期）",
            "协同配合（通知书按期回复）",
            "执法规范（评查未不合格）",
            "得分",
        ]),
        rows,
        next: None,
    }
    .into_response())
}
