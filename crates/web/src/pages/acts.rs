//! 行政行为码 pages: the public page a scanned code opens (verified first), its QR code, the
//! entity's rating and complaint, the public key for offline checking, and the supervisor's
//! desk of ratings and complaints.

use askama::Template;
use askama_web::WebTemplate;
use axum::Extension;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use fazhi_core::inspection::acts::{self, ActView};
use fazhi_core::{Error, Permission};

use super::{layout, require};
use crate::AppState;
use crate::error::PageError;
use crate::form::FormData;
use crate::session::{SessionState, Signed};
use crate::view::*;

#[derive(Template, WebTemplate)]
#[template(path = "act.html")]
pub struct ActPage {
    pub layout: Layout,
    pub title: String,
    pub error: Option<String>,
    pub note: Option<String>,
    pub details: Vec<(String, String)>,
    /// The QR code's side in modules (with the quiet zone) and its dark modules.
    pub qr_size: usize,
    pub qr_dark: Vec<(usize, usize)>,
    pub feedback_action: Option<String>,
}

/// The dark modules of `text` as a QR code, with a four-module quiet zone.
fn qr(text: &str) -> (usize, Vec<(usize, usize)>) {
    let Ok(code) = qrcode::QrCode::with_error_correction_level(text, qrcode::EcLevel::M) else {
        return (0, Vec::new());
    };
    let width = code.width();
    let dark = code
        .to_colors()
        .iter()
        .enumerate()
        .filter(|(_, c)| **c == qrcode::Color::Dark)
        .map(|(i, _)| (i % width + 4, i / width + 4))
        .collect();
    (width + 8, dark)
}

fn details(v: &ActView) -> Vec<(String, String)> {
    let mut out = vec![
        (
            "被检查对象".to_string(),
            format!("{}（{}）", v.entity_name, v.entity_uscc),
        ),
        ("检查部门".into(), v.department.clone()),
        (
            "执法人员".into(),
            v.officers
                .iter()
                .map(|(n, c)| format!("{n}（执法证 {c}）"))
                .collect::<Vec<_>>()
                .join("、"),
        ),
        ("签发日期".into(), v.issued_on.clone()),
    ];
    for (code, name, basis) in &v.items {
        out.push((format!("检查事项 {code}"), format!("{name}；依据 {basis}")));
    }
    out.push((
        "检查结果".into(),
        match &v.outcome {
            Some((o, on)) => format!("{on} 检查，{o}"),
            None => "尚未检查".into(),
        },
    ));
    if let Some((number, stage, executed)) = &v.case {
        out.push((
            "后续案件".into(),
            format!(
                "{number}，{stage}{}",
                if *executed { "，已执行" } else { "" }
            ),
        ));
    }
    out.push((
        "评价与投诉".into(),
        format!(
            "评价 {} 次{}，投诉 {} 次",
            v.feedback.0,
            if v.feedback.0 > 0 {
                format!("（平均 {:.1} 星）", v.feedback.1 as f64 / 100.0)
            } else {
                String::new()
            },
            v.feedback.2
        ),
    ));
    out
}

async fn act_page(
    state: &AppState,
    st: &SessionState,
    headers: &HeaderMap,
    code: &str,
    error: Option<String>,
    note: Option<String>,
) -> Result<Response, PageError> {
    let (csrf, cookie) = super::anonymous_csrf(state, st).await?;
    let layout = Layout::anonymous(csrf);
    let page = match acts::scan(&state.store, &state.keyring, code).await {
        Ok(view) => {
            let host = headers
                .get(header::HOST)
                .and_then(|h| h.to_str().ok())
                .unwrap_or("127.0.0.1:8080");
            let scheme = if st.https { "https" } else { "http" };
            let (qr_size, qr_dark) = qr(&format!("{scheme}://{host}/public/acts/{}", view.code));
            ActPage {
                layout,
                title: "行政行为码：验签通过".into(),
                error,
                note,
                details: details(&view),
                qr_size,
                qr_dark,
                feedback_action: Some(format!("/public/acts/{}/feedback", view.code)),
            }
        }
        Err(e @ Error::Invalid { .. }) => {
            return Ok((
                StatusCode::UNPROCESSABLE_ENTITY,
                ActPage {
                    layout,
                    title: "行政行为码：验签失败".into(),
                    error: Some(e.message_zh()),
                    note: None,
                    details: Vec::new(),
                    qr_size: 0,
                    qr_dark: Vec::new(),
                    feedback_action: None,
                },
            )
                .into_response());
        }
        Err(e) => return Err(PageError(e)),
    };
    let status = if page.error.is_some() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    Ok(super::with_cookie(cookie, (status, page).into_response()))
}

#[derive(serde::Deserialize)]
pub struct ActQuery {
    thanks: Option<String>,
}

pub async fn public_act(
    State(state): State<AppState>,
    Extension(st): Extension<SessionState>,
    headers: HeaderMap,
    Path(code): Path<String>,
    axum::extract::Query(q): axum::extract::Query<ActQuery>,
) -> Result<Response, PageError> {
    let note = q
        .thanks
        .map(|_| "已收到，您的评价或投诉已送达司法行政部门的监督人员。".to_string());
    act_page(&state, &st, &headers, &code, None, note).await
}

pub async fn public_feedback(
    State(state): State<AppState>,
    Extension(st): Extension<SessionState>,
    headers: HeaderMap,
    Path(code): Path<String>,
    f: FormData,
) -> Result<Response, PageError> {
    let stars = match f.get("stars").trim() {
        "" => Ok(None),
        v => v
            .parse::<u32>()
            .map(Some)
            .map_err(|_| Error::invalid("stars", "评价为 1 至 5 星。")),
    };
    let result = match stars {
        Ok(stars) => {
            // The CSRF check passed, so the visitor has a nonce or a session.
            let device = st
                .visit
                .clone()
                .or_else(|| st.session.as_ref().map(|s| s.id_hash.clone()))
                .unwrap_or_default();
            let sender = acts::Sender {
                device: &device,
                address: st.ip.as_deref().unwrap_or("-"),
            };
            acts::feedback(
                &state.store,
                &state.keyring,
                &code,
                &sender,
                stars,
                f.opt("complaint").as_deref(),
            )
            .await
        }
        Err(e) => Err(e),
    };
    match result {
        Ok(()) => Ok(Redirect::to(&format!("/public/acts/{code}?thanks=1")).into_response()),
        Err(e @ (Error::Invalid { .. } | Error::NotAllowed { .. })) => {
            let mut r = act_page(&state, &st, &headers, &code, Some(e.message_zh()), None).await?;
            if matches!(e, Error::NotAllowed { .. }) {
                *r.status_mut() = StatusCode::TOO_MANY_REQUESTS;
            }
            Ok(r)
        }
        Err(e) => Err(PageError(e)),
    }
}

/// The public key and the code's format, for checking codes offline.
pub async fn public_key(State(state): State<AppState>) -> Result<Response, PageError> {
    let key = acts::public_key_hex(&state.keyring)?;
    let text = format!(
        "行政行为码验签公钥（SM2，SEC1 非压缩格式，十六进制）：\n{key}\n\n区别标识（distinguishing identifier）：{}\n\n码的格式：1-随机数-统一社会信用代码-部门编号-签发日期(YYYYMMDD)-签名\n签名为 SM2 签名（r‖s，各 32 字节，十六进制），被签名的内容是最后一个“-”之前的全部文字（UTF-8）。\n",
        acts::DISTID
    );
    Ok(([(header::CONTENT_TYPE, "text/plain; charset=utf-8")], text).into_response())
}

/// The supervisor's desk: complaints and low ratings first.
pub async fn desk(State(state): State<AppState>, s: Signed) -> Result<Response, PageError> {
    require(&s, Permission::SupervisionManage)?;
    let desk = acts::desk(&state.store, &s.actor).await?;
    let rows = &desk.items;
    let refused = acts::refusals(&state.store, &s.actor).await?;
    let complaints = rows.iter().filter(|r| r.complaint.is_some()).count();
    let refused_text = if refused.is_empty() {
        "没有被拒绝的提交。".to_string()
    } else {
        format!(
            "被拒绝的提交：{}（每台设备对一次检查只能评价一次；同一地址每小时最多 {} 次；同一个码每小时最多 {} 次）。",
            refused
                .iter()
                .map(|(reason, n)| format!(
                    "{} {n} 次",
                    match reason.as_str() {
                        "rated_already" => "重复评价",
                        "address_rate" => "同一地址过于频繁",
                        "code_rate" => "同一个码过于频繁",
                        other => other,
                    }
                ))
                .collect::<Vec<_>>()
                .join("，"),
            acts::PER_ADDRESS_PER_HOUR,
            acts::PER_CODE_PER_HOUR
        )
    };
    Ok(ListPage {
        prev: None,
        layout: layout(&s),
        title: "行政行为码评价与投诉".into(),
        intro: format!(
            "被检查对象扫行政行为码提交的评价和投诉，投诉和 2 星以下的评价在前；共 {} 条，其中投诉 {complaints} 条。{refused_text}",
            rows.len()
        ),
        actions: vec![link("/inspection/inspections", "检查记录")],
        filters: Vec::new(),
        error: None,
        count_text: super::counted(&desk, "条"),
        hidden: Vec::new(),
        headers: plain(&["被检查对象", "检查部门", "评价", "投诉", "检查记录"]),
        rows: rows
            .iter()
            .map(|r| {
                vec![
                    cell_link(r.entity_name.clone(), format!("/public/acts/{}", r.code)),
                    cell(r.department.clone()),
                    cell(r.stars.map_or(String::new(), |s| format!("{s} 星"))),
                    cell(r.complaint.clone().unwrap_or_default()),
                    match r.inspection_id {
                        Some(i) => cell_link("查看", format!("/inspection/inspections/{i}")),
                        None => cell("尚未检查"),
                    },
                ]
            })
            .collect(),
        next: None,
    }
    .into_response())
}
