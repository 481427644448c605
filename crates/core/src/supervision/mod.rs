//! Enforcement supervision (行政执法监督): every case file evaluated automatically (案卷评查), and
//! supervision notices to agencies with their rectification (监督通知与整改).

pub mod evaluation;
pub mod notices;
pub mod sheet;
