//! The council and its structure.

use crate::names::named;
use crate::status::StatusRules;
use serde::{Deserialize, Serialize};

/// A council: its name and the settings its status rules and risk register
/// use. Its financial year runs April to March (see [`crate::FinancialYear`]).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Organisation {
    pub name: String,
    pub rules: StatusRules,
    /// Risks are rated for likelihood and impact from 1 to this.
    pub risk_scale: u8,
}

impl Default for Organisation {
    fn default() -> Self {
        Self {
            name: "Our council".into(),
            rules: StatusRules::default(),
            risk_scale: 5,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum UnitKind {
    Directorate,
    Service,
    Team,
}

named!(UnitKind {
    Directorate => "directorate",
    Service => "service",
    Team => "team",
});

impl UnitKind {
    /// The kind as a page names it.
    pub fn label(self) -> &'static str {
        match self {
            UnitKind::Directorate => "Directorate",
            UnitKind::Service => "Service",
            UnitKind::Team => "Team",
        }
    }
}

/// A directorate, service or team, with the short code plans use for it
/// (`HH` for Housing and Health, `CSP`, `RB`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrgUnit {
    pub code: Option<String>,
    pub name: String,
    pub kind: UnitKind,
    /// The name of the unit it sits in: a service's directorate.
    pub parent: Option<String>,
}

impl OrgUnit {
    /// The service code at the start of a service-plan reference: `HH` of
    /// `HH2.1`, `CSP` of `CSP1.1`; None when the reference has no letters.
    pub fn code_of_reference(reference: &str) -> Option<&str> {
        let end = reference
            .find(|c: char| !c.is_ascii_alphabetic())
            .unwrap_or(reference.len());
        (end > 0 && end <= 8 && reference[..end].chars().all(|c| c.is_ascii_uppercase()))
            .then(|| &reference[..end])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_service_code_is_one_to_eight_capitals() {
        assert_eq!(OrgUnit::code_of_reference("ABCDEFGH1"), Some("ABCDEFGH"));
        assert_eq!(OrgUnit::code_of_reference("ABCDEFGHI1"), None);
        assert_eq!(OrgUnit::code_of_reference("HH"), Some("HH"));
    }

    #[test]
    fn unit_kind_names_are_its_serde_names() {
        crate::names::assert_names_are_serde_names(
            &UnitKind::ALL,
            UnitKind::as_str,
            UnitKind::parse,
        );
        crate::names::assert_names_read_back(&UnitKind::ALL, UnitKind::as_str);
    }

    #[test]
    fn service_codes_come_from_references() {
        assert_eq!(OrgUnit::code_of_reference("HH2.1"), Some("HH"));
        assert_eq!(OrgUnit::code_of_reference("CSP1.1"), Some("CSP"));
        assert_eq!(OrgUnit::code_of_reference("O7.1"), Some("O"));
        assert_eq!(OrgUnit::code_of_reference("2.1"), None);
        assert_eq!(OrgUnit::code_of_reference("KA.1x"), Some("KA"));
        assert_eq!(OrgUnit::code_of_reference("hh2"), None);
    }
}
