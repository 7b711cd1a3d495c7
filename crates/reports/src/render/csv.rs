//! The pack's rows as one CSV table: an action or an indicator a row, with
//! its plan and the heading of the thread it sits under.

use super::{RenderError, action_rows, indicator_rows};
use crate::pack::ReportPack;

const HEADINGS: [&str; 17] = [
    "record",
    "plan",
    "thread",
    "code",
    "title",
    "lead_officer",
    "due",
    "revised_due",
    "status",
    "rag",
    "period",
    "value",
    "target",
    "direction_previous_period",
    "direction_year_before",
    "flags",
    "commentary",
];

pub fn render(pack: &ReportPack) -> Result<Vec<u8>, RenderError> {
    let mut out = ::csv::Writer::from_writer(Vec::new());
    let fail = |e: ::csv::Error| RenderError::Csv(e.to_string());
    out.write_record(HEADINGS).map_err(fail)?;
    for (thread, a) in action_rows(pack) {
        out.write_record([
            "action",
            &a.plan,
            thread,
            &a.code,
            &a.title,
            &a.lead,
            &a.due,
            a.revised_due.as_deref().unwrap_or(""),
            a.status_label,
            a.rag,
            "",
            "",
            "",
            "",
            "",
            &a.flags.join("; "),
            &a.commentary,
        ])
        .map_err(fail)?;
    }
    for (thread, i) in indicator_rows(pack) {
        let number = |v: Option<f64>| v.map(|v| v.to_string()).unwrap_or_default();
        out.write_record([
            "indicator",
            &i.plan,
            thread,
            &i.code,
            &i.title,
            "",
            "",
            "",
            i.rag_label,
            i.rag,
            i.period.as_deref().unwrap_or(""),
            &number(i.value),
            &number(i.target),
            i.trend_previous,
            i.trend_year,
            "",
            &i.note,
        ])
        .map_err(fail)?;
    }
    out.into_inner()
        .map_err(|e| RenderError::Csv(e.to_string()))
}
