//! The working-day calendar's administration: published years, importing a new year's notice,
//! the city's own non-working days, and when deadline lights turn yellow.

use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use fazhi_core::{Error, Permission, calendar, settings};
use fazhi_kernel::deadline::WarningPolicy;

use super::org::form_error;
use super::{layout, require};
use crate::AppState;
use crate::error::PageError;
use crate::form::FormData;
use crate::session::Signed;
use crate::view::*;

async fn page(
    state: &AppState,
    s: &Signed,
    form: Option<&FormData>,
) -> Result<FormPage, PageError> {
    let cal = calendar::load(&state.store).await?;
    let (policy, version) = settings::warning_policy(&state.store).await?;
    let mut page = FormPage::new(layout(s), "工作日历", "/admin/calendar");
    page.intro = "法定节假日和调休按国务院办公厅每年的通知计算；未公布年度按周末推算并标明“未确认”。新年度通知公布后在此导入，无需升级系统；导入或增加本地休息日后，所有未办结的期限自动重算。".into();
    page.details = cal
        .published_years()
        .map(|(y, source)| (format!("{y}年"), source.to_string()))
        .collect();
    for (day, reason) in calendar::local_rest_days(&state.store).await? {
        page.details.push((format!("本地休息日 {day}"), reason));
    }
    let pick = |name: &str, default: String| form.map_or(default, |f| f.get(name).to_string());
    page.fields = vec![
        Field::select(
            "action",
            "操作",
            vec![
                ("import".into(), "导入年度安排".into()),
                ("local".into(), "增加本地休息日".into()),
                ("warning".into(), "修改预警设置".into()),
            ],
            &pick("action", "import".into()),
        ),
        Field::textarea("body", "年度安排（导入时填写）", pick("body", String::new()))
            .hint("格式：第一行“[2027] 国务院办公厅关于2027年部分节假日安排的通知（文号）”，然后“rest 日期…”（放假日）和“work 日期…”（调休上班日），日期写成 YYYY-MM-DD，以空格分隔。"),
        Field::date("day", "本地休息日（增加时填写）", pick("day", String::new())),
        Field::text("reason", "原因（增加本地休息日时填写）", pick("reason", String::new()), 100),
        Field::text("share_percent", "黄灯：已过期限的百分比", pick("share_percent", policy.share_percent.to_string()), 2),
        Field::text("working_days_left", "黄灯：或剩余工作日不超过", pick("working_days_left", policy.working_days_left.to_string()), 2),
    ];
    page.hidden.push(("version", version.to_string()));
    page.submit = "提交";
    Ok(page)
}

pub async fn show(State(state): State<AppState>, s: Signed) -> Result<Response, PageError> {
    require(&s, Permission::OrgManage)?;
    Ok(page(&state, &s, None).await?.into_response())
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
    match result {
        Ok(()) => Ok(Redirect::to("/admin/calendar").into_response()),
        Err(e) => form_error(page(&state, &s, Some(&f)).await?, e),
    }
}
