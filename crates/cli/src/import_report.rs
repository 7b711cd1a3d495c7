//! The import report: the `--json` contract and the one-line summary.
//! Wire shapes live here, at the edge, not in the domain.

use goldthread_domain::{
    Action, FuzzyDate, Indicator, Period, PlanChange, PlanDiff, PlanDocument, PlanDraft,
};
use goldthread_import::ReadDocument;
use goldthread_storage::{ImportOutcome, ImportStatus};
use serde_json::{Value, json};

/// One document's report. `diffs` is the per-plan difference with the
/// stored plans, `plans_diff` in the report: null when no database was
/// consulted (a dry run without one).
pub fn document_json(
    file: &str,
    read: &ReadDocument,
    outcome: Option<&ImportOutcome>,
    diffs: Option<&[PlanDiff]>,
) -> Value {
    let doc = &read.document;
    let mut value = json!({
        "file": file,
        "format": read.format.as_str(),
        "plans": doc.plans.iter().map(plan_json).collect::<Vec<_>>(),
        "counts": counts(doc),
        "actions": doc.plans.iter().flat_map(|p| p.actions.iter().map(move |a| action_json(p, a))).collect::<Vec<_>>(),
        "indicators": doc.plans.iter().flat_map(|p| p.indicators.iter()).map(|i| json!({
            "code": i.code.as_ref().map(|c| c.to_string()),
            "title": i.title,
            "frequency": i.frequency.map(|f| f.as_str()),
            "targets": i.targets.iter().map(|t| json!({"period": t.period.to_string(), "value": t.text})).collect::<Vec<_>>(),
            "baseline": i.baseline.as_ref().map(|b| json!({"text": b.text, "value": b.value, "when": b.when})),
            "values": values_json(i),
            "line": i.provenance.as_ref().and_then(|p| p.line),
        })).collect::<Vec<_>>(),
        "tables": read.tables.iter().map(|t| json!({
            "sheet": t.sheet,
            "line": t.line,
            "kind": t.kind.as_str(),
            "rows": t.rows,
            "indicators": t.indicators,
            "mapped": t.mapped,
            "columns": t.columns.iter().map(|c| json!({
                "heading": c.heading,
                "role": c.role,
                "period": c.period,
                "confidence": c.confidence.as_str(),
                "why": c.why,
            })).collect::<Vec<_>>(),
        })).collect::<Vec<_>>(),
        "risks": doc.plans.iter().flat_map(|p| p.risks.iter()).map(|r| json!({
            "title": r.title,
            "line": r.provenance.as_ref().and_then(|p| p.line),
        })).collect::<Vec<_>>(),
        "findings": doc.findings.iter().map(|f| json!({
            "severity": f.severity.as_str(),
            "kind": f.kind.as_str(),
            "message": f.message,
            "line": f.provenance.as_ref().and_then(|p| p.line),
            "sheet": f.provenance.as_ref().and_then(|p| p.sheet.clone()),
        })).collect::<Vec<_>>(),
    });
    if let Value::Object(map) = &mut value {
        if let Some(outcome) = outcome {
            map.insert(
                "import".into(),
                serde_json::to_value(outcome).unwrap_or(Value::Null),
            );
        }
        map.insert(
            "plans_diff".into(),
            diffs.map_or(Value::Null, |d| {
                serde_json::to_value(d).unwrap_or(Value::Null)
            }),
        );
    }
    value
}

/// An indicator's figures by period: the value, the target that applies
/// (the period's own, else its year's) and the status the council reported.
fn values_json(indicator: &Indicator) -> Value {
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
            .map(|t| t.value.map_or_else(|| json!(t.text), |v| json!(v)))
    };
    indicator
        .measurements
        .iter()
        .map(|m| {
            json!({
                "period": m.period.to_string(),
                "value": m.value.map_or_else(|| m.text.as_ref().map_or(Value::Null, |t| json!(t)), |v| json!(v)),
                "target": target_for(m.period),
                "status": m.status.map(|s| s.as_str()),
            })
        })
        .collect()
}

fn plan_json(plan: &PlanDraft) -> Value {
    json!({
        "title": plan.title,
        "kind": plan.kind.as_str(),
        "period": plan.period.map(|p| json!({"from": p.from.first_day().to_string(), "to": p.to.last_day().to_string()})),
    })
}

fn counts(doc: &PlanDocument) -> Value {
    let c = doc.counts();
    json!({
        "priorities": c.priorities,
        "outcomes": c.outcomes,
        "objectives": c.objectives,
        "actions": c.actions,
        "milestones": c.milestones,
        "indicators": c.indicators,
        "targets": c.targets,
        "updates": c.updates,
        "risks": c.risks,
    })
}

fn due_json(due: Option<&FuzzyDate>) -> Value {
    match due {
        Some(d) => json!({
            "text": d.text,
            "earliest": d.earliest.map(|d| d.to_string()),
            "latest": d.latest.map(|d| d.to_string()),
        }),
        None => Value::Null,
    }
}

/// The titles above an action: its own nodes first, then their ancestors.
fn parents(plan: &PlanDraft, action: &Action) -> Vec<String> {
    let mut titles: Vec<String> = Vec::new();
    for &start in &action.nodes {
        let mut next = Some(start);
        while let Some(index) = next {
            let Some(node) = plan.nodes.get(index) else {
                break;
            };
            if !titles.contains(&node.title) {
                titles.push(node.title.clone());
            }
            next = node.parent;
        }
    }
    titles
}

fn action_json(plan: &PlanDraft, action: &Action) -> Value {
    json!({
        "code": action.code,
        "title": action.title,
        "lead_officers": action.lead_officers.iter().map(|o| o.name.as_str()).collect::<Vec<_>>(),
        "due": due_json(action.due.as_ref()),
        "status": action.updates.iter().max_by_key(|u| u.as_at).map(|u| u.status.as_str()),
        "revisions": action.revisions.iter().map(|r| json!({"from": r.from.text, "to": r.to.text})).collect::<Vec<_>>(),
        "milestones": action.milestones.iter().map(|m| json!({"title": m.title, "due": due_json(m.due.as_ref())})).collect::<Vec<_>>(),
        "indicators": action.indicators.iter().filter_map(|&i| plan.indicators.get(i)).map(|i| i.code.as_ref().map_or_else(|| i.title.clone(), |c| c.to_string())).collect::<Vec<_>>(),
        "parents": parents(plan, action),
        "line": action.provenance.as_ref().and_then(|p| p.line),
        "sheet": action.provenance.as_ref().and_then(|p| p.sheet.clone()),
    })
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
