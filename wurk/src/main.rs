//! The `wurk` binary: everything is in the library, so tests and this entry point share it.

use std::process::ExitCode;

fn main() -> ExitCode {
    wurk::main_entry()
}
