//! A case's page: its record, parties (masked), evaluation findings, timeline (流程记录), deadlines, registered file contents, and the documents it generates.

use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use fazhi_core::enforcement::case::{self, Stage, Step};
use fazhi_core::enforcement::cases;
use fazhi_core::enforcement::file_contents;
use fazhi_core::supervision::evaluation;
use fazhi_core::{Error, Permission};

use super::super::{layout, require};
use crate::AppState;
use crate::error::PageError;
use crate::form::FormData;
use crate::session::Signed;
use crate::view::*;

use super::*;

/// A finding in one line: what was found, the rule, its basis and its weight.
fn finding_line(rule: &fazhi_core::supervision::sheet::Rule, detail: &str) -> String {
    format!(
        "{detail}（{} {}；{}；{}）",
        rule.code,
        rule.description,
        rule.basis,
        if rule.veto {
            "一票否决".to_string()
        } else {
            format!("扣 {} 分", rule.deduction)
        }
    )
}

/// The page after an action (`done`: the step or change just made, said once at the top; or,
/// refused, `refill`: what was posted, shown again in its form and that form first, with
/// `refused` — each field the refusal named and its message — marked).
pub(super) async fn record_after(
    state: &AppState,
    s: &Signed,
    id: i64,
    error: Option<String>,
    done: Option<&str>,
    refill: Option<&FormData>,
    refused: &[(&str, String)],
) -> Result<SectionsPage, PageError> {
    let d = cases::get(&state.store, &s.actor, id).await?;
    let c = &d.case;
    let mut details = vec![
        ("案由".to_string(), c.cause.clone()),
        ("阶段".into(), c.stage_shown()),
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
    // Open cases show their findings as warnings to act on (办案中预警); an archived file's
    // stay with its record.
    let open_case = c.stage != "archived";
    let mut warnings: Vec<(String, String)> = Vec::new();
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
                if open_case {
                    warnings.push(("待纠正：".into(), finding_line(rule, &detail)));
                } else {
                    details.push((
                        format!("评查发现 {}", rule.code),
                        finding_line(rule, &detail),
                    ));
                }
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
    let mut table = None;
    for e in &d.events {
        details.push((
            format!("{} {}", e.happened_on, cases::event_label(&e.stage)),
            format!("{}（{}）", e.note, e.actor_name),
        ));
    }
    for dl in &d.deadlines {
        details.push((
            "期限".into(),
            format!("{}：{} 届满（{}）", dl.purpose, dl.due_on, dl.state_zh()),
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
    // Its legal reviews requested in fazhi (法制审核, art. 58).
    for r in fazhi_core::review::of_case(&mut *state.store.conn().await?, id).await? {
        links.push(link(
            format!("/review/requests/{}", r.id),
            format!(
                "法制审核（合法性审查 {}，{}）",
                r.id,
                if r.concluded {
                    "已办结"
                } else {
                    "办理中"
                }
            ),
        ));
    }
    if c.decision_number.is_some() && s.actor.can(Permission::CaseHandle) {
        links.push(link(
            format!("/enforcement/cases/{id}/disclosure"),
            "行政处罚决定公开（公开前审查）",
        ));
    }
    let handles = s.actor.can(Permission::CaseHandle);
    let in_force = state.in_force().await?;
    let (open, case) = if handles {
        let (open, case) = case::open_steps(&state.store, &s.actor, &in_force.0, id).await?;
        (open, Some(case))
    } else {
        (Vec::new(), None)
    };
    if let Some(case) = &case {
        // The documents this case has a use for by now, each from the step that makes it.
        let progress = case.progress(fazhi_core::deadlines::china_today());
        for (code, name, _) in fazhi_core::enforcement::documents::BUILTIN {
            if fazhi_core::enforcement::documents::offered(code, &progress) {
                links.push(link(
                    format!("/enforcement/cases/{id}/documents/{code}.docx"),
                    format!("生成{name}（.docx）"),
                ));
            }
        }
        let settings =
            fazhi_core::enforcement::documents::settings(&state.store, case.department_id).await?;
        let unset: Vec<&str> = [
            (settings.payment_account.is_none(), "缴款银行和账号"),
            (settings.reconsideration_body.is_none(), "行政复议机关"),
            (settings.court.is_none(), "人民法院"),
        ]
        .iter()
        .filter(|(missing, _)| *missing)
        .map(|(_, what)| *what)
        .collect();
        if !unset.is_empty() {
            warnings.push((
                "文书设置：".into(),
                format!(
                    "本部门尚未设置{}，决定书中将显示“（待填写）”，公开前审查不予通过。{}",
                    unset.join("、"),
                    if s.actor.can(Permission::CatalogManage) {
                        "请在“执法文书设置”中填写。"
                    } else {
                        "请联系司法局执法监督人员在“执法文书设置”中填写。"
                    }
                ),
            ));
            if s.actor.can(Permission::CatalogManage) {
                links.push(link(
                    "/enforcement/document-settings".to_string(),
                    "执法文书设置（缴款账户、复议机关、人民法院）",
                ));
            }
        }
        links.push(
            match fazhi_core::supervision::transfers::of_case(&state.store, &s.actor, id).await? {
                Some(t) => link(
                    format!("/supervision/transfers/{t}"),
                    "已移送公安机关：查看移送和公安机关的审查结果",
                ),
                None => link(
                    format!("/supervision/transfers/new?case_id={id}"),
                    "涉嫌犯罪的，移送公安机关（行刑衔接）",
                ),
            },
        );
    }
    let sections = if let Some(case) = &case {
        let mut sections: Vec<FormSection> = open.iter().map(|st| step_form(id, *st)).collect();
        if let Some(next) = sections.first_mut() {
            next.title = format!("下一步：{}", next.title);
        }
        // What the file lacks for the next step, before it is taken.
        if let Some(next) = open.first() {
            let today = fazhi_core::deadlines::china_today();
            for (rule, detail) in
                evaluation::before_step(&state.store, &s.actor, id, *next, today).await?
            {
                warnings.push((
                    format!("{}前：", next.label_zh()),
                    finding_line(rule, &detail),
                ));
            }
        }
        // Each step is applied to the version of the case it was shown with (else 409).
        for section in &mut sections {
            section.hidden.push(("version", case.version.to_string()));
        }
        if case.stage != Stage::Archived && !contents.is_empty() {
            let mut paper = paper_table(id, &contents);
            // A refused table comes back as it was typed, not as stored.
            if let Some(posted) = refill.filter(|p| !p.get("documents").is_empty()) {
                for cell in paper.rows.iter_mut().flat_map(|r| r.cells.iter_mut()) {
                    if cell.checkbox {
                        cell.checked = posted.get(&cell.name) == "1";
                    } else {
                        cell.value = posted.get(&cell.name).to_string();
                    }
                }
            }
            table = Some(paper);
        }
        if let Some(posted) = refill {
            refill_posted(&mut sections, posted, refused);
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
        notice: done.map(done_notice),
        warnings,
        table,
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

/// The refused step's form with what was posted and every refused field marked, moved first
/// so the error above is beside it.
fn refill_posted(sections: &mut Vec<FormSection>, posted: &FormData, refused: &[(&str, String)]) {
    let action = posted.get("action");
    if let Some(at) = sections
        .iter()
        .position(|f| f.hidden.iter().any(|(k, v)| *k == "action" && v == action))
    {
        let mut form = sections.remove(at);
        form.refill(posted, refused);
        sections.insert(0, form);
    }
}

/// What was just done, in a sentence.
fn done_notice(done: &str) -> String {
    match done {
        "file_document" => "已登记卷内文件。".into(),
        "file_document_removed" => "已删除卷内文件。".into(),
        "paper" => "已保存卷内文件的签名、盖章和页数。".into(),
        "archive" => "已归档。案卷及卷内文件不再修改。".into(),
        code => match Step::parse(code) {
            Some(step) => format!(
                "已完成：{}。本步骤的文书已自动登记入卷，请在下方“卷内文件的签名、盖章和页数”中补全纸质文书的情况。",
                step.label_zh()
            ),
            None => "已保存。".into(),
        },
    }
}

/// The case file's documents as one table: what only the paper knows (the officers who signed
/// and how many with their certificate number, the party's signature, the seal, the pages),
/// completed in one submit.
fn paper_table(id: i64, contents: &[file_contents::DocumentView]) -> TableForm {
    let rows = contents
        .iter()
        .map(|d| {
            let label = format!(
                "{}{} {}",
                d.kind_name,
                d.number
                    .as_deref()
                    .map(|n| format!(" {n}"))
                    .unwrap_or_default(),
                d.dated_on
            );
            let number = |name: &str, column: &str, value: i64, max: u32| InputCell {
                name: format!("{name}_{}", d.id),
                label: column.into(),
                checkbox: false,
                value: value.to_string(),
                checked: false,
                max,
            };
            let check = |name: &str, column: &str, checked: bool| InputCell {
                name: format!("{name}_{}", d.id),
                label: column.into(),
                checkbox: true,
                value: "1".into(),
                checked,
                max: 1,
            };
            TableRow {
                label,
                cells: vec![
                    number("officers", "签名的执法人员", d.officers, 20),
                    number("certified", "其中载明执法证号", d.certified, 20),
                    check("party_signed", "当事人签名或注明拒签", d.party_signed),
                    check("sealed", "加盖印章", d.sealed),
                    number("pages", "页数", d.pages, 9999),
                ],
            }
        })
        .collect();
    TableForm {
        title: "卷内文件的签名、盖章和页数（各步骤的文书已自动入卷，纸质文书的情况在此一并填写）"
            .into(),
        action: format!("/enforcement/cases/{id}/file-documents/paper"),
        hidden: vec![(
            "documents",
            contents
                .iter()
                .map(|d| d.id.to_string())
                .collect::<Vec<_>>()
                .join(","),
        )],
        columns: vec![
            "签名的执法人员",
            "其中载明执法证号",
            "当事人签名或注明拒签",
            "加盖印章",
            "页数",
        ],
        rows,
        submit: "保存",
    }
}

/// Completes the paper facts of the case file's documents (the table).
pub async fn complete_file_documents(
    State(state): State<AppState>,
    s: Signed,
    Path(id): Path<i64>,
    f: FormData,
) -> Result<Response, PageError> {
    require(&s, Permission::CaseHandle)?;
    let rows: Result<Vec<file_contents::PaperFacts>, Error> =
        f.get("documents")
            .split(',')
            .filter(|x| !x.trim().is_empty())
            .map(|x| {
                let doc: i64 = x.trim().parse().map_err(|_| {
                    Error::invalid("documents", "卷内文件清单无效，请刷新页面后重试。")
                })?;
                let field = |name: &str| f.get(&format!("{name}_{doc}")).to_string();
                Ok(file_contents::PaperFacts {
                    document_id: doc,
                    officers: field("officers"),
                    certified: field("certified"),
                    party_signed: field("party_signed") == "1",
                    sealed: field("sealed") == "1",
                    pages: field("pages"),
                })
            })
            .collect();
    let result = match rows {
        Ok(rows) => file_contents::complete(&state.store, &s.actor, id, &rows).await,
        Err(e) => Err(e),
    };
    back_to_case(&state, &s, id, "paper", Some(&f), result).await
}

/// A registered document in one line: kind, number, date, party, amount, signatures, seal.
pub(super) fn file_document_line(d: &file_contents::DocumentView) -> String {
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
pub(super) fn file_document_forms(
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
    back_to_case(&state, &s, id, "file_document", None, result).await
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
    back_to_case(&state, &s, id, "file_document_removed", None, result).await
}

/// After a change to case `id`: the file evaluated again at once (its findings and warnings
/// on the page, its handler told of new ones), and back to its page saying what was `done`;
/// or the page again with what was wrong.
pub(super) async fn back_to_case(
    state: &AppState,
    s: &Signed,
    id: i64,
    done: &str,
    posted: Option<&FormData>,
    result: Result<(), Error>,
) -> Result<Response, PageError> {
    match result {
        Ok(()) => {
            // The change is committed; an evaluation that fails now is caught up by the
            // periodic run, so it does not turn a done step into an error page.
            if let Err(e) = evaluation::evaluate_case(&state.store, &s.actor, id).await {
                tracing::warn!(case = id, error = %e, "evaluating the case after a change failed");
            }
            Ok(Redirect::to(&format!("/enforcement/cases/{id}?done={done}")).into_response())
        }
        Err(e @ (Error::Store(_) | Error::NotFound | Error::Forbidden)) => Err(PageError(e)),
        Err(e) => Ok((
            crate::error::status_of(&e),
            record_after(
                state,
                s,
                id,
                Some(e.message_zh()),
                None,
                posted,
                &e.refused_fields(),
            )
            .await?,
        )
            .into_response()),
    }
}

#[derive(serde::Deserialize)]
pub struct ShowQuery {
    done: Option<String>,
}

pub async fn show(
    State(state): State<AppState>,
    s: Signed,
    Path(id): Path<i64>,
    Query(q): Query<ShowQuery>,
) -> Result<Response, PageError> {
    Ok(
        record_after(&state, &s, id, None, q.done.as_deref(), None, &[])
            .await?
            .into_response(),
    )
}

pub async fn document(
    State(state): State<AppState>,
    s: Signed,
    Path((id, file)): Path<(i64, String)>,
) -> Result<Response, PageError> {
    let code = file.strip_suffix(".docx").ok_or(Error::NotFound)?;
    let bytes = cases::document(&state.store, &s.actor, &state.keyring, id, code).await?;
    Ok(super::super::docx_response(
        &format!("case-{id}-{code}.docx"),
        bytes,
    ))
}
