//! Finds the `wurkerd` and `wurk` binaries that cargo built beside the test binary, or in the
//! directory named by `WURKER_BIN_DIR`.

use std::path::{Path, PathBuf};

/// Names a directory holding `wurkerd` and `wurk`, instead of the cargo target directory.
pub const BIN_DIR_ENV: &str = "WURKER_BIN_DIR";

/// The `wurkerd` binary under test.
///
/// # Panics
/// When the binary does not exist; the message says how to build it.
pub fn wurkerd_bin() -> PathBuf {
    binary("wurkerd")
}

/// The `wurk` binary under test.
///
/// # Panics
/// When the binary does not exist; the message says how to build it.
pub fn wurk_bin() -> PathBuf {
    binary("wurk")
}

fn binary(name: &str) -> PathBuf {
    let dir = bin_dir();
    let path = dir.join(name);
    assert!(
        path.is_file(),
        "the {name} binary is not at {}: build the workspace first (`cargo build --workspace`), \
         or run the tests with `cargo nextest run --workspace`, which builds every binary; \
         {BIN_DIR_ENV} names another directory",
        path.display()
    );
    path
}

/// `WURKER_BIN_DIR`, else the profile directory of the running test binary: cargo puts test
/// binaries in `…/target/<profile>/deps/` and the package binaries in `…/target/<profile>/`.
fn bin_dir() -> PathBuf {
    if let Some(dir) = std::env::var_os(BIN_DIR_ENV).filter(|dir| !dir.is_empty()) {
        return PathBuf::from(dir);
    }
    let exe = std::env::current_exe().expect("a running test binary knows its own path");
    let parent = exe.parent().unwrap_or(Path::new("."));
    match parent.file_name() {
        Some(name) if name == "deps" => parent.parent().unwrap_or(parent).to_path_buf(),
        _ => parent.to_path_buf(),
    }
}
