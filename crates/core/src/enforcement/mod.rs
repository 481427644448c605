//! Enforcement (行政执法). Today: the catalog of enforcement items and their delegation to
//! towns. Penalty cases, discretion benchmarks, documents and publication follow.

pub mod catalog;
