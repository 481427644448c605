//! 双随机一公开: the register of entities and its three lists, officers' relations (回避), the
//! draws and their public pages.

use axum::extract::{Multipart, Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use fazhi_core::inspection::draws::{self, DrawView, NewDraw};
use fazhi_core::inspection::entities::{self, CLASSES, List};
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

/// Entities shown on one page of a list.
const SHOWN: usize = 500;

/// A rate with what it counts, rounded as every official figure is (`figures::percent`: half
/// up — `{:.2}` rounds half to even and could print the same figure differently).
fn percent(done: impl Into<i64>, of: impl Into<i64>) -> String {
    let (done, of) = (done.into(), of.into());
    if of == 0 {
        "—（无应计数）".into()
    } else {
        let rate = fazhi_core::enforcement::figures::percent(Some(done as f64 / of as f64));
        format!("{rate}（{done}/{of}）")
    }
}

// ---- the register and the three lists ----

async fn register_view(
    state: &AppState,
    s: &Signed,
    form: Option<&FormData>,
    error: Option<String>,
) -> Result<SectionsPage, PageError> {
    let today = fazhi_core::deadlines::china_today();
    let lists = entities::three_lists(&state.store, today).await?;
    let all: Vec<&entities::Entity> = lists.values().flatten().collect();
    let by_class: Vec<String> = CLASSES
        .iter()
        .map(|c| {
            format!(
                "{c} 类 {}",
                all.iter().filter(|e| e.credit_class == *c).count()
            )
        })
        .collect();
    let mut details: Vec<(String, String)> = List::ALL
        .iter()
        .map(|l| {
            (
                l.label_zh().to_string(),
                format!("{} 户", lists.get(l).map_or(0, Vec::len)),
            )
        })
        .collect();
    let mut sections = Vec::new();
    if s.actor.can(Permission::SupervisionManage) {
        let conflicts = entities::conflicts(&state.store, &s.actor).await?;
        if let Some(note) = conflicts.note_zh() {
            details.push(("回避".into(), note));
        }
        for (officer, uscc, relation) in conflicts.items {
            details.push((format!("回避：{officer}"), format!("{uscc}（{relation}）")));
        }
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
            title: "登记执法人员与检查对象的关系（抽取时回避）".into(),
            action: "/inspection/conflicts".into(),
            hidden: Vec::new(),
            fields: vec![
                Field::select(
                    "user_id",
                    "执法人员",
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
                Field::text(
                    "entity_uscc",
                    "检查对象统一社会信用代码",
                    pick("entity_uscc"),
                    18,
                )
                .required(),
                Field::text(
                    "relation",
                    "关系（如近亲属任职、曾任职）",
                    pick("relation"),
                    100,
                )
                .required(),
            ],
            submit: "登记",
        });
    }
    let mut links = vec![
        link("/inspection/lists", "三张清单"),
        link("/inspection/draws", "双随机抽查"),
        link(
            "/inspection/entities/export.xlsx",
            "导出名录库（无对象时为模板）",
        ),
    ];
    if s.actor.can(Permission::SupervisionManage) {
        links.insert(0, link("/inspection/entities/import", "导入名录库"));
    }
    Ok(SectionsPage {
        notice: None,
        warnings: Vec::new(),
        table: None,
        layout: layout(s),
        title: "检查对象名录库".into(),
        intro: format!(
            "名录库共 {} 户（{}）。信用风险分类 A 类且近两年无案件、检查未发现问题的，列入无事不扰清单，不参与日常抽查；D 类或近两年有案件的，列入重点监管清单；其余为随机抽查清单。",
            all.len(),
            by_class.join("，")
        ),
        error,
        details,
        sections,
        links,
    })
}

pub async fn register_page(
    State(state): State<AppState>,
    s: Signed,
) -> Result<Response, PageError> {
    require(&s, Permission::CaseRead)?;
    Ok(register_view(&state, &s, None, None).await?.into_response())
}

pub async fn conflict_create(
    State(state): State<AppState>,
    s: Signed,
    f: FormData,
) -> Result<Response, PageError> {
    require(&s, Permission::SupervisionManage)?;
    let result = match f.int("user_id", "执法人员") {
        Ok(user) => {
            entities::record_conflict(
                &state.store,
                &s.actor,
                user,
                f.get("entity_uscc"),
                f.get("relation"),
            )
            .await
        }
        Err(e) => Err(e),
    };
    match result {
        Ok(_) => Ok(Redirect::to("/inspection/entities").into_response()),
        Err(e) => {
            let (status, message) = refused(e)?;
            Ok((
                status,
                register_view(&state, &s, Some(&f), Some(message)).await?,
            )
                .into_response())
        }
    }
}

fn register_upload(s: &Signed, error: Option<String>) -> FormPage {
    let mut page = FormPage::upload(
        layout(s),
        "导入检查对象名录库",
        "/inspection/entities/import",
        "每行一户：统一社会信用代码、名称、所属镇乡（街道）、行业、信用风险分类（A/B/C/D）。已有的代码被更新；先检查全部行，有误则整批不写入。名录库适用于全市，由数据权限为全部的监督人员维护。",
        error,
    );
    page.links = vec![link("/inspection/entities", "返回名录库")];
    page
}

pub async fn register_import_page(s: Signed) -> Result<Response, PageError> {
    require(&s, Permission::SupervisionManage)?;
    Ok(register_upload(&s, None).into_response())
}

pub async fn register_import(
    State(state): State<AppState>,
    s: Signed,
    multipart: Multipart,
) -> Result<Response, PageError> {
    require(&s, Permission::SupervisionManage)?;
    let rows = match read_xlsx_upload(
        (&state, &s, "inspection_entities"),
        multipart,
        &entities::HEADERS,
        |e| register_upload(&s, Some(e)),
    )
    .await
    {
        Ok(rows) => rows,
        Err(r) => return Ok(r),
    };
    let report = entities::import(&state.store, &s.actor, &rows).await?;
    import_result(
        (&state, &s, "inspection_entities"),
        &report,
        "/inspection/entities/import",
        link("/inspection/entities", "查看名录库"),
    )
    .await
}

pub async fn register_export(
    State(state): State<AppState>,
    s: Signed,
) -> Result<Response, PageError> {
    require(&s, Permission::CaseRead)?;
    Ok(xlsx_response(
        entities::export(&state.store).await?,
        "inspection-entities.xlsx",
    ))
}

#[derive(Deserialize)]
pub struct ListsQuery {
    list: Option<String>,
    on: Option<String>,
}

pub async fn lists_page(
    State(state): State<AppState>,
    s: Signed,
    Query(q): Query<ListsQuery>,
) -> Result<Response, PageError> {
    require(&s, Permission::CaseRead)?;
    let today = fazhi_core::deadlines::china_today();
    let on =
        q.on.as_deref()
            .and_then(fazhi_kernel::date::parse)
            .unwrap_or(today);
    let which = q
        .list
        .as_deref()
        .and_then(List::parse)
        .unwrap_or(List::LeaveAlone);
    let lists = entities::three_lists(&state.store, on).await?;
    let counts: Vec<String> = List::ALL
        .iter()
        .map(|l| format!("{} {} 户", l.label_zh(), lists.get(l).map_or(0, Vec::len)))
        .collect();
    let shown = lists.get(&which).map(Vec::as_slice).unwrap_or_default();
    let rows = shown
        .iter()
        .take(SHOWN)
        .map(|e| {
            vec![
                cell_link(
                    format!("{}（{}）", e.name, e.uscc),
                    format!("/inspection/inspections?entity={}", e.uscc),
                ),
                cell(e.town.clone()),
                cell(e.industry.clone()),
                cell(e.credit_class.clone()),
            ]
        })
        .collect();
    Ok(ListPage {
        prev: None,
        layout: layout(&s),
        title: which.label_zh().into(),
        intro: format!(
            "截至 {on}：{}。无事不扰清单上的对象不参与双随机抽取；每户可打开其检查记录。",
            counts.join("，")
        ),
        actions: vec![link("/inspection/entities", "名录库")],
        filters: vec![
            Field::select(
                "list",
                "清单",
                List::ALL
                    .iter()
                    .map(|l| (l.code().to_string(), l.label_zh().to_string()))
                    .collect(),
                which.code(),
            ),
            Field::date("on", "截至日期", on.to_string()),
        ],
        error: None,
        count_text: if shown.len() > SHOWN {
            format!("{} 户，显示前 {SHOWN} 户", shown.len())
        } else {
            format!("{} 户", shown.len())
        },
        hidden: Vec::new(),
        headers: plain(&["检查对象", "镇乡（街道）", "行业", "信用风险分类"]),
        rows,
        next: None,
    }
    .into_response())
}

// ---- draws ----

fn summary_rows(all: &[draws::DrawSummary], base: &str) -> Vec<Vec<Cell>> {
    all.iter()
        .map(|d| {
            vec![
                cell_link(d.title.clone(), format!("{base}/{}", d.id)),
                cell(d.organiser.clone()),
                cell(format!("{} 至 {}", d.inspect_from, d.inspect_until)),
                cell(format!("{} / {}", d.inspected, d.tasks)),
                cell(match &d.results_published_on {
                    Some(p) => format!("{p} 已公开"),
                    None => format!("{} 前公开", d.results_due),
                }),
            ]
        })
        .collect()
}

#[derive(Default, Deserialize, Serialize)]
pub struct DrawsQuery {
    /// The year of the rates above the list.
    #[serde(skip_serializing_if = "Option::is_none")]
    year: Option<String>,
    #[serde(flatten)]
    list: ListParams,
}

/// Exactly the draws the list shows, as .xlsx, as a long job.
pub async fn draws_export(
    State(state): State<AppState>,
    s: Signed,
    Query(q): Query<DrawsQuery>,
) -> Result<Response, PageError> {
    let narrowing = q.list.narrowing();
    let counted = draws::count(&state.store, Some(&s.actor), &narrowing).await?;
    let (order, _, _) = q.list.afford(draws::SORTS, counted);
    let actor = s.actor.clone();
    crate::pages::long_jobs::export(
        &state,
        &s,
        "导出双随机抽查",
        "random-draws.xlsx",
        "/inspection/draws",
        move |store, rows| async move {
            draws::export(&store, &actor, &narrowing, &order, &*rows).await
        },
    )
    .await
}

/// The list of draws, in scope or (`actor` None) the public portal's: rows, total, pager,
/// sortable headers, the query's fields.
async fn draws_list(
    state: &AppState,
    actor: Option<&fazhi_core::Actor>,
    path: &str,
    q: &DrawsQuery,
) -> Result<
    (
        Vec<Vec<Cell>>,
        String,
        ListUrl,
        Option<String>,
        Option<String>,
        Option<String>,
    ),
    PageError,
> {
    let narrowing = q.list.narrowing();
    let (counted, refused) = total_or_refusal(draws::count(&state.store, actor, &narrowing).await)?;
    let (order, shown, sort_note) = q.list.afford(draws::SORTS, counted);
    let page = match refused {
        None => draws::list(&state.store, actor, &narrowing, order).await?,
        Some(_) => no_rows(),
    };
    let total = format!(
        "{}{}",
        total_text(counted, "次抽查"),
        sort_note.map(|n| format!("。{n}")).unwrap_or_default()
    );
    let url = ListUrl::new(path, q, &shown);
    let (prev, next) = url.pager(&page);
    let rows = summary_rows(&page.items, path);
    Ok((rows, total, url, prev, next, refused))
}

const DRAW_HEADERS: [(&str, Option<&str>); 5] = [
    ("抽查任务", Some("title")),
    ("组织部门", None),
    ("检查期间", Some("inspect_from")),
    ("已检查 / 抽中", None),
    ("结果公开", None),
];

pub async fn draws_page(
    State(state): State<AppState>,
    s: Signed,
    Query(q): Query<DrawsQuery>,
) -> Result<Response, PageError> {
    require(&s, Permission::CaseRead)?;
    let today = fazhi_core::deadlines::china_today();
    let year = q
        .year
        .as_deref()
        .and_then(|y| y.trim().parse().ok())
        .unwrap_or(chrono::Datelike::year(&today));
    let (rows, total, url, prev, next, refused) =
        draws_list(&state, Some(&s.actor), "/inspection/draws", &q).await?;
    let r = draws::rates(&state.store, &s.actor, year, today).await?;
    let mut actions = vec![
        link(
            url.at("/inspection/draws/export.xlsx"),
            format!("导出 Excel（当前筛选的 {total}）"),
        ),
        link("/public/draws", "公开的抽查"),
        link("/inspection/entities", "名录库"),
    ];
    if s.actor.can(Permission::SupervisionManage) {
        actions.insert(0, link("/inspection/draws/new", "新建双随机抽查"));
    }
    Ok((status(&refused), ListPage {
        prev,
        layout: layout(&s),
        title: "双随机抽查".into(),
        intro: format!(
            "{year} 年（目标均为 100%）：抽查计划制定率 {}（参与抽查的部门 / 有检查记录的部门）；抽查任务完成率 {}（已检查 / 应检查，检查期间已结束的）；结果公开率 {}（按时公开 / 应公开）。",
            percent(r.planning.0 as i64, r.planning.1 as i64),
            percent(r.completion.0, r.completion.1),
            percent(r.publication.0 as i64, r.publication.1 as i64),
        ),
        actions,
        filters: std::iter::once(Field::text("year", "比率年度", year.to_string(), 4))
            .chain(q.list.search_fields("抽查任务或组织部门", "检查开始日期"))
            .chain([q.list.size_field()])
            .collect(),
        error: refused,
        count_text: format!("共 {total}"),
        hidden: q.list.hidden(),
        headers: url.headers(&DRAW_HEADERS),
        rows,
        next,
    })
    .into_response())
}

async fn draw_form(
    state: &AppState,
    s: &Signed,
    form: Option<&FormData>,
    error: Option<String>,
) -> Result<FormPage, PageError> {
    let pick =
        |name: &str, default: &str| form.map_or(default.to_string(), |f| f.get(name).to_string());
    let departments = org::service::departments(&state.store, &s.actor).await?;
    let towns: Vec<(String, String)> = std::iter::once((String::new(), "全市".to_string()))
        .chain(
            org::service::regions(&state.store, &s.actor)
                .await?
                .into_iter()
                .filter(|r| r.kind == org::model::RegionKind::Town)
                .map(|r| (r.id.to_string(), r.name)),
        )
        .collect();
    let chosen = form.map(|f| f.all("departments")).unwrap_or_default();
    let mut page = FormPage::new(layout(s), "新建双随机抽查", "/inspection/draws");
    page.intro = "从检查对象名录库随机抽取检查对象（无事不扰清单上的对象不参与，各信用风险分类按各自比例抽取），再从参与部门持证的执法人员中随机抽取、回避有登记关系的人员：一个部门时每户两名，多个部门联合抽查时每个部门一名。输入、随机种子和抽取所依据的名录、人员快照都被记录并公开，任何人可按公开的方法重新抽取核对。".into();
    page.error = error;
    page.fields = vec![
        Field::text("title", "抽查任务名称", pick("title", ""), 100).required(),
        Field::text(
            "items",
            "抽查事项（执法事项编码，以顿号分隔）",
            pick("items", ""),
            500,
        )
        .required(),
        Field::checkboxes(
            "departments",
            "参与部门",
            departments
                .iter()
                .map(|d| (d.id.to_string(), d.name.clone()))
                .collect(),
            &chosen,
        ),
        Field::select("town_id", "镇乡（街道）", towns, &pick("town_id", "")),
        Field::text("industry", "行业（不填为全部）", pick("industry", ""), 50),
        Field::text("rate_a", "A 类抽查比例（%）", pick("rate_a", "3"), 3),
        Field::text("rate_b", "B 类抽查比例（%）", pick("rate_b", "5"), 3),
        Field::text("rate_c", "C 类抽查比例（%）", pick("rate_c", "10"), 3),
        Field::text("rate_d", "D 类抽查比例（%）", pick("rate_d", "30"), 3),
        Field::date("inspect_from", "检查期间起", pick("inspect_from", "")),
        Field::date("inspect_until", "检查期间止", pick("inspect_until", "")),
        Field::text(
            "publication_days",
            "结果公开时限（检查结束后工作日）",
            pick(
                "publication_days",
                &draws::DEFAULT_PUBLICATION_DAYS.to_string(),
            ),
            2,
        ),
        Field::text(
            "seed",
            "随机种子（不填则由系统生成并记录）",
            pick("seed", ""),
            20,
        ),
    ];
    page.submit = "抽取";
    page.links = vec![link("/inspection/draws", "返回")];
    Ok(page)
}

pub async fn draw_new(State(state): State<AppState>, s: Signed) -> Result<Response, PageError> {
    require(&s, Permission::SupervisionManage)?;
    Ok(draw_form(&state, &s, None, None).await?.into_response())
}

fn parse_draw(f: &FormData) -> Result<NewDraw, Error> {
    let day = |name: &'static str, label: &str| {
        fazhi_kernel::date::parse(f.get(name))
            .ok_or_else(|| Error::invalid(name, format!("{label}应为日期（YYYY-MM-DD）。")))
    };
    let number = |name: &'static str, label: &str| {
        f.get(name)
            .trim()
            .parse::<u32>()
            .map_err(|_| Error::invalid(name, format!("{label}应为整数。")))
    };
    let seed = match f.get("seed").trim() {
        "" => None,
        v => Some(
            v.parse::<u64>()
                .map_err(|_| Error::invalid("seed", "随机种子应为不超过 20 位的非负整数。"))?,
        ),
    };
    Ok(NewDraw {
        title: f.get("title").to_string(),
        items: f
            .get("items")
            .split(['、', ',', '，', ' '])
            .map(str::to_string)
            .collect(),
        town_id: f.opt_int("town_id", "镇乡（街道）")?,
        industry: f.opt("industry"),
        rates: [
            number("rate_a", "A 类抽查比例")?,
            number("rate_b", "B 类抽查比例")?,
            number("rate_c", "C 类抽查比例")?,
            number("rate_d", "D 类抽查比例")?,
        ],
        departments: f
            .all("departments")
            .iter()
            .filter_map(|d| d.parse().ok())
            .collect(),
        inspect_from: day("inspect_from", "检查期间起")?,
        inspect_until: day("inspect_until", "检查期间止")?,
        publication_days: number("publication_days", "结果公开时限")?,
        seed,
    })
}

pub async fn draw_create(
    State(state): State<AppState>,
    s: Signed,
    f: FormData,
) -> Result<Response, PageError> {
    require(&s, Permission::SupervisionManage)?;
    let result = match parse_draw(&f) {
        Ok(input) => {
            let in_force = state.in_force().await?;
            draws::create(&state.ctx(&s.actor, &in_force), &input).await
        }
        Err(e) => Err(e),
    };
    match result {
        Ok(id) => Ok(Redirect::to(&format!("/inspection/draws/{id}")).into_response()),
        Err(e) => {
            let (status, message) = refused(e)?;
            Ok((
                status,
                draw_form(&state, &s, Some(&f), Some(message)).await?,
            )
                .into_response())
        }
    }
}

/// The draw as (label, value) lines: inputs, seed, snapshot, then each task.
fn draw_details(d: &DrawView, verified: bool, public: bool) -> Vec<(String, String)> {
    let mut out = vec![
        ("组织部门".to_string(), d.organiser.clone()),
        ("参与部门".into(), d.departments.join("、")),
        ("抽查事项".into(), d.items.join("、")),
        (
            "抽取范围".into(),
            format!(
                "{}，{}",
                d.town.clone().unwrap_or_else(|| "全市".into()),
                d.industry.clone().unwrap_or_else(|| "全部行业".into())
            ),
        ),
        (
            "抽查比例".into(),
            CLASSES
                .iter()
                .zip(&d.rates)
                .map(|(c, r)| format!("{c} 类 {r}%"))
                .collect::<Vec<_>>()
                .join("，"),
        ),
        (
            "抽取名录".into(),
            format!(
                "{} 户（{}），无事不扰清单上的 {} 户未参与；名录 SM3 {}",
                d.pool_by_class.iter().sum::<usize>(),
                CLASSES
                    .iter()
                    .zip(&d.pool_by_class)
                    .map(|(c, n)| format!("{c} 类 {n}"))
                    .collect::<Vec<_>>()
                    .join("，"),
                d.left_alone,
                d.pool_sm3
            ),
        ),
        ("随机种子".into(), d.seed.clone()),
        (
            "核对".into(),
            if verified {
                "按记录的输入、种子和快照重新抽取，结果与公布的一致。".into()
            } else {
                "重新抽取的结果与公布的不一致，请联系组织部门。".into()
            },
        ),
        (
            "检查期间".into(),
            format!("{} 至 {}", d.inspect_from, d.inspect_until),
        ),
        (
            "结果公开".into(),
            match &d.results_published_on {
                Some(p) => format!("{p} 已公开"),
                None => format!(
                    "检查结束后 {} 个工作日内，即 {} 前公开",
                    d.publication_days, d.results_due
                ),
            },
        ),
    ];
    for t in &d.tasks {
        let result = match (&t.outcome, &t.inspected_on) {
            (Some(o), Some(on)) => format!("{on} 检查，{o}"),
            _ if public && d.results_published_on.is_none() => "待公开".into(),
            _ if d.results_published_on.is_some() => "未检查".into(),
            _ => "尚未检查".into(),
        };
        out.push((
            format!("{}. {}（{}）", t.ordinal, t.entity_name, t.entity_uscc),
            format!(
                "{} 类；执法人员 {}；{result}",
                t.credit_class,
                t.officers
                    .iter()
                    .map(|(n, c)| format!("{n}（执法证 {c}）"))
                    .collect::<Vec<_>>()
                    .join("、"),
            ),
        ));
    }
    out
}

async fn draw_view(
    state: &AppState,
    s: &Signed,
    id: i64,
    error: Option<String>,
) -> Result<SectionsPage, PageError> {
    let d = draws::get(&state.store, &s.actor, id).await?;
    let verified = draws::verify(&state.store, id).await?;
    let mut links: Vec<Link> = fazhi_core::inspection::acts::of_draw(&state.store, id)
        .await?
        .into_iter()
        .map(|(ordinal, code)| {
            link(
                format!("/public/acts/{code}"),
                format!("第 {ordinal} 户的行政行为码（检查通知二维码）"),
            )
        })
        .collect();
    links.push(link(format!("/public/draws/{id}"), "公开页面"));
    links.push(link("/inspection/draws", "返回"));
    let mut sections = Vec::new();
    if s.actor.can(Permission::SupervisionManage) && d.results_published_on.is_none() {
        sections.push(FormSection {
            title: "公开抽查结果（检查期间结束后）".into(),
            action: format!("/inspection/draws/{id}/publish"),
            hidden: Vec::new(),
            fields: Vec::new(),
            submit: "公开",
        });
    }
    Ok(SectionsPage {
        notice: None,
        warnings: Vec::new(),
        table: None,
        layout: layout(s),
        title: d.title.clone(),
        intro: "抽中的对象在检查期间内由所列执法人员检查；检查记录选择“双随机抽查”即对应到本任务。"
            .into(),
        error,
        details: draw_details(&d, verified, false),
        sections,
        links,
    })
}

pub async fn draw_show(
    State(state): State<AppState>,
    s: Signed,
    Path(id): Path<i64>,
) -> Result<Response, PageError> {
    Ok(draw_view(&state, &s, id, None).await?.into_response())
}

pub async fn draw_publish(
    State(state): State<AppState>,
    s: Signed,
    Path(id): Path<i64>,
) -> Result<Response, PageError> {
    require(&s, Permission::SupervisionManage)?;
    let today = fazhi_core::deadlines::china_today();
    match draws::publish_results(&state.store, &s.actor, today, id).await {
        Ok(()) => Ok(Redirect::to(&format!("/inspection/draws/{id}")).into_response()),
        Err(e) => {
            let (status, message) = refused(e)?;
            Ok((status, draw_view(&state, &s, id, Some(message)).await?).into_response())
        }
    }
}

// ---- the public portal ----

pub async fn public_draws(
    State(state): State<AppState>,
    Query(q): Query<DrawsQuery>,
) -> Result<Response, PageError> {
    let (rows, total, url, prev, next, refused) =
        draws_list(&state, None, "/public/draws", &q).await?;
    Ok((status(&refused), ListPage {
        prev,
        layout: Layout::anonymous(String::new()),
        title: "双随机抽查公开".into(),
        intro: "每次抽查公开抽查事项、抽取范围和比例、随机种子、抽取所依据的名录和抽中的对象与执法人员；检查结束后按时公开结果。".into(),
        actions: Vec::new(),
        filters: q
            .list
            .search_fields("抽查任务或组织部门", "检查开始日期")
            .into_iter()
            .chain([q.list.size_field()])
            .collect(),
        error: refused,
        count_text: format!("共 {total}"),
        hidden: q.list.hidden(),
        headers: url.headers(&DRAW_HEADERS),
        rows,
        next,
    })
    .into_response())
}

pub async fn public_draw(
    State(state): State<AppState>,
    Path(id): Path<i64>,
) -> Result<Response, PageError> {
    let d = draws::public(&state.store, id).await?;
    let verified = draws::verify(&state.store, id).await?;
    Ok(SectionsPage {
 notice: None, warnings: Vec::new(), table: None,
        layout: Layout::anonymous(String::new()),
        title: d.title.clone(),
        intro: "抽取方法：以公布的随机种子初始化 xoshiro256++ 随机数发生器（SplitMix64 展开种子），按 A、B、C、D 类依次从名录（按统一社会信用代码升序）中以费希尔—耶茨洗牌抽取 ⌈户数 × 比例⌉ 户，再对每户依次按部门洗牌该部门持证人员、跳过有回避关系的人员后抽取。".into(),
        error: None,
        details: draw_details(&d, verified, true),
        sections: Vec::new(),
        links: vec![
            link(format!("/public/draws/{id}/pool.txt"), "下载抽取名录（每行：代码 分类 名称）"),
            link(format!("/public/draws/{id}/roster.txt"), "下载执法人员名单（每行：执法证号 部门编号；回避关系不公开）"),
            link("/public/draws", "全部抽查"),
        ],
    }
    .into_response())
}

pub async fn public_roster(
    State(state): State<AppState>,
    Path(id): Path<i64>,
) -> Result<Response, PageError> {
    text_response(draws::roster(&state.store, id).await?)
}

fn text_response(text: String) -> Result<Response, PageError> {
    Ok((
        [(
            axum::http::header::CONTENT_TYPE,
            "text/plain; charset=utf-8",
        )],
        text,
    )
        .into_response())
}

pub async fn public_pool(
    State(state): State<AppState>,
    Path(id): Path<i64>,
) -> Result<Response, PageError> {
    text_response(draws::pool(&state.store, id).await?)
}
