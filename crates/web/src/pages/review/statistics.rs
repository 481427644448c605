//! A year's legality reviews by kind and conclusion, with a chart; each count links to its
//! requests.

use axum::extract::{Query, State};
use axum::response::{IntoResponse, Response};
use fazhi_core::review;
use fazhi_core::{Error, deadlines};
use serde::Deserialize;

use super::super::layout;
use super::requests::year_in;
use crate::AppState;
use crate::error::PageError;
use crate::session::Signed;
use crate::view::*;

#[derive(askama::Template, askama_web::WebTemplate)]
#[template(path = "statistics.html")]
pub struct StatisticsPage {
    pub layout: Layout,
    pub title: String,
    pub intro: String,
    pub filters: Vec<Field>,
    pub error: Option<String>,
    pub chart: String,
    pub chart_label: String,
    pub count_text: String,
    pub headers: Vec<Header>,
    pub rows: Vec<Vec<Cell>>,
    pub links: Vec<Link>,
}

#[derive(Deserialize)]
pub struct StatisticsQuery {
    #[serde(default)]
    year: String,
}

/// A year's requests by kind and conclusion, each count linking to its requests.
pub async fn statistics(
    State(state): State<AppState>,
    s: Signed,
    Query(q): Query<StatisticsQuery>,
) -> Result<Response, PageError> {
    let this_year = deadlines::china_today().format("%Y").to_string();
    let (year, error) = match year_in(&q.year, "year") {
        Ok(Some(y)) => (y, None),
        Ok(None) => (this_year.parse().unwrap_or(2024), None),
        Err(e) => (this_year.parse().unwrap_or(2024), Some(e.message_zh())),
    };
    let stats = review::statistics(&state.store, &s.actor, year).await?;
    let list = |kind: &str, more: &str| format!("/review/requests?kind={kind}{more}");
    let linked = |n: i64, href: String| {
        if n > 0 {
            cell_link(n.to_string(), href)
        } else {
            cell("0")
        }
    };
    let mut rows: Vec<Vec<Cell>> = stats
        .iter()
        .map(|k| {
            let concluded = |c: &str| list(&k.kind, &format!("&concluded={year}&conclusion={c}"));
            vec![
                cell(k.name.clone()),
                linked(k.submitted, list(&k.kind, &format!("&submitted={year}"))),
                linked(k.concluded, list(&k.kind, &format!("&concluded={year}"))),
                linked(k.lawful, concluded("lawful")),
                linked(k.lawful_if_revised, concluded("lawful_if_revised")),
                linked(k.unlawful, concluded("unlawful")),
                cell(k.returns.to_string()),
                cell(fazhi_core::enforcement::figures::percent(k.on_time_rate())),
            ]
        })
        .collect();
    let total = |f: fn(&review::KindStatistics) -> i64| stats.iter().map(f).sum::<i64>();
    rows.push(vec![
        cell("合计"),
        linked(
            total(|k| k.submitted),
            format!("/review/requests?submitted={year}"),
        ),
        linked(
            total(|k| k.concluded),
            format!("/review/requests?concluded={year}"),
        ),
        cell(total(|k| k.lawful).to_string()),
        cell(total(|k| k.lawful_if_revised).to_string()),
        cell(total(|k| k.unlawful).to_string()),
        cell(total(|k| k.returns).to_string()),
        cell(fazhi_core::enforcement::figures::percent(
            (total(|k| k.met) > 0).then(|| total(|k| k.on_time) as f64 / total(|k| k.met) as f64),
        )),
    ]);
    let bars: Vec<(String, i64)> = stats
        .iter()
        .map(|k| (k.name.chars().take(8).collect(), k.concluded))
        .collect();
    let chart = crate::charts::bars(&bars, 640, 300, "")
        .map_err(|e| PageError(Error::invalid("chart", format!("图表无法生成：{e}"))))?;
    let status = if error.is_some() {
        axum::http::StatusCode::UNPROCESSABLE_ENTITY
    } else {
        axum::http::StatusCode::OK
    };
    Ok((
        status,
        StatisticsPage {
            layout: layout(&s),
            title: format!("{year} 年合法性审查统计"),
            intro: "按类别和审查结论统计：送审按送审日期、办结和结论按审查意见签署日期计入年度；按时办结率为年内办结的审查中在审查期限内签署意见的比例。点击数字查看对应的审查事项。".into(),
            filters: vec![Field::text("year", "年度", year.to_string(), 4)],
            error,
            chart,
            chart_label: format!("{year} 年各类别办结的合法性审查"),
            count_text: format!(
                "{year} 年送审 {} 件，办结 {} 件",
                total(|k| k.submitted),
                total(|k| k.concluded)
            ),
            headers: plain(&[
                "类别",
                "送审",
                "办结",
                "合法",
                "修改后合法",
                "不合法",
                "退回修改（次）",
                "按时办结率",
            ]),
            rows,
            links: vec![link("/review/requests", "返回合法性审查")],
        },
    )
        .into_response())
}
