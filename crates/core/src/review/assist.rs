//! Assisted legality review (辅助审查) of a draft, as pure functions: the draft split into its
//! articles; each clause flagged that creates what a normative document may not create — an
//! administrative penalty, a licence or approval, a coercive measure, a fee, an obligation or a
//! restriction on citizens and enterprises, or a restriction of competition — without a
//! higher-level basis cited in the same article (国办发〔2018〕37号《关于加强行政规范性文件制定和
//! 监督管理工作的通知》, 二(一)); the laws it cites checked against the list fazhi knows
//! (`laws.txt`); and a first-round opinion drafted from the flags for the reviewer to edit.
//!
//! The flags are a reviewer's aid, not a verdict: they say which words triggered them, and
//! their precision and recall on a hand-written set (`clauses.txt`) are measured
//! (`fazhi bench assisted-review`, BENCHMARKS.md).

use chrono::NaiveDate;
use serde::Serialize;

/// Where the prohibitions come from.
pub const SOURCE: &str =
    "国办发〔2018〕37号《国务院办公厅关于加强行政规范性文件制定和监督管理工作的通知》";

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Category {
    Penalty,
    Licence,
    Coercion,
    Fee,
    Obligation,
    Competition,
}

impl Category {
    pub const ALL: [Category; 6] = [
        Category::Penalty,
        Category::Licence,
        Category::Coercion,
        Category::Fee,
        Category::Obligation,
        Category::Competition,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Category::Penalty => "penalty",
            Category::Licence => "licence",
            Category::Coercion => "coercion",
            Category::Fee => "fee",
            Category::Obligation => "obligation",
            Category::Competition => "competition",
        }
    }

    pub fn parse(code: &str) -> Option<Category> {
        Category::ALL.into_iter().find(|c| c.code() == code)
    }

    pub fn label_zh(self) -> &'static str {
        match self {
            Category::Penalty => "设定行政处罚",
            Category::Licence => "设定行政许可或审批",
            Category::Coercion => "设定行政强制措施",
            Category::Fee => "设定收费",
            Category::Obligation => "减损权利或者增加义务",
            Category::Competition => "排除、限制公平竞争",
        }
    }
}

/// One article of a draft: its heading (第三条) and text.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Article {
    pub heading: String,
    pub text: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Flag {
    pub article: String,
    pub category: Category,
    /// The words that triggered it, as found in the text.
    pub words: Vec<String>,
    pub clause: String,
}

const NUMERALS: &str = "零〇一二三四五六七八九十百千0123456789";

/// Splits a draft at each "第…条" that starts a line (or the text); text before the first
/// article (title, chapter headings) is dropped. A draft without articles is one article.
pub fn articles(text: &str) -> Vec<Article> {
    let mut out: Vec<Article> = Vec::new();
    for line in text.lines() {
        let t = line.trim();
        if t.is_empty() {
            continue;
        }
        if let Some(heading) = article_heading(t) {
            out.push(Article {
                heading: heading.to_string(),
                text: t[heading.len()..].trim().to_string(),
            });
        } else if let Some(last) = out.last_mut() {
            // A chapter heading (第二章 …) closes nothing; other lines continue the article.
            if !(t.starts_with('第')
                && (t.contains('章') || t.contains('节'))
                && t.chars().count() < 20)
            {
                last.text.push_str(t);
            }
        }
    }
    if out.is_empty() && !text.trim().is_empty() {
        out.push(Article {
            heading: String::new(),
            text: text.trim().to_string(),
        });
    }
    out
}

fn article_heading(line: &str) -> Option<&str> {
    let rest = line.strip_prefix('第')?;
    let digits: usize = rest
        .chars()
        .take_while(|c| NUMERALS.contains(*c))
        .map(char::len_utf8)
        .sum();
    if digits == 0 || !rest[digits..].starts_with('条') {
        return None;
    }
    Some(&line[..'第'.len_utf8() + digits + '条'.len_utf8()])
}

/// The article cites a higher-level basis for what it says: "依照《…》…规定", "依法".
fn has_basis(text: &str) -> bool {
    ["依照《", "依据《", "按照《", "根据《"]
        .iter()
        .any(|p| text.contains(p))
        || text.contains("依照有关法律")
        || text.contains("依照法律、法规")
        || text.contains("依法不予")
        || text.contains("依法实施")
        || text.contains("依法查处")
}

/// `a` followed by `b` within `within` characters.
fn near(text: &str, a: &str, b: &str, within: usize) -> bool {
    text.match_indices(a).any(|(i, _)| {
        let after = &text[i + a.len()..];
        let window: String = after.chars().take(within).collect();
        window.contains(b)
    })
}

fn found<'a>(text: &str, words: &[&'a str]) -> Vec<&'a str> {
    words.iter().copied().filter(|w| text.contains(w)).collect()
}

const PENALTIES: &[&str] = &[
    "罚款",
    "没收",
    "吊销",
    "责令停产停业",
    "责令停业",
    "责令关闭",
    "暂扣",
    "行政拘留",
    "降低资质等级",
    "限制从业",
    "通报批评",
    "给予警告",
    "予以警告",
];
const COERCION: &[&str] = &["查封", "扣押", "冻结", "强制拆除", "强制执行", "强制清除"];
const FEES: &[&str] = &[
    "管理费",
    "服务费",
    "使用费",
    "保证金",
    "押金",
    "收取",
    "缴纳",
    "交纳",
];
const FEE_EXCUSED: &[&str] = &["不得收取", "不得向", "免收", "免费", "不收取", "减免"];
/// Those whom an obligation binds: citizens and enterprises, not the administration.
const GOVERNED: &[&str] = &[
    "单位和个人",
    "任何单位",
    "公民",
    "居民",
    "市民",
    "村民",
    "企业",
    "经营者",
    "个人",
    "业主",
    "商户",
    "人员",
    "申请人",
    "家庭",
    "养犬人",
];
const ADMINISTRATION: &[&str] = &[
    "行政机关",
    "部门",
    "人民政府",
    "政府",
    "办事处",
    "机构",
    "执法人员",
    "工作人员",
];
const BINDING: &[&str] = &["应当", "不得", "禁止", "须"];

fn flag(article: &Article, clause: &str) -> Vec<Flag> {
    let text = clause;
    if has_basis(text) {
        return Vec::new();
    }
    let mut flags: Vec<Flag> = Vec::new();
    let push = |flags: &mut Vec<Flag>, category: Category, words: Vec<&str>| {
        if !words.is_empty() {
            flags.push(Flag {
                article: article.heading.clone(),
                category,
                words: words.into_iter().map(str::to_string).collect(),
                clause: clause.to_string(),
            });
        }
    };
    push(&mut flags, Category::Penalty, found(text, PENALTIES));
    let mut licence: Vec<&str> = Vec::new();
    for (a, b) in [
        ("须经", "批准"),
        ("经", "批准后"),
        ("报经", "审批"),
        ("未经", "同意"),
        ("未经", "批准"),
        ("取得", "许可证"),
        ("经", "核准后"),
        ("申请", "审批"),
        ("登记后方可", ""),
        ("批准并登记", ""),
    ] {
        if (b.is_empty() && text.contains(a)) || (!b.is_empty() && near(text, a, b, 16)) {
            licence.push(if b.is_empty() { a } else { b });
        }
    }
    licence.dedup();
    push(&mut flags, Category::Licence, licence);
    push(&mut flags, Category::Coercion, found(text, COERCION));
    if !FEE_EXCUSED.iter().any(|w| text.contains(w)) {
        push(&mut flags, Category::Fee, found(text, FEES));
    }
    // An obligation or prohibition whose subject is the governed, not the administration.
    let governed = found(text, GOVERNED);
    let binding = found(text, BINDING);
    let administration_first = ADMINISTRATION
        .iter()
        .filter_map(|w| text.find(w))
        .min()
        .unwrap_or(usize::MAX);
    let governed_first = GOVERNED
        .iter()
        .filter_map(|w| text.find(w))
        .min()
        .unwrap_or(usize::MAX);
    let binds_governed = (!governed.is_empty()
        && !binding.is_empty()
        && governed_first < administration_first
        && !text.contains("有权")
        && !text.contains("鼓励")
        && !text.contains("支持"))
        || text.starts_with("禁止");
    let already = !flags.is_empty();
    if binds_governed && !already {
        let mut words = governed;
        words.extend(binding);
        push(&mut flags, Category::Obligation, words);
    }
    let mut competition: Vec<&str> = Vec::new();
    for (a, b) in [
        ("指定", "购买"),
        ("指定", "经营者"),
        ("指定", "供应商"),
        ("本地企业", ""),
        ("外地企业", ""),
    ] {
        if (b.is_empty() && text.contains(a)) || (!b.is_empty() && near(text, a, b, 12)) {
            competition.push(a);
        }
    }
    competition.dedup();
    if !competition.is_empty() {
        // A restriction of competition is that, not also an obligation.
        flags.retain(|f| f.category != Category::Obligation);
        push(&mut flags, Category::Competition, competition);
    }
    flags
}

/// Every flag of the draft, article by article (each sentence of an article on its own, so a
/// basis cited for one does not excuse the next).
pub fn flags(text: &str) -> Vec<Flag> {
    let mut out = Vec::new();
    for a in articles(text) {
        // The basis of an article covers it as a whole when it is one sentence.
        if has_basis(&a.text) && !a.text.trim_end_matches('。').contains('。') {
            continue;
        }
        for sentence in a
            .text
            .split_inclusive('。')
            .filter(|s| !s.trim().is_empty())
        {
            out.extend(flag(&a, sentence.trim()));
        }
    }
    out
}

/// A law or regulation fazhi knows: name, first in force, repealed on.
#[derive(Clone, Debug)]
pub struct Law {
    pub name: &'static str,
    pub since: Option<NaiveDate>,
    pub until: Option<NaiveDate>,
}

pub fn laws() -> Vec<Law> {
    include_str!("laws.txt")
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .filter_map(|l| {
            let mut parts = l.split('|');
            let name = parts.next()?.trim();
            let since = parts
                .next()
                .and_then(|d| fazhi_kernel::date::parse(d.trim()));
            let until = parts
                .next()
                .and_then(|d| fazhi_kernel::date::parse(d.trim()));
            Some(Law { name, since, until })
        })
        .collect()
}

/// A title cited in 《》, and what is known of it on the draft's date.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Citation {
    pub title: String,
    pub finding: CitationFinding,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum CitationFinding {
    /// A law or regulation in force on the day.
    InForce,
    NotYetInForce {
        since: String,
    },
    Repealed {
        on: String,
    },
    /// A normative document of the register, with its status on the day.
    Register {
        id: i64,
        number: String,
        status: String,
        applies: bool,
    },
    /// Neither a known law nor a document of the register: the reviewer checks it.
    Unknown,
}

/// The titles cited in 《》, each once, in order.
pub fn cited(text: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut rest = text;
    while let Some(open) = rest.find('《') {
        let after = &rest[open + '《'.len_utf8()..];
        let Some(close) = after.find('》') else {
            break;
        };
        let title = after[..close].trim().to_string();
        if !title.is_empty() && !out.contains(&title) {
            out.push(title);
        }
        rest = &after[close + '》'.len_utf8()..];
    }
    out
}

/// What the known laws say of a citation on `day` (None: not a law fazhi knows).
pub fn law_finding(title: &str, day: NaiveDate) -> Option<CitationFinding> {
    let law = laws().into_iter().find(|l| l.name == title)?;
    Some(match (law.since, law.until) {
        (_, Some(until)) if until <= day => CitationFinding::Repealed {
            on: until.to_string(),
        },
        (Some(since), _) if since > day => CitationFinding::NotYetInForce {
            since: since.to_string(),
        },
        _ => CitationFinding::InForce,
    })
}

/// A first-round opinion from the flags and citations, for the reviewer to edit.
pub fn draft_opinion(title: &str, flags: &[Flag], citations: &[Citation]) -> String {
    let mut paras = vec![format!("关于《{title}》的合法性审查意见（初稿）")];
    if flags.is_empty()
        && citations.iter().all(|c| {
            matches!(
                c.finding,
                CitationFinding::InForce | CitationFinding::Register { applies: true, .. }
            )
        })
    {
        paras.push("经初步审查，未发现草案设定行政处罚、行政许可、行政强制措施、收费，或者没有上位法依据减损公民、法人和其他组织合法权益、增加其义务的内容；所引用的法律法规和文件均现行有效。请审查人员结合制定依据和程序作出审查结论。".into());
        return paras.join("\n");
    }
    let mut n = 0;
    for f in flags {
        n += 1;
        paras.push(format!(
            "{n}. 草案{}“{}”涉嫌{}（触发词：{}）。根据{}，行政规范性文件不得{}。建议删除该内容，或者写明所依据的法律、法规、规章的具体条款。",
            if f.article.is_empty() { String::new() } else { f.article.clone() },
            f.clause,
            f.category.label_zh(),
            f.words.join("、"),
            SOURCE,
            f.category.label_zh()
        ));
    }
    for c in citations {
        let problem = match &c.finding {
            CitationFinding::Repealed { on } => Some(format!("已于 {on} 废止")),
            CitationFinding::NotYetInForce { since } => {
                Some(format!("自 {since} 起施行，草案日期尚未施行"))
            }
            CitationFinding::Register {
                number,
                status,
                applies: false,
                ..
            } => Some(format!("（{number}）在文件库中为“{status}”")),
            CitationFinding::Unknown => {
                Some("未能在法律法规名录和规范性文件库中核对，请审查人员核实名称和效力".into())
            }
            _ => None,
        };
        if let Some(p) = problem {
            n += 1;
            paras.push(format!(
                "{n}. 草案引用的《{}》{p}，建议核实并更正引用。",
                c.title
            ));
        }
    }
    paras.join("\n")
}

/// Precision and recall of the flags on the labelled set (`clauses.txt`): a clause counts as
/// flagged when any flag is raised on it; `category_agreement` is the share of the flagged
/// forbidden clauses whose first flag has the labelled category.
#[derive(Clone, Debug, Serialize)]
pub struct Measured {
    pub forbidden: usize,
    pub allowed: usize,
    pub true_positives: usize,
    pub false_positives: usize,
    pub false_negatives: usize,
    pub precision: f64,
    pub recall: f64,
    pub category_agreement: f64,
    pub missed: Vec<String>,
    pub wrongly_flagged: Vec<String>,
}

/// The flags on both sets: the one they were written against and the held-out one.
pub fn measure_all() -> serde_json::Value {
    serde_json::json!({
        "written_against": measure(include_str!("clauses.txt")),
        "held_out": measure(include_str!("clauses_held_out.txt")),
    })
}

pub fn measure(set: &str) -> Measured {
    let (mut tp, mut fp, mut fnn, mut agree) = (0usize, 0usize, 0usize, 0usize);
    let (mut forbidden, mut allowed) = (0usize, 0usize);
    let (mut missed, mut wrongly) = (Vec::new(), Vec::new());
    for line in set.lines() {
        if line.starts_with('#') || line.trim().is_empty() {
            continue;
        }
        let mut parts = line.splitn(3, '|');
        let (Some(label), Some(category), Some(clause)) =
            (parts.next(), parts.next(), parts.next())
        else {
            continue;
        };
        let raised = flags(clause);
        match label {
            "F" => {
                forbidden += 1;
                if raised.is_empty() {
                    fnn += 1;
                    missed.push(clause.to_string());
                } else {
                    tp += 1;
                    if Category::parse(category) == raised.first().map(|f| f.category) {
                        agree += 1;
                    }
                }
            }
            _ => {
                allowed += 1;
                if !raised.is_empty() {
                    fp += 1;
                    wrongly.push(clause.to_string());
                }
            }
        }
    }
    let ratio = |a: usize, b: usize| if b == 0 { 0.0 } else { a as f64 / b as f64 };
    Measured {
        forbidden,
        allowed,
        true_positives: tp,
        false_positives: fp,
        false_negatives: fnn,
        precision: ratio(tp, tp + fp),
        recall: ratio(tp, tp + fnn),
        category_agreement: ratio(agree, tp),
        missed,
        wrongly_flagged: wrongly,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_draft_splits_at_its_articles_and_skips_headings() {
        let a = articles(
            "诸暨市停车管理办法\n第一章 总则\n第一条 为了规范停车，制定本办法。\n第二条 本办法适用于\n本市。\n第十二条 自公布之日起施行。",
        );
        assert_eq!(
            a.iter().map(|x| x.heading.as_str()).collect::<Vec<_>>(),
            vec!["第一条", "第二条", "第十二条"]
        );
        assert_eq!(a[1].text, "本办法适用于本市。");
    }

    #[test]
    fn a_penalty_without_basis_is_flagged_with_its_words_and_one_with_basis_is_not() {
        let f = flags(
            "第五条 违反本办法的，处五百元罚款。\n第六条 违反本办法的，依照《中华人民共和国行政处罚法》的规定处罚。",
        );
        assert_eq!(f.len(), 1);
        assert_eq!(
            (f[0].article.as_str(), f[0].category, f[0].words.clone()),
            ("第五条", Category::Penalty, vec!["罚款".to_string()])
        );
    }

    #[test]
    fn citations_are_checked_on_the_drafts_day() {
        let day = fazhi_kernel::date::parse("2023-06-01").unwrap();
        assert_eq!(
            cited("根据《中华人民共和国食品卫生法》和《优化营商环境条例》《优化营商环境条例》"),
            vec!["中华人民共和国食品卫生法", "优化营商环境条例"]
        );
        assert_eq!(
            law_finding("中华人民共和国食品卫生法", day),
            Some(CitationFinding::Repealed {
                on: "2009-06-01".into()
            })
        );
        assert_eq!(
            law_finding("优化营商环境条例", day),
            Some(CitationFinding::InForce)
        );
        let early = fazhi_kernel::date::parse("2019-01-01").unwrap();
        assert!(matches!(
            law_finding("优化营商环境条例", early),
            Some(CitationFinding::NotYetInForce { .. })
        ));
        assert_eq!(law_finding("某某条例", day), None);
    }

    #[test]
    fn the_flags_meet_their_measured_floor_on_the_hand_written_set() {
        let m = measure(include_str!("clauses.txt"));
        assert_eq!((m.forbidden, m.allowed), (42, 40));
        // The floor, not the result: BENCHMARKS.md records what it is.
        assert!(m.precision >= 0.85 && m.recall >= 0.85, "{m:#?}");
    }

    #[test]
    fn the_draft_opinion_names_each_problem() {
        let text = "第三条 养犬人应当缴纳管理费。";
        let f = flags(text);
        let c = vec![Citation {
            title: "城市房屋拆迁管理条例".into(),
            finding: CitationFinding::Repealed {
                on: "2011-01-21".into(),
            },
        }];
        let o = draft_opinion("诸暨市养犬管理办法", &f, &c);
        assert!(
            o.contains("第三条")
                && o.contains("设定收费")
                && o.contains("管理费")
                && o.contains("2011-01-21"),
            "{o}"
        );
    }
}
