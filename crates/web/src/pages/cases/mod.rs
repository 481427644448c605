//! Penalty case pages: the list (filters, keyset pages), filing a case, and a case's record with
//! its parties (masked), timeline (流程记录) and deadlines.
//!
//! The list and filing are here; a case's page in `page`, its step forms in `steps`.

use axum::extract::{Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use fazhi_core::enforcement::cases::{self, CaseFilter, NewCase, NewParty};
use fazhi_core::enforcement::rules::PartyKind;
use fazhi_core::{Error, Permission};
use serde::{Deserialize, Serialize};

use super::long_jobs::JobSpec;
use super::org::form_error;
use super::{layout, require};
use crate::AppState;
use crate::error::PageError;
use crate::form::FormData;
use crate::listing::{ListParams, ListUrl, no_rows, status, total_or_refusal, total_text};
use crate::session::Signed;
use crate::view::*;
use fazhi_core::long_jobs::{JobKind, Outcome};

mod page;
mod steps;
pub use page::*;
pub use steps::*;

#[derive(Clone, Default, Deserialize, Serialize)]
pub struct ListQuery {
    #[serde(skip_serializing_if = "Option::is_none")]
    region_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    item_code: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    stage: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    procedure: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    filed_from: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    filed_until: Option<String>,
    /// "1": only cases on items delegated to the filing town (the figures' 赋权镇乡案件).
    #[serde(skip_serializing_if = "Option::is_none")]
    delegated: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    filing_town: Option<String>,
    /// A rule code of the evaluation sheet: only cases it found.
    #[serde(skip_serializing_if = "Option::is_none")]
    finding: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    department_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    grade: Option<String>,
    /// Words (in the decision number, cause or a party's name), sort, page size, cursors.
    #[serde(flatten)]
    list: ListParams,
}

impl ListQuery {
    fn filter(&self) -> CaseFilter {
        CaseFilter {
            region_id: self.region_id.as_deref().and_then(|r| r.parse().ok()),
            item_code: self.item_code.clone(),
            stage: self.stage.clone(),
            procedure: self.procedure.clone(),
            filed_from: self.filed_from.clone(),
            filed_until: self.filed_until.clone(),
            delegated: self.delegated.as_deref() == Some("1"),
            filing_town: self.filing_town.as_deref().and_then(|r| r.parse().ok()),
            finding: self.finding.clone(),
            text: self.list.q.clone(),
            department_id: self.department_id.as_deref().and_then(|r| r.parse().ok()),
            grade: self.grade.clone(),
        }
    }
}

/// The grades a list filters by: (code, name).
const GRADES: [(&str, &str); 5] = [
    ("excellent", "优秀"),
    ("pass", "合格"),
    ("fail", "不合格"),
    ("evaluated", "已评查（任一等次）"),
    ("none", "未评查"),
];

/// Exactly the cases the list shows under its filters and in its order, as .xlsx (audited as an
/// export), built as a job the page shows the progress of.
pub async fn export(
    State(state): State<AppState>,
    s: Signed,
    Query(q): Query<ListQuery>,
) -> Result<Response, PageError> {
    let filter = q.filter();
    // Refused before the job starts: the filter's own errors are the page's, not the job's.
    let counted = cases::count(&state.store, &s.actor, &filter).await?;
    let (order, _, _) = q.list.afford(cases::SORTS, counted);
    let actor = s.actor.clone();
    super::long_jobs::export(
        &state,
        &s,
        "导出行政处罚案件",
        "cases.xlsx",
        "/enforcement/cases",
        move |store, rows| async move {
            cases::export(&store, &actor, &filter, &order, &*rows).await
        },
    )
    .await
}

pub async fn list(
    State(state): State<AppState>,
    s: Signed,
    Query(q): Query<ListQuery>,
) -> Result<Response, PageError> {
    let filter = q.filter();
    let (counted, refused) = total_or_refusal(cases::count(&state.store, &s.actor, &filter).await)?;
    let (order, shown, sort_note) = q.list.afford(cases::SORTS, counted);
    let page = match refused {
        None => cases::list(&state.store, &s.actor, &filter, order).await?,
        Some(_) => no_rows(),
    };
    let total_text = total_text(counted, "件");
    let url = ListUrl::new("/enforcement/cases", &q, &shown);
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
                cell(c.party_name.as_deref().unwrap_or("")),
                cell(&c.cause),
                cell(&c.department_name),
                cell(&c.region_name),
                cell(&c.item_code),
                cell(c.stage_shown()),
                cell(&c.filed_on),
                cell(match (c.score, c.grade.as_deref()) {
                    (Some(score), Some(g)) => format!(
                        "{score}（{}）",
                        GRADES
                            .iter()
                            .find(|(code, _)| *code == g)
                            .map_or(g, |(_, n)| n)
                    ),
                    _ => "未评查".into(),
                }),
            ]
        })
        .collect::<Vec<_>>();
    let (prev, next) = url.pager(&page);
    let mut regions = vec![(String::new(), "全部".to_string())];
    regions.extend(
        fazhi_core::org::service::regions_in_scope(&state.store, &s.actor)
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
    stages.push((cases::DISPUTING.into(), "行政复议或诉讼中".into()));
    let mut actions = vec![link(
        url.at("/enforcement/cases/export.xlsx"),
        format!("导出 Excel（当前筛选的 {total_text}）"),
    )];
    if s.actor.can(Permission::CaseHandle) {
        actions.push(link("/enforcement/cases/new", "立案"));
        actions.push(link("/enforcement/cases/import", "导入案件台账"));
    }
    Ok((
        status(&refused),
        ListPage {
            layout: layout(&s),
            title: "行政处罚案件".into(),
            intro: format!("您可查看的范围：{}。", s.actor.scope.kind.label_zh()),
            actions,
            filters: vec![
                Field::text(
                    "q",
                    "案号、案由或当事人",
                    q.list.q.clone().unwrap_or_default(),
                    100,
                ),
                Field::select(
                    "department_id",
                    "办案部门",
                    std::iter::once((String::new(), "全部".to_string()))
                        .chain(
                            fazhi_core::org::service::departments(&state.store, &s.actor)
                                .await
                                .unwrap_or_default()
                                .into_iter()
                                .map(|d| (d.id.to_string(), d.name)),
                        )
                        .collect(),
                    q.department_id.as_deref().unwrap_or(""),
                ),
                Field::select(
                    "grade",
                    "评查等次",
                    std::iter::once((String::new(), "全部".to_string()))
                        .chain(GRADES.iter().map(|(c, n)| (c.to_string(), n.to_string())))
                        .collect(),
                    q.grade.as_deref().unwrap_or(""),
                ),
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
                                .map(|r| {
                                    (r.code.to_string(), format!("{} {}", r.code, r.description))
                                }),
                        )
                        .collect(),
                    q.finding.as_deref().unwrap_or(""),
                ),
                q.list.size_field(),
            ],
            error: refused,
            count_text: format!(
                "共 {total_text}，本页 {} 件{}",
                rows.len(),
                sort_note.map(|n| format!("。{n}")).unwrap_or_default()
            ),
            hidden: shown.hidden(),
            headers: url.headers(&[
                ("案号", Some("number")),
                ("当事人", None),
                ("案由", None),
                ("办案部门", None),
                ("所在区域", None),
                ("事项", None),
                ("阶段", None),
                ("立案日期", Some("filed_on")),
                ("评查得分", Some("score")),
            ]),
            rows,
            next,
            prev,
        },
    )
        .into_response())
}

async fn new_form(
    state: &AppState,
    s: &Signed,
    f: Option<&FormData>,
) -> Result<FormPage, PageError> {
    let depts = fazhi_core::org::service::departments(&state.store, &s.actor).await?;
    let items = fazhi_core::enforcement::catalog::service::items_for_office(
        &state.store,
        s.actor.scope.department_id,
        fazhi_core::deadlines::china_today(),
    )
    .await?;
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
        Field::text("item_code", "执法事项", pick("item_code"), 64)
            .required()
            .suggest(
                items
                    .iter()
                    .map(|i| (i.code.clone(), format!("{} {}", i.code, i.name)))
                    .collect(),
            )
            .hint(format!(
                "输入编码或名称可搜索；本单位今日可办理的事项 {} 项（镇乡街道为已赋权的事项）。",
                items.len()
            )),
        Field::text("cause", "案由", pick("cause"), 200).required(),
        Field::date("act_ended_on", "违法行为终了日", pick("act_ended_on")).required(),
        Field::date("discovered_on", "发现日", pick("discovered_on")).required(),
        Field::date("filed_on", "立案日", pick("filed_on")).required(),
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
        )
        .required(),
        Field::textarea("summary", "简要案情", pick("summary"))
            .max(1000)
            .required(),
        Field::text("approver", "立案审批人（负责人）", pick("approver"), 50).required(),
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
    // A missing or malformed day is refused by `cases::file` with the form's other faults.
    let date = |n: &str| fazhi_kernel::date::parse(f.get(n));
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
        act_ended_on: date("act_ended_on"),
        discovered_on: date("discovered_on"),
        filed_on: date("filed_on"),
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
            let in_force = state.in_force().await?;
            cases::file(&state.ctx(&s.actor, &in_force), &input).await
        }
        Err(e) => Err(e),
    };
    match result {
        Ok(id) => Ok(Redirect::to(&format!("/enforcement/cases/{id}")).into_response()),
        Err(e) => form_error(new_form(&state, &s, Some(&f)).await?, e),
    }
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
    let size = bytes.len();
    let rows = match fazhi_core::enforcement::ledger::read(bytes).await {
        Ok(rows) => rows,
        Err(Error::Store(e)) => return Err(PageError(Error::Store(e))),
        Err(e) => {
            fazhi_core::audit::import_rejected(
                &state.store,
                &s.actor,
                "case_ledger",
                serde_json::json!({ "code": e.code(), "reason": e.message_zh(), "bytes": size }),
            )
            .await?;
            return Ok((
                crate::error::status_of(&e),
                ledger_form(&s, Some(e.message_zh())),
            )
                .into_response());
        }
    };
    // Writing thousands of cases takes a while: a job, its page counting the rows.
    let (actor, keyring) = (s.actor.clone(), state.keyring.clone());
    let spec = JobSpec {
        kind: JobKind::Import,
        title: "导入案件台账",
        file_name: None,
        return_to: "/enforcement/cases",
    };
    super::long_jobs::start(&state, &s, spec, move |store, progress| async move {
        let report = fazhi_core::enforcement::ledger::import(
            &store,
            &actor,
            &keyring,
            rows,
            &|done, refused| progress(done, refused),
        )
        .await?;
        Ok(Outcome::Report {
            report: serde_json::json!({
                "summary": format!(
                    "新增 {} 件，更新 {} 件，未变 {} 件，有误 {} 行（未写入）。",
                    report.inserted, report.updated, report.unchanged, report.rejected
                ),
                "errors": report.errors,
            }),
            rows: report.inserted + report.updated + report.unchanged + report.rejected,
            errors: report.rejected,
        })
    })
    .await
}
