//! The filters a list takes, read from the query string as text and
//! checked here, so a bad one is refused with a problem document that
//! names it rather than the framework's words.

use crate::error::WebError;
use crate::pages::{past_day, today};
use chrono::NaiveDate;
use goldthread_domain::Period;
use goldthread_reports::period::parse_reporting_period;
use goldthread_reports::scope::Scope;
use serde::Deserialize;
use utoipa::IntoParams;

/// Which part of the council a list covers.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct Scoped {
    /// Only this plan's records (a plan id, as `/api/v1/plans` gives).
    #[param(value_type = Option<i64>)]
    pub plan: Option<String>,
    /// Only the records of this service: the plan's owner, or the service
    /// code the plan gives an action.
    pub service: Option<String>,
    /// Only the actions this post leads (and indicators measuring them).
    pub officer: Option<String>,
}

/// When: what was known, and the day status is judged on.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct When {
    /// Judge status as at the end of this reporting period: `2017/18-Q2`
    /// or a financial year `2017/18`. For values and updates, only those
    /// of (or dated within) the period.
    pub period: Option<String>,
    /// What was known at the end of this day (`YYYY-MM-DD`, not after
    /// today): later edits, values and updates are left out. Status is
    /// judged on this day unless `period` is given.
    #[param(value_type = Option<String>, format = Date)]
    pub as_at: Option<String>,
}

/// Which page of a list.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct Paging {
    /// The `next_cursor` of the previous page.
    pub cursor: Option<String>,
    /// Records a page holds, 1 to 1000; 100 when not given.
    #[param(value_type = Option<u32>, minimum = 1, maximum = 1000)]
    pub limit: Option<String>,
}

/// `When` read: the day whose knowledge is used (none for now), the day
/// status is judged on, and the reporting period if one was named.
#[derive(Debug, Clone, Copy)]
pub struct Moment {
    pub known_at: Option<NaiveDate>,
    pub judged_on: NaiveDate,
    pub period: Option<Period>,
}

fn non_empty(text: &Option<String>) -> Option<&str> {
    text.as_deref().map(str::trim).filter(|t| !t.is_empty())
}

/// An id named by a filter; `name` is the filter's, for the message.
pub fn id(name: &str, text: &Option<String>) -> Result<Option<i64>, WebError> {
    non_empty(text)
        .map(|t| {
            t.parse::<i64>().map_err(|_| {
                WebError::BadRequest(format!(
                    "{name}: must be a record's id (a whole number), not '{t}'"
                ))
            })
        })
        .transpose()
}

impl When {
    pub fn read(&self) -> Result<Moment, WebError> {
        let today = today();
        let as_at = match non_empty(&self.as_at) {
            None => None,
            Some(text) => {
                let day = NaiveDate::parse_from_str(text, "%Y-%m-%d").map_err(|_| {
                    WebError::BadRequest(format!(
                        "as_at: must be a real date in the form 2017-09-30, not '{text}'"
                    ))
                })?;
                if day > today {
                    return Err(WebError::BadRequest(format!(
                        "as_at: {text} is after today; what will be known then is not known yet"
                    )));
                }
                Some(day)
            }
        };
        let period = non_empty(&self.period)
            .map(|text| {
                parse_reporting_period(text)
                    .map_err(|e| WebError::BadRequest(format!("period: {e}")))
            })
            .transpose()?;
        Ok(Moment {
            known_at: as_at.and_then(|day| past_day(Some(&day.to_string()))),
            judged_on: match (period, as_at) {
                (Some(period), _) => period.last_day(),
                (None, Some(day)) => day,
                (None, None) => today,
            },
            period,
        })
    }
}

impl Scoped {
    pub fn scope(&self, moment: &Moment) -> Result<Scope, WebError> {
        Ok(Scope {
            as_at: moment.judged_on,
            plan: id("plan", &self.plan)?,
            service: non_empty(&self.service).map(str::to_string),
            officer: non_empty(&self.officer).map(str::to_string),
            status: None,
            // The API lists every plan unless one is chosen; each plan's
            // `in_force` says which are current.
            all_plans: true,
            errors: Vec::new(),
        })
    }
}

/// A `status` filter, checked against the names the field can take.
pub fn status<T: Copy>(
    text: &Option<String>,
    all: &[T],
    as_str: fn(T) -> &'static str,
) -> Result<Option<T>, WebError> {
    match non_empty(text) {
        None => Ok(None),
        Some(text) => all
            .iter()
            .copied()
            .find(|s| as_str(*s) == text)
            .map(Some)
            .ok_or_else(|| {
                let names: Vec<&str> = all.iter().map(|s| as_str(*s)).collect();
                WebError::BadRequest(format!(
                    "status: '{text}' is not a status; use one of {}",
                    names.join(", ")
                ))
            }),
    }
}
