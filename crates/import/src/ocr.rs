//! Words damaged by OCR: a word that appears once or twice and becomes a
//! word used elsewhere in the document when one typical misreading is
//! undone ("rianagement" → "management").
//!
//! Every word of the document is counted, so counting is the hot loop:
//! words are hashed and compared eight letters at a time, never copied.

use crate::blocks::{Block, Place};
use goldthread_domain::{Finding, FindingKind, Severity};
use hashbrown::HashTable;

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
];

/// Words counted: runs of 5 to 30 ASCII letters. A suspect has at least six
/// letters and a confusion changes the length by one letter at most, so
/// shorter words and words with digits can be neither suspect nor cure.
const MIN_WORD: usize = 5;
const MAX_WORD: usize = 30;
const MIN_SUSPECT: usize = 6;
/// Enough for any real document; a larger one is checked up to here.
const MAX_SUSPECTS: usize = 20_000;

/// A word's letters lowered and packed eight to a `u64`, zero after its
/// end. Lowering by setting bit 5 is exact for ASCII letters and letters
/// are never zero, so two words are the same (in any case) exactly when
/// their keys are equal: a word is compared in four steps, never copied.
type Key = [u64; 4];

/// One distinct word, how often it occurs, the order in which words were
/// first seen, and where and how it first occurs.
struct Counted<'a> {
    hash: u64,
    key: Key,
    count: u32,
    order: u32,
    word: &'a str,
    place: &'a Place,
}

const HASH_K: u64 = 0x51_7c_c1_b7_27_22_0a_95;
/// Setting bit 5 of an ASCII letter lowers it.
const LOWER: u64 = 0x2020_2020_2020_2020;

/// The key of the word `bytes[start..end]` (ASCII letters, at most 32).
/// Reads whole eight-byte chunks of `bytes` where it can: the bytes past
/// the word's end are masked off.
fn key_of(bytes: &[u8], start: usize, end: usize) -> Key {
    let mut key = [0u64; 4];
    let mut at = start;
    for chunk in &mut key {
        if at >= end {
            break;
        }
        let n = (end - at).min(8);
        let raw = match bytes.get(at..at + 8) {
            Some(eight) => u64::from_le_bytes(eight.try_into().unwrap_or_default()),
            None => bytes[at..end]
                .iter()
                .enumerate()
                .fold(0, |raw, (i, &b)| raw | u64::from(b) << (8 * i)),
        };
        let mask = if n == 8 { !0 } else { (1u64 << (8 * n)) - 1 };
        *chunk = (raw | LOWER) & mask;
        at += 8;
    }
    key
}

fn hash_of(key: &Key) -> u64 {
    key.iter().fold(0, |h, &chunk| {
        (h.rotate_left(5) ^ chunk).wrapping_mul(HASH_K)
    })
}

#[derive(Default)]
struct WordCounts<'a> {
    table: HashTable<Counted<'a>>,
}

impl<'a> WordCounts<'a> {
    fn add(&mut self, key: Key, word: &'a str, place: &'a Place) {
        let hash = hash_of(&key);
        let order = u32::try_from(self.table.len()).unwrap_or(u32::MAX);
        self.table
            .entry(hash, |c| c.key == key, |c| c.hash)
            .and_modify(|c| c.count += 1)
            .or_insert(Counted {
                hash,
                key,
                count: 1,
                order,
                word,
                place,
            });
    }

    /// How often a word (ASCII letters) occurs, in any case.
    fn count(&self, word: &[u8]) -> u32 {
        if word.len() > MAX_WORD {
            return 0;
        }
        let key = key_of(word, 0, word.len());
        self.table
            .find(hash_of(&key), |c| c.key == key)
            .map_or(0, |c| c.count)
    }

    /// Counts the words of one text.
    fn scan(&mut self, text: &'a str, place: &'a Place) {
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
            if kinds == 1 && (MIN_WORD..=MAX_WORD).contains(&(i - start)) {
                self.add(key_of(bytes, start, i), &text[start..i], place);
            }
        }
    }
}

/// A word with one misreading undone, built on the stack: a document has
/// thousands of rare words and each has a dozen candidates.
struct Candidate {
    bytes: [u8; MAX_WORD + 1],
    len: usize,
}

impl Candidate {
    /// `word` with `read` at `at` replaced by `written`; words are at most
    /// 30 letters and a replacement adds at most one.
    fn new(word: &[u8], at: usize, read: &[u8], written: &[u8]) -> Self {
        let parts = [&word[..at], written, &word[at + read.len()..]];
        let mut bytes = [0; MAX_WORD + 1];
        let mut len = 0;
        for part in parts {
            let end = (len + part.len()).min(bytes.len());
            bytes[len..end].copy_from_slice(&part[..end - len]);
            len = end;
        }
        Self { bytes, len }
    }

    fn as_bytes(&self) -> &[u8] {
        &self.bytes[..self.len]
    }
}

impl std::fmt::Display for Candidate {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(std::str::from_utf8(self.as_bytes()).unwrap_or_default())
    }
}

/// Findings for words that look like OCR damage of a word used elsewhere.
pub fn suspect_words(blocks: &[Block<'_>], skip: &[std::ops::Range<usize>]) -> Vec<Finding> {
    let mut counts = WordCounts::default();
    let mut skips = skip.iter().peekable();
    for (i, block) in blocks.iter().enumerate() {
        // Data tables' cells are figures, codes and names, not prose.
        while skips.next_if(|s| s.end <= i).is_some() {}
        if skips.peek().is_some_and(|s| s.contains(&i)) {
            continue;
        }
        match block {
            Block::Text { text, place } => counts.scan(text, place),
            Block::Row { cells, place } => cells.iter().for_each(|c| counts.scan(c, place)),
            Block::Blank => {}
        }
    }
    let mut rare: Vec<&Counted<'_>> = counts
        .table
        .iter()
        .filter(|c| c.count <= 2 && c.word.len() >= MIN_SUSPECT)
        .collect();
    // In document order: by line, then by first appearance.
    rare.sort_unstable_by_key(|c| (c.place.line, c.order));
    let mut out = Vec::new();
    for counted in rare.into_iter().take(MAX_SUSPECTS) {
        // Lowered on the stack: a document has thousands of rare words.
        let mut lowered = [0u8; MAX_WORD];
        let word = &mut lowered[..counted.word.len()];
        word.copy_from_slice(counted.word.as_bytes());
        word.make_ascii_lowercase();
        let word: &[u8] = word;
        let fix = CONFUSIONS.iter().find_map(|(read, written)| {
            let (read, written) = (read.as_bytes(), written.as_bytes());
            let places =
                (0..word.len()).filter(|&at| word[at] == read[0] && word[at..].starts_with(read));
            places.into_iter().find_map(|at| {
                let candidate = Candidate::new(word, at, read, written);
                (counts.count(candidate.as_bytes()) >= 2).then(|| candidate.to_string())
            })
        });
        if let Some(fix) = fix {
            let word = counted.word.to_ascii_lowercase();
            out.push(Finding::new(
                Severity::Warning,
                FindingKind::SuspectText,
                format!("\"{word}\" looks like OCR damage for \"{fix}\""),
                Some(counted.place.provenance()),
            ));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn findings(lines: &[&str]) -> Vec<String> {
        let blocks: Vec<Block<'_>> = lines
            .iter()
            .enumerate()
            .map(|(i, l)| Block::Text {
                text: (*l).into(),
                place: Place::line(i as u32 + 1),
            })
            .collect();
        suspect_words(&blocks, &[])
            .into_iter()
            .map(|f| f.message)
            .collect()
    }

    #[test]
    fn a_rare_misreading_of_a_common_word_is_reported_once_in_order() {
        let found = findings(&[
            "Asset Management Board reviews Management plans",
            "The Rianagement team and the Cornmittee",
            "Committee papers, committee minutes",
        ]);
        assert_eq!(
            found,
            [
                "\"rianagement\" looks like OCR damage for \"management\"",
                "\"cornmittee\" looks like OCR damage for \"committee\"",
            ]
        );
    }

    #[test]
    fn words_with_digits_short_words_and_common_words_are_left_alone() {
        let found = findings(&[
            // Digits; five letters; both spellings common.
            "Plan2016 Plan2016 Plan2O16 mode rnode mode",
            "modern modern modern rnodern rnodern rnodern",
        ]);
        assert!(found.is_empty(), "{found:?}");
    }
}
