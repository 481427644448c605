//! Normative documents: the register inside fazhi (list, export, a document with its versions,
//! links and filing) and the public library (full-text search, a document's every version).

pub mod cleanup;

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use fazhi_core::normative::{self, Filter, Record, Status, library};
use fazhi_core::{Error, Permission, deadlines};
use serde::{Deserialize, Serialize};

use super::{layout, refused};
use crate::AppState;
use crate::error::PageError;
use crate::form::FormData;
use crate::listing::{ListParams, ListUrl, no_rows, status, total_or_refusal, total_text};
use crate::session::Signed;
use crate::view::*;

/// Hits a library page shows.
const HITS_PER_PAGE: usize = 20;
/// The deepest page of hits offered (relevance falls off long before).
const LAST_PAGE: usize = 50;

pub struct HitView {
    pub href: String,
    pub title: String,
    pub number: String,
    pub issuer: String,
    pub status: &'static str,
    /// Escaped text with the words found in `<b>` (built by `fazhi_search`).
    pub snippet: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "library.html")]
pub struct LibraryPage {
    pub layout: Layout,
    pub title: String,
    pub intro: String,
    pub filters: Vec<Field>,
    pub error: Option<String>,
    pub count_text: String,
    pub hits: Vec<HitView>,
    pub prev: Option<String>,
    pub next: Option<String>,
}

#[derive(Template, WebTemplate)]
#[template(path = "normative_document.html")]
pub struct DocumentPage {
    pub layout: Layout,
    pub title: String,
    pub notice: Option<String>,
    pub error: Option<String>,
    pub details: Vec<(String, String)>,
    /// (relation, number and title, link when the register holds it).
    pub related: Vec<(String, String, Option<String>)>,
    pub sections: Vec<FormSection>,
    pub versions: Vec<normative::Version>,
    pub links: Vec<Link>,
}

fn status_label(code: &str) -> &'static str {
    Status::parse(code).map_or("", Status::label_zh)
}

fn status_options(all_label: &str) -> Vec<(String, String)> {
    std::iter::once((String::new(), all_label.to_string()))
        .chain(
            Status::ALL
                .iter()
                .map(|s| (s.code().to_string(), s.label_zh().to_string())),
        )
        .collect()
}

async fn issuer_options(state: &AppState) -> Result<Vec<(String, String)>, PageError> {
    Ok(std::iter::once((String::new(), "全部制定机关".to_string()))
        .chain(
            normative::issuers(&state.store)
                .await?
                .into_iter()
                .map(|i| (i.clone(), i)),
        )
        .collect())
}

#[derive(Clone, Default, Deserialize, Serialize)]
pub struct LibraryQuery {
    #[serde(default, skip_serializing_if = "String::is_empty")]
    q: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    issuer: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    year: String,
    /// A status code; absent means in force, "all" any status.
    #[serde(skip_serializing_if = "Option::is_none")]
    status: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    page: Option<usize>,
}

/// The public library: documents in force by default, searched in Chinese, no sign-in.
pub async fn public_library(
    State(state): State<AppState>,
    Query(q): Query<LibraryQuery>,
) -> Result<Response, PageError> {
    let status_code = q.status.clone().unwrap_or_else(|| "in_force".into());
    let page = q.page.unwrap_or(1).clamp(1, LAST_PAGE);
    let year = q.year.trim();
    let mut error = None;
    let year_value = if year.is_empty() {
        None
    } else {
        match year.parse::<i64>() {
            Ok(y) if (1949..=2100).contains(&y) => Some(y),
            _ => {
                error = Some(format!("年份“{year}”应为四位数字，例如 2023。"));
                None
            }
        }
    };
    let query = fazhi_search::Query {
        words: q.q.trim().to_string(),
        issuer: Some(q.issuer.clone()).filter(|i| !i.is_empty()),
        year: year_value,
        status: Some(status_code.clone()).filter(|s| s != "all" && !s.is_empty()),
        number: None,
        limit: HITS_PER_PAGE,
        offset: (page - 1) * HITS_PER_PAGE,
    };
    let found = if error.is_some() {
        None
    } else {
        match library::search(&state.store, &state.library, &query).await {
            Ok(f) => Some(f),
            Err(e @ Error::Invalid { .. }) => {
                error = Some(e.message_zh());
                None
            }
            Err(e) => return Err(PageError(e)),
        }
    };
    let filters = vec![
        Field::text("q", "关键词", q.q.clone(), 100)
            .hint("例如：行政复议 听证、停车管理、诸政发〔2023〕5号"),
        Field::select(
            "issuer",
            "制定机关",
            issuer_options(&state).await?,
            &q.issuer,
        ),
        Field::text("year", "印发年份", q.year.clone(), 4),
        Field::select(
            "status",
            "效力状态",
            std::iter::once(("all".to_string(), "全部状态".to_string()))
                .chain(status_options("").into_iter().skip(1))
                .collect(),
            &status_code,
        ),
    ];
    let (hits, total, count_text) = match &found {
        None => (Vec::new(), 0, "请改正检索条件。".to_string()),
        Some(f) => {
            let hits: Vec<HitView> = f
                .hits
                .hits
                .iter()
                .map(|h| HitView {
                    href: format!("/public/documents/{}", h.id),
                    title: h.title.clone(),
                    number: h.number.clone(),
                    issuer: h.issuer.clone(),
                    status: status_label(&h.status),
                    snippet: h.snippet_html.clone(),
                })
                .collect();
            let text = if query.words.is_empty() {
                format!("共 {} 件（未输入关键词，按登记顺序列出）", f.hits.total)
            } else if f.hits.total == 0 {
                "没有同时含有全部关键词的文件，请减少或更换关键词。".to_string()
            } else {
                format!("找到 {} 件（用时 {:.1} 毫秒）", f.hits.total, f.ms)
            };
            (hits, f.hits.total, text)
        }
    };
    let at = |p: usize| {
        let mut shown = q.clone();
        shown.page = Some(p);
        format!(
            "/public/documents?{}",
            serde_urlencoded::to_string(&shown).unwrap_or_default()
        )
    };
    let prev = (page > 1).then(|| at(page - 1));
    let next = (page * HITS_PER_PAGE < total && page < LAST_PAGE).then(|| at(page + 1));
    let status_code = if error.is_some() {
        axum::http::StatusCode::UNPROCESSABLE_ENTITY
    } else {
        axum::http::StatusCode::OK
    };
    Ok((status_code, LibraryPage {
        layout: Layout::anonymous(String::new()),
        title: "行政规范性文件库".into(),
        intro: "诸暨市及所属部门、镇乡（街道）制定的行政规范性文件，可按关键词全文检索（中文分词），并按制定机关、年份和效力状态筛选；每件文件可查看各版本全文。".into(),
        filters,
        error,
        count_text,
        hits,
        prev,
        next,
    })
        .into_response())
}

fn details(r: &Record) -> Vec<(String, String)> {
    let d = &r.document;
    let mut v = vec![
        ("文号".into(), d.number.clone()),
        ("制定机关".into(), d.issuer.clone()),
        ("效力状态".into(), d.status.label_zh().into()),
        ("印发日期".into(), d.issued_on.clone()),
        (
            "公布日期".into(),
            d.published_on.clone().unwrap_or_else(|| "未公布".into()),
        ),
        ("施行日期".into(), d.effective_on.clone()),
        ("有效期至".into(), d.expires_on.clone()),
    ];
    if !r.legal_basis.is_empty() {
        v.push(("制定依据".into(), r.legal_basis.join("；")));
    }
    v
}

fn related(r: &Record, base: &str) -> Vec<(String, String, Option<String>)> {
    let mut out = Vec::new();
    for (label, list) in [
        ("修改", &r.amends),
        ("废止", &r.repeals),
        ("被修改", &r.amended_by),
        ("被废止", &r.repealed_by),
    ] {
        for l in list {
            out.push((
                label.to_string(),
                match &l.title {
                    Some(t) => format!("{} {t}", l.number),
                    None => l.number.clone(),
                },
                l.id.map(|id| format!("{base}/{id}")),
            ));
        }
    }
    out
}

pub async fn public_document(
    State(state): State<AppState>,
    Path(id): Path<i64>,
) -> Result<Response, PageError> {
    let r = normative::public(&state.store, id).await?;
    Ok(DocumentPage {
        layout: Layout::anonymous(String::new()),
        title: r.document.title.clone(),
        notice: (!r.document.status.applies())
            .then(|| format!("本文件{}，仅供查阅。", r.document.status.label_zh())),
        error: None,
        details: details(&r),
        related: related(&r, "/public/documents"),
        sections: Vec::new(),
        versions: r.versions,
        links: vec![link("/public/documents", "返回文件库")],
    }
    .into_response())
}

#[derive(Clone, Default, Deserialize, Serialize)]
pub struct RegisterQuery {
    #[serde(skip_serializing_if = "Option::is_none")]
    status: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    issuer: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    unfiled: Option<String>,
    /// A year: the documents filed upward in it (the report's figure).
    #[serde(skip_serializing_if = "Option::is_none")]
    filed: Option<String>,
    /// "1": still applied and lapsing within the warning's window.
    #[serde(skip_serializing_if = "Option::is_none")]
    expiring: Option<String>,
    #[serde(flatten)]
    list: ListParams,
}

impl RegisterQuery {
    fn filter(&self) -> Filter {
        Filter {
            status: self.status.as_deref().and_then(Status::parse),
            issuer: self.issuer.clone().filter(|i| !i.is_empty()),
            unfiled: self.unfiled.as_deref() == Some("1"),
            filed_in: self.filed.as_deref().and_then(|y| y.trim().parse().ok()),
            expiring_by: (self.expiring.as_deref() == Some("1")).then(|| {
                let today = fazhi_core::deadlines::china_today();
                (
                    today,
                    today + chrono::Duration::days(normative::EXPIRY_WARNING_DAYS),
                )
            }),
            narrowing: self.list.narrowing(),
        }
    }
}

pub async fn register_export(
    State(state): State<AppState>,
    s: Signed,
    Query(q): Query<RegisterQuery>,
) -> Result<Response, PageError> {
    let filter = q.filter();
    let counted = normative::count(&state.store, &s.actor, &filter).await?;
    let (order, _, _) = q.list.afford(normative::SORTS, counted);
    let actor = s.actor.clone();
    crate::pages::long_jobs::export(
        &state,
        &s,
        "导出行政规范性文件",
        "normative-documents.xlsx",
        "/normative/documents",
        move |store, rows| async move {
            normative::export(&store, &actor, &filter, &order, &*rows).await
        },
    )
    .await
}

pub async fn register_page(
    State(state): State<AppState>,
    s: Signed,
    Query(q): Query<RegisterQuery>,
) -> Result<Response, PageError> {
    let filter = q.filter();
    let (counted, refused) =
        total_or_refusal(normative::count(&state.store, &s.actor, &filter).await)?;
    let (order, shown, sort_note) = q.list.afford(normative::SORTS, counted);
    let page = match refused {
        None => normative::list(&state.store, &s.actor, &filter, order).await?,
        Some(_) => no_rows(),
    };
    let total = total_text(counted, "件");
    let url = ListUrl::new("/normative/documents", &q, &shown);
    let (prev, next) = url.pager(&page);
    let rows = page
        .items
        .iter()
        .map(|d| {
            vec![
                cell_link(d.number.clone(), format!("/normative/documents/{}", d.id)),
                cell(d.title.clone()),
                cell(d.issuer.clone()),
                cell(d.issued_on.clone()),
                cell(d.expires_on.clone()),
                cell(d.status.label_zh()),
                cell(match (&d.filed_on, &d.published_on) {
                    (Some(f), _) => format!("{f} 已备案"),
                    (None, Some(_)) => "未备案".into(),
                    (None, None) => "未公布".into(),
                }),
            ]
        })
        .collect();
    Ok((status(&refused), ListPage {
        prev,
        layout: layout(&s),
        title: "行政规范性文件库".into(),
        intro: format!(
            "本市行政规范性文件的登记、版本、效力状态和备案。公众可在“行政规范性文件库”公开页面全文检索现行有效的文件。您可查看的范围：{}。",
            s.actor.scope.kind.label_zh()
        ),
        actions: {
            let mut a = vec![
                link(url.at("/normative/documents/export.xlsx"), format!("导出 Excel（当前筛选的 {total}）")),
                link("/public/documents", "公开文件库（全文检索）"),
            ];
            if s.actor.can(Permission::NormativeManage) {
                a.push(link("/normative/documents/import", "导入登记表（Excel）"));
            }
            a
        },
        filters: vec![
            Field::select(
                "status",
                "效力状态",
                status_options("全部"),
                q.status.as_deref().unwrap_or(""),
            ),
            Field::select(
                "issuer",
                "制定机关",
                issuer_options(&state).await?,
                q.issuer.as_deref().unwrap_or(""),
            ),
            Field::select(
                "unfiled",
                "备案",
                vec![(String::new(), "全部".into()), ("1".into(), "已公布未备案".into())],
                q.unfiled.as_deref().unwrap_or(""),
            ),
            Field::text("filed", "备案年度", q.filed.clone().unwrap_or_default(), 4),
            Field::select(
                "expiring",
                "有效期",
                vec![
                    (String::new(), "全部".into()),
                    (
                        "1".into(),
                        format!("{} 日内到期", normative::EXPIRY_WARNING_DAYS),
                    ),
                ],
                q.expiring.as_deref().unwrap_or(""),
            ),
        ]
        .into_iter()
        .chain(q.list.search_fields("文号、标题或制定机关", "印发日期"))
        .chain([q.list.size_field()])
        .collect(),
        error: refused,
        count_text: format!(
            "共 {total}，本页 {} 件{}",
            page.items.len(),
            sort_note.map(|n| format!("。{n}")).unwrap_or_default()
        ),
        hidden: shown.hidden(),
        headers: url.headers(&[
            ("文号", Some("number")),
            ("标题", None),
            ("制定机关", None),
            ("印发日期", Some("issued_on")),
            ("有效期至", Some("expires_on")),
            ("效力状态", None),
            ("备案", None),
        ]),
        rows,
        next,
    })
    .into_response())
}

async fn document_view(
    state: &AppState,
    s: &Signed,
    id: i64,
    error: Option<String>,
) -> Result<DocumentPage, PageError> {
    let r = normative::get(&state.store, &s.actor, id).await?;
    let mut details = details(&r);
    details.push((
        "当前版本".into(),
        format!("第 {} 版", r.document.current_version),
    ));
    details.push((
        "备案".into(),
        r.document
            .filed_on
            .clone()
            .map(|f| format!("{f} 已报送备案"))
            .unwrap_or_else(|| "未备案".into()),
    ));
    let limits = deadlines::for_subject(
        &state.store,
        &s.actor,
        "normative_document",
        &id.to_string(),
    )
    .await
    .unwrap_or_default();
    for d in &limits {
        details.push((
            d.purpose.clone(),
            format!(
                "{} 届满（{}，{}{}）",
                d.due_on,
                d.state_zh(),
                d.law,
                d.article
            ),
        ));
    }
    let mut sections = Vec::new();
    if s.actor.can(Permission::NormativeManage)
        && r.document.filed_on.is_none()
        && r.document.published_on.is_some()
    {
        sections.push(FormSection {
            title: "记录报送备案".into(),
            action: format!("/normative/documents/{id}/filing"),
            hidden: vec![("version", r.document.version.to_string())],
            fields: vec![
                Field::date(
                    "filed_on",
                    "报送备案日期",
                    fazhi_core::deadlines::china_today().to_string(),
                )
                .required(),
            ],
            submit: "记录备案",
        });
    }
    let mut links = vec![link("/normative/documents", "返回文件库")];
    if let Some(review) = r.review_id {
        links.push(link(format!("/review/requests/{review}"), "合法性审查记录"));
    }
    links.extend(limits.iter().map(|d| {
        link(
            format!("/deadlines/{}", d.id),
            format!("时限：{}", d.purpose),
        )
    }));
    links.push(link(format!("/public/documents/{id}"), "公开页面"));
    let today = fazhi_core::deadlines::china_today();
    let lapsing = fazhi_kernel::date::parse(&r.document.expires_on)
        .map(|e| (e - today).num_days())
        .filter(|left| {
            r.document.status.applies() && (0..=normative::EXPIRY_WARNING_DAYS).contains(left)
        })
        .map(|left| {
            format!(
                "本文件有效期至 {}，还有 {left} 日到期：请在到期前评估，继续有效的重新公布，需要修改的修改，不再适用的废止。",
                r.document.expires_on
            )
        });
    Ok(DocumentPage {
        layout: layout(s),
        title: r.document.title.clone(),
        notice: lapsing,
        error,
        details,
        related: related(&r, "/normative/documents"),
        sections,
        versions: r.versions,
        links,
    })
}

pub async fn document_show(
    State(state): State<AppState>,
    s: Signed,
    Path(id): Path<i64>,
) -> Result<Response, PageError> {
    Ok(document_view(&state, &s, id, None).await?.into_response())
}

pub async fn document_filing(
    State(state): State<AppState>,
    s: Signed,
    Path(id): Path<i64>,
    f: FormData,
) -> Result<Response, PageError> {
    let in_force = state.in_force().await?;
    let result = async {
        let version = f.int("version", "版本")?;
        let on = fazhi_kernel::date::parse(f.get("filed_on").trim()).ok_or_else(|| {
            Error::invalid("filed_on", "报送备案日期应为 YYYY-MM-DD，例如 2024-01-31。")
        })?;
        normative::record_filing(&state.ctx(&s.actor, &in_force), id, version, on).await
    }
    .await;
    match result {
        Ok(()) => Ok(Redirect::to(&format!("/normative/documents/{id}")).into_response()),
        Err(e) => {
            let (status, message) = refused(e)?;
            Ok((status, document_view(&state, &s, id, Some(message)).await?).into_response())
        }
    }
}

fn sheet_upload(s: &Signed, error: Option<String>) -> FormPage {
    let mut page = FormPage::upload(
        layout(s),
        "导入规范性文件登记表",
        "/normative/documents/import",
        "每行一件文件：文号、标题、制定机关（组织机构中的全称）、日期（YYYY-MM-DD）、状态、依据和全文，列名见模板。逐行检查：有误的行列出行号和原因、不写入，其余写入；同一文号再次导入时，全文不同则登记为新版本。",
        error,
    );
    page.links = vec![
        link("/normative/documents/template.xlsx", "下载模板"),
        link("/normative/documents", "返回文件库"),
    ];
    page
}

pub async fn sheet_import_page(s: Signed) -> Result<Response, PageError> {
    s.actor
        .require(Permission::NormativeManage)
        .map_err(PageError)?;
    Ok(sheet_upload(&s, None).into_response())
}

pub async fn sheet_template(s: Signed) -> Result<Response, PageError> {
    s.actor
        .require(Permission::NormativeManage)
        .map_err(PageError)?;
    Ok(super::enforcement::xlsx_response(
        normative::import_template()?,
        "normative-documents-template.xlsx",
    ))
}

pub async fn sheet_import(
    State(state): State<AppState>,
    s: Signed,
    multipart: axum::extract::Multipart,
) -> Result<Response, PageError> {
    s.actor
        .require(Permission::NormativeManage)
        .map_err(PageError)?;
    let rows = match super::enforcement::read_xlsx_upload(
        (&state, &s, "normative_documents"),
        multipart,
        &normative::SHEET_IMPORT_HEADERS,
        |e| sheet_upload(&s, Some(e)),
    )
    .await
    {
        Ok(rows) => rows,
        Err(r) => return Ok(r),
    };
    let in_force = state.in_force().await?;
    let lines = rows
        .iter()
        .map(|(row, cells)| (*row, Ok(normative::line_from_row(cells))));
    let report = normative::import(&state.ctx(&s.actor, &in_force), lines, &|_| {}).await?;
    let rows = report
        .errors
        .iter()
        .map(|e| vec![cell(e.line.to_string()), cell(e.reason.clone())])
        .collect::<Vec<_>>();
    Ok(ListPage {
        prev: None,
        layout: layout(&s),
        title: "导入结果".into(),
        intro: format!(
            "新登记 {} 件，更新 {} 件，未变 {} 件，有误未写入 {} 行。",
            report.inserted, report.updated, report.unchanged, report.rejected
        ),
        actions: vec![
            link("/normative/documents/import", "继续导入"),
            link("/normative/documents", "返回文件库"),
        ],
        filters: Vec::new(),
        error: None,
        count_text: if rows.is_empty() {
            "没有有误的行。".into()
        } else {
            format!("有误的行（{} 行）：", rows.len())
        },
        hidden: Vec::new(),
        headers: plain(&["行号", "原因"]),
        rows,
        next: None,
    }
    .into_response())
}
