//! Goldthread's own interchange form: the serde JSON of a `PlanDocument`
//! wrapped as `{"goldthread": 1, "document": …}`, so export then import
//! gives back exactly what was exported.

use crate::ImportError;
use goldthread_domain::PlanDocument;
use serde::{Deserialize, Serialize};

const VERSION: u32 = 1;

#[derive(Serialize)]
struct Out<'a> {
    goldthread: u32,
    document: &'a PlanDocument,
}

#[derive(Deserialize)]
struct In {
    goldthread: serde_json::Value,
    document: serde_json::Value,
}

pub fn write(doc: &PlanDocument) -> String {
    // Serialising plain data with string keys cannot fail; keep a valid,
    // empty document rather than panic if it ever did.
    serde_json::to_string_pretty(&Out {
        goldthread: VERSION,
        document: doc,
    })
    .unwrap_or_else(|_| {
        format!("{{\"goldthread\": {VERSION}, \"document\": {{\"plans\": [], \"findings\": []}}}}")
    })
}

pub fn read(file_name: &str, bytes: &[u8]) -> Result<PlanDocument, ImportError> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let err = |e: serde_json::Error| ImportError::Json {
        file: file_name.to_string(),
        line: e.line(),
        column: e.column(),
        message: e.to_string(),
    };
    let wrapper: In = serde_json::from_slice(bytes).map_err(err)?;
    if wrapper.goldthread.as_u64() != Some(u64::from(VERSION)) {
        return Err(ImportError::UnsupportedVersion {
            file: file_name.to_string(),
            version: wrapper.goldthread.to_string(),
        });
    }
    let document: PlanDocument = serde_json::from_value(wrapper.document).map_err(err)?;
    check_references(&document).map_err(|message| ImportError::Json {
        file: file_name.to_string(),
        line: 0,
        column: 0,
        message,
    })?;
    Ok(document)
}

/// Every index a plan's parts use to point at each other (a node's parent,
/// an action's nodes and indicators, an indicator's nodes, a risk's actions
/// and nodes) must name a part of that plan: a file written by hand or by
/// another tool is refused here, not trusted to be in range.
fn check_references(document: &PlanDocument) -> Result<(), String> {
    for (p, plan) in document.plans.iter().enumerate() {
        let (nodes, actions, indicators) =
            (plan.nodes.len(), plan.actions.len(), plan.indicators.len());
        let check = |what: String, index: usize, of: &str, len: usize| {
            if index < len {
                Ok(())
            } else {
                Err(format!(
                    "plan {} ('{}'): {what} refers to {of} {index}, but the plan has {len}",
                    p + 1,
                    plan.title
                ))
            }
        };
        for (i, node) in plan.nodes.iter().enumerate() {
            if let Some(parent) = node.parent {
                check(format!("node {i}"), parent, "node", nodes)?;
                if parent >= i {
                    return Err(format!(
                        "plan {} ('{}'): node {i}'s parent {parent} does not come before it",
                        p + 1,
                        plan.title
                    ));
                }
            }
        }
        for (i, action) in plan.actions.iter().enumerate() {
            for &n in &action.nodes {
                check(format!("action {i}"), n, "node", nodes)?;
            }
            for &k in &action.indicators {
                check(format!("action {i}"), k, "indicator", indicators)?;
            }
        }
        for (i, indicator) in plan.indicators.iter().enumerate() {
            for &n in &indicator.nodes {
                check(format!("indicator {i}"), n, "node", nodes)?;
            }
        }
        for (i, risk) in plan.risks.iter().enumerate() {
            for &a in &risk.actions {
                check(format!("risk {i}"), a, "action", actions)?;
            }
            for &n in &risk.nodes {
                check(format!("risk {i}"), n, "node", nodes)?;
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod reference_tests {
    #[test]
    fn indices_out_of_range_are_refused_by_name() {
        let json = |action_nodes: &str| {
            format!(
                r#"{{"goldthread": 1, "document": {{"plans": [{{"title": "P", "kind": "service", "status": "draft", "period": null, "owner": null,
                "nodes": [], "actions": [{{"code": "A1", "title": "Act", "description": null, "details": {{}}, "lead_officers": [], "due": null,
                "revisions": [], "milestones": [], "updates": [], "nodes": {action_nodes}, "indicators": [], "related": [], "provenance": null}}],
                "indicators": [], "risks": [], "sections": []}}], "findings": []}}}}"#
            )
        };
        let err = super::read("plan.json", json("[5]").as_bytes())
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("action 0 refers to node 5, but the plan has 0"),
            "{err}"
        );
    }
}
