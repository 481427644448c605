//! The register's rules as pure functions: what a document's number looks like, how long a
//! document is valid when it does not say, when it must be filed, and which entries of an
//! import line are wrong.

use chrono::{Datelike, NaiveDate};
use fazhi_kernel::period::Period;

use super::{Line, Status};
use crate::{Error, Refusals, Result};

/// Record filing (备案) of a government's normative document with the standing committee of the
/// people's congress above: within 30 days of publication. Source: 《中华人民共和国各级人民代表大会
/// 常务委员会监督法》 (规范性文件 公布后三十日内报送备案) and Zhejiang's filing rules (LAW.md, "Normative
/// documents and rules"; the article number is to be checked against the current texts).
pub const FILING_PERIOD: Period = Period::CalendarDays(30);
pub const FILING_LAW: &str = "《中华人民共和国各级人民代表大会常务委员会监督法》";
pub const FILING_ARTICLE: &str = "规范性文件备案（公布后三十日内）";

/// Default validity: five years; a document called 暂行 or 试行 two (LAW.md; common provincial
/// practice, e.g. 浙江省行政规范性文件管理办法 — configurable per city when a city asks).
pub const VALID_YEARS: i32 = 5;
pub const VALID_YEARS_INTERIM: i32 = 2;

/// Longest title and text accepted, in characters.
const TITLE_MAX: usize = 200;
const TEXT_MAX: usize = 200_000;

/// A document number taken apart: 诸政发〔2023〕5号 → ("诸政发", 2023, 5).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Number {
    pub prefix: String,
    pub year: i32,
    pub seq: u32,
}

impl Number {
    pub fn text(&self) -> String {
        format!("{}〔{}〕{}号", self.prefix, self.year, self.seq)
    }
}

/// Reads a number as people type it: the year in 〔〕, [], ［］, （） or (), the sequence
/// with or without 号; it is written back in the official form with 〔〕.
pub fn parse_number(text: &str) -> Option<Number> {
    let t: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    let open = t.find(['〔', '[', '［', '（', '('])?;
    let prefix = t[..open].to_string();
    let rest = &t[open..];
    let first = rest.chars().next()?;
    let after_open = &rest[first.len_utf8()..];
    let close = after_open.find(['〕', ']', '］', '）', ')'])?;
    let year: i32 = after_open[..close].parse().ok()?;
    let tail = &after_open[close..];
    let closer = tail.chars().next()?;
    let seq_text = tail[closer.len_utf8()..].trim_end_matches('号');
    let seq: u32 = seq_text.parse().ok()?;
    if prefix.is_empty()
        || !prefix.chars().all(|c| !c.is_ascii_punctuation())
        || !(1949..=2100).contains(&year)
        || seq == 0
    {
        return None;
    }
    Some(Number { prefix, year, seq })
}

/// The day a document stops being valid when it does not say: the day before the fifth (or,
/// for 暂行/试行, the second) anniversary of taking effect.
pub fn default_expiry(title: &str, effective_on: NaiveDate) -> NaiveDate {
    let years = if title.contains("暂行") || title.contains("试行") {
        VALID_YEARS_INTERIM
    } else {
        VALID_YEARS
    };
    let anniversary = effective_on
        .with_year(effective_on.year() + years)
        // 29 February: the anniversary falls on 1 March.
        .or_else(|| NaiveDate::from_ymd_opt(effective_on.year() + years, 3, 1))
        .unwrap_or(effective_on);
    anniversary.pred_opt().unwrap_or(anniversary)
}

/// An import line (or a form) checked: every wrong field is named at once.
#[derive(Clone, Debug)]
pub struct Checked {
    pub number: String,
    pub title: String,
    pub issuer: String,
    pub issued_on: NaiveDate,
    pub published_on: Option<NaiveDate>,
    pub effective_on: NaiveDate,
    pub expires_on: NaiveDate,
    pub legal_basis: Vec<String>,
    pub status: Status,
    pub amends: Vec<String>,
    pub repeals: Vec<String>,
    pub text: String,
    pub filed_on: Option<NaiveDate>,
    pub review_id: Option<i64>,
}

fn day(field: &'static str, label: &str, value: Option<&str>) -> Result<Option<NaiveDate>> {
    match value.map(str::trim).filter(|v| !v.is_empty()) {
        None => Ok(None),
        Some(v) => fazhi_kernel::date::parse(v).map(Some).ok_or_else(|| {
            Error::invalid(
                field,
                format!("{label}“{v}”应为 YYYY-MM-DD，例如 2023-03-01。"),
            )
        }),
    }
}

fn numbers(field: &'static str, label: &str, list: &[String]) -> Result<Vec<String>> {
    list.iter()
        .map(|n| {
            parse_number(n).map(|n| n.text()).ok_or_else(|| {
                Error::invalid(
                    field,
                    format!("{label}中的文号“{n}”应形如 诸政发〔2023〕5号。"),
                )
            })
        })
        .collect()
}

pub fn check(line: &Line) -> Result<Checked> {
    let mut r = Refusals::default();
    let number = r.take(parse_number(&line.number).map(|n| n.text()).ok_or_else(|| {
        Error::invalid(
            "number",
            format!("文号“{}”应形如 诸政发〔2023〕5号。", line.number),
        )
    }))?;
    let title = line.title.trim().to_string();
    if title.is_empty() {
        r.push(Error::invalid("title", "请填写文件标题。"));
    } else if title.chars().count() > TITLE_MAX {
        r.push(Error::invalid(
            "title",
            format!("标题不超过 {TITLE_MAX} 字。"),
        ));
    }
    let issuer = line.issuer.trim().to_string();
    if issuer.is_empty() {
        r.push(Error::invalid("issuer", "请填写制定机关。"));
    }
    let text = line.text.trim().to_string();
    if text.is_empty() {
        r.push(Error::invalid("text", "请附上文件全文。"));
    } else if text.chars().count() > TEXT_MAX {
        r.push(Error::invalid(
            "text",
            format!("全文不超过 {TEXT_MAX} 字。"),
        ));
    }
    let issued_on = r
        .take(day("issued_on", "印发日期", Some(&line.issued_on)))?
        .flatten();
    if line.issued_on.trim().is_empty() {
        r.push(Error::invalid("issued_on", "请填写印发日期。"));
    }
    let published_on = r
        .take(day(
            "published_on",
            "公布日期",
            line.published_on.as_deref(),
        ))?
        .flatten();
    let effective_on = r
        .take(day(
            "effective_on",
            "施行日期",
            line.effective_on.as_deref(),
        ))?
        .flatten();
    let expires_on = r
        .take(day("expires_on", "有效期至", line.expires_on.as_deref()))?
        .flatten();
    let filed_on = r
        .take(day("filed_on", "备案日期", line.filed_on.as_deref()))?
        .flatten();
    let status = match line.status.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        None => Some(Status::InForce),
        Some(s) => r.take(Status::parse(s).ok_or_else(|| {
            Error::invalid(
                "status",
                format!("状态“{s}”应为 现行有效、已废止、已失效、拟废止 或 拟修改（in_force、repealed、expired、to_repeal、to_revise）。"),
            )
        }))?,
    };
    let amends = r.take(numbers("amends", "修改的文件", &line.amends))?;
    let repeals = r.take(numbers("repeals", "废止的文件", &line.repeals))?;
    let legal_basis: Vec<String> = line
        .legal_basis
        .iter()
        .map(|b| b.trim().to_string())
        .filter(|b| !b.is_empty())
        .collect();
    if let Some(issued) = issued_on {
        if let Some(p) = published_on.filter(|p| *p < issued) {
            r.push(Error::invalid(
                "published_on",
                format!("公布日期 {p} 早于印发日期 {issued}。"),
            ));
        }
        if let Some(e) = effective_on.filter(|e| *e < issued) {
            r.push(Error::invalid(
                "effective_on",
                format!("施行日期 {e} 早于印发日期 {issued}。"),
            ));
        }
        if let (Some(f), Some(p)) = (filed_on, published_on.or(Some(issued)))
            && f < p
        {
            r.push(Error::invalid(
                "filed_on",
                format!("备案日期 {f} 早于公布日期 {p}。"),
            ));
        }
    }
    let effective = effective_on.or(published_on).or(issued_on);
    if let (Some(x), Some(e)) = (expires_on, effective)
        && x < e
    {
        r.push(Error::invalid(
            "expires_on",
            format!("有效期至 {x} 早于施行日期 {e}。"),
        ));
    }
    if let Some(n) = &number
        && (amends.iter().flatten().any(|a| a == n) || repeals.iter().flatten().any(|a| a == n))
    {
        r.push(Error::invalid("amends", "文件不能修改或废止它自己。"));
    }
    r.finish()?;
    let (Some(number), Some(issued_on), Some(status), Some(amends), Some(repeals), Some(effective)) =
        (number, issued_on, status, amends, repeals, effective)
    else {
        return Err(Error::malformed("normative document line"));
    };
    Ok(Checked {
        number,
        expires_on: expires_on.unwrap_or_else(|| default_expiry(&title, effective)),
        title,
        issuer,
        issued_on,
        published_on,
        effective_on: effective,
        legal_basis,
        status,
        amends,
        repeals,
        text,
        filed_on,
        review_id: line.review_id,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        fazhi_kernel::date::parse(s).unwrap()
    }

    #[test]
    fn numbers_are_read_as_typed_and_written_in_the_official_form() {
        let n = parse_number("诸政发〔2023〕5号").unwrap();
        assert_eq!((n.prefix.as_str(), n.year, n.seq), ("诸政发", 2023, 5));
        assert_eq!(
            parse_number("诸政办发[2021]12").unwrap().text(),
            "诸政办发〔2021〕12号"
        );
        assert_eq!(
            parse_number(" 诸司（2020）3号 ").unwrap().text(),
            "诸司〔2020〕3号"
        );
        for bad in [
            "诸政发2023年5号",
            "〔2023〕5号",
            "诸政发〔23〕5号",
            "诸政发〔2023〕0号",
            "诸政发〔2023〕五号",
        ] {
            assert!(parse_number(bad).is_none(), "{bad}");
        }
    }

    #[test]
    fn validity_is_five_years_or_two_for_an_interim_document() {
        assert_eq!(
            default_expiry("诸暨市城市管理办法", d("2023-04-01")),
            d("2028-03-31")
        );
        assert_eq!(
            default_expiry("诸暨市停车管理暂行办法", d("2023-04-01")),
            d("2025-03-31")
        );
        assert_eq!(default_expiry("试行规定", d("2024-02-29")), d("2026-02-28"));
    }

    fn line() -> Line {
        Line {
            number: "诸政发〔2023〕5号".into(),
            title: "诸暨市城市管理办法".into(),
            issuer: "诸暨市人民政府".into(),
            issued_on: "2023-03-01".into(),
            published_on: Some("2023-03-02".into()),
            effective_on: None,
            expires_on: None,
            legal_basis: vec!["《城市市容和环境卫生管理条例》".into()],
            status: None,
            amends: vec![],
            repeals: vec!["诸政发[2018]3号".into()],
            text: "第一条 为了加强城市管理，制定本办法。".into(),
            filed_on: None,
            review_id: None,
        }
    }

    #[test]
    fn a_good_line_takes_its_defaults() {
        let c = check(&line()).unwrap();
        assert_eq!(
            c.effective_on,
            d("2023-03-02"),
            "in effect from publication"
        );
        assert_eq!(c.expires_on, d("2028-03-01"));
        assert_eq!(c.status, Status::InForce);
        assert_eq!(c.repeals, vec!["诸政发〔2018〕3号".to_string()]);
    }

    #[test]
    fn every_wrong_field_is_named_at_once() {
        let mut l = line();
        l.number = "第5号".into();
        l.title = " ".into();
        l.published_on = Some("2023-02-01".into());
        l.status = Some("作废".into());
        let e = check(&l).unwrap_err();
        let fields: Vec<&str> = e.refused_fields().iter().map(|(f, _)| *f).collect();
        assert_eq!(fields, vec!["number", "title", "status", "published_on"]);
    }
}
