//! Turning one table record (a row plus its continuation rows) into an
//! [`Action`] or an [`Indicator`], using the header's column roles.

use crate::blocks::Place;
use crate::cells::{self, Label};
use crate::dates;
use crate::header::{Header, Role};
use crate::indicators::{self, Mention};
use crate::progress;
use goldthread_domain::{
    Action, Baseline, DateContext, DetailField, DueRevision, FuzzyDate, Indicator, IndicatorCode,
    LeadOfficer, Measurement, Milestone, Period, Polarity, ProgressUpdate, Target, Unit,
    read_number,
};
use regex::Regex;
use std::borrow::Cow;
use std::sync::LazyLock;

/// A record as gathered from its rows: cleaned cell text per column,
/// borrowed from the source until a continuation row extends it.
#[derive(Debug, Clone)]
pub struct Record<'a> {
    pub cells: Vec<Cow<'a, str>>,
    pub place: Place,
    pub nodes: Vec<usize>,
}

impl Record<'_> {
    pub fn cell(&self, header: &Header, role: Role) -> &str {
        header
            .col(role)
            .and_then(|i| self.cells.get(i))
            .map_or("", |c| c.as_ref())
    }
}

/// What building an action found beyond the action itself.
pub struct Built {
    pub action: Action,
    pub mentions: Vec<Mention>,
    /// Progress text that opened with no status we know.
    pub unrecognised_status: Option<String>,
    /// Progress was given but no day for it: kept as text.
    pub undated_progress: bool,
}

static LEADING_NUMBER: LazyLock<Regex> =
    LazyLock::new(|| dates::compile(r"(?s)^\(?(\d{1,3})[.)]\s+(.*)$"));
static TRAILING_REF: LazyLock<Regex> =
    LazyLock::new(|| dates::compile(r"\(([A-Z]{1,2}\d{1,2})\)\s*$"));
static RELATED: LazyLock<Regex> = LazyLock::new(|| {
    dates::compile(
        r"(?i)\b(?:links? to|follows on from|see|refer to)\s+actions?\s+([A-Z]*\.?\d+(?:\.\d+)?)",
    )
});

/// The number and text [`LEADING_NUMBER`] captures from "1. Text" or
/// "(2) Text". ASCII digits are read by hand, which is much cheaper than
/// running the pattern over a long cell; digits of other scripts (which
/// `\d` also takes) go to the pattern.
fn leading_number(cell: &str) -> Option<(&str, &str)> {
    let body = cell.strip_prefix('(').unwrap_or(cell);
    let digits = body.bytes().take_while(u8::is_ascii_digit).count();
    let after = body.as_bytes().get(digits).copied();
    if digits == 0 || after.is_some_and(|b| b >= 0x80) {
        let c = LEADING_NUMBER.captures(cell)?;
        return Some((c.get(1)?.as_str(), c.get(2)?.as_str()));
    }
    if digits > 3 || !matches!(after, Some(b'.' | b')')) {
        return None;
    }
    let rest = &body[digits + 1..];
    let text = rest.trim_start();
    // `\s+`: at least one space of some kind.
    (text.len() < rest.len()).then(|| (&body[..digits], text))
}

pub fn build_action(record: &Record<'_>, header: &Header, context: DateContext) -> Built {
    let mut action = Action {
        provenance: Some(record.place.provenance()),
        nodes: record.nodes.clone(),
        ..Action::default()
    };
    let mut description: Vec<String> = Vec::new();

    let code_cell = record.cell(header, Role::Code);
    let title_cell = record.cell(header, Role::Title);
    let mut title_text = title_cell;
    if let Some(code) = code_cell
        .lines()
        .next()
        .map(|c| c.trim().trim_end_matches([':', '.']).trim())
        .filter(|c| !c.is_empty())
    {
        action.code = Some(code.to_string());
    }
    let numbered = title_cell.starts_with(|c: char| c.is_ascii_digit() || c == '(');
    if numbered && let Some((number, text)) = leading_number(title_cell) {
        if action.code.is_none() {
            action.code = Some(number.to_string());
        }
        title_text = text;
    }
    let mut lines = title_text.lines();
    action.title = lines.next().unwrap_or("").trim().to_string();
    let rest: Vec<&str> = lines.collect();
    if !rest.is_empty() {
        description.push(rest.join("\n"));
    }
    if action.code.is_none()
        && action.title.ends_with(')')
        && let Some(c) = TRAILING_REF.captures(&action.title)
    {
        action.code = Some(c[1].to_string());
    }
    if contains_ci(title_cell, "action") {
        action.related = RELATED
            .captures_iter(title_cell)
            .map(|c| c[1].to_string())
            .collect();
    }

    let measures = record.cell(header, Role::Measures);
    let steps_cell = record.cell(header, Role::Steps);
    let due_cell = record.cell(header, Role::Due);
    if action.title.is_empty() {
        let fallback = [&measures, &steps_cell]
            .into_iter()
            .find_map(|t| t.lines().next().filter(|l| !l.is_empty()));
        action.title = fallback.unwrap_or("").to_string();
    }

    // Steps and milestones.
    let found = indicators::mentions(measures);
    let due_items = dates::split_dates(due_cell);
    let mut milestone_dues: Vec<FuzzyDate> = Vec::new();
    let numbered_steps = cells::numbered_items(steps_cell);
    if let Some((intro, steps)) = &numbered_steps {
        if !intro.is_empty() {
            description.push(intro.clone());
        }
        let numbered_due = cells::numbered_items(due_cell).map(|(_, d)| d);
        for (i, step) in steps.iter().enumerate() {
            let (title, inline) = cells::trailing_date(step);
            let due_text = numbered_due
                .as_ref()
                .and_then(|d| d.get(i).cloned())
                .or(inline);
            let due = due_text.map(|t| dates::fuzzy(&t, context));
            if let Some(d) = &due {
                milestone_dues.push(d.clone());
            }
            action.milestones.push(Milestone {
                title,
                due,
                completed: None,
                provenance: action.provenance.clone(),
            });
        }
        if numbered_due.is_some() && !milestone_dues.is_empty() {
            action.due = Some(dates::combined(
                due_cell,
                &milestone_dues.iter().collect::<Vec<_>>(),
            ));
        }
    } else if !steps_cell.is_empty() {
        description.push(steps_cell.to_string());
    }
    if numbered_steps.is_none() && due_items.len() >= 2 {
        let titles = milestone_titles(measures, &found, &due_items, &action.title);
        for (title, due_text) in titles.into_iter().zip(&due_items) {
            let (date, label) = dates::date_with_label(due_text);
            let due = dates::fuzzy(&date, context);
            milestone_dues.push(due.clone());
            action.milestones.push(Milestone {
                title: label.unwrap_or(title),
                due: Some(due),
                completed: None,
                provenance: action.provenance.clone(),
            });
        }
        action.due = Some(dates::combined(
            due_cell,
            &milestone_dues.iter().collect::<Vec<_>>(),
        ));
    }
    // "Draft scheme (June 2025); Cabinet approval (September 2025)": a
    // measures cell listing milestones, each with its own date.
    if action.milestones.is_empty() {
        for (title, due) in dated_milestones(measures) {
            action.milestones.push(Milestone {
                title,
                due: Some(dates::fuzzy(&due, context)),
                completed: None,
                provenance: action.provenance.clone(),
            });
        }
    }
    if action.due.is_none() && !due_cell.is_empty() {
        action.due = Some(dates::fuzzy(&cells::collapse(due_cell), context));
    }
    if !measures.is_empty() {
        action
            .details
            .set(DetailField::Measures, Some(measures.to_string()));
    }

    // Lead officers.
    let lead_cell = record.cell(header, Role::Lead);
    let names = cells::lead_officers(lead_cell);
    let joint = names.len() > 1;
    action.lead_officers = names
        .into_iter()
        .map(|name| LeadOfficer { name, joint })
        .collect();

    // Labelled description cells and the other columns.
    let desc_cell = record.cell(header, Role::Description);
    let (parts, unlabelled) = cells::labelled_parts(desc_cell);
    if !unlabelled.is_empty() {
        description.push(unlabelled);
    }
    for (label, value) in parts {
        if value.is_empty() {
            continue;
        }
        let field = match label {
            Label::Target => DetailField::Target,
            Label::Outcome => DetailField::Outcome,
            Label::CriticalSuccessFactors => DetailField::CriticalSuccessFactors,
            Label::EnvironmentalImpacts => DetailField::EnvironmentalImpacts,
            Label::Resources => DetailField::Resources,
            Label::Outputs => DetailField::Outputs,
            Label::Risks => DetailField::Risks,
            Label::OtherServices => DetailField::OtherServices,
        };
        action.details.append(field, &value);
    }
    let simple = [
        (Role::ServiceRole, DetailField::ServiceRole),
        (Role::OtherServices, DetailField::OtherServices),
        (Role::Partnership, DetailField::PartnershipLinks),
        (Role::ServiceRef, DetailField::ServiceRef),
        (Role::PriorityLink, DetailField::PriorityLink),
        (Role::Resources, DetailField::Resources),
    ];
    for (role, field) in simple {
        let value = cells::collapse(record.cell(header, role));
        if value.is_empty() {
            continue;
        }
        action.details.append(field, &value);
    }
    let target = cells::collapse(record.cell(header, Role::TargetNow));
    if !target.is_empty() {
        action.details.append(DetailField::Target, &target);
    }
    // Written only when there is one: writing makes the action's details.
    if let Some(pounds) = action
        .details
        .get(DetailField::Resources)
        .and_then(cells::pounds)
    {
        action.details.set_resources_pounds(Some(pounds));
    }

    // Progress, with the red/amber/green judgement where the table has one.
    // A row's own "Last updated" day, else the day its heading gives.
    let as_at = progress::day_updated(record.cell(header, Role::Updated), context)
        .or_else(|| header.as_at.and_then(|d| d.day(context.financial_year)));
    let progress_cell = record.cell(header, Role::Progress);
    let (mut updates, mut unrecognised) = progress::read(progress_cell);
    let mut rag_cell = record.cell(header, Role::Rag);
    if rag_cell.is_empty() && updates.is_empty() && progress::rag(progress_cell).is_some() {
        // A progress column holding only the judgement ("Status: Green") is one too.
        rag_cell = progress_cell;
        unrecognised = None;
    }
    if let Some(status) = progress::rag(rag_cell)
        && updates.is_empty()
    {
        // The judgement is the status; the words, if any, its commentary.
        updates.push(progress::Update {
            status,
            commentary: unrecognised
                .take()
                .unwrap_or_else(|| rag_cell.trim().to_string()),
            revision: None,
        });
    }
    // "% complete": on each update, or an update of its own.
    let percent_complete = progress::percent_complete(record.cell(header, Role::PercentComplete));
    if updates.is_empty()
        && let Some(percent) = percent_complete
    {
        updates.push(progress::Update {
            status: progress::status_of_percent(percent),
            commentary: String::new(),
            revision: None,
        });
    }
    let undated_progress = as_at.is_none() && !updates.is_empty();
    for update in updates {
        if let Some((from, to)) = &update.revision {
            action.revisions.push(DueRevision {
                from: dates::fuzzy(from, context),
                to: dates::fuzzy(to, context),
                reason: None,
                reported: as_at,
            });
        }
        match as_at {
            Some(as_at) => action.updates.push(ProgressUpdate {
                as_at,
                status: update.status,
                percent_complete,
                commentary: update.commentary,
                author: None,
            }),
            // No date to hang it on: keep the words with the action.
            None => description.push(format!("Progress: {}", update.commentary)),
        }
    }
    if let Some(text) = &unrecognised {
        description.push(format!("Progress: {text}"));
    }

    description.extend(unnamed_columns(record, header));
    let description: Vec<String> = description
        .into_iter()
        .filter(|d| !d.trim().is_empty())
        .collect();
    action.description = (!description.is_empty()).then(|| description.join("\n"));
    Built {
        action,
        mentions: found,
        unrecognised_status: unrecognised,
        undated_progress,
    }
}

/// Columns no role describes, kept as "Heading: value" lines.
/// Also the indicator-table columns an action has no field for.
fn unnamed_columns(record: &Record<'_>, header: &Header) -> Vec<String> {
    let mut out = Vec::new();
    for (i, raw) in record.cells.iter().enumerate() {
        let kept = matches!(
            header.roles.get(i),
            None | Some(
                None | Some(
                    Role::Frequency
                        | Role::Polarity
                        | Role::Baseline
                        | Role::Actual(_)
                        | Role::Quarterly(..)
                )
            )
        );
        if !kept {
            continue;
        }
        let value: &str = raw;
        if value.is_empty() {
            continue;
        }
        match header.labels.get(i).filter(|l| !l.is_empty()) {
            Some(label) => out.push(format!("{label}: {value}")),
            None => out.push(value.to_string()),
        }
    }
    out
}

/// The milestones of a cell listing them one per line or separated by
/// semicolons, when every one ends with its date in brackets.
fn dated_milestones(cell: &str) -> Vec<(String, String)> {
    if !cell.contains(['\n', ';']) || !cell.contains('(') {
        return Vec::new();
    }
    let parts: Vec<(String, Option<String>)> = cell
        .split(['\n', ';'])
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .map(cells::trailing_date)
        .collect();
    if parts.len() < 2 || parts.iter().any(|(_, due)| due.is_none()) {
        return Vec::new();
    }
    parts
        .into_iter()
        .filter_map(|(title, due)| Some((title, due?)))
        .collect()
}

/// One title per date for a cell listing several milestones against a
/// deadline cell listing several dates (KA.1: three milestones, three dates).
fn milestone_titles(
    measures: &str,
    found: &[Mention],
    dates: &[String],
    fallback: &str,
) -> Vec<String> {
    let n = dates.len();
    if measures.trim().is_empty() {
        return vec![fallback.to_string(); n];
    }
    // "… Milestones: A. B." — the list proper follows the label.
    let (before, list) = match find_ci(measures, "milestones:") {
        Some(at) => (measures[..at].trim(), &measures[at + "milestones:".len()..]),
        None => ("", measures),
    };
    let list_start = measures.len() - list.len();
    // Text with indicator mentions cut out: the milestones around them.
    let mut residual = String::with_capacity(list.len());
    let mut pieces: Vec<(usize, String)> = Vec::new(); // (position, indicator text) for when they count
    let mut last = 0;
    for m in found.iter().filter(|m| m.start >= list_start) {
        let (s, e) = (m.start - list_start, m.end - list_start);
        if s < last || e > list.len() {
            continue;
        }
        residual.push_str(&list[last..s]);
        residual.push('\n');
        pieces.push((residual.len(), cells::collapse(&list[s..e])));
        last = e;
    }
    residual.push_str(&list[last..]);
    let natural = cells::natural_parts(&residual);
    let with_before = |mut parts: Vec<String>| {
        if !before.is_empty() && parts.len() + 1 == n {
            parts.insert(0, cells::collapse(before));
        }
        parts
    };
    if natural.len() == n || (!before.is_empty() && natural.len() + 1 == n) {
        return with_before(natural);
    }
    if natural.len() + pieces.len() == n {
        // The indicators are milestones too: merge them back in order.
        return natural_with_pieces(&residual, &pieces);
    }
    if let Some(parts) = cells::split_into(&residual, n) {
        return parts;
    }
    vec![fallback.to_string(); n]
}

fn natural_with_pieces(residual: &str, pieces: &[(usize, String)]) -> Vec<String> {
    let mut out = Vec::new();
    let mut last = 0;
    for (pos, text) in pieces {
        let pos = (*pos).min(residual.len());
        if let Some(chunk) = residual.get(last..pos) {
            out.extend(cells::natural_parts(chunk));
        }
        out.push(text.clone());
        last = pos;
    }
    if let Some(chunk) = residual.get(last..) {
        out.extend(cells::natural_parts(chunk));
    }
    out.retain(|p| !p.is_empty());
    out
}

/// ASCII case-insensitive search for a lower-case needle, without
/// allocating: a cheap gate in front of a regex.
pub(crate) fn contains_ci(haystack: &str, needle: &str) -> bool {
    let (h, n) = (haystack.as_bytes(), needle.as_bytes());
    let Some((&first, rest)) = n.split_first() else {
        return true;
    };
    let Some(last_start) = h.len().checked_sub(n.len()) else {
        return false;
    };
    // Jump between bytes that can open the needle, then compare the rest.
    memchr::memchr2_iter(first, first.to_ascii_uppercase(), &h[..=last_start])
        .any(|at| h[at + 1..at + n.len()].eq_ignore_ascii_case(rest))
}

fn find_ci(haystack: &str, needle: &str) -> Option<usize> {
    haystack.to_ascii_lowercase().find(needle)
}

/// An indicator row of an operational plan: title (with any code and
/// baseline), a target per financial-year column, and its lead officer.
pub fn build_indicator(
    record: &Record<'_>,
    header: &Header,
    group_title: Option<&str>,
    context: DateContext,
) -> Indicator {
    let indicator_cell = {
        let c = record.cell(header, Role::Indicator);
        if c.is_empty() {
            record.cell(header, Role::Measures)
        } else {
            c
        }
    };
    let action_cell = record.cell(header, Role::SupportingAction);
    let source = [indicator_cell, action_cell, group_title.unwrap_or("")]
        .into_iter()
        .find(|s| !s.is_empty())
        .unwrap_or("")
        .to_string();
    let source = cells::collapse(&source);
    let mut indicator = Indicator {
        provenance: Some(record.place.provenance()),
        nodes: record.nodes.clone(),
        ..Indicator::default()
    };
    let title = match indicators::leading(&source) {
        Some(m) => {
            indicator.frequency = m.frequency;
            indicator.code = Some(m.code);
            m.title
        }
        None => source.clone(),
    };
    let (title, baseline) = indicators::baseline(&title);
    indicator.title = title;
    indicator.baseline = baseline;
    // A code in a column of its own ("PI Code"), when the title has none.
    let code_cell = cells::collapse(record.cell(header, Role::Code));
    let mut unread_code = None;
    if indicator.code.is_none() && !code_cell.is_empty() {
        match code_cell.parse::<IndicatorCode>() {
            Ok(code) => indicator.code = Some(code),
            Err(_) => unread_code = Some(code_cell),
        }
    }
    if let Some(f) = indicators::frequency_word(record.cell(header, Role::Frequency).trim()) {
        indicator.frequency = Some(f);
    }
    // The year the table's figures are for: its first target year, else the plan's.
    let table_year = header
        .roles
        .iter()
        .find_map(|r| match r {
            Some(Role::Target(fy)) => Some(*fy),
            _ => None,
        })
        .or(context.financial_year);
    let mut any_number = false;
    let mut percent = indicator.title.contains('%');
    // Per measurement: its figure was written without a % sign.
    let mut bare_values: Vec<bool> = Vec::new();
    for (i, role) in header.roles.iter().enumerate() {
        let text = || {
            let text = record
                .cells
                .get(i)
                .map(|c| cells::collapse(c))
                .unwrap_or_default();
            (!text.is_empty() && text != "-").then_some(text)
        };
        let target_year = match role {
            Some(Role::Target(fy)) => Some(*fy),
            Some(Role::TargetNow) => table_year,
            _ => None,
        };
        let value_period = match role {
            Some(Role::Actual(fy)) => Some(Period::Year(*fy)),
            Some(Role::Quarterly(q, fy)) => fy.or(table_year).map(|fy| Period::Quarter(fy, *q)),
            _ => None,
        };
        if let Some(fy) = target_year
            && let Some(text) = text()
        {
            let value = numeric(&text);
            any_number |= value.is_some();
            percent |= text.contains('%');
            indicator.targets.push(Target {
                period: Period::Year(fy),
                text,
                value,
            });
        } else if let Some(period) = value_period
            && let Some(text) = text()
            // "n/a", a lone "£": no figure, and no words worth keeping
            // (a target of "TBC" is kept: it says the target is unknown).
            && !crate::tables::cell::is_placeholder(&text)
        {
            let value = numeric(&text);
            percent |= text.contains('%');
            bare_values.push(!text.contains('%'));
            indicator.measurements.push(Measurement {
                period,
                value,
                text: value.is_none().then_some(text),
                note: None,
                status: None,
                recorded_by: None,
                recorded_at: None,
            });
        } else if role == &Some(Role::Baseline)
            && indicator.baseline.is_none()
            && let Some(text) = text()
        {
            percent |= text.contains('%');
            indicator.baseline = Some(Baseline {
                value: numeric(&text),
                text,
                when: None,
            });
        }
    }
    // The targets' own figures say the unit best; the title fills in.
    indicator.unit = if percent {
        Unit::Percent
    } else if any_number || indicator.targets.is_empty() {
        indicators::implied_by_title(&indicator.title).0
    } else {
        Unit::Text
    };
    if indicator.unit == Unit::Percent {
        percents_from_fractions(&mut indicator, &bare_values);
    }
    indicator.polarity = polarity_word(record.cell(header, Role::Polarity))
        .unwrap_or_else(|| indicators::implied_by_title(&indicator.title).1);
    let owner = cells::collapse(record.cell(header, Role::Lead));
    indicator.owner = (!owner.is_empty()).then_some(owner);
    let mut description = Vec::new();
    if !indicator_cell.is_empty() && !action_cell.is_empty() {
        description.push(format!(
            "Supporting action: {}",
            cells::collapse(action_cell)
        ));
    }
    let resources = cells::collapse(record.cell(header, Role::Resources));
    if !resources.is_empty() {
        description.push(format!("Resources used: {resources}"));
    }
    if let Some(code) = unread_code {
        description.push(format!("Reference: {code}"));
    }
    description.extend(unnamed_columns(record, header));
    indicator.description = (!description.is_empty()).then(|| description.join("\n"));
    indicator
}

/// A spreadsheet keeps 50% as 0.5 and shows it through the cell's format,
/// which reaches us as the bare figure. When a percentage indicator's bare
/// figures are all fractions (between 0 and 1, one at least not whole),
/// they are read as the percentages a person sees in the cell.
fn percents_from_fractions(indicator: &mut Indicator, bare_values: &[bool]) {
    // (figure, its text where kept) for every figure written without a %.
    let mut bare: Vec<(&mut Option<f64>, Option<&mut String>)> = Vec::new();
    for t in &mut indicator.targets {
        if !t.text.contains('%') {
            bare.push((&mut t.value, Some(&mut t.text)));
        }
    }
    for (m, &is_bare) in indicator.measurements.iter_mut().zip(bare_values) {
        if is_bare {
            bare.push((&mut m.value, None));
        }
    }
    if let Some(b) = indicator.baseline.as_mut()
        && !b.text.contains('%')
    {
        bare.push((&mut b.value, Some(&mut b.text)));
    }
    bare.retain(|(value, _)| value.is_some());
    let figures = || bare.iter().filter_map(|(v, _)| **v);
    let fractions = figures().all(|v| (0.0..=1.0).contains(&v));
    if bare.is_empty() || !fractions || figures().all(|v| v.fract() == 0.0) {
        return;
    }
    for (value, text) in bare {
        let percent = value.map(|v| (v * 100.0 * 1e6).round() / 1e6);
        *value = percent;
        if let (Some(text), Some(p)) = (text, percent) {
            *text = format!("{p}%");
        }
    }
}

/// "Higher is better", "High", "Smaller is better", "Low", "↑".
fn polarity_word(text: &str) -> Option<Polarity> {
    let t = text.trim().to_ascii_lowercase();
    if [
        "high", "higher", "bigger", "larger", "more", "increase", "up", "↑",
    ]
    .iter()
    .any(|w| t.starts_with(w))
    {
        Some(Polarity::HigherIsBetter)
    } else if [
        "low", "smaller", "less", "fewer", "decrease", "reduce", "down", "↓",
    ]
    .iter()
    .any(|w| t.starts_with(w))
    {
        Some(Polarity::LowerIsBetter)
    } else {
        None
    }
}

/// The figure a target states, when it is a figure ("80%", "12.11") and
/// not words or a date ("Plan approved", "July 09").
fn numeric(text: &str) -> Option<f64> {
    let t = text.trim();
    let starts_numeric =
        t.starts_with(|c: char| c.is_ascii_digit() || matches!(c, '-' | '+' | '£' | '.'));
    if !starts_numeric || dates::mentions_date(t) {
        return None;
    }
    read_number(t).filter(|v| v.is_finite())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn case_blind_search_agrees_with_lowering() {
        let hay = [
            "Action 16",
            "REACTION",
            "act",
            "",
            "Key ACTIONS",
            "actio",
            "ßaction",
        ];
        for h in hay {
            for n in ["action", "a", "", "tion"] {
                assert_eq!(
                    contains_ci(h, n),
                    h.to_ascii_lowercase().contains(n),
                    "{h:?} {n:?}"
                );
            }
        }
    }

    #[test]
    fn leading_number_agrees_with_the_pattern() {
        let openings = ["", "(", "((", "x"];
        let numbers = ["", "1", "12", "123", "1234", "٣", "1٣", "0"];
        let marks = ["", ".", ")", ":", ".."];
        let gaps = ["", " ", "  ", "\n", "\u{a0}", "\t "];
        let texts = ["", "Text", "Two\nlines", "é"];
        for o in openings {
            for n in numbers {
                for m in marks {
                    for g in gaps {
                        for t in texts {
                            let cell = format!("{o}{n}{m}{g}{t}");
                            let by_pattern = LEADING_NUMBER
                                .captures(&cell)
                                .map(|c| (c[1].to_string(), c[2].to_string()));
                            let fast =
                                leading_number(&cell).map(|(n, t)| (n.to_string(), t.to_string()));
                            assert_eq!(fast, by_pattern, "{cell:?}");
                        }
                    }
                }
            }
        }
    }
}
