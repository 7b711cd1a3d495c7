//! An action: every field, its thread, milestones, progress timeline, and
//! the form to record progress.

use super::{render, today};
use crate::AppState;
use crate::auth::{Me, SignedIn};
use crate::error::WebError;
use crate::extract::RecordId;
use crate::forms::FormErrors;
use crate::views::assess;
use axum::Form;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use chrono::NaiveDate;
use goldthread_domain::status::ActionAssessment;
use goldthread_domain::{ActionStatus, DateContext, FuzzyDate, Review, Role, entry, may_record};
use goldthread_storage::{ActionDetail, LinkedAction, NewProgress, StoreError};
use serde::{Deserialize, Serialize};

#[derive(Debug, Default, Deserialize, Serialize, Clone)]
pub struct ProgressForm {
    #[serde(default)]
    version: String,
    #[serde(default)]
    as_at: String,
    #[serde(default)]
    status: String,
    #[serde(default)]
    percent_complete: String,
    #[serde(default)]
    commentary: String,
    #[serde(default)]
    revised_due: String,
    #[serde(default)]
    revised_reason: String,
}

#[derive(Deserialize)]
pub struct PageQuery {
    saved: Option<String>,
    /// Back from the edit form: "added" for a new action.
    edited: Option<String>,
    /// A past day: the action as it was known then.
    as_at: Option<String>,
}

#[derive(Serialize)]
struct Page {
    title: String,
    action: ActionView,
    assessment: Option<AssessmentView>,
    form: ProgressForm,
    errors: FormErrors,
    conflict: Option<String>,
    saved: Option<&'static str>,
    /// Whether the signed-in account may record progress here, and if not,
    /// why not.
    can_record: bool,
    cannot_record: Option<String>,
    /// Whether the account may edit the plan (editors and above).
    can_edit: bool,
    statuses: Vec<(&'static str, &'static str)>,
    /// Shown as known at the end of this past day.
    past: Option<String>,
}

#[derive(Serialize)]
struct AssessmentView {
    health: &'static str,
    health_label: &'static str,
    rag: &'static str,
    reported: Option<&'static str>,
    update_missing: bool,
    slippage_days: Option<i64>,
    period: String,
}

/// As at, status, percent complete, commentary, author, sign-off note.
type UpdateView = (
    String,
    &'static str,
    Option<i64>,
    String,
    Option<String>,
    Option<String>,
);

#[derive(Serialize)]
struct ActionView {
    id: i64,
    code: Option<String>,
    title: String,
    plan_id: i64,
    plan_title: String,
    fields: Vec<(&'static str, String)>,
    due_text: Option<String>,
    current_due: Option<String>,
    officers: Vec<String>,
    source: Option<String>,
    milestones: Vec<(String, Option<String>, Option<String>)>,
    revisions: Vec<(String, String, Option<String>, Option<String>)>,
    updates: Vec<UpdateView>,
    indicators: Vec<(i64, String)>,
    risks: Vec<(i64, String)>,
    nodes: Vec<(String, String)>,
    links: LinksView,
}

/// An action's links beyond its plan's thread, as its page lists them.
#[derive(Serialize)]
struct LinksView {
    /// id, "code title", and the plan's title when it is another plan.
    follows: Vec<(i64, String, Option<String>)>,
    followed_by: Vec<(i64, String, Option<String>)>,
    services: Vec<String>,
    agendas: Vec<String>,
}

impl LinksView {
    fn of(detail: &ActionDetail) -> LinksView {
        let named = |actions: &[LinkedAction]| {
            actions
                .iter()
                .map(|a| {
                    let name = match &a.code {
                        Some(code) => format!("{code} {}", a.title),
                        None => a.title.clone(),
                    };
                    let other_plan = (a.plan_id != detail.plan_id).then(|| a.plan_title.clone());
                    (a.id, name, other_plan)
                })
                .collect()
        };
        LinksView {
            follows: named(&detail.links.follows),
            followed_by: named(&detail.links.followed_by),
            services: detail.links.services.clone(),
            agendas: detail.links.agendas.clone(),
        }
    }
}

fn long_date(day: NaiveDate) -> String {
    day.format("%-d %B %Y").to_string()
}

fn view(detail: &ActionDetail) -> ActionView {
    let current_due = detail.revisions.last().map(|r| r.to_text.clone());
    let source =
        detail
            .source_file
            .as_ref()
            .map(|file| match (&detail.source_sheet, detail.source_line) {
                (Some(sheet), Some(line)) => format!("{file}, {sheet}, row {line}"),
                (None, Some(line)) => format!("{file}, line {line}"),
                _ => file.clone(),
            });
    ActionView {
        id: detail.id,
        code: detail.code.clone(),
        title: detail.title.clone(),
        plan_id: detail.plan_id,
        plan_title: detail.plan_title.clone(),
        fields: detail.fields.clone(),
        due_text: detail.due_text.clone(),
        current_due,
        officers: detail.officers.clone(),
        source,
        milestones: detail
            .milestones
            .iter()
            .map(|m| {
                (
                    m.title.clone(),
                    m.due_text.clone(),
                    m.completed.map(long_date),
                )
            })
            .collect(),
        revisions: detail
            .revisions
            .iter()
            .map(|r| {
                (
                    r.from_text.clone(),
                    r.to_text.clone(),
                    r.reason.clone(),
                    r.reported.map(long_date),
                )
            })
            .collect(),
        updates: detail
            .updates
            .iter()
            .map(|u| {
                (
                    long_date(u.as_at),
                    u.status.label(),
                    u.percent_complete,
                    u.commentary.clone(),
                    u.author.clone(),
                    review_note(u.review, u.review_comment.as_deref()),
                )
            })
            .collect(),
        indicators: detail
            .indicators
            .iter()
            .map(|(id, code, title)| {
                (
                    *id,
                    code.as_ref()
                        .map_or_else(|| title.clone(), |c| format!("{c} – {title}")),
                )
            })
            .collect(),
        risks: detail.risks.clone(),
        nodes: detail
            .nodes
            .iter()
            .map(|(_, label, title)| (label.clone(), title.clone()))
            .collect(),
        links: LinksView::of(detail),
    }
}

fn assessment_view(a: ActionAssessment, as_at: NaiveDate) -> AssessmentView {
    AssessmentView {
        health: a.health.as_str(),
        health_label: a.health.label(),
        rag: a.rag.as_str(),
        reported: a.reported.map(ActionStatus::label),
        update_missing: a.update_missing,
        slippage_days: a.slippage_days,
        period: goldthread_domain::status::reporting_quarter(as_at).to_string(),
    }
}

/// How an update's sign-off shows beside it: nothing once approved.
pub(crate) fn review_note(review: Review, comment: Option<&str>) -> Option<String> {
    match review {
        Review::Approved => None,
        Review::Pending => Some(Review::Pending.label().to_string()),
        Review::Returned => Some(match comment {
            Some(c) => format!("Returned: {c}"),
            None => "Returned".to_string(),
        }),
    }
}

/// A record progress or values are recorded on.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Recorded {
    Action(i64),
    Indicator(i64),
}

/// Whether `me` may record on `record` (an officer: one their posts lead
/// or own), and if not, why.
pub(crate) async fn recording_rights(
    state: &AppState,
    me: Option<&SignedIn>,
    record: Recorded,
) -> Result<Result<(), String>, WebError> {
    let Some(me) = me else {
        return Ok(Err("Sign in to record progress.".into()));
    };
    // Only an officer's right depends on the record: the rest need no query.
    match me.role {
        Role::Viewer => return Ok(Err("Your account can read but not record progress.".into())),
        Role::Editor | Role::Admin => return Ok(Ok(())),
        Role::Officer => {}
    }
    let posts = match record {
        Recorded::Action(id) => state.store.action_posts(id).await?,
        Recorded::Indicator(id) => state.store.indicator_posts(id).await?,
    };
    let held = state.store.posts_of(me.account_id).await?;
    let record: Vec<&str> = posts.iter().map(String::as_str).collect();
    if may_record(me.role, held.iter().map(String::as_str), &record) {
        return Ok(Ok(()));
    }
    Ok(Err(match me.role {
        Role::Viewer => "Your account can read but not record progress.".to_string(),
        _ => format!(
            "Only the holders of {} (and the performance team) can record here. Your posts: {}.",
            if posts.is_empty() {
                "its lead post".to_string()
            } else {
                posts.join(", ")
            },
            if held.is_empty() {
                "none".to_string()
            } else {
                held.join(", ")
            }
        ),
    }))
}

async fn build_page(
    state: &AppState,
    id: i64,
    form: Option<ProgressForm>,
    errors: FormErrors,
    conflict: Option<String>,
    saved: Option<&'static str>,
    past: Option<NaiveDate>,
) -> Result<Page, WebError> {
    let detail = state.store.action_detail(id).await?;
    let me = crate::auth::page_context().account;
    let mut rights = recording_rights(state, me.as_ref(), Recorded::Action(id)).await?;
    let form = form.unwrap_or_else(|| fresh_form(detail.version));
    let data = super::data_as_known(state, past).await?;
    let as_at = past.unwrap_or_else(today);
    let known = data.actions.iter().find(|a| a.id == id);
    let assessment = known.map(|a| assessment_view(assess::action(a, as_at), as_at));
    let mut action = view(&detail);
    if let Some(day) = past {
        // What was known then: its updates to that day, its due date in
        // force then; the revisions' story and recording are today's.
        action.updates = known
            .map(|a| {
                a.updates
                    .iter()
                    .filter(|u| u.as_at <= day)
                    .map(|u| {
                        (
                            u.as_at.format("%-d %B %Y").to_string(),
                            u.status.label(),
                            None,
                            u.commentary.clone(),
                            None,
                            None,
                        )
                    })
                    .collect()
            })
            .unwrap_or_default();
        action.revisions.clear();
        action.current_due = known.and_then(|a| {
            (a.due != a.original_due)
                .then(|| a.due_in_force_text.clone())
                .flatten()
        });
        // Its code and title as known then: an edit made since is undone.
        if let Some(a) = known {
            action.code = a.code.clone();
            action.title = a.title.clone();
            action.due_text = a.due_text.clone();
        }
        rights = Err("This is the action as it was known on a past day: progress is recorded on today's page.".into());
    }
    Ok(Page {
        title: format!(
            "{} {}",
            action.code.clone().unwrap_or_default(),
            action.title
        )
        .trim()
        .to_string(),
        action,
        assessment,
        form,
        errors,
        conflict,
        saved,
        can_record: rights.is_ok(),
        cannot_record: rights.err(),
        can_edit: past.is_none() && super::authoring::may_edit(),
        statuses: ActionStatus::ALL
            .iter()
            .map(|s| (s.as_str(), s.label()))
            .collect(),
        past: past.map(|d| d.format("%-d %B %Y").to_string()),
    })
}

fn fresh_form(version: i64) -> ProgressForm {
    ProgressForm {
        version: version.to_string(),
        as_at: today().to_string(),
        ..ProgressForm::default()
    }
}

pub async fn page(
    State(state): State<AppState>,
    RecordId(id): RecordId,
    Query(q): Query<PageQuery>,
) -> Result<Response, WebError> {
    let saved = match (q.saved.as_deref(), q.edited.as_deref()) {
        (Some("pending"), _) => Some("Progress submitted. It counts once it is signed off."),
        (Some(_), _) => Some("Progress recorded."),
        (None, Some("added")) => Some("Action added."),
        (None, Some(_)) => Some("Changes saved."),
        (None, None) => None,
    };
    let past = super::past_day(q.as_at.as_deref());
    let page = build_page(&state, id, None, FormErrors::default(), None, saved, past).await?;
    Ok(render(&state, "action.html", &page)?.into_response())
}

fn validate(
    form: &ProgressForm,
    plan_first_day: Option<NaiveDate>,
) -> Result<(i64, NewProgress), FormErrors> {
    let mut errors = FormErrors::default();
    let version = form.version.trim().parse::<i64>();
    if version.is_err() {
        errors.add("status", crate::forms::INCOMPLETE);
    }
    let status = ActionStatus::parse(form.status.trim());
    if status.is_none() {
        errors.add("status", "Select the status of the action");
    }
    let as_at = NaiveDate::parse_from_str(form.as_at.trim(), "%Y-%m-%d");
    match as_at {
        Err(_) => errors.add(
            "as_at",
            "Enter the date of the update in the form 2017-09-30",
        ),
        Ok(d) => {
            if let Err(problem) = entry::check_update_date(d, plan_first_day, today()) {
                errors.add("as_at", format!("Date of the update: {problem}"));
            }
        }
    }
    let percent = match form.percent_complete.trim() {
        "" => None,
        text => match text.trim_end_matches('%').trim().parse::<u8>() {
            Ok(p) if p <= 100 => Some(p),
            _ => {
                errors.add(
                    "percent_complete",
                    "Percentage complete must be a whole number from 0 to 100",
                );
                None
            }
        },
    };
    let commentary = form.commentary.trim();
    if commentary.is_empty() {
        errors.add("commentary", "Enter a commentary on progress");
    } else if commentary.chars().count() > 10_000 {
        errors.add(
            "commentary",
            "Commentary must be 10,000 characters or fewer",
        );
    }
    let revised_due = match form.revised_due.trim() {
        "" => None,
        text => {
            let due = FuzzyDate::parse(text, DateContext::default());
            let sense = due
                .latest
                .map(|latest| entry::check_revised_due(latest, plan_first_day, today()));
            if due.latest.is_none() || text.chars().count() > 200 {
                errors.add(
                    "revised_due",
                    "Enter the revised due date as a date, like 30 June 2018 or March 2018",
                );
                None
            } else if let Some(Err(problem)) = sense {
                errors.add("revised_due", format!("Revised due date: {problem}"));
                None
            } else if form.revised_reason.trim().is_empty() {
                errors.add("revised_reason", "Enter the reason the due date has moved");
                None
            } else if form.revised_reason.chars().count() > 2_000 {
                errors.add(
                    "revised_reason",
                    "The reason must be 2,000 characters or fewer",
                );
                None
            } else {
                Some((due, form.revised_reason.trim().to_string()))
            }
        }
    };
    match (version, status, as_at) {
        (Ok(version), Some(status), Ok(as_at)) if errors.is_empty() => Ok((
            version,
            NewProgress {
                as_at,
                status,
                percent_complete: percent,
                commentary: commentary.to_string(),
                revised_due,
            },
        )),
        _ => Err(errors),
    }
}

pub async fn record_progress(
    State(state): State<AppState>,
    RecordId(id): RecordId,
    Me(me): Me,
    Form(form): Form<ProgressForm>,
) -> Result<Response, WebError> {
    if let Err(why) = recording_rights(&state, Some(&me), Recorded::Action(id)).await? {
        // The record must exist for the refusal to mean anything.
        state.store.action_detail(id).await?;
        return Err(WebError::Forbidden(why));
    }
    let data = state.snapshot.get(&state.store).await?;
    let plan_first_day = data
        .actions
        .iter()
        .find(|a| a.id == id)
        .and_then(|a| data.plan(a.plan_id))
        .and_then(|p| p.first_day);
    let (version, progress) = match validate(&form, plan_first_day) {
        Ok(valid) => valid,
        Err(errors) => {
            let page = build_page(&state, id, Some(form), errors, None, None, None).await?;
            return Ok((
                axum::http::StatusCode::BAD_REQUEST,
                render(&state, "action.html", &page)?,
            )
                .into_response());
        }
    };
    let review = if me.role.needs_sign_off() {
        Review::Pending
    } else {
        Review::Approved
    };
    match state
        .store
        .record_progress(id, version, &progress, &me.actor(), review)
        .await
    {
        Ok(()) => {
            let saved = if review == Review::Pending {
                "pending"
            } else {
                "1"
            };
            Ok(Redirect::to(&format!("/actions/{id}?saved={saved}")).into_response())
        }
        Err(StoreError::Conflict {
            changed_by,
            changed_at,
            current,
            ..
        }) => {
            // Keep everything the user typed; take the new version so a
            // deliberate resubmit, after reading the latest update, succeeds.
            let mut kept = form;
            kept.version = current.to_string();
            let message = format!(
                "{changed_by} changed this action at {} while you were writing your update. Your update has not been saved. \
                 Read their change in the progress timeline below; your text is still in the form, so you can submit it again.",
                changed_at
                    .get(..16)
                    .unwrap_or(&changed_at)
                    .replace('T', " ")
            );
            let page = build_page(
                &state,
                id,
                Some(kept),
                FormErrors::default(),
                Some(message),
                None,
                None,
            )
            .await?;
            Ok((
                axum::http::StatusCode::CONFLICT,
                render(&state, "action.html", &page)?,
            )
                .into_response())
        }
        Err(e) => Err(e.into()),
    }
}
