use thiserror::Error;

#[derive(Debug, Error)]
pub enum StoreError {
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
    #[error("unsupported database URL '{0}': use sqlite://PATH or postgres://…")]
    UnsupportedUrl(String),
    #[error("{entity} {id} not found")]
    NotFound { entity: &'static str, id: i64 },
    #[error(
        "{entity} {id} was changed by {changed_by} at {changed_at} (now version {current}, you edited version {expected}); reload it and apply your change again"
    )]
    Conflict {
        entity: &'static str,
        id: i64,
        expected: i64,
        current: i64,
        changed_by: String,
        changed_at: String,
        /// The record as it is now, as JSON, to show the user what changed.
        current_json: Option<String>,
    },
    #[error(
        "the database schema is at version {database}, newer than this build knows ({known}): upgrade goldthread"
    )]
    SchemaTooNew { database: i64, known: i64 },
    /// A value the database holds that the domain cannot read. Never
    /// defaulted or skipped: the record is named so it can be mended.
    #[error("{entity} {id}: {field} '{value}' is not {expected}")]
    Corrupt {
        entity: &'static str,
        id: i64,
        field: &'static str,
        value: String,
        /// What the value should be, with its article: "a period".
        expected: &'static str,
    },
    /// A stored row (or the history's copy of one) that does not fit the
    /// record's shape: a column missing or of the wrong type. Says which.
    #[error("{0}")]
    UnreadableRow(String),
    #[error("{0}")]
    Invalid(String),
    /// A name another record holds already (a plan's title and kind, the
    /// plan a roll forward would make): the form puts it on the field.
    #[error("{0}")]
    Taken(String),
}

impl StoreError {
    pub fn is_not_found(&self) -> bool {
        matches!(self, StoreError::NotFound { .. })
    }
}

/// A stored record, named so that a value in it the domain cannot read is
/// reported the one way ([`StoreError::Corrupt`]): table, id, field and
/// the value as stored.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Record {
    pub entity: &'static str,
    pub id: i64,
}

impl Record {
    pub(crate) fn new(entity: &'static str, id: i64) -> Record {
        Record { entity, id }
    }

    /// The error for `field` holding `value`, which is not `expected`.
    pub(crate) fn corrupt(
        self,
        field: &'static str,
        value: &str,
        expected: &'static str,
    ) -> StoreError {
        StoreError::Corrupt {
            entity: self.entity,
            id: self.id,
            field,
            value: value.to_string(),
            expected,
        }
    }

    /// Reads a value that must be readable.
    pub(crate) fn read<T>(
        self,
        field: &'static str,
        text: &str,
        expected: &'static str,
        parse: impl FnOnce(&str) -> Option<T>,
    ) -> Result<T, StoreError> {
        parse(text).ok_or_else(|| self.corrupt(field, text, expected))
    }

    /// Reads a value whose absence (NULL) means "none"; a value that is
    /// there must be readable.
    pub(crate) fn read_optional<T>(
        self,
        field: &'static str,
        text: Option<&str>,
        expected: &'static str,
        parse: impl FnOnce(&str) -> Option<T>,
    ) -> Result<Option<T>, StoreError> {
        text.map(|t| self.read(field, t, expected, parse))
            .transpose()
    }

    /// A stored ISO date (`YYYY-MM-DD`).
    pub(crate) fn date(
        self,
        field: &'static str,
        text: &str,
    ) -> Result<chrono::NaiveDate, StoreError> {
        self.read(field, text, "a date", |t| t.parse().ok())
    }

    /// A stored ISO date, or NULL for none.
    pub(crate) fn optional_date(
        self,
        field: &'static str,
        text: Option<&str>,
    ) -> Result<Option<chrono::NaiveDate>, StoreError> {
        text.map(|t| self.date(field, t)).transpose()
    }
}
