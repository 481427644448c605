//! The web layer: pages, the JSON API, sessions and CSRF, health and metrics.
//!
//! Architecture invariant: only this crate knows HTTP; it holds no business rule — every
//! decision is a call into `fazhi_core`.
//!
//! Long because `router` is the one table of every route (the route × role matrix test reads it
//! from this file), each route a few lines as rustfmt lays them out.

mod api;
mod charts;
mod error;
mod form;
mod listing;
mod pages;
mod serve;
mod session;
mod view;

use std::net::SocketAddr;
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use axum::Router;
use axum::extract::{Request, State};
use axum::http::{StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use fazhi_store::Store;
use metrics_exporter_prometheus::{PrometheusBuilder, PrometheusHandle};

pub use api::document as openapi_document;

#[derive(Clone, Debug)]
pub struct WebConfig {
    /// A session idle longer than this is signed out.
    pub idle_timeout: Duration,
    /// Mark the session cookie Secure (also done per request behind an HTTPS proxy that sets
    /// X-Forwarded-Proto).
    pub secure_cookies: bool,
    /// Who may read `/metrics` and `/api/openapi.json`.
    pub ops: OpsAccess,
    /// The reverse proxies in front of fazhi, whose `X-Forwarded-For` names the client.
    pub trusted_proxies: Vec<std::net::IpAddr>,
    /// How long a request waits for a long job (an export) before showing its progress page;
    /// `LONG_JOB_WAIT` in service, zero in tests so the progress page is always walked.
    pub long_job_wait: Duration,
}

/// A job done within this needs no progress page: an export goes straight to its file.
pub const LONG_JOB_WAIT: Duration = Duration::from_secs(2);

/// The operators' endpoints (`/metrics`, `/api/openapi.json`) tell an attacker what runs and how
/// busy it is: open only where nobody else can reach them, or behind a token.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum OpsAccess {
    /// Anyone who can connect (the default when the server listens on a loopback address).
    Open,
    /// Only requests with `Authorization: Bearer <token>` (`metrics_token`).
    Token(String),
    /// Nobody (the default on any other listen address when no token is set).
    Closed,
}

impl OpsAccess {
    /// The default for a listen address, unless a token is configured.
    pub fn for_listen(listen: SocketAddr, token: Option<String>) -> OpsAccess {
        match token.filter(|t| !t.is_empty()) {
            Some(t) => OpsAccess::Token(t),
            None if listen.ip().is_loopback() => OpsAccess::Open,
            None => OpsAccess::Closed,
        }
    }

    /// `peer` is the connection's address. "Open" means open to this machine: a request that
    /// came through a proxy (it names a client in `X-Forwarded-For` or `Forwarded`) or from
    /// another address is refused, whatever the listen address.
    fn allows(&self, peer: Option<std::net::IpAddr>, headers: &axum::http::HeaderMap) -> bool {
        match self {
            OpsAccess::Open => {
                peer.is_some_and(|p| p.to_canonical().is_loopback())
                    && !["x-forwarded-for", "x-real-ip", "forwarded", "via"]
                        .iter()
                        .any(|h| headers.contains_key(*h))
            }
            OpsAccess::Closed => false,
            OpsAccess::Token(t) => headers
                .get(header::AUTHORIZATION)
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.strip_prefix("Bearer "))
                .is_some_and(|sent| session::same(sent.trim(), t)),
        }
    }
}

/// Answers 404 (as for a page that does not exist) unless `OpsAccess` allows the request.
async fn ops_only(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let peer = req
        .extensions()
        .get::<axum::extract::ConnectInfo<SocketAddr>>()
        .map(|c| c.0.ip());
    if state.config.ops.allows(peer, req.headers()) {
        next.run(req).await
    } else {
        fallback().await
    }
}

impl WebConfig {
    fn idle_ms(&self) -> i64 {
        i64::try_from(self.idle_timeout.as_millis()).unwrap_or(i64::MAX)
    }

    /// How often a session's activity is written: a tenth of the idle timeout, at most a minute.
    fn touch_ms(&self) -> i64 {
        (self.idle_ms() / 10).min(60_000)
    }
}

#[derive(Clone)]
pub struct AppState {
    pub store: Store,
    pub config: std::sync::Arc<WebConfig>,
    /// Keys for personal data at rest; never in the database.
    pub keyring: std::sync::Arc<fazhi_core::vault::Keyring>,
    /// The calendar and warning policy in force, read once a minute or after a change here.
    pub in_force: std::sync::Arc<fazhi_core::deadlines::InForce>,
    /// The normative-document library's full-text index (a copy of the register, kept in step
    /// by `fazhi_core::normative::library`).
    pub library: std::sync::Arc<fazhi_search::Library>,
    metrics: PrometheusHandle,
}

impl AppState {
    /// The calendar and warning policy deadlines are computed with.
    pub async fn in_force(&self) -> fazhi_core::Result<fazhi_core::deadlines::CalendarInForce> {
        self.in_force.get(&self.store).await
    }

    /// The context an operation of one request runs in: this server's store and keys, the
    /// signed-in actor, the calendar in force and today's date in China.
    pub fn ctx<'a>(
        &'a self,
        actor: &'a fazhi_core::Actor,
        in_force: &'a fazhi_core::deadlines::CalendarInForce,
    ) -> fazhi_core::Ctx<'a> {
        fazhi_core::Ctx {
            store: &self.store,
            actor,
            keyring: &self.keyring,
            clock: fazhi_core::deadlines::Clock {
                cal: &in_force.0,
                policy: in_force.1,
                today: fazhi_core::deadlines::china_today(),
            },
        }
    }
}

/// The Prometheus recorder is process-wide; tests start many apps in one process.
fn metrics_handle() -> PrometheusHandle {
    static HANDLE: OnceLock<PrometheusHandle> = OnceLock::new();
    HANDLE
        .get_or_init(|| {
            let recorder = PrometheusBuilder::new().build_recorder();
            let handle = recorder.handle();
            // Fails only if another recorder is installed; the handle still renders ours.
            let _ = metrics::set_global_recorder(recorder);
            handle
        })
        .clone()
}

impl AppState {
    pub fn new(
        store: Store,
        config: WebConfig,
        keyring: fazhi_core::vault::Keyring,
        library: fazhi_search::Library,
    ) -> AppState {
        AppState {
            store,
            config: std::sync::Arc::new(config),
            keyring: std::sync::Arc::new(keyring),
            in_force: std::sync::Arc::default(),
            library: std::sync::Arc::new(library),
            metrics: metrics_handle(),
        }
    }
}

async fn healthz(State(state): State<AppState>) -> Response {
    match state.store.ping().await {
        Ok(()) => (StatusCode::OK, "ok").into_response(),
        Err(e) => {
            tracing::error!(error = %e, "health check failed");
            (StatusCode::SERVICE_UNAVAILABLE, "database unavailable").into_response()
        }
    }
}

async fn metrics_page(State(state): State<AppState>) -> Response {
    (
        [(header::CONTENT_TYPE, "text/plain; version=0.0.4")],
        state.metrics.render(),
    )
        .into_response()
}

async fn stylesheet() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, "max-age=3600"),
        ],
        include_str!("../static/app.css"),
    )
        .into_response()
}

/// The tab's icon; browsers also ask for /favicon.ico, which gets the same.
async fn icon() -> Response {
    (
        [
            (header::CONTENT_TYPE, "image/svg+xml"),
            (header::CACHE_CONTROL, "max-age=86400"),
        ],
        include_str!("../static/favicon.svg"),
    )
        .into_response()
}

async fn track(req: Request, next: Next) -> Response {
    let start = Instant::now();
    let method = req.method().to_string();
    let response = next.run(req).await;
    let status = response.status().as_u16().to_string();
    metrics::counter!("fazhi_http_requests_total", "method" => method, "status" => status)
        .increment(1);
    metrics::histogram!("fazhi_http_request_seconds").record(start.elapsed().as_secs_f64());
    response
}

async fn fallback() -> Response {
    error::message_page(
        StatusCode::NOT_FOUND,
        "未找到",
        "您访问的页面不存在。".into(),
    )
}

/// Every request body is bounded at the root, whatever the handler reads it with: the case
/// import (its own limit, spooled to a file) and uploads (`UPLOAD_LIMIT`, set again on their
/// routes for the multipart reader) are the largest; everything else is a form or JSON.
async fn limit_body(req: Request, next: Next) -> Response {
    let limit = if req.uri().path() == "/api/v1/cases/import" {
        api::IMPORT_LIMIT
    } else {
        pages::enforcement::UPLOAD_LIMIT + (1 << 20)
    };
    let declared = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<usize>().ok());
    if declared.is_some_and(|n| n > limit) {
        let message = format!("请求体超过 {} MB。", limit >> 20);
        return if req.uri().path().starts_with("/api/") {
            error::api_error(
                StatusCode::PAYLOAD_TOO_LARGE,
                "body_too_large",
                message,
                None,
            )
        } else {
            error::message_page(StatusCode::PAYLOAD_TOO_LARGE, "请求过大", message)
        };
    }
    // The whole body within its deadline too: the import's is long (512 MB over a slow line),
    // every other body is a form or an upload of at most 11 MB.
    let within = if limit == api::IMPORT_LIMIT {
        Duration::from_secs(30 * 60)
    } else {
        Duration::from_secs(120)
    };
    let (parts, body) = req.into_parts();
    let body = axum::body::Body::new(serve::Deadline::new(
        http_body_util::Limited::new(body, limit),
        within,
    ));
    next.run(Request::from_parts(parts, body)).await
}

/// Security headers on every response: nothing is framed, sniffed or loaded from elsewhere.
async fn headers(req: Request, next: Next) -> Response {
    let api = req.uri().path().starts_with("/api/");
    let mut response = next.run(req).await;
    // axum's own rejections (a path id that is not a number, a body over its limit, a form of
    // the wrong type) come as English plain text: say it in Chinese, as JSON on the API.
    let plain = response
        .headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|v| v.as_bytes().starts_with(b"text/plain"));
    let empty_405 = response.status() == StatusCode::METHOD_NOT_ALLOWED
        && !response.headers().contains_key(header::CONTENT_TYPE);
    if (plain || empty_405) && response.status().is_client_error() {
        let status = response.status();
        let (code, message) = match status {
            StatusCode::PAYLOAD_TOO_LARGE => ("body_too_large", "请求体过大。"),
            StatusCode::UNSUPPORTED_MEDIA_TYPE => {
                ("unsupported_media_type", "请求的内容类型不对。")
            }
            StatusCode::UNPROCESSABLE_ENTITY => ("malformed_request", "提交的内容格式不对。"),
            StatusCode::METHOD_NOT_ALLOWED => ("method_not_allowed", "该地址不支持这种请求方法。"),
            _ => (
                "malformed_request",
                "请求有误：网址中的编号或参数格式不对。",
            ),
        };
        response = if api {
            error::api_error(status, code, message.into(), None)
        } else {
            error::message_page(status, "无法完成操作", message.into())
        };
    }
    let h = response.headers_mut();
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        header::HeaderValue::from_static(
            "default-src 'self'; frame-ancestors 'none'; form-action 'self'",
        ),
    );
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        header::HeaderValue::from_static("nosniff"),
    );
    h.insert(
        header::REFERRER_POLICY,
        header::HeaderValue::from_static("same-origin"),
    );
    // A busy database is a passing state (`Error::Busy`): say when to try again.
    if response.status() == StatusCode::SERVICE_UNAVAILABLE {
        response
            .headers_mut()
            .entry(header::RETRY_AFTER)
            .or_insert(header::HeaderValue::from_static("2"));
    }
    response
}

pub fn router(state: AppState) -> Router {
    use pages::{
        acts, admin, audit, calendar, cases, deadlines, disclosure, discretion, documents, draws,
        enforcement, figures, inspection, joint_plans, long_jobs, org, supervision,
    };
    Router::new()
        .route("/", get(pages::home))
        .route("/login", get(pages::login_page).post(pages::login))
        .route("/logout", post(pages::logout))
        .route(
            "/account/password",
            get(pages::password_page).post(pages::change_password),
        )
        .route("/m/{module}", get(pages::module))
        .route("/org/regions", get(org::regions).post(org::region_create))
        .route("/org/regions/new", get(org::region_new))
        .route(
            "/org/regions/{id}",
            get(org::region_show).post(org::region_update),
        )
        .route(
            "/org/departments",
            get(org::departments).post(org::department_create),
        )
        .route("/org/departments/new", get(org::department_new))
        .route(
            "/org/departments/{id}",
            get(org::department_show).post(org::department_update),
        )
        .route("/org/users", get(org::users).post(org::user_create))
        .route("/org/users/new", get(org::user_new))
        .route(
            "/org/users/{id}",
            get(org::user_show).post(org::user_update),
        )
        .route(
            "/org/users/{id}/reset-password",
            post(org::user_reset_password),
        )
        .route("/org/users/{id}/lock", post(org::user_lock))
        .route("/org/users/{id}/unlock", post(org::user_unlock))
        .route(
            "/org/users/{id}/roles",
            get(org::user_roles_page).post(org::user_roles),
        )
        .route("/admin/roles", get(admin::roles).post(admin::role_create))
        .route("/admin/roles/new", get(admin::role_new))
        .route(
            "/admin/roles/{id}",
            get(admin::role_show).post(admin::role_update),
        )
        .route(
            "/admin/policy",
            get(admin::policy_page).post(admin::policy_update),
        )
        .route("/admin/tokens", get(admin::tokens))
        .route(
            "/account/tokens",
            get(admin::own_tokens).post(admin::own_token_create),
        )
        .route("/account/tokens/{id}/revoke", post(admin::own_token_revoke))
        .route("/admin/tokens/{id}/revoke", post(admin::token_revoke))
        .route("/enforcement/catalog", get(enforcement::catalog))
        .route(
            "/enforcement/catalog/items/{code}",
            get(enforcement::item).post(enforcement::item_update),
        )
        .route(
            "/enforcement/catalog/import",
            get(enforcement::import_page)
                .post(enforcement::import)
                .layer(axum::extract::DefaultBodyLimit::max(
                    enforcement::UPLOAD_LIMIT,
                )),
        )
        .route(
            "/enforcement/catalog/template.xlsx",
            get(enforcement::template),
        )
        .route("/enforcement/catalog/export.xlsx", get(enforcement::export))
        .route("/enforcement/cases", get(cases::list).post(cases::create))
        .route("/enforcement/cases/new", get(cases::new))
        .route(
            "/enforcement/cases/import",
            get(cases::ledger_page).post(cases::ledger_import).layer(
                axum::extract::DefaultBodyLimit::max(enforcement::UPLOAD_LIMIT),
            ),
        )
        .route(
            "/enforcement/cases/import/template.xlsx",
            get(cases::ledger_template),
        )
        .route("/dashboard", get(pages::dashboard::page))
        .route(
            "/dashboard/figures.xlsx",
            get(pages::dashboard::figures_export),
        )
        .route("/enforcement/cases/export.xlsx", get(cases::export))
        .route("/jobs/{id}", get(long_jobs::show))
        .route("/jobs/{id}/file", get(long_jobs::file))
        .route("/enforcement/cases/{id}", get(cases::show).post(cases::act))
        .route(
            "/enforcement/cases/{id}/file-documents",
            post(cases::register_file_document),
        )
        .route(
            "/enforcement/cases/{id}/file-documents/remove",
            post(cases::remove_file_document),
        )
        .route(
            "/enforcement/cases/{id}/file-documents/paper",
            post(cases::complete_file_documents),
        )
        .route(
            "/enforcement/cases/{id}/documents/{file}",
            get(cases::document),
        )
        .route(
            "/enforcement/cases/{id}/disclosure",
            get(disclosure::show).post(disclosure::act),
        )
        .route(
            "/enforcement/publication-limits",
            get(disclosure::limits).post(disclosure::set_limit),
        )
        .route("/public/decisions", get(disclosure::public_list))
        .route("/public/decisions/{id}", get(disclosure::public_show))
        .route("/enforcement/figures", get(figures::page))
        .route("/supervision/evaluation", get(supervision::evaluation_page))
        .route(
            "/supervision/evaluation/settings",
            get(supervision::sheet_settings_page).post(supervision::sheet_settings_create),
        )
        .route(
            "/supervision/evaluation/settings/new",
            get(supervision::sheet_settings_new),
        )
        .route(
            "/supervision/notices",
            get(supervision::notices_page).post(supervision::notice_create),
        )
        .route("/supervision/notices/new", get(supervision::notice_new))
        .route(
            "/supervision/notices/export.xlsx",
            get(supervision::notices_export),
        )
        .route(
            "/supervision/notices/{id}",
            get(supervision::notice_show).post(supervision::notice_act),
        )
        .route(
            "/supervision/notices/{id}/notice.docx",
            get(supervision::notice_docx),
        )
        .route(
            "/supervision/samples",
            get(supervision::samples_page).post(supervision::sample_create),
        )
        .route("/supervision/samples/new", get(supervision::sample_new))
        .route(
            "/supervision/bulletins",
            get(supervision::bulletins_page).post(supervision::bulletin_create),
        )
        .route("/supervision/bulletins/new", get(supervision::bulletin_new))
        .route(
            "/supervision/bulletins/{id}",
            get(supervision::bulletin_show),
        )
        .route(
            "/supervision/bulletins/{id}/bulletin.docx",
            get(supervision::bulletin_docx),
        )
        .route("/supervision/figures", get(supervision::figures_page))
        .route("/supervision/leads", get(supervision::leads_page))
        .route(
            "/supervision/leads/export.xlsx",
            get(supervision::leads_export),
        )
        .route(
            "/inspection/certificates",
            get(inspection::certificates_page).post(inspection::certificate_create),
        )
        .route(
            "/inspection/inspections",
            get(inspection::inspections_page).post(inspection::inspection_create),
        )
        .route(
            "/inspection/inspections/export.xlsx",
            get(inspection::inspections_export),
        )
        .route(
            "/inspection/inspections/new",
            get(inspection::inspection_new),
        )
        .route(
            "/inspection/inspections/{id}",
            get(inspection::inspection_show),
        )
        .route("/inspection/disturbance", get(inspection::disturbance_page))
        .route(
            "/inspection/beyond-class",
            get(inspection::beyond_class_page),
        )
        .route("/inspection/scenarios", get(inspection::scenarios_page))
        .route(
            "/inspection/scenarios/import",
            get(inspection::scenarios_import_page)
                .post(inspection::scenarios_import)
                .layer(axum::extract::DefaultBodyLimit::max(
                    enforcement::UPLOAD_LIMIT,
                )),
        )
        .route(
            "/inspection/scenarios/export.xlsx",
            get(inspection::scenarios_export),
        )
        .route("/public/scenarios", get(inspection::public_scenarios))
        .route("/inspection/entities", get(draws::register_page))
        .route(
            "/inspection/entities/import",
            get(draws::register_import_page)
                .post(draws::register_import)
                .layer(axum::extract::DefaultBodyLimit::max(
                    enforcement::UPLOAD_LIMIT,
                )),
        )
        .route(
            "/inspection/entities/export.xlsx",
            get(draws::register_export),
        )
        .route("/inspection/conflicts", post(draws::conflict_create))
        .route("/inspection/lists", get(draws::lists_page))
        .route(
            "/inspection/draws",
            get(draws::draws_page).post(draws::draw_create),
        )
        .route("/inspection/draws/export.xlsx", get(draws::draws_export))
        .route("/inspection/draws/new", get(draws::draw_new))
        .route("/inspection/draws/{id}", get(draws::draw_show))
        .route("/inspection/draws/{id}/publish", post(draws::draw_publish))
        .route(
            "/inspection/joint-plans",
            get(joint_plans::plans_page).post(joint_plans::plan_create),
        )
        .route("/inspection/joint-plans/new", get(joint_plans::plan_new))
        .route("/inspection/joint-plans/{id}", get(joint_plans::plan_show))
        .route(
            "/inspection/joint-plans/{id}/publish",
            post(joint_plans::plan_publish),
        )
        .route(
            "/inspection/tasks/import",
            get(joint_plans::tasks_import_page)
                .post(joint_plans::tasks_import)
                .layer(axum::extract::DefaultBodyLimit::max(
                    enforcement::UPLOAD_LIMIT,
                )),
        )
        .route(
            "/inspection/tasks/template.xlsx",
            get(joint_plans::tasks_template),
        )
        .route("/public/acts/key.txt", get(acts::public_key))
        .route("/public/acts/{code}", get(acts::public_act))
        .route("/public/acts/{code}/feedback", post(acts::public_feedback))
        .route("/inspection/acts", get(acts::desk))
        .route("/public/documents", get(pages::normative::public_library))
        .route(
            "/public/documents/{id}",
            get(pages::normative::public_document),
        )
        .route(
            "/litigations",
            get(pages::litigation::list).post(pages::litigation::create),
        )
        .route("/litigations/new", get(pages::litigation::new))
        .route(
            "/litigations/{id}",
            get(pages::litigation::show).post(pages::litigation::act),
        )
        .route(
            "/reconsiderations",
            get(pages::reconsideration::list).post(pages::reconsideration::create),
        )
        .route("/reconsiderations/new", get(pages::reconsideration::new))
        .route(
            "/reconsiderations/{id}",
            get(pages::reconsideration::show).post(pages::reconsideration::act),
        )
        .route(
            "/reconsiderations/{id}/decision.docx",
            get(pages::reconsideration::decision_docx),
        )
        .route(
            "/decisions",
            get(pages::decisions::list).post(pages::decisions::create),
        )
        .route("/decisions/new", get(pages::decisions::new))
        .route("/decisions/catalogs", get(pages::decisions::catalogs_page))
        .route(
            "/decisions/catalogs/require",
            get(pages::decisions::require_page).post(pages::decisions::require),
        )
        .route(
            "/decisions/catalogs/{id}",
            get(pages::decisions::catalog_show).post(pages::decisions::catalog_record),
        )
        .route(
            "/decisions/{id}",
            get(pages::decisions::show).post(pages::decisions::act),
        )
        .route("/decisions/{id}/comments", get(pages::decisions::comments))
        .route(
            "/decisions/{id}/comments/{comment}",
            get(pages::decisions::comment_page).post(pages::decisions::dispose),
        )
        .route(
            "/disputes",
            get(pages::disputes::list).post(pages::disputes::create),
        )
        .route("/disputes/new", get(pages::disputes::new))
        .route("/disputes/figures", get(pages::disputes::figures))
        .route(
            "/disputes/routing",
            get(pages::disputes::rules_page).post(pages::disputes::rules_save),
        )
        .route(
            "/disputes/{id}",
            get(pages::disputes::show).post(pages::disputes::act),
        )
        .route(
            "/public/identity",
            get(pages::disputes::portal::identity_page)
                .post(pages::disputes::portal::identity_start),
        )
        .route(
            "/public/identity/confirm",
            post(pages::disputes::portal::identity_confirm),
        )
        .route(
            "/public/identity/out",
            get(pages::disputes::portal::identity_out),
        )
        .route(
            "/public/disputes",
            get(pages::disputes::portal::mine).post(pages::disputes::portal::apply),
        )
        .route(
            "/public/disputes/new",
            get(pages::disputes::portal::apply_page),
        )
        .route("/public/disputes/{id}", get(pages::disputes::portal::one))
        .route("/public/consultations", get(pages::decisions::public_list))
        .route(
            "/public/consultations/{id}",
            get(pages::decisions::public_show).post(pages::decisions::public_comment),
        )
        .route(
            "/contracts",
            get(pages::contracts::list).post(pages::contracts::create),
        )
        .route("/contracts/new", get(pages::contracts::new))
        .route(
            "/contracts/{id}",
            get(pages::contracts::show).post(pages::contracts::act),
        )
        .route(
            "/review/requests",
            get(pages::review::requests::list).post(pages::review::requests::create),
        )
        .route("/review/requests/new", get(pages::review::requests::new))
        .route(
            "/review/procedures",
            get(pages::review::procedures::procedures_page)
                .post(pages::review::procedures::procedures_save),
        )
        .route(
            "/review/advisers",
            get(pages::review::advisers::list).post(pages::review::advisers::create),
        )
        .route("/review/advisers/new", get(pages::review::advisers::new))
        .route("/review/advisers/{id}", get(pages::review::advisers::show))
        .route(
            "/review/advisers/{id}/conflicts",
            post(pages::review::advisers::add_conflict),
        )
        .route(
            "/review/statistics",
            get(pages::review::statistics::statistics),
        )
        .route(
            "/review/requests/{id}",
            get(pages::review::requests::show).post(pages::review::requests::act),
        )
        .route(
            "/review/requests/{id}/opinion.docx",
            get(pages::review::requests::opinion_docx),
        )
        .route(
            "/review/assist",
            get(pages::review::assist_page).post(pages::review::assist_check),
        )
        .route("/normative/documents", get(pages::normative::register_page))
        .route(
            "/normative/cleanups",
            get(pages::normative::cleanup::list).post(pages::normative::cleanup::create),
        )
        .route(
            "/normative/cleanups/new",
            get(pages::normative::cleanup::new),
        )
        .route(
            "/normative/cleanups/{id}",
            get(pages::normative::cleanup::show).post(pages::normative::cleanup::act),
        )
        .route(
            "/normative/documents/import",
            get(pages::normative::sheet_import_page)
                .post(pages::normative::sheet_import)
                .layer(axum::extract::DefaultBodyLimit::max(
                    enforcement::UPLOAD_LIMIT,
                )),
        )
        .route(
            "/normative/documents/template.xlsx",
            get(pages::normative::sheet_template),
        )
        .route(
            "/normative/documents/export.xlsx",
            get(pages::normative::register_export),
        )
        .route(
            "/normative/documents/{id}",
            get(pages::normative::document_show),
        )
        .route(
            "/normative/documents/{id}/filing",
            post(pages::normative::document_filing),
        )
        .route("/public/draws", get(draws::public_draws))
        .route("/public/draws/{id}", get(draws::public_draw))
        .route("/public/draws/{id}/pool.txt", get(draws::public_pool))
        .route("/public/draws/{id}/roster.txt", get(draws::public_roster))
        .route("/inspection/figures", get(inspection::figures_page))
        .route(
            "/supervision/performance",
            get(supervision::performance_page),
        )
        .route(
            "/supervision/leads/{id}",
            get(supervision::lead_page).post(supervision::lead_close),
        )
        .route(
            "/supervision/transfers",
            get(supervision::transfers_page).post(supervision::transfer_create),
        )
        .route("/supervision/transfers/new", get(supervision::transfer_new))
        .route(
            "/supervision/transfers/unreferred",
            get(supervision::unreferred_page),
        )
        .route(
            "/supervision/transfers/thresholds",
            get(supervision::thresholds_page).post(supervision::threshold_set),
        )
        .route(
            "/supervision/transfers/{id}",
            get(supervision::transfer_show).post(supervision::transfer_decide),
        )
        .route(
            "/supervision/self-inspections",
            get(supervision::self_inspections_page),
        )
        .route(
            "/supervision/self-inspections/plan",
            get(supervision::self_inspection_plan_page).post(supervision::self_inspection_plan),
        )
        .route(
            "/supervision/self-inspections/supervisory",
            get(supervision::supervisory_new).post(supervision::supervisory_create),
        )
        .route(
            "/supervision/self-inspections/{id}",
            get(supervision::self_inspection_show).post(supervision::self_inspection_record),
        )
        .route("/supervision/samples/{id}", get(supervision::sample_show))
        .route(
            "/supervision/samples/{id}/cases/{case_id}",
            get(supervision::sheet_page).post(supervision::sheet_submit),
        )
        .route("/enforcement/discretion", get(discretion::page))
        .route(
            "/enforcement/discretion/import",
            get(discretion::import_page).post(discretion::import).layer(
                axum::extract::DefaultBodyLimit::max(enforcement::UPLOAD_LIMIT),
            ),
        )
        .route(
            "/enforcement/discretion/export.xlsx",
            get(discretion::export),
        )
        .route("/enforcement/templates", get(documents::list))
        .route(
            "/enforcement/document-settings",
            get(documents::settings).post(documents::set_settings),
        )
        .route(
            "/enforcement/templates/{code}",
            get(documents::show).post(documents::update),
        )
        .route(
            "/enforcement/templates/{code}/sample.docx",
            get(documents::sample),
        )
        .route("/messages", get(deadlines::inbox))
        .route(
            "/messages/read",
            get(deadlines::read_page).post(deadlines::mark_read),
        )
        .route(
            "/deadlines/{id}",
            get(deadlines::show).post(deadlines::update),
        )
        .route(
            "/admin/calendar",
            get(calendar::show).post(calendar::update),
        )
        .route("/audit", get(audit::page))
        .route("/audit/export.xlsx", get(audit::export))
        .merge(api::routes())
        .fallback(fallback)
        .layer(middleware::from_fn_with_state(
            state.clone(),
            session::guard,
        ))
        .route("/healthz", get(healthz))
        .route(
            "/metrics",
            get(metrics_page).layer(middleware::from_fn_with_state(state.clone(), ops_only)),
        )
        .route("/static/app.css", get(stylesheet))
        .route("/static/favicon.svg", get(icon))
        .route("/favicon.ico", get(icon))
        .layer(middleware::from_fn(limit_body))
        .layer(middleware::from_fn(headers))
        .layer(middleware::from_fn(track))
        .with_state(state)
}

/// Serves until `shutdown` resolves.
pub async fn serve(
    listener: tokio::net::TcpListener,
    state: AppState,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    serve::run(listener, router(state), shutdown).await
}
