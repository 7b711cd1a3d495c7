//! Server-side form validation, shown with the GOV.UK error summary.

use serde::Serialize;

/// Errors in field order: (field id, message).
#[derive(Debug, Default, Serialize)]
pub struct FormErrors(pub Vec<FieldError>);

#[derive(Debug, Serialize)]
pub struct FieldError {
    pub field: String,
    pub message: String,
}

/// Said when a form lacks what the page itself put in it (the record's
/// version, a period): not the person's mistake, so they reload.
pub const INCOMPLETE: &str = "The form was incomplete: reload the page and try again";

impl FormErrors {
    /// The one error of a form that came back incomplete, shown at `field`.
    pub fn incomplete(field: &str) -> FormErrors {
        let mut errors = FormErrors::default();
        errors.add(field, INCOMPLETE);
        errors
    }

    pub fn add(&mut self, field: impl Into<String>, message: impl Into<String>) {
        self.0.push(FieldError {
            field: field.into(),
            message: message.into(),
        });
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// Reads a figure as typed: `72.5`, `72.5%`, `£1,200`, ` 3 `, `12,5`
/// (twelve and a half: a comma before anything but three digits is a
/// decimal comma). The importer reads cells by the same rule.
pub fn parse_figure(text: &str) -> Option<f64> {
    goldthread_domain::parse_figure(text).map(|f| f.value)
}

/// A store's reason as a sentence for a page: a capital first, a full stop
/// last ("this plan is archived" → "This plan is archived.").
pub fn sentence(text: &str) -> String {
    let mut out = capitalise(text);
    if !out.ends_with('.') {
        out.push('.');
    }
    out
}

/// The text with a capital first letter.
pub fn capitalise(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn figures_are_read_as_typed() {
        assert_eq!(super::parse_figure("72.5%"), Some(72.5));
        assert_eq!(super::parse_figure("£1,200"), Some(1200.0));
        assert_eq!(super::parse_figure("12,5"), Some(12.5));
        assert_eq!(super::parse_figure("seventy"), None);
        assert_eq!(super::parse_figure("NaN"), None);
        assert_eq!(super::parse_figure(""), None);
    }
}
