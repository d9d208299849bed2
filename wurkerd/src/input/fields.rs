//! Typed access to the fields of a JSON object sent as a definition, with errors that name the
//! kind of definition and the field.

use protocol::ErrorReply;
use serde_json::{Map, Value};

/// The fields of one JSON object describing a Command, Cron or Bee.
#[derive(Debug)]
pub struct Fields {
    kind: &'static str,
    map: Map<String, Value>,
}

impl Fields {
    /// Takes a JSON value that must be an object whose keys are all in `allowed`.
    ///
    /// # Errors
    /// `Invalid` when the value is not an object, is empty, or has an unknown key.
    pub fn new(kind: &'static str, value: Value, allowed: &[&str]) -> Result<Self, ErrorReply> {
        let Value::Object(map) = value else {
            return Err(ErrorReply::invalid(format!(
                "a {kind} must be given as a JSON object, not {}",
                type_name(&value)
            )));
        };
        if map.is_empty() {
            return Err(ErrorReply::invalid(format!(
                "the JSON object for the {kind} is empty"
            )));
        }
        if let Some(unknown) = map.keys().find(|key| !allowed.contains(&key.as_str())) {
            return Err(ErrorReply::invalid(format!(
                "unknown field '{unknown}' for a {kind}; allowed fields: {}",
                allowed.join(", ")
            )));
        }
        Ok(Self { kind, map })
    }

    /// Whether the object has this key at all (even with a `null` value).
    pub fn has(&self, key: &str) -> bool {
        self.map.contains_key(key)
    }

    /// A string field that may be absent; `null` is refused.
    pub fn optional_str(&self, key: &str) -> Result<Option<String>, ErrorReply> {
        match self.map.get(key) {
            None => Ok(None),
            Some(Value::String(text)) => Ok(Some(text.clone())),
            Some(other) => Err(self.wrong_type(key, "a string", other)),
        }
    }

    /// A field that may be absent (`None`), `null` (`Some(None)`) or a string.
    pub fn nullable_str(&self, key: &str) -> Result<Option<Option<String>>, ErrorReply> {
        match self.map.get(key) {
            None => Ok(None),
            Some(Value::Null) => Ok(Some(None)),
            Some(Value::String(text)) => Ok(Some(Some(text.clone()))),
            Some(other) => Err(self.wrong_type(key, "a string or null", other)),
        }
    }

    /// A boolean field that may be absent.
    pub fn optional_bool(&self, key: &str) -> Result<Option<bool>, ErrorReply> {
        match self.map.get(key) {
            None => Ok(None),
            Some(Value::Bool(flag)) => Ok(Some(*flag)),
            Some(other) => Err(self.wrong_type(key, "true or false", other)),
        }
    }

    /// A whole-number field that may be absent; `null` is refused.
    pub fn optional_int(&self, key: &str) -> Result<Option<i64>, ErrorReply> {
        match self.map.get(key) {
            None => Ok(None),
            Some(value) => match value.as_i64() {
                Some(number) => Ok(Some(number)),
                None => Err(self.wrong_type(key, "a whole number", value)),
            },
        }
    }

    /// A field that may be absent (`None`), `null` (`Some(None)`) or a whole number.
    pub fn nullable_int(&self, key: &str) -> Result<Option<Option<i64>>, ErrorReply> {
        match self.map.get(key) {
            None => Ok(None),
            Some(Value::Null) => Ok(Some(None)),
            Some(value) => match value.as_i64() {
                Some(number) => Ok(Some(Some(number))),
                None => Err(self.wrong_type(key, "a whole number or null", value)),
            },
        }
    }

    /// A field's raw JSON value, if present.
    pub fn raw(&self, key: &str) -> Option<&Value> {
        self.map.get(key)
    }

    /// Refuses a string longer than the column that stores it.
    pub fn check_len(&self, key: &str, text: &str, max: usize) -> Result<(), ErrorReply> {
        let len = text.chars().count();
        if len > max {
            return Err(ErrorReply::invalid(format!(
                "{} field '{key}' is too long: {len} characters, at most {max} allowed",
                self.kind
            )));
        }
        Ok(())
    }

    /// The error for a required field that is absent.
    pub fn missing(&self, key: &str) -> ErrorReply {
        ErrorReply::invalid(format!("{} field '{key}' is required", self.kind))
    }

    /// The error for a field of the wrong JSON type.
    pub fn wrong_type(&self, key: &str, expected: &str, got: &Value) -> ErrorReply {
        ErrorReply::invalid(format!(
            "{} field '{key}' must be {expected}, not {}",
            self.kind,
            type_name(got)
        ))
    }
}

/// How an error message names the type of a JSON value.
pub fn type_name(value: &Value) -> String {
    match value {
        Value::Null => "null".to_string(),
        Value::Bool(flag) => format!("the boolean {flag}"),
        Value::Number(number) => format!("the number {number}"),
        Value::String(text) => format!("the string \"{text}\""),
        Value::Array(_) => "a list".to_string(),
        Value::Object(_) => "an object".to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn unknown_and_wrong_types_are_named() {
        let err = Fields::new("Cron", json!({"slug": "x", "bogus": 1}), &["slug"]).unwrap_err();
        assert!(
            err.message.contains("unknown field 'bogus' for a Cron"),
            "{}",
            err.message
        );

        let fields = Fields::new("Cron", json!({"overrun": "x"}), &["overrun"]).unwrap();
        let err = fields.optional_int("overrun").unwrap_err();
        assert_eq!(
            err.message,
            "Cron field 'overrun' must be a whole number, not the string \"x\""
        );
    }

    #[test]
    fn non_objects_and_empty_objects_are_refused() {
        assert!(
            Fields::new("Bee", json!([1]), &[])
                .unwrap_err()
                .message
                .contains("a list")
        );
        assert!(
            Fields::new("Bee", json!({}), &[])
                .unwrap_err()
                .message
                .contains("empty")
        );
    }
}
