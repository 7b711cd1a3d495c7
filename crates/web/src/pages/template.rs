//! The council's plan template, for editors: what it calls each level of
//! its thread and which it uses, which action fields its forms ask for,
//! and the fixed lists behind their select boxes (`/template`).

use super::render;
use crate::AppState;
use crate::auth::Me;
use crate::error::WebError;
use crate::forms::FormErrors;
use axum::Form;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use goldthread_domain::{ActionField, LevelName, NodeLevel, Template};
use goldthread_storage::StoreError;
use serde::{Deserialize, Serialize};

#[derive(Serialize)]
struct LevelRow {
    name: &'static str,
    used: bool,
    label: String,
}

#[derive(Serialize)]
struct FieldRow {
    name: &'static str,
    label: &'static str,
    asked: bool,
}

#[derive(Serialize)]
struct TemplatePage {
    title: &'static str,
    version: i64,
    levels: Vec<LevelRow>,
    fields: Vec<FieldRow>,
    service_roles: String,
    council_priorities: String,
    partnership_agendas: String,
    code_pattern: String,
    errors: FormErrors,
    saved: bool,
}

impl TemplatePage {
    fn of(template: &Template, version: i64, errors: FormErrors, saved: bool) -> TemplatePage {
        TemplatePage {
            title: "Plan template",
            version,
            levels: NodeLevel::ALL
                .iter()
                .map(|&level| LevelRow {
                    name: level.as_str(),
                    used: template.label_of(level).is_some(),
                    label: template
                        .label_of(level)
                        .unwrap_or(level.label())
                        .to_string(),
                })
                .collect(),
            fields: ActionField::ALL
                .iter()
                .map(|&field| FieldRow {
                    name: field.as_str(),
                    label: field.label(),
                    asked: template.action_fields.contains(&field),
                })
                .collect(),
            service_roles: template.service_roles.join("\n"),
            council_priorities: template.council_priorities.join("\n"),
            partnership_agendas: template.partnership_agendas.join("\n"),
            code_pattern: template.code_pattern.clone().unwrap_or_default(),
            errors,
            saved,
        }
    }
}

#[derive(Deserialize, Default)]
pub struct TemplateQuery {
    saved: Option<String>,
}

pub async fn form(
    State(state): State<AppState>,
    Query(query): Query<TemplateQuery>,
) -> Result<Response, WebError> {
    let (template, version) = state.store.template().await?;
    let page = TemplatePage::of(
        &template,
        version,
        FormErrors::default(),
        query.saved.is_some(),
    );
    Ok(render(&state, "template.html", &page)?.into_response())
}

/// The template as the form gives it: `level_{name}` (the words) and
/// `use_{name}` (ticked) per level, `fields` (ticked action fields, in the
/// order the domain lists them) and the lists one entry a line.
fn read_form(pairs: &[(String, String)]) -> (Template, Option<i64>) {
    let value = |name: &str| {
        pairs
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    };
    let ticked = |name: &str, v: &str| pairs.iter().any(|(n, x)| n == name && x == v);
    let levels = NodeLevel::ALL
        .iter()
        .filter(|level| ticked("use", level.as_str()))
        .map(|&level| LevelName {
            level,
            label: value(&format!("level_{}", level.as_str()))
                .unwrap_or_default()
                .trim()
                .to_string(),
        })
        .collect();
    let list = |name: &str| -> Vec<String> {
        value(name)
            .unwrap_or_default()
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .map(str::to_string)
            .collect()
    };
    let template = Template {
        levels,
        action_fields: ActionField::ALL
            .into_iter()
            .filter(|f| ticked("fields", f.as_str()))
            .collect(),
        service_roles: list("service_roles"),
        council_priorities: list("council_priorities"),
        partnership_agendas: list("partnership_agendas"),
        code_pattern: value("code_pattern")
            .map(str::trim)
            .filter(|p| !p.is_empty())
            .map(str::to_string),
    };
    (template, value("version").and_then(|v| v.parse().ok()))
}

pub async fn save(
    State(state): State<AppState>,
    Me(me): Me,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    let (template, version) = read_form(&pairs);
    let Some(version) = version else {
        return Err(WebError::BadRequest(crate::forms::INCOMPLETE.into()));
    };
    let problems = template.problems();
    if !problems.is_empty() {
        let mut errors = FormErrors::default();
        for (field, why) in problems {
            errors.add(field, why);
        }
        let page = TemplatePage::of(&template, version, errors, false);
        return Ok((
            StatusCode::BAD_REQUEST,
            render(&state, "template.html", &page)?,
        )
            .into_response());
    }
    match state
        .store
        .set_template(&template, version, &me.actor())
        .await
    {
        Ok(()) => Ok(Redirect::to("/template?saved=1").into_response()),
        Err(StoreError::Conflict {
            changed_by,
            changed_at,
            ..
        }) => {
            let mut errors = FormErrors::default();
            errors.add(
                "levels",
                super::authoring::conflict_message(&changed_by, &changed_at),
            );
            let page = TemplatePage::of(&template, version, errors, false);
            Ok((
                StatusCode::CONFLICT,
                render(&state, "template.html", &page)?,
            )
                .into_response())
        }
        Err(e) => Err(e.into()),
    }
}
