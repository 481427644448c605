//! Sessions live in the database so that several `fazhi serve` processes share them. The
//! browser holds a random token; the table holds only its SM3 digest.

use fazhi_store::{Row, Store, now_ms, sm3_hex};

use crate::Result;
use crate::auth::password::random_hex;

#[derive(Clone, Debug)]
pub struct Session {
    pub id_hash: String,
    pub user_id: Option<i64>,
    pub csrf_token: String,
    pub last_seen_at: i64,
}

pub enum Lookup {
    Valid(Session),
    /// The session was idle longer than allowed; it has been deleted.
    Expired,
    Missing,
}

/// Starts a session (anonymous when `user_id` is None); returns the token for the cookie.
pub async fn create(
    store: &Store,
    user_id: Option<i64>,
    ip: Option<&str>,
) -> Result<(String, Session)> {
    let token = random_hex(32);
    let session = Session {
        id_hash: sm3_hex(token.as_bytes()),
        user_id,
        csrf_token: random_hex(32),
        last_seen_at: now_ms(),
    };
    sqlx::query(
        "INSERT INTO sessions (id_hash, user_id, csrf_token, ip, created_at, last_seen_at)
         VALUES ($1, $2, $3, $4, $5, $5)",
    )
    .bind(&session.id_hash)
    .bind(session.user_id)
    .bind(&session.csrf_token)
    .bind(ip)
    .bind(session.last_seen_at)
    .execute(store.pool())
    .await?;
    Ok((token, session))
}

pub async fn lookup(store: &Store, token: &str, idle_ms: i64) -> Result<Lookup> {
    let id_hash = sm3_hex(token.as_bytes());
    let row =
        sqlx::query("SELECT user_id, csrf_token, last_seen_at FROM sessions WHERE id_hash = $1")
            .bind(&id_hash)
            .fetch_optional(store.pool())
            .await?;
    let Some(row) = row else {
        return Ok(Lookup::Missing);
    };
    let session = Session {
        id_hash,
        user_id: row.try_get("user_id")?,
        csrf_token: row.try_get("csrf_token")?,
        last_seen_at: row.try_get("last_seen_at")?,
    };
    if now_ms() - session.last_seen_at > idle_ms {
        delete(store, &session.id_hash).await?;
        return Ok(Lookup::Expired);
    }
    Ok(Lookup::Valid(session))
}

/// Records activity. Writes at most every `granularity_ms`, so browsing does not write on every
/// request; the idle timeout is therefore exact to within that granularity.
pub async fn touch(store: &Store, session: &Session, granularity_ms: i64) -> Result<()> {
    let now = now_ms();
    if now - session.last_seen_at >= granularity_ms {
        sqlx::query("UPDATE sessions SET last_seen_at = $1 WHERE id_hash = $2")
            .bind(now)
            .bind(&session.id_hash)
            .execute(store.pool())
            .await?;
    }
    Ok(())
}

pub async fn delete(store: &Store, id_hash: &str) -> Result<()> {
    sqlx::query("DELETE FROM sessions WHERE id_hash = $1")
        .bind(id_hash)
        .execute(store.pool())
        .await?;
    Ok(())
}

/// Deletes every session idle for longer than `idle_ms`; returns how many.
pub async fn cleanup(store: &Store, idle_ms: i64) -> Result<u64> {
    Ok(sqlx::query("DELETE FROM sessions WHERE last_seen_at < $1")
        .bind(now_ms() - idle_ms)
        .execute(store.pool())
        .await?
        .rows_affected())
}
