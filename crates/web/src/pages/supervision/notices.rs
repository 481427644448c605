//! Supervision notices (执法监督通知书): issue, the agency's reply, review and acceptance, the .docx.

use crate::listing::{ListParams, ListUrl, no_rows, status, total_or_refusal, total_text};
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use chrono::Datelike;
use fazhi_core::enforcement::figures::percent;
use fazhi_core::org;
use fazhi_core::supervision::notices::{self, NewNotice, NoticeFilter, NoticeState, Reply, Review};
use fazhi_core::{Error, Permission};
use serde::{Deserialize, Serialize};

use super::{layout, require};
use crate::AppState;
use crate::error::PageError;
use crate::form::FormData;
use crate::session::Signed;
use crate::view::*;

use super::*;

#[derive(Clone, Default, Deserialize, Serialize)]
pub struct NoticesQuery {
    #[serde(skip_serializing_if = "Option::is_none")]
    state: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) year: Option<String>,
    #[serde(flatten)]
    pub(super) list: ListParams,
}

impl NoticesQuery {
    fn filter(&self) -> NoticeFilter {
        NoticeFilter {
            state: self.state.as_deref().and_then(NoticeState::parse),
            year: self.year.as_deref().and_then(|y| y.trim().parse().ok()),
            narrowing: self.list.narrowing(),
        }
    }
}

/// Exactly the notices the list shows, as .xlsx, as a long job.
pub async fn notices_export(
    State(state): State<AppState>,
    s: Signed,
    Query(q): Query<NoticesQuery>,
) -> Result<Response, PageError> {
    let filter = q.filter();
    let counted = notices::count(&state.store, &s.actor, &filter).await?;
    let (order, _, _) = q.list.afford(notices::SORTS, counted);
    let actor = s.actor.clone();
    crate::pages::long_jobs::export(
        &state,
        &s,
        "导出执法监督通知",
        "supervision-notices.xlsx",
        "/supervision/notices",
        move |store, rows| async move {
            notices::export(&store, &actor, &filter, &order, &*rows).await
        },
    )
    .await
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
    let filter = q.filter();
    let (counted, refused) =
        total_or_refusal(notices::count(&state.store, &s.actor, &filter).await)?;
    let (order, shown, sort_note) = q.list.afford(notices::SORTS, counted);
    let page = match refused {
        None => notices::list(&state.store, &s.actor, &filter, order).await?,
        Some(_) => no_rows(),
    };
    let total = total_text(counted, "份");
    let url = ListUrl::new("/supervision/notices", &q, &shown);
    let (prev, next) = url.pager(&page);
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
    let mut actions = vec![link(
        url.at("/supervision/notices/export.xlsx"),
        format!("导出 Excel（当前筛选的 {total}）"),
    )];
    if s.actor.can(Permission::SupervisionManage) {
        actions.push(link("/supervision/notices/new", "发出监督通知书"));
    }
    Ok((status(&refused), ListPage {
        prev,
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
        ]
        .into_iter()
        .chain(q.list.search_fields("文号、标题或被监督单位", "发出日期"))
        .chain([q.list.size_field()])
        .collect(),
        error: refused,
        count_text: format!(
            "共 {total}，本页 {} 份{}",
            page.items.len(),
            sort_note.map(|n| format!("。{n}")).unwrap_or_default()
        ),
        hidden: shown.hidden(),
        headers: url.headers(&[
            ("文号", Some("number")),
            ("被监督单位", None),
            ("标题", None),
            ("发出日期", Some("issued_on")),
            ("整改期限", Some("rectify_by")),
            ("状态", None),
        ]),
        rows,
        next,
    })
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

pub async fn notice_create(
    State(state): State<AppState>,
    s: Signed,
    f: FormData,
) -> Result<Response, PageError> {
    require(&s, Permission::SupervisionManage)?;
    let in_force = state.in_force().await?;
    let result = match new_notice(&f) {
        Ok(input) => notices::issue(&state.ctx(&s.actor, &in_force), &input).await,
        Err(e) => Err(e),
    };
    match result {
        Ok(id) => Ok(Redirect::to(&format!("/supervision/notices/{id}")).into_response()),
        Err(e) => {
            let (status, message) = super::super::refused(e)?;
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
        notice: None,
        warnings: Vec::new(),
        table: None,
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
    let in_force = state.in_force().await?;
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
                notices::reply(
                    &state.store,
                    &s.actor,
                    fazhi_core::deadlines::china_today(),
                    id,
                    version,
                    &input,
                )
                .await
            }
            "accept" => {
                let verdict = Review::Accept {
                    note: f.opt("note"),
                };
                notices::review(&state.ctx(&s.actor, &in_force), id, version, on, verdict).await
            }
            "return" => {
                let verdict = Review::Return {
                    reason: f.get("reason").to_string(),
                    rectify_days: f.int("rectify_days", "整改期限")?,
                };
                notices::review(&state.ctx(&s.actor, &in_force), id, version, on, verdict).await
            }
            _ => Err(Error::invalid("action", "请选择操作。")),
        }
    }
    .await;
    match result {
        Ok(()) => Ok(Redirect::to(&format!("/supervision/notices/{id}")).into_response()),
        Err(e) => {
            let (status, message) = super::super::refused(e)?;
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
    Ok(super::super::docx_response(
        &format!("supervision-notice-{id}.docx"),
        bytes,
    ))
}
