//! The rules over a case file's registered contents (卷内文件, `enforcement::file_contents`):
//! the documents each step of the record calls for, dated as the record dates the step, naming
//! the case's party, number and amounts, signed by two officers with their certificates and by
//! the party, and sealed where the law asks. None of them fires on a file whose contents are not
//! registered (H02 finds a closed one).
//!
//! Long because it is one table of 66 rules of a few lines each over the same helpers above;
//! cut by section, every part would import them all back.

use chrono::NaiveDate;

use super::{Check, FileDocument, Rule, Section, fined, penalised};
use crate::enforcement::file_contents::DocKind;
use crate::supervision::sheet::CaseFile;

/// The file's documents of `kind` (none when its contents are not registered).
fn docs(f: &CaseFile, kind: DocKind) -> impl Iterator<Item = &FileDocument> {
    f.contents.iter().flatten().filter(move |d| d.kind == kind)
}

/// A finding when the registered contents lack `kind` though the record shows `why` calls for it.
fn missing(f: &CaseFile, kind: DocKind, needed: bool, why: &str) -> Option<String> {
    let contents = f.contents.as_ref()?;
    (needed && !contents.iter().any(|d| d.kind == kind))
        .then(|| format!("{why}，但卷内没有{}", kind.name()))
}

/// A finding when a document of `kind` is dated other than the day the record gives `what`.
fn dated_apart(f: &CaseFile, kind: DocKind, on: Option<NaiveDate>, what: &str) -> Option<String> {
    let on = on?;
    docs(f, kind).find(|d| d.dated_on != on).map(|d| {
        format!(
            "{}日期 {} 与案件记录的{}日期 {} 不一致",
            kind.name(),
            d.dated_on,
            what,
            on
        )
    })
}

/// A finding when a document of `kind` is dated before `after` or after `before`.
fn outside(
    f: &CaseFile,
    kind: DocKind,
    after: Option<(&str, NaiveDate)>,
    before: Option<(&str, NaiveDate)>,
) -> Option<String> {
    docs(f, kind).find_map(|d| {
        if let Some((what, a)) = after.filter(|(_, a)| d.dated_on < *a) {
            return Some(format!("{} {} 早于{} {}", kind.name(), d.dated_on, what, a));
        }
        before
            .filter(|(_, b)| d.dated_on > *b)
            .map(|(what, b)| format!("{} {} 晚于{} {}", kind.name(), d.dated_on, what, b))
    })
}

fn names_other_party(f: &CaseFile, kind: DocKind) -> Option<String> {
    docs(f, kind).find_map(|d| match &d.party {
        None => Some(format!("{} {} 未载明当事人", kind.name(), d.dated_on)),
        Some(p) if !f.party_names.is_empty() && !f.party_names.contains(p) => Some(format!(
            "{}载明的当事人“{p}”与案件当事人（{}）不一致",
            kind.name(),
            f.party_names.join("、")
        )),
        _ => None,
    })
}

fn unsealed(f: &CaseFile, kind: DocKind) -> Option<String> {
    docs(f, kind)
        .find(|d| !d.sealed)
        .map(|d| format!("{} {} 未加盖行政机关印章", kind.name(), d.dated_on))
}

fn fewer_than_two_officers(f: &CaseFile, kind: DocKind) -> Option<String> {
    docs(f, kind).find(|d| d.officers < 2).map(|d| {
        format!(
            "{} {} 仅有 {} 名执法人员签名",
            kind.name(),
            d.dated_on,
            d.officers
        )
    })
}

fn uncertified(f: &CaseFile, kind: DocKind) -> Option<String> {
    docs(f, kind).find(|d| d.certified < d.officers).map(|d| {
        format!(
            "{} {} 有 {} 名签名的执法人员未载明执法证号",
            kind.name(),
            d.dated_on,
            d.officers - d.certified
        )
    })
}

fn party_unsigned(f: &CaseFile, kind: DocKind) -> Option<String> {
    docs(f, kind).find(|d| !d.party_signed).map(|d| {
        format!(
            "{} {} 没有当事人（受送达人）签名，也未注明拒签",
            kind.name(),
            d.dated_on
        )
    })
}

fn number_differs(f: &CaseFile, kind: DocKind, recorded: Option<&str>) -> Option<String> {
    let recorded = recorded?;
    docs(f, kind).find_map(|d| match d.number.as_deref() {
        None => Some(format!("{} {} 未载明文号", kind.name(), d.dated_on)),
        Some(n) if n != recorded => Some(format!(
            "{}文号“{n}”与案件记录的文号“{recorded}”不一致",
            kind.name()
        )),
        _ => None,
    })
}

fn more_than_one(f: &CaseFile, kind: DocKind) -> Option<String> {
    let n = docs(f, kind).count();
    (n > 1).then(|| format!("卷内有 {n} 份{}", kind.name()))
}

fn on(d: Option<NaiveDate>, what: &str) -> Option<(&str, NaiveDate)> {
    d.map(|d| (what, d))
}

fn decided(f: &CaseFile) -> bool {
    f.decided_on.is_some()
}

/// The rules on what only the paper knows — signatures, the party's signature, the seal — which
/// the handler completes in one table after the step that made the document: the case page
/// lists them; a message for each would flood the handler after every step.
pub const PAPER_RULES: [&str; 13] = [
    "B06", "B07", "B08", "B09", "B10", "B11", "D21", "F49", "F50", "F51", "F52", "F53", "G12",
];

pub(super) static RULES: &[Rule] = &[
    Rule {
        code: "F10",
        section: Section::Documents,
        description: "普通程序案件卷内有立案审批表",
        basis: "《行政处罚法》第五十四条第二款",
        deduction: 5,
        veto: false,
        check: Check::Machine(|f, _| {
            missing(
                f,
                DocKind::FilingApproval,
                f.general && f.filed_on.is_some(),
                "普通程序案件已立案",
            )
        }),
    },
    Rule {
        code: "F11",
        section: Section::Documents,
        description: "普通程序案件卷内有现场检查（勘验）笔录或询问（调查）笔录",
        basis: "《行政处罚法》第五十四条第一款、第五十五条",
        deduction: 10,
        veto: false,
        check: Check::Machine(|f, _| {
            let contents = f.contents.as_ref()?;
            (f.general
                && decided(f)
                && !contents
                    .iter()
                    .any(|d| matches!(d.kind, DocKind::InspectionRecord | DocKind::InquiryRecord)))
            .then(|| "已作出决定，但卷内没有现场检查（勘验）笔录或询问（调查）笔录".into())
        }),
    },
    Rule {
        code: "F12",
        section: Section::Documents,
        description: "普通程序作出处罚决定的，卷内有证据材料",
        basis: "《行政处罚法》第四十六条",
        deduction: 10,
        veto: false,
        check: Check::Machine(|f, _| {
            missing(
                f,
                DocKind::Evidence,
                f.general && penalised(f),
                "作出处罚决定",
            )
        }),
    },
    Rule {
        code: "F13",
        section: Section::Documents,
        description: "普通程序案件卷内有案件调查终结报告",
        basis: "《行政处罚法》第五十七条第一款",
        deduction: 3,
        veto: false,
        check: Check::Machine(|f, _| {
            missing(
                f,
                DocKind::InvestigationReport,
                f.general && decided(f),
                "已作出决定",
            )
        }),
    },
    Rule {
        code: "F14",
        section: Section::Documents,
        description: "责令改正的，卷内有责令改正通知书",
        basis: "《行政处罚法》第二十八条第一款",
        deduction: 3,
        veto: false,
        check: Check::Machine(|f, _| {
            missing(
                f,
                DocKind::RectificationOrder,
                f.rectification_on.is_some(),
                "案件记录了责令改正",
            )
        }),
    },
    Rule {
        code: "F15",
        section: Section::Documents,
        description: "经法制审核的，卷内有法制审核意见书",
        basis: "《行政处罚法》第五十八条",
        deduction: 5,
        veto: false,
        check: Check::Machine(|f, _| {
            missing(
                f,
                DocKind::LegalReview,
                f.legal_review_on.is_some(),
                "案件记录了法制审核",
            )
        }),
    },
    Rule {
        code: "F16",
        section: Section::Documents,
        description: "情节复杂或者重大违法行为，卷内有负责人集体讨论记录",
        basis: "《行政处罚法》第五十七条第二款",
        deduction: 10,
        veto: false,
        check: Check::Machine(|f, _| {
            missing(
                f,
                DocKind::CollectiveDiscussion,
                f.general
                    && decided(f)
                    && (f.review_triggers.complex_legal_relations
                        || f.review_triggers.major_public_interest),
                "案件记录为案情疑难复杂或涉及重大公共利益",
            )
        }),
    },
    Rule {
        code: "F17",
        section: Section::Documents,
        description: "告知的，卷内有行政处罚事先告知书",
        basis: "《行政处罚法》第四十四条",
        deduction: 10,
        veto: false,
        check: Check::Machine(|f, _| {
            missing(
                f,
                DocKind::PriorNotice,
                f.prior_notice_on.is_some(),
                "案件记录了事先告知",
            )
        }),
    },
    Rule {
        code: "F18",
        section: Section::Documents,
        description: "告知后作出决定的，卷内有陈述申辩笔录或放弃、逾期未提出的记录",
        basis: "《行政处罚法》第四十五条",
        deduction: 3,
        veto: false,
        check: Check::Machine(|f, _| {
            // A hearing's record (听证笔录) records the party's statement and defence too.
            missing(
                f,
                DocKind::StatementRecord,
                f.prior_notice_on.is_some()
                    && decided(f)
                    && docs(f, DocKind::HearingRecord).next().is_none(),
                "告知后已作出决定",
            )
        }),
    },
    Rule {
        code: "F19",
        section: Section::Documents,
        description: "组织听证的，卷内有听证通知书",
        basis: "《行政处罚法》第六十四条第二项",
        deduction: 5,
        veto: false,
        check: Check::Machine(|f, _| {
            missing(
                f,
                DocKind::HearingNotice,
                f.hearing_notice_on.is_some(),
                "案件记录了听证通知",
            )
        }),
    },
    Rule {
        code: "F20",
        section: Section::Documents,
        description: "举行听证的，卷内有听证笔录",
        basis: "《行政处罚法》第六十四条第八项",
        deduction: 10,
        veto: false,
        check: Check::Machine(|f, _| {
            missing(
                f,
                DocKind::HearingRecord,
                f.hearing_held_on.is_some(),
                "案件记录了举行听证",
            )
        }),
    },
    Rule {
        code: "F21",
        section: Section::Documents,
        description: "举行听证的，卷内有听证报告",
        basis: "《行政处罚法》第六十五条",
        deduction: 3,
        veto: false,
        check: Check::Machine(|f, _| {
            missing(
                f,
                DocKind::HearingReport,
                f.hearing_held_on.is_some(),
                "案件记录了举行听证",
            )
        }),
    },
    Rule {
        code: "F22",
        section: Section::Documents,
        description: "作出处罚决定的，卷内有行政处罚决定书",
        basis: "《行政处罚法》第五十九条",
        deduction: 20,
        veto: false,
        check: Check::Machine(|f, _| {
            missing(
                f,
                DocKind::PenaltyDecision,
                penalised(f) && decided(f),
                "案件记录了处罚决定",
            )
        }),
    },
    Rule {
        code: "F23",
        section: Section::Documents,
        description: "不予处罚的，卷内有不予行政处罚决定书",
        basis: "《行政处罚法》第五十七条第一款第二项",
        deduction: 10,
        veto: false,
        check: Check::Machine(|f, _| {
            missing(
                f,
                DocKind::NoPenaltyDecision,
                f.outcome == Some(crate::enforcement::case::Decision::NoPenalty),
                "案件记录了不予处罚",
            )
        }),
    },
    Rule {
        code: "F24",
        section: Section::Documents,
        description: "送达决定书的，卷内有送达回证",
        basis: "《行政处罚法》第六十一条",
        deduction: 5,
        veto: false,
        check: Check::Machine(|f, _| {
            missing(
                f,
                DocKind::DeliveryReceipt,
                f.delivered_on.is_some(),
                "案件记录了送达",
            )
        }),
    },
    Rule {
        code: "F25",
        section: Section::Documents,
        description: "缴纳罚没款的，卷内有缴款凭证",
        basis: "《行政处罚法》第六十七条、第七十条",
        deduction: 3,
        veto: false,
        check: Check::Machine(|f, _| {
            missing(
                f,
                DocKind::PaymentReceipt,
                f.paid.0 > 0,
                "案件记录了缴纳罚没款",
            )
        }),
    },
    Rule {
        code: "F26",
        section: Section::Documents,
        description: "普通程序案件结案的，卷内有结案审批表",
        basis: "行政执法案卷管理规定；结案审批",
        deduction: 3,
        veto: false,
        check: Check::Machine(|f, _| {
            missing(
                f,
                DocKind::ClosureApproval,
                f.general && f.closed_on.is_some(),
                "案件已结案",
            )
        }),
    },
    Rule {
        code: "H02",
        section: Section::Archive,
        description: "本系统办理的案件结案时已登记卷内文件",
        basis: "行政执法案卷管理规定；《行政处罚法》第四十七条（全过程记录）",
        deduction: 20,
        veto: false,
        check: Check::Machine(|f, _| {
            (f.own && f.closed_on.is_some() && f.contents.is_none())
                .then(|| "案件已结案，但没有登记任何卷内文件，案卷是否完整无从查考".into())
        }),
    },
    Rule {
        code: "H03",
        section: Section::Archive,
        description: "归档的案卷有卷内文件目录",
        basis: "行政执法案卷管理规定",
        deduction: 2,
        veto: false,
        check: Check::Machine(|f, _| {
            missing(f, DocKind::FileIndex, f.archived_on.is_some(), "案卷已归档")
        }),
    },
    Rule {
        code: "H04",
        section: Section::Archive,
        description: "归档的案卷有卷内备考表",
        basis: "行政执法案卷管理规定",
        deduction: 2,
        veto: false,
        check: Check::Machine(|f, _| {
            missing(f, DocKind::FileNote, f.archived_on.is_some(), "案卷已归档")
        }),
    },
    Rule {
        code: "F27",
        section: Section::Documents,
        description: "立案审批表日期与立案日期一致",
        basis: "《行政处罚法》第五十四条第二款",
        deduction: 3,
        veto: false,
        check: Check::Machine(|f, _| dated_apart(f, DocKind::FilingApproval, f.filed_on, "立案")),
    },
    Rule {
        code: "F28",
        section: Section::Documents,
        description: "责令改正通知书日期与责令改正日期一致",
        basis: "《行政处罚法》第二十八条第一款",
        deduction: 3,
        veto: false,
        check: Check::Machine(|f, _| {
            dated_apart(
                f,
                DocKind::RectificationOrder,
                f.rectification_on,
                "责令改正",
            )
        }),
    },
    Rule {
        code: "F29",
        section: Section::Documents,
        description: "法制审核意见书日期与法制审核日期一致",
        basis: "《行政处罚法》第五十八条",
        deduction: 3,
        veto: false,
        check: Check::Machine(|f, _| {
            dated_apart(f, DocKind::LegalReview, f.legal_review_on, "法制审核")
        }),
    },
    Rule {
        code: "F30",
        section: Section::Documents,
        description: "事先告知书制作于立案后、送达前",
        basis: "《行政处罚法》第四十四条",
        deduction: 3,
        veto: false,
        check: Check::Machine(|f, _| {
            outside(
                f,
                DocKind::PriorNotice,
                on(f.filed_on, "立案日"),
                on(f.prior_notice_on, "告知书送达日"),
            )
        }),
    },
    Rule {
        code: "F31",
        section: Section::Documents,
        description: "听证通知书日期与听证通知日期一致",
        basis: "《行政处罚法》第六十四条第二项",
        deduction: 3,
        veto: false,
        check: Check::Machine(|f, _| {
            dated_apart(f, DocKind::HearingNotice, f.hearing_notice_on, "听证通知")
        }),
    },
    Rule {
        code: "F32",
        section: Section::Documents,
        description: "听证笔录日期与举行听证日期一致",
        basis: "《行政处罚法》第六十四条第八项",
        deduction: 3,
        veto: false,
        check: Check::Machine(|f, _| {
            dated_apart(f, DocKind::HearingRecord, f.hearing_held_on, "举行听证")
        }),
    },
    Rule {
        code: "F33",
        section: Section::Documents,
        description: "行政处罚决定书日期与决定日期一致",
        basis: "《行政处罚法》第五十九条第一款第六项",
        deduction: 5,
        veto: false,
        check: Check::Machine(|f, _| {
            dated_apart(f, DocKind::PenaltyDecision, f.decided_on, "决定")
        }),
    },
    Rule {
        code: "F34",
        section: Section::Documents,
        description: "不予行政处罚决定书日期与决定日期一致",
        basis: "《行政处罚法》第五十七条第一款第二项",
        deduction: 5,
        veto: false,
        check: Check::Machine(|f, _| {
            dated_apart(f, DocKind::NoPenaltyDecision, f.decided_on, "决定")
        }),
    },
    Rule {
        code: "F35",
        section: Section::Documents,
        description: "送达回证日期与送达日期一致",
        basis: "《行政处罚法》第六十一条",
        deduction: 3,
        veto: false,
        check: Check::Machine(|f, _| {
            dated_apart(f, DocKind::DeliveryReceipt, f.delivered_on, "送达")
        }),
    },
    Rule {
        code: "F36",
        section: Section::Documents,
        description: "缴款凭证日期与缴款日期一致",
        basis: "《行政处罚法》第六十七条",
        deduction: 3,
        veto: false,
        check: Check::Machine(|f, _| dated_apart(f, DocKind::PaymentReceipt, f.paid_on, "缴款")),
    },
    Rule {
        code: "F37",
        section: Section::Documents,
        description: "结案审批表日期与结案日期一致",
        basis: "行政执法案卷管理规定",
        deduction: 3,
        veto: false,
        check: Check::Machine(|f, _| dated_apart(f, DocKind::ClosureApproval, f.closed_on, "结案")),
    },
    Rule {
        code: "D15",
        section: Section::Procedure,
        description: "现场检查、询问笔录形成于作出决定之前（先取证、后决定）",
        basis: "《行政处罚法》第五十四条第一款、第五十七条",
        deduction: 10,
        veto: false,
        check: Check::Machine(|f, _| {
            let before = on(f.decided_on, "决定日");
            outside(f, DocKind::InspectionRecord, None, before)
                .or_else(|| outside(f, DocKind::InquiryRecord, None, before))
        }),
    },
    Rule {
        code: "D16",
        section: Section::Procedure,
        description: "集体讨论在立案后、作出决定前",
        basis: "《行政处罚法》第五十七条第二款",
        deduction: 5,
        veto: false,
        check: Check::Machine(|f, _| {
            outside(
                f,
                DocKind::CollectiveDiscussion,
                on(f.filed_on, "立案日"),
                on(f.decided_on, "决定日"),
            )
        }),
    },
    Rule {
        code: "D17",
        section: Section::Procedure,
        description: "陈述申辩记录在告知后、作出决定前",
        basis: "《行政处罚法》第四十五条、第六十二条",
        deduction: 5,
        veto: false,
        check: Check::Machine(|f, _| {
            outside(
                f,
                DocKind::StatementRecord,
                on(f.prior_notice_on, "告知书送达日"),
                on(f.decided_on, "决定日"),
            )
        }),
    },
    Rule {
        code: "D18",
        section: Section::Procedure,
        description: "调查终结报告在立案后、作出决定前",
        basis: "《行政处罚法》第五十七条第一款",
        deduction: 5,
        veto: false,
        check: Check::Machine(|f, _| {
            outside(
                f,
                DocKind::InvestigationReport,
                on(f.filed_on, "立案日"),
                on(f.decided_on, "决定日"),
            )
        }),
    },
    Rule {
        code: "D19",
        section: Section::Procedure,
        description: "证据材料取得于作出决定之前",
        basis: "《行政处罚法》第四十六条、第五十四条第一款",
        deduction: 10,
        veto: false,
        check: Check::Machine(|f, _| {
            outside(f, DocKind::Evidence, None, on(f.decided_on, "决定日"))
        }),
    },
    Rule {
        code: "D20",
        section: Section::Procedure,
        description: "听证报告在听证后、作出决定前",
        basis: "《行政处罚法》第六十五条",
        deduction: 5,
        veto: false,
        check: Check::Machine(|f, _| {
            outside(
                f,
                DocKind::HearingReport,
                on(f.hearing_held_on, "举行听证日"),
                on(f.decided_on, "决定日"),
            )
        }),
    },
    Rule {
        code: "D21",
        section: Section::Procedure,
        description: "听证笔录经当事人核对后签字或者盖章",
        basis: "《行政处罚法》第六十四条第八项",
        deduction: 5,
        veto: false,
        check: Check::Machine(|f, _| party_unsigned(f, DocKind::HearingRecord)),
    },
    Rule {
        code: "H05",
        section: Section::Archive,
        description: "卷内文件均形成于归档之前",
        basis: "行政执法案卷管理规定",
        deduction: 3,
        veto: false,
        check: Check::Machine(|f, _| {
            let archived = f.archived_on?;
            f.contents
                .iter()
                .flatten()
                .find(|d| d.dated_on > archived)
                .map(|d| format!("{} {} 晚于归档日 {}", d.kind.name(), d.dated_on, archived))
        }),
    },
    Rule {
        code: "F38",
        section: Section::Documents,
        description: "责令改正通知书载明的当事人与案件当事人一致",
        basis: "《行政处罚法》第二十八条第一款",
        deduction: 3,
        veto: false,
        check: Check::Machine(|f, _| names_other_party(f, DocKind::RectificationOrder)),
    },
    Rule {
        code: "F39",
        section: Section::Documents,
        description: "事先告知书载明的当事人与案件当事人一致",
        basis: "《行政处罚法》第四十四条",
        deduction: 5,
        veto: false,
        check: Check::Machine(|f, _| names_other_party(f, DocKind::PriorNotice)),
    },
    Rule {
        code: "F40",
        section: Section::Documents,
        description: "听证通知书载明的当事人与案件当事人一致",
        basis: "《行政处罚法》第六十四条第二项",
        deduction: 3,
        veto: false,
        check: Check::Machine(|f, _| names_other_party(f, DocKind::HearingNotice)),
    },
    Rule {
        code: "F41",
        section: Section::Documents,
        description: "行政处罚决定书载明的当事人与案件当事人一致",
        basis: "《行政处罚法》第五十九条第一款第一项",
        deduction: 10,
        veto: false,
        check: Check::Machine(|f, _| names_other_party(f, DocKind::PenaltyDecision)),
    },
    Rule {
        code: "F42",
        section: Section::Documents,
        description: "不予行政处罚决定书载明的当事人与案件当事人一致",
        basis: "《行政处罚法》第五十七条第一款第二项",
        deduction: 5,
        veto: false,
        check: Check::Machine(|f, _| names_other_party(f, DocKind::NoPenaltyDecision)),
    },
    Rule {
        code: "F43",
        section: Section::Documents,
        description: "送达回证载明的受送达人与案件当事人一致",
        basis: "《行政处罚法》第六十一条",
        deduction: 5,
        veto: false,
        check: Check::Machine(|f, _| names_other_party(f, DocKind::DeliveryReceipt)),
    },
    Rule {
        code: "F44",
        section: Section::Documents,
        description: "行政处罚决定书的文号与案件记录的决定文号一致",
        basis: "《行政处罚法》第五十九条",
        deduction: 5,
        veto: false,
        check: Check::Machine(|f, _| {
            number_differs(f, DocKind::PenaltyDecision, f.decision_number.as_deref())
        }),
    },
    Rule {
        code: "F45",
        section: Section::Documents,
        description: "事先告知书的文号与案件记录的告知文号一致",
        basis: "《行政处罚法》第四十四条",
        deduction: 3,
        veto: false,
        check: Check::Machine(|f, _| {
            number_differs(f, DocKind::PriorNotice, f.prior_notice_number.as_deref())
        }),
    },
    Rule {
        code: "F46",
        section: Section::Documents,
        description: "责令改正通知书载明文号",
        basis: "《行政处罚法》第二十八条第一款；执法文书制作规范",
        deduction: 2,
        veto: false,
        check: Check::Machine(|f, _| {
            docs(f, DocKind::RectificationOrder)
                .find(|d| d.number.is_none())
                .map(|d| format!("责令改正通知书 {} 未载明文号", d.dated_on))
        }),
    },
    Rule {
        code: "F47",
        section: Section::Documents,
        description: "行政处罚决定书载明的罚款数额与案件记录的罚款一致",
        basis: "《行政处罚法》第五十九条第一款第四项",
        deduction: 10,
        veto: false,
        check: Check::Machine(|f, _| {
            if !fined(f) {
                return None;
            }
            docs(f, DocKind::PenaltyDecision).find_map(|d| match d.amount {
                None => Some(format!("行政处罚决定书 {} 未载明罚款数额", d.dated_on)),
                Some(a) if a != f.fine => Some(format!(
                    "行政处罚决定书载明罚款 {}，案件记录的罚款为 {}",
                    a.yuan(),
                    f.fine.yuan()
                )),
                _ => None,
            })
        }),
    },
    Rule {
        code: "F48",
        section: Section::Documents,
        description: "拟罚款的，事先告知书载明拟作出的罚款数额",
        basis: "《行政处罚法》第四十四条",
        deduction: 5,
        veto: false,
        check: Check::Machine(|f, _| {
            if !fined(f) {
                return None;
            }
            docs(f, DocKind::PriorNotice)
                .find(|d| d.amount.is_none())
                .map(|d| format!("事先告知书 {} 未载明拟作出的罚款数额", d.dated_on))
        }),
    },
    Rule {
        code: "E04",
        section: Section::Discretion,
        description: "决定的罚款不高于事先告知的数额（不因陈述申辩加重处罚）",
        basis: "《行政处罚法》第四十五条第二款",
        deduction: 20,
        veto: false,
        check: Check::Machine(|f, _| {
            if !fined(f) {
                return None;
            }
            let proposed = docs(f, DocKind::PriorNotice)
                .filter_map(|d| d.amount)
                .max()?;
            (f.fine > proposed).then(|| {
                format!(
                    "决定罚款 {} 高于事先告知的 {}，未重新告知",
                    f.fine.yuan(),
                    proposed.yuan()
                )
            })
        }),
    },
    Rule {
        code: "G11",
        section: Section::Execution,
        description: "缴款凭证金额与案件记录的已缴金额一致",
        basis: "《行政处罚法》第六十七条",
        deduction: 5,
        veto: false,
        check: Check::Machine(|f, _| {
            let receipts: Vec<&FileDocument> = docs(f, DocKind::PaymentReceipt).collect();
            if receipts.is_empty() {
                return None;
            }
            let total = receipts
                .iter()
                .map(|d| d.amount.map_or(0, |a| a.0))
                .sum::<i64>();
            (total != f.paid.0 + f.surcharge.0 && total != f.paid.0).then(|| {
                format!(
                    "缴款凭证合计 {}，案件记录已缴 {}",
                    fazhi_kernel::money::Fen(total).yuan(),
                    f.paid.yuan()
                )
            })
        }),
    },
    Rule {
        code: "G12",
        section: Section::Execution,
        description: "送达回证有受送达人签收（或注明拒收、留置）",
        basis: "《行政处罚法》第六十一条",
        deduction: 5,
        veto: false,
        check: Check::Machine(|f, _| party_unsigned(f, DocKind::DeliveryReceipt)),
    },
    Rule {
        code: "B06",
        section: Section::Facts,
        description: "现场检查（勘验）笔录由两名以上执法人员签名",
        basis: "《行政处罚法》第四十二条、第五十五条",
        deduction: 10,
        veto: false,
        check: Check::Machine(|f, _| fewer_than_two_officers(f, DocKind::InspectionRecord)),
    },
    Rule {
        code: "B07",
        section: Section::Facts,
        description: "询问（调查）笔录由两名以上执法人员签名",
        basis: "《行政处罚法》第四十二条、第五十五条",
        deduction: 10,
        veto: false,
        check: Check::Machine(|f, _| fewer_than_two_officers(f, DocKind::InquiryRecord)),
    },
    Rule {
        code: "B08",
        section: Section::Facts,
        description: "现场检查（勘验）笔录载明签名执法人员的执法证号",
        basis: "《行政处罚法》第五十五条第一款",
        deduction: 5,
        veto: false,
        check: Check::Machine(|f, _| uncertified(f, DocKind::InspectionRecord)),
    },
    Rule {
        code: "B09",
        section: Section::Facts,
        description: "询问（调查）笔录载明签名执法人员的执法证号",
        basis: "《行政处罚法》第五十五条第一款",
        deduction: 5,
        veto: false,
        check: Check::Machine(|f, _| uncertified(f, DocKind::InquiryRecord)),
    },
    Rule {
        code: "B10",
        section: Section::Facts,
        description: "现场检查（勘验）笔录经当事人签名或注明拒签",
        basis: "《行政处罚法》第五十五条",
        deduction: 5,
        veto: false,
        check: Check::Machine(|f, _| party_unsigned(f, DocKind::InspectionRecord)),
    },
    Rule {
        code: "B11",
        section: Section::Facts,
        description: "询问（调查）笔录经被询问人签名或注明拒签",
        basis: "《行政处罚法》第五十五条",
        deduction: 5,
        veto: false,
        check: Check::Machine(|f, _| party_unsigned(f, DocKind::InquiryRecord)),
    },
    Rule {
        code: "F49",
        section: Section::Documents,
        description: "事先告知书加盖行政机关印章",
        basis: "《行政处罚法》第四十四条；执法文书制作规范",
        deduction: 3,
        veto: false,
        check: Check::Machine(|f, _| unsealed(f, DocKind::PriorNotice)),
    },
    Rule {
        code: "F50",
        section: Section::Documents,
        description: "行政处罚决定书加盖作出决定的行政机关的印章",
        basis: "《行政处罚法》第五十九条第二款",
        deduction: 10,
        veto: false,
        check: Check::Machine(|f, _| unsealed(f, DocKind::PenaltyDecision)),
    },
    Rule {
        code: "F51",
        section: Section::Documents,
        description: "不予行政处罚决定书加盖行政机关印章",
        basis: "《行政处罚法》第五十九条第二款（参照）",
        deduction: 5,
        veto: false,
        check: Check::Machine(|f, _| unsealed(f, DocKind::NoPenaltyDecision)),
    },
    Rule {
        code: "F52",
        section: Section::Documents,
        description: "责令改正通知书加盖行政机关印章",
        basis: "《行政处罚法》第二十八条第一款；执法文书制作规范",
        deduction: 3,
        veto: false,
        check: Check::Machine(|f, _| unsealed(f, DocKind::RectificationOrder)),
    },
    Rule {
        code: "F53",
        section: Section::Documents,
        description: "听证通知书加盖行政机关印章",
        basis: "《行政处罚法》第六十四条第二项；执法文书制作规范",
        deduction: 3,
        veto: false,
        check: Check::Machine(|f, _| unsealed(f, DocKind::HearingNotice)),
    },
    Rule {
        code: "H06",
        section: Section::Archive,
        description: "卷内只有一份行政处罚决定书",
        basis: "《行政处罚法》第五十九条；行政执法案卷管理规定",
        deduction: 5,
        veto: false,
        check: Check::Machine(|f, _| more_than_one(f, DocKind::PenaltyDecision)),
    },
    Rule {
        code: "H07",
        section: Section::Archive,
        description: "卷内只有一份立案审批表",
        basis: "行政执法案卷管理规定",
        deduction: 2,
        veto: false,
        check: Check::Machine(|f, _| more_than_one(f, DocKind::FilingApproval)),
    },
];
