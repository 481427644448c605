//! Enforcement (行政执法). Today: the catalog of enforcement items and their delegation to
//! towns, and the penalty law's rules as pure functions. Stored penalty cases, discretion
//! benchmarks, documents and publication follow.

pub mod benchmarks;
pub mod case;
pub mod cases;
pub mod catalog;
pub mod disclosure;
pub mod discretion;
pub mod documents;
pub mod figures;
pub mod file_contents;
pub mod ingest;
pub mod ledger;
pub mod publication;
pub mod rules;
pub mod stage;
pub mod synthetic;
