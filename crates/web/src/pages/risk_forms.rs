//! Plan authoring for editors, a plan's risks: add one, edit one (its
//! rating on the organisation's scale, owner, controls and what it
//! threatens), remove one behind a confirmation page. The forms behave as
//! the action forms do: what was typed is kept on a refusal (400 for the
//! checks, 409 when someone else changed the risk first).

use super::authoring::{
    MAX_LINE, MAX_TEXT, MAX_TITLE, action_choices, chosen_ids, conflict_message, limit,
    node_choices, optional, respond,
};
use super::render;
use crate::AppState;
use crate::auth::Me;
use crate::error::WebError;
use crate::extract::RecordId;
use crate::forms::FormErrors;
use axum::Form;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use goldthread_storage::{PlanOutline, RiskFields, StoreError};
use serde::{Deserialize, Serialize};

const MAX_CODE: usize = 30;

/// The risk form as typed. Read from the raw pairs: the nodes and actions
/// are groups of checkboxes sharing a name.
#[derive(Debug, Default, Clone, Serialize)]
struct RiskForm {
    version: String,
    code: String,
    title: String,
    cause: String,
    event: String,
    consequence: String,
    owner: String,
    likelihood: String,
    impact: String,
    controls: String,
    nodes: Vec<String>,
    actions: Vec<String>,
}

impl RiskForm {
    fn from_pairs(pairs: Vec<(String, String)>) -> RiskForm {
        let mut form = RiskForm::default();
        for (name, value) in pairs {
            match name.as_str() {
                "version" => form.version = value,
                "code" => form.code = value,
                "title" => form.title = value,
                "cause" => form.cause = value,
                "event" => form.event = value,
                "consequence" => form.consequence = value,
                "owner" => form.owner = value,
                "likelihood" => form.likelihood = value,
                "impact" => form.impact = value,
                "controls" => form.controls = value,
                "nodes" => form.nodes.push(value),
                "actions" => form.actions.push(value),
                _ => {}
            }
        }
        form
    }

    fn of(fields: &RiskFields, version: i64) -> RiskForm {
        let text = |t: &Option<String>| t.clone().unwrap_or_default();
        let rating = |r: Option<i64>| r.map(|r| r.to_string()).unwrap_or_default();
        RiskForm {
            version: version.to_string(),
            code: text(&fields.code),
            title: fields.title.clone(),
            cause: text(&fields.cause),
            event: text(&fields.event),
            consequence: text(&fields.consequence),
            owner: text(&fields.owner),
            likelihood: rating(fields.likelihood),
            impact: rating(fields.impact),
            controls: text(&fields.controls),
            nodes: fields.nodes.iter().map(i64::to_string).collect(),
            actions: fields.actions.iter().map(i64::to_string).collect(),
        }
    }
}

#[derive(Serialize)]
struct RiskPage {
    title: String,
    /// `None` for a new risk.
    risk_id: Option<i64>,
    plan_id: i64,
    plan_title: String,
    form: RiskForm,
    errors: FormErrors,
    conflict: Option<String>,
    /// 1 to the organisation's risk scale.
    ratings: Vec<i64>,
    /// The organisation's posts, and the stored owner if it is not one.
    owners: Vec<String>,
    /// id, label, checked.
    nodes: Vec<(String, String, bool)>,
    actions: Vec<(String, String, bool)>,
}

async fn risk_page(
    state: &AppState,
    outline: &PlanOutline,
    risk_id: Option<i64>,
    form: RiskForm,
    errors: FormErrors,
    conflict: Option<String>,
) -> Result<RiskPage, WebError> {
    let scale = i64::from(state.store.organisation().await?.risk_scale);
    let mut owners: Vec<String> = state
        .store
        .post_summaries()
        .await?
        .into_iter()
        .map(|p| p.title)
        .collect();
    // An imported owner that is no post stays choosable, so saving the
    // form unchanged does not lose it.
    let owner = form.owner.trim();
    if !owner.is_empty() && !owners.iter().any(|o| o == owner) {
        owners.insert(0, owner.to_string());
    }
    Ok(RiskPage {
        title: match risk_id {
            Some(_) => format!("Edit risk: {}", form.title),
            None => format!("Add a risk to {}", outline.title),
        },
        risk_id,
        plan_id: outline.id,
        plan_title: outline.title.clone(),
        ratings: (1..=scale).collect(),
        owners,
        nodes: node_choices(outline, &form.nodes),
        actions: action_choices(outline, &form.actions),
        form,
        errors,
        conflict,
    })
}

/// Checks the form; the fields to store, or every problem by field.
fn validate(form: &RiskForm, outline: &PlanOutline, scale: i64) -> Result<RiskFields, FormErrors> {
    let mut errors = FormErrors::default();
    let title = form.title.trim();
    if title.is_empty() {
        errors.add("title", "Enter the title of the risk");
    }
    limit(&mut errors, "title", "Title", title, MAX_TITLE);
    limit(&mut errors, "code", "Code", form.code.trim(), MAX_CODE);
    limit(&mut errors, "owner", "Owner", form.owner.trim(), MAX_LINE);
    for (field, label, text) in [
        ("cause", "Cause", &form.cause),
        ("event", "What might happen", &form.event),
        ("consequence", "Consequence", &form.consequence),
        ("controls", "Controls and mitigations", &form.controls),
    ] {
        limit(&mut errors, field, label, text, MAX_TEXT);
    }
    let mut rating = |field: &str, label: &str, text: &str| match text.trim() {
        "" => None,
        text => match text.parse::<i64>() {
            Ok(r) if (1..=scale).contains(&r) => Some(r),
            _ => {
                errors.add(
                    field,
                    format!("Select the {label} from 1 to {scale}, or not rated"),
                );
                None
            }
        },
    };
    let likelihood = rating("likelihood", "likelihood", &form.likelihood);
    let impact = rating("impact", "impact", &form.impact);
    let nodes = chosen_ids(
        &mut errors,
        "nodes",
        "Choose only among this plan's priorities and outcomes",
        &form.nodes,
        |id| outline.nodes.iter().any(|n| n.0 == id),
    );
    let actions = chosen_ids(
        &mut errors,
        "actions",
        "Choose only among this plan's actions",
        &form.actions,
        |id| outline.actions.iter().any(|a| a.0 == id),
    );
    if !errors.is_empty() {
        return Err(errors);
    }
    Ok(RiskFields {
        code: optional(&form.code),
        title: title.to_string(),
        cause: optional(&form.cause),
        event: optional(&form.event),
        consequence: optional(&form.consequence),
        owner: optional(&form.owner),
        likelihood,
        impact,
        controls: optional(&form.controls),
        nodes,
        actions,
    })
}

pub async fn new_risk_form(
    State(state): State<AppState>,
    RecordId(plan_id): RecordId,
) -> Result<Response, WebError> {
    let outline = state.store.plan_outline(plan_id).await?;
    let page = risk_page(
        &state,
        &outline,
        None,
        RiskForm::default(),
        FormErrors::default(),
        None,
    )
    .await?;
    Ok(render(&state, "risk_edit.html", &page)?.into_response())
}

pub async fn add_risk(
    State(state): State<AppState>,
    RecordId(plan_id): RecordId,
    Me(me): Me,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    let outline = state.store.plan_outline(plan_id).await?;
    let scale = i64::from(state.store.organisation().await?.risk_scale);
    let form = RiskForm::from_pairs(pairs);
    let fields = match validate(&form, &outline, scale) {
        Ok(fields) => fields,
        Err(errors) => {
            let page = risk_page(&state, &outline, None, form, errors, None).await?;
            return respond(&state, StatusCode::BAD_REQUEST, "risk_edit.html", &page);
        }
    };
    let id = state.store.add_risk(plan_id, &fields, &me.actor()).await?;
    Ok(Redirect::to(&format!("/risks?saved={id}#risk-{id}")).into_response())
}

pub async fn edit_risk_form(
    State(state): State<AppState>,
    RecordId(id): RecordId,
) -> Result<Response, WebError> {
    let risk = state.store.risk_for_edit(id).await?;
    let outline = state.store.plan_outline(risk.plan_id).await?;
    let form = RiskForm::of(&risk.fields, risk.version);
    let page = risk_page(
        &state,
        &outline,
        Some(id),
        form,
        FormErrors::default(),
        None,
    )
    .await?;
    Ok(render(&state, "risk_edit.html", &page)?.into_response())
}

pub async fn edit_risk(
    State(state): State<AppState>,
    RecordId(id): RecordId,
    Me(me): Me,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    let risk = state.store.risk_for_edit(id).await?;
    let outline = state.store.plan_outline(risk.plan_id).await?;
    let scale = i64::from(state.store.organisation().await?.risk_scale);
    let form = RiskForm::from_pairs(pairs);
    let version = form.version.trim().parse::<i64>();
    let checked = validate(&form, &outline, scale);
    let (version, fields) = match (version, checked) {
        (Ok(version), Ok(fields)) => (version, fields),
        (version, checked) => {
            let mut errors = checked.err().unwrap_or_default();
            if version.is_err() {
                errors.add("title", crate::forms::INCOMPLETE);
            }
            let page = risk_page(&state, &outline, Some(id), form, errors, None).await?;
            return respond(&state, StatusCode::BAD_REQUEST, "risk_edit.html", &page);
        }
    };
    match state
        .store
        .edit_risk(id, version, &fields, &me.actor())
        .await
    {
        Ok(()) => Ok(Redirect::to(&format!("/risks?saved={id}#risk-{id}")).into_response()),
        Err(StoreError::Conflict {
            changed_by,
            changed_at,
            current,
            ..
        }) => {
            let mut kept = form;
            kept.version = current.to_string();
            let page = risk_page(
                &state,
                &outline,
                Some(id),
                kept,
                FormErrors::default(),
                Some(conflict_message(&changed_by, &changed_at)),
            )
            .await?;
            respond(&state, StatusCode::CONFLICT, "risk_edit.html", &page)
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Serialize)]
struct RemovePage {
    title: String,
    risk_id: i64,
    risk_name: String,
    plan_id: i64,
    plan_title: String,
    version: i64,
    conflict: Option<String>,
}

async fn remove_page(
    state: &AppState,
    id: i64,
    conflict: Option<String>,
) -> Result<RemovePage, WebError> {
    let risk = state.store.risk_for_edit(id).await?;
    let outline = state.store.plan_outline(risk.plan_id).await?;
    let risk_name = match &risk.fields.code {
        Some(code) => format!("{code} {}", risk.fields.title),
        None => risk.fields.title.clone(),
    };
    Ok(RemovePage {
        title: format!("Remove risk: {risk_name}"),
        risk_id: id,
        risk_name,
        plan_id: outline.id,
        plan_title: outline.title,
        version: risk.version,
        conflict,
    })
}

pub async fn remove_risk_form(
    State(state): State<AppState>,
    RecordId(id): RecordId,
) -> Result<Response, WebError> {
    let page = remove_page(&state, id, None).await?;
    Ok(render(&state, "risk_remove.html", &page)?.into_response())
}

#[derive(Deserialize)]
pub struct RemoveForm {
    #[serde(default)]
    version: String,
}

pub async fn remove_risk(
    State(state): State<AppState>,
    RecordId(id): RecordId,
    Me(me): Me,
    Form(form): Form<RemoveForm>,
) -> Result<Response, WebError> {
    let Ok(version) = form.version.trim().parse::<i64>() else {
        return Err(WebError::BadRequest(
            "The confirmation was incomplete: open the remove page again.".into(),
        ));
    };
    match state.store.remove_risk(id, version, &me.actor()).await {
        Ok(()) => Ok(Redirect::to("/risks?removed=1").into_response()),
        Err(StoreError::Conflict {
            changed_by,
            changed_at,
            ..
        }) => {
            let page =
                remove_page(&state, id, Some(conflict_message(&changed_by, &changed_at))).await?;
            respond(&state, StatusCode::CONFLICT, "risk_remove.html", &page)
        }
        Err(e) => Err(e.into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn outline() -> PlanOutline {
        PlanOutline {
            id: 1,
            title: "Plan".into(),
            period_from: Some("2017/18".into()),
            period_to: None,
            nodes: vec![(7, "priority".into(), "Priority".into(), "Health".into())],
            actions: vec![(3, Some("KA.1".into()), "Build".into())],
            thread: vec![goldthread_domain::ThreadLink {
                id: 7,
                parent: None,
                level: goldthread_domain::NodeLevel::Priority,
            }],
        }
    }

    #[test]
    fn a_risk_form_is_checked_against_the_scale_and_the_plan() {
        let form = RiskForm::from_pairs(vec![
            ("title".into(), " ".into()),
            ("likelihood".into(), "6".into()),
            ("impact".into(), "0".into()),
            ("nodes".into(), "8".into()),
            ("actions".into(), "3".into()),
        ]);
        let errors = validate(&form, &outline(), 5).unwrap_err();
        let fields: Vec<&str> = errors.0.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["title", "likelihood", "impact", "nodes"]);
        assert_eq!(
            errors.0[1].message,
            "Select the likelihood from 1 to 5, or not rated"
        );
    }

    #[test]
    fn a_good_risk_form_gives_its_fields() {
        let form = RiskForm::from_pairs(vec![
            ("title".into(), "Loss of funding".into()),
            ("likelihood".into(), "4".into()),
            ("impact".into(), "".into()),
            ("owner".into(), "Head of Finance".into()),
            ("actions".into(), "3".into()),
            ("actions".into(), "3".into()),
        ]);
        let fields = validate(&form, &outline(), 5).unwrap();
        assert_eq!(fields.likelihood, Some(4));
        assert_eq!(fields.impact, None, "not rated yet");
        assert_eq!(fields.actions, [3], "each once");
        assert_eq!(fields.owner.as_deref(), Some("Head of Finance"));
    }
}
