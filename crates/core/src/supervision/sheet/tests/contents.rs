//! The breaking files of the file-contents rules: each changes the reference file
//! (`example::sound`) so that one rule finds it.

use super::*;

pub(super) fn breaks() -> Vec<Breaks> {
    vec![
        (
            "F10",
            Box::new(|f| without(f, DocKind::FilingApproval)),
            "卷内没有立案审批表",
        ),
        (
            "F11",
            Box::new(|f| {
                without(f, DocKind::InspectionRecord);
                without(f, DocKind::InquiryRecord);
            }),
            "笔录",
        ),
        (
            "F12",
            Box::new(|f| without(f, DocKind::Evidence)),
            "卷内没有证据材料",
        ),
        (
            "F13",
            Box::new(|f| without(f, DocKind::InvestigationReport)),
            "调查终结报告",
        ),
        (
            "F14",
            Box::new(|f| f.rectification_on = Some(day("2024-03-04"))),
            "卷内没有责令改正通知书",
        ),
        (
            "F15",
            Box::new(|f| f.legal_review_on = Some(day("2024-04-10"))),
            "卷内没有法制审核意见书",
        ),
        (
            "F16",
            Box::new(|f| f.review_triggers.complex_legal_relations = true),
            "集体讨论记录",
        ),
        (
            "F17",
            Box::new(|f| without(f, DocKind::PriorNotice)),
            "卷内没有行政处罚事先告知书",
        ),
        (
            "F18",
            Box::new(|f| without(f, DocKind::StatementRecord)),
            "陈述申辩笔录",
        ),
        (
            "F19",
            Box::new(|f| f.hearing_notice_on = Some(day("2024-04-03"))),
            "卷内没有听证通知书",
        ),
        (
            "F20",
            Box::new(|f| f.hearing_held_on = Some(day("2024-04-12"))),
            "卷内没有听证笔录",
        ),
        (
            "F21",
            Box::new(|f| f.hearing_held_on = Some(day("2024-04-12"))),
            "卷内没有听证报告",
        ),
        (
            "F22",
            Box::new(|f| without(f, DocKind::PenaltyDecision)),
            "卷内没有行政处罚决定书",
        ),
        (
            "F23",
            Box::new(|f| {
                f.outcome = Some(crate::enforcement::case::Decision::NoPenalty);
                f.no_penalty_reason = true;
            }),
            "卷内没有不予行政处罚决定书",
        ),
        (
            "F24",
            Box::new(|f| without(f, DocKind::DeliveryReceipt)),
            "卷内没有送达回证",
        ),
        (
            "F25",
            Box::new(|f| without(f, DocKind::PaymentReceipt)),
            "缴款凭证",
        ),
        (
            "F26",
            Box::new(|f| without(f, DocKind::ClosureApproval)),
            "卷内没有结案审批表",
        ),
        (
            "H02",
            Box::new(|f| f.contents = None),
            "没有登记任何卷内文件",
        ),
        (
            "H03",
            Box::new(|f| without(f, DocKind::FileIndex)),
            "卷内文件目录",
        ),
        (
            "H04",
            Box::new(|f| without(f, DocKind::FileNote)),
            "卷内备考表",
        ),
        (
            "F27",
            Box::new(|f| {
                each(f, DocKind::FilingApproval, |d| {
                    d.dated_on = day("2024-03-05")
                })
            }),
            "立案审批表日期 2024-03-05 与案件记录的立案日期 2024-03-04 不一致",
        ),
        (
            "F28",
            Box::new(|f| {
                f.rectification_on = Some(day("2024-03-04"));
                add(f, doc(DocKind::RectificationOrder, "2024-03-03", |_| {}));
            }),
            "责令改正通知书日期 2024-03-03",
        ),
        (
            "F29",
            Box::new(|f| {
                f.legal_review_on = Some(day("2024-04-10"));
                add(f, doc(DocKind::LegalReview, "2024-04-11", |_| {}));
            }),
            "法制审核日期 2024-04-10",
        ),
        (
            "F30",
            Box::new(|f| each(f, DocKind::PriorNotice, |d| d.dated_on = day("2024-04-02"))),
            "晚于告知书送达日 2024-04-01",
        ),
        (
            "F31",
            Box::new(|f| {
                f.hearing_notice_on = Some(day("2024-04-03"));
                add(f, doc(DocKind::HearingNotice, "2024-04-02", |_| {}));
            }),
            "听证通知日期 2024-04-03",
        ),
        (
            "F32",
            Box::new(|f| {
                f.hearing_held_on = Some(day("2024-04-12"));
                add(f, doc(DocKind::HearingRecord, "2024-04-11", |_| {}));
            }),
            "举行听证日期 2024-04-12",
        ),
        (
            "F33",
            Box::new(|f| {
                each(f, DocKind::PenaltyDecision, |d| {
                    d.dated_on = day("2024-04-14")
                })
            }),
            "决定日期 2024-04-15",
        ),
        (
            "F34",
            Box::new(|f| {
                f.outcome = Some(crate::enforcement::case::Decision::NoPenalty);
                add(f, doc(DocKind::NoPenaltyDecision, "2024-04-16", |_| {}));
            }),
            "不予行政处罚决定书日期 2024-04-16",
        ),
        (
            "F35",
            Box::new(|f| {
                each(f, DocKind::DeliveryReceipt, |d| {
                    d.dated_on = day("2024-04-18")
                })
            }),
            "送达日期 2024-04-17",
        ),
        (
            "F36",
            Box::new(|f| {
                each(f, DocKind::PaymentReceipt, |d| {
                    d.dated_on = day("2024-04-24")
                })
            }),
            "缴款日期 2024-04-25",
        ),
        (
            "F37",
            Box::new(|f| {
                each(f, DocKind::ClosureApproval, |d| {
                    d.dated_on = day("2024-04-29")
                })
            }),
            "结案日期 2024-04-28",
        ),
        (
            "D15",
            Box::new(|f| {
                each(f, DocKind::InquiryRecord, |d| {
                    d.dated_on = day("2024-04-16")
                })
            }),
            "晚于决定日 2024-04-15",
        ),
        (
            "D16",
            Box::new(|f| add(f, doc(DocKind::CollectiveDiscussion, "2024-04-16", |_| {}))),
            "集体讨论记录 2024-04-16 晚于决定日",
        ),
        (
            "D17",
            Box::new(|f| {
                each(f, DocKind::StatementRecord, |d| {
                    d.dated_on = day("2024-03-30")
                })
            }),
            "早于告知书送达日 2024-04-01",
        ),
        (
            "D18",
            Box::new(|f| {
                each(f, DocKind::InvestigationReport, |d| {
                    d.dated_on = day("2024-03-02")
                })
            }),
            "早于立案日 2024-03-04",
        ),
        (
            "D19",
            Box::new(|f| add(f, doc(DocKind::Evidence, "2024-04-20", |_| {}))),
            "证据材料 2024-04-20 晚于决定日",
        ),
        (
            "D20",
            Box::new(|f| {
                f.hearing_held_on = Some(day("2024-04-12"));
                add(f, doc(DocKind::HearingReport, "2024-04-11", |_| {}));
            }),
            "早于举行听证日 2024-04-12",
        ),
        (
            "D21",
            Box::new(|f| add(f, doc(DocKind::HearingRecord, "2024-04-12", |_| {}))),
            "听证笔录 2024-04-12 没有当事人",
        ),
        (
            "H05",
            Box::new(|f| add(f, doc(DocKind::Evidence, "2024-05-11", |_| {}))),
            "晚于归档日 2024-05-10",
        ),
        (
            "F38",
            Box::new(|f| add(f, doc(DocKind::RectificationOrder, "2024-03-04", |_| {}))),
            "责令改正通知书 2024-03-04 未载明当事人",
        ),
        (
            "F39",
            Box::new(|f| {
                each(f, DocKind::PriorNotice, |d| {
                    d.party = Some("诸暨市某某商行".into())
                })
            }),
            "“诸暨市某某商行”与案件当事人（诸暨市某某有限公司）不一致",
        ),
        (
            "F40",
            Box::new(|f| add(f, doc(DocKind::HearingNotice, "2024-04-03", |_| {}))),
            "听证通知书 2024-04-03 未载明当事人",
        ),
        (
            "F41",
            Box::new(|f| each(f, DocKind::PenaltyDecision, |d| d.party = None)),
            "行政处罚决定书 2024-04-15 未载明当事人",
        ),
        (
            "F42",
            Box::new(|f| {
                add(
                    f,
                    doc(DocKind::NoPenaltyDecision, "2024-04-15", |d| {
                        d.party = Some("张三".into())
                    }),
                )
            }),
            "“张三”",
        ),
        (
            "F43",
            Box::new(|f| {
                each(f, DocKind::DeliveryReceipt, |d| {
                    d.party = Some("李四".into())
                })
            }),
            "“李四”",
        ),
        (
            "F44",
            Box::new(|f| {
                each(f, DocKind::PenaltyDecision, |d| {
                    d.number = Some("诸市监罚〔2024〕18号".into())
                })
            }),
            "“诸市监罚〔2024〕18号”与案件记录的文号“诸市监罚〔2024〕17号”不一致",
        ),
        (
            "F45",
            Box::new(|f| each(f, DocKind::PriorNotice, |d| d.number = None)),
            "事先告知书 2024-04-01 未载明文号",
        ),
        (
            "F46",
            Box::new(|f| add(f, doc(DocKind::RectificationOrder, "2024-03-04", |_| {}))),
            "责令改正通知书 2024-03-04 未载明文号",
        ),
        (
            "F47",
            Box::new(|f| {
                each(f, DocKind::PenaltyDecision, |d| {
                    d.amount = Some(Fen(50_000))
                })
            }),
            "载明罚款 500.00，案件记录的罚款为 5,000.00",
        ),
        (
            "F48",
            Box::new(|f| each(f, DocKind::PriorNotice, |d| d.amount = None)),
            "未载明拟作出的罚款数额",
        ),
        (
            "E04",
            Box::new(|f| each(f, DocKind::PriorNotice, |d| d.amount = Some(Fen(300_000)))),
            "决定罚款 5,000.00 高于事先告知的 3,000.00",
        ),
        (
            "G11",
            Box::new(|f| {
                each(f, DocKind::PaymentReceipt, |d| {
                    d.amount = Some(Fen(400_000))
                })
            }),
            "缴款凭证合计 4,000.00",
        ),
        (
            "G12",
            Box::new(|f| each(f, DocKind::DeliveryReceipt, |d| d.party_signed = false)),
            "送达回证 2024-04-17 没有当事人",
        ),
        (
            "B06",
            Box::new(|f| each(f, DocKind::InspectionRecord, |d| d.officers = 1)),
            "仅有 1 名执法人员签名",
        ),
        (
            "B07",
            Box::new(|f| {
                each(f, DocKind::InquiryRecord, |d| {
                    d.officers = 1;
                    d.certified = 1;
                })
            }),
            "询问（调查）笔录 2024-03-06 仅有 1 名",
        ),
        (
            "B08",
            Box::new(|f| each(f, DocKind::InspectionRecord, |d| d.certified = 1)),
            "有 1 名签名的执法人员未载明执法证号",
        ),
        (
            "B09",
            Box::new(|f| each(f, DocKind::InquiryRecord, |d| d.certified = 0)),
            "有 2 名签名的执法人员未载明执法证号",
        ),
        (
            "B10",
            Box::new(|f| each(f, DocKind::InspectionRecord, |d| d.party_signed = false)),
            "现场检查（勘验）笔录 2024-03-01 没有当事人",
        ),
        (
            "B11",
            Box::new(|f| each(f, DocKind::InquiryRecord, |d| d.party_signed = false)),
            "询问（调查）笔录 2024-03-06 没有当事人",
        ),
        (
            "F49",
            Box::new(|f| each(f, DocKind::PriorNotice, |d| d.sealed = false)),
            "事先告知书 2024-04-01 未加盖",
        ),
        (
            "F50",
            Box::new(|f| each(f, DocKind::PenaltyDecision, |d| d.sealed = false)),
            "行政处罚决定书 2024-04-15 未加盖",
        ),
        (
            "F51",
            Box::new(|f| add(f, doc(DocKind::NoPenaltyDecision, "2024-04-15", |_| {}))),
            "不予行政处罚决定书 2024-04-15 未加盖",
        ),
        (
            "F52",
            Box::new(|f| add(f, doc(DocKind::RectificationOrder, "2024-03-04", |_| {}))),
            "责令改正通知书 2024-03-04 未加盖",
        ),
        (
            "F53",
            Box::new(|f| add(f, doc(DocKind::HearingNotice, "2024-04-03", |_| {}))),
            "听证通知书 2024-04-03 未加盖",
        ),
        (
            "H06",
            Box::new(|f| {
                let second = f
                    .contents
                    .iter()
                    .flatten()
                    .find(|d| d.kind == DocKind::PenaltyDecision)
                    .cloned()
                    .unwrap();
                add(f, second);
            }),
            "卷内有 2 份行政处罚决定书",
        ),
        (
            "H07",
            Box::new(|f| add(f, doc(DocKind::FilingApproval, "2024-03-04", |_| {}))),
            "卷内有 2 份立案审批表",
        ),
    ]
}
