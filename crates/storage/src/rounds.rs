//! Planning rounds: the performance team opens a round for a financial
//! year, names the services that must have a plan for it and the deadline,
//! and watches each service's plan move through the cycle. A service's
//! plan for the round is its own plan (the service owns it) whose period
//! covers the year; the round keeps no copy of the plans' states.

use crate::error::{Record, StoreError};
use crate::history::{Actor, ChangeContext};
use crate::import::{ensure_named, ensure_organisation};
use crate::write;
use crate::{Store, now_text};
use goldthread_domain::{FinancialYear, PlanStatus, RoundState, in_force};
use serde::Serialize;
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Row};
use std::collections::BTreeSet;

/// A round as listed: its year, deadline and how many services have a
/// plan in place.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RoundSummary {
    pub id: i64,
    /// As people write it: "2019/20".
    pub financial_year: String,
    /// ISO day.
    pub deadline: String,
    pub opened_at: String,
    pub opened_by: String,
    pub services: usize,
    pub in_place: usize,
}

/// One service of a round and its plan for the year.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RoundService {
    pub unit_id: i64,
    pub unit: String,
    pub plan: Option<RoundPlan>,
    pub state: RoundState,
    /// An approved revision covers the year (it may be being amended).
    pub in_place: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RoundPlan {
    pub id: i64,
    pub title: String,
    pub status: PlanStatus,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RoundDetail {
    pub summary: RoundSummary,
    pub services: Vec<RoundService>,
}

/// What an editor asks for when opening a round.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewRound {
    pub financial_year: FinancialYear,
    pub deadline: chrono::NaiveDate,
    /// Existing org units, by id.
    pub units: Vec<i64>,
    /// Services not yet known, by name: created as org units.
    pub new_units: Vec<String>,
}

impl Store {
    /// The organisation's units (services, directorates), by name.
    pub async fn org_units(&self) -> Result<Vec<(i64, String)>, StoreError> {
        sqlx::query("SELECT id, name FROM org_units ORDER BY name")
            .fetch_all(&self.pool)
            .await?
            .iter()
            .map(|r| Ok((r.try_get(0)?, r.try_get(1)?)))
            .collect()
    }

    /// Opens a round; one a financial year. Returns its id.
    pub async fn open_round(&self, round: &NewRound, actor: &Actor) -> Result<i64, StoreError> {
        let mut tx = self.begin_write().await?;
        let conn: &mut AnyConnection = &mut tx;
        let at = now_text();
        let ctx = ChangeContext::edit(actor, &at, None);
        let year = round.financial_year.to_string();
        let organisation = ensure_organisation(conn, ctx).await?;
        let taken: i64 = sqlx::query(
            "SELECT COUNT(*) FROM planning_rounds WHERE organisation_id = $1 AND financial_year = $2",
        )
        .bind(organisation)
        .bind(&year)
        .fetch_one(&mut *conn)
        .await?
        .try_get(0)?;
        if taken > 0 {
            return Err(StoreError::Invalid(format!(
                "a planning round for {year} is open already"
            )));
        }
        let mut units: BTreeSet<i64> = BTreeSet::new();
        for &id in &round.units {
            let known: i64 = sqlx::query("SELECT COUNT(*) FROM org_units WHERE id = $1")
                .bind(id)
                .fetch_one(&mut *conn)
                .await?
                .try_get(0)?;
            if known == 0 {
                return Err(StoreError::Invalid(format!("service {id} is not known")));
            }
            units.insert(id);
        }
        for name in round
            .new_units
            .iter()
            .map(|n| n.trim())
            .filter(|n| !n.is_empty())
        {
            units.insert(ensure_named(conn, ctx, "org_units", "name", organisation, name).await?);
        }
        if units.is_empty() {
            return Err(StoreError::Invalid(
                "choose the services that must submit a plan".into(),
            ));
        }
        let id = write::insert(
            conn,
            ctx,
            "planning_rounds",
            &[
                ("organisation_id", organisation.into()),
                ("financial_year", year.as_str().into()),
                ("deadline", round.deadline.to_string().into()),
                ("opened_at", at.as_str().into()),
                ("opened_by", actor.name.as_str().into()),
            ],
        )
        .await?;
        for unit in units {
            write::insert(
                conn,
                ctx,
                "round_services",
                &[("round_id", id.into()), ("org_unit_id", unit.into())],
            )
            .await?;
        }
        self.commit_write(tx).await?;
        Ok(id)
    }

    /// Every round, the newest year first.
    pub async fn rounds(&self) -> Result<Vec<RoundSummary>, StoreError> {
        let ids: Vec<i64> =
            sqlx::query("SELECT id FROM planning_rounds ORDER BY financial_year DESC, id DESC")
                .fetch_all(&self.pool)
                .await?
                .iter()
                .map(|r| r.try_get(0))
                .collect::<Result<_, _>>()?;
        let mut rounds = Vec::with_capacity(ids.len());
        for id in ids {
            rounds.push(self.round(id).await?.summary);
        }
        Ok(rounds)
    }

    /// A round with each service's plan for its year.
    pub async fn round(&self, id: i64) -> Result<RoundDetail, StoreError> {
        let mut conn = self.pool.acquire().await?;
        let row = sqlx::query("SELECT * FROM planning_rounds WHERE id = $1")
            .bind(id)
            .fetch_optional(&mut *conn)
            .await?
            .ok_or(StoreError::NotFound {
                entity: "planning_rounds",
                id,
            })?;
        let record = Record::new("planning_rounds", id);
        let year_text: String = row.try_get("financial_year")?;
        let financial_year = record
            .read("financial_year", &year_text, "a financial year", |t| {
                t.parse::<FinancialYear>().ok()
            })?
            .to_string();
        let units = sqlx::query(
            "SELECT u.id, u.name FROM round_services s JOIN org_units u ON u.id = s.org_unit_id \
             WHERE s.round_id = $1 ORDER BY u.name",
        )
        .bind(id)
        .fetch_all(&mut *conn)
        .await?;
        // Every service's candidate plans in one query, not one a service.
        // Financial years as text ("2019/20") sort as the years do.
        let candidates = sqlx::query(
            "SELECT p.owner_unit_id, p.id, p.title, p.status, p.approved_revision \
             FROM round_services s JOIN plans p ON p.owner_unit_id = s.org_unit_id \
             WHERE s.round_id = $1 AND p.kind NOT IN ('corporate', 'performance') \
             AND p.status <> 'archived' AND p.period_from <= $2 AND $2 <= p.period_to \
             ORDER BY p.id",
        )
        .bind(id)
        .bind(&year_text)
        .fetch_all(&mut *conn)
        .await?;
        let mut services = Vec::with_capacity(units.len());
        for unit in units {
            let unit_id: i64 = unit.try_get(0)?;
            let own = candidates
                .iter()
                .filter(|c| c.try_get::<i64, _>(0).is_ok_and(|owner| owner == unit_id));
            services.push(service_plan(own, unit_id, unit.try_get(1)?)?);
        }
        let summary = RoundSummary {
            id,
            financial_year,
            deadline: row.try_get("deadline")?,
            opened_at: row.try_get("opened_at")?,
            opened_by: row.try_get("opened_by")?,
            services: services.len(),
            in_place: services.iter().filter(|s| s.in_place).count(),
        };
        Ok(RoundDetail { summary, services })
    }
}

/// A service's plan for a year, from its own plans (not corporate ones
/// nor performance returns) whose period covers the year: the furthest on
/// in the cycle if it has several; archived plans are no plan for the year.
fn service_plan<'r>(
    rows: impl Iterator<Item = &'r AnyRow>,
    unit_id: i64,
    unit: String,
) -> Result<RoundService, StoreError> {
    let mut best: Option<(RoundPlan, bool)> = None;
    for row in rows {
        let id: i64 = row.try_get("id")?;
        let status_text: String = row.try_get("status")?;
        let status = Record::new("plans", id).read(
            "status",
            &status_text,
            "a plan status",
            PlanStatus::parse,
        )?;
        let approved: Option<i64> = row.try_get("approved_revision")?;
        let candidate = (
            RoundPlan {
                id,
                title: row.try_get("title")?,
                status,
            },
            in_force(status, approved),
        );
        let rank =
            |(plan, in_place): &(RoundPlan, bool)| (*in_place, RoundState::of(Some(plan.status)));
        if best.as_ref().is_none_or(|b| rank(&candidate) >= rank(b)) {
            best = Some(candidate);
        }
    }
    let in_place = best.as_ref().is_some_and(|(_, in_place)| *in_place);
    let plan = best.map(|(plan, _)| plan);
    Ok(RoundService {
        unit_id,
        unit,
        state: RoundState::of(plan.as_ref().map(|p| p.status)),
        plan,
        in_place,
    })
}
