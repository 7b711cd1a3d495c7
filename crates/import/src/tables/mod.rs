//! Data tables: the KPI returns, RAG summaries, open-data extracts and
//! comparison tables councils keep beside their plans. Read in named
//! stages, each with its own types:
//!
//! 1. [`find`]: runs of rows become [`find::Table`]s (headings, rows, the
//!    lines above);
//! 2. [`roles`]: each column gets a [`roles::ColumnRole`] from its heading
//!    and its cells, with a [`roles::Confidence`] — or the user's, from a
//!    [`mapping::Mapping`];
//! 3. [`read`]: the table's shape ([`read::TableKind`]) decides how rows
//!    become indicators; [`period`] resolves every heading's period against
//!    the document's reporting period;
//! 4. the indicators join the document's plan, and every table read (or
//!    seen and not read) is reported as a [`TableLayout`].
//!
//! Tables the plan reader already knows (action tables, the samples'
//! indicator tables) are left to it: a table is taken here when the plan
//! reader finds no header in it, or when a mapping names its layout.

pub mod cell;
pub mod find;
pub mod kpi_text;
pub mod mapping;
pub mod period;
pub mod read;
pub mod roles;

use crate::blocks::Block;
use goldthread_domain::{Finding, Indicator, Period};
use serde::Serialize;
use std::ops::Range;

pub use mapping::{Mapping, MappingError};
pub use read::TableKind;
pub use roles::Confidence;

/// What the user tells the reader beyond the file.
#[derive(Debug, Clone, Default)]
pub struct ReadOptions {
    pub mapping: Option<Mapping>,
    /// What one document may cost to read.
    pub limits: crate::limits::Limits,
    /// Our own area, for tables of several councils (`--area`).
    pub area: Option<String>,
}

/// One column as the report shows it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ColumnReport {
    pub heading: String,
    pub role: &'static str,
    /// The period its figures are for, as resolved ("2024/25 Q2") or as
    /// the heading gives it ("previous", "Q1") when the document does not say.
    pub period: Option<String>,
    pub confidence: Confidence,
    pub why: String,
}

/// One table as the reader saw it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TableLayout {
    pub sheet: Option<String>,
    pub line: u32,
    pub kind: TableKind,
    pub headings: Vec<String>,
    pub columns: Vec<ColumnReport>,
    pub rows: usize,
    pub indicators: usize,
    /// Whether a mapping decided its columns.
    pub mapped: bool,
}

/// A table the plan reader took, reported as the data-table reader
/// reports its own: each column with the role the plan reader gave it
/// (named as a mapping names roles), sure where a heading named it.
pub(crate) fn plan_layout(
    header: &crate::header::Header,
    place: &crate::blocks::Place,
) -> TableLayout {
    use crate::header::Role;
    let columns = header
        .labels
        .iter()
        .zip(&header.roles)
        .map(|(heading, role)| {
            let (name, period): (&'static str, Option<String>) = match role {
                None if heading.is_empty() => ("ignore", None),
                None => ("commentary", None),
                Some(Role::Code) => ("code", None),
                Some(Role::Title | Role::Indicator) => ("title", None),
                Some(Role::Due) => ("due", None),
                Some(Role::Updated) => ("updated", None),
                Some(Role::PercentComplete) => ("percent_complete", None),
                Some(Role::Lead) => ("lead", None),
                Some(Role::Rag) => ("status", None),
                Some(Role::Frequency) => ("frequency", None),
                Some(Role::Polarity) => ("polarity", None),
                Some(Role::Baseline) => ("baseline", None),
                Some(Role::Group(_)) => ("service", None),
                Some(Role::Target(fy)) => ("target", Some(fy.to_string())),
                Some(Role::Targets | Role::TargetNow) => ("target", None),
                Some(Role::Actual(fy)) => ("value", Some(fy.to_string())),
                Some(Role::Quarterly(q, fy)) => (
                    "value",
                    Some(match fy {
                        Some(fy) => format!("{fy} Q{}", q.number()),
                        None => format!("Q{}", q.number()),
                    }),
                ),
                Some(_) => ("commentary", None),
            };
            ColumnReport {
                heading: heading.clone(),
                role: name,
                period,
                confidence: if role.is_some() {
                    Confidence::High
                } else {
                    Confidence::Low
                },
                why: match role {
                    Some(role) => format!("the plan reader's {role:?} column"),
                    None => "no role: kept with each record's description".to_string(),
                },
            }
        })
        .collect();
    TableLayout {
        sheet: place.sheet.as_deref().cloned(),
        line: place.line,
        kind: TableKind::Plan,
        headings: header.labels.clone(),
        columns,
        rows: 0,
        indicators: 0,
        mapped: false,
    }
}

/// What the data tables of a document gave.
#[derive(Debug, Default)]
pub struct TablesRead {
    pub indicators: Vec<Indicator>,
    /// Actions from tables the plan reader could not read (or a mapping
    /// named).
    pub actions: Vec<goldthread_domain::Action>,
    pub findings: Vec<Finding>,
    pub layouts: Vec<TableLayout>,
    /// Blocks the plan reader must not read again.
    pub claimed: Vec<Range<usize>>,
    /// The reporting period used, when one was found.
    pub period: Option<Period>,
    /// The document's own name for itself when it is a report rather than a
    /// plan ("Quarterly Performance Report"), with its period.
    pub title: Option<String>,
}

/// "Quarterly Performance Report" among the opening lines, with the period
/// it reports when the line does not say.
fn report_title(blocks: &[Block<'_>], period: Option<Period>) -> Option<String> {
    const WORDS: &[&str] = &[
        "report",
        "performance",
        "return",
        "dashboard",
        "scorecard",
        "kpi",
    ];
    let line = blocks
        .iter()
        .filter_map(|b| match b {
            Block::Text { text, .. } => Some(text.trim()),
            _ => None,
        })
        .take(10)
        .find(|l| {
            let lower = l.to_ascii_lowercase();
            l.len() <= 120 && WORDS.iter().any(|w| lower.contains(w))
        })?;
    Some(match period {
        Some(p) if period::reporting_period(line) != Some(p) => format!("{line} {p}"),
        _ => line.to_string(),
    })
}

/// The document's reporting period: the mapping's, else the first opening
/// line naming one, else the file name.
fn reporting_period(
    file_name: &str,
    blocks: &[Block<'_>],
    options: &ReadOptions,
) -> Option<Period> {
    if let Some(p) = options.mapping.as_ref().and_then(Mapping::reporting_period) {
        return Some(p);
    }
    let lines: Vec<&str> = blocks
        .iter()
        .filter_map(|b| match b {
            Block::Text { text, .. } => Some(text.as_ref()),
            _ => None,
        })
        .take(15)
        .filter(|t| t.len() <= 200)
        .collect();
    // A quarter named on one line ("Quarter Performance Report Q3
    // 2024/25"), else across the opening lines ("Quarter 3" over "2024/25").
    let quarter = |p: &Period| matches!(p, Period::Quarter(..) | Period::Month { .. });
    let opening = lines
        .iter()
        .filter_map(|l| period::reporting_period(l))
        .find(quarter)
        .or_else(|| {
            period::reporting_period(&lines[..lines.len().min(8)].join(" ")).filter(quarter)
        })
        .or_else(|| lines.iter().find_map(|l| period::reporting_period(l)));
    let stem = file_name.rsplit(['/', '\\']).next().unwrap_or(file_name);
    opening.or_else(|| period::reporting_period(stem))
}

/// Headings a data table could have: two or more short cells, none a
/// figure, at least one naming a role or a period.
fn may_be_headings(cells: &[String]) -> bool {
    let filled: Vec<&String> = cells.iter().filter(|c| !c.is_empty()).collect();
    // A wide sheet's headings may name a few measures at length
    // ("Total Number of Unemployed people assisted into work from council
    // funded-operated employability programmes 2012-13"); a narrow row with
    // a long cell is a record.
    let long = filled.iter().filter(|c| c.len() > 100).count();
    filled.len() >= 2
        && (long == 0 || filled.len() >= 20 && long * 10 <= filled.len())
        && filled.iter().all(|c| cell::figure(c).is_none())
        && filled
            .iter()
            .any(|c| roles::heading_role(c).is_some_and(|r| r != roles::ColumnRole::Title))
}

/// An indicator table the plan reader knows, but with columns it would
/// pass over: a red/amber/green column, or figures under headings it has no
/// role for ("30/09/2013", "Latest", "Direction of travel").
fn more_than_the_plan_reader_sees(header: &crate::header::Header, headings: &[String]) -> bool {
    use crate::header::Role;
    use roles::ColumnRole;
    let figures_for_periods = headings
        .iter()
        .filter(|h| {
            matches!(
                roles::heading_role(h),
                Some(ColumnRole::Value(Some(_)) | ColumnRole::Target(Some(_)))
            )
        })
        .count();
    let passed_over = header.roles.iter().zip(headings).any(|(role, text)| {
        role.is_none()
            && matches!(
                roles::heading_role(text),
                Some(
                    ColumnRole::Value(_)
                        | ColumnRole::Status(_)
                        | ColumnRole::Target(_)
                        | ColumnRole::Direction
                )
            )
    });
    (header.is_indicator_table() && (header.has(Role::Rag) || passed_over))
        // A scorecard ("Q1 Target | Q1 Actual | …") with no due date or
        // lead officer is not an action table, whatever its other words.
        || (figures_for_periods >= 2 && !header.has(Role::Due) && !header.has(Role::Lead))
}

/// Where the document's first heading row the plan reader knows is (the
/// end of the blocks when there is none).
fn first_plan_heading_row(blocks: &[Block<'_>]) -> usize {
    blocks
        .iter()
        .position(|b| match b {
            Block::Row { cells, .. } => {
                let cells: Vec<String> = cells
                    .iter()
                    .map(|c| crate::cells::clean(c).into_owned())
                    .collect();
                crate::header::recognise(&cells).is_some()
            }
            _ => false,
        })
        .unwrap_or(blocks.len())
}

/// A row that is an action as councils list them, not headings: a code
/// first ("OUT 001.01", "KA.3"), then at least two more cells, one of them a
/// sentence (the progress or description).
fn looks_like_an_action_record(cells: &[String]) -> bool {
    let filled: Vec<&String> = cells.iter().filter(|c| !c.trim().is_empty()).collect();
    filled.len() >= 3
        && cells.first().is_some_and(|c| cell::is_code(c))
        && filled.iter().any(|c| c.split_whitespace().count() > 8)
}

/// An indicator table whose second heading row names its figures ("Value |
/// Target | Status" under "Q3 2023/24"): the plan reader sees the first row
/// only, and would take the second for an indicator. Action tables (with a
/// lead or due date) keep their two heading rows with the plan reader.
fn second_heading_row_of_figures(first: &[String], headings: &[String]) -> bool {
    use crate::header::Role;
    use roles::ColumnRole;
    headings != first
        && crate::header::recognise(first)
            .is_some_and(|h| h.is_indicator_table() && !h.has(Role::Lead) && !h.has(Role::Due))
        && headings.iter().zip(first).any(|(merged, top)| {
            merged != top
                && matches!(
                    roles::heading_role(merged),
                    Some(ColumnRole::Value(_) | ColumnRole::Target(_) | ColumnRole::Status(_))
                )
        })
}

pub fn read_tables(file_name: &str, blocks: &[Block<'_>], options: &ReadOptions) -> TablesRead {
    let mapping = options.mapping.as_ref();
    // The plan reader sees the first row alone: when it takes that as its
    // own header, the table is its own unless it has more it would miss.
    let wants = |first: &[String], headings: &[String]| {
        mapping.is_some_and(|m| m.knows(headings))
            || (may_be_headings(headings)
                && (crate::header::recognise(first)
                    .is_none_or(|h| more_than_the_plan_reader_sees(&h, first))
                    || second_heading_row_of_figures(first, headings)))
    };
    // A run whose first row is a record ("OUT 001.01 | Deliver … | Head of
    // Planning | The strategy was …"), not headings: read by its cells.
    // Not when a heading row the plan reader knows came before: the run
    // goes on its table after a page break, and the plan reader reads it.
    let first_plan_header = std::cell::OnceCell::new();
    let headerless = |first: &[String], at: usize| {
        mapping.is_none()
            && !may_be_headings(first)
            && crate::header::recognise(first).is_none()
            && looks_like_an_action_record(first)
            && *first_plan_header.get_or_init(|| first_plan_heading_row(blocks)) >= at
    };
    let tables = find::tables(blocks, wants, headerless);
    let mut out = TablesRead::default();
    let text_kpis = kpi_text::read(blocks, None);
    if tables.is_empty() && text_kpis.is_empty() {
        out.findings.extend(form_finding(blocks));
        return out;
    }
    let document_period = reporting_period(file_name, blocks, options);
    out.period = document_period;
    out.title = report_title(blocks, document_period);
    if !text_kpis.is_empty() {
        // Read again now the period is known (rare: only KPI reports).
        for kpi in kpi_text::read(blocks, document_period) {
            out.indicators.push(kpi.indicator);
            out.claimed.push(kpi.blocks);
        }
        if document_period.is_none() {
            out.findings.push(Finding::new(
                goldthread_domain::Severity::Warning,
                goldthread_domain::FindingKind::UndatedProgress,
                "the KPIs' latest and previous figures are left out: the document does not say which \
                 period it reports; give \"period\" in a mapping file (--mapping)",
                None,
            ));
        }
    }
    let area = options
        .area
        .clone()
        .or_else(|| mapping.and_then(|m| m.area.clone()));
    for table in &tables {
        let given = mapping.and_then(|m| m.roles_for(&table.headings));
        let mapped = given.is_some();
        let said = table
            .title
            .iter()
            .find_map(|t| period::reporting_period(t))
            .filter(|_| mapping.and_then(|m| m.period.as_ref()).is_none())
            .or(document_period);
        let guesses = given.unwrap_or_else(|| {
            let profiles: Vec<roles::Profile> = (0..table.headings.len())
                .map(|c| roles::Profile::of(table.column(c)))
                .collect();
            let mut guesses = roles::infer(&table.headings, &profiles);
            let written = said.map_or_else(|| chrono::Utc::now().date_naive(), |p| p.last_day());
            roles::future_figures_are_targets(&mut guesses, &table.headings, written);
            guesses
        });
        let kind = read::kind(&guesses);
        if kind == TableKind::NotRead && !mapped {
            continue;
        }
        // Without headings only a row per action is read: undated figures
        // would be dropped anyway, and the plan reader reads the rest.
        if table.headings.iter().all(String::is_empty) && kind != TableKind::Actions {
            continue;
        }
        let filled = match kind {
            TableKind::Actions => actions_fill_rows(table, &guesses),
            _ => figures_fill_rows(table, &guesses),
        };
        if !mapped && !filled {
            continue;
        }
        let latest = latest_named(&guesses, said);
        let context = read::Context {
            period: match (said, latest) {
                // "Scorecard 2024/25" over "Q1 … Q2" columns: the status and
                // commentary speak for the latest quarter shown.
                (Some(Period::Year(fy)), Some(p)) if p.financial_year() == fy => Some(p),
                (Some(p), _) => Some(p),
                (None, latest) => latest,
            },
            area: area.clone(),
        };
        let read::TableReading {
            indicators,
            actions,
            findings,
        } = read::Reader::new(table, &guesses, &context).read(kind);
        out.layouts.push(TableLayout {
            sheet: table.place.sheet.as_deref().cloned(),
            line: table.place.line,
            kind,
            headings: table.headings.clone(),
            columns: table
                .headings
                .iter()
                .zip(&guesses)
                .map(|(heading, g)| ColumnReport {
                    heading: heading.clone(),
                    role: g.role.name(),
                    period: g.role.period().map(|p| match p.resolve(context.period) {
                        Some(resolved) => resolved.to_string(),
                        None => p.describe(),
                    }),
                    confidence: g.confidence,
                    why: g.why.clone(),
                })
                .collect(),
            rows: table.data_rows(),
            indicators: indicators.len(),
            mapped,
        });
        out.indicators.extend(indicators);
        out.actions.extend(actions);
        out.findings.extend(findings);
        out.claimed.push(table.blocks.clone());
    }
    // The plan reader walks them in order.
    out.claimed.sort_by_key(|r| r.start);
    out
}

/// With no period from the document, the latest period the table's own
/// headings name in full ("2023/24 Q2 Target" beside "Q2 Performance").
fn latest_named(guesses: &[roles::ColumnGuess], said: Option<Period>) -> Option<Period> {
    use period::PeriodRef;
    guesses
        .iter()
        .filter_map(|g| match g.role.period() {
            Some(p @ (PeriodRef::Fixed(_) | PeriodRef::Quarter(_) | PeriodRef::Month(_))) => {
                p.resolve(said)
            }
            _ => None,
        })
        .max_by_key(|p| (p.last_day(), p.first_day()))
}

/// Two or more rows, most naming an action with its lead or due date.
fn actions_fill_rows(table: &find::Table, guesses: &[roles::ColumnGuess]) -> bool {
    use roles::ColumnRole;
    let column = |role: ColumnRole| guesses.iter().position(|g| g.role == role);
    let (Some(title), details) = (
        column(ColumnRole::Title),
        [column(ColumnRole::Lead), column(ColumnRole::Due)],
    ) else {
        return false;
    };
    let rows = table.data_rows();
    let named = table
        .rows
        .iter()
        .take(1000)
        .filter(|r| match r {
            find::TableRow::Data { cells, .. } => {
                cells.get(title).is_some_and(|t| !t.is_empty())
                    && details
                        .iter()
                        .flatten()
                        .any(|&c| cells.get(c).is_some_and(|t| !t.is_empty()))
            }
            find::TableRow::Section { .. } => false,
        })
        .count();
    rows >= 2 && named * 10 >= rows.min(1000) * 7
}

/// Most data rows hold a figure or a judgement in a figures column: the
/// table is data, not prose that happened to sit under short headings.
fn figures_fill_rows(table: &find::Table, guesses: &[roles::ColumnGuess]) -> bool {
    let figure_columns: Vec<usize> = (0..guesses.len())
        .filter(|&i| {
            matches!(
                guesses[i].role,
                roles::ColumnRole::Value(_)
                    | roles::ColumnRole::Status(_)
                    | roles::ColumnRole::Target(_)
            )
        })
        .collect();
    let mut rows = 0;
    let mut with = 0;
    // The first thousand rows say it.
    for row in table.rows.iter().take(1000) {
        if let find::TableRow::Data { cells, .. } = row {
            rows += 1;
            if figure_columns.iter().any(|&c| {
                cells
                    .get(c)
                    .is_some_and(|t| cell::figure(t).is_some() || cell::rag(t).is_some())
            }) {
                with += 1;
            }
        }
    }
    rows > 0 && with * 2 >= rows
}

/// A statistical return laid out as a form (a label, then one figure far
/// to its right, row after row) is not a table of indicators: it is named
/// as such, with how to bring its figures in, rather than passed over.
fn form_finding(blocks: &[Block<'_>]) -> Option<Finding> {
    let mut rows = 0usize;
    let mut form_rows = 0usize;
    let mut columns = std::collections::BTreeSet::new();
    let mut sheet = None;
    for block in blocks {
        let Block::Row { cells, place } = block else {
            continue;
        };
        rows += 1;
        let filled: Vec<(usize, &str)> = cells
            .iter()
            .enumerate()
            .map(|(i, c)| (i, c.trim()))
            .filter(|(_, c)| !c.is_empty() && !cell::is_placeholder(c))
            .collect();
        let figures: Vec<usize> = filled
            .iter()
            .filter(|(_, c)| cell::figure(c).is_some())
            .map(|(i, _)| *i)
            .collect();
        let label_first = filled
            .first()
            .is_some_and(|(_, c)| cell::figure(c).is_none());
        if label_first && figures.len() == 1 && figures[0] >= 3 && filled.len() <= 4 {
            form_rows += 1;
            columns.insert(figures[0]);
            sheet = sheet.or_else(|| place.sheet.clone());
        }
    }
    if form_rows < 8 || form_rows * 10 < rows * 4 {
        return None;
    }
    let letters: Vec<String> = columns
        .iter()
        .take(4)
        .map(|&c| char::from(b'A' + u8::try_from(c.min(25)).unwrap_or(25)).to_string())
        .collect();
    Some(Finding::new(
        goldthread_domain::Severity::Error,
        goldthread_domain::FindingKind::UnrecognisedTable,
        format!(
            "this looks like a statistical return form ({form_rows} rows of a label with one figure in column {}), \
             not a table of indicators or actions; to import its figures, lay the ones you report as a table \
             (indicator, period, value) and import that, or write a mapping for such a table (--print-mapping, --mapping)",
            letters.join(", ")
        ),
        sheet.map(|s| goldthread_domain::Provenance {
            line: None,
            sheet: Some(s.to_string()),
        }),
    ))
}
