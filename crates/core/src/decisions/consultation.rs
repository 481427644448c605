//! The public consultation of a draft decision (公开征求意见, 《重大行政决策程序暂行条例》
//! art. 14–15): anyone comments on the portal, on an article or on the draft as a whole; each
//! comment is screened for personal data before it is shown; the unit gives **every** comment a
//! disposition with its reason (the seed report's problem 二(二): comments went unanswered), and
//! the dispositions are published with the decision.

use chrono::NaiveDate;
use fazhi_kernel::personal;
use fazhi_store::audit::{self, AuditActor, AuditEvent};
use fazhi_store::{Row, Store, now_ms};
use serde::Serialize;
use serde_json::json;

use super::repo;
use super::transition::Stage;
use crate::vault::Keyring;
use crate::visitor::Sender;
use crate::{Actor, Ctx, Error, Result};

/// A comment is 5 to 2,000 characters: long enough for an argued point, short enough to read.
pub const COMMENT_CHARS: std::ops::RangeInclusive<usize> = 5..=2000;
/// No captcha: at most this many comments from one address in an hour, and from one device on
/// one draft. The figures of the act-feedback limit, which the portal already uses.
pub const PER_ADDRESS_PER_HOUR: i64 = 5;
pub const PER_DEVICE_PER_DRAFT: i64 = 20;
const HOUR_MS: i64 = 3_600_000;
/// The public page shows at most this many comments, oldest first.
pub const SHOWN_MAX: i64 = 2000;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Disposition {
    Adopted,
    PartlyAdopted,
    NotAdopted,
}

impl Disposition {
    pub const ALL: [Disposition; 3] = [
        Disposition::Adopted,
        Disposition::PartlyAdopted,
        Disposition::NotAdopted,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Disposition::Adopted => "adopted",
            Disposition::PartlyAdopted => "partly_adopted",
            Disposition::NotAdopted => "not_adopted",
        }
    }

    pub fn parse(code: &str) -> Option<Disposition> {
        Disposition::ALL.into_iter().find(|d| d.code() == code)
    }

    pub fn label_zh(self) -> &'static str {
        match self {
            Disposition::Adopted => "采纳",
            Disposition::PartlyAdopted => "部分采纳",
            Disposition::NotAdopted => "不采纳",
        }
    }
}

#[derive(Clone, Debug, Serialize)]
pub struct Comment {
    pub id: i64,
    /// The article's number (1 for 第一条), 0 for the draft as a whole.
    pub article: i64,
    /// The text with personal data redacted: the only form shown.
    pub shown: String,
    pub author: Option<String>,
    pub redactions: String,
    pub sent_at: String,
    pub disposition: Option<Disposition>,
    pub reason: Option<String>,
    pub disposed_on: Option<String>,
    pub version: i64,
}

fn comment_of(r: &sqlx::any::AnyRow) -> Result<Comment> {
    let disposition: Option<String> = r.try_get("disposition")?;
    let created: i64 = r.try_get("created_at")?;
    Ok(Comment {
        id: r.try_get("id")?,
        article: r.try_get("article")?,
        shown: r.try_get("shown")?,
        author: r.try_get("author")?,
        redactions: r.try_get("redactions")?,
        sent_at: crate::audit::china_time(created),
        disposition: disposition.as_deref().and_then(Disposition::parse),
        reason: r.try_get("reason")?,
        disposed_on: r.try_get("disposed_on")?,
        version: r.try_get("version")?,
    })
}

const COMMENT_COLUMNS: &str =
    "id, article, shown, author, redactions, created_at, disposition, reason, disposed_on, version";

/// A comment as it may be shown: `personal::redact` takes the numbers it recognises (an ID
/// with a valid check digit, phones, cards), e-mail, addresses and others' names; then, since a
/// comment has no case numbers to spare, any other run of eight or more digits (an ID mistyped
/// or of the old 15 digits) goes too. Returns the text and the kinds taken, each once.
pub fn screen(body: &str) -> (String, Vec<&'static str>) {
    let redacted = personal::redact(body, &[]);
    let mut kinds: Vec<&'static str> = redacted.findings.iter().map(|f| f.kind.code()).collect();
    let mut out = String::with_capacity(redacted.text.len());
    let mut run = String::new();
    let digit = |c: char| c.is_ascii_digit() || ('０'..='９').contains(&c);
    let flush = |run: &mut String, out: &mut String, kinds: &mut Vec<&'static str>| {
        if run.chars().filter(|c| digit(*c)).count() >= 8 {
            out.push_str("（略）");
            kinds.push("number");
        } else {
            out.push_str(run);
        }
        run.clear();
    };
    for c in redacted.text.chars() {
        if digit(c) || (!run.is_empty() && matches!(c, 'X' | 'x' | 'Ｘ')) {
            run.push(c);
        } else {
            flush(&mut run, &mut out, &mut kinds);
            out.push(c);
        }
    }
    flush(&mut run, &mut out, &mut kinds);
    kinds.sort_unstable();
    kinds.dedup();
    (out, kinds)
}

/// Words that end an organisation's name: a signature so ending is shown as typed.
const ORGANISATION_ENDINGS: &[&str] = &[
    "公司",
    "协会",
    "商会",
    "委员会",
    "村委会",
    "居委会",
    "社区",
    "学校",
    "医院",
    "中心",
    "事务所",
    "合作社",
    "集团",
    "工作室",
    "门店",
    "店",
    "厂",
    "所",
    "局",
    "会",
];

/// A signature as shown: an organisation's name as typed; a person's name (two to four Chinese
/// characters) as surname+某; anything else — a foreign or decorated name — as 网友, since it
/// cannot be told from a full name.
pub fn signature(author: &str) -> String {
    let a = author.trim();
    let chinese = |c: char| ('\u{4e00}'..='\u{9fff}').contains(&c);
    if a.chars().all(chinese)
        && ORGANISATION_ENDINGS.iter().any(|e| a.ends_with(e))
        && a.chars().count() > 3
    {
        a.to_string()
    } else if a.chars().all(chinese) && (2..=4).contains(&a.chars().count()) {
        personal::surname_form(a)
    } else {
        "网友".to_string()
    }
}

/// What a visitor sends: the article (0 for the whole draft), the text, an optional signature.
pub struct NewComment<'a> {
    pub article: i64,
    pub body: &'a str,
    pub author: &'a str,
}

/// A visitor's comment on a consultation open today. Returns the comment's id.
pub async fn submit(
    store: &Store,
    keyring: &Keyring,
    today: NaiveDate,
    decision_id: i64,
    sender: &Sender<'_>,
    comment: &NewComment<'_>,
) -> Result<i64> {
    let NewComment {
        article,
        body,
        author,
    } = *comment;
    let view = public_view(store, decision_id, today).await?;
    if !view.open_now {
        return Err(Error::refused(
            "consultation_not_open",
            "body",
            format!(
                "该草案的征求意见期为 {} 至 {}，现在不能提交意见。",
                view.opens_on, view.closes_on
            ),
        ));
    }
    let mut r = crate::Refusals::default();
    let body = body.trim();
    let chars = body.chars().count();
    if !COMMENT_CHARS.contains(&chars) {
        r.push(Error::invalid(
            "body",
            format!(
                "意见为 {} 至 {} 字，现为 {chars} 字。",
                COMMENT_CHARS.start(),
                COMMENT_CHARS.end()
            ),
        ));
    }
    if article < 0 || article as usize > view.articles.len() {
        r.push(Error::invalid(
            "article",
            "请选择草案的条文，或“草案整体”。",
        ));
    }
    let author = author.trim();
    if author.chars().count() > 50 {
        r.push(Error::invalid("author", "署名不超过 50 字。"));
    }
    r.finish()?;
    let device = keyring.blind_index("decision-comment-device", sender.device);
    let origin = keyring.blind_index("decision-comment-origin", sender.address);
    let now = now_ms();
    let counts = sqlx::query(
        "SELECT
            COALESCE(SUM(CASE WHEN origin = $1 AND created_at > $2 THEN 1 ELSE 0 END), 0) AS from_origin,
            COALESCE(SUM(CASE WHEN device = $3 AND decision_id = $4 THEN 1 ELSE 0 END), 0) AS from_device
         FROM decision_comments WHERE (origin = $1 AND created_at > $2) OR (device = $3 AND decision_id = $4)",
    )
    .bind(&origin)
    .bind(now - HOUR_MS)
    .bind(&device)
    .bind(decision_id)
    .fetch_one(store.pool())
    .await?;
    if counts.try_get::<i64, _>("from_origin")? >= PER_ADDRESS_PER_HOUR {
        return Err(Error::NotAllowed {
            code: "comment_limited",
            message: format!(
                "同一网络地址每小时最多提交 {PER_ADDRESS_PER_HOUR} 条意见，请稍后再试。"
            ),
        });
    }
    if counts.try_get::<i64, _>("from_device")? >= PER_DEVICE_PER_DRAFT {
        return Err(Error::NotAllowed {
            code: "comment_limited",
            message: format!("同一设备对一份草案最多提交 {PER_DEVICE_PER_DRAFT} 条意见。"),
        });
    }
    let (shown, kinds) = screen(body);
    let shown_author = (!author.is_empty()).then(|| signature(author));
    let mut tx = store.begin().await?;
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO decision_comments (decision_id, article, body, shown, redactions, author, device,
            origin, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9) RETURNING id",
    )
    .bind(decision_id)
    .bind(article)
    .bind(body)
    .bind(&shown)
    .bind(kinds.join(","))
    .bind(shown_author)
    .bind(&device)
    .bind(&origin)
    .bind(now)
    .fetch_one(tx.conn())
    .await?;
    audit::append(
        &mut tx,
        &AuditActor::system("公众（门户网站）"),
        &AuditEvent {
            action: "create",
            object_type: "decision_comment",
            object_id: Some(id.to_string()),
            detail: json!({ "decision_id": decision_id, "article": article, "redactions": kinds }),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

/// The unit's answer to one comment: a disposition and, always, its reason. It may be changed
/// until the consultation closes.
pub async fn dispose(
    ctx: &Ctx<'_>,
    comment_id: i64,
    seen_version: i64,
    disposition: Option<Disposition>,
    reason: &str,
) -> Result<i64> {
    ctx.actor.require_any(&super::KEEPERS)?;
    let mut r = crate::Refusals::default();
    if disposition.is_none() {
        r.push(Error::invalid(
            "disposition",
            "请选择处理结果：采纳、部分采纳或不采纳。",
        ));
    }
    let reason = reason.trim();
    if reason.is_empty() {
        r.push(Error::invalid(
            "reason",
            "每条意见都须说明处理的理由，采纳的也要说明如何采纳。",
        ));
    } else if reason.chars().count() > 1000 {
        r.push(Error::invalid("reason", "理由不超过 1000 字。"));
    }
    r.finish()?;
    let Some(disposition) = disposition else {
        return Err(Error::NotFound);
    };
    let mut tx = ctx.store.begin().await?;
    let row: Option<(i64, i64)> =
        sqlx::query_as("SELECT decision_id, version FROM decision_comments WHERE id = $1")
            .bind(comment_id)
            .fetch_optional(tx.conn())
            .await?;
    let (decision_id, loaded) = row.ok_or(Error::NotFound)?;
    // In scope only through its decision.
    let d = repo::load(tx.conn(), ctx.actor, decision_id).await?;
    if d.stage != Stage::Drafting || !d.consultation_open() {
        return Err(Error::refused(
            "consultation_closed",
            "disposition",
            "征求意见已结束，意见的处理结果不能再改。",
        ));
    }
    crate::lock_seen(
        &mut tx,
        "decision_comments",
        comment_id,
        seen_version,
        loaded,
    )
    .await?;
    tx.versioned_update(
        "decision_comments",
        comment_id,
        loaded,
        vec![
            ("disposition", disposition.code().into()),
            ("reason", reason.into()),
            ("disposed_by", ctx.actor.name.clone().into()),
            ("disposed_on", ctx.clock.today.to_string().into()),
        ],
    )
    .await?;
    audit::append(
        &mut tx,
        &ctx.actor.audit(),
        &AuditEvent {
            action: "update",
            object_type: "decision_comment",
            object_id: Some(comment_id.to_string()),
            detail: json!({ "decision_id": decision_id, "disposition": disposition.code(), "reason": reason }),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(decision_id)
}

/// The comments on a decision in the actor's scope, newest first; those still without a
/// disposition only, when asked.
pub async fn comments(
    store: &Store,
    actor: &Actor,
    decision_id: i64,
    undisposed_only: bool,
    after: Option<i64>,
) -> Result<fazhi_store::page::Page<Comment>> {
    actor.require_any(&super::READERS)?;
    repo::load(&mut *store.conn().await?, actor, decision_id).await?;
    let keyset = fazhi_store::page::Keyset::new(after, Some(50));
    let mut sql = fazhi_store::Sql::new(&format!(
        "SELECT {COMMENT_COLUMNS} FROM decision_comments WHERE decision_id = "
    ));
    sql.bind(decision_id);
    if undisposed_only {
        sql.push(" AND disposition IS NULL");
    }
    keyset.apply(&mut sql, "id");
    let items = sql
        .fetch_all(&mut *store.conn().await?)
        .await?
        .iter()
        .map(comment_of)
        .collect::<Result<Vec<_>>>()?;
    Ok(keyset.finish(items, |c| c.id))
}

/// A consultation as the portal shows it.
#[derive(Clone, Debug, Serialize)]
pub struct PublicView {
    pub decision_id: i64,
    pub title: String,
    pub department: String,
    pub summary: String,
    pub articles: Vec<crate::review::assist::Article>,
    pub opens_on: String,
    pub closes_on: String,
    pub short_reason: Option<String>,
    pub open_now: bool,
    pub stage: Stage,
    pub published_on: Option<String>,
    /// Dispositions are shown once the decision is published, with it.
    pub comments: Vec<Comment>,
}

/// A consultation on the portal: any decision that opened one, except a withdrawn one after
/// its period (a withdrawn draft's comments stay visible while the period lasts). Not found
/// before it opens.
pub async fn public_view(store: &Store, decision_id: i64, today: NaiveDate) -> Result<PublicView> {
    let mut conn = store.conn().await?;
    let row = sqlx::query(
        "SELECT m.title, m.summary, m.stage, m.published_on, d.name AS department, c.draft,
                c.opens_on, c.closes_on, c.short_reason, c.closed_on
         FROM decision_consultations c JOIN major_decisions m ON m.id = c.decision_id
         JOIN departments d ON d.id = m.department_id WHERE c.decision_id = $1",
    )
    .bind(decision_id)
    .fetch_optional(&mut *conn)
    .await?
    .ok_or(Error::NotFound)?;
    let opens_on: String = row.try_get("opens_on")?;
    let closes_on: String = row.try_get("closes_on")?;
    let closed_on: Option<String> = row.try_get("closed_on")?;
    let stage: String = row.try_get("stage")?;
    let stage =
        Stage::parse(&stage).ok_or_else(|| Error::malformed(format!("decision stage {stage}")))?;
    let today = today.to_string();
    if today < opens_on {
        return Err(Error::NotFound);
    }
    let published = stage == Stage::Published
        || (stage == Stage::Archived
            && row.try_get::<Option<String>, _>("published_on")?.is_some());
    let mut comments = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {COMMENT_COLUMNS} FROM decision_comments WHERE decision_id = $1 ORDER BY id LIMIT {SHOWN_MAX}"
    )))
    .bind(decision_id)
    .fetch_all(&mut *conn)
    .await?
    .iter()
    .map(comment_of)
    .collect::<Result<Vec<_>>>()?;
    if !published {
        for c in &mut comments {
            c.disposition = None;
            c.reason = None;
            c.disposed_on = None;
        }
    }
    let draft: String = row.try_get("draft")?;
    Ok(PublicView {
        decision_id,
        title: row.try_get("title")?,
        department: row.try_get("department")?,
        summary: row.try_get("summary")?,
        articles: crate::review::assist::articles(&draft),
        open_now: closed_on.is_none()
            && stage == Stage::Drafting
            && opens_on <= today
            && today <= closes_on,
        opens_on,
        closes_on,
        short_reason: row.try_get("short_reason")?,
        stage,
        published_on: if published {
            row.try_get("published_on")?
        } else {
            None
        },
        comments,
    })
}

#[derive(Clone, Debug, Serialize)]
pub struct Listed {
    pub decision_id: i64,
    pub title: String,
    pub department: String,
    pub opens_on: String,
    pub closes_on: String,
    pub open_now: bool,
    pub withdrawn: bool,
    pub published_on: Option<String>,
    pub comments: i64,
}

/// The consultations on the portal that have opened, newest first.
pub async fn public_list(
    store: &Store,
    today: NaiveDate,
    after: Option<i64>,
) -> Result<fazhi_store::page::Page<Listed>> {
    let keyset = fazhi_store::page::Keyset::new(after, Some(50));
    let mut sql = fazhi_store::Sql::new(
        "SELECT c.decision_id, m.title, d.name AS department, c.opens_on, c.closes_on, c.closed_on,
                m.stage, m.published_on,
                (SELECT COUNT(*) FROM decision_comments k WHERE k.decision_id = c.decision_id) AS comments
         FROM decision_consultations c JOIN major_decisions m ON m.id = c.decision_id
         JOIN departments d ON d.id = m.department_id WHERE c.opens_on <= ",
    );
    sql.bind(today.to_string());
    keyset.apply(&mut sql, "c.decision_id");
    let today = today.to_string();
    let items = sql
        .fetch_all(&mut *store.conn().await?)
        .await?
        .iter()
        .map(|r| {
            let closes_on: String = r.try_get("closes_on")?;
            let stage: String = r.try_get("stage")?;
            let closed: Option<String> = r.try_get("closed_on")?;
            Ok(Listed {
                decision_id: r.try_get("decision_id")?,
                title: r.try_get("title")?,
                department: r.try_get("department")?,
                open_now: closed.is_none() && stage == "drafting" && today <= closes_on,
                withdrawn: stage == Stage::Withdrawn.code(),
                opens_on: r.try_get("opens_on")?,
                closes_on,
                published_on: r.try_get("published_on")?,
                comments: r.try_get("comments")?,
            })
        })
        .collect::<Result<Vec<_>>>()?;
    Ok(keyset.finish(items, |l| l.decision_id))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_long_number_and_every_full_name_is_taken_before_a_comment_is_shown() {
        let (shown, kinds) = screen(
            "我的身份证号330681199001011234，旧证330681900101123，电话 13905751234。建议延长到 22 时，费用 2000 元。",
        );
        assert!(!shown.contains("330681"), "{shown}");
        assert!(!shown.contains("13905751234"), "{shown}");
        assert!(
            shown.contains("22 时") && shown.contains("2000 元"),
            "{shown}"
        );
        assert!(
            kinds.contains(&"number") && kinds.contains(&"mobile"),
            "{kinds:?}"
        );
        assert_eq!(signature("陈国强"), "陈某");
        assert_eq!(signature("欧阳娜娜"), "欧阳某");
        assert_eq!(signature("诸暨市店口镇商会"), "诸暨市店口镇商会");
        assert_eq!(signature("Tom Smith"), "网友");
        assert_eq!(signature("<i>张</i>三"), "网友");
        assert_eq!(signature("张三丰之徒弟某某"), "网友");
    }
}
