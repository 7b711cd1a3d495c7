//! The one recogniser: walks the blocks every reader produces and builds
//! the plans, keeping the state a reader of the document keeps in their
//! head — which plan, which priority and outcome, which table header, which
//! record a spilled-over row belongs to.

use crate::blocks::{Block, Cells, Place};
use crate::cells;
use crate::dates;
use crate::header::{self, Header, Role};
use crate::indicators::{self, Mention};
use crate::records::{self, Record};
use crate::sections::{self, Line};
use goldthread_domain::{
    DateContext, DetailField, FinancialYear, Finding, FindingKind, Indicator, NarrativeSection,
    NodeLevel, PlanDocument, PlanDraft, PlanKind, PlanPeriod, Risk, Severity, ThreadNode,
};
use std::borrow::Cow;
use std::collections::HashMap;
use std::rc::Rc;

/// What a document's opening lines say about its main plan.
#[derive(Debug, Clone)]
struct Title {
    title: String,
    kind: PlanKind,
    period: Option<PlanPeriod>,
    owner: Option<String>,
    line: Option<Place>,
    /// "Position as at 30 September 2024" in the opening lines: when the
    /// document's progress speaks for, where a table's heading does not say.
    as_at: Option<dates::ProgressDate>,
}

#[derive(Default)]
struct PlanState {
    header: Option<Rc<Header>>,
    /// Current node per level: priority, outcome, objective.
    stack: [Option<usize>; 3],
    /// Current node per grouping column of the current header.
    groups: HashMap<usize, usize>,
    node_keys: HashMap<(NodeLevel, String, Option<usize>), usize>,
    coded_nodes: HashMap<String, usize>,
    indicator_codes: HashMap<String, usize>,
    monitoring: HashMap<usize, String>,
    /// Synthesised action numbers under coded nodes ("CA1.2").
    node_counters: HashMap<usize, usize>,
    /// Records in the current table open with their number ("1. …").
    numbered: bool,
    section: Option<usize>,
    last_lead: Option<(Vec<usize>, String)>,
    as_at: Option<chrono::NaiveDate>,
    /// The current table's undated progress has been reported.
    undated_reported: bool,
}

pub struct Recogniser<'a> {
    doc: PlanDocument,
    states: Vec<PlanState>,
    current: Option<usize>,
    title: Title,
    record: Option<Record<'a>>,
    pending_rows: Vec<(String, Place)>,
    pending_theme: Option<(String, Place)>,
    pending_label: Option<(Option<NodeLevel>, String, Vec<String>, Place)>,
    indicator_node: Option<usize>,
    /// The block before this one was a table data row: a following line
    /// with text only in its first column may be the next record.
    after_row: bool,
    record_from_line: bool,
    /// Every table layout read (one entry per distinct header), for the
    /// report.
    layouts: Vec<crate::tables::TableLayout>,
    layout_keys: std::collections::HashSet<Vec<String>>,
}

/// Words that open a post title: a lone one starts a new post, not the end
/// of the one above.
const POST_STARTS: &[&str] = &[
    "Chief",
    "Head",
    "Director",
    "Deputy",
    "Assistant",
    "Interim",
    "Acting",
    "Senior",
    "Principal",
];

const CONNECTORS: &[&str] = &[
    "and", "the", "of", "to", "for", "with", "by", "in", "a", "an", "on", "&", "or", "at",
];

fn ends_with_connector(text: &str) -> bool {
    let t = text.trim_end();
    t.ends_with([',', '&', '-', '–', '/'])
        || t.rsplit(char::is_whitespace)
            .next()
            .is_some_and(|w| CONNECTORS.iter().any(|c| c.eq_ignore_ascii_case(w)))
}

fn starts_lower(text: &str) -> bool {
    text.trim_start()
        .chars()
        .next()
        .is_some_and(char::is_lowercase)
}

fn level_index(level: NodeLevel) -> usize {
    match level {
        NodeLevel::Priority => 0,
        NodeLevel::Outcome => 1,
        NodeLevel::Objective => 2,
    }
}

/// Reads the blocks into plans, passing over the `skip` ranges (tables the
/// data-table reader took), which are in order.
pub fn recognise(
    file_name: &str,
    blocks: &[Block<'_>],
    skip: &[std::ops::Range<usize>],
) -> (PlanDocument, Vec<crate::tables::TableLayout>) {
    match recognise_ahead(file_name, blocks, || Some(skip)) {
        Some(read) => (read.doc, read.layouts),
        // Known from the first block: never given up.
        None => unreachable!("the skipped ranges are known from the start"),
    }
}

/// What [`recognise_ahead`] read, and whether it knew the skipped ranges
/// in time.
pub struct Ahead {
    pub doc: PlanDocument,
    pub layouts: Vec<crate::tables::TableLayout>,
    /// False when the skipped ranges were not yet known at the end: the
    /// reading is right only if there are none.
    pub checked: bool,
}

/// [`recognise`] started before the data-table reader has said which
/// blocks it took: `skip()` gives them once known. Until then blocks are
/// read as if none were taken, which is right up to the first taken block:
/// so when they arrive, a first taken block already passed makes this give
/// up (None) and the caller reads again, knowing them. A plan has no data
/// tables, so its reading goes on beside the data-table reader's.
pub fn recognise_ahead<'s>(
    file_name: &str,
    blocks: &[Block<'_>],
    mut skip: impl FnMut() -> Option<&'s [std::ops::Range<usize>]>,
) -> Option<Ahead> {
    let title = read_title(file_name, blocks);
    let mut r = Recogniser {
        doc: PlanDocument::default(),
        states: Vec::new(),
        current: None,
        title,
        record: None,
        pending_rows: Vec::new(),
        pending_theme: None,
        pending_label: None,
        indicator_node: None,
        after_row: false,
        record_from_line: false,
        layouts: Vec::new(),
        layout_keys: std::collections::HashSet::new(),
    };
    // The cleaned cells of a row looked at ahead (to see whether the row
    // above is a super-header), kept so each row is cleaned once.
    let mut ahead: Option<(usize, Vec<Cow<'_, str>>)> = None;
    let mut skips = None;
    for (i, block) in blocks.iter().enumerate() {
        // Asked now and then until known (an atomic load).
        if skips.is_none()
            && i % 64 == 0
            && let Some(skip) = skip()
        {
            if skip.first().is_some_and(|s| s.start < i) {
                return None;
            }
            skips = Some(skip.iter().peekable());
        }
        if let Some(skips) = &mut skips {
            while skips.next_if(|s| s.end <= i).is_some() {}
            if skips.peek().is_some_and(|s| s.contains(&i)) {
                r.flush_all();
                r.after_row = false;
                continue;
            }
        }
        match block {
            Block::Blank => r.after_row = false,
            Block::Text { text, place } if r.title.line.as_ref() == Some(place) => {
                // The title itself: already the plan's title.
                r.plan_index();
                let _ = text;
            }
            Block::Text { text, place } => r.on_text(&cells::clean(text), text, place),
            Block::Row { cells, place } => {
                let cleaned = match ahead.take() {
                    Some((at, cleaned)) if at == i => cleaned,
                    _ => clean_all(cells),
                };
                if is_super_header(&cleaned, blocks, i, &mut ahead) {
                    r.flush_all();
                    r.narrative(
                        &cleaned
                            .iter()
                            .filter(|c| !c.is_empty())
                            .map(AsRef::as_ref)
                            .collect::<Vec<&str>>()
                            .join("\t"),
                        place,
                    );
                } else {
                    r.on_row(cells, cleaned, place);
                }
            }
        }
    }
    r.finish();
    Some(Ahead {
        doc: r.doc,
        layouts: r.layouts,
        checked: skips.is_some(),
    })
}

fn clean_all<'a>(raw: &'a Cells<'_>) -> Vec<Cow<'a, str>> {
    let mut out = Vec::with_capacity(raw.len());
    out.extend(raw.iter().map(cells::clean));
    out
}

/// A sparse row naming groups of columns ("Action Plan | | | Connections")
/// just above the real header. The next row's cleaned cells are left in
/// `ahead` for its own turn.
fn is_super_header<'a>(
    cleaned: &[Cow<'_, str>],
    blocks: &'a [Block<'_>],
    at: usize,
    ahead: &mut Option<(usize, Vec<Cow<'a, str>>)>,
) -> bool {
    let filled = cleaned.iter().filter(|c| !c.is_empty()).count();
    if !(2..=3).contains(&filled) || filled * 2 > cleaned.len() {
        return false;
    }
    let next = blocks[at + 1..]
        .iter()
        .position(|b| !matches!(b, Block::Blank))
        .map(|k| at + 1 + k);
    match next.map(|n| (n, &blocks[n])) {
        Some((n, Block::Row { cells: next, .. })) => {
            let next = clean_all(next);
            let is_header = header::recognise(&next).is_some();
            *ahead = Some((n, next));
            is_header
        }
        _ => false,
    }
}

/// The main plan's title, kind and period from the opening lines.
fn read_title(file_name: &str, blocks: &[Block<'_>]) -> Title {
    let mut title: Option<(String, Place)> = None;
    let mut kind: Option<PlanKind> = None;
    let mut period: Option<PlanPeriod> = None;
    // Else the first opening line naming its years ("Performance
    // Indicators 2024/25") is the title.
    let mut dated: Option<(String, Place, PlanPeriod)> = None;
    let mut as_at: Option<dates::ProgressDate> = None;
    let mut seen = 0;
    for block in blocks {
        let Block::Text { text, place } = block else {
            if matches!(block, Block::Row { .. }) {
                break;
            }
            continue;
        };
        seen += 1;
        if seen > 40 {
            break;
        }
        let text = cells::clean(text);
        if title.is_none()
            && text.len() <= 150
            && text.to_ascii_lowercase().contains("plan")
            && kind_of(&text).is_some()
        {
            kind = kind_of(&text);
            period = dates::plan_period(&text);
            title = Some((text.to_string(), place.clone()));
            continue;
        }
        if kind.is_none() {
            kind = kind_of(&text);
        }
        // "Position as at 30 September 2024"; "… Tracker Q2 2024/25": a
        // quarter with its year names the period reported.
        if as_at.is_none()
            && text.len() <= 150
            && (says_as_at(&text)
                || (dates::quarter_in(&text).is_some()
                    && dates::financial_year_in(&text).is_some()))
        {
            as_at = dates::progress_date(&text);
        }
        if dated.is_none()
            && title.is_none()
            && seen <= 12
            && text.len() <= 150
            && !text.ends_with(['.', ':'])
            && let Some(years) = dates::plan_period(&text)
        {
            dated = Some((text.to_string(), place.clone(), years));
        }
        // A period on its own line just under the title.
        if period.is_none() && title.is_some() && seen <= 12 && text.len() <= 60 {
            period = dates::plan_period(&text);
        }
    }
    if title.is_none()
        && let Some((text, place, years)) = dated
    {
        title = Some((text, place));
        period = Some(years);
    }
    let kind = kind.unwrap_or(PlanKind::Service);
    let owner = title.as_ref().and_then(|(t, _)| owner_of(t));
    let (title, line) = match title {
        Some((t, p)) => (t, Some(p)),
        None => {
            let stem = file_name.rsplit(['/', '\\']).next().unwrap_or(file_name);
            let stem = stem.rsplit_once('.').map_or(stem, |(s, _)| s);
            (
                if stem.is_empty() {
                    kind.label().to_string()
                } else {
                    format!("{} ({stem})", kind.label())
                },
                None,
            )
        }
    };
    Title {
        title,
        kind,
        period,
        owner,
        line,
        as_at,
    }
}

/// An opening line saying when the document's progress speaks for:
/// "Position as at 30 September 2024", "Quarter 2 2024/25 monitoring".
fn says_as_at(text: &str) -> bool {
    [
        "as at",
        "position at",
        "progress at",
        "monitoring",
        "performance report",
        "update",
    ]
    .iter()
    .any(|phrase| crate::records::contains_ci(text, phrase))
}

/// The kind of plan a phrase names, by its earliest mention.
fn kind_of(text: &str) -> Option<PlanKind> {
    let lower = text.to_ascii_lowercase();
    [
        ("corporate action plan", PlanKind::CorporateAction),
        ("improvement plan", PlanKind::Improvement),
        ("operational plan", PlanKind::Operational),
        ("service plan", PlanKind::Service),
        ("service delivery plan", PlanKind::Service),
        ("business plan", PlanKind::Service),
        ("delivery plan", PlanKind::Operational),
        ("team plan", PlanKind::Operational),
        ("action plan", PlanKind::Improvement),
        ("corporate plan", PlanKind::Corporate),
        ("council plan", PlanKind::Corporate),
    ]
    .into_iter()
    .filter_map(|(phrase, kind)| lower.find(phrase).map(|at| (at, kind)))
    .min_by_key(|(at, _)| *at)
    .map(|(_, kind)| kind)
}

/// "Communications … Service Plan 2015/16" → the service; "SERVICE PLAN FOR X" → X.
fn owner_of(title: &str) -> Option<String> {
    let lower = title.to_ascii_lowercase();
    let at = lower.find(" plan for ").map(|i| i + " plan for ".len());
    if let Some(at) = at {
        return Some(title[at..].trim().to_string()).filter(|s| !s.is_empty());
    }
    let at = lower.find(" service plan")?;
    Some(title[..at].trim().trim_end_matches(',').to_string()).filter(|s| s.len() > 2)
}

impl<'a> Recogniser<'a> {
    fn context(&self) -> DateContext {
        let fy = self
            .current
            .and_then(|i| self.doc.plans[i].period)
            .map(|p| p.from);
        DateContext { financial_year: fy }
    }

    fn plan_index(&mut self) -> usize {
        if let Some(i) = self.current {
            return i;
        }
        let t = &self.title;
        let mut draft = PlanDraft::new(t.title.clone(), t.kind);
        draft.period = t.period;
        draft.owner = t.owner.clone();
        self.doc.plans.push(draft);
        self.states.push(PlanState::default());
        let i = self.doc.plans.len() - 1;
        self.current = Some(i);
        i
    }

    fn plan(&mut self) -> &mut PlanDraft {
        let i = self.plan_index();
        &mut self.doc.plans[i]
    }

    fn state(&mut self) -> &mut PlanState {
        let i = self.plan_index();
        &mut self.states[i]
    }

    fn finding(&mut self, severity: Severity, kind: FindingKind, message: String, place: &Place) {
        self.doc.findings.push(Finding::new(
            severity,
            kind,
            message,
            Some(place.provenance()),
        ));
    }

    // ---- text ---------------------------------------------------------

    fn on_text(&mut self, text: &str, raw: &str, place: &Place) {
        if text.is_empty() {
            return;
        }
        self.on_text_line(sections::classify(text), text, raw, place);
    }

    /// [`Self::on_text`] for a non-empty line already classified, so a
    /// row's single cell is classified once, not again here.
    fn on_text_line(&mut self, line: Line, text: &str, raw: &str, place: &Place) {
        self.on_line(line, text, raw, place);
        // A line read as a record keeps the table open; any other closes it.
        if !self.record_from_line {
            self.after_row = false;
        }
        self.record_from_line = false;
    }

    fn on_line(&mut self, line: Line, text: &str, raw: &str, place: &Place) {
        match line {
            Line::Plan { kind, title, owner } => {
                self.flush_all();
                self.flush_theme();
                if self.title.line.as_ref() != Some(place) {
                    self.switch_plan(kind, title, owner);
                } else {
                    self.plan_index();
                }
            }
            Line::Node {
                level,
                label,
                code,
                title,
                strapline,
            } => {
                self.flush_all();
                if code.is_some() {
                    // A numbered section heading between tables starts a new
                    // table: rows after it need their own header.
                    let i = self.plan_index();
                    self.states[i].header = None;
                }
                self.section_node(level, label, code, title, strapline, place);
            }
            Line::PendingLabel { level, label } => {
                self.flush_all();
                self.flush_theme();
                self.pending_label = Some((Some(level), label, Vec::new(), place.clone()));
            }
            Line::Context { label, value } => {
                self.flush_all();
                self.flush_theme();
                let values = if value.is_empty() {
                    Vec::new()
                } else {
                    vec![value]
                };
                self.pending_label = Some((None, label, values, place.clone()));
            }
            Line::IndicatorIntro { rest } => {
                self.flush_all();
                self.flush_theme();
                self.indicator_node = self.deepest_node();
                self.narrative(text, place);
                self.inline_indicators(&rest, place);
            }
            Line::Monitoring(bodies) => {
                self.flush_record();
                if let Some(node) = self.deepest_node() {
                    // The last note wins: extraction often repeats a damaged copy first.
                    self.state().monitoring.insert(node, bodies);
                }
                self.narrative(text, place);
            }
            Line::Heading(heading) => {
                self.flush_all();
                self.flush_theme();
                let i = self.plan_index();
                self.doc.plans[i].sections.push(NarrativeSection {
                    heading,
                    body: String::new(),
                    provenance: Some(place.provenance()),
                });
                self.states[i].section = Some(self.doc.plans[i].sections.len() - 1);
            }
            Line::Other if self.after_row && !self.single_cell_is_text(&Line::Other, text, raw) => {
                let i = self.plan_index();
                if let Some(h) = self.states[i].header.clone() {
                    self.flush_label();
                    self.flush_theme();
                    self.on_data(vec![Cow::Owned(text.to_string())], place, &h);
                    self.record_from_line = true;
                    return;
                }
                self.on_plain(text, raw, place);
            }
            Line::Other => self.on_plain(text, raw, place),
        }
    }

    fn on_plain(&mut self, text: &str, raw: &str, place: &Place) {
        if let Some((_, _, values, _)) = &mut self.pending_label {
            values.push(text.to_string());
            return;
        }
        self.flush_record();
        self.flush_rows();
        if let Some(bold) = cells::bold_only(raw).filter(|b| b.len() <= 200) {
            self.flush_theme();
            self.section_node(
                NodeLevel::Objective,
                "Objective".into(),
                None,
                bold,
                None,
                place,
            );
            return;
        }
        if indicators::leading(text).is_some() {
            self.flush_theme();
            self.narrative(text, place);
            self.inline_indicators(text, place);
            return;
        }
        if sections::is_title_like(text) {
            self.flush_theme();
            self.pending_theme = Some((text.to_string(), place.clone()));
            return;
        }
        self.flush_theme();
        self.risk_line(text, place);
        self.narrative(text, place);
    }

    fn narrative(&mut self, text: &str, place: &Place) {
        let i = self.plan_index();
        let plan = &mut self.doc.plans[i];
        let section = match self.states[i].section {
            Some(s) if s < plan.sections.len() => s,
            _ => {
                plan.sections.push(NarrativeSection {
                    heading: "Introduction".into(),
                    body: String::new(),
                    provenance: Some(place.provenance()),
                });
                plan.sections.len() - 1
            }
        };
        self.states[i].section = Some(section);
        let body = &mut plan.sections[section].body;
        if !body.is_empty() {
            body.push('\n');
        }
        body.push_str(text);
    }

    /// Lettered lines under a risk heading: "- a) Failure to … leading to …".
    fn risk_line(&mut self, text: &str, place: &Place) {
        let i = self.plan_index();
        let in_risks = self.states[i]
            .section
            .and_then(|s| self.doc.plans[i].sections.get(s))
            .is_some_and(|s| crate::records::contains_ci(&s.heading, "risk"));
        if !in_risks {
            return;
        }
        let t = text.trim_start_matches(['-', '–', '•', ' ']);
        let Some((code, rest)) = t.split_once(") ") else {
            return;
        };
        let code = code.trim_start_matches('(');
        if code.is_empty() || code.len() > 2 || !code.chars().all(|c| c.is_ascii_lowercase()) {
            return;
        }
        let title = rest.trim().to_string();
        let (event, consequence) = match title
            .find(" leading to ")
            .or_else(|| title.find(" resulting in "))
        {
            Some(at) => {
                let skip = if title[at..].starts_with(" leading to ") {
                    " leading to ".len()
                } else {
                    " resulting in ".len()
                };
                (
                    Some(title[..at].trim().to_string()),
                    Some(title[at + skip..].trim().to_string()),
                )
            }
            None => (None, None),
        };
        self.doc.plans[i].risks.push(Risk {
            code: Some(code.to_string()),
            title,
            event,
            consequence,
            provenance: Some(place.provenance()),
            ..Risk::default()
        });
    }

    fn inline_indicators(&mut self, text: &str, place: &Place) {
        let node = self.indicator_node.or_else(|| self.deepest_node());
        for m in indicators::mentions(text) {
            let idx = self.add_indicator(&m, place);
            if let Some(node) = node {
                let plan = self.plan();
                if !plan.indicators[idx].nodes.contains(&node) {
                    plan.indicators[idx].nodes.push(node);
                }
            }
        }
    }

    fn add_indicator(&mut self, m: &Mention, place: &Place) -> usize {
        let i = self.plan_index();
        let key = m.code.as_str().to_string();
        if let Some(&idx) = self.states[i].indicator_codes.get(&key) {
            let ind = &mut self.doc.plans[i].indicators[idx];
            if ind.frequency.is_none() {
                ind.frequency = m.frequency;
            }
            return idx;
        }
        let plan = &mut self.doc.plans[i];
        plan.indicators.push(Indicator {
            code: Some(m.code.clone()),
            title: m.title.clone(),
            description: m.note.clone(),
            unit: indicators::implied_by_title(&m.title).0,
            polarity: indicators::implied_by_title(&m.title).1,
            frequency: m.frequency,
            provenance: Some(place.provenance()),
            ..Indicator::default()
        });
        let idx = plan.indicators.len() - 1;
        self.states[i].indicator_codes.insert(key, idx);
        idx
    }

    // ---- nodes and plans ----------------------------------------------

    fn deepest_node(&mut self) -> Option<usize> {
        let st = self.state();
        st.stack.iter().rev().find_map(|n| *n)
    }

    fn switch_plan(&mut self, kind: PlanKind, title: String, owner: Option<String>) {
        let existing = self
            .doc
            .plans
            .iter()
            .position(|p| p.title.eq_ignore_ascii_case(&title));
        if let Some(i) = existing {
            self.current = Some(i);
            return;
        }
        let period = self
            .current
            .and_then(|i| self.doc.plans[i].period)
            .or(self.title.period);
        if self.current.is_none() && self.title.line.is_none() && kind == self.title.kind {
            // The first plan heading is the document's title.
            self.title.title = title;
            self.title.owner = owner;
            self.plan_index();
            return;
        }
        let mut draft = PlanDraft::new(title, kind);
        draft.period = period;
        draft.owner = owner;
        self.doc.plans.push(draft);
        self.states.push(PlanState::default());
        self.current = Some(self.doc.plans.len() - 1);
    }

    /// A node named by a section line or row; coded nodes ("Corporate
    /// Action 3") are found again by code, others by title and parent.
    fn section_node(
        &mut self,
        level: NodeLevel,
        label: String,
        code: Option<String>,
        title: String,
        strapline: Option<String>,
        place: &Place,
    ) {
        let i = self.plan_index();
        let li = level_index(level);
        if let Some(code) = &code
            && let Some(&existing) = self.states[i].coded_nodes.get(code)
        {
            self.pending_theme = None;
            let st = &mut self.states[i];
            st.stack[li] = Some(existing);
            for slot in st.stack.iter_mut().skip(li + 1) {
                *slot = None;
            }
            if li > 0 {
                st.stack[0] = self.doc.plans[i].nodes[existing]
                    .parent
                    .filter(|&p| self.doc.plans[i].nodes[p].level == NodeLevel::Priority);
            }
            st.groups.clear();
            self.indicator_node = None;
            return;
        }
        if li > 0
            && let Some((theme, theme_place)) = self.pending_theme.take()
        {
            let node = self.node(
                NodeLevel::Priority,
                "Theme".into(),
                None,
                theme,
                None,
                None,
                &theme_place,
            );
            let st = &mut self.states[i];
            st.stack = [Some(node), None, None];
        }
        self.flush_theme();
        let st = &self.states[i];
        let parent = st.stack[..li].iter().rev().find_map(|n| *n);
        let node = self.node(level, label, code, title, strapline, parent, place);
        let st = &mut self.states[i];
        st.stack[li] = Some(node);
        for slot in st.stack.iter_mut().skip(li + 1) {
            *slot = None;
        }
        st.groups.clear();
        self.indicator_node = None;
    }

    #[allow(clippy::too_many_arguments)]
    fn node(
        &mut self,
        level: NodeLevel,
        label: String,
        code: Option<String>,
        title: String,
        strapline: Option<String>,
        parent: Option<usize>,
        place: &Place,
    ) -> usize {
        let i = self.plan_index();
        let title = title
            .trim()
            .trim_end_matches("(continued)")
            .trim()
            .to_string();
        let key = (level, title.to_lowercase(), parent);
        if code.is_none()
            && let Some(&idx) = self.states[i].node_keys.get(&key)
        {
            return idx;
        }
        let plan = &mut self.doc.plans[i];
        plan.nodes.push(ThreadNode {
            level,
            label,
            title,
            strapline,
            code: code.clone(),
            parent,
            provenance: Some(place.provenance()),
        });
        let idx = plan.nodes.len() - 1;
        let st = &mut self.states[i];
        st.node_keys.insert(key, idx);
        if let Some(code) = code {
            st.coded_nodes.insert(code, idx);
        }
        idx
    }

    // ---- rows ---------------------------------------------------------

    /// A table row, given as read and with each cell cleaned.
    fn on_row(&mut self, raw: &'a Cells<'_>, cleaned: Vec<Cow<'a, str>>, place: &Place) {
        self.after_row = false;
        let filled: Vec<usize> = (0..cleaned.len())
            .filter(|&i| !cleaned[i].is_empty())
            .collect();
        let Some(&first) = filled.first() else { return };
        // "--  ---  ----": a rule drawn under a table.
        if filled.iter().all(|&i| {
            cleaned[i]
                .chars()
                .all(|c| matches!(c, '-' | '–' | '—' | '_' | '=' | ' '))
        }) {
            return;
        }
        // The first cell is classified once here for every check below
        // that reads it as a line.
        // Rows of three or more cells only ask whether it opens a note, so
        // only they skip the full classification.
        let mut first_line = (first == 0
            && (filled.len() <= 2 || sections::opens_note(&cleaned[0])))
        .then(|| sections::classify(&cleaned[0]));
        // (Taken here only for one filled cell: the checks after this one
        // want two or more.)
        if filled.len() == 1
            && let Some(line) = first_line.take()
            && let Some(raw) = raw.iter().next()
            && self.single_cell_is_text(&line, &cleaned[0], raw)
        {
            self.on_text_line(line, &cleaned[0], raw, place);
            return;
        }
        // "CORPORATE ACTION 1 | Implement the Development sites programme".
        if filled.len() == 2
            && let Some(Line::Node {
                level,
                label,
                code: Some(code),
                title,
                strapline,
            }) = &first_line
            && title.is_empty()
        {
            self.flush_all();
            self.section_node(
                *level,
                label.clone(),
                Some(code.clone()),
                cleaned[filled[1]].to_string(),
                strapline.clone(),
                place,
            );
            return;
        }
        // "Additional Performance Monitoring: Asset Man | agement Board":
        // a note the extraction cut into cells.
        if filled.len() > 1
            && matches!(
                first_line,
                Some(Line::Monitoring(_) | Line::IndicatorIntro { .. })
            )
        {
            let joined = filled
                .iter()
                .map(|&i| cleaned[i].as_ref())
                .collect::<Vec<_>>()
                .join(" ");
            self.on_text(&joined, &joined, place);
            return;
        }
        if let Some(mut h) = header::recognise(&cleaned) {
            self.flush_all();
            self.flush_theme();
            self.pending_rows.clear();
            let fy = self.context().financial_year;
            let i = self.plan_index();
            let st = &mut self.states[i];
            if let Some(old) = &st.header
                && h.compatible(old)
            {
                h.inherit(old);
            }
            // A header repeated at every page break is one layout.
            if !self.layout_keys.contains(&h.labels) {
                self.layout_keys.insert(h.labels.clone());
                self.layouts.push(crate::tables::plan_layout(&h, place));
            }
            if h.as_at.is_none() && (h.has(Role::Progress) || h.has(Role::Rag)) {
                h.as_at = self.title.as_at;
            }
            if let Some(day) = h.as_at.and_then(|d| d.day(fy)) {
                st.as_at = Some(day);
            }
            st.header = Some(Rc::new(h));
            st.groups.clear();
            st.numbered = false;
            st.undated_reported = false;
            return;
        }
        let i = self.plan_index();
        let Some(h) = self.states[i].header.clone() else {
            self.flush_record();
            self.flush_label();
            self.flush_theme();
            self.pending_rows.push((cleaned.join("\t"), place.clone()));
            return;
        };
        if let Some(years) = header::year_row(&cleaned)
            && h.has(Role::Targets)
        {
            let mut h2 = (*h).clone();
            h2.apply_years(&years);
            self.states[i].header = Some(Rc::new(h2));
            return;
        }
        self.flush_label();
        self.flush_theme();
        self.on_data(cleaned, place, &h);
        self.after_row = true;
    }

    /// A row with text only in its first cell reads as a line, unless it
    /// sits in a table whose first column holds record titles.
    /// `line` is what [`sections::classify`] made of `text`.
    fn single_cell_is_text(&mut self, line: &Line, text: &str, raw: &str) -> bool {
        if !matches!(line, Line::Other | Line::Heading(_)) {
            return true;
        }
        if cells::bold_only(raw).is_some() || sections::is_title_like(text) {
            return true;
        }
        let i = self.plan_index();
        let Some(h) = &self.states[i].header else {
            return true;
        };
        !matches!(
            h.roles.first(),
            Some(Some(
                Role::Title | Role::Code | Role::Indicator | Role::Group(_)
            ))
        )
    }

    /// A data row (its cells cleaned): a new record, or more of the one
    /// above.
    fn on_data(&mut self, cleaned: Vec<Cow<'a, str>>, place: &Place, h: &Rc<Header>) {
        let mut cells = realign(cleaned, h);
        let cleaned: &[Cow<'a, str>] = &cells;
        let get = |role: Role| {
            h.col(role)
                .and_then(|c| cleaned.get(c))
                .map_or("", |c| c.as_ref())
        };
        let groups_filled = h
            .groups()
            .any(|(c, _)| cleaned.get(c).is_some_and(|v| !v.is_empty()));
        let is_new = match &self.record {
            None => true,
            Some(rec) => self.starts_record(h, cleaned, rec, groups_filled, get(Role::Title)),
        };
        if !is_new {
            if let Some(rec) = &mut self.record {
                append_row(rec, cells, h);
            }
            return;
        }
        let numbered = self
            .current
            .and_then(|i| self.states.get(i))
            .is_some_and(|st| st.numbered);
        // A post title split over two rows of a merged cell ("Head of
        // Partnerships and" / "Community Engagement") belongs above.
        // Records keep cleaned text: each cell is cleaned once.
        let title_numbered = starts_with_number(get(Role::Title));
        if !h.has(Role::Code)
            && let (Some(lc), Some(rec)) = (h.col(Role::Lead), &mut self.record)
            && let Some(prev) = rec.cells.get_mut(lc)
            && !prev.trim().is_empty()
            && let Some(new) = cells.get(lc).filter(|c| !c.is_empty())
            && (ends_with_connector(prev)
                || (new.split_whitespace().count() == 1
                    && !POST_STARTS.contains(&new.as_ref())
                    && !new.chars().all(|c| !c.is_lowercase())
                    && !numbered))
        {
            let prev = prev.to_mut();
            prev.push(' ');
            prev.push_str(new);
            cells[lc] = Cow::Borrowed("");
        }
        self.flush_record();
        let nodes = self.group_nodes(h, &cells, place);
        if title_numbered {
            self.state().numbered = true;
        }
        self.record = Some(Record {
            cells,
            place: place.clone(),
            nodes,
        });
    }

    fn starts_record(
        &self,
        h: &Header,
        cleaned: &[Cow<'_, str>],
        rec: &Record<'_>,
        groups_filled: bool,
        title: &str,
    ) -> bool {
        let i = self.current.unwrap_or(0);
        let numbered = self.states.get(i).is_some_and(|s| s.numbered);
        if let Some(c) = h.col(Role::Code) {
            let code = cleaned.get(c).map_or("", |c| c.as_ref());
            if !code.is_empty() {
                return true;
            }
            let rec_has_code = rec.cells.get(c).is_some_and(|v| !v.trim().is_empty());
            if rec_has_code || title.is_empty() {
                return false;
            }
        }
        if h.is_indicator_table() {
            let keys = [Role::Indicator, Role::SupportingAction, Role::Measures];
            let key_filled = keys.iter().any(|r| {
                h.col(*r)
                    .and_then(|c| cleaned.get(c))
                    .is_some_and(|v| !v.is_empty())
            });
            let first_key = keys.iter().find_map(|r| {
                h.col(*r)
                    .and_then(|c| cleaned.get(c))
                    .filter(|v| !v.is_empty())
            });
            return groups_filled || (key_filled && !first_key.is_some_and(|v| starts_lower(v)));
        }
        if title.is_empty() {
            return groups_filled;
        }
        if numbered || starts_with_number(title) {
            return starts_with_number(title);
        }
        if starts_lower(title) {
            return false;
        }
        let prev_title = h
            .col(Role::Title)
            .and_then(|c| rec.cells.get(c))
            .map_or("", |c| c.as_ref());
        if ends_with_connector(prev_title) {
            return false;
        }
        // A short fragment beside other cells that carry on mid-sentence.
        let tc = h.col(Role::Title);
        let others_lower = cleaned
            .iter()
            .enumerate()
            .any(|(i, v)| Some(i) != tc && starts_lower(v));
        !(others_lower && title.split_whitespace().count() <= 3)
    }

    /// Nodes for a new record from the grouping columns (Theme, Area for
    /// Improvement, Supporting Objective), which merged cells leave empty
    /// on the rows beneath.
    fn group_nodes(&mut self, h: &Header, cleaned: &[Cow<'_, str>], place: &Place) -> Vec<usize> {
        let i = self.plan_index();
        let mut parent = self.states[i].stack.iter().rev().find_map(|n| *n);
        let mut changed = false;
        let groups: Vec<(usize, NodeLevel)> = h.groups().collect();
        for (col, level) in &groups {
            let value = cleaned.get(*col).map_or("", |c| c.as_ref());
            if !value.is_empty() {
                let label = h.labels.get(*col).cloned().unwrap_or_default();
                let node = self.node(
                    *level,
                    label,
                    None,
                    value.replace('\n', " "),
                    None,
                    parent,
                    place,
                );
                self.states[i].groups.insert(*col, node);
                changed = true;
                parent = Some(node);
            } else if changed {
                // A new outer group resets the inner ones.
                self.states[i].groups.remove(col);
            } else if let Some(&node) = self.states[i].groups.get(col) {
                parent = Some(node);
            }
        }
        parent.into_iter().collect()
    }

    // ---- flushing -----------------------------------------------------

    /// Ends whatever record, label or headerless table is open. A pending
    /// theme line is left alone: the node that may follow decides its fate.
    fn flush_all(&mut self) {
        self.flush_record();
        self.flush_label();
        self.flush_rows();
    }

    fn flush_theme(&mut self) {
        if let Some((text, place)) = self.pending_theme.take() {
            self.narrative(&text, &place);
        }
    }

    fn flush_rows(&mut self) {
        if self.pending_rows.is_empty() {
            return;
        }
        let rows = std::mem::take(&mut self.pending_rows);
        if self.vertical_records(&rows) {
            return;
        }
        if let Some((_, place)) = rows.first() {
            let message = format!(
                "a table of {} row(s) has no header naming its columns; kept as narrative text",
                rows.len()
            );
            self.finding(
                Severity::Info,
                FindingKind::UnrecognisedTable,
                message,
                place,
            );
        }
        for (text, place) in rows {
            self.narrative(&text, &place);
        }
    }

    /// A table with a record down the page, a field a row: "Action | …",
    /// "Lead Officer | …", "Target Date | …", then the next "Action". Read
    /// when most rows open with a field heading and one names the record.
    fn vertical_records(&mut self, rows: &[(String, Place)]) -> bool {
        let fields: Vec<Option<(Role, &str, String, &Place)>> = rows
            .iter()
            .map(|(text, place)| {
                let mut cells = text.split('\t').map(str::trim).filter(|c| !c.is_empty());
                let heading = cells.next()?;
                let role = header::role_of(heading)?;
                let value = cells.collect::<Vec<_>>().join(" ");
                (!value.is_empty()).then_some((role, heading, value, place))
            })
            .collect();
        // "Status: Green" beside "Update: …": the status is the judgement.
        let progress_headings: Vec<&str> = fields
            .iter()
            .flatten()
            .filter(|(role, ..)| *role == Role::Progress)
            .map(|(_, heading, ..)| *heading)
            .collect();
        let mut fields = fields;
        if progress_headings
            .iter()
            .any(|h| !h.eq_ignore_ascii_case("status"))
        {
            for (role, heading, ..) in fields.iter_mut().flatten() {
                if *role == Role::Progress && heading.eq_ignore_ascii_case("status") {
                    *role = Role::Rag;
                }
            }
        }
        let named = fields.iter().flatten().count();
        if named < 2
            || named * 10 < rows.len() * 8
            || !fields
                .iter()
                .flatten()
                .any(|(role, ..)| header::is_key(*role))
        {
            return false;
        }
        let mut roles: Vec<Role> = Vec::new();
        let mut labels: Vec<String> = Vec::new();
        for (role, heading, ..) in fields.iter().flatten() {
            if !roles.contains(role) {
                roles.push(*role);
                labels.push(heading.to_string());
            }
        }
        // "Progress at 30 September 2024": when the progress speaks for.
        let as_at = roles
            .iter()
            .position(|r| *r == Role::Progress)
            .and_then(|i| dates::progress_date(&labels[i]))
            .or(self.title.as_at);
        // A field already filled starts the next record.
        let mut records: Vec<(Vec<String>, Place)> = Vec::new();
        for (role, _, value, place) in fields.into_iter().flatten() {
            let col = roles.iter().position(|r| *r == role).unwrap_or(0);
            match records.last_mut() {
                Some((cells, _)) if cells[col].is_empty() => cells[col] = value,
                _ => {
                    let mut cells = vec![String::new(); roles.len()];
                    cells[col] = value;
                    records.push((cells, place.clone()));
                }
            }
        }
        let vertical = Rc::new(Header::new(
            roles.into_iter().map(Some).collect(),
            labels,
            as_at,
        ));
        let i = self.plan_index();
        let table_header = self.states[i].header.replace(vertical);
        let nodes: Vec<usize> = self.deepest_node().into_iter().collect();
        for (cells, place) in records {
            self.record = Some(Record {
                cells: cells.into_iter().map(Cow::Owned).collect(),
                place,
                nodes: nodes.clone(),
            });
            self.flush_record();
        }
        self.states[i].header = table_header;
        true
    }

    fn flush_label(&mut self) {
        let Some((level, label, values, place)) = self.pending_label.take() else {
            return;
        };
        match level {
            None => {
                let i = self.plan_index();
                self.doc.plans[i].sections.push(NarrativeSection {
                    heading: label,
                    body: values.join("\n"),
                    provenance: Some(place.provenance()),
                });
            }
            Some(NodeLevel::Priority) => {
                // Several aims: each its own node; the first stays current.
                let mut first = None;
                for value in &values {
                    self.section_node(
                        NodeLevel::Priority,
                        label.clone(),
                        None,
                        value.clone(),
                        None,
                        &place,
                    );
                    let i = self.plan_index();
                    first = first.or(self.states[i].stack[0]);
                }
                let i = self.plan_index();
                if first.is_some() {
                    self.states[i].stack[0] = first;
                }
            }
            Some(level) if !values.is_empty() => {
                self.section_node(level, label, None, values.join(" "), None, &place);
            }
            Some(_) => {}
        }
    }

    fn flush_record(&mut self) {
        let Some(record) = self.record.take() else {
            return;
        };
        let i = self.plan_index();
        let Some(h) = self.states[i].header.clone() else {
            return;
        };
        if h.is_indicator_table() {
            let group_title = record
                .nodes
                .last()
                .and_then(|&n| self.doc.plans[i].nodes.get(n))
                .map(|n| n.title.clone());
            let context = self.context();
            let ind = records::build_indicator(&record, &h, group_title.as_deref(), context);
            let key = ind.code.as_ref().map(|c| c.as_str().to_string());
            if let Some(key) = &key
                && let Some(&idx) = self.states[i].indicator_codes.get(key)
            {
                let existing = &mut self.doc.plans[i].indicators[idx];
                for n in ind.nodes {
                    if !existing.nodes.contains(&n) {
                        existing.nodes.push(n);
                    }
                }
                if existing.targets.is_empty() {
                    existing.targets = ind.targets;
                }
                return;
            }
            self.doc.plans[i].indicators.push(ind);
            if let Some(key) = key {
                let idx = self.doc.plans[i].indicators.len() - 1;
                self.states[i].indicator_codes.insert(key, idx);
            }
            return;
        }
        let context = self.context();
        let built = records::build_action(&record, &h, context);
        let mut action = built.action;
        // Merged cells: a lead officer written once for several outputs.
        if action.lead_officers.is_empty() && !h.has(Role::Code) {
            if let Some((nodes, lead)) = &self.states[i].last_lead
                && *nodes == action.nodes
            {
                let names = cells::lead_officers(lead);
                let joint = names.len() > 1;
                action.lead_officers = names
                    .into_iter()
                    .map(|name| goldthread_domain::LeadOfficer { name, joint })
                    .collect();
            }
        } else if let Some(lc) = h.col(Role::Lead) {
            let lead = record
                .cells
                .get(lc)
                .map_or_else(String::new, |c| c.to_string());
            self.states[i].last_lead = Some((action.nodes.clone(), lead));
        }
        // Outputs under a coded node ("Corporate Action 1") are numbered from it.
        if action.code.is_none()
            && let Some(&node) = action.nodes.last()
            && let Some(code) = self.doc.plans[i].nodes[node].code.clone()
        {
            let n = self.states[i].node_counters.entry(node).or_insert(0);
            *n += 1;
            action.code = Some(format!("{code}.{n}"));
        }
        if built.undated_progress && !self.states[i].undated_reported {
            self.states[i].undated_reported = true;
            self.finding(
                Severity::Info,
                FindingKind::UndatedProgress,
                "this table's progress names no day, month or quarter (or a quarter of a plan \
                 with no year), so its statuses are kept as text with each action"
                    .to_string(),
                &record.place,
            );
        }
        if let Some(text) = &built.unrecognised_status {
            let short = crate::findings::clip(text, 60);
            let message = format!(
                "progress for action {} does not open with a status (Achieved, On target, Not started …): \"{short}\"",
                action.code.as_deref().unwrap_or(&action.title)
            );
            self.finding(
                Severity::Warning,
                FindingKind::UnrecognisedStatus,
                message,
                &record.place,
            );
        }
        let action_index = self.doc.plans[i].actions.len();
        for m in &built.mentions {
            let idx = self.add_indicator(m, &record.place);
            if !action.indicators.contains(&idx) {
                action.indicators.push(idx);
            }
        }
        let _ = action_index;
        self.doc.plans[i].actions.push(action);
    }

    fn finish(&mut self) {
        self.flush_all();
        if self.doc.plans.is_empty() {
            self.plan_index();
        }
        for (i, plan) in self.doc.plans.iter_mut().enumerate() {
            let st = &self.states[i];
            for action in &mut plan.actions {
                let monitored = action.nodes.iter().find_map(|n| st.monitoring.get(n));
                if let Some(bodies) = monitored {
                    action
                        .details
                        .set(DetailField::MonitoringBodies, Some(bodies.clone()));
                }
            }
            // An improvement plan without a year in its title runs in the
            // year its progress is reported for.
            if plan.period.is_none()
                && let Some(as_at) = st.as_at
            {
                plan.period = Some(PlanPeriod::single(FinancialYear::containing(as_at)));
            }
        }
    }
}

/// Extraction sometimes repeats a cell ("Human Resources | Human
/// Resources") and pushes the rest of the row right, so the date lands past
/// the date column. Moves the row back so the first date-like cell sits in
/// the date column; the displaced text goes past the named columns, where it
/// is kept with the record's description.
fn realign<'a>(mut cleaned: Vec<Cow<'a, str>>, h: &Header) -> Vec<Cow<'a, str>> {
    let Some(d) = h.col(Role::Due) else {
        return cleaned;
    };
    let due = cleaned.get(d).map_or("", |c| c.as_ref());
    if due.is_empty() || dates::starts_with_date(due) {
        return cleaned;
    }
    let Some(j) = (d + 1..cleaned.len()).find(|&j| dates::starts_with_date(&cleaned[j])) else {
        return cleaned;
    };
    let spill: Vec<_> = cleaned.drain(d..j).collect();
    let width = h.roles.len().max(cleaned.len());
    cleaned.resize(width, Cow::Borrowed(""));
    cleaned.extend(spill);
    cleaned
}

fn starts_with_number(text: &str) -> bool {
    let t = text.trim_start().trim_start_matches('(');
    let digits = t.chars().take_while(char::is_ascii_digit).count();
    digits > 0
        && digits <= 3
        && t[digits..].starts_with(['.', ')'])
        && t[digits + 1..].starts_with(char::is_whitespace)
}

/// Adds a continuation row's cells to the record above it. Titles and
/// post names split mid-phrase are rejoined with a space; other cells keep
/// the break, since a new line there is usually a new milestone or date.
fn append_row<'a>(rec: &mut Record<'a>, cleaned: Vec<Cow<'a, str>>, h: &Header) {
    if rec.cells.len() < cleaned.len() {
        rec.cells.resize(cleaned.len(), Cow::Borrowed(""));
    }
    for (i, new) in cleaned.into_iter().enumerate() {
        if new.is_empty() {
            continue;
        }
        let slot = &mut rec.cells[i];
        if slot.is_empty() {
            *slot = new;
            continue;
        }
        let prev: &str = slot;
        let new: &str = &new;
        let role = h.roles.get(i).copied().flatten();
        let join_space = match role {
            Some(Role::Title | Role::Group(_)) => true,
            Some(Role::Lead) => {
                new.split_whitespace().count() == 1
                    || starts_lower(new)
                    || ends_with_connector(prev)
            }
            _ => starts_lower(new) || ends_with_connector(prev),
        };
        let slot = slot.to_mut();
        slot.push(if join_space { ' ' } else { '\n' });
        slot.push_str(new);
    }
}
