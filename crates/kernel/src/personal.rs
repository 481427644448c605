//! Personal data (个人信息) in free Chinese text: resident ID numbers, mobile numbers, bank card
//! numbers, USCCs, e-mail addresses, home addresses and the party names the caller supplies.
//! Numbers count only when their check character holds, so a case number or an amount is not
//! taken for an ID number.
//!
//! Two uses: `mask` for display (330681********1234, 138****5678) and `redact` for publication,
//! the way published decisions are anonymised: a natural person's name keeps the surname (张某);
//! ID, phone, bank account, e-mail and home address go; legal persons' names and USCCs stay.

use aho_corasick::{AhoCorasick, MatchKind};
use std::sync::OnceLock;

use crate::ids::contact::luhn_valid;
use crate::ids::{Mobile, ResidentId, Uscc};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum PiiKind {
    ResidentId,
    Mobile,
    BankCard,
    Uscc,
    Email,
    Address,
    PersonName,
}

impl PiiKind {
    pub fn code(self) -> &'static str {
        match self {
            PiiKind::ResidentId => "resident_id",
            PiiKind::Mobile => "mobile",
            PiiKind::BankCard => "bank_card",
            PiiKind::Uscc => "uscc",
            PiiKind::Email => "email",
            PiiKind::Address => "address",
            PiiKind::PersonName => "person_name",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Finding {
    pub kind: PiiKind,
    /// Byte offsets into the text.
    pub start: usize,
    pub end: usize,
    pub text: String,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PartyKind {
    /// A natural person: the name is personal data.
    Person,
    /// A legal person or other organisation: the name stays public.
    Organisation,
}

#[derive(Clone, Copy, Debug)]
pub struct Party<'a> {
    pub name: &'a str,
    pub kind: PartyKind,
}

/// Labels after which a natural person's home address follows.
const HOME_LABELS: &[&str] = &[
    "家庭住址",
    "现住址",
    "户籍地址",
    "户籍所在地",
    "居住地",
    "住址",
    "家住",
    "现住",
    "住在",
    "居住在",
    "居住于",
    "暂住",
];
/// Labels that introduce an address of whoever was named last: a home address after a person,
/// a business address (kept) after an organisation.
const PLACE_LABELS: &[&str] = &["住所地", "住所", "地址"];

/// The address labels as one automaton. Fixed patterns always build; were it ever to fail, no
/// address would be found rather than the scanner panicking.
fn labels() -> Option<&'static AhoCorasick> {
    static AC: OnceLock<Option<AhoCorasick>> = OnceLock::new();
    AC.get_or_init(|| {
        let all: Vec<&str> = HOME_LABELS.iter().chain(PLACE_LABELS).copied().collect();
        AhoCorasick::builder()
            .match_kind(MatchKind::LeftmostLongest)
            .build(all)
            .ok()
    })
    .as_ref()
}

/// Compound surnames, so 欧阳娜娜 becomes 欧阳某, not 欧某.
const COMPOUND_SURNAMES: &[&str] = &[
    "欧阳", "司马", "上官", "诸葛", "东方", "皇甫", "尉迟", "公孙", "慕容", "长孙", "宇文", "司徒",
    "夏侯", "轩辕", "令狐", "端木", "独孤", "南宫", "西门", "申屠", "澹台", "公冶", "太史", "呼延",
    "百里",
];

/// 张三 → 张某; 欧阳娜娜 → 欧阳某.
pub fn surname_form(name: &str) -> String {
    let surname = COMPOUND_SURNAMES
        .iter()
        .find(|s| name.starts_with(**s) && name.chars().count() > 2)
        .map_or_else(
            || name.chars().take(1).collect::<String>(),
            |s| (*s).to_string(),
        );
    format!("{surname}某")
}

fn classify_run(run: &str) -> Option<PiiKind> {
    let b = run.as_bytes();
    let digits = b.iter().all(u8::is_ascii_digit);
    match b.len() {
        18 => {
            let id_shape = b[..17].iter().all(u8::is_ascii_digit)
                && (b[17].is_ascii_digit() || b[17] == b'X' || b[17] == b'x');
            if id_shape && ResidentId::parse(run).is_ok() {
                Some(PiiKind::ResidentId)
            } else if Uscc::parse(run).is_ok() && run.bytes().all(|c| !c.is_ascii_lowercase()) {
                Some(PiiKind::Uscc)
            } else if digits && luhn_valid(b) {
                Some(PiiKind::BankCard)
            } else {
                None
            }
        }
        11 if digits && Mobile::parse(run).is_ok() => Some(PiiKind::Mobile),
        16..=19 if digits && luhn_valid(b) => Some(PiiKind::BankCard),
        _ => None,
    }
}

fn is_email_local(c: u8) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, b'.' | b'_' | b'%' | b'+' | b'-')
}

fn is_email_domain(c: u8) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, b'.' | b'-')
}

fn emails(text: &str, out: &mut Vec<Finding>) {
    let b = text.as_bytes();
    let mut from = 0;
    while let Some(off) = b[from..].iter().position(|c| *c == b'@') {
        let at = from + off;
        from = at + 1;
        let mut s = at;
        while s > 0 && is_email_local(b[s - 1]) {
            s -= 1;
        }
        let mut e = at + 1;
        while e < b.len() && is_email_domain(b[e]) {
            e += 1;
        }
        while e > at + 1 && matches!(b[e - 1], b'.' | b'-') {
            e -= 1;
        }
        let domain = &text[at + 1..e];
        if s < at && domain.contains('.') && !domain.starts_with('.') {
            out.push(Finding {
                kind: PiiKind::Email,
                start: s,
                end: e,
                text: text[s..e].to_string(),
            });
        }
    }
}

fn numbers(text: &str, out: &mut Vec<Finding>) {
    let b = text.as_bytes();
    let mut i = 0;
    while i < b.len() {
        if !b[i].is_ascii_alphanumeric() {
            i += 1;
            continue;
        }
        let start = i;
        while i < b.len() && b[i].is_ascii_alphanumeric() {
            i += 1;
        }
        if i - start < 11 {
            continue;
        }
        // A run glued to '@' or '.' belongs to an e-mail address or a file name, not a number.
        let glued = (start > 0 && matches!(b[start - 1], b'@' | b'.'))
            || (i < b.len() && matches!(b[i], b'@'));
        if glued {
            continue;
        }
        let run = &text[start..i];
        if let Some(kind) = classify_run(run) {
            out.push(Finding {
                kind,
                start,
                end: i,
                text: run.to_string(),
            });
        }
    }
}

/// Ends an address at the first punctuation, space or line end.
fn address_end(text: &str, from: usize) -> usize {
    for (i, c) in text[from..].char_indices() {
        if matches!(
            c,
            '，' | '。'
                | '；'
                | '、'
                | ','
                | ';'
                | '\n'
                | '\r'
                | ' '
                | '\t'
                | '（'
                | '('
                | '）'
                | ')'
        ) {
            return from + i;
        }
    }
    text.len()
}

fn addresses(
    text: &str,
    persons: &[(usize, usize)],
    orgs: &[(usize, usize)],
    out: &mut Vec<Finding>,
) {
    let Some(labels) = labels() else { return };
    for m in labels.find_iter(text) {
        let label = &text[m.start()..m.end()];
        let home = HOME_LABELS.contains(&label);
        if !home {
            // Whose address is it? The party named last before the label.
            let last_person = persons
                .iter()
                .filter(|p| p.1 <= m.start())
                .map(|p| p.1)
                .max();
            let last_org = orgs.iter().filter(|p| p.1 <= m.start()).map(|p| p.1).max();
            if last_person.is_none() || last_org > last_person {
                continue;
            }
        }
        let mut s = m.end();
        for sep in ["：", ":", "为", "在"] {
            if text[s..].starts_with(sep) {
                s += sep.len();
                break;
            }
        }
        let e = address_end(text, s);
        if e > s && text[s..e].chars().count() >= 4 {
            out.push(Finding {
                kind: PiiKind::Address,
                start: s,
                end: e,
                text: text[s..e].to_string(),
            });
        }
    }
}

fn occurrences(text: &str, names: &[&str]) -> Vec<(usize, usize, usize)> {
    let names: Vec<&str> = names
        .iter()
        .copied()
        .filter(|n| !n.trim().is_empty())
        .collect();
    if names.is_empty() {
        return Vec::new();
    }
    match AhoCorasick::builder()
        .match_kind(MatchKind::LeftmostLongest)
        .build(&names)
    {
        Ok(ac) => ac
            .find_iter(text)
            .map(|m| (m.start(), m.end(), m.pattern().as_usize()))
            .collect(),
        Err(_) => Vec::new(),
    }
}

/// Finds personal data in `text`, sorted by position, without overlaps.
pub fn scan(text: &str, parties: &[Party]) -> Vec<Finding> {
    let mut out = Vec::new();
    emails(text, &mut out);
    numbers(text, &mut out);
    let names: Vec<&str> = parties.iter().map(|p| p.name.trim()).collect();
    let mut persons = Vec::new();
    let mut orgs = Vec::new();
    for (s, e, p) in occurrences(text, &names) {
        match parties[p].kind {
            PartyKind::Person => {
                persons.push((s, e));
                out.push(Finding {
                    kind: PiiKind::PersonName,
                    start: s,
                    end: e,
                    text: text[s..e].to_string(),
                });
            }
            PartyKind::Organisation => orgs.push((s, e)),
        }
    }
    addresses(text, &persons, &orgs, &mut out);
    out.sort_by_key(|f| (f.start, std::cmp::Reverse(f.end)));
    let mut kept: Vec<Finding> = Vec::with_capacity(out.len());
    for f in out {
        if kept.last().is_none_or(|k| f.start >= k.end) {
            kept.push(f);
        }
    }
    kept
}

fn rewrite(text: &str, findings: &[Finding], with: impl Fn(&Finding) -> Option<String>) -> String {
    let mut out = String::with_capacity(text.len());
    let mut at = 0;
    for f in findings {
        if let Some(r) = with(f) {
            out.push_str(&text[at..f.start]);
            out.push_str(&r);
            at = f.end;
        }
    }
    out.push_str(&text[at..]);
    out
}

/// For display: numbers masked, names and addresses left for the reader who may see them.
pub fn mask(text: &str) -> String {
    let findings = scan(text, &[]);
    rewrite(text, &findings, |f| match f.kind {
        PiiKind::ResidentId => ResidentId::parse(&f.text).ok().map(|id| id.masked()),
        PiiKind::Mobile => Mobile::parse(&f.text).ok().map(|m| m.masked()),
        PiiKind::BankCard => crate::ids::BankCard::parse(&f.text)
            .ok()
            .map(|c| c.masked()),
        PiiKind::Email => f
            .text
            .split_once('@')
            .map(|(l, d)| format!("{}***@{d}", &l[..l.len().min(1)])),
        _ => None,
    })
}

pub const REMOVED: &str = "（略）";

pub struct Redacted {
    pub text: String,
    pub findings: Vec<Finding>,
}

/// For publication: what identifies a natural person goes; organisations and USCCs stay.
pub fn redact(text: &str, parties: &[Party]) -> Redacted {
    let findings = scan(text, parties);
    let text = rewrite(text, &findings, |f| match f.kind {
        PiiKind::Uscc => None,
        PiiKind::PersonName => Some(surname_form(&f.text)),
        _ => Some(REMOVED.to_string()),
    });
    Redacted { text, findings }
}

#[cfg(test)]
mod tests {
    use super::*;

    const DECISION: &str = "当事人：张三，男，1985年3月15日出生，公民身份号码：11010519491231002X，\
        住址：浙江省诸暨市暨阳街道某某路12号，联系电话：13812345678，电子邮箱：zhangsan@example.com。\
        当事人：诸暨市某某贸易有限公司，统一社会信用代码：91330100799655058B，住所：诸暨市店口镇工业区8号。\
        罚款人民币12345678901元，案号诸市监罚〔2023〕123号，缴款账号4111111111111111。";

    fn parties() -> Vec<Party<'static>> {
        vec![
            Party {
                name: "张三",
                kind: PartyKind::Person,
            },
            Party {
                name: "诸暨市某某贸易有限公司",
                kind: PartyKind::Organisation,
            },
        ]
    }

    #[test]
    fn finds_every_kind_and_not_the_amount_or_case_number() {
        let found = scan(DECISION, &parties());
        let kinds: Vec<(PiiKind, &str)> = found.iter().map(|f| (f.kind, f.text.as_str())).collect();
        assert_eq!(
            kinds,
            vec![
                (PiiKind::PersonName, "张三"),
                (PiiKind::ResidentId, "11010519491231002X"),
                (PiiKind::Address, "浙江省诸暨市暨阳街道某某路12号"),
                (PiiKind::Mobile, "13812345678"),
                (PiiKind::Email, "zhangsan@example.com"),
                (PiiKind::Uscc, "91330100799655058B"),
                (PiiKind::BankCard, "4111111111111111"),
            ]
        );
    }

    #[test]
    fn redaction_keeps_the_surname_the_company_and_its_address() {
        let r = redact(DECISION, &parties());
        assert!(r.text.starts_with("当事人：张某，男"), "{}", r.text);
        for gone in [
            "11010519491231002X",
            "13812345678",
            "某某路12号",
            "zhangsan@",
            "4111111111111111",
        ] {
            assert!(!r.text.contains(gone), "{gone} still in {}", r.text);
        }
        for kept in [
            "诸暨市某某贸易有限公司",
            "91330100799655058B",
            "店口镇工业区8号",
            "12345678901元",
            "诸市监罚〔2023〕123号",
        ] {
            assert!(r.text.contains(kept), "{kept} missing from {}", r.text);
        }
    }

    #[test]
    fn a_home_address_in_running_text_is_found_by_its_verb() {
        let found = scan(
            "经查，李四住在诸暨市浣东街道东二村5组18号，系该店经营者。",
            &[],
        );
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].kind, PiiKind::Address);
        assert_eq!(found[0].text, "诸暨市浣东街道东二村5组18号");
    }

    #[test]
    fn masking_for_display() {
        let m = mask("身份证11010519491231002X，电话13812345678");
        assert_eq!(m, "身份证110105********002X，电话138****5678");
    }

    #[test]
    fn numbers_failing_their_check_are_left_alone() {
        // 18 digits with a wrong check character, an 11-digit number not starting 13–19.
        assert!(scan("编号110105194912310021，金额10012345678元", &[]).is_empty());
        assert_eq!(surname_form("欧阳娜娜"), "欧阳某");
        assert_eq!(surname_form("欧阳"), "欧某");
    }
}
