//! The audit chain (审计日志). Every entry's hash is SM3 over the previous entry's hash and the
//! entry's own content, so editing, deleting or reordering any entry breaks the chain from that
//! entry on. Entries are appended in the caller's transaction, next to the change they record.

use serde::Serialize;
use sqlx::Row;

use crate::page::{Keyset, Page};
use crate::{DbRow, Result, Sql, Store, Tx, now_ms, sm3_hex};

/// The `prev_hash` of the first entry.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// Arbitrary constant key of the PostgreSQL advisory lock that serialises appends across
/// processes; without it two transactions could chain onto the same previous entry.
const APPEND_LOCK: i64 = 0x0066_617a_6869_0002;

/// Who did something, and from where.
#[derive(Clone, Debug, Serialize)]
pub struct AuditActor {
    pub user_id: Option<i64>,
    pub name: String,
    pub ip: Option<String>,
}

impl AuditActor {
    /// The system itself (migrations, background jobs, the CLI run by the operator).
    pub fn system(name: &str) -> AuditActor {
        AuditActor {
            user_id: None,
            name: name.to_string(),
            ip: None,
        }
    }
}

/// What happened to which object. `detail` holds what changed, as JSON.
#[derive(Clone, Debug)]
pub struct AuditEvent<'a> {
    pub action: &'a str,
    pub object_type: &'a str,
    pub object_id: Option<String>,
    pub detail: serde_json::Value,
}

#[derive(Clone, Debug, Serialize)]
pub struct AuditEntry {
    pub id: i64,
    pub seq: i64,
    pub at: i64,
    pub actor_id: Option<i64>,
    pub actor_name: String,
    pub ip: Option<String>,
    pub action: String,
    pub object_type: String,
    pub object_id: Option<String>,
    pub detail: String,
    pub prev_hash: String,
    pub hash: String,
}

impl AuditEntry {
    fn from_row(row: &DbRow) -> Result<AuditEntry> {
        Ok(AuditEntry {
            id: row.try_get("id")?,
            seq: row.try_get("seq")?,
            at: row.try_get("at")?,
            actor_id: row.try_get("actor_id")?,
            actor_name: row.try_get("actor_name")?,
            ip: row.try_get("ip")?,
            action: row.try_get("action")?,
            object_type: row.try_get("object_type")?,
            object_id: row.try_get("object_id")?,
            detail: row.try_get("detail")?,
            prev_hash: row.try_get("prev_hash")?,
            hash: row.try_get("hash")?,
        })
    }

    /// The hash this entry must carry, given its content and `prev_hash`.
    pub fn compute_hash(&self) -> String {
        chain_hash(
            &self.prev_hash,
            &[
                &self.seq.to_string(),
                &self.at.to_string(),
                &self.actor_id.map(|v| v.to_string()).unwrap_or_default(),
                &self.actor_name,
                self.ip.as_deref().unwrap_or(""),
                &self.action,
                &self.object_type,
                self.object_id.as_deref().unwrap_or(""),
                &self.detail,
            ],
        )
    }
}

/// SM3(prev_hash ‖ fields joined by U+001F). The unit separator cannot occur in the fields'
/// meaning, so no two different entries serialise alike.
fn chain_hash(prev: &str, fields: &[&str]) -> String {
    let mut buf = String::with_capacity(256);
    buf.push_str(prev);
    for f in fields {
        buf.push('\u{1f}');
        buf.push_str(f);
    }
    sm3_hex(buf.as_bytes())
}

/// Appends one entry in `tx`. Returns its sequence number.
pub async fn append(tx: &mut Tx, actor: &AuditActor, event: &AuditEvent<'_>) -> Result<i64> {
    tx.lock(APPEND_LOCK).await?;
    let last = sqlx::query("SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1")
        .fetch_optional(tx.conn())
        .await?;
    let (seq, prev_hash) = match last {
        Some(row) => (row.try_get::<i64, _>("seq")? + 1, row.try_get("hash")?),
        None => (1, GENESIS.to_string()),
    };
    let mut entry = AuditEntry {
        id: 0,
        seq,
        at: now_ms(),
        actor_id: actor.user_id,
        actor_name: actor.name.clone(),
        ip: actor.ip.clone(),
        action: event.action.to_string(),
        object_type: event.object_type.to_string(),
        object_id: event.object_id.clone(),
        detail: event.detail.to_string(),
        prev_hash,
        hash: String::new(),
    };
    entry.hash = entry.compute_hash();
    sqlx::query(
        "INSERT INTO audit_log (seq, at, actor_id, actor_name, ip, action, object_type, object_id,
            detail, prev_hash, hash) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
    )
    .bind(entry.seq)
    .bind(entry.at)
    .bind(entry.actor_id)
    .bind(&entry.actor_name)
    .bind(&entry.ip)
    .bind(&entry.action)
    .bind(&entry.object_type)
    .bind(&entry.object_id)
    .bind(&entry.detail)
    .bind(&entry.prev_hash)
    .bind(&entry.hash)
    .execute(tx.conn())
    .await?;
    Ok(seq)
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub enum BreakKind {
    /// An entry's content no longer matches its hash: it was edited.
    Altered,
    /// An entry does not chain onto the one before it: entries were deleted, inserted or
    /// reordered before it.
    Unchained,
    /// Sequence numbers skip: entries were deleted.
    Missing { expected_seq: i64 },
}

#[derive(Clone, Debug, Serialize)]
pub struct ChainBreak {
    pub id: i64,
    pub seq: i64,
    pub kind: BreakKind,
}

impl std::fmt::Display for ChainBreak {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.kind {
            BreakKind::Altered => write!(
                f,
                "entry seq {} (id {}) was altered: its content does not match its hash",
                self.seq, self.id
            ),
            BreakKind::Unchained => write!(
                f,
                "entry seq {} (id {}) does not chain onto the entry before it (entries deleted, inserted or reordered)",
                self.seq, self.id
            ),
            BreakKind::Missing { expected_seq } => write!(
                f,
                "entry seq {expected_seq} is missing (found seq {} at id {}): entries were deleted",
                self.seq, self.id
            ),
        }
    }
}

#[derive(Clone, Debug, Serialize)]
pub struct VerifyReport {
    pub checked: i64,
    pub first_break: Option<ChainBreak>,
}

/// Counts the entries, for progress display.
pub async fn count(store: &Store) -> Result<i64> {
    Ok(sqlx::query_scalar("SELECT COUNT(*) FROM audit_log")
        .fetch_one(store.pool())
        .await?)
}

/// Walks the whole chain in id order, in batches, and stops at the first break.
/// `progress` is told how many entries have been checked so far.
pub async fn verify(store: &Store, mut progress: impl FnMut(i64)) -> Result<VerifyReport> {
    const BATCH: i64 = 5_000;
    let mut conn = store.conn().await?;
    let mut prev_hash = GENESIS.to_string();
    let mut expected_seq = 1;
    let mut last_id = 0;
    let mut checked = 0;
    loop {
        let rows = sqlx::query(
            "SELECT id, seq, at, actor_id, actor_name, ip, action, object_type, object_id, detail,
                prev_hash, hash FROM audit_log WHERE id > $1 ORDER BY id LIMIT $2",
        )
        .bind(last_id)
        .bind(BATCH)
        .fetch_all(&mut *conn)
        .await?;
        if rows.is_empty() {
            break;
        }
        for row in &rows {
            let e = AuditEntry::from_row(row)?;
            let at = |kind| {
                Ok(VerifyReport {
                    checked,
                    first_break: Some(ChainBreak {
                        id: e.id,
                        seq: e.seq,
                        kind,
                    }),
                })
            };
            if e.seq != expected_seq {
                return at(BreakKind::Missing { expected_seq });
            }
            if e.prev_hash != prev_hash {
                return at(BreakKind::Unchained);
            }
            if e.compute_hash() != e.hash {
                return at(BreakKind::Altered);
            }
            prev_hash = e.hash;
            expected_seq += 1;
            last_id = e.id;
            checked += 1;
        }
        progress(checked);
    }
    Ok(VerifyReport {
        checked,
        first_break: None,
    })
}

/// Filters of the audit administrator's search.
#[derive(Clone, Debug, Default)]
pub struct AuditFilter {
    pub actor: Option<String>,
    pub action: Option<String>,
    pub object_type: Option<String>,
    pub object_id: Option<String>,
    /// Inclusive lower bound, Unix ms.
    pub from: Option<i64>,
    /// Exclusive upper bound, Unix ms.
    pub until: Option<i64>,
}

impl AuditFilter {
    fn sql(&self, columns: &str) -> Sql {
        let mut sql = Sql::new(&format!("SELECT {columns} FROM audit_log WHERE 1 = 1"));
        if let Some(actor) = &self.actor {
            sql.push(" AND actor_name = ").bind(actor.as_str());
        }
        if let Some(action) = &self.action {
            sql.push(" AND action = ").bind(action.as_str());
        }
        if let Some(t) = &self.object_type {
            sql.push(" AND object_type = ").bind(t.as_str());
        }
        if let Some(id) = &self.object_id {
            sql.push(" AND object_id = ").bind(id.as_str());
        }
        if let Some(from) = self.from {
            sql.push(" AND at >= ").bind(from);
        }
        if let Some(until) = self.until {
            sql.push(" AND at < ").bind(until);
        }
        sql
    }
}

const ENTRY_COLUMNS: &str = "id, seq, at, actor_id, actor_name, ip, action, object_type, \
    object_id, detail, prev_hash, hash";

/// One page of entries matching `filter`, newest first.
pub async fn search(
    store: &Store,
    filter: &AuditFilter,
    keyset: Keyset,
) -> Result<Page<AuditEntry>> {
    let mut sql = filter.sql(ENTRY_COLUMNS);
    keyset.apply(&mut sql, "id");
    let mut conn = store.conn().await?;
    let rows = sql.fetch_all(&mut conn).await?;
    let items = rows
        .iter()
        .map(AuditEntry::from_row)
        .collect::<Result<Vec<_>>>()?;
    Ok(keyset.finish(items, |e| e.id))
}

/// Every entry matching `filter`, newest first, up to `limit` (for exports).
pub async fn search_all(
    store: &Store,
    filter: &AuditFilter,
    limit: i64,
) -> Result<Vec<AuditEntry>> {
    let mut sql = filter.sql(ENTRY_COLUMNS);
    sql.push(" ORDER BY id DESC LIMIT ").bind(limit);
    let mut conn = store.conn().await?;
    let rows = sql.fetch_all(&mut conn).await?;
    rows.iter().map(AuditEntry::from_row).collect()
}

/// The distinct actions recorded so far (for the search form's choices).
pub async fn actions(store: &Store) -> Result<Vec<String>> {
    Ok(
        sqlx::query_scalar("SELECT DISTINCT action FROM audit_log ORDER BY action")
            .fetch_all(store.pool())
            .await?,
    )
}
