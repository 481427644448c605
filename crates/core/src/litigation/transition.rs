//! An administrative suit defended (`Litigation`) and its steps as pure functions: the open
//! steps (the next first) and what a step changes.
//!
//! The answer's limit is 行政诉讼法 art. 67 (15 days from receiving the complaint's copy). Who
//! appears for the defendant follows the Supreme People's Court's 2020 provisions on the
//! responsible person's appearance (LAW.md): the head, deputies and the leaders in charge of the
//! matter count; anyone else appears only with a valid reason for the responsible person's
//! absence; a lawyer alone does not count (2018 interpretation art. 128).

use chrono::NaiveDate;
use fazhi_kernel::period::Period;
use fazhi_store::Arg;

use crate::workflow::{dated, text};
use crate::{Error, Refusals, Result};

/// 行政诉讼法 art. 67: evidence, the normative documents relied on and the defence within 15
/// days of receiving the complaint's copy.
pub const ANSWER_DAYS: u32 = 15;
pub const ART_ANSWER: &str = "第六十七条";

codes!(Stage {
    Pending => "pending", "审理中";
    Judged => "judged", "已判决，待追责";
    Closed => "closed", "已结案";
});

codes!(Risk {
    High => "high", "高风险";
    Medium => "medium", "中风险";
    Low => "low", "低风险";
});

codes!(Appearance {
    Responsible => "responsible", "负责人出庭";
    Staff => "staff", "委托工作人员出庭";
    LawyerOnly => "lawyer_only", "仅委托律师出庭";
    Absent => "absent", "无人出庭";
});

codes!(Judgment {
    Won => "won", "胜诉（驳回诉讼请求）";
    Lost => "lost", "败诉";
    Withdrawn => "withdrawn", "原告撤诉";
    Mediated => "mediated", "调解结案";
});

/// A court number as courts print it: brackets full-width (（2026）), no spaces, so the same
/// case typed two ways is one.
pub fn court_number(typed: &str) -> String {
    typed
        .chars()
        .filter(|c| !c.is_whitespace())
        .map(|c| match c {
            '(' => '（',
            ')' => '）',
            other => other,
        })
        .collect()
}

/// A first-instance case (行初): the appearance rate counts these.
pub fn first_instance(number: &str) -> bool {
    number.contains("行初")
}

/// The titles that make the person who appears the agency's responsible person.
pub const RESPONSIBLE_TITLES: &[&str] = &["正职负责人", "副职负责人", "分管负责人"];

#[derive(Clone, Debug)]
pub struct Litigation {
    pub id: i64,
    pub court: String,
    pub court_number: String,
    pub plaintiff: String,
    pub defendant_id: i64,
    pub defendant: String,
    pub act: String,
    pub claim: String,
    pub served_on: NaiveDate,
    pub stage: Stage,
    pub answered_on: Option<NaiveDate>,
    pub risk: Option<Risk>,
    pub risk_reason: Option<String>,
    pub leader: Option<String>,
    pub hearing_on: Option<NaiveDate>,
    pub appearance: Option<Appearance>,
    pub appeared_name: Option<String>,
    pub appeared_title: Option<String>,
    pub absence_reason: Option<String>,
    pub judged_on: Option<NaiveDate>,
    pub judgment: Option<Judgment>,
    pub judgment_note: Option<String>,
    pub accountability: Option<String>,
    pub version: i64,
}

#[derive(Clone, Debug)]
pub enum Action {
    Answer {
        on: NaiveDate,
    },
    RateRisk {
        risk: Risk,
        reason: String,
    },
    AssignLeader {
        leader: String,
    },
    /// The hearing held on `on`, and who appeared for the defendant.
    Hearing {
        on: NaiveDate,
        appearance: Appearance,
        name: String,
        title: String,
        absence_reason: String,
    },
    Judge {
        on: NaiveDate,
        judgment: Judgment,
        note: String,
    },
    /// After a loss: the accountability that followed (败诉案件责任追究).
    Accountability {
        on: NaiveDate,
        text: String,
    },
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Step {
    Answer,
    RateRisk,
    AssignLeader,
    Hearing,
    Judge,
    Accountability,
}

impl Step {
    pub const ALL: [Step; 6] = [
        Step::Answer,
        Step::RateRisk,
        Step::AssignLeader,
        Step::Hearing,
        Step::Judge,
        Step::Accountability,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Step::Answer => "answer",
            Step::RateRisk => "rate_risk",
            Step::AssignLeader => "assign_leader",
            Step::Hearing => "hearing",
            Step::Judge => "judge",
            Step::Accountability => "accountability",
        }
    }

    pub fn parse(code: &str) -> Option<Step> {
        Step::ALL.into_iter().find(|s| s.code() == code)
    }

    pub fn label_zh(self) -> &'static str {
        match self {
            Step::Answer => "提交答辩状和证据",
            Step::RateRisk => "败诉风险研判",
            Step::AssignLeader => "领导包案",
            Step::Hearing => "开庭与出庭应诉",
            Step::Judge => "登记裁判结果",
            Step::Accountability => "败诉责任追究",
        }
    }
}

impl Action {
    pub fn step(&self) -> Step {
        match self {
            Action::Answer { .. } => Step::Answer,
            Action::RateRisk { .. } => Step::RateRisk,
            Action::AssignLeader { .. } => Step::AssignLeader,
            Action::Hearing { .. } => Step::Hearing,
            Action::Judge { .. } => Step::Judge,
            Action::Accountability { .. } => Step::Accountability,
        }
    }
}

/// The steps open now, the next one first.
pub fn allowed_steps(l: &Litigation) -> Vec<Step> {
    match l.stage {
        Stage::Pending => {
            let mut s = Vec::new();
            if l.answered_on.is_none() {
                s.push(Step::Answer);
            }
            if l.appearance.is_none() {
                s.push(Step::Hearing);
            }
            s.push(Step::Judge);
            s.push(Step::RateRisk);
            if l.leader.is_none() {
                s.push(Step::AssignLeader);
            }
            s
        }
        Stage::Judged if l.accountability.is_none() => vec![Step::Accountability],
        Stage::Judged | Stage::Closed => Vec::new(),
    }
}

/// What a step writes, and whether it meets the answer's limit.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Change {
    pub fields: Vec<(&'static str, Arg)>,
    pub meets_answer: bool,
    /// The step's own date: the day the answer's limit is met.
    pub on: Option<NaiveDate>,
}

impl Change {
    fn set(mut self, column: &'static str, value: impl ToString) -> Change {
        self.fields.push((column, Arg::Text(value.to_string())));
        self
    }
}

/// The answer's limit, started when the complaint's copy is received.
pub fn answer_period() -> Period {
    Period::CalendarDays(ANSWER_DAYS)
}

pub fn transition(l: &Litigation, action: &Action, today: NaiveDate) -> Result<Change> {
    let step = action.step();
    if !allowed_steps(l).contains(&step) {
        return Err(Error::refused(
            "litigation_step_not_open",
            "action",
            format!("本案{}，不能{}。", l.stage.label_zh(), step.label_zh()),
        ));
    }
    let c = Change::default();
    match action {
        Action::Answer { on } => {
            dated(*on, today, &[(Some(l.served_on), "收到起诉状副本的日期")])?;
            Ok(Change {
                meets_answer: true,
                on: Some(*on),
                ..c.set("answered_on", on)
            })
        }
        Action::RateRisk { risk, reason } => {
            let reason = text("reason", reason, "研判的理由", 1000)?;
            Ok(c.set("risk", risk.code()).set("risk_reason", reason))
        }
        Action::AssignLeader { leader } => {
            let leader = text("leader", leader, "包案领导的姓名和职务", 100)?;
            Ok(c.set("leader", leader))
        }
        Action::Hearing {
            on,
            appearance,
            name,
            title,
            absence_reason,
        } => {
            dated(*on, today, &[(Some(l.served_on), "收到起诉状副本的日期")])?;
            let mut r = Refusals::default();
            let mut c = c.set("hearing_on", on).set("appearance", appearance.code());
            if *appearance == Appearance::Responsible {
                if !RESPONSIBLE_TITLES.contains(&title.trim()) {
                    r.push(Error::invalid(
                        "title",
                        "负责人是被诉行政机关的正职、副职负责人或者参与分管被诉行政行为的负责人；其他人员出庭请选择“委托工作人员出庭”。",
                    ));
                }
                r.take(text("name", name, "出庭负责人的姓名", 50))?;
            } else {
                if *appearance == Appearance::Staff {
                    r.take(text("name", name, "出庭工作人员的姓名", 50))?;
                }
                // Only a valid reason excuses the responsible person (2020 provisions).
                if let Some(why) = r.take(text(
                    "absence_reason",
                    absence_reason,
                    "负责人不能出庭的正当理由",
                    500,
                ))? {
                    c = c.set("absence_reason", why);
                }
            }
            r.finish()?;
            if !name.trim().is_empty() {
                c = c.set("appeared_name", name.trim());
            }
            if !title.trim().is_empty() {
                c = c.set("appeared_title", title.trim());
            }
            Ok(c)
        }
        Action::Judge { on, judgment, note } => {
            dated(
                *on,
                today,
                &[
                    (Some(l.served_on), "收到起诉状副本的日期"),
                    (l.hearing_on, "开庭日期"),
                ],
            )?;
            if l.appearance.is_none() && matches!(judgment, Judgment::Won | Judgment::Lost) {
                return Err(Error::refused(
                    "litigation_hearing_missing",
                    "action",
                    "判决前请先登记开庭和出庭应诉情况。",
                ));
            }
            let note = text("note", note, "裁判文书的案号和主要内容", 2000)?;
            let stage = if *judgment == Judgment::Lost {
                Stage::Judged
            } else {
                Stage::Closed
            };
            Ok(Change {
                meets_answer: true,
                on: Some(*on),
                ..c.set("stage", stage.code())
                    .set("judged_on", on)
                    .set("judgment", judgment.code())
                    .set("judgment_note", note)
            })
        }
        Action::Accountability { on, text: t } => {
            dated(
                *on,
                today,
                &[(Some(l.judged_on.unwrap_or(l.served_on)), "判决日期")],
            )?;
            let t = text("text", t, "追究的对象、方式和结果", 2000)?;
            Ok(c.set("stage", Stage::Closed.code())
                .set("accountability", t)
                .set("accountability_on", on))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(s: &str) -> NaiveDate {
        fazhi_kernel::date::parse(s).unwrap()
    }

    fn suit() -> Litigation {
        Litigation {
            id: 3,
            court: "诸暨市人民法院".into(),
            court_number: "（2024）浙0681行初12号".into(),
            plaintiff: "王小明".into(),
            defendant_id: 2,
            defendant: "诸暨市人民政府".into(),
            act: "征收补偿决定".into(),
            claim: "撤销征收补偿决定".into(),
            served_on: day("2024-03-01"),
            stage: Stage::Pending,
            answered_on: None,
            risk: None,
            risk_reason: None,
            leader: None,
            hearing_on: None,
            appearance: None,
            appeared_name: None,
            appeared_title: None,
            absence_reason: None,
            judged_on: None,
            judgment: None,
            judgment_note: None,
            accountability: None,
            version: 1,
        }
    }

    fn hearing(appearance: Appearance, title: &str, reason: &str) -> Action {
        Action::Hearing {
            on: day("2024-04-10"),
            appearance,
            name: "张三".into(),
            title: title.into(),
            absence_reason: reason.into(),
        }
    }

    #[test]
    fn only_a_head_a_deputy_or_the_leader_in_charge_is_responsible_and_others_need_a_reason() {
        let l = suit();
        let today = day("2024-05-01");
        assert!(
            transition(
                &l,
                &hearing(Appearance::Responsible, "分管负责人", ""),
                today
            )
            .is_ok()
        );
        let e = transition(&l, &hearing(Appearance::Responsible, "科长", ""), today).unwrap_err();
        assert_eq!(e.refused_fields()[0].0, "title");
        let e = transition(&l, &hearing(Appearance::LawyerOnly, "", ""), today).unwrap_err();
        assert_eq!(e.refused_fields()[0].0, "absence_reason");
        assert!(
            transition(
                &l,
                &hearing(Appearance::Staff, "法制科科长", "出差参加省政府会议"),
                today
            )
            .is_ok()
        );
    }

    #[test]
    fn a_loss_stays_open_until_its_accountability_is_recorded() {
        let mut l = suit();
        let today = day("2024-06-01");
        let judge = Action::Judge {
            on: day("2024-05-20"),
            judgment: Judgment::Lost,
            note: "（2024）浙0681行初12号判决：撤销".into(),
        };
        assert_eq!(
            transition(&l, &judge, today).unwrap_err().code(),
            "litigation_hearing_missing"
        );
        l.appearance = Some(Appearance::Responsible);
        let c = transition(&l, &judge, today).unwrap();
        assert!(c.meets_answer);
        assert!(c.fields.contains(&("stage", Arg::Text("judged".into()))));
        l.stage = Stage::Judged;
        l.judgment = Some(Judgment::Lost);
        l.judged_on = Some(day("2024-05-20"));
        assert_eq!(allowed_steps(&l), vec![Step::Accountability]);
    }
}
