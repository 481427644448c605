//! A legality review request (`LegalityReview`) and its steps as pure functions: which steps are
//! open (the next one first) and what a step changes. The procedure (`procedure.rs`) says the
//! stages and materials; the rules here say what may happen on them.

use chrono::NaiveDate;
use serde::Serialize;

use super::advisers::{Adviser, AdviserKind};
use super::procedure::Procedure;
use crate::{Error, Result};

/// Longest opinion, reason or note, in characters.
pub const TEXT_MAX: usize = 20_000;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum State {
    /// Moving through the stages.
    Open,
    /// Returned to the requester for revision (退回修改); resubmitted to the first stage.
    Returned,
    /// Every stage done.
    Concluded,
}

impl State {
    pub fn code(self) -> &'static str {
        match self {
            State::Open => "open",
            State::Returned => "returned",
            State::Concluded => "concluded",
        }
    }

    pub fn parse(code: &str) -> Option<State> {
        [State::Open, State::Returned, State::Concluded]
            .into_iter()
            .find(|s| s.code() == code)
    }

    pub fn label_zh(self) -> &'static str {
        match self {
            State::Open => "办理中",
            State::Returned => "退回修改",
            State::Concluded => "已办结",
        }
    }
}

/// 合法 / 修改后合法 / 不合法.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Conclusion {
    Lawful,
    LawfulIfRevised,
    Unlawful,
}

impl Conclusion {
    pub const ALL: [Conclusion; 3] = [
        Conclusion::Lawful,
        Conclusion::LawfulIfRevised,
        Conclusion::Unlawful,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Conclusion::Lawful => "lawful",
            Conclusion::LawfulIfRevised => "lawful_if_revised",
            Conclusion::Unlawful => "unlawful",
        }
    }

    pub fn parse(code: &str) -> Option<Conclusion> {
        Conclusion::ALL.into_iter().find(|c| c.code() == code)
    }

    pub fn label_zh(self) -> &'static str {
        match self {
            Conclusion::Lawful => "合法",
            Conclusion::LawfulIfRevised => "修改后合法",
            Conclusion::Unlawful => "不合法",
        }
    }
}

/// The record as the rules see it.
#[derive(Clone, Debug, Serialize)]
pub struct LegalityReview {
    pub id: i64,
    pub kind: String,
    pub title: String,
    pub draft: String,
    pub department_id: i64,
    pub department: String,
    pub stage_index: usize,
    pub state: State,
    pub returns: i64,
    pub return_reason: Option<String>,
    pub submitted_on: String,
    pub accepted_on: Option<String>,
    pub reviewer_id: Option<i64>,
    pub reviewer_name: Option<String>,
    pub conclusion: Option<Conclusion>,
    pub opinion: Option<String>,
    pub opinion_number: Option<String>,
    pub signed_by: Option<String>,
    pub signed_on: Option<String>,
    /// (stage code, material code) provided.
    pub provided: Vec<(String, String)>,
    /// The advisers consulted, with their opinions.
    pub consulted: Vec<Consulted>,
    /// The penalty case a review of a major enforcement decision is for.
    pub case_id: Option<i64>,
    pub version: i64,
}

/// An adviser's written opinion on a request.
#[derive(Clone, Debug, Serialize)]
pub struct Consulted {
    pub adviser_id: i64,
    pub name: String,
    pub kind: String,
    pub opinion: String,
    pub on: String,
}

#[derive(Clone, Debug)]
pub enum Action {
    /// A material of the current stage provided (a note says what and where).
    Provide { material: String, note: String },
    /// The current stage done; the next begins. Accepting starts the reviewer's limit.
    Advance,
    /// The reviewer named, with their declaration of no conflict of interest.
    Assign {
        reviewer_id: i64,
        reviewer_department_id: i64,
        reviewer_name: String,
        no_conflict: bool,
    },
    /// A legal adviser, an expert or a member of the town's "1+3+N" team consulted, with their
    /// written opinion and their declaration of no conflict.
    Consult {
        adviser: Adviser,
        no_conflict: bool,
        opinion: String,
    },
    /// Back to the requester with what to revise.
    Return { reason: String },
    /// The requester resubmits after revising.
    Resubmit { draft: String },
    /// The signed review opinion (审查意见书).
    Opinion {
        conclusion: Conclusion,
        text: String,
    },
}

impl Action {
    pub fn step(&self) -> Step {
        match self {
            Action::Provide { .. } => Step::Provide,
            Action::Advance => Step::Advance,
            Action::Assign { .. } => Step::Assign,
            Action::Consult { .. } => Step::Consult,
            Action::Return { .. } => Step::Return,
            Action::Resubmit { .. } => Step::Resubmit,
            Action::Opinion { .. } => Step::Opinion,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Step {
    Provide,
    Advance,
    Assign,
    Consult,
    Return,
    Resubmit,
    Opinion,
}

impl Step {
    pub fn code(self) -> &'static str {
        match self {
            Step::Provide => "provide",
            Step::Advance => "advance",
            Step::Assign => "assign",
            Step::Consult => "consult",
            Step::Return => "return",
            Step::Resubmit => "resubmit",
            Step::Opinion => "opinion",
        }
    }
}

/// Required materials of the current stage not yet provided.
pub fn missing<'a>(r: &LegalityReview, p: &'a Procedure) -> Vec<&'a str> {
    let Some(stage) = p.stage(r.stage_index) else {
        return Vec::new();
    };
    stage
        .materials
        .iter()
        .filter(|m| m.required)
        .filter(|m| {
            !r.provided
                .iter()
                .any(|(s, c)| *s == stage.code && *c == m.code)
        })
        .map(|m| m.name.as_str())
        .collect()
}

fn at(r: &LegalityReview, p: &Procedure, stage: &str) -> bool {
    p.index_of(stage) == Some(r.stage_index)
}

fn after_acceptance(r: &LegalityReview, p: &Procedure) -> bool {
    p.index_of(&p.accept_stage)
        .is_some_and(|a| r.stage_index > a)
}

/// The steps open now, the one that moves the request on first.
pub fn allowed_steps(r: &LegalityReview, p: &Procedure) -> Vec<Step> {
    let mut steps = Vec::new();
    match r.state {
        State::Concluded => return steps,
        State::Returned => return vec![Step::Resubmit],
        State::Open => {}
    }
    let opinion_due = at(r, p, &p.opinion_stage);
    if opinion_due {
        if r.reviewer_id.is_some() {
            steps.push(Step::Opinion);
        } else {
            steps.push(Step::Assign);
        }
    } else if missing(r, p).is_empty() && (!after_acceptance(r, p) || r.reviewer_id.is_some()) {
        steps.push(Step::Advance);
    }
    let has_materials = p
        .stage(r.stage_index)
        .is_some_and(|s| !s.materials.is_empty());
    if has_materials {
        steps.push(Step::Provide);
    }
    // The reviewer is named from acceptance on, until the opinion.
    let before_opinion = p
        .index_of(&p.opinion_stage)
        .is_some_and(|o| r.stage_index <= o);
    if after_acceptance(r, p) && before_opinion && !steps.contains(&Step::Assign) {
        steps.push(Step::Assign);
    }
    if after_acceptance(r, p) && before_opinion {
        steps.push(Step::Consult);
        steps.push(Step::Return);
    }
    steps
}

/// What a step writes.
#[derive(Clone, Debug, PartialEq)]
pub enum Change {
    Provided {
        stage: String,
        material: String,
        note: String,
    },
    /// To `stage_index`; `accepted` when this completes acceptance (the limit starts);
    /// `concluded` when it was the last stage.
    Advanced {
        stage_index: usize,
        accepted: bool,
        concluded: bool,
    },
    Assigned {
        reviewer_id: i64,
        reviewer_name: String,
    },
    Consulted {
        adviser_id: i64,
        opinion: String,
    },
    Returned {
        reason: String,
    },
    Resubmitted {
        draft: String,
    },
    /// The opinion signed; the limit is met; on to the next stage (or concluded).
    Opinion {
        conclusion: Conclusion,
        text: String,
        stage_index: usize,
        concluded: bool,
    },
}

fn text(field: &'static str, label: &str, t: &str) -> Result<String> {
    let t = t.trim();
    if t.is_empty() {
        return Err(Error::invalid(field, format!("请填写{label}。")));
    }
    if t.chars().count() > TEXT_MAX {
        return Err(Error::invalid(
            field,
            format!("{label}不超过 {TEXT_MAX} 字。"),
        ));
    }
    Ok(t.to_string())
}

pub fn transition(
    r: &LegalityReview,
    p: &Procedure,
    action: &Action,
    _today: NaiveDate,
) -> Result<Change> {
    let step = action.step();
    let stage = p.stage(r.stage_index);
    if !allowed_steps(r, p).contains(&step) {
        let why = match (step, r.state) {
            (Step::Advance, State::Open) if at(r, p, &p.opinion_stage) => {
                "请先出具审查意见。".to_string()
            }
            (Step::Advance, State::Open) if missing(r, p).is_empty() => {
                "请先指定审查人员，再完成本环节。".to_string()
            }
            (Step::Advance, State::Open) => format!(
                "“{}”环节还缺少必需的材料：{}。",
                stage.map_or("", |s| s.name.as_str()),
                missing(r, p).join("、")
            ),
            (Step::Opinion, State::Open) if r.reviewer_id.is_none() => "请先指定审查人员。".into(),
            (_, state) => format!("审查事项{}，不能进行此操作。", state.label_zh()),
        };
        return Err(Error::refused("review_step_not_open", "action", why));
    }
    let last = p.stages.len().saturating_sub(1);
    match action {
        Action::Provide { material, note } => {
            let Some(stage) = stage else {
                return Err(Error::malformed("review stage"));
            };
            if !stage.materials.iter().any(|m| &m.code == material) {
                return Err(Error::invalid("material", "该材料不属于当前环节。"));
            }
            Ok(Change::Provided {
                stage: stage.code.clone(),
                material: material.clone(),
                note: text("note", "材料说明（名称、页数或存放位置）", note)?,
            })
        }
        Action::Advance => Ok(Change::Advanced {
            stage_index: (r.stage_index + 1).min(last),
            accepted: at(r, p, &p.accept_stage),
            concluded: r.stage_index >= last,
        }),
        Action::Assign {
            reviewer_id,
            reviewer_department_id,
            reviewer_name,
            no_conflict,
        } => {
            // Conflicts of interest: nobody reviews their own unit's matter, and the reviewer
            // declares none (回避).
            if *reviewer_department_id == r.department_id {
                return Err(Error::refused(
                    "review_conflict_of_interest",
                    "reviewer_id",
                    format!("{reviewer_name}与送审单位同属{}，应当回避。", r.department),
                ));
            }
            if !no_conflict {
                return Err(Error::refused(
                    "review_conflict_not_declared",
                    "no_conflict",
                    "审查人员须声明与本事项无利害关系；有利害关系的应当回避，请另行指定。",
                ));
            }
            Ok(Change::Assigned {
                reviewer_id: *reviewer_id,
                reviewer_name: reviewer_name.clone(),
            })
        }
        Action::Consult {
            adviser,
            no_conflict,
            opinion,
        } => {
            if !adviser.active {
                return Err(Error::invalid(
                    "adviser_id",
                    format!("{}已不在审查人员库中。", adviser.name),
                ));
            }
            if let Some((_, unit, why)) = adviser
                .conflicts
                .iter()
                .find(|(unit, _, _)| *unit == r.department_id)
            {
                return Err(Error::refused(
                    "review_adviser_conflict",
                    "adviser_id",
                    format!("{}应当回避{unit}的事项：{why}", adviser.name),
                ));
            }
            if adviser.kind == AdviserKind::TownTeam && adviser.town_id != Some(r.department_id) {
                return Err(Error::refused(
                    "review_adviser_other_town",
                    "adviser_id",
                    format!(
                        "{}是{}“1+3+N”审查团队成员，只参与本镇乡（街道）事项的审查。",
                        adviser.name,
                        adviser.town.as_deref().unwrap_or("其他镇乡")
                    ),
                ));
            }
            if r.consulted.iter().any(|c| c.adviser_id == adviser.id) {
                return Err(Error::invalid(
                    "adviser_id",
                    format!("已记录{}的意见。", adviser.name),
                ));
            }
            if !no_conflict {
                return Err(Error::refused(
                    "review_conflict_not_declared",
                    "no_conflict",
                    "参与审查的人员须声明与本事项无利害关系；有利害关系的应当回避。",
                ));
            }
            Ok(Change::Consulted {
                adviser_id: adviser.id,
                opinion: text("opinion", "其书面意见", opinion)?,
            })
        }
        Action::Return { reason } => Ok(Change::Returned {
            reason: text("reason", "退回修改的理由和修改要求", reason)?,
        }),
        Action::Resubmit { draft } => Ok(Change::Resubmitted {
            draft: text("draft", "修改后的送审稿", draft)?,
        }),
        Action::Opinion {
            conclusion,
            text: t,
        } => Ok(Change::Opinion {
            conclusion: *conclusion,
            text: text("opinion", "审查意见", t)?,
            stage_index: (r.stage_index + 1).min(last),
            concluded: r.stage_index >= last,
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::super::procedure;
    use super::*;

    fn request(kind: &str) -> LegalityReview {
        LegalityReview {
            id: 1,
            kind: kind.into(),
            title: "关于某事项的议题".into(),
            draft: "第一条".into(),
            department_id: 7,
            department: "诸暨市住房和城乡建设局".into(),
            stage_index: 0,
            state: State::Open,
            returns: 0,
            return_reason: None,
            submitted_on: "2024-03-01".into(),
            accepted_on: None,
            reviewer_id: None,
            reviewer_name: None,
            conclusion: None,
            opinion: None,
            opinion_number: None,
            signed_by: None,
            signed_on: None,
            provided: Vec::new(),
            consulted: Vec::new(),
            case_id: None,
            version: 1,
        }
    }

    fn today() -> NaiveDate {
        fazhi_kernel::date::parse("2024-03-05").unwrap()
    }

    fn apply(r: &mut LegalityReview, c: &Change) {
        match c {
            Change::Provided {
                stage, material, ..
            } => r.provided.push((stage.clone(), material.clone())),
            Change::Advanced {
                stage_index,
                concluded,
                ..
            } => {
                if *concluded {
                    r.state = State::Concluded;
                } else {
                    r.stage_index = *stage_index;
                }
            }
            Change::Assigned { reviewer_id, .. } => r.reviewer_id = Some(*reviewer_id),
            Change::Consulted { .. } => {}
            Change::Returned { .. } => r.state = State::Returned,
            Change::Resubmitted { .. } => {
                r.state = State::Open;
                r.stage_index = 0;
                r.provided.clear();
            }
            Change::Opinion { stage_index, .. } => r.stage_index = *stage_index,
        }
    }

    #[test]
    fn a_missing_required_material_blocks_the_stage_and_names_itself() {
        let built = procedure::built_in().unwrap();
        let p = built.get("agenda").unwrap();
        let mut r = request("agenda");
        assert_eq!(allowed_steps(&r, p), vec![Step::Provide]);
        let e = transition(&r, p, &Action::Advance, today()).unwrap_err();
        assert!(
            e.message_zh().contains("议题材料及起草说明"),
            "{}",
            e.message_zh()
        );
        let c = transition(
            &r,
            p,
            &Action::Provide {
                material: "draft".into(),
                note: "议题材料 12 页".into(),
            },
            today(),
        )
        .unwrap();
        apply(&mut r, &c);
        assert_eq!(
            allowed_steps(&r, p)[0],
            Step::Advance,
            "the step that moves it on first"
        );
        assert!(
            transition(
                &r,
                p,
                &Action::Provide {
                    material: "minutes".into(),
                    note: "x".into()
                },
                today()
            )
            .is_err()
        );
    }

    #[test]
    fn acceptance_starts_the_limit_the_reviewer_is_not_of_the_unit_and_the_opinion_concludes() {
        let built = procedure::built_in().unwrap();
        let p = built.get("normative").unwrap();
        let mut r = request("normative");
        for m in ["draft", "basis", "opinions"] {
            let c = transition(
                &r,
                p,
                &Action::Provide {
                    material: m.into(),
                    note: "附".into(),
                },
                today(),
            )
            .unwrap();
            apply(&mut r, &c);
        }
        let c = transition(&r, p, &Action::Advance, today()).unwrap();
        assert_eq!(
            c,
            Change::Advanced {
                stage_index: 1,
                accepted: false,
                concluded: false
            }
        );
        apply(&mut r, &c);
        let c = transition(
            &r,
            p,
            &Action::Provide {
                material: "complete".into(),
                note: "齐全".into(),
            },
            today(),
        )
        .unwrap();
        apply(&mut r, &c);
        let c = transition(&r, p, &Action::Advance, today()).unwrap();
        assert_eq!(
            c,
            Change::Advanced {
                stage_index: 2,
                accepted: true,
                concluded: false
            }
        );
        apply(&mut r, &c);
        let own = Action::Assign {
            reviewer_id: 9,
            reviewer_department_id: 7,
            reviewer_name: "李某".into(),
            no_conflict: true,
        };
        assert_eq!(
            transition(&r, p, &own, today()).unwrap_err().code(),
            "review_conflict_of_interest"
        );
        let undeclared = Action::Assign {
            reviewer_id: 9,
            reviewer_department_id: 3,
            reviewer_name: "李某".into(),
            no_conflict: false,
        };
        assert_eq!(
            transition(&r, p, &undeclared, today()).unwrap_err().code(),
            "review_conflict_not_declared"
        );
        let ok = Action::Assign {
            reviewer_id: 9,
            reviewer_department_id: 3,
            reviewer_name: "李某".into(),
            no_conflict: true,
        };
        let c = transition(&r, p, &ok, today()).unwrap();
        apply(&mut r, &c);
        // Returned for revision, resubmitted: from the first stage again, materials anew.
        let c = transition(
            &r,
            p,
            &Action::Return {
                reason: "第五条设定罚款，无上位法依据".into(),
            },
            today(),
        )
        .unwrap();
        apply(&mut r, &c);
        assert_eq!(allowed_steps(&r, p), vec![Step::Resubmit]);
        let c = transition(
            &r,
            p,
            &Action::Resubmit {
                draft: "第一条（修改稿）".into(),
            },
            today(),
        )
        .unwrap();
        apply(&mut r, &c);
        assert_eq!((r.state, r.stage_index), (State::Open, 0));
        // To the opinion stage: it needs the reviewer named, then concludes the last stage.
        r.stage_index = 3;
        assert_eq!(allowed_steps(&r, p)[0], Step::Opinion);
        let c = transition(
            &r,
            p,
            &Action::Opinion {
                conclusion: Conclusion::LawfulIfRevised,
                text: "经审查……".into(),
            },
            today(),
        )
        .unwrap();
        assert!(matches!(
            c,
            Change::Opinion {
                concluded: true,
                ..
            }
        ));
        r.reviewer_id = None;
        assert_eq!(allowed_steps(&r, p)[0], Step::Assign);
        let e = transition(
            &r,
            p,
            &Action::Opinion {
                conclusion: Conclusion::Lawful,
                text: "x".into(),
            },
            today(),
        )
        .unwrap_err();
        assert!(e.message_zh().contains("请先指定审查人员"));
    }

    #[test]
    fn an_adviser_with_a_conflict_or_of_another_town_is_not_consulted() {
        let built = procedure::built_in().unwrap();
        let p = built.get("town").unwrap();
        let mut r = request("town");
        r.stage_index = p.index_of(&p.accept_stage).unwrap() + 1;
        let adviser = |kind, town_id, conflicts: Vec<(i64, String, String)>| Adviser {
            id: 3,
            name: "周律师".into(),
            kind,
            organisation: "浙江某律师事务所".into(),
            specialty: String::new(),
            town_id,
            town: town_id.map(|_| "枫桥镇人民政府".into()),
            active: true,
            conflicts,
        };
        let consult = |a, no_conflict| Action::Consult {
            adviser: a,
            no_conflict,
            opinion: "建议删除第三条。".into(),
        };
        assert!(allowed_steps(&r, p).contains(&Step::Consult));
        let conflicted = adviser(
            AdviserKind::LegalAdviser,
            None,
            vec![(
                7,
                "诸暨市住房和城乡建设局".into(),
                "担任该局法律顾问".into(),
            )],
        );
        let e = transition(&r, p, &consult(conflicted, true), today()).unwrap_err();
        assert_eq!(e.code(), "review_adviser_conflict");
        assert!(e.message_zh().contains("担任该局法律顾问"));
        let e = transition(
            &r,
            p,
            &consult(adviser(AdviserKind::TownTeam, Some(9), vec![]), true),
            today(),
        )
        .unwrap_err();
        assert_eq!(e.code(), "review_adviser_other_town");
        assert!(
            transition(
                &r,
                p,
                &consult(adviser(AdviserKind::TownTeam, Some(7), vec![]), true),
                today()
            )
            .is_ok(),
            "the town's own team"
        );
        let e = transition(
            &r,
            p,
            &consult(adviser(AdviserKind::Expert, None, vec![]), false),
            today(),
        )
        .unwrap_err();
        assert_eq!(e.code(), "review_conflict_not_declared");
        r.consulted.push(Consulted {
            adviser_id: 3,
            name: "周律师".into(),
            kind: "专家库专家".into(),
            opinion: "同意".into(),
            on: "2024-03-04".into(),
        });
        assert!(
            transition(
                &r,
                p,
                &consult(adviser(AdviserKind::Expert, None, vec![]), true),
                today()
            )
            .is_err(),
            "once per adviser"
        );
    }
}
