//! The steps of a penalty case as pure functions: `allowed_steps` says which steps the case's
//! record allows now (the next one first) and why the others are not; `transition` works out
//! what one step writes — fields, the document number to take, the limits it meets, starts or
//! pauses, the timeline's note — or refuses it with the reason and the law. Nothing here reads
//! or writes the database; `repo::write` applies a `Change`.
//!
//! Long because it holds one small function per step (seventeen of them) beside the one stage
//! table (`refusal`) and the date order (`earliest`) they all share; the tests are in
//! `transition/tests.rs`.

use chrono::NaiveDate;
use fazhi_kernel::calendar::Calendar;
use fazhi_kernel::money::Fen;
use fazhi_kernel::period::Period;
use fazhi_store::Arg;

pub use super::action::{Action, Step};
use super::model::Procedure;
use super::model::{Case, Decision, DeliveryMethod, DisputeOutcome};
use crate::enforcement::discretion::{Benchmark, fine_span};
use crate::enforcement::discretion::{DiscretionCheck, check_discretion};
use crate::enforcement::file_contents::DocKind;
use crate::enforcement::publication::PublicationRule;
use crate::enforcement::rules::{
    self, DecisionFacts, PartyKind, ReviewTriggers, Sanction, late_payment_surcharge, may_decide,
};
use crate::enforcement::stage::Stage;
use crate::{Error, Refusals, Result};

/// The article whose limit a pending reconsideration or suit stops (the payment of the fine).
pub const PAYMENT_ARTICLE: &str = "第六十七条";

/// Where a change's note names the number the writer takes from the sequence.
pub const NUMBER: &str = "{number}";

/// Why `step` is not open on `case` now, or `None` when it is. The one place the stage order
/// is decided: the page offers what this allows and `transition` refuses what it does not.
pub fn refusal(case: &Case, step: Step) -> Option<String> {
    use Stage::*;
    let stage = case.stage;
    let wrong_stage = || {
        Some(format!(
            "案件处于“{}”阶段，不能{}。",
            stage.label_zh(),
            step.verb_zh()
        ))
    };
    let open = match step {
        Step::Investigate => matches!(stage, Filed | Investigation | LegalReview),
        // Facts are found before the party is told of them (art. 44, 54: 调查取证 first).
        Step::PriorNotice if stage == Filed => {
            return Some(
                "尚未调查取证：应先查明事实、收集证据，再告知拟作出的处罚（《行政处罚法》第五十四条、第四十四条）。"
                    .into(),
            );
        }
        Step::PriorNotice => matches!(stage, Investigation | LegalReview),
        Step::Statement => stage == PriorNotice && !case.waived && case.stated_on.is_none(),
        Step::LegalReview => matches!(stage, Filed | Investigation | PriorNotice),
        Step::OnTheSpot => stage == Filed && case.procedure == Procedure::General,
        Step::Waive => stage == PriorNotice && !case.waived,
        Step::HearingRequested => {
            stage == PriorNotice && case.hearing_right && !case.hearing_requested
        }
        Step::HearingNotice | Step::HearingHeld => {
            stage == PriorNotice && case.hearing_requested && case.hearing_held_on.is_none()
        }
        Step::Decide => stage == PriorNotice,
        Step::Rectify => {
            if let Some(n) = &case.rectification_number {
                return Some(format!("本案已责令改正（{n}）。"));
            }
            !matches!(stage, Closed | Archived)
        }
        Step::Deliver => stage == Decided,
        Step::Pay => stage == Delivered && case.is_fine(),
        Step::Dispute => {
            if stage == Delivered && case.dispute_pending() {
                return Some("已登记的复议或诉讼尚未审结。".into());
            }
            stage == Delivered && case.is_fine()
        }
        Step::DisputeConcluded => {
            if !case.dispute_pending() {
                return Some("没有待审结的复议或诉讼。".into());
            }
            true
        }
        Step::Close => stage == Executed || (stage == Delivered && !case.is_fine()),
        Step::Archive => stage == Closed,
    };
    if open { None } else { wrong_stage() }
}

/// The steps open on `case` now, the one the case waits for first.
pub fn allowed_steps(case: &Case) -> Vec<Step> {
    let mut order: Vec<Step> = match case.stage {
        Stage::Filed => vec![Step::Investigate, Step::OnTheSpot],
        Stage::Investigation | Stage::LegalReview => {
            vec![Step::PriorNotice, Step::Investigate, Step::LegalReview]
        }
        Stage::PriorNotice => {
            let review_due = !case.triggers.reasons().is_empty() && case.legal_review_on.is_none();
            let mut v = Vec::new();
            if case.hearing_requested && case.hearing_notice_on.is_none() {
                v.push(Step::HearingNotice);
            }
            if case.hearing_notice_on.is_some() {
                v.push(Step::HearingHeld);
            }
            if review_due {
                v.push(Step::LegalReview);
            }
            v.extend([
                Step::Decide,
                Step::Statement,
                Step::Waive,
                Step::HearingRequested,
                Step::HearingNotice,
                Step::HearingHeld,
                Step::LegalReview,
            ]);
            v
        }
        Stage::Decided => vec![Step::Deliver],
        Stage::Delivered if case.dispute_pending() => vec![Step::DisputeConcluded, Step::Pay],
        Stage::Delivered => vec![Step::Pay, Step::Close, Step::Dispute],
        Stage::Executed => vec![Step::Close],
        Stage::Closed => vec![Step::Archive],
        Stage::Archived => Vec::new(),
    };
    order.push(Step::LegalReview);
    order.push(Step::Rectify);
    let mut out: Vec<Step> = Vec::new();
    for step in order {
        if !out.contains(&step) && refusal(case, step).is_none() {
            out.push(step);
        }
    }
    out
}

/// The open steps in the order to offer them on `today`: as `allowed_steps`, except that a
/// decision the law does not allow yet (the defence window still running, a hearing or review
/// outstanding) is not offered first — the party's waiver or request is.
pub fn next_steps(case: &Case, cal: &Calendar, today: NaiveDate) -> Vec<Step> {
    let mut steps = allowed_steps(case);
    if steps.first() == Some(&Step::Decide)
        && may_decide(cal, &decision_facts(case), today).is_err()
    {
        steps.remove(0);
        let at = steps
            .iter()
            .position(|s| !matches!(s, Step::Statement | Step::Waive | Step::HearingRequested))
            .unwrap_or(steps.len());
        steps.insert(at, Step::Decide);
    }
    steps
}

fn decision_facts(case: &Case) -> DecisionFacts {
    DecisionFacts {
        prior_notice_delivered: case.prior_notice_on,
        hearing_right: case.hearing_right,
        waived_in_writing: case.waived,
        waived_on: case.waived_on,
        hearing_requested: case.hearing_requested,
        hearing_held: case.hearing_held_on,
        triggers: case.triggers,
        legal_review_done: case.legal_review_on,
    }
}

/// A time limit a step starts: what for, under which article of 行政处罚法, from when, how long.
#[derive(Clone, Debug, PartialEq)]
pub struct Limit {
    pub purpose: &'static str,
    pub article: &'static str,
    /// What happened on `on` that starts it (起算事件).
    pub start_event: &'static str,
    pub on: NaiveDate,
    pub period: Period,
    /// The party's period, not the agency's duty (`NewDeadline::party_period`).
    pub party: bool,
}

/// A limit stopped (a dispute pending) or resumed.
#[derive(Clone, Debug, PartialEq)]
pub struct Pause {
    pub article: &'static str,
    pub on: NaiveDate,
    pub stop: bool,
    pub reason: String,
}

/// A document number to take from the issuer's sequence of `word` (罚, 不罚, 罚告, 责改) for
/// the step's year, stored in `column` and put into the note at `NUMBER`.
#[derive(Clone, Debug, PartialEq)]
pub struct Numbered {
    pub word: &'static str,
    pub column: &'static str,
}

/// A document a step puts into the case file itself (卷内文件), as far as the record knows it:
/// its kind, date, number and amount. The party is the case's; signatures, seal and pages are
/// what only the paper knows, for the handler to complete (`file_contents::complete`).
#[derive(Clone, Debug, PartialEq)]
pub struct Filed {
    pub kind: DocKind,
    pub on: NaiveDate,
    /// The number this step takes from the sequence (`Change::number`) is the document's.
    pub takes_number: bool,
    /// A number the record already holds (the decision's, on its delivery receipt).
    pub number: Option<String>,
    pub amount: Option<Fen>,
}

/// What one step writes.
#[derive(Clone, Debug)]
pub struct Change {
    pub stage: Stage,
    /// The day the step happened (the timeline's date).
    pub on: NaiveDate,
    pub note: String,
    pub fields: Vec<(&'static str, Arg)>,
    pub number: Option<Numbered>,
    /// Limits of these articles met on `on`.
    pub meets: Vec<&'static str>,
    pub starts: Vec<Limit>,
    pub pause: Option<Pause>,
    /// The documents the step puts into the case file.
    pub files: Vec<Filed>,
    /// The step that made the change (set by `transition`).
    pub step: Option<Step>,
}

impl Change {
    fn new(stage: Stage, on: NaiveDate, note: impl Into<String>) -> Change {
        Change {
            stage,
            on,
            note: note.into(),
            fields: Vec::new(),
            number: None,
            meets: Vec::new(),
            starts: Vec::new(),
            pause: None,
            files: Vec::new(),
            step: None,
        }
    }

    fn set(mut self, column: &'static str, value: impl Into<Arg>) -> Change {
        self.fields.push((column, value.into()));
        self
    }

    fn date(self, column: &'static str, on: NaiveDate) -> Change {
        self.set(column, on.to_string())
    }

    /// The step files a document of `kind`, dated the step's day.
    fn filing(mut self, kind: DocKind, amount: Option<Fen>) -> Change {
        self.files.push(Filed {
            kind,
            on: self.on,
            takes_number: false,
            number: None,
            amount,
        });
        self
    }

    /// The step files a document of `kind` under the number it takes.
    fn filing_numbered(mut self, kind: DocKind, amount: Option<Fen>) -> Change {
        self = self.filing(kind, amount);
        if let Some(f) = self.files.last_mut() {
            f.takes_number = true;
        }
        self
    }
}

/// What a step needs from outside the case, loaded before it is worked out.
#[derive(Clone, Debug, Default)]
pub struct Inputs {
    /// The item's discretion benchmarks (for a decision with facts).
    pub benchmarks: Vec<Benchmark>,
    /// The department's publication rule on the decision day (for a decision).
    pub publication: Option<PublicationRule>,
    /// The evaluation sheet's machine findings open on the case (for archiving: rule codes).
    pub open_findings: Vec<String>,
    /// The case's legal reviews requested in fazhi (for the legal-review step).
    pub reviews: Vec<CaseReview>,
}

/// A legality review of kind enforcement naming the case.
#[derive(Clone, Debug, Default)]
pub struct CaseReview {
    pub id: i64,
    pub concluded: bool,
    pub signed_on: Option<String>,
}

/// The legal review recorded on the case (art. 58) waits for the review requested in fazhi and
/// is not dated before its opinion. A review done outside fazhi (none requested) is recorded
/// as before.
fn legal_review(case: &Case, on: NaiveDate, reviews: &[CaseReview]) -> Result<Change> {
    if let Some(open) = reviews.iter().find(|r| !r.concluded) {
        return Err(Error::refused(
            "case_legal_review_open",
            "on",
            format!(
                "本案的法制审核（合法性审查 {}）尚未办结，办结后方可登记（《行政处罚法》第五十八条）。",
                open.id
            ),
        ));
    }
    if let Some(signed) = reviews
        .iter()
        .filter_map(|r| r.signed_on.as_deref())
        .max()
        .filter(|s| on.to_string().as_str() < *s)
    {
        return Err(Error::invalid(
            "on",
            format!("法制审核日期 {on} 早于审核意见签署日期 {signed}。"),
        ));
    }
    Ok(Change::new(case.stage, on, "完成法制审核")
        .date("legal_review_on", on)
        .filing(DocKind::LegalReview, None))
}

/// Payment of a fine within 15 days of receiving the decision (art. 67).
fn payment_limit(on: NaiveDate) -> Limit {
    Limit {
        purpose: "缴纳罚款",
        article: PAYMENT_ARTICLE,
        start_event: "处罚决定书送达",
        on,
        period: Period::CalendarDays(15),
        // Owed by the party, but its lapse is the agency's to act on (surcharge, demand
        // notice, enforcement: art. 72), so it warns like a duty.
        party: false,
    }
}

fn number_word(decision: Decision) -> &'static str {
    if decision == Decision::NoPenalty {
        "不罚"
    } else {
        "罚"
    }
}

/// What `action` writes on `case` on `today`, or why it may not happen.
pub fn transition(
    case: &Case,
    action: &Action,
    cal: &Calendar,
    today: NaiveDate,
    inputs: &Inputs,
) -> Result<Change> {
    let step = action.step();
    if let Some(why) = refusal(case, step) {
        return Err(Error::refused("case_step_not_open", "stage", why));
    }
    let mut change = match action {
        Action::Investigate { .. } => investigate(case, action)?,
        Action::PriorNotice { .. } => prior_notice(case, action, inputs)?,
        Action::Statement { on } => Change::new(case.stage, *on, "当事人陈述、申辩（制作笔录）")
            .date("stated_on", *on)
            .filing(DocKind::StatementRecord, None),
        Action::Waive { on } => Change::new(case.stage, *on, "当事人书面放弃陈述、申辩和听证")
            .set("waived", 1)
            .date("waived_on", *on)
            .meeting("第六十四条")
            .filing(DocKind::StatementRecord, None),
        Action::HearingRequested { on } => Change::new(case.stage, *on, "当事人要求听证")
            .set("hearing_requested", 1)
            .meeting("第六十四条"),
        Action::HearingNotice { on, hearing_on } => hearing_notice(case, cal, *on, *hearing_on)?,
        Action::HearingHeld { on } => hearing_held(case, cal, *on)?,
        Action::LegalReview { on } => legal_review(case, *on, &inputs.reviews)?,
        Action::Decide { .. } => decide(case, action, cal, inputs)?,
        Action::OnTheSpot { on, decision, fine } => on_the_spot(case, *on, *decision, *fine)?,
        Action::Rectify { on, rectify_by } => rectify(case, *on, *rectify_by)?,
        Action::Deliver { on, method, place } => deliver(case, *on, *method, place.as_deref())?,
        Action::Pay { on } => pay(case, *on)?,
        Action::Dispute { on, litigation } => dispute(case, *on, *litigation),
        Action::DisputeConcluded { on, outcome } => dispute_concluded(case, *on, *outcome)?,
        Action::Close { on, approver } => {
            let approver = crate::org::rules::optional_text(
                "approver",
                "结案审批人",
                approver.as_deref(),
                50,
            )?;
            if approver.is_none() && case.procedure == Procedure::General {
                return Err(Error::refused(
                    "case_closure_approver_required",
                    "approver",
                    "普通程序案件结案须经行政机关负责人审批，请填写结案审批人。",
                ));
            }
            Change::new(Stage::Closed, *on, "结案")
                .set("closure_approver", approver)
                .date("closed_on", *on)
                .filing(DocKind::ClosureApproval, None)
        }
        Action::Archive { on, reason } => archive(*on, reason.as_deref(), &inputs.open_findings)?,
    };
    change.step = Some(step);
    if change.on > today {
        return Err(Error::refused(
            "date_in_future",
            "on",
            format!(
                "{}的日期 {} 晚于今天：日期不能晚于今天。",
                step.verb_zh(),
                change.on
            ),
        ));
    }
    if let Some((earliest, what)) = earliest(case, step).filter(|(d, _)| change.on < *d) {
        return Err(Error::refused(
            "case_date_order",
            "on",
            format!(
                "{}的日期 {} 早于{what} {earliest}：案卷的日期应与办案的先后一致。",
                step.verb_zh(),
                change.on
            ),
        ));
    }
    Ok(change)
}

/// The day a step may not come before — the step it follows — and that step's name.
fn earliest(case: &Case, step: Step) -> Option<(NaiveDate, &'static str)> {
    let latest = |dates: &[(Option<NaiveDate>, &'static str)]| {
        dates
            .iter()
            .filter_map(|(d, what)| d.map(|d| (d, *what)))
            .max_by_key(|(d, _)| *d)
    };
    let filed = (case.filed_on, "立案日");
    let investigated = (case.investigated_on, "调查取证日");
    let notice = (case.prior_notice_on, "事先告知书送达日");
    let decided = (case.decided_on, "决定日");
    match step {
        Step::Waive | Step::HearingRequested | Step::HearingNotice => latest(&[filed, notice]),
        Step::Deliver => latest(&[filed, decided]),
        Step::Pay | Step::Dispute => latest(&[filed, decided, (case.delivered_on, "送达日")]),
        Step::DisputeConcluded => latest(&[filed, decided, (case.dispute_on, "申请或起诉日")]),
        Step::Close => latest(&[
            filed,
            decided,
            (case.delivered_on, "送达日"),
            (case.paid_on, "缴款日"),
        ]),
        Step::Archive => latest(&[filed, (case.closed_on, "结案日")]),
        // The prior notice states the facts found: not before they were investigated.
        Step::PriorNotice => latest(&[filed, investigated]),
        _ => latest(&[filed]),
    }
}

impl Change {
    fn meeting(mut self, article: &'static str) -> Change {
        self.meets.push(article);
        self
    }

    fn starting(mut self, limit: Limit) -> Change {
        self.starts.push(limit);
        self
    }

    fn numbered(mut self, word: &'static str, column: &'static str) -> Change {
        self.number = Some(Numbered { word, column });
        self
    }
}

fn investigate(case: &Case, action: &Action) -> Result<Change> {
    let Action::Investigate {
        on,
        facts,
        evidence,
        inspection_record,
        inquiry_record,
        concluded,
    } = action
    else {
        return Err(Error::invalid("action", "不是调查取证。"));
    };
    let on = *on;
    let mut refused = Refusals::default();
    let facts = refused.take(crate::org::rules::text("facts", "查明的事实", facts, 4000))?;
    let added: Vec<String> = evidence
        .iter()
        .map(|e| e.trim().to_string())
        .filter(|e| !e.is_empty())
        .collect();
    if added.iter().any(|e| e.chars().count() > 200) {
        refused.push(Error::invalid("evidence", "每项证据不超过 200 字。"));
    }
    refused.finish()?;
    // `finish` passed: the facts were accepted.
    let facts = facts.unwrap_or_default();
    let all: Vec<String> = case.evidence.iter().chain(&added).cloned().collect();
    let note = format!(
        "调查取证：{}",
        if added.is_empty() {
            "更新查明的事实".to_string()
        } else {
            added.join("、")
        }
    );
    // An imported case at the legal-review stage keeps it: its review came first.
    let stage = if case.stage == Stage::LegalReview {
        Stage::LegalReview
    } else {
        Stage::Investigation
    };
    let mut change = Change::new(stage, on, note)
        .set("facts_found", facts)
        .set("evidence", all.join("\n"))
        .date(
            "investigated_on",
            case.investigated_on.map_or(on, |d| d.max(on)),
        );
    for (made, kind) in [
        (*inspection_record, DocKind::InspectionRecord),
        (*inquiry_record, DocKind::InquiryRecord),
        (!added.is_empty(), DocKind::Evidence),
        (*concluded, DocKind::InvestigationReport),
    ] {
        if made {
            change = change.filing(kind, None);
        }
    }
    Ok(change)
}

fn triggers_code(t: &ReviewTriggers) -> String {
    [
        (t.major_public_interest, "public_interest"),
        (t.hearing_on_major_rights, "major_rights"),
        (t.complex_legal_relations, "complex"),
        (t.required_by_other_law, "other_law"),
    ]
    .iter()
    .filter(|(on, _)| *on)
    .map(|(_, c)| *c)
    .collect::<Vec<_>>()
    .join(",")
}

/// The review triggers as stored (`public_interest,complex`).
pub fn triggers_parse(s: &str) -> ReviewTriggers {
    ReviewTriggers {
        major_public_interest: s.contains("public_interest"),
        hearing_on_major_rights: s.contains("major_rights"),
        complex_legal_relations: s.contains("complex"),
        required_by_other_law: s.contains("other_law"),
    }
}

/// What a decision or proposal amounts to, for "not heavier" (art. 45 ¶2): its kind in the
/// order 不予处罚 < 警告 < 罚款, then the fine.
fn weight(decision: Decision, fine: Fen) -> (u8, i64) {
    let kind = match decision {
        Decision::NoPenalty => 0,
        Decision::Warning => 1,
        Decision::Fine => 2,
    };
    (kind, fine.0)
}

/// A fine outside every band of the item's benchmark in force on `on` (the legal range as the
/// benchmark restates it), described; None when within or when there is no benchmark.
fn outside_benchmark(case: &Case, inputs: &Inputs, on: NaiveDate, fine: Fen) -> Option<String> {
    let (lo, hi) = fine_span(&inputs.benchmarks, on, case.illegal_gains)?;
    (fine < lo || fine > hi)
        .then(|| format!("罚款 {fine} 不在该事项裁量基准的罚款幅度 {lo}—{hi} 内"))
}

fn prior_notice(case: &Case, action: &Action, inputs: &Inputs) -> Result<Change> {
    let Action::PriorNotice {
        delivered_on,
        hearing_right,
        triggers,
        proposed,
        proposed_fine,
    } = action
    else {
        return Err(Error::invalid("action", "不是事先告知。"));
    };
    let (delivered_on, proposed, fine) = (*delivered_on, *proposed, *proposed_fine);
    let fine = match proposed {
        Decision::Fine if fine.0 <= 0 => {
            return Err(Error::refused(
                "case_proposed_fine_required",
                "proposed_fine",
                "拟罚款的，事先告知书应载明拟作出的罚款数额（《行政处罚法》第四十四条）。",
            ));
        }
        Decision::Fine => fine,
        Decision::Warning => Fen::ZERO,
        Decision::NoPenalty => {
            return Err(Error::invalid(
                "proposed",
                "拟不予行政处罚的，无须送达行政处罚事先告知书；请选择拟作出的处罚：罚款或警告。",
            ));
        }
    };
    if proposed == Decision::Fine
        && let Some(why) = outside_benchmark(case, inputs, delivered_on, fine)
    {
        return Err(Error::refused(
            "case_proposed_fine_outside_benchmark",
            "proposed_fine",
            format!("{why}，请核对拟罚款数额。"),
        ));
    }
    let what = if proposed == Decision::Fine {
        format!("拟罚款 {fine}")
    } else {
        "拟警告".into()
    };
    let note = format!(
        "送达行政处罚事先告知书 {NUMBER}（{what}{}）",
        if *hearing_right {
            "，告知听证权利"
        } else {
            ""
        }
    );
    Ok(Change::new(Stage::PriorNotice, delivered_on, note)
        .date("prior_notice_on", delivered_on)
        .set("hearing_right", i64::from(*hearing_right))
        .set("review_triggers", triggers_code(triggers))
        .set("proposed_outcome", proposed.code())
        .set("proposed_fine_fen", fine.0)
        .numbered("罚告", "prior_notice_number")
        .filing_numbered(DocKind::PriorNotice, Some(fine).filter(|f| f.0 > 0))
        .starting(Limit {
            purpose: "陈述、申辩和要求听证",
            article: "第六十四条",
            start_event: "事先告知书送达",
            on: delivered_on,
            period: rules::DEFENCE_WINDOW,
            party: true,
        }))
}

/// Archiving (归档); with the sheet's machine findings still open, only with the reason why.
fn archive(on: NaiveDate, reason: Option<&str>, open: &[String]) -> Result<Change> {
    let reason = crate::org::rules::optional_text("reason", "归档说明", reason, 500)?;
    let note = match (open.is_empty(), reason) {
        (true, _) => "归档".to_string(),
        (false, None) => {
            return Err(Error::refused(
                "case_archive_reason_required",
                "reason",
                format!(
                    "案卷评查仍有 {} 个问题未纠正（{}）：请先纠正，或写明归档的理由。",
                    open.len(),
                    open.join("、")
                ),
            ));
        }
        (false, Some(r)) => format!("归档（评查问题 {} 未纠正：{r}）", open.join("、")),
    };
    Ok(Change::new(Stage::Archived, on, note)
        .date("archived_on", on)
        .filing(DocKind::FileIndex, None)
        .filing(DocKind::FileNote, None))
}

fn hearing_notice(
    case: &Case,
    cal: &Calendar,
    on: NaiveDate,
    hearing_on: NaiveDate,
) -> Result<Change> {
    let earliest = cal.add_working_days(on, 7);
    if hearing_on < earliest {
        return Err(Error::refused(
            "case_hearing_notice_late",
            "hearing_on",
            format!(
                "听证通知应在举行听证的七个工作日前送达（《行政处罚法》第六十四条）：{on} 送达通知的，听证最早于 {earliest} 举行。"
            ),
        ));
    }
    Ok(Change::new(
        case.stage,
        on,
        format!("送达听证通知，定于 {hearing_on} 举行听证"),
    )
    .date("hearing_notice_on", on)
    .date("hearing_on", hearing_on)
    .filing(DocKind::HearingNotice, None))
}

fn hearing_held(case: &Case, cal: &Calendar, on: NaiveDate) -> Result<Change> {
    let Some(notice) = case.hearing_notice_on else {
        return Err(Error::refused(
            "case_hearing_without_notice",
            "on",
            "尚未送达听证通知，不能举行听证（《行政处罚法》第六十四条）。",
        ));
    };
    let earliest = cal.add_working_days(notice, 7);
    if on < earliest {
        return Err(Error::invalid(
            "on",
            format!("听证通知于 {notice} 送达，听证最早于 {earliest} 举行。"),
        ));
    }
    // The hearing's record (听证笔录) is made at it, its report (听证报告) after it — both
    // dated the hearing's day here; the handler corrects a later report's date.
    Ok(Change::new(case.stage, on, "举行听证")
        .date("hearing_held_on", on)
        .filing(DocKind::HearingRecord, None)
        .filing(DocKind::HearingReport, None))
}

fn decide(case: &Case, action: &Action, cal: &Calendar, inputs: &Inputs) -> Result<Change> {
    let Action::Decide {
        on,
        decision,
        fine,
        facts: benchmark_facts,
        deviation_reason,
        no_penalty_reason,
    } = action
    else {
        return Err(Error::invalid("action", "不是作出决定。"));
    };
    let (on, decision, fine) = (*on, *decision, *fine);
    // The form's independent checks are all made, so every fault is shown at once.
    let mut refused = Refusals::default();
    let no_penalty_reason = refused.take(crate::org::rules::optional_text(
        "no_penalty_reason",
        "不予行政处罚的理由",
        no_penalty_reason.as_deref(),
        500,
    ))?;
    if decision == Decision::NoPenalty && no_penalty_reason == Some(None) {
        refused.push(Error::refused(
            "case_no_penalty_reason_required",
            "no_penalty_reason",
            "不予行政处罚须写明理由（如：违法行为轻微并及时改正，没有造成危害后果；《行政处罚法》第三十三条）。",
        ));
    }
    let no_penalty_reason = no_penalty_reason.flatten();
    refused
        .take(may_decide(cal, &decision_facts(case), on).map_err(|why| {
            Error::refused("case_decision_not_allowed", "decided_on", why.join(""))
        }))?;
    if decision == Decision::Fine && fine.0 <= 0 {
        refused.push(Error::invalid("fine", "罚款决定须填写大于零的罚款金额。"));
    }
    if decision != Decision::Fine && fine.0 != 0 {
        refused.push(Error::refused(
            "case_fine_without_fine_decision",
            "fine",
            format!(
                "{}的决定不含罚款：请清空罚款金额，或将决定改为罚款。",
                decision.label_zh()
            ),
        ));
    }
    // An item with a benchmark is decided against it: the facts it looks at are required.
    if benchmark_facts.is_none() && !inputs.benchmarks.is_empty() {
        refused.push(Error::refused(
            "case_benchmark_facts_required",
            "severity",
            "该事项有裁量基准：请选择违法情节（及适用的情形），决定将与基准比对。",
        ));
    }
    refused.finish()?;
    if let Some(proposed) = case.proposed
        && weight(decision, fine) > weight(proposed, case.proposed_fine)
    {
        return Err(Error::refused(
            "case_decision_heavier_than_notice",
            "fine",
            format!(
                "决定（{}{}）重于事先告知拟作出的处罚（{}{}）：不得因当事人陈述、申辩而给予更重的处罚（《行政处罚法》第四十五条第二款）；确需加重的，应重新告知。",
                decision.label_zh(),
                if decision == Decision::Fine {
                    format!(" {fine}")
                } else {
                    String::new()
                },
                proposed.label_zh(),
                if proposed == Decision::Fine {
                    format!(" {}", case.proposed_fine)
                } else {
                    String::new()
                },
            ),
        ));
    }
    let (check, recommendation) = match benchmark_facts {
        // Without the facts no band can be chosen, but a fine outside every band is outside
        // whichever applies.
        None if decision == Decision::Fine => match outside_benchmark(case, inputs, on, fine) {
            Some(why) => (DiscretionCheck::Outside, why),
            None => (DiscretionCheck::Unchecked, String::new()),
        },
        None => (DiscretionCheck::Unchecked, String::new()),
        Some(f) => {
            let act = case.act_ended_on.unwrap_or(on);
            let facts = f
                .to_facts(case.illegal_gains, act, on)
                .ok_or_else(|| Error::invalid("severity", "请选择违法情节。"))?;
            check_discretion(&inputs.benchmarks, &facts, decision.code(), fine)
        }
    };
    let reason = deviation_reason
        .as_deref()
        .map(str::trim)
        .filter(|r| !r.is_empty());
    if check == DiscretionCheck::Outside && reason.is_none() {
        return Err(Error::refused(
            "case_deviation_reason_required",
            "deviation_reason",
            format!(
                "该决定偏离裁量基准（{recommendation}），须填写书面理由；理由将随案件接受执法监督。"
            ),
        ));
    }
    let what = match decision {
        Decision::Fine => format!("罚款 {fine}"),
        Decision::Warning => "警告".into(),
        Decision::NoPenalty => "不予行政处罚".into(),
    };
    let mut change = Change::new(Stage::Decided, on, format!("作出决定 {NUMBER}：{what}"))
        .set(
            "facts",
            benchmark_facts
                .as_ref()
                .and_then(|f| serde_json::to_string(f).ok()),
        )
        .set("discretion", check.code())
        .set(
            "recommendation",
            Some(recommendation).filter(|t| !t.is_empty()),
        )
        .set("deviation_reason", reason.map(str::to_string))
        .set(
            "no_penalty_reason",
            no_penalty_reason.filter(|_| decision == Decision::NoPenalty),
        )
        .date("decided_on", on)
        .set("outcome", decision.code())
        .set("fine_fen", fine.0)
        .numbered(number_word(decision), "decision_number")
        .filing_numbered(
            if decision == Decision::NoPenalty {
                DocKind::NoPenaltyDecision
            } else {
                DocKind::PenaltyDecision
            },
            Some(fine).filter(|f| f.0 > 0),
        )
        .meeting("第六十条")
        .meeting("第六十四条")
        .starting(Limit {
            purpose: "送达处罚决定书",
            article: "第六十一条",
            start_event: "作出处罚决定",
            on,
            period: Period::WorkingDays(7),
            party: false,
        });
    // The party neither stated its case, nor waived, nor was heard: the record that the window
    // passed without a statement (逾期未提出陈述、申辩的记录) goes into the file.
    if case.prior_notice_on.is_some()
        && !case.waived
        && case.stated_on.is_none()
        && case.hearing_held_on.is_none()
    {
        change = change.filing(DocKind::StatementRecord, None);
    }
    // Publication within the department's limit in force on the decision day
    // (国办发〔2018〕118号: 7 working days unless configured), of the decisions its rule
    // publishes (a warning alone not, by default; a no-penalty decision never).
    if let Some(rule) = inputs
        .publication
        .filter(|rule| rule.publishes(decision.code()))
    {
        change = change.starting(Limit {
            purpose: "公开处罚决定",
            article: "第四十八条",
            start_event: "作出处罚决定",
            on,
            period: Period::WorkingDays(u32::try_from(rule.days).unwrap_or(7)),
            party: false,
        });
    }
    Ok(change)
}

fn on_the_spot(case: &Case, on: NaiveDate, decision: Decision, fine: Fen) -> Result<Change> {
    if case.filed_on != Some(on) {
        return Err(Error::refused(
            "case_summary_procedure_day",
            "on",
            "简易程序当场作出决定，决定日应为立案当日；否则应适用普通程序。",
        ));
    }
    let party = case
        .first_party
        .ok_or_else(|| Error::invalid("parties", "案件没有登记当事人。"))?;
    let sanction = match decision {
        Decision::Warning if fine.0 != 0 => {
            return Err(Error::refused(
                "case_fine_without_fine_decision",
                "fine",
                "警告的决定不含罚款：请清空罚款金额，或将决定改为罚款。",
            ));
        }
        Decision::Warning => Sanction::Warning,
        Decision::Fine if fine.0 > 0 => Sanction::Fine(fine),
        Decision::Fine => return Err(Error::invalid("fine", "罚款决定须填写罚款金额。")),
        Decision::NoPenalty => Sanction::Other,
    };
    rules::summary_procedure(party, sanction)
        .map_err(|m| Error::refused("case_summary_procedure_limit", "fine", m))?;
    let what = if decision == Decision::Fine {
        format!("罚款 {fine}")
    } else {
        "警告".into()
    };
    let mut change = Change::new(
        Stage::Delivered,
        on,
        format!("简易程序当场作出处罚决定并交付（{NUMBER}，{what}）"),
    )
    .set("procedure", Procedure::Summary.code())
    .date("decided_on", on)
    .date("delivered_on", on)
    .set("outcome", decision.code())
    .set("fine_fen", fine.0)
    .numbered(number_word(decision), "decision_number")
    .filing_numbered(DocKind::PenaltyDecision, Some(fine).filter(|f| f.0 > 0))
    .filing(DocKind::DeliveryReceipt, None)
    .meeting("第六十条");
    if decision == Decision::Fine {
        change = change.starting(payment_limit(on));
    }
    Ok(change)
}

fn rectify(case: &Case, on: NaiveDate, rectify_by: NaiveDate) -> Result<Change> {
    if rectify_by < on {
        return Err(Error::invalid(
            "rectify_by",
            format!("改正期限 {rectify_by} 早于责令改正之日 {on}。"),
        ));
    }
    Ok(Change::new(
        case.stage,
        on,
        format!("责令改正（{NUMBER}），限 {rectify_by} 前改正"),
    )
    .date("rectification_on", on)
    .date("rectify_by", rectify_by)
    .numbered("责改", "rectification_number")
    .filing_numbered(DocKind::RectificationOrder, None))
}

fn deliver(
    case: &Case,
    on: NaiveDate,
    method: DeliveryMethod,
    place: Option<&str>,
) -> Result<Change> {
    let place = crate::org::rules::optional_text("place", "送达地点", place, 200)?;
    if method.needs_place() && place.is_none() {
        return Err(Error::refused(
            "case_delivery_place_required",
            "place",
            "直接送达、留置送达须填写送达地点。",
        ));
    }
    // By public notice (公告送达) `on` is the day the notice went out; the decision is deemed
    // delivered 30 days later, and the periods that run from delivery (payment, art. 67) start
    // then (行政处罚法第六十一条 → 民事诉讼法第九十五条).
    let delivered = if method == DeliveryMethod::PublicNotice {
        rules::public_notice_delivery(on)
    } else {
        on
    };
    let note = if delivered == on {
        "送达处罚决定书".to_string()
    } else {
        format!(
            "公告送达处罚决定书：{on} 发出公告，经过三十日，{delivered} 视为送达（《民事诉讼法》第九十五条）"
        )
    };
    let mut change = Change::new(Stage::Delivered, on, note)
        .set("delivery_method", method.code())
        .set("delivery_place", place)
        .date("delivered_on", delivered)
        .meeting("第六十一条");
    // The receipt is dated the day the decision counts as delivered (for a public notice, 30
    // days on), and names the decision it delivers.
    change.files.push(Filed {
        kind: DocKind::DeliveryReceipt,
        on: delivered,
        takes_number: false,
        number: case.decision_number.clone(),
        amount: None,
    });
    if case.is_fine() {
        change = change.starting(payment_limit(delivered));
    }
    Ok(change)
}

fn pay(case: &Case, on: NaiveDate) -> Result<Change> {
    let due = case
        .payment_due
        .ok_or_else(|| Error::invalid("on", "未找到缴款期限。"))?;
    let surcharge = late_payment_surcharge(case.fine, due, on);
    let note = if surcharge.0 > 0 {
        format!(
            "缴纳罚款 {}，逾期 {} 日加处罚款 {surcharge}（第七十二条）",
            case.fine,
            (on - due).num_days()
        )
    } else {
        format!("按期缴纳罚款 {}", case.fine)
    };
    Ok(Change::new(Stage::Executed, on, note)
        .date("paid_on", on)
        .set("paid_fen", case.fine.0 + surcharge.0)
        .set("surcharge_fen", surcharge.0)
        .meeting(PAYMENT_ARTICLE)
        .filing(
            DocKind::PaymentReceipt,
            Some(Fen(case.fine.0 + surcharge.0)),
        ))
}

fn dispute(case: &Case, on: NaiveDate, litigation: bool) -> Change {
    let what = if litigation {
        "提起行政诉讼"
    } else {
        "申请行政复议"
    };
    let mut change = Change::new(case.stage, on, format!("当事人{what}；缴款期限中止"))
        .set(
            "dispute_kind",
            if litigation {
                "litigation"
            } else {
                "reconsideration"
            },
        )
        .date("dispute_on", on)
        .set("dispute_concluded_on", Arg::Null)
        .set("dispute_outcome", Arg::Null);
    change.pause = Some(Pause {
        article: PAYMENT_ARTICLE,
        on,
        stop: true,
        reason: format!("当事人{what}，期间不计加处罚款（《行政处罚法》第七十三条第三款）"),
    });
    change
}

fn dispute_concluded(case: &Case, on: NaiveDate, outcome: DisputeOutcome) -> Result<Change> {
    let since = case.dispute_on.unwrap_or(on);
    if on < since {
        return Err(Error::invalid(
            "on",
            format!("审结日期不能早于申请或起诉日期 {since}。"),
        ));
    }
    let change = Change::new(case.stage, on, String::new())
        .date("dispute_concluded_on", on)
        .set("dispute_outcome", outcome.code());
    Ok(if outcome == DisputeOutcome::Revoked {
        // Nothing left to pay: the payment limit is closed, not resumed.
        Change {
            note: "复议或诉讼审结：处罚决定被撤销，不再缴纳罚款".into(),
            ..change
        }
        .meeting(PAYMENT_ARTICLE)
    } else {
        let next = on.succ_opt().unwrap_or(on);
        Change {
            note: format!(
                "复议或诉讼审结（{}）：缴款期限自 {next} 起继续计算",
                outcome.label_zh()
            ),
            pause: Some(Pause {
                article: PAYMENT_ARTICLE,
                on: next,
                stop: false,
                reason: "复议或诉讼审结，缴款期限自次日起继续计算".into(),
            }),
            ..change
        }
    })
}

/// The first party's kind as stored.
pub(crate) fn party_kind(code: &str) -> PartyKind {
    if code == "person" {
        PartyKind::Person
    } else {
        PartyKind::Organisation
    }
}

#[cfg(test)]
mod tests;
