//! What one run of a binary produced, with the checks the tests make on it again and again.

use std::fmt;

use serde_json::Value;

/// The exit code and the output of a finished process.
#[derive(Debug, Clone)]
pub struct Outcome {
    /// The command line, for messages.
    pub command: String,
    /// The exit code; `None` when a signal ended the process.
    pub code: Option<i32>,
    pub stdout: String,
    pub stderr: String,
}

impl Outcome {
    /// Whether the process exited 0.
    pub fn success(&self) -> bool {
        self.code == Some(0)
    }

    /// Checks that the process exited 0.
    ///
    /// # Panics
    /// When it did not; the message shows the whole outcome.
    pub fn assert_ok(&self) -> &Self {
        assert!(self.success(), "expected success from {self}");
        self
    }

    /// Checks that the process exited 0 and printed nothing, as every write does.
    ///
    /// # Panics
    /// When it failed or printed something on stdout.
    pub fn assert_silent_ok(&self) -> &Self {
        self.assert_ok();
        assert!(
            self.stdout.is_empty(),
            "a write must print nothing on stdout: {self}"
        );
        self
    }

    /// Checks the exit code.
    ///
    /// # Panics
    /// When the process exited with another code or was killed.
    pub fn assert_code(&self, code: i32) -> &Self {
        assert_eq!(self.code, Some(code), "unexpected exit code from {self}");
        self
    }

    /// The JSON the process printed, after checking that it exited 0.
    ///
    /// # Panics
    /// When it failed or stdout is not one JSON document.
    pub fn json(&self) -> Value {
        self.assert_ok();
        serde_json::from_str(&self.stdout)
            .unwrap_or_else(|err| panic!("stdout is not JSON ({err}) from {self}"))
    }

    /// The message of a handled error, without its `Error: ` prefix, after checking `wurk`'s
    /// error contract: exit code 1, nothing on stdout, exactly one line `Error: …` on stderr.
    ///
    /// # Panics
    /// When any part of the contract is broken.
    pub fn error_message(&self) -> &str {
        self.assert_code(1);
        assert!(
            self.stdout.is_empty(),
            "an error must print nothing on stdout: {self}"
        );
        let text = self.stderr.strip_suffix('\n').unwrap_or(&self.stderr);
        assert!(
            !text.contains('\n'),
            "an error must be one line on stderr: {self}"
        );
        let message = text.strip_prefix("Error: ");
        let message = message.unwrap_or_else(|| panic!("stderr must start with 'Error: ': {self}"));
        assert!(
            !message.trim().is_empty(),
            "the error message is empty: {self}"
        );
        message
    }
}

impl fmt::Display for Outcome {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let code = self
            .code
            .map_or_else(|| "killed by a signal".to_string(), |c| c.to_string());
        write!(f, "`{}` (exit {code})", self.command)?;
        write!(
            f,
            "\n--- stdout ---\n{}\n--- stderr ---\n{}\n---",
            self.stdout, self.stderr
        )
    }
}
