//! The routing rules (as text, edited by the window) and the figures by kind, town and level.

use axum::extract::{Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use fazhi_core::disputes::{self, Handler, Tally, routing};
use fazhi_core::enforcement::figures::percent;
use fazhi_core::{Error, Permission, deadlines};
use serde::Deserialize;

use super::super::layout;
use super::super::review::statistics::StatisticsPage;
use crate::AppState;
use crate::error::PageError;
use crate::form::FormData;
use crate::session::Signed;
use crate::view::*;

async fn rules_form(
    state: &AppState,
    s: &Signed,
    posted: Option<&FormData>,
    error: Option<Error>,
) -> Result<FormPage, PageError> {
    let rules = routing::in_force(&state.store).await?;
    let mut page = FormPage::new(layout(s), "矛盾纠纷分流规则", "/disputes/routing");
    page.intro = format!(
        "纠纷登记后按下列规则从上到下比对，第一条符合的规则决定受理单位和繁简分流；每件纠纷的页面写明所依据的规则。修改后对新登记和重新分流的纠纷生效，已分流的纠纷不受影响。{}",
        if rules.version == 0 {
            "当前为系统内置规则。"
        } else {
            ""
        }
    );
    let mut details: Vec<(String, String)> = rules
        .limits
        .iter()
        .map(|l| {
            (
                format!(
                    "期限（{}）",
                    disputes::Track::parse(&l.track).map_or("", disputes::Track::label_zh)
                ),
                format!("每级 {} 日，{}{}", l.days, l.law, l.article),
            )
        })
        .collect();
    details.extend(rules.rules.iter().map(|r| {
        let handler = Handler::parse(&r.handler).map_or("", Handler::label_zh);
        (
            format!("规则 {}", r.no),
            format!(
                "{} → {}（{}）",
                r.conditions_zh(),
                r.name.as_deref().unwrap_or(handler),
                disputes::Track::parse(&r.track).map_or("", disputes::Track::label_zh)
            ),
        )
    }));
    page.details = details;
    page.hidden = vec![("version", rules.version.to_string())];
    // Saved by someone else meanwhile: the form starts again from what is in force now, the
    // person's own text beside it to carry over, so saving never overwrites unseen changes.
    let stale = matches!(error, Some(Error::Conflict));
    let mine = posted.map(|f| f.get("rules").to_string());
    page.fields = vec![
        Field::textarea(
            "rules",
            "分流规则（TOML）",
            match &mine {
                Some(text) if !stale => text.clone(),
                _ => rules.text.to_string(),
            },
        )
        .required()
        .max(routing::TEXT_MAX),
    ];
    if let (true, Some(text)) = (stale, mine) {
        page.fields.push(
            Field::textarea("unsaved", "您未保存的修改（仅供对照，不会保存）", text)
                .max(routing::TEXT_MAX),
        );
    }
    if let Some(e) = error {
        mark(&mut page.fields, &e.refused_fields());
        page.error = Some(if stale {
            "分流规则已被他人修改并保存。上面是现在生效的规则，您的修改没有保存：请对照下方您的文本，在现行规则上重新修改后保存。".into()
        } else {
            e.message_zh()
        });
    }
    page.submit = "保存";
    page.links = vec![link("/disputes", "返回纠纷工作台")];
    Ok(page)
}

pub async fn rules_page(State(state): State<AppState>, s: Signed) -> Result<Response, PageError> {
    s.actor
        .require(Permission::DisputeManage)
        .map_err(PageError)?;
    Ok(rules_form(&state, &s, None, None).await?.into_response())
}

pub async fn rules_save(
    State(state): State<AppState>,
    s: Signed,
    f: FormData,
) -> Result<Response, PageError> {
    s.actor
        .require(Permission::DisputeManage)
        .map_err(PageError)?;
    let result = async {
        let version = f.int("version", "版本")?;
        routing::save(&state.store, &s.actor, version, f.get("rules")).await
    }
    .await;
    match result {
        Ok(()) => Ok(Redirect::to("/disputes/routing").into_response()),
        Err(e @ (Error::Invalid { .. } | Error::Several(_) | Error::Conflict)) => Ok((
            crate::error::status_of(&e),
            rules_form(&state, &s, Some(&f), Some(e)).await?,
        )
            .into_response()),
        Err(e) => Err(PageError(e)),
    }
}

#[derive(Deserialize)]
pub struct FiguresQuery {
    #[serde(default)]
    year: String,
}

/// A year's disputes by kind, town and level, each count linking to the desk's filter.
pub async fn figures(
    State(state): State<AppState>,
    s: Signed,
    Query(q): Query<FiguresQuery>,
) -> Result<Response, PageError> {
    s.actor
        .require_any(&[Permission::DisputeHandle, Permission::DisputeManage])
        .map_err(PageError)?;
    let this_year: i32 = deadlines::china_today()
        .format("%Y")
        .to_string()
        .parse()
        .unwrap_or(2026);
    let (year, error) = match super::super::review::requests::year_in(&q.year, "year") {
        Ok(y) => (y.unwrap_or(this_year), None),
        Err(e) => (this_year, Some(e.message_zh())),
    };
    let f = disputes::figures(&state.store, &s.actor, year).await?;
    let list = |more: String| format!("/disputes?received={year}{more}");
    let linked = |n: i64, href: String| {
        if n > 0 {
            cell_link(n.to_string(), href)
        } else {
            cell("0")
        }
    };
    let row = |label: String, t: &Tally, filter: String| {
        vec![
            cell(label),
            linked(t.received, list(filter.clone())),
            linked(t.open, list(format!("{filter}&stage=open"))),
            linked(t.agreed, list(format!("{filter}&stage=agreed"))),
            cell(t.confirmed.to_string()),
            linked(t.referred, list(format!("{filter}&stage=referred"))),
            cell(t.withdrawn.to_string()),
            linked(t.escalated, list(format!("{filter}&escalated=1"))),
            cell(percent(t.resolution_rate())),
            cell(percent(t.satisfaction_rate())),
        ]
    };
    let mut rows = Vec::new();
    rows.push(vec![cell("按层级（受理单位）")]);
    rows.extend(f.by_handler.iter().map(|(h, t)| {
        row(
            h.label_zh().to_string(),
            t,
            format!("&handler={}", h.code()),
        )
    }));
    rows.push(vec![cell("按纠纷类型")]);
    rows.extend(
        f.by_kind
            .iter()
            .map(|(k, t)| row(k.label_zh().to_string(), t, format!("&kind={}", k.code()))),
    );
    rows.push(vec![cell("按镇乡（街道）")]);
    rows.extend(
        f.by_town
            .iter()
            .map(|((id, name), t)| row(name.clone(), t, format!("&town={id}"))),
    );
    rows.push(row("合计".into(), &f.total, String::new()));
    let bars: Vec<(String, i64)> = f
        .by_handler
        .iter()
        .map(|(h, t)| (h.label_zh().chars().take(8).collect(), t.received))
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
            title: format!("{year} 年矛盾纠纷统计"),
            intro: "按受理日期计入年度，按纠纷现在（或结案时）所在的层级、纠纷类型和镇乡（街道）统计。化解率 = 达成调解协议 ÷（达成调解协议 + 终止调解），当事人撤回的不计入；满意率 = 回访满意和基本满意 ÷ 回访。点击数字查看对应的纠纷。".into(),
            filters: vec![Field::text("year", "年度", year.to_string(), 4)],
            error,
            chart,
            chart_label: format!("{year} 年各层级受理的矛盾纠纷"),
            count_text: format!(
                "{year} 年受理 {} 件，达成调解协议 {} 件，逐级升级 {} 件",
                f.total.received, f.total.agreed, f.total.escalated
            ),
            headers: plain(&[
                "分组",
                "受理",
                "调处中",
                "达成协议",
                "其中司法确认",
                "终止调解",
                "撤回",
                "升级",
                "化解率",
                "满意率",
            ]),
            rows,
            links: vec![link("/disputes", "返回纠纷工作台")],
        },
    )
        .into_response())
}
