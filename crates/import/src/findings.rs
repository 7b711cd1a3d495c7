//! The data-quality report a performance team wants before a plan goes to
//! committee: duplicate codes, gaps in numbering, missing lead officers and
//! dates, TBC and unreadable dates, dates before the plan starts, measures
//! with nothing to measure, and words damaged by OCR.

use crate::dates;
use goldthread_domain::{
    Action, DateReading, Finding, FindingKind, PlanDocument, PlanDraft, Severity,
};
use std::collections::{BTreeMap, HashMap};

pub fn check(doc: &mut PlanDocument) {
    // Written straight after the findings already made: a large plan has
    // tens of thousands, not copied from a list of their own.
    let found = &mut doc.findings;
    for plan in &doc.plans {
        codes(plan, found);
        for action in &plan.actions {
            action_checks(plan, action, found);
        }
    }
    if doc
        .plans
        .iter()
        .all(|p| p.actions.is_empty() && p.indicators.is_empty())
    {
        found.push(Finding::new(
            Severity::Warning,
            FindingKind::EmptyDocument,
            "no actions or indicators were recognised in this document",
            None,
        ));
    }
}

/// The first `chars` characters of a text, for quoting it in a message.
pub(crate) fn clip(text: &str, chars: usize) -> &str {
    if text.len() <= chars {
        return text;
    }
    text.char_indices()
        .nth(chars)
        .map_or(text, |(end, _)| &text[..end])
}

fn name(action: &Action) -> String {
    match &action.code {
        Some(code) => format!("action {code}"),
        None => format!("action \"{}\"", clip(&action.title, 60)),
    }
}

fn codes(plan: &PlanDraft, out: &mut Vec<Finding>) {
    let mut seen: HashMap<&str, &Action, std::hash::BuildHasherDefault<CodeHasher>> =
        HashMap::default();
    // prefix → (number → digits as written)
    let mut series: BTreeMap<&str, BTreeMap<u64, &str>> = BTreeMap::new();
    for action in &plan.actions {
        let Some(code) = action.code.as_deref() else {
            continue;
        };
        if let Some(first) = seen.get(code) {
            out.push(Finding::new(
                Severity::Error,
                FindingKind::DuplicateCode,
                format!(
                    "action code {code} is used twice: \"{}\" ({}) and \"{}\"",
                    first.title,
                    first
                        .provenance
                        .as_ref()
                        .map(ToString::to_string)
                        .unwrap_or_default(),
                    action.title
                ),
                action.provenance.clone(),
            ));
        } else {
            seen.insert(code, action);
        }
        let digits = code.len() - code.trim_end_matches(|c: char| c.is_ascii_digit()).len();
        if digits == 0 || digits > 6 {
            continue;
        }
        let (prefix, number) = code.split_at(code.len() - digits);
        if let Ok(n) = number.parse::<u64>() {
            series.entry(prefix).or_default().entry(n).or_insert(number);
        }
    }
    for (prefix, numbers) in series {
        // A handful of codes may be references into a longer list (A1,
        // A4, C3 of 33 council actions); gaps count in a real series.
        if numbers.len() < 5 {
            continue;
        }
        let keys: Vec<(u64, &str)> = numbers.into_iter().collect();
        for pair in keys.windows(2) {
            let ((a, a_text), (b, _)) = (pair[0], pair[1]);
            if b - a < 2 || b - a > 50 {
                continue;
            }
            let width = a_text.len();
            let show = |n: u64| format!("{prefix}{n:0width$}");
            let missing = if b - a == 2 {
                show(a + 1)
            } else {
                format!("{}–{}", show(a + 1), show(b - 1))
            };
            // `seen` holds the first action with each code, which is the one
            // a scan of the action list would find: one lookup per gap
            // instead of a pass over every action.
            let holder = seen.get(show(b).as_str());
            out.push(Finding::new(
                Severity::Warning,
                FindingKind::NumberingGap,
                format!(
                    "action numbering jumps from {} to {}: {missing} missing",
                    show(a),
                    show(b)
                ),
                holder.and_then(|h| h.provenance.clone()),
            ));
        }
    }
}

fn action_checks(plan: &PlanDraft, action: &Action, out: &mut Vec<Finding>) {
    let at = || action.provenance.clone();
    // Named only when there is something to report.
    let who = std::cell::OnceCell::new();
    let who = || who.get_or_init(|| name(action)).as_str();
    if action.lead_officers.is_empty() {
        out.push(Finding::new(
            Severity::Warning,
            FindingKind::MissingLeadOfficer,
            format!("{} has no lead officer", who()),
            at(),
        ));
    }
    let milestone_dated = action.milestones.iter().any(|m| m.due.is_some());
    if action.due.is_none() && !milestone_dated {
        out.push(Finding::new(
            Severity::Warning,
            FindingKind::MissingDueDate,
            format!("{} has no due date", who()),
            at(),
        ));
    }
    // Each date with what it is (the milestone's title), described only
    // when it is reported.
    let dates_seen = action
        .due
        .iter()
        .map(|due| (due, None, "due date"))
        .chain(action.milestones.iter().filter_map(|m| {
            m.due
                .as_ref()
                .map(|due| (due, Some(m.title.as_str()), "milestone"))
        }))
        .chain(
            action
                .revisions
                .iter()
                .map(|r| (&r.to, None, "revised date")),
        );
    let what = |milestone: Option<&str>, kind: &str| match milestone {
        Some(title) => format!("{} milestone \"{}\"", who(), clip(title, 50)),
        None => format!("{} {kind}", who()),
    };
    for (date, milestone, kind) in dates_seen {
        if date.reading == DateReading::ToBeConfirmed || dates::is_tbc(&date.text) {
            out.push(Finding::new(
                Severity::Warning,
                FindingKind::DateToBeConfirmed,
                format!(
                    "{} is \"{}\" (to be confirmed)",
                    what(milestone, kind),
                    date.text
                ),
                at(),
            ));
        } else if !date.is_readable() {
            out.push(Finding::new(
                Severity::Warning,
                FindingKind::UnreadableDate,
                format!(
                    "{} \"{}\" cannot be read as a date",
                    what(milestone, kind),
                    date.text
                ),
                at(),
            ));
        }
    }
    let closed = action.updates.last().is_some_and(|u| u.status.is_closed());
    if let (Some(period), Some(latest)) = (plan.period, action.current_due().and_then(|d| d.latest))
        && latest < period.from.first_day()
        && !closed
    {
        out.push(Finding::new(
            Severity::Warning,
            FindingKind::DueBeforePlanStart,
            format!(
                "{} is due {} ({latest}), before the plan starts on {}",
                who(),
                action.current_due().map(|d| d.text.as_str()).unwrap_or(""),
                period.from.first_day()
            ),
            at(),
        ));
    }
    if let Some(measures) = action.details.get(goldthread_domain::DetailField::Measures)
        && !measurable(measures)
        && action.indicators.is_empty()
    {
        out.push(Finding::new(
            Severity::Info,
            FindingKind::UnmeasurableMeasure,
            format!(
                "{}: measure \"{}\" names no number, date or indicator",
                who(),
                clip(measures, 80)
            ),
            at(),
        ));
    }
}

fn measurable(text: &str) -> bool {
    text.bytes().any(|b| b.is_ascii_digit() || b == b'%')
        || text.contains('£')
        || dates::mentions_date(text)
}

/// A quick hash for action codes (the standard SipHash is built to resist
/// attacks we do not face here and shows in the profile).
#[derive(Default)]
struct CodeHasher(u64);

impl std::hash::Hasher for CodeHasher {
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0.rotate_left(5) ^ u64::from(b)).wrapping_mul(HASH_K);
        }
    }
    fn write_u64(&mut self, n: u64) {
        self.0 = n;
    }
    fn finish(&self) -> u64 {
        self.0
    }
}

const HASH_K: u64 = 0x51_7c_c1_b7_27_22_0a_95;

#[cfg(test)]
mod tests {
    use super::clip;

    #[test]
    fn clipping_counts_characters_not_bytes() {
        assert_eq!(clip("Café – fine", 4), "Café");
        assert_eq!(clip("Café – fine", 6), "Café –");
        assert_eq!(clip("short", 60), "short");
        assert_eq!(clip("ééé", 3), "ééé");
        assert_eq!(clip("", 3), "");
    }
}
