//! Administrative contracts (行政合同) of the government, departments and towns: a register and
//! a workflow record on the case's pattern (`transition`: pure steps, the next first; `repo`:
//! versioned writes). A major contract — marked so, or of at least `MAJOR_AMOUNT` — cannot be
//! signed without a concluded legality review of kind "contract" of its own unit, not found
//! unlawful; its filing (备案) is recorded; its performance milestones run on the deadline
//! engine. Disputes will link here when that module exists.

mod repo;
pub mod transition;

use fazhi_kernel::money::Fen;
use fazhi_store::Store;
use serde::Serialize;

pub use transition::{
    Action, AdministrativeContract, MAJOR_AMOUNT, Milestone, ReviewFacts, Stage, Step,
    allowed_steps,
};

use crate::{Actor, Ctx, Error, Permission, Refusals, Result};

/// The unit's handlers keep their contracts; the supervisors read every unit's.
const KEEPERS: [Permission; 1] = [Permission::CaseHandle];
const READERS: [Permission; 3] = [
    Permission::CaseHandle,
    Permission::SupervisionManage,
    Permission::NormativeManage,
];

/// Registers a contract being drafted for the actor's unit.
pub async fn create(
    ctx: &Ctx<'_>,
    title: &str,
    counterparty: &str,
    amount_yuan: &str,
    marked_major: bool,
) -> Result<i64> {
    ctx.actor.require_any(&KEEPERS)?;
    let mut r = Refusals::default();
    if title.trim().is_empty() {
        r.push(Error::invalid("title", "请填写合同名称。"));
    }
    if counterparty.trim().is_empty() {
        r.push(Error::invalid("counterparty", "请填写合同相对方。"));
    }
    let amount = r.take(
        Fen::parse_yuan(amount_yuan.trim())
            .map_err(|e| Error::invalid("amount", format!("合同金额{}。", e.message_zh()))),
    )?;
    r.finish()?;
    let amount = amount.unwrap_or_default();
    let major = marked_major || amount >= MAJOR_AMOUNT;
    let mut tx = ctx.store.begin().await?;
    let id = repo::insert(
        &mut tx,
        ctx.actor,
        title.trim(),
        counterparty.trim(),
        amount.0,
        major,
        ctx.actor.scope.department_id,
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

pub async fn get(store: &Store, actor: &Actor, id: i64) -> Result<AdministrativeContract> {
    actor.require_any(&READERS)?;
    repo::load(&mut *store.conn().await?, actor, id).await
}

pub async fn apply(ctx: &Ctx<'_>, id: i64, seen_version: i64, action: &Action) -> Result<()> {
    ctx.actor.require_any(&KEEPERS)?;
    let mut tx = ctx.store.begin().await?;
    let c = repo::load(tx.conn(), ctx.actor, id).await?;
    crate::lock_seen(
        &mut tx,
        "administrative_contracts",
        id,
        seen_version,
        c.version,
    )
    .await?;
    let change = transition::transition(&c, action, ctx.clock.today)?;
    repo::write(&mut tx, ctx, &c, &change).await?;
    tx.commit().await?;
    Ok(())
}

#[derive(Clone, Debug, Serialize)]
pub struct Listed {
    pub id: i64,
    pub title: String,
    pub counterparty: String,
    pub department: String,
    pub amount_fen: i64,
    pub major: bool,
    pub stage: Stage,
    pub reviewed: bool,
    pub signed_on: Option<String>,
}

/// The contracts in the actor's scope, newest first.
pub async fn list(
    store: &Store,
    actor: &Actor,
    after: Option<i64>,
) -> Result<fazhi_store::page::Page<Listed>> {
    use fazhi_store::Row;
    actor.require_any(&READERS)?;
    let keyset = fazhi_store::page::Keyset::new(after, Some(50));
    let mut sql = fazhi_store::Sql::new(
        "SELECT c.id, c.title, c.counterparty, d.name AS department, c.amount_fen, c.major, c.stage,
                c.review_id, c.signed_on
         FROM administrative_contracts c JOIN departments d ON d.id = c.department_id WHERE ",
    );
    sql.append(
        actor
            .scope
            .condition("c", fazhi_store::scope::RECORD_COLUMNS),
    );
    keyset.apply(&mut sql, "c.id");
    let items = sql
        .fetch_all(&mut *store.conn().await?)
        .await?
        .iter()
        .map(|r| {
            let stage: String = r.try_get("stage")?;
            Ok(Listed {
                id: r.try_get("id")?,
                title: r.try_get("title")?,
                counterparty: r.try_get("counterparty")?,
                department: r.try_get("department")?,
                amount_fen: r.try_get("amount_fen")?,
                major: fazhi_store::flag(r.try_get("major")?),
                stage: Stage::parse(&stage)
                    .ok_or_else(|| Error::malformed(format!("contract stage {stage}")))?,
                reviewed: r.try_get::<Option<i64>, _>("review_id")?.is_some(),
                signed_on: r.try_get("signed_on")?,
            })
        })
        .collect::<Result<Vec<_>>>()?;
    Ok(keyset.finish(items, |l| l.id))
}
