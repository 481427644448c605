//! The dashboard (驾驶舱): the year's cases by month and by region, evaluation grades, the
//! rules that found most, open leads and deadline lights as plotters charts — each with the
//! table of its numbers, every number opening its records — and the annual report's figures.
//! A supervisor sees the city; an agency the same page over its own scope.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Response};
use chrono::{Datelike, NaiveDate};
use fazhi_core::{Error, Permission};
use serde::Deserialize;

use super::{layout, require};
use crate::AppState;
use crate::error::PageError;
use crate::session::Signed;
use crate::view::Layout;

#[derive(Deserialize)]
pub struct DashboardQuery {
    year: Option<String>,
}

pub struct Chart {
    pub title: String,
    /// What the rows count by (月份, 镇乡（街道）…).
    pub what: &'static str,
    pub svg: String,
    /// (label, value, link to the records)
    pub rows: Vec<(String, String, Option<String>)>,
}

#[derive(Template, WebTemplate)]
#[template(path = "dashboard.html")]
pub struct DashboardPage {
    pub layout: Layout,
    pub title: String,
    pub intro: String,
    pub year: i32,
    pub charts: Vec<Chart>,
    /// (section, label, value, link)
    pub figures: Vec<(&'static str, &'static str, String, String)>,
}

fn chart(
    title: String,
    what: &'static str,
    rows: Vec<(String, i64, Option<String>)>,
    unit: &str,
) -> Result<Chart, PageError> {
    // Bars carry a short label (the rule's code, the month); the table beside has the words.
    let bars: Vec<(String, i64)> = rows
        .iter()
        .map(|(l, n, _)| (l.split(' ').next().unwrap_or(l).to_string(), *n))
        .collect();
    // Drawn at the width it is shown (two charts a row), so its text keeps its size.
    let svg = crate::charts::bars(&bars, 440, 260, "")
        .map_err(|e| PageError(Error::invalid("chart", format!("图表无法生成：{e}"))))?;
    Ok(Chart {
        title,
        what,
        svg,
        rows: rows
            .into_iter()
            .map(|(l, n, href)| (l, format!("{n} {unit}"), href))
            .collect(),
    })
}

/// The year asked for, the current one by default.
fn year_of(q: &DashboardQuery) -> Result<i32, PageError> {
    Ok(
        match q.year.as_deref().map(str::trim).filter(|y| !y.is_empty()) {
            None => fazhi_core::deadlines::china_today().year(),
            Some(y) => y
                .parse::<i32>()
                .ok()
                .filter(|y| (2000..=2100).contains(y))
                .ok_or_else(|| {
                    PageError(Error::invalid("year", "年度应为 2000 到 2100 之间的年份。"))
                })?,
        },
    )
}

/// The year's figures as .xlsx (22 rows: no job needed): the city's view, as on the
/// supervisor's dashboard.
pub async fn figures_export(
    State(state): State<AppState>,
    s: Signed,
    Query(q): Query<DashboardQuery>,
) -> Result<Response, PageError> {
    require(&s, Permission::SupervisionManage)?;
    let year = year_of(&q)?;
    let (bytes, _) = fazhi_core::annual_report::export(&state.store, &s.actor, year).await?;
    Ok(super::enforcement::xlsx_response(
        bytes,
        &format!("figures-{year}.xlsx"),
    ))
}

pub async fn page(
    State(state): State<AppState>,
    s: Signed,
    Query(q): Query<DashboardQuery>,
) -> Result<Response, PageError> {
    require(&s, Permission::CaseRead)?;
    let year = year_of(&q)?;
    let d = fazhi_core::dashboard::load(&state.store, &s.actor, year).await?;
    let cases = |extra: &str, from: NaiveDate, until: NaiveDate| {
        format!("/enforcement/cases?filed_from={from}&filed_until={until}{extra}")
    };
    let (Some(jan1), Some(dec31)) = (
        NaiveDate::from_ymd_opt(year, 1, 1),
        NaiveDate::from_ymd_opt(year, 12, 31),
    ) else {
        return Err(PageError(Error::invalid("year", "年度超出范围。")));
    };
    // An agency (a town's or a department's office: whoever does not supervise) gets the
    // smaller dashboard: its cases by month, their grades and findings, its leads and
    // deadlines. The towns chart and the report's figures are the supervisor's view.
    let agency = !s.actor.can(Permission::SupervisionManage);
    let mut charts = Vec::new();
    let months = (1..=12u32)
        .filter_map(|m| {
            let from = NaiveDate::from_ymd_opt(year, m, 1)?;
            let until =
                NaiveDate::from_ymd_opt(year + i32::from(m == 12), m % 12 + 1, 1)?.pred_opt()?;
            Some((
                format!("{m}月"),
                d.by_month[m as usize - 1],
                Some(cases("", from, until)),
            ))
        })
        .collect();
    charts.push(chart(format!("{year} 年各月立案"), "月份", months, "件")?);
    if !agency {
        charts.push(chart(
            format!("{year} 年立案（按镇乡街道）"),
            "镇乡（街道）",
            d.by_region
                .iter()
                .map(|(id, name, n)| {
                    (
                        name.clone(),
                        *n,
                        Some(cases(&format!("&region_id={id}"), jan1, dec31)),
                    )
                })
                .collect(),
            "件",
        )?);
    }
    let grade_name = |g: &str| match g {
        "excellent" => "优秀",
        "pass" => "合格",
        "fail" => "不合格",
        _ => "未评查",
    };
    charts.push(chart(
        format!("{year} 年立案案卷的评查等次"),
        "等次",
        d.grades
            .iter()
            .map(|(g, n)| {
                (
                    grade_name(g).to_string(),
                    *n,
                    Some(cases(&format!("&grade={g}"), jan1, dec31)),
                )
            })
            .collect(),
        "件",
    )?);
    if !d.findings.is_empty() {
        charts.push(chart(
            format!("{year} 年评查发现最多的问题"),
            "评查项",
            d.findings
                .iter()
                .map(|(code, n)| {
                    let what = fazhi_core::supervision::sheet::rule(code)
                        .map_or(String::new(), |r| r.description.chars().take(16).collect());
                    (
                        format!("{code} {what}"),
                        *n,
                        Some(cases(&format!("&finding={code}"), jan1, dec31)),
                    )
                })
                .collect(),
            "件",
        )?);
    }
    // The models that found something; the leads page lists every model.
    let leads: Vec<_> = d.leads.iter().filter(|(_, _, n)| *n > 0).collect();
    if !leads.is_empty() {
        charts.push(chart(
            "待处理的违法线索（按模型）".into(),
            "线索模型",
            leads
                .iter()
                .map(|(code, name, n)| {
                    (
                        name.to_string(),
                        *n,
                        Some(format!("/supervision/leads?model={code}")),
                    )
                })
                .collect(),
            "条",
        )?);
    }
    charts.push(chart(
        "期限预警".into(),
        "预警",
        vec![
            ("红灯（已超期）".into(), d.red, Some("/".into())),
            ("黄灯（临近届满）".into(), d.yellow, Some("/".into())),
        ],
        "项",
    )?);
    // The annual figures read what an agency may not (the city's bulletins …): shown to
    // those whose scope they are computed over.
    let figures = if agency {
        Vec::new()
    } else {
        match fazhi_core::annual_report::figures(&state.store, &s.actor, year).await {
            Ok(list) => list
                .into_iter()
                .map(|f| (f.section, f.label, f.value.text(), f.href))
                .collect(),
            Err(Error::Forbidden) => Vec::new(),
            Err(e) => return Err(PageError(e)),
        }
    };
    Ok(DashboardPage {
        layout: layout(&s),
        title: if agency {
            format!("本单位驾驶舱 · {year} 年")
        } else {
            format!("驾驶舱 · {year} 年")
        },
        intro: format!(
            "数字均由记录计算，点击数字查看对应的记录。您可查看的范围：{}。",
            s.actor.scope.kind.label_zh()
        ),
        year,
        charts,
        figures,
    }
    .into_response())
}
