//! Discretion benchmarks (裁量基准) and the engine that, given a case's facts, recommends the
//! outcome and the fine range and says why: which entry, which version, which legal basis.
//! Versions are dated; the lighter of the version in force at the act and the one in force at the
//! decision applies (从旧兼从轻, 行政处罚法 art. 37). A decision outside the recommendation needs a
//! written reason and is flagged for supervision.

use chrono::NaiveDate;
use fazhi_kernel::money::Fen;
use serde::Serialize;

/// 违法情节.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    Minor,
    Ordinary,
    Serious,
    Grave,
}

impl Severity {
    pub fn label_zh(self) -> &'static str {
        match self {
            Severity::Minor => "轻微",
            Severity::Ordinary => "一般",
            Severity::Serious => "较重",
            Severity::Grave => "严重",
        }
    }
}

/// How a grade sets the fine: a fixed range, or a range of multiples of the illegal gains
/// (in hundredths: 150 = 1.5 times).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FineRule {
    Fixed {
        min: Fen,
        max: Fen,
    },
    TimesGains {
        min_hundredths: i64,
        max_hundredths: i64,
    },
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Band {
    pub severity: Severity,
    /// The circumstances of this grade, as the benchmark words them.
    pub circumstances: String,
    pub warning: bool,
    pub fine: Option<FineRule>,
}

/// The seed's three lists (轻微违法告知承诺制 67, 首次违法预警提示 29, 减轻处罚 18 entries in Zhuji).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ListKind {
    /// 不予处罚: minor, corrected in time, no harm (art. 33 para. 1: mandatory).
    MinorViolationPledge,
    /// 首违不罚: first violation, slight harm, corrected in time (art. 33 para. 1: may waive).
    FirstOffenceWarning,
    /// 减轻处罚: below the legal minimum, with the listed circumstance (art. 32).
    Mitigated,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ListEntry {
    pub list: ListKind,
    pub circumstances: String,
    /// For `Mitigated`: the range below the legal minimum.
    pub fine: Option<FineRule>,
}

/// One version of an item's benchmark.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Benchmark {
    pub item_code: String,
    pub effective_from: NaiveDate,
    /// The legal basis of the penalty (law and article).
    pub basis: String,
    pub grades: Vec<Band>,
    pub lists: Vec<ListEntry>,
}

/// The facts the engine looks at.
#[derive(Clone, Debug)]
pub struct Facts {
    pub severity: Severity,
    pub first_offence: bool,
    pub corrected_in_time: bool,
    /// No harmful consequences (轻微 and 无危害后果).
    pub no_harm: bool,
    /// Slight harmful consequences (危害后果轻微).
    pub slight_harm: bool,
    /// Whether the circumstance of the mitigated list applies.
    pub mitigating_listed: bool,
    /// 从轻 factors found; put the fine in the lower part of the range.
    pub lighter: Vec<String>,
    /// 从重 factors found; put the fine in the upper part of the range.
    pub heavier: Vec<String>,
    pub illegal_gains: Fen,
    pub act_on: NaiveDate,
    pub decide_on: NaiveDate,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Recommended {
    /// 不予行政处罚.
    NoPenalty,
    Warning,
    /// A fine in this range (and a warning, when the grade says so).
    Fine {
        min: Fen,
        max: Fen,
        warning: bool,
    },
}

impl Recommended {
    /// For comparing two outcomes: (kind order, upper bound, lower bound).
    fn weight(&self) -> (u8, i64, i64) {
        match self {
            Recommended::NoPenalty => (0, 0, 0),
            Recommended::Warning => (1, 0, 0),
            Recommended::Fine { min, max, .. } => (2, max.0, min.0),
        }
    }

    pub fn describe(&self) -> String {
        match self {
            Recommended::NoPenalty => "不予行政处罚".into(),
            Recommended::Warning => "警告".into(),
            Recommended::Fine { min, max, warning } => format!(
                "{}罚款 {min} 至 {max}",
                if *warning { "警告并" } else { "" }
            ),
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Recommendation {
    pub outcome: Recommended,
    /// The version applied.
    pub effective_from: NaiveDate,
    pub basis: String,
    /// Each step of the reasoning, in Chinese, for the case file and the decision.
    pub explanation: Vec<String>,
    pub lenient_transition: bool,
}

fn fine_range(rule: FineRule, gains: Fen) -> (Fen, Fen) {
    match rule {
        FineRule::Fixed { min, max } => (min, max),
        FineRule::TimesGains {
            min_hundredths,
            max_hundredths,
        } => (
            Fen(gains.0.saturating_mul(min_hundredths) / 100),
            Fen(gains.0.saturating_mul(max_hundredths) / 100),
        ),
    }
}

/// The version in force on `on`: the latest that took effect on or before it.
pub fn version_on(versions: &[Benchmark], on: NaiveDate) -> Option<&Benchmark> {
    versions
        .iter()
        .filter(|b| b.effective_from <= on)
        .max_by_key(|b| b.effective_from)
}

/// The lowest and highest fine any band or list entry of the version in force on `on` allows
/// (the mitigated list reaching below the legal minimum included): a proposed or decided fine
/// outside it is outside every recommendation, whatever the facts. None without a version or
/// without fines.
pub fn fine_span(versions: &[Benchmark], on: NaiveDate, gains: Fen) -> Option<(Fen, Fen)> {
    let b = version_on(versions, on)?;
    b.grades
        .iter()
        .filter_map(|g| g.fine)
        .chain(b.lists.iter().filter_map(|l| l.fine))
        .map(|r| fine_range(r, gains))
        .reduce(|(lo, hi), (l, h)| (lo.min(l), hi.max(h)))
}

/// Recommends under one version.
fn under(b: &Benchmark, f: &Facts) -> Result<Recommendation, String> {
    let mut why = vec![format!(
        "适用 {} 起施行的裁量基准（依据：{}）。",
        b.effective_from, b.basis
    )];
    let listed = |kind: ListKind| b.lists.iter().find(|e| e.list == kind);
    if let Some(e) = listed(ListKind::MinorViolationPledge)
        .filter(|_| f.severity == Severity::Minor && f.corrected_in_time && f.no_harm)
    {
        why.push(format!("符合轻微违法告知承诺制清单：{}；违法行为轻微并及时改正，没有造成危害后果，依法不予行政处罚（《行政处罚法》第三十三条第一款）。", e.circumstances));
        return Ok(Recommendation {
            outcome: Recommended::NoPenalty,
            effective_from: b.effective_from,
            basis: b.basis.clone(),
            explanation: why,
            lenient_transition: false,
        });
    }
    if let Some(e) = listed(ListKind::FirstOffenceWarning)
        .filter(|_| f.first_offence && f.corrected_in_time && (f.slight_harm || f.no_harm))
    {
        why.push(format!("符合首次违法预警提示清单：{}；初次违法且危害后果轻微并及时改正，可以不予行政处罚（《行政处罚法》第三十三条第一款），建议不予处罚并予以教育。", e.circumstances));
        return Ok(Recommendation {
            outcome: Recommended::NoPenalty,
            effective_from: b.effective_from,
            basis: b.basis.clone(),
            explanation: why,
            lenient_transition: false,
        });
    }
    if let Some(e) = listed(ListKind::Mitigated).filter(|_| f.mitigating_listed)
        && let Some(rule) = e.fine
    {
        let (min, max) = fine_range(rule, f.illegal_gains);
        why.push(format!(
            "符合减轻处罚清单：{}；依法减轻处罚（《行政处罚法》第三十二条），罚款 {min} 至 {max}。",
            e.circumstances
        ));
        return Ok(Recommendation {
            outcome: Recommended::Fine {
                min,
                max,
                warning: false,
            },
            effective_from: b.effective_from,
            basis: b.basis.clone(),
            explanation: why,
            lenient_transition: false,
        });
    }
    let grade = b
        .grades
        .iter()
        .find(|g| g.severity == f.severity)
        .ok_or_else(|| {
            format!(
                "裁量基准（{} 版）未规定“{}”情节的处罚幅度。",
                b.effective_from,
                f.severity.label_zh()
            )
        })?;
    why.push(format!(
        "违法情节为“{}”：{}。",
        grade.severity.label_zh(),
        grade.circumstances
    ));
    let outcome = match grade.fine {
        None if grade.warning => Recommended::Warning,
        None => Recommended::NoPenalty,
        Some(rule) => {
            let (mut min, mut max) = fine_range(rule, f.illegal_gains);
            if rule_is_gains(rule) {
                why.push(format!(
                    "违法所得 {}，罚款为其倍数：{min} 至 {max}。",
                    f.illegal_gains
                ));
            }
            let middle = Fen(min.0 + (max.0 - min.0) / 2);
            match (f.lighter.is_empty(), f.heavier.is_empty()) {
                (false, true) => {
                    why.push(format!(
                        "有从轻情节（{}），在幅度的下半部分裁量。",
                        f.lighter.join("、")
                    ));
                    max = middle;
                }
                (true, false) => {
                    why.push(format!(
                        "有从重情节（{}），在幅度的上半部分裁量。",
                        f.heavier.join("、")
                    ));
                    min = middle;
                }
                (false, false) => why.push(format!(
                    "同时有从轻情节（{}）和从重情节（{}），在全幅度内综合裁量。",
                    f.lighter.join("、"),
                    f.heavier.join("、")
                )),
                (true, true) => {}
            }
            Recommended::Fine {
                min,
                max,
                warning: grade.warning,
            }
        }
    };
    Ok(Recommendation {
        outcome,
        effective_from: b.effective_from,
        basis: b.basis.clone(),
        explanation: why,
        lenient_transition: false,
    })
}

fn rule_is_gains(rule: FineRule) -> bool {
    matches!(rule, FineRule::TimesGains { .. })
}

/// Recommends the outcome for `facts` from an item's benchmark versions, applying 从旧兼从轻:
/// the version in force at the act, unless the version in force at the decision is lighter.
pub fn recommend(versions: &[Benchmark], facts: &Facts) -> Result<Recommendation, String> {
    let at_act = version_on(versions, facts.act_on)
        .ok_or_else(|| format!("违法行为发生时（{}）该事项尚无裁量基准。", facts.act_on))?;
    let old = under(at_act, facts)?;
    let Some(at_decision) =
        version_on(versions, facts.decide_on).filter(|v| v.effective_from != at_act.effective_from)
    else {
        return Ok(old);
    };
    let new = under(at_decision, facts)?;
    if new.outcome.weight() < old.outcome.weight() {
        let mut r = new;
        r.lenient_transition = true;
        r.explanation.insert(
            0,
            format!(
                "违法行为发生时适用 {} 版基准（{}），作出决定时适用 {} 版基准（{}）；新基准较轻，依《行政处罚法》第三十七条从旧兼从轻，适用新基准。",
                at_act.effective_from,
                old.outcome.describe(),
                at_decision.effective_from,
                r.outcome.describe()
            ),
        );
        Ok(r)
    } else {
        let mut r = old;
        r.explanation.insert(
            0,
            format!(
                "违法行为发生时的 {} 版基准不重于决定时的 {} 版基准，依《行政处罚法》第三十七条适用违法行为发生时的规定。",
                at_act.effective_from, at_decision.effective_from
            ),
        );
        Ok(r)
    }
}

/// Whether a decided outcome lies within the recommendation. Outside it, the decision needs a
/// written reason and is flagged for supervision.
pub fn within(rec: &Recommendation, decided: &Recommended) -> bool {
    match (&rec.outcome, decided) {
        (
            Recommended::Fine { min, max, .. },
            Recommended::Fine {
                min: d, max: d2, ..
            },
        ) => d >= min && d2 <= max,
        (a, b) => a == b,
    }
}

/// Whether a decision lies within the discretion benchmark, as stored on the case.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DiscretionCheck {
    /// No facts, or no benchmark for the item: nothing to compare with.
    Unchecked,
    Within,
    Outside,
}

impl DiscretionCheck {
    pub fn code(self) -> &'static str {
        match self {
            DiscretionCheck::Unchecked => "unchecked",
            DiscretionCheck::Within => "within",
            DiscretionCheck::Outside => "outside",
        }
    }
    /// The stored code back; anything unknown counts as not compared.
    pub fn from_code(code: &str) -> DiscretionCheck {
        match code {
            "within" => DiscretionCheck::Within,
            "outside" => DiscretionCheck::Outside,
            _ => DiscretionCheck::Unchecked,
        }
    }
    pub fn label_zh(self) -> &'static str {
        match self {
            DiscretionCheck::Unchecked => "未比对",
            DiscretionCheck::Within => "符合裁量基准",
            DiscretionCheck::Outside => "偏离裁量基准",
        }
    }
}

/// Checks a decided outcome against the benchmark versions of its item: the verdict and the
/// recommendation's description (or why there is none).
pub fn check_discretion(
    versions: &[Benchmark],
    facts: &Facts,
    outcome: &str,
    fine: Fen,
) -> (DiscretionCheck, String) {
    if versions.is_empty() {
        return (DiscretionCheck::Unchecked, "该事项尚无裁量基准。".into());
    }
    match recommend(versions, facts) {
        Ok(rec) => {
            let decided = match outcome {
                "fine" => Recommended::Fine {
                    min: fine,
                    max: fine,
                    warning: false,
                },
                "warning" => Recommended::Warning,
                _ => Recommended::NoPenalty,
            };
            let verdict = if within(&rec, &decided) {
                DiscretionCheck::Within
            } else {
                DiscretionCheck::Outside
            };
            (
                verdict,
                format!(
                    "建议{}（{} 版基准，{}）",
                    rec.outcome.describe(),
                    rec.effective_from,
                    rec.basis
                ),
            )
        }
        Err(why) => (DiscretionCheck::Unchecked, why),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        fazhi_kernel::date::parse(s).unwrap()
    }

    fn yuan(y: i64) -> Fen {
        Fen::from_yuan_whole(y)
    }

    /// A benchmark like 产品质量法 art. 49's: fines of 0.5–3 times the goods' value.
    fn v2023() -> Benchmark {
        Benchmark {
            item_code: "A001".into(),
            effective_from: d("2023-01-01"),
            basis: "《中华人民共和国产品质量法》第四十九条".into(),
            grades: vec![
                Band {
                    severity: Severity::Minor,
                    circumstances: "货值较小，及时改正".into(),
                    warning: true,
                    fine: None,
                },
                Band {
                    severity: Severity::Ordinary,
                    circumstances: "货值一万元以下".into(),
                    warning: false,
                    fine: Some(FineRule::Fixed {
                        min: yuan(2_000),
                        max: yuan(10_000),
                    }),
                },
                Band {
                    severity: Severity::Serious,
                    circumstances: "违法所得较大".into(),
                    warning: false,
                    fine: Some(FineRule::TimesGains {
                        min_hundredths: 100,
                        max_hundredths: 300,
                    }),
                },
            ],
            lists: vec![
                ListEntry {
                    list: ListKind::MinorViolationPledge,
                    circumstances: "首次销售少量标识不全产品".into(),
                    fine: None,
                },
                ListEntry {
                    list: ListKind::Mitigated,
                    circumstances: "主动消除危害后果".into(),
                    fine: Some(FineRule::Fixed {
                        min: yuan(500),
                        max: yuan(2_000),
                    }),
                },
            ],
        }
    }

    fn v2025() -> Benchmark {
        let mut b = v2023();
        b.effective_from = d("2025-01-01");
        b.grades[1].fine = Some(FineRule::Fixed {
            min: yuan(1_000),
            max: yuan(5_000),
        });
        b
    }

    fn facts(severity: Severity) -> Facts {
        Facts {
            severity,
            first_offence: false,
            corrected_in_time: false,
            no_harm: false,
            slight_harm: false,
            mitigating_listed: false,
            lighter: Vec::new(),
            heavier: Vec::new(),
            illegal_gains: yuan(4_000),
            act_on: d("2024-06-01"),
            decide_on: d("2024-08-01"),
        }
    }

    #[test]
    fn a_grade_gives_its_range_and_factors_narrow_it() {
        let r = recommend(&[v2023()], &facts(Severity::Ordinary)).unwrap();
        assert_eq!(
            r.outcome,
            Recommended::Fine {
                min: yuan(2_000),
                max: yuan(10_000),
                warning: false
            }
        );
        assert!(r.explanation.iter().any(|e| e.contains("一般")));
        let mut f = facts(Severity::Ordinary);
        f.lighter = vec!["主动供述".into()];
        assert_eq!(
            recommend(&[v2023()], &f).unwrap().outcome,
            Recommended::Fine {
                min: yuan(2_000),
                max: yuan(6_000),
                warning: false
            }
        );
        let mut f = facts(Severity::Serious);
        f.heavier = vec!["多次违法".into()];
        // 1–3 times gains of 4,000 → 4,000–12,000, upper half 8,000–12,000.
        let r = recommend(&[v2023()], &f).unwrap();
        assert_eq!(
            r.outcome,
            Recommended::Fine {
                min: yuan(8_000),
                max: yuan(12_000),
                warning: false
            }
        );
        assert!(r.explanation.iter().any(|e| e.contains("违法所得")));
    }

    #[test]
    fn the_three_lists_come_first() {
        let mut f = facts(Severity::Minor);
        f.corrected_in_time = true;
        f.no_harm = true;
        let r = recommend(&[v2023()], &f).unwrap();
        assert_eq!(r.outcome, Recommended::NoPenalty);
        assert!(
            r.explanation
                .iter()
                .any(|e| e.contains("轻微违法告知承诺制") && e.contains("第三十三条"))
        );
        let mut f = facts(Severity::Ordinary);
        f.mitigating_listed = true;
        assert_eq!(
            recommend(&[v2023()], &f).unwrap().outcome,
            Recommended::Fine {
                min: yuan(500),
                max: yuan(2_000),
                warning: false
            }
        );
    }

    #[test]
    fn the_lighter_of_old_and_new_applies_and_says_so() {
        // Act in 2024 under the 2023 version (2,000–10,000); decided in 2025 under the lighter
        // 2025 version (1,000–5,000): art. 37 applies the new one.
        let mut f = facts(Severity::Ordinary);
        f.decide_on = d("2025-02-01");
        let r = recommend(&[v2023(), v2025()], &f).unwrap();
        assert!(r.lenient_transition);
        assert_eq!(r.effective_from, d("2025-01-01"));
        assert_eq!(
            r.outcome,
            Recommended::Fine {
                min: yuan(1_000),
                max: yuan(5_000),
                warning: false
            }
        );
        assert!(r.explanation[0].contains("从旧兼从轻"));
        // The other way round (new heavier): the old one stays.
        let mut heavier = v2025();
        heavier.grades[1].fine = Some(FineRule::Fixed {
            min: yuan(5_000),
            max: yuan(20_000),
        });
        let r = recommend(&[v2023(), heavier], &f).unwrap();
        assert!(!r.lenient_transition);
        assert_eq!(r.effective_from, d("2023-01-01"));
        // No benchmark yet at the act: said plainly.
        let mut early = facts(Severity::Ordinary);
        early.act_on = d("2022-01-01");
        assert!(
            recommend(&[v2023()], &early)
                .unwrap_err()
                .contains("尚无裁量基准")
        );
    }

    #[test]
    fn decisions_outside_the_range_are_caught() {
        let r = recommend(&[v2023()], &facts(Severity::Ordinary)).unwrap();
        assert!(within(
            &r,
            &Recommended::Fine {
                min: yuan(5_000),
                max: yuan(5_000),
                warning: false
            }
        ));
        assert!(!within(
            &r,
            &Recommended::Fine {
                min: yuan(20_000),
                max: yuan(20_000),
                warning: false
            }
        ));
        assert!(!within(&r, &Recommended::NoPenalty));
    }
}
