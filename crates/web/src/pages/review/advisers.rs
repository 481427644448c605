//! The review centre's advisers (审查人员库): legal advisers, the expert pool and the towns'
//! "1+3+N" teams; adding one, and recording the units one must stay away from.

use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use fazhi_core::review::advisers::{self, AdviserKind, NewAdviser};
use fazhi_core::{Error, Permission};

use super::super::{layout, refused};
use crate::AppState;
use crate::error::PageError;
use crate::form::FormData;
use crate::session::Signed;
use crate::view::*;

pub async fn list(State(state): State<AppState>, s: Signed) -> Result<Response, PageError> {
    let all = advisers::list(&state.store, &s.actor).await?;
    let rows = all
        .iter()
        .map(|a| {
            vec![
                cell_link(a.name.clone(), format!("/review/advisers/{}", a.id)),
                cell(a.kind.label_zh()),
                cell(a.organisation.clone()),
                cell(a.specialty.clone()),
                cell(a.town.clone().unwrap_or_default()),
                cell(
                    a.conflicts
                        .iter()
                        .map(|(_, unit, _)| unit.as_str())
                        .collect::<Vec<_>>()
                        .join("、"),
                ),
            ]
        })
        .collect::<Vec<_>>();
    let mut actions = vec![link("/review/requests", "返回合法性审查")];
    if s.actor.can(Permission::NormativeManage) {
        actions.insert(0, link("/review/advisers/new", "添加人员"));
    }
    Ok(ListPage {
        prev: None,
        layout: layout(&s),
        title: "审查人员库".into(),
        intro: "审查中心以外参与合法性审查的人员：法律顾问、专家库专家和各镇乡（街道）“1+3+N”审查团队成员。记录其应当回避的单位：征求意见时，来自该单位的事项不能由其参与；“1+3+N”团队成员只参与本镇乡（街道）的事项。".into(),
        actions,
        filters: Vec::new(),
        error: None,
        count_text: format!("共 {} 人", rows.len()),
        hidden: Vec::new(),
        headers: plain(&["姓名", "类别", "所在单位", "专长", "所属镇乡", "应当回避的单位"]),
        rows,
        next: None,
    }
    .into_response())
}

async fn towns(state: &AppState) -> Result<Vec<(String, String)>, PageError> {
    Ok(
        std::iter::once((String::new(), "不属于镇乡团队".to_string()))
            .chain(
                advisers::towns(&state.store)
                    .await?
                    .into_iter()
                    .map(|(id, name)| (id.to_string(), name)),
            )
            .collect(),
    )
}

async fn new_form(
    state: &AppState,
    s: &Signed,
    posted: Option<&FormData>,
    error: Option<Error>,
) -> Result<FormPage, PageError> {
    let pick = |name: &str| posted.map_or(String::new(), |f| f.get(name).to_string());
    let mut page = FormPage::new(layout(s), "添加审查人员", "/review/advisers");
    page.fields = vec![
        Field::text("name", "姓名", pick("name"), 50).required(),
        Field::select(
            "kind",
            "类别",
            AdviserKind::ALL
                .iter()
                .map(|k| (k.code().to_string(), k.label_zh().to_string()))
                .collect(),
            &pick("kind"),
        )
        .required(),
        Field::text("organisation", "所在单位", pick("organisation"), 100).required(),
        Field::text("specialty", "专长", pick("specialty"), 100),
        Field::select(
            "town_id",
            "所属镇乡（仅“1+3+N”团队成员）",
            towns(state).await?,
            &pick("town_id"),
        ),
    ];
    if let Some(e) = error {
        mark(&mut page.fields, &e.refused_fields());
        page.error = Some(e.message_zh());
    }
    page.submit = "添加";
    page.links = vec![link("/review/advisers", "返回")];
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
    s.actor
        .require(Permission::NormativeManage)
        .map_err(PageError)?;
    let in_force = state.in_force().await?;
    let town_id = match f.get("town_id").trim() {
        "" => None,
        v => v.parse::<i64>().ok(),
    };
    match advisers::create(
        &state.ctx(&s.actor, &in_force),
        &NewAdviser {
            name: f.get("name"),
            kind: AdviserKind::parse(f.get("kind")),
            organisation: f.get("organisation"),
            specialty: f.get("specialty"),
            town_id,
        },
    )
    .await
    {
        Ok(id) => Ok(Redirect::to(&format!("/review/advisers/{id}")).into_response()),
        Err(e @ (Error::Invalid { .. } | Error::Several(_))) => Ok((
            crate::error::status_of(&e),
            new_form(&state, &s, Some(&f), Some(e)).await?,
        )
            .into_response()),
        Err(e) => Err(PageError(e)),
    }
}

async fn view(
    state: &AppState,
    s: &Signed,
    id: i64,
    error: Option<String>,
) -> Result<SectionsPage, PageError> {
    // The register's permission first: a missing id is then "not found".
    advisers::list(&state.store, &s.actor).await?;
    let a = advisers::get(&state.store, id).await.map_err(|e| match e {
        Error::Invalid { .. } => PageError(Error::NotFound),
        e => PageError(e),
    })?;
    let mut details = vec![
        ("类别".to_string(), a.kind.label_zh().to_string()),
        ("所在单位".into(), a.organisation.clone()),
        ("专长".into(), a.specialty.clone()),
    ];
    if let Some(t) = &a.town {
        details.push(("所属镇乡".into(), t.clone()));
    }
    for (_, unit, why) in &a.conflicts {
        details.push((format!("回避：{unit}"), why.clone()));
    }
    let mut sections = Vec::new();
    if s.actor.can(Permission::NormativeManage) {
        let units = fazhi_core::org::service::departments(&state.store, &s.actor)
            .await?
            .into_iter()
            .map(|d| (d.id.to_string(), d.name))
            .collect();
        sections.push(FormSection {
            title: "记录应当回避的单位".into(),
            action: format!("/review/advisers/{id}/conflicts"),
            hidden: Vec::new(),
            fields: vec![
                Field::select("department_id", "单位", units, "").required(),
                Field::textarea("reason", "回避理由", String::new())
                    .required()
                    .max(500)
                    .hint("如：担任该单位法律顾问；近亲属在该单位任职。"),
            ],
            submit: "记录",
        });
    }
    Ok(SectionsPage {
        notice: None,
        warnings: Vec::new(),
        table: None,
        layout: layout(s),
        title: a.name.clone(),
        intro: String::new(),
        error,
        details,
        sections,
        links: vec![link("/review/advisers", "返回审查人员库")],
    })
}

pub async fn show(
    State(state): State<AppState>,
    s: Signed,
    Path(id): Path<i64>,
) -> Result<Response, PageError> {
    Ok(view(&state, &s, id, None).await?.into_response())
}

pub async fn add_conflict(
    State(state): State<AppState>,
    s: Signed,
    Path(id): Path<i64>,
    f: FormData,
) -> Result<Response, PageError> {
    s.actor
        .require(Permission::NormativeManage)
        .map_err(PageError)?;
    let in_force = state.in_force().await?;
    let result = async {
        let unit = f.int("department_id", "单位")?;
        advisers::add_conflict(&state.ctx(&s.actor, &in_force), id, unit, f.get("reason")).await
    }
    .await;
    match result {
        Ok(()) => Ok(Redirect::to(&format!("/review/advisers/{id}")).into_response()),
        Err(e) => {
            let (status, message) = refused(e)?;
            Ok((status, view(&state, &s, id, Some(message)).await?).into_response())
        }
    }
}
