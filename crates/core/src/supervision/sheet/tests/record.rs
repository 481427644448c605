//! The breaking files of the record rules: each changes the reference file
//! (`example::sound`) so that one rule finds it.

use super::*;

pub(super) fn breaks() -> Vec<Breaks> {
    vec![
        ("A01", Box::new(|f| f.item_known = false), "目录"),
        (
            "A02",
            Box::new(|f| f.town_without_delegation = true),
            "立案之日 2024-03-04 该事项未赋权",
        ),
        (
            "C02",
            Box::new(|f| f.item_not_in_force_at_act = true),
            "违法行为终了于 2024-02-20",
        ),
        ("B01", Box::new(|f| f.facts_found = false), "认定的事实"),
        ("B02", Box::new(|f| f.evidence = false), "证据"),
        (
            "C01",
            Box::new(|f| {
                f.act_ended_on = Some(day("2021-01-10"));
            }),
            "第三十六条",
        ),
        (
            "D01",
            Box::new(|f| f.closed_on = Some(day("2024-04-16"))),
            "结案日 2024-04-16 早于送达日 2024-04-17",
        ),
        ("D02", Box::new(|f| f.prior_notice_on = None), "事先告知书"),
        (
            "D03",
            Box::new(|f| f.decided_on = Some(day("2024-04-03"))),
            "陈述申辩期限至 2024-04-09",
        ),
        (
            "D04",
            Box::new(|f| f.hearing_requested = true),
            "未举行听证",
        ),
        (
            "D05",
            Box::new(|f| {
                f.hearing_notice_on = Some(day("2024-04-02"));
                f.hearing_on = Some(day("2024-04-09"));
                f.hearing_held_on = Some(day("2024-04-09"));
            }),
            "不足七个工作日",
        ),
        ("D06", Box::new(|f| f.grave = true), "未经法制审核"),
        (
            "D07",
            Box::new(|f| f.legal_review_on = Some(day("2024-04-16"))),
            "晚于决定",
        ),
        (
            "D08",
            Box::new(|f| {
                f.prior_notice_on = Some(day("2024-05-20"));
                f.decided_on = Some(day("2024-06-04"));
                f.delivered_on = Some(day("2024-06-05"));
                f.paid_on = Some(day("2024-06-06"));
                f.closed_on = Some(day("2024-06-07"));
                f.decision_number = Some("诸市监罚〔2024〕17号".into());
            }),
            "超过期限 2024-06-02",
        ),
        (
            "D09",
            Box::new(|f| {
                f.general = false;
                f.fine = Fen(400_000);
                f.paid = Fen(400_000);
            }),
            "第五十一条",
        ),
        (
            "D10",
            Box::new(|f| {
                f.delivered_on = Some(day("2024-04-25"));
                f.paid_on = Some(day("2024-04-26"));
            }),
            "超过期限 2024-04-24",
        ),
        (
            "E01",
            Box::new(|f| f.discretion = "outside".into()),
            "未书面说明理由",
        ),
        ("F01", Box::new(|f| f.decision_number = None), "文号"),
        (
            "F02",
            Box::new(|f| f.decision_number = Some("诸市监罚〔2023〕17号".into())),
            "不一致",
        ),
        (
            "F03",
            Box::new(|f| f.organisations_without_representative = 1),
            "法定代表人",
        ),
        (
            "G01",
            Box::new(|f| f.paid_on = Some(day("2024-05-06"))),
            "应加处罚款",
        ),
        ("G02", Box::new(|f| f.surcharge = Fen(600_000)), "超过罚款"),
        (
            "G03",
            Box::new(|f| {
                f.paid_on = None;
                f.paid = Fen(0);
            }),
            "未缴纳即结案",
        ),
        ("G04", Box::new(|f| f.paid = Fen(400_000)), "缴纳"),
        ("H01", Box::new(|f| f.closed_on = None), "未结案即归档"),
        (
            "D11",
            Box::new(|f| {
                f.outcome = Some(crate::enforcement::case::Decision::NoPenalty);
                f.fine = Fen(0);
                f.paid = Fen(0);
                f.paid_on = None;
            }),
            "未载明理由",
        ),
        (
            "D12",
            Box::new(|f| {
                f.general = false;
                f.fine = Fen(10_000);
                f.paid = Fen(10_000);
            }),
            "并非当场作出",
        ),
        (
            "D13",
            Box::new(|f| f.legal_review_on = Some(day("2024-03-01"))),
            "早于立案 2024-03-04",
        ),
        (
            "D14",
            Box::new(|f| {
                f.hearing_right = false;
                f.hearing_requested = true;
                f.hearing_held_on = Some(day("2024-04-12"));
            }),
            "不属于应当告知听证权利的情形",
        ),
        (
            "F04",
            Box::new(|f| f.department_abbr = Some("店口镇".into())),
            "不以本机关代字“店口镇”开头",
        ),
        (
            "F05",
            Box::new(|f| f.prior_notice_number = Some("诸市监罚告〔2023〕5号".into())),
            "年份 2023 与告知日期 2024-04-01 不一致",
        ),
        (
            "F06",
            Box::new(|f| {
                f.rectification_on = Some(day("2024-03-10"));
                f.rectify_by = Some(day("2024-03-05"));
            }),
            "改正期限却为 2024-03-05",
        ),
        (
            "F07",
            Box::new(|f| f.filing_approver = false),
            "批准立案的负责人",
        ),
        (
            "F08",
            Box::new(|f| f.closure_approver = false),
            "结案审批表未载明审批人",
        ),
        ("F09", Box::new(|f| f.summary = false), "简要案情"),
        (
            "G05",
            Box::new(|f| f.illegal_gains = Fen(120_000)),
            "违法所得 1,200.00",
        ),
        ("G06", Box::new(|f| f.delivery_method = None), "送达方式"),
        ("G07", Box::new(|f| f.delivery_place = false), "送达地点"),
        (
            "G08",
            Box::new(|f| f.paid_on = Some(day("2024-04-16"))),
            "早于决定书送达 2024-04-17",
        ),
        (
            "B03",
            Box::new(|f| f.persons_without_id = 1),
            "没有身份证件号码",
        ),
        (
            "B04",
            Box::new(|f| f.organisations_without_uscc = 1),
            "没有统一社会信用代码",
        ),
        (
            "B05",
            Box::new(|f| f.parties_without_address = 1),
            "没有地址",
        ),
        (
            "E02",
            Box::new(|f| {
                f.fine = Fen(0);
                f.paid = Fen(0);
            }),
            "罚款数额为零",
        ),
        (
            "E03",
            Box::new(|f| f.outcome = Some(crate::enforcement::case::Decision::Warning)),
            "警告决定却记载罚款",
        ),
        (
            "G10",
            Box::new(|f| f.delivered_on = None),
            "没有送达决定书的记录",
        ),
        (
            "G09",
            Box::new(|f| f.surcharge = Fen(30_000)),
            "依法应加处罚款 0.00",
        ),
    ]
}
