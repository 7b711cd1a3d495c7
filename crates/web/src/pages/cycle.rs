//! A plan's review and approval: where it stands in the planning cycle,
//! the steps open to it (submit, return with comments, approve, archive),
//! reviewers' comments on the plan or one of its items, its approved
//! revisions compared with each other or with the plan as it stands, and
//! rolling it forward to next year.

use super::render;
use crate::AppState;
use crate::auth::Me;
use crate::error::WebError;
use crate::extract::RecordId;
use crate::forms::sentence;
use axum::Form;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use goldthread_domain::{ItemRef, PlanDiff, PlanStatus, PlanStep, Role};
use goldthread_storage::{COMMENT_LIMIT, MonitoringData, PlanCycle, StoreError};
use serde::{Deserialize, Serialize};

#[derive(Serialize)]
struct ReviewPage {
    title: String,
    plan_id: i64,
    plan_title: String,
    status: PlanStatus,
    status_label: &'static str,
    in_force: bool,
    cycle: PlanCycle,
    /// The steps this person may take now: name and button words.
    steps: Vec<(&'static str, &'static str)>,
    can_comment: bool,
    can_roll_forward: bool,
    comments: Vec<CommentView>,
    /// What a comment may be about: value (`kind:id`, empty for the
    /// plan) and words.
    items: Vec<(String, String)>,
    /// What was typed, kept when the form is refused.
    typed_comment: String,
    typed_item: String,
    problem: Option<String>,
    done: Option<&'static str>,
}

#[derive(Serialize)]
struct CommentView {
    about: String,
    body: String,
    author: String,
    when: String,
    revision: i64,
}

#[derive(Deserialize, Default)]
pub struct ReviewQuery {
    done: Option<String>,
}

pub async fn page(
    State(state): State<AppState>,
    RecordId(id): RecordId,
    Query(query): Query<ReviewQuery>,
) -> Result<Response, WebError> {
    let done = match query.done.as_deref() {
        Some("submit") => Some("Submitted for approval."),
        Some("return") => Some("Returned with your comments."),
        Some("approve") => Some("Approved. The approved revision is kept as it stands."),
        Some("archive") => Some("Archived."),
        Some("comment") => Some("Comment added."),
        Some("rolled") => Some(
            "This is next year's plan, started from last year's: a draft to write, submit and approve.",
        ),
        _ => None,
    };
    let page = review_page(&state, id, Typed::default(), None, done).await?;
    Ok(render(&state, "plan_review.html", &page)?.into_response())
}

#[derive(Default)]
struct Typed {
    comment: String,
    item: String,
}

async fn review_page(
    state: &AppState,
    id: i64,
    typed: Typed,
    problem: Option<String>,
    done: Option<&'static str>,
) -> Result<ReviewPage, WebError> {
    let cycle = state.store.plan_cycle(id).await?;
    let data = state.snapshot.get(&state.store).await?;
    let plan = data.plan(id).ok_or(WebError::NotFound)?;
    let role = crate::auth::page_context().account.map(|a| a.role);
    let may_edit = role.is_some_and(|r| r >= Role::Editor);
    let items = comment_items(&data, id);
    let about = |kind: &Option<String>, item: &Option<i64>| match (kind, item) {
        (Some(kind), Some(item)) => {
            let key = format!("{kind}:{item}");
            items.iter().find(|(value, _)| *value == key).map_or_else(
                || format!("{kind} (since removed)"),
                |(_, words)| words.clone(),
            )
        }
        _ => "The plan".to_string(),
    };
    let comments = state
        .store
        .plan_comments(id)
        .await?
        .into_iter()
        .map(|c| CommentView {
            about: about(&c.item_kind, &c.item_id),
            when: c
                .created_at
                .get(..16)
                .unwrap_or(&c.created_at)
                .replace('T', " "),
            body: c.body,
            author: c.author,
            revision: c.revision,
        })
        .collect();
    Ok(ReviewPage {
        title: format!("Review and approval: {}", plan.title),
        plan_id: id,
        plan_title: plan.title.clone(),
        status: cycle.status,
        status_label: cycle.status.label(),
        in_force: plan.in_force_on(super::today()),
        steps: if may_edit {
            PlanStep::open_from(cycle.status)
                .into_iter()
                .map(|s| (s.as_str(), s.label()))
                .collect()
        } else {
            Vec::new()
        },
        can_comment: role.is_some_and(|r| r >= Role::Officer),
        can_roll_forward: may_edit && plan.first_day.is_some(),
        cycle,
        comments,
        items,
        typed_comment: typed.comment,
        typed_item: typed.item,
        problem,
        done,
    })
}

/// The plan and its nodes, actions and indicators, as a comment's "about".
fn comment_items(data: &MonitoringData, plan_id: i64) -> Vec<(String, String)> {
    let coded = |code: &Option<String>, title: &str| match code {
        Some(code) => format!("{code} {title}"),
        None => title.to_string(),
    };
    let mut items = vec![(String::new(), "The plan".to_string())];
    items.extend(data.nodes.iter().filter(|n| n.plan_id == plan_id).map(|n| {
        (
            format!("node:{}", n.id),
            format!("{}: {}", n.label, n.title),
        )
    }));
    items.extend(
        data.actions
            .iter()
            .filter(|a| a.plan_id == plan_id)
            .map(|a| {
                (
                    format!("action:{}", a.id),
                    format!("Action {}", coded(&a.code, &a.title)),
                )
            }),
    );
    items.extend(
        data.indicators
            .iter()
            .filter(|i| i.plan_id == plan_id)
            .map(|i| {
                (
                    format!("indicator:{}", i.id),
                    format!("Indicator {}", coded(&i.code, &i.title)),
                )
            }),
    );
    items
}

#[derive(Deserialize)]
pub struct StepForm {
    #[serde(default)]
    step: String,
    #[serde(default)]
    version: String,
    #[serde(default)]
    comment: String,
}

pub async fn take_step(
    State(state): State<AppState>,
    RecordId(id): RecordId,
    Me(me): Me,
    Form(form): Form<StepForm>,
) -> Result<Response, WebError> {
    let (Some(step), Ok(version)) = (PlanStep::parse(&form.step), form.version.parse::<i64>())
    else {
        return Err(WebError::BadRequest(crate::forms::INCOMPLETE.into()));
    };
    let typed = || Typed {
        comment: form.comment.clone(),
        item: String::new(),
    };
    if form.comment.chars().count() > COMMENT_LIMIT {
        let problem = format!("A comment must be {COMMENT_LIMIT} characters or fewer.");
        return refused(&state, id, typed(), problem, StatusCode::BAD_REQUEST).await;
    }
    let comment = Some(form.comment.as_str());
    match state
        .store
        .take_plan_step(id, version, step, comment, &me.actor())
        .await
    {
        Ok(_) => {
            Ok(Redirect::to(&format!("/plans/{id}/review?done={}", step.as_str())).into_response())
        }
        Err(StoreError::Invalid(why)) => {
            refused(&state, id, typed(), sentence(&why), StatusCode::BAD_REQUEST).await
        }
        Err(StoreError::Conflict {
            changed_by,
            changed_at,
            ..
        }) => {
            let problem = format!(
                "{changed_by} changed this plan at {} after you opened this page: read it again before you {}.",
                changed_at
                    .get(..16)
                    .unwrap_or(&changed_at)
                    .replace('T', " "),
                step.label().to_lowercase()
            );
            refused(&state, id, typed(), problem, StatusCode::CONFLICT).await
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Deserialize)]
pub struct CommentForm {
    #[serde(default)]
    about: String,
    #[serde(default)]
    comment: String,
}

pub async fn add_comment(
    State(state): State<AppState>,
    RecordId(id): RecordId,
    Me(me): Me,
    Form(form): Form<CommentForm>,
) -> Result<Response, WebError> {
    let typed = || Typed {
        comment: form.comment.clone(),
        item: form.about.clone(),
    };
    let item = match form.about.split_once(':') {
        None if form.about.is_empty() => None,
        Some((kind, item)) => match item.parse::<i64>() {
            Ok(item) => Some((kind, item)),
            Err(_) => return Err(WebError::BadRequest(crate::forms::INCOMPLETE.into())),
        },
        None => return Err(WebError::BadRequest(crate::forms::INCOMPLETE.into())),
    };
    if form.comment.trim().is_empty() {
        let problem = "Enter your comment.".to_string();
        return refused(&state, id, typed(), problem, StatusCode::BAD_REQUEST).await;
    }
    match state
        .store
        .add_plan_comment(id, item, &form.comment, &me.actor())
        .await
    {
        Ok(_) => Ok(Redirect::to(&format!("/plans/{id}/review?done=comment")).into_response()),
        Err(StoreError::Invalid(why)) => {
            refused(&state, id, typed(), sentence(&why), StatusCode::BAD_REQUEST).await
        }
        Err(e) => Err(e.into()),
    }
}

pub async fn roll_forward(
    State(state): State<AppState>,
    RecordId(id): RecordId,
    Me(me): Me,
) -> Result<Response, WebError> {
    match state.store.roll_forward(id, &me.actor()).await {
        Ok(new_id) => {
            Ok(Redirect::to(&format!("/plans/{new_id}/review?done=rolled")).into_response())
        }
        Err(StoreError::Invalid(why) | StoreError::Taken(why)) => {
            refused(
                &state,
                id,
                Typed::default(),
                sentence(&why),
                StatusCode::BAD_REQUEST,
            )
            .await
        }
        Err(e) => Err(e.into()),
    }
}

async fn refused(
    state: &AppState,
    id: i64,
    typed: Typed,
    problem: String,
    status: StatusCode,
) -> Result<Response, WebError> {
    let page = review_page(state, id, typed, Some(problem), None).await?;
    Ok((status, render(state, "plan_review.html", &page)?).into_response())
}

#[derive(Deserialize, Default)]
pub struct CompareQuery {
    from: Option<String>,
    to: Option<String>,
}

#[derive(Serialize)]
struct ComparePage {
    title: String,
    plan_id: i64,
    plan_title: String,
    /// The approved revisions to choose between.
    revisions: Vec<i64>,
    from: Option<i64>,
    /// None: the plan as it stands.
    to: Option<i64>,
    to_label: String,
    diff: Option<DiffView>,
    problem: Option<String>,
}

#[derive(Serialize)]
struct DiffView {
    plan_fields: Vec<&'static str>,
    added: Vec<String>,
    removed: Vec<String>,
    changed: Vec<(String, String)>,
    unchanged: bool,
}

impl From<PlanDiff> for DiffView {
    fn from(diff: PlanDiff) -> Self {
        let name = |item: &ItemRef| {
            let kind = item.kind.as_str().replace('_', " ");
            match &item.code {
                Some(code) => format!("{kind} {code}: {}", item.title),
                None => format!("{kind}: {}", item.title),
            }
        };
        DiffView {
            unchanged: diff.plan_fields.is_empty()
                && diff.added.is_empty()
                && diff.removed.is_empty()
                && diff.changed.is_empty(),
            plan_fields: diff.plan_fields,
            added: diff.added.iter().map(name).collect(),
            removed: diff
                .removed
                .iter()
                .chain(&diff.unmatched)
                .map(name)
                .collect(),
            changed: diff
                .changed
                .iter()
                .map(|c| (name(&c.item), c.fields.join(", ").replace('_', " ")))
                .collect(),
        }
    }
}

pub async fn compare(
    State(state): State<AppState>,
    RecordId(id): RecordId,
    Query(query): Query<CompareQuery>,
) -> Result<Response, WebError> {
    let cycle = state.store.plan_cycle(id).await?;
    let data = state.snapshot.get(&state.store).await?;
    let plan = data.plan(id).ok_or(WebError::NotFound)?;
    let revisions: Vec<i64> = cycle.approvals.iter().map(|a| a.revision).collect();
    let number = |text: &Option<String>| -> Result<Option<i64>, WebError> {
        match text.as_deref().map(str::trim) {
            None | Some("") | Some("current") => Ok(None),
            Some(t) => t
                .parse()
                .map(Some)
                .map_err(|_| WebError::BadRequest(format!("'{t}' is not a revision of this plan"))),
        }
    };
    let from = number(&query.from)?.or(revisions.last().copied());
    let to = number(&query.to)?;
    let (diff, problem, status) = match (from, cycle.approved_revision) {
        // Approved, and no copy kept: nothing has changed since, or the
        // change would have kept one (`cycle::open_for_edit`).
        (None, Some(approved)) if cycle.status == PlanStatus::Approved => (
            None,
            Some(format!(
                "Revision {approved} is approved, and nothing in the plan's text has changed since."
            )),
            StatusCode::OK,
        ),
        (None, _) => (
            None,
            Some(
                "This plan has no approved revision yet: there is nothing to compare it with."
                    .to_string(),
            ),
            StatusCode::OK,
        ),
        (Some(from), _) => match state.store.compare_plan(id, from, to).await {
            Ok(diff) => (Some(DiffView::from(diff)), None, StatusCode::OK),
            Err(StoreError::Invalid(why)) => (None, Some(sentence(&why)), StatusCode::BAD_REQUEST),
            Err(e) => return Err(e.into()),
        },
    };
    let page = ComparePage {
        title: format!("Compare revisions: {}", plan.title),
        plan_id: id,
        plan_title: plan.title.clone(),
        revisions,
        from,
        to,
        to_label: match to {
            Some(r) => format!("revision {r}"),
            None => format!("the plan as it stands (revision {})", cycle.revision),
        },
        diff,
        problem,
    };
    Ok((status, render(&state, "plan_compare.html", &page)?).into_response())
}
