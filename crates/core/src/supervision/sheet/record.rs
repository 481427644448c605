//! The rules over the case record (dates, amounts, parties, approvals), in the sheet's
//! sections: authority, facts, law, procedure, discretion, documents, execution, archive.

use super::*;
use crate::enforcement::case::{Decision, DeliveryMethod};

pub(super) static RULES: &[Rule] = &[
    Rule {
        code: "A01",
        section: Section::Authority,
        description: "案件所涉执法事项在执法事项目录中",
        basis: "《行政处罚法》第十七条、第十八条；执法事项目录",
        deduction: 100,
        veto: true,
        check: Check::Machine(|f, _| {
            (!f.item_known).then(|| "执法事项不在本市执法事项目录中，无法确认执法主体的职权".into())
        }),
    },
    Rule {
        code: "A02",
        section: Section::Authority,
        description: "镇乡（街道）办理的事项在立案之日已赋权给该镇乡（街道）",
        basis: "《行政处罚法》第二十四条",
        deduction: 100,
        veto: true,
        check: Check::Machine(|f, _| {
            f.town_without_delegation.then(|| {
                format!(
                    "镇乡（街道）办理，但立案之日 {} 该事项未赋权给本镇乡（街道）",
                    f.filed_on.map(|d| d.to_string()).unwrap_or_default()
                )
            })
        }),
    },
    Rule {
        code: "B01",
        section: Section::Facts,
        description: "普通程序案件作出决定前查明事实（调查终结，认定的事实）",
        basis: "《行政处罚法》第四十条、第五十四条",
        deduction: 20,
        veto: false,
        check: Check::Machine(|f, _| {
            (f.own && f.general && f.decided_on.is_some() && !f.facts_found)
                .then(|| "已作出决定，但案卷中没有调查认定的事实".into())
        }),
    },
    Rule {
        code: "B02",
        section: Section::Facts,
        description: "普通程序案件作出处罚决定有证据支持",
        basis: "《行政处罚法》第四十条、第四十六条",
        deduction: 20,
        veto: false,
        check: Check::Machine(|f, _| {
            (f.own && f.general && penalised(f) && !f.evidence)
                .then(|| "作出处罚决定，但案卷中没有登记证据".into())
        }),
    },
    Rule {
        code: "B03",
        section: Section::Facts,
        description: "当事人为自然人的，查明其身份证件号码",
        basis: "《行政处罚法》第五十九条第一款第一项；当事人身份的认定",
        deduction: 5,
        veto: false,
        check: Check::Machine(|f, _| {
            (f.persons_without_id > 0)
                .then(|| format!("{} 名自然人当事人没有身份证件号码", f.persons_without_id))
        }),
    },
    Rule {
        code: "B04",
        section: Section::Facts,
        description: "当事人为单位的，查明其统一社会信用代码",
        basis: "《行政处罚法》第五十九条第一款第一项；当事人身份的认定",
        deduction: 5,
        veto: false,
        check: Check::Machine(|f, _| {
            (f.organisations_without_uscc > 0).then(|| {
                format!(
                    "{} 个单位当事人没有统一社会信用代码",
                    f.organisations_without_uscc
                )
            })
        }),
    },
    Rule {
        code: "B05",
        section: Section::Facts,
        description: "办理的案件载明当事人的地址",
        basis: "《行政处罚法》第五十九条第一款第一项",
        deduction: 3,
        veto: false,
        check: Check::Machine(|f, _| {
            (f.own && f.decided_on.is_some() && f.parties_without_address > 0).then(|| {
                format!(
                    "已作出决定，{} 名当事人没有地址（决定书应载明）",
                    f.parties_without_address
                )
            })
        }),
    },
    Rule {
        code: "C01",
        section: Section::Law,
        description: "在追责时效内立案",
        basis: "《行政处罚法》第三十六条",
        deduction: 100,
        veto: true,
        check: Check::Machine(|f, cal| match (f.act_ended_on, f.discovered_on) {
            (Some(act), Some(found)) => rules::limitation(cal, act, found, f.grave).err(),
            _ => None,
        }),
    },
    Rule {
        code: "C02",
        section: Section::Law,
        description: "所依据的规定在违法行为发生时已经施行",
        basis: "《行政处罚法》第三十七条",
        deduction: 20,
        veto: false,
        check: Check::Machine(|f, _| {
            f.item_not_in_force_at_act.then(|| {
                format!(
                    "违法行为终了于 {}，执法事项所依据的规定当时尚未施行",
                    f.act_ended_on.map(|d| d.to_string()).unwrap_or_default()
                )
            })
        }),
    },
    Rule {
        code: "D01",
        section: Section::Procedure,
        description: "日期先后合乎程序（终了、发现、立案、告知、决定、送达、结案、归档）",
        basis: "《行政处罚法》第五章",
        deduction: 10,
        veto: false,
        check: Check::Machine(|f, _| {
            let steps = [
                ("违法行为终了", f.act_ended_on),
                ("发现", f.discovered_on),
                ("立案", f.filed_on),
                ("事先告知", f.prior_notice_on),
                ("决定", f.decided_on),
                ("送达", f.delivered_on),
                ("结案", f.closed_on),
                ("归档", f.archived_on),
            ];
            let dated: Vec<(&str, NaiveDate)> = steps
                .iter()
                .filter_map(|(n, d)| d.map(|d| (*n, d)))
                .collect();
            dated
                .windows(2)
                .find(|w| w[1].1 < w[0].1)
                .map(|w| format!("{}日 {} 早于{}日 {}", w[1].0, w[1].1, w[0].0, w[0].1))
        }),
    },
    Rule {
        code: "D02",
        section: Section::Procedure,
        description: "普通程序案件作出处罚决定前送达事先告知书",
        basis: "《行政处罚法》第四十四条、第六十二条",
        deduction: 100,
        veto: true,
        check: Check::Machine(|f, _| {
            (f.general && penalised(f) && f.decided_on.is_some() && f.prior_notice_on.is_none())
                .then(|| {
                    "作出处罚决定，但没有送达行政处罚事先告知书（第六十二条：不得作出行政处罚决定）"
                        .into()
                })
        }),
    },
    Rule {
        code: "D03",
        section: Section::Procedure,
        description: "陈述、申辩（及要求听证）期限届满后作出决定，当事人书面放弃的除外",
        basis: "《行政处罚法》第四十五条、第六十四条",
        deduction: 15,
        veto: false,
        check: Check::Machine(
            |f, cal| match (f.general, f.prior_notice_on, f.decided_on) {
                (true, Some(notice), Some(decided)) if !f.waived => {
                    let window = due_date(cal, notice, rules::DEFENCE_WINDOW);
                    (decided <= window.due).then(|| {
                    format!(
                        "事先告知书 {notice} 送达，陈述申辩期限至 {} 届满，却于 {decided} 作出决定",
                        window.due
                    )
                })
                }
                _ => None,
            },
        ),
    },
    Rule {
        code: "D04",
        section: Section::Procedure,
        description: "当事人要求听证的，听证后作出决定",
        basis: "《行政处罚法》第六十三条、第六十四条、第六十五条",
        deduction: 100,
        veto: true,
        check: Check::Machine(|f, _| match (f.hearing_requested, f.decided_on) {
            (true, Some(decided)) if !f.waived => match f.hearing_held_on {
                None => Some(format!("当事人要求听证，未举行听证即于 {decided} 作出决定")),
                Some(held) if held > decided => {
                    Some(format!("听证于 {held} 举行，决定却在此前的 {decided} 作出"))
                }
                Some(_) => None,
            },
            _ => None,
        }),
    },
    Rule {
        code: "D05",
        section: Section::Procedure,
        description: "听证通知在举行听证七个工作日前送达",
        basis: "《行政处罚法》第六十四条第二项",
        deduction: 10,
        veto: false,
        check: Check::Machine(|f, cal| match (f.hearing_notice_on, f.hearing_on) {
            (Some(notice), Some(on)) => {
                let earliest = due_date(cal, notice, Period::WorkingDays(7)).due;
                (on < earliest).then(|| {
                    format!(
                        "听证通知 {notice} 送达，听证 {on} 举行，不足七个工作日（最早 {earliest}）"
                    )
                })
            }
            _ => None,
        }),
    },
    Rule {
        code: "D06",
        section: Section::Procedure,
        description: "第五十八条情形作出决定前经法制审核",
        basis: "《行政处罚法》第五十八条",
        deduction: 100,
        veto: true,
        check: Check::Machine(|f, _| {
            let triggered = f.grave || !f.review_triggers.reasons().is_empty();
            (f.general
                && penalised(f)
                && f.decided_on.is_some()
                && triggered
                && f.legal_review_on.is_none())
            .then(|| {
                let mut why = f.review_triggers.reasons();
                if f.grave {
                    why.push("涉及生命健康安全并有危害后果");
                }
                format!(
                    "属于应当法制审核的情形（{}），但未经法制审核即作出决定",
                    why.join("、")
                )
            })
        }),
    },
    Rule {
        code: "D07",
        section: Section::Procedure,
        description: "法制审核在作出决定前完成",
        basis: "《行政处罚法》第五十八条",
        deduction: 15,
        veto: false,
        check: Check::Machine(|f, _| match (f.legal_review_on, f.decided_on) {
            (Some(review), Some(decided)) if review > decided => {
                Some(format!("法制审核 {review} 晚于决定 {decided}"))
            }
            _ => None,
        }),
    },
    Rule {
        code: "D08",
        section: Section::Procedure,
        description: "自立案之日起九十日内作出决定（依法延长的除外）",
        basis: "《行政处罚法》第六十条",
        deduction: 10,
        veto: false,
        check: Check::Machine(|f, _| match (f.general, f.filed_on, f.decided_on) {
            (true, Some(filed), Some(decided)) => {
                let due = f.decision_due.unwrap_or(filed + chrono::Days::new(90));
                (decided > due).then(|| format!("{filed} 立案，{decided} 作出决定，超过期限 {due}"))
            }
            _ => None,
        }),
    },
    Rule {
        code: "D09",
        section: Section::Procedure,
        description: "简易程序限于警告或小额罚款（公民 200 元、单位 3000 元以下）",
        basis: "《行政处罚法》第五十一条",
        deduction: 100,
        veto: true,
        check: Check::Machine(|f, _| {
            if f.general || f.decided_on.is_none() {
                return None;
            }
            let sanction = match f.outcome {
                Some(Decision::Warning) => Sanction::Warning,
                Some(Decision::Fine) => Sanction::Fine(f.fine),
                _ => Sanction::Other,
            };
            let party = if f.parties.contains(&PartyKind::Organisation) {
                PartyKind::Organisation
            } else {
                PartyKind::Person
            };
            rules::summary_procedure(party, sanction).err()
        }),
    },
    Rule {
        code: "D10",
        section: Section::Procedure,
        description: "决定后七个工作日内送达决定书",
        basis: "《行政处罚法》第六十一条",
        deduction: 5,
        veto: false,
        check: Check::Machine(|f, cal| match (f.decided_on, f.delivered_on) {
            (Some(decided), Some(delivered)) if f.general => {
                let due = due_date(cal, decided, Period::WorkingDays(7)).due;
                // By public notice the agency acts when the notice goes out; delivery is deemed
                // 30 days later (民事诉讼法第九十五条).
                let acted = if f.delivery_method == Some(DeliveryMethod::PublicNotice) {
                    delivered
                        .checked_sub_days(chrono::Days::new(
                            crate::enforcement::rules::PUBLIC_NOTICE_DAYS,
                        ))
                        .unwrap_or(delivered)
                } else {
                    delivered
                };
                (acted > due).then(|| format!("{decided} 作出决定，{acted} 才送达，超过期限 {due}"))
            }
            _ => None,
        }),
    },
    Rule {
        code: "D11",
        section: Section::Procedure,
        description: "不予行政处罚决定载明不予处罚的理由",
        basis: "《行政处罚法》第三十三条、第五十七条",
        deduction: 5,
        veto: false,
        check: Check::Machine(|f, _| {
            (f.own && f.outcome == Some(Decision::NoPenalty) && !f.no_penalty_reason)
                .then(|| "作出不予行政处罚决定，但未载明理由".into())
        }),
    },
    Rule {
        code: "D12",
        section: Section::Procedure,
        description: "简易程序当场作出行政处罚决定",
        basis: "《行政处罚法》第五十一条、第五十二条",
        deduction: 5,
        veto: false,
        check: Check::Machine(|f, _| match (f.general, f.filed_on, f.decided_on) {
            (false, Some(filed), Some(decided)) if decided != filed => Some(format!(
                "简易程序案件 {filed} 立案，{decided} 才作出决定，并非当场作出"
            )),
            _ => None,
        }),
    },
    Rule {
        code: "D13",
        section: Section::Procedure,
        description: "法制审核在立案之后",
        basis: "《行政处罚法》第五十八条",
        deduction: 3,
        veto: false,
        check: Check::Machine(|f, _| match (f.filed_on, f.legal_review_on) {
            (Some(filed), Some(review)) if review < filed => {
                Some(format!("法制审核 {review} 早于立案 {filed}"))
            }
            _ => None,
        }),
    },
    Rule {
        code: "D14",
        section: Section::Procedure,
        description: "要求听证的当事人享有听证权利，放弃陈述申辩的不再要求听证",
        basis: "《行政处罚法》第四十四条、第六十三条",
        deduction: 3,
        veto: false,
        check: Check::Machine(|f, _| {
            if f.hearing_requested && !f.hearing_right {
                Some("案件不属于应当告知听证权利的情形，却记载当事人要求听证".into())
            } else if f.hearing_requested && f.waived {
                Some("记载当事人书面放弃陈述申辩，同时又要求听证".into())
            } else {
                None
            }
        }),
    },
    Rule {
        code: "E01",
        section: Section::Discretion,
        description: "处罚在裁量基准建议范围内，或书面说明理由",
        basis: "《行政处罚法》第三十四条；国务院办公厅关于进一步规范行政裁量权基准制定和管理工作的意见",
        deduction: 15,
        veto: false,
        check: Check::Machine(|f, _| {
            (f.discretion == "outside"
                && f.deviation_reason
                    .as_deref()
                    .is_none_or(|r| r.trim().is_empty()))
            .then(|| "处罚超出裁量基准建议，且未书面说明理由".into())
        }),
    },
    Rule {
        code: "E02",
        section: Section::Discretion,
        description: "罚款决定载明罚款数额",
        basis: "《行政处罚法》第五十九条第一款第四项",
        deduction: 10,
        veto: false,
        check: Check::Machine(|f, _| {
            (fined(f) && f.decided_on.is_some() && f.fine.0 <= 0)
                .then(|| "决定罚款，但罚款数额为零".into())
        }),
    },
    Rule {
        code: "E03",
        section: Section::Discretion,
        description: "警告或不予处罚的决定不含罚款",
        basis: "《行政处罚法》第九条、第三十三条",
        deduction: 10,
        veto: false,
        check: Check::Machine(|f, _| match f.outcome {
            Some(o @ (Decision::Warning | Decision::NoPenalty)) if f.fine.0 > 0 => Some(format!(
                "{}决定却记载罚款 {}",
                if o == Decision::Warning {
                    "警告"
                } else {
                    "不予处罚"
                },
                f.fine
            )),
            _ => None,
        }),
    },
    Rule {
        code: "F01",
        section: Section::Documents,
        description: "作出决定的案件有决定书文号",
        basis: "行政执法文书规范",
        deduction: 5,
        veto: false,
        check: Check::Machine(|f, _| {
            (f.decided_on.is_some()
                && f.general
                && f.decision_number
                    .as_deref()
                    .is_none_or(|n| n.trim().is_empty()))
            .then(|| "已作出决定，但没有决定书文号".into())
        }),
    },
    Rule {
        code: "F02",
        section: Section::Documents,
        description: "决定书文号的年份与决定日期一致",
        basis: "行政执法文书规范",
        deduction: 3,
        veto: false,
        check: Check::Machine(|f, _| {
            use chrono::Datelike;
            let (number, decided) = (f.decision_number.as_deref()?, f.decided_on?);
            let year = year_in_number(number)?;
            (year != decided.year())
                .then(|| format!("文号 {number} 的年份与决定日期 {decided} 不一致"))
        }),
    },
    Rule {
        code: "F03",
        section: Section::Documents,
        description: "当事人为单位的，载明法定代表人（负责人）",
        basis: "《行政处罚法》第五十九条",
        deduction: 3,
        veto: false,
        check: Check::Machine(|f, _| {
            (f.own && f.decided_on.is_some() && f.organisations_without_representative > 0).then(
                || {
                    format!(
                        "{} 个单位当事人未载明法定代表人",
                        f.organisations_without_representative
                    )
                },
            )
        }),
    },
    Rule {
        code: "F04",
        section: Section::Documents,
        description: "决定书文号以办案机关的机关代字开头",
        basis: "《党政机关公文格式》（GB/T 9704）发文字号；行政执法文书规范",
        deduction: 5,
        veto: false,
        check: Check::Machine(|f, _| match (&f.decision_number, &f.department_abbr) {
            (Some(number), Some(abbr)) if !number.starts_with(abbr.as_str()) => {
                Some(format!("决定书文号 {number} 不以本机关代字“{abbr}”开头"))
            }
            _ => None,
        }),
    },
    Rule {
        code: "F05",
        section: Section::Documents,
        description: "事先告知书有文号，且文号年份与告知日期一致",
        basis: "行政执法文书规范",
        deduction: 3,
        veto: false,
        check: Check::Machine(
            |f, _| match (f.own, f.prior_notice_on, &f.prior_notice_number) {
                (true, Some(_), None) => Some("已事先告知，但告知书没有文号".into()),
                (_, Some(on), Some(number)) => year_in_number(number)
                    .filter(|y| *y != on.year())
                    .map(|y| format!("告知书文号 {number} 的年份 {y} 与告知日期 {on} 不一致")),
                _ => None,
            },
        ),
    },
    Rule {
        code: "F06",
        section: Section::Documents,
        description: "责令改正的期限不早于责令改正之日",
        basis: "《行政处罚法》第二十八条第一款",
        deduction: 5,
        veto: false,
        check: Check::Machine(|f, _| match (f.rectification_on, f.rectify_by) {
            (Some(on), Some(by)) if by < on => Some(format!("{on} 责令改正，改正期限却为 {by}")),
            _ => None,
        }),
    },
    Rule {
        code: "F07",
        section: Section::Documents,
        description: "普通程序立案经行政机关负责人批准，载明批准人",
        basis: "《行政处罚法》第五十四条第二款",
        deduction: 5,
        veto: false,
        check: Check::Machine(|f, _| {
            (f.own && f.general && !f.filing_approver)
                .then(|| "立案审批表未载明批准立案的负责人".into())
        }),
    },
    Rule {
        code: "F08",
        section: Section::Documents,
        description: "结案经负责人审批，载明审批人",
        basis: "行政执法文书规范（结案审批表）",
        deduction: 3,
        veto: false,
        check: Check::Machine(|f, _| {
            (f.own && f.closed_on.is_some() && !f.closure_approver)
                .then(|| "已结案，但结案审批表未载明审批人".into())
        }),
    },
    Rule {
        code: "F09",
        section: Section::Documents,
        description: "立案审批表载明案件来源和简要案情",
        basis: "行政执法文书规范（立案审批表）",
        deduction: 3,
        veto: false,
        check: Check::Machine(|f, _| match (f.own && f.general, f.origin, f.summary) {
            (true, false, _) => Some("立案审批表未载明案件来源".into()),
            (true, true, false) => Some("立案审批表未载明简要案情".into()),
            _ => None,
        }),
    },
    Rule {
        code: "G01",
        section: Section::Execution,
        description: "逾期缴纳罚款的，依法加处罚款",
        basis: "《行政处罚法》第六十七条、第七十二条",
        deduction: 10,
        veto: false,
        check: Check::Machine(|f, _| match (fined(f), f.delivered_on, f.paid_on) {
            (true, Some(delivered), Some(paid)) => {
                let due = delivered + chrono::Days::new(15 + f.dispute_days);
                let owed = late_payment_surcharge(f.fine, due, paid);
                (f.surcharge < owed).then(|| {
                    format!(
                        "应于 {due} 前缴纳，{paid} 缴纳，应加处罚款 {owed}，记录为 {}",
                        f.surcharge
                    )
                })
            }
            _ => None,
        }),
    },
    Rule {
        code: "G02",
        section: Section::Execution,
        description: "加处罚款不超过罚款数额",
        basis: "《行政处罚法》第七十二条",
        deduction: 10,
        veto: false,
        check: Check::Machine(|f, _| {
            (f.surcharge > f.fine).then(|| format!("加处罚款 {} 超过罚款 {}", f.surcharge, f.fine))
        }),
    },
    Rule {
        code: "G03",
        section: Section::Execution,
        description: "罚款执行完毕方可结案",
        basis: "《行政处罚法》第七十二条；结案审批",
        deduction: 15,
        veto: false,
        check: Check::Machine(|f, _| {
            (fined(f) && f.closed_on.is_some() && f.paid_on.is_none())
                .then(|| format!("罚款 {} 未缴纳即结案", f.fine))
        }),
    },
    Rule {
        code: "G04",
        section: Section::Execution,
        description: "缴纳金额为决定的罚款及加处罚款",
        basis: "《行政处罚法》第六十七条、第七十二条",
        deduction: 5,
        veto: false,
        check: Check::Machine(|f, _| {
            let owed = Fen(f.fine.0 + f.surcharge.0);
            (fined(f) && f.paid_on.is_some() && f.paid != owed).then(|| {
                format!(
                    "应缴 {owed}（罚款 {}，加处罚款 {}），缴纳 {}",
                    f.fine, f.surcharge, f.paid
                )
            })
        }),
    },
    Rule {
        code: "G05",
        section: Section::Execution,
        description: "作出处罚决定时没收违法所得",
        basis: "《行政处罚法》第二十八条第二款",
        deduction: 10,
        veto: false,
        check: Check::Machine(|f, _| {
            (penalised(f) && f.decided_on.is_some() && f.confiscated < f.illegal_gains).then(|| {
                format!(
                    "违法所得 {}，没收 {}（除依法应当退赔的外，应当予以没收）",
                    f.illegal_gains, f.confiscated
                )
            })
        }),
    },
    Rule {
        code: "G06",
        section: Section::Execution,
        description: "办理的案件载明送达方式",
        basis: "《行政处罚法》第六十一条",
        deduction: 5,
        veto: false,
        check: Check::Machine(|f, _| {
            (f.own && f.delivered_on.is_some() && f.delivery_method.is_none())
                .then(|| "决定书已送达，但未载明送达方式".into())
        }),
    },
    Rule {
        code: "G07",
        section: Section::Execution,
        description: "直接送达、留置送达载明送达地点",
        basis: "《行政处罚法》第六十一条；《民事诉讼法》关于直接送达、留置送达的规定",
        deduction: 3,
        veto: false,
        check: Check::Machine(|f, _| {
            (f.delivery_method.is_some_and(DeliveryMethod::needs_place) && !f.delivery_place)
                .then(|| "直接送达或留置送达，但未载明送达地点".into())
        }),
    },
    Rule {
        code: "G08",
        section: Section::Execution,
        description: "缴纳罚款不早于决定书送达",
        basis: "《行政处罚法》第六十一条、第六十七条",
        deduction: 3,
        veto: false,
        check: Check::Machine(|f, _| match (f.general, f.delivered_on, f.paid_on) {
            (true, Some(delivered), Some(paid)) if paid < delivered => {
                Some(format!("{paid} 缴纳罚款，早于决定书送达 {delivered}"))
            }
            _ => None,
        }),
    },
    Rule {
        code: "G09",
        section: Section::Execution,
        description: "加处罚款不超过依法计算的数额（每日百分之三）",
        basis: "《行政处罚法》第七十二条第一款第一项",
        deduction: 5,
        veto: false,
        check: Check::Machine(|f, _| match (fined(f), f.delivered_on, f.paid_on) {
            (true, Some(delivered), Some(paid)) => {
                let due = delivered + chrono::Days::new(15 + f.dispute_days);
                let owed = late_payment_surcharge(f.fine, due, paid);
                (f.surcharge > owed && f.surcharge <= f.fine)
                    .then(|| format!("依法应加处罚款 {owed}，记录为 {}", f.surcharge))
            }
            _ => None,
        }),
    },
    Rule {
        code: "G10",
        section: Section::Execution,
        description: "处罚决定书送达后方可结案",
        basis: "《行政处罚法》第六十一条",
        deduction: 10,
        veto: false,
        check: Check::Machine(|f, _| {
            (f.decided_on.is_some() && f.closed_on.is_some() && f.delivered_on.is_none())
                .then(|| "已作出决定并结案，但没有送达决定书的记录".into())
        }),
    },
    Rule {
        code: "H01",
        section: Section::Archive,
        description: "结案后方可归档",
        basis: "行政执法案卷管理规定",
        deduction: 5,
        veto: false,
        check: Check::Machine(|f, _| {
            (f.archived_on.is_some() && f.closed_on.is_none()).then(|| "未结案即归档".into())
        }),
    },
];
