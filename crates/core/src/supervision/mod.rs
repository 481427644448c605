//! Enforcement supervision (行政执法监督): every case file evaluated automatically (案卷评查),
//! supervision notices to agencies with their rectification (监督通知与整改), manual
//! evaluation of a drawn sample (人工评查抽样), self-inspection and supervisory inspection
//! (部门自查, 执法检查), administrative-to-criminal transfer (行刑衔接), violation leads (线索),
//! performance evaluation (效能评价), and bulletins (工作通报).

pub mod bulletins;
pub mod evaluation;
pub mod leads;
pub mod notices;
pub mod performance;
pub mod sampling;
pub mod self_inspection;
pub mod sheet;
pub mod sheet_settings;
pub mod transfers;
