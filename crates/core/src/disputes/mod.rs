//! The one window (一站式纠纷综合受理, 一窗受理、自动流转): disputes taken in at the window, online
//! and from the 12345 hotline; routed by rules kept as data (`routing`), every routing
//! explained and recorded; mediated up three levels (village → town → city) on the simple or
//! the complex track, each level's limit on the deadline engine and escalation when it lapses;
//! closed by agreement (with judicial confirmation), referral or withdrawal; followed up; and
//! counted by kind, town and level.
//!
//! On the case's workflow pattern: `transition` is pure (the open steps, the next first; what
//! a step changes), `repo` writes a step's change with its limits and audit entry in one
//! transaction, and `apply` checks the version the person saw.

mod demo;
mod import;
mod repo;
pub mod routing;
pub mod transition;

use chrono::NaiveDate;
use fazhi_store::scope::RECORD_COLUMNS;
use fazhi_store::{Row, Sql, Store};
use serde::Serialize;

pub use demo::seed_demo;
pub use import::{HotlineLine, import_json_lines};
pub use repo::{NewParty, Routing, SUBJECT};
pub use transition::{
    Action, Cause, Channel, Dispute, Handler, Kind, Level, Party, Satisfaction, Stage, Step,
    Target, Track, allowed_steps,
};

use crate::{Actor, Ctx, Error, Permission, Refusals, Result};

const HANDLERS: [Permission; 2] = [Permission::DisputeHandle, Permission::DisputeManage];

pub use crate::org::{Town, towns};

pub async fn town_list(store: &Store) -> Result<Vec<Town>> {
    towns(&mut *store.conn().await?).await
}

/// A dispute as taken in, text as typed; checked by `check`.
#[derive(Clone, Debug, Default)]
pub struct Intake<'a> {
    pub hotline_ref: Option<&'a str>,
    pub kind: Option<Kind>,
    pub town_id: Option<i64>,
    pub village: &'a str,
    pub description: &'a str,
    pub amount: Option<i64>,
    pub party_count: Option<i64>,
    pub applicant: &'a str,
    pub applicant_phone: &'a str,
    pub respondent: &'a str,
    pub respondent_phone: &'a str,
    pub received_on: Option<NaiveDate>,
}

/// The largest amount a dispute may name: 100 billion yuan, past which it is a typing error.
const AMOUNT_MAX: i64 = 100_000_000_000;
/// The most parties one dispute counts (a large group dispute), past which it is a typing error.
const PARTIES_MAX: i64 = 100_000;
/// How far back a dispute taken in may be dated: a year, past which it is a typing error (the
/// window registers disputes it receives, not history).
const RECEIVED_WITHIN_DAYS: i64 = 366;

struct Checked<'a> {
    kind: Kind,
    town: Town,
    received_on: NaiveDate,
    party_count: i64,
    parties: Vec<NewParty>,
    village: &'a str,
    description: &'a str,
}

fn check<'a>(i: &Intake<'a>, today: NaiveDate, towns: &[Town]) -> Result<Checked<'a>> {
    let mut r = Refusals::default();
    let need = |r: &mut Refusals, field: &'static str, v: &str, what: &str, max: usize| {
        let n = v.trim().chars().count();
        if n == 0 {
            r.push(Error::invalid(field, format!("请填写{what}。")));
        } else if n > max {
            r.push(Error::invalid(
                field,
                format!("{what}不超过 {max} 字，现为 {n} 字。"),
            ));
        }
    };
    need(&mut r, "applicant", i.applicant, "申请人", 50);
    need(&mut r, "description", i.description, "纠纷情况", 5000);
    need(&mut r, "village", i.village, "所在村（社区）", 30);
    let village = i.village.trim();
    if !village.is_empty()
        && (!(village.ends_with('村') || village.ends_with("社区"))
            || village.chars().any(|c| !c.is_alphanumeric()))
    {
        r.push(Error::invalid(
            "village",
            "所在村（社区）请写村或社区的名称，如“湄池村”“城西社区”。",
        ));
    }
    if i.respondent.trim().chars().count() > 50 {
        r.push(Error::invalid("respondent", "对方当事人不超过 50 字。"));
    }
    if i.kind.is_none() {
        r.push(Error::invalid("kind", "请选择纠纷类型。"));
    }
    let phone = |r: &mut Refusals, field: &'static str, v: &str, required: bool| {
        let v = v.trim();
        if v.is_empty() {
            if required {
                r.push(Error::invalid(field, "请填写联系电话（手机号码）。"));
            }
            return None;
        }
        match fazhi_kernel::ids::contact::Mobile::parse(v) {
            Ok(m) => Some(m),
            Err(e) => {
                r.push(Error::invalid(
                    field,
                    format!("手机号码“{v}”{}。", e.message_zh()),
                ));
                None
            }
        }
    };
    let applicant_phone = phone(&mut r, "applicant_phone", i.applicant_phone, true);
    let respondent_phone = phone(&mut r, "respondent_phone", i.respondent_phone, false);
    if let Some(a) = i.amount
        && !(0..=AMOUNT_MAX).contains(&a)
    {
        r.push(Error::invalid(
            "amount",
            "涉及金额应为 0 至 1000 亿元之间的整数（元）。",
        ));
    }
    let named = 1 + i64::from(!i.respondent.trim().is_empty());
    let party_count = i.party_count.unwrap_or(named);
    if !(named..=PARTIES_MAX).contains(&party_count) {
        r.push(Error::invalid(
            "party_count",
            format!("当事人人数应在已填写的 {named} 人至 {PARTIES_MAX} 人之间。"),
        ));
    }
    match i.received_on {
        None => r.push(Error::invalid("received_on", "请填写受理日期。")),
        Some(d) if d > today => r.push(Error::invalid("received_on", "受理日期在今天之后。")),
        Some(d) if d < today - chrono::Duration::days(RECEIVED_WITHIN_DAYS) => {
            r.push(Error::invalid(
                "received_on",
                format!("受理日期 {d} 早于一年前：登记的是正在受理的纠纷，请核对日期。"),
            ))
        }
        _ => {}
    }
    let town = match i.town_id {
        None => {
            r.push(Error::invalid("town_id", "请选择所在镇乡（街道）。"));
            None
        }
        Some(id) => {
            let found = towns.iter().find(|t| t.department_id == id).cloned();
            if found.is_none() {
                r.push(Error::invalid("town_id", "所选镇乡（街道）不存在。"));
            }
            found
        }
    };
    r.finish()?;
    let (Some(kind), Some(town), Some(received_on)) = (i.kind, town, i.received_on) else {
        return Err(Error::NotFound);
    };
    let mut parties = vec![NewParty {
        side: "applicant",
        name: i.applicant.trim().to_string(),
        phone: applicant_phone,
    }];
    if !i.respondent.trim().is_empty() {
        parties.push(NewParty {
            side: "respondent",
            name: i.respondent.trim().to_string(),
            phone: respondent_phone,
        });
    }
    Ok(Checked {
        kind,
        town,
        received_on,
        party_count,
        parties,
        village: i.village.trim(),
        description: i.description.trim(),
    })
}

/// Resolves a routing decision's unit to the department that tracks it.
async fn target_of(
    conn: &mut sqlx::AnyConnection,
    d: routing::Decision,
    town_id: i64,
) -> Result<Target> {
    let department_id = match &d.unit {
        routing::Unit::Town => town_id,
        routing::Unit::Named(name) => {
            sqlx::query_scalar::<_, i64>("SELECT id FROM departments WHERE name = $1")
                .bind(name)
                .fetch_optional(conn)
                .await?
                .ok_or_else(|| {
                    Error::refused(
                        "dispute_routing_unit_missing",
                        "kind",
                        format!("分流规则指向的部门“{name}”不在组织机构中，请维护分流规则。"),
                    )
                })?
        }
    };
    Ok(Target {
        handler: d.handler,
        name: d.name,
        department_id,
        track: d.track,
        rule_no: d.rule_no,
        explanation: d.explanation,
    })
}

/// Takes a dispute in and routes it by the rules in force: the handler, the track and the
/// first level's limit, all in one transaction.
pub async fn register(ctx: &Ctx<'_>, channel: Channel, i: &Intake<'_>) -> Result<i64> {
    register_as(ctx, channel, i, None).await
}

async fn register_as(
    ctx: &Ctx<'_>,
    channel: Channel,
    i: &Intake<'_>,
    applicant_index: Option<&str>,
) -> Result<i64> {
    ctx.actor.require_any(&HANDLERS)?;
    let rules = routing::in_force(ctx.store).await?;
    let mut tx = ctx.store.begin().await?;
    let towns = towns(tx.conn()).await?;
    let id = register_in(&mut tx, ctx, (&rules, &towns), channel, i, applicant_index).await?;
    tx.commit().await?;
    Ok(id)
}

/// Checks, routes and inserts one dispute in the caller's transaction (an import writes many in
/// one).
async fn register_in(
    tx: &mut fazhi_store::Tx,
    ctx: &Ctx<'_>,
    (rules, towns): (&routing::Rules, &[Town]),
    channel: Channel,
    i: &Intake<'_>,
    applicant_index: Option<&str>,
) -> Result<i64> {
    let c = check(i, ctx.clock.today, towns)?;
    if let Some(reference) = i.hotline_ref {
        let dup: Option<i64> = sqlx::query_scalar("SELECT id FROM disputes WHERE hotline_ref = $1")
            .bind(reference)
            .fetch_optional(tx.conn())
            .await?;
        if let Some(id) = dup {
            return Err(Error::refused(
                "dispute_hotline_duplicate",
                "hotline_ref",
                format!("12345 工单 {reference} 已登记为纠纷 {id}。"),
            ));
        }
    }
    let decision = rules.route(&routing::Facts {
        kind: c.kind,
        town: &c.town.town,
        village: c.village,
        amount: i.amount,
        parties: c.party_count,
    });
    let to = target_of(tx.conn(), decision, c.town.department_id).await?;
    repo::insert(
        tx,
        ctx,
        rules,
        &repo::NewDispute {
            channel,
            hotline_ref: i.hotline_ref,
            kind: c.kind,
            town_id: c.town.department_id,
            village: c.village,
            description: c.description,
            amount: i.amount,
            party_count: c.party_count,
            applicant_index,
            received_on: c.received_on,
            parties: &c.parties,
        },
        &to,
    )
    .await
}

/// Where a dispute now is — its number, its handler and the last routing's explanation — for
/// the person who just took it in or moved it out of their own scope (a town clerk escalating
/// to the city): they are told where it went, though they no longer see it.
pub async fn handed_to(store: &Store, id: i64) -> Result<(String, String, String)> {
    let row = sqlx::query("SELECT received_on, handler_name FROM disputes WHERE id = $1")
        .bind(id)
        .fetch_optional(store.pool())
        .await?
        .ok_or(Error::NotFound)?;
    let received_on = crate::workflow::required_day(&row, "received_on")?;
    let handler_name: String = row.try_get("handler_name")?;
    let explanation: String = sqlx::query_scalar(
        "SELECT explanation FROM dispute_routings WHERE dispute_id = $1 ORDER BY id DESC LIMIT 1",
    )
    .bind(id)
    .fetch_one(store.pool())
    .await?;
    Ok((
        transition::number(received_on, id),
        handler_name,
        explanation,
    ))
}

/// A dispute with its parties and its routings, the first by the rules.
pub struct DisputeFile {
    pub dispute: Dispute,
    pub parties: Vec<Party>,
    pub routings: Vec<Routing>,
}

pub async fn get(store: &Store, actor: &Actor, id: i64) -> Result<DisputeFile> {
    actor.require_any(&HANDLERS)?;
    let mut conn = store.conn().await?;
    let dispute = repo::load(&mut conn, actor, id).await?;
    Ok(DisputeFile {
        parties: repo::parties(&mut conn, id).await?,
        routings: repo::routings(&mut conn, id).await?,
        dispute,
    })
}

/// Where a step sends the dispute: the level above, the rules again under a new kind, or the
/// person's choice.
async fn target_for(
    conn: &mut sqlx::AnyConnection,
    rules: &routing::Rules,
    d: &Dispute,
    action: &Action,
) -> Result<Option<Target>> {
    match action {
        Action::Escalate { .. } => {
            let Some(up) = d.handler.above() else {
                return Ok(None);
            };
            let (name, unit) = rules.handler_of(up, None, None, &d.town, &d.village);
            let decision = routing::Decision {
                rule_no: None,
                explanation: format!(
                    "{}未化解 → {name}（{}）",
                    d.handler_name,
                    d.track.label_zh()
                ),
                handler: up,
                name,
                unit,
                track: d.track,
            };
            Ok(Some(target_of(conn, decision, d.town_id).await?))
        }
        Action::ChangeKind { kind, .. } => {
            let decision = rules.route(&routing::Facts {
                kind: *kind,
                town: &d.town,
                village: &d.village,
                amount: d.amount,
                parties: d.party_count,
            });
            Ok(Some(target_of(conn, decision, d.town_id).await?))
        }
        Action::Reroute {
            handler,
            department_id,
            track,
            ..
        } => {
            let (name, unit) = match (handler.level(), department_id) {
                (Some(_), _) => rules.handler_of(*handler, None, None, &d.town, &d.village),
                (None, Some(dep)) => {
                    let dep_name: String =
                        sqlx::query_scalar("SELECT name FROM departments WHERE id = $1")
                            .bind(dep)
                            .fetch_optional(&mut *conn)
                            .await?
                            .ok_or_else(|| Error::invalid("department_id", "所选部门不存在。"))?;
                    (
                        format!("{}（{dep_name}）", handler.label_zh()),
                        routing::Unit::Named(dep_name),
                    )
                }
                (None, None) => {
                    return Err(Error::invalid(
                        "department_id",
                        format!("移交{}，请选择跟踪办理的部门。", handler.label_zh()),
                    ));
                }
            };
            let decision = routing::Decision {
                rule_no: None,
                explanation: format!("人工改派 → {name}（{}）", track.label_zh()),
                handler: *handler,
                name,
                unit,
                track: *track,
            };
            Ok(Some(target_of(conn, decision, d.town_id).await?))
        }
        _ => Ok(None),
    }
}

pub async fn apply(ctx: &Ctx<'_>, id: i64, seen_version: i64, action: &Action) -> Result<()> {
    ctx.actor.require_any(&HANDLERS)?;
    if matches!(action, Action::Reroute { .. }) {
        // Overriding the rules is the window's call, not the handler's.
        ctx.actor.require(Permission::DisputeManage)?;
    }
    let rules = routing::in_force(ctx.store).await?;
    let mut tx = ctx.store.begin().await?;
    let d = repo::load(tx.conn(), ctx.actor, id).await?;
    crate::lock_seen(&mut tx, "disputes", id, seen_version, d.version).await?;
    let target = target_for(tx.conn(), &rules, &d, action).await?;
    let change = transition::transition(&d, action, target, ctx.clock.cal, ctx.clock.today)?;
    repo::write(&mut tx, ctx, &rules, &d, &change).await?;
    tx.commit().await?;
    Ok(())
}

/// Escalates every open mediation whose level's limit ran out before `today` (village → town,
/// town → city), each in its own transaction, as the system. Returns how many moved.
pub async fn escalate_overdue(
    store: &Store,
    keyring: &crate::vault::Keyring,
    today: NaiveDate,
) -> Result<usize> {
    let actor = Actor::system("disputes.escalate", &[Permission::DisputeHandle]);
    let (cal, policy) = crate::deadlines::in_force(store).await?;
    let ctx = Ctx {
        store,
        actor: &actor,
        keyring,
        clock: crate::deadlines::Clock {
            cal: &cal,
            policy,
            today,
        },
    };
    let due: Vec<(i64, i64, String)> = sqlx::query_as(
        "SELECT d.id, d.version, dl.due_on FROM disputes d
         JOIN deadlines dl ON dl.subject_type = 'dispute' AND dl.subject_id = CAST(d.id AS TEXT)
           AND dl.state <> 'met' AND dl.article <> $1
         WHERE d.stage = 'open' AND d.handler IN ('village', 'town') AND dl.due_on < $2
         ORDER BY d.id",
    )
    .bind(transition::ART_CONFIRM)
    .bind(today.to_string())
    .fetch_all(store.pool())
    .await?;
    let mut moved = 0;
    for (id, version, due_on) in due {
        let reason = format!("本级调解期限（{due_on} 届满）已过仍未化解，自动升级。");
        match apply(&ctx, id, version, &Action::Escalate { on: today, reason }).await {
            Ok(()) => moved += 1,
            // Someone acted on it meanwhile: the next run sees its new state.
            Err(Error::Conflict) => {}
            Err(e) => return Err(e),
        }
    }
    Ok(moved)
}

#[derive(Clone, Debug, Default)]
pub struct Filter {
    pub stage: Option<Stage>,
    pub kind: Option<Kind>,
    pub town_id: Option<i64>,
    pub handler: Option<Handler>,
    pub received_in: Option<i32>,
    /// Only the open ones whose level's limit has run out.
    pub overdue: bool,
    /// Only those that went up at least one level.
    pub escalated: bool,
}

/// A row of the desk: the dispute and the day its current level's limit runs out.
pub struct DeskRow {
    pub dispute: Dispute,
    pub due_on: Option<String>,
}

fn filtered(sql: &mut Sql, f: &Filter, today: NaiveDate) {
    if let Some(s) = f.stage {
        sql.push(" AND d.stage = ").bind(s.code());
    }
    if let Some(k) = f.kind {
        sql.push(" AND d.kind = ").bind(k.code());
    }
    if let Some(t) = f.town_id {
        sql.push(" AND d.town_id = ").bind(t);
    }
    if let Some(h) = f.handler {
        sql.push(" AND d.handler = ").bind(h.code());
    }
    if let Some(y) = f.received_in {
        sql.push(" AND d.received_on >= ")
            .bind(format!("{y:04}-01-01"))
            .push(" AND d.received_on <= ")
            .bind(format!("{y:04}-12-31"));
    }
    if f.overdue {
        sql.push(" AND d.stage = 'open' AND dl.due_on < ")
            .bind(today.to_string());
    }
    if f.escalated {
        sql.push(" AND d.escalations > 0");
    }
}

/// The desk: disputes in the actor's scope, newest first, each with its level's due day.
pub async fn list(
    store: &Store,
    actor: &Actor,
    filter: &Filter,
    today: NaiveDate,
    after: Option<i64>,
) -> Result<fazhi_store::page::Page<DeskRow>> {
    actor.require_any(&HANDLERS)?;
    let keyset = fazhi_store::page::Keyset::new(after, Some(50));
    let mut sql = Sql::new(&format!(
        "SELECT {}, dl.due_on AS due_on {} LEFT JOIN deadlines dl ON dl.subject_type = 'dispute'
           AND dl.subject_id = CAST(d.id AS TEXT) AND dl.state <> 'met' AND dl.article <> ",
        repo::COLUMNS,
        repo::FROM
    ));
    sql.bind(transition::ART_CONFIRM).push(" WHERE ");
    sql.append(actor.scope.condition("d", RECORD_COLUMNS));
    filtered(&mut sql, filter, today);
    keyset.apply(&mut sql, "d.id");
    let items = sql
        .fetch_all(&mut *store.conn().await?)
        .await?
        .iter()
        .map(|row| {
            Ok(DeskRow {
                dispute: repo::from_row(row)?,
                due_on: row.try_get("due_on")?,
            })
        })
        .collect::<Result<Vec<_>>>()?;
    Ok(keyset.finish(items, |r| r.dispute.id))
}

/// One row of the figures: disputes received in the year, and how they stand.
#[derive(Clone, Debug, Default, Serialize, PartialEq, Eq)]
pub struct Tally {
    pub received: i64,
    pub open: i64,
    pub agreed: i64,
    pub confirmed: i64,
    pub referred: i64,
    pub withdrawn: i64,
    pub escalated: i64,
    pub followed_up: i64,
    pub satisfied: i64,
}

impl Tally {
    fn add(&mut self, o: &Tally) {
        self.received += o.received;
        self.open += o.open;
        self.agreed += o.agreed;
        self.confirmed += o.confirmed;
        self.referred += o.referred;
        self.withdrawn += o.withdrawn;
        self.escalated += o.escalated;
        self.followed_up += o.followed_up;
        self.satisfied += o.satisfied;
    }

    /// 化解率: agreements over the disputes closed by agreement or referral (a withdrawal is
    /// the parties' choice, counted neither way).
    pub fn resolution_rate(&self) -> Option<f64> {
        let ended = self.agreed + self.referred;
        (ended > 0).then(|| self.agreed as f64 / ended as f64)
    }

    /// 满意率: satisfied or basically satisfied over the follow-ups.
    pub fn satisfaction_rate(&self) -> Option<f64> {
        (self.followed_up > 0).then(|| self.satisfied as f64 / self.followed_up as f64)
    }
}

/// The year's disputes (by the day received) in the actor's scope: all, by kind, by town, and
/// by the level (or handler) that holds or closed them.
#[derive(Clone, Debug, Default, Serialize)]
pub struct Figures {
    pub year: i32,
    pub total: Tally,
    pub by_kind: Vec<(Kind, Tally)>,
    /// ((the town's office, its name), tally).
    pub by_town: Vec<((i64, String), Tally)>,
    pub by_handler: Vec<(Handler, Tally)>,
}

pub async fn figures(store: &Store, actor: &Actor, year: i32) -> Result<Figures> {
    let mut sql = Sql::new(
        "SELECT d.kind, d.town_id, r.name AS town, d.handler, d.stage,
            CASE WHEN d.confirmed_on IS NULL THEN 0 ELSE 1 END AS confirmed,
            CASE WHEN d.escalations > 0 THEN 1 ELSE 0 END AS escalated,
            CASE WHEN d.followed_up_on IS NULL THEN 0 ELSE 1 END AS followed,
            CASE WHEN d.satisfaction IN ('satisfied', 'basic') THEN 1 ELSE 0 END AS satisfied,
            COUNT(*) AS n
         FROM disputes d JOIN departments t ON t.id = d.town_id JOIN regions r ON r.id = t.region_id
         WHERE d.received_on >= ",
    );
    sql.bind(format!("{year:04}-01-01"))
        .push(" AND d.received_on <= ")
        .bind(format!("{year:04}-12-31"))
        .push(" AND ")
        .append(actor.scope.condition("d", RECORD_COLUMNS))
        .push(
            " GROUP BY d.kind, d.town_id, r.name, d.handler, d.stage, confirmed, escalated,
              followed, satisfied",
        );
    let mut f = Figures {
        year,
        ..Figures::default()
    };
    for row in sql.fetch_all(&mut *store.conn().await?).await? {
        let n: i64 = row.try_get("n")?;
        let flag = |c: &str| -> Result<i64> { Ok(row.try_get::<i64, _>(c)? * n) };
        let stage: String = row.try_get("stage")?;
        let mut t = Tally {
            received: n,
            confirmed: flag("confirmed")?,
            escalated: flag("escalated")?,
            followed_up: flag("followed")?,
            satisfied: flag("satisfied")?,
            ..Tally::default()
        };
        match Stage::parse(&stage) {
            Some(Stage::Open) => t.open = n,
            Some(Stage::Agreed) => t.agreed = n,
            Some(Stage::Referred) => t.referred = n,
            _ => t.withdrawn = n,
        }
        f.total.add(&t);
        let kind: String = row.try_get("kind")?;
        if let Some(k) = Kind::parse(&kind) {
            add_to(&mut f.by_kind, k, &t);
        }
        let town: String = row.try_get("town")?;
        let town_id: i64 = row.try_get("town_id")?;
        add_to(&mut f.by_town, (town_id, town), &t);
        let handler: String = row.try_get("handler")?;
        if let Some(h) = Handler::parse(&handler) {
            add_to(&mut f.by_handler, h, &t);
        }
    }
    f.by_kind
        .sort_by_key(|(k, _)| Kind::ALL.iter().position(|x| x == k));
    f.by_handler
        .sort_by_key(|(h, _)| Handler::ALL.iter().position(|x| x == h));
    f.by_town
        .sort_by(|a, b| b.1.received.cmp(&a.1.received).then(a.0.0.cmp(&b.0.0)));
    Ok(f)
}

/// Adds `t` to the group `key` of `groups`, starting the group on its first row.
fn add_to<K: PartialEq>(groups: &mut Vec<(K, Tally)>, key: K, t: &Tally) {
    match groups.iter_mut().find(|(k, _)| *k == key) {
        Some((_, sum)) => sum.add(t),
        None => groups.push((key, t.clone())),
    }
}

/// Online intake and the applicant's own view, for the portal: the applicant is the verified
/// identity (`portal_identity`), their disputes found by its blind index.
pub mod portal {
    use super::*;

    /// Takes a dispute in from the portal for the verified applicant, as the window would.
    pub async fn submit(
        store: &Store,
        keyring: &crate::vault::Keyring,
        who: &crate::portal_identity::Verified,
        i: &Intake<'_>,
    ) -> Result<i64> {
        // The audit entry names the verified applicant (masked), as 公众（门户网站）.
        let actor = Actor {
            name: format!("portal:{}", who.id_masked),
            display_name: "公众（门户网站）".into(),
            ..Actor::system("portal.disputes", &[Permission::DisputeHandle])
        };
        let (cal, policy) = crate::deadlines::in_force(store).await?;
        let today = crate::deadlines::china_today();
        let ctx = Ctx {
            store,
            actor: &actor,
            keyring,
            clock: crate::deadlines::Clock {
                cal: &cal,
                policy,
                today,
            },
        };
        let intake = Intake {
            applicant: &who.name,
            applicant_phone: &who.mobile,
            received_on: Some(today),
            hotline_ref: None,
            ..i.clone()
        };
        register_as(&ctx, Channel::Portal, &intake, Some(&who.index)).await
    }

    /// The applicant's disputes, newest first.
    pub async fn mine(
        store: &Store,
        who: &crate::portal_identity::Verified,
    ) -> Result<Vec<Dispute>> {
        let mut sql = Sql::new(&format!(
            "SELECT {} {} WHERE d.applicant_index = ",
            repo::COLUMNS,
            repo::FROM
        ));
        sql.bind(who.index.clone())
            .push(" ORDER BY d.id DESC LIMIT 200");
        sql.fetch_all(&mut *store.conn().await?)
            .await?
            .iter()
            .map(repo::from_row)
            .collect()
    }

    /// One of the applicant's disputes with its routings; another's is not found.
    pub async fn one(
        store: &Store,
        who: &crate::portal_identity::Verified,
        id: i64,
    ) -> Result<DisputeFile> {
        let mut conn = store.conn().await?;
        let mut sql = Sql::new(&format!(
            "SELECT {} {} WHERE d.applicant_index = ",
            repo::COLUMNS,
            repo::FROM
        ));
        sql.bind(who.index.clone()).push(" AND d.id = ").bind(id);
        let row = sql
            .fetch_optional(&mut conn)
            .await?
            .ok_or(Error::NotFound)?;
        Ok(DisputeFile {
            dispute: repo::from_row(&row)?,
            parties: repo::parties(&mut conn, id).await?,
            routings: repo::routings(&mut conn, id).await?,
        })
    }
}
