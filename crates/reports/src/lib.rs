//! What the council's figures say for a scope and a date: the status rules
//! applied to the monitoring read model (`assess`), the scope a page or a
//! report looks at (`scope`), the charts (`charts`), and the quarterly
//! report pack (`pack`) with its renderings (`render`). The dashboard and
//! every format of the pack are built from the same `pack::Summary`, so
//! they cannot tell different stories. The plan document
//! (`plan_document`) is a plan laid out as the committee approves it. No
//! I/O: callers load the data.

pub mod assess;
pub mod charts;
pub mod pack;
pub mod period;
pub mod plan_document;
pub mod render;
pub mod scope;

pub use pack::{ReportPack, ReportRequest, ScopeChoice};
pub use render::{Format, RenderError};
