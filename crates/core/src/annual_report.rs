//! The annual report's figures (法治政府建设年度报告, FIGURES.md) for a year, each under a
//! stable key (`enforcement.delegated_cases`, `supervision.files_evaluated` …), computed by
//! the same functions the figures pages call, so `fazhi figures --json`, the dashboard and the
//! pages show one number. Each later module adds its keys here.

use chrono::NaiveDate;
use serde_json::{Map, Value, json};

use crate::access::Actor;
use crate::enforcement::discretion::ListKind;
use crate::enforcement::figures::percent;
use crate::{Error, Result};

/// One figure: its key, the report's words, the section of the report, its value and where
/// its records are listed.
#[derive(Clone, Debug)]
pub struct Figure {
    pub key: &'static str,
    pub section: &'static str,
    pub label: &'static str,
    pub value: Amount,
    pub href: String,
}

#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Amount {
    Count(i64, &'static str),
    /// A rate over a set that may be empty.
    Rate(Option<f64>),
}

impl Amount {
    /// As the report prints it: "1833 件", "73.79%".
    pub fn text(&self) -> String {
        match self {
            Amount::Count(n, unit) => format!("{n} {unit}"),
            Amount::Rate(r) => percent(*r),
        }
    }

    /// As JSON: a count as a number, a rate as a fraction rounded to four places (null over an
    /// empty set).
    pub fn json(&self) -> Value {
        match self {
            Amount::Count(n, _) => json!(n),
            Amount::Rate(Some(r)) => json!((r * 10_000.0).round() / 10_000.0),
            Amount::Rate(None) => Value::Null,
        }
    }
}

/// Every figure fazhi has records for in `year`, within the actor's scope.
pub async fn figures(store: &fazhi_store::Store, actor: &Actor, year: i32) -> Result<Vec<Figure>> {
    let (Some(from), Some(until)) = (
        NaiveDate::from_ymd_opt(year, 1, 1),
        NaiveDate::from_ymd_opt(year, 12, 31),
    ) else {
        return Err(Error::invalid("year", "年度超出范围。"));
    };
    let e = crate::enforcement::figures::enforcement(store, actor, year).await?;
    let list = |kind: ListKind| {
        e.lists
            .iter()
            .find(|(k, _)| *k == kind)
            .map_or(0, |(_, n)| *n as i64)
    };
    let b = crate::supervision::bulletins::figures(store, actor, from, until).await?;
    let issued = crate::supervision::bulletins::count_in_year(store, actor, year).await?;
    let s = crate::supervision::self_inspection::figures(store, actor, year).await?;
    let j = crate::inspection::disturbance::joint_figures(store, actor, from, until).await?;
    let (lists, items, units) =
        crate::inspection::scenarios::counts(&crate::inspection::scenarios::list(store).await?);
    let cleaned = crate::normative::cleanup::figures(store, actor, year).await?;
    let filings = crate::normative::filings_in_year(store, actor, year).await?;
    let reviewed = crate::review::concluded_by_kind(store, actor, year).await?;
    let reviewed_of = |kind: &str| {
        reviewed
            .iter()
            .find(|(k, _)| k == kind)
            .map_or(0, |(_, n)| *n)
    };
    use crate::decisions::catalogs::{self, CatalogKind, Counts};
    let y = i64::from(year);
    let decision_catalogs =
        Counts::of(&catalogs::in_year(store, actor, CatalogKind::MajorDecision, y).await?);
    let review_catalogs =
        Counts::of(&catalogs::in_year(store, actor, CatalogKind::LegalityReview, y).await?);
    let evaluations = crate::decisions::evaluations_in_year(store, actor, year).await?;
    let reconsidered = crate::reconsideration::figures(store, actor, year).await?;
    let reconsiderations = format!("/reconsiderations?closed={year}");
    let suits = crate::litigation::figures(store, actor, year).await?;
    let disputes = crate::disputes::figures(store, actor, year).await?.total;
    let disputes_href = format!("/disputes/figures?year={year}");
    let heard = format!("/litigations?heard={year}");
    let decision_catalogs_href = format!("/decisions/catalogs?kind=major_decision&year={year}");
    let review_catalogs_href = format!("/decisions/catalogs?kind=legality_review&year={year}");
    let cases = format!("/enforcement/cases?filed_from={from}&filed_until={until}");
    let inspection = format!("/inspection/figures?year={year}");
    let delegated = format!("{cases}&procedure=general&delegated=1");
    let f = |key, section, label, value, href: &str| Figure {
        key,
        section,
        label,
        value,
        href: href.to_string(),
    };
    use Amount::{Count, Rate};
    Ok(vec![
        f(
            "normative.cleanup_reviewed",
            "一(一)2",
            "规范性文件清理：梳理",
            Count(cleaned.reviewed, "件"),
            "/normative/cleanups",
        ),
        f(
            "normative.cleanup_retained",
            "一(一)2",
            "规范性文件清理：保留",
            Count(cleaned.retain, "件"),
            "/normative/cleanups",
        ),
        f(
            "normative.cleanup_repealed",
            "一(一)2",
            "规范性文件清理：已废止",
            Count(cleaned.repealed, "件"),
            "/normative/cleanups",
        ),
        f(
            "normative.cleanup_to_repeal",
            "一(一)2",
            "规范性文件清理：拟废止",
            Count(cleaned.to_repeal, "件"),
            "/normative/cleanups",
        ),
        f(
            "normative.cleanup_to_revise",
            "一(一)2",
            "规范性文件清理：拟修改",
            Count(cleaned.to_revise, "件"),
            "/normative/cleanups",
        ),
        f(
            "normative.cleanup_reduction_rate",
            "一(一)2",
            "规范性文件总数减少",
            Rate(cleaned.reduction_rate()),
            "/normative/cleanups",
        ),
        f(
            "review.documents_reviewed",
            "一(一)2",
            "审查规范性文件",
            Count(reviewed_of("normative"), "件"),
            &format!("/review/requests?kind=normative&concluded={year}"),
        ),
        f(
            "review.contracts_reviewed",
            "一(一)2",
            "审查行政合同",
            Count(reviewed_of("contract"), "件"),
            &format!("/review/requests?kind=contract&concluded={year}"),
        ),
        f(
            "review.agenda_reviewed",
            "一(一)2",
            "审查政府议题",
            Count(reviewed_of("agenda"), "件"),
            &format!("/review/requests?kind=agenda&concluded={year}"),
        ),
        f(
            "decision.catalog_issue_rate",
            "一(一)2",
            "重大行政决策目录制发率",
            Rate(decision_catalogs.rate(decision_catalogs.issued)),
            &decision_catalogs_href,
        ),
        f(
            "decision.catalog_publication_rate",
            "一(一)2",
            "重大行政决策目录公示率",
            Rate(decision_catalogs.rate(decision_catalogs.published)),
            &decision_catalogs_href,
        ),
        f(
            "decision.post_evaluations",
            "一(一)2",
            "重大行政决策执行情况后评估",
            Count(evaluations, "件"),
            &format!("/decisions?evaluated={year}"),
        ),
        f(
            "review.town_catalog_issue_rate",
            "一(三)3",
            "镇乡合法性审查目录制发率",
            Rate(review_catalogs.rate(review_catalogs.issued)),
            &review_catalogs_href,
        ),
        f(
            "review.town_catalog_filing_rate",
            "一(三)3",
            "镇乡合法性审查目录备案率",
            Rate(review_catalogs.rate(review_catalogs.filed)),
            &review_catalogs_href,
        ),
        f(
            "review.town_catalog_digital_rate",
            "一(三)3",
            "镇乡合法性审查数字应用率",
            Rate(review_catalogs.rate(review_catalogs.digital)),
            &review_catalogs_href,
        ),
        f(
            "reconsideration.concluded",
            "一(四)",
            "审结行政复议案件",
            Count(reconsidered.concluded, "件"),
            &reconsiderations,
        ),
        f(
            "reconsideration.corrected",
            "一(四)",
            "行政复议纠错（撤销、变更、确认违法、责令履行）",
            Count(reconsidered.corrected, "件"),
            &format!("{reconsiderations}&corrected=1"),
        ),
        f(
            "reconsideration.correction_rate",
            "一(四)",
            "行政复议纠错率",
            Rate(reconsidered.correction_rate()),
            &reconsiderations,
        ),
        f(
            "dispute.received",
            "一(四)",
            "一站式窗口受理矛盾纠纷",
            Count(disputes.received, "件"),
            &format!("/disputes?received={year}"),
        ),
        f(
            "dispute.resolved",
            "一(四)",
            "调解成功（达成调解协议）",
            Count(disputes.agreed, "件"),
            &format!("/disputes?received={year}&stage=agreed"),
        ),
        f(
            "dispute.resolution_rate",
            "一(四)",
            "矛盾纠纷化解率（达成协议 ÷ 达成协议与终止调解）",
            Rate(disputes.resolution_rate()),
            &disputes_href,
        ),
        f(
            "dispute.escalated",
            "一(四)",
            "逐级升级调解（三级联动联调）",
            Count(disputes.escalated, "件"),
            &format!("/disputes?received={year}&escalated=1"),
        ),
        f(
            "dispute.satisfaction_rate",
            "一(四)",
            "回访满意率（满意与基本满意）",
            Rate(disputes.satisfaction_rate()),
            &disputes_href,
        ),
        f(
            "litigation.appearance_rate",
            "一(一)2",
            "一审出庭应诉率（负责人出庭）",
            Rate(suits.appearance_rate()),
            &heard,
        ),
        f(
            "litigation.accountability",
            "一(一)2",
            "败诉案件责任追究",
            Count(suits.accountability, "件"),
            "/litigations?judgment=lost",
        ),
        f(
            "litigation.leader_cases",
            "一(四)",
            "领导包案",
            Count(suits.leader_cases, "件"),
            "/litigations",
        ),
        f(
            "litigation.risk_resolved",
            "一(四)",
            "化解中高败诉风险案件",
            Count(suits.risk_resolved, "件"),
            "/litigations",
        ),
        f(
            "normative.filings",
            "一(一)2",
            "规范性文件向上级备案",
            Count(filings, "件"),
            &format!("/normative/documents?filed={year}"),
        ),
        f(
            "inspection.scenarios",
            "一(二)3",
            "“综合查一次”清单",
            Count(lists as i64, "张"),
            "/inspection/scenarios",
        ),
        f(
            "inspection.scenario_items",
            "一(二)3",
            "“综合查一次”清单事项",
            Count(items as i64, "项"),
            "/inspection/scenarios",
        ),
        f(
            "inspection.scenario_departments",
            "一(二)3",
            "“综合查一次”执法单位",
            Count(units as i64, "家"),
            "/inspection/scenarios",
        ),
        f(
            "inspection.inspections",
            "一(二)3",
            "行政检查",
            Count(j.inspections, "次"),
            &inspection,
        ),
        f(
            "inspection.joint_inspections",
            "一(二)3",
            "联合检查",
            Count(j.joint_inspections, "次"),
            &inspection,
        ),
        f(
            "inspection.joint_visits",
            "一(二)3",
            "联合检查户次",
            Count(j.visits, "户次"),
            &inspection,
        ),
        f(
            "inspection.visits_saved",
            "一(二)3",
            "减少扰企",
            Count(j.visits_saved, "户次"),
            &inspection,
        ),
        f(
            "enforcement.templates",
            "一(三)1",
            "执法办案模板",
            Count(e.templates, "个"),
            "/enforcement/templates",
        ),
        f(
            "enforcement.list.minor_violation_pledge",
            "一(三)1",
            "轻微违法告知承诺清单",
            Count(list(ListKind::MinorViolationPledge), "项"),
            "/enforcement/discretion",
        ),
        f(
            "enforcement.list.first_offence_warning",
            "一(三)1",
            "首次违法预警清单",
            Count(list(ListKind::FirstOffenceWarning), "项"),
            "/enforcement/discretion",
        ),
        f(
            "enforcement.list.mitigated",
            "一(三)1",
            "减轻处罚清单",
            Count(list(ListKind::Mitigated), "项"),
            "/enforcement/discretion",
        ),
        f(
            "enforcement.delegated_cases",
            "一(三)1",
            "赋权镇乡普通程序案件",
            Count(e.town_cases, "件"),
            &delegated,
        ),
        f(
            "enforcement.delegated_items",
            "一(三)1",
            "赋权镇乡案件覆盖事项",
            Count(e.town_items, "项"),
            &format!("/enforcement/figures?year={year}"),
        ),
        f(
            "enforcement.delegated_item_rate",
            "一(三)1",
            "赋权事项实施率（平均）",
            Rate(e.mean_rate()),
            &format!("/enforcement/figures?year={year}"),
        ),
        f(
            "supervision.self_inspections",
            "一(三)2",
            "部门自查",
            Count(s.self_done, "次"),
            &format!("/supervision/self-inspections?year={year}"),
        ),
        f(
            "supervision.self_rectified",
            "一(三)2",
            "自行整改问题",
            Count(s.self_rectified, "个"),
            &format!("/supervision/self-inspections?year={year}"),
        ),
        f(
            "supervision.files_evaluated",
            "一(三)2",
            "评查执法案卷",
            Count(b.files, "件"),
            &format!("{cases}&grade=evaluated"),
        ),
        f(
            "supervision.findings",
            "一(三)2",
            "评查发现问题",
            Count(b.findings, "个"),
            "/supervision/evaluation",
        ),
        f(
            "supervision.bulletins",
            "一(三)2",
            "工作通报",
            Count(issued, "期"),
            &format!("/supervision/bulletins?year={year}"),
        ),
        f(
            "supervision.notices",
            "一(三)2",
            "执法监督通知书",
            Count(b.notices.issued, "份"),
            &format!("/supervision/notices?year={year}"),
        ),
        f(
            "supervision.notice_rectification_rate",
            "一(三)2",
            "监督回复整改率",
            Rate(b.notices.rectification_rate()),
            &format!("/supervision/notices?year={year}"),
        ),
    ])
}

/// The figures as one JSON object: `{"year": 2024, "figures": {"enforcement.templates": 15, …}}`.
/// The year's figures as an .xlsx sheet (key, section, figure, value); audited as an export.
pub async fn export(
    store: &fazhi_store::Store,
    actor: &Actor,
    year: i32,
) -> Result<(Vec<u8>, usize)> {
    let list = figures(store, actor, year).await?;
    let mut book = crate::listing::Workbook::new(
        &format!("{year}年度报告数字"),
        &["键", "部分", "数字", "值", "显示"],
    )?;
    for f in &list {
        book.row(vec![
            f.key.into(),
            f.section.into(),
            f.label.into(),
            match f.value {
                Amount::Count(n, _) => n.into(),
                Amount::Rate(Some(r)) => crate::listing::Cell::Number(r),
                Amount::Rate(None) => crate::listing::Cell::Empty,
            },
            f.value.text().into(),
        ])?;
    }
    let (bytes, rows) = book.finish()?;
    crate::listing::audit_export(
        store,
        actor,
        "annual_figures",
        rows,
        json!({ "year": year }),
    )
    .await?;
    Ok((bytes, rows))
}

pub fn as_json(year: i32, figures: &[Figure]) -> Value {
    let mut map = Map::new();
    for f in figures {
        map.insert(f.key.to_string(), f.value.json());
    }
    json!({ "year": year, "figures": map })
}
