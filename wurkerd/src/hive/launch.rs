//! Turning a Bee into a process: the argv of an executable (never through a shell) or the
//! PyBee runner with its module, the environment every Bee gets, its own process group, and
//! its output pipes.

use std::path::{Path, PathBuf};
use std::process::Stdio;

use serde_json::Value;

use crate::hive::output::ChildEnds;

/// What a run executes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Program {
    /// An executable and its arguments, `argv[0]` first.
    Exec { argv: Vec<String> },
    /// A PyBee: the module whose `run(**kwargs)` is called, and the kwargs as JSON text.
    PyBee { module: String, kwargs: String },
}

impl Program {
    /// The program of a Command (`command`, `is_module`) run with `args`.
    ///
    /// # Errors
    /// A message naming what is wrong: an empty command, words that do not split, args of the
    /// wrong kind.
    pub fn of(command: &str, is_module: bool, args: Option<&Value>) -> Result<Self, String> {
        if is_module {
            let kwargs = match args {
                None | Some(Value::Null) => "{}".to_string(),
                Some(value @ Value::Object(_)) => value.to_string(),
                Some(_) => return Err("PyBee args must be an object of keyword arguments".into()),
            };
            return Ok(Program::PyBee {
                module: command.trim().to_string(),
                kwargs,
            });
        }
        let mut argv = shell_words::split(command)
            .map_err(|err| format!("the command '{command}' cannot be split into words: {err}"))?;
        if argv.is_empty() {
            return Err("the command is empty".into());
        }
        argv.extend(arg_words(args)?);
        Ok(Program::Exec { argv })
    }
}

/// An executable Bee's args as words: a list (numbers written out) or a string split with
/// shell rules.
fn arg_words(args: Option<&Value>) -> Result<Vec<String>, String> {
    match args {
        None | Some(Value::Null) => Ok(Vec::new()),
        Some(Value::String(text)) => shell_words::split(text)
            .map_err(|err| format!("the args '{text}' cannot be split into words: {err}")),
        Some(Value::Array(items)) => items
            .iter()
            .map(|item| match item {
                Value::String(text) => Ok(text.clone()),
                Value::Number(number) => Ok(number.to_string()),
                other => Err(format!("args must be strings or numbers, not {other}")),
            })
            .collect(),
        Some(_) => Err("args must be a list of words or a string".into()),
    }
}

/// What every process of this node is started with.
#[derive(Debug, Clone)]
pub struct LaunchEnv {
    pub app_id: String,
    /// The home, the working directory of every Bee.
    pub home: PathBuf,
    pub opt: PathBuf,
    pub socket: PathBuf,
    /// The Python interpreter for PyBees.
    pub python: String,
    /// The PyBee runner script.
    pub runner: PathBuf,
}

/// The process of one run: its own process group, stdin from `/dev/null`, stdout and stderr
/// into the run's pipes, the daemon's environment plus Wurker's variables.
pub fn command(
    program: &Program,
    env: &LaunchEnv,
    bee_slug: &str,
    run_id: i64,
    ends: ChildEnds,
) -> tokio::process::Command {
    let mut command = match program {
        Program::Exec { argv } => {
            let mut command = tokio::process::Command::new(&argv[0]);
            command.args(&argv[1..]);
            command
        }
        Program::PyBee { module, kwargs } => {
            let mut command = tokio::process::Command::new(&env.python);
            command
                .arg(&env.runner)
                .arg(module)
                .env("WURKER_ARGS", kwargs)
                .env("WURKER_OPT", &env.opt)
                .env("PYTHONUNBUFFERED", "1");
            command
        }
    };
    command
        .current_dir(&env.home)
        .env("WURKER_APP_ID", &env.app_id)
        .env("WURKER_BEE", bee_slug)
        .env("WURKER_RUN_ID", run_id.to_string())
        .env("WURKER_SOCKET", &env.socket)
        .env("WURKER_HOME", &env.home)
        .stdin(Stdio::null())
        .stdout(Stdio::from(ends.stdout))
        .stderr(Stdio::from(ends.stderr))
        .process_group(0)
        .kill_on_drop(false);
    command
}

/// Writes the PyBee runner into `dir`, replacing an older one, and returns its path.
///
/// # Errors
/// When the file cannot be written.
pub fn install_runner(dir: &Path) -> std::io::Result<PathBuf> {
    std::fs::create_dir_all(dir)?;
    let path = dir.join("wurker_pybee.py");
    std::fs::write(&path, RUNNER)?;
    Ok(path)
}

const RUNNER: &str = include_str!("pybee_runner.py");

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn executables_take_words() {
        let program = Program::of("/bin/echo -n", false, Some(&json!(["a b", 5]))).unwrap();
        assert_eq!(
            program,
            Program::Exec {
                argv: vec!["/bin/echo".into(), "-n".into(), "a b".into(), "5".into()]
            }
        );
        let program = Program::of("/bin/echo", false, Some(&json!("-l '/tmp/a b'"))).unwrap();
        assert_eq!(
            program,
            Program::Exec {
                argv: vec!["/bin/echo".into(), "-l".into(), "/tmp/a b".into()]
            }
        );
        assert!(Program::of("  ", false, None).is_err());
        assert!(Program::of("/bin/echo", false, Some(&json!({"a": 1}))).is_err());
    }

    #[test]
    fn pybees_take_objects() {
        let program = Program::of("test_pybee", true, Some(&json!({"duration": 2}))).unwrap();
        assert_eq!(
            program,
            Program::PyBee {
                module: "test_pybee".into(),
                kwargs: r#"{"duration":2}"#.into()
            }
        );
        assert!(Program::of("test_pybee", true, Some(&json!(["a"]))).is_err());
    }
}
