//! View models: the status rules applied to the monitoring data for one
//! page. No I/O here; handlers fetch, these compute, templates render.

pub mod assess;
pub mod charts;
pub mod dashboard;
pub mod scope;
pub mod tree;
