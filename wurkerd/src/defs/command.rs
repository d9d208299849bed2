//! Commands: an executable (path and leading words) or a PyBee module name.

use protocol::{Command, ErrorReply};
use serde_json::Value;
use uuid::Uuid;

use crate::defs::check_app_id;
use crate::input::{Fields, check_slug};

const FIELDS: &[&str] = &[
    "slug",
    "name",
    "description",
    "command",
    "is_module",
    "app_id",
];
const SLUG_MAX: usize = 36;
const NAME_MAX: usize = 36;
const COMMAND_MAX: usize = 128;

/// A new Command from the JSON object of `wurk add command`.
///
/// # Errors
/// `Invalid` naming the field at fault.
pub fn parse_new(value: Value, app_id: Uuid) -> Result<Command, ErrorReply> {
    let fields = Fields::new("Command", value, FIELDS)?;
    for key in ["slug", "name", "command"] {
        if !fields.has(key) {
            return Err(fields.missing(key));
        }
    }
    let mut command = Command {
        id: 0,
        app_id,
        slug: String::new(),
        name: String::new(),
        description: None,
        command: None,
        is_module: false,
    };
    apply(&fields, &mut command)?;
    Ok(command)
}

/// Applies the JSON object of `wurk edit command` to an existing Command.
///
/// # Errors
/// `Invalid` naming the field at fault; the Command is then left unusable and must be dropped.
pub fn apply_edit(value: Value, command: &mut Command) -> Result<(), ErrorReply> {
    let fields = Fields::new("Command", value, FIELDS)?;
    apply(&fields, command)
}

fn apply(fields: &Fields, command: &mut Command) -> Result<(), ErrorReply> {
    check_app_id(fields, "Command", command.app_id)?;
    if let Some(slug) = fields.optional_str("slug")? {
        check_slug("Command", &slug, SLUG_MAX)?;
        command.slug = slug;
    }
    if let Some(name) = fields.optional_str("name")? {
        fields.check_len("name", &name, NAME_MAX)?;
        command.name = name;
    }
    if let Some(description) = fields.nullable_str("description")? {
        command.description = description;
    }
    if let Some(is_module) = fields.optional_bool("is_module")? {
        command.is_module = is_module;
    }
    if let Some(text) = fields.optional_str("command")? {
        fields.check_len("command", &text, COMMAND_MAX)?;
        command.command = Some(text);
    }
    check_text(command)
}

/// The command text must suit the kind: a module name for a PyBee, a splittable command line
/// for an executable.
fn check_text(command: &Command) -> Result<(), ErrorReply> {
    let text = command.command.as_deref().unwrap_or_default().trim();
    if text.is_empty() {
        return Err(ErrorReply::invalid(format!(
            "Command '{}' field 'command' must not be empty",
            command.slug
        )));
    }
    if command.is_module {
        if !is_module_name(text) {
            return Err(ErrorReply::invalid(format!(
                "Command '{}' is a module (is_module is true) but '{text}' is not a Python \
                 module name",
                command.slug
            )));
        }
    } else if let Err(err) = shell_words::split(text) {
        return Err(ErrorReply::invalid(format!(
            "Command '{}' field 'command' cannot be split into words: {err}",
            command.slug
        )));
    }
    Ok(())
}

fn is_module_name(text: &str) -> bool {
    text.split('.').all(|part| {
        let mut chars = part.chars();
        chars
            .next()
            .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
            && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn new_command_needs_slug_name_and_command() {
        let id = Uuid::new_v4();
        let err = parse_new(json!({"slug": "a", "name": "A"}), id).unwrap_err();
        assert_eq!(err.message, "Command field 'command' is required");
        let ok = parse_new(
            json!({"slug": "a", "name": "A", "command": "/bin/true -x"}),
            id,
        );
        assert_eq!(ok.unwrap().command.as_deref(), Some("/bin/true -x"));
    }

    #[test]
    fn module_names_are_checked() {
        let id = Uuid::new_v4();
        let value = json!({"slug": "m", "name": "M", "command": "a-b", "is_module": true});
        assert!(
            parse_new(value, id)
                .unwrap_err()
                .message
                .contains("not a Python module name")
        );
        let value = json!({"slug": "m", "name": "M", "command": "pkg.mod_1", "is_module": true});
        assert!(parse_new(value, id).is_ok());
    }

    #[test]
    fn foreign_app_id_is_refused() {
        let value = json!({"slug": "a", "name": "A", "command": "/x", "app_id": Uuid::new_v4()});
        let err = parse_new(value, Uuid::new_v4()).unwrap_err();
        assert!(
            err.message.contains("names another node"),
            "{}",
            err.message
        );
    }
}
