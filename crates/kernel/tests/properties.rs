//! Property tests: the calendar and the period rules, identifier round trips, and the scanner
//! on arbitrary text.
#![allow(clippy::unwrap_used)]

use chrono::{Datelike, Days, NaiveDate};
use fazhi_kernel::calendar::Calendar;
use fazhi_kernel::ids::{BankCard, ResidentId, Uscc, resident_id, uscc};
use fazhi_kernel::period::{Period, add_months, due_date, raw_end};
use fazhi_kernel::personal::{PiiKind, mask, redact, scan, scan_with_names};
use proptest::prelude::*;

fn date() -> impl Strategy<Value = NaiveDate> {
    // 2008-01-01 .. 2026-12-31 and a little beyond, where unpublished years begin.
    (0u64..7_400).prop_map(|d| NaiveDate::from_ymd_opt(2008, 1, 1).unwrap() + Days::new(d))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn adding_working_days_lands_on_a_working_day_n_days_on(start in date(), n in 1u32..80) {
        let cal = Calendar::embedded();
        let end = cal.add_working_days(start, n);
        prop_assert!(cal.is_workday(end));
        prop_assert!(end > start);
        prop_assert_eq!(cal.working_days_between(start, end), i64::from(n));
        prop_assert_eq!(cal.working_days_between(end, start), -i64::from(n));
    }

    #[test]
    fn calendar_day_and_month_periods_end_on_the_first_working_day_on_or_after_their_end(
        start in date(), n in 1u32..400, months in 1u32..72
    ) {
        let cal = Calendar::embedded();
        for p in [Period::CalendarDays(n), Period::Months(months)] {
            let raw = raw_end(start, p, cal);
            let due = due_date(cal, start, p).due;
            prop_assert!(due >= raw);
            prop_assert!(cal.is_workday(due));
            let mut d = raw;
            while d < due {
                prop_assert!(!cal.is_workday(d), "{} is a working day before {}", d, due);
                d = d + Days::new(1);
            }
        }
    }

    #[test]
    fn months_keep_the_day_or_take_the_last_day(start in date(), n in 0u32..120) {
        let end = add_months(start, n);
        let months = (end.year() - start.year()) * 12 + end.month() as i32 - start.month() as i32;
        prop_assert_eq!(months, n as i32);
        if end.day() != start.day() {
            prop_assert!(end.day() < start.day());
            prop_assert_eq!((end + Days::new(1)).month0(), (end.month0() + 1) % 12, "not the last day of its month");
        }
    }

    #[test]
    fn resident_ids_round_trip_and_any_single_digit_error_is_caught(
        birth in date(), seq in 0u32..1000, pos in 0usize..17, delta in 1u8..10
    ) {
        let first17 = format!("330681{}{:03}", birth.format("%Y%m%d"), seq);
        let check = resident_id::check_character(first17.as_bytes()).unwrap();
        let id = format!("{first17}{check}");
        let parsed = ResidentId::parse(&id).unwrap();
        prop_assert_eq!(parsed.birth_date(), birth);
        prop_assert_eq!(parsed.as_str(), id.as_str());
        let mut bytes = id.into_bytes();
        bytes[pos] = b'0' + (bytes[pos] - b'0' + delta) % 10;
        prop_assert!(ResidentId::parse(std::str::from_utf8(&bytes).unwrap()).is_err());
    }

    #[test]
    fn usccs_round_trip_and_any_single_substitution_is_caught(
        body in "[0-9A-HJ-NPQRTUWXY]{8}", kind in "[19][123]", pos in 0usize..18, to in 0usize..31
    ) {
        let org = format!("{body}{}", uscc::org_check_character(&body).unwrap());
        let first17 = format!("{kind}330681{org}");
        let code = format!("{first17}{}", uscc::check_character(&first17).unwrap());
        prop_assert!(Uscc::parse(&code).is_ok(), "{}", code);
        let charset: Vec<char> = "0123456789ABCDEFGHJKLMNPQRTUWXY".chars().collect();
        let mut chars: Vec<char> = code.chars().collect();
        prop_assume!(chars[pos] != charset[to]);
        chars[pos] = charset[to];
        let changed: String = chars.into_iter().collect();
        prop_assert!(Uscc::parse(&changed).is_err(), "{} accepted", changed);
    }

    #[test]
    fn bank_cards_catch_single_digit_errors(digits in "[0-9]{15}", pos in 0usize..16, delta in 1u8..10) {
        let check = (0..10u8).find(|c| fazhi_kernel::ids::contact::luhn_valid(format!("{digits}{c}").as_bytes())).unwrap();
        let card = format!("{digits}{check}");
        prop_assert!(BankCard::parse(&card).is_ok());
        let mut b = card.into_bytes();
        b[pos] = b'0' + (b[pos] - b'0' + delta) % 10;
        prop_assert!(BankCard::parse(std::str::from_utf8(&b).unwrap()).is_err());
    }

    #[test]
    fn the_scanner_never_panics_and_redaction_removes_what_it_found(text in "\\PC{0,200}", id_birth in date()) {
        let first17 = format!("330681{}123", id_birth.format("%Y%m%d"));
        let id = format!("{first17}{}", resident_id::check_character(first17.as_bytes()).unwrap());
        let text = format!("{text}身份证号{id}。{text}");
        let found = scan(&text, &[]);
        let mut last_end = 0;
        for f in &found {
            prop_assert!(f.start >= last_end && f.end <= text.len());
            prop_assert!(text.is_char_boundary(f.start) && text.is_char_boundary(f.end));
            last_end = f.end;
        }
        prop_assert!(found.iter().any(|f| f.kind == PiiKind::ResidentId && f.text == id));
        prop_assert!(!redact(&text, &[]).text.contains(&id));
    }

    #[test]
    fn numbers_as_typed_are_found_in_any_surroundings(
        noise in "[0-9０-９ \\-－\u{3000}()（）+＋XxＸｘ.@号电话某王]{0,60}",
        id_birth in date(),
        sep in "[ \\-\u{3000}]",
    ) {
        let first17 = format!("330681{}123", id_birth.format("%Y%m%d"));
        let id = format!("{first17}{}", resident_id::check_character(first17.as_bytes()).unwrap());
        let grouped = format!("{}{sep}{}{sep}{}{sep}{}", &id[..6], &id[6..10], &id[10..14], &id[14..]);
        let text = format!("{noise}身份证号{grouped}。{noise}");
        for found in [scan(&text, &[]), scan_with_names(&text, &[])] {
            let mut last_end = 0;
            for f in &found {
                prop_assert!(f.start >= last_end && f.end <= text.len());
                prop_assert!(text.is_char_boundary(f.start) && text.is_char_boundary(f.end));
                prop_assert_eq!(&text[f.start..f.end], f.text.as_str());
                last_end = f.end;
            }
        }
        let found = scan(&text, &[]);
        prop_assert!(found.iter().any(|f| f.kind == PiiKind::ResidentId && f.text == grouped));
        prop_assert!(!redact(&text, &[]).text.contains(&grouped));
        let _ = mask(&text);
    }
}
