use std::collections::BTreeSet;

use fazhi_store::audit::{self, AuditActor, AuditEvent};
use fazhi_store::{DataScope, Row, Scope, Store, flag, now_ms, sm3_hex};
use serde_json::json;

use crate::access::{Actor, AdminKind, Permission};
use crate::auth::{password, session, throttle};
use crate::settings::password_policy;
use crate::{Error, Result};

async fn record_sign_in(
    store: &Store,
    actor: AuditActor,
    action: &str,
    username: &str,
    detail: serde_json::Value,
    user_update: Option<(i64, i64, Option<i64>)>,
) -> Result<()> {
    let mut tx = store.begin().await?;
    if let Some((id, failed, locked_until)) = user_update {
        sqlx::query("UPDATE users SET failed_attempts = $1, locked_until = $2 WHERE id = $3")
            .bind(failed)
            .bind(locked_until)
            .bind(id)
            .execute(tx.conn())
            .await?;
    }
    audit::append(
        &mut tx,
        &actor,
        &AuditEvent {
            action,
            object_type: "user",
            object_id: Some(username.to_string()),
            detail,
        },
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Checks a user name and password. Every attempt, successful or not, is audited. Failures
/// slow the next attempt and lock the account for the address that failed (`throttle`); an
/// unknown user name, a disabled or a locked account answer exactly as a wrong password does
/// until the password is right, so no answer tells which names exist.
pub async fn sign_in(store: &Store, username: &str, pw: &str, ip: Option<&str>) -> Result<i64> {
    let username = username.trim();
    let (policy, _) = password_policy(store).await?;
    let anonymous = AuditActor {
        user_id: None,
        name: username.chars().take(64).collect(),
        ip: ip.map(str::to_string),
    };
    let attempt = throttle::Attempt::new(username, ip);
    if let Err(e) = attempt.reserve(store, &policy).await {
        if !matches!(e, Error::Store(_)) {
            let reason = match e {
                Error::Locked { .. } => "locked",
                _ => "throttled",
            };
            return refused(store, anonymous, username, reason, e).await;
        }
        return Err(e);
    }
    let row = sqlx::query(
        "SELECT id, password_hash, locked_until, disabled FROM users WHERE username = $1",
    )
    .bind(username)
    .fetch_optional(store.pool())
    .await?;
    let stored = match &row {
        Some(r) => r.try_get::<String, _>("password_hash")?,
        None => password::decoy_hash().to_string(),
    };
    let right = password::verify_off_thread(pw.to_string(), stored).await && row.is_some();
    let Some(row) = row.filter(|_| right) else {
        let e = attempt.failed(store, &policy).await?;
        let reason = if matches!(e, Error::Locked { .. }) {
            "wrong_password_locked"
        } else {
            "wrong_password"
        };
        return refused(store, anonymous, username, reason, e).await;
    };
    attempt.succeeded(store).await?;
    let id: i64 = row.try_get("id")?;
    let actor = AuditActor {
        user_id: Some(id),
        ..anonymous
    };
    let now = now_ms();
    // Told only to whoever knows the password.
    let locked_until: Option<i64> = row.try_get("locked_until")?;
    if let Some(until) = locked_until.filter(|u| *u > now) {
        let e = Error::Locked {
            minutes_left: minutes_left(until, now),
        };
        return refused(store, actor, username, "locked", e).await;
    }
    if flag(row.try_get("disabled")?) {
        return refused(store, actor, username, "disabled", Error::Disabled).await;
    }
    record_sign_in(
        store,
        actor,
        "sign_in",
        username,
        json!({}),
        Some((id, 0, None)),
    )
    .await?;
    Ok(id)
}

/// Audits a refused sign-in with its reason and answers with `e`.
async fn refused(
    store: &Store,
    actor: AuditActor,
    username: &str,
    reason: &str,
    e: Error,
) -> Result<i64> {
    record_sign_in(
        store,
        actor,
        "sign_in_failed",
        username,
        json!({ "reason": reason }),
        None,
    )
    .await?;
    Err(e)
}

fn minutes_left(until: i64, now: i64) -> i64 {
    if until == i64::MAX {
        return 0;
    }
    ((until - now) + 59_999) / 60_000
}

pub async fn sign_out(store: &Store, actor: &Actor, session_hash: &str) -> Result<()> {
    let mut tx = store.begin().await?;
    sqlx::query("DELETE FROM sessions WHERE id_hash = $1")
        .bind(session_hash)
        .execute(tx.conn())
        .await?;
    crate::audit::record(
        &mut tx,
        actor,
        "sign_out",
        "user",
        Some(actor.name.clone()),
        json!({}),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// The user changes their own password: the current one checked, the new one against the
/// policy and the last `policy.history` passwords; every other session of the user ends (the
/// one they changed it in, `keep_session`, goes on).
pub async fn change_password(
    store: &Store,
    actor: &Actor,
    keep_session: &str,
    current: &str,
    new: &str,
) -> Result<()> {
    let user_id = actor.user_id.ok_or(Error::Forbidden)?;
    let stored: String = sqlx::query_scalar("SELECT password_hash FROM users WHERE id = $1")
        .bind(user_id)
        .fetch_one(store.pool())
        .await?;
    if !password::verify_off_thread(current.to_string(), stored.clone()).await {
        return Err(Error::invalid("current", "当前密码不正确。"));
    }
    if current == new {
        return Err(Error::PasswordPolicy("新密码不能与当前密码相同。".into()));
    }
    let (policy, _) = password_policy(store).await?;
    password::check(&policy, &actor.name, new)?;
    let earlier: Vec<String> = sqlx::query_scalar(
        "SELECT password_hash FROM password_history WHERE user_id = $1 ORDER BY id DESC LIMIT $2",
    )
    .bind(user_id)
    .bind(i64::try_from(policy.history).unwrap_or(5))
    .fetch_all(store.pool())
    .await?;
    for old in earlier {
        if password::verify_off_thread(new.to_string(), old).await {
            return Err(Error::PasswordPolicy(format!(
                "新密码不能与最近 {} 次使用过的密码相同。",
                policy.history
            )));
        }
    }
    let hash = password::hash_off_thread(new.to_string()).await?;
    let now = now_ms();
    let mut tx = store.begin().await?;
    sqlx::query(
        "UPDATE users SET password_hash = $1, must_change_password = 0, password_changed_at = $2,
            updated_at = $2, version = version + 1 WHERE id = $3",
    )
    .bind(&hash)
    .bind(now)
    .bind(user_id)
    .execute(tx.conn())
    .await?;
    sqlx::query(
        "INSERT INTO password_history (user_id, password_hash, created_at) VALUES ($1, $2, $3)",
    )
    .bind(user_id)
    .bind(&hash)
    .bind(now)
    .execute(tx.conn())
    .await?;
    let ended = sqlx::query("DELETE FROM sessions WHERE user_id = $1 AND id_hash <> $2")
        .bind(user_id)
        .bind(keep_session)
        .execute(tx.conn())
        .await?
        .rows_affected();
    crate::audit::record(
        &mut tx,
        actor,
        "change_password",
        "user",
        Some(user_id.to_string()),
        json!({ "other_sessions_ended": ended }),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Whether the actor's region `r` and department `d` have sub-units (see `Scope::region_leaf`).
const LEAVES: &str = "(SELECT COUNT(*) FROM regions x WHERE x.parent_id = r.id) AS region_children,
    (SELECT COUNT(*) FROM departments x WHERE x.parent_id = d.id) AS department_children";

fn leaf(row: &fazhi_store::DbRow, column: &str) -> Result<bool> {
    Ok(row.try_get::<i64, _>(column)? == 0)
}

/// The actor of a signed-in user: their permissions (the union of their roles') and their data
/// scope (the widest of their roles').
pub async fn actor_for_user(store: &Store, user_id: i64, ip: Option<&str>) -> Result<Actor> {
    let row = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT u.username, u.display_name, u.department_id, u.must_change_password, u.disabled,
            u.locked_until, d.path AS department_path, r.path AS region_path, {LEAVES}
         FROM users u JOIN departments d ON d.id = u.department_id
         JOIN regions r ON r.id = u.region_id WHERE u.id = $1"
    )))
    .bind(user_id)
    .fetch_optional(store.pool())
    .await?
    .ok_or(Error::NotFound)?;
    if flag(row.try_get("disabled")?) {
        return Err(Error::Disabled);
    }
    let locked: Option<i64> = row.try_get("locked_until")?;
    if let Some(until) = locked.filter(|u| *u > now_ms()) {
        return Err(Error::Locked {
            minutes_left: minutes_left(until, now_ms()),
        });
    }
    let grants = sqlx::query(
        "SELECT r.admin_kind, r.data_scope, rp.permission FROM user_roles ur
         JOIN roles r ON r.id = ur.role_id
         LEFT JOIN role_permissions rp ON rp.role_id = r.id WHERE ur.user_id = $1",
    )
    .bind(user_id)
    .fetch_all(store.pool())
    .await?;
    let mut permissions = BTreeSet::new();
    let mut scope = DataScope::Own;
    let mut admin_kind = None;
    for g in &grants {
        let kind: Option<String> = g.try_get("admin_kind")?;
        if let Some(k) = kind.as_deref().and_then(AdminKind::parse) {
            admin_kind = Some(k);
        }
        let s: String = g.try_get("data_scope")?;
        if let Some(s) = DataScope::parse(&s)
            && s.breadth() > scope.breadth()
        {
            scope = s;
        }
        let p: Option<String> = g.try_get("permission")?;
        if let Some(p) = p.as_deref().and_then(Permission::parse) {
            permissions.insert(p);
        }
    }
    Ok(Actor {
        user_id: Some(user_id),
        token_id: None,
        name: row.try_get("username")?,
        display_name: row.try_get("display_name")?,
        ip: ip.map(str::to_string),
        permissions,
        admin_kind,
        scope: Scope {
            kind: scope,
            user_id: Some(user_id),
            region_path: row.try_get("region_path")?,
            department_id: row.try_get("department_id")?,
            department_path: row.try_get("department_path")?,
            region_leaf: leaf(&row, "region_children")?,
            department_leaf: leaf(&row, "department_children")?,
        },
        must_change_password: flag(row.try_get("must_change_password")?),
    })
}

/// How stale an API token's "last used" may be.
const LAST_USED_GRAIN_MS: i64 = 60_000;

/// The actor of an API token: its holder as they stand now — their data scope, and of the
/// token's permissions only those the holder still has. A token whose holder is disabled or
/// locked, or that has no holder (issued before holders), does not work.
pub async fn actor_for_token(
    store: &Store,
    secret: &str,
    ip: Option<&str>,
) -> Result<Option<Actor>> {
    let row = sqlx::query(
        "SELECT t.id, t.name, t.permissions, t.holder_user_id, t.last_used_at
         FROM api_tokens t WHERE t.token_hash = $1 AND t.revoked_at IS NULL",
    )
    .bind(sm3_hex(secret.as_bytes()))
    .fetch_optional(store.pool())
    .await?;
    let Some(row) = row else { return Ok(None) };
    let Some(holder) = row.try_get::<Option<i64>, _>("holder_user_id")? else {
        return Ok(None);
    };
    let holder = match actor_for_user(store, holder, ip).await {
        Ok(a) if a.admin_kind.is_none() => a,
        Ok(_) | Err(Error::Disabled | Error::Locked { .. } | Error::NotFound) => return Ok(None),
        Err(e) => return Err(e),
    };
    let id: i64 = row.try_get("id")?;
    // "Last used" to the minute is what the token page needs; a write on every request would
    // make each API read wait for the database's single writer.
    let last_used: Option<i64> = row.try_get("last_used_at")?;
    let now = now_ms();
    if last_used.is_none_or(|t| now - t >= LAST_USED_GRAIN_MS) {
        sqlx::query("UPDATE api_tokens SET last_used_at = $1 WHERE id = $2")
            .bind(now)
            .bind(id)
            .execute(store.pool())
            .await?;
    }
    let perms: String = row.try_get("permissions")?;
    let name: String = row.try_get("name")?;
    Ok(Some(Actor {
        user_id: None,
        token_id: Some(id),
        name: format!("token:{id}"),
        display_name: format!("{name}（持有人 {}）", holder.display_name),
        permissions: perms
            .split(',')
            .filter_map(Permission::parse)
            .filter(|p| holder.can(*p))
            .collect(),
        must_change_password: false,
        ..holder
    }))
}

/// Starts the signed-in session, replacing the anonymous one (no session fixation).
pub async fn start_session(
    store: &Store,
    user_id: i64,
    ip: Option<&str>,
    previous: Option<&str>,
) -> Result<(String, session::Session)> {
    if let Some(prev) = previous {
        session::delete(store, prev).await?;
    }
    session::create(store, Some(user_id), ip).await
}
