//! Hand-kept case ledgers (台账) as .xlsx: one row per case with one party, in the template's
//! Chinese columns, mapped to the import record and imported exactly as JSON Lines are
//! (`ingest`): idempotent by source key, each bad row reported with its Excel row number.

use fazhi_kernel::money::Fen;
use rust_xlsxwriter::{Format, Workbook, XlsxError};

use super::ingest::{CaseRecord, Ingest, IngestReport, PartyRecord};
use crate::access::Actor;
use crate::vault::Keyring;
use crate::{Error, Result};
use fazhi_store::Store;

pub const HEADERS: [&str; 28] = [
    "来源系统",
    "来源编号",
    "程序",
    "事项编码",
    "案由",
    "办案部门",
    "镇街统计代码",
    "违法行为终了日",
    "发现日",
    "立案日",
    "当事人类型",
    "当事人名称",
    "证件号码",
    "事先告知日",
    "决定日",
    "处理结果",
    "决定书文号",
    "罚款（元）",
    "违法所得（元）",
    "送达日",
    "缴款日",
    "结案日",
    "归档日",
    "当事人住所",
    "当事人联系电话",
    "法定代表人",
    "案件来源",
    "简要案情",
];

/// The template's first columns, which every ledger has; those after them were added later
/// and may be absent from a ledger made from the older template.
const REQUIRED: usize = 23;

fn xl(e: XlsxError) -> Error {
    Error::invalid("file", format!("无法生成 Excel 文件：{e}"))
}

/// One sheet row as an import record, or every reason it cannot be one.
fn record(r: &[String]) -> std::result::Result<CaseRecord, String> {
    let cell = |i: usize| r.get(i).map_or("", |s| s.trim()).to_string();
    let opt = |i: usize| Some(cell(i)).filter(|s| !s.is_empty());
    let mut problems = Vec::new();
    let mut yuan = |i: usize| match opt(i) {
        None => 0,
        Some(v) => Fen::parse_yuan(&v).map(|f| f.0).unwrap_or_else(|e| {
            problems.push(format!("{}无效：{}", HEADERS[i], e.message_zh()));
            0
        }),
    };
    let fine_fen = yuan(17);
    let illegal_gains_fen = yuan(18);
    let procedure = match cell(2).as_str() {
        "" | "普通" | "普通程序" => "general",
        "简易" | "简易程序" => "summary",
        other => {
            problems.push(format!("程序“{other}”应为 普通程序 或 简易程序"));
            "general"
        }
    };
    let (kind, resident_id, uscc) = match cell(10).as_str() {
        "公民" | "个人" | "自然人" => ("person", opt(12), None),
        "单位" | "法人" | "法人或其他组织" | "组织" => ("organisation", None, opt(12)),
        other => {
            problems.push(format!("当事人类型“{other}”应为 公民 或 单位"));
            ("person", None, None)
        }
    };
    let outcome = match cell(15).as_str() {
        "" => None,
        "罚款" => Some("fine"),
        "警告" => Some("warning"),
        "不予处罚" | "不予行政处罚" => Some("no_penalty"),
        other => {
            problems.push(format!("处理结果“{other}”应为 罚款、警告 或 不予处罚"));
            None
        }
    };
    if !problems.is_empty() {
        return Err(problems.join("；"));
    }
    Ok(CaseRecord {
        source_system: cell(0),
        source_id: cell(1),
        procedure: procedure.into(),
        item_code: cell(3),
        cause: cell(4),
        department: cell(5),
        town: opt(6),
        act_ended_on: cell(7),
        discovered_on: cell(8),
        filed_on: cell(9),
        parties: vec![PartyRecord {
            kind: kind.into(),
            name: cell(11),
            resident_id,
            uscc,
            address: opt(23),
            phone: opt(24),
            legal_representative: opt(25),
        }],
        prior_notice_on: opt(13),
        decided_on: opt(14),
        outcome: outcome.map(str::to_string),
        decision_number: opt(16),
        fine_fen,
        illegal_gains_fen,
        delivered_on: opt(19),
        paid_on: opt(20),
        paid_fen: if opt(20).is_some() { fine_fen } else { 0 },
        closed_on: opt(21),
        archived_on: opt(22),
        origin: opt(26),
        summary: opt(27),
        ..CaseRecord::default()
    })
}

/// The rows of an uploaded ledger workbook, numbered as Excel numbers them; a file that is not
/// a ledger (its header row) is refused whole.
pub async fn read(bytes: Vec<u8>) -> Result<Vec<(usize, Vec<String>)>> {
    crate::xlsx::read_upload(bytes, &HEADERS, REQUIRED).await
}

/// Imports a ledger's rows (`read`). `progress` hears the rows done and the rows refused so
/// far, every `PROGRESS_EVERY` rows and at the end.
pub async fn import(
    store: &Store,
    actor: &Actor,
    keyring: &Keyring,
    rows: Vec<(usize, Vec<String>)>,
    progress: &(dyn Fn(usize, usize) + Sync),
) -> Result<IngestReport> {
    const PROGRESS_EVERY: usize = 200;
    let mut ingest = Ingest::begin(store, actor, keyring).await?;
    let total = rows.len();
    for (done, (n, row)) in rows.into_iter().enumerate() {
        match record(&row) {
            Ok(r) => ingest.push(n, &r).await?,
            Err(reason) => ingest.reject_line(n, reason),
        }
        if (done + 1) % PROGRESS_EVERY == 0 {
            progress(done + 1, ingest.rejected());
        }
    }
    let mut report = ingest.finish().await?;
    progress(total, report.rejected);
    // The checks are the JSON Lines import's and name its fields; a ledger's user knows the
    // sheet's columns.
    for e in &mut report.errors {
        e.reason = in_sheet_terms(&e.reason);
    }
    Ok(report)
}

/// The record's field names (as the JSON Lines import names them) and the ledger's columns.
const FIELD_COLUMNS: [(&str, &str); 27] = [
    ("source_system", "来源系统"),
    ("source_id", "来源编号"),
    ("procedure", "程序"),
    ("item_code", "事项编码"),
    ("cause", "案由"),
    ("department", "办案部门"),
    ("town", "镇街统计代码"),
    ("act_ended_on", "违法行为终了日"),
    ("discovered_on", "发现日"),
    ("filed_on", "立案日"),
    ("kind", "当事人类型"),
    ("name", "当事人名称"),
    ("resident_id", "证件号码"),
    ("prior_notice_on", "事先告知日"),
    ("decided_on", "决定日"),
    ("outcome", "处理结果"),
    ("decision_number", "决定书文号"),
    ("fine_fen", "罚款（元）"),
    ("illegal_gains_fen", "违法所得（元）"),
    ("delivered_on", "送达日"),
    ("paid_on", "缴款日"),
    ("closed_on", "结案日"),
    ("archived_on", "归档日"),
    ("address", "当事人住所"),
    ("phone", "当事人联系电话"),
    ("legal_representative", "法定代表人"),
    ("origin", "案件来源"),
];

/// A reason with each field name (a whole word of `a-z_`) said as the ledger's column.
fn in_sheet_terms(reason: &str) -> String {
    let mut out = String::with_capacity(reason.len());
    let mut word = String::new();
    let flush = |word: &mut String, out: &mut String| {
        match FIELD_COLUMNS.iter().find(|(f, _)| *f == word.as_str()) {
            Some((_, column)) => out.push_str(&format!("“{column}”")),
            None => out.push_str(word),
        }
        word.clear();
    };
    for c in reason.chars() {
        if c.is_ascii_lowercase() || c == '_' {
            word.push(c);
        } else {
            flush(&mut word, &mut out);
            out.push(c);
        }
    }
    flush(&mut word, &mut out);
    out
}

/// The ledger template: the header row and one example row.
pub fn template() -> Result<Vec<u8>> {
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    sheet.set_name("案件台账").map_err(xl)?;
    let bold = Format::new().set_bold();
    for (c, h) in (0u16..).zip(HEADERS) {
        sheet.write_string_with_format(0, c, h, &bold).map_err(xl)?;
        sheet.set_column_width(c, 16).map_err(xl)?;
    }
    let example = [
        "ledger-诸综执",
        "2024-0001",
        "普通程序",
        "ZH-002",
        "在禁止区域内露天烧烤食品案",
        "诸暨市综合行政执法局",
        "330681001",
        "2024-03-01",
        "2024-03-02",
        "2024-03-04",
        "单位",
        "诸暨市某某餐饮店",
        "9233068170GJYYGB8B",
        "2024-03-20",
        "2024-04-02",
        "罚款",
        "诸综执罚〔2024〕12号",
        "1000",
        "",
        "2024-04-03",
        "2024-04-10",
        "2024-04-15",
        "2024-05-06",
        "诸暨市暨阳街道某某路 1 号",
        "0575-87012345",
        "王某某",
        "投诉举报",
        "群众投诉该店在禁止区域内露天烧烤，执法人员现场检查属实。",
    ];
    for (c, v) in (0u16..).zip(example) {
        sheet.write_string(1, c, v).map_err(xl)?;
    }
    book.save_to_buffer().map_err(xl)
}

#[cfg(test)]
mod field_terms {
    #[test]
    fn field_names_are_said_as_the_sheet_s_columns() {
        assert_eq!(
            super::in_sheet_terms("filed_on 的日期有误；有处理结果 outcome"),
            "“立案日” 的日期有误；有处理结果 “处理结果”"
        );
        assert_eq!(super::in_sheet_terms("ok, fine"), "ok, fine");
    }
}
