//! Risks to the delivery of a plan.

use crate::document::Provenance;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct Risk {
    pub code: Option<String>,
    pub title: String,
    /// "Failure to …" — what might happen and why.
    pub cause: Option<String>,
    pub event: Option<String>,
    /// "… resulting in …"
    pub consequence: Option<String>,
    pub owner: Option<String>,
    /// On the organisation's scale, 1 (lowest) upwards.
    pub likelihood: Option<u8>,
    pub impact: Option<u8>,
    pub controls: Option<String>,
    /// Indices of the actions this risk threatens.
    pub actions: Vec<usize>,
    /// Indices of the thread nodes it threatens.
    pub nodes: Vec<usize>,
    pub provenance: Option<Provenance>,
}

impl Risk {
    /// Likelihood × impact, the usual risk score; None until both are rated.
    pub fn score(&self) -> Option<u16> {
        score(self.likelihood?.into(), self.impact?.into()).and_then(|s| u16::try_from(s).ok())
    }
}

/// The risk score: likelihood × impact. The one place it is worked out,
/// for the register's order and its heat map alike.
pub fn score(likelihood: i64, impact: i64) -> Option<i64> {
    likelihood.checked_mul(impact)
}

/// Where a score falls on a `scale` × `scale` grid: the top two fifths of
/// the largest score high, down to eight twenty-fifths medium, the rest
/// low (15+ and 8+ on the usual 5 × 5).
pub fn band(score: i64, scale: i64) -> &'static str {
    let max = scale * scale;
    match score {
        s if s * 5 >= max * 3 => "high",
        s if s * 25 >= max * 8 => "medium",
        _ => "low",
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn scores_and_bands_follow_the_usual_grid() {
        assert_eq!(super::score(4, 5), Some(20));
        assert_eq!(super::band(15, 5), "high");
        assert_eq!(super::band(14, 5), "medium");
        assert_eq!(super::band(8, 5), "medium");
        assert_eq!(super::band(7, 5), "low");
        assert_eq!(super::band(3, 3), "medium");
    }
}
