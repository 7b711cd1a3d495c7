//! The report page: choose a period, a scope, a format and an "as at"
//! day, and download the quarterly pack (the same pack `goldthread report`
//! writes). The pack is built on the blocking pool: a council-wide pack
//! is a few hundred milliseconds of work that must not hold up pages.

use super::{render, today};
use crate::AppState;
use crate::error::WebError;
use crate::extract::RecordId;
use crate::forms::FieldError;
use axum::extract::{Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use chrono::NaiveDate;
use goldthread_domain::Period;
use goldthread_reports::{Format, ReportRequest, ScopeChoice, pack, period, render as formats};
use goldthread_storage::NewPublishedReport;
use serde::{Deserialize, Serialize};

#[derive(Debug, Default, Deserialize, Serialize)]
pub struct ReportQuery {
    pub period: Option<String>,
    pub scope: Option<String>,
    pub format: Option<String>,
    pub as_at: Option<String>,
    pub committee: Option<String>,
    /// The page's script names each download, to be told when it arrives.
    pub download_token: Option<String>,
    /// The report just published, to say so.
    pub published: Option<i64>,
}

#[derive(Serialize)]
struct Choice {
    value: String,
    text: String,
}

#[derive(Serialize)]
struct Page<'a> {
    title: &'static str,
    query: &'a ReportQuery,
    errors: Vec<FieldError>,
    periods: Vec<Choice>,
    scopes: Vec<Choice>,
    formats: Vec<Choice>,
    today: String,
    /// The reports on the public pages, and whether this role may publish.
    published: Vec<PublishedView>,
    can_publish: bool,
    just_published: Option<i64>,
}

#[derive(Serialize)]
pub(crate) struct PublishedView {
    pub id: i64,
    pub title: String,
    pub known_at: String,
    pub published: String,
    pub published_by: String,
}

impl PublishedView {
    pub(crate) fn of(report: &goldthread_storage::PublishedReport) -> PublishedView {
        let period = period::parse_reporting_period(&report.request.period)
            .map(|p| format!("{p} ({})", period::period_in_words(p)))
            .unwrap_or_else(|_| report.request.period.clone());
        let scope = match report.request.scope.as_str() {
            "council" => "the whole council".to_string(),
            other => other.replacen(':', ": ", 1),
        };
        PublishedView {
            id: report.id,
            title: format!("Performance report {period}, {scope}"),
            known_at: report.request.known_at.clone(),
            published: report.published_at.get(..10).unwrap_or("").to_string(),
            published_by: report.published_by.clone(),
        }
    }
}

/// The last eight quarters and the last three years, newest first.
fn recent_periods(day: NaiveDate) -> Vec<Choice> {
    let mut out = Vec::new();
    let mut quarter = Period::quarter_of(day).previous();
    for _ in 0..8 {
        out.push(Choice {
            value: quarter.to_string().replace(' ', "-"),
            text: format!("{quarter} ({})", period::period_in_words(quarter)),
        });
        quarter = quarter.previous();
    }
    let mut year = Period::Year(goldthread_domain::FinancialYear::containing(day)).previous();
    for _ in 0..3 {
        out.push(Choice {
            value: year.to_string(),
            text: format!("{year} (the whole year)"),
        });
        year = year.previous();
    }
    out
}

async fn form_page(
    state: &AppState,
    query: &ReportQuery,
    errors: Vec<FieldError>,
) -> Result<Response, WebError> {
    let data = state.snapshot.get(&state.store).await?;
    let mut scopes = vec![Choice {
        value: "council".into(),
        text: "The whole council (plans in force)".into(),
    }];
    scopes.extend(data.plans.iter().map(|p| Choice {
        value: format!("plan:{}", p.id),
        text: format!("Plan: {}", p.title),
    }));
    let options = goldthread_reports::scope::ScopeOptions::of(&data);
    scopes.extend(options.services.iter().map(|s| Choice {
        value: format!("service:{s}"),
        text: format!("Service: {s}"),
    }));
    scopes.extend(options.officers.iter().map(|o| Choice {
        value: format!("officer:{o}"),
        text: format!("Lead officer: {o}"),
    }));
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::BAD_REQUEST
    };
    let page = render(
        state,
        "reports.html",
        &Page {
            title: "Reports",
            query,
            errors,
            periods: recent_periods(today()),
            scopes,
            formats: Format::ALL
                .iter()
                .map(|f| Choice {
                    value: f.as_str().into(),
                    text: f.label().into(),
                })
                .collect(),
            today: today().to_string(),
            published: state
                .store
                .published_reports()
                .await?
                .iter()
                .map(PublishedView::of)
                .collect(),
            can_publish: crate::auth::page_context()
                .account
                .is_some_and(|a| a.role >= goldthread_domain::Role::Editor),
            just_published: query.published,
        },
    )?;
    Ok((status, page).into_response())
}

pub async fn form(
    State(state): State<AppState>,
    Query(query): Query<ReportQuery>,
) -> Result<Response, WebError> {
    form_page(&state, &query, Vec::new()).await
}

fn error(field: &str, message: String) -> FieldError {
    FieldError {
        field: field.to_string(),
        message,
    }
}

/// A report request read from the form, checked.
struct Asked {
    period: Period,
    scope: ScopeChoice,
    /// The scope as given (`council`, `plan:3`), to keep with a
    /// published report.
    scope_text: String,
    format: Option<Format>,
    known_at: NaiveDate,
    committee: Option<String>,
}

fn read(query: &ReportQuery, need_format: bool) -> Result<Asked, Vec<FieldError>> {
    let mut errors = Vec::new();
    let text = |v: &Option<String>| v.as_deref().unwrap_or("").trim().to_string();
    let period = period::parse_reporting_period(&text(&query.period))
        .map_err(|e| errors.push(error("period", e)))
        .ok();
    let scope_text = match text(&query.scope) {
        t if t.is_empty() => "council".to_string(),
        t => t,
    };
    let scope = ScopeChoice::parse(&scope_text)
        .map_err(|e| errors.push(error("scope", e)))
        .ok();
    let format = Format::parse(&text(&query.format));
    if need_format && format.is_none() {
        errors.push(error("format", "Choose a format".into()));
    }
    let known_at = match text(&query.as_at) {
        t if t.is_empty() => Some(today()),
        t => match NaiveDate::parse_from_str(&t, "%Y-%m-%d") {
            Ok(day) if day <= today() => Some(day),
            Ok(_) => {
                errors.push(error(
                    "as_at",
                    "The date must be today or in the past".into(),
                ));
                None
            }
            Err(_) => {
                errors.push(error(
                    "as_at",
                    format!("Enter a real date in the form 2017-09-30, not '{t}'"),
                ));
                None
            }
        },
    };
    match (period, scope, known_at) {
        (Some(period), Some(scope), Some(known_at)) if errors.is_empty() => Ok(Asked {
            period,
            scope,
            scope_text,
            format,
            known_at,
            committee: Some(text(&query.committee)).filter(|c| !c.is_empty()),
        }),
        _ => Err(errors),
    }
}

/// Builds the pack asked for and sends it as a download; a question that
/// cannot be answered is the form again with what was wrong.
pub async fn download(
    State(state): State<AppState>,
    Query(query): Query<ReportQuery>,
) -> Result<Response, WebError> {
    let asked = match read(&query, true) {
        Ok(asked) => asked,
        Err(errors) => return form_page(&state, &query, errors).await,
    };
    let (period, Some(format)) = (asked.period, asked.format) else {
        return form_page(&state, &query, Vec::new()).await;
    };
    let request = ReportRequest {
        period,
        scope: asked.scope,
        known_at: asked.known_at,
        committee: asked.committee,
        author: crate::auth::page_context().account.map(|a| a.name.clone()),
    };
    let bytes = match build(&state, request, format).await? {
        Err(message) => return form_page(&state, &query, vec![error("scope", message)]).await,
        Ok(bytes) => bytes,
    };
    let name = format!(
        "performance-report-{}.{}",
        period.to_string().replace(['/', ' '], "-"),
        format.as_str()
    );
    let mut response = (
        [
            (header::CONTENT_TYPE, format.content_type().to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}\""),
            ),
        ],
        bytes,
    )
        .into_response();
    if let Some(arrived) = download_cookie(query.download_token.as_deref()) {
        response.headers_mut().append(header::SET_COOKIE, arrived);
    }
    Ok(response)
}

/// Publishes the report asked for to the public pages: the request is
/// kept, and the public copy is rebuilt from what was known at the end of
/// its day, so it does not change afterwards. A scope the data cannot
/// answer is refused here, not found later by the public.
pub async fn publish(
    State(state): State<AppState>,
    crate::auth::Me(me): crate::auth::Me,
    axum::Form(query): axum::Form<ReportQuery>,
) -> Result<Response, WebError> {
    let asked = match read(&query, false) {
        Ok(asked) => asked,
        Err(errors) => return form_page(&state, &query, errors).await,
    };
    let check = ReportRequest {
        period: asked.period,
        scope: asked.scope.clone(),
        known_at: asked.known_at,
        committee: asked.committee.clone(),
        author: None,
    };
    let data = state.snapshot.get(&state.store).await?;
    if let Err(message) = pack::build(&data, &check) {
        return form_page(&state, &query, vec![error("scope", message)]).await;
    }
    let id = state
        .store
        .publish_report(
            &NewPublishedReport {
                period: asked.period.to_string().replace(' ', "-"),
                scope: asked.scope_text,
                known_at: asked.known_at.to_string(),
                committee: asked.committee,
            },
            &me.actor(),
        )
        .await?;
    Ok(axum::response::Redirect::to(&format!("/reports?published={id}")).into_response())
}

pub async fn withdraw(
    State(state): State<AppState>,
    crate::auth::Me(me): crate::auth::Me,
    RecordId(id): RecordId,
) -> Result<Response, WebError> {
    state.store.withdraw_report(id, &me.actor()).await?;
    Ok(axum::response::Redirect::to("/reports#published").into_response())
}

/// Builds the pack as known at the end of `request.known_at` and renders
/// it, on the blocking pool. The inner error is a scope the data cannot
/// answer (a plan that does not exist), said to the person.
pub(crate) async fn build(
    state: &AppState,
    request: ReportRequest,
    format: Format,
) -> Result<Result<Vec<u8>, String>, WebError> {
    let data = if request.known_at < today() {
        std::sync::Arc::new(
            state
                .store
                .load_monitoring_data_known_at(Some(request.known_at))
                .await?,
        )
    } else {
        state.snapshot.get(&state.store).await?
    };
    let built = tokio::task::spawn_blocking(move || {
        pack::build(&data, &request).map(|pack| formats::render(&pack, format))
    })
    .await
    .map_err(|e| WebError::Internal(format!("the report task failed: {e}")))?;
    match built {
        Err(message) => Ok(Err(message)),
        Ok(rendered) => Ok(Ok(rendered.map_err(|e| WebError::Internal(e.to_string()))?)),
    }
}

/// The cookie that tells the report page's script its download has
/// arrived: the token it sent, if it is one (digits only, as the script
/// makes them), readable by script, for a minute, on the report pages only.
fn download_cookie(token: Option<&str>) -> Option<header::HeaderValue> {
    let token = token?.trim();
    if token.is_empty() || token.len() > 40 || !token.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    header::HeaderValue::from_str(&format!(
        "goldthread_download={token}; Path=/reports; Max-Age=60; SameSite=Strict"
    ))
    .ok()
}

#[cfg(test)]
mod tests {
    use super::download_cookie;

    #[test]
    fn only_a_token_of_digits_is_echoed_into_the_cookie() {
        let cookie = download_cookie(Some("1733071234567123456789")).unwrap();
        assert_eq!(
            cookie.to_str().unwrap(),
            "goldthread_download=1733071234567123456789; Path=/reports; Max-Age=60; SameSite=Strict"
        );
        for hostile in [
            "",
            "12; Path=/",
            "abc",
            "1\r\nSet-Cookie: x=1",
            &"9".repeat(41),
        ] {
            assert!(download_cookie(Some(hostile)).is_none(), "{hostile:?}");
        }
        assert!(download_cookie(None).is_none());
    }
}
