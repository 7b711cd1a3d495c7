//! Progress text that opens with a status: "Achieved.", "On target.",
//! "Not started.", "Revised completion date from X to Y." Each paragraph
//! that opens with a status is one update.

use crate::dates::compile;
use goldthread_domain::ActionStatus;
use regex::Regex;
use std::sync::LazyLock;

#[derive(Debug, Clone, PartialEq)]
pub struct Update {
    pub status: ActionStatus,
    /// The whole paragraph, status phrase included, as written.
    pub commentary: String,
    /// "Revised completion date from X to Y": the two date phrases.
    pub revision: Option<(String, String)>,
}

static STATUS: LazyLock<Regex> = LazyLock::new(|| {
    compile(
        r"(?i)^\s*(achieved and more planned|achieved|completed?|on target|on track|in progress|not started|not yet started|behind schedule|delayed|at risk|off track|off target|deferred|postponed|on hold|cancelled|withdrawn|deleted|ongoing|on-going)\b[.:!]?",
    )
});
static REVISED: LazyLock<Regex> = LazyLock::new(|| {
    compile(
        r"(?i)^\s*revised\s+(?:completion\s+|due\s+|target\s+|end\s+)?date\s+(?:from\s+)?(.+?)\s+to\s+(.+?)(?:\.(?:\s|$)|$)",
    )
});

/// A revision written as prose anywhere in a line: "30 September 2024
/// extended from 31 March 2024", "deadline moved from June 2024 to
/// September 2024".
static EXTENDED: LazyLock<Regex> = LazyLock::new(|| {
    compile(
        r"(?i)(?:^|[;,.]\s+)(?:(?:due|completion|target)\s+date\s+|deadline\s+)?(?:(.+?)\s+)?(?:extended|revised|moved|changed|put back|pushed back|deferred|slipped)\s+from\s+(.+?)(?:\s+to\s+(.+?))?(?:[.;](?:\s|$)|$)",
    )
});

/// The (from, to) of a revision written as prose, when both are dates.
fn prose_revision(line: &str) -> Option<(String, String)> {
    let c = EXTENDED.captures(line)?;
    let from = c.get(2)?.as_str().trim();
    // "…; 30 September 2024 extended from …": the clause before the verb.
    let to = c
        .get(3)
        .or(c.get(1))?
        .as_str()
        .rsplit([';', ','])
        .next()?
        .trim();
    (crate::dates::mentions_date(from) && crate::dates::mentions_date(to) && to.len() <= 40)
        .then(|| (from.to_string(), to.to_string()))
}

/// The day a tracker's "Last updated" cell names, when it names one day.
pub fn day_updated(
    cell: &str,
    context: goldthread_domain::DateContext,
) -> Option<chrono::NaiveDate> {
    let cell = cell.trim();
    if cell.is_empty() {
        return None;
    }
    let date = crate::dates::fuzzy(cell, context);
    date.earliest.filter(|&day| date.latest == Some(day))
}

/// A "% complete" cell's figure, 0 to 100.
pub fn percent_complete(cell: &str) -> Option<u8> {
    crate::tables::cell::figure(cell)
        .map(|f| f.value)
        .filter(|v| (0.0..=100.0).contains(v))
        .map(|v| v.round() as u8)
}

/// The status a percentage complete says when nothing else does.
pub fn status_of_percent(percent: u8) -> ActionStatus {
    match percent {
        100 => ActionStatus::Achieved,
        0 => ActionStatus::NotStarted,
        _ => ActionStatus::OnTrack,
    }
}

/// A red/amber/green judgement ("Green", "G", "Amber – slipping", "Blue"
/// for complete), as a status; None for anything else.
pub fn rag(text: &str) -> Option<ActionStatus> {
    let first = text
        .trim()
        .split(|c: char| !c.is_ascii_alphabetic())
        .next()?;
    let status = match first.to_ascii_lowercase().as_str() {
        "green" | "g" => ActionStatus::OnTrack,
        "amber" | "a" | "yellow" => ActionStatus::AtRisk,
        "red" | "r" => ActionStatus::OffTrack,
        "blue" | "b" | "complete" | "completed" => ActionStatus::Achieved,
        _ => return None,
    };
    Some(status)
}

fn status_of(phrase: &str) -> ActionStatus {
    match phrase.to_ascii_lowercase().as_str() {
        p if p.starts_with("achieved") || p.starts_with("complete") => ActionStatus::Achieved,
        "not started" | "not yet started" => ActionStatus::NotStarted,
        "behind schedule" | "delayed" | "at risk" => ActionStatus::AtRisk,
        "off track" | "off target" => ActionStatus::OffTrack,
        "deferred" | "postponed" | "on hold" => ActionStatus::Deferred,
        "cancelled" | "withdrawn" | "deleted" => ActionStatus::Cancelled,
        _ => ActionStatus::OnTrack,
    }
}

/// Reads a progress cell. Returns the updates, and any opening text that
/// names no status (kept by the caller and reported).
pub fn read(text: &str) -> (Vec<Update>, Option<String>) {
    let mut updates: Vec<Update> = Vec::new();
    let mut unrecognised: Option<String> = None;
    for line in text.lines().map(str::trim).filter(|l| !l.is_empty()) {
        if let Some(c) = REVISED.captures(line) {
            // A revised date means the original slipped: the work is deferred.
            updates.push(Update {
                status: ActionStatus::Deferred,
                commentary: line.to_string(),
                revision: Some((c[1].trim().to_string(), c[2].trim().to_string())),
            });
        } else if let Some(m) = STATUS.captures(line).and_then(|c| c.get(1)) {
            updates.push(Update {
                status: status_of(m.as_str()),
                commentary: line.to_string(),
                revision: prose_revision(line),
            });
        } else if let Some(revision) = prose_revision(line) {
            updates.push(Update {
                status: ActionStatus::Deferred,
                commentary: line.to_string(),
                revision: Some(revision),
            });
        } else if let Some(last) = updates.last_mut() {
            last.commentary.push('\n');
            last.commentary.push_str(line);
        } else {
            let u = unrecognised.get_or_insert_with(String::new);
            if !u.is_empty() {
                u.push('\n');
            }
            u.push_str(line);
        }
    }
    // One cell is one judgement at one date: "Achieved" beside a revised
    // date means it was achieved after the revision, so it is read last
    // (the latest update at a date is the one that counts).
    updates.sort_by_key(|u| u.status == ActionStatus::Achieved);
    (updates, unrecognised)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn revisions_written_as_prose() {
        for (line, expected) in [
            (
                "150 homes delivered; 30 September 2024 extended from 31 March 2024",
                Some(("31 March 2024", "30 September 2024")),
            ),
            (
                "Deadline moved from June 2024 to September 2024.",
                Some(("June 2024", "September 2024")),
            ),
            ("Funding extended from the reserve", None),
        ] {
            assert_eq!(
                prose_revision(line),
                expected.map(|(a, b)| (a.to_string(), b.to_string())),
                "{line}"
            );
        }
    }

    #[test]
    fn statuses_and_revisions() {
        let (u, rest) = read("Achieved and more planned. The members training questionnaire");
        assert_eq!(u[0].status, ActionStatus::Achieved);
        assert!(rest.is_none());
        let (u, _) = read(
            "Achieved. Outline brief completed\nRevised completion date from September 2013 to November 2013. An externally prepared brief",
        );
        assert_eq!(u.len(), 2);
        assert_eq!(
            u[0].revision,
            Some(("September 2013".to_string(), "November 2013".to_string()))
        );
        assert_eq!(
            u[1].status,
            ActionStatus::Achieved,
            "achieved after a revised date is achieved: it is the cell's last word"
        );
        let (u, _) =
            read("Revised Completion Date from Autumn 2013 to December 2013. Executive on 23 July");
        assert_eq!(
            u[0].revision.as_ref().map(|r| r.1.as_str()),
            Some("December 2013")
        );
        assert_eq!(
            read("On Target. Work in progress").0[0].status,
            ActionStatus::OnTrack
        );
        assert_eq!(
            read("Not started. Work on this").0[0].status,
            ActionStatus::NotStarted
        );
        assert_eq!(read("Some words").1.as_deref(), Some("Some words"));
    }

    #[test]
    fn red_amber_green_judgements() {
        assert_eq!(rag("Green"), Some(ActionStatus::OnTrack));
        assert_eq!(rag(" AMBER – slipping"), Some(ActionStatus::AtRisk));
        assert_eq!(rag("R"), Some(ActionStatus::OffTrack));
        assert_eq!(rag("Blue (complete)"), Some(ActionStatus::Achieved));
        assert_eq!(rag("Reduced"), None);
        assert_eq!(rag(""), None);
    }
}
