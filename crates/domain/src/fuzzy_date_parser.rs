//! The grammar behind [`FuzzyDate::parse`](crate::FuzzyDate::parse).
//!
//! A small hand-written reader, no regular expressions. The text is split
//! into words, numbers and punctuation (any Unicode space separates, any
//! dash is a dash, case never matters), then read left to right into:
//!
//! - date *atoms*: `7 March 2017`, `31/03/2018`, `March 2018`, `Summer 2017`,
//!   `Q1 2017/18`, `2017/18`, `2018`, each with an optional *part*
//!   (`Early`, `Mid`, `Late`, `End`, `Start`/`Beginning of`);
//! - *links* between atoms: `-`, `/`, `&`, `to`, `until`, `through`, `and`, `or`;
//! - *keywords*: `Ongoing`, `thereafter`, `Quarterly`, `each year`, `TBC` …
//!
//! Anything else is noise and is skipped, so trailing comments do no harm.
//!
//! Choices made:
//!
//! - Seasons are meteorological: Spring = March–May, Summer = June–August,
//!   Autumn = September–November, Winter = December–February. `Winter 2017`
//!   is the winter that begins in December 2017 (to the end of February 2018).
//! - A season named with a financial year (`Winter 2017/18`) or taking its
//!   year from [`DateContext::financial_year`] is the season that *begins*
//!   within that financial year: in 2017/18 that is Summer, Autumn and Winter
//!   2017 and Spring 2018. A month (or day) without a year is the one inside
//!   the financial year: `January` in 2017/18 is January 2018.
//! - `End March 2018` is the last day, 31 March 2018; `Start of`/`Beginning
//!   of` is the first day. `Early`/`Mid`/`Late` take the first, middle or last
//!   third: of the days of a single month (1–10, 11–20, 21–end), otherwise of
//!   its months (`Early Autumn` = September, `Late 2018` = September–December).
//! - A range (`Jul - Dec 2017`, `Winter to early Spring 2018`) runs from the
//!   start of its first phrase to the end of its last. A year written once
//!   applies to both ends, moved a year back (or forward) where needed to keep
//!   the range in order: `Winter to early Spring 2018` starts December 2017.
//!   Several dates without links (`April 2013 July 2013`) give the span from
//!   the earliest to the latest day.
//! - `2017-2018` and `2017 – 2018` are calendar years; `2016/17`, `2016/2017`
//!   and `2016-17` are financial years; `2018-03` is March 2018. `Q1 2017`
//!   is read as Q1 of 2017/18 (quarters are always financial). Two-digit years
//!   are 20xx (`31.03.18`, `Mar-18`). Numeric dates are day first (UK).
//! - Readings: `Ongoing` when the text says so (`Ongoing`, `on-going`,
//!   `continuous`), or when dates come with a recurrence (`Monthly 2017/18`,
//!   `April 2017 Ongoing monthly meetings thereafter`) or are open-ended
//!   (`April 2017 onwards`). An open-ended Ongoing (`thereafter`, `onwards`,
//!   or `Ongoing from April 2017` with no end) has no latest day. A recurrence
//!   without dates is `Recurring`; dates alone are a `Span`. `TBC` counts only
//!   when nothing else was read: `March 2018 (TBC)` is a Span.
//!   A date said to be when work starts (`April 2013 start`, `from May
//!   2018`, `commencing June 2019`) with no end is Ongoing with no latest
//!   day: a start is not a deadline.
//! - With a recurrence, a month without a year says when it recurs, not a
//!   date: `Annually (May each year)` is `Annually { month: Some(5) }` with no
//!   dates. The first recurrence named wins: `December each year but updated
//!   monthly` is `Annually { month: Some(12) }`.
//! - A lone lower-case `may` (no day, no year) is not a month, so
//!   "may be delayed" is not read as a date; `May` is.
//! - Malformed numbers (`2017/10`, `31/02/2018`) are noise, never guessed at.

use crate::financial_year::{FinancialYear, Period, Quarter, add_months, last_of_month, ymd};
use crate::fuzzy_date::{DateContext, DateReading, FuzzyDate, Recurrence};
use chrono::{Datelike, Days, NaiveDate};

pub(crate) fn parse(text: &str, context: DateContext) -> FuzzyDate {
    let tokens = tokenize(text);
    let phrase = Reader { toks: &tokens }.read();
    phrase.resolve(text, context)
}

// ---------------------------------------------------------------------------
// Tokens
// ---------------------------------------------------------------------------

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Tok<'a> {
    /// A run of letters, as written (compare with `eq_ignore_ascii_case`).
    Word(&'a str),
    /// A run of ASCII digits; the value saturates, `digits` counts them all.
    Num {
        value: u32,
        digits: usize,
    },
    Dash,
    Slash,
    Dot,
    Comma,
    Apostrophe,
    Ampersand,
    Other,
}

#[derive(Debug, Clone, Copy)]
struct Token<'a> {
    tok: Tok<'a>,
    /// Whether white space comes before the token.
    spaced: bool,
}

fn tokenize(text: &str) -> Vec<Token<'_>> {
    let mut tokens = Vec::with_capacity(8);
    let mut spaced = false;
    let mut chars = text.char_indices().peekable();
    while let Some((start, c)) = chars.next() {
        let tok = if c.is_whitespace() || matches!(c, '\u{200b}' | '\u{feff}') {
            spaced = true;
            continue;
        } else if let Some(first) = c.to_digit(10) {
            let (mut value, mut digits) = (first, 1);
            while let Some(d) = chars.peek().and_then(|&(_, d)| d.to_digit(10)) {
                value = value.saturating_mul(10).saturating_add(d);
                digits += 1;
                chars.next();
            }
            Tok::Num { value, digits }
        } else if c.is_alphabetic() {
            let mut end = start + c.len_utf8();
            while let Some(&(i, d)) = chars.peek()
                && d.is_alphabetic()
            {
                end = i + d.len_utf8();
                chars.next();
            }
            Tok::Word(text.get(start..end).unwrap_or_default())
        } else {
            match c {
                '-'
                | '\u{2010}'..='\u{2015}'
                | '\u{2212}'
                | '\u{fe58}'
                | '\u{fe63}'
                | '\u{ff0d}' => Tok::Dash,
                '/' | '\u{2044}' | '\u{2215}' => Tok::Slash,
                '.' => Tok::Dot,
                ',' => Tok::Comma,
                '\'' | '\u{2018}' | '\u{2019}' => Tok::Apostrophe,
                '&' | '+' => Tok::Ampersand,
                _ => Tok::Other,
            }
        };
        tokens.push(Token { tok, spaced });
        spaced = false;
    }
    tokens
}

// ---------------------------------------------------------------------------
// Vocabulary
// ---------------------------------------------------------------------------

const ORDINALS: &[&str] = &["st", "nd", "rd", "th"];

const MONTHS: [&[&str]; 12] = [
    &["jan", "january"],
    &["feb", "february", "febuary"],
    &["mar", "march"],
    &["apr", "april"],
    &["may"],
    &["jun", "june"],
    &["jul", "july"],
    &["aug", "august"],
    &["sep", "sept", "september"],
    &["oct", "october"],
    &["nov", "november"],
    &["dec", "december"],
];

const PARTS: &[(&str, Part)] = &[
    ("early", Part::Early),
    ("mid", Part::Mid),
    ("middle", Part::Mid),
    ("late", Part::Late),
    ("end", Part::End),
    ("start", Part::Start),
    ("beginning", Part::Start),
];

/// Words linking two date phrases into a range.
const LINK_WORDS: &[&str] = &["to", "until", "till", "til", "through", "thru", "and", "or"];

const TO_BE_CONFIRMED: &[&[&str]] = &[&["tbc"], &["tba"], &["tbi"], &["tbd"], &["tbcs"]];
/// The last word of `to be …`.
const CONFIRMED: &[&str] = &[
    "confirmed",
    "agreed",
    "arranged",
    "advised",
    "announced",
    "determined",
    "decided",
    "identified",
    "scheduled",
    "set",
    "finalised",
    "finalized",
];

const ONGOING: &[&[&str]] = &[
    &["ongoing"],
    &["on", "going"],
    &["continuous"],
    &["continuing"],
    &["continual"],
];
/// Words saying the work carries on past its date.
const OPEN_ENDED: &[&str] = &["thereafter", "onwards", "onward", "beyond"];
/// Words saying the date is when the work starts.
const STARTS: &[&str] = &[
    "from",
    "since",
    "starting",
    "start",
    "started",
    "commencing",
    "commence",
    "commenced",
    "begin",
    "beginning",
];

const ANNUALLY: Recurrence = Recurrence::Annually { month: None };

/// Recurrence phrases; a dash may stand between their words (`half-yearly`).
const RECURRENCES: &[(&[&str], Recurrence)] = &[
    (&["weekly"], Recurrence::Weekly),
    (&["each", "week"], Recurrence::Weekly),
    (&["every", "week"], Recurrence::Weekly),
    (&["per", "week"], Recurrence::Weekly),
    (&["once", "a", "week"], Recurrence::Weekly),
    (&["monthly"], Recurrence::Monthly),
    (&["each", "month"], Recurrence::Monthly),
    (&["every", "month"], Recurrence::Monthly),
    (&["per", "month"], Recurrence::Monthly),
    (&["once", "a", "month"], Recurrence::Monthly),
    (&["quarterly"], Recurrence::Quarterly),
    (&["each", "quarter"], Recurrence::Quarterly),
    (&["every", "quarter"], Recurrence::Quarterly),
    (&["per", "quarter"], Recurrence::Quarterly),
    (&["once", "a", "quarter"], Recurrence::Quarterly),
    (&["half", "yearly"], Recurrence::HalfYearly),
    (&["halfyearly"], Recurrence::HalfYearly),
    (&["bi", "annually"], Recurrence::HalfYearly),
    (&["bi", "annual"], Recurrence::HalfYearly),
    (&["biannually"], Recurrence::HalfYearly),
    (&["biannual"], Recurrence::HalfYearly),
    (&["semi", "annually"], Recurrence::HalfYearly),
    (&["semi", "annual"], Recurrence::HalfYearly),
    (&["twice", "yearly"], Recurrence::HalfYearly),
    (&["twice", "annually"], Recurrence::HalfYearly),
    (&["twice", "a", "year"], Recurrence::HalfYearly),
    (&["twice", "per", "year"], Recurrence::HalfYearly),
    (&["annually"], ANNUALLY),
    (&["annual"], ANNUALLY),
    (&["yearly"], ANNUALLY),
    (&["each", "year"], ANNUALLY),
    (&["every", "year"], ANNUALLY),
    (&["per", "year"], ANNUALLY),
    (&["per", "annum"], ANNUALLY),
    (&["once", "a", "year"], ANNUALLY),
    (&["ad", "hoc"], Recurrence::AdHoc),
    (&["adhoc"], Recurrence::AdHoc),
    (&["as", "required"], Recurrence::AdHoc),
    (&["as", "needed"], Recurrence::AdHoc),
    (&["as", "necessary"], Recurrence::AdHoc),
    (&["as", "and", "when"], Recurrence::AdHoc),
    (&["when", "required"], Recurrence::AdHoc),
    (&["when", "needed"], Recurrence::AdHoc),
];

/// Frequencies [`Recurrence`] has no variant for. They are read as noise
/// rather than mistaken for the nearest one (`bi-monthly` is not monthly).
const OTHER_FREQUENCIES: &[&[&str]] = &[
    &["bi", "monthly"],
    &["bimonthly"],
    &["bi", "weekly"],
    &["biweekly"],
    &["twice", "monthly"],
    &["twice", "a", "month"],
    &["twice", "weekly"],
    &["twice", "a", "week"],
    &["fortnightly"],
    &["daily"],
];

/// Counts in `six monthly`, `every 3 months`.
const COUNTS: &[(&str, u32)] = &[
    ("one", 1),
    ("two", 2),
    ("three", 3),
    ("four", 4),
    ("six", 6),
    ("twelve", 12),
];

fn month_named(word: &str) -> Option<u32> {
    if word.len() > 9 {
        return None;
    }
    let index = MONTHS
        .iter()
        .position(|names| names.iter().any(|n| n.eq_ignore_ascii_case(word)))?;
    u32::try_from(index).ok().map(|i| i + 1)
}

fn season_named(word: &str) -> Option<Season> {
    [
        ("spring", Season::Spring),
        ("summer", Season::Summer),
        ("autumn", Season::Autumn),
        ("winter", Season::Winter),
    ]
    .into_iter()
    .find(|(name, _)| name.eq_ignore_ascii_case(word))
    .map(|(_, season)| season)
}

// ---------------------------------------------------------------------------
// Atoms: the date phrases inside the text
// ---------------------------------------------------------------------------

/// The year an atom is in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum YearSpec {
    Calendar(i32),
    Fiscal(FinancialYear),
}

impl YearSpec {
    fn earlier(self) -> Self {
        match self {
            YearSpec::Calendar(y) => YearSpec::Calendar(y - 1),
            YearSpec::Fiscal(fy) => YearSpec::Fiscal(fy.previous()),
        }
    }

    fn later(self) -> Self {
        match self {
            YearSpec::Calendar(y) => YearSpec::Calendar(y + 1),
            YearSpec::Fiscal(fy) => YearSpec::Fiscal(fy.next()),
        }
    }

    /// The calendar year `month` falls in.
    fn year_of_month(self, month: u32) -> i32 {
        match self {
            YearSpec::Calendar(y) => y,
            YearSpec::Fiscal(fy) if month >= 4 => fy.start_year(),
            YearSpec::Fiscal(fy) => fy.start_year() + 1,
        }
    }

    /// The financial year, a calendar year naming the one it starts in.
    fn fiscal(self) -> Option<FinancialYear> {
        match self {
            YearSpec::Calendar(y) => FinancialYear::starting(y),
            YearSpec::Fiscal(fy) => Some(fy),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Season {
    Spring,
    Summer,
    Autumn,
    Winter,
}

impl Season {
    fn first_month(self) -> u32 {
        match self {
            Season::Spring => 3,
            Season::Summer => 6,
            Season::Autumn => 9,
            Season::Winter => 12,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Part {
    Start,
    Early,
    Mid,
    Late,
    End,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum What {
    Day {
        day: u32,
        month: u32,
    },
    /// The `7` of `7-9 March`: a day that needs the month after it.
    BareDay(u32),
    Month(u32),
    Season(Season),
    Quarter(Quarter),
    Half(u8),
    /// A whole year: calendar, or financial.
    Year,
    /// Written like a date but not one (`29 February 2017`): no days.
    Nothing,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Atom {
    what: What,
    year: Option<YearSpec>,
    part: Option<Part>,
}

impl Atom {
    fn new(what: What, year: Option<YearSpec>) -> Atom {
        Atom {
            what,
            year,
            part: None,
        }
    }

    /// The first and last day the atom means, once it has a year.
    fn span(&self) -> Option<(NaiveDate, NaiveDate)> {
        let year = self.year?;
        let (first, last) = match self.what {
            What::Day { day, month } => {
                let date = NaiveDate::from_ymd_opt(year.year_of_month(month), month, day)?;
                (date, date)
            }
            What::BareDay(_) | What::Nothing => return None,
            What::Month(month) => {
                let y = year.year_of_month(month);
                (ymd(y, month, 1), last_of_month(y, month))
            }
            What::Season(season) => {
                let month = season.first_month();
                let first = ymd(year.year_of_month(month), month, 1);
                (first, add_months(first, 3).pred_opt()?)
            }
            What::Quarter(q) => {
                let period = Period::Quarter(year.fiscal()?, q);
                (period.first_day(), period.last_day())
            }
            What::Half(h) => {
                let period = Period::Half(year.fiscal()?, h);
                (period.first_day(), period.last_day())
            }
            What::Year => match year {
                YearSpec::Calendar(y) => (ymd(y, 1, 1), ymd(y, 12, 31)),
                YearSpec::Fiscal(fy) => (fy.first_day(), fy.last_day()),
            },
        };
        Some(match self.part {
            None => (first, last),
            Some(part) => narrow(first, last, part),
        })
    }
}

/// The part of `first..=last` that `Early`, `End` … mean.
fn narrow(first: NaiveDate, last: NaiveDate, part: Part) -> (NaiveDate, NaiveDate) {
    let third = match part {
        Part::Start => return (first, first),
        Part::End => return (last, last),
        Part::Early => 0,
        Part::Mid => 1,
        Part::Late => 2,
    };
    let whole_months = (first.day() == 1 && last == last_of_month(last.year(), last.month()))
        .then(|| (last.year() - first.year()) * 12 + last.month() as i32 - first.month() as i32 + 1)
        .and_then(|n| u32::try_from(n).ok());
    let narrowed = match whole_months {
        // A month: days 1–10, 11–20, 21 to the end.
        Some(1) => {
            let start = first.with_day(1 + 10 * third);
            let end = if third == 2 {
                Some(last)
            } else {
                first.with_day(10 * (third + 1))
            };
            start.zip(end)
        }
        // A season, quarter or year: a third of its months.
        Some(n) if n % 3 == 0 => {
            let size = n / 3;
            let start = add_months(first, size * third);
            let end = add_months(first, size * (third + 1)).pred_opt();
            end.map(|end| (start, end))
        }
        // Anything else: a third of its days.
        _ => {
            let size = u64::try_from((last - first).num_days() + 1).unwrap_or(0) / 3;
            let start = first.checked_add_days(Days::new(size * u64::from(third)));
            let end = if third == 2 {
                Some(last)
            } else {
                first
                    .checked_add_days(Days::new(size * u64::from(third + 1)))
                    .and_then(|d| d.pred_opt())
            };
            start.zip(end).filter(|_| size > 0)
        }
    };
    narrowed
        .filter(|(start, end)| first <= *start && start <= end && *end <= last)
        .unwrap_or((first, last))
}

// ---------------------------------------------------------------------------
// Reading the tokens
// ---------------------------------------------------------------------------

#[derive(Debug, Clone, Copy)]
enum Item {
    Atom(Atom),
    /// A word or mark that links the atoms either side into a range.
    Link,
    /// Anything else: it separates what comes before from what comes after.
    Break,
}

/// What the reader found, before dates are worked out.
#[derive(Debug, Default)]
struct Phrase {
    items: Vec<Item>,
    recurrence: Option<Recurrence>,
    ongoing: bool,
    open_ended: bool,
    starts: bool,
    to_be_confirmed: bool,
}

struct Reader<'t, 'a> {
    toks: &'t [Token<'a>],
}

impl<'a> Reader<'_, 'a> {
    fn read(&self) -> Phrase {
        let mut phrase = Phrase::default();
        let mut i = 0;
        while i < self.toks.len() {
            let (item, next) = self.item_at(i, &mut phrase);
            if let Some(item) = item {
                phrase.items.push(item);
            }
            i = next.max(i + 1);
        }
        phrase
    }

    /// Reads what starts at token `i`, noting keywords in `phrase`.
    fn item_at(&self, i: usize, phrase: &mut Phrase) -> (Option<Item>, usize) {
        if let Some(next) = self.to_be_confirmed_at(i) {
            phrase.to_be_confirmed = true;
            return (Some(Item::Break), next);
        }
        if let Some((recurrence, next)) = self.recurrence_at(i) {
            phrase.recurrence = phrase.recurrence.or(recurrence);
            return (Some(Item::Break), next);
        }
        if let Some(next) = self.phrases(i, ONGOING) {
            phrase.ongoing = true;
            return (Some(Item::Break), next);
        }
        if self.is_any(i, OPEN_ENDED) {
            phrase.open_ended = true;
            return (Some(Item::Break), i + 1);
        }
        if let Some((atom, next)) = self.atom_at(i) {
            return (Some(Item::Atom(atom)), next);
        }
        if let Some(next) = self.malformed_at(i) {
            return (Some(Item::Break), next);
        }
        if self.is_link(i) {
            return (Some(Item::Link), i + 1);
        }
        if self.is(i, "the") {
            return (None, i + 1);
        }
        if self.is_any(i, STARTS) {
            phrase.starts = true;
        }
        (Some(Item::Break), i + 1)
    }

    // -- token helpers ------------------------------------------------------

    fn tok(&self, i: usize) -> Option<Tok<'a>> {
        self.toks.get(i).map(|t| t.tok)
    }

    /// Whether token `i` exists and follows the one before without a space.
    fn glued(&self, i: usize) -> bool {
        self.toks.get(i).is_some_and(|t| !t.spaced)
    }

    fn word(&self, i: usize) -> Option<&'a str> {
        match self.tok(i) {
            Some(Tok::Word(w)) => Some(w),
            _ => None,
        }
    }

    fn num(&self, i: usize) -> Option<(u32, usize)> {
        match self.tok(i) {
            Some(Tok::Num { value, digits }) => Some((value, digits)),
            _ => None,
        }
    }

    fn is(&self, i: usize, word: &str) -> bool {
        self.word(i).is_some_and(|w| w.eq_ignore_ascii_case(word))
    }

    fn is_any(&self, i: usize, words: &[&str]) -> bool {
        self.word(i)
            .is_some_and(|w| words.iter().any(|x| x.eq_ignore_ascii_case(w)))
    }

    /// Matches `words` from token `i`, allowing a dash between them;
    /// returns the token after.
    fn phrase(&self, i: usize, words: &[&str]) -> Option<usize> {
        let mut j = i;
        for (n, word) in words.iter().enumerate() {
            if n > 0 && self.tok(j) == Some(Tok::Dash) {
                j += 1;
            }
            if !self.is(j, word) {
                return None;
            }
            j += 1;
        }
        Some(j)
    }

    fn phrases(&self, i: usize, table: &[&[&str]]) -> Option<usize> {
        table.iter().find_map(|words| self.phrase(i, words))
    }

    fn is_link(&self, i: usize) -> bool {
        matches!(self.tok(i), Some(Tok::Dash | Tok::Slash | Tok::Ampersand))
            || self.is_any(i, LINK_WORDS)
    }

    // -- keywords -----------------------------------------------------------

    fn to_be_confirmed_at(&self, i: usize) -> Option<usize> {
        if let Some(next) = self.phrases(i, TO_BE_CONFIRMED) {
            return Some(next);
        }
        (self.is(i, "to") && self.is(i + 1, "be") && self.is_any(i + 2, CONFIRMED)).then_some(i + 3)
    }

    /// A recurrence phrase; `None` inside for frequencies with no variant.
    fn recurrence_at(&self, i: usize) -> Option<(Option<Recurrence>, usize)> {
        if let Some(next) = self.phrases(i, OTHER_FREQUENCIES) {
            return Some((None, next));
        }
        if let Some((recurrence, next)) = RECURRENCES
            .iter()
            .find_map(|(words, recurrence)| self.phrase(i, words).map(|next| (*recurrence, next)))
        {
            return Some((Some(recurrence), next));
        }
        // `six monthly`, `6-monthly`, `every 3 months`.
        let every = self.is(i, "every");
        let at = if every { i + 1 } else { i };
        let count = match self.tok(at)? {
            Tok::Num {
                value,
                digits: 1 | 2,
            } => value,
            Tok::Word(w) => COUNTS
                .iter()
                .find(|(name, _)| name.eq_ignore_ascii_case(w))
                .map(|(_, n)| *n)?,
            _ => return None,
        };
        let mut unit = at + 1;
        if self.tok(unit) == Some(Tok::Dash) {
            unit += 1;
        }
        if !self.is(unit, if every { "months" } else { "monthly" }) {
            return None;
        }
        let recurrence = match count {
            1 => Some(Recurrence::Monthly),
            3 => Some(Recurrence::Quarterly),
            6 => Some(Recurrence::HalfYearly),
            12 => Some(ANNUALLY),
            _ => None,
        };
        Some((recurrence, unit + 1))
    }

    // -- atoms --------------------------------------------------------------

    fn atom_at(&self, i: usize) -> Option<(Atom, usize)> {
        if let Some((part, j)) = self.part_at(i) {
            let (atom, next) = self.plain_atom_at(j).or_else(|| self.the_year_at(j))?;
            return Some((
                Atom {
                    part: Some(part),
                    ..atom
                },
                next,
            ));
        }
        if let Some(j) = self.phrase(i, &["year", "end"]) {
            let (year, next) = self.year_of(j);
            return Some((
                Atom {
                    part: Some(Part::End),
                    ..Atom::new(What::Year, year)
                },
                next,
            ));
        }
        self.plain_atom_at(i)
    }

    /// `Early`, `mid-`, `end of the`, `beginning of` …
    fn part_at(&self, i: usize) -> Option<(Part, usize)> {
        let word = self.word(i)?;
        let part = PARTS
            .iter()
            .find(|(name, _)| name.eq_ignore_ascii_case(word))
            .map(|(_, part)| *part)?;
        let mut j = i + 1;
        if self.tok(j) == Some(Tok::Dash) {
            j += 1;
        }
        if self.is(j, "of") {
            j += 1;
        }
        if self.is(j, "the") {
            j += 1;
        }
        Some((part, j))
    }

    /// `year`, `financial year`, `financial year 2017/18` after a part
    /// (`end of the financial year`): the year in context unless named.
    fn the_year_at(&self, i: usize) -> Option<(Atom, usize)> {
        let j = if self.is_any(i, &["financial", "fiscal"]) {
            i + 1
        } else {
            i
        };
        if !self.is(j, "year") {
            return None;
        }
        let (year, next) = self.year_of(j + 1);
        Some((Atom::new(What::Year, year), next))
    }

    fn plain_atom_at(&self, i: usize) -> Option<(Atom, usize)> {
        match self.tok(i)? {
            Tok::Num { value, digits } => self.numeric_atom_at(i, value, digits),
            Tok::Word(word) => {
                if let Some(month) = month_named(word) {
                    return self.month_atom_at(i, month, word);
                }
                if let Some(season) = season_named(word) {
                    let (year, next) = self.year_after(i + 1);
                    return Some((Atom::new(What::Season(season), year), next));
                }
                self.quarter_at(i)
            }
            _ => None,
        }
    }

    /// Atoms starting with a number.
    fn numeric_atom_at(&self, i: usize, value: u32, digits: usize) -> Option<(Atom, usize)> {
        if let Some([a, b, c]) = self.numeric_date_at(i) {
            // By the numbers of digits: 2018-03-31, or day first:
            // 31/03/2018, 31.03.18.
            let (year, month, day) = match (a.1, b.1, c.1) {
                (4, 1 | 2, 1 | 2) => (i32::try_from(a.0).ok()?, b.0, c.0),
                (1 | 2, 1 | 2, 2 | 4) => (full_year(c)?, b.0, a.0),
                _ => return None,
            };
            FinancialYear::starting(year)?;
            NaiveDate::from_ymd_opt(year, month, day)?;
            let what = What::Day { day, month };
            return Some((Atom::new(what, Some(YearSpec::Calendar(year))), i + 5));
        }
        if let Some(found) = self.financial_year_at(i) {
            let (fy, next) = found.ok()?;
            return Some((Atom::new(What::Year, Some(YearSpec::Fiscal(fy))), next));
        }
        match digits {
            4 => {
                let year = i32::try_from(value).ok()?;
                FinancialYear::starting(year)?;
                // 2018-03: a month, as reporting periods are written.
                if self.tok(i + 1) == Some(Tok::Dash)
                    && self.glued(i + 1)
                    && self.glued(i + 2)
                    && let Some((month, 2)) = self.num(i + 2)
                {
                    let atom = Atom::new(What::Month(month), Some(YearSpec::Calendar(year)));
                    return (1..=12).contains(&month).then_some((atom, i + 3));
                }
                Some((Atom::new(What::Year, Some(YearSpec::Calendar(year))), i + 1))
            }
            1 | 2 => self.day_first_atom_at(i, value),
            _ => None,
        }
    }

    /// Three numbers joined by the same `-`, `/` or `.` with no spaces.
    fn numeric_date_at(&self, i: usize) -> Option<[(u32, usize); 3]> {
        let sep = self.tok(i + 1)?;
        if !matches!(sep, Tok::Dash | Tok::Slash | Tok::Dot)
            || self.tok(i + 3) != Some(sep)
            || !(i + 1..=i + 4).all(|j| self.glued(j))
        {
            return None;
        }
        Some([self.num(i)?, self.num(i + 2)?, self.num(i + 4)?])
    }

    /// `2017/18`, `2017/2018`, `2017-18`, `17/18`: `Some(Err(NotAFinancialYear))`
    /// when shaped like a financial year with `/` but not one (`2017/10`).
    fn financial_year_at(
        &self,
        i: usize,
    ) -> Option<Result<(FinancialYear, usize), NotAFinancialYear>> {
        let (a, a_digits) = self.num(i)?;
        let sep = self.tok(i + 1)?;
        let (b, b_digits) = self.num(i + 2)?;
        let consecutive = match b_digits {
            2 => a.checked_add(1).is_some_and(|next| next % 100 == b),
            _ => a.checked_add(1) == Some(b),
        };
        match (a_digits, sep, b_digits) {
            (4, Tok::Slash, 2 | 4) | (4, Tok::Dash, 2) => {
                let fy = i32::try_from(a)
                    .ok()
                    .and_then(FinancialYear::starting)
                    .filter(|_| consecutive);
                match fy {
                    Some(fy) => Some(Ok((fy, i + 3))),
                    None if sep == Tok::Slash => Some(Err(NotAFinancialYear)),
                    None => None,
                }
            }
            (2, Tok::Slash, 2) if consecutive && self.glued(i + 1) && self.glued(i + 2) => {
                let fy = i32::try_from(a)
                    .ok()
                    .and_then(|a| FinancialYear::starting(2000 + a))?;
                Some(Ok((fy, i + 3)))
            }
            _ => None,
        }
    }

    /// Atoms starting with a one- or two-digit number: `7 March 2017`,
    /// `1st April`, `03/2018`, `1st quarter`, and the `7` of `7-9 March`.
    fn day_first_atom_at(&self, i: usize, value: u32) -> Option<(Atom, usize)> {
        // 03/2018
        if self.tok(i + 1) == Some(Tok::Slash)
            && self.glued(i + 1)
            && self.glued(i + 2)
            && let Some((year, 4)) = self.num(i + 2)
        {
            let year = i32::try_from(year)
                .ok()
                .and_then(FinancialYear::starting)?
                .start_year();
            let atom = Atom::new(What::Month(value), Some(YearSpec::Calendar(year)));
            return (1..=12).contains(&value).then_some((atom, i + 3));
        }
        let mut j = i + 1;
        let ordinal = self.is_any(j, ORDINALS);
        if ordinal {
            j += 1;
        }
        // 7 March, 7th of March, 7-Mar-18
        let mut k = j;
        if self.tok(k) == Some(Tok::Dash) && self.glued(k) && self.glued(k + 1) {
            k += 1;
        }
        if self.is(k, "of") {
            k += 1;
        }
        if let Some(month) = self.word(k).and_then(month_named) {
            let mut n = k + 1;
            if self.tok(n) == Some(Tok::Dot) && self.glued(n) {
                n += 1;
            }
            let (year, next) = self.year_after(n);
            return Some((day_atom(value, month, year), next));
        }
        // 1st quarter 2017/18
        if self.is_any(j, &["quarter", "qtr"]) {
            let quarter = Quarter::from_number(value)?;
            let (year, next) = self.year_of(j + 1);
            return Some((Atom::new(What::Quarter(quarter), year), next));
        }
        // The 7 of 7-9 March.
        let links_on =
            matches!(self.tok(j), Some(Tok::Dash | Tok::Ampersand)) || self.is_any(j, LINK_WORDS);
        ((1..=31).contains(&value) && links_on)
            .then_some((Atom::new(What::BareDay(value), None), j))
    }

    /// Atoms starting with a month name: `March 2018`, `Mar-18`,
    /// `March 7th 2017`, `Sept.`.
    fn month_atom_at(&self, i: usize, month: u32, word: &str) -> Option<(Atom, usize)> {
        let mut j = i + 1;
        if self.tok(j) == Some(Tok::Dot) && self.glued(j) {
            j += 1;
        }
        if let Some((day, digits @ (1 | 2))) = self.num(j) {
            let mut k = j + 1;
            let ordinal = self.is_any(k, ORDINALS);
            if ordinal {
                k += 1;
            }
            let after_comma = if self.tok(k) == Some(Tok::Comma) {
                k + 1
            } else {
                k
            };
            if let Some((year, next)) = self.year_spec(after_comma, false) {
                return Some((day_atom(day, month, Some(year)), next));
            }
            if ordinal || digits == 1 {
                return Some((day_atom(day, month, None), k));
            }
        }
        let (year, next) = self.year_after(j);
        if year.is_none() && month == 5 && !word.starts_with(char::is_uppercase) {
            return None;
        }
        Some((Atom::new(What::Month(month), year), next))
    }

    /// `Q1`, `Quarter 2`, `Qtr 3`, `H2`, each with an optional year after.
    fn quarter_at(&self, i: usize) -> Option<(Atom, usize)> {
        let (n, digits) = self.num(i + 1)?;
        if digits != 1 {
            return None;
        }
        let what = if self.is(i, "h") && self.glued(i + 1) {
            What::Half(u8::try_from(n).ok().filter(|h| (1..=2).contains(h))?)
        } else if self.is_any(i, &["q", "quarter", "qtr"]) {
            What::Quarter(Quarter::from_number(n)?)
        } else {
            return None;
        };
        let (year, next) = self.year_of(i + 2);
        Some((Atom::new(what, year), next))
    }

    // -- years --------------------------------------------------------------

    /// A year right after a month or season: `2018`, `2017/18`, `18`,
    /// `'18`, `-18` (glued), `, 2018`.
    fn year_after(&self, i: usize) -> (Option<YearSpec>, usize) {
        let start = match self.tok(i) {
            Some(Tok::Comma) => i + 1,
            Some(Tok::Dash) if self.glued(i) && self.glued(i + 1) => i + 1,
            _ => i,
        };
        match self.year_spec(start, true) {
            Some((year, next)) => (Some(year), next),
            None => (None, i),
        }
    }

    /// An optional `of` and a full year: `of 2017/18`, `2018`.
    fn year_of(&self, i: usize) -> (Option<YearSpec>, usize) {
        let start = if self.is(i, "of") { i + 1 } else { i };
        match self.year_spec(start, false) {
            Some((year, next)) => (Some(year), next),
            None => (None, i),
        }
    }

    /// A year at token `i`; `short` allows a bare two-digit year.
    fn year_spec(&self, i: usize, short: bool) -> Option<(YearSpec, usize)> {
        match self.tok(i)? {
            Tok::Apostrophe if self.glued(i + 1) => match self.num(i + 1)? {
                (yy, 2) => Some((YearSpec::Calendar(2000 + i32::try_from(yy).ok()?), i + 2)),
                _ => None,
            },
            Tok::Num { value, digits } => {
                if let Some(found) = self.financial_year_at(i) {
                    return found.ok().map(|(fy, next)| (YearSpec::Fiscal(fy), next));
                }
                let year = i32::try_from(value).ok()?;
                match digits {
                    4 => FinancialYear::starting(year).map(|_| (YearSpec::Calendar(year), i + 1)),
                    2 if short => Some((YearSpec::Calendar(2000 + year), i + 1)),
                    _ => None,
                }
            }
            _ => None,
        }
    }

    /// Numbers shaped like a date or year but not one (`2017/10`,
    /// `31/02/2018`, `07/18`), to be skipped whole.
    fn malformed_at(&self, i: usize) -> Option<usize> {
        let (_, digits) = self.num(i)?;
        if self.numeric_date_at(i).is_some() {
            return Some(i + 5);
        }
        let sep = self.tok(i + 1)?;
        self.num(i + 2)?;
        let malformed = match sep {
            Tok::Slash => digits == 4 || (self.glued(i + 1) && self.glued(i + 2)),
            Tok::Dash => digits == 4 && self.num(i + 2).is_some_and(|(_, d)| d == 2),
            _ => false,
        };
        malformed.then_some(i + 3)
    }
}

/// A financial year's shape that holds no financial year (`2017/10`): its
/// numbers are not to be read as anything else. [`Reader::malformed_at`]
/// skips the group.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct NotAFinancialYear;

/// A two- or four-digit year in full.
fn full_year((value, digits): (u32, usize)) -> Option<i32> {
    let value = i32::try_from(value).ok()?;
    match digits {
        2 => Some(2000 + value),
        4 => Some(value),
        _ => None,
    }
}

/// A day of a month, or [`What::Nothing`] if the month has no such day.
fn day_atom(day: u32, month: u32, year: Option<YearSpec>) -> Atom {
    let probe_year = year.map_or(2000, |y| y.year_of_month(month)); // 2000: a leap year
    match NaiveDate::from_ymd_opt(probe_year, month, day) {
        Some(_) => Atom::new(What::Day { day, month }, year),
        None => Atom::new(What::Nothing, None),
    }
}

// ---------------------------------------------------------------------------
// Working out the dates
// ---------------------------------------------------------------------------

#[derive(Debug, Clone, Copy)]
struct Linked {
    atom: Atom,
    /// Whether a link joins this atom to the one before (`Jul - Dec`).
    linked: bool,
}

impl Phrase {
    /// The atoms in order, each marked with whether it is linked to the one
    /// before; a yearless quarter right after a year takes it (`2017/18 Q1`).
    fn chain(&self) -> Vec<Linked> {
        #[derive(PartialEq)]
        enum State {
            Open,
            AfterAtom,
            AfterLink,
        }
        let mut atoms: Vec<Linked> = Vec::with_capacity(self.items.len());
        let mut state = State::Open;
        for item in &self.items {
            match *item {
                Item::Atom(atom) => {
                    let follows_year = state == State::AfterAtom
                        && atom.year.is_none()
                        && matches!(atom.what, What::Quarter(_) | What::Half(_))
                        && atoms.last().is_some_and(|prev| {
                            prev.atom.what == What::Year && prev.atom.part.is_none()
                        });
                    if follows_year && let Some(prev) = atoms.pop() {
                        atoms.push(Linked {
                            atom: Atom {
                                year: prev.atom.year,
                                ..atom
                            },
                            linked: prev.linked,
                        });
                    } else {
                        atoms.push(Linked {
                            atom,
                            linked: state == State::AfterLink,
                        });
                    }
                    state = State::AfterAtom;
                }
                Item::Link => {
                    if state != State::Open {
                        state = State::AfterLink;
                    }
                }
                Item::Break => state = State::Open,
            }
        }
        atoms
    }

    fn resolve(self, text: &str, context: DateContext) -> FuzzyDate {
        let mut atoms = self.chain();

        // Right to left: `7-9 March` and `Jul - Dec 2017` take the month and
        // year of the end, a year earlier if that would put them after it.
        for idx in (0..atoms.len().saturating_sub(1)).rev() {
            let right = atoms[idx + 1];
            if !right.linked {
                continue;
            }
            let left = &mut atoms[idx].atom;
            if let What::BareDay(day) = left.what
                && let What::Day { month, .. } = right.atom.what
            {
                left.what = What::Day { day, month };
            }
            if left.year.is_none()
                && let Some(year) = right.atom.year
            {
                left.year = Some(year);
                if let (Some(l), Some(r)) = (left.span(), right.atom.span())
                    && l.0 > r.0
                {
                    left.year = Some(year.earlier());
                }
            }
        }

        // Left to right: `Dec 2017 - Feb` takes the year of the start, a year
        // later if needed; otherwise the plan's year, unless a recurrence
        // makes a yearless month the time it recurs.
        for idx in 0..atoms.len() {
            if atoms[idx].atom.year.is_some() {
                continue;
            }
            let before = idx.checked_sub(1).map(|b| atoms[b].atom);
            if atoms[idx].linked
                && let Some(left) = before
                && let Some(year) = left.year
            {
                let right = &mut atoms[idx].atom;
                right.year = Some(year);
                if let (Some(l), Some(r)) = (left.span(), right.span())
                    && r.0 < l.0
                {
                    right.year = Some(year.later());
                }
            } else if self.recurrence.is_none()
                && let Some(fy) = context.financial_year
            {
                atoms[idx].atom.year = Some(YearSpec::Fiscal(fy));
            }
        }

        let mut recurrence = self.recurrence;
        if recurrence == Some(ANNUALLY) {
            let month = atoms.iter().find_map(|a| match a.atom {
                Atom {
                    year: None,
                    what: What::Month(m) | What::Day { month: m, .. },
                    ..
                } => Some(m),
                _ => None,
            });
            recurrence = Some(Recurrence::Annually { month });
        }

        let mut earliest: Option<NaiveDate> = None;
        let mut latest: Option<NaiveDate> = None;
        let mut ranged = false;
        for linked in &atoms {
            if let Some((first, last)) = linked.atom.span() {
                earliest = Some(earliest.map_or(first, |e| e.min(first)));
                latest = Some(latest.map_or(last, |l| l.max(last)));
                ranged |= linked.linked;
            }
        }

        let dated = earliest.is_some();
        // "April 2013 start", "from May 2018", "commencing June 2019": the
        // date is when the work begins, not a deadline.
        let starts_only = self.starts && dated && !ranged && recurrence.is_none();
        let ongoing =
            self.ongoing || starts_only || (dated && (self.open_ended || recurrence.is_some()));
        let reading = if ongoing {
            DateReading::Ongoing
        } else if recurrence.is_some() {
            DateReading::Recurring
        } else if dated {
            DateReading::Span
        } else if self.to_be_confirmed {
            DateReading::ToBeConfirmed
        } else {
            DateReading::Unreadable
        };
        if ongoing && (self.open_ended || (self.starts && !ranged)) {
            latest = None;
        }
        if matches!(
            reading,
            DateReading::Unreadable | DateReading::ToBeConfirmed
        ) {
            recurrence = None;
        }
        FuzzyDate {
            text: text.to_string(),
            earliest,
            latest,
            recurrence,
            reading,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fuzzy_date::Recurrence::*;

    #[derive(Debug, PartialEq)]
    struct Expected {
        earliest: Option<NaiveDate>,
        latest: Option<NaiveDate>,
        reading: DateReading,
        recurrence: Option<Recurrence>,
    }

    fn date(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn span(from: &str, to: &str) -> Expected {
        Expected {
            earliest: Some(date(from)),
            latest: Some(date(to)),
            reading: DateReading::Span,
            recurrence: None,
        }
    }

    fn day(d: &str) -> Expected {
        span(d, d)
    }

    fn ongoing(from: Option<&str>, to: Option<&str>, recurrence: Option<Recurrence>) -> Expected {
        Expected {
            earliest: from.map(date),
            latest: to.map(date),
            reading: DateReading::Ongoing,
            recurrence,
        }
    }

    fn recurring(recurrence: Recurrence) -> Expected {
        Expected {
            earliest: None,
            latest: None,
            reading: DateReading::Recurring,
            recurrence: Some(recurrence),
        }
    }

    fn nothing(reading: DateReading) -> Expected {
        Expected {
            earliest: None,
            latest: None,
            reading,
            recurrence: None,
        }
    }

    fn tbc() -> Expected {
        nothing(DateReading::ToBeConfirmed)
    }

    fn unreadable() -> Expected {
        nothing(DateReading::Unreadable)
    }

    const NO_YEAR: DateContext = DateContext {
        financial_year: None,
    };

    fn in_2017_18() -> DateContext {
        DateContext {
            financial_year: FinancialYear::starting(2017),
        }
    }

    /// Collects every failing phrase so one run shows them all.
    #[derive(Default)]
    struct Table {
        checked: usize,
        failures: Vec<String>,
    }

    impl Table {
        fn check(&mut self, text: &str, expected: Expected) {
            self.check_in(NO_YEAR, text, expected);
        }

        fn check_in(&mut self, context: DateContext, text: &str, expected: Expected) {
            self.checked += 1;
            let got = FuzzyDate::parse(text, context);
            let actual = Expected {
                earliest: got.earliest,
                latest: got.latest,
                reading: got.reading,
                recurrence: got.recurrence,
            };
            if got.text != text {
                self.failures
                    .push(format!("{text:?}: text became {:?}", got.text));
            }
            if actual != expected {
                self.failures.push(format!(
                    "{text:?}:\n   expected {expected:?}\n   got      {actual:?}"
                ));
            }
        }

        fn finish(self, min: usize) {
            assert!(
                self.failures.is_empty(),
                "{} failures:\n{}",
                self.failures.len(),
                self.failures.join("\n")
            );
            assert!(self.checked >= min);
        }
    }

    #[test]
    fn days() {
        let mut t = Table::default();
        t.check("07 May 2015", day("2015-05-07"));
        t.check("7 th March 2017", day("2017-03-07"));
        t.check("7th March 2017", day("2017-03-07"));
        t.check("1st April 2013", day("2013-04-01"));
        t.check("14 March 2013", day("2013-03-14"));
        t.check("30 April 2013", day("2013-04-30"));
        t.check("31/03/2018", day("2018-03-31"));
        t.check("31.03.18", day("2018-03-31"));
        t.check("2018-03-31", day("2018-03-31"));
        t.check("1.2.2019", day("2019-02-01"));
        t.check("22nd of June 2016", day("2016-06-22"));
        t.check("March 7th 2017", day("2017-03-07"));
        t.check("March 7, 2017", day("2017-03-07"));
        t.check("7-Mar-18", day("2018-03-07"));
        t.check("  07 May 2015.  ", day("2015-05-07"));
        t.check("07\u{a0}May\u{a0}2015", day("2015-05-07"));
        t.check("29 February 2016", day("2016-02-29"));
        t.check("29 February 2017", unreadable());
        t.check("31/02/2018", unreadable());
        t.check_in(in_2017_18(), "7th March", day("2018-03-07"));
        t.check_in(in_2017_18(), "31 October", day("2017-10-31"));
        t.finish(20);
    }

    #[test]
    fn months_and_parts_of_months() {
        let mut t = Table::default();
        t.check("March 2018", span("2018-03-01", "2018-03-31"));
        t.check("MARCH 2018", span("2018-03-01", "2018-03-31"));
        t.check("Dec 2019", span("2019-12-01", "2019-12-31"));
        t.check("Sept 2017", span("2017-09-01", "2017-09-30"));
        t.check("September 2017", span("2017-09-01", "2017-09-30"));
        t.check("Sept. 2017", span("2017-09-01", "2017-09-30"));
        t.check("Feb 2016", span("2016-02-01", "2016-02-29"));
        t.check("Mar-18", span("2018-03-01", "2018-03-31"));
        t.check("Sept 17", span("2017-09-01", "2017-09-30"));
        t.check("03/2018", span("2018-03-01", "2018-03-31"));
        t.check("2018-02", span("2018-02-01", "2018-02-28"));
        t.check("End March 2018", day("2018-03-31"));
        t.check("end of March 2018", day("2018-03-31"));
        t.check("End-June 2017", day("2017-06-30"));
        t.check("By the end of March 2018.", day("2018-03-31"));
        t.check("Beginning of April 2017", day("2017-04-01"));
        t.check("Early March 2018", span("2018-03-01", "2018-03-10"));
        t.check("Mid March 2018", span("2018-03-11", "2018-03-20"));
        t.check("mid-March 2018", span("2018-03-11", "2018-03-20"));
        t.check("Late March 2018", span("2018-03-21", "2018-03-31"));
        t.check("Late February 2017", span("2017-02-21", "2017-02-28"));
        t.check("By March 2018", span("2018-03-01", "2018-03-31"));
        t.check_in(in_2017_18(), "January", span("2018-01-01", "2018-01-31"));
        t.check_in(in_2017_18(), "may be delayed", unreadable());
        t.check("March", unreadable());
        t.finish(25);
    }

    #[test]
    fn seasons() {
        let mut t = Table::default();
        t.check("Summer 2017", span("2017-06-01", "2017-08-31"));
        t.check("Spring 2018", span("2018-03-01", "2018-05-31"));
        t.check("Autumn 2017", span("2017-09-01", "2017-11-30"));
        t.check("Winter 2017", span("2017-12-01", "2018-02-28"));
        t.check("Winter 2017/18", span("2017-12-01", "2018-02-28"));
        t.check("Mid Summer 2017", span("2017-07-01", "2017-07-31"));
        t.check("Late Autumn 2017", span("2017-11-01", "2017-11-30"));
        t.check("Early Autumn", unreadable());
        t.check_in(
            in_2017_18(),
            "Early Autumn",
            span("2017-09-01", "2017-09-30"),
        );
        t.check_in(
            in_2017_18(),
            "Late Autumn",
            span("2017-11-01", "2017-11-30"),
        );
        t.check_in(in_2017_18(), "Spring", span("2018-03-01", "2018-05-31"));
        t.check_in(in_2017_18(), "Winter", span("2017-12-01", "2018-02-28"));
        t.finish(12);
    }

    #[test]
    fn ranges() {
        let mut t = Table::default();
        t.check(
            "Winter to early Spring 2018",
            span("2017-12-01", "2018-03-31"),
        );
        t.check("Jul- Dec 2017", span("2017-07-01", "2017-12-31"));
        t.check("April - June 2017", span("2017-04-01", "2017-06-30"));
        t.check("Apr-Jun 2017", span("2017-04-01", "2017-06-30"));
        t.check("April 2017 to March 2018", span("2017-04-01", "2018-03-31"));
        t.check("Dec 2017 - Feb", span("2017-12-01", "2018-02-28"));
        t.check("Autumn/Winter 2017", span("2017-09-01", "2018-02-28"));
        t.check(
            "late spring/early summer 2018",
            span("2018-05-01", "2018-06-30"),
        );
        t.check("7-9 March 2018", span("2018-03-07", "2018-03-09"));
        t.check(
            "Between April and June 2017",
            span("2017-04-01", "2017-06-30"),
        );
        t.check_in(in_2017_18(), "Jan - Mar", span("2018-01-01", "2018-03-31"));
        t.check_in(in_2017_18(), "Nov – Feb", span("2017-11-01", "2018-02-28"));
        t.finish(12);
    }

    #[test]
    fn years_and_financial_years() {
        let mut t = Table::default();
        t.check("2017 – 2018", span("2017-01-01", "2018-12-31"));
        t.check("2017-2018", span("2017-01-01", "2018-12-31"));
        t.check("2015-2019", span("2015-01-01", "2019-12-31"));
        t.check("2019 – 2020", span("2019-01-01", "2020-12-31"));
        t.check("2018", span("2018-01-01", "2018-12-31"));
        t.check("2016/2017", span("2016-04-01", "2017-03-31"));
        t.check("2016/17", span("2016-04-01", "2017-03-31"));
        t.check("2016-17", span("2016-04-01", "2017-03-31"));
        t.check("FY 16/17", span("2016-04-01", "2017-03-31"));
        t.check("2017/18 - 2019/20", span("2017-04-01", "2020-03-31"));
        t.check("Early 2018", span("2018-01-01", "2018-04-30"));
        t.check("Late 2017/18", span("2017-12-01", "2018-03-31"));
        t.check("End of 2017/18", day("2018-03-31"));
        t.check("Year end 2017/18", day("2018-03-31"));
        t.check_in(in_2017_18(), "Year end", day("2018-03-31"));
        t.check_in(
            in_2017_18(),
            "by the end of the financial year",
            day("2018-03-31"),
        );
        t.check("2017/10", unreadable());
        t.check("1899", unreadable());
        t.finish(18);
    }

    #[test]
    fn quarters() {
        let mut t = Table::default();
        t.check("Q1 2017/18", span("2017-04-01", "2017-06-30"));
        t.check("2017/18 Q1", span("2017-04-01", "2017-06-30"));
        t.check("Q4 2017/18", span("2018-01-01", "2018-03-31"));
        t.check("Quarter 2 2017/18", span("2017-07-01", "2017-09-30"));
        t.check("3rd quarter of 2017/18", span("2017-10-01", "2017-12-31"));
        t.check("Q1 17/18", span("2017-04-01", "2017-06-30"));
        t.check("Q1 2017", span("2017-04-01", "2017-06-30"));
        t.check("Q1 & Q2 2017/18", span("2017-04-01", "2017-09-30"));
        t.check("H2 2017/18", span("2017-10-01", "2018-03-31"));
        t.check("End of Q1 2017/18", day("2017-06-30"));
        t.check_in(in_2017_18(), "Q3", span("2017-10-01", "2017-12-31"));
        t.check("Q5 2017/18", span("2017-04-01", "2018-03-31"));
        t.finish(12);
    }

    #[test]
    fn ongoing_work() {
        let mut t = Table::default();
        t.check(
            "Ongoing 2017/18",
            ongoing(Some("2017-04-01"), Some("2018-03-31"), None),
        );
        t.check("Ongoing", ongoing(None, None, None));
        t.check("On-going", ongoing(None, None, None));
        t.check_in(in_2017_18(), "Ongoing", ongoing(None, None, None));
        t.check(
            "Ongoing - Quarterly through the Member Development Charter Group",
            ongoing(None, None, Some(Quarterly)),
        );
        t.check(
            "April 2017 Ongoing monthly meetings thereafter",
            ongoing(Some("2017-04-01"), None, Some(Monthly)),
        );
        t.check(
            "April 2017 onwards",
            ongoing(Some("2017-04-01"), None, None),
        );
        t.check(
            "Ongoing from April 2017",
            ongoing(Some("2017-04-01"), None, None),
        );
        t.check(
            "Ongoing from April 2017 to March 2018",
            ongoing(Some("2017-04-01"), Some("2018-03-31"), None),
        );
        t.check(
            "Monthly 2017/18",
            ongoing(Some("2017-04-01"), Some("2018-03-31"), Some(Monthly)),
        );
        t.check("April 2013 start", ongoing(Some("2013-04-01"), None, None));
        t.check(
            "April 2013 start - 1 year rolling programme",
            ongoing(Some("2013-04-01"), None, None),
        );
        t.check("from May 2018", ongoing(Some("2018-05-01"), None, None));
        t.check(
            "From May 2018 to March 2019",
            span("2018-05-01", "2019-03-31"),
        );
        t.finish(14);
    }

    #[test]
    fn recurrences() {
        let mut t = Table::default();
        t.check("Quarterly", recurring(Quarterly));
        t.check("Each Quarter", recurring(Quarterly));
        t.check("Every quarter", recurring(Quarterly));
        t.check("every 3 months", recurring(Quarterly));
        t.check("Monthly", recurring(Monthly));
        t.check(
            "Annually (May each year)",
            recurring(Annually { month: Some(5) }),
        );
        t.check_in(
            in_2017_18(),
            "Annually (May each year)",
            recurring(Annually { month: Some(5) }),
        );
        t.check("Annually", recurring(Annually { month: None }));
        t.check("Annual", recurring(Annually { month: None }));
        t.check(
            "December each year but updated monthly",
            recurring(Annually { month: Some(12) }),
        );
        t.check("Half-yearly", recurring(HalfYearly));
        t.check("Six monthly", recurring(HalfYearly));
        t.check("6-monthly", recurring(HalfYearly));
        t.check("Bi-annually", recurring(HalfYearly));
        t.check("Twice a year", recurring(HalfYearly));
        t.check("Weekly", recurring(Weekly));
        t.check("Ad-hoc", recurring(AdHoc));
        t.check("Ad hoc", recurring(AdHoc));
        t.check("As required", recurring(AdHoc));
        t.check("Bi-monthly", unreadable());
        t.finish(20);
    }

    #[test]
    fn placeholders() {
        let mut t = Table::default();
        t.check("TBC", tbc());
        t.check("TBI", tbc());
        t.check("TBA", tbc());
        t.check("To be confirmed", tbc());
        t.check("tbc", tbc());
        t.check("Date TBC.", tbc());
        t.check("March 2018 (TBC)", span("2018-03-01", "2018-03-31"));
        t.finish(7);
    }

    #[test]
    fn several_dates_and_noise() {
        let mut t = Table::default();
        t.check(
            "April 2013 July 2013 October 2013",
            span("2013-04-01", "2013-10-31"),
        );
        t.check(
            "August 2017 (or sooner if necessary to meet bidding timescales)",
            span("2017-08-01", "2017-08-31"),
        );
        t.check(
            "1 set held in 2012/13 2 sets held in 2013/14",
            span("2012-04-01", "2014-03-31"),
        );
        t.check("Regular articles circulated.", unreadable());
        t.check("In line with Financial Strategy", unreadable());
        t.check_in(
            in_2017_18(),
            "In line with Financial Strategy",
            unreadable(),
        );
        t.check("", unreadable());
        t.check(" \u{a0} ", unreadable());
        t.check("£20,000 from reserves", unreadable());
        t.check("99999999999-18", unreadable());
        t.finish(9);
    }

    #[test]
    fn narrowing_splits_into_thirds() {
        let (first, last) = (date("2018-01-01"), date("2018-12-31"));
        assert_eq!(
            narrow(first, last, Part::Mid),
            (date("2018-05-01"), date("2018-08-31"))
        );
        let (first, last) = (date("2018-01-05"), date("2018-01-13"));
        assert_eq!(
            narrow(first, last, Part::Late),
            (date("2018-01-11"), date("2018-01-13"))
        );
        assert_eq!(narrow(first, first, Part::Early), (first, first));
    }

    const VOCABULARY: &[&str] = &[
        "March",
        "may",
        "May",
        "Sept",
        "2017",
        "2017/18",
        "17/18",
        "2018",
        "18",
        "7th",
        "31",
        "Q1",
        "H2",
        "Summer",
        "Winter",
        "early",
        "mid",
        "late",
        "end",
        "of",
        "the",
        "year",
        "to",
        "and",
        "Ongoing",
        "thereafter",
        "from",
        "Quarterly",
        "each",
        "monthly",
        "six",
        "TBC",
        "2017/10",
        "99999999999",
        "0",
        "Q",
        "th",
    ];
    const SEPARATORS: &[&str] = &[" ", "", "-", " – ", "/", ".", ",", "\u{a0}", "'", "(", ") "];

    fn assert_sane(
        text: &str,
        context: DateContext,
    ) -> Result<(), proptest::test_runner::TestCaseError> {
        let got = FuzzyDate::parse(text, context);
        proptest::prop_assert_eq!(&got.text, text);
        if let (Some(earliest), Some(latest)) = (got.earliest, got.latest) {
            proptest::prop_assert!(earliest <= latest, "{:?}", got);
        }
        match got.reading {
            DateReading::Span => {
                proptest::prop_assert!(got.earliest.is_some() && got.latest.is_some())
            }
            DateReading::Recurring => {
                proptest::prop_assert!(got.recurrence.is_some() && got.earliest.is_none())
            }
            DateReading::Ongoing => {}
            DateReading::ToBeConfirmed | DateReading::Unreadable => {
                proptest::prop_assert!(
                    got.earliest.is_none() && got.latest.is_none() && got.recurrence.is_none()
                )
            }
        }
        Ok(())
    }

    fn context_strategy() -> impl proptest::strategy::Strategy<Value = DateContext> {
        use proptest::strategy::Strategy;
        proptest::option::of(1900i32..2200).prop_map(|y| DateContext {
            financial_year: y.and_then(FinancialYear::starting),
        })
    }

    proptest::proptest! {
        #[test]
        fn any_text_is_read_without_panicking(text in proptest::prelude::any::<String>(), context in context_strategy()) {
            assert_sane(&text, context)?;
        }

        #[test]
        fn date_like_text_is_read_sanely(
            parts in proptest::collection::vec(
                (proptest::sample::select(VOCABULARY), proptest::sample::select(SEPARATORS)),
                0..10,
            ),
            context in context_strategy(),
        ) {
            let text: String = parts.iter().flat_map(|(w, s)| [*w, *s]).collect();
            assert_sane(&text, context)?;
        }
    }

    #[test]
    fn a_year_written_with_an_apostrophe_is_that_year() {
        let mut t = Table::default();
        for text in ["March '18", "March \u{2019}18", "March \u{2018}18"] {
            t.check(text, span("2018-03-01", "2018-03-31"));
        }
        t.finish(3);
    }

    /// `narrow` takes a third of a span: of a month by days (1–10, 11–20,
    /// 21 to the end); of a quarter or a year by whole months; of anything
    /// else by days; and leaves a span too short to divide as it is.
    #[test]
    fn early_mid_and_late_take_the_right_third() {
        let thirds = |from: &str, to: &str| {
            [Part::Early, Part::Mid, Part::Late, Part::Start, Part::End]
                .map(|part| narrow(date(from), date(to), part))
        };
        let pair = |a: &str, b: &str| (date(a), date(b));
        assert_eq!(
            thirds("2018-03-01", "2018-03-31"),
            [
                pair("2018-03-01", "2018-03-10"),
                pair("2018-03-11", "2018-03-20"),
                pair("2018-03-21", "2018-03-31"),
                pair("2018-03-01", "2018-03-01"),
                pair("2018-03-31", "2018-03-31"),
            ],
            "a month"
        );
        assert_eq!(
            thirds("2017-07-01", "2017-09-30")[..3],
            [
                pair("2017-07-01", "2017-07-31"),
                pair("2017-08-01", "2017-08-31"),
                pair("2017-09-01", "2017-09-30"),
            ],
            "a quarter, by months"
        );
        assert_eq!(
            thirds("2017-04-01", "2018-03-31")[..3],
            [
                pair("2017-04-01", "2017-07-31"),
                pair("2017-08-01", "2017-11-30"),
                pair("2017-12-01", "2018-03-31"),
            ],
            "a financial year, by months"
        );
        assert_eq!(
            thirds("2018-01-01", "2018-02-28")[..3],
            [
                pair("2018-01-01", "2018-01-19"),
                pair("2018-01-20", "2018-02-07"),
                pair("2018-02-08", "2018-02-28"),
            ],
            "two months do not divide by months: by days"
        );
        assert_eq!(
            thirds("2018-01-05", "2018-01-14")[..3],
            [
                pair("2018-01-05", "2018-01-07"),
                pair("2018-01-08", "2018-01-10"),
                pair("2018-01-11", "2018-01-14"),
            ],
            "ten days"
        );
        assert_eq!(
            thirds("2018-03-02", "2018-03-31")[0],
            pair("2018-03-02", "2018-03-11"),
            "not from the first of a month: by days"
        );
        assert_eq!(
            thirds("2018-03-01", "2018-03-30")[0],
            pair("2018-03-01", "2018-03-10"),
            "not to the end of a month: by days"
        );
        assert_eq!(
            thirds("2018-01-05", "2018-01-06")[..3],
            [pair("2018-01-05", "2018-01-06"); 3],
            "two days cannot be divided"
        );
    }

    /// An apostrophe stands for the century only when the two digits
    /// follow it at once (`March '18`); a closing quote before a count is
    /// not a year.
    #[test]
    fn an_apostrophe_is_a_year_only_when_glued_to_its_digits() {
        let mut t = Table::default();
        t.check_in(
            in_2017_18(),
            "Run the 'Summer' 18 play schemes",
            span("2017-06-01", "2017-08-31"),
        );
        t.finish(1);
    }

    /// Reading goes on right after a year, so a range that follows it
    /// still links: `Dec '17 - Feb` runs to February 2018.
    #[test]
    fn a_range_after_a_short_year_still_links() {
        let mut t = Table::default();
        t.check("Dec '17 - Feb", span("2017-12-01", "2018-02-28"));
        t.check("Dec 17 - Feb", span("2017-12-01", "2018-02-28"));
        t.check("Nov 2017 - Feb", span("2017-11-01", "2018-02-28"));
        t.finish(3);
    }

    /// A bare two-digit year counts only right after a month or season
    /// (`Sept 17`); after a quarter it is more likely a count.
    #[test]
    fn a_bare_two_digit_number_after_a_quarter_is_not_its_year() {
        let mut t = Table::default();
        t.check_in(
            in_2017_18(),
            "Q2 20 site visits",
            span("2017-07-01", "2017-09-30"),
        );
        t.check("Q2 20 site visits", unreadable());
        t.finish(2);
    }

    /// Two-digit financial years are written without spaces (`16/17`);
    /// spaced, the numbers are a count or a score, not a year. Reading
    /// goes on right after one, so the quarters that follow take it.
    #[test]
    fn a_two_digit_financial_year_is_written_without_spaces() {
        let mut t = Table::default();
        t.check("Scored 16/ 17 at inspection", unreadable());
        t.check("FY 17/18 Q1 to Q3", span("2017-04-01", "2017-12-31"));
        t.finish(2);
    }

    /// A month and year in figures are written without spaces (`03/2018`);
    /// with a space the number is not a month and the year stands alone.
    #[test]
    fn a_month_in_figures_is_glued_to_its_year() {
        let mut t = Table::default();
        t.check("03/2018", span("2018-03-01", "2018-03-31"));
        t.check("3 /2018", span("2018-01-01", "2018-12-31"));
        t.check("3/ 2018", span("2018-01-01", "2018-12-31"));
        t.finish(3);
    }

    /// A dash joins a day to its month only when glued on both sides
    /// (`7-Mar-18`); a spaced dash separates a number from a date.
    #[test]
    fn a_dash_joins_a_day_to_its_month_only_when_glued() {
        let mut t = Table::default();
        t.check("7-Mar-18", day("2018-03-07"));
        t.check("Phase 2 - March 2018", span("2018-03-01", "2018-03-31"));
        t.check("Stage 2- March 2018", span("2018-03-01", "2018-03-31"));
        t.check("2- March 2018", span("2018-03-01", "2018-03-31"));
        t.finish(4);
    }

    /// After a day and month, a glued dot is the month's abbreviation
    /// (`7 Sept. 2017`); another mark glued there is read as what it is,
    /// so `7 March/April 2018` is a range.
    #[test]
    fn a_dot_after_a_day_and_month_is_an_abbreviation() {
        let mut t = Table::default();
        t.check("7 Sept. 2017", day("2017-09-07"));
        t.check("7 March/April 2018", span("2018-03-07", "2018-04-30"));
        t.finish(2);
    }

    /// A year after a month may follow a comma (`March, 2018`) or a dash
    /// glued on both sides (`Mar-18`); after a spaced dash a number is a
    /// count, and the month takes the plan's year.
    #[test]
    fn a_year_follows_a_month_after_a_comma_or_a_glued_dash() {
        let mut t = Table::default();
        t.check("March, 2018", span("2018-03-01", "2018-03-31"));
        t.check("Summer, 2017", span("2017-06-01", "2017-08-31"));
        for text in [
            "March - 12 schools remaining",
            "March- 12 schools remaining",
            "March -12 schools remaining",
        ] {
            t.check_in(in_2017_18(), text, span("2018-03-01", "2018-03-31"));
        }
        t.finish(5);
    }

    /// A slash makes a malformed group of small numbers only when glued on
    /// both sides (`1/2 May 2019`); spaced, it separates, and the day after
    /// it is read. A four-digit start is a financial year's shape even with
    /// spaces (`2017 / 18` is 2017/18), so `2017 / 10` is skipped whole.
    #[test]
    fn a_slash_makes_a_malformed_group_when_glued_or_after_four_digits() {
        let mut t = Table::default();
        t.check("1/2 May 2019", span("2019-05-01", "2019-05-31"));
        t.check("Report 07/18 June 2019", span("2019-06-01", "2019-06-30"));
        t.check("1 / 2 May 2019", day("2019-05-02"));
        t.check("1/ 2 May 2019", day("2019-05-02"));
        t.check("1 /2 May 2019", day("2019-05-02"));
        t.check("2017 / 18", span("2017-04-01", "2018-03-31"));
        t.check("2017 / 10 March 2018", span("2018-03-01", "2018-03-31"));
        t.finish(7);
    }

    /// A four-digit year glued by a dash to two digits that are neither
    /// the next year nor a month (`2017-19`) is malformed and skipped
    /// whole: its digits are never read as a day. Only a four-digit start
    /// makes such a group; in `0-25 March 2018` the day is read.
    #[test]
    fn a_year_dashed_to_two_digits_that_fit_nothing_is_skipped_whole() {
        let mut t = Table::default();
        t.check("2017-19 March 2018", span("2018-03-01", "2018-03-31"));
        t.check("0-25 March 2018", day("2018-03-25"));
        t.finish(2);
    }

    /// A dash links what is either side of it, even before a keyword
    /// phrase: in `October - year end 2017/18` October takes the year.
    #[test]
    fn a_dash_before_year_end_links_it_to_the_month_before() {
        let mut t = Table::default();
        t.check(
            "October - year end 2017/18",
            span("2017-10-01", "2018-03-31"),
        );
        t.finish(1);
    }

    /// `to be confirmed` takes all three words; `agreed` alone two words
    /// after a date does not make the date a placeholder, and a date after
    /// the placeholder is still read.
    #[test]
    fn to_be_confirmed_is_read_as_one_phrase() {
        let mut t = Table::default();
        t.check(
            "March 2018 agreed with partners",
            span("2018-03-01", "2018-03-31"),
        );
        t.check(
            "Final date: to be confirmed, expected March 2018",
            span("2018-03-01", "2018-03-31"),
        );
        t.finish(2);
    }

    /// `every N months` and `N-monthly` recur only for the counts a
    /// [`Recurrence`] has (1, 3, 6, 12); `two-monthly` is bi-monthly, no
    /// variant, so noise, not monthly.
    #[test]
    fn a_count_of_months_recurs_only_for_counts_with_a_variant() {
        let mut t = Table::default();
        t.check("every 1 months", recurring(Monthly));
        t.check("every 12 months", recurring(Annually { month: None }));
        t.check("12-monthly", recurring(Annually { month: None }));
        t.check("Two-monthly", unreadable());
        t.check("Four monthly", unreadable());
        t.finish(5);
    }

    /// A year named after `end of the financial year` is that year, not
    /// the plan's.
    #[test]
    fn a_year_named_after_the_financial_year_is_used() {
        let mut t = Table::default();
        t.check("End of the financial year 2016/17", day("2017-03-31"));
        t.check_in(
            in_2017_18(),
            "by the end of the financial year 2016/17",
            day("2017-03-31"),
        );
        t.finish(2);
    }

    /// `2018-03` is a month only when written without spaces, and reading
    /// goes on right after it, so a range that follows still links.
    #[test]
    fn a_year_and_month_in_figures_are_glued() {
        let mut t = Table::default();
        t.check("2018 -03", span("2018-01-01", "2018-12-31"));
        t.check("2018- 03", span("2018-01-01", "2018-12-31"));
        t.check("From 2018-03 to May", span("2018-03-01", "2018-05-31"));
        t.finish(3);
    }

    /// A date in figures is three numbers joined by the same mark with no
    /// spaces; financial years joined by a dash or a spaced slash are a
    /// range of financial years, not a malformed date.
    #[test]
    fn financial_years_joined_by_a_mark_are_a_range_not_a_date() {
        let mut t = Table::default();
        t.check("2017/18-2019/20", span("2017-04-01", "2020-03-31"));
        t.check("2017/18 / 2018/19", span("2017-04-01", "2019-03-31"));
        t.check("31/03-2018", span("2018-01-01", "2018-12-31"));
        t.finish(3);
    }

    /// A date in figures inside a sentence is read as that day: its own
    /// marks are glued, whatever spacing is around it.
    #[test]
    fn a_date_in_figures_is_read_inside_a_sentence() {
        let mut t = Table::default();
        t.check("Due 31/03/2018", day("2018-03-31"));
        t.check("Due by 31/03/2018 at the latest", day("2018-03-31"));
        t.finish(2);
    }

    /// After a month, a day without a year is one digit (`March 7`) or
    /// has an ordinal (`March 22nd`); a bare two-digit number there is a
    /// year (`Sept 17`).
    #[test]
    fn a_day_after_a_month_has_one_digit_or_an_ordinal() {
        let mut t = Table::default();
        t.check_in(in_2017_18(), "March 7", day("2018-03-07"));
        t.check_in(in_2017_18(), "March 22nd", day("2018-03-22"));
        t.check_in(in_2017_18(), "Sept 17", span("2017-09-01", "2017-09-30"));
        t.finish(3);
    }

    /// A half is written as one word (`H2`); a lone `H` is a letter.
    #[test]
    fn a_half_is_written_as_one_word() {
        let mut t = Table::default();
        t.check("H2 2017/18", span("2017-10-01", "2018-03-31"));
        t.check("H 2 2017/18", span("2017-04-01", "2018-03-31"));
        t.finish(2);
    }

    /// Only a yearless quarter right after a whole year takes it
    /// (`2017/18 Q1`); a quarter after a link keeps its own year, and one
    /// after another kind of date does not take that date's year.
    #[test]
    fn only_a_yearless_quarter_right_after_a_year_takes_it() {
        let mut t = Table::default();
        t.check("2016/17 and Q1 2017/18", span("2016-04-01", "2017-06-30"));
        t.check("31 March 2018 Q4", day("2018-03-31"));
        t.finish(2);
    }

    /// A range's end without a year moves a year on only when it would
    /// start before its start; its start moves a year back only when it
    /// would start after its end's start. Starting on the same day is in
    /// order.
    #[test]
    fn ends_starting_on_the_same_day_keep_the_year_written() {
        let mut t = Table::default();
        t.check("Q1 - April 2018", span("2018-04-01", "2018-06-30"));
        t.check("April 2018 - Q1", span("2018-04-01", "2018-06-30"));
        t.finish(2);
    }

    /// A malformed number group is skipped whole, so none of its numbers
    /// joins the date beside it as a day.
    #[test]
    fn a_malformed_number_beside_a_date_is_skipped_whole() {
        let mut t = Table::default();
        t.check("2017/10 March 2018", span("2018-03-01", "2018-03-31"));
        t.check("07/18 June 2019", span("2019-06-01", "2019-06-30"));
        t.check("1/2 May 2019", span("2019-05-01", "2019-05-31"));
        t.check("31/02/2018 5 May 2019", day("2019-05-05"));
        t.finish(4);
    }
}
