//! The calendar file parser and the period parser on arbitrary input; what parses is usable.
#![no_main]

use fazhi_kernel::calendar::{Calendar, parse};
use fazhi_kernel::period::{Period, due_date};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(s) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(years) = parse(s) {
        let mut cal = Calendar::default();
        for y in years {
            let first = y.rest.first().copied();
            cal.set_year(y);
            if let Some(d) = first {
                assert!(
                    !cal.is_workday(d)
                        || cal.day(d).kind == fazhi_kernel::calendar::DayKind::MakeUpWorkday
                );
            }
        }
    }
    if let Ok(p) = s.parse::<Period>() {
        // Bounded periods only: a fuzzer's 36,500 working days is still a real computation.
        let small = match p {
            Period::WorkingDays(n) => n <= 2_000,
            Period::CalendarDays(n) => n <= 36_500,
            Period::Months(n) => n <= 1_200,
        };
        if small {
            let start = chrono::NaiveDate::from_ymd_opt(2024, 1, 31).unwrap_or_default();
            let due = due_date(Calendar::embedded(), start, p);
            assert!(due.due >= start);
        }
    }
});
