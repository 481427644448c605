//! Discretion benchmarks: the three lists' counts, the calculator that recommends an outcome for
//! a case's facts with its explanation, and the .xlsx import and export.

use axum::extract::{Multipart, Query, State};
use axum::response::{IntoResponse, Response};
use chrono::NaiveDate;
use fazhi_core::enforcement::benchmarks;
use fazhi_core::enforcement::discretion::{self, Facts, Severity};
use fazhi_core::{Error, Permission};
use fazhi_kernel::money::Fen;
use serde::Deserialize;

use super::enforcement::{import_result, read_xlsx_upload, xlsx_response};
use super::{layout, require};
use crate::AppState;
use crate::error::PageError;
use crate::session::Signed;
use crate::view::*;

#[derive(Default, Deserialize)]
pub struct CalcQuery {
    item_code: Option<String>,
    severity: Option<String>,
    first_offence: Option<String>,
    corrected_in_time: Option<String>,
    no_harm: Option<String>,
    slight_harm: Option<String>,
    mitigating_listed: Option<String>,
    lighter: Option<String>,
    heavier: Option<String>,
    illegal_gains: Option<String>,
    act_on: Option<String>,
    decide_on: Option<String>,
}

fn date(
    field: &'static str,
    label: &str,
    v: Option<&str>,
    default: NaiveDate,
) -> Result<NaiveDate, Error> {
    match v.map(str::trim).filter(|s| !s.is_empty()) {
        None => Ok(default),
        Some(s) => fazhi_kernel::date::parse(s)
            .ok_or_else(|| Error::invalid(field, format!("{label}“{s}”格式应为 YYYY-MM-DD。"))),
    }
}

fn factors(v: &Option<String>) -> Vec<String> {
    v.as_deref()
        .unwrap_or("")
        .split(['、', ',', '，'])
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect()
}

/// The calculator's answer for the query, when an item was asked about.
async fn calculate(
    state: &AppState,
    q: &CalcQuery,
) -> Result<Option<discretion::Recommendation>, Error> {
    let Some(code) = q
        .item_code
        .as_deref()
        .map(str::trim)
        .filter(|c| !c.is_empty())
    else {
        return Ok(None);
    };
    let today = fazhi_core::deadlines::china_today();
    let severity = benchmarks::parse_severity(q.severity.as_deref().unwrap_or(""))
        .ok_or_else(|| Error::invalid("severity", "请选择违法情节。"))?;
    let gains = match q
        .illegal_gains
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        None => Fen::ZERO,
        Some(s) => Fen::parse_yuan(s).map_err(|e| {
            Error::invalid(
                "illegal_gains",
                format!("违法所得金额无效：{}。", e.message_zh()),
            )
        })?,
    };
    let facts = Facts {
        severity,
        first_offence: q.first_offence.is_some(),
        corrected_in_time: q.corrected_in_time.is_some(),
        no_harm: q.no_harm.is_some(),
        slight_harm: q.slight_harm.is_some(),
        mitigating_listed: q.mitigating_listed.is_some(),
        lighter: factors(&q.lighter),
        heavier: factors(&q.heavier),
        illegal_gains: gains,
        act_on: date("act_on", "违法行为日期", q.act_on.as_deref(), today)?,
        decide_on: date("decide_on", "决定日期", q.decide_on.as_deref(), today)?,
    };
    let versions = benchmarks::versions(&state.store, code).await?;
    if versions.is_empty() {
        return Err(Error::invalid(
            "item_code",
            format!("事项 {code} 尚无裁量基准。"),
        ));
    }
    discretion::recommend(&versions, &facts)
        .map(Some)
        .map_err(|m| Error::invalid("item_code", m))
}

pub async fn page(
    State(state): State<AppState>,
    s: Signed,
    Query(q): Query<CalcQuery>,
) -> Result<Response, PageError> {
    let today = fazhi_core::deadlines::china_today();
    let counts = benchmarks::list_counts(&state.store, today).await?;
    let mut details: Vec<(String, String)> = counts
        .iter()
        .map(|(k, n)| {
            (
                format!("{}清单", benchmarks::list_label(*k)),
                format!("{n} 项（{today} 有效）"),
            )
        })
        .collect();
    let mut error = None;
    match calculate(&state, &q).await {
        Ok(Some(r)) => {
            details.push(("裁量建议".into(), r.outcome.describe()));
            details.push((
                "适用版本".into(),
                format!("{} 起施行；{}", r.effective_from, r.basis),
            ));
            for (i, e) in r.explanation.iter().enumerate() {
                details.push((format!("理由 {}", i + 1), e.clone()));
            }
        }
        Ok(None) => {}
        Err(Error::Store(e)) => return Err(PageError(Error::Store(e))),
        Err(e) => error = Some(e.message_zh()),
    }
    let v = |o: &Option<String>| o.clone().unwrap_or_default();
    let checked = |o: &Option<String>, name: &str| {
        if o.is_some() {
            vec![name.to_string()]
        } else {
            Vec::new()
        }
    };
    let flags = [
        ("first_offence", "初次违法", &q.first_offence),
        ("corrected_in_time", "及时改正", &q.corrected_in_time),
        ("no_harm", "没有造成危害后果", &q.no_harm),
        ("slight_harm", "危害后果轻微", &q.slight_harm),
        (
            "mitigating_listed",
            "符合减轻处罚清单情形",
            &q.mitigating_listed,
        ),
    ];
    let mut fields = vec![
        Field::text("item_code", "事项编码", v(&q.item_code), 64).required(),
        Field::select(
            "severity",
            "违法情节",
            [
                Severity::Minor,
                Severity::Ordinary,
                Severity::Serious,
                Severity::Grave,
            ]
            .iter()
            .map(|s| (s.label_zh().to_string(), s.label_zh().to_string()))
            .collect(),
            q.severity.as_deref().unwrap_or("一般"),
        ),
    ];
    for (name, label, value) in flags {
        fields.push(Field::checkboxes(
            name,
            label,
            vec![("1".into(), label.into())],
            &checked(value, "1"),
        ));
    }
    fields.push(Field::text(
        "lighter",
        "从轻情节（以顿号分隔）",
        v(&q.lighter),
        200,
    ));
    fields.push(Field::text(
        "heavier",
        "从重情节（以顿号分隔）",
        v(&q.heavier),
        200,
    ));
    fields.push(Field::text(
        "illegal_gains",
        "违法所得（元）",
        v(&q.illegal_gains),
        20,
    ));
    fields.push(Field::date("act_on", "违法行为日期", v(&q.act_on)));
    fields.push(Field::date("decide_on", "决定日期", v(&q.decide_on)));
    let mut links = vec![link(
        format!("/enforcement/discretion/export.xlsx?on={today}"),
        "导出现行基准（Excel，亦为导入模板）",
    )];
    if s.actor.can(Permission::CatalogManage) {
        links.insert(0, link("/enforcement/discretion/import", "导入裁量基准"));
        links.push(link("/enforcement/publication-limits", "处罚决定公开期限"));
    }
    let mut calc = FormPage::new(layout(&s), "裁量基准", "/enforcement/discretion");
    calc.intro = "输入案件事实，系统按违法行为发生时和作出决定时的基准版本给出裁量建议和理由（从旧兼从轻）。".into();
    calc.details = details;
    calc.error = error;
    calc.fields = fields;
    calc.method_get = true;
    calc.submit = "计算裁量建议";
    calc.links = links;
    Ok(calc.into_response())
}

fn upload_form(s: &Signed, error: Option<String>) -> FormPage {
    let mut page = FormPage::upload(
        layout(s),
        "导入裁量基准",
        "/enforcement/discretion/import",
        "每行是某事项某版本的一个裁量档次或一个清单条目；同一事项编码和生效日期的各行构成一个版本。先检查全部行，有误则整批不写入。",
        error,
    );
    page.links = vec![link("/enforcement/discretion", "返回裁量基准")];
    page
}

pub async fn import_page(s: Signed) -> Result<Response, PageError> {
    require(&s, Permission::CatalogManage)?;
    Ok(upload_form(&s, None).into_response())
}

pub async fn import(
    State(state): State<AppState>,
    s: Signed,
    multipart: Multipart,
) -> Result<Response, PageError> {
    require(&s, Permission::CatalogManage)?;
    let rows = match read_xlsx_upload(
        (&state, &s, "discretion_benchmarks"),
        multipart,
        &benchmarks::HEADERS,
        |e| upload_form(&s, Some(e)),
    )
    .await
    {
        Ok(rows) => rows,
        Err(r) => return Ok(r),
    };
    let report = benchmarks::import(&state.store, &s.actor, &rows).await?;
    import_result(
        (&state, &s, "discretion_benchmarks"),
        &report,
        "/enforcement/discretion/import",
        link("/enforcement/discretion", "查看裁量基准"),
    )
    .await
}

#[derive(Deserialize)]
pub struct ExportQuery {
    on: Option<String>,
}

pub async fn export(
    State(state): State<AppState>,
    s: Signed,
    Query(q): Query<ExportQuery>,
) -> Result<Response, PageError> {
    let on = date(
        "on",
        "日期",
        q.on.as_deref(),
        fazhi_core::deadlines::china_today(),
    )?;
    Ok(xlsx_response(
        benchmarks::export(&state.store, &s.actor, on).await?,
        "discretion-benchmarks.xlsx",
    ))
}
