//! An administrative contract (`AdministrativeContract`) and its steps as pure functions: the
//! open steps (the next first) and what a step changes.

use chrono::NaiveDate;
use fazhi_kernel::money::Fen;
use serde::Serialize;

pub use crate::review::ReviewFacts;
use crate::{Error, Result};

/// A contract of at least this amount is major whatever the unit marks: 100万元. A city rule
/// (the seed's plan: 镇乡重大行政合同100%纳入合法性审查), configurable when a city asks.
pub const MAJOR_AMOUNT: Fen = Fen(100_000_000);

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Stage {
    Drafting,
    Signed,
    Completed,
    Terminated,
}

impl Stage {
    pub fn code(self) -> &'static str {
        match self {
            Stage::Drafting => "drafting",
            Stage::Signed => "signed",
            Stage::Completed => "completed",
            Stage::Terminated => "terminated",
        }
    }

    pub fn parse(code: &str) -> Option<Stage> {
        [
            Stage::Drafting,
            Stage::Signed,
            Stage::Completed,
            Stage::Terminated,
        ]
        .into_iter()
        .find(|s| s.code() == code)
    }

    pub fn label_zh(self) -> &'static str {
        match self {
            Stage::Drafting => "拟订中",
            Stage::Signed => "履行中",
            Stage::Completed => "履行完毕",
            Stage::Terminated => "已终止",
        }
    }
}

#[derive(Clone, Debug, Serialize)]
pub struct Milestone {
    pub seq: i64,
    pub name: String,
    pub due_on: String,
    pub done_on: Option<String>,
    pub note: Option<String>,
}

#[derive(Clone, Debug, Serialize)]
pub struct AdministrativeContract {
    pub id: i64,
    pub title: String,
    pub counterparty: String,
    pub amount_fen: i64,
    pub major: bool,
    pub stage: Stage,
    pub department_id: i64,
    pub department: String,
    pub review_id: Option<i64>,
    /// The linked review's number and conclusion, when it is concluded.
    pub review: Option<(String, String)>,
    pub signed_on: Option<String>,
    pub filed_on: Option<String>,
    pub closed_on: Option<String>,
    pub close_note: Option<String>,
    pub milestones: Vec<Milestone>,
    pub version: i64,
}

#[derive(Clone, Debug)]
pub enum Action {
    LinkReview {
        review: ReviewFacts,
    },
    Sign {
        on: NaiveDate,
        milestones: Vec<(String, NaiveDate)>,
    },
    File {
        on: NaiveDate,
    },
    MilestoneDone {
        seq: i64,
        on: NaiveDate,
        note: String,
    },
    Complete {
        on: NaiveDate,
    },
    Terminate {
        on: NaiveDate,
        reason: String,
    },
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Step {
    LinkReview,
    Sign,
    File,
    MilestoneDone,
    Complete,
    Terminate,
}

impl Step {
    pub fn code(self) -> &'static str {
        match self {
            Step::LinkReview => "link_review",
            Step::Sign => "sign",
            Step::File => "file",
            Step::MilestoneDone => "milestone_done",
            Step::Complete => "complete",
            Step::Terminate => "terminate",
        }
    }
}

pub fn allowed_steps(c: &AdministrativeContract) -> Vec<Step> {
    match c.stage {
        Stage::Drafting if c.major && c.review.is_none() => vec![Step::LinkReview],
        Stage::Drafting => vec![Step::Sign, Step::LinkReview],
        Stage::Signed => {
            let mut s = Vec::new();
            if c.filed_on.is_none() {
                s.push(Step::File);
            }
            if c.milestones.iter().any(|m| m.done_on.is_none()) {
                s.push(Step::MilestoneDone);
            } else {
                s.push(Step::Complete);
            }
            s.push(Step::Terminate);
            s
        }
        Stage::Completed | Stage::Terminated => Vec::new(),
    }
}

#[derive(Clone, Debug, PartialEq)]
pub enum Change {
    ReviewLinked {
        review_id: i64,
    },
    Signed {
        on: NaiveDate,
        milestones: Vec<(String, NaiveDate)>,
    },
    Filed {
        on: NaiveDate,
    },
    MilestoneDone {
        seq: i64,
        on: NaiveDate,
        note: String,
    },
    Closed {
        stage: Stage,
        on: NaiveDate,
        note: Option<String>,
    },
}

fn not_future(field: &'static str, on: NaiveDate, today: NaiveDate) -> Result<()> {
    if on > today {
        return Err(Error::invalid(field, format!("日期 {on} 在今天之后。")));
    }
    Ok(())
}

pub fn transition(c: &AdministrativeContract, action: &Action, today: NaiveDate) -> Result<Change> {
    let step = match action {
        Action::LinkReview { .. } => Step::LinkReview,
        Action::Sign { .. } => Step::Sign,
        Action::File { .. } => Step::File,
        Action::MilestoneDone { .. } => Step::MilestoneDone,
        Action::Complete { .. } => Step::Complete,
        Action::Terminate { .. } => Step::Terminate,
    };
    if !allowed_steps(c).contains(&step) {
        let why = match step {
            Step::Sign if c.major => {
                "重大行政合同须经合法性审查、取得审查意见后方可签订：请先关联已办结的合法性审查。"
                    .to_string()
            }
            Step::Complete => "还有履行节点未完成。".into(),
            _ => format!("合同{}，不能进行此操作。", c.stage.label_zh()),
        };
        let code = if step == Step::Sign && c.major {
            "contract_review_required"
        } else {
            "contract_step_not_open"
        };
        return Err(Error::refused(code, "action", why));
    }
    match action {
        Action::LinkReview { review } => {
            review.check("contract", "行政合同", c.department_id)?;
            if review.unlawful {
                return Err(Error::refused(
                    "contract_review_unlawful",
                    "review_id",
                    "该合法性审查的结论为不合法，合同不能据此签订。",
                ));
            }
            Ok(Change::ReviewLinked {
                review_id: review.id,
            })
        }
        Action::Sign { on, milestones } => {
            not_future("on", *on, today)?;
            let mut r = crate::Refusals::default();
            for (i, (name, due)) in milestones.iter().enumerate() {
                if name.trim().is_empty() {
                    r.push(Error::invalid(
                        "milestones",
                        format!("第 {} 个履行节点缺少名称。", i + 1),
                    ));
                }
                if due < on {
                    r.push(Error::invalid(
                        "milestones",
                        format!("履行节点“{name}”的期限 {due} 早于签订日期 {on}。"),
                    ));
                }
            }
            r.finish()?;
            Ok(Change::Signed {
                on: *on,
                milestones: milestones.clone(),
            })
        }
        Action::File { on } => {
            not_future("on", *on, today)?;
            if c.signed_on
                .as_deref()
                .is_some_and(|s| on.to_string().as_str() < s)
            {
                return Err(Error::invalid("on", "备案日期早于签订日期。"));
            }
            Ok(Change::Filed { on: *on })
        }
        Action::MilestoneDone { seq, on, note } => {
            not_future("on", *on, today)?;
            let m = c
                .milestones
                .iter()
                .find(|m| m.seq == *seq && m.done_on.is_none())
                .ok_or_else(|| Error::invalid("seq", "请选择未完成的履行节点。"))?;
            let _ = m;
            Ok(Change::MilestoneDone {
                seq: *seq,
                on: *on,
                note: note.trim().to_string(),
            })
        }
        Action::Complete { on } => {
            not_future("on", *on, today)?;
            Ok(Change::Closed {
                stage: Stage::Completed,
                on: *on,
                note: None,
            })
        }
        Action::Terminate { on, reason } => {
            not_future("on", *on, today)?;
            if reason.trim().is_empty() {
                return Err(Error::invalid("reason", "请填写终止的理由。"));
            }
            Ok(Change::Closed {
                stage: Stage::Terminated,
                on: *on,
                note: Some(reason.trim().to_string()),
            })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn contract(major: bool) -> AdministrativeContract {
        AdministrativeContract {
            id: 1,
            title: "城区保洁服务合同".into(),
            counterparty: "诸暨市某某环境服务有限公司".into(),
            amount_fen: 250_000_000,
            major,
            stage: Stage::Drafting,
            department_id: 5,
            department: "诸暨市综合行政执法局".into(),
            review_id: None,
            review: None,
            signed_on: None,
            filed_on: None,
            closed_on: None,
            close_note: None,
            milestones: Vec::new(),
            version: 1,
        }
    }

    fn day(s: &str) -> NaiveDate {
        fazhi_kernel::date::parse(s).unwrap()
    }

    #[test]
    fn a_major_contract_cannot_be_signed_without_a_concluded_review_of_its_unit() {
        let c = contract(true);
        let sign = Action::Sign {
            on: day("2024-03-01"),
            milestones: vec![],
        };
        assert_eq!(
            transition(&c, &sign, day("2024-03-05")).unwrap_err().code(),
            "contract_review_required"
        );
        let facts = |kind: &str, concluded, unlawful, dept| ReviewFacts {
            id: 9,
            kind: kind.into(),
            concluded,
            unlawful,
            department_id: dept,
            used_by: None,
        };
        let link = |f| Action::LinkReview { review: f };
        assert!(
            transition(
                &c,
                &link(facts("normative", true, false, 5)),
                day("2024-03-05")
            )
            .is_err()
        );
        assert!(
            transition(
                &c,
                &link(facts("contract", true, false, 6)),
                day("2024-03-05")
            )
            .is_err()
        );
        assert_eq!(
            transition(
                &c,
                &link(facts("contract", false, false, 5)),
                day("2024-03-05")
            )
            .unwrap_err()
            .code(),
            "review_open"
        );
        assert_eq!(
            transition(
                &c,
                &link(facts("contract", true, true, 5)),
                day("2024-03-05")
            )
            .unwrap_err()
            .code(),
            "contract_review_unlawful"
        );
        assert_eq!(
            transition(
                &c,
                &link(facts("contract", true, false, 5)),
                day("2024-03-05")
            )
            .unwrap(),
            Change::ReviewLinked { review_id: 9 }
        );
        // A minor one may be signed at once; milestones before the signing are refused.
        let minor = contract(false);
        let bad = Action::Sign {
            on: day("2024-03-01"),
            milestones: vec![("首期".into(), day("2024-02-01"))],
        };
        assert!(
            transition(&minor, &bad, day("2024-03-05"))
                .unwrap_err()
                .message_zh()
                .contains("早于签订日期")
        );
        assert!(transition(&minor, &sign, day("2024-03-05")).is_ok());
    }

    #[test]
    fn a_signed_contract_completes_only_when_every_milestone_is_done() {
        let mut c = contract(false);
        c.stage = Stage::Signed;
        c.signed_on = Some("2024-03-01".into());
        c.milestones = vec![Milestone {
            seq: 1,
            name: "首期".into(),
            due_on: "2024-06-30".into(),
            done_on: None,
            note: None,
        }];
        assert_eq!(
            allowed_steps(&c),
            vec![Step::File, Step::MilestoneDone, Step::Terminate]
        );
        assert!(
            transition(
                &c,
                &Action::Complete {
                    on: day("2024-07-01")
                },
                day("2024-07-02")
            )
            .is_err()
        );
        c.milestones[0].done_on = Some("2024-06-20".into());
        c.filed_on = Some("2024-03-05".into());
        assert_eq!(allowed_steps(&c), vec![Step::Complete, Step::Terminate]);
    }
}
