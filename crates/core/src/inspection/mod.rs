//! Inspections (行政检查): inspection records and the officers' certificates, and joint visits
//! planned to disturb enterprises least (综合查一次).

pub mod planner;
pub mod records;
pub mod synthetic;
