//! Penalty case pages: the list (filters, keyset pages), filing a case, and a case's record with
//! its parties (masked), timeline (流程记录) and deadlines.

use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use chrono::NaiveDate;
use fazhi_core::enforcement::cases::{self, CaseFilter, NewCase, NewParty, stage_label};
use fazhi_core::enforcement::rules::PartyKind;
use fazhi_core::{Error, Permission};
use fazhi_store::page::Keyset;
use serde::{Deserialize, Serialize};

use super::org::form_error;
use super::{deadline_state_label, layout, require};
use crate::AppState;
use crate::error::PageError;
use crate::form::FormData;
use crate::session::Signed;
use crate::view::*;

#[derive(Clone, Default, Deserialize, Serialize)]
pub struct ListQuery {
    region_id: Option<String>,
    item_code: Option<String>,
    stage: Option<String>,
    #[serde(skip_serializing)]
    after: Option<i64>,
}

const STAGES: [&str; 9] = [
    "filed",
    "investigation",
    "legal_review",
    "prior_notice",
    "decided",
    "delivered",
    "executed",
    "closed",
    "archived",
];

pub async fn list(
    State(state): State<AppState>,
    s: Signed,
    Query(q): Query<ListQuery>,
) -> Result<Response, PageError> {
    let filter = CaseFilter {
        region_id: q.region_id.as_deref().and_then(|r| r.parse().ok()),
        item_code: q.item_code.clone(),
        stage: q.stage.clone(),
    };
    let page = cases::list(&state.store, &s.actor, &filter, Keyset::new(q.after, None)).await?;
    let rows = page
        .items
        .iter()
        .map(|c| {
            vec![
                cell_link(
                    c.decision_number
                        .clone()
                        .unwrap_or_else(|| format!("案件 {}", c.id)),
                    format!("/enforcement/cases/{}", c.id),
                ),
                cell(&c.cause),
                cell(&c.department_name),
                cell(&c.region_name),
                cell(&c.item_code),
                cell(stage_label(&c.stage)),
                cell(&c.filed_on),
            ]
        })
        .collect::<Vec<_>>();
    let mut regions = vec![(String::new(), "全部".to_string())];
    regions.extend(
        fazhi_core::org::service::regions(&state.store, &s.actor)
            .await
            .unwrap_or_default()
            .into_iter()
            .filter(|r| r.kind != fazhi_core::org::RegionKind::Village)
            .map(|r| (r.id.to_string(), r.name)),
    );
    let mut stages = vec![(String::new(), "全部".to_string())];
    stages.extend(
        STAGES
            .iter()
            .map(|st| (st.to_string(), stage_label(st).to_string())),
    );
    let qs = serde_urlencoded::to_string(&q).unwrap_or_default();
    let mut actions = Vec::new();
    if s.actor.can(Permission::CaseHandle) {
        actions.push(link("/enforcement/cases/new", "立案"));
    }
    Ok(ListPage {
        layout: layout(&s),
        title: "行政处罚案件".into(),
        intro: format!("您可查看的范围：{}。", s.actor.scope.kind.label_zh()),
        actions,
        filters: vec![
            Field::select(
                "region_id",
                "镇乡（街道）",
                regions,
                q.region_id.as_deref().unwrap_or(""),
            ),
            Field::text(
                "item_code",
                "事项编码",
                q.item_code.clone().unwrap_or_default(),
                64,
            ),
            Field::select("stage", "阶段", stages, q.stage.as_deref().unwrap_or("")),
        ],
        count_text: format!("本页 {} 件", rows.len()),
        headers: vec![
            "案号",
            "案由",
            "办案部门",
            "所在区域",
            "事项",
            "阶段",
            "立案日期",
        ],
        rows,
        next: page
            .next
            .map(|n| format!("/enforcement/cases?{qs}&after={n}")),
    }
    .into_response())
}

async fn new_form(
    state: &AppState,
    s: &Signed,
    f: Option<&FormData>,
) -> Result<FormPage, PageError> {
    let depts = fazhi_core::org::service::departments(&state.store, &s.actor).await?;
    let pick = |n: &str| f.map(|f| f.get(n).to_string()).unwrap_or_default();
    let mut page = FormPage::new(layout(s), "立案", "/enforcement/cases");
    page.intro = "立案时系统核对：事项在执法事项目录中有效；镇乡（街道）只能办理已赋权的事项；未超过《行政处罚法》第三十六条的追责期限；当事人证件号码有效。立案后自动开始 90 日的处理期限（第六十条）。".into();
    page.fields = vec![
        Field::select(
            "department_id",
            "办案部门",
            depts
                .iter()
                .map(|d| (d.id.to_string(), d.name.clone()))
                .collect(),
            &pick("department_id"),
        )
        .required(),
        Field::text("item_code", "执法事项编码", pick("item_code"), 64).required(),
        Field::text("cause", "案由", pick("cause"), 200).required(),
        Field::date("act_ended_on", "违法行为终了日", pick("act_ended_on")),
        Field::date("discovered_on", "发现日", pick("discovered_on")),
        Field::date("filed_on", "立案日", pick("filed_on")),
        Field::checkboxes(
            "grave",
            "情节",
            vec![(
                "1".into(),
                "涉及公民生命健康安全、金融安全且有危害后果（追责期限五年）".into(),
            )],
            &f.map(|f| f.all("grave")).unwrap_or_default(),
        ),
        Field::select(
            "party_kind",
            "当事人类型",
            vec![
                ("organisation".into(), "法人或其他组织".into()),
                ("person".into(), "公民".into()),
            ],
            &pick("party_kind"),
        ),
        Field::text("party_name", "当事人名称（姓名）", pick("party_name"), 100).required(),
        Field::text(
            "party_code",
            "统一社会信用代码 / 公民身份号码",
            pick("party_code"),
            18,
        )
        .required()
        .hint("身份号码加密保存，页面只显示 330681********1234 形式。"),
    ];
    page.submit = "立案";
    Ok(page)
}

pub async fn new(State(state): State<AppState>, s: Signed) -> Result<Response, PageError> {
    require(&s, Permission::CaseHandle)?;
    Ok(new_form(&state, &s, None).await?.into_response())
}

fn parse(f: &FormData) -> Result<NewCase, Error> {
    let date = |n: &'static str, label: &str| {
        NaiveDate::parse_from_str(f.get(n).trim(), "%Y-%m-%d")
            .map_err(|_| Error::invalid(n, format!("请填写{label}（YYYY-MM-DD）。")))
    };
    let kind = if f.get("party_kind") == "person" {
        PartyKind::Person
    } else {
        PartyKind::Organisation
    };
    let code = f.opt("party_code");
    Ok(NewCase {
        item_code: f.get("item_code").trim().to_string(),
        cause: f.get("cause").to_string(),
        department_id: f.int("department_id", "办案部门")?,
        town_id: None,
        act_ended_on: date("act_ended_on", "违法行为终了日")?,
        discovered_on: date("discovered_on", "发现日")?,
        filed_on: date("filed_on", "立案日")?,
        grave: f.get("grave") == "1",
        parties: vec![NewParty {
            kind,
            name: f.get("party_name").to_string(),
            resident_id: if kind == PartyKind::Person {
                code.clone()
            } else {
                None
            },
            uscc: if kind == PartyKind::Organisation {
                code
            } else {
                None
            },
        }],
    })
}

pub async fn create(
    State(state): State<AppState>,
    s: Signed,
    f: FormData,
) -> Result<Response, PageError> {
    require(&s, Permission::CaseHandle)?;
    let result = match parse(&f) {
        Ok(input) => {
            let cal = fazhi_core::calendar::load(&state.store).await?;
            let (policy, _) = fazhi_core::settings::warning_policy(&state.store).await?;
            cases::file(&state.store, &s.actor, &state.keyring, &cal, policy, &input).await
        }
        Err(e) => Err(e),
    };
    match result {
        Ok(id) => Ok(Redirect::to(&format!("/enforcement/cases/{id}")).into_response()),
        Err(e) => form_error(new_form(&state, &s, Some(&f)).await?, e),
    }
}

pub async fn show(
    State(state): State<AppState>,
    s: Signed,
    Path(id): Path<i64>,
) -> Result<Response, PageError> {
    let d = cases::get(&state.store, &s.actor, id).await?;
    let c = &d.case;
    let mut details = vec![
        ("案由".to_string(), c.cause.clone()),
        ("阶段".into(), stage_label(&c.stage).into()),
        ("办案部门".into(), c.department_name.clone()),
        ("所在区域".into(), c.region_name.clone()),
        ("执法事项".into(), c.item_code.clone()),
        (
            "违法行为终了 / 发现 / 立案".into(),
            format!("{} / {} / {}", c.act_ended_on, c.discovered_on, c.filed_on),
        ),
    ];
    for p in &d.parties {
        details.push((
            "当事人".into(),
            format!(
                "{}（{}）",
                p.name,
                p.resident_id_masked
                    .clone()
                    .or(p.uscc.clone())
                    .unwrap_or_default()
            ),
        ));
    }
    for e in &d.events {
        details.push((
            format!("{} {}", e.happened_on, stage_label(&e.stage)),
            format!("{}（{}）", e.note, e.actor_name),
        ));
    }
    let mut page = FormPage::new(
        layout(&s),
        format!(
            "案件 {}",
            c.decision_number
                .clone()
                .unwrap_or_else(|| c.id.to_string())
        ),
        "",
    );
    page.details = details;
    for dl in &d.deadlines {
        page.links.push(link(
            format!("/deadlines/{}", dl.id),
            format!(
                "{}：{} 届满（{}）",
                dl.purpose,
                dl.due_on,
                deadline_state_label(&dl.state)
            ),
        ));
    }
    Ok(page.into_response())
}
