//! The writer: prepared records in multi-row statements of `CHUNK` inside one transaction, keyed by source and hash, so an unchanged record changes nothing.

use std::collections::{HashMap, HashSet};

use fazhi_store::{Row, Sql, Store, Tx, now_ms};
use serde_json::json;

use crate::access::{Actor, Permission};
use crate::enforcement::cases::SealedParty;
use crate::vault::Keyring;
use crate::{Error, Result};

use super::*;

/// One batch being imported. Feed it records with `push`, then `finish` to commit.
pub struct Ingest<'a> {
    store: Store,
    actor: &'a Actor,
    keyring: &'a Keyring,
    pub(super) ctx: std::sync::Arc<Context>,
    tx: Tx,
    chunk: Vec<Prepared>,
    keys: HashSet<(String, String)>,
    report: IngestReport,
    systems: HashSet<String>,
}

impl<'a> Ingest<'a> {
    pub async fn begin(
        store: &Store,
        actor: &'a Actor,
        keyring: &'a Keyring,
    ) -> Result<Ingest<'a>> {
        actor.require(Permission::CaseHandle)?;
        let ctx = std::sync::Arc::new(Context::load(store).await?);
        let mut tx = store.begin().await?;
        tx.bulk().await?;
        Ok(Ingest {
            store: store.clone(),
            actor,
            keyring,
            ctx,
            tx,
            chunk: Vec::with_capacity(CHUNK),
            keys: HashSet::new(),
            report: IngestReport::default(),
            systems: HashSet::new(),
        })
    }

    /// Rejects a line (or sheet row) with its reason.
    pub fn reject_line(&mut self, line: usize, reason: String) {
        self.report.rejected += 1;
        if self.report.errors.len() < REPORTED_ERRORS {
            self.report.errors.push(LineError { line, reason });
        }
    }

    /// One JSON Lines line (blank lines are skipped).
    pub async fn push_line(&mut self, line: usize, text: &str) -> Result<()> {
        match check_line(&self.ctx, self.actor, self.keyring, text) {
            Some(r) => self.accept(line, r).await,
            None => Ok(()),
        }
    }

    /// One record, from line (or sheet row) `line`.
    pub async fn push(&mut self, line: usize, record: &CaseRecord) -> Result<()> {
        self.push_raw(line, record, None).await
    }

    /// One record and, when it came as text, that text (its hash tells a re-sent record).
    pub(super) async fn push_raw(
        &mut self,
        line: usize,
        record: &CaseRecord,
        raw: Option<&[u8]>,
    ) -> Result<()> {
        let prepared = prepare(&self.ctx, self.actor, self.keyring, record, raw);
        self.accept(line, prepared).await
    }

    /// A checked record (or its rejection) into the batch.
    pub(super) async fn accept(
        &mut self,
        line: usize,
        prepared: std::result::Result<Prepared, String>,
    ) -> Result<()> {
        match prepared {
            Err(reason) => self.reject_line(line, reason),
            Ok(p) => {
                let key = (p.source_system.clone(), p.source_id.clone());
                // A second record for the same case in one chunk: write the first, so the
                // second updates it, as it would from a later chunk.
                if self.keys.contains(&key) {
                    self.flush().await?;
                }
                self.keys.insert(key);
                self.chunk.push(p);
                if self.chunk.len() >= CHUNK {
                    self.flush().await?;
                }
            }
        }
        Ok(())
    }

    async fn flush(&mut self) -> Result<()> {
        if self.chunk.is_empty() {
            return Ok(());
        }
        let chunk = std::mem::take(&mut self.chunk);
        self.keys.clear();
        // What the database holds already for these keys, per source system.
        let mut existing: HashMap<(String, String), (i64, Option<String>)> = HashMap::new();
        let mut by_system: HashMap<&str, Vec<&str>> = HashMap::new();
        for p in &chunk {
            by_system
                .entry(p.source_system.as_str())
                .or_default()
                .push(p.source_id.as_str());
        }
        for (system, ids) in by_system {
            self.systems.insert(system.to_string());
            // The source id leads the key's index: a long IN list on it stays an index scan
            // whatever the statistics say (one system may hold every case).
            let mut sql = Sql::new(
                "SELECT c.id, c.source_id, c.content_hash FROM cases c WHERE c.source_id IN (",
            );
            sql.bind_list(ids.iter().copied());
            sql.push(") AND c.source_system = ").bind(system);
            for r in sql.fetch_all(self.tx.conn()).await? {
                existing.insert(
                    (system.to_string(), r.try_get("source_id")?),
                    (r.try_get("id")?, r.try_get("content_hash")?),
                );
            }
        }
        let now = now_ms();
        // Records are moved into their statements, never copied: this thread builds statement
        // k+1 while the database runs k, and copying a million records' strings made it the
        // slower of the two.
        let mut fresh: Vec<Prepared> = Vec::new();
        // Parties with their case's id.
        let mut parties: Vec<(i64, Vec<SealedParty>)> = Vec::new();
        let mut changed: Vec<i64> = Vec::new();
        for p in chunk {
            match existing.get(&(p.source_system.clone(), p.source_id.clone())) {
                Some((_, Some(h))) if *h == p.hash => self.report.unchanged += 1,
                Some((id, _)) => {
                    let sql = crate::enforcement::case::repo::update_imported(
                        *id, &COLUMNS, p.values, now,
                    );
                    sql.execute(self.tx.conn()).await?;
                    changed.push(*id);
                    parties.push((*id, p.parties));
                    self.report.updated += 1;
                }
                None => fresh.push(p),
            }
        }
        if !changed.is_empty() {
            let mut sql = Sql::new("DELETE FROM case_parties WHERE case_id IN (");
            sql.bind_list(changed.iter().copied());
            sql.push(")");
            sql.execute(self.tx.conn()).await?;
        }
        self.report.inserted += fresh.len();
        let user = self.actor.user_id;
        // SQLite: ids given here, statements built while the previous one runs. PostgreSQL:
        // ids read back from each statement before the parties can refer to them.
        let mut groups: Vec<(i64, Vec<Prepared>)> = Vec::new();
        if let Some(first) = self.tx.next_free_id("cases").await? {
            for (id, p) in (first..).zip(fresh.iter_mut()) {
                parties.push((id, std::mem::take(&mut p.parties)));
            }
            let mut records = fresh.into_iter().peekable();
            while records.peek().is_some() {
                let id = first + (groups.len() * ROWS_PER_STATEMENT) as i64;
                groups.push((id, records.by_ref().take(ROWS_PER_STATEMENT).collect()));
            }
        } else {
            let mut records = fresh.into_iter().peekable();
            while records.peek().is_some() {
                let mut group: Vec<Prepared> = records.by_ref().take(ROWS_PER_STATEMENT).collect();
                let keyed: Vec<(String, Vec<SealedParty>)> = group
                    .iter_mut()
                    .map(|p| (p.source_id.clone(), std::mem::take(&mut p.parties)))
                    .collect();
                let mut sql = insert_cases(group, None, user, now);
                sql.push(" RETURNING id, source_id");
                let ids: HashMap<String, i64> = sql
                    .fetch_all(self.tx.conn())
                    .await?
                    .iter()
                    .map(|r| Ok((r.try_get("source_id")?, r.try_get("id")?)))
                    .collect::<Result<_>>()?;
                for (source_id, of_case) in keyed {
                    let id = ids.get(&source_id).copied().ok_or(Error::NotFound)?;
                    parties.push((id, of_case));
                }
            }
        }
        let cases = groups
            .into_iter()
            .map(move |(first, group)| insert_cases(group, Some(first), user, now));
        let mut party_groups: Vec<Vec<(i64, Vec<SealedParty>)>> = Vec::new();
        let mut rest = parties.into_iter().peekable();
        while rest.peek().is_some() {
            party_groups.push(rest.by_ref().take(ROWS_PER_STATEMENT).collect());
        }
        let parties = party_groups.into_iter().filter_map(insert_parties);
        self.tx.execute_all(cases.chain(parties)).await?;
        Ok(())
    }

    /// The lines refused so far.
    pub fn rejected(&self) -> usize {
        self.report.rejected
    }

    /// Writes what is pending, records the batch in the audit chain and commits it.
    pub async fn finish(mut self) -> Result<IngestReport> {
        self.flush().await?;
        if self.report.inserted + self.report.updated + self.report.rejected > 0 {
            let mut systems: Vec<&String> = self.systems.iter().collect();
            systems.sort();
            crate::audit::record(
                &mut self.tx,
                self.actor,
                "import",
                "cases",
                None,
                json!({ "inserted": self.report.inserted, "updated": self.report.updated,
                        "unchanged": self.report.unchanged, "rejected": self.report.rejected,
                        "source_systems": systems }),
            )
            .await?;
        }
        self.tx.commit().await?;
        // After a large batch the planner's statistics are stale (PostgreSQL: until autovacuum
        // comes round) or missing: case lists planned without them read far more than a page
        // (PostgreSQL p99 0.45 s instead of 13 ms after a million cases; SQLite, not knowing a
        // department holds few cases, walks a town's 43,000).
        if self.report.inserted + self.report.updated >= ANALYZE_AFTER {
            self.store.analyze(&["cases", "case_parties"]).await?;
        }
        Ok(self.report)
    }
}

/// One multi-row INSERT of new cases; with `first_id`, the ids are given in order from it.
pub(super) fn insert_cases(
    group: Vec<Prepared>,
    first_id: Option<i64>,
    user: Option<i64>,
    now: i64,
) -> Sql {
    crate::enforcement::case::repo::insert_imported(
        &COLUMNS,
        group.into_iter().map(|p| p.values),
        first_id,
        user,
        now,
    )
}

/// One multi-row INSERT of parties of cases whose ids are known; None when the group has no
/// parties.
pub(super) fn insert_parties(group: Vec<(i64, Vec<SealedParty>)>) -> Option<Sql> {
    use crate::enforcement::cases::PARTY_COLUMNS;
    let mut sql = Sql::new(&format!(
        "INSERT INTO case_parties (case_id, ordinal, {PARTY_COLUMNS}) VALUES "
    ));
    let mut first = true;
    for (id, of_case) in group {
        for (n, s) in of_case.into_iter().enumerate() {
            sql.push(if first { "(" } else { ", (" });
            first = false;
            sql.bind(id).push(", ").bind(n as i64);
            s.bind_values(&mut sql);
            sql.push(")");
        }
    }
    (!first).then_some(sql)
}
