//! The register's SQL: the import's batch write (new documents, new versions, links, the filing
//! limit), one document with its versions and links, and the filing's record.

use std::collections::HashMap;

use chrono::NaiveDate;
use fazhi_store::audit::{self, AuditEvent};
use fazhi_store::{Arg, DbRow, Row, Tx, now_ms};
use serde_json::json;

use super::rules::{self, Checked};
use super::{Document, Line, Link, Record, Status, Version};
use crate::deadlines::{self, NewDeadline};
use crate::listing::Cell;
use crate::{Actor, Ctx, Error, Result};

pub use crate::enforcement::ingest::{IngestReport as ImportReport, LineError, REPORTED_ERRORS};

/// Lines written per transaction.
pub const BATCH: usize = 500;

pub const SUBJECT: &str = "normative_document";

pub const COLUMNS: &str = "d.id, d.number, d.title, d.issuer, d.issued_on, d.published_on, \
    d.effective_on, d.expires_on, d.status, d.filed_on, d.current_version, d.version";

pub fn document(row: &DbRow) -> Result<Document> {
    let status: String = row.try_get("status")?;
    Ok(Document {
        id: row.try_get("id")?,
        number: row.try_get("number")?,
        title: row.try_get("title")?,
        issuer: row.try_get("issuer")?,
        issued_on: row.try_get("issued_on")?,
        published_on: row.try_get("published_on")?,
        effective_on: row.try_get("effective_on")?,
        expires_on: row.try_get("expires_on")?,
        status: Status::parse(&status)
            .ok_or_else(|| Error::malformed(format!("normative document status {status}")))?,
        filed_on: row.try_get("filed_on")?,
        current_version: row.try_get("current_version")?,
        version: row.try_get("version")?,
    })
}

pub const SHEET_HEADERS: [&str; 10] = [
    "文号",
    "标题",
    "制定机关",
    "印发日期",
    "公布日期",
    "施行日期",
    "有效期至",
    "状态",
    "备案日期",
    "版本",
];

pub fn sheet_row(d: &Document) -> Vec<Cell> {
    vec![
        d.number.as_str().into(),
        d.title.as_str().into(),
        d.issuer.as_str().into(),
        d.issued_on.as_str().into(),
        d.published_on.clone().into(),
        d.effective_on.as_str().into(),
        d.expires_on.as_str().into(),
        d.status.label_zh().into(),
        d.filed_on.clone().into(),
        d.current_version.into(),
    ]
}

impl ImportReport {
    /// Adds a later batch's counts and reasons.
    pub fn add(&mut self, other: ImportReport) {
        self.inserted += other.inserted;
        self.updated += other.updated;
        self.unchanged += other.unchanged;
        self.rejected += other.rejected;
        let room = REPORTED_ERRORS.saturating_sub(self.errors.len());
        self.errors.extend(other.errors.into_iter().take(room));
    }
}

/// An issuing unit of the organisation: its department and region, and their tree paths.
struct Unit {
    department_id: i64,
    region_id: i64,
    department_path: String,
    region_path: String,
}

async fn units(tx: &mut Tx, names: &[&str]) -> Result<HashMap<String, Unit>> {
    if names.is_empty() {
        return Ok(HashMap::new());
    }
    let mut sql = fazhi_store::Sql::new(
        "SELECT d.name, d.id, d.region_id, d.path, r.path AS region_path
         FROM departments d JOIN regions r ON r.id = d.region_id WHERE d.name IN (",
    );
    sql.bind_list(names.iter().map(|n| n.to_string()))
        .push(") ORDER BY d.id DESC");
    let mut out = HashMap::new();
    for row in sql.fetch_all(tx.conn()).await? {
        // Lowest id last, so it stays: the first unit of that name.
        out.insert(
            row.try_get::<String, _>("name")?,
            Unit {
                department_id: row.try_get("id")?,
                region_id: row.try_get("region_id")?,
                department_path: row.try_get("path")?,
                region_path: row.try_get("region_path")?,
            },
        );
    }
    Ok(out)
}

/// The register's next revision; the row stays locked until the transaction ends, so revisions
/// are committed in order (the library relies on it).
pub(super) async fn next_revision(tx: &mut Tx) -> Result<i64> {
    Ok(sqlx::query_scalar(
        "UPDATE register_revisions SET value = value + 1 WHERE name = 'normative_documents' RETURNING value",
    )
    .fetch_one(tx.conn())
    .await?)
}

fn reason(e: &Error) -> String {
    match e {
        Error::Several(list) => list
            .iter()
            .map(Error::message_zh)
            .collect::<Vec<_>>()
            .join("；"),
        other => other.message_zh(),
    }
}

/// What a write of the register runs with: the store, who acts, and the legal clock.
#[derive(Clone, Copy)]
pub struct Writer<'a> {
    pub store: &'a fazhi_store::Store,
    pub actor: &'a Actor,
    pub clock: crate::deadlines::Clock<'a>,
}

impl<'a> From<&Ctx<'a>> for Writer<'a> {
    fn from(c: &Ctx<'a>) -> Writer<'a> {
        Writer {
            store: c.store,
            actor: c.actor,
            clock: c.clock,
        }
    }
}

pub async fn import(
    ctx: Writer<'_>,
    lines: impl IntoIterator<Item = (usize, std::result::Result<Line, String>)>,
    progress: &(dyn Fn(usize) + Sync),
) -> Result<ImportReport> {
    let mut report = ImportReport::default();
    let reject = |report: &mut ImportReport, line: usize, reason: String| {
        report.rejected += 1;
        if report.errors.len() < REPORTED_ERRORS {
            report.errors.push(LineError { line, reason });
        }
    };
    let mut checked: Vec<(usize, Checked)> = Vec::new();
    for (n, line) in lines {
        match line.and_then(|l| rules::check(&l).map_err(|e| reason(&e))) {
            // The same number twice in one file: the second would silently replace the first.
            Ok(c) => match checked.iter().find(|(_, o)| o.number == c.number) {
                Some((first, _)) => reject(
                    &mut report,
                    n,
                    format!(
                        "文号 {} 与第 {first} 行重复；同一文件的新版本请另行导入。",
                        c.number
                    ),
                ),
                None => checked.push((n, c)),
            },
            Err(why) => reject(&mut report, n, why),
        }
    }
    if checked.is_empty() {
        return Ok(report);
    }
    let mut tx = ctx.store.begin().await?;
    let names: Vec<&str> = {
        let mut v: Vec<&str> = checked.iter().map(|(_, c)| c.issuer.as_str()).collect();
        v.sort_unstable();
        v.dedup();
        v
    };
    let units = units(&mut tx, &names).await?;
    let mut revision = None;
    let (mut inserted, mut updated) = (Vec::new(), Vec::new());
    for (n, c) in &checked {
        let Some(unit) = units.get(&c.issuer) else {
            reject(
                &mut report,
                *n,
                format!(
                    "制定机关“{}”不在组织机构中：请用部门管理中的全称，例如 诸暨市人民政府。",
                    c.issuer
                ),
            );
            continue;
        };
        if !ctx
            .actor
            .scope
            .covers(&unit.region_path, unit.department_id, &unit.department_path)
        {
            reject(
                &mut report,
                *n,
                format!("制定机关“{}”不在您的数据权限范围内。", c.issuer),
            );
            continue;
        }
        let rev = match revision {
            Some(r) => r,
            None => {
                let r = next_revision(&mut tx).await?;
                revision = Some(r);
                r
            }
        };
        match write(&mut tx, ctx, c, unit, rev).await? {
            Written::Inserted => {
                report.inserted += 1;
                inserted.push(c.number.clone());
            }
            Written::Updated => {
                report.updated += 1;
                updated.push(c.number.clone());
            }
            Written::Unchanged => report.unchanged += 1,
        }
        progress(*n);
    }
    if !inserted.is_empty() || !updated.is_empty() {
        audit::append(
            &mut tx,
            &ctx.actor.audit(),
            &AuditEvent {
                action: "import",
                object_type: "normative_documents",
                object_id: None,
                detail: json!({ "inserted": inserted, "updated": updated, "revision": revision }),
            },
        )
        .await?;
    }
    tx.commit().await?;
    // Refused while reading and refused while writing: one list, in the file's order.
    report.errors.sort_by_key(|e| e.line);
    Ok(report)
}

enum Written {
    Inserted,
    Updated,
    Unchanged,
}

async fn write(
    tx: &mut Tx,
    ctx: Writer<'_>,
    c: &Checked,
    unit: &Unit,
    rev: i64,
) -> Result<Written> {
    let existing = sqlx::query(
        "SELECT d.id, d.title, d.issuer, d.issued_on, d.published_on, d.effective_on, d.expires_on,
                d.legal_basis, d.status, d.filed_on, d.current_version, d.version, v.body
         FROM normative_documents d
         JOIN normative_document_versions v ON v.document_id = d.id AND v.version = d.current_version
         WHERE d.number = $1",
    )
    .bind(&c.number)
    .fetch_optional(tx.conn())
    .await?;
    let basis = c.legal_basis.join("\n");
    let now = now_ms();
    let Some(old) = existing else {
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO normative_documents (number, title, issuer, region_id, department_id, issued_on,
                published_on, effective_on, expires_on, legal_basis, status, filed_on, current_version,
                revision, created_by, created_at, updated_at, review_id)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, 1, $13, $14, $15, $15, $16) RETURNING id",
        )
        .bind(&c.number)
        .bind(&c.title)
        .bind(&c.issuer)
        .bind(unit.region_id)
        .bind(unit.department_id)
        .bind(c.issued_on.to_string())
        .bind(c.published_on.map(|d| d.to_string()))
        .bind(c.effective_on.to_string())
        .bind(c.expires_on.to_string())
        .bind(&basis)
        .bind(c.status.code())
        .bind(c.filed_on.map(|d| d.to_string()))
        .bind(rev)
        .bind(ctx.actor.user_id)
        .bind(now)
        .bind(c.review_id)
        .fetch_one(tx.conn())
        .await?;
        add_version(tx, ctx.actor, id, 1, c).await?;
        write_links(tx, id, c).await?;
        // A published document not yet filed, still applied: its filing limit runs. One filed
        // already, or no longer applied, has nothing left to file.
        if let (Some(published), None, true) = (c.published_on, c.filed_on, c.status.applies()) {
            deadlines::create(
                tx,
                ctx.actor,
                ctx.clock.cal,
                ctx.clock.policy,
                &NewDeadline {
                    subject_type: SUBJECT.into(),
                    subject_id: id.to_string(),
                    purpose: "规范性文件报送备案".into(),
                    law: rules::FILING_LAW.into(),
                    article: rules::FILING_ARTICLE.into(),
                    start_event: "文件公布".into(),
                    start_on: published,
                    period: rules::FILING_PERIOD,
                    responsible_user_id: None,
                    department_id: unit.department_id,
                    party_period: false,
                },
                ctx.clock.today,
            )
            .await?;
        }
        return Ok(Written::Inserted);
    };
    let id: i64 = old.try_get("id")?;
    let body: String = old.try_get("body")?;
    let current: i64 = old.try_get("current_version")?;
    let text_changed = body != c.text;
    let filed_on: Option<String> = old.try_get("filed_on")?;
    let fields: Vec<(&'static str, Arg)> = vec![
        ("title", c.title.clone().into()),
        ("issuer", c.issuer.clone().into()),
        ("issued_on", c.issued_on.to_string().into()),
        ("published_on", c.published_on.map(|d| d.to_string()).into()),
        ("effective_on", c.effective_on.to_string().into()),
        ("expires_on", c.expires_on.to_string().into()),
        ("legal_basis", basis.clone().into()),
        ("status", c.status.code().into()),
        // A filing already recorded stays unless the line says otherwise.
        (
            "filed_on",
            c.filed_on
                .map(|d| d.to_string())
                .or(filed_on.clone())
                .into(),
        ),
    ];
    let same_fields = old.try_get::<String, _>("title")? == c.title
        && old.try_get::<String, _>("issuer")? == c.issuer
        && old.try_get::<String, _>("issued_on")? == c.issued_on.to_string()
        && old.try_get::<Option<String>, _>("published_on")?
            == c.published_on.map(|d| d.to_string())
        && old.try_get::<String, _>("effective_on")? == c.effective_on.to_string()
        && old.try_get::<String, _>("expires_on")? == c.expires_on.to_string()
        && old.try_get::<String, _>("legal_basis")? == basis
        && old.try_get::<String, _>("status")? == c.status.code()
        && (c.filed_on.is_none() || filed_on == c.filed_on.map(|d| d.to_string()));
    let links_changed = links_differ(tx, id, c).await?;
    if !text_changed && same_fields && !links_changed {
        return Ok(Written::Unchanged);
    }
    let mut fields = fields;
    fields.push(("revision", rev.into()));
    fields.push(("department_id", unit.department_id.into()));
    fields.push(("region_id", unit.region_id.into()));
    if text_changed {
        add_version(tx, ctx.actor, id, current + 1, c).await?;
        fields.push(("current_version", (current + 1).into()));
    }
    tx.versioned_update("normative_documents", id, old.try_get("version")?, fields)
        .await?;
    if links_changed {
        sqlx::query("DELETE FROM normative_document_links WHERE document_id = $1")
            .bind(id)
            .execute(tx.conn())
            .await?;
        write_links(tx, id, c).await?;
    }
    if let (None, Some(on)) = (filed_on, c.filed_on) {
        deadlines::meet(
            tx,
            ctx.actor,
            SUBJECT,
            &id.to_string(),
            rules::FILING_ARTICLE,
            on,
        )
        .await?;
    }
    Ok(Written::Updated)
}

async fn add_version(tx: &mut Tx, actor: &Actor, id: i64, version: i64, c: &Checked) -> Result<()> {
    sqlx::query(
        "INSERT INTO normative_document_versions (document_id, version, effective_on, body, created_by, created_at)
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(id)
    .bind(version)
    .bind(c.effective_on.to_string())
    .bind(&c.text)
    .bind(actor.user_id)
    .bind(now_ms())
    .execute(tx.conn())
    .await?;
    Ok(())
}

fn wanted_links(c: &Checked) -> Vec<(&'static str, String)> {
    let mut v: Vec<(&'static str, String)> = c
        .amends
        .iter()
        .map(|n| ("amends", n.clone()))
        .chain(c.repeals.iter().map(|n| ("repeals", n.clone())))
        .collect();
    v.sort();
    v.dedup();
    v
}

async fn links_differ(tx: &mut Tx, id: i64, c: &Checked) -> Result<bool> {
    let rows = sqlx::query(
        "SELECT kind, target_number FROM normative_document_links WHERE document_id = $1 ORDER BY kind, target_number",
    )
    .bind(id)
    .fetch_all(tx.conn())
    .await?;
    let have: Vec<(String, String)> = rows
        .iter()
        .map(|r| Ok((r.try_get("kind")?, r.try_get("target_number")?)))
        .collect::<Result<_>>()?;
    let want = wanted_links(c);
    Ok(have.len() != want.len()
        || have
            .iter()
            .zip(&want)
            .any(|(h, w)| h.0 != w.0 || h.1 != w.1))
}

async fn write_links(tx: &mut Tx, id: i64, c: &Checked) -> Result<()> {
    for (kind, number) in wanted_links(c) {
        sqlx::query(
            "INSERT INTO normative_document_links (document_id, kind, target_number) VALUES ($1, $2, $3)",
        )
        .bind(id)
        .bind(kind)
        .bind(number)
        .execute(tx.conn())
        .await?;
    }
    Ok(())
}

/// One document, in the actor's scope (or, without an actor, as the public sees it).
pub async fn record(store: &fazhi_store::Store, actor: Option<&Actor>, id: i64) -> Result<Record> {
    let mut conn = store.conn().await?;
    let mut sql = fazhi_store::Sql::new(&format!(
        "SELECT {COLUMNS}, d.legal_basis, d.review_id FROM normative_documents d WHERE d.id = "
    ));
    sql.bind(id);
    if let Some(a) = actor {
        sql.push(" AND ")
            .append(a.scope.condition("d", fazhi_store::scope::RECORD_COLUMNS));
    }
    let row = sql
        .fetch_optional(&mut conn)
        .await?
        .ok_or(Error::NotFound)?;
    let doc = document(&row)?;
    let basis: String = row.try_get("legal_basis")?;
    let versions = sqlx::query(
        "SELECT version, effective_on, body FROM normative_document_versions WHERE document_id = $1 ORDER BY version DESC",
    )
    .bind(id)
    .fetch_all(&mut *conn)
    .await?
    .iter()
    .map(|r| {
        Ok(Version {
            version: r.try_get("version")?,
            effective_on: r.try_get("effective_on")?,
            body: r.try_get("body")?,
        })
    })
    .collect::<Result<Vec<_>>>()?;
    let outgoing = sqlx::query(
        "SELECT l.kind, l.target_number, t.id, t.title FROM normative_document_links l
         LEFT JOIN normative_documents t ON t.number = l.target_number
         WHERE l.document_id = $1 ORDER BY l.kind, l.target_number",
    )
    .bind(id)
    .fetch_all(&mut *conn)
    .await?;
    let incoming = sqlx::query(
        "SELECT l.kind, s.number AS target_number, s.id, s.title FROM normative_document_links l
         JOIN normative_documents s ON s.id = l.document_id
         WHERE l.target_number = $1 ORDER BY l.kind, s.number",
    )
    .bind(&doc.number)
    .fetch_all(&mut *conn)
    .await?;
    let split = |rows: &[DbRow], kind: &str| -> Result<Vec<Link>> {
        rows.iter()
            .filter(|r| r.try_get::<String, _>("kind").ok().as_deref() == Some(kind))
            .map(|r| {
                Ok(Link {
                    number: r.try_get("target_number")?,
                    id: r.try_get("id")?,
                    title: r.try_get("title")?,
                })
            })
            .collect()
    };
    Ok(Record {
        review_id: row.try_get("review_id")?,
        legal_basis: basis.lines().map(str::to_string).collect(),
        amends: split(&outgoing, "amends")?,
        repeals: split(&outgoing, "repeals")?,
        amended_by: split(&incoming, "amends")?,
        repealed_by: split(&incoming, "repeals")?,
        versions,
        document: doc,
    })
}

pub async fn record_filing(ctx: &Ctx<'_>, id: i64, seen: i64, on: NaiveDate) -> Result<()> {
    let mut tx = ctx.store.begin().await?;
    let mut sql = fazhi_store::Sql::new(
        "SELECT d.published_on, d.filed_on, d.version FROM normative_documents d WHERE d.id = ",
    );
    sql.bind(id).push(" AND ").append(
        ctx.actor
            .scope
            .condition("d", fazhi_store::scope::RECORD_COLUMNS),
    );
    let row = sql
        .fetch_optional(tx.conn())
        .await?
        .ok_or(Error::NotFound)?;
    if row.try_get::<i64, _>("version")? != seen {
        return Err(Error::Conflict);
    }
    if let Some(f) = row.try_get::<Option<String>, _>("filed_on")? {
        return Err(Error::refused(
            "already_filed",
            "filed_on",
            format!("该文件已于 {f} 备案。"),
        ));
    }
    let published: Option<String> = row.try_get("published_on")?;
    let Some(published) = published else {
        return Err(Error::refused(
            "not_published",
            "filed_on",
            "文件尚未公布，公布后才能报送备案。",
        ));
    };
    if on.to_string() < published {
        return Err(Error::invalid(
            "filed_on",
            format!("备案日期 {on} 早于公布日期 {published}。"),
        ));
    }
    if on > ctx.clock.today {
        return Err(Error::invalid(
            "filed_on",
            format!("备案日期 {on} 在今天之后。"),
        ));
    }
    let rev = next_revision(&mut tx).await?;
    tx.versioned_update(
        "normative_documents",
        id,
        seen,
        vec![
            ("filed_on", on.to_string().into()),
            ("revision", rev.into()),
        ],
    )
    .await?;
    deadlines::meet(
        &mut tx,
        ctx.actor,
        SUBJECT,
        &id.to_string(),
        rules::FILING_ARTICLE,
        on,
    )
    .await?;
    audit::append(
        &mut tx,
        &ctx.actor.audit(),
        &AuditEvent {
            action: "record_filing",
            object_type: SUBJECT,
            object_id: Some(id.to_string()),
            detail: json!({ "filed_on": on.to_string() }),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(())
}
