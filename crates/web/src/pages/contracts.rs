//! Administrative contracts: the register, registering one, and a contract's page with its
//! review, signing with milestones, filing, performance and closing.

use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use chrono::NaiveDate;
use fazhi_core::contracts::{self, Action, AdministrativeContract, Step, allowed_steps};
use fazhi_core::{Error, Permission, deadlines};
use fazhi_kernel::money::Fen;
use serde::Deserialize;

use super::{layout, refused};
use crate::AppState;
use crate::error::PageError;
use crate::form::FormData;
use crate::session::Signed;
use crate::view::*;

#[derive(Deserialize)]
pub struct ListQuery {
    after: Option<i64>,
}

pub async fn list(
    State(state): State<AppState>,
    s: Signed,
    Query(q): Query<ListQuery>,
) -> Result<Response, PageError> {
    let page = contracts::list(&state.store, &s.actor, q.after).await?;
    let rows = page
        .items
        .iter()
        .map(|c| {
            vec![
                cell_link(c.title.clone(), format!("/contracts/{}", c.id)),
                cell(c.counterparty.clone()),
                cell(c.department.clone()),
                cell(Fen(c.amount_fen).to_string()),
                cell(match (c.major, c.reviewed) {
                    (true, true) => "重大，已审查",
                    (true, false) => "重大，未审查",
                    (false, true) => "已审查",
                    (false, false) => "",
                }),
                cell(c.stage.label_zh()),
                cell(c.signed_on.clone().unwrap_or_default()),
            ]
        })
        .collect::<Vec<_>>();
    let mut actions = Vec::new();
    if s.actor.can(Permission::CaseHandle) {
        actions.push(link("/contracts/new", "登记合同"));
    }
    Ok(ListPage {
        prev: None,
        layout: layout(&s),
        title: "行政合同".into(),
        intro: format!(
            "{}订立的行政合同。重大行政合同（标注为重大，或金额在 {} 以上）须经合法性审查、取得审查意见后方可签订；签订后报送备案，履行节点按期提醒。",
            if s.actor.can(Permission::SupervisionManage) {
                "全市各单位"
            } else {
                "本单位"
            },
            contracts::MAJOR_AMOUNT
        ),
        actions,
        filters: Vec::new(),
        error: None,
        count_text: format!("本页 {} 份", rows.len()),
        hidden: Vec::new(),
        headers: plain(&["合同", "相对方", "单位", "金额", "合法性审查", "状态", "签订日期"]),
        rows,
        next: page.next.map(|n| format!("/contracts?after={n}")),
    }
    .into_response())
}

fn new_form(s: &Signed, posted: Option<&FormData>, error: Option<Error>) -> FormPage {
    let pick = |name: &str| posted.map_or(String::new(), |f| f.get(name).to_string());
    let mut page = FormPage::new(layout(s), "登记行政合同", "/contracts");
    page.fields = vec![
        Field::text("title", "合同名称", pick("title"), 200).required(),
        Field::text("counterparty", "合同相对方", pick("counterparty"), 200).required(),
        Field::text("amount", "合同金额（元）", pick("amount"), 20).required(),
        Field::checkboxes(
            "major",
            "重大行政合同",
            vec![(
                "1".into(),
                "属于重大行政合同（须经合法性审查后方可签订）".into(),
            )],
            &[],
        ),
    ];
    if let Some(e) = error {
        mark(&mut page.fields, &e.refused_fields());
        page.error = Some(e.message_zh());
    }
    page.submit = "登记";
    page.links = vec![link("/contracts", "返回")];
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
    match contracts::create(
        &state.ctx(&s.actor, &in_force),
        f.get("title"),
        f.get("counterparty"),
        f.get("amount"),
        f.get("major") == "1",
    )
    .await
    {
        Ok(id) => Ok(Redirect::to(&format!("/contracts/{id}")).into_response()),
        Err(e @ (Error::Invalid { .. } | Error::Several(_))) => {
            Ok((crate::error::status_of(&e), new_form(&s, Some(&f), Some(e))).into_response())
        }
        Err(e) => Err(PageError(e)),
    }
}

/// `linkable`: the reviews the unit may link, offered when the review step is open.
fn sections(
    s: &Signed,
    c: &AdministrativeContract,
    linkable: &[(String, String)],
) -> Vec<FormSection> {
    let linkable = linkable.to_vec();
    if !s.actor.can(Permission::CaseHandle) {
        return Vec::new();
    }
    let today = deadlines::china_today().to_string();
    let base = |step: Step, title: &str, fields: Vec<Field>, submit: &'static str| {
        FormSection::step(
            format!("/contracts/{}", c.id),
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
            Step::LinkReview => base(
                step,
                "关联合法性审查",
                vec![
                    Field::select("review_id", "合法性审查", linkable.clone(), "")
                        .required()
                        .hint(if linkable.is_empty() {
                            "本单位还没有可关联的、已办结的“行政合同”类合法性审查：请先送审。"
                                .to_string()
                        } else {
                            "本单位已办结、尚未关联其他事项的“行政合同”类合法性审查。".to_string()
                        }),
                ],
                "关联",
            ),
            Step::Sign => base(
                step,
                "签订",
                vec![
                    Field::date("on", "签订日期", today.clone()).required(),
                    Field::textarea("milestones", "履行节点", String::new())
                        .max(4000)
                        .hint(
                            "每行一个：节点名称 期限（YYYY-MM-DD），例如：首期服务验收 2025-06-30",
                        ),
                ],
                "签订",
            ),
            Step::File => base(
                step,
                "报送备案",
                vec![Field::date("on", "备案日期", today.clone()).required()],
                "记录备案",
            ),
            Step::MilestoneDone => {
                let open: Vec<(String, String)> = c
                    .milestones
                    .iter()
                    .filter(|m| m.done_on.is_none())
                    .map(|m| (m.seq.to_string(), format!("{}（{} 前）", m.name, m.due_on)))
                    .collect();
                let first = open.first().map(|o| o.0.clone()).unwrap_or_default();
                base(
                    step,
                    "履行节点完成",
                    vec![
                        Field::select("seq", "履行节点", open, &first).required(),
                        Field::date("on", "完成日期", today.clone()).required(),
                        Field::textarea("note", "说明", String::new()).max(500),
                    ],
                    "记录完成",
                )
            }
            Step::Complete => base(
                step,
                "履行完毕",
                vec![Field::date("on", "履行完毕日期", today.clone()).required()],
                "履行完毕",
            ),
            Step::Terminate => base(
                step,
                "终止合同",
                vec![
                    Field::date("on", "终止日期", today.clone()).required(),
                    Field::textarea("reason", "终止理由", String::new())
                        .required()
                        .max(500),
                ],
                "终止",
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
    let c = contracts::get(&state.store, &s.actor, id).await?;
    let mut details = vec![
        ("相对方".to_string(), c.counterparty.clone()),
        ("订立单位".into(), c.department.clone()),
        (
            "金额".into(),
            format!(
                "{}（{}）",
                Fen(c.amount_fen),
                Fen(c.amount_fen).capital_zh()
            ),
        ),
        (
            "重大行政合同".into(),
            if c.major { "是" } else { "否" }.into(),
        ),
        ("状态".into(), c.stage.label_zh().into()),
        (
            "合法性审查".into(),
            match (&c.review, c.review_id) {
                (Some((n, conclusion)), _) => format!("{n}：{conclusion}"),
                (None, Some(r)) => format!("审查 {r}"),
                (None, None) if c.major => "未审查（签订前必须审查）".into(),
                (None, None) => "未审查".into(),
            },
        ),
        (
            "签订日期".into(),
            c.signed_on.clone().unwrap_or_else(|| "—".into()),
        ),
        (
            "备案日期".into(),
            c.filed_on.clone().unwrap_or_else(|| "未备案".into()),
        ),
    ];
    for m in &c.milestones {
        details.push((
            format!("履行节点 {}：{}", m.seq, m.name),
            match &m.done_on {
                Some(d) => format!(
                    "{} 前；{d} 已完成{}",
                    m.due_on,
                    m.note
                        .as_deref()
                        .map(|n| format!("（{n}）"))
                        .unwrap_or_default()
                ),
                None => format!("{} 前；未完成", m.due_on),
            },
        ));
    }
    if let (Some(on), Some(note)) = (&c.closed_on, &c.close_note) {
        details.push(("终止".into(), format!("{on}：{note}")));
    }
    let mut links = vec![link("/contracts", "返回行政合同")];
    if let Some(r) = c.review_id {
        links.insert(0, link(format!("/review/requests/{r}"), "合法性审查记录"));
    }
    let linkable = if s.actor.can(Permission::CaseHandle) {
        fazhi_core::review::linkable(&state.store, &s.actor, "contract")
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
        title: c.title.clone(),
        intro: String::new(),
        error,
        details,
        sections: sections(s, &c, &linkable),
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

fn day(f: &FormData, name: &'static str, label: &str) -> Result<NaiveDate, Error> {
    f.date(name, label)
}

/// "名称 2025-06-30" per line.
fn milestones(text: &str) -> Result<Vec<(String, NaiveDate)>, Error> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(|l| {
            let (name, date) = l.rsplit_once(char::is_whitespace).unwrap_or(("", l));
            let due = fazhi_kernel::date::parse(date.trim()).ok_or_else(|| {
                Error::invalid(
                    "milestones",
                    format!("履行节点“{l}”应写成：节点名称 YYYY-MM-DD。"),
                )
            })?;
            Ok((name.trim().to_string(), due))
        })
        .collect()
}

async fn action(state: &AppState, f: &FormData) -> Result<Action, Error> {
    Ok(match f.get("action") {
        "link_review" => Action::LinkReview {
            review: fazhi_core::review::review_facts(
                &state.store,
                f.int("review_id", "合法性审查编号")?,
            )
            .await?,
        },
        "sign" => Action::Sign {
            on: day(f, "on", "签订日期")?,
            milestones: milestones(f.get("milestones"))?,
        },
        "file" => Action::File {
            on: day(f, "on", "备案日期")?,
        },
        "milestone_done" => Action::MilestoneDone {
            seq: f.int("seq", "履行节点")?,
            on: day(f, "on", "完成日期")?,
            note: f.get("note").to_string(),
        },
        "complete" => Action::Complete {
            on: day(f, "on", "履行完毕日期")?,
        },
        "terminate" => Action::Terminate {
            on: day(f, "on", "终止日期")?,
            reason: f.get("reason").to_string(),
        },
        _ => return Err(Error::invalid("action", "请选择操作。")),
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
        contracts::apply(&state.ctx(&s.actor, &in_force), id, version, &a).await
    }
    .await;
    match result {
        Ok(()) => Ok(Redirect::to(&format!("/contracts/{id}")).into_response()),
        Err(e) => {
            let marked = e.refused_fields();
            let (status, message) = refused(e)?;
            let mut page = view(&state, &s, id, Some(message)).await?;
            page.refill_step(&f, &marked);
            Ok((status, page).into_response())
        }
    }
}
