//! `ncodec serve`: a local web page that compares ncodec's codecs with the classical
//! ones on your own files, in the spirit of Squoosh.
//!
//! Drop a file on the page: the server finds out what it is ([`detect`]), codes it
//! with every contender that `ncodec eval` would run on it ([`analyze`]), and the page
//! shows sizes, rates, quality and times as they come in, with a side-by-side slider
//! for photos, players for speech and downloads of every coded and decoded file.
//!
//! The server listens on the loopback interface only; uploads are kept in one
//! temporary folder that is removed when the server stops. The figures are computed by
//! the same functions as `ncodec eval image|audio|bytes`, so a number in the page is the
//! number in `ncodec eval … --json` for that file.
//!
//! ```no_run
//! # async fn run() -> Result<(), ncodec_web::ServeError> {
//! let server = ncodec_web::Server::bind(ncodec_web::ServeOptions::default()).await?;
//! println!("open http://{}/", server.local_addr());
//! server.run_until_ctrl_c().await
//! # }
//! ```

#![warn(missing_docs)]

pub mod analyze;
mod assets;
pub mod detect;
mod error;
mod handlers;
pub mod jobs;
mod server;

pub use error::{ApiError, ServeError};
pub use server::{router, App, ServeOptions, Server, DEFAULT_MAX_UPLOAD, DEFAULT_PORT};
