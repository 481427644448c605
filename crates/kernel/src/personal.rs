//! Personal data (个人信息) in free Chinese text: resident ID numbers, mobile and landline
//! numbers, bank card numbers, USCCs, e-mail addresses, home addresses, the party names the
//! caller supplies and (`person_names`) other people's names in running text. Numbers are found
//! as people type them (330681 1965 0509 0879, 139-1234-5678, +86 139 1234 5678,
//! （0575）8700 1234, 6222 0212 3456 7890 128, full-width digits) and count only when their
//! check character or shape holds after normalising, so a case number, a date or an amount is
//! not taken for an ID number.
//!
//! Two uses: `mask` for display (330681********1234, 138****5678) and `redact` for publication,
//! the way published decisions are anonymised: a natural person's name keeps the surname (张某);
//! ID, phone, bank account, e-mail and home address go; legal persons' names and USCCs stay.
//!
//! Long because each format the scanner finds comes with its tests.

use aho_corasick::{AhoCorasick, MatchKind};
use std::sync::OnceLock;

use crate::ids::contact::luhn_valid;
use crate::ids::{Mobile, ResidentId, Uscc};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum PiiKind {
    ResidentId,
    Mobile,
    /// A fixed-line number with its area code: 0575-87001234, （0575）8700 1234.
    Landline,
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
            PiiKind::Landline => "landline",
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

/// Common single-character surnames (about 300 of the 百家姓 in use), to tell a name the
/// tagger guessed from a word it did not know. Rare surnames that mostly begin ordinary words
/// (银, 和, 时, 国, 海 …) are left out: the tagger guesses 银行卡 a name.
const SURNAMES: &str = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付傅方白邹孟熊秦邱江尹薛闫阎段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤常温康施文牛樊葛邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹欧耿关兰焦俞左柳甘祝包宁尚舒阮柯纪梅童凌毕季裴霍涂成苗谷盛曲翁冉骆蓝游辛靳柴蒙鲍华喻祁蒲房滕屈饶牟艾尤阳穆司卓古吉缪车项连芦麦褚娄窦戚岑景宫卜冷晏卫米柏宗瞿桂佟臧闵苟邬卞姬仇栾隋刁沙荣巫寇桑郎甄丛仲虞敖巩佘池查麻苑迟邝官匡鞠惠荆冀郁胥南栗燕楚鄢谌奚粟冼蔺楼厉伊仝郜阚强帅屠朴廉禹祖漆丰卿狄晋云容敬扈晁芮阙浦鹿邸雍辜羊裘亓邰赫杭逯茹诸慕嵇湛戎茅檀昝尧竺钭寿";

/// Words that introduce a person other than the parties' organisations: 其妻李秀英, 证人王某某.
const PERSON_CUES: &[&str] = &[
    "其妻",
    "其夫",
    "其子",
    "其女",
    "其父",
    "其母",
    "其兄",
    "其弟",
    "其姐",
    "其妹",
    "妻子",
    "丈夫",
    "儿子",
    "女儿",
    "父亲",
    "母亲",
    "证人",
    "委托代理人",
    "法定代理人",
    "代理人",
    "当事人",
    "联系人",
    "负责人",
    "经办人",
    "员工",
    "雇员",
    "店员",
    "邻居",
    "经营者",
    "投诉人",
    "举报人",
    "申请人",
    "受害人",
    "监护人",
    "股东",
    "店主",
    "户主",
    "消费者",
    "顾客",
    "驾驶员",
    "司机",
];

/// A name followed by one of these (张三食品店, 李家村) is part of an organisation's or a
/// place's name, which stays.
const ORG_ENDINGS: &[&str] = &[
    "公司", "店", "厂", "行", "部", "社", "局", "所", "院", "馆", "站", "中心", "会", "场", "坊",
    "铺", "吧", "室", "处", "队", "委", "办", "府", "村", "镇", "乡", "街道", "县", "市", "省",
    "区", "路", "街", "港", "城", "法", "条例", "规定", "办法",
];

/// Endings of words that are not names though the tagger may guess so.
const NOT_NAME_ENDINGS: &str = "卡号证书单费款额率品物器机表码类型件案罪期";

/// Words of legal documents the tagger takes for names (陈述/nr) — and amounts in capital
/// numerals (伍佰元整/nr): never a person.
fn document_word(name: &str) -> bool {
    const WORDS: &[&str] = &[
        "陈述", "陈列", "陈设", "陈旧", "高于", "于是", "关于", "万元", "方可", "周知",
    ];
    const CAPITAL_NUMERALS: &str = "零壹贰叁肆伍陆柒捌玖拾佰仟万亿元圆整角分";
    WORDS.contains(&name) || name.chars().all(|c| CAPITAL_NUMERALS.contains(c))
}

/// Characters the tagger glues to the end of a name it guessed (张三于2023年): trimmed off.
const TRAILING_FUNCTION_CHARS: &str = "于在对向将因和与及等系称是为的了已未也即就曾均把被从自所到";

fn jieba() -> &'static jieba_rs::Jieba {
    static J: OnceLock<jieba_rs::Jieba> = OnceLock::new();
    J.get_or_init(jieba_rs::Jieba::new)
}

fn is_han(c: char) -> bool {
    ('\u{4E00}'..='\u{9FFF}').contains(&c) || ('\u{3400}'..='\u{4DBF}').contains(&c)
}

/// The surname a name starts with, if it starts with a known one.
fn surname_of(name: &str) -> Option<&str> {
    if let Some(s) = COMPOUND_SURNAMES.iter().find(|s| name.starts_with(**s)) {
        return Some(s);
    }
    let first = name.chars().next()?;
    SURNAMES.contains(first).then(|| &name[..first.len_utf8()])
}

/// 王某某, 王某, 欧阳某: already anonymised; redaction leaves it as it is.
pub fn is_anonymised(name: &str) -> bool {
    let surname = COMPOUND_SURNAMES
        .iter()
        .find(|s| name.starts_with(**s) && name.chars().count() > 2)
        .map_or_else(
            || name.chars().next().map_or(0, char::len_utf8),
            |s| s.len(),
        );
    name[surname..].contains('某')
}

fn is_name_tag(tag: &str) -> bool {
    matches!(tag, "nr" | "nrfg" | "nrt")
}

/// Names of natural people in running text that the caller did not list as parties: what the
/// tagger (jieba's part-of-speech `nr`) takes for a person's name and what follows a word that
/// introduces a person (其妻, 证人, 委托代理人, 员工 …), if it starts with a known surname, is
/// two to four characters and is not the start of an organisation's or place's name
/// (张三食品店, 李家村) or inside a law's title (《…》). Names already anonymised (王某某) are
/// not reported.
///
/// Slower than `scan` (it segments the text; see BENCHMARKS.md): `scan` does not apply it,
/// `redact` and `scan_with_names` do. The tagger's dictionary loads once, on first use.
pub fn person_names(text: &str) -> Vec<Finding> {
    let tags = jieba().tag(text, true);
    let mut out = Vec::new();
    let mut in_title = false;
    let mut cue_before = false;
    let mut k = 0;
    while k < tags.len() {
        let t = &tags[k];
        match t.word {
            "《" | "〈" => in_title = true,
            "》" | "〉" => in_title = false,
            _ => {}
        }
        let after_cue = cue_before;
        cue_before = PERSON_CUES.contains(&t.word)
            || (cue_before && matches!(t.word, "：" | ":" | " " | "\u{3000}"));
        if in_title || !t.word.chars().all(is_han) {
            k += 1;
            continue;
        }
        // 欧阳/ns 娜娜/nrt: a compound surname and a given name the tagger split.
        let start = t.byte_start;
        let mut end = t.byte_end;
        let mut tagged = is_name_tag(t.tag);
        let mut used = 1;
        if let Some(next) = tags.get(k + 1)
            && next.byte_start == end
            && next.word.chars().all(is_han)
        {
            let compound = COMPOUND_SURNAMES.contains(&t.word)
                && next.word.chars().count() <= 2
                && (is_name_tag(next.tag) || after_cue);
            // 王/nr 某某/r: a single surname and 某.
            let mou = t.word.chars().count() == 1 && next.word.starts_with('某');
            if compound || mou {
                end = next.byte_end;
                tagged = true;
                used = 2;
            }
        }
        // After a cue, a word the dictionary does not know may be a name the tagger missed.
        let unknown_after_cue = after_cue && used == 1 && !jieba().has_word(t.word);
        if !(tagged || unknown_after_cue) {
            k += used;
            continue;
        }
        let mut name = &text[start..end];
        while name.chars().count() > 2
            && name
                .chars()
                .last()
                .is_some_and(|c| TRAILING_FUNCTION_CHARS.contains(c))
        {
            let cut = name.char_indices().last().map_or(name.len(), |(i, _)| i);
            name = &name[..cut];
        }
        end = start + name.len();
        let chars = name.chars().count();
        let ends_org = |w: &str| ORG_ENDINGS.iter().any(|e| w.ends_with(e));
        // Not a name: one ending like an organisation's or a place's, or followed by nouns up to
        // the next verb or punctuation that end so (张三/nr 食品店/n, 李家/nrfg 村/zg).
        let org = ends_org(name)
            || name
                .chars()
                .last()
                .is_some_and(|c| NOT_NAME_ENDINGS.contains(c))
            || tags[k + used..]
                .iter()
                .take(3)
                .take_while(|n| n.tag.starts_with('n') || matches!(n.tag, "vn" | "zg" | "k" | "b"))
                .any(|n| ends_org(n.word));
        if (2..=4).contains(&chars)
            && surname_of(name).is_some_and(|s| s.len() < name.len())
            && !org
            && !document_word(name)
            && !is_anonymised(name)
        {
            out.push(Finding {
                kind: PiiKind::PersonName,
                start,
                end,
                text: name.to_string(),
            });
        }
        k += used;
    }
    out
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

/// One character of a number as typed: an ASCII letter or digit, a full-width digit (０–９) or a
/// full-width X (Ｘ ｘ). Returns the ASCII character and the length in bytes.
#[inline]
fn unit_at(b: &[u8], i: usize) -> Option<(u8, usize)> {
    let c = *b.get(i)?;
    if c.is_ascii_alphanumeric() {
        return Some((c, 1));
    }
    if c != 0xEF {
        return None;
    }
    match (b.get(i + 1).copied(), b.get(i + 2).copied()) {
        (Some(0xBC), Some(d @ 0x90..=0x99)) => Some((b'0' + (d - 0x90), 3)),
        (Some(0xBC), Some(0xB8)) => Some((b'X', 3)),
        (Some(0xBD), Some(0x98)) => Some((b'x', 3)),
        _ => None,
    }
}

/// A single separator people type between digit groups: a space, `-`, a full-width space or
/// hyphen, a no-break space. Returns its length in bytes.
#[inline]
fn separator_at(b: &[u8], i: usize) -> Option<usize> {
    match b.get(i)? {
        b' ' | b'-' => Some(1),
        0xE3 if b.get(i + 1) == Some(&0x80) && b.get(i + 2) == Some(&0x80) => Some(3),
        0xEF if b.get(i + 1) == Some(&0xBC) && b.get(i + 2) == Some(&0x8D) => Some(3),
        0xC2 if b.get(i + 1) == Some(&0xA0) => Some(2),
        _ => None,
    }
}

/// The byte position of `(`/`（` (or `+`/`＋`) just before `i`.
fn opener_before(b: &[u8], i: usize, ascii: u8, full: [u8; 3]) -> Option<usize> {
    if i >= 1 && b[i - 1] == ascii {
        Some(i - 1)
    } else if i >= 3 && b[i - 3..i] == full {
        Some(i - 3)
    } else {
        None
    }
}

/// The length of `)`/`）` at `i`.
fn closer_at(b: &[u8], i: usize) -> Option<usize> {
    if b.get(i) == Some(&b')') {
        Some(1)
    } else if b.get(i..i + 3) == Some(&[0xEF, 0xBC, 0x89]) {
        Some(3)
    } else {
        None
    }
}

/// The longest number any kind takes: a 19-digit bank card.
const MAX_DIGITS: usize = 19;

/// A maximal run of number characters, with its characters normalised to ASCII.
#[derive(Clone, Copy)]
struct Run {
    start: usize,
    end: usize,
    /// Characters in the run (may exceed `MAX_DIGITS`; then `chars` holds only the first ones).
    n: usize,
    chars: [u8; MAX_DIGITS],
    /// Digits only, except perhaps a final X.
    pure: bool,
    /// Ends in X (a resident ID's check character).
    x: bool,
    ascii: bool,
}

impl Run {
    fn text(&self) -> &str {
        std::str::from_utf8(&self.chars[..self.n.min(MAX_DIGITS)]).unwrap_or("")
    }
}

fn read_run(b: &[u8], mut i: usize) -> Run {
    let mut r = Run {
        start: i,
        end: i,
        n: 0,
        chars: [0; MAX_DIGITS],
        pure: true,
        x: false,
        ascii: true,
    };
    let mut letters = 0usize;
    while let Some((c, len)) = unit_at(b, i) {
        if r.n < MAX_DIGITS {
            r.chars[r.n] = c;
        }
        r.n += 1;
        r.ascii &= len == 1;
        r.x = matches!(c, b'X' | b'x');
        if !c.is_ascii_digit() {
            letters += 1;
        }
        i += len;
    }
    r.end = i;
    r.pure = letters == 0 || (letters == 1 && r.x);
    r
}

/// A run glued to '@' or '.' belongs to an e-mail address, a file name or a decimal amount.
fn glued(b: &[u8], r: &Run) -> bool {
    (r.start > 0 && matches!(b[r.start - 1], b'@' | b'.'))
        || b.get(r.end) == Some(&b'@')
        || (b.get(r.end) == Some(&b'.') && b.get(r.end + 1).is_some_and(u8::is_ascii_alphanumeric))
}

/// A run of digits in a chain of groups, with how it is joined to the group before.
#[derive(Clone, Copy)]
struct Group {
    run: Run,
    /// Joined to the group before by `)`/`）` (the one before is an area code in brackets).
    after_bracket: bool,
}

/// Digit groups joined by single separators: `330681 1965 0509 0879`, `+86 139-1234-5678`,
/// `（0575）8700 1234`.
struct Chain {
    groups: Vec<Group>,
    /// Where a `+`/`＋` stands right before the first group.
    plus: Option<usize>,
    /// Where the `(`/`（` of a bracketed first group stands.
    bracket: Option<usize>,
}

fn lens_are(groups: &[Group], patterns: &[&[usize]]) -> bool {
    patterns
        .iter()
        .any(|p| p.len() == groups.len() && p.iter().zip(groups).all(|(n, g)| *n == g.run.n))
}

/// How a mobile number is grouped: 13912345678, 139 1234 5678, 139 12345678, 1391234 5678.
const MOBILE_GROUPS: &[&[usize]] = &[&[11], &[3, 4, 4], &[3, 8], &[7, 4]];
/// How a local number is grouped: 8700123, 87001234, 870 0123, 8700 1234, 8700 123.
const LOCAL_GROUPS: &[&[usize]] = &[&[7], &[8], &[3, 4], &[4, 4], &[4, 3]];

/// 3–4 digits starting 0: 010, 02x, or 0[3-9]xx.
fn area_code(g: &Group) -> bool {
    let c = &g.run.chars;
    !g.run.x
        && match g.run.n {
            3 => c[0] == b'0' && ((c[1] == b'1' && c[2] == b'0') || c[1] == b'2'),
            4 => c[0] == b'0' && matches!(c[1], b'3'..=b'9'),
            _ => false,
        }
}

fn landline(area: &Group, local: &[Group]) -> bool {
    area_code(area)
        && lens_are(local, LOCAL_GROUPS)
        && local.iter().all(|g| !g.run.x)
        && local
            .first()
            .is_some_and(|g| matches!(g.run.chars[0], b'2'..=b'9'))
}

fn join(groups: &[Group], buf: &mut [u8; MAX_DIGITS + 4]) -> Option<usize> {
    let mut n = 0;
    for g in groups {
        let k = g.run.n;
        buf.get_mut(n..n + k)?
            .copy_from_slice(g.run.chars.get(..k)?);
        n += k;
    }
    Some(n)
}

impl Chain {
    /// What groups `i..=j` make together, and where the finding starts.
    fn classify(&self, i: usize, j: usize) -> Option<(PiiKind, usize)> {
        let gs = &self.groups[i..=j];
        let start = gs[0].run.start;
        let mut buf = [0u8; MAX_DIGITS + 4];
        let n = join(gs, &mut buf)?;
        let s = std::str::from_utf8(&buf[..n]).ok()?;
        let plus = if i == 0 { self.plus } else { None };
        if i == 0 && j > 0 && gs[1].after_bracket {
            // (0575)87001234: nothing but a landline crosses the bracket.
            return landline(&gs[0], &gs[1..])
                .then_some((PiiKind::Landline, self.bracket.unwrap_or(start)));
        }
        if j > 0 && gs[1..].iter().any(|g| g.after_bracket) {
            return None;
        }
        if let Some(p) = plus
            && s.starts_with("86")
        {
            // +8613912345678, +86 139 1234 5678: the country code counts only after '+'.
            let rest_grouped = if gs[0].run.n == 2 {
                lens_are(&gs[1..], MOBILE_GROUPS)
            } else {
                gs.len() == 1 && n == 13
            };
            if rest_grouped && Mobile::parse(&s[2..]).is_ok() {
                return Some((PiiKind::Mobile, p));
            }
        }
        if gs.len() == 1 {
            let r = &gs[0].run;
            if r.n < 11 {
                return None;
            }
            return classify_run(s).map(|k| (k, start));
        }
        if n == 18 && ResidentId::parse(s).is_ok() {
            return Some((PiiKind::ResidentId, start));
        }
        if gs.iter().any(|g| g.run.x) {
            return None;
        }
        if n == 11 && lens_are(gs, MOBILE_GROUPS) && Mobile::parse(s).is_ok() {
            return Some((PiiKind::Mobile, start));
        }
        if landline(&gs[0], &gs[1..]) {
            return Some((PiiKind::Landline, start));
        }
        let (last, body) = gs.split_last()?;
        if (16..=MAX_DIGITS).contains(&n)
            && body.len() >= 3
            && body.iter().all(|g| g.run.n == 4)
            && (1..=4).contains(&last.run.n)
            && luhn_valid(&buf[..n])
        {
            return Some((PiiKind::BankCard, start));
        }
        None
    }

    /// Takes the longest number starting at each group, left to right.
    fn resolve(&self, text: &str, out: &mut Vec<Finding>) {
        let mut i = 0;
        while i < self.groups.len() {
            let mut best = None;
            let mut total = 0;
            for j in i..self.groups.len() {
                total += self.groups[j].run.n;
                if total > MAX_DIGITS {
                    break;
                }
                if let Some(found) = self.classify(i, j) {
                    best = Some((j, found));
                }
            }
            match best {
                Some((j, (kind, start))) => {
                    let end = self.groups[j].run.end;
                    out.push(Finding {
                        kind,
                        start,
                        end,
                        text: text[start..end].to_string(),
                    });
                    i = j + 1;
                }
                None => i += 1,
            }
        }
    }
}

/// Numbers as people type them: plain runs, and digit groups joined by single separators, in
/// full-width digits or ASCII. Each is confirmed by its check character (resident ID, bank card)
/// or its shape (mobile 1[3-9]…, landline 0…-[2-9]…) after normalising; the finding's span is
/// the original text, separators included.
fn numbers(text: &str, out: &mut Vec<Finding>) {
    let b = text.as_bytes();
    let mut chain = Chain {
        groups: Vec::new(),
        plus: None,
        bracket: None,
    };
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        if !(c.is_ascii_alphanumeric() || c == 0xEF) {
            i += 1;
            continue;
        }
        if unit_at(b, i).is_none() {
            i += 1;
            continue;
        }
        let run = read_run(b, i);
        i = run.end;
        if glued(b, &run) {
            continue;
        }
        if !run.pure {
            if run.n >= 11 && run.n <= MAX_DIGITS {
                let s = if run.ascii {
                    &text[run.start..run.end]
                } else {
                    run.text()
                };
                if let Some(kind) = classify_run(s) {
                    out.push(Finding {
                        kind,
                        start: run.start,
                        end: run.end,
                        text: text[run.start..run.end].to_string(),
                    });
                }
            }
            continue;
        }
        chain.groups.clear();
        chain.plus = opener_before(b, run.start, b'+', [0xEF, 0xBC, 0x8B]);
        chain.bracket = opener_before(b, run.start, b'(', [0xEF, 0xBC, 0x88]);
        chain.groups.push(Group {
            run,
            after_bracket: false,
        });
        let mut at = run.end;
        let mut last = run;
        loop {
            if last.x {
                break;
            }
            let mut k = at;
            let mut after_bracket = false;
            if chain.groups.len() == 1
                && chain.bracket.is_some()
                && let Some(l) = closer_at(b, k)
            {
                k += l;
                after_bracket = true;
                k += separator_at(b, k).unwrap_or(0);
            } else if let Some(l) = separator_at(b, k) {
                k += l;
            } else {
                break;
            }
            match unit_at(b, k) {
                Some((c, _)) if c.is_ascii_digit() => {}
                _ => break,
            }
            let next = read_run(b, k);
            if !next.pure || glued(b, &next) {
                break;
            }
            chain.groups.push(Group {
                run: next,
                after_bracket,
            });
            at = next.end;
            last = next;
        }
        if chain.groups.len() == 1 && run.n < 11 {
            continue;
        }
        chain.resolve(text, out);
        i = at;
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

/// Finds personal data in `text`, sorted by position, without overlaps: numbers (resident ID,
/// mobile, landline, bank card, USCC) as people type them, e-mail addresses, home addresses and
/// the parties' names. The fast scan: it does not look for other people's names in running
/// text; `scan_with_names` (and `redact`) add those from `person_names`.
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
    without_overlaps(out)
}

/// Sorted by position; of overlapping findings the one starting first (the longer one on a tie)
/// is kept.
fn without_overlaps(mut found: Vec<Finding>) -> Vec<Finding> {
    found.sort_by_key(|f| (f.start, std::cmp::Reverse(f.end)));
    let mut kept: Vec<Finding> = Vec::with_capacity(found.len());
    for f in found {
        if kept.last().is_none_or(|k| f.start >= k.end) {
            kept.push(f);
        }
    }
    kept
}

/// `scan` and `person_names` together: everything `redact` removes or shortens.
pub fn scan_with_names(text: &str, parties: &[Party]) -> Vec<Finding> {
    let mut found = scan(text, parties);
    found.extend(person_names(text));
    without_overlaps(found)
}

impl Finding {
    /// The number as written without separators, in ASCII digits (a resident ID's X upper
    /// case; a mobile without +86; a landline as area-local, 0575-87001234); other kinds as found.
    pub fn normalised(&self) -> String {
        let b = self.text.as_bytes();
        let mut groups: Vec<String> = Vec::new();
        let mut i = 0;
        let mut in_group = false;
        while i < b.len() {
            match unit_at(b, i) {
                Some((c, len)) => {
                    if !in_group {
                        groups.push(String::new());
                        in_group = true;
                    }
                    if let Some(g) = groups.last_mut() {
                        g.push(char::from(c.to_ascii_uppercase()));
                    }
                    i += len;
                }
                None => {
                    in_group = false;
                    i += 1;
                }
            }
        }
        match self.kind {
            PiiKind::ResidentId | PiiKind::BankCard | PiiKind::Uscc => groups.concat(),
            PiiKind::Mobile => {
                let all = groups.concat();
                if self.text.trim_start().starts_with(['+', '＋']) && all.len() == 13 {
                    all[2..].to_string()
                } else {
                    all
                }
            }
            PiiKind::Landline => match groups.split_first() {
                Some((area, local)) => format!("{area}-{}", local.concat()),
                None => String::new(),
            },
            _ => self.text.clone(),
        }
    }
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
        PiiKind::ResidentId => ResidentId::parse(&f.normalised())
            .ok()
            .map(|id| id.masked()),
        PiiKind::Mobile => Mobile::parse(&f.normalised()).ok().map(|m| m.masked()),
        PiiKind::Landline => {
            // 0575-****1234: the area code and the last four digits, like 138****5678.
            let n = f.normalised();
            let (area, local) = n.split_once('-')?;
            let keep = local.len().checked_sub(4)?;
            Some(format!("{area}-{}{}", "*".repeat(keep), &local[keep..]))
        }
        PiiKind::BankCard => crate::ids::BankCard::parse(&f.normalised())
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
/// Applies `scan` and `person_names` (`scan_with_names`): a person's name, a party's or
/// anyone else's, becomes surname+某 (a name already so, 王某某, stays as it is); numbers,
/// e-mail addresses and home addresses become （略）.
pub fn redact(text: &str, parties: &[Party]) -> Redacted {
    let findings = scan_with_names(text, parties);
    let text = rewrite(text, &findings, |f| match f.kind {
        PiiKind::Uscc => None,
        PiiKind::PersonName if is_anonymised(&f.text) => None,
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

    /// The one finding in `text`, with its kind and exact byte span.
    fn only(text: &str) -> (PiiKind, &str, usize) {
        let found = scan(text, &[]);
        assert_eq!(found.len(), 1, "{text}: {found:?}");
        let f = &found[0];
        assert_eq!(f.text, text[f.start..f.end], "{text}");
        (f.kind, &text[f.start..f.end], f.start)
    }

    #[test]
    fn resident_ids_in_groups_and_full_width() {
        for (text, id) in [
            ("身份证号330681 1965 0509 0879，", "330681 1965 0509 0879"),
            ("身份证号：330681-19650509-0879。", "330681-19650509-0879"),
            (
                "身份证号330681\u{3000}19650509\u{3000}0879",
                "330681\u{3000}19650509\u{3000}0879",
            ),
            (
                "证号３３０６８１１９６５０５０９０８７９号",
                "３３０６８１１９６５０５０９０８７９",
            ),
            (
                "证号３３０６８１１９６５０５０９１０２Ｘ号",
                "３３０６８１１９６５０５０９１０２Ｘ",
            ),
            ("证号33068119650509102ｘ号", "33068119650509102ｘ"),
            ("证号330681 1965 0509 102X号", "330681 1965 0509 102X"),
        ] {
            let (kind, span, start) = only(text);
            assert_eq!((kind, span), (PiiKind::ResidentId, id), "{text}");
            assert_eq!(start, text.find(id).unwrap_or(usize::MAX));
        }
        let f = &scan("号３３０６８１ １９６５ ０５０９ １０２ｘ", &[])[0];
        assert_eq!(f.normalised(), "33068119650509102X");
        // One digit off: the check character fails.
        assert!(scan("身份证号330681 1965 0509 0878，", &[]).is_empty());
    }

    #[test]
    fn mobiles_as_typed() {
        for (text, mobile) in [
            ("电话139-1234-5678。", "139-1234-5678"),
            ("电话 139 1234 5678 。", "139 1234 5678"),
            ("电话+86 139 1234 5678，", "+86 139 1234 5678"),
            ("电话+86-13912345678，", "+86-13912345678"),
            ("电话+8613912345678，", "+8613912345678"),
            ("电话＋86 139-1234-5678，", "＋86 139-1234-5678"),
            ("电话１３９１２３４５６７８，", "１３９１２３４５６７８"),
            ("电话139 12345678，", "139 12345678"),
            ("（13912345678）", "13912345678"),
        ] {
            let (kind, span, _) = only(text);
            assert_eq!((kind, span), (PiiKind::Mobile, mobile), "{text}");
        }
        // 86 without '+' is not a country code.
        assert!(scan("编号8613912345678", &[]).is_empty());
        assert!(
            scan("编号86 139 1234 5678", &[])
                .iter()
                .all(|f| f.text == "139 1234 5678")
        );
        // Not a mobile prefix; grouped oddly.
        assert!(scan("电话129-1234-5678", &[]).is_empty());
        assert!(scan("电话13-91234-5678", &[]).is_empty());
        assert_eq!(
            scan("电话+86 139 1234 5678", &[])[0].normalised(),
            "13912345678"
        );
    }

    #[test]
    fn landlines_with_an_area_code() {
        for (text, phone, normal) in [
            ("电话0575-87001234。", "0575-87001234", "0575-87001234"),
            ("电话(0575)87001234。", "(0575)87001234", "0575-87001234"),
            (
                "电话（0575）8700 1234。",
                "（0575）8700 1234",
                "0575-87001234",
            ),
            ("电话0571-8888888，", "0571-8888888", "0571-8888888"),
            ("电话010-62345678，", "010-62345678", "010-62345678"),
            (
                "电话０５７５－８７００１２３４，",
                "０５７５－８７００１２３４",
                "0575-87001234",
            ),
            ("电话0575 8700-1234，", "0575 8700-1234", "0575-87001234"),
        ] {
            let (kind, span, _) = only(text);
            assert_eq!((kind, span), (PiiKind::Landline, phone), "{text}");
            assert_eq!(scan(text, &[])[0].normalised(), normal);
        }
        assert_eq!(PiiKind::Landline.code(), "landline");
        for not in [
            "电话0575-1234567",   // a local number does not start with 1
            "电话0575-870012",    // six digits
            "电话0575-870012345", // nine digits
            "电话0075-87001234",  // not an area code
            "电话575-87001234",   // no leading 0
            "时间2023-05-09",
        ] {
            assert!(scan(not, &[]).is_empty(), "{not}: {:?}", scan(not, &[]));
        }
    }

    #[test]
    fn bank_cards_in_groups_of_four() {
        for (text, card) in [
            ("卡号6222 0212 3456 7890 128，", "6222 0212 3456 7890 128"),
            ("卡号6222-0212-3456-7890-128，", "6222-0212-3456-7890-128"),
            (
                "卡号６２２２ ０２１２ ３４５６ ７８９０ １２８，",
                "６２２２ ０２１２ ３４５６ ７８９０ １２８",
            ),
            ("卡号6228 4804 0256 4899。", "6228 4804 0256 4899"),
            ("卡号6222021234567890128。", "6222021234567890128"),
        ] {
            let (kind, span, _) = only(text);
            assert_eq!((kind, span), (PiiKind::BankCard, card), "{text}");
        }
        // Luhn fails; not in groups of four.
        assert!(scan("卡号6222 0212 3456 7890 127", &[]).is_empty());
        assert!(scan("卡号622202 1234567890128", &[]).is_empty());
    }

    #[test]
    fn grouped_forms_take_only_single_separators() {
        // Two spaces, or a word between, end the number: nothing is swallowed.
        assert!(scan("330681  1965 0509 0879", &[]).is_empty());
        assert!(scan("139  1234 5678", &[]).is_empty());
        let text = "2023-05-09 139-1234-5678 0575-87001234 8,000.00元";
        let found = scan(text, &[]);
        let got: Vec<(PiiKind, &str)> = found
            .iter()
            .map(|f| (f.kind, &text[f.start..f.end]))
            .collect();
        assert_eq!(
            got,
            vec![
                (PiiKind::Mobile, "139-1234-5678"),
                (PiiKind::Landline, "0575-87001234")
            ]
        );
        let text = "账号 6222 0212 3456 7890 128 1234 电话13912345678 2024";
        let got: Vec<String> = scan(text, &[]).into_iter().map(|f| f.text).collect();
        assert_eq!(got, vec!["6222 0212 3456 7890 128", "13912345678"]);
    }

    #[test]
    fn look_alikes_are_kept() {
        for text in [
            "统一社会信用代码：91330100799655058B。",
            "案号诸市监罚〔2023〕123号",
            "罚款8,000.00元",
            "罚款人民币20000元",
            "货值金额13912345678.50元",
            "序列号SN20230509123456789",
            "编号2023 0509 0001 2345",
            "日期2023-05-09，2023年5月9日",
            "身份证号330681196505090878",
            "卡号6222021234567890127",
            "第13912345678.txt",
        ] {
            let found = scan(text, &[]);
            assert!(
                found.iter().all(|f| f.kind == PiiKind::Uscc),
                "{text}: {found:?}"
            );
        }
        assert_eq!(
            redact("统一社会信用代码：91330100799655058B。", &[]).text,
            "统一社会信用代码：91330100799655058B。"
        );
    }

    #[test]
    fn masking_the_typed_forms() {
        assert_eq!(
            mask(
                "身份证330681 1965 0509 0879，电话+86 139-1234-5678，座机（0575）8700 1234，卡6222 0212 3456 7890 128"
            ),
            "身份证330681********0879，电话139****5678，座机0575-****1234，卡6222***********0128"
        );
        assert_eq!(mask("电话0571-8888888"), "电话0571-***8888");
    }

    #[test]
    fn other_peoples_names_are_found_by_the_tagger_and_their_cues() {
        let text = "其妻李秀英负责收银，证人王某某在场，委托代理人陈国强到场，邻居欧阳娜娜称。";
        let got: Vec<(PiiKind, &str)> = person_names(text)
            .iter()
            .map(|f| (f.kind, &text[f.start..f.end]))
            .collect();
        assert_eq!(
            got,
            vec![
                (PiiKind::PersonName, "李秀英"),
                (PiiKind::PersonName, "陈国强"),
                (PiiKind::PersonName, "欧阳娜娜"),
            ]
        );
        // A name the tagger glues to 于 is cut before it.
        let found = person_names("经查，当事人张三于2023年5月9日销售");
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(found[0].text, "张三");
        // Organisations, places and law titles stay.
        for kept in [
            "诸暨市店口镇人民政府、诸暨市市场监督管理局、诸暨市某某贸易有限公司",
            "张三食品店销售过期食品",
            "违反了《中华人民共和国食品安全法》第三十四条",
            "住所：诸暨市暨阳街道东二村5组18号，李家村",
            "当事人的行为违反了规定，当事人于2023年5月9日",
        ] {
            assert!(
                person_names(kept).is_empty(),
                "{kept}: {:?}",
                person_names(kept)
            );
        }
        assert!(is_anonymised("王某某") && is_anonymised("欧阳某") && !is_anonymised("王明"));
    }

    #[test]
    fn redacting_a_decision_paragraph() {
        let text = "经查，当事人张三于2023年5月9日起在其经营的便利店销售过期食品，其妻李秀英负责收银，证人王某某在场。\
            张三的公民身份号码为330681 1965 0509 0879，联系电话139-1234-5678，店内电话（0575）8700 1234，\
            收款银行卡号6222 0212 3456 7890 128。诸暨市市场监督管理局决定罚款人民币8,000.00元（诸市监罚〔2023〕123号）。";
        let r = redact(
            text,
            &[Party {
                name: "张三",
                kind: PartyKind::Person,
            }],
        );
        assert_eq!(
            r.text,
            "经查，当事人张某于2023年5月9日起在其经营的便利店销售过期食品，其妻李某负责收银，证人王某某在场。\
            张某的公民身份号码为（略），联系电话（略），店内电话（略），\
            收款银行卡号（略）。诸暨市市场监督管理局决定罚款人民币8,000.00元（诸市监罚〔2023〕123号）。"
        );
        let kinds: Vec<PiiKind> = r.findings.iter().map(|f| f.kind).collect();
        assert_eq!(
            kinds,
            vec![
                PiiKind::PersonName,
                PiiKind::PersonName,
                PiiKind::PersonName,
                PiiKind::ResidentId,
                PiiKind::Mobile,
                PiiKind::Landline,
                PiiKind::BankCard,
            ]
        );
        // A party already anonymised is left as it is.
        let r = redact(
            "当事人王某某销售",
            &[Party {
                name: "王某某",
                kind: PartyKind::Person,
            }],
        );
        assert_eq!(r.text, "当事人王某某销售");
    }
}

#[cfg(test)]
mod document_words {
    use super::*;

    #[test]
    fn the_words_of_a_decision_are_not_names() {
        // Found from outside: 陈述 became 陈某, 伍佰元整 伍某 in a published decision.
        let t = "当事人在法定期限内未提出陈述、申辩，也未要求听证。本机关决定：罚款人民币500.00元（大写：伍佰元整）。当事人陈述称其不知情。当事人陈列商品。";
        let found: Vec<String> = person_names(t).into_iter().map(|f| f.text).collect();
        assert!(found.is_empty(), "{found:?}");
        let found: Vec<String> = person_names("当事人伍佰强经营的店铺")
            .into_iter()
            .map(|f| f.text)
            .collect();
        assert_eq!(found, ["伍佰强"]);
    }
}
