//! A cleanup's steps as pure functions: which are open now (the next one first) and what a step
//! changes. No I/O: `repo::write` applies the change with a versioned update.

use chrono::NaiveDate;

use super::model::{Cleanup, Stage, Verdict};
use crate::normative::Status;
use crate::{Error, Result};

/// Longest reason or note, in characters.
pub const REASON_MAX: usize = 500;

#[derive(Clone, Debug)]
pub enum Action {
    /// A verdict on one document, with its reason (asked always, retained or not).
    Judge {
        document_id: i64,
        verdict: Verdict,
        reason: String,
    },
    /// Every document judged: the verdicts take effect on the register.
    EndReview,
    /// A verdict to repeal or revise carried out on `on`.
    Done {
        document_id: i64,
        on: NaiveDate,
        note: String,
    },
    Close,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Step {
    Judge,
    EndReview,
    Done,
    Close,
}

impl Step {
    pub fn code(self) -> &'static str {
        match self {
            Step::Judge => "judge",
            Step::EndReview => "end_review",
            Step::Done => "done",
            Step::Close => "close",
        }
    }

    pub fn label_zh(self) -> &'static str {
        match self {
            Step::Judge => "逐件清理",
            Step::EndReview => "结束清理、确认结果",
            Step::Done => "记录落实情况",
            Step::Close => "完成清理",
        }
    }
}

/// The steps open now, the one that moves the campaign on first.
pub fn allowed_steps(c: &Cleanup) -> Vec<Step> {
    let undecided = c.items.iter().any(|i| i.verdict.is_none());
    let pending = c.items.iter().any(|i| i.pending());
    match c.stage {
        Stage::Reviewing if undecided => vec![Step::Judge],
        Stage::Reviewing => vec![Step::EndReview, Step::Judge],
        Stage::Following if pending => vec![Step::Done],
        Stage::Following => vec![Step::Close],
        Stage::Closed => Vec::new(),
    }
}

/// What a step writes.
#[derive(Clone, Debug, PartialEq)]
pub enum Change {
    Judged {
        document_id: i64,
        verdict: Verdict,
        reason: String,
        judged_version: i64,
    },
    /// The stage moves to following; each document's status as its verdict says.
    ReviewEnded {
        statuses: Vec<(i64, Status)>,
    },
    /// The follow-up done; a document to repeal becomes repealed, one revised is in force again.
    Done {
        document_id: i64,
        on: NaiveDate,
        note: String,
        status: Status,
    },
    Closed,
}

fn refuse(code: &'static str, field: &'static str, message: impl Into<String>) -> Error {
    Error::refused(code, field, message)
}

fn reason(field: &'static str, text: &str, label: &str) -> Result<String> {
    let t = text.trim();
    if t.is_empty() {
        return Err(Error::invalid(field, format!("请填写{label}。")));
    }
    if t.chars().count() > REASON_MAX {
        return Err(Error::invalid(
            field,
            format!("{label}不超过 {REASON_MAX} 字。"),
        ));
    }
    Ok(t.to_string())
}

pub fn transition(c: &Cleanup, action: &Action, today: NaiveDate) -> Result<Change> {
    let open = allowed_steps(c);
    let step = match action {
        Action::Judge { .. } => Step::Judge,
        Action::EndReview => Step::EndReview,
        Action::Done { .. } => Step::Done,
        Action::Close => Step::Close,
    };
    if !open.contains(&step) {
        let why = match (step, c.stage) {
            (Step::EndReview, Stage::Reviewing) => format!(
                "还有 {} 件文件未作出清理结论，不能结束清理。",
                c.items.iter().filter(|i| i.verdict.is_none()).count()
            ),
            (Step::Close, Stage::Following) => format!(
                "还有 {} 件拟废止、拟修改的文件未落实，不能完成清理。",
                c.items.iter().filter(|i| i.pending()).count()
            ),
            (_, stage) => format!("清理{}，不能{}。", stage.label_zh(), step.label_zh()),
        };
        return Err(refuse("cleanup_step_not_open", "action", why));
    }
    let item = |id: i64| {
        c.items
            .iter()
            .find(|i| i.document_id == id)
            .ok_or_else(|| Error::invalid("document_id", "该文件不在本次清理范围内。"))
    };
    match action {
        Action::Judge {
            document_id,
            verdict,
            reason: text,
        } => {
            let i = item(*document_id)?;
            let text = reason("reason", text, "清理理由")?;
            // The register already says repealed: "retain" or "to revise" cannot be true.
            if i.status == Status::Repealed && *verdict != Verdict::Repealed {
                return Err(refuse(
                    "cleanup_verdict_contradicts_register",
                    "verdict",
                    format!("{} 在文件库中已废止，结论只能是“已废止”。", i.number),
                ));
            }
            Ok(Change::Judged {
                document_id: *document_id,
                verdict: *verdict,
                reason: text,
                judged_version: i.current_version,
            })
        }
        Action::EndReview => Ok(Change::ReviewEnded {
            statuses: c
                .items
                .iter()
                .filter_map(|i| Some((i.document_id, i.verdict?.status())))
                .filter(|(id, s)| {
                    c.items
                        .iter()
                        .any(|i| i.document_id == *id && i.status != *s)
                })
                .collect(),
        }),
        Action::Done {
            document_id,
            on,
            note,
        } => {
            let i = item(*document_id)?;
            if !i.pending() {
                return Err(refuse(
                    "cleanup_nothing_to_follow",
                    "document_id",
                    format!("{} 没有待落实的清理结论。", i.number),
                ));
            }
            if *on > today {
                return Err(Error::invalid("on", format!("落实日期 {on} 在今天之后。")));
            }
            if let Some(decided) = i
                .decided_on
                .as_deref()
                .filter(|d| on.to_string().as_str() < *d)
            {
                return Err(Error::invalid(
                    "on",
                    format!("落实日期 {on} 早于作出清理结论的日期 {decided}。"),
                ));
            }
            let note = reason("note", note, "落实情况（废止或修改文件的文号、日期）")?;
            let status = match i.verdict {
                Some(Verdict::ToRevise) => {
                    // Revised means a revised text is in the register, not a promise of one.
                    if i.current_version <= i.judged_version.unwrap_or(i.current_version) {
                        return Err(refuse(
                            "cleanup_revision_missing",
                            "document_id",
                            format!(
                                "{} 在文件库中仍是第 {} 版：请先登记修改后的文本，再记录落实。",
                                i.number, i.current_version
                            ),
                        ));
                    }
                    Status::InForce
                }
                _ => Status::Repealed,
            };
            Ok(Change::Done {
                document_id: *document_id,
                on: *on,
                note,
                status,
            })
        }
        Action::Close => Ok(Change::Closed),
    }
}

#[cfg(test)]
mod tests {
    use super::super::model::Item;
    use super::*;

    fn item(id: i64, verdict: Option<Verdict>) -> Item {
        Item {
            document_id: id,
            number: format!("诸政发〔2020〕{id}号"),
            title: "办法".into(),
            status: Status::InForce,
            current_version: 1,
            verdict,
            reason: None,
            reviewer: None,
            decided_on: None,
            judged_version: verdict.map(|_| 1),
            done_on: None,
            done_note: None,
        }
    }

    fn campaign(stage: Stage, items: Vec<Item>) -> Cleanup {
        Cleanup {
            id: 1,
            title: "2023年清理".into(),
            issued_from: "2018-01-01".into(),
            issued_until: "2022-12-31".into(),
            issuer: None,
            stage,
            started_on: day("2023-03-01"),
            review_ended_on: None,
            closed_on: None,
            version: 1,
            items,
        }
    }

    fn day(s: &str) -> NaiveDate {
        fazhi_kernel::date::parse(s).unwrap()
    }

    #[test]
    fn the_review_cannot_end_while_a_document_lacks_its_verdict() {
        let c = campaign(
            Stage::Reviewing,
            vec![item(1, Some(Verdict::Retain)), item(2, None)],
        );
        assert_eq!(allowed_steps(&c), vec![Step::Judge]);
        let e = transition(&c, &Action::EndReview, day("2023-04-01")).unwrap_err();
        assert_eq!(e.code(), "cleanup_step_not_open");
        assert!(e.message_zh().contains("还有 1 件"), "{}", e.message_zh());
        let judged = transition(
            &c,
            &Action::Judge {
                document_id: 2,
                verdict: Verdict::ToRepeal,
                reason: "上位法已修改".into(),
            },
            day("2023-04-01"),
        )
        .unwrap();
        assert!(matches!(
            judged,
            Change::Judged {
                verdict: Verdict::ToRepeal,
                judged_version: 1,
                ..
            }
        ));
        let no_reason = transition(
            &c,
            &Action::Judge {
                document_id: 2,
                verdict: Verdict::Retain,
                reason: " ".into(),
            },
            day("2023-04-01"),
        );
        assert!(no_reason.unwrap_err().message_zh().contains("清理理由"));
    }

    #[test]
    fn ending_the_review_sets_each_status_and_following_ends_only_when_done() {
        let c = campaign(
            Stage::Reviewing,
            vec![
                item(1, Some(Verdict::Retain)),
                item(2, Some(Verdict::ToRepeal)),
                item(3, Some(Verdict::ToRevise)),
            ],
        );
        assert_eq!(
            allowed_steps(&c)[0],
            Step::EndReview,
            "the step that moves it on first"
        );
        let Change::ReviewEnded { statuses } =
            transition(&c, &Action::EndReview, day("2023-05-01")).unwrap()
        else {
            panic!("review ended")
        };
        assert_eq!(
            statuses,
            vec![(2, Status::ToRepeal), (3, Status::ToRevise)],
            "retained ones are unchanged"
        );

        let mut c = campaign(Stage::Following, c.items.clone());
        assert_eq!(allowed_steps(&c), vec![Step::Done]);
        assert_eq!(
            transition(&c, &Action::Close, day("2023-06-01"))
                .unwrap_err()
                .code(),
            "cleanup_step_not_open"
        );
        // A revision is done only once the revised text is registered.
        let done = |id| Action::Done {
            document_id: id,
            on: day("2023-06-01"),
            note: "诸政发〔2023〕9号 废止".into(),
        };
        assert_eq!(
            transition(&c, &done(3), day("2023-06-01"))
                .unwrap_err()
                .code(),
            "cleanup_revision_missing"
        );
        c.items[2].current_version = 2;
        assert!(matches!(
            transition(&c, &done(3), day("2023-06-01")).unwrap(),
            Change::Done {
                status: Status::InForce,
                ..
            }
        ));
        assert!(matches!(
            transition(&c, &done(2), day("2023-06-01")).unwrap(),
            Change::Done {
                status: Status::Repealed,
                ..
            }
        ));
        assert_eq!(
            transition(&c, &done(1), day("2023-06-01"))
                .unwrap_err()
                .code(),
            "cleanup_nothing_to_follow"
        );
        assert!(
            transition(&c, &done(2), day("2023-06-02")).is_ok(),
            "done before today"
        );
        let future = Action::Done {
            document_id: 2,
            on: day("2023-07-01"),
            note: "x".into(),
        };
        assert!(transition(&c, &future, day("2023-06-01")).is_err());
        c.items[1].done_on = Some("2023-06-01".into());
        c.items[2].done_on = Some("2023-06-01".into());
        assert_eq!(allowed_steps(&c), vec![Step::Close]);
    }

    #[test]
    fn a_document_already_repealed_can_only_be_found_repealed() {
        let mut c = campaign(Stage::Reviewing, vec![item(1, None)]);
        c.items[0].status = Status::Repealed;
        let e = transition(
            &c,
            &Action::Judge {
                document_id: 1,
                verdict: Verdict::Retain,
                reason: "仍适用".into(),
            },
            day("2023-04-01"),
        )
        .unwrap_err();
        assert_eq!(e.code(), "cleanup_verdict_contradicts_register");
    }

    #[test]
    fn the_seed_reports_summary_gives_its_rate() {
        let mut items = Vec::new();
        for (n, v) in [
            (226, Verdict::Retain),
            (14, Verdict::Repealed),
            (95, Verdict::ToRepeal),
            (10, Verdict::ToRevise),
        ] {
            items.extend((0..n).map(|i| item(i, Some(v))));
        }
        let s = super::super::model::Summary::of(&items);
        assert_eq!(
            (s.reviewed, s.retain, s.repealed, s.to_repeal, s.to_revise),
            (345, 226, 14, 95, 10)
        );
        assert_eq!(
            crate::enforcement::figures::percent(s.reduction_rate()),
            "34.49%"
        );
    }
}
