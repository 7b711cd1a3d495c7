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
    #[error("invalid data in {entity} {id}, field {field}: {message}")]
    Corrupt {
        entity: &'static str,
        id: i64,
        field: &'static str,
        message: String,
    },
    #[error("{0}")]
    Invalid(String),
}

impl StoreError {
    pub fn is_not_found(&self) -> bool {
        matches!(self, StoreError::NotFound { .. })
    }
}
