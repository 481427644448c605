//! Bulletins (工作通报) and the supervision figures of 一(三)2.

use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use chrono::{Datelike, NaiveDate};
use fazhi_core::enforcement::figures::percent;
use fazhi_core::supervision::bulletins::{self, NewBulletin};
use fazhi_core::supervision::self_inspection::{self};
use fazhi_core::{Error, Permission};

use super::{layout, require};
use crate::AppState;
use crate::error::PageError;
use crate::form::FormData;
use crate::session::Signed;
use crate::view::*;

use super::*;

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
        prev: None,
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
        error: None,
        count_text: format!("{} 期", items.len()),
        hidden: Vec::new(),
        headers: plain(&["文号", "标题", "通报期间", "发出日期"]),
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
            let (status, message) = super::super::refused(e)?;
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
    Ok(super::super::docx_response(
        &format!("bulletin-{id}.docx"),
        bytes,
    ))
}

/// FIGURES 一(三)2 for a year, each opening to its records.
pub async fn figures_page(
    State(state): State<AppState>,
    s: Signed,
    Query(q): Query<YearQuery>,
) -> Result<Response, PageError> {
    require(&s, Permission::CaseRead)?;
    let year = year_of(&q, fazhi_core::deadlines::china_today().year());
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
            cell_link(
                format!("{} 件", f.files),
                format!("{cases}&grade=evaluated"),
            ),
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
        prev: None,
        layout: layout(&s),
        title: format!("{year} 年执法监督统计"),
        intro: format!(
            "年度报告“一(三)2”的数字，均由记录计算；点击数字查看记录。您可查看的范围：{}。",
            s.actor.scope.kind.label_zh()
        ),
        actions: Vec::new(),
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
