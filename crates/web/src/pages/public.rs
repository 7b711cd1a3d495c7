//! What residents see, without signing in: the published plans, their
//! priorities and progress, each indicator's chart and figures, and open
//! data (JSON and CSV at stable URLs, under the council's licence, with a
//! data dictionary). Only plans an editor has published appear; anything
//! else answers 404, as if it did not exist.
//!
//! These pages carry nothing personal (no account bar, no form token), so
//! shared caches may keep them: `Cache-Control: public` with an `ETag` of
//! the data version, and `304 Not Modified` when it has not moved.

use super::today;
use crate::AppState;
use crate::error::WebError;
use crate::extract::RecordId;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use goldthread_reports::assess;
use goldthread_reports::pack::{self, ActionRow, IndicatorRow, PlanSection, PriorityRow};
use goldthread_storage::MonitoringData;
use minijinja::Value;
use minijinja::value::Serde;
use serde::Serialize;
use serde_json::json;

/// How long a shared cache may keep a public page without asking again.
const MAX_AGE_SECONDS: u32 = 300;

fn published(data: &MonitoringData, plan_id: i64) -> bool {
    data.plans.iter().any(|p| p.id == plan_id && p.published)
}

/// Serves a public resource from the page cache under the data version,
/// answering a conditional request whose ETag still holds with 304.
async fn cached<F>(
    state: &AppState,
    uri: &Uri,
    request_headers: &HeaderMap,
    content_type: &'static str,
    build: F,
) -> Result<Response, WebError>
where
    F: FnOnce(&MonitoringData) -> Result<Vec<u8>, WebError>,
{
    let version = state.store.data_version().await?;
    let etag = format!("\"gt-{version}\"");
    let headers = [
        (header::ETAG, etag.clone()),
        (
            header::CACHE_CONTROL,
            format!("public, max-age={MAX_AGE_SECONDS}"),
        ),
    ];
    let matches = request_headers
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| {
            v.split(',')
                .any(|tag| tag.trim() == etag || tag.trim() == "*")
        });
    if matches {
        return Ok((StatusCode::NOT_MODIFIED, headers).into_response());
    }
    let key = format!("public|{uri}|{}", today());
    let body = match state.page_cache.get(&key, version) {
        Some(body) => body,
        None => {
            let data = state.snapshot.get_at(&state.store, version).await?;
            let body = Bytes::from(build(&data)?);
            state.page_cache.put(key, version, body.clone());
            body
        }
    };
    let mut response = (headers, body).into_response();
    response
        .headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    Ok(response)
}

fn page<T: Serialize>(state: &AppState, template: &str, ctx: &T) -> Result<Vec<u8>, WebError> {
    let html = crate::templates::render(&state.templates, template, Value::from(Serde(ctx)))?;
    Ok(html.into_bytes())
}

#[derive(Serialize)]
struct PlanCard {
    id: i64,
    title: String,
    owner: Option<String>,
    actions: usize,
    achieved_or_on_track: usize,
    indicators: usize,
}

#[derive(Serialize)]
struct IndexPage {
    title: &'static str,
    council: String,
    plans: Vec<PlanCard>,
}

pub async fn index(
    State(state): State<AppState>,
    uri: Uri,
    headers: HeaderMap,
) -> Result<Response, WebError> {
    cached(&state, &uri, &headers, HTML, |data| {
        let day = today();
        let plans = data
            .plans
            .iter()
            .filter(|p| p.published)
            .map(|p| {
                let actions: Vec<_> = data.actions.iter().filter(|a| a.plan_id == p.id).collect();
                PlanCard {
                    id: p.id,
                    title: p.title.clone(),
                    owner: p.owner.clone(),
                    actions: actions.len(),
                    achieved_or_on_track: actions
                        .iter()
                        .filter(|a| assess::action(a, day).health.is_on_track())
                        .count(),
                    indicators: data.indicators.iter().filter(|i| i.plan_id == p.id).count(),
                }
            })
            .collect();
        page(
            &state,
            "public_index.html",
            &IndexPage {
                title: "Our plans and performance",
                council: data.organisation.name.clone(),
                plans,
            },
        )
    })
    .await
}

#[derive(Serialize)]
struct PlanPage {
    title: String,
    council: String,
    as_at: String,
    priorities: Vec<PriorityRow>,
    plan: PlanSection,
}

pub async fn plan(
    State(state): State<AppState>,
    uri: Uri,
    headers: HeaderMap,
    RecordId(id): RecordId,
) -> Result<Response, WebError> {
    cached(&state, &uri, &headers, HTML, |data| {
        if !published(data, id) {
            return Err(WebError::NotFound);
        }
        let day = today();
        let (priorities, plan) = pack::plan_section(data, id, day).ok_or(WebError::NotFound)?;
        page(
            &state,
            "public_plan.html",
            &PlanPage {
                title: plan.title.clone(),
                council: data.organisation.name.clone(),
                as_at: day.format("%-d %B %Y").to_string(),
                priorities,
                plan,
            },
        )
    })
    .await
}

#[derive(Serialize)]
struct ValueLine {
    period: String,
    value: String,
    target: String,
    status: &'static str,
    status_label: &'static str,
}

#[derive(Serialize)]
struct IndicatorPage {
    title: String,
    council: String,
    plan_id: i64,
    plan_title: String,
    indicator: IndicatorRow,
    values: Vec<ValueLine>,
}

pub async fn indicator(
    State(state): State<AppState>,
    uri: Uri,
    headers: HeaderMap,
    RecordId(id): RecordId,
) -> Result<Response, WebError> {
    cached(&state, &uri, &headers, HTML, |data| {
        let info = data
            .indicators
            .iter()
            .find(|i| i.id == id && published(data, i.plan_id))
            .ok_or(WebError::NotFound)?;
        let day = today();
        let rules = assess::rules(data);
        let values = info
            .values
            .iter()
            .map(|v| {
                let rag = assess::period_rag(info, v.period, &rules, day);
                let figure =
                    |x: Option<f64>| x.map(|x| assess::figure(x, info.unit)).unwrap_or_default();
                ValueLine {
                    period: v.period.to_string(),
                    value: v.text.clone().unwrap_or_else(|| figure(v.value)),
                    target: figure(assess::target(info, v.period)),
                    status: rag.rag().as_str(),
                    status_label: rag.label(),
                }
            })
            .collect();
        let plan_title = data
            .plan(info.plan_id)
            .map(|p| p.title.clone())
            .unwrap_or_default();
        page(
            &state,
            "public_indicator.html",
            &IndicatorPage {
                title: info.title.clone(),
                council: data.organisation.name.clone(),
                plan_id: info.plan_id,
                plan_title,
                indicator: pack::indicator_row(data, info, day),
                values,
            },
        )
    })
    .await
}

const HTML: &str = "text/html; charset=utf-8";

/// A dataset of the open data: its fields, in order, with their meaning.
struct Dataset {
    name: &'static str,
    title: &'static str,
    fields: &'static [(&'static str, &'static str)],
}

const DATASETS: &[Dataset] = &[
    Dataset {
        name: "plans",
        title: "Published plans",
        fields: &[
            ("id", "The plan's number; its page is /public/plans/ID."),
            ("title", "The plan's title."),
            (
                "kind",
                "corporate, service, improvement or another kind of plan.",
            ),
            ("service", "The service or unit that owns the plan, if any."),
            (
                "first_day",
                "The first day of the plan's period (ISO 8601), if stated.",
            ),
            (
                "last_day",
                "The last day of the plan's period (ISO 8601), if stated.",
            ),
        ],
    },
    Dataset {
        name: "actions",
        title: "Actions of the published plans",
        fields: &[
            ("id", "The action's number."),
            ("plan_id", "The plan it belongs to (plans.id)."),
            ("code", "The council's code for the action, if any."),
            ("title", "What the action will do."),
            (
                "lead_officer",
                "The posts leading it, separated by semicolons.",
            ),
            ("due", "The due date as the plan wrote it."),
            ("revised_due", "The due date in force, if it was revised."),
            (
                "status",
                "Its status today: achieved, on_track, at_risk, off_track, overdue, not_started, deferred, cancelled or no_update.",
            ),
            (
                "rag",
                "The status as a colour: red, amber, green, blue (complete) or grey (cannot be rated).",
            ),
            (
                "latest_update",
                "The day of its latest progress update, if any.",
            ),
        ],
    },
    Dataset {
        name: "updates",
        title: "Progress updates on those actions",
        fields: &[
            ("action_id", "The action (actions.id)."),
            ("as_at", "The day the update reports on (ISO 8601)."),
            ("status", "The status the lead officer reported."),
            ("commentary", "What the lead officer said."),
        ],
    },
    Dataset {
        name: "indicators",
        title: "Performance indicators of the published plans",
        fields: &[
            (
                "id",
                "The indicator's number; its page is /public/indicators/ID.",
            ),
            ("plan_id", "The plan it belongs to (plans.id)."),
            ("code", "The council's code for the indicator, if any."),
            ("title", "What it measures."),
            (
                "unit",
                "percent, count, pounds, days, ratio or another unit.",
            ),
            ("polarity", "higher_is_better, lower_is_better or neither."),
            (
                "frequency",
                "How often it is measured: monthly, quarterly, half_yearly or annual.",
            ),
        ],
    },
    Dataset {
        name: "values",
        title: "Indicator values, with their targets and status",
        fields: &[
            ("indicator_id", "The indicator (indicators.id)."),
            (
                "period",
                "The period the value is for: 2017/18 Q2, 2017/18, 2017-09.",
            ),
            ("value", "The value, as a number, if it is one."),
            ("text", "The value as written, when it is not a number."),
            ("target", "The target for the period, if any."),
            (
                "status",
                "green (target met), amber (near it), red (missed), data_only (no target), missing or not_due.",
            ),
        ],
    },
];

fn records(data: &MonitoringData, dataset: &str) -> Vec<Vec<serde_json::Value>> {
    let day = today();
    let rules = assess::rules(data);
    let judged = pack::Rows::new(data, day);
    let text = |s: &str| json!(s);
    let optional = |s: Option<String>| s.map_or(serde_json::Value::Null, |s| json!(s));
    match dataset {
        "plans" => data
            .plans
            .iter()
            .filter(|p| p.published)
            .map(|p| {
                vec![
                    json!(p.id),
                    text(&p.title),
                    text(&p.kind),
                    optional(p.owner.clone()),
                    optional(p.first_day.map(|d| d.to_string())),
                    optional(p.last_day.map(|d| d.to_string())),
                ]
            })
            .collect(),
        "actions" => data
            .actions
            .iter()
            .filter(|a| published(data, a.plan_id))
            .map(|a| {
                let row: ActionRow = judged.action_row(a);
                vec![
                    json!(a.id),
                    json!(a.plan_id),
                    optional(a.code.clone()),
                    text(&a.title),
                    text(&row.lead),
                    text(&row.due),
                    optional(row.revised_due.clone()),
                    text(row.status),
                    text(row.rag),
                    optional(a.update_as_at(day).map(|u| u.as_at.to_string())),
                ]
            })
            .collect(),
        "updates" => data
            .actions
            .iter()
            .filter(|a| published(data, a.plan_id))
            .flat_map(|a| {
                a.updates.iter().map(move |u| {
                    vec![
                        json!(a.id),
                        text(&u.as_at.to_string()),
                        text(u.status.as_str()),
                        text(&u.commentary),
                    ]
                })
            })
            .collect(),
        "indicators" => data
            .indicators
            .iter()
            .filter(|i| published(data, i.plan_id))
            .map(|i| {
                vec![
                    json!(i.id),
                    json!(i.plan_id),
                    optional(i.code.clone()),
                    text(&i.title),
                    text(i.unit.as_str()),
                    text(i.polarity.as_str()),
                    optional(i.frequency.map(|f| f.as_str().to_string())),
                ]
            })
            .collect(),
        "values" => data
            .indicators
            .iter()
            .filter(|i| published(data, i.plan_id))
            .flat_map(|i| {
                i.values.iter().map(move |v| {
                    vec![
                        json!(i.id),
                        text(&v.period.to_string()),
                        v.value.map_or(serde_json::Value::Null, |x| json!(x)),
                        optional(v.text.clone()),
                        assess::target(i, v.period).map_or(serde_json::Value::Null, |x| json!(x)),
                        text(assess::period_rag(i, v.period, &rules, day).as_str()),
                    ]
                })
            })
            .collect(),
        _ => Vec::new(),
    }
}

fn csv_cell(value: &serde_json::Value) -> String {
    match value {
        serde_json::Value::Null => String::new(),
        serde_json::Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

#[derive(Serialize)]
struct DataPage {
    title: &'static str,
    council: String,
    licence: crate::auth::Licence,
    datasets: Vec<DatasetView>,
}

#[derive(Serialize)]
struct DatasetView {
    name: &'static str,
    title: &'static str,
    records: usize,
    fields: Vec<(&'static str, &'static str)>,
}

pub async fn data_index(
    State(state): State<AppState>,
    uri: Uri,
    headers: HeaderMap,
) -> Result<Response, WebError> {
    cached(&state, &uri, &headers, HTML, |data| {
        page(
            &state,
            "public_data.html",
            &DataPage {
                title: "Open data",
                council: data.organisation.name.clone(),
                licence: state.auth.open_data_licence.clone(),
                datasets: DATASETS
                    .iter()
                    .map(|d| DatasetView {
                        name: d.name,
                        title: d.title,
                        records: records(data, d.name).len(),
                        fields: d.fields.to_vec(),
                    })
                    .collect(),
            },
        )
    })
    .await
}

/// `/public/data/actions.csv`, `/public/data/values.json`, …
pub async fn data_file(
    State(state): State<AppState>,
    uri: Uri,
    headers: HeaderMap,
    Path(file): Path<String>,
) -> Result<Response, WebError> {
    let (name, extension) = file.rsplit_once('.').ok_or(WebError::NotFound)?;
    let dataset = DATASETS
        .iter()
        .find(|d| d.name == name)
        .ok_or(WebError::NotFound)?;
    let licence = state.auth.open_data_licence.clone();
    let content_type = match extension {
        "json" => "application/json",
        "csv" => "text/csv; charset=utf-8",
        _ => return Err(WebError::NotFound),
    };
    let mut response = cached(&state, &uri, &headers, content_type, |data| {
        let rows = records(data, dataset.name);
        if extension == "json" {
            let records: Vec<serde_json::Map<String, serde_json::Value>> = rows
                .into_iter()
                .map(|row| {
                    dataset
                        .fields
                        .iter()
                        .map(|(field, _)| field.to_string())
                        .zip(row)
                        .collect()
                })
                .collect();
            serde_json::to_vec_pretty(&json!({
                "dataset": dataset.name,
                "title": dataset.title,
                "publisher": data.organisation.name,
                "licence": licence.name,
                "licence_url": licence.url,
                "dictionary": "/public/data",
                "records": records,
            }))
            .map_err(|e| WebError::Internal(e.to_string()))
        } else {
            let mut out = csv::Writer::from_writer(Vec::new());
            let fail = |e: csv::Error| WebError::Internal(e.to_string());
            out.write_record(dataset.fields.iter().map(|(f, _)| *f))
                .map_err(fail)?;
            for row in &rows {
                out.write_record(row.iter().map(csv_cell)).map_err(fail)?;
            }
            out.into_inner()
                .map_err(|e| WebError::Internal(e.to_string()))
        }
    })
    .await?;
    if let Ok(link) = HeaderValue::from_str(&format!(
        "<{}>; rel=\"license\"",
        state.auth.open_data_licence.url
    )) {
        response.headers_mut().insert(header::LINK, link);
    }
    Ok(response)
}

/// Publishes or withdraws a plan (editors), then back to the plan.
#[derive(serde::Deserialize)]
pub struct PublishForm {
    publish: String,
}

pub async fn set_published(
    State(state): State<AppState>,
    crate::auth::Me(me): crate::auth::Me,
    RecordId(id): RecordId,
    axum::Form(form): axum::Form<PublishForm>,
) -> Result<Response, WebError> {
    let publish = match form.publish.as_str() {
        "yes" => true,
        "no" => false,
        _ => {
            return Err(WebError::BadRequest(
                "Say whether to publish: yes or no".into(),
            ));
        }
    };
    state.store.set_published(id, publish, &me.actor()).await?;
    Ok(axum::response::Redirect::to(&format!("/plans/{id}")).into_response())
}

#[derive(Serialize)]
struct ReportsPage {
    title: &'static str,
    council: String,
    reports: Vec<super::reports::PublishedView>,
}

/// The report packs editors published, newest first.
pub async fn reports(
    State(state): State<AppState>,
    uri: Uri,
    headers: HeaderMap,
) -> Result<Response, WebError> {
    let reports: Vec<_> = state
        .store
        .published_reports()
        .await?
        .iter()
        .map(super::reports::PublishedView::of)
        .collect();
    let builder = state.clone();
    cached(&state, &uri, &headers, HTML, move |data| {
        page(
            &builder,
            "public_reports.html",
            &ReportsPage {
                title: "Performance reports",
                council: data.organisation.name.clone(),
                reports,
            },
        )
    })
    .await
}

pub async fn report_html(
    State(state): State<AppState>,
    RecordId(id): RecordId,
) -> Result<Response, WebError> {
    published_report(&state, id, goldthread_reports::Format::Html).await
}

pub async fn report_pdf(
    State(state): State<AppState>,
    RecordId(id): RecordId,
) -> Result<Response, WebError> {
    published_report(&state, id, goldthread_reports::Format::Pdf).await
}

/// A published report, rebuilt from its request as known at the end of
/// its day (so it is the same whenever it is asked for), and kept in the
/// page cache; withdrawn or never published, it is 404.
async fn published_report(
    state: &AppState,
    id: i64,
    format: goldthread_reports::Format,
) -> Result<Response, WebError> {
    let report = state.store.published_report(id).await?;
    let version = state.store.data_version().await?;
    let key = format!("public-report|{id}|{}|{}", format.as_str(), today());
    let body = match state.page_cache.get(&key, version) {
        Some(body) => body,
        None => {
            let stored = |what: &str| {
                WebError::Internal(format!("published report {id} has an unreadable {what}"))
            };
            let request = goldthread_reports::ReportRequest {
                period: goldthread_reports::period::parse_reporting_period(&report.request.period)
                    .map_err(|_| stored("period"))?,
                scope: goldthread_reports::ScopeChoice::parse(&report.request.scope)
                    .map_err(|_| stored("scope"))?,
                known_at: report.request.known_at.parse().map_err(|_| stored("day"))?,
                committee: report.request.committee.clone(),
                author: Some(report.published_by.clone()),
            };
            let bytes = super::reports::build(state, request, format)
                .await?
                .map_err(WebError::Internal)?;
            let body = Bytes::from(bytes);
            state.page_cache.put(key, version, body.clone());
            body
        }
    };
    let mut response = (
        [(
            header::CACHE_CONTROL,
            format!("public, max-age={MAX_AGE_SECONDS}"),
        )],
        body,
    )
        .into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(format.content_type()),
    );
    if format == goldthread_reports::Format::Pdf {
        headers.insert(
            header::CONTENT_DISPOSITION,
            HeaderValue::from_static("inline; filename=\"performance-report.pdf\""),
        );
    }
    Ok(response)
}
