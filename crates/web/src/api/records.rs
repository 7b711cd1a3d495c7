//! The records the API gives, each built from the monitoring data as
//! known on a day and judged on a day, with the same rules as the pages
//! and the report pack. Their schemas in the OpenAPI document are derived
//! from these types; the names an enum-like field takes are the domain's
//! own (`ALL`), so a new status appears in the document by itself.

use super::cursor::Page;
use chrono::NaiveDate;
use goldthread_domain::status::{ActionHealth, IndicatorRag, Rag, StatusRules, Trend};
use goldthread_domain::{ActionStatus, Aggregation, Frequency, Period, PlanStatus, Polarity, Unit};
use goldthread_reports::assess;
use goldthread_storage::{ActionInfo, IndicatorInfo, MonitoringData, PlanInfo, RiskRow};
use serde::Serialize;
use utoipa::ToSchema;
use utoipa::openapi::schema::{Object, ObjectBuilder, SchemaType, Type};

/// A string schema that takes one of `names`, or null when `nullable`.
fn one_of(names: &[&'static str], nullable: bool) -> Object {
    let mut values: Vec<serde_json::Value> = names.iter().map(|n| (*n).into()).collect();
    let schema_type = if nullable {
        values.push(serde_json::Value::Null);
        SchemaType::from_iter([Type::String, Type::Null])
    } else {
        SchemaType::Type(Type::String)
    };
    ObjectBuilder::new()
        .schema_type(schema_type)
        .enum_values(Some(values))
        .build()
}

fn date_schema(nullable: bool) -> Object {
    let schema_type = if nullable {
        SchemaType::from_iter([Type::String, Type::Null])
    } else {
        SchemaType::Type(Type::String)
    };
    ObjectBuilder::new()
        .schema_type(schema_type)
        .format(Some(utoipa::openapi::SchemaFormat::KnownFormat(
            utoipa::openapi::KnownFormat::Date,
        )))
        .build()
}

fn day() -> Object {
    date_schema(false)
}
fn maybe_day() -> Object {
    date_schema(true)
}
pub(super) fn action_health() -> Object {
    one_of(&ActionHealth::ALL.map(ActionHealth::as_str), false)
}
fn plan_status() -> Object {
    one_of(&PlanStatus::ALL.map(PlanStatus::as_str), false)
}
fn rag() -> Object {
    one_of(&Rag::ALL.map(Rag::as_str), false)
}
pub(super) fn action_status() -> Object {
    one_of(&ActionStatus::ALL.map(ActionStatus::as_str), false)
}
fn maybe_action_status() -> Object {
    one_of(&ActionStatus::ALL.map(ActionStatus::as_str), true)
}
pub(super) fn indicator_rag() -> Object {
    one_of(&IndicatorRag::ALL.map(IndicatorRag::as_str), false)
}
fn maybe_trend() -> Object {
    one_of(&Trend::ALL.map(Trend::as_str), true)
}
fn unit() -> Object {
    one_of(&Unit::ALL.map(Unit::as_str), false)
}
fn polarity() -> Object {
    one_of(&Polarity::ALL.map(Polarity::as_str), false)
}
fn maybe_frequency() -> Object {
    one_of(&Frequency::ALL.map(Frequency::as_str), true)
}
fn aggregation() -> Object {
    one_of(&Aggregation::ALL.map(Aggregation::as_str), false)
}

fn iso(day: NaiveDate) -> String {
    day.format("%Y-%m-%d").to_string()
}

/// A plan: a corporate plan, a service plan or an improvement plan.
#[derive(Debug, Serialize, ToSchema)]
pub struct PlanRecord {
    pub id: i64,
    pub title: String,
    /// `corporate`, `service`, `improvement`, … as imported.
    pub kind: String,
    /// The service or directorate that owns the plan.
    pub owner: Option<String>,
    /// The first and last days of the plan's period, when it has one.
    #[schema(schema_with = maybe_day)]
    pub first_day: Option<String>,
    #[schema(schema_with = maybe_day)]
    pub last_day: Option<String>,
    /// In force on the day judged: approved, not archived, begun and not
    /// ended.
    pub in_force: bool,
    /// Where the plan stands in the planning cycle.
    #[schema(schema_with = plan_status)]
    pub status: PlanStatus,
    /// Published to the public by an editor (as known on the day read).
    pub published: bool,
    pub actions: usize,
    pub indicators: usize,
}

impl PlanRecord {
    pub fn of(data: &MonitoringData, plan: &PlanInfo, day: NaiveDate) -> PlanRecord {
        PlanRecord {
            id: plan.id,
            title: plan.title.clone(),
            kind: plan.kind.clone(),
            owner: plan.owner.clone(),
            first_day: plan.first_day.map(iso),
            last_day: plan.last_day.map(iso),
            in_force: plan.in_force_on(day),
            status: plan.status,
            published: plan.published,
            actions: data.actions.iter().filter(|a| a.plan_id == plan.id).count(),
            indicators: data
                .indicators
                .iter()
                .filter(|i| i.plan_id == plan.id)
                .count(),
        }
    }
}

/// The latest progress update on or before the day judged.
#[derive(Debug, Serialize, ToSchema)]
pub struct LatestUpdate {
    #[schema(schema_with = day)]
    pub as_at: String,
    #[schema(schema_with = action_status)]
    pub status: String,
    pub commentary: String,
}

/// An action of a plan, with its status judged on the day asked.
#[derive(Debug, Serialize, ToSchema)]
pub struct ActionRecord {
    pub id: i64,
    pub plan_id: i64,
    pub code: Option<String>,
    pub title: String,
    /// The service code the plan gives the action (`HH`, `CSP`).
    pub service: Option<String>,
    pub lead_officers: Vec<String>,
    /// The due date as the plan wrote it ("March 2018", "Ongoing").
    pub due_text: Option<String>,
    /// The last day of the due date in force, after any revision.
    #[schema(schema_with = maybe_day)]
    pub due_date: Option<String>,
    /// The last day of the due date the plan first gave.
    #[schema(schema_with = maybe_day)]
    pub original_due_date: Option<String>,
    /// Days the due date has moved since the plan was written.
    pub slippage_days: Option<i64>,
    /// The status Goldthread judges, from the latest update and the dates.
    #[schema(schema_with = action_health)]
    pub status: String,
    pub status_label: String,
    #[schema(schema_with = rag)]
    pub rag: String,
    /// The status the officer last reported, if any.
    #[schema(schema_with = maybe_action_status)]
    pub reported_status: Option<String>,
    pub latest_update: Option<LatestUpdate>,
    /// No update within the reporting period containing the day judged.
    pub update_missing: bool,
}

impl ActionRecord {
    pub fn of(action: &ActionInfo, day: NaiveDate) -> ActionRecord {
        let judged = assess::action(action, day);
        ActionRecord {
            id: action.id,
            plan_id: action.plan_id,
            code: action.code.clone(),
            title: action.title.clone(),
            service: action.service_ref.clone(),
            lead_officers: action.officers.clone(),
            due_text: action.due_text.clone(),
            due_date: action.due.map(iso),
            original_due_date: action.original_due.map(iso),
            slippage_days: judged.slippage_days,
            status: judged.health.as_str().to_string(),
            status_label: judged.health.label().to_string(),
            rag: judged.rag.as_str().to_string(),
            reported_status: judged.reported.map(|s| s.as_str().to_string()),
            latest_update: action.update_as_at(day).map(|u| LatestUpdate {
                as_at: iso(u.as_at),
                status: u.status.as_str().to_string(),
                commentary: u.commentary.clone(),
            }),
            update_missing: judged.update_missing,
        }
    }
}

/// A target for a period.
#[derive(Debug, Serialize, ToSchema)]
pub struct TargetRecord {
    /// `2017/18`, `2017/18-Q2`, `2017-09` (a month).
    pub period: String,
    /// None where the plan sets no target for the period.
    pub value: Option<f64>,
}

/// A performance indicator, with its standing judged on the day asked: its
/// latest period due, the value and target there, RAG and trends.
#[derive(Debug, Serialize, ToSchema)]
pub struct IndicatorRecord {
    pub id: i64,
    pub plan_id: i64,
    pub code: Option<String>,
    pub title: String,
    #[schema(schema_with = unit)]
    pub unit: String,
    #[schema(schema_with = polarity)]
    pub polarity: String,
    #[schema(schema_with = maybe_frequency)]
    pub frequency: Option<String>,
    /// How period values make the year's figure.
    #[schema(schema_with = aggregation)]
    pub aggregation: String,
    /// The latest period due on the day judged.
    pub period: Option<String>,
    pub value: Option<f64>,
    pub target: Option<f64>,
    #[schema(schema_with = indicator_rag)]
    pub status: String,
    pub status_label: String,
    /// Against the previous period.
    #[schema(schema_with = maybe_trend)]
    pub trend_previous: Option<String>,
    /// Against the same period a year before.
    #[schema(schema_with = maybe_trend)]
    pub trend_year: Option<String>,
    pub targets: Vec<TargetRecord>,
    /// The actions the indicator measures.
    pub action_ids: Vec<i64>,
}

impl IndicatorRecord {
    pub fn of(
        data: &MonitoringData,
        indicator: &IndicatorInfo,
        rules: &StatusRules,
        day: NaiveDate,
    ) -> IndicatorRecord {
        let standing = assess::indicator(data, indicator, rules, day);
        IndicatorRecord {
            id: indicator.id,
            plan_id: indicator.plan_id,
            code: indicator.code.clone(),
            title: indicator.title.clone(),
            unit: indicator.unit.as_str().to_string(),
            polarity: indicator.polarity.as_str().to_string(),
            frequency: indicator.frequency.map(|f| f.as_str().to_string()),
            aggregation: indicator.aggregation.as_str().to_string(),
            period: standing.period,
            value: standing.value,
            target: standing.target,
            status: standing.rag.as_str().to_string(),
            status_label: standing.rag.label().to_string(),
            trend_previous: standing.trend_previous.map(|t| t.as_str().to_string()),
            trend_year: standing.trend_year.map(|t| t.as_str().to_string()),
            targets: indicator
                .targets
                .iter()
                .map(|(period, value)| TargetRecord {
                    period: period.to_string(),
                    value: *value,
                })
                .collect(),
            action_ids: indicator.action_ids.clone(),
        }
    }
}

/// A value recorded for an indicator in a period.
#[derive(Debug, Serialize, ToSchema)]
pub struct ValueRecord {
    pub indicator_id: i64,
    pub indicator_code: Option<String>,
    pub plan_id: i64,
    pub period: String,
    #[schema(schema_with = day)]
    pub period_end: String,
    /// None when the value is text ("Not available") or missing.
    pub value: Option<f64>,
    pub text: Option<String>,
    /// The officer's note on the value.
    pub note: Option<String>,
    pub target: Option<f64>,
    /// The period's RAG judged on the day asked.
    #[schema(schema_with = indicator_rag)]
    pub status: String,
}

impl ValueRecord {
    pub fn of(
        indicator: &IndicatorInfo,
        value: &goldthread_storage::ValueInfo,
        rules: &StatusRules,
        day: NaiveDate,
    ) -> ValueRecord {
        ValueRecord {
            indicator_id: indicator.id,
            indicator_code: indicator.code.clone(),
            plan_id: indicator.plan_id,
            period: value.period.to_string(),
            period_end: iso(value.period.last_day()),
            value: value.value,
            text: value.text.clone(),
            note: value.note.clone(),
            target: assess::target(indicator, value.period),
            status: assess::period_rag(indicator, value.period, rules, day)
                .as_str()
                .to_string(),
        }
    }

    /// Its place in the list: by indicator, then period end, then period
    /// (a quarter before the year that ends with it).
    pub fn position_key(period: Period) -> String {
        format!("{} {}", iso(period.last_day()), iso(period.first_day()))
    }
}

/// A progress update an officer reported on an action.
#[derive(Debug, Serialize, ToSchema)]
pub struct UpdateRecord {
    pub action_id: i64,
    pub action_code: Option<String>,
    pub plan_id: i64,
    #[schema(schema_with = day)]
    pub as_at: String,
    #[schema(schema_with = action_status)]
    pub status: String,
    pub commentary: String,
}

/// A risk on a plan's register.
#[derive(Debug, Serialize, ToSchema)]
pub struct RiskRecord {
    pub id: i64,
    pub plan_id: i64,
    pub code: Option<String>,
    pub title: String,
    pub owner: Option<String>,
    pub likelihood: Option<i64>,
    pub impact: Option<i64>,
    /// Likelihood × impact, once both are rated.
    pub score: Option<i64>,
    pub controls: Option<String>,
    pub consequence: Option<String>,
}

impl From<RiskRow> for RiskRecord {
    fn from(risk: RiskRow) -> RiskRecord {
        RiskRecord {
            score: goldthread_domain::risk::rated_score(risk.likelihood, risk.impact),
            id: risk.id,
            plan_id: risk.plan_id,
            code: risk.code,
            title: risk.title,
            owner: risk.owner,
            likelihood: risk.likelihood,
            impact: risk.impact,
            controls: risk.controls,
            consequence: risk.consequence,
        }
    }
}

/// A problem document (RFC 9457), as every error of the API is given.
#[derive(Debug, Serialize, ToSchema)]
pub struct Problem {
    #[serde(rename = "type")]
    #[schema(rename = "type")]
    pub kind: String,
    pub title: String,
    pub status: u16,
    /// What was wrong, in words a person can act on.
    pub detail: String,
}

/// Names a page type for each record, so each has its own schema.
macro_rules! pages {
    ($($page:ident of $record:ty),+ $(,)?) => {$(
        /// A page of records in a fixed order; follow `next_cursor` for
        /// the next.
        #[derive(Debug, Serialize, ToSchema)]
        pub struct $page {
            pub items: Vec<$record>,
            /// Give this as `cursor` for the next page; null on the last.
            pub next_cursor: Option<String>,
        }

        impl From<Page<$record>> for $page {
            fn from(page: Page<$record>) -> $page {
                $page { items: page.items, next_cursor: page.next_cursor }
            }
        }
    )+};
}

pages!(
    PlanPage of PlanRecord,
    ActionPage of ActionRecord,
    IndicatorPage of IndicatorRecord,
    ValuePage of ValueRecord,
    UpdatePage of UpdateRecord,
    RiskPage of RiskRecord,
);
