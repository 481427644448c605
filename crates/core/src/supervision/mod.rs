//! Enforcement supervision (行政执法监督): every case file evaluated automatically (案卷评查).

pub mod evaluation;
pub mod sheet;
