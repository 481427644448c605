//! The kernel: legal time (working-day calendar, deadlines), identifiers (USCC, resident ID,
//! division codes) and personal-data detection and masking.
//!
//! Architecture invariant: the kernel does no I/O and is not async.
