//! Recognising header rows by what their columns mean. Every council words
//! its columns differently, so each cell is matched against synonyms for a
//! field role; a row is a header when most of its cells name a role and one
//! of them is a column that identifies records.

use crate::dates;
use goldthread_domain::{FinancialYear, NodeLevel};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    Code,
    Title,
    /// Numbered steps of an action ("Actions" beside "Council Action").
    Steps,
    Measures,
    Indicator,
    /// "Supporting Indicator or Action/s" in indicator tables.
    SupportingAction,
    Due,
    Lead,
    Description,
    /// "What role will the service play?"
    #[allow(clippy::enum_variant_names)]
    ServiceRole,
    OtherServices,
    Partnership,
    ServiceRef,
    PriorityLink,
    Progress,
    /// A red/amber/green judgement beside (or instead of) the commentary.
    Rag,
    /// The day a row's progress was written ("Last updated"): its as-at
    /// date, where the heading gives none.
    Updated,
    /// "% complete": how far the action has got.
    PercentComplete,
    Resources,
    /// A column whose value groups the rows beneath it (Theme, Area for
    /// Improvement, Supporting Objective); merged cells leave it empty.
    Group(NodeLevel),
    /// The spanning "PI target or deadline" heading over year columns.
    Targets,
    Target(FinancialYear),
    /// "Target" with no year: the plan's year for an indicator, the
    /// action's target otherwise.
    TargetNow,
    /// An indicator's "Frequency" ("Monthly", "Quarterly", …).
    Frequency,
    /// "Polarity", "Good performance is": higher or lower.
    Polarity,
    /// "Baseline": the figure targets improve on.
    Baseline,
    /// "2023/24 Outturn", "Actual 2024/25": the year's value.
    Actual(FinancialYear),
    /// "Q2", "Quarter 2 2024/25": the quarter's value, in the year named or
    /// the year the table's targets are for.
    Quarterly(goldthread_domain::Quarter, Option<FinancialYear>),
}

impl Role {
    /// The roles every record looks up, numbered for [`Header`]'s index.
    fn slot(self) -> Option<usize> {
        use Role::*;
        let slot = match self {
            Code => 0,
            Title => 1,
            Steps => 2,
            Measures => 3,
            Indicator => 4,
            SupportingAction => 5,
            Due => 6,
            Lead => 7,
            Description => 8,
            ServiceRole => 9,
            OtherServices => 10,
            Partnership => 11,
            ServiceRef => 12,
            PriorityLink => 13,
            Progress => 14,
            Rag => 15,
            Resources => 16,
            Targets => 17,
            TargetNow => 18,
            Frequency => 19,
            Polarity => 20,
            Baseline => 21,
            Updated => 22,
            PercentComplete => 23,
            Group(_) | Target(_) | Actual(_) | Quarterly(..) => return None,
        };
        Some(slot)
    }
}

const SLOTS: usize = 24;

#[derive(Debug, Clone)]
pub struct Header {
    /// Read-only outside this module once built: [`Header::index`] follows it.
    pub roles: Vec<Option<Role>>,
    /// The header text of each column, for fields no role describes.
    pub labels: Vec<String>,
    /// "Progress up to 30 September 2013", "Q2 update": when the updates
    /// speak for.
    pub as_at: Option<dates::ProgressDate>,
    /// The first column of each role with a slot: records look their
    /// cells up by role many times each.
    index: [Option<u16>; SLOTS],
}

impl Header {
    pub(crate) fn new(
        roles: Vec<Option<Role>>,
        labels: Vec<String>,
        as_at: Option<dates::ProgressDate>,
    ) -> Self {
        let mut header = Header {
            roles,
            labels,
            as_at,
            index: [None; SLOTS],
        };
        header.reindex();
        header
    }

    fn reindex(&mut self) {
        self.index = [None; SLOTS];
        for (i, role) in self.roles.iter().enumerate() {
            if let Some(slot) = role.and_then(Role::slot)
                && self.index[slot].is_none()
            {
                self.index[slot] = u16::try_from(i).ok();
            }
        }
    }

    pub fn col(&self, role: Role) -> Option<usize> {
        match role.slot() {
            Some(slot) => self.index[slot].map(usize::from),
            None => self.roles.iter().position(|r| *r == Some(role)),
        }
    }

    pub fn has(&self, role: Role) -> bool {
        self.col(role).is_some()
    }

    /// Tables of indicators with yearly targets, as opposed to actions:
    /// an "Indicator" column (its codes may have their own column) or
    /// measures with no title or code.
    pub fn is_indicator_table(&self) -> bool {
        !self.has(Role::Title)
            && (self.has(Role::Indicator) || (!self.has(Role::Code) && self.has(Role::Measures)))
    }

    pub fn groups(&self) -> impl Iterator<Item = (usize, NodeLevel)> + '_ {
        self.roles.iter().enumerate().filter_map(|(i, r)| match r {
            Some(Role::Group(level)) => Some((i, *level)),
            _ => None,
        })
    }

    /// Fills columns this header left unnamed from an earlier header of the
    /// same table (a repeated header after a page break may drop the
    /// "Key Action No" heading but the codes are still in that column).
    pub fn inherit(&mut self, earlier: &Header) {
        for (i, role) in self.roles.iter_mut().enumerate() {
            if role.is_none()
                && let Some(Some(old)) = earlier.roles.get(i)
                && self.labels.get(i).is_none_or(|l| l.is_empty())
            {
                *role = Some(*old);
            }
        }
        if self.as_at.is_none() {
            self.as_at = earlier.as_at;
        }
        self.reindex();
    }

    /// Compatible when every column both name means the same.
    pub fn compatible(&self, other: &Header) -> bool {
        self.roles
            .iter()
            .zip(&other.roles)
            .all(|(a, b)| a.is_none() || b.is_none() || a == b)
            && self
                .roles
                .iter()
                .flatten()
                .filter(|r| other.roles.contains(&Some(**r)))
                .count()
                >= 2
    }

    /// Applies a row of financial-year labels under a "targets" heading.
    pub fn apply_years(&mut self, years: &[(usize, FinancialYear)]) {
        for &(col, fy) in years {
            if col >= self.roles.len() {
                self.roles.resize(col + 1, None);
                self.labels.resize(col + 1, String::new());
            }
            self.roles[col] = Some(Role::Target(fy));
        }
        self.reindex();
    }
}

/// Where a programmer's name breaks into words: before a capital after two
/// or more small letters (`actionName` is "action name"; `DoT`, `QoL` and
/// `McDonald` stay one word). ASCII letters only.
#[derive(Default)]
pub(crate) struct CamelBreaks {
    small_letters: u8,
}

impl CamelBreaks {
    /// Whether a word break goes before `c`, the next character.
    pub(crate) fn before(&mut self, c: char) -> bool {
        let breaks = self.small_letters >= 2 && c.is_ascii_uppercase();
        self.small_letters = if c.is_ascii_lowercase() {
            self.small_letters.saturating_add(1)
        } else {
            0
        };
        breaks
    }
}

/// Lower-case words of a heading joined by single spaces. ASCII only is
/// lowered: every synonym is ASCII.
fn normalise(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 1);
    let mut space = true;
    let mut camel = CamelBreaks::default();
    for ch in text.chars() {
        if camel.before(ch) {
            out.push(' ');
        }
        if ch.is_ascii_alphanumeric() {
            out.push(ch.to_ascii_lowercase());
            space = false;
        } else if ch.is_alphanumeric() {
            out.push(ch);
            space = false;
        } else {
            if !space {
                out.push(' ');
                space = true;
            }
        }
    }
    if out.ends_with(' ') {
        out.pop();
    }
    out
}

enum Match {
    Exact,
    Prefix,
    Contains,
}

/// Synonyms, most specific first. A role is taken from the first entry
/// that matches.
const SYNONYMS: &[(&str, Match, Role)] = {
    use Match::*;
    use Role::*;
    &[
        ("service ref", Prefix, ServiceRef),
        ("service plan ref", Prefix, ServiceRef),
        ("action code", Prefix, Code),
        ("key action no", Prefix, Code),
        ("key action number", Prefix, Code),
        ("action no", Prefix, Code),
        ("action number", Prefix, Code),
        ("action ref", Prefix, Code),
        ("ref", Exact, Code),
        ("ref no", Exact, Code),
        ("reference", Exact, Code),
        ("code", Exact, Code),
        ("id", Exact, Code),
        ("action id", Prefix, Code),
        ("no", Exact, Code),
        ("id", Exact, Code),
        ("link to council priority", Prefix, PriorityLink),
        ("shared outcome", Prefix, PriorityLink),
        ("link to corporate priority", Prefix, PriorityLink),
        ("links to priority", Prefix, PriorityLink),
        (
            "corporate priority",
            Exact,
            Group(goldthread_domain::NodeLevel::Priority),
        ),
        (
            "priority",
            Exact,
            Group(goldthread_domain::NodeLevel::Priority),
        ),
        (
            "theme",
            Exact,
            Group(goldthread_domain::NodeLevel::Priority),
        ),
        (
            "outcome",
            Exact,
            Group(goldthread_domain::NodeLevel::Outcome),
        ),
        (
            "area for improvement",
            Prefix,
            Group(goldthread_domain::NodeLevel::Objective),
        ),
        (
            "supporting objective",
            Prefix,
            Group(goldthread_domain::NodeLevel::Objective),
        ),
        (
            "service objective",
            Exact,
            Group(goldthread_domain::NodeLevel::Objective),
        ),
        (
            "objective",
            Exact,
            Group(goldthread_domain::NodeLevel::Objective),
        ),
        ("supporting indicator or action", Prefix, SupportingAction),
        ("supporting action", Prefix, SupportingAction),
        ("key performance indicator", Prefix, Indicator),
        ("performance indicator", Prefix, Indicator),
        ("indicator", Exact, Indicator),
        ("indicators", Exact, Indicator),
        ("objectively verifiable indicator", Prefix, Indicator),
        ("success indicator", Prefix, Indicator),
        ("measure of success", Prefix, Indicator),
        ("pi", Exact, Indicator),
        ("kpi", Exact, Indicator),
        ("pi target", Prefix, Targets),
        ("targets", Exact, Targets),
        ("target", Exact, TargetNow),
        ("annual target", Exact, TargetNow),
        ("frequency", Prefix, Frequency),
        ("collection frequency", Prefix, Frequency),
        ("reporting frequency", Prefix, Frequency),
        ("polarity", Exact, Polarity),
        ("good performance is", Prefix, Polarity),
        ("baseline", Prefix, Baseline),
        ("pi code", Exact, Code),
        ("pi ref", Prefix, Code),
        ("pi no", Prefix, Code),
        ("kpi code", Exact, Code),
        ("kpi ref", Prefix, Code),
        ("indicator code", Exact, Code),
        ("indicator ref", Prefix, Code),
        ("measure", Prefix, Measures),
        ("performance measure", Prefix, Measures),
        ("success measure", Prefix, Measures),
        ("how will we measure", Prefix, Measures),
        ("how we will measure", Prefix, Measures),
        ("measure of success", Prefix, Measures),
        ("measures of success", Prefix, Measures),
        ("success criteria", Prefix, Measures),
        ("key milestone", Prefix, Measures),
        ("milestones", Exact, Measures),
        ("council action", Prefix, Title),
        ("improvement or change objective", Prefix, Title),
        ("improvement objective", Prefix, Title),
        ("key outputs", Exact, Title),
        ("key output", Exact, Title),
        ("action", Exact, Title),
        ("actions", Exact, Title),
        ("action description", Exact, Title),
        ("action name", Exact, Title),
        ("action title", Exact, Title),
        ("project name", Exact, Title),
        ("task", Prefix, Title),
        ("key task", Prefix, Title),
        ("key deliverable", Prefix, Title),
        ("deliverable", Prefix, Title),
        ("key activity", Prefix, Title),
        ("activities", Exact, Title),
        ("planned action", Prefix, Title),
        ("action to be taken", Prefix, Title),
        ("actions to be taken", Prefix, Title),
        ("what will we do", Prefix, Title),
        ("what are we going to do", Prefix, Title),
        ("initiative", Prefix, Title),
        ("commitment", Prefix, Title),
        ("project", Exact, Title),
        ("activity", Exact, Title),
        ("what we will do", Prefix, Title),
        ("what we have committed to", Prefix, Title),
        ("what we are committed to", Prefix, Title),
        ("what we committed to", Prefix, Title),
        ("we will", Exact, Title),
        ("due date", Prefix, Due),
        ("deadline", Prefix, Due),
        ("target date", Prefix, Due),
        ("completion date", Prefix, Due),
        ("completion by", Prefix, Due),
        ("target completion", Prefix, Due),
        ("timescale", Prefix, Due),
        ("by when", Prefix, Due),
        ("end date", Prefix, Due),
        ("date", Exact, Due),
        ("due", Exact, Due),
        ("due by", Prefix, Due),
        ("date due", Prefix, Due),
        ("delivery date", Prefix, Due),
        ("planned completion", Prefix, Due),
        ("expected completion", Prefix, Due),
        ("estimated completion", Prefix, Due),
        ("target end", Prefix, Due),
        ("timeline", Prefix, Due),
        ("timeframe", Prefix, Due),
        ("completion", Exact, Due),
        ("when", Exact, Due),
        ("lead officer", Prefix, Lead),
        ("led by", Prefix, Lead),
        ("responsible officer", Prefix, Lead),
        ("accountable officer", Prefix, Lead),
        ("lead", Exact, Lead),
        ("owner", Exact, Lead),
        ("responsible", Exact, Lead),
        ("officer", Exact, Lead),
        ("lead officers", Exact, Lead),
        ("responsible person", Prefix, Lead),
        ("officer responsible", Prefix, Lead),
        ("action owner", Prefix, Lead),
        ("service lead", Prefix, Lead),
        ("responsibility", Exact, Lead),
        ("who", Exact, Lead),
        ("progress", Prefix, Progress),
        ("status", Prefix, Progress),
        ("update", Prefix, Progress),
        ("comments", Exact, Progress),
        ("notes", Exact, Progress),
        ("latest position", Prefix, Progress),
        ("commentary", Prefix, Progress),
        ("current position", Prefix, Progress),
        ("position at", Prefix, Progress),
        ("position statement", Prefix, Progress),
        ("last updated", Prefix, Updated),
        ("percent complete", Exact, PercentComplete),
        ("percentage complete", Exact, PercentComplete),
        ("per cent complete", Exact, PercentComplete),
        ("complete", Exact, PercentComplete),
        ("date updated", Exact, Updated),
        ("updated", Exact, Updated),
        ("update date", Exact, Updated),
        ("date of update", Exact, Updated),
        ("as at", Exact, Updated),
        ("rag", Prefix, Rag),
        ("red amber green", Prefix, Rag),
        ("traffic light", Prefix, Rag),
        ("description", Prefix, Description),
        ("supporting information", Prefix, Description),
        ("details", Exact, Description),
        ("resources", Prefix, Resources),
        ("budget", Exact, Resources),
        ("cost", Exact, Resources),
        ("what role", Prefix, ServiceRole),
        ("role of the service", Prefix, ServiceRole),
        ("other services", Prefix, OtherServices),
        ("impacts on another service", Contains, OtherServices),
        ("partnership", Contains, Partnership),
        // "Q2 update", "Quarter 2 progress", "September 2024 update".
        ("update", Contains, Progress),
        ("progress", Contains, Progress),
    ]
};

/// The exact and prefix synonyms by their first byte, in list order.
static BY_FIRST_BYTE: std::sync::LazyLock<Vec<Vec<usize>>> = std::sync::LazyLock::new(|| {
    let mut table = vec![Vec::new(); 256];
    for (i, (needle, how, _)) in SYNONYMS.iter().enumerate() {
        if !matches!(how, Match::Contains)
            && let Some(&b) = needle.as_bytes().first()
        {
            table[usize::from(b)].push(i);
        }
    }
    table
});

/// The first words of the exact and prefix synonyms of key roles (and,
/// for a one-word prefix synonym, its plural), by their first byte: a cell
/// whose normalised text opens with any other word cannot name a key
/// column.
static KEY_FIRST_WORDS: std::sync::LazyLock<Vec<Vec<String>>> = std::sync::LazyLock::new(|| {
    let mut words = vec![Vec::new(); 256];
    let mut add = |word: String| {
        let first = usize::from(word.as_bytes().first().copied().unwrap_or(0));
        if !words[first].contains(&word) {
            words[first].push(word);
        }
    };
    for (needle, how, role) in SYNONYMS.iter() {
        if matches!(how, Match::Contains) || !is_key(*role) {
            continue;
        }
        // Normalising makes any other character a word break.
        let end = needle
            .find(|c: char| !c.is_ascii_alphanumeric())
            .unwrap_or(needle.len());
        let word = &needle[..end];
        if end == needle.len() && matches!(how, Match::Prefix) {
            add(format!("{word}s"));
        }
        add(word.to_string());
    }
    words
});

/// Whether [`opening_role`] of `head` can be a key role, from the first
/// word it would normalise `head` to, without normalising: most data cells
/// stop here. A word running into a non-ASCII letter is left to the full
/// check.
fn may_open_key(head: &str) -> bool {
    let bytes = head.as_bytes();
    let Some(start) = bytes
        .iter()
        .position(|b| b.is_ascii_alphanumeric() || *b >= 0x80)
    else {
        return false;
    };
    if bytes[start] >= 0x80 {
        // A wide character first: a letter (or not) of another script.
        return true;
    }
    let bytes = &bytes[start..];
    let len = bytes
        .iter()
        .position(|b| !b.is_ascii_alphanumeric())
        .unwrap_or(bytes.len());
    if bytes.get(len).is_some_and(|&b| b >= 0x80) {
        return true;
    }
    let word = &bytes[..len];
    KEY_FIRST_WORDS[usize::from(word[0].to_ascii_lowercase())]
        .iter()
        .any(|known| known.as_bytes().eq_ignore_ascii_case(word))
}

/// The role a header cell names, if any.
pub fn role_of(cell: &str) -> Option<Role> {
    let text = cell.trim();
    if text.is_empty() || text.len() > 200 {
        return None;
    }
    if let Some(fy) = dates::financial_year_label(text) {
        return Some(Role::Target(fy));
    }
    // "Progress %", "% complete": how far, as a percentage (the sign is
    // all that tells it from a column of progress written in words).
    if text.contains('%')
        && matches!(
            normalise(text).as_str(),
            "progress" | "complete" | "completed" | "completion" | "progress to date"
        )
    {
        return Some(Role::PercentComplete);
    }
    if let Some(role) = period_role(text) {
        return Some(role);
    }
    // Headings name their field in the first words; long ones explain.
    let head = &text[..text.floor_char_boundary(120)];
    let opening = opening_role(head);
    if opening.is_some() {
        return opening;
    }
    // Synonyms found anywhere: a run of letters in the normalised text is
    // the same run in the text, so a case-blind search gates the work.
    let mut lower = [0u8; 128];
    for (l, b) in lower.iter_mut().zip(head.as_bytes()) {
        *l = b.to_ascii_lowercase();
    }
    let lower = std::str::from_utf8(&lower[..head.len()]).unwrap_or("");
    let anywhere = || {
        SYNONYMS
            .iter()
            .filter(|(_, how, _)| matches!(how, Match::Contains))
            .filter(|(needle, _, _)| {
                let word = needle.split(' ').next().unwrap_or(needle);
                lower.contains(word)
            })
    };
    anywhere().next()?;
    let norm = normalise(head);
    anywhere().find_map(|(needle, _, role)| norm.contains(needle).then_some(*role))
}

/// Columns of an indicator table named by a period: "Q2", "Quarter 1
/// 2024/25", "2024/25 Target", "Outturn 2023/24".
fn period_role(text: &str) -> Option<Role> {
    // Every such heading has a digit: a quarter's or a year's.
    if text.len() > 40 || !text.bytes().any(|b| b.is_ascii_digit()) {
        return None;
    }
    let norm = normalise(text);
    let year = dates::financial_year_in(text);
    let words: Vec<&str> = norm.split(' ').collect();
    let has = |w: &str| words.contains(&w);
    // A quarter's value: the heading is the quarter, a year and at most a
    // word for "value" ("Q2 update" is progress, "Q4 target" a target).
    const VALUE_WORDS: &[&str] = &[
        "actual",
        "outturn",
        "result",
        "value",
        "performance",
        "figure",
    ];
    if let Some(q) = dates::quarter_in(&norm)
        && words.iter().all(|w| {
            w.bytes().all(|b| b.is_ascii_digit())
                || matches!(*w, "q1" | "q2" | "q3" | "q4" | "quarter" | "qtr")
                || VALUE_WORDS.contains(w)
        })
    {
        return Some(Role::Quarterly(q, year));
    }
    let year = year?;
    if has("target") || has("targets") {
        return Some(Role::Target(year));
    }
    if VALUE_WORDS.iter().any(|w| has(w)) || has("actuals") {
        return Some(Role::Actual(year));
    }
    None
}

/// The role named by an exact or prefix synonym (every synonym but those
/// found anywhere).
fn opening_role(head: &str) -> Option<Role> {
    let mut buf = [0u8; SHORT + 8];
    let (len, cut) = normalise_upto(head, &mut buf);
    let short = std::str::from_utf8(&buf[..len]).unwrap_or("");
    let first = short.as_bytes().first().copied().unwrap_or(0);
    BY_FIRST_BYTE[usize::from(first)].iter().find_map(|&i| {
        let (needle, how, role) = &SYNONYMS[i];
        let hit = match how {
            Match::Exact => !cut && short == *needle,
            Match::Prefix => short.strip_prefix(needle).is_some_and(|rest| {
                rest.is_empty() || rest.starts_with(' ') || rest == "s" || rest.starts_with("s ")
            }),
            Match::Contains => false,
        };
        hit.then_some(*role)
    })
}

/// The roles that identify records: a header names at least one.
pub(crate) fn is_key(role: Role) -> bool {
    matches!(
        role,
        Role::Title
            | Role::Code
            | Role::Indicator
            | Role::Measures
            | Role::Steps
            | Role::SupportingAction
    )
}

/// Exact and prefix synonyms need only the opening words: with more than
/// SHORT bytes normalised, no exact synonym (31 bytes at most) can match
/// and a prefix synonym sees at least two bytes past its end.
const SHORT: usize = 40;

/// [`normalise`] into `buf`, stopped once SHORT bytes are written and more
/// would follow: the length written and whether it stopped.
fn normalise_upto(text: &str, buf: &mut [u8; SHORT + 8]) -> (usize, bool) {
    let bytes = text.as_bytes();
    let mut len = 0;
    let mut space = true;
    let mut camel = CamelBreaks::default();
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        // `actionName` reads as "action name", as in [`normalise`] (a wide
        // character's first byte is no ASCII letter, as the character is not).
        if camel.before(char::from(b)) && len < SHORT {
            buf[len] = b' ';
            len += 1;
        }
        let wide = if b < 0x80 {
            i += 1;
            None
        } else {
            let ch = text[i..].chars().next().unwrap_or(' ');
            i += ch.len_utf8();
            Some(ch)
        };
        let alnum = match wide {
            None => b.is_ascii_alphanumeric(),
            Some(ch) => ch.is_alphanumeric(),
        };
        if !alnum && space {
            continue;
        }
        if len >= SHORT {
            if alnum {
                return (len, true);
            }
            // Only a following letter or digit proves more text follows.
            space = true;
            continue;
        }
        match (alnum, wide) {
            (true, None) => {
                buf[len] = b.to_ascii_lowercase();
                len += 1;
                space = false;
            }
            (true, Some(ch)) => {
                len += ch.encode_utf8(&mut buf[len..]).len();
                space = false;
            }
            (false, _) => {
                buf[len] = b' ';
                len += 1;
                space = true;
            }
        }
    }
    if len > 0 && buf[len - 1] == b' ' {
        len -= 1;
    }
    (len, false)
}

/// Reads a row as a header, or None when it is data.
pub fn recognise<S: AsRef<str>>(cells: &[S]) -> Option<Header> {
    // Data rows are the common case. A header names a key column, and key
    // roles come only from exact and prefix synonyms (not year labels or
    // words found anywhere), so a row with none of them is data.
    let has_key = cells.iter().any(|cell| {
        let text = cell.as_ref().trim();
        let head = &text[..text.floor_char_boundary(120)];
        !text.is_empty()
            && text.len() <= 200
            && may_open_key(head)
            && opening_role(head).is_some_and(is_key)
    });
    if !has_key {
        return None;
    }
    let non_empty = cells
        .iter()
        .filter(|c| !c.as_ref().trim().is_empty())
        .count();
    // Data rows are the common case: stop as soon as too many cells name
    // no role for the row to be a header.
    let allowed_misses = non_empty - (non_empty * 6).div_ceil(10);
    let mut misses = 0;
    let mut roles: Vec<Option<Role>> = Vec::with_capacity(cells.len());
    for cell in cells {
        let cell = cell.as_ref();
        let role = role_of(cell);
        if role.is_none() && !cell.trim().is_empty() {
            misses += 1;
            if misses > allowed_misses {
                return None;
            }
        }
        roles.push(role);
    }
    let named = roles.iter().flatten().count();
    let key = roles.iter().flatten().any(|r| is_key(*r));
    if named < 2 || named * 10 < non_empty * 6 || !key {
        return None;
    }
    // "Status" beside a commentary column holds the red/amber/green
    // judgement, not the words.
    let progress: Vec<usize> = (0..roles.len())
        .filter(|&i| roles[i] == Some(Role::Progress))
        .collect();
    if progress.len() > 1
        && !roles.contains(&Some(Role::Rag))
        && let Some(&status) = progress
            .iter()
            .find(|&&i| normalise(cells[i].as_ref()).ends_with("status"))
    {
        roles[status] = Some(Role::Rag);
    }
    // Two columns claiming one role: the first keeps it, except that a
    // plain "Actions" beside a more specific title column holds the steps.
    for i in 0..roles.len() {
        let Some(role) = roles[i] else { continue };
        let Some(j) = (i + 1..roles.len()).find(|&j| roles[j] == Some(role)) else {
            continue;
        };
        let other = if role == Role::Title && normalise(cells[i].as_ref()).starts_with("action") {
            i
        } else {
            j
        };
        roles[other] = if role == Role::Title {
            Some(Role::Steps)
        } else {
            None
        };
    }
    let as_at = roles
        .iter()
        .zip(cells)
        .find(|(r, _)| **r == Some(Role::Progress))
        .and_then(|(_, text)| dates::progress_date(text.as_ref()));
    let labels = cells
        .iter()
        .map(|c| crate::cells::collapse(c.as_ref()))
        .collect();
    Some(Header::new(roles, labels, as_at))
}

/// A row of financial-year labels beneath a header ("2009/10 2010/11 …").
pub fn year_row<S: AsRef<str>>(cells: &[S]) -> Option<Vec<(usize, FinancialYear)>> {
    let mut years = Vec::new();
    let mut last: Option<FinancialYear> = None;
    for (i, cell) in cells.iter().enumerate() {
        let t = cell.as_ref().trim();
        if t.is_empty() {
            continue;
        }
        let fy = dates::financial_year_label(t).or_else(|| {
            // "11/11" after "10/11" is a typing slip for the next year.
            let looks_like_year = t.len() <= 9 && t.chars().all(|c| c.is_ascii_digit() || c == '/');
            looks_like_year
                .then(|| last.map(FinancialYear::next))
                .flatten()
        })?;
        last = Some(fy);
        years.push((i, fy));
    }
    (!years.is_empty()).then_some(years)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;

    #[test]
    fn the_column_index_agrees_with_the_roles_after_every_change() {
        let linear = |h: &Header, role: Role| h.roles.iter().position(|r| *r == Some(role));
        let roles = [
            Role::Code,
            Role::Title,
            Role::Steps,
            Role::Measures,
            Role::Indicator,
            Role::SupportingAction,
            Role::Due,
            Role::Lead,
            Role::Description,
            Role::ServiceRole,
            Role::OtherServices,
            Role::Partnership,
            Role::ServiceRef,
            Role::PriorityLink,
            Role::Progress,
            Role::Rag,
            Role::Resources,
            Role::Targets,
            Role::TargetNow,
            Role::Frequency,
            Role::Polarity,
            Role::Baseline,
        ];
        let check = |h: &Header| {
            for role in roles {
                assert_eq!(h.col(role), linear(h, role), "{role:?}");
            }
        };
        let first = recognise(&[
            "Ref",
            "Action",
            "Lead Officer",
            "Status",
            "Comments",
            "Target",
        ]);
        let mut second = recognise(&["", "Action", "Lead Officer", "RAG", "Progress"]);
        let (Some(first), Some(second)) = (first.as_ref(), second.as_mut()) else {
            panic!("both are headers");
        };
        check(first);
        second.inherit(first);
        check(second);
        assert_eq!(second.col(Role::Code), Some(0));
        let fy = FinancialYear::starting(2024).unwrap();
        second.apply_years(&[(7, fy)]);
        check(second);
    }

    #[test]
    fn key_gate_lets_every_key_synonym_through() {
        for (needle, how, role) in SYNONYMS {
            if matches!(how, Match::Contains) || !is_key(*role) {
                continue;
            }
            assert!(may_open_key(needle), "{needle:?}");
            // Whatever the full check reads as a key column, the gate lets by.
            for cell in [
                needle.to_uppercase(),
                format!("{needle}s: x"),
                format!("({needle} of x)"),
            ] {
                if opening_role(&cell).is_some_and(is_key) {
                    assert!(may_open_key(&cell), "{cell:?}");
                }
            }
        }
        assert!(!may_open_key("Deliver the new library by March"));
    }

    fn header(line: &str) -> Option<Header> {
        recognise(&line.split('\t').map(str::to_string).collect::<Vec<_>>())
    }

    #[test]
    fn headers_are_recognised_by_meaning() {
        let h = header("Key Action No:\tAction\tMeasure/Key milestone/KPI\tDeadline\tLead Officer\tService Ref").unwrap();
        assert_eq!(
            h.roles,
            vec![
                Some(Role::Code),
                Some(Role::Title),
                Some(Role::Measures),
                Some(Role::Due),
                Some(Role::Lead),
                Some(Role::ServiceRef)
            ]
        );
        let h = header("Council Action\tActions\tSupporting Information\tCompletion by Month\tResponsible Officer").unwrap();
        assert_eq!(h.roles[1], Some(Role::Steps));
        let h = header("Theme\tArea for Improvement\tAction\tLink to Council Priority\tCompletion Date\tLead Officer(s)\tProgress up to 30 September 2013").unwrap();
        assert_eq!(
            h.as_at.and_then(|d| d.day(None)),
            NaiveDate::from_ymd_opt(2013, 9, 30)
        );
        assert!(header("KA.1\tSet up a shared service Home Improvement Agency (HIA)\tCommence\tApril 2017\tHead of Housing\tHH2.1").is_none());
        let h = header("Supporting Objective\tPerformance Indicator or SMART Milestone\tPI target or deadline (month) for action\t\t\tLead Officer").unwrap();
        assert!(h.is_indicator_table());
    }
}
