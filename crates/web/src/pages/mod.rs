//! Server-rendered pages, one file per module, mirroring `fazhi_core`.

pub mod acts;
pub mod admin;
pub mod audit;
pub mod calendar;
pub mod cases;
pub mod contracts;
pub mod dashboard;
pub mod deadlines;
pub mod decisions;
pub mod disclosure;
pub mod discretion;
pub mod disputes;
pub mod documents;
pub mod draws;
pub mod enforcement;
pub mod figures;
pub mod inspection;
pub mod joint_plans;
pub mod litigation;
pub mod long_jobs;
pub mod normative;
pub mod org;
pub mod reconsideration;
pub mod review;
pub mod supervision;

use axum::Extension;
use axum::extract::{Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use fazhi_core::auth;
use fazhi_core::{Error, Permission};
use serde::Deserialize;

use crate::AppState;
use crate::error::PageError;
use crate::form::FormData;
use crate::session::{SessionState, Signed, clear_cookie, set_cookie};
use crate::view::*;

/// A generated .docx as a download named `filename`.
pub fn docx_response(filename: &str, bytes: Vec<u8>) -> Response {
    (
        [
            (
                header::CONTENT_TYPE,
                "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
                    .to_string(),
            ),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{filename}\""),
            ),
        ],
        bytes,
    )
        .into_response()
}

/// A write the domain refused, as the status and message its form shows again; a store failure
/// stays an internal error.
pub fn refused(e: Error) -> Result<(StatusCode, String), PageError> {
    match e {
        Error::Store(_) => Err(PageError(e)),
        e => Ok((crate::error::status_of(&e), e.message_zh())),
    }
}

pub fn layout(s: &Signed) -> Layout {
    Layout::for_actor(&s.actor, &s.csrf, &s.path)
}

pub async fn home(State(state): State<AppState>, s: Signed) -> Result<Response, PageError> {
    let a = &s.actor;
    let todos = match a.user_id {
        Some(user) => fazhi_core::deadlines::for_user(&state.store, user, 50).await?,
        None => Vec::new(),
    };
    let today = fazhi_core::deadlines::china_today().to_string();
    let todos = todos
        .into_iter()
        .map(|d| {
            // The light follows the due date itself, not only the hourly scan: a limit past
            // its day is red even before the scan has lit it.
            let past_due = !d.party_period
                && (d.state == "overdue"
                    || (d.state == "running" && d.due_on.as_str() < today.as_str()));
            let (light, light_label) = match d.warning.as_str() {
                _ if past_due => ("red", "红灯"),
                "red" => ("red", "红灯"),
                "yellow" => ("yellow", "黄灯"),
                _ => ("none", "正常"),
            };
            let state = d.state_zh();
            Todo {
                light,
                light_label,
                purpose: d.purpose,
                due: d.due_on,
                basis: format!("{}{}", d.law, d.article),
                state,
                href: format!("/deadlines/{}", d.id),
            }
        })
        .collect();
    let unread = fazhi_core::messages::unread(&state.store, a).await?;
    let mut facts = vec![
        ("用户名".to_string(), a.name.clone()),
        ("姓名".to_string(), a.display_name.clone()),
        ("数据权限".to_string(), a.scope.kind.label_zh().to_string()),
    ];
    if let Some(k) = a.admin_kind {
        facts.push(("管理员角色".into(), k.label_zh().into()));
    }
    let perms: Vec<&str> = a.permissions.iter().map(|p| p.label_zh()).collect();
    facts.push((
        "权限".into(),
        if perms.is_empty() {
            "无".into()
        } else {
            perms.join("、")
        },
    ));
    let shortcuts = layout(&s)
        .nav
        .into_iter()
        .flat_map(|g| g.items)
        .filter(|n| n.href != "/")
        .map(|n| link(n.href, n.label))
        .collect();
    Ok(HomePage {
        layout: layout(&s),
        greeting: format!("{}，您好。", a.display_name),
        todos,
        unread,
        facts,
        shortcuts,
    }
    .into_response())
}

#[derive(Deserialize)]
pub struct LoginQuery {
    expired: Option<String>,
}

/// The sign-in page. A visitor without a session gets an anonymous one, which carries the CSRF
/// token of the sign-in form.
pub async fn login_page(
    State(state): State<AppState>,
    Extension(st): Extension<SessionState>,
    Query(q): Query<LoginQuery>,
) -> Result<Response, PageError> {
    if st.session.as_ref().is_some_and(|s| s.user_id.is_some()) {
        return Ok(Redirect::to("/").into_response());
    }
    let expired = st.expired || q.expired.is_some();
    let (csrf, cookie) = anonymous_csrf(&state, &st).await?;
    let page = LoginPage {
        layout: Layout::anonymous(csrf),
        username: String::new(),
        error: None,
        expired,
    };
    Ok(with_cookie(cookie, page.into_response()))
}

/// The CSRF token for a public form: the visitor's session's, or one derived from the visitor's
/// nonce (a new nonce with the cookie that carries it) — nothing is stored for a visit.
pub async fn anonymous_csrf(
    state: &AppState,
    st: &SessionState,
) -> Result<(String, Option<String>), PageError> {
    if let Some(s) = &st.session {
        return Ok((s.csrf_token.clone(), None));
    }
    if let Some(v) = &st.visit {
        return Ok((crate::session::anonymous_token(state, v), None));
    }
    let visit = fazhi_core::auth::password::random_hex(32);
    Ok((
        crate::session::anonymous_token(state, &visit),
        Some(crate::session::set_visit_cookie(&visit, st.https)),
    ))
}

/// `response` with the session cookie `cookie`, when there is one to set.
pub fn with_cookie(cookie: Option<String>, mut response: Response) -> Response {
    if let Some(c) = cookie
        && let Ok(v) = header::HeaderValue::from_str(&c)
    {
        response.headers_mut().append(header::SET_COOKIE, v);
    }
    response
}

pub async fn login(
    State(state): State<AppState>,
    Extension(st): Extension<SessionState>,
    form: FormData,
) -> Result<Response, PageError> {
    let username = form.get("username").trim().to_string();
    let password = form.get("password").to_string();
    let csrf = st
        .session
        .as_ref()
        .map(|s| s.csrf_token.clone())
        .or_else(|| {
            st.visit
                .as_deref()
                .map(|v| crate::session::anonymous_token(&state, v))
        })
        .unwrap_or_default();
    let again = |status: StatusCode, error: String| {
        (
            status,
            LoginPage {
                layout: Layout::anonymous(csrf.clone()),
                username: username.chars().take(64).collect(),
                error: Some(error),
                expired: false,
            },
        )
            .into_response()
    };
    if username.is_empty() || password.is_empty() || username.len() > 64 || password.len() > 128 {
        return Ok(again(
            StatusCode::UNPROCESSABLE_ENTITY,
            "请输入用户名和密码。".into(),
        ));
    }
    match auth::sign_in(&state.store, &username, &password, st.ip.as_deref()).await {
        Ok(user_id) => {
            let previous = st.session.as_ref().map(|s| s.id_hash.as_str());
            let (token, _) =
                auth::start_session(&state.store, user_id, st.ip.as_deref(), previous).await?;
            Ok((
                [(header::SET_COOKIE, set_cookie(&token, st.https))],
                Redirect::to("/"),
            )
                .into_response())
        }
        Err(Error::Store(e)) => Err(PageError(Error::Store(e))),
        Err(e) => Ok(again(crate::error::status_of(&e), e.message_zh())),
    }
}

pub async fn logout(State(state): State<AppState>, s: Signed) -> Result<Response, PageError> {
    auth::sign_out(&state.store, &s.actor, &s.session_hash).await?;
    Ok((
        [(header::SET_COOKIE, clear_cookie())],
        Redirect::to("/login"),
    )
        .into_response())
}

fn password_form(
    s: &Signed,
    policy: &fazhi_core::settings::PasswordPolicy,
    error: Option<String>,
) -> FormPage {
    let mut page = FormPage::new(layout(s), "修改密码", "/account/password");
    if s.actor.must_change_password {
        page.intro =
            "这是您首次登录或密码已被重置：请先设置自己的新密码，然后才能使用系统。".into();
    }
    page.error = error;
    page.fields = vec![
        Field::password("current", "当前密码", "current-password"),
        Field::password("new", "新密码", "new-password").hint(format!(
            "至少 {} 个字符，或至少 {} 个字符并包含大写字母、小写字母、数字、符号中的至少 {} 类；不能是常见密码，不能包含用户名，不能与最近 {} 次用过的密码相同。",
            policy.min_length, policy.min_length_with_classes, policy.min_classes, policy.history
        )),
        Field::password("confirm", "再次输入新密码", "new-password"),
    ];
    page.submit = "修改密码";
    page
}

pub async fn password_page(
    State(state): State<AppState>,
    s: Signed,
) -> Result<Response, PageError> {
    let (policy, _) = fazhi_core::settings::password_policy(&state.store).await?;
    Ok(password_form(&s, &policy, None).into_response())
}

pub async fn change_password(
    State(state): State<AppState>,
    s: Signed,
    form: FormData,
) -> Result<Response, PageError> {
    let new = form.get("new");
    if new != form.get("confirm") {
        let (policy, _) = fazhi_core::settings::password_policy(&state.store).await?;
        let page = password_form(&s, &policy, Some("两次输入的新密码不一致。".into()));
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
    }
    match auth::change_password(
        &state.store,
        &s.actor,
        &s.session_hash,
        form.get("current"),
        new,
    )
    .await
    {
        Ok(()) => Ok(MessagePage {
            layout: Layout::for_actor(
                &fazhi_core::Actor {
                    must_change_password: false,
                    ..s.actor.clone()
                },
                &s.csrf,
                &s.path,
            ),
            title: "密码已修改".into(),
            paragraphs: vec!["新密码已生效。".into()],
            secret: None,
            links: vec![link("/", "进入工作台")],
        }
        .into_response()),
        Err(Error::Store(e)) => Err(PageError(Error::Store(e))),
        Err(e) => Ok((
            crate::error::status_of(&e),
            password_form(
                &s,
                &fazhi_core::settings::password_policy(&state.store).await?.0,
                Some(e.message_zh()),
            ),
        )
            .into_response()),
    }
}

/// The page of a module that is not built yet: it says what the module will do.
pub async fn module(s: Signed, Path(code): Path<String>) -> Result<Response, PageError> {
    let (_, label, what) = MODULES
        .iter()
        .find(|(c, _, _)| *c == code)
        .ok_or(Error::NotFound)?;
    if s.actor.admin_kind.is_some() {
        return Err(Error::Forbidden.into());
    }
    Ok(MessagePage {
        layout: layout(&s),
        title: label.to_string(),
        paragraphs: vec![
            format!("本模块尚在建设中，上线后将提供：{what}"),
            "现有功能请从左侧导航进入。".into(),
        ],
        secret: None,
        links: vec![link("/", "返回工作台")],
    }
    .into_response())
}

/// Requires a permission on a page.
/// "12 次抽查" — and, when the list was cut at its cap, that it was.
pub fn counted<T>(list: &fazhi_store::page::Capped<T>, unit: &str) -> String {
    let n = format!("{} {unit}", list.items.len());
    match list.note_zh() {
        Some(note) => format!("{n}（{note}）"),
        None => n,
    }
}

pub fn require(s: &Signed, p: Permission) -> Result<(), PageError> {
    s.actor.require(p).map_err(PageError)
}
