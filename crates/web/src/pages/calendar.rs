//! The working-day calendar's administration: published years, importing a new year's notice,
//! the city's own non-working days, and when deadline lights turn yellow.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use fazhi_core::{Error, Permission, calendar, settings};
use fazhi_kernel::deadline::WarningPolicy;

use super::{layout, require};
use crate::AppState;
use crate::error::{PageError, status_of};
use crate::form::FormData;
use crate::session::Signed;
use crate::view::*;

fn section(title: &str, action: &str, fields: Vec<Field>, submit: &'static str) -> FormSection {
    FormSection {
        title: title.to_string(),
        action: "/admin/calendar".into(),
        hidden: vec![("action", action.to_string())],
        fields,
        submit,
    }
}

async fn page(
    state: &AppState,
    s: &Signed,
    form: Option<&FormData>,
    error: Option<String>,
) -> Result<SectionsPage, PageError> {
    let cal = calendar::load(&state.store).await?;
    let (policy, version) = settings::warning_policy(&state.store).await?;
    let mut details: Vec<(String, String)> = cal
        .published_years()
        .map(|(y, source)| (format!("{y}年"), source.to_string()))
        .collect();
    for (day, reason) in calendar::local_rest_days(&state.store).await? {
        details.push((format!("本地休息日 {day}"), reason));
    }
    // Re-show what was typed in the form that failed, and only there.
    let typed = |action: &str, name: &str, default: String| {
        form.filter(|f| f.get("action") == action)
            .map_or(default, |f| f.get(name).to_string())
    };
    let mut warning = section(
        "期限预警设置",
        "warning",
        vec![
            Field::text(
                "share_percent",
                "黄灯：已过期限的百分比",
                typed("warning", "share_percent", policy.share_percent.to_string()),
                2,
            )
            .required(),
            Field::text(
                "working_days_left",
                "黄灯：或剩余工作日不超过",
                typed(
                    "warning",
                    "working_days_left",
                    policy.working_days_left.to_string(),
                ),
                2,
            )
            .required(),
        ],
        "保存预警设置",
    );
    warning.hidden.push(("version", version.to_string()));
    Ok(SectionsPage {
 notice: None, warnings: Vec::new(), table: None,
        layout: layout(s),
        title: "工作日历".into(),
        intro: "法定节假日和调休按国务院办公厅每年的通知计算；未公布年度按周末推算并标明“未确认”。新年度通知公布后在此导入，无需升级系统；导入或增加本地休息日后，所有未办结的期限自动重算。".into(),
        error,
        details,
        sections: vec![
            section(
                "导入年度节假日安排",
                "import",
                vec![Field::textarea("body", "年度安排", typed("import", "body", String::new()))
                    .required()
                    .hint("第一行“[2027] 国务院办公厅关于2027年部分节假日安排的通知（文号）”，然后“rest 日期…”（放假日）和“work 日期…”（调休上班日），日期写成 YYYY-MM-DD，以空格分隔。")],
                "导入",
            ),
            section(
                "增加本地休息日",
                "local",
                vec![
                    Field::date("day", "日期", typed("local", "day", String::new())),
                    Field::text("reason", "原因", typed("local", "reason", String::new()), 100).required(),
                ],
                "增加",
            ),
            warning,
        ],
        links: Vec::new(),
    })
}

pub async fn show(State(state): State<AppState>, s: Signed) -> Result<Response, PageError> {
    require(&s, Permission::OrgManage)?;
    Ok(page(&state, &s, None, None).await?.into_response())
}

pub async fn update(
    State(state): State<AppState>,
    s: Signed,
    f: FormData,
) -> Result<Response, PageError> {
    require(&s, Permission::OrgManage)?;
    let result = match f.get("action") {
        "import" => calendar::import(&state.store, &s.actor, f.get("body"))
            .await
            .map(|_| ()),
        "local" => {
            calendar::add_local_rest_day(&state.store, &s.actor, f.get("day"), f.get("reason"))
                .await
        }
        "warning" => match (
            f.int("share_percent", "百分比"),
            f.int("working_days_left", "剩余工作日"),
            f.int("version", "版本号"),
        ) {
            (Ok(share), Ok(left), Ok(version)) => {
                let policy = WarningPolicy {
                    share_percent: u32::try_from(share).unwrap_or(0),
                    working_days_left: u32::try_from(left).unwrap_or(u32::MAX),
                };
                settings::set_warning_policy(&state.store, &s.actor, version, policy).await
            }
            (Err(e), _, _) | (_, Err(e), _) | (_, _, Err(e)) => Err(e),
        },
        _ => Err(Error::invalid("action", "请选择操作。")),
    };
    // Whatever was tried, the next deadline computed here reads the calendar and policy again.
    state.in_force.forget();
    match result {
        Ok(()) => Ok(Redirect::to("/admin/calendar").into_response()),
        Err(Error::Store(e)) => Err(PageError(Error::Store(e))),
        Err(e) => {
            let status: StatusCode = status_of(&e);
            Ok((
                status,
                page(&state, &s, Some(&f), Some(e.message_zh())).await?,
            )
                .into_response())
        }
    }
}
