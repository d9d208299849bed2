//! Bees: the fields a client may send, parsed into a patch that handlers resolve against the
//! database (Command and Cron references) before writing.

use protocol::ErrorReply;
use serde_json::Value;
use uuid::Uuid;

use crate::defs::check_app_id;
use crate::input::{Fields, check_slug};

const FIELDS: &[&str] = &[
    "slug",
    "name",
    "description",
    "command_slug",
    "command_id",
    "cron_slug",
    "cron_id",
    "args",
    "quiet_restart",
    "enabled",
    "app_id",
];
const SLUG_MAX: usize = 128;
const NAME_MAX: usize = 128;

/// A reference to a Command or Cron, by slug or by id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reference {
    Slug(String),
    Id(i64),
}

/// The fields of a Bee a client sent; `None` means "not given".
#[derive(Debug, Clone, Default, PartialEq)]
pub struct BeePatch {
    pub slug: Option<String>,
    pub name: Option<String>,
    pub description: Option<Option<String>>,
    pub command: Option<Reference>,
    /// `Some(None)` unmaps the Bee from its Cron.
    pub cron: Option<Option<Reference>>,
    /// `Some(Value::Null)` clears the args.
    pub args: Option<Value>,
    pub quiet_restart: Option<bool>,
    pub enabled: Option<bool>,
}

/// Parses the JSON object of `wurk add bee` (`is_new`) or `wurk edit bee`.
///
/// # Errors
/// `Invalid` naming the field at fault.
pub fn parse(value: Value, app_id: Uuid, is_new: bool) -> Result<BeePatch, ErrorReply> {
    let fields = Fields::new("Bee", value, FIELDS)?;
    check_app_id(&fields, "Bee", app_id)?;
    if is_new {
        for key in ["slug", "name"] {
            if !fields.has(key) {
                return Err(fields.missing(key));
            }
        }
        if !fields.has("command_slug") && !fields.has("command_id") {
            return Err(ErrorReply::invalid(
                "Bee field 'command_slug' (or 'command_id') is required",
            ));
        }
    }

    let slug = fields.optional_str("slug")?;
    if let Some(slug) = &slug {
        check_slug("Bee", slug, SLUG_MAX)?;
    }
    let name = fields.optional_str("name")?;
    if let Some(name) = &name {
        fields.check_len("name", name, NAME_MAX)?;
    }
    Ok(BeePatch {
        slug,
        name,
        description: fields.nullable_str("description")?,
        command: command_reference(&fields)?,
        cron: cron_reference(&fields)?,
        args: fields.raw("args").cloned(),
        quiet_restart: fields.optional_bool("quiet_restart")?,
        enabled: fields.optional_bool("enabled")?,
    })
}

fn command_reference(fields: &Fields) -> Result<Option<Reference>, ErrorReply> {
    both_given(fields, "command_slug", "command_id")?;
    if let Some(slug) = fields.optional_str("command_slug")? {
        return Ok(Some(Reference::Slug(slug)));
    }
    Ok(fields.optional_int("command_id")?.map(Reference::Id))
}

fn cron_reference(fields: &Fields) -> Result<Option<Option<Reference>>, ErrorReply> {
    both_given(fields, "cron_slug", "cron_id")?;
    if let Some(slug) = fields.nullable_str("cron_slug")? {
        return Ok(Some(slug.map(Reference::Slug)));
    }
    Ok(fields
        .nullable_int("cron_id")?
        .map(|id| id.map(Reference::Id)))
}

fn both_given(fields: &Fields, slug_key: &str, id_key: &str) -> Result<(), ErrorReply> {
    if fields.has(slug_key) && fields.has(id_key) {
        return Err(ErrorReply::invalid(format!(
            "Bee fields '{slug_key}' and '{id_key}' name the same thing: give only one"
        )));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn new_bee_requires_a_command() {
        let err = parse(json!({"slug": "b", "name": "B"}), Uuid::new_v4(), true).unwrap_err();
        assert!(err.message.contains("'command_slug'"), "{}", err.message);
    }

    #[test]
    fn null_cron_slug_unmaps() {
        let patch = parse(json!({"cron_slug": null}), Uuid::new_v4(), false).unwrap();
        assert_eq!(patch.cron, Some(None));
        let patch = parse(json!({"name": "x"}), Uuid::new_v4(), false).unwrap();
        assert_eq!(patch.cron, None);
    }

    #[test]
    fn slug_and_id_together_are_refused() {
        let value = json!({"cron_slug": "a", "cron_id": 1});
        assert!(
            parse(value, Uuid::new_v4(), false)
                .unwrap_err()
                .message
                .contains("only one")
        );
    }
}
