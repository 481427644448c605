//! Enforcement documents (执法文书): templates filled from a case and produced as .docx laid out
//! the way official documents are (GB/T 9704-2012: A4, margins 37/35/28/26 mm, titles in 2号
//! 方正小标宋简体, body in 3号仿宋_GB2312 on a 28.95 pt line, first lines indented two characters).
//!
//! A template is text with a few line markers, filled by minijinja:
//! `# ` and `## ` centred title lines, `>> ` right-aligned lines (numbers, signature, date),
//! `- ` lines without indent, any other line a body paragraph.
//!
//! Long because of its tests (a third of the file: the template language's limits, each found
//! from outside, and every shipped template rendered).

use std::io::Cursor;

use docx_rs::{
    AlignmentType, Docx, LineSpacing, LineSpacingType, PageMargin, Paragraph, Run, RunFonts,
    SpecialIndentType,
};
use fazhi_store::{Row, Store, expect_one_row, now_ms};
use serde::Serialize;
use serde_json::{Value, json};

use crate::access::{Actor, Permission};
use crate::{Error, Result};

/// The templates fazhi ships: (code, name, body).
pub const BUILTIN: &[(&str, &str, &str)] = &[
    (
        "filing_approval",
        "立案审批表",
        include_str!("templates/filing_approval.txt"),
    ),
    (
        "rectification_order",
        "责令改正通知书",
        include_str!("templates/rectification_order.txt"),
    ),
    (
        "prior_notice",
        "行政处罚事先告知书",
        include_str!("templates/prior_notice.txt"),
    ),
    (
        "penalty_decision",
        "行政处罚决定书",
        include_str!("templates/penalty_decision.txt"),
    ),
    (
        "no_penalty_decision",
        "不予行政处罚决定书",
        include_str!("templates/no_penalty_decision.txt"),
    ),
    (
        "delivery_receipt",
        "送达回证",
        include_str!("templates/delivery_receipt.txt"),
    ),
    (
        "closure_approval",
        "结案审批表",
        include_str!("templates/closure_approval.txt"),
    ),
    (
        "investigation_report",
        "案件调查终结报告",
        include_str!("templates/investigation_report.txt"),
    ),
    (
        "statement_record",
        "陈述申辩笔录",
        include_str!("templates/statement_record.txt"),
    ),
    (
        "hearing_notice",
        "听证通知书",
        include_str!("templates/hearing_notice.txt"),
    ),
    (
        "hearing_record",
        "听证笔录",
        include_str!("templates/hearing_record.txt"),
    ),
    (
        "hearing_report",
        "听证报告",
        include_str!("templates/hearing_report.txt"),
    ),
    (
        "summary_decision",
        "当场行政处罚决定书",
        include_str!("templates/summary_decision.txt"),
    ),
    (
        "payment_notice",
        "缴款通知书",
        include_str!("templates/payment_notice.txt"),
    ),
    (
        "demand_notice",
        "催告书",
        include_str!("templates/demand_notice.txt"),
    ),
];

/// What a case's record holds that decides which documents it has a use for now.
#[derive(Clone, Debug, Default)]
pub struct Progress {
    pub investigated: bool,
    pub rectified: bool,
    pub noticed: bool,
    pub stated: bool,
    pub hearing_noticed: bool,
    pub heard: bool,
    pub decision: Option<crate::enforcement::case::Decision>,
    pub summary_procedure: bool,
    pub delivered: bool,
    /// A fine not paid by its due date (the 催告 of 行政强制法 art. 35, 54).
    pub overdue: bool,
    pub closed: bool,
}

/// Whether template `code` has a use on a case that got this far: each document is offered
/// from the step that makes it (a 听证通知书 once a hearing is requested and noticed …), not
/// every template at every stage. Templates an administrator added are always offered.
pub fn offered(code: &str, p: &Progress) -> bool {
    use crate::enforcement::case::Decision;
    let fined = p.decision == Some(Decision::Fine);
    match code {
        "filing_approval" => true,
        "rectification_order" => p.rectified,
        "investigation_report" => p.investigated,
        "prior_notice" => p.noticed,
        "statement_record" => p.stated,
        "hearing_notice" => p.hearing_noticed,
        "hearing_record" | "hearing_report" => p.heard,
        "penalty_decision" => {
            !p.summary_procedure && matches!(p.decision, Some(Decision::Fine | Decision::Warning))
        }
        "summary_decision" => p.summary_procedure && p.decision.is_some(),
        "no_penalty_decision" => p.decision == Some(Decision::NoPenalty),
        "delivery_receipt" => p.decision.is_some(),
        "payment_notice" => fined,
        "demand_notice" => fined && p.delivered && p.overdue,
        "closure_approval" => p.closed,
        _ => true,
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Block {
    Title(String),
    Right(String),
    Plain(String),
    Paragraph(String),
}

/// Fills `body` with `ctx` and splits it into blocks. Unknown variables are an error, so a
/// template never prints a blank where a fact should be.
/// How much work a template may do (minijinja's instructions): the built-in documents need a
/// few thousand; an administrator's loop over a large range stops here instead of holding a
/// worker.
pub const TEMPLATE_FUEL: u64 = 200_000;
/// How much text a filled template may produce: a decision is a few kilobytes.
pub const TEMPLATE_OUTPUT: usize = 256 * 1024;

/// A writer that refuses to grow past `TEMPLATE_OUTPUT`.
struct Bounded(Vec<u8>);

impl std::io::Write for Bounded {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        if self.0.len() + buf.len() > TEMPLATE_OUTPUT {
            return Err(std::io::Error::other("output limit"));
        }
        self.0.extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// The statements a template may use.
const STATEMENTS: [&str; 6] = ["if", "elif", "else", "endif", "for", "endfor"];
/// The filters a template may use: none of them makes a large value from a small one.
const FILTERS: [&str; 10] = [
    "join", "default", "length", "upper", "lower", "trim", "first", "last", "round", "string",
];

/// Templates are a small language on purpose: names from the case, `if` and `for`, comparisons
/// and a few filters. Fuel bounds the steps and `TEMPLATE_OUTPUT` the text, but one step can
/// build a huge value (`'x' * 100000000`, `replace`, `~` in a loop — 3.5 GB from a short
/// template, found from outside): arithmetic and concatenation operators, `set`, macros, calls
/// other than the filters above are refused before anything runs.
fn check_language(body: &str) -> Result<()> {
    let refuse = |what: &str, tag: &str| {
        Err(Error::invalid(
            "body",
            format!(
                "模板只能使用案件中的变量、if/for 判断和循环，以及过滤器 {}；不能使用{what}（“{}”）。",
                FILTERS.join("、"),
                tag.chars().take(60).collect::<String>()
            ),
        ))
    };
    for (kind, tag, code) in tags(body) {
        if kind == '#' {
            continue;
        }
        if code.contains(['*', '+', '-', '/', '%', '~', '\\']) {
            return refuse("运算符", &tag);
        }
        if kind == '%' {
            let keyword = code.split_whitespace().next().unwrap_or("");
            if !STATEMENTS.contains(&keyword) {
                return refuse(&format!("“{keyword}”语句"), &tag);
            }
        }
        // Every call is one of the filters, written after `|`.
        let chars: Vec<char> = code.chars().collect();
        for (i, c) in chars.iter().enumerate() {
            if *c != '(' {
                continue;
            }
            let name: String = chars[..i]
                .iter()
                .rev()
                .skip_while(|c| c.is_whitespace())
                .take_while(|c| c.is_alphanumeric() || **c == '_')
                .collect::<Vec<_>>()
                .into_iter()
                .rev()
                .collect();
            let before = chars[..i]
                .iter()
                .rev()
                .skip_while(|c| c.is_whitespace())
                .skip(name.chars().count())
                .find(|c| !c.is_whitespace());
            if before != Some(&'|') || !FILTERS.contains(&name.as_str()) {
                return refuse("函数调用", &tag);
            }
        }
        for filter in code.split('|').skip(1) {
            let name: String = filter
                .trim_start()
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .collect();
            if !FILTERS.contains(&name.as_str()) {
                return refuse(&format!("过滤器“{name}”"), &tag);
            }
        }
    }
    Ok(())
}

/// The template's tags as minijinja reads them: kind (`{`, `%`, `#`), the tag's text, and its
/// code with every string literal (escapes included) replaced by `S` — a tag ends only at a
/// closing delimiter outside a string, so `'}}'` or `'\''` cannot hide what follows.
fn tags(body: &str) -> Vec<(char, String, String)> {
    let chars: Vec<char> = body.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i + 1 < chars.len() {
        let kind = chars[i + 1];
        if chars[i] != '{' || !matches!(kind, '{' | '%' | '#') {
            i += 1;
            continue;
        }
        let close = if kind == '{' { '}' } else { kind };
        let (mut tag, mut code) = (String::new(), String::new());
        let mut quote: Option<char> = None;
        let mut j = i + 2;
        while j < chars.len() {
            let c = chars[j];
            if let Some(q) = quote {
                tag.push(c);
                if c == '\\' {
                    if let Some(next) = chars.get(j + 1) {
                        tag.push(*next);
                    }
                    j += 2;
                    continue;
                }
                if c == q {
                    quote = None;
                }
                j += 1;
                continue;
            }
            if kind != '#' && (c == '"' || c == '\'') {
                quote = Some(c);
                tag.push(c);
                code.push('S');
                j += 1;
                continue;
            }
            if c == close && chars.get(j + 1) == Some(&'}') {
                break;
            }
            tag.push(c);
            code.push(c);
            j += 1;
        }
        // Whitespace control (`{%-`, `-%}`, `{{+`) is not an operator.
        let code = code
            .trim_matches(|c: char| c == '-' || c == '+' || c.is_whitespace())
            .to_string();
        out.push((kind, tag, code));
        i = j + 2;
    }
    out
}

/// `join` as templates may use it: items of a list joined, nothing else — minijinja's own
/// iterates a string's characters, so `'a…' | join('b…') | join(…)` multiplied a short template
/// into a gigabyte.
fn join(value: &Value, separator: Option<&str>) -> std::result::Result<String, minijinja::Error> {
    let not_a_list =
        || minijinja::Error::new(minijinja::ErrorKind::InvalidOperation, "join 只能用于列表");
    let items: Vec<String> = match value {
        Value::Array(items) => items
            .iter()
            .map(|v| match v {
                Value::String(s) => s.clone(),
                other => other.to_string(),
            })
            .collect(),
        _ => return Err(not_a_list()),
    };
    let joined = items.join(separator.unwrap_or(""));
    if joined.len() > TEMPLATE_OUTPUT {
        return Err(minijinja::Error::new(
            minijinja::ErrorKind::WriteFailure,
            "output limit",
        ));
    }
    Ok(joined)
}

pub fn render(body: &str, ctx: &Value) -> Result<Vec<Block>> {
    check_language(body)?;
    let mut env = minijinja::Environment::new();
    env.set_undefined_behavior(minijinja::UndefinedBehavior::Strict);
    env.set_fuel(Some(TEMPLATE_FUEL));
    env.add_filter(
        "join",
        |value: minijinja::Value, separator: Option<String>| {
            let value: Value = serde_json::to_value(&value).map_err(|_| {
                minijinja::Error::new(minijinja::ErrorKind::InvalidOperation, "join 只能用于列表")
            })?;
            join(&value, separator.as_deref())
        },
    );
    env.add_template("doc", body)
        .map_err(|e| Error::invalid("body", format!("模板语法错误：{e}")))?;
    let mut out = Bounded(Vec::new());
    env.get_template("doc")
        .and_then(|t| t.render_captured_to(ctx, &mut out).map(|_| ()))
        .map_err(|e| match e.kind() {
            minijinja::ErrorKind::OutOfFuel => Error::invalid(
                "body",
                "模板运行步骤超出上限（可能是循环次数过多），请简化模板。",
            ),
            minijinja::ErrorKind::WriteFailure => Error::invalid(
                "body",
                format!(
                    "模板生成的文字超过 {} KB，请简化模板。",
                    TEMPLATE_OUTPUT / 1024
                ),
            ),
            _ => Error::invalid("body", format!("模板无法填充：{e}")),
        })?;
    Ok(blocks(&String::from_utf8_lossy(&out.0)))
}

/// Text split into blocks: `# ` a title, `>> ` right-aligned, `- ` a plain line, anything else
/// an indented paragraph; blank lines dropped.
pub fn blocks(text: &str) -> Vec<Block> {
    text.lines()
        .map(str::trim_end)
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            if let Some(t) = l.strip_prefix("## ").or_else(|| l.strip_prefix("# ")) {
                Block::Title(t.trim().to_string())
            } else if let Some(t) = l.strip_prefix(">> ") {
                Block::Right(t.trim().to_string())
            } else if let Some(t) = l.strip_prefix("- ") {
                Block::Plain(t.trim().to_string())
            } else {
                Block::Paragraph(l.trim().to_string())
            }
        })
        .collect()
}

/// Millimetres to twentieths of a point.
fn twips(mm: f64) -> i32 {
    (mm / 25.4 * 1440.0).round() as i32
}

const TITLE_FONT: &str = "方正小标宋简体";
const BODY_FONT: &str = "仿宋_GB2312";
/// 2号 = 22 pt, 3号 = 16 pt; docx sizes are in half-points.
const TITLE_SIZE: usize = 44;
const BODY_SIZE: usize = 32;
/// 22 lines on the 225 mm type area: 28.95 pt, in twentieths of a point.
const LINE: i32 = 579;

fn run(text: &str, font: &str, size: usize) -> Run {
    // XML 1.0 has no place for control characters (text pasted from a word processor can carry
    // them): they are dropped, or the file would not open.
    let text: String = text
        .chars()
        .filter(|c| !c.is_control() || matches!(c, '\t' | '\n'))
        .collect();
    Run::new()
        .add_text(&text)
        .size(size)
        .fonts(RunFonts::new().east_asia(font).ascii(font).hi_ansi(font))
}

/// The blocks as a .docx file.
pub fn docx(blocks: &[Block]) -> Result<Vec<u8>> {
    let spacing = || {
        LineSpacing::new()
            .line(LINE)
            .line_rule(LineSpacingType::Exact)
    };
    let mut doc = Docx::new().page_size(11_906, 16_838).page_margin(
        PageMargin::new()
            .top(twips(37.0))
            .bottom(twips(35.0))
            .left(twips(28.0))
            .right(twips(26.0)),
    );
    for b in blocks {
        let p = match b {
            Block::Title(t) => Paragraph::new()
                .add_run(run(t, TITLE_FONT, TITLE_SIZE))
                .align(AlignmentType::Center),
            Block::Right(t) => Paragraph::new()
                .add_run(run(t, BODY_FONT, BODY_SIZE))
                .align(AlignmentType::Right),
            Block::Plain(t) => Paragraph::new().add_run(run(t, BODY_FONT, BODY_SIZE)),
            // Two characters of 16 pt: 640 twips.
            Block::Paragraph(t) => Paragraph::new()
                .add_run(run(t, BODY_FONT, BODY_SIZE))
                .indent(None, Some(SpecialIndentType::FirstLine(640)), None, None),
        };
        doc = doc.add_paragraph(p.line_spacing(spacing()));
    }
    let mut out = Cursor::new(Vec::new());
    doc.pack(&mut out)
        .map_err(|e| Error::invalid("docx", e.to_string()))?;
    Ok(out.into_inner())
}

/// A complete example case, used to check a template when it is saved and for previews.
pub fn sample_context() -> Value {
    json!({
        "department": "诸暨市市场监督管理局",
        "issuer": "诸市监",
        "year": 2024,
        "case_number": "诸市监罚〔2024〕17号",
        "file_number": "2024-17",
        "rectification_seq": 8,
        "notice_seq": 15,
        "rectification_number": "诸市监责改〔2024〕8号",
        "notice_number": "诸市监罚告〔2024〕15号",
        "cause": "销售不符合保障人体健康和人身、财产安全的国家标准的产品案",
        "source": "投诉举报",
        "summary": "接举报，当事人经营场所内销售的儿童袜经抽检不合格。",
        "party": {
            "kind": "organisation",
            "name": "诸暨市某某针织有限公司",
            "uscc": "91330100799655058B",
            "legal_representative": "张某",
            "resident_id": "",
            "address": "诸暨市大唐街道某某路8号",
            "mobile": ""
        },
        "facts": "于2024年1月至2月间销售经检验不符合国家标准的儿童袜1200双，货值金额人民币6000元，违法所得人民币1500元",
        "evidence": ["现场检查笔录", "询问笔录", "检验报告", "进货单据"],
        "item": {
            "code": "330217001000",
            "name": "销售不符合保障人体健康和人身、财产安全的国家标准、行业标准的产品",
            "law": "《中华人民共和国产品质量法》",
            "article": "第十三条",
            "penalty_basis": "《中华人民共和国产品质量法》第四十九条"
        },
        "hearing_right": true,
        "defence": "当事人在法定期限内未提出陈述、申辩，也未要求听证。",
        "discretion": "当事人主动消除违法行为危害后果，依据本机关行政处罚裁量基准，予以从轻处罚。",
        "no_penalty_reason": "违法行为轻微并及时改正，没有造成危害后果",
        "penalty": {
            "fine": true,
            "description": "一、没收违法所得人民币1500元；二、罚款人民币6000元（大写：陆仟元整）"
        },
        "proposed": { "description": "罚款人民币6,000.00元（大写：陆仟元整）" },
        "payment": { "bank": "中国农业银行诸暨市支行", "account": "19-525101040001234" },
        "reconsideration_body": "诸暨市人民政府",
        "court": "诸暨市人民法院",
        "contact": { "name": "王某", "phone": "0575-87000000", "address": "诸暨市暨阳街道某某路1号" },
        "handlers": ["王某", "李某"],
        "approver": "赵某",
        "delivery": { "document": "行政处罚决定书", "place": "当事人住所", "method": "直接送达" },
        "execution": "当事人已于2024年4月2日缴清罚没款。",
        "dates": {
            "proposed": "2024年3月4日", "filed": "2024年3月5日", "rectification": "2024年3月6日",
            "rectify_by": "2024年3月20日", "notice": "2024年3月18日", "decided": "2024年3月28日",
            "closed": "2024年4月8日", "stated": "2024年3月20日", "hearing_notice": "2024年3月20日",
            "hearing": "2024年4月1日", "hearing_held": "2024年4月1日", "delivered": "2024年3月29日",
            "today": "2024年4月20日"
        }
    })
}

#[derive(Clone, Debug, Serialize)]
pub struct DocumentTemplate {
    pub code: String,
    pub name: String,
    pub body: String,
    pub version: i64,
    pub updated_by: Option<String>,
}

/// Inserts the shipped templates that are missing and brings the ones nobody edited to the
/// shipped text (a corrected template reaches existing installations). Runs at every start;
/// edited ones are kept.
pub async fn ensure_builtin(store: &Store) -> Result<()> {
    for (code, name, body) in BUILTIN {
        sqlx::query(
            "INSERT INTO document_templates (code, name, body, updated_at) VALUES ($1, $2, $3, $4)
             ON CONFLICT (code) DO UPDATE SET body = excluded.body, name = excluded.name
             WHERE document_templates.updated_by IS NULL AND document_templates.body <> excluded.body",
        )
        .bind(*code)
        .bind(*name)
        .bind(*body)
        .bind(now_ms())
        .execute(store.pool())
        .await?;
    }
    Ok(())
}

fn template(row: &fazhi_store::DbRow) -> Result<DocumentTemplate> {
    Ok(DocumentTemplate {
        code: row.try_get("code")?,
        name: row.try_get("name")?,
        body: row.try_get("body")?,
        version: row.try_get("version")?,
        updated_by: row.try_get("updated_by")?,
    })
}

/// Who reads the templates: those who handle or read cases and those who maintain them.
const TEMPLATE_READERS: [Permission; 3] = [
    Permission::CatalogManage,
    Permission::CaseHandle,
    Permission::CaseRead,
];

pub async fn templates(store: &Store, actor: &Actor) -> Result<Vec<DocumentTemplate>> {
    actor.require_any(&TEMPLATE_READERS)?;
    let rows = sqlx::query(
        "SELECT code, name, body, version, updated_by FROM document_templates ORDER BY code",
    )
    .fetch_all(store.pool())
    .await?;
    rows.iter().map(template).collect()
}

pub async fn get(store: &Store, code: &str) -> Result<DocumentTemplate> {
    let row = sqlx::query(
        "SELECT code, name, body, version, updated_by FROM document_templates WHERE code = $1",
    )
    .bind(code)
    .fetch_optional(store.pool())
    .await?
    .ok_or(Error::NotFound)?;
    template(&row)
}

/// A template filled with the example case, as a .docx.
pub async fn sample(store: &Store, actor: &Actor, code: &str) -> Result<Vec<u8>> {
    actor.require_any(&TEMPLATE_READERS)?;
    let t = get(store, code).await?;
    docx(&render(&t.body, &sample_context())?)
}

/// Saves an edited template after checking it fills and renders with the example case.
pub async fn update(
    store: &Store,
    actor: &Actor,
    code: &str,
    version: i64,
    body: &str,
) -> Result<()> {
    actor.require(Permission::CatalogManage)?;
    if body.chars().count() > 20_000 {
        return Err(Error::invalid("body", "模板不能超过 20000 字。"));
    }
    docx(&render(body, &sample_context())?)?;
    let before = get(store, code).await?;
    let mut tx = store.begin().await?;
    let rows = sqlx::query(
        "UPDATE document_templates SET body = $1, version = version + 1, updated_by = $2, updated_at = $3
         WHERE code = $4 AND version = $5",
    )
    .bind(body)
    .bind(&actor.name)
    .bind(now_ms())
    .bind(code)
    .bind(version)
    .execute(tx.conn())
    .await?
    .rows_affected();
    expect_one_row(rows, "document_template", 0)?;
    crate::audit::record(
        &mut tx,
        actor,
        "update",
        "document_template",
        Some(code.to_string()),
        json!({ "before": before.body, "after": body }),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_shipped_template_fills_from_the_example_case() {
        assert!(BUILTIN.len() >= 7);
        for (code, name, body) in BUILTIN {
            let blocks =
                render(body, &sample_context()).unwrap_or_else(|e| panic!("{code}: {e:?}"));
            assert!(
                blocks.contains(&Block::Title((*name).to_string())),
                "{code} has no title {name}"
            );
            let bytes = docx(&blocks).unwrap();
            assert_eq!(&bytes[..2], b"PK", "{code} is not a zip");
        }
        let decision = render(BUILTIN[3].2, &sample_context()).unwrap();
        assert!(decision.contains(&Block::Right("诸市监罚〔2024〕17号".into())));
        assert!(decision.iter().any(|b| matches!(b, Block::Paragraph(t) if t.contains("六十日内向诸暨市人民政府申请行政复议"))));
    }

    #[test]
    fn a_template_that_loops_or_writes_without_end_is_stopped() {
        // Loops nested over the case's own lists: 4⁹ steps run out of fuel; 4⁴ × 3 KB of
        // text runs past the output limit.
        let nest = |depth: usize, inner: &str| {
            let names: Vec<String> = (0..depth).map(|n| format!("e{n}")).collect();
            let open: String = names
                .iter()
                .map(|n| format!("{{% for {n} in evidence %}}"))
                .collect();
            let close = "{% endfor %}".repeat(depth);
            format!("{open}{inner}{close}")
        };
        let e = render(&nest(9, "{% if e0 == e1 %}{% endif %}"), &sample_context()).unwrap_err();
        assert!(e.message_zh().contains("运行步骤超出上限"), "{e:?}");
        let e = render(&nest(4, &"甲".repeat(1_000)), &sample_context()).unwrap_err();
        assert!(e.message_zh().contains("超过 256 KB"), "{e:?}");
        // The built-in ones need a small part of the fuel.
        for (code, _, body) in BUILTIN {
            let mut env = minijinja::Environment::new();
            env.set_fuel(Some(TEMPLATE_FUEL / 10));
            env.add_template("doc", body).unwrap();
            let filled = env.get_template("doc").unwrap().render(sample_context());
            assert!(filled.is_ok(), "{code}: {filled:?}");
        }
    }

    #[test]
    fn only_the_small_template_language_runs() {
        // Found from outside: a short template built a 3.5 GB string in one step.
        for body in [
            "{% set a = 'x' * 100000000 %}{{ a|length }}",
            "{{ 'x' * 100000000 }}",
            "{{ cause ~ cause }}",
            "{{ (cause|replace('a', 'aaaaaaaaaa'))|length }}",
            "{{ range(10) }}",
            "{% for i in range(1000000) %}x{% endfor %}",
            "{% macro m() %}x{% endmacro %}",
            "{% include 'x' %}",
            "{{ cause|center(100000000) }}",
            "{{ cause + cause }}",
            // Found from outside on the second pass: an escaped quote, a closing delimiter in a
            // string, `join` over a string.
            "{% for x in ['\\'' ~ 'a' * 100000000] %}{% endfor %}",
            "{{ '}}' ~ 'x' * 10 }}",
        ] {
            let e = render(body, &sample_context()).unwrap_err();
            assert!(e.message_zh().contains("模板只能使用"), "{body}: {e:?}");
        }
        // `join` joins lists only (over a string it multiplied the text).
        let e = render(
            "{{ 'aaaa' | join('bbbbbbbbbbbb') | join('cccccccccc') | length }}",
            &sample_context(),
        )
        .unwrap_err();
        assert!(e.message_zh().contains("join 只能用于列表"), "{e:?}");
        // What the built-in templates use still runs, strings holding operators included.
        let ok = "{% if party.kind == \"organisation\" %}{{ evidence | join(\"、\") }}{% else %}{{ party.name|default(\"a*b~c\") }}{% endif %}{# a * comment #}";
        assert!(render(ok, &sample_context()).is_ok());
    }

    #[test]
    fn a_missing_fact_or_bad_syntax_is_refused() {
        assert!(
            render("{{ nonexistent }}", &sample_context())
                .unwrap_err()
                .message_zh()
                .contains("无法填充")
        );
        assert!(
            render("{% if %}", &sample_context())
                .unwrap_err()
                .message_zh()
                .contains("语法错误")
        );
    }
}

/// What a department's decisions name besides the case (its 罚款缴纳 bank and account, its
/// reconsideration body and court); unset fields print as `cases::TO_FILL`.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct DocumentSettings {
    pub payment_bank: Option<String>,
    pub payment_account: Option<String>,
    pub reconsideration_body: Option<String>,
    pub court: Option<String>,
    /// Where the party states and defends itself (事先告知书): the department's telephone and
    /// address.
    pub contact_phone: Option<String>,
    pub contact_address: Option<String>,
}

/// The settings of department `department_id` (all unset when never saved).
pub async fn settings(store: &Store, department_id: i64) -> Result<DocumentSettings> {
    let row = sqlx::query(
        "SELECT payment_bank, payment_account, reconsideration_body, court, contact_phone, contact_address FROM document_settings WHERE department_id = $1",
    )
    .bind(department_id)
    .fetch_optional(store.pool())
    .await?;
    Ok(match row {
        None => DocumentSettings::default(),
        Some(r) => DocumentSettings {
            payment_bank: r.try_get("payment_bank")?,
            payment_account: r.try_get("payment_account")?,
            reconsideration_body: r.try_get("reconsideration_body")?,
            court: r.try_get("court")?,
            contact_phone: r.try_get("contact_phone")?,
            contact_address: r.try_get("contact_address")?,
        },
    })
}

/// Saves department `department_id`'s settings (blank fields unset), audited.
pub async fn set_settings(
    store: &Store,
    actor: &Actor,
    department_id: i64,
    input: &DocumentSettings,
) -> Result<()> {
    actor.require(Permission::CatalogManage)?;
    let field = |name: &'static str, label: &str, v: &Option<String>, max: usize| {
        crate::org::rules::optional_text(name, label, v.as_deref(), max)
    };
    let clean = DocumentSettings {
        payment_bank: field("payment_bank", "缴款银行", &input.payment_bank, 100)?,
        payment_account: field("payment_account", "缴款账号", &input.payment_account, 40)?,
        reconsideration_body: field(
            "reconsideration_body",
            "行政复议机关",
            &input.reconsideration_body,
            100,
        )?,
        court: field("court", "管辖法院", &input.court, 100)?,
        contact_phone: field("contact_phone", "联系电话", &input.contact_phone, 30)?,
        contact_address: field("contact_address", "联系地址", &input.contact_address, 200)?,
    };
    if let Some(p) = &clean.contact_phone
        && !p
            .chars()
            .all(|c| c.is_ascii_digit() || matches!(c, ' ' | '-' | '(' | ')' | '（' | '）' | '、'))
    {
        return Err(Error::invalid(
            "contact_phone",
            "联系电话只应包含数字、空格、“-”和括号，例如 0575-87051234。",
        ));
    }
    if let Some(a) = &clean.payment_account
        && !a
            .chars()
            .all(|c| c.is_ascii_digit() || c == ' ' || c == '-')
    {
        return Err(Error::invalid(
            "payment_account",
            format!("缴款账号“{a}”只应包含数字、空格和连字符。"),
        ));
    }
    crate::org::service::department(store, actor, department_id)
        .await
        .map_err(Error::missing_as(
            "department_id",
            "部门不存在或不在您的权限范围内。",
        ))?;
    let mut tx = store.begin().await?;
    sqlx::query("DELETE FROM document_settings WHERE department_id = $1")
        .bind(department_id)
        .execute(tx.conn())
        .await?;
    sqlx::query(
        "INSERT INTO document_settings (department_id, payment_bank, payment_account, reconsideration_body, court, contact_phone, contact_address, updated_by, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
    )
    .bind(department_id)
    .bind(&clean.payment_bank)
    .bind(&clean.payment_account)
    .bind(&clean.reconsideration_body)
    .bind(&clean.court)
    .bind(&clean.contact_phone)
    .bind(&clean.contact_address)
    .bind(&actor.display_name)
    .bind(now_ms())
    .execute(tx.conn())
    .await?;
    crate::audit::record(
        &mut tx,
        actor,
        "update",
        "document_settings",
        Some(department_id.to_string()),
        json!(clean),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}
