//! Whole records for the detail pages: an action with everything hanging
//! from it, an indicator with its targets and values, the risk register,
//! and search.

use crate::Store;
use crate::action_links::ActionLinksShown;
use crate::error::{Record, StoreError};
use chrono::NaiveDate;
use goldthread_domain::{ActionStatus, Review};
use sqlx::Row;
use sqlx::any::AnyRow;

#[derive(Debug, Clone)]
pub struct ActionDetail {
    pub id: i64,
    pub plan_id: i64,
    pub plan_title: String,
    pub version: i64,
    pub code: Option<String>,
    pub title: String,
    /// (label, value) pairs of the structured fields that are present.
    pub fields: Vec<(&'static str, String)>,
    pub due_text: Option<String>,
    pub due_earliest: Option<String>,
    pub due_latest: Option<String>,
    pub officers: Vec<String>,
    pub source_file: Option<String>,
    pub source_line: Option<i64>,
    pub source_sheet: Option<String>,
    pub milestones: Vec<MilestoneRow>,
    pub updates: Vec<UpdateRow>,
    pub revisions: Vec<RevisionRow>,
    pub indicators: Vec<(i64, Option<String>, String)>,
    pub risks: Vec<(i64, String)>,
    pub nodes: Vec<(i64, String, String)>,
    /// Actions it follows on from and that follow it, other services it
    /// affects, partnership agendas it serves.
    pub links: ActionLinksShown,
}

#[derive(Debug, Clone)]
pub struct MilestoneRow {
    pub title: String,
    pub due_text: Option<String>,
    pub due_latest: Option<String>,
    pub completed: Option<NaiveDate>,
}

#[derive(Debug, Clone)]
pub struct UpdateRow {
    pub as_at: NaiveDate,
    pub status: ActionStatus,
    pub percent_complete: Option<i64>,
    pub commentary: String,
    pub author: Option<String>,
    pub recorded_at: String,
    pub review: Review,
    pub review_comment: Option<String>,
}

#[derive(Debug, Clone)]
pub struct RevisionRow {
    pub from_text: String,
    pub to_text: String,
    pub to_latest: Option<String>,
    pub reason: Option<String>,
    pub reported: Option<NaiveDate>,
}

#[derive(Debug, Clone)]
pub struct IndicatorDetail {
    pub id: i64,
    pub plan_id: i64,
    pub plan_title: String,
    pub version: i64,
    pub code: Option<String>,
    pub title: String,
    pub description: Option<String>,
    pub unit: String,
    pub polarity: String,
    pub frequency: Option<String>,
    pub aggregation: String,
    pub baseline_text: Option<String>,
    pub baseline_when: Option<String>,
    pub tolerance: Option<f64>,
    pub owner: Option<String>,
    pub source_file: Option<String>,
    pub source_line: Option<i64>,
    pub values: Vec<MeasurementRow>,
    pub targets: Vec<(String, String, Option<f64>)>,
    pub actions: Vec<(i64, Option<String>, String)>,
    /// Thread nodes it measures: id, label, title.
    pub nodes: Vec<(i64, String, String)>,
}

#[derive(Debug, Clone)]
pub struct MeasurementRow {
    pub period: String,
    pub value: Option<f64>,
    pub text: Option<String>,
    pub note: Option<String>,
    pub recorded_by: Option<String>,
    pub recorded_at: String,
    pub version: i64,
    pub review: Review,
    pub review_comment: Option<String>,
}

#[derive(Debug, Clone)]
pub struct RiskRow {
    pub id: i64,
    pub plan_id: i64,
    pub plan_title: String,
    pub code: Option<String>,
    pub title: String,
    pub owner: Option<String>,
    pub likelihood: Option<i64>,
    pub impact: Option<i64>,
    pub controls: Option<String>,
    pub consequence: Option<String>,
}

#[derive(Debug, Clone)]
pub struct SearchHit {
    pub kind: &'static str,
    pub id: i64,
    pub code: Option<String>,
    pub title: String,
    /// Why it matched: the officer or the commentary excerpt.
    pub context: Option<String>,
}

const ACTION_FIELDS: &[(&str, &str)] = &[
    ("description", "Description"),
    ("measures", "Measures and milestones"),
    ("target", "Target"),
    ("outcome", "Outcome"),
    ("critical_success_factors", "Critical success factors"),
    ("environmental_impacts", "Environmental impacts"),
    ("outputs", "Outputs"),
    ("risks", "Risks"),
    ("resources", "Additional resources"),
    ("other_services", "Other services affected"),
    ("partnership_links", "Links to partnership agendas"),
    ("service_role", "Role of the service"),
    ("service_ref", "Service reference"),
    ("priority_link", "Council priority"),
    ("monitoring_bodies", "Additional performance monitoring"),
];

fn text_fields(row: &AnyRow) -> Result<Vec<(&'static str, String)>, StoreError> {
    let mut fields = Vec::new();
    for (column, label) in ACTION_FIELDS {
        if let Some(value) = row.try_get::<Option<String>, _>(*column)?
            && !value.trim().is_empty()
        {
            fields.push((*label, value));
        }
    }
    Ok(fields)
}

impl Store {
    /// Runs a query with one id parameter and reads every row with `read`.
    async fn rows<T>(
        &self,
        sql: &'static str,
        id: i64,
        read: impl Fn(&AnyRow) -> Result<T, StoreError>,
    ) -> Result<Vec<T>, StoreError> {
        let rows = sqlx::query(sql).bind(id).fetch_all(&self.pool).await?;
        rows.iter().map(read).collect()
    }

    pub async fn action_detail(&self, id: i64) -> Result<ActionDetail, StoreError> {
        let row = sqlx::query(
            "SELECT a.*, p.title AS plan_title, s.file_name FROM actions a JOIN plans p ON p.id = a.plan_id \
             LEFT JOIN source_documents s ON s.id = p.source_document_id WHERE a.id = $1",
        )
        .bind(id)
        .fetch_optional(&self.pool)
        .await?
        .ok_or(StoreError::NotFound { entity: "actions", id })?;
        let officers = self.rows("SELECT p.title FROM action_officers ao JOIN posts p ON p.id = ao.post_id WHERE ao.action_id = $1 ORDER BY ao.position", id, |r| Ok(r.try_get(0)?)).await?;
        let milestones = self.rows("SELECT title, due_text, due_latest, completed, id FROM milestones WHERE action_id = $1 ORDER BY position", id, |r| {
            let completed: Option<String> = r.try_get(3)?;
            Ok(MilestoneRow {
                title: r.try_get(0)?,
                due_text: r.try_get(1)?,
                due_latest: r.try_get(2)?,
                completed: Record::new("milestones", r.try_get(4)?).optional_date("completed", completed.as_deref())?,
            })
        }).await?;
        let updates = self.rows("SELECT as_at, status, percent_complete, commentary, author, recorded_at, review, review_comment, id FROM progress_updates WHERE action_id = $1 ORDER BY as_at DESC, id DESC", id, |r| {
            let at = Record::new("progress_updates", r.try_get(8)?);
            let as_at: String = r.try_get(0)?;
            let status: String = r.try_get(1)?;
            let review: String = r.try_get(6)?;
            Ok(UpdateRow {
                as_at: at.date("as_at", &as_at)?,
                status: at.read("status", &status, "an action status", ActionStatus::parse)?,
                percent_complete: r.try_get(2)?,
                commentary: r.try_get(3)?,
                author: r.try_get(4)?,
                recorded_at: r.try_get(5)?,
                review: at.read("review", &review, "a review state", Review::parse)?,
                review_comment: r.try_get(7)?,
            })
        }).await?;
        let revisions = self.rows("SELECT from_text, to_text, to_latest, reason, reported, id FROM due_revisions WHERE action_id = $1 ORDER BY position", id, |r| {
            let reported: Option<String> = r.try_get(4)?;
            Ok(RevisionRow {
                from_text: r.try_get(0)?,
                to_text: r.try_get(1)?,
                to_latest: r.try_get(2)?,
                reason: r.try_get(3)?,
                reported: Record::new("due_revisions", r.try_get(5)?).optional_date("reported", reported.as_deref())?,
            })
        }).await?;
        let indicators = self.rows("SELECT i.id, i.code, i.title FROM indicator_links l JOIN indicators i ON i.id = l.indicator_id WHERE l.action_id = $1 ORDER BY i.id", id, |r| Ok((r.try_get(0)?, r.try_get(1)?, r.try_get(2)?))).await?;
        let risks = self.rows("SELECT r.id, r.title FROM risk_links l JOIN risks r ON r.id = l.risk_id WHERE l.action_id = $1 ORDER BY r.id", id, |r| Ok((r.try_get(0)?, r.try_get(1)?))).await?;
        let nodes = self.rows("SELECT n.id, n.label, n.title FROM action_nodes l JOIN nodes n ON n.id = l.node_id WHERE l.action_id = $1 ORDER BY n.position", id, |r| Ok((r.try_get(0)?, r.try_get(1)?, r.try_get(2)?))).await?;
        Ok(ActionDetail {
            id,
            plan_id: row.try_get("plan_id")?,
            plan_title: row.try_get("plan_title")?,
            version: row.try_get("version")?,
            code: row.try_get("code")?,
            title: row.try_get("title")?,
            fields: text_fields(&row)?,
            due_text: row.try_get("due_text")?,
            due_earliest: row.try_get("due_earliest")?,
            due_latest: row.try_get("due_latest")?,
            officers,
            source_file: row.try_get("file_name")?,
            source_line: row.try_get("source_line")?,
            source_sheet: row.try_get("source_sheet")?,
            milestones,
            updates,
            revisions,
            indicators,
            risks,
            nodes,
            links: self.action_links_shown(id).await?,
        })
    }

    pub async fn indicator_detail(&self, id: i64) -> Result<IndicatorDetail, StoreError> {
        let row = sqlx::query(
            "SELECT i.*, p.title AS plan_title, s.file_name FROM indicators i JOIN plans p ON p.id = i.plan_id \
             LEFT JOIN source_documents s ON s.id = p.source_document_id WHERE i.id = $1",
        )
        .bind(id)
        .fetch_optional(&self.pool)
        .await?
        .ok_or(StoreError::NotFound { entity: "indicators", id })?;
        let values = self.rows("SELECT period, value, text, note, recorded_by, recorded_at, version, review, review_comment, id FROM measurements WHERE indicator_id = $1 ORDER BY period_end", id, |r| {
                let at = Record::new("measurements", r.try_get(9)?);
                let review: String = r.try_get(7)?;
                Ok(MeasurementRow {
                    period: r.try_get(0)?,
                    value: r.try_get(1)?,
                    text: r.try_get(2)?,
                    note: r.try_get(3)?,
                    recorded_by: r.try_get(4)?,
                    recorded_at: r.try_get(5)?,
                    version: r.try_get(6)?,
                    review: at.read("review", &review, "a review state", Review::parse)?,
                    review_comment: r.try_get(8)?,
                })
            }).await?;
        let targets = self
            .rows(
                "SELECT period, text, value FROM targets WHERE indicator_id = $1 ORDER BY period",
                id,
                |r| Ok((r.try_get(0)?, r.try_get(1)?, r.try_get(2)?)),
            )
            .await?;
        let actions = self.rows("SELECT a.id, a.code, a.title FROM indicator_links l JOIN actions a ON a.id = l.action_id WHERE l.indicator_id = $1 ORDER BY a.position", id, |r| Ok((r.try_get(0)?, r.try_get(1)?, r.try_get(2)?))).await?;
        let nodes = self.rows("SELECT n.id, n.label, n.title FROM indicator_links l JOIN nodes n ON n.id = l.node_id WHERE l.indicator_id = $1 ORDER BY n.position, n.id", id, |r| Ok((r.try_get(0)?, r.try_get(1)?, r.try_get(2)?))).await?;
        Ok(IndicatorDetail {
            id,
            plan_id: row.try_get("plan_id")?,
            plan_title: row.try_get("plan_title")?,
            version: row.try_get("version")?,
            code: row.try_get("code")?,
            title: row.try_get("title")?,
            description: row.try_get("description")?,
            unit: row.try_get("unit")?,
            polarity: row.try_get("polarity")?,
            frequency: row.try_get("frequency")?,
            aggregation: row.try_get("aggregation")?,
            baseline_text: row.try_get("baseline_text")?,
            baseline_when: row.try_get("baseline_when")?,
            tolerance: row.try_get("tolerance")?,
            owner: row.try_get("owner")?,
            source_file: row.try_get("file_name")?,
            source_line: row.try_get("source_line")?,
            values,
            targets,
            actions,
            nodes,
        })
    }

    pub async fn risk_register(&self) -> Result<Vec<RiskRow>, StoreError> {
        sqlx::query(
            "SELECT r.id, r.plan_id, p.title, r.code, r.title, r.owner, r.likelihood, r.impact, r.controls, r.consequence \
             FROM risks r JOIN plans p ON p.id = r.plan_id ORDER BY r.plan_id, r.position",
        )
        .fetch_all(&self.pool)
        .await?
        .iter()
        .map(|r| {
            Ok(RiskRow {
                id: r.try_get(0)?,
                plan_id: r.try_get(1)?,
                plan_title: r.try_get(2)?,
                code: r.try_get(3)?,
                title: r.try_get(4)?,
                owner: r.try_get(5)?,
                likelihood: r.try_get(6)?,
                impact: r.try_get(7)?,
                controls: r.try_get(8)?,
                consequence: r.try_get(9)?,
            })
        })
        .collect::<Result<Vec<_>, StoreError>>()
        .map(|mut rows| {
            // Highest score first, by the domain's rule; unrated last.
            rows.sort_by_key(|r| {
                std::cmp::Reverse(
                    r.likelihood
                        .zip(r.impact)
                        .and_then(|(l, i)| goldthread_domain::risk::score(l, i))
                        .unwrap_or(0),
                )
            });
            rows
        })
    }

    /// Case-insensitive search across action and indicator codes and
    /// titles, lead officers and progress commentary; at most `limit` hits
    /// of each kind.
    pub async fn search(&self, query: &str, limit: i64) -> Result<Vec<SearchHit>, StoreError> {
        let pattern = format!(
            "%{}%",
            query
                .to_lowercase()
                .replace('\\', "\\\\")
                .replace('%', "\\%")
                .replace('_', "\\_")
        );
        let mut hits = Vec::new();
        let actions = sqlx::query(
            "SELECT a.id, a.code, a.title, \
               (SELECT p.title FROM action_officers ao JOIN posts p ON p.id = ao.post_id WHERE ao.action_id = a.id AND LOWER(p.title) LIKE $1 ESCAPE '\\' LIMIT 1), \
               (SELECT u.commentary FROM progress_updates u WHERE u.action_id = a.id AND LOWER(u.commentary) LIKE $1 ESCAPE '\\' ORDER BY u.as_at DESC LIMIT 1) \
             FROM actions a WHERE LOWER(COALESCE(a.code, '')) LIKE $1 ESCAPE '\\' OR LOWER(a.title) LIKE $1 ESCAPE '\\' \
               OR EXISTS (SELECT 1 FROM action_officers ao JOIN posts p ON p.id = ao.post_id WHERE ao.action_id = a.id AND LOWER(p.title) LIKE $1 ESCAPE '\\') \
               OR EXISTS (SELECT 1 FROM progress_updates u WHERE u.action_id = a.id AND LOWER(u.commentary) LIKE $1 ESCAPE '\\') \
             ORDER BY a.plan_id, a.position LIMIT $2",
        )
        .bind(&pattern)
        .bind(limit)
        .fetch_all(&self.pool)
        .await?;
        for r in actions {
            let officer: Option<String> = r.try_get(3)?;
            let commentary: Option<String> = r.try_get(4)?;
            hits.push(SearchHit {
                kind: "action",
                id: r.try_get(0)?,
                code: r.try_get(1)?,
                title: r.try_get(2)?,
                context: officer.map(|o| format!("Lead officer: {o}")).or(commentary),
            });
        }
        let indicators = sqlx::query(
            "SELECT id, code, title FROM indicators WHERE LOWER(COALESCE(code, '')) LIKE $1 ESCAPE '\\' OR LOWER(title) LIKE $1 ESCAPE '\\' ORDER BY plan_id, position LIMIT $2",
        )
        .bind(&pattern)
        .bind(limit)
        .fetch_all(&self.pool)
        .await?;
        for r in indicators {
            hits.push(SearchHit {
                kind: "indicator",
                id: r.try_get(0)?,
                code: r.try_get(1)?,
                title: r.try_get(2)?,
                context: None,
            });
        }
        Ok(hits)
    }
}
