//! Cleanups of normative documents: the campaigns, starting one, and a campaign's page — its
//! summary (table and chart), the open steps' forms (the next first) and every document's
//! verdict and follow-up.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use fazhi_core::enforcement::figures::percent;
use fazhi_core::normative::cleanup::{
    self, Action, Cleanup, NewCleanup, Step, Summary, Verdict, allowed_steps,
};
use fazhi_core::{Error, Permission};

use super::super::{layout, refused};
use crate::AppState;
use crate::error::PageError;
use crate::form::FormData;
use crate::session::Signed;
use crate::view::*;

#[derive(Template, WebTemplate)]
#[template(path = "cleanup.html")]
pub struct CleanupPage {
    pub layout: Layout,
    pub title: String,
    pub error: Option<String>,
    pub details: Vec<(String, String)>,
    pub chart: String,
    pub summary_headers: Vec<&'static str>,
    pub summary: Vec<String>,
    pub sections: Vec<FormSection>,
    pub rows: Vec<Vec<Cell>>,
    pub links: Vec<Link>,
}

const SUMMARY_HEADERS: [&str; 8] = [
    "梳理",
    "保留",
    "已废止",
    "拟废止",
    "拟修改",
    "未定",
    "已落实",
    "文件总数减少",
];

fn summary_cells(s: &Summary) -> Vec<String> {
    vec![
        format!("{} 件", s.reviewed),
        format!("{} 件", s.retain),
        format!("{} 件", s.repealed),
        format!("{} 件", s.to_repeal),
        format!("{} 件", s.to_revise),
        format!("{} 件", s.undecided),
        format!("{} 件", s.done),
        percent(s.reduction_rate()),
    ]
}

pub async fn list(State(state): State<AppState>, s: Signed) -> Result<Response, PageError> {
    let campaigns = cleanup::list(&state.store, &s.actor).await?;
    let rows = campaigns
        .iter()
        .map(|c| {
            vec![
                cell_link(c.title.clone(), format!("/normative/cleanups/{}", c.id)),
                cell(format!("{} 至 {}", c.issued_from, c.issued_until)),
                cell(c.stage.label_zh()),
                cell(c.started_on.clone()),
                cell(format!(
                    "梳理 {} / 保留 {} / 已废止 {} / 拟废止 {} / 拟修改 {}",
                    c.summary.reviewed,
                    c.summary.retain,
                    c.summary.repealed,
                    c.summary.to_repeal,
                    c.summary.to_revise
                )),
                cell(percent(c.summary.reduction_rate())),
            ]
        })
        .collect::<Vec<_>>();
    let mut actions = Vec::new();
    if s.actor.can(Permission::NormativeManage) {
        actions.push(link("/normative/cleanups/new", "发起清理"));
    }
    actions.push(link("/normative/documents", "规范性文件库"));
    Ok(ListPage {
        prev: None,
        layout: layout(&s),
        title: "规范性文件清理".into(),
        intro: "对一段时期印发、仍在适用的文件逐件作出保留、已废止、拟废止或拟修改的结论（均需写明理由），结束清理时结论写入文件库；拟废止、拟修改的文件跟进到废止或修改完成。".into(),
        actions,
        filters: Vec::new(),
        error: None,
        count_text: format!("共 {} 次清理", rows.len()),
        hidden: Vec::new(),
        headers: plain(&["清理", "印发日期范围", "阶段", "发起日期", "结果", "文件总数减少"]),
        rows,
        next: None,
    }
    .into_response())
}

async fn new_form(
    state: &AppState,
    s: &Signed,
    posted: Option<&FormData>,
    error: Option<(String, Vec<(&'static str, String)>)>,
) -> Result<FormPage, PageError> {
    let pick = |name: &str, default: String| posted.map_or(default, |f| f.get(name).to_string());
    let mut page = FormPage::new(layout(s), "发起规范性文件清理", "/normative/cleanups");
    page.intro = "清理范围内的文件为：印发日期在起止日期之间（含）、目前现行有效、拟修改或拟废止的文件（可只选一个制定机关）。".into();
    let issuers = std::iter::once((String::new(), "全部制定机关".to_string()))
        .chain(
            fazhi_core::normative::issuers(&state.store)
                .await?
                .into_iter()
                .map(|i| (i.clone(), i)),
        )
        .collect();
    page.fields = vec![
        Field::text("title", "清理名称", pick("title", String::new()), 100).required(),
        Field::date(
            "issued_from",
            "印发日期自",
            pick("issued_from", String::new()),
        )
        .required(),
        Field::date(
            "issued_until",
            "印发日期至",
            pick("issued_until", String::new()),
        )
        .required(),
        Field::select(
            "issuer",
            "制定机关",
            issuers,
            &pick("issuer", String::new()),
        ),
    ];
    if let Some((message, fields)) = error {
        mark(&mut page.fields, &fields);
        page.error = Some(message);
    }
    page.submit = "发起清理";
    page.links = vec![link("/normative/cleanups", "返回")];
    Ok(page)
}

pub async fn new(State(state): State<AppState>, s: Signed) -> Result<Response, PageError> {
    s.actor
        .require(Permission::NormativeManage)
        .map_err(PageError)?;
    Ok(new_form(&state, &s, None, None).await?.into_response())
}

pub async fn create(
    State(state): State<AppState>,
    s: Signed,
    f: FormData,
) -> Result<Response, PageError> {
    let in_force = state.in_force().await?;
    let input = NewCleanup {
        title: f.get("title").to_string(),
        issued_from: f.get("issued_from").to_string(),
        issued_until: f.get("issued_until").to_string(),
        issuer: f.opt("issuer"),
    };
    match cleanup::start(&state.ctx(&s.actor, &in_force), &input).await {
        Ok(id) => Ok(Redirect::to(&format!("/normative/cleanups/{id}")).into_response()),
        Err(e) => {
            let fields = e.refused_fields();
            let (status, message) = refused(e)?;
            Ok((
                status,
                new_form(&state, &s, Some(&f), Some((message, fields))).await?,
            )
                .into_response())
        }
    }
}

fn judge_section(c: &Cleanup) -> FormSection {
    // The undecided documents first, the first of them chosen: one verdict after another.
    let mut options: Vec<(String, String)> = c
        .items
        .iter()
        .filter(|i| i.verdict.is_none())
        .map(|i| {
            (
                i.document_id.to_string(),
                format!("{} {}", i.number, i.title),
            )
        })
        .collect();
    let first = options.first().map(|o| o.0.clone()).unwrap_or_default();
    options.extend(c.items.iter().filter_map(|i| {
        let v = i.verdict?;
        Some((
            i.document_id.to_string(),
            format!("{} {}（已定：{}，可改）", i.number, i.title, v.label_zh()),
        ))
    }));
    FormSection {
        title: format!(
            "逐件清理（未定 {} 件）",
            c.items.iter().filter(|i| i.verdict.is_none()).count()
        ),
        action: format!("/normative/cleanups/{}", c.id),
        hidden: vec![
            ("version", c.version.to_string()),
            ("action", Step::Judge.code().to_string()),
        ],
        fields: vec![
            Field::select("document_id", "文件", options, &first).required(),
            Field::select(
                "verdict",
                "清理结论",
                Verdict::ALL
                    .iter()
                    .map(|v| (v.code().to_string(), v.label_zh().to_string()))
                    .collect(),
                Verdict::Retain.code(),
            )
            .required(),
            Field::textarea("reason", "理由", String::new())
                .required()
                .max(cleanup::transition::REASON_MAX)
                .hint("每个结论都写明理由，例如：上位法已修改、调整对象已消失、与现行政策不一致、仍需适用。"),
        ],
        submit: "保存结论",
    }
}

fn step_sections(c: &Cleanup, today: chrono::NaiveDate) -> Vec<FormSection> {
    let base = |step: Step, title: String, fields: Vec<Field>, submit: &'static str| {
        FormSection::step(
            format!("/normative/cleanups/{}", c.id),
            c.version,
            step.code(),
            title,
            fields,
            submit,
        )
    };
    allowed_steps(c)
        .into_iter()
        .map(|step| match step {
            Step::Judge => judge_section(c),
            Step::EndReview => base(
                step,
                "结束清理、确认结果（结论写入文件库：拟废止、拟修改、已废止的文件改变效力状态）".into(),
                Vec::new(),
                "结束清理",
            ),
            Step::Done => {
                let pending: Vec<(String, String)> = c
                    .items
                    .iter()
                    .filter(|i| i.pending())
                    .map(|i| {
                        (
                            i.document_id.to_string(),
                            format!(
                                "{} {}（{}）",
                                i.number,
                                i.title,
                                i.verdict.map_or("", Verdict::label_zh)
                            ),
                        )
                    })
                    .collect();
                let first = pending.first().map(|o| o.0.clone()).unwrap_or_default();
                base(
                    step,
                    format!("记录落实情况（待落实 {} 件）", pending.len()),
                    vec![
                        Field::select("document_id", "文件", pending, &first).required(),
                        Field::date("on", "落实日期", today.to_string()).required(),
                        Field::textarea("note", "落实情况", String::new())
                            .required()
                            .max(cleanup::transition::REASON_MAX)
                            .hint("废止：写明废止决定的文号和日期；修改：先在文件库登记修改后的文本（新版本），再在此记录。"),
                    ],
                    "记录落实",
                )
            }
            Step::Close => base(step, "完成清理".into(), Vec::new(), "完成清理"),
        })
        .collect()
}

async fn view(
    state: &AppState,
    s: &Signed,
    id: i64,
    error: Option<String>,
) -> Result<CleanupPage, PageError> {
    let c = cleanup::get(&state.store, &s.actor, id).await?;
    let summary = Summary::of(&c.items);
    let bars: Vec<(String, i64)> = vec![
        ("保留".into(), summary.retain),
        ("已废止".into(), summary.repealed),
        ("拟废止".into(), summary.to_repeal),
        ("拟修改".into(), summary.to_revise),
        ("未定".into(), summary.undecided),
    ];
    let chart = crate::charts::bars(&bars, 440, 240, "")
        .map_err(|e| PageError(Error::invalid("chart", format!("图表无法生成：{e}"))))?;
    let details = vec![
        ("阶段".to_string(), c.stage.label_zh().to_string()),
        (
            "印发日期范围".into(),
            format!("{} 至 {}", c.issued_from, c.issued_until),
        ),
        (
            "制定机关".into(),
            c.issuer.clone().unwrap_or_else(|| "全部".into()),
        ),
        ("发起日期".into(), c.started_on.to_string()),
        (
            "结束清理".into(),
            c.review_ended_on.clone().unwrap_or_else(|| "—".into()),
        ),
        (
            "完成".into(),
            c.closed_on.clone().unwrap_or_else(|| "—".into()),
        ),
    ];
    let sections = if s.actor.can(Permission::NormativeManage) {
        step_sections(&c, fazhi_core::deadlines::china_today())
    } else {
        Vec::new()
    };
    let rows = c
        .items
        .iter()
        .map(|i| {
            vec![
                cell_link(
                    i.number.clone(),
                    format!("/normative/documents/{}", i.document_id),
                ),
                cell(i.title.clone()),
                cell(i.verdict.map_or("未定", Verdict::label_zh)),
                cell(i.reason.clone().unwrap_or_default()),
                cell(match (&i.reviewer, &i.decided_on) {
                    (Some(r), Some(d)) => format!("{r} {d}"),
                    _ => String::new(),
                }),
                cell(match (&i.done_on, &i.done_note) {
                    (Some(d), Some(n)) => format!("{d} {n}"),
                    _ if i.pending() => "待落实".into(),
                    _ => String::new(),
                }),
            ]
        })
        .collect();
    Ok(CleanupPage {
        layout: layout(s),
        title: c.title.clone(),
        error,
        details,
        chart,
        summary_headers: SUMMARY_HEADERS.to_vec(),
        summary: summary_cells(&summary),
        sections,
        rows,
        links: vec![link("/normative/cleanups", "返回清理列表")],
    })
}

pub async fn show(
    State(state): State<AppState>,
    s: Signed,
    Path(id): Path<i64>,
) -> Result<Response, PageError> {
    Ok(view(&state, &s, id, None).await?.into_response())
}

fn action(f: &FormData) -> Result<Action, Error> {
    let document = || f.int("document_id", "文件");
    match f.get("action") {
        "judge" => Ok(Action::Judge {
            document_id: document()?,
            verdict: Verdict::parse(f.get("verdict"))
                .ok_or_else(|| Error::invalid("verdict", "请选择清理结论。"))?,
            reason: f.get("reason").to_string(),
        }),
        "end_review" => Ok(Action::EndReview),
        "done" => Ok(Action::Done {
            document_id: document()?,
            on: fazhi_kernel::date::parse(f.get("on").trim()).ok_or_else(|| {
                Error::invalid("on", "落实日期应为 YYYY-MM-DD，例如 2024-01-31。")
            })?,
            note: f.get("note").to_string(),
        }),
        "close" => Ok(Action::Close),
        _ => Err(Error::invalid("action", "请选择操作。")),
    }
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
        let a = action(&f)?;
        cleanup::apply(&state.ctx(&s.actor, &in_force), id, version, &a).await
    }
    .await;
    match result {
        Ok(()) => Ok(Redirect::to(&format!("/normative/cleanups/{id}")).into_response()),
        Err(e) => {
            let (status, message) = refused(e)?;
            Ok((status, view(&state, &s, id, Some(message)).await?).into_response())
        }
    }
}
