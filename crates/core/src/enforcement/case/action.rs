//! The steps of a penalty case: `Action` is one step with its data as a user asks for it,
//! `Step` its kind — what a form posts and `transition::allowed_steps` offers.

use chrono::NaiveDate;
use fazhi_kernel::money::Fen;

use super::model::{Decision, DeliveryMethod, DisputeOutcome, FactsRecord};
use crate::enforcement::rules::ReviewTriggers;

/// One step of a penalty case, as a user asks for it.
#[derive(Clone, Debug)]
pub enum Action {
    /// Investigation (调查取证): the facts found (replacing earlier wording) and evidence
    /// gathered (added to the list).
    Investigate {
        on: NaiveDate,
        facts: String,
        evidence: Vec<String>,
        /// The records made that day: 现场检查（勘验）笔录, 询问（调查）笔录.
        inspection_record: bool,
        inquiry_record: bool,
        /// The investigation ended (调查终结): its report is made.
        concluded: bool,
    },
    /// The prior notice (事先告知书, art. 44) delivered, stating the penalty proposed — the
    /// decision may not be heavier (art. 45 ¶2).
    PriorNotice {
        delivered_on: NaiveDate,
        hearing_right: bool,
        triggers: ReviewTriggers,
        proposed: Decision,
        proposed_fine: Fen,
    },
    /// The party stated its case and defence (陈述、申辩, art. 45), recorded in writing.
    Statement {
        on: NaiveDate,
    },
    Waive {
        on: NaiveDate,
    },
    HearingRequested {
        on: NaiveDate,
    },
    /// The notice of the hearing's time and place, delivered on `on` (art. 64: at least seven
    /// working days before the hearing).
    HearingNotice {
        on: NaiveDate,
        hearing_on: NaiveDate,
    },
    HearingHeld {
        on: NaiveDate,
    },
    LegalReview {
        on: NaiveDate,
    },
    Decide {
        on: NaiveDate,
        decision: Decision,
        fine: Fen,
        /// The facts the discretion benchmark looks at; with them the decision is checked.
        facts: Option<FactsRecord>,
        /// The written reason for a decision outside the recommendation (required then).
        deviation_reason: Option<String>,
        /// Why no penalty is given (required for `Decision::NoPenalty`; art. 33).
        no_penalty_reason: Option<String>,
    },
    /// Summary procedure (简易程序, art. 51): a warning or a small fine decided on the spot on
    /// the day of filing and handed over there.
    OnTheSpot {
        on: NaiveDate,
        decision: Decision,
        fine: Fen,
    },
    /// An order to correct the violation (责令改正, art. 28) by `rectify_by`, numbered from the
    /// issuer's 责改 sequence; once per case, at any step before closure.
    Rectify {
        on: NaiveDate,
        rectify_by: NaiveDate,
    },
    /// The decision delivered: how and where.
    Deliver {
        on: NaiveDate,
        method: DeliveryMethod,
        place: Option<String>,
    },
    /// The fine paid; a late payment carries the art. 72 surcharge, computed, not typed.
    Pay {
        on: NaiveDate,
    },
    /// The party applied for reconsideration or sued over the decision on `on`: the payment
    /// limit (art. 67) stops while it is pending, so those days count towards no surcharge
    /// (art. 73 ¶3).
    Dispute {
        on: NaiveDate,
        litigation: bool,
    },
    /// The reconsideration or suit ended on `on`: maintained or changed, the payment limit runs
    /// again from the next day; revoked, nothing is left to pay.
    DisputeConcluded {
        on: NaiveDate,
        outcome: DisputeOutcome,
    },
    Close {
        on: NaiveDate,
        /// The responsible person who approved the closure (结案审批人).
        approver: Option<String>,
    },
    Archive {
        on: NaiveDate,
        /// Why the file is archived with the evaluation's machine findings still open
        /// (required then).
        reason: Option<String>,
    },
}

/// The kind of a step, without its data: what `allowed_steps` offers and a form posts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Step {
    Investigate,
    PriorNotice,
    Statement,
    Waive,
    HearingRequested,
    HearingNotice,
    HearingHeld,
    LegalReview,
    Decide,
    OnTheSpot,
    Rectify,
    Deliver,
    Pay,
    Dispute,
    DisputeConcluded,
    Close,
    Archive,
}

impl Step {
    pub const ALL: [Step; 17] = [
        Step::Investigate,
        Step::PriorNotice,
        Step::Statement,
        Step::Waive,
        Step::HearingRequested,
        Step::HearingNotice,
        Step::HearingHeld,
        Step::LegalReview,
        Step::Decide,
        Step::OnTheSpot,
        Step::Rectify,
        Step::Deliver,
        Step::Pay,
        Step::Dispute,
        Step::DisputeConcluded,
        Step::Close,
        Step::Archive,
    ];

    /// The code a form posts as `action`.
    pub fn code(self) -> &'static str {
        match self {
            Step::Investigate => "investigate",
            Step::PriorNotice => "prior_notice",
            Step::Statement => "statement",
            Step::Waive => "waive",
            Step::HearingRequested => "hearing_requested",
            Step::HearingNotice => "hearing_notice",
            Step::HearingHeld => "hearing_held",
            Step::LegalReview => "legal_review",
            Step::Decide => "decide",
            Step::OnTheSpot => "on_the_spot",
            Step::Rectify => "rectify",
            Step::Deliver => "deliver",
            Step::Pay => "pay",
            Step::Dispute => "dispute",
            Step::DisputeConcluded => "dispute_concluded",
            Step::Close => "close",
            Step::Archive => "archive",
        }
    }

    pub fn parse(code: &str) -> Option<Step> {
        Step::ALL.into_iter().find(|s| s.code() == code)
    }

    /// The step's name: "送达前", "已完成：送达".
    pub fn label_zh(self) -> &'static str {
        match self {
            Step::Investigate => "调查取证",
            Step::PriorNotice => "事先告知",
            Step::Statement => "陈述申辩",
            Step::Waive => "书面放弃",
            Step::HearingRequested => "要求听证",
            Step::HearingNotice => "听证通知",
            Step::HearingHeld => "举行听证",
            Step::LegalReview => "法制审核",
            Step::Decide => "作出决定",
            Step::OnTheSpot => "当场处罚",
            Step::Rectify => "责令改正",
            Step::Deliver => "送达决定书",
            Step::Pay => "缴纳罚款",
            Step::Dispute => "复议或诉讼",
            Step::DisputeConcluded => "复议或诉讼审结",
            Step::Close => "结案",
            Step::Archive => "归档",
        }
    }

    /// What the step does, in the words of the refusal "不能…".
    pub fn verb_zh(self) -> &'static str {
        match self {
            Step::Investigate => "登记调查取证",
            Step::PriorNotice => "送达事先告知书",
            Step::Statement => "登记陈述、申辩",
            Step::Waive => "登记当事人书面放弃",
            Step::HearingRequested => "登记听证要求",
            Step::HearingNotice => "送达听证通知",
            Step::HearingHeld => "登记举行听证",
            Step::LegalReview => "登记法制审核",
            Step::Decide => "作出决定",
            Step::OnTheSpot => "当场作出处罚决定",
            Step::Rectify => "责令改正",
            Step::Deliver => "送达决定书",
            Step::Pay => "登记缴纳罚款",
            Step::Dispute => "登记申请行政复议或提起行政诉讼（罚款决定送达后、缴纳前）",
            Step::DisputeConcluded => "登记复议或诉讼审结",
            Step::Close => "结案（罚款须先执行完毕）",
            Step::Archive => "归档",
        }
    }
}

impl Action {
    pub fn step(&self) -> Step {
        match self {
            Action::Investigate { .. } => Step::Investigate,
            Action::PriorNotice { .. } => Step::PriorNotice,
            Action::Statement { .. } => Step::Statement,
            Action::Waive { .. } => Step::Waive,
            Action::HearingRequested { .. } => Step::HearingRequested,
            Action::HearingNotice { .. } => Step::HearingNotice,
            Action::HearingHeld { .. } => Step::HearingHeld,
            Action::LegalReview { .. } => Step::LegalReview,
            Action::Decide { .. } => Step::Decide,
            Action::OnTheSpot { .. } => Step::OnTheSpot,
            Action::Rectify { .. } => Step::Rectify,
            Action::Deliver { .. } => Step::Deliver,
            Action::Pay { .. } => Step::Pay,
            Action::Dispute { .. } => Step::Dispute,
            Action::DisputeConcluded { .. } => Step::DisputeConcluded,
            Action::Close { .. } => Step::Close,
            Action::Archive { .. } => Step::Archive,
        }
    }
}
