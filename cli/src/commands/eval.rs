//! `ncodec eval bytes`: bits per byte and speed against classical compressors.

use std::io::IsTerminal;
use std::process::ExitCode;

use anyhow::{Context, Result};
use ncodec_evals::{all_contenders, run_bytes_eval, EvalOptions, Report, Selection};

use crate::args::{EvalCommand, EvalCommonArgs};

/// Runs an evaluation subcommand.
pub fn run(command: &EvalCommand) -> Result<ExitCode> {
    match command {
        EvalCommand::Bytes(args) => {
            let files = ncodec_datasets::read_files(&args.paths)?;
            evaluate(&files, &args.common)
        }
    }
}

/// Runs the bytes evaluation on named buffers, prints the table, writes JSON if asked.
/// Fails (non-zero exit) if any contender failed to round-trip any file.
pub fn evaluate(files: &[(String, Vec<u8>)], args: &EvalCommonArgs) -> Result<ExitCode> {
    anyhow::ensure!(!files.is_empty(), "no files to evaluate");
    let mut selection = Selection::all().with_baselines(!args.no_baselines);
    if let Some(only) = &args.only {
        // Keep xz-9e so every figure has its reference measured in the same run.
        let with_reference = if args.no_baselines {
            only.clone()
        } else {
            format!("{only},{}", ncodec_evals::XZ_REFERENCE)
        };
        selection = Selection::from_names(&with_reference).with_baselines(!args.no_baselines);
    }
    let contenders = selection.apply(all_contenders(args.threads))?;
    let show_progress = std::io::stderr().is_terminal();
    let progress = |msg: &str| {
        if show_progress {
            eprint!("\r\x1b[2K{msg}");
        }
    };
    let options = EvalOptions::default().repeats(args.repeats.max(1));
    let report = run_bytes_eval(files, &contenders, &options, &progress)?;
    if show_progress {
        eprint!("\r\x1b[2K");
    }
    print_report(&report, args)
}

fn print_report(report: &Report, args: &EvalCommonArgs) -> Result<ExitCode> {
    println!("{}", report.to_table());
    if let Some(path) = &args.json {
        std::fs::write(path, report.to_json_pretty()?)
            .with_context(|| format!("cannot write {}", path.display()))?;
        eprintln!("wrote {}", path.display());
    }
    let errors: Vec<_> = report.errors().collect();
    for row in &errors {
        eprintln!(
            "ncodec: {} on {}: {}",
            row.contender,
            row.file,
            row.error.as_deref().unwrap_or("failed")
        );
    }
    Ok(if errors.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}
