//! What a re-imported plan would change: the stored plan (read back into a
//! [`PlanDraft`]) against the plan a file gives, item by item.
//!
//! Items are matched, not compared by position: thread nodes by level and
//! title; actions, indicators and risks by code and title together, then by
//! code, then by title (titles and codes compared ignoring case and runs of
//! whitespace). A matched item is *changed* when one of its fields differs,
//! and the fields are named. Progress updates, measurements and due-date
//! revisions are compared by containment: only ones the file has and the
//! store lacks count (same date and status for an update, same period and
//! value for a measurement), because ones recorded in Goldthread are never
//! dropped by an import. Source lines and positions are not compared.
//!
//! No I/O: storage, the CLI and the web preview all use this one comparison.

use crate::action::{Action, Milestone};
use crate::document::PlanDraft;
use crate::indicator::Indicator;
use crate::names::named;
use crate::plan::{NodeLevel, PlanKind, ThreadNode};
use crate::risk::Risk;
use serde::Serialize;

/// What kind of item of a plan a difference is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ItemKind {
    Priority,
    Outcome,
    Objective,
    Action,
    Indicator,
    Risk,
}

named!(ItemKind {
    Priority => "priority",
    Outcome => "outcome",
    Objective => "objective",
    Action => "action",
    Indicator => "indicator",
    Risk => "risk",
});

impl ItemKind {
    pub fn node(level: NodeLevel) -> ItemKind {
        match level {
            NodeLevel::Priority => ItemKind::Priority,
            NodeLevel::Outcome => ItemKind::Outcome,
            NodeLevel::Objective => ItemKind::Objective,
        }
    }

    pub fn is_node(self) -> bool {
        matches!(
            self,
            ItemKind::Priority | ItemKind::Outcome | ItemKind::Objective
        )
    }
}

/// One item of a plan, as a person would name it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ItemRef {
    pub kind: ItemKind,
    pub code: Option<String>,
    pub title: String,
    /// Index into the file's plan (added, changed) or the stored plan
    /// (removed, unmatched); not part of the wire shape.
    #[serde(skip)]
    pub index: usize,
}

impl std::fmt::Display for ItemRef {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.code {
            Some(code) => write!(f, "{} {code} '{}'", self.kind.as_str(), self.title),
            None => write!(f, "{} '{}'", self.kind.as_str(), self.title),
        }
    }
}

/// A matched item whose fields differ.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ItemChange {
    pub item: ItemRef,
    pub fields: Vec<&'static str>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PlanChange {
    /// No stored plan has this title and kind.
    New,
    /// The stored plan holds exactly what the file gives.
    Unchanged,
    /// Storing the file would change the stored plan.
    Changed,
}

named!(PlanChange {
    New => "new",
    Unchanged => "unchanged",
    Changed => "changed",
});

/// The difference one plan of a file makes to the store.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PlanDiff {
    pub title: String,
    pub kind: PlanKind,
    pub status: PlanChange,
    /// The stored plan's id, when there is one.
    pub plan_id: Option<i64>,
    /// Plan-level fields that differ: `status`, `period`, `owner`, `sections`.
    pub plan_fields: Vec<&'static str>,
    /// In the file, not in the store.
    pub added: Vec<ItemRef>,
    /// In the store, not in the file: removed by a replacing import.
    pub removed: Vec<ItemRef>,
    pub changed: Vec<ItemChange>,
    /// In the store, not in the file, but kept: something was recorded on
    /// them in Goldthread (storage decides, see [`PlanDiff::keep`]).
    pub unmatched: Vec<ItemRef>,
}

impl PlanDiff {
    /// A plan the store does not have: everything in it is added.
    pub fn new_plan(file: &PlanDraft) -> PlanDiff {
        let mut diff = PlanDiff {
            title: file.title.clone(),
            kind: file.kind,
            status: PlanChange::New,
            plan_id: None,
            plan_fields: Vec::new(),
            added: Vec::new(),
            removed: Vec::new(),
            changed: Vec::new(),
            unmatched: Vec::new(),
        };
        diff.added
            .extend(file.nodes.iter().enumerate().map(node_ref));
        diff.added
            .extend(file.indicators.iter().enumerate().map(indicator_ref));
        diff.added
            .extend(file.actions.iter().enumerate().map(action_ref));
        diff.added
            .extend(file.risks.iter().enumerate().map(risk_ref));
        diff
    }

    /// Moves a stored item from `removed` to `unmatched`: the store keeps it.
    pub fn keep(&mut self, kind: ItemKind, stored_index: usize) {
        let is_it = |r: &ItemRef| {
            r.index == stored_index && (r.kind == kind || (r.kind.is_node() && kind.is_node()))
        };
        if let Some(at) = self.removed.iter().position(is_it) {
            let item = self.removed.remove(at);
            self.unmatched.push(item);
        }
        self.settle();
    }

    /// Whether the stored item (by kind and stored index) is removed.
    pub fn is_removed(&self, kind: ItemKind, stored_index: usize) -> bool {
        self.removed.iter().any(|r| {
            r.index == stored_index && (r.kind == kind || (r.kind.is_node() && kind.is_node()))
        })
    }

    fn settle(&mut self) {
        if self.status != PlanChange::New {
            self.status = if self.plan_fields.is_empty()
                && self.added.is_empty()
                && self.removed.is_empty()
                && self.changed.is_empty()
                && self.unmatched.is_empty()
            {
                PlanChange::Unchanged
            } else {
                PlanChange::Changed
            };
        }
    }

    /// Counts for a one-line summary: added, removed, changed, kept.
    pub fn counts(&self) -> (usize, usize, usize, usize) {
        (
            self.added.len(),
            self.removed.len(),
            self.changed.len(),
            self.unmatched.len(),
        )
    }
}

/// Which stored item each item of the file is: `nodes[i]` is the index in
/// the stored plan of the file's node `i`, if matched; likewise the rest.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PlanMatch {
    pub nodes: Vec<Option<usize>>,
    pub actions: Vec<Option<usize>>,
    pub indicators: Vec<Option<usize>>,
    pub risks: Vec<Option<usize>>,
}

/// Lower case, runs of whitespace as one space, trimmed.
pub fn normalise(text: &str) -> String {
    text.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

fn node_ref((index, n): (usize, &ThreadNode)) -> ItemRef {
    ItemRef {
        kind: ItemKind::node(n.level),
        code: n.code.clone(),
        title: n.title.clone(),
        index,
    }
}

fn action_ref((index, a): (usize, &Action)) -> ItemRef {
    ItemRef {
        kind: ItemKind::Action,
        code: a.code.clone(),
        title: a.title.clone(),
        index,
    }
}

fn indicator_ref((index, i): (usize, &Indicator)) -> ItemRef {
    ItemRef {
        kind: ItemKind::Indicator,
        code: i.code.as_ref().map(|c| c.to_string()),
        title: i.title.clone(),
        index,
    }
}

fn risk_ref((index, r): (usize, &Risk)) -> ItemRef {
    ItemRef {
        kind: ItemKind::Risk,
        code: r.code.clone(),
        title: r.title.clone(),
        index,
    }
}

/// Greedy matching in file order over passes of decreasing strictness:
/// each pass pairs a file item with the first unused stored item whose key
/// (if both have one) is equal.
/// A key an item is matched by, if it has one.
type MatchKey<'a, T> = &'a dyn Fn(&T) -> Option<String>;

fn match_by<T>(file: &[T], stored: &[T], passes: &[MatchKey<'_, T>]) -> Vec<Option<usize>> {
    let mut result = vec![None; file.len()];
    let mut used = vec![false; stored.len()];
    for key in passes {
        let stored_keys: Vec<Option<String>> = stored.iter().map(key).collect();
        for (i, item) in file.iter().enumerate() {
            if result[i].is_some() {
                continue;
            }
            let Some(k) = key(item) else { continue };
            if let Some(j) =
                (0..stored.len()).find(|&j| !used[j] && stored_keys[j].as_deref() == Some(&k))
            {
                used[j] = true;
                result[i] = Some(j);
            }
        }
    }
    result
}

fn code_key(code: Option<&str>) -> Option<String> {
    code.map(normalise).filter(|c| !c.is_empty())
}

/// Matches the file's items with the stored plan's.
pub fn match_plans(file: &PlanDraft, stored: &PlanDraft) -> PlanMatch {
    let node_key = |n: &ThreadNode| Some(format!("{}|{}", n.level.as_str(), normalise(&n.title)));
    let action_both =
        |a: &Action| code_key(a.code.as_deref()).map(|c| c + "|" + &normalise(&a.title));
    let action_code = |a: &Action| code_key(a.code.as_deref());
    let action_title = |a: &Action| Some(normalise(&a.title));
    let ind_code = |i: &Indicator| code_key(i.code.as_ref().map(|c| c.as_str()));
    let ind_both = |i: &Indicator| ind_code(i).map(|c| c + "|" + &normalise(&i.title));
    let ind_title = |i: &Indicator| Some(normalise(&i.title));
    let risk_code = |r: &Risk| code_key(r.code.as_deref());
    let risk_both = |r: &Risk| risk_code(r).map(|c| c + "|" + &normalise(&r.title));
    let risk_title = |r: &Risk| Some(normalise(&r.title));
    PlanMatch {
        nodes: match_by(&file.nodes, &stored.nodes, &[&node_key]),
        actions: match_by(
            &file.actions,
            &stored.actions,
            &[&action_both, &action_code, &action_title],
        ),
        indicators: match_by(
            &file.indicators,
            &stored.indicators,
            &[&ind_both, &ind_code, &ind_title],
        ),
        risks: match_by(
            &file.risks,
            &stored.risks,
            &[&risk_both, &risk_code, &risk_title],
        ),
    }
}

/// Compares the plan a file gives with the stored plan of the same title
/// and kind (`stored`, with its id), or reports it new.
pub fn diff_plan(file: &PlanDraft, stored: Option<(i64, &PlanDraft)>) -> (PlanDiff, PlanMatch) {
    let Some((plan_id, stored)) = stored else {
        return (PlanDiff::new_plan(file), PlanMatch::default());
    };
    let m = match_plans(file, stored);
    let mut diff = PlanDiff {
        title: file.title.clone(),
        kind: file.kind,
        status: PlanChange::Unchanged,
        plan_id: Some(plan_id),
        plan_fields: Vec::new(),
        added: Vec::new(),
        removed: Vec::new(),
        changed: Vec::new(),
        unmatched: Vec::new(),
    };
    // The status is not compared: once stored, a plan moves through the
    // planning cycle in Goldthread, whatever a file says of it.
    if file.period != stored.period {
        diff.plan_fields.push("period");
    }
    if file.owner != stored.owner {
        diff.plan_fields.push("owner");
    }
    let sections = |p: &PlanDraft| -> Vec<(String, String)> {
        p.sections
            .iter()
            .map(|s| (s.heading.clone(), s.body.clone()))
            .collect()
    };
    if sections(file) != sections(stored) {
        diff.plan_fields.push("sections");
    }

    // Keys by which links are compared: what a node, indicator or action
    // is, independent of indices.
    let node_keys = |p: &PlanDraft, idx: &[usize]| -> Vec<String> {
        let mut keys: Vec<String> = idx
            .iter()
            .filter_map(|&i| p.nodes.get(i))
            .map(|n| format!("{}|{}", n.level.as_str(), normalise(&n.title)))
            .collect();
        keys.sort();
        keys.dedup();
        keys
    };
    let indicator_keys = |p: &PlanDraft, idx: &[usize]| -> Vec<String> {
        let mut keys: Vec<String> = idx
            .iter()
            .filter_map(|&i| p.indicators.get(i))
            .map(|i| {
                code_key(i.code.as_ref().map(|c| c.as_str())).unwrap_or_else(|| normalise(&i.title))
            })
            .collect();
        keys.sort();
        keys.dedup();
        keys
    };
    let action_keys = |p: &PlanDraft, idx: &[usize]| -> Vec<String> {
        let mut keys: Vec<String> = idx
            .iter()
            .filter_map(|&i| p.actions.get(i))
            .map(|a| code_key(a.code.as_deref()).unwrap_or_else(|| normalise(&a.title)))
            .collect();
        keys.sort();
        keys.dedup();
        keys
    };

    for (i, node) in file.nodes.iter().enumerate() {
        let Some(j) = m.nodes[i] else {
            diff.added.push(node_ref((i, node)));
            continue;
        };
        let old = &stored.nodes[j];
        let mut fields = Vec::new();
        if node.title != old.title {
            fields.push("title");
        }
        if node.label != old.label {
            fields.push("label");
        }
        if node.strapline != old.strapline {
            fields.push("strapline");
        }
        if node.code != old.code {
            fields.push("code");
        }
        let parent =
            |p: &PlanDraft, n: &ThreadNode| node_keys(p, &n.parent.into_iter().collect::<Vec<_>>());
        if parent(file, node) != parent(stored, old) {
            fields.push("parent");
        }
        if !fields.is_empty() {
            diff.changed.push(ItemChange {
                item: node_ref((i, node)),
                fields,
            });
        }
    }
    for (i, ind) in file.indicators.iter().enumerate() {
        let Some(j) = m.indicators[i] else {
            diff.added.push(indicator_ref((i, ind)));
            continue;
        };
        let old = &stored.indicators[j];
        let mut fields = indicator_fields(ind, old);
        if node_keys(file, &ind.nodes) != node_keys(stored, &old.nodes) {
            fields.push("thread");
        }
        if !fields.is_empty() {
            diff.changed.push(ItemChange {
                item: indicator_ref((i, ind)),
                fields,
            });
        }
    }
    for (i, action) in file.actions.iter().enumerate() {
        let Some(j) = m.actions[i] else {
            diff.added.push(action_ref((i, action)));
            continue;
        };
        let old = &stored.actions[j];
        let mut fields = action_fields(action, old);
        if node_keys(file, &action.nodes) != node_keys(stored, &old.nodes) {
            fields.push("thread");
        }
        if indicator_keys(file, &action.indicators) != indicator_keys(stored, &old.indicators) {
            fields.push("indicators");
        }
        if !fields.is_empty() {
            diff.changed.push(ItemChange {
                item: action_ref((i, action)),
                fields,
            });
        }
    }
    for (i, risk) in file.risks.iter().enumerate() {
        let Some(j) = m.risks[i] else {
            diff.added.push(risk_ref((i, risk)));
            continue;
        };
        let old = &stored.risks[j];
        let mut fields = Vec::new();
        macro_rules! cmp {
            ($($f:ident),*) => { $( if risk.$f != old.$f { fields.push(stringify!($f)); } )* };
        }
        cmp!(
            code,
            title,
            cause,
            event,
            consequence,
            owner,
            likelihood,
            impact,
            controls
        );
        if action_keys(file, &risk.actions) != action_keys(stored, &old.actions) {
            fields.push("actions");
        }
        if node_keys(file, &risk.nodes) != node_keys(stored, &old.nodes) {
            fields.push("thread");
        }
        if !fields.is_empty() {
            diff.changed.push(ItemChange {
                item: risk_ref((i, risk)),
                fields,
            });
        }
    }

    let unused = |matched: &[Option<usize>], len: usize| -> Vec<usize> {
        (0..len).filter(|j| !matched.contains(&Some(*j))).collect()
    };
    for j in unused(&m.nodes, stored.nodes.len()) {
        diff.removed.push(node_ref((j, &stored.nodes[j])));
    }
    for j in unused(&m.indicators, stored.indicators.len()) {
        diff.removed.push(indicator_ref((j, &stored.indicators[j])));
    }
    for j in unused(&m.actions, stored.actions.len()) {
        diff.removed.push(action_ref((j, &stored.actions[j])));
    }
    for j in unused(&m.risks, stored.risks.len()) {
        diff.removed.push(risk_ref((j, &stored.risks[j])));
    }
    diff.settle();
    (diff, m)
}

/// A milestone as compared: title, due (text and bounds), completion.
fn milestone_key(m: &Milestone) -> String {
    format!(
        "{}|{:?}|{:?}",
        m.title,
        m.due.as_ref().map(|d| (&d.text, d.earliest, d.latest)),
        m.completed
    )
}

/// The fields of a matched action that differ (links aside).
pub fn action_fields(new: &Action, old: &Action) -> Vec<&'static str> {
    let mut fields = Vec::new();
    macro_rules! cmp {
        ($($f:ident),*) => { $( if new.$f != old.$f { fields.push(stringify!($f)); } )* };
    }
    cmp!(code, title, description);
    let (new_details, old_details) = if new.details == old.details {
        Default::default()
    } else {
        (
            new.details.to_action_details(),
            old.details.to_action_details(),
        )
    };
    macro_rules! details {
        ($($f:ident),*) => { $( if new_details.$f != old_details.$f { fields.push(stringify!($f)); } )* };
    }
    details!(
        target,
        outcome,
        critical_success_factors,
        environmental_impacts,
        outputs,
        risks,
        resources,
        resources_pounds,
        other_services,
        partnership_links,
        service_role,
        service_ref,
        priority_link,
        monitoring_bodies,
        measures
    );
    let officers = |a: &Action| {
        let mut seen: Vec<(String, bool)> = Vec::new();
        for o in &a.lead_officers {
            if !seen.iter().any(|(n, _)| *n == o.name) {
                seen.push((o.name.clone(), o.joint));
            }
        }
        seen
    };
    if officers(new) != officers(old) {
        fields.push("lead_officers");
    }
    cmp!(due);
    let revision = |r: &crate::action::DueRevision| (r.from.text.clone(), r.to.text.clone());
    if new
        .revisions
        .iter()
        .any(|r| !old.revisions.iter().any(|o| revision(o) == revision(r)))
    {
        fields.push("revisions");
    }
    let milestones = |a: &Action| a.milestones.iter().map(milestone_key).collect::<Vec<_>>();
    if milestones(new) != milestones(old) {
        fields.push("milestones");
    }
    if new.updates.iter().any(|u| {
        !old.updates
            .iter()
            .any(|o| o.as_at == u.as_at && o.status == u.status)
    }) {
        fields.push("updates");
    }
    cmp!(related);
    fields
}

/// The fields of a matched indicator that differ (links aside).
pub fn indicator_fields(new: &Indicator, old: &Indicator) -> Vec<&'static str> {
    let mut fields = Vec::new();
    macro_rules! cmp {
        ($($f:ident),*) => { $( if new.$f != old.$f { fields.push(stringify!($f)); } )* };
    }
    cmp!(
        code,
        title,
        description,
        unit,
        polarity,
        frequency,
        aggregation,
        baseline,
        targets,
        tolerance,
        owner
    );
    if new.measurements.iter().any(|m| {
        !old.measurements.iter().any(|o| {
            o.period == m.period
                    && o.value == m.value
                    && o.text == m.text
                    // A reported status the file gives must be held; a file
                    // without one does not clear it.
                    && (m.status.is_none() || o.status == m.status)
        })
    }) {
        fields.push("measurements");
    }
    fields
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn item_kind_names_are_its_serde_names() {
        crate::names::assert_names_are_serde_names(
            &ItemKind::ALL,
            ItemKind::as_str,
            ItemKind::parse,
        );
    }

    #[test]
    fn plan_change_names_are_its_serde_names() {
        crate::names::assert_names_are_serde_names(
            &PlanChange::ALL,
            PlanChange::as_str,
            PlanChange::parse,
        );
    }
    use crate::action::{ActionStatus, LeadOfficer, ProgressUpdate};
    use crate::indicator::Measurement;
    use chrono::NaiveDate;

    fn plan() -> PlanDraft {
        let mut p = PlanDraft::new("Housing plan", PlanKind::Service);
        p.nodes.push(ThreadNode {
            level: NodeLevel::Objective,
            label: "Objective".into(),
            title: "Homes for all".into(),
            strapline: None,
            code: None,
            parent: None,
            provenance: None,
        });
        p.indicators.push(Indicator {
            code: Some("NI 14".parse().unwrap()),
            title: "Avoidable contact".into(),
            nodes: vec![0],
            measurements: vec![Measurement {
                period: "2017/18 Q1".parse().unwrap(),
                value: Some(5.0),
                text: None,
                note: None,
                status: None,
                recorded_by: None,
                recorded_at: None,
            }],
            ..Indicator::default()
        });
        p.actions.push(Action {
            code: Some("KA.1".into()),
            title: "Build homes".into(),
            lead_officers: vec![LeadOfficer {
                name: "Head of Housing".into(),
                joint: false,
            }],
            updates: vec![ProgressUpdate {
                as_at: NaiveDate::from_ymd_opt(2017, 6, 30).unwrap(),
                status: ActionStatus::OnTrack,
                percent_complete: None,
                commentary: "Going".into(),
                author: None,
            }],
            nodes: vec![0],
            indicators: vec![0],
            ..Action::default()
        });
        p.actions.push(Action {
            code: None,
            title: "Repair   Roofs".into(),
            ..Action::default()
        });
        p
    }

    #[test]
    fn a_plan_with_no_stored_version_is_new_with_everything_added() {
        let (diff, _) = diff_plan(&plan(), None);
        assert_eq!(diff.status, PlanChange::New);
        assert_eq!(diff.added.len(), 4);
        assert_eq!(diff.plan_id, None);
    }

    #[test]
    fn the_same_plan_is_unchanged_even_when_lines_and_positions_move() {
        let stored = plan();
        let mut file = plan();
        file.actions.reverse();
        file.actions[0].provenance = Some(crate::document::Provenance::line(9));
        let (diff, m) = diff_plan(&file, Some((7, &stored)));
        assert_eq!(diff.status, PlanChange::Unchanged, "{diff:?}");
        assert_eq!(m.actions, vec![Some(1), Some(0)]);
        assert_eq!(diff.plan_id, Some(7));
    }

    #[test]
    fn actions_match_by_code_first_then_by_title_ignoring_case_and_spaces() {
        let stored = plan();
        let mut file = plan();
        file.actions[0].title = "Build more homes".into();
        file.actions[1].title = "repair roofs".into();
        file.actions[1].code = Some("KA.2".into());
        let (diff, m) = diff_plan(&file, Some((1, &stored)));
        assert_eq!(m.actions, vec![Some(0), Some(1)]);
        assert_eq!(diff.status, PlanChange::Changed);
        let fields: Vec<_> = diff.changed.iter().map(|c| c.fields.clone()).collect();
        assert_eq!(fields, vec![vec!["title"], vec!["code", "title"]]);
        assert!(diff.added.is_empty() && diff.removed.is_empty());
    }

    #[test]
    fn missing_items_are_removed_and_new_ones_added() {
        let stored = plan();
        let mut file = plan();
        file.actions.remove(1);
        file.nodes.clear();
        file.actions[0].nodes.clear();
        file.indicators[0].nodes.clear();
        file.actions.push(Action {
            code: Some("KA.3".into()),
            title: "New action".into(),
            ..Action::default()
        });
        let (diff, _) = diff_plan(&file, Some((1, &stored)));
        let removed: Vec<_> = diff.removed.iter().map(|r| r.to_string()).collect();
        assert_eq!(
            removed,
            vec!["objective 'Homes for all'", "action 'Repair   Roofs'"]
        );
        assert_eq!(diff.added.len(), 1);
        assert_eq!(diff.added[0].code.as_deref(), Some("KA.3"));
        let changed: Vec<_> = diff
            .changed
            .iter()
            .map(|c| (c.item.kind, c.fields.clone()))
            .collect();
        assert_eq!(
            changed,
            vec![
                (ItemKind::Indicator, vec!["thread"]),
                (ItemKind::Action, vec!["thread"])
            ]
        );
    }

    #[test]
    fn updates_and_values_count_only_when_the_file_has_ones_the_store_lacks() {
        let mut stored = plan();
        // Recorded in Goldthread: more than the file has; not a change.
        stored.actions[0].updates.push(ProgressUpdate {
            as_at: NaiveDate::from_ymd_opt(2017, 9, 30).unwrap(),
            status: ActionStatus::AtRisk,
            percent_complete: None,
            commentary: "Slipping".into(),
            author: Some("officer".into()),
        });
        let file = plan();
        let (diff, _) = diff_plan(&file, Some((1, &stored)));
        assert_eq!(diff.status, PlanChange::Unchanged, "{diff:?}");

        let mut file = plan();
        file.actions[0].updates[0].status = ActionStatus::Achieved;
        file.indicators[0].measurements[0].value = Some(6.0);
        file.actions[0].lead_officers[0].name = "Director".into();
        let (diff, _) = diff_plan(&file, Some((1, &stored)));
        let fields: Vec<_> = diff.changed.iter().map(|c| c.fields.clone()).collect();
        assert_eq!(
            fields,
            vec![vec!["measurements"], vec!["lead_officers", "updates"]]
        );
    }

    #[test]
    fn keeping_a_removed_item_moves_it_to_unmatched_and_the_plan_stays_changed() {
        let stored = plan();
        let mut file = plan();
        file.actions.remove(1);
        let (mut diff, _) = diff_plan(&file, Some((1, &stored)));
        assert!(diff.is_removed(ItemKind::Action, 1));
        diff.keep(ItemKind::Action, 1);
        assert!(!diff.is_removed(ItemKind::Action, 1));
        assert_eq!(diff.unmatched.len(), 1);
        assert_eq!(diff.status, PlanChange::Changed);
        assert_eq!(diff.counts(), (0, 0, 0, 1));
    }

    fn removed(items: &[(ItemKind, usize)]) -> PlanDiff {
        let mut diff = PlanDiff::new_plan(&PlanDraft::new("P", PlanKind::Service));
        diff.status = PlanChange::Changed;
        diff.removed = items
            .iter()
            .map(|&(kind, index)| ItemRef {
                kind,
                code: None,
                title: format!("{} {index}", kind.as_str()),
                index,
            })
            .collect();
        diff
    }

    #[test]
    fn a_kept_item_is_the_one_of_that_kind_and_stored_index() {
        // Stored actions 0 and 1 both removed: keeping action 1 keeps
        // that one, not the first action.
        let mut diff = removed(&[(ItemKind::Action, 0), (ItemKind::Action, 1)]);
        diff.keep(ItemKind::Action, 1);
        assert_eq!(
            diff.unmatched.iter().map(|r| r.index).collect::<Vec<_>>(),
            [1]
        );
        assert!(diff.is_removed(ItemKind::Action, 0));
        assert!(!diff.is_removed(ItemKind::Action, 1));
        // Added, removed, changed, kept.
        assert_eq!(diff.counts(), (0, 1, 0, 1));
        // Actions and indicators are numbered apart: indicator 2 is not
        // action 2.
        let mut diff = removed(&[(ItemKind::Action, 2), (ItemKind::Indicator, 2)]);
        assert!(!diff.is_removed(ItemKind::Risk, 2));
        diff.keep(ItemKind::Indicator, 2);
        assert_eq!(
            diff.unmatched.iter().map(|r| r.kind).collect::<Vec<_>>(),
            [ItemKind::Indicator]
        );
        assert!(diff.is_removed(ItemKind::Action, 2));
    }

    #[test]
    fn thread_nodes_of_every_level_share_one_numbering() {
        // The stored plan's nodes are one list: node 3 is node 3 whether
        // asked for as a priority or found as an outcome.
        let mut diff = removed(&[(ItemKind::Outcome, 3)]);
        assert!(diff.is_removed(ItemKind::Priority, 3));
        diff.keep(ItemKind::Priority, 3);
        assert!(diff.removed.is_empty());
        assert_eq!(diff.unmatched.len(), 1);
        // But a node is not an action of the same number, either way.
        let mut diff = removed(&[(ItemKind::Outcome, 2), (ItemKind::Action, 2)]);
        diff.keep(ItemKind::Action, 2);
        assert_eq!(
            diff.unmatched.iter().map(|r| r.kind).collect::<Vec<_>>(),
            [ItemKind::Action]
        );
        assert!(!diff.is_removed(ItemKind::Action, 2));
        let only_action = removed(&[(ItemKind::Action, 2)]);
        assert!(!only_action.is_removed(ItemKind::Priority, 2));
        for kind in [ItemKind::Priority, ItemKind::Outcome, ItemKind::Objective] {
            assert!(kind.is_node(), "{kind:?}");
        }
        for kind in [ItemKind::Action, ItemKind::Indicator, ItemKind::Risk] {
            assert!(!kind.is_node(), "{kind:?}");
        }
    }

    #[test]
    fn a_risk_changes_when_its_rating_or_what_it_threatens_changes() {
        let mut stored = plan();
        stored.risks.push(Risk {
            code: Some("R1".into()),
            title: "Homes not built".into(),
            likelihood: Some(3),
            impact: Some(4),
            actions: vec![0],
            nodes: vec![0],
            ..Risk::default()
        });
        let (same, _) = diff_plan(&stored.clone(), Some((1, &stored)));
        assert_eq!(same.status, PlanChange::Unchanged);
        let mut file = stored.clone();
        file.risks[0].likelihood = Some(4);
        file.risks[0].actions = vec![1];
        file.risks[0].nodes = vec![];
        let (diff, _) = diff_plan(&file, Some((1, &stored)));
        assert_eq!(diff.changed.len(), 1, "{diff:?}");
        assert_eq!(diff.changed[0].item.kind, ItemKind::Risk);
        assert_eq!(diff.changed[0].fields, ["likelihood", "actions", "thread"]);
    }

    #[test]
    fn a_milestone_completed_or_moved_changes_its_action() {
        let mut stored = plan();
        stored.actions[0].milestones.push(Milestone {
            title: "Site bought".into(),
            due: None,
            completed: None,
            provenance: None,
        });
        let mut file = stored.clone();
        file.actions[0].milestones[0].completed = NaiveDate::from_ymd_opt(2017, 5, 1);
        let (diff, _) = diff_plan(&file, Some((1, &stored)));
        assert_eq!(diff.changed.len(), 1, "{diff:?}");
        assert_eq!(diff.changed[0].fields, ["milestones"]);
    }

    #[test]
    fn a_lead_named_twice_is_one_lead_and_a_second_lead_is_a_change() {
        let stored = plan();
        let lead = |name: &str| LeadOfficer {
            name: name.into(),
            joint: false,
        };
        let mut twice = stored.clone();
        twice.actions[0].lead_officers = vec![lead("Head of Housing"), lead("Head of Housing")];
        let (diff, _) = diff_plan(&twice, Some((1, &stored)));
        assert_eq!(diff.status, PlanChange::Unchanged, "{diff:?}");
        let mut second = stored.clone();
        second.actions[0].lead_officers = vec![lead("Head of Housing"), lead("Head of Finance")];
        let (diff, _) = diff_plan(&second, Some((1, &stored)));
        assert_eq!(diff.changed.len(), 1, "{diff:?}");
        assert_eq!(diff.changed[0].fields, ["lead_officers"]);
    }

    #[test]
    fn only_a_revised_due_date_the_store_lacks_changes_an_action() {
        let date = |t: &str| crate::FuzzyDate::parse(t, crate::DateContext::default());
        let revision = |from: &str, to: &str| crate::DueRevision {
            from: date(from),
            to: date(to),
            reason: None,
            reported: None,
        };
        let mut stored = plan();
        stored.actions[0].revisions = vec![revision("March 2013", "June 2013")];
        let (same, _) = diff_plan(&stored.clone(), Some((1, &stored)));
        assert_eq!(same.status, PlanChange::Unchanged, "{same:?}");
        // Revisions recorded in Goldthread are never dropped by an import.
        let mut fewer = stored.clone();
        fewer.actions[0].revisions.clear();
        let (diff, _) = diff_plan(&fewer, Some((1, &stored)));
        assert_eq!(diff.status, PlanChange::Unchanged, "{diff:?}");
        let mut more = stored.clone();
        more.actions[0]
            .revisions
            .push(revision("June 2013", "September 2013"));
        let (diff, _) = diff_plan(&more, Some((1, &stored)));
        assert_eq!(diff.changed.len(), 1, "{diff:?}");
        assert_eq!(diff.changed[0].fields, ["revisions"]);
    }

    #[test]
    fn a_reported_status_the_file_gives_must_be_held_but_none_clears_nothing() {
        use crate::status::Rag;
        let mut stored = plan();
        stored.indicators[0].measurements[0].status = Some(Rag::Amber);
        let with = |status: Option<Rag>| {
            let mut file = stored.clone();
            file.indicators[0].measurements[0].status = status;
            diff_plan(&file, Some((1, &stored))).0
        };
        assert_eq!(with(Some(Rag::Amber)).status, PlanChange::Unchanged);
        let none = with(None);
        assert_eq!(none.status, PlanChange::Unchanged, "{none:?}");
        let red = with(Some(Rag::Red));
        assert_eq!(red.changed.len(), 1, "{red:?}");
        assert_eq!(red.changed[0].fields, ["measurements"]);
    }

    #[test]
    fn plan_level_fields_are_named() {
        let stored = plan();
        let mut file = plan();
        file.owner = Some("Housing".into());
        let (diff, _) = diff_plan(&file, Some((1, &stored)));
        assert_eq!(diff.plan_fields, vec!["owner"]);
        assert_eq!(diff.status, PlanChange::Changed);
    }

    #[test]
    fn the_wire_shape_names_items_by_kind_code_and_title() {
        let (diff, _) = diff_plan(&plan(), None);
        let json = serde_json::to_value(&diff.added[2]).unwrap();
        assert_eq!(
            json,
            serde_json::json!({"kind": "action", "code": "KA.1", "title": "Build homes"})
        );
    }
}
