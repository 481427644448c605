//! The kernel: legal time (working-day calendar, periods, deadlines), identifiers (USCC,
//! resident ID, division codes) and personal-data detection and masking.
//!
//! Architecture invariant: the kernel does no I/O and is not async.

pub mod calendar;
pub mod date;
pub mod deadline;
pub mod ids;
pub mod money;
pub mod period;
pub mod personal;
