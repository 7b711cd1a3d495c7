//! A plan's golden thread as a tree, with status at every level. Roll-ups
//! count the actions beneath a node by RAG; they never average colours.

use super::assess;
use super::scope::Scope;
use goldthread_domain::status::{ActionHealth, Rag, Tally};
use goldthread_storage::{MonitoringData, NodeInfo};
use serde::Serialize;
use std::collections::HashMap;

#[derive(Debug, Serialize)]
pub struct ActionLine {
    pub id: i64,
    pub code: Option<String>,
    pub title: String,
    pub officers: String,
    pub due: Option<String>,
    pub health: &'static str,
    pub health_label: &'static str,
    pub rag: &'static str,
}

pub fn action_line(action: &goldthread_storage::ActionInfo, health: ActionHealth) -> ActionLine {
    ActionLine {
        id: action.id,
        code: action.code.clone(),
        title: action.title.clone(),
        officers: action.officers.join("; "),
        due: action.due.map(|d| d.format("%-d %B %Y").to_string()),
        health: health.as_str(),
        health_label: health.label(),
        rag: health.rag().as_str(),
    }
}

#[derive(Debug, Serialize)]
pub struct RagCount {
    pub rag: &'static str,
    pub label: &'static str,
    pub count: usize,
}

#[derive(Debug, Serialize)]
pub struct TreeNode {
    pub id: i64,
    pub label: String,
    pub title: String,
    pub strapline: Option<String>,
    pub rollup: Vec<RagCount>,
    pub total: usize,
    pub children: Vec<TreeNode>,
    pub actions: Vec<ActionLine>,
    pub indicators: Vec<IndicatorTag>,
}

#[derive(Debug, Serialize)]
pub struct IndicatorTag {
    pub id: i64,
    pub code: Option<String>,
    pub title: String,
    pub rag: &'static str,
    pub rag_label: &'static str,
}

#[derive(Debug, Serialize)]
pub struct PlanTree {
    pub roots: Vec<TreeNode>,
    /// Actions in the plan linked to no node of its thread.
    pub unlinked: Vec<ActionLine>,
    pub rollup: Vec<RagCount>,
    pub total: usize,
}

fn rollup(tally: &Tally<Rag>) -> Vec<RagCount> {
    [Rag::Red, Rag::Amber, Rag::Green, Rag::Blue, Rag::Grey]
        .into_iter()
        .map(|r| RagCount {
            rag: r.as_str(),
            label: r.label(),
            count: tally.get(r),
        })
        .collect()
}

pub fn build(data: &MonitoringData, plan_id: i64, scope: &Scope) -> PlanTree {
    let rules = assess::rules(data);
    let status_filter = scope.status.as_deref().and_then(ActionHealth::parse);
    let nodes: Vec<&NodeInfo> = data.nodes.iter().filter(|n| n.plan_id == plan_id).collect();
    let mut actions_by_node: HashMap<i64, Vec<ActionLine>> = HashMap::new();
    // Per node, the actions linked to it (by id, with their RAG), so a
    // roll-up counts an action once even if it is linked at two levels.
    let mut rags_by_node: HashMap<i64, Vec<(i64, Rag)>> = HashMap::new();
    let mut unlinked = Vec::new();
    let mut plan_tally = Tally::default();
    for action in data
        .actions
        .iter()
        .filter(|a| a.plan_id == plan_id && scope.includes_action(data, a))
    {
        let health = assess::action(action, scope.as_at).health;
        if status_filter.is_some_and(|s| s != health) {
            continue;
        }
        plan_tally.add(health.rag());
        if action.node_ids.is_empty() {
            unlinked.push(action_line(action, health));
        }
        for node in &action.node_ids {
            actions_by_node
                .entry(*node)
                .or_default()
                .push(action_line(action, health));
            rags_by_node
                .entry(*node)
                .or_default()
                .push((action.id, health.rag()));
        }
    }
    let mut indicators_by_node: HashMap<i64, Vec<IndicatorTag>> = HashMap::new();
    for indicator in data.indicators.iter().filter(|i| i.plan_id == plan_id) {
        let standing = assess::indicator(data, indicator, &rules, scope.as_at);
        for node in &indicator.node_ids {
            indicators_by_node
                .entry(*node)
                .or_default()
                .push(IndicatorTag {
                    id: indicator.id,
                    code: indicator.code.clone(),
                    title: indicator.title.clone(),
                    rag: standing.rag.rag().as_str(),
                    rag_label: standing.rag.label(),
                });
        }
    }
    let mut children: HashMap<Option<i64>, Vec<&NodeInfo>> = HashMap::new();
    for node in &nodes {
        children.entry(node.parent_id).or_default().push(node);
    }
    fn assemble(
        node: &NodeInfo,
        children: &HashMap<Option<i64>, Vec<&NodeInfo>>,
        actions: &mut HashMap<i64, Vec<ActionLine>>,
        rags: &HashMap<i64, Vec<(i64, Rag)>>,
        indicators: &mut HashMap<i64, Vec<IndicatorTag>>,
    ) -> (TreeNode, HashMap<i64, Rag>) {
        let mut beneath: HashMap<i64, Rag> =
            rags.get(&node.id).into_iter().flatten().copied().collect();
        let mut kids = Vec::new();
        for child in children
            .get(&Some(node.id))
            .map(Vec::as_slice)
            .unwrap_or_default()
        {
            let (tree, child_actions) = assemble(child, children, actions, rags, indicators);
            beneath.extend(child_actions);
            kids.push(tree);
        }
        let mut tally = Tally::default();
        for rag in beneath.values() {
            tally.add(*rag);
        }
        let tree = TreeNode {
            id: node.id,
            label: node.label.clone(),
            title: node.title.clone(),
            strapline: node.strapline.clone(),
            rollup: rollup(&tally),
            total: tally.total(),
            children: kids,
            actions: actions.remove(&node.id).unwrap_or_default(),
            indicators: indicators.remove(&node.id).unwrap_or_default(),
        };
        (tree, beneath)
    }
    let roots = children
        .get(&None)
        .map(Vec::as_slice)
        .unwrap_or_default()
        .iter()
        .map(|root| {
            assemble(
                root,
                &children,
                &mut actions_by_node,
                &rags_by_node,
                &mut indicators_by_node,
            )
            .0
        })
        .filter(|tree| {
            status_filter.is_none() && scope.officer.is_none() && scope.service.is_none()
                || tree.total > 0
        })
        .collect();
    PlanTree {
        roots,
        unlinked,
        rollup: rollup(&plan_tally),
        total: plan_tally.total(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::views::scope::ScopeQuery;
    use goldthread_storage::{ActionInfo, PlanInfo};

    fn node(id: i64, parent: Option<i64>, title: &str) -> NodeInfo {
        NodeInfo {
            id,
            plan_id: 1,
            parent_id: parent,
            level: "outcome".into(),
            label: "Outcome".into(),
            title: title.into(),
            strapline: None,
        }
    }

    fn action(id: i64, nodes: Vec<i64>) -> std::sync::Arc<ActionInfo> {
        std::sync::Arc::new(ActionInfo {
            id,
            plan_id: 1,
            code: Some(format!("A{id}")),
            title: format!("Action {id}"),
            service_ref: None,
            due_text: None,
            original_due: None,
            due: None,
            due_in_force_text: None,
            officers: vec![],
            node_ids: nodes,
            updates: vec![],
        })
    }

    #[test]
    fn roll_ups_count_each_action_once_at_every_level() {
        let data = MonitoringData {
            version: 1,
            known_at: None,
            organisation: Default::default(),
            plans: vec![PlanInfo {
                id: 1,
                title: "Plan".into(),
                kind: "service".into(),
                owner: None,
                first_day: None,
                last_day: None,
                published: false,
                status: goldthread_domain::PlanStatus::Approved,
                adopted: true,
            }],
            nodes: vec![
                node(10, None, "Priority"),
                node(11, Some(10), "Outcome A"),
                node(12, Some(10), "Outcome B"),
            ],
            // Action 1 is linked at two levels; it still counts once above.
            actions: vec![
                action(1, vec![10, 11]),
                action(2, vec![11]),
                action(3, vec![12]),
                action(4, vec![]),
            ],
            indicators: vec![],
        };
        let scope = Scope::from_query(
            &ScopeQuery::default(),
            chrono::NaiveDate::from_ymd_opt(2020, 1, 1).unwrap(),
        );
        let tree = build(&data, 1, &scope);
        assert_eq!(tree.total, 4);
        assert_eq!(tree.roots.len(), 1);
        assert_eq!(
            tree.roots[0].total, 3,
            "actions 1, 2 and 3 under the priority, once each"
        );
        assert_eq!(
            (
                tree.roots[0].children[0].total,
                tree.roots[0].children[1].total
            ),
            (2, 1)
        );
        assert_eq!(tree.unlinked.len(), 1);
    }
}
