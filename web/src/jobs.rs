//! Jobs: one per upload. A job holds the upload's decoded content, its progress, the
//! result rows as they come in and the files behind them (in the job's own folder of
//! the server's temporary folder). The store keeps a bounded number of jobs and forgets
//! the oldest finished ones first, removing their files.

use std::collections::{HashMap, VecDeque};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, OnceLock};

use axum::http::StatusCode;
use image::RgbImage;
use ncodec_evals::images::Unavailable;
use serde::Serialize;

use crate::detect::Modality;
use crate::ApiError;

/// Where a job is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum State {
    /// Waiting for a worker.
    Queued,
    /// Being measured.
    Running,
    /// Every contender measured.
    Done,
    /// Stopped by an error (the file could not be read, say).
    Failed,
    /// Stopped on request; the rows measured so far stay.
    Cancelled,
}

impl State {
    /// Whether the job will not change any more.
    pub fn is_finished(self) -> bool {
        matches!(self, State::Done | State::Failed | State::Cancelled)
    }
}

/// One contender at one setting on the job's file.
#[derive(Debug, Clone, Serialize)]
pub struct ResultRow {
    /// Contender name, as in `ncodec eval`.
    pub contender: String,
    /// Setting (quality, level or bitrate; 0 when the contender has none).
    pub setting: u32,
    /// The setting as shown (`q40`, `level 2`, `6 kbps`).
    pub label: String,
    /// The figures: the point or row that `ncodec eval … --json` writes for this file.
    pub point: serde_json::Value,
    /// Name of the coded file (for `/api/jobs/{id}/files/{name}`).
    pub coded: Option<String>,
    /// Name of the decoded file (a PNG or a WAV).
    pub decoded: Option<String>,
    /// Why the coding failed.
    pub error: Option<String>,
}

/// What the page polls: a job's state, progress and results.
#[derive(Debug, Clone, Serialize)]
pub struct Status {
    /// Job id.
    pub id: u64,
    /// The uploaded file's name.
    pub name: String,
    /// The uploaded file's size in bytes.
    pub size: u64,
    /// Where the job is.
    pub state: State,
    /// Whether a cancel was asked for (the running coding finishes first).
    pub cancel_requested: bool,
    /// What the file is, once known.
    pub modality: Option<Modality>,
    /// Codings finished.
    pub done: usize,
    /// Codings planned.
    pub total: usize,
    /// The coding under way.
    pub current: Option<String>,
    /// Facts about the input (size in pixels, duration, the original's file name, the
    /// settings the quality slider offers…).
    pub info: serde_json::Value,
    /// The rows measured so far, in plan order (re-encodes from the slider last).
    pub results: Vec<ResultRow>,
    /// Contenders that cannot run in this build, and why.
    pub unavailable: Vec<Unavailable>,
    /// Why the job failed.
    pub error: Option<String>,
}

/// The decoded input a job keeps for re-encoding.
#[derive(Debug, Clone)]
pub enum Source {
    /// An 8-bit RGB photo.
    Image(RgbImage),
    /// 16 kHz mono samples.
    Speech(Vec<f32>),
    /// The raw bytes.
    Bytes(Vec<u8>),
}

/// A file a job offers for download or display.
#[derive(Debug, Clone)]
pub struct StoredFile {
    /// Where it is (absent for a file made on first request).
    pub path: PathBuf,
    /// Its MIME type.
    pub content_type: &'static str,
    /// The name a download gets.
    pub download_name: String,
    /// For files made on first request: the contender that makes them.
    pub lazy: Option<String>,
}

/// One upload and its measurements.
#[derive(Debug)]
pub struct Job {
    /// Job id.
    pub id: u64,
    /// The uploaded file's name (as the browser gave it).
    pub name: String,
    dir: PathBuf,
    cancel: AtomicBool,
    status: Mutex<Status>,
    files: Mutex<HashMap<String, StoredFile>>,
    source: OnceLock<Source>,
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

impl Job {
    /// A snapshot of the job's status.
    pub fn status(&self) -> Status {
        let mut status = lock(&self.status).clone();
        status.cancel_requested = self.is_cancelled();
        status
    }

    /// Changes the status under its lock.
    pub fn update<R>(&self, change: impl FnOnce(&mut Status) -> R) -> R {
        change(&mut lock(&self.status))
    }

    /// Adds a planned coding's row, counting it as done.
    pub fn push_result(&self, row: ResultRow) {
        self.update(|s| {
            s.results.push(row);
            s.done += 1;
        });
    }

    /// Adds a row asked for after the plan (a re-encode from the quality slider).
    pub fn push_extra(&self, row: ResultRow) {
        self.update(|s| s.results.push(row));
    }

    /// Asks the job to stop after the coding under way; a queued job stops at once.
    pub fn request_cancel(&self) {
        self.cancel.store(true, Ordering::SeqCst);
        self.update(|s| {
            if s.state == State::Queued {
                s.state = State::Cancelled;
            }
        });
    }

    /// Whether a cancel was asked for.
    pub fn is_cancelled(&self) -> bool {
        self.cancel.load(Ordering::SeqCst)
    }

    /// Ends the job in `state` (`Done`, `Failed` or `Cancelled`), with `error` for a failure.
    pub fn finish(&self, state: State, error: Option<String>) {
        self.update(|s| {
            s.state = state;
            s.current = None;
            if error.is_some() {
                s.error = error;
            }
        });
    }

    /// The job's folder.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Writes `bytes` to the job's folder as `name` and offers it for download as
    /// `download_name`.
    pub fn add_file(
        &self,
        name: &str,
        bytes: &[u8],
        content_type: &'static str,
        download_name: String,
    ) -> Result<(), String> {
        let path = self.dir.join(name);
        std::fs::write(&path, bytes).map_err(|e| format!("cannot write {name}: {e}"))?;
        lock(&self.files).insert(
            name.to_string(),
            StoredFile {
                path,
                content_type,
                download_name,
                lazy: None,
            },
        );
        Ok(())
    }

    /// Offers a file that `contender` makes when it is first asked for.
    pub fn add_lazy_file(
        &self,
        name: &str,
        content_type: &'static str,
        download_name: String,
        contender: &str,
    ) {
        lock(&self.files).insert(
            name.to_string(),
            StoredFile {
                path: self.dir.join(name),
                content_type,
                download_name,
                lazy: Some(contender.to_string()),
            },
        );
    }

    /// The file called `name`, if the job offers one.
    pub fn file(&self, name: &str) -> Option<StoredFile> {
        lock(&self.files).get(name).cloned()
    }

    /// Keeps the decoded input (once).
    pub fn set_source(&self, source: Source) {
        let _ = self.source.set(source);
    }

    /// The decoded input, once the job has read it.
    pub fn source(&self) -> Option<&Source> {
        self.source.get()
    }
}

/// The server's jobs, at most `capacity` of them.
#[derive(Debug)]
pub struct Jobs {
    root: PathBuf,
    capacity: usize,
    next_id: AtomicU64,
    inner: Mutex<JobList>,
}

#[derive(Debug, Default)]
struct JobList {
    order: VecDeque<u64>,
    by_id: HashMap<u64, Arc<Job>>,
}

impl Jobs {
    /// A store keeping its files under `root` and at most `capacity` jobs.
    pub fn new(root: PathBuf, capacity: usize) -> Self {
        Jobs {
            root,
            capacity: capacity.max(1),
            next_id: AtomicU64::new(1),
            inner: Mutex::new(JobList::default()),
        }
    }

    /// Registers a new queued job for the upload `name` of `size` bytes. When the store
    /// is full, the oldest finished job is forgotten (and its files removed); when every
    /// job is still running, the server is busy (503).
    pub fn create(&self, name: &str, size: u64) -> Result<Arc<Job>, ApiError> {
        let mut list = lock(&self.inner);
        while list.by_id.len() >= self.capacity {
            let oldest_finished = list
                .order
                .iter()
                .position(|id| list.by_id[id].status().state.is_finished());
            let Some(position) = oldest_finished else {
                return Err(ApiError::new(
                    StatusCode::SERVICE_UNAVAILABLE,
                    format!(
                        "the server is busy with {} files; wait for some to finish or cancel them, then upload again",
                        list.by_id.len()
                    ),
                ));
            };
            if let Some(id) = list.order.remove(position) {
                if let Some(job) = list.by_id.remove(&id) {
                    let _ = std::fs::remove_dir_all(&job.dir);
                }
            }
        }
        let id = self.next_id.fetch_add(1, Ordering::Relaxed);
        let dir = self.root.join(format!("job-{id}"));
        std::fs::create_dir_all(&dir)
            .map_err(|e| ApiError::internal(format!("cannot create the job's folder: {e}")))?;
        let job = Arc::new(Job {
            id,
            name: name.to_string(),
            dir,
            cancel: AtomicBool::new(false),
            status: Mutex::new(Status {
                id,
                name: name.to_string(),
                size,
                state: State::Queued,
                cancel_requested: false,
                modality: None,
                done: 0,
                total: 0,
                current: None,
                info: serde_json::json!({}),
                results: Vec::new(),
                unavailable: Vec::new(),
                error: None,
            }),
            files: Mutex::new(HashMap::new()),
            source: OnceLock::new(),
        });
        list.order.push_back(id);
        list.by_id.insert(id, job.clone());
        Ok(job)
    }

    /// The job `id`.
    pub fn get(&self, id: u64) -> Result<Arc<Job>, ApiError> {
        lock(&self.inner).by_id.get(&id).cloned().ok_or_else(|| {
            ApiError::not_found(format!(
                "no job {id}: it finished long ago and was forgotten, or the server restarted; upload the file again"
            ))
        })
    }

    /// How many jobs the store holds.
    pub fn len(&self) -> usize {
        lock(&self.inner).by_id.len()
    }

    /// Whether the store holds no job.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_full_store_forgets_the_oldest_finished_job_and_its_files() {
        let root = tempfile::tempdir().unwrap();
        let jobs = Jobs::new(root.path().to_path_buf(), 2);
        let first = jobs.create("a", 1).unwrap();
        let second = jobs.create("b", 1).unwrap();
        first
            .add_file("x.bin", b"x", "application/octet-stream", "x".into())
            .unwrap();
        let busy = jobs.create("c", 1).unwrap_err();
        assert_eq!(busy.status, StatusCode::SERVICE_UNAVAILABLE);
        first.finish(State::Done, None);
        let third = jobs.create("c", 1).unwrap();
        assert!(jobs.get(first.id).is_err());
        assert!(!first.dir().exists());
        assert!(jobs.get(second.id).is_ok() && jobs.get(third.id).is_ok());
        assert_eq!(jobs.len(), 2);
    }

    #[test]
    fn cancelling_a_queued_job_ends_it_at_once() {
        let root = tempfile::tempdir().unwrap();
        let jobs = Jobs::new(root.path().to_path_buf(), 4);
        let job = jobs.create("a", 1).unwrap();
        job.request_cancel();
        let status = job.status();
        assert_eq!(status.state, State::Cancelled);
        assert!(status.cancel_requested);
    }
}
