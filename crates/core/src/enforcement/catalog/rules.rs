//! Row checks for catalog imports and forms.

use super::{CatalogKind, ItemKind, ItemVersion};

/// The columns of the import template, in order.
pub const HEADERS: [&str; 10] = [
    "事项编码",
    "事项名称",
    "事项类别",
    "所属清单",
    "实施部门",
    "法律依据",
    "条款",
    "依据原文",
    "生效日期",
    "状态",
];

/// A raw row as read from a sheet: cell texts in `HEADERS` order.
pub type RawRow = Vec<String>;

fn cell(row: &RawRow, i: usize) -> &str {
    row.get(i).map_or("", |s| s.trim())
}

fn text(row: &RawRow, i: usize, max: usize, problems: &mut Vec<String>) -> String {
    let v = cell(row, i);
    if v.is_empty() {
        problems.push(format!("{}为空", HEADERS[i]));
    } else if v.chars().count() > max {
        problems.push(format!("{}超过 {max} 字", HEADERS[i]));
    }
    v.to_string()
}

/// Checks one row; `department` resolves a department name to its id. Returns every problem of
/// the row, joined, so one pass tells the user all that is wrong with it.
pub fn check_row(
    row: &RawRow,
    department: impl Fn(&str) -> Option<i64>,
) -> Result<ItemVersion, String> {
    let mut problems = Vec::new();
    let code = text(row, 0, 64, &mut problems);
    if !code.is_empty()
        && !code
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
    {
        problems.push("事项编码只能含字母、数字、- 和 _".into());
    }
    let name = text(row, 1, 200, &mut problems);
    let kind = ItemKind::parse(cell(row, 2));
    if kind.is_none() {
        problems.push(format!(
            "事项类别“{}”应为 行政处罚、行政强制、行政检查、行政征收 或 其他",
            cell(row, 2)
        ));
    }
    let catalog = CatalogKind::parse(cell(row, 3))
        .filter(|c| matches!(c, CatalogKind::Comprehensive | CatalogKind::Professional));
    if catalog.is_none() {
        problems.push(format!(
            "所属清单“{}”应为 综合执法 或 专业执法",
            cell(row, 3)
        ));
    }
    let department_id = department(cell(row, 4));
    if department_id.is_none() {
        problems.push(format!(
            "实施部门“{}”不存在（应与组织机构中的部门名称一致）",
            cell(row, 4)
        ));
    }
    let law = text(row, 5, 100, &mut problems);
    let article = text(row, 6, 50, &mut problems);
    let basis_text = text(row, 7, 4000, &mut problems);
    let effective_from = fazhi_kernel::date::parse(cell(row, 8));
    if effective_from.is_none() {
        problems.push(format!("生效日期“{}”应为 YYYY-MM-DD", cell(row, 8)));
    }
    let repealed = match cell(row, 9) {
        "" | "有效" => false,
        "废止" => true,
        other => {
            problems.push(format!("状态“{other}”应为 有效 或 废止"));
            false
        }
    };
    match (kind, catalog, department_id, effective_from) {
        (Some(kind), Some(catalog), Some(department_id), Some(effective_from))
            if problems.is_empty() =>
        {
            Ok(ItemVersion {
                code,
                name,
                kind,
                catalog,
                law,
                article,
                basis_text,
                department_id,
                effective_from,
                repealed,
            })
        }
        _ => Err(problems.join("；")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(cells: &[&str]) -> RawRow {
        cells.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn a_good_row_and_every_problem_of_a_bad_one() {
        let dept = |n: &str| (n == "诸暨市市场监督管理局").then_some(7);
        let good = row(&[
            "330217001000",
            "销售不合格产品",
            "行政处罚",
            "专业执法",
            "诸暨市市场监督管理局",
            "《中华人民共和国产品质量法》",
            "第五十条",
            "在产品中掺杂、掺假……",
            "2024-01-01",
            "",
        ]);
        let v = check_row(&good, dept).unwrap();
        assert_eq!(
            (v.kind, v.catalog, v.department_id),
            (ItemKind::Penalty, CatalogKind::Professional, 7)
        );
        let bad = row(&[
            "33 02",
            "",
            "处分",
            "全部",
            "不存在局",
            "法",
            "条",
            "文",
            "2024/01/01",
            "暂停",
        ]);
        let e = check_row(&bad, dept).unwrap_err();
        for part in [
            "事项编码只能含",
            "事项名称为空",
            "事项类别“处分”",
            "所属清单“全部”",
            "实施部门“不存在局”",
            "生效日期“2024/01/01”",
            "状态“暂停”",
        ] {
            assert!(e.contains(part), "{part} missing from {e}");
        }
        // Short forms are accepted: 处罚 / 综合执法.
        let short = row(&[
            "X1",
            "n",
            "处罚",
            "综合执法",
            "诸暨市市场监督管理局",
            "l",
            "a",
            "t",
            "2024-01-01",
            "废止",
        ]);
        assert!(check_row(&short, dept).unwrap().repealed);
    }
}
