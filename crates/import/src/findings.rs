//! The data-quality report a performance team wants before a plan goes to
//! committee: duplicate codes, gaps in numbering, missing lead officers and
//! dates, TBC and unreadable dates, dates before the plan starts, measures
//! with nothing to measure, and words damaged by OCR.

use crate::blocks::Block;
use crate::dates;
use goldthread_domain::{
    Action, DateReading, Finding, FindingKind, PlanDocument, PlanDraft, Severity,
};
use std::collections::{BTreeMap, HashMap};

pub fn check(doc: &mut PlanDocument) {
    let mut found = Vec::new();
    for plan in &doc.plans {
        codes(plan, &mut found);
        for action in &plan.actions {
            action_checks(plan, action, &mut found);
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
    doc.findings.extend(found);
}

fn name(action: &Action) -> String {
    match &action.code {
        Some(code) => format!("action {code}"),
        None => format!(
            "action \"{}\"",
            action.title.chars().take(60).collect::<String>()
        ),
    }
}

fn codes(plan: &PlanDraft, out: &mut Vec<Finding>) {
    let mut seen: HashMap<&str, &Action, std::hash::BuildHasherDefault<WordHasher>> =
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
        Some(title) => format!(
            "{} milestone \"{}\"",
            who(),
            title.chars().take(50).collect::<String>()
        ),
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
    if let Some(measures) = &action.details.measures
        && !measurable(measures)
        && action.indicators.is_empty()
    {
        out.push(Finding::new(
            Severity::Info,
            FindingKind::UnmeasurableMeasure,
            format!(
                "{}: measure \"{}\" names no number, date or indicator",
                who(),
                measures.chars().take(80).collect::<String>()
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

/// Letter confusions OCR makes, as (what it read, what was written).
const CONFUSIONS: &[(&str, &str)] = &[
    ("ri", "m"),
    ("rn", "m"),
    ("m", "rn"),
    ("cl", "d"),
    ("li", "h"),
    ("n", "h"),
    ("h", "n"),
    ("n", "p"),
    ("c", "e"),
    ("e", "c"),
    ("l", "i"),
    ("i", "l"),
    ("ii", "u"),
    ("vv", "w"),
    ("0", "o"),
    ("1", "l"),
];

/// How often a word occurs, in which order words were first seen, and
/// where it first occurs.
type WordCount<'a> = (u32, u32, &'a crate::blocks::Place);

/// Passes on the hash a [`Word`] computes itself (the standard SipHash is
/// built to resist attacks we do not face here and shows in the profile).
#[derive(Default)]
struct WordHasher(u64);

impl std::hash::Hasher for WordHasher {
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
/// Setting bit 5 of an ASCII letter lowers it.
const LOWER: u64 = 0x2020_2020_2020_2020;

/// The bytes of a word eight at a time, lowered, the last chunk padded
/// with zeros.
fn lowered_chunks(bytes: &[u8]) -> impl Iterator<Item = u64> + '_ {
    bytes.chunks(8).map(|chunk| {
        let mut word = [0u8; 8];
        word[..chunk.len()].copy_from_slice(chunk);
        let mask = if chunk.len() == 8 {
            LOWER
        } else {
            LOWER & ((1u64 << (8 * chunk.len())) - 1)
        };
        u64::from_le_bytes(word) | mask
    })
}

/// The longest word counted.
const MAX_WORD: usize = 30;

/// A word of ASCII letters compared and hashed without regard to case, so
/// counting never copies a word.
#[derive(Clone, Copy)]
struct Word<'a>(&'a str);

impl std::hash::Hash for Word<'_> {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        let bytes = self.0.as_bytes();
        let mut h = bytes.len() as u64;
        let mut chunks = bytes.chunks_exact(8);
        for chunk in &mut chunks {
            let word = u64::from_le_bytes(chunk.try_into().unwrap_or_default()) | LOWER;
            h = (h.rotate_left(5) ^ word).wrapping_mul(HASH_K);
        }
        let rest = chunks.remainder();
        if !rest.is_empty() {
            let mut word = 0u64;
            for (i, b) in rest.iter().enumerate() {
                word |= u64::from(b | 0x20) << (8 * i);
            }
            h = (h.rotate_left(5) ^ word).wrapping_mul(HASH_K);
        }
        state.write_u64(h);
    }
}

impl PartialEq for Word<'_> {
    fn eq(&self, other: &Self) -> bool {
        // Words are letters only, so lowering bit 5 compares them
        // without regard to case.
        self.0 == other.0
            || (self.0.len() == other.0.len()
                && lowered_chunks(self.0.as_bytes()).eq(lowered_chunks(other.0.as_bytes())))
    }
}

impl Eq for Word<'_> {}

type WordMap<'a> = HashMap<Word<'a>, WordCount<'a>, std::hash::BuildHasherDefault<WordHasher>>;

/// Counts the words the OCR check can use: runs of ASCII letters of 5 to 30
/// letters. A suspect word has at least six letters and every confusion
/// changes the length by at most one letter, so shorter words and words
/// with digits can be neither a suspect nor its correction.
fn count_words<'a>(counts: &mut WordMap<'a>, text: &'a str, place: &'a crate::blocks::Place) {
    // 0: not part of a word, 1: a letter, 2: a digit.
    const CLASS: [u8; 256] = {
        let mut table = [0u8; 256];
        let mut b = 0;
        while b < 256 {
            let c = b as u8;
            if c.is_ascii_alphabetic() {
                table[b] = 1;
            } else if c.is_ascii_digit() {
                table[b] = 2;
            }
            b += 1;
        }
        table
    };
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        if CLASS[bytes[i] as usize] == 0 {
            i += 1;
            continue;
        }
        let start = i;
        let mut kinds = 0;
        while i < bytes.len() {
            let class = CLASS[bytes[i] as usize];
            if class == 0 {
                break;
            }
            kinds |= class;
            i += 1;
        }
        let len = i - start;
        if kinds != 1 || !(5..=MAX_WORD).contains(&len) {
            continue;
        }
        let next = u32::try_from(counts.len()).unwrap_or(u32::MAX);
        let entry = counts
            .entry(Word(&text[start..i]))
            .or_insert((0, next, place));
        entry.0 += 1;
    }
}

/// Words that appear once and become a word used elsewhere in the document
/// when one OCR confusion is undone: "rianagement" → "management".
pub fn suspect_words(blocks: &[Block<'_>]) -> Vec<Finding> {
    let mut counts: WordMap<'_> = WordMap::default();
    for block in blocks {
        match block {
            Block::Text { text, place } => count_words(&mut counts, text, place),
            Block::Row { cells, place } => cells
                .iter()
                .for_each(|c| count_words(&mut counts, c, place)),
            Block::Blank => {}
        }
    }
    let mut out = Vec::new();
    let mut rare: Vec<(&Word<'_>, &WordCount<'_>)> = counts
        .iter()
        .filter(|(w, (n, _, _))| *n <= 2 && w.0.len() >= 6)
        .collect();
    // In document order: by line, then by first appearance.
    rare.sort_unstable_by_key(|(_, (_, seen, place))| (place.line, *seen));
    for (word, (_, _, place)) in rare.into_iter().take(20_000) {
        let word = word.0.to_ascii_lowercase();
        let fix = CONFUSIONS.iter().find_map(|(read, written)| {
            word.match_indices(read).find_map(|(at, _)| {
                let candidate = format!("{}{}{}", &word[..at], written, &word[at + read.len()..]);
                let known = counts
                    .get(&Word(candidate.as_str()))
                    .is_some_and(|(n, _, _)| *n >= 2);
                known.then_some(candidate)
            })
        });
        if let Some(fix) = fix {
            out.push(Finding::new(
                Severity::Warning,
                FindingKind::SuspectText,
                format!("\"{word}\" looks like OCR damage for \"{fix}\""),
                Some(place.provenance()),
            ));
        }
    }
    out
}
