//! The evaluation sheet as configured (评查表配置): deductions, vetoes and thresholds with their effective dates.

use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use fazhi_core::supervision::{sheet, sheet_settings};
use fazhi_core::{Error, Permission};

use super::{layout, require};
use crate::AppState;
use crate::error::PageError;
use crate::form::FormData;
use crate::session::Signed;
use crate::view::*;

use super::*;

pub async fn sheet_settings_page(
    State(state): State<AppState>,
    s: Signed,
) -> Result<Response, PageError> {
    require(&s, Permission::CaseRead)?;
    let today = fazhi_core::deadlines::china_today();
    let (current, _) = sheet_settings::in_force(&state.store, today).await?;
    let versions = sheet_settings::versions(&state.store).await?;
    let rows = versions
        .iter()
        .map(|v| {
            let mut changes: Vec<String> = v
                .settings
                .disabled
                .iter()
                .map(|c| format!("{c} 停用"))
                .collect();
            changes.extend(
                v.settings
                    .deductions
                    .iter()
                    .map(|(c, d)| format!("{c} 扣 {d} 分")),
            );
            vec![
                cell(v.effective_from.clone()),
                cell(format!(
                    "优秀 ≥ {}，合格 ≥ {}",
                    v.settings.thresholds.excellent, v.settings.thresholds.pass
                )),
                cell(if changes.is_empty() {
                    "与评查表一致".to_string()
                } else {
                    changes.join("；")
                }),
                cell(v.note.clone().unwrap_or_default()),
                cell(if v.id == current {
                    "现行"
                } else if v.effective_from.as_str() > today.to_string().as_str() {
                    "待生效"
                } else {
                    "已被取代"
                }),
            ]
        })
        .collect();
    let mut actions = Vec::new();
    if s.actor.can(Permission::SupervisionManage) {
        actions.push(link("/supervision/evaluation/settings/new", "新增一版配置"));
    }
    Ok(ListPage {
        prev: None,
        layout: layout(&s),
        title: "评查表配置".into(),
        intro: format!(
            "评查项是否适用、扣分和等次分数线按生效日期分版；某日适用该日或之前最近生效的一版，之前没有任何一版时适用评查表原文（优秀 ≥ {}，合格 ≥ {}，任一否决项即不合格）。新的一版生效后，下一次评查会按它重新评查全部案卷。",
            sheet::DEFAULT_THRESHOLDS.excellent,
            sheet::DEFAULT_THRESHOLDS.pass
        ),
        actions,
        filters: Vec::new(),
        error: None,
        count_text: format!("{} 版", versions.len()),
        hidden: Vec::new(),
        headers: plain(&["生效日期", "等次分数线", "与评查表的不同", "说明", "状态"]),
        rows,
        next: None,
    }
    .into_response())
}

fn sheet_settings_form(s: &Signed, form: Option<&FormData>, error: Option<String>) -> FormPage {
    let tomorrow = fazhi_core::deadlines::china_today()
        .succ_opt()
        .map(|d| d.to_string())
        .unwrap_or_default();
    let pick = |name: &str, default: String| form.map_or(default, |f| f.get(name).to_string());
    let mut page = FormPage::new(
        layout(s),
        "新增一版评查表配置",
        "/supervision/evaluation/settings",
    );
    page.error = error;
    page.intro =
        "生效日期不能早于今天。否决项（一票否决）始终使案卷不合格，其扣分仅用于计分。".into();
    page.fields = vec![
        Field::date(
            "effective_from",
            "生效日期",
            pick("effective_from", tomorrow),
        ),
        Field::text(
            "excellent",
            "优秀线（分）",
            pick("excellent", sheet::DEFAULT_THRESHOLDS.excellent.to_string()),
            3,
        )
        .required(),
        Field::text(
            "pass",
            "合格线（分）",
            pick("pass", sheet::DEFAULT_THRESHOLDS.pass.to_string()),
            3,
        )
        .required(),
    ];
    for rule in sheet::rules() {
        page.fields.push(Field::select(
            format!("{}_on", rule.code),
            format!("{} {}", rule.code, rule.description),
            vec![("1".into(), "适用".into()), ("0".into(), "停用".into())],
            &pick(&format!("{}_on", rule.code), "1".into()),
        ));
        page.fields.push(Field::text(
            format!("{}_deduction", rule.code),
            format!("{} 扣分", rule.code),
            pick(
                &format!("{}_deduction", rule.code),
                rule.deduction.to_string(),
            ),
            3,
        ));
    }
    page.fields.push(Field::text(
        "note",
        "说明",
        pick("note", String::new()),
        500,
    ));
    page.submit = "保存";
    page.links = vec![link("/supervision/evaluation/settings", "返回")];
    page
}

pub async fn sheet_settings_new(s: Signed) -> Result<Response, PageError> {
    require(&s, Permission::SupervisionManage)?;
    Ok(sheet_settings_form(&s, None, None).into_response())
}

pub async fn sheet_settings_create(
    State(state): State<AppState>,
    s: Signed,
    f: FormData,
) -> Result<Response, PageError> {
    require(&s, Permission::SupervisionManage)?;
    let input = || -> Result<sheet_settings::NewVersion, Error> {
        let mut deductions = Vec::new();
        for rule in sheet::rules() {
            let name = format!("{}_deduction", rule.code);
            if !f.get(&name).trim().is_empty() {
                let d = f.get(&name).trim().parse::<i64>().map_err(|_| {
                    Error::invalid("deductions", format!("{} 的扣分应为整数。", rule.code))
                })?;
                deductions.push((rule.code.to_string(), d));
            }
        }
        Ok(sheet_settings::NewVersion {
            effective_from: form_day(&f, "effective_from", "生效日期")?
                .ok_or_else(|| Error::invalid("effective_from", "请填写生效日期。"))?,
            excellent: f.int("excellent", "优秀线")?,
            pass: f.int("pass", "合格线")?,
            disabled: sheet::rules()
                .filter(|r| f.get(&format!("{}_on", r.code)) == "0")
                .map(|r| r.code.to_string())
                .collect(),
            deductions,
            note: f.opt("note"),
        })
    };
    let today = fazhi_core::deadlines::china_today();
    let result = match input() {
        Ok(v) => sheet_settings::save(&state.store, &s.actor, &v, today).await,
        Err(e) => Err(e),
    };
    match result {
        Ok(_) => Ok(Redirect::to("/supervision/evaluation/settings").into_response()),
        Err(e) => {
            let (status, message) = super::super::refused(e)?;
            Ok((status, sheet_settings_form(&s, Some(&f), Some(message))).into_response())
        }
    }
}
