//! Crons: a schedule expression, or none for supervised Bees, and the overrun allowance.

use protocol::{Cron, ErrorReply};
use serde_json::Value;
use uuid::Uuid;

use crate::defs::check_app_id;
use crate::input::{Fields, check_slug};
use crate::schedule::Schedule;

const FIELDS: &[&str] = &["slug", "name", "cron", "overrun", "app_id"];
const SLUG_MAX: usize = 64;
const NAME_MAX: usize = 64;
const EXPRESSION_MAX: usize = 32;

/// A new Cron from the JSON object of `wurk add cron`; no `cron` (or `null`) is supervised.
///
/// # Errors
/// `Invalid` naming the field at fault.
pub fn parse_new(value: Value, app_id: Uuid) -> Result<Cron, ErrorReply> {
    let fields = Fields::new("Cron", value, FIELDS)?;
    for key in ["slug", "name"] {
        if !fields.has(key) {
            return Err(fields.missing(key));
        }
    }
    let mut cron = Cron {
        id: 0,
        app_id,
        slug: String::new(),
        name: String::new(),
        cron: None,
        overrun: 0,
    };
    apply(&fields, &mut cron)?;
    Ok(cron)
}

/// Applies the JSON object of `wurk edit cron` to an existing Cron.
///
/// # Errors
/// `Invalid` naming the field at fault.
pub fn apply_edit(value: Value, cron: &mut Cron) -> Result<(), ErrorReply> {
    let fields = Fields::new("Cron", value, FIELDS)?;
    apply(&fields, cron)
}

fn apply(fields: &Fields, cron: &mut Cron) -> Result<(), ErrorReply> {
    check_app_id(fields, "Cron", cron.app_id)?;
    if let Some(slug) = fields.optional_str("slug")? {
        check_slug("Cron", &slug, SLUG_MAX)?;
        cron.slug = slug;
    }
    if let Some(name) = fields.optional_str("name")? {
        fields.check_len("name", &name, NAME_MAX)?;
        cron.name = name;
    }
    if let Some(overrun) = fields.optional_int("overrun")? {
        if overrun < 0 {
            return Err(ErrorReply::invalid(format!(
                "Cron field 'overrun' must be 0 or more, not {overrun}"
            )));
        }
        cron.overrun = overrun;
    }
    if let Some(expression) = fields.nullable_str("cron")? {
        if let Some(text) = &expression {
            check_expression(fields, text)?;
        }
        cron.cron = expression.map(|text| text.trim().to_string());
    }
    Ok(())
}

fn check_expression(fields: &Fields, text: &str) -> Result<(), ErrorReply> {
    if text.trim().is_empty() {
        return Err(ErrorReply::invalid(
            "Cron field 'cron' is empty: give an expression, or null for a supervised Cron",
        ));
    }
    fields.check_len("cron", text.trim(), EXPRESSION_MAX)?;
    Schedule::parse(text)
        .map_err(|why| ErrorReply::invalid(format!("invalid cron expression '{text}': {why}")))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn supervised_when_cron_absent_or_null() {
        let id = Uuid::new_v4();
        assert_eq!(
            parse_new(json!({"slug": "s", "name": "S"}), id)
                .unwrap()
                .cron,
            None
        );
        let cron = parse_new(json!({"slug": "s", "name": "S", "cron": null}), id).unwrap();
        assert_eq!(cron.cron, None);
    }

    #[test]
    fn bad_expressions_and_overruns_are_refused() {
        let id = Uuid::new_v4();
        let err = parse_new(json!({"slug": "s", "name": "S", "cron": "61 * * * *"}), id);
        assert!(
            err.unwrap_err()
                .message
                .starts_with("invalid cron expression '61 * * * *'")
        );
        let err = parse_new(json!({"slug": "s", "name": "S", "overrun": -1}), id).unwrap_err();
        assert!(
            err.message.contains("'overrun' must be 0 or more"),
            "{}",
            err.message
        );
    }
}
