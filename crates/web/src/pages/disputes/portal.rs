//! The portal's side: a citizen verifies their identity (resident ID, mobile code — the demo
//! shows the code, saying so), applies for mediation online, and follows their disputes.

use axum::extract::{Extension, Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use fazhi_core::portal_identity::{self, Delivery, DemoSender, Verified};
use fazhi_core::{Error, deadlines, disputes};
use serde::Deserialize;

use crate::AppState;
use crate::error::PageError;
use crate::form::FormData;
use crate::session::SessionState;
use crate::view::*;

/// The browser's key for its verified identity: its visit nonce, or a signed-in session's.
fn visit_of(st: &SessionState) -> Option<String> {
    st.visit
        .clone()
        .or_else(|| st.session.as_ref().map(|s| s.id_hash.clone()))
}

pub(crate) async fn verified(
    state: &AppState,
    st: &SessionState,
) -> Result<Option<Verified>, PageError> {
    match visit_of(st) {
        Some(v) => Ok(portal_identity::current(&state.store, &state.keyring, &v).await?),
        None => Ok(None),
    }
}

/// Only the portal's own pages are followed after verifying.
fn next_of(next: &str) -> String {
    if next.starts_with("/public/") && !next.starts_with("//") {
        next.to_string()
    } else {
        "/public/disputes".into()
    }
}

#[derive(Deserialize, Default)]
pub struct NextQuery {
    #[serde(default)]
    next: String,
}

async fn identity_form(
    state: &AppState,
    st: &SessionState,
    next: &str,
    posted: Option<&FormData>,
    error: Option<Error>,
) -> Result<Response, PageError> {
    let (csrf, cookie) = crate::pages::anonymous_csrf(state, st).await?;
    let pick = |name: &str| posted.map_or(String::new(), |f| f.get(name).to_string());
    let mut page = FormPage::new(Layout::anonymous(csrf), "实名核验", "/public/identity");
    page.intro = "网上申请调解、行政复议和查阅本人案卷前，请核验身份：填写与身份证一致的姓名和公民身份号码，并用本人手机号码接收验证码。核验后两小时内有效。".into();
    page.hidden = vec![("next", next_of(next))];
    page.fields = vec![
        Field::text("name", "姓名", pick("name"), 20).required(),
        Field::text("id_number", "公民身份号码", pick("id_number"), 18)
            .required()
            .hint("18 位，最后一位可能是 X；系统校验其校验码和出生日期。"),
        Field::text("mobile", "手机号码", pick("mobile"), 20).required(),
    ];
    let status = match &error {
        Some(Error::NotAllowed { .. }) => axum::http::StatusCode::TOO_MANY_REQUESTS,
        Some(e) => crate::error::status_of(e),
        None => axum::http::StatusCode::OK,
    };
    if let Some(e) = error {
        mark(&mut page.fields, &e.refused_fields());
        page.error = Some(e.message_zh());
    }
    page.submit = "获取验证码";
    page.links = vec![link("/login", "返回门户首页")];
    Ok(crate::pages::with_cookie(
        cookie,
        (status, page).into_response(),
    ))
}

pub async fn identity_page(
    State(state): State<AppState>,
    Extension(st): Extension<SessionState>,
    Query(q): Query<NextQuery>,
) -> Result<Response, PageError> {
    identity_form(&state, &st, &q.next, None, None).await
}

/// The code form, with how the code was delivered said plainly.
async fn code_form(
    state: &AppState,
    st: &SessionState,
    next: &str,
    delivery: Option<&Delivery>,
    error: Option<Error>,
) -> Result<Response, PageError> {
    let (csrf, cookie) = crate::pages::anonymous_csrf(state, st).await?;
    let mut page = FormPage::new(
        Layout::anonymous(csrf),
        "输入短信验证码",
        "/public/identity/confirm",
    );
    page.intro = match delivery {
        Some(Delivery::ShownOnPage { code, to }) => format!(
            "演示环境没有接入短信网关，验证码没有真正发送：本应发送到 {to} 的验证码是 {code}。正式部署时接入短信服务，验证码只发到手机，不会显示在页面上。验证码十分钟内有效。"
        ),
        Some(Delivery::Sent { to }) => format!("验证码已发送到 {to}，十分钟内有效。"),
        None => "请输入收到的六位验证码。".into(),
    };
    page.hidden = vec![("next", next_of(next))];
    page.fields = vec![Field::text("code", "验证码", "", 6).required()];
    let status = error
        .as_ref()
        .map_or(axum::http::StatusCode::OK, crate::error::status_of);
    if let Some(e) = error {
        mark(&mut page.fields, &e.refused_fields());
        page.error = Some(e.message_zh());
    }
    page.submit = "核验";
    page.links = vec![link(
        format!("/public/identity?next={}", next_of(next)),
        "重新填写身份信息",
    )];
    Ok(crate::pages::with_cookie(
        cookie,
        (status, page).into_response(),
    ))
}

pub async fn identity_start(
    State(state): State<AppState>,
    Extension(st): Extension<SessionState>,
    f: FormData,
) -> Result<Response, PageError> {
    let next = f.get("next").to_string();
    let Some(visit) = visit_of(&st) else {
        return identity_form(&state, &st, &next, Some(&f), None).await;
    };
    match portal_identity::start(
        &state.store,
        &state.keyring,
        &DemoSender,
        &portal_identity::Asker {
            visit: &visit,
            address: st.ip.as_deref().unwrap_or("-"),
        },
        (f.get("name"), f.get("id_number"), f.get("mobile")),
        deadlines::china_today(),
    )
    .await
    {
        Ok(delivery) => code_form(&state, &st, &next, Some(&delivery), None).await,
        Err(e @ (Error::Invalid { .. } | Error::Several(_) | Error::NotAllowed { .. })) => {
            identity_form(&state, &st, &next, Some(&f), Some(e)).await
        }
        Err(e) => Err(PageError(e)),
    }
}

pub async fn identity_confirm(
    State(state): State<AppState>,
    Extension(st): Extension<SessionState>,
    f: FormData,
) -> Result<Response, PageError> {
    let next = next_of(f.get("next"));
    let Some(visit) = visit_of(&st) else {
        return identity_form(&state, &st, &next, None, None).await;
    };
    match portal_identity::confirm(&state.store, &state.keyring, &visit, f.get("code")).await {
        Ok(()) => Ok(Redirect::to(&next).into_response()),
        Err(e @ Error::Invalid { .. }) => code_form(&state, &st, &next, None, Some(e)).await,
        Err(e) => Err(PageError(e)),
    }
}

pub async fn identity_out(
    State(state): State<AppState>,
    Extension(st): Extension<SessionState>,
) -> Result<Response, PageError> {
    if let Some(v) = visit_of(&st) {
        portal_identity::sign_out(&state.store, &state.keyring, &v).await?;
    }
    identity_form(&state, &st, "/public/disputes", None, None).await
}

/// The citizen's disputes.
pub async fn mine(
    State(state): State<AppState>,
    Extension(st): Extension<SessionState>,
) -> Result<Response, PageError> {
    let Some(who) = verified(&state, &st).await? else {
        return identity_form(&state, &st, "/public/disputes", None, None).await;
    };
    let (csrf, cookie) = crate::pages::anonymous_csrf(&state, &st).await?;
    let rows = disputes::portal::mine(&state.store, &who)
        .await?
        .iter()
        .map(|d| {
            vec![
                cell_link(d.number(), format!("/public/disputes/{}", d.id)),
                cell(d.kind.label_zh()),
                cell(d.received_on.to_string()),
                cell(d.handler_name.clone()),
                cell(d.outcome_zh()),
            ]
        })
        .collect::<Vec<_>>();
    let page = ListPage {
        prev: None,
        layout: Layout::anonymous(csrf),
        title: "我的矛盾纠纷调解申请".into(),
        intro: format!(
            "{}（{}），以下是您在网上提交的调解申请及其办理情况。",
            who.name, who.id_masked
        ),
        actions: vec![
            link("/public/disputes/new", "在线申请调解"),
            link("/public/identity/out", "退出实名核验"),
        ],
        filters: Vec::new(),
        error: None,
        count_text: format!("共 {} 件", rows.len()),
        hidden: Vec::new(),
        headers: plain(&["编号", "类型", "申请日期", "受理单位", "状态"]),
        rows,
        next: None,
    };
    Ok(crate::pages::with_cookie(cookie, page.into_response()))
}

async fn apply_form(
    state: &AppState,
    st: &SessionState,
    who: &Verified,
    posted: Option<&FormData>,
    error: Option<Error>,
) -> Result<Response, PageError> {
    let (csrf, cookie) = crate::pages::anonymous_csrf(state, st).await?;
    let mut page = FormPage::new(Layout::anonymous(csrf), "在线申请调解", "/public/disputes");
    page.intro = format!(
        "申请人：{}（{}，联系电话为核验时的手机号码）。提交后按分流规则自动转到受理单位（所在村、镇的调解组织或有关部门），您可以在“我的调解申请”中查看受理单位和办理进度。人民调解不收取任何费用（《人民调解法》第四条）。",
        who.name, who.id_masked
    );
    let towns = disputes::town_list(&state.store)
        .await?
        .into_iter()
        .map(|t| (t.department_id.to_string(), t.town))
        .collect();
    page.fields = super::intake_fields(posted, towns, false);
    let status = error
        .as_ref()
        .map_or(axum::http::StatusCode::OK, crate::error::status_of);
    if let Some(e) = error {
        mark(&mut page.fields, &e.refused_fields());
        page.error = Some(e.message_zh());
    }
    page.submit = "提交申请";
    page.links = vec![link("/public/disputes", "我的调解申请")];
    Ok(crate::pages::with_cookie(
        cookie,
        (status, page).into_response(),
    ))
}

pub async fn apply_page(
    State(state): State<AppState>,
    Extension(st): Extension<SessionState>,
) -> Result<Response, PageError> {
    let Some(who) = verified(&state, &st).await? else {
        return identity_form(&state, &st, "/public/disputes/new", None, None).await;
    };
    apply_form(&state, &st, &who, None, None).await
}

pub async fn apply(
    State(state): State<AppState>,
    Extension(st): Extension<SessionState>,
    f: FormData,
) -> Result<Response, PageError> {
    let Some(who) = verified(&state, &st).await? else {
        return identity_form(&state, &st, "/public/disputes/new", None, None).await;
    };
    let result = async {
        let intake = super::intake_of(&f, None)?;
        disputes::portal::submit(&state.store, &state.keyring, &who, &intake).await
    }
    .await;
    match result {
        Ok(id) => Ok(Redirect::to(&format!("/public/disputes/{id}?sent=1")).into_response()),
        Err(e @ (Error::Invalid { .. } | Error::Several(_))) => {
            apply_form(&state, &st, &who, Some(&f), Some(e)).await
        }
        Err(e) => Err(PageError(e)),
    }
}

#[derive(Deserialize)]
pub struct SentQuery {
    sent: Option<String>,
}

pub async fn one(
    State(state): State<AppState>,
    Extension(st): Extension<SessionState>,
    Path(id): Path<i64>,
    Query(q): Query<SentQuery>,
) -> Result<Response, PageError> {
    let Some(who) = verified(&state, &st).await? else {
        return identity_form(&state, &st, &format!("/public/disputes/{id}"), None, None).await;
    };
    let (csrf, cookie) = crate::pages::anonymous_csrf(&state, &st).await?;
    let file = disputes::portal::one(&state.store, &who, id).await?;
    let mut details = super::details_of(&file);
    let d = &file.dispute;
    // What the applicant may do next with an agreement: apply for judicial confirmation.
    if let (true, Some(agreed)) = (
        disputes::allowed_steps(d).contains(&disputes::Step::Confirm),
        d.closed_on,
    ) {
        let by = disputes::transition::confirm_by(&state.in_force().await?.0, agreed);
        details.push((
            "可以申请司法确认".into(),
            format!(
                "双方当事人可以自调解协议生效之日起三十日内（{by} 前）共同向人民法院申请司法确认；确认后一方不履行的，对方可以申请强制执行（《人民调解法》第三十三条）。"
            ),
        ));
    }
    let page = SectionsPage {
        notice: q.sent.map(|_| {
            format!(
                "申请已提交，编号 {}，已转{}办理。",
                file.dispute.number(),
                file.dispute.handler_name
            )
        }),
        warnings: Vec::new(),
        table: None,
        layout: Layout::anonymous(csrf),
        title: format!(
            "{}：{}",
            file.dispute.number(),
            file.dispute.kind.label_zh()
        ),
        intro: String::new(),
        error: None,
        details,
        sections: Vec::new(),
        links: vec![link("/public/disputes", "我的调解申请")],
    };
    Ok(crate::pages::with_cookie(cookie, page.into_response()))
}
