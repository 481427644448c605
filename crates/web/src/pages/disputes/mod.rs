//! The one window's pages: the desk (open disputes, each with its level's due day), taking a
//! dispute in, a dispute's page with its routings and steps (the next first), the figures by
//! kind, town and level, the routing rules; and the portal's online intake (`portal`).

pub mod portal;
mod rules;

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use fazhi_core::disputes::{
    self, Action, Dispute, DisputeFile, Handler, Intake, Kind, Satisfaction, Stage, Step, Track,
    allowed_steps,
};
use fazhi_core::{Error, Permission, deadlines};
use serde::Deserialize;

use super::{layout, refused};
use crate::AppState;
use crate::error::PageError;
use crate::form::FormData;
use crate::session::Signed;
use crate::view::*;

pub use rules::{figures, rules_page, rules_save};

async fn town_options(state: &AppState) -> Result<Vec<(String, String)>, PageError> {
    Ok(disputes::town_list(&state.store)
        .await?
        .into_iter()
        .map(|t| (t.department_id.to_string(), t.town))
        .collect())
}

#[derive(Deserialize, serde::Serialize, Default)]
pub struct ListQuery {
    #[serde(skip_serializing)]
    after: Option<i64>,
    #[serde(default)]
    stage: String,
    #[serde(default)]
    kind: String,
    #[serde(default)]
    town: String,
    #[serde(default)]
    handler: String,
    /// A year: the disputes received in it.
    #[serde(default)]
    received: String,
    #[serde(default)]
    overdue: String,
    #[serde(default)]
    escalated: String,
}

/// The desk: open disputes first by default is the filter people use most (`stage=open`).
pub async fn list(
    State(state): State<AppState>,
    s: Signed,
    Query(q): Query<ListQuery>,
) -> Result<Response, PageError> {
    let mut error = None;
    let received_in = match super::review::requests::year_in(&q.received, "received") {
        Ok(y) => y,
        Err(e) => {
            error = Some(e.message_zh());
            None
        }
    };
    let today = deadlines::china_today();
    let filter = disputes::Filter {
        stage: Stage::parse(&q.stage),
        kind: Kind::parse(&q.kind),
        town_id: q.town.trim().parse().ok(),
        handler: Handler::parse(&q.handler),
        received_in,
        overdue: q.overdue == "1",
        escalated: q.escalated == "1",
    };
    let page = disputes::list(&state.store, &s.actor, &filter, today, q.after).await?;
    let rows = page
        .items
        .iter()
        .map(|r| {
            let d = &r.dispute;
            let due = match (&r.due_on, d.stage) {
                (Some(due), Stage::Open) => {
                    let left = fazhi_kernel::date::parse(due)
                        .map(|due| (due - today).num_days())
                        .unwrap_or(0);
                    if left < 0 {
                        format!("{due}（已超期 {} 日）", -left)
                    } else {
                        format!("{due}（剩 {left} 日）")
                    }
                }
                _ => "—".into(),
            };
            vec![
                cell_link(d.number(), format!("/disputes/{}", d.id)),
                cell(d.kind.label_zh()),
                cell(format!("{}{}", d.town, d.village)),
                cell(format!("{}（{}）", d.handler_name, d.track.label_zh())),
                cell(d.received_on.to_string()),
                cell(due),
                cell(d.outcome_zh()),
            ]
        })
        .collect::<Vec<_>>();
    let qs = serde_urlencoded::to_string(&q).unwrap_or_default();
    let mut actions = vec![
        link("/disputes/new", "登记纠纷"),
        link("/disputes/figures", "纠纷统计"),
        link("/disputes?stage=open&overdue=1", "本级期限已过的纠纷"),
    ];
    if s.actor.can(Permission::DisputeManage) {
        actions.push(link("/disputes/routing", "分流规则"));
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
            layout: layout(&s),
            title: "矛盾纠纷（一站式受理）".into(),
            intro: "窗口、网上和 12345 热线转来的纠纷在此一窗受理：按分流规则自动确定受理单位和繁简分流，村（社区）、镇（街道）、市三级逐级调解；本级期限届满仍未化解的，系统每小时检查一次并自动升级到上一级。".into(),
            actions,
            filters: vec![
                Field::select(
                    "stage",
                    "状态",
                    with_all("全部状态", options(Stage::ALL, Stage::code, Stage::label_zh)),
                    &q.stage,
                ),
                Field::select(
                    "kind",
                    "类型",
                    with_all("全部类型", options(Kind::ALL, Kind::code, Kind::label_zh)),
                    &q.kind,
                ),
                Field::select(
                    "town",
                    "镇乡（街道）",
                    with_all("全部", town_options(&state).await?),
                    &q.town,
                ),
                Field::select(
                    "handler",
                    "受理层级",
                    with_all(
                        "全部",
                        options(Handler::ALL, Handler::code, Handler::label_zh),
                    ),
                    &q.handler,
                ),
                Field::text("received", "受理年度", q.received.clone(), 4),
                Field::select(
                    "overdue",
                    "期限",
                    vec![
                        (String::new(), "全部".into()),
                        ("1".into(), "本级期限已过".into()),
                    ],
                    &q.overdue,
                ),
            ],
            error,
            count_text: format!("本页 {} 件", rows.len()),
            hidden: Vec::new(),
            headers: plain(&["编号", "类型", "地点", "受理单位", "受理日期", "本级期限", "状态"]),
            rows,
            next: page.next.map(|n| format!("/disputes?{qs}&after={n}")),
        },
    )
        .into_response())
}

/// Where a dispute the actor just took in or moved went, when it is no longer theirs to see.
async fn handed_page(
    state: &AppState,
    s: &Signed,
    id: i64,
    done: &str,
) -> Result<MessagePage, PageError> {
    let (number, handler, explanation) = disputes::handed_to(&state.store, id).await?;
    Ok(MessagePage {
        layout: layout(s),
        title: format!("{number}：{done}"),
        paragraphs: vec![format!(
            "{number} 现由{handler}办理（{explanation}），不在本单位的纠纷工作台中。"
        )],
        secret: None,
        links: vec![
            link("/disputes?stage=open", "返回纠纷工作台"),
            link("/disputes/new", "再登记一件"),
        ],
    })
}

/// The intake fields, shared by the window's form and the portal's.
pub(crate) fn intake_fields(
    posted: Option<&FormData>,
    towns: Vec<(String, String)>,
    window: bool,
) -> Vec<Field> {
    let pick = |name: &str| posted.map_or(String::new(), |f| f.get(name).to_string());
    let mut fields = Vec::new();
    if window {
        // Online, the applicant is the verified identity and its mobile number.
        fields.push(Field::text("applicant", "申请人", pick("applicant"), 50).required());
        fields.push(
            Field::text(
                "applicant_phone",
                "申请人手机号码",
                pick("applicant_phone"),
                20,
            )
            .required(),
        );
    }
    // The window starts from the commonest choice; a citizen chooses, not a default.
    let choose = |rest: Vec<(String, String)>| {
        if window {
            rest
        } else {
            with_all("请选择", rest)
        }
    };
    fields.extend([
        Field::text("respondent", "对方当事人（可不填）", pick("respondent"), 50),
        Field::text(
            "respondent_phone",
            "对方手机号码（可不填）",
            pick("respondent_phone"),
            20,
        ),
        Field::select(
            "kind",
            "纠纷类型",
            choose(options(Kind::ALL, Kind::code, Kind::label_zh)),
            &posted.map_or(if window { "neighbour" } else { "" }.to_string(), |f| {
                f.get("kind").to_string()
            }),
        )
        .required(),
        Field::select(
            "town_id",
            "所在镇乡（街道）",
            choose(towns),
            &pick("town_id"),
        )
        .required(),
        Field::text("village", "所在村（社区）", pick("village"), 50).required(),
        Field::textarea("description", "纠纷情况和请求", pick("description"))
            .required()
            .max(5000),
        Field::text("amount", "涉及金额（元，可不填）", pick("amount"), 12),
        Field::text(
            "party_count",
            "当事人人数（可不填）",
            pick("party_count"),
            6,
        )
        .hint("群体性纠纷填写全部当事人人数；不填按已填写的当事人计。"),
    ]);
    fields
}

/// The intake as typed; numbers that do not read are refused with their field.
pub(crate) fn intake_of<'a>(
    f: &'a FormData,
    received_on: Option<chrono::NaiveDate>,
) -> Result<Intake<'a>, Error> {
    let mut r = fazhi_core::Refusals::default();
    let number = |r: &mut fazhi_core::Refusals, name: &'static str, what: &str| match f
        .get(name)
        .trim()
        .replace([',', '，'], "")
    {
        v if v.is_empty() => None,
        v => r
            .take(
                v.parse::<i64>()
                    .map_err(|_| Error::invalid(name, format!("{what}“{v}”应为整数。"))),
            )
            .ok()
            .flatten(),
    };
    let amount = number(&mut r, "amount", "涉及金额");
    let party_count = number(&mut r, "party_count", "当事人人数");
    r.finish()?;
    Ok(Intake {
        hotline_ref: None,
        kind: Kind::parse(f.get("kind")),
        town_id: f.get("town_id").trim().parse().ok(),
        village: f.get("village"),
        description: f.get("description"),
        amount,
        party_count,
        applicant: f.get("applicant"),
        applicant_phone: f.get("applicant_phone"),
        respondent: f.get("respondent"),
        respondent_phone: f.get("respondent_phone"),
        received_on,
    })
}

async fn new_form(
    state: &AppState,
    s: &Signed,
    posted: Option<&FormData>,
    error: Option<Error>,
) -> Result<FormPage, PageError> {
    let mut page = FormPage::new(layout(s), "登记矛盾纠纷", "/disputes");
    page.intro = "登记后按分流规则自动确定受理单位（村、镇、市三级调解，或移交部门、法院诉前调解、行政复议、仲裁）和繁简分流，并开始计算本级期限；每次分流都写明所依据的规则。".into();
    let mut fields = intake_fields(posted, town_options(state).await?, true);
    fields.push(
        Field::date(
            "received_on",
            "受理日期",
            posted.map_or(deadlines::china_today().to_string(), |f| {
                f.get("received_on").to_string()
            }),
        )
        .required(),
    );
    page.fields = fields;
    if let Some(e) = error {
        mark(&mut page.fields, &e.refused_fields());
        page.error = Some(e.message_zh());
    }
    page.submit = "登记并分流";
    page.links = vec![link("/disputes", "返回")];
    Ok(page)
}

pub async fn new(State(state): State<AppState>, s: Signed) -> Result<Response, PageError> {
    s.actor
        .require_any(&[Permission::DisputeHandle, Permission::DisputeManage])
        .map_err(PageError)?;
    Ok(new_form(&state, &s, None, None).await?.into_response())
}

pub async fn create(
    State(state): State<AppState>,
    s: Signed,
    f: FormData,
) -> Result<Response, PageError> {
    s.actor
        .require_any(&[Permission::DisputeHandle, Permission::DisputeManage])
        .map_err(PageError)?;
    let in_force = state.in_force().await?;
    let result = async {
        let mut r = fazhi_core::Refusals::default();
        let received_on = r.take(f.date("received_on", "受理日期"))?;
        let intake = r.take(intake_of(&f, received_on));
        r.finish()?;
        let intake = intake?.ok_or(Error::NotFound)?;
        disputes::register(
            &state.ctx(&s.actor, &in_force),
            disputes::Channel::Window,
            &intake,
        )
        .await
    }
    .await;
    match result {
        Ok(id) if disputes::get(&state.store, &s.actor, id).await.is_ok() => {
            Ok(Redirect::to(&format!("/disputes/{id}?routed=1")).into_response())
        }
        // Taken in for another town or a body outside the actor's scope: they are told where
        // it went, since they will not see it.
        Ok(id) => Ok(handed_page(&state, &s, id, "已登记").await?.into_response()),
        Err(e @ (Error::Invalid { .. } | Error::Several(_))) => Ok((
            crate::error::status_of(&e),
            new_form(&state, &s, Some(&f), Some(e)).await?,
        )
            .into_response()),
        Err(e) => Err(PageError(e)),
    }
}

fn sections(d: &Dispute, s: &Signed, departments: &[(String, String)]) -> Vec<FormSection> {
    let today = deadlines::china_today().to_string();
    let on = || Field::date("on", "日期", today.clone()).required();
    let base = |step: Step, fields: Vec<Field>, submit: &'static str| {
        FormSection::step(
            format!("/disputes/{}", d.id),
            d.version,
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
    allowed_steps(d)
        .into_iter()
        .filter(|step| *step != Step::Reroute || s.actor.can(Permission::DisputeManage))
        .map(|step| match step {
            Step::Agree => base(
                step,
                vec![
                    on(),
                    reason("terms", "调解协议的内容", 5000)
                        .hint("当事人的权利义务、履行的方式和期限（《人民调解法》第二十九条）。"),
                    Field::checkboxes(
                        "oral",
                        "协议形式",
                        vec![("1".into(), "口头协议（调解员已记录协议内容）".into())],
                        &[],
                    ),
                ],
                "记录调解协议",
            ),
            Step::Escalate => base(
                step,
                vec![on(), reason("reason", "升级的理由", 500)],
                "升级",
            ),
            Step::Refer => base(
                step,
                vec![
                    on(),
                    Field::text("to", "告知当事人的途径", String::new(), 200)
                        .required()
                        .hint("如：向人民法院提起诉讼、申请仲裁、向有关部门请求处理（《人民调解法》第二十六条）。"),
                    reason("reason", "调解不成的情况", 500),
                ],
                "终止调解",
            ),
            Step::ChangeKind => base(
                step,
                vec![
                    on(),
                    Field::select(
                        "kind",
                        "正确的纠纷类型",
                        options(Kind::ALL, Kind::code, Kind::label_zh),
                        d.kind.code(),
                    )
                    .required(),
                    reason("reason", "更正的理由", 500),
                ],
                "更正并重新分流",
            ),
            Step::Reroute => base(
                step,
                vec![
                    on(),
                    Field::select(
                        "handler",
                        "改派至",
                        options(Handler::ALL, Handler::code, Handler::label_zh),
                        d.handler.code(),
                    )
                    .required(),
                    Field::select(
                        "department_id",
                        "跟踪办理的部门（移交部门、法院、复议、仲裁时选择）",
                        with_all("—", departments.to_vec()),
                        "",
                    ),
                    Field::select(
                        "track",
                        "繁简分流",
                        options(Track::ALL, Track::code, Track::label_zh),
                        d.track.code(),
                    ),
                    reason("reason", "改派的理由", 500),
                ],
                "改派",
            ),
            Step::Withdraw => base(
                step,
                vec![on(), reason("reason", "撤回的情况", 500)],
                "记录撤回",
            ),
            Step::Confirm => base(
                step,
                vec![
                    Field::date("applied_on", "当事人共同申请司法确认的日期", today.clone())
                        .required()
                        .hint("自调解协议生效之日起三十日内（《人民调解法》第三十三条）。"),
                    Field::date("on", "法院确认的日期", today.clone()).required(),
                    Field::text("court_ref", "确认裁定书文号", String::new(), 100).required(),
                ],
                "记录司法确认",
            ),
            Step::FollowUp => base(
                step,
                vec![
                    on(),
                    Field::select(
                        "satisfaction",
                        "当事人评价",
                        options(Satisfaction::ALL, Satisfaction::code, Satisfaction::label_zh),
                        "satisfied",
                    )
                    .required(),
                    reason("note", "回访情况（协议履行情况）", 1000),
                ],
                "记录回访",
            ),
        })
        .collect()
}

/// The dispute's details: who, what, where, the routings with their explanations, the limits.
pub(crate) fn details_of(file: &DisputeFile) -> Vec<(String, String)> {
    let d = &file.dispute;
    let mut details = vec![
        ("编号".to_string(), d.number()),
        ("状态".into(), d.outcome_zh()),
        (
            "来源".into(),
            match &d.hotline_ref {
                Some(r) => format!("{}（工单 {r}）", d.channel.label_zh()),
                None => d.channel.label_zh().into(),
            },
        ),
        ("纠纷类型".into(), d.kind.label_zh().into()),
        ("地点".into(), format!("{}{}", d.town, d.village)),
        ("纠纷情况".into(), d.description.clone()),
        (
            "涉及金额".into(),
            d.amount.map_or_else(|| "—".into(), |a| format!("{a} 元")),
        ),
        ("当事人人数".into(), d.party_count.to_string()),
        ("受理日期".into(), d.received_on.to_string()),
        (
            "现受理单位".into(),
            format!(
                "{}（{}，{} 起）",
                d.handler_name,
                d.track.label_zh(),
                d.level_since
            ),
        ),
    ];
    for p in &file.parties {
        details.push((
            if p.side == "applicant" {
                "申请人".into()
            } else {
                "对方当事人".into()
            },
            if p.phone.is_empty() {
                p.name.clone()
            } else {
                format!("{}（{}）", p.name, p.phone)
            },
        ));
    }
    for (i, r) in file.routings.iter().enumerate() {
        details.push((
            format!("分流 {}：{}", i + 1, r.cause.label_zh()),
            format!(
                "{}　{}{}",
                r.routed_on,
                r.explanation,
                r.reason
                    .as_ref()
                    .map(|x| format!("；理由：{x}"))
                    .unwrap_or_default()
            ),
        ));
    }
    for (label, value) in [
        (
            "调解协议",
            d.agreement.clone().map(|a| {
                format!(
                    "{}（{}{}）",
                    a,
                    if d.oral_agreement {
                        "口头协议，"
                    } else {
                        ""
                    },
                    d.closed_on.map(|x| x.to_string()).unwrap_or_default()
                )
            }),
        ),
        (
            "司法确认",
            d.confirmed_on.map(|c| {
                format!(
                    "{} 申请，{c} 确认，{}",
                    d.confirm_applied_on
                        .map(|x| x.to_string())
                        .unwrap_or_default(),
                    d.confirm_court_ref.clone().unwrap_or_default()
                )
            }),
        ),
        ("告知的途径", d.referred_to.clone()),
        ("说明", d.close_note.clone()),
        (
            "回访",
            d.followed_up_on.map(|f| {
                format!(
                    "{f}，{}：{}",
                    d.satisfaction.map_or("", Satisfaction::label_zh),
                    d.follow_up_note.clone().unwrap_or_default()
                )
            }),
        ),
    ] {
        if let Some(v) = value {
            details.push((label.into(), v));
        }
    }
    details
}

async fn view(
    state: &AppState,
    s: &Signed,
    id: i64,
    error: Option<String>,
    notice: Option<String>,
) -> Result<SectionsPage, PageError> {
    let file = disputes::get(&state.store, &s.actor, id).await?;
    let mut details = details_of(&file);
    let limits = deadlines::for_subject(&state.store, &s.actor, disputes::SUBJECT, &id.to_string())
        .await
        .unwrap_or_default();
    for d in &limits {
        details.push((
            format!("期限：{}", d.purpose),
            format!(
                "{} 届满（{}，{}{}）",
                d.due_on,
                d.state_zh(),
                d.law,
                d.article
            ),
        ));
    }
    let departments: Vec<(String, String)> =
        fazhi_core::org::service::departments(&state.store, &s.actor)
            .await?
            .into_iter()
            .map(|d| (d.id.to_string(), d.name))
            .collect();
    Ok(SectionsPage {
        notice,
        warnings: Vec::new(),
        table: None,
        layout: layout(s),
        title: format!(
            "{}：{}",
            file.dispute.number(),
            file.dispute.kind.label_zh()
        ),
        intro: String::new(),
        error,
        details,
        sections: sections(&file.dispute, s, &departments),
        links: vec![link("/disputes", "返回纠纷工作台")],
    })
}

#[derive(Deserialize)]
pub struct ShowQuery {
    routed: Option<String>,
    done: Option<String>,
}

pub async fn show(
    State(state): State<AppState>,
    s: Signed,
    Path(id): Path<i64>,
    Query(q): Query<ShowQuery>,
) -> Result<Response, PageError> {
    let notice = match (q.routed, q.done.as_deref().and_then(Step::parse)) {
        (Some(_), _) => Some("已登记并按分流规则分流，分流依据见下。".to_string()),
        (_, Some(step)) => Some(format!("已记录：{}。", step.label_zh())),
        _ => None,
    };
    Ok(view(&state, &s, id, None, notice).await?.into_response())
}

fn action(f: &FormData) -> Result<Action, Error> {
    let step =
        Step::parse(f.get("action")).ok_or_else(|| Error::invalid("action", "请选择操作。"))?;
    let on = || f.date("on", "日期");
    Ok(match step {
        Step::Escalate => Action::Escalate {
            on: on()?,
            reason: f.get("reason").into(),
        },
        Step::Reroute => Action::Reroute {
            on: on()?,
            handler: Handler::parse(f.get("handler"))
                .ok_or_else(|| Error::invalid("handler", "请选择改派的受理单位。"))?,
            department_id: f.get("department_id").trim().parse().ok(),
            track: Track::parse(f.get("track"))
                .ok_or_else(|| Error::invalid("track", "请选择繁简分流（简易或复杂）。"))?,
            reason: f.get("reason").into(),
        },
        Step::ChangeKind => Action::ChangeKind {
            on: on()?,
            kind: Kind::parse(f.get("kind"))
                .ok_or_else(|| Error::invalid("kind", "请选择纠纷类型。"))?,
            reason: f.get("reason").into(),
        },
        Step::Agree => Action::Agree {
            on: on()?,
            terms: f.get("terms").into(),
            oral: f.get("oral") == "1",
        },
        Step::Confirm => Action::Confirm {
            applied_on: f.date("applied_on", "申请日期")?,
            on: on()?,
            court_ref: f.get("court_ref").into(),
        },
        Step::Refer => Action::Refer {
            on: on()?,
            to: f.get("to").into(),
            reason: f.get("reason").into(),
        },
        Step::Withdraw => Action::Withdraw {
            on: on()?,
            reason: f.get("reason").into(),
        },
        Step::FollowUp => Action::FollowUp {
            on: on()?,
            satisfaction: Satisfaction::parse(f.get("satisfaction"))
                .ok_or_else(|| Error::invalid("satisfaction", "请选择当事人评价。"))?,
            note: f.get("note").into(),
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
        disputes::apply(&state.ctx(&s.actor, &in_force), id, version, &a)
            .await
            .map(|()| a.step())
    }
    .await;
    match result {
        Ok(step) if disputes::get(&state.store, &s.actor, id).await.is_ok() => {
            Ok(Redirect::to(&format!("/disputes/{id}?done={}", step.code())).into_response())
        }
        // An escalation or a re-routing took the dispute out of the actor's scope.
        Ok(step) => Ok(handed_page(&state, &s, id, step.label_zh())
            .await?
            .into_response()),
        Err(e) => {
            let marked = e.refused_fields();
            let (status, message) = refused(e)?;
            let mut page = view(&state, &s, id, Some(message), None).await?;
            page.refill_step(&f, &marked);
            Ok((status, page).into_response())
        }
    }
}
