//! Pure checks on organisation input. Each returns the cleaned value or an error naming the
//! field and saying, in Chinese, what is wrong.

use fazhi_store::DataScope;

use crate::access::{AdminKind, Permission};
use crate::org::model::RegionKind;
use crate::{Error, Result};

/// Trims `value` and checks it has 1..=max characters.
pub fn text(field: &'static str, label: &str, value: &str, max: usize) -> Result<String> {
    let v = value.trim();
    if v.is_empty() {
        return Err(Error::invalid(field, format!("请填写{label}。")));
    }
    if v.chars().count() > max {
        return Err(Error::invalid(
            field,
            format!("{label}不能超过 {max} 个字。"),
        ));
    }
    if v.chars().any(char::is_control) {
        return Err(Error::invalid(
            field,
            format!("{label}含有不可见的控制字符。"),
        ));
    }
    Ok(v.to_string())
}

/// Like `text`, for text of several lines (a textarea): each line trimmed, blank lines and
/// `\r` dropped; other control characters refused.
pub fn paragraphs(field: &'static str, label: &str, value: &str, max: usize) -> Result<String> {
    let lines: Vec<&str> = value
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect();
    text(field, label, &lines.join(" "), max)?;
    Ok(lines.join("\n"))
}

/// Like `paragraphs`, but an empty value is `None`.
pub fn optional_paragraphs(
    field: &'static str,
    label: &str,
    value: Option<&str>,
    max: usize,
) -> Result<Option<String>> {
    match value.map(str::trim) {
        None | Some("") => Ok(None),
        Some(v) => paragraphs(field, label, v, max).map(Some),
    }
}

/// Like `text`, but an empty value is `None`.
pub fn optional_text(
    field: &'static str,
    label: &str,
    value: Option<&str>,
    max: usize,
) -> Result<Option<String>> {
    match value.map(str::trim) {
        None | Some("") => Ok(None),
        Some(v) => text(field, label, v, max).map(Some),
    }
}

fn digits(field: &'static str, label: &str, value: &str, lens: &[usize]) -> Result<String> {
    let v = value.trim();
    if !v.chars().all(|c| c.is_ascii_digit()) || !lens.contains(&v.len()) {
        let lens: Vec<String> = lens.iter().map(ToString::to_string).collect();
        return Err(Error::invalid(
            field,
            format!("{label}应为 {} 位数字。", lens.join(" 或 ")),
        ));
    }
    Ok(v.to_string())
}

pub fn region_kind(value: &str) -> Result<RegionKind> {
    RegionKind::parse(value.trim()).ok_or_else(|| {
        Error::invalid(
            "kind",
            "区域类型应为 市（县、区）、镇乡（街道）或 村（社区）。",
        )
    })
}

pub fn division_code(value: &str) -> Result<String> {
    digits("division_code", "行政区划代码", value, &[6])
}

/// A town's statistical code has 9 digits, a village's 12; both begin with the county's code.
pub fn stat_code(value: Option<&str>, kind: RegionKind, division: &str) -> Result<Option<String>> {
    let Some(v) = value.map(str::trim).filter(|v| !v.is_empty()) else {
        return match kind {
            RegionKind::City => Ok(None),
            _ => Err(Error::invalid(
                "stat_code",
                "镇乡（街道）和村（社区）须填写统计用区划代码。",
            )),
        };
    };
    let expected = match kind {
        RegionKind::City => &[12][..],
        RegionKind::Town => &[9],
        RegionKind::Village => &[12],
    };
    let code = digits("stat_code", "统计用区划代码", v, expected)?;
    if !code.starts_with(division) {
        return Err(Error::invalid(
            "stat_code",
            format!("统计用区划代码 {code} 不在行政区划 {division} 之内（应以 {division} 开头）。"),
        ));
    }
    Ok(Some(code))
}

pub fn issuer_abbr(value: Option<&str>) -> Result<Option<String>> {
    let v = optional_text("issuer_abbr", "发文机关简称", value, 16)?;
    if let Some(a) = &v
        && a.chars().any(char::is_whitespace)
    {
        return Err(Error::invalid("issuer_abbr", "发文机关简称不能含空格。"));
    }
    Ok(v)
}

pub fn username(value: &str) -> Result<String> {
    let v = value.trim();
    let ok_chars = v
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-'));
    if !(3..=32).contains(&v.len()) || !ok_chars {
        return Err(Error::invalid(
            "username",
            "用户名应为 3 至 32 位英文字母、数字或 _ . - 。",
        ));
    }
    Ok(v.to_string())
}

pub fn role_code(value: &str) -> Result<String> {
    let v = value.trim();
    let ok = (2..=32).contains(&v.len())
        && v.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
    if !ok {
        return Err(Error::invalid(
            "code",
            "角色代码应为 2 至 32 位小写字母、数字或下划线。",
        ));
    }
    Ok(v.to_string())
}

pub fn data_scope(value: &str) -> Result<DataScope> {
    DataScope::parse(value.trim())
        .ok_or_else(|| Error::invalid("data_scope", "请选择有效的数据权限范围。"))
}

/// Parses permission codes for a business role or a token: administrators' permissions are
/// refused, so no role or token can join two of the three administrators' powers.
pub fn business_permissions(codes: &[String]) -> Result<Vec<Permission>> {
    let mut out = Vec::new();
    for code in codes {
        let p = Permission::parse(code.trim())
            .ok_or_else(|| Error::invalid("permissions", format!("未知的权限：{code}")))?;
        if let Some(kind) = p.admin_kind() {
            return Err(Error::invalid(
                "permissions",
                format!(
                    "“{}”属于{}，只能通过内置的{}角色授予（三员分立）。",
                    p.label_zh(),
                    kind.label_zh(),
                    kind.label_zh()
                ),
            ));
        }
        if !out.contains(&p) {
            out.push(p);
        }
    }
    Ok(out)
}

/// A user holds at most one administrator role, and an administrator holds no other role.
pub fn role_assignment(admin_kinds: &[Option<AdminKind>]) -> Result<()> {
    let admins = admin_kinds.iter().filter(|k| k.is_some()).count();
    if admins > 1 || (admins == 1 && admin_kinds.len() > 1) {
        return Err(Error::invalid(
            "roles",
            "三员分立：系统管理员、安全管理员、审计管理员角色不能兼任，也不能与其他业务角色同时授予。",
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paragraphs_keep_their_lines_and_refuse_other_control_characters() {
        assert_eq!(
            paragraphs("p", "问题", "  一、装订不规范\r\n\n  二、超期决定 ", 100).ok(),
            Some("一、装订不规范\n二、超期决定".to_string())
        );
        assert!(paragraphs("p", "问题", "\n \n", 100).is_err());
        assert!(paragraphs("p", "问题", "一\u{7}二", 100).is_err());
        assert!(paragraphs("p", "问题", &"字".repeat(101), 100).is_err());
        assert_eq!(
            optional_paragraphs("p", "问题", Some("  "), 10).ok(),
            Some(None)
        );
    }

    #[test]
    fn statistical_codes_must_fit_kind_and_county() {
        assert_eq!(
            stat_code(Some("330681104"), RegionKind::Town, "330681")
                .ok()
                .flatten(),
            Some("330681104".to_string())
        );
        assert!(stat_code(Some("330682104"), RegionKind::Town, "330681").is_err());
        assert!(stat_code(Some("33068110"), RegionKind::Town, "330681").is_err());
        assert!(stat_code(None, RegionKind::Village, "330681").is_err());
        assert!(matches!(
            stat_code(None, RegionKind::City, "330681"),
            Ok(None)
        ));
    }

    #[test]
    fn administrators_permissions_never_go_to_business_roles() {
        assert!(business_permissions(&["org.read".into()]).is_ok());
        assert!(business_permissions(&["audit.read".into()]).is_err());
        assert!(business_permissions(&["nonsense".into()]).is_err());
    }

    #[test]
    fn one_administrator_role_at_most_and_alone() {
        assert!(role_assignment(&[Some(AdminKind::Audit)]).is_ok());
        assert!(role_assignment(&[None, None]).is_ok());
        assert!(role_assignment(&[Some(AdminKind::Audit), Some(AdminKind::Security)]).is_err());
        assert!(role_assignment(&[Some(AdminKind::System), None]).is_err());
    }

    #[test]
    fn text_rejects_empty_overlong_and_control_characters() {
        assert!(text("name", "名称", "  ", 5).is_err());
        assert!(text("name", "名称", "一二三四五六", 5).is_err());
        assert!(text("name", "名称", "a\u{7}b", 5).is_err());
        assert_eq!(
            text("name", "名称", " 店口镇 ", 5).ok(),
            Some("店口镇".to_string())
        );
    }
}
