//! Statutory scenarios from LAW.md, each due date worked out by hand from the State Council's
//! holiday notices (reasoning in the comment), each citing its article.
#![allow(clippy::unwrap_used)]

use chrono::NaiveDate;
use fazhi_kernel::calendar::Calendar;
use fazhi_kernel::deadline::{Deadline, Extension, Suspension};
use fazhi_kernel::period::{Period, due_date};

fn d(s: &str) -> NaiveDate {
    fazhi_kernel::date::parse(s).unwrap()
}

/// (basis, start, period, due)
const SCENARIOS: &[(&str, &str, &str, &str)] = &[
    // 行政处罚法 (2021)
    (
        "行政处罚法 art. 60: decide within 90 CD of filing; day 100 of leap 2024 is Tue 9 Apr",
        "2024-01-10",
        "90 days",
        "2024-04-09",
    ),
    (
        "行政处罚法 art. 60: 90 CD end Thu 3 Oct 2024, National Day (1–7 Oct) → Tue 8 Oct",
        "2024-07-05",
        "90 days",
        "2024-10-08",
    ),
    (
        "行政处罚法 art. 60: 90 CD end Sat 3 Feb 2024 → Sun 4 Feb, a make-up working day",
        "2023-11-05",
        "90 days",
        "2024-02-04",
    ),
    (
        "行政处罚法 art. 60: 90 CD end Wed 30 Sep 2026, a working day",
        "2026-07-02",
        "90 days",
        "2026-09-30",
    ),
    (
        "行政处罚法 art. 61, 85: deliver within 7 WD: Sun 29 Sep (make-up), 30 Sep, 8–11 Oct, Sat 12 Oct (make-up)",
        "2024-09-27",
        "7 working days",
        "2024-10-12",
    ),
    (
        "行政处罚法 art. 64, 85: request a hearing within 5 WD: Sun 26 Jan (make-up), 27 Jan, Spring Festival 28 Jan–4 Feb, 5–7 Feb",
        "2025-01-24",
        "5 working days",
        "2025-02-07",
    ),
    (
        "行政处罚法 art. 64, 85: 5 WD after 30 Apr 2024: May Day 1–5 May, then 6–10 May",
        "2024-04-30",
        "5 working days",
        "2024-05-10",
    ),
    (
        "行政处罚法 art. 67: pay within 15 CD; Sat 5 Oct 2024 is National Day → Tue 8 Oct",
        "2024-09-20",
        "15 days",
        "2024-10-08",
    ),
    (
        "行政处罚法 art. 67: pay within 15 CD; Tue 25 Mar 2025 is a working day",
        "2025-03-10",
        "15 days",
        "2025-03-25",
    ),
    (
        "行政处罚法 art. 67: 15 CD end Sat 29 Apr 2023, May Day 29 Apr–3 May → Thu 4 May",
        "2023-04-14",
        "15 days",
        "2023-05-04",
    ),
    (
        "行政处罚法 art. 36: 2-year limitation from 28 Feb 2022 ends Wed 28 Feb 2024",
        "2022-02-28",
        "2 years",
        "2024-02-28",
    ),
    (
        "行政处罚法 art. 36: 24 months from 29 Feb 2020 end on the last day of Feb 2022, Mon 28 Feb",
        "2020-02-29",
        "24 months",
        "2022-02-28",
    ),
    (
        "A 5-year procedural period ending 1 Oct 2024, National Day, moves to Tue 8 Oct (the art. 36 limitation does not: core::enforcement::rules::limitation)",
        "2019-10-01",
        "5 years",
        "2024-10-08",
    ),
    (
        "行政处罚法 art. 48, 85: withdraw within 3 WD: Dragon Boat Mon 10 Jun 2024, then 11–13 Jun",
        "2024-06-07",
        "3 working days",
        "2024-06-13",
    ),
    // 行政执法三项制度 (国办发〔2018〕118号)
    (
        "国办发〔2018〕118号: publish within 7 WD: 28 Sep (make-up), 29, 30 Sep, 9, 10, 11 (make-up), 13 Oct 2025",
        "2025-09-26",
        "7 working days",
        "2025-10-13",
    ),
    (
        "国办发〔2018〕118号 (market regulation 20 WD): Spring Festival 10–17 Feb 2024 skipped, 4 and 18 Feb counted",
        "2024-01-31",
        "20 working days",
        "2024-03-04",
    ),
    // 行政复议法 (2023)
    (
        "行政复议法 art. 20: apply within 60 CD; ends Tue 1 Oct 2024 → Tue 8 Oct",
        "2024-08-02",
        "60 days",
        "2024-10-08",
    ),
    (
        "行政复议法 art. 20: 60 CD end Fri 2 May 2025, May Day 1–5 May → Tue 6 May",
        "2025-03-03",
        "60 days",
        "2025-05-06",
    ),
    (
        "行政复议法 art. 20: at most 1 year when the right was not explained; Mon 10 Feb 2025",
        "2024-02-10",
        "1 year",
        "2025-02-10",
    ),
    (
        "行政复议法 art. 30, 88: acceptance review 5 WD: National Day 1–8 Oct 2025, 9, 10, 11 (make-up), 13, 14 Oct",
        "2025-09-30",
        "5 working days",
        "2025-10-14",
    ),
    (
        "行政复议法 art. 62: decide within 60 CD of acceptance; Sat 1 Feb 2025, Spring Festival to 4 Feb → Wed 5 Feb",
        "2024-12-03",
        "60 days",
        "2025-02-05",
    ),
    (
        "行政复议法 art. 62: simplified procedure 30 CD; 1 Oct 2023 holiday to 6 Oct → Sat 7 Oct, a make-up working day",
        "2023-09-01",
        "30 days",
        "2023-10-07",
    ),
    (
        "行政复议法 (2017) art. 9: case before 2024, 60 days to apply; Fri 19 Jan 2024",
        "2023-11-20",
        "60 days",
        "2024-01-19",
    ),
    // 行政诉讼法 (2017)
    (
        "行政诉讼法 art. 46: 6 months from 31 Aug 2023 end on 29 Feb 2024 (last day of February), Thu",
        "2023-08-31",
        "6 months",
        "2024-02-29",
    ),
    (
        "行政诉讼法 art. 46: 6 months end Fri 4 Oct 2024, National Day → Tue 8 Oct",
        "2024-04-04",
        "6 months",
        "2024-10-08",
    ),
    (
        "行政诉讼法 art. 45: 15 CD after the reconsideration decision; Sat 1 Feb 2025 (Spring Festival) → Wed 5 Feb",
        "2025-01-17",
        "15 days",
        "2025-02-05",
    ),
    (
        "行政诉讼法 art. 67: defence within 15 CD of the complaint; Tue 18 Jun 2024",
        "2024-06-03",
        "15 days",
        "2024-06-18",
    ),
    (
        "行政诉讼法 art. 46: at most 5 years; 1 May 2026, May Day 1–5 May → Wed 6 May",
        "2021-05-01",
        "5 years",
        "2026-05-06",
    ),
    (
        "行政诉讼法 art. 46: 20 years for real property; 1 Oct 2026, National Day 1–7 Oct → Thu 8 Oct",
        "2006-10-01",
        "20 years",
        "2026-10-08",
    ),
    // 行政许可法
    (
        "行政许可法 art. 32, 82: 5 WD: Fri 9 Feb 2024, Spring Festival 10–17 Feb, Sun 18 Feb (make-up), 19–21 Feb",
        "2024-02-08",
        "5 working days",
        "2024-02-21",
    ),
    (
        "行政许可法 art. 42, 82: 20 WD: 21–28 Sep 2023 (6), Sat 7 and Sun 8 Oct (make-up), 9–24 Oct",
        "2023-09-20",
        "20 working days",
        "2023-10-24",
    ),
    (
        "行政许可法 art. 47, 82: request a hearing within 5 WD: 29 Dec 2023, New Year 30 Dec–1 Jan, 2–5 Jan 2024",
        "2023-12-28",
        "5 working days",
        "2024-01-05",
    ),
    (
        "行政许可法 art. 48, 82: hold the hearing within 20 WD: Sat 14 and Sat 28 Feb 2026 are make-up days, 15–23 Feb off",
        "2026-02-10",
        "20 working days",
        "2026-03-16",
    ),
    // 重大行政决策程序暂行条例
    (
        "重大行政决策程序暂行条例 art. 15: comment ≥ 30 CD; 1 Oct 2025, National Day 1–8 Oct → Thu 9 Oct",
        "2025-09-01",
        "30 days",
        "2025-10-09",
    ),
    (
        "重大行政决策程序暂行条例 art. 26: legality review ≥ 7 WD; May Day 1–5 May 2025, then 6–9, 12–14 May",
        "2025-04-30",
        "7 working days",
        "2025-05-14",
    ),
    // 规范性文件
    (
        "法规规章备案审查条例 art. 4: file within 30 CD; Thu 30 Jan 2025 (Spring Festival to 4 Feb) → Wed 5 Feb",
        "2024-12-31",
        "30 days",
        "2025-02-05",
    ),
    (
        "normative document valid 5 years: 1 Jan 2026, New Year 1–3 Jan → Sun 4 Jan, a make-up working day",
        "2021-01-01",
        "5 years",
        "2026-01-04",
    ),
    (
        "暂行 normative document valid 2 years: Sun 31 May 2026 → Mon 1 Jun",
        "2024-05-31",
        "2 years",
        "2026-06-01",
    ),
    // 双随机一公开
    (
        "双随机一公开: publish results within 20 WD: 14 and 29 Sep and 12 Oct 2024 are make-up days; Mid-Autumn 15–17 Sep, National Day 1–7 Oct",
        "2024-09-13",
        "20 working days",
        "2024-10-17",
    ),
    (
        "行政处罚法 art. 67: 15 CD from Mon 29 Sep 2025 end Tue 14 Oct, a working day",
        "2025-09-29",
        "15 days",
        "2025-10-14",
    ),
];

#[test]
fn every_statutory_scenario_has_the_hand_worked_due_date() {
    let cal = Calendar::embedded();
    assert!(SCENARIOS.len() >= 40, "{} scenarios", SCENARIOS.len());
    let mut wrong = Vec::new();
    for (basis, start, period, due) in SCENARIOS {
        let p: Period = period.parse().unwrap();
        let got = due_date(cal, d(start), p);
        if got.due != d(due) || !got.confirmed {
            wrong.push(format!(
                "{basis}: {start} + {period} → expected {due}, got {} ({})",
                got.due, got.rule
            ));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[test]
fn a_year_without_a_published_notice_is_computed_on_weekends_and_flagged() {
    // 90 CD from 2 Nov 2026 end Sun 31 Jan 2027; 2027 has no notice yet → Mon 1 Feb, unconfirmed.
    let got = due_date(
        Calendar::embedded(),
        d("2026-11-02"),
        Period::CalendarDays(90),
    );
    assert_eq!(got.due, d("2027-02-01"));
    assert!(!got.confirmed);
    assert!(got.rule.contains("未确认"));
}

#[test]
fn reconsideration_extension_and_licensing_suspension() {
    let cal = Calendar::embedded();
    // 行政复议法 art. 62: 60 CD from 3 Dec 2024 end Sat 1 Feb 2025, in the Spring Festival
    // holiday → due Wed 5 Feb; extended by the head by 30 CD, counted from the unmoved end
    // (1 Feb, LAW.md) → Mon 3 Mar 2025 (from the moved end it would be 7 Mar).
    let mut r = Deadline::new(
        "复议决定",
        "行政复议法",
        "第六十二条",
        "受理",
        d("2024-12-03"),
        Period::CalendarDays(60),
    );
    r.extensions.push(Extension {
        period: Period::CalendarDays(30),
        reason: "案情复杂".into(),
        approver: "复议机构负责人".into(),
        approved_on: d("2025-01-20"),
    });
    assert_eq!(r.due(cal, d("2025-01-20")).due, d("2025-03-03"));
    // 行政许可法 art. 42 with 10 WD extension: 24 Oct 2023 → 25–27, 30, 31 Oct, 1–3, 6, 7 Nov.
    let mut l = Deadline::new(
        "许可决定",
        "行政许可法",
        "第四十二条",
        "受理",
        d("2023-09-20"),
        Period::WorkingDays(20),
    );
    l.extensions.push(Extension {
        period: Period::WorkingDays(10),
        reason: "情况复杂".into(),
        approver: "局长".into(),
        approved_on: d("2023-10-20"),
    });
    assert_eq!(l.due(cal, d("2023-10-20")).due, d("2023-11-07"));
    // 行政许可法 art. 45: expert review 11–15 Mar 2024 (5 WD) is not counted: 1 Apr → 2, 3, 7 (make-up), 8, 9 Apr.
    let mut s = Deadline::new(
        "许可决定",
        "行政许可法",
        "第四十二条",
        "受理",
        d("2024-03-04"),
        Period::WorkingDays(20),
    );
    s.suspensions.push(Suspension {
        from: d("2024-03-11"),
        until: Some(d("2024-03-15")),
        reason: "专家评审".into(),
        approver: "局长".into(),
    });
    assert_eq!(s.due(cal, d("2024-03-20")).due, d("2024-04-09"));
}
