//! The enforcement catalog (执法事项目录): items with their legal basis and owning department,
//! in versions by effective date, on the four lists of the 2024 plan — the master list (every
//! item), the comprehensive and professional lists (which kind of body enforces it), and the
//! town lists (items delegated to a town, 赋权).

pub mod repo;
pub mod rules;
pub mod service;
pub mod xlsx;

use serde::Serialize;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ItemKind {
    Penalty,
    Coercion,
    Inspection,
    Levy,
    Other,
}

impl ItemKind {
    pub const ALL: [ItemKind; 5] = [
        ItemKind::Penalty,
        ItemKind::Coercion,
        ItemKind::Inspection,
        ItemKind::Levy,
        ItemKind::Other,
    ];

    pub fn code(self) -> &'static str {
        match self {
            ItemKind::Penalty => "penalty",
            ItemKind::Coercion => "coercion",
            ItemKind::Inspection => "inspection",
            ItemKind::Levy => "levy",
            ItemKind::Other => "other",
        }
    }

    pub fn label_zh(self) -> &'static str {
        match self {
            ItemKind::Penalty => "行政处罚",
            ItemKind::Coercion => "行政强制",
            ItemKind::Inspection => "行政检查",
            ItemKind::Levy => "行政征收",
            ItemKind::Other => "其他",
        }
    }

    pub fn parse(s: &str) -> Option<ItemKind> {
        let s = s.trim();
        ItemKind::ALL.into_iter().find(|k| {
            k.code() == s || k.label_zh() == s || k.label_zh().trim_start_matches("行政") == s
        })
    }
}

/// The four lists. An item sits on the master list and on exactly one of the comprehensive and
/// professional lists; a town's list is the items delegated to it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CatalogKind {
    Master,
    Comprehensive,
    Professional,
    Town,
}

impl CatalogKind {
    pub const ALL: [CatalogKind; 4] = [
        CatalogKind::Master,
        CatalogKind::Comprehensive,
        CatalogKind::Professional,
        CatalogKind::Town,
    ];

    pub fn code(self) -> &'static str {
        match self {
            CatalogKind::Master => "master",
            CatalogKind::Comprehensive => "comprehensive",
            CatalogKind::Professional => "professional",
            CatalogKind::Town => "town",
        }
    }

    pub fn label_zh(self) -> &'static str {
        match self {
            CatalogKind::Master => "执法目录总清单",
            CatalogKind::Comprehensive => "综合执法清单",
            CatalogKind::Professional => "专业执法清单",
            CatalogKind::Town => "乡镇执法清单",
        }
    }

    pub fn parse(s: &str) -> Option<CatalogKind> {
        let s = s.trim();
        CatalogKind::ALL.into_iter().find(|k| {
            k.code() == s || k.label_zh() == s || k.label_zh().trim_end_matches("清单") == s
        })
    }
}

/// One version of an item.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct EnforcementItem {
    pub id: i64,
    pub code: String,
    pub name: String,
    pub kind: ItemKind,
    /// `Comprehensive` or `Professional`.
    pub catalog: CatalogKind,
    pub law: String,
    pub article: String,
    pub basis_text: String,
    pub department_id: i64,
    pub department_name: String,
    /// ISO date the version takes effect.
    pub effective_from: String,
    pub repealed: bool,
}

/// A validated row to write: an item version.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ItemVersion {
    pub code: String,
    pub name: String,
    pub kind: ItemKind,
    pub catalog: CatalogKind,
    pub law: String,
    pub article: String,
    pub basis_text: String,
    pub department_id: i64,
    pub effective_from: chrono::NaiveDate,
    pub repealed: bool,
}

#[derive(Clone, Debug, Serialize)]
pub struct Delegation {
    pub id: i64,
    pub item_code: String,
    pub town_id: i64,
    pub town_name: String,
    pub effective_from: String,
    pub effective_until: Option<String>,
}

pub use crate::xlsx::{ImportReport, RowError};
