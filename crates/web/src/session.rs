//! Sessions, sign-in state and CSRF at the HTTP edge. One middleware resolves the session
//! cookie once per request and refuses every state-changing request whose CSRF token does not
//! match; extractors then turn the session into the request's `Actor`.

use std::net::SocketAddr;

use axum::body::{Body, to_bytes};
use axum::extract::{ConnectInfo, FromRequestParts, Request, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use fazhi_core::Actor;
use fazhi_core::auth::{self, session};

use crate::AppState;
use crate::error::{ApiError, message_page};

pub const COOKIE: &str = "fazhi_session";
/// A visitor who is not signed in carries only a random nonce; the CSRF token of their forms
/// (sign-in, feedback on an act code) is an HMAC of it, so nothing is stored for a visit.
pub const ANONYMOUS_COOKIE: &str = "fazhi_visit";
const ANONYMOUS_CSRF: &str = "csrf-anonymous";
/// Largest form body accepted.
pub const FORM_LIMIT: usize = 256 * 1024;

/// The session state of a request, put in its extensions by `guard`.
#[derive(Clone)]
pub struct SessionState {
    pub session: Option<session::Session>,
    /// The visitor's nonce (`ANONYMOUS_COOKIE`), when there is no session.
    pub visit: Option<String>,
    pub expired: bool,
    pub ip: Option<String>,
    pub https: bool,
}

fn cookie_value(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.to_string())
        .filter(|v| v.len() == 64 && v.chars().all(|c| c.is_ascii_hexdigit()))
}

/// Constant-time comparison, so a token cannot be guessed byte by byte from response times.
pub(crate) fn same(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

/// The CSRF token of a visitor's forms: an HMAC of their nonce under the server's index key.
pub fn anonymous_token(state: &AppState, visit: &str) -> String {
    state.keyring.blind_index(ANONYMOUS_CSRF, visit)
}

/// The cookie that carries a visitor's nonce, for as long as the browser stays open.
pub fn set_visit_cookie(visit: &str, https: bool) -> String {
    format!(
        "{ANONYMOUS_COOKIE}={visit}; Path=/; HttpOnly; SameSite=Strict{}",
        if https { "; Secure" } else { "" }
    )
}

pub fn set_cookie(token: &str, https: bool) -> String {
    format!(
        "{COOKIE}={token}; Path=/; HttpOnly; SameSite=Lax{}",
        if https { "; Secure" } else { "" }
    )
}

pub fn clear_cookie() -> String {
    format!("{COOKIE}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0")
}

/// Whether reading a body failed because its deadline passed (`serve::Deadline`).
fn too_slow(e: &axum::Error) -> bool {
    let mut source: Option<&(dyn std::error::Error + 'static)> = Some(e);
    while let Some(err) = source {
        if err.is::<crate::serve::TooSlow>() {
            return true;
        }
        source = err.source();
    }
    false
}

/// Who is asking: the connection's address, or — when that is one of `trusted` (the reverse
/// proxy in front of fazhi) — the nearest address in `X-Forwarded-For` that is not a trusted
/// proxy. Without this, everyone behind a proxy shares its address, and the per-address
/// sign-in lock and feedback limits would apply to all of them at once.
pub fn client_address(
    peer: Option<std::net::IpAddr>,
    headers: &HeaderMap,
    trusted: &[std::net::IpAddr],
) -> Option<std::net::IpAddr> {
    // An IPv4 client on a dual-stack listener arrives as ::ffff:a.b.c.d.
    let peer = peer?.to_canonical();
    if !trusted.contains(&peer) {
        return Some(peer);
    }
    let forwarded: Vec<std::net::IpAddr> = headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .filter_map(|a| a.trim().parse::<std::net::IpAddr>().ok())
        .map(|a| a.to_canonical())
        .collect();
    Some(
        forwarded
            .into_iter()
            .rev()
            .find(|a| !trusted.contains(a))
            .unwrap_or(peer),
    )
}

fn form_field(body: &[u8], name: &str) -> Option<String> {
    serde_urlencoded::from_bytes::<Vec<(String, String)>>(body)
        .ok()?
        .into_iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v)
}

pub async fn guard(State(state): State<AppState>, mut req: Request, next: Next) -> Response {
    let ip = client_address(
        req.extensions()
            .get::<ConnectInfo<SocketAddr>>()
            .map(|c| c.0.ip()),
        req.headers(),
        &state.config.trusted_proxies,
    )
    .map(|a| a.to_string());
    let https = state.config.secure_cookies
        || req
            .headers()
            .get("x-forwarded-proto")
            .is_some_and(|v| v.as_bytes() == b"https");
    let token = cookie_value(req.headers(), COOKIE);
    let mut st = SessionState {
        session: None,
        visit: cookie_value(req.headers(), ANONYMOUS_COOKIE),
        expired: false,
        ip,
        https,
    };
    if let Some(t) = &token {
        match session::lookup(&state.store, t, state.config.idle_ms()).await {
            Ok(session::Lookup::Valid(s)) => st.session = Some(s),
            Ok(session::Lookup::Expired) => st.expired = true,
            Ok(session::Lookup::Missing) => {}
            Err(e) => {
                tracing::error!(error = %e, "session lookup failed");
                return message_page(
                    StatusCode::SERVICE_UNAVAILABLE,
                    "系统暂不可用",
                    "数据库暂时无法访问，请稍后重试。".into(),
                );
            }
        }
    }
    let unsafe_method = !matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS);
    if unsafe_method {
        let is_api = req.uri().path().starts_with("/api/");
        let bearer = req
            .headers()
            .get(header::AUTHORIZATION)
            .is_some_and(|v| v.as_bytes().starts_with(b"Bearer "));
        let expected = st
            .session
            .as_ref()
            .map(|s| s.csrf_token.clone())
            .or_else(|| st.visit.as_deref().map(|v| anonymous_token(&state, v)));
        if is_api {
            if !bearer && let Some(expected) = expected {
                let sent = req
                    .headers()
                    .get("x-csrf-token")
                    .and_then(|v| v.to_str().ok())
                    .unwrap_or("");
                if !same(sent, &expected) {
                    return ApiError::CsrfRejected.into_response();
                }
            }
        } else {
            let multipart = req
                .headers()
                .get(header::CONTENT_TYPE)
                .is_some_and(|v| v.as_bytes().starts_with(b"multipart/form-data"));
            // File uploads carry the token in the form's action URL: the guard does not buffer
            // files to look inside them.
            let sent_in_url = req
                .uri()
                .query()
                .and_then(|q| serde_urlencoded::from_str::<Vec<(String, String)>>(q).ok())
                .and_then(|pairs| pairs.into_iter().find(|(k, _)| k == "csrf").map(|(_, v)| v))
                .unwrap_or_default();
            let sent = if multipart {
                sent_in_url
            } else {
                let (parts, body) = req.into_parts();
                let bytes = match to_bytes(body, FORM_LIMIT).await {
                    Ok(b) => b,
                    // The body's deadline passed (a client sending it very slowly).
                    Err(e) if too_slow(&e) => {
                        return message_page(
                            StatusCode::REQUEST_TIMEOUT,
                            "提交超时",
                            "表单内容未在时限内发送完毕，请重新提交。".into(),
                        );
                    }
                    Err(_) => {
                        return message_page(
                            StatusCode::PAYLOAD_TOO_LARGE,
                            "提交内容过大",
                            format!(
                                "表单内容不能超过 {} KB，本次未保存。请用浏览器的“后退”回到表单（已填写的内容仍在），删减过长的内容后重新提交。",
                                FORM_LIMIT / 1024
                            ),
                        );
                    }
                };
                let sent = form_field(&bytes, "csrf").unwrap_or_default();
                req = Request::from_parts(parts, Body::from(bytes));
                sent
            };
            if !expected.is_some_and(|e| same(&sent, &e)) {
                return message_page(
                    StatusCode::FORBIDDEN,
                    "表单已失效",
                    "表单校验码缺失或已过期（可能是页面停留过久，或登录已失效）。请重新打开页面后再提交。".into(),
                );
            }
        }
    }
    if let Some(s) = &st.session
        && s.user_id.is_some()
        && let Err(e) = session::touch(&state.store, s, state.config.touch_ms()).await
    {
        tracing::warn!(error = %e, "session touch failed");
    }
    req.extensions_mut().insert(st);
    next.run(req).await
}

/// A signed-in user on a page. Anyone else is sent to the sign-in page; a user who must change
/// their password is sent to do so first.
pub struct Signed {
    pub actor: Actor,
    pub csrf: String,
    pub session_hash: String,
    pub path: String,
}

impl FromRequestParts<AppState> for Signed {
    type Rejection = Response;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let st = parts.extensions.get::<SessionState>().cloned();
        let Some(st) = st else {
            return Err(Redirect::to("/login").into_response());
        };
        let Some((s, user_id)) = st.session.and_then(|s| s.user_id.map(|u| (s, u))) else {
            let to = if st.expired {
                "/login?expired=1"
            } else {
                "/login"
            };
            return Err(Redirect::to(to).into_response());
        };
        let actor = match auth::actor_for_user(&state.store, user_id, st.ip.as_deref()).await {
            Ok(a) => a,
            Err(fazhi_core::Error::Store(e)) => {
                return Err(crate::error::PageError(fazhi_core::Error::Store(e)).into_response());
            }
            Err(_) => {
                // Locked, disabled or deleted since signing in: the session ends here.
                let _ = session::delete(&state.store, &s.id_hash).await;
                return Err(Redirect::to("/login").into_response());
            }
        };
        let path = parts.uri.path().to_string();
        if actor.must_change_password && path != "/account/password" && path != "/logout" {
            return Err(Redirect::to("/account/password").into_response());
        }
        Ok(Signed {
            actor,
            csrf: s.csrf_token,
            session_hash: s.id_hash,
            path,
        })
    }
}

/// The principal of an API request: an API token (`Authorization: Bearer fz_…`) or a signed-in
/// browser session.
pub struct ApiActor(pub Actor);

impl FromRequestParts<AppState> for ApiActor {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let st = parts.extensions.get::<SessionState>().cloned();
        let ip = st.as_ref().and_then(|s| s.ip.clone());
        if let Some(secret) = parts
            .headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
        {
            return match auth::actor_for_token(&state.store, secret.trim(), ip.as_deref()).await {
                Ok(Some(actor)) => {
                    // What another system reads through a token is on the audit log, as what a
                    // person changes is (writes are audited by the operation itself).
                    if parts.method == axum::http::Method::GET {
                        fazhi_core::audit::read(
                            &state.store,
                            &actor,
                            "api",
                            None,
                            serde_json::json!({ "path": parts.uri.path(), "query": parts.uri.query() }),
                        )
                        .await
                        .map_err(ApiError::Domain)?;
                    }
                    Ok(ApiActor(actor))
                }
                Ok(None) => Err(ApiError::Unauthenticated),
                Err(e) => Err(ApiError::Domain(e)),
            };
        }
        let user = st.and_then(|s| s.session).and_then(|s| s.user_id);
        let Some(user_id) = user else {
            return Err(ApiError::Unauthenticated);
        };
        match auth::actor_for_user(&state.store, user_id, ip.as_deref()).await {
            Ok(actor) if !actor.must_change_password => Ok(ApiActor(actor)),
            Ok(_) => Err(ApiError::Domain(fazhi_core::Error::Forbidden)),
            Err(fazhi_core::Error::Store(e)) => Err(ApiError::Domain(fazhi_core::Error::Store(e))),
            Err(_) => Err(ApiError::Unauthenticated),
        }
    }
}
