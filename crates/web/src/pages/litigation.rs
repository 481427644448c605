//! Administrative suits defended: the list, registering a suit as its complaint arrives, a
//! suit's page with its steps (the next first) and the answer's limit.

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use fazhi_core::litigation::{
    self, Action, Appearance, Judgment, Litigation, NewSuit, Risk, Step, allowed_steps,
};
use fazhi_core::{Error, Permission, deadlines};
use serde::Deserialize;

use super::{layout, refused};
use crate::AppState;
use crate::error::PageError;
use crate::form::FormData;
use crate::session::Signed;
use crate::view::*;

#[derive(Deserialize, serde::Serialize, Default)]
pub struct ListQuery {
    #[serde(skip_serializing)]
    after: Option<i64>,
    /// A year: the suits heard in it (the appearance rate's records).
    #[serde(default)]
    heard: String,
    #[serde(default)]
    appearance: String,
    #[serde(default)]
    judgment: String,
}

pub async fn list(
    State(state): State<AppState>,
    s: Signed,
    Query(q): Query<ListQuery>,
) -> Result<Response, PageError> {
    let mut error = None;
    let heard_in = match q.heard.trim() {
        "" => None,
        y => match y.parse::<i32>() {
            Ok(y) if (2000..=2100).contains(&y) => Some(y),
            _ => {
                error = Some(format!("开庭年度“{y}”应为 2000 至 2100 之间的四位数字。"));
                None
            }
        },
    };
    let filter = litigation::Filter {
        heard_in,
        appearance: Appearance::parse(&q.appearance),
        judgment: Judgment::parse(&q.judgment),
    };
    let page = litigation::list(&state.store, &s.actor, &filter, q.after).await?;
    let mut headline = String::new();
    if let Some(y) = heard_in {
        let f = litigation::figures(&state.store, &s.actor, y).await?;
        headline = format!(
            "{y} 年开庭 {} 件，负责人出庭 {} 件，一审出庭应诉率 {}。",
            f.hearings,
            f.responsible_appeared,
            fazhi_core::enforcement::figures::percent(f.appearance_rate())
        );
    }
    let rows = page
        .items
        .iter()
        .map(|l| {
            vec![
                cell_link(l.court_number.clone(), format!("/litigations/{}", l.id)),
                cell(l.plaintiff.clone()),
                cell(l.defendant.clone()),
                cell(l.risk.map_or("未研判", Risk::label_zh)),
                cell(l.appearance.map_or("", Appearance::label_zh)),
                cell(match l.judgment {
                    Some(j) => j.label_zh().to_string(),
                    None => l.stage.label_zh().to_string(),
                }),
            ]
        })
        .collect::<Vec<_>>();
    let qs = serde_urlencoded::to_string(&q).unwrap_or_default();
    let status = if error.is_some() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    let all = |first: &str, rest: Vec<(String, String)>| {
        std::iter::once((String::new(), first.to_string()))
            .chain(rest)
            .collect::<Vec<_>>()
    };
    Ok((
        status,
        ListPage {
            prev: None,
            layout: layout(&s),
            title: "行政诉讼应诉".into(),
            intro: format!(
                "收到起诉状副本后十五日内提交答辩状和证据（《行政诉讼法》第六十七条）；败诉风险研判、领导包案，开庭时由负责人出庭应诉（正职、副职或分管负责人；仅委托律师的不算），败诉的追究责任。{headline}"
            ),
            actions: vec![link("/litigations/new", "登记应诉案件")],
            filters: vec![
                Field::text("heard", "开庭年度", q.heard.clone(), 4),
                Field::select(
                    "appearance",
                    "出庭",
                    all("全部", options(Appearance::ALL, Appearance::code, Appearance::label_zh)),
                    &q.appearance,
                ),
                Field::select(
                    "judgment",
                    "结果",
                    all("全部", options(Judgment::ALL, Judgment::code, Judgment::label_zh)),
                    &q.judgment,
                ),
            ],
            error,
            count_text: format!("本页 {} 件", rows.len()),
            hidden: Vec::new(),
            headers: plain(&["法院案号", "原告", "被告", "败诉风险", "出庭", "状态"]),
            rows,
            next: page.next.map(|n| format!("/litigations?{qs}&after={n}")),
        },
    )
        .into_response())
}

async fn new_form(
    state: &AppState,
    s: &Signed,
    posted: Option<&FormData>,
    error: Option<Error>,
) -> Result<FormPage, PageError> {
    let pick = |name: &str| posted.map_or(String::new(), |f| f.get(name).to_string());
    let departments = fazhi_core::org::service::departments(&state.store, &s.actor)
        .await?
        .into_iter()
        .map(|d| (d.id.to_string(), d.name))
        .collect();
    let mut page = FormPage::new(layout(s), "登记行政诉讼应诉案件", "/litigations");
    page.intro = "收到起诉状副本后登记：答辩期限十五日自收到之日起计算。".into();
    page.fields = vec![
        Field::text(
            "court",
            "法院",
            posted.map_or("诸暨市人民法院".to_string(), |f| {
                f.get("court").to_string()
            }),
            100,
        )
        .required(),
        Field::text("court_number", "法院案号", pick("court_number"), 100)
            .required()
            .hint("例如：（2026）浙0681行初12号"),
        Field::text("plaintiff", "原告", pick("plaintiff"), 100).required(),
        Field::select("defendant_id", "被告", departments, &pick("defendant_id")).required(),
        Field::text("act", "被诉行政行为", pick("act"), 500).required(),
        Field::textarea("claim", "诉讼请求", pick("claim"))
            .required()
            .max(2000),
        Field::date(
            "served_on",
            "收到起诉状副本的日期",
            posted.map_or_else(
                || deadlines::china_today().to_string(),
                |f| f.get("served_on").to_string(),
            ),
        )
        .required(),
    ];
    if let Some(e) = error {
        mark(&mut page.fields, &e.refused_fields());
        page.error = Some(e.message_zh());
    }
    page.submit = "登记";
    page.links = vec![link("/litigations", "返回")];
    Ok(page)
}

pub async fn new(State(state): State<AppState>, s: Signed) -> Result<Response, PageError> {
    s.actor
        .require(Permission::LitigationHandle)
        .map_err(PageError)?;
    Ok(new_form(&state, &s, None, None).await?.into_response())
}

pub async fn create(
    State(state): State<AppState>,
    s: Signed,
    f: FormData,
) -> Result<Response, PageError> {
    s.actor
        .require(Permission::LitigationHandle)
        .map_err(PageError)?;
    let in_force = state.in_force().await?;
    let result = async {
        let mut r = fazhi_core::Refusals::default();
        let served_on = r.take(f.date("served_on", "收到起诉状副本的日期"))?;
        r.finish()?;
        litigation::register(
            &state.ctx(&s.actor, &in_force),
            &NewSuit {
                court: f.get("court"),
                court_number: f.get("court_number"),
                plaintiff: f.get("plaintiff"),
                defendant_id: f.get("defendant_id").trim().parse().ok(),
                act: f.get("act"),
                claim: f.get("claim"),
                served_on,
            },
        )
        .await
    }
    .await;
    match result {
        Ok(id) => Ok(Redirect::to(&format!("/litigations/{id}")).into_response()),
        Err(e @ (Error::Invalid { .. } | Error::Several(_))) => Ok((
            crate::error::status_of(&e),
            new_form(&state, &s, Some(&f), Some(e)).await?,
        )
            .into_response()),
        Err(e) => Err(PageError(e)),
    }
}

fn sections(l: &Litigation) -> Vec<FormSection> {
    let today = deadlines::china_today().to_string();
    let on = |label: &'static str| Field::date("on", label, today.clone()).required();
    let base = |step: Step, fields: Vec<Field>, submit: &'static str| {
        FormSection::step(
            format!("/litigations/{}", l.id),
            l.version,
            step.code(),
            step.label_zh(),
            fields,
            submit,
        )
    };
    allowed_steps(l)
        .into_iter()
        .map(|step| match step {
            Step::Answer => base(step, vec![on("提交日期")], "记录答辩"),
            Step::RateRisk => base(
                step,
                vec![
                    Field::select(
                        "risk",
                        "败诉风险",
                        options(Risk::ALL, Risk::code, Risk::label_zh),
                        l.risk.map_or("medium", Risk::code),
                    )
                    .required(),
                    Field::textarea("reason", "研判理由", String::new())
                        .required()
                        .max(1000),
                ],
                "记录研判",
            ),
            Step::AssignLeader => base(
                step,
                vec![
                    Field::text("leader", "包案领导（姓名、职务）", String::new(), 100).required(),
                ],
                "记录包案",
            ),
            Step::Hearing => base(
                step,
                vec![
                    on("开庭日期"),
                    Field::select(
                        "appearance",
                        "出庭情况",
                        options(Appearance::ALL, Appearance::code, Appearance::label_zh),
                        "responsible",
                    )
                    .required(),
                    Field::text("name", "出庭人员姓名", String::new(), 50),
                    Field::select(
                        "title",
                        "出庭负责人职务",
                        std::iter::once((String::new(), "（非负责人）".to_string()))
                            .chain(
                                litigation::transition::RESPONSIBLE_TITLES
                                    .iter()
                                    .map(|t| (t.to_string(), t.to_string())),
                            )
                            .collect(),
                        "",
                    ),
                    Field::textarea("absence_reason", "负责人不能出庭的正当理由", String::new())
                        .max(500)
                        .hint("负责人未出庭的必填；仅委托律师出庭的不视为负责人出庭。"),
                ],
                "记录开庭",
            ),
            Step::Judge => base(
                step,
                vec![
                    on("裁判日期"),
                    Field::select(
                        "judgment",
                        "结果",
                        options(Judgment::ALL, Judgment::code, Judgment::label_zh),
                        "won",
                    )
                    .required(),
                    Field::textarea("note", "裁判文书的案号和主要内容", String::new())
                        .required()
                        .max(2000),
                ],
                "登记",
            ),
            Step::Accountability => base(
                step,
                vec![
                    on("日期"),
                    Field::textarea("text", "追究的对象、方式和结果", String::new())
                        .required()
                        .max(2000),
                ],
                "记录责任追究",
            ),
        })
        .collect()
}

async fn view(
    state: &AppState,
    s: &Signed,
    id: i64,
    error: Option<String>,
) -> Result<SectionsPage, PageError> {
    let l = litigation::get(&state.store, &s.actor, id).await?;
    let mut details = vec![
        (
            "法院".to_string(),
            format!("{} {}", l.court, l.court_number),
        ),
        ("状态".into(), l.stage.label_zh().into()),
        ("原告".into(), l.plaintiff.clone()),
        ("被告".into(), l.defendant.clone()),
        ("被诉行政行为".into(), l.act.clone()),
        ("诉讼请求".into(), l.claim.clone()),
        ("收到起诉状副本".into(), l.served_on.to_string()),
    ];
    for (label, value) in [
        ("提交答辩", l.answered_on.map(|d| d.to_string())),
        (
            "败诉风险",
            l.risk.map(|r| {
                format!(
                    "{}：{}",
                    r.label_zh(),
                    l.risk_reason.clone().unwrap_or_default()
                )
            }),
        ),
        ("包案领导", l.leader.clone()),
        (
            "开庭",
            l.hearing_on.map(|d| {
                format!(
                    "{d}，{}{}{}",
                    l.appearance.map_or("", Appearance::label_zh),
                    l.appeared_name
                        .as_deref()
                        .map(|n| format!(
                            "：{n}{}",
                            l.appeared_title
                                .as_deref()
                                .map(|t| format!("（{t}）"))
                                .unwrap_or_default()
                        ))
                        .unwrap_or_default(),
                    l.absence_reason
                        .as_deref()
                        .map(|r| format!("；负责人未出庭的理由：{r}"))
                        .unwrap_or_default()
                )
            }),
        ),
        (
            "裁判",
            l.judged_on.map(|d| {
                format!(
                    "{d}，{}：{}",
                    l.judgment.map_or("", Judgment::label_zh),
                    l.judgment_note.clone().unwrap_or_default()
                )
            }),
        ),
        ("责任追究", l.accountability.clone()),
    ] {
        if let Some(v) = value {
            details.push((label.into(), v));
        }
    }
    for d in deadlines::for_subject(&state.store, &s.actor, litigation::SUBJECT, &id.to_string())
        .await
        .unwrap_or_default()
    {
        details.push((
            format!("期限：{}", d.purpose),
            format!("{} 届满（{}，{}）", d.due_on, d.state_zh(), d.article),
        ));
    }
    Ok(SectionsPage {
        notice: None,
        warnings: Vec::new(),
        table: None,
        layout: layout(s),
        title: format!("行政诉讼：{}", l.court_number),
        intro: String::new(),
        error,
        details,
        sections: sections(&l),
        links: vec![link("/litigations", "返回行政诉讼应诉")],
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
    let step =
        Step::parse(f.get("action")).ok_or_else(|| Error::invalid("action", "请选择操作。"))?;
    Ok(match step {
        Step::Answer => Action::Answer {
            on: f.date("on", "提交日期")?,
        },
        Step::RateRisk => Action::RateRisk {
            risk: Risk::parse(f.get("risk"))
                .ok_or_else(|| Error::invalid("risk", "请选择败诉风险。"))?,
            reason: f.get("reason").into(),
        },
        Step::AssignLeader => Action::AssignLeader {
            leader: f.get("leader").into(),
        },
        Step::Hearing => Action::Hearing {
            on: f.date("on", "开庭日期")?,
            appearance: Appearance::parse(f.get("appearance"))
                .ok_or_else(|| Error::invalid("appearance", "请选择出庭情况。"))?,
            name: f.get("name").into(),
            title: f.get("title").into(),
            absence_reason: f.get("absence_reason").into(),
        },
        Step::Judge => Action::Judge {
            on: f.date("on", "裁判日期")?,
            judgment: Judgment::parse(f.get("judgment"))
                .ok_or_else(|| Error::invalid("judgment", "请选择结果。"))?,
            note: f.get("note").into(),
        },
        Step::Accountability => Action::Accountability {
            on: f.date("on", "日期")?,
            text: f.get("text").into(),
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
        let a = action(&f)?;
        litigation::apply(&state.ctx(&s.actor, &in_force), id, version, &a).await
    }
    .await;
    match result {
        Ok(()) => Ok(Redirect::to(&format!("/litigations/{id}")).into_response()),
        Err(e) => {
            let marked = e.refused_fields();
            let (status, message) = refused(e)?;
            let mut page = view(&state, &s, id, Some(message)).await?;
            page.refill_step(&f, &marked);
            Ok((status, page).into_response())
        }
    }
}
