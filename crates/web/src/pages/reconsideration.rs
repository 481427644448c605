//! Administrative reconsideration: the reconsideration body's cases, registering an
//! application, a case's page with its steps (the next first) and limits, the decision .docx.

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::NaiveDate;
use fazhi_core::reconsideration::{
    self, Action, Application, Channel, Outcome, Procedure, Reconsideration, SimplifiedGround,
    Stage, Step, allowed_steps,
};
use fazhi_core::{Error, Permission, deadlines};
use serde::Deserialize;

use super::{docx_response, layout, refused};
use crate::AppState;
use crate::error::PageError;
use crate::form::FormData;
use crate::session::Signed;
use crate::view::*;

#[derive(Deserialize, serde::Serialize, Default)]
pub struct ListQuery {
    #[serde(skip_serializing)]
    after: Option<i64>,
    #[serde(default)]
    stage: String,
    #[serde(default)]
    outcome: String,
    /// A year: the cases concluded in it (the report's figure).
    #[serde(default)]
    closed: String,
    #[serde(default)]
    corrected: String,
}

pub async fn list(
    State(state): State<AppState>,
    s: Signed,
    Query(q): Query<ListQuery>,
) -> Result<Response, PageError> {
    let mut error = None;
    let closed_in = match q.closed.trim() {
        "" => None,
        y => match y.parse::<i32>() {
            Ok(y) if (2000..=2100).contains(&y) => Some(y),
            _ => {
                error = Some(format!("审结年度“{y}”应为 2000 至 2100 之间的四位数字。"));
                None
            }
        },
    };
    let filter = reconsideration::Filter {
        stage: Stage::parse(&q.stage),
        outcome: Outcome::parse(&q.outcome),
        closed_in,
        corrected: q.corrected == "1",
    };
    let page = reconsideration::list(&state.store, &s.actor, &filter, q.after).await?;
    let rows = page
        .items
        .iter()
        .map(|r| {
            vec![
                cell_link(
                    r.number.clone().unwrap_or_else(|| format!("申请 {}", r.id)),
                    format!("/reconsiderations/{}", r.id),
                ),
                cell(r.applicant.clone()),
                cell(r.respondent.clone()),
                cell(r.act.clone()),
                cell(r.received_on.to_string()),
                cell(match r.outcome {
                    Some(o) => format!("{}：{}", r.stage.label_zh(), o.label_zh()),
                    None => r.stage.label_zh().to_string(),
                }),
            ]
        })
        .collect::<Vec<_>>();
    let mut headline = String::new();
    if let Some(y) = closed_in {
        let f = reconsideration::figures(&state.store, &s.actor, y).await?;
        headline = format!(
            "{y} 年审结 {} 件（决定 {}、调解和解 {}、撤回 {}），纠错率 {}（纠错 {} 件 ÷ 作出决定 {} 件）。",
            f.concluded,
            f.decided,
            f.settled,
            f.withdrawn,
            fazhi_core::enforcement::figures::percent(f.correction_rate()),
            f.corrected,
            f.decided
        );
    }
    let qs = serde_urlencoded::to_string(&q).unwrap_or_default();
    let status = if error.is_some() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    Ok((
        status,
        ListPage {
            prev: None,
            layout: layout(&s),
            title: "行政复议".into(),
            intro: format!(
                "行政复议申请的受理审查（五个工作日）、补正、受理，向被申请人发送副本和答复、听证、延期，到作出决定，每一项期限按《中华人民共和国行政复议法》（2023 年修订；2024 年前收到的申请适用 2017 年文本）计算。{headline}"
            ),
            actions: vec![link("/reconsiderations/new", "登记申请")],
            filters: vec![
                Field::select(
                    "stage",
                    "状态",
                    with_all("全部状态", options(Stage::ALL, Stage::code, Stage::label_zh)),
                    &q.stage,
                ),
                Field::select(
                    "outcome",
                    "决定",
                    with_all("全部", options(Outcome::ALL, Outcome::code, Outcome::label_zh)),
                    &q.outcome,
                ),
                Field::text("closed", "审结年度", q.closed.clone(), 4),
                Field::select(
                    "corrected",
                    "纠错",
                    vec![(String::new(), "全部".into()), ("1".into(), "纠错的决定".into())],
                    &q.corrected,
                ),
            ],
            error,
            count_text: format!("本页 {} 件", rows.len()),
            hidden: Vec::new(),
            headers: plain(&["案号", "申请人", "被申请人", "行政行为", "收到申请", "状态"]),
            rows,
            next: page.next.map(|n| format!("/reconsiderations?{qs}&after={n}")),
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
    let today = deadlines::china_today().to_string();
    let departments = fazhi_core::org::service::departments(&state.store, &s.actor)
        .await?
        .into_iter()
        .map(|d| (d.id.to_string(), d.name))
        .collect();
    let mut page = FormPage::new(layout(s), "登记行政复议申请", "/reconsiderations");
    page.intro =
        "收到申请后登记：受理审查的五个工作日期限自收到之日起计算（《行政复议法》第三十条）。"
            .into();
    page.fields = vec![
        Field::select(
            "channel",
            "申请方式",
            options(Channel::ALL, Channel::code, Channel::label_zh),
            &posted.map_or("window".to_string(), |f| f.get("channel").to_string()),
        )
        .required(),
        Field::text("applicant", "申请人", pick("applicant"), 100).required(),
        Field::select(
            "respondent_id",
            "被申请人",
            departments,
            &pick("respondent_id"),
        )
        .required(),
        Field::text("act", "被申请复议的行政行为", pick("act"), 500)
            .required()
            .hint("例如：诸市监罚〔2024〕17号行政处罚决定"),
        Field::text(
            "case_id",
            "关联的行政处罚案件编号（可不填）",
            pick("case_id"),
            12,
        ),
        Field::textarea("request", "行政复议请求", pick("request"))
            .required()
            .max(2000),
        Field::date("known_on", "知道该行政行为的日期", pick("known_on")).required(),
        Field::checkboxes(
            "right_explained",
            "申请权利告知",
            vec![(
                "1".into(),
                "行政机关作出行为时已告知申请行政复议的权利、复议机关和期限".into(),
            )],
            &posted.map_or_else(|| vec!["1".to_string()], |f| f.all("right_explained")),
        ),
        Field::date(
            "received_on",
            "收到申请的日期",
            posted.map_or(today, |f| f.get("received_on").to_string()),
        )
        .required(),
    ];
    if let Some(e) = error {
        mark(&mut page.fields, &e.refused_fields());
        page.error = Some(e.message_zh());
    }
    page.submit = "登记";
    page.links = vec![link("/reconsiderations", "返回")];
    Ok(page)
}

pub async fn new(State(state): State<AppState>, s: Signed) -> Result<Response, PageError> {
    s.actor
        .require(Permission::ReconsiderationHandle)
        .map_err(PageError)?;
    Ok(new_form(&state, &s, None, None).await?.into_response())
}

fn optional_date(
    f: &FormData,
    name: &'static str,
    label: &str,
    r: &mut fazhi_core::Refusals,
) -> Option<NaiveDate> {
    r.take(f.date(name, label)).ok().flatten()
}

pub async fn create(
    State(state): State<AppState>,
    s: Signed,
    f: FormData,
) -> Result<Response, PageError> {
    s.actor
        .require(Permission::ReconsiderationHandle)
        .map_err(PageError)?;
    let in_force = state.in_force().await?;
    let result = async {
        let mut r = fazhi_core::Refusals::default();
        let known_on = optional_date(&f, "known_on", "知道该行政行为的日期", &mut r);
        let received_on = optional_date(&f, "received_on", "收到申请的日期", &mut r);
        let case_id = match f.get("case_id").trim() {
            "" => None,
            v => r.take(
                v.parse::<i64>()
                    .map_err(|_| Error::invalid("case_id", "案件编号应为数字。")),
            )?,
        };
        r.finish()?;
        reconsideration::register(
            &state.ctx(&s.actor, &in_force),
            &Application {
                channel: Channel::parse(f.get("channel")),
                applicant: f.get("applicant"),
                respondent_id: f.get("respondent_id").trim().parse().ok(),
                act: f.get("act"),
                case_id,
                request: f.get("request"),
                known_on,
                right_explained: f.get("right_explained") == "1",
                received_on,
            },
        )
        .await
    }
    .await;
    match result {
        Ok(id) => Ok(Redirect::to(&format!("/reconsiderations/{id}")).into_response()),
        Err(e @ (Error::Invalid { .. } | Error::Several(_))) => Ok((
            crate::error::status_of(&e),
            new_form(&state, &s, Some(&f), Some(e)).await?,
        )
            .into_response()),
        Err(e) => Err(PageError(e)),
    }
}

fn sections(r: &Reconsideration) -> Vec<FormSection> {
    let today = deadlines::china_today().to_string();
    let on = || Field::date("on", "日期", today.clone()).required();
    let base = |step: Step, fields: Vec<Field>, submit: &'static str| {
        FormSection::step(
            format!("/reconsiderations/{}", r.id),
            r.version,
            step.code(),
            step.label_zh(),
            fields,
            submit,
        )
    };
    let reason = |name: &'static str, label: &'static str, max: usize| {
        Field::textarea(name, label, String::new())
            .required()
            .max(max)
    };
    allowed_steps(r)
        .into_iter()
        .map(|step| match step {
            Step::RequestCompletion => base(
                step,
                vec![on(), reason("items", "需要补正的全部事项", 2000).hint("补正通知只发一次，应当一次性载明需要补正的全部事项；申请人自收到之日起十日内补正（第三十一条）。")],
                "发出补正通知",
            ),
            Step::Completed => base(step, vec![on()], "记录收到补正材料"),
            Step::Accept => {
                let mut fields = vec![
                    on(),
                    Field::select(
                        "procedure",
                        "审理程序",
                        options(Procedure::ALL, Procedure::code, Procedure::label_zh),
                        "ordinary",
                    )
                    .required(),
                ];
                if r.law == "2023" {
                    fields.push(
                        Field::select(
                            "ground",
                            "适用简易程序的情形（第五十三条）",
                            with_all("不适用简易程序", options(SimplifiedGround::ALL, SimplifiedGround::code, SimplifiedGround::label_zh)),
                            "",
                        ),
                    );
                }
                fields.push(
                    Field::textarea("delay_reason", "耽误申请期限的正当理由（逾期申请时填写）", String::new())
                        .max(500),
                );
                base(step, fields, "受理")
            }
            Step::NotAccept => base(step, vec![on(), reason("reason", "不予受理的理由", 1000)], "不予受理"),
            Step::SendCopy => base(step, vec![Field::date("on", "被申请人收到副本的日期", today.clone()).required()], "记录副本送达"),
            Step::Answer => base(step, vec![Field::date("on", "收到答复的日期", today.clone()).required()], "记录答复"),
            Step::NoticeHearing => base(
                step,
                vec![on(), Field::date("hearing_on", "听证日期", String::new()).required().hint("应当于举行听证的五日前书面通知当事人（第五十一条）。")],
                "通知听证",
            ),
            Step::HoldHearing => base(step, vec![on()], "记录听证"),
            Step::Extend => base(
                step,
                vec![
                    on(),
                    Field::text("days", "延长天数", "30", 2).required().hint("不超过三十日（第六十二条）。"),
                    reason("reason", "延长的理由和批准的负责人", 500),
                ],
                "延长",
            ),
            Step::Decide => base(
                step,
                vec![
                    on(),
                    Field::select(
                        "outcome",
                        "决定",
                        options(Outcome::ALL, Outcome::code, Outcome::label_zh),
                        "maintain",
                    )
                    .required(),
                    reason("text", "查明的事实、理由和依据", 20_000),
                ],
                "作出决定",
            ),
            Step::Settle => base(step, vec![on(), reason("note", "调解书或和解协议的内容", 2000)], "结案"),
            Step::Withdraw => base(step, vec![on(), reason("reason", "撤回的理由", 1000)], "记录撤回"),
        })
        .collect()
}

async fn view(
    state: &AppState,
    s: &Signed,
    id: i64,
    error: Option<String>,
) -> Result<SectionsPage, PageError> {
    let r = reconsideration::get(&state.store, &s.actor, id).await?;
    let date = |d: Option<NaiveDate>| d.map_or_else(|| "—".to_string(), |d| d.to_string());
    let mut details = vec![
        (
            "案号".to_string(),
            r.number.clone().unwrap_or_else(|| "受理后编号".into()),
        ),
        ("状态".into(), r.stage.label_zh().into()),
        (
            "适用法律".into(),
            format!(
                "《中华人民共和国行政复议法》（{} 年文本）",
                if r.law == "2023" { "2023" } else { "2017" }
            ),
        ),
        ("申请方式".into(), r.channel.label_zh().into()),
        ("申请人".into(), r.applicant.clone()),
        ("被申请人".into(), r.respondent.clone()),
        ("行政行为".into(), r.act.clone()),
        ("复议请求".into(), r.request.clone()),
        (
            "知道行政行为".into(),
            format!(
                "{}（{}）",
                r.known_on,
                if r.right_explained {
                    "已告知申请权利"
                } else {
                    "未告知申请权利"
                }
            ),
        ),
        ("收到申请".into(), r.received_on.to_string()),
        (
            "申请期限至".into(),
            r.apply_by(&state.in_force().await?.0).to_string(),
        ),
    ];
    for (label, value) in [
        (
            "补正通知",
            r.completion_requested_on
                .map(|d| format!("{d}：{}", r.completion_items.clone().unwrap_or_default())),
        ),
        ("补正材料收到", r.completed_on.map(|d| d.to_string())),
        (
            "受理",
            r.accepted_on.map(|d| {
                format!(
                    "{d}，{}{}",
                    r.procedure.map_or("", Procedure::label_zh),
                    r.simplified_ground
                        .map(|g| format!("（{}）", g.label_zh()))
                        .unwrap_or_default()
                )
            }),
        ),
        ("耽误期限的理由", r.delay_reason.clone()),
        ("副本送达被申请人", r.copy_sent_on.map(|d| d.to_string())),
        ("被申请人答复", r.answered_on.map(|d| d.to_string())),
        (
            "听证",
            r.hearing_on.map(|h| {
                format!(
                    "{} 通知，{h} 举行{}",
                    date(r.hearing_notice_on),
                    r.heard_on.map(|_| "（已举行）").unwrap_or("")
                )
            }),
        ),
        (
            "延长审理期限",
            r.extended_on.map(|d| {
                format!(
                    "{d} 延长 {} 日：{}",
                    r.extension_days.unwrap_or(0),
                    r.extension_reason.clone().unwrap_or_default()
                )
            }),
        ),
        (
            "结案",
            r.closed_on.map(|d| {
                format!(
                    "{d}，{}{}",
                    r.stage.label_zh(),
                    r.outcome
                        .map(|o| format!("：{}", o.label_zh()))
                        .unwrap_or_default()
                )
            }),
        ),
        ("说明", r.close_note.clone()),
    ] {
        if let Some(v) = value {
            details.push((label.into(), v));
        }
    }
    let limits = deadlines::for_subject(&state.store, &s.actor, "reconsideration", &id.to_string())
        .await
        .unwrap_or_default();
    for d in &limits {
        details.push((
            format!("期限：{}", d.purpose),
            format!("{} 届满（{}，{}）", d.due_on, d.state_zh(), d.article),
        ));
    }
    let mut links = vec![link("/reconsiderations", "返回行政复议")];
    if r.outcome.is_some() {
        links.insert(
            0,
            link(
                format!("/reconsiderations/{id}/decision.docx"),
                "下载行政复议决定书（.docx）",
            ),
        );
    }
    if let Some(case) = r.case_id {
        links.push(link(
            format!("/enforcement/cases/{case}"),
            format!("关联的行政处罚案件 {case}"),
        ));
    }
    Ok(SectionsPage {
        notice: None,
        warnings: Vec::new(),
        table: None,
        layout: layout(s),
        title: format!("行政复议：{}", r.applicant),
        intro: String::new(),
        error,
        details,
        sections: sections(&r),
        links,
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
    let on = || f.date("on", "日期");
    Ok(match step {
        Step::RequestCompletion => Action::RequestCompletion {
            on: on()?,
            items: f.get("items").into(),
        },
        Step::Completed => Action::Completed { on: on()? },
        Step::Accept => Action::Accept {
            on: on()?,
            procedure: Procedure::parse(f.get("procedure"))
                .ok_or_else(|| Error::invalid("procedure", "请选择审理程序。"))?,
            ground: SimplifiedGround::parse(f.get("ground")),
            delay_reason: f.get("delay_reason").into(),
        },
        Step::NotAccept => Action::NotAccept {
            on: on()?,
            reason: f.get("reason").into(),
        },
        Step::SendCopy => Action::SendCopy { on: on()? },
        Step::Answer => Action::Answer { on: on()? },
        Step::NoticeHearing => Action::NoticeHearing {
            on: on()?,
            hearing_on: f.date("hearing_on", "听证日期")?,
        },
        Step::HoldHearing => Action::HoldHearing { on: on()? },
        Step::Extend => Action::Extend {
            on: on()?,
            days: f
                .get("days")
                .trim()
                .parse()
                .map_err(|_| Error::invalid("days", "延长天数应为 1 至 30 的整数。"))?,
            reason: f.get("reason").into(),
        },
        Step::Decide => Action::Decide {
            on: on()?,
            outcome: Outcome::parse(f.get("outcome"))
                .ok_or_else(|| Error::invalid("outcome", "请选择决定。"))?,
            text: f.get("text").into(),
        },
        Step::Settle => Action::Settle {
            on: on()?,
            note: f.get("note").into(),
        },
        Step::Withdraw => Action::Withdraw {
            on: on()?,
            reason: f.get("reason").into(),
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
        reconsideration::apply(&state.ctx(&s.actor, &in_force), id, version, &a).await
    }
    .await;
    match result {
        Ok(()) => Ok(Redirect::to(&format!("/reconsiderations/{id}")).into_response()),
        Err(e) => {
            let marked = e.refused_fields();
            let (status, message) = refused(e)?;
            let mut page = view(&state, &s, id, Some(message)).await?;
            page.refill_step(&f, &marked);
            Ok((status, page).into_response())
        }
    }
}

pub async fn decision_docx(
    State(state): State<AppState>,
    s: Signed,
    Path(id): Path<i64>,
) -> Result<Response, PageError> {
    let r = reconsideration::get(&state.store, &s.actor, id).await?;
    let bytes = reconsideration::decision_docx(&r)?;
    Ok(docx_response(&format!("reconsideration-{id}.docx"), bytes))
}
