//! Plan authoring for editors: correct an action or an indicator, add an
//! action to a plan, remove one. Each form keeps what the person typed when
//! it is refused (400 for the checks, 409 when someone else changed the
//! record first) and shows the plan's data-quality findings as they stand.

use super::render;
use crate::AppState;
use crate::auth::Me;
use crate::error::WebError;
use crate::extract::RecordId;
use crate::forms::{FormErrors, parse_figure};
use axum::Form;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use goldthread_domain::{
    ActionField, DateContext, DateReading, FinancialYear, Frequency, FuzzyDate, IndicatorCode,
    Period, Polarity, Target, Template, Unit,
};
use goldthread_storage::{ActionFields, ActionLinks, IndicatorFields, PlanOutline, StoreError};
use serde::{Deserialize, Serialize};

pub(super) const MAX_TITLE: usize = 500;
const MAX_CODE: usize = 30;
pub(super) const MAX_TEXT: usize = 10_000;
pub(super) const MAX_LINE: usize = 200;
const MAX_LINES: usize = 50;

/// The action form as typed. Read from the raw pairs: the thread nodes
/// are a group of checkboxes sharing one name.
#[derive(Debug, Default, Clone, Serialize)]
struct ActionForm {
    version: String,
    code: String,
    title: String,
    lead_officers: String,
    due: String,
    milestones: String,
    /// The template's optional fields as typed: name and text.
    details: Vec<(String, String)>,
    nodes: Vec<String>,
    /// Codes (or `#id`) of the actions it follows on from, comma separated.
    follows: String,
    /// Ticked org units and agendas.
    services: Vec<String>,
    agendas: Vec<String>,
}

impl ActionForm {
    fn from_pairs(pairs: Vec<(String, String)>) -> ActionForm {
        let mut form = ActionForm::default();
        for (name, value) in pairs {
            match name.as_str() {
                "version" => form.version = value,
                "code" => form.code = value,
                "title" => form.title = value,
                "lead_officers" => form.lead_officers = value,
                "due" => form.due = value,
                "milestones" => form.milestones = value,
                "nodes" => form.nodes.push(value),
                "follows" => form.follows = value,
                "services" => form.services.push(value),
                "agendas" => form.agendas.push(value),
                name if ActionField::parse(name).is_some() => form.set_detail(name, value),
                _ => {}
            }
        }
        form
    }

    fn set_detail(&mut self, name: &str, value: String) {
        match self.details.iter_mut().find(|(n, _)| n == name) {
            Some(detail) => detail.1 = value,
            None => self.details.push((name.to_string(), value)),
        }
    }

    fn detail(&self, field: ActionField) -> &str {
        self.details
            .iter()
            .find(|(n, _)| n == field.as_str())
            .map_or("", |(_, v)| v.as_str())
    }
}

/// One of the template's optional fields, as the form shows it: a text
/// box, or a select box of a fixed list (with the stored value kept as a
/// choice when the list lacks it, so saving unchanged does not lose it).
#[derive(Serialize)]
struct DetailField {
    name: &'static str,
    label: &'static str,
    value: String,
    rows: u8,
    options: Option<Vec<String>>,
}

fn detail_fields(template: &Template, form: &ActionForm) -> Vec<DetailField> {
    template
        .action_fields
        .iter()
        .map(|&field| {
            let value = form.detail(field).to_string();
            let options = field.list().map(|list| {
                let mut options = template.list(list).to_vec();
                if !value.trim().is_empty() && !options.iter().any(|o| o == value.trim()) {
                    options.insert(0, value.trim().to_string());
                }
                options
            });
            DetailField {
                name: field.as_str(),
                label: field.label(),
                rows: if field == ActionField::Description {
                    4
                } else {
                    2
                },
                value,
                options,
            }
        })
        .collect()
}

#[derive(Serialize)]
struct ActionPage {
    title: String,
    /// `None` for a new action.
    action_id: Option<i64>,
    action_title: Option<String>,
    plan_id: i64,
    plan_title: String,
    form: ActionForm,
    errors: FormErrors,
    conflict: Option<String>,
    findings: Vec<String>,
    /// id, "Level: title", checked.
    nodes: Vec<(String, String, bool)>,
    /// The template's optional fields, in its order.
    details: Vec<DetailField>,
    /// Other services it may affect: id, name, ticked.
    services: Vec<(String, String, bool)>,
    /// Partnership agendas it may serve: name, ticked.
    agendas: Vec<(String, bool)>,
    saved: bool,
}

/// The choices beside the plan's own thread: the organisation's services
/// and the template's partnership agendas.
struct LinkChoices {
    units: Vec<(i64, String)>,
    template: Template,
}

impl LinkChoices {
    async fn load(state: &AppState) -> Result<LinkChoices, WebError> {
        Ok(LinkChoices {
            units: state.store.org_units().await?,
            template: state.store.template().await?.0,
        })
    }

    /// The agendas offered: the template's, then any the action holds
    /// that the list has lost (so saving unchanged keeps them).
    fn agendas(&self, form: &ActionForm) -> Vec<String> {
        let mut offered = self.template.partnership_agendas.clone();
        for held in &form.agendas {
            if !offered.contains(held) {
                offered.push(held.clone());
            }
        }
        offered
    }
}

/// The most actions an action may follow on from, as the store allows.
const MAX_FOLLOWS: usize = 100;

/// The links as the form gives them, with the actions it follows on from
/// found by code; every name not found, or naming the action itself, is
/// an error on the field.
async fn read_links(
    state: &AppState,
    plan_id: i64,
    action_id: Option<i64>,
    form: &ActionForm,
    choices: &LinkChoices,
) -> Result<Result<ActionLinks, FormErrors>, WebError> {
    let mut errors = FormErrors::default();
    let names: Vec<String> = form
        .follows
        .split([',', ';', '\n'])
        .map(str::trim)
        .filter(|n| !n.is_empty())
        .map(str::to_string)
        .collect();
    let mut follows = Vec::new();
    if names.len() > MAX_FOLLOWS || names.iter().any(|n| n.chars().count() > MAX_CODE) {
        errors.add(
            "follows",
            format!(
                "Follows on from: up to {MAX_FOLLOWS} codes, each {MAX_CODE} characters or fewer"
            ),
        );
    } else {
        let found = state.store.find_actions(plan_id, &names).await?;
        let missing: Vec<&str> = found
            .iter()
            .filter(|(_, id)| id.is_none())
            .map(|(n, _)| n.as_str())
            .collect();
        if !missing.is_empty() {
            errors.add(
                "follows",
                format!(
                    "No action is coded {} in this plan or the service's other plans",
                    missing.join(", ")
                ),
            );
        }
        for id in found.into_iter().filter_map(|(_, id)| id) {
            if Some(id) == action_id {
                errors.add("follows", "An action cannot follow on from itself");
            } else if !follows.contains(&id) {
                follows.push(id);
            }
        }
    }
    let services = chosen_ids(
        &mut errors,
        "services",
        "Choose only among the council's services",
        &form.services,
        |id| choices.units.iter().any(|u| u.0 == id),
    );
    let offered = choices.agendas(form);
    let mut agendas: Vec<String> = Vec::new();
    for agenda in &form.agendas {
        if !offered.contains(agenda) {
            errors.add(
                "agendas",
                "Choose only among the partnership agendas listed",
            );
            break;
        }
        if !agendas.contains(agenda) {
            agendas.push(agenda.clone());
        }
    }
    Ok(if errors.is_empty() {
        Ok(ActionLinks {
            follows,
            services,
            agendas,
        })
    } else {
        Err(errors)
    })
}

fn lines(text: &str) -> impl Iterator<Item = &str> {
    text.lines().map(str::trim).filter(|l| !l.is_empty())
}

pub(super) fn optional(text: &str) -> Option<String> {
    let text = text.trim();
    (!text.is_empty()).then(|| text.to_string())
}

fn date_context(outline: &PlanOutline) -> DateContext {
    DateContext {
        financial_year: outline
            .period_from
            .as_deref()
            .and_then(|y| y.parse::<FinancialYear>().ok()),
    }
}

pub(super) fn limit(errors: &mut FormErrors, field: &str, label: &str, text: &str, max: usize) {
    if text.chars().count() > max {
        errors.add(
            field,
            format!("{label} must be {} characters or fewer", thousands(max)),
        );
    }
}

fn thousands(n: usize) -> String {
    if n >= 1000 {
        format!("{},{:03}", n / 1000, n % 1000)
    } else {
        n.to_string()
    }
}

const DATE_EXAMPLES: &str = "like 31 March 2018, March 2018, Q3 2017/18 or 2017/18";

/// Checks the form; the fields to store, or every problem by field.
fn validate_action(
    form: &ActionForm,
    outline: &PlanOutline,
    template: &Template,
) -> Result<ActionFields, FormErrors> {
    let mut errors = FormErrors::default();
    let title = form.title.trim();
    if title.is_empty() {
        errors.add("title", "Enter the title of the action");
    }
    limit(&mut errors, "title", "Title", title, MAX_TITLE);
    limit(&mut errors, "code", "Code", form.code.trim(), MAX_CODE);
    for &field in &template.action_fields {
        let max = if field.list().is_some() {
            MAX_LINE
        } else {
            MAX_TEXT
        };
        limit(
            &mut errors,
            field.as_str(),
            field.label(),
            form.detail(field),
            max,
        );
    }
    let context = date_context(outline);
    let officers: Vec<String> = lines(&form.lead_officers).map(str::to_string).collect();
    if officers.len() > MAX_LINES || officers.iter().any(|o| o.chars().count() > MAX_LINE) {
        errors.add(
            "lead_officers",
            format!("Lead officers: up to {MAX_LINES} posts, each {MAX_LINE} characters or fewer"),
        );
    }
    let due = match form.due.trim() {
        "" => None,
        text if text.chars().count() > MAX_LINE => {
            errors.add(
                "due",
                format!("Due date must be {MAX_LINE} characters or fewer"),
            );
            None
        }
        text => {
            let due = FuzzyDate::parse(text, context);
            if due.reading == DateReading::Unreadable {
                errors.add(
                    "due",
                    format!(
                        "\"{text}\" cannot be read as a date: enter the due date {DATE_EXAMPLES}"
                    ),
                );
            }
            Some(due)
        }
    };
    let mut milestones = Vec::new();
    let mut milestone_lines = 0;
    for line in lines(&form.milestones) {
        milestone_lines += 1;
        let (title, due) = match line.rsplit_once('|') {
            Some((title, due)) => (title.trim(), due.trim()),
            None => (line, ""),
        };
        if title.is_empty() || title.chars().count() > MAX_TITLE || due.chars().count() > MAX_LINE {
            errors.add(
                "milestones",
                format!("Each milestone needs a title of {MAX_TITLE} characters or fewer"),
            );
            break;
        }
        let due = optional(due).map(|d| FuzzyDate::parse(&d, context));
        if let Some(d) = &due
            && d.reading == DateReading::Unreadable
        {
            errors.add(
                "milestones",
                format!(
                    "Milestone \"{title}\": \"{}\" cannot be read as a date: enter it {DATE_EXAMPLES}",
                    d.text
                ),
            );
        }
        milestones.push((title.to_string(), due));
    }
    if milestone_lines > MAX_LINES {
        errors.add(
            "milestones",
            format!("An action can have up to {MAX_LINES} milestones"),
        );
    }
    let nodes = chosen_ids(
        &mut errors,
        "nodes",
        "Choose only among this plan's priorities and outcomes",
        &form.nodes,
        |id| outline.nodes.iter().any(|n| n.0 == id),
    );
    if !errors.is_empty() {
        return Err(errors);
    }
    Ok(ActionFields {
        code: optional(&form.code),
        title: title.to_string(),
        details: template
            .action_fields
            .iter()
            .map(|&field| (field, optional(form.detail(field))))
            .collect(),
        due,
        lead_officers: officers,
        milestones,
        nodes,
        links: None,
    })
}

/// The form checked in full: its own fields, then its links (which need
/// the store to find codes); every problem of both is named at once.
async fn read_action_form(
    state: &AppState,
    form: &ActionForm,
    outline: &PlanOutline,
    action_id: Option<i64>,
    choices: &LinkChoices,
) -> Result<Result<ActionFields, FormErrors>, WebError> {
    let fields = validate_action(form, outline, &choices.template);
    let links = read_links(state, outline.id, action_id, form, choices).await?;
    Ok(match (fields, links) {
        (Ok(mut fields), Ok(links)) => {
            fields.links = Some(links);
            Ok(fields)
        }
        (Err(mut errors), Err(more)) => {
            errors.0.extend(more.0);
            Err(errors)
        }
        (Err(errors), _) | (_, Err(errors)) => Err(errors),
    })
}

/// The data-quality findings of the action as the form has it, in the
/// importer's words.
fn findings(form: &ActionForm, outline: &PlanOutline, action_id: Option<i64>) -> Vec<String> {
    let code = form.code.trim();
    let who = if code.is_empty() {
        let title: String = form.title.trim().chars().take(60).collect();
        format!("action \"{title}\"")
    } else {
        format!("action {code}")
    };
    let mut out = Vec::new();
    if lines(&form.lead_officers).next().is_none() {
        out.push(format!("{who} has no lead officer"));
    }
    let context = date_context(outline);
    let due = form.due.trim();
    if due.is_empty() && !form.milestones.contains('|') {
        out.push(format!("{who} has no due date"));
    } else if !due.is_empty() && FuzzyDate::parse(due, context).reading == DateReading::Unreadable {
        out.push(format!("{who} due date \"{due}\" cannot be read as a date"));
    }
    if !code.is_empty()
        && outline
            .actions
            .iter()
            .any(|(id, c, _)| Some(*id) != action_id && c.as_deref() == Some(code))
    {
        out.push(format!("action code {code} is used twice in this plan"));
    }
    let linked: Vec<i64> = form.nodes.iter().filter_map(|n| n.parse().ok()).collect();
    if !goldthread_domain::off_thread(&outline.thread, [((), linked.as_slice())]).is_empty() {
        out.push(format!(
            "{who} is not on the golden thread: it serves no priority, nor an outcome or objective under one"
        ));
    }
    out
}

pub(super) fn node_choices(
    outline: &PlanOutline,
    chosen: &[String],
) -> Vec<(String, String, bool)> {
    outline
        .nodes
        .iter()
        .map(|(id, _, label, title)| {
            let id = id.to_string();
            let checked = chosen.contains(&id);
            (id, format!("{label}: {title}"), checked)
        })
        .collect()
}

fn action_page(
    outline: &PlanOutline,
    choices: &LinkChoices,
    action: Option<(i64, String)>,
    form: ActionForm,
    errors: FormErrors,
    conflict: Option<String>,
    saved: bool,
) -> ActionPage {
    let action_id = action.as_ref().map(|a| a.0);
    ActionPage {
        title: match &action {
            Some((_, title)) => format!("Edit action: {title}"),
            None => format!("Add an action to {}", outline.title),
        },
        action_id,
        action_title: action.map(|a| a.1),
        plan_id: outline.id,
        plan_title: outline.title.clone(),
        findings: findings(&form, outline, action_id),
        nodes: node_choices(outline, &form.nodes),
        details: detail_fields(&choices.template, &form),
        services: choices
            .units
            .iter()
            .map(|(id, name)| {
                let id = id.to_string();
                let ticked = form.services.contains(&id);
                (id, name.clone(), ticked)
            })
            .collect(),
        agendas: choices
            .agendas(&form)
            .into_iter()
            .map(|a| {
                let ticked = form.agendas.contains(&a);
                (a, ticked)
            })
            .collect(),
        form,
        errors,
        conflict,
        saved,
    }
}

#[derive(Deserialize)]
pub struct SavedQuery {
    saved: Option<String>,
}

pub async fn edit_action_form(
    State(state): State<AppState>,
    RecordId(id): RecordId,
    Query(q): Query<SavedQuery>,
) -> Result<Response, WebError> {
    let action = state.store.action_for_edit(id).await?;
    let outline = state.store.plan_outline(action.plan_id).await?;
    let form = ActionForm {
        version: action.version.to_string(),
        code: action.code.clone().unwrap_or_default(),
        title: action.title.clone(),
        lead_officers: action.lead_officers.join("\n"),
        due: action.due_text.clone().unwrap_or_default(),
        milestones: action
            .milestones
            .iter()
            .map(|(title, due)| match due {
                Some(due) => format!("{title} | {due}"),
                None => title.clone(),
            })
            .collect::<Vec<_>>()
            .join("\n"),
        details: action
            .details
            .iter()
            .map(|(field, value)| {
                (
                    field.as_str().to_string(),
                    value.clone().unwrap_or_default(),
                )
            })
            .collect(),
        nodes: action.nodes.iter().map(ToString::to_string).collect(),
        follows: state
            .store
            .action_links_shown(id)
            .await?
            .follows
            .iter()
            .map(|a| a.code.clone().unwrap_or_else(|| format!("#{}", a.id)))
            .collect::<Vec<_>>()
            .join(", "),
        services: action
            .links
            .services
            .iter()
            .map(ToString::to_string)
            .collect(),
        agendas: action.links.agendas.clone(),
    };
    let choices = LinkChoices::load(&state).await?;
    let page = action_page(
        &outline,
        &choices,
        Some((id, action.title)),
        form,
        FormErrors::default(),
        None,
        q.saved.is_some(),
    );
    Ok(render(&state, "action_edit.html", &page)?.into_response())
}

pub async fn edit_action(
    State(state): State<AppState>,
    RecordId(id): RecordId,
    Me(me): Me,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    let (plan_id, title) = state.store.action_heading(id).await?;
    let outline = state.store.plan_outline(plan_id).await?;
    let form = ActionForm::from_pairs(pairs);
    let choices = LinkChoices::load(&state).await?;
    let refuse = |form: ActionForm, errors: FormErrors, conflict: Option<String>| {
        action_page(
            &outline,
            &choices,
            Some((id, title.clone())),
            form,
            errors,
            conflict,
            false,
        )
    };
    let Ok(version) = form.version.trim().parse::<i64>() else {
        let page = refuse(form, FormErrors::incomplete("title"), None);
        return respond(&state, StatusCode::BAD_REQUEST, "action_edit.html", &page);
    };
    let fields = match read_action_form(&state, &form, &outline, Some(id), &choices).await? {
        Ok(fields) => fields,
        Err(errors) => {
            let page = refuse(form, errors, None);
            return respond(&state, StatusCode::BAD_REQUEST, "action_edit.html", &page);
        }
    };
    match state
        .store
        .edit_action(id, version, &fields, &me.actor())
        .await
    {
        Ok(()) => Ok(Redirect::to(&format!("/actions/{id}?edited=1")).into_response()),
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
            respond(&state, StatusCode::CONFLICT, "action_edit.html", &page)
        }
        Err(e) => Err(e.into()),
    }
}

/// What a stale form says: who got there first, and that nothing typed is lost.
pub(super) fn conflict_message(changed_by: &str, changed_at: &str) -> String {
    format!(
        "{changed_by} changed this at {} while you were editing. Your changes have not been saved. \
         Open the record in another tab to read theirs; what you typed is still in the form, so you can save it again.",
        changed_at.get(..16).unwrap_or(changed_at).replace('T', " ")
    )
}

pub async fn new_action_form(
    State(state): State<AppState>,
    RecordId(plan_id): RecordId,
) -> Result<Response, WebError> {
    let outline = state.store.plan_outline(plan_id).await?;
    let choices = LinkChoices::load(&state).await?;
    let page = action_page(
        &outline,
        &choices,
        None,
        ActionForm::default(),
        FormErrors::default(),
        None,
        false,
    );
    Ok(render(&state, "action_edit.html", &page)?.into_response())
}

pub async fn add_action(
    State(state): State<AppState>,
    RecordId(plan_id): RecordId,
    Me(me): Me,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    let outline = state.store.plan_outline(plan_id).await?;
    let form = ActionForm::from_pairs(pairs);
    let choices = LinkChoices::load(&state).await?;
    let fields = match read_action_form(&state, &form, &outline, None, &choices).await? {
        Ok(fields) => fields,
        Err(errors) => {
            let page = action_page(&outline, &choices, None, form, errors, None, false);
            return respond(&state, StatusCode::BAD_REQUEST, "action_edit.html", &page);
        }
    };
    let id = state
        .store
        .add_action(plan_id, &fields, &me.actor())
        .await?;
    Ok(Redirect::to(&format!("/actions/{id}?edited=added")).into_response())
}

#[derive(Serialize)]
struct RemovePage {
    title: String,
    action_id: i64,
    action_title: String,
    plan_id: i64,
    plan_title: String,
    version: i64,
    updates: i64,
    conflict: Option<String>,
}

pub async fn remove_action_form(
    State(state): State<AppState>,
    RecordId(id): RecordId,
) -> Result<Response, WebError> {
    let page = remove_page(&state, id, None).await?;
    Ok(render(&state, "action_remove.html", &page)?.into_response())
}

async fn remove_page(
    state: &AppState,
    id: i64,
    conflict: Option<String>,
) -> Result<RemovePage, WebError> {
    let action = state.store.action_for_edit(id).await?;
    let name = match &action.code {
        Some(code) => format!("{code} {}", action.title),
        None => action.title.clone(),
    };
    Ok(RemovePage {
        title: format!("Remove action: {name}"),
        action_id: id,
        action_title: name,
        plan_id: action.plan_id,
        plan_title: action.plan_title,
        version: action.version,
        updates: action.updates,
        conflict,
    })
}

#[derive(Deserialize)]
pub struct RemoveForm {
    #[serde(default)]
    version: String,
}

pub async fn remove_action(
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
    if page.updates > 0 {
        return respond(&state, StatusCode::CONFLICT, "action_remove.html", &page);
    }
    match state.store.remove_action(id, version, &me.actor()).await {
        Ok(()) => Ok(Redirect::to(&format!("/plans/{}?removed=1", page.plan_id)).into_response()),
        Err(StoreError::Conflict {
            changed_by,
            changed_at,
            ..
        }) => {
            let page =
                remove_page(&state, id, Some(conflict_message(&changed_by, &changed_at))).await?;
            respond(&state, StatusCode::CONFLICT, "action_remove.html", &page)
        }
        Err(e) => Err(e.into()),
    }
}

/// The indicator form as typed; targets as `target_N` with `period_N`.
#[derive(Debug, Default, Clone, Serialize)]
struct IndicatorForm {
    version: String,
    code: String,
    title: String,
    unit: String,
    polarity: String,
    frequency: String,
    baseline: String,
    /// Period, target as typed.
    targets: Vec<(String, String)>,
    /// Thread nodes and actions it measures, as checked (ids).
    nodes: Vec<String>,
    actions: Vec<String>,
}

impl IndicatorForm {
    fn from_pairs(pairs: Vec<(String, String)>) -> IndicatorForm {
        let mut form = IndicatorForm::default();
        let mut periods: Vec<(usize, String)> = Vec::new();
        let mut texts: Vec<(usize, String)> = Vec::new();
        for (name, value) in pairs {
            match name.as_str() {
                "version" => form.version = value,
                "code" => form.code = value,
                "title" => form.title = value,
                "unit" => form.unit = value,
                "polarity" => form.polarity = value,
                "frequency" => form.frequency = value,
                "baseline" => form.baseline = value,
                "nodes" => form.nodes.push(value),
                "actions" => form.actions.push(value),
                other => {
                    let index = |prefix: &str| {
                        other
                            .strip_prefix(prefix)
                            .and_then(|n| n.parse::<usize>().ok())
                            .filter(|n| *n < MAX_LINES)
                    };
                    if let Some(n) = index("period_") {
                        periods.push((n, value));
                    } else if let Some(n) = index("target_") {
                        texts.push((n, value));
                    }
                }
            }
        }
        periods.sort();
        for (n, period) in periods {
            let text = texts
                .iter()
                .find(|(m, _)| *m == n)
                .map(|(_, t)| t.clone())
                .unwrap_or_default();
            form.targets.push((period, text));
        }
        form
    }
}

#[derive(Serialize)]
struct IndicatorPage {
    title: String,
    /// `None` for a new indicator.
    indicator_id: Option<i64>,
    indicator_title: Option<String>,
    plan_id: i64,
    plan_title: String,
    form: IndicatorForm,
    errors: FormErrors,
    conflict: Option<String>,
    units: Vec<(&'static str, &'static str)>,
    polarities: Vec<(&'static str, &'static str)>,
    frequencies: Vec<(&'static str, &'static str)>,
    /// id, "Level: title", checked.
    nodes: Vec<(String, String, bool)>,
    /// id, "code title", checked.
    actions: Vec<(String, String, bool)>,
}

fn indicator_page(
    indicator: Option<(i64, String)>,
    outline: &PlanOutline,
    form: IndicatorForm,
    errors: FormErrors,
    conflict: Option<String>,
) -> IndicatorPage {
    IndicatorPage {
        title: match &indicator {
            Some((_, title)) => format!("Edit indicator: {title}"),
            None => format!("Add an indicator to {}", outline.title),
        },
        indicator_id: indicator.as_ref().map(|i| i.0),
        indicator_title: indicator.map(|i| i.1),
        plan_id: outline.id,
        plan_title: outline.title.clone(),
        nodes: node_choices(outline, &form.nodes),
        actions: action_choices(outline, &form.actions),
        form,
        errors,
        conflict,
        units: Unit::ALL.iter().map(|u| (u.as_str(), u.label())).collect(),
        polarities: Polarity::ALL
            .iter()
            .map(|p| (p.as_str(), p.label()))
            .collect(),
        frequencies: Frequency::ALL
            .iter()
            .map(|f| (f.as_str(), f.label()))
            .collect(),
    }
}

pub(super) fn action_choices(
    outline: &PlanOutline,
    chosen: &[String],
) -> Vec<(String, String, bool)> {
    outline
        .actions
        .iter()
        .map(|(id, code, title)| {
            let id = id.to_string();
            let checked = chosen.contains(&id);
            let label = match code {
                Some(code) => format!("{code} {title}"),
                None => title.clone(),
            };
            (id, label, checked)
        })
        .collect()
}

/// Reads checked ids, each once, refusing any not among `known`: a form
/// that names another plan's record was not ours.
pub(super) fn chosen_ids(
    errors: &mut FormErrors,
    field: &str,
    message: &str,
    checked: &[String],
    known: impl Fn(i64) -> bool,
) -> Vec<i64> {
    let mut ids = Vec::new();
    for text in checked {
        match text.parse::<i64>() {
            Ok(id) if known(id) => {
                if !ids.contains(&id) {
                    ids.push(id);
                }
            }
            _ => {
                errors.add(field, message);
                break;
            }
        }
    }
    ids
}

/// Each financial year of the plan, then any other period a target is
/// held for.
fn target_periods(outline: &PlanOutline, held: &[(String, String)]) -> Vec<(String, String)> {
    let year = |y: &Option<String>| y.as_deref().and_then(|y| y.parse::<FinancialYear>().ok());
    let mut out: Vec<(String, String)> = Vec::new();
    if let Some(first) = year(&outline.period_from) {
        let last = year(&outline.period_to).unwrap_or(first);
        let mut y = first;
        while y <= last && out.len() < 10 {
            out.push((y.to_string(), String::new()));
            y = y.next();
        }
    }
    for (period, text) in held {
        match out.iter_mut().find(|(p, _)| p == period) {
            Some(slot) => slot.1 = text.clone(),
            None => out.push((period.clone(), text.clone())),
        }
    }
    out
}

pub async fn edit_indicator_form(
    State(state): State<AppState>,
    RecordId(id): RecordId,
) -> Result<Response, WebError> {
    let indicator = state.store.indicator_detail(id).await?;
    let outline = state.store.plan_outline(indicator.plan_id).await?;
    let held: Vec<(String, String)> = indicator
        .targets
        .iter()
        .map(|(period, text, _)| (period.clone(), text.clone()))
        .collect();
    let form = IndicatorForm {
        version: indicator.version.to_string(),
        code: indicator.code.clone().unwrap_or_default(),
        title: indicator.title.clone(),
        unit: indicator.unit.clone(),
        polarity: indicator.polarity.clone(),
        frequency: indicator.frequency.clone().unwrap_or_default(),
        baseline: indicator.baseline_text.clone().unwrap_or_default(),
        targets: target_periods(&outline, &held),
        nodes: indicator.nodes.iter().map(|n| n.0.to_string()).collect(),
        actions: indicator.actions.iter().map(|a| a.0.to_string()).collect(),
    };
    let page = indicator_page(
        Some((id, indicator.title)),
        &outline,
        form,
        FormErrors::default(),
        None,
    );
    Ok(render(&state, "indicator_edit.html", &page)?.into_response())
}

/// Checks the form; the version it was opened at (0 for a new indicator,
/// which has none) and the fields to store, or every problem by field.
fn validate_indicator(
    form: &IndicatorForm,
    outline: &PlanOutline,
    new: bool,
) -> Result<(i64, IndicatorFields), FormErrors> {
    let mut errors = FormErrors::default();
    let version = if new {
        Ok(0)
    } else {
        form.version.trim().parse::<i64>()
    };
    if version.is_err() {
        errors.add("title", crate::forms::INCOMPLETE);
    }
    let code = match form.code.trim() {
        "" => None,
        text => match text.parse::<IndicatorCode>() {
            Ok(code) => Some(code.as_str().to_string()),
            Err(_) => {
                errors.add(
                    "code",
                    "Enter the code as capital letters then a number, like MEHPI 132, or leave it empty",
                );
                None
            }
        },
    };
    let title = form.title.trim();
    if title.is_empty() {
        errors.add("title", "Enter the title of the indicator");
    }
    limit(&mut errors, "title", "Title", title, MAX_TITLE);
    let unit = Unit::parse(form.unit.trim());
    if unit.is_none() {
        errors.add("unit", "Select the unit the indicator is measured in");
    }
    let polarity = Polarity::parse(form.polarity.trim());
    if polarity.is_none() {
        errors.add("polarity", "Select whether higher or lower is better");
    }
    let frequency = match form.frequency.trim() {
        "" => None,
        text => {
            let f = Frequency::parse(text);
            if f.is_none() {
                errors.add("frequency", "Select how often the indicator is measured");
            }
            f
        }
    };
    limit(
        &mut errors,
        "baseline",
        "Baseline",
        &form.baseline,
        MAX_LINE,
    );
    let baseline = optional(&form.baseline).map(|text| {
        let value = parse_figure(&text);
        (text, value)
    });
    let mut targets = Vec::new();
    for (n, (period, text)) in form.targets.iter().enumerate() {
        let Ok(period) = period.trim().parse::<Period>() else {
            errors.add(format!("target_{n}"), crate::forms::INCOMPLETE);
            continue;
        };
        let text = text.trim();
        if text.is_empty() {
            continue;
        }
        if text.chars().count() > MAX_LINE {
            errors.add(
                format!("target_{n}"),
                format!("Target for {period} must be {MAX_LINE} characters or fewer"),
            );
            continue;
        }
        targets.push(Target {
            period,
            text: text.to_string(),
            value: parse_figure(text),
        });
    }
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
    match (version, unit, polarity) {
        (Ok(version), Some(unit), Some(polarity)) if errors.is_empty() => Ok((
            version,
            IndicatorFields {
                code,
                title: title.to_string(),
                unit,
                polarity,
                frequency,
                baseline,
                targets,
                nodes,
                actions,
            },
        )),
        _ => Err(errors),
    }
}

pub async fn edit_indicator(
    State(state): State<AppState>,
    RecordId(id): RecordId,
    Me(me): Me,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    let indicator = state.store.indicator_detail(id).await?;
    let outline = state.store.plan_outline(indicator.plan_id).await?;
    let form = IndicatorForm::from_pairs(pairs);
    let (version, fields) = match validate_indicator(&form, &outline, false) {
        Ok(valid) => valid,
        Err(errors) => {
            let page = indicator_page(Some((id, indicator.title)), &outline, form, errors, None);
            return respond(
                &state,
                StatusCode::BAD_REQUEST,
                "indicator_edit.html",
                &page,
            );
        }
    };
    match state
        .store
        .edit_indicator(id, version, &fields, &me.actor())
        .await
    {
        Ok(()) => Ok(Redirect::to(&format!("/indicators/{id}?edited=1")).into_response()),
        Err(StoreError::Conflict {
            changed_by,
            changed_at,
            current,
            ..
        }) => {
            let mut kept = form;
            kept.version = current.to_string();
            let page = indicator_page(
                Some((id, indicator.title)),
                &outline,
                kept,
                FormErrors::default(),
                Some(conflict_message(&changed_by, &changed_at)),
            );
            respond(&state, StatusCode::CONFLICT, "indicator_edit.html", &page)
        }
        Err(e) => Err(e.into()),
    }
}

pub async fn new_indicator_form(
    State(state): State<AppState>,
    RecordId(plan_id): RecordId,
) -> Result<Response, WebError> {
    let outline = state.store.plan_outline(plan_id).await?;
    let form = IndicatorForm {
        unit: Unit::default().as_str().to_string(),
        polarity: Polarity::default().as_str().to_string(),
        targets: target_periods(&outline, &[]),
        ..IndicatorForm::default()
    };
    let page = indicator_page(None, &outline, form, FormErrors::default(), None);
    Ok(render(&state, "indicator_edit.html", &page)?.into_response())
}

pub async fn add_indicator(
    State(state): State<AppState>,
    RecordId(plan_id): RecordId,
    Me(me): Me,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    let outline = state.store.plan_outline(plan_id).await?;
    let form = IndicatorForm::from_pairs(pairs);
    let fields = match validate_indicator(&form, &outline, true) {
        Ok((_, fields)) => fields,
        Err(errors) => {
            let page = indicator_page(None, &outline, form, errors, None);
            return respond(
                &state,
                StatusCode::BAD_REQUEST,
                "indicator_edit.html",
                &page,
            );
        }
    };
    match state
        .store
        .add_indicator(plan_id, &fields, &me.actor())
        .await
    {
        Ok(id) => Ok(Redirect::to(&format!("/indicators/{id}?edited=added")).into_response()),
        // The plan is not open to changes: nothing typed is lost.
        Err(StoreError::Invalid(reason)) => {
            let page = indicator_page(None, &outline, form, FormErrors::default(), Some(reason));
            respond(&state, StatusCode::CONFLICT, "indicator_edit.html", &page)
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Serialize)]
struct IndicatorRemovePage {
    title: String,
    indicator_id: i64,
    indicator_title: String,
    plan_id: i64,
    plan_title: String,
    version: i64,
    values: i64,
    conflict: Option<String>,
}

async fn indicator_remove_page(
    state: &AppState,
    id: i64,
    conflict: Option<String>,
) -> Result<IndicatorRemovePage, WebError> {
    let indicator = state.store.indicator_detail(id).await?;
    let values = state.store.recorded_values(id).await?;
    let name = match &indicator.code {
        Some(code) => format!("{code} {}", indicator.title),
        None => indicator.title.clone(),
    };
    Ok(IndicatorRemovePage {
        title: format!("Remove indicator: {name}"),
        indicator_id: id,
        indicator_title: name,
        plan_id: indicator.plan_id,
        plan_title: indicator.plan_title,
        version: indicator.version,
        values,
        conflict,
    })
}

pub async fn remove_indicator_form(
    State(state): State<AppState>,
    RecordId(id): RecordId,
) -> Result<Response, WebError> {
    let page = indicator_remove_page(&state, id, None).await?;
    Ok(render(&state, "indicator_remove.html", &page)?.into_response())
}

pub async fn remove_indicator(
    State(state): State<AppState>,
    RecordId(id): RecordId,
    Me(me): Me,
    Form(form): Form<RemoveForm>,
) -> Result<Response, WebError> {
    let page = indicator_remove_page(&state, id, None).await?;
    let Ok(version) = form.version.trim().parse::<i64>() else {
        return Err(WebError::BadRequest(
            "The confirmation was incomplete: open the remove page again.".into(),
        ));
    };
    if page.values > 0 {
        return respond(&state, StatusCode::CONFLICT, "indicator_remove.html", &page);
    }
    match state.store.remove_indicator(id, version, &me.actor()).await {
        Ok(()) => {
            Ok(Redirect::to(&format!("/plans/{}?indicator=removed", page.plan_id)).into_response())
        }
        Err(StoreError::Conflict {
            changed_by,
            changed_at,
            ..
        }) => {
            let page =
                indicator_remove_page(&state, id, Some(conflict_message(&changed_by, &changed_at)))
                    .await?;
            respond(&state, StatusCode::CONFLICT, "indicator_remove.html", &page)
        }
        // Values recorded since the page was shown, or the plan closed to
        // changes: the page says why.
        Err(StoreError::Invalid(reason)) => {
            let page = indicator_remove_page(&state, id, Some(reason)).await?;
            respond(&state, StatusCode::CONFLICT, "indicator_remove.html", &page)
        }
        Err(e) => Err(e.into()),
    }
}

/// Whether the signed-in account may edit plans: pages show their
/// "Edit" links only then.
pub(crate) fn may_edit() -> bool {
    crate::auth::page_context()
        .account
        .is_some_and(|a| goldthread_domain::Access::Edit.allows(Some(a.role)))
}

/// A form page sent again with the status of what went wrong.
pub(super) fn respond<T: Serialize>(
    state: &AppState,
    status: StatusCode,
    template: &str,
    page: &T,
) -> Result<Response, WebError> {
    Ok((status, render(state, template, page)?).into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_form_asks_the_templates_fields_and_offers_its_lists() {
        let template = Template {
            action_fields: vec![ActionField::PriorityLink, ActionField::Outcome],
            council_priorities: vec!["PEOPLE".into(), "PLACE".into()],
            ..Template::default()
        };
        let form = ActionForm::from_pairs(vec![
            ("title".into(), "Open the hub".into()),
            ("priority_link".into(), "PROSPERITY".into()),
            ("outcome".into(), "More people helped".into()),
            ("target".into(), "not asked, so not kept".into()),
        ]);
        let fields = validate_action(&form, &outline(), &template).unwrap();
        assert_eq!(
            fields.details,
            [
                (ActionField::PriorityLink, Some("PROSPERITY".into())),
                (ActionField::Outcome, Some("More people helped".into()))
            ]
        );
        let shown = detail_fields(&template, &form);
        assert_eq!(shown[0].name, "priority_link");
        // A stored value the list lacks stays a choice.
        assert_eq!(
            shown[0].options.as_deref(),
            Some(&["PROSPERITY".to_string(), "PEOPLE".into(), "PLACE".into()][..])
        );
        assert_eq!(shown[1].options, None);
    }

    fn outline() -> PlanOutline {
        PlanOutline {
            id: 1,
            title: "Plan".into(),
            period_from: Some("2017/18".into()),
            period_to: Some("2018/19".into()),
            nodes: vec![(7, "priority".into(), "Priority".into(), "Health".into())],
            actions: vec![
                (1, Some("KA.1".into()), "Build".into()),
                (2, Some("KA.2".into()), "Open".into()),
            ],
            thread: vec![goldthread_domain::ThreadLink {
                id: 7,
                parent: None,
                level: goldthread_domain::NodeLevel::Priority,
            }],
        }
    }

    #[test]
    fn an_action_form_is_read_and_checked_with_every_problem_named() {
        let form = ActionForm::from_pairs(vec![
            ("title".into(), "  ".into()),
            ("due".into(), "when the money comes".into()),
            ("nodes".into(), "8".into()),
            ("milestones".into(), "Consult | someday soon maybe".into()),
        ]);
        let errors = validate_action(&form, &outline(), &Template::default()).unwrap_err();
        let fields: Vec<&str> = errors.0.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["title", "due", "milestones", "nodes"]);
        let long = ActionForm {
            title: "x".repeat(10_000),
            ..ActionForm::default()
        };
        let errors = validate_action(&long, &outline(), &Template::default()).unwrap_err();
        assert_eq!(errors.0[0].message, "Title must be 500 characters or fewer");
    }

    #[test]
    fn a_good_action_form_gives_its_fields() {
        let form = ActionForm::from_pairs(vec![
            ("code".into(), "KA.3".into()),
            ("title".into(), "Open the new leisure centre".into()),
            ("due".into(), "March 2018".into()),
            (
                "lead_officers".into(),
                "Head of Leisure\n\nHead of Finance".into(),
            ),
            (
                "milestones".into(),
                "Contract let | June 2017\nDoors open".into(),
            ),
            ("nodes".into(), "7".into()),
        ]);
        let fields = validate_action(&form, &outline(), &Template::default()).unwrap();
        assert_eq!(fields.lead_officers, ["Head of Leisure", "Head of Finance"]);
        assert_eq!(fields.milestones.len(), 2);
        assert_eq!(fields.milestones[1].1, None);
        assert_eq!(fields.nodes, [7]);
        // The default template asks for three optional fields, here empty.
        assert_eq!(
            fields.details,
            [
                (ActionField::Description, None),
                (ActionField::Target, None),
                (ActionField::CriticalSuccessFactors, None)
            ]
        );
        assert_eq!(
            fields.due.and_then(|d| d.latest).map(|d| d.to_string()),
            Some("2018-03-31".into())
        );
    }

    #[test]
    fn findings_name_a_missing_officer_an_unreadable_date_and_a_duplicate_code() {
        let form = ActionForm {
            code: "KA.2".into(),
            title: "Thing".into(),
            due: "when the money comes".into(),
            ..ActionForm::default()
        };
        assert_eq!(
            findings(&form, &outline(), Some(1)),
            [
                "action KA.2 has no lead officer",
                "action KA.2 due date \"when the money comes\" cannot be read as a date",
                "action code KA.2 is used twice in this plan",
                "action KA.2 is not on the golden thread: it serves no priority, nor an outcome or objective under one",
            ]
        );
        let on_thread = ActionForm {
            nodes: vec!["7".into()],
            ..form.clone()
        };
        assert!(
            findings(&on_thread, &outline(), Some(1))
                .iter()
                .all(|f| !f.contains("golden thread")),
            "linked to the priority"
        );
        assert!(
            findings(&form, &outline(), Some(2))
                .iter()
                .all(|f| !f.contains("twice")),
            "its own code is not a duplicate"
        );
    }

    #[test]
    fn an_indicator_form_reads_targets_by_index() {
        let form = IndicatorForm::from_pairs(vec![
            ("version".into(), "3".into()),
            ("title".into(), "Households".into()),
            ("unit".into(), "percent".into()),
            ("polarity".into(), "higher_is_better".into()),
            ("period_1".into(), "2018/19".into()),
            ("target_1".into(), "85%".into()),
            ("period_0".into(), "2017/18".into()),
            ("target_0".into(), "".into()),
        ]);
        let (version, fields) = validate_indicator(&form, &outline(), false).unwrap();
        let unversioned = IndicatorForm {
            version: String::new(),
            ..form.clone()
        };
        assert!(validate_indicator(&unversioned, &outline(), false).is_err());
        let (new, _) = validate_indicator(&unversioned, &outline(), true).unwrap();
        assert_eq!(new, 0, "a new indicator has no version to give");
        assert_eq!(version, 3);
        assert_eq!(fields.targets.len(), 1, "an empty target is none");
        assert_eq!(fields.targets[0].period.to_string(), "2018/19");
        assert_eq!(fields.targets[0].value, Some(85.0));
    }
}
