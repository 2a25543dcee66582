//! `ncodec demo`: the bytes evaluation on the sample set built into the binary.

use std::process::ExitCode;

use anyhow::Result;

use crate::args::DemoArgs;

/// Runs the demo.
pub fn run(args: &DemoArgs) -> Result<ExitCode> {
    let samples = ncodec_datasets::samples();
    eprintln!(
        "ncodec demo: {} built-in sample files ({} bytes); every output is decoded and checked.",
        samples.len(),
        samples.iter().map(|s| s.bytes.len()).sum::<usize>()
    );
    for sample in samples {
        eprintln!(
            "  {:<24} {:>8} bytes  {}",
            sample.name,
            sample.bytes.len(),
            sample.license
        );
    }
    super::eval::evaluate(&ncodec_datasets::sample_files(), &args.common)
}
