//! Major administrative decisions: the list, registering one, a decision's page with its
//! procedures as steps, the disposition of its consultation's comments, units' catalogs, and
//! the public consultation on the portal.

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

fn article_label(articles: &[Article], n: i64) -> String {
    match usize::try_from(n).ok().and_then(|n| n.checked_sub(1)) {
        Some(i) => articles
            .get(i)
            .map(|a| a.heading.clone())
            .filter(|h| !h.is_empty())
            .unwrap_or_else(|| format!("第 {n} 条")),
        None => "对草案整体".into(),
    }
}

pub struct CommentView {
    pub id: i64,
    pub article: String,
    pub shown: String,
    pub author: String,
    pub sent_at: String,
    pub redactions: String,
    pub disposition: Option<&'static str>,
    pub reason: String,
    pub form: Option<FormSection>,
}

#[derive(Template, WebTemplate)]
#[template(path = "decision_comments.html")]
pub struct CommentsPage {
    pub layout: Layout,
    pub title: String,
    pub intro: String,
    pub notice: Option<String>,
    pub error: Option<String>,
    pub links: Vec<Link>,
    pub count_text: String,
    pub comments: Vec<CommentView>,
    pub next: Option<String>,
}

#[derive(Deserialize)]
pub struct CommentsQuery {
    after: Option<i64>,
    #[serde(default)]
    all: String,
    saved: Option<i64>,
}

fn redaction_labels(codes: &str) -> String {
    codes
        .split(',')
        .filter(|c| !c.is_empty())
        .map(|c| match c {
            "resident_id" => "身份证号",
            "number" => "长数字（证件号等）",
            "uscc" => "统一社会信用代码",
            "mobile" | "landline" | "phone" => "电话",
            "bank_card" => "银行卡号",
            "email" => "电子邮箱",
            "address" => "住址",
            "person_name" | "name" => "姓名",
            other => other,
        })
        .fold(Vec::<&str>::new(), |mut seen, l| {
            if !seen.contains(&l) {
                seen.push(l);
            }
            seen
        })
        .join("、")
}

async fn comments_view(
    state: &AppState,
    s: &Signed,
    id: i64,
    q: &CommentsQuery,
    error: Option<String>,
) -> Result<CommentsPage, PageError> {
    let d = decisions::get(&state.store, &s.actor, id).await?;
    let articles = d
        .consultation
        .as_ref()
        .map(|c| assist::articles(&c.draft))
        .unwrap_or_default();
    let all = q.all == "1";
    let page = consultation::comments(&state.store, &s.actor, id, !all, q.after).await?;
    let editable = s.actor.can(Permission::CaseHandle) && d.consultation_open();
    let comments = page
        .items
        .iter()
        .map(|c| CommentView {
            id: c.id,
            article: article_label(&articles, c.article),
            shown: c.shown.clone(),
            author: c.author.clone().unwrap_or_else(|| "匿名".into()),
            sent_at: c.sent_at.clone(),
            redactions: redaction_labels(&c.redactions),
            disposition: c.disposition.map(Disposition::label_zh),
            reason: c.reason.clone().unwrap_or_default(),
            form: editable.then(|| FormSection {
                title: String::new(),
                action: format!("/decisions/{id}/comments/{}", c.id),
                hidden: vec![("version", c.version.to_string())],
                fields: vec![
                    Field::select(
                        "disposition",
                        "处理结果",
                        std::iter::once((String::new(), "请选择".to_string()))
                            .chain(
                                Disposition::ALL
                                    .iter()
                                    .map(|d| (d.code().to_string(), d.label_zh().to_string())),
                            )
                            .collect(),
                        c.disposition.map_or("", Disposition::code),
                    )
                    .required(),
                    Field::textarea("reason", "理由", c.reason.clone().unwrap_or_default())
                        .required()
                        .max(1000),
                ],
                submit: if c.disposition.is_some() {
                    "修改处理结果"
                } else {
                    "保存处理结果"
                },
            }),
        })
        .collect::<Vec<_>>();
    let undisposed = d.consultation.as_ref().map_or(0, |c| c.undisposed);
    let total = d.consultation.as_ref().map_or(0, |c| c.comments);
    Ok(CommentsPage {
        layout: layout(s),
        title: format!("意见处理：{}", d.title),
        intro: "每条意见都须作出“采纳、部分采纳或不采纳”的处理并说明理由，处理完毕后方可结束征求意见；处理结果随决策一并公布。显示的意见已隐去个人信息。".into(),
        notice: q
            .saved
            .map(|c| format!("已保存意见 {c} 的处理结果（可在“查看全部意见”中修改，征求意见结束前有效）。")),
        error,
        links: vec![
            link(format!("/decisions/{id}"), "返回决策事项"),
            if all {
                link(format!("/decisions/{id}/comments"), "只看待处理的意见")
            } else {
                link(format!("/decisions/{id}/comments?all=1"), "查看全部意见")
            },
        ],
        count_text: format!("共 {total} 条意见，待处理 {undisposed} 条；本页 {} 条", comments.len()),
        comments,
        next: page
            .next
            .map(|n| format!("/decisions/{id}/comments?all={}&after={n}", q.all)),
    })
}

pub async fn comments(
    State(state): State<AppState>,
    s: Signed,
    Path(id): Path<i64>,
    Query(q): Query<CommentsQuery>,
) -> Result<Response, PageError> {
    Ok(comments_view(&state, &s, id, &q, None)
        .await?
        .into_response())
}

/// The address a refused disposition was shown at, opened again: the comments page.
pub async fn comment_page(
    State(state): State<AppState>,
    s: Signed,
    Path((id, _comment)): Path<(i64, i64)>,
) -> Result<Response, PageError> {
    decisions::get(&state.store, &s.actor, id).await?;
    Ok(Redirect::to(&format!("/decisions/{id}/comments?all=1")).into_response())
}

pub async fn dispose(
    State(state): State<AppState>,
    s: Signed,
    Path((id, comment)): Path<(i64, i64)>,
    f: FormData,
) -> Result<Response, PageError> {
    let in_force = state.in_force().await?;
    let result = async {
        let version = f.int("version", "版本")?;
        consultation::dispose(
            &state.ctx(&s.actor, &in_force),
            comment,
            version,
            Disposition::parse(f.get("disposition")),
            f.get("reason"),
        )
        .await
    }
    .await;
    match result {
        Ok(_) => {
            Ok(Redirect::to(&format!("/decisions/{id}/comments?saved={comment}")).into_response())
        }
        Err(e) => {
            let marked = e.refused_fields();
            let (status, message) = refused(e)?;
            let q = CommentsQuery {
                after: None,
                all: "1".into(),
                saved: None,
            };
            let mut page = comments_view(
                &state,
                &s,
                id,
                &q,
                Some(format!("意见 {comment}：{message}")),
            )
            .await?;
            if let Some(form) = page
                .comments
                .iter_mut()
                .find(|c| c.id == comment)
                .and_then(|c| c.form.as_mut())
            {
                form.refill(&f, &marked);
            }
            Ok((status, page).into_response())
        }
    }
}

// ---- catalogs ----

#[derive(Deserialize)]
pub struct CatalogQuery {
    #[serde(default)]
    kind: String,
    #[serde(default)]
    year: String,
}

fn catalog_kind(q: &str) -> CatalogKind {
    CatalogKind::parse(q).unwrap_or(CatalogKind::MajorDecision)
}

async fn catalogs_view(
    state: &AppState,
    s: &Signed,
    kind: CatalogKind,
    year_text: &str,
    error: Option<String>,
) -> Result<Response, PageError> {
    let this_year = deadlines::china_today().format("%Y").to_string();
    let (year, mut error) = match year_of(year_text, "year") {
        Ok(Some(y)) => (y, error),
        Ok(None) => (this_year.parse::<i64>().unwrap_or(2024), error),
        Err(e) => (
            this_year.parse::<i64>().unwrap_or(2024),
            error.or(Some(e.message_zh())),
        ),
    };
    let list = catalogs::list(&state.store, &s.actor, kind, year).await?;
    let counts = Counts::of(&list);
    let rows = list
        .iter()
        .map(|c| {
            let mut row = vec![
                cell_link(
                    c.department.clone(),
                    format!("/decisions/catalogs/{}", c.id),
                ),
                cell(c.issued_on.clone().unwrap_or_else(|| "未印发".into())),
                cell(c.published_on.clone().unwrap_or_else(|| "未公布".into())),
            ];
            if kind == CatalogKind::LegalityReview {
                row.push(cell(c.filed_on.clone().unwrap_or_else(|| "未备案".into())));
                row.push(cell(format!("{} 件", c.reviews)));
            }
            row
        })
        .collect::<Vec<_>>();
    let rate = |part| percent(counts.rate(part));
    let count_text = match kind {
        CatalogKind::MajorDecision => format!(
            "应制发 {} 个单位；制发率 {}（{} 个），公示率 {}（{} 个）",
            counts.required,
            rate(counts.issued),
            counts.issued,
            rate(counts.published),
            counts.published
        ),
        CatalogKind::LegalityReview => format!(
            "应制发 {} 个单位；制发率 {}（{} 个），备案率 {}（{} 个），数字应用率 {}（{} 个单位年内在系统中送审）",
            counts.required,
            rate(counts.issued),
            counts.issued,
            rate(counts.filed),
            counts.filed,
            rate(counts.digital),
            counts.digital
        ),
    };
    let mut headers = vec!["单位", "印发日期", "公布日期"];
    if kind == CatalogKind::LegalityReview {
        headers.extend(["备案日期", "年内在系统中送审"]);
    }
    let mut actions = vec![link(
        format!(
            "/decisions/catalogs?kind={}&year={year}",
            match kind {
                CatalogKind::MajorDecision => "legality_review",
                CatalogKind::LegalityReview => "major_decision",
            }
        ),
        match kind {
            CatalogKind::MajorDecision => "镇乡合法性审查事项目录",
            CatalogKind::LegalityReview => "重大行政决策事项目录",
        },
    )];
    if s.actor.can(Permission::SupervisionManage) || s.actor.can(Permission::NormativeManage) {
        actions.push(link(
            format!(
                "/decisions/catalogs/require?kind={}&year={year}",
                kind.code()
            ),
            "确定应制发目录的单位",
        ));
    }
    if list.is_empty() && error.is_none() {
        error = None;
    }
    let status = if error.is_some() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    Ok((
        status,
        ListPage {
            prev: None,
            layout: layout(s),
            title: format!("{}（{year} 年度）", kind.label_zh()),
            intro: match kind {
                CatalogKind::MajorDecision => "决策机关每年确定并公布重大行政决策事项目录（《重大行政决策程序暂行条例》第三条）。制发率、公示率按应制发目录的单位计算。",
                CatalogKind::LegalityReview => "镇乡（街道）的合法性审查事项目录：印发、报市司法局备案，并在系统中送审；三项比率按应制发目录的单位计算。",
            }
            .into(),
            actions,
            filters: vec![
                Field::select(
                    "kind",
                    "目录",
                    vec![
                        ("major_decision".into(), "重大行政决策事项目录".into()),
                        ("legality_review".into(), "合法性审查事项目录".into()),
                    ],
                    kind.code(),
                ),
                Field::text("year", "年度", year.to_string(), 4),
            ],
            error,
            count_text,
            hidden: Vec::new(),
            headers: plain(&headers),
            rows,
            next: None,
        },
    )
        .into_response())
}

pub async fn catalogs_page(
    State(state): State<AppState>,
    s: Signed,
    Query(q): Query<CatalogQuery>,
) -> Result<Response, PageError> {
    catalogs_view(&state, &s, catalog_kind(&q.kind), &q.year, None).await
}

async fn require_form(
    state: &AppState,
    s: &Signed,
    kind: CatalogKind,
    year: &str,
    posted: Option<&FormData>,
    error: Option<Error>,
) -> Result<FormPage, PageError> {
    let departments = fazhi_core::org::service::departments(&state.store, &s.actor).await?;
    // Named already (ticked), and which have recorded theirs (cannot be taken off).
    let named = match year_of(year, "year") {
        Ok(Some(y)) => catalogs::list(&state.store, &s.actor, kind, y).await?,
        _ => Vec::new(),
    };
    let checked: Vec<String> = match posted {
        Some(f) => f.all("department_id"),
        None => named.iter().map(|c| c.department_id.to_string()).collect(),
    };
    let mut page = FormPage::new(
        layout(s),
        format!("确定应制发{}的单位", kind.label_zh()),
        "/decisions/catalogs/require",
    );
    page.hidden = vec![("kind", kind.code().to_string())];
    page.fields = vec![
        Field::text("year", "年度", year.to_string(), 4).required(),
        Field::checkboxes(
            "department_id",
            "单位",
            departments
                .iter()
                .map(|d| {
                    let recorded = named.iter().any(|c| {
                        c.department_id == d.id
                            && (c.issued_on.is_some()
                                || c.published_on.is_some()
                                || c.filed_on.is_some())
                    });
                    (
                        d.id.to_string(),
                        if recorded {
                            format!("{}（已填写目录）", d.name)
                        } else {
                            d.name.clone()
                        },
                    )
                })
                .collect(),
            &checked,
        ),
    ];
    page.intro = "勾选的单位应当制发目录；取消勾选即不再要求（已填写目录的单位不能取消）。".into();
    if let Some(e) = error {
        mark(&mut page.fields, &e.refused_fields());
        page.error = Some(e.message_zh());
    }
    page.submit = "确定";
    page.links = vec![link(
        format!("/decisions/catalogs?kind={}&year={year}", kind.code()),
        "返回",
    )];
    Ok(page)
}

fn may_require(s: &Signed) -> Result<(), PageError> {
    if s.actor.can(Permission::SupervisionManage) || s.actor.can(Permission::NormativeManage) {
        Ok(())
    } else {
        Err(PageError(Error::Forbidden))
    }
}

pub async fn require_page(
    State(state): State<AppState>,
    s: Signed,
    Query(q): Query<CatalogQuery>,
) -> Result<Response, PageError> {
    may_require(&s)?;
    let year = if q.year.trim().is_empty() {
        deadlines::china_today().format("%Y").to_string()
    } else {
        q.year.clone()
    };
    Ok(
        require_form(&state, &s, catalog_kind(&q.kind), &year, None, None)
            .await?
            .into_response(),
    )
}

pub async fn require(
    State(state): State<AppState>,
    s: Signed,
    f: FormData,
) -> Result<Response, PageError> {
    may_require(&s)?;
    let in_force = state.in_force().await?;
    let kind = catalog_kind(f.get("kind"));
    let result = async {
        let year = year_of(f.get("year"), "year")?
            .ok_or_else(|| Error::invalid("year", "请填写年度，例如 2024。"))?;
        let ids = f
            .all("department_id")
            .iter()
            .map(|v| {
                v.parse::<i64>()
                    .map_err(|_| Error::invalid("department_id", "请选择单位。"))
            })
            .collect::<Result<Vec<_>, _>>()?;
        catalogs::require(&state.ctx(&s.actor, &in_force), kind, year, &ids).await?;
        Ok::<_, Error>(year)
    }
    .await;
    match result {
        Ok(year) => Ok(Redirect::to(&format!(
            "/decisions/catalogs?kind={}&year={year}",
            kind.code()
        ))
        .into_response()),
        Err(e @ (Error::Invalid { .. } | Error::Several(_))) => Ok((
            crate::error::status_of(&e),
            require_form(&state, &s, kind, f.get("year"), Some(&f), Some(e)).await?,
        )
            .into_response()),
        Err(e) => Err(PageError(e)),
    }
}

async fn catalog_form(
    state: &AppState,
    s: &Signed,
    id: i64,
    posted: Option<&FormData>,
    error: Option<Error>,
) -> Result<FormPage, PageError> {
    let c = catalogs::get(&state.store, &s.actor, id).await?;
    let value = |name: &str, stored: &Option<String>| {
        posted.map_or_else(
            || stored.clone().unwrap_or_default(),
            |f| f.get(name).to_string(),
        )
    };
    let mut page = FormPage::new(
        layout(s),
        format!("{}：{}（{} 年度）", c.department, c.kind.label_zh(), c.year),
        format!("/decisions/catalogs/{id}"),
    );
    page.hidden = vec![("version", c.version.to_string())];
    page.fields = vec![
        Field::date("issued_on", "印发日期", value("issued_on", &c.issued_on)),
        Field::date(
            "published_on",
            "公布日期",
            value("published_on", &c.published_on),
        ),
    ];
    if c.kind == CatalogKind::LegalityReview {
        page.fields.push(Field::date(
            "filed_on",
            "报市司法局备案日期",
            value("filed_on", &c.filed_on),
        ));
    }
    page.fields.push(
        Field::textarea(
            "items",
            "目录所列事项",
            posted.map_or_else(|| c.items.clone(), |f| f.get("items").to_string()),
        )
        .max(20_000)
        .hint("每行一项。"),
    );
    if let Some(e) = error {
        mark(&mut page.fields, &e.refused_fields());
        page.error = Some(e.message_zh());
    }
    page.submit = "保存";
    page.links = vec![link(
        format!("/decisions/catalogs?kind={}&year={}", c.kind.code(), c.year),
        "返回目录",
    )];
    Ok(page)
}

pub async fn catalog_show(
    State(state): State<AppState>,
    s: Signed,
    Path(id): Path<i64>,
) -> Result<Response, PageError> {
    let c = catalogs::get(&state.store, &s.actor, id).await?;
    if c.department_id == s.actor.scope.department_id {
        return Ok(catalog_form(&state, &s, id, None, None)
            .await?
            .into_response());
    }
    // Another unit's catalog: read, not kept, here.
    let none = || "—".to_string();
    let mut details = vec![
        (
            "印发日期".to_string(),
            c.issued_on.clone().unwrap_or_else(none),
        ),
        (
            "公布日期".into(),
            c.published_on.clone().unwrap_or_else(none),
        ),
    ];
    if c.kind == CatalogKind::LegalityReview {
        details.push(("备案日期".into(), c.filed_on.clone().unwrap_or_else(none)));
        details.push(("年内在系统中送审".into(), format!("{} 件", c.reviews)));
    }
    details.push((
        "目录所列事项".into(),
        c.items.lines().collect::<Vec<_>>().join("；"),
    ));
    Ok(SectionsPage {
        notice: None,
        warnings: Vec::new(),
        table: None,
        layout: layout(&s),
        title: format!("{}：{}（{} 年度）", c.department, c.kind.label_zh(), c.year),
        intro: "目录由本单位填写；这里只能查看。".into(),
        error: None,
        details,
        sections: Vec::new(),
        links: vec![link(
            format!("/decisions/catalogs?kind={}&year={}", c.kind.code(), c.year),
            "返回目录",
        )],
    }
    .into_response())
}

pub async fn catalog_record(
    State(state): State<AppState>,
    s: Signed,
    Path(id): Path<i64>,
    f: FormData,
) -> Result<Response, PageError> {
    let in_force = state.in_force().await?;
    let result = async {
        let version = f.int("version", "版本")?;
        let mut r = fazhi_core::Refusals::default();
        let issued_on = r.take(optional_day(&f, "issued_on", "印发日期"))?.flatten();
        let published_on = r
            .take(optional_day(&f, "published_on", "公布日期"))?
            .flatten();
        let filed_on = r.take(optional_day(&f, "filed_on", "备案日期"))?.flatten();
        r.finish()?;
        catalogs::record(
            &state.ctx(&s.actor, &in_force),
            id,
            version,
            &catalogs::Record {
                issued_on,
                published_on,
                filed_on,
                items: f.get("items"),
            },
        )
        .await?;
        catalogs::get(&state.store, &s.actor, id).await
    }
    .await;
    match result {
        Ok(c) => Ok(Redirect::to(&format!(
            "/decisions/catalogs?kind={}&year={}",
            c.kind.code(),
            c.year
        ))
        .into_response()),
        Err(e @ (Error::Invalid { .. } | Error::Several(_) | Error::Conflict)) => Ok((
            crate::error::status_of(&e),
            catalog_form(&state, &s, id, Some(&f), Some(e)).await?,
        )
            .into_response()),
        Err(e) => Err(PageError(e)),
    }
}

// ---- the portal ----

pub struct ArticleView {
    pub number: usize,
    pub heading: String,
    pub text: String,
    pub comments: Vec<CommentView>,
}

#[derive(Template, WebTemplate)]
#[template(path = "consultation.html")]
pub struct ConsultationPage {
    pub layout: Layout,
    pub title: String,
    pub notice: Option<String>,
    pub error: Option<String>,
    pub details: Vec<(String, String)>,
    pub summary: String,
    pub articles: Vec<ArticleView>,
    pub action: Option<String>,
    pub fields: Vec<Field>,
    pub links: Vec<Link>,
}

#[derive(Deserialize)]
pub struct PublicListQuery {
    after: Option<i64>,
}

pub async fn public_list(
    State(state): State<AppState>,
    Query(q): Query<PublicListQuery>,
) -> Result<Response, PageError> {
    let today = deadlines::china_today();
    let page = consultation::public_list(&state.store, today, q.after).await?;
    let rows = page
        .items
        .iter()
        .map(|c| {
            vec![
                cell_link(
                    c.title.clone(),
                    format!("/public/consultations/{}", c.decision_id),
                ),
                cell(c.department.clone()),
                cell(format!("{} 至 {}", c.opens_on, c.closes_on)),
                cell(if c.open_now {
                    "正在征求意见".to_string()
                } else if c.withdrawn {
                    "草案已撤回".to_string()
                } else if let Some(p) = &c.published_on {
                    format!("决策已于 {p} 公布，意见处理结果已公开")
                } else {
                    "征求意见已截止".to_string()
                }),
                cell(format!("{} 条", c.comments)),
            ]
        })
        .collect::<Vec<_>>();
    Ok(ListPage {
        prev: None,
        layout: Layout::anonymous(String::new()),
        title: "重大行政决策公开征求意见".into(),
        intro: "重大行政决策草案在此公开征求意见，期限一般不少于 30 日。您可以针对草案的每一条提出意见；每条意见都会得到处理和理由，随决策一并公布。".into(),
        actions: Vec::new(),
        filters: Vec::new(),
        error: None,
        count_text: format!("本页 {} 件", rows.len()),
        hidden: Vec::new(),
        headers: plain(&["决策草案", "承办单位", "征求意见期", "状态", "意见"]),
        rows,
        next: page.next.map(|n| format!("/public/consultations?after={n}")),
    }
    .into_response())
}

async fn public_page(
    state: &AppState,
    st: &SessionState,
    id: i64,
    posted: Option<&FormData>,
    error: Option<Error>,
    notice: Option<String>,
) -> Result<Response, PageError> {
    let (csrf, cookie) = super::anonymous_csrf(state, st).await?;
    let v = consultation::public_view(&state.store, id, deadlines::china_today()).await?;
    let comment_view = |c: &consultation::Comment| CommentView {
        id: c.id,
        article: String::new(),
        shown: c.shown.clone(),
        author: c.author.clone().unwrap_or_else(|| "匿名".into()),
        sent_at: c.sent_at.clone(),
        redactions: String::new(),
        disposition: c.disposition.map(Disposition::label_zh),
        reason: c.reason.clone().unwrap_or_default(),
        form: None,
    };
    let mut articles = vec![ArticleView {
        number: 0,
        heading: "对草案整体的意见".into(),
        text: String::new(),
        comments: v
            .comments
            .iter()
            .filter(|c| c.article == 0)
            .map(comment_view)
            .collect(),
    }];
    for (i, a) in v.articles.iter().enumerate() {
        let n = i + 1;
        articles.push(ArticleView {
            number: n,
            heading: if a.heading.is_empty() {
                "草案全文".into()
            } else {
                a.heading.clone()
            },
            text: a.text.clone(),
            comments: v
                .comments
                .iter()
                .filter(|c| c.article == n as i64)
                .map(comment_view)
                .collect(),
        });
    }
    // The whole draft's comments read best after its articles.
    articles.rotate_left(1);
    let status = if v.open_now {
        "正在征求意见".to_string()
    } else if let Some(p) = &v.published_on {
        format!("决策已于 {p} 公布；每条意见的处理结果和理由见下")
    } else if v.stage == Stage::Withdrawn {
        "草案已撤回".to_string()
    } else {
        "征求意见已截止；意见的处理结果将随决策一并公布".to_string()
    };
    let mut details = vec![
        ("承办单位".to_string(), v.department.clone()),
        (
            "征求意见期".into(),
            format!("{} 至 {}", v.opens_on, v.closes_on),
        ),
        ("状态".into(), status),
        ("意见".into(), format!("{} 条", v.comments.len())),
    ];
    if let Some(r) = &v.short_reason {
        details.insert(2, ("期限少于 30 日的理由".into(), r.clone()));
    }
    let pick = |name: &str| posted.map_or(String::new(), |f| f.get(name).to_string());
    let mut fields = vec![
        Field::select(
            "article",
            "针对",
            std::iter::once(("0".to_string(), "草案整体".to_string()))
                .chain(v.articles.iter().enumerate().map(|(i, a)| {
                    (
                        (i + 1).to_string(),
                        format!(
                            "{} {}",
                            a.heading,
                            a.text.chars().take(20).collect::<String>()
                        ),
                    )
                }))
                .collect(),
            &posted.map_or("0".to_string(), |f| f.get("article").to_string()),
        ),
        Field::textarea("body", "意见", pick("body"))
            .required()
            .max(*consultation::COMMENT_CHARS.end())
            .hint(format!(
                "{} 至 {} 字。",
                consultation::COMMENT_CHARS.start(),
                consultation::COMMENT_CHARS.end()
            )),
        Field::text("author", "署名（可不填）", pick("author"), 50)
            .hint("个人署名公开时只显示姓氏，如“张某”。"),
    ];
    let http_status = match &error {
        Some(Error::NotAllowed { .. }) => StatusCode::TOO_MANY_REQUESTS,
        Some(e) => crate::error::status_of(e),
        None => StatusCode::OK,
    };
    if let Some(e) = &error {
        mark(&mut fields, &e.refused_fields());
    }
    let page = ConsultationPage {
        layout: Layout::anonymous(csrf),
        title: v.title.clone(),
        notice,
        error: error.map(|e| e.message_zh()),
        details,
        summary: v.summary.clone(),
        articles,
        action: v.open_now.then(|| format!("/public/consultations/{id}")),
        fields,
        links: vec![link("/public/consultations", "返回征求意见列表")],
    };
    Ok(super::with_cookie(
        cookie,
        (http_status, page).into_response(),
    ))
}

#[derive(Deserialize)]
pub struct ThanksQuery {
    thanks: Option<String>,
}

pub async fn public_show(
    State(state): State<AppState>,
    Extension(st): Extension<SessionState>,
    Path(id): Path<i64>,
    Query(q): Query<ThanksQuery>,
) -> Result<Response, PageError> {
    let notice = q.thanks.map(|_| {
        "已收到您的意见，已公开显示（个人信息已隐去）。处理结果将随决策一并公布。".to_string()
    });
    public_page(&state, &st, id, None, None, notice).await
}

pub async fn public_comment(
    State(state): State<AppState>,
    Extension(st): Extension<SessionState>,
    Path(id): Path<i64>,
    f: FormData,
) -> Result<Response, PageError> {
    // The CSRF check passed, so the visitor has a nonce or a session.
    let device = st
        .visit
        .clone()
        .or_else(|| st.session.as_ref().map(|s| s.id_hash.clone()))
        .unwrap_or_default();
    let sender = fazhi_core::visitor::Sender {
        device: &device,
        address: st.ip.as_deref().unwrap_or("-"),
    };
    let article = f.get("article").trim().parse::<i64>().unwrap_or(-1);
    match consultation::submit(
        &state.store,
        &state.keyring,
        deadlines::china_today(),
        id,
        &sender,
        &consultation::NewComment {
            article,
            body: f.get("body"),
            author: f.get("author"),
        },
    )
    .await
    {
        Ok(c) => Ok(
            Redirect::to(&format!("/public/consultations/{id}?thanks=1#comment-{c}"))
                .into_response(),
        ),
        Err(e @ (Error::Invalid { .. } | Error::Several(_) | Error::NotAllowed { .. })) => {
            public_page(&state, &st, id, Some(&f), Some(e), None).await
        }
        Err(e) => Err(PageError(e)),
    }
}
