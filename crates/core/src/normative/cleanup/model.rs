//! A cleanup campaign as a typed record: its stage, its documents and each one's verdict.

use chrono::NaiveDate;
use serde::Serialize;

use super::super::Status;

/// 清理中 → 跟进中 → 已完成.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Stage {
    /// Each document is being judged.
    Reviewing,
    /// Every document judged; the verdicts to repeal or revise are followed until done.
    Following,
    Closed,
}

impl Stage {
    pub fn code(self) -> &'static str {
        match self {
            Stage::Reviewing => "reviewing",
            Stage::Following => "following",
            Stage::Closed => "closed",
        }
    }

    pub fn label_zh(self) -> &'static str {
        match self {
            Stage::Reviewing => "清理中",
            Stage::Following => "跟进落实中",
            Stage::Closed => "已完成",
        }
    }

    pub fn parse(code: &str) -> Option<Stage> {
        [Stage::Reviewing, Stage::Following, Stage::Closed]
            .into_iter()
            .find(|s| s.code() == code)
    }
}

/// 保留 / 已废止 / 拟废止 / 拟修改 (GLOSSARY `CleanupVerdict`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    Retain,
    /// Already repealed (by another document or a decision) when the campaign looked.
    Repealed,
    ToRepeal,
    ToRevise,
}

impl Verdict {
    pub const ALL: [Verdict; 4] = [
        Verdict::Retain,
        Verdict::Repealed,
        Verdict::ToRepeal,
        Verdict::ToRevise,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Verdict::Retain => "retain",
            Verdict::Repealed => "repealed",
            Verdict::ToRepeal => "to_repeal",
            Verdict::ToRevise => "to_revise",
        }
    }

    pub fn label_zh(self) -> &'static str {
        match self {
            Verdict::Retain => "保留",
            Verdict::Repealed => "已废止",
            Verdict::ToRepeal => "拟废止",
            Verdict::ToRevise => "拟修改",
        }
    }

    pub fn parse(code: &str) -> Option<Verdict> {
        Verdict::ALL
            .into_iter()
            .find(|v| v.code() == code || v.label_zh() == code)
    }

    /// The document's status once the review ends.
    pub fn status(self) -> Status {
        match self {
            Verdict::Retain => Status::InForce,
            Verdict::Repealed => Status::Repealed,
            Verdict::ToRepeal => Status::ToRepeal,
            Verdict::ToRevise => Status::ToRevise,
        }
    }

    /// A verdict that leaves work to follow until done.
    pub fn needs_follow_up(self) -> bool {
        matches!(self, Verdict::ToRepeal | Verdict::ToRevise)
    }
}

#[derive(Clone, Debug, Serialize)]
pub struct Item {
    pub document_id: i64,
    pub number: String,
    pub title: String,
    pub status: Status,
    pub current_version: i64,
    pub verdict: Option<Verdict>,
    pub reason: Option<String>,
    pub reviewer: Option<String>,
    pub decided_on: Option<String>,
    pub judged_version: Option<i64>,
    pub done_on: Option<String>,
    pub done_note: Option<String>,
}

impl Item {
    /// A verdict to repeal or revise not yet carried out.
    pub fn pending(&self) -> bool {
        self.verdict.is_some_and(Verdict::needs_follow_up) && self.done_on.is_none()
    }
}

#[derive(Clone, Debug, Serialize)]
pub struct Cleanup {
    pub id: i64,
    pub title: String,
    pub issued_from: String,
    pub issued_until: String,
    pub issuer: Option<String>,
    pub stage: Stage,
    #[serde(serialize_with = "as_text")]
    pub started_on: NaiveDate,
    pub review_ended_on: Option<String>,
    pub closed_on: Option<String>,
    pub version: i64,
    pub items: Vec<Item>,
}

fn as_text<S: serde::Serializer>(d: &NaiveDate, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&d.to_string())
}

/// The campaign's summary table (FIGURES.md: 梳理 / 保留 / 已废止 / 拟废止 / 拟修改).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Summary {
    pub reviewed: i64,
    pub retain: i64,
    pub repealed: i64,
    pub to_repeal: i64,
    pub to_revise: i64,
    pub undecided: i64,
    /// Verdicts to repeal or revise carried out.
    pub done: i64,
}

impl Summary {
    pub fn of(items: &[Item]) -> Summary {
        let mut s = Summary {
            reviewed: items.len() as i64,
            ..Summary::default()
        };
        for i in items {
            match i.verdict {
                None => s.undecided += 1,
                Some(Verdict::Retain) => s.retain += 1,
                Some(Verdict::Repealed) => s.repealed += 1,
                Some(Verdict::ToRepeal) => s.to_repeal += 1,
                Some(Verdict::ToRevise) => s.to_revise += 1,
            }
            if i.verdict.is_some_and(Verdict::needs_follow_up) && i.done_on.is_some() {
                s.done += 1;
            }
        }
        s
    }

    /// 规范性文件总数减少: (reviewed − retained) ÷ reviewed, as the seed's 34.49% counts it
    /// (已废止, 拟废止 and 拟修改 alike); none over an empty campaign or while a document is
    /// undecided (it would count as reduced).
    pub fn reduction_rate(&self) -> Option<f64> {
        (self.reviewed > 0 && self.undecided == 0)
            .then(|| (self.reviewed - self.retain) as f64 / self.reviewed as f64)
    }
}
