//! Cases from other systems (归集): the justice bureau sees every penalty case of the city in one
//! place, whichever system handled it. A batch of case records (JSON Lines, or the rows of a
//! hand-kept .xlsx ledger) is read record by record and never held whole; every record is
//! checked and each rejection reported with its line and reason. Valid records are written in
//! multi-row statements of `CHUNK` records inside one transaction, so a batch that fails
//! part-way (a database error, a dropped connection) leaves nothing behind. Records are keyed by
//! (source system, source case id) and carry a content hash: importing the same record again
//! changes nothing, a changed record updates its case. Each decision is checked against the
//! discretion benchmark as it comes in. The format is documented in docs/case-import.md.
//!
//! Legal defects (a late decision, a missing legal review, a fine outside the benchmark) are
//! not rejections: they are what supervision looks for, so such records are kept and flagged.
//! Rejected are records that cannot be true or cannot be placed: malformed JSON, unknown items
//! or departments, impossible date orders, invalid identity numbers.
//!
//! The wire format is in `wire`, the checks in `checks`, the writer in `writer`; the pipeline
//! that reads a file line by line is here.

use fazhi_store::Store;

use crate::access::Actor;
use crate::vault::Keyring;
use crate::{Error, Result};

mod checks;
mod wire;
mod writer;
use checks::*;
pub use wire::*;
pub use writer::*;

/// Records looked up and written together.
const CHUNK: usize = 2000;

/// Rows per INSERT statement: long enough to spare round trips and driver calls, short enough
/// for SQLite's limit on bound parameters (38 × 200 of 32,766).
const ROWS_PER_STATEMENT: usize = 200;

/// Batches that write at least this many cases refresh the statistics afterwards.
const ANALYZE_AFTER: usize = 10_000;

/// One line of JSON Lines checked: None for a blank line.
fn check_line(
    ctx: &Context,
    actor: &Actor,
    keyring: &Keyring,
    text: &str,
) -> Option<std::result::Result<Prepared, String>> {
    if text.trim().is_empty() {
        return None;
    }
    Some(match serde_json::from_str::<CaseRecord>(text) {
        Ok(r) => prepare(ctx, actor, keyring, &r, Some(text.as_bytes())),
        Err(e) => Err(json_problem(&e)),
    })
}

/// Imports JSON Lines from `input`, streamed; `progress` is told each line number. Three
/// stages overlap: reading, checking (parsing, validation, sealing, hashing: a blocking
/// thread) and writing, handing each other batches of `CHUNK` lines through bounded channels,
/// so memory stays bounded whatever the input's size. If any stage fails, the others stop and
/// the transaction is rolled back.
pub async fn json_lines<R: tokio::io::AsyncBufRead + Unpin>(
    store: &Store,
    actor: &Actor,
    keyring: &Keyring,
    input: R,
    progress: &(dyn Fn(u64) + Sync),
) -> Result<IngestReport> {
    use tokio::io::AsyncBufReadExt;
    use tokio::sync::mpsc;
    type Checked = Vec<(usize, std::result::Result<Prepared, String>)>;
    let mut ingest = Ingest::begin(store, actor, keyring).await?;
    let (raw_tx, mut raw_rx) = mpsc::channel::<Vec<(usize, String)>>(4);
    let (checked_tx, mut checked_rx) = mpsc::channel::<Checked>(4);
    let (ctx, checker_actor, checker_keyring) =
        (ingest.ctx.clone(), actor.clone(), keyring.clone());
    let checker = tokio::task::spawn_blocking(move || {
        while let Some(batch) = raw_rx.blocking_recv() {
            let out: Checked = batch
                .into_iter()
                .filter_map(|(n, text)| {
                    check_line(&ctx, &checker_actor, &checker_keyring, &text).map(|r| (n, r))
                })
                .collect();
            if checked_tx.blocking_send(out).is_err() {
                break;
            }
        }
    });
    let read = async move {
        let mut lines = input.lines();
        let mut n = 0usize;
        let mut batch = Vec::with_capacity(CHUNK);
        loop {
            match lines.next_line().await {
                Ok(Some(l)) => {
                    n += 1;
                    batch.push((n, l));
                    if batch.len() == CHUNK {
                        if raw_tx.send(std::mem::take(&mut batch)).await.is_err() {
                            break;
                        }
                        progress(n as u64);
                    }
                }
                Ok(None) => break,
                Err(e) => {
                    return Err(Error::invalid(
                        "file",
                        format!(
                            "第 {} 行读取失败（文件应为 UTF-8 编码的 JSON Lines）：{e}",
                            n + 1
                        ),
                    ));
                }
            }
        }
        if !batch.is_empty() {
            let _ = raw_tx.send(batch).await;
        }
        progress(n as u64);
        Ok(())
    };
    let writer = &mut ingest;
    // Owns the receiver: when writing fails, dropping it stops the checker, which stops the reader.
    let write = async move {
        while let Some(batch) = checked_rx.recv().await {
            for (n, r) in batch {
                writer.accept(n, r).await?;
            }
        }
        Ok::<(), Error>(())
    };
    let (read, write) = tokio::join!(read, write);
    let _ = checker.await;
    read?;
    write?;
    ingest.finish().await
}
