//! The table mappings the store remembers, as the importer's [`Mapping`]:
//! storage keeps each table layout's mapping as JSON and does not depend on
//! the importer, so the web app and the CLI build the mapping here.

use goldthread_import::Mapping;
use goldthread_import::tables::mapping::layout_key;
use goldthread_storage::{Store, StoreError};

/// An empty mapping of this build's version.
pub fn empty() -> Mapping {
    Mapping {
        goldthread_mapping: 1,
        ..Mapping::default()
    }
}

/// Every remembered table layout as one mapping. A remembered table this
/// build cannot read (a role renamed since) is left out, with a warning.
pub async fn remembered(store: &Store) -> Result<Mapping, StoreError> {
    let mut mapping = empty();
    for saved in store.saved_mappings().await? {
        // Checked as a mapping file is.
        let file = format!(
            r#"{{"goldthread_mapping": 1, "tables": [{}]}}"#,
            saved.mapping
        );
        match Mapping::parse(&file) {
            Ok(one) => mapping.tables.extend(one.tables),
            Err(e) => tracing::warn!(
                layout = saved.layout_key,
                "a remembered table mapping cannot be read: {e}"
            ),
        }
    }
    Ok(mapping)
}

/// What to read with: the given mapping (a file, the user's choices), and
/// the remembered layouts it does not know.
pub fn combine(given: Option<&Mapping>, remembered: &Mapping) -> Option<Mapping> {
    if given.is_none() && remembered.tables.is_empty() {
        return None;
    }
    let mut mapping = given.cloned().unwrap_or_else(empty);
    for table in &remembered.tables {
        if !mapping.knows(&table.headings) {
            mapping.tables.push(table.clone());
        }
    }
    Some(mapping)
}

/// Remembers every table of `mapping` under its layout.
pub async fn remember(
    store: &Store,
    mapping: &Mapping,
    actor: &goldthread_storage::Actor,
) -> Result<(), StoreError> {
    for table in &mapping.tables {
        let json = serde_json::to_string(table)
            .map_err(|e| StoreError::Invalid(format!("cannot write a table mapping: {e}")))?;
        store
            .remember_mapping(&layout_key(&table.headings), &json, actor)
            .await?;
    }
    Ok(())
}
