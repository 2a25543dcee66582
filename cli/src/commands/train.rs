//! `ncodec train`: train the learned models (builds with `--features train` only).

use std::process::ExitCode;

use anyhow::Result;

use crate::args::TrainCommand;

/// Runs a training subcommand.
#[cfg(feature = "train")]
pub fn run(command: &TrainCommand) -> Result<ExitCode> {
    use ncodec_models::train::{ModelShape, TrainOptions};

    match command {
        TrainCommand::Text(args) => {
            let mut options = TrainOptions::new(args.data.clone(), args.out.clone());
            options.model = ModelShape {
                context: args.context,
                embed: args.embed,
                hidden1: args.hidden1,
                hidden2: args.hidden2,
            };
            options.batch = args.batch;
            options.lr = args.lr;
            options.seed = args.seed;
            let command_line = std::env::args().collect::<Vec<_>>().join(" ");
            let summary = ncodec_models::train_text(
                &options,
                args.resume,
                args.steps,
                args.minutes.map(|m| m * 60.0),
                &command_line,
                &mut |line| eprintln!("{line}"),
            )?;
            eprintln!(
                "done: {} steps in total, best valid {} bits/byte, {:.0} bytes/s",
                summary.steps,
                summary
                    .best_valid_bpb
                    .map_or("-".to_string(), |b| format!("{b:.4}")),
                summary.bytes_per_second
            );
            Ok(ExitCode::SUCCESS)
        }
        TrainCommand::Export(args) => {
            let report = ncodec_models::train::export_run(&args.run, args.positions)?;
            eprintln!(
                "wrote {} ({} bytes, model hash {:016x}): float {:.4} bpb, integer {:.4} bpb on {} bytes ({:+.2}%)",
                report.path.display(),
                report.bytes,
                report.model_hash,
                report.float_bpb,
                report.int_bpb,
                report.positions,
                100.0 * (report.int_bpb / report.float_bpb - 1.0)
            );
            Ok(ExitCode::SUCCESS)
        }
    }
}

/// Without the `train` feature: explain how to get a build that trains.
#[cfg(not(feature = "train"))]
pub fn run(_command: &TrainCommand) -> Result<ExitCode> {
    anyhow::bail!(
        "this ncodec was built without training support; build one with \
         `cargo build --profile train -p ncodec-cli --features train` \
         (it compiles burn, about 15 minutes the first time)"
    )
}
