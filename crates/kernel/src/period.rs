//! Periods (期间) and how a due date follows from a starting date, by the counting rules of
//! LAW.md: the starting day is not counted; a period in calendar days or months that ends on a
//! holiday or rest day ends on the next working day; a period in months ends on the
//! same-numbered day of the target month, or on its last day when that month is shorter.

use std::fmt;
use std::str::FromStr;

use chrono::{Datelike, Days, Months, NaiveDate};
use thiserror::Error;

use crate::calendar::Calendar;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Period {
    CalendarDays(u32),
    WorkingDays(u32),
    Months(u32),
}

#[derive(Debug, Error, PartialEq, Eq)]
#[error(
    "`{0}` is not a period: write e.g. \"20 working days\", \"90 days\", \"6 months\", \"2 years\", 20个工作日, 90日, 6个月"
)]
pub struct PeriodError(pub String);

impl FromStr for Period {
    type Err = PeriodError;

    fn from_str(s: &str) -> Result<Period, PeriodError> {
        let t = s.trim();
        let err = || PeriodError(s.to_string());
        let digits: String = t.chars().take_while(char::is_ascii_digit).collect();
        let n: u32 = digits.parse().map_err(|_| err())?;
        let unit = t[digits.len()..].trim().to_lowercase();
        let period = match unit.as_str() {
            "working days" | "working day" | "workdays" | "workday" | "wd" | "个工作日"
            | "工作日" => Period::WorkingDays(n),
            "days" | "day" | "calendar days" | "calendar day" | "cd" | "日" | "天" | "个自然日"
            | "自然日" => Period::CalendarDays(n),
            "months" | "month" | "个月" | "月" => Period::Months(n),
            "years" | "year" | "年" => Period::Months(n.checked_mul(12).ok_or_else(err)?),
            _ => return Err(err()),
        };
        if n > 36_500 {
            return Err(err());
        }
        Ok(period)
    }
}

impl fmt::Display for Period {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Period::CalendarDays(n) => write!(f, "{n} days"),
            Period::WorkingDays(n) => write!(f, "{n} working days"),
            Period::Months(n) => write!(f, "{n} months"),
        }
    }
}

impl Period {
    pub fn label_zh(&self) -> String {
        match self {
            Period::CalendarDays(n) => format!("{n}日"),
            Period::WorkingDays(n) => format!("{n}个工作日"),
            Period::Months(n) if n % 12 == 0 && *n > 0 => format!("{}年", n / 12),
            Period::Months(n) => format!("{n}个月"),
        }
    }
}

/// A computed due date and how it was reached.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DueDate {
    pub due: NaiveDate,
    /// The rule applied, in words.
    pub rule: String,
    /// False when any day counted lies in a year without a published holiday arrangement.
    pub confirmed: bool,
}

/// Adds `n` months: the same-numbered day, or the last day of a shorter month.
pub fn add_months(start: NaiveDate, n: u32) -> NaiveDate {
    start
        .checked_add_months(Months::new(n))
        .unwrap_or(NaiveDate::MAX)
}

/// The last day of the period before any moving to a working day (the "raw" end).
pub fn raw_end(start: NaiveDate, period: Period, cal: &Calendar) -> NaiveDate {
    match period {
        Period::CalendarDays(n) => start
            .checked_add_days(Days::new(u64::from(n)))
            .unwrap_or(NaiveDate::MAX),
        Period::Months(n) => add_months(start, n),
        Period::WorkingDays(n) => cal.add_working_days(start, n),
    }
}

/// The due date of `period` started on `start`.
pub fn due_date(cal: &Calendar, start: NaiveDate, period: Period) -> DueDate {
    let raw = raw_end(start, period, cal);
    let (due, mut rule) = match period {
        Period::WorkingDays(n) => (
            raw,
            format!("自 {start} 次日起算 {n} 个工作日（节假日和休息日不计，调休上班日计入）"),
        ),
        Period::CalendarDays(_) | Period::Months(_) => {
            let base = match period {
                Period::Months(n) if raw.day() != start.day() => {
                    format!("自 {start} 起 {n} 个月，至 {raw}（该月的最后一日）")
                }
                Period::Months(n) => format!("自 {start} 起 {n} 个月，至 {raw}"),
                _ => format!("自 {start} 次日起算 {}，至 {raw}", period.label_zh()),
            };
            let due = cal.workday_on_or_after(raw);
            if due == raw {
                (due, base)
            } else {
                let kind = match cal.day(raw).kind {
                    crate::calendar::DayKind::Holiday => "法定节假日",
                    crate::calendar::DayKind::LocalRestDay => "本地非工作日",
                    _ => "休息日",
                };
                (
                    due,
                    format!("{base}，该日为{kind}，期限顺延至下一个工作日 {due}"),
                )
            }
        }
    };
    // Calendar days and months do not depend on the holidays they pass over, only on where they
    // end; working days depend on every day counted.
    let confirmed = match period {
        Period::WorkingDays(_) => cal.confirmed_between(start, due),
        _ => cal.confirmed_between(raw, due),
    };
    if !confirmed {
        rule.push_str("；未确认：所计年度尚无公布的节假日安排（仅按周末计算）");
    }
    DueDate {
        due,
        rule,
        confirmed,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn periods_parse_in_english_and_chinese() {
        assert_eq!("20 working days".parse(), Ok(Period::WorkingDays(20)));
        assert_eq!("90 days".parse(), Ok(Period::CalendarDays(90)));
        assert_eq!("6 months".parse(), Ok(Period::Months(6)));
        assert_eq!("2 years".parse(), Ok(Period::Months(24)));
        assert_eq!("5个工作日".parse(), Ok(Period::WorkingDays(5)));
        assert_eq!("15日".parse(), Ok(Period::CalendarDays(15)));
        assert_eq!("6个月".parse(), Ok(Period::Months(6)));
        assert!("twenty days".parse::<Period>().is_err());
        assert!("20 fortnights".parse::<Period>().is_err());
        assert!("".parse::<Period>().is_err());
        assert!("99999999999 days".parse::<Period>().is_err());
    }

    #[test]
    fn months_end_on_the_last_day_of_a_short_month() {
        assert_eq!(
            add_months(NaiveDate::from_ymd_opt(2024, 1, 31).unwrap(), 1),
            NaiveDate::from_ymd_opt(2024, 2, 29).unwrap()
        );
        assert_eq!(
            add_months(NaiveDate::from_ymd_opt(2023, 8, 31).unwrap(), 6),
            NaiveDate::from_ymd_opt(2024, 2, 29).unwrap()
        );
        assert_eq!(
            add_months(NaiveDate::from_ymd_opt(2023, 3, 15).unwrap(), 6),
            NaiveDate::from_ymd_opt(2023, 9, 15).unwrap()
        );
    }
}
