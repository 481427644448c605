//! Enforcement document templates: the list, editing without a rebuild, and a .docx preview
//! filled from the example case.

use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use fazhi_core::Permission;
use fazhi_core::enforcement::documents;

use super::org::form_error;
use super::{layout, require};
use crate::AppState;
use crate::error::PageError;
use crate::form::FormData;
use crate::session::Signed;
use crate::view::*;

pub async fn list(State(state): State<AppState>, s: Signed) -> Result<Response, PageError> {
    let rows = documents::templates(&state.store, &s.actor)
        .await?
        .into_iter()
        .map(|t| {
            vec![
                cell_link(&t.name, format!("/enforcement/templates/{}", t.code)),
                cell(&t.code),
                cell(t.version.to_string()),
                cell(t.updated_by.unwrap_or_else(|| "系统内置".into())),
                cell_link(
                    "预览 .docx",
                    format!("/enforcement/templates/{}/sample.docx", t.code),
                ),
            ]
        })
        .collect::<Vec<_>>();
    Ok(ListPage {
        prev: None,
        layout: layout(&s),
        title: "执法文书模板".into(),
        intro: "按 GB/T 9704 版式生成 .docx。模板可由管理员直接修改，无需升级系统；保存前用示例案件检查能否完整填充。".into(),
        actions: if s.actor.can(Permission::CatalogManage) {
            vec![link(
                "/enforcement/document-settings",
                "执法文书信息（缴款账号、复议机关、法院）",
            )]
        } else {
            Vec::new()
        },
        filters: Vec::new(),
        error: None,
        count_text: format!("共 {} 种文书", rows.len()),
        hidden: Vec::new(),
        headers: plain(&["文书", "代码", "版本", "最后修改", "预览"]),
        rows,
        next: None,
    }
    .into_response())
}

fn edit_form(s: &Signed, t: &documents::DocumentTemplate, body: Option<&str>) -> FormPage {
    let mut page = FormPage::new(
        layout(s),
        format!("执法文书模板：{}", t.name),
        format!("/enforcement/templates/{}", t.code),
    );
    page.intro = "行首标记：“# ”居中标题（小标宋二号），“>> ”右对齐（文号、落款、日期），“- ”不缩进，其余为首行缩进两字的正文段落。{{ 变量 }} 取自案件，例如 {{ party.name }}、{{ case_number }}。".into();
    page.fields = vec![Field::textarea("body", "模板内容", body.unwrap_or(&t.body)).required()];
    page.hidden.push(("version", t.version.to_string()));
    page.links = vec![
        link(
            format!("/enforcement/templates/{}/sample.docx", t.code),
            "用示例案件预览 .docx",
        ),
        link("/enforcement/templates", "返回模板列表"),
    ];
    page
}

pub async fn show(
    State(state): State<AppState>,
    s: Signed,
    Path(code): Path<String>,
) -> Result<Response, PageError> {
    require(&s, Permission::CatalogManage)?;
    let t = documents::get(&state.store, &code).await?;
    Ok(edit_form(&s, &t, None).into_response())
}

pub async fn update(
    State(state): State<AppState>,
    s: Signed,
    Path(code): Path<String>,
    f: FormData,
) -> Result<Response, PageError> {
    require(&s, Permission::CatalogManage)?;
    let t = documents::get(&state.store, &code).await?;
    let result = match f.int("version", "版本号") {
        Ok(version) => {
            documents::update(&state.store, &s.actor, &code, version, f.get("body")).await
        }
        Err(e) => Err(e),
    };
    match result {
        Ok(()) => Ok(Redirect::to("/enforcement/templates").into_response()),
        Err(e) => form_error(edit_form(&s, &t, Some(f.get("body"))), e),
    }
}

pub async fn sample(
    State(state): State<AppState>,
    s: Signed,
    Path(code): Path<String>,
) -> Result<Response, PageError> {
    let bytes = documents::sample(&state.store, &s.actor, &code).await?;
    Ok(super::docx_response(&format!("{code}-sample.docx"), bytes))
}

#[derive(serde::Deserialize)]
pub struct SettingsQuery {
    department_id: Option<i64>,
    /// "1" after a save: the page says so.
    saved: Option<String>,
}

/// The form for one department's document settings, filled with what is saved.
async fn settings_page(
    state: &AppState,
    s: &Signed,
    department_id: Option<i64>,
    shown: Option<&documents::DocumentSettings>,
    just_saved: bool,
) -> Result<FormPage, PageError> {
    let depts = fazhi_core::org::service::departments(&state.store, &s.actor).await?;
    let chosen = department_id.or(depts.first().map(|d| d.id));
    let saved = match (shown, chosen) {
        (Some(v), _) => v.clone(),
        (None, Some(id)) => documents::settings(&state.store, id).await?,
        (None, None) => documents::DocumentSettings::default(),
    };
    let mut page = FormPage::new(layout(s), "执法文书信息", "/enforcement/document-settings");
    page.intro = format!(
        "{}行政处罚决定书据此写明罚款缴纳的银行和账号、行政复议机关和管辖法院（集中管辖的，填写指定的法院）。未填写的，文书中显示“（待填写）”，公开前审查不予通过。下方表单是所示部门已保存的设置；其他部门请从页尾的部门列表进入。",
        if just_saved { "已保存。" } else { "" }
    );
    // The form edits the department shown, filled with what it has saved; another department
    // is another page (a select here would keep the fields of the first and overwrite the
    // second with them).
    let name = depts
        .iter()
        .find(|d| Some(d.id) == chosen)
        .map(|d| d.name.clone())
        .unwrap_or_default();
    page.details = vec![("部门".into(), name)];
    page.hidden = vec![(
        "department_id",
        chosen.map(|c| c.to_string()).unwrap_or_default(),
    )];
    page.links = depts
        .iter()
        .filter(|d| Some(d.id) != chosen)
        .map(|d| {
            link(
                format!("/enforcement/document-settings?department_id={}", d.id),
                d.name.clone(),
            )
        })
        .collect();
    let value = |v: &Option<String>| v.clone().unwrap_or_default();
    page.fields = vec![
        Field::text("payment_bank", "缴款银行", value(&saved.payment_bank), 100),
        Field::text(
            "payment_account",
            "缴款账号",
            value(&saved.payment_account),
            40,
        ),
        Field::text(
            "reconsideration_body",
            "行政复议机关",
            value(&saved.reconsideration_body),
            100,
        )
        .hint("例如：诸暨市人民政府（《行政复议法》第二十四条）。"),
        Field::text("court", "管辖法院", value(&saved.court), 100),
        Field::text(
            "contact_phone",
            "联系电话（事先告知书）",
            value(&saved.contact_phone),
            30,
        ),
        Field::text(
            "contact_address",
            "联系地址（事先告知书）",
            value(&saved.contact_address),
            200,
        ),
    ];
    Ok(page)
}

pub async fn settings(
    State(state): State<AppState>,
    s: Signed,
    axum::extract::Query(q): axum::extract::Query<SettingsQuery>,
) -> Result<Response, PageError> {
    require(&s, Permission::CatalogManage)?;
    Ok(
        settings_page(&state, &s, q.department_id, None, q.saved.is_some())
            .await?
            .into_response(),
    )
}

pub async fn set_settings(
    State(state): State<AppState>,
    s: Signed,
    f: FormData,
) -> Result<Response, PageError> {
    require(&s, Permission::CatalogManage)?;
    let input = documents::DocumentSettings {
        payment_bank: f.opt("payment_bank"),
        payment_account: f.opt("payment_account"),
        reconsideration_body: f.opt("reconsideration_body"),
        court: f.opt("court"),
        contact_phone: f.opt("contact_phone"),
        contact_address: f.opt("contact_address"),
    };
    let department = f.get("department_id").trim().parse::<i64>().ok();
    let result = match department {
        Some(id) => documents::set_settings(&state.store, &s.actor, id, &input).await,
        None => Err(fazhi_core::Error::invalid("department_id", "请选择部门。")),
    };
    match result {
        Ok(()) => Ok(Redirect::to(&format!(
            "/enforcement/document-settings?department_id={}&saved=1",
            department.unwrap_or_default()
        ))
        .into_response()),
        Err(e) => form_error(
            settings_page(&state, &s, department, Some(&input), false).await?,
            e,
        ),
    }
}
