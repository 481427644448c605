//! Discretion benchmarks stored: versions by effective date per catalog item, imported and
//! exported as .xlsx (one row per grade or list entry), read back for the engine in
//! `discretion`, and counted by list (the seed's 67 / 29 / 18).

use std::collections::BTreeMap;

use chrono::NaiveDate;
use fazhi_kernel::money::Fen;
use fazhi_store::{Row, Sql, Store, flag, now_ms};
use rust_xlsxwriter::{Workbook, XlsxError};
use serde_json::json;

use super::discretion::{Band, Benchmark, FineRule, ListEntry, ListKind, Severity};
use crate::access::{Actor, Permission};
use crate::xlsx::{ImportReport, RowError};
use crate::{Error, Result};

pub const HEADERS: [&str; 10] = [
    "事项编码",
    "生效日期",
    "处罚依据",
    "类型",
    "情节",
    "情形描述",
    "警告",
    "罚款方式",
    "下限",
    "上限",
];

const GRADE: &str = "裁量档次";

fn list_code(k: ListKind) -> &'static str {
    match k {
        ListKind::MinorViolationPledge => "minor_violation_pledge",
        ListKind::FirstOffenceWarning => "first_offence_warning",
        ListKind::Mitigated => "mitigated",
    }
}

pub fn list_label(k: ListKind) -> &'static str {
    match k {
        ListKind::MinorViolationPledge => "轻微违法告知承诺",
        ListKind::FirstOffenceWarning => "首次违法预警",
        ListKind::Mitigated => "减轻处罚",
    }
}

const LISTS: [ListKind; 3] = [
    ListKind::MinorViolationPledge,
    ListKind::FirstOffenceWarning,
    ListKind::Mitigated,
];
const SEVERITIES: [Severity; 4] = [
    Severity::Minor,
    Severity::Ordinary,
    Severity::Serious,
    Severity::Grave,
];

fn severity_code(s: Severity) -> &'static str {
    match s {
        Severity::Minor => "minor",
        Severity::Ordinary => "ordinary",
        Severity::Serious => "serious",
        Severity::Grave => "grave",
    }
}

pub fn parse_severity(s: &str) -> Option<Severity> {
    SEVERITIES
        .into_iter()
        .find(|v| v.label_zh() == s.trim() || severity_code(*v) == s.trim())
}

/// "1.5" times → 150 hundredths.
fn times(s: &str) -> Option<i64> {
    Fen::parse_yuan(s).ok().map(|f| f.0)
}

fn times_text(h: i64) -> String {
    let f = Fen(h).yuan().replace(',', "");
    f.trim_end_matches('0').trim_end_matches('.').to_string()
}

enum Entry {
    Band(Band),
    List(ListEntry),
}

/// Checks one row: (item code, effective date, basis, entry).
fn check_row(r: &[String]) -> std::result::Result<(String, NaiveDate, String, Entry), String> {
    let cell = |i: usize| r.get(i).map_or("", |s| s.trim());
    let mut problems = Vec::new();
    let code = cell(0).to_string();
    if code.is_empty() {
        problems.push("事项编码为空".to_string());
    }
    let date = fazhi_kernel::date::parse(cell(1));
    if date.is_none() {
        problems.push(format!("生效日期“{}”应为 YYYY-MM-DD", cell(1)));
    }
    let basis = cell(2).to_string();
    if basis.is_empty() {
        problems.push("处罚依据为空".into());
    }
    let kind = cell(3);
    let list = LISTS.into_iter().find(|l| list_label(*l) == kind);
    if kind != GRADE && list.is_none() {
        problems.push(format!(
            "类型“{kind}”应为 裁量档次、轻微违法告知承诺、首次违法预警 或 减轻处罚"
        ));
    }
    let severity = parse_severity(cell(4));
    if kind == GRADE && severity.is_none() {
        problems.push(format!("情节“{}”应为 轻微、一般、较重 或 严重", cell(4)));
    }
    let circumstances = cell(5).to_string();
    if circumstances.is_empty() {
        problems.push("情形描述为空".into());
    }
    let warning = match cell(6) {
        "" | "否" => false,
        "是" => true,
        other => {
            problems.push(format!("警告“{other}”应为 是 或 否"));
            false
        }
    };
    let fine = match cell(7) {
        "" | "无" => None,
        "固定金额" => match (Fen::parse_yuan(cell(8)), Fen::parse_yuan(cell(9))) {
            (Ok(min), Ok(max)) if min <= max => Some(FineRule::Fixed { min, max }),
            (Ok(_), Ok(_)) => {
                problems.push("下限不能高于上限".into());
                None
            }
            _ => {
                problems.push(format!(
                    "固定金额的下限“{}”和上限“{}”应为金额（元）",
                    cell(8),
                    cell(9)
                ));
                None
            }
        },
        "违法所得倍数" => match (times(cell(8)), times(cell(9))) {
            (Some(min_hundredths), Some(max_hundredths)) if min_hundredths <= max_hundredths => {
                Some(FineRule::TimesGains {
                    min_hundredths,
                    max_hundredths,
                })
            }
            _ => {
                problems.push(format!(
                    "倍数的下限“{}”和上限“{}”应为不大于上限的数字",
                    cell(8),
                    cell(9)
                ));
                None
            }
        },
        other => {
            problems.push(format!(
                "罚款方式“{other}”应为 无、固定金额 或 违法所得倍数"
            ));
            None
        }
    };
    if !problems.is_empty() {
        return Err(problems.join("；"));
    }
    let entry = match (list, severity) {
        (Some(list), _) => Entry::List(ListEntry {
            list,
            circumstances,
            fine,
        }),
        (None, Some(severity)) => Entry::Band(Band {
            severity,
            circumstances,
            warning,
            fine,
        }),
        (None, None) => return Err("类型无效".into()),
    };
    match date {
        Some(date) => Ok((code, date, basis, entry)),
        None => Err("生效日期无效".into()),
    }
}

/// Imports benchmark versions: every row checked first (nothing is written if any is bad); the
/// rows of one item and date form one version, which replaces that version when it differs.
pub async fn import(
    store: &Store,
    actor: &Actor,
    rows: &[(usize, Vec<String>)],
) -> Result<ImportReport> {
    actor.require(Permission::CatalogManage)?;
    let known = super::catalog::repo::codes(&mut *store.conn().await?).await?;
    let mut report = ImportReport::default();
    let mut versions: BTreeMap<(String, NaiveDate), (usize, Benchmark)> = BTreeMap::new();
    for (row, raw) in rows {
        match check_row(raw) {
            Err(reason) => report.errors.push(RowError { row: *row, reason }),
            Ok((code, date, basis, entry)) => {
                if !known.contains(&code) {
                    report.errors.push(RowError {
                        row: *row,
                        reason: format!("事项编码 {code} 不在执法事项目录中"),
                    });
                    continue;
                }
                let (first, b) = versions.entry((code.clone(), date)).or_insert_with(|| {
                    (
                        *row,
                        Benchmark {
                            item_code: code.clone(),
                            effective_from: date,
                            basis: basis.clone(),
                            grades: Vec::new(),
                            lists: Vec::new(),
                        },
                    )
                });
                if b.basis != basis {
                    report.errors.push(RowError {
                        row: *row,
                        reason: format!("同一版本的处罚依据应与第 {first} 行相同"),
                    });
                    continue;
                }
                match entry {
                    Entry::Band(g) if b.grades.iter().any(|x| x.severity == g.severity) => {
                        report.errors.push(RowError {
                            row: *row,
                            reason: format!("同一版本中“{}”情节重复", g.severity.label_zh()),
                        })
                    }
                    Entry::Band(g) => b.grades.push(g),
                    Entry::List(l) => b.lists.push(l),
                }
            }
        }
    }
    if !report.errors.is_empty() {
        report.rejected = report.errors.len();
        return Ok(report);
    }
    let mut tx = store.begin().await?;
    let mut changed = Vec::new();
    for ((code, date), (_, b)) in &versions {
        let existing: Option<i64> = sqlx::query_scalar(
            "SELECT id FROM discretion_benchmarks WHERE item_code = $1 AND effective_from = $2",
        )
        .bind(code)
        .bind(date.to_string())
        .fetch_optional(tx.conn())
        .await?;
        if let Some(id) = existing {
            let old = load(tx.conn(), id, code, *date).await?;
            if old.as_ref() == Some(b) {
                report.unchanged += 1;
                continue;
            }
            sqlx::query("DELETE FROM discretion_entries WHERE benchmark_id = $1")
                .bind(id)
                .execute(tx.conn())
                .await?;
            sqlx::query("UPDATE discretion_benchmarks SET basis = $1 WHERE id = $2")
                .bind(&b.basis)
                .bind(id)
                .execute(tx.conn())
                .await?;
            insert_entries(tx.conn(), id, b).await?;
            report.updated += 1;
        } else {
            let id: i64 = sqlx::query_scalar(
                "INSERT INTO discretion_benchmarks (item_code, effective_from, basis, created_by, created_at)
                 VALUES ($1, $2, $3, $4, $5) RETURNING id",
            )
            .bind(code)
            .bind(date.to_string())
            .bind(&b.basis)
            .bind(actor.user_id)
            .bind(now_ms())
            .fetch_one(tx.conn())
            .await?;
            insert_entries(tx.conn(), id, b).await?;
            report.inserted += 1;
        }
        changed.push(format!("{code}@{date}"));
    }
    if !changed.is_empty() {
        crate::audit::record(&mut tx, actor, "import", "discretion_benchmark", None, json!({ "inserted": report.inserted, "updated": report.updated, "unchanged": report.unchanged, "versions": changed })).await?;
    }
    tx.commit().await?;
    Ok(report)
}

fn fine_columns(f: Option<FineRule>) -> (&'static str, i64, i64) {
    match f {
        None => ("none", 0, 0),
        Some(FineRule::Fixed { min, max }) => ("fixed", min.0, max.0),
        Some(FineRule::TimesGains {
            min_hundredths,
            max_hundredths,
        }) => ("times_gains", min_hundredths, max_hundredths),
    }
}

async fn insert_entries(conn: &mut sqlx::AnyConnection, id: i64, b: &Benchmark) -> Result<()> {
    let mut sql = Sql::new(
        "INSERT INTO discretion_entries (benchmark_id, ordinal, kind, severity, circumstances, warning, fine_kind, fine_min, fine_max) VALUES ",
    );
    let mut n = 0_i64;
    let grades = b.grades.iter().map(|g| {
        (
            "grade",
            Some(severity_code(g.severity)),
            &g.circumstances,
            g.warning,
            g.fine,
        )
    });
    let lists = b
        .lists
        .iter()
        .map(|l| (list_code(l.list), None, &l.circumstances, false, l.fine));
    for (kind, severity, circumstances, warning, fine) in grades.chain(lists) {
        let (fk, min, max) = fine_columns(fine);
        if n > 0 {
            sql.push(", ");
        }
        sql.push("(")
            .bind(id)
            .push(", ")
            .bind(n)
            .push(", ")
            .bind(kind)
            .push(", ")
            .bind(severity)
            .push(", ")
            .bind(circumstances.as_str())
            .push(", ")
            .bind(i64::from(warning))
            .push(", ")
            .bind(fk)
            .push(", ")
            .bind(min)
            .push(", ")
            .bind(max)
            .push(")");
        n += 1;
    }
    if n > 0 {
        sql.execute(conn).await?;
    }
    Ok(())
}

async fn load(
    conn: &mut sqlx::AnyConnection,
    id: i64,
    code: &str,
    date: NaiveDate,
) -> Result<Option<Benchmark>> {
    let basis: Option<String> =
        sqlx::query_scalar("SELECT basis FROM discretion_benchmarks WHERE id = $1")
            .bind(id)
            .fetch_optional(&mut *conn)
            .await?;
    let Some(basis) = basis else { return Ok(None) };
    let rows = sqlx::query("SELECT kind, severity, circumstances, warning, fine_kind, fine_min, fine_max FROM discretion_entries WHERE benchmark_id = $1 ORDER BY ordinal")
        .bind(id)
        .fetch_all(conn)
        .await?;
    let mut b = Benchmark {
        item_code: code.to_string(),
        effective_from: date,
        basis,
        grades: Vec::new(),
        lists: Vec::new(),
    };
    for r in rows {
        let kind: String = r.try_get("kind")?;
        let fk: String = r.try_get("fine_kind")?;
        let (min, max): (i64, i64) = (r.try_get("fine_min")?, r.try_get("fine_max")?);
        let fine = match fk.as_str() {
            "fixed" => Some(FineRule::Fixed {
                min: Fen(min),
                max: Fen(max),
            }),
            "times_gains" => Some(FineRule::TimesGains {
                min_hundredths: min,
                max_hundredths: max,
            }),
            _ => None,
        };
        let circumstances: String = r.try_get("circumstances")?;
        if kind == "grade" {
            let sev: Option<String> = r.try_get("severity")?;
            if let Some(severity) = sev.as_deref().and_then(parse_severity) {
                b.grades.push(Band {
                    severity,
                    circumstances,
                    warning: flag(r.try_get("warning")?),
                    fine,
                });
            }
        } else if let Some(list) = LISTS.into_iter().find(|l| list_code(*l) == kind) {
            b.lists.push(ListEntry {
                list,
                circumstances,
                fine,
            });
        }
    }
    Ok(Some(b))
}

/// Every version of an item's benchmark, for the engine.
pub async fn versions(store: &Store, item_code: &str) -> Result<Vec<Benchmark>> {
    versions_on_conn(&mut *store.conn().await?, item_code).await
}

/// `versions`, inside a transaction.
pub async fn versions_in(tx: &mut fazhi_store::Tx, item_code: &str) -> Result<Vec<Benchmark>> {
    versions_on_conn(tx.conn(), item_code).await
}

async fn versions_on_conn(
    conn: &mut sqlx::AnyConnection,
    item_code: &str,
) -> Result<Vec<Benchmark>> {
    let heads = sqlx::query("SELECT id, effective_from FROM discretion_benchmarks WHERE item_code = $1 ORDER BY effective_from")
        .bind(item_code)
        .fetch_all(&mut *conn)
        .await?;
    let mut out = Vec::new();
    for h in heads {
        let date: String = h.try_get("effective_from")?;
        let date = fazhi_kernel::date::parse(&date)
            .ok_or_else(|| Error::malformed("benchmark effective_from"))?;
        if let Some(b) = load(conn, h.try_get("id")?, item_code, date).await? {
            out.push(b);
        }
    }
    Ok(out)
}

/// The versions in force on `on`, one per item.
async fn in_force(store: &Store, on: NaiveDate) -> Result<Vec<Benchmark>> {
    let codes: Vec<String> = sqlx::query_scalar("SELECT DISTINCT item_code FROM discretion_benchmarks WHERE effective_from <= $1 ORDER BY item_code")
        .bind(on.to_string())
        .fetch_all(store.pool())
        .await?;
    let mut out = Vec::new();
    for code in codes {
        let vs = versions(store, &code).await?;
        if let Some(b) = super::discretion::version_on(&vs, on) {
            out.push(b.clone());
        }
    }
    Ok(out)
}

/// Entries in force on `on` on each of the three lists (the seed: 67 / 29 / 18), counted in one
/// query: the page that shows them is opened often.
pub async fn list_counts(store: &Store, on: NaiveDate) -> Result<Vec<(ListKind, usize)>> {
    let day = on.to_string();
    let rows = sqlx::query(
        "SELECT e.kind, COUNT(*) AS n FROM discretion_entries e
         JOIN discretion_benchmarks b ON b.id = e.benchmark_id
         WHERE e.kind <> 'grade' AND b.effective_from <= $1
           AND NOT EXISTS (SELECT 1 FROM discretion_benchmarks l WHERE l.item_code = b.item_code
               AND l.effective_from > b.effective_from AND l.effective_from <= $1)
         GROUP BY e.kind",
    )
    .bind(&day)
    .fetch_all(store.pool())
    .await?;
    let mut counts = Vec::new();
    for k in LISTS {
        let mut n = 0;
        for r in &rows {
            if r.try_get::<String, _>("kind")? == list_code(k) {
                n = usize::try_from(r.try_get::<i64, _>("n")?).unwrap_or(0);
            }
        }
        counts.push((k, n));
    }
    Ok(counts)
}

fn xl(e: XlsxError) -> Error {
    Error::invalid("xlsx", e.to_string())
}

/// The versions in force on `on` in the import columns (also the template, when empty). Audited.
pub async fn export(store: &Store, actor: &Actor, on: NaiveDate) -> Result<Vec<u8>> {
    let all = in_force(store, on).await?;
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    sheet.set_name("裁量基准").map_err(xl)?;
    for (c, h) in (0u16..).zip(HEADERS) {
        sheet.write_string(0, c, h).map_err(xl)?;
    }
    let mut r = 1u32;
    for b in &all {
        let rows = b
            .grades
            .iter()
            .map(|g| {
                (
                    GRADE,
                    g.severity.label_zh(),
                    &g.circumstances,
                    g.warning,
                    g.fine,
                )
            })
            .chain(
                b.lists
                    .iter()
                    .map(|l| (list_label(l.list), "", &l.circumstances, false, l.fine)),
            );
        for (kind, sev, circ, warning, fine) in rows {
            let (fk, min, max) = match fine {
                None => ("无", String::new(), String::new()),
                Some(FineRule::Fixed { min, max }) => (
                    "固定金额",
                    min.yuan().replace(',', ""),
                    max.yuan().replace(',', ""),
                ),
                Some(FineRule::TimesGains {
                    min_hundredths,
                    max_hundredths,
                }) => (
                    "违法所得倍数",
                    times_text(min_hundredths),
                    times_text(max_hundredths),
                ),
            };
            let date = b.effective_from.to_string();
            let cells = [
                b.item_code.as_str(),
                &date,
                &b.basis,
                kind,
                sev,
                circ,
                if warning { "是" } else { "否" },
                fk,
                &min,
                &max,
            ];
            for (c, v) in (0u16..).zip(cells) {
                sheet.write_string(r, c, v).map_err(xl)?;
            }
            r += 1;
        }
    }
    let bytes = book.save_to_buffer().map_err(xl)?;
    let mut tx = store.begin().await?;
    crate::audit::record(
        &mut tx,
        actor,
        "export",
        "discretion_benchmark",
        None,
        json!({ "on": on.to_string(), "versions": all.len() }),
    )
    .await?;
    tx.commit().await?;
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(c: &[&str]) -> Vec<String> {
        c.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn rows_become_grades_and_list_entries_or_say_what_is_wrong() {
        let (_, _, _, e) = check_row(&row(&[
            "A001",
            "2024-01-01",
            "《产品质量法》第四十九条",
            "裁量档次",
            "一般",
            "货值一万元以下",
            "否",
            "固定金额",
            "2000",
            "10000.50",
        ]))
        .unwrap();
        assert!(matches!(
            e,
            Entry::Band(Band {
                severity: Severity::Ordinary,
                fine: Some(FineRule::Fixed {
                    min: Fen(200_000),
                    max: Fen(1_000_050)
                }),
                ..
            })
        ));
        let (_, _, _, e) = check_row(&row(&[
            "A001",
            "2024-01-01",
            "x",
            "裁量档次",
            "较重",
            "y",
            "否",
            "违法所得倍数",
            "1",
            "1.5",
        ]))
        .unwrap();
        assert!(matches!(
            e,
            Entry::Band(Band {
                fine: Some(FineRule::TimesGains {
                    min_hundredths: 100,
                    max_hundredths: 150
                }),
                ..
            })
        ));
        let (_, _, _, e) = check_row(&row(&[
            "A001",
            "2024-01-01",
            "x",
            "轻微违法告知承诺",
            "",
            "首次少量",
            "",
            "无",
            "",
            "",
        ]))
        .unwrap();
        assert!(matches!(
            e,
            Entry::List(ListEntry {
                list: ListKind::MinorViolationPledge,
                ..
            })
        ));
        let err = check_row(&row(&[
            "", "2024/1/1", "", "档次", "中等", "", "也许", "按日", "", "",
        ]))
        .err()
        .unwrap();
        for part in [
            "事项编码为空",
            "生效日期",
            "处罚依据为空",
            "类型“档次”",
            "情形描述为空",
            "警告“也许”",
            "罚款方式“按日”",
        ] {
            assert!(err.contains(part), "{part} missing in {err}");
        }
        assert!(
            check_row(&row(&[
                "A",
                "2024-01-01",
                "x",
                "裁量档次",
                "一般",
                "y",
                "否",
                "固定金额",
                "500",
                "100"
            ]))
            .err()
            .unwrap()
            .contains("下限不能高于上限")
        );
        assert_eq!(times_text(150), "1.5");
        assert_eq!(times_text(300), "3");
    }
}
