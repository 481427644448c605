//! The supervisor's view of case-file evaluation (案卷评查): files per grade and, for every
//! rule of the sheet, how many files it found — each count opening the list of those cases.

use axum::extract::State;
use axum::response::{IntoResponse, Response};
use fazhi_core::supervision::evaluation;

use super::layout;
use crate::AppState;
use crate::error::PageError;
use crate::session::Signed;
use crate::view::{ListPage, cell, cell_link};

pub async fn evaluation_page(
    State(state): State<AppState>,
    s: Signed,
) -> Result<Response, PageError> {
    let summary = evaluation::summary(&state.store, &s.actor).await?;
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
        layout: layout(&s),
        title: "案卷评查".into(),
        intro: format!(
            "每件案卷由系统按评查表自动评查（案卷变化后十分钟内重新评查；控制台 fazhi evaluate）。您可查看的范围：{}。",
            s.actor.scope.kind.label_zh()
        ),
        actions: Vec::new(),
        filters: Vec::new(),
        count_text: format!("{}；其余已评查的案卷为优秀。", grades.join("，")),
        headers: vec!["评查项", "部分", "内容", "依据", "扣分", "发现问题的案卷"],
        rows,
        next: None,
    }
    .into_response())
}
