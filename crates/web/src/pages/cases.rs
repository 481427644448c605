//! Penalty case pages: the list (filters, keyset pages), filing a case, and a case's record with
//! its parties (masked), timeline (流程记录) and deadlines.
//!
//! Long because the case page still decides which step forms to show; issue 15 moves that to `allowed_actions` and splits the file.

use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use fazhi_core::enforcement::case::{
    self, Action, Decision, DeliveryMethod, DisputeOutcome, Stage, Step,
};
use fazhi_core::enforcement::cases::{self, CaseFilter, NewCase, NewParty, stage_label};
use fazhi_core::enforcement::file_contents;
use fazhi_core::enforcement::ingest::FactsRecord;
use fazhi_core::enforcement::rules::{PartyKind, ReviewTriggers};
use fazhi_core::supervision::evaluation;
use fazhi_core::{Error, Permission};
use fazhi_kernel::money::Fen;
use fazhi_store::page::Keyset;
use serde::{Deserialize, Serialize};

use super::org::form_error;
use super::{deadline_state_label, layout, require};
use crate::AppState;
use crate::error::PageError;
use crate::form::FormData;
use crate::session::Signed;
use crate::view::*;

#[derive(Clone, Default, Deserialize, Serialize)]
pub struct ListQuery {
    region_id: Option<String>,
    item_code: Option<String>,
    stage: Option<String>,
    procedure: Option<String>,
    filed_from: Option<String>,
    filed_until: Option<String>,
    /// "1": only cases on items delegated to the filing town (the figures' 赋权镇乡案件).
    delegated: Option<String>,
    filing_town: Option<String>,
    /// A rule code of the evaluation sheet: only cases it found.
    finding: Option<String>,
    #[serde(skip_serializing)]
    after: Option<i64>,
}

pub async fn list(
    State(state): State<AppState>,
    s: Signed,
    Query(q): Query<ListQuery>,
) -> Result<Response, PageError> {
    let filter = CaseFilter {
        region_id: q.region_id.as_deref().and_then(|r| r.parse().ok()),
        item_code: q.item_code.clone(),
        stage: q.stage.clone(),
        procedure: q.procedure.clone(),
        filed_from: q.filed_from.clone(),
        filed_until: q.filed_until.clone(),
        delegated: q.delegated.as_deref() == Some("1"),
        filing_town: q.filing_town.as_deref().and_then(|r| r.parse().ok()),
        finding: q.finding.clone(),
    };
    let page = cases::list(&state.store, &s.actor, &filter, Keyset::new(q.after, None)).await?;
    let rows = page
        .items
        .iter()
        .map(|c| {
            vec![
                cell_link(
                    c.decision_number
                        .clone()
                        .unwrap_or_else(|| format!("案件 {}", c.id)),
                    format!("/enforcement/cases/{}", c.id),
                ),
                cell(&c.cause),
                cell(&c.department_name),
                cell(&c.region_name),
                cell(&c.item_code),
                cell(stage_label(&c.stage)),
                cell(&c.filed_on),
            ]
        })
        .collect::<Vec<_>>();
    let mut regions = vec![(String::new(), "全部".to_string())];
    regions.extend(
        fazhi_core::org::service::regions(&state.store, &s.actor)
            .await
            .unwrap_or_default()
            .into_iter()
            .filter(|r| r.kind != fazhi_core::org::RegionKind::Village)
            .map(|r| (r.id.to_string(), r.name)),
    );
    let mut stages = vec![(String::new(), "全部".to_string())];
    stages.extend(
        fazhi_core::enforcement::stage::Stage::ALL
            .iter()
            .map(|st| (st.code().to_string(), st.label_zh().to_string())),
    );
    let qs = serde_urlencoded::to_string(&q).unwrap_or_default();
    let mut actions = Vec::new();
    if s.actor.can(Permission::CaseHandle) {
        actions.push(link("/enforcement/cases/new", "立案"));
        actions.push(link("/enforcement/cases/import", "导入案件台账"));
    }
    Ok(ListPage {
        layout: layout(&s),
        title: "行政处罚案件".into(),
        intro: format!("您可查看的范围：{}。", s.actor.scope.kind.label_zh()),
        actions,
        filters: vec![
            Field::select(
                "region_id",
                "镇乡（街道）",
                regions.clone(),
                q.region_id.as_deref().unwrap_or(""),
            ),
            Field::text(
                "item_code",
                "事项编码",
                q.item_code.clone().unwrap_or_default(),
                64,
            ),
            Field::select("stage", "阶段", stages, q.stage.as_deref().unwrap_or("")),
            Field::select(
                "procedure",
                "程序",
                [
                    ("", "全部"),
                    ("general", "普通程序"),
                    ("summary", "简易程序"),
                ]
                .iter()
                .map(|(v, l)| (v.to_string(), l.to_string()))
                .collect(),
                q.procedure.as_deref().unwrap_or(""),
            ),
            Field::date(
                "filed_from",
                "立案日期自",
                q.filed_from.clone().unwrap_or_default(),
            ),
            Field::date(
                "filed_until",
                "立案日期至",
                q.filed_until.clone().unwrap_or_default(),
            ),
            Field::select(
                "delegated",
                "赋权事项",
                vec![
                    (String::new(), "全部".to_string()),
                    ("1".to_string(), "仅镇乡（街道）办理的赋权事项".to_string()),
                ],
                q.delegated.as_deref().unwrap_or(""),
            ),
            Field::select(
                "filing_town",
                "办案单位所在镇乡（街道）",
                regions,
                q.filing_town.as_deref().unwrap_or(""),
            ),
            Field::select(
                "finding",
                "案卷评查发现",
                std::iter::once((String::new(), "全部".to_string()))
                    .chain(
                        fazhi_core::supervision::sheet::rules()
                            .filter(|r| r.machine())
                            .map(|r| (r.code.to_string(), format!("{} {}", r.code, r.description))),
                    )
                    .collect(),
                q.finding.as_deref().unwrap_or(""),
            ),
        ],
        count_text: format!("本页 {} 件", rows.len()),
        headers: vec![
            "案号",
            "案由",
            "办案部门",
            "所在区域",
            "事项",
            "阶段",
            "立案日期",
        ],
        rows,
        next: page
            .next
            .map(|n| format!("/enforcement/cases?{qs}&after={n}")),
    }
    .into_response())
}

async fn new_form(
    state: &AppState,
    s: &Signed,
    f: Option<&FormData>,
) -> Result<FormPage, PageError> {
    let depts = fazhi_core::org::service::departments(&state.store, &s.actor).await?;
    let pick = |n: &str| f.map(|f| f.get(n).to_string()).unwrap_or_default();
    let mut page = FormPage::new(layout(s), "立案", "/enforcement/cases");
    page.intro = "立案时系统核对：事项在执法事项目录中有效；镇乡（街道）只能办理已赋权的事项；未超过《行政处罚法》第三十六条的追责期限；当事人证件号码有效。立案后自动开始 90 日的处理期限（第六十条）。".into();
    page.fields = vec![
        Field::select(
            "department_id",
            "办案部门",
            depts
                .iter()
                .map(|d| (d.id.to_string(), d.name.clone()))
                .collect(),
            &pick("department_id"),
        )
        .required(),
        Field::text("item_code", "执法事项编码", pick("item_code"), 64).required(),
        Field::text("cause", "案由", pick("cause"), 200).required(),
        Field::date("act_ended_on", "违法行为终了日", pick("act_ended_on")),
        Field::date("discovered_on", "发现日", pick("discovered_on")),
        Field::date("filed_on", "立案日", pick("filed_on")),
        Field::checkboxes(
            "grave",
            "情节",
            vec![(
                "1".into(),
                "涉及公民生命健康安全、金融安全且有危害后果（追责期限五年）".into(),
            )],
            &f.map(|f| f.all("grave")).unwrap_or_default(),
        ),
        Field::select(
            "party_kind",
            "当事人类型",
            vec![
                ("organisation".into(), "法人或其他组织".into()),
                ("person".into(), "公民".into()),
            ],
            &pick("party_kind"),
        ),
        Field::select(
            "origin",
            "案件来源",
            std::iter::once((String::new(), "（请选择）".to_string()))
                .chain(
                    cases::ORIGINS
                        .iter()
                        .map(|o| (o.to_string(), o.to_string())),
                )
                .collect(),
            &pick("origin"),
        ),
        Field::textarea("summary", "简要案情", pick("summary")),
        Field::text("approver", "立案审批人（负责人）", pick("approver"), 50),
        Field::text("party_name", "当事人名称（姓名）", pick("party_name"), 100).required(),
        Field::text(
            "party_code",
            "统一社会信用代码 / 公民身份号码",
            pick("party_code"),
            18,
        )
        .required()
        .hint("身份号码加密保存，页面只显示 330681********1234 形式。"),
        Field::text(
            "party_legal_representative",
            "法定代表人（单位当事人）",
            pick("party_legal_representative"),
            50,
        ),
        Field::text("party_address", "住所（住址）", pick("party_address"), 200)
            .hint("写入处罚决定书和送达回证；自然人的住址加密保存。"),
        Field::text("party_phone", "联系电话", pick("party_phone"), 20)
            .hint("手机号或带区号的固定电话，加密保存，页面只显示 138****5678 形式。"),
    ];
    page.submit = "立案";
    Ok(page)
}

pub async fn new(State(state): State<AppState>, s: Signed) -> Result<Response, PageError> {
    require(&s, Permission::CaseHandle)?;
    Ok(new_form(&state, &s, None).await?.into_response())
}

fn parse(f: &FormData) -> Result<NewCase, Error> {
    let date = |n: &'static str, label: &str| {
        fazhi_kernel::date::parse(f.get(n))
            .ok_or_else(|| Error::invalid(n, format!("请填写{label}（YYYY-MM-DD）。")))
    };
    let kind = if f.get("party_kind") == "person" {
        PartyKind::Person
    } else {
        PartyKind::Organisation
    };
    let code = f.opt("party_code");
    Ok(NewCase {
        item_code: f.get("item_code").trim().to_string(),
        cause: f.get("cause").to_string(),
        department_id: f.int("department_id", "办案部门")?,
        town_id: None,
        act_ended_on: date("act_ended_on", "违法行为终了日")?,
        discovered_on: date("discovered_on", "发现日")?,
        filed_on: date("filed_on", "立案日")?,
        grave: f.get("grave") == "1",
        origin: f.opt("origin"),
        summary: f.opt("summary"),
        approver: f.opt("approver"),
        parties: vec![NewParty {
            kind,
            name: f.get("party_name").to_string(),
            resident_id: if kind == PartyKind::Person {
                code.clone()
            } else {
                None
            },
            uscc: if kind == PartyKind::Organisation {
                code
            } else {
                None
            },
            address: f.opt("party_address"),
            phone: f.opt("party_phone"),
            legal_representative: f.opt("party_legal_representative"),
        }],
    })
}

pub async fn create(
    State(state): State<AppState>,
    s: Signed,
    f: FormData,
) -> Result<Response, PageError> {
    require(&s, Permission::CaseHandle)?;
    let result = match parse(&f) {
        Ok(input) => {
            let (cal, policy) = fazhi_core::deadlines::in_force(&state.store).await?;
            cases::file(&state.store, &s.actor, &state.keyring, &cal, policy, &input).await
        }
        Err(e) => Err(e),
    };
    match result {
        Ok(id) => Ok(Redirect::to(&format!("/enforcement/cases/{id}")).into_response()),
        Err(e) => form_error(new_form(&state, &s, Some(&f)).await?, e),
    }
}

fn step_section(id: i64, action: &'static str, title: &str, fields: Vec<Field>) -> FormSection {
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
fn step_form(id: i64, step: Step) -> FormSection {
    let on = |label: &'static str| Field::date("on", label, "");
    let code = step.code();
    match step {
        Step::Investigate => step_section(
            id,
            code,
            "登记调查取证（查明的事实；证据每行一项）",
            vec![
                on("调查日"),
                Field::textarea("facts", "查明的事实", "").required(),
                Field::textarea("evidence", "证据（每行一项）", ""),
            ],
        ),
        Step::PriorNotice => step_section(
            id,
            code,
            "送达行政处罚事先告知书",
            vec![
                on("送达日"),
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
                Field::text("approver", "结案审批人（负责人）", "", 50),
            ],
        ),
        Step::Archive => step_section(id, code, "归档", vec![on("归档日")]),
    }
}

async fn record(
    state: &AppState,
    s: &Signed,
    id: i64,
    error: Option<String>,
) -> Result<SectionsPage, PageError> {
    let d = cases::get(&state.store, &s.actor, id).await?;
    let c = &d.case;
    let mut details = vec![
        ("案由".to_string(), c.cause.clone()),
        ("阶段".into(), stage_label(&c.stage).into()),
        ("办案部门".into(), c.department_name.clone()),
        ("所在区域".into(), c.region_name.clone()),
        ("执法事项".into(), c.item_code.clone()),
        (
            "违法行为终了 / 发现 / 立案".into(),
            format!("{} / {} / {}", c.act_ended_on, c.discovered_on, c.filed_on),
        ),
    ];
    if let Some(n) = &c.decision_number {
        details.push(("决定书文号".into(), n.clone()));
        let (verdict, recommendation, reason) = cases::discretion_of(&state.store, id).await?;
        details.push((
            "裁量基准比对".into(),
            match recommendation {
                Some(r) => format!("{}：{r}", verdict.label_zh()),
                None => verdict.label_zh().into(),
            },
        ));
        if let Some(r) = reason {
            details.push(("偏离理由".into(), r));
        }
    }
    match evaluation::of_case(&state.store, &s.actor, id).await? {
        None => details.push(("案卷评查".into(), "尚未评查".into())),
        Some((score, grade, findings)) => {
            details.push((
                "案卷评查".into(),
                format!(
                    "{score} 分，{}，发现问题 {} 个",
                    grade.name(),
                    findings.len()
                ),
            ));
            for (rule, detail) in findings {
                details.push((
                    format!("评查发现 {}", rule.code),
                    format!(
                        "{}：{detail}（{}；{}）",
                        rule.description,
                        rule.basis,
                        if rule.veto {
                            "一票否决".to_string()
                        } else {
                            format!("扣 {} 分", rule.deduction)
                        }
                    ),
                ));
            }
        }
    }
    for p in &d.parties {
        details.push((
            "当事人".into(),
            format!(
                "{}（{}）",
                p.name,
                p.resident_id_masked
                    .clone()
                    .or(p.uscc.clone())
                    .unwrap_or_default()
            ),
        ));
        if let Some(l) = &p.legal_representative {
            details.push(("法定代表人".into(), l.clone()));
        }
        if let Some(m) = &p.phone_masked {
            details.push(("联系电话".into(), m.clone()));
        }
    }
    let contents = file_contents::list(&state.store, id).await?;
    for (n, doc) in contents.iter().enumerate() {
        details.push((format!("卷内文件 {}", n + 1), file_document_line(doc)));
    }
    for e in &d.events {
        details.push((
            format!("{} {}", e.happened_on, stage_label(&e.stage)),
            format!("{}（{}）", e.note, e.actor_name),
        ));
    }
    for dl in &d.deadlines {
        details.push((
            "期限".into(),
            format!(
                "{}：{} 届满（{}）",
                dl.purpose,
                dl.due_on,
                deadline_state_label(&dl.state)
            ),
        ));
    }
    let mut links: Vec<Link> = fazhi_core::inspection::acts::of_case(&state.store, id)
        .await?
        .into_iter()
        .map(|code| {
            link(
                format!("/public/acts/{code}"),
                "行政行为码（由检查而来，当事人可扫码查看进展）",
            )
        })
        .collect();
    if c.decision_number.is_some() {
        links.push(link(
            format!("/enforcement/cases/{id}/disclosure"),
            "行政处罚决定公开（公开前审查）",
        ));
    }
    if s.actor.can(Permission::CaseHandle) {
        for (code, name, _) in fazhi_core::enforcement::documents::BUILTIN {
            links.push(link(
                format!("/enforcement/cases/{id}/documents/{code}.docx"),
                format!("生成{name}（.docx）"),
            ));
        }
        links.push(link(
            format!("/supervision/transfers/new?case_id={id}"),
            "涉嫌犯罪的，移送公安机关（行刑衔接）",
        ));
    }
    let sections = if s.actor.can(Permission::CaseHandle) {
        let (open, case) = case::open_steps(&state.store, &s.actor, id).await?;
        let mut sections: Vec<FormSection> = open.iter().map(|st| step_form(id, *st)).collect();
        if let Some(next) = sections.first_mut() {
            next.title = format!("下一步：{}", next.title);
        }
        // Each step is applied to the version of the case it was shown with (else 409).
        for section in &mut sections {
            section.hidden.push(("version", case.version.to_string()));
        }
        if case.stage != Stage::Archived {
            sections.extend(file_document_forms(
                id,
                &contents,
                d.parties.first().map(|p| p.name.as_str()),
            ));
        }
        sections
    } else {
        Vec::new()
    };
    Ok(SectionsPage {
        layout: layout(s),
        title: format!(
            "案件 {}",
            c.decision_number
                .clone()
                .unwrap_or_else(|| c.id.to_string())
        ),
        intro: String::new(),
        error,
        details,
        sections,
        links,
    })
}

/// A registered document in one line: kind, number, date, party, amount, signatures, seal.
fn file_document_line(d: &file_contents::DocumentView) -> String {
    let mut parts = vec![d.kind_name.to_string()];
    parts.extend(d.number.clone());
    parts.push(d.dated_on.clone());
    if let Some(p) = &d.party {
        parts.push(format!("当事人 {p}"));
    }
    if let Some(a) = &d.amount {
        parts.push(format!("金额 {a} 元"));
    }
    if d.officers > 0 {
        parts.push(format!(
            "执法人员签名 {} 人（载明执法证号 {} 人）",
            d.officers, d.certified
        ));
    }
    if d.party_signed {
        parts.push("当事人已签名或注明拒签".into());
    }
    if d.sealed {
        parts.push("已盖章".into());
    }
    parts.push(format!("{} 页", d.pages));
    parts.join("，")
}

/// The forms to register a document in the case file and to take a wrong one out.
fn file_document_forms(
    id: i64,
    contents: &[file_contents::DocumentView],
    party: Option<&str>,
) -> Vec<FormSection> {
    let kinds = file_contents::DocKind::ALL
        .iter()
        .map(|k| (k.code().to_string(), k.name().to_string()))
        .collect();
    let yes = |name: &'static str, label: &'static str| {
        Field::checkboxes(name, label, vec![("1".into(), "是".into())], &[])
    };
    let mut forms = vec![FormSection {
        title: "登记卷内文件（案卷评查据此核对文书是否齐全、一致）".into(),
        action: format!("/enforcement/cases/{id}/file-documents"),
        hidden: Vec::new(),
        fields: vec![
            Field::select("kind", "文书种类", kinds, "").required(),
            Field::text("number", "文号", "", 60),
            Field::date("dated_on", "文书日期", "").required(),
            Field::text("party", "文书载明的当事人", party.unwrap_or_default(), 100),
            Field::text("amount", "文书载明的金额（元）", "", 20)
                .hint("拟罚款、决定罚款或缴款金额；没有的不填"),
            Field::text("officers", "签名的执法人员人数", "", 2),
            Field::text("certified", "其中载明执法证号的人数", "", 2),
            yes("party_signed", "当事人签名（或注明拒签）"),
            yes("sealed", "加盖行政机关印章"),
            Field::text("pages", "页数", "1", 4),
        ],
        submit: "登记",
    }];
    if !contents.is_empty() {
        forms.push(FormSection {
            title: "删除登记有误的卷内文件".into(),
            action: format!("/enforcement/cases/{id}/file-documents/remove"),
            hidden: Vec::new(),
            fields: vec![
                Field::select(
                    "document",
                    "卷内文件",
                    contents
                        .iter()
                        .map(|d| (d.id.to_string(), file_document_line(d)))
                        .collect(),
                    "",
                )
                .required(),
            ],
            submit: "删除",
        });
    }
    forms
}

/// Registers a document in the case file (卷内文件).
pub async fn register_file_document(
    State(state): State<AppState>,
    s: Signed,
    Path(id): Path<i64>,
    f: FormData,
) -> Result<Response, PageError> {
    require(&s, Permission::CaseHandle)?;
    let input = file_contents::NewDocument {
        case_id: id,
        kind: f.get("kind").to_string(),
        number: f.opt("number"),
        dated_on: f.get("dated_on").to_string(),
        party: f.opt("party"),
        amount: f.opt("amount"),
        officers: f.get("officers").to_string(),
        certified: f.get("certified").to_string(),
        party_signed: f.get("party_signed") == "1",
        sealed: f.get("sealed") == "1",
        pages: f.get("pages").to_string(),
    };
    let today = fazhi_core::deadlines::china_today();
    let result = file_contents::register(&state.store, &s.actor, today, &input)
        .await
        .map(|_| ());
    back_to_case(&state, &s, id, result).await
}

/// Takes a wrongly registered document out of the case file.
pub async fn remove_file_document(
    State(state): State<AppState>,
    s: Signed,
    Path(id): Path<i64>,
    f: FormData,
) -> Result<Response, PageError> {
    require(&s, Permission::CaseHandle)?;
    let result = match f.get("document").trim().parse::<i64>() {
        Ok(doc) => file_contents::remove(&state.store, &s.actor, id, doc).await,
        Err(_) => Err(Error::invalid("document", "请选择要删除的卷内文件。")),
    };
    back_to_case(&state, &s, id, result).await
}

/// After a change to case `id`: back to its page, or the page again with what was wrong.
async fn back_to_case(
    state: &AppState,
    s: &Signed,
    id: i64,
    result: Result<(), Error>,
) -> Result<Response, PageError> {
    match result {
        Ok(()) => Ok(Redirect::to(&format!("/enforcement/cases/{id}")).into_response()),
        Err(e @ (Error::Store(_) | Error::NotFound | Error::Forbidden)) => Err(PageError(e)),
        Err(e) => Ok((
            crate::error::status_of(&e),
            record(state, s, id, Some(e.message_zh())).await?,
        )
            .into_response()),
    }
}

pub async fn show(
    State(state): State<AppState>,
    s: Signed,
    Path(id): Path<i64>,
) -> Result<Response, PageError> {
    Ok(record(&state, &s, id, None).await?.into_response())
}

/// The fine typed in yuan; none typed is zero.
fn parse_fine(f: &FormData) -> Result<Fen, Error> {
    match f.opt("fine") {
        Some(v) => {
            Fen::parse_yuan(&v).map_err(|e| Error::invalid("fine", format!("罚款金额无效：{e}")))
        }
        None => Ok(Fen::ZERO),
    }
}

fn parse_action(f: &FormData) -> Result<Action, Error> {
    let on = fazhi_kernel::date::parse(f.get("on"))
        .ok_or_else(|| Error::invalid("on", "请填写日期（YYYY-MM-DD）。"))?;
    Ok(match f.get("action") {
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
            }
        }
        "investigate" => Action::Investigate {
            on,
            facts: f.get("facts").to_string(),
            evidence: f.get("evidence").lines().map(str::to_string).collect(),
        },
        "waive" => Action::Waive { on },
        "hearing_requested" => Action::HearingRequested { on },
        "hearing_notice" => Action::HearingNotice {
            on,
            hearing_on: fazhi_kernel::date::parse(f.get("hearing_on"))
                .ok_or_else(|| Error::invalid("hearing_on", "请填写听证日（YYYY-MM-DD）。"))?,
        },
        "hearing_held" => Action::HearingHeld { on },
        "legal_review" => Action::LegalReview { on },
        "decide" => {
            let decision = Decision::parse(f.get("outcome")).unwrap_or(Decision::Fine);
            let fine = parse_fine(f)?;
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
            fine: parse_fine(f)?,
        },
        "rectify" => Action::Rectify {
            on,
            rectify_by: fazhi_kernel::date::parse(f.get("rectify_by"))
                .ok_or_else(|| Error::invalid("rectify_by", "请填写改正期限（YYYY-MM-DD）。"))?,
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
        "archive" => Action::Archive { on },
        "close" => Action::Close {
            on,
            approver: f.opt("approver"),
        },
        _ => return Err(Error::invalid("action", "请选择操作。")),
    })
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
            let (cal, policy) = fazhi_core::deadlines::in_force(&state.store).await?;
            // The version the form was made from (every step form carries it).
            let seen = f.get("version").trim().parse::<i64>().ok();
            case::apply(&state.store, &s.actor, &cal, policy, id, seen, &action).await
        }
        Err(e) => Err(e),
    };
    back_to_case(&state, &s, id, result).await
}

pub async fn document(
    State(state): State<AppState>,
    s: Signed,
    Path((id, file)): Path<(i64, String)>,
) -> Result<Response, PageError> {
    let code = file.strip_suffix(".docx").ok_or(Error::NotFound)?;
    let bytes = cases::document(&state.store, &s.actor, &state.keyring, id, code).await?;
    Ok(super::docx_response(
        &format!("case-{id}-{code}.docx"),
        bytes,
    ))
}

fn ledger_form(s: &Signed, error: Option<String>) -> FormPage {
    let mut page = FormPage::upload(
        layout(s),
        "导入案件台账",
        "/enforcement/cases/import",
        "手工台账或其他系统导出的案件，每行一件（一个当事人），列见模板。按“来源系统 + 来源编号”识别：重复导入不会重复，内容有变则更新。有误的行逐行列出行号和原因，不写入；其余行写入。",
        error,
    );
    page.links = vec![
        link("/enforcement/cases/import/template.xlsx", "下载台账模板"),
        link("/enforcement/cases", "返回案件列表"),
    ];
    page
}

pub async fn ledger_page(s: Signed) -> Result<Response, PageError> {
    require(&s, Permission::CaseHandle)?;
    Ok(ledger_form(&s, None).into_response())
}

pub async fn ledger_template(s: Signed) -> Result<Response, PageError> {
    require(&s, Permission::CaseHandle)?;
    Ok(super::enforcement::xlsx_response(
        fazhi_core::enforcement::ledger::template()?,
        "case-ledger-template.xlsx",
    ))
}

pub async fn ledger_import(
    State(state): State<AppState>,
    s: Signed,
    multipart: axum::extract::Multipart,
) -> Result<Response, PageError> {
    require(&s, Permission::CaseHandle)?;
    let bytes = match super::enforcement::read_upload(multipart, |e| ledger_form(&s, Some(e))).await
    {
        Ok(b) => b,
        Err(r) => return Ok(r),
    };
    let report = match fazhi_core::enforcement::ledger::import(
        &state.store,
        &s.actor,
        &state.keyring,
        &bytes,
    )
    .await
    {
        Ok(r) => r,
        Err(Error::Store(e)) => return Err(PageError(Error::Store(e))),
        Err(e) => {
            fazhi_core::audit::import_rejected(
                &state.store,
                &s.actor,
                "case_ledger",
                serde_json::json!({ "code": e.code(), "reason": e.message_zh(), "bytes": bytes.len() }),
            )
            .await?;
            return Ok((
                crate::error::status_of(&e),
                ledger_form(&s, Some(e.message_zh())),
            )
                .into_response());
        }
    };
    let rows = report
        .errors
        .iter()
        .map(|e| vec![cell(e.line.to_string()), cell(&e.reason)])
        .collect::<Vec<_>>();
    Ok(ListPage {
        layout: layout(&s),
        title: "案件台账导入结果".into(),
        intro: format!(
            "新增 {} 件，更新 {} 件，未变 {} 件，有误 {} 行（未写入）。",
            report.inserted, report.updated, report.unchanged, report.rejected
        ),
        actions: vec![
            link("/enforcement/cases/import", "继续导入"),
            link("/enforcement/cases", "查看案件"),
        ],
        filters: Vec::new(),
        count_text: String::new(),
        headers: vec!["行号", "原因"],
        rows,
        next: None,
    }
    .into_response())
}
