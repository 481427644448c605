//! Pages of the organisation: regions, departments, users.
//!
//! Long because the three share their forms' checks and the user pages carry the administrators'
//! separate powers (三员分立); cut by entity, each part would import the others back.

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use fazhi_core::org::{self, service};
use fazhi_core::{Error, Permission};
use fazhi_store::page::Keyset;
use serde::Deserialize;

use super::{layout, require};
use crate::AppState;
use crate::error::{PageError, status_of};
use crate::form::FormData;
use crate::session::Signed;
use crate::view::*;

/// Shows `page` again with the error, or passes an internal error on.
pub fn form_error(mut page: FormPage, e: Error) -> Result<Response, PageError> {
    if let Error::Store(_) = e {
        return Err(PageError(e));
    }
    page.error = Some(e.message_zh());
    mark(&mut page.fields, &e.refused_fields());
    Ok((status_of(&e), page).into_response())
}

// ---- regions ----

pub async fn regions(State(state): State<AppState>, s: Signed) -> Result<Response, PageError> {
    let list = service::regions(&state.store, &s.actor).await?;
    let names: std::collections::HashMap<i64, String> =
        list.iter().map(|r| (r.id, r.name.clone())).collect();
    let rows = list
        .iter()
        .map(|r| {
            vec![
                cell_link(&r.name, format!("/org/regions/{}", r.id)),
                cell(r.kind.label_zh()),
                cell(&r.division_code),
                cell(r.stat_code.clone().unwrap_or_default()),
                cell(
                    r.parent_id
                        .and_then(|p| names.get(&p).cloned())
                        .unwrap_or_default(),
                ),
            ]
        })
        .collect::<Vec<_>>();
    let mut actions = Vec::new();
    if s.actor.can(Permission::OrgManage) {
        actions.push(link("/org/regions/new", "新增区域"));
    }
    Ok(ListPage {
        prev: None,
        layout: layout(&s),
        title: "区域".into(),
        intro: "市（县、区）、镇乡（街道）、村（社区）及其行政区划代码和统计用区划代码。".into(),
        actions,
        filters: Vec::new(),
        error: None,
        count_text: format!("共 {} 个区域", rows.len()),
        hidden: Vec::new(),
        headers: plain(&["名称", "类型", "行政区划代码", "统计用区划代码", "上级区域"]),
        rows,
        next: None,
    }
    .into_response())
}

async fn region_form(
    state: &AppState,
    s: &Signed,
    title: &str,
    action: String,
    current: Option<&org::Region>,
    form: Option<&FormData>,
) -> Result<FormPage, PageError> {
    let regions = service::regions(&state.store, &s.actor).await?;
    let pick =
        |name: &str, from_record: String| form.map_or(from_record, |f| f.get(name).to_string());
    let mut parents = vec![(String::new(), "（无：市县本级）".to_string())];
    parents.extend(
        regions
            .iter()
            .filter(|r| r.kind != org::RegionKind::Village && Some(r.id) != current.map(|c| c.id))
            .map(|r| {
                (
                    r.id.to_string(),
                    format!("{}（{}）", r.name, r.kind.label_zh()),
                )
            }),
    );
    let kinds = org::RegionKind::ALL
        .iter()
        .map(|k| (k.code().to_string(), k.label_zh().to_string()))
        .collect();
    let mut page = FormPage::new(layout(s), title, action);
    page.fields = vec![
        Field::select(
            "parent_id",
            "上级区域",
            parents,
            &pick(
                "parent_id",
                current
                    .and_then(|c| c.parent_id)
                    .map(|p| p.to_string())
                    .unwrap_or_default(),
            ),
        ),
        Field::select(
            "kind",
            "类型",
            kinds,
            &pick(
                "kind",
                current.map_or("town", |c| c.kind.code()).to_string(),
            ),
        )
        .required(),
        Field::text(
            "name",
            "名称",
            pick("name", current.map(|c| c.name.clone()).unwrap_or_default()),
            64,
        )
        .required(),
        Field::text(
            "division_code",
            "行政区划代码",
            pick(
                "division_code",
                current.map_or("330681".into(), |c| c.division_code.clone()),
            ),
            6,
        )
        .required()
        .hint("GB/T 2260 六位代码，如诸暨市 330681。"),
        Field::text(
            "stat_code",
            "统计用区划代码",
            pick(
                "stat_code",
                current
                    .and_then(|c| c.stat_code.clone())
                    .unwrap_or_default(),
            ),
            12,
        )
        .hint("镇乡（街道）9 位，村（社区）12 位，以行政区划代码开头。"),
    ];
    if let Some(c) = current {
        page.hidden.push((
            "version",
            form.map_or(c.version.to_string(), |f| f.get("version").to_string()),
        ));
    }
    Ok(page)
}

fn region_input(f: &FormData) -> Result<org::RegionInput, Error> {
    Ok(org::RegionInput {
        parent_id: f.opt_int("parent_id", "上级区域")?,
        kind: f.get("kind").to_string(),
        name: f.get("name").to_string(),
        division_code: f.get("division_code").to_string(),
        stat_code: f.opt("stat_code"),
    })
}

pub async fn region_new(State(state): State<AppState>, s: Signed) -> Result<Response, PageError> {
    require(&s, Permission::OrgManage)?;
    Ok(
        region_form(&state, &s, "新增区域", "/org/regions".into(), None, None)
            .await?
            .into_response(),
    )
}

pub async fn region_create(
    State(state): State<AppState>,
    s: Signed,
    f: FormData,
) -> Result<Response, PageError> {
    require(&s, Permission::OrgManage)?;
    let result = match region_input(&f) {
        Ok(input) => service::create_region(&state.store, &s.actor, &input).await,
        Err(e) => Err(e),
    };
    match result {
        Ok(r) => Ok(Redirect::to(&format!("/org/regions/{}", r.id)).into_response()),
        Err(e) => form_error(
            region_form(
                &state,
                &s,
                "新增区域",
                "/org/regions".into(),
                None,
                Some(&f),
            )
            .await?,
            e,
        ),
    }
}

pub async fn region_show(
    State(state): State<AppState>,
    s: Signed,
    Path(id): Path<i64>,
) -> Result<Response, PageError> {
    let r = service::region(&state.store, &s.actor, id).await?;
    if s.actor.can(Permission::OrgManage) {
        let page = region_form(
            &state,
            &s,
            &format!("区域：{}", r.name),
            format!("/org/regions/{id}"),
            Some(&r),
            None,
        )
        .await?;
        return Ok(page.into_response());
    }
    let mut page = FormPage::new(layout(&s), format!("区域：{}", r.name), "");
    page.details = vec![
        ("类型".into(), r.kind.label_zh().into()),
        ("行政区划代码".into(), r.division_code.clone()),
        (
            "统计用区划代码".into(),
            r.stat_code.clone().unwrap_or_default(),
        ),
    ];
    Ok(page.into_response())
}

pub async fn region_update(
    State(state): State<AppState>,
    s: Signed,
    Path(id): Path<i64>,
    f: FormData,
) -> Result<Response, PageError> {
    require(&s, Permission::OrgManage)?;
    let current = service::region(&state.store, &s.actor, id).await?;
    let result = match (region_input(&f), f.int("version", "版本号")) {
        (Ok(input), Ok(version)) => {
            service::update_region(&state.store, &s.actor, id, version, &input).await
        }
        (Err(e), _) | (_, Err(e)) => Err(e),
    };
    match result {
        Ok(_) => Ok(Redirect::to("/org/regions").into_response()),
        Err(e) => {
            let page = region_form(
                &state,
                &s,
                &format!("区域：{}", current.name),
                format!("/org/regions/{id}"),
                Some(&current),
                Some(&f),
            )
            .await?;
            form_error(page, e)
        }
    }
}

// ---- departments ----

pub async fn departments(State(state): State<AppState>, s: Signed) -> Result<Response, PageError> {
    let list = service::departments(&state.store, &s.actor).await?;
    let names: std::collections::HashMap<i64, String> =
        list.iter().map(|d| (d.id, d.name.clone())).collect();
    let rows = list
        .iter()
        .map(|d| {
            vec![
                cell_link(&d.name, format!("/org/departments/{}", d.id)),
                cell(d.issuer_abbr.clone().unwrap_or_default()),
                cell(&d.region_name),
                cell(
                    d.parent_id
                        .and_then(|p| names.get(&p).cloned())
                        .unwrap_or_default(),
                ),
            ]
        })
        .collect::<Vec<_>>();
    let mut actions = Vec::new();
    if s.actor.can(Permission::OrgManage) {
        actions.push(link("/org/departments/new", "新增部门"));
    }
    Ok(ListPage {
        prev: None,
        layout: layout(&s),
        title: "部门".into(),
        intro: format!("您可查看的范围：{}。", s.actor.scope.kind.label_zh()),
        actions,
        filters: Vec::new(),
        error: None,
        count_text: format!("共 {} 个部门", rows.len()),
        hidden: Vec::new(),
        headers: plain(&["名称", "发文机关简称", "所属区域", "上级部门"]),
        rows,
        next: None,
    }
    .into_response())
}

async fn department_form(
    state: &AppState,
    s: &Signed,
    title: &str,
    action: String,
    current: Option<&org::Department>,
    form: Option<&FormData>,
) -> Result<FormPage, PageError> {
    let regions = service::regions(&state.store, &s.actor).await?;
    let depts = service::departments(&state.store, &s.actor).await?;
    let pick =
        |name: &str, from_record: String| form.map_or(from_record, |f| f.get(name).to_string());
    let mut parents = vec![(String::new(), "（无）".to_string())];
    parents.extend(
        depts
            .iter()
            .filter(|d| Some(d.id) != current.map(|c| c.id))
            .map(|d| (d.id.to_string(), d.name.clone())),
    );
    let region_opts = regions
        .iter()
        .filter(|r| r.kind != org::RegionKind::Village)
        .map(|r| (r.id.to_string(), r.name.clone()))
        .collect();
    let mut page = FormPage::new(layout(s), title, action);
    page.fields = vec![
        Field::text(
            "name",
            "部门名称",
            pick("name", current.map(|c| c.name.clone()).unwrap_or_default()),
            64,
        )
        .required(),
        Field::text(
            "issuer_abbr",
            "发文机关简称",
            pick(
                "issuer_abbr",
                current
                    .and_then(|c| c.issuer_abbr.clone())
                    .unwrap_or_default(),
            ),
            16,
        )
        .hint("文书编号的开头，如“诸市监罚〔2024〕17号”中的“诸市监”。"),
        Field::select(
            "region_id",
            "所属区域",
            region_opts,
            &pick(
                "region_id",
                current.map(|c| c.region_id.to_string()).unwrap_or_default(),
            ),
        )
        .required(),
        Field::select(
            "parent_id",
            "上级部门",
            parents,
            &pick(
                "parent_id",
                current
                    .and_then(|c| c.parent_id)
                    .map(|p| p.to_string())
                    .unwrap_or_default(),
            ),
        ),
    ];
    if let Some(c) = current {
        page.hidden.push((
            "version",
            form.map_or(c.version.to_string(), |f| f.get("version").to_string()),
        ));
    }
    Ok(page)
}

fn department_input(f: &FormData) -> Result<org::DepartmentInput, Error> {
    Ok(org::DepartmentInput {
        parent_id: f.opt_int("parent_id", "上级部门")?,
        region_id: f.int("region_id", "所属区域")?,
        name: f.get("name").to_string(),
        issuer_abbr: f.opt("issuer_abbr"),
    })
}

pub async fn department_new(
    State(state): State<AppState>,
    s: Signed,
) -> Result<Response, PageError> {
    require(&s, Permission::OrgManage)?;
    Ok(department_form(
        &state,
        &s,
        "新增部门",
        "/org/departments".into(),
        None,
        None,
    )
    .await?
    .into_response())
}

pub async fn department_create(
    State(state): State<AppState>,
    s: Signed,
    f: FormData,
) -> Result<Response, PageError> {
    require(&s, Permission::OrgManage)?;
    let result = match department_input(&f) {
        Ok(input) => service::create_department(&state.store, &s.actor, &input).await,
        Err(e) => Err(e),
    };
    match result {
        Ok(d) => Ok(Redirect::to(&format!("/org/departments/{}", d.id)).into_response()),
        Err(e) => form_error(
            department_form(
                &state,
                &s,
                "新增部门",
                "/org/departments".into(),
                None,
                Some(&f),
            )
            .await?,
            e,
        ),
    }
}

pub async fn department_show(
    State(state): State<AppState>,
    s: Signed,
    Path(id): Path<i64>,
) -> Result<Response, PageError> {
    let d = service::department(&state.store, &s.actor, id).await?;
    if s.actor.can(Permission::OrgManage) {
        let page = department_form(
            &state,
            &s,
            &format!("部门：{}", d.name),
            format!("/org/departments/{id}"),
            Some(&d),
            None,
        )
        .await?;
        return Ok(page.into_response());
    }
    let mut page = FormPage::new(layout(&s), format!("部门：{}", d.name), "");
    page.details = vec![
        (
            "发文机关简称".into(),
            d.issuer_abbr.clone().unwrap_or_default(),
        ),
        ("所属区域".into(), d.region_name.clone()),
    ];
    page.links = vec![link(
        format!("/org/users?department_id={id}"),
        "查看本部门用户",
    )];
    Ok(page.into_response())
}

pub async fn department_update(
    State(state): State<AppState>,
    s: Signed,
    Path(id): Path<i64>,
    f: FormData,
) -> Result<Response, PageError> {
    require(&s, Permission::OrgManage)?;
    let current = service::department(&state.store, &s.actor, id).await?;
    let result = match (department_input(&f), f.int("version", "版本号")) {
        (Ok(input), Ok(version)) => {
            service::update_department(&state.store, &s.actor, id, version, &input).await
        }
        (Err(e), _) | (_, Err(e)) => Err(e),
    };
    match result {
        Ok(_) => Ok(Redirect::to("/org/departments").into_response()),
        Err(e) => {
            let page = department_form(
                &state,
                &s,
                &format!("部门：{}", current.name),
                format!("/org/departments/{id}"),
                Some(&current),
                Some(&f),
            )
            .await?;
            form_error(page, e)
        }
    }
}

// ---- users ----

#[derive(Deserialize)]
pub struct UserQuery {
    q: Option<String>,
    department_id: Option<String>,
    mobile: Option<String>,
    after: Option<i64>,
}

pub async fn users(
    State(state): State<AppState>,
    s: Signed,
    Query(q): Query<UserQuery>,
) -> Result<Response, PageError> {
    let department_id = q.department_id.as_deref().and_then(|d| d.parse().ok());
    let filter = org::UserFilter {
        q: q.q.clone(),
        department_id,
        mobile: q.mobile.clone(),
    };
    let page = service::users(
        &state.store,
        &s.actor,
        &state.keyring,
        &filter,
        Keyset::new(q.after, None),
    )
    .await?;
    let depts = service::departments(&state.store, &s.actor).await?;
    let rows = page
        .items
        .iter()
        .map(|u| {
            let roles: Vec<&str> = u.roles.iter().map(|r| r.name.as_str()).collect();
            let state_text = if u.disabled {
                "停用"
            } else if u.locked_until.is_some_and(|t| t > fazhi_store::now_ms()) {
                "锁定"
            } else {
                "正常"
            };
            vec![
                cell_link(&u.username, format!("/org/users/{}", u.id)),
                cell(&u.display_name),
                cell(&u.department_name),
                cell(u.mobile_masked.clone().unwrap_or_default()),
                cell(roles.join("、")),
                cell(state_text),
            ]
        })
        .collect::<Vec<_>>();
    let mut dept_opts = vec![(String::new(), "全部".to_string())];
    dept_opts.extend(depts.iter().map(|d| (d.id.to_string(), d.name.clone())));
    let qs = |after: i64| {
        let mut pairs = vec![("after".to_string(), after.to_string())];
        if let Some(v) = &q.q {
            pairs.push(("q".into(), v.clone()));
        }
        if let Some(v) = department_id {
            pairs.push(("department_id".into(), v.to_string()));
        }
        if let Some(v) = &q.mobile {
            pairs.push(("mobile".into(), v.clone()));
        }
        format!(
            "/org/users?{}",
            serde_urlencoded::to_string(pairs).unwrap_or_default()
        )
    };
    let mut actions = Vec::new();
    if s.actor.can(Permission::UserManage) {
        actions.push(link("/org/users/new", "新增用户"));
    }
    Ok(ListPage {
        prev: None,
        layout: layout(&s),
        title: "用户".into(),
        intro: format!("您可查看的范围：{}。", s.actor.scope.kind.label_zh()),
        actions,
        filters: vec![
            Field::text("q", "用户名或姓名", q.q.clone().unwrap_or_default(), 32),
            Field::select(
                "department_id",
                "部门",
                dept_opts,
                &department_id.map(|d| d.to_string()).unwrap_or_default(),
            ),
            Field::text(
                "mobile",
                "手机号码（精确）",
                q.mobile.clone().unwrap_or_default(),
                20,
            ),
        ],
        error: None,
        count_text: format!("本页 {} 人", rows.len()),
        hidden: Vec::new(),
        headers: plain(&["用户名", "姓名", "部门", "手机号码", "角色", "状态"]),
        rows,
        next: page.next.map(qs),
    }
    .into_response())
}

async fn user_form(
    state: &AppState,
    s: &Signed,
    current: Option<&org::User>,
    form: Option<&FormData>,
) -> Result<FormPage, PageError> {
    let mobile = match current {
        Some(u) if form.is_none() => {
            service::user_mobile(&state.store, &s.actor, &state.keyring, u.id).await?
        }
        _ => None,
    };
    let depts = service::departments(&state.store, &s.actor).await?;
    let pick =
        |name: &str, from_record: String| form.map_or(from_record, |f| f.get(name).to_string());
    let dept_opts = depts
        .iter()
        .map(|d| (d.id.to_string(), d.name.clone()))
        .collect();
    let (title, action) = match current {
        Some(u) => (
            format!("用户：{}", u.username),
            format!("/org/users/{}", u.id),
        ),
        None => ("新增用户".to_string(), "/org/users".to_string()),
    };
    let mut page = FormPage::new(layout(s), title, action);
    if current.is_none() {
        page.fields.push(
            Field::text("username", "用户名", pick("username", String::new()), 32)
                .required()
                .hint("3 至 32 位英文字母、数字或 _ . - ，创建后不能修改。"),
        );
    }
    page.fields.push(
        Field::text(
            "display_name",
            "姓名",
            pick(
                "display_name",
                current.map(|u| u.display_name.clone()).unwrap_or_default(),
            ),
            32,
        )
        .required(),
    );
    page.fields.push(
        Field::select(
            "department_id",
            "所属部门",
            dept_opts,
            &pick(
                "department_id",
                current
                    .map(|u| u.department_id.to_string())
                    .unwrap_or_default(),
            ),
        )
        .required(),
    );
    page.fields.push(
        Field::text(
            "mobile",
            "手机号码",
            pick("mobile", mobile.unwrap_or_default()),
            20,
        )
        .hint("用于接收提醒；加密保存，列表中只显示 138****5678 形式。"),
    );
    if let Some(u) = current {
        page.fields.push(Field::select(
            "disabled",
            "账号状态",
            vec![("0".into(), "正常".into()), ("1".into(), "停用".into())],
            &pick("disabled", if u.disabled { "1".into() } else { "0".into() }),
        ));
        page.hidden.push((
            "version",
            form.map_or(u.version.to_string(), |f| f.get("version").to_string()),
        ));
    }
    Ok(page)
}

pub async fn user_new(State(state): State<AppState>, s: Signed) -> Result<Response, PageError> {
    require(&s, Permission::UserManage)?;
    Ok(user_form(&state, &s, None, None).await?.into_response())
}

fn one_time_password_page(
    s: &Signed,
    title: &str,
    username: &str,
    otp: String,
    id: i64,
) -> Response {
    MessagePage {
        layout: layout(s),
        title: title.to_string(),
        paragraphs: vec![format!(
            "用户 {username} 首次登录时须使用下面的一次性密码，并立即设置自己的密码。"
        )],
        secret: Some(("一次性密码：".into(), otp)),
        links: vec![
            link(format!("/org/users/{id}"), "查看用户"),
            link("/org/users", "返回用户列表"),
        ],
    }
    .into_response()
}

pub async fn user_create(
    State(state): State<AppState>,
    s: Signed,
    f: FormData,
) -> Result<Response, PageError> {
    require(&s, Permission::UserManage)?;
    let result = match f.int("department_id", "所属部门") {
        Ok(department_id) => {
            let input = org::UserInput {
                username: f.get("username").to_string(),
                display_name: f.get("display_name").to_string(),
                department_id,
                mobile: f.opt("mobile"),
            };
            service::create_user(&state.store, &s.actor, &state.keyring, &input).await
        }
        Err(e) => Err(e),
    };
    match result {
        Ok((u, otp)) => Ok(one_time_password_page(
            &s,
            "用户已创建",
            &u.username,
            otp,
            u.id,
        )),
        Err(e) => form_error(user_form(&state, &s, None, Some(&f)).await?, e),
    }
}

async fn user_page(
    state: &AppState,
    s: &Signed,
    u: &org::User,
    form: Option<&FormData>,
) -> Result<FormPage, PageError> {
    let mut page = if s.actor.can(Permission::UserManage) {
        user_form(state, s, Some(u), form).await?
    } else {
        FormPage::new(layout(s), format!("用户：{}", u.username), "")
    };
    let roles: Vec<&str> = u.roles.iter().map(|r| r.name.as_str()).collect();
    page.details = vec![
        ("用户名".into(), u.username.clone()),
        ("姓名".into(), u.display_name.clone()),
        ("部门".into(), u.department_name.clone()),
        (
            "手机号码".into(),
            u.mobile_masked.clone().unwrap_or_else(|| "未填写".into()),
        ),
        (
            "角色".into(),
            if roles.is_empty() {
                "无".into()
            } else {
                roles.join("、")
            },
        ),
    ];
    if s.actor.can(Permission::UserManage) && s.actor.user_id != Some(u.id) {
        page.buttons.push(link(
            format!("/org/users/{}/reset-password", u.id),
            "重置密码",
        ));
        if u.locked_until.is_some_and(|t| t > fazhi_store::now_ms()) {
            page.buttons
                .push(link(format!("/org/users/{}/unlock", u.id), "解锁"));
        } else {
            page.buttons
                .push(link(format!("/org/users/{}/lock", u.id), "锁定"));
        }
    }
    if s.actor.can(Permission::RoleManage) {
        page.links
            .push(link(format!("/org/users/{}/roles", u.id), "授予角色"));
    }
    Ok(page)
}

pub async fn user_show(
    State(state): State<AppState>,
    s: Signed,
    Path(id): Path<i64>,
) -> Result<Response, PageError> {
    let u = service::user(&state.store, &s.actor, id).await?;
    Ok(user_page(&state, &s, &u, None).await?.into_response())
}

pub async fn user_update(
    State(state): State<AppState>,
    s: Signed,
    Path(id): Path<i64>,
    f: FormData,
) -> Result<Response, PageError> {
    require(&s, Permission::UserManage)?;
    let current = service::user(&state.store, &s.actor, id).await?;
    let result = match (
        f.int("department_id", "所属部门"),
        f.int("version", "版本号"),
    ) {
        (Ok(department_id), Ok(version)) => {
            let input = org::UserUpdate {
                display_name: f.get("display_name").to_string(),
                department_id,
                disabled: f.get("disabled") == "1",
                mobile: f.opt("mobile"),
            };
            service::update_user(&state.store, &s.actor, &state.keyring, id, version, &input).await
        }
        (Err(e), _) | (_, Err(e)) => Err(e),
    };
    match result {
        Ok(_) => Ok(Redirect::to(&format!("/org/users/{id}")).into_response()),
        Err(e) => form_error(user_page(&state, &s, &current, Some(&f)).await?, e),
    }
}

pub async fn user_reset_password(
    State(state): State<AppState>,
    s: Signed,
    Path(id): Path<i64>,
) -> Result<Response, PageError> {
    let u = service::user(&state.store, &s.actor, id).await?;
    let otp = service::reset_password(&state.store, &s.actor, id).await?;
    Ok(one_time_password_page(
        &s,
        "密码已重置",
        &u.username,
        otp,
        id,
    ))
}

pub async fn user_lock(
    State(state): State<AppState>,
    s: Signed,
    Path(id): Path<i64>,
) -> Result<Response, PageError> {
    service::set_lock(&state.store, &s.actor, id, true).await?;
    Ok(Redirect::to(&format!("/org/users/{id}")).into_response())
}

pub async fn user_unlock(
    State(state): State<AppState>,
    s: Signed,
    Path(id): Path<i64>,
) -> Result<Response, PageError> {
    service::set_lock(&state.store, &s.actor, id, false).await?;
    Ok(Redirect::to(&format!("/org/users/{id}")).into_response())
}

async fn roles_form(
    state: &AppState,
    s: &Signed,
    u: &org::User,
    error: Option<String>,
) -> Result<FormPage, PageError> {
    let roles = service::roles(&state.store, &s.actor).await?;
    let held: Vec<String> = u.roles.iter().map(|r| r.id.to_string()).collect();
    let mut page = FormPage::new(
        layout(s),
        format!("授予角色：{}", u.username),
        format!("/org/users/{}/roles", u.id),
    );
    page.intro =
        "三员分立：系统管理员、安全管理员、审计管理员角色互不兼任，也不与业务角色同时授予。".into();
    page.error = error;
    page.fields = vec![Field::checkboxes(
        "role",
        "角色",
        roles
            .iter()
            .map(|r| {
                (
                    r.id.to_string(),
                    format!("{}（{}）", r.name, r.data_scope.label_zh()),
                )
            })
            .collect(),
        &held,
    )];
    page.links = vec![link(format!("/org/users/{}", u.id), "返回用户")];
    Ok(page)
}

pub async fn user_roles_page(
    State(state): State<AppState>,
    s: Signed,
    Path(id): Path<i64>,
) -> Result<Response, PageError> {
    require(&s, Permission::RoleManage)?;
    let u = service::user(&state.store, &s.actor, id).await?;
    Ok(roles_form(&state, &s, &u, None).await?.into_response())
}

pub async fn user_roles(
    State(state): State<AppState>,
    s: Signed,
    Path(id): Path<i64>,
    f: FormData,
) -> Result<Response, PageError> {
    require(&s, Permission::RoleManage)?;
    let u = service::user(&state.store, &s.actor, id).await?;
    let ids: Result<Vec<i64>, _> = f.all("role").iter().map(|v| v.parse::<i64>()).collect();
    let result = match ids {
        Ok(ids) => service::set_user_roles(&state.store, &s.actor, id, &ids).await,
        Err(_) => Err(Error::invalid("roles", "角色选择无效。")),
    };
    match result {
        Ok(_) => Ok(Redirect::to(&format!("/org/users/{id}")).into_response()),
        Err(Error::Store(e)) => Err(PageError(Error::Store(e))),
        Err(e) => {
            let status: StatusCode = status_of(&e);
            Ok((
                status,
                roles_form(&state, &s, &u, Some(e.message_zh())).await?,
            )
                .into_response())
        }
    }
}
