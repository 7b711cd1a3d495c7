//! Stage two: what each column of a table means, from its heading and from
//! what its cells hold, with how sure the guess is. A mapping the user gave
//! for the table's layout overrides the guess.

use super::cell;
use super::period::{self, PeriodRef};
use serde::Serialize;

/// What a column of a data table holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ColumnRole {
    Code,
    /// The indicator's (or action's) name.
    Title,
    /// The service, directorate or team the row belongs to.
    Service,
    Unit,
    Polarity,
    Frequency,
    /// The lead officer or owner.
    Lead,
    /// In a long table, the period the row's figures are for.
    Period,
    /// In a comparison table, whose figures the row holds.
    Area,
    AreaCode,
    /// Figures for a period (None: the row's period, or unknown).
    Value(Option<PeriodRef>),
    Target(Option<PeriodRef>),
    /// A red/amber/green judgement the council made.
    Status(Option<PeriodRef>),
    /// Direction of travel.
    Direction,
    Commentary,
    Baseline,
    /// A due date, for action tables the user maps.
    Due,
    /// The day a row's progress was written ("Last updated"): an action's
    /// update is as at that day.
    Updated,
    /// How far an action has got, as a percentage ("% complete").
    PercentComplete,
    /// Read and deliberately left: ranks, numerators, keys.
    Ignore,
}

impl ColumnRole {
    /// The name used in reports and mapping files.
    pub fn name(self) -> &'static str {
        match self {
            ColumnRole::Code => "code",
            ColumnRole::Title => "title",
            ColumnRole::Service => "service",
            ColumnRole::Unit => "unit",
            ColumnRole::Polarity => "polarity",
            ColumnRole::Frequency => "frequency",
            ColumnRole::Lead => "lead",
            ColumnRole::Period => "period",
            ColumnRole::Area => "area",
            ColumnRole::AreaCode => "area_code",
            ColumnRole::Value(_) => "value",
            ColumnRole::Target(_) => "target",
            ColumnRole::Status(_) => "status",
            ColumnRole::Direction => "direction",
            ColumnRole::Commentary => "commentary",
            ColumnRole::Baseline => "baseline",
            ColumnRole::Due => "due",
            ColumnRole::Updated => "updated",
            ColumnRole::PercentComplete => "percent_complete",
            ColumnRole::Ignore => "ignore",
        }
    }

    /// Every role name, for the mapping file's documentation and the
    /// preview's select boxes.
    pub const NAMES: &'static [&'static str] = &[
        "code",
        "title",
        "service",
        "unit",
        "polarity",
        "frequency",
        "lead",
        "period",
        "area",
        "area_code",
        "value",
        "target",
        "status",
        "direction",
        "commentary",
        "baseline",
        "due",
        "updated",
        "percent_complete",
        "ignore",
    ];

    /// A role from its name and, for figures, the period they are for.
    pub fn from_name(name: &str, period: Option<PeriodRef>) -> Option<ColumnRole> {
        Some(match name.trim().to_ascii_lowercase().as_str() {
            "code" => ColumnRole::Code,
            "title" => ColumnRole::Title,
            "service" => ColumnRole::Service,
            "unit" => ColumnRole::Unit,
            "polarity" => ColumnRole::Polarity,
            "frequency" => ColumnRole::Frequency,
            "lead" => ColumnRole::Lead,
            "period" => ColumnRole::Period,
            "area" => ColumnRole::Area,
            "area_code" => ColumnRole::AreaCode,
            "value" => ColumnRole::Value(period),
            "target" => ColumnRole::Target(period),
            "status" => ColumnRole::Status(period),
            "direction" => ColumnRole::Direction,
            "commentary" => ColumnRole::Commentary,
            "baseline" => ColumnRole::Baseline,
            "due" => ColumnRole::Due,
            "updated" => ColumnRole::Updated,
            "percent_complete" => ColumnRole::PercentComplete,
            "ignore" => ColumnRole::Ignore,
            _ => return None,
        })
    }

    pub fn period(self) -> Option<PeriodRef> {
        match self {
            ColumnRole::Value(p) | ColumnRole::Target(p) | ColumnRole::Status(p) => p,
            _ => None,
        }
    }

    fn is_figures(self) -> bool {
        matches!(
            self,
            ColumnRole::Value(_) | ColumnRole::Target(_) | ColumnRole::Status(_)
        )
    }
}

/// How sure a column's role is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Confidence {
    /// Only a guess: the heading says nothing and the cells little.
    Low,
    /// The heading or the cells say it, not both.
    Medium,
    /// Heading and cells agree.
    High,
    /// The user said so in a mapping.
    Given,
}

impl Confidence {
    pub fn as_str(self) -> &'static str {
        match self {
            Confidence::Low => "low",
            Confidence::Medium => "medium",
            Confidence::High => "high",
            Confidence::Given => "given",
        }
    }
}

/// The role chosen for one column and why.
#[derive(Debug, Clone, PartialEq)]
pub struct ColumnGuess {
    pub role: ColumnRole,
    pub confidence: Confidence,
    pub why: String,
}

/// How a column's cells read, counted.
#[derive(Debug, Default, Clone, Copy)]
pub struct Profile {
    pub filled: usize,
    pub figures: usize,
    pub percents: usize,
    pub rags: usize,
    pub periods: usize,
    pub codes: usize,
    pub directions: usize,
    pub areas: usize,
    pub area_codes: usize,
    pub posts: usize,
    /// How often: `Monthly`, `Annually`, `Financial year`.
    pub frequencies: usize,
    /// Yes/no marks: `Y`, `N`, `Yes`, `✓`.
    pub flags: usize,
    /// Cells of more than eight words.
    pub prose: usize,
    pub distinct: usize,
}

impl Profile {
    /// Counts a sample of the column's cells: the first few hundred and
    /// then an even spread, so a column of 100,000 rows costs what one of
    /// a thousand does.
    pub fn of<'c>(cells: impl ExactSizeIterator<Item = &'c str>) -> Profile {
        const SAMPLE: usize = 1000;
        let step = cells.len().div_ceil(SAMPLE).max(1);
        let mut p = Profile::default();
        let mut seen = std::collections::HashSet::new();
        for (i, text) in cells.enumerate() {
            if i >= SAMPLE / 2 && i % step != 0 {
                continue;
            }
            let text = text.trim();
            if cell::is_placeholder(text) {
                continue;
            }
            p.filled += 1;
            if seen.len() < 1000 && seen.insert(text.to_ascii_lowercase()) {
                p.distinct += 1;
            }
            if let Some(f) = cell::figure(text) {
                p.figures += 1;
                p.percents += usize::from(f.percent);
                continue;
            }
            if cell::is_flag(text) {
                p.flags += 1;
            } else if cell::rag(text).is_some() {
                p.rags += 1;
            } else if cell::direction(text).is_some() {
                p.directions += 1;
            } else if cell::is_area_code(text) {
                p.area_codes += 1;
            } else if cell::is_frequency(text) {
                p.frequencies += 1;
            } else if period::read(text).is_some() {
                p.periods += 1;
            } else if cell::is_code(text) {
                p.codes += 1;
            } else if cell::is_area_name(text) {
                p.areas += 1;
            } else if cell::is_post(text) {
                p.posts += 1;
            } else if text.split_whitespace().count() > 8 {
                p.prose += 1;
            }
        }
        p
    }

    /// Most of the filled cells (and at least one) are of a kind.
    fn mostly(&self, count: usize) -> bool {
        count > 0 && count * 10 >= self.filled * 7
    }

    fn texts(&self) -> usize {
        self.filled
            - self.figures
            - self.rags
            - self.periods
            - self.codes
            - self.directions
            - self.area_codes
            - self.posts
            - self.frequencies
            - self.flags
    }
}

/// What a heading alone says a column is. Remembered per heading: every
/// run of rows has its first row asked whether it heads a data table, and
/// a plan repeats its tables' headings (at each page break, in each
/// section), which cost more to read than to look up.
pub fn heading_role(heading: &str) -> Option<ColumnRole> {
    thread_local! {
        static READINGS: crate::memo::Memory<(), Option<ColumnRole>> = Default::default();
    }
    // Headings are short; a long cell asked about is read, not kept.
    if heading.len() > 200 {
        return read_heading_role(heading);
    }
    crate::memo::remembered(&READINGS, (), heading, read_heading_role)
}

fn read_heading_role(heading: &str) -> Option<ColumnRole> {
    let h = normalise(heading);
    if h.is_empty() {
        return None;
    }
    let words: Vec<&str> = h.split(' ').collect();
    let has = |w: &str| words.contains(&w);
    let starts = |p: &str| h.starts_with(p);
    let period = period::read(heading);
    // An action's progress: how far, and on what day it was written.
    let complete = has("complete") || has("completed") || has("completion");
    if complete && (heading.contains('%') || has("percent") || has("percentage")) {
        return Some(ColumnRole::PercentComplete);
    }
    if matches!(
        h.as_str(),
        "last updated"
            | "date updated"
            | "updated"
            | "update date"
            | "date of update"
            | "last update"
    ) {
        return Some(ColumnRole::Updated);
    }
    // Figures first: their headings carry periods that other rules misread.
    if has("target")
        || has("targets")
        || starts("target")
        || has("goal")
        || has("standard") && !has("service")
    {
        return Some(ColumnRole::Target(period));
    }
    if has("rag")
        || has("status")
        || has("rating")
        || h.contains("traffic light")
        || h.contains("red amber green")
    {
        return Some(ColumnRole::Status(period));
    }
    if has("dot") || h.contains("direction of travel") || has("trend") || has("direction") {
        return Some(ColumnRole::Direction);
    }
    if has("tolerance") || has("tolerances") {
        return Some(ColumnRole::Ignore);
    }
    if has("baseline") {
        return Some(ColumnRole::Baseline);
    }
    if has("polarity")
        || h.contains("good performance")
        || h.contains("higher or lower")
        || h.contains("good is")
        || h == "aim"
    {
        return Some(ColumnRole::Polarity);
    }
    if has("frequency")
        || h.contains("how often")
        || h == "collected"
        || h.contains("reporting cycle")
    {
        return Some(ColumnRole::Frequency);
    }
    if has("unit") || has("units") || h == "measure type" || h == "format" {
        return Some(ColumnRole::Unit);
    }
    if has("numerator")
        || has("denominator")
        || h.contains("rank")
        || h.ends_with("pct")
        || has("median")
        || has("mads")
        || starts("key ")
        || has("pct")
        || has("iter")
        || h.contains("rank order")
        || has("url")
        || has("id") && words.len() > 1
        || has("grouping")
        || has("page")
        || has("region")
        || h.ends_with(" row")
        || has("changes")
        || has("floor")
    {
        return Some(ColumnRole::Ignore);
    }
    if h.contains("area code")
        || h.contains("la code")
        || h.contains("ons code")
        || h.contains("authority code")
        || h.contains("gss code")
        || h == "lad code"
        || ons_name(&h, "cd")
    {
        return Some(ColumnRole::AreaCode);
    }
    if matches!(
        h.as_str(),
        "area"
            | "council"
            | "local authority"
            | "authority"
            | "la"
            | "la name"
            | "area name"
            | "local authority name"
            | "localauthority"
            | "organisation"
            | "council name"
            | "geography"
            | "lad name"
            | "cpp"
            | "community planning partnership"
            | "authority name"
            | "local authority area"
            | "borough"
            | "district"
    ) || ons_name(&h, "nm")
    {
        return Some(ColumnRole::Area);
    }
    if matches!(
        h.as_str(),
        "code"
            | "ref"
            | "ref no"
            | "reference"
            | "id"
            | "pi code"
            | "pi ref"
            | "kpi ref"
            | "kpi code"
            | "indicator code"
            | "measure code"
            | "pi no"
            | "kpi no"
            | "no"
            | "pi"
            | "pi id"
            | "kpi id"
            | "indicator ref"
            | "indicator id"
            | "measure ref"
            | "metric code"
            | "code no"
    ) {
        return Some(ColumnRole::Code);
    }
    if matches!(
        h.as_str(),
        "period"
            | "quarter"
            | "month"
            | "year"
            | "financial year"
            | "date"
            | "reporting period"
            | "time period"
            | "period ending"
            | "period end"
            | "time"
            | "reporting date"
            | "fy"
            | "qtr"
    ) {
        return Some(ColumnRole::Period);
    }
    if has("comment")
        || has("comments")
        || has("commentary")
        || has("narrative")
        || has("explanation")
        || has("notes")
        || has("note")
        || has("analysis")
        || has("update")
        || has("remedial")
        || h.contains("corrective")
        || has("progress")
        || has("context")
    {
        return Some(ColumnRole::Commentary);
    }
    if has("lead")
        || has("owner")
        || has("responsible")
        || has("officer")
        || has("accountable")
        || h == "who"
    {
        return Some(ColumnRole::Lead);
    }
    if has("due")
        || h.contains("deadline")
        || h.contains("completion date")
        || h == "timescale"
        || h == "when"
    {
        return Some(ColumnRole::Due);
    }
    if matches!(
        h.as_str(),
        "service"
            | "directorate"
            | "department"
            | "portfolio"
            | "service area"
            | "team"
            | "division"
            | "theme"
            | "section"
            | "service unit"
            | "business unit"
            | "priority"
            | "category"
            | "group"
            | "cabinet portfolio"
            | "function"
    ) {
        return Some(ColumnRole::Service);
    }
    if has("indicator")
        || has("indicators")
        || has("kpi")
        || has("kpis")
        || has("measure")
        || has("measures")
        || has("description")
        || has("title")
        || has("metric")
        || has("pi")
        || h == "name"
        || has("definition")
        || matches!(
            h.as_str(),
            "action"
                | "actions"
                | "action name"
                | "action title"
                | "action description"
                | "project"
                | "project name"
                | "initiative"
                | "activity"
                | "task"
                | "deliverable"
                | "commitment"
        )
    {
        return Some(ColumnRole::Title);
    }
    if has("value")
        || has("actual")
        || has("outturn")
        || has("result")
        || has("performance")
        || has("score")
        || has("figure")
        || has("latest")
        || has("current")
        || has("previous")
        || period.is_some()
    {
        return Some(ColumnRole::Value(period));
    }
    // A measure's name and its year ("CHN1 2019-20",
    // "Healthy Birthweight_Raw data_2006/07"): its figure for that year.
    if let (name, Some(p @ PeriodRef::Fixed(_))) = super::read::split_period(heading)
        && !name.is_empty()
    {
        return Some(ColumnRole::Value(Some(p)));
    }
    None
}

/// The Office for National Statistics' names for an area's columns:
/// `LAD23NM` (a district's name), `CTYUA21CD` (a county's code).
fn ons_name(heading: &str, suffix: &str) -> bool {
    let Some(stem) = heading.strip_suffix(suffix) else {
        return false;
    };
    let letters = stem.trim_end_matches(|c: char| c.is_ascii_digit());
    stem.len() - letters.len() == 2
        && (2..=6).contains(&letters.len())
        && letters.chars().all(|c| c.is_ascii_lowercase())
}

/// Lower case, words separated by single spaces, punctuation dropped; a
/// programmer's name splits into its words (`actionName`, `area_name`),
/// though not a short mixed-case one (`DoT`, `QoL`).
pub fn normalise(heading: &str) -> String {
    let mut out = String::with_capacity(heading.len());
    let mut camel = crate::header::CamelBreaks::default();
    for c in heading.chars() {
        if camel.before(c) && !out.ends_with(' ') {
            out.push(' ');
        }
        if c.is_alphanumeric() {
            out.extend(c.to_lowercase());
        } else {
            if !out.ends_with(' ') && !out.is_empty() && c != '\'' {
                out.push(' ');
            }
        }
    }
    out.trim_end().to_string()
}

/// The role for each column: from its heading, checked against (or, with
/// no heading, taken from) what its cells hold.
pub fn infer(headings: &[String], columns: &[Profile]) -> Vec<ColumnGuess> {
    let mut guesses: Vec<ColumnGuess> = headings
        .iter()
        .zip(columns)
        .map(|(heading, profile)| guess(heading, profile))
        .collect();
    // The first column of text names the rows when no column says so.
    if !guesses.iter().any(|g| g.role == ColumnRole::Title)
        && let Some(first_text) = (0..guesses.len()).find(|&i| {
            columns[i].filled > 0
                && columns[i].texts() * 10 >= columns[i].filled * 6
                && matches!(
                    guesses[i].role,
                    ColumnRole::Service | ColumnRole::Ignore | ColumnRole::Commentary
                ) | (guesses[i].confidence == Confidence::Low)
        })
        && !matches!(guesses[first_text].role, ColumnRole::Area)
    {
        let g = &mut guesses[first_text];
        let why = format!(
            "the first column of names ({} distinct); no heading names the rows",
            columns[first_text].distinct
        );
        *g = ColumnGuess {
            role: ColumnRole::Title,
            confidence: Confidence::Medium,
            why,
        };
    }
    keep_one_of_each(&mut guesses, headings);
    one_value_column_a_row(&mut guesses);
    guesses
}

/// A long table holds one figure a row. Where a heading names the value
/// column, a column of figures that only its cells call a value (CPOP's
/// `FG`, a family group's number; a rank) is read as nothing.
fn one_value_column_a_row(guesses: &mut [ColumnGuess]) {
    let long = guesses.iter().any(|g| g.role == ColumnRole::Period);
    let named = guesses
        .iter()
        .any(|g| g.role == ColumnRole::Value(None) && g.confidence >= Confidence::Medium);
    if !(long && named) {
        return;
    }
    for guess in guesses.iter_mut() {
        if guess.role == ColumnRole::Value(None) && guess.confidence == Confidence::Low {
            guess.role = ColumnRole::Ignore;
            guess.why = format!(
                "{}; another column is named as the value, and a long table holds one a row",
                guess.why
            );
        }
    }
}

/// A figure for a period that had not begun when the document was written
/// (after `written`: the end of its reporting period, else today) cannot
/// have been measured: a column headed only by such a period ("2027/28",
/// `y2_2027_28`, as a plan's table of yearly aims writes them) holds
/// targets, unless its heading calls it an outturn or a value.
pub fn future_figures_are_targets(
    guesses: &mut [ColumnGuess],
    headings: &[String],
    written: chrono::NaiveDate,
) {
    let targeted: Vec<PeriodRef> = guesses
        .iter()
        .filter_map(|g| match g.role {
            ColumnRole::Target(Some(p)) => Some(p),
            _ => None,
        })
        .collect();
    for (guess, heading) in guesses.iter_mut().zip(headings) {
        let ColumnRole::Value(Some(PeriodRef::Fixed(period))) = guess.role else {
            continue;
        };
        let h = normalise(heading);
        let says_measured = h.split(' ').any(|w| {
            matches!(
                w,
                "actual" | "actuals" | "outturn" | "result" | "value" | "performance"
            )
        });
        if period.first_day() > written
            && !says_measured
            && !targeted.contains(&PeriodRef::Fixed(period))
        {
            guess.role = ColumnRole::Target(Some(PeriodRef::Fixed(period)));
            guess.confidence = Confidence::Medium;
            guess.why = format!("{period} has not begun: its figures can only be targets");
        }
    }
}

/// A table has one column of each naming role: the surest (then the first)
/// keeps it; a second title is a description, other repeats are left.
fn keep_one_of_each(guesses: &mut [ColumnGuess], headings: &[String]) {
    for i in 0..guesses.len() {
        let role = guesses[i].role;
        if matches!(
            role,
            ColumnRole::Value(_)
                | ColumnRole::Target(_)
                | ColumnRole::Status(_)
                | ColumnRole::Commentary
                | ColumnRole::Ignore
        ) {
            continue;
        }
        let Some(best) = (0..guesses.len())
            .filter(|&j| guesses[j].role == role)
            .max_by_key(|&j| {
                let named = role == ColumnRole::Title && names_the_row(&headings[j]);
                (guesses[j].confidence, named, std::cmp::Reverse(j))
            })
        else {
            continue;
        };
        if best != i {
            let demoted = if role == ColumnRole::Title {
                ColumnRole::Commentary
            } else {
                ColumnRole::Ignore
            };
            let why = format!("{}; another column is the {}", guesses[i].why, role.name());
            guesses[i] = ColumnGuess {
                role: demoted,
                confidence: Confidence::Low,
                why,
            };
        }
    }
}

/// A heading that names what a row is ("Indicator", "KPI name"), not what
/// describes it ("Measure" beside it holds the unit, "Definition" a text).
fn names_the_row(heading: &str) -> bool {
    normalise(heading).split(' ').any(|w| {
        matches!(
            w,
            "indicator" | "indicators" | "kpi" | "pi" | "title" | "name" | "action" | "project"
        )
    })
}

fn guess(heading: &str, p: &Profile) -> ColumnGuess {
    // "Area" alone heads the councils of a comparison table, and a
    // council's own areas of service in its data ("Oxford City Homes",
    // "Benefits, Council Tax"): unless its cells name councils, it is a
    // grouping of the council's own.
    if normalise(heading) == "area" && p.filled > 0 && !p.mostly(p.areas) && !p.mostly(p.area_codes)
    {
        return ColumnGuess {
            role: ColumnRole::Service,
            confidence: Confidence::Medium,
            why: format!(
                "heading 'Area' over names that are not councils' (only {} of {} cells are): \
                 the council's own areas of service",
                p.areas, p.filled
            ),
        };
    }
    let from_heading = heading_role(heading);
    let from_cells = content_role(p);
    let said = |what: &str| format!("heading '{}' {what}", heading.trim());
    let counted = |n: usize, what: &str| format!("{n} of {} cells are {what}", p.filled);
    match (from_heading, from_cells) {
        (Some(h), Some((c, why))) if same_kind(h, c) => ColumnGuess {
            role: h,
            confidence: Confidence::High,
            why: format!("{}; {why}", said("says so")),
        },
        // A figures heading over cells that are not figures (a "Status"
        // column of commentary): the cells win when they are clear.
        (Some(h), Some((c, why)))
            if h.is_figures() && matches!(c, ColumnRole::Value(_) | ColumnRole::Status(_)) =>
        {
            let role = match c {
                ColumnRole::Value(_) => ColumnRole::Value(h.period()),
                _ => ColumnRole::Status(h.period()),
            };
            ColumnGuess {
                role,
                confidence: Confidence::Medium,
                why: format!("{}; but {why}", said("suggests another role")),
            }
        }
        // A heading that only hints at figures ("Comparison with previous
        // year") over cells that are clearly something else.
        (Some(ColumnRole::Value(_)), Some((c, why)))
            if matches!(
                c,
                ColumnRole::Direction | ColumnRole::Status(_) | ColumnRole::Period
            ) =>
        {
            ColumnGuess {
                role: match c {
                    ColumnRole::Status(_) => ColumnRole::Status(period::read(heading)),
                    other => other,
                },
                confidence: Confidence::Medium,
                why: format!("{}; but {why}", said("suggests figures")),
            }
        }
        // "Time period to achieve target" over "Monthly", "Annually": the
        // cells say how often, whatever word the heading carries.
        (Some(h), Some((ColumnRole::Frequency, why))) if h != ColumnRole::Frequency => {
            ColumnGuess {
                role: ColumnRole::Frequency,
                confidence: Confidence::Medium,
                why: format!("{}; but {why}", said("suggests another role")),
            }
        }
        // "Status" over a column of names ("Non-UASC", "UASC", "Total"):
        // the cells name the rows.
        (Some(h), Some((ColumnRole::Title, why))) if h.is_figures() && p.distinct > 1 => {
            ColumnGuess {
                role: ColumnRole::Title,
                confidence: Confidence::Medium,
                why: format!("{}; but {why}", said("suggests another role")),
            }
        }
        (Some(h), _) if p.filled == 0 => ColumnGuess {
            role: h,
            confidence: Confidence::Medium,
            why: format!("{}; the column is empty", said("says so")),
        },
        (Some(h), _) => ColumnGuess {
            role: h,
            confidence: Confidence::Medium,
            why: said("says so"),
        },
        (None, Some((c, why))) => {
            let period = period::read(heading);
            let role = match c {
                ColumnRole::Value(_) => ColumnRole::Value(period),
                ColumnRole::Status(_) => ColumnRole::Status(period),
                other => other,
            };
            ColumnGuess {
                role,
                confidence: if period.is_some() || heading.trim().is_empty() {
                    Confidence::Medium
                } else {
                    Confidence::Low
                },
                why: if period.is_some() {
                    format!("heading '{}' names a period; {why}", heading.trim())
                } else {
                    why
                },
            }
        }
        (None, None) => ColumnGuess {
            role: ColumnRole::Ignore,
            confidence: Confidence::Low,
            why: if p.filled == 0 {
                "empty column".to_string()
            } else {
                counted(p.texts(), "text the importer has no role for")
            },
        },
    }
}

fn same_kind(a: ColumnRole, b: ColumnRole) -> bool {
    std::mem::discriminant(&a) == std::mem::discriminant(&b)
        || (matches!(
            a,
            ColumnRole::Title
                | ColumnRole::Service
                | ColumnRole::Commentary
                | ColumnRole::Lead
                | ColumnRole::Due
        ) && b == ColumnRole::Title)
        || (a == ColumnRole::Code && b == ColumnRole::Code)
        || (matches!(a, ColumnRole::Area) && matches!(b, ColumnRole::Area | ColumnRole::Title))
        || (matches!(a, ColumnRole::Target(_) | ColumnRole::Baseline)
            && matches!(b, ColumnRole::Value(_)))
        || (a == ColumnRole::Commentary && b == ColumnRole::Commentary)
}

/// What the cells alone say, and why.
fn content_role(p: &Profile) -> Option<(ColumnRole, String)> {
    if p.filled == 0 {
        return None;
    }
    let n = p.filled;
    let said = |k: usize, what: &str| format!("{k} of {n} cells are {what}");
    if p.mostly(p.figures) {
        return Some((ColumnRole::Value(None), said(p.figures, "figures")));
    }
    // "Reported to the county: Y": a mark, neither a name nor commentary.
    if p.mostly(p.flags) {
        return Some((ColumnRole::Ignore, said(p.flags, "yes/no marks")));
    }
    if p.mostly(p.rags) {
        return Some((
            ColumnRole::Status(None),
            said(p.rags, "red/amber/green words"),
        ));
    }
    if p.mostly(p.directions) {
        return Some((
            ColumnRole::Direction,
            said(p.directions, "directions of travel"),
        ));
    }
    if p.mostly(p.area_codes) {
        return Some((ColumnRole::AreaCode, said(p.area_codes, "area codes")));
    }
    if p.mostly(p.frequencies) {
        return Some((ColumnRole::Frequency, said(p.frequencies, "how often")));
    }
    if p.mostly(p.periods) {
        return Some((ColumnRole::Period, said(p.periods, "periods")));
    }
    if p.mostly(p.codes) {
        return Some((ColumnRole::Code, said(p.codes, "codes")));
    }
    if p.mostly(p.areas) {
        return Some((ColumnRole::Area, said(p.areas, "council names")));
    }
    if p.mostly(p.posts) {
        return Some((ColumnRole::Lead, said(p.posts, "posts")));
    }
    if p.mostly(p.prose) {
        return Some((ColumnRole::Commentary, said(p.prose, "sentences")));
    }
    if p.distinct == 1 && n >= 3 {
        return Some((ColumnRole::Ignore, format!("the same in all {n} rows")));
    }
    if p.texts() * 10 >= n * 7 {
        return Some((ColumnRole::Title, said(p.texts(), "names")));
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn roles(headings: &[&str], rows: &[&[&str]]) -> Vec<String> {
        let headings: Vec<String> = headings.iter().map(|s| s.to_string()).collect();
        let profiles: Vec<Profile> = (0..headings.len())
            .map(|c| Profile::of(rows.iter().map(|r| r.get(c).copied().unwrap_or(""))))
            .collect();
        infer(&headings, &profiles)
            .into_iter()
            .map(|g| match g.role.period() {
                Some(p) => format!("{}({})", g.role.name(), p.describe()),
                None => g.role.name().to_string(),
            })
            .collect()
    }

    /// One line a layout: headings and a row → the roles chosen.
    #[test]
    fn columns_take_roles_from_headings_and_cells() {
        assert_eq!(
            roles(
                &[
                    "Code",
                    "Description",
                    "Service",
                    "Last quarter",
                    "This quarter",
                    "Target",
                    "Status"
                ],
                &[&[
                    "HS01",
                    "Rent collected",
                    "Housing",
                    "97%",
                    "98%",
                    "98%",
                    "Green"
                ]]
            ),
            [
                "code",
                "title",
                "service",
                "value(previous)",
                "value(current)",
                "target",
                "status"
            ]
        );
        assert_eq!(
            roles(
                &[
                    "Customer Services KPIs",
                    "RAG rating Latest",
                    "RAG rating Previous",
                    "DoT"
                ],
                &[&["% of calls answered", "GREEN", "AMBER", "↑"]]
            ),
            ["title", "status(current)", "status(previous)", "direction"]
        );
        assert_eq!(
            roles(
                &[
                    "Financial year",
                    "Local authority code",
                    "Local authority name",
                    "Measure",
                    "Code",
                    "Value",
                    "MEDIAN"
                ],
                &[&[
                    "2021-22",
                    "E08000035",
                    "Leeds",
                    "Outcome, ASC Carer Quality of Life",
                    "ASC1",
                    "7.4",
                    "7.2"
                ]]
            ),
            [
                "period",
                "area_code",
                "area",
                "title",
                "code",
                "value",
                "ignore"
            ]
        );
        assert_eq!(
            roles(
                &["Service area", "Jan – Mar 24", "Apr – Jun 24"],
                &[&["Highways", "16", "13"], &["Blue Badges", "10", "12"]]
            ),
            ["title", "value(2023/24 Q4)", "value(2024/25 Q1)"]
        );
        assert_eq!(
            roles(&["", "Q1", "Q2"], &[&["Rent collected", "97", "98"]]),
            ["title", "value(Q1)", "value(Q2)"]
        );
        // A column of posts leads, whatever its heading.
        assert_eq!(
            roles(
                &["Measure", "Who", "2024/25"],
                &[
                    &["Rent collected", "Head of Housing", "97%"],
                    &["Voids", "Voids Manager", "3%"]
                ]
            ),
            ["title", "lead", "value(2024/25)"]
        );
    }
}
