//! Parsing a whole JSON document sent by a client.

use protocol::ErrorReply;
use serde_json::Value;

/// Parses JSON text, refusing empty input and `null`, and naming the line and column of a
/// syntax error.
///
/// # Errors
/// An `Invalid` reply describing what is wrong with the text.
pub fn parse_document(text: &str, what: &str) -> Result<Value, ErrorReply> {
    if text.trim().is_empty() {
        return Err(ErrorReply::invalid(format!(
            "no JSON given for the {what}: the input is empty"
        )));
    }
    let value: Value = serde_json::from_str(text).map_err(|err| {
        ErrorReply::invalid(format!(
            "malformed JSON for the {what} at line {}, column {}: {}",
            err.line(),
            err.column(),
            describe(&err)
        ))
    })?;
    if value.is_null() {
        return Err(ErrorReply::invalid(format!(
            "no JSON given for the {what}: the input is null"
        )));
    }
    Ok(value)
}

/// serde_json's message without its own " at line L column C" suffix, which we already say.
fn describe(err: &serde_json::Error) -> String {
    let text = err.to_string();
    match text.rfind(" at line ") {
        Some(cut) => text[..cut].to_string(),
        None => text,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_line_and_column() {
        let err = parse_document("{\n  \"slug\": \"a\",\n  oops\n}", "bee").unwrap_err();
        assert!(err.message.contains("line 3, column 3"), "{}", err.message);
        assert!(
            err.message.starts_with("malformed JSON for the bee"),
            "{}",
            err.message
        );
    }

    #[test]
    fn empty_and_null_are_refused() {
        assert!(
            parse_document("  \n", "cron")
                .unwrap_err()
                .message
                .contains("empty")
        );
        assert!(
            parse_document("null", "cron")
                .unwrap_err()
                .message
                .contains("null")
        );
    }
}
