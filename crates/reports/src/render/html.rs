//! One self-contained, print-friendly HTML file (styles inside it, charts
//! as inline SVG), escaped by the template engine.

use crate::pack::ReportPack;
use minijinja::value::Serde;
use minijinja::{Environment, context};

pub fn render(pack: &ReportPack) -> Result<String, minijinja::Error> {
    // A few microseconds to parse: cheaper than keeping an error for ever.
    let mut env = Environment::new();
    env.add_template("report.html", include_str!("../templates/report.html"))?;
    env.get_template("report.html")?
        .render(context! { pack => Serde(pack) })
}
