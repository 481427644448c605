//! The case-file evaluation sheet (案卷评查表): rules over a penalty case's whole record, in the
//! sections provincial scoring sheets use (LAW.md, "Case-file evaluation"). Each rule has a
//! stable code, what it checks, its legal basis, a deduction from 100 points, and whether it is
//! a veto item (一票否决) that fails the file outright. Rules are pure: the record in, a finding
//! (what triggered it, naming the record's dates and amounts) or nothing out.
//!
//! The engine is here; the record rules are in `record`, the file-contents rules in
//! `contents`, the reviewer's items in `manual`, and each rule's breaking file in `tests`.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{Datelike, NaiveDate};
use fazhi_kernel::calendar::Calendar;
use fazhi_kernel::money::Fen;
use fazhi_kernel::period::{Period, due_date};
use serde::Serialize;

mod contents;
pub mod example;
pub use contents::PAPER_RULES;
mod projection;
pub use projection::projected;
mod manual;
mod record;
#[cfg(test)]
mod tests;

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
    pub outcome: Option<crate::enforcement::case::Decision>,
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
    /// How the decision was delivered, and whether the place is on file.
    pub delivery_method: Option<crate::enforcement::case::DeliveryMethod>,
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
    f.outcome == Some(crate::enforcement::case::Decision::Fine)
}

fn penalised(f: &CaseFile) -> bool {
    matches!(
        f.outcome,
        Some(
            crate::enforcement::case::Decision::Fine | crate::enforcement::case::Decision::Warning
        )
    )
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
    record::RULES
        .iter()
        .chain(contents::RULES)
        .chain(manual::ITEMS)
}
