//! How errors reach people and programs: a page with a Chinese message, or JSON with a stable
//! code and a Chinese message. Internal errors are logged and shown without their details.

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use fazhi_core::Error;
use serde::Serialize;

use crate::view::{Layout, MessagePage, link};

pub fn status_of(e: &Error) -> StatusCode {
    match e {
        Error::NotFound => StatusCode::NOT_FOUND,
        Error::Forbidden | Error::Disabled | Error::NotAllowed { .. } => StatusCode::FORBIDDEN,
        Error::Throttled { .. } => StatusCode::TOO_MANY_REQUESTS,
        Error::Conflict | Error::AlreadyExists { .. } => StatusCode::CONFLICT,
        Error::Invalid { .. } | Error::Several(_) | Error::PasswordPolicy(_) => {
            StatusCode::UNPROCESSABLE_ENTITY
        }
        Error::Upload(fazhi_upload::Refusal::FileTooLarge { .. }) => StatusCode::PAYLOAD_TOO_LARGE,
        Error::Upload(_) => StatusCode::UNPROCESSABLE_ENTITY,
        Error::InvalidCredentials => StatusCode::UNAUTHORIZED,
        Error::Locked { .. } => StatusCode::LOCKED,
        Error::Busy => StatusCode::SERVICE_UNAVAILABLE,
        Error::Store(_) => StatusCode::INTERNAL_SERVER_ERROR,
    }
}

fn log_internal(e: &Error) {
    if let Error::Store(inner) = e {
        tracing::error!(error = %inner, "internal error");
    }
}

/// An error shown as a page.
#[derive(Debug)]
pub struct PageError(pub Error);

impl From<Error> for PageError {
    fn from(e: Error) -> Self {
        PageError(e)
    }
}

impl From<fazhi_store::StoreError> for PageError {
    fn from(e: fazhi_store::StoreError) -> Self {
        PageError(e.into())
    }
}

pub fn message_page(status: StatusCode, title: &str, message: String) -> Response {
    let page = MessagePage {
        layout: Layout::anonymous(String::new()),
        title: title.to_string(),
        paragraphs: vec![message],
        secret: None,
        links: vec![link("/", "返回首页")],
    };
    (status, page).into_response()
}

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        log_internal(&self.0);
        let status = status_of(&self.0);
        let title = match status {
            StatusCode::NOT_FOUND => "未找到",
            StatusCode::FORBIDDEN => "无权访问",
            StatusCode::CONFLICT => "保存冲突",
            StatusCode::INTERNAL_SERVER_ERROR => "系统错误",
            StatusCode::SERVICE_UNAVAILABLE => "系统繁忙",
            _ => "无法完成操作",
        };
        message_page(status, title, self.0.message_zh())
    }
}

#[derive(Serialize)]
pub struct ApiErrorBody {
    /// Stable, machine-readable code (e.g. `not_found`, `invalid_input`, `version_conflict`).
    pub code: String,
    /// What went wrong, in Chinese, for people.
    pub message: String,
    /// The input field at fault, when there is one (the first, when there are several).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
    /// Every input refused, when a request was refused for several at once.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<ApiFieldError>,
}

/// One refused input of several.
#[derive(Serialize)]
pub struct ApiFieldError {
    pub code: String,
    pub field: String,
    pub message: String,
}

/// An error answered as JSON.
#[derive(Debug)]
pub enum ApiError {
    Domain(Error),
    Unauthenticated,
    CsrfRejected,
    BadRequest(String),
    /// A body over the route's limit.
    TooLarge(String),
}

impl From<Error> for ApiError {
    fn from(e: Error) -> Self {
        ApiError::Domain(e)
    }
}

pub fn api_error(
    status: StatusCode,
    code: &str,
    message: String,
    field: Option<String>,
) -> Response {
    (
        status,
        Json(ApiErrorBody {
            code: code.to_string(),
            message,
            field,
            errors: Vec::new(),
        }),
    )
        .into_response()
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        match self {
            ApiError::Domain(e) => {
                log_internal(&e);
                let errors: Vec<ApiFieldError> = match &e {
                    Error::Several(list) => list
                        .iter()
                        .flat_map(|one| {
                            one.refused_fields()
                                .into_iter()
                                .map(|(field, message)| ApiFieldError {
                                    code: one.code().to_string(),
                                    field: field.to_string(),
                                    message,
                                })
                        })
                        .collect(),
                    _ => Vec::new(),
                };
                (
                    status_of(&e),
                    Json(ApiErrorBody {
                        code: e.code().to_string(),
                        message: e.message_zh(),
                        field: e.refused_fields().first().map(|(f, _)| f.to_string()),
                        errors,
                    }),
                )
                    .into_response()
            }
            ApiError::Unauthenticated => api_error(
                StatusCode::UNAUTHORIZED,
                "unauthenticated",
                "请先登录，或在 Authorization 头中提供有效的对接令牌（Bearer）。".into(),
                None,
            ),
            ApiError::CsrfRejected => api_error(
                StatusCode::FORBIDDEN,
                "csrf_rejected",
                "请求缺少有效的 X-CSRF-Token 头。".into(),
                None,
            ),
            ApiError::BadRequest(m) => {
                api_error(StatusCode::BAD_REQUEST, "malformed_request", m, None)
            }
            ApiError::TooLarge(m) => {
                api_error(StatusCode::PAYLOAD_TOO_LARGE, "body_too_large", m, None)
            }
        }
    }
}
