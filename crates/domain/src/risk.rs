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
        rated_score(self.likelihood.map(i64::from), self.impact.map(i64::from))
            .and_then(|s| u16::try_from(s).ok())
    }
}

/// The risk score: likelihood × impact. The one place it is worked out,
/// for the register's order and its heat map alike.
pub fn score(likelihood: i64, impact: i64) -> Option<i64> {
    likelihood.checked_mul(impact)
}

/// The score of a risk as stored: none until both likelihood and impact
/// are rated.
pub fn rated_score(likelihood: Option<i64>, impact: Option<i64>) -> Option<i64> {
    score(likelihood?, impact?)
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
    fn a_risk_is_scored_once_both_ratings_are_given() {
        let rated = super::Risk {
            likelihood: Some(3),
            impact: Some(4),
            ..super::Risk::default()
        };
        assert_eq!(rated.score(), Some(12));
        let half = super::Risk {
            impact: None,
            ..rated.clone()
        };
        assert_eq!(half.score(), None);
        assert_eq!(super::Risk::default().score(), None);
        assert_eq!(super::rated_score(Some(5), Some(5)), Some(25));
        assert_eq!(super::rated_score(None, Some(5)), None);
        assert_eq!(super::rated_score(Some(5), None), None);
    }

    #[test]
    fn bands_scale_with_the_rating_scale() {
        // On 3 × 3 the largest score is 9: high from 27/5 (6), medium
        // from 72/25 (3).
        assert_eq!(
            (super::band(9, 3), super::band(6, 3), super::band(5, 3)),
            ("high", "high", "medium")
        );
        assert_eq!((super::band(3, 3), super::band(2, 3)), ("medium", "low"));
    }
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
