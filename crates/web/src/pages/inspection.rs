//! Inspection records (行政检查记录) and the officers' enforcement certificates (执法证).

use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use chrono::NaiveDate;
use fazhi_core::inspection::records::{self, NewCertificate, NewInspection, Outcome};
use fazhi_core::org::{self, UserFilter};
use fazhi_core::{Error, Permission};
use fazhi_store::page::Keyset;
use serde::{Deserialize, Serialize};

use super::{layout, refused, require};
use crate::AppState;
use crate::error::PageError;
use crate::form::FormData;
use crate::session::Signed;
use crate::view::*;

fn day(f: &FormData, name: &'static str, label: &str) -> Result<NaiveDate, Error> {
    NaiveDate::parse_from_str(f.get(name).trim(), "%Y-%m-%d")
        .map_err(|_| Error::invalid(name, format!("{label}应为日期（YYYY-MM-DD）。")))
}

// ---- certificates ----

async fn certificates_view(
    state: &AppState,
    s: &Signed,
    form: Option<&FormData>,
    error: Option<String>,
) -> Result<SectionsPage, PageError> {
    let list = records::certificates(&state.store, &s.actor).await?;
    let details = list
        .iter()
        .map(|c| {
            (
                format!("{}（{}）", c.holder, c.department),
                format!(
                    "执法证 {}，有效期 {} 至 {}{}",
                    c.number,
                    c.valid_from,
                    c.valid_until,
                    c.revoked_on
                        .as_deref()
                        .map(|r| format!("，{r} 注销"))
                        .unwrap_or_default()
                ),
            )
        })
        .collect();
    let mut sections = Vec::new();
    if s.actor.can(Permission::SupervisionManage) && s.actor.can(Permission::OrgRead) {
        let users = org::service::users(
            &state.store,
            &s.actor,
            &state.keyring,
            &UserFilter::default(),
            Keyset::new(None, Some(500)),
        )
        .await?;
        let pick = |name: &str| form.map_or(String::new(), |f| f.get(name).to_string());
        sections.push(FormSection {
            title: "登记执法证".into(),
            action: "/inspection/certificates".into(),
            hidden: Vec::new(),
            fields: vec![
                Field::select(
                    "user_id",
                    "持证人",
                    users
                        .items
                        .iter()
                        .map(|u| {
                            (
                                u.id.to_string(),
                                format!("{}（{}）", u.display_name, u.department_name),
                            )
                        })
                        .collect(),
                    &pick("user_id"),
                )
                .required(),
                Field::text("number", "执法证号", pick("number"), 32).required(),
                Field::date("valid_from", "有效期起", pick("valid_from")),
                Field::date("valid_until", "有效期止", pick("valid_until")),
            ],
            submit: "登记",
        });
    }
    Ok(SectionsPage {
        layout: layout(s),
        title: "执法证".into(),
        intro: "参与行政检查和调查的执法人员须持有检查当日有效的执法证，且不少于两人（行政处罚法第四十二条）。".into(),
        error,
        details,
        sections,
        links: vec![link("/inspection/inspections", "检查记录")],
    })
}

pub async fn certificates_page(
    State(state): State<AppState>,
    s: Signed,
) -> Result<Response, PageError> {
    Ok(certificates_view(&state, &s, None, None)
        .await?
        .into_response())
}

pub async fn certificate_create(
    State(state): State<AppState>,
    s: Signed,
    f: FormData,
) -> Result<Response, PageError> {
    require(&s, Permission::SupervisionManage)?;
    let input = || -> Result<NewCertificate, Error> {
        Ok(NewCertificate {
            user_id: f.int("user_id", "持证人")?,
            number: f.get("number").to_string(),
            valid_from: day(&f, "valid_from", "有效期起")?,
            valid_until: day(&f, "valid_until", "有效期止")?,
        })
    };
    let result = match input() {
        Ok(c) => records::issue_certificate(&state.store, &s.actor, &c).await,
        Err(e) => Err(e),
    };
    match result {
        Ok(_) => Ok(Redirect::to("/inspection/certificates").into_response()),
        Err(e) => {
            let (status, message) = refused(e)?;
            Ok((
                status,
                certificates_view(&state, &s, Some(&f), Some(message)).await?,
            )
                .into_response())
        }
    }
}

// ---- inspections ----

#[derive(Clone, Default, Deserialize, Serialize)]
pub struct InspectionsQuery {
    entity: Option<String>,
    #[serde(skip_serializing)]
    after: Option<i64>,
}

pub async fn inspections_page(
    State(state): State<AppState>,
    s: Signed,
    Query(q): Query<InspectionsQuery>,
) -> Result<Response, PageError> {
    let page = records::list(
        &state.store,
        &s.actor,
        q.entity.as_deref(),
        Keyset::new(q.after, None),
    )
    .await?;
    let rows = page
        .items
        .iter()
        .map(|i| {
            vec![
                cell_link(
                    format!("{}（{}）", i.entity_name, i.entity_uscc),
                    format!("/inspection/inspections/{}", i.id),
                ),
                cell(i.department.clone()),
                cell(i.inspected_on.clone()),
                cell(i.items.join("、")),
                cell(i.outcome.label_zh()),
                cell(match (i.joint, i.random_draw) {
                    (true, true) => "联合、双随机",
                    (true, false) => "联合检查",
                    (false, true) => "双随机",
                    _ => "",
                }),
            ]
        })
        .collect();
    let mut actions = vec![link("/inspection/certificates", "执法证")];
    if s.actor.can(Permission::CaseHandle) {
        actions.insert(0, link("/inspection/inspections/new", "登记检查"));
    }
    let next = page.next.map(|after| {
        format!(
            "/inspection/inspections?{}&after={after}",
            serde_urlencoded::to_string(&q).unwrap_or_default()
        )
    });
    Ok(ListPage {
        layout: layout(&s),
        title: "行政检查记录".into(),
        intro: format!("您可查看的范围：{}。", s.actor.scope.kind.label_zh()),
        actions,
        filters: vec![Field::text(
            "entity",
            "被检查对象统一社会信用代码",
            q.entity.clone().unwrap_or_default(),
            18,
        )],
        count_text: format!("本页 {} 次", page.items.len()),
        headers: vec!["被检查对象", "检查部门", "日期", "事项", "结果", "方式"],
        rows,
        next,
    }
    .into_response())
}

async fn inspection_form(
    state: &AppState,
    s: &Signed,
    form: Option<&FormData>,
    error: Option<String>,
) -> Result<FormPage, PageError> {
    let depts = org::service::departments(&state.store, &s.actor).await?;
    let officers = records::certificates(&state.store, &s.actor).await?;
    let pick = |name: &str, default: String| form.map_or(default, |f| f.get(name).to_string());
    let mut officer_options: Vec<(String, String)> = officers
        .iter()
        .map(|c| {
            (
                c.user_id.to_string(),
                format!("{}（执法证 {}）", c.holder, c.number),
            )
        })
        .collect();
    officer_options.dedup_by(|a, b| a.0 == b.0);
    let mut page = FormPage::new(layout(s), "登记行政检查", "/inspection/inspections");
    page.error = error;
    page.fields = vec![
        Field::text(
            "entity_uscc",
            "被检查对象统一社会信用代码",
            pick("entity_uscc", String::new()),
            18,
        )
        .required(),
        Field::text(
            "entity_name",
            "被检查对象名称",
            pick("entity_name", String::new()),
            100,
        )
        .required(),
        Field::select(
            "department_id",
            "检查部门",
            depts
                .iter()
                .map(|d| (d.id.to_string(), d.name.clone()))
                .collect(),
            &pick("department_id", String::new()),
        )
        .required(),
        Field::date(
            "on",
            "检查日期",
            pick("on", fazhi_core::deadlines::china_today().to_string()),
        ),
        Field::text(
            "items",
            "检查事项（执法事项编码，以逗号分隔）",
            pick("items", String::new()),
            500,
        )
        .required(),
        Field::checkboxes(
            "officers",
            "执法人员（不少于两人）",
            officer_options,
            &form.map(|f| f.all("officers")).unwrap_or_default(),
        ),
        Field::select(
            "outcome",
            "检查结果",
            Outcome::ALL
                .iter()
                .map(|o| (o.code().to_string(), o.label_zh().to_string()))
                .collect(),
            &pick("outcome", "no_problem".into()),
        ),
        Field::text(
            "case_id",
            "关联案件编号（立案查处的）",
            pick("case_id", String::new()),
            20,
        ),
        Field::select(
            "joint",
            "联合检查（综合查一次）",
            vec![("0".into(), "否".into()), ("1".into(), "是".into())],
            &pick("joint", "0".into()),
        ),
        Field::select(
            "random_draw",
            "双随机抽查",
            vec![("0".into(), "否".into()), ("1".into(), "是".into())],
            &pick("random_draw", "0".into()),
        ),
        Field::textarea("note", "检查情况", pick("note", String::new())),
    ];
    page.submit = "登记";
    page.links = vec![link("/inspection/inspections", "返回")];
    Ok(page)
}

pub async fn inspection_new(
    State(state): State<AppState>,
    s: Signed,
) -> Result<Response, PageError> {
    require(&s, Permission::CaseHandle)?;
    Ok(inspection_form(&state, &s, None, None)
        .await?
        .into_response())
}

pub async fn inspection_create(
    State(state): State<AppState>,
    s: Signed,
    f: FormData,
) -> Result<Response, PageError> {
    require(&s, Permission::CaseHandle)?;
    let input = || -> Result<NewInspection, Error> {
        let officers = f
            .all("officers")
            .iter()
            .map(|o| {
                o.parse::<i64>()
                    .map_err(|_| Error::invalid("officers", "请选择执法人员。"))
            })
            .collect::<Result<Vec<_>, _>>()?;
        Ok(NewInspection {
            entity_uscc: f.get("entity_uscc").to_string(),
            entity_name: f.get("entity_name").to_string(),
            department_id: f.int("department_id", "检查部门")?,
            on: day(&f, "on", "检查日期")?,
            items: f
                .get("items")
                .split([',', '，', '、', ' '])
                .map(str::to_string)
                .collect(),
            officers,
            outcome: Outcome::parse(f.get("outcome"))
                .ok_or_else(|| Error::invalid("outcome", "请选择检查结果。"))?,
            case_id: f.opt_int("case_id", "关联案件编号")?,
            note: f.opt("note"),
            joint: f.get("joint") == "1",
            random_draw: f.get("random_draw") == "1",
        })
    };
    let today = fazhi_core::deadlines::china_today();
    let result = match input() {
        Ok(i) => records::record(&state.store, &s.actor, today, &i).await,
        Err(e) => Err(e),
    };
    match result {
        Ok(id) => Ok(Redirect::to(&format!("/inspection/inspections/{id}")).into_response()),
        Err(e) => {
            let (status, message) = refused(e)?;
            Ok((
                status,
                inspection_form(&state, &s, Some(&f), Some(message)).await?,
            )
                .into_response())
        }
    }
}

pub async fn inspection_show(
    State(state): State<AppState>,
    s: Signed,
    Path(id): Path<i64>,
) -> Result<Response, PageError> {
    let i = records::get(&state.store, &s.actor, id).await?;
    let mut details = vec![
        (
            "被检查对象".to_string(),
            format!("{}（{}）", i.entity_name, i.entity_uscc),
        ),
        ("检查部门".into(), i.department.clone()),
        ("检查日期".into(), i.inspected_on.clone()),
        ("检查事项".into(), i.items.join("、")),
        (
            "执法人员".into(),
            i.officers
                .iter()
                .map(|(name, number)| format!("{name}（执法证 {number}）"))
                .collect::<Vec<_>>()
                .join("、"),
        ),
        ("检查结果".into(), i.outcome.label_zh().to_string()),
        ("联合检查".into(), if i.joint { "是" } else { "否" }.into()),
        (
            "双随机抽查".into(),
            if i.random_draw { "是" } else { "否" }.into(),
        ),
    ];
    if let Some(n) = &i.note {
        details.push(("检查情况".into(), n.clone()));
    }
    let mut links = Vec::new();
    if let Some(c) = i.case_id {
        links.push(link(
            format!("/enforcement/cases/{c}"),
            "查看立案查处的案件",
        ));
    }
    links.push(link(
        format!("/inspection/inspections?entity={}", i.entity_uscc),
        "该对象的全部检查",
    ));
    links.push(link("/inspection/inspections", "返回列表"));
    Ok(SectionsPage {
        layout: layout(&s),
        title: "行政检查记录".into(),
        intro: String::new(),
        error: None,
        details,
        sections: Vec::new(),
        links,
    }
    .into_response())
}
