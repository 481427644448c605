//! The supervisor's view of case-file evaluation (案卷评查): files per grade and, for every
//! rule of the sheet, how many files it found — each count opening the list of those cases;
//! and supervision notices (执法监督通知书) from issue through the agency's reply to acceptance.
//!
//! Long because the pages of every supervision module live here; issue 15 splits it one file per module.

use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use chrono::{Datelike, NaiveDate};
use fazhi_core::deadlines::Clock;
use fazhi_core::enforcement::figures::percent;
use fazhi_core::org;
use fazhi_core::supervision::bulletins::{self, NewBulletin};
use fazhi_core::supervision::notices::{self, NewNotice, NoticeFilter, NoticeState, Reply, Review};
use fazhi_core::supervision::sampling::{self, Draw, Mark};
use fazhi_core::supervision::self_inspection::{self, Outcome};
use fazhi_core::supervision::{evaluation, leads, performance, sheet, sheet_settings, transfers};
use fazhi_core::{Error, Permission};
use fazhi_kernel::calendar::Calendar;
use fazhi_kernel::deadline::WarningPolicy;
use fazhi_store::page::Keyset;
use serde::{Deserialize, Serialize};

use super::{layout, require};
use crate::AppState;
use crate::error::PageError;
use crate::form::FormData;
use crate::session::Signed;
use crate::view::*;

pub async fn evaluation_page(
    State(state): State<AppState>,
    s: Signed,
) -> Result<Response, PageError> {
    let summary = evaluation::summary(&state.store, &s.actor).await?;
    let year = fazhi_core::deadlines::china_today().year();
    let problems: i64 = summary.by_rule.iter().map(|(_, n)| n).sum();
    let mut actions = Vec::new();
    let mut notice_line = String::new();
    if s.actor.can(Permission::SupervisionManage) || s.actor.can(Permission::SupervisionReply) {
        let f = notices::figures(&state.store, &s.actor, year).await?;
        notice_line = format!(
            "{year} 年发出执法监督通知书 {} 份，监督回复整改率 {}。",
            f.issued,
            percent(f.rectification_rate())
        );
        actions.push(link("/supervision/notices", "执法监督通知"));
    }
    if s.actor.can(Permission::SupervisionManage) {
        actions.push(link("/supervision/notices/new", "发出监督通知书"));
        actions.push(link("/supervision/samples", "人工评查抽样"));
    }
    actions.push(link("/supervision/evaluation/settings", "评查表配置"));
    let grades: Vec<String> = summary
        .by_grade
        .iter()
        .map(|(g, n)| format!("{} {n} 件", g.name()))
        .collect();
    let rows = summary
        .by_rule
        .iter()
        .map(|(r, n)| {
            vec![
                cell(r.code),
                cell(r.section.name()),
                cell(r.description),
                cell(r.basis),
                cell(if r.veto {
                    "一票否决".to_string()
                } else {
                    format!("{} 分", r.deduction)
                }),
                if *n > 0 {
                    cell_link(
                        format!("{n} 件"),
                        format!("/enforcement/cases?finding={}", r.code),
                    )
                } else {
                    cell("0 件")
                },
            ]
        })
        .collect();
    Ok(ListPage {
        layout: layout(&s),
        title: "案卷评查".into(),
        intro: format!(
            "每件案卷由系统按评查表自动评查（案卷变化后十分钟内重新评查；控制台 fazhi evaluate）。评查发现问题 {problems} 个（每件案卷每个评查项计一个）。{notice_line}您可查看的范围：{}。",
            s.actor.scope.kind.label_zh()
        ),
        actions,
        filters: Vec::new(),
        count_text: format!("{}；其余已评查的案卷为优秀。", grades.join("，")),
        headers: vec!["评查项", "部分", "内容", "依据", "扣分", "发现问题的案卷"],
        rows,
        next: None,
    }
    .into_response())
}

// ---- supervision notices (执法监督通知书) ----

#[derive(Clone, Default, Deserialize, Serialize)]
pub struct NoticesQuery {
    state: Option<String>,
    year: Option<String>,
    #[serde(skip_serializing)]
    after: Option<i64>,
}

fn state_options() -> Vec<(String, String)> {
    std::iter::once((String::new(), "全部".to_string()))
        .chain(
            NoticeState::ALL
                .iter()
                .map(|s| (s.code().to_string(), s.label_zh().to_string())),
        )
        .collect()
}

pub async fn notices_page(
    State(state): State<AppState>,
    s: Signed,
    Query(q): Query<NoticesQuery>,
) -> Result<Response, PageError> {
    if !s.actor.can(Permission::SupervisionManage) && !s.actor.can(Permission::SupervisionReply) {
        return Err(PageError(Error::Forbidden));
    }
    let filter = NoticeFilter {
        state: q.state.as_deref().and_then(NoticeState::parse),
        year: q.year.as_deref().and_then(|y| y.trim().parse().ok()),
    };
    let page = notices::list(&state.store, &s.actor, &filter, Keyset::new(q.after, None)).await?;
    let year = filter
        .year
        .unwrap_or_else(|| fazhi_core::deadlines::china_today().year());
    let f = notices::figures(&state.store, &s.actor, year).await?;
    let rows = page
        .items
        .iter()
        .map(|n| {
            vec![
                cell_link(n.number.clone(), format!("/supervision/notices/{}", n.id)),
                cell(n.department.clone()),
                cell(n.subject.clone()),
                cell(n.issued_on.clone()),
                cell(n.rectify_by.clone()),
                cell(n.state.label_zh()),
            ]
        })
        .collect();
    let next = page.next.map(|after| {
        let qs = serde_urlencoded::to_string(&q).unwrap_or_default();
        format!("/supervision/notices?{qs}&after={after}")
    });
    let mut actions = Vec::new();
    if s.actor.can(Permission::SupervisionManage) {
        actions.push(link("/supervision/notices/new", "发出监督通知书"));
    }
    Ok(ListPage {
        layout: layout(&s),
        title: "执法监督通知".into(),
        intro: format!(
            "{year} 年：发出 {} 份，已回复 {} 份（逾期回复 {} 份），整改验收通过 {} 份，监督回复整改率 {}（验收通过 ÷ 发出）。您可查看的范围：{}。",
            f.issued,
            f.replied,
            f.replied_late,
            f.accepted,
            percent(f.rectification_rate()),
            s.actor.scope.kind.label_zh()
        ),
        actions,
        filters: vec![
            Field::select(
                "state",
                "状态",
                state_options(),
                q.state.as_deref().unwrap_or(""),
            ),
            Field::text("year", "年度", q.year.clone().unwrap_or_default(), 4),
        ],
        count_text: format!("本页 {} 份", page.items.len()),
        headers: vec!["文号", "被监督单位", "标题", "发出日期", "整改期限", "状态"],
        rows,
        next,
    }
    .into_response())
}

async fn notice_form(
    state: &AppState,
    s: &Signed,
    form: Option<&FormData>,
    error: Option<String>,
) -> Result<FormPage, PageError> {
    let depts = org::service::departments(&state.store, &s.actor).await?;
    let pick = |name: &str, default: String| form.map_or(default, |f| f.get(name).to_string());
    let today = fazhi_core::deadlines::china_today();
    let mut page = FormPage::new(layout(s), "发出执法监督通知书", "/supervision/notices");
    page.intro = "通知书按本部门文号简称编号（如 诸司监通〔2024〕1号），整改期限按自然日计算、在时限引擎上预警；被监督单位的经办人员收到消息并书面回复，您验收或退回。".into();
    page.error = error;
    page.fields = vec![
        Field::select(
            "department_id",
            "被监督单位",
            depts
                .iter()
                .map(|d| (d.id.to_string(), d.name.clone()))
                .collect(),
            &pick("department_id", String::new()),
        )
        .required(),
        Field::text(
            "subject",
            "标题",
            pick("subject", "关于行政执法案卷评查发现问题的整改通知".into()),
            100,
        )
        .required(),
        Field::textarea("problems", "发现的问题", pick("problems", String::new()))
            .required()
            .hint("每行一个问题。"),
        Field::text(
            "rectify_days",
            "整改期限（日）",
            pick("rectify_days", "30".into()),
            3,
        )
        .required(),
        Field::date(
            "issued_on",
            "发出日期",
            pick("issued_on", today.to_string()),
        ),
        Field::date(
            "cases_from",
            "附评查发现问题的案卷：立案日期起",
            pick("cases_from", String::new()),
        )
        .hint(
            "可选：填写起止日期，将该单位此期间立案、自动评查发现问题的案卷及其问题附在通知书中。",
        ),
        Field::date(
            "cases_until",
            "立案日期止",
            pick("cases_until", String::new()),
        ),
    ];
    page.submit = "发出";
    page.links = vec![link("/supervision/notices", "返回")];
    Ok(page)
}

pub async fn notice_new(State(state): State<AppState>, s: Signed) -> Result<Response, PageError> {
    require(&s, Permission::SupervisionManage)?;
    Ok(notice_form(&state, &s, None, None).await?.into_response())
}

fn form_day(f: &FormData, name: &'static str, label: &str) -> Result<Option<NaiveDate>, Error> {
    match f.get(name).trim() {
        "" => Ok(None),
        v => fazhi_kernel::date::parse(v)
            .map(Some)
            .ok_or_else(|| Error::invalid(name, format!("{label}应为日期（YYYY-MM-DD）。"))),
    }
}

fn new_notice(f: &FormData) -> Result<NewNotice, Error> {
    let cases_filed = match (
        form_day(f, "cases_from", "立案日期起")?,
        form_day(f, "cases_until", "立案日期止")?,
    ) {
        (Some(from), Some(until)) => Some((from, until)),
        (None, None) => None,
        _ => {
            return Err(Error::invalid(
                "cases_until",
                "附案卷需同时填写立案日期起和止。",
            ));
        }
    };
    Ok(NewNotice {
        department_id: f.int("department_id", "被监督单位")?,
        issued_on: form_day(f, "issued_on", "发出日期")?
            .ok_or_else(|| Error::invalid("issued_on", "请填写发出日期。"))?,
        subject: f.get("subject").to_string(),
        problems: f.get("problems").to_string(),
        rectify_days: f.int("rectify_days", "整改期限")?,
        cases_filed,
    })
}

async fn clock_now(state: &AppState) -> Result<(Calendar, WarningPolicy), PageError> {
    Ok(fazhi_core::deadlines::in_force(&state.store).await?)
}

pub async fn notice_create(
    State(state): State<AppState>,
    s: Signed,
    f: FormData,
) -> Result<Response, PageError> {
    require(&s, Permission::SupervisionManage)?;
    let (cal, policy) = clock_now(&state).await?;
    let clock = Clock {
        cal: &cal,
        policy,
        today: fazhi_core::deadlines::china_today(),
    };
    let result = match new_notice(&f) {
        Ok(input) => notices::issue(&state.store, &s.actor, clock, &input).await,
        Err(e) => Err(e),
    };
    match result {
        Ok(id) => Ok(Redirect::to(&format!("/supervision/notices/{id}")).into_response()),
        Err(e) => {
            let (status, message) = super::refused(e)?;
            Ok((
                status,
                notice_form(&state, &s, Some(&f), Some(message)).await?,
            )
                .into_response())
        }
    }
}

async fn notice_view(
    state: &AppState,
    s: &Signed,
    id: i64,
    error: Option<String>,
) -> Result<SectionsPage, PageError> {
    let n = notices::get(&state.store, &s.actor, id).await?;
    let mut details = vec![
        ("文号".to_string(), n.number.clone()),
        ("发出机关".into(), n.issuer.clone()),
        ("被监督单位".into(), n.department.clone()),
        ("标题".into(), n.subject.clone()),
        ("发出日期".into(), n.issued_on.clone()),
        (
            "整改期限".into(),
            if n.returns > 0 {
                format!("{} 日；退回后重新整改至 {}", n.rectify_days, n.rectify_by)
            } else {
                format!("{} 日，至 {}", n.rectify_days, n.rectify_by)
            },
        ),
        ("状态".into(), n.state.label_zh().to_string()),
        ("发现的问题".into(), n.problems.clone()),
    ];
    for c in &n.cases {
        details.push((
            format!("案卷：{}（{} 立案）", c.cause, c.filed_on),
            c.findings.clone(),
        ));
    }
    if let Some(r) = &n.reply {
        details.push((
            format!(
                "整改情况（{} 回复）",
                n.replied_on.clone().unwrap_or_default()
            ),
            r.clone(),
        ));
    }
    if let Some(e) = &n.evidence {
        details.push(("整改材料".into(), e.clone()));
    }
    if let Some(note) = &n.review_note {
        let label = match n.state {
            NoticeState::Returned => "退回理由",
            _ => "验收意见",
        };
        details.push((
            format!("{label}（{}）", n.reviewed_on.clone().unwrap_or_default()),
            note.clone(),
        ));
    }
    if n.returns > 0 {
        details.push(("退回次数".into(), n.returns.to_string()));
    }
    let today = fazhi_core::deadlines::china_today().to_string();
    let form =
        |action: &'static str, title: &str, fields: Vec<Field>, submit: &'static str| FormSection {
            title: title.to_string(),
            action: format!("/supervision/notices/{id}"),
            hidden: vec![
                ("action", action.to_string()),
                ("version", n.version.to_string()),
            ],
            fields,
            submit,
        };
    let mut sections = Vec::new();
    let replying = matches!(n.state, NoticeState::Issued | NoticeState::Returned);
    if replying && s.actor.can(Permission::SupervisionReply) {
        sections.push(form(
            "reply",
            "回复整改情况",
            vec![
                Field::date("on", "回复日期", today.clone()),
                Field::textarea("reply", "整改情况", "").required(),
                Field::textarea("evidence", "整改材料（清单）", ""),
            ],
            "回复",
        ));
    }
    if n.state == NoticeState::Replied && s.actor.can(Permission::SupervisionManage) {
        sections.push(form(
            "accept",
            "验收通过",
            vec![
                Field::date("on", "验收日期", today.clone()),
                Field::textarea("note", "验收意见", ""),
            ],
            "验收通过",
        ));
        sections.push(form(
            "return",
            "退回重新整改",
            vec![
                Field::date("on", "退回日期", today),
                Field::textarea("reason", "退回理由", "").required(),
                Field::text("rectify_days", "新的整改期限（日）", "15", 3).required(),
            ],
            "退回",
        ));
    }
    let mut links = vec![link(
        format!("/supervision/notices/{id}/notice.docx"),
        "下载通知书（.docx）",
    )];
    links.extend(n.cases.iter().map(|c| {
        link(
            format!("/enforcement/cases/{}", c.case_id),
            format!("查看案卷：{}", c.cause),
        )
    }));
    links.push(link("/supervision/notices", "返回列表"));
    Ok(SectionsPage {
        layout: layout(s),
        title: format!("执法监督通知书 {}", n.number),
        intro: String::new(),
        error,
        details,
        sections,
        links,
    })
}

pub async fn notice_show(
    State(state): State<AppState>,
    s: Signed,
    Path(id): Path<i64>,
) -> Result<Response, PageError> {
    Ok(notice_view(&state, &s, id, None).await?.into_response())
}

pub async fn notice_act(
    State(state): State<AppState>,
    s: Signed,
    Path(id): Path<i64>,
    f: FormData,
) -> Result<Response, PageError> {
    let (cal, policy) = clock_now(&state).await?;
    let clock = Clock {
        cal: &cal,
        policy,
        today: fazhi_core::deadlines::china_today(),
    };
    let result = async {
        let version = f.int("version", "版本")?;
        let on = form_day(&f, "on", "日期")?.ok_or_else(|| Error::invalid("on", "请填写日期。"))?;
        match f.get("action") {
            "reply" => {
                let input = Reply {
                    on,
                    reply: f.get("reply").to_string(),
                    evidence: f.opt("evidence"),
                };
                notices::reply(&state.store, &s.actor, clock.today, id, version, &input).await
            }
            "accept" => {
                let verdict = Review::Accept {
                    note: f.opt("note"),
                };
                notices::review(&state.store, &s.actor, clock, id, version, on, verdict).await
            }
            "return" => {
                let verdict = Review::Return {
                    reason: f.get("reason").to_string(),
                    rectify_days: f.int("rectify_days", "整改期限")?,
                };
                notices::review(&state.store, &s.actor, clock, id, version, on, verdict).await
            }
            _ => Err(Error::invalid("action", "请选择操作。")),
        }
    }
    .await;
    match result {
        Ok(()) => Ok(Redirect::to(&format!("/supervision/notices/{id}")).into_response()),
        Err(e) => {
            let (status, message) = super::refused(e)?;
            Ok((status, notice_view(&state, &s, id, Some(message)).await?).into_response())
        }
    }
}

pub async fn notice_docx(
    State(state): State<AppState>,
    s: Signed,
    Path(id): Path<i64>,
) -> Result<Response, PageError> {
    let n = notices::get(&state.store, &s.actor, id).await?;
    let bytes = notices::document(&n)?;
    Ok(super::docx_response(
        &format!("supervision-notice-{id}.docx"),
        bytes,
    ))
}

// ---- manual evaluation on a drawn sample (人工评查抽样) ----

pub async fn samples_page(State(state): State<AppState>, s: Signed) -> Result<Response, PageError> {
    let samples = sampling::list(&state.store, &s.actor).await?;
    let rows = samples
        .items
        .iter()
        .map(|(id, drawn_on, seed, candidates, files)| {
            vec![
                cell_link(
                    format!("第 {id} 次抽样"),
                    format!("/supervision/samples/{id}"),
                ),
                cell(drawn_on.clone()),
                cell(seed.to_string()),
                cell(format!("{files} / {candidates} 件")),
            ]
        })
        .collect();
    Ok(ListPage {
        layout: layout(&s),
        title: "人工评查抽样".into(),
        intro: "从已自动评查的案卷中按随机种子抽取案卷，评查人员在预填了自动评查结果的评查表上逐项确认、删除（说明理由）或新增问题。抽样的条件和种子均记录在案，任何人用同样的条件和种子可重新抽得同样的案卷。".into(),
        actions: vec![link("/supervision/samples/new", "抽取案卷")],
        filters: Vec::new(),
        count_text: format!("最近{}", super::counted(&samples, "次抽样")),
        headers: vec!["抽样", "抽取日期", "随机种子", "抽中 / 可抽案卷"],
        rows,
        next: None,
    }
    .into_response())
}

async fn sample_form(
    state: &AppState,
    s: &Signed,
    form: Option<&FormData>,
    error: Option<String>,
) -> Result<FormPage, PageError> {
    let depts = org::service::departments(&state.store, &s.actor).await?;
    let pick = |name: &str, default: String| form.map_or(default, |f| f.get(name).to_string());
    let today = fazhi_core::deadlines::china_today();
    let mut page = FormPage::new(layout(s), "抽取案卷", "/supervision/samples");
    page.error = error;
    page.intro = format!(
        "从立案日期在所选期间、已经自动评查的案卷中随机抽取（每次至多 {} 件）。随机种子可不填，系统会生成并记录。",
        sampling::MAX_SAMPLE
    );
    page.fields = vec![
        Field::select(
            "department_id",
            "执法部门",
            std::iter::once((String::new(), "全部（您可查看的范围）".to_string()))
                .chain(depts.iter().map(|d| (d.id.to_string(), d.name.clone())))
                .collect(),
            &pick("department_id", String::new()),
        ),
        Field::date(
            "filed_from",
            "立案日期起",
            pick("filed_from", format!("{}-01-01", today.year() - 1)),
        ),
        Field::date(
            "filed_until",
            "立案日期止",
            pick("filed_until", format!("{}-12-31", today.year() - 1)),
        ),
        Field::text("size", "抽取数量（件）", pick("size", "20".into()), 3).required(),
        Field::text(
            "seed",
            "随机种子（可不填）",
            pick("seed", String::new()),
            20,
        ),
    ];
    page.submit = "抽取";
    page.links = vec![link("/supervision/samples", "返回")];
    Ok(page)
}

pub async fn sample_new(State(state): State<AppState>, s: Signed) -> Result<Response, PageError> {
    require(&s, Permission::SupervisionManage)?;
    Ok(sample_form(&state, &s, None, None).await?.into_response())
}

fn draw_input(f: &FormData) -> Result<Draw, Error> {
    let seed = match f.get("seed").trim() {
        "" => None,
        v => Some(v.parse::<u64>().map_err(|_| {
            Error::invalid(
                "seed",
                "随机种子应为 0 至 18446744073709551615 之间的整数。",
            )
        })?),
    };
    Ok(Draw {
        department_id: f.opt_int("department_id", "执法部门")?,
        filed_from: form_day(f, "filed_from", "立案日期起")?
            .ok_or_else(|| Error::invalid("filed_from", "请填写立案日期起。"))?,
        filed_until: form_day(f, "filed_until", "立案日期止")?
            .ok_or_else(|| Error::invalid("filed_until", "请填写立案日期止。"))?,
        size: usize::try_from(f.int("size", "抽取数量")?).unwrap_or(0),
        seed,
    })
}

pub async fn sample_create(
    State(state): State<AppState>,
    s: Signed,
    f: FormData,
) -> Result<Response, PageError> {
    require(&s, Permission::SupervisionManage)?;
    let today = fazhi_core::deadlines::china_today();
    let result = match draw_input(&f) {
        Ok(input) => sampling::draw(&state.store, &s.actor, &input, today).await,
        Err(e) => Err(e),
    };
    match result {
        Ok(id) => Ok(Redirect::to(&format!("/supervision/samples/{id}")).into_response()),
        Err(e) => {
            let (status, message) = super::refused(e)?;
            Ok((
                status,
                sample_form(&state, &s, Some(&f), Some(message)).await?,
            )
                .into_response())
        }
    }
}

pub async fn sample_show(
    State(state): State<AppState>,
    s: Signed,
    Path(id): Path<i64>,
) -> Result<Response, PageError> {
    let sample = sampling::get(&state.store, &s.actor, id).await?;
    let (reviewed, same) = sample.agreement();
    let rows = sample
        .cases
        .iter()
        .map(|c| {
            vec![
                cell(c.ordinal.to_string()),
                cell_link(
                    c.cause.clone(),
                    format!("/supervision/samples/{id}/cases/{}", c.case_id),
                ),
                cell(format!("{} 分 {}", c.auto_score, c.auto_grade.name())),
                cell(match (c.score, c.grade) {
                    (Some(p), Some(g)) => format!("{p} 分 {}", g.name()),
                    _ => "待评查".to_string(),
                }),
            ]
        })
        .collect();
    Ok(ListPage {
        layout: layout(&s),
        title: format!("第 {id} 次抽样"),
        intro: format!(
            "{} 抽取：{}，立案日期 {} 至 {}，可抽案卷 {} 件，抽取 {} 件，随机种子 {}（抽样方法：按案件编号排序后，以 xoshiro256++ 随机数做 Fisher–Yates 洗牌取前若干件）。",
            sample.drawn_on,
            sample.department.clone().unwrap_or_else(|| "全部部门".into()),
            sample.filed_from,
            sample.filed_until,
            sample.candidates,
            sample.cases.len(),
            sample.seed
        ),
        actions: vec![link("/supervision/samples", "返回抽样列表")],
        filters: Vec::new(),
        count_text: format!(
            "已人工评查 {reviewed} 件，其中与自动评查等次一致 {same} 件（一致率 {}）。",
            percent((reviewed > 0).then(|| same as f64 / reviewed as f64))
        ),
        headers: vec!["序号", "案卷", "自动评查", "人工评查"],
        rows,
        next: None,
    }
    .into_response())
}

async fn sheet_form(
    state: &AppState,
    s: &Signed,
    sample: i64,
    case_id: i64,
    form: Option<&FormData>,
    error: Option<String>,
) -> Result<FormPage, PageError> {
    let view = sampling::sheet_of(&state.store, &s.actor, sample, case_id).await?;
    let mut page = FormPage::new(
        layout(s),
        format!("评查表：{}", view.cause),
        format!("/supervision/samples/{sample}/cases/{case_id}"),
    );
    page.error = error;
    page.intro = match view.score {
        Some(p) => format!("已人工评查：{p} 分。可修改后重新提交。"),
        None => "系统发现的问题已预填：逐项确认，或选择“不成立”并说明理由；系统未发现的问题可逐项新增并写明发现的问题。".into(),
    };
    for rule in sheet::rules() {
        let auto = view.auto.iter().find(|(r, _)| r.code == rule.code);
        let mark = view.marks.iter().find(|m| m.0 == rule.code);
        let deduction = if rule.veto {
            "一票否决".to_string()
        } else {
            format!("扣 {} 分", rule.deduction)
        };
        let note_name = format!("{}_note", rule.code);
        let pick = |name: &str, default: String| form.map_or(default, |f| f.get(name).to_string());
        match auto {
            Some((_, detail)) => {
                let current = match mark.map(|m| m.1.as_str()) {
                    Some("removed") => "remove",
                    _ => "confirm",
                };
                page.fields.push(Field::select(
                    rule.code,
                    format!(
                        "{} {}（{deduction}）— 系统发现：{detail}",
                        rule.code, rule.description
                    ),
                    vec![
                        ("confirm".into(), "确认".into()),
                        ("remove".into(), "不成立".into()),
                    ],
                    &pick(rule.code, current.into()),
                ));
                let reason = mark.and_then(|m| m.3.clone()).unwrap_or_default();
                page.fields.push(Field::text(
                    note_name.clone(),
                    format!("{} 不成立的理由", rule.code),
                    pick(&note_name, reason),
                    500,
                ));
            }
            None => {
                let added = mark.filter(|m| m.1 == "added");
                page.fields.push(Field::select(
                    rule.code,
                    format!(
                        "{} {}（{deduction}{}）",
                        rule.code,
                        rule.description,
                        if rule.machine() {
                            ""
                        } else {
                            "；人工评查项"
                        }
                    ),
                    vec![
                        (String::new(), "无问题".into()),
                        ("add".into(), "新增问题".into()),
                    ],
                    &pick(
                        rule.code,
                        if added.is_some() {
                            "add".into()
                        } else {
                            String::new()
                        },
                    ),
                ));
                page.fields.push(Field::text(
                    note_name.clone(),
                    format!("{} 发现的问题", rule.code),
                    pick(&note_name, added.map(|m| m.2.clone()).unwrap_or_default()),
                    500,
                ));
            }
        }
    }
    page.submit = "提交评查结果";
    page.links = vec![
        link(format!("/enforcement/cases/{case_id}"), "查看案卷"),
        link(format!("/supervision/samples/{sample}"), "返回抽样"),
    ];
    Ok(page)
}

pub async fn sheet_page(
    State(state): State<AppState>,
    s: Signed,
    Path((sample, case_id)): Path<(i64, i64)>,
) -> Result<Response, PageError> {
    Ok(sheet_form(&state, &s, sample, case_id, None, None)
        .await?
        .into_response())
}

pub async fn sheet_submit(
    State(state): State<AppState>,
    s: Signed,
    Path((sample, case_id)): Path<(i64, i64)>,
    f: FormData,
) -> Result<Response, PageError> {
    let marks: Vec<(String, Mark)> = sheet::rules()
        .filter_map(|rule| {
            let note = f.get(&format!("{}_note", rule.code)).to_string();
            let mark = match f.get(rule.code) {
                "confirm" => Mark::Confirm,
                "remove" => Mark::Remove { reason: note },
                "add" => Mark::Add { detail: note },
                _ => return None,
            };
            Some((rule.code.to_string(), mark))
        })
        .collect();
    match sampling::score(&state.store, &s.actor, sample, case_id, &marks).await {
        Ok(_) => Ok(Redirect::to(&format!("/supervision/samples/{sample}")).into_response()),
        Err(e) => {
            let (status, message) = super::refused(e)?;
            Ok((
                status,
                sheet_form(&state, &s, sample, case_id, Some(&f), Some(message)).await?,
            )
                .into_response())
        }
    }
}

// ---- bulletins (工作通报) and the figures of 一(三)2 ----

#[derive(Clone, Default, Deserialize)]
pub struct YearQuery {
    year: Option<String>,
}

fn year_of(q: &YearQuery, default: i32) -> i32 {
    q.year
        .as_deref()
        .and_then(|y| y.trim().parse().ok())
        .filter(|y| (2000..=2100).contains(y))
        .unwrap_or(default)
}

pub async fn bulletins_page(
    State(state): State<AppState>,
    s: Signed,
    Query(q): Query<YearQuery>,
) -> Result<Response, PageError> {
    let year = q.year.as_deref().and_then(|y| y.trim().parse().ok());
    let bulletins = bulletins::list(&state.store, &s.actor, year).await?;
    let items = &bulletins.items;
    let rows = items
        .iter()
        .map(|b| {
            vec![
                cell_link(b.number.clone(), format!("/supervision/bulletins/{}", b.id)),
                cell(b.title.clone()),
                cell(format!("{} 至 {}", b.period_from, b.period_until)),
                cell(b.issued_on.clone()),
            ]
        })
        .collect();
    let mut actions = Vec::new();
    if s.actor.can(Permission::SupervisionManage) {
        actions.push(link("/supervision/bulletins/new", "生成工作通报"));
    }
    Ok(ListPage {
        layout: layout(&s),
        title: "工作通报".into(),
        intro: "工作通报由系统按通报期间从案卷评查、监督通知和整改记录中生成，发出后保存原文。"
            .into(),
        actions,
        filters: vec![Field::text(
            "year",
            "年度",
            q.year.clone().unwrap_or_default(),
            4,
        )],
        count_text: format!("{} 期", items.len()),
        headers: vec!["文号", "标题", "通报期间", "发出日期"],
        rows,
        next: None,
    }
    .into_response())
}

fn bulletin_form(s: &Signed, form: Option<&FormData>, error: Option<String>) -> FormPage {
    let today = fazhi_core::deadlines::china_today();
    // The last full quarter.
    let quarter_start =
        NaiveDate::from_ymd_opt(today.year(), (today.month0() / 3) * 3 + 1, 1).unwrap_or(today);
    let until = quarter_start.pred_opt().unwrap_or(today);
    let from =
        NaiveDate::from_ymd_opt(until.year(), (until.month0() / 3) * 3 + 1, 1).unwrap_or(until);
    let pick = |name: &str, default: String| form.map_or(default, |f| f.get(name).to_string());
    let mut page = FormPage::new(layout(s), "生成工作通报", "/supervision/bulletins");
    page.error = error;
    page.intro = "按立案日期统计通报期间内案卷的自动评查结果（主要问题、各单位情况），以及期间内发出的监督通知书和整改情况；可附下步工作要求。".into();
    page.fields = vec![
        Field::text(
            "title",
            "标题",
            pick(
                "title",
                format!(
                    "{}年第{}季度行政执法监督工作通报",
                    from.year(),
                    from.month0() / 3 + 1
                ),
            ),
            100,
        )
        .required(),
        Field::date("from", "通报期间起", pick("from", from.to_string())),
        Field::date("until", "通报期间止", pick("until", until.to_string())),
        Field::textarea(
            "requirements",
            "下步工作要求（可选）",
            pick("requirements", String::new()),
        ),
    ];
    page.submit = "生成并发出";
    page.links = vec![link("/supervision/bulletins", "返回")];
    page
}

pub async fn bulletin_new(s: Signed) -> Result<Response, PageError> {
    require(&s, Permission::SupervisionManage)?;
    Ok(bulletin_form(&s, None, None).into_response())
}

pub async fn bulletin_create(
    State(state): State<AppState>,
    s: Signed,
    f: FormData,
) -> Result<Response, PageError> {
    require(&s, Permission::SupervisionManage)?;
    let today = fazhi_core::deadlines::china_today();
    let input = || -> Result<NewBulletin, Error> {
        Ok(NewBulletin {
            title: f.get("title").to_string(),
            from: form_day(&f, "from", "通报期间起")?
                .ok_or_else(|| Error::invalid("from", "请填写通报期间起。"))?,
            until: form_day(&f, "until", "通报期间止")?
                .ok_or_else(|| Error::invalid("until", "请填写通报期间止。"))?,
            requirements: f.opt("requirements"),
        })
    };
    let result = match input() {
        Ok(input) => bulletins::issue(&state.store, &s.actor, &input, today).await,
        Err(e) => Err(e),
    };
    match result {
        Ok(id) => Ok(Redirect::to(&format!("/supervision/bulletins/{id}")).into_response()),
        Err(e) => {
            let (status, message) = super::refused(e)?;
            Ok((status, bulletin_form(&s, Some(&f), Some(message))).into_response())
        }
    }
}

pub async fn bulletin_show(
    State(state): State<AppState>,
    s: Signed,
    Path(id): Path<i64>,
) -> Result<Response, PageError> {
    let b = bulletins::get(&state.store, &s.actor, id).await?;
    let paragraphs = b
        .blocks()
        .into_iter()
        .map(|block| match block {
            fazhi_core::enforcement::documents::Block::Title(t)
            | fazhi_core::enforcement::documents::Block::Right(t)
            | fazhi_core::enforcement::documents::Block::Plain(t)
            | fazhi_core::enforcement::documents::Block::Paragraph(t) => t,
        })
        .collect();
    Ok(MessagePage {
        layout: layout(&s),
        title: b.title.clone(),
        paragraphs,
        secret: None,
        links: vec![
            link(
                format!("/supervision/bulletins/{id}/bulletin.docx"),
                "下载通报（.docx）",
            ),
            link("/supervision/bulletins", "返回工作通报"),
        ],
    }
    .into_response())
}

pub async fn bulletin_docx(
    State(state): State<AppState>,
    s: Signed,
    Path(id): Path<i64>,
) -> Result<Response, PageError> {
    let b = bulletins::get(&state.store, &s.actor, id).await?;
    let bytes = b.docx()?;
    Ok(super::docx_response(&format!("bulletin-{id}.docx"), bytes))
}

/// FIGURES 一(三)2 for a year, each opening to its records.
pub async fn figures_page(
    State(state): State<AppState>,
    s: Signed,
    Query(q): Query<YearQuery>,
) -> Result<Response, PageError> {
    require(&s, Permission::CaseRead)?;
    let year = year_of(&q, fazhi_core::deadlines::china_today().year() - 1);
    let (Some(from), Some(until)) = (
        NaiveDate::from_ymd_opt(year, 1, 1),
        NaiveDate::from_ymd_opt(year, 12, 31),
    ) else {
        return Err(PageError(Error::invalid("year", "年度超出范围。")));
    };
    let f = bulletins::figures(&state.store, &s.actor, from, until).await?;
    let issued = bulletins::count_in_year(&state.store, &s.actor, year).await?;
    let inspections = self_inspection::figures(&state.store, &s.actor, year).await?;
    let cases = format!("/enforcement/cases?filed_from={from}&filed_until={until}");
    let rows = vec![
        vec![
            cell("评查执法案卷"),
            cell_link(format!("{} 件", f.files), cases.clone()),
            cell("当年立案、经系统自动评查的案卷"),
        ],
        vec![
            cell("发现问题"),
            cell_link(format!("{} 个", f.findings), "/supervision/evaluation"),
            cell(format!(
                "涉及案卷 {} 件，其中不合格 {} 件（每件案卷每个评查项计一个问题）",
                f.files_with_findings, f.failed
            )),
        ],
        vec![
            cell("工作通报"),
            cell_link(
                format!("{issued} 期"),
                format!("/supervision/bulletins?year={year}"),
            ),
            cell("当年发出"),
        ],
        vec![
            cell("执法监督通知书"),
            cell_link(
                format!("{} 份", f.notices.issued),
                format!("/supervision/notices?year={year}"),
            ),
            cell(format!(
                "整改验收通过 {} 份，监督回复整改率 {}",
                f.notices.accepted,
                percent(f.notices.rectification_rate())
            )),
        ],
        vec![
            cell("部门自查 / 自行整改问题"),
            cell_link(
                format!(
                    "{} 次 / {} 个",
                    inspections.self_done, inspections.self_rectified
                ),
                format!("/supervision/self-inspections?year={year}"),
            ),
            cell(format!(
                "当年完成的部门自查，及自查发现并自行整改的问题（发现 {} 个）；另有执法检查 {} 次",
                inspections.self_found, inspections.supervisory_done
            )),
        ],
    ];
    Ok(ListPage {
        layout: layout(&s),
        title: format!("{year} 年执法监督统计"),
        intro: format!(
            "年度报告“一(三)2”的数字，均由记录计算；点击数字查看记录。您可查看的范围：{}。",
            s.actor.scope.kind.label_zh()
        ),
        actions: Vec::new(),
        filters: vec![Field::text("year", "年度", year.to_string(), 4)],
        count_text: String::new(),
        headers: vec!["项目", "数字", "说明"],
        rows,
        next: None,
    }
    .into_response())
}

// ---- self-inspection (部门自查) and supervisory inspection (执法检查) ----

fn may_see_inspections(s: &Signed) -> Result<(), PageError> {
    if s.actor.can(Permission::SupervisionManage) || s.actor.can(Permission::SupervisionReply) {
        Ok(())
    } else {
        Err(PageError(Error::Forbidden))
    }
}

pub async fn self_inspections_page(
    State(state): State<AppState>,
    s: Signed,
    Query(q): Query<NoticesQuery>,
) -> Result<Response, PageError> {
    may_see_inspections(&s)?;
    let year = q
        .year
        .as_deref()
        .and_then(|y| y.trim().parse().ok())
        .unwrap_or_else(|| fazhi_core::deadlines::china_today().year());
    let page =
        self_inspection::list(&state.store, &s.actor, year, Keyset::new(q.after, None)).await?;
    let f = self_inspection::figures(&state.store, &s.actor, year).await?;
    let rows = page
        .items
        .iter()
        .map(|i| {
            vec![
                cell_link(
                    format!("{} {}", i.period, i.kind.label_zh()),
                    format!("/supervision/self-inspections/{}", i.id),
                ),
                cell(i.department.clone()),
                cell(i.due_on.clone()),
                cell(match &i.done_on {
                    Some(d) => format!("{d} 完成"),
                    None => "待完成".into(),
                }),
                cell(format!(
                    "检查 {} 件，发现 {} 个，整改 {} 个",
                    i.files_checked, i.problems_found, i.problems_rectified
                )),
            ]
        })
        .collect();
    let mut actions = Vec::new();
    if s.actor.can(Permission::SupervisionManage) {
        actions.push(link(
            "/supervision/self-inspections/plan",
            "生成本月自查任务",
        ));
        actions.push(link(
            "/supervision/self-inspections/supervisory",
            "登记执法检查",
        ));
    }
    let next = page
        .next
        .map(|after| format!("/supervision/self-inspections?year={year}&after={after}"));
    Ok(ListPage {
        layout: layout(&s),
        title: "部门自查与执法检查".into(),
        intro: format!(
            "{year} 年：部门自查完成 {} 次（待完成 {} 次），自查发现问题 {} 个、自行整改 {} 个；执法检查 {} 次，发现问题 {} 个。每月初系统为每个执法单位生成当月自查任务，月底到期。",
            f.self_done, f.self_open, f.self_found, f.self_rectified, f.supervisory_done, f.supervisory_found
        ),
        actions,
        filters: vec![Field::text("year", "年度", year.to_string(), 4)],
        count_text: format!("本页 {} 条", page.items.len()),
        headers: vec!["任务", "单位", "期限", "状态", "结果"],
        rows,
        next,
    }
    .into_response())
}

pub async fn self_inspection_plan_page(s: Signed) -> Result<Response, PageError> {
    require(&s, Permission::SupervisionManage)?;
    let mut page = FormPage::new(
        layout(&s),
        "生成本月自查任务",
        "/supervision/self-inspections/plan",
    );
    page.intro = "为每个执法单位（办理过案件或有办案人员的部门）生成本月的部门自查任务，已有的不重复生成；系统每月初也会自动生成。".into();
    page.submit = "生成";
    page.links = vec![link("/supervision/self-inspections", "返回")];
    Ok(page.into_response())
}

pub async fn self_inspection_plan(
    State(state): State<AppState>,
    s: Signed,
) -> Result<Response, PageError> {
    require(&s, Permission::SupervisionManage)?;
    let (cal, policy) = clock_now(&state).await?;
    let today = fazhi_core::deadlines::china_today();
    let clock = Clock {
        cal: &cal,
        policy,
        today,
    };
    self_inspection::plan_month(&state.store, &s.actor, clock, today).await?;
    Ok(Redirect::to("/supervision/self-inspections").into_response())
}

fn outcome_fields(form: Option<&FormData>) -> Vec<Field> {
    let pick = |name: &str, default: String| form.map_or(default, |f| f.get(name).to_string());
    vec![
        Field::date(
            "on",
            "完成日期",
            pick("on", fazhi_core::deadlines::china_today().to_string()),
        ),
        Field::text(
            "files_checked",
            "检查案卷数",
            pick("files_checked", String::new()),
            6,
        )
        .required(),
        Field::text(
            "problems_found",
            "发现问题数",
            pick("problems_found", String::new()),
            6,
        )
        .required(),
        Field::text(
            "problems_rectified",
            "已整改问题数",
            pick("problems_rectified", String::new()),
            6,
        )
        .required(),
        Field::textarea("summary", "检查情况", pick("summary", String::new())).required(),
    ]
}

fn outcome_of(f: &FormData) -> Result<Outcome, Error> {
    Ok(Outcome {
        on: form_day(f, "on", "完成日期")?.ok_or_else(|| Error::invalid("on", "请填写日期。"))?,
        files_checked: f.int("files_checked", "检查案卷数")?,
        problems_found: f.int("problems_found", "发现问题数")?,
        problems_rectified: f.int("problems_rectified", "已整改问题数")?,
        summary: f.get("summary").to_string(),
    })
}

async fn supervisory_form(
    state: &AppState,
    s: &Signed,
    form: Option<&FormData>,
    error: Option<String>,
) -> Result<FormPage, PageError> {
    let depts = org::service::departments(&state.store, &s.actor).await?;
    let mut page = FormPage::new(
        layout(s),
        "登记执法检查",
        "/supervision/self-inspections/supervisory",
    );
    page.error = error;
    page.fields = vec![
        Field::select(
            "department_id",
            "被检查单位",
            depts
                .iter()
                .map(|d| (d.id.to_string(), d.name.clone()))
                .collect(),
            form.map_or("", |f| f.get("department_id")),
        )
        .required(),
    ];
    page.fields.extend(outcome_fields(form));
    page.submit = "登记";
    page.links = vec![link("/supervision/self-inspections", "返回")];
    Ok(page)
}

pub async fn supervisory_new(
    State(state): State<AppState>,
    s: Signed,
) -> Result<Response, PageError> {
    require(&s, Permission::SupervisionManage)?;
    Ok(supervisory_form(&state, &s, None, None)
        .await?
        .into_response())
}

pub async fn supervisory_create(
    State(state): State<AppState>,
    s: Signed,
    f: FormData,
) -> Result<Response, PageError> {
    require(&s, Permission::SupervisionManage)?;
    let today = fazhi_core::deadlines::china_today();
    let result = match (f.int("department_id", "被检查单位"), outcome_of(&f)) {
        (Ok(d), Ok(o)) => {
            self_inspection::record_supervisory(&state.store, &s.actor, today, d, &o).await
        }
        (Err(e), _) | (_, Err(e)) => Err(e),
    };
    match result {
        Ok(id) => Ok(Redirect::to(&format!("/supervision/self-inspections/{id}")).into_response()),
        Err(e) => {
            let (status, message) = super::refused(e)?;
            Ok((
                status,
                supervisory_form(&state, &s, Some(&f), Some(message)).await?,
            )
                .into_response())
        }
    }
}

async fn self_inspection_view(
    state: &AppState,
    s: &Signed,
    id: i64,
    form: Option<&FormData>,
    error: Option<String>,
) -> Result<SectionsPage, PageError> {
    let i = self_inspection::get(&state.store, &s.actor, id).await?;
    let mut details = vec![
        ("类别".to_string(), i.kind.label_zh().to_string()),
        ("单位".into(), i.department.clone()),
        ("期间".into(), i.period.clone()),
        ("期限".into(), i.due_on.clone()),
    ];
    if i.done {
        details.push(("完成日期".into(), i.done_on.clone().unwrap_or_default()));
        details.push(("检查案卷数".into(), i.files_checked.to_string()));
        details.push(("发现问题数".into(), i.problems_found.to_string()));
        details.push(("已整改问题数".into(), i.problems_rectified.to_string()));
        details.push(("检查情况".into(), i.summary.clone().unwrap_or_default()));
    }
    let mut sections = Vec::new();
    if !i.done && s.actor.can(Permission::SupervisionReply) {
        sections.push(FormSection {
            title: "登记自查结果".into(),
            action: format!("/supervision/self-inspections/{id}"),
            hidden: vec![("version", i.version.to_string())],
            fields: outcome_fields(form),
            submit: "登记",
        });
    }
    Ok(SectionsPage {
        layout: layout(s),
        title: format!("{} {}", i.period, i.kind.label_zh()),
        intro: String::new(),
        error,
        details,
        sections,
        links: vec![link("/supervision/self-inspections", "返回列表")],
    })
}

pub async fn self_inspection_show(
    State(state): State<AppState>,
    s: Signed,
    Path(id): Path<i64>,
) -> Result<Response, PageError> {
    Ok(self_inspection_view(&state, &s, id, None, None)
        .await?
        .into_response())
}

pub async fn self_inspection_record(
    State(state): State<AppState>,
    s: Signed,
    Path(id): Path<i64>,
    f: FormData,
) -> Result<Response, PageError> {
    let today = fazhi_core::deadlines::china_today();
    let result = match (f.int("version", "版本"), outcome_of(&f)) {
        (Ok(v), Ok(o)) => self_inspection::record(&state.store, &s.actor, today, id, v, &o).await,
        (Err(e), _) | (_, Err(e)) => Err(e),
    };
    match result {
        Ok(()) => Ok(Redirect::to(&format!("/supervision/self-inspections/{id}")).into_response()),
        Err(e) => {
            let (status, message) = super::refused(e)?;
            Ok((
                status,
                self_inspection_view(&state, &s, id, Some(&f), Some(message)).await?,
            )
                .into_response())
        }
    }
}

// ---- the evaluation sheet as configured (评查表配置) ----

pub async fn sheet_settings_page(
    State(state): State<AppState>,
    s: Signed,
) -> Result<Response, PageError> {
    require(&s, Permission::CaseRead)?;
    let today = fazhi_core::deadlines::china_today();
    let (current, _) = sheet_settings::in_force(&state.store, today).await?;
    let versions = sheet_settings::versions(&state.store).await?;
    let rows = versions
        .iter()
        .map(|v| {
            let mut changes: Vec<String> = v
                .settings
                .disabled
                .iter()
                .map(|c| format!("{c} 停用"))
                .collect();
            changes.extend(
                v.settings
                    .deductions
                    .iter()
                    .map(|(c, d)| format!("{c} 扣 {d} 分")),
            );
            vec![
                cell(v.effective_from.clone()),
                cell(format!(
                    "优秀 ≥ {}，合格 ≥ {}",
                    v.settings.thresholds.excellent, v.settings.thresholds.pass
                )),
                cell(if changes.is_empty() {
                    "与评查表一致".to_string()
                } else {
                    changes.join("；")
                }),
                cell(v.note.clone().unwrap_or_default()),
                cell(if v.id == current {
                    "现行"
                } else if v.effective_from.as_str() > today.to_string().as_str() {
                    "待生效"
                } else {
                    "已被取代"
                }),
            ]
        })
        .collect();
    let mut actions = Vec::new();
    if s.actor.can(Permission::SupervisionManage) {
        actions.push(link("/supervision/evaluation/settings/new", "新增一版配置"));
    }
    Ok(ListPage {
        layout: layout(&s),
        title: "评查表配置".into(),
        intro: format!(
            "评查项是否适用、扣分和等次分数线按生效日期分版；某日适用该日或之前最近生效的一版，之前没有任何一版时适用评查表原文（优秀 ≥ {}，合格 ≥ {}，任一否决项即不合格）。新的一版生效后，下一次评查会按它重新评查全部案卷。",
            sheet::DEFAULT_THRESHOLDS.excellent,
            sheet::DEFAULT_THRESHOLDS.pass
        ),
        actions,
        filters: Vec::new(),
        count_text: format!("{} 版", versions.len()),
        headers: vec!["生效日期", "等次分数线", "与评查表的不同", "说明", "状态"],
        rows,
        next: None,
    }
    .into_response())
}

fn sheet_settings_form(s: &Signed, form: Option<&FormData>, error: Option<String>) -> FormPage {
    let tomorrow = fazhi_core::deadlines::china_today()
        .succ_opt()
        .map(|d| d.to_string())
        .unwrap_or_default();
    let pick = |name: &str, default: String| form.map_or(default, |f| f.get(name).to_string());
    let mut page = FormPage::new(
        layout(s),
        "新增一版评查表配置",
        "/supervision/evaluation/settings",
    );
    page.error = error;
    page.intro =
        "生效日期不能早于今天。否决项（一票否决）始终使案卷不合格，其扣分仅用于计分。".into();
    page.fields = vec![
        Field::date(
            "effective_from",
            "生效日期",
            pick("effective_from", tomorrow),
        ),
        Field::text(
            "excellent",
            "优秀线（分）",
            pick("excellent", sheet::DEFAULT_THRESHOLDS.excellent.to_string()),
            3,
        )
        .required(),
        Field::text(
            "pass",
            "合格线（分）",
            pick("pass", sheet::DEFAULT_THRESHOLDS.pass.to_string()),
            3,
        )
        .required(),
    ];
    for rule in sheet::rules() {
        page.fields.push(Field::select(
            format!("{}_on", rule.code),
            format!("{} {}", rule.code, rule.description),
            vec![("1".into(), "适用".into()), ("0".into(), "停用".into())],
            &pick(&format!("{}_on", rule.code), "1".into()),
        ));
        page.fields.push(Field::text(
            format!("{}_deduction", rule.code),
            format!("{} 扣分", rule.code),
            pick(
                &format!("{}_deduction", rule.code),
                rule.deduction.to_string(),
            ),
            3,
        ));
    }
    page.fields.push(Field::text(
        "note",
        "说明",
        pick("note", String::new()),
        500,
    ));
    page.submit = "保存";
    page.links = vec![link("/supervision/evaluation/settings", "返回")];
    page
}

pub async fn sheet_settings_new(s: Signed) -> Result<Response, PageError> {
    require(&s, Permission::SupervisionManage)?;
    Ok(sheet_settings_form(&s, None, None).into_response())
}

pub async fn sheet_settings_create(
    State(state): State<AppState>,
    s: Signed,
    f: FormData,
) -> Result<Response, PageError> {
    require(&s, Permission::SupervisionManage)?;
    let input = || -> Result<sheet_settings::NewVersion, Error> {
        let mut deductions = Vec::new();
        for rule in sheet::rules() {
            let name = format!("{}_deduction", rule.code);
            if !f.get(&name).trim().is_empty() {
                let d = f.get(&name).trim().parse::<i64>().map_err(|_| {
                    Error::invalid("deductions", format!("{} 的扣分应为整数。", rule.code))
                })?;
                deductions.push((rule.code.to_string(), d));
            }
        }
        Ok(sheet_settings::NewVersion {
            effective_from: form_day(&f, "effective_from", "生效日期")?
                .ok_or_else(|| Error::invalid("effective_from", "请填写生效日期。"))?,
            excellent: f.int("excellent", "优秀线")?,
            pass: f.int("pass", "合格线")?,
            disabled: sheet::rules()
                .filter(|r| f.get(&format!("{}_on", r.code)) == "0")
                .map(|r| r.code.to_string())
                .collect(),
            deductions,
            note: f.opt("note"),
        })
    };
    let today = fazhi_core::deadlines::china_today();
    let result = match input() {
        Ok(v) => sheet_settings::save(&state.store, &s.actor, &v, today).await,
        Err(e) => Err(e),
    };
    match result {
        Ok(_) => Ok(Redirect::to("/supervision/evaluation/settings").into_response()),
        Err(e) => {
            let (status, message) = super::refused(e)?;
            Ok((status, sheet_settings_form(&s, Some(&f), Some(message))).into_response())
        }
    }
}

// ---- administrative-to-criminal transfer (行刑衔接) ----

pub async fn transfers_page(
    State(state): State<AppState>,
    s: Signed,
) -> Result<Response, PageError> {
    let transfers = transfers::list(&state.store, &s.actor).await?;
    let items = &transfers.items;
    let (flagged, _) = transfers::unreferred(&state.store, &s.actor).await?;
    let rows = items
        .iter()
        .map(|t| {
            vec![
                cell_link(t.cause.clone(), format!("/supervision/transfers/{}", t.id)),
                cell(t.department.clone()),
                cell(t.transferred_on.clone()),
                cell(format!("{}（涉嫌{}）", t.receiver, t.suspected_crime)),
                cell(t.state_label()),
            ]
        })
        .collect();
    let accepted = items.iter().filter(|t| t.state == "accepted").count();
    Ok(ListPage {
        layout: layout(&s),
        title: "行刑衔接".into(),
        intro: format!(
            "已移送 {} 件，公安机关已立案 {accepted} 件。违法所得达到事项追诉标准而未移送的案件 {flagged} 件。公安机关应自接受移送之日起 3 日内审查决定是否立案（{}）。",
            items.len(),
            "《行政执法机关移送涉嫌犯罪案件的规定》第八条"
        ),
        actions: vec![
            link("/supervision/transfers/unreferred", format!("应移未移案件（{flagged} 件）")),
            link("/supervision/transfers/thresholds", "事项追诉标准"),
        ],
        filters: Vec::new(),
        count_text: format!("最近 {} 件", items.len()),
        headers: vec!["案件", "移送单位", "移送日期", "接收机关", "状态"],
        rows,
        next: None,
    }
    .into_response())
}

pub async fn unreferred_page(
    State(state): State<AppState>,
    s: Signed,
) -> Result<Response, PageError> {
    let (count, flagged) = transfers::unreferred(&state.store, &s.actor).await?;
    let handle = s.actor.can(Permission::CaseHandle);
    let rows = flagged
        .iter()
        .map(|f| {
            vec![
                cell_link(f.cause.clone(), format!("/enforcement/cases/{}", f.case_id)),
                cell(f.department.clone()),
                cell(format!("{} 元", f.illegal_gains.yuan())),
                cell(format!("{} 元", f.threshold.yuan())),
                if handle {
                    cell_link(
                        "移送公安机关",
                        format!("/supervision/transfers/new?case_id={}", f.case_id),
                    )
                } else {
                    cell("")
                },
            ]
        })
        .collect();
    Ok(ListPage {
        layout: layout(&s),
        title: "应移未移案件".into(),
        intro: format!(
            "违法所得达到所涉事项追诉标准、尚未移送公安机关的案件共 {count} 件（显示前 {} 件）。",
            transfers::FLAG_LIMIT
        ),
        actions: vec![link("/supervision/transfers", "返回行刑衔接")],
        filters: Vec::new(),
        count_text: String::new(),
        headers: vec!["案件", "办案单位", "违法所得", "追诉标准", ""],
        rows,
        next: None,
    }
    .into_response())
}

async fn thresholds_view(
    state: &AppState,
    s: &Signed,
    form: Option<&FormData>,
    error: Option<String>,
) -> Result<SectionsPage, PageError> {
    let list = transfers::thresholds(&state.store).await?;
    let details = list
        .iter()
        .map(|t| {
            (
                format!("{} {}", t.item_code, t.item_name),
                format!("违法所得 {} 元（{}）", t.illegal_gains.yuan(), t.basis),
            )
        })
        .collect();
    let pick = |name: &str| form.map_or(String::new(), |f| f.get(name).to_string());
    let mut sections = Vec::new();
    if s.actor.can(Permission::SupervisionManage) {
        sections.push(FormSection {
            title: "设定事项的追诉标准".into(),
            action: "/supervision/transfers/thresholds".into(),
            hidden: Vec::new(),
            fields: vec![
                Field::text("item_code", "事项编码", pick("item_code"), 32).required(),
                Field::text("illegal_gains", "违法所得达到（元）", pick("illegal_gains"), 20)
                    .required(),
                Field::text("basis", "依据", pick("basis"), 200)
                    .required()
                    .hint("如：《最高人民检察院 公安部关于公安机关管辖的刑事案件立案追诉标准的规定（一）》第某条"),
            ],
            submit: "保存",
        });
    }
    Ok(SectionsPage {
        layout: layout(s),
        title: "事项追诉标准".into(),
        intro: "违法所得达到事项追诉标准的案件，未移送公安机关的列为应移未移。".into(),
        error,
        details,
        sections,
        links: vec![link("/supervision/transfers", "返回行刑衔接")],
    })
}

pub async fn thresholds_page(
    State(state): State<AppState>,
    s: Signed,
) -> Result<Response, PageError> {
    Ok(thresholds_view(&state, &s, None, None)
        .await?
        .into_response())
}

pub async fn threshold_set(
    State(state): State<AppState>,
    s: Signed,
    f: FormData,
) -> Result<Response, PageError> {
    require(&s, Permission::SupervisionManage)?;
    let result = match fazhi_kernel::money::Fen::parse_yuan(f.get("illegal_gains").trim()) {
        Ok(amount) => {
            transfers::set_threshold(
                &state.store,
                &s.actor,
                f.get("item_code"),
                amount,
                f.get("basis"),
            )
            .await
        }
        Err(_) => Err(Error::invalid(
            "illegal_gains",
            "金额应为元，如 5000 或 5000.00。",
        )),
    };
    match result {
        Ok(()) => Ok(Redirect::to("/supervision/transfers/thresholds").into_response()),
        Err(e) => {
            let (status, message) = super::refused(e)?;
            Ok((
                status,
                thresholds_view(&state, &s, Some(&f), Some(message)).await?,
            )
                .into_response())
        }
    }
}

#[derive(Deserialize)]
pub struct TransferQuery {
    case_id: Option<i64>,
}

async fn transfer_form(
    state: &AppState,
    s: &Signed,
    case_id: i64,
    form: Option<&FormData>,
    error: Option<String>,
) -> Result<FormPage, PageError> {
    let case = fazhi_core::enforcement::cases::get(&state.store, &s.actor, case_id).await?;
    let pick = |name: &str, default: String| form.map_or(default, |f| f.get(name).to_string());
    let mut page = FormPage::new(layout(s), "移送涉嫌犯罪案件", "/supervision/transfers");
    page.error = error;
    page.details = vec![
        ("案件".into(), case.case.cause.clone()),
        ("办案单位".into(), case.case.department_name.clone()),
        ("立案日期".into(), case.case.filed_on.clone()),
    ];
    page.hidden = vec![("case_id", case_id.to_string())];
    page.fields = vec![
        Field::date(
            "on",
            "移送日期",
            pick("on", fazhi_core::deadlines::china_today().to_string()),
        ),
        Field::date(
            "reported_on",
            "报告负责人日期",
            pick("reported_on", String::new()),
        )
        .required()
        .hint("执法人员向本机关负责人书面报告涉嫌犯罪的日期；负责人应在三日内决定（第五条）。"),
        Field::date(
            "approved_on",
            "负责人批准移送日期",
            pick("approved_on", String::new()),
        )
        .required()
        .hint("批准后应在二十四小时内移送公安机关（第五条）。"),
        Field::text(
            "approver",
            "批准移送的负责人",
            pick("approver", String::new()),
            50,
        )
        .required(),
        Field::text(
            "receiver",
            "接收的公安机关",
            pick("receiver", "诸暨市公安局".into()),
            100,
        )
        .required(),
        Field::text(
            "suspected_crime",
            "涉嫌罪名",
            pick("suspected_crime", String::new()),
            100,
        )
        .required(),
        Field::textarea(
            "evidence",
            "移送的证据材料清单",
            pick("evidence", String::new()),
        )
        .required()
        .hint("每行一项：涉嫌犯罪案件移送书、调查报告、涉案物品清单、检验报告或鉴定结论等。"),
        Field::checkboxes(
            "economic",
            "案件类别",
            vec![("1".into(), "涉嫌经济犯罪（公安机关审查期限 10 日）".into())],
            &[],
        ),
    ];
    page.submit = "移送";
    page.links = vec![link(format!("/enforcement/cases/{case_id}"), "返回案件")];
    Ok(page)
}

pub async fn transfer_new(
    State(state): State<AppState>,
    s: Signed,
    Query(q): Query<TransferQuery>,
) -> Result<Response, PageError> {
    require(&s, Permission::CaseHandle)?;
    let case_id = q
        .case_id
        .ok_or_else(|| PageError(Error::invalid("case_id", "请从案件进入移送。")))?;
    Ok(transfer_form(&state, &s, case_id, None, None)
        .await?
        .into_response())
}

pub async fn transfer_create(
    State(state): State<AppState>,
    s: Signed,
    f: FormData,
) -> Result<Response, PageError> {
    require(&s, Permission::CaseHandle)?;
    let case_id = f.int("case_id", "案件")?;
    let (cal, policy) = clock_now(&state).await?;
    let clock = Clock {
        cal: &cal,
        policy,
        today: fazhi_core::deadlines::china_today(),
    };
    let day = |field: &'static str, label: &str| -> Result<NaiveDate, Error> {
        form_day(&f, field, label)?.ok_or_else(|| Error::invalid(field, format!("请填写{label}。")))
    };
    let input = (|| {
        Ok::<_, Error>(transfers::NewTransfer {
            case_id,
            on: day("on", "移送日期")?,
            reported_on: day("reported_on", "报告负责人日期")?,
            approved_on: day("approved_on", "负责人批准移送日期")?,
            approver: f.get("approver").to_string(),
            receiver: f.get("receiver").to_string(),
            suspected_crime: f.get("suspected_crime").to_string(),
            evidence: f.get("evidence").to_string(),
            economic: f.get("economic") == "1",
        })
    })();
    let result = match input {
        Ok(input) => transfers::transfer(&state.store, &s.actor, clock, &input).await,
        Err(e) => Err(e),
    };
    match result {
        Ok(id) => Ok(Redirect::to(&format!("/supervision/transfers/{id}")).into_response()),
        Err(e) => {
            let (status, message) = super::refused(e)?;
            Ok((
                status,
                transfer_form(&state, &s, case_id, Some(&f), Some(message)).await?,
            )
                .into_response())
        }
    }
}

async fn transfer_view(
    state: &AppState,
    s: &Signed,
    id: i64,
    error: Option<String>,
) -> Result<SectionsPage, PageError> {
    let t = transfers::get(&state.store, &s.actor, id).await?;
    let mut details = vec![
        ("案件".to_string(), t.cause.clone()),
        ("移送单位".into(), t.department.clone()),
        ("移送日期".into(), t.transferred_on.clone()),
        ("接收机关".into(), t.receiver.clone()),
        ("涉嫌罪名".into(), t.suspected_crime.clone()),
        ("证据材料清单".into(), t.evidence.clone()),
        ("状态".into(), t.state_label().to_string()),
    ];
    if let (Some(reported), Some(approved)) = (&t.reported_on, &t.approved_on) {
        details.push((
            "报告负责人 / 批准移送".into(),
            format!(
                "{reported} / {approved}（{}）",
                t.approver.as_deref().unwrap_or("")
            ),
        ));
        let dates = [reported, approved, &t.transferred_on].map(|d| fazhi_kernel::date::parse(d));
        if let [Some(r), Some(a), Some(sent)] = dates {
            let (cal, _) = clock_now(state).await?;
            let late = transfers::approval_lateness(&cal, r, a, sent);
            details.push((
                "第五条期限".into(),
                if late.is_empty() {
                    "负责人三日内决定、批准后二十四小时内移送：均在期限内".into()
                } else {
                    late.join("")
                },
            ));
        }
    }
    if let Some(d) = &t.decided_on {
        details.push(("公安机关决定日期".into(), d.clone()));
    }
    if let Some(n) = &t.decision_note {
        details.push(("说明".into(), n.clone()));
    }
    let mut sections = Vec::new();
    if t.state == "transferred" && s.actor.can(Permission::CaseHandle) {
        sections.push(FormSection {
            title: "登记公安机关的审查决定".into(),
            action: format!("/supervision/transfers/{id}"),
            hidden: vec![("version", t.version.to_string())],
            fields: vec![
                Field::date(
                    "on",
                    "决定日期",
                    fazhi_core::deadlines::china_today().to_string(),
                ),
                Field::select(
                    "decision",
                    "决定",
                    vec![
                        ("accepted".into(), "立案".into()),
                        ("returned".into(), "不予立案（退回）".into()),
                    ],
                    "accepted",
                ),
                Field::textarea("note", "说明（不予立案的须写明理由）", ""),
            ],
            submit: "登记",
        });
    }
    Ok(SectionsPage {
        layout: layout(s),
        title: "涉嫌犯罪案件移送".into(),
        intro: String::new(),
        error,
        details,
        sections,
        links: vec![
            link(format!("/enforcement/cases/{}", t.case_id), "查看案件"),
            link("/supervision/transfers", "返回行刑衔接"),
        ],
    })
}

pub async fn transfer_show(
    State(state): State<AppState>,
    s: Signed,
    Path(id): Path<i64>,
) -> Result<Response, PageError> {
    Ok(transfer_view(&state, &s, id, None).await?.into_response())
}

pub async fn transfer_decide(
    State(state): State<AppState>,
    s: Signed,
    Path(id): Path<i64>,
    f: FormData,
) -> Result<Response, PageError> {
    let (cal, policy) = clock_now(&state).await?;
    let clock = Clock {
        cal: &cal,
        policy,
        today: fazhi_core::deadlines::china_today(),
    };
    let result = match (f.int("version", "版本"), form_day(&f, "on", "决定日期")) {
        (Ok(v), Ok(Some(on))) => {
            let decision = transfers::Decision {
                on,
                accepted: f.get("decision") != "returned",
                note: f.opt("note"),
            };
            transfers::decide(&state.store, &s.actor, clock, id, v, &decision).await
        }
        (Ok(_), Ok(None)) => Err(Error::invalid("on", "请填写决定日期。")),
        (Err(e), _) | (_, Err(e)) => Err(e),
    };
    match result {
        Ok(()) => Ok(Redirect::to(&format!("/supervision/transfers/{id}")).into_response()),
        Err(e) => {
            let (status, message) = super::refused(e)?;
            Ok((status, transfer_view(&state, &s, id, Some(message)).await?).into_response())
        }
    }
}

// ---- violation leads (线索) ----

#[derive(Clone, Default, Deserialize)]
pub struct LeadsQuery {
    model: Option<String>,
    after: Option<i64>,
}

pub async fn leads_page(
    State(state): State<AppState>,
    s: Signed,
    Query(q): Query<LeadsQuery>,
) -> Result<Response, PageError> {
    if let Some(code) = q.model.as_deref().filter(|c| !c.is_empty()) {
        let model = leads::model(code)
            .ok_or_else(|| PageError(Error::invalid("model", format!("没有线索模型“{code}”。"))))?;
        let page =
            leads::of_model(&state.store, &s.actor, code, Keyset::new(q.after, None)).await?;
        let rows = page
            .items
            .iter()
            .map(|l| {
                vec![
                    match leads::link(&l.subject_type, &l.subject_id) {
                        Some(href) => cell_link(l.detail.clone(), href),
                        None => cell(l.detail.clone()),
                    },
                    cell(l.department.clone()),
                    cell(l.found_on.clone()),
                    cell_link("处理", format!("/supervision/leads/{}", l.id)),
                ]
            })
            .collect();
        return Ok(ListPage {
            layout: layout(&s),
            title: format!("{} {}", model.code, model.name),
            intro: format!(
                "{}程序处理。系统每小时运行一次线索模型。",
                model.track.label_zh()
            ),
            actions: vec![link("/supervision/leads", "返回线索")],
            filters: Vec::new(),
            count_text: format!("本页 {} 条", page.items.len()),
            headers: vec!["线索", "单位", "发现日期", ""],
            rows,
            next: page
                .next
                .map(|after| format!("/supervision/leads?model={code}&after={after}")),
        }
        .into_response());
    }
    let desk = leads::desk(&state.store, &s.actor).await?;
    let total: i64 = desk.iter().map(|(_, n)| n).sum();
    let rows = desk
        .iter()
        .map(|(m, n)| {
            vec![
                cell(m.code),
                cell(m.name),
                cell(m.track.label_zh()),
                if *n > 0 {
                    cell_link(
                        format!("{n} 条"),
                        format!("/supervision/leads?model={}", m.code),
                    )
                } else {
                    cell("0 条")
                },
            ]
        })
        .collect();
    Ok(ListPage {
        layout: layout(&s),
        title: "违法线索".into(),
        intro: format!(
            "{} 个线索模型每小时检查全部记录（控制台 fazhi leads），按普通、简易、预警三种程序分派；待处理线索 {total} 条。您可查看的范围：{}。",
            leads::MODELS.len(),
            s.actor.scope.kind.label_zh()
        ),
        actions: Vec::new(),
        filters: Vec::new(),
        count_text: String::new(),
        headers: vec!["模型", "线索", "程序", "待处理"],
        rows,
        next: None,
    }
    .into_response())
}

pub async fn lead_page(s: Signed, Path(id): Path<i64>) -> Result<Response, PageError> {
    require(&s, Permission::SupervisionManage)?;
    Ok(lead_form(&s, id, None).into_response())
}

fn lead_form(s: &Signed, id: i64, error: Option<String>) -> SectionsPage {
    let form = |action: &'static str, title: &str, label: &'static str, submit: &'static str| {
        FormSection {
            title: title.to_string(),
            action: format!("/supervision/leads/{id}"),
            hidden: vec![("action", action.to_string())],
            fields: vec![Field::textarea("note", label, "")],
            submit,
        }
    };
    SectionsPage {
        layout: layout(s),
        title: "处理线索".into(),
        intro: String::new(),
        error,
        details: Vec::new(),
        sections: vec![
            form("handled", "已处理", "处理情况", "已处理"),
            form("dismissed", "不予处理", "不予处理的理由", "不予处理"),
        ],
        links: vec![link("/supervision/leads", "返回线索")],
    }
}

pub async fn lead_close(
    State(state): State<AppState>,
    s: Signed,
    Path(id): Path<i64>,
    f: FormData,
) -> Result<Response, PageError> {
    require(&s, Permission::SupervisionManage)?;
    let today = fazhi_core::deadlines::china_today();
    let handled = f.get("action") == "handled";
    let note = f.opt("note");
    match leads::close(&state.store, &s.actor, id, handled, note.as_deref(), today).await {
        Ok(()) => Ok(Redirect::to("/supervision/leads").into_response()),
        Err(e) => {
            let (status, message) = super::refused(e)?;
            Ok((status, lead_form(&s, id, Some(message))).into_response())
        }
    }
}

// ---- performance evaluation (效能评价) ----

fn ratio(r: performance::Ratio) -> String {
    match r.rate() {
        Some(rate) => format!("{} / {}（{}）", r.done, r.of, percent(Some(rate))),
        None => "—（不计入）".into(),
    }
}

pub async fn performance_page(
    State(state): State<AppState>,
    s: Signed,
    Query(q): Query<YearQuery>,
) -> Result<Response, PageError> {
    let today = fazhi_core::deadlines::china_today();
    let year = year_of(&q, today.year());
    let scores = performance::evaluate(&state.store, &s.actor, year, today).await?;
    let rows = scores
        .iter()
        .map(|a| {
            let score = (a.score() * 100.0 + 0.5).floor() / 100.0;
            vec![
                cell(a.department.clone()),
                cell(format!("{} 人", a.staff)),
                cell_link(
                    ratio(a.self_inspections),
                    format!("/supervision/self-inspections?year={year}"),
                ),
                cell_link(
                    ratio(a.notices),
                    format!("/supervision/notices?year={year}"),
                ),
                cell(ratio(a.files)),
                cell(format!("{score:.2}")),
            ]
        })
        .collect();
    Ok(ListPage {
        layout: layout(&s),
        title: format!("{year} 年执法效能评价"),
        intro: performance::FORMULA.into(),
        actions: Vec::new(),
        filters: vec![Field::text("year", "年度", year.to_string(), 4)],
        count_text: format!("{} 个执法单位", scores.len()),
        headers: vec![
            "单位",
            "执法人员",
            "工作机制（部门自查按期）",
            "协同配合（通知书按期回复）",
            "执法规范（评查未不合格）",
            "得分",
        ],
        rows,
        next: None,
    }
    .into_response())
}
