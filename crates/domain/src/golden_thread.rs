//! Whether a plan's work traces to the council's priorities: the golden
//! thread. An action is on it when one of the nodes it serves is a
//! priority or sits (at any depth) under one; an action linked to nothing,
//! or only to outcomes and objectives that hang from no priority, is not.
//!
//! Generic over the id type, so storage's ids and a draft's indices both
//! fit; no I/O.

use crate::plan::NodeLevel;
use std::collections::HashMap;
use std::hash::Hash;

/// A node as the check needs it: what it is and what it sits under.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ThreadLink<Id> {
    pub id: Id,
    pub parent: Option<Id>,
    pub level: NodeLevel,
}

/// Which nodes are on the golden thread: the priorities, and every node
/// whose chain of parents reaches one. A parent that is not among `nodes`
/// ends the chain; a chain that loops (only damaged data can hold one)
/// reaches no priority. Each node's answer is worked out once.
pub fn on_thread<Id: Copy + Eq + Hash>(nodes: &[ThreadLink<Id>]) -> HashMap<Id, bool> {
    let by_id: HashMap<Id, &ThreadLink<Id>> = nodes.iter().map(|n| (n.id, n)).collect();
    let mut known: HashMap<Id, bool> = HashMap::with_capacity(nodes.len());
    for node in nodes {
        if known.contains_key(&node.id) {
            continue;
        }
        // Walk up until a priority, a node already judged, the top, or a loop.
        let mut chain: Vec<Id> = Vec::new();
        let mut next = Some(node.id);
        let answer = loop {
            let Some(id) = next else { break false };
            if let Some(&judged) = known.get(&id) {
                break judged;
            }
            if chain.contains(&id) {
                break false;
            }
            let Some(current) = by_id.get(&id) else {
                break false;
            };
            chain.push(id);
            if current.level == NodeLevel::Priority {
                break true;
            }
            next = current.parent;
        };
        for id in chain {
            known.insert(id, answer);
        }
    }
    known
}

/// The actions (each given with the nodes it serves) that are not on the
/// golden thread, in the order given.
pub fn off_thread<'a, Id, A>(
    nodes: &[ThreadLink<Id>],
    actions: impl IntoIterator<Item = (A, &'a [Id])>,
) -> Vec<A>
where
    Id: Copy + Eq + Hash + 'a,
{
    let on = on_thread(nodes);
    actions
        .into_iter()
        .filter(|(_, linked)| !linked.iter().any(|n| on.get(n).copied().unwrap_or(false)))
        .map(|(action, _)| action)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use NodeLevel::*;

    fn node(id: u32, parent: Option<u32>, level: NodeLevel) -> ThreadLink<u32> {
        ThreadLink { id, parent, level }
    }

    /// Priority 1 → outcome 2 → objective 3; outcome 4 at the top; an
    /// objective 5 under 4; a loop 6 ⇄ 7; 8 under a node not in the plan.
    fn thread() -> Vec<ThreadLink<u32>> {
        vec![
            node(1, None, Priority),
            node(2, Some(1), Outcome),
            node(3, Some(2), Objective),
            node(4, None, Outcome),
            node(5, Some(4), Objective),
            node(6, Some(7), Outcome),
            node(7, Some(6), Objective),
            node(8, Some(99), Objective),
        ]
    }

    #[test]
    fn a_node_is_on_the_thread_when_it_is_or_descends_from_a_priority() {
        let on = on_thread(&thread());
        let yes: Vec<u32> = (1..=8).filter(|id| on[id]).collect();
        assert_eq!(yes, [1, 2, 3]);
        assert_eq!(on.len(), 8, "every node judged");
    }

    #[test]
    fn a_priority_under_an_outcome_is_still_a_priority() {
        let on = on_thread(&[node(1, None, Outcome), node(2, Some(1), Priority)]);
        assert!(on[&2]);
        assert!(!on[&1], "a parent is not on the thread through its child");
    }

    #[test]
    fn actions_linked_to_nothing_or_only_off_the_thread_are_found_in_order() {
        let actions: Vec<(&str, Vec<u32>)> = vec![
            ("linked to an objective under a priority", vec![3]),
            ("linked to nothing", vec![]),
            ("linked to an orphan outcome", vec![4, 5]),
            ("one link on, one off", vec![5, 2]),
            ("linked to a loop", vec![6]),
            ("linked to a node of another plan", vec![42]),
            ("linked to the priority itself", vec![1]),
        ];
        let found = off_thread(
            &thread(),
            actions
                .iter()
                .map(|(name, nodes)| (*name, nodes.as_slice())),
        );
        assert_eq!(
            found,
            [
                "linked to nothing",
                "linked to an orphan outcome",
                "linked to a loop",
                "linked to a node of another plan"
            ]
        );
    }

    #[test]
    fn with_no_priority_every_action_is_off_the_thread() {
        let nodes = [node(1, None, Outcome)];
        let found = off_thread(&nodes, [(1, &[1u32][..]), (2, &[][..])]);
        assert_eq!(found, [1, 2]);
        let no_nodes: &[ThreadLink<u32>] = &[];
        let none: Vec<u8> = off_thread(no_nodes, Vec::<(u8, &[u32])>::new());
        assert!(none.is_empty());
    }
}
