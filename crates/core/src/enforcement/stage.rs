//! The stages of a penalty case (案件阶段) — one typed list, its codes as stored and its Chinese
//! labels. The database refuses any other code (migration 0042: a CHECK on PostgreSQL, triggers
//! on SQLite), so a stored stage always parses; one that does not is malformed data, not "未知".

use std::fmt;

use crate::{Error, Result};

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Stage {
    /// 已立案
    Filed,
    /// 调查取证
    Investigation,
    /// 法制审核 (reached by imported records whose review came before the prior notice; fazhi's
    /// own steps record the review at the prior-notice stage)
    LegalReview,
    /// 事先告知
    PriorNotice,
    /// 已决定
    Decided,
    /// 已送达
    Delivered,
    /// 已执行
    Executed,
    /// 已结案
    Closed,
    /// 已归档
    Archived,
}

impl Stage {
    /// In the order a case goes through them.
    pub const ALL: [Stage; 9] = [
        Stage::Filed,
        Stage::Investigation,
        Stage::LegalReview,
        Stage::PriorNotice,
        Stage::Decided,
        Stage::Delivered,
        Stage::Executed,
        Stage::Closed,
        Stage::Archived,
    ];

    /// The code stored in `cases.stage` and used in URLs and the API.
    pub fn code(self) -> &'static str {
        match self {
            Stage::Filed => "filed",
            Stage::Investigation => "investigation",
            Stage::LegalReview => "legal_review",
            Stage::PriorNotice => "prior_notice",
            Stage::Decided => "decided",
            Stage::Delivered => "delivered",
            Stage::Executed => "executed",
            Stage::Closed => "closed",
            Stage::Archived => "archived",
        }
    }

    pub fn label_zh(self) -> &'static str {
        match self {
            Stage::Filed => "已立案",
            Stage::Investigation => "调查取证",
            Stage::LegalReview => "法制审核",
            Stage::PriorNotice => "事先告知",
            Stage::Decided => "已决定",
            Stage::Delivered => "已送达",
            Stage::Executed => "已执行",
            Stage::Closed => "已结案",
            Stage::Archived => "已归档",
        }
    }

    pub fn parse(code: &str) -> Option<Stage> {
        Stage::ALL.into_iter().find(|s| s.code() == code)
    }

    /// A stage as stored: any other code is malformed data.
    pub fn stored(code: &str) -> Result<Stage> {
        Stage::parse(code).ok_or_else(|| {
            Error::from(fazhi_store::StoreError::Malformed(format!(
                "case stage {code:?}"
            )))
        })
    }

    /// The SQL list of every code, for the database's CHECK (kept equal by a test).
    pub fn sql_list() -> String {
        Stage::ALL
            .iter()
            .map(|s| format!("'{}'", s.code()))
            .collect::<Vec<_>>()
            .join(", ")
    }
}

impl fmt::Display for Stage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_stage_round_trips_and_the_database_check_lists_them_all() {
        for s in Stage::ALL {
            assert_eq!(Stage::parse(s.code()), Some(s));
            assert!(!s.label_zh().is_empty());
        }
        assert_eq!(Stage::parse("unknown"), None);
        assert!(Stage::stored("unknown").is_err());
        let migration =
            include_str!("../../../store/migrations/0042_case_stage_check.postgres.sql");
        assert!(migration.contains(&Stage::sql_list()), "{migration}");
        let sqlite = include_str!("../../../store/migrations/0042_case_stage_check.sqlite.sql");
        assert!(sqlite.contains(&Stage::sql_list()), "{sqlite}");
    }
}
