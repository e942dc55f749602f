use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = hookscope::cli::Cli::parse();
    hookscope::cli::run(cli)
}
