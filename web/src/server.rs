//! The server: options, the shared state, the routes, and the loop that serves them on
//! the loopback interface until told to stop.

use std::future::Future;
use std::net::{Ipv4Addr, SocketAddr};
use std::path::Path;
use std::sync::Arc;

use axum::routing::{get, post};
use axum::Router;
use tokio::net::TcpListener;
use tokio::sync::Semaphore;

use crate::analyze::{self, AnalyzeOptions};
use crate::handlers;
use crate::jobs::{Job, Jobs, State};
use crate::ServeError;

/// The port `ncodec serve` listens on unless told otherwise.
pub const DEFAULT_PORT: u16 = 7878;

/// The largest upload taken by default: 64 MiB.
pub const DEFAULT_MAX_UPLOAD: usize = 64 << 20;

/// How `ncodec serve` runs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServeOptions {
    /// Port on 127.0.0.1 (0: any free port; [`Server::local_addr`] tells which).
    pub port: u16,
    /// The largest upload in bytes; larger ones are refused with a message.
    pub max_upload: usize,
    /// Files measured at once (each measurement codes one thing at a time).
    pub workers: usize,
    /// Jobs kept (running, queued and finished); the oldest finished go first.
    pub max_jobs: usize,
    /// What jobs measure.
    pub analyze: AnalyzeOptions,
}

impl Default for ServeOptions {
    fn default() -> Self {
        ServeOptions {
            port: DEFAULT_PORT,
            max_upload: DEFAULT_MAX_UPLOAD,
            workers: 1,
            max_jobs: 64,
            analyze: AnalyzeOptions::default(),
        }
    }
}

/// What the handlers share.
#[derive(Debug)]
pub(crate) struct AppState {
    pub jobs: Jobs,
    pub max_upload: usize,
    pub workers: Arc<Semaphore>,
    pub analyze: AnalyzeOptions,
    temp: tempfile::TempDir,
}

impl AppState {
    fn new(options: &ServeOptions) -> Result<Self, ServeError> {
        let temp = tempfile::Builder::new()
            .prefix("ncodec-serve-")
            .tempdir()
            .map_err(ServeError::TempDir)?;
        Ok(AppState {
            jobs: Jobs::new(temp.path().to_path_buf(), options.max_jobs),
            max_upload: options.max_upload,
            workers: Arc::new(Semaphore::new(options.workers.max(1))),
            analyze: options.analyze.clone(),
            temp,
        })
    }

    /// Queues `input` of `job` for a worker.
    pub fn start(self: &Arc<Self>, job: Arc<Job>, input: Vec<u8>) {
        let state = self.clone();
        tokio::spawn(async move {
            let Ok(_permit) = state.workers.clone().acquire_owned().await else {
                job.finish(State::Failed, Some("the server is shutting down".into()));
                return;
            };
            if job.is_cancelled() {
                job.finish(State::Cancelled, None);
                return;
            }
            let options = state.analyze.clone();
            let worker_job = job.clone();
            let outcome =
                tokio::task::spawn_blocking(move || analyze::run(&worker_job, input, &options))
                    .await;
            if let Err(crash) = outcome {
                job.finish(
                    State::Failed,
                    Some(format!(
                        "the measurement stopped unexpectedly ({crash}); the server is still running, try another file"
                    )),
                );
            }
        });
    }
}

/// The routes of the page and its API, for a server or a test.
///
/// | route | what |
/// |---|---|
/// | `GET /` | the page (`/app.js`, `/style.css` beside it) |
/// | `GET /api/config` | upload limit and the settings the page measures |
/// | `POST /api/jobs?name=FILE` | upload a file (the body) → the new job's status |
/// | `GET /api/jobs/{id}` | a job's state, progress and result rows |
/// | `POST /api/jobs/{id}/cancel` | stop a job after the coding under way |
/// | `POST /api/jobs/{id}/recode?contender=webp&setting=55` | one more coding of a photo (quality slider) |
/// | `GET /api/jobs/{id}/files/{name}[?download=1]` | a coded or decoded file |
pub fn router(app: &App) -> Router {
    Router::new()
        .route("/", get(handlers::index))
        .route("/app.js", get(handlers::app_js))
        .route("/style.css", get(handlers::style_css))
        .route("/api/config", get(handlers::config))
        .route("/api/jobs", post(handlers::upload))
        .route("/api/jobs/{id}", get(handlers::status))
        .route("/api/jobs/{id}/cancel", post(handlers::cancel))
        .route("/api/jobs/{id}/recode", post(handlers::recode))
        .route("/api/jobs/{id}/files/{name}", get(handlers::file))
        .with_state(app.state.clone())
}

/// The server's state without a socket: jobs, their temporary folder and the options.
/// Dropping the last handle removes the folder.
#[derive(Debug, Clone)]
pub struct App {
    pub(crate) state: Arc<AppState>,
}

impl App {
    /// A fresh state with its own temporary folder.
    pub fn new(options: &ServeOptions) -> Result<Self, ServeError> {
        Ok(App {
            state: Arc::new(AppState::new(options)?),
        })
    }

    /// The folder that holds the uploads' results.
    pub fn temp_dir(&self) -> &Path {
        self.state.temp.path()
    }

    /// The routes (see [`router`]).
    pub fn router(&self) -> Router {
        router(self)
    }
}

/// A bound, not yet serving, `ncodec serve`.
#[derive(Debug)]
pub struct Server {
    listener: TcpListener,
    app: App,
}

impl Server {
    /// Listens on `127.0.0.1:port` (never on another interface).
    pub async fn bind(options: ServeOptions) -> Result<Self, ServeError> {
        let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, options.port))
            .await
            .map_err(|source| ServeError::Bind {
                port: options.port,
                source,
            })?;
        Ok(Server {
            listener,
            app: App::new(&options)?,
        })
    }

    /// The address listened on.
    pub fn local_addr(&self) -> SocketAddr {
        self.listener
            .local_addr()
            .unwrap_or_else(|_| SocketAddr::from((Ipv4Addr::LOCALHOST, 0)))
    }

    /// The temporary folder of the uploads (removed when the server stops).
    pub fn temp_dir(&self) -> &Path {
        self.app.temp_dir()
    }

    /// Serves until `shutdown` completes, then removes the temporary folder.
    pub async fn run_until(
        self,
        shutdown: impl Future<Output = ()> + Send + 'static,
    ) -> Result<(), ServeError> {
        let router = self.app.router();
        let folder = self.app.temp_dir().to_path_buf();
        let served = axum::serve(self.listener, router)
            .with_graceful_shutdown(shutdown)
            .await;
        // Workers may still hold jobs; the folder goes now, whoever holds the state.
        let _ = std::fs::remove_dir_all(&folder);
        served.map_err(ServeError::Io)
    }

    /// Serves until Ctrl-C (or, on Unix, SIGTERM).
    pub async fn run_until_ctrl_c(self) -> Result<(), ServeError> {
        self.run_until(stop_signal()).await
    }
}

async fn stop_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        match signal(SignalKind::terminate()) {
            Ok(mut term) => {
                tokio::select! {
                    _ = tokio::signal::ctrl_c() => {}
                    _ = term.recv() => {}
                }
            }
            Err(_) => {
                let _ = tokio::signal::ctrl_c().await;
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}
