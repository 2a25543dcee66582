//! `ncodec`: compress and decompress files with learned and adaptive models.

mod args;
mod commands;
mod output;
mod progress;
mod size;

use std::process::ExitCode;

use clap::Parser;

use args::{Cli, Command};

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Some(Command::Compress(args)) => {
            commands::code::run(&args, commands::code::Direction::Compress)
        }
        Some(Command::Decompress(args)) => {
            commands::code::run(&args, commands::code::Direction::Decompress)
        }
        Some(Command::Test(args)) => commands::test::run(&args),
        Some(Command::Info(args)) => commands::info::run(&args),
        Some(Command::Eval(command)) => commands::eval::run(&command),
        Some(Command::Demo(args)) => commands::demo::run(&args),
        Some(Command::Train(command)) => commands::train::run(&command),
        Some(Command::Serve(args)) => commands::serve::run(&args),
        None => {
            let direction = if cli.decompress {
                commands::code::Direction::Decompress
            } else {
                commands::code::Direction::Compress
            };
            commands::code::run(&cli.coding, direction)
        }
    };
    match result {
        Ok(code) => code,
        Err(err) => {
            eprintln!("ncodec: {err:#}");
            ExitCode::FAILURE
        }
    }
}
