//! Administrative-to-criminal transfer (行刑衔接): thresholds, unreferred cases, the transfer and public security's decision.

use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use chrono::NaiveDate;
use fazhi_core::supervision::transfers;
use fazhi_core::{Error, Permission};
use serde::Deserialize;

use super::{layout, require};
use crate::AppState;
use crate::error::PageError;
use crate::form::FormData;
use crate::session::Signed;
use crate::view::*;

use super::*;

pub async fn transfers_page(
    State(state): State<AppState>,
    s: Signed,
) -> Result<Response, PageError> {
    let transfers = transfers::list(&state.store, &s.actor).await?;
    let items = &transfers.items;
    let (flagged, _) = transfers::unreferred(&state.store, &s.actor).await?;
    let rows = items
        .iter()
        .map(|t| {
            vec![
                cell_link(t.cause.clone(), format!("/supervision/transfers/{}", t.id)),
                cell(t.department.clone()),
                cell(t.transferred_on.clone()),
                cell(format!("{}（涉嫌{}）", t.receiver, t.suspected_crime)),
                cell(t.state_label()),
            ]
        })
        .collect();
    let accepted = items
        .iter()
        .filter(|t| t.state == transfers::TransferState::Accepted)
        .count();
    Ok(ListPage {
        prev: None,
        layout: layout(&s),
        title: "行刑衔接".into(),
        intro: format!(
            "已移送 {} 件，公安机关已立案 {accepted} 件。违法所得达到事项追诉标准而未移送的案件 {flagged} 件。公安机关应自接受移送之日起 3 日内审查决定是否立案（{}）。",
            items.len(),
            "《行政执法机关移送涉嫌犯罪案件的规定》第八条"
        ),
        actions: vec![
            link("/supervision/transfers/unreferred", format!("应移未移案件（{flagged} 件）")),
            link("/supervision/transfers/thresholds", "事项追诉标准"),
        ],
        filters: Vec::new(),
        error: None,
        count_text: format!("最近 {} 件", items.len()),
        hidden: Vec::new(),
        headers: plain(&["案件", "移送单位", "移送日期", "接收机关", "状态"]),
        rows,
        next: None,
    }
    .into_response())
}

pub async fn unreferred_page(
    State(state): State<AppState>,
    s: Signed,
) -> Result<Response, PageError> {
    let (count, flagged) = transfers::unreferred(&state.store, &s.actor).await?;
    let handle = s.actor.can(Permission::CaseHandle);
    let rows = flagged
        .iter()
        .map(|f| {
            vec![
                cell_link(f.cause.clone(), format!("/enforcement/cases/{}", f.case_id)),
                cell(f.department.clone()),
                cell(format!("{} 元", f.illegal_gains.yuan())),
                cell(format!("{} 元", f.threshold.yuan())),
                if handle {
                    cell_link(
                        "移送公安机关",
                        format!("/supervision/transfers/new?case_id={}", f.case_id),
                    )
                } else {
                    cell("")
                },
            ]
        })
        .collect();
    Ok(ListPage {
        prev: None,
        layout: layout(&s),
        title: "应移未移案件".into(),
        intro: format!(
            "违法所得达到所涉事项追诉标准、尚未移送公安机关的案件共 {count} 件（显示前 {} 件）。",
            transfers::FLAG_LIMIT
        ),
        actions: vec![link("/supervision/transfers", "返回行刑衔接")],
        filters: Vec::new(),
        error: None,
        count_text: String::new(),
        hidden: Vec::new(),
        headers: plain(&["案件", "办案单位", "违法所得", "追诉标准", ""]),
        rows,
        next: None,
    }
    .into_response())
}

async fn thresholds_view(
    state: &AppState,
    s: &Signed,
    form: Option<&FormData>,
    error: Option<String>,
) -> Result<SectionsPage, PageError> {
    let list = transfers::thresholds(&state.store).await?;
    let details = list
        .iter()
        .map(|t| {
            (
                format!("{} {}", t.item_code, t.item_name),
                format!("违法所得 {} 元（{}）", t.illegal_gains.yuan(), t.basis),
            )
        })
        .collect();
    let pick = |name: &str| form.map_or(String::new(), |f| f.get(name).to_string());
    let mut sections = Vec::new();
    if s.actor.can(Permission::SupervisionManage) {
        sections.push(FormSection {
            title: "设定事项的追诉标准".into(),
            action: "/supervision/transfers/thresholds".into(),
            hidden: Vec::new(),
            fields: vec![
                Field::text("item_code", "事项编码", pick("item_code"), 32).required(),
                Field::text("illegal_gains", "违法所得达到（元）", pick("illegal_gains"), 20)
                    .required(),
                Field::text("basis", "依据", pick("basis"), 200)
                    .required()
                    .hint("如：《最高人民检察院 公安部关于公安机关管辖的刑事案件立案追诉标准的规定（一）》第某条"),
            ],
            submit: "保存",
        });
    }
    Ok(SectionsPage {
        notice: None,
        warnings: Vec::new(),
        table: None,
        layout: layout(s),
        title: "事项追诉标准".into(),
        intro: "违法所得达到事项追诉标准的案件，未移送公安机关的列为应移未移。".into(),
        error,
        details,
        sections,
        links: vec![link("/supervision/transfers", "返回行刑衔接")],
    })
}

pub async fn thresholds_page(
    State(state): State<AppState>,
    s: Signed,
) -> Result<Response, PageError> {
    Ok(thresholds_view(&state, &s, None, None)
        .await?
        .into_response())
}

pub async fn threshold_set(
    State(state): State<AppState>,
    s: Signed,
    f: FormData,
) -> Result<Response, PageError> {
    require(&s, Permission::SupervisionManage)?;
    let result = match fazhi_kernel::money::Fen::parse_yuan(f.get("illegal_gains").trim()) {
        Ok(amount) => {
            transfers::set_threshold(
                &state.store,
                &s.actor,
                f.get("item_code"),
                amount,
                f.get("basis"),
            )
            .await
        }
        Err(_) => Err(Error::invalid(
            "illegal_gains",
            "金额应为元，如 5000 或 5000.00。",
        )),
    };
    match result {
        Ok(()) => Ok(Redirect::to("/supervision/transfers/thresholds").into_response()),
        Err(e) => {
            let (status, message) = super::super::refused(e)?;
            Ok((
                status,
                thresholds_view(&state, &s, Some(&f), Some(message)).await?,
            )
                .into_response())
        }
    }
}

#[derive(Deserialize)]
pub struct TransferQuery {
    case_id: Option<i64>,
}

async fn transfer_form(
    state: &AppState,
    s: &Signed,
    case_id: i64,
    form: Option<&FormData>,
    error: Option<String>,
) -> Result<FormPage, PageError> {
    let case = fazhi_core::enforcement::cases::get(&state.store, &s.actor, case_id).await?;
    let pick = |name: &str, default: String| form.map_or(default, |f| f.get(name).to_string());
    let mut page = FormPage::new(layout(s), "移送涉嫌犯罪案件", "/supervision/transfers");
    page.error = error;
    page.details = vec![
        ("案件".into(), case.case.cause.clone()),
        ("办案单位".into(), case.case.department_name.clone()),
        ("立案日期".into(), case.case.filed_on.clone()),
    ];
    page.hidden = vec![("case_id", case_id.to_string())];
    page.fields = vec![
        Field::date(
            "on",
            "移送日期",
            pick("on", fazhi_core::deadlines::china_today().to_string()),
        ),
        Field::date(
            "reported_on",
            "报告负责人日期",
            pick("reported_on", String::new()),
        )
        .required()
        .hint("执法人员向本机关负责人书面报告涉嫌犯罪的日期；负责人应在三日内决定（第五条）。"),
        Field::date(
            "approved_on",
            "负责人批准移送日期",
            pick("approved_on", String::new()),
        )
        .required()
        .hint("批准后应在二十四小时内移送公安机关（第五条）。"),
        Field::text(
            "approver",
            "批准移送的负责人",
            pick("approver", String::new()),
            50,
        )
        .required(),
        Field::text(
            "receiver",
            "接收的公安机关",
            pick("receiver", "诸暨市公安局".into()),
            100,
        )
        .required(),
        Field::text(
            "suspected_crime",
            "涉嫌罪名",
            pick("suspected_crime", String::new()),
            100,
        )
        .required(),
        Field::textarea(
            "evidence",
            "移送的证据材料清单",
            pick("evidence", String::new()),
        )
        .required()
        .hint("每行一项：涉嫌犯罪案件移送书、调查报告、涉案物品清单、检验报告或鉴定结论等。"),
        Field::checkboxes(
            "economic",
            "案件类别",
            vec![("1".into(), "涉嫌经济犯罪（公安机关审查期限 10 日）".into())],
            &[],
        ),
    ];
    page.submit = "移送";
    page.links = vec![link(format!("/enforcement/cases/{case_id}"), "返回案件")];
    Ok(page)
}

pub async fn transfer_new(
    State(state): State<AppState>,
    s: Signed,
    Query(q): Query<TransferQuery>,
) -> Result<Response, PageError> {
    require(&s, Permission::CaseHandle)?;
    let case_id = q
        .case_id
        .ok_or_else(|| PageError(Error::invalid("case_id", "请从案件进入移送。")))?;
    Ok(transfer_form(&state, &s, case_id, None, None)
        .await?
        .into_response())
}

pub async fn transfer_create(
    State(state): State<AppState>,
    s: Signed,
    f: FormData,
) -> Result<Response, PageError> {
    require(&s, Permission::CaseHandle)?;
    let case_id = f.int("case_id", "案件")?;
    let in_force = state.in_force().await?;
    let day = |field: &'static str, label: &str| -> Result<NaiveDate, Error> {
        form_day(&f, field, label)?.ok_or_else(|| Error::invalid(field, format!("请填写{label}。")))
    };
    let input = (|| {
        Ok::<_, Error>(transfers::NewTransfer {
            case_id,
            on: day("on", "移送日期")?,
            reported_on: day("reported_on", "报告负责人日期")?,
            approved_on: day("approved_on", "负责人批准移送日期")?,
            approver: f.get("approver").to_string(),
            receiver: f.get("receiver").to_string(),
            suspected_crime: f.get("suspected_crime").to_string(),
            evidence: f.get("evidence").to_string(),
            economic: f.get("economic") == "1",
        })
    })();
    let result = match input {
        Ok(input) => transfers::transfer(&state.ctx(&s.actor, &in_force), &input).await,
        Err(e) => Err(e),
    };
    match result {
        Ok(id) => Ok(Redirect::to(&format!("/supervision/transfers/{id}")).into_response()),
        Err(e) => {
            let (status, message) = super::super::refused(e)?;
            Ok((
                status,
                transfer_form(&state, &s, case_id, Some(&f), Some(message)).await?,
            )
                .into_response())
        }
    }
}

async fn transfer_view(
    state: &AppState,
    s: &Signed,
    id: i64,
    error: Option<String>,
) -> Result<SectionsPage, PageError> {
    let t = transfers::get(&state.store, &s.actor, id).await?;
    let mut details = vec![
        ("案件".to_string(), t.cause.clone()),
        ("移送单位".into(), t.department.clone()),
        ("移送日期".into(), t.transferred_on.clone()),
        ("接收机关".into(), t.receiver.clone()),
        ("涉嫌罪名".into(), t.suspected_crime.clone()),
        ("证据材料清单".into(), t.evidence.clone()),
        ("状态".into(), t.state_label().to_string()),
    ];
    if let (Some(reported), Some(approved)) = (&t.reported_on, &t.approved_on) {
        details.push((
            "报告负责人 / 批准移送".into(),
            format!(
                "{reported} / {approved}（{}）",
                t.approver.as_deref().unwrap_or("")
            ),
        ));
        let dates = [reported, approved, &t.transferred_on].map(|d| fazhi_kernel::date::parse(d));
        if let [Some(r), Some(a), Some(sent)] = dates {
            let in_force = state.in_force().await?;
            let cal = &in_force.0;
            let late = transfers::approval_lateness(cal, r, a, sent);
            details.push((
                "第五条期限".into(),
                if late.is_empty() {
                    "负责人三日内决定、批准后二十四小时内移送：均在期限内".into()
                } else {
                    late.join("")
                },
            ));
        }
    }
    if let Some(d) = &t.decided_on {
        details.push(("公安机关决定日期".into(), d.clone()));
    }
    if let Some(n) = &t.decision_note {
        details.push(("说明".into(), n.clone()));
    }
    let mut sections = Vec::new();
    if t.state == transfers::TransferState::Transferred && s.actor.can(Permission::CaseHandle) {
        sections.push(FormSection {
            title: "登记公安机关的审查决定".into(),
            action: format!("/supervision/transfers/{id}"),
            hidden: vec![("version", t.version.to_string())],
            fields: vec![
                Field::date(
                    "on",
                    "决定日期",
                    fazhi_core::deadlines::china_today().to_string(),
                ),
                Field::select(
                    "decision",
                    "决定",
                    vec![
                        ("accepted".into(), "立案".into()),
                        ("returned".into(), "不予立案（退回）".into()),
                    ],
                    "accepted",
                ),
                Field::textarea("note", "说明（不予立案的须写明理由）", ""),
            ],
            submit: "登记",
        });
    }
    Ok(SectionsPage {
        notice: None,
        warnings: Vec::new(),
        table: None,
        layout: layout(s),
        title: "涉嫌犯罪案件移送".into(),
        intro: String::new(),
        error,
        details,
        sections,
        links: vec![
            link(format!("/enforcement/cases/{}", t.case_id), "查看案件"),
            link("/supervision/transfers", "返回行刑衔接"),
        ],
    })
}

pub async fn transfer_show(
    State(state): State<AppState>,
    s: Signed,
    Path(id): Path<i64>,
) -> Result<Response, PageError> {
    Ok(transfer_view(&state, &s, id, None).await?.into_response())
}

pub async fn transfer_decide(
    State(state): State<AppState>,
    s: Signed,
    Path(id): Path<i64>,
    f: FormData,
) -> Result<Response, PageError> {
    let in_force = state.in_force().await?;
    let result = match (f.int("version", "版本"), form_day(&f, "on", "决定日期")) {
        (Ok(v), Ok(Some(on))) => {
            let decision = transfers::Decision {
                on,
                accepted: f.get("decision") != "returned",
                note: f.opt("note"),
            };
            transfers::decide(&state.ctx(&s.actor, &in_force), id, v, &decision).await
        }
        (Ok(_), Ok(None)) => Err(Error::invalid("on", "请填写决定日期。")),
        (Err(e), _) | (_, Err(e)) => Err(e),
    };
    match result {
        Ok(()) => Ok(Redirect::to(&format!("/supervision/transfers/{id}")).into_response()),
        Err(e) => {
            let (status, message) = super::super::refused(e)?;
            Ok((status, transfer_view(&state, &s, id, Some(message)).await?).into_response())
        }
    }
}
