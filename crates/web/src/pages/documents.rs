//! Enforcement document templates: the list, editing without a rebuild, and a .docx preview
//! filled from the example case.

use axum::extract::{Path, State};
use axum::http::header;
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
    let rows = documents::templates(&state.store)
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
        layout: layout(&s),
        title: "执法文书模板".into(),
        intro: "按 GB/T 9704 版式生成 .docx。模板可由管理员直接修改，无需升级系统；保存前用示例案件检查能否完整填充。".into(),
        actions: Vec::new(),
        filters: Vec::new(),
        count_text: format!("共 {} 种文书", rows.len()),
        headers: vec!["文书", "代码", "版本", "最后修改", "预览"],
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
    _s: Signed,
    Path(code): Path<String>,
) -> Result<Response, PageError> {
    let t = documents::get(&state.store, &code).await?;
    let bytes = documents::docx(&documents::render(&t.body, &documents::sample_context())?)?;
    Ok((
        [
            (
                header::CONTENT_TYPE,
                "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
                    .to_string(),
            ),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{code}-sample.docx\""),
            ),
        ],
        bytes,
    )
        .into_response())
}
