//! Reading the JSON document that `add` and `edit` send: from INFILE, or from standard input
//! when INFILE is `-`. The text goes to the daemon unchanged; judging it is the daemon's job.

use std::io::{IsTerminal as _, Read as _, Write as _};
use std::path::Path;

use anyhow::Context as _;

/// What the original printed before waiting for a person to type a document.
const PROMPT: &str = "Please enter JSON data. When done, press Ctrl-D to finish:";

/// Reads the whole document named by `infile` (`-` is standard input). When standard input is
/// a terminal, a prompt on stderr first tells the person how to finish.
///
/// # Errors
/// `cannot read <path>: <cause>` when the file or standard input cannot be read or is not
/// UTF-8 text.
pub fn read_document(infile: &Path) -> anyhow::Result<String> {
    if infile.as_os_str() != "-" {
        return std::fs::read_to_string(infile)
            .with_context(|| format!("cannot read {}", infile.display()));
    }

    let mut stdin = std::io::stdin().lock();
    if stdin.is_terminal() {
        // A prompt that cannot be shown does not stop the person from typing.
        let _ = writeln!(std::io::stderr(), "{PROMPT}");
    }

    let mut text = String::new();
    stdin
        .read_to_string(&mut text)
        .context("cannot read standard input")?;
    Ok(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_a_file_unchanged() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("bee.json");
        std::fs::write(&path, " {\"slug\": \"b\"}\n").unwrap();
        assert_eq!(read_document(&path).unwrap(), " {\"slug\": \"b\"}\n");
    }

    #[test]
    fn missing_file_names_the_path() {
        let err = read_document(Path::new("/no/such/file.json")).unwrap_err();
        let text = format!("{err:#}");
        assert!(
            text.starts_with("cannot read /no/such/file.json: "),
            "{text}"
        );
    }
}
