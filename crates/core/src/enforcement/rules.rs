//! The rules of 行政处罚法 (2021) that judge a penalty case, as pure functions: limitation
//! (art. 36), the summary procedure's thresholds (art. 51), when legal review is required
//! (art. 58), whether a decision may be made yet (art. 44, 58, 62–64), the late-payment
//! surcharge (art. 72), and case numbers (诸市监罚〔2024〕17号).

use std::fmt;
use std::str::FromStr;

use chrono::NaiveDate;
use fazhi_kernel::calendar::Calendar;
use fazhi_kernel::money::Fen;
use fazhi_kernel::period::{DueDate, Period, due_date};

/// Limitation (art. 36): a violation not discovered within 2 years is not punished; 5 years
/// where life, health or financial safety is involved with harmful consequences. Counted from
/// the day the violation ended. Returns the last day it could be discovered, or why it is late.
pub fn limitation(
    cal: &Calendar,
    act_ended: NaiveDate,
    discovered: NaiveDate,
    grave: bool,
) -> Result<DueDate, String> {
    let years = if grave { 5 } else { 2 };
    // LAW.md (fazhi's documented choice where the statute is silent): the limitation ends on
    // its date and is not moved past a rest day — the moving rule protects parties' procedural
    // periods; moving this end would widen the agency's power to punish.
    let end = fazhi_kernel::period::raw_end(act_ended, Period::Months(12 * years), cal);
    let limit = DueDate {
        due: end,
        rule: format!("自违法行为终了之日起 {years} 年，届满日 {end}（追责期限不因节假日顺延）"),
        confirmed: true,
    };
    if discovered > limit.due {
        Err(format!(
            "违法行为终了于 {act_ended}，至 {discovered} 才发现，已超过《行政处罚法》第三十六条规定的 {years} 年追责期限（届满日 {}），不再给予行政处罚。",
            limit.due
        ))
    } else {
        Ok(limit)
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PartyKind {
    /// A citizen (公民).
    Person,
    /// A legal person or other organisation.
    Organisation,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Sanction {
    Warning,
    Fine(Fen),
    /// Anything else (confiscation, suspension of licence, detention …): never summary.
    Other,
}

/// Summary procedure on the spot (art. 51): facts certain, a legal basis, and a fine up to 200
/// yuan for a citizen or 3,000 yuan for an organisation, or a warning.
pub fn summary_procedure(party: PartyKind, sanction: Sanction) -> Result<(), String> {
    let cap = match party {
        PartyKind::Person => Fen::from_yuan_whole(200),
        PartyKind::Organisation => Fen::from_yuan_whole(3_000),
    };
    match sanction {
        Sanction::Warning => Ok(()),
        Sanction::Fine(f) if f <= cap => Ok(()),
        Sanction::Fine(f) => Err(format!(
            "罚款 {f} 超过当场处罚的上限（{}为 {cap}，《行政处罚法》第五十一条），应适用普通程序。",
            if party == PartyKind::Person {
                "公民"
            } else {
                "法人或者其他组织"
            }
        )),
        Sanction::Other => {
            Err("当场处罚只能是警告或小额罚款（《行政处罚法》第五十一条），应适用普通程序。".into())
        }
    }
}

/// The circumstances in which art. 58 requires legal review before the decision.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ReviewTriggers {
    pub major_public_interest: bool,
    pub hearing_on_major_rights: bool,
    pub complex_legal_relations: bool,
    pub required_by_other_law: bool,
}

impl ReviewTriggers {
    /// The reasons legal review is required; empty when it is not.
    pub fn reasons(&self) -> Vec<&'static str> {
        let mut r = Vec::new();
        if self.major_public_interest {
            r.push("涉及重大公共利益");
        }
        if self.hearing_on_major_rights {
            r.push("直接关系当事人或者第三人重大权益，经过听证程序");
        }
        if self.complex_legal_relations {
            r.push("案件情况疑难复杂、涉及多个法律关系");
        }
        if self.required_by_other_law {
            r.push("法律、法规规定应当进行法制审核");
        }
        r
    }
}

/// What a decision depends on, as the case record has it.
#[derive(Clone, Debug, Default)]
pub struct DecisionFacts {
    /// The day the prior notice (事先告知书) reached the party.
    pub prior_notice_delivered: Option<NaiveDate>,
    /// Whether the notice told the party of a right to a hearing (art. 63).
    pub hearing_right: bool,
    /// The party gave up statement, defence and hearing in writing.
    pub waived_in_writing: bool,
    /// The day of that written waiver, when known (cases handled in fazhi record it).
    pub waived_on: Option<NaiveDate>,
    pub hearing_requested: bool,
    pub hearing_held: Option<NaiveDate>,
    pub triggers: ReviewTriggers,
    pub legal_review_done: Option<NaiveDate>,
}

/// The working days a party has to state, defend or request a hearing after the prior notice
/// (art. 64 sets 5 working days for the hearing request; fazhi uses the same window for
/// statement and defence unless a department configures otherwise).
pub const DEFENCE_WINDOW: Period = Period::WorkingDays(5);

/// Whether a decision may be made on `today`, and if not, every reason why.
pub fn may_decide(
    cal: &Calendar,
    facts: &DecisionFacts,
    today: NaiveDate,
) -> Result<(), Vec<String>> {
    let mut why = Vec::new();
    match facts.prior_notice_delivered {
        None => why.push("尚未送达行政处罚事先告知书（《行政处罚法》第四十四条）。".to_string()),
        Some(delivered) if !facts.waived_in_writing => {
            let window = due_date(cal, delivered, DEFENCE_WINDOW);
            if today <= window.due {
                why.push(format!(
                    "当事人陈述、申辩{}期限至 {} 届满，届满前不得作出决定（当事人书面放弃的除外）。",
                    if facts.hearing_right { "和要求听证的" } else { "的" },
                    window.due
                ));
            }
        }
        Some(_) => {}
    }
    if facts.hearing_requested && facts.hearing_held.is_none() && !facts.waived_in_writing {
        why.push(
            "当事人已要求听证，听证结束前不得作出决定（《行政处罚法》第六十四条、第六十五条）。"
                .into(),
        );
    }
    let reasons = facts.triggers.reasons();
    if !reasons.is_empty() && facts.legal_review_done.is_none() {
        why.push(format!(
            "本案{}，须经法制审核方可作出决定（《行政处罚法》第五十八条）。",
            reasons.join("、")
        ));
    }
    // Not only their existence: the decision's date comes after what it rests on.
    if let Some(held) = facts.hearing_held.filter(|held| today < *held) {
        why.push(format!(
            "决定日 {today} 早于听证日 {held}：听证结束后，应当根据听证笔录作出决定（《行政处罚法》第六十五条）。"
        ));
    }
    if let Some(review) = facts.legal_review_done.filter(|review| today < *review) {
        why.push(format!(
            "决定日 {today} 早于法制审核完成日 {review}：未经法制审核的，不得作出决定（《行政处罚法》第五十八条）。"
        ));
    }
    if let (true, Some(waived)) = (facts.waived_in_writing, facts.waived_on)
        && today < waived
    {
        why.push(format!(
            "决定日 {today} 早于当事人书面放弃陈述、申辩的日期 {waived}：放弃之前，应当等待陈述、申辩期限届满（《行政处罚法》第四十五条、第六十四条）。"
        ));
    }
    if why.is_empty() { Ok(()) } else { Err(why) }
}

/// Delivery by public notice (公告送达): deemed made when 30 days have passed since the notice
/// went out (《民事诉讼法》(2023) 第九十五条, applied by 《行政处罚法》第六十一条). A date of
/// fact, not a period the party must act within, so it is not moved past a rest day.
pub const PUBLIC_NOTICE_DAYS: u64 = 30;

/// The day a decision published by notice on `notice_on` counts as delivered.
pub fn public_notice_delivery(notice_on: NaiveDate) -> NaiveDate {
    notice_on
        .checked_add_days(chrono::Days::new(PUBLIC_NOTICE_DAYS))
        .unwrap_or(notice_on)
}

/// Late-payment surcharge (art. 72): 3% of the fine for each day after the payment deadline,
/// never more than the fine. Rounded down to the fen, in the party's favour.
pub fn late_payment_surcharge(fine: Fen, payment_due: NaiveDate, paid_or_today: NaiveDate) -> Fen {
    let days = (paid_or_today - payment_due).num_days().max(0);
    let raw = i128::from(fine.0) * 3 * i128::from(days) / 100;
    Fen(i64::try_from(raw).unwrap_or(i64::MAX).min(fine.0))
}

/// A case or document number: issuer abbreviation, kind of document, year, sequence —
/// 诸市监罚〔2024〕17号.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct CaseNumber {
    /// The department's issuer abbreviation and the document kind, e.g. 诸市监罚.
    pub prefix: String,
    pub year: i32,
    pub seq: u32,
}

impl fmt::Display for CaseNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}〔{}〕{}号", self.prefix, self.year, self.seq)
    }
}

impl FromStr for CaseNumber {
    type Err = String;

    /// Accepts the hexagonal brackets 〔〕 and, as typed, [] 【】 （） ().
    fn from_str(s: &str) -> Result<CaseNumber, String> {
        let t: String = s
            .trim()
            .chars()
            .map(|c| match c {
                '[' | '【' | '（' | '(' | '［' => '〔',
                ']' | '】' | '）' | ')' | '］' => '〕',
                c => c,
            })
            .collect();
        let bad = || format!("“{s}”不是文号格式（如 诸市监罚〔2024〕17号）");
        let (prefix, rest) = t.split_once('〔').ok_or_else(bad)?;
        let (year, seq) = rest.split_once('〕').ok_or_else(bad)?;
        let seq = seq.strip_suffix('号').unwrap_or(seq);
        let prefix = prefix.trim();
        if prefix.is_empty()
            || prefix
                .chars()
                .any(|c| c.is_whitespace() || c.is_ascii_digit())
        {
            return Err(bad());
        }
        let year: i32 = year.trim().parse().map_err(|_| bad())?;
        let seq: u32 = seq.trim().parse().map_err(|_| bad())?;
        if !(1949..=2200).contains(&year) || seq == 0 {
            return Err(bad());
        }
        Ok(CaseNumber {
            prefix: prefix.to_string(),
            year,
            seq,
        })
    }
}

/// Allocates the next number for `prefix` in `year` inside the caller's transaction: one
/// upsert, so two people filing at once never get the same number, on SQLite or PostgreSQL.
pub async fn next_number(
    tx: &mut fazhi_store::Tx,
    prefix: &str,
    year: i32,
) -> crate::Result<CaseNumber> {
    let last: i64 = sqlx::query_scalar(
        "INSERT INTO number_sequences (prefix, year, last) VALUES ($1, $2, 1)
         ON CONFLICT (prefix, year) DO UPDATE SET last = number_sequences.last + 1
         RETURNING last",
    )
    .bind(prefix)
    .bind(i64::from(year))
    .fetch_one(tx.conn())
    .await?;
    Ok(CaseNumber {
        prefix: prefix.to_string(),
        year,
        seq: u32::try_from(last).map_err(|_| crate::Error::invalid("seq", "文号序号超出范围。"))?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        fazhi_kernel::date::parse(s).unwrap()
    }

    #[test]
    fn art_36_limitation_two_and_five_years() {
        let cal = Calendar::embedded();
        // Ended 2022-03-15 → 2 years end Fri 2024-03-15.
        assert_eq!(
            limitation(cal, d("2022-03-15"), d("2024-03-15"), false)
                .unwrap()
                .due,
            d("2024-03-15")
        );
        assert!(
            limitation(cal, d("2022-03-15"), d("2024-03-18"), false)
                .unwrap_err()
                .contains("2 年")
        );
        // Grave (life, health, financial safety with harm): 5 years.
        assert!(limitation(cal, d("2022-03-15"), d("2024-03-18"), true).is_ok());
        // 2 years from 2022-10-01 end on 2024-10-01, National Day, and are not moved.
        assert!(limitation(cal, d("2022-10-01"), d("2024-10-08"), false).is_err());
    }

    #[test]
    fn art_51_summary_thresholds() {
        assert!(
            summary_procedure(PartyKind::Person, Sanction::Fine(Fen::from_yuan_whole(200))).is_ok()
        );
        assert!(summary_procedure(PartyKind::Person, Sanction::Fine(Fen(20_001))).is_err());
        assert!(
            summary_procedure(
                PartyKind::Organisation,
                Sanction::Fine(Fen::from_yuan_whole(3_000))
            )
            .is_ok()
        );
        assert!(
            summary_procedure(
                PartyKind::Organisation,
                Sanction::Fine(Fen::from_yuan_whole(3_001))
            )
            .is_err()
        );
        assert!(summary_procedure(PartyKind::Organisation, Sanction::Warning).is_ok());
        assert!(summary_procedure(PartyKind::Person, Sanction::Other).is_err());
    }

    #[test]
    fn no_decision_before_notice_window_hearing_and_legal_review() {
        let cal = Calendar::embedded();
        let mut facts = DecisionFacts::default();
        assert!(may_decide(cal, &facts, d("2024-05-20")).unwrap_err()[0].contains("事先告知书"));
        // Notice delivered Tue 2024-04-30: 5 WD → 6–10 May (May Day 1–5); not before Sat 11 May.
        facts.prior_notice_delivered = Some(d("2024-04-30"));
        let why = may_decide(cal, &facts, d("2024-05-10")).unwrap_err();
        assert!(why[0].contains("2024-05-10"), "{why:?}");
        assert!(may_decide(cal, &facts, d("2024-05-11")).is_ok());
        // Waived in writing: at once.
        facts.waived_in_writing = true;
        assert!(may_decide(cal, &facts, d("2024-05-01")).is_ok());
        facts.waived_in_writing = false;
        // A hearing was requested and not yet held.
        facts.hearing_requested = true;
        assert!(may_decide(cal, &facts, d("2024-06-01")).unwrap_err()[0].contains("听证"));
        facts.hearing_held = Some(d("2024-05-20"));
        // Art. 58: after a hearing on major rights, legal review is required.
        facts.triggers.hearing_on_major_rights = true;
        let why = may_decide(cal, &facts, d("2024-06-01")).unwrap_err();
        assert!(why[0].contains("法制审核") && why[0].contains("经过听证程序"));
        facts.legal_review_done = Some(d("2024-05-28"));
        assert!(may_decide(cal, &facts, d("2024-06-01")).is_ok());
    }

    #[test]
    fn a_decision_is_not_dated_before_the_hearing_the_review_or_the_waiver_it_rests_on() {
        let cal = Calendar::embedded();
        let facts = DecisionFacts {
            prior_notice_delivered: Some(d("2024-04-30")),
            hearing_right: true,
            hearing_requested: true,
            hearing_held: Some(d("2024-05-20")),
            legal_review_done: Some(d("2024-05-28")),
            ..DecisionFacts::default()
        };
        // Art. 65: on the hearing record, so after the hearing; art. 58: not before the review.
        let why = may_decide(cal, &facts, d("2024-05-15")).unwrap_err();
        assert!(
            why.iter()
                .any(|w| w.contains("早于听证日 2024-05-20") && w.contains("第六十五条")),
            "{why:?}"
        );
        assert!(
            why.iter()
                .any(|w| w.contains("早于法制审核完成日 2024-05-28") && w.contains("第五十八条")),
            "{why:?}"
        );
        let why = may_decide(cal, &facts, d("2024-05-27")).unwrap_err();
        assert_eq!(why.len(), 1, "{why:?}");
        assert!(may_decide(cal, &facts, d("2024-05-28")).is_ok());
        // A decision before the defence window ends rests on the written waiver: not before it.
        let waived = DecisionFacts {
            prior_notice_delivered: Some(d("2024-04-30")),
            waived_in_writing: true,
            waived_on: Some(d("2024-05-06")),
            ..DecisionFacts::default()
        };
        let why = may_decide(cal, &waived, d("2024-05-02")).unwrap_err();
        assert!(
            why[0].contains("书面放弃") && why[0].contains("2024-05-06"),
            "{why:?}"
        );
        assert!(may_decide(cal, &waived, d("2024-05-06")).is_ok());
    }

    #[test]
    fn delivery_by_public_notice_is_made_thirty_days_after_the_notice() {
        // 民事诉讼法第九十五条: notice on 2 Sep 2024 → delivered 2 Oct 2024 (a holiday: a
        // date of fact, not moved).
        assert_eq!(public_notice_delivery(d("2024-09-02")), d("2024-10-02"));
    }

    #[test]
    fn art_36_the_limitation_ends_on_its_date_even_on_a_rest_day() {
        let cal = Calendar::embedded();
        // Ended Sat 2022-10-01 → two years end Tue 2024-10-01 (National Day), not moved to
        // 8 October: an act discovered on 2 October is past the limitation.
        let limit = limitation(cal, d("2022-10-01"), d("2024-10-01"), false).unwrap();
        assert_eq!(limit.due, d("2024-10-01"));
        let e = limitation(cal, d("2022-10-01"), d("2024-10-02"), false).unwrap_err();
        assert!(e.contains("第三十六条") && e.contains("2024-10-01"), "{e}");
    }

    #[test]
    fn art_72_surcharge_is_three_percent_a_day_capped_at_the_fine() {
        let fine = Fen::from_yuan_whole(10_000);
        assert_eq!(
            late_payment_surcharge(fine, d("2024-03-01"), d("2024-03-01")),
            Fen::ZERO
        );
        assert_eq!(
            late_payment_surcharge(fine, d("2024-03-01"), d("2024-03-02")),
            Fen::from_yuan_whole(300)
        );
        assert_eq!(
            late_payment_surcharge(fine, d("2024-03-01"), d("2024-03-11")),
            Fen::from_yuan_whole(3_000)
        );
        // 34 days would be 102%: capped at the fine.
        assert_eq!(
            late_payment_surcharge(fine, d("2024-03-01"), d("2024-04-04")),
            fine
        );
        // Rounded down to the fen: 3% of 0.33 yuan is 0.99 fen.
        assert_eq!(
            late_payment_surcharge(Fen(33), d("2024-03-01"), d("2024-03-02")),
            Fen(0)
        );
    }

    #[test]
    fn case_numbers() {
        let n: CaseNumber = "诸市监罚〔2024〕17号".parse().unwrap();
        assert_eq!((n.prefix.as_str(), n.year, n.seq), ("诸市监罚", 2024, 17));
        assert_eq!(n.to_string(), "诸市监罚〔2024〕17号");
        assert_eq!(
            "诸综执罚[2023]5号"
                .parse::<CaseNumber>()
                .unwrap()
                .to_string(),
            "诸综执罚〔2023〕5号"
        );
        assert!("诸市监罚2024-17".parse::<CaseNumber>().is_err());
        assert!("诸市监罚〔24〕17号".parse::<CaseNumber>().is_err());
        assert!("〔2024〕17号".parse::<CaseNumber>().is_err());
        assert!("诸市监罚〔2024〕0号".parse::<CaseNumber>().is_err());
    }
}
