//! A dispute (`Dispute`) at the one window and its steps as pure functions: the open steps (the
//! next first) and what a step changes — columns, a new routing (escalation, a change of kind,
//! an override), the level's limit met and the next one started.
//!
//! The law of people's mediation (人民调解法, 2010): parties may refuse or end mediation (art.
//! 23); a mediation that fails is ended and the parties told their other routes (art. 26); an
//! agreement binds (art. 31) and the committee follows its performance (art. 31 ¶2); the
//! parties may apply together for judicial confirmation within 30 days of its taking effect
//! (art. 33). A level's limit (一般在一个月内调结) is the Ministry of Justice's 人民调解工作若干规定
//! art. 33; the simple track's shorter limit is the city's own rule, kept in the routing rules
//! with its source.

use chrono::NaiveDate;

use fazhi_store::Arg;

use fazhi_kernel::calendar::Calendar;
use fazhi_kernel::period::Period;

use crate::workflow::dated;
use crate::{Error, Result};

/// 人民调解法 art. 33: the joint application for judicial confirmation, within 30 days of the
/// agreement taking effect.
pub const CONFIRM_DAYS: u32 = 30;
pub const LAW: &str = "《中华人民共和国人民调解法》";
/// Told apart from a level's limit, whose source (人民调解工作若干规定) is also an art. 33.
pub const ART_CONFIRM: &str = "第三十三条（申请司法确认）";

codes!(Kind {
    Family => "family", "婚姻家庭";
    Neighbour => "neighbour", "邻里纠纷";
    Wages => "wages", "劳动报酬";
    Debt => "debt", "合同债务";
    Land => "land", "土地山林宅基地";
    Property => "property", "物业房屋";
    Traffic => "traffic", "交通事故";
    Medical => "medical", "医疗纠纷";
    Consumer => "consumer", "消费维权";
    Administrative => "administrative", "对行政行为不服";
    Other => "other", "其他";
});

codes!(Channel {
    Window => "window", "窗口受理";
    Portal => "portal", "网上申请";
    Hotline => "hotline", "12345 热线转办";
});

codes!(Track {
    Simple => "simple", "简易";
    Complex => "complex", "复杂";
});

codes!(Level {
    Village => "village", "村（社区）级";
    Town => "town", "镇（街道）级";
    City => "city", "市级";
});

codes!(Handler {
    Village => "village", "村（社区）人民调解委员会";
    Town => "town", "镇（街道）矛盾纠纷调解中心";
    City => "city", "市级调处化解中心";
    Department => "department", "行业主管部门";
    Court => "court", "法院诉前调解";
    Reconsideration => "reconsideration", "行政复议";
    Arbitration => "arbitration", "劳动人事争议仲裁";
});

impl Handler {
    /// The mediation level, for the three levels of people's mediation.
    pub fn level(self) -> Option<Level> {
        match self {
            Handler::Village => Some(Level::Village),
            Handler::Town => Some(Level::Town),
            Handler::City => Some(Level::City),
            _ => None,
        }
    }

    /// The level a mediation goes up to when this one does not resolve it in time.
    pub fn above(self) -> Option<Handler> {
        match self {
            Handler::Village => Some(Handler::Town),
            Handler::Town => Some(Handler::City),
            _ => None,
        }
    }
}

codes!(Stage {
    Open => "open", "调处中";
    Agreed => "agreed", "达成调解协议";
    Referred => "referred", "终止调解、引导其他途径";
    Withdrawn => "withdrawn", "当事人撤回";
});

codes!(Satisfaction {
    Satisfied => "satisfied", "满意";
    Basic => "basic", "基本满意";
    Unsatisfied => "unsatisfied", "不满意";
});

codes!(Cause {
    Rules => "rules", "按规则分流";
    Override => "override", "人工改派";
    KindChanged => "kind_changed", "纠纷类型变更后重新分流";
    Escalation => "escalation", "逐级升级";
});

#[derive(Clone, Debug)]
pub struct Party {
    pub side: String,
    pub name: String,
    /// Masked for the screen (138****5678), or empty.
    pub phone: String,
}

#[derive(Clone, Debug)]
pub struct Dispute {
    pub id: i64,
    pub channel: Channel,
    pub hotline_ref: Option<String>,
    pub kind: Kind,
    pub town_id: i64,
    pub town: String,
    pub village: String,
    pub description: String,
    pub amount: Option<i64>,
    pub party_count: i64,
    pub received_on: NaiveDate,
    pub track: Track,
    pub handler: Handler,
    pub handler_name: String,
    pub department_id: i64,
    pub level_since: NaiveDate,
    pub stage: Stage,
    pub escalations: i64,
    pub closed_on: Option<NaiveDate>,
    pub agreement: Option<String>,
    pub oral_agreement: bool,
    pub confirm_applied_on: Option<NaiveDate>,
    pub confirmed_on: Option<NaiveDate>,
    pub confirm_court_ref: Option<String>,
    pub referred_to: Option<String>,
    pub close_note: Option<String>,
    pub followed_up_on: Option<NaiveDate>,
    pub satisfaction: Option<Satisfaction>,
    pub follow_up_note: Option<String>,
    pub version: i64,
}

impl Dispute {
    pub fn number(&self) -> String {
        number(self.received_on, self.id)
    }

    /// The outcome in words: 达成调解协议（已司法确认）.
    pub fn outcome_zh(&self) -> String {
        match (self.stage, self.confirmed_on) {
            (Stage::Agreed, Some(_)) => "达成调解协议（已司法确认）".into(),
            (s, _) => s.label_zh().into(),
        }
    }
}

/// 诸调〔2026〕17号: the year received and the record's id.
pub fn number(received_on: NaiveDate, id: i64) -> String {
    format!("诸调〔{}〕{id}号", received_on.format("%Y"))
}

/// Where a step sends the dispute, resolved by the service (rules, directory) before the step.
#[derive(Clone, Debug, PartialEq)]
pub struct Target {
    pub handler: Handler,
    pub name: String,
    pub department_id: i64,
    pub track: Track,
    pub rule_no: Option<u32>,
    pub explanation: String,
}

#[derive(Clone, Debug)]
pub enum Action {
    /// Up one level of mediation, with the reason (or the lapse of the level's limit).
    Escalate {
        on: NaiveDate,
        reason: String,
    },
    /// Sent elsewhere by a person, overriding the rules, always with a reason: to a level of
    /// mediation, or to a department-side handler tracked by `department_id`.
    Reroute {
        on: NaiveDate,
        handler: Handler,
        department_id: Option<i64>,
        track: Track,
        reason: String,
    },
    /// The kind was wrong: the rules route the dispute again under its new kind.
    ChangeKind {
        on: NaiveDate,
        kind: Kind,
        reason: String,
    },
    Agree {
        on: NaiveDate,
        terms: String,
        oral: bool,
    },
    /// The parties' joint application for judicial confirmation and the court's ruling.
    Confirm {
        applied_on: NaiveDate,
        on: NaiveDate,
        court_ref: String,
    },
    /// Mediation ends without agreement; the parties are told where to go (art. 26).
    Refer {
        on: NaiveDate,
        to: String,
        reason: String,
    },
    Withdraw {
        on: NaiveDate,
        reason: String,
    },
    /// The return visit: the parties' satisfaction and, after an agreement, its performance.
    FollowUp {
        on: NaiveDate,
        satisfaction: Satisfaction,
        note: String,
    },
}

codes!(Step {
    Agree => "agree", "达成调解协议";
    Escalate => "escalate", "升级至上一级调解";
    Refer => "refer", "终止调解，告知其他途径";
    ChangeKind => "change_kind", "更正纠纷类型并重新分流";
    Reroute => "reroute", "人工改派";
    Withdraw => "withdraw", "当事人撤回";
    Confirm => "confirm", "司法确认";
    FollowUp => "follow_up", "回访";
});

impl Action {
    pub fn step(&self) -> Step {
        match self {
            Action::Escalate { .. } => Step::Escalate,
            Action::Reroute { .. } => Step::Reroute,
            Action::ChangeKind { .. } => Step::ChangeKind,
            Action::Agree { .. } => Step::Agree,
            Action::Confirm { .. } => Step::Confirm,
            Action::Refer { .. } => Step::Refer,
            Action::Withdraw { .. } => Step::Withdraw,
            Action::FollowUp { .. } => Step::FollowUp,
        }
    }

    pub fn on(&self) -> NaiveDate {
        match self {
            Action::Escalate { on, .. }
            | Action::Reroute { on, .. }
            | Action::ChangeKind { on, .. }
            | Action::Agree { on, .. }
            | Action::Confirm { on, .. }
            | Action::Refer { on, .. }
            | Action::Withdraw { on, .. }
            | Action::FollowUp { on, .. } => *on,
        }
    }
}

/// The steps open now, the next one first.
pub fn allowed_steps(d: &Dispute) -> Vec<Step> {
    match d.stage {
        Stage::Open => {
            let mut s = vec![Step::Agree];
            if d.handler.above().is_some() {
                s.push(Step::Escalate);
            }
            s.extend([Step::Refer, Step::ChangeKind, Step::Reroute, Step::Withdraw]);
            s
        }
        Stage::Agreed | Stage::Referred | Stage::Withdrawn => {
            let mut s = Vec::new();
            // Judicial confirmation is of a written agreement (人民调解协议书) reached by a
            // people's mediation committee.
            if d.stage == Stage::Agreed
                && d.confirmed_on.is_none()
                && !d.oral_agreement
                && d.handler.level().is_some()
            {
                s.push(Step::Confirm);
            }
            if d.followed_up_on.is_none() && d.stage != Stage::Withdrawn {
                s.push(Step::FollowUp);
            }
            s
        }
    }
}

/// The last day to apply for judicial confirmation of an agreement reached on `agreed`.
pub fn confirm_by(cal: &Calendar, agreed: NaiveDate) -> NaiveDate {
    fazhi_kernel::period::due_date(cal, agreed, Period::CalendarDays(CONFIRM_DAYS)).due
}

/// A limit a step starts: the new level's (by the track, from the rules), or the party's art.
/// 33 window.
#[derive(Clone, Debug, PartialEq)]
pub enum Start {
    Level(Target),
    Confirmation(NaiveDate),
}

/// What a step writes: columns of `disputes`, a routing to record, the level's limit met, the
/// limits started.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct Change {
    pub fields: Vec<(&'static str, Arg)>,
    pub routing: Option<(Cause, Target, String)>,
    pub meets_level: bool,
    pub meets_confirmation: bool,
    pub starts: Vec<Start>,
    pub on: Option<NaiveDate>,
}

impl Change {
    fn set(mut self, column: &'static str, value: impl ToString) -> Change {
        self.fields.push((column, Arg::Text(value.to_string())));
        self
    }

    fn route(mut self, d: &Dispute, cause: Cause, to: Target, reason: String) -> Change {
        let on = self.on.unwrap_or(d.level_since);
        self.fields.extend([
            ("level_since", Arg::Text(on.to_string())),
            ("handler", Arg::Text(to.handler.code().into())),
            ("handler_name", Arg::Text(to.name.clone())),
            ("department_id", Arg::Int(to.department_id)),
            ("track", Arg::Text(to.track.code().into())),
        ]);
        if cause == Cause::Escalation {
            self.fields
                .push(("escalations", Arg::Int(d.escalations + 1)));
        }
        self.meets_level = true;
        self.starts.push(Start::Level(to.clone()));
        self.routing = Some((cause, to, reason));
        self
    }

    fn close(mut self, stage: Stage, on: NaiveDate) -> Change {
        self.meets_level = true;
        self.set("stage", stage.code()).set("closed_on", on)
    }
}

/// A step's text with a floor as well: a reason of a character or two says nothing.
fn text(
    field: &'static str,
    value: &str,
    what: &str,
    (min, max): (usize, usize),
) -> Result<String> {
    let v = crate::workflow::text(field, value, what, max)?;
    if v.chars().count() < min {
        return Err(Error::invalid(
            field,
            format!("{what}至少 {min} 字，请写明。"),
        ));
    }
    Ok(v)
}

/// The step's change. `target` is where an escalation, an override or a change of kind sends
/// the dispute (resolved by the service; None for the other steps).
pub fn transition(
    d: &Dispute,
    action: &Action,
    target: Option<Target>,
    cal: &Calendar,
    today: NaiveDate,
) -> Result<Change> {
    let step = action.step();
    if !allowed_steps(d).contains(&step) {
        let why = match step {
            Step::Escalate if d.stage == Stage::Open && d.handler == Handler::City => {
                "市级调处化解中心已是最高一级调解，不能再升级；调解不成的，终止调解并告知当事人其他途径（《人民调解法》第二十六条）。".to_string()
            }
            Step::Escalate if d.stage == Stage::Open => {
                format!("本纠纷由{}办理，不在三级调解之中，不能升级。", d.handler_name)
            }
            Step::Confirm if d.confirmed_on.is_some() => "调解协议已经司法确认。".to_string(),
            Step::Confirm if d.stage == Stage::Agreed => {
                "司法确认适用于人民调解委员会主持达成的书面调解协议（《人民调解法》第三十三条）；口头协议或其他单位达成的协议不适用。".to_string()
            }
            Step::FollowUp if d.followed_up_on.is_some() => "已经回访。".to_string(),
            Step::FollowUp if d.stage == Stage::Withdrawn => {
                "当事人已撤回，不再回访。".to_string()
            }
            _ if d.stage != Stage::Open => format!(
                "本纠纷已结案（{}），不能再办理“{}”。",
                d.outcome_zh(),
                step.label_zh()
            ),
            _ => format!("本纠纷尚在调处中，还不能办理“{}”。", step.label_zh()),
        };
        return Err(Error::refused("dispute_step_not_open", "action", why));
    }
    let c = Change {
        on: Some(action.on()),
        ..Change::default()
    };
    let since = [(Some(d.level_since), "本级受理日期")];
    let reason_of = |r: &str| text("reason", r, "理由", (4, 500));
    let routed = |target: Option<Target>| {
        target.ok_or_else(|| Error::invalid("handler", "请选择受理单位。"))
    };
    match action {
        Action::Escalate { on, reason } => {
            dated(*on, today, &since)?;
            let reason = reason_of(reason)?;
            Ok(c.route(d, Cause::Escalation, routed(target)?, reason))
        }
        Action::Reroute { on, reason, .. } => {
            dated(*on, today, &since)?;
            let reason = reason_of(reason)?;
            let to = routed(target)?;
            if to.handler == d.handler
                && to.department_id == d.department_id
                && to.name == d.handler_name
                && to.track == d.track
            {
                return Err(Error::invalid(
                    "handler",
                    format!("本纠纷已由{}办理。", d.handler_name),
                ));
            }
            Ok(c.route(d, Cause::Override, to, reason))
        }
        Action::ChangeKind { on, kind, reason } => {
            dated(*on, today, &since)?;
            if *kind == d.kind {
                return Err(Error::invalid(
                    "kind",
                    format!("纠纷类型已是“{}”。", kind.label_zh()),
                ));
            }
            let reason = reason_of(reason)?;
            let to = routed(target)?;
            let c = c.set("kind", kind.code());
            Ok(c.route(d, Cause::KindChanged, to, reason))
        }
        Action::Agree { on, terms, oral } => {
            dated(*on, today, &since)?;
            let terms = text("terms", terms, "调解协议的内容", (4, 5000))?;
            let mut c = c.close(Stage::Agreed, *on).set("agreement", terms);
            c.fields
                .push(("oral_agreement", Arg::Int(i64::from(*oral))));
            if d.handler.level().is_some() && !*oral {
                c.starts.push(Start::Confirmation(*on));
            }
            Ok(c)
        }
        Action::Confirm {
            applied_on,
            on,
            court_ref,
        } => {
            let agreed = d.closed_on.unwrap_or(d.level_since);
            dated(*applied_on, today, &[(Some(agreed), "达成调解协议的日期")]).map_err(|_| {
                Error::invalid(
                    "applied_on",
                    format!("申请日期应在达成调解协议（{agreed}）之后、今天之前。"),
                )
            })?;
            // As the deadline engine counts it: a last day on a rest day moves to the next
            // working day.
            let last = confirm_by(cal, agreed);
            if *applied_on > last {
                return Err(Error::refused(
                    "confirmation_late",
                    "applied_on",
                    format!(
                        "双方当事人应当自调解协议生效之日起三十日内（{last} 前）共同申请司法确认（《人民调解法》第三十三条）；逾期的可以就协议的履行向人民法院起诉。"
                    ),
                ));
            }
            dated(*on, today, &[(Some(*applied_on), "申请司法确认的日期")])?;
            let court_ref = text("court_ref", court_ref, "法院的确认裁定书文号", (4, 100))?;
            Ok(Change {
                meets_confirmation: true,
                ..c.set("confirm_applied_on", applied_on)
                    .set("confirmed_on", on)
                    .set("confirm_court_ref", court_ref)
            })
        }
        Action::Refer { on, to, reason } => {
            dated(*on, today, &since)?;
            let to = text("to", to, "告知当事人的途径", (2, 200))?;
            let reason = reason_of(reason)?;
            Ok(c.close(Stage::Referred, *on)
                .set("referred_to", to)
                .set("close_note", reason))
        }
        Action::Withdraw { on, reason } => {
            dated(*on, today, &[(Some(d.received_on), "受理日期")])?;
            let reason = reason_of(reason)?;
            Ok(c.close(Stage::Withdrawn, *on).set("close_note", reason))
        }
        Action::FollowUp {
            on,
            satisfaction,
            note,
        } => {
            dated(*on, today, &[(d.closed_on, "结案日期")])?;
            let note = text("note", note, "回访情况", (2, 1000))?;
            Ok(c.set("followed_up_on", on)
                .set("satisfaction", satisfaction.code())
                .set("follow_up_note", note))
        }
    }
}

#[cfg(test)]
mod tests;
