//! System settings that administrators change at run time (stored in `settings`, versioned).

use fazhi_store::{Row, Store, expect_one_row, now_ms};
use serde::{Deserialize, Serialize};
use serde_json::json;

use crate::access::{Actor, Permission};
use crate::{Error, Result};

/// The password policy (密码策略), the security administrator's to change. The floors are the
/// project's baseline and cannot be lowered: at least 12 characters, or at least 10 with three of
/// the four classes; not a common password; none of the last 5 again; lock after at most 5
/// failures for at least 15 minutes. A policy stored before a field existed reads its default.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct PasswordPolicy {
    /// A password this long needs no particular classes.
    pub min_length: usize,
    /// A shorter one needs `min_classes` classes and at least this many characters.
    pub min_length_with_classes: usize,
    pub min_classes: usize,
    /// How many earlier passwords may not be used again.
    pub history: usize,
    pub max_failed_attempts: i64,
    pub lock_minutes: i64,
}

impl Default for PasswordPolicy {
    fn default() -> Self {
        PasswordPolicy {
            min_length: 12,
            min_length_with_classes: 10,
            min_classes: 3,
            history: 5,
            max_failed_attempts: 5,
            lock_minutes: 15,
        }
    }
}

impl PasswordPolicy {
    pub fn validate(&self) -> Result<()> {
        if !(12..=64).contains(&self.min_length) {
            return Err(Error::invalid("min_length", "最小长度应在 12 至 64 之间。"));
        }
        if !(10..=self.min_length).contains(&self.min_length_with_classes) {
            return Err(Error::invalid(
                "min_length_with_classes",
                "含多类字符时的最小长度应不少于 10，且不超过最小长度。",
            ));
        }
        if !(3..=4).contains(&self.min_classes) {
            return Err(Error::invalid("min_classes", "字符类别数应为 3 或 4。"));
        }
        if !(5..=24).contains(&self.history) {
            return Err(Error::invalid(
                "history",
                "不得重复使用的历史密码个数应在 5 至 24 之间。",
            ));
        }
        if !(1..=5).contains(&self.max_failed_attempts) {
            return Err(Error::invalid(
                "max_failed_attempts",
                "允许连续失败次数应在 1 至 5 之间。",
            ));
        }
        if !(15..=1440).contains(&self.lock_minutes) {
            return Err(Error::invalid(
                "lock_minutes",
                "锁定时长应在 15 至 1440 分钟之间。",
            ));
        }
        Ok(())
    }
}

const POLICY_KEY: &str = "password_policy";
const WARNING_KEY: &str = "deadline_warning";

/// When deadlines turn yellow: a share of the period passed, or N working days left.
pub async fn warning_policy(store: &Store) -> Result<(fazhi_kernel::deadline::WarningPolicy, i64)> {
    let row = sqlx::query("SELECT value, version FROM settings WHERE key = $1")
        .bind(WARNING_KEY)
        .fetch_optional(store.pool())
        .await?;
    let Some(row) = row else {
        return Ok((fazhi_kernel::deadline::WarningPolicy::default(), 0));
    };
    let value: String = row.try_get("value")?;
    let v: serde_json::Value = serde_json::from_str(&value).unwrap_or_default();
    let default = fazhi_kernel::deadline::WarningPolicy::default();
    let get = |k: &str, d: u32| {
        v[k].as_u64()
            .and_then(|x| u32::try_from(x).ok())
            .unwrap_or(d)
    };
    Ok((
        fazhi_kernel::deadline::WarningPolicy {
            share_percent: get("share_percent", default.share_percent),
            working_days_left: get("working_days_left", default.working_days_left),
        },
        row.try_get("version")?,
    ))
}

pub async fn set_warning_policy(
    store: &Store,
    actor: &Actor,
    version: i64,
    policy: fazhi_kernel::deadline::WarningPolicy,
) -> Result<()> {
    actor.require(Permission::OrgManage)?;
    if !(1..=99).contains(&policy.share_percent) {
        return Err(Error::invalid(
            "share_percent",
            "已过期限比例应在 1 至 99 之间。",
        ));
    }
    if policy.working_days_left > 60 {
        return Err(Error::invalid(
            "working_days_left",
            "剩余工作日应在 0 至 60 之间。",
        ));
    }
    let value = json!({ "share_percent": policy.share_percent, "working_days_left": policy.working_days_left }).to_string();
    save(
        store,
        actor,
        WARNING_KEY,
        version,
        &value,
        "update",
        "deadline_warning_policy",
    )
    .await
}

/// Inserts (version 0) or updates a setting with optimistic concurrency, audited.
pub(crate) async fn save(
    store: &Store,
    actor: &Actor,
    key: &str,
    version: i64,
    value: &str,
    action: &str,
    object_type: &str,
) -> Result<()> {
    let mut tx = store.begin().await?;
    let before: Option<String> = sqlx::query_scalar("SELECT value FROM settings WHERE key = $1")
        .bind(key)
        .fetch_optional(tx.conn())
        .await?;
    let rows = if version == 0 {
        sqlx::query(
            "INSERT INTO settings (key, value, version, updated_at) VALUES ($1, $2, 1, $3)
             ON CONFLICT (key) DO NOTHING",
        )
        .bind(key)
        .bind(value)
        .bind(now_ms())
        .execute(tx.conn())
        .await?
        .rows_affected()
    } else {
        sqlx::query(
            "UPDATE settings SET value = $1, version = version + 1, updated_at = $2
             WHERE key = $3 AND version = $4",
        )
        .bind(value)
        .bind(now_ms())
        .bind(key)
        .bind(version)
        .execute(tx.conn())
        .await?
        .rows_affected()
    };
    expect_one_row(rows, "setting", 0)?;
    crate::audit::record(
        &mut tx,
        actor,
        action,
        object_type,
        None,
        json!({ "before": before, "after": value }),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// The policy in force and its version.
pub async fn password_policy(store: &Store) -> Result<(PasswordPolicy, i64)> {
    let row = sqlx::query("SELECT value, version FROM settings WHERE key = $1")
        .bind(POLICY_KEY)
        .fetch_optional(store.pool())
        .await?;
    match row {
        Some(row) => {
            let value: String = row.try_get("value")?;
            let policy = serde_json::from_str(&value).unwrap_or_default();
            Ok((policy, row.try_get("version")?))
        }
        None => Ok((PasswordPolicy::default(), 0)),
    }
}

pub async fn set_password_policy(
    store: &Store,
    actor: &Actor,
    version: i64,
    policy: &PasswordPolicy,
) -> Result<()> {
    actor.require(Permission::PolicyManage)?;
    policy.validate()?;
    let value =
        serde_json::to_string(policy).map_err(|e| Error::invalid("policy", e.to_string()))?;
    save(
        store,
        actor,
        POLICY_KEY,
        version,
        &value,
        "permission_change",
        "password_policy",
    )
    .await
}

/// A text setting people edit (TOML rules or procedures), parsed again only when its version
/// changes: each process holds one parsed copy and sees a save at its next read.
pub(crate) struct ParsedText<T>(std::sync::Mutex<Option<(i64, T)>>);

impl<T: Clone> ParsedText<T> {
    pub(crate) const fn new() -> Self {
        ParsedText(std::sync::Mutex::new(None))
    }

    /// The setting `key` parsed by `parse` (its text and version), or None before the first
    /// save.
    pub(crate) async fn get(
        &self,
        store: &Store,
        key: &str,
        parse: impl FnOnce(String, i64) -> Result<T>,
    ) -> Result<Option<T>> {
        let row: Option<(String, i64)> =
            sqlx::query_as("SELECT value, version FROM settings WHERE key = $1")
                .bind(key)
                .fetch_optional(store.pool())
                .await?;
        let Some((text, version)) = row else {
            return Ok(None);
        };
        if let Ok(cache) = self.0.lock()
            && let Some((_, parsed)) = cache.as_ref().filter(|(v, _)| *v == version)
        {
            return Ok(Some(parsed.clone()));
        }
        let parsed = parse(text, version)?;
        if let Ok(mut cache) = self.0.lock() {
            *cache = Some((version, parsed.clone()));
        }
        Ok(Some(parsed))
    }
}

/// A TOML text that does not read, said for the person who edits it: `what` 格式有误, the line,
/// and the parser's own (English) words quoted.
pub(crate) fn toml_refusal(
    field: &'static str,
    what: &str,
    text: &str,
    e: &toml::de::Error,
) -> Error {
    let line = e
        .span()
        .map(|span| text[..span.start.min(text.len())].matches('\n').count() + 1);
    Error::invalid(
        field,
        format!(
            "{what}格式有误{}（解析器提示：{}）。请检查该处的引号、括号、逗号和字段名。",
            line.map(|l| format!("，在第 {l} 行附近"))
                .unwrap_or_default(),
            e.message()
        ),
    )
}
