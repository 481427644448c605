//! Inspection records (行政检查记录) and the officers' enforcement certificates (执法证).
//!
//! Long (just) because the record form, the certificates, the disturbance report and the
//! scenarios' upload share the inspection's field helpers; split it when a page is added.

use axum::extract::{Multipart, Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use chrono::NaiveDate;
use fazhi_core::inspection::records::{self, InspectionResult, NewCertificate, NewInspection};
use fazhi_core::inspection::{disturbance, scenarios};
use fazhi_core::org::{self, UserFilter};
use fazhi_core::{Error, Permission};
use fazhi_store::page::Keyset;
use serde::{Deserialize, Serialize};

use super::enforcement::{import_result, read_xlsx_upload, xlsx_response};
use super::{layout, refused, require};
use crate::AppState;
use crate::error::PageError;
use crate::form::FormData;
use crate::listing::{ListParams, ListUrl, no_rows, status, total_or_refusal, total_text};
use crate::session::Signed;
use crate::view::*;

fn day(f: &FormData, name: &'static str, label: &str) -> Result<NaiveDate, Error> {
    f.date(name, label)
}

// ---- certificates ----

async fn certificates_view(
    state: &AppState,
    s: &Signed,
    form: Option<&FormData>,
    error: Option<String>,
) -> Result<SectionsPage, PageError> {
    let list = records::certificates(&state.store, &s.actor).await?;
    let mut details: Vec<(String, String)> = list
        .note_zh()
        .map(|n| ("执法证".to_string(), n))
        .into_iter()
        .collect();
    details.extend(list.items.iter().map(|c| {
        (
            format!("{}（{}）", c.holder, c.department),
            format!(
                "执法证 {}，有效期 {} 至 {}{}",
                c.number,
                c.valid_from,
                c.valid_until,
                c.revoked_on
                    .as_deref()
                    .map(|r| format!("，{r} 注销"))
                    .unwrap_or_default()
            ),
        )
    }));
    let mut sections = Vec::new();
    if s.actor.can(Permission::SupervisionManage) && s.actor.can(Permission::OrgRead) {
        let users = org::service::users(
            &state.store,
            &s.actor,
            &state.keyring,
            &UserFilter::default(),
            Keyset::new(None, Some(500)),
        )
        .await?;
        let pick = |name: &str| form.map_or(String::new(), |f| f.get(name).to_string());
        sections.push(FormSection {
            title: "登记执法证".into(),
            action: "/inspection/certificates".into(),
            hidden: Vec::new(),
            fields: vec![
                Field::select(
                    "user_id",
                    "持证人",
                    users
                        .items
                        .iter()
                        .map(|u| {
                            (
                                u.id.to_string(),
                                format!("{}（{}）", u.display_name, u.department_name),
                            )
                        })
                        .collect(),
                    &pick("user_id"),
                )
                .required(),
                Field::text("number", "执法证号", pick("number"), 32).required(),
                Field::date("valid_from", "有效期起", pick("valid_from")),
                Field::date("valid_until", "有效期止", pick("valid_until")),
            ],
            submit: "登记",
        });
    }
    Ok(SectionsPage {
 notice: None, warnings: Vec::new(), table: None,
        layout: layout(s),
        title: "执法证".into(),
        intro: "参与行政检查和调查的执法人员须持有检查当日有效的执法证，且不少于两人（行政处罚法第四十二条）。".into(),
        error,
        details,
        sections,
        links: vec![link("/inspection/inspections", "检查记录")],
    })
}

pub async fn certificates_page(
    State(state): State<AppState>,
    s: Signed,
) -> Result<Response, PageError> {
    Ok(certificates_view(&state, &s, None, None)
        .await?
        .into_response())
}

pub async fn certificate_create(
    State(state): State<AppState>,
    s: Signed,
    f: FormData,
) -> Result<Response, PageError> {
    require(&s, Permission::SupervisionManage)?;
    let input = || -> Result<NewCertificate, Error> {
        Ok(NewCertificate {
            user_id: f.int("user_id", "持证人")?,
            number: f.get("number").to_string(),
            valid_from: day(&f, "valid_from", "有效期起")?,
            valid_until: day(&f, "valid_until", "有效期止")?,
        })
    };
    let result = match input() {
        Ok(c) => records::issue_certificate(&state.store, &s.actor, &c).await,
        Err(e) => Err(e),
    };
    match result {
        Ok(_) => Ok(Redirect::to("/inspection/certificates").into_response()),
        Err(e) => {
            let (status, message) = refused(e)?;
            Ok((
                status,
                certificates_view(&state, &s, Some(&f), Some(message)).await?,
            )
                .into_response())
        }
    }
}

// ---- inspections ----

#[derive(Clone, Default, Deserialize, Serialize)]
pub struct InspectionsQuery {
    #[serde(skip_serializing_if = "Option::is_none")]
    entity: Option<String>,
    #[serde(flatten)]
    list: ListParams,
}

/// Exactly the inspections the list shows, as .xlsx, as a long job.
pub async fn inspections_export(
    State(state): State<AppState>,
    s: Signed,
    Query(q): Query<InspectionsQuery>,
) -> Result<Response, PageError> {
    let narrowing = q.list.narrowing();
    let counted = records::count(&state.store, &s.actor, q.entity.as_deref(), &narrowing).await?;
    let (order, _, _) = q.list.afford(records::SORTS, counted);
    let actor = s.actor.clone();
    let entity = q.entity.clone();
    crate::pages::long_jobs::export(
        &state,
        &s,
        "导出行政检查记录",
        "inspections.xlsx",
        "/inspection/inspections",
        move |store, rows| async move {
            records::export(
                &store,
                &actor,
                entity.as_deref(),
                &narrowing,
                &order,
                &*rows,
            )
            .await
        },
    )
    .await
}

pub async fn inspections_page(
    State(state): State<AppState>,
    s: Signed,
    Query(q): Query<InspectionsQuery>,
) -> Result<Response, PageError> {
    let narrowing = q.list.narrowing();
    let (counted, refused) = total_or_refusal(
        records::count(&state.store, &s.actor, q.entity.as_deref(), &narrowing).await,
    )?;
    let (order, shown, sort_note) = q.list.afford(records::SORTS, counted);
    let page = match refused {
        None => {
            records::list(
                &state.store,
                &s.actor,
                q.entity.as_deref(),
                &narrowing,
                order,
            )
            .await?
        }
        Some(_) => no_rows(),
    };
    let total = total_text(counted, "次");
    let url = ListUrl::new("/inspection/inspections", &q, &shown);
    let (prev, next) = url.pager(&page);
    let rows = page
        .items
        .iter()
        .map(|i| {
            vec![
                cell_link(
                    format!("{}（{}）", i.entity_name, i.entity_uscc),
                    format!("/inspection/inspections/{}", i.id),
                ),
                cell(i.department.clone()),
                cell(i.inspected_on.clone()),
                cell(i.items.join("、")),
                cell(i.outcome.label_zh()),
                cell(match (i.joint, i.random_draw) {
                    (true, true) => "联合、双随机",
                    (true, false) => "联合检查",
                    (false, true) => "双随机",
                    _ => "",
                }),
            ]
        })
        .collect();
    let mut actions = vec![
        link(
            url.at("/inspection/inspections/export.xlsx"),
            format!("导出 Excel（当前筛选的 {total}）"),
        ),
        link("/inspection/certificates", "执法证"),
        link("/inspection/disturbance", "只扰不查的检查"),
        link("/inspection/figures", "综合查一次统计"),
    ];
    if s.actor.can(Permission::CaseHandle) {
        actions.insert(0, link("/inspection/inspections/new", "登记检查"));
    }
    Ok((
        status(&refused),
        ListPage {
            prev,
            layout: layout(&s),
            title: "行政检查记录".into(),
            intro: format!("您可查看的范围：{}。", s.actor.scope.kind.label_zh()),
            actions,
            filters: std::iter::once(Field::text(
                "entity",
                "被检查对象统一社会信用代码",
                q.entity.clone().unwrap_or_default(),
                18,
            ))
            .chain(q.list.search_fields("被检查对象或检查部门", "检查日期"))
            .chain([q.list.size_field()])
            .collect(),
            error: refused,
            count_text: format!(
                "共 {total}，本页 {} 次{}",
                page.items.len(),
                sort_note.map(|n| format!("。{n}")).unwrap_or_default()
            ),
            hidden: shown.hidden(),
            headers: url.headers(&[
                ("被检查对象", Some("entity")),
                ("检查部门", None),
                ("日期", Some("inspected_on")),
                ("事项", None),
                ("结果", None),
                ("方式", None),
            ]),
            rows,
            next,
        },
    )
        .into_response())
}

async fn inspection_form(
    state: &AppState,
    s: &Signed,
    form: Option<&FormData>,
    error: Option<String>,
) -> Result<FormPage, PageError> {
    let depts = org::service::departments(&state.store, &s.actor).await?;
    let officers = records::certificates(&state.store, &s.actor).await?.items;
    let pick = |name: &str, default: String| form.map_or(default, |f| f.get(name).to_string());
    let mut officer_options: Vec<(String, String)> = officers
        .iter()
        .map(|c| {
            (
                c.user_id.to_string(),
                format!("{}（执法证 {}）", c.holder, c.number),
            )
        })
        .collect();
    officer_options.dedup_by(|a, b| a.0 == b.0);
    let mut page = FormPage::new(layout(s), "登记行政检查", "/inspection/inspections");
    page.error = error;
    page.fields = vec![
        Field::text(
            "entity_uscc",
            "被检查对象统一社会信用代码",
            pick("entity_uscc", String::new()),
            18,
        )
        .required(),
        Field::text(
            "entity_name",
            "被检查对象名称",
            pick("entity_name", String::new()),
            100,
        )
        .required(),
        Field::select(
            "department_id",
            "检查部门",
            depts
                .iter()
                .map(|d| (d.id.to_string(), d.name.clone()))
                .collect(),
            &pick("department_id", String::new()),
        )
        .required(),
        Field::date(
            "on",
            "检查日期",
            pick("on", fazhi_core::deadlines::china_today().to_string()),
        ),
        Field::text(
            "items",
            "检查事项（执法事项编码，以逗号分隔）",
            pick("items", String::new()),
            500,
        )
        .required(),
        Field::checkboxes(
            "officers",
            "执法人员（不少于两人）",
            officer_options,
            &form.map(|f| f.all("officers")).unwrap_or_default(),
        ),
        Field::select(
            "outcome",
            "检查结果",
            InspectionResult::ALL
                .iter()
                .map(|o| (o.code().to_string(), o.label_zh().to_string()))
                .collect(),
            &pick("outcome", "no_problem".into()),
        ),
        Field::text(
            "case_id",
            "关联案件编号（立案查处的）",
            pick("case_id", String::new()),
            20,
        ),
        Field::select(
            "joint",
            "联合检查（综合查一次）",
            vec![("0".into(), "否".into()), ("1".into(), "是".into())],
            &pick("joint", "0".into()),
        ),
        Field::select(
            "random_draw",
            "双随机抽查",
            vec![("0".into(), "否".into()), ("1".into(), "是".into())],
            &pick("random_draw", "0".into()),
        ),
        Field::textarea("note", "检查情况", pick("note", String::new())),
    ];
    page.submit = "登记";
    page.links = vec![link("/inspection/inspections", "返回")];
    Ok(page)
}

pub async fn inspection_new(
    State(state): State<AppState>,
    s: Signed,
) -> Result<Response, PageError> {
    require(&s, Permission::CaseHandle)?;
    Ok(inspection_form(&state, &s, None, None)
        .await?
        .into_response())
}

pub async fn inspection_create(
    State(state): State<AppState>,
    s: Signed,
    f: FormData,
) -> Result<Response, PageError> {
    require(&s, Permission::CaseHandle)?;
    let input = || -> Result<NewInspection, Error> {
        let officers = f
            .all("officers")
            .iter()
            .map(|o| {
                o.parse::<i64>()
                    .map_err(|_| Error::invalid("officers", "请选择执法人员。"))
            })
            .collect::<Result<Vec<_>, _>>()?;
        Ok(NewInspection {
            entity_uscc: f.get("entity_uscc").to_string(),
            entity_name: f.get("entity_name").to_string(),
            department_id: f.int("department_id", "检查部门")?,
            on: day(&f, "on", "检查日期")?,
            items: f
                .get("items")
                .split([',', '，', '、', ' '])
                .map(str::to_string)
                .collect(),
            officers,
            outcome: InspectionResult::parse(f.get("outcome"))
                .ok_or_else(|| Error::invalid("outcome", "请选择检查结果。"))?,
            case_id: f.opt_int("case_id", "关联案件编号")?,
            note: f.opt("note"),
            joint: f.get("joint") == "1",
            random_draw: f.get("random_draw") == "1",
        })
    };
    let today = fazhi_core::deadlines::china_today();
    let result = match input() {
        Ok(i) => records::record(&state.store, &s.actor, &state.keyring, today, &i).await,
        Err(e) => Err(e),
    };
    match result {
        Ok(id) => Ok(Redirect::to(&format!("/inspection/inspections/{id}")).into_response()),
        Err(e) => {
            let (status, message) = refused(e)?;
            Ok((
                status,
                inspection_form(&state, &s, Some(&f), Some(message)).await?,
            )
                .into_response())
        }
    }
}

pub async fn inspection_show(
    State(state): State<AppState>,
    s: Signed,
    Path(id): Path<i64>,
) -> Result<Response, PageError> {
    let i = records::get(&state.store, &s.actor, id).await?;
    let mut details = vec![
        (
            "被检查对象".to_string(),
            format!("{}（{}）", i.entity_name, i.entity_uscc),
        ),
        ("检查部门".into(), i.department.clone()),
        ("检查日期".into(), i.inspected_on.clone()),
        ("检查事项".into(), i.items.join("、")),
        (
            "执法人员".into(),
            i.officers
                .iter()
                .map(|(name, number)| format!("{name}（执法证 {number}）"))
                .collect::<Vec<_>>()
                .join("、"),
        ),
        ("检查结果".into(), i.outcome.label_zh().to_string()),
        ("联合检查".into(), if i.joint { "是" } else { "否" }.into()),
        (
            "双随机抽查".into(),
            if i.random_draw { "是" } else { "否" }.into(),
        ),
    ];
    if let Some(n) = &i.note {
        details.push(("检查情况".into(), n.clone()));
    }
    let mut links = Vec::new();
    if let Some(c) = i.case_id {
        links.push(link(
            format!("/enforcement/cases/{c}"),
            "查看立案查处的案件",
        ));
    }
    if let Some(code) = fazhi_core::inspection::acts::of_inspection(&state.store, id).await? {
        links.insert(
            0,
            link(
                format!("/public/acts/{code}"),
                "行政行为码（向被检查对象出示二维码）",
            ),
        );
    }
    links.push(link(
        format!("/inspection/inspections?entity={}", i.entity_uscc),
        "该对象的全部检查",
    ));
    links.push(link("/inspection/inspections", "返回列表"));
    Ok(SectionsPage {
        notice: None,
        warnings: Vec::new(),
        table: None,
        layout: layout(&s),
        title: "行政检查记录".into(),
        intro: String::new(),
        error: None,
        details,
        sections: Vec::new(),
        links,
    }
    .into_response())
}

// ---- inspections that only disturb, and the joint-inspection figures ----

#[derive(Clone, Default, Deserialize)]
pub struct PeriodQuery {
    from: Option<String>,
    until: Option<String>,
    more_than: Option<String>,
    year: Option<String>,
}

fn query_day(v: &Option<String>, default: NaiveDate) -> NaiveDate {
    v.as_deref()
        .and_then(fazhi_kernel::date::parse)
        .unwrap_or(default)
}

pub async fn disturbance_page(
    State(state): State<AppState>,
    s: Signed,
    Query(q): Query<PeriodQuery>,
) -> Result<Response, PageError> {
    let today = fazhi_core::deadlines::china_today();
    let from = query_day(&q.from, today - chrono::Days::new(365));
    let until = query_day(&q.until, today);
    let more_than = q
        .more_than
        .as_deref()
        .and_then(|m| m.trim().parse().ok())
        .unwrap_or(3);
    let d = disturbance::only_disturb(&state.store, &s.actor, from, until, more_than).await?;
    let rows = d
        .entities
        .items
        .iter()
        .map(|e| {
            vec![
                cell_link(
                    format!("{}（{}）", e.name, e.uscc),
                    format!("/inspection/inspections?entity={}", e.uscc),
                ),
                cell(format!("{} 次", e.inspections)),
                cell(format!("{} 个部门", e.departments)),
            ]
        })
        .collect();
    let quiet: Vec<String> = d
        .departments
        .iter()
        .map(|q| {
            format!(
                "{}（检查 {} 次，发现问题 {} 次）",
                q.department, q.inspections, q.findings
            )
        })
        .collect();
    Ok(ListPage {
        prev: None,
        layout: layout(&s),
        title: "只扰不查的检查".into(),
        intro: format!(
            "{from} 至 {until}：被两个以上部门检查超过 {more_than} 次、从未发现问题的对象如下。检查 {} 次以上、发现问题不足 {:.0}% 的部门：{}。",
            disturbance::MIN_FOR_RATE,
            disturbance::QUIET_RATE * 100.0,
            if quiet.is_empty() { "无".to_string() } else { quiet.join("；") }
        ),
        actions: vec![
            link("/inspection/inspections", "检查记录"),
            link("/inspection/beyond-class", "超出信用分类频次的检查"),
        ],
        filters: vec![
            Field::date("from", "期间起", from.to_string()),
            Field::date("until", "期间止", until.to_string()),
            Field::text("more_than", "检查次数超过", more_than.to_string(), 3),
        ],
        error: None,
        count_text: super::counted(&d.entities, "个对象"),
        hidden: Vec::new(),
        headers: plain(&["被检查对象", "检查次数", "检查部门"]),
        rows,
        next: None,
    }
    .into_response())
}

#[derive(Clone, Default, Deserialize)]
pub struct BeyondQuery {
    from: Option<String>,
    until: Option<String>,
    a: Option<u32>,
    b: Option<u32>,
    c: Option<u32>,
    d: Option<u32>,
}

/// Entities inspected on an item more often than their credit class calls for.
pub async fn beyond_class_page(
    State(state): State<AppState>,
    s: Signed,
    Query(q): Query<BeyondQuery>,
) -> Result<Response, PageError> {
    let today = fazhi_core::deadlines::china_today();
    let from = query_day(&q.from, today - chrono::Days::new(365));
    let until = query_day(&q.until, today);
    let d = disturbance::DEFAULT_PER_YEAR;
    let per_year = [
        q.a.unwrap_or(d[0]),
        q.b.unwrap_or(d[1]),
        q.c.unwrap_or(d[2]),
        q.d.unwrap_or(d[3]),
    ];
    let rows = disturbance::beyond_class(&state.store, &s.actor, from, until, per_year).await?;
    let mut filters = vec![
        Field::date("from", "期间起", from.to_string()),
        Field::date("until", "期间止", until.to_string()),
    ];
    for (name, label, n) in [
        ("a", "A 类每年每项", per_year[0]),
        ("b", "B 类每年每项", per_year[1]),
        ("c", "C 类每年每项", per_year[2]),
        ("d", "D 类每年每项", per_year[3]),
    ] {
        filters.push(Field::text(name, label, n.to_string(), 3));
    }
    Ok(ListPage {
        prev: None,
        layout: layout(&s),
        title: "超出信用分类频次的检查".into(),
        intro: format!(
            "{from} 至 {until}：名录库中的对象，同一事项被检查的次数超过其信用风险分类应有的频次（每年每项 A 类 {} 次、B 类 {} 次、C 类 {} 次、D 类 {} 次，按期间长短折算，不足一次按一次）。",
            per_year[0], per_year[1], per_year[2], per_year[3]
        ),
        actions: vec![
            link("/inspection/disturbance", "只扰不查的检查"),
            link("/inspection/entities", "名录库"),
        ],
        filters,
        error: None,
        count_text: format!("{} 项", rows.len()),
        hidden: Vec::new(),
        headers: plain(&["被检查对象", "信用风险分类", "检查事项", "检查次数", "应有频次"]),
        rows: rows
            .iter()
            .map(|r| {
                vec![
                    cell_link(
                        format!("{}（{}）", r.name, r.uscc),
                        format!("/inspection/inspections?entity={}", r.uscc),
                    ),
                    cell(r.credit_class.clone()),
                    cell(r.item.clone()),
                    cell(r.inspections.to_string()),
                    cell(r.allowed.to_string()),
                ]
            })
            .collect(),
        next: None,
    }
    .into_response())
}

pub async fn figures_page(
    State(state): State<AppState>,
    s: Signed,
    Query(q): Query<PeriodQuery>,
) -> Result<Response, PageError> {
    use chrono::Datelike;
    let today = fazhi_core::deadlines::china_today();
    let year: i32 = q
        .year
        .as_deref()
        .and_then(|y| y.trim().parse().ok())
        .filter(|y| (2000..=2100).contains(y))
        .unwrap_or(today.year());
    let (Some(from), Some(until)) = (
        NaiveDate::from_ymd_opt(year, 1, 1),
        NaiveDate::from_ymd_opt(year, 12, 31),
    ) else {
        return Err(PageError(Error::invalid("year", "年度超出范围。")));
    };
    let f = disturbance::joint_figures(&state.store, &s.actor, from, until).await?;
    let (lists, items, units) = scenarios::counts(&scenarios::list(&state.store).await?);
    let rows = vec![
        vec![
            cell("行政检查"),
            cell(format!("{} 次", f.inspections)),
            cell("当年登记的检查"),
        ],
        vec![
            cell("现场检查同比"),
            cell(match f.year_on_year_fall() {
                Some(fall) if fall >= 0.0 => format!(
                    "下降 {}",
                    fazhi_core::enforcement::figures::percent(Some(fall))
                ),
                Some(fall) => format!(
                    "上升 {}",
                    fazhi_core::enforcement::figures::percent(Some(-fall))
                ),
                None => "—".into(),
            }),
            cell(format!(
                "上年同期 {} 次（省定目标：下降 25%）",
                f.previous_inspections
            )),
        ],
        vec![
            cell("联合检查（综合查一次）"),
            cell(format!("{} 次", f.joint_inspections)),
            cell(format!(
                "占全部检查 {}（省定目标 ≥ 60%）",
                fazhi_core::enforcement::figures::percent(f.joint_share())
            )),
        ],
        vec![
            cell("联合检查户次"),
            cell(format!("{} 户次", f.visits)),
            cell(format!("{} 个执法单位参与", f.departments)),
        ],
        vec![
            cell("综合查一次清单"),
            cell_link(format!("{lists} 张"), "/inspection/scenarios"),
            cell(format!("涉及检查事项 {items} 项、执法单位 {units} 家")),
        ],
        vec![
            cell("减少扰企户次"),
            cell(format!("{} 户次", f.visits_saved)),
            cell("每户次联合检查中参与部门数减一之和"),
        ],
    ];
    Ok(ListPage {
        prev: None,
        layout: layout(&s),
        title: format!("{year} 年综合查一次"),
        intro: format!(
            "年度报告“一(二)3”的数字，由检查记录计算（同一对象同一日的联合检查为一户次）。您可查看的范围：{}。",
            s.actor.scope.kind.label_zh()
        ),
        actions: vec![
            link("/inspection/inspections", "检查记录"),
            link("/inspection/disturbance", "只扰不查的检查"),
        ],
        filters: vec![Field::text("year", "年度", year.to_string(), 4)],
        error: None,
        count_text: String::new(),
        hidden: Vec::new(),
        headers: plain(&["项目", "数字", "说明"]),
        rows,
        next: None,
    }
    .into_response())
}

// ---- joint-inspection scenarios (综合查一次清单) ----

fn scenario_rows(all: &[scenarios::Scenario]) -> Vec<Vec<Cell>> {
    all.iter()
        .map(|s| {
            vec![
                cell(s.name.clone()),
                cell(s.entity_kinds.clone()),
                cell(s.items.join("、")),
                cell(s.departments.join("、")),
            ]
        })
        .collect()
}

pub async fn scenarios_page(
    State(state): State<AppState>,
    s: Signed,
) -> Result<Response, PageError> {
    let all = scenarios::list(&state.store).await?;
    let (lists, items, units) = scenarios::counts(&all);
    let mut actions = vec![
        link(
            "/inspection/scenarios/export.xlsx",
            "导出 Excel（无清单时为模板）",
        ),
        link("/public/scenarios", "公开的清单"),
    ];
    if s.actor.can(Permission::CatalogManage) {
        actions.insert(0, link("/inspection/scenarios/import", "导入 Excel"));
    }
    Ok(ListPage {
        prev: None,
        layout: layout(&s),
        title: "综合查一次清单".into(),
        intro: format!("{lists} 张清单，涉及检查事项 {items} 项、执法单位 {units} 家；同一清单的部门可合并为一次联合检查。"),
        actions,
        filters: Vec::new(),
        error: None,
        count_text: String::new(),
        hidden: Vec::new(),
        headers: plain(&["清单", "适用对象", "检查事项", "参与执法单位"]),
        rows: scenario_rows(&all),
        next: None,
    }
    .into_response())
}

/// The public list (no sign-in).
pub async fn public_scenarios(State(state): State<AppState>) -> Result<Response, PageError> {
    let all = scenarios::list(&state.store).await?;
    Ok(ListPage {
        prev: None,
        layout: Layout::anonymous(String::new()),
        title: "“综合查一次”联合检查清单".into(),
        intro: "下列场景由清单所列部门一次联合检查，减少对经营主体的干扰。".into(),
        actions: Vec::new(),
        filters: Vec::new(),
        error: None,
        count_text: format!("{} 张清单", all.len()),
        hidden: Vec::new(),
        headers: plain(&["清单", "适用对象", "检查事项", "参与执法单位"]),
        rows: scenario_rows(&all),
        next: None,
    }
    .into_response())
}

fn scenario_upload(s: &Signed, error: Option<String>) -> FormPage {
    let mut page = FormPage::upload(
        layout(s),
        "导入综合查一次清单",
        "/inspection/scenarios/import",
        "每行一张清单：名称、适用对象类型、检查事项编码和参与执法单位（以顿号分隔，至少两家）。同名清单被替换；先检查全部行，有误则整批不写入。",
        error,
    );
    page.links = vec![link("/inspection/scenarios", "返回清单")];
    page
}

pub async fn scenarios_import_page(s: Signed) -> Result<Response, PageError> {
    require(&s, Permission::CatalogManage)?;
    Ok(scenario_upload(&s, None).into_response())
}

pub async fn scenarios_import(
    State(state): State<AppState>,
    s: Signed,
    multipart: Multipart,
) -> Result<Response, PageError> {
    require(&s, Permission::CatalogManage)?;
    let rows = match read_xlsx_upload(
        (&state, &s, "joint_scenarios"),
        multipart,
        &scenarios::HEADERS,
        |e| scenario_upload(&s, Some(e)),
    )
    .await
    {
        Ok(rows) => rows,
        Err(r) => return Ok(r),
    };
    let report = scenarios::import(&state.store, &s.actor, &rows).await?;
    import_result(
        (&state, &s, "joint_scenarios"),
        &report,
        "/inspection/scenarios/import",
        link("/inspection/scenarios", "查看清单"),
    )
    .await
}

pub async fn scenarios_export(
    State(state): State<AppState>,
    _s: Signed,
) -> Result<Response, PageError> {
    Ok(xlsx_response(
        scenarios::export(&state.store).await?,
        "joint-inspection-scenarios.xlsx",
    ))
}
