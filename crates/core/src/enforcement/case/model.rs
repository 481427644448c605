//! The penalty case as a typed record: what `transition` reads. Dates are dates, the stage is a
//! `Stage`, the decision a `Decision`; a stored value that does not parse is malformed data,
//! never a silent "none".

use chrono::NaiveDate;
use fazhi_kernel::money::Fen;
use serde::{Deserialize, Serialize};

use super::super::benchmarks;
use super::super::discretion::Facts;
use super::super::rules::{PartyKind, ReviewTriggers};
use super::super::stage::Stage;
use crate::{Error, Result};

/// 普通程序 / 简易程序 (行政处罚法 art. 51 ff.).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Procedure {
    General,
    Summary,
}

impl Procedure {
    pub fn code(self) -> &'static str {
        match self {
            Procedure::General => "general",
            Procedure::Summary => "summary",
        }
    }
    pub fn label_zh(self) -> &'static str {
        match self {
            Procedure::General => "普通程序",
            Procedure::Summary => "简易程序",
        }
    }
}

/// What a penalty decision decides (处罚决定的种类, as fazhi records them).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Decision {
    /// 罚款
    Fine,
    /// 警告
    Warning,
    /// 不予行政处罚 (art. 33)
    NoPenalty,
}

impl Decision {
    pub const ALL: [Decision; 3] = [Decision::Fine, Decision::Warning, Decision::NoPenalty];

    /// The code stored in `cases.outcome`.
    pub fn code(self) -> &'static str {
        match self {
            Decision::Fine => "fine",
            Decision::Warning => "warning",
            Decision::NoPenalty => "no_penalty",
        }
    }

    pub fn parse(code: &str) -> Option<Decision> {
        Decision::ALL.into_iter().find(|d| d.code() == code)
    }

    pub fn label_zh(self) -> &'static str {
        match self {
            Decision::Fine => "罚款",
            Decision::Warning => "警告",
            Decision::NoPenalty => "不予行政处罚",
        }
    }
}

/// How a reconsideration or suit over a decision ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DisputeOutcome {
    /// 维持 (or the application withdrawn or dismissed): the decision stands.
    Maintained,
    /// 变更: the decision stands as changed.
    Changed,
    /// 撤销 (or confirmed illegal and set aside): nothing is left to pay.
    Revoked,
}

impl DisputeOutcome {
    pub const ALL: [DisputeOutcome; 3] = [
        DisputeOutcome::Maintained,
        DisputeOutcome::Changed,
        DisputeOutcome::Revoked,
    ];

    pub fn code(self) -> &'static str {
        match self {
            DisputeOutcome::Maintained => "maintained",
            DisputeOutcome::Changed => "changed",
            DisputeOutcome::Revoked => "revoked",
        }
    }

    pub fn parse(code: &str) -> Option<DisputeOutcome> {
        DisputeOutcome::ALL.into_iter().find(|o| o.code() == code)
    }

    pub fn label_zh(self) -> &'static str {
        match self {
            DisputeOutcome::Maintained => "维持",
            DisputeOutcome::Changed => "变更",
            DisputeOutcome::Revoked => "撤销",
        }
    }
}

/// 送达方式 (行政处罚法 art. 61, by the Civil Procedure Law's rules).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DeliveryMethod {
    Direct,
    Left,
    Entrusted,
    Post,
    Electronic,
    PublicNotice,
}

impl DeliveryMethod {
    pub const ALL: [DeliveryMethod; 6] = [
        DeliveryMethod::Direct,
        DeliveryMethod::Left,
        DeliveryMethod::Entrusted,
        DeliveryMethod::Post,
        DeliveryMethod::Electronic,
        DeliveryMethod::PublicNotice,
    ];

    pub fn code(self) -> &'static str {
        match self {
            DeliveryMethod::Direct => "direct",
            DeliveryMethod::Left => "left",
            DeliveryMethod::Entrusted => "entrusted",
            DeliveryMethod::Post => "post",
            DeliveryMethod::Electronic => "electronic",
            DeliveryMethod::PublicNotice => "public_notice",
        }
    }

    pub fn label_zh(self) -> &'static str {
        match self {
            DeliveryMethod::Direct => "直接送达",
            DeliveryMethod::Left => "留置送达",
            DeliveryMethod::Entrusted => "委托送达",
            DeliveryMethod::Post => "邮寄送达",
            DeliveryMethod::Electronic => "电子送达",
            DeliveryMethod::PublicNotice => "公告送达",
        }
    }

    pub fn parse(code: &str) -> Option<DeliveryMethod> {
        DeliveryMethod::ALL.into_iter().find(|m| m.code() == code)
    }

    /// A method chosen on a form: any other code is the user's error, said in Chinese.
    pub fn chosen(code: &str) -> Result<DeliveryMethod> {
        DeliveryMethod::parse(code).ok_or_else(|| {
            let names: Vec<&str> = DeliveryMethod::ALL.iter().map(|m| m.label_zh()).collect();
            Error::invalid("method", format!("请选择送达方式：{}。", names.join("、")))
        })
    }

    /// Delivered in person or left at the address: the place must be on the 送达回证.
    pub fn needs_place(self) -> bool {
        matches!(self, DeliveryMethod::Direct | DeliveryMethod::Left)
    }
}

/// The name of delivery method `code`.
pub fn delivery_method_name(code: &str) -> Option<&'static str> {
    DeliveryMethod::parse(code).map(DeliveryMethod::label_zh)
}

/// The facts of a decision the discretion benchmark looks at (see `discretion::Facts`), as the
/// case stores them and the import format carries them.
#[derive(Clone, Debug, Default, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct FactsRecord {
    /// minor | ordinary | serious | grave (or 轻微/一般/较重/严重)
    pub severity: String,
    #[serde(default)]
    pub first_offence: bool,
    #[serde(default)]
    pub corrected_in_time: bool,
    #[serde(default)]
    pub no_harm: bool,
    #[serde(default)]
    pub slight_harm: bool,
    #[serde(default)]
    pub mitigating_listed: bool,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub lighter: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub heavier: Vec<String>,
}

impl FactsRecord {
    pub fn to_facts(&self, gains: Fen, act_on: NaiveDate, decide_on: NaiveDate) -> Option<Facts> {
        Some(Facts {
            severity: benchmarks::parse_severity(&self.severity)?,
            first_offence: self.first_offence,
            corrected_in_time: self.corrected_in_time,
            no_harm: self.no_harm,
            slight_harm: self.slight_harm,
            mitigating_listed: self.mitigating_listed,
            lighter: self.lighter.clone(),
            heavier: self.heavier.clone(),
            illegal_gains: gains,
            act_on,
            decide_on,
        })
    }
}

/// A case as the steps see it: loaded and locked by `repo::load`, read by `transition`.
#[derive(Clone, Debug)]
pub struct Case {
    pub id: i64,
    pub version: i64,
    pub stage: Stage,
    pub procedure: Procedure,
    pub item_code: String,
    pub cause: String,
    pub department_id: i64,
    /// The issuing body's abbreviation (店口镇) the documents' numbers start with.
    pub issuer_abbr: Option<String>,
    pub filed_on: Option<NaiveDate>,
    pub act_ended_on: Option<NaiveDate>,
    pub illegal_gains: Fen,
    /// The first party's kind (the summary procedure's caps differ by it).
    pub first_party: Option<PartyKind>,
    pub evidence: Vec<String>,
    /// The day of the latest investigation step.
    pub investigated_on: Option<NaiveDate>,
    pub prior_notice_on: Option<NaiveDate>,
    pub hearing_right: bool,
    pub triggers: ReviewTriggers,
    pub waived: bool,
    pub waived_on: Option<NaiveDate>,
    pub hearing_requested: bool,
    pub hearing_notice_on: Option<NaiveDate>,
    pub hearing_held_on: Option<NaiveDate>,
    pub legal_review_on: Option<NaiveDate>,
    /// The penalty the prior notice proposed (None before it, or for a case imported without).
    pub proposed: Option<Decision>,
    pub proposed_fine: Fen,
    /// The day the party's statement and defence was recorded.
    pub stated_on: Option<NaiveDate>,
    pub decision: Option<Decision>,
    pub decision_number: Option<String>,
    pub fine: Fen,
    pub rectification_number: Option<String>,
    pub dispute_on: Option<NaiveDate>,
    pub dispute_concluded_on: Option<NaiveDate>,
    /// The art. 67 payment limit's due date, where one runs.
    pub payment_due: Option<NaiveDate>,
    pub decided_on: Option<NaiveDate>,
    /// The day the decision was delivered (for a public notice, the day it counts as delivered).
    pub delivered_on: Option<NaiveDate>,
    pub paid_on: Option<NaiveDate>,
    pub closed_on: Option<NaiveDate>,
}

impl Case {
    pub fn is_fine(&self) -> bool {
        self.decision == Some(Decision::Fine)
    }

    /// How far the case got, for the documents it has a use for now.
    pub fn progress(&self, today: NaiveDate) -> crate::enforcement::documents::Progress {
        crate::enforcement::documents::Progress {
            investigated: !self.evidence.is_empty() || self.stage != super::Stage::Filed,
            rectified: self.rectification_number.is_some(),
            noticed: self.prior_notice_on.is_some(),
            stated: self.stated_on.is_some(),
            hearing_noticed: self.hearing_notice_on.is_some(),
            heard: self.hearing_held_on.is_some(),
            decision: self.decision,
            summary_procedure: self.procedure == Procedure::Summary,
            delivered: self.delivered_on.is_some(),
            overdue: self.is_fine()
                && self.paid_on.is_none()
                && !self.dispute_pending()
                && self.payment_due.is_some_and(|due| due < today),
            closed: self.closed_on.is_some(),
        }
    }

    /// A reconsideration or suit registered and not yet concluded.
    pub fn dispute_pending(&self) -> bool {
        self.dispute_on.is_some() && self.dispute_concluded_on.is_none()
    }
}

/// A stored `YYYY-MM-DD` date of column `what`; anything else is malformed data.
pub(crate) fn stored_date(what: &str, s: Option<String>) -> Result<Option<NaiveDate>> {
    s.map(|d| {
        fazhi_kernel::date::parse(&d).ok_or_else(|| {
            Error::from(fazhi_store::StoreError::Malformed(format!(
                "{what} {d:?} is not a date"
            )))
        })
    })
    .transpose()
}
