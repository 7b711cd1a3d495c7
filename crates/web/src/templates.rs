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
    "account_bar.html",
    "macros.html",
    "error.html",
    "index.html",
    "dashboard.html",
    "plan.html",
    "action.html",
    "indicator.html",
    "risks.html",
    "reports.html",
    "paging.html",
    "actions_list.html",
    "indicators_list.html",
    "public_base.html",
    "public_index.html",
    "public_reports.html",
    "public_plan.html",
    "public_indicator.html",
    "public_data.html",
    "my_work.html",
    "search.html",
    "import.html",
    "import_preview.html",
    "import_done.html",
    "progress_upload.html",
    "progress_preview.html",
    "progress_done.html",
    "sign_in.html",
    "account.html",
    "set_password.html",
    "admin_accounts.html",
    "admin_account.html",
    "admin_tokens.html",
    "approvals.html",
    "changes.html",
    "action_edit.html",
    "action_remove.html",
    "indicator_edit.html",
    "indicator_remove.html",
    "plan_edit.html",
    "node_edit.html",
    "node_remove.html",
    "risk_edit.html",
    "risk_remove.html",
    "posts.html",
    "plan_review.html",
    "plan_compare.html",
    "plan_order.html",
    "units.html",
    "unit_edit.html",
    "unit_fields.html",
    "rounds.html",
    "round.html",
    "template.html",
);

#[allow(
    clippy::panic,
    reason = "templates are compiled into the binary: one that does not compile is a build defect, caught by every test that starts the app"
)]
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
        .and_then(|t| {
            let page = crate::auth::page_context();
            let bar = account_bar(env, &page)?;
            t.render(context! {
                title,
                message,
                account_bar => Value::from_safe_string(bar),
                csrf_token => page.csrf_token,
            })
        })
        .unwrap_or_else(|_| format!("<h1>{}</h1>", escape(title)))
}

/// Renders a page for the request being served: the page context (who is
/// signed in, the CSRF token) is added to `ctx`. A page rendered for the
/// page cache gets markers instead, filled in per request by
/// [`personalise`], so one cached copy serves every account of a role.
pub fn render(
    env: &Environment<'static>,
    name: &str,
    ctx: Value,
) -> Result<String, minijinja::Error> {
    let (account_bar, csrf_token) = if FOR_CACHE.try_with(|c| *c).unwrap_or(false) {
        (ACCOUNT_BAR_MARKER.to_string(), CSRF_MARKER.to_string())
    } else {
        let page = crate::auth::page_context();
        (account_bar(env, &page)?, page.csrf_token)
    };
    env.get_template(name)?.render(context! {
        account_bar => Value::from_safe_string(account_bar),
        csrf_token,
        ..ctx
    })
}

tokio::task_local! {
    /// Set while a page is rendered for the page cache.
    pub static FOR_CACHE: bool;
}

const ACCOUNT_BAR_MARKER: &str = "<!--goldthread:account-bar-->";
/// Hex digits cannot spell it, and text from documents is escaped, so it
/// marks only where a template put the token.
const CSRF_MARKER: &str = "goldthread-csrf-token-marker";

fn account_bar(
    env: &Environment<'static>,
    page: &crate::auth::PageContext,
) -> Result<String, minijinja::Error> {
    env.get_template("account_bar.html")?.render(context! {
        me => page.account.as_ref().map(|a| Value::from(minijinja::value::Serde(a))),
        role_label => page.account.as_ref().map(|a| a.role.label()),
        csrf_token => &page.csrf_token,
    })
}

/// Fills a cached page's markers for the request being served.
pub fn personalise(env: &Environment<'static>, cached: &str) -> Result<String, minijinja::Error> {
    let page = crate::auth::page_context();
    let bar = account_bar(env, &page)?;
    Ok(cached
        .replacen(ACCOUNT_BAR_MARKER, &bar, 1)
        .replace(CSRF_MARKER, &page.csrf_token))
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

#[cfg(test)]
mod tests {
    /// The Content-Security-Policy allows no inline style or script: a
    /// template that used one would render wrongly in every browser.
    #[test]
    fn no_template_has_inline_style_or_script() {
        for (name, source) in super::TEMPLATES {
            let lower = source.to_lowercase();
            // Script comes from our own assets, never inline.
            for script in lower.split("<script").skip(1) {
                assert!(
                    script.starts_with(" src=\"/assets/")
                        && script
                            .split_once('>')
                            .is_some_and(|(_, rest)| rest.starts_with("</script>")),
                    "{name} has an inline <script"
                );
            }
            for forbidden in [" style=", "<style", " onclick=", " onload=", "javascript:"] {
                assert!(!lower.contains(forbidden), "{name} has {forbidden}");
            }
        }
    }

    /// Every form that changes something carries the CSRF token.
    #[test]
    fn every_post_form_carries_the_csrf_token() {
        for (name, source) in super::TEMPLATES {
            for form in source.split("<form").skip(1) {
                let form = &form[..form.find("</form>").unwrap_or(form.len())];
                if form.contains(r#"method="post""#) {
                    assert!(
                        form.contains("{{ csrf_token }}"),
                        "{name}: a post form without the token"
                    );
                }
            }
        }
    }
}
