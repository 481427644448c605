//! Pages of enforcement: the catalog (执法事项目录), its import and export, delegation to towns.

use axum::extract::{Multipart, Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use chrono::NaiveDate;
use fazhi_core::enforcement::catalog::repo::CatalogFilter;
use fazhi_core::enforcement::catalog::{CatalogKind, service, xlsx};
use fazhi_core::{Error, Permission};
use serde::{Deserialize, Serialize};

use super::{layout, require};
use crate::AppState;
use crate::error::{PageError, status_of};
use crate::form::FormData;
use crate::session::Signed;
use crate::view::*;

/// The largest catalog workbook accepted.
pub const UPLOAD_LIMIT: usize = 10 * 1024 * 1024;

#[derive(Clone, Default, Deserialize, Serialize)]
pub struct CatalogQuery {
    list: Option<String>,
    department_id: Option<String>,
    town_id: Option<String>,
    q: Option<String>,
    on: Option<String>,
    #[serde(skip_serializing)]
    after: Option<String>,
}

fn today() -> NaiveDate {
    fazhi_core::deadlines::china_today()
}

impl CatalogQuery {
    fn parse(&self) -> Result<(CatalogFilter, NaiveDate), Error> {
        let id = |v: &Option<String>| {
            v.as_deref()
                .filter(|s| !s.is_empty())
                .and_then(|s| s.parse::<i64>().ok())
        };
        let on = match self.on.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
            Some(s) => fazhi_kernel::date::parse(s)
                .ok_or_else(|| Error::invalid("on", format!("日期“{s}”格式应为 YYYY-MM-DD。")))?,
            None => today(),
        };
        Ok((
            CatalogFilter {
                list: self.list.as_deref().and_then(CatalogKind::parse),
                department_id: id(&self.department_id),
                town_id: id(&self.town_id),
                q: self.q.clone(),
            },
            on,
        ))
    }
}

pub async fn catalog(
    State(state): State<AppState>,
    s: Signed,
    Query(q): Query<CatalogQuery>,
) -> Result<Response, PageError> {
    let (filter, on) = q.parse()?;
    let (items, next) = service::list(&state.store, &filter, on, q.after.as_deref()).await?;
    let departments = fazhi_core::org::service::departments(&state.store, &s.actor)
        .await
        .unwrap_or_default();
    let towns: Vec<(String, String)> = fazhi_core::org::service::regions(&state.store, &s.actor)
        .await
        .unwrap_or_default()
        .into_iter()
        .filter(|r| r.kind == fazhi_core::org::RegionKind::Town)
        .map(|r| (r.id.to_string(), r.name))
        .collect();
    let rows = items
        .iter()
        .map(|i| {
            vec![
                cell_link(&i.code, format!("/enforcement/catalog/items/{}", i.code)),
                cell(&i.name),
                cell(i.kind.label_zh()),
                cell(i.catalog.label_zh()),
                cell(&i.department_name),
                cell(format!("{}{}", i.law, i.article)),
                cell(&i.effective_from),
            ]
        })
        .collect::<Vec<_>>();
    let qs = serde_urlencoded::to_string(&q).unwrap_or_default();
    let mut actions = vec![
        link(
            format!("/enforcement/catalog/export.xlsx?{qs}"),
            "导出 Excel（按当前筛选）",
        ),
        link("/enforcement/catalog/template.xlsx", "下载导入模板"),
    ];
    if s.actor.can(Permission::CatalogManage) {
        actions.insert(0, link("/enforcement/catalog/import", "导入 Excel"));
    }
    let mut lists = vec![(String::new(), "执法目录总清单".to_string())];
    lists.extend(
        CatalogKind::ALL[1..]
            .iter()
            .map(|k| (k.code().to_string(), k.label_zh().to_string())),
    );
    let mut dept_opts = vec![(String::new(), "全部".to_string())];
    dept_opts.extend(
        departments
            .iter()
            .map(|d| (d.id.to_string(), d.name.clone())),
    );
    let mut town_opts = vec![(String::new(), "全部镇乡（街道）".to_string())];
    town_opts.extend(towns);
    Ok(ListPage {
        prev: None,
        layout: layout(&s),
        title: "执法事项目录".into(),
        intro: format!(
            "{} 在 {on} 有效的事项（某日适用该日或之前最近生效的版本）。乡镇执法清单为赋权给镇乡（街道）的事项。",
            filter.list.unwrap_or(CatalogKind::Master).label_zh()
        ),
        actions,
        filters: vec![
            Field::select("list", "清单", lists, filter.list.map_or("", |l| if l == CatalogKind::Master { "" } else { l.code() })),
            Field::select("department_id", "实施部门", dept_opts, q.department_id.as_deref().unwrap_or("")),
            Field::select("town_id", "镇乡（街道，乡镇清单）", town_opts, q.town_id.as_deref().unwrap_or("")),
            Field::text("q", "编码或名称", q.q.clone().unwrap_or_default(), 64),
            Field::date("on", "有效日期", on.to_string()),
        ],
        error: None,
        count_text: format!("本页 {} 项", rows.len()),
        hidden: Vec::new(),
        headers: plain(&["事项编码", "事项名称", "类别", "清单", "实施部门", "依据", "本版本生效"]),
        rows,
        next: next.map(|n| format!("/enforcement/catalog?{qs}&after={}", urlencode(&n))),
    }
    .into_response())
}

fn urlencode(s: &str) -> String {
    serde_urlencoded::to_string([("x", s)])
        .unwrap_or_default()
        .trim_start_matches("x=")
        .to_string()
}

async fn item_page(
    state: &AppState,
    s: &Signed,
    code: &str,
    form: Option<&FormData>,
    error: Option<String>,
) -> Result<SectionsPage, PageError> {
    let (versions, current, delegations) = service::item(&state.store, code, today()).await?;
    let mut details = Vec::new();
    match &current {
        Some(c) => {
            details.push(("事项名称".to_string(), c.name.clone()));
            details.push(("类别".into(), c.kind.label_zh().into()));
            details.push(("清单".into(), c.catalog.label_zh().into()));
            details.push(("实施部门".into(), c.department_name.clone()));
            details.push(("依据".into(), format!("{}{}", c.law, c.article)));
            details.push(("依据原文".into(), c.basis_text.clone()));
        }
        None => details.push(("状态".into(), "今日不在目录中（未生效或已废止）".into())),
    }
    for v in &versions {
        details.push((
            format!("版本 {}", v.effective_from),
            format!(
                "{}；{}{}{}",
                v.name,
                v.law,
                v.article,
                if v.repealed { "（废止）" } else { "" }
            ),
        ));
    }
    for d in &delegations {
        details.push((
            format!("赋权 {}", d.town_name),
            format!(
                "{} 起{}",
                d.effective_from,
                d.effective_until
                    .as_ref()
                    .map(|u| format!("，至 {u} 止"))
                    .unwrap_or_default()
            ),
        ));
    }
    let mut sections = Vec::new();
    if s.actor.can(Permission::CatalogManage) {
        let towns: Vec<(String, String)> =
            fazhi_core::org::service::regions(&state.store, &s.actor)
                .await?
                .into_iter()
                .filter(|r| r.kind == fazhi_core::org::RegionKind::Town)
                .map(|r| (r.id.to_string(), r.name))
                .collect();
        let typed = |action: &str, name: &str| {
            form.filter(|f| f.get("action") == action)
                .map(|f| f.get(name).to_string())
                .unwrap_or_default()
        };
        let checked = form
            .filter(|f| f.get("action") == "delegate")
            .map(|f| f.all("town"))
            .unwrap_or_default();
        sections.push(FormSection {
            title: "赋权给镇乡（街道）".into(),
            action: format!("/enforcement/catalog/items/{code}"),
            hidden: vec![("action", "delegate".into())],
            fields: vec![
                Field::checkboxes("town", "镇乡（街道）", towns, &checked),
                Field::date("from", "赋权生效日期", typed("delegate", "from")),
            ],
            submit: "赋权",
        });
        let active: Vec<(String, String)> = delegations
            .iter()
            .filter(|d| d.effective_until.is_none())
            .map(|d| {
                (
                    d.id.to_string(),
                    format!("{}（{} 起）", d.town_name, d.effective_from),
                )
            })
            .collect();
        if !active.is_empty() {
            sections.push(FormSection {
                title: "终止赋权".into(),
                action: format!("/enforcement/catalog/items/{code}"),
                hidden: vec![("action", "end".into())],
                fields: vec![
                    Field::select("delegation", "赋权", active, &typed("end", "delegation"))
                        .required(),
                    Field::date("until", "最后有效日", typed("end", "until")),
                ],
                submit: "终止",
            });
        }
    }
    Ok(SectionsPage {
        notice: None,
        warnings: Vec::new(),
        table: None,
        layout: layout(s),
        title: format!("执法事项 {code}"),
        intro: String::new(),
        error,
        details,
        sections,
        links: Vec::new(),
    })
}

pub async fn item(
    State(state): State<AppState>,
    s: Signed,
    Path(code): Path<String>,
) -> Result<Response, PageError> {
    Ok(item_page(&state, &s, &code, None, None)
        .await?
        .into_response())
}

fn date(f: &FormData, name: &'static str, label: &str) -> Result<NaiveDate, Error> {
    fazhi_kernel::date::parse(f.get(name))
        .ok_or_else(|| Error::invalid(name, format!("请填写{label}（YYYY-MM-DD）。")))
}

pub async fn item_update(
    State(state): State<AppState>,
    s: Signed,
    Path(code): Path<String>,
    f: FormData,
) -> Result<Response, PageError> {
    require(&s, Permission::CatalogManage)?;
    let result = match f.get("action") {
        "delegate" => {
            let towns: Result<Vec<i64>, _> =
                f.all("town").iter().map(|t| t.parse::<i64>()).collect();
            match (towns, date(&f, "from", "赋权生效日期")) {
                (Ok(towns), Ok(from)) => {
                    service::delegate(&state.store, &s.actor, &code, &towns, from)
                        .await
                        .map(|_| ())
                }
                (Err(_), _) => Err(Error::invalid("towns", "镇乡（街道）选择无效。")),
                (_, Err(e)) => Err(e),
            }
        }
        "end" => match (f.int("delegation", "赋权"), date(&f, "until", "最后有效日")) {
            (Ok(id), Ok(until)) => service::end_delegation(&state.store, &s.actor, id, until).await,
            (Err(e), _) | (_, Err(e)) => Err(e),
        },
        _ => Err(Error::invalid("action", "请选择操作。")),
    };
    match result {
        Ok(()) => Ok(Redirect::to(&format!("/enforcement/catalog/items/{code}")).into_response()),
        Err(Error::Store(e)) => Err(PageError(Error::Store(e))),
        Err(e) => Ok((
            status_of(&e),
            item_page(&state, &s, &code, Some(&f), Some(e.message_zh())).await?,
        )
            .into_response()),
    }
}

fn upload_form(s: &Signed, error: Option<String>) -> FormPage {
    let mut page = FormPage::upload(
        layout(s),
        "导入执法事项",
        "/enforcement/catalog/import",
        "上传按模板填写的 .xlsx 文件。系统先检查全部行：有任何一行有误则不写入，并逐行列出行号和原因；无误则新增或更正各版本。",
        error,
    );
    page.links = vec![
        link("/enforcement/catalog/template.xlsx", "下载导入模板"),
        link("/enforcement/catalog", "返回目录"),
    ];
    page
}

pub async fn import_page(s: Signed) -> Result<Response, PageError> {
    require(&s, Permission::CatalogManage)?;
    Ok(upload_form(&s, None).into_response())
}

/// Reads the uploaded file of field `file`; an unusable upload re-shows `form` with why.
pub async fn read_upload(
    mut multipart: Multipart,
    form: impl Fn(String) -> FormPage,
) -> Result<Vec<u8>, Response> {
    let mut bytes = None;
    loop {
        match multipart.next_field().await {
            Ok(Some(field)) if field.name() == Some("file") => match field.bytes().await {
                Ok(b) => bytes = Some(b),
                Err(_) => {
                    return Err((
                        StatusCode::PAYLOAD_TOO_LARGE,
                        form(format!("文件不能超过 {} MB。", UPLOAD_LIMIT / 1024 / 1024)),
                    )
                        .into_response());
                }
            },
            Ok(Some(_)) => {}
            Ok(None) => break,
            Err(_) => {
                return Err((
                    StatusCode::BAD_REQUEST,
                    form("上传的内容无法识别，请重新选择文件。".into()),
                )
                    .into_response());
            }
        }
    }
    match bytes.filter(|b| !b.is_empty()) {
        Some(b) => Ok(b.to_vec()),
        None => Err((
            StatusCode::UNPROCESSABLE_ENTITY,
            form("请选择要导入的 .xlsx 文件。".into()),
        )
            .into_response()),
    }
}

/// The rows of an uploaded .xlsx with `headers` (`fazhi_core::xlsx::read`); an unusable upload
/// or sheet re-shows `form` with why.
/// A refused file is recorded in the audit chain as a rejected import of `what`.
pub async fn read_xlsx_upload(
    (state, s, what): (&AppState, &Signed, &'static str),
    multipart: Multipart,
    headers: &'static [&'static str],
    form: impl Fn(String) -> FormPage,
) -> Result<Vec<(usize, Vec<String>)>, Response> {
    let bytes = read_upload(multipart, &form).await?;
    let size = bytes.len();
    match fazhi_core::xlsx::read_upload(bytes, headers, headers.len()).await {
        Ok(rows) => Ok(rows),
        Err(e) => {
            let detail =
                serde_json::json!({ "code": e.code(), "reason": e.message_zh(), "bytes": size });
            if let Err(a) =
                fazhi_core::audit::import_rejected(&state.store, &s.actor, what, detail).await
            {
                return Err(PageError(a).into_response());
            }
            Err((crate::error::status_of(&e), form(e.message_zh())).into_response())
        }
    }
}

/// The page of a finished import: the rejected rows (nothing written, the rejection audited) or
/// the counts.
pub async fn import_result(
    (state, s, what): (&AppState, &Signed, &'static str),
    report: &fazhi_core::xlsx::ImportReport,
    again: &str,
    done: Link,
) -> Result<Response, PageError> {
    if report.rejected > 0 {
        let first: Vec<String> = report
            .errors
            .iter()
            .take(20)
            .map(|e| format!("第 {} 行：{}", e.row, e.reason))
            .collect();
        fazhi_core::audit::import_rejected(
            &state.store,
            &s.actor,
            what,
            serde_json::json!({ "rejected": report.rejected, "first": first }),
        )
        .await?;
        let rows = report
            .errors
            .iter()
            .map(|e| vec![cell(e.row.to_string()), cell(&e.reason)])
            .collect::<Vec<_>>();
        let page = ListPage {
            prev: None,
            layout: layout(s),
            title: "导入未完成：文件有误".into(),
            intro: format!(
                "共 {} 行有误，整批未写入。请修改后重新导入。",
                report.rejected
            ),
            actions: vec![link(again, "重新导入")],
            filters: Vec::new(),
            error: None,
            count_text: String::new(),
            hidden: Vec::new(),
            headers: plain(&["行号", "原因"]),
            rows,
            next: None,
        };
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
    }
    Ok(MessagePage {
        layout: layout(s),
        title: "导入完成".into(),
        paragraphs: vec![format!(
            "新增 {} 个版本，更正 {} 个，未变 {} 个。",
            report.inserted, report.updated, report.unchanged
        )],
        secret: None,
        links: vec![done],
    }
    .into_response())
}

pub async fn import(
    State(state): State<AppState>,
    s: Signed,
    multipart: Multipart,
) -> Result<Response, PageError> {
    require(&s, Permission::CatalogManage)?;
    let rows = match read_xlsx_upload(
        (&state, &s, "enforcement_catalog"),
        multipart,
        &fazhi_core::enforcement::catalog::rules::HEADERS,
        |e| upload_form(&s, Some(e)),
    )
    .await
    {
        Ok(rows) => rows,
        Err(r) => return Ok(r),
    };
    let report = service::import(&state.store, &s.actor, &rows).await?;
    import_result(
        (&state, &s, "enforcement_catalog"),
        &report,
        "/enforcement/catalog/import",
        link("/enforcement/catalog", "查看目录"),
    )
    .await
}

pub fn xlsx_response(bytes: Vec<u8>, name: &str) -> Response {
    (
        [
            (
                header::CONTENT_TYPE,
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet".to_string(),
            ),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}\""),
            ),
        ],
        bytes,
    )
        .into_response()
}

pub async fn template(_s: Signed) -> Result<Response, PageError> {
    Ok(xlsx_response(
        xlsx::template()?,
        "enforcement-catalog-template.xlsx",
    ))
}

pub async fn export(
    State(state): State<AppState>,
    s: Signed,
    Query(q): Query<CatalogQuery>,
) -> Result<Response, PageError> {
    let (filter, on) = q.parse()?;
    Ok(xlsx_response(
        service::export(&state.store, &s.actor, &filter, on).await?,
        "enforcement-catalog.xlsx",
    ))
}
