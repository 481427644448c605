//! Publication of penalty decisions (行政处罚决定信息公开). The pre-publication review fills the
//! decision from the case, redacts it with the kernel (a person's name becomes 张某; ID, phone,
//! bank account and home address go; companies and USCCs stay) and lists every change for the
//! reviewer — another person than the one who generated it — who approves it; publishing meets the decision's publication limit. A published
//! decision later changed or revoked is withdrawn with the reason shown (行政处罚法 art. 48).
//! The public pages read only published and withdrawn records.

use chrono::NaiveDate;
use fazhi_kernel::personal::{Party, PartyKind, redact};
use fazhi_store::page::{Keyset, Page};
use fazhi_store::scope::RECORD_COLUMNS;
use fazhi_store::{DbRow, Row, Sql, Store, Tx, now_ms};
use serde::Serialize;
use serde_json::json;

use crate::access::{Actor, Permission};
use crate::vault::Keyring;
use crate::{Error, Result};

#[derive(Clone, Debug, Serialize)]
pub struct Disclosure {
    pub id: i64,
    pub case_id: i64,
    pub decision_number: String,
    pub party_name: String,
    pub item_code: String,
    pub department_name: String,
    pub decided_on: String,
    pub redacted_text: String,
    pub state: String,
    pub reviewed_by: Option<String>,
    pub published_on: Option<String>,
    pub withdrawn_on: Option<String>,
    pub withdrawal_reason: Option<String>,
}

const COLUMNS: &str = "x.id, x.case_id, x.decision_number, x.party_name, x.item_code, x.department_name, x.decided_on, \
    x.redacted_text, x.state, x.reviewed_by, x.published_on, x.withdrawn_on, x.withdrawal_reason";

fn row(r: &DbRow) -> Result<Disclosure> {
    Ok(Disclosure {
        id: r.try_get("id")?,
        case_id: r.try_get("case_id")?,
        decision_number: r.try_get("decision_number")?,
        party_name: r.try_get("party_name")?,
        item_code: r.try_get("item_code")?,
        department_name: r.try_get("department_name")?,
        decided_on: r.try_get("decided_on")?,
        redacted_text: r.try_get("redacted_text")?,
        state: r.try_get("state")?,
        reviewed_by: r.try_get("reviewed_by")?,
        published_on: r.try_get("published_on")?,
        withdrawn_on: r.try_get("withdrawn_on")?,
        withdrawal_reason: r.try_get("withdrawal_reason")?,
    })
}

/// The disclosure of a case, for those who handle it.
pub async fn of_case(store: &Store, actor: &Actor, case_id: i64) -> Result<Option<Disclosure>> {
    actor.require(Permission::CaseRead)?;
    // A case out of the actor's scope is not found, whether or not it has a disclosure.
    super::cases::get(store, actor, case_id).await?;
    let mut sql = Sql::new(&format!(
        "SELECT {COLUMNS} FROM disclosures x WHERE x.case_id = "
    ));
    sql.bind(case_id)
        .push(" AND ")
        .append(actor.scope.condition("x", RECORD_COLUMNS));
    sql.fetch_optional(&mut *store.conn().await?)
        .await?
        .as_ref()
        .map(row)
        .transpose()
}

/// The column purpose `findings` is sealed under (key rotation covers it: `vault::SEALED_COLUMNS`).
pub const FINDINGS: &str = "disclosures.findings";

/// What the review removed or replaced — (kind, original text) — for the reviewer of the
/// case, opened from its seal (a review stored before findings were sealed reads as it is).
pub async fn findings(
    store: &Store,
    actor: &Actor,
    keyring: &Keyring,
    case_id: i64,
) -> Result<Vec<(String, String)>> {
    // Read by whoever reads the case (a supervisor too); the page shows them masked.
    actor.require(Permission::CaseRead)?;
    let mut sql = Sql::new("SELECT x.findings FROM disclosures x WHERE x.case_id = ");
    sql.bind(case_id)
        .push(" AND ")
        .append(actor.scope.condition("x", RECORD_COLUMNS));
    let Some(r) = sql.fetch_optional(&mut *store.conn().await?).await? else {
        return Ok(Vec::new());
    };
    let stored: String = r.try_get("findings")?;
    let json = if Keyring::is_sealed(&stored) {
        keyring.open(FINDINGS, &stored)?
    } else {
        stored
    };
    serde_json::from_str(&json).map_err(|e| {
        Error::from(fazhi_store::StoreError::Malformed(format!(
            "disclosure findings: {e}"
        )))
    })
}

/// Runs the pre-publication review: the decision filled from the case and redacted.
pub async fn review(
    store: &Store,
    actor: &Actor,
    keyring: &Keyring,
    case_id: i64,
) -> Result<Disclosure> {
    actor.require(Permission::CaseHandle)?;
    let case = super::cases::get(store, actor, case_id).await?;
    let number = case.case.decision_number.clone().ok_or_else(|| {
        Error::refused(
            "disclosure_before_decision",
            "case",
            "案件尚未作出决定，不能公开。",
        )
    })?;
    if let Some(d) = of_case(store, actor, case_id).await?
        && d.state != "reviewing"
    {
        return Err(Error::refused(
            "disclosure_step_not_open",
            "case",
            "该决定已公开或已撤回，不能重新审查。",
        ));
    }
    let r = sqlx::query(
        "SELECT outcome, decided_on, region_id, department_id FROM cases WHERE id = $1",
    )
    .bind(case_id)
    .fetch_one(store.pool())
    .await?;
    let outcome: Option<String> = r.try_get("outcome")?;
    let decided_on = r
        .try_get::<Option<String>, _>("decided_on")?
        .and_then(|d| fazhi_kernel::date::parse(&d));
    if let Some(decided_on) = decided_on {
        let rule = publication_rule(
            &mut *store.conn().await?,
            r.try_get("department_id")?,
            decided_on,
        )
        .await?;
        if !rule.publishes(outcome.as_deref().unwrap_or("")) {
            return Err(Error::NotAllowed {
                code: "not_published_by_rule",
                message: "按本部门在决定之日施行的公示规则，该决定不予公开（仅给予警告的决定不公开，见《市场监督管理行政处罚信息公示规定》第二条；不予处罚的决定不公开）。公示规则在“处罚决定公开期限”页设置。".into(),
            });
        }
    }
    let code = if outcome.as_deref() == Some("no_penalty") {
        "no_penalty_decision"
    } else {
        "penalty_decision"
    };
    let template = super::documents::get(store, code).await?;
    let ctx = super::cases::document_context(store, actor, keyring, case_id, code, &template.name)
        .await?;
    let text = super::documents::render(&template.body, &ctx)?
        .into_iter()
        .map(|b| match b {
            super::documents::Block::Title(t)
            | super::documents::Block::Right(t)
            | super::documents::Block::Plain(t)
            | super::documents::Block::Paragraph(t) => t,
        })
        .collect::<Vec<_>>()
        .join("\n");
    incomplete(&text)?;
    let parties: Vec<Party> = case
        .parties
        .iter()
        .map(|p| Party {
            name: &p.name,
            kind: if p.kind == "person" {
                PartyKind::Person
            } else {
                PartyKind::Organisation
            },
        })
        .collect();
    let redacted = redact(&text, &parties);
    let findings: Vec<(String, String)> = redacted
        .findings
        .iter()
        .map(|f| (f.kind.code().to_string(), f.text.clone()))
        .collect();
    let party_name = case
        .parties
        .first()
        .map(|p| {
            if p.kind == "person" {
                fazhi_kernel::personal::surname_form(&p.name)
            } else {
                p.name.clone()
            }
        })
        .unwrap_or_default();
    let decided: String = r
        .try_get::<Option<String>, _>("decided_on")?
        .unwrap_or_default();
    let mut tx = store.begin().await?;
    sqlx::query("DELETE FROM disclosures WHERE case_id = $1 AND state = 'reviewing'")
        .bind(case_id)
        .execute(tx.conn())
        .await?;
    sqlx::query(
        "INSERT INTO disclosures (case_id, decision_number, party_name, item_code, department_name, decided_on,
            redacted_text, findings, state, region_id, department_id, created_by, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'reviewing', $9, $10, $11, $12)",
    )
    .bind(case_id)
    .bind(&number)
    .bind(&party_name)
    .bind(&case.case.item_code)
    .bind(&case.case.department_name)
    .bind(&decided)
    .bind(&redacted.text)
    // The removed data itself (IDs, addresses, card numbers) is sealed like the case's own.
    .bind(keyring.seal(FINDINGS, &serde_json::to_string(&findings).unwrap_or_default())?)
    .bind(r.try_get::<i64, _>("region_id")?)
    .bind(r.try_get::<i64, _>("department_id")?)
    .bind(actor.user_id)
    .bind(now_ms())
    .execute(tx.conn())
    .await?;
    crate::audit::record(
        &mut tx,
        actor,
        "create",
        "disclosure",
        Some(case_id.to_string()),
        json!({ "removed": findings.len() }),
    )
    .await?;
    tx.commit().await?;
    of_case(store, actor, case_id).await?.ok_or(Error::NotFound)
}

/// A decision whose text still holds （待填写） is not published: the public would read a
/// blank where the payment account, the reconsideration body or the court should be. Says
/// which lines and where each is set.
fn incomplete(text: &str) -> Result<()> {
    let to_fill = super::cases::TO_FILL;
    let lines: Vec<String> = text
        .lines()
        .filter(|l| l.contains(to_fill))
        .map(|l| {
            let at = l.find(to_fill).unwrap_or(0);
            let before: String = l[..at]
                .chars()
                .rev()
                .take(12)
                .collect::<Vec<_>>()
                .into_iter()
                .rev()
                .collect();
            format!("“…{before}{to_fill}”")
        })
        .collect();
    if lines.is_empty() {
        return Ok(());
    }
    Err(Error::refused(
        "disclosure_text_incomplete",
        "case",
        format!(
            "决定书中仍有待填写的内容，不能公开：{}。缴款银行和账号、行政复议机关、人民法院由本部门在“执法文书设置”（/enforcement/document-settings）填写；当事人、事实等在案件中补充。",
            lines.join("、")
        ),
    ))
}

/// The disclosure locked (workflow primitive) and still in `state` — two requests for the same
/// step cannot both pass; the second is told why. Returns its version.
async fn locked_in_state(tx: &mut Tx, id: i64, state: &str, otherwise: &str) -> Result<i64> {
    let version = tx
        .lock_row("disclosures", id)
        .await?
        .ok_or(Error::NotFound)?;
    let now: String = sqlx::query_scalar("SELECT state FROM disclosures WHERE id = $1")
        .bind(id)
        .fetch_one(tx.conn())
        .await?;
    if now != state {
        return Err(Error::refused(
            "disclosure_step_not_open",
            "case",
            otherwise,
        ));
    }
    Ok(version)
}

/// Approves the reviewed text and publishes it on `on`, meeting the publication limit.
pub async fn publish(store: &Store, actor: &Actor, case_id: i64, on: NaiveDate) -> Result<()> {
    actor.require(Permission::CaseHandle)?;
    let d = of_case(store, actor, case_id)
        .await?
        .ok_or_else(|| Error::refused("disclosure_not_reviewed", "case", "请先进行公开前审查。"))?;
    incomplete(&d.redacted_text)?;
    if on > crate::deadlines::china_today() {
        return Err(Error::refused(
            "date_in_future",
            "on",
            format!("公开日期 {on} 晚于今天：请在公开当日登记。"),
        ));
    }
    let mut tx = store.begin().await?;
    let version = locked_in_state(&mut tx, d.id, "reviewing", "该决定已公开或已撤回。").await?;
    // Who generated the text does not approve it: another person checks the redaction.
    let reviewer: Option<i64> =
        sqlx::query_scalar("SELECT created_by FROM disclosures WHERE id = $1")
            .bind(d.id)
            .fetch_one(tx.conn())
            .await?;
    if reviewer.is_some() && reviewer == actor.user_id {
        return Err(Error::refused(
            "disclosure_self_approval",
            "case",
            "公开文本由您生成，须由本单位另一名工作人员核对去除的个人信息后审核公开（经办与审核分离）。",
        ));
    }
    tx.versioned_update(
        "disclosures",
        d.id,
        version,
        vec![
            ("state", "published".into()),
            ("published_on", on.to_string().into()),
            ("reviewed_by", actor.display_name.clone().into()),
        ],
    )
    .await?;
    crate::deadlines::meet(
        &mut tx,
        actor,
        "case",
        &case_id.to_string(),
        "第四十八条",
        on,
    )
    .await?;
    crate::audit::record(
        &mut tx,
        actor,
        "publish",
        "disclosure",
        Some(case_id.to_string()),
        json!({ "on": on.to_string() }),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// The case's disclosure, which must be published; `otherwise` says why not.
async fn published(
    store: &Store,
    actor: &Actor,
    case_id: i64,
    otherwise: &str,
) -> Result<Disclosure> {
    let d = of_case(store, actor, case_id)
        .await?
        .ok_or(Error::NotFound)?;
    if d.state != "published" {
        return Err(Error::refused(
            "disclosure_step_not_open",
            "case",
            otherwise,
        ));
    }
    Ok(d)
}

/// Records that a published decision was changed, revoked, or declared void or illegal on
/// `on`: the published record must then be withdrawn within 3 working days (行政处罚法 art. 48),
/// a limit started here on the deadline engine and met by `withdraw`.
pub async fn decision_changed(
    ctx: &crate::Ctx<'_>,
    case_id: i64,
    on: NaiveDate,
    reason: &str,
) -> Result<()> {
    let (store, actor, clock) = (ctx.store, ctx.actor, ctx.clock);
    actor.require(Permission::CaseHandle)?;
    let reason = crate::org::rules::text("reason", "变更或撤销的情况", reason, 200)?;
    published(store, actor, case_id, "只有已公开的决定才需要撤回。").await?;
    let department_id: i64 = sqlx::query_scalar("SELECT department_id FROM cases WHERE id = $1")
        .bind(case_id)
        .fetch_one(store.pool())
        .await?;
    let mut tx = store.begin().await?;
    crate::deadlines::create(
        &mut tx,
        actor,
        clock.cal,
        clock.policy,
        &crate::deadlines::NewDeadline {
            subject_type: "case".into(),
            subject_id: case_id.to_string(),
            purpose: format!("撤回已公开的处罚决定：{reason}"),
            law: "《中华人民共和国行政处罚法》".into(),
            article: WITHDRAWAL_ARTICLE.into(),
            start_event: "处罚决定变更、撤销或被确认违法、无效".into(),
            start_on: on,
            period: fazhi_kernel::period::Period::WorkingDays(3),
            responsible_user_id: actor.user_id,
            department_id,
            party_period: false,
        },
        clock.today,
    )
    .await?;
    crate::audit::record(
        &mut tx,
        actor,
        "decision_changed",
        "disclosure",
        Some(case_id.to_string()),
        json!({ "on": on.to_string(), "reason": reason }),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// The withdrawal limit's article, told apart from the publication limit's (also art. 48).
const WITHDRAWAL_ARTICLE: &str = "第四十八条第二款";

/// Withdraws a published decision with the reason, which the public page then shows.
pub async fn withdraw(
    store: &Store,
    actor: &Actor,
    case_id: i64,
    on: NaiveDate,
    reason: &str,
) -> Result<()> {
    actor.require(Permission::CaseHandle)?;
    let reason = crate::org::rules::text("reason", "撤回理由", reason, 200)?;
    let d = published(store, actor, case_id, "只有已公开的决定才能撤回。").await?;
    let mut tx = store.begin().await?;
    let version = locked_in_state(&mut tx, d.id, "published", "只有已公开的决定才能撤回。").await?;
    tx.versioned_update(
        "disclosures",
        d.id,
        version,
        vec![
            ("state", "withdrawn".into()),
            ("withdrawn_on", on.to_string().into()),
            ("withdrawal_reason", reason.clone().into()),
        ],
    )
    .await?;
    crate::deadlines::meet(
        &mut tx,
        actor,
        "case",
        &case_id.to_string(),
        WITHDRAWAL_ARTICLE,
        on,
    )
    .await?;
    crate::audit::record(
        &mut tx,
        actor,
        "withdraw",
        "disclosure",
        Some(case_id.to_string()),
        json!({ "on": on.to_string(), "reason": reason }),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

#[derive(Clone, Debug, Default)]
pub struct PublicFilter {
    /// Part of the party's (published) name or the decision number.
    pub q: Option<String>,
    pub item_code: Option<String>,
    pub from: Option<String>,
    pub until: Option<String>,
}

/// The public list: published and withdrawn decisions only, newest first, keyset-paged.
pub async fn public_list(
    store: &Store,
    f: &PublicFilter,
    keyset: Keyset,
) -> Result<Page<Disclosure>> {
    let mut sql = Sql::new(&format!(
        "SELECT {COLUMNS} FROM disclosures x WHERE x.state IN ('published', 'withdrawn')"
    ));
    if let Some(q) = f.q.as_deref().map(str::trim).filter(|q| !q.is_empty()) {
        let like = format!("%{q}%");
        sql.push(" AND (x.party_name LIKE ")
            .bind(like.as_str())
            .push(" OR x.decision_number LIKE ")
            .bind(like)
            .push(")");
    }
    if let Some(i) = f
        .item_code
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        sql.push(" AND x.item_code = ").bind(i);
    }
    if let Some(d) = f.from.as_deref().filter(|s| !s.is_empty()) {
        sql.push(" AND x.decided_on >= ").bind(d);
    }
    if let Some(d) = f.until.as_deref().filter(|s| !s.is_empty()) {
        sql.push(" AND x.decided_on <= ").bind(d);
    }
    keyset.apply(&mut sql, "x.id");
    let rows = sql.fetch_all(&mut *store.conn().await?).await?;
    let items = rows.iter().map(row).collect::<Result<Vec<_>>>()?;
    Ok(keyset.finish(items, |d| d.id))
}

pub async fn public_get(store: &Store, id: i64) -> Result<Disclosure> {
    let mut sql = Sql::new(&format!(
        "SELECT {COLUMNS} FROM disclosures x WHERE x.state IN ('published', 'withdrawn') AND x.id = "
    ));
    sql.bind(id);
    let r = sql
        .fetch_optional(&mut *store.conn().await?)
        .await?
        .ok_or(Error::NotFound)?;
    row(&r)
}

pub use super::publication::{
    DEFAULT_PUBLICATION_DAYS, DEFAULT_PUBLISH_WARNINGS, PublicationRule, publication_rule,
};

/// Sets a department's publication limit from a date (the earlier values stay for earlier
/// decisions). Maintained with the enforcement reference data (`catalog.manage`).
pub async fn set_publication_days(
    store: &Store,
    actor: &Actor,
    department_id: i64,
    days: i64,
    publish_warnings: bool,
    from: NaiveDate,
) -> Result<()> {
    actor.require(Permission::CatalogManage)?;
    if !(1..=60).contains(&days) {
        return Err(Error::invalid("days", "公开期限应为 1 至 60 个工作日。"));
    }
    crate::org::service::department(store, actor, department_id)
        .await
        .map_err(Error::missing_as("department_id", "部门不存在。"))?;
    let mut tx = store.begin().await?;
    sqlx::query("DELETE FROM publication_limits WHERE department_id = $1 AND effective_from = $2")
        .bind(department_id)
        .bind(from.to_string())
        .execute(tx.conn())
        .await?;
    sqlx::query(
        "INSERT INTO publication_limits (department_id, working_days, effective_from, set_by, created_at, publish_warnings)
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(department_id)
    .bind(days)
    .bind(from.to_string())
    .bind(&actor.display_name)
    .bind(fazhi_store::now_ms())
    .bind(i64::from(publish_warnings))
    .execute(tx.conn())
    .await?;
    crate::audit::record(
        &mut tx,
        actor,
        "update",
        "publication_limit",
        Some(department_id.to_string()),
        json!({ "working_days": days, "publish_warnings": publish_warnings, "effective_from": from.to_string() }),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Every department with its publication rule in force on `on`, by name (one query).
pub async fn publication_limits(
    store: &Store,
    on: NaiveDate,
) -> Result<Vec<(i64, String, PublicationRule)>> {
    let in_force =
        "FROM publication_limits p WHERE p.department_id = d.id AND p.effective_from <= $1
        ORDER BY p.effective_from DESC LIMIT 1";
    let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT d.id, d.name, (SELECT p.working_days {in_force}) AS days,
            (SELECT p.publish_warnings {in_force}) AS warnings
         FROM departments d ORDER BY d.path"
    )))
    .bind(on.to_string())
    .fetch_all(store.pool())
    .await?;
    rows.iter()
        .map(|r| {
            Ok((
                r.try_get("id")?,
                r.try_get("name")?,
                PublicationRule {
                    days: r
                        .try_get::<Option<i64>, _>("days")?
                        .unwrap_or(DEFAULT_PUBLICATION_DAYS),
                    warnings: r
                        .try_get::<Option<i64>, _>("warnings")?
                        .map_or(DEFAULT_PUBLISH_WARNINGS, |w| w != 0),
                },
            ))
        })
        .collect()
}
