//! Manual evaluation on a drawn sample (人工评查抽样): the draw, the sheet prefilled with the machine's findings, the reviewer's marks.

use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use chrono::Datelike;
use fazhi_core::enforcement::figures::percent;
use fazhi_core::org;
use fazhi_core::supervision::sampling::{self, Draw, Mark};
use fazhi_core::supervision::sheet;
use fazhi_core::{Error, Permission};

use super::{layout, require};
use crate::AppState;
use crate::error::PageError;
use crate::form::FormData;
use crate::session::Signed;
use crate::view::*;

use super::*;

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
        prev: None,
        layout: layout(&s),
        title: "人工评查抽样".into(),
        intro: "从已自动评查的案卷中按随机种子抽取案卷，评查人员在预填了自动评查结果的评查表上逐项确认、删除（说明理由）或新增问题。抽样的条件和种子均记录在案，任何人用同样的条件和种子可重新抽得同样的案卷。".into(),
        actions: vec![link("/supervision/samples/new", "抽取案卷")],
        filters: Vec::new(),
        error: None,
        count_text: format!("最近{}", super::super::counted(&samples, "次抽样")),
        hidden: Vec::new(),
        headers: plain(&["抽样", "抽取日期", "随机种子", "抽中 / 可抽案卷"]),
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
            let (status, message) = super::super::refused(e)?;
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
        prev: None,
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
        error: None,
        count_text: format!(
            "已人工评查 {reviewed} 件，其中与自动评查等次一致 {same} 件（一致率 {}）。",
            percent((reviewed > 0).then(|| same as f64 / reviewed as f64))
        ),
        hidden: Vec::new(),
        headers: plain(&["序号", "案卷", "自动评查", "人工评查"]),
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
            let (status, message) = super::super::refused(e)?;
            Ok((
                status,
                sheet_form(&state, &s, sample, case_id, Some(&f), Some(message)).await?,
            )
                .into_response())
        }
    }
}
