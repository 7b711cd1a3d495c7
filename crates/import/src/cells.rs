//! Turning one cell into what it holds: plain text from HTML fragments,
//! labelled parts (`Target: … Outcome: …`), numbered steps, and the parts of
//! a cell that lists several milestones against a list of dates.

use crate::dates::compile;
use regex::Regex;
use std::borrow::Cow;
use std::sync::LazyLock;

/// Plain text of a cell: tags removed, block tags and bullets become line
/// breaks, entities decoded, spaces collapsed, empty lines dropped.
/// Tidy cells (most of them) come back borrowed.
pub fn clean(raw: &str) -> Cow<'_, str> {
    if is_tidy(raw) {
        return Cow::Borrowed(raw);
    }
    let needs_markup = raw.bytes().any(|b| matches!(b, b'<' | b'&' | b'*'))
        || raw.contains(['•', '❑', '\u{f0b7}']);
    if !needs_markup && !raw.contains('\n') {
        let mut out = String::with_capacity(raw.len());
        push_words(&mut out, raw);
        return Cow::Owned(out);
    }
    let mut text = String::with_capacity(raw.len());
    let mut rest = raw;
    while let Some(pos) = find_markup(rest) {
        text.push_str(&rest[..pos]);
        let tail = &rest[pos..];
        let ch = tail.chars().next().unwrap_or(' ');
        match ch {
            '<' => match tag_end(tail) {
                Some((len, block)) => {
                    text.push(if block { '\n' } else { ' ' });
                    rest = &tail[len..];
                    continue;
                }
                None => text.push('<'),
            },
            '&' => match entity(tail) {
                Some((len, decoded)) => {
                    text.push(decoded);
                    rest = &tail[len..];
                    continue;
                }
                None => text.push('&'),
            },
            // Markdown bold from Word conversion: `**Title**`.
            '*' if tail.starts_with("**") => {
                rest = &tail[2..];
                continue;
            }
            '*' => text.push('*'),
            _ => text.push('\n'),
        }
        rest = &tail[ch.len_utf8()..];
    }
    text.push_str(rest);
    let mut out = String::with_capacity(text.len());
    for line in text.lines() {
        let before = out.len();
        if before > 0 {
            out.push('\n');
        }
        collapse_into(&mut out, line);
        if out.len() == before + usize::from(before > 0) {
            // An empty line: no break for it.
            out.truncate(before);
        }
    }
    if out.contains("( ") || out.contains(" )") {
        out = out.replace("( ", "(").replace(" )", ")");
    }
    Cow::Owned(out)
}

/// The first of `<`, `&`, `*` and the bullets "•", "❑", U+F0B7, found by
/// byte: the bullets open with 0xE2 or 0xEF.
fn find_markup(text: &str) -> Option<usize> {
    let bytes = text.as_bytes();
    let mut from = 0;
    while let Some(p) = bytes[from..]
        .iter()
        .position(|&b| matches!(b, b'<' | b'&' | b'*' | 0xE2 | 0xEF))
    {
        let at = from + p;
        let tail = &text[at..];
        if bytes[at] < 0x80 || tail.starts_with(['•', '❑', '\u{f0b7}']) {
            return Some(at);
        }
        from = at + 1;
    }
    None
}

/// Collapses runs of whitespace to one space and trims.
pub fn collapse(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    collapse_into(&mut out, text);
    out
}

/// [`collapse`] appending to `out`.
fn collapse_into(out: &mut String, text: &str) {
    if is_tidy(text) {
        out.push_str(text);
        return;
    }
    push_words(out, text);
}

/// Appends the words of `text` with one space between them. Splits at
/// ASCII whitespace by byte first (the common case), then at other
/// whitespace (no-break spaces, U+000B) only in the rare pieces that could
/// hold it: the same words as `split_whitespace`, found faster.
fn push_words(out: &mut String, text: &str) {
    let mut first = true;
    let mut push = |word: &str| {
        if !first {
            out.push(' ');
        }
        first = false;
        out.push_str(word);
    };
    // All-ASCII text (checked a word at a time) needs no second look.
    let plain = text.is_ascii() && !text.contains('\x0b');
    for piece in text.split_ascii_whitespace() {
        if !plain && piece.bytes().any(|b| b >= 0x80 || b == 0x0b) {
            piece.split_whitespace().for_each(&mut push);
        } else {
            push(piece);
        }
    }
}

/// Plain ASCII text with single spaces, no markup and no line breaks: the
/// common case, checked in one pass so it can be copied as it is. Every
/// cell of a document comes through here: eight bytes are looked at at a
/// time (`tidy_chunk`), the rest one at a time.
fn is_tidy(text: &str) -> bool {
    let bytes = text.as_bytes();
    if bytes.first().is_some_and(|&b| b == b' ') || bytes.last().is_some_and(|&b| b == b' ') {
        return false;
    }
    let mut prev_space = false;
    let mut wide = false;
    let (chunks, tail) = bytes.as_chunks::<8>();
    for chunk in chunks {
        let word = u64::from_le_bytes(*chunk);
        match tidy_chunk(word, prev_space) {
            Some(last_space) => prev_space = last_space,
            None => return false,
        }
        wide |= word & HIGH != 0;
    }
    // What each byte is: 0 plain, 1 a space, 2 markup or a break, 3 part
    // of a wider character.
    const CLASS: [u8; 256] = {
        let mut table = [0u8; 256];
        let mut b = 0x80;
        while b < 256 {
            table[b] = 3;
            b += 1;
        }
        table[b' ' as usize] = 1;
        table[b'<' as usize] = 2;
        table[b'&' as usize] = 2;
        table[b'*' as usize] = 2;
        table[b'\t' as usize] = 2;
        table[b'\n' as usize] = 2;
        table[b'\r' as usize] = 2;
        table
    };
    for &b in tail {
        match CLASS[b as usize] {
            0 => prev_space = false,
            1 if prev_space => return false,
            1 => prev_space = true,
            2 => return false,
            _ => {
                wide = true;
                prev_space = false;
            }
        }
    }
    // Dashes and pound signs are fine; bullets and odd spaces need work.
    !wide
        || !text
            .chars()
            .any(|c| !c.is_ascii() && (c.is_whitespace() || matches!(c, '•' | '❑' | '\u{f0b7}')))
}

/// The top bit of every byte of a word.
const HIGH: u64 = 0x8080_8080_8080_8080;
const LOW7: u64 = 0x7f7f_7f7f_7f7f_7f7f;

/// The top bit set in exactly the bytes of `word` that equal `byte`.
const fn bytes_equal(word: u64, byte: u8) -> u64 {
    let x = word ^ (0x0101_0101_0101_0101 * byte as u64);
    // A byte of `x` is zero exactly when adding 0x7f to its low seven bits
    // leaves its top bit clear and its own top bit is clear: no carry
    // crosses into the next byte.
    !(((x & LOW7) + LOW7) | x | LOW7)
}

/// Eight bytes of [`is_tidy`]'s text (the first in the lowest byte), after
/// a space or not: `None` when they hold markup, a break or two spaces in
/// a row, else whether the last of them is a space.
fn tidy_chunk(word: u64, prev_space: bool) -> Option<bool> {
    let markup = bytes_equal(word, b'<')
        | bytes_equal(word, b'&')
        | bytes_equal(word, b'*')
        | bytes_equal(word, b'\t')
        | bytes_equal(word, b'\n')
        | bytes_equal(word, b'\r');
    let spaces = bytes_equal(word, b' ');
    // A space with a space in the byte before it, in this word or the last.
    let doubled = spaces & ((spaces << 8) | u64::from(prev_space) << 7);
    (markup | doubled == 0).then_some(spaces >> 63 != 0)
}

/// The length of a tag at the start of `s`, and whether it breaks the line.
fn tag_end(s: &str) -> Option<(usize, bool)> {
    let bytes = s.as_bytes();
    let first = *bytes.get(1)?;
    if !(first.is_ascii_alphabetic() || first == b'/' || first == b'!') {
        return None;
    }
    let end = s.find('>')?;
    let inner = s[1..end].trim_start_matches('/');
    let name_len = inner
        .bytes()
        .position(|b| !b.is_ascii_alphanumeric())
        .unwrap_or(inner.len());
    let name = &inner.as_bytes()[..name_len];
    let block = [
        "p", "br", "li", "ul", "ol", "div", "tr", "table", "h1", "h2", "h3", "h4", "h5", "h6",
    ]
    .iter()
    .any(|tag| name.eq_ignore_ascii_case(tag.as_bytes()));
    Some((end + 1, block))
}

fn entity(s: &str) -> Option<(usize, char)> {
    let end = s[..s.floor_char_boundary(12)].find(';')?;
    let name = &s[1..end];
    let ch = match name {
        "amp" => '&',
        "lt" => '<',
        "gt" => '>',
        "quot" => '"',
        "apos" | "#39" => '\'',
        "nbsp" => ' ',
        _ => {
            let code =
                if let Some(hex) = name.strip_prefix("#x").or_else(|| name.strip_prefix("#X")) {
                    u32::from_str_radix(hex, 16).ok()?
                } else {
                    name.strip_prefix('#')?.parse().ok()?
                };
            char::from_u32(code)?
        }
    };
    Some((end + 1, ch))
}

/// The text of a cell that is nothing but bold runs (`<b>Theme</b>`,
/// `**Theme**`): such rows are section headings, not records.
pub fn bold_only(raw: &str) -> Option<String> {
    let t = raw.trim();
    if !(t.contains("<b>") || t.contains("<strong>") || t.starts_with("**")) {
        return None;
    }
    let mut outside = String::new();
    let mut depth = 0usize;
    let mut rest = t;
    while !rest.is_empty() {
        if let Some(after) = rest
            .strip_prefix("<b>")
            .or_else(|| rest.strip_prefix("<strong>"))
        {
            depth += 1;
            rest = after;
        } else if let Some(after) = rest
            .strip_prefix("</b>")
            .or_else(|| rest.strip_prefix("</strong>"))
        {
            depth = depth.saturating_sub(1);
            rest = after;
        } else if let Some(after) = rest.strip_prefix("**") {
            depth = if depth == 0 { 1 } else { 0 };
            rest = after;
        } else if rest.starts_with('<') {
            let skip = tag_end(rest).map_or(1, |(len, _)| len);
            rest = &rest[skip..];
        } else {
            let ch = rest.chars().next()?;
            if depth == 0 {
                outside.push(ch);
            }
            rest = &rest[ch.len_utf8()..];
        }
    }
    outside.trim().is_empty().then(|| clean(t).into_owned())
}

/// The fields a labelled cell can fill.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Label {
    Target,
    Outcome,
    CriticalSuccessFactors,
    EnvironmentalImpacts,
    Resources,
    Outputs,
    Risks,
    OtherServices,
}

static LABEL: LazyLock<Regex> = LazyLock::new(|| {
    compile(
        r"(?i)\b(targets?|outcomes?|critical success factors?|environmental impacts?|additional resources required|resources required|resources|outputs?|risks?|other services affected|other services)\s*:",
    )
});

/// Splits `Target: … Outcome: …` into its parts; text before the first
/// label comes back as the unlabelled remainder.
pub fn labelled_parts(text: &str) -> (Vec<(Label, String)>, String) {
    let mut parts = Vec::new();
    // Every label ends in a colon.
    if !text.contains(':') {
        return (parts, text.trim().to_string());
    }
    // A match is the label, spaces and the colon: no capture groups needed.
    let matches: Vec<_> = LABEL
        .find_iter(text)
        .map(|m| {
            let name = m.as_str()[..m.len() - 1].trim_end().to_ascii_lowercase();
            (m, name)
        })
        .collect();
    if matches.is_empty() {
        return (parts, text.trim().to_string());
    }
    let before = text[..matches[0].0.start()].trim().to_string();
    for (i, (m, name)) in matches.iter().enumerate() {
        let end = matches
            .get(i + 1)
            .map_or(text.len(), |(next, _)| next.start());
        let value = collapse(&text[m.end()..end]);
        let label = match name.as_str() {
            n if n.starts_with("target") => Label::Target,
            n if n.starts_with("outcome") => Label::Outcome,
            n if n.starts_with("critical") => Label::CriticalSuccessFactors,
            n if n.starts_with("environmental") => Label::EnvironmentalImpacts,
            n if n.contains("resources") => Label::Resources,
            n if n.starts_with("output") => Label::Outputs,
            n if n.starts_with("risk") => Label::Risks,
            _ => Label::OtherServices,
        };
        parts.push((label, value));
    }
    (parts, before)
}

/// Candidate step markers "1." / "2)" / "(3)": (marker start, number,
/// text start). Scanned by hand because markers may touch the text before
/// them ("(Jan 09)2. Work …"), which overlapping regex matches would miss.
fn number_marks(text: &str) -> Vec<(usize, usize, usize)> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if !bytes[i].is_ascii_digit() || (i > 0 && bytes[i - 1].is_ascii_digit()) {
            i += 1;
            continue;
        }
        let digits = bytes[i..].iter().take_while(|b| b.is_ascii_digit()).count();
        let after = i + digits;
        let open = i > 0 && bytes[i - 1] == b'(';
        let start = if open { i - 1 } else { i };
        let before_ok = start == 0
            || matches!(
                bytes[start - 1],
                b' ' | b'\n' | b'\t' | b')' | b'>' | b':' | b'.' | b';'
            );
        let mark_ok = matches!(bytes.get(after), Some(b'.' | b')'));
        let next_ok = bytes
            .get(after + 1)
            .is_none_or(|b| b.is_ascii_whitespace() || b.is_ascii_uppercase());
        if digits <= 2 && before_ok && mark_ok && next_ok {
            let n: usize = text[i..after].parse().unwrap_or(0);
            let body = after
                + 1
                + bytes[after + 1..]
                    .iter()
                    .take_while(|b| b.is_ascii_whitespace())
                    .count();
            out.push((start, n, body));
        }
        i = after;
    }
    out
}

/// Numbered steps inside one cell: "1. Recruit… 2. Map…". Returns the text
/// before step 1 and the steps. Numbers must run 1, 2, 3… so that figures
/// such as "£1.2m" or "Level 2." are not taken for steps.
pub fn numbered_items(text: &str) -> Option<(String, Vec<String>)> {
    let mut starts: Vec<(usize, usize)> = Vec::new(); // (marker start, text start)
    let mut expect = 1usize;
    for (marker_start, n, body) in number_marks(text) {
        if n != expect {
            continue;
        }
        // A "1." must open the cell or follow an introduction, not sit mid-sentence.
        if n == 1 {
            let before = text[..marker_start].trim_end();
            if !(before.is_empty()
                || before.ends_with([':', '-', '.', '\n', ')'])
                || text[..marker_start].ends_with('\n'))
            {
                continue;
            }
        }
        starts.push((marker_start, body));
        expect += 1;
    }
    if starts.is_empty() {
        return None;
    }
    let intro = text[..starts[0].0]
        .trim()
        .trim_end_matches(['-'])
        .trim()
        .to_string();
    let items = starts
        .iter()
        .enumerate()
        .map(|(i, &(_, begin))| {
            let end = starts.get(i + 1).map_or(text.len(), |next| next.0);
            collapse(&text[begin..end])
        })
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>();
    (!items.is_empty()).then_some((intro, items))
}

static TRAILING_DATE: LazyLock<Regex> =
    LazyLock::new(|| compile(r"\(\s*((?:by|from|up to|until)?\s*[^()]{2,30})\)\s*\.?\s*$"));

/// A step that ends with its own month, "Hold meetings (Sept 09)": the step
/// without it, and the date phrase.
pub fn trailing_date(step: &str) -> (String, Option<String>) {
    if let Some(caps) = TRAILING_DATE.captures(step)
        && let (Some(whole), Some(inner)) = (caps.get(0), caps.get(1))
        && crate::dates::mentions_date(inner.as_str())
    {
        return (
            step[..whole.start()].trim().to_string(),
            Some(inner.as_str().trim().to_string()),
        );
    }
    (step.to_string(), None)
}

/// Words a milestone commonly opens with; a capitalised one of these after
/// a lower-case word is very likely where one milestone ends and the next
/// begins when a converter has run them together.
const OPENERS: &[&str] = &[
    "Adopt",
    "Agree",
    "Amend",
    "Analyse",
    "Appoint",
    "Approve",
    "Approved",
    "Assess",
    "Attend",
    "Attract",
    "Carry",
    "Commence",
    "Commission",
    "Complete",
    "Confirm",
    "Consolidate",
    "Consult",
    "Continue",
    "Contribute",
    "Create",
    "Deliver",
    "Determine",
    "Develop",
    "Draft",
    "Engage",
    "Ensure",
    "Establish",
    "Evaluate",
    "Explore",
    "Gain",
    "Hold",
    "Identify",
    "Implement",
    "Improve",
    "Increase",
    "Introduce",
    "Invest",
    "Issue",
    "Launch",
    "Maintain",
    "Map",
    "Monitor",
    "Outline",
    "Prepare",
    "Procure",
    "Produce",
    "Promote",
    "Provide",
    "Publish",
    "Recruit",
    "Reduce",
    "Report",
    "Review",
    "Revise",
    "Secure",
    "Seek",
    "Set",
    "Subject",
    "Submit",
    "Support",
    "Take",
    "Test",
    "Undertake",
    "Update",
    "Work",
];
const FUNCTION_WORDS: &[&str] = &[
    "a", "an", "and", "as", "at", "by", "for", "from", "in", "into", "of", "on", "or", "the", "to",
    "with", "&", "-", "–",
];

fn is_marker(word: &str) -> bool {
    let w = word.trim_start_matches('(');
    if matches!(w, "•" | "-" | "–") {
        return true;
    }
    let Some(body) = w.strip_suffix(['.', ')']) else {
        return false;
    };
    !body.is_empty()
        && body.len() <= 2
        && (body.chars().all(|c| c.is_ascii_digit())
            || (body.len() == 1 && body.chars().all(|c| c.is_ascii_lowercase())))
}

struct Word<'a> {
    text: &'a str,
    start: usize,
    newline_before: bool,
}

fn words(text: &str) -> Vec<Word<'_>> {
    let mut out = Vec::new();
    let mut newline = false;
    let mut start = None;
    for (i, ch) in text.char_indices() {
        if ch.is_whitespace() {
            if let Some(s) = start.take() {
                out.push(Word {
                    text: &text[s..i],
                    start: s,
                    newline_before: newline,
                });
                newline = false;
            }
            if ch == '\n' {
                newline = true;
            }
        } else if start.is_none() {
            start = Some(i);
        }
    }
    if let Some(s) = start {
        out.push(Word {
            text: &text[s..],
            start: s,
            newline_before: newline,
        });
    }
    out
}

/// How likely a new milestone starts at word `i`.
fn boundary_score(ws: &[Word<'_>], i: usize) -> f32 {
    let (prev, word) = (ws[i - 1].text, ws[i].text);
    if ws[i].newline_before {
        return 8.0;
    }
    if is_marker(prev) {
        return 0.0;
    }
    if is_marker(word) {
        let dash = matches!(word, "-" | "–");
        // "by: a) …" introduces a list whose first item stays with it; a
        // dash is a bullet only after a full stop, else it is punctuation.
        return if prev.ends_with(':') || (dash && !prev.ends_with(['.', ';'])) {
            0.0
        } else {
            6.0
        };
    }
    let first = word.chars().next().unwrap_or(' ');
    if !first.is_uppercase() || FUNCTION_WORDS.iter().any(|w| w.eq_ignore_ascii_case(prev)) {
        return 0.0;
    }
    let mut score = 1.0;
    if prev.ends_with(['.', ';', '!', '?']) {
        score += 4.0;
    } else if prev.ends_with(':') {
        score += 2.0;
    }
    let prev_first = prev.chars().next().unwrap_or(' ');
    if prev_first.is_lowercase() && prev.ends_with(|c: char| c.is_lowercase() || c == ')') {
        score += 1.0;
    }
    if OPENERS.contains(&word.trim_end_matches([',', ':'])) {
        score += 2.0;
    }
    if ws
        .get(i + 1)
        .is_some_and(|next| next.text.chars().next().is_some_and(char::is_lowercase))
    {
        score += 1.5;
    }
    if word.len() > 1 && word.chars().all(|c| c.is_uppercase() || !c.is_alphabetic()) {
        score -= 0.5;
    }
    score
}

const STRONG: f32 = 3.0;

/// The parts a run-together cell falls into at its clear boundaries.
pub fn natural_parts(text: &str) -> Vec<String> {
    let ws = words(text);
    let cuts: Vec<usize> = (1..ws.len())
        .filter(|&i| boundary_score(&ws, i) >= STRONG)
        .collect();
    cut(text, &ws, &cuts)
}

/// Splits a cell into exactly `n` parts at its most likely boundaries;
/// None when it has too few plausible boundaries.
pub fn split_into(text: &str, n: usize) -> Option<Vec<String>> {
    let ws = words(text);
    if n == 0 || ws.len() < n {
        return None;
    }
    let mut candidates: Vec<(usize, f32)> = (1..ws.len())
        .map(|i| (i, boundary_score(&ws, i)))
        .filter(|&(_, s)| s >= 2.0)
        .collect();
    if candidates.len() + 1 < n {
        return None;
    }
    let mut chosen: Vec<usize> = Vec::with_capacity(n - 1);
    while chosen.len() + 1 < n {
        // Highest score first; ties go to the cut that best balances the parts.
        // No part of a single word: skip cuts next to an edge or a chosen cut.
        let free =
            |i: usize| i >= 2 && i + 2 <= ws.len() && chosen.iter().all(|&c| c.abs_diff(i) >= 2);
        let best = candidates
            .iter()
            .enumerate()
            .filter(|(_, c)| free(c.0))
            .max_by(|(_, a), (_, b)| {
                a.1.partial_cmp(&b.1)
                    .unwrap_or(std::cmp::Ordering::Equal)
                    .then_with(|| {
                        spread(&chosen, a.0, ws.len()).cmp(&spread(&chosen, b.0, ws.len()))
                    })
            })
            .map(|(k, _)| k)?;
        chosen.push(candidates.remove(best).0);
    }
    chosen.sort_unstable();
    Some(cut(text, &ws, &chosen))
}

fn spread(chosen: &[usize], at: usize, len: usize) -> usize {
    let mut nearest = at.min(len - at);
    for &c in chosen {
        nearest = nearest.min(c.abs_diff(at));
    }
    nearest
}

fn cut(text: &str, ws: &[Word<'_>], cuts: &[usize]) -> Vec<String> {
    let mut parts = Vec::with_capacity(cuts.len() + 1);
    let mut from = 0usize;
    for &c in cuts {
        let at = ws[c].start;
        parts.push(collapse(&text[from..at]));
        from = at;
    }
    parts.push(collapse(&text[from..]));
    parts.retain(|p| !p.is_empty());
    // The list markers were only separators.
    for part in &mut parts {
        if let Some((first, rest)) = part.split_once(' ')
            && is_marker(first)
        {
            *part = rest.to_string();
        }
    }
    parts
}

/// Lead officers from one cell: "Joint action: A, B and C", "A / B", two
/// posts run together ("Chief Executive Head of HR").
pub fn lead_officers(text: &str) -> Vec<String> {
    thread_local! {
        static READINGS: crate::memo::Memory<(), Vec<String>> = Default::default();
    }
    crate::memo::remembered(&READINGS, (), text.trim(), read_lead_officers)
}

fn read_lead_officers(text: &str) -> Vec<String> {
    let text = strip_prefix_ci(text, "joint action:").unwrap_or(text);
    let mut out: Vec<String> = Vec::new();
    for line in text.split(['\n', '/', ';']) {
        for name in split_posts(line) {
            let name = name
                .trim_matches(|c: char| c.is_whitespace() || matches!(c, ',' | '.' | '–' | '-'));
            if name.len() > 1 && !out.iter().any(|o| o.eq_ignore_ascii_case(name)) {
                out.push(name.to_string());
            }
        }
    }
    out
}

const POST_ENDS: &[&str] = &[
    "Leader",
    "Manager",
    "Officer",
    "Officers",
    "Director",
    "Executive",
    "Co-ordinator",
    "Coordinator",
    "Controller",
];

/// Splits a line naming several posts: after a word that ends a post title
/// ("… Manager", "… Officer") when a new capitalised name follows, and before
/// "Head of" / "Director of" when they start a second post.
fn split_posts(line: &str) -> Vec<String> {
    let words: Vec<&str> = line.split_whitespace().collect();
    let mut posts = Vec::new();
    let mut current: Vec<&str> = Vec::new();
    let starts_upper = |w: &str| w.chars().next().is_some_and(char::is_uppercase);
    let mut i = 0;
    while i < words.len() {
        let word = words[i];
        let bare = word.trim_end_matches([',', '.']);
        let next = words.get(i + 1).copied().unwrap_or("");
        let starts_post = |w: &str, after: &str| {
            (matches!(w, "Head" | "Director") && after == "of")
                || (w == "Chief" && after.starts_with("Executive"))
        };
        // Before "Head of …" when the current post is already under way.
        if !current.is_empty() && starts_post(word, next) {
            let last = current.last().copied().unwrap_or("");
            if last == "and" {
                current.pop();
            }
            if !matches!(last, "of" | "&" | "the") {
                posts.push(current.join(" "));
                current.clear();
            }
        }
        current.push(word);
        if POST_ENDS.contains(&bare) {
            let (sep_and, after) = if next == "and" {
                (true, words.get(i + 2).copied().unwrap_or(""))
            } else {
                (false, next)
            };
            let after_bare = after.trim_end_matches([',', '.']);
            let splits = starts_upper(after)
                && after != "of"
                && (word.ends_with(',') || sep_and || !POST_ENDS.contains(&after_bare));
            if splits {
                posts.push(current.join(" "));
                current.clear();
                if sep_and {
                    i += 1;
                }
            }
        }
        i += 1;
    }
    if !current.is_empty() {
        posts.push(current.join(" "));
    }
    posts
}

pub fn strip_prefix_ci<'a>(text: &'a str, prefix: &str) -> Option<&'a str> {
    let head = text.get(..prefix.len())?;
    head.eq_ignore_ascii_case(prefix)
        .then(|| text[prefix.len()..].trim_start())
}

/// The first sum of money in a resources text, in whole pounds.
pub fn pounds(text: &str) -> Option<i64> {
    static MONEY: LazyLock<Regex> =
        LazyLock::new(|| compile(r"£\s?(\d[\d,]*(?:\.\d+)?)\s*([mMkK]\b)?"));
    let caps = MONEY.captures(text)?;
    let digits: String = caps[1].chars().filter(|c| *c != ',').collect();
    let mut value: f64 = digits.parse().ok()?;
    match caps.get(2).map(|m| m.as_str().to_ascii_lowercase()) {
        Some(s) if s == "m" => value *= 1_000_000.0,
        Some(s) if s == "k" => value *= 1_000.0,
        _ => {}
    }
    (value.is_finite() && value.abs() < 1e15).then_some(value.round() as i64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tidy_text_is_exactly_text_cleaning_leaves_alone() {
        let old_rule = |text: &str| {
            !text.starts_with(' ')
                && !text.ends_with(' ')
                && !text.contains("  ")
                && !text.contains(['<', '&', '*', '\t', '\n', '\r'])
                && !text.chars().any(|c| {
                    !c.is_ascii() && (c.is_whitespace() || matches!(c, '•' | '❑' | '\u{f0b7}'))
                })
        };
        let every_char = (0..=0x10FFFFu32).filter_map(char::from_u32);
        for c in every_char {
            for text in [format!("a{c}b"), format!("{c}"), format!("x {c} y")] {
                assert_eq!(is_tidy(&text), old_rule(&text), "{:?}", text);
            }
        }
        // Every ASCII character and every pair of spaces at every place
        // in a text long enough to be read eight bytes at a time.
        let base = "abcdefghijklmnopqrstuvwxyz";
        for at in 0..base.len() {
            for c in (0..0x80u8).map(char::from).chain(['\u{a0}', '–', '•']) {
                let mut text = base.to_string();
                text.insert(at, c);
                assert_eq!(is_tidy(&text), old_rule(&text), "{text:?}");
                text.insert(at, ' ');
                assert_eq!(is_tidy(&text), old_rule(&text), "{text:?}");
            }
        }
        for text in [
            "Head of HR – £5k",
            "a  b",
            " a",
            "a\u{a0}b",
            "• a",
            "KA.1 ’s",
        ] {
            assert_eq!(is_tidy(text), old_rule(text), "{text:?}");
        }
    }

    #[test]
    fn html_fragments_become_lines() {
        assert_eq!(
            clean("<p><b>Target:</b> Timely.  <b>Outcome:</b> Informed.</p>"),
            "Target: Timely. Outcome: Informed."
        );
        assert_eq!(
            clean("<ul><li>One</li><li>Two &amp; three</li></ul>"),
            "One\nTwo & three"
        );
        assert_eq!(clean("x • a • b"), "x\na\nb");
        assert_eq!(
            bold_only("<p><b>Increase community engagement</b></p>").as_deref(),
            Some("Increase community engagement")
        );
        assert_eq!(bold_only("<b>Target:</b> text"), None);
    }

    #[test]
    fn numbered_steps_run_in_sequence() {
        let (intro, items) =
            numbered_items("Potential actions:- 1. Recruit. 2. Map £1.2m events. 3. Attend")
                .unwrap();
        assert_eq!(intro, "Potential actions:");
        assert_eq!(items, vec!["Recruit.", "Map £1.2m events.", "Attend"]);
        let (_, items) =
            numbered_items("1. Report (Jan 09)2. Work with services (Jun 09)").unwrap();
        assert_eq!(items.len(), 2);
        assert_eq!(
            trailing_date(&items[0]),
            ("Report".to_string(), Some("Jan 09".to_string()))
        );
    }

    #[test]
    fn run_together_milestones_split_at_openers() {
        let text = "Commence HIA in shadow form Complete TUPE arrangements if/where applicable Commence full shared service";
        assert_eq!(natural_parts(text).len(), 3);
        let parts = split_into(
            "Draft Strategy approved by LSP Board Strategy adopted at Full Council.",
            2,
        )
        .unwrap();
        assert_eq!(
            parts,
            vec![
                "Draft Strategy approved by LSP Board",
                "Strategy adopted at Full Council."
            ]
        );
    }

    #[test]
    fn lead_officers_split_and_dedupe() {
        assert_eq!(
            lead_officers(
                "Joint action: Communications Team Leader, Engagement and Partnerships Team Leader and HR"
            ),
            vec![
                "Communications Team Leader",
                "Engagement and Partnerships Team Leader",
                "HR"
            ]
        );
        assert_eq!(
            lead_officers(
                "Head of Communications, Engagement and Culture and Director of Hertford Theatre"
            ),
            vec![
                "Head of Communications, Engagement and Culture",
                "Director of Hertford Theatre"
            ]
        );
        assert_eq!(
            lead_officers("Procurement Officer Procurement Officer Procurement Officer"),
            vec!["Procurement Officer"]
        );
        assert_eq!(
            lead_officers("Paul Swift/ Values Project Team"),
            vec!["Paul Swift", "Values Project Team"]
        );
        assert_eq!(
            lead_officers("Head of Housing and Health"),
            vec!["Head of Housing and Health"]
        );
        assert_eq!(
            lead_officers(
                "Chief Executive and Director of Customer and Community Services (DCCS) Head of Legal and Democratic Services"
            ),
            vec![
                "Chief Executive",
                "Director of Customer and Community Services (DCCS)",
                "Head of Legal and Democratic Services"
            ]
        );
    }
}
