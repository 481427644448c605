//! The case-file evaluation sheet (案卷评查表): rules over a penalty case's whole record, in the
//! sections provincial scoring sheets use (LAW.md, "Case-file evaluation"). Each rule has a
//! stable code, what it checks, its legal basis, a deduction from 100 points, and whether it is
//! a veto item (一票否决) that fails the file outright. Rules are pure: the record in, a finding
//! (what triggered it, naming the record's dates and amounts) or nothing out.
//!
//! Long because the record rules and their breaking-file tests stand side by side; issue 15 splits engine, rules by section and tests.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{Datelike, NaiveDate};
use fazhi_kernel::calendar::Calendar;
use fazhi_kernel::money::Fen;
use fazhi_kernel::period::{Period, due_date};
use serde::Serialize;

mod contents;
pub mod example;
mod manual;

use crate::enforcement::file_contents::FileDocument;
use crate::enforcement::rules::{
    self, PartyKind, ReviewTriggers, Sanction, late_payment_surcharge,
};

/// The record a case file is evaluated on (from `cases` and `case_parties`).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct CaseFile {
    pub id: i64,
    /// fazhi's own cases carry their investigation record; imported ones keep it at the source.
    pub own: bool,
    pub general: bool,
    pub item_known: bool,
    /// No version of the item (its legal basis) had taken effect by the act's end.
    pub item_not_in_force_at_act: bool,
    /// Handled by a town's office on an item not delegated to that town on the filing day.
    pub town_without_delegation: bool,
    pub decision_number: Option<String>,
    pub act_ended_on: Option<NaiveDate>,
    pub discovered_on: Option<NaiveDate>,
    pub filed_on: Option<NaiveDate>,
    pub grave: bool,
    pub review_triggers: ReviewTriggers,
    pub legal_review_on: Option<NaiveDate>,
    pub prior_notice_on: Option<NaiveDate>,
    pub hearing_right: bool,
    pub waived: bool,
    pub hearing_requested: bool,
    pub hearing_notice_on: Option<NaiveDate>,
    pub hearing_on: Option<NaiveDate>,
    pub hearing_held_on: Option<NaiveDate>,
    pub decided_on: Option<NaiveDate>,
    /// fine | warning | no_penalty
    pub outcome: Option<String>,
    pub fine: Fen,
    pub delivered_on: Option<NaiveDate>,
    pub paid_on: Option<NaiveDate>,
    /// Days a reconsideration or suit over the decision was pending: not counted towards the
    /// late-payment surcharge (行政处罚法第七十三条第三款).
    pub dispute_days: u64,
    pub paid: Fen,
    pub surcharge: Fen,
    pub closed_on: Option<NaiveDate>,
    pub archived_on: Option<NaiveDate>,
    /// within | outside | unchecked
    pub discretion: String,
    pub deviation_reason: Option<String>,
    /// Whether the investigation's findings of fact are on file.
    pub facts_found: bool,
    /// Whether any evidence is registered.
    pub evidence: bool,
    pub parties: Vec<PartyKind>,
    /// Organisations named without their legal representative.
    pub organisations_without_representative: usize,
    /// Organisations without a USCC, persons without an identity number, parties without an
    /// address on file.
    pub organisations_without_uscc: usize,
    pub persons_without_id: usize,
    pub parties_without_address: usize,
    /// The art. 60 decision limit as the deadline engine holds it (extended, when it was);
    /// None for imported cases: 90 days from filing.
    pub decision_due: Option<NaiveDate>,
    /// The user who filed the case in fazhi (its handler), told of findings while it is open.
    pub handler: Option<i64>,
    pub illegal_gains: Fen,
    pub confiscated: Fen,
    /// The handling department's document abbreviation (诸市监), where set.
    pub department_abbr: Option<String>,
    pub prior_notice_number: Option<String>,
    /// The rectification order (责令改正) and the day it set.
    pub rectification_on: Option<NaiveDate>,
    pub rectify_by: Option<NaiveDate>,
    /// Whether the approving responsible persons of filing and closure are on file.
    pub filing_approver: bool,
    pub closure_approver: bool,
    /// Whether the case's origin (案件来源) and brief account (简要案情) are on file.
    pub origin: bool,
    pub summary: bool,
    /// One of `case::DeliveryMethod`' codes, and whether the place is on file.
    pub delivery_method: Option<String>,
    pub delivery_place: bool,
    /// Whether a no-penalty decision states its reason.
    pub no_penalty_reason: bool,
    /// The parties' names as registered; the documents must name one of them.
    pub party_names: Vec<String>,
    /// The file's registered contents (卷内文件); None when nothing is registered — an imported
    /// case's file is kept at its source, and an own closed case without any is a finding (H02).
    pub contents: Option<Vec<FileDocument>>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum Section {
    /// 执法主体与职权
    Authority,
    /// 事实与证据
    Facts,
    /// 法律适用
    Law,
    /// 程序与时限
    Procedure,
    /// 裁量
    Discretion,
    /// 文书
    Documents,
    /// 送达与执行
    Execution,
    /// 归档
    Archive,
}

impl Section {
    pub fn name(self) -> &'static str {
        match self {
            Section::Authority => "执法主体与职权",
            Section::Facts => "事实与证据",
            Section::Law => "法律适用",
            Section::Procedure => "程序与时限",
            Section::Discretion => "裁量",
            Section::Documents => "文书",
            Section::Execution => "送达与执行",
            Section::Archive => "归档",
        }
    }
}

pub struct Rule {
    pub code: &'static str,
    pub section: Section,
    pub description: &'static str,
    pub basis: &'static str,
    /// Points off 100.
    pub deduction: u32,
    pub veto: bool,
    pub check: Check,
}

/// How an item is checked: by fazhi over the record, or by a reviewer reading the file (人工评查
/// 项: judgements no record can settle, e.g. whether the facts are clear). Manual items are
/// scored only on the manual sampling sheet (`supervision::sampling`).
#[derive(Clone, Copy)]
pub enum Check {
    Machine(fn(&CaseFile, &Calendar) -> Option<String>),
    Manual,
}

impl Rule {
    pub fn machine(&self) -> bool {
        matches!(self.check, Check::Machine(_))
    }
}

/// A rule the file breaks, and what in the record shows it.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Finding {
    pub rule: &'static str,
    pub deduction: u32,
    pub veto: bool,
    pub detail: String,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum Grade {
    Excellent,
    Pass,
    Fail,
}

impl Grade {
    pub fn parse(code: &str) -> Option<Grade> {
        [Grade::Excellent, Grade::Pass, Grade::Fail]
            .into_iter()
            .find(|g| g.code() == code)
    }

    pub fn code(self) -> &'static str {
        match self {
            Grade::Excellent => "excellent",
            Grade::Pass => "pass",
            Grade::Fail => "fail",
        }
    }
    pub fn name(self) -> &'static str {
        match self {
            Grade::Excellent => "优秀",
            Grade::Pass => "合格",
            Grade::Fail => "不合格",
        }
    }
}

/// Grade thresholds: 优秀 from `excellent` points, 合格 from `pass`; any veto fails.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Thresholds {
    pub excellent: u32,
    pub pass: u32,
}

/// The default (优秀 ≥ 90, 合格 ≥ 60); LAW.md notes provinces also use 70 for 合格.
pub const DEFAULT_THRESHOLDS: Thresholds = Thresholds {
    excellent: 90,
    pass: 60,
};

#[derive(Clone, Debug, PartialEq)]
pub struct Evaluation {
    pub score: u32,
    pub grade: Grade,
    pub veto: bool,
    pub findings: Vec<Finding>,
}

/// Which rules apply, what each deducts and the grade thresholds: the sheet as configured
/// (`supervision::sheet_settings`, versioned by effective date). The default is the sheet as
/// written, with `DEFAULT_THRESHOLDS`.
#[derive(Clone, Debug, PartialEq)]
pub struct Settings {
    pub thresholds: Thresholds,
    /// Codes of rules that do not apply.
    pub disabled: BTreeSet<String>,
    /// Deductions that differ from the rule's own.
    pub deductions: BTreeMap<String, u32>,
}

impl Default for Settings {
    fn default() -> Settings {
        Settings {
            thresholds: DEFAULT_THRESHOLDS,
            disabled: BTreeSet::new(),
            deductions: BTreeMap::new(),
        }
    }
}

impl Settings {
    /// The deduction of `rule` under these settings; None when it does not apply.
    pub fn deduction(&self, rule: &Rule) -> Option<u32> {
        (!self.disabled.contains(rule.code)).then(|| {
            self.deductions
                .get(rule.code)
                .copied()
                .unwrap_or(rule.deduction)
        })
    }
}

/// Every rule of the sheet against `file`.
pub fn evaluate(file: &CaseFile, calendar: &Calendar, thresholds: Thresholds) -> Evaluation {
    evaluate_with(
        file,
        calendar,
        &Settings {
            thresholds,
            ..Settings::default()
        },
    )
}

/// Every rule that applies under `settings` against `file`, with the configured deductions.
pub fn evaluate_with(file: &CaseFile, calendar: &Calendar, settings: &Settings) -> Evaluation {
    let thresholds = settings.thresholds;
    let findings: Vec<Finding> = rules()
        .filter_map(|r| {
            let deduction = settings.deduction(r)?;
            let Check::Machine(check) = r.check else {
                return None;
            };
            check(file, calendar).map(|detail| Finding {
                rule: r.code,
                deduction,
                veto: r.veto,
                detail,
            })
        })
        .collect();
    let (score, grade) = grade(&findings, thresholds);
    let veto = findings.iter().any(|f| f.veto);
    Evaluation {
        score,
        grade,
        veto,
        findings,
    }
}

/// The score (100 less the deductions) and grade of a file with these findings; a veto fails it.
pub fn grade(findings: &[Finding], thresholds: Thresholds) -> (u32, Grade) {
    let off: u32 = findings.iter().map(|f| f.deduction).sum();
    let score = 100u32.saturating_sub(off);
    let grade = if findings.iter().any(|f| f.veto) || score < thresholds.pass {
        Grade::Fail
    } else if score >= thresholds.excellent {
        Grade::Excellent
    } else {
        Grade::Pass
    };
    (score, grade)
}

/// The rule with this code.
pub fn rule(code: &str) -> Option<&'static Rule> {
    rules().find(|r| r.code == code)
}

fn fined(f: &CaseFile) -> bool {
    f.outcome.as_deref() == Some("fine")
}

fn penalised(f: &CaseFile) -> bool {
    matches!(f.outcome.as_deref(), Some("fine" | "warning"))
}

fn year_in_number(number: &str) -> Option<i32> {
    let start = number.find('〔')? + '〔'.len_utf8();
    let end = number[start..].find('〕')? + start;
    number[start..end].parse().ok()
}

/// Every item of the sheet: the rules over the case record, those over the file's registered
/// contents, and the items a reviewer checks by hand. Codes are stable: findings,
/// configuration and reports refer to them.
pub fn rules() -> impl Iterator<Item = &'static Rule> {
    RECORD_RULES
        .iter()
        .chain(contents::RULES)
        .chain(manual::ITEMS)
}

/// The rules over the case record (dates, amounts, parties, approvals).
static RECORD_RULES: &[Rule] = &[
    Rule {
        code: "A01",
        section: Section::Authority,
        description: "案件所涉执法事项在执法事项目录中",
        basis: "《行政处罚法》第十七条、第十八条；执法事项目录",
        deduction: 100,
        veto: true,
        check: Check::Machine(|f, _| {
            (!f.item_known).then(|| "执法事项不在本市执法事项目录中，无法确认执法主体的职权".into())
        }),
    },
    Rule {
        code: "A02",
        section: Section::Authority,
        description: "镇乡（街道）办理的事项在立案之日已赋权给该镇乡（街道）",
        basis: "《行政处罚法》第二十四条",
        deduction: 100,
        veto: true,
        check: Check::Machine(|f, _| {
            f.town_without_delegation.then(|| {
                format!(
                    "镇乡（街道）办理，但立案之日 {} 该事项未赋权给本镇乡（街道）",
                    f.filed_on.map(|d| d.to_string()).unwrap_or_default()
                )
            })
        }),
    },
    Rule {
        code: "B01",
        section: Section::Facts,
        description: "普通程序案件作出决定前查明事实（调查终结，认定的事实）",
        basis: "《行政处罚法》第四十条、第五十四条",
        deduction: 20,
        veto: false,
        check: Check::Machine(|f, _| {
            (f.own && f.general && f.decided_on.is_some() && !f.facts_found)
                .then(|| "已作出决定，但案卷中没有调查认定的事实".into())
        }),
    },
    Rule {
        code: "B02",
        section: Section::Facts,
        description: "普通程序案件作出处罚决定有证据支持",
        basis: "《行政处罚法》第四十条、第四十六条",
        deduction: 20,
        veto: false,
        check: Check::Machine(|f, _| {
            (f.own && f.general && penalised(f) && !f.evidence)
                .then(|| "作出处罚决定，但案卷中没有登记证据".into())
        }),
    },
    Rule {
        code: "B03",
        section: Section::Facts,
        description: "当事人为自然人的，查明其身份证件号码",
        basis: "《行政处罚法》第五十九条第一款第一项；当事人身份的认定",
        deduction: 5,
        veto: false,
        check: Check::Machine(|f, _| {
            (f.persons_without_id > 0)
                .then(|| format!("{} 名自然人当事人没有身份证件号码", f.persons_without_id))
        }),
    },
    Rule {
        code: "B04",
        section: Section::Facts,
        description: "当事人为单位的，查明其统一社会信用代码",
        basis: "《行政处罚法》第五十九条第一款第一项；当事人身份的认定",
        deduction: 5,
        veto: false,
        check: Check::Machine(|f, _| {
            (f.organisations_without_uscc > 0).then(|| {
                format!(
                    "{} 个单位当事人没有统一社会信用代码",
                    f.organisations_without_uscc
                )
            })
        }),
    },
    Rule {
        code: "B05",
        section: Section::Facts,
        description: "办理的案件载明当事人的地址",
        basis: "《行政处罚法》第五十九条第一款第一项",
        deduction: 3,
        veto: false,
        check: Check::Machine(|f, _| {
            (f.own && f.decided_on.is_some() && f.parties_without_address > 0).then(|| {
                format!(
                    "已作出决定，{} 名当事人没有地址（决定书应载明）",
                    f.parties_without_address
                )
            })
        }),
    },
    Rule {
        code: "C01",
        section: Section::Law,
        description: "在追责时效内立案",
        basis: "《行政处罚法》第三十六条",
        deduction: 100,
        veto: true,
        check: Check::Machine(|f, cal| match (f.act_ended_on, f.discovered_on) {
            (Some(act), Some(found)) => rules::limitation(cal, act, found, f.grave).err(),
            _ => None,
        }),
    },
    Rule {
        code: "C02",
        section: Section::Law,
        description: "所依据的规定在违法行为发生时已经施行",
        basis: "《行政处罚法》第三十七条",
        deduction: 20,
        veto: false,
        check: Check::Machine(|f, _| {
            f.item_not_in_force_at_act.then(|| {
                format!(
                    "违法行为终了于 {}，执法事项所依据的规定当时尚未施行",
                    f.act_ended_on.map(|d| d.to_string()).unwrap_or_default()
                )
            })
        }),
    },
    Rule {
        code: "D01",
        section: Section::Procedure,
        description: "日期先后合乎程序（终了、发现、立案、告知、决定、送达、结案、归档）",
        basis: "《行政处罚法》第五章",
        deduction: 10,
        veto: false,
        check: Check::Machine(|f, _| {
            let steps = [
                ("违法行为终了", f.act_ended_on),
                ("发现", f.discovered_on),
                ("立案", f.filed_on),
                ("事先告知", f.prior_notice_on),
                ("决定", f.decided_on),
                ("送达", f.delivered_on),
                ("结案", f.closed_on),
                ("归档", f.archived_on),
            ];
            let dated: Vec<(&str, NaiveDate)> = steps
                .iter()
                .filter_map(|(n, d)| d.map(|d| (*n, d)))
                .collect();
            dated
                .windows(2)
                .find(|w| w[1].1 < w[0].1)
                .map(|w| format!("{}日 {} 早于{}日 {}", w[1].0, w[1].1, w[0].0, w[0].1))
        }),
    },
    Rule {
        code: "D02",
        section: Section::Procedure,
        description: "普通程序案件作出处罚决定前送达事先告知书",
        basis: "《行政处罚法》第四十四条、第六十二条",
        deduction: 100,
        veto: true,
        check: Check::Machine(|f, _| {
            (f.general && penalised(f) && f.decided_on.is_some() && f.prior_notice_on.is_none())
                .then(|| {
                    "作出处罚决定，但没有送达行政处罚事先告知书（第六十二条：不得作出行政处罚决定）"
                        .into()
                })
        }),
    },
    Rule {
        code: "D03",
        section: Section::Procedure,
        description: "陈述、申辩（及要求听证）期限届满后作出决定，当事人书面放弃的除外",
        basis: "《行政处罚法》第四十五条、第六十四条",
        deduction: 15,
        veto: false,
        check: Check::Machine(
            |f, cal| match (f.general, f.prior_notice_on, f.decided_on) {
                (true, Some(notice), Some(decided)) if !f.waived => {
                    let window = due_date(cal, notice, rules::DEFENCE_WINDOW);
                    (decided <= window.due).then(|| {
                    format!(
                        "事先告知书 {notice} 送达，陈述申辩期限至 {} 届满，却于 {decided} 作出决定",
                        window.due
                    )
                })
                }
                _ => None,
            },
        ),
    },
    Rule {
        code: "D04",
        section: Section::Procedure,
        description: "当事人要求听证的，听证后作出决定",
        basis: "《行政处罚法》第六十三条、第六十四条、第六十五条",
        deduction: 100,
        veto: true,
        check: Check::Machine(|f, _| match (f.hearing_requested, f.decided_on) {
            (true, Some(decided)) if !f.waived => match f.hearing_held_on {
                None => Some(format!("当事人要求听证，未举行听证即于 {decided} 作出决定")),
                Some(held) if held > decided => {
                    Some(format!("听证于 {held} 举行，决定却在此前的 {decided} 作出"))
                }
                Some(_) => None,
            },
            _ => None,
        }),
    },
    Rule {
        code: "D05",
        section: Section::Procedure,
        description: "听证通知在举行听证七个工作日前送达",
        basis: "《行政处罚法》第六十四条第二项",
        deduction: 10,
        veto: false,
        check: Check::Machine(|f, cal| match (f.hearing_notice_on, f.hearing_on) {
            (Some(notice), Some(on)) => {
                let earliest = due_date(cal, notice, Period::WorkingDays(7)).due;
                (on < earliest).then(|| {
                    format!(
                        "听证通知 {notice} 送达，听证 {on} 举行，不足七个工作日（最早 {earliest}）"
                    )
                })
            }
            _ => None,
        }),
    },
    Rule {
        code: "D06",
        section: Section::Procedure,
        description: "第五十八条情形作出决定前经法制审核",
        basis: "《行政处罚法》第五十八条",
        deduction: 100,
        veto: true,
        check: Check::Machine(|f, _| {
            let triggered = f.grave || !f.review_triggers.reasons().is_empty();
            (f.general
                && penalised(f)
                && f.decided_on.is_some()
                && triggered
                && f.legal_review_on.is_none())
            .then(|| {
                let mut why = f.review_triggers.reasons();
                if f.grave {
                    why.push("涉及生命健康安全并有危害后果");
                }
                format!(
                    "属于应当法制审核的情形（{}），但未经法制审核即作出决定",
                    why.join("、")
                )
            })
        }),
    },
    Rule {
        code: "D07",
        section: Section::Procedure,
        description: "法制审核在作出决定前完成",
        basis: "《行政处罚法》第五十八条",
        deduction: 15,
        veto: false,
        check: Check::Machine(|f, _| match (f.legal_review_on, f.decided_on) {
            (Some(review), Some(decided)) if review > decided => {
                Some(format!("法制审核 {review} 晚于决定 {decided}"))
            }
            _ => None,
        }),
    },
    Rule {
        code: "D08",
        section: Section::Procedure,
        description: "自立案之日起九十日内作出决定（依法延长的除外）",
        basis: "《行政处罚法》第六十条",
        deduction: 10,
        veto: false,
        check: Check::Machine(|f, _| match (f.general, f.filed_on, f.decided_on) {
            (true, Some(filed), Some(decided)) => {
                let due = f.decision_due.unwrap_or(filed + chrono::Days::new(90));
                (decided > due).then(|| format!("{filed} 立案，{decided} 作出决定，超过期限 {due}"))
            }
            _ => None,
        }),
    },
    Rule {
        code: "D09",
        section: Section::Procedure,
        description: "简易程序限于警告或小额罚款（公民 200 元、单位 3000 元以下）",
        basis: "《行政处罚法》第五十一条",
        deduction: 100,
        veto: true,
        check: Check::Machine(|f, _| {
            if f.general || f.decided_on.is_none() {
                return None;
            }
            let sanction = match f.outcome.as_deref() {
                Some("warning") => Sanction::Warning,
                Some("fine") => Sanction::Fine(f.fine),
                _ => Sanction::Other,
            };
            let party = if f.parties.contains(&PartyKind::Organisation) {
                PartyKind::Organisation
            } else {
                PartyKind::Person
            };
            rules::summary_procedure(party, sanction).err()
        }),
    },
    Rule {
        code: "D10",
        section: Section::Procedure,
        description: "决定后七个工作日内送达决定书",
        basis: "《行政处罚法》第六十一条",
        deduction: 5,
        veto: false,
        check: Check::Machine(|f, cal| match (f.decided_on, f.delivered_on) {
            (Some(decided), Some(delivered)) if f.general => {
                let due = due_date(cal, decided, Period::WorkingDays(7)).due;
                // By public notice the agency acts when the notice goes out; delivery is deemed
                // 30 days later (民事诉讼法第九十五条).
                let acted = if f.delivery_method.as_deref() == Some("public_notice") {
                    delivered
                        .checked_sub_days(chrono::Days::new(
                            crate::enforcement::rules::PUBLIC_NOTICE_DAYS,
                        ))
                        .unwrap_or(delivered)
                } else {
                    delivered
                };
                (acted > due).then(|| format!("{decided} 作出决定，{acted} 才送达，超过期限 {due}"))
            }
            _ => None,
        }),
    },
    Rule {
        code: "D11",
        section: Section::Procedure,
        description: "不予行政处罚决定载明不予处罚的理由",
        basis: "《行政处罚法》第三十三条、第五十七条",
        deduction: 5,
        veto: false,
        check: Check::Machine(|f, _| {
            (f.own && f.outcome.as_deref() == Some("no_penalty") && !f.no_penalty_reason)
                .then(|| "作出不予行政处罚决定，但未载明理由".into())
        }),
    },
    Rule {
        code: "D12",
        section: Section::Procedure,
        description: "简易程序当场作出行政处罚决定",
        basis: "《行政处罚法》第五十一条、第五十二条",
        deduction: 5,
        veto: false,
        check: Check::Machine(|f, _| match (f.general, f.filed_on, f.decided_on) {
            (false, Some(filed), Some(decided)) if decided != filed => Some(format!(
                "简易程序案件 {filed} 立案，{decided} 才作出决定，并非当场作出"
            )),
            _ => None,
        }),
    },
    Rule {
        code: "D13",
        section: Section::Procedure,
        description: "法制审核在立案之后",
        basis: "《行政处罚法》第五十八条",
        deduction: 3,
        veto: false,
        check: Check::Machine(|f, _| match (f.filed_on, f.legal_review_on) {
            (Some(filed), Some(review)) if review < filed => {
                Some(format!("法制审核 {review} 早于立案 {filed}"))
            }
            _ => None,
        }),
    },
    Rule {
        code: "D14",
        section: Section::Procedure,
        description: "要求听证的当事人享有听证权利，放弃陈述申辩的不再要求听证",
        basis: "《行政处罚法》第四十四条、第六十三条",
        deduction: 3,
        veto: false,
        check: Check::Machine(|f, _| {
            if f.hearing_requested && !f.hearing_right {
                Some("案件不属于应当告知听证权利的情形，却记载当事人要求听证".into())
            } else if f.hearing_requested && f.waived {
                Some("记载当事人书面放弃陈述申辩，同时又要求听证".into())
            } else {
                None
            }
        }),
    },
    Rule {
        code: "E01",
        section: Section::Discretion,
        description: "处罚在裁量基准建议范围内，或书面说明理由",
        basis: "《行政处罚法》第三十四条；国务院办公厅关于进一步规范行政裁量权基准制定和管理工作的意见",
        deduction: 15,
        veto: false,
        check: Check::Machine(|f, _| {
            (f.discretion == "outside"
                && f.deviation_reason
                    .as_deref()
                    .is_none_or(|r| r.trim().is_empty()))
            .then(|| "处罚超出裁量基准建议，且未书面说明理由".into())
        }),
    },
    Rule {
        code: "E02",
        section: Section::Discretion,
        description: "罚款决定载明罚款数额",
        basis: "《行政处罚法》第五十九条第一款第四项",
        deduction: 10,
        veto: false,
        check: Check::Machine(|f, _| {
            (fined(f) && f.decided_on.is_some() && f.fine.0 <= 0)
                .then(|| "决定罚款，但罚款数额为零".into())
        }),
    },
    Rule {
        code: "E03",
        section: Section::Discretion,
        description: "警告或不予处罚的决定不含罚款",
        basis: "《行政处罚法》第九条、第三十三条",
        deduction: 10,
        veto: false,
        check: Check::Machine(|f, _| match f.outcome.as_deref() {
            Some(o @ ("warning" | "no_penalty")) if f.fine.0 > 0 => Some(format!(
                "{}决定却记载罚款 {}",
                if o == "warning" {
                    "警告"
                } else {
                    "不予处罚"
                },
                f.fine
            )),
            _ => None,
        }),
    },
    Rule {
        code: "F01",
        section: Section::Documents,
        description: "作出决定的案件有决定书文号",
        basis: "行政执法文书规范",
        deduction: 5,
        veto: false,
        check: Check::Machine(|f, _| {
            (f.decided_on.is_some()
                && f.general
                && f.decision_number
                    .as_deref()
                    .is_none_or(|n| n.trim().is_empty()))
            .then(|| "已作出决定，但没有决定书文号".into())
        }),
    },
    Rule {
        code: "F02",
        section: Section::Documents,
        description: "决定书文号的年份与决定日期一致",
        basis: "行政执法文书规范",
        deduction: 3,
        veto: false,
        check: Check::Machine(|f, _| {
            use chrono::Datelike;
            let (number, decided) = (f.decision_number.as_deref()?, f.decided_on?);
            let year = year_in_number(number)?;
            (year != decided.year())
                .then(|| format!("文号 {number} 的年份与决定日期 {decided} 不一致"))
        }),
    },
    Rule {
        code: "F03",
        section: Section::Documents,
        description: "当事人为单位的，载明法定代表人（负责人）",
        basis: "《行政处罚法》第五十九条",
        deduction: 3,
        veto: false,
        check: Check::Machine(|f, _| {
            (f.own && f.decided_on.is_some() && f.organisations_without_representative > 0).then(
                || {
                    format!(
                        "{} 个单位当事人未载明法定代表人",
                        f.organisations_without_representative
                    )
                },
            )
        }),
    },
    Rule {
        code: "F04",
        section: Section::Documents,
        description: "决定书文号以办案机关的机关代字开头",
        basis: "《党政机关公文格式》（GB/T 9704）发文字号；行政执法文书规范",
        deduction: 5,
        veto: false,
        check: Check::Machine(|f, _| match (&f.decision_number, &f.department_abbr) {
            (Some(number), Some(abbr)) if !number.starts_with(abbr.as_str()) => {
                Some(format!("决定书文号 {number} 不以本机关代字“{abbr}”开头"))
            }
            _ => None,
        }),
    },
    Rule {
        code: "F05",
        section: Section::Documents,
        description: "事先告知书有文号，且文号年份与告知日期一致",
        basis: "行政执法文书规范",
        deduction: 3,
        veto: false,
        check: Check::Machine(
            |f, _| match (f.own, f.prior_notice_on, &f.prior_notice_number) {
                (true, Some(_), None) => Some("已事先告知，但告知书没有文号".into()),
                (_, Some(on), Some(number)) => year_in_number(number)
                    .filter(|y| *y != on.year())
                    .map(|y| format!("告知书文号 {number} 的年份 {y} 与告知日期 {on} 不一致")),
                _ => None,
            },
        ),
    },
    Rule {
        code: "F06",
        section: Section::Documents,
        description: "责令改正的期限不早于责令改正之日",
        basis: "《行政处罚法》第二十八条第一款",
        deduction: 5,
        veto: false,
        check: Check::Machine(|f, _| match (f.rectification_on, f.rectify_by) {
            (Some(on), Some(by)) if by < on => Some(format!("{on} 责令改正，改正期限却为 {by}")),
            _ => None,
        }),
    },
    Rule {
        code: "F07",
        section: Section::Documents,
        description: "普通程序立案经行政机关负责人批准，载明批准人",
        basis: "《行政处罚法》第五十四条第二款",
        deduction: 5,
        veto: false,
        check: Check::Machine(|f, _| {
            (f.own && f.general && !f.filing_approver)
                .then(|| "立案审批表未载明批准立案的负责人".into())
        }),
    },
    Rule {
        code: "F08",
        section: Section::Documents,
        description: "结案经负责人审批，载明审批人",
        basis: "行政执法文书规范（结案审批表）",
        deduction: 3,
        veto: false,
        check: Check::Machine(|f, _| {
            (f.own && f.closed_on.is_some() && !f.closure_approver)
                .then(|| "已结案，但结案审批表未载明审批人".into())
        }),
    },
    Rule {
        code: "F09",
        section: Section::Documents,
        description: "立案审批表载明案件来源和简要案情",
        basis: "行政执法文书规范（立案审批表）",
        deduction: 3,
        veto: false,
        check: Check::Machine(|f, _| match (f.own && f.general, f.origin, f.summary) {
            (true, false, _) => Some("立案审批表未载明案件来源".into()),
            (true, true, false) => Some("立案审批表未载明简要案情".into()),
            _ => None,
        }),
    },
    Rule {
        code: "G01",
        section: Section::Execution,
        description: "逾期缴纳罚款的，依法加处罚款",
        basis: "《行政处罚法》第六十七条、第七十二条",
        deduction: 10,
        veto: false,
        check: Check::Machine(|f, _| match (fined(f), f.delivered_on, f.paid_on) {
            (true, Some(delivered), Some(paid)) => {
                let due = delivered + chrono::Days::new(15 + f.dispute_days);
                let owed = late_payment_surcharge(f.fine, due, paid);
                (f.surcharge < owed).then(|| {
                    format!(
                        "应于 {due} 前缴纳，{paid} 缴纳，应加处罚款 {owed}，记录为 {}",
                        f.surcharge
                    )
                })
            }
            _ => None,
        }),
    },
    Rule {
        code: "G02",
        section: Section::Execution,
        description: "加处罚款不超过罚款数额",
        basis: "《行政处罚法》第七十二条",
        deduction: 10,
        veto: false,
        check: Check::Machine(|f, _| {
            (f.surcharge > f.fine).then(|| format!("加处罚款 {} 超过罚款 {}", f.surcharge, f.fine))
        }),
    },
    Rule {
        code: "G03",
        section: Section::Execution,
        description: "罚款执行完毕方可结案",
        basis: "《行政处罚法》第七十二条；结案审批",
        deduction: 15,
        veto: false,
        check: Check::Machine(|f, _| {
            (fined(f) && f.closed_on.is_some() && f.paid_on.is_none())
                .then(|| format!("罚款 {} 未缴纳即结案", f.fine))
        }),
    },
    Rule {
        code: "G04",
        section: Section::Execution,
        description: "缴纳金额为决定的罚款及加处罚款",
        basis: "《行政处罚法》第六十七条、第七十二条",
        deduction: 5,
        veto: false,
        check: Check::Machine(|f, _| {
            let owed = Fen(f.fine.0 + f.surcharge.0);
            (fined(f) && f.paid_on.is_some() && f.paid != owed).then(|| {
                format!(
                    "应缴 {owed}（罚款 {}，加处罚款 {}），缴纳 {}",
                    f.fine, f.surcharge, f.paid
                )
            })
        }),
    },
    Rule {
        code: "G05",
        section: Section::Execution,
        description: "作出处罚决定时没收违法所得",
        basis: "《行政处罚法》第二十八条第二款",
        deduction: 10,
        veto: false,
        check: Check::Machine(|f, _| {
            (penalised(f) && f.decided_on.is_some() && f.confiscated < f.illegal_gains).then(|| {
                format!(
                    "违法所得 {}，没收 {}（除依法应当退赔的外，应当予以没收）",
                    f.illegal_gains, f.confiscated
                )
            })
        }),
    },
    Rule {
        code: "G06",
        section: Section::Execution,
        description: "办理的案件载明送达方式",
        basis: "《行政处罚法》第六十一条",
        deduction: 5,
        veto: false,
        check: Check::Machine(|f, _| {
            (f.own && f.delivered_on.is_some() && f.delivery_method.is_none())
                .then(|| "决定书已送达，但未载明送达方式".into())
        }),
    },
    Rule {
        code: "G07",
        section: Section::Execution,
        description: "直接送达、留置送达载明送达地点",
        basis: "《行政处罚法》第六十一条；《民事诉讼法》关于直接送达、留置送达的规定",
        deduction: 3,
        veto: false,
        check: Check::Machine(|f, _| {
            (matches!(f.delivery_method.as_deref(), Some("direct" | "left")) && !f.delivery_place)
                .then(|| "直接送达或留置送达，但未载明送达地点".into())
        }),
    },
    Rule {
        code: "G08",
        section: Section::Execution,
        description: "缴纳罚款不早于决定书送达",
        basis: "《行政处罚法》第六十一条、第六十七条",
        deduction: 3,
        veto: false,
        check: Check::Machine(|f, _| match (f.general, f.delivered_on, f.paid_on) {
            (true, Some(delivered), Some(paid)) if paid < delivered => {
                Some(format!("{paid} 缴纳罚款，早于决定书送达 {delivered}"))
            }
            _ => None,
        }),
    },
    Rule {
        code: "G09",
        section: Section::Execution,
        description: "加处罚款不超过依法计算的数额（每日百分之三）",
        basis: "《行政处罚法》第七十二条第一款第一项",
        deduction: 5,
        veto: false,
        check: Check::Machine(|f, _| match (fined(f), f.delivered_on, f.paid_on) {
            (true, Some(delivered), Some(paid)) => {
                let due = delivered + chrono::Days::new(15 + f.dispute_days);
                let owed = late_payment_surcharge(f.fine, due, paid);
                (f.surcharge > owed && f.surcharge <= f.fine)
                    .then(|| format!("依法应加处罚款 {owed}，记录为 {}", f.surcharge))
            }
            _ => None,
        }),
    },
    Rule {
        code: "G10",
        section: Section::Execution,
        description: "处罚决定书送达后方可结案",
        basis: "《行政处罚法》第六十一条",
        deduction: 10,
        veto: false,
        check: Check::Machine(|f, _| {
            (f.decided_on.is_some() && f.closed_on.is_some() && f.delivered_on.is_none())
                .then(|| "已作出决定并结案，但没有送达决定书的记录".into())
        }),
    },
    Rule {
        code: "H01",
        section: Section::Archive,
        description: "结案后方可归档",
        basis: "行政执法案卷管理规定",
        deduction: 5,
        veto: false,
        check: Check::Machine(|f, _| {
            (f.archived_on.is_some() && f.closed_on.is_none()).then(|| "未结案即归档".into())
        }),
    },
];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::enforcement::file_contents::DocKind;

    fn day(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    use example::{doc, sound};

    /// The file's documents of `kind`, to break one.
    fn each(f: &mut CaseFile, kind: DocKind, set: impl Fn(&mut FileDocument)) {
        for d in f.contents.iter_mut().flatten().filter(|d| d.kind == kind) {
            set(d);
        }
    }

    fn without(f: &mut CaseFile, kind: DocKind) {
        if let Some(c) = f.contents.as_mut() {
            c.retain(|d| d.kind != kind);
        }
    }

    fn add(f: &mut CaseFile, d: FileDocument) {
        f.contents.get_or_insert_with(Vec::new).push(d);
    }

    fn findings(f: &CaseFile) -> Vec<&'static str> {
        evaluate(f, Calendar::embedded(), DEFAULT_THRESHOLDS)
            .findings
            .iter()
            .map(|x| x.rule)
            .collect()
    }

    #[test]
    fn a_sound_file_scores_full_marks() {
        let e = evaluate(&sound(), Calendar::embedded(), DEFAULT_THRESHOLDS);
        assert_eq!(
            (e.score, e.grade, e.findings.len()),
            (100, Grade::Excellent, 0),
            "{e:?}"
        );
    }

    #[test]
    fn a_decision_delivered_by_public_notice_is_on_time_when_the_notice_was() {
        // Decided 2024-04-15 in the reference file; the notice went out within 7 WD and the
        // decision counts as delivered 30 days later (民事诉讼法第九十五条): no D10 finding.
        let mut f = sound();
        let decided = f.decided_on.unwrap_or_else(|| day("2024-04-15"));
        f.delivery_method = Some("public_notice".into());
        f.delivered_on = decided.checked_add_days(chrono::Days::new(32));
        let e = evaluate(&f, Calendar::embedded(), DEFAULT_THRESHOLDS);
        assert!(!e.findings.iter().any(|f| f.rule == "D10"), "{e:?}");
        // Sent by post that late, it is.
        f.delivery_method = Some("post".into());
        let e = evaluate(&f, Calendar::embedded(), DEFAULT_THRESHOLDS);
        assert!(e.findings.iter().any(|f| f.rule == "D10"), "{e:?}");
    }

    /// Each rule: a file that breaks it, found with its detail.
    #[test]
    fn each_rule_finds_the_file_that_breaks_it() {
        type Breaks = Box<dyn Fn(&mut CaseFile)>;
        let cases: Vec<(&str, Breaks, &str)> = vec![
            ("A01", Box::new(|f| f.item_known = false), "目录"),
            (
                "A02",
                Box::new(|f| f.town_without_delegation = true),
                "立案之日 2024-03-04 该事项未赋权",
            ),
            (
                "C02",
                Box::new(|f| f.item_not_in_force_at_act = true),
                "违法行为终了于 2024-02-20",
            ),
            ("B01", Box::new(|f| f.facts_found = false), "认定的事实"),
            ("B02", Box::new(|f| f.evidence = false), "证据"),
            (
                "C01",
                Box::new(|f| {
                    f.act_ended_on = Some(day("2021-01-10"));
                }),
                "第三十六条",
            ),
            (
                "D01",
                Box::new(|f| f.closed_on = Some(day("2024-04-16"))),
                "结案日 2024-04-16 早于送达日 2024-04-17",
            ),
            ("D02", Box::new(|f| f.prior_notice_on = None), "事先告知书"),
            (
                "D03",
                Box::new(|f| f.decided_on = Some(day("2024-04-03"))),
                "陈述申辩期限至 2024-04-09",
            ),
            (
                "D04",
                Box::new(|f| f.hearing_requested = true),
                "未举行听证",
            ),
            (
                "D05",
                Box::new(|f| {
                    f.hearing_notice_on = Some(day("2024-04-02"));
                    f.hearing_on = Some(day("2024-04-09"));
                    f.hearing_held_on = Some(day("2024-04-09"));
                }),
                "不足七个工作日",
            ),
            ("D06", Box::new(|f| f.grave = true), "未经法制审核"),
            (
                "D07",
                Box::new(|f| f.legal_review_on = Some(day("2024-04-16"))),
                "晚于决定",
            ),
            (
                "D08",
                Box::new(|f| {
                    f.prior_notice_on = Some(day("2024-05-20"));
                    f.decided_on = Some(day("2024-06-04"));
                    f.delivered_on = Some(day("2024-06-05"));
                    f.paid_on = Some(day("2024-06-06"));
                    f.closed_on = Some(day("2024-06-07"));
                    f.decision_number = Some("诸市监罚〔2024〕17号".into());
                }),
                "超过期限 2024-06-02",
            ),
            (
                "D09",
                Box::new(|f| {
                    f.general = false;
                    f.fine = Fen(400_000);
                    f.paid = Fen(400_000);
                }),
                "第五十一条",
            ),
            (
                "D10",
                Box::new(|f| {
                    f.delivered_on = Some(day("2024-04-25"));
                    f.paid_on = Some(day("2024-04-26"));
                }),
                "超过期限 2024-04-24",
            ),
            (
                "E01",
                Box::new(|f| f.discretion = "outside".into()),
                "未书面说明理由",
            ),
            ("F01", Box::new(|f| f.decision_number = None), "文号"),
            (
                "F02",
                Box::new(|f| f.decision_number = Some("诸市监罚〔2023〕17号".into())),
                "不一致",
            ),
            (
                "F03",
                Box::new(|f| f.organisations_without_representative = 1),
                "法定代表人",
            ),
            (
                "G01",
                Box::new(|f| f.paid_on = Some(day("2024-05-06"))),
                "应加处罚款",
            ),
            ("G02", Box::new(|f| f.surcharge = Fen(600_000)), "超过罚款"),
            (
                "G03",
                Box::new(|f| {
                    f.paid_on = None;
                    f.paid = Fen(0);
                }),
                "未缴纳即结案",
            ),
            ("G04", Box::new(|f| f.paid = Fen(400_000)), "缴纳"),
            ("H01", Box::new(|f| f.closed_on = None), "未结案即归档"),
            (
                "D11",
                Box::new(|f| {
                    f.outcome = Some("no_penalty".into());
                    f.fine = Fen(0);
                    f.paid = Fen(0);
                    f.paid_on = None;
                }),
                "未载明理由",
            ),
            (
                "D12",
                Box::new(|f| {
                    f.general = false;
                    f.fine = Fen(10_000);
                    f.paid = Fen(10_000);
                }),
                "并非当场作出",
            ),
            (
                "D13",
                Box::new(|f| f.legal_review_on = Some(day("2024-03-01"))),
                "早于立案 2024-03-04",
            ),
            (
                "D14",
                Box::new(|f| {
                    f.hearing_right = false;
                    f.hearing_requested = true;
                    f.hearing_held_on = Some(day("2024-04-12"));
                }),
                "不属于应当告知听证权利的情形",
            ),
            (
                "F04",
                Box::new(|f| f.department_abbr = Some("店口镇".into())),
                "不以本机关代字“店口镇”开头",
            ),
            (
                "F05",
                Box::new(|f| f.prior_notice_number = Some("诸市监罚告〔2023〕5号".into())),
                "年份 2023 与告知日期 2024-04-01 不一致",
            ),
            (
                "F06",
                Box::new(|f| {
                    f.rectification_on = Some(day("2024-03-10"));
                    f.rectify_by = Some(day("2024-03-05"));
                }),
                "改正期限却为 2024-03-05",
            ),
            (
                "F07",
                Box::new(|f| f.filing_approver = false),
                "批准立案的负责人",
            ),
            (
                "F08",
                Box::new(|f| f.closure_approver = false),
                "结案审批表未载明审批人",
            ),
            ("F09", Box::new(|f| f.summary = false), "简要案情"),
            (
                "G05",
                Box::new(|f| f.illegal_gains = Fen(120_000)),
                "违法所得 1,200.00",
            ),
            ("G06", Box::new(|f| f.delivery_method = None), "送达方式"),
            ("G07", Box::new(|f| f.delivery_place = false), "送达地点"),
            (
                "G08",
                Box::new(|f| f.paid_on = Some(day("2024-04-16"))),
                "早于决定书送达 2024-04-17",
            ),
            (
                "B03",
                Box::new(|f| f.persons_without_id = 1),
                "没有身份证件号码",
            ),
            (
                "B04",
                Box::new(|f| f.organisations_without_uscc = 1),
                "没有统一社会信用代码",
            ),
            (
                "B05",
                Box::new(|f| f.parties_without_address = 1),
                "没有地址",
            ),
            (
                "E02",
                Box::new(|f| {
                    f.fine = Fen(0);
                    f.paid = Fen(0);
                }),
                "罚款数额为零",
            ),
            (
                "E03",
                Box::new(|f| f.outcome = Some("warning".into())),
                "警告决定却记载罚款",
            ),
            (
                "G10",
                Box::new(|f| f.delivered_on = None),
                "没有送达决定书的记录",
            ),
            (
                "G09",
                Box::new(|f| f.surcharge = Fen(30_000)),
                "依法应加处罚款 0.00",
            ),
        ];
        let contents: Vec<(&str, Breaks, &str)> = vec![
            (
                "F10",
                Box::new(|f| without(f, DocKind::FilingApproval)),
                "卷内没有立案审批表",
            ),
            (
                "F11",
                Box::new(|f| {
                    without(f, DocKind::InspectionRecord);
                    without(f, DocKind::InquiryRecord);
                }),
                "笔录",
            ),
            (
                "F12",
                Box::new(|f| without(f, DocKind::Evidence)),
                "卷内没有证据材料",
            ),
            (
                "F13",
                Box::new(|f| without(f, DocKind::InvestigationReport)),
                "调查终结报告",
            ),
            (
                "F14",
                Box::new(|f| f.rectification_on = Some(day("2024-03-04"))),
                "卷内没有责令改正通知书",
            ),
            (
                "F15",
                Box::new(|f| f.legal_review_on = Some(day("2024-04-10"))),
                "卷内没有法制审核意见书",
            ),
            (
                "F16",
                Box::new(|f| f.review_triggers.complex_legal_relations = true),
                "集体讨论记录",
            ),
            (
                "F17",
                Box::new(|f| without(f, DocKind::PriorNotice)),
                "卷内没有行政处罚事先告知书",
            ),
            (
                "F18",
                Box::new(|f| without(f, DocKind::StatementRecord)),
                "陈述申辩笔录",
            ),
            (
                "F19",
                Box::new(|f| f.hearing_notice_on = Some(day("2024-04-03"))),
                "卷内没有听证通知书",
            ),
            (
                "F20",
                Box::new(|f| f.hearing_held_on = Some(day("2024-04-12"))),
                "卷内没有听证笔录",
            ),
            (
                "F21",
                Box::new(|f| f.hearing_held_on = Some(day("2024-04-12"))),
                "卷内没有听证报告",
            ),
            (
                "F22",
                Box::new(|f| without(f, DocKind::PenaltyDecision)),
                "卷内没有行政处罚决定书",
            ),
            (
                "F23",
                Box::new(|f| {
                    f.outcome = Some("no_penalty".into());
                    f.no_penalty_reason = true;
                }),
                "卷内没有不予行政处罚决定书",
            ),
            (
                "F24",
                Box::new(|f| without(f, DocKind::DeliveryReceipt)),
                "卷内没有送达回证",
            ),
            (
                "F25",
                Box::new(|f| without(f, DocKind::PaymentReceipt)),
                "缴款凭证",
            ),
            (
                "F26",
                Box::new(|f| without(f, DocKind::ClosureApproval)),
                "卷内没有结案审批表",
            ),
            (
                "H02",
                Box::new(|f| f.contents = None),
                "没有登记任何卷内文件",
            ),
            (
                "H03",
                Box::new(|f| without(f, DocKind::FileIndex)),
                "卷内文件目录",
            ),
            (
                "H04",
                Box::new(|f| without(f, DocKind::FileNote)),
                "卷内备考表",
            ),
            (
                "F27",
                Box::new(|f| {
                    each(f, DocKind::FilingApproval, |d| {
                        d.dated_on = day("2024-03-05")
                    })
                }),
                "立案审批表日期 2024-03-05 与案件记录的立案日期 2024-03-04 不一致",
            ),
            (
                "F28",
                Box::new(|f| {
                    f.rectification_on = Some(day("2024-03-04"));
                    add(f, doc(DocKind::RectificationOrder, "2024-03-03", |_| {}));
                }),
                "责令改正通知书日期 2024-03-03",
            ),
            (
                "F29",
                Box::new(|f| {
                    f.legal_review_on = Some(day("2024-04-10"));
                    add(f, doc(DocKind::LegalReview, "2024-04-11", |_| {}));
                }),
                "法制审核日期 2024-04-10",
            ),
            (
                "F30",
                Box::new(|f| each(f, DocKind::PriorNotice, |d| d.dated_on = day("2024-04-02"))),
                "晚于告知书送达日 2024-04-01",
            ),
            (
                "F31",
                Box::new(|f| {
                    f.hearing_notice_on = Some(day("2024-04-03"));
                    add(f, doc(DocKind::HearingNotice, "2024-04-02", |_| {}));
                }),
                "听证通知日期 2024-04-03",
            ),
            (
                "F32",
                Box::new(|f| {
                    f.hearing_held_on = Some(day("2024-04-12"));
                    add(f, doc(DocKind::HearingRecord, "2024-04-11", |_| {}));
                }),
                "举行听证日期 2024-04-12",
            ),
            (
                "F33",
                Box::new(|f| {
                    each(f, DocKind::PenaltyDecision, |d| {
                        d.dated_on = day("2024-04-14")
                    })
                }),
                "决定日期 2024-04-15",
            ),
            (
                "F34",
                Box::new(|f| {
                    f.outcome = Some("no_penalty".into());
                    add(f, doc(DocKind::NoPenaltyDecision, "2024-04-16", |_| {}));
                }),
                "不予行政处罚决定书日期 2024-04-16",
            ),
            (
                "F35",
                Box::new(|f| {
                    each(f, DocKind::DeliveryReceipt, |d| {
                        d.dated_on = day("2024-04-18")
                    })
                }),
                "送达日期 2024-04-17",
            ),
            (
                "F36",
                Box::new(|f| {
                    each(f, DocKind::PaymentReceipt, |d| {
                        d.dated_on = day("2024-04-24")
                    })
                }),
                "缴款日期 2024-04-25",
            ),
            (
                "F37",
                Box::new(|f| {
                    each(f, DocKind::ClosureApproval, |d| {
                        d.dated_on = day("2024-04-29")
                    })
                }),
                "结案日期 2024-04-28",
            ),
            (
                "D15",
                Box::new(|f| {
                    each(f, DocKind::InquiryRecord, |d| {
                        d.dated_on = day("2024-04-16")
                    })
                }),
                "晚于决定日 2024-04-15",
            ),
            (
                "D16",
                Box::new(|f| add(f, doc(DocKind::CollectiveDiscussion, "2024-04-16", |_| {}))),
                "集体讨论记录 2024-04-16 晚于决定日",
            ),
            (
                "D17",
                Box::new(|f| {
                    each(f, DocKind::StatementRecord, |d| {
                        d.dated_on = day("2024-03-30")
                    })
                }),
                "早于告知书送达日 2024-04-01",
            ),
            (
                "D18",
                Box::new(|f| {
                    each(f, DocKind::InvestigationReport, |d| {
                        d.dated_on = day("2024-03-02")
                    })
                }),
                "早于立案日 2024-03-04",
            ),
            (
                "D19",
                Box::new(|f| add(f, doc(DocKind::Evidence, "2024-04-20", |_| {}))),
                "证据材料 2024-04-20 晚于决定日",
            ),
            (
                "D20",
                Box::new(|f| {
                    f.hearing_held_on = Some(day("2024-04-12"));
                    add(f, doc(DocKind::HearingReport, "2024-04-11", |_| {}));
                }),
                "早于举行听证日 2024-04-12",
            ),
            (
                "D21",
                Box::new(|f| add(f, doc(DocKind::HearingRecord, "2024-04-12", |_| {}))),
                "听证笔录 2024-04-12 没有当事人",
            ),
            (
                "H05",
                Box::new(|f| add(f, doc(DocKind::Evidence, "2024-05-11", |_| {}))),
                "晚于归档日 2024-05-10",
            ),
            (
                "F38",
                Box::new(|f| add(f, doc(DocKind::RectificationOrder, "2024-03-04", |_| {}))),
                "责令改正通知书 2024-03-04 未载明当事人",
            ),
            (
                "F39",
                Box::new(|f| {
                    each(f, DocKind::PriorNotice, |d| {
                        d.party = Some("诸暨市某某商行".into())
                    })
                }),
                "“诸暨市某某商行”与案件当事人（诸暨市某某有限公司）不一致",
            ),
            (
                "F40",
                Box::new(|f| add(f, doc(DocKind::HearingNotice, "2024-04-03", |_| {}))),
                "听证通知书 2024-04-03 未载明当事人",
            ),
            (
                "F41",
                Box::new(|f| each(f, DocKind::PenaltyDecision, |d| d.party = None)),
                "行政处罚决定书 2024-04-15 未载明当事人",
            ),
            (
                "F42",
                Box::new(|f| {
                    add(
                        f,
                        doc(DocKind::NoPenaltyDecision, "2024-04-15", |d| {
                            d.party = Some("张三".into())
                        }),
                    )
                }),
                "“张三”",
            ),
            (
                "F43",
                Box::new(|f| {
                    each(f, DocKind::DeliveryReceipt, |d| {
                        d.party = Some("李四".into())
                    })
                }),
                "“李四”",
            ),
            (
                "F44",
                Box::new(|f| {
                    each(f, DocKind::PenaltyDecision, |d| {
                        d.number = Some("诸市监罚〔2024〕18号".into())
                    })
                }),
                "“诸市监罚〔2024〕18号”与案件记录的文号“诸市监罚〔2024〕17号”不一致",
            ),
            (
                "F45",
                Box::new(|f| each(f, DocKind::PriorNotice, |d| d.number = None)),
                "事先告知书 2024-04-01 未载明文号",
            ),
            (
                "F46",
                Box::new(|f| add(f, doc(DocKind::RectificationOrder, "2024-03-04", |_| {}))),
                "责令改正通知书 2024-03-04 未载明文号",
            ),
            (
                "F47",
                Box::new(|f| {
                    each(f, DocKind::PenaltyDecision, |d| {
                        d.amount = Some(Fen(50_000))
                    })
                }),
                "载明罚款 500.00，案件记录的罚款为 5,000.00",
            ),
            (
                "F48",
                Box::new(|f| each(f, DocKind::PriorNotice, |d| d.amount = None)),
                "未载明拟作出的罚款数额",
            ),
            (
                "E04",
                Box::new(|f| each(f, DocKind::PriorNotice, |d| d.amount = Some(Fen(300_000)))),
                "决定罚款 5,000.00 高于事先告知的 3,000.00",
            ),
            (
                "G11",
                Box::new(|f| {
                    each(f, DocKind::PaymentReceipt, |d| {
                        d.amount = Some(Fen(400_000))
                    })
                }),
                "缴款凭证合计 4,000.00",
            ),
            (
                "G12",
                Box::new(|f| each(f, DocKind::DeliveryReceipt, |d| d.party_signed = false)),
                "送达回证 2024-04-17 没有当事人",
            ),
            (
                "B06",
                Box::new(|f| each(f, DocKind::InspectionRecord, |d| d.officers = 1)),
                "仅有 1 名执法人员签名",
            ),
            (
                "B07",
                Box::new(|f| {
                    each(f, DocKind::InquiryRecord, |d| {
                        d.officers = 1;
                        d.certified = 1;
                    })
                }),
                "询问（调查）笔录 2024-03-06 仅有 1 名",
            ),
            (
                "B08",
                Box::new(|f| each(f, DocKind::InspectionRecord, |d| d.certified = 1)),
                "有 1 名签名的执法人员未载明执法证号",
            ),
            (
                "B09",
                Box::new(|f| each(f, DocKind::InquiryRecord, |d| d.certified = 0)),
                "有 2 名签名的执法人员未载明执法证号",
            ),
            (
                "B10",
                Box::new(|f| each(f, DocKind::InspectionRecord, |d| d.party_signed = false)),
                "现场检查（勘验）笔录 2024-03-01 没有当事人",
            ),
            (
                "B11",
                Box::new(|f| each(f, DocKind::InquiryRecord, |d| d.party_signed = false)),
                "询问（调查）笔录 2024-03-06 没有当事人",
            ),
            (
                "F49",
                Box::new(|f| each(f, DocKind::PriorNotice, |d| d.sealed = false)),
                "事先告知书 2024-04-01 未加盖",
            ),
            (
                "F50",
                Box::new(|f| each(f, DocKind::PenaltyDecision, |d| d.sealed = false)),
                "行政处罚决定书 2024-04-15 未加盖",
            ),
            (
                "F51",
                Box::new(|f| add(f, doc(DocKind::NoPenaltyDecision, "2024-04-15", |_| {}))),
                "不予行政处罚决定书 2024-04-15 未加盖",
            ),
            (
                "F52",
                Box::new(|f| add(f, doc(DocKind::RectificationOrder, "2024-03-04", |_| {}))),
                "责令改正通知书 2024-03-04 未加盖",
            ),
            (
                "F53",
                Box::new(|f| add(f, doc(DocKind::HearingNotice, "2024-04-03", |_| {}))),
                "听证通知书 2024-04-03 未加盖",
            ),
            (
                "H06",
                Box::new(|f| {
                    let second = f
                        .contents
                        .iter()
                        .flatten()
                        .find(|d| d.kind == DocKind::PenaltyDecision)
                        .cloned()
                        .unwrap();
                    add(f, second);
                }),
                "卷内有 2 份行政处罚决定书",
            ),
            (
                "H07",
                Box::new(|f| add(f, doc(DocKind::FilingApproval, "2024-03-04", |_| {}))),
                "卷内有 2 份立案审批表",
            ),
        ];
        let mut covered: Vec<&str> = Vec::new();
        for (code, breaks, detail) in cases.into_iter().chain(contents) {
            let mut f = sound();
            breaks(&mut f);
            let e = evaluate(&f, Calendar::embedded(), DEFAULT_THRESHOLDS);
            let found = e.findings.iter().find(|x| x.rule == code);
            assert!(
                found.is_some_and(|x| x.detail.contains(detail)),
                "{code}: {e:?}"
            );
            covered.push(code);
            // The veto items fail the file whatever the score.
            let rule = super::rule(code).unwrap();
            if rule.veto {
                assert_eq!(e.grade, Grade::Fail, "{code}");
            }
        }
        // Every rule of the sheet has its breaking file here.
        for r in rules().filter(|r| r.machine()) {
            assert!(covered.contains(&r.code), "{} has no test", r.code);
        }
        assert!(findings(&sound()).is_empty());
    }

    #[test]
    fn the_sheet_has_at_least_120_items_and_nine_tenths_are_checked_by_machine() {
        let all: Vec<&Rule> = rules().collect();
        let machine = all.iter().filter(|r| r.machine()).count();
        assert!(all.len() >= 120, "{} items", all.len());
        assert!(machine * 10 >= all.len() * 9, "{machine} of {}", all.len());
        // Codes are unique: findings and configuration refer to them.
        let codes: BTreeSet<&str> = all.iter().map(|r| r.code).collect();
        assert_eq!(codes.len(), all.len());
        // A manual item never finds anything by itself, even on a broken file.
        let mut f = sound();
        f.contents = None;
        f.facts_found = false;
        let e = evaluate(&f, Calendar::embedded(), DEFAULT_THRESHOLDS);
        assert!(!e.findings.is_empty());
        assert!(
            e.findings
                .iter()
                .all(|x| rule(x.rule).is_some_and(Rule::machine))
        );
    }

    #[test]
    fn contents_rules_wait_for_registered_contents() {
        // An imported file, or an open own file with nothing registered yet: no contents findings.
        let mut f = sound();
        f.contents = None;
        f.closed_on = None;
        f.archived_on = None;
        assert!(
            findings(&f)
                .iter()
                .all(|c| !contents::RULES.iter().any(|r| r.code == *c)),
            "{:?}",
            findings(&f)
        );
    }

    #[test]
    fn deductions_add_up_to_the_grade() {
        let mut f = sound();
        f.discretion = "outside".into(); // 15
        f.delivered_on = Some(day("2024-04-25")); // 5 (and payment still in time)
        f.paid_on = Some(day("2024-04-26"));
        // The receipts carry the same days, so only the two deductions above count.
        each(&mut f, DocKind::DeliveryReceipt, |d| {
            d.dated_on = day("2024-04-25")
        });
        each(&mut f, DocKind::PaymentReceipt, |d| {
            d.dated_on = day("2024-04-26")
        });
        let e = evaluate(&f, Calendar::embedded(), DEFAULT_THRESHOLDS);
        assert_eq!((e.score, e.grade), (80, Grade::Pass), "{e:?}");
        let strict = Thresholds {
            excellent: 95,
            pass: 85,
        };
        assert_eq!(
            evaluate(&f, Calendar::embedded(), strict).grade,
            Grade::Fail
        );
    }

    #[test]
    fn imported_files_are_not_faulted_for_records_kept_at_their_source() {
        let mut f = sound();
        f.own = false;
        f.facts_found = false;
        f.evidence = false;
        f.organisations_without_representative = 1;
        assert!(findings(&f).is_empty());
    }

    #[test]
    fn an_extended_decision_limit_is_respected() {
        let mut f = sound();
        f.decided_on = Some(day("2024-06-20"));
        f.delivered_on = Some(day("2024-06-21"));
        f.paid_on = Some(day("2024-06-24"));
        f.closed_on = Some(day("2024-06-25"));
        assert!(findings(&f).contains(&"D08"));
        f.decision_due = Some(day("2024-07-02"));
        assert!(!findings(&f).contains(&"D08"));
    }
}
