//! The working-day calendar (工作日): China's statutory holidays and make-up working days (调休)
//! as the State Council publishes them each year, plus a city's own non-working days.
//!
//! A year the calendar has no notice for is answered from weekends alone and marked
//! unconfirmed — never silently guessed as if it were published.

use std::collections::{BTreeMap, HashSet};
use std::sync::OnceLock;

use chrono::{Datelike, Days, NaiveDate, Weekday};
use thiserror::Error;

const EMBEDDED: &str = include_str!("../data/holidays.txt");

/// One year's arrangement: the notice and the days it sets.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct YearArrangement {
    pub year: i32,
    /// The notice that set it (title and document number).
    pub source: String,
    pub rest: Vec<NaiveDate>,
    pub work: Vec<NaiveDate>,
}

#[derive(Debug, Error, PartialEq, Eq)]
pub enum CalendarError {
    #[error("line {line}: {message}")]
    Syntax { line: usize, message: String },
    #[error("year {year}: {date} is listed both as a rest day and as a working day")]
    Contradiction { year: i32, date: NaiveDate },
    #[error("year {year}: make-up working day {date} is not a Saturday or Sunday")]
    WorkdayOnWeekday { year: i32, date: NaiveDate },
}

/// Parses the calendar format: `[YEAR] source`, then `rest DATE…` and `work DATE…` lines;
/// `#` starts a comment.
pub fn parse(text: &str) -> Result<Vec<YearArrangement>, CalendarError> {
    let mut out: Vec<YearArrangement> = Vec::new();
    for (i, raw) in text.lines().enumerate() {
        let line = i + 1;
        let l = raw.trim();
        if l.is_empty() || l.starts_with('#') {
            continue;
        }
        let err = |message: String| CalendarError::Syntax { line, message };
        if let Some(rest) = l.strip_prefix('[') {
            let (year, source) = rest
                .split_once(']')
                .ok_or_else(|| err("a section header looks like `[2025] notice title`".into()))?;
            let year: i32 = year
                .trim()
                .parse()
                .map_err(|_| err(format!("`{year}` is not a year")))?;
            if !(1949..=2200).contains(&year) {
                return Err(err(format!("year {year} is out of range")));
            }
            let source = source.trim();
            if source.is_empty() {
                return Err(err(format!("year {year} must name its source notice")));
            }
            out.push(YearArrangement {
                year,
                source: source.to_string(),
                rest: Vec::new(),
                work: Vec::new(),
            });
            continue;
        }
        let (kind, dates) = l.split_once(char::is_whitespace).unwrap_or((l, ""));
        let section = out
            .last_mut()
            .ok_or_else(|| err("dates before the first `[YEAR] notice` header".into()))?;
        let target = match kind {
            "rest" => &mut section.rest,
            "work" => &mut section.work,
            other => {
                return Err(err(format!(
                    "unknown line kind `{other}` (expected rest or work)"
                )));
            }
        };
        for d in dates.split_whitespace() {
            let date = crate::date::parse(d)
                .ok_or_else(|| err(format!("`{d}` is not a date (YYYY-MM-DD)")))?;
            if (date.year() - section.year).abs() > 1 {
                return Err(err(format!("{date} is too far from year {}", section.year)));
            }
            target.push(date);
        }
    }
    for y in &out {
        let rest: HashSet<_> = y.rest.iter().collect();
        if let Some(date) = y.work.iter().find(|d| rest.contains(d)) {
            return Err(CalendarError::Contradiction {
                year: y.year,
                date: *date,
            });
        }
        if let Some(date) = y.work.iter().find(|d| !is_weekend(**d)) {
            return Err(CalendarError::WorkdayOnWeekday {
                year: y.year,
                date: *date,
            });
        }
    }
    Ok(out)
}

fn is_weekend(d: NaiveDate) -> bool {
    matches!(d.weekday(), Weekday::Sat | Weekday::Sun)
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DayKind {
    /// An ordinary Monday–Friday.
    Weekday,
    /// An ordinary Saturday or Sunday.
    Weekend,
    /// A day off set by the State Council's notice.
    Holiday,
    /// A Saturday or Sunday made a working day (调休补班).
    MakeUpWorkday,
    /// A day the city declared non-working.
    LocalRestDay,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Day {
    pub date: NaiveDate,
    pub kind: DayKind,
    /// False when the year has no published arrangement: the answer then rests on weekends alone.
    pub confirmed: bool,
}

impl Day {
    pub fn is_workday(&self) -> bool {
        matches!(self.kind, DayKind::Weekday | DayKind::MakeUpWorkday)
    }
}

#[derive(Clone, Debug, Default)]
pub struct Calendar {
    rest: HashSet<NaiveDate>,
    work: HashSet<NaiveDate>,
    local_rest: HashSet<NaiveDate>,
    notices: BTreeMap<i32, String>,
}

impl Calendar {
    /// The arrangements shipped with fazhi (2008 to the latest published year).
    pub fn embedded() -> &'static Calendar {
        static CAL: OnceLock<Calendar> = OnceLock::new();
        CAL.get_or_init(|| {
            let mut cal = Calendar::default();
            // The embedded file is checked by a test; a parse failure here would leave every
            // year unconfirmed rather than wrong.
            for y in parse(EMBEDDED).unwrap_or_default() {
                cal.set_year(y);
            }
            cal
        })
    }

    /// Adds or replaces a year's arrangement (a newly published notice, or a correction).
    pub fn set_year(&mut self, y: YearArrangement) {
        let year = y.year;
        self.rest.retain(|d| d.year() != year);
        self.work.retain(|d| d.year() != year);
        self.rest.extend(y.rest);
        self.work.extend(y.work);
        self.notices.insert(year, y.source);
    }

    pub fn add_local_rest_day(&mut self, date: NaiveDate) {
        self.local_rest.insert(date);
    }

    /// The notice of `year`, when it is published.
    pub fn notice(&self, year: i32) -> Option<&str> {
        self.notices.get(&year).map(String::as_str)
    }

    pub fn published_years(&self) -> impl Iterator<Item = (i32, &str)> {
        self.notices.iter().map(|(y, s)| (*y, s.as_str()))
    }

    pub fn day(&self, date: NaiveDate) -> Day {
        let kind = if self.work.contains(&date) {
            DayKind::MakeUpWorkday
        } else if self.rest.contains(&date) {
            DayKind::Holiday
        } else if self.local_rest.contains(&date) {
            DayKind::LocalRestDay
        } else if is_weekend(date) {
            DayKind::Weekend
        } else {
            DayKind::Weekday
        };
        Day {
            date,
            kind,
            confirmed: self.notices.contains_key(&date.year()),
        }
    }

    pub fn is_workday(&self, date: NaiveDate) -> bool {
        self.day(date).is_workday()
    }

    /// The first working day on or after `date`.
    pub fn workday_on_or_after(&self, date: NaiveDate) -> NaiveDate {
        let mut d = date;
        while !self.is_workday(d) {
            d = d + Days::new(1);
        }
        d
    }

    /// The `n`th working day after `start` (the starting day is not counted); `start` itself
    /// when `n` is 0.
    pub fn add_working_days(&self, start: NaiveDate, n: u32) -> NaiveDate {
        let mut d = start;
        let mut left = n;
        while left > 0 {
            d = d + Days::new(1);
            if self.is_workday(d) {
                left -= 1;
            }
        }
        d
    }

    /// Working days after `from` up to and including `to`; negative when `to` is before `from`.
    pub fn working_days_between(&self, from: NaiveDate, to: NaiveDate) -> i64 {
        let (a, b, sign) = if to >= from {
            (from, to, 1)
        } else {
            (to, from, -1)
        };
        let mut count = 0;
        let mut d = a;
        while d < b {
            d = d + Days::new(1);
            if self.is_workday(d) {
                count += 1;
            }
        }
        sign * count
    }

    /// Whether every day from `from` to `to` lies in a published year.
    pub fn confirmed_between(&self, from: NaiveDate, to: NaiveDate) -> bool {
        (from.year().min(to.year())..=from.year().max(to.year()))
            .all(|y| self.notices.contains_key(&y))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        crate::date::parse(s).unwrap()
    }

    #[test]
    fn the_embedded_data_parses_and_covers_2008_to_2026() {
        let years = parse(EMBEDDED).unwrap();
        let got: Vec<i32> = years.iter().map(|y| y.year).collect();
        assert_eq!(got, (2008..=2026).collect::<Vec<_>>());
        for y in &years {
            assert!(
                y.rest.len() >= 20,
                "{} has {} rest days",
                y.year,
                y.rest.len()
            );
            assert!(y.source.contains(&format!("{}年", y.year)));
        }
    }

    #[test]
    fn the_2025_arrangement_matches_its_notice() {
        // 国办发明电〔2024〕12号: make-up working days 26 Jan, 8 Feb, 27 Apr, 28 Sep, 11 Oct.
        let cal = Calendar::embedded();
        for w in [
            "2025-01-26",
            "2025-02-08",
            "2025-04-27",
            "2025-09-28",
            "2025-10-11",
        ] {
            assert_eq!(cal.day(d(w)).kind, DayKind::MakeUpWorkday, "{w}");
        }
        for r in [
            "2025-01-28",
            "2025-02-04",
            "2025-05-05",
            "2025-10-08",
            "2025-10-06",
        ] {
            assert_eq!(cal.day(d(r)).kind, DayKind::Holiday, "{r}");
        }
        assert!(cal.notice(2025).unwrap().contains("国办发明电〔2024〕12号"));
    }

    #[test]
    fn an_unpublished_year_is_weekends_only_and_unconfirmed() {
        let cal = Calendar::embedded();
        let day = cal.day(d("2027-10-01"));
        assert!(!day.confirmed);
        assert_eq!(
            day.kind,
            DayKind::Weekday,
            "2027-10-01 is a Friday: no holiday is guessed"
        );
        assert!(cal.day(d("2026-10-01")).confirmed);
    }

    #[test]
    fn local_rest_days_and_imported_years() {
        let mut cal = Calendar::embedded().clone();
        cal.add_local_rest_day(d("2024-03-05"));
        assert_eq!(cal.day(d("2024-03-05")).kind, DayKind::LocalRestDay);
        let imported = parse(
            "[2027] 国务院办公厅关于2027年部分节假日安排的通知\nrest 2027-01-01\nwork 2027-01-02\n",
        );
        for y in imported.unwrap() {
            cal.set_year(y);
        }
        assert!(cal.day(d("2027-01-01")).confirmed);
        assert_eq!(cal.day(d("2027-01-01")).kind, DayKind::Holiday);
    }

    #[test]
    fn bad_calendar_files_say_which_line() {
        assert_eq!(
            parse("[2027] x\nrest 2027-02-30\n").unwrap_err(),
            CalendarError::Syntax {
                line: 2,
                message: "`2027-02-30` is not a date (YYYY-MM-DD)".into()
            }
        );
        assert!(matches!(
            parse("rest 2027-01-01"),
            Err(CalendarError::Syntax { line: 1, .. })
        ));
        assert!(matches!(
            parse("[2027]\n"),
            Err(CalendarError::Syntax { .. })
        ));
        assert!(matches!(
            parse("[2027] x\nrest 2027-01-02\nwork 2027-01-02\n"),
            Err(CalendarError::Contradiction { .. })
        ));
        assert!(matches!(
            parse("[2027] x\nwork 2027-01-04\n"),
            Err(CalendarError::WorkdayOnWeekday { .. })
        ));
    }

    #[test]
    fn counting_working_days_over_the_2024_national_day() {
        let cal = Calendar::embedded();
        // 2024-09-30 (Mon) → 1 working day later is 2024-10-08: 1–7 Oct are off.
        assert_eq!(cal.add_working_days(d("2024-09-30"), 1), d("2024-10-08"));
        // 2024-10-12 (Sat) is a make-up working day.
        assert_eq!(cal.add_working_days(d("2024-10-11"), 1), d("2024-10-12"));
        assert_eq!(
            cal.working_days_between(d("2024-09-30"), d("2024-10-12")),
            5
        );
        assert_eq!(
            cal.working_days_between(d("2024-10-12"), d("2024-09-30")),
            -5
        );
    }
}
