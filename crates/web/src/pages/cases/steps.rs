//! The step forms of a case, laid out for the steps the case allows (`case::allowed_steps`), and a posted step read back into an `Action`.

use axum::extract::{Path, State};
use axum::response::Response;
use chrono::NaiveDate;
use fazhi_core::enforcement::case::{self, Action, Decision, DeliveryMethod, DisputeOutcome, Step};
use fazhi_core::enforcement::ingest::FactsRecord;
use fazhi_core::enforcement::rules::ReviewTriggers;
use fazhi_core::{Error, Permission, Refusals};
use fazhi_kernel::money::Fen;

use super::super::require;
use crate::AppState;
use crate::error::PageError;
use crate::form::FormData;
use crate::session::Signed;
use crate::view::*;

use super::*;

pub(super) fn step_section(
    id: i64,
    action: &'static str,
    title: &str,
    fields: Vec<Field>,
) -> FormSection {
    FormSection {
        title: title.to_string(),
        action: format!("/enforcement/cases/{id}"),
        hidden: vec![("action", action.to_string())],
        fields,
        submit: "提交",
    }
}

/// The form of one step. Which steps are shown, and in which order, is the case's to say
/// (`case::allowed_steps`); the page only lays each out.
pub(super) fn step_form(id: i64, step: Step) -> FormSection {
    let on = |label: &'static str| Field::date("on", label, "").required();
    let code = step.code();
    match step {
        Step::Investigate => step_section(
            id,
            code,
            "登记调查取证（查明的事实；证据每行一项）",
            vec![
                on("调查日"),
                Field::textarea("facts", "查明的事实", "")
                    .max(4000)
                    .required(),
                Field::textarea("evidence", "证据（每行一项）", ""),
                Field::checkboxes(
                    "records",
                    "当日制作的笔录（自动登记入卷）",
                    vec![
                        ("inspection_record".into(), "现场检查（勘验）笔录".into()),
                        ("inquiry_record".into(), "询问（调查）笔录".into()),
                    ],
                    &[],
                ),
                Field::checkboxes(
                    "concluded",
                    "调查终结",
                    vec![("1".into(), "调查终结，制作案件调查终结报告".into())],
                    &[],
                ),
            ],
        ),
        Step::PriorNotice => step_section(
            id,
            code,
            "送达行政处罚事先告知书（载明拟作出的处罚）",
            vec![
                on("送达日"),
                Field::select(
                    "proposed",
                    "拟作出的处罚",
                    vec![
                        ("fine".into(), "罚款".into()),
                        ("warning".into(), "警告".into()),
                    ],
                    "fine",
                )
                .required(),
                Field::text("proposed_fine", "拟罚款金额（元）", "", 20)
                    .hint("拟罚款的必填；作出的决定不得重于告知的处罚（第四十五条第二款）"),
                Field::checkboxes(
                    "hearing_right",
                    "听证权利",
                    vec![(
                        "1".into(),
                        "告知当事人有权要求听证（较大数额罚款等，第六十三条）".into(),
                    )],
                    &[],
                ),
                Field::checkboxes(
                    "triggers",
                    "需法制审核的情形（第五十八条）",
                    vec![
                        ("public_interest".into(), "涉及重大公共利益".into()),
                        ("major_rights".into(), "直接关系重大权益，经过听证".into()),
                        ("complex".into(), "疑难复杂、涉及多个法律关系".into()),
                        ("other_law".into(), "法律、法规规定应当审核".into()),
                    ],
                    &[],
                ),
            ],
        ),
        Step::LegalReview => step_section(id, code, "法制审核完成", vec![on("审核完成日")]),
        Step::OnTheSpot => step_section(
            id,
            code,
            "简易程序：当场作出处罚决定并交付（立案当日；警告，或公民 200 元、单位 3000 元以下罚款）",
            vec![
                on("决定日"),
                Field::select(
                    "outcome",
                    "决定",
                    vec![
                        ("fine".into(), "罚款".into()),
                        ("warning".into(), "警告".into()),
                    ],
                    "fine",
                ),
                Field::text("fine", "罚款金额（元）", "", 20),
            ],
        ),
        Step::Waive => step_section(
            id,
            code,
            "当事人书面放弃陈述、申辩和听证",
            vec![on("放弃日")],
        ),
        Step::HearingRequested => step_section(id, code, "当事人要求听证", vec![on("提出日")]),
        Step::Statement => step_section(
            id,
            code,
            "当事人陈述、申辩（制作陈述申辩笔录，自动登记入卷）",
            vec![on("陈述申辩日")],
        ),
        Step::HearingNotice => step_section(
            id,
            code,
            "送达听证通知（听证日至少在七个工作日后）",
            vec![on("通知送达日"), Field::date("hearing_on", "听证日", "")],
        ),
        Step::HearingHeld => step_section(id, code, "举行听证", vec![on("听证日")]),
        Step::Decide => step_section(
            id,
            code,
            "作出决定",
            vec![
                on("决定日"),
                Field::select(
                    "outcome",
                    "决定",
                    Decision::ALL
                        .iter()
                        .map(|d| (d.code().to_string(), d.label_zh().to_string()))
                        .collect(),
                    "fine",
                ),
                Field::text("fine", "罚款金额（元）", "", 20),
                Field::select(
                    "severity",
                    "违法情节（与裁量基准比对）",
                    std::iter::once(("".to_string(), "不比对".to_string()))
                        .chain(
                            ["轻微", "一般", "较重", "严重"]
                                .iter()
                                .map(|s| (s.to_string(), s.to_string())),
                        )
                        .collect(),
                    "",
                ),
                Field::checkboxes(
                    "circumstances",
                    "情形",
                    vec![
                        ("first_offence".into(), "初次违法".into()),
                        ("corrected_in_time".into(), "及时改正".into()),
                        ("no_harm".into(), "没有造成危害后果".into()),
                        ("slight_harm".into(), "危害后果轻微".into()),
                        ("mitigating_listed".into(), "符合减轻处罚清单情形".into()),
                    ],
                    &[],
                ),
                Field::textarea("deviation_reason", "偏离裁量基准的理由（偏离时必填）", ""),
                Field::textarea(
                    "no_penalty_reason",
                    "不予行政处罚的理由（不予处罚时必填）",
                    "",
                ),
            ],
        ),
        Step::Rectify => step_section(
            id,
            code,
            "责令改正（送达责令改正通知书）",
            vec![
                Field::date("on", "通知日", ""),
                Field::date("rectify_by", "改正期限", ""),
            ],
        ),
        Step::Deliver => step_section(
            id,
            code,
            "送达处罚决定书",
            vec![
                on("送达日"),
                Field::select(
                    "method",
                    "送达方式",
                    DeliveryMethod::ALL
                        .iter()
                        .map(|m| (m.code().to_string(), m.label_zh().to_string()))
                        .collect(),
                    "direct",
                ),
                Field::text("place", "送达地点（直接、留置送达必填）", "", 200),
            ],
        ),
        Step::Pay => step_section(
            id,
            code,
            "登记缴纳罚款（逾期自动计算加处罚款）",
            vec![on("缴款日")],
        ),
        Step::Dispute => step_section(
            id,
            code,
            "当事人申请行政复议或提起行政诉讼（期间不计加处罚款，第七十三条第三款）",
            vec![
                on("申请或起诉日"),
                Field::select(
                    "kind",
                    "类别",
                    vec![
                        ("reconsideration".into(), "申请行政复议".into()),
                        ("litigation".into(), "提起行政诉讼".into()),
                    ],
                    "reconsideration",
                ),
            ],
        ),
        Step::DisputeConcluded => step_section(
            id,
            code,
            "复议或诉讼审结",
            vec![
                on("审结日"),
                Field::select(
                    "outcome",
                    "结果",
                    DisputeOutcome::ALL
                        .iter()
                        .map(|o| (o.code().to_string(), o.label_zh().to_string()))
                        .collect(),
                    "maintained",
                ),
            ],
        ),
        Step::Close => step_section(
            id,
            code,
            "结案",
            vec![
                on("结案日"),
                Field::text("approver", "结案审批人（负责人）", "", 50).required(),
            ],
        ),
        Step::Archive => step_section(
            id,
            code,
            "归档",
            vec![
                on("归档日"),
                Field::textarea("reason", "归档说明（案卷评查仍有未纠正的问题时必填）", "")
                    .max(500),
            ],
        ),
    }
}

/// An amount typed in yuan (none typed is zero); a malformed one is kept in `refused`.
fn money(
    refused: &mut Refusals,
    f: &FormData,
    name: &'static str,
    label: &str,
) -> Result<Fen, Error> {
    let parsed = match f.opt(name) {
        Some(v) => Fen::parse_yuan(&v)
            .map_err(|e| Error::invalid(name, format!("{label}无效：{}。", e.message_zh()))),
        None => Ok(Fen::ZERO),
    };
    Ok(refused.take(parsed)?.unwrap_or(Fen::ZERO))
}

/// A day typed as YYYY-MM-DD; a missing or malformed one is kept in `refused`.
fn day(
    refused: &mut Refusals,
    f: &FormData,
    name: &'static str,
    label: &str,
) -> Result<NaiveDate, Error> {
    let parsed = fazhi_kernel::date::parse(f.get(name))
        .ok_or_else(|| Error::invalid(name, format!("请填写{label}（YYYY-MM-DD）。")));
    Ok(refused.take(parsed)?.unwrap_or_default())
}

/// The step the form asks for. Every field that does not parse is refused at once; a refused
/// value stands in as its default only until `finish` refuses the whole form.
pub(super) fn parse_action(f: &FormData) -> Result<Action, Error> {
    let mut refused = Refusals::default();
    let r = &mut refused;
    let on = day(r, f, "on", "日期")?;
    let action = match f.get("action") {
        "prior_notice" => {
            let t = f.all("triggers");
            Action::PriorNotice {
                delivered_on: on,
                hearing_right: f.get("hearing_right") == "1",
                triggers: ReviewTriggers {
                    major_public_interest: t.iter().any(|x| x == "public_interest"),
                    hearing_on_major_rights: t.iter().any(|x| x == "major_rights"),
                    complex_legal_relations: t.iter().any(|x| x == "complex"),
                    required_by_other_law: t.iter().any(|x| x == "other_law"),
                },
                proposed: match f.get("proposed") {
                    "warning" => Decision::Warning,
                    "fine" | "" => Decision::Fine,
                    _ => {
                        return Err(Error::invalid(
                            "proposed",
                            "请选择拟作出的处罚：罚款或警告。",
                        ));
                    }
                },
                proposed_fine: money(r, f, "proposed_fine", "拟罚款金额")?,
            }
        }
        "investigate" => {
            let records = f.all("records");
            Action::Investigate {
                on,
                facts: f.get("facts").to_string(),
                evidence: f.get("evidence").lines().map(str::to_string).collect(),
                inspection_record: records.iter().any(|r| r == "inspection_record"),
                inquiry_record: records.iter().any(|r| r == "inquiry_record"),
                concluded: f.get("concluded") == "1",
            }
        }
        "statement" => Action::Statement { on },
        "waive" => Action::Waive { on },
        "hearing_requested" => Action::HearingRequested { on },
        "hearing_notice" => Action::HearingNotice {
            on,
            hearing_on: day(r, f, "hearing_on", "听证日")?,
        },
        "hearing_held" => Action::HearingHeld { on },
        "legal_review" => Action::LegalReview { on },
        "decide" => {
            let decision = Decision::parse(f.get("outcome")).unwrap_or(Decision::Fine);
            let fine = money(r, f, "fine", "罚款金额")?;
            let c = f.all("circumstances");
            let has = |k: &str| c.iter().any(|x| x == k);
            let facts = f.opt("severity").map(|severity| FactsRecord {
                severity,
                first_offence: has("first_offence"),
                corrected_in_time: has("corrected_in_time"),
                no_harm: has("no_harm"),
                slight_harm: has("slight_harm"),
                mitigating_listed: has("mitigating_listed"),
                ..FactsRecord::default()
            });
            Action::Decide {
                on,
                decision,
                fine,
                facts,
                deviation_reason: f.opt("deviation_reason"),
                no_penalty_reason: f.opt("no_penalty_reason"),
            }
        }
        "on_the_spot" => Action::OnTheSpot {
            on,
            decision: if f.get("outcome") == "warning" {
                Decision::Warning
            } else {
                Decision::Fine
            },
            fine: money(r, f, "fine", "罚款金额")?,
        },
        "rectify" => Action::Rectify {
            on,
            rectify_by: day(r, f, "rectify_by", "改正期限")?,
        },
        "deliver" => Action::Deliver {
            on,
            method: DeliveryMethod::chosen(f.get("method"))?,
            place: f.opt("place"),
        },
        "pay" => Action::Pay { on },
        "dispute" => Action::Dispute {
            on,
            litigation: f.get("kind") == "litigation",
        },
        "dispute_concluded" => Action::DisputeConcluded {
            on,
            outcome: DisputeOutcome::parse(f.get("outcome"))
                .ok_or_else(|| Error::invalid("outcome", "请选择审结结果：维持、变更或撤销。"))?,
        },
        "archive" => Action::Archive {
            on,
            reason: f.opt("reason"),
        },
        "close" => Action::Close {
            on,
            approver: f.opt("approver"),
        },
        _ => return Err(Error::invalid("action", "请选择操作。")),
    };
    refused.finish()?;
    Ok(action)
}

pub async fn act(
    State(state): State<AppState>,
    s: Signed,
    Path(id): Path<i64>,
    f: FormData,
) -> Result<Response, PageError> {
    require(&s, Permission::CaseHandle)?;
    let result = match parse_action(&f) {
        Ok(action) => {
            let in_force = state.in_force().await?;
            // The version the form was made from: every step form carries it, and a post
            // without it cannot be told from one made on a case that has moved on.
            match f.get("version").trim().parse::<i64>() {
                Ok(seen) => case::apply(&state.ctx(&s.actor, &in_force), id, seen, &action).await,
                Err(_) => Err(Error::invalid(
                    "version",
                    "表单缺少案件版本，请刷新案件页面后在最新内容上重新提交。",
                )),
            }
        }
        Err(e) => Err(e),
    };
    back_to_case(&state, &s, id, f.get("action"), Some(&f), result).await
}
