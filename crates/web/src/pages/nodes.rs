//! Plan authoring for editors, the thread itself: add a priority, outcome
//! or objective, edit one (moving it to another parent), remove one that
//! nothing hangs on. The forms behave as the action forms do: what was
//! typed is kept on a refusal (400 for the checks, 409 when someone else
//! changed the node first).

use super::authoring::{MAX_LINE, MAX_TEXT, MAX_TITLE, conflict_message, limit, optional, respond};
use super::render;
use crate::AppState;
use crate::auth::Me;
use crate::error::WebError;
use crate::extract::RecordId;
use crate::forms::FormErrors;
use axum::Form;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use goldthread_domain::{NodeLevel, Template};
use goldthread_storage::{NodeFields, NodeLinks, StoreError, ThreadNodeRow};
use serde::{Deserialize, Serialize};

/// The node form as typed.
#[derive(Debug, Default, Clone, Serialize, Deserialize)]
#[serde(default)]
pub struct NodeForm {
    version: String,
    level: String,
    label: String,
    title: String,
    strapline: String,
    /// A node id, or empty for the top of the thread.
    parent: String,
}

#[derive(Serialize)]
struct NodePage {
    title: String,
    /// `None` for a new node.
    node_id: Option<i64>,
    plan_id: i64,
    plan_title: String,
    form: NodeForm,
    errors: FormErrors,
    conflict: Option<String>,
    levels: Vec<(&'static str, String)>,
    /// id, "Label: title" indented by depth.
    parents: Vec<(String, String)>,
}

/// The parents a node may choose: every node of the plan in reading
/// order, indented by depth, except the node itself and those under it.
fn parent_choices(thread: &[ThreadNodeRow], editing: Option<i64>) -> Vec<(String, String)> {
    let mut excluded: Vec<i64> = editing.into_iter().collect();
    let mut depths: Vec<(i64, usize)> = Vec::new();
    let mut out = Vec::new();
    // Reading order puts each parent before its children, so one pass
    // knows every parent's depth and whether it is excluded.
    for node in thread {
        let parent_depth = node
            .parent_id
            .and_then(|p| depths.iter().find(|(id, _)| *id == p).map(|(_, d)| d + 1));
        let depth = parent_depth.unwrap_or(0);
        depths.push((node.id, depth));
        if node.parent_id.is_some_and(|p| excluded.contains(&p)) {
            excluded.push(node.id);
        }
        if excluded.contains(&node.id) {
            continue;
        }
        out.push((
            node.id.to_string(),
            format!("{}{}: {}", "— ".repeat(depth), node.label, node.title),
        ));
    }
    out
}

/// What the plan calls a node; an imported node may have an empty label,
/// and its level names it then.
fn label_of(node: &ThreadNodeRow) -> &str {
    match node.label.trim() {
        "" => node.level.label(),
        label => label,
    }
}

fn node_page(
    template: &Template,
    plan: (i64, String),
    thread: &[ThreadNodeRow],
    node: Option<&ThreadNodeRow>,
    form: NodeForm,
    errors: FormErrors,
    conflict: Option<String>,
) -> NodePage {
    let levels = level_choices(template, &form.level);
    NodePage {
        title: match node {
            Some(n) => format!("Edit {}: {}", label_of(n), n.title),
            None => format!("Add to the thread of {}", plan.1),
        },
        node_id: node.map(|n| n.id),
        plan_id: plan.0,
        plan_title: plan.1,
        form,
        errors,
        conflict,
        levels,
        parents: parent_choices(thread, node.map(|n| n.id)),
    }
}

/// Checks the form against the plan's thread; the fields to store, or
/// every problem by field. A cycle is left to the store, which refuses it.
/// The levels the council's template uses, in its words; a node's own
/// level stays a choice when the template no longer uses it.
fn level_choices(template: &Template, current: &str) -> Vec<(&'static str, String)> {
    NodeLevel::ALL
        .iter()
        .filter_map(|&level| match template.label_of(level) {
            Some(label) => Some((level.as_str(), label.to_string())),
            None if level.as_str() == current => Some((level.as_str(), level.label().to_string())),
            None => None,
        })
        .collect()
}

fn validate(
    form: &NodeForm,
    thread: &[ThreadNodeRow],
    template: &Template,
) -> Result<NodeFields, FormErrors> {
    let mut errors = FormErrors::default();
    let level = NodeLevel::parse(form.level.trim());
    if level.is_none() {
        errors.add("level", "Select a priority, an outcome or an objective");
    }
    let title = form.title.trim();
    if title.is_empty() {
        errors.add("title", "Enter the title");
    }
    limit(&mut errors, "title", "Title", title, MAX_TITLE);
    limit(&mut errors, "label", "Label", form.label.trim(), MAX_LINE);
    limit(
        &mut errors,
        "strapline",
        "Strapline",
        &form.strapline,
        MAX_TEXT,
    );
    let parent = match form.parent.trim() {
        "" => None,
        text => match text.parse::<i64>() {
            Ok(id) if thread.iter().any(|n| n.id == id) => Some(id),
            _ => {
                errors.add("parent", "Choose where it sits among this plan's thread");
                None
            }
        },
    };
    match level {
        Some(level) if errors.is_empty() => Ok(NodeFields {
            level,
            label: optional(&form.label).unwrap_or_else(|| {
                template
                    .label_of(level)
                    .unwrap_or(level.label())
                    .to_string()
            }),
            title: title.to_string(),
            strapline: optional(&form.strapline),
            parent,
        }),
        _ => Err(errors),
    }
}

#[derive(Deserialize)]
pub struct NewNodeQuery {
    level: Option<String>,
    parent: Option<String>,
}

async fn plan_and_thread(
    state: &AppState,
    plan_id: i64,
) -> Result<((i64, String), Vec<ThreadNodeRow>), WebError> {
    let outline = state.store.plan_outline(plan_id).await?;
    let thread = state.store.thread_nodes(plan_id).await?;
    Ok(((plan_id, outline.title), thread))
}

pub async fn new_node_form(
    State(state): State<AppState>,
    RecordId(plan_id): RecordId,
    Query(q): Query<NewNodeQuery>,
) -> Result<Response, WebError> {
    let (plan, thread) = plan_and_thread(&state, plan_id).await?;
    let level = q
        .level
        .as_deref()
        .and_then(NodeLevel::parse)
        .unwrap_or(NodeLevel::Priority);
    let form = NodeForm {
        level: level.as_str().to_string(),
        parent: q.parent.unwrap_or_default(),
        ..NodeForm::default()
    };
    let (template, _) = state.store.template().await?;
    let page = node_page(
        &template,
        plan,
        &thread,
        None,
        form,
        FormErrors::default(),
        None,
    );
    Ok(render(&state, "node_edit.html", &page)?.into_response())
}

pub async fn add_node(
    State(state): State<AppState>,
    RecordId(plan_id): RecordId,
    Me(me): Me,
    Form(form): Form<NodeForm>,
) -> Result<Response, WebError> {
    let (plan, thread) = plan_and_thread(&state, plan_id).await?;
    let (template, _) = state.store.template().await?;
    let fields = match validate(&form, &thread, &template) {
        Ok(fields) => fields,
        Err(errors) => {
            let page = node_page(&template, plan, &thread, None, form, errors, None);
            return respond(&state, StatusCode::BAD_REQUEST, "node_edit.html", &page);
        }
    };
    state.store.add_node(plan_id, &fields, &me.actor()).await?;
    Ok(Redirect::to(&format!("/plans/{plan_id}?thread=added")).into_response())
}

pub async fn edit_node_form(
    State(state): State<AppState>,
    RecordId(id): RecordId,
) -> Result<Response, WebError> {
    let (plan_id, node) = state.store.node_for_edit(id).await?;
    let (plan, thread) = plan_and_thread(&state, plan_id).await?;
    let form = NodeForm {
        version: node.version.to_string(),
        level: node.level.as_str().to_string(),
        label: node.label.clone(),
        title: node.title.clone(),
        strapline: node.strapline.clone().unwrap_or_default(),
        parent: node.parent_id.map(|p| p.to_string()).unwrap_or_default(),
    };
    let (template, _) = state.store.template().await?;
    let page = node_page(
        &template,
        plan,
        &thread,
        Some(&node),
        form,
        FormErrors::default(),
        None,
    );
    Ok(render(&state, "node_edit.html", &page)?.into_response())
}

pub async fn edit_node(
    State(state): State<AppState>,
    RecordId(id): RecordId,
    Me(me): Me,
    Form(form): Form<NodeForm>,
) -> Result<Response, WebError> {
    let (plan_id, node) = state.store.node_for_edit(id).await?;
    let (plan, thread) = plan_and_thread(&state, plan_id).await?;
    let (template, _) = state.store.template().await?;
    let refuse = |form: NodeForm, errors: FormErrors, conflict: Option<String>| {
        node_page(
            &template,
            plan.clone(),
            &thread,
            Some(&node),
            form,
            errors,
            conflict,
        )
    };
    let Ok(version) = form.version.trim().parse::<i64>() else {
        let page = refuse(form, FormErrors::incomplete("title"), None);
        return respond(&state, StatusCode::BAD_REQUEST, "node_edit.html", &page);
    };
    let fields = match validate(&form, &thread, &template) {
        Ok(fields) => fields,
        Err(errors) => {
            let page = refuse(form, errors, None);
            return respond(&state, StatusCode::BAD_REQUEST, "node_edit.html", &page);
        }
    };
    match state
        .store
        .edit_node(id, version, &fields, &me.actor())
        .await
    {
        Ok(()) => Ok(Redirect::to(&format!("/plans/{plan_id}?thread=saved")).into_response()),
        // The only refusal left is where it sits: a cycle.
        Err(StoreError::Invalid(reason)) => {
            let mut errors = FormErrors::default();
            errors.add("parent", capitalise(&reason));
            let page = refuse(form, errors, None);
            respond(&state, StatusCode::BAD_REQUEST, "node_edit.html", &page)
        }
        Err(StoreError::Conflict {
            changed_by,
            changed_at,
            current,
            ..
        }) => {
            let mut kept = form;
            kept.version = current.to_string();
            let page = refuse(
                kept,
                FormErrors::default(),
                Some(conflict_message(&changed_by, &changed_at)),
            );
            respond(&state, StatusCode::CONFLICT, "node_edit.html", &page)
        }
        Err(e) => Err(e.into()),
    }
}

fn capitalise(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

#[derive(Serialize)]
struct RemovePage {
    title: String,
    node_id: i64,
    node_name: String,
    label: String,
    plan_id: i64,
    plan_title: String,
    version: i64,
    /// What stops the removal, if anything.
    blocked_by: Option<String>,
    conflict: Option<String>,
}

async fn remove_page(
    state: &AppState,
    id: i64,
    conflict: Option<String>,
) -> Result<RemovePage, WebError> {
    let (plan_id, node) = state.store.node_for_edit(id).await?;
    let outline = state.store.plan_outline(plan_id).await?;
    let links: NodeLinks = state.store.node_links(id).await?;
    let label = label_of(&node);
    Ok(RemovePage {
        title: format!("Remove {label}: {}", node.title),
        node_id: id,
        node_name: format!("{label}: {}", node.title),
        label: label.to_lowercase(),
        plan_id,
        plan_title: outline.title,
        version: node.version,
        blocked_by: links.describe(),
        conflict,
    })
}

pub async fn remove_node_form(
    State(state): State<AppState>,
    RecordId(id): RecordId,
) -> Result<Response, WebError> {
    let page = remove_page(&state, id, None).await?;
    Ok(render(&state, "node_remove.html", &page)?.into_response())
}

#[derive(Deserialize)]
pub struct RemoveForm {
    #[serde(default)]
    version: String,
}

pub async fn remove_node(
    State(state): State<AppState>,
    RecordId(id): RecordId,
    Me(me): Me,
    Form(form): Form<RemoveForm>,
) -> Result<Response, WebError> {
    let page = remove_page(&state, id, None).await?;
    let Ok(version) = form.version.trim().parse::<i64>() else {
        return Err(WebError::BadRequest(
            "The confirmation was incomplete: open the remove page again.".into(),
        ));
    };
    match state.store.remove_node(id, version, &me.actor()).await {
        Ok(()) => {
            Ok(Redirect::to(&format!("/plans/{}?thread=removed", page.plan_id)).into_response())
        }
        // Something was linked to it since the page was shown: the page
        // says what.
        Err(StoreError::Invalid(_)) => {
            let page = remove_page(&state, id, None).await?;
            respond(&state, StatusCode::CONFLICT, "node_remove.html", &page)
        }
        Err(StoreError::Conflict {
            changed_by,
            changed_at,
            ..
        }) => {
            let page =
                remove_page(&state, id, Some(conflict_message(&changed_by, &changed_at))).await?;
            respond(&state, StatusCode::CONFLICT, "node_remove.html", &page)
        }
        Err(e) => Err(e.into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn node(id: i64, parent_id: Option<i64>, title: &str) -> ThreadNodeRow {
        ThreadNodeRow {
            id,
            parent_id,
            level: NodeLevel::Outcome,
            label: "Outcome".into(),
            title: title.into(),
            strapline: None,
            version: 1,
        }
    }

    fn thread() -> Vec<ThreadNodeRow> {
        vec![
            node(1, None, "Health"),
            node(2, Some(1), "Active lives"),
            node(3, Some(2), "More walking"),
            node(4, None, "Place"),
        ]
    }

    #[test]
    fn a_node_cannot_choose_itself_or_what_is_under_it_as_parent() {
        let ids = |editing| -> Vec<String> {
            parent_choices(&thread(), editing)
                .into_iter()
                .map(|(id, _)| id)
                .collect()
        };
        assert_eq!(ids(None), ["1", "2", "3", "4"]);
        assert_eq!(ids(Some(2)), ["1", "4"]);
        assert_eq!(ids(Some(1)), ["4"]);
        assert_eq!(
            parent_choices(&thread(), None)[2].1,
            "— — Outcome: More walking",
            "indented by depth"
        );
    }

    #[test]
    fn a_node_form_is_checked_with_every_problem_named() {
        let form = NodeForm {
            level: "chapter".into(),
            title: " ".into(),
            parent: "99".into(),
            ..NodeForm::default()
        };
        let errors = validate(&form, &thread(), &Template::default()).unwrap_err();
        let fields: Vec<&str> = errors.0.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["level", "title", "parent"]);

        let form = NodeForm {
            level: "objective".into(),
            title: " Walk to school ".into(),
            parent: "2".into(),
            ..NodeForm::default()
        };
        let fields = validate(&form, &thread(), &Template::default()).unwrap();
        assert_eq!(fields.label, "Objective", "the level's name by default");
        assert_eq!(fields.title, "Walk to school");
        assert_eq!(fields.parent, Some(2));
    }
}
