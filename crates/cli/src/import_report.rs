//! The import report: the `--json` contract and the one-line summary.
//! Wire shapes live here, at the edge, not in the domain.

use goldthread_domain::{
    Action, Finding, FuzzyDate, Indicator, Period, PlanChange, PlanDiff, PlanDraft,
};
use goldthread_import::ReadDocument;
use goldthread_storage::{ImportOutcome, ImportStatus};
use serde::{Serialize, Serializer};

/// One document's report, borrowed from what was read and serialised
/// straight to the output: a large plan is never copied into a JSON tree,
/// and its actions, indicators, findings and risks are written one at a
/// time as they are turned into their report (`serialize_with`), never
/// held as a list.
/// Fields are in alphabetical order, as the report has always listed them.
/// `plans_diff` is the per-plan difference with the stored plans: null when
/// no database was consulted (a dry run without one).
#[derive(Serialize)]
pub struct DocumentReport<'a> {
    #[serde(serialize_with = "actions")]
    actions: &'a [PlanDraft],
    counts: Counts,
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<String>,
    file: &'a str,
    #[serde(serialize_with = "findings")]
    findings: &'a [Finding],
    format: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    import: Option<&'a ImportOutcome>,
    #[serde(serialize_with = "indicators")]
    indicators: &'a [PlanDraft],
    plans: Vec<PlanReport<'a>>,
    plans_diff: Option<&'a [PlanDiff]>,
    #[serde(serialize_with = "risks")]
    risks: &'a [PlanDraft],
    tables: &'a [goldthread_import::TableLayout],
}

fn actions<S: Serializer>(plans: &&[PlanDraft], s: S) -> Result<S::Ok, S::Error> {
    s.collect_seq(
        plans
            .iter()
            .flat_map(|p| p.actions.iter().map(move |a| action_report(p, a))),
    )
}

fn findings<S: Serializer>(findings: &&[Finding], s: S) -> Result<S::Ok, S::Error> {
    s.collect_seq(findings.iter().map(|f| FindingReport {
        kind: f.kind.as_str(),
        line: f.provenance.as_ref().and_then(|p| p.line),
        message: &f.message,
        severity: f.severity.as_str(),
        sheet: f.provenance.as_ref().and_then(|p| p.sheet.as_deref()),
    }))
}

fn indicators<S: Serializer>(plans: &&[PlanDraft], s: S) -> Result<S::Ok, S::Error> {
    s.collect_seq(
        plans
            .iter()
            .flat_map(|p| &p.indicators)
            .map(indicator_report),
    )
}

fn risks<S: Serializer>(plans: &&[PlanDraft], s: S) -> Result<S::Ok, S::Error> {
    s.collect_seq(plans.iter().flat_map(|p| &p.risks).map(|r| Placed {
        line: r.provenance.as_ref().and_then(|p| p.line),
        title: &r.title,
    }))
}

impl DocumentReport<'_> {
    /// The line saying why nothing was stored, beside the reading.
    pub fn with_error(mut self, message: String) -> Self {
        self.error = Some(message);
        self
    }
}

#[derive(Serialize)]
struct Counts {
    actions: usize,
    indicators: usize,
    milestones: usize,
    objectives: usize,
    outcomes: usize,
    priorities: usize,
    risks: usize,
    targets: usize,
    updates: usize,
}

#[derive(Serialize)]
struct PlanReport<'a> {
    kind: &'static str,
    period: Option<Span>,
    title: &'a str,
}

#[derive(Serialize)]
struct Span {
    from: String,
    to: String,
}

#[derive(Serialize)]
struct Due<'a> {
    earliest: Option<String>,
    latest: Option<String>,
    text: &'a str,
}

#[derive(Serialize)]
struct ActionReport<'a> {
    code: Option<&'a str>,
    due: Option<Due<'a>>,
    indicators: Vec<String>,
    lead_officers: Vec<&'a str>,
    line: Option<u32>,
    milestones: Vec<MilestoneReport<'a>>,
    parents: Vec<&'a str>,
    revisions: Vec<Revision<'a>>,
    sheet: Option<&'a str>,
    status: Option<&'static str>,
    title: &'a str,
}

#[derive(Serialize)]
struct MilestoneReport<'a> {
    due: Option<Due<'a>>,
    title: &'a str,
}

#[derive(Serialize)]
struct Revision<'a> {
    from: &'a str,
    to: &'a str,
}

#[derive(Serialize)]
struct IndicatorReport<'a> {
    baseline: Option<BaselineReport<'a>>,
    code: Option<&'a str>,
    frequency: Option<&'static str>,
    line: Option<u32>,
    targets: Vec<TargetReport<'a>>,
    title: &'a str,
    values: Vec<ValueReport<'a>>,
}

#[derive(Serialize)]
struct BaselineReport<'a> {
    text: &'a str,
    value: Option<f64>,
    when: Option<&'a str>,
}

#[derive(Serialize)]
struct TargetReport<'a> {
    period: String,
    value: &'a str,
}

/// A figure as written: a number, or the words a value was given in.
#[derive(Serialize)]
#[serde(untagged)]
enum Figure<'a> {
    Number(f64),
    Words(&'a str),
}

#[derive(Serialize)]
struct ValueReport<'a> {
    period: String,
    status: Option<&'static str>,
    target: Option<Figure<'a>>,
    value: Option<Figure<'a>>,
}

#[derive(Serialize)]
struct Placed<'a> {
    line: Option<u32>,
    title: &'a str,
}

#[derive(Serialize)]
struct FindingReport<'a> {
    kind: &'static str,
    line: Option<u32>,
    message: &'a str,
    severity: &'static str,
    sheet: Option<&'a str>,
}

pub fn document_report<'a>(
    file: &'a str,
    read: &'a ReadDocument,
    outcome: Option<&'a ImportOutcome>,
    diffs: Option<&'a [PlanDiff]>,
) -> DocumentReport<'a> {
    let doc = &read.document;
    let c = doc.counts();
    DocumentReport {
        actions: &doc.plans,
        counts: Counts {
            actions: c.actions,
            indicators: c.indicators,
            milestones: c.milestones,
            objectives: c.objectives,
            outcomes: c.outcomes,
            priorities: c.priorities,
            risks: c.risks,
            targets: c.targets,
            updates: c.updates,
        },
        error: None,
        file,
        findings: &doc.findings,
        format: read.format.as_str(),
        import: outcome,
        indicators: &doc.plans,
        plans: doc.plans.iter().map(plan_report).collect(),
        plans_diff: diffs,
        risks: &doc.plans,
        tables: &read.tables,
    }
}

fn indicator_report(i: &Indicator) -> IndicatorReport<'_> {
    IndicatorReport {
        baseline: i.baseline.as_ref().map(|b| BaselineReport {
            text: &b.text,
            value: b.value,
            when: b.when.as_deref(),
        }),
        code: i.code.as_ref().map(|c| c.as_str()),
        frequency: i.frequency.map(|f| f.as_str()),
        line: i.provenance.as_ref().and_then(|p| p.line),
        targets: i
            .targets
            .iter()
            .map(|t| TargetReport {
                period: t.period.to_string(),
                value: &t.text,
            })
            .collect(),
        title: &i.title,
        values: values(i),
    }
}

/// An indicator's figures by period: the value, the target that applies
/// (the period's own, else its year's) and the status the council reported.
fn values(indicator: &Indicator) -> Vec<ValueReport<'_>> {
    let target_for = |period: Period| {
        indicator
            .targets
            .iter()
            .find(|t| t.period == period)
            .or_else(|| {
                indicator
                    .targets
                    .iter()
                    .find(|t| t.period == Period::Year(period.financial_year()))
            })
            .map(|t| t.value.map_or(Figure::Words(&t.text), Figure::Number))
    };
    indicator
        .measurements
        .iter()
        .map(|m| ValueReport {
            period: m.period.to_string(),
            status: m.status.map(|s| s.as_str()),
            target: target_for(m.period),
            value: m
                .value
                .map(Figure::Number)
                .or_else(|| m.text.as_deref().map(Figure::Words)),
        })
        .collect()
}

fn plan_report(plan: &PlanDraft) -> PlanReport<'_> {
    PlanReport {
        kind: plan.kind.as_str(),
        period: plan.period.map(|p| Span {
            from: p.from.first_day().to_string(),
            to: p.to.last_day().to_string(),
        }),
        title: &plan.title,
    }
}

fn due(due: Option<&FuzzyDate>) -> Option<Due<'_>> {
    due.map(|d| Due {
        earliest: d.earliest.map(|d| d.to_string()),
        latest: d.latest.map(|d| d.to_string()),
        text: &d.text,
    })
}

/// The titles above an action: its own nodes first, then their ancestors.
fn parents<'a>(plan: &'a PlanDraft, action: &Action) -> Vec<&'a str> {
    let mut titles: Vec<&str> = Vec::new();
    for &start in &action.nodes {
        let mut next = Some(start);
        while let Some(index) = next {
            let Some(node) = plan.nodes.get(index) else {
                break;
            };
            if !titles.contains(&node.title.as_str()) {
                titles.push(&node.title);
            }
            next = node.parent;
        }
    }
    titles
}

fn action_report<'a>(plan: &'a PlanDraft, action: &'a Action) -> ActionReport<'a> {
    ActionReport {
        code: action.code.as_deref(),
        due: due(action.due.as_ref()),
        indicators: action
            .indicators
            .iter()
            .filter_map(|&i| plan.indicators.get(i))
            .map(|i| {
                i.code
                    .as_ref()
                    .map_or_else(|| i.title.clone(), |c| c.to_string())
            })
            .collect(),
        lead_officers: action
            .lead_officers
            .iter()
            .map(|o| o.name.as_str())
            .collect(),
        line: action.provenance.as_ref().and_then(|p| p.line),
        milestones: action
            .milestones
            .iter()
            .map(|m| MilestoneReport {
                due: due(m.due.as_ref()),
                title: &m.title,
            })
            .collect(),
        parents: parents(plan, action),
        revisions: action
            .revisions
            .iter()
            .map(|r| Revision {
                from: &r.from.text,
                to: &r.to.text,
            })
            .collect(),
        sheet: action.provenance.as_ref().and_then(|p| p.sheet.as_deref()),
        status: action
            .updates
            .iter()
            .max_by_key(|u| u.as_at)
            .map(|u| u.status.as_str()),
        title: &action.title,
    }
}

pub fn summary_line(file: &str, read: &ReadDocument, outcome: Option<&ImportOutcome>) -> String {
    let doc = &read.document;
    let actions: usize = doc.plans.iter().map(|p| p.actions.len()).sum();
    let indicators: usize = doc.plans.iter().map(|p| p.indicators.len()).sum();
    let what = format!(
        "{} plan(s), {actions} actions, {indicators} indicators, {} findings",
        doc.plans.len(),
        doc.findings.len()
    );
    match outcome {
        None => format!("{file}: read {what} (dry run, nothing stored)"),
        Some(o) if o.status == ImportStatus::NeedsConfirmation => {
            format!("{file}: not stored, it would change stored plans ({what})")
        }
        Some(o) => match &o.reason {
            Some(reason) if reason.starts_with(file) => format!("refused: {reason}"),
            Some(reason) => format!("{file}: refused: {reason}"),
            None => format!(
                "{file}: {} ({what}); plan ids {:?}",
                status_word(o),
                o.plan_ids
            ),
        },
    }
}

fn status_word(outcome: &ImportOutcome) -> &'static str {
    match outcome.status {
        goldthread_storage::ImportStatus::Created => "stored",
        goldthread_storage::ImportStatus::Updated => "updated",
        goldthread_storage::ImportStatus::Unchanged => "unchanged, already imported",
        goldthread_storage::ImportStatus::Refused => "refused",
        goldthread_storage::ImportStatus::NeedsConfirmation => "not stored, needs --replace",
    }
}

/// A line per plan (new, unchanged, would change or changed, with counts)
/// and a line per item removed or kept.
pub fn diff_lines(diffs: &[PlanDiff], outcome: Option<&ImportOutcome>) -> Vec<String> {
    let stored =
        outcome.is_some_and(|o| matches!(o.status, ImportStatus::Created | ImportStatus::Updated));
    let mut lines = Vec::new();
    for d in diffs {
        let id = d
            .plan_id
            .map_or_else(String::new, |id| format!(" (id {id})"));
        let head = format!("  plan '{}' [{}]{id}", d.title, d.kind.as_str());
        match d.status {
            PlanChange::New => lines.push(format!("{head}: new, {} item(s)", d.added.len())),
            PlanChange::Unchanged => lines.push(format!("{head}: unchanged")),
            PlanChange::Changed => {
                let (added, removed, changed, kept) = d.counts();
                let verb = if stored { "changed" } else { "would change" };
                let mut line = format!(
                    "{head}: {verb}: {added} added, {removed} removed, {changed} changed, {kept} kept though missing from the file"
                );
                if !d.plan_fields.is_empty() {
                    line.push_str(&format!("; plan {}", d.plan_fields.join(", ")));
                }
                lines.push(line);
                for item in &d.removed {
                    lines.push(format!("    removed: {item}"));
                }
                for item in &d.unmatched {
                    lines.push(format!(
                        "    kept: {item} (missing from the file, but progress or values were recorded on it)"
                    ));
                }
                for change in &d.changed {
                    lines.push(format!(
                        "    changed: {} ({})",
                        change.item,
                        change.fields.join(", ")
                    ));
                }
            }
        }
    }
    lines
}
