//! Identifiers: parsing gives a typed value, or an error naming the rule that failed.

pub mod contact;
pub mod division;
pub mod resident_id;
pub mod uscc;

use thiserror::Error;

pub use contact::{BankCard, Mobile};
pub use resident_id::ResidentId;
pub use uscc::Uscc;

#[derive(Clone, Debug, Error, PartialEq, Eq)]
pub enum IdError {
    #[error("length: expected {expected} characters, got {got}")]
    Length { expected: &'static str, got: usize },
    #[error("character: '{ch}' at position {position} is not allowed here")]
    Character { position: usize, ch: char },
    #[error("check character: expected '{expected}', got '{got}'")]
    CheckCharacter { expected: char, got: char },
    #[error("organisation code check character (GB 11714): expected '{expected}', got '{got}'")]
    OrgCodeCheck { expected: char, got: char },
    #[error("impossible date: {0} {1}")]
    ImpossibleDate(String, DateProblem),
    #[error("unknown division: {0} is not a GB/T 2260 code, current or abolished")]
    UnknownDivision(String),
    #[error("prefix: {0}")]
    Prefix(String),
}

/// Why a birth date in an identifier is impossible.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DateProblem {
    NotACalendarDate,
    Before1880,
    InTheFuture,
}

impl DateProblem {
    pub fn message_zh(self) -> &'static str {
        match self {
            DateProblem::NotACalendarDate => "不是日历上存在的日期",
            DateProblem::Before1880 => "早于 1880 年",
            DateProblem::InTheFuture => "晚于今天",
        }
    }
}

impl std::fmt::Display for DateProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            DateProblem::NotACalendarDate => "is not a calendar date",
            DateProblem::Before1880 => "is before 1880",
            DateProblem::InTheFuture => "is in the future",
        })
    }
}

impl IdError {
    /// What failed, in Chinese, for the people who typed the number.
    pub fn message_zh(&self) -> String {
        match self {
            IdError::Length { expected, got } => format!("应为 {expected} 位，实为 {got} 位"),
            IdError::Character { position, ch } => {
                format!("第 {position} 位的“{ch}”不应出现在此处")
            }
            IdError::CheckCharacter { expected, got } => {
                format!("校验码应为 {expected}，实为 {got}")
            }
            IdError::OrgCodeCheck { expected, got } => {
                format!("其中组织机构代码的校验码（GB 11714）应为 {expected}，实为 {got}")
            }
            IdError::ImpossibleDate(d, why) => format!("出生日期 {d} {}", why.message_zh()),
            IdError::UnknownDivision(d) => {
                format!("行政区划代码 {d} 不存在（GB/T 2260，含已撤销的代码）")
            }
            IdError::Prefix(_) => "号段不正确（大陆手机号码以 13 至 19 开头）".into(),
        }
    }

    /// The rule that failed, as a stable code.
    pub fn rule(&self) -> &'static str {
        match self {
            IdError::Length { .. } => "length",
            IdError::Character { .. } => "character",
            IdError::CheckCharacter { .. } => "check_character",
            IdError::OrgCodeCheck { .. } => "org_code_check",
            IdError::ImpossibleDate(..) => "impossible_date",
            IdError::UnknownDivision(_) => "unknown_division",
            IdError::Prefix(_) => "prefix",
        }
    }
}
