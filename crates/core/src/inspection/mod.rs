//! Inspections (行政检查): joint visits planned to disturb enterprises least (综合查一次).

pub mod planner;
pub mod synthetic;
