//! Planning rounds: the performance team opens a round for a financial
//! year (the services that must have a plan, the deadline); the round's
//! page shows each service's plan state and the share in place.

use super::{render, today};
use crate::AppState;
use crate::auth::Me;
use crate::error::WebError;
use crate::extract::RecordId;
use crate::forms::FormErrors;
use axum::Form;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use goldthread_domain::{FinancialYear, Role};
use goldthread_storage::{NewRound, RoundDetail, RoundSummary, StoreError};
use serde::Serialize;

/// The longest list of new services' names read from the form.
const MAX_NEW_SERVICES: usize = 200;

#[derive(Serialize, Default)]
struct RoundForm {
    year: String,
    deadline: String,
    units: Vec<String>,
    new_units: String,
}

#[derive(Serialize)]
struct RoundsPage {
    title: &'static str,
    rounds: Vec<RoundSummary>,
    can_open: bool,
    /// Financial years offered: this one and the next two.
    years: Vec<String>,
    units: Vec<(String, String)>,
    form: RoundForm,
    errors: FormErrors,
}

pub async fn list(State(state): State<AppState>) -> Result<Response, WebError> {
    let page = rounds_page(&state, RoundForm::default(), FormErrors::default()).await?;
    Ok(render(&state, "rounds.html", &page)?.into_response())
}

async fn rounds_page(
    state: &AppState,
    mut form: RoundForm,
    errors: FormErrors,
) -> Result<RoundsPage, WebError> {
    let this_year = FinancialYear::containing(today());
    let years: Vec<String> = [this_year, this_year.next(), this_year.next().next()]
        .iter()
        .map(ToString::to_string)
        .collect();
    if form.year.is_empty() {
        form.year = years[1].clone();
    }
    Ok(RoundsPage {
        title: "Planning rounds",
        rounds: state.store.rounds().await?,
        can_open: crate::auth::page_context()
            .account
            .is_some_and(|a| a.role >= Role::Editor),
        years,
        units: unit_choices(state).await?,
        form,
        errors,
    })
}

pub async fn open(
    State(state): State<AppState>,
    Me(me): Me,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    let mut form = RoundForm::default();
    for (name, value) in pairs {
        match name.as_str() {
            "year" => form.year = value,
            "deadline" => form.deadline = value,
            "units" => form.units.push(value),
            "new_units" => form.new_units = value,
            _ => {}
        }
    }
    let mut errors = FormErrors::default();
    let year = form.year.trim().parse::<FinancialYear>().ok();
    if year.is_none() {
        errors.add("year", "Choose the financial year the plans are for");
    }
    let deadline = chrono::NaiveDate::parse_from_str(form.deadline.trim(), "%Y-%m-%d").ok();
    if deadline.is_none() {
        errors.add(
            "deadline",
            "Enter the deadline as a date, for example 2019-03-31",
        );
    }
    let units: Vec<i64> = form.units.iter().filter_map(|u| u.parse().ok()).collect();
    if units.len() != form.units.len() {
        errors.add("units", crate::forms::INCOMPLETE);
    }
    let new_units: Vec<String> = form
        .new_units
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(str::to_string)
        .collect();
    if new_units.len() > MAX_NEW_SERVICES || new_units.iter().any(|n| n.chars().count() > 200) {
        errors.add(
            "new_units",
            format!("Name at most {MAX_NEW_SERVICES} services, each in 200 characters or fewer"),
        );
    }
    if units.is_empty() && new_units.is_empty() {
        errors.add("units", "Choose the services that must submit a plan");
    }
    let (Some(financial_year), Some(deadline), true) = (year, deadline, errors.is_empty()) else {
        let page = rounds_page(&state, form, errors).await?;
        return Ok((
            StatusCode::BAD_REQUEST,
            render(&state, "rounds.html", &page)?,
        )
            .into_response());
    };
    let round = NewRound {
        financial_year,
        deadline,
        units,
        new_units,
    };
    match state.store.open_round(&round, &me.actor()).await {
        Ok(id) => Ok(Redirect::to(&format!("/rounds/{id}")).into_response()),
        Err(StoreError::Invalid(why)) => {
            let mut errors = FormErrors::default();
            errors.add("year", why);
            let page = rounds_page(&state, form, errors).await?;
            Ok((
                StatusCode::BAD_REQUEST,
                render(&state, "rounds.html", &page)?,
            )
                .into_response())
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Serialize)]
struct RoundPage {
    title: String,
    round: RoundDetail,
    /// Whole per cent of the services with a plan in place.
    percent_in_place: usize,
    /// Days until the deadline (negative once passed).
    days_left: i64,
    can_start: bool,
    state_labels: Vec<(&'static str, &'static str)>,
}

pub async fn page(
    State(state): State<AppState>,
    RecordId(id): RecordId,
) -> Result<Response, WebError> {
    let round = state.store.round(id).await?;
    let deadline = chrono::NaiveDate::parse_from_str(&round.summary.deadline, "%Y-%m-%d")
        .map_err(|_| WebError::Internal(format!("round {id} has an unreadable deadline")))?;
    let summary = &round.summary;
    let page = RoundPage {
        title: format!("Planning round {}", summary.financial_year),
        percent_in_place: (summary.in_place * 100)
            .checked_div(summary.services)
            .unwrap_or(0),
        days_left: (deadline - today()).num_days(),
        can_start: crate::auth::page_context()
            .account
            .is_some_and(|a| a.role >= Role::Editor),
        state_labels: goldthread_domain::RoundState::ALL
            .iter()
            .map(|s| (s.as_str(), s.label()))
            .collect(),
        round,
    };
    Ok(render(&state, "round.html", &page)?.into_response())
}

/// The organisation's units as a select box or checkboxes offer them:
/// the id as the form sends it back, and the name.
pub(super) async fn unit_choices(state: &AppState) -> Result<Vec<(String, String)>, WebError> {
    Ok(state
        .store
        .org_units()
        .await?
        .into_iter()
        .map(|(id, name)| (id.to_string(), name))
        .collect())
}
