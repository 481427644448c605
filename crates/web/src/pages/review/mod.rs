//! Legality review: the assisted review of a draft (its articles, the clauses flagged, the
//! citations checked, similar documents, a first-round opinion).

pub mod advisers;
pub mod procedures;
pub mod requests;
pub mod statistics;

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use fazhi_core::review::assist::{self, CitationFinding};
use fazhi_core::review::{self, Assisted};
use fazhi_core::{Error, Permission};

use super::{layout, refused};
use crate::AppState;
use crate::error::PageError;
use crate::form::FormData;
use crate::session::Signed;
use crate::view::*;

#[derive(Template, WebTemplate)]
#[template(path = "assist.html")]
pub struct AssistPage {
    pub layout: Layout,
    pub title: String,
    pub intro: String,
    pub error: Option<String>,
    pub fields: Vec<Field>,
    pub result: Option<Assisted>,
    /// (title, finding in words, link to the register's document).
    pub citations: Vec<(String, String, Option<String>)>,
    pub source: &'static str,
}

fn finding(c: &CitationFinding) -> (String, Option<String>) {
    match c {
        CitationFinding::InForce => ("现行有效".into(), None),
        CitationFinding::NotYetInForce { since } => {
            (format!("草案日期尚未施行（{since} 起施行）"), None)
        }
        CitationFinding::Repealed { on } => (format!("已于 {on} 废止"), None),
        CitationFinding::Register {
            id,
            number,
            status,
            applies,
        } => (
            format!(
                "文件库 {number}，{status}{}",
                if *applies {
                    ""
                } else {
                    "，草案日期不在有效期内或已不适用"
                }
            ),
            Some(format!("/normative/documents/{id}")),
        ),
        CitationFinding::Unknown => (
            "未能核对（不在法律法规名录和文件库中），请人工核实".into(),
            None,
        ),
    }
}

fn page(s: &Signed, posted: Option<&FormData>) -> AssistPage {
    let pick = |name: &str, default: String| posted.map_or(default, |f| f.get(name).to_string());
    AssistPage {
        layout: layout(s),
        title: "合法性审查辅助".into(),
        intro: "粘贴文件草案全文：系统按条拆分，提示涉嫌设定行政处罚、行政许可、行政强制措施、收费，或者没有上位法依据减损权利、增加义务、限制竞争的条款，核对引用的法律法规和文件在草案日期是否有效，列出文件库中的相似文件，并起草审查意见初稿。".into(),
        error: None,
        fields: vec![
            Field::text("title", "草案标题", pick("title", String::new()), 200).required(),
            Field::date("day", "草案日期", pick("day", fazhi_core::deadlines::china_today().to_string())),
            Field::textarea("text", "草案全文", pick("text", String::new()))
                .required()
                .max(review::DRAFT_MAX)
                .hint("每条以“第×条”开头另起一行。"),
        ],
        result: None,
        citations: Vec::new(),
        source: assist::SOURCE,
    }
}

fn reviewer(s: &Signed) -> Result<(), PageError> {
    s.actor
        .require_any(&[Permission::NormativeManage, Permission::SupervisionManage])
        .map_err(PageError)
}

pub async fn assist_page(s: Signed) -> Result<Response, PageError> {
    reviewer(&s)?;
    Ok(page(&s, None).into_response())
}

pub async fn assist_check(
    State(state): State<AppState>,
    s: Signed,
    f: FormData,
) -> Result<Response, PageError> {
    reviewer(&s)?;
    let mut p = page(&s, Some(&f));
    let day = match f.get("day").trim() {
        "" => Ok(fazhi_core::deadlines::china_today()),
        d => fazhi_kernel::date::parse(d)
            .ok_or_else(|| Error::invalid("day", format!("草案日期“{d}”应为 YYYY-MM-DD。"))),
    };
    let result = match day {
        Ok(day) => {
            review::check_draft(
                &state.store,
                &state.library,
                &s.actor,
                f.get("title"),
                f.get("text"),
                day,
            )
            .await
        }
        Err(e) => Err(e),
    };
    match result {
        Ok(r) => {
            p.citations = r
                .citations
                .iter()
                .map(|c| {
                    let (text, href) = finding(&c.finding);
                    (c.title.clone(), text, href)
                })
                .collect();
            p.result = Some(r);
            Ok(p.into_response())
        }
        Err(e) => {
            mark(&mut p.fields, &e.refused_fields());
            let (status, message) = refused(e)?;
            p.error = Some(message);
            Ok((status, p).into_response())
        }
    }
}
