//! The register of normative documents (行政规范性文件): every document the city and its units
//! have issued, with every version of its text, what it amends or repeals, its record filing
//! (备案) on the deadline engine, and the public library's full-text index (`library`).
//!
//! Files: `rules` (numbers, validity, checks — pure), `repo` (its SQL), `library` (the index
//! kept in step with the register), `synthetic` (generated documents for demos and benchmarks);
//! the operations are here.

pub mod cleanup;
pub mod library;
mod repo;
pub mod rules;
pub mod synthetic;

use chrono::NaiveDate;
use fazhi_store::page::{Page, SortColumn, Sorted};
use fazhi_store::scope::RECORD_COLUMNS;
use fazhi_store::{Sql, Store};
use serde::{Deserialize, Serialize};

use crate::listing::{self, Narrowing, Workbook};
use crate::{Actor, Ctx, Error, Permission, Result};

pub use repo::{ImportReport, LineError};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    InForce,
    Repealed,
    Expired,
    ToRepeal,
    ToRevise,
}

impl Status {
    pub const ALL: [Status; 5] = [
        Status::InForce,
        Status::ToRevise,
        Status::ToRepeal,
        Status::Repealed,
        Status::Expired,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Status::InForce => "in_force",
            Status::Repealed => "repealed",
            Status::Expired => "expired",
            Status::ToRepeal => "to_repeal",
            Status::ToRevise => "to_revise",
        }
    }

    pub fn label_zh(self) -> &'static str {
        match self {
            Status::InForce => "现行有效",
            Status::Repealed => "已废止",
            Status::Expired => "已失效",
            Status::ToRepeal => "拟废止",
            Status::ToRevise => "拟修改",
        }
    }

    /// From the code or the Chinese label.
    pub fn parse(s: &str) -> Option<Status> {
        Status::ALL
            .into_iter()
            .find(|x| x.code() == s || x.label_zh() == s)
    }

    /// Still applied: in force, or in force while awaiting revision or repeal.
    pub fn applies(self) -> bool {
        matches!(self, Status::InForce | Status::ToRevise | Status::ToRepeal)
    }
}

/// One document of the import format (docs/normative-documents.md): a line of JSON Lines, a
/// row of the register's workbook.
#[derive(Clone, Debug, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Line {
    pub number: String,
    pub title: String,
    pub issuer: String,
    pub issued_on: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub published_on: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub effective_on: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expires_on: Option<String>,
    #[serde(default)]
    pub legal_basis: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub amends: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub repeals: Vec<String>,
    pub text: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub filed_on: Option<String>,
    /// The legality review the document was registered from (set by fazhi, not imported).
    #[serde(skip)]
    pub review_id: Option<i64>,
}

/// A document as the register lists it.
#[derive(Clone, Debug, Serialize)]
pub struct Document {
    pub id: i64,
    pub number: String,
    pub title: String,
    pub issuer: String,
    pub issued_on: String,
    pub published_on: Option<String>,
    pub effective_on: String,
    pub expires_on: String,
    pub status: Status,
    pub filed_on: Option<String>,
    pub current_version: i64,
    pub version: i64,
}

/// A document with its legal basis, links and every version of its text.
#[derive(Clone, Debug, Serialize)]
pub struct Record {
    pub document: Document,
    pub legal_basis: Vec<String>,
    pub amends: Vec<Link>,
    pub repeals: Vec<Link>,
    /// Documents that amend or repeal this one.
    pub amended_by: Vec<Link>,
    pub repealed_by: Vec<Link>,
    pub versions: Vec<Version>,
    /// The legality review it was registered from.
    pub review_id: Option<i64>,
}

/// A number another document names, with the register's id when the register holds it.
#[derive(Clone, Debug, Serialize)]
pub struct Link {
    pub number: String,
    pub id: Option<i64>,
    pub title: Option<String>,
}

#[derive(Clone, Debug, Serialize)]
pub struct Version {
    pub version: i64,
    pub effective_on: String,
    pub body: String,
}

/// Who keeps the register; anyone who reads it inside fazhi (the public reads the library).
const KEEPERS: [Permission; 1] = [Permission::NormativeManage];
const READERS: [Permission; 3] = [
    Permission::NormativeManage,
    Permission::SupervisionManage,
    Permission::CaseRead,
];

/// Imports lines of the import format, each checked on its own: a good line is written (new,
/// a new version, or unchanged), a bad one is reported with its number and reasons. Lines are
/// written a batch per transaction; idempotent by document number.
pub async fn import(
    ctx: &Ctx<'_>,
    lines: impl IntoIterator<Item = (usize, std::result::Result<Line, String>)>,
    progress: &(dyn Fn(usize) + Sync),
) -> Result<ImportReport> {
    ctx.actor.require_any(&KEEPERS)?;
    repo::import(ctx.into(), lines, progress).await
}

/// Reads JSON Lines (one document per line, blank lines skipped) and imports them.
pub async fn import_json_lines<R: tokio::io::AsyncBufRead + Unpin>(
    ctx: &Ctx<'_>,
    reader: R,
    progress: &(dyn Fn(usize) + Sync),
) -> Result<ImportReport> {
    use tokio::io::AsyncBufReadExt;
    ctx.actor.require_any(&KEEPERS)?;
    let mut lines = reader.lines();
    let mut parsed = Vec::new();
    let mut report = ImportReport::default();
    let mut n = 0usize;
    loop {
        let next = lines
            .next_line()
            .await
            .map_err(|e| Error::invalid("file", format!("读取文件出错：{e}")))?;
        let Some(text) = next else { break };
        n += 1;
        if text.trim().is_empty() {
            continue;
        }
        parsed.push((
            n,
            serde_json::from_str::<Line>(&text)
                .map_err(|e| format!("不是有效的文件记录（JSON）：{e}")),
        ));
        if parsed.len() >= repo::BATCH {
            report.add(repo::import(ctx.into(), std::mem::take(&mut parsed), progress).await?);
        }
    }
    report.add(repo::import(ctx.into(), parsed, progress).await?);
    Ok(report)
}

/// The register's import sheet (登记表): one document per row, the same fields as a JSON line.
pub const SHEET_IMPORT_HEADERS: [&str; 13] = [
    "文号",
    "标题",
    "制定机关",
    "印发日期",
    "公布日期",
    "施行日期",
    "有效期至",
    "状态",
    "备案日期",
    "制定依据",
    "修改的文件",
    "废止的文件",
    "全文",
];

/// A row of the import sheet as a line of the import format (lists split at 、，；).
pub fn line_from_row(cells: &[String]) -> Line {
    let cell = |i: usize| {
        cells
            .get(i)
            .map(|c| c.trim().to_string())
            .unwrap_or_default()
    };
    let optional = |i: usize| Some(cell(i)).filter(|c| !c.is_empty());
    let date = |i: usize| optional(i).map(|d| excel_day(&d));
    Line {
        number: cell(0),
        title: cell(1),
        issuer: cell(2),
        issued_on: excel_day(&cell(3)),
        published_on: date(4),
        effective_on: date(5),
        expires_on: date(6),
        status: optional(7),
        filed_on: date(8),
        legal_basis: crate::xlsx::list_cell(&cell(9)),
        amends: crate::xlsx::list_cell(&cell(10)),
        repeals: crate::xlsx::list_cell(&cell(11)),
        text: cells.get(12).cloned().unwrap_or_default(),
        review_id: None,
    }
}

/// A day as Excel gives it: a date cell arrives as its serial number (45413 = 2024-05-01), a
/// typed one often as 2024/5/1; both are read as YYYY-MM-DD. Anything else is left for the
/// check to refuse with its words.
fn excel_day(text: &str) -> String {
    let t = text.trim();
    if t.len() == 5 && t.chars().all(|c| c.is_ascii_digit()) {
        let epoch = chrono::NaiveDate::from_ymd_opt(1899, 12, 30);
        if let (Some(epoch), Ok(n)) = (epoch, t.parse::<u64>())
            && let Some(d) = epoch.checked_add_days(chrono::Days::new(n))
        {
            return d.to_string();
        }
    }
    let parts: Vec<&str> = t.split(['/', '.', '-']).collect();
    if let [y, m, d] = parts[..]
        && let (Ok(y), Ok(m), Ok(d)) = (y.parse::<i32>(), m.parse::<u32>(), d.parse::<u32>())
        && let Some(day) = chrono::NaiveDate::from_ymd_opt(y, m, d)
    {
        return day.to_string();
    }
    t.to_string()
}

/// The import sheet: its header row to fill, and an example on a second sheet.
pub fn import_template() -> Result<Vec<u8>> {
    let xl = |e: rust_xlsxwriter::XlsxError| Error::invalid("xlsx", e.to_string());
    let mut book = rust_xlsxwriter::Workbook::new();
    // The rows to fill first (the sheet read); the example on a sheet of its own, so it is
    // never imported by mistake.
    let sheet = book.add_worksheet();
    sheet.set_name("规范性文件登记表").map_err(xl)?;
    for (c, h) in (0u16..).zip(SHEET_IMPORT_HEADERS) {
        sheet.write_string(0, c, h).map_err(xl)?;
    }
    let sheet = book.add_worksheet();
    sheet.set_name("填写示例").map_err(xl)?;
    let example = [
        "诸政发〔2023〕5号",
        "诸暨市城市管理办法",
        "诸暨市人民政府",
        "2023-03-01",
        "2023-03-02",
        "2023-04-01",
        "",
        "现行有效",
        "2023-03-20",
        "《城市市容和环境卫生管理条例》",
        "",
        "诸政发〔2018〕3号",
        "第一条 为了加强城市管理，制定本办法。\n第二条 本办法自2023年4月1日起施行。",
    ];
    for (c, (h, v)) in (0u16..).zip(SHEET_IMPORT_HEADERS.iter().zip(example)) {
        sheet.write_string(0, c, *h).map_err(xl)?;
        sheet.write_string(1, c, v).map_err(xl)?;
    }
    book.save_to_buffer().map_err(xl)
}

#[derive(Clone, Debug, Default)]
pub struct Filter {
    pub status: Option<Status>,
    pub issuer: Option<String>,
    /// Not yet filed although published.
    pub unfiled: bool,
    /// Filed upward in this year.
    pub filed_in: Option<i32>,
    /// Still applied and lapsing between today and this day (the warning's window).
    pub expiring_by: Option<(NaiveDate, NaiveDate)>,
    /// Words in the number, title or issuer; a range of issue dates.
    pub narrowing: Narrowing,
}

pub const SORTS: &[SortColumn] = &[
    SortColumn {
        code: "issued_on",
        expr: "d.issued_on",
        numeric: false,
    },
    SortColumn {
        code: "expires_on",
        expr: "d.expires_on",
        numeric: false,
    },
    SortColumn {
        code: "number",
        expr: "d.number",
        numeric: false,
    },
];

fn filtered(actor: &Actor, filter: &Filter, select: &str) -> Result<Sql> {
    actor.require_any(&READERS)?;
    let mut sql = Sql::new(&format!(
        "SELECT {select} FROM normative_documents d WHERE "
    ));
    sql.append(actor.scope.condition("d", RECORD_COLUMNS));
    if let Some(s) = filter.status {
        sql.push(" AND d.status = ").bind(s.code());
    }
    if let Some(i) = filter.issuer.as_deref().filter(|i| !i.is_empty()) {
        sql.push(" AND d.issuer = ").bind(i.to_string());
    }
    if filter.unfiled {
        sql.push(" AND d.filed_on IS NULL AND d.published_on IS NOT NULL");
    }
    if let Some((today, by)) = filter.expiring_by {
        sql.push(" AND d.status IN ('in_force', 'to_revise', 'to_repeal') AND d.expires_on >= ")
            .bind(today.to_string())
            .push(" AND d.expires_on <= ")
            .bind(by.to_string());
    }
    if let Some(y) = filter.filed_in {
        sql.push(" AND d.filed_on >= ")
            .bind(format!("{y:04}-01-01"))
            .push(" AND d.filed_on <= ")
            .bind(format!("{y:04}-12-31"));
    }
    filter.narrowing.apply(
        &mut sql,
        &["d.number", "d.title", "d.issuer"],
        "d.issued_on",
    )?;
    Ok(sql)
}

/// The register within the actor's scope, in `order`.
pub async fn list(
    store: &Store,
    actor: &Actor,
    filter: &Filter,
    order: Sorted,
) -> Result<Page<Document, String>> {
    let mut sql = filtered(
        actor,
        filter,
        &format!("{}{}", repo::COLUMNS, order.key_column()),
    )?;
    order.apply(&mut sql, "d.id");
    let rows = sql.fetch_all(&mut *store.conn().await?).await?;
    order.finish(rows, repo::document)
}

pub async fn count(store: &Store, actor: &Actor, filter: &Filter) -> Result<(i64, bool)> {
    listing::count(store, filtered(actor, filter, "1")?).await
}

/// Exactly the documents the list shows, as .xlsx (the import format's columns); audited.
pub async fn export(
    store: &Store,
    actor: &Actor,
    filter: &Filter,
    order: &Sorted,
    progress: &(dyn Fn(usize) + Sync),
) -> Result<(Vec<u8>, usize)> {
    let mut book = Workbook::new("规范性文件", &repo::SHEET_HEADERS)?;
    listing::export_pages(
        order,
        |k| list(store, actor, filter, k),
        &mut book,
        repo::sheet_row,
        progress,
    )
    .await?;
    let (bytes, rows) = book.finish()?;
    listing::audit_export(
        store,
        actor,
        "normative_documents",
        rows,
        serde_json::json!({ "status": filter.status.map(Status::code), "issuer": filter.issuer,
            "q": filter.narrowing.text, "from": filter.narrowing.from, "until": filter.narrowing.until }),
    )
    .await?;
    Ok((bytes, rows))
}

/// One document with its versions and links, in the actor's scope.
pub async fn get(store: &Store, actor: &Actor, id: i64) -> Result<Record> {
    actor.require_any(&READERS)?;
    repo::record(store, Some(actor), id).await
}

/// One document for the public library: any status (a repealed document is still shown, marked
/// so), no scope — published documents are public.
pub async fn public(store: &Store, id: i64) -> Result<Record> {
    let r = repo::record(store, None, id).await?;
    // Not yet published: not public.
    if r.document.published_on.is_none() {
        return Err(Error::NotFound);
    }
    Ok(r)
}

/// Records the filing (备案) of a published document: the filing limit is met that day.
pub async fn record_filing(ctx: &Ctx<'_>, id: i64, seen_version: i64, on: NaiveDate) -> Result<()> {
    ctx.actor.require_any(&KEEPERS)?;
    repo::record_filing(ctx, id, seen_version, on).await
}

/// The demo's register: when it is empty, `count` generated documents (seed 2023), so the
/// public library has something to search on a first start.
pub async fn seed_demo(store: &Store, count: u64) -> Result<()> {
    let held: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM normative_documents")
        .fetch_one(&mut *store.conn().await?)
        .await?;
    if held > 0 {
        return Ok(());
    }
    let (cal, policy) = crate::deadlines::in_force(store).await?;
    let actor = Actor::system("seed", &[Permission::NormativeManage]);
    let writer = repo::Writer {
        store,
        actor: &actor,
        clock: crate::deadlines::Clock {
            cal: &cal,
            policy,
            today: crate::deadlines::china_today(),
        },
    };
    let lines: Vec<_> = synthetic::generate(count, 2023)
        .enumerate()
        .map(|(i, g)| (i + 1, Ok(g.line)))
        .collect();
    for chunk in lines.chunks(repo::BATCH) {
        repo::import(writer, chunk.to_vec(), &|_| {}).await?;
    }
    // The generator writes as of a fixed day: what has lapsed since is marked so now.
    expire(store, crate::deadlines::china_today()).await?;
    Ok(())
}

/// How long before a document lapses its keepers are told: a quarter, time enough to review it
/// for renewal, revision or repeal (LAW.md: "expiry warnings before the end"; no statutory
/// figure, common provincial practice is to assess a document before its period ends).
pub const EXPIRY_WARNING_DAYS: i64 = 90;

/// Tells the register's keepers (every user holding `normative.manage`) once of each document
/// still applied whose validity ends within `EXPIRY_WARNING_DAYS`, in one transaction with the
/// marks and one audit entry. Returns how many documents were warned of.
pub async fn warn_expiring(store: &Store, today: NaiveDate) -> Result<u64> {
    let by = today + chrono::Duration::days(EXPIRY_WARNING_DAYS);
    let mut tx = store.begin().await?;
    let due: Vec<(i64, String, String, String)> = sqlx::query_as(
        "SELECT id, number, title, expires_on FROM normative_documents
         WHERE status IN ('in_force', 'to_revise', 'to_repeal') AND expires_on >= $1
           AND expires_on <= $2 AND expiry_warned_on IS NULL ORDER BY expires_on, id LIMIT 500",
    )
    .bind(today.to_string())
    .bind(by.to_string())
    .fetch_all(tx.conn())
    .await?;
    if due.is_empty() {
        return Ok(0);
    }
    let keepers: Vec<i64> = sqlx::query_scalar(
        "SELECT DISTINCT u.id FROM users u JOIN user_roles ur ON ur.user_id = u.id
         JOIN role_permissions rp ON rp.role_id = ur.role_id
         WHERE rp.permission = 'normative.manage' ORDER BY u.id",
    )
    .fetch_all(tx.conn())
    .await?;
    let messages: Vec<crate::messages::NewMessage> = due
        .iter()
        .flat_map(|(id, number, title, expires_on)| {
            keepers.iter().map(move |user| crate::messages::NewMessage {
                user_id: *user,
                title: format!("规范性文件将于 {expires_on} 到期"),
                body: format!(
                    "{number}《{title}》有效期至 {expires_on}。请在到期前评估：继续有效的重新公布，需要修改的修改，不再适用的废止。"
                ),
                link: Some(format!("/normative/documents/{id}")),
            })
        })
        .collect();
    crate::messages::send_many(&mut tx, &messages).await?;
    let ids: Vec<i64> = due.iter().map(|d| d.0).collect();
    let mut mark = Sql::new("UPDATE normative_documents SET expiry_warned_on = ");
    mark.bind(today.to_string())
        .push(" WHERE id IN (")
        .bind_list(ids.iter().copied())
        .push(")");
    mark.execute(tx.conn()).await?;
    fazhi_store::audit::append(
        &mut tx,
        &fazhi_store::audit::AuditActor::system("system:normative.expire"),
        &fazhi_store::audit::AuditEvent {
            action: "warn",
            object_type: "normative_documents",
            object_id: None,
            detail: serde_json::json!({
                "on": today.to_string(),
                "numbers": due.iter().map(|d| d.1.clone()).collect::<Vec<_>>(),
                "keepers": keepers.len(),
            }),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(due.len() as u64)
}

/// Marks 已失效 every document still applied whose validity ended before `today`, in one
/// transaction with the register's next revision (the library follows) and one audit entry
/// naming them. Returns how many lapsed.
pub async fn expire(store: &Store, today: NaiveDate) -> Result<u64> {
    let mut tx = store.begin().await?;
    let lapsed: Vec<String> = sqlx::query_scalar(
        "SELECT number FROM normative_documents
         WHERE status IN ('in_force', 'to_revise', 'to_repeal') AND expires_on < $1 ORDER BY number",
    )
    .bind(today.to_string())
    .fetch_all(tx.conn())
    .await?;
    if lapsed.is_empty() {
        return Ok(0);
    }
    let rev = repo::next_revision(&mut tx).await?;
    let n = sqlx::query(
        "UPDATE normative_documents SET status = 'expired', revision = $1, version = version + 1, updated_at = $2
         WHERE status IN ('in_force', 'to_revise', 'to_repeal') AND expires_on < $3",
    )
    .bind(rev)
    .bind(fazhi_store::now_ms())
    .bind(today.to_string())
    .execute(tx.conn())
    .await?
    .rows_affected();
    fazhi_store::audit::append(
        &mut tx,
        &fazhi_store::audit::AuditActor::system("system:normative.expire"),
        &fazhi_store::audit::AuditEvent {
            action: "expire",
            object_type: "normative_documents",
            object_id: None,
            detail: serde_json::json!({ "on": today.to_string(), "numbers": lapsed }),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(n)
}

/// Documents filed upward in `year` (备案), in the actor's scope.
pub async fn filings_in_year(store: &Store, actor: &Actor, year: i32) -> Result<i64> {
    let mut sql = Sql::new("SELECT COUNT(*) AS n FROM normative_documents d WHERE d.filed_on >= ");
    sql.bind(format!("{year:04}-01-01"))
        .push(" AND d.filed_on <= ")
        .bind(format!("{year:04}-12-31"))
        .push(" AND ")
        .append(actor.scope.condition("d", RECORD_COLUMNS));
    let row = sql
        .fetch_optional(&mut *store.conn().await?)
        .await?
        .ok_or_else(|| Error::malformed("filings count"))?;
    Ok(fazhi_store::Row::try_get(&row, "n")?)
}

/// The issuers the register holds, for the filters.
pub async fn issuers(store: &Store) -> Result<Vec<String>> {
    Ok(
        sqlx::query_scalar("SELECT DISTINCT issuer FROM normative_documents ORDER BY issuer")
            .fetch_all(&mut *store.conn().await?)
            .await?,
    )
}
