//! The centre's review procedures as text, edited at run time.

use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use fazhi_core::Error;
use fazhi_core::review::procedure;

use super::super::layout;
use crate::AppState;
use crate::error::PageError;
use crate::form::FormData;
use crate::session::Signed;
use crate::view::*;

/// The centre's procedures (流程配置): the text in force, editable by the centre.
async fn procedures_form(
    state: &AppState,
    s: &Signed,
    posted: Option<&FormData>,
    error: Option<Error>,
) -> Result<FormPage, PageError> {
    let procedures = procedure::in_force(&state.store).await?;
    let mut page = FormPage::new(layout(s), "合法性审查流程配置", "/review/procedures");
    page.intro = format!(
        "每个类别的环节、各环节必需的材料、受理和出具意见的环节、审查期限（工作日）及其依据。现行：{}。正在办理的审查事项所属类别，环节不能增删或调换顺序；已有审查事项的类别不能删除。{}",
        procedures
            .all()
            .iter()
            .map(|p| format!(
                "{}（{} 个环节，{} 个工作日）",
                p.name,
                p.stages.len(),
                p.limit_days
            ))
            .collect::<Vec<_>>()
            .join("；"),
        if procedures.version == 0 {
            "当前为系统内置流程。"
        } else {
            ""
        }
    );
    page.hidden = vec![("version", procedures.version.to_string())];
    page.fields = vec![
        Field::textarea(
            "procedures",
            "流程配置（TOML）",
            posted.map_or_else(
                || procedures.text.to_string(),
                |f| f.get("procedures").to_string(),
            ),
        )
        .required()
        .max(100_000),
    ];
    if let Some(e) = error {
        mark(&mut page.fields, &e.refused_fields());
        page.error = Some(e.message_zh());
    }
    page.submit = "保存";
    page.links = vec![link("/review/requests", "返回合法性审查")];
    Ok(page)
}

pub async fn procedures_page(
    State(state): State<AppState>,
    s: Signed,
) -> Result<Response, PageError> {
    s.actor
        .require(fazhi_core::Permission::NormativeManage)
        .map_err(PageError)?;
    Ok(procedures_form(&state, &s, None, None)
        .await?
        .into_response())
}

pub async fn procedures_save(
    State(state): State<AppState>,
    s: Signed,
    f: FormData,
) -> Result<Response, PageError> {
    s.actor
        .require(fazhi_core::Permission::NormativeManage)
        .map_err(PageError)?;
    let result = async {
        let version = f.int("version", "版本")?;
        procedure::save(&state.store, &s.actor, version, f.get("procedures")).await
    }
    .await;
    match result {
        Ok(()) => Ok(Redirect::to("/review/procedures").into_response()),
        Err(e @ (Error::Invalid { .. } | Error::Several(_) | Error::Conflict)) => Ok((
            crate::error::status_of(&e),
            procedures_form(&state, &s, Some(&f), Some(e)).await?,
        )
            .into_response()),
        Err(e) => Err(PageError(e)),
    }
}
