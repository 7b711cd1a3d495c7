//! Page templates (minijinja), compiled into the binary. HTML is escaped
//! by default; text from imported documents is plain text by then.

use minijinja::{Environment, Value, context};

macro_rules! templates {
    ($($name:literal),+ $(,)?) => {
        &[$(($name, include_str!(concat!("templates/", $name)))),+]
    };
}

const TEMPLATES: &[(&str, &str)] = templates!(
    "base.html",
    "macros.html",
    "error.html",
    "index.html",
    "dashboard.html",
    "plan.html",
    "action.html",
    "indicator.html",
    "risks.html",
    "my_work.html",
    "search.html",
    "import.html",
    "import_preview.html",
    "import_done.html",
);

pub fn environment() -> Environment<'static> {
    let mut env = Environment::new();
    for (name, source) in TEMPLATES {
        if let Err(e) = env.add_template(name, source) {
            // A broken template is a build defect: fail loudly in every test.
            panic!("template {name} does not compile: {e}");
        }
    }
    env
}

/// Renders an error page without needing the app state (errors can happen
/// before a handler has it).
pub fn render_error(title: &str, message: &str) -> String {
    static ENV: std::sync::OnceLock<Environment<'static>> = std::sync::OnceLock::new();
    let env = ENV.get_or_init(environment);
    env.get_template("error.html")
        .and_then(|t| t.render(context! { title, message }))
        .unwrap_or_else(|_| format!("<h1>{}</h1>", escape(title)))
}

pub fn render(
    env: &Environment<'static>,
    name: &str,
    ctx: Value,
) -> Result<String, minijinja::Error> {
    env.get_template(name)?.render(ctx)
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}
