//! The catalog as Excel: the import template, reading an import, and the export (the same
//! columns, so an export edited and imported again round-trips).

use std::io::Cursor;

use calamine::{Data, Reader, Xlsx};
use rust_xlsxwriter::{Format, Workbook, XlsxError};

use super::EnforcementItem;
use super::rules::{HEADERS, RawRow};
use crate::{Error, Result};

fn xl(e: XlsxError) -> Error {
    Error::invalid("xlsx", e.to_string())
}

fn cell_text(d: &Data) -> String {
    match d {
        Data::Empty => String::new(),
        Data::String(s) => s.trim().to_string(),
        // Codes typed as numbers come back as floats: 330217001000, not 330217001000.0.
        Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", *f as i64),
        Data::Float(f) => f.to_string(),
        Data::Int(i) => i.to_string(),
        Data::Bool(b) => b.to_string(),
        // Excel's 1900 date system counts days from 1899-12-30.
        Data::DateTime(dt) => chrono::NaiveDate::from_ymd_opt(1899, 12, 30)
            .and_then(|base| base.checked_add_days(chrono::Days::new(dt.as_f64().max(0.0) as u64)))
            .map_or_else(|| dt.to_string(), |d| d.to_string()),
        Data::DateTimeIso(s) => s.get(..10).unwrap_or(s).to_string(),
        Data::DurationIso(s) => s.clone(),
        Data::Error(e) => format!("#{e:?}"),
    }
}

/// Reads the first sheet: checks the header row against the template and returns the data rows
/// with their Excel row numbers, skipping empty rows.
pub fn read(bytes: &[u8]) -> Result<Vec<(usize, RawRow)>> {
    let mut book: Xlsx<_> = Xlsx::new(Cursor::new(bytes))
        .map_err(|_| Error::invalid("file", "无法读取该文件：请上传 .xlsx 格式的 Excel 文件。"))?;
    let sheet = book
        .worksheet_range_at(0)
        .ok_or_else(|| Error::invalid("file", "文件中没有工作表。"))?
        .map_err(|e| Error::invalid("file", format!("无法读取工作表：{e}")))?;
    let mut rows = sheet.rows();
    let header: Vec<String> = rows
        .next()
        .map(|r| r.iter().map(cell_text).collect())
        .unwrap_or_default();
    for (i, expected) in HEADERS.iter().enumerate() {
        if header.get(i).map(String::as_str) != Some(*expected) {
            return Err(Error::invalid(
                "file",
                format!(
                    "第 1 行第 {} 列应为“{expected}”（请使用下载的模板）。",
                    i + 1
                ),
            ));
        }
    }
    let start = sheet.start().map_or(0, |(r, _)| r as usize);
    Ok(rows
        .enumerate()
        .map(|(i, r)| (start + i + 2, r.iter().map(cell_text).collect::<RawRow>()))
        .filter(|(_, r)| r.iter().any(|c| !c.is_empty()))
        .collect())
}

fn header(sheet: &mut rust_xlsxwriter::Worksheet) -> Result<()> {
    let bold = Format::new().set_bold();
    for (c, h) in (0u16..).zip(HEADERS) {
        sheet.write_string_with_format(0, c, h, &bold).map_err(xl)?;
        sheet
            .set_column_width(c, if c == 7 { 60 } else { 18 })
            .map_err(xl)?;
    }
    Ok(())
}

/// The import template: the header row, one example row, and a sheet of instructions.
pub fn template() -> Result<Vec<u8>> {
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    sheet.set_name("执法事项").map_err(xl)?;
    header(sheet)?;
    let example = [
        "330217001000",
        "销售不符合保障人体健康和人身、财产安全的国家标准、行业标准的产品",
        "行政处罚",
        "专业执法",
        "诸暨市市场监督管理局",
        "《中华人民共和国产品质量法》",
        "第四十九条",
        "生产、销售不符合保障人体健康和人身、财产安全的国家标准、行业标准的产品的，责令停止生产、销售……",
        "2024-01-01",
        "有效",
    ];
    for (c, v) in (0u16..).zip(example) {
        sheet.write_string(1, c, v).map_err(xl)?;
    }
    let help = book.add_worksheet();
    help.set_name("填写说明").map_err(xl)?;
    let lines = [
        "每行一个事项的一个版本；同一事项编码可有多个生效日期不同的版本，某日适用的是该日或之前最近生效的版本。",
        "事项类别：行政处罚、行政强制、行政检查、行政征收、其他。",
        "所属清单：综合执法（由综合行政执法部门实施）或 专业执法（由业务部门实施）；乡镇执法清单由赋权产生。",
        "实施部门：与系统中部门名称完全一致。生效日期：YYYY-MM-DD。状态：有效 或 废止（废止版本自生效日期起该事项不再适用）。",
        "导入时先检查全部行：有任何一行有误则不写入，并逐行列出行号和原因。再次导入相同内容不会重复。",
    ];
    for (r, l) in (0u32..).zip(lines) {
        help.write_string(r, 0, l).map_err(xl)?;
    }
    book.save_to_buffer().map_err(xl)
}

/// The items as a workbook in the template's columns.
pub fn export(items: &[EnforcementItem]) -> Result<Vec<u8>> {
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    sheet.set_name("执法事项").map_err(xl)?;
    header(sheet)?;
    for (r, i) in (1u32..).zip(items) {
        let cells = [
            i.code.as_str(),
            i.name.as_str(),
            i.kind.label_zh(),
            i.catalog.label_zh().trim_end_matches("清单"),
            i.department_name.as_str(),
            i.law.as_str(),
            i.article.as_str(),
            i.basis_text.as_str(),
            i.effective_from.as_str(),
            if i.repealed { "废止" } else { "有效" },
        ];
        for (c, v) in (0u16..).zip(cells) {
            sheet.write_string(r, c, v).map_err(xl)?;
        }
    }
    book.save_to_buffer().map_err(xl)
}
