//! `wurk-tui`, Wurker's terminal dashboard. The dashboard is not part of this release: the
//! binary exists so that packaging and scripts can refer to it, and says so when run.

use std::process::ExitCode;

fn main() -> ExitCode {
    eprintln!(
        "Error: wurk-tui, the terminal dashboard, is not available in this release of Wurker; \
         use 'wurk show' and 'wurk report' instead"
    );
    ExitCode::from(1)
}
