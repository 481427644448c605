//! The import format (docs/case-import.md): a case record, its parties and facts as they arrive, and the report an import answers with.

use serde::{Deserialize, Serialize};

/// The source system name fazhi gives its own cases; imports may not use it.
pub const OWN_SYSTEM: &str = "fazhi";

/// One case as another system reports it. Field names are the stable import format.
#[derive(Clone, Debug, Default, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct CaseRecord {
    pub source_system: String,
    pub source_id: String,
    #[serde(default = "general")]
    pub procedure: String,
    pub item_code: String,
    pub cause: String,
    /// The department's name as in fazhi's organisation (诸暨市市场监督管理局).
    pub department: String,
    /// The town's 9-digit statistical code; the department's own region when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub town: Option<String>,
    pub act_ended_on: String,
    pub discovered_on: String,
    pub filed_on: String,
    #[serde(default)]
    pub grave: bool,
    pub parties: Vec<PartyRecord>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub facts: Option<FactsRecord>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub legal_review_on: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub prior_notice_on: Option<String>,
    #[serde(default)]
    pub hearing_right: bool,
    #[serde(default)]
    pub waived: bool,
    #[serde(default)]
    pub hearing_requested: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hearing_held_on: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub decided_on: Option<String>,
    /// fine | warning | no_penalty
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub outcome: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub decision_number: Option<String>,
    #[serde(default)]
    pub fine_fen: i64,
    #[serde(default)]
    pub illegal_gains_fen: i64,
    #[serde(default)]
    pub confiscated_fen: i64,
    /// Why the decision departs from the benchmark, when it does.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deviation_reason: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub delivered_on: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub paid_on: Option<String>,
    #[serde(default)]
    pub paid_fen: i64,
    #[serde(default)]
    pub surcharge_fen: i64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub closed_on: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub archived_on: Option<String>,
    /// 案件来源: one of `cases::ORIGINS`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub origin: Option<String>,
    /// 简要案情, as the filing approval prints it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub summary: Option<String>,
}

pub(super) fn general() -> String {
    "general".into()
}

#[derive(Clone, Debug, Default, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct PartyRecord {
    /// person | organisation
    pub kind: String,
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resident_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub uscc: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub address: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub legal_representative: Option<String>,
}

pub use crate::enforcement::case::model::FactsRecord;

/// One rejected record: its line in the file (or row in the sheet) and why.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct LineError {
    pub line: usize,
    pub reason: String,
}

/// The stable result of an import (`fazhi import cases --json`, `POST /api/v1/cases/import`).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct IngestReport {
    pub inserted: usize,
    pub updated: usize,
    pub unchanged: usize,
    pub rejected: usize,
    /// The first `REPORTED_ERRORS` rejected lines with their reasons; `rejected` counts all.
    pub errors: Vec<LineError>,
}

/// How many rejected lines a report lists: a file of a million bad lines must not answer with
/// a million reasons (`rejected` still counts them all).
pub const REPORTED_ERRORS: usize = 1_000;

/// serde's messages, said in Chinese where they are the usual ones.
pub fn json_problem(e: &serde_json::Error) -> String {
    let m = e.to_string();
    let field = |prefix: &str| {
        m.strip_prefix(prefix)
            .and_then(|r| r.split('`').next())
            .map(str::to_string)
    };
    if let Some(f) = field("missing field `") {
        format!("缺少字段 {f}")
    } else if let Some(f) = field("unknown field `") {
        format!("未知字段 {f}（字段名见 docs/case-import.md）")
    } else if e.is_syntax() || e.is_eof() {
        format!("不是有效的 JSON（第 {} 列）", e.column())
    } else {
        format!("字段类型不对：{m}")
    }
}
