//! A batch of card photos read in the background (a box of 50 cards):
//! progress, results as they come, cancel. Nothing is written: each result
//! is reviewed and saved on its own (`card_save`).
//!
//! Workers: one per core (at most 4), each running one Tesseract process at
//! a time, so a 2-core laptop reads two cards at once and the UI's
//! connection is never held.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use base64::Engine as _;
use daifuku::ApiError;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::{scan_bytes, CardScan, OcrEngine};

/// One photo of a batch: its name and bytes (base64), or a path the host can read.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct CardFile {
    pub name: String,
    #[serde(default)]
    #[ts(optional)]
    pub base64: Option<String>,
    #[serde(default)]
    #[ts(optional)]
    pub path: Option<String>,
}

impl CardFile {
    pub fn bytes(&self) -> Result<Vec<u8>, ApiError> {
        match (&self.base64, &self.path) {
            (Some(b), _) => base64::engine::general_purpose::STANDARD
                .decode(b.as_bytes())
                .map_err(|_| ApiError::new("invalid_base64", "the image is not valid base64")),
            (None, Some(p)) => {
                let len = std::fs::metadata(p).map(|m| m.len()).unwrap_or(0);
                if len > crate::load::MAX_FILE_BYTES as u64 {
                    return Err(crate::load::too_large(format!("{} MB", len / (1024 * 1024))));
                }
                std::fs::read(p).map_err(|e| ApiError::new("file_unreadable", format!("{p}: {e}")))
            }
            (None, None) => Err(ApiError::new("usage", "give the image's base64 or path")),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum CardJobState {
    Running,
    Done,
    Cancelled,
}

/// One photo's result.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct CardBatchItem {
    /// Its position in the batch.
    pub index: u32,
    pub name: String,
    pub scan: Option<CardScan>,
    pub error: Option<ApiError>,
}

/// Where a batch is. `items`: results from the `since` asked for, in the
/// batch's order of finishing.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct CardJobStatus {
    pub id: String,
    pub state: CardJobState,
    pub done: u32,
    pub total: u32,
    pub cancel_requested: bool,
    pub items: Vec<CardBatchItem>,
}

struct CardJob {
    id: String,
    total: u32,
    cancel: AtomicBool,
    next: AtomicUsize,
    running_workers: AtomicUsize,
    items: Mutex<Vec<CardBatchItem>>,
}

impl CardJob {
    fn status(&self, since: usize) -> CardJobStatus {
        let items = self.items.lock().unwrap_or_else(|e| e.into_inner());
        let done = items.len() as u32;
        let workers = self.running_workers.load(Ordering::SeqCst);
        let cancel = self.cancel.load(Ordering::SeqCst);
        let state = if workers > 0 {
            CardJobState::Running
        } else if cancel && done < self.total {
            CardJobState::Cancelled
        } else {
            CardJobState::Done
        };
        CardJobStatus {
            id: self.id.clone(),
            state,
            done,
            total: self.total,
            cancel_requested: cancel,
            items: items.iter().skip(since).cloned().collect(),
        }
    }
}

/// The host's card batches.
#[derive(Default)]
pub struct CardJobs {
    inner: Mutex<(u64, BTreeMap<u64, Arc<CardJob>>)>,
}

/// Finished batches remembered for late polls.
const KEEP_FINISHED: usize = 8;

impl CardJobs {
    pub fn new() -> CardJobs {
        CardJobs::default()
    }

    fn get(&self, id: &str) -> Result<Arc<CardJob>, ApiError> {
        let n: u64 = id.strip_prefix("cards-").and_then(|n| n.parse().ok()).unwrap_or(u64::MAX);
        self.inner
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .1
            .get(&n)
            .cloned()
            .ok_or_else(|| ApiError::not_found("job", id))
    }

    /// Starts reading `files` in the background; answers at once.
    pub fn start(&self, files: Vec<CardFile>, engine: OcrEngine) -> Result<CardJobStatus, ApiError> {
        if files.is_empty() {
            return Err(ApiError::new("usage", "choose one or more card images"));
        }
        engine.check()?;
        let (id, job) = {
            let mut inner = self.inner.lock().unwrap_or_else(|e| e.into_inner());
            inner.0 += 1;
            let n = inner.0;
            let id = format!("cards-{n}");
            let job = Arc::new(CardJob {
                id: id.clone(),
                total: files.len() as u32,
                cancel: AtomicBool::new(false),
                next: AtomicUsize::new(0),
                running_workers: AtomicUsize::new(0),
                items: Mutex::new(Vec::new()),
            });
            let finished: Vec<u64> = inner
                .1
                .iter()
                .filter(|(_, j)| j.running_workers.load(Ordering::SeqCst) == 0)
                .map(|(n, _)| *n)
                .collect();
            for n in finished.iter().take(finished.len().saturating_sub(KEEP_FINISHED)) {
                inner.1.remove(n);
            }
            inner.1.insert(n, job.clone());
            (id, job)
        };
        let workers = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(2).clamp(1, 4).min(files.len());
        let files = Arc::new(files);
        job.running_workers.store(workers, Ordering::SeqCst);
        for w in 0..workers {
            let (worker, files, engine) = (job.clone(), files.clone(), engine.clone());
            let spawned = std::thread::Builder::new().name(format!("{id}-{w}")).spawn(move || {
                let job = worker;
                loop {
                    if job.cancel.load(Ordering::SeqCst) {
                        break;
                    }
                    let i = job.next.fetch_add(1, Ordering::SeqCst);
                    let Some(file) = files.get(i) else { break };
                    let result = file.bytes().and_then(|b| scan_bytes(&b, &engine, true));
                    let item = CardBatchItem {
                        index: i as u32,
                        name: file.name.clone(),
                        scan: result.as_ref().ok().cloned(),
                        error: result.err(),
                    };
                    job.items.lock().unwrap_or_else(|e| e.into_inner()).push(item);
                }
                job.running_workers.fetch_sub(1, Ordering::SeqCst);
            });
            if spawned.is_err() {
                job.running_workers.fetch_sub(1, Ordering::SeqCst);
            }
        }
        Ok(job.status(0))
    }

    /// Where a batch is; results from `since` on.
    pub fn progress(&self, id: &str, since: u32) -> Result<CardJobStatus, ApiError> {
        Ok(self.get(id)?.status(since as usize))
    }

    /// Stops a batch after the cards being read now; results so far stay.
    pub fn cancel(&self, id: &str) -> Result<CardJobStatus, ApiError> {
        let job = self.get(id)?;
        job.cancel.store(true, Ordering::SeqCst);
        Ok(job.status(usize::MAX))
    }

    /// Waits until a batch has finished (tests, the CLI).
    pub fn wait(&self, id: &str) -> Result<CardJobStatus, ApiError> {
        let job = self.get(id)?;
        while job.running_workers.load(Ordering::SeqCst) > 0 {
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
        Ok(job.status(0))
    }
}
