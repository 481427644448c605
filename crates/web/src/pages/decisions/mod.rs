//! Major administrative decisions: the list, registering one, a decision's page with its
//! procedures as steps. The disposition of its consultation's comments (`disposition`), units'
//! catalogs (`catalog`) and the public consultation on the portal (`portal`) beside it.

use askama::Template;
use askama_web::WebTemplate;
use axum::Extension;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::NaiveDate;
use fazhi_core::decisions::catalogs::{self, CatalogKind, Counts};
use fazhi_core::decisions::consultation::{self, Disposition};
use fazhi_core::decisions::{self, Action, MajorDecision, RiskLevel, Stage, Step, allowed_steps};
use fazhi_core::enforcement::figures::percent;
use fazhi_core::review::assist::{self, Article};
use fazhi_core::{Error, Permission, deadlines};
use serde::Deserialize;

use super::{layout, refused};
use crate::AppState;
use crate::error::PageError;
use crate::form::FormData;
use crate::session::{SessionState, Signed};
use crate::view::*;

mod catalog;
mod disposition;
mod portal;

pub use catalog::{catalog_record, catalog_show, catalogs_page, require, require_page};
pub use disposition::{comment_page, comments, dispose};
pub use portal::{public_comment, public_list, public_show};

fn day(f: &FormData, name: &'static str, label: &str) -> Result<NaiveDate, Error> {
    f.date(name, label)
}

fn optional_day(f: &FormData, name: &'static str, label: &str) -> Result<Option<NaiveDate>, Error> {
    if f.get(name).trim().is_empty() {
        Ok(None)
    } else {
        day(f, name, label).map(Some)
    }
}

fn stage_options(selected_all: &str) -> Vec<(String, String)> {
    std::iter::once((String::new(), selected_all.to_string()))
        .chain(
            Stage::ALL
                .iter()
                .map(|s| (s.code().to_string(), s.label_zh().to_string())),
        )
        .collect()
}

#[derive(Deserialize)]
pub struct ListQuery {
    after: Option<i64>,
    #[serde(default)]
    year: String,
    #[serde(default)]
    stage: String,
    #[serde(default)]
    evaluated: String,
}

fn year_of(v: &str, field: &'static str) -> Result<Option<i64>, Error> {
    year_named(v, field, "年度")
}

/// A year typed in a filter named `label`.
fn year_named(v: &str, field: &'static str, label: &str) -> Result<Option<i64>, Error> {
    match v.trim() {
        "" => Ok(None),
        y => match y.parse::<i64>() {
            Ok(n) if (2000..=2100).contains(&n) => Ok(Some(n)),
            Ok(_) => Err(Error::invalid(
                field,
                format!("{label}“{y}”应在 2000 至 2100 之间。"),
            )),
            Err(_) => Err(Error::invalid(
                field,
                format!("{label}“{y}”应为四位数字，例如 2024。"),
            )),
        },
    }
}

pub async fn list(
    State(state): State<AppState>,
    s: Signed,
    Query(q): Query<ListQuery>,
) -> Result<Response, PageError> {
    let mut error = None;
    let mut filter = decisions::Filter {
        stage: Stage::parse(&q.stage),
        ..Default::default()
    };
    match (
        year_named(&q.year, "year", "年度"),
        year_named(&q.evaluated, "evaluated", "后评估完成年度"),
    ) {
        (Ok(y), Ok(e)) => {
            filter.year = y;
            filter.evaluated = e;
        }
        (Err(e), _) | (_, Err(e)) => error = Some(e.message_zh()),
    }
    let page = decisions::list(&state.store, &s.actor, &filter, q.after).await?;
    let rows = page
        .items
        .iter()
        .map(|d| {
            vec![
                cell_link(d.title.clone(), format!("/decisions/{}", d.id)),
                cell(d.year.to_string()),
                cell(d.department.clone()),
                cell(match &d.consultation {
                    Some((o, c)) if d.undisposed > 0 => {
                        format!("{o} 至 {c}；{} 条意见待处理", d.undisposed)
                    }
                    Some((o, c)) => format!("{o} 至 {c}"),
                    None => "—".into(),
                }),
                cell(d.stage.label_zh()),
                cell(d.evaluated_on.clone().unwrap_or_default()),
            ]
        })
        .collect::<Vec<_>>();
    let mut actions = vec![link("/decisions/catalogs", "决策事项目录")];
    if s.actor.can(Permission::CaseHandle) {
        actions.insert(0, link("/decisions/new", "登记决策事项"));
    }
    let qs = serde_urlencoded::to_string([
        ("year", &q.year),
        ("stage", &q.stage),
        ("evaluated", &q.evaluated),
    ])
    .unwrap_or_default();
    let status = if error.is_some() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    Ok((status, ListPage {
        prev: None,
        layout: layout(&s),
        title: "重大行政决策".into(),
        intro: "重大行政决策依《重大行政决策程序暂行条例》经公众参与、专家论证、风险评估、合法性审查和集体讨论决定，决定后公布、归档；必经程序未完成的，不能进入下一步。".into(),
        actions,
        filters: vec![
            Field::text("year", "年度", q.year.clone(), 4),
            Field::select("stage", "状态", stage_options("全部状态"), &q.stage),
            Field::text("evaluated", "后评估完成年度", q.evaluated.clone(), 4),
        ],
        error,
        count_text: format!("本页 {} 件", rows.len()),
        hidden: Vec::new(),
        headers: plain(&["决策事项", "年度", "承办单位", "征求意见", "状态", "后评估完成"]),
        rows,
        next: page.next.map(|n| format!("/decisions?{qs}&after={n}")),
    })
    .into_response())
}

fn new_form(s: &Signed, posted: Option<&FormData>, error: Option<Error>) -> FormPage {
    let pick = |name: &str| posted.map_or(String::new(), |f| f.get(name).to_string());
    let year = posted.map_or_else(
        || deadlines::china_today().format("%Y").to_string(),
        |f| f.get("year").to_string(),
    );
    let mut page = FormPage::new(layout(s), "登记重大行政决策事项", "/decisions");
    page.fields = vec![
        Field::text("year", "年度", year, 4).required(),
        Field::text("title", "决策事项名称", pick("title"), 200).required(),
        Field::textarea("summary", "简要说明", pick("summary"))
            .required()
            .max(2000),
        Field::textarea("participation_exempt", "不公开征求意见的理由", pick("participation_exempt"))
            .max(500)
            .hint("一般应公开征求意见；仅依法不予公开的决策事项（条例第十四条）可不公开，填写理由。留空即须公开征求意见。"),
        Field::textarea("expert_exempt", "不组织专家论证的理由", pick("expert_exempt"))
            .max(500)
            .hint("专业性、技术性较强的决策事项应组织专家论证（条例第十九条）。留空即须论证。"),
        Field::textarea("risk_exempt", "不进行风险评估的理由", pick("risk_exempt"))
            .max(500)
            .hint("可能对社会稳定、公共安全等方面造成不利影响的，应进行风险评估（条例第二十二条）。留空即须评估。"),
    ];
    if let Some(e) = error {
        mark(&mut page.fields, &e.refused_fields());
        page.error = Some(e.message_zh());
    }
    page.submit = "登记";
    page.links = vec![link("/decisions", "返回")];
    page
}

pub async fn new(s: Signed) -> Result<Response, PageError> {
    s.actor.require(Permission::CaseHandle).map_err(PageError)?;
    Ok(new_form(&s, None, None).into_response())
}

pub async fn create(
    State(state): State<AppState>,
    s: Signed,
    f: FormData,
) -> Result<Response, PageError> {
    let in_force = state.in_force().await?;
    match decisions::create(
        &state.ctx(&s.actor, &in_force),
        &decisions::New {
            year: f.get("year"),
            title: f.get("title"),
            summary: f.get("summary"),
            participation_exempt: f.get("participation_exempt"),
            expert_exempt: f.get("expert_exempt"),
            risk_exempt: f.get("risk_exempt"),
        },
    )
    .await
    {
        Ok(id) => Ok(Redirect::to(&format!("/decisions/{id}")).into_response()),
        Err(e @ (Error::Invalid { .. } | Error::Several(_))) => {
            Ok((crate::error::status_of(&e), new_form(&s, Some(&f), Some(e))).into_response())
        }
        Err(e) => Err(PageError(e)),
    }
}

/// `linkable`: the reviews the unit may link, offered when the review step is open.
fn sections(s: &Signed, d: &MajorDecision, linkable: &[(String, String)]) -> Vec<FormSection> {
    let linkable = linkable.to_vec();
    if !s.actor.can(Permission::CaseHandle) {
        return Vec::new();
    }
    let today = deadlines::china_today();
    let on = || Field::date("on", "日期", today.to_string()).required();
    let base = |step: Step, fields: Vec<Field>, submit: &'static str| {
        FormSection::step(
            format!("/decisions/{}", d.id),
            d.version,
            step.code(),
            step.label_zh(),
            fields,
            submit,
        )
    };
    allowed_steps(d)
        .into_iter()
        .map(|step| match step {
            Step::OpenConsultation => base(
                step,
                vec![
                    Field::textarea("draft", "决策草案全文", String::new())
                        .required()
                        .max(fazhi_core::review::DRAFT_MAX)
                        .hint("按“第一条 ……”逐条分行，公众可以针对每一条提出意见。"),
                    Field::date("opens_on", "开始日期", today.to_string()).required(),
                    Field::date(
                        "closes_on",
                        "截止日期",
                        (today + chrono::Duration::days(decisions::transition::COMMENT_DAYS - 1))
                            .to_string(),
                    )
                    .required()
                    .hint("征求意见期一般不少于 30 日（含首尾两日，条例第十五条）。"),
                    Field::textarea("short_reason", "期限少于 30 日的理由", String::new())
                        .max(500)
                        .hint("因情况紧急等原因缩短期限的，须说明理由，并在门户网站上一并公开。"),
                ],
                "在门户网站公开征求意见",
            ),
            Step::CloseConsultation => base(step, vec![on()], "结束征求意见"),
            Step::RecordExpertReview => base(
                step,
                vec![
                    on(),
                    Field::textarea("note", "论证专家和论证意见", String::new())
                        .required()
                        .max(2000),
                ],
                "记录专家论证",
            ),
            Step::RecordRiskAssessment => base(
                step,
                vec![
                    on(),
                    Field::select(
                        "level",
                        "风险等级",
                        RiskLevel::ALL
                            .iter()
                            .map(|l| (l.code().to_string(), l.label_zh().to_string()))
                            .collect(),
                        "low",
                    )
                    .required(),
                    Field::textarea("note", "评估结论和防范措施", String::new())
                        .required()
                        .max(2000),
                ],
                "记录风险评估",
            ),
            Step::LinkReview => base(
                step,
                vec![
                    Field::select("review_id", "合法性审查", linkable.clone(), "")
                        .required()
                        .hint(if linkable.is_empty() {
                            "本单位还没有可关联的、已办结的“重大行政决策”类合法性审查：请先送审。"
                                .to_string()
                        } else {
                            "本单位已办结、尚未关联其他事项的“重大行政决策”类合法性审查。"
                                .to_string()
                        }),
                ],
                "关联合法性审查",
            ),
            Step::Decide => base(
                step,
                vec![
                    on(),
                    Field::text("meeting", "会议", String::new(), 100)
                        .required()
                        .hint("例如：市政府第 12 次常务会议"),
                    Field::select(
                        "adopted",
                        "结果",
                        vec![("1".into(), "通过".into()), ("0".into(), "未通过".into())],
                        "1",
                    ),
                    Field::textarea("note", "说明", String::new())
                        .max(1000)
                        .hint("未通过的，写明理由。"),
                ],
                "记录决定",
            ),
            Step::Publish => base(step, vec![on()], "记录公布"),
            Step::Archive => base(step, vec![on()], "归档"),
            Step::Withdraw => base(
                step,
                vec![
                    on(),
                    Field::textarea("reason", "撤回理由", String::new())
                        .required()
                        .max(500),
                ],
                "撤回",
            ),
            Step::StartEvaluation => base(
                step,
                vec![
                    on(),
                    Field::textarea("reason", "启动原因", String::new())
                        .required()
                        .max(1000)
                        .hint("如实施后明显未达到预期效果、公众提出较多意见（条例第三十六条）。"),
                ],
                "启动后评估",
            ),
            Step::CompleteEvaluation => base(
                step,
                vec![
                    on(),
                    Field::textarea("report", "后评估报告结论", String::new())
                        .required()
                        .max(4000),
                    Field::textarea("follow_up", "评估后的处理", String::new())
                        .required()
                        .max(1000)
                        .hint("继续实施、调整或停止执行，以及落实情况。"),
                ],
                "完成后评估",
            ),
        })
        .collect()
}

fn procedure_line(exempt: &Option<String>, done: Option<String>) -> String {
    match (exempt, done) {
        (Some(why), _) => format!("不适用：{why}"),
        (None, Some(done)) => done,
        (None, None) => "必经，未完成".into(),
    }
}

async fn view(
    state: &AppState,
    s: &Signed,
    id: i64,
    error: Option<String>,
) -> Result<SectionsPage, PageError> {
    let d = decisions::get(&state.store, &s.actor, id).await?;
    let mut details = vec![
        ("承办单位".to_string(), d.department.clone()),
        ("年度".into(), d.year.to_string()),
        ("状态".into(), d.stage.label_zh().into()),
        ("简要说明".into(), d.summary.clone()),
        (
            "公众参与".into(),
            procedure_line(
                &d.participation_exempt,
                d.consultation.as_ref().map(|c| {
                    format!(
                        "{} 至 {} 公开征求意见{}；意见 {} 条，待处理 {} 条{}",
                        c.opens_on,
                        c.closes_on,
                        c.short_reason
                            .as_deref()
                            .map(|r| format!("（期限缩短：{r}）"))
                            .unwrap_or_default(),
                        c.comments,
                        c.undisposed,
                        c.closed_on
                            .as_deref()
                            .map(|o| format!("；{o} 结束"))
                            .unwrap_or_default()
                    )
                }),
            ),
        ),
        (
            "专家论证".into(),
            procedure_line(
                &d.expert_exempt,
                d.expert_on
                    .as_ref()
                    .map(|o| format!("{o}：{}", d.expert_note.clone().unwrap_or_default())),
            ),
        ),
        (
            "风险评估".into(),
            procedure_line(
                &d.risk_exempt,
                d.risk_on.as_ref().map(|o| {
                    format!(
                        "{o}：{}。{}",
                        d.risk_level.map_or("", RiskLevel::label_zh),
                        d.risk_note.clone().unwrap_or_default()
                    )
                }),
            ),
        ),
        (
            "合法性审查".into(),
            match (&d.review, d.review_id) {
                (Some((n, c)), _) => format!("{n}：{c}"),
                (None, Some(r)) => format!("审查 {r}"),
                (None, None) => "未关联（集体讨论前必须经合法性审查）".into(),
            },
        ),
    ];
    if let Some(on) = &d.decided_on {
        details.push((
            "集体讨论决定".into(),
            format!(
                "{on}，{}{}",
                d.meeting.clone().unwrap_or_default(),
                if d.stage == Stage::Rejected {
                    "，未通过"
                } else {
                    "，通过"
                }
            ),
        ));
    }
    let closed_label = if d.stage == Stage::Withdrawn {
        "撤回日期"
    } else {
        "归档日期"
    };
    for (label, value) in [
        ("公布日期", &d.published_on),
        (closed_label, &d.archived_on),
        ("说明", &d.close_note),
    ] {
        if let Some(v) = value {
            details.push((label.into(), v.clone()));
        }
    }
    if let Some(on) = &d.evaluation_started_on {
        details.push((
            "后评估".into(),
            format!(
                "{on} 启动：{}{}",
                d.evaluation_reason
                    .as_deref()
                    .unwrap_or_default()
                    .trim_end_matches('。'),
                d.evaluated_on
                    .as_deref()
                    .map(|e| format!(
                        "；{e} 完成。结论：{}；处理：{}",
                        d.evaluation_report
                            .as_deref()
                            .unwrap_or_default()
                            .trim_end_matches('。'),
                        d.evaluation_follow_up.clone().unwrap_or_default()
                    ))
                    .unwrap_or_default()
            ),
        ));
    }
    let owed = d.owed();
    if d.stage == Stage::Drafting && !owed.is_empty() {
        details.insert(
            0,
            (
                "尚未完成的必经程序".to_string(),
                owed.iter()
                    .map(|o| o.label_zh())
                    .collect::<Vec<_>>()
                    .join("、"),
            ),
        );
    }
    let mut links = vec![link("/decisions", "返回重大行政决策")];
    if let Some(c) = &d.consultation {
        links.insert(
            0,
            link(
                format!("/decisions/{id}/comments"),
                format!("意见处理（{} 条，待处理 {} 条）", c.comments, c.undisposed),
            ),
        );
        links.insert(
            1,
            link(
                format!("/public/consultations/{id}"),
                "门户网站上的征求意见页",
            ),
        );
    }
    if let Some(r) = d.review_id {
        links.insert(0, link(format!("/review/requests/{r}"), "合法性审查记录"));
    }
    let linkable = if s.actor.can(Permission::CaseHandle) {
        fazhi_core::review::linkable(&state.store, &s.actor, "major_decision")
            .await?
            .into_iter()
            .map(|(id, label)| (id.to_string(), label))
            .collect()
    } else {
        Vec::new()
    };
    Ok(SectionsPage {
        notice: None,
        warnings: Vec::new(),
        table: None,
        layout: layout(s),
        title: d.title.clone(),
        intro: String::new(),
        error,
        details,
        sections: sections(s, &d, &linkable),
        links,
    })
}

#[derive(Deserialize)]
pub struct DoneQuery {
    done: Option<String>,
}

pub async fn show(
    State(state): State<AppState>,
    s: Signed,
    Path(id): Path<i64>,
    Query(q): Query<DoneQuery>,
) -> Result<Response, PageError> {
    let mut page = view(&state, &s, id, None).await?;
    page.notice = q
        .done
        .as_deref()
        .and_then(Step::parse)
        .map(|step| format!("已记录：{}。", step.label_zh()));
    Ok(page.into_response())
}

async fn action(state: &AppState, f: &FormData) -> Result<Action, Error> {
    let step =
        Step::parse(f.get("action")).ok_or_else(|| Error::invalid("action", "请选择操作。"))?;
    Ok(match step {
        Step::OpenConsultation => Action::OpenConsultation {
            draft: f.get("draft").to_string(),
            opens_on: day(f, "opens_on", "开始日期")?,
            closes_on: day(f, "closes_on", "截止日期")?,
            short_reason: f.get("short_reason").to_string(),
        },
        Step::CloseConsultation => Action::CloseConsultation {
            on: day(f, "on", "日期")?,
        },
        Step::RecordExpertReview => Action::RecordExpertReview {
            on: day(f, "on", "日期")?,
            note: f.get("note").to_string(),
        },
        Step::RecordRiskAssessment => Action::RecordRiskAssessment {
            on: day(f, "on", "日期")?,
            level: RiskLevel::parse(f.get("level"))
                .ok_or_else(|| Error::invalid("level", "请选择风险等级。"))?,
            note: f.get("note").to_string(),
        },
        Step::LinkReview => Action::LinkReview {
            review: fazhi_core::review::review_facts(
                &state.store,
                f.int("review_id", "合法性审查编号")?,
            )
            .await?,
        },
        Step::Decide => Action::Decide {
            on: day(f, "on", "日期")?,
            meeting: f.get("meeting").to_string(),
            adopted: match f.get("adopted") {
                "1" => true,
                "0" => false,
                _ => return Err(Error::invalid("adopted", "请选择结果：通过或未通过。")),
            },
            note: f.get("note").to_string(),
        },
        Step::Publish => Action::Publish {
            on: day(f, "on", "日期")?,
        },
        Step::Archive => Action::Archive {
            on: day(f, "on", "日期")?,
        },
        Step::Withdraw => Action::Withdraw {
            on: day(f, "on", "日期")?,
            reason: f.get("reason").to_string(),
        },
        Step::StartEvaluation => Action::StartEvaluation {
            on: day(f, "on", "日期")?,
            reason: f.get("reason").to_string(),
        },
        Step::CompleteEvaluation => Action::CompleteEvaluation {
            on: day(f, "on", "日期")?,
            report: f.get("report").to_string(),
            follow_up: f.get("follow_up").to_string(),
        },
    })
}

pub async fn act(
    State(state): State<AppState>,
    s: Signed,
    Path(id): Path<i64>,
    f: FormData,
) -> Result<Response, PageError> {
    let in_force = state.in_force().await?;
    let result = async {
        let version = f.int("version", "版本")?;
        let a = action(&state, &f).await?;
        decisions::apply(&state.ctx(&s.actor, &in_force), id, version, &a).await
    }
    .await;
    match result {
        Ok(()) => {
            Ok(Redirect::to(&format!("/decisions/{id}?done={}", f.get("action"))).into_response())
        }
        Err(e) => {
            let marked = e.refused_fields();
            let (status, message) = refused(e)?;
            let mut page = view(&state, &s, id, Some(message)).await?;
            page.refill_step(&f, &marked);
            Ok((status, page).into_response())
        }
    }
}
