//! The public library's full-text index kept in step with the register. The register is the
//! record; the index (`fazhi_search::Library`) is a copy that remembers the register revision
//! it holds. Before each search, and after each write, `sync` reads what changed since then
//! (one indexed query) and applies it; an index behind a reset database, or missing, is rebuilt.
//! So every process — one `fazhi serve` on SQLite or several on PostgreSQL, each with its own
//! copy — answers from the register as committed.

use std::time::Instant;

use fazhi_search::{Entry, Hits, Library, Query};
use fazhi_store::{Row, Store};

use crate::{Error, Result};

/// Documents read from the register per step of a sync.
const SYNC_BATCH: i64 = 1_000;

fn index_error(e: fazhi_search::SearchError) -> Error {
    Error::malformed(e.to_string())
}

/// The register's revision now.
pub async fn register_revision(store: &Store) -> Result<i64> {
    Ok(sqlx::query_scalar(
        "SELECT value FROM register_revisions WHERE name = 'normative_documents'",
    )
    .fetch_one(&mut *store.conn().await?)
    .await?)
}

/// Brings the index up to the register's revision; returns the documents written to it.
pub async fn sync(store: &Store, lib: &Library, progress: &(dyn Fn(u64) + Sync)) -> Result<u64> {
    let target = register_revision(store).await?;
    let held = lib.revision().map_err(index_error)?;
    if held == target {
        return Ok(0);
    }
    // Ahead of the register: the database was replaced. Start again from nothing.
    let start = if held > target { 0 } else { held };
    let mut clear = held > target;
    let mut from = start;
    let mut written = 0u64;
    let mut after_id = 0i64;
    loop {
        let rows = sqlx::query(
            "SELECT d.id, d.number, d.title, d.issuer, d.issued_on, d.status, d.revision, d.published_on, v.body
             FROM normative_documents d
             JOIN normative_document_versions v ON v.document_id = d.id AND v.version = d.current_version
             WHERE (d.revision > $1 OR (d.revision = $1 AND d.id > $2)) AND d.revision <= $3
             ORDER BY d.revision, d.id LIMIT $4",
        )
        .bind(from)
        .bind(after_id)
        .bind(target)
        .bind(SYNC_BATCH)
        .fetch_all(&mut *store.conn().await?)
        .await?;
        let last = rows.len() < SYNC_BATCH as usize;
        let mut entries = Vec::with_capacity(rows.len());
        for r in &rows {
            let issued_on: String = r.try_get("issued_on")?;
            entries.push(Entry {
                id: r.try_get("id")?,
                number: r.try_get("number")?,
                title: r.try_get("title")?,
                issuer: r.try_get("issuer")?,
                year: issued_on.get(..4).and_then(|y| y.parse().ok()).unwrap_or(0),
                status: r.try_get("status")?,
                body: r.try_get("body")?,
                public: r.try_get::<Option<String>, _>("published_on")?.is_some(),
            });
        }
        if let Some(r) = rows.last() {
            from = r.try_get("revision")?;
            after_id = r.try_get("id")?;
        }
        // The revision is recorded only with the last batch: an interrupted sync starts again
        // from the old one and writes the same entries again, which replace themselves.
        let held_now = if last { target } else { start };
        lib.apply(&entries, held_now, clear).map_err(index_error)?;
        clear = false;
        written += entries.len() as u64;
        progress(written);
        if last {
            return Ok(written);
        }
    }
}

/// The result of a search with the time it took (the index's own work, not the sync).
#[derive(Clone, Debug, serde::Serialize)]
pub struct Found {
    #[serde(flatten)]
    pub hits: Hits,
    pub ms: f64,
}

/// Searches the library after bringing it up to date with the register.
pub async fn search(store: &Store, lib: &Library, q: &Query) -> Result<Found> {
    if q.words.chars().count() > 100 {
        return Err(Error::invalid("q", "查询词不超过 100 字。"));
    }
    sync(store, lib, &|_| {}).await?;
    // A document number asks for that document, not for its words.
    let mut q = q.clone();
    if q.number.is_none() {
        q.number = super::rules::parse_number(&q.words).map(|n| n.text());
    }
    let started = Instant::now();
    let hits = lib.search(&q).map_err(index_error)?;
    Ok(Found {
        hits,
        ms: started.elapsed().as_secs_f64() * 1000.0,
    })
}
