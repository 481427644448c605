//! The pre-publication review of a decision, its approval and withdrawal, and the public pages
//! (no sign-in) that list published decisions with only redacted text.

use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use fazhi_core::enforcement::disclosure::{self, PublicFilter};
use fazhi_core::{Error, Permission};
use fazhi_store::page::Keyset;
use serde::{Deserialize, Serialize};

use super::{layout, require};
use crate::AppState;
use crate::error::{PageError, status_of};
use crate::form::FormData;
use crate::session::Signed;
use crate::view::*;

fn kind_label(kind: &str) -> &'static str {
    match kind {
        "person_name" => "自然人姓名（改为某某）",
        "resident_id" => "公民身份号码",
        "mobile" => "手机号码",
        "landline" => "固定电话",
        "bank_card" => "银行账号",
        "email" => "电子邮箱",
        "address" => "住址",
        _ => "其他",
    }
}

async fn page(
    state: &AppState,
    s: &Signed,
    case_id: i64,
    error: Option<String>,
) -> Result<SectionsPage, PageError> {
    let d = disclosure::of_case(&state.store, &s.actor, case_id).await?;
    let mut details = Vec::new();
    let mut sections = Vec::new();
    let form =
        |action: &'static str, title: &str, fields: Vec<Field>, submit: &'static str| FormSection {
            title: title.to_string(),
            action: format!("/enforcement/cases/{case_id}/disclosure"),
            hidden: vec![("action", action.to_string())],
            fields,
            submit,
        };
    match &d {
        None => sections.push(form(
            "review",
            "公开前审查",
            Vec::new(),
            "生成公开文本并自动去除个人信息",
        )),
        Some(d) => {
            details.push((
                "状态".into(),
                match d.state.as_str() {
                    "reviewing" => "待审核",
                    "published" => "已公开",
                    _ => "已撤回",
                }
                .to_string(),
            ));
            details.push(("文号".into(), d.decision_number.clone()));
            // Shown masked, as on the case page: the reviewer sees what kind of data went and
            // where, not the number itself.
            for (kind, text) in
                disclosure::findings(&state.store, &s.actor, &state.keyring, case_id).await?
            {
                details.push((
                    format!("已去除：{}", kind_label(&kind)),
                    fazhi_kernel::personal::mask(&text),
                ));
            }
            details.push(("公开文本".into(), d.redacted_text.clone()));
            if let Some(r) = &d.withdrawal_reason {
                details.push(("撤回理由".into(), r.clone()));
            }
            match d.state.as_str() {
                "reviewing" => {
                    sections.push(form(
                        "publish",
                        "审核通过并公开",
                        vec![Field::date("on", "公开日期", "")],
                        "公开",
                    ));
                    sections.push(form("review", "重新生成", Vec::new(), "重新生成公开文本"));
                }
                "published" => sections.push(form(
                    "decision_changed",
                    "登记处罚决定被变更、撤销或确认违法、无效（起算三个工作日撤回期限）",
                    vec![
                        Field::date("on", "变更或撤销之日", ""),
                        Field::text("reason", "情况说明", "", 200).required(),
                    ],
                    "登记",
                )),
                _ => {}
            }
            if d.state == "published" {
                sections.push(form(
                    "withdraw",
                    "撤回（决定变更、撤销或被确认违法、无效后三个工作日内）",
                    vec![
                        Field::date("on", "撤回日期", ""),
                        Field::text("reason", "撤回理由", "", 200).required(),
                    ],
                    "撤回",
                ));
            }
        }
    }
    if !s.actor.can(Permission::CaseHandle) {
        sections.clear();
    }
    Ok(SectionsPage {
 notice: None, warnings: Vec::new(), table: None,
        layout: layout(s),
        title: "行政处罚决定公开".into(),
        intro: "公开前审查自动去除自然人姓名（保留姓氏）、身份号码、电话、银行账号和住址，法人名称和统一社会信用代码保留；审核人核对下列改动后批准公开。".into(),
        error,
        details,
        sections,
        links: vec![link(format!("/enforcement/cases/{case_id}"), "返回案件")],
    })
}

pub async fn show(
    State(state): State<AppState>,
    s: Signed,
    Path(id): Path<i64>,
) -> Result<Response, PageError> {
    Ok(page(&state, &s, id, None).await?.into_response())
}

pub async fn act(
    State(state): State<AppState>,
    s: Signed,
    Path(id): Path<i64>,
    f: FormData,
) -> Result<Response, PageError> {
    require(&s, Permission::CaseHandle)?;
    let on = || {
        fazhi_kernel::date::parse(f.get("on"))
            .ok_or_else(|| Error::invalid("on", "请填写日期（YYYY-MM-DD）。"))
    };
    let result = match f.get("action") {
        "review" => disclosure::review(&state.store, &s.actor, &state.keyring, id)
            .await
            .map(|_| ()),
        "publish" => match on() {
            Ok(d) => disclosure::publish(&state.store, &s.actor, id, d).await,
            Err(e) => Err(e),
        },
        "decision_changed" => match on() {
            Ok(d) => {
                let in_force = state.in_force().await?;
                disclosure::decision_changed(
                    &state.ctx(&s.actor, &in_force),
                    id,
                    d,
                    f.get("reason"),
                )
                .await
            }
            Err(e) => Err(e),
        },
        "withdraw" => match on() {
            Ok(d) => disclosure::withdraw(&state.store, &s.actor, id, d, f.get("reason")).await,
            Err(e) => Err(e),
        },
        _ => Err(Error::invalid("action", "请选择操作。")),
    };
    match result {
        Ok(()) => Ok(Redirect::to(&format!("/enforcement/cases/{id}/disclosure")).into_response()),
        Err(Error::Store(e)) => Err(PageError(Error::Store(e))),
        Err(e) => Ok((
            status_of(&e),
            page(&state, &s, id, Some(e.message_zh())).await?,
        )
            .into_response()),
    }
}

#[derive(Clone, Default, Deserialize, Serialize)]
pub struct PublicQuery {
    q: Option<String>,
    item_code: Option<String>,
    from: Option<String>,
    until: Option<String>,
    #[serde(skip_serializing)]
    after: Option<i64>,
}

/// The public list: no sign-in, only redacted text.
pub async fn public_list(
    State(state): State<AppState>,
    Query(q): Query<PublicQuery>,
) -> Result<Response, PageError> {
    let filter = PublicFilter {
        q: q.q.clone(),
        item_code: q.item_code.clone(),
        from: q.from.clone(),
        until: q.until.clone(),
    };
    let page = disclosure::public_list(&state.store, &filter, Keyset::new(q.after, None)).await?;
    let rows = page
        .items
        .iter()
        .map(|d| {
            vec![
                cell_link(&d.decision_number, format!("/public/decisions/{}", d.id)),
                cell(&d.party_name),
                cell(&d.department_name),
                cell(&d.item_code),
                cell(&d.decided_on),
                cell(if d.state == "withdrawn" {
                    "已撤回"
                } else {
                    "已公开"
                }),
            ]
        })
        .collect::<Vec<_>>();
    let qs = serde_urlencoded::to_string(&q).unwrap_or_default();
    Ok(ListPage {
        prev: None,
        layout: Layout::anonymous(String::new()),
        title: "行政处罚决定公开".into(),
        intro: "依法公开的行政处罚决定。公开文本已去除自然人的个人信息。".into(),
        actions: Vec::new(),
        filters: vec![
            Field::text("q", "当事人或文号", q.q.clone().unwrap_or_default(), 64),
            Field::text(
                "item_code",
                "执法事项编码",
                q.item_code.clone().unwrap_or_default(),
                64,
            ),
            Field::date("from", "决定日期自", q.from.clone().unwrap_or_default()),
            Field::date("until", "至", q.until.clone().unwrap_or_default()),
        ],
        error: None,
        count_text: format!("本页 {} 件", rows.len()),
        hidden: Vec::new(),
        headers: plain(&["文号", "当事人", "作出机关", "事项", "决定日期", "状态"]),
        rows,
        next: page
            .next
            .map(|n| format!("/public/decisions?{qs}&after={n}")),
    }
    .into_response())
}

pub async fn public_show(
    State(state): State<AppState>,
    Path(id): Path<i64>,
) -> Result<Response, PageError> {
    let d = disclosure::public_get(&state.store, id).await?;
    let mut paragraphs: Vec<String> = d.redacted_text.lines().map(str::to_string).collect();
    if let Some(r) = &d.withdrawal_reason {
        paragraphs.insert(
            0,
            format!(
                "本决定已于 {} 撤回。撤回理由：{r}",
                d.withdrawn_on.clone().unwrap_or_default()
            ),
        );
    }
    Ok(MessagePage {
        layout: Layout::anonymous(String::new()),
        title: d.decision_number.clone(),
        paragraphs,
        secret: None,
        links: vec![link("/public/decisions", "返回公开列表")],
    }
    .into_response())
}

async fn limits_page(
    state: &AppState,
    s: &Signed,
    error: Option<String>,
) -> Result<FormPage, PageError> {
    let today = fazhi_core::deadlines::china_today();
    let limits = disclosure::publication_limits(&state.store, today).await?;
    let mut page = FormPage::new(
        layout(s),
        "处罚决定公开期限",
        "/enforcement/publication-limits",
    );
    page.intro = format!(
        "作出行政处罚决定后应在各部门的期限内公开（国办发〔2018〕118号，默认 {} 个工作日；市场监管等可设 20 个工作日），以及各部门公开哪些决定：仅给予警告的决定默认不公开（《市场监督管理行政处罚信息公示规定》第二条），不予处罚的决定不公开。新规则自生效日起适用于此后作出的决定，原规则仍适用于此前的决定。",
        disclosure::DEFAULT_PUBLICATION_DAYS
    );
    page.details = limits
        .iter()
        .map(|(_, name, rule)| {
            (
                name.clone(),
                format!(
                    "{} 个工作日；仅警告的决定{}（{today} 适用）",
                    rule.days,
                    if rule.warnings { "公开" } else { "不公开" }
                ),
            )
        })
        .collect();
    page.error = error;
    page.fields = vec![
        Field::select(
            "department_id",
            "部门",
            limits
                .iter()
                .map(|(id, name, _)| (id.to_string(), name.clone()))
                .collect(),
            "",
        ),
        Field::text("days", "公开期限（工作日）", "", 2).required(),
        Field::checkboxes(
            "publish_warnings",
            "公开范围",
            vec![("1".into(), "也公开仅给予警告的决定".into())],
            &[],
        ),
        Field::date("from", "生效日期", ""),
    ];
    Ok(page)
}

pub async fn limits(State(state): State<AppState>, s: Signed) -> Result<Response, PageError> {
    Ok(limits_page(&state, &s, None).await?.into_response())
}

pub async fn set_limit(
    State(state): State<AppState>,
    s: Signed,
    f: FormData,
) -> Result<Response, PageError> {
    require(&s, Permission::CatalogManage)?;
    let parsed = (|| {
        let dept = f
            .get("department_id")
            .trim()
            .parse::<i64>()
            .map_err(|_| Error::invalid("department_id", "请选择部门。"))?;
        let days = f
            .get("days")
            .trim()
            .parse::<i64>()
            .map_err(|_| Error::invalid("days", "公开期限应为整数个工作日。"))?;
        let from = fazhi_kernel::date::parse(f.get("from"))
            .ok_or_else(|| Error::invalid("from", "请填写生效日期（YYYY-MM-DD）。"))?;
        Ok::<_, Error>((dept, days, from))
    })();
    let result = match parsed {
        Ok((dept, days, from)) => {
            let warnings = f.get("publish_warnings") == "1";
            disclosure::set_publication_days(&state.store, &s.actor, dept, days, warnings, from)
                .await
        }
        Err(e) => Err(e),
    };
    match result {
        Ok(()) => Ok(Redirect::to("/enforcement/publication-limits").into_response()),
        Err(Error::Store(e)) => Err(PageError(Error::Store(e))),
        Err(e) => Ok((
            status_of(&e),
            limits_page(&state, &s, Some(e.message_zh())).await?,
        )
            .into_response()),
    }
}
