//! Failed sign-ins (登录失败处理): each failure makes the next attempt wait longer, and an
//! account is locked for the address that failed too often — not for everyone, so nobody can
//! lock an administrator out of their own desk by guessing from elsewhere.
//!
//! Three counters, in `sign_in_throttle`:
//! - account × address (`p:`): after the n-th failure the next attempt waits n² seconds; at the
//!   policy's count the pair is locked for the policy's minutes. Before a password is checked
//!   the pair is *reserved* in one atomic statement, so of many attempts sent at once only one
//!   is checked and the rest are refused without it (a counter read and written in two steps
//!   let 38 of 40 through).
//! - address (`a:`): password spraying over many accounts; after 20 failures the address waits
//!   (n − 20)² seconds, at most 5 minutes (an office behind one NAT address shares it).
//! - account (`u:`): guessing from many addresses; after twice the policy's count the account
//!   waits (n − 2·count)² seconds, at most 5 minutes — slowed, never locked.
//!
//! A counter starts again once it has been quiet for the lock time. An unknown user name goes
//! through the same counters, so its answers are the same as a known one's.

use fazhi_store::{Store, now_ms};

use crate::settings::PasswordPolicy;
use crate::{Error, Result};

/// How long a reservation holds the pair while its password is checked (argon2 takes tens of
/// milliseconds; a crash mid-way frees the pair after this).
const IN_FLIGHT_MS: i64 = 5_000;
// An office behind one NAT address shares this counter: generous before slowing, capped low.
const ADDRESS_FREE: i64 = 20;
const ADDRESS_CAP_MS: i64 = 5 * 60_000;
const ACCOUNT_CAP_MS: i64 = 5 * 60_000;

/// The counters of one attempt.
pub struct Attempt {
    pair: String,
    address: String,
    account: String,
}

impl Attempt {
    pub fn new(username: &str, ip: Option<&str>) -> Attempt {
        let ip = ip.unwrap_or("-");
        let user = username.to_lowercase();
        Attempt {
            pair: format!("p:{user}@{ip}"),
            address: format!("a:{ip}"),
            account: format!("u:{user}"),
        }
    }

    /// Takes the pair for this attempt, or says how long to wait. Nothing else may check a
    /// password for this account from this address until `failed` or `succeeded`.
    pub async fn reserve(&self, store: &Store, policy: &PasswordPolicy) -> Result<()> {
        let now = now_ms();
        let window = policy.lock_minutes * 60_000;
        // The address and account counters only slow down; they are read, not reserved.
        let waits: Vec<i64> = sqlx::query_scalar(
            "SELECT blocked_until FROM sign_in_throttle WHERE key IN ($1, $2) AND blocked_until > $3",
        )
        .bind(&self.address)
        .bind(&self.account)
        .bind(now)
        .fetch_all(store.pool())
        .await?;
        if let Some(until) = waits.into_iter().max() {
            return Err(Error::Throttled {
                seconds: seconds(until - now),
            });
        }
        let reserved: Option<i64> = sqlx::query_scalar(
            "INSERT INTO sign_in_throttle (key, failures, blocked_until, updated_at)
             VALUES ($1, 0, $2, $3)
             ON CONFLICT (key) DO UPDATE SET blocked_until = $2,
                failures = CASE WHEN sign_in_throttle.updated_at < $4 THEN 0
                    ELSE sign_in_throttle.failures END,
                updated_at = $3
             WHERE sign_in_throttle.blocked_until <= $3
             RETURNING failures",
        )
        .bind(&self.pair)
        .bind(now + IN_FLIGHT_MS)
        .bind(now)
        .bind(now - window)
        .fetch_optional(store.pool())
        .await?;
        if reserved.is_some() {
            return Ok(());
        }
        let (failures, until): (i64, i64) =
            sqlx::query_as("SELECT failures, blocked_until FROM sign_in_throttle WHERE key = $1")
                .bind(&self.pair)
                .fetch_one(store.pool())
                .await?;
        Err(if failures >= policy.max_failed_attempts {
            Error::Locked {
                minutes_left: (until - now + 59_999) / 60_000,
            }
        } else {
            Error::Throttled {
                seconds: seconds(until - now),
            }
        })
    }

    /// The password was wrong: the pair waits n² seconds or is locked, and the address and the
    /// account count one more failure. Returns the error to answer with.
    pub async fn failed(&self, store: &Store, policy: &PasswordPolicy) -> Result<Error> {
        let now = now_ms();
        let failures: i64 = sqlx::query_scalar(
            "UPDATE sign_in_throttle SET failures = failures + 1, updated_at = $1 WHERE key = $2
             RETURNING failures",
        )
        .bind(now)
        .bind(&self.pair)
        .fetch_one(store.pool())
        .await?;
        let locked = failures >= policy.max_failed_attempts;
        let wait = if locked {
            policy.lock_minutes * 60_000
        } else {
            failures * failures * 1_000
        };
        set_blocked(store, &self.pair, now + wait).await?;
        let window = policy.lock_minutes * 60_000;
        for (key, free, cap) in [
            (&self.address, ADDRESS_FREE, ADDRESS_CAP_MS),
            (
                &self.account,
                2 * policy.max_failed_attempts,
                ACCOUNT_CAP_MS,
            ),
        ] {
            let n: i64 = sqlx::query_scalar(
                "INSERT INTO sign_in_throttle (key, failures, blocked_until, updated_at)
                 VALUES ($1, 1, 0, $2)
                 ON CONFLICT (key) DO UPDATE SET
                    failures = CASE WHEN sign_in_throttle.updated_at < $3 THEN 1
                        ELSE sign_in_throttle.failures + 1 END,
                    updated_at = $2
                 RETURNING failures",
            )
            .bind(key)
            .bind(now)
            .bind(now - window)
            .fetch_one(store.pool())
            .await?;
            if n > free {
                let over = n - free;
                set_blocked(store, key, now + (over * over * 1_000).min(cap)).await?;
            }
        }
        Ok(if locked {
            Error::Locked {
                minutes_left: policy.lock_minutes,
            }
        } else {
            Error::InvalidCredentials
        })
    }

    /// The password was right: the pair and the account start again.
    pub async fn succeeded(&self, store: &Store) -> Result<()> {
        sqlx::query("DELETE FROM sign_in_throttle WHERE key IN ($1, $2)")
            .bind(&self.pair)
            .bind(&self.account)
            .execute(store.pool())
            .await?;
        Ok(())
    }
}

async fn set_blocked(store: &Store, key: &str, until: i64) -> Result<()> {
    sqlx::query("UPDATE sign_in_throttle SET blocked_until = $1 WHERE key = $2")
        .bind(until)
        .bind(key)
        .execute(store.pool())
        .await?;
    Ok(())
}

fn seconds(ms: i64) -> i64 {
    (ms + 999) / 1_000
}

/// Lifts every lock and delay of an account (unlocking it), in the unlock's transaction.
pub async fn clear_account(conn: &mut sqlx::AnyConnection, username: &str) -> Result<()> {
    let user = username.to_lowercase();
    let pairs = format!("p:{user}@");
    // A prefix compared as text: `_` in a user name is a LIKE wildcard.
    sqlx::query(
        "DELETE FROM sign_in_throttle WHERE key = $1 OR SUBSTR(key, 1, CAST($3 AS INTEGER)) = $2",
    )
    .bind(format!("u:{user}"))
    .bind(&pairs)
    .bind(i64::try_from(pairs.chars().count()).unwrap_or(i64::MAX))
    .execute(conn)
    .await?;
    Ok(())
}
