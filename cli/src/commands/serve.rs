//! `ncodec serve`: the local web page (crate `ncodec-web`).

use std::io::Write;
use std::process::ExitCode;

use anyhow::{bail, Context, Result};
use ncodec_web::analyze::AnalyzeOptions;
use ncodec_web::{ServeOptions, Server};

use crate::args::ServeArgs;

/// Serves the page on 127.0.0.1 until Ctrl-C.
pub fn run(args: &ServeArgs) -> Result<ExitCode> {
    if args.workers == 0 {
        bail!("--workers must be at least 1");
    }
    if let Some(list) = &args.bytes_only {
        ncodec_web::analyze::bytes::contenders(Some(list))
            .map_err(|e| anyhow::anyhow!("--bytes-only: {e}"))?;
    }
    let options = ServeOptions {
        port: args.port,
        max_upload: args.max_upload,
        workers: args.workers,
        analyze: AnalyzeOptions {
            bytes_only: args.bytes_only.clone(),
        },
        ..ServeOptions::default()
    };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .context("cannot start the server's runtime")?;
    runtime.block_on(async {
        let server = Server::bind(options).await?;
        let mut out = std::io::stdout().lock();
        writeln!(out, "ncodec serve: http://{}/", server.local_addr())?;
        writeln!(
            out,
            "results are kept in {} until the server stops (Ctrl-C)",
            server.temp_dir().display()
        )?;
        out.flush()?;
        drop(out);
        server.run_until_ctrl_c().await?;
        eprintln!("ncodec serve: stopped, temporary files removed");
        Ok(ExitCode::SUCCESS)
    })
}
