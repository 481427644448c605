//! The stages of a penalty case after filing, in the order the law sets: prior notice (with the
//! rights to state, defend and request a hearing), the party's written waiver, hearing, legal
//! review (art. 58), decision — only when `rules::may_decide` allows it, numbered per issuer and
//! year — delivery, closure. Each step is an event on the timeline, meets the deadline it
//! answers and starts the next one, in one transaction with its audit entry.
//!
//! Long because every step of the case is one arm of `apply`; issue 15 turns them into small pure transitions.

use chrono::{Datelike, NaiveDate};
use fazhi_kernel::calendar::Calendar;
use fazhi_kernel::deadline::WarningPolicy;
use fazhi_kernel::money::Fen;
use fazhi_kernel::period::Period;
use fazhi_store::{Row, Tx, flag, now_ms};
use serde_json::json;

use super::discretion::{DiscretionCheck, check_discretion};
use super::ingest::FactsRecord;
use super::rules::{
    DecisionFacts, ReviewTriggers, late_payment_surcharge, may_decide, next_number,
};
use crate::access::{Actor, Permission};
use crate::deadlines::{self, Clock, NewDeadline};
use crate::{Error, Result};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    Fine,
    Warning,
    NoPenalty,
}

impl Outcome {
    pub fn code(self) -> &'static str {
        match self {
            Outcome::Fine => "fine",
            Outcome::Warning => "warning",
            Outcome::NoPenalty => "no_penalty",
        }
    }
}

/// 送达方式 (行政处罚法 art. 61, by the Civil Procedure Law's rules): code and name.
pub const DELIVERY_METHODS: [(&str, &str); 6] = [
    ("direct", "直接送达"),
    ("left", "留置送达"),
    ("entrusted", "委托送达"),
    ("post", "邮寄送达"),
    ("electronic", "电子送达"),
    ("public_notice", "公告送达"),
];

/// The name of delivery method `code`.
pub fn delivery_method_name(code: &str) -> Option<&'static str> {
    DELIVERY_METHODS
        .iter()
        .find(|(c, _)| *c == code)
        .map(|(_, n)| *n)
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
    pub fn code(self) -> &'static str {
        match self {
            DisputeOutcome::Maintained => "maintained",
            DisputeOutcome::Changed => "changed",
            DisputeOutcome::Revoked => "revoked",
        }
    }

    pub fn parse(code: &str) -> Option<DisputeOutcome> {
        [
            DisputeOutcome::Maintained,
            DisputeOutcome::Changed,
            DisputeOutcome::Revoked,
        ]
        .into_iter()
        .find(|o| o.code() == code)
    }

    pub fn label_zh(self) -> &'static str {
        match self {
            DisputeOutcome::Maintained => "维持",
            DisputeOutcome::Changed => "变更",
            DisputeOutcome::Revoked => "撤销",
        }
    }
}

/// The article whose limit a pending reconsideration or suit stops (the payment of the fine).
const PAYMENT_ARTICLE: &str = "第六十七条";

#[derive(Clone, Debug)]
pub enum Action {
    /// Investigation (调查取证): the facts found (replacing earlier wording) and evidence
    /// gathered (added to the list).
    Investigate {
        on: NaiveDate,
        facts: String,
        evidence: Vec<String>,
    },
    PriorNotice {
        delivered_on: NaiveDate,
        hearing_right: bool,
        triggers: ReviewTriggers,
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
        outcome: Outcome,
        fine: Fen,
        /// The facts the discretion benchmark looks at; with them the decision is checked.
        facts: Option<super::ingest::FactsRecord>,
        /// The written reason for a decision outside the recommendation (required then).
        deviation_reason: Option<String>,
        /// Why no penalty is given (required for `Outcome::NoPenalty`; art. 33).
        no_penalty_reason: Option<String>,
    },
    /// Summary procedure (简易程序, art. 51): a warning or a small fine decided on the spot on
    /// the day of filing and handed over there.
    OnTheSpot {
        on: NaiveDate,
        outcome: Outcome,
        fine: Fen,
    },
    /// An order to correct the violation (责令改正, art. 28) by `rectify_by`, numbered from the
    /// issuer's 责改 sequence; once per case, at any step before closure.
    Rectify {
        on: NaiveDate,
        rectify_by: NaiveDate,
    },
    /// The decision delivered: how (one of `DELIVERY_METHODS`) and where.
    Deliver {
        on: NaiveDate,
        method: String,
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
    },
}

struct State {
    stage: String,
    item_code: String,
    filed_on: Option<String>,
    act_ended_on: Option<String>,
    illegal_gains: Fen,
    department_id: i64,
    issuer_abbr: Option<String>,
    cause: String,
    prior_notice_on: Option<String>,
    hearing_right: bool,
    waived: bool,
    waived_on: Option<String>,
    hearing_requested: bool,
    hearing_held_on: Option<String>,
    hearing_notice_on: Option<String>,
    triggers: ReviewTriggers,
    legal_review_on: Option<String>,
    outcome: Option<String>,
    fine: Fen,
    dispute_on: Option<String>,
    dispute_concluded_on: Option<String>,
}

fn date(s: &Option<String>) -> Option<NaiveDate> {
    s.as_deref()
        .and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok())
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

pub(crate) fn triggers_parse(s: &str) -> ReviewTriggers {
    ReviewTriggers {
        major_public_interest: s.contains("public_interest"),
        hearing_on_major_rights: s.contains("major_rights"),
        complex_legal_relations: s.contains("complex"),
        required_by_other_law: s.contains("other_law"),
    }
}

async fn load(tx: &mut Tx, id: i64) -> Result<State> {
    let r = sqlx::query(
        "SELECT c.stage, c.item_code, c.filed_on, c.act_ended_on, c.illegal_gains_fen, c.department_id, d.issuer_abbr, c.cause, c.prior_notice_on, c.hearing_right, c.waived, c.waived_on,
            c.hearing_requested, c.hearing_held_on, c.hearing_notice_on, c.review_triggers, c.legal_review_on, c.outcome,
            c.fine_fen, c.dispute_on, c.dispute_concluded_on
         FROM cases c JOIN departments d ON d.id = c.department_id WHERE c.id = $1",
    )
    .bind(id)
    .fetch_optional(tx.conn())
    .await?
    .ok_or(Error::NotFound)?;
    Ok(State {
        stage: r.try_get("stage")?,
        item_code: r.try_get("item_code")?,
        filed_on: r.try_get("filed_on")?,
        act_ended_on: r.try_get("act_ended_on")?,
        illegal_gains: Fen(r.try_get("illegal_gains_fen")?),
        department_id: r.try_get("department_id")?,
        issuer_abbr: r.try_get("issuer_abbr")?,
        cause: r.try_get("cause")?,
        prior_notice_on: r.try_get("prior_notice_on")?,
        hearing_right: flag(r.try_get("hearing_right")?),
        waived: flag(r.try_get("waived")?),
        waived_on: r.try_get("waived_on")?,
        hearing_requested: flag(r.try_get("hearing_requested")?),
        hearing_held_on: r.try_get("hearing_held_on")?,
        hearing_notice_on: r.try_get("hearing_notice_on")?,
        triggers: triggers_parse(&r.try_get::<String, _>("review_triggers")?),
        legal_review_on: r.try_get("legal_review_on")?,
        outcome: r.try_get("outcome")?,
        fine: Fen(r.try_get("fine_fen")?),
        dispute_on: r.try_get("dispute_on")?,
        dispute_concluded_on: r.try_get("dispute_concluded_on")?,
    })
}

/// Records the day a stage happened in its column of `cases`.
async fn set_date(tx: &mut Tx, id: i64, column: &'static str, on: NaiveDate) -> Result<()> {
    sqlx::query(sqlx::AssertSqlSafe(format!(
        "UPDATE cases SET {column} = $1 WHERE id = $2"
    )))
    .bind(on.to_string())
    .bind(id)
    .execute(tx.conn())
    .await?;
    Ok(())
}

fn wrong_stage(action: &str, stage: &str) -> Error {
    Error::invalid(
        "stage",
        format!(
            "案件处于“{}”阶段，不能{action}。",
            super::cases::stage_label(stage)
        ),
    )
}

/// A time limit a step starts: what for, under which article of 行政处罚法, from when, how long.
struct Limit<'a> {
    purpose: &'a str,
    article: &'a str,
    on: NaiveDate,
    period: Period,
}

async fn start(
    tx: &mut Tx,
    actor: &Actor,
    clock: Clock<'_>,
    id: i64,
    st: &State,
    limit: Limit<'_>,
) -> Result<()> {
    deadlines::create(
        tx,
        actor,
        clock.cal,
        clock.policy,
        &NewDeadline {
            subject_type: "case".into(),
            subject_id: id.to_string(),
            purpose: format!("{}：{}", limit.purpose, st.cause),
            law: "《中华人民共和国行政处罚法》".into(),
            article: limit.article.into(),
            start_event: limit.purpose.into(),
            start_on: limit.on,
            period: limit.period,
            responsible_user_id: actor.user_id,
            department_id: st.department_id,
        },
        clock.today,
    )
    .await?;
    Ok(())
}

/// Payment of a fine within 15 days of receiving the decision (art. 67).
fn payment_limit(on: NaiveDate) -> Limit<'static> {
    Limit {
        purpose: "缴纳罚款",
        article: "第六十七条",
        on,
        period: Period::CalendarDays(15),
    }
}

/// The decision's number from its issuer's sequence for the year: 店口镇罚〔2024〕1号, or
/// …不罚〔…〕… for a decision not to penalise.
async fn decision_number(
    tx: &mut Tx,
    st: &State,
    outcome: Outcome,
    on: NaiveDate,
) -> Result<String> {
    let word = if outcome == Outcome::NoPenalty {
        "不罚"
    } else {
        "罚"
    };
    document_number(tx, st, word, on).await
}

/// A document's number from its issuer's sequence of that kind (罚, 不罚, 罚告, 责改) for the
/// year of `on`.
async fn document_number(tx: &mut Tx, st: &State, word: &str, on: NaiveDate) -> Result<String> {
    let abbr = st.issuer_abbr.as_deref().ok_or_else(|| {
        Error::invalid(
            "department_id",
            "办案部门未设置发文机关简称，无法编制文号。",
        )
    })?;
    Ok(next_number(tx, &format!("{abbr}{word}"), on.year())
        .await?
        .to_string())
}

/// The decision against the item's discretion benchmark: the verdict and the recommendation
/// (empty without facts).
async fn discretion_check(
    tx: &mut Tx,
    st: &State,
    on: NaiveDate,
    outcome: Outcome,
    fine: Fen,
    facts: Option<&FactsRecord>,
) -> Result<(DiscretionCheck, String)> {
    let Some(f) = facts else {
        return Ok((DiscretionCheck::Unchecked, String::new()));
    };
    let act = date(&st.act_ended_on).unwrap_or(on);
    let facts = f
        .to_facts(st.illegal_gains, act, on)
        .ok_or_else(|| Error::invalid("severity", "请选择违法情节。"))?;
    let versions = super::benchmarks::versions_in(tx, &st.item_code).await?;
    Ok(check_discretion(&versions, &facts, outcome.code(), fine))
}

/// Applies one step to case `id`. The actor must handle cases and see this one.
pub async fn apply(
    store: &fazhi_store::Store,
    actor: &Actor,
    cal: &Calendar,
    policy: WarningPolicy,
    id: i64,
    seen_version: Option<i64>,
    action: &Action,
) -> Result<()> {
    actor.require(Permission::CaseHandle)?;
    super::cases::get(store, actor, id).await?;
    let today = crate::deadlines::china_today();
    let clock = Clock { cal, policy, today };
    let mut tx = store.begin().await?;
    // Locked before the step is worked out; a form made from an older version is refused (409)
    // rather than applied to a case that has moved on — eight identical "decide" requests give
    // one decision and one number.
    let version = tx.lock_row("cases", id).await?.ok_or(Error::NotFound)?;
    if seen_version.is_some_and(|seen| seen != version) {
        return Err(Error::Conflict);
    }
    let st = load(&mut tx, id).await?;
    let case = id.to_string();
    let (stage, happened_on, note): (String, NaiveDate, String) = match action {
        Action::PriorNotice {
            delivered_on,
            hearing_right,
            triggers,
        } => {
            if !matches!(st.stage.as_str(), "filed" | "investigation") {
                return Err(wrong_stage("送达事先告知书", &st.stage));
            }
            let number = document_number(&mut tx, &st, "罚告", *delivered_on).await?;
            sqlx::query("UPDATE cases SET prior_notice_on = $1, hearing_right = $2, review_triggers = $3, prior_notice_number = $4 WHERE id = $5")
                .bind(delivered_on.to_string())
                .bind(i64::from(*hearing_right))
                .bind(triggers_code(triggers))
                .bind(number)
                .bind(id)
                .execute(tx.conn())
                .await?;
            start(
                &mut tx,
                actor,
                clock,
                id,
                &st,
                Limit {
                    purpose: "陈述、申辩和要求听证",
                    article: "第六十四条",
                    on: *delivered_on,
                    period: super::rules::DEFENCE_WINDOW,
                },
            )
            .await?;
            (
                "prior_notice".into(),
                *delivered_on,
                format!(
                    "送达行政处罚事先告知书{}",
                    if *hearing_right {
                        "（告知听证权利）"
                    } else {
                        ""
                    }
                ),
            )
        }
        Action::Waive { on } if st.stage == "prior_notice" => {
            sqlx::query("UPDATE cases SET waived = 1, waived_on = $1 WHERE id = $2")
                .bind(on.to_string())
                .bind(id)
                .execute(tx.conn())
                .await?;
            deadlines::meet(&mut tx, actor, "case", &case, "第六十四条", *on).await?;
            (
                st.stage.clone(),
                *on,
                "当事人书面放弃陈述、申辩和听证".into(),
            )
        }
        Action::HearingRequested { on } if st.stage == "prior_notice" && st.hearing_right => {
            sqlx::query("UPDATE cases SET hearing_requested = 1 WHERE id = $1")
                .bind(id)
                .execute(tx.conn())
                .await?;
            deadlines::meet(&mut tx, actor, "case", &case, "第六十四条", *on).await?;
            (st.stage.clone(), *on, "当事人要求听证".into())
        }
        Action::HearingNotice { on, hearing_on } if st.hearing_requested => {
            let earliest = cal.add_working_days(*on, 7);
            if *hearing_on < earliest {
                return Err(Error::invalid(
                    "hearing_on",
                    format!(
                        "听证通知应在举行听证的七个工作日前送达（《行政处罚法》第六十四条）：{on} 送达通知的，听证最早于 {earliest} 举行。"
                    ),
                ));
            }
            set_date(&mut tx, id, "hearing_notice_on", *on).await?;
            set_date(&mut tx, id, "hearing_on", *hearing_on).await?;
            (
                st.stage.clone(),
                *on,
                format!("送达听证通知，定于 {hearing_on} 举行听证"),
            )
        }
        Action::HearingHeld { on } if st.hearing_requested => {
            let Some(notice) = date(&st.hearing_notice_on) else {
                return Err(Error::invalid(
                    "on",
                    "尚未送达听证通知，不能举行听证（《行政处罚法》第六十四条）。",
                ));
            };
            let earliest = cal.add_working_days(notice, 7);
            if *on < earliest {
                return Err(Error::invalid(
                    "on",
                    format!("听证通知于 {notice} 送达，听证最早于 {earliest} 举行。"),
                ));
            }
            set_date(&mut tx, id, "hearing_held_on", *on).await?;
            (st.stage.clone(), *on, "举行听证".into())
        }
        Action::LegalReview { on }
            if matches!(
                st.stage.as_str(),
                "investigation" | "prior_notice" | "filed"
            ) =>
        {
            set_date(&mut tx, id, "legal_review_on", *on).await?;
            (st.stage.clone(), *on, "完成法制审核".into())
        }
        Action::Decide {
            on,
            outcome,
            fine,
            facts: benchmark_facts,
            deviation_reason,
            no_penalty_reason,
        } => {
            if st.stage != "prior_notice" {
                return Err(wrong_stage("作出决定", &st.stage));
            }
            let no_penalty_reason = crate::org::rules::optional_text(
                "no_penalty_reason",
                "不予行政处罚的理由",
                no_penalty_reason.as_deref(),
                500,
            )?;
            if *outcome == Outcome::NoPenalty && no_penalty_reason.is_none() {
                return Err(Error::invalid(
                    "no_penalty_reason",
                    "不予行政处罚须写明理由（如：违法行为轻微并及时改正，没有造成危害后果；《行政处罚法》第三十三条）。",
                ));
            }
            let facts = DecisionFacts {
                prior_notice_delivered: date(&st.prior_notice_on),
                hearing_right: st.hearing_right,
                waived_in_writing: st.waived,
                waived_on: date(&st.waived_on),
                hearing_requested: st.hearing_requested,
                hearing_held: date(&st.hearing_held_on),
                triggers: st.triggers,
                legal_review_done: date(&st.legal_review_on),
            };
            may_decide(cal, &facts, *on)
                .map_err(|why| Error::invalid("decided_on", why.join("")))?;
            if *outcome == Outcome::Fine && fine.0 <= 0 {
                return Err(Error::invalid("fine", "罚款决定须填写罚款金额。"));
            }
            let check =
                discretion_check(&mut tx, &st, *on, *outcome, *fine, benchmark_facts.as_ref())
                    .await?;
            let reason = deviation_reason
                .as_deref()
                .map(str::trim)
                .filter(|r| !r.is_empty());
            if check.0 == DiscretionCheck::Outside && reason.is_none() {
                return Err(Error::invalid(
                    "deviation_reason",
                    format!(
                        "该决定偏离裁量基准（{}），须填写书面理由；理由将随案件接受执法监督。",
                        check.1
                    ),
                ));
            }
            sqlx::query("UPDATE cases SET facts = $1, discretion = $2, recommendation = $3, deviation_reason = $4, no_penalty_reason = $5 WHERE id = $6")
                .bind(benchmark_facts.as_ref().and_then(|f| serde_json::to_string(f).ok()))
                .bind(check.0.code())
                .bind(Some(check.1.clone()).filter(|t| !t.is_empty()))
                .bind(reason.map(str::to_string))
                .bind(no_penalty_reason.filter(|_| *outcome == Outcome::NoPenalty))
                .bind(id)
                .execute(tx.conn())
                .await?;
            let number = decision_number(&mut tx, &st, *outcome, *on).await?;
            sqlx::query("UPDATE cases SET decided_on = $1, outcome = $2, fine_fen = $3, decision_number = $4 WHERE id = $5")
                .bind(on.to_string())
                .bind(outcome.code())
                .bind(fine.0)
                .bind(number.to_string())
                .bind(id)
                .execute(tx.conn())
                .await?;
            deadlines::meet(&mut tx, actor, "case", &case, "第六十条", *on).await?;
            deadlines::meet(&mut tx, actor, "case", &case, "第六十四条", *on).await?;
            start(
                &mut tx,
                actor,
                clock,
                id,
                &st,
                Limit {
                    purpose: "送达处罚决定书",
                    article: "第六十一条",
                    on: *on,
                    period: Period::WorkingDays(7),
                },
            )
            .await?;
            // Publication within the department's limit in force on the decision day
            // (国办发〔2018〕118号: 7 working days unless configured), of the outcomes its rule
            // publishes (a warning alone not, by default; a no-penalty decision never).
            let rule =
                super::disclosure::publication_rule(tx.conn(), st.department_id, *on).await?;
            if rule.publishes(outcome.code()) {
                let days = rule.days;
                start(
                    &mut tx,
                    actor,
                    clock,
                    id,
                    &st,
                    Limit {
                        purpose: "公开处罚决定",
                        article: "第四十八条",
                        on: *on,
                        period: Period::WorkingDays(u32::try_from(days).unwrap_or(7)),
                    },
                )
                .await?;
            }
            let what = match outcome {
                Outcome::Fine => format!("罚款 {fine}"),
                Outcome::Warning => "警告".into(),
                Outcome::NoPenalty => "不予行政处罚".into(),
            };
            ("decided".into(), *on, format!("作出决定 {number}：{what}"))
        }
        Action::Investigate {
            on,
            facts,
            evidence,
        } => {
            if !matches!(st.stage.as_str(), "filed" | "investigation") {
                return Err(wrong_stage("登记调查取证", &st.stage));
            }
            let facts = crate::org::rules::text("facts", "查明的事实", facts, 4000)?;
            let evidence: Vec<String> = evidence
                .iter()
                .map(|e| e.trim().to_string())
                .filter(|e| !e.is_empty())
                .collect();
            if evidence.iter().any(|e| e.chars().count() > 200) {
                return Err(Error::invalid("evidence", "每项证据不超过 200 字。"));
            }
            let old: Option<String> =
                sqlx::query_scalar("SELECT evidence FROM cases WHERE id = $1")
                    .bind(id)
                    .fetch_one(tx.conn())
                    .await?;
            let mut all: Vec<String> = old
                .as_deref()
                .unwrap_or("")
                .lines()
                .map(str::to_string)
                .filter(|l| !l.is_empty())
                .collect();
            all.extend(evidence.iter().cloned());
            sqlx::query("UPDATE cases SET facts_found = $1, evidence = $2 WHERE id = $3")
                .bind(&facts)
                .bind(all.join("\n"))
                .bind(id)
                .execute(tx.conn())
                .await?;
            (
                "investigation".into(),
                *on,
                format!(
                    "调查取证：{}",
                    if evidence.is_empty() {
                        "更新查明的事实".to_string()
                    } else {
                        evidence.join("、")
                    }
                ),
            )
        }
        Action::OnTheSpot { on, outcome, fine } => {
            if st.stage != "filed" {
                return Err(wrong_stage("当场作出处罚决定", &st.stage));
            }
            if date(&st.filed_on) != Some(*on) {
                return Err(Error::invalid(
                    "on",
                    "简易程序当场作出决定，决定日应为立案当日；否则应适用普通程序。",
                ));
            }
            let kind: String = sqlx::query_scalar(
                "SELECT kind FROM case_parties WHERE case_id = $1 ORDER BY ordinal LIMIT 1",
            )
            .bind(id)
            .fetch_one(tx.conn())
            .await?;
            let party = if kind == "person" {
                super::rules::PartyKind::Person
            } else {
                super::rules::PartyKind::Organisation
            };
            let sanction = match outcome {
                Outcome::Warning => super::rules::Sanction::Warning,
                Outcome::Fine if fine.0 > 0 => super::rules::Sanction::Fine(*fine),
                Outcome::Fine => {
                    return Err(Error::invalid("fine", "罚款决定须填写罚款金额。"));
                }
                Outcome::NoPenalty => super::rules::Sanction::Other,
            };
            super::rules::summary_procedure(party, sanction)
                .map_err(|m| Error::invalid("fine", m))?;
            let number = decision_number(&mut tx, &st, *outcome, *on).await?;
            sqlx::query("UPDATE cases SET procedure = 'summary', decided_on = $1, delivered_on = $1, outcome = $2, fine_fen = $3, decision_number = $4 WHERE id = $5")
                .bind(on.to_string())
                .bind(outcome.code())
                .bind(fine.0)
                .bind(number.to_string())
                .bind(id)
                .execute(tx.conn())
                .await?;
            deadlines::meet(&mut tx, actor, "case", &case, "第六十条", *on).await?;
            if *outcome == Outcome::Fine {
                start(&mut tx, actor, clock, id, &st, payment_limit(*on)).await?;
            }
            let what = if *outcome == Outcome::Fine {
                format!("罚款 {fine}")
            } else {
                "警告".into()
            };
            (
                "delivered".into(),
                *on,
                format!("简易程序当场作出处罚决定并交付（{number}，{what}）"),
            )
        }
        Action::Rectify { on, rectify_by } => {
            if matches!(st.stage.as_str(), "closed" | "archived") {
                return Err(wrong_stage("责令改正", &st.stage));
            }
            if rectify_by < on {
                return Err(Error::invalid(
                    "rectify_by",
                    format!("改正期限 {rectify_by} 早于责令改正之日 {on}。"),
                ));
            }
            let ordered: Option<String> =
                sqlx::query_scalar("SELECT rectification_number FROM cases WHERE id = $1")
                    .bind(id)
                    .fetch_one(tx.conn())
                    .await?;
            if let Some(n) = ordered {
                return Err(Error::invalid("on", format!("本案已责令改正（{n}）。")));
            }
            let number = document_number(&mut tx, &st, "责改", *on).await?;
            sqlx::query("UPDATE cases SET rectification_number = $1, rectification_on = $2, rectify_by = $3 WHERE id = $4")
                .bind(&number)
                .bind(on.to_string())
                .bind(rectify_by.to_string())
                .bind(id)
                .execute(tx.conn())
                .await?;
            (
                st.stage.clone(),
                *on,
                format!("责令改正（{number}），限 {rectify_by} 前改正"),
            )
        }
        Action::Deliver { on, method, place } => {
            if st.stage != "decided" {
                return Err(wrong_stage("送达决定书", &st.stage));
            }
            if delivery_method_name(method).is_none() {
                let names: Vec<&str> = DELIVERY_METHODS.iter().map(|(_, n)| *n).collect();
                return Err(Error::invalid(
                    "method",
                    format!("请选择送达方式：{}。", names.join("、")),
                ));
            }
            let place =
                crate::org::rules::optional_text("place", "送达地点", place.as_deref(), 200)?;
            if matches!(method.as_str(), "direct" | "left") && place.is_none() {
                return Err(Error::invalid(
                    "place",
                    "直接送达、留置送达须填写送达地点。",
                ));
            }
            sqlx::query("UPDATE cases SET delivery_method = $1, delivery_place = $2 WHERE id = $3")
                .bind(method.as_str())
                .bind(place)
                .bind(id)
                .execute(tx.conn())
                .await?;
            // By public notice (公告送达) `on` is the day the notice went out; the decision is
            // deemed delivered 30 days later, and the periods that run from delivery (payment,
            // art. 67) start then (行政处罚法第六十一条 → 民事诉讼法第九十五条).
            let delivered = if method.as_str() == "public_notice" {
                super::rules::public_notice_delivery(*on)
            } else {
                *on
            };
            set_date(&mut tx, id, "delivered_on", delivered).await?;
            deadlines::meet(&mut tx, actor, "case", &case, "第六十一条", *on).await?;
            if st.outcome.as_deref() == Some("fine") {
                start(&mut tx, actor, clock, id, &st, payment_limit(delivered)).await?;
            }
            let note = if delivered == *on {
                "送达处罚决定书".to_string()
            } else {
                format!(
                    "公告送达处罚决定书：{on} 发出公告，经过三十日，{delivered} 视为送达（《民事诉讼法》第九十五条）"
                )
            };
            ("delivered".into(), *on, note)
        }
        Action::Pay { on } => {
            if st.stage != "delivered" || st.outcome.as_deref() != Some("fine") {
                return Err(wrong_stage("登记缴纳罚款", &st.stage));
            }
            let due: Option<String> = sqlx::query_scalar(
                "SELECT due_on FROM deadlines WHERE subject_type = 'case' AND subject_id = $1 AND article = '第六十七条' ORDER BY id DESC LIMIT 1",
            )
            .bind(&case)
            .fetch_optional(tx.conn())
            .await?;
            let due = date(&due).ok_or_else(|| Error::invalid("on", "未找到缴款期限。"))?;
            let surcharge = late_payment_surcharge(st.fine, due, *on);
            sqlx::query(
                "UPDATE cases SET paid_on = $1, paid_fen = $2, surcharge_fen = $3 WHERE id = $4",
            )
            .bind(on.to_string())
            .bind(st.fine.0 + surcharge.0)
            .bind(surcharge.0)
            .bind(id)
            .execute(tx.conn())
            .await?;
            deadlines::meet(&mut tx, actor, "case", &case, "第六十七条", *on).await?;
            let note = if surcharge.0 > 0 {
                format!(
                    "缴纳罚款 {}，逾期 {} 日加处罚款 {surcharge}（第七十二条）",
                    st.fine,
                    (*on - due).num_days()
                )
            } else {
                format!("按期缴纳罚款 {}", st.fine)
            };
            ("executed".into(), *on, note)
        }
        Action::Dispute { on, litigation } => {
            if st.stage != "delivered" || st.outcome.as_deref() != Some("fine") {
                return Err(wrong_stage(
                    "登记申请行政复议或提起行政诉讼（罚款决定送达后、缴纳前）",
                    &st.stage,
                ));
            }
            if st.dispute_on.is_some() && st.dispute_concluded_on.is_none() {
                return Err(Error::invalid("on", "已登记的复议或诉讼尚未审结。"));
            }
            let what = if *litigation {
                "提起行政诉讼"
            } else {
                "申请行政复议"
            };
            sqlx::query(
                "UPDATE cases SET dispute_kind = $1, dispute_on = $2, dispute_concluded_on = NULL, dispute_outcome = NULL WHERE id = $3",
            )
            .bind(if *litigation { "litigation" } else { "reconsideration" })
            .bind(on.to_string())
            .bind(id)
            .execute(tx.conn())
            .await?;
            let reason =
                format!("当事人{what}，期间不计加处罚款（《行政处罚法》第七十三条第三款）");
            deadlines::pause(
                &mut tx,
                actor,
                clock,
                "case",
                &case,
                PAYMENT_ARTICLE,
                *on,
                true,
                &reason,
            )
            .await?;
            (st.stage.clone(), *on, format!("当事人{what}；缴款期限中止"))
        }
        Action::DisputeConcluded { on, outcome } => {
            let Some(since) = date(&st.dispute_on).filter(|_| st.dispute_concluded_on.is_none())
            else {
                return Err(Error::invalid("on", "没有待审结的复议或诉讼。"));
            };
            if *on < since {
                return Err(Error::invalid(
                    "on",
                    format!("审结日期不能早于申请或起诉日期 {since}。"),
                ));
            }
            sqlx::query(
                "UPDATE cases SET dispute_concluded_on = $1, dispute_outcome = $2 WHERE id = $3",
            )
            .bind(on.to_string())
            .bind(outcome.code())
            .bind(id)
            .execute(tx.conn())
            .await?;
            let note = if *outcome == DisputeOutcome::Revoked {
                // Nothing left to pay: the payment limit is closed, not resumed.
                deadlines::meet(&mut tx, actor, "case", &case, PAYMENT_ARTICLE, *on).await?;
                "复议或诉讼审结：处罚决定被撤销，不再缴纳罚款".to_string()
            } else {
                let next = on.succ_opt().unwrap_or(*on);
                deadlines::pause(
                    &mut tx,
                    actor,
                    clock,
                    "case",
                    &case,
                    PAYMENT_ARTICLE,
                    next,
                    false,
                    "复议或诉讼审结，缴款期限自次日起继续计算",
                )
                .await?;
                format!(
                    "复议或诉讼审结（{}）：缴款期限自 {next} 起继续计算",
                    outcome.label_zh()
                )
            };
            (st.stage.clone(), *on, note)
        }
        Action::Close { on, approver } => {
            let ready = st.stage == "executed"
                || (st.stage == "delivered" && st.outcome.as_deref() != Some("fine"));
            if !ready {
                return Err(wrong_stage("结案（罚款须先执行完毕）", &st.stage));
            }
            let approver = crate::org::rules::optional_text(
                "approver",
                "结案审批人",
                approver.as_deref(),
                50,
            )?;
            sqlx::query("UPDATE cases SET closure_approver = $1 WHERE id = $2")
                .bind(approver)
                .bind(id)
                .execute(tx.conn())
                .await?;
            set_date(&mut tx, id, "closed_on", *on).await?;
            ("closed".into(), *on, "结案".into())
        }
        Action::Archive { on } => {
            if st.stage != "closed" {
                return Err(wrong_stage("归档", &st.stage));
            }
            set_date(&mut tx, id, "archived_on", *on).await?;
            ("archived".into(), *on, "归档".into())
        }
        Action::Waive { .. }
        | Action::HearingRequested { .. }
        | Action::HearingNotice { .. }
        | Action::HearingHeld { .. }
        | Action::LegalReview { .. } => {
            return Err(wrong_stage("进行该操作", &st.stage));
        }
    };
    if happened_on > today {
        return Err(Error::invalid("on", "日期不能晚于今天。"));
    }
    sqlx::query("UPDATE cases SET stage = $1 WHERE id = $2")
        .bind(&stage)
        .bind(id)
        .execute(tx.conn())
        .await?;
    tx.bump_version("cases", id, version).await?;
    sqlx::query("INSERT INTO case_events (case_id, stage, happened_on, actor_name, note, created_at) VALUES ($1, $2, $3, $4, $5, $6)")
        .bind(id)
        .bind(&stage)
        .bind(happened_on.to_string())
        .bind(&actor.display_name)
        .bind(&note)
        .bind(now_ms())
        .execute(tx.conn())
        .await?;
    crate::audit::record(
        &mut tx,
        actor,
        "update",
        "case",
        Some(case.clone()),
        json!({ "stage": stage, "on": happened_on.to_string(), "note": note }),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}
