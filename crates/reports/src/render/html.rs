//! Self-contained, print-friendly HTML files (styles inside them, charts
//! as inline SVG), escaped by the template engine: the pack, and the plan
//! document. Both share one stylesheet (`templates/document.css`).

use crate::pack::ReportPack;
use crate::plan_document::{ActionEntry, PrintedPlan, RiskEntry};
use minijinja::value::Serde;
use minijinja::{Environment, context};

fn environment() -> Result<Environment<'static>, minijinja::Error> {
    // A few microseconds to parse: cheaper than keeping an error for ever.
    let mut env = Environment::new();
    env.add_template("document.css", include_str!("../templates/document.css"))?;
    env.add_template("report.html", include_str!("../templates/report.html"))?;
    env.add_template(
        "plan_document.html",
        include_str!("../templates/plan_document.html"),
    )?;
    Ok(env)
}

pub fn render(pack: &ReportPack) -> Result<String, minijinja::Error> {
    environment()?
        .get_template("report.html")?
        .render(context! { pack => Serde(pack) })
}

pub fn render_plan(plan: &PrintedPlan) -> Result<String, minijinja::Error> {
    environment()?
        .get_template("plan_document.html")?
        .render(context! {
            plan => Serde(plan),
            action_headings => ActionEntry::HEADINGS,
            indicator_headings => plan.indicator_headings(),
            risk_headings => RiskEntry::HEADINGS,
        })
}
