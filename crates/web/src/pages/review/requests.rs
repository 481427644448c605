//! Legality review requests: the list, submitting one, a request's page (its procedure's stages,
//! the current stage's materials, the open steps the user may take — the next first) and the
//! signed opinion as .docx.

use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use fazhi_core::review::procedure::{self, Procedure, Procedures};
use fazhi_core::review::{self, Action, Conclusion, LegalityReview, Step, allowed_steps};
use fazhi_core::{Error, deadlines};
use serde::Deserialize;

use super::super::{docx_response, layout, refused};
use crate::AppState;
use crate::error::PageError;
use crate::form::FormData;
use crate::session::Signed;
use crate::view::*;

fn kind_name(procedures: &Procedures, kind: &str) -> String {
    procedures
        .get(kind)
        .map_or_else(|_| kind.to_string(), |p| p.name.clone())
}

fn stage_text(r: &LegalityReview, p: &Procedure) -> String {
    match (r.state, p.stage(r.stage_index)) {
        (review::State::Concluded, _) => "已办结".into(),
        (review::State::Returned, _) => "退回修改".into(),
        (_, Some(s)) => format!("{} · {}", s.step, s.name),
        (_, None) => String::new(),
    }
}

#[derive(Clone, Default, Deserialize, serde::Serialize)]
pub struct ListQuery {
    #[serde(skip_serializing)]
    after: Option<i64>,
    #[serde(default)]
    kind: String,
    #[serde(default)]
    conclusion: String,
    /// A year: the opinions signed in it.
    #[serde(default)]
    concluded: String,
    /// A year: the requests submitted in it.
    #[serde(default)]
    submitted: String,
}

pub(crate) fn year_in(v: &str, field: &'static str) -> Result<Option<i32>, Error> {
    match v.trim() {
        "" => Ok(None),
        y => y
            .parse::<i32>()
            .ok()
            .filter(|y| (2000..=2100).contains(y))
            .map(Some)
            .ok_or_else(|| Error::invalid(field, format!("年度“{y}”应为四位数字，例如 2024。"))),
    }
}

fn kind_options(procedures: &Procedures, all: &str) -> Vec<(String, String)> {
    std::iter::once((String::new(), all.to_string()))
        .chain(
            procedures
                .all()
                .iter()
                .map(|p| (p.code.clone(), p.name.clone())),
        )
        .collect()
}

pub async fn list(
    State(state): State<AppState>,
    s: Signed,
    Query(q): Query<ListQuery>,
) -> Result<Response, PageError> {
    let mut error = None;
    let mut filter = review::Filter {
        kind: Some(q.kind.clone()).filter(|k| !k.is_empty()),
        conclusion: Conclusion::parse(&q.conclusion),
        ..Default::default()
    };
    match (
        year_in(&q.concluded, "concluded"),
        year_in(&q.submitted, "submitted"),
    ) {
        (Ok(c), Ok(s)) => {
            filter.concluded_in = c;
            filter.submitted_in = s;
        }
        (Err(e), _) | (_, Err(e)) => error = Some(e.message_zh()),
    }
    let page = review::list(&state.store, &s.actor, &filter, q.after).await?;
    let procedures = procedure::in_force(&state.store).await?;
    let qs = serde_urlencoded::to_string(&q).unwrap_or_default();
    let rows = page
        .items
        .iter()
        .map(|r| {
            let stage = procedures
                .get(&r.kind)
                .ok()
                .and_then(|p| p.stage(usize::try_from(r.stage_index).unwrap_or(0)))
                .map(|s| format!("{} · {}", s.step, s.name))
                .unwrap_or_default();
            vec![
                cell_link(r.title.clone(), format!("/review/requests/{}", r.id)),
                cell(kind_name(&procedures, &r.kind)),
                cell(r.department.clone()),
                cell(match r.state {
                    review::State::Open => stage,
                    other => other.label_zh().to_string(),
                }),
                cell(r.submitted_on.clone()),
                cell(
                    r.conclusion
                        .as_deref()
                        .and_then(Conclusion::parse)
                        .map_or("", Conclusion::label_zh),
                ),
            ]
        })
        .collect::<Vec<_>>();
    Ok(ListPage {
        prev: None,
        layout: layout(&s),
        title: "合法性审查".into(),
        intro: "各单位送审的政府议题、规范性文件、重大行政决策、行政合同、重大执法决定和镇乡事项，按各自的流程逐环节办理：必需的材料齐全才能进入下一环节，受理后审查期限开始计算，审查人员不得来自送审单位，审查意见书签署后可下载。".into(),
        actions: {
            let mut a = vec![
                link("/review/requests/new", "送审"),
                link("/review/assist", "合法性审查辅助"),
                link("/review/statistics", "审查统计"),
                link("/review/advisers", "审查人员库"),
            ];
            if s.actor.can(fazhi_core::Permission::NormativeManage) {
                a.push(link("/review/procedures", "流程配置"));
            }
            a
        },
        filters: vec![
            Field::select("kind", "类别", kind_options(&procedures, "全部类别"), &q.kind),
            Field::select(
                "conclusion",
                "审查结论",
                std::iter::once((String::new(), "全部".to_string()))
                    .chain(
                        Conclusion::ALL
                            .iter()
                            .map(|c| (c.code().to_string(), c.label_zh().to_string())),
                    )
                    .collect(),
                &q.conclusion,
            ),
            Field::text("submitted", "送审年度", q.submitted.clone(), 4),
            Field::text("concluded", "办结年度", q.concluded.clone(), 4),
        ],
        error,
        count_text: format!("本页 {} 件", rows.len()),
        hidden: Vec::new(),
        headers: plain(&["事项", "类别", "送审单位", "当前环节", "送审日期", "审查结论"]),
        rows,
        next: page.next.map(|n| format!("/review/requests?{qs}&after={n}")),
    }
    .into_response())
}

fn new_form(
    s: &Signed,
    procedures: &Procedures,
    cases: Vec<(i64, String)>,
    posted: Option<&FormData>,
    error: Option<Error>,
) -> Result<FormPage, PageError> {
    let pick =
        |name: &str, default: &str| posted.map_or(default.to_string(), |f| f.get(name).to_string());
    let mut page = FormPage::new(layout(s), "送审合法性审查", "/review/requests");
    page.intro = "以本单位名义送审。送审后按所选类别的流程逐环节提供材料。".into();
    let kinds = procedures
        .all()
        .iter()
        .map(|p| {
            (
                p.code.clone(),
                format!("{}（审查期限 {} 个工作日）", p.name, p.limit_days),
            )
        })
        .collect();
    page.fields = vec![
        Field::select("kind", "类别", kinds, &pick("kind", "normative")).required(),
        Field::text("title", "事项名称", pick("title", ""), 200).required(),
        Field::textarea("draft", "送审稿", pick("draft", ""))
            .required()
            .max(review::DRAFT_MAX)
            .hint("文件、决策草案或合同的全文；每条以“第×条”开头另起一行。"),
    ];
    if !cases.is_empty() {
        page.fields.push(
            Field::select(
                "case_id",
                "案件（仅重大执法决定法制审核）",
                std::iter::once((String::new(), "不关联案件".to_string()))
                    .chain(cases.into_iter().map(|(id, label)| (id.to_string(), label)))
                    .collect(),
                &pick("case_id", ""),
            )
            .hint("重大执法决定法制审核须选择所审核的案件；审核办结前，案件不能登记法制审核。"),
        );
    }
    if let Some(e) = error {
        mark(&mut page.fields, &e.refused_fields());
        page.error = Some(e.message_zh());
    }
    page.submit = "送审";
    page.links = vec![link("/review/requests", "返回")];
    Ok(page)
}

pub async fn new(State(state): State<AppState>, s: Signed) -> Result<Response, PageError> {
    if !s.actor.can(fazhi_core::Permission::CaseHandle)
        && !s.actor.can(fazhi_core::Permission::NormativeManage)
    {
        return Err(PageError(Error::Forbidden));
    }
    let cases = review::cases_open(&state.store, &s.actor).await?;
    let procedures = procedure::in_force(&state.store).await?;
    Ok(new_form(&s, &procedures, cases, None, None)?.into_response())
}

pub async fn create(
    State(state): State<AppState>,
    s: Signed,
    f: FormData,
) -> Result<Response, PageError> {
    let in_force = state.in_force().await?;
    match review::submit(
        &state.ctx(&s.actor, &in_force),
        f.get("kind"),
        f.get("title"),
        f.get("draft"),
        match f.get("case_id").trim() {
            "" => None,
            v => Some(
                v.parse::<i64>()
                    .map_err(|_| PageError(Error::invalid("case_id", "请从列表中选择案件。")))?,
            ),
        },
    )
    .await
    {
        Ok(id) => Ok(Redirect::to(&format!("/review/requests/{id}")).into_response()),
        Err(e @ (Error::Invalid { .. } | Error::Several(_))) => Ok((
            crate::error::status_of(&e),
            new_form(
                &s,
                &procedure::in_force(&state.store).await?,
                review::cases_open(&state.store, &s.actor).await?,
                Some(&f),
                Some(e),
            )?,
        )
            .into_response()),
        Err(e) => Err(PageError(e)),
    }
}

async fn sections(
    state: &AppState,
    s: &Signed,
    r: &LegalityReview,
    p: &Procedure,
) -> Result<Vec<FormSection>, PageError> {
    let stage = p.stage(r.stage_index);
    let base = |step: Step, title: String, fields: Vec<Field>, submit: &'static str| {
        FormSection::step(
            format!("/review/requests/{}", r.id),
            r.version,
            step.code(),
            title,
            fields,
            submit,
        )
    };
    let mut out = Vec::new();
    for step in allowed_steps(r, p) {
        if !review::may(&s.actor, r, p, step) {
            continue;
        }
        out.push(match step {
            Step::Advance => base(
                step,
                format!("完成本环节：{}", stage.map_or("", |s| s.name.as_str())),
                Vec::new(),
                "完成本环节",
            ),
            Step::Provide => {
                let materials = stage
                    .map(|s| {
                        s.materials
                            .iter()
                            .map(|m| {
                                let done = r
                                    .provided
                                    .iter()
                                    .any(|(st, c)| *st == s.code && *c == m.code);
                                (
                                    m.code.clone(),
                                    format!(
                                        "{}{}{}",
                                        m.name,
                                        if m.required { "（必需）" } else { "" },
                                        if done { " ✓ 已提供" } else { "" }
                                    ),
                                )
                            })
                            .collect::<Vec<_>>()
                    })
                    .unwrap_or_default();
                let first = materials
                    .iter()
                    .find(|(_, l)| !l.contains('✓'))
                    .or(materials.first())
                    .map(|m| m.0.clone())
                    .unwrap_or_default();
                base(
                    step,
                    "提供材料".into(),
                    vec![
                        Field::select("material", "材料", materials, &first).required(),
                        Field::textarea("note", "说明", String::new())
                            .required()
                            .max(500)
                            .hint("材料名称、页数或存放位置。"),
                    ],
                    "提供",
                )
            }
            Step::Assign => {
                let people = review::reviewers(&state.store)
                    .await?
                    .into_iter()
                    .map(|(id, name, _)| (id.to_string(), name))
                    .collect();
                base(
                    step,
                    "指定审查人员".into(),
                    vec![
                        Field::select(
                            "reviewer_id",
                            "审查人员",
                            people,
                            &r.reviewer_id.map(|i| i.to_string()).unwrap_or_default(),
                        )
                        .required(),
                        Field::checkboxes(
                            "no_conflict",
                            "回避声明",
                            vec![(
                                "1".into(),
                                "审查人员已声明与本事项及送审单位无利害关系".into(),
                            )],
                            &[],
                        ),
                    ],
                    "指定",
                )
            }
            Step::Consult => {
                let advisers = review::advisers::list(&state.store, &s.actor)
                    .await?
                    .into_iter()
                    .filter(|a| a.active && !r.consulted.iter().any(|c| c.adviser_id == a.id))
                    .map(|a| (a.id.to_string(), a.label()))
                    .collect::<Vec<_>>();
                if advisers.is_empty() {
                    continue;
                }
                base(
                    step,
                    "征求法律顾问、专家或“1+3+N”团队意见".into(),
                    vec![
                        Field::select("adviser_id", "审查人员库", advisers, "").required(),
                        Field::textarea("opinion", "其书面意见", String::new())
                            .required()
                            .max(review::transition::TEXT_MAX),
                        Field::checkboxes(
                            "no_conflict",
                            "回避声明",
                            vec![("1".into(), "其已声明与本事项及送审单位无利害关系".into())],
                            &[],
                        ),
                    ],
                    "记录意见",
                )
            }
            Step::Return => base(
                step,
                "退回修改".into(),
                vec![
                    Field::textarea("reason", "退回理由和修改要求", String::new())
                        .required()
                        .max(2000),
                ],
                "退回",
            ),
            Step::Resubmit => base(
                step,
                "修改后重新送审".into(),
                vec![
                    Field::textarea("draft", "修改后的送审稿", r.draft.clone())
                        .required()
                        .max(review::DRAFT_MAX),
                ],
                "重新送审",
            ),
            Step::Opinion => {
                let first_round = fazhi_core::review::assist::draft_opinion(
                    &r.title,
                    &fazhi_core::review::assist::flags(&r.draft),
                    &[],
                );
                base(
                    step,
                    "出具审查意见（签署）".into(),
                    vec![
                        Field::select(
                            "conclusion",
                            "审查结论",
                            Conclusion::ALL
                                .iter()
                                .map(|c| (c.code().to_string(), c.label_zh().to_string()))
                                .collect(),
                            Conclusion::Lawful.code(),
                        )
                        .required(),
                        Field::textarea("opinion", "审查意见", first_round)
                            .required()
                            .max(20_000)
                            .hint("已按辅助审查的提示起草初稿，请审查人员修改后签署。"),
                    ],
                    "签署审查意见",
                )
            }
        });
    }
    Ok(out)
}

async fn view(
    state: &AppState,
    s: &Signed,
    id: i64,
    error: Option<String>,
) -> Result<SectionsPage, PageError> {
    let r = review::get(&state.store, &s.actor, id).await?;
    let procedures = procedure::in_force(&state.store).await?;
    let p = procedures.get(&r.kind)?;
    let mut details = vec![
        ("类别".to_string(), p.name.clone()),
        ("送审单位".into(), r.department.clone()),
        ("当前环节".into(), stage_text(&r, p)),
        ("送审日期".into(), r.submitted_on.clone()),
        (
            "受理日期".into(),
            r.accepted_on.clone().unwrap_or_else(|| "未受理".into()),
        ),
        (
            "审查期限".into(),
            format!("受理后 {} 个工作日（{}）", p.limit_days, p.limit_source),
        ),
        (
            "审查人员".into(),
            r.reviewer_name.clone().unwrap_or_else(|| "未指定".into()),
        ),
    ];
    if r.returns > 0 {
        details.push((
            "退回修改".into(),
            format!(
                "{} 次；最近一次：{}",
                r.returns,
                r.return_reason.clone().unwrap_or_default()
            ),
        ));
    }
    for c in &r.consulted {
        details.push((
            format!("{}意见：{}", c.kind, c.name),
            format!("{}（{}）", c.opinion, c.on),
        ));
    }
    if let (Some(c), Some(n)) = (r.conclusion, &r.opinion_number) {
        details.push((
            "审查意见".into(),
            format!(
                "{n}：{}（{} {}）",
                c.label_zh(),
                r.signed_by.clone().unwrap_or_default(),
                r.signed_on.clone().unwrap_or_default()
            ),
        ));
    }
    let limits = deadlines::for_subject(&state.store, &s.actor, "legality_review", &id.to_string())
        .await
        .unwrap_or_default();
    for d in &limits {
        details.push((
            d.purpose.clone(),
            format!("{} 届满（{}）", d.due_on, d.state_zh()),
        ));
    }
    // The procedure at a glance: every stage, done, current or to come, with its materials.
    for (i, st) in p.stages.iter().enumerate() {
        let mark = if r.state == review::State::Concluded || i < r.stage_index {
            "✓ 已完成"
        } else if i == r.stage_index {
            "▶ 当前"
        } else {
            "待办"
        };
        let materials: Vec<String> = st
            .materials
            .iter()
            .map(|m| {
                let done = r
                    .provided
                    .iter()
                    .any(|(sc, mc)| *sc == st.code && *mc == m.code);
                format!(
                    "{}{}{}",
                    m.name,
                    if m.required { "（必需）" } else { "" },
                    if done { "✓" } else { "" }
                )
            })
            .collect();
        details.push((
            format!("{}. {} · {}", i + 1, st.step, st.name),
            format!(
                "{mark}{}",
                if materials.is_empty() {
                    String::new()
                } else {
                    format!("；材料：{}", materials.join("、"))
                }
            ),
        ));
    }
    let mut sections = sections(state, s, &r, p).await?;
    let mut links = vec![link("/review/requests", "返回审查事项")];
    if let Some(case) = r.case_id {
        links.insert(
            0,
            link(
                format!("/enforcement/cases/{case}"),
                format!("审核的案件 {case}"),
            ),
        );
    }
    match review::registered_as(&state.store, id).await? {
        Some((doc, number)) => {
            details.push(("登记发布".into(), format!("已登记为 {number}")));
            links.insert(
                0,
                link(
                    format!("/normative/documents/{doc}"),
                    format!("文件库：{number}"),
                ),
            );
        }
        None if r.kind == "normative"
            && r.state == review::State::Concluded
            && r.conclusion != Some(Conclusion::Unlawful)
            && s.actor.can(fazhi_core::Permission::NormativeManage) =>
        {
            let today = deadlines::china_today().to_string();
            sections.push(FormSection::step(
                format!("/review/requests/{id}"),
                r.version,
                "register",
                "登记发布（进入规范性文件库）",
                vec![
                    Field::text("number", "文号", String::new(), 40)
                        .required()
                        .hint("例如：店政发〔2026〕3号"),
                    Field::date("issued_on", "印发日期", today.clone()).required(),
                    Field::date("published_on", "公布日期", today),
                ],
                "登记发布",
            ));
        }
        None => {}
    }
    if r.opinion_number.is_some() {
        links.insert(
            0,
            link(
                format!("/review/requests/{id}/opinion.docx"),
                "下载审查意见书（.docx）",
            ),
        );
    }
    Ok(SectionsPage {
        notice: None,
        warnings: Vec::new(),
        table: None,
        layout: layout(s),
        title: r.title.clone(),
        intro: String::new(),
        error,
        details,
        sections,
        links,
    })
}

pub async fn show(
    State(state): State<AppState>,
    s: Signed,
    Path(id): Path<i64>,
) -> Result<Response, PageError> {
    Ok(view(&state, &s, id, None).await?.into_response())
}

async fn action(state: &AppState, f: &FormData) -> Result<Action, Error> {
    Ok(match f.get("action") {
        "provide" => Action::Provide {
            material: f.get("material").to_string(),
            note: f.get("note").to_string(),
        },
        "advance" => Action::Advance,
        "assign" => {
            let id = f.int("reviewer_id", "审查人员")?;
            let (_, name, department) = review::reviewers(&state.store)
                .await?
                .into_iter()
                .find(|(u, _, _)| *u == id)
                .ok_or_else(|| Error::invalid("reviewer_id", "请从审查中心人员中选择审查人员。"))?;
            Action::Assign {
                reviewer_id: id,
                reviewer_department_id: department,
                reviewer_name: name,
                no_conflict: f.get("no_conflict") == "1",
            }
        }
        "consult" => Action::Consult {
            adviser: review::advisers::get(&state.store, f.int("adviser_id", "审查人员库")?)
                .await?,
            no_conflict: f.get("no_conflict") == "1",
            opinion: f.get("opinion").to_string(),
        },
        "return" => Action::Return {
            reason: f.get("reason").to_string(),
        },
        "resubmit" => Action::Resubmit {
            draft: f.get("draft").to_string(),
        },
        "opinion" => Action::Opinion {
            conclusion: Conclusion::parse(f.get("conclusion"))
                .ok_or_else(|| Error::invalid("conclusion", "请选择审查结论。"))?,
            text: f.get("opinion").to_string(),
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
    let in_force = state.in_force().await?;
    if f.get("action") == "register" {
        let ctx = state.ctx(&s.actor, &in_force);
        return match review::register(
            &ctx,
            id,
            f.get("number"),
            f.get("issued_on"),
            f.get("published_on"),
        )
        .await
        {
            Ok(doc) => Ok(Redirect::to(&format!("/normative/documents/{doc}")).into_response()),
            Err(e) => {
                let (status, message) = refused(e)?;
                Ok((status, view(&state, &s, id, Some(message)).await?).into_response())
            }
        };
    }
    let result = async {
        let version = f.int("version", "版本")?;
        let a = action(&state, &f).await?;
        review::apply(&state.ctx(&s.actor, &in_force), id, version, &a).await
    }
    .await;
    match result {
        Ok(()) => Ok(Redirect::to(&format!("/review/requests/{id}")).into_response()),
        Err(e) => {
            let marked = e.refused_fields();
            let (status, message) = refused(e)?;
            let mut page = view(&state, &s, id, Some(message)).await?;
            page.refill_step(&f, &marked);
            Ok((status, page).into_response())
        }
    }
}

pub async fn opinion_docx(
    State(state): State<AppState>,
    s: Signed,
    Path(id): Path<i64>,
) -> Result<Response, PageError> {
    let r = review::get(&state.store, &s.actor, id).await?;
    let procedures = procedure::in_force(&state.store).await?;
    let p = procedures.get(&r.kind)?;
    let bytes = review::opinion_docx(&r, p)?;
    Ok(docx_response(&format!("legality-review-{id}.docx"), bytes))
}
