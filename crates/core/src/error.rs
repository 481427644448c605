use fazhi_store::StoreError;
use thiserror::Error;

/// Domain errors. Each has a stable code (for the API and the logs) and a Chinese message
/// (for people).
#[derive(Debug, Error)]
pub enum Error {
    #[error("not found")]
    NotFound,
    #[error("forbidden")]
    Forbidden,
    #[error("version conflict")]
    Conflict,
    /// Input the rules refuse: `code` says which refusal (stable for the API; `invalid_input`
    /// unless the rule has its own), `field` where, `message` why in Chinese.
    #[error("invalid {field}: {message}")]
    Invalid {
        code: &'static str,
        field: &'static str,
        message: String,
    },
    #[error("{what} already exists")]
    AlreadyExists { what: &'static str },
    #[error("invalid credentials")]
    InvalidCredentials,
    #[error("account locked")]
    Locked { minutes_left: i64 },
    #[error("account disabled")]
    Disabled,
    /// Too many failed sign-ins: wait before the next attempt.
    #[error("sign-in throttled")]
    Throttled { seconds: i64 },
    /// A business rule refuses the operation for this actor, with its own stable code.
    #[error("not allowed: {code}")]
    NotAllowed { code: &'static str, message: String },
    #[error("password policy: {0}")]
    PasswordPolicy(String),
    /// An uploaded file refused before it was expanded (size, dimension, compression…).
    #[error("upload refused: {0}")]
    Upload(#[from] fazhi_upload::Refusal),
    /// The database is busy with another writer past the wait allowed: try again shortly.
    #[error("database busy")]
    Busy,
    /// Several inputs refused at once (each an `Invalid`), so a form can show every one.
    #[error("{} inputs refused", .0.len())]
    Several(Vec<Error>),
    #[error(transparent)]
    Store(StoreError),
}

/// Collects the refusals of a form's independent checks, so all are reported together rather
/// than one per submit. Anything but a refusal (a store failure …) still stops at once.
#[derive(Debug, Default)]
pub struct Refusals(Vec<Error>);

impl Refusals {
    /// The value, or `None` with the refusal kept for `finish`.
    pub fn take<T>(&mut self, r: Result<T>) -> Result<Option<T>> {
        match r {
            Ok(v) => Ok(Some(v)),
            Err(e @ Error::Invalid { .. }) => {
                self.0.push(e);
                Ok(None)
            }
            Err(Error::Several(list)) => {
                self.0.extend(list);
                Ok(None)
            }
            Err(other) => Err(other),
        }
    }

    /// Keeps a refusal found directly.
    pub fn push(&mut self, e: Error) {
        self.0.push(e);
    }

    /// Ok when nothing was refused; the one refusal, or all of them.
    pub fn finish(mut self) -> Result<()> {
        match self.0.len() {
            0 => Ok(()),
            1 => Err(self.0.remove(0)),
            _ => Err(Error::Several(self.0)),
        }
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

impl From<StoreError> for Error {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::Conflict { .. } => Error::Conflict,
            other if other.is_busy() => Error::Busy,
            other => Error::Store(other),
        }
    }
}

impl From<sqlx::Error> for Error {
    fn from(e: sqlx::Error) -> Self {
        Error::from(StoreError::Db(e))
    }
}

impl Error {
    pub fn invalid(field: &'static str, message: impl Into<String>) -> Error {
        Error::Invalid {
            code: "invalid_input",
            field,
            message: message.into(),
        }
    }

    /// A business rule's refusal with its own stable code (`case_step_not_open`, …).
    pub fn refused(code: &'static str, field: &'static str, message: impl Into<String>) -> Error {
        Error::Invalid {
            code,
            field,
            message: message.into(),
        }
    }

    pub fn code(&self) -> &'static str {
        match self {
            Error::NotFound => "not_found",
            Error::Forbidden => "forbidden",
            Error::Conflict => "version_conflict",
            Error::Invalid { code, .. } => code,
            Error::AlreadyExists { .. } => "already_exists",
            Error::InvalidCredentials => "invalid_credentials",
            Error::Locked { .. } => "account_locked",
            Error::Disabled => "account_disabled",
            Error::Throttled { .. } => "sign_in_throttled",
            Error::NotAllowed { code, .. } => code,
            Error::PasswordPolicy(_) => "password_policy",
            Error::Upload(r) => r.code(),
            Error::Busy => "busy",
            Error::Several(list) => list.first().map_or("invalid_input", Error::code),
            Error::Store(_) => "internal",
        }
    }

    pub fn message_zh(&self) -> String {
        match self {
            Error::NotFound => "记录不存在或无权查看。".into(),
            Error::Forbidden => "您没有执行此操作的权限。".into(),
            Error::Conflict => "该记录已被他人修改，请刷新后在最新内容上重新修改。".into(),
            Error::Invalid { message, .. } => message.clone(),
            Error::AlreadyExists { what } => format!("{what}已存在。"),
            Error::InvalidCredentials => "用户名或密码错误。".into(),
            // A lock set at the console or by an administrator has no end time.
            Error::Locked { minutes_left: 0 } => "账号已被锁定，请联系系统管理员解锁。".into(),
            Error::Locked { minutes_left } => {
                format!(
                    "连续登录失败次数过多，账号已锁定，请 {minutes_left} 分钟后再试或联系系统管理员。"
                )
            }
            Error::Disabled => "账号已停用，请联系系统管理员。".into(),
            Error::Throttled { seconds } => {
                format!("登录失败次数较多，请 {seconds} 秒后再试。")
            }
            Error::NotAllowed { message, .. } => message.clone(),
            Error::PasswordPolicy(m) => m.clone(),
            Error::Upload(r) => r.message_zh(),
            Error::Busy => "系统繁忙（另一项写入正在进行），请稍后重试。".into(),
            // Each said as a sentence of its own.
            Error::Several(list) => list
                .iter()
                .map(|e| {
                    let m = e.message_zh();
                    if m.ends_with(['。', '！', '？', '）']) {
                        m
                    } else {
                        format!("{m}。")
                    }
                })
                .collect::<Vec<_>>()
                .join(""),
            Error::Store(_) => "系统内部错误，请稍后重试。".into(),
        }
    }

    /// The refused inputs: (field, message) of each, for a form to mark every one.
    pub fn refused_fields(&self) -> Vec<(&'static str, String)> {
        match self {
            Error::Invalid { field, message, .. } => vec![(*field, message.clone())],
            Error::Several(list) => list.iter().flat_map(Error::refused_fields).collect(),
            _ => Vec::new(),
        }
    }

    /// A referenced record that is not there (or not in the actor's scope) as an input error
    /// on `field`; a store failure stays a store failure, never reported as bad input or as
    /// "not in your scope".
    pub fn missing_as(field: &'static str, message: &'static str) -> impl Fn(Error) -> Error {
        move |e| match e {
            Error::NotFound | Error::Forbidden | Error::Invalid { .. } => {
                Error::invalid(field, message)
            }
            other => other,
        }
    }

    /// Stored data that does not parse: a data fault, not the user's input.
    pub fn malformed(what: impl Into<String>) -> Error {
        Error::Store(StoreError::Malformed(what.into()))
    }

    /// Turns a uniqueness violation on write into `AlreadyExists` and a foreign-key violation
    /// into an input error, leaving other errors as they are.
    pub fn on_write(what: &'static str) -> impl Fn(StoreError) -> Error {
        move |e| {
            if e.is_unique_violation() {
                Error::AlreadyExists { what }
            } else if e.is_foreign_key_violation() {
                Error::invalid("reference", "引用的上级、部门或区域不存在。")
            } else {
                Error::from(e)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_refusal_keeps_its_own_code_and_its_chinese_message() {
        let e = Error::refused("draw_results_published", "id", "该抽查结果已经公开。");
        assert_eq!(e.code(), "draw_results_published");
        assert_eq!(e.message_zh(), "该抽查结果已经公开。");
        assert!(matches!(e, Error::Invalid { field: "id", .. }));
        assert_eq!(Error::invalid("on", "请填写日期。").code(), "invalid_input");
    }
}
