//! `ncodec test`: decode files fully, checking every checksum, writing nothing.

use std::path::Path;
use std::process::ExitCode;

use anyhow::Result;

use crate::args::TestArgs;

/// Verifies each file; reports each failure and goes on.
pub fn run(args: &TestArgs) -> Result<ExitCode> {
    let mut failed = false;
    for file in &args.files {
        let name = if file.as_os_str() == "-" {
            "(stdin)".to_string()
        } else {
            file.display().to_string()
        };
        match super::code::verify_file(Path::new(file), args.threads) {
            Ok(bytes) => {
                if !args.quiet {
                    eprintln!("{name}: OK ({bytes} bytes)");
                }
            }
            Err(err) => {
                eprintln!("ncodec: {name}: {err:#}");
                failed = true;
            }
        }
    }
    Ok(if failed {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    })
}
