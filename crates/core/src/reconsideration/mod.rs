//! Administrative reconsideration (行政复议): the reconsideration body's cases on the case's
//! workflow pattern (`transition`: pure steps, the next first, each limit with its article;
//! `repo`: versioned writes with their limits and audit entry in one transaction), the
//! decision as a GB/T 9704 .docx, and the report's figures (concluded cases, by outcome, the
//! correction rate).

mod repo;
pub mod transition;

use chrono::NaiveDate;
use fazhi_store::scope::RECORD_COLUMNS;
use fazhi_store::{Row, Sql, Store};
use serde::Serialize;

pub use transition::{
    Action, Channel, Outcome, Procedure, Reconsideration, SimplifiedGround, Stage, Step,
    allowed_steps,
};

use crate::{Actor, Ctx, Error, Permission, Refusals, Result};

const HANDLERS: [Permission; 1] = [Permission::ReconsiderationHandle];

/// What the window registers; text as typed, checked here.
pub struct Application<'a> {
    pub channel: Option<Channel>,
    pub applicant: &'a str,
    pub respondent_id: Option<i64>,
    pub act: &'a str,
    pub case_id: Option<i64>,
    pub request: &'a str,
    pub known_on: Option<NaiveDate>,
    pub right_explained: bool,
    pub received_on: Option<NaiveDate>,
}

/// Registers an application received at the window, online or by post, and starts the
/// acceptance review's limit (art. 30).
pub async fn register(ctx: &Ctx<'_>, a: &Application<'_>) -> Result<i64> {
    ctx.actor.require_any(&HANDLERS)?;
    let mut r = Refusals::default();
    let need = |r: &mut Refusals, field: &'static str, v: &str, what: &str, max: usize| {
        let n = v.trim().chars().count();
        if n == 0 {
            r.push(Error::invalid(field, format!("请填写{what}。")));
        } else if n > max {
            r.push(Error::invalid(field, format!("{what}不超过 {max} 字。")));
        }
    };
    need(&mut r, "applicant", a.applicant, "申请人", 100);
    need(&mut r, "act", a.act, "被申请复议的行政行为", 500);
    need(&mut r, "request", a.request, "行政复议请求", 2000);
    if a.channel.is_none() {
        r.push(Error::invalid("channel", "请选择申请方式。"));
    }
    if a.respondent_id.is_none() {
        r.push(Error::invalid("respondent_id", "请选择被申请人。"));
    }
    match (a.known_on, a.received_on) {
        (None, _) => r.push(Error::invalid("known_on", "请填写知道该行政行为的日期。")),
        (_, None) => r.push(Error::invalid("received_on", "请填写收到申请的日期。")),
        (Some(k), Some(rcv)) if k > rcv => r.push(Error::invalid(
            "known_on",
            "知道行政行为的日期晚于收到申请的日期。",
        )),
        (_, Some(rcv)) if rcv > ctx.clock.today => {
            r.push(Error::invalid("received_on", "收到申请的日期在今天之后。"))
        }
        _ => {}
    }
    r.finish()?;
    let (Some(channel), Some(respondent_id), Some(known_on), Some(received_on)) =
        (a.channel, a.respondent_id, a.known_on, a.received_on)
    else {
        return Err(Error::NotFound);
    };
    let mut tx = ctx.store.begin().await?;
    let respondent: Option<i64> = sqlx::query_scalar("SELECT id FROM departments WHERE id = $1")
        .bind(respondent_id)
        .fetch_optional(tx.conn())
        .await?;
    if respondent.is_none() {
        return Err(Error::invalid("respondent_id", "被申请人不存在。"));
    }
    if let Some(case) = a.case_id {
        let found: Option<i64> = sqlx::query_scalar("SELECT id FROM cases WHERE id = $1")
            .bind(case)
            .fetch_optional(tx.conn())
            .await?;
        if found.is_none() {
            return Err(Error::invalid("case_id", format!("案件 {case} 不存在。")));
        }
    }
    let id = repo::insert(
        &mut tx,
        ctx,
        &repo::NewApplication {
            channel,
            applicant: a.applicant.trim(),
            respondent_id,
            act: a.act.trim(),
            case_id: a.case_id,
            request: a.request.trim(),
            known_on,
            right_explained: a.right_explained,
            received_on,
        },
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

pub async fn get(store: &Store, actor: &Actor, id: i64) -> Result<Reconsideration> {
    actor.require_any(&HANDLERS)?;
    repo::load(&mut *store.conn().await?, actor, id).await
}

pub async fn apply(ctx: &Ctx<'_>, id: i64, seen_version: i64, action: &Action) -> Result<()> {
    ctx.actor.require_any(&HANDLERS)?;
    let mut tx = ctx.store.begin().await?;
    let r = repo::load(tx.conn(), ctx.actor, id).await?;
    crate::lock_seen(&mut tx, "reconsiderations", id, seen_version, r.version).await?;
    let change = transition::transition(&r, action, ctx.clock.cal, ctx.clock.today)?;
    repo::write(&mut tx, ctx, &r, &change).await?;
    if let (Some(case), Some(follow)) = (r.case_id, on_the_case(&r, action)) {
        crate::enforcement::case::follow_dispute(&mut tx, ctx.actor, ctx.clock, case, &follow)
            .await?;
    }
    tx.commit().await?;
    Ok(())
}

/// What a step means for the penalty case the reconsideration is about: accepted, the case is
/// under reconsideration (its art. 67 payment limit pauses, art. 73 ¶3); closed, the dispute
/// ends — revoked, nothing is left to pay; changed, the changed decision stands; otherwise
/// (maintained, dismissed, confirmed illegal, ordered, settled, withdrawn) the decision stands.
fn on_the_case(r: &Reconsideration, action: &Action) -> Option<crate::enforcement::case::Action> {
    use crate::enforcement::case::{Action as CaseAction, DisputeOutcome};
    let concluded = |on: NaiveDate, outcome| {
        r.accepted_on
            .map(|_| CaseAction::DisputeConcluded { on, outcome })
    };
    match action {
        Action::Accept { on, .. } => Some(CaseAction::Dispute {
            on: *on,
            litigation: false,
        }),
        Action::Decide { on, outcome, .. } => concluded(
            *on,
            match outcome {
                Outcome::Revoke => DisputeOutcome::Revoked,
                Outcome::Change => DisputeOutcome::Changed,
                _ => DisputeOutcome::Maintained,
            },
        ),
        Action::Settle { on, .. } | Action::Withdraw { on, .. } => {
            concluded(*on, DisputeOutcome::Maintained)
        }
        _ => None,
    }
}

#[derive(Clone, Debug, Default)]
pub struct Filter {
    pub stage: Option<Stage>,
    pub outcome: Option<Outcome>,
    /// Concluded (decided, settled, withdrawn or not accepted) in this year.
    pub closed_in: Option<i32>,
    /// Only the concluded cases that corrected the act.
    pub corrected: bool,
}

/// The cases in the actor's scope, newest first.
pub async fn list(
    store: &Store,
    actor: &Actor,
    filter: &Filter,
    after: Option<i64>,
) -> Result<fazhi_store::page::Page<Reconsideration>> {
    actor.require_any(&HANDLERS)?;
    let keyset = fazhi_store::page::Keyset::new(after, Some(50));
    let mut sql = Sql::new(
        "SELECT r.*, d.name AS respondent FROM reconsiderations r
         JOIN departments d ON d.id = r.respondent_id WHERE ",
    );
    sql.append(actor.scope.condition("r", RECORD_COLUMNS));
    if let Some(s) = filter.stage {
        sql.push(" AND r.stage = ").bind(s.code());
    }
    if let Some(o) = filter.outcome {
        sql.push(" AND r.outcome = ").bind(o.code());
    }
    if filter.corrected {
        sql.push(" AND r.outcome IN ('revoke', 'change', 'confirm_illegal', 'order_performance')");
    }
    if let Some(y) = filter.closed_in {
        sql.push(" AND r.closed_on >= ")
            .bind(format!("{y:04}-01-01"))
            .push(" AND r.closed_on <= ")
            .bind(format!("{y:04}-12-31"))
            .push(" AND r.stage <> 'not_accepted' AND r.accepted_on IS NOT NULL");
    }
    keyset.apply(&mut sql, "r.id");
    let items = sql
        .fetch_all(&mut *store.conn().await?)
        .await?
        .iter()
        .map(repo::from_row)
        .collect::<Result<Vec<_>>>()?;
    Ok(keyset.finish(items, |r| r.id))
}

/// A year's concluded cases (审结: decided, settled or withdrawn after acceptance; an
/// application not accepted, or withdrawn before, is not a case heard), by outcome, and the correction rate over the
/// decided ones.
#[derive(Clone, Debug, Default, Serialize)]
pub struct Figures {
    pub concluded: i64,
    pub decided: i64,
    pub settled: i64,
    pub withdrawn: i64,
    pub by_outcome: Vec<(Outcome, i64)>,
    pub corrected: i64,
}

impl Figures {
    /// 纠错率: decisions that corrected the act over decisions made.
    pub fn correction_rate(&self) -> Option<f64> {
        (self.decided > 0).then(|| self.corrected as f64 / self.decided as f64)
    }
}

pub async fn figures(store: &Store, actor: &Actor, year: i32) -> Result<Figures> {
    let mut sql = Sql::new(
        "SELECT r.stage, r.outcome, COUNT(*) AS n FROM reconsiderations r WHERE r.closed_on >= ",
    );
    sql.bind(format!("{year:04}-01-01"))
        .push(" AND r.closed_on <= ")
        .bind(format!("{year:04}-12-31"))
        .push(" AND r.stage IN ('decided', 'settled', 'withdrawn') AND r.accepted_on IS NOT NULL AND ")
        .append(actor.scope.condition("r", RECORD_COLUMNS))
        .push(" GROUP BY r.stage, r.outcome");
    let mut f = Figures {
        by_outcome: Outcome::ALL.iter().map(|o| (*o, 0)).collect(),
        ..Default::default()
    };
    for row in sql.fetch_all(&mut *store.conn().await?).await? {
        let stage: String = row.try_get("stage")?;
        let outcome: Option<String> = row.try_get("outcome")?;
        let n: i64 = row.try_get("n")?;
        f.concluded += n;
        match Stage::parse(&stage) {
            Some(Stage::Decided) => {
                f.decided += n;
                if let Some(o) = outcome.as_deref().and_then(Outcome::parse) {
                    if o.corrects() {
                        f.corrected += n;
                    }
                    if let Some(slot) = f.by_outcome.iter_mut().find(|(k, _)| *k == o) {
                        slot.1 += n;
                    }
                }
            }
            Some(Stage::Settled) => f.settled += n,
            _ => f.withdrawn += n,
        }
    }
    Ok(f)
}

/// The decision (行政复议决定书) as a GB/T 9704 .docx.
pub fn decision_docx(r: &Reconsideration) -> Result<Vec<u8>> {
    use crate::enforcement::documents::{Block, docx};
    let (Some(outcome), Some(text), Some(number), Some(on)) = (
        r.outcome,
        r.decision_text.as_deref(),
        r.number.as_deref(),
        r.closed_on,
    ) else {
        return Err(Error::refused(
            "reconsideration_no_decision",
            "id",
            "尚未作出行政复议决定。",
        ));
    };
    let mut blocks = vec![
        Block::Title("行政复议决定书".into()),
        Block::Right(number.to_string()),
        Block::Plain(format!("申请人：{}", r.applicant)),
        Block::Plain(format!("被申请人：{}", r.respondent)),
        Block::Paragraph(format!(
            "申请人不服被申请人{}，于 {} 向本机关申请行政复议，本机关依法于 {} 受理，适用{}审理。",
            r.act,
            r.received_on,
            r.accepted_on.map(|d| d.to_string()).unwrap_or_default(),
            r.procedure.map_or("", Procedure::label_zh)
        )),
        Block::Paragraph(format!("申请人请求：{}", r.request)),
    ];
    blocks.extend(
        text.lines()
            .filter(|l| !l.trim().is_empty())
            .map(|l| Block::Paragraph(l.trim().to_string())),
    );
    blocks.push(Block::Paragraph(format!(
        "根据{}{}的规定，本机关决定：{}。",
        transition::articles(&r.law).law,
        // The 2017 text has the decisions in one article.
        if r.law == "2017" {
            "第二十八条"
        } else {
            outcome.article()
        },
        outcome.label_zh()
    )));
    blocks.push(Block::Paragraph(
        "申请人如不服本决定，可以自收到本决定书之日起十五日内向人民法院提起行政诉讼（《中华人民共和国行政诉讼法》第四十五条）。".into(),
    ));
    blocks.push(Block::Right("诸暨市人民政府".into()));
    blocks.push(Block::Right(crate::enforcement::cases::date_zh(Some(
        &on.to_string(),
    ))));
    docx(&blocks)
}
