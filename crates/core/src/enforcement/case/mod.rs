//! The penalty case (行政处罚案件) as one aggregate, and the workflow pattern every record that
//! moves through stages under time limits copies:
//!
//! - `model`: the typed record (`Case`, `Stage`, `Decision`, `DeliveryMethod` …);
//! - `transition`: pure functions — which steps are open now (`allowed_steps`, the next one
//!   first) and what one step writes (`transition` → `Change`), each refusal with its reason
//!   and article;
//! - `repo`: the only writer of `cases` — a `Change` applied with a versioned update on the row
//!   locked before the step was worked out, its deadlines, timeline event and audit entry in
//!   the same transaction;
//! - `apply` (here): lock, load, work out, write.
//!
//! Filing, lists and documents stay in `cases`; the evaluation sheet reads the record.

pub mod action;
pub mod model;
pub mod repo;
pub mod transition;

use fazhi_kernel::calendar::Calendar;
use fazhi_store::Store;

pub use super::stage::Stage;
pub use model::{Case, Decision, DeliveryMethod, DisputeOutcome, Procedure, delivery_method_name};
pub use transition::{
    Action, Change, Inputs, Step, allowed_steps, next_steps, refusal, transition,
};

use crate::access::{Actor, Permission};
use crate::{Error, Result};

/// Applies one step to case `id`. The actor must handle cases and see this one; a form made
/// from another version than the stored one (`seen_version`, which every step form carries) is
/// refused with `Conflict`.
pub async fn apply(
    ctx: &crate::Ctx<'_>,
    id: i64,
    seen_version: i64,
    action: &Action,
) -> Result<()> {
    let (store, actor, clock) = (ctx.store, ctx.actor, ctx.clock);
    actor.require(Permission::CaseHandle)?;
    let mut tx = store.begin().await?;
    repo::in_scope(tx.conn(), actor, id).await?;
    // Locked before the step is worked out: eight identical "decide" requests give one
    // decision and one number, the others a conflict.
    let version = tx.lock_row("cases", id).await?.ok_or(Error::NotFound)?;
    if seen_version != version {
        return Err(Error::Conflict);
    }
    let case = repo::load(tx.conn(), id).await?;
    let inputs = inputs_for(&mut tx, &case, action).await?;
    let change = transition(&case, action, clock.cal, clock.today, &inputs)?;
    repo::write(&mut tx, actor, clock, &case, change).await?;
    tx.commit().await?;
    Ok(())
}

/// A reconsideration or suit on the case, followed from the record that handles it, inside
/// that record's step's transaction: `Dispute` when it is accepted, `DisputeConcluded` when it
/// ends. The reconsideration body's authority is its own, not case handling. Applied only
/// where the case's step is open (a delivered fine); returns whether it was.
pub async fn follow_dispute(
    tx: &mut fazhi_store::Tx,
    actor: &Actor,
    clock: crate::deadlines::Clock<'_>,
    id: i64,
    action: &Action,
) -> Result<bool> {
    tx.lock_row("cases", id).await?.ok_or(Error::NotFound)?;
    let case = repo::load(tx.conn(), id).await?;
    if refusal(&case, action.step()).is_some() {
        return Ok(false);
    }
    let inputs = inputs_for(tx, &case, action).await?;
    let change = transition(&case, action, clock.cal, clock.today, &inputs)?;
    repo::write(tx, actor, clock, &case, change).await?;
    Ok(true)
}

/// What the step needs from outside the case: for a proposal or a decision, the item's
/// benchmarks and (deciding) the department's publication rule on the decision day; for
/// archiving, the evaluation's machine findings still open.
async fn inputs_for(tx: &mut fazhi_store::Tx, case: &Case, action: &Action) -> Result<Inputs> {
    let mut inputs = Inputs::default();
    match action {
        Action::Decide { on, .. } => {
            inputs.benchmarks = super::benchmarks::versions_in(tx, &case.item_code).await?;
            inputs.publication = Some(
                super::publication::publication_rule(tx.conn(), case.department_id, *on).await?,
            );
        }
        Action::PriorNotice { .. } => {
            inputs.benchmarks = super::benchmarks::versions_in(tx, &case.item_code).await?;
        }
        Action::LegalReview { .. } => {
            inputs.reviews = crate::review::of_case(tx.conn(), case.id).await?;
        }
        Action::Archive { .. } => {
            inputs.open_findings = sqlx::query_scalar(
                "SELECT rule_code FROM case_findings WHERE case_id = $1 ORDER BY rule_code",
            )
            .bind(case.id)
            .fetch_all(tx.conn())
            .await?;
        }
        _ => {}
    }
    Ok(inputs)
}

/// The steps `actor` may take on case `id` today, the next one first, and the case (whose
/// version the forms carry). Someone who does not handle cases gets none.
pub async fn open_steps(
    store: &Store,
    actor: &Actor,
    cal: &Calendar,
    id: i64,
) -> Result<(Vec<Step>, Case)> {
    actor.require(Permission::CaseRead)?;
    let mut conn = store.pool().acquire().await?;
    repo::in_scope(&mut conn, actor, id).await?;
    let case = repo::load(&mut conn, id).await?;
    let steps = if actor.can(Permission::CaseHandle) {
        next_steps(&case, cal, crate::deadlines::china_today())
    } else {
        Vec::new()
    };
    Ok((steps, case))
}
