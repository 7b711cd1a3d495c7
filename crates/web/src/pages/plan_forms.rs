//! Plan authoring for editors, the plan itself: a new plan from an empty
//! template (`/plans/new`, prefilled from `owner` and `year` as the
//! planning round's links give them), and a plan's details and narrative
//! (`/plans/{id}/edit`). The forms behave as the action forms do: what was
//! typed is kept on a refusal (400 for the checks, 409 when someone else
//! changed the plan first, or the plan is not open to changes).

use super::authoring::{MAX_LINE, MAX_TEXT, MAX_TITLE, conflict_message, limit, respond};
use super::render;
use crate::AppState;
use crate::auth::Me;
use crate::error::WebError;
use crate::extract::RecordId;
use crate::forms::{FormErrors, capitalise};
use axum::Form;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use goldthread_domain::{
    EditRule, FinancialYear, NarrativeSection, PlanKind, PlanPeriod, SERVICE_PLAN_SECTIONS,
    edit_rule, merge_sections, section_layout,
};
use goldthread_storage::{PlanFields, PlanForEdit, StoreError};
use serde::{Deserialize, Serialize};

/// The most sections with other headings a form carries.
const MAX_OTHERS: usize = 100;
/// The PESTLE headings' places in `SERVICE_PLAN_SECTIONS`, shown together.
const PESTLE: std::ops::Range<usize> = 1..7;

/// The plan form as typed.
#[derive(Debug, Default, Clone, Serialize)]
struct PlanForm {
    version: String,
    title: String,
    kind: String,
    /// A unit's name from the select box, or empty.
    owner: String,
    /// A service not yet listed.
    new_owner: String,
    first_year: String,
    last_year: String,
    /// Bodies under the standard headings, by place (edit form only).
    standard: Vec<String>,
    /// Other sections: heading and body (edit form only).
    others: Vec<(String, String)>,
}

impl PlanForm {
    fn from_pairs(pairs: Vec<(String, String)>) -> PlanForm {
        let mut form = PlanForm {
            standard: vec![String::new(); SERVICE_PLAN_SECTIONS.len()],
            ..PlanForm::default()
        };
        let mut headings: Vec<(usize, String)> = Vec::new();
        let mut bodies: Vec<(usize, String)> = Vec::new();
        for (name, value) in pairs {
            let index = |prefix: &str, max: usize| {
                name.strip_prefix(prefix)
                    .and_then(|n| n.parse::<usize>().ok())
                    .filter(|n| *n < max)
            };
            match name.as_str() {
                "version" => form.version = value,
                "title" => form.title = value,
                "kind" => form.kind = value,
                "owner" => form.owner = value,
                "new_owner" => form.new_owner = value,
                "first_year" => form.first_year = value,
                "last_year" => form.last_year = value,
                _ => {
                    if let Some(k) = index("section_", SERVICE_PLAN_SECTIONS.len()) {
                        form.standard[k] = value;
                    } else if let Some(n) = index("other_heading_", MAX_OTHERS) {
                        headings.push((n, value));
                    } else if let Some(n) = index("other_body_", MAX_OTHERS) {
                        bodies.push((n, value));
                    }
                }
            }
        }
        let count = headings
            .iter()
            .chain(&bodies)
            .map(|(n, _)| n + 1)
            .max()
            .unwrap_or(0);
        form.others = (0..count)
            .map(|n| {
                let find = |list: &[(usize, String)]| {
                    list.iter()
                        .find(|(m, _)| *m == n)
                        .map(|(_, v)| v.clone())
                        .unwrap_or_default()
                };
                (find(&headings), find(&bodies))
            })
            .collect();
        form
    }

    /// The form as a plan stands, narrative included, with a blank pair
    /// for a new section.
    fn of(plan: &PlanForEdit, units: &[String]) -> PlanForm {
        let layout = section_layout(&plan.sections);
        let owner = plan.fields.owner.clone().unwrap_or_default();
        let listed = units.contains(&owner);
        PlanForm {
            version: plan.version.to_string(),
            title: plan.fields.title.clone(),
            kind: plan.fields.kind.as_str().to_string(),
            owner: if listed { owner.clone() } else { String::new() },
            new_owner: if listed { String::new() } else { owner },
            first_year: plan
                .fields
                .period
                .map(|p| p.from.to_string())
                .unwrap_or_default(),
            last_year: plan
                .fields
                .period
                .map(|p| p.to.to_string())
                .unwrap_or_default(),
            standard: layout
                .standard
                .iter()
                .map(|i| {
                    i.and_then(|i| plan.sections.get(i))
                        .map(|s| s.body.clone())
                        .unwrap_or_default()
                })
                .collect(),
            others: layout
                .others
                .iter()
                .filter_map(|&i| plan.sections.get(i))
                .map(|s| (s.heading.clone(), s.body.clone()))
                .chain([(String::new(), String::new())])
                .collect(),
        }
    }
}

#[derive(Serialize)]
struct SectionField {
    name: String,
    label: &'static str,
    hint: &'static str,
    body: String,
}

#[derive(Serialize)]
struct PlanPage {
    title: String,
    /// `None` for a new plan.
    plan_id: Option<i64>,
    plan_title: Option<String>,
    form: PlanForm,
    errors: FormErrors,
    conflict: Option<String>,
    /// Why the plan cannot be changed now, or what a save will do to it
    /// (the planning cycle's rule for its status).
    cycle_note: Option<String>,
    kinds: Vec<(&'static str, &'static str)>,
    units: Vec<String>,
    years: Vec<String>,
    /// The standard sections: key functions, then PESTLE, then the rest.
    functions: Vec<SectionField>,
    pestle: Vec<SectionField>,
    sections: Vec<SectionField>,
}

/// Financial years to choose from: ten either side of this one, and any
/// the form already names.
fn year_choices(form: &PlanForm) -> Vec<String> {
    let now = FinancialYear::containing(super::today());
    let mut years: Vec<FinancialYear> = (-10..=10)
        .filter_map(|d| FinancialYear::starting(now.start_year() + d))
        .collect();
    for text in [&form.first_year, &form.last_year] {
        if let Ok(y) = text.trim().parse::<FinancialYear>()
            && !years.contains(&y)
        {
            years.push(y);
        }
    }
    years.sort();
    years.iter().map(ToString::to_string).collect()
}

fn plan_page(
    plan: Option<(i64, String)>,
    form: PlanForm,
    errors: FormErrors,
    conflict: Option<String>,
    units: Vec<String>,
) -> PlanPage {
    let field = |k: usize| SectionField {
        name: format!("section_{k}"),
        label: SERVICE_PLAN_SECTIONS[k].heading,
        hint: SERVICE_PLAN_SECTIONS[k].hint,
        body: form.standard.get(k).cloned().unwrap_or_default(),
    };
    let narrative = plan.is_some();
    let (functions, pestle, sections) = if narrative {
        (
            vec![field(0)],
            PESTLE.map(field).collect(),
            (PESTLE.end..SERVICE_PLAN_SECTIONS.len())
                .map(field)
                .collect(),
        )
    } else {
        (Vec::new(), Vec::new(), Vec::new())
    };
    PlanPage {
        title: match &plan {
            Some((_, title)) => format!("Edit plan: {title}"),
            None => "Create a plan".to_string(),
        },
        plan_id: plan.as_ref().map(|p| p.0),
        plan_title: plan.map(|p| p.1),
        years: year_choices(&form),
        form,
        errors,
        conflict,
        cycle_note: None,
        kinds: PlanKind::ALL
            .iter()
            .map(|k| (k.as_str(), k.label()))
            .collect(),
        units,
        functions,
        pestle,
        sections,
    }
}

/// Checks the details; the fields to store, or every problem by field.
fn validate(form: &PlanForm, units: &[String]) -> Result<PlanFields, FormErrors> {
    let mut errors = FormErrors::default();
    let title = form.title.trim();
    if title.is_empty() {
        errors.add("title", "Enter the title of the plan");
    }
    limit(&mut errors, "title", "Title", title, MAX_TITLE);
    let kind = PlanKind::parse(form.kind.trim());
    if kind.is_none() {
        errors.add("kind", "Select the kind of plan");
    }
    let owner = match (form.owner.trim(), form.new_owner.trim()) {
        (_, new) if !new.is_empty() => {
            limit(
                &mut errors,
                "new_owner",
                "The new service's name",
                new,
                MAX_LINE,
            );
            Some(new.to_string())
        }
        ("", _) => None,
        (listed, _) if units.iter().any(|u| u == listed) => Some(listed.to_string()),
        _ => {
            errors.add(
                "owner",
                "Select a service from the list, or enter a new one",
            );
            None
        }
    };
    let year = |text: &str| text.trim().parse::<FinancialYear>().ok();
    let period = match (form.first_year.trim(), form.last_year.trim()) {
        ("", "") => None,
        (first, last) => match (year(first), year(last)) {
            (Some(from), Some(to)) if to < from => {
                errors.add(
                    "last_year",
                    "The last year must be the first year or after it",
                );
                None
            }
            (Some(from), Some(to)) => Some(PlanPeriod { from, to }),
            (from, to) => {
                if from.is_none() {
                    errors.add("first_year", "Select the plan's first financial year");
                }
                if to.is_none() {
                    errors.add("last_year", "Select the plan's last financial year");
                }
                None
            }
        },
    };
    match kind {
        Some(kind) if errors.is_empty() => Ok(PlanFields {
            title: title.to_string(),
            kind,
            owner,
            period,
        }),
        _ => Err(errors),
    }
}

/// Checks the narrative; the sections to store, or every problem by field.
fn validate_sections(
    form: &PlanForm,
    stored: &[NarrativeSection],
    errors: &mut FormErrors,
) -> Vec<NarrativeSection> {
    for (k, body) in form.standard.iter().enumerate() {
        if let Some(spec) = SERVICE_PLAN_SECTIONS.get(k) {
            limit(
                errors,
                &format!("section_{k}"),
                spec.heading,
                body,
                MAX_TEXT,
            );
        }
    }
    let held = section_layout(stored).others.len();
    for (n, (heading, body)) in form.others.iter().enumerate() {
        limit(
            errors,
            &format!("other_heading_{n}"),
            "A section's heading",
            heading.trim(),
            MAX_LINE,
        );
        limit(
            errors,
            &format!("other_body_{n}"),
            "A section",
            body,
            MAX_TEXT,
        );
        if n >= held && heading.trim().is_empty() && !body.trim().is_empty() {
            errors.add(
                format!("other_heading_{n}"),
                "Enter a heading for the new section",
            );
        }
    }
    merge_sections(stored, &form.standard, &form.others)
}

#[derive(Deserialize)]
pub struct NewPlanQuery {
    owner: Option<String>,
    year: Option<String>,
}

pub async fn new_plan_form(
    State(state): State<AppState>,
    Query(q): Query<NewPlanQuery>,
) -> Result<Response, WebError> {
    let units = state.store.org_unit_names().await?;
    let owner = q.owner.map(|o| o.trim().to_string()).unwrap_or_default();
    let listed = units.contains(&owner);
    let year = q
        .year
        .as_deref()
        .and_then(|y| y.trim().parse::<FinancialYear>().ok())
        .map(|y| y.to_string())
        .unwrap_or_default();
    let form = PlanForm {
        kind: PlanKind::Service.as_str().to_string(),
        owner: if listed { owner.clone() } else { String::new() },
        new_owner: if listed {
            String::new()
        } else {
            owner.chars().take(MAX_LINE).collect()
        },
        first_year: year.clone(),
        last_year: year,
        ..PlanForm::default()
    };
    let page = plan_page(None, form, FormErrors::default(), None, units);
    Ok(render(&state, "plan_edit.html", &page)?.into_response())
}

pub async fn create_plan(
    State(state): State<AppState>,
    Me(me): Me,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    let units = state.store.org_unit_names().await?;
    let form = PlanForm::from_pairs(pairs);
    let fields = match validate(&form, &units) {
        Ok(fields) => fields,
        Err(errors) => {
            let page = plan_page(None, form, errors, None, units);
            return respond(&state, StatusCode::BAD_REQUEST, "plan_edit.html", &page);
        }
    };
    match state.store.create_plan(&fields, &me.actor()).await {
        Ok(id) => Ok(Redirect::to(&format!("/plans/{id}?plan=created")).into_response()),
        Err(StoreError::Invalid(reason) | StoreError::Taken(reason)) => {
            let mut errors = FormErrors::default();
            errors.add("title", capitalise(&reason));
            let page = plan_page(None, form, errors, None, units);
            respond(&state, StatusCode::BAD_REQUEST, "plan_edit.html", &page)
        }
        Err(e) => Err(e.into()),
    }
}

pub async fn edit_plan_form(
    State(state): State<AppState>,
    RecordId(id): RecordId,
) -> Result<Response, WebError> {
    let plan = state.store.plan_for_edit(id).await?;
    let units = state.store.org_unit_names().await?;
    let form = PlanForm::of(&plan, &units);
    let mut page = plan_page(
        Some((id, plan.fields.title.clone())),
        form,
        FormErrors::default(),
        None,
        units,
    );
    page.cycle_note = match edit_rule(plan.status) {
        EditRule::Open => None,
        EditRule::NewRevision => Some(
            "This plan is approved: saving a change starts its next revision, a draft to be approved again. The approved one stays in force meanwhile.".to_string(),
        ),
        EditRule::Closed(why) => Some(capitalise(&why)),
    };
    Ok(render(&state, "plan_edit.html", &page)?.into_response())
}

pub async fn edit_plan(
    State(state): State<AppState>,
    RecordId(id): RecordId,
    Me(me): Me,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    let plan = state.store.plan_for_edit(id).await?;
    let units = state.store.org_unit_names().await?;
    let form = PlanForm::from_pairs(pairs);
    let shown = (id, plan.fields.title.clone());
    let refuse = |form: PlanForm, errors: FormErrors, conflict: Option<String>| {
        plan_page(Some(shown.clone()), form, errors, conflict, units.clone())
    };
    let Ok(version) = form.version.trim().parse::<i64>() else {
        let page = refuse(form, FormErrors::incomplete("title"), None);
        return respond(&state, StatusCode::BAD_REQUEST, "plan_edit.html", &page);
    };
    let (fields, errors) = match validate(&form, &units) {
        Ok(fields) => (Some(fields), FormErrors::default()),
        Err(errors) => (None, errors),
    };
    let mut errors = errors;
    let sections = validate_sections(&form, &plan.sections, &mut errors);
    let Some(fields) = fields.filter(|_| errors.is_empty()) else {
        let page = refuse(form, errors, None);
        return respond(&state, StatusCode::BAD_REQUEST, "plan_edit.html", &page);
    };
    match state
        .store
        .edit_plan(id, version, &fields, &sections, &me.actor())
        .await
    {
        Ok(()) => Ok(Redirect::to(&format!("/plans/{id}?plan=saved")).into_response()),
        // Its title and kind are another plan's.
        Err(StoreError::Taken(reason)) => {
            let mut errors = FormErrors::default();
            errors.add("title", capitalise(&reason));
            let page = refuse(form, errors, None);
            respond(&state, StatusCode::BAD_REQUEST, "plan_edit.html", &page)
        }
        // The plan is not open to changes (submitted for approval, or
        // archived): nothing typed is lost.
        Err(StoreError::Invalid(reason)) => {
            let page = refuse(form, FormErrors::default(), Some(capitalise(&reason)));
            respond(&state, StatusCode::CONFLICT, "plan_edit.html", &page)
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
            respond(&state, StatusCode::CONFLICT, "plan_edit.html", &page)
        }
        Err(e) => Err(e.into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
        list.iter()
            .map(|(n, v)| (n.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn a_plan_form_is_checked_with_every_problem_named() {
        let units = vec!["Waste".to_string()];
        let form = PlanForm::from_pairs(pairs(&[
            ("title", " "),
            ("kind", "novel"),
            ("owner", "Not a unit"),
            ("first_year", "2019/20"),
            ("last_year", "2018/19"),
        ]));
        let errors = validate(&form, &units).unwrap_err();
        let fields: Vec<&str> = errors.0.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["title", "kind", "owner", "last_year"]);

        let form = PlanForm::from_pairs(pairs(&[
            ("title", "Waste plan"),
            ("kind", "service"),
            ("first_year", "2019/20"),
        ]));
        let errors = validate(&form, &units).unwrap_err();
        assert_eq!(
            errors.0[0].field, "last_year",
            "one year alone is no period"
        );
    }

    #[test]
    fn a_new_service_wins_over_the_select_box_and_no_years_is_no_period() {
        let units = vec!["Waste".to_string()];
        let form = PlanForm::from_pairs(pairs(&[
            ("title", " Street scene plan "),
            ("kind", "service"),
            ("owner", "Waste"),
            ("new_owner", " Street Scene "),
        ]));
        let fields = validate(&form, &units).unwrap();
        assert_eq!(fields.title, "Street scene plan");
        assert_eq!(fields.owner.as_deref(), Some("Street Scene"));
        assert_eq!(fields.period, None);
    }

    #[test]
    fn narrative_fields_are_read_by_index_and_bad_names_ignored() {
        let form = PlanForm::from_pairs(pairs(&[
            ("section_0", "We collect bins"),
            ("section_99", "ignored"),
            ("other_heading_1", "Foreword"),
            ("other_body_1", "Hello"),
            ("other_body_100000", "ignored"),
        ]));
        assert_eq!(form.standard[0], "We collect bins");
        assert_eq!(form.standard.len(), SERVICE_PLAN_SECTIONS.len());
        assert_eq!(
            form.others,
            [
                (String::new(), String::new()),
                ("Foreword".to_string(), "Hello".to_string())
            ]
        );
        let mut errors = FormErrors::default();
        let unheaded = PlanForm {
            others: vec![(String::new(), "A body".into())],
            ..form.clone()
        };
        validate_sections(&unheaded, &[], &mut errors);
        assert_eq!(errors.0[0].field, "other_heading_0");
    }
}
