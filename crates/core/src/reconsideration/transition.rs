//! An administrative reconsideration (`Reconsideration`) and its steps as pure functions: the
//! open steps (the next first) and what a step changes, with the limits it starts and meets.
//!
//! The articles are those of the 2023 行政复议法 (in force 2024-01-01); an application received
//! before 2024 follows the 2017 text (LAW.md). Its short periods (三日、五日、七日、十日) are
//! working days (2023 art. 88; 2017 art. 40).

use chrono::NaiveDate;
use fazhi_kernel::calendar::Calendar;
use fazhi_kernel::period::Period;

use fazhi_store::Arg;

use crate::workflow::{dated, text};
use crate::{Error, Refusals, Result};

/// The day the 2023 text applies from: applications received from then on.
pub const LAW_2023_FROM: (i32, u32, u32) = (2024, 1, 1);
/// Art. 20 (2017: art. 9): apply within 60 days of knowing of the act.
pub const APPLY_DAYS: u32 = 60;
/// Art. 20 ¶3: where the right to apply was not explained, at most a year from knowing of the act.
pub const APPLY_DAYS_UNEXPLAINED: i64 = 365;
/// Art. 30 (2017: art. 17): the acceptance review, 5 working days from receiving the application.
pub const ACCEPT_WD: u32 = 5;
/// Art. 31: the applicant completes the materials within 10 days of the notice.
pub const COMPLETE_WD: u32 = 10;
/// Art. 48 (2017: art. 23): the copy to the respondent within 7 days of acceptance; the answer
/// within 10 days of receiving it. Art. 54 (simplified): 3 and 5 days.
pub const COPY_WD: (u32, u32) = (7, 3);
pub const ANSWER_WD: (u32, u32) = (10, 5);
/// Art. 51: the parties are notified of a hearing at least 5 days before it.
pub const HEARING_NOTICE_WD: u32 = 5;
/// Art. 62 (2017: art. 31): decided within 60 days of acceptance (ordinary), extended by at
/// most 30 with the head's approval; 30 days under the simplified procedure.
pub const DECIDE_DAYS: (u32, u32) = (60, 30);
pub const EXTENSION_MAX: u32 = 30;

pub const ART_ACCEPT: &str = "第三十条";
pub const ART_COMPLETE: &str = "第三十一条";
pub const ART_COPY: &str = "第四十八条（副本）";
pub const ART_ANSWER: &str = "第四十八条";
pub const ART_DECIDE: &str = "第六十二条";

/// The articles a case's limits cite: of the 2023 text, or of the 2017 text (and its
/// implementing regulation for the completion notice) for an application received before 2024.
#[derive(Clone, Copy, Debug)]
pub struct Articles {
    pub law: &'static str,
    pub accept: &'static str,
    pub complete: &'static str,
    pub copy: &'static str,
    pub answer: &'static str,
    pub decide: &'static str,
}

pub fn articles(law: &str) -> Articles {
    if law == "2017" {
        Articles {
            law: "《中华人民共和国行政复议法》（2017年修正）",
            accept: "第十七条",
            complete: "实施条例第二十九条",
            copy: "第二十三条（副本）",
            answer: "第二十三条",
            decide: "第三十一条",
        }
    } else {
        Articles {
            law: "《中华人民共和国行政复议法》",
            accept: ART_ACCEPT,
            complete: ART_COMPLETE,
            copy: ART_COPY,
            answer: ART_ANSWER,
            decide: ART_DECIDE,
        }
    }
}

codes!(Stage {
    Received => "received", "待审查受理";
    Completing => "completing", "补正中";
    Accepted => "accepted", "审理中";
    NotAccepted => "not_accepted", "不予受理";
    Decided => "decided", "已作出决定";
    Settled => "settled", "调解、和解结案";
    Withdrawn => "withdrawn", "撤回申请";
});

codes!(Channel {
    Window => "window", "窗口申请";
    Online => "online", "网上申请";
    Post => "post", "邮寄申请";
});

codes!(Procedure {
    Simplified => "simplified", "简易程序";
    Ordinary => "ordinary", "普通程序";
});

codes!(Outcome {
    Maintain => "maintain", "维持";
    Revoke => "revoke", "撤销";
    Change => "change", "变更";
    ConfirmIllegal => "confirm_illegal", "确认违法";
    OrderPerformance => "order_performance", "责令履行";
    Dismiss => "dismiss", "驳回复议请求";
});

impl Outcome {
    /// 纠错: the reconsideration corrected the act (revoked, changed, declared it illegal or
    /// ordered the duty done).
    pub fn corrects(self) -> bool {
        matches!(
            self,
            Outcome::Revoke | Outcome::Change | Outcome::ConfirmIllegal | Outcome::OrderPerformance
        )
    }

    /// The article the decision rests on (2023 text).
    pub fn article(self) -> &'static str {
        match self {
            Outcome::Change => "第六十三条",
            Outcome::Revoke => "第六十四条",
            Outcome::ConfirmIllegal => "第六十五条",
            Outcome::OrderPerformance => "第六十六条",
            Outcome::Maintain => "第六十八条",
            Outcome::Dismiss => "第六十九条",
        }
    }
}

codes!(SimplifiedGround {
    OnTheSpot => "on_the_spot", "当场作出的行政行为";
    Warning => "warning", "警告或者通报批评";
    SmallAmount => "small_amount", "案件涉及款额三千元以下";
    Disclosure => "disclosure", "政府信息公开案件";
    Agreed => "agreed", "当事人各方同意适用简易程序";
});

#[derive(Clone, Debug)]
pub struct Reconsideration {
    pub id: i64,
    /// "2023" or "2017": the text that applies.
    pub law: String,
    pub channel: Channel,
    pub applicant: String,
    pub respondent_id: i64,
    pub respondent: String,
    pub act: String,
    pub case_id: Option<i64>,
    pub request: String,
    pub known_on: NaiveDate,
    pub right_explained: bool,
    pub received_on: NaiveDate,
    pub stage: Stage,
    pub completion_requested_on: Option<NaiveDate>,
    pub completion_items: Option<String>,
    pub completed_on: Option<NaiveDate>,
    pub accepted_on: Option<NaiveDate>,
    pub number: Option<String>,
    pub delay_reason: Option<String>,
    pub procedure: Option<Procedure>,
    pub simplified_ground: Option<SimplifiedGround>,
    pub copy_sent_on: Option<NaiveDate>,
    pub answered_on: Option<NaiveDate>,
    pub hearing_notice_on: Option<NaiveDate>,
    pub hearing_on: Option<NaiveDate>,
    pub heard_on: Option<NaiveDate>,
    pub extended_on: Option<NaiveDate>,
    pub extension_days: Option<i64>,
    pub extension_reason: Option<String>,
    pub closed_on: Option<NaiveDate>,
    pub outcome: Option<Outcome>,
    pub decision_text: Option<String>,
    pub close_note: Option<String>,
    pub version: i64,
}

impl Reconsideration {
    pub fn simplified(&self) -> bool {
        self.procedure == Some(Procedure::Simplified)
    }

    /// The last day to apply (art. 20): 60 days from knowing of the act, or a year where the
    /// right was not explained.
    pub fn apply_by(&self, cal: &Calendar) -> NaiveDate {
        if self.right_explained {
            fazhi_kernel::period::due_date(cal, self.known_on, Period::CalendarDays(APPLY_DAYS)).due
        } else {
            self.known_on + chrono::Duration::days(APPLY_DAYS_UNEXPLAINED)
        }
    }
}

/// Whether an application received on `received_on` follows the 2023 text.
pub fn law_for(received_on: NaiveDate) -> &'static str {
    let (y, m, d) = LAW_2023_FROM;
    if NaiveDate::from_ymd_opt(y, m, d).is_some_and(|from| received_on >= from) {
        "2023"
    } else {
        "2017"
    }
}

#[derive(Clone, Debug)]
pub enum Action {
    /// One request to complete the materials, naming everything missing (art. 31).
    RequestCompletion {
        on: NaiveDate,
        items: String,
    },
    Completed {
        on: NaiveDate,
    },
    Accept {
        on: NaiveDate,
        procedure: Procedure,
        ground: Option<SimplifiedGround>,
        delay_reason: String,
    },
    NotAccept {
        on: NaiveDate,
        reason: String,
    },
    /// The copy of the application sent to the respondent, received on `on`.
    SendCopy {
        on: NaiveDate,
    },
    Answer {
        on: NaiveDate,
    },
    NoticeHearing {
        on: NaiveDate,
        hearing_on: NaiveDate,
    },
    HoldHearing {
        on: NaiveDate,
    },
    Extend {
        on: NaiveDate,
        days: u32,
        reason: String,
    },
    Decide {
        on: NaiveDate,
        outcome: Outcome,
        text: String,
    },
    Settle {
        on: NaiveDate,
        note: String,
    },
    Withdraw {
        on: NaiveDate,
        reason: String,
    },
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Step {
    RequestCompletion,
    Completed,
    Accept,
    NotAccept,
    SendCopy,
    Answer,
    NoticeHearing,
    HoldHearing,
    Extend,
    Decide,
    Settle,
    Withdraw,
}

impl Step {
    pub const ALL: [Step; 12] = [
        Step::RequestCompletion,
        Step::Completed,
        Step::Accept,
        Step::NotAccept,
        Step::SendCopy,
        Step::Answer,
        Step::NoticeHearing,
        Step::HoldHearing,
        Step::Extend,
        Step::Decide,
        Step::Settle,
        Step::Withdraw,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Step::RequestCompletion => "request_completion",
            Step::Completed => "completed",
            Step::Accept => "accept",
            Step::NotAccept => "not_accept",
            Step::SendCopy => "send_copy",
            Step::Answer => "answer",
            Step::NoticeHearing => "notice_hearing",
            Step::HoldHearing => "hold_hearing",
            Step::Extend => "extend",
            Step::Decide => "decide",
            Step::Settle => "settle",
            Step::Withdraw => "withdraw",
        }
    }

    pub fn parse(code: &str) -> Option<Step> {
        Step::ALL.into_iter().find(|s| s.code() == code)
    }

    pub fn label_zh(self) -> &'static str {
        match self {
            Step::RequestCompletion => "通知补正",
            Step::Completed => "补正材料已收到",
            Step::Accept => "受理",
            Step::NotAccept => "不予受理",
            Step::SendCopy => "发送申请书副本",
            Step::Answer => "被申请人答复",
            Step::NoticeHearing => "通知听证",
            Step::HoldHearing => "举行听证",
            Step::Extend => "延长审理期限",
            Step::Decide => "作出行政复议决定",
            Step::Settle => "调解、和解结案",
            Step::Withdraw => "申请人撤回申请",
        }
    }
}

impl Action {
    pub fn step(&self) -> Step {
        match self {
            Action::RequestCompletion { .. } => Step::RequestCompletion,
            Action::Completed { .. } => Step::Completed,
            Action::Accept { .. } => Step::Accept,
            Action::NotAccept { .. } => Step::NotAccept,
            Action::SendCopy { .. } => Step::SendCopy,
            Action::Answer { .. } => Step::Answer,
            Action::NoticeHearing { .. } => Step::NoticeHearing,
            Action::HoldHearing { .. } => Step::HoldHearing,
            Action::Extend { .. } => Step::Extend,
            Action::Decide { .. } => Step::Decide,
            Action::Settle { .. } => Step::Settle,
            Action::Withdraw { .. } => Step::Withdraw,
        }
    }
}

impl Action {
    /// The day the step is dated.
    pub fn on(&self) -> NaiveDate {
        match self {
            Action::RequestCompletion { on, .. }
            | Action::Completed { on }
            | Action::Accept { on, .. }
            | Action::NotAccept { on, .. }
            | Action::SendCopy { on }
            | Action::Answer { on }
            | Action::NoticeHearing { on, .. }
            | Action::HoldHearing { on }
            | Action::Extend { on, .. }
            | Action::Decide { on, .. }
            | Action::Settle { on, .. }
            | Action::Withdraw { on, .. } => *on,
        }
    }
}

/// The last day of the respondent's answer, from receiving the copy: 10 days, or 5 under the
/// simplified procedure (2023 art. 48, 54; working days, art. 88); 10 calendar days under the
/// 2017 text (art. 23; its art. 40 makes only 五日、七日 working days).
pub fn answer_due(r: &Reconsideration, cal: &Calendar, copy: NaiveDate) -> NaiveDate {
    if r.law == "2017" {
        fazhi_kernel::period::due_date(cal, copy, Period::CalendarDays(ANSWER_WD.0)).due
    } else if r.simplified() {
        cal.add_working_days(copy, ANSWER_WD.1)
    } else {
        cal.add_working_days(copy, ANSWER_WD.0)
    }
}

/// The steps open now, the next one first.
pub fn allowed_steps(r: &Reconsideration) -> Vec<Step> {
    match r.stage {
        Stage::Received => {
            let mut s = vec![Step::Accept, Step::NotAccept];
            if r.completion_requested_on.is_none() {
                s.push(Step::RequestCompletion);
            }
            s.push(Step::Withdraw);
            s
        }
        Stage::Completing => vec![Step::Completed, Step::NotAccept, Step::Withdraw],
        Stage::Accepted => {
            let mut s = Vec::new();
            if r.copy_sent_on.is_none() {
                s.push(Step::SendCopy);
            } else if r.answered_on.is_none() {
                s.push(Step::Answer);
            }
            match (r.hearing_notice_on, r.heard_on) {
                (Some(_), None) => s.push(Step::HoldHearing),
                (None, _) => s.push(Step::NoticeHearing),
                _ => {}
            }
            if r.copy_sent_on.is_some() && !(r.hearing_notice_on.is_some() && r.heard_on.is_none())
            {
                // The decision after the answer (or its lapse) and any hearing noticed.
                let at = if r.answered_on.is_some() { 0 } else { s.len() };
                s.insert(at, Step::Decide);
            }
            if !r.simplified() && r.extended_on.is_none() {
                s.push(Step::Extend);
            }
            s.push(Step::Settle);
            s.push(Step::Withdraw);
            s
        }
        Stage::NotAccepted | Stage::Decided | Stage::Settled | Stage::Withdrawn => Vec::new(),
    }
}

/// A limit a step starts on the deadline engine.
#[derive(Clone, Debug, PartialEq)]
pub struct Limit {
    pub purpose: &'static str,
    pub article: &'static str,
    pub start_event: &'static str,
    pub on: NaiveDate,
    pub period: Period,
}

/// What a step writes: columns of `reconsiderations`, limits started, limits met (by article).
#[derive(Clone, Debug, PartialEq, Default)]
pub struct Change {
    pub fields: Vec<(&'static str, Arg)>,
    pub starts: Vec<Limit>,
    pub meets: Vec<&'static str>,
    /// The step's own date: the day the limits it meets are met.
    pub on: Option<NaiveDate>,
    /// The limit extended (the decision's), by days, with its reason.
    pub extends: Option<(u32, String)>,
}

impl Change {
    fn set(mut self, column: &'static str, value: impl ToString) -> Change {
        self.fields.push((column, Arg::Text(value.to_string())));
        self
    }

    fn set_int(mut self, column: &'static str, value: i64) -> Change {
        self.fields.push((column, Arg::Int(value)));
        self
    }

    fn start(mut self, limit: Limit) -> Change {
        self.starts.push(limit);
        self
    }

    fn meet(mut self, article: &'static str) -> Change {
        self.meets.push(article);
        self
    }

    fn close(self, stage: Stage, on: NaiveDate, a: Articles) -> Change {
        self.set("stage", stage.code())
            .set("closed_on", on)
            .meet(a.accept)
            .meet(a.complete)
            .meet(a.copy)
            .meet(a.answer)
            .meet(a.decide)
    }
}

/// The acceptance review's limit, from receiving the application (or its completion).
pub fn acceptance_limit(law: &str, on: NaiveDate, event: &'static str) -> Limit {
    Limit {
        purpose: "行政复议受理审查",
        article: articles(law).accept,
        start_event: event,
        on,
        period: Period::WorkingDays(ACCEPT_WD),
    }
}

pub fn transition(
    r: &Reconsideration,
    action: &Action,
    cal: &Calendar,
    today: NaiveDate,
) -> Result<Change> {
    let step = action.step();
    if !allowed_steps(r).contains(&step) {
        let why = match step {
            Step::Decide if r.stage == Stage::Accepted && r.copy_sent_on.is_none() => {
                "尚未向被申请人发送申请书副本：被申请人答复后（或答复期限届满后）方可作出决定（《行政复议法》第四十八条）。".to_string()
            }
            Step::Decide if r.stage == Stage::Accepted => "已通知听证，听证举行后方可作出决定。".to_string(),
            Step::RequestCompletion if r.stage == Stage::Received => {
                "补正通知只能发出一次，应当一次性载明需要补正的全部事项（《行政复议法》第三十一条）。".to_string()
            }
            Step::Extend if r.simplified() => "适用简易程序的案件不能延长审理期限。".to_string(),
            Step::Extend => "审理期限只能延长一次，且不超过三十日（《行政复议法》第六十二条）。".to_string(),
            _ => format!("本案{}，不能{}。", r.stage.label_zh(), step.label_zh()),
        };
        return Err(Error::refused(
            "reconsideration_step_not_open",
            "action",
            why,
        ));
    }
    let c = Change {
        on: Some(action.on()),
        ..Change::default()
    };
    let art = articles(&r.law);
    match action {
        Action::RequestCompletion { on, items } => {
            dated(*on, today, &[(Some(r.received_on), "收到申请日期")])?;
            let items = text("items", items, "需要补正的全部事项", 2000)?;
            // The notice within 5 days of receiving the application (art. 31 ¶1).
            let by = cal.add_working_days(r.received_on, ACCEPT_WD);
            if *on > by {
                return Err(Error::refused(
                    "completion_late",
                    "on",
                    format!(
                        "补正通知应当自收到申请之日起五个工作日内（{by} 前）发出（《行政复议法》第三十一条）。"
                    ),
                ));
            }
            Ok(c.set("stage", Stage::Completing.code())
                .set("completion_requested_on", on)
                .set("completion_items", items)
                .meet(art.accept)
                .start(Limit {
                    purpose: "申请人补正材料",
                    article: art.complete,
                    start_event: "收到补正通知",
                    on: *on,
                    period: Period::WorkingDays(COMPLETE_WD),
                }))
        }
        Action::Completed { on } => {
            dated(*on, today, &[(r.completion_requested_on, "补正通知日期")])?;
            Ok(c.set("stage", Stage::Received.code())
                .set("completed_on", on)
                .meet(art.complete)
                .start(acceptance_limit(&r.law, *on, "收到补正材料")))
        }
        Action::Accept {
            on,
            procedure,
            ground,
            delay_reason,
        } => {
            dated(
                *on,
                today,
                &[
                    (Some(r.received_on), "收到申请日期"),
                    (r.completed_on, "补正日期"),
                ],
            )?;
            let mut refusals = Refusals::default();
            let by = r.apply_by(cal);
            let delay = delay_reason.trim();
            if r.received_on > by && delay.is_empty() {
                refusals.push(Error::refused(
                    "reconsideration_late",
                    "delay_reason",
                    format!(
                        "申请在 {} 收到，已超过申请期限（{by} 前，《行政复议法》第二十条{}）。因不可抗力或者其他正当理由耽误的，请写明理由；否则应不予受理。",
                        r.received_on,
                        if r.right_explained { "" } else { "：未告知申请权利的，最长一年" }
                    ),
                ));
            }
            if *procedure == Procedure::Simplified {
                if r.law == "2017" {
                    refusals.push(Error::invalid(
                        "procedure",
                        "2024 年前收到的申请适用 2017 年《行政复议法》，没有简易程序。",
                    ));
                } else if ground.is_none() {
                    refusals.push(Error::invalid(
                        "ground",
                        "适用简易程序，请选择第五十三条规定的情形。",
                    ));
                }
            }
            refusals.finish()?;
            let number = format!("诸政复〔{}〕{}号", on.format("%Y"), r.id);
            let decide = if *procedure == Procedure::Simplified {
                DECIDE_DAYS.1
            } else {
                DECIDE_DAYS.0
            };
            let copy = if *procedure == Procedure::Simplified {
                COPY_WD.1
            } else {
                COPY_WD.0
            };
            let mut c = c
                .set("stage", Stage::Accepted.code())
                .set("accepted_on", on)
                .set("number", &number)
                .set("procedure", procedure.code())
                .meet(art.accept)
                .start(Limit {
                    purpose: "发送行政复议申请书副本",
                    article: art.copy,
                    start_event: "受理",
                    on: *on,
                    period: Period::WorkingDays(copy),
                })
                .start(Limit {
                    purpose: "作出行政复议决定",
                    article: art.decide,
                    start_event: "受理",
                    on: *on,
                    period: Period::CalendarDays(decide),
                });
            if let Some(g) = ground.filter(|_| *procedure == Procedure::Simplified) {
                c = c.set("simplified_ground", g.code());
            }
            if !delay.is_empty() {
                c = c.set("delay_reason", delay);
            }
            Ok(c)
        }
        Action::NotAccept { on, reason } => {
            dated(*on, today, &[(Some(r.received_on), "收到申请日期")])?;
            let reason = text("reason", reason, "不予受理的理由", 1000)?;
            Ok(c.close(Stage::NotAccepted, *on, art)
                .set("close_note", reason))
        }
        Action::SendCopy { on } => {
            dated(*on, today, &[(r.accepted_on, "受理日期")])?;
            let period = if r.law == "2017" {
                Period::CalendarDays(ANSWER_WD.0)
            } else if r.simplified() {
                Period::WorkingDays(ANSWER_WD.1)
            } else {
                Period::WorkingDays(ANSWER_WD.0)
            };
            Ok(c.set("copy_sent_on", on).meet(art.copy).start(Limit {
                purpose: "被申请人书面答复并提交证据、依据",
                article: art.answer,
                start_event: "被申请人收到申请书副本",
                on: *on,
                period,
            }))
        }
        Action::Answer { on } => {
            dated(*on, today, &[(r.copy_sent_on, "副本送达日期")])?;
            Ok(c.set("answered_on", on).meet(art.answer))
        }
        Action::NoticeHearing { on, hearing_on } => {
            dated(*on, today, &[(r.accepted_on, "受理日期")])?;
            let earliest = cal.add_working_days(*on, HEARING_NOTICE_WD);
            if *hearing_on < earliest {
                return Err(Error::invalid(
                    "hearing_on",
                    format!(
                        "听证的时间、地点应当于举行听证的五日前书面通知当事人（《行政复议法》第五十一条）：{on} 通知的，听证不早于 {earliest}。"
                    ),
                ));
            }
            Ok(c.set("hearing_notice_on", on).set("hearing_on", hearing_on))
        }
        Action::HoldHearing { on } => {
            dated(*on, today, &[(r.hearing_on, "通知的听证日期")])?;
            Ok(c.set("heard_on", on))
        }
        Action::Extend { on, days, reason } => {
            dated(*on, today, &[(r.accepted_on, "受理日期")])?;
            if let Some(accepted) = r.accepted_on {
                let due = fazhi_kernel::period::due_date(
                    cal,
                    accepted,
                    Period::CalendarDays(DECIDE_DAYS.0),
                )
                .due;
                if *on > due {
                    return Err(Error::refused(
                        "reconsideration_extension_late",
                        "on",
                        format!(
                            "审理期限已于 {due} 届满，不能再延长；延长应在期限届满前经负责人批准（《行政复议法》第六十二条）。"
                        ),
                    ));
                }
            }
            if !(1..=EXTENSION_MAX).contains(days) {
                return Err(Error::invalid(
                    "days",
                    format!("延长不超过 {EXTENSION_MAX} 日（《行政复议法》第六十二条）。"),
                ));
            }
            let reason = text("reason", reason, "延长的理由和批准人", 500)?;
            Ok(Change {
                extends: Some((*days, reason.clone())),
                ..c.set("extended_on", on)
                    .set_int("extension_days", i64::from(*days))
                    .set("extension_reason", reason)
            })
        }
        Action::Decide {
            on,
            outcome,
            text: t,
        } => {
            dated(
                *on,
                today,
                &[
                    (r.copy_sent_on, "副本送达日期"),
                    (r.answered_on, "答复日期"),
                    (r.heard_on, "听证日期"),
                ],
            )?;
            // The respondent answers, or its time to answer runs out, before the decision.
            if r.answered_on.is_none()
                && let Some(copy) = r.copy_sent_on
            {
                let by = answer_due(r, cal, copy);
                if *on <= by {
                    return Err(Error::refused(
                        "reconsideration_answer_pending",
                        "on",
                        format!(
                            "被申请人的答复期限至 {by}：收到答复或期限届满后方可作出决定（《行政复议法》第四十八条）。"
                        ),
                    ));
                }
            }
            let t = text("text", t, "决定的事实、理由和依据", 20_000)?;
            Ok(c.close(Stage::Decided, *on, art)
                .set("outcome", outcome.code())
                .set("decision_text", t))
        }
        Action::Settle { on, note } => {
            dated(*on, today, &[(r.accepted_on, "受理日期")])?;
            let note = text("note", note, "调解书或和解协议的内容", 2000)?;
            Ok(c.close(Stage::Settled, *on, art).set("close_note", note))
        }
        Action::Withdraw { on, reason } => {
            dated(*on, today, &[(Some(r.received_on), "收到申请日期")])?;
            let reason = text("reason", reason, "撤回的理由", 1000)?;
            Ok(c.close(Stage::Withdrawn, *on, art)
                .set("close_note", reason))
        }
    }
}

#[cfg(test)]
mod tests;
