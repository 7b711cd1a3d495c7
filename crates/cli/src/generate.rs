//! `goldthread generate`: a deterministic, realistic large council.
//!
//! Builds one [`PlanDocument`] in memory — a corporate plan (4–6 priorities,
//! their outcomes) and a service plan per service (objectives under the
//! corporate priorities they serve, actions, milestones, quarterly progress,
//! indicators with targets and monthly or quarterly values, risks) — and
//! stores it through the importer's path, all in one transaction. A few
//! indicator values are then corrected through the ordinary edit path, so
//! some values carry a revision in their history.
//!
//! Determinism: everything comes from a SplitMix64 generator seeded by
//! `--seed` and from "today". The council always covers the `--years`
//! financial years ending with the current one, so its dashboards look live;
//! the same seed on the same day gives the same database.

use anyhow::Context;
use chrono::{Datelike, NaiveDate, TimeZone, Utc};
use clap::Args;
use goldthread_domain::{
    Action, ActionDetails, ActionStatus, Aggregation, Baseline, DateContext, DueRevision,
    FinancialYear, Frequency, FuzzyDate, Indicator, IndicatorCode, LeadOfficer, Measurement,
    Milestone, NodeLevel, Period, PlanDocument, PlanDraft, PlanKind, PlanPeriod, PlanStatus,
    Polarity, ProgressUpdate, Quarter, Risk, Target, ThreadNode, Unit,
};
use goldthread_storage::{ImportStatus, NewMeasurement, SourceMeta};
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::process::ExitCode;
use std::time::Instant;

#[derive(Args)]
pub struct GenerateArgs {
    #[command(flatten)]
    pub database: crate::DatabaseArgs,
    /// Services, each with its own service plan.
    #[arg(long, default_value_t = 20, value_parser = clap::value_parser!(u32).range(1..=150))]
    pub services: u32,
    /// Actions, spread across the services.
    #[arg(long, default_value_t = 3000, value_parser = clap::value_parser!(u32).range(0..=1_000_000))]
    pub actions: u32,
    /// Performance indicators, spread across the services.
    #[arg(long, default_value_t = 400, value_parser = clap::value_parser!(u32).range(0..=100_000))]
    pub indicators: u32,
    /// Financial years of history, ending with the current one.
    #[arg(long, default_value_t = 10, value_parser = clap::value_parser!(u32).range(1..=50))]
    pub years: u32,
    /// Seed of the random generator: the same seed gives the same council.
    #[arg(long, default_value_t = 42)]
    pub seed: u64,
}

pub async fn run(args: GenerateArgs) -> anyhow::Result<ExitCode> {
    let started = Instant::now();
    let spec = Spec {
        services: args.services as usize,
        actions: args.actions as usize,
        indicators: args.indicators as usize,
        years: args.years,
        seed: args.seed,
        today: Utc::now().date_naive(),
    };
    let council = council(&spec);
    let built = started.elapsed();

    let store = args.database.open().await?;
    let existing = store.list_plans().await?.len();
    if existing > 0 {
        anyhow::bail!(
            "the database already has {existing} plan(s); generate fills an empty database \
             (give a new --data-dir or --database-url)"
        );
    }
    let store_started = Instant::now();
    let source = SourceMeta {
        file_name: format!("generated council (seed {})", spec.seed),
        format: "generated".into(),
        sha256: spec.fingerprint(),
        size_bytes: 0,
    };
    let outcome = store
        .import_document(
            &source,
            &council.document,
            &goldthread_storage::Actor::process("generator"),
            Default::default(),
        )
        .await
        .context("storing the generated council")?;
    if outcome.status == ImportStatus::Refused {
        anyhow::bail!(
            "the generated council was refused: {}",
            outcome.reason.unwrap_or_default()
        );
    }
    let stored = store_started.elapsed();

    // Corrections go through the edit path so they are versioned edits in
    // the history, as when an officer revises a figure.
    let revise_started = Instant::now();
    let data = store.load_monitoring_data().await?;
    let ids: HashMap<(i64, &str), i64> = data
        .indicators
        .iter()
        .filter_map(|i| Some(((i.plan_id, i.code.as_deref()?), i.id)))
        .collect();
    for revision in &council.revisions {
        let plan_id = outcome.plan_ids[revision.plan];
        let Some(&indicator_id) = ids.get(&(plan_id, revision.code.as_str())) else {
            anyhow::bail!("generated indicator {} was not stored", revision.code);
        };
        store
            .record_measurement(
                indicator_id,
                &NewMeasurement {
                    period: revision.period,
                    value: Some(revision.value),
                    text: None,
                    note: Some(revision.note.clone()),
                },
                Some(1),
                &goldthread_storage::Actor::process(&revision.actor),
                goldthread_domain::Review::Approved,
            )
            .await
            .with_context(|| format!("revising {} {}", revision.code, revision.period))?;
    }
    let revised = revise_started.elapsed();
    store.close().await;

    let c = council.counts();
    println!(
        "generated {} plans, {} actions, {} milestones, {} progress updates, {} due-date revisions, \
         {} indicators, {} values ({} revised), {} risks (seed {}, {} to {}) in {:.1}s: \
         built {:.1}s, stored {:.1}s, revisions {:.1}s",
        c.plans,
        c.actions,
        c.milestones,
        c.updates,
        c.due_revisions,
        c.indicators,
        c.measurements,
        council.revisions.len(),
        c.risks,
        spec.seed,
        spec.first_year(),
        spec.current_year(),
        started.elapsed().as_secs_f64(),
        built.as_secs_f64(),
        stored.as_secs_f64(),
        revised.as_secs_f64(),
    );
    Ok(ExitCode::SUCCESS)
}

/// What to generate. `today` fixes the window of years and what is past.
#[derive(Debug, Clone)]
pub struct Spec {
    pub services: usize,
    pub actions: usize,
    pub indicators: usize,
    pub years: u32,
    pub seed: u64,
    pub today: NaiveDate,
}

impl Spec {
    fn current_year(&self) -> FinancialYear {
        FinancialYear::containing(self.today)
    }

    fn first_year(&self) -> FinancialYear {
        fy(self.current_year().start_year() - (self.years as i32 - 1))
    }

    /// Stands in for the file hash: the same spec is the same "document".
    fn fingerprint(&self) -> String {
        let text = format!(
            "goldthread generate v1 services={} actions={} indicators={} years={} seed={} today={}",
            self.services, self.actions, self.indicators, self.years, self.seed, self.today
        );
        format!("{:x}", Sha256::digest(text.as_bytes()))
    }
}

/// The council, and the value corrections to make after storing it.
#[derive(Debug, Clone)]
pub struct Council {
    pub document: PlanDocument,
    pub revisions: Vec<ValueRevision>,
}

/// A corrected indicator value, applied as an edit after the import.
#[derive(Debug, Clone, PartialEq)]
pub struct ValueRevision {
    /// Index of the plan in the document.
    pub plan: usize,
    pub code: String,
    pub period: Period,
    pub value: f64,
    pub note: String,
    pub actor: String,
}

#[derive(Debug, Default, PartialEq)]
pub struct Counts {
    pub plans: usize,
    pub actions: usize,
    pub milestones: usize,
    pub updates: usize,
    pub due_revisions: usize,
    pub indicators: usize,
    pub measurements: usize,
    pub risks: usize,
}

impl Council {
    pub fn counts(&self) -> Counts {
        let mut c = Counts {
            plans: self.document.plans.len(),
            ..Counts::default()
        };
        for plan in &self.document.plans {
            c.actions += plan.actions.len();
            c.indicators += plan.indicators.len();
            c.risks += plan.risks.len();
            for a in &plan.actions {
                c.milestones += a.milestones.len();
                c.updates += a.updates.len();
                c.due_revisions += a.revisions.len();
            }
            for i in &plan.indicators {
                c.measurements += i.measurements.len();
            }
        }
        c
    }
}

/// SplitMix64: small, fast, and the same sequence on every platform.
struct Rng(u64);

impl Rng {
    fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `0..n` (0 when n is 0).
    fn below(&mut self, n: usize) -> usize {
        ((u128::from(self.next_u64()) * n as u128) >> 64) as usize
    }

    /// Uniform in `lo..=hi`.
    fn between(&mut self, lo: i64, hi: i64) -> i64 {
        lo + self.below((hi - lo + 1) as usize) as i64
    }

    /// Uniform in [0, 1).
    fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    fn chance(&mut self, p: f64) -> bool {
        self.unit() < p
    }

    /// Roughly standard normal (Irwin–Hall of four uniforms): plain
    /// arithmetic, so identical everywhere.
    fn normal(&mut self) -> f64 {
        let sum: f64 = (0..4).map(|_| self.unit()).sum();
        (sum - 2.0) * 1.732_050_807_568_877_2
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }

    fn word(&mut self, words: &[&'static str]) -> &'static str {
        words[self.below(words.len())]
    }

    /// A child generator, so one part's draws do not shift another's.
    fn fork(&mut self) -> Rng {
        Rng(self.next_u64())
    }
}

#[allow(
    clippy::panic,
    reason = "the generator's years run from 2017 for at most the --years it is given, far inside the range a financial year can hold"
)]
fn fy(start: i32) -> FinancialYear {
    FinancialYear::starting(start).unwrap_or_else(|| panic!("financial year {start} out of range"))
}

const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

fn month_name(date: NaiveDate) -> &'static str {
    MONTHS[date.month0() as usize]
}

struct Priority {
    title: &'static str,
    strapline: &'static str,
    tag: &'static str,
    outcomes: &'static [&'static str],
}

const PRIORITIES: &[Priority] = &[
    Priority {
        title: "Improve the health and wellbeing of our communities",
        strapline: "Healthy, active and independent lives",
        tag: "PEOPLE",
        outcomes: &[
            "Residents live longer, healthier lives",
            "Fewer households become homeless",
            "Older people live independently for longer",
            "Health inequalities between our towns narrow",
        ],
    },
    Priority {
        title: "Enhance the quality of the district's environment",
        strapline: "A clean, green and attractive place",
        tag: "PLACE",
        outcomes: &[
            "Streets and open spaces are clean and safe",
            "More household waste is reused and recycled",
            "Air quality improves in our town centres",
        ],
    },
    Priority {
        title: "Support a vibrant and growing local economy",
        strapline: "Prosperity for everyone",
        tag: "PROSPERITY",
        outcomes: &[
            "More residents are in good, local jobs",
            "Town centres thrive",
            "Businesses start and grow here",
        ],
    },
    Priority {
        title: "Deliver homes people can afford",
        strapline: "The right homes in the right places",
        tag: "HOMES",
        outcomes: &[
            "More affordable homes are built",
            "Private rented homes are safe and well managed",
            "Empty homes are brought back into use",
        ],
    },
    Priority {
        title: "Keep our communities safe and connected",
        strapline: "Strong, safe communities",
        tag: "COMMUNITIES",
        outcomes: &[
            "Anti-social behaviour falls",
            "Residents feel they belong",
            "Rural communities can reach the services they need",
        ],
    },
    Priority {
        title: "Be an efficient, modern and customer-focused council",
        strapline: "Value for money and easy to deal with",
        tag: "COUNCIL",
        outcomes: &[
            "Services are easy to use online",
            "The council's finances are sustainable",
            "Staff are skilled and engaged",
            "Decisions are open and transparent",
        ],
    },
    Priority {
        title: "Tackle the climate emergency",
        strapline: "Carbon neutral by 2030",
        tag: "CLIMATE",
        outcomes: &[
            "The council's own emissions fall every year",
            "Homes are warmer and greener",
            "Sustainable travel is the easy choice",
        ],
    },
    Priority {
        title: "Give children and young people the best start",
        strapline: "Ambition for every child",
        tag: "YOUTH",
        outcomes: &[
            "Young people have places to go and things to do",
            "Children are safe and supported",
            "Young people gain the skills local employers need",
        ],
    },
];

const SERVICES: &[(&str, &str, [&str; 3])] = &[
    (
        "Housing and Health",
        "HH",
        [
            "Environmental Health",
            "Housing Options",
            "Private Sector Housing",
        ],
    ),
    (
        "Environmental Services",
        "ES",
        [
            "Waste and Recycling",
            "Street Cleansing",
            "Grounds Maintenance",
        ],
    ),
    (
        "Planning and Building Control",
        "PB",
        [
            "Development Management",
            "Planning Policy",
            "Building Control",
        ],
    ),
    (
        "Revenues and Benefits",
        "RB",
        ["Council Tax", "Business Rates", "Housing Benefit"],
    ),
    (
        "Finance",
        "FI",
        ["Accountancy", "Treasury Management", "Payroll"],
    ),
    (
        "Human Resources and Organisational Development",
        "HR",
        [
            "Recruitment",
            "Learning and Development",
            "Health and Safety",
        ],
    ),
    (
        "Legal and Democratic Services",
        "LD",
        [
            "Legal Services",
            "Democratic Services",
            "Electoral Services",
        ],
    ),
    (
        "Communications, Strategy and Policy",
        "CS",
        ["Communications", "Policy and Performance", "Consultation"],
    ),
    (
        "Customer Services",
        "CU",
        ["Contact Centre", "Customer Experience", "Complaints"],
    ),
    (
        "ICT",
        "IT",
        ["Infrastructure", "Applications", "Information Governance"],
    ),
    (
        "Leisure and Culture",
        "LC",
        ["Leisure Centres", "Arts and Theatres", "Sports Development"],
    ),
    (
        "Economic Development",
        "ED",
        ["Business Support", "Town Centres", "Skills and Employment"],
    ),
    (
        "Parking and Transport",
        "PT",
        ["Parking Enforcement", "Car Parks", "Sustainable Transport"],
    ),
    (
        "Property and Estates",
        "PE",
        ["Asset Management", "Facilities", "Capital Projects"],
    ),
    (
        "Community Safety",
        "CY",
        ["Anti-social Behaviour", "CCTV", "Community Partnerships"],
    ),
    (
        "Licensing and Enforcement",
        "LE",
        ["Licensing", "Enforcement", "Food Safety"],
    ),
    (
        "Regeneration",
        "RG",
        [
            "Housing Delivery",
            "Town Regeneration",
            "Infrastructure Funding",
        ],
    ),
    (
        "Parks and Open Spaces",
        "PO",
        ["Parks", "Countryside", "Allotments"],
    ),
    (
        "Audit and Risk",
        "AR",
        ["Internal Audit", "Risk Management", "Counter Fraud"],
    ),
    (
        "Procurement",
        "PR",
        ["Contracts", "Commissioning", "Supplier Management"],
    ),
    (
        "Climate and Sustainability",
        "CL",
        ["Carbon Reduction", "Energy", "Biodiversity"],
    ),
    (
        "Children and Young People",
        "YP",
        ["Youth Services", "Early Help", "Safeguarding"],
    ),
    (
        "Libraries and Information",
        "LB",
        ["Libraries", "Archives", "Digital Inclusion"],
    ),
    (
        "Emergency Planning",
        "EP",
        ["Business Continuity", "Resilience", "Flood Response"],
    ),
    (
        "Business Support",
        "BS",
        ["Administration", "Print and Post", "Records Management"],
    ),
];

/// Areas a service is split into when there are more services than names.
const REGIONS: [(&str, &str); 5] = [
    ("North", "N"),
    ("South", "S"),
    ("East", "E"),
    ("West", "W"),
    ("Central", "C"),
];

const OBJECTIVES: &[&str] = &[
    "Improve the {area} service for residents",
    "Make {area} more efficient",
    "Meet our statutory duties for {area}",
    "Work with partners to deliver {area} priorities",
    "Modernise {area} through digital services",
    "Raise standards in {area}",
    "Make {area} financially sustainable",
];

const VERBS: &[&str] = &[
    "Review",
    "Implement",
    "Deliver",
    "Develop",
    "Procure",
    "Introduce",
    "Complete",
    "Consult on",
    "Adopt",
    "Roll out",
    "Refresh",
    "Launch",
    "Evaluate",
    "Extend",
    "Modernise",
    "Publish",
];

const OBJECTS: &[&str] = &[
    "the {area} strategy",
    "a new {area} policy",
    "the {area} action plan",
    "online self-service for {area}",
    "the {area} restructure",
    "a shared {area} service with neighbouring councils",
    "the {area} case management system",
    "the {area} fees and charges",
    "the {area} contract",
    "a customer satisfaction survey for {area}",
    "the {area} business case",
    "a {area} partnership agreement",
    "the {area} enforcement policy",
    "mobile working for {area} officers",
    "the {area} service standards",
    "performance dashboards for {area}",
    "the {area} improvement programme",
    "the {area} savings plan",
    "an equality impact assessment of {area}",
];

const QUALIFIERS: &[&str] = &[
    "across the district",
    "with partners",
    "in line with new legislation",
    "to improve customer satisfaction",
    "to reduce costs",
    "following consultation",
    "for vulnerable residents",
    "in Eastmere town centre",
    "in the rural parishes",
    "with the voluntary sector",
];

const DESCRIPTIONS: &[&str] = &[
    "Builds on last year's review and responds to feedback from residents and members.",
    "Required to meet new statutory guidance and to keep the service compliant.",
    "Part of the council's transformation programme; savings are included in the medium-term financial plan.",
    "Delivered jointly with partner organisations through the district partnership.",
    "Responds to the peer challenge recommendations.",
    "Will be reported to the Executive and scrutinised by the Overview and Scrutiny Committee.",
];

const OUTPUTS: &[&str] = &[
    "Report to the Executive",
    "Strategy adopted by Council",
    "New contract in place",
    "Policy published on the website",
    "New system live",
    "Savings delivered",
    "Action plan agreed with partners",
];

const ROLES: &[&str] = &[
    "Community Leadership",
    "Service Provider",
    "Commissioner",
    "Service Manager",
    "Enabler",
];

const MONITORING: &[&str] = &[
    "Performance, Audit and Governance Oversight Committee",
    "Health and Wellbeing Board",
    "Community Safety Partnership",
    "Executive",
    "Overview and Scrutiny Committee",
];

const PARTNERS: &[&str] = &[
    "County Council",
    "NHS clinical commissioning group",
    "Police",
    "Housing associations",
    "Local Enterprise Partnership",
    "Town and parish councils",
];

const REVISION_REASONS: &[&str] = &[
    "Delayed by staff vacancies in the team",
    "Awaiting the outcome of a government consultation",
    "Supplier delays",
    "Scope extended following member feedback",
    "Resources diverted to an emergency response",
    "Procurement re-run after no compliant bids",
    "Depends on a County Council project that has slipped",
    "Budget not approved until February",
];

const MILESTONES: &[&str] = &[
    "Project initiation document agreed",
    "Consultation launched",
    "Consultation closes",
    "Report to the Executive",
    "Contract awarded",
    "Go-live",
    "Post-implementation review",
    "Draft published",
    "Member briefing held",
    "Business case approved",
    "Staff consultation complete",
    "Pilot completed",
];

const COMMITTEES: &[&str] = &[
    "the Executive",
    "Council",
    "the Overview and Scrutiny Committee",
    "the Performance, Audit and Governance Oversight Committee",
    "the Leadership Team",
];

const ON_TRACK: &[&str] = &[
    "Work is progressing to plan.",
    "Project board met in {month}; all milestones on schedule.",
    "Consultation closed in {month}; responses are being analysed.",
    "Draft report prepared for {committee}.",
    "Procurement completed and contractor appointed.",
    "Phase one complete; phase two has started.",
    "On track. Budget spend in line with profile.",
];
const AT_RISK: &[&str] = &[
    "Slight delay due to staff vacancies; recovery plan in place.",
    "Awaiting information from partners, which may delay the next milestone.",
    "Budget pressures may affect delivery; options are going to {committee}.",
    "Supplier has reported delays; monitoring closely.",
    "Some slippage in {month}; the team expects to recover next quarter.",
];
const OFF_TRACK: &[&str] = &[
    "Significantly behind schedule: key officer on long-term absence.",
    "Project paused pending a decision by {committee}.",
    "Procurement failed to attract compliant bids and is being re-run.",
    "A dependent project has slipped; a revised timetable will follow.",
    "Not achieved by the due date; completion expected next quarter.",
];
const ACHIEVED: &[&str] = &[
    "Completed in {month}.",
    "Action complete; benefits will be reported through the service's indicators.",
    "Completed and reported to {committee}.",
    "Complete. Lessons learned captured for next year's plan.",
];
const NOT_STARTED: &[&str] = &[
    "Not yet started: scheduled to begin next quarter.",
    "Awaiting resources before work can start.",
];
const DEFERRED: &str = "Deferred to next year's plan by {committee}.";
const CANCELLED: &str = "Cancelled: no longer a priority following the budget review.";

const RISK_EVENTS: &[&str] = &[
    "deliver the {area} savings",
    "recruit and retain qualified {area} staff",
    "meet statutory deadlines in {area}",
    "protect personal data held by {area}",
    "secure external funding for {area} projects",
    "manage the {area} contract effectively",
    "respond to changes in legislation affecting {area}",
];
const RISK_CAUSES: &[&str] = &[
    "Reductions in government grant",
    "A competitive local labour market",
    "Ageing IT systems",
    "Rising demand from residents",
    "Dependence on a single supplier",
    "Delays in national policy decisions",
];
const RISK_CONSEQUENCES: &[&str] = &[
    "resulting in reputational damage",
    "resulting in financial penalties",
    "resulting in poorer services for residents",
    "resulting in legal challenge",
    "resulting in an overspend",
];
const RISK_CONTROLS: &[&str] = &[
    "Monthly budget monitoring; savings tracker reviewed by Leadership Team",
    "Workforce plan; market supplements for hard-to-fill posts",
    "Contract management framework and quarterly supplier reviews",
    "Information governance training; annual audit",
    "Horizon scanning through professional networks",
];
const VALUE_NOTES: &[&str] = &[
    "Provisional figure",
    "Data supplied by the County Council",
    "Affected by a system outage",
    "Seasonal peak",
    "Includes backlog cleared this period",
];

/// An indicator template: what it measures and how its values behave.
struct Measure {
    title: &'static str,
    unit: Unit,
    polarity: Polarity,
    aggregation: Aggregation,
    /// Typical value per month (sums are scaled for quarters).
    level: f64,
    /// Spread of the month-to-month noise.
    noise: f64,
    /// Drift per year.
    trend: f64,
    /// Size of the seasonal swing, as a fraction of the level.
    season: f64,
}

#[allow(clippy::too_many_arguments)]
const fn measure(
    title: &'static str,
    unit: Unit,
    polarity: Polarity,
    aggregation: Aggregation,
    level: f64,
    noise: f64,
    trend: f64,
    season: f64,
) -> Measure {
    Measure {
        title,
        unit,
        polarity,
        aggregation,
        level,
        noise,
        trend,
        season,
    }
}

use Aggregation::{Latest, Mean, Sum};
use Polarity::{HigherIsBetter as Higher, LowerIsBetter as Lower, Neither};
use Unit::{Count, Days, Percent};

#[rustfmt::skip]
const MEASURES: &[Measure] = &[
    measure("Percentage of household waste sent for reuse, recycling and composting", Percent, Higher, Mean, 48.0, 2.5, 0.6, 0.04),
    measure("Average days to process new Housing Benefit claims", Days, Lower, Mean, 22.0, 3.0, -0.8, 0.05),
    measure("Percentage of major planning applications determined within 13 weeks", Percent, Higher, Mean, 72.0, 8.0, 1.5, 0.0),
    measure("Percentage of minor planning applications determined within 8 weeks", Percent, Higher, Mean, 78.0, 6.0, 1.0, 0.0),
    measure("Number of households prevented from becoming homeless", Count, Higher, Sum, 18.0, 5.0, 1.0, 0.1),
    measure("Number of households in temporary accommodation", Count, Lower, Latest, 45.0, 6.0, 2.0, 0.05),
    measure("Percentage of Council Tax collected", Percent, Higher, Mean, 97.5, 0.6, 0.05, 0.0),
    measure("Percentage of business rates collected", Percent, Higher, Mean, 98.0, 0.5, 0.03, 0.0),
    measure("Number of missed bins per 100,000 collections", Count, Lower, Mean, 38.0, 8.0, -1.5, 0.15),
    measure("Working days lost to sickness absence per FTE", Days, Lower, Sum, 0.7, 0.15, -0.02, 0.2),
    measure("Percentage of calls answered within 60 seconds", Percent, Higher, Mean, 82.0, 5.0, 0.8, 0.03),
    measure("Percentage of complaints responded to within 10 working days", Percent, Higher, Mean, 88.0, 5.0, 0.5, 0.0),
    measure("Number of visits to leisure centres", Count, Higher, Sum, 52000.0, 5000.0, 800.0, 0.12),
    measure("Percentage of food premises rated 4 or 5 for hygiene", Percent, Higher, Mean, 91.0, 1.5, 0.4, 0.0),
    measure("Number of fly-tipping incidents", Count, Lower, Sum, 85.0, 15.0, 3.0, 0.15),
    measure("Average days to remove fly-tipping", Days, Lower, Mean, 2.5, 0.6, -0.1, 0.0),
    measure("Number of affordable homes delivered", Count, Higher, Sum, 14.0, 7.0, 0.5, 0.0),
    measure("Percentage of invoices paid within 30 days", Percent, Higher, Mean, 95.0, 2.0, 0.2, 0.0),
    measure("Percentage of information requests answered within 20 working days", Percent, Higher, Mean, 89.0, 5.0, 0.6, 0.0),
    measure("Number of empty homes brought back into use", Count, Higher, Sum, 4.0, 2.0, 0.2, 0.0),
    measure("Staff turnover (rolling 12 months)", Percent, Lower, Latest, 11.0, 1.5, -0.2, 0.0),
    measure("Number of transactions completed online", Count, Higher, Sum, 6500.0, 700.0, 900.0, 0.05),
    measure("Percentage of licence applications processed within 21 days", Percent, Higher, Mean, 93.0, 3.0, 0.3, 0.0),
    measure("Average days to resolve noise complaints", Days, Lower, Mean, 18.0, 4.0, -0.5, 0.1),
    measure("Number of anti-social behaviour incidents reported", Count, Lower, Sum, 140.0, 20.0, -4.0, 0.15),
    measure("Car park occupancy", Percent, Neither, Mean, 68.0, 6.0, 0.0, 0.1),
    measure("Number of penalty charge notices issued", Count, Neither, Sum, 1100.0, 150.0, 0.0, 0.05),
    measure("Percentage of land with unacceptable levels of litter", Percent, Lower, Mean, 4.5, 1.2, -0.1, 0.1),
    measure("Number of library visits", Count, Higher, Sum, 21000.0, 2500.0, -300.0, 0.1),
    measure("Percentage of the internal audit plan completed", Percent, Higher, Latest, 70.0, 10.0, 1.0, 0.0),
    measure("Tonnes of CO2 from council operations", Count, Lower, Sum, 310.0, 25.0, -12.0, 0.2),
    measure("Average days to process changes of circumstances", Days, Lower, Mean, 7.0, 1.5, -0.3, 0.05),
];

/// Seasonal shape by month of the financial year (April first).
const SEASON: [f64; 12] = [
    0.2, 0.5, 0.8, 1.0, 0.8, 0.3, -0.2, -0.6, -1.0, -0.9, -0.6, -0.3,
];

struct Service {
    name: String,
    code: String,
    areas: [&'static str; 3],
}

fn services(count: usize) -> Vec<Service> {
    (0..count)
        .map(|i| {
            let (name, code, areas) = SERVICES[i % SERVICES.len()];
            match i / SERVICES.len() {
                0 => Service {
                    name: name.to_string(),
                    code: code.to_string(),
                    areas,
                },
                round => {
                    let (region, letter) = REGIONS[(round - 1) % REGIONS.len()];
                    Service {
                        name: format!("{name} ({region})"),
                        code: format!("{code}{letter}"),
                        areas,
                    }
                }
            }
        })
        .collect()
}

/// Splits `total` across `weights` in proportion, every share at least one
/// when there is enough to go round.
fn share(total: usize, weights: &[usize]) -> Vec<usize> {
    let n = weights.len();
    if n == 0 {
        return Vec::new();
    }
    let floor = usize::from(total >= n);
    let rest = total - floor * n;
    let sum: usize = weights.iter().sum::<usize>().max(1);
    let mut shares: Vec<usize> = weights.iter().map(|w| floor + rest * w / sum).collect();
    let mut left = total - shares.iter().sum::<usize>();
    let mut i = 0;
    while left > 0 {
        shares[i % n] += 1;
        left -= 1;
        i += 1;
    }
    shares
}

/// The quarters of the window, as (period, first day, last day).
struct Calendar {
    first: FinancialYear,
    today: NaiveDate,
    quarters: usize,
}

impl Calendar {
    fn quarter(&self, index: usize) -> Period {
        Period::Quarter(
            fy(self.first.start_year() + (index / 4) as i32),
            Quarter::ALL[index % 4],
        )
    }

    fn quarter_end(&self, index: usize) -> NaiveDate {
        self.quarter(index).last_day()
    }

    /// The index of the quarter containing today.
    fn current(&self) -> usize {
        (0..self.quarters)
            .find(|&q| self.quarter(q).contains(self.today))
            .unwrap_or(self.quarters - 1)
    }
}

/// A due date written the way plans write them, read by the date parser.
fn due_phrase(rng: &mut Rng, day: NaiveDate) -> FuzzyDate {
    let year = FinancialYear::containing(day);
    let text = match rng.below(6) {
        0 | 1 => format!("{} {}", month_name(day), day.year()),
        2 => format!("End of {} {}", month_name(day), day.year()),
        3 => format!("Q{} {year}", Quarter::of(day).number()),
        4 if Quarter::of(day) == Quarter::Q4 => year.to_string(),
        _ => return FuzzyDate::exact(day),
    };
    let parsed = FuzzyDate::parse(
        &text,
        DateContext {
            financial_year: Some(year),
        },
    );
    if parsed.is_readable() && parsed.latest == Some(day) {
        parsed
    } else {
        FuzzyDate::exact(day)
    }
}

fn fill(template: &str, area: &str, month: &str, committee: &str) -> String {
    template
        .replace("{area}", area)
        .replace("{month}", month)
        .replace("{committee}", committee)
}

/// Builds the whole council from the spec.
pub fn council(spec: &Spec) -> Council {
    let mut rng = Rng(spec.seed);
    let calendar = Calendar {
        first: spec.first_year(),
        today: spec.today,
        quarters: spec.years as usize * 4,
    };
    let period = PlanPeriod {
        from: spec.first_year(),
        to: spec.current_year(),
    };

    // The corporate plan: 4–6 priorities, each with its outcomes.
    let mut order: Vec<usize> = (0..PRIORITIES.len()).collect();
    for i in (1..order.len()).rev() {
        let j = rng.below(i + 1);
        order.swap(i, j);
    }
    order.truncate(4 + rng.below(3));
    let mut corporate = PlanDraft::new(
        "Eastmere District Council Corporate Plan",
        PlanKind::Corporate,
    );
    corporate.status = PlanStatus::Approved;
    corporate.period = Some(period);
    corporate.owner = Some("Chief Executive's Office".into());
    for (n, &p) in order.iter().enumerate() {
        let priority = &PRIORITIES[p];
        let parent = corporate.nodes.len();
        corporate.nodes.push(ThreadNode {
            level: NodeLevel::Priority,
            label: "Corporate Priority".into(),
            title: priority.title.into(),
            strapline: Some(priority.strapline.into()),
            code: Some(format!("P{}", n + 1)),
            parent: None,
            provenance: None,
        });
        let outcomes = 2 + rng.below(priority.outcomes.len() - 1);
        for (k, outcome) in priority.outcomes.iter().take(outcomes).enumerate() {
            corporate.nodes.push(ThreadNode {
                level: NodeLevel::Outcome,
                label: "Outcome".into(),
                title: (*outcome).into(),
                strapline: None,
                code: Some(format!("P{}.{}", n + 1, k + 1)),
                parent: Some(parent),
                provenance: None,
            });
        }
    }

    let services = services(spec.services);
    let weights: Vec<usize> = services.iter().map(|_| 2 + rng.below(5)).collect();
    let action_shares = share(spec.actions, &weights);
    let weights: Vec<usize> = services.iter().map(|_| 2 + rng.below(5)).collect();
    let indicator_shares = share(spec.indicators, &weights);

    let mut plans = vec![corporate];
    let mut revisions = Vec::new();
    let mut numbers = Numbers::default();
    for (s, service) in services.iter().enumerate() {
        let mut rng = rng.fork();
        let builder = ServicePlan {
            service,
            calendar: &calendar,
            priorities: &order,
            plan_index: plans.len(),
        };
        let (plan, plan_revisions) = builder.build(
            &mut rng,
            period,
            action_shares[s],
            indicator_shares[s],
            &mut numbers,
        );
        plans.push(plan);
        revisions.extend(plan_revisions);
    }
    Council {
        document: PlanDocument {
            plans,
            findings: Vec::new(),
        },
        revisions,
    }
}

/// Indicator numbers run across the whole council, with gaps.
#[derive(Default)]
struct Numbers {
    local: u32,
    national: u32,
}

struct ServicePlan<'a> {
    service: &'a Service,
    calendar: &'a Calendar,
    priorities: &'a [usize],
    plan_index: usize,
}

/// An objective of a service plan and the corporate priority it serves.
struct Objective {
    node: usize,
    number: usize,
    area: &'static str,
    tag: &'static str,
}

impl ServicePlan<'_> {
    fn build(
        &self,
        rng: &mut Rng,
        period: PlanPeriod,
        actions: usize,
        indicators: usize,
        numbers: &mut Numbers,
    ) -> (PlanDraft, Vec<ValueRevision>) {
        let service = self.service;
        let mut plan = PlanDraft::new(format!("{} Service Plan", service.name), PlanKind::Service);
        plan.status = PlanStatus::Approved;
        plan.period = Some(period);
        plan.owner = Some(service.name.clone());

        let head = format!("Head of {}", service.name);
        let posts: Vec<String> = service
            .areas
            .iter()
            .flat_map(|area| {
                [
                    format!("Service Manager – {area}"),
                    format!("{area} Manager"),
                    format!("Team Leader – {area}"),
                ]
            })
            .collect();

        // Two or three corporate priorities, each with its objectives.
        let mut objectives = Vec::new();
        let linked = (2 + rng.below(2)).min(self.priorities.len());
        let first = rng.below(self.priorities.len());
        for k in 0..linked {
            let n = (first + k) % self.priorities.len();
            let priority = &PRIORITIES[self.priorities[n]];
            let parent = plan.nodes.len();
            plan.nodes.push(ThreadNode {
                level: NodeLevel::Priority,
                label: "Corporate Priority".into(),
                title: priority.title.into(),
                strapline: Some(priority.tag.into()),
                code: Some(format!("P{}", n + 1)),
                parent: None,
                provenance: None,
            });
            for _ in 0..1 + rng.below(3) {
                let area = *rng.pick(&service.areas);
                let number = objectives.len() + 1;
                objectives.push(Objective {
                    node: plan.nodes.len(),
                    number,
                    area,
                    tag: priority.tag,
                });
                plan.nodes.push(ThreadNode {
                    level: NodeLevel::Objective,
                    label: "Service Objective".into(),
                    title: fill(rng.word(OBJECTIVES), area, "", ""),
                    strapline: None,
                    code: Some(format!("{}{number}", service.code)),
                    parent: Some(parent),
                    provenance: None,
                });
            }
        }

        // Indicators first, so actions can name the ones that measure them.
        let mut revisions = Vec::new();
        for _ in 0..indicators {
            let objective = rng.pick(&objectives);
            let owner = if rng.chance(0.3) {
                head.clone()
            } else {
                rng.pick(&posts).clone()
            };
            let (indicator, revised) = self.indicator(rng, objective, owner, numbers);
            revisions.extend(revised);
            plan.indicators.push(indicator);
        }

        // Actions: drawn, then ordered by objective and start as a plan lists them.
        let key_actions = rng.chance(0.3);
        let mut drafts: Vec<(usize, usize, Action)> = (0..actions)
            .map(|_| {
                let o = rng.below(objectives.len());
                let start = rng.below(self.calendar.quarters);
                let action =
                    self.action(rng, &objectives[o], start, &head, &posts, &plan.indicators);
                (o, start, action)
            })
            .collect();
        drafts.sort_by_key(|(o, start, _)| (*o, *start));
        let mut per_objective = vec![0usize; objectives.len()];
        for (n, (o, _, mut action)) in drafts.into_iter().enumerate() {
            per_objective[o] += 1;
            // The service plan reference is always `HH2.1`; some plans
            // number their key actions `KA.17` as well.
            let reference = format!(
                "{}{}.{}",
                service.code, objectives[o].number, per_objective[o]
            );
            action.code = Some(if key_actions {
                format!("KA.{}", n + 1)
            } else {
                reference.clone()
            });
            action
                .details
                .set(goldthread_domain::DetailField::ServiceRef, Some(reference));
            plan.actions.push(action);
        }

        // Risks, each threatening one to three actions.
        if !plan.actions.is_empty() {
            for n in 0..3 + rng.below(6) {
                let area = *rng.pick(&service.areas);
                let event = fill(rng.word(RISK_EVENTS), area, "", "");
                let mut threatened: Vec<usize> = (0..1 + rng.below(3))
                    .map(|_| rng.below(plan.actions.len()))
                    .collect();
                threatened.sort_unstable();
                threatened.dedup();
                let nodes = plan.actions[threatened[0]].nodes.clone();
                plan.risks.push(Risk {
                    code: Some(format!("{}-R{}", service.code, n + 1)),
                    title: format!("Failure to {event}"),
                    cause: Some(rng.pick(RISK_CAUSES).to_string()),
                    event: Some(format!("The council fails to {event}")),
                    consequence: Some(rng.pick(RISK_CONSEQUENCES).to_string()),
                    owner: Some(head.clone()),
                    likelihood: Some(1 + rng.below(3) as u8 + rng.below(3) as u8),
                    impact: Some(1 + rng.below(3) as u8 + rng.below(3) as u8),
                    controls: Some(rng.pick(RISK_CONTROLS).to_string()),
                    actions: threatened,
                    nodes,
                    provenance: None,
                });
            }
        }
        (plan, revisions)
    }

    fn action(
        &self,
        rng: &mut Rng,
        objective: &Objective,
        start: usize,
        head: &str,
        posts: &[String],
        indicators: &[Indicator],
    ) -> Action {
        let cal = self.calendar;
        let area = objective.area;
        let mut title = format!(
            "{} {}",
            rng.pick(VERBS),
            fill(rng.word(OBJECTS), area, "", "")
        );
        if rng.chance(0.45) {
            title = format!("{title} {}", rng.pick(QUALIFIERS));
        }

        // Life: mostly a year or two, some much longer.
        let mut length = 1 + rng.below(6) + rng.below(6);
        if rng.chance(0.25) {
            length += rng.below(12);
        }
        let planned_due = (start + length - 1).min(cal.quarters + 3);
        let ongoing = rng.chance(0.04);
        let original = if ongoing {
            FuzzyDate::parse(
                "Ongoing",
                DateContext {
                    financial_year: None,
                },
            )
        } else {
            due_phrase(rng, quarter_end_beyond(cal, planned_due))
        };

        // Revised due dates, reported before the date they move.
        let mut revisions = Vec::new();
        let mut due_q = planned_due;
        let revisions_wanted = if ongoing || !rng.chance(0.18) {
            0
        } else if rng.chance(0.3) {
            2
        } else {
            1
        };
        let mut current = original.clone();
        for _ in 0..revisions_wanted {
            let reported_q = due_q.saturating_sub(1 + rng.below(2)).max(start);
            let reported = cal.quarter_end(reported_q.min(cal.quarters - 1));
            if reported > cal.today {
                break;
            }
            due_q = (due_q + 1 + rng.below(3)).min(cal.quarters + 7);
            let to = due_phrase(rng, quarter_end_beyond(cal, due_q));
            revisions.push(DueRevision {
                from: current.clone(),
                to: to.clone(),
                reason: Some(rng.pick(REVISION_REASONS).to_string()),
                reported: Some(reported),
            });
            current = to;
        }

        // How it ends: achieved on time, late, not yet, deferred or cancelled.
        let fate = rng.unit();
        let end_q = if ongoing {
            usize::MAX
        } else if fate < 0.68 {
            due_q.saturating_sub(rng.below(2)).max(start)
        } else if fate < 0.88 {
            due_q + 1 + rng.below(3)
        } else {
            usize::MAX
        };
        let stop = if fate >= 0.97 {
            Some((ActionStatus::Cancelled, start + rng.below(length)))
        } else if fate >= 0.94 {
            Some((ActionStatus::Deferred, start + rng.below(length)))
        } else {
            None
        };

        // Lead officers: one post, sometimes two jointly.
        let lead = if rng.chance(0.2) {
            head.to_string()
        } else {
            rng.pick(posts).clone()
        };
        let mut lead_officers = vec![LeadOfficer {
            name: lead.clone(),
            joint: false,
        }];
        if rng.chance(0.2) {
            let other = rng.pick(posts).clone();
            if other != lead {
                lead_officers[0].joint = true;
                lead_officers.push(LeadOfficer {
                    name: other,
                    joint: true,
                });
            }
        }

        let with_percent = !ongoing && rng.chance(0.8);
        let horizon = if ongoing { usize::MAX / 4 } else { due_q };
        let updates = self.updates(rng, start, horizon, end_q, stop, with_percent, &lead, area);
        let last = updates.last().map(|u| (u.as_at, u.status));

        // Milestones spread over the planned life.
        let mut milestones = Vec::new();
        let count = [0, 1, 2, 2, 3, 3, 4][rng.below(7)].min(length.max(1));
        let first_title = rng.below(MILESTONES.len());
        for m in 0..count {
            let q = start + (m + 1) * length / (count + 1);
            let due_day = quarter_end_beyond(cal, q.min(planned_due));
            let done_by = last
                .filter(|(_, s)| *s == ActionStatus::Achieved)
                .map_or(cal.today, |(d, _)| d.min(cal.today));
            let completed_day = due_day + chrono::Duration::days(rng.between(-40, 25));
            let completed = (completed_day <= done_by && !rng.chance(0.1)).then_some(completed_day);
            milestones.push(Milestone {
                title: MILESTONES[(first_title + m) % MILESTONES.len()].to_string(),
                due: Some(due_phrase(rng, due_day)),
                completed,
                provenance: None,
            });
        }

        let linked: Vec<usize> = if !indicators.is_empty() && rng.chance(0.25) {
            vec![rng.below(indicators.len())]
        } else {
            Vec::new()
        };
        let measures = linked
            .first()
            .and_then(|&i| indicators[i].code.as_ref())
            .map(|code| format!("Measured by {code}"));
        let (resources, pounds) = match rng.below(8) {
            0 => {
                let k = 5 * rng.between(1, 30);
                (Some(format!("£{k},000 from reserves")), Some(k * 1000))
            }
            1 => {
                let k = 10 * rng.between(1, 50);
                (Some(format!("£{k}k capital")), Some(k * 1000))
            }
            2 | 3 => (Some("Within existing budget".to_string()), None),
            _ => (None, None),
        };
        Action {
            code: None,
            title,
            description: rng.chance(0.6).then(|| rng.pick(DESCRIPTIONS).to_string()),
            details: ActionDetails {
                outputs: rng.chance(0.5).then(|| rng.pick(OUTPUTS).to_string()),
                measures,
                resources,
                resources_pounds: pounds,
                service_role: rng.chance(0.5).then(|| rng.pick(ROLES).to_string()),
                priority_link: Some(objective.tag.to_string()),
                monitoring_bodies: rng.chance(0.2).then(|| rng.pick(MONITORING).to_string()),
                partnership_links: rng.chance(0.2).then(|| rng.pick(PARTNERS).to_string()),
                ..ActionDetails::default()
            }
            .into(),
            lead_officers,
            due: Some(original),
            revisions,
            milestones,
            updates,
            nodes: vec![objective.node],
            indicators: linked,
            related: Vec::new(),
            provenance: None,
        }
    }

    /// A progress update for each quarter of the action's life up to today:
    /// statuses drift, a few quarters are skipped or reported late, and the
    /// quarter in progress has a report from most officers so far.
    #[allow(clippy::too_many_arguments)]
    fn updates(
        &self,
        rng: &mut Rng,
        start: usize,
        due_q: usize,
        end_q: usize,
        stop: Option<(ActionStatus, usize)>,
        with_percent: bool,
        author: &str,
        area: &str,
    ) -> Vec<ProgressUpdate> {
        let cal = self.calendar;
        let current = cal.current();
        let mut status = if rng.chance(0.3) {
            ActionStatus::NotStarted
        } else {
            ActionStatus::OnTrack
        };
        let mut percent = 0u8;
        let mut updates = Vec::new();
        let last_q = end_q.min(due_q.saturating_add(6)).min(current);
        for q in start..=last_q {
            let closing = q == end_q;
            let stopping = stop.filter(|(_, at)| *at == q).map(|(s, _)| s);
            // Drift: mostly on track; trouble more likely as the due date nears or passes.
            status = match (status, stopping, closing) {
                (_, Some(s), _) => s,
                (_, None, true) => ActionStatus::Achieved,
                (ActionStatus::NotStarted, ..) if rng.chance(0.7) => ActionStatus::OnTrack,
                (ActionStatus::NotStarted, ..) => ActionStatus::NotStarted,
                _ if q > due_q => {
                    if rng.chance(0.6) {
                        ActionStatus::OffTrack
                    } else {
                        ActionStatus::AtRisk
                    }
                }
                (ActionStatus::OnTrack, ..) if rng.chance(0.1) => ActionStatus::AtRisk,
                (ActionStatus::AtRisk, ..) if rng.chance(0.4) => ActionStatus::OnTrack,
                (ActionStatus::AtRisk, ..) if rng.chance(0.2) => ActionStatus::OffTrack,
                (ActionStatus::OffTrack, ..) if rng.chance(0.35) => ActionStatus::AtRisk,
                (s, ..) => s,
            };
            let life = (due_q.max(start) - start + 1) as f64;
            let elapsed = (q - start + 1) as f64;
            let target = (100.0 * elapsed / life + 8.0 * rng.normal()).clamp(0.0, 95.0) as u8;
            percent = match status {
                ActionStatus::Achieved => 100,
                ActionStatus::NotStarted => 0,
                _ => percent.max(target),
            };
            let as_at = if q == current {
                // The quarter in progress: reported so far by most.
                let begun = (cal.today - cal.quarter(q).first_day()).num_days();
                if !closing && stopping.is_none() && (begun < 14 || rng.chance(0.35)) {
                    continue;
                }
                cal.quarter(q).first_day() + chrono::Duration::days(rng.between(0, begun))
            } else if closing || stopping.is_some() {
                cal.quarter_end(q)
            } else if rng.chance(0.05) {
                continue; // missing
            } else if rng.chance(0.07) {
                // Late: written some weeks into the next quarter.
                let late = cal.quarter_end(q) + chrono::Duration::days(rng.between(7, 40));
                if late > cal.today {
                    continue;
                }
                late
            } else {
                cal.quarter_end(q)
            };
            let committee = *rng.pick(COMMITTEES);
            let template = match status {
                ActionStatus::OnTrack => rng.pick(ON_TRACK),
                ActionStatus::AtRisk => rng.pick(AT_RISK),
                ActionStatus::OffTrack => rng.pick(OFF_TRACK),
                ActionStatus::Achieved => rng.pick(ACHIEVED),
                ActionStatus::NotStarted => rng.pick(NOT_STARTED),
                ActionStatus::Deferred => DEFERRED,
                ActionStatus::Cancelled => CANCELLED,
            };
            updates.push(ProgressUpdate {
                as_at,
                status,
                percent_complete: with_percent.then_some(percent),
                commentary: fill(template, area, month_name(as_at), committee),
                author: Some(author.to_string()),
            });
            if status.is_closed() || status == ActionStatus::Deferred {
                break;
            }
        }
        updates
    }

    fn indicator(
        &self,
        rng: &mut Rng,
        objective: &Objective,
        owner: String,
        numbers: &mut Numbers,
    ) -> (Indicator, Vec<ValueRevision>) {
        let cal = self.calendar;
        let m = rng.pick(MEASURES);
        let monthly = rng.chance(0.55);
        let frequency = if monthly {
            Frequency::Monthly
        } else {
            Frequency::Quarterly
        };
        let code = if rng.chance(0.08) {
            numbers.national += 1 + rng.below(3) as u32;
            format!("NI {}", numbers.national)
        } else {
            numbers.local += 1 + rng.below(2) as u32;
            format!("{}EHPI {}", if monthly { 'M' } else { 'Q' }, numbers.local)
        };
        #[allow(
            clippy::panic,
            reason = "the code is built just above from a fixed prefix and a number: it always parses"
        )]
        let code: IndicatorCode = code
            .parse()
            .unwrap_or_else(|e| panic!("generated code: {e}"));

        // This indicator's own level, drift and how ambitious its targets are.
        let scale = if monthly || m.aggregation != Sum {
            1.0
        } else {
            3.0
        };
        let level = m.level * (0.8 + 0.4 * rng.unit()) * scale;
        let noise = m.noise * (0.7 + 0.6 * rng.unit()) * scale.sqrt();
        let trend = m.trend * (0.5 + rng.unit()) * scale;
        let ambition = -0.04 + 0.1 * rng.unit();
        let round = |v: f64| -> f64 {
            let v = match m.unit {
                Percent => v.clamp(0.0, 100.0),
                _ => v.max(0.0),
            };
            let places = if m.unit == Count {
                1.0
            } else if m.level < 5.0 {
                100.0
            } else {
                10.0
            };
            (v * places).round() / places
        };
        let expected = |years: f64| level + trend * years;
        let formatted = |v: f64| match m.unit {
            Percent => format!("{v}%"),
            Days => format!("{v} days"),
            _ => format!("{v}"),
        };

        let periods: Vec<Period> = (0..cal.quarters)
            .flat_map(|q| {
                let quarter = cal.quarter(q);
                if monthly {
                    (0..3)
                        .map(|i| {
                            let day = quarter.first_day() + chrono::Duration::days(31 * i + 1);
                            Period::Month {
                                year: day.year(),
                                month: day.month(),
                            }
                        })
                        .collect()
                } else {
                    vec![quarter]
                }
            })
            .collect();

        // Targets for each year, from the expected level and the ambition.
        let with_targets = m.polarity != Neither && !rng.chance(0.05);
        let mut targets = Vec::new();
        if with_targets {
            for y in 0..cal.quarters / 4 {
                let year = fy(cal.first.start_year() + y as i32);
                let per_period = expected(y as f64 + 0.5);
                let better = match m.polarity {
                    Lower => 1.0 - ambition,
                    _ => 1.0 + ambition,
                };
                let mut value = round(per_period * better);
                if m.aggregation == Sum {
                    value = round(value * if monthly { 12.0 } else { 4.0 });
                }
                targets.push(Target {
                    period: Period::Year(year),
                    text: formatted(value),
                    value: Some(value),
                });
            }
        }

        // Values: trend, season and noise; some missing, some late, some revised.
        let mut measurements = Vec::new();
        let mut revisions = Vec::new();
        let recent = cal.today - chrono::Duration::days(35);
        for (i, &period) in periods.iter().enumerate() {
            let end = period.last_day();
            if end >= cal.today {
                break;
            }
            if (end > recent && rng.chance(0.4)) || rng.chance(0.045) {
                continue;
            }
            let month_of_year = if monthly { i % 12 } else { (i % 4) * 3 + 1 };
            let years = i as f64 / if monthly { 12.0 } else { 4.0 };
            let value = round(
                expected(years) + SEASON[month_of_year] * m.season * level + noise * rng.normal(),
            );
            let late = rng.chance(0.03);
            let delay = if late {
                rng.between(40, 120)
            } else {
                rng.between(3, 20)
            };
            let mut recorded_day = end + chrono::Duration::days(delay);
            if recorded_day > cal.today {
                recorded_day = cal.today;
            }
            let minute = rng.between(0, 8 * 60) as u32;
            let recorded_at = recorded_day
                .and_hms_opt(9 + minute / 60, minute % 60, 0)
                .map(|t| Utc.from_utc_datetime(&t));
            let note = if late {
                Some("Entered late: waiting for data from the supplier".to_string())
            } else if rng.chance(0.06) {
                Some(rng.pick(VALUE_NOTES).to_string())
            } else {
                None
            };
            if end < recent && rng.chance(0.015) {
                let corrected = round(value + noise * (0.5 + rng.unit()));
                revisions.push(ValueRevision {
                    plan: self.plan_index,
                    code: code.to_string(),
                    period,
                    value: corrected,
                    note: format!("Revised after data validation (was {})", formatted(value)),
                    actor: owner.clone(),
                });
            }
            measurements.push(Measurement {
                period,
                value: Some(value),
                text: None,
                note,
                status: None,
                recorded_by: Some(owner.clone()),
                recorded_at,
            });
        }

        let baseline = measurements.first().and_then(|first| {
            Some(Baseline {
                text: formatted(first.value?),
                value: first.value,
                when: Some(cal.first.to_string()),
            })
        });
        let title = if rng.chance(0.5) {
            format!("{} – {}", m.title, objective.area)
        } else {
            m.title.to_string()
        };
        let indicator = Indicator {
            code: Some(code),
            title,
            description: None,
            unit: m.unit,
            polarity: m.polarity,
            frequency: Some(frequency),
            aggregation: m.aggregation,
            baseline,
            targets,
            tolerance: rng.chance(0.2).then_some(0.1),
            owner: Some(owner),
            measurements,
            nodes: vec![objective.node],
            provenance: None,
        };
        (indicator, revisions)
    }
}

/// The last day of quarter `index`, counting on past the window's end.
fn quarter_end_beyond(cal: &Calendar, index: usize) -> NaiveDate {
    let year = fy(cal.first.start_year() + (index / 4) as i32);
    Period::Quarter(year, Quarter::ALL[index % 4]).last_day()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(seed: u64) -> Spec {
        Spec {
            services: 4,
            actions: 60,
            indicators: 12,
            years: 3,
            seed,
            today: NaiveDate::from_ymd_opt(2026, 11, 23).unwrap(),
        }
    }

    fn json(council: &Council) -> String {
        serde_json::to_string(&council.document).unwrap()
    }

    #[test]
    fn the_same_seed_gives_the_same_council() {
        let a = council(&spec(7));
        let b = council(&spec(7));
        assert_eq!(json(&a), json(&b));
        assert_eq!(a.revisions, b.revisions);
        assert_ne!(json(&a), json(&council(&spec(8))));
    }

    #[test]
    fn counts_match_the_flags() {
        let s = spec(42);
        let c = council(&s).counts();
        assert_eq!(c.plans, s.services + 1);
        assert_eq!(c.actions, s.actions);
        assert_eq!(c.indicators, s.indicators);
        assert!(c.updates > s.actions, "{c:?}");
        assert!(c.measurements > s.indicators * 10, "{c:?}");
    }

    #[test]
    fn the_council_is_realistic_and_consistent() {
        let s = spec(42);
        let council = council(&s);
        let doc = &council.document;
        let corporate = &doc.plans[0];
        assert_eq!(corporate.kind, PlanKind::Corporate);
        let priorities = corporate
            .nodes
            .iter()
            .filter(|n| n.level == NodeLevel::Priority)
            .count();
        assert!((4..=6).contains(&priorities));
        assert_eq!(doc.plans[1].owner.as_deref(), Some("Housing and Health"));
        let mut statuses = std::collections::BTreeSet::new();
        let mut indicator_codes = std::collections::BTreeSet::new();
        let mut styles = std::collections::BTreeSet::new();
        for plan in &doc.plans[1..] {
            let mut codes = std::collections::BTreeSet::new();
            for action in &plan.actions {
                let code = action.code.clone().unwrap();
                styles.insert(code.starts_with("KA."));
                let reference = action
                    .details
                    .get(goldthread_domain::DetailField::ServiceRef)
                    .unwrap();
                let objective = plan.nodes[action.nodes[0]].code.as_deref().unwrap();
                assert!(
                    reference.starts_with(&format!("{objective}.")),
                    "{reference}"
                );
                assert!(codes.insert(code), "duplicate action code");
                assert!(!action.lead_officers.is_empty());
                assert!(action.nodes.iter().all(|&n| n < plan.nodes.len()));
                for u in &action.updates {
                    assert!(u.as_at <= s.today, "update in the future");
                    statuses.insert(u.status.as_str());
                }
                for r in &action.revisions {
                    assert!(r.to.latest > r.from.latest || r.from.latest.is_none());
                }
            }
            for indicator in &plan.indicators {
                let code = indicator.code.as_ref().unwrap();
                assert!(indicator_codes.insert(code.to_string()), "duplicate {code}");
                assert!(
                    indicator
                        .measurements
                        .iter()
                        .all(|m| m.period.last_day() < s.today)
                );
            }
            for risk in &plan.risks {
                assert!(risk.actions.iter().all(|&a| a < plan.actions.len()));
                assert!((1..=5).contains(&risk.likelihood.unwrap()));
            }
        }
        for wanted in ["on_track", "at_risk", "off_track", "achieved"] {
            assert!(statuses.contains(wanted), "no {wanted} in {statuses:?}");
        }
        assert!(
            council
                .revisions
                .iter()
                .all(|r| r.plan >= 1 && r.plan < doc.plans.len())
        );
        assert!(!styles.is_empty());
    }

    #[test]
    fn shares_add_up() {
        assert_eq!(share(10, &[1, 1, 1]).iter().sum::<usize>(), 10);
        assert_eq!(share(2, &[1, 5, 1]).iter().sum::<usize>(), 2);
        assert!(share(100, &[1, 5, 1]).iter().all(|&n| n >= 1));
        assert!(share(0, &[]).is_empty());
    }
}
