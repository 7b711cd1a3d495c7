//! Documents are read off the async runtime, a few at a time: reading a
//! large workbook is seconds of CPU, and on the runtime's threads it would
//! stall every other request. A bounded queue waits for a reader; past it
//! the upload is told to come back (503 with `Retry-After`) rather than
//! piling up in memory.

use crate::error::WebError;
use goldthread_import::{ImportError, ReadDocument, ReadOptions};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use tokio::sync::Semaphore;

pub struct DocumentReaders {
    reading: Arc<Semaphore>,
    waiting: AtomicUsize,
    max_waiting: usize,
}

impl Default for DocumentReaders {
    /// Two readers (the machine's cores, less one for the pages) and room
    /// for eight uploads to wait.
    fn default() -> Self {
        DocumentReaders::new(2, 8)
    }
}

impl DocumentReaders {
    pub fn new(readers: usize, max_waiting: usize) -> Self {
        DocumentReaders {
            reading: Arc::new(Semaphore::new(readers.max(1))),
            waiting: AtomicUsize::new(0),
            max_waiting,
        }
    }

    /// Reads a document on the blocking pool once a reader is free, or
    /// answers [`WebError::Busy`] at once when too many already wait.
    pub async fn read(
        &self,
        file_name: String,
        bytes: Arc<[u8]>,
        options: ReadOptions,
    ) -> Result<Result<ReadDocument, ImportError>, WebError> {
        if self.waiting.fetch_add(1, Ordering::SeqCst) >= self.max_waiting {
            self.waiting.fetch_sub(1, Ordering::SeqCst);
            return Err(WebError::Busy);
        }
        let permit = self.reading.clone().acquire_owned().await;
        self.waiting.fetch_sub(1, Ordering::SeqCst);
        let permit = permit.map_err(|_| WebError::Busy)?;
        let read = tokio::task::spawn_blocking(move || {
            let _reader = permit;
            goldthread_import::read_document_with(&file_name, &bytes, &options)
        })
        .await;
        read.map_err(|e| WebError::BadRequest(format!("the document could not be read: {e}")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_full_queue_answers_busy_at_once() {
        let readers = DocumentReaders::new(1, 0);
        let bytes: Arc<[u8]> = Arc::from(&b"Code\tAction\nA1\tDo it\n"[..]);
        let err = readers
            .read("plan.txt".into(), bytes, ReadOptions::default())
            .await
            .unwrap_err();
        assert!(matches!(err, WebError::Busy));

        let readers = DocumentReaders::new(1, 1);
        let bytes: Arc<[u8]> =
            Arc::from(&b"Code\tAction\tLead Officer\nA1\tDo it\tHead of Housing\n"[..]);
        let read = readers
            .read("plan.txt".into(), bytes, ReadOptions::default())
            .await
            .unwrap()
            .unwrap();
        assert_eq!(read.document.counts().actions, 1);
    }
}
