//! View models: the status rules applied to the monitoring data for one
//! page. No I/O here; handlers fetch, these compute, templates render.

pub use goldthread_reports::{assess, charts, scope};
pub mod dashboard;
pub mod tree;
