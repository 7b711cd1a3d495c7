//! The report page: choose a period, a scope, a format and an "as at"
//! day, and download the quarterly pack (the same pack `goldthread report`
//! writes). The pack is built on the blocking pool: a council-wide pack
//! is a few hundred milliseconds of work that must not hold up pages.

use super::{render, today};
use crate::AppState;
use crate::error::WebError;
use crate::forms::FieldError;
use axum::extract::{Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use chrono::NaiveDate;
use goldthread_domain::Period;
use goldthread_reports::{Format, ReportRequest, ScopeChoice, pack, period, render as formats};
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

/// Builds the pack asked for and sends it as a download; a question that
/// cannot be answered is the form again with what was wrong.
pub async fn download(
    State(state): State<AppState>,
    Query(query): Query<ReportQuery>,
) -> Result<Response, WebError> {
    let mut errors = Vec::new();
    let text = |v: &Option<String>| v.as_deref().unwrap_or("").trim().to_string();
    let period = period::parse_reporting_period(&text(&query.period))
        .map_err(|e| errors.push(error("period", e)))
        .ok();
    let scope = match text(&query.scope) {
        t if t.is_empty() => Some(ScopeChoice::Council),
        t => ScopeChoice::parse(&t)
            .map_err(|e| errors.push(error("scope", e)))
            .ok(),
    };
    let format = Format::parse(&text(&query.format));
    if format.is_none() {
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
    let (Some(period), Some(scope), Some(format), Some(known_at)) =
        (period, scope, format, known_at)
    else {
        return form_page(&state, &query, errors).await;
    };
    let data = if known_at < today() {
        std::sync::Arc::new(
            state
                .store
                .load_monitoring_data_known_at(Some(known_at))
                .await?,
        )
    } else {
        state.snapshot.get(&state.store).await?
    };
    let committee = Some(text(&query.committee)).filter(|c| !c.is_empty());
    let request = ReportRequest {
        period,
        scope,
        known_at,
        committee,
        author: crate::auth::page_context().account.map(|a| a.name.clone()),
    };
    let built = tokio::task::spawn_blocking(move || {
        pack::build(&data, &request).map(|pack| formats::render(&pack, format))
    })
    .await
    .map_err(|e| WebError::Internal(format!("the report task failed: {e}")))?;
    let bytes = match built {
        Err(message) => return form_page(&state, &query, vec![error("scope", message)]).await,
        Ok(rendered) => rendered.map_err(|e| WebError::Internal(e.to_string()))?,
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
