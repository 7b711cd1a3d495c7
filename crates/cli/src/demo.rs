//! The demo data: five real council plans, compiled into the binary and
//! loaded through the importer like any user's file.

use anyhow::Context;
use goldthread_storage::Store;

pub const SAMPLES: &[(&str, &[u8])] = &[
    (
        "000_448249757217ab33.txt",
        include_bytes!("../demo/000_448249757217ab33.txt"),
    ),
    (
        "001_4d6717adc43464d8.txt",
        include_bytes!("../demo/001_4d6717adc43464d8.txt"),
    ),
    (
        "002_0acedfc7f13a67a4.txt",
        include_bytes!("../demo/002_0acedfc7f13a67a4.txt"),
    ),
    (
        "003_7622686e2fdd218b.txt",
        include_bytes!("../demo/003_7622686e2fdd218b.txt"),
    ),
    (
        "004_93f871951e45c92f.txt",
        include_bytes!("../demo/004_93f871951e45c92f.txt"),
    ),
];

/// Loads the samples into an empty database; leaves a database with plans alone.
pub async fn load(store: &Store) -> anyhow::Result<()> {
    if !store.list_plans().await?.is_empty() {
        tracing::info!("database already has plans; demo data not loaded");
        return Ok(());
    }
    for (name, bytes) in SAMPLES {
        let outcome = crate::import::store_bytes(store, name, bytes, "demo", Default::default())
            .await
            .with_context(|| format!("demo sample {name}"))?;
        tracing::info!(file = name, status = ?outcome.status, plans = outcome.plan_ids.len(), "loaded demo plan");
    }
    Ok(())
}
