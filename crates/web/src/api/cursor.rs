//! Cursor pagination: a page of records in a fixed order, and an opaque
//! cursor naming the last record given, so the next page starts after it
//! even when records are added or removed in between (an offset would
//! skip or repeat them).

use crate::error::WebError;
use serde::Serialize;

/// Records a page holds unless `limit` says otherwise, and the most.
pub const DEFAULT_LIMIT: usize = 100;
pub const MAX_LIMIT: usize = 1000;

/// Where a record sits in its list's order: the owning record's id, then
/// a text that orders within it (a period's first day, an update's date).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Position {
    pub id: i64,
    pub within: String,
}

impl Position {
    pub fn of(id: i64) -> Position {
        Position {
            id,
            within: String::new(),
        }
    }

    /// Hex of `id:within`: opaque to clients, safe in a query string.
    fn encode(&self) -> String {
        format!("{}:{}", self.id, self.within)
            .bytes()
            .map(|b| format!("{b:02x}"))
            .collect()
    }

    fn decode(cursor: &str) -> Option<Position> {
        let bytes = cursor.as_bytes();
        if !bytes.len().is_multiple_of(2) || bytes.len() > 512 {
            return None;
        }
        let raw: Option<Vec<u8>> = bytes
            .chunks(2)
            .map(|pair| u8::from_str_radix(std::str::from_utf8(pair).ok()?, 16).ok())
            .collect();
        let text = String::from_utf8(raw?).ok()?;
        let (id, within) = text.split_once(':')?;
        Some(Position {
            id: id.parse().ok()?,
            within: within.to_string(),
        })
    }
}

/// The `cursor` and `limit` a list was asked with, read and checked.
#[derive(Debug, Clone)]
pub struct PageRequest {
    after: Option<Position>,
    limit: usize,
}

impl PageRequest {
    pub fn read(cursor: Option<&str>, limit: Option<&str>) -> Result<PageRequest, WebError> {
        let after = match cursor.map(str::trim).filter(|c| !c.is_empty()) {
            None => None,
            Some(text) => Some(Position::decode(text).ok_or_else(|| {
                WebError::BadRequest(
                    "cursor: not a cursor this API gave; use the next_cursor of the previous page"
                        .into(),
                )
            })?),
        };
        let limit = match limit.map(str::trim).filter(|l| !l.is_empty()) {
            None => DEFAULT_LIMIT,
            Some(text) => match text.parse::<usize>() {
                Ok(n) if (1..=MAX_LIMIT).contains(&n) => n,
                _ => {
                    return Err(WebError::BadRequest(format!(
                        "limit: must be a whole number from 1 to {MAX_LIMIT}, not '{text}'"
                    )));
                }
            },
        };
        Ok(PageRequest { after, limit })
    }

    /// The records after the cursor, at most `limit` of them, and the
    /// cursor for the next page when there are more. `records` must be in
    /// order of `position`.
    pub fn take<T>(&self, records: Vec<T>, position: impl Fn(&T) -> Position) -> Page<T> {
        let start = match &self.after {
            None => 0,
            Some(after) => records.partition_point(|r| position(r) <= *after),
        };
        let mut rest = records.into_iter().skip(start);
        let items: Vec<T> = rest.by_ref().take(self.limit).collect();
        let next_cursor = match (rest.next(), items.last()) {
            (Some(_), Some(last)) => Some(position(last).encode()),
            _ => None,
        };
        Page { items, next_cursor }
    }
}

/// A page of a list, before it is given its record type's schema name.
#[derive(Debug, Serialize)]
pub struct Page<T> {
    pub items: Vec<T>,
    /// Give this as `cursor` for the next page; absent on the last page.
    pub next_cursor: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page(cursor: Option<&str>, limit: &str, ids: &[i64]) -> Page<i64> {
        PageRequest::read(cursor, Some(limit))
            .unwrap()
            .take(ids.to_vec(), |id| Position::of(*id))
    }

    #[test]
    fn pages_follow_each_other_without_gaps_or_repeats() {
        let ids: Vec<i64> = (1..=7).collect();
        let mut seen = Vec::new();
        let mut cursor: Option<String> = None;
        loop {
            let p = page(cursor.as_deref(), "3", &ids);
            seen.extend(p.items.iter().copied());
            match p.next_cursor {
                Some(next) => cursor = Some(next),
                None => break,
            }
        }
        assert_eq!(seen, ids);
    }

    #[test]
    fn a_cursor_holds_when_records_before_it_go() {
        let first = page(None, "2", &[1, 2, 3, 4]);
        assert_eq!(first.items, vec![1, 2]);
        let next = first.next_cursor.unwrap();
        // Record 2 is deleted and 0 added before the next page is asked for.
        assert_eq!(page(Some(&next), "2", &[0, 1, 3, 4]).items, vec![3, 4]);
    }

    #[test]
    fn the_last_page_has_no_cursor() {
        assert_eq!(page(None, "4", &[1, 2, 3, 4]).next_cursor, None);
        assert_eq!(page(None, "5", &[]).next_cursor, None);
    }

    #[test]
    fn positions_within_a_record_order_and_read_back() {
        let at = Position {
            id: 12,
            within: "2017-07-01 2017/18-Q2".into(),
        };
        assert_eq!(Position::decode(&at.encode()), Some(at));
    }

    #[test]
    fn bad_cursors_and_limits_are_refused() {
        for cursor in ["zz", "abc", "3a", "not a cursor"] {
            assert!(PageRequest::read(Some(cursor), None).is_err(), "{cursor}");
        }
        for limit in ["0", "-1", "1001", "ten", "1.5"] {
            assert!(PageRequest::read(None, Some(limit)).is_err(), "{limit}");
        }
        assert!(PageRequest::read(None, Some("1000")).is_ok());
    }
}
