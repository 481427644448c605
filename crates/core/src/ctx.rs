//! What an operation that moves a workflow record needs besides its input, in one value: the
//! store, who acts, the keys for personal data, and the legal clock (the calendar and warning
//! policy in force, and the day it is in China). The web builds one per request from the
//! application state; a job or the console builds its own.

use fazhi_store::{Store, Tx};

use crate::access::Actor;
use crate::deadlines::Clock;
use crate::vault::Keyring;
use crate::{Error, Result};

#[derive(Clone, Copy)]
pub struct Ctx<'a> {
    pub store: &'a Store,
    pub actor: &'a Actor,
    pub keyring: &'a Keyring,
    pub clock: Clock<'a>,
}

/// The second half of a workflow step's read: lock the record's row and check it is still at
/// the version the user saw (`seen`) and that the record was loaded at (`loaded`, read in scope
/// before the lock, so a record outside the scope is "not found" whatever its version).
/// Two people acting at once: one goes on, the other gets `Conflict`.
pub(crate) async fn lock_seen(
    tx: &mut Tx,
    table: &'static str,
    id: i64,
    seen: i64,
    loaded: i64,
) -> Result<()> {
    let version = tx.lock_row(table, id).await?.ok_or(Error::NotFound)?;
    if version != seen || loaded != version {
        return Err(Error::Conflict);
    }
    Ok(())
}
