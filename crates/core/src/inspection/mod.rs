//! Inspections (行政检查): inspection records and the officers' certificates, the inspections that
//! only disturb and the joint-visit figures, and joint visits planned to disturb enterprises least
//! (综合查一次).

pub mod acts;
pub mod disturbance;
pub mod draws;
pub mod entities;
pub mod joint_plans;
pub mod planner;
pub mod records;
pub mod scenarios;
pub mod synthetic;
