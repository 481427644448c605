//! The one Deadline type (时限) every module's legal time limits use: what it is for, its legal
//! basis, the starting event and date, the period, suspensions (the clock stops and resumes)
//! and approved extensions, the due date that follows, its state and its warning light.

use chrono::{Days, NaiveDate};

use crate::calendar::Calendar;
use crate::period::{DueDate, Period, due_date, raw_end};

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LegalBasis {
    /// e.g. 《中华人民共和国行政处罚法》
    pub law: String,
    /// e.g. 第六十条
    pub article: String,
}

/// The clock stopped from `from` (inclusive) to `until` (inclusive); `until` is None while it
/// is still stopped. E.g. hearing, testing, appraisal or expert-review time (行政许可法 art. 45).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Suspension {
    pub from: NaiveDate,
    pub until: Option<NaiveDate>,
    pub reason: String,
    pub approver: String,
}

/// An approved extension, counted on from the due date it extends.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Extension {
    pub period: Period,
    pub reason: String,
    pub approver: String,
    pub approved_on: NaiveDate,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DeadlineState {
    Running,
    Suspended,
    Met,
    Overdue,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Warning {
    Yellow,
    Red,
}

/// When the yellow light comes on: once `share_percent` of the period has passed, or when
/// `working_days_left` or fewer working days remain, whichever comes first.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct WarningPolicy {
    pub share_percent: u32,
    pub working_days_left: u32,
}

impl Default for WarningPolicy {
    fn default() -> Self {
        WarningPolicy {
            share_percent: 80,
            working_days_left: 3,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Deadline {
    pub purpose: String,
    pub basis: LegalBasis,
    pub start_event: String,
    pub start: NaiveDate,
    pub period: Period,
    pub suspensions: Vec<Suspension>,
    pub extensions: Vec<Extension>,
    /// The day the act the deadline asks for was done.
    pub met_on: Option<NaiveDate>,
}

impl Deadline {
    pub fn new(
        purpose: &str,
        law: &str,
        article: &str,
        start_event: &str,
        start: NaiveDate,
        period: Period,
    ) -> Deadline {
        Deadline {
            purpose: purpose.to_string(),
            basis: LegalBasis {
                law: law.to_string(),
                article: article.to_string(),
            },
            start_event: start_event.to_string(),
            start,
            period,
            suspensions: Vec::new(),
            extensions: Vec::new(),
            met_on: None,
        }
    }

    /// The due date on `today`: the period from the start, moved on by every day the clock
    /// stood still (an open suspension counts up to `today`), then by each extension.
    pub fn due(&self, cal: &Calendar, today: NaiveDate) -> DueDate {
        let mut result = due_date(cal, self.start, self.period);
        // Where the period ends before the rest-day rule moves it: extensions count on from here
        // (LAW.md: an extension counts from the period's unmoved end).
        let mut unmoved = raw_end(self.start, self.period, cal);
        let mut stopped_days: u64 = 0;
        let mut stopped_working: u32 = 0;
        for s in &self.suspensions {
            let until = s.until.unwrap_or(today).max(s.from);
            stopped_days += (until - s.from).num_days().unsigned_abs() + 1;
            let wd = cal.working_days_between(s.from, until) + i64::from(cal.is_workday(s.from));
            stopped_working += u32::try_from(wd.max(0)).unwrap_or(u32::MAX);
        }
        if stopped_days > 0 {
            let raw = raw_end(self.start, self.period, cal);
            unmoved = match self.period {
                Period::WorkingDays(_) => cal.add_working_days(raw, stopped_working),
                _ => raw.checked_add_days(Days::new(stopped_days)).unwrap_or(raw),
            };
            let due = cal.workday_on_or_after(unmoved);
            result.rule.push_str(&format!(
                "；期间中止 {stopped_days} 日（其中工作日 {stopped_working} 日），期限届满日为 {due}"
            ));
            result.due = due;
        }
        for e in &self.extensions {
            let extended = due_date(cal, unmoved, e.period);
            unmoved = raw_end(unmoved, e.period, cal);
            result.rule.push_str(&format!(
                "；延长 {}（{} 于 {} 批准：{}），至 {}",
                e.period.label_zh(),
                e.approver,
                e.approved_on,
                e.reason,
                extended.due
            ));
            result.confirmed &= extended.confirmed;
            result.due = extended.due;
        }
        result
    }

    pub fn state(&self, cal: &Calendar, today: NaiveDate) -> DeadlineState {
        if self.met_on.is_some() {
            return DeadlineState::Met;
        }
        if self.suspensions.iter().any(|s| s.until.is_none()) {
            return DeadlineState::Suspended;
        }
        if today > self.due(cal, today).due {
            DeadlineState::Overdue
        } else {
            DeadlineState::Running
        }
    }

    /// The first day the yellow light is on under `policy`.
    pub fn yellow_from(&self, cal: &Calendar, policy: WarningPolicy) -> NaiveDate {
        let due = self.due(cal, self.start).due;
        let total = (due - self.start).num_days().max(0);
        let by_share = self.start
            + chrono::Duration::days(total * i64::from(policy.share_percent.min(100)) / 100);
        // The day from which no more than N working days remain before the due date.
        let mut by_left = due;
        let mut left = 0;
        while by_left > self.start && left < policy.working_days_left {
            by_left = by_left - Days::new(1);
            if cal.is_workday(by_left.checked_add_days(Days::new(1)).unwrap_or(by_left)) {
                left += 1;
            }
        }
        by_share.min(by_left).max(self.start)
    }

    /// The light on `today`: none, yellow, or red once overdue. Met or suspended deadlines
    /// show none.
    pub fn warning(
        &self,
        cal: &Calendar,
        today: NaiveDate,
        policy: WarningPolicy,
    ) -> Option<Warning> {
        match self.state(cal, today) {
            DeadlineState::Overdue => Some(Warning::Red),
            DeadlineState::Running if today >= self.yellow_from(cal, policy) => {
                Some(Warning::Yellow)
            }
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        crate::date::parse(s).unwrap()
    }

    fn licence(start: &str) -> Deadline {
        Deadline::new(
            "行政许可决定",
            "《中华人民共和国行政许可法》",
            "第四十二条",
            "受理",
            d(start),
            Period::WorkingDays(20),
        )
    }

    #[test]
    fn suspension_moves_the_due_date_by_the_working_days_stopped() {
        let cal = Calendar::embedded();
        // Accepted Mon 2024-03-04; 20 WD → 2024-04-01 (no holidays in between).
        let mut dl = licence("2024-03-04");
        assert_eq!(dl.due(cal, d("2024-03-04")).due, d("2024-04-01"));
        // Expert review 2024-03-11 (Mon) to 2024-03-15 (Fri): 5 working days not counted.
        dl.suspensions.push(Suspension {
            from: d("2024-03-11"),
            until: Some(d("2024-03-15")),
            reason: "专家评审".into(),
            approver: "王局长".into(),
        });
        // 2024-04-01 + 5 WD: 04-02, 03, 07 (Sun make-up), 08, 09 → 2024-04-09; 4–6 Apr are Qingming.
        assert_eq!(dl.due(cal, d("2024-03-20")).due, d("2024-04-09"));
        assert_eq!(dl.state(cal, d("2024-04-09")), DeadlineState::Running);
        assert_eq!(dl.state(cal, d("2024-04-10")), DeadlineState::Overdue);
    }

    #[test]
    fn an_open_suspension_stops_the_clock_and_the_light() {
        let cal = Calendar::embedded();
        let mut dl = licence("2024-03-04");
        dl.suspensions.push(Suspension {
            from: d("2024-03-25"),
            until: None,
            reason: "听证".into(),
            approver: "王局长".into(),
        });
        assert_eq!(dl.state(cal, d("2024-05-01")), DeadlineState::Suspended);
        assert_eq!(
            dl.warning(cal, d("2024-05-01"), WarningPolicy::default()),
            None
        );
    }

    #[test]
    fn extension_counts_on_from_the_due_date_and_keeps_its_approver() {
        let cal = Calendar::embedded();
        let mut dl = licence("2024-03-04");
        dl.extensions.push(Extension {
            period: Period::WorkingDays(10),
            reason: "情况复杂".into(),
            approver: "张局长".into(),
            approved_on: d("2024-03-25"),
        });
        let due = dl.due(cal, d("2024-03-25"));
        // 2024-04-01 + 10 WD: 2,3,7,8,9,10,11,12,15,16 April.
        assert_eq!(due.due, d("2024-04-16"));
        assert!(due.rule.contains("张局长"));
    }

    #[test]
    fn an_extension_counts_from_the_unmoved_end_of_the_period() {
        let cal = Calendar::embedded();
        // 15 days from 16 Sep 2024 end on 1 Oct, National Day: due Tue 8 Oct. Extended by 30
        // days, the period runs from 1 Oct (not 8 Oct) to Thu 31 Oct.
        let mut dl = Deadline::new(
            "作出决定",
            "《中华人民共和国行政处罚法》",
            "第六十条",
            "立案",
            d("2024-09-16"),
            Period::CalendarDays(15),
        );
        assert_eq!(dl.due(cal, d("2024-09-20")).due, d("2024-10-08"));
        dl.extensions.push(Extension {
            period: Period::CalendarDays(30),
            reason: "案情复杂".into(),
            approver: "张局长".into(),
            approved_on: d("2024-09-30"),
        });
        assert_eq!(dl.due(cal, d("2024-09-30")).due, d("2024-10-31"));
    }

    #[test]
    fn lights_turn_yellow_then_red() {
        let cal = Calendar::embedded();
        let dl = licence("2024-03-04");
        let policy = WarningPolicy::default();
        assert_eq!(dl.warning(cal, d("2024-03-05"), policy), None);
        let yellow = dl.yellow_from(cal, policy);
        // 80% of 28 days → 2024-03-26; 3 WD before 2024-04-01 → 2024-03-27: the earlier wins.
        assert_eq!(yellow, d("2024-03-26"));
        assert_eq!(dl.warning(cal, yellow, policy), Some(Warning::Yellow));
        assert_eq!(dl.warning(cal, d("2024-04-02"), policy), Some(Warning::Red));
        let mut met = dl.clone();
        met.met_on = Some(d("2024-03-29"));
        assert_eq!(met.warning(cal, d("2024-04-02"), policy), None);
    }
}
