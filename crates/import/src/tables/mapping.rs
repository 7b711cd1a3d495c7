//! What the user says a table's columns mean, when the importer cannot
//! tell or tells wrongly: a mapping file (`goldthread import --mapping
//! FILE`), written out by `--print-mapping FILE` ready to edit, and kept by
//! the web app per table layout.
//!
//! ```json
//! {
//!   "goldthread_mapping": 1,
//!   "period": "2024/25 Q3",
//!   "area": "Leeds",
//!   "tables": [
//!     { "headings": ["Code", "Indicator", "Last quarter", "This quarter", "Target"],
//!       "columns": [
//!         { "heading": "Code", "role": "code" },
//!         { "heading": "Indicator", "role": "title" },
//!         { "heading": "Last quarter", "role": "value", "period": "previous" },
//!         { "heading": "This quarter", "role": "value", "period": "current" },
//!         { "heading": "Target", "role": "target", "period": "2024/25" } ] } ]
//! }
//! ```
//! A table is matched by its headings (case, spacing and punctuation aside).

use super::period::PeriodRef;
use super::roles::{self, ColumnGuess, ColumnRole, Confidence};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct Mapping {
    /// The format's version; this build reads 1.
    pub goldthread_mapping: u32,
    /// The reporting period "latest", "this quarter" and bare quarters
    /// speak for ("2024/25 Q3").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub period: Option<String>,
    /// Our own area in tables of several councils.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub area: Option<String>,
    #[serde(default)]
    pub tables: Vec<TableMapping>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TableMapping {
    pub headings: Vec<String>,
    pub columns: Vec<ColumnMapping>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ColumnMapping {
    pub heading: String,
    pub role: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub period: Option<String>,
}

/// A mapping file that cannot be used, with where.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct MappingError(pub String);

/// A table layout's identity: its headings, normalised.
pub fn layout_key<S: AsRef<str>>(headings: &[S]) -> String {
    headings
        .iter()
        .map(|h| roles::normalise(h.as_ref()))
        .collect::<Vec<_>>()
        .join("|")
}

impl Mapping {
    /// Reads and checks a mapping file's text.
    pub fn parse(text: &str) -> Result<Mapping, MappingError> {
        let mapping: Mapping = serde_json::from_str(text).map_err(|e| {
            MappingError(format!(
                "not a mapping file at line {}, column {}: {e}",
                e.line(),
                e.column()
            ))
        })?;
        if mapping.goldthread_mapping != 1 {
            return Err(MappingError(format!(
                "mapping version {} is not supported (this build reads version 1)",
                mapping.goldthread_mapping
            )));
        }
        if let Some(p) = &mapping.period
            && PeriodRef::parse_mapping(p).is_none_or(|p| !matches!(p, PeriodRef::Fixed(_)))
        {
            return Err(MappingError(format!(
                "\"period\": '{p}' is not a reporting period (write e.g. \"2024/25 Q3\", \"2024/25\" or \"2024-09\")"
            )));
        }
        for (t, table) in mapping.tables.iter().enumerate() {
            if table.columns.len() != table.headings.len() {
                return Err(MappingError(format!(
                    "tables[{t}]: {} headings but {} columns; give one column for each heading",
                    table.headings.len(),
                    table.columns.len()
                )));
            }
            for (c, column) in table.columns.iter().enumerate() {
                column_role(column).map_err(|e| {
                    MappingError(format!(
                        "tables[{t}].columns[{c}] ('{}'): {e}",
                        column.heading
                    ))
                })?;
            }
        }
        Ok(mapping)
    }

    /// The reporting period the mapping gives.
    pub fn reporting_period(&self) -> Option<goldthread_domain::Period> {
        match self.period.as_deref().and_then(PeriodRef::parse_mapping) {
            Some(PeriodRef::Fixed(p)) => Some(p),
            _ => None,
        }
    }

    /// The roles the user gave for a table with these headings.
    pub fn roles_for(&self, headings: &[String]) -> Option<Vec<ColumnGuess>> {
        let key = layout_key(headings);
        let table = self
            .tables
            .iter()
            .find(|t| layout_key(&t.headings) == key)?;
        table
            .columns
            .iter()
            .map(|c| {
                column_role(c).ok().map(|role| ColumnGuess {
                    role,
                    confidence: Confidence::Given,
                    why: "given in the mapping".to_string(),
                })
            })
            .collect()
    }

    pub fn knows(&self, headings: &[String]) -> bool {
        let key = layout_key(headings);
        self.tables.iter().any(|t| layout_key(&t.headings) == key)
    }

    /// Adds (or replaces) one table's roles.
    pub fn set(&mut self, headings: &[String], guesses: &[ColumnGuess]) {
        let key = layout_key(headings);
        self.tables.retain(|t| layout_key(&t.headings) != key);
        self.tables.push(TableMapping {
            headings: headings.to_vec(),
            columns: headings
                .iter()
                .zip(guesses)
                .map(|(h, g)| ColumnMapping {
                    heading: h.clone(),
                    role: g.role.name().to_string(),
                    period: g.role.period().map(PeriodRef::describe),
                })
                .collect(),
        });
    }

    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_default()
    }
}

fn column_role(column: &ColumnMapping) -> Result<ColumnRole, String> {
    let period = match &column.period {
        None => None,
        Some(p) => Some(PeriodRef::parse_mapping(p).ok_or_else(|| {
            format!("period '{p}' is not a period (write e.g. \"2024/25 Q1\", \"2024/25\", \"current\" or \"previous\")")
        })?),
    };
    ColumnRole::from_name(&column.role, period).ok_or_else(|| {
        format!(
            "role '{}' is not one of: {}",
            column.role,
            ColumnRole::NAMES.join(", ")
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_mapping_round_trips_and_bad_ones_say_where() {
        let headings = vec!["Code".to_string(), "Q1".to_string()];
        let mut m = Mapping {
            goldthread_mapping: 1,
            period: Some("2024/25 Q3".into()),
            ..Mapping::default()
        };
        m.set(
            &headings,
            &[
                ColumnGuess {
                    role: ColumnRole::Code,
                    confidence: Confidence::High,
                    why: String::new(),
                },
                ColumnGuess {
                    role: ColumnRole::Value(Some(PeriodRef::Previous)),
                    confidence: Confidence::Low,
                    why: String::new(),
                },
            ],
        );
        let back = Mapping::parse(&m.to_json()).unwrap();
        assert_eq!(back, m);
        let roles = back
            .roles_for(&["code".to_string(), " q1 ".to_string()])
            .unwrap();
        assert_eq!(roles[1].role, ColumnRole::Value(Some(PeriodRef::Previous)));

        let bad = m.to_json().replace("\"value\"", "\"valeu\"");
        let err = Mapping::parse(&bad).unwrap_err().0;
        assert!(
            err.contains("tables[0].columns[1] ('Q1'): role 'valeu' is not one of"),
            "{err}"
        );
        assert!(
            Mapping::parse("{\"goldthread_mapping\": 2}")
                .unwrap_err()
                .0
                .contains("version 2")
        );
        assert!(Mapping::parse("{").unwrap_err().0.contains("line 1"));
    }
}
