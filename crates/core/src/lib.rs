//! fazhi's domain modules. Each module keeps its `model` (types), `rules` (pure checks),
//! `repo` (its SQL) and `service` (the operations the web and the CLI call).
//!
//! Architecture invariant: nothing here renders HTML or parses HTTP; every service operation
//! takes the acting `Actor`, checks its permission, reads through its data scope and writes its
//! audit entry in the same transaction as the change.

// The document context (`cases::document_context`) is one json! literal of some depth.
#![recursion_limit = "256"]

pub mod access;
#[macro_use]
mod codes;
pub mod annual_report;
pub mod audit;
pub mod auth;
pub mod calendar;
pub mod contracts;
mod ctx;
pub mod dashboard;
pub mod deadlines;
pub mod decisions;
pub mod demo;
pub mod disputes;
pub mod enforcement;
mod error;
pub mod inspection;
pub mod jobs;
pub mod listing;
pub mod litigation;
pub mod long_jobs;
pub mod messages;
pub mod normative;
pub mod org;
pub mod portal_identity;
pub mod reconsideration;
pub mod review;
pub mod settings;
pub mod supervision;
pub mod vault;
pub mod visitor;
pub mod workflow;
pub mod xlsx;

pub use access::{Actor, AdminKind, Permission};
pub use ctx::Ctx;
pub(crate) use ctx::lock_seen;
pub use error::{Error, Refusals, Result};
