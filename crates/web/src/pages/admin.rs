//! The security administrator's pages (roles, password policy) and the system administrator's
//! integration tokens.

use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use fazhi_core::org::{self, service};
use fazhi_core::settings::{self, PasswordPolicy};
use fazhi_core::{Error, Permission};
use fazhi_store::DataScope;

use super::org::form_error;
use super::{layout, require};
use crate::AppState;
use crate::error::PageError;
use crate::form::FormData;
use crate::session::Signed;
use crate::view::*;

fn business_permission_options() -> Vec<(String, String)> {
    Permission::ALL
        .into_iter()
        .filter(|p| p.admin_kind().is_none())
        .map(|p| (p.code().to_string(), p.label_zh().to_string()))
        .collect()
}

pub async fn roles(State(state): State<AppState>, s: Signed) -> Result<Response, PageError> {
    let list = service::roles(&state.store, &s.actor).await?;
    let rows = list
        .iter()
        .map(|r| {
            let perms: Vec<&str> = r.permissions.iter().map(|p| p.label_zh()).collect();
            vec![
                cell_link(&r.name, format!("/admin/roles/{}", r.id)),
                cell(&r.code),
                cell(r.data_scope.label_zh()),
                cell(perms.join("、")),
                cell(if r.admin_kind.is_some() {
                    "三员角色（固定）"
                } else if r.builtin {
                    "内置"
                } else {
                    "自定义"
                }),
            ]
        })
        .collect::<Vec<_>>();
    Ok(ListPage {
        prev: None,
        layout: layout(&s),
        title: "角色与授权".into(),
        intro: "业务角色的权限和数据权限范围。三员角色的权限由系统固定，任何角色都不能同时拥有两类管理员的权限。".into(),
        actions: vec![link("/admin/roles/new", "新增角色")],
        filters: Vec::new(),
        error: None,
        count_text: format!("共 {} 个角色", rows.len()),
        hidden: Vec::new(),
        headers: plain(&["名称", "代码", "数据权限", "权限", "类别"]),
        rows,
        next: None,
    }
    .into_response())
}

fn role_form(s: &Signed, current: Option<&org::Role>, form: Option<&FormData>) -> FormPage {
    let pick =
        |name: &str, from_record: String| form.map_or(from_record, |f| f.get(name).to_string());
    let (title, action) = match current {
        Some(r) => (
            format!("角色：{}", r.name),
            format!("/admin/roles/{}", r.id),
        ),
        None => ("新增角色".to_string(), "/admin/roles".to_string()),
    };
    let mut page = FormPage::new(layout(s), title, action);
    let checked: Vec<String> = match form {
        Some(f) => f.all("permissions"),
        None => current.map_or(Vec::new(), |r| {
            r.permissions.iter().map(|p| p.code().to_string()).collect()
        }),
    };
    if current.is_none() {
        page.fields
            .push(Field::text("code", "角色代码", pick("code", String::new()), 32).required());
    }
    page.fields.push(
        Field::text(
            "name",
            "角色名称",
            pick("name", current.map(|r| r.name.clone()).unwrap_or_default()),
            32,
        )
        .required(),
    );
    page.fields.push(Field::text(
        "description",
        "说明",
        pick(
            "description",
            current.map(|r| r.description.clone()).unwrap_or_default(),
        ),
        200,
    ));
    page.fields.push(
        Field::select(
            "data_scope",
            "数据权限",
            DataScope::ALL
                .iter()
                .map(|d| (d.code().to_string(), d.label_zh().to_string()))
                .collect(),
            &pick(
                "data_scope",
                current
                    .map_or("department", |r| r.data_scope.code())
                    .to_string(),
            ),
        )
        .required(),
    );
    page.fields.push(Field::checkboxes(
        "permissions",
        "权限",
        business_permission_options(),
        &checked,
    ));
    if let Some(r) = current {
        page.hidden.push((
            "version",
            form.map_or(r.version.to_string(), |f| f.get("version").to_string()),
        ));
        if r.admin_kind.is_some() {
            page.fields.clear();
            page.details = vec![
                ("说明".into(), r.description.clone()),
                (
                    "权限".into(),
                    r.permissions
                        .iter()
                        .map(|p| p.label_zh())
                        .collect::<Vec<_>>()
                        .join("、"),
                ),
            ];
        }
    }
    page
}

fn role_input(f: &FormData, code: String) -> org::RoleInput {
    org::RoleInput {
        code,
        name: f.get("name").to_string(),
        description: f.get("description").to_string(),
        data_scope: f.get("data_scope").to_string(),
        permissions: f.all("permissions"),
    }
}

pub async fn role_new(s: Signed) -> Result<Response, PageError> {
    require(&s, Permission::RoleManage)?;
    Ok(role_form(&s, None, None).into_response())
}

pub async fn role_create(
    State(state): State<AppState>,
    s: Signed,
    f: FormData,
) -> Result<Response, PageError> {
    require(&s, Permission::RoleManage)?;
    match service::create_role(
        &state.store,
        &s.actor,
        &role_input(&f, f.get("code").to_string()),
    )
    .await
    {
        Ok(_) => Ok(Redirect::to("/admin/roles").into_response()),
        Err(e) => form_error(role_form(&s, None, Some(&f)), e),
    }
}

pub async fn role_show(
    State(state): State<AppState>,
    s: Signed,
    Path(id): Path<i64>,
) -> Result<Response, PageError> {
    let r = service::role(&state.store, &s.actor, id).await?;
    Ok(role_form(&s, Some(&r), None).into_response())
}

pub async fn role_update(
    State(state): State<AppState>,
    s: Signed,
    Path(id): Path<i64>,
    f: FormData,
) -> Result<Response, PageError> {
    let r = service::role(&state.store, &s.actor, id).await?;
    let result = match f.int("version", "版本号") {
        Ok(version) => {
            service::update_role(
                &state.store,
                &s.actor,
                id,
                version,
                &role_input(&f, r.code.clone()),
            )
            .await
        }
        Err(e) => Err(e),
    };
    match result {
        Ok(_) => Ok(Redirect::to("/admin/roles").into_response()),
        Err(e) => form_error(role_form(&s, Some(&r), Some(&f)), e),
    }
}

fn policy_form(s: &Signed, policy: &PasswordPolicy, version: i64) -> FormPage {
    let mut page = FormPage::new(layout(s), "密码策略", "/admin/policy");
    page.intro = "只能比基线更严格：至少 12 个字符，或至少 10 个字符并含 3 类字符；不得是常见密码；不得重复使用最近 5 次的密码；连续失败不超过 5 次即锁定（对失败的来源地址）、锁定不少于 15 分钟。".into();
    page.fields = vec![
        Field::text(
            "min_length",
            "最小长度（不要求字符类别时）",
            policy.min_length.to_string(),
            2,
        )
        .required(),
        Field::text(
            "min_length_with_classes",
            "含多类字符时的最小长度",
            policy.min_length_with_classes.to_string(),
            2,
        )
        .required(),
        Field::text(
            "min_classes",
            "至少包含的字符类别数（3 或 4）",
            policy.min_classes.to_string(),
            1,
        )
        .required(),
        Field::text(
            "history",
            "不得重复使用最近几次的密码",
            policy.history.to_string(),
            2,
        )
        .required(),
        Field::text(
            "max_failed_attempts",
            "连续登录失败几次后锁定",
            policy.max_failed_attempts.to_string(),
            1,
        )
        .required(),
        Field::text(
            "lock_minutes",
            "锁定时长（分钟）",
            policy.lock_minutes.to_string(),
            4,
        )
        .required(),
    ];
    page.hidden.push(("version", version.to_string()));
    page
}

pub async fn policy_page(State(state): State<AppState>, s: Signed) -> Result<Response, PageError> {
    require(&s, Permission::PolicyManage)?;
    let (policy, version) = settings::password_policy(&state.store).await?;
    Ok(policy_form(&s, &policy, version).into_response())
}

pub async fn policy_update(
    State(state): State<AppState>,
    s: Signed,
    f: FormData,
) -> Result<Response, PageError> {
    require(&s, Permission::PolicyManage)?;
    let (current, version) = settings::password_policy(&state.store).await?;
    let parsed = (|| -> Result<PasswordPolicy, Error> {
        let n = |name: &'static str, label: &str| f.int(name, label);
        Ok(PasswordPolicy {
            min_length: usize::try_from(n("min_length", "最小长度")?).unwrap_or(0),
            min_length_with_classes: usize::try_from(n(
                "min_length_with_classes",
                "含多类字符时的最小长度",
            )?)
            .unwrap_or(0),
            min_classes: usize::try_from(n("min_classes", "字符类别数")?).unwrap_or(0),
            history: usize::try_from(n("history", "历史密码个数")?).unwrap_or(0),
            max_failed_attempts: n("max_failed_attempts", "失败次数")?,
            lock_minutes: n("lock_minutes", "锁定时长")?,
        })
    })();
    let result = match (parsed, f.int("version", "版本号")) {
        (Ok(p), Ok(v)) => settings::set_password_policy(&state.store, &s.actor, v, &p).await,
        (Err(e), _) | (_, Err(e)) => Err(e),
    };
    match result {
        Ok(()) => Ok(Redirect::to("/admin/policy").into_response()),
        Err(e) => form_error(policy_form(&s, &current, version), e),
    }
}

/// A list of tokens with a revoke button each, under `base` (`/admin/tokens` or
/// `/account/tokens`).
fn token_page(s: &Signed, title: &str, base: &str, list: &[org::ApiToken]) -> FormPage {
    let mut page = FormPage::new(layout(s), title, base);
    page.details = list
        .iter()
        .map(|t| {
            let status = if t.revoked_at.is_some() {
                "已吊销"
            } else {
                "有效"
            };
            (
                format!("{}（{}…）", t.name, t.prefix),
                format!(
                    "持有人 {}（{}）；{}；权限：{}",
                    t.holder.as_deref().unwrap_or("无（已失效）"),
                    t.department_name,
                    status,
                    t.permissions
                        .iter()
                        .map(|p| p.label_zh())
                        .collect::<Vec<_>>()
                        .join("、")
                ),
            )
        })
        .collect();
    page.buttons = list
        .iter()
        .filter(|t| t.revoked_at.is_none())
        .map(|t| {
            link(
                format!("{base}/{}/revoke", t.id),
                format!("吊销“{}”", t.name),
            )
        })
        .collect();
    page
}

/// The system administrator's view of every token: list and revoke (issuing is the holder's).
pub async fn tokens(State(state): State<AppState>, s: Signed) -> Result<Response, PageError> {
    let list = service::tokens(&state.store, &s.actor).await?;
    let mut page = token_page(&s, "系统对接令牌", "/admin/tokens", &list);
    page.intro = "供其他系统调用 /api/v1 接口的令牌。令牌由持有人（业务用户）本人在“我的对接令牌”页签发，权限不超出持有人本人的权限、数据范围与持有人相同，持有人停用或被锁定时令牌随之失效；管理员不能签发令牌（三员分立），在此查看和吊销。经令牌的读取记入审计日志。".into();
    Ok(page.into_response())
}

/// A business user's own tokens: issue and revoke.
pub async fn own_tokens(State(state): State<AppState>, s: Signed) -> Result<Response, PageError> {
    let list = service::own_tokens(&state.store, &s.actor).await?;
    let mut page = token_page(&s, "我的对接令牌", "/account/tokens", &list);
    page.intro = "为对接系统签发代表您调用 /api/v1 接口的令牌：权限不超出您本人的权限，数据范围与您相同；令牌只在签发时显示一次，可随时吊销。".into();
    page.fields = vec![
        Field::text("name", "令牌名称", "", 64)
            .required()
            .hint("写明对接的系统，如“统一处罚办案系统”。"),
        Field::checkboxes("permissions", "权限", business_permission_options(), &[]),
    ];
    page.submit = "签发令牌";
    Ok(page.into_response())
}

pub async fn own_token_create(
    State(state): State<AppState>,
    s: Signed,
    f: FormData,
) -> Result<Response, PageError> {
    let input = org::ApiTokenInput {
        name: f.get("name").to_string(),
        holder: s.actor.name.clone(),
        permissions: f.all("permissions"),
    };
    let (_, secret) = service::create_token(&state.store, &s.actor, &input).await?;
    Ok(MessagePage {
        layout: layout(&s),
        title: "令牌已签发".into(),
        paragraphs: vec!["调用接口时在请求头中携带：Authorization: Bearer <令牌>。".into()],
        secret: Some(("令牌：".into(), secret)),
        links: vec![link("/account/tokens", "返回我的对接令牌")],
    }
    .into_response())
}

pub async fn own_token_revoke(
    State(state): State<AppState>,
    s: Signed,
    Path(id): Path<i64>,
) -> Result<Response, PageError> {
    service::revoke_token(&state.store, &s.actor, id).await?;
    Ok(Redirect::to("/account/tokens").into_response())
}

pub async fn token_revoke(
    State(state): State<AppState>,
    s: Signed,
    Path(id): Path<i64>,
) -> Result<Response, PageError> {
    service::revoke_token(&state.store, &s.actor, id).await?;
    Ok(Redirect::to("/admin/tokens").into_response())
}
