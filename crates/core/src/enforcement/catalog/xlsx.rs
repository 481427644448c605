//! The catalog as Excel: the import template, reading an import, and the export (the same
//! columns, so an export edited and imported again round-trips).

use rust_xlsxwriter::{Format, Workbook, XlsxError};

use super::EnforcementItem;
use super::rules::{HEADERS, RawRow};
use crate::{Error, Result};

fn xl(e: XlsxError) -> Error {
    Error::invalid("xlsx", e.to_string())
}

/// Reads the first sheet against the template's headers (see `crate::xlsx::read`).
pub fn read(bytes: &[u8]) -> Result<Vec<(usize, RawRow)>> {
    crate::xlsx::read(bytes, &HEADERS)
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
