//! Runs the bits-per-byte eval and prints the table.
//!
//! ```text
//! cargo run --release -p ncodec-evals --example bytes_eval -- \
//!     [--contenders a,b] [--no-baselines] [--no-ncodec] [--repeats N] [--threads N] [--json] [PATH...]
//! ```
//!
//! Without paths it uses the embedded sample set.

use std::path::PathBuf;

use ncodec_evals::{all_contenders, run_bytes_eval, EvalOptions, Selection};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut selection = Selection::all();
    let mut opts = EvalOptions::default();
    let mut threads = 1;
    let mut json = false;
    let mut paths = Vec::new();
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--contenders" => {
                let list = args.next().ok_or("--contenders needs a value")?;
                selection.names = Selection::from_names(&list).names;
            }
            "--no-baselines" => selection = selection.with_baselines(false),
            "--no-ncodec" => selection = selection.with_ncodec(false),
            "--repeats" => {
                opts = opts.repeats(args.next().ok_or("--repeats needs a value")?.parse()?)
            }
            "--threads" => threads = args.next().ok_or("--threads needs a value")?.parse()?,
            "--json" => json = true,
            _ => paths.push(PathBuf::from(arg)),
        }
    }
    let files = if paths.is_empty() {
        ncodec_datasets::sample_files()
    } else {
        ncodec_datasets::read_files(&paths)?
    };
    let contenders = selection.apply(all_contenders(threads))?;
    let report = run_bytes_eval(&files, &contenders, &opts, &|msg| eprintln!("{msg}"))?;
    if json {
        println!("{}", report.to_json_pretty()?);
    } else {
        print!("{}", report.to_table());
    }
    Ok(())
}
