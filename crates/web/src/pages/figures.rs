//! The enforcement figures of the annual report (一(三)1) for a year, with a bar chart of the
//! towns' delegated-item implementation rates drawn as SVG on the server, each figure opening
//! the records behind it.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Response};
use chrono::Datelike;
use fazhi_core::enforcement::benchmarks::list_label;
use fazhi_core::enforcement::figures::{self, percent};
use serde::Deserialize;

use super::layout;
use crate::AppState;
use crate::error::PageError;
use crate::session::Signed;
use crate::view::Layout;

#[derive(Deserialize)]
pub struct YearQuery {
    year: Option<i32>,
}

#[derive(Template, WebTemplate)]
#[template(path = "figures.html")]
pub struct FiguresPage {
    pub layout: Layout,
    pub title: String,
    pub year: i32,
    pub headline: Vec<(String, String, Option<String>)>,
    /// The towns' rates as a plotters chart (whole percent).
    pub chart: String,
    pub mean: String,
    /// town, delegated, implemented, rate, cases, link to the cases
    pub rows: Vec<(String, i64, i64, String, i64, String)>,
    /// 覆盖事项: item code, its town cases, link to them
    pub items: Vec<(String, i64, String)>,
}

pub async fn page(
    State(state): State<AppState>,
    s: Signed,
    Query(q): Query<YearQuery>,
) -> Result<Response, PageError> {
    let year = q
        .year
        .unwrap_or_else(|| fazhi_core::deadlines::china_today().year());
    let f = figures::enforcement(&state.store, &s.actor, year).await?;
    // The records behind the town figures: the case list with the figures' own condition.
    let town_cases = format!(
        "/enforcement/cases?procedure=general&filed_from={year}-01-01&filed_until={year}-12-31&delegated=1"
    );
    let mut headline = vec![
        (
            "执法办案模板".to_string(),
            format!("{} 个", f.templates),
            Some("/enforcement/templates".to_string()),
        ),
        (
            "赋权镇乡普通程序案件".to_string(),
            format!("{} 件", f.town_cases),
            Some(town_cases.clone()),
        ),
        (
            "覆盖事项".to_string(),
            format!("{} 项", f.town_items),
            Some("#items".to_string()),
        ),
        (
            "赋权事项实施率（平均）".to_string(),
            percent(f.mean_rate()),
            Some("#towns".to_string()),
        ),
    ];
    for (k, n) in &f.lists {
        headline.push((
            format!("{}清单（年末有效）", list_label(*k)),
            format!("{n} 项"),
            Some("/enforcement/discretion".to_string()),
        ));
    }
    let bars: Vec<(String, i64)> = f
        .towns
        .iter()
        .filter(|t| t.delegated > 0)
        .map(|t| {
            (
                t.town.clone(),
                (t.rate().unwrap_or(0.0) * 100.0).round() as i64,
            )
        })
        .collect();
    let chart = crate::charts::bars(
        &bars,
        (bars.len() as u32 * 46 + 80).clamp(320, 900),
        280,
        "%",
    )
    .map_err(|e| {
        PageError(fazhi_core::Error::invalid(
            "chart",
            format!("图表无法生成：{e}"),
        ))
    })?;
    let rows = f
        .towns
        .iter()
        .map(|t| {
            (
                t.town.clone(),
                t.delegated,
                t.implemented,
                percent(t.rate()),
                t.cases,
                format!("{town_cases}&filing_town={}", t.town_id),
            )
        })
        .collect();
    Ok(FiguresPage {
        layout: layout(&s),
        title: format!("{year} 年行政执法统计"),
        year,
        headline,
        chart,
        mean: percent(f.mean_rate()),
        rows,
        items: f
            .items
            .iter()
            .map(|(code, n)| (code.clone(), *n, format!("{town_cases}&item_code={code}")))
            .collect(),
    }
    .into_response())
}
