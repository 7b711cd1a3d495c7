//! KPIs written as text blocks, as committee reports print them when a
//! PDF is flattened: the indicator's name over one or two lines (its RAG
//! word at the end of the first, or alone on the line above), then
//! `Latest: 94% Target: 90%, Floor: 85% Previous: 89% (Amber)`.
//!
//! The floor standard is the edge of the amber band: it gives the
//! indicator's tolerance, and a floor above the target means lower is
//! better.

use super::cell;
use crate::blocks::Block;
use crate::dates::compile;
use goldthread_domain::{Indicator, Measurement, Period, Polarity, Target, Unit, status::Rag};
use regex::Regex;
use std::ops::Range;
use std::sync::LazyLock;

static FIGURES: LazyLock<Regex> = LazyLock::new(|| {
    let fig = r"(-?[£]?\s?[\d,]+(?:\.\d+)?\s?%?)";
    compile(&format!(
        r"(?i)^\s*latest\s*:?\s*{fig}\s+target\s*:?\s*{fig}\s*,?\s*(?:floor\s*:?\s*{fig})?\s*(?:previous\s*:?\s*{fig}\s*(?:\((\w+)\))?)?"
    ))
});

/// One KPI found, with the blocks it covers.
pub struct TextKpi {
    pub indicator: Indicator,
    pub blocks: Range<usize>,
}

fn text_of<'b>(block: &'b Block<'_>) -> Option<&'b str> {
    match block {
        Block::Text { text, .. } => Some(text.as_ref()),
        _ => None,
    }
}

/// A line that ends a KPI's title going upwards: a page number, a running
/// header, a RAG word or chart label standing alone, the section's heading.
fn stops_title(line: &str) -> bool {
    let t = line.trim();
    t.is_empty()
        || t.chars().all(|c| c.is_ascii_digit())
        || t.eq_ignore_ascii_case("appendix 1")
        || t.to_ascii_lowercase().starts_with("appendix")
        || cell::rag(t).is_some()
        || t.to_ascii_lowercase().starts_with("floor")
        || t.eq_ignore_ascii_case("key performance indicators")
        || FIGURES.is_match(t)
        || t.starts_with('*')
        || t == "[...]"
        || t.ends_with('.')
        || t.to_ascii_lowercase().ends_with("performance indicators")
        || t.to_ascii_lowercase().starts_with("no data")
}

/// The RAG word a line ends with ("… dealt with GREEN"), and the line
/// without it.
fn trailing_rag(line: &str) -> (String, Option<Rag>) {
    let t = line.trim_end();
    if let Some((rest, last)) = t.rsplit_once(' ')
        && last.chars().all(|c| c.is_ascii_uppercase())
        && let Some(rag) = cell::rag(last)
    {
        return (rest.trim_end().to_string(), Some(rag));
    }
    (t.to_string(), None)
}

pub fn read(blocks: &[Block<'_>], period: Option<Period>) -> Vec<TextKpi> {
    let mut out = Vec::new();
    let mut service: Option<String> = None;
    for (i, block) in blocks.iter().enumerate() {
        let Some(line) = text_of(block) else { continue };
        // Cheap gate: every KPI line opens with "Latest".
        if !line
            .trim_start()
            .get(..6)
            .is_some_and(|w| w.eq_ignore_ascii_case("latest"))
            && !line.trim().eq_ignore_ascii_case("appendix 1")
        {
            continue;
        }
        // "Appendix 1" then the directorate's name heads each section.
        if line.trim().eq_ignore_ascii_case("appendix 1")
            && let Some(next) = blocks.get(i + 1).and_then(text_of)
            && blocks
                .get(i + 2)
                .and_then(text_of)
                .is_some_and(|l| l.to_ascii_lowercase().starts_with("cabinet member"))
        {
            service = Some(next.trim().to_string());
        }
        let Some(c) = FIGURES.captures(line) else {
            continue;
        };
        // The title: the lines above, up to a line that stops it.
        // The title's first line ends with its RAG word when it has one;
        // a footnote of the KPI above (a sentence, "No data for …") is not
        // part of it.
        let mut start = i;
        while start > 0 && i - start < 3 {
            match text_of(&blocks[start - 1]) {
                Some(above) if !stops_title(above) => {
                    start -= 1;
                    if trailing_rag(above).1.is_some() {
                        break;
                    }
                }
                _ => break,
            }
        }
        if !blocks[start..i]
            .iter()
            .filter_map(text_of)
            .any(|l| trailing_rag(l).1.is_some())
        {
            start = start.max(i.saturating_sub(2));
        }
        if start == i {
            continue;
        }
        let mut rag = None;
        let mut parts = Vec::new();
        for (k, b) in blocks[start..i].iter().enumerate() {
            let text = text_of(b).unwrap_or("");
            if k == 0 {
                let (rest, r) = trailing_rag(text);
                rag = r;
                parts.push(rest);
            } else {
                parts.push(text.trim().to_string());
            }
        }
        // Or alone on the line above the title.
        if rag.is_none()
            && let Some(above) = start
                .checked_sub(1)
                .and_then(|s| blocks.get(s))
                .and_then(text_of)
        {
            rag = cell::rag(above.trim())
                .filter(|_| above.trim().chars().all(|c| c.is_ascii_uppercase()));
        }
        let title = parts.join(" ");
        let fig = |n: usize| {
            c.get(n)
                .and_then(|m| cell::figure(m.as_str().trim().trim_end_matches(',')))
        };
        let (latest, target, floor, previous) = (fig(1), fig(2), fig(3), fig(4));
        let previous_rag = c.get(5).and_then(|m| cell::rag(m.as_str()));
        let percent = [latest, target, floor, previous]
            .iter()
            .flatten()
            .any(|f| f.percent);
        let mut indicator = Indicator {
            unit: if percent {
                Unit::Percent
            } else {
                Unit::infer(&title)
            },
            polarity: Polarity::infer(&title),
            description: service.as_ref().map(|s| format!("Service: {s}")),
            provenance: match block {
                Block::Text { place, .. } => Some(place.provenance()),
                _ => None,
            },
            ..Indicator::default()
        };
        if let (Some(t), Some(f)) = (target, floor)
            && t.value != 0.0
        {
            indicator.polarity = if f.value > t.value {
                Polarity::LowerIsBetter
            } else {
                Polarity::HigherIsBetter
            };
            indicator.tolerance =
                Some(((f.value - t.value).abs() / t.value.abs() * 1e6).round() / 1e6);
        }
        if let (Some(p), Some(t)) = (period, target) {
            indicator.targets.push(Target {
                period: Period::Year(p.financial_year()),
                text: c.get(2).map_or(String::new(), |m| {
                    m.as_str().trim().trim_end_matches(',').to_string()
                }),
                value: Some(t.value),
            });
        }
        if let Some(p) = period {
            if let Some(prev) = previous {
                indicator
                    .measurements
                    .push(measurement(p.previous(), prev.value, previous_rag));
            }
            if let Some(l) = latest {
                indicator.measurements.push(measurement(p, l.value, rag));
            }
        }
        indicator.title = title;
        out.push(TextKpi {
            indicator,
            blocks: start..i + 1,
        });
    }
    out
}

fn measurement(period: Period, value: f64, status: Option<Rag>) -> Measurement {
    Measurement {
        period,
        value: Some(value),
        text: None,
        note: None,
        status,
        recorded_by: None,
        recorded_at: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::blocks::Place;
    use std::borrow::Cow;

    #[test]
    fn a_kpi_block_gives_latest_previous_target_and_floor() {
        let lines = [
            "Key Performance Indicators",
            "Percentage of phone calls to Contact Point which were answered GREEN",
            "Latest: 94% Target: 90%, Floor: 85% Previous: 89% (Amber)",
            "RED",
            "Re-referrals to children's social care",
            "Latest:0.04% Target: 15% Floor: 20% Previous 5,473",
        ];
        let blocks: Vec<Block<'_>> = lines
            .iter()
            .enumerate()
            .map(|(i, l)| Block::Text {
                text: Cow::Borrowed(*l),
                place: Place::line(i as u32 + 1),
            })
            .collect();
        let q3: Period = "2024/25 Q3".parse().unwrap();
        let kpis = read(&blocks, Some(q3));
        assert_eq!(kpis.len(), 2);
        let calls = &kpis[0].indicator;
        assert_eq!(
            calls.title,
            "Percentage of phone calls to Contact Point which were answered"
        );
        assert_eq!(calls.measurements[1].status, Some(Rag::Green));
        assert_eq!(calls.measurements[0].status, Some(Rag::Amber));
        assert_eq!(calls.measurements[0].period, q3.previous());
        assert_eq!(calls.polarity, Polarity::HigherIsBetter);
        assert_eq!(calls.tolerance, Some(0.055556));
        let rereferrals = &kpis[1].indicator;
        assert_eq!(rereferrals.measurements[1].status, Some(Rag::Red));
        assert_eq!(rereferrals.measurements[1].value, Some(0.04));
        assert_eq!(rereferrals.measurements[0].value, Some(5473.0));
        assert_eq!(rereferrals.polarity, Polarity::LowerIsBetter);
    }
}
