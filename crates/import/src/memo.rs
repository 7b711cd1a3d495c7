//! Remembered readings of cell text. A plan repeats the same dates ("March
//! 2016"), posts ("Head of Planning") and indicator titles many times, and
//! reading one costs far more than copying the reading, so the readers
//! that are pure functions of their text remember what they read, per
//! thread and within a bound.

use std::cell::RefCell;
use std::collections::HashMap;
use std::hash::Hash;
use std::thread::LocalKey;

/// Readings kept per reader; past this the memory starts afresh.
const REMEMBERED: usize = 4096;

/// The memory of one reader: readings by context, then by text.
pub type Memory<C, V> = RefCell<HashMap<C, HashMap<String, V>>>;

/// `read(text)` as remembered in `memory` for `context`.
pub fn remembered<C, V>(
    memory: &'static LocalKey<Memory<C, V>>,
    context: C,
    text: &str,
    read: impl FnOnce(&str) -> V,
) -> V
where
    C: Eq + Hash,
    V: Clone,
{
    memory.with_borrow_mut(|memory| {
        let readings = memory.entry(context).or_default();
        if let Some(reading) = readings.get(text) {
            return reading.clone();
        }
        let reading = read(text);
        if readings.len() >= REMEMBERED {
            readings.clear();
        }
        readings.insert(text.to_string(), reading.clone());
        reading
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::cell::Cell;

    thread_local! {
        static LENGTHS: Memory<u8, usize> = RefCell::default();
        static READS: Cell<usize> = const { Cell::new(0) };
    }

    fn length(context: u8, text: &str) -> usize {
        remembered(&LENGTHS, context, text, |t| {
            READS.set(READS.get() + 1);
            t.len() + usize::from(context)
        })
    }

    #[test]
    fn a_text_is_read_once_per_context_and_the_memory_is_bounded() {
        assert_eq!(length(0, "March 2016"), 10);
        assert_eq!(length(0, "March 2016"), 10);
        assert_eq!(length(1, "March 2016"), 11);
        assert_eq!(READS.get(), 2);
        for n in 0..REMEMBERED * 2 {
            assert_eq!(length(2, &n.to_string()), n.to_string().len() + 2);
        }
        let sizes = LENGTHS.with_borrow(|m| m.get(&2).map(HashMap::len));
        assert!(sizes.is_some_and(|n| n <= REMEMBERED));
    }
}
