//! What an operation that moves a workflow record needs besides its input, in one value: the
//! store, who acts, the keys for personal data, and the legal clock (the calendar and warning
//! policy in force, and the day it is in China). The web builds one per request from the
//! application state; a job or the console builds its own.

use fazhi_store::Store;

use crate::access::Actor;
use crate::deadlines::Clock;
use crate::vault::Keyring;

#[derive(Clone, Copy)]
pub struct Ctx<'a> {
    pub store: &'a Store,
    pub actor: &'a Actor,
    pub keyring: &'a Keyring,
    pub clock: Clock<'a>,
}
