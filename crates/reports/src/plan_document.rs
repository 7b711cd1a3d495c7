//! A plan as the document a committee approves: its cover, its narrative
//! sections, then its thread in reading order — each priority, outcome and
//! objective as a heading, with the actions under it as a table (code,
//! action, lead officer, due date and revisions, milestones, targets and
//! success factors) and its indicators as a table (code, title, frequency,
//! unit, polarity, baseline, a target column per year) — and its risks.
//!
//! Built once from the stored plan (`Store::export_document` gives the
//! whole `PlanDraft`, where the monitoring read model keeps only what the
//! status rules need); `render::render_plan` lays it out as Word, PDF or
//! HTML and adds nothing of its own.

use goldthread_domain::{
    Action, ActionDetails, FinancialYear, Indicator, Period, PlanDraft, Risk, ThreadNode,
};
use serde::Serialize;
use std::collections::BTreeSet;

#[derive(Debug, Clone, Serialize)]
pub struct PrintedPlan {
    pub council: String,
    pub title: String,
    /// The plan's particulars for its cover, in order.
    pub cover: Vec<Detail>,
    pub narrative: Vec<Narrative>,
    /// What the thread is headed: "Action plan", or "Performance
    /// indicators" for a plan of indicators only.
    pub thread_heading: &'static str,
    /// The thread in reading order: a node, then what hangs from it, then
    /// its children.
    pub sections: Vec<ThreadSection>,
    /// The financial years the indicator tables give a target column each.
    pub target_years: Vec<String>,
    pub risks: Vec<RiskEntry>,
}

/// A labelled piece of text: a cover line, or a field of an action.
#[derive(Debug, Clone, Serialize)]
pub struct Detail {
    pub label: &'static str,
    pub text: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct Narrative {
    pub heading: String,
    pub body: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct ThreadSection {
    /// 0 for a top-level priority (or the plan's unlinked items).
    pub depth: usize,
    /// "Corporate Priority: People", as the plan names its levels.
    pub heading: String,
    pub strapline: Option<String>,
    pub actions: Vec<ActionEntry>,
    pub indicators: Vec<IndicatorEntry>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ActionEntry {
    pub code: String,
    pub title: String,
    pub description: Option<String>,
    pub lead: String,
    /// The due date as the plan gave it.
    pub due: String,
    /// "Revised from March 2013 to June 2013: reason", oldest first.
    pub revisions: Vec<String>,
    /// "Title (due date)", in order.
    pub milestones: Vec<String>,
    /// Target, outcome, critical success factors, measures and the other
    /// fields the plan gave, each labelled.
    pub measures: Vec<Detail>,
}

#[derive(Debug, Clone, Serialize)]
pub struct IndicatorEntry {
    pub code: String,
    pub title: String,
    pub frequency: String,
    pub unit: &'static str,
    pub polarity: &'static str,
    pub baseline: String,
    /// One cell per `PrintedPlan::target_years`, empty where none is set.
    pub targets: Vec<String>,
    pub lead: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct RiskEntry {
    pub code: String,
    pub title: String,
    pub owner: String,
    pub likelihood: String,
    pub impact: String,
    pub score: String,
    pub controls: String,
    /// The codes (or titles) of the actions it threatens.
    pub actions: String,
}

impl ActionEntry {
    /// The action table's headings, one per column.
    pub const HEADINGS: [&'static str; 6] = [
        "Code",
        "Action",
        "Lead officer",
        "Due date",
        "Milestones",
        "Targets and success measures",
    ];
}

impl RiskEntry {
    pub const HEADINGS: [&'static str; 8] = [
        "Ref",
        "Risk",
        "Owner",
        "Likelihood",
        "Impact",
        "Score",
        "Controls",
        "Actions affected",
    ];
}

impl PrintedPlan {
    /// The indicator table's headings: a target column per year.
    pub fn indicator_headings(&self) -> Vec<String> {
        let mut headings: Vec<String> = [
            "Code",
            "Indicator",
            "Frequency",
            "Unit",
            "Polarity",
            "Baseline",
        ]
        .map(String::from)
        .to_vec();
        headings.extend(self.target_years.iter().map(|y| format!("Target {y}")));
        headings.push("Lead officer".to_string());
        headings
    }

    pub fn file_stem(&self) -> String {
        file_stem(&self.title)
    }
}

/// A plan document's file name without extension: the title's words in
/// lower case, joined by hyphens ("service-plan-2017-18"); ASCII only, so
/// it can stand in any header.
pub fn file_stem(title: &str) -> String {
    let words: Vec<String> = title
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_ascii_lowercase)
        .collect();
    match words.join("-") {
        stem if stem.is_empty() => "plan".to_string(),
        stem => stem.chars().take(80).collect(),
    }
}

/// The printed plan of `plan`, for the council named `council`.
pub fn build(plan: &PlanDraft, council: &str) -> PrintedPlan {
    let mut cover = vec![Detail {
        label: "Kind of plan",
        text: plan.kind.label().to_string(),
    }];
    if let Some(period) = plan.period {
        cover.push(Detail {
            label: "Period",
            text: period.to_string(),
        });
    }
    if let Some(owner) = &plan.owner {
        cover.push(Detail {
            label: "Service",
            text: owner.clone(),
        });
    }
    cover.push(Detail {
        label: "Status",
        text: plan.status.label().to_string(),
    });
    let target_years: Vec<FinancialYear> = plan
        .indicators
        .iter()
        .flat_map(|i| &i.targets)
        .map(|t| t.period.financial_year())
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    PrintedPlan {
        council: council.to_string(),
        title: plan.title.clone(),
        cover,
        narrative: plan
            .sections
            .iter()
            .map(|s| Narrative {
                heading: s.heading.clone(),
                body: s.body.clone(),
            })
            .collect(),
        thread_heading: if plan.actions.is_empty() && !plan.indicators.is_empty() {
            "Performance indicators"
        } else {
            "Action plan"
        },
        sections: thread(plan, &target_years),
        target_years: target_years.iter().map(ToString::to_string).collect(),
        risks: plan.risks.iter().map(|r| risk_entry(plan, r)).collect(),
    }
}

/// How far each node sits from the top of the thread. A parent index that
/// is out of range, or a loop, ends the walk rather than the process.
fn depths(nodes: &[ThreadNode]) -> Vec<usize> {
    nodes
        .iter()
        .map(|node| {
            let mut depth = 0;
            let mut parent = node.parent;
            while let Some(p) = parent.filter(|p| *p < nodes.len() && depth < nodes.len()) {
                depth += 1;
                parent = nodes[p].parent;
            }
            depth
        })
        .collect()
}

/// The node an item sits under: the deepest of those it names (an action
/// named against an outcome and its priority belongs to the outcome).
fn home(nodes: &[usize], depths: &[usize]) -> Option<usize> {
    nodes
        .iter()
        .copied()
        .filter(|n| *n < depths.len())
        .fold(None, |best: Option<usize>, n| match best {
            Some(b) if depths[b] >= depths[n] => Some(b),
            _ => Some(n),
        })
}

/// The nodes in reading order: each followed by its children, in the
/// plan's order; every node once, even where parents are broken.
fn reading_order(nodes: &[ThreadNode]) -> Vec<usize> {
    let mut children: Vec<Vec<usize>> = vec![Vec::new(); nodes.len()];
    let mut roots = Vec::new();
    for (i, node) in nodes.iter().enumerate() {
        match node.parent.filter(|p| *p < nodes.len() && *p != i) {
            Some(p) => children[p].push(i),
            None => roots.push(i),
        }
    }
    let mut seen = vec![false; nodes.len()];
    let mut order = Vec::with_capacity(nodes.len());
    let mut stack: Vec<usize> = roots.into_iter().rev().collect();
    // Nodes left over (a loop of parents) start walks of their own.
    let mut rest = (0..nodes.len()).rev().collect::<Vec<_>>();
    loop {
        let next = match stack.pop() {
            Some(n) => n,
            None => match rest.pop() {
                Some(n) => n,
                None => break,
            },
        };
        if std::mem::replace(&mut seen[next], true) {
            continue;
        }
        order.push(next);
        stack.extend(children[next].iter().rev());
    }
    order
}

fn node_heading(node: &ThreadNode) -> String {
    let label = match (&node.label, &node.code) {
        (label, Some(code)) if !label.is_empty() => format!("{label} {code}"),
        (_, Some(code)) => code.clone(),
        (label, None) => label.clone(),
    };
    if label.is_empty() {
        node.title.clone()
    } else {
        format!("{label}: {}", node.title)
    }
}

fn thread(plan: &PlanDraft, target_years: &[FinancialYear]) -> Vec<ThreadSection> {
    let depths = depths(&plan.nodes);
    // Where each action and indicator goes: its node, or none.
    let action_home: Vec<Option<usize>> = plan
        .actions
        .iter()
        .map(|a| home(&a.nodes, &depths))
        .collect();
    let indicator_home: Vec<Option<usize>> = plan
        .indicators
        .iter()
        .enumerate()
        .map(|(i, indicator)| {
            home(&indicator.nodes, &depths).or_else(|| {
                // Named by no node: it goes with the first action it measures.
                plan.actions
                    .iter()
                    .position(|a| a.indicators.contains(&i))
                    .and_then(|a| action_home[a])
            })
        })
        .collect();
    let section = |depth, heading, strapline, node: Option<usize>| ThreadSection {
        depth,
        heading,
        strapline,
        actions: plan
            .actions
            .iter()
            .zip(&action_home)
            .filter(|(_, h)| **h == node)
            .map(|(a, _)| action_entry(plan, a))
            .collect(),
        indicators: plan
            .indicators
            .iter()
            .zip(&indicator_home)
            .filter(|(_, h)| **h == node)
            .map(|(i, _)| indicator_entry(i, target_years))
            .collect(),
    };
    let mut sections: Vec<ThreadSection> = reading_order(&plan.nodes)
        .into_iter()
        .map(|n| {
            let node = &plan.nodes[n];
            section(
                depths[n],
                node_heading(node),
                node.strapline.clone(),
                Some(n),
            )
        })
        .collect();
    let unlinked = section(
        0,
        if plan.nodes.is_empty() {
            "Actions and performance indicators".to_string()
        } else {
            "Not linked to a priority or outcome".to_string()
        },
        None,
        None,
    );
    if !unlinked.actions.is_empty() || !unlinked.indicators.is_empty() {
        sections.push(unlinked);
    }
    sections
}

fn detail(label: &'static str, text: Option<&String>) -> Option<Detail> {
    text.map(|t| t.trim())
        .filter(|t| !t.is_empty())
        .map(|t| Detail {
            label,
            text: t.to_string(),
        })
}

fn measures(plan: &PlanDraft, action: &Action) -> Vec<Detail> {
    let ActionDetails {
        target,
        outcome,
        critical_success_factors,
        environmental_impacts,
        outputs,
        risks,
        resources,
        resources_pounds: _, // read from `resources`, which is printed as written
        other_services,
        partnership_links,
        service_role,
        service_ref,
        priority_link,
        monitoring_bodies,
        measures,
    } = &action.details.to_action_details();
    let indicators: Vec<String> = action
        .indicators
        .iter()
        .filter_map(|i| plan.indicators.get(*i))
        .map(|i| match &i.code {
            Some(code) => format!("{code} {}", i.title),
            None => i.title.clone(),
        })
        .collect();
    let indicators = (!indicators.is_empty()).then(|| indicators.join("; "));
    let related = (!action.related.is_empty()).then(|| action.related.join(", "));
    [
        detail("Target", target.as_ref()),
        detail("Outcome", outcome.as_ref()),
        detail(
            "Critical success factors",
            critical_success_factors.as_ref(),
        ),
        detail("Measures", measures.as_ref()),
        detail("Performance indicators", indicators.as_ref()),
        detail("Outputs", outputs.as_ref()),
        detail("Environmental impacts", environmental_impacts.as_ref()),
        detail("Resources", resources.as_ref()),
        detail("Risks", risks.as_ref()),
        detail("Role of the service", service_role.as_ref()),
        detail("Service reference", service_ref.as_ref()),
        detail("Council priority", priority_link.as_ref()),
        detail("Other services affected", other_services.as_ref()),
        detail("Links to partnership agendas", partnership_links.as_ref()),
        detail("Monitored by", monitoring_bodies.as_ref()),
        detail("Related actions", related.as_ref()),
    ]
    .into_iter()
    .flatten()
    .collect()
}

fn action_entry(plan: &PlanDraft, action: &Action) -> ActionEntry {
    let names: Vec<&str> = action
        .lead_officers
        .iter()
        .map(|l| l.name.as_str())
        .collect();
    let joint = names.len() > 1 && action.lead_officers.iter().any(|l| l.joint);
    let lead = if joint {
        format!("Joint action: {}", names.join("; "))
    } else {
        names.join("; ")
    };
    ActionEntry {
        code: action.code.clone().unwrap_or_default(),
        title: action.title.clone(),
        description: action.description.clone().filter(|d| !d.trim().is_empty()),
        lead,
        due: action
            .due
            .as_ref()
            .map(|d| d.text.clone())
            .unwrap_or_default(),
        revisions: action
            .revisions
            .iter()
            .map(|r| {
                let mut text = format!("Revised from {} to {}", r.from.text, r.to.text);
                if let Some(reason) = r.reason.as_deref().filter(|r| !r.trim().is_empty()) {
                    text.push_str(": ");
                    text.push_str(reason.trim());
                }
                text
            })
            .collect(),
        milestones: action
            .milestones
            .iter()
            .map(|m| {
                let mut text = m.title.clone();
                if let Some(due) = &m.due {
                    text.push_str(&format!(" ({})", due.text));
                }
                if let Some(day) = m.completed {
                    text.push_str(&format!(", completed {}", day.format("%-d %B %Y")));
                }
                text
            })
            .collect(),
        measures: measures(plan, action),
    }
}

fn indicator_entry(indicator: &Indicator, target_years: &[FinancialYear]) -> IndicatorEntry {
    let targets = target_years
        .iter()
        .map(|year| {
            indicator
                .targets
                .iter()
                .filter(|t| t.period.financial_year() == *year)
                .map(|t| match t.period {
                    Period::Year(_) => t.text.clone(),
                    // A quarter's or a month's target is named in the year's cell.
                    other => format!("{other}: {}", t.text),
                })
                .collect::<Vec<_>>()
                .join("\n")
        })
        .collect();
    let baseline = indicator
        .baseline
        .as_ref()
        .map(|b| match &b.when {
            Some(when) => format!("{} ({when})", b.text),
            None => b.text.clone(),
        })
        .unwrap_or_default();
    IndicatorEntry {
        code: indicator
            .code
            .as_ref()
            .map(ToString::to_string)
            .unwrap_or_default(),
        title: indicator.title.clone(),
        frequency: indicator
            .frequency
            .map(|f| f.label().to_string())
            .unwrap_or_default(),
        unit: indicator.unit.label(),
        polarity: indicator.polarity.label(),
        baseline,
        targets,
        lead: indicator.owner.clone().unwrap_or_default(),
    }
}

fn risk_entry(plan: &PlanDraft, risk: &Risk) -> RiskEntry {
    let number = |n: Option<u8>| n.map(|n| n.to_string()).unwrap_or_default();
    let actions: Vec<String> = risk
        .actions
        .iter()
        .filter_map(|a| plan.actions.get(*a))
        .map(|a| a.code.clone().unwrap_or_else(|| a.title.clone()))
        .collect();
    RiskEntry {
        code: risk.code.clone().unwrap_or_default(),
        title: risk.title.clone(),
        owner: risk.owner.clone().unwrap_or_default(),
        likelihood: number(risk.likelihood),
        impact: number(risk.impact),
        score: risk.score().map(|s| s.to_string()).unwrap_or_default(),
        controls: risk.controls.clone().unwrap_or_default(),
        actions: actions.join("; "),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use goldthread_domain::{
        DateContext, FuzzyDate, LeadOfficer, NodeLevel, PlanKind, PlanPeriod, Target,
    };

    fn node(level: NodeLevel, label: &str, title: &str, parent: Option<usize>) -> ThreadNode {
        ThreadNode {
            level,
            label: label.into(),
            title: title.into(),
            strapline: None,
            code: None,
            parent,
            provenance: None,
        }
    }

    fn action(code: &str, nodes: Vec<usize>) -> Action {
        Action {
            code: Some(code.into()),
            title: format!("Action {code}"),
            nodes,
            ..Action::default()
        }
    }

    fn year(start: i32) -> FinancialYear {
        FinancialYear::starting(start).unwrap()
    }

    fn sample() -> PlanDraft {
        let mut plan = PlanDraft::new("Service Plan 2017/18", PlanKind::Service);
        plan.period = Some(PlanPeriod {
            from: year(2017),
            to: year(2018),
        });
        plan.nodes = vec![
            node(NodeLevel::Priority, "Corporate Priority", "People", None),
            node(NodeLevel::Outcome, "Outcome", "Healthy lives", Some(0)),
            node(NodeLevel::Priority, "Corporate Priority", "Place", None),
            node(
                NodeLevel::Outcome,
                "Outcome",
                "Engaged communities",
                Some(0),
            ),
        ];
        let mut ka1 = action("KA.1", vec![0, 1]);
        ka1.lead_officers = vec![
            LeadOfficer {
                name: "Head of Housing".into(),
                joint: true,
            },
            LeadOfficer {
                name: "HR".into(),
                joint: true,
            },
        ];
        ka1.due = Some(FuzzyDate::parse("March 2018", DateContext::default()));
        ka1.details.set(
            goldthread_domain::DetailField::CriticalSuccessFactors,
            Some("Corporate buy-in.".into()),
        );
        ka1.indicators = vec![0];
        plan.actions = vec![
            ka1,
            action("KA.2", vec![3]),
            action("KA.3", vec![2]),
            action("KA.4", vec![]),
        ];
        plan.indicators = vec![
            Indicator {
                code: Some("MEHPI 132".parse().unwrap()),
                title: "% of grants approved".into(),
                targets: vec![
                    Target {
                        period: Period::Year(year(2018)),
                        text: "90%".into(),
                        value: Some(90.0),
                    },
                    Target {
                        period: "2017/18 Q1".parse().unwrap(),
                        text: "85%".into(),
                        value: Some(85.0),
                    },
                ],
                ..Indicator::default()
            },
            Indicator {
                title: "Parks with Green Flags".into(),
                nodes: vec![2],
                ..Indicator::default()
            },
        ];
        plan
    }

    #[test]
    fn the_thread_reads_in_order_with_each_item_under_its_deepest_node() {
        let printed = build(&sample(), "East Herts Council");
        let outline: Vec<(usize, &str, Vec<&str>, Vec<&str>)> = printed
            .sections
            .iter()
            .map(|s| {
                (
                    s.depth,
                    s.heading.as_str(),
                    s.actions.iter().map(|a| a.code.as_str()).collect(),
                    s.indicators.iter().map(|i| i.title.as_str()).collect(),
                )
            })
            .collect();
        assert_eq!(
            outline,
            [
                (0, "Corporate Priority: People", vec![], vec![]),
                (
                    1,
                    "Outcome: Healthy lives",
                    vec!["KA.1"],
                    // Named by no node: with the action it measures.
                    vec!["% of grants approved"]
                ),
                (1, "Outcome: Engaged communities", vec!["KA.2"], vec![]),
                (
                    0,
                    "Corporate Priority: Place",
                    vec!["KA.3"],
                    vec!["Parks with Green Flags"]
                ),
                (
                    0,
                    "Not linked to a priority or outcome",
                    vec!["KA.4"],
                    vec![]
                ),
            ]
        );
    }

    #[test]
    fn an_action_carries_its_lead_due_date_and_success_factors() {
        let printed = build(&sample(), "East Herts Council");
        let ka1 = &printed.sections[1].actions[0];
        assert_eq!(ka1.lead, "Joint action: Head of Housing; HR");
        assert_eq!(ka1.due, "March 2018");
        let measures: Vec<(&str, &str)> = ka1
            .measures
            .iter()
            .map(|d| (d.label, d.text.as_str()))
            .collect();
        assert_eq!(
            measures,
            [
                ("Critical success factors", "Corporate buy-in."),
                ("Performance indicators", "MEHPI 132 % of grants approved"),
            ]
        );
    }

    #[test]
    fn indicator_targets_fall_in_a_column_per_year() {
        let printed = build(&sample(), "East Herts Council");
        assert_eq!(printed.target_years, ["2017/18", "2018/19"]);
        let grants = &printed.sections[1].indicators[0];
        assert_eq!(grants.targets, ["2017/18 Q1: 85%", "90%"]);
        assert_eq!(grants.code, "MEHPI 132");
        let parks = &printed.sections[3].indicators[0];
        assert_eq!(parks.targets, ["", ""]);
        assert_eq!(
            (
                printed.cover[0].text.as_str(),
                printed.cover[1].text.as_str()
            ),
            ("Service plan", "2017/18 to 2018/19")
        );
    }

    #[test]
    fn broken_parents_neither_loop_nor_lose_a_node() {
        let mut plan = sample();
        plan.nodes[0].parent = Some(1); // 0 → 1 → 0
        plan.nodes[2].parent = Some(99);
        let printed = build(&plan, "");
        assert_eq!(printed.sections.len(), 5, "four nodes and the unlinked");
    }

    #[test]
    fn a_file_is_named_for_the_plan() {
        let mut printed = build(&sample(), "");
        assert_eq!(printed.file_stem(), "service-plan-2017-18");
        printed.title = "***".into();
        assert_eq!(printed.file_stem(), "plan");
    }
}
