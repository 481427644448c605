//! A major administrative decision (`MajorDecision`) and its steps as pure functions: the open
//! steps (the next first) and what a step changes. The procedures and their order are those of
//! 《重大行政决策程序暂行条例》(国务院令第713号, 2019): chapter 2 forms the draft (public
//! participation, expert review, risk assessment), chapter 3 reviews its legality and decides it
//! collectively, then publishes and archives it; chapter 4 evaluates it after implementation.

use chrono::NaiveDate;
use serde::Serialize;

pub use crate::review::ReviewFacts;
use crate::{Error, Refusals, Result};

/// Art. 15: the public comment period is generally at least 30 days; a shorter one must say
/// why when the consultation opens. Counted as the days from the first to the last, both in.
pub const COMMENT_DAYS: i64 = 30;
/// A period longer than a year is taken for a typing error: the regulation sets no upper limit,
/// but a consultation that long answers no one.
pub const COMMENT_DAYS_MAX: i64 = 366;
/// Longest free text of a step (a note, an opinion summary, a report), in characters.
pub const NOTE_MAX: usize = 2000;
pub const REPORT_MAX: usize = 4000;
pub const REASON_MAX: usize = 1000;
pub const MEETING_MAX: usize = 100;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Stage {
    Drafting,
    Decided,
    Rejected,
    Published,
    Archived,
    Withdrawn,
}

impl Stage {
    pub const ALL: [Stage; 6] = [
        Stage::Drafting,
        Stage::Decided,
        Stage::Rejected,
        Stage::Published,
        Stage::Archived,
        Stage::Withdrawn,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Stage::Drafting => "drafting",
            Stage::Decided => "decided",
            Stage::Rejected => "rejected",
            Stage::Published => "published",
            Stage::Archived => "archived",
            Stage::Withdrawn => "withdrawn",
        }
    }

    pub fn parse(code: &str) -> Option<Stage> {
        Stage::ALL.into_iter().find(|s| s.code() == code)
    }

    pub fn label_zh(self) -> &'static str {
        match self {
            Stage::Drafting => "草案形成中",
            Stage::Decided => "已决定，待公布",
            Stage::Rejected => "未通过",
            Stage::Published => "已公布",
            Stage::Archived => "已归档",
            Stage::Withdrawn => "已撤回",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RiskLevel {
    Low,
    Medium,
    High,
}

impl RiskLevel {
    pub const ALL: [RiskLevel; 3] = [RiskLevel::Low, RiskLevel::Medium, RiskLevel::High];

    pub fn code(self) -> &'static str {
        match self {
            RiskLevel::Low => "low",
            RiskLevel::Medium => "medium",
            RiskLevel::High => "high",
        }
    }

    pub fn parse(code: &str) -> Option<RiskLevel> {
        RiskLevel::ALL.into_iter().find(|s| s.code() == code)
    }

    pub fn label_zh(self) -> &'static str {
        match self {
            RiskLevel::Low => "低风险",
            RiskLevel::Medium => "中风险",
            RiskLevel::High => "高风险",
        }
    }
}

/// The decision's public consultation, with the count of its comments still lacking a
/// disposition.
#[derive(Clone, Debug, Serialize)]
pub struct Consultation {
    pub draft: String,
    pub opens_on: String,
    pub closes_on: String,
    pub short_reason: Option<String>,
    pub closed_on: Option<String>,
    pub comments: i64,
    pub undisposed: i64,
}

#[derive(Clone, Debug, Serialize)]
pub struct MajorDecision {
    pub id: i64,
    pub year: i64,
    pub title: String,
    pub summary: String,
    pub stage: Stage,
    pub department_id: i64,
    pub department: String,
    /// The day the unit registered it: no step is dated before.
    pub registered_on: String,
    /// Why a chapter-2 procedure does not apply, said when the decision was registered; `None`
    /// means it is required.
    pub participation_exempt: Option<String>,
    pub expert_exempt: Option<String>,
    pub risk_exempt: Option<String>,
    pub consultation: Option<Consultation>,
    pub expert_on: Option<String>,
    pub expert_note: Option<String>,
    pub risk_on: Option<String>,
    pub risk_level: Option<RiskLevel>,
    pub risk_note: Option<String>,
    pub review_id: Option<i64>,
    /// The linked review's opinion number and conclusion.
    pub review: Option<(String, String)>,
    /// The day the linked review's opinion was signed: the decision comes after it.
    pub review_signed_on: Option<String>,
    pub decided_on: Option<String>,
    pub meeting: Option<String>,
    pub published_on: Option<String>,
    pub archived_on: Option<String>,
    pub close_note: Option<String>,
    pub evaluation_started_on: Option<String>,
    pub evaluation_reason: Option<String>,
    pub evaluated_on: Option<String>,
    pub evaluation_report: Option<String>,
    pub evaluation_follow_up: Option<String>,
    pub version: i64,
}

/// A procedure of chapter 2 that the decision still owes before its legality review.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Owed {
    Participation,
    Expert,
    Risk,
}

impl Owed {
    pub fn label_zh(self) -> &'static str {
        match self {
            Owed::Participation => "公众参与（公开征求意见并对每条意见作出处理）",
            Owed::Expert => "专家论证",
            Owed::Risk => "风险评估",
        }
    }
}

impl MajorDecision {
    pub fn consultation_open(&self) -> bool {
        self.consultation
            .as_ref()
            .is_some_and(|c| c.closed_on.is_none())
    }

    /// The required procedures of chapter 2 not yet done.
    pub fn owed(&self) -> Vec<Owed> {
        let mut owed = Vec::new();
        if self.participation_exempt.is_none()
            && self
                .consultation
                .as_ref()
                .is_none_or(|c| c.closed_on.is_none())
        {
            owed.push(Owed::Participation);
        }
        if self.expert_exempt.is_none() && self.expert_on.is_none() {
            owed.push(Owed::Expert);
        }
        if self.risk_exempt.is_none() && self.risk_on.is_none() {
            owed.push(Owed::Risk);
        }
        owed
    }
}

#[derive(Clone, Debug)]
pub enum Action {
    OpenConsultation {
        draft: String,
        opens_on: NaiveDate,
        closes_on: NaiveDate,
        short_reason: String,
    },
    CloseConsultation {
        on: NaiveDate,
    },
    RecordExpertReview {
        on: NaiveDate,
        note: String,
    },
    RecordRiskAssessment {
        on: NaiveDate,
        level: RiskLevel,
        note: String,
    },
    LinkReview {
        review: ReviewFacts,
    },
    Decide {
        on: NaiveDate,
        meeting: String,
        adopted: bool,
        note: String,
    },
    Publish {
        on: NaiveDate,
    },
    Archive {
        on: NaiveDate,
    },
    Withdraw {
        on: NaiveDate,
        reason: String,
    },
    StartEvaluation {
        on: NaiveDate,
        reason: String,
    },
    CompleteEvaluation {
        on: NaiveDate,
        report: String,
        follow_up: String,
    },
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Step {
    OpenConsultation,
    CloseConsultation,
    RecordExpertReview,
    RecordRiskAssessment,
    LinkReview,
    Decide,
    Publish,
    Archive,
    Withdraw,
    StartEvaluation,
    CompleteEvaluation,
}

impl Step {
    pub const ALL: [Step; 11] = [
        Step::OpenConsultation,
        Step::CloseConsultation,
        Step::RecordExpertReview,
        Step::RecordRiskAssessment,
        Step::LinkReview,
        Step::Decide,
        Step::Publish,
        Step::Archive,
        Step::Withdraw,
        Step::StartEvaluation,
        Step::CompleteEvaluation,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Step::OpenConsultation => "open_consultation",
            Step::CloseConsultation => "close_consultation",
            Step::RecordExpertReview => "expert_review",
            Step::RecordRiskAssessment => "risk_assessment",
            Step::LinkReview => "link_review",
            Step::Decide => "decide",
            Step::Publish => "publish",
            Step::Archive => "archive",
            Step::Withdraw => "withdraw",
            Step::StartEvaluation => "start_evaluation",
            Step::CompleteEvaluation => "complete_evaluation",
        }
    }

    pub fn parse(code: &str) -> Option<Step> {
        Step::ALL.into_iter().find(|s| s.code() == code)
    }

    pub fn label_zh(self) -> &'static str {
        match self {
            Step::OpenConsultation => "公开征求意见",
            Step::CloseConsultation => "结束征求意见",
            Step::RecordExpertReview => "专家论证",
            Step::RecordRiskAssessment => "风险评估",
            Step::LinkReview => "合法性审查",
            Step::Decide => "集体讨论决定",
            Step::Publish => "公布决策",
            Step::Archive => "归档",
            Step::Withdraw => "撤回",
            Step::StartEvaluation => "启动后评估",
            Step::CompleteEvaluation => "完成后评估",
        }
    }
}

fn action_step(action: &Action) -> Step {
    match action {
        Action::OpenConsultation { .. } => Step::OpenConsultation,
        Action::CloseConsultation { .. } => Step::CloseConsultation,
        Action::RecordExpertReview { .. } => Step::RecordExpertReview,
        Action::RecordRiskAssessment { .. } => Step::RecordRiskAssessment,
        Action::LinkReview { .. } => Step::LinkReview,
        Action::Decide { .. } => Step::Decide,
        Action::Publish { .. } => Step::Publish,
        Action::Archive { .. } => Step::Archive,
        Action::Withdraw { .. } => Step::Withdraw,
        Action::StartEvaluation { .. } => Step::StartEvaluation,
        Action::CompleteEvaluation { .. } => Step::CompleteEvaluation,
    }
}

/// The steps open now, the next one first.
pub fn allowed_steps(d: &MajorDecision) -> Vec<Step> {
    let evaluation = |s: &mut Vec<Step>| {
        if d.evaluation_started_on.is_none() {
            s.push(Step::StartEvaluation);
        } else if d.evaluated_on.is_none() {
            s.push(Step::CompleteEvaluation);
        }
    };
    match d.stage {
        Stage::Drafting => {
            let mut s = Vec::new();
            if d.participation_exempt.is_none() && d.consultation.is_none() {
                s.push(Step::OpenConsultation);
            }
            if d.consultation_open() {
                s.push(Step::CloseConsultation);
            }
            if d.expert_exempt.is_none() && d.expert_on.is_none() {
                s.push(Step::RecordExpertReview);
            }
            if d.risk_exempt.is_none() && d.risk_on.is_none() {
                s.push(Step::RecordRiskAssessment);
            }
            match d.review_id {
                None if d.owed().is_empty() => s.push(Step::LinkReview),
                None => {}
                Some(_) => s.push(Step::Decide),
            }
            s.push(Step::Withdraw);
            s
        }
        Stage::Decided => vec![Step::Publish],
        Stage::Rejected => vec![Step::Archive],
        Stage::Published => {
            let mut s = vec![Step::Archive];
            evaluation(&mut s);
            s
        }
        Stage::Archived => {
            let mut s = Vec::new();
            if d.published_on.is_some() {
                evaluation(&mut s);
            }
            s
        }
        Stage::Withdrawn => Vec::new(),
    }
}

/// What a step writes. Text columns of `major_decisions` and, for the consultation, its row.
#[derive(Clone, Debug, PartialEq)]
pub enum Change {
    ConsultationOpened {
        draft: String,
        opens_on: NaiveDate,
        closes_on: NaiveDate,
        short_reason: Option<String>,
    },
    ConsultationClosed {
        on: NaiveDate,
    },
    ReviewLinked {
        review_id: i64,
    },
    Set {
        step: Step,
        fields: Vec<(&'static str, Option<String>)>,
    },
}

fn not_future(field: &'static str, on: NaiveDate, today: NaiveDate) -> Result<()> {
    if on > today {
        return Err(Error::invalid(field, format!("日期 {on} 在今天之后。")));
    }
    Ok(())
}

fn not_before(field: &'static str, on: NaiveDate, earlier: Option<&str>, what: &str) -> Result<()> {
    if earlier.is_some_and(|e| on.to_string().as_str() < e) {
        return Err(Error::invalid(
            field,
            format!("日期 {on} 早于{what}（{}）。", earlier.unwrap_or_default()),
        ));
    }
    Ok(())
}

fn required(field: &'static str, value: &str, message: &str, max: usize) -> Result<String> {
    let v = value.trim();
    if v.is_empty() {
        return Err(Error::invalid(field, message.to_string()));
    }
    let n = v.chars().count();
    if n > max {
        return Err(Error::invalid(
            field,
            format!("不超过 {max} 字，现为 {n} 字。"),
        ));
    }
    Ok(v.to_string())
}

/// A step's day may not precede the registration nor any of the `earlier` days recorded
/// (each with its name, for the message).
fn in_order(
    field: &'static str,
    on: NaiveDate,
    d: &MajorDecision,
    earlier: &[(Option<&str>, &str)],
) -> Result<()> {
    let mut latest = (d.registered_on.as_str(), "登记日期");
    for (day, what) in earlier {
        if let Some(day) = day
            && *day > latest.0
        {
            latest = (day, what);
        }
    }
    not_before(field, on, Some(latest.0), latest.1)
}

/// Why a step that is not open cannot be taken, in the words of the regulation.
fn closed_step(d: &MajorDecision, step: Step) -> Error {
    let owed = d.owed();
    match step {
        Step::LinkReview | Step::Decide if d.stage == Stage::Drafting && !owed.is_empty() => {
            Error::refused(
                "decision_procedure_owed",
                "action",
                format!(
                    "决策草案尚未完成法定程序：{}。完成后方可送请合法性审查（《重大行政决策程序暂行条例》第二章）。",
                    owed.iter()
                        .map(|o| o.label_zh())
                        .collect::<Vec<_>>()
                        .join("、")
                ),
            )
        }
        Step::Decide if d.stage == Stage::Drafting => Error::refused(
            "decision_review_required",
            "action",
            "决策草案未经合法性审查，不得提交决策机关讨论（《重大行政决策程序暂行条例》第二十五条）。",
        ),
        _ => Error::refused(
            "decision_step_not_open",
            "action",
            format!("该决策{}，不能{}。", d.stage.label_zh(), step.label_zh()),
        ),
    }
}

pub fn transition(d: &MajorDecision, action: &Action, today: NaiveDate) -> Result<Change> {
    let step = action_step(action);
    if !allowed_steps(d).contains(&step) {
        return Err(closed_step(d, step));
    }
    let set = |fields: Vec<(&'static str, Option<String>)>| Ok(Change::Set { step, fields });
    match action {
        Action::OpenConsultation {
            draft,
            opens_on,
            closes_on,
            short_reason,
        } => {
            let mut r = Refusals::default();
            if crate::review::assist::articles(draft).is_empty() {
                r.push(Error::invalid("draft", "请填写决策草案的全文。"));
            } else if draft.chars().count() > crate::review::DRAFT_MAX {
                r.push(Error::invalid(
                    "draft",
                    format!("草案不超过 {} 字。", crate::review::DRAFT_MAX),
                ));
            }
            if short_reason.chars().count() > 500 {
                r.push(Error::invalid("short_reason", "理由不超过 500 字。"));
            }
            if *opens_on < today {
                r.push(Error::invalid(
                    "opens_on",
                    "征求意见在门户网站上进行，开始日期不能早于今天。",
                ));
            }
            let days = (*closes_on - *opens_on).num_days() + 1;
            let short_reason = short_reason.trim();
            if days < 1 {
                r.push(Error::invalid("closes_on", "截止日期早于开始日期。"));
            } else if days > COMMENT_DAYS_MAX {
                r.push(Error::invalid(
                    "closes_on",
                    format!("征求意见期为 {days} 日，超过一年，请核对截止日期。"),
                ));
            } else if days < COMMENT_DAYS && short_reason.is_empty() {
                r.push(Error::invalid(
                    "short_reason",
                    format!(
                        "征求意见期为 {days} 日，少于 {COMMENT_DAYS} 日：须说明缩短的理由（《重大行政决策程序暂行条例》第十五条）。"
                    ),
                ));
            }
            r.finish()?;
            Ok(Change::ConsultationOpened {
                draft: draft.trim().to_string(),
                opens_on: *opens_on,
                closes_on: *closes_on,
                short_reason: (days < COMMENT_DAYS).then(|| short_reason.to_string()),
            })
        }
        Action::CloseConsultation { on } => {
            not_future("on", *on, today)?;
            let c = d
                .consultation
                .as_ref()
                .ok_or_else(|| closed_step(d, step))?;
            if on.to_string() <= c.closes_on {
                return Err(Error::refused(
                    "consultation_running",
                    "on",
                    format!("征求意见期至 {} 止，期满后方可结束。", c.closes_on),
                ));
            }
            if c.undisposed > 0 {
                return Err(Error::refused(
                    "consultation_undisposed",
                    "action",
                    format!(
                        "还有 {} 条意见未作出处理（采纳、部分采纳或不采纳，并说明理由），不能结束征求意见。",
                        c.undisposed
                    ),
                ));
            }
            Ok(Change::ConsultationClosed { on: *on })
        }
        Action::RecordExpertReview { on, note } => {
            not_future("on", *on, today)?;
            in_order("on", *on, d, &[])?;
            let note = required("note", note, "请填写论证的专家和论证意见。", NOTE_MAX)?;
            set(vec![
                ("expert_on", Some(on.to_string())),
                ("expert_note", Some(note)),
            ])
        }
        Action::RecordRiskAssessment { on, level, note } => {
            not_future("on", *on, today)?;
            in_order("on", *on, d, &[])?;
            let note = required("note", note, "请填写风险评估的结论和防范措施。", NOTE_MAX)?;
            set(vec![
                ("risk_on", Some(on.to_string())),
                ("risk_level", Some(level.code().to_string())),
                ("risk_note", Some(note)),
            ])
        }
        Action::LinkReview { review } => {
            review.check("major_decision", "重大行政决策", d.department_id)?;
            if review.unlawful {
                return Err(Error::refused(
                    "decision_review_unlawful",
                    "review_id",
                    "经审查不合法的决策草案，不得提交决策机关讨论（《重大行政决策程序暂行条例》第二十五条）。",
                ));
            }
            Ok(Change::ReviewLinked {
                review_id: review.id,
            })
        }
        Action::Decide {
            on,
            meeting,
            adopted,
            note,
        } => {
            not_future("on", *on, today)?;
            let consultation_closed = d.consultation.as_ref().and_then(|c| c.closed_on.as_deref());
            in_order(
                "on",
                *on,
                d,
                &[
                    (consultation_closed, "征求意见结束日期"),
                    (d.expert_on.as_deref(), "专家论证日期"),
                    (d.risk_on.as_deref(), "风险评估日期"),
                    (d.review_signed_on.as_deref(), "合法性审查意见签署日期"),
                ],
            )?;
            let meeting = required(
                "meeting",
                meeting,
                "请填写作出决定的会议（常务会议或者全体会议）。",
                MEETING_MAX,
            )?;
            let note = note.trim();
            if !adopted && note.is_empty() {
                return Err(Error::invalid("note", "未通过的，请填写理由。"));
            }
            if note.chars().count() > REASON_MAX {
                return Err(Error::invalid(
                    "note",
                    format!("说明不超过 {REASON_MAX} 字。"),
                ));
            }
            Ok(Change::Set {
                step,
                fields: vec![
                    (
                        "stage",
                        Some(
                            if *adopted {
                                Stage::Decided
                            } else {
                                Stage::Rejected
                            }
                            .code()
                            .into(),
                        ),
                    ),
                    ("decided_on", Some(on.to_string())),
                    ("meeting", Some(meeting)),
                    ("close_note", (!note.is_empty()).then(|| note.to_string())),
                ],
            })
        }
        Action::Publish { on } => {
            not_future("on", *on, today)?;
            not_before("on", *on, d.decided_on.as_deref(), "决定日期")?;
            set(vec![
                ("stage", Some(Stage::Published.code().into())),
                ("published_on", Some(on.to_string())),
            ])
        }
        Action::Archive { on } => {
            not_future("on", *on, today)?;
            not_before(
                "on",
                *on,
                d.published_on.as_deref().or(d.decided_on.as_deref()),
                "公布或决定日期",
            )?;
            set(vec![
                ("stage", Some(Stage::Archived.code().into())),
                ("archived_on", Some(on.to_string())),
            ])
        }
        Action::Withdraw { on, reason } => {
            not_future("on", *on, today)?;
            in_order(
                "on",
                *on,
                d,
                &[(
                    d.consultation.as_ref().map(|c| c.opens_on.as_str()),
                    "征求意见开始日期",
                )],
            )?;
            let reason = required("reason", reason, "请填写撤回的理由。", REASON_MAX)?;
            set(vec![
                ("stage", Some(Stage::Withdrawn.code().into())),
                ("archived_on", Some(on.to_string())),
                ("close_note", Some(reason)),
            ])
        }
        Action::StartEvaluation { on, reason } => {
            not_future("on", *on, today)?;
            not_before("on", *on, d.published_on.as_deref(), "公布日期")?;
            let reason = required(
                "reason",
                reason,
                "请填写启动后评估的原因（如未达到预期效果、公众提出较多意见）。",
                REASON_MAX,
            )?;
            set(vec![
                ("evaluation_started_on", Some(on.to_string())),
                ("evaluation_reason", Some(reason)),
            ])
        }
        Action::CompleteEvaluation {
            on,
            report,
            follow_up,
        } => {
            not_future("on", *on, today)?;
            not_before("on", *on, d.evaluation_started_on.as_deref(), "启动日期")?;
            let mut r = Refusals::default();
            let report = r.take(required(
                "report",
                report,
                "请填写后评估报告的结论。",
                REPORT_MAX,
            ))?;
            let follow_up = r.take(required(
                "follow_up",
                follow_up,
                "请填写评估后的处理（继续实施、调整或停止执行）。",
                REASON_MAX,
            ))?;
            r.finish()?;
            set(vec![
                ("evaluated_on", Some(on.to_string())),
                ("evaluation_report", report),
                ("evaluation_follow_up", follow_up),
            ])
        }
    }
}

#[cfg(test)]
mod tests;
