//! Submitted forms, read as name/value pairs so that repeated fields (check boxes) work and so
//! that a wrong value gets a message naming the field rather than a generic rejection.

use axum::body::Bytes;
use axum::extract::{FromRequest, Request};
use axum::http::StatusCode;
use axum::response::Response;
use fazhi_core::Error;

use crate::error::message_page;
use crate::session::FORM_LIMIT;

pub struct FormData(pub Vec<(String, String)>);

impl<S: Send + Sync> FromRequest<S> for FormData {
    type Rejection = Response;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let bad = || {
            message_page(
                StatusCode::BAD_REQUEST,
                "表单格式错误",
                "提交的表单无法识别，请从页面重新提交。".into(),
            )
        };
        let bytes = Bytes::from_request(req, state).await.map_err(|_| bad())?;
        if bytes.len() > FORM_LIMIT {
            return Err(bad());
        }
        serde_urlencoded::from_bytes(&bytes)
            .map(FormData)
            .map_err(|_| bad())
    }
}

impl FormData {
    pub fn get(&self, name: &str) -> &str {
        self.0
            .iter()
            .find(|(k, _)| k == name)
            .map_or("", |(_, v)| v.as_str())
    }

    pub fn opt(&self, name: &str) -> Option<String> {
        Some(self.get(name).trim().to_string()).filter(|v| !v.is_empty())
    }

    pub fn all(&self, name: &str) -> Vec<String> {
        self.0
            .iter()
            .filter(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
            .collect()
    }

    /// A required date typed as YYYY-MM-DD; a well-formed day that does not exist (2024-02-30)
    /// is told apart from a malformed one.
    pub fn date(&self, name: &'static str, label: &str) -> Result<chrono::NaiveDate, Error> {
        let v = self.get(name).trim();
        if let Some(d) = fazhi_kernel::date::parse(v) {
            return Ok(d);
        }
        let shaped = v.len() == 10
            && v.char_indices().all(|(i, c)| {
                if i == 4 || i == 7 {
                    c == '-'
                } else {
                    c.is_ascii_digit()
                }
            });
        Err(Error::invalid(
            name,
            if v.is_empty() {
                format!("请填写{label}。")
            } else if shaped {
                format!("{label}“{v}”不存在，请核对月份和日。")
            } else {
                format!("{label}“{v}”应为 YYYY-MM-DD，例如 2025-01-31。")
            },
        ))
    }

    /// A required integer (an id or a version).
    pub fn int(&self, name: &'static str, label: &str) -> Result<i64, Error> {
        self.get(name)
            .trim()
            .parse()
            .map_err(|_| Error::invalid(name, format!("请选择或填写有效的{label}。")))
    }

    pub fn opt_int(&self, name: &'static str, label: &str) -> Result<Option<i64>, Error> {
        match self.opt(name) {
            None => Ok(None),
            Some(_) => self.int(name, label).map(Some),
        }
    }
}
