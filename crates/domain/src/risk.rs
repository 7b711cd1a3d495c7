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
        Some(u16::from(self.likelihood?) * u16::from(self.impact?))
    }
}
