//! Synthetic penalty cases (`fazhi generate cases`): realistic records in the import format for
//! demos, tests and benchmarks. They use the demo organisation (Zhuji's departments and 23
//! towns) and the demo catalog and benchmarks, so a fresh database imports them all. Parties
//! carry valid resident ID numbers and USCCs; dates follow the law (working days from the
//! embedded calendar); fines lie within the benchmark. About one case in ten carries a defect a
//! supervisor should find: a decision after the 90-day limit, a fine outside the benchmark
//! without a reason, a decision inside the defence window, a late payment without the
//! surcharge, a summary procedure above art. 51's threshold, a fine closed unpaid, a decision
//! before a requested hearing. The same seed gives the same file (xoshiro256++).

use std::collections::HashMap;
use std::io::Write;

use chrono::{Datelike, Days, NaiveDate};
use fazhi_kernel::calendar::Calendar;
use fazhi_kernel::ids::{resident_id, uscc};
use fazhi_kernel::money::Fen;
use rand::rngs::Xoshiro256PlusPlus;
use rand::seq::IndexedRandom;
use rand::{RngExt, SeedableRng};

use super::benchmarks::parse_severity;
use super::ingest::{CaseRecord, FactsRecord, PartyRecord};
use crate::demo::{CITY_DEPARTMENTS, DEMO_BENCHMARKS, DEMO_CATALOG, town_office, tsv};

/// The source system synthetic cases claim to come from.
pub const SOURCE_SYSTEM: &str = "zj-xzzf";

/// The day synthetic history ends: steps after it have not happened yet (open cases).
fn as_of() -> NaiveDate {
    NaiveDate::from_ymd_opt(2025, 12, 31).unwrap_or_default()
}

fn first_filing() -> NaiveDate {
    NaiveDate::from_ymd_opt(2023, 1, 1).unwrap_or_default()
}

/// A grade of an item usable in every version: the range common to them.
#[derive(Clone, Debug)]
struct Band {
    severity: String,
    warning: bool,
    /// None: no fine. Fixed range in fen, or multiples (hundredths) of the illegal gains.
    fine: Option<(bool, i64, i64)>,
}

#[derive(Clone, Debug)]
struct Item {
    code: String,
    name: String,
    department: String,
    delegated: bool,
    bands: Vec<Band>,
    minor_pledge: bool,
}

fn hundredths(s: &str) -> i64 {
    Fen::parse_yuan(s).map(|f| f.0).unwrap_or(0)
}

fn items() -> Vec<Item> {
    let delegated: Vec<String> = tsv(DEMO_CATALOG)
        .filter(|(_, c)| c[0] == "delegate")
        .map(|(_, c)| c[1].clone())
        .collect();
    let mut items: Vec<Item> = tsv(DEMO_CATALOG)
        .filter(|(_, c)| c[0] != "delegate")
        .map(|(_, c)| Item {
            delegated: delegated.contains(&c[0]),
            code: c[0].clone(),
            name: c[1].clone(),
            department: c[4].clone(),
            bands: Vec::new(),
            minor_pledge: false,
        })
        .collect();
    // Per item and severity: every version's range, to keep to what all of them allow.
    let mut ranges: HashMap<(String, String), Vec<Band>> = HashMap::new();
    for (_, c) in tsv(DEMO_BENCHMARKS) {
        if c[3] == "轻微违法告知承诺" {
            if let Some(i) = items.iter_mut().find(|i| i.code == c[0]) {
                i.minor_pledge = true;
            }
            continue;
        }
        if c[3] != "裁量档次" {
            continue;
        }
        let fine = match c[7].as_str() {
            "固定金额" => Some((false, hundredths(&c[8]), hundredths(&c[9]))),
            "违法所得倍数" => Some((true, hundredths(&c[8]), hundredths(&c[9]))),
            _ => None,
        };
        ranges
            .entry((c[0].clone(), c[4].clone()))
            .or_default()
            .push(Band {
                severity: c[4].clone(),
                warning: c[6] == "是",
                fine,
            });
    }
    for ((code, _), versions) in ranges {
        let Some(item) = items.iter_mut().find(|i| i.code == code) else {
            continue;
        };
        let mut band = versions[0].clone();
        if let Some((gains, mut lo, mut hi)) = band.fine {
            for v in &versions[1..] {
                if let Some((_, l, h)) = v.fine {
                    lo = lo.max(l);
                    hi = hi.min(h);
                }
            }
            band.fine = Some((gains, lo, hi));
        }
        item.bands.push(band);
    }
    for i in &mut items {
        i.bands.sort_by_key(|b| parse_severity(&b.severity));
    }
    items.retain(|i| !i.bands.is_empty());
    items
}

const SURNAMES: &[&str] = &[
    "王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴", "徐", "孙", "胡", "朱", "高", "林",
    "何", "郭", "马", "罗", "梁", "宋", "郑", "谢", "韩", "唐", "冯", "于", "董", "萧", "程", "曹",
    "袁", "邓", "许", "傅", "沈", "曾", "彭", "吕", "蒋", "骆", "宣", "斯", "寿", "楼",
];
const GIVEN: &[&str] = &[
    "伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛", "明",
    "超", "秀", "霞", "平", "刚", "桂", "华", "建", "国", "文", "红", "海", "波", "燕", "鹏", "浩",
];
const FIRMS: &[&str] = &[
    "华越", "东盛", "金诚", "信达", "恒丰", "宏远", "永兴", "瑞祥", "嘉禾", "天成", "富润", "新亚",
    "振华", "安泰", "海川", "同力", "锦程", "鼎盛", "浣纱", "暨阳",
];
const TRADES: &[(&str, &str)] = &[
    ("袜业有限公司", "91"),
    ("纺织有限公司", "91"),
    ("五金制品有限公司", "91"),
    ("建材商行", "92"),
    ("餐饮店", "92"),
    ("食品商行", "92"),
    ("珍珠饰品有限公司", "91"),
    ("农家乐", "92"),
    ("机械有限公司", "91"),
    ("超市", "92"),
];
/// Divisions of birth for resident ID numbers: Zhuji and its neighbours.
const BIRTH_DIVISIONS: &[&str] = &[
    "330681", "330681", "330681", "330602", "330603", "330604", "330683", "330624",
];
const ORG_ALPHABET: &[u8] = b"0123456789ABCDEFGHJKLMNPQRTUWXY";

fn person(rng: &mut Xoshiro256PlusPlus) -> PartyRecord {
    let name = format!(
        "{}{}{}",
        SURNAMES.choose(rng).copied().unwrap_or("王"),
        GIVEN.choose(rng).copied().unwrap_or("伟"),
        if rng.random_bool(0.6) {
            GIVEN.choose(rng).copied().unwrap_or("")
        } else {
            ""
        }
    );
    let birth = NaiveDate::from_ymd_opt(1960, 1, 1).unwrap_or_default()
        + Days::new(rng.random_range(0..16_000));
    let first17 = format!(
        "{}{}{:03}",
        BIRTH_DIVISIONS.choose(rng).copied().unwrap_or("330681"),
        birth.format("%Y%m%d"),
        rng.random_range(1..1000)
    );
    let check = resident_id::check_character(first17.as_bytes()).unwrap_or('0');
    PartyRecord {
        kind: "person".into(),
        name,
        resident_id: Some(format!("{first17}{check}")),
        uscc: None,
        address: None,
        phone: None,
        legal_representative: None,
    }
}

/// A valid unified social credit code of registration class `class` (91: company) in Zhuji.
pub(crate) fn valid_uscc(rng: &mut Xoshiro256PlusPlus, class: &str) -> String {
    let body: String = (0..8)
        .map(|_| char::from(ORG_ALPHABET[rng.random_range(0..ORG_ALPHABET.len())]))
        .collect();
    let org = format!("{body}{}", uscc::org_check_character(&body).unwrap_or('0'));
    let first17 = format!("{class}330681{org}");
    let check = uscc::check_character(&first17).unwrap_or('0');
    format!("{first17}{check}")
}

fn organisation(rng: &mut Xoshiro256PlusPlus) -> PartyRecord {
    let (trade, class) = TRADES.choose(rng).copied().unwrap_or(("有限公司", "91"));
    let name = format!(
        "诸暨市{}{}",
        FIRMS.choose(rng).copied().unwrap_or("华越"),
        trade
    );
    PartyRecord {
        kind: "organisation".into(),
        name,
        resident_id: None,
        uscc: Some(valid_uscc(rng, class)),
        address: None,
        phone: None,
        legal_representative: None,
    }
}

/// Kinds of defect, each in about one case in a hundred and more.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Defect {
    None,
    LateDecision,
    OutsideBenchmark,
    InsideDefenceWindow,
    LatePaymentNoSurcharge,
    SummaryOverThreshold,
    ClosedUnpaid,
    DecidedBeforeHearing,
}

fn defect(rng: &mut Xoshiro256PlusPlus) -> Defect {
    match rng.random_range(0..1000) {
        0..20 => Defect::LateDecision,
        20..40 => Defect::OutsideBenchmark,
        40..55 => Defect::InsideDefenceWindow,
        55..70 => Defect::LatePaymentNoSurcharge,
        70..80 => Defect::SummaryOverThreshold,
        80..90 => Defect::ClosedUnpaid,
        90..100 => Defect::DecidedBeforeHearing,
        _ => Defect::None,
    }
}

/// Writes `count` cases as JSON Lines to `out`; `progress` is told each case written.
pub fn generate(
    count: u64,
    seed: u64,
    out: &mut dyn Write,
    progress: &dyn Fn(u64),
) -> std::io::Result<()> {
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(seed);
    let cal = Calendar::embedded();
    let items = items();
    let towns = fazhi_kernel::ids::division::zhuji_towns();
    // Each town takes up only some of the items delegated to it (the seed: 73.79% on average).
    let takes_up: Vec<Vec<bool>> = towns
        .iter()
        .map(|_| {
            items
                .iter()
                .map(|i| i.delegated && rng.random_bool(0.74))
                .collect()
        })
        .collect();
    let issuer: HashMap<&str, &str> = CITY_DEPARTMENTS.iter().copied().collect();
    let mut numbers: HashMap<(String, i32), u32> = HashMap::new();
    let span = (as_of() - first_filing()).num_days() as u64;
    for n in 0..count {
        let item_ix = rng.random_range(0..items.len());
        let item = &items[item_ix];
        let town_ix = rng.random_range(0..towns.len());
        let (town_code, town_name) = towns[town_ix];
        let by_town = item.delegated && takes_up[town_ix][item_ix] && rng.random_bool(0.45);
        let (department, abbr) = if by_town {
            (town_office(town_name), town_name.to_string())
        } else {
            (
                item.department.clone(),
                issuer
                    .get(item.department.as_str())
                    .copied()
                    .unwrap_or("诸")
                    .to_string(),
            )
        };
        let defect = defect(&mut rng);
        let filed = first_filing() + Days::new(rng.random_range(0..=span));
        let discovered = filed - Days::new(rng.random_range(0..8));
        let act_ended = discovered - Days::new(rng.random_range(0..90));
        let party = if rng.random_bool(0.55) {
            person(&mut rng)
        } else {
            organisation(&mut rng)
        };
        let is_person = party.kind == "person";
        let band = item.bands[rng.random_range(0..item.bands.len())].clone();
        let pledge = item.minor_pledge && rng.random_bool(0.12);
        let gains = Fen(rng.random_range(50..2_000) * 10_000);
        // On the spot (art. 51): a warning, or a fine up to 200 / 3,000 yuan.
        let cap = if is_person { 20_000 } else { 300_000 };
        // The grade's range in fen, in whole hundreds of yuan as decisions are written.
        let range = band.fine.map(|(times, lo, hi)| {
            let (lo, hi) = if times {
                (gains.0 * lo / 100, gains.0 * hi / 100)
            } else {
                (lo, hi)
            };
            let step = 10_000;
            let lo_r = ((lo + step - 1) / step).max(1) * step;
            if lo_r <= hi {
                (lo_r, hi / step * step)
            } else {
                (lo.max(1), hi.max(1))
            }
        });
        let summary_fits = !pledge && range.is_none_or(|(lo, _)| lo <= cap);
        let summary = defect == Defect::SummaryOverThreshold
            || (defect == Defect::None && summary_fits && rng.random_bool(0.2));
        let (outcome, mut fine) = match (pledge, range) {
            (true, _) => ("no_penalty", 0),
            (false, None) if band.warning => ("warning", 0),
            (false, None) => ("no_penalty", 0),
            (false, Some((lo, hi))) => {
                let hi = if summary { hi.min(cap).max(lo) } else { hi };
                let step = if hi - lo >= 10_000 { 10_000 } else { 1 };
                ("fine", rng.random_range(lo / step..=hi / step) * step)
            }
        };
        if defect == Defect::SummaryOverThreshold {
            fine = cap + 50_000;
        }
        if defect == Defect::OutsideBenchmark && outcome == "fine" {
            fine = fine * 3 / 2 + 100_000;
        }
        let outcome = if summary && fine > 0 { "fine" } else { outcome };
        let facts = FactsRecord {
            severity: if pledge {
                "轻微".into()
            } else {
                band.severity.clone()
            },
            first_offence: rng.random_bool(0.7),
            corrected_in_time: pledge || rng.random_bool(0.5),
            no_harm: pledge,
            slight_harm: false,
            mitigating_listed: false,
            lighter: Vec::new(),
            heavier: Vec::new(),
        };
        let mut r = CaseRecord {
            source_system: SOURCE_SYSTEM.into(),
            source_id: format!("S{seed}-{n:08}"),
            procedure: if summary { "summary" } else { "general" }.into(),
            item_code: item.code.clone(),
            cause: format!("{}案", item.name),
            department,
            town: Some(town_code.to_string()),
            act_ended_on: act_ended.to_string(),
            discovered_on: discovered.to_string(),
            filed_on: filed.to_string(),
            parties: vec![party],
            facts: Some(facts),
            illegal_gains_fen: if matches!(band.fine, Some((true, _, _))) {
                gains.0
            } else {
                0
            },
            ..CaseRecord::default()
        };
        let happened = |d: NaiveDate| (d <= as_of()).then(|| d.to_string());
        let decided = if summary {
            Some(filed)
        } else {
            let notice = filed + Days::new(rng.random_range(7..40));
            let big = fine >= if is_person { 1_000_000 } else { 5_000_000 };
            r.hearing_right = big;
            r.waived = !big && rng.random_bool(0.15);
            r.hearing_requested = big && rng.random_bool(0.3);
            let review = big || rng.random_bool(0.25);
            if review {
                r.legal_review_on = happened(notice - Days::new(rng.random_range(1..5)));
            }
            r.prior_notice_on = happened(notice);
            let window_end = cal.add_working_days(notice, 5);
            let mut d = if r.waived {
                notice + Days::new(rng.random_range(1..5))
            } else {
                window_end + Days::new(rng.random_range(1..20))
            };
            if r.hearing_requested {
                let held = cal.add_working_days(notice, 5 + 7 + rng.random_range(0..10));
                if defect == Defect::DecidedBeforeHearing {
                    d = held - Days::new(1);
                } else {
                    r.hearing_held_on = happened(held);
                    d = held + Days::new(rng.random_range(3..15));
                }
            }
            if defect == Defect::InsideDefenceWindow && !r.waived {
                d = notice + Days::new(2);
            }
            if defect == Defect::LateDecision {
                d = filed + Days::new(rng.random_range(95..150));
            } else if (d - filed).num_days() > 88 {
                d = filed + Days::new(88);
            }
            (r.prior_notice_on.is_some()).then_some(d)
        };
        if let Some(dec) = decided.filter(|d| *d <= as_of()) {
            r.decided_on = Some(dec.to_string());
            r.outcome = Some(outcome.into());
            r.fine_fen = if outcome == "fine" { fine } else { 0 };
            // Illegal gains are confiscated with the penalty (art. 28).
            if outcome != "no_penalty" {
                r.confiscated_fen = r.illegal_gains_fen;
            }
            let year = dec.year();
            let seq = numbers.entry((abbr.clone(), year)).or_insert(0);
            *seq += 1;
            r.decision_number = Some(format!(
                "{abbr}{}〔{year}〕{seq}号",
                if outcome == "no_penalty" {
                    "不罚"
                } else {
                    "罚"
                }
            ));
            let delivered = if summary {
                dec
            } else {
                cal.add_working_days(dec, rng.random_range(0..6))
            };
            r.delivered_on = happened(delivered);
            let mut end = delivered;
            if outcome == "fine" && r.delivered_on.is_some() {
                let due = delivered + Days::new(15);
                let paid = if defect == Defect::LatePaymentNoSurcharge {
                    Some(due + Days::new(rng.random_range(5..30)))
                } else if defect == Defect::ClosedUnpaid {
                    None
                } else if rng.random_bool(0.04) {
                    let late = due + Days::new(rng.random_range(1..20));
                    r.surcharge_fen = super::rules::late_payment_surcharge(Fen(fine), due, late).0;
                    Some(late)
                } else {
                    Some(delivered + Days::new(rng.random_range(0..15)))
                };
                if let Some(p) = paid.filter(|p| *p <= as_of()) {
                    r.paid_on = Some(p.to_string());
                    r.paid_fen = fine + r.surcharge_fen;
                    end = p;
                } else {
                    r.surcharge_fen = 0;
                    if defect != Defect::ClosedUnpaid {
                        end = as_of() + Days::new(1);
                    }
                }
            }
            if r.delivered_on.is_some() {
                let closed = end + Days::new(rng.random_range(1..12));
                r.closed_on = happened(closed);
                if r.closed_on.is_some() {
                    r.archived_on = happened(closed + Days::new(rng.random_range(1..30)));
                }
            }
        }
        serde_json::to_writer(&mut *out, &r)?;
        out.write_all(b"\n")?;
        progress(n + 1);
    }
    out.flush()
}

#[cfg(test)]
mod tests {
    use super::*;
    use fazhi_kernel::ids::{ResidentId, Uscc};

    fn lines(count: u64, seed: u64) -> Vec<CaseRecord> {
        let mut out = Vec::new();
        generate(count, seed, &mut out, &|_| {}).unwrap();
        String::from_utf8(out)
            .unwrap()
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect()
    }

    #[test]
    fn deterministic_for_a_seed_and_different_across_seeds() {
        assert_eq!(lines(200, 7), lines(200, 7));
        assert_ne!(lines(50, 7), lines(50, 8));
    }

    #[test]
    fn identifiers_are_valid_and_dates_in_order() {
        for r in lines(2_000, 1) {
            for p in &r.parties {
                match p.kind.as_str() {
                    "person" => {
                        ResidentId::parse(p.resident_id.as_deref().unwrap()).unwrap();
                    }
                    _ => {
                        Uscc::parse(p.uscc.as_deref().unwrap()).unwrap();
                    }
                }
            }
            let d =
                |s: &Option<String>| s.as_deref().map(|s| fazhi_kernel::date::parse(s).unwrap());
            let filed = fazhi_kernel::date::parse(&r.filed_on).unwrap();
            assert!(r.act_ended_on <= r.discovered_on && r.discovered_on <= r.filed_on);
            if let Some(dec) = d(&r.decided_on) {
                assert!(dec >= filed);
                assert!(d(&r.delivered_on).is_none_or(|x| x >= dec));
                assert!(d(&r.paid_on).is_none_or(|x| x >= dec));
            }
            assert!(d(&r.archived_on).is_none_or(|a| d(&r.closed_on).is_some_and(|c| a >= c)));
        }
    }

    #[test]
    fn most_cases_keep_the_law_and_some_do_not() {
        let cal = Calendar::embedded();
        let all = lines(5_000, 3);
        let late = all
            .iter()
            .filter(|r| {
                r.decided_on.as_deref().is_some_and(|d| {
                    let f = fazhi_kernel::date::parse(&r.filed_on).unwrap();
                    let d = fazhi_kernel::date::parse(d).unwrap();
                    (d - f).num_days() > 90
                })
            })
            .count();
        let early = all
            .iter()
            .filter(|r| match (&r.prior_notice_on, &r.decided_on) {
                (Some(n), Some(d)) if !r.waived => {
                    let n = fazhi_kernel::date::parse(n).unwrap();
                    let d = fazhi_kernel::date::parse(d).unwrap();
                    d <= cal.add_working_days(n, 5)
                }
                _ => false,
            })
            .count();
        // About 2% and 1.5% of cases: present, but a small share.
        assert!((40..250).contains(&late), "late decisions: {late}");
        assert!(
            (20..200).contains(&early),
            "decisions inside the window: {early}"
        );
        let by_town = all
            .iter()
            .filter(|r| r.department.ends_with("人民政府") || r.department.ends_with("办事处"))
            .count();
        assert!(by_town > 100, "towns handle delegated items: {by_town}");
    }
}
