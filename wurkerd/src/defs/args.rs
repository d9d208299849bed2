//! A Bee's args: a list of words or one string (split with shell rules, never run through a
//! shell) for an executable; an object of keyword arguments for a PyBee.

use protocol::ErrorReply;
use serde_json::Value;

use crate::input::type_name;

/// Checks args for a Bee whose Command is (`is_module`) or is not a PyBee module.
///
/// # Errors
/// `Invalid` naming `whose` (for example `Bee 'x'`) and what the args must be.
pub fn check(args: &Value, is_module: bool, whose: &str) -> Result<(), ErrorReply> {
    match (is_module, args) {
        (_, Value::Null) => Ok(()),
        (true, Value::Object(_)) => Ok(()),
        (true, other) => Err(ErrorReply::invalid(format!(
            "{whose} runs a PyBee module, so its args must be an object of keyword arguments, \
             not {}",
            type_name(other)
        ))),
        (false, Value::String(text)) => shell_words::split(text).map(|_| ()).map_err(|err| {
            ErrorReply::invalid(format!("{whose} args cannot be split into words: {err}"))
        }),
        (false, Value::Array(items)) => {
            match items
                .iter()
                .find(|item| !(item.is_string() || item.is_number()))
            {
                Some(bad) => Err(ErrorReply::invalid(format!(
                    "{whose} args must be a list of strings or numbers; found {}",
                    type_name(bad)
                ))),
                None => Ok(()),
            }
        }
        (false, other) => Err(ErrorReply::invalid(format!(
            "{whose} runs an executable, so its args must be a list of words or a string, \
             not {}",
            type_name(other)
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn kinds_of_args() {
        assert!(check(&json!({"a": 1}), true, "Bee 'p'").is_ok());
        assert!(check(&json!(["-l", 5]), false, "Bee 'b'").is_ok());
        assert!(check(&json!("-l '/tmp/a b'"), false, "Bee 'b'").is_ok());
        assert!(
            check(&json!(["a"]), true, "Bee 'p'")
                .unwrap_err()
                .message
                .contains("object")
        );
        assert!(
            check(&json!({"a": 1}), false, "Bee 'b'")
                .unwrap_err()
                .message
                .contains("list")
        );
        assert!(check(&json!("'open"), false, "Bee 'b'").is_err());
        assert!(check(&json!([["x"]]), false, "Bee 'b'").is_err());
    }
}
