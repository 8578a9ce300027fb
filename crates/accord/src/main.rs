//! The `accord` command: parses arguments and calls the library crates, nothing more.
//!
//! Exit codes: 0 success; 1 failure of the machine (database unreachable, file not writable); 2 usage error;
//! 3 invalid input (a file that is not UTF-8, not XML, not Akoma Ntoso; a party CSV with a bad row, each named
//! `FILE: row R, column C: …`); 4 not found (unknown draft or revision); 5 conflict (revisions of different drafts, a clashing slug); 6 the record does not verify
//! (`accord verify` found an entry that does not match its hash chain).

mod amendments;
mod cli;
mod consultations;
mod opinions;
mod rounds;

use clap::Parser;
use std::process::ExitCode;

fn main() -> ExitCode {
    let args = cli::Args::parse();
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("accord: cannot start the async runtime: {error}");
            return ExitCode::from(1);
        }
    };
    match runtime.block_on(cli::run(args)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(failure) => {
            eprintln!("accord: {:#}", failure.error);
            ExitCode::from(failure.code)
        }
    }
}
