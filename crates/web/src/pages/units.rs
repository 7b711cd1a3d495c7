//! The council's organisation for editors (`/units`): its directorates,
//! services and teams with the plans and posts resting on each, a form to
//! add one, and a unit's own form (`/units/{id}/edit`) to correct its name
//! and code, its kind and the unit it sits in. Refusals keep what was
//! typed (400; 409 when someone else changed the unit first).

use super::authoring::{conflict_message, respond};
use crate::AppState;
use crate::auth::Me;
use crate::error::WebError;
use crate::extract::RecordId;
use crate::forms::{FormErrors, capitalise};
use axum::Form;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use goldthread_domain::UnitKind;
use goldthread_storage::{StoreError, UnitFields, UnitSummary};
use serde::{Deserialize, Serialize};

/// A unit's form as typed.
#[derive(Debug, Default, Clone, Serialize, Deserialize)]
pub struct UnitForm {
    #[serde(default)]
    version: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    code: String,
    #[serde(default)]
    kind: String,
    #[serde(default)]
    parent: String,
}

impl UnitForm {
    fn of(unit: &UnitSummary) -> UnitForm {
        UnitForm {
            version: unit.version.to_string(),
            name: unit.name.clone(),
            code: unit.code.clone().unwrap_or_default(),
            kind: unit.kind.as_str().to_string(),
            parent: unit.parent_id.map(|p| p.to_string()).unwrap_or_default(),
        }
    }

    /// The fields, or every problem with them by field.
    fn read(&self, units: &[UnitSummary]) -> Result<UnitFields, FormErrors> {
        let mut errors = FormErrors::default();
        if self.name.trim().is_empty() {
            errors.add("name", "Enter the unit's name");
        }
        let kind = UnitKind::parse(self.kind.trim());
        if kind.is_none() {
            errors.add(
                "kind",
                "Choose whether it is a directorate, a service or a team",
            );
        }
        let parent = match self.parent.trim() {
            "" => None,
            text => match text.parse::<i64>() {
                Ok(p) if units.iter().any(|u| u.id == p) => Some(p),
                _ => {
                    errors.add("parent", "Choose the unit it sits in from the list");
                    None
                }
            },
        };
        match kind {
            Some(kind) if errors.is_empty() => Ok(UnitFields {
                name: self.name.clone(),
                code: Some(self.code.clone()),
                kind,
                parent,
            }),
            _ => Err(errors),
        }
    }
}

#[derive(Serialize)]
struct UnitRow {
    id: i64,
    name: String,
    code: Option<String>,
    kind: &'static str,
    parent: Option<String>,
    plans: i64,
    posts: i64,
}

#[derive(Serialize)]
struct UnitsPage {
    title: &'static str,
    units: Vec<UnitRow>,
    /// The add form, as typed when it was refused.
    form: UnitForm,
    errors: FormErrors,
    /// id, name: the units a unit may sit in.
    choices: Vec<(String, String)>,
    kinds: Vec<(&'static str, &'static str)>,
    done: Option<&'static str>,
}

#[derive(Serialize)]
struct UnitPage {
    title: String,
    id: i64,
    form: UnitForm,
    errors: FormErrors,
    conflict: Option<String>,
    choices: Vec<(String, String)>,
    kinds: Vec<(&'static str, &'static str)>,
}

fn kinds() -> Vec<(&'static str, &'static str)> {
    UnitKind::ALL
        .iter()
        .map(|k| (k.as_str(), k.label()))
        .collect()
}

/// The units another may sit in (all but itself).
fn choices(units: &[UnitSummary], except: Option<i64>) -> Vec<(String, String)> {
    units
        .iter()
        .filter(|u| Some(u.id) != except)
        .map(|u| (u.id.to_string(), u.name.clone()))
        .collect()
}

#[derive(Deserialize)]
pub struct UnitsQuery {
    done: Option<String>,
}

pub async fn page(
    State(state): State<AppState>,
    Query(q): Query<UnitsQuery>,
) -> Result<Response, WebError> {
    let done = match q.done.as_deref() {
        Some("added") => Some("Unit added."),
        Some("saved") => Some("Changes saved."),
        _ => None,
    };
    let form = UnitForm {
        kind: "service".into(),
        ..UnitForm::default()
    };
    units_page(&state, form, FormErrors::default(), done, StatusCode::OK).await
}

async fn units_page(
    state: &AppState,
    form: UnitForm,
    errors: FormErrors,
    done: Option<&'static str>,
    status: StatusCode,
) -> Result<Response, WebError> {
    let units = state.store.unit_summaries().await?;
    let name_of = |id: Option<i64>| {
        id.and_then(|id| units.iter().find(|u| u.id == id))
            .map(|u| u.name.clone())
    };
    let page = UnitsPage {
        title: "Organisation",
        units: units
            .iter()
            .map(|u| UnitRow {
                id: u.id,
                name: u.name.clone(),
                code: u.code.clone(),
                kind: u.kind.label(),
                parent: name_of(u.parent_id),
                plans: u.plans,
                posts: u.posts,
            })
            .collect(),
        choices: choices(&units, None),
        kinds: kinds(),
        form,
        errors,
        done,
    };
    respond(state, status, "units.html", &page)
}

pub async fn add(
    State(state): State<AppState>,
    Me(me): Me,
    Form(form): Form<UnitForm>,
) -> Result<Response, WebError> {
    let units = state.store.unit_summaries().await?;
    let fields = match form.read(&units) {
        Ok(fields) => fields,
        Err(errors) => {
            return units_page(&state, form, errors, None, StatusCode::BAD_REQUEST).await;
        }
    };
    match state.store.add_unit(&fields, &me.actor()).await {
        Ok(_) => Ok(Redirect::to("/units?done=added").into_response()),
        Err(StoreError::Invalid(why) | StoreError::Taken(why)) => {
            let mut errors = FormErrors::default();
            errors.add("name", capitalise(&why));
            units_page(&state, form, errors, None, StatusCode::BAD_REQUEST).await
        }
        Err(e) => Err(e.into()),
    }
}

async fn unit_page(
    state: &AppState,
    id: i64,
    form: Option<UnitForm>,
    errors: FormErrors,
    conflict: Option<String>,
    status: StatusCode,
) -> Result<Response, WebError> {
    let units = state.store.unit_summaries().await?;
    let unit = units
        .iter()
        .find(|u| u.id == id)
        .ok_or(WebError::NotFound)?;
    let page = UnitPage {
        title: format!("Edit {}", unit.name),
        id,
        form: form.unwrap_or_else(|| UnitForm::of(unit)),
        errors,
        conflict,
        choices: choices(&units, Some(id)),
        kinds: kinds(),
    };
    respond(state, status, "unit_edit.html", &page)
}

pub async fn edit_form(
    State(state): State<AppState>,
    RecordId(id): RecordId,
) -> Result<Response, WebError> {
    unit_page(
        &state,
        id,
        None,
        FormErrors::default(),
        None,
        StatusCode::OK,
    )
    .await
}

pub async fn edit(
    State(state): State<AppState>,
    RecordId(id): RecordId,
    Me(me): Me,
    Form(form): Form<UnitForm>,
) -> Result<Response, WebError> {
    let units = state.store.unit_summaries().await?;
    let checked = match form.version.trim().parse::<i64>() {
        Ok(version) => form.read(&units).map(|fields| (version, fields)),
        Err(_) => Err(FormErrors::incomplete("name")),
    };
    let (version, fields) = match checked {
        Ok(checked) => checked,
        Err(errors) => {
            let status = StatusCode::BAD_REQUEST;
            return unit_page(&state, id, Some(form), errors, None, status).await;
        }
    };
    match state
        .store
        .edit_unit(id, version, &fields, &me.actor())
        .await
    {
        Ok(()) => Ok(Redirect::to("/units?done=saved").into_response()),
        Err(StoreError::Invalid(why) | StoreError::Taken(why)) => {
            let mut errors = FormErrors::default();
            let field = if why.contains("sit in") {
                "parent"
            } else {
                "name"
            };
            errors.add(field, capitalise(&why));
            unit_page(
                &state,
                id,
                Some(form),
                errors,
                None,
                StatusCode::BAD_REQUEST,
            )
            .await
        }
        Err(StoreError::Conflict {
            changed_by,
            changed_at,
            current,
            ..
        }) => {
            let kept = UnitForm {
                version: current.to_string(),
                ..form
            };
            let conflict = Some(conflict_message(&changed_by, &changed_at));
            unit_page(
                &state,
                id,
                Some(kept),
                FormErrors::default(),
                conflict,
                StatusCode::CONFLICT,
            )
            .await
        }
        Err(e) => Err(e.into()),
    }
}
