//! Units' annual catalogs: the units named for a year, each unit's record of its own, the rates.

use super::*;

#[derive(Deserialize)]
pub struct CatalogQuery {
    #[serde(default)]
    kind: String,
    #[serde(default)]
    year: String,
}

fn catalog_kind(q: &str) -> CatalogKind {
    CatalogKind::parse(q).unwrap_or(CatalogKind::MajorDecision)
}

async fn catalogs_view(
    state: &AppState,
    s: &Signed,
    kind: CatalogKind,
    year_text: &str,
    error: Option<String>,
) -> Result<Response, PageError> {
    let this_year = deadlines::china_today().format("%Y").to_string();
    let (year, mut error) = match year_of(year_text, "year") {
        Ok(Some(y)) => (y, error),
        Ok(None) => (this_year.parse::<i64>().unwrap_or(2024), error),
        Err(e) => (
            this_year.parse::<i64>().unwrap_or(2024),
            error.or(Some(e.message_zh())),
        ),
    };
    let list = catalogs::list(&state.store, &s.actor, kind, year).await?;
    let counts = Counts::of(&list);
    let rows = list
        .iter()
        .map(|c| {
            let mut row = vec![
                cell_link(
                    c.department.clone(),
                    format!("/decisions/catalogs/{}", c.id),
                ),
                cell(c.issued_on.clone().unwrap_or_else(|| "未印发".into())),
                cell(c.published_on.clone().unwrap_or_else(|| "未公布".into())),
            ];
            if kind == CatalogKind::LegalityReview {
                row.push(cell(c.filed_on.clone().unwrap_or_else(|| "未备案".into())));
                row.push(cell(format!("{} 件", c.reviews)));
            }
            row
        })
        .collect::<Vec<_>>();
    let rate = |part| percent(counts.rate(part));
    let count_text = match kind {
        CatalogKind::MajorDecision => format!(
            "应制发 {} 个单位；制发率 {}（{} 个），公示率 {}（{} 个）",
            counts.required,
            rate(counts.issued),
            counts.issued,
            rate(counts.published),
            counts.published
        ),
        CatalogKind::LegalityReview => format!(
            "应制发 {} 个单位；制发率 {}（{} 个），备案率 {}（{} 个），数字应用率 {}（{} 个单位年内在系统中送审）",
            counts.required,
            rate(counts.issued),
            counts.issued,
            rate(counts.filed),
            counts.filed,
            rate(counts.digital),
            counts.digital
        ),
    };
    let mut headers = vec!["单位", "印发日期", "公布日期"];
    if kind == CatalogKind::LegalityReview {
        headers.extend(["备案日期", "年内在系统中送审"]);
    }
    let mut actions = vec![link(
        format!(
            "/decisions/catalogs?kind={}&year={year}",
            match kind {
                CatalogKind::MajorDecision => "legality_review",
                CatalogKind::LegalityReview => "major_decision",
            }
        ),
        match kind {
            CatalogKind::MajorDecision => "镇乡合法性审查事项目录",
            CatalogKind::LegalityReview => "重大行政决策事项目录",
        },
    )];
    if s.actor.can(Permission::SupervisionManage) || s.actor.can(Permission::NormativeManage) {
        actions.push(link(
            format!(
                "/decisions/catalogs/require?kind={}&year={year}",
                kind.code()
            ),
            "确定应制发目录的单位",
        ));
    }
    if list.is_empty() && error.is_none() {
        error = None;
    }
    let status = if error.is_some() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    Ok((
        status,
        ListPage {
            prev: None,
            layout: layout(s),
            title: format!("{}（{year} 年度）", kind.label_zh()),
            intro: match kind {
                CatalogKind::MajorDecision => "决策机关每年确定并公布重大行政决策事项目录（《重大行政决策程序暂行条例》第三条）。制发率、公示率按应制发目录的单位计算。",
                CatalogKind::LegalityReview => "镇乡（街道）的合法性审查事项目录：印发、报市司法局备案，并在系统中送审；三项比率按应制发目录的单位计算。",
            }
            .into(),
            actions,
            filters: vec![
                Field::select(
                    "kind",
                    "目录",
                    vec![
                        ("major_decision".into(), "重大行政决策事项目录".into()),
                        ("legality_review".into(), "合法性审查事项目录".into()),
                    ],
                    kind.code(),
                ),
                Field::text("year", "年度", year.to_string(), 4),
            ],
            error,
            count_text,
            hidden: Vec::new(),
            headers: plain(&headers),
            rows,
            next: None,
        },
    )
        .into_response())
}

pub async fn catalogs_page(
    State(state): State<AppState>,
    s: Signed,
    Query(q): Query<CatalogQuery>,
) -> Result<Response, PageError> {
    catalogs_view(&state, &s, catalog_kind(&q.kind), &q.year, None).await
}

async fn require_form(
    state: &AppState,
    s: &Signed,
    kind: CatalogKind,
    year: &str,
    posted: Option<&FormData>,
    error: Option<Error>,
) -> Result<FormPage, PageError> {
    let departments = fazhi_core::org::service::departments(&state.store, &s.actor).await?;
    // Named already (ticked), and which have recorded theirs (cannot be taken off).
    let named = match year_of(year, "year") {
        Ok(Some(y)) => catalogs::list(&state.store, &s.actor, kind, y).await?,
        _ => Vec::new(),
    };
    let checked: Vec<String> = match posted {
        Some(f) => f.all("department_id"),
        None => named.iter().map(|c| c.department_id.to_string()).collect(),
    };
    let mut page = FormPage::new(
        layout(s),
        format!("确定应制发{}的单位", kind.label_zh()),
        "/decisions/catalogs/require",
    );
    page.hidden = vec![("kind", kind.code().to_string())];
    page.fields = vec![
        Field::text("year", "年度", year.to_string(), 4).required(),
        Field::checkboxes(
            "department_id",
            "单位",
            departments
                .iter()
                .map(|d| {
                    let recorded = named.iter().any(|c| {
                        c.department_id == d.id
                            && (c.issued_on.is_some()
                                || c.published_on.is_some()
                                || c.filed_on.is_some())
                    });
                    (
                        d.id.to_string(),
                        if recorded {
                            format!("{}（已填写目录）", d.name)
                        } else {
                            d.name.clone()
                        },
                    )
                })
                .collect(),
            &checked,
        ),
    ];
    page.intro = "勾选的单位应当制发目录；取消勾选即不再要求（已填写目录的单位不能取消）。".into();
    if let Some(e) = error {
        mark(&mut page.fields, &e.refused_fields());
        page.error = Some(e.message_zh());
    }
    page.submit = "确定";
    page.links = vec![link(
        format!("/decisions/catalogs?kind={}&year={year}", kind.code()),
        "返回",
    )];
    Ok(page)
}

fn may_require(s: &Signed) -> Result<(), PageError> {
    if s.actor.can(Permission::SupervisionManage) || s.actor.can(Permission::NormativeManage) {
        Ok(())
    } else {
        Err(PageError(Error::Forbidden))
    }
}

pub async fn require_page(
    State(state): State<AppState>,
    s: Signed,
    Query(q): Query<CatalogQuery>,
) -> Result<Response, PageError> {
    may_require(&s)?;
    let year = if q.year.trim().is_empty() {
        deadlines::china_today().format("%Y").to_string()
    } else {
        q.year.clone()
    };
    Ok(
        require_form(&state, &s, catalog_kind(&q.kind), &year, None, None)
            .await?
            .into_response(),
    )
}

pub async fn require(
    State(state): State<AppState>,
    s: Signed,
    f: FormData,
) -> Result<Response, PageError> {
    may_require(&s)?;
    let in_force = state.in_force().await?;
    let kind = catalog_kind(f.get("kind"));
    let result = async {
        let year = year_of(f.get("year"), "year")?
            .ok_or_else(|| Error::invalid("year", "请填写年度，例如 2024。"))?;
        let ids = f
            .all("department_id")
            .iter()
            .map(|v| {
                v.parse::<i64>()
                    .map_err(|_| Error::invalid("department_id", "请选择单位。"))
            })
            .collect::<Result<Vec<_>, _>>()?;
        catalogs::require(&state.ctx(&s.actor, &in_force), kind, year, &ids).await?;
        Ok::<_, Error>(year)
    }
    .await;
    match result {
        Ok(year) => Ok(Redirect::to(&format!(
            "/decisions/catalogs?kind={}&year={year}",
            kind.code()
        ))
        .into_response()),
        Err(e @ (Error::Invalid { .. } | Error::Several(_))) => Ok((
            crate::error::status_of(&e),
            require_form(&state, &s, kind, f.get("year"), Some(&f), Some(e)).await?,
        )
            .into_response()),
        Err(e) => Err(PageError(e)),
    }
}

async fn catalog_form(
    state: &AppState,
    s: &Signed,
    id: i64,
    posted: Option<&FormData>,
    error: Option<Error>,
) -> Result<FormPage, PageError> {
    let c = catalogs::get(&state.store, &s.actor, id).await?;
    let value = |name: &str, stored: &Option<String>| {
        posted.map_or_else(
            || stored.clone().unwrap_or_default(),
            |f| f.get(name).to_string(),
        )
    };
    let mut page = FormPage::new(
        layout(s),
        format!("{}：{}（{} 年度）", c.department, c.kind.label_zh(), c.year),
        format!("/decisions/catalogs/{id}"),
    );
    page.hidden = vec![("version", c.version.to_string())];
    page.fields = vec![
        Field::date("issued_on", "印发日期", value("issued_on", &c.issued_on)),
        Field::date(
            "published_on",
            "公布日期",
            value("published_on", &c.published_on),
        ),
    ];
    if c.kind == CatalogKind::LegalityReview {
        page.fields.push(Field::date(
            "filed_on",
            "报市司法局备案日期",
            value("filed_on", &c.filed_on),
        ));
    }
    page.fields.push(
        Field::textarea(
            "items",
            "目录所列事项",
            posted.map_or_else(|| c.items.clone(), |f| f.get("items").to_string()),
        )
        .max(20_000)
        .hint("每行一项。"),
    );
    if let Some(e) = error {
        mark(&mut page.fields, &e.refused_fields());
        page.error = Some(e.message_zh());
    }
    page.submit = "保存";
    page.links = vec![link(
        format!("/decisions/catalogs?kind={}&year={}", c.kind.code(), c.year),
        "返回目录",
    )];
    Ok(page)
}

pub async fn catalog_show(
    State(state): State<AppState>,
    s: Signed,
    Path(id): Path<i64>,
) -> Result<Response, PageError> {
    let c = catalogs::get(&state.store, &s.actor, id).await?;
    if c.department_id == s.actor.scope.department_id {
        return Ok(catalog_form(&state, &s, id, None, None)
            .await?
            .into_response());
    }
    // Another unit's catalog: read, not kept, here.
    let none = || "—".to_string();
    let mut details = vec![
        (
            "印发日期".to_string(),
            c.issued_on.clone().unwrap_or_else(none),
        ),
        (
            "公布日期".into(),
            c.published_on.clone().unwrap_or_else(none),
        ),
    ];
    if c.kind == CatalogKind::LegalityReview {
        details.push(("备案日期".into(), c.filed_on.clone().unwrap_or_else(none)));
        details.push(("年内在系统中送审".into(), format!("{} 件", c.reviews)));
    }
    details.push((
        "目录所列事项".into(),
        c.items.lines().collect::<Vec<_>>().join("；"),
    ));
    Ok(SectionsPage {
        notice: None,
        warnings: Vec::new(),
        table: None,
        layout: layout(&s),
        title: format!("{}：{}（{} 年度）", c.department, c.kind.label_zh(), c.year),
        intro: "目录由本单位填写；这里只能查看。".into(),
        error: None,
        details,
        sections: Vec::new(),
        links: vec![link(
            format!("/decisions/catalogs?kind={}&year={}", c.kind.code(), c.year),
            "返回目录",
        )],
    }
    .into_response())
}

pub async fn catalog_record(
    State(state): State<AppState>,
    s: Signed,
    Path(id): Path<i64>,
    f: FormData,
) -> Result<Response, PageError> {
    let in_force = state.in_force().await?;
    let result = async {
        let version = f.int("version", "版本")?;
        let mut r = fazhi_core::Refusals::default();
        let issued_on = r.take(optional_day(&f, "issued_on", "印发日期"))?.flatten();
        let published_on = r
            .take(optional_day(&f, "published_on", "公布日期"))?
            .flatten();
        let filed_on = r.take(optional_day(&f, "filed_on", "备案日期"))?.flatten();
        r.finish()?;
        catalogs::record(
            &state.ctx(&s.actor, &in_force),
            id,
            version,
            &catalogs::Record {
                issued_on,
                published_on,
                filed_on,
                items: f.get("items"),
            },
        )
        .await?;
        catalogs::get(&state.store, &s.actor, id).await
    }
    .await;
    match result {
        Ok(c) => Ok(Redirect::to(&format!(
            "/decisions/catalogs?kind={}&year={}",
            c.kind.code(),
            c.year
        ))
        .into_response()),
        Err(e @ (Error::Invalid { .. } | Error::Several(_) | Error::Conflict)) => Ok((
            crate::error::status_of(&e),
            catalog_form(&state, &s, id, Some(&f), Some(e)).await?,
        )
            .into_response()),
        Err(e) => Err(PageError(e)),
    }
}
