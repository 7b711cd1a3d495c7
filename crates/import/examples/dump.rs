//! Prints what the importer reads from a file, for eyeballing a new
//! template: `cargo run -p goldthread-import --example dump -- FILE`.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code: a failed unwrap is a failed test

fn main() {
    let Some(path) = std::env::args().nth(1) else {
        eprintln!("usage: dump FILE");
        return;
    };
    let bytes = match std::fs::read(&path) {
        Ok(b) => b,
        Err(e) => {
            eprintln!("{path}: {e}");
            return;
        }
    };
    let read = match goldthread_import::read_document(&path, &bytes) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("{e}");
            return;
        }
    };
    println!("format: {:?}", read.format);
    for plan in &read.document.plans {
        println!(
            "== PLAN {:?} kind={:?} period={:?} owner={:?}",
            plan.title,
            plan.kind,
            plan.period.map(|p| p.to_string()),
            plan.owner
        );
        for (i, n) in plan.nodes.iter().enumerate() {
            println!(
                "  node {i} {:?} [{}] code={:?} parent={:?}: {} {}",
                n.level,
                n.label,
                n.code,
                n.parent,
                n.title,
                n.strapline.as_deref().unwrap_or("")
            );
        }
        for a in &plan.actions {
            println!(
                "  ACTION {:?} {:?}\n     lead={:?}\n     due={:?} nodes={:?} ind={:?} rel={:?} @{}",
                a.code,
                a.title,
                a.lead_officers
                    .iter()
                    .map(|l| l.name.as_str())
                    .collect::<Vec<_>>(),
                a.due.as_ref().map(|d| d.text.as_str()),
                a.nodes,
                a.indicators,
                a.related,
                a.provenance
                    .as_ref()
                    .map(|p| p.to_string())
                    .unwrap_or_default()
            );
            for m in &a.milestones {
                println!(
                    "     - {:?} @ {:?}",
                    m.title,
                    m.due.as_ref().map(|d| d.text.as_str())
                );
            }
            for u in &a.updates {
                println!(
                    "     * {:?} {} {:?}",
                    u.status,
                    u.as_at,
                    u.commentary.chars().take(50).collect::<String>()
                );
            }
            for r in &a.revisions {
                println!("     > revised {:?} -> {:?}", r.from.text, r.to.text);
            }
            if std::env::var("DETAILS").is_ok() {
                println!(
                    "     details={:?}\n     desc={:?}",
                    a.details, a.description
                );
            }
        }
        for ind in &plan.indicators {
            println!(
                "  IND {:?} {:?} freq={:?} unit={:?} base={:?} targets={:?} owner={:?} nodes={:?}",
                ind.code.as_ref().map(|c| c.as_str()),
                ind.title,
                ind.frequency,
                ind.unit,
                ind.baseline.as_ref().map(|b| (&b.text, &b.when)),
                ind.targets
                    .iter()
                    .map(|t| format!("{}={}", t.period, t.text))
                    .collect::<Vec<_>>(),
                ind.owner,
                ind.nodes
            );
        }
        for r in &plan.risks {
            println!(
                "  RISK {:?} {}",
                r.code,
                r.title.chars().take(60).collect::<String>()
            );
        }
        for s in &plan.sections {
            println!("  SECTION {:?} ({} chars)", s.heading, s.body.len());
        }
    }
    for f in &read.document.findings {
        if std::env::var("ALL").is_ok()
            || !matches!(f.kind, goldthread_domain::FindingKind::UnreadableDate)
        {
            println!(
                "FINDING {:?} {:?} {} @{}",
                f.severity,
                f.kind,
                f.message,
                f.provenance
                    .as_ref()
                    .map(|p| p.to_string())
                    .unwrap_or_default()
            );
        }
    }
}
