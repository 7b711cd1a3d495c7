//! Stages three to five: a table's rows, with each column's role decided,
//! read into indicators with their values, targets and reported statuses
//! for resolved periods.
//!
//! Three shapes are read: one row per indicator (values across, by period
//! or as latest/previous), one row per indicator and period (a long,
//! open-data table), and one row per area (a comparison table, of which
//! only our own area's row is ours).

use super::cell;
use super::find::{Table, TableRow};
use super::period::{self, PeriodRef};
use super::roles::{ColumnGuess, ColumnRole};
use goldthread_domain::{
    Action, ActionStatus, Baseline, DateContext, DueRevision, Finding, FindingKind, Frequency,
    Indicator, IndicatorCode, LeadOfficer, Measurement, Period, Polarity, ProgressUpdate,
    Provenance, Severity, Target, Unit,
};
use serde::Serialize;
use std::collections::HashMap;

/// The shape of a table, from its columns' roles.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum TableKind {
    /// A row per indicator.
    Indicators,
    /// A row per indicator and period.
    IndicatorsByPeriod,
    /// A row per area (council), a column per measure.
    Comparison,
    /// A row per period, a column per indicator: a service's own open data
    /// (`period, proportion_paid_on_time, interest_paid`).
    PeriodsByRow,
    /// A row per action: title, lead, due date, status, commentary.
    Actions,
    /// Read by the plan reader (action and indicator tables it knows), not
    /// by these stages: reported so every table's columns are shown.
    Plan,
    /// Not read: no column names its rows, or none holds figures.
    NotRead,
}

impl TableKind {
    pub fn as_str(self) -> &'static str {
        match self {
            TableKind::Indicators => "indicators",
            TableKind::IndicatorsByPeriod => "indicators_by_period",
            TableKind::Comparison => "comparison",
            TableKind::PeriodsByRow => "periods_by_row",
            TableKind::Actions => "actions",
            TableKind::Plan => "plan",
            TableKind::NotRead => "not_read",
        }
    }
}

/// What one table gave.
pub struct TableReading {
    pub indicators: Vec<Indicator>,
    pub actions: Vec<Action>,
    pub findings: Vec<Finding>,
}

/// What the document as a whole says, that tables leave out.
#[derive(Debug, Clone, Default)]
pub struct Context {
    /// The period "latest", "this quarter" and bare quarters speak for.
    pub period: Option<Period>,
    /// Our own area, in tables of several.
    pub area: Option<String>,
}

/// The columns of each role, looked up once per table.
struct Columns {
    code: Option<usize>,
    due: Option<usize>,
    updated: Option<usize>,
    percent_complete: Option<usize>,
    title: Option<usize>,
    service: Option<usize>,
    unit: Option<usize>,
    polarity: Option<usize>,
    frequency: Option<usize>,
    lead: Option<usize>,
    period: Option<usize>,
    area: Option<usize>,
    area_code: Option<usize>,
    direction: Option<usize>,
    commentary: Vec<usize>,
    baseline: Option<usize>,
    figures: Vec<(usize, ColumnRole)>,
}

impl Columns {
    fn new(guesses: &[ColumnGuess]) -> Columns {
        let first = |role: ColumnRole| guesses.iter().position(|g| g.role == role);
        Columns {
            code: first(ColumnRole::Code),
            due: first(ColumnRole::Due),
            updated: first(ColumnRole::Updated),
            percent_complete: first(ColumnRole::PercentComplete),
            title: first(ColumnRole::Title),
            service: first(ColumnRole::Service),
            unit: first(ColumnRole::Unit),
            polarity: first(ColumnRole::Polarity),
            frequency: first(ColumnRole::Frequency),
            lead: first(ColumnRole::Lead),
            period: first(ColumnRole::Period),
            area: first(ColumnRole::Area),
            area_code: first(ColumnRole::AreaCode),
            direction: first(ColumnRole::Direction),
            commentary: (0..guesses.len())
                .filter(|&i| guesses[i].role == ColumnRole::Commentary)
                .collect(),
            baseline: first(ColumnRole::Baseline),
            figures: guesses
                .iter()
                .enumerate()
                .filter(|(_, g)| {
                    matches!(
                        g.role,
                        ColumnRole::Value(_) | ColumnRole::Target(_) | ColumnRole::Status(_)
                    )
                })
                .map(|(i, g)| (i, g.role))
                .collect(),
        }
    }
}

/// The shape a table with these roles has.
pub fn kind(guesses: &[ColumnGuess]) -> TableKind {
    let c = Columns::new(guesses);
    let names_rows = c.code.is_some() || c.title.is_some();
    let has_values = c
        .figures
        .iter()
        .any(|(_, r)| matches!(r, ColumnRole::Value(_) | ColumnRole::Status(_)));
    let figures = c
        .figures
        .iter()
        .any(|(_, r)| matches!(r, ColumnRole::Value(_) | ColumnRole::Target(_)));
    // Titles with a lead or a due date and no figures: a row per action (a
    // status column is the action's RAG). A tracker's day of update or its
    // "% complete" says so whatever other figures it keeps (a cost): only
    // figures for periods, or targets, make a table of indicators.
    let progress = c.updated.is_some() || c.percent_complete.is_some();
    let periodic = c
        .figures
        .iter()
        .any(|(_, r)| matches!(r, ColumnRole::Target(_)) || r.period().is_some());
    if c.title.is_some()
        && c.period.is_none()
        && ((c.due.is_some() || c.lead.is_some()) && !figures
            || progress && (c.due.is_some() || c.lead.is_some()) && !periodic)
    {
        return TableKind::Actions;
    }
    if c.period.is_some() && names_rows && has_values {
        TableKind::IndicatorsByPeriod
    } else if c.period.is_some()
        && c.area.is_none()
        && c.area_code.is_none()
        && c.figures.iter().any(|(_, r)| *r == ColumnRole::Value(None))
    {
        TableKind::PeriodsByRow
    } else if (c.area.is_some() || c.area_code.is_some()) && c.period.is_none() && has_values {
        TableKind::Comparison
    } else if names_rows
        && (has_values
            || c.figures
                .iter()
                .any(|(_, r)| matches!(r, ColumnRole::Target(_))))
    {
        TableKind::Indicators
    } else {
        TableKind::NotRead
    }
}

/// Rows whose period cannot be read: how many, and the first. One finding
/// for the table, not one a row: an open-data file of multi-year
/// aggregates ("2010-14") has thousands of such rows.
#[derive(Default)]
struct UnreadPeriods(Option<(usize, String, Provenance)>);

impl UnreadPeriods {
    fn note(&mut self, text: &str, place: &crate::blocks::Place) {
        match &mut self.0 {
            Some((count, _, _)) => *count += 1,
            None => self.0 = Some((1, text.to_string(), place.provenance())),
        }
    }

    fn report(self, reader: &mut Reader<'_>) {
        let Some((count, first, place)) = self.0 else {
            return;
        };
        let rows = if count == 1 {
            "the row is".to_string()
        } else {
            format!("{count} rows with periods like it are")
        };
        reader.finding(
            Severity::Warning,
            FindingKind::UnreadableDate,
            format!("'{first}' is not a period the importer can read; {rows} left out"),
            Some(place),
        );
    }
}

/// A heading as a name: a programmer's (`proportion_paid_on_time`,
/// `cumulativeReach`, `count`) in words, with a capital; any other (`CHN1`,
/// "Calls answered") as written.
fn readable_heading(heading: &str) -> String {
    let heading = heading.trim();
    if heading.contains(' ') || !heading.contains(|c: char| c == '_' || c.is_lowercase()) {
        return heading.to_string();
    }
    let words = super::roles::normalise(heading);
    let mut chars = words.chars();
    chars
        .next()
        .map(|first| first.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

/// An indicator being read, keyed by code or name.
struct Draft {
    indicator: Indicator,
    service: Option<String>,
    reference: Option<String>,
    /// Figures kept as written, for the fraction check.
    bare: Vec<bool>,
    /// Targets written in days ("7 working days"): a standard beside
    /// percentages, a target beside days.
    days_targets: Vec<Period>,
}

pub struct Reader<'t> {
    table: &'t Table,
    guesses: &'t [ColumnGuess],
    context: &'t Context,
    drafts: Vec<Draft>,
    by_key: HashMap<String, usize>,
    pub findings: Vec<Finding>,
    /// Columns already reported as having no period.
    unperiodised: Vec<usize>,
    /// Figures left out because the indicator already had one for the
    /// period, by column: how many, the first, and where.
    conflicts: Vec<Conflict>,
    /// A row per indicator and period (a long table): a second figure for
    /// one is a dimension the reading missed, not a later heading naming
    /// the same period as an earlier one (which a wide table's is).
    long: bool,
}

/// A column whose figures collide with ones already read.
struct Conflict {
    column: usize,
    count: usize,
    example: String,
    place: Provenance,
}

impl<'t> Reader<'t> {
    pub fn new(table: &'t Table, guesses: &'t [ColumnGuess], context: &'t Context) -> Self {
        Reader {
            table,
            guesses,
            context,
            drafts: Vec::new(),
            by_key: HashMap::new(),
            findings: Vec::new(),
            unperiodised: Vec::new(),
            conflicts: Vec::new(),
            long: false,
        }
    }

    /// Reads the table as `kind`, returning its indicators.
    pub fn read(mut self, kind: TableKind) -> TableReading {
        let columns = Columns::new(self.guesses);
        let mut actions = Vec::new();
        match kind {
            TableKind::Indicators => self.rows_per_indicator(&columns),
            TableKind::IndicatorsByPeriod => {
                self.long = true;
                self.rows_per_period(&columns);
            }
            TableKind::Comparison => {
                self.long = true;
                self.rows_per_area(&columns);
            }
            TableKind::PeriodsByRow => {
                self.long = true;
                self.columns_per_indicator(&columns);
            }
            TableKind::Actions => actions = self.rows_per_action(&columns),
            TableKind::NotRead | TableKind::Plan => {}
        }
        self.report_conflicts();
        TableReading {
            indicators: self.drafts.into_iter().map(finish).collect(),
            actions,
            findings: self.findings,
        }
    }

    /// A row per action: its title, code, lead officers, due date, and the
    /// progress its status and commentary report, as at the document's
    /// period.
    fn rows_per_action(&mut self, columns: &Columns) -> Vec<Action> {
        let context = DateContext {
            financial_year: self.context.period.map(Period::financial_year),
        };
        let as_at = self.context.period.map(Period::last_day);
        let status_column = columns
            .figures
            .iter()
            .find_map(|(c, r)| matches!(r, ColumnRole::Status(_)).then_some(*c));
        let mut section: Option<String> = None;
        let mut actions = Vec::new();
        let mut undated = false;
        for row in &self.table.rows {
            let (cells, place) = match row {
                TableRow::Section { text, .. } => {
                    section = Some(text.clone());
                    continue;
                }
                TableRow::Data { cells, place } => (cells, place),
            };
            let get = |c: Option<usize>| c.and_then(|c| cells.get(c)).map_or("", |s| s.trim());
            let title = get(columns.title);
            if title.is_empty() {
                continue;
            }
            let due = get(columns.due);
            let lead = get(columns.lead);
            let commentary: Vec<&str> = columns
                .commentary
                .iter()
                .map(|&c| get(Some(c)))
                .filter(|t| !t.is_empty())
                .collect();
            let commentary = commentary.join("\n");
            let status = get(status_column);
            // The row's own day of update, else the document's.
            let as_at = crate::progress::day_updated(get(columns.updated), context).or(as_at);
            let percent_complete = crate::progress::percent_complete(get(columns.percent_complete));
            let mut action = Action {
                code: Some(get(columns.code))
                    .filter(|c| !c.is_empty())
                    .map(str::to_string),
                title: title.to_string(),
                description: section.as_ref().map(|s| format!("Section: {s}")),
                lead_officers: crate::cells::lead_officers(lead)
                    .into_iter()
                    .map(|name| LeadOfficer { name, joint: false })
                    .collect(),
                due: (!due.is_empty()).then(|| crate::dates::fuzzy(due, context)),
                provenance: Some(place.provenance()),
                ..Action::default()
            };
            if !status.is_empty() || !commentary.is_empty() || percent_complete.is_some() {
                let (updates, words) = crate::progress::read(&commentary);
                let judged = crate::progress::rag(status);
                match as_at {
                    Some(as_at) => {
                        let status = judged
                            .or_else(|| updates.first().map(|u| u.status))
                            .or_else(|| percent_complete.map(crate::progress::status_of_percent))
                            .unwrap_or(ActionStatus::OnTrack);
                        action.updates.push(ProgressUpdate {
                            as_at,
                            status,
                            percent_complete,
                            commentary: commentary.clone(),
                            author: None,
                        });
                        for (from, to) in updates.iter().filter_map(|u| u.revision.clone()) {
                            action.revisions.push(DueRevision {
                                from: crate::dates::fuzzy(&from, context),
                                to: crate::dates::fuzzy(&to, context),
                                reason: None,
                                reported: Some(as_at),
                            });
                        }
                        let _ = words;
                    }
                    None => {
                        undated = true;
                        let text = [status, commentary.as_str()]
                            .iter()
                            .filter(|t| !t.is_empty())
                            .copied()
                            .collect::<Vec<_>>()
                            .join("\n");
                        action.description = Some(match action.description.take() {
                            Some(d) => format!("{d}\nProgress: {text}"),
                            None => format!("Progress: {text}"),
                        });
                    }
                }
            }
            actions.push(action);
        }
        if undated {
            self.finding(
                Severity::Warning,
                FindingKind::UndatedProgress,
                "this table's progress names no date and the document no period, so its statuses are \
                 kept as text with each action; give \"period\" in a mapping file (--mapping)"
                    .into(),
                Some(self.table.place.provenance()),
            );
        }
        actions
    }

    fn finding(
        &mut self,
        severity: Severity,
        kind: FindingKind,
        message: String,
        place: Option<Provenance>,
    ) {
        self.findings
            .push(Finding::new(severity, kind, message, place));
    }

    fn heading(&self, c: usize) -> &str {
        self.table.headings.get(c).map_or("", String::as_str)
    }

    /// The table's own name for its rows' group: "Customer Services KPIs"
    /// heading the title column names the service.
    fn group_from_heading(&self, columns: &Columns) -> Option<String> {
        let heading = self.heading(columns.title?);
        let lower = heading.to_ascii_lowercase();
        let stem = [
            "kpis",
            "kpi",
            "indicators",
            "measures",
            "performance indicators",
        ]
        .iter()
        .find_map(|w| lower.strip_suffix(w).map(|s| heading[..s.len()].trim()))?;
        (!stem.is_empty() && stem.len() < 80).then(|| stem.to_string())
    }

    fn rows_per_indicator(&mut self, columns: &Columns) {
        let group = self.group_from_heading(columns);
        let mut section: Option<String> = None;
        for row in &self.table.rows {
            let (cells, place) = match row {
                TableRow::Section { text, .. } => {
                    section = Some(text.clone());
                    continue;
                }
                TableRow::Data { cells, place } => (cells, place),
            };
            let get = |c: Option<usize>| c.and_then(|c| cells.get(c)).map_or("", |s| s.trim());
            let (code, title) = (get(columns.code), get(columns.title));
            if code.is_empty() && title.is_empty() {
                if columns
                    .figures
                    .iter()
                    .any(|(c, _)| !cell::is_placeholder(get(Some(*c))))
                {
                    self.finding(
                        Severity::Warning,
                        FindingKind::UnrecognisedTable,
                        "a row has figures but no indicator name or code; left out".into(),
                        Some(place.provenance()),
                    );
                }
                continue;
            }
            // A row naming only a group, its figure cells empty: a section.
            if columns
                .figures
                .iter()
                .all(|(c, _)| cell::is_placeholder(get(Some(*c))))
                && code.is_empty()
                && columns.commentary.iter().all(|&c| get(Some(c)).is_empty())
            {
                section = Some(title.to_string());
                continue;
            }
            let service = columns
                .service
                .map(|c| get(Some(c)).to_string())
                .filter(|s| !s.is_empty())
                .or_else(|| section.clone())
                .or_else(|| group.clone());
            let d = self.draft(code, title, service, place.provenance());
            self.describe(d, columns, cells);
            for &(c, role) in &columns.figures {
                let text = get(Some(c));
                let period = role.period();
                self.figure(d, c, role, period, text, place.provenance());
            }
            self.notes(d, columns, cells);
        }
    }

    fn rows_per_period(&mut self, columns: &Columns) {
        let Some(ours) = self.our_area(columns) else {
            return;
        };
        let mut left_out: HashMap<String, usize> = HashMap::new();
        let mut unread = UnreadPeriods::default();
        // A month in one column and its year in another ("April", "2016").
        let year_column = (0..self.table.headings.len()).find(|&c| {
            matches!(
                super::roles::normalise(self.heading(c)).as_str(),
                "year" | "calendar year"
            )
        });
        let series = self.series_column(columns, ours.as_deref());
        // Each indicator's first series keeps its code; the others are
        // named by it and their own value ("CHN1 Cash").
        let mut first_series: HashMap<String, String> = HashMap::new();
        for row in &self.table.rows {
            let TableRow::Data { cells, place } = row else {
                continue;
            };
            let get = |c: Option<usize>| c.and_then(|c| cells.get(c)).map_or("", |s| s.trim());
            if let Some(area) = ours
                .as_deref()
                .and_then(|ours| other_area(cells, columns, ours))
            {
                *left_out.entry(area).or_default() += 1;
                continue;
            }
            let (mut code, title) = (get(columns.code), get(columns.title));
            if code.is_empty() && title.is_empty() {
                continue;
            }
            let named;
            let title = match series.map(|c| get(Some(c))).filter(|v| !v.is_empty()) {
                Some(part) => {
                    let key = format!("{code}\u{1f}{title}");
                    let first = first_series.entry(key).or_insert_with(|| part.to_string());
                    if first == part {
                        title
                    } else {
                        named = format!("{} {part}", if title.is_empty() { code } else { title });
                        code = "";
                        named.as_str()
                    }
                }
                None => title,
            };
            let period_text = get(columns.period);
            let with_year = year_column
                .map(|c| get(Some(c)))
                .filter(|y| y.len() == 4 && y.bytes().all(|b| b.is_ascii_digit()))
                .and_then(|year| period::read(&format!("{period_text} {year}")));
            let Some(period) = with_year.or_else(|| period::read(period_text)) else {
                unread.note(period_text, place);
                continue;
            };
            let service = columns
                .service
                .map(|c| get(Some(c)).to_string())
                .filter(|s| !s.is_empty());
            let d = self.draft(code, title, service, place.provenance());
            self.describe(d, columns, cells);
            for &(c, role) in &columns.figures {
                let text = get(Some(c));
                self.figure(
                    d,
                    c,
                    role,
                    role.period().or(Some(period)),
                    text,
                    place.provenance(),
                );
            }
            self.notes_for(d, columns, cells, period.resolve(self.context.period));
        }
        unread.report(self);
        self.report_left_out(left_out);
    }

    /// A column of text that splits a long table's figures into series (the
    /// LGBF's `DataType`: "Real" and "Cash" figures for each indicator and
    /// year): where an indicator has two rows for a period, the first
    /// column of a few values (two to eight) that tells every such pair
    /// apart. Said in a finding, so the reading is not a guess kept quiet.
    fn series_column(&mut self, columns: &Columns, ours: Option<&str>) -> Option<usize> {
        let kept: Vec<&Vec<String>> = self
            .table
            .rows
            .iter()
            .filter_map(|row| match row {
                TableRow::Data { cells, .. } => Some(cells),
                TableRow::Section { .. } => None,
            })
            .filter(|cells| ours.is_none_or(|ours| other_area(cells, columns, ours).is_none()))
            .collect();
        let get = |cells: &Vec<String>, c: Option<usize>| {
            c.and_then(|c| cells.get(c))
                .map_or(String::new(), |s| s.trim().to_lowercase())
        };
        let key = |cells: &Vec<String>| {
            (
                get(cells, columns.code),
                get(cells, columns.title),
                get(cells, columns.period),
            )
        };
        let mut seen = std::collections::HashSet::new();
        if kept.iter().all(|cells| seen.insert(key(cells))) {
            return None;
        }
        let column = columns.commentary.iter().copied().find(|&c| {
            let values: std::collections::HashSet<String> =
                kept.iter().map(|cells| get(cells, Some(c))).collect();
            let mut seen = std::collections::HashSet::new();
            (2..=8).contains(&values.len())
                && !values.contains("")
                && kept
                    .iter()
                    .all(|cells| seen.insert((key(cells), get(cells, Some(c)))))
        })?;
        let heading = self.heading(column).to_string();
        self.finding(
            Severity::Info,
            FindingKind::ConflictingFigures,
            format!(
                "column '{heading}' splits the figures into series, each an indicator of its own \
                 (the first keeps the code); say otherwise with --mapping"
            ),
            Some(self.table.place.provenance()),
        );
        Some(column)
    }

    /// A row per period, a column per indicator: each figure column is an
    /// indicator named by its heading.
    fn columns_per_indicator(&mut self, columns: &Columns) {
        let mut unread = UnreadPeriods::default();
        for row in &self.table.rows {
            let TableRow::Data { cells, place } = row else {
                continue;
            };
            let get = |c: usize| cells.get(c).map_or("", |s| s.trim());
            let period_text = columns.period.map_or("", get);
            let Some(period) = period::read(period_text) else {
                if !period_text.is_empty() {
                    unread.note(period_text, place);
                }
                continue;
            };
            for &(c, role) in &columns.figures {
                let title = readable_heading(self.heading(c));
                let d = self.draft("", &title, None, place.provenance());
                let period = role.period().or(Some(period));
                self.figure(d, c, role, period, get(c), place.provenance());
            }
        }
        unread.report(self);
    }

    fn rows_per_area(&mut self, columns: &Columns) {
        let Some(Some(ours)) = self.our_area(columns) else {
            return;
        };
        let mut left_out: HashMap<String, usize> = HashMap::new();
        let mut found = false;
        for row in &self.table.rows {
            let TableRow::Data { cells, place } = row else {
                continue;
            };
            let area = area_of(cells, columns);
            if !same_area(&area, &ours, cells, columns) {
                if !area.is_empty() {
                    *left_out.entry(area).or_default() += 1;
                }
                continue;
            }
            found = true;
            for &(c, role) in &columns.figures {
                let text = cells.get(c).map_or("", |s| s.trim());
                let heading = self.heading(c).to_string();
                let (name, heading_period) = split_period(&heading);
                // "CHN1" is a code; "CHN1 Real" is a measure of its own.
                let is_code = name.parse::<IndicatorCode>().is_ok();
                let (code_text, title) = if is_code {
                    (name.clone(), String::new())
                } else {
                    (String::new(), name.clone())
                };
                let d = self.draft(&code_text, &title, None, place.provenance());
                let period = role
                    .period()
                    .or(heading_period)
                    .or(Some(PeriodRef::Current));
                self.figure(d, c, role, period, text, place.provenance());
            }
        }
        if !found {
            self.finding(
                Severity::Error,
                FindingKind::UnrecognisedTable,
                format!("no row of this comparison table is for '{ours}'"),
                Some(self.table.place.provenance()),
            );
        }
        self.report_left_out(left_out);
    }

    /// Our area in a table of several: the one the user named, or the only
    /// one. `None` when the table is of one area or none; `Some(None)`
    /// reported as needing a choice.
    fn our_area(&mut self, columns: &Columns) -> Option<Option<String>> {
        if columns.area.is_none() && columns.area_code.is_none() {
            return Some(None);
        }
        let mut areas: Vec<String> = Vec::new();
        for row in &self.table.rows {
            if let TableRow::Data { cells, .. } = row {
                let a = area_of(cells, columns);
                if !a.is_empty() && !areas.contains(&a) {
                    areas.push(a);
                }
            }
        }
        if let Some(named) = &self.context.area {
            return Some(Some(named.clone()));
        }
        if areas.len() <= 1 {
            return Some(areas.pop());
        }
        self.finding(
            Severity::Error,
            FindingKind::UnrecognisedTable,
            format!(
                "a comparison table of {} areas ({}): say which is yours with --area NAME \
                 (or \"area\" in a mapping file) and only its figures are imported",
                areas.len(),
                some_of(&areas)
            ),
            Some(self.table.place.provenance()),
        );
        None
    }

    fn report_left_out(&mut self, left_out: HashMap<String, usize>) {
        if left_out.is_empty() {
            return;
        }
        let rows: usize = left_out.values().sum();
        let mut names: Vec<String> = left_out.into_keys().collect();
        names.sort();
        self.finding(
            Severity::Info,
            FindingKind::UnrecognisedTable,
            format!(
                "{rows} row(s) for {} other area(s) ({}) left out: comparison data for other councils",
                names.len(),
                some_of(&names)
            ),
            Some(self.table.place.provenance()),
        );
    }

    /// The indicator a row speaks for, created on first sight.
    fn draft(
        &mut self,
        code: &str,
        title: &str,
        service: Option<String>,
        place: Provenance,
    ) -> usize {
        let key = if code.is_empty() {
            title.to_ascii_lowercase()
        } else {
            code.to_ascii_uppercase()
        };
        if let Some(&d) = self.by_key.get(&key) {
            return d;
        }
        let parsed: Option<IndicatorCode> = code.parse().ok();
        let reference = (!code.is_empty() && parsed.is_none()).then(|| code.to_string());
        let title = if title.is_empty() {
            code.to_string()
        } else {
            title.to_string()
        };
        let indicator = Indicator {
            code: parsed,
            polarity: Polarity::infer(&title),
            unit: Unit::infer(&title),
            title,
            provenance: Some(place),
            ..Indicator::default()
        };
        self.drafts.push(Draft {
            indicator,
            service,
            reference,
            bare: Vec::new(),
            days_targets: Vec::new(),
        });
        self.by_key.insert(key, self.drafts.len() - 1);
        self.drafts.len() - 1
    }

    /// Unit, polarity, frequency, owner and baseline from their columns.
    fn describe(&mut self, d: usize, columns: &Columns, cells: &[String]) {
        let get = |c: Option<usize>| c.and_then(|c| cells.get(c)).map_or("", |s| s.trim());
        let ind = &mut self.drafts[d].indicator;
        if let Some(unit) = unit_of(get(columns.unit)) {
            ind.unit = unit;
        }
        if let Some(p) = polarity_of(get(columns.polarity)) {
            ind.polarity = p;
        }
        if let Some(f) = frequency_of(get(columns.frequency)) {
            ind.frequency = Some(f);
        }
        let lead = get(columns.lead);
        if !lead.is_empty() && ind.owner.is_none() {
            ind.owner = Some(lead.to_string());
        }
        let baseline = get(columns.baseline);
        if !baseline.is_empty() && !cell::is_placeholder(baseline) && ind.baseline.is_none() {
            ind.baseline = Some(Baseline {
                text: baseline.to_string(),
                value: cell::figure(baseline).map(|f| f.value),
                when: None,
            });
        }
    }

    /// Commentary and direction of travel, noted on the current period.
    fn notes(&mut self, d: usize, columns: &Columns, cells: &[String]) {
        let current = self.context.period;
        self.notes_for(d, columns, cells, current);
    }

    fn notes_for(&mut self, d: usize, columns: &Columns, cells: &[String], period: Option<Period>) {
        let get = |c: usize| cells.get(c).map_or("", |s| s.trim());
        let mut parts: Vec<String> = columns
            .commentary
            .iter()
            .map(|&c| get(c))
            .filter(|t| !t.is_empty() && !cell::is_placeholder(t))
            .map(str::to_string)
            .collect();
        if let Some(c) = columns.direction {
            let t = get(c);
            if let Some(dir) = cell::direction(t) {
                parts.push(format!("Direction of travel: {dir} ({t})"));
            }
        }
        if parts.is_empty() {
            return;
        }
        let Some(period) = period else {
            // No period to hang it on: kept on the indicator itself.
            let ind = &mut self.drafts[d].indicator;
            let text = parts.join("\n");
            ind.description = Some(match ind.description.take() {
                Some(old) => format!("{old}\n{text}"),
                None => text,
            });
            return;
        };
        let m = measurement(&mut self.drafts[d].indicator, period);
        let text = parts.join("\n");
        m.note = Some(match m.note.take() {
            Some(old) if !old.contains(&text) => format!("{old}\n{text}"),
            Some(old) => old,
            None => text,
        });
    }

    /// One figure cell: a value, a target or a status for its period.
    fn figure(
        &mut self,
        d: usize,
        column: usize,
        role: ColumnRole,
        period: Option<PeriodRef>,
        text: &str,
        place: Provenance,
    ) {
        if cell::is_placeholder(text) {
            return;
        }
        let resolved = match (role, period) {
            (ColumnRole::Target(_), None) => self
                .context
                .period
                .map(|p| Period::Year(p.financial_year())),
            // Figures under a heading that names neither a period nor "the
            // value" ("12m to Dec 24", "Total in 12 months") are no period's.
            (ColumnRole::Value(_), None) if !names_the_value(self.heading(column)) => None,
            (_, None) => self.context.period,
            (_, Some(p)) => p.resolve(self.context.period),
        };
        let Some(period) = resolved else {
            if !self.unperiodised.contains(&column) {
                self.unperiodised.push(column);
                let heading = self.heading(column).to_string();
                self.finding(
                    Severity::Warning,
                    FindingKind::UndatedProgress,
                    format!(
                        "column '{heading}' holds figures but the document does not say which period they are for; \
                         they are left out: give the period with \"period\" in a mapping file (--mapping)"
                    ),
                    Some(place),
                );
            }
            return;
        };
        let value = match role {
            ColumnRole::Target(_) => cell::target_figure(text),
            _ => cell::figure(text),
        }
        .map(|f| f.value);
        // A column of 0s says "no target".
        if matches!(role, ColumnRole::Target(_))
            && value == Some(0.0)
            && self.column_all_zero(column)
        {
            return;
        }
        let draft = &mut self.drafts[d];
        match role {
            ColumnRole::Target(_) => {
                if let Some(f) = cell::target_figure(text) {
                    draft.bare.push(!f.percent);
                    if f.percent {
                        draft.indicator.unit = Unit::Percent;
                    } else if cell::in_days(text) {
                        draft.indicator.unit = Unit::Days;
                    }
                }
                if cell::in_days(text) {
                    draft.days_targets.push(period);
                }
                if !draft.indicator.targets.iter().any(|t| t.period == period) {
                    draft.indicator.targets.push(Target {
                        period,
                        text: text.to_string(),
                        value,
                    });
                }
            }
            ColumnRole::Status(_) => {
                let rag = cell::rag(text);
                let m = measurement(&mut draft.indicator, period);
                match rag {
                    Some(rag) => m.status = Some(rag),
                    None => {
                        m.note = Some(match m.note.take() {
                            Some(old) => format!("{old}\nStatus: {text}"),
                            None => format!("Status: {text}"),
                        })
                    }
                }
            }
            _ if cell::not_due(text).is_some() => {
                // "Annual Indicator" in a quarter's column: no figure is due,
                // which is not a value.
                if let Some(Some(frequency)) = cell::not_due(text) {
                    draft.indicator.frequency = Some(frequency);
                }
            }
            _ => {
                let figure = cell::figure(text);
                if let Some(f) = figure {
                    draft.bare.push(!f.percent);
                    if f.percent {
                        draft.indicator.unit = Unit::Percent;
                    } else if f.pounds {
                        draft.indicator.unit = Unit::Pounds;
                    } else if cell::in_days(text) {
                        draft.indicator.unit = Unit::Days;
                    }
                }
                let m = measurement(&mut draft.indicator, period);
                let value = figure.map(|f| f.value);
                // A value in words ("Not yet available") is kept as written.
                let words = figure.is_none().then(|| text.to_string());
                let held = m.value.is_some() || m.text.is_some();
                if self.long && held && (m.value != value || m.text != words) {
                    // Two figures for one indicator and period: the table
                    // has a dimension the reading missed (a type of figure,
                    // a group) or two figure columns. The first is kept, and
                    // the rest are named, never silently written over it.
                    self.conflict(column, d, period, text, place);
                    return;
                }
                m.value = value;
                m.text = words;
            }
        }
    }

    /// Counts a figure left out for colliding with one already read; the
    /// first of a column is described (the rest are only counted: a file
    /// can hold thousands).
    fn conflict(&mut self, column: usize, d: usize, period: Period, text: &str, place: Provenance) {
        if let Some(c) = self.conflicts.iter_mut().find(|c| c.column == column) {
            c.count += 1;
            return;
        }
        let indicator = &self.drafts[d].indicator;
        let name = indicator
            .code
            .as_ref()
            .map_or_else(|| indicator.title.clone(), |c| c.to_string());
        let kept = indicator
            .measurements
            .iter()
            .find(|m| m.period == period)
            .and_then(|m| m.text.clone().or(m.value.map(|v| v.to_string())))
            .unwrap_or_default();
        self.conflicts.push(Conflict {
            column,
            count: 1,
            example: format!("{name} {period}: {kept} kept, {text} left out"),
            place,
        });
    }

    /// One finding a column whose figures collided with ones read before.
    fn report_conflicts(&mut self) {
        for c in std::mem::take(&mut self.conflicts) {
            let heading = self.heading(c.column).to_string();
            self.finding(
                Severity::Warning,
                FindingKind::ConflictingFigures,
                format!(
                    "column '{heading}': {} figure{} for an indicator and period that already had one \
                     (such as {}); the first is kept. The table may hold another dimension (a type of \
                     figure, a breakdown, a group) or two figure columns: say what each column holds \
                     with --mapping",
                    c.count,
                    if c.count == 1 { "" } else { "s" },
                    c.example
                ),
                Some(c.place),
            );
        }
    }

    fn column_all_zero(&self, column: usize) -> bool {
        self.table
            .column(column)
            .filter(|t| !cell::is_placeholder(t))
            .all(|t| cell::figure(t).is_some_and(|f| f.value == 0.0))
    }
}

/// "A, B, C, D, E and 35 more": the first five names of a list.
fn some_of(names: &[String]) -> String {
    let shown: Vec<&str> = names.iter().take(5).map(String::as_str).collect();
    match names.len() {
        n if n > 5 => format!("{} and {} more", shown.join(", "), n - 5),
        _ => shown.join(", "),
    }
}

/// The measurement for a period, added if missing.
fn measurement(indicator: &mut Indicator, period: Period) -> &mut Measurement {
    let at = match indicator
        .measurements
        .iter()
        .position(|m| m.period == period)
    {
        Some(at) => at,
        None => {
            indicator.measurements.push(Measurement {
                period,
                value: None,
                text: None,
                note: None,
                status: None,
                recorded_by: None,
                recorded_at: None,
            });
            indicator.measurements.len() - 1
        }
    };
    &mut indicator.measurements[at]
}

fn finish(draft: Draft) -> Indicator {
    let Draft {
        mut indicator,
        service,
        reference,
        bare,
        days_targets,
    } = draft;
    let mut about = Vec::new();
    if let Some(s) = service {
        about.push(format!("Service: {s}"));
    }
    if let Some(r) = reference {
        about.push(format!("Reference: {r}"));
    }
    if let Some(d) = indicator.description.take() {
        about.push(d);
    }
    if !about.is_empty() {
        indicator.description = Some(about.join("\n"));
    }
    // In time order: a year before the quarters of the next.
    indicator
        .measurements
        .sort_by_key(|m| (m.period.first_day(), std::cmp::Reverse(m.period.last_day())));
    indicator
        .targets
        .sort_by_key(|t| (t.period.first_day(), std::cmp::Reverse(t.period.last_day())));
    // "Within 7 working days" over a column of percentages names the
    // standard the percentage is measured against, not a figure to compare.
    if indicator.unit == Unit::Percent {
        for t in &mut indicator.targets {
            if days_targets.contains(&t.period) {
                t.value = None;
            }
        }
    }
    // A percentage kept as a fraction (0.91 shown as 91%).
    let values = indicator
        .measurements
        .iter()
        .filter_map(|m| m.value)
        .chain(indicator.targets.iter().filter_map(|t| t.value));
    let fractions = values.clone().count() > 0 && values.clone().all(|v| (0.0..=1.0).contains(&v));
    if indicator.unit == Unit::Percent && fractions && bare.iter().all(|&b| b) {
        for m in &mut indicator.measurements {
            m.value = m.value.map(|v| (v * 100.0 * 1e9).round() / 1e9);
        }
        for t in &mut indicator.targets {
            t.value = t.value.map(|v| (v * 100.0 * 1e9).round() / 1e9);
            if let Some(v) = t.value {
                t.text = format!("{v}%");
            }
        }
    }
    if indicator.frequency.is_none() {
        indicator.frequency =
            frequency_from_periods(indicator.measurements.iter().map(|m| m.period));
    }
    indicator
}

fn frequency_from_periods(periods: impl Iterator<Item = Period>) -> Option<Frequency> {
    let of = |p: Period| match p {
        Period::Month { .. } => Frequency::Monthly,
        Period::Quarter(..) => Frequency::Quarterly,
        Period::Half(..) => Frequency::HalfYearly,
        Period::Year(_) => Frequency::Annual,
    };
    // A year's total beside its quarters ("Q1 … Q4, Year end") is the sum
    // of them, not a sign of another frequency.
    let periods: Vec<Period> = periods.collect();
    let shorter: Vec<Frequency> = periods
        .iter()
        .filter(|p| !matches!(p, Period::Year(_)))
        .map(|&p| of(p))
        .collect();
    let kinds = if shorter.is_empty() {
        periods.iter().map(|&p| of(p)).collect()
    } else {
        shorter
    };
    let first = *kinds.first()?;
    kinds.iter().all(|&f| f == first).then_some(first)
}

fn area_of(cells: &[String], columns: &Columns) -> String {
    columns
        .area
        .or(columns.area_code)
        .and_then(|c| cells.get(c))
        .map_or(String::new(), |s| s.trim().to_string())
}

/// The area a long table's row is for, when it names one that is not ours.
fn other_area(cells: &[String], columns: &Columns, ours: &str) -> Option<String> {
    let area = area_of(cells, columns);
    (!area.is_empty() && !same_area(&area, ours, cells, columns)).then_some(area)
}

fn same_area(area: &str, ours: &str, cells: &[String], columns: &Columns) -> bool {
    let code = columns
        .area_code
        .and_then(|c| cells.get(c))
        .map_or("", |s| s.trim());
    let norm = |s: &str| {
        s.to_ascii_lowercase()
            .replace(" council", "")
            .replace(" borough", "")
            .replace(" district", "")
            .replace(" city", "")
            .replace(" county", "")
            .trim()
            .to_string()
    };
    let (area, ours_n) = (norm(area), norm(ours));
    area == ours_n
        || (!ours_n.is_empty() && area.starts_with(&format!("{ours_n} ")))
        || code.eq_ignore_ascii_case(ours.trim())
}

/// A measure heading without its period: "CHN1 2019-20" → ("CHN1", 2019/20).
pub fn split_period(heading: &str) -> (String, Option<PeriodRef>) {
    // `Healthy Birthweight_Raw data_2006/07`: a program's heading joins its
    // parts with underscores, and "Raw data" is the plain figure's own
    // name (beside "Imputed" and "Projected", kept as measures of their own).
    let words: Vec<&str> = heading
        .split(|c: char| c.is_whitespace() || c == '_')
        .filter(|w| !w.is_empty())
        .collect();
    for (i, w) in words.iter().enumerate() {
        if let Some(p @ PeriodRef::Fixed(_)) = period::read(w) {
            let mut rest: Vec<&str> = words[..i].iter().chain(&words[i + 1..]).copied().collect();
            if let Some(at) = rest.windows(2).position(|pair| {
                pair[0].eq_ignore_ascii_case("raw") && pair[1].eq_ignore_ascii_case("data")
            }) {
                rest.drain(at..at + 2);
            }
            return (rest.join(" "), Some(p));
        }
    }
    (heading.trim().to_string(), None)
}

/// A heading that says "the figure" and nothing about when: "Value",
/// "Actual", "Result", or none at all.
fn names_the_value(heading: &str) -> bool {
    let h = super::roles::normalise(heading);
    h.is_empty()
        || matches!(
            h.as_str(),
            "value"
                | "actual"
                | "result"
                | "outturn"
                | "performance"
                | "figure"
                | "score"
                | "data"
                | "actual value"
                | "value achieved"
                | "actual performance"
                | "current performance"
        )
}

fn unit_of(text: &str) -> Option<Unit> {
    let t = text.trim().to_ascii_lowercase();
    if t.is_empty() {
        return None;
    }
    Some(if t.contains('%') || t.contains("percent") {
        Unit::Percent
    } else if t.contains('£') || t.contains("pound") || t.contains("cost") || t.contains("gbp") {
        Unit::Pounds
    } else if t.contains("day") {
        Unit::Days
    } else if t.contains("ratio") || t.contains("rate") || t.contains("per ") {
        Unit::Ratio
    } else if t.contains("number") || t.contains("count") || t == "no" || t == "no." || t == "#" {
        Unit::Count
    } else {
        return None;
    })
}

fn polarity_of(text: &str) -> Option<Polarity> {
    let t = text.trim().to_ascii_lowercase();
    if t.is_empty() {
        return None;
    }
    if t.contains("high")
        || t.contains("bigger")
        || t.contains("up")
        || t.contains("increase")
        || t == "desc"
        || t == "+"
    {
        Some(Polarity::HigherIsBetter)
    } else if t.contains("low")
        || t.contains("small")
        || t.contains("down")
        || t.contains("decrease")
        || t == "asc"
        || t == "-"
    {
        Some(Polarity::LowerIsBetter)
    } else if t.contains("neither") || t.contains("n/a") || t.contains("context") {
        Some(Polarity::Neither)
    } else {
        None
    }
}

fn frequency_of(text: &str) -> Option<Frequency> {
    let t = text.trim().to_ascii_lowercase();
    if t.starts_with('m') {
        Some(Frequency::Monthly)
    } else if t.starts_with('q') {
        Some(Frequency::Quarterly)
    } else if t.starts_with('h') || t.contains("half") || t.contains("six") {
        Some(Frequency::HalfYearly)
    } else if t.starts_with('a') || t.starts_with('y') {
        Some(Frequency::Annual)
    } else {
        None
    }
}
