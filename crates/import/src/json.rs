//! Goldthread's own interchange form: the serde JSON of a `PlanDocument`
//! wrapped as `{"goldthread": 1, "document": …}`, so export then import
//! gives back exactly what was exported.

use crate::ImportError;
use goldthread_domain::PlanDocument;
use serde::{Deserialize, Serialize};

const VERSION: u32 = 1;

#[derive(Serialize)]
struct Out<'a> {
    goldthread: u32,
    document: &'a PlanDocument,
}

#[derive(Deserialize)]
struct In {
    goldthread: serde_json::Value,
    document: serde_json::Value,
}

pub fn write(doc: &PlanDocument) -> String {
    // Serialising plain data with string keys cannot fail; keep a valid,
    // empty document rather than panic if it ever did.
    serde_json::to_string_pretty(&Out {
        goldthread: VERSION,
        document: doc,
    })
    .unwrap_or_else(|_| {
        format!("{{\"goldthread\": {VERSION}, \"document\": {{\"plans\": [], \"findings\": []}}}}")
    })
}

pub fn read(file_name: &str, bytes: &[u8]) -> Result<PlanDocument, ImportError> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let err = |e: serde_json::Error| ImportError::Json {
        file: file_name.to_string(),
        line: e.line(),
        column: e.column(),
        message: e.to_string(),
    };
    let wrapper: In = serde_json::from_slice(bytes).map_err(err)?;
    if wrapper.goldthread.as_u64() != Some(u64::from(VERSION)) {
        return Err(ImportError::UnsupportedVersion {
            file: file_name.to_string(),
            version: wrapper.goldthread.to_string(),
        });
    }
    serde_json::from_value(wrapper.document).map_err(err)
}
