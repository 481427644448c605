//! Synthetic inspection tasks (`fazhi generate inspection-tasks`): a quarter's pending tasks of
//! eighteen departments over a city's entities, and each department's officers per working day,
//! in the planner's input format. Realistic in shape: most entities have one to three tasks and
//! a few (supermarkets, hazardous-chemical sites) many; windows are the whole quarter, one month
//! or a fortnight; inspections need two officers, some three or four; each department's
//! capacity is its average daily demand and a tenth, so peaks bind. The same
//! seed gives the same tasks (xoshiro256++).

use std::collections::BTreeMap;

use chrono::{Days, NaiveDate};
use fazhi_kernel::calendar::Calendar;
use rand::rngs::Xoshiro256PlusPlus;
use rand::{RngExt, SeedableRng};

use super::planner::TaskLine;
use crate::enforcement::synthetic::valid_uscc;

/// Department codes and how many of the tasks each submits (weights).
const DEPARTMENTS: [(&str, u32); 18] = [
    ("SJ", 20), // 市场监督管理局
    ("ZH", 14), // 综合行政执法局
    ("YJ", 10), // 应急管理局
    ("XF", 8),  // 消防救援大队
    ("WJ", 7),  // 卫生健康局
    ("HB", 7),  // 生态环境分局
    ("JT", 6),  // 交通运输局
    ("NY", 4),  // 农业农村局
    ("ZJ", 5),  // 住房和城乡建设局
    ("SL", 3),  // 水利局
    ("RS", 3),  // 人力资源和社会保障局
    ("SW", 3),  // 商务局
    ("WG", 3),  // 文化广电旅游局
    ("ZR", 2),  // 自然资源和规划局
    ("GA", 2),  // 公安局
    ("SWJ", 1), // 税务局
    ("MZ", 1),  // 民族宗教事务局
    ("JY", 1),  // 教育体育局
];

/// Each department's officers per working day, as a share of its average daily demand.
const MARGIN_PERCENT: u64 = 110;

fn quarter() -> (NaiveDate, NaiveDate) {
    (
        NaiveDate::from_ymd_opt(2024, 4, 1).unwrap_or_default(),
        NaiveDate::from_ymd_opt(2024, 6, 30).unwrap_or_default(),
    )
}

/// `tasks` tasks over `entities` entities, and the capacity file.
pub fn generate(
    entities: usize,
    tasks: usize,
    seed: u64,
) -> (Vec<TaskLine>, BTreeMap<String, u32>) {
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(seed);
    let codes: Vec<String> = (0..entities.max(1))
        .map(|_| valid_uscc(&mut rng, "91"))
        .collect();
    let total_weight: u32 = DEPARTMENTS.iter().map(|(_, w)| w).sum();
    let (start, end) = quarter();
    let quarter_days = (end - start).num_days() as u64;
    let mut demand: BTreeMap<String, u64> = BTreeMap::new();
    let mut out = Vec::with_capacity(tasks);
    for n in 0..tasks {
        // Every entity has a task; the rest go mostly to the busiest fifth.
        let entity = if n < codes.len() {
            n
        } else if rng.random_range(0..10) < 7 {
            rng.random_range(0..codes.len().div_ceil(5))
        } else {
            rng.random_range(0..codes.len())
        };
        let mut pick = rng.random_range(0..total_weight);
        let (dept, _) = DEPARTMENTS
            .iter()
            .find(|(_, w)| {
                if pick < *w {
                    true
                } else {
                    pick -= w;
                    false
                }
            })
            .copied()
            .unwrap_or(DEPARTMENTS[0]);
        let (from, to) = match rng.random_range(0..20) {
            0..8 => (start, end),
            8..15 => {
                let month = rng.random_range(0..3u32);
                let from = NaiveDate::from_ymd_opt(2024, 4 + month, 1).unwrap_or(start);
                let to = NaiveDate::from_ymd_opt(2024, 5 + month, 1)
                    .and_then(|d| d.pred_opt())
                    .unwrap_or(end);
                (from, to)
            }
            _ => {
                let from = start + Days::new(rng.random_range(0..quarter_days - 13));
                (from, from + Days::new(13))
            }
        };
        let officers = match rng.random_range(0..20) {
            0..16 => 2,
            16..19 => 3,
            _ => 4,
        };
        *demand.entry(dept.to_string()).or_default() += u64::from(officers);
        let items = (0..rng.random_range(1..=3))
            .map(|_| format!("{dept}-{:03}", rng.random_range(1..=40)))
            .collect();
        out.push(TaskLine {
            id: format!("t{n}"),
            entity: codes[entity].clone(),
            department: dept.to_string(),
            items,
            from: from.to_string(),
            to: to.to_string(),
            officers,
        });
    }
    let cal = Calendar::embedded();
    let working = start
        .iter_days()
        .take_while(|d| *d <= end)
        .filter(|d| cal.is_workday(*d))
        .count()
        .max(1) as u64;
    // The average daily demand and a margin, and never fewer than two pairs.
    let capacity = DEPARTMENTS
        .iter()
        .map(|(code, _)| {
            let need = demand.get(*code).copied().unwrap_or(0);
            let per_day = (need * MARGIN_PERCENT).div_ceil(working * 100).max(4);
            (code.to_string(), u32::try_from(per_day).unwrap_or(u32::MAX))
        })
        .collect();
    (out, capacity)
}
