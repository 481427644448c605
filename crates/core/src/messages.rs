//! The in-app message centre (消息中心): notices to a user, read and unread. Outbound channels
//! (SMS, webhooks) can later sit behind the same `send_many`.

use fazhi_store::page::{Keyset, Page};
use fazhi_store::{Row, Sql, Store, Tx, now_ms};
use serde::Serialize;

use crate::access::Actor;
use crate::{Error, Result};

#[derive(Clone, Debug)]
pub struct NewMessage {
    pub user_id: i64,
    pub title: String,
    pub body: String,
    pub link: Option<String>,
}

#[derive(Clone, Debug, Serialize)]
pub struct Message {
    pub id: i64,
    pub title: String,
    pub body: String,
    pub link: Option<String>,
    pub created_at: i64,
    pub read: bool,
}

/// Sends messages in one statement, inside the caller's transaction.
pub async fn send_many(tx: &mut Tx, messages: &[NewMessage]) -> Result<()> {
    if messages.is_empty() {
        return Ok(());
    }
    let now = now_ms();
    let mut sql = Sql::new("INSERT INTO messages (user_id, title, body, link, created_at) VALUES ");
    for (i, m) in messages.iter().enumerate() {
        if i > 0 {
            sql.push(", ");
        }
        sql.push("(")
            .bind(m.user_id)
            .push(", ")
            .bind(m.title.as_str())
            .push(", ")
            .bind(m.body.as_str())
            .push(", ")
            .bind(m.link.clone())
            .push(", ")
            .bind(now)
            .push(")");
    }
    sql.execute(tx.conn()).await?;
    Ok(())
}

/// The actor's own messages, newest first.
pub async fn inbox(store: &Store, actor: &Actor, keyset: Keyset) -> Result<Page<Message>> {
    let user = actor.user_id.ok_or(Error::Forbidden)?;
    let mut sql = Sql::new(
        "SELECT id, title, body, link, created_at, read_at FROM messages WHERE user_id = ",
    );
    sql.bind(user);
    keyset.apply(&mut sql, "id");
    let rows = sql.fetch_all(&mut *store.conn().await?).await?;
    let items = rows
        .iter()
        .map(|r| {
            Ok(Message {
                id: r.try_get("id")?,
                title: r.try_get("title")?,
                body: r.try_get("body")?,
                link: r.try_get("link")?,
                created_at: r.try_get("created_at")?,
                read: r.try_get::<Option<i64>, _>("read_at")?.is_some(),
            })
        })
        .collect::<Result<Vec<_>>>()?;
    Ok(keyset.finish(items, |m| m.id))
}

pub async fn unread(store: &Store, actor: &Actor) -> Result<i64> {
    let Some(user) = actor.user_id else {
        return Ok(0);
    };
    Ok(
        sqlx::query_scalar("SELECT COUNT(*) FROM messages WHERE user_id = $1 AND read_at IS NULL")
            .bind(user)
            .fetch_one(store.pool())
            .await?,
    )
}

/// Marks the actor's messages read (all of them, or one).
pub async fn mark_read(store: &Store, actor: &Actor, id: Option<i64>) -> Result<u64> {
    let user = actor.user_id.ok_or(Error::Forbidden)?;
    let mut sql = Sql::new("UPDATE messages SET read_at = ");
    sql.bind(now_ms())
        .push(" WHERE read_at IS NULL AND user_id = ")
        .bind(user);
    if let Some(id) = id {
        sql.push(" AND id = ").bind(id);
    }
    Ok(sql.execute(&mut *store.conn().await?).await?)
}
