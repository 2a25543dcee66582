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
    // The server writes to sockets that browsers close at will: there a closed
    // connection must stay an error, not a signal that stops the process.
    if !matches!(cli.command, Some(Command::Serve(_))) {
        restore_sigpipe();
    }
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

/// Rust ignores SIGPIPE, which turns a closed pipe (`ncodec info f.ncz | head -1`) into a
/// panic on the next print; like other command-line tools, ncodec then just stops.
/// Output files are written to a temporary file and renamed, so none is left half-made.
fn restore_sigpipe() {
    #[cfg(unix)]
    // SAFETY: setting a signal's action to its default at start-up, before any thread
    // exists, has no memory-safety preconditions.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
}
